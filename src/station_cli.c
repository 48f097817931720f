// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu station: the options, the help, kesu.conf's [station] and the policy
 * file, all checked before any drive is looked at (cmd_station.c runs it).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "display.h"
#include "kesu.h"
#include "station_cli.h"

#define FIELD_MAX 256
#define COUNTDOWN_MAX 3600ul

enum {
	OPT_AUTO = 256,
	OPT_NO_TUI,
	OPT_POLICY,
	OPT_PROGRESS,
	OPT_OUTPUT_DIR,
	OPT_MACHINE_TAG,
	OPT_OPERATOR,
	OPT_WITNESS,
	OPT_ASSET,
	OPT_REASON,
	OPT_COUNTDOWN,
	OPT_ONCE,
	OPT_DEBUG,
};

static const struct option long_opts[] = {
	{ "auto", no_argument, NULL, OPT_AUTO },
	{ "no-tui", no_argument, NULL, OPT_NO_TUI },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "output-dir", required_argument, NULL, OPT_OUTPUT_DIR },
	{ "machine-tag", required_argument, NULL, OPT_MACHINE_TAG },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "witness", required_argument, NULL, OPT_WITNESS },
	{ "asset-tag", required_argument, NULL, OPT_ASSET },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "method", required_argument, NULL, 'm' },
	{ "countdown", required_argument, NULL, OPT_COUNTDOWN },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "help", no_argument, NULL, 'h' },
	CERTSIGN_LONG_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const int station_exits[] = {
	KESU_EXIT_SUCCESS,	 KESU_EXIT_FAILURE, KESU_EXIT_USAGE,  KESU_EXIT_REFUSED,
	KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_VERIFY,  KESU_EXIT_IO,     KESU_EXIT_ABORTED,
	KESU_EXIT_UNVERIFIED,	 KESU_EXIT_LEDGER,  KESU_EXIT_NO_KEY, KESU_EXIT_QUEUED,
};

static int usage(void)
{
	printf("usage: kesu station [OPTIONS] [DEVICE|IMAGE...]\n\n"
	       "The wiping station: every drive, attached and pulled while it runs, erased\n"
	       "each on its own with the reports of kesu erase, a signed certificate per drive\n"
	       "and a signed summary per machine. Without DEVICE: every disk; loop devices\n"
	       "and image files only when named.\n\n"
	       "      --auto             erase every admitted drive after the countdown\n"
	       "      --policy FILE      what --auto admits (kesu-station(8), POLICY)\n"
	       "      --countdown SECONDS  before an unattended start (default 10)\n"
	       "      --once             handle the named (or present) drives, then exit\n"
	       "      --no-tui           line mode: one line per event on standard output\n"
	       "      --progress=json    line mode as JSON lines\n"
	       "  -m, --method M         the method (default auto: the strongest Purge the\n"
	       "                         drive has, else a random overwrite, Clear)\n"
	       "      --output-dir DIR   a folder per machine in DIR (default .)\n"
	       "      --machine-tag TAG  names the machine (default: its DMI asset tag)\n"
	       "      --operator NAME  --witness NAME  --asset-tag TAG\n"
	       "      --reason disposal|lease-return|reuse\n" CERTSIGN_HELP
	       "      --debug            debug messages\n"
	       "  -h, --help             this help\n");
	ui_print_exit_status(stdout, station_exits, sizeof(station_exits) / sizeof(*station_exits));
	return KESU_EXIT_SUCCESS;
}

/* a text field into a fixed buffer of the station, with ui_text_field()'s checks */
static int text_opt(const char *opt, const char *arg, char *dst)
{
	const char *v;
	int r = ui_text_field("station", opt, arg, FIELD_MAX - 1, &v);

	if (!r)
		snprintf(dst, STATION_TEXT, "%s", v);
	return r;
}

