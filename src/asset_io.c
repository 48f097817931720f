// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu asset import and export: other registers' CSV in, Snipe-IT, GLPI, CSV and JSONL out. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset_cmd.h"
#include "cert/request.h"
#include "cert_verify.h"
#include "certsign.h"
#include "conffile.h"
#include "file.h"
#include "kesu.h"
#include "log.h"

/* 100,000 assets of a few hundred bytes each, with room to spare */
#define IMPORT_MAX (256u << 20)

static int parse_format(const char *s, enum asset_format *f)
{
	static const char *const names[] = { "auto", "kesu", "snipeit", "glpi" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum asset_format)i;
			return 0;
		}
	return -EINVAL;
}

static void summary(const char *file, const struct asset_import *im,
		    const struct asset_outcome *out)
{
	size_t n[3] = { 0 };

	for (size_t i = 0; i < im->n; i++) {
		n[out[i].what]++;
		if (out[i].what != ASSET_UNCHANGED)
			asset_print_outcome(im->c[i].tag, &out[i]);
	}
	printf("%s: %zu added, %zu changed, %zu unchanged\n", ui_safe(file), n[ASSET_NEW],
	       n[ASSET_CHANGED], n[ASSET_UNCHANGED]);
}

static int import_file(const struct asset_opts *o, const char *file, struct asset_import *im)
{
	enum asset_format fmt = ASSET_FORMAT_AUTO;
	struct asset_outcome *out = NULL;
	struct ledger *l = NULL;
	char *buf = NULL, when[32], why[256];
	size_t len, failed;
	int r;

	if (o->format && parse_format(o->format, &fmt))
		return ui_usage_error("asset", "asset import: --format '%s': kesu, snipeit or glpi",
				      ui_safe(o->format));
	r = file_read(file, IMPORT_MAX, &buf, &len);
	if (r < 0) {
		ui_err("%s: %s", ui_safe(file), r == -EFBIG ? "file too large" : strerror(-r));
		return ui_exit(r, UI_CTX_LIST);
	}
	r = asset_import_parse(buf, len, fmt, im);
	free(buf);
	if (r < 0) {
		ui_err("%s:%zu: %s; nothing imported", ui_safe(file), im->err_line,
		       ui_safe(im->why[0] ? im->why : strerror(-r)));
		return ui_exit(r, UI_CTX_LIST);
	}
	asset_now(when);
	for (size_t i = 0; i < im->n; i++) {
		im->c[i].who = ui_who();
		im->c[i].when = when;
		im->c[i].why = o->reason;
	}
	out = calloc(im->n ? im->n : 1, sizeof(*out));
	if (!out || (r = asset_open(o, LEDGER_CREATE, &l))) {
		free(out);
		return out ? r : ui_exit(-ENOMEM, UI_CTX_NONE);
	}
	r = asset_apply(l, im->c, im->n, out, &failed, why, sizeof(why));
	ledger_close(l);
	if (r < 0 && im->n) {
		ui_err("%s:%zu: %s; nothing imported", ui_safe(file), im->line[failed],
		       ui_safe(why));
		r = ui_exit(r, UI_CTX_ASSET);
	} else if (r == 0) {
		summary(file, im, out);
		r = fflush(stdout) == EOF ? ui_exit(-EIO, UI_CTX_NONE) : KESU_EXIT_SUCCESS;
	} else {
		r = asset_fail(o->path, r, why);
	}
	free(out);
	return r;
}

int asset_cmd_import(int argc, char **argv)
{
	static const struct asset_action a = {
		1, AO_FORMAT | AO_REASON,
		"  --format F     kesu, snipeit or glpi (default: from the header)\n"
		"  --reason TEXT  why, recorded with every event of the import\n"
	};
	struct asset_import im;
	struct asset_opts o;
	int r = asset_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	r = import_file(&o, o.args[0], &im);
	asset_import_free(&im);
	return r;
}

