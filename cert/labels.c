// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What people read for each field of a certificate, in English and in
 * Japanese, as data: the front end picks a language, the document keeps
 * its English names. The Japanese follows the terms of local-government
 * information security policy (消去方式, 検証方法, 作業者, 立会人, 承認者).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cert.h"

const struct cert_label cert_labels[] = {
	{ "title", "Certificate of media sanitization", "記録媒体消去証明書" },
	{ "id", "Certificate ID", "証明書ID" },
	{ "report_id", "Report ID", "報告書ID" },
	{ "issued", "Issued", "発行日時" },
	{ "organisation.name", "Organisation", "組織名" },
	{ "organisation.department", "Department", "部署" },
	{ "organisation.location", "Location", "作業場所" },
	{ "operator.name", "Operator", "作業者" },
	{ "operator.title", "Operator's title", "作業者の役職" },
	{ "operator.contact", "Operator's contact", "作業者の連絡先" },
	{ "witness.name", "Witness", "立会人" },
	{ "approver", "Approver", "承認者" },
	{ "reason", "Reason", "消去理由" },
	{ "lease_contract", "Lease contract", "リース契約番号" },
	{ "media.manufacturer", "Manufacturer", "製造元" },
	{ "media.model", "Model", "型番" },
	{ "media.serial", "Serial number", "シリアル番号" },
	{ "media.wwn", "WWN", "WWN" },
	{ "media.firmware", "Firmware", "ファームウェア" },
	{ "media.capacity_bytes", "Capacity (bytes)", "容量(バイト)" },
	{ "media.logical_block_size", "Logical block size", "論理ブロックサイズ" },
	{ "media.transport", "Interface", "インターフェース" },
	{ "media.type", "Media type", "媒体種別" },
	{ "media.kind", "Target kind", "対象の種類" },
	{ "media.path", "Device path", "デバイスパス" },
	{ "media.asset_tag", "Asset number", "資産番号" },
	{ "media.source_machine", "Source machine", "取り外し元機器" },
	{ "media.classification", "Classification", "機密性" },
	{ "media.data_backed_up", "Data backed up", "データのバックアップ" },
	{ "sanitization.category", "Sanitization category (NIST SP 800-88)",
	  "消去区分(NIST SP 800-88)" },
	{ "sanitization.technique", "Technique", "消去技術" },
	{ "sanitization.method", "Method", "消去方式" },
	{ "sanitization.passes", "Pass", "パス" },
	{ "sanitization.blank", "Final zero pass", "最終ゼロ書き込み" },
	{ "sanitization.hidden_areas", "Hidden areas (HPA/DCO)", "隠し領域(HPA/DCO)" },
	{ "sanitization.post_classification", "Classification after sanitization",
	  "消去後の機密性" },
	{ "evidence", "Evidence (SHA-256)", "証拠資料(SHA-256)" },
	{ "verification.mode", "Verification", "検証方法" },
	{ "verification.coverage_percent", "Verification coverage (%)", "検証範囲(%)" },
	{ "verification.samples", "Samples read", "サンプル数" },
	{ "verification.sample_seed", "Sample seed", "サンプルのシード" },
	{ "verification.bytes_read", "Bytes read back", "読み戻したバイト数" },
	{ "verification.cache_bypass", "Read path", "読み出し経路" },
	{ "verification.read_paths", "Bytes read by path", "経路別の読み出しバイト数" },
	{ "verification.verified", "Verified", "検証結果" },
	{ "errors.write", "Write errors (LBA)", "書き込みエラー(LBA)" },
	{ "errors.read", "Read errors (LBA)", "読み出しエラー(LBA)" },
	{ "errors.mismatch", "Mismatches (LBA)", "不一致(LBA)" },
	{ "result", "Result", "結果" },
	{ "result_reason", "Reason for the result", "結果の理由" },
	{ "started", "Started", "開始日時" },
	{ "finished", "Finished", "終了日時" },
	{ "destination", "Destination after sanitization", "消去後の処置" },
	{ "notes", "Notes", "備考" },
	{ "tool.name", "Tool", "使用ツール" },
	{ "tool.version", "Tool version", "ツールのバージョン" },
	{ "tool.sha256", "Tool SHA-256", "ツールのSHA-256" },
	{ "host", "Host", "作業端末" },
	{ "format", "Format", "形式" },
	{ "sha256", "Certificate file SHA-256", "証明書ファイルのSHA-256" },
	{ NULL, NULL, NULL },
};

