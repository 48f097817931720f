// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger: record certificates, check the chain, list, export and reconcile. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "jsonutil.h"
#include "cert/verdict.h"
#include "certsign.h"
#include "file.h"
#include "kesu.h"
#include "log.h"
#include "text.h"

static const int ledger_exits[] = {
	KESU_EXIT_SUCCESS,	 KESU_EXIT_FAILURE,   KESU_EXIT_USAGE,	      KESU_EXIT_MALFORMED,
	KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED, KESU_EXIT_NOT_APPROVED, KESU_EXIT_LEDGER,
};

/* certificates are a few KiB; an asset register export a few MiB */
#define CERT_MAX (1u << 20)
#define SIDECAR_MAX (64u << 10)
#define ASSETS_MAX (256u << 20)

struct ledger_opts {
	const char *path;
	const char *trust, *trust_ca;
	const char *asset, *serial;
	const char *anchor; /* verify --anchor SEQ:HASH */
	bool json, csv, jsonl, help;
	const char *action;
	int nargs;
	char **args;
};

/* What the verdict needs, and hands back to the command besides ledger_verdict's why. */
struct verdict_ctx {
	const struct cert_trust *trust;
	int exit_code; /* the exit code for the last rejection */
};

/* A ledger row's sidecars by name ("operator.minisig", "approver.p7s") as cert_sigs. */
static void row_sigs(const struct ledger_sigs *sigs, struct cert_sigs *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sigs->n; i++)
		for (int role = 0; role < CERT_NROLES; role++) {
			const char *name = sigs->sig[i].name, *r = cert_role_name(role);
			size_t n = strlen(r);

			if (strncmp(name, r, n) || name[n] != '.')
				continue;
			out->text[role] = sigs->sig[i].data;
			out->len[role] = sigs->sig[i].len;
			out->cms[role] = !strcmp(name + n + 1, "p7s");
		}
}

/*
 * ledger_verdict() - what the ledger records: a certificate whose form and
 * signatures verify against the trust store. An unapproved one, or one of
 * an erasure that failed, is recorded as it is (reconcile tells them apart);
 * the approver is the name the trust store gives the approving key.
 */
static int ledger_verdict(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	static const int codes[] = {
		[CERT_MALFORMED] = KESU_EXIT_MALFORMED,
		[CERT_BAD_SIGNATURE] = KESU_EXIT_BAD_SIGNATURE,
		[CERT_UNTRUSTED] = KESU_EXIT_UNTRUSTED,
		[CERT_NOT_APPROVED] = KESU_EXIT_NOT_APPROVED,
	};
	struct ledger_verdict *v = usr;
	struct verdict_ctx *ctx = v->usr;
	struct cert_verification cv;
	struct cert_sigs cs;
	int r;

	row_sigs(sigs, &cs);
	r = cert_verify_mem(cert, len, &cs, ctx->trust, 0, &cv);
	if (r)
		return r;
	if (cv.verdict != CERT_VALID && cv.verdict != CERT_NOT_ERASED) {
		snprintf(v->why, sizeof(v->why), "%s: %.200s", cert_verdict_name(cv.verdict),
			 cv.why);
		ctx->exit_code = codes[cv.verdict];
		r = cv.verdict == CERT_MALFORMED ? -EBADMSG : -EKEYREJECTED;
	} else if (cv.approved) {
		snprintf(v->approver, sizeof(v->approver), "%.255s",
			 cv.sig[CERT_ROLE_APPROVER].name);
	}
	cert_verification_free(&cv);
	return r;
}