static int write_export(const struct asset_set *s, enum asset_export_format fmt, bool bom)
{
	char *line = NULL;
	int r = asset_export_header(fmt, &line);

	/* a spreadsheet reads UTF-8 only after a byte-order mark */
	if (r == 0 && bom && fputs("\xef\xbb\xbf", stdout) == EOF)
		r = -EIO;
	if (r == 0 && fputs(line, stdout) == EOF)
		r = -EIO;
	for (size_t i = 0; r == 0 && i < s->n; i++) {
		free(line);
		r = asset_export_line(fmt, &s->a[i], &line);
		if (r == 0 && fputs(line, stdout) == EOF)
			r = -EIO;
	}
	free(line);
	if (r == 0 && fflush(stdout) == EOF)
		r = errno ? -errno : -EIO;
	return r;
}

int asset_cmd_export(int argc, char **argv)
{
	static const struct asset_action a = {
		0, AO_EXPORT,
		"  --snipeit      for Snipe-IT's importer (Asset Tag, Status, custom fields)\n"
		"  --glpi         GLPI computer fields\n"
		"  --csv          every field, every cell quoted\n"
		"  --jsonl        one JSON object per asset\n"
		"  --bom          a UTF-8 byte-order mark first, for spreadsheets (CSV only)\n"
	};
	enum asset_export_format fmt;
	struct asset_set *s = NULL;
	struct asset_opts o;
	struct ledger *l;
	int r = asset_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (o.snipeit + o.glpi + o.csv + o.jsonl != 1)
		return ui_usage_error("asset", "asset export: give one of --snipeit, --glpi, "
					       "--csv or --jsonl");
	if (o.bom && o.jsonl)
		return ui_usage_error("asset", "asset export: --bom applies to CSV");
	fmt = o.snipeit ? ASSET_EXPORT_SNIPEIT :
	      o.glpi	? ASSET_EXPORT_GLPI :
	      o.csv	? ASSET_EXPORT_CSV :
			  ASSET_EXPORT_JSONL;
	if ((r = asset_open(&o, LEDGER_RDONLY, &l)))
		return r;
	r = asset_load(l, NULL, true, &s);
	ledger_close(l);
	if (r == 0)
		r = write_export(s, fmt, o.bom);
	asset_set_free(s);
	if (r == -EBADMSG)
		return asset_fail(o.path, r, NULL);
	if (r < 0)
		ui_err("cannot write to standard output: %s", strerror(-r));
	return ui_exit(r, UI_CTX_NONE);
}

/* ---- apply: a verified, approved request recorded in the register ---- */

static const int apply_exits[] = {
	KESU_EXIT_SUCCESS,   KESU_EXIT_FAILURE,	     KESU_EXIT_USAGE,
	KESU_EXIT_REFUSED,   KESU_EXIT_MALFORMED,    KESU_EXIT_BAD_SIGNATURE,
	KESU_EXIT_UNTRUSTED, KESU_EXIT_NOT_APPROVED, KESU_EXIT_LEDGER,
};

struct apply_opts {
	struct asset_opts ao;
	const char *trust, *trust_ca;
};

static int apply_help(void)
{
	printf("usage: kesu asset apply REQUEST [--trust DIR] [--trust-ca FILE] [--ledger PATH]\n\n"
	       "Record an approved request (kesu-request/1, kesu-request(8)) in the register:\n"
	       "its asset moves (disposal and lease-return: disposal approved; hold: on hold;\n"
	       "release: back; loan: lent; take-out: taken out; bring-in: brought in), the\n"
	       "request named by its id and SHA-256 as the event's authority. An unapproved\n"
	       "or self-approved request without a recorded exception is refused (12); a\n"
	       "hold alone takes effect on its applicant's signature (Art. 97.2).\n\n");
	ui_print_exit_status(stdout, apply_exits, sizeof(apply_exits) / sizeof(apply_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int apply_parse(int argc, char **argv, struct apply_opts *o)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'L' },
		{ "trust", required_argument, NULL, 'T' },
		{ "trust-ca", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->ao.path = ui_ledger_location();
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'L': o->ao.path = optarg; break;
		case 'T': o->trust = optarg; break;
		case 'C': o->trust_ca = optarg; break;
		case 'h': return apply_help();
		default: return ui_option_error("asset", c, argv, opts);
		}
	}
	if (optind != argc - 1)
		return ui_usage_error("asset", "asset apply: give one request");
	return -1;
}

