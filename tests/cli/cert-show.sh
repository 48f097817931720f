#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu cert show on the certificate of a real erasure: the fields carry over
# from the report, labels in English and Japanese (by option and by locale),
# terminal lines and the HTML page stay well-formed whatever the strings
# hold, --json prints the canonical bytes, and a file that is not canonical
# or not a kesu-certificate/1 is refused with exit 9. The signatures are
# shown as cert verify judges them (stock minisign agrees), with the
# approver; a failed erasure's certificate carries a banner; the reasons
# kesu writes for a result read in Japanese with --lang ja.
# The certificate is made by `kesu cert issue` with the committed operator key.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"

keys=${KESU_SRCDIR:?}/tests/data/keys
# git does not keep modes and kesu refuses a secret key group or others may read
mkdir "$WORK/keys"
cp "$keys/operator.key" "$WORK/keys/"
# the operator who signs is the one the certificate names: the key in Sato's name
sed '1s/name=.*/name=Sato "Hanako" 佐藤/' "$keys/operator.key.pub" > "$WORK/keys/operator.key.pub"
chmod 600 "$WORK/keys/operator.key"
printf 'kesu-test-operator\n' > "$WORK/op.pass"

dev=$(mkloop $((4 * 1024 * 1024)))
r=$WORK/r.json c=$WORK/c.json
expect_rc 0 "$KESU" erase --yes --quiet --method zero --report "$r" \
	--operator 'Sato "Hanako" 佐藤' --asset-tag 'SRV-0117' --reason lease-return \
	--lease-contract 'L-2026-0412' --witness 'Suzuki Ichiro' --location 'Server room B' \
	"$dev" 2>/dev/null
sha=$(sha256sum "$KESU" | cut -d' ' -f1)
# an organisation name that would be markup
issued=$WORK/issued.json
expect_rc 0 "$KESU" cert issue "$r" -o "$issued" --sign-key "$WORK/keys/operator.key" \
	--passphrase-file "$WORK/op.pass" --organisation '<script>alert(1)</script> & Co' \
	--department '総務課' --classification '機密性2' --destination return-to-lessor \
	--media-type SSD --manufacturer Samsung --notes 'line one' > /dev/null
[ -f "$issued.operator.minisig" ] || fail "cert issue wrote no operator signature"
# notes that would be a second line and a colour change on a terminal: kesu cert
# issue refuses them, a certificate made elsewhere may hold them; jq -cjS writes
# the canonical form (it gives back the issued file's bytes unchanged)
notes=$(printf 'line one\nForged: yes\033[31m')
expect_rc 2 "$KESU" cert issue "$r" -o "$WORK/refused.json" --sign-key "$WORK/keys/operator.key" \
	--passphrase-file "$WORK/op.pass" --notes "$notes" 2> /dev/null
[ ! -e "$WORK/refused.json" ] || fail "cert issue wrote a certificate with control characters"
jq -cjS . "$issued" | cmp -s - "$issued" || fail "jq -cjS does not give the canonical form"
jq -cjS --arg n "$notes" '.notes = $n' "$issued" > "$c"
id=$(jq -r .id "$c")

[ "$(tail -c 1 "$c" | od -An -c | tr -d ' ')" = '}' ] || fail "the file does not end with '}'"
jq -e --slurpfile rep "$r" --arg id "$id" --arg sha "$sha" '
	.format == "kesu-certificate/1" and .id == $id and .report_id == $rep[0].id
	and .operator.name == $rep[0].operator.name and .witness.name == "Suzuki Ichiro"
	and .organisation.location == "Server room B" and .reason == "lease-return"
	and .lease_contract == "L-2026-0412" and .media.asset_tag == "SRV-0117"
	and .media.path == $rep[0].device.path
	and .media.capacity_bytes == $rep[0].device.size_bytes
	and .sanitization.category == "clear" and .sanitization.method == "zero"
	and .sanitization.hidden_areas == "unknown"
	and .sanitization.passes[0].bytes_written == $rep[0].passes[0].bytes_written
	and .verification.verified and .verification.cache_bypass == "O_DIRECT"
	and .result == "success" and .destination == "return-to-lessor"
	and .tool.sha256 == $sha and .tool.version == $rep[0].tool.version
	and .host == $rep[0].host and .started == $rep[0].started' "$c" >/dev/null ||
	fail "certificate fields: $(cat "$c")"
