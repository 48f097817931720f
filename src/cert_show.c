// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert show: a certificate for people, as labelled lines on a terminal
 * or as a printable HTML page, in Japanese or English. Presentation only:
 * the model and its labels live in cert/, and a later PDF renderer takes the
 * same rows.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cert/cert.h"
#include "cert/jcs.h"
#include "certsign.h"
#include "file.h"
#include "kesu.h"
#include "src/cert_show.h"

/* a certificate is a few KiB; anything this large is not one */
#define CERT_MAX_BYTES (1024 * 1024)

struct show_opts {
	bool json;
	bool html;
	bool help;
	enum cert_lang lang;
	const char *file;
	const char *trust, *trust_ca;
};

static const int show_exits[] = { KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				  KESU_EXIT_MALFORMED };

/* the few words of the page that are not field labels */
enum word {
	W_YES,
	W_NO,
	W_NONE,
	W_PASS,
	W_WRITTEN,
	W_COMPLETED,
	W_INCOMPLETE,
	W_VERIFIED,
	W_NOT_VERIFIED,
	W_BLOCKS,
	W_OP_SIG,
	W_APPROVAL,
	W_VERDICT,
	NWORDS,
};

static const char *const words[NWORDS][2] = {
	[W_YES] = { "yes", "はい" },
	[W_NO] = { "no", "いいえ" },
	[W_NONE] = { "none", "なし" },
	[W_PASS] = { "Pass", "パス" },
	[W_WRITTEN] = { "bytes written", "バイト書き込み" },
	[W_COMPLETED] = { "completed", "完了" },
	[W_INCOMPLETE] = { "not completed", "未完了" },
	[W_VERIFIED] = { "verified", "検証済み" },
	[W_NOT_VERIFIED] = { "not verified", "未検証" },
	[W_BLOCKS] = { "blocks", "ブロック" },
	[W_OP_SIG] = { "Operator signature", "作業者の署名" },
	[W_APPROVAL] = { "Approval", "承認" },
	[W_VERDICT] = { "Check (kesu cert verify)", "判定(kesu cert verify)" },
};

static const char *word(enum word w, enum cert_lang lang)
{
	return words[w][lang == CERT_LANG_JA];
}

static int show_help(void)
{
	fputs("usage: kesu cert show FILE [--json] [--lang ja|en] [--format text|html]\n"
	      "                      [--trust DIR] [--trust-ca FILE]\n"
	      "\n"
	      "Show an erasure certificate (kesu-certificate(5)) for people. The file must\n"
	      "hold a kesu-certificate/1 document in RFC 8785 canonical form. The signatures\n"
	      "next to it are checked as kesu cert verify checks them and shown with the\n"
	      "approver; a certificate of an erasure that failed carries a warning.\n"
	      "\n"
	      "Options:\n"
	      "  --json                  print the canonical document on one line\n"
	      "  --lang ja|en            language of the labels (default: from LC_ALL,\n"
	      "                          LC_MESSAGES or LANG; ja* gives Japanese)\n"
	      "  --format text|html      labelled lines (default), or a printable HTML page\n"
	      "  --trust DIR             trusted public keys (default " TRUST_DIR ";\n"
	      "                          none there: signatures not checked)\n"
	      "  --trust-ca FILE         CA certificates that CMS (.p7s) signers chain to\n"
	      "  -h, --help              show this help\n\n",
	      stdout);
	ui_print_exit_status(stdout, show_exits, sizeof(show_exits) / sizeof(show_exits[0]));
	return KESU_EXIT_SUCCESS;
}

/* the locale's language as setlocale(3) would pick it: the first that is set */
static enum cert_lang locale_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return !strncmp(v, "ja", 2) ? CERT_LANG_JA : CERT_LANG_EN;
	}
	return CERT_LANG_EN;
}

