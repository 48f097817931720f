// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger: record certificates, check the chain, list, export and reconcile. */
#include "asset_gate.h"
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "certsign.h"
#include "conffile.h"
#include "kesu.h"
#include "ledger_cmd.h"
#include "log.h"

static const int ledger_exits[] = {
	KESU_EXIT_SUCCESS,	KESU_EXIT_FAILURE,   KESU_EXIT_USAGE,	      KESU_EXIT_REFUSED,
	KESU_EXIT_IO,		KESU_EXIT_MALFORMED, KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED,
	KESU_EXIT_NOT_APPROVED, KESU_EXIT_LEDGER,    KESU_EXIT_DISTRUSTED,    KESU_EXIT_QUEUED,
};

/*
 * Every action knows every option, so that one in the wrong place is named
 * as such; the values are not short options (the optstring has only h).
 */
static const struct option longopts[] = {
	{ "ledger", required_argument, NULL, 'L' },
	{ "asset", required_argument, NULL, 'a' },
	{ "serial", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ "csv", no_argument, NULL, 'c' },
	{ "jsonl", no_argument, NULL, 'J' },
	{ "anchor", required_argument, NULL, 'A' },
	{ "roles", no_argument, NULL, 'R' },
	{ "queue", required_argument, NULL, 'Q' },
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'T' },
	{ "trust", required_argument, NULL, 't' },
	{ "trust-ca", required_argument, NULL, 'C' },
	{ "debug", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int ledger_cmd_verify(int argc, char **argv);
static int ledger_cmd_init(int argc, char **argv);

static const struct ui_command subs[] = {
	{ "init", ledger_cmd_init, "[--roles]",
	  "create the ledger or bring its schema up to date (and its server roles)" },
	{ "add", ledger_cmd_add, "CERT...", "verify certificates and record them" },
	{ "verify", ledger_cmd_verify, "[--anchor SEQ:HASH] [--json]",
	  "check the chain and every certificate in it" },
	{ "show", ledger_cmd_show, "ID [--json]", "print the row of one certificate" },
	{ "list", ledger_cmd_list, "[--asset TAG] [--serial S] [--json]",
	  "one line per certificate, in the order they were added" },
	{ "export", ledger_cmd_export, "--csv|--jsonl", "the ledger for an asset register" },
	{ "reconcile", ledger_cmd_reconcile, "ASSETS.csv [--json]",
	  "which assets of a list have a certificate" },
	{ "sync", ledger_cmd_sync, "[--queue FILE]",
	  "forward the certificates queued while the server could not be reached" },
	{ "status", ledger_cmd_status, "[--queue FILE] [--json]",
	  "what waits in the queue for the server" },
	{ "copy", ledger_cmd_copy, "--from FILE.db --to URL",
	  "move a ledger to another backend, its chain verified on both sides" },
	{ NULL, NULL, NULL, NULL },
};

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
	if (o->roles && !a->roles)
		return ui_usage_error("ledger", "ledger: --roles applies to init");
	if (o->queue && (!a->queue || !*o->queue))
		return ui_usage_error("ledger", *o->queue ? "ledger: --queue applies to add, sync "
							    "and status" :
							    "ledger: --queue: empty path");
	if ((o->from || o->to) && !a->copy)
		return ui_usage_error("ledger", "ledger: --from and --to apply to copy");
	if (a->copy && (!o->from || !*o->from || !o->to || !*o->to))
		return ui_usage_error("ledger", "ledger copy: give --from and --to");
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

int ledger_args(int argc, char **argv, const struct action *a, struct ledger_opts *o)
{
	int c, r;

	memset(o, 0, sizeof(*o));
	/* --ledger, else [ledger] url or path of kesu.conf, else the default */
	o->path = ui_ledger_location();
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': o->path = optarg; break;
		case 'a': o->asset = optarg; break;
		case 's': o->serial = optarg; break;
		case 'j': o->json = true; break;
		case 'c': o->csv = true; break;
		case 'J': o->jsonl = true; break;
		case 'A': o->anchor = optarg; break;
		case 'R': o->roles = true; break;
		case 'Q': o->queue = optarg; break;
		case 'F': o->from = optarg; break;
		case 'T': o->to = optarg; break;
		case 't': o->trust = optarg; break;
		case 'C': o->trust_ca = optarg; break;
		case 'D': ui_debug = true; break;
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

const char *ledger_errtext(int r)
{
	return r == -EFBIG ? "file too large" : r == -EINVAL ? "not a regular file" : strerror(-r);
}

void ledger_open_error(const char *path, int r)
{
	int version;

	if (r == -ENOENT)
		ui_err("%s: no ledger there (kesu ledger init or add creates one)", ui_safe(path));
	else if (r == -EHOSTUNREACH)
		ui_err("%s: the ledger's server cannot be reached (its reason above)",
		       ui_safe(path));
	else if (r == -ECONNREFUSED)
		ui_err("%s: the ledger's server refused the connection, nothing written (its "
		       "reason above)",
		       ui_safe(path));
	else if (r == -EACCES && strstr(path, "://"))
		ui_err("%s: the ledger's server refused the login (its reason above)",
		       ui_safe(path));
	else if (r == -ECONNRESET)
		ui_err("%s: the connection to the ledger's server was lost", ui_safe(path));
	else if (r == -EBADMSG)
		ui_err("%s: not a kesu ledger", ui_safe(path));
	else if (r == -EPROTO && ledger_schema(path, &version) == 0)
		ui_err("%s: ledger schema %d: made by %s kesu (this one knows schema %d); see "
		       "kesu-ledger(8), SCHEMA",
		       ui_safe(path), version, version < LEDGER_SCHEMA ? "an older" : "a newer",
		       LEDGER_SCHEMA);
	else if (r == -EPROTONOSUPPORT)
		ui_err("%s: no ledger backend for this kind of location", ui_safe(path));
	else if (r < 0)
		ui_err("cannot open %s: %s", ui_safe(path), strerror(-r));
}

int ledger_open_ui(const struct ledger_opts *o, unsigned flags, struct ledger **l)
{
	char why[256];
	int r = ledger_location_check(o->path, why, sizeof(why));

	/* not the location itself: it may hold the password it is refused for */
	if (r == -EINVAL) {
		ui_err("ledger location refused: %s", why);
		return r;
	}
	r = ledger_open(l, o->path, flags);
	if (r < 0)
		ledger_open_error(o->path, r);
	return r;
}

/* The trust store and the open ledger an action needs. Return: 0 or an exit code */
static int open_trusted(const struct ledger_opts *o, unsigned flags, struct cert_trust **ct,
			struct ledger **l)
{
	int r = certsign_trust(o->trust, o->trust_ca, ct);

	if (r)
		return r;
	if ((r = ledger_open_ui(o, flags, l)) < 0) {
		cert_trust_free(*ct);
		return ui_exit(r, UI_CTX_NONE);
	}
	return 0;
}

/* What verify found, for the person; @r: 0 intact, -EBADMSG broken. */
static int verify_report(const struct ledger_opts *o, const struct ledger_check *chk, int r)
{
	int w = ledger_ui_check(o->path, chk, r == 0, o->json);

	if (r == -EBADMSG)
		ui_err("%s: seq %" PRId64 " %s: %s (certificate %s)", ui_safe(o->path), chk->seq,
		       ledger_fault_name(chk->fault), chk->why, ui_safe(chk->id));
	else if (w)
		ui_err("cannot write to standard output: %s", strerror(-w));
	/* a broken chain (15) is what a person must hear, even when its output failed */
	if (r)
		return ui_exit(r, UI_CTX_LEDGER);
	if (w)
		return ui_exit(w, UI_CTX_NONE);
	if (!chk->nuntrusted)
		return KESU_EXIT_SUCCESS;
	/* intact, and the past stands; but who signed it is no longer trusted (22) */
	ui_err("%s: %zu intact row%s signed by a key the trust store no longer trusts (listed "
	       "above): the chain is not broken",
	       ui_safe(o->path), chk->nuntrusted, chk->nuntrusted == 1 ? "" : "s");
	return KESU_EXIT_DISTRUSTED;
}

static int ledger_cmd_verify(int argc, char **argv)
{
	static const struct action a = {
		.json = true,
		.anchor = true,
		.options = "  --anchor SEQ:HASH  row SEQ must still have this hash (from the\n"
			   "                 security log's \"ledger add\" record)\n" TRUST_HELP
				   JSON_HELP,
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
		ledger_check_free(&chk);
		return ui_exit(r, UI_CTX_NONE);
	}
	r = verify_report(&o, &chk, r);
	ledger_check_free(&chk);
	return r;
}

static int ledger_cmd_init(int argc, char **argv)
{
	static const struct action a = {
		.roles = true,
		.options = "  --roles        also the server roles kesu_station (append only) and\n"
			   "                 kesu_auditor (read only); PostgreSQL only\n",
	};
	struct ledger_opts o;
	struct ledger *l;
	char why[256];
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	r = ledger_location_check(o.path, why, sizeof(why));
	if (r == -EINVAL) {
		ui_err("ledger location refused: %s", why);
		return ui_exit(r, UI_CTX_NONE);
	}
	r = ledger_init(o.path, o.roles);
	if (r == -EOPNOTSUPP)
		ui_err("%s: --roles: an SQLite ledger has no roles (its file mode guards it)",
		       ui_safe(o.path));
	else if (r < 0)
		ledger_open_error(o.path, r);
	if (r < 0)
		return ui_exit(r, UI_CTX_NONE);
	/* open it as every other action will: the schema is the one this kesu knows */
	if ((r = ledger_open_ui(&o, LEDGER_RDONLY, &l)) < 0)
		return ui_exit(r, UI_CTX_NONE);
	ledger_close(l);
	printf("%s: ledger schema %d ready%s\n", ui_safe(o.path), LEDGER_SCHEMA,
	       o.roles ? ", roles kesu_station and kesu_auditor granted" : "");
	return KESU_EXIT_SUCCESS;
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

	/* a reader that went away is a write failure, told with exit 6, not a silent death */
	signal(SIGPIPE, SIG_IGN);
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
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				r = ui_dispatch("ledger", subs, 2, help);
				printf("\noptions, before or after the action:\n"
				       "  --ledger PATH  the ledger database (default " LEDGER_DEFAULT_PATH
				       ")\n" TRUST_HELP
				       "                 (add and verify check signatures against them)\n"
				       "  --queue FILE   add, sync, status: certificates waiting for an "
				       "unreachable server\n"
				       "  --debug        debug messages on standard error\n");
				return r;
			}
		return ui_dispatch("ledger", subs, 1, argv);
	}
	v = calloc((size_t)argc + 1, sizeof(*v));
	if (!v) {
		ui_err("%s", strerror(ENOMEM));
		return ui_exit(-ENOMEM, UI_CTX_NONE);
	}
	v[0] = argv[0];
	v[1] = argv[i];
	memcpy(v + 2, argv + 1, (size_t)(i - 1) * sizeof(*v));
	memcpy(v + i + 1, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*v));
	r = ui_dispatch("ledger", subs, argc, v);
	free(v);
	return r;
}