/*
 * A hold takes effect on its applicant's signature: it changes nothing and
 * stops what would (Art. 97.2), and waiting for a second person would leave
 * the evidence open to erasure meanwhile. Every other request, a release
 * above all, is applied only when another person approved it (Art. 6).
 */
static unsigned approval_needed(const char *buf, size_t len)
{
	json_t *d = json_loadb(buf, len, 0, NULL);
	const char *kind = json_string_value(json_object_get(d, "kind"));
	unsigned flags = kind && !strcmp(kind, "hold") ? 0 : CERT_REQUIRE_APPROVAL;

	json_decref(d);
	return flags;
}

/* The request read once, verified (approved, unless a hold): its document and its hash. */
static int apply_verify(const char *path, const struct apply_opts *o, json_t **doc,
			char sha256[LEDGER_HASH_HEX])
{
	struct cert_verification v = { 0 };
	struct cert_trust *t = NULL;
	struct cert_sigs sigs = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int code = certsign_trust(o->trust, o->trust_ca, &t), r = 0;

	if (!code && (r = file_read(path, REQUEST_FILE_MAX, &buf, &len)) == 0 &&
	    (r = request_read_sigs(path, &sigs)) == 0)
		r = request_verify_mem(buf, len, &sigs, t, approval_needed(buf, len), &v);
	if (!code && !r)
		r = ledger_sha256_hex(buf, len, sha256);
	if (!code && r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		code = ui_exit(r, UI_CTX_CERT);
	} else if (!code && v.verdict != CERT_VALID) {
		ui_err("%s: refused: %s: %s", ui_safe(path), cert_verdict_name(v.verdict),
		       ui_safe(v.why));
		code = cert_cli_verdict_exit(v.verdict);
	} else if (!code) {
		*doc = json_incref(v.doc);
	}
	cert_verification_free(&v);
	cert_sigs_free(&sigs);
	cert_trust_free(t);
	free(buf);
	return code;
}

int asset_cmd_apply(int argc, char **argv)
{
	struct apply_opts o;
	int code = apply_parse(argc, argv, &o);

	if (code >= 0)
		return code;
	return asset_apply_file(argv[optind], o.ao.path, o.trust, o.trust_ca);
}

int asset_apply_file(const char *path, const char *ledger, const char *trust, const char *trust_ca)
{
	struct apply_opts o = { .ao.path = ledger, .trust = trust, .trust_ca = trust_ca };
	struct asset_outcome out;
	struct ledger *l = NULL;
	json_t *doc = NULL;
	char sha256[LEDGER_HASH_HEX], when[32], why[256], rc[12];
	int r, code = apply_verify(path, &o, &doc, sha256);

	if (!code)
		code = asset_open(&o.ao, 0, &l);
	if (!code) {
		asset_now(when);
		r = asset_apply_request(l, doc, sha256, ui_who(), when, &out, why, sizeof(why));
		code = r ? asset_fail(why[0] ? NULL : path, r == -EALREADY ? -EEXIST : r, why) : 0;
	}
	if (!code)
		asset_print_outcome(json_string_value(json_object_get(doc, "asset_tag")), &out);
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("asset apply", "request", path, "id",
		   doc ? json_string_value(json_object_get(doc, "id")) : NULL, "asset_tag",
		   doc ? json_string_value(json_object_get(doc, "asset_tag")) : NULL, "result",
		   code ? "refused" : "recorded", "exit", rc, "user", ui_who(), NULL);
	if (l)
		ledger_close(l);
	json_decref(doc);
	return code;
}