static int parse_countdown(const char *arg, struct station_cli *o)
{
	unsigned long n;

	if (ui_parse_uint(arg, 0, COUNTDOWN_MAX, &n))
		return ui_usage_error("station", "invalid --countdown '%s': 0 to %lu seconds", arg,
				      COUNTDOWN_MAX);
	o->so.countdown_s = (unsigned)n;
	return 0;
}

static int parse_opt(int c, char **argv, struct station_cli *o, bool *countdown)
{
	struct station_labels *l = &o->so.labels;

	switch (c) {
	case OPT_AUTO: o->auto_mode = true; return 0;
	case OPT_NO_TUI: o->no_tui = true; return 0;
	case OPT_POLICY: o->policy_path = optarg; return 0;
	case OPT_PROGRESS:
		if (strcmp(optarg, "json") && strcmp(optarg, "text"))
			return ui_usage_error("station", "invalid --progress '%s': json or text",
					      optarg);
		o->json = !strcmp(optarg, "json");
		return 0;
	case OPT_OUTPUT_DIR: o->output_dir = optarg; return 0;
	case OPT_MACHINE_TAG:
		return ui_text_field("station", "machine-tag", optarg, FIELD_MAX, &o->machine_tag);
	case OPT_OPERATOR: return text_opt("operator", optarg, l->operator);
	case OPT_WITNESS: return text_opt("witness", optarg, l->witness);
	case OPT_ASSET: return text_opt("asset-tag", optarg, l->asset_tag);
	case OPT_REASON:
		if (!erase_reason_valid(optarg))
			return ui_usage_error("station",
					      "invalid --reason '%s': disposal, lease-return or "
					      "reuse",
					      optarg);
		snprintf(l->reason, sizeof(l->reason), "%s", optarg);
		return 0;
	case 'm': o->so.method = optarg; return 0;
	case OPT_COUNTDOWN: *countdown = true; return parse_countdown(optarg, o);
	case OPT_ONCE: o->once = true; return 0;
	case OPT_DEBUG: ui_debug = true; return 0;
	case 'h': o->help = true; return 0;
	default: {
		int r = certsign_opt(c, optarg, "station", &o->cs);

		return r >= 0 ? r : ui_option_error("station", c, argv, long_opts);
	}
	}
}

/* [station] of kesu.conf: what the command line did not say */
static int from_config(struct station_cli *o, bool countdown)
{
	const struct kesu_config *cfg = ui_config();

	if (!o->cs.sign_key && cfg->station_sign_key.line)
		o->cs.sign_key = cfg->station_sign_key.text;
	if (!o->policy_path && cfg->station_policy.line)
		o->policy_path = cfg->station_policy.text;
	if (!o->output_dir && cfg->station_output_dir.line)
		o->output_dir = cfg->station_output_dir.text;
	if (!o->so.labels.operator[0] && cfg->station_operator.line &&
	     text_opt("operator", cfg->station_operator.text, o->so.labels.operator))
		return KESU_EXIT_USAGE;
	if (!o->so.method && cfg->station_method.line)
		o->so.method = cfg->station_method.text;
	if (!countdown && cfg->station_countdown.line &&
	    parse_countdown(cfg->station_countdown.text, o))
		return KESU_EXIT_USAGE;
	return 0;
}

static int load_policy(struct station_cli *o, bool countdown)
{
	char why[256];
	int r;

	station_policy_default(&o->policy);
	if (!o->policy_path)
		return 0;
	r = station_policy_load(o->policy_path, &o->policy, why, sizeof(why));
	if (r) {
		ui_err("%s: policy refused: %s", ui_safe(o->policy_path), ui_safe(why));
		return r == -EPERM  ? KESU_EXIT_REFUSED :
		       r == -EINVAL ? KESU_EXIT_USAGE :
				      KESU_EXIT_FAILURE;
	}
	o->so.policy = &o->policy;
	if (!o->so.method && o->policy.method[0])
		o->so.method = o->policy.method;
	if (!countdown && o->policy.has_countdown)
		o->so.countdown_s = o->policy.countdown_s;
	return 0;
}

