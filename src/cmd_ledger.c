// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger: record certificates, check the chain, list, export and reconcile. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "certsign.h"
#include "kesu.h"
#include "log.h"
#include "text.h"

static const int ledger_exits[] = {
	KESU_EXIT_SUCCESS,	 KESU_EXIT_FAILURE,   KESU_EXIT_USAGE,	      KESU_EXIT_MALFORMED,
	KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED, KESU_EXIT_NOT_APPROVED, KESU_EXIT_LEDGER,
};

struct ledger_opts {
	const char *path;
	const char *trust, *trust_ca;
	const char *asset, *serial;
	const char *anchor; /* verify --anchor SEQ:HASH */
	bool json, csv, jsonl, help;
	int nargs;
	char **args;
};

/* What an action takes besides --ledger, --trust, --trust-ca, --debug and --help. */
struct action {
	int min, max; /* arguments */
	bool json, filter, format, anchor;
	const char *options; /* its lines of the help */
};

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

/* Every action knows every option, so that one in the wrong place is named as such. */
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

static int ledger_cmd_add(int argc, char **argv);
static int ledger_cmd_verify(int argc, char **argv);
static int ledger_cmd_show(int argc, char **argv);
static int ledger_cmd_list(int argc, char **argv);
static int ledger_cmd_export(int argc, char **argv);
static int ledger_cmd_reconcile(int argc, char **argv);

static const struct ui_command subs[] = {
	{ "add", ledger_cmd_add, "CERT...", "verify certificates and record them" },
	{ "verify", ledger_cmd_verify, "[--anchor SEQ:HASH] [--json]",
	  "check the chain and every certificate in it" },
	{ "show", ledger_cmd_show, "ID [--json]", "print the row of one certificate" },
	{ "list", ledger_cmd_list, "[--asset TAG] [--serial S] [--json]",
	  "one line per certificate, in the order they were added" },
	{ "export", ledger_cmd_export, "--csv|--jsonl", "the ledger for an asset register" },
	{ "reconcile", ledger_cmd_reconcile, "ASSETS.csv [--json]",
	  "which assets of a list have a certificate" },
	{ NULL, NULL, NULL, NULL },
};

#define JSON_HELP "  --json         JSON output\n"

static int action_help(const char *name, const struct action *a)
{
	const struct ui_command *c = subs;

	while (strcmp(c->name, name))
		c++;
	printf("usage: kesu ledger [--ledger PATH] %s %s\n\n%s\n\nOptions:\n"
	       "  --ledger PATH  the ledger database (default " LEDGER_DEFAULT_PATH ")\n"
	       "%s  -h, --help     show this help\n",
	       c->name, c->usage, c->help, a->options);
	ui_print_exit_status(stdout, ledger_exits, sizeof(ledger_exits) / sizeof(ledger_exits[0]));
	return KESU_EXIT_SUCCESS;
}

/* Which of the options given apply to action @name. Return: 0 or KESU_EXIT_USAGE */
static int check_opts(const char *name, const struct action *a, const struct ledger_opts *o)
{
	if (!*o->path)
		return ui_usage_error("ledger", "ledger: --ledger: empty path");
	if ((o->asset && !*o->asset) || (o->serial && !*o->serial))
		return ui_usage_error("ledger", "ledger: --asset and --serial need a value");
	if (o->anchor && !a->anchor)
		return ui_usage_error("ledger", "ledger: --anchor applies to verify");
	if (o->nargs < a->min || o->nargs > a->max)
		return ui_usage_error("ledger", "ledger %s: %s", name,
				      o->nargs < a->min ? "argument missing" :
							  "too many arguments");
	if (o->json && !a->json)
		return ui_usage_error("ledger", "ledger %s: --json does not apply", name);
	if ((o->asset || o->serial) && !a->filter)
		return ui_usage_error("ledger", "ledger %s: --asset and --serial apply to list",
				      name);
	if ((o->csv || o->jsonl) && !a->format)
		return ui_usage_error("ledger", "ledger %s: --csv and --jsonl apply to export",
				      name);
	if (a->format && o->csv == o->jsonl)
		return ui_usage_error("ledger", "ledger export: give one of --csv or --jsonl");
	return 0;
}

/*
 * The options of action argv[0], parsed by the action with its own @a.
 * Return: -1 to go on, or the exit code to return at once (0 after --help)
 */
static int ledger_args(int argc, char **argv, const struct action *a, struct ledger_opts *o)
{
	int c, r;

	memset(o, 0, sizeof(*o));
	o->path = LEDGER_DEFAULT_PATH;
	optind = 0;
	opterr = 0;
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
		return action_help(argv[0], a);
	o->args = argv + optind;
	o->nargs = argc - optind;
	r = check_opts(argv[0], a, o);
	return r ? r : -1;
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
	else if (r == -EPROTONOSUPPORT)
		ui_err("%s: no ledger backend for this kind of location", ui_safe(o->path));
	else if (r < 0)
		ui_err("cannot open %s: %s", ui_safe(o->path), strerror(-r));
	return r;
}