ok "the certificate carries the report's fields and the organisation's"

# English, by option and from the locale (LC_ALL before LANG)
expect_rc 0 "$KESU" cert show --lang en "$c" > "$WORK/en"
LC_ALL=C LANG=ja_JP.UTF-8 "$KESU" cert show "$c" > "$WORK/en2"
cmp -s "$WORK/en" "$WORK/en2" || fail "LC_ALL=C did not give English"
for line in "Certificate ID: $id" 'Operator: Sato \"Hanako\" 佐藤' 'Witness: Suzuki Ichiro' \
	'Asset number: SRV-0117' 'Method: zero' 'Result: success' 'Classification: 機密性2' \
	'Destination after sanitization: return to lessor' "Tool SHA-256: $sha" \
	"Certificate file SHA-256: $(sha256sum "$c" | cut -d' ' -f1)" \
	'Verification: last pass read back in full' 'Hidden areas (HPA/DCO): not checked'; do
	grep -qxF "$line" "$WORK/en" || { cat "$WORK/en" >&2; fail "English: no line '$line'"; }
done
grep -qxF 'Notes: line one\x0aForged: yes\x1b[31m' "$WORK/en" || fail "notes not escaped"
grep -q '^Forged' "$WORK/en" && fail "a string in the certificate started a line of its own"
tr -d '\n' < "$WORK/en" | LC_ALL=C grep -q '[[:cntrl:]]' && fail "a control character on the terminal"
ok "text in English: labelled lines, strings escaped for the terminal"

expect_rc 0 "$KESU" cert show --lang ja "$c" > "$WORK/ja"
LC_ALL= LC_MESSAGES= LANG=ja_JP.UTF-8 "$KESU" cert show "$c" > "$WORK/ja2"
cmp -s "$WORK/ja" "$WORK/ja2" || fail "LANG=ja_JP.UTF-8 did not give Japanese"
for line in '記録媒体消去証明書' "証明書ID: $id" '作業者: Sato \"Hanako\" 佐藤' \
	'立会人: Suzuki Ichiro' '資産番号: SRV-0117' '消去方式: zero' '機密性: 機密性2' \
	'検証方法: 最終パスを全域読み戻し' '結果: 成功' '消去後の処置: リース会社へ返却' \
	'消去区分(NIST SP 800-88): 消去(Clear)' '部署: 総務課'; do
	grep -qxF "$line" "$WORK/ja" || { cat "$WORK/ja" >&2; fail "Japanese: no line '$line'"; }
done
[ "$(wc -l < "$WORK/ja")" -eq "$(wc -l < "$WORK/en")" ] || fail "ja and en differ in lines"
ok "text in Japanese, by --lang and by LANG"

expect_rc 0 "$KESU" cert show --format html --lang ja "$c" > "$WORK/page.html"
grep -q '^<html lang="ja">' "$WORK/page.html" || fail "html: no lang=ja"
grep -qF '<tr><th>組織名</th><td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</td></tr>' \
	"$WORK/page.html" || fail "html: the organisation is not escaped: $(grep 組織名 "$WORK/page.html")"
grep -qi '<script' "$WORK/page.html" && fail "html: a <script> element reached the page"
grep -qF '<tr><th>作業者</th><td>Sato &quot;Hanako&quot; 佐藤</td></tr>' "$WORK/page.html" ||
	fail "html: operator"
grep -qF 'line one\x0aForged: yes\x1b[31m' "$WORK/page.html" || fail "html: notes"
LC_ALL=C grep -q "$(printf '\033')" "$WORK/page.html" && fail "html: an escape character"
[ "$(grep -c '<tr>' "$WORK/page.html")" -eq "$(($(wc -l < "$WORK/ja") - 1 + 3))" ] ||
	fail "html: not one row per line of the text form plus three signature rows"