struct cert_value_label {
	const char *path;
	const char *value;
	const char *en;
	const char *ja;
};

static const struct cert_value_label values[] = {
	{ "reason", "disposal", "disposal", "廃棄" },
	{ "reason", "lease-return", "lease return", "リース返却" },
	{ "reason", "reuse", "reuse", "再利用" },
	{ "media.data_backed_up", "yes", "yes", "あり" },
	{ "media.data_backed_up", "no", "no", "なし" },
	{ "media.data_backed_up", "unknown", "unknown", "不明" },
	{ "media.kind", "block", "block device", "ブロックデバイス" },
	{ "media.kind", "file", "image file", "イメージファイル" },
	{ "sanitization.category", "clear", "Clear", "消去(Clear)" },
	{ "sanitization.category", "purge", "Purge", "除去(Purge)" },
	{ "sanitization.category", "destroy", "Destroy", "破壊(Destroy)" },
	{ "sanitization.technique", "overwrite", "overwrite", "上書き" },
	{ "sanitization.technique", "block-erase", "block erase", "ブロック消去" },
	{ "sanitization.technique", "crypto-erase", "cryptographic erase", "暗号化消去" },
	{ "sanitization.technique", "degauss", "degauss", "磁気消去" },
	{ "sanitization.technique", "shred", "shred", "破砕" },
	{ "sanitization.technique", "disintegrate", "disintegrate", "粉砕" },
	{ "sanitization.technique", "pulverize", "pulverize", "微粉砕" },
	{ "sanitization.technique", "melt", "melt", "溶解" },
	{ "sanitization.technique", "incinerate", "incinerate", "焼却" },
	{ "sanitization.technique", "other", "other", "その他" },
	{ "sanitization.method", "physical destruction: shredding (IEEE 2883 Destruct)",
	  "physical destruction: shredding (IEEE 2883 Destruct)",
	  "物理破壊: 破砕(IEEE 2883 Destruct)" },
	{ "sanitization.method", "physical destruction: disintegration (IEEE 2883 Destruct)",
	  "physical destruction: disintegration (IEEE 2883 Destruct)",
	  "物理破壊: 粉砕(IEEE 2883 Destruct)" },
	{ "sanitization.method", "physical destruction: incineration (IEEE 2883 Destruct)",
	  "physical destruction: incineration (IEEE 2883 Destruct)",
	  "物理破壊: 焼却(IEEE 2883 Destruct)" },
	{ "sanitization.method", "physical destruction: pulverizing (IEEE 2883 Destruct)",
	  "physical destruction: pulverizing (IEEE 2883 Destruct)",
	  "物理破壊: 微粉砕(IEEE 2883 Destruct)" },
	{ "sanitization.method",
	  "degaussing (NIST SP 800-88 Purge for magnetic media; leaves the drive unusable)",
	  "degaussing (NIST SP 800-88 Purge for magnetic media; leaves the drive unusable)",
	  "磁気消去(NIST SP 800-88 磁気媒体の Purge。ドライブは使用不能になります)" },
	{ "sanitization.hidden_areas", "unknown", "not checked", "未確認" },
	{ "sanitization.hidden_areas", "none", "none", "なし" },
	{ "sanitization.hidden_areas", "removed", "removed before erasure", "消去前に解除" },
	{ "sanitization.hidden_areas", "present", "present, not erased", "残存(未消去)" },
	{ "verification.mode", "last", "last pass read back in full", "最終パスを全域読み戻し" },
	{ "verification.mode", "all", "every pass read back in full", "全パスを全域読み戻し" },
	{ "verification.mode", "sample", "sampled read-back", "抜き取り読み戻し" },
	{ "verification.mode", "none", "none", "なし" },
	{ "result", "success", "success", "成功" },
	{ "result", "failed", "failed", "失敗" },
	{ "result", "aborted", "aborted", "中断" },
	{ "result", "refused", "refused", "拒否" },
	{ "destination", "internal-reuse", "internal reuse", "内部再利用" },
	{ "destination", "external-reuse", "external reuse", "外部再利用" },
	{ "destination", "return-to-lessor", "return to lessor", "リース会社へ返却" },
	{ "destination", "recycling", "recycling", "リサイクル" },
	{ "destination", "destruction", "destruction", "破壊" },
	{ NULL, NULL, NULL, NULL },
};