static int show_parse(int argc, char **argv, struct show_opts *o)
{
	enum { OPT_JSON = 256, OPT_LANG, OPT_FORMAT, OPT_DEBUG, OPT_TRUST, OPT_CA };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool text = false;
	int c;

	o->lang = locale_lang();
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: o->json = true; break;
		case OPT_LANG:
			if (!strcmp(optarg, "ja"))
				o->lang = CERT_LANG_JA;
			else if (!strcmp(optarg, "en"))
				o->lang = CERT_LANG_EN;
			else
				return ui_usage_error("cert show", "invalid --lang '%s': ja or en",
						      ui_safe(optarg));
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "html"))
				o->html = true;
			else if (!strcmp(optarg, "text"))
				text = true;
			else
				return ui_usage_error("cert show",
						      "invalid --format '%s': text or html",
						      ui_safe(optarg));
			break;
		case OPT_DEBUG: ui_debug = true; break;
		case OPT_TRUST: o->trust = optarg; break;
		case OPT_CA: o->trust_ca = optarg; break;
		case 'h': o->help = true; break;
		default: return ui_option_error("cert show", c, argv, longopts);
		}
	}
	if (o->help)
		return 0;
	if (o->json && (o->html || text))
		return ui_usage_error("cert show", "--json and --format exclude each other");
	if (o->json && (o->trust || o->trust_ca))
		return ui_usage_error("cert show",
				      "--json prints the file: --trust does not apply");
	if (optind >= argc)
		return ui_usage_error("cert show", "no certificate file given");
	if (optind + 1 < argc)
		return ui_usage_error("cert show", "unexpected argument '%s'",
				      ui_safe(argv[optind + 1]));
	o->file = argv[optind];
	return 0;
}

/* the whole file; -EFBIG beyond CERT_MAX_BYTES, -EISDIR, -ENOENT, ... */
/* "100..107, 2048..2048 (9 blocks)": ranges in logical blocks, inclusive */
static void ranges_text(FILE *m, const json_t *a, enum cert_lang lang)
{
	json_int_t total = 0;

	if (!json_array_size(a)) {
		fputs(word(W_NONE, lang), m);
		return;
	}
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *r = json_array_get(a, i);
		json_int_t first = json_integer_value(json_object_get(r, "first_lba"));
		json_int_t count = json_integer_value(json_object_get(r, "count"));

		fprintf(m, "%s%" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT, i ? ", " : "",
			first, first + count - (count > 0));
		total += count;
	}
	fprintf(m, " (%" JSON_INTEGER_FORMAT " %s)", total, word(W_BLOCKS, lang));
}

static void read_paths_text(FILE *m, const json_t *a, enum cert_lang lang)
{
	if (!json_array_size(a))
		fputs(word(W_NONE, lang), m);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *p = json_array_get(a, i);

		fprintf(m, "%s%s %" JSON_INTEGER_FORMAT, i ? ", " : "",
			json_string_value(json_object_get(p, "path")),
			json_integer_value(json_object_get(p, "bytes")));
	}
}

/* "zero (aes-128-ctr), 8388608 bytes written, completed, verified" */
static char *pass_text(const json_t *p, enum cert_lang lang)
{
	const char *gen = json_string_value(json_object_get(p, "generator"));
	char *s = NULL;
	size_t n;
	FILE *m = open_memstream(&s, &n);

	if (!m)
		return NULL;
	fprintf(m, "%s", json_string_value(json_object_get(p, "pattern")));
	if (gen)
		fprintf(m, " (%s)", gen);
	fprintf(m, ", %" JSON_INTEGER_FORMAT " %s, %s, %s",
		json_integer_value(json_object_get(p, "bytes_written")), word(W_WRITTEN, lang),
		word(json_is_true(json_object_get(p, "completed")) ? W_COMPLETED : W_INCOMPLETE,
		     lang),
		word(json_is_true(json_object_get(p, "verified")) ? W_VERIFIED : W_NOT_VERIFIED,
		     lang));
	return fclose(m) ? (free(s), NULL) : s;
}