ok "html: one row per field, every value escaped"

"$KESU" cert show --json "$c" > "$WORK/json"
[ "$(wc -l < "$WORK/json")" -eq 1 ] || fail "--json: not one line"
head -c -1 "$WORK/json" | cmp -s - "$c" || fail "--json does not print the file's bytes"
jq -e --arg id "$id" '.id == $id' "$WORK/json" >/dev/null || fail "--json: not the document"
ok "--json prints the canonical bytes"

# malformed: exit 9 and the reason
malformed() { # WHAT FILE TEXT
	set +e
	"$KESU" cert show "$2" > "$WORK/out" 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 9 ] || fail "$1: exit $rc, expected 9"
	[ ! -s "$WORK/out" ] || fail "$1: printed something"
	grep -qF -- "$3" "$WORK/err" || fail "$1: message lacks '$3': $(cat "$WORK/err")"
}
jq . "$c" > "$WORK/pretty.json"
malformed "pretty-printed" "$WORK/pretty.json" "not in canonical form"
{ cat "$c"; echo; } > "$WORK/nl.json"
malformed "trailing newline" "$WORK/nl.json" "not in canonical form"
printf '{"format":' > "$WORK/cut.json"
malformed "truncated" "$WORK/cut.json" "not JSON"
# canonical, but not a certificate; jq -cS writes this document in canonical form
jq -cjS 'del(.host)' "$c" > "$WORK/nohost.json"
malformed "no host" "$WORK/nohost.json" "not kesu-certificate/1: host: missing"
jq -cjS '.result = "failed" | .result_reason = "x"' "$c" > "$WORK/failed.json"
expect_rc 0 "$KESU" cert show "$WORK/failed.json" > "$WORK/out"
grep -qxF 'Result: failed' "$WORK/out" || fail "a failed certificate is not shown as failed"
ok "not canonical, not JSON and not the schema: exit 9 with the reason; jq's canonical form is read"

# single-byte changes: a newline (whitespace outside a string, a raw control
# character inside one) and 0xff (never UTF-8) break the canonical form at any
# position; 40 positions spread over the file, the first and the last among them
size=$(stat -c %s "$c")
n=0
for i in $(seq 0 40); do
	pos=$((i * (size - 1) / 40))
	for byte in '\n' '\377'; do
		{ head -c "$pos" "$c"; printf "$byte"; tail -c +$((pos + 2)) "$c"; } > "$WORK/m.json"
		[ "$(stat -c %s "$WORK/m.json")" -eq "$size" ] || fail "mutation at $pos has another size"
		cmp -s "$WORK/m.json" "$c" && fail "mutation at $pos changed nothing"
		set +e
		"$KESU" cert show "$WORK/m.json" > /dev/null 2> "$WORK/err"
		rc=$?
		set -e
		[ $rc -eq 9 ] || fail "byte $pos set to $byte: exit $rc, expected 9"
		n=$((n + 1))
	done
done
ok "$n single-byte changes refused with exit 9"

# --- the signatures, checked as cert verify checks them, and the approver.
# A certificate whose operator is the signing key's owner; kesu.conf empty,
# so that only --trust names a trust store.
cp "$keys/approver.key" "$keys/approver.key.pub" "$WORK/keys/"
chmod 600 "$WORK/keys/approver.key"
# the operator key under its own name again (Sato's copy above was for the first part)
cp "$keys/operator.key.pub" "$WORK/keys/operator.key.pub"
printf 'kesu-test-approver\n' > "$WORK/ap.pass"
mkdir "$WORK/trust" "$WORK/optrust"
cp "$keys/operator.key.pub" "$keys/approver.key.pub" "$WORK/trust/"
cp "$keys/operator.key.pub" "$WORK/optrust/"
(umask 077 && : > "$WORK/empty.conf")
export KESU_CONFIG="$WORK/empty.conf"
dev2=$(mkloop $((1024 * 1024)))
s=$WORK/s.json
expect_rc 0 "$KESU" erase --yes --quiet --method zero --report "$WORK/rs.json" \
	--operator 'Test Operator' "$dev2" 2>/dev/null