const char *cert_label(const char *path, enum cert_lang lang)
{
	for (const struct cert_label *l = cert_labels; l->path; l++)
		if (!strcmp(l->path, path))
			return lang == CERT_LANG_JA ? l->ja : l->en;
	return NULL;
}

const char *cert_title(const json_t *cert, enum cert_lang lang)
{
	if (cert_is_destruction(cert))
		return lang == CERT_LANG_JA ? "記録媒体破壊証明書" :
					      "Certificate of media destruction";
	return cert_label("title", lang);
}

const char *cert_evidence_line(const json_t *e, enum cert_lang lang, char *buf, size_t len)
{
	const char *name = json_string_value(json_object_get(e, "name"));
	const char *sum = json_string_value(json_object_get(e, "sha256"));

	snprintf(buf, len, "%s, %" JSON_INTEGER_FORMAT " %s, SHA-256 %s", name ? name : "-",
		 json_integer_value(json_object_get(e, "size")),
		 lang == CERT_LANG_JA ? "バイト" : "bytes", sum ? sum : "-");
	return buf;
}

const char *cert_value_label(const char *path, const char *value, enum cert_lang lang)
{
	for (const struct cert_value_label *v = values; value && v->path; v++)
		if (!strcmp(v->path, path) && !strcmp(v->value, value))
			return lang == CERT_LANG_JA ? v->ja : v->en;
	return NULL;
}

/*
 * The reasons for a result that kesu writes into a report (erase/engine.c,
 * purge.c, method_luks.c, job.c), most specific first. In a pattern, %d
 * stands for a number and %s for any text; %1, %2, %3 in the Japanese are
 * what they stood for, copied as they are (an errno's text stays English).
 */