static int ledger_help(void)
{
	fputs("usage: kesu ledger [--ledger PATH] add CERT...\n"
	      "       kesu ledger [--ledger PATH] verify [--anchor SEQ:HASH] [--json]\n"
	      "       kesu ledger [--ledger PATH] show ID [--json]\n"
	      "       kesu ledger [--ledger PATH] list [--asset TAG] [--serial S] [--json]\n"
	      "       kesu ledger [--ledger PATH] export --csv|--jsonl\n"
	      "       kesu ledger [--ledger PATH] reconcile ASSETS.csv [--json]\n"
	      "\n"
	      "The asset ledger: certificates recorded in a hash chain.\n"
	      "\n"
	      "Options:\n"
	      "  --ledger PATH  the ledger database (default " LEDGER_DEFAULT_PATH ")\n"
	      "  --asset TAG    list: only certificates for this asset tag\n"
	      "  --serial S     list: only certificates for this serial number\n"
	      "  --anchor SEQ:HASH  verify: row SEQ must still have this hash (from the\n"
	      "                 security log's \"ledger add\" record)\n"
	      "  --json         JSON output (verify, show, list, reconcile)\n"
	      "  --csv          export: CSV with a header row (RFC 4180)\n"
	      "  --jsonl        export: one JSON object per line\n"
	      "  -h, --help     show this help\n",
	      stdout);
	ui_print_exit_status(stdout, ledger_exits, sizeof(ledger_exits) / sizeof(ledger_exits[0]));
	return KESU_EXIT_SUCCESS;
}

/* Which options each action takes, and how many arguments. */
static int ledger_check_opts(const struct ledger_opts *o)
{
	static const struct {
		const char *name;
		int min, max;
		bool json, filter, format;
	} actions[] = {
		{ "add", 1, 1 << 20, false, false, false },
		{ "verify", 0, 0, true, false, false },
		{ "show", 1, 1, true, false, false },
		{ "list", 0, 0, true, true, false },
		{ "export", 0, 0, false, false, true },
		{ "reconcile", 1, 1, true, false, false },
	};

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].name, o->action))
			continue;
		if (o->nargs < actions[i].min || o->nargs > actions[i].max)
			return ui_usage_error("ledger", "ledger %s: %s", o->action,
					      o->nargs < actions[i].min ? "argument missing" :
									  "too many arguments");
		if (o->json && !actions[i].json)
			return ui_usage_error("ledger", "ledger %s: --json does not apply",
					      o->action);
		if ((o->asset || o->serial) && !actions[i].filter)
			return ui_usage_error("ledger",
					      "ledger %s: --asset and --serial apply to list",
					      o->action);
		if ((o->csv || o->jsonl) && !actions[i].format)
			return ui_usage_error("ledger",
					      "ledger %s: --csv and --jsonl apply to export",
					      o->action);
		if (actions[i].format && o->csv == o->jsonl)
			return ui_usage_error("ledger",
					      "ledger export: give one of --csv or --jsonl");
		return 0;
	}
	return ui_usage_error("ledger", "'%s' is not a ledger command", ui_safe(o->action));
}

/* Returns 0 to go on, or the exit code to return (ui.c's contract). */
static int ledger_parse(int argc, char **argv, struct ledger_opts *o)
{
	enum {
		OPT_LEDGER = 256,
		OPT_ASSET,
		OPT_SERIAL,
		OPT_JSON,
		OPT_CSV,
		OPT_JSONL,
		OPT_ANCHOR,
		OPT_DEBUG,
		OPT_TRUST,
		OPT_CA,
	};
	static const struct option longopts[] = {
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "asset", required_argument, NULL, OPT_ASSET },
		{ "serial", required_argument, NULL, OPT_SERIAL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "jsonl", no_argument, NULL, OPT_JSONL },
		{ "anchor", required_argument, NULL, OPT_ANCHOR },
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	o->path = LEDGER_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LEDGER: o->path = optarg; break;
		case OPT_ASSET: o->asset = optarg; break;
		case OPT_SERIAL: o->serial = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_CSV: o->csv = true; break;
		case OPT_JSONL: o->jsonl = true; break;
		case OPT_ANCHOR: o->anchor = optarg; break;
		case OPT_TRUST: o->trust = optarg; break;
		case OPT_CA: o->trust_ca = optarg; break;
		case OPT_DEBUG: ui_debug = true; break;
		case 'h': o->help = true; break;
		default: return ui_option_error("ledger", c, argv, longopts);
		}
	}
	if (o->help)
		return 0;
	if (!*o->path)
		return ui_usage_error("ledger", "ledger: --ledger: empty path");
	if ((o->asset && !*o->asset) || (o->serial && !*o->serial))
		return ui_usage_error("ledger", "ledger: --asset and --serial need a value");
	if (optind >= argc)
		return ui_usage_error("ledger", "ledger: no action given");
	if (o->anchor && strcmp(argv[optind], "verify"))
		return ui_usage_error("ledger", "ledger: --anchor applies to verify");
	o->action = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	return ledger_check_opts(o);
}