expect_rc 0 "$KESU" cert issue "$WORK/rs.json" -o "$s" --sign-key "$WORK/keys/operator.key" \
	--passphrase-file "$WORK/op.pass" --organisation 'Example' > /dev/null
# show_has FILE WHAT LINE...: each LINE is a whole line of FILE
show_has() {
	sh_file=$1 sh_what=$2
	shift 2
	for line in "$@"; do
		grep -qxF -- "$line" "$sh_file" || { cat "$sh_file" >&2; fail "$sh_what: no line '$line'"; }
	done
}
# show_starts FILE WHAT PREFIX: a line of FILE begins with PREFIX
show_starts() {
	awk -v p="$3" 'index($0, p) == 1 { found = 1 } END { exit !found }' "$1" ||
		{ cat "$1" >&2; fail "$2: no line starting '$3'"; }
}
if [ ! -e /etc/kesu/trust.d ]; then
	expect_rc 0 "$KESU" cert show "$s" > "$WORK/nt"
	show_has "$WORK/nt" "no trust store" 'Operator signature: not checked: no trust store' \
		'Approval: not approved' 'Check (kesu cert verify): not checked: no trust store'
	grep -q '^Approver:' "$WORK/nt" && fail "no trust store: an approver was named"
fi
expect_rc 0 "$KESU" cert show --trust "$WORK/trust" "$s" > "$WORK/op"
show_starts "$WORK/op" "operator only" 'Operator signature: valid (Test Operator, signed 20'
show_has "$WORK/op" "operator only" 'Approval: not approved' 'Check (kesu cert verify): valid'
grep -q '^Approver:' "$WORK/op" && fail "unapproved: an approver was named"
expect_rc 0 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$WORK/keys/approver.key" \
	--passphrase-file "$WORK/ap.pass" "$s" > /dev/null
# stock minisign is the judge of both signatures
minisign -Vqm "$s" -x "$s.approver.minisig" -p "$keys/approver.key.pub" ||
	fail "stock minisign rejects the approval"
expect_rc 0 "$KESU" cert show --trust "$WORK/trust" "$s" > "$WORK/ap"
show_has "$WORK/ap" "approved" 'Approver: Test Approver' 'Check (kesu cert verify): valid'
show_starts "$WORK/ap" "approved" 'Approval: valid (Test Approver, signed 20'
expect_rc 0 "$KESU" cert show --trust "$WORK/trust" --lang ja "$s" > "$WORK/apja"
show_has "$WORK/apja" "approved, ja" '承認者: Test Approver'
show_starts "$WORK/apja" "approved, ja" '作業者の署名: 有効(Test Operator、署名日時 20'
show_starts "$WORK/apja" "approved, ja" '承認: 有効(Test Approver、署名日時 20'
[ "$(wc -l < "$WORK/apja")" -eq "$(wc -l < "$WORK/ap")" ] || fail "approved: ja and en differ in lines"
expect_rc 0 "$KESU" cert show --trust "$WORK/trust" --format html "$s" > "$WORK/ap.html"
grep -qF '<tr><th>Approver</th><td>Test Approver</td></tr>' "$WORK/ap.html" || fail "html: approver"
sed -n '/<table class="digital">/,/<\/table>/p' "$WORK/ap.html" |
	grep -qF '<tr><th>Approval</th><td>valid (Test Approver, signed 20' || fail "html: approval"
# a store that does not hold the approver's key: cert verify says untrusted, show says so too
expect_rc 11 "$KESU" cert verify --trust "$WORK/optrust" "$s" > /dev/null
expect_rc 0 "$KESU" cert show --trust "$WORK/optrust" "$s" > "$WORK/untr"
show_starts "$WORK/untr" "approver untrusted" 'Approval: not trusted ('
show_starts "$WORK/untr" "approver untrusted" 'Check (kesu cert verify): untrusted: '
grep -q '^Approver:' "$WORK/untr" && fail "an untrusted approver was named"
ok "signatures: not checked without a store, valid, approved (the approver named), untrusted"