static const struct reason_label {
	const char *en;
	const char *ja;
} reasons[] = {
	{ "interrupted by signal", "シグナルにより中断" },
	{ "interrupted by signal %s", "シグナル %1 により中断" },
	{ "interrupted", "中断" },
	{ "not run", "実行されていません" },
	{ "not confirmed", "実行の確認が得られませんでした" },
	{ "out of memory", "メモリ不足" },
	{ "device error: %s", "デバイスのエラー: %1" },
	{ "%d blocks could not be written", "%1 ブロックに書き込めませんでした" },
	{ "%d blocks could not be read back", "%1 ブロックを読み戻せませんでした" },
	{ "verification failed: %d blocks differ from what was written",
	  "検証失敗: %1 ブロックが書き込んだ内容と異なります" },
	{ "not verified (--verify none)", "検証していません(--verify none)" },
	{ "%s reported success but %d of %d sampled blocks read as before",
	  "%1 は成功を報告しましたが、抜き取った %3 ブロックのうち %2 ブロックが消去前のままです" },
	{ "%s: %d of %d sampled blocks do not read as the pattern the device states",
	  "%1: 抜き取った %3 ブロックのうち %2 ブロックがデバイスの示すパターンと一致しません" },
	{ "%s: %d sampled blocks cannot be read back",
	  "%1: 抜き取った %2 ブロックを読み戻せません" },
	{ "aborted before %s: nothing was sent to the drive",
	  "%1 の前に中断: ドライブには何も送っていません" },
	{ "cannot sample the device before %s: %s",
	  "%1 の前にデバイスを抜き取り読み出しできません: %2" },
	{ "%s: aborted while the drive worked; the drive may go on by itself",
	  "%1: ドライブの処理中に中断しました。ドライブが自ら処理を続ける場合があります" },
	{ "%s: aborted while the drive worked; %s", "%1: ドライブの処理中に中断しました。%2" },
	{ "%s: cannot read the sample back: %s", "%1: 抜き取ったブロックを読み戻せません: %2" },
	{ "cannot read the header area back: %s", "ヘッダー領域を読み戻せません: %1" },
	{ "libcryptsetup still recognises a LUKS header",
	  "libcryptsetup が LUKS ヘッダーをまだ認識します" },
	{ "%d block(s) of the header area unchanged, %d not zero afterwards",
	  "ヘッダー領域の %1 ブロックが変化せず、%2 ブロックが消去後にゼロではありません" },
	{ "not a LUKS device: libcryptsetup finds no LUKS1 or LUKS2 header on it; use an "
	  "overwrite or a Purge method",
	  "LUKS デバイスではありません: libcryptsetup は LUKS1 / LUKS2 ヘッダーを見つけられません。"
	  "上書きまたは Purge の方式を使ってください" },
	{ "the header is detached (data offset 0)",
	  "ヘッダーが分離されています(データオフセット 0)" },
	{ "cannot read the header area before the erase", "消去前にヘッダー領域を読み出せません" },
	{ "cannot identify it: %s", "デバイスを識別できません: %1" },
	{ "cannot plan method '%s': %s", "消去方式 '%1' を実行できません: %2" },
	{ "cannot restore the host protected area: %s", "HPA(ホスト保護領域)を解除できません: %1" },
	{ "%s cannot be used: %s", "%1 は使用できません: %2" },
	{ "the certificate cannot be written", "証明書を書き込めません" },
	{ "the report cannot be written: %s", "報告書を書き込めません: %1" },
	{ "%s failed: %s", "%1 が失敗しました: %2" },
	{ NULL, NULL },
};

struct capture {
	const char *at;
	size_t len;
};

/* Does @s match @pat whole? Fills @cap[@n...] with what each %d and %s stood for. */
static bool reason_match(const char *pat, const char *s, struct capture *cap, int n)
{
	if (!*pat)
		return !*s;
	if (pat[0] == '%' && (pat[1] == 'd' || pat[1] == 's')) {
		size_t len;

		if (n >= 3)
			return false;
		/* the shortest capture that lets the rest match: "%s failed: %s" splits at the first */
		for (len = 1; s[len - 1]; len++) {
			if (pat[1] == 'd' && !isdigit((unsigned char)s[len - 1]))
				return false;
			cap[n] = (struct capture){ s, len };
			if (reason_match(pat + 2, s + len, cap, n + 1))
				return true;
		}
		return false;
	}
	return *pat == *s && reason_match(pat + 1, s + 1, cap, n);
}

const char *cert_reason_label(const char *reason, enum cert_lang lang, char *buf, size_t len)
{
	struct capture cap[3];
	size_t o = 0;

	if (lang != CERT_LANG_JA || !reason || !len)
		return NULL;
	for (const struct reason_label *r = reasons; r->en; r++) {
		if (!reason_match(r->en, reason, cap, 0))
			continue;
		for (const char *t = r->ja; *t && o + 1 < len; t++) {
			if (t[0] == '%' && t[1] >= '1' && t[1] <= '3') {
				const struct capture *c = &cap[t[1] - '1'];

				o += (size_t)snprintf(buf + o, len - o, "%.*s", (int)c->len, c->at);
				o = o < len ? o : len - 1;
				t++;
			} else {
				buf[o++] = *t;
			}
		}
		buf[o] = '\0';
		return buf;
	}
	return NULL;
}