/* the value of the field at @path as people read it, a new string */
static char *value_text(const json_t *v, const char *path, enum cert_lang lang)
{
	const char *label;
	char *s = NULL, reason[1024];
	size_t n;
	FILE *m = open_memstream(&s, &n);

	if (!m)
		return NULL;
	if (json_is_string(v)) {
		label = cert_value_label(path, json_string_value(v), lang);
		if (!label && !strcmp(path, "result_reason"))
			label = cert_reason_label(json_string_value(v), lang, reason,
						  sizeof(reason));
		fputs(label ? label : json_string_value(v), m);
	} else if (json_is_integer(v)) {
		fprintf(m, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_boolean(v)) {
		fputs(word(json_is_true(v) ? W_YES : W_NO, lang), m);
	} else if (json_is_array(v) && !strncmp(path, "errors.", 7)) {
		ranges_text(m, v, lang);
	} else if (json_is_array(v)) {
		read_paths_text(m, v, lang);
	} else {
		fputs("-", m);
	}
	return fclose(m) ? (free(s), NULL) : s;
}

static void row(const struct cert_page *p, const char *label, const char *value)
{
	if (!p->html) {
		/* a value with a newline or an escape sequence cannot forge another line */
		fprintf(p->f, "%s: %s\n", label, ui_safe(value));
		return;
	}
	fputs("<tr><th>", p->f);
	cert_page_html_put(p->f, label);
	fputs("</th><td>", p->f);
	cert_page_html_put(p->f, value);
	fputs("</td></tr>\n", p->f);
}

static int passes_rows(const struct cert_page *p)
{
	const json_t *a = cert_get(p->cert, "sanitization.passes");
	enum cert_lang lang = p->lang;
	char label[64], *s;

	for (size_t i = 0; i < json_array_size(a); i++) {
		s = pass_text(json_array_get(a, i), lang);
		if (!s)
			return -ENOMEM;
		snprintf(label, sizeof(label), "%s %zu", word(W_PASS, lang), i + 1);
		row(p, label, s);
		free(s);
	}
	return 0;
}

/* a destruction's evidence, one file a row */
static void evidence_rows(const struct cert_page *p)
{
	const json_t *a = cert_get(p->cert, "evidence");
	char label[96], line[512];

	if (a && !json_array_size(a))
		row(p, cert_label("evidence", p->lang), word(W_NONE, p->lang));
	for (size_t i = 0; i < json_array_size(a); i++) {
		snprintf(label, sizeof(label), "%s %zu", cert_label("evidence", p->lang), i + 1);
		row(p, label,
		    cert_evidence_line(json_array_get(a, i), p->lang, line, sizeof(line)));
	}
}

int cert_page_rows(const struct cert_page *p)
{
	const struct cert_label *l;
	const json_t *v;
	char *s;

	for (l = cert_labels; l->path; l++) {
		if (!strcmp(l->path, "sanitization.passes")) {
			if (passes_rows(p))
				return -ENOMEM;
			continue;
		}
		if (!strcmp(l->path, "sha256")) {
			row(p, cert_label(l->path, p->lang), p->sha256);
			continue;
		}
		if (!strcmp(l->path, "evidence")) {
			evidence_rows(p);
			continue;
		}
		/* the approver is no field: the trust store names whoever's approval verifies */
		if (!strcmp(l->path, "approver")) {
			if (p->sig->approver)
				row(p, cert_label(l->path, p->lang), p->sig->approver);
			continue;
		}
		v = cert_get(p->cert, l->path);
		if (!v)
			continue;
		s = value_text(v, l->path, p->lang);
		if (!s)
			return -ENOMEM;
		row(p, cert_label(l->path, p->lang), s);
		free(s);
	}
	return 0;
}

void cert_page_sig_rows(const struct cert_page *p)
{
	row(p, word(W_OP_SIG, p->lang), p->sig->status[CERT_ROLE_OPERATOR]);
	row(p, word(W_APPROVAL, p->lang), p->sig->status[CERT_ROLE_APPROVER]);
	row(p, word(W_VERDICT, p->lang), p->sig->verdict);
}

/* Why a certificate of a failed erasure proves nothing; NULL for a successful one. */
static char *not_erased_text(const struct cert_page *p)
{
	const char *result = cert_get_string(p->cert, "result");
	const char *label = cert_value_label("result", result, p->lang);
	char *s = NULL;

	if (result && !strcmp(result, "success"))
		return NULL;
	if (asprintf(
		    &s,
		    p->lang == CERT_LANG_JA ?
			    "消去は成功していません(結果: %s)。データが媒体に残っている可能性があり、"
			    "この証明書は消去の証明になりません" :
			    "the erasure did not succeed (result: %s): the data may still be on the "
			    "media, and this certificate is no proof of erasure",
		    label  ? label :
		    result ? result :
			     "-") < 0)
		return NULL;
	return s;
}

static int print_text(const struct cert_page *p, const char *not_erased)
{
	int r;

	/* first, where the eye starts and where `head -1` looks */
	if (not_erased)
		fprintf(p->f, "!!! " NOT_ERASED ": %s !!!\n", ui_safe(not_erased));
	fprintf(p->f, "%s\n", cert_title(p->cert, p->lang));
	r = cert_page_rows(p);
	if (!r)
		cert_page_sig_rows(p);
	return r;
}

/* The signatures checked, the warning made, the page printed. Return: 0, -ENOMEM */
static int print_page(const struct show_opts *o, const json_t *cert, const char *buf, size_t len,
		      const char *sha256, const struct cert_trust *t)
{
	struct cert_show_sig sig;
	struct cert_page p = { stdout, o->html, o->lang, cert, sha256, &sig };
	char *not_erased = NULL;
	int r = cert_show_sigs(o->file, buf, len, t, o->lang, &sig);

	if (r)
		return r;
	not_erased = not_erased_text(&p);
	if (!not_erased && strcmp(cert_get_string(cert, "result"), "success"))
		r = -ENOMEM;
	else
		r = o->html ? cert_page_html(&p, not_erased) : print_text(&p, not_erased);
	free(not_erased);
	cert_show_sig_free(&sig);
	return r;
}

/* the file's bytes as a certificate; prints why not and returns the exit code */
static int load(const struct show_opts *o, char **buf, size_t *len, json_t **cert)
{
	char why[192];
	int r = file_read(o->file, CERT_MAX_BYTES, buf, len);

	if (r == -EFBIG) {
		ui_err("%s: malformed certificate: larger than %d bytes", ui_safe(o->file),
		       CERT_MAX_BYTES);
		return KESU_EXIT_MALFORMED;
	}
	if (r) {
		ui_err("cannot read %s: %s", ui_safe(o->file), strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	r = jcs_is_canonical(*buf, *len, cert);
	if (r == -ENOMEM) {
		ui_err("%s: out of memory", ui_safe(o->file));
		return KESU_EXIT_FAILURE;
	}
	if (r) {
		ui_err("%s: malformed certificate: %s", ui_safe(o->file),
		       r == -EBADMSG ? "not JSON, or a member name given twice" :
				       "not in canonical form (RFC 8785)");
		return KESU_EXIT_MALFORMED;
	}
	if (cert_check(*cert, why, sizeof(why))) {
		ui_err("%s: malformed certificate: not kesu-certificate/1: %s", ui_safe(o->file),
		       ui_safe(why));
		return KESU_EXIT_MALFORMED;
	}
	return 0;
}

int cert_cmd_show(int argc, char **argv)
{
	struct show_opts o = { 0 };
	unsigned char hash[crypto_hash_sha256_BYTES];
	char sha256[2 * sizeof(hash) + 1];
	struct cert_trust *t = NULL;
	json_t *cert = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ret, r = 0;

	ret = show_parse(argc, argv, &o);
	if (ret || o.help)
		return ret ? ret : show_help();
	ret = load(&o, &buf, &len, &cert);
	if (!ret && !o.json)
		ret = cert_show_trust(o.trust, o.trust_ca, &t);
	if (ret)
		goto out;
	crypto_hash_sha256(hash, (const unsigned char *)buf, len);
	sodium_bin2hex(sha256, sizeof(sha256), hash, sizeof(hash));
	if (o.json) {
		/* the file's own bytes: they are the canonical form, checked above */
		fwrite(buf, 1, len, stdout);
		fputc('\n', stdout);
	} else {
		r = print_page(&o, cert, buf, len, sha256, t);
	}
	if (!r && (fflush(stdout) == EOF || ferror(stdout)))
		r = -EIO;
	if (r) {
		ui_err("cannot show %s: %s", ui_safe(o.file), strerror(-r));
		ret = KESU_EXIT_FAILURE;
	}
out:
	cert_trust_free(t);
	json_decref(cert);
	free(buf);
	return ret;
}