# a changed certificate with the signatures of the original; an approval of garbage
cp "$s.operator.minisig" "$c.operator.minisig"
minisign -Vqm "$c" -x "$c.operator.minisig" -p "$keys/operator.key.pub" 2>/dev/null &&
	fail "stock minisign accepts the signature over a changed certificate"
printf 'untrusted comment: x\nnot a signature\n' > "$c.approver.minisig"
expect_rc 0 "$KESU" cert show --trust "$WORK/trust" "$c" > "$WORK/bad"
show_starts "$WORK/bad" "changed" 'Operator signature: does not verify ('
show_starts "$WORK/bad" "changed" 'Approval: does not verify ('
show_starts "$WORK/bad" "changed" 'Check (kesu cert verify): bad-signature'
grep -q '^Approver:' "$WORK/bad" && fail "a garbage approval named an approver"
rm "$c.operator.minisig" "$c.approver.minisig"
expect_rc 0 "$KESU" cert show --trust "$WORK/trust" "$c" > "$WORK/none"
show_has "$WORK/none" "unsigned" 'Operator signature: missing' 'Approval: not approved'
show_starts "$WORK/none" "unsigned" 'Check (kesu cert verify): bad-signature: '
expect_rc 1 "$KESU" cert show --trust "$WORK/missing" "$s" 2>/dev/null
expect_rc 2 "$KESU" cert show --json --trust "$WORK/trust" "$s" 2>/dev/null
ok "signatures: a changed certificate, a garbage approval, none at all; --trust checked"

# --- a certificate of an erasure that failed: a banner nobody can miss, in both languages
expect_rc 8 "$KESU" erase --yes --quiet --method zero --verify none --report "$WORK/rf.json" \
	--operator 'Test Operator' "$dev2" 2>/dev/null
f=$WORK/f.json
expect_rc 0 "$KESU" cert issue "$WORK/rf.json" -o "$f" --sign-key "$WORK/keys/operator.key" \
	--passphrase-file "$WORK/op.pass" --organisation 'Example' > /dev/null
[ "$(jq -r .result_reason "$f")" = 'not verified (--verify none)' ] || fail "reason: $(jq .result_reason "$f")"
for lang in en ja; do
	expect_rc 0 "$KESU" cert show --trust "$WORK/trust" --lang $lang "$f" > "$WORK/f.$lang"
	head -1 "$WORK/f.$lang" | grep -q '^!!! 消去未完了 / NOT ERASED: .* !!!$' ||
		fail "$lang: the first line is no banner: $(head -1 "$WORK/f.$lang")"
	expect_rc 0 "$KESU" cert show --trust "$WORK/trust" --lang $lang --format html "$f" \
		> "$WORK/f.$lang.html"
	grep -qF '<title>消去未完了 / NOT ERASED - ' "$WORK/f.$lang.html" || fail "$lang html: title"
	grep -n -e '<div class="not-erased" role="alert"><strong>消去未完了 / NOT ERASED</strong>' \
		-e '<h1>' "$WORK/f.$lang.html" | head -1 | grep -q 'not-erased' ||
		fail "$lang html: no banner before the heading"
	for g in "$WORK/en" "$WORK/ja" "$WORK/page.html" "$WORK/ap"; do
		grep -qF 'NOT ERASED' "$g" && fail "a banner on the certificate of a successful erasure"
	done
done
grep -qF '(result: failed): the data may still be on the media' "$WORK/f.en" || fail "en banner"
grep -qF '消去は成功していません(結果: 失敗)' "$WORK/f.ja" || fail "ja banner"
show_has "$WORK/f.en" "failed, en" 'Reason for the result: not verified (--verify none)'
show_has "$WORK/f.ja" "failed, ja" '結果: 失敗' '結果の理由: 検証していません(--verify none)'
show_starts "$WORK/f.en" "failed" 'Check (kesu cert verify): not-erased: '
[ "$(wc -l < "$WORK/f.ja")" -eq "$(wc -l < "$WORK/f.en")" ] || fail "failed: ja and en differ in lines"
for result in aborted refused; do
	jq -cjS --arg r $result '.result = $r' "$f" > "$WORK/r.$result.json"
	"$KESU" cert show "$WORK/r.$result.json" | head -1 | grep -q '^!!! 消去未完了 / NOT ERASED' ||
		fail "$result: no banner"