static const char *errtext(int r)
{
	return r == -EFBIG ? "file too large" : r == -EINVAL ? "not a regular file" : strerror(-r);
}

static int open_ledger(const struct ledger_opts *o, unsigned flags, struct ledger **l)
{
	int r = ledger_open(l, o->path, flags);

	if (r == -ENOENT)
		ui_err("%s: no ledger there (kesu ledger add creates one)", ui_safe(o->path));
	else if (r == -EBADMSG)
		ui_err("%s: not a kesu ledger", ui_safe(o->path));
	else if (r < 0)
		ui_err("cannot open %s: %s", ui_safe(o->path), strerror(-r));
	return r;
}

/* The sidecars next to a certificate: CERT.operator.minisig and the like. */
static const char *const sidecars[] = {
	"operator.minisig",
	"approver.minisig",
	"operator.p7s",
	"approver.p7s",
};
#define NSIDECARS (sizeof(sidecars) / sizeof(sidecars[0]))

static int load_sidecars(const char *cert, struct ledger_sig *sig, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < NSIDECARS; i++) {
		char *path, *data;
		size_t len;
		int r;

		if (asprintf(&path, "%s.%s", cert, sidecars[i]) < 0)
			return -ENOMEM;
		r = file_read(path, SIDECAR_MAX, &data, &len);
		if (r == -ENOENT) {
			free(path);
			continue;
		}
		if (r < 0) {
			ui_err("%s: %s", ui_safe(path), errtext(r));
			free(path);
			return r;
		}
		free(path);
		sig[*n].name = sidecars[i];
		sig[*n].data = data;
		sig[*n].len = len;
		(*n)++;
	}
	return 0;
}

static int add_one(struct ledger *l, const char *lpath, const char *file, struct verdict_ctx *ctx)
{
	struct ledger_sig sig[NSIDECARS];
	struct ledger_sigs sigs = { .sig = sig };
	char why[256], *cert = NULL, seqs[32], head[LEDGER_HASH_HEX] = "";
	int64_t seq = 0, last;
	size_t len, n = 0;
	int r, ret = KESU_EXIT_FAILURE;

	r = file_read(file, CERT_MAX, &cert, &len);
	if (r < 0) {
		ui_err("%s: %s", ui_safe(file), errtext(r));
		return KESU_EXIT_FAILURE;
	}
	r = load_sidecars(file, sig, &n);
	if (r < 0)
		goto out;
	sigs.n = n;
	ctx->exit_code = KESU_EXIT_FAILURE;
	r = ledger_add(l, cert, len, &sigs, ledger_verdict, ctx, why, sizeof(why), &seq);
	if (r == LEDGER_ALREADY) {
		printf("%s: already recorded (seq %" PRId64 ")\n", ui_safe(file), seq);
		ret = KESU_EXIT_SUCCESS;
	} else if (r == 0) {
		printf("%s: recorded (seq %" PRId64 ")\n", ui_safe(file), seq);
		ret = KESU_EXIT_SUCCESS;
		/* the head of the chain in the security log: an anchor the ledger file cannot rewrite */
		if (ledger_last_hash(l, &last, head) == 0) {
			snprintf(seqs, sizeof(seqs), "%" PRId64, last);
			kesu_audit("ledger add", "ledger", lpath, "seq", seqs, "row_hash", head,
				   "user", ui_who(), NULL);
		}
	} else {
		ui_err("%s: not recorded: %s", ui_safe(file), ui_safe(why));
		/* the verdict's own exit code first: it knows a bad signature from bad JSON */
		if (r != -EEXIST && ctx->exit_code != KESU_EXIT_FAILURE)
			ret = ctx->exit_code;
		else if (r == -EBADMSG)
			ret = KESU_EXIT_MALFORMED;
	}
out:
	for (size_t i = 0; i < n; i++)
		free((void *)sig[i].data);
	free(cert);
	return ret;
}

