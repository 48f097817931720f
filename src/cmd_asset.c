// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu asset: the asset register (add, edit, show, list; import and export in asset_io.c). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "asset_cmd.h"
#include "conffile.h"
#include "kesu.h"

static const int asset_exits[] = {
	KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
	KESU_EXIT_REFUSED, KESU_EXIT_IO,      KESU_EXIT_LEDGER,
};

/* the values of --kind ... --lease-contract are their field's number + 0x100 */
#define FIELD_OPT 0x100
static const struct option longopts[] = {
	{ "ledger", required_argument, NULL, 'L' },
	{ "kind", required_argument, NULL, FIELD_OPT + ASSET_KIND },
	{ "serial", required_argument, NULL, FIELD_OPT + ASSET_SERIAL },
	{ "model", required_argument, NULL, FIELD_OPT + ASSET_MODEL },
	{ "department", required_argument, NULL, FIELD_OPT + ASSET_DEPARTMENT },
	{ "location", required_argument, NULL, FIELD_OPT + ASSET_LOCATION },
	{ "holder", required_argument, NULL, FIELD_OPT + ASSET_HOLDER },
	{ "classification", required_argument, NULL, FIELD_OPT + ASSET_CLASSIFICATION },
	{ "lease-contract", required_argument, NULL, FIELD_OPT + ASSET_LEASE_CONTRACT },
	{ "reason", required_argument, NULL, 'r' },
	{ "state", required_argument, NULL, 'S' },
	{ "until", required_argument, NULL, 'U' },
	{ "json", no_argument, NULL, 'j' },
	{ "format", required_argument, NULL, 'f' },
	{ "snipeit", no_argument, NULL, 's' },
	{ "glpi", no_argument, NULL, 'g' },
	{ "csv", no_argument, NULL, 'c' },
	{ "jsonl", no_argument, NULL, 'J' },
	{ "bom", no_argument, NULL, 'B' },
	{ "debug", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int asset_cmd_add(int argc, char **argv);
static int asset_cmd_edit(int argc, char **argv);
static int asset_cmd_show(int argc, char **argv);
static int asset_cmd_list(int argc, char **argv);

static const struct ui_command subs[] = {
	{ "add", asset_cmd_add, "TAG --kind pc|disk|usb|mobile|other [FIELDS] [--reason TEXT]",
	  "register an asset" },
	{ "edit", asset_cmd_edit, "TAG [FIELDS] [--state STATE] [--reason TEXT]",
	  "change an asset's fields or state (a new event; nothing is overwritten)" },
	{ "show", asset_cmd_show, "TAG [--json]", "an asset and its whole history" },
	{ "list", asset_cmd_list, "[--kind K] [--state S] [--holder H] [--json]",
	  "the register, one line per asset" },
	{ "import", asset_cmd_import, "FILE.csv [--format kesu|snipeit|glpi] [--reason TEXT]",
	  "add and update assets from another register's CSV export, all or nothing" },
	{ "export", asset_cmd_export, "--snipeit|--glpi|--csv|--jsonl [--bom]",
	  "the register for Snipe-IT, GLPI or a spreadsheet" },
	{ "apply", asset_cmd_apply, "REQUEST [--trust DIR]",
	  "record an approved request (kesu request): disposal, loan, hold, release ..." },
	{ "hold", asset_cmd_hold, "TAG --reason TEXT --sign-key KEY -o FILE",
	  "put an asset on hold at once, by a signed hold request (Art. 97.2)" },
	{ "release", asset_cmd_release, "TAG --reason TEXT --sign-key KEY -o FILE",
	  "write a signed release request, for another person to approve" },
	{ NULL, NULL, NULL, NULL },
};

#define FIELDS_HELP                                                                                \
	"  --kind K       pc, disk, usb, mobile or other\n"                                        \
	"  --serial S, --model M, --department D, --location L, --holder NAME,\n"                  \
	"  --classification C, --lease-contract X\n"                                               \
	"                 the asset's fields (UTF-8 text, at most 256 bytes; \"\" clears one)\n"
#define REASON_HELP "  --reason TEXT  why, recorded with the event\n"

static int action_help(const char *name, const struct asset_action *a)
{
	const struct ui_command *c = subs;

	while (strcmp(c->name, name))
		c++;
	printf("usage: kesu asset %s %s [--ledger PATH]\n\n%s\n\nOptions:\n"
	       "  --ledger PATH  the ledger database (default " LEDGER_DEFAULT_PATH ")\n"
	       "%s  -h, --help     show this help\n",
	       c->name, c->usage, c->help, a->options);
	ui_print_exit_status(stdout, asset_exits, sizeof(asset_exits) / sizeof(asset_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int check_opts(const char *name, const struct asset_action *a, const struct asset_opts *o)
{
	static const char *const what[] = { "--kind, --serial and the other fields",
					    "--reason",
					    "--state",
					    "--json",
					    "--kind, --state and --holder",
					    "--format",
					    "--snipeit, --glpi, --csv, --jsonl and --bom" };
	unsigned extra = o->given & ~a->takes;

	if (!*o->path)
		return ui_usage_error("asset", "asset: --ledger: empty path");
	for (int i = 0; extra && i < 7; i++)
		if (extra & (1u << i))
			return ui_usage_error("asset", "asset %s: %s do%s not apply", name, what[i],
					      i == 1 || i == 2 || i == 3 || i == 5 ? "es" : "");
	if (o->nargs != a->nargs)
		return ui_usage_error("asset", "asset %s: %s", name,
				      o->nargs < a->nargs ? "argument missing" :
							    "too many arguments");
	return 0;
}

static void set_opt(struct asset_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'L': o->path = arg; break;
	case 'r': o->reason = arg, o->given |= AO_REASON; break;
	case 'S': o->state = arg, o->given |= AO_STATE; break;
	case 'U': o->until = arg, o->given |= AO_STATE; break;
	case 'j': o->json = true, o->given |= AO_JSON; break;
	case 'f': o->format = arg, o->given |= AO_FORMAT; break;
	case 's': o->snipeit = true, o->given |= AO_EXPORT; break;
	case 'g': o->glpi = true, o->given |= AO_EXPORT; break;
	case 'c': o->csv = true, o->given |= AO_EXPORT; break;
	case 'J': o->jsonl = true, o->given |= AO_EXPORT; break;
	case 'B': o->bom = true, o->given |= AO_EXPORT; break;
	case 'D': ui_debug = true; break;
	case 'h': o->help = true; break;
	default:
		o->field[c - FIELD_OPT] = arg;
		/* list filters on two of them */
		o->given |= c == FIELD_OPT + ASSET_KIND || c == FIELD_OPT + ASSET_HOLDER ?
				    AO_FIELDS | AO_FILTER :
				    AO_FIELDS | AO_OTHER_FIELD;
	}
}

int asset_args(int argc, char **argv, const struct asset_action *a, struct asset_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	/* --ledger, else [ledger] url or path of kesu.conf, else the default */
	o->path = ui_ledger_location();
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return ui_option_error("asset", c, argv, longopts);
		set_opt(o, c, optarg);
	}
	if (o->help)
		return action_help(argv[0], a);
	if (a->takes & AO_FILTER) {
		/* list: --kind, --holder and --state filter; the other fields do not apply */
		if (o->given & AO_STATE)
			o->given = (o->given & ~AO_STATE) | AO_FILTER;
		if (!(o->given & AO_OTHER_FIELD))
			o->given &= ~AO_FIELDS;
	} else {
		o->given &= ~AO_FILTER;
	}
	o->given &= ~AO_OTHER_FIELD;
	o->args = argv + optind;
	o->nargs = argc - optind;
	c = check_opts(argv[0], a, o);
	return c ? c : -1;
}

int asset_open(const struct asset_opts *o, unsigned flags, struct ledger **l)
{
	int r = ledger_open(l, o->path, flags), version;

	if (r == -ENOENT)
		ui_err("%s: no ledger there (kesu asset add creates one)", ui_safe(o->path));
	else if (r == -EBADMSG)
		ui_err("%s: not a kesu ledger", ui_safe(o->path));
	else if (r == -EPROTO && ledger_schema(o->path, &version) == 0)
		ui_err("%s: ledger schema %d: made by %s kesu (this one reads schema %d); see "
		       "kesu-ledger(8), SCHEMA",
		       ui_safe(o->path), version, version < LEDGER_SCHEMA ? "an older" : "a newer",
		       LEDGER_SCHEMA);
	else if (r < 0)
		ui_err("cannot open %s: %s", ui_safe(o->path), strerror(-r));
	return r < 0 ? ui_exit(r, UI_CTX_NONE) : 0;
}

int asset_fail(const char *what, int err, const char *why)
{
	const char *text = why && *why ? why : strerror(-err);

	/* the register's reasons start with the asset tag */
	if (what)
		ui_err("%s: %s", ui_safe(what), ui_safe(text));
	else
		ui_err("%s", ui_safe(text));
	if (err == -EBADMSG)
		ui_err("check the chain with 'kesu ledger verify'");
	return ui_exit(err, UI_CTX_ASSET);
}

void asset_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void asset_print_outcome(const char *tag, const struct asset_outcome *out)
{
	printf("%s: ", ui_safe(tag));
	if (out->what == ASSET_UNCHANGED) {
		printf("nothing changed\n");
		return;
	}
	printf("%s", out->what == ASSET_NEW ? "added" : "changed");
	for (int f = 0, n = 0; f < ASSET_NFIELDS; f++)
		if (out->changed & (1u << f) && out->what != ASSET_NEW)
			printf("%s%s", n++ ? ", " : " ", asset_field_names[f]);
	if (out->what != ASSET_NEW && out->from != out->state)
		printf("%sstate %s -> %s", out->changed ? "; " : " ", asset_state_label(out->from),
		       asset_state_label(out->state));
	printf(" (seq %" PRId64 ")\n", out->seq);
}

/* add and edit: one change, recorded. */
static int record(const struct asset_opts *o, enum asset_event ev)
{
	struct asset_change c = { .tag = o->args[0], .event = ev, .why = o->reason };
	struct asset_outcome out;
	struct ledger *l;
	char when[32], why[256];
	size_t failed;
	int r;

	memcpy(c.field, o->field, sizeof(c.field));
	c.state = ASSET_STATE_KEEP;
	c.until = o->until;
	if (o->state && asset_state_parse(o->state, &c.state))
		return ui_usage_error("asset",
				      "asset edit: --state '%s': no such state (see "
				      "kesu-asset(8), STATES)",
				      ui_safe(o->state));
	if (asset_tag_check(c.tag, why, sizeof(why)))
		return ui_usage_error("asset", "asset %s: '%s': %s",
				      ev == ASSET_ADDED ? "add" : "edit", ui_safe(c.tag), why);
	for (int f = 0; f < ASSET_NFIELDS; f++)
		if (c.field[f] && (*c.field[f] || f == ASSET_KIND) &&
		    asset_value_check((enum asset_field)f, c.field[f], why, sizeof(why)))
			return ui_usage_error("asset", "asset: --%s: %s", asset_field_names[f],
					      ui_safe(why));
	asset_now(when);
	c.who = ui_who();
	c.when = when;
	r = asset_open(o, ev == ASSET_ADDED ? LEDGER_CREATE : 0, &l);
	if (r)
		return r;
	r = asset_apply(l, &c, 1, &out, &failed, why, sizeof(why));
	ledger_close(l);
	if (r < 0)
		return asset_fail(why[0] ? NULL : c.tag, r, why);
	asset_print_outcome(c.tag, &out);
	return fflush(stdout) == EOF ? ui_exit(-EIO, UI_CTX_NONE) : KESU_EXIT_SUCCESS;
}

static int asset_cmd_add(int argc, char **argv)
{
	static const struct asset_action a = { 1, AO_FIELDS | AO_REASON, FIELDS_HELP REASON_HELP };
	struct asset_opts o;
	int r = asset_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (!o.field[ASSET_KIND])
		return ui_usage_error("asset", "asset add: --kind is needed");
	return record(&o, ASSET_ADDED);
}

static int asset_cmd_edit(int argc, char **argv)
{
	static const struct asset_action a = {
		1, AO_FIELDS | AO_REASON | AO_STATE,
		FIELDS_HELP
		"  --state STATE  move it to STATE (kesu-asset(8), STATES)\n"
		"  --until DATE   the end of the loan or take-out, YYYY-MM-DD\n" REASON_HELP
	};
	struct asset_opts o;
	int r = asset_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (!(o.given & (AO_FIELDS | AO_STATE)))
		return ui_usage_error("asset", "asset edit: nothing to change");
	return record(&o, ASSET_EDITED);
}

/* One history line: seq, time, who, event, the step and what it set. */
static int show_event(const struct ledger_row *row, void *usr)
{
	json_t *e = asset_event_json(row), *v;
	const char *key, *from;

	(void)usr;
	if (!e)
		return -ENOMEM;
	from = json_string_value(json_object_get(e, "from"));
	/* ui_safe() keeps three results at a time */
	printf("  seq %" PRId64 "  %s  %s", row->seq,
	       ui_safe(json_string_value(json_object_get(e, "when"))),
	       ui_safe(json_string_value(json_object_get(e, "who"))));
	printf("  %s  %s%s", ui_safe(json_string_value(json_object_get(e, "event"))),
	       from ? ui_safe(from) : "", from ? " -> " : "");
	printf("%s", ui_safe(json_string_value(json_object_get(e, "state"))));
	json_object_foreach(json_object_get(e, "fields"), key, v)
	{
		printf("  %s=%s", ui_safe(key), ui_safe(json_string_value(v)));
	}
	if (json_string_value(json_object_get(e, "why")))
		printf("  why: %s", ui_safe(json_string_value(json_object_get(e, "why"))));
	putchar('\n');
	json_decref(e);
	return 0;
}

static int add_event(const struct ledger_row *row, void *usr)
{
	json_t *e = asset_event_json(row);

	return e && !json_array_append_new(usr, e) ? 0 : -ENOMEM;
}

static int show_one(struct ledger *l, const struct asset *a, bool json)
{
	json_t *doc, *hist;
	int r;

	if (json) {
		doc = asset_json(a);
		hist = json_array();
		r = doc && hist ? 0 : -ENOMEM;
		if (r == 0)
			r = asset_history(l, a->tag, add_event, hist);
		if (r == 0)
			r = json_object_set(doc, "history", hist) ? -ENOMEM : 0;
		if (r == 0)
			r = ui_print_json(stdout, doc);
		json_decref(hist);
		json_decref(doc);
		return r;
	}
	printf("asset_tag: %s\nstate: %s\n", ui_safe(a->tag), asset_state_label(a->state));
	for (int f = 0; f < ASSET_NFIELDS; f++)
		if (a->field[f])
			printf("%s: %s\n", asset_field_names[f], ui_safe(a->field[f]));
	if (a->cert_id)
		printf("certificate: %s (sha256 %s)\n", ui_safe(a->cert_id),
		       ui_safe(a->cert_sha256));
	printf("history:\n");
	r = asset_history(l, a->tag, show_event, NULL);
	return r == 0 && fflush(stdout) == EOF ? -EIO : r;
}

static int asset_cmd_show(int argc, char **argv)
{
	static const struct asset_action a = { 1, AO_JSON, "  --json         JSON output\n" };
	struct asset_set *s = NULL;
	struct asset_opts o;
	struct ledger *l;
	int r = asset_args(argc, argv, &a, &o);

	if (r >= 0 || (r = asset_open(&o, LEDGER_RDONLY, &l)))
		return r;
	r = asset_load(l, o.args[0], true, &s);
	if (r == 0 && !s->n)
		r = -ENOENT;
	if (r == 0)
		r = show_one(l, &s->a[0], o.json);
	ledger_close(l);
	asset_set_free(s);
	if (r == -ENOENT)
		ui_err("%s: no such asset", ui_safe(o.args[0]));
	else if (r < 0)
		return asset_fail(r == -EBADMSG ? o.path : "standard output", r, NULL);
	return ui_exit(r, UI_CTX_ASSET);
}

static bool listed(const struct asset *a, const struct asset_opts *o, enum asset_state st)
{
	const char *kind = o->field[ASSET_KIND], *holder = o->field[ASSET_HOLDER];

	return (!kind || (a->field[ASSET_KIND] && !strcmp(kind, a->field[ASSET_KIND]))) &&
	       (!holder || (a->field[ASSET_HOLDER] && !strcmp(holder, a->field[ASSET_HOLDER]))) &&
	       (!o->state || a->state == st);
}

/* One asset: tag, state, kind, serial, holder, location; "-" for a field not set. */
static void print_line(const struct asset *a)
{
	printf("%s\t%s\t", ui_safe(a->tag), asset_state_label(a->state));
	printf("%s\t%s\t", ui_safe(a->field[ASSET_KIND]), ui_safe(a->field[ASSET_SERIAL]));
	printf("%s\t%s\n", ui_safe(a->field[ASSET_HOLDER]), ui_safe(a->field[ASSET_LOCATION]));
}

static int print_list(const struct asset_set *s, const struct asset_opts *o, enum asset_state st)
{
	json_t *arr = o->json ? json_array() : NULL;
	int r = o->json && !arr ? -ENOMEM : 0;

	for (size_t i = 0; r == 0 && i < s->n; i++) {
		const struct asset *a = &s->a[i];

		if (!listed(a, o, st))
			continue;
		if (arr)
			r = json_array_append_new(arr, asset_json(a)) ? -ENOMEM : 0;
		else
			print_line(a);
	}
	if (r == 0 && arr)
		r = ui_print_json(stdout, arr);
	else if (r == 0 && fflush(stdout) == EOF)
		r = -EIO;
	json_decref(arr);
	return r;
}

static int asset_cmd_list(int argc, char **argv)
{
	static const struct asset_action a = {
		0, AO_FILTER | AO_JSON,
		"  --kind K, --state S, --holder H\n"
		"                 only the assets of this kind, in this state, with this holder\n"
		"  --json         JSON output\n"
	};
	enum asset_state st = ASSET_IN_SERVICE;
	struct asset_set *s = NULL;
	struct asset_opts o;
	struct ledger *l;
	int r = asset_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	if (o.state && asset_state_parse(o.state, &st))
		return ui_usage_error("asset", "asset list: --state '%s': no such state",
				      ui_safe(o.state));
	if ((r = asset_open(&o, LEDGER_RDONLY, &l)))
		return r;
	r = asset_load(l, NULL, false, &s);
	if (r == 0)
		r = print_list(s, &o, st);
	ledger_close(l);
	asset_set_free(s);
	return r < 0 ? asset_fail(r == -EBADMSG ? o.path : "standard output", r, NULL) : 0;
}

int cmd_asset(int argc, char **argv)
{
	/* a reader that went away is a write failure (6), not a silent death */
	signal(SIGPIPE, SIG_IGN);
	return ui_dispatch("asset", subs, argc, argv);
}
