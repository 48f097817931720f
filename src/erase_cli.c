// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu erase: the options, the help, and the checks of the whole command
 * line, all made before any target is opened (cmd_erase.c runs it).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asset_gate.h"
#include "conffile.h"
#include "erase_cli.h"
#include "kesu.h"
#include "outfile.h"
#include "pool.h"

/* what a person may type into a recorded field */
#define FIELD_MAX 256

enum {
	OPT_PROGRESS = 256,
	OPT_OPERATOR,
	OPT_ASSET,
	OPT_REASON,
	OPT_LEASE,
	OPT_WITNESS,
	OPT_LOCATION,
	OPT_QDEPTH,
	OPT_BS,
	OPT_DEBUG,
	OPT_FORCE,
	OPT_CERT,
	OPT_CERT_DIR,
	OPT_EXIT_FAILURE,
	OPT_RESTORE_HPA,
	OPT_LEDGER,
};

static const struct option long_opts[] = {
	{ "method", required_argument, NULL, 'm' },
	{ "passes", required_argument, NULL, 'p' },
	{ "blank", no_argument, NULL, 'b' },
	{ "verify", required_argument, NULL, 'V' },
	{ "yes", no_argument, NULL, 'y' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "report", required_argument, NULL, 'r' },
	{ "report-dir", required_argument, NULL, 'R' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "json", no_argument, NULL, 'j' },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "asset-tag", required_argument, NULL, OPT_ASSET },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "lease-contract", required_argument, NULL, OPT_LEASE },
	{ "witness", required_argument, NULL, OPT_WITNESS },
	{ "location", required_argument, NULL, OPT_LOCATION },
	{ "queue-depth", required_argument, NULL, OPT_QDEPTH },
	{ "block-size", required_argument, NULL, OPT_BS },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
	{ "exit-failure-mode", no_argument, NULL, OPT_EXIT_FAILURE },
	{ "restore-hpa", no_argument, NULL, OPT_RESTORE_HPA },
	{ "ledger", required_argument, NULL, OPT_LEDGER },
	{ "help", no_argument, NULL, 'h' },
	CERTSIGN_LONG_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const int erase_exits[] = {
	KESU_EXIT_SUCCESS,	 KESU_EXIT_FAILURE, KESU_EXIT_USAGE, KESU_EXIT_REFUSED,
	KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_VERIFY,  KESU_EXIT_IO,    KESU_EXIT_ABORTED,
	KESU_EXIT_UNVERIFIED,	 KESU_EXIT_NO_KEY,
};

/* Every method, with its NIST SP 800-88 category and technique. */
static void print_methods(void)
{
	printf("\nMethods (NIST SP 800-88 category, technique):\n");
	for (const struct erase_method *m = erase_methods(); m->name; m++)
		printf("  %-24s %s, %s: %s\n", m->name, m->category, m->technique, m->help);
	printf("\n");
}