done
ok "a failed, aborted or refused erasure's certificate: a banner first, in text and html, en and ja"

# --- the reasons kesu writes, in Japanese; any other shown as it is, escaped
reason_ja() { # REASON JAPANESE
	jq -cjS --arg r "$1" '.result_reason = $r' "$f" > "$WORK/reason.json"
	"$KESU" cert show --lang ja "$WORK/reason.json" > "$WORK/reason.ja"
	show_has "$WORK/reason.ja" "reason '$1'" "結果の理由: $2"
	"$KESU" cert show --lang en "$WORK/reason.json" > "$WORK/reason.en"
	show_has "$WORK/reason.en" "reason '$1' in English" "Reason for the result: $1"
}
reason_ja '8 blocks could not be written' '8 ブロックに書き込めませんでした'
reason_ja '3 blocks could not be read back' '3 ブロックを読み戻せませんでした'
reason_ja 'verification failed: 12 blocks differ from what was written' \
	'検証失敗: 12 ブロックが書き込んだ内容と異なります'
reason_ja 'interrupted by signal SIGTERM' 'シグナル SIGTERM により中断'
reason_ja 'device error: Input/output error' 'デバイスのエラー: Input/output error'
reason_ja 'nvme sanitize block-erase reported success but 3 of 64 sampled blocks read as before' \
	'nvme sanitize block-erase は成功を報告しましたが、抜き取った 64 ブロックのうち 3 ブロックが消去前のままです'
reason_ja 'libcryptsetup still recognises a LUKS header' 'libcryptsetup が LUKS ヘッダーをまだ認識します'
reason_ja 'not confirmed' '実行の確認が得られませんでした'
# a number where a number belongs, or it is not the known reason
reason_ja 'many blocks could not be written' 'many blocks could not be written'
weird=$(printf 'the drive <b>caught fire</b> & "smoke"\nForged: yes\033[31m')
jq -cjS --arg r "$weird" '.result_reason = $r' "$f" > "$WORK/weird.json"
"$KESU" cert show --lang ja "$WORK/weird.json" > "$WORK/weird.ja"
show_has "$WORK/weird.ja" "unknown reason" \
	'結果の理由: the drive <b>caught fire</b> & \"smoke\"\x0aForged: yes\x1b[31m'
grep -q '^Forged' "$WORK/weird.ja" && fail "a reason started a line of its own"
"$KESU" cert show --lang ja --format html "$WORK/weird.json" > "$WORK/weird.html"
grep -qF '<tr><th>結果の理由</th><td>the drive &lt;b&gt;caught fire&lt;/b&gt; &amp; &quot;smoke&quot;\x0aForged: yes\x1b[31m</td></tr>' \
	"$WORK/weird.html" || fail "html: the reason is not escaped: $(grep 結果の理由 "$WORK/weird.html")"
grep -q '<b>' "$WORK/weird.html" && fail "html: markup from the reason reached the page"
unset KESU_CONFIG
ok "result_reason in Japanese for the reasons kesu writes; another shown as it is, escaped"

expect_rc 2 "$KESU" cert show --lang fr "$c" 2>/dev/null
expect_rc 2 "$KESU" cert show --json --format html "$c" 2>/dev/null
expect_rc 2 "$KESU" cert show 2>/dev/null
expect_rc 2 "$KESU" cert show "$c" "$c" 2>/dev/null
expect_rc 1 "$KESU" cert show "$WORK/missing.json" 2>/dev/null
expect_rc 2 "$KESU" cert show "$WORK" 2>/dev/null
head -c $((2 * 1024 * 1024)) /dev/zero > "$WORK/big.json"
malformed "2 MiB" "$WORK/big.json" "larger than"
expect_rc 0 "$KESU" cert show --help > "$WORK/help"
grep -q '^ *9  malformed certificate' "$WORK/help" || fail "--help lacks exit status 9"
ok "usage errors exit 2, unreadable files 1, --help lists exit 9"