/* The trust store and the open ledger an action needs. Return: 0 or an exit code */
static int open_trusted(const struct ledger_opts *o, unsigned flags, struct cert_trust **ct,
			struct ledger **l)
{
	int r = certsign_trust(o->trust, o->trust_ca, ct);

	if (r)
		return r;
	if (open_ledger(o, flags, l) < 0) {
		cert_trust_free(*ct);
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

static int add_one(struct ledger *l, const char *lpath, const char *file, struct ledger_trust *t)
{
	static const int codes[] = {
		[CERT_MALFORMED] = KESU_EXIT_MALFORMED,
		[CERT_BAD_SIGNATURE] = KESU_EXIT_BAD_SIGNATURE,
		[CERT_UNTRUSTED] = KESU_EXIT_UNTRUSTED,
		[CERT_NOT_APPROVED] = KESU_EXIT_NOT_APPROVED,
	};
	char why[256], seqs[32], head[LEDGER_HASH_HEX] = "";
	struct ledger_cert c;
	int64_t seq = 0, last;
	int r = ledger_cert_load(file, &c), ret = KESU_EXIT_FAILURE;

	if (r < 0) {
		ui_err("%s: %s", ui_safe(c.failed ? c.failed : file), errtext(r));
		goto out;
	}
	t->verdict = CERT_VALID;
	r = ledger_add(l, c.data, c.len, &c.sigs, ledger_cert_verdict, t, why, sizeof(why), &seq);
	if (r >= 0) {
		printf("%s: %s (seq %" PRId64 ")\n", ui_safe(file),
		       r == LEDGER_ALREADY ? "already recorded" : "recorded", seq);
		ret = KESU_EXIT_SUCCESS;
	}
	/* the head of the chain in the security log: an anchor the ledger file cannot rewrite */
	if (r == 0 && ledger_last_hash(l, &last, head) == 0) {
		snprintf(seqs, sizeof(seqs), "%" PRId64, last);
		kesu_audit("ledger add", "ledger", lpath, "seq", seqs, "row_hash", head, "user",
			   ui_who(), NULL);
	}
	if (r < 0) {
		ui_err("%s: not recorded: %s", ui_safe(file), ui_safe(why));
		/* the verdict's own exit code first: it knows a bad signature from bad JSON */
		if (r != -EEXIST && t->verdict != CERT_VALID && t->verdict < CERT_NOT_ERASED)
			ret = codes[t->verdict];
		else if (r == -EBADMSG)
			ret = KESU_EXIT_MALFORMED;
	}
out:
	ledger_cert_free(&c);
	return ret;
}

static int ledger_cmd_add(int argc, char **argv)
{
	static const struct action a = { .min = 1, .max = 1 << 20, .options = "" };
	struct cert_trust *ct = NULL;
	struct ledger_trust t = { 0 };
	struct ledger_opts o;
	struct ledger *l;
	int ret = ledger_args(argc, argv, &a, &o);

	if (ret >= 0 || (ret = open_trusted(&o, LEDGER_CREATE, &ct, &l)))
		return ret;
	t.trust = ct;
	for (int i = 0; i < o.nargs; i++) {
		int r = add_one(l, o.path, o.args[i], &t);

		/* the status of the first certificate that was not recorded */
		if (ret == KESU_EXIT_SUCCESS)
			ret = r;
	}
	ledger_close(l);
	cert_trust_free(ct);
	if (fflush(stdout) == EOF)
		ret = ret ? ret : KESU_EXIT_FAILURE;
	return ret;
}

/* What verify found, for the person; @r: 0 intact, -EBADMSG broken. */
static int verify_report(const struct ledger_opts *o, const struct ledger_check *chk, int r)
{
	if (o->json) {
		json_t *doc = ledger_check_json(o->path, chk, r == 0);

		if (!doc || ui_print_json(stdout, doc) < 0)
			r = r ? r : -EIO;
		json_decref(doc);
	} else if (r == 0) {
		printf("%s: %" PRId64 " rows, chain intact, head %s\n", ui_safe(o->path), chk->rows,
		       chk->head[0] ? chk->head : "-");
	}
	if (r == -EBADMSG) {
		ui_err("%s: seq %" PRId64 " %s: %s (certificate %s)", ui_safe(o->path), chk->seq,
		       ledger_fault_name(chk->fault), chk->why, ui_safe(chk->id));
		return KESU_EXIT_LEDGER;
	}
	return r ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}

static int ledger_cmd_verify(int argc, char **argv)
{
	static const struct action a = {
		.json = true,
		.anchor = true,
		.options = "  --anchor SEQ:HASH  row SEQ must still have this hash (from the\n"
			   "                 security log's \"ledger add\" record)\n" JSON_HELP,
	};
	struct cert_trust *ct = NULL;
	struct ledger_trust t = { 0 };
	struct ledger_anchor anchor;
	struct ledger_check chk;
	struct ledger_opts o;
	struct ledger *l;
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (o.anchor && ledger_anchor_parse(o.anchor, &anchor))
		return ui_usage_error("ledger",
				      "ledger verify: --anchor '%s': SEQ:HASH, a sequence "
				      "number and 64 lowercase hex digits",
				      ui_safe(o.anchor));
	if ((r = open_trusted(&o, LEDGER_RDONLY, &ct, &l)))
		return r;
	t.trust = ct;
	r = ledger_verify(l, ledger_cert_verdict, &t, &chk);
	if (r == 0 && o.anchor)
		r = ledger_anchor_check(l, &anchor, &chk);
	ledger_close(l);
	cert_trust_free(ct);
	if (r < 0 && r != -EBADMSG) {
		ui_err("%s: cannot read the ledger: %s", ui_safe(o.path), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	return verify_report(&o, &chk, r);
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

static void put_sig_names(const char *sigs)
{
	json_t *doc = json_loads(sigs, 0, NULL), *v;
	const char *name;
	bool first = true;

	json_object_foreach(doc, name, v)
	{
		printf("%s%s", first ? "" : ", ", name);
		first = false;
	}
	puts(first ? "-" : "");
	json_decref(doc);
}

static int show_row(const struct ledger_row *row, void *usr)
{
	const struct ledger_opts *o = usr;

	if (o->json) {
		json_t *doc = ledger_row_json(row);
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
	put_sig_names(row->sigs);
	printf("%-19s %s\n%-19s %s\n", "prev_hash", row->prev_hash, "row_hash", row->row_hash);
	return 0;
}

static int list_row(const struct ledger_row *row, void *usr)
{
	json_t *arr = usr, *o;

	if (arr) {
		o = ledger_row_json(row);
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

/* The end of a read-only action: its message, the flush, the exit code. */
static int read_done(const struct ledger_opts *o, int r, const char *what)
{
	if (r == 0 && fflush(stdout) == EOF)
		r = -errno;
	if (r < 0)
		ui_err("%s: %s%s", ui_safe(o->path), what, strerror(-r));
	return r ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}

static int ledger_cmd_show(int argc, char **argv)
{
	static const struct action a = { .min = 1, .max = 1, .json = true, .options = JSON_HELP };
	struct ledger_opts o;
	struct ledger *l;
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (open_ledger(&o, LEDGER_RDONLY, &l) < 0)
		return KESU_EXIT_FAILURE;
	r = ledger_get(l, o.args[0], show_row, &o);
	ledger_close(l);
	if (r == -ENOENT) {
		ui_err("%s: no certificate %s", ui_safe(o.path), ui_safe(o.args[0]));
		return KESU_EXIT_FAILURE;
	}
	return read_done(&o, r, "");
}

static int ledger_cmd_list(int argc, char **argv)
{
	static const struct action a = {
		.json = true,
		.filter = true,
		.options = "  --asset TAG    only certificates for this asset tag\n"
			   "  --serial S     only certificates for this serial number\n" JSON_HELP,
	};
	struct ledger_filter f = { .no_blobs = true };
	json_t *arr = NULL;
	struct ledger_opts o;
	struct ledger *l;
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (open_ledger(&o, LEDGER_RDONLY, &l) < 0)
		return KESU_EXIT_FAILURE;
	f.asset_tag = o.asset;
	f.serial = o.serial;
	if (o.json && !(arr = json_array()))
		r = -ENOMEM;
	else if (!o.json)
		printf("SEQ    CERTIFICATE-ID  ASSET-TAG  SERIAL  RESULT  APPROVER  FINISHED\n");
	if (r != -ENOMEM)
		r = ledger_iterate(l, &f, list_row, arr);
	if (r == 0 && arr)
		r = ui_print_json(stdout, arr);
	json_decref(arr);
	ledger_close(l);
	return read_done(&o, r, "");
}

static int export_row(const struct ledger_row *row, void *usr)
{
	const enum ledger_export_format *fmt = usr;
	char *line;
	int r = ledger_export_line(*fmt, row, &line);

	if (r == 0 && (fputs(line, stdout) == EOF || ferror(stdout)))
		r = -EIO;
	free(line);
	return r;
}

static int ledger_cmd_export(int argc, char **argv)
{
	static const struct action a = {
		.format = true,
		.options = "  --csv          CSV with a header row (RFC 4180)\n"
			   "  --jsonl        one JSON object per line\n",
	};
	static const struct ledger_filter f = { .no_blobs = true };
	enum ledger_export_format fmt;
	struct ledger_opts o;
	struct ledger *l;
	char *head = NULL;
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (open_ledger(&o, LEDGER_RDONLY, &l) < 0)
		return KESU_EXIT_FAILURE;
	fmt = o.csv ? LEDGER_EXPORT_CSV : LEDGER_EXPORT_JSONL;
	r = ledger_export_header(fmt, &head);
	if (r == 0 && fputs(head, stdout) == EOF)
		r = -EIO;
	if (r == 0)
		r = ledger_iterate(l, &f, export_row, &fmt);
	free(head);
	ledger_close(l);
	return read_done(&o, r, "cannot export: ");
}

static void reconcile_text(const struct ledger_assets *as, const struct ledger_reconcile *rec)
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
				puts(ledger_missing_reason(m));
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

static int reconcile_print(const struct ledger_opts *o, const struct ledger_assets *as,
			   const struct ledger_reconcile *rec)
{
	int r;

	if (o->json) {
		json_t *doc = ledger_reconcile_json(as->a, rec);

		r = doc ? ui_print_json(stdout, doc) : -ENOMEM;
		json_decref(doc);
	} else {
		reconcile_text(as, rec);
		r = fflush(stdout) == EOF ? -errno : 0;
	}
	if (r < 0) {
		ui_err("cannot write the result: %s", strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	return rec->missing ? KESU_EXIT_LEDGER : KESU_EXIT_SUCCESS;
}

static int ledger_cmd_reconcile(int argc, char **argv)
{
	static const struct action a = { .min = 1, .max = 1, .json = true, .options = JSON_HELP };
	struct ledger_reconcile rec;
	struct ledger_assets as;
	struct ledger_opts o;
	struct ledger *l = NULL;
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	r = ledger_assets_load(o.args[0], &as);
	if (r < 0) {
		ui_err("%s: %s", ui_safe(o.args[0]), r == -EBADMSG ? as.why : errtext(r));
		ledger_assets_free(&as);
		return r == -EBADMSG ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	if (open_ledger(&o, LEDGER_RDONLY, &l) < 0) {
		ledger_assets_free(&as);
		return KESU_EXIT_FAILURE;
	}
	r = ledger_reconcile(l, as.a, as.n, &rec);
	ledger_close(l);
	if (r < 0) {
		ui_err("%s: cannot reconcile: %s", ui_safe(o.path), strerror(-r));
		ledger_assets_free(&as);
		return KESU_EXIT_FAILURE;
	}
	r = reconcile_print(&o, &as, &rec);
	ledger_reconcile_free(&rec);
	ledger_assets_free(&as);
	return r;
}

/* Whether long option @arg ("--ledger", or a prefix getopt_long accepts) takes a value. */
static bool takes_value(const char *arg)
{
	const struct option *hit = NULL;
	size_t n = strlen(arg + 2), hits = 0;

	if (strchr(arg, '='))
		return false;
	for (const struct option *p = longopts; p->name; p++)
		if (!strncmp(p->name, arg + 2, n)) {
			if (!p->name[n])
				return p->has_arg == required_argument;
			hit = p;
			hits++;
		}
	/* an ambiguous prefix is refused by getopt_long anyway */
	return hits == 1 && hit->has_arg == required_argument;
}

/*
 * kesu ledger [OPTIONS] ACTION [ARGS]: the options before the action go
 * after it, so that the action parses them with the rest.
 */
int cmd_ledger(int argc, char **argv)
{
	char **v;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			i++;
		if (i >= argc || argv[i][0] != '-' || !argv[i][1] || !strcmp(argv[i - 1], "--"))
			break;
		if (!strncmp(argv[i], "--", 2) && takes_value(argv[i]))
			i++;
	}
	if (i >= argc) {
		char *help[] = { argv[0], "--help", NULL };

		for (i = 1; i < argc; i++)
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
				return ui_dispatch("ledger", subs, 2, help);
		return ui_dispatch("ledger", subs, 1, argv);
	}
	v = calloc((size_t)argc + 1, sizeof(*v));
	if (!v) {
		ui_err("%s", strerror(ENOMEM));
		return KESU_EXIT_FAILURE;
	}
	v[0] = argv[0];
	v[1] = argv[i];
	memcpy(v + 2, argv + 1, (size_t)(i - 1) * sizeof(*v));
	memcpy(v + i + 1, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*v));
	r = ui_dispatch("ledger", subs, argc, v);
	free(v);
	return r;
}