static int usage(void)
{
	printf("usage: kesu erase [OPTIONS] TARGET...\n\n"
	       "Erase block devices or disk images and verify them: overwrite (NIST SP 800-88\n"
	       "Clear), or the drive's own sanitize, format or crypto erase (Purge).\n\n"
	       "  -m, --method M         a method below (default random)\n"
	       "  -p, --passes N         run the method's passes N times (default 1)\n"
	       "  -b, --blank            add a final pass of zeros\n"
	       "  -V, --verify MODE      last (default), all, sample[:PCT], none\n"
	       "  -y, --yes              do not ask for confirmation\n"
	       "  -n, --dry-run          print the plan and exit\n"
	       "  -q, --quiet            no progress (whatever --progress says)\n"
	       "      --progress=MODE    auto, bar, json (on standard error), none\n"
	       "  -r, --report FILE      write the JSON report to FILE (one target)\n"
	       "  -R, --report-dir DIR   write one report per target into DIR\n"
	       "      --force            replace an existing --report FILE\n"
	       "  -j, --json             print the report(s) on standard output\n"
	       "      --operator NAME  --asset-tag TAG  --reason disposal|lease-return|reuse\n"
	       "      --lease-contract ID  --witness NAME  --location TEXT\n"
	       "      --ledger PATH      the register asked about holds and [policy] (kesu-erase(8))\n"
	       "      --queue-depth N    requests in flight per device (default %d, removable %d)\n"
	       "      --block-size SIZE  bytes per request (default %dM, removable %dM)\n"
	       "      --debug            debug messages\n"
	       "      --cert FILE        write the signed certificate to FILE (one target)\n"
	       "      --cert-dir DIR     one signed certificate per target into DIR\n" CERTSIGN_HELP
	       "      --exit-failure-mode  a drive left in sanitize failure mode leaves it first\n"
	       "      --restore-hpa      expose a host protected area before an overwrite\n"
	       "  -h, --help             this help\n",
	       POOL_QUEUE_DEPTH, POOL_QUEUE_DEPTH_REMOVABLE, POOL_CHUNK >> 20,
	       POOL_CHUNK_REMOVABLE >> 20);
	print_methods();
	ui_print_exit_status(stdout, erase_exits, sizeof(erase_exits) / sizeof(erase_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int parse_opt(int c, char **argv, struct erase_cli *o)
{
	struct erase_operator *op = &o->jo.op;
	unsigned long n;

	switch (c) {
	case 'm': o->jo.method = optarg; return 0;
	case 'p':
		if (ui_parse_uint(optarg, 1, ERASE_MAX_PASSES, &n))
			return ui_usage_error("erase", "invalid --passes '%s': 1 to %d", optarg,
					      ERASE_MAX_PASSES);
		o->jo.passes = (unsigned)n;
		return 0;
	case 'b': o->jo.blank = true; return 0;
	case 'V':
		if (erase_parse_verify(optarg, &o->jo.verify, &o->jo.sample_pct))
			return ui_usage_error("erase",
					      "invalid --verify '%s': last, all, "
					      "sample[:1-100] or none",
					      optarg);
		return 0;
	case 'y': o->yes = true; return 0;
	case 'n': o->dry_run = true; return 0;
	case 'q': o->quiet = true; return 0;
	case OPT_PROGRESS:
		if (display_parse(optarg, &o->progress))
			return ui_usage_error("erase",
					      "invalid --progress '%s': auto, bar, "
					      "json or none",
					      optarg);
		return 0;
	case 'r': o->jo.report = optarg; return 0;
	case 'R': o->jo.report_dir = optarg; return 0;
	case OPT_FORCE: o->jo.force = true; return 0;
	case 'j': o->json = true; return 0;
	case OPT_OPERATOR: return ui_text_field("erase", "operator", optarg, FIELD_MAX, &op->name);
	case OPT_ASSET:
		return ui_text_field("erase", "asset-tag", optarg, FIELD_MAX, &op->asset_tag);
	case OPT_REASON:
		if (!erase_reason_valid(optarg))
			return ui_usage_error("erase",
					      "invalid --reason '%s': disposal, "
					      "lease-return or reuse",
					      optarg);
		op->reason = optarg;
		return 0;
	case OPT_LEASE:
		return ui_text_field("erase", "lease-contract", optarg, FIELD_MAX,
				     &op->lease_contract);
	case OPT_WITNESS: return ui_text_field("erase", "witness", optarg, FIELD_MAX, &op->witness);
	case OPT_LOCATION:
		return ui_text_field("erase", "location", optarg, FIELD_MAX, &op->location);
	case OPT_QDEPTH:
		return ui_parse_queue_depth("erase", optarg, &o->queue_depth) ? KESU_EXIT_USAGE : 0;
	case OPT_BS: return ui_parse_block_size("erase", optarg, &o->chunk) ? KESU_EXIT_USAGE : 0;
	case OPT_DEBUG: ui_debug = true; return 0;
	case 'h': o->help = true; return 0;
	case OPT_CERT: o->cert = optarg; return 0;
	case OPT_CERT_DIR: o->cert_dir = optarg; return 0;
	case OPT_EXIT_FAILURE: o->jo.exit_failure_mode = true; return 0;
	case OPT_RESTORE_HPA: o->jo.restore_hpa = true; return 0;
	case OPT_LEDGER: o->ledger = optarg; return 0;
	default: {
		int r = certsign_opt(c, optarg, "erase", &o->cs);

		return r >= 0 ? r : ui_option_error("erase", c, argv, long_opts);
	}
	}
}

/* The method, its passes and their number, before any target is looked at. */
static int check_plan(const struct erase_job_opts *jo)
{
	int r = erase_job_check_opts(jo);

	if (r == -EOPNOTSUPP)
		return ui_usage_error("erase",
				      "--passes and --blank apply to overwrite methods, "
				      "not to %s",
				      jo->method);
	if (r == -ENOENT)
		return ui_usage_error("erase",
				      "unknown method '%s': see kesu erase --help for the "
				      "list",
				      jo->method);
	if (r == -EINVAL)
		return ui_usage_error("erase",
				      "invalid method '%s': pattern:HEX takes 1 to %d "
				      "bytes in hexadecimal, the others no argument",
				      jo->method, PATTERN_MAX_BYTES);
	if (r == -E2BIG)
		return ui_usage_error("erase",
				      "too many passes: method %s with --passes %u%s "
				      "makes more than %d",
				      jo->method, jo->passes, jo->blank ? " and --blank" : "",
				      ERASE_MAX_PASSES);
	if (r) {
		ui_err("cannot plan method '%s': %s", jo->method, strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

/* The same device (by number) or the same file (by inode), whatever the names. */
static bool same_target(const struct stat *a, const struct stat *b)
{
	if (S_ISBLK(a->st_mode))
		return S_ISBLK(b->st_mode) && a->st_rdev == b->st_rdev;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Targets: each must exist, be a block device or a regular file, and be named once. */
static int check_targets(char **paths, size_t n, struct stat *st)
{
	for (size_t i = 0; i < n; i++) {
		if (stat(paths[i], &st[i]) < 0)
			return ui_open_error(paths[i], -errno);
		if (!S_ISBLK(st[i].st_mode) && !S_ISREG(st[i].st_mode))
			return ui_open_error(paths[i], -ENOTBLK);
		for (size_t k = 0; k < i; k++)
			if (same_target(&st[i], &st[k]))
				return ui_usage_error("erase", "%s and %s are the same target",
						      ui_safe(paths[k]), ui_safe(paths[i]));
	}
	return 0;
}

/* --NAME FILE takes one target, --NAME-dir DIR one file per target: not both. */
static int check_file_or_dir(const char *name, const char *file, const char *dir, size_t n)
{
	if (file && dir)
		return ui_usage_error("erase", "--%s and --%s-dir exclude each other", name, name);
	if (file && n > 1)
		return ui_usage_error("erase", "--%s takes one target; use --%s-dir", name, name);
	return 0;
}

/* --report: a regular file that is none of the targets, not replaced without --force. */
static int check_report(const struct erase_cli *o, const struct stat *st, size_t n)
{
	const char *path = o->jo.report;
	struct stat rs;
	int r = check_file_or_dir("report", path, o->jo.report_dir, n);

	if (r)
		return r;
	if (o->jo.report_dir) {
		if (stat(o->jo.report_dir, &rs) < 0) {
			ui_err("cannot write reports to %s: %s", o->jo.report_dir, strerror(errno));
			return KESU_EXIT_FAILURE;
		}
		if (!S_ISDIR(rs.st_mode))
			return ui_usage_error("erase", "--report-dir %s: not a directory",
					      o->jo.report_dir);
	}
	if (!path)
		return 0;
	if (stat(path, &rs) == 0)
		for (size_t i = 0; i < n; i++)
			if (same_target(&rs, &st[i]))
				return ui_usage_error("erase", "--report %s is the target itself",
						      ui_safe(path));
	r = outfile_check_path(path, o->jo.force ? OUTFILE_REPLACE : 0);
	if (r == -EINVAL)
		return ui_usage_error("erase", "--report: empty file name");
	if (r == -EEXIST) {
		ui_err("%s: a file of that name exists; use --force to replace it", ui_safe(path));
		return KESU_EXIT_FAILURE;
	}
	if (r == -ENOTTY)
		return ui_usage_error("erase", "%s: exists and is not a regular file",
				      ui_safe(path));
	if (r == -EISDIR)
		return ui_usage_error("erase", "%s: is a directory; use --report-dir",
				      ui_safe(path));
	if (r) {
		ui_err("%s: %s", path, strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

/*
 * The directory the certificate goes to must take new files: a read-only or
 * missing one is found before the passphrase is asked, as the output of any
 * command is (the files themselves are reserved once the target is held).
 */
static int check_cert_dir(const char *file, const char *dir)
{
	char *copy = file ? strdup(file) : NULL;
	const char *d = dir;
	int r = 0;

	if (file && !copy)
		return -ENOMEM;
	if (copy) {
		char *slash = strrchr(copy, '/');

		d = !slash ? "." : slash == copy ? "/" : (*slash = '\0', copy);
	}
	if (access(d, W_OK | X_OK) < 0) {
		r = -errno;
		ui_err("cannot write the certificate to %s: %s", ui_safe(file ? file : dir),
		       strerror(-r));
	}
	free(copy);
	return r;
}

/* --cert/--cert-dir and --sign-key go together; a certificate is never replaced. */
static int check_cert(const struct erase_cli *o, size_t n)
{
	struct stat st;
	int r = check_file_or_dir("cert", o->cert, o->cert_dir, n);

	if (r)
		return r;
	if (!o->cert && !o->cert_dir)
		return o->cs.sign_key ? ui_usage_error("erase", "--sign-key needs --cert or "
								"--cert-dir") :
					0;
	if (!o->cs.sign_key)
		return ui_usage_error("erase", "--cert and --cert-dir need --sign-key");
	r = o->cert_dir && stat(o->cert_dir, &st) < 0 ? -errno : 0;
	if (!r && o->cert_dir && !S_ISDIR(st.st_mode))
		return ui_usage_error("erase", "--cert-dir %s: not a directory",
				      ui_safe(o->cert_dir));
	if (!r && o->cert)
		r = outfile_check_path(o->cert, 0);
	if (r)
		ui_err("%s: %s", ui_safe(o->cert ? o->cert : o->cert_dir),
		       r == -EEXIST ? "exists; a certificate is never replaced" : strerror(-r));
	if (!r && check_cert_dir(o->cert, o->cert_dir))
		return KESU_EXIT_FAILURE; /* an output that cannot be created, as for --report */
	return ui_exit(r, UI_CTX_NONE);
}

/* What is checked once the options are read: the plan, the targets, the outputs. */
static int check_args(char **paths, size_t n, const struct erase_cli *o)
{
	struct stat *st;
	int r = check_plan(&o->jo);

	if (r)
		return r;
	st = calloc(n, sizeof(*st));
	if (!st) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	r = check_targets(paths, n, st);
	if (!r)
		r = check_report(o, st, n);
	if (!r)
		r = check_cert(o, n);
	free(st);
	return r;
}

int erase_cli_parse(int argc, char **argv, struct erase_cli *o)
{
	int c, r;

	*o = (struct erase_cli){
		.jo = { .method = "random", .passes = 1, .verify = ERASE_VERIFY_LAST },
		.cs.pass.fd = -1
	};
	display_parse("auto", &o->progress);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:p:bV:ynqr:R:jh", long_opts, NULL)) != -1)
		if ((r = parse_opt(c, argv, o)))
			return r;
	if (o->help)
		return usage();
	if (optind >= argc)
		return ui_usage_error("erase", "no target given");
	r = check_args(argv + optind, (size_t)(argc - optind), o);
	if (r)
		return r;
	/* holds and [policy]: before any target is opened, any passphrase asked */
	for (int i = optind; i < argc; i++)
		if ((r = asset_gate_check("erase", "erase", argv[i], o->jo.op.asset_tag, o->ledger,
					  true, &o->gate)))
			return r;
	if (o->gate.request_id[0]) {
		o->cs.meta.request_id = o->gate.request_id;
		o->cs.meta.request_sha256 = o->gate.request_sha256;
	}
	/* --location, else [organisation] location of kesu.conf */
	if (!o->jo.op.location && ui_config()->org_location.line)
		o->jo.op.location = ui_config()->org_location.text;
	o->jo.queue_depth = (unsigned)o->queue_depth;
	o->jo.chunk = (size_t)o->chunk;
	return -1;
}