static int ledger_add_files(const struct ledger_opts *o)
{
	struct verdict_ctx ctx = { 0 };
	struct cert_trust *t = NULL;
	struct ledger *l;
	int ret = certsign_trust(o->trust, o->trust_ca, &t);

	if (ret)
		return ret;
	ctx.trust = t;
	if (open_ledger(o, LEDGER_CREATE, &l) < 0) {
		cert_trust_free(t);
		return KESU_EXIT_FAILURE;
	}
	for (int i = 0; i < o->nargs; i++) {
		int r = add_one(l, o->path, o->args[i], &ctx);

		/* the status of the first certificate that was not recorded */
		if (ret == KESU_EXIT_SUCCESS)
			ret = r;
	}
	ledger_close(l);
	cert_trust_free(t);
	if (fflush(stdout) == EOF)
		ret = ret ? ret : KESU_EXIT_FAILURE;
	return ret;
}

/* verify --anchor SEQ:HASH: the row the security log recorded is still there, unchanged. */
struct anchor {
	long long seq;
	char hash[LEDGER_HASH_HEX];
	char id[128];
	bool found;
};

static int anchor_parse(const char *s, struct anchor *a)
{
	int n = 0;

	memset(a, 0, sizeof(*a));
	if (sscanf(s, "%lld:%64[0-9a-f]%n", &a->seq, a->hash, &n) != 2 || s[n] || a->seq < 1 ||
	    strlen(a->hash) != 64)
		return -EINVAL;
	return 0;
}

static int anchor_row(const struct ledger_row *row, void *usr)
{
	struct anchor *a = usr;

	if (row->seq != a->seq)
		return 0;
	a->found = !strcmp(row->row_hash, a->hash);
	snprintf(a->id, sizeof(a->id), "%s", row->id);
	return 1;
}

/* Return: 0 when the anchor holds, -EBADMSG with @chk filled when it does not */
static int anchor_check(struct ledger *l, struct anchor *a, struct ledger_check *chk)
{
	static const struct ledger_filter f = { .no_blobs = true };
	int r = ledger_iterate(l, &f, anchor_row, a);

	if (r < 0)
		return r;
	if (a->found)
		return 0;
	chk->seq = a->seq;
	chk->fault = r == 1 ? LEDGER_ALTERED : LEDGER_DELETED;
	snprintf(chk->id, sizeof(chk->id), "%s", r == 1 ? a->id : "-");
	snprintf(chk->why, sizeof(chk->why), "%s",
		 r == 1 ? "its hash differs from the anchor: the chain was rewritten" :
			  "the anchored row is gone: rows were removed from the end");
	return -EBADMSG;
}

static int ledger_verify_chain(const struct ledger_opts *o)
{
	struct verdict_ctx ctx = { 0 };
	struct cert_trust *t = NULL;
	struct ledger_check chk;
	struct anchor anchor;
	struct ledger *l;
	int r;

	if (o->anchor && anchor_parse(o->anchor, &anchor))
		return ui_usage_error("ledger",
				      "ledger verify: --anchor '%s': SEQ:HASH, a sequence "
				      "number and 64 lowercase hex digits",
				      ui_safe(o->anchor));
	if ((r = certsign_trust(o->trust, o->trust_ca, &t)))
		return r;
	ctx.trust = t;
	if (open_ledger(o, LEDGER_RDONLY, &l) < 0) {
		cert_trust_free(t);
		return KESU_EXIT_FAILURE;
	}
	r = ledger_verify(l, ledger_verdict, &ctx, &chk);
	if (r == 0 && o->anchor)
		r = anchor_check(l, &anchor, &chk);
	ledger_close(l);
	cert_trust_free(t);
	if (r < 0 && r != -EBADMSG) {
		ui_err("%s: cannot read the ledger: %s", ui_safe(o->path), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	if (o->json) {
		json_t *doc = json_pack("{s:s,s:I,s:b,s:s}", "ledger", o->path, "rows",
					(json_int_t)chk.rows, "intact", r == 0, "fault",
					ledger_fault_name(chk.fault));

		if (doc && r)
			json_object_update_new(doc, json_pack("{s:I,s:s,s:s}", "seq",
							      (json_int_t)chk.seq, "id", chk.id,
							      "why", chk.why));
		if (doc && !r)
			json_object_set_new(doc, "head", json_string(chk.head));
		if (!doc || ui_print_json(stdout, doc) < 0)
			r = r ? r : -EIO;
		json_decref(doc);
	} else if (r == 0) {
		printf("%s: %" PRId64 " rows, chain intact, head %s\n", ui_safe(o->path), chk.rows,
		       chk.head[0] ? chk.head : "-");
	}
	if (r == -EBADMSG) {
		ui_err("%s: seq %" PRId64 " %s: %s (certificate %s)", ui_safe(o->path), chk.seq,
		       ledger_fault_name(chk.fault), chk.why, ui_safe(chk.id));
		return KESU_EXIT_LEDGER;
	}
	return r ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}

/* A row as JSON: the columns, plus the certificate and signatures when they were read. */
static json_t *row_json(const struct ledger_row *row)
{
	json_t *o = json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)row->seq, "certificate_id",
			      row->id, "certificate_sha256", row->cert_sha256);

	for (int i = 0; o && i < LEDGER_NFIELDS; i++)
		if (json_object_set_new(o, ledger_field_names[i], json_text(row->field[i]))) {
			json_decref(o);
			return NULL;
		}
	if (o && row->cert) {
		json_t *cert = json_loadb((const char *)row->cert, row->cert_len, 0, NULL);
		json_t *sigs = json_loads(row->sigs, 0, NULL);

		json_object_set_new(o, "certificate", cert ? cert : json_null());
		json_object_set_new(o, "signatures", sigs ? sigs : json_null());
		json_object_set_new(o, "prev_hash", json_string(row->prev_hash));
		json_object_set_new(o, "row_hash", json_string(row->row_hash));
	}
	return o;
}