static int check(struct station_cli *o, int nargs)
{
	struct erase_job_opts jo = o->so.job;
	int r;

	jo.method = o->so.method ? o->so.method : "auto";
	r = erase_job_check_opts(&jo);
	if (r)
		return ui_usage_error("station", "invalid --method '%s': %s", ui_safe(jo.method),
				      r == -ENOENT ?
					      "no such method (kesu erase --help lists them)" :
					      strerror(-r));
	if (o->once && !o->auto_mode && (o->no_tui || !isatty(STDIN_FILENO)))
		return ui_usage_error("station", "--once without --auto needs the screen");
	if (o->cs.sign_cert && !o->cs.sign_key)
		return ui_usage_error("station", "--sign-cert needs --sign-key");
	(void)nargs;
	return 0;
}

int station_cli_parse(int argc, char **argv, struct station_cli *o)
{
	bool countdown = false;
	int c, r;

	memset(o, 0, sizeof(*o));
	o->cs.pass.fd = -1;
	o->so.countdown_s = 10;
	o->so.job.passes = 1;
	o->so.job.verify = ERASE_VERIFY_LAST;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:h", long_opts, NULL)) != -1) {
		r = parse_opt(c, argv, o, &countdown);
		if (r)
			return r;
	}
	if (o->help)
		return usage();
	r = from_config(o, countdown);
	if (!r)
		r = load_policy(o, countdown);
	if (!r)
		r = check(o, argc - optind);
	if (r)
		return r;
	o->so.paths = argv + optind;
	o->so.npaths = (size_t)(argc - optind);
	o->so.flags = (o->auto_mode ? STATION_AUTO : 0) | (o->once ? STATION_ONCE : 0);
	if (!o->output_dir)
		o->output_dir = ".";
	return -1;
}

int station_drive_exit(const struct station_drive *d)
{
	if (d->state == STATION_GONE)
		return KESU_EXIT_SUCCESS;
	if (d->refused)
		return d->named ? KESU_EXIT_REFUSED : KESU_EXIT_SUCCESS;
	if ((d->state == STATION_IDLE || d->state == STATION_SELECTED) && !d->named)
		return KESU_EXIT_SUCCESS; /* never started, and nobody asked for it */
	if (d->state == STATION_IDLE || d->state == STATION_SELECTED)
		return ui_interrupted ? KESU_EXIT_ABORTED : KESU_EXIT_NOT_CONFIRMED;
	if (d->state != STATION_DONE && d->state != STATION_FAILED)
		return KESU_EXIT_ABORTED;
	if (!d->ran && d->err == -EOPNOTSUPP)
		return KESU_EXIT_REFUSED;
	if (!d->ran)
		return d->err ? ui_exit(d->err, UI_CTX_NONE) : KESU_EXIT_FAILURE;
	if (d->code == ERASE_ABORTED)
		return KESU_EXIT_ABORTED;
	if (d->code == ERASE_REFUSED)
		return KESU_EXIT_REFUSED;
	if (d->code != ERASE_SUCCESS && d->err)
		return KESU_EXIT_FAILURE;
	if (d->code != ERASE_SUCCESS && d->bad_blocks)
		return KESU_EXIT_IO;
	if (d->code != ERASE_SUCCESS && d->mismatches)
		return KESU_EXIT_VERIFY;
	if (d->code != ERASE_SUCCESS)
		return KESU_EXIT_UNVERIFIED;
	return d->report_err || d->cert_err ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}

int station_exit(struct station *s)
{
	int code = KESU_EXIT_SUCCESS;

	station_lock(s);
	for (size_t i = 0; i < station_count(s); i++)
		code = ui_exit_worst(code, station_drive_exit(station_drive_at(s, i)));
	station_unlock(s);
	return code;
}