/* One cell of terminal output: escaped, "-" for none. */
static void put_text(const char *s, const char *sep)
{
	char *e = NULL;

	if (s && *s && text_escape(s, &e) == 0)
		fputs(e, stdout);
	else
		fputs(s && *s && !e ? "(out of memory)" : "-", stdout);
	fputs(sep, stdout);
	free(e);
}

static int show_row(const struct ledger_row *row, void *usr)
{
	const struct ledger_opts *o = usr;

	if (o->json) {
		json_t *doc = row_json(row);
		int r = doc ? ui_print_json(stdout, doc) : -ENOMEM;

		json_decref(doc);
		return r;
	}
	printf("%-19s %" PRId64 "\n", "seq", row->seq);
	printf("%-19s ", "certificate_id");
	put_text(row->id, "\n");
	printf("%-19s %s\n", "certificate_sha256", row->cert_sha256);
	for (int i = 0; i < LEDGER_NFIELDS; i++) {
		printf("%-19s ", ledger_field_names[i]);
		put_text(row->field[i], "\n");
	}
	printf("%-19s ", "signatures");
	{
		json_t *sigs = json_loads(row->sigs, 0, NULL);
		const char *name;
		json_t *v;
		bool first = true;

		json_object_foreach(sigs, name, v)
		{
			printf("%s%s", first ? "" : ", ", name);
			first = false;
		}
		puts(first ? "-" : "");
		json_decref(sigs);
	}
	printf("%-19s %s\n%-19s %s\n", "prev_hash", row->prev_hash, "row_hash", row->row_hash);
	return 0;
}

static int list_row(const struct ledger_row *row, void *usr)
{
	json_t *arr = usr, *o;

	if (arr) {
		o = row_json(row);
		return o && json_array_append_new(arr, o) == 0 ? 0 : -ENOMEM;
	}
	printf("%-6" PRId64 " ", row->seq);
	put_text(row->id, "  ");
	put_text(row->field[LEDGER_ASSET_TAG], "  ");
	put_text(row->field[LEDGER_SERIAL], "  ");
	put_text(row->field[LEDGER_RESULT], "  ");
	put_text(row->field[LEDGER_APPROVER], "  ");
	put_text(row->field[LEDGER_FINISHED], "\n");
	return 0;
}

static int ledger_show_list(const struct ledger_opts *o, bool show)
{
	struct ledger_filter f = { .asset_tag = o->asset, .serial = o->serial, .no_blobs = true };
	json_t *arr = NULL;
	struct ledger *l;
	int r;

	if (open_ledger(o, LEDGER_RDONLY, &l) < 0)
		return KESU_EXIT_FAILURE;
	if (show) {
		r = ledger_get(l, o->args[0], show_row, (void *)o);
	} else {
		if (o->json && !(arr = json_array())) {
			r = -ENOMEM;
			goto out;
		}
		if (!o->json)
			printf("SEQ    CERTIFICATE-ID  ASSET-TAG  SERIAL  RESULT  APPROVER  FINISHED\n");
		r = ledger_iterate(l, &f, list_row, arr);
		if (r == 0 && arr)
			r = ui_print_json(stdout, arr);
	}
out:
	json_decref(arr);
	ledger_close(l);
	if (r == -ENOENT && show)
		ui_err("%s: no certificate %s", ui_safe(o->path), ui_safe(o->args[0]));
	else if (r < 0)
		ui_err("%s: %s", ui_safe(o->path), strerror(-r));
	if (r == 0 && fflush(stdout) == EOF)
		r = -errno;
	return r ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}

/* The export's columns, in order; Snipe-IT maps them by header name (kesu-ledger(8)). */
static const char *const export_cols[] = {
	"asset_tag",	      "serial",	 "model",    "category",
	"technique",	      "result",	 "started",  "finished",
	"operator",	      "witness", "approver", "certificate_id",
	"certificate_sha256",
};
#define NEXPORT (sizeof(export_cols) / sizeof(export_cols[0]))

static const char *export_value(const struct ledger_row *row, size_t col)
{
	static const enum ledger_field fields[] = {
		LEDGER_ASSET_TAG, LEDGER_SERIAL,  LEDGER_MODEL,	   LEDGER_CATEGORY,
		LEDGER_TECHNIQUE, LEDGER_RESULT,  LEDGER_STARTED,  LEDGER_FINISHED,
		LEDGER_OPERATOR,  LEDGER_WITNESS, LEDGER_APPROVER,
	};

	if (col < sizeof(fields) / sizeof(fields[0]))
		return row->field[fields[col]];
	return col == NEXPORT - 2 ? row->id : row->cert_sha256;
}

/*
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line
 * break. A cell a spreadsheet would run as a formula (= + - @, and tab or CR
 * that some treat alike) gets a leading apostrophe (OWASP "CSV injection").
 */
static void csv_cell(const char *s, bool last)
{
	bool formula =
		s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');

	s = s ? s : "";
	if (strpbrk(s, ",\"\r\n") || formula) {
		putchar('"');
		if (formula)
			putchar('\'');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	fputs(last ? "\r\n" : ",", stdout);
}

static int export_row(const struct ledger_row *row, void *usr)
{
	const struct ledger_opts *o = usr;

	if (o->csv) {
		for (size_t c = 0; c < NEXPORT; c++)
			csv_cell(export_value(row, c), c == NEXPORT - 1);
	} else {
		json_t *obj = json_object();
		int r = 0;

		for (size_t c = 0; obj && r == 0 && c < NEXPORT; c++)
			r = json_object_set_new(obj, export_cols[c],
						json_text(export_value(row, c)));
		if (obj && r == 0)
			r = json_dumpf(obj, stdout, JSON_COMPACT) < 0 || putchar('\n') == EOF ?
				    -EIO :
				    0;
		json_decref(obj);
		if (!obj || r)
			return obj ? r : -ENOMEM;
	}
	return ferror(stdout) ? -EIO : 0;
}

static int ledger_export(const struct ledger_opts *o)
{
	static const struct ledger_filter f = { .no_blobs = true };
	struct ledger *l;
	int r;

	if (open_ledger(o, LEDGER_RDONLY, &l) < 0)
		return KESU_EXIT_FAILURE;
	if (o->csv)
		for (size_t c = 0; c < NEXPORT; c++)
			csv_cell(export_cols[c], c == NEXPORT - 1);
	r = ledger_iterate(l, &f, export_row, (void *)o);
	ledger_close(l);
	if (r == 0 && fflush(stdout) == EOF)
		r = -errno;
	if (r < 0)
		ui_err("%s: cannot export: %s", ui_safe(o->path), strerror(-r));
	return r ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}

/* The asset list as it is read: the header's columns, then one asset per record. */
struct assets {
	int tag_col, serial_col; /* -1 when the header has no such column */
	size_t ncols;
	struct ledger_asset *a;
	char **text; /* the strings a points to */
	size_t n, cap;
	char why[128];
};

/* "Asset Tag", "asset-tag" and "asset_tag" name the same column (Snipe-IT writes the first). */
static void header_name(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; *s == ' '; s++)
		;
	for (; *s && i + 1 < len; s++)
		out[i++] = (*s == ' ' || *s == '-') ? '_' :
			   (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') :
						      *s;
	while (i && out[i - 1] == '_')
		i--;
	out[i] = '\0';
}

static int asset_header(struct assets *as, char **cells, size_t n)
{
	char name[64];

	as->ncols = n;
	for (size_t i = 0; i < n; i++) {
		header_name(cells[i], name, sizeof(name));
		if (!strcmp(name, "asset_tag") || !strcmp(name, "serial")) {
			int *col = name[0] == 'a' ? &as->tag_col : &as->serial_col;

			if (*col >= 0) {
				snprintf(as->why, sizeof(as->why), "two %s columns", name);
				return -EBADMSG;
			}
			*col = (int)i;
		}
	}
	if (as->tag_col < 0 && as->serial_col < 0) {
		snprintf(as->why, sizeof(as->why), "the header has no asset_tag or serial column");
		return -EBADMSG;
	}
	return 0;
}

static char *trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

static int asset_record(char **cells, size_t n, size_t line, void *usr)
{
	struct assets *as = usr;
	struct ledger_asset *a;

	if (!as->ncols)
		return asset_header(as, cells, n);
	if (n != as->ncols) {
		snprintf(as->why, sizeof(as->why), "line %zu: %zu fields, the header has %zu", line,
			 n, as->ncols);
		return -EBADMSG;
	}
	if (as->n == as->cap) {
		size_t cap = as->cap ? as->cap * 2 : 1024;
		struct ledger_asset *p = realloc(as->a, cap * sizeof(*p));
		char **t = p ? realloc(as->text, 2 * cap * sizeof(*t)) : NULL;

		if (p)
			as->a = p;
		if (!p || !t)
			return -ENOMEM;
		as->text = t;
		as->cap = cap;
	}
	a = &as->a[as->n];
	as->text[2 * as->n] = as->tag_col >= 0 ? trimmed(cells[as->tag_col]) : strdup("");
	as->text[2 * as->n + 1] = as->serial_col >= 0 ? trimmed(cells[as->serial_col]) : strdup("");
	a->asset_tag = as->text[2 * as->n];
	a->serial = as->text[2 * as->n + 1];
	as->n++;
	if (!a->asset_tag || !a->serial)
		return -ENOMEM;
	if (!*a->asset_tag && !*a->serial) {
		snprintf(as->why, sizeof(as->why), "line %zu: neither an asset tag nor a serial",
			 line);
		return -EBADMSG;
	}
	return 0;
}

static void assets_free(struct assets *as)
{
	for (size_t i = 0; i < 2 * as->n; i++)
		free(as->text[i]);
	free(as->text);
	free(as->a);
}

static int read_assets(const char *file, struct assets *as)
{
	size_t len, line = 0;
	char *buf;
	int r;

	memset(as, 0, sizeof(*as));
	as->tag_col = as->serial_col = -1;
	r = file_read(file, ASSETS_MAX, &buf, &len);
	if (r < 0) {
		ui_err("%s: %s", ui_safe(file), errtext(r));
		return r;
	}
	r = ledger_csv_parse(buf, len, asset_record, as, &line);
	free(buf);
	if (r == 0 && !as->ncols) {
		snprintf(as->why, sizeof(as->why), "empty: no header");
		r = -EBADMSG;
	}
	if (r == -EBADMSG && !as->why[0])
		snprintf(as->why, sizeof(as->why), "line %zu: not valid CSV", line);
	if (r < 0)
		ui_err("%s: %s", ui_safe(file), r == -EBADMSG ? as->why : strerror(-r));
	return r;
}

static const char *missing_reason(const struct ledger_match *m)
{
	if (!m->id)
		return "no certificate";
	if (!m->result || strcmp(m->result, "success"))
		return "erasure not successful";
	return "not approved";
}

static json_t *reconcile_json(const struct assets *as, const struct ledger_reconcile *rec)
{
	json_t *doc = json_pack("{s:[],s:[],s:[]}", "certified", "missing", "unmatched");

	for (size_t i = 0; doc && i < rec->n; i++) {
		const struct ledger_match *m = &rec->match[i];
		bool ok = m->status == LEDGER_CERTIFIED;
		json_t *o = json_pack("{s:o,s:o,s:o}", "asset_tag", json_text(as->a[i].asset_tag),
				      "serial", json_text(as->a[i].serial), "certificate_id",
				      json_text(m->id));

		if (o && !ok)
			json_object_set_new(o, "reason", json_string(missing_reason(m)));
		if (!o ||
		    json_array_append_new(json_object_get(doc, ok ? "certified" : "missing"), o)) {
			json_decref(doc);
			return NULL;
		}
	}
	for (size_t i = 0; doc && i < rec->nunmatched; i++) {
		const struct ledger_unmatched *u = &rec->unmatched[i];

		if (json_array_append_new(json_object_get(doc, "unmatched"),
					  json_pack("{s:o,s:o,s:o}", "certificate_id",
						    json_text(u->id), "asset_tag",
						    json_text(u->asset_tag), "serial",
						    json_text(u->serial)))) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

static void reconcile_text(const struct assets *as, const struct ledger_reconcile *rec)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rec->n; i++) {
			const struct ledger_match *m = &rec->match[i];

			if ((m->status == LEDGER_CERTIFIED) != (pass == 0))
				continue;
			fputs(pass == 0 ? "certified  " : "missing    ", stdout);
			put_text(as->a[i].asset_tag, "  ");
			put_text(as->a[i].serial, "  ");
			put_text(m->id, pass == 0 ? "\n" : "  ");
			if (pass == 1)
				puts(missing_reason(m));
		}
	for (size_t i = 0; i < rec->nunmatched; i++) {
		fputs("unmatched  ", stdout);
		put_text(rec->unmatched[i].asset_tag, "  ");
		put_text(rec->unmatched[i].serial, "  ");
		put_text(rec->unmatched[i].id, "\n");
	}
	printf("%zu certified, %zu missing, %zu unmatched certificates\n", rec->certified,
	       rec->missing, rec->nunmatched);
}

static int ledger_reconcile_file(const struct ledger_opts *o)
{
	struct ledger_reconcile rec;
	struct assets as;
	struct ledger *l = NULL;
	int r;

	r = read_assets(o->args[0], &as);
	if (r < 0)
		return r == -EBADMSG ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	if (open_ledger(o, LEDGER_RDONLY, &l) < 0) {
		assets_free(&as);
		return KESU_EXIT_FAILURE;
	}
	r = ledger_reconcile(l, as.a, as.n, &rec);
	ledger_close(l);
	if (r < 0) {
		ui_err("%s: cannot reconcile: %s", ui_safe(o->path), strerror(-r));
		assets_free(&as);
		return KESU_EXIT_FAILURE;
	}
	if (o->json) {
		json_t *doc = reconcile_json(&as, &rec);

		r = doc ? ui_print_json(stdout, doc) : -ENOMEM;
		json_decref(doc);
	} else {
		reconcile_text(&as, &rec);
		r = fflush(stdout) == EOF ? -errno : 0;
	}
	if (r < 0)
		ui_err("cannot write the result: %s", strerror(-r));
	else if (rec.missing)
		r = KESU_EXIT_LEDGER;
	ledger_reconcile_free(&rec);
	assets_free(&as);
	return r < 0 ? KESU_EXIT_FAILURE : r;
}

int cmd_ledger(int argc, char **argv)
{
	struct ledger_opts o = { 0 };
	int ret = ledger_parse(argc, argv, &o);

	if (ret || o.help)
		return ret ? ret : ledger_help();
	if (!strcmp(o.action, "add"))
		return ledger_add_files(&o);
	if (!strcmp(o.action, "verify"))
		return ledger_verify_chain(&o);
	if (!strcmp(o.action, "show") || !strcmp(o.action, "list"))
		return ledger_show_list(&o, o.action[0] == 's');
	if (!strcmp(o.action, "export"))
		return ledger_export(&o);
	return ledger_reconcile_file(&o);
}
