// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu erase: the command line and the person. Everything is validated
 * before any target is touched; the life of each target (hold, check,
 * run, log, report) is erase/job.c's.
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

#include "certsign.h"
#include "conffile.h"
#include "confirm.h"
#include "display.h"
#include "erase/job.h"
#include "inuse.h"
#include "kesu.h"
#include "outfile.h"
#include "pool.h"
#include "text.h"

/* what a person may type into a recorded field */
#define FIELD_MAX 256

struct erase_cli {
	struct erase_job_opts jo;
	/* certificates: --cert FILE or --cert-dir DIR, signed with --sign-key */
	struct certsign_opts cs;
	const char *cert, *cert_dir;
	struct cert_signer *signer;
	struct certsign_out *certs; /* one per target */
	unsigned long passes;
	bool yes, dry_run, json, quiet, help;
	enum display_mode progress;
	unsigned long queue_depth;
	unsigned long long chunk;
};

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
	{ "help", no_argument, NULL, 'h' },
	CERTSIGN_LONG_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const int erase_exits[] = {
	KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE,	    KESU_EXIT_USAGE,
	KESU_EXIT_REFUSED, KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_VERIFY,
	KESU_EXIT_IO,	   KESU_EXIT_ABORTED,	    KESU_EXIT_UNVERIFIED,
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

/* A recorded field: UTF-8 text without control characters, of a sane length. */
static int set_field(const char **field, const char *opt, const char *arg)
{
	if (!text_is_clean(arg) || !*arg || strlen(arg) > FIELD_MAX)
		return ui_usage_error("erase",
				      "invalid --%s: give 1 to %d bytes of UTF-8 text "
				      "without control characters",
				      opt, FIELD_MAX);
	*field = arg;
	return 0;
}

static int parse_opt(int c, char **argv, struct erase_cli *o)
{
	struct erase_operator *op = &o->jo.op;

	switch (c) {
	case 'm': o->jo.method = optarg; return 0;
	case 'p':
		if (ui_parse_uint(optarg, 1, ERASE_MAX_PASSES, &o->passes))
			return ui_usage_error("erase", "invalid --passes '%s': 1 to %d", optarg,
					      ERASE_MAX_PASSES);
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
	case OPT_OPERATOR: return set_field(&op->name, "operator", optarg);
	case OPT_ASSET: return set_field(&op->asset_tag, "asset-tag", optarg);
	case OPT_REASON:
		if (!erase_reason_valid(optarg))
			return ui_usage_error("erase",
					      "invalid --reason '%s': disposal, "
					      "lease-return or reuse",
					      optarg);
		op->reason = optarg;
		return 0;
	case OPT_LEASE: return set_field(&op->lease_contract, "lease-contract", optarg);
	case OPT_WITNESS: return set_field(&op->witness, "witness", optarg);
	case OPT_LOCATION: return set_field(&op->location, "location", optarg);
	case OPT_QDEPTH:
		return ui_parse_queue_depth("erase", optarg, &o->queue_depth) ? KESU_EXIT_USAGE : 0;
	case OPT_BS: return ui_parse_block_size("erase", optarg, &o->chunk) ? KESU_EXIT_USAGE : 0;
	case OPT_DEBUG: ui_debug = true; return 0;
	case 'h': o->help = true; return 0;
	case OPT_CERT: o->cert = optarg; return 0;
	case OPT_CERT_DIR: o->cert_dir = optarg; return 0;
	case OPT_EXIT_FAILURE: o->jo.exit_failure_mode = true; return 0;
	case OPT_RESTORE_HPA: o->jo.restore_hpa = true; return 0;
	default: {
		int r = certsign_opt(c, optarg, "erase", &o->cs);

		return r >= 0 ? r : ui_option_error("erase", c, argv, long_opts);
	}
	}
}

/* The method, its passes and their number, before any target is looked at. */
static int check_plan(const struct erase_cli *o)
{
	struct erase_plan plan;
	int r = erase_plan_make(o->jo.method, (unsigned)o->passes, o->jo.blank, o->jo.verify,
				o->jo.sample_pct, &plan);
	/* the drive's own command has no passes to repeat or to add to ("auto" may overwrite) */
	bool firmware = !r && plan.m->run != erase_run && strcmp(plan.m->name, "auto");

	erase_plan_free(&plan);
	if (firmware && (o->passes > 1 || o->jo.blank))
		return ui_usage_error("erase",
				      "--passes and --blank apply to overwrite methods, "
				      "not to %s",
				      o->jo.method);
	if (r == -ENOENT)
		return ui_usage_error("erase",
				      "unknown method '%s': see kesu erase --help for the "
				      "list",
				      o->jo.method);
	if (r == -EINVAL)
		return ui_usage_error("erase",
				      "invalid method '%s': pattern:HEX takes 1 to %d "
				      "bytes in hexadecimal, the others no argument",
				      o->jo.method, PATTERN_MAX_BYTES);
	if (r == -E2BIG)
		return ui_usage_error("erase",
				      "too many passes: method %s with --passes %lu%s "
				      "makes more than %d",
				      o->jo.method, o->passes, o->jo.blank ? " and --blank" : "",
				      ERASE_MAX_PASSES);
	if (r) {
		ui_err("cannot plan method '%s': %s", o->jo.method, strerror(-r));
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

/* --report: a regular file that is none of the targets, not replaced without --force. */
static int check_report(const struct erase_cli *o, const struct stat *st, size_t n)
{
	const char *path = o->jo.report;
	struct stat rs;
	int r;

	if (o->jo.report && o->jo.report_dir)
		return ui_usage_error("erase", "--report and --report-dir exclude each other");
	if (o->jo.report && n > 1)
		return ui_usage_error("erase", "--report takes one target; use --report-dir");
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

/* --cert/--cert-dir and --sign-key go together; a certificate is never replaced. */
static int check_cert(const struct erase_cli *o, size_t n)
{
	struct stat st;
	int r;

	if (o->cert && o->cert_dir)
		return ui_usage_error("erase", "--cert and --cert-dir exclude each other");
	if (o->cert && n > 1)
		return ui_usage_error("erase", "--cert takes one target; use --cert-dir");
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
	return ui_exit(r, UI_CTX_NONE);
}

/* Parse and check the whole command line; nothing has been opened yet. */
static int parse_args(int argc, char **argv, struct erase_cli *o)
{
	struct stat *st;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:p:bV:ynqr:R:jh", long_opts, NULL)) != -1)
		if ((r = parse_opt(c, argv, o)))
			return r;
	if (o->help)
		return 0;
	if (optind >= argc)
		return ui_usage_error("erase", "no target given");
	r = check_plan(o);
	if (r)
		return r;
	st = calloc((size_t)(argc - optind), sizeof(*st));
	if (!st) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	r = check_targets(argv + optind, (size_t)(argc - optind), st);
	if (!r)
		r = check_report(o, st, (size_t)(argc - optind));
	if (!r)
		r = check_cert(o, (size_t)(argc - optind));
	free(st);
	return r;
}

static void print_plan(const struct erase_target *t)
{
	char name[8 + 2 * PATTERN_MAX_BYTES + 1];
	const struct erase_plan *p = &t->plan;

	printf("%s: method %s (%s, %s), %u pass%s:", ui_safe(t->path), p->method, p->category,
	       p->technique, p->npasses, p->npasses == 1 ? "" : "es");
	for (unsigned i = 0; i < p->npasses; i++)
		printf(" %s", pattern_name(&p->pass[i], name, sizeof(name)));
	printf("; verify %s", erase_verify_name(p->verify));
	if (p->verify == ERASE_VERIFY_SAMPLE)
		printf(" %u%%", p->sample_pct);
	printf("; %llu bytes; contains %s\n", (unsigned long long)t->info.size,
	       ui_safe(t->info.content ? t->info.content : "no known signature"));
}

#ifdef KESU_TEST_HOOKS
/* Test hook: change one block between the write and the read-back. */
static void corrupt_after_write(struct dev *d, unsigned pass, void *usr)
{
	unsigned long long off = strtoull(usr, NULL, 0);
	char junk[512];
	int fd = open(d->path, O_WRONLY | O_CLOEXEC);

	memset(junk, 0x5a, sizeof(junk));
	if (fd < 0)
		return;
	if (pwrite(fd, junk, sizeof(junk), (off_t)off) == (ssize_t)sizeof(junk))
		fsync(fd);
	close(fd);
}

static void test_hooks(struct erase_job_opts *jo)
{
	const char *hook = getenv("KESU_TEST_CORRUPT_AFTER_WRITE");

	if (hook && *hook) {
		jo->after_write = corrupt_after_write;
		jo->after_write_usr = (void *)hook;
	}
}
#else
static void test_hooks(struct erase_job_opts *jo)
{
}
#endif

static int result_exit(const struct erase_target *t)
{
	const struct erase_result *r = &t->res;

	if (!t->ran && t->err == -EOPNOTSUPP)
		return KESU_EXIT_REFUSED; /* the drive cannot do the method */
	if (!t->ran)
		return t->err ? ui_exit(t->err, UI_CTX_NONE) : KESU_EXIT_FAILURE;
	if (r->code == ERASE_SUCCESS)
		return KESU_EXIT_SUCCESS;
	if (r->code == ERASE_ABORTED)
		return KESU_EXIT_ABORTED;
	if (r->code == ERASE_REFUSED)
		return KESU_EXIT_REFUSED; /* the drive's state forbade the command */
	if (r->err)
		return KESU_EXIT_FAILURE;
	if (r->write_errors.n || r->read_errors.n)
		return KESU_EXIT_IO;
	if (r->mismatch.n)
		return KESU_EXIT_VERIFY;
	return KESU_EXIT_UNVERIFIED;
}

/* The report could not be written: it is the proof, so it goes to stdout instead. */
static void rescue_report(const struct erase_cli *o, const struct erase_target *t)
{
	const char *dest = o->jo.report ? o->jo.report : o->jo.report_dir;

	if (!t->doc) {
		ui_err("%s: cannot build the report: %s", ui_safe(t->path),
		       strerror(-t->report_err));
		return;
	}
	ui_err("%s: cannot write the report to %s: %s; %s", ui_safe(t->path),
	       ui_safe(dest ? dest : "-"), strerror(-t->report_err),
	       o->json ? "it is on standard output" : "it follows on standard output");
	if (!o->json && ui_print_json(stdout, t->doc))
		ui_err("%s: the report could not be printed either", ui_safe(t->path));
}

static int finish(const struct erase_cli *o, struct erase_job *j, size_t i)
{
	struct erase_target *t = &j->t[i];
	int code = result_exit(t);

	if (!t->identified)
		return code;
	if (erase_job_finish(j, i) && t->ran)
		rescue_report(o, t);
	if (o->json && t->doc && ui_print_json(stdout, t->doc)) {
		ui_err("%s: cannot print the report on standard output", ui_safe(t->path));
		code = ui_exit_worst(code, KESU_EXIT_FAILURE);
	}
	if (t->report_err || t->hook_err)
		code = ui_exit_worst(code, KESU_EXIT_FAILURE);
	if (!t->ran)
		return code;
	if (t->res.code == ERASE_SUCCESS && t->plan.npasses == 0)
		fprintf(stderr, "kesu: %s: success: %s (%s), sample verified (%llu bytes read)\n",
			ui_safe(t->path), t->plan.method, t->plan.category,
			(unsigned long long)t->res.bytes_read);
	else if (t->res.code == ERASE_SUCCESS)
		fprintf(stderr,
			"kesu: %s: success: %u pass%s of %s, verified (%s, %llu bytes read)\n",
			ui_safe(t->path), t->plan.npasses, t->plan.npasses == 1 ? "" : "es",
			t->plan.method, erase_verify_name(t->plan.verify),
			(unsigned long long)t->res.bytes_read);
	else
		ui_err("%s: %s: %s", ui_safe(t->path), erase_result_name(t->res.code),
		       ui_safe(t->res.reason));
	return code;
}

/* The plan, and whether the target would be refused, without holding it. */
static int dry_run(const struct erase_target *t)
{
	struct inuse u;
	int r;

	if (!t->identified)
		return result_exit(t);
	print_plan(t);
	r = inuse_check(&t->info, -1, &u);
	if (r)
		ui_err("%s: cannot tell whether it is in use: %s", ui_safe(t->path), strerror(-r));
	else if (inuse_any(&u))
		ui_err("%s would be refused: %s", ui_safe(t->path), ui_safe(u.why));
	return r || inuse_any(&u) ? KESU_EXIT_REFUSED : KESU_EXIT_SUCCESS;
}

/* Its certificate's files, like its report, exist before the target is written. */
static void reserve_cert(const struct erase_cli *o, struct erase_job *j, size_t i)
{
	struct erase_target *t = &j->t[i];
	int r;

	if (!o->certs)
		return;
	erase_target_name(t, o->certs[i].dir_base);
	r = certsign_reserve(&o->certs[i], o->cert, o->cert_dir, cert_signer_ext(o->signer));
	if (!r)
		return;
	ui_err("%s: cannot write the certificate to %s: %s", ui_safe(t->path),
	       ui_safe(o->cert ? o->cert : o->cert_dir), strerror(-r));
	erase_job_refuse(j, i, r, "the certificate cannot be written");
}

/* The hook of erase/job: the signed certificate of a target that ran. */
static int issue_cert(const struct erase_target *t, const json_t *report, void *usr)
{
	const struct erase_cli *o = usr;
	struct certsign_out *out = &o->certs[t->index];
	char id[37];
	int r = certsign_issue(out, report, &o->cs.meta, o->signer, id);

	if (r)
		ui_err("%s: cannot write the certificate: %s", ui_safe(t->path), strerror(-r));
	else
		fprintf(stderr, "kesu: %s: certificate %s in %s\n", ui_safe(t->path), id,
			ui_safe(out->path));
	return r;
}

/* Hold every target, then ask about each, before any is written. */
static void hold_all(const struct erase_cli *o, struct erase_job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct erase_target *t = &j->t[i];

		if (erase_job_identify(j, i)) {
			ui_err("%s: %s", ui_safe(t->path), ui_safe(t->why));
			continue;
		}
		if (o->dry_run)
			continue;
		if (!erase_job_hold(j, i)) {
			reserve_cert(o, j, i);
			continue;
		}
		if (t->report_err)
			ui_err("%s: cannot write the report to %s: %s", ui_safe(t->path),
			       ui_safe(o->jo.report ? o->jo.report : o->jo.report_dir),
			       strerror(-t->report_err));
		else
			ui_err("refusing to erase %s: %s", ui_safe(t->path), ui_safe(t->why));
	}
	for (size_t i = 0; i < j->n && !o->dry_run && !o->yes; i++) {
		int r = j->t[i].held ? ui_confirm(&j->t[i].info, "erase") : 0;

		if (r)
			erase_job_refuse(j, i, r, r == -EINTR ? "interrupted" : "not confirmed");
	}
}

static int run(struct erase_cli *o, struct erase_job *j)
{
	struct display *disp = display_new(o->quiet ? DISPLAY_NONE : o->progress, j->n);
	int code = KESU_EXIT_SUCCESS;

	if (!disp) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	for (size_t i = 0; i < j->n; i++)
		j->t[i].progress_usr = display_slot(disp, i);
	erase_job_run(j);
	display_free(disp);
	for (size_t i = 0; i < j->n; i++)
		code = ui_exit_worst(code, finish(o, j, i));
	return code;
}

int cmd_erase(int argc, char **argv)
{
	struct erase_cli o = { .jo = { .method = "random", .verify = ERASE_VERIFY_LAST },
			       .passes = 1,
			       .cs.pass.fd = -1 };
	struct erase_job *j = NULL;
	int r, code = KESU_EXIT_SUCCESS;

	display_parse("auto", &o.progress);
	r = parse_args(argc, argv, &o);
	if (r || o.help)
		return r ? r : usage();
	/* --location, else [organisation] location of kesu.conf */
	if (!o.jo.op.location && ui_config()->org_location.line)
		o.jo.op.location = ui_config()->org_location.text;
	o.jo.passes = (unsigned)o.passes;
	o.jo.queue_depth = (unsigned)o.queue_depth;
	o.jo.chunk = (size_t)o.chunk;
	o.jo.who = ui_who();
	o.jo.abort = &ui_interrupted;
	o.jo.progress = display_progress;
	test_hooks(&o.jo);
	/* the key's passphrase now, not after an hour of erasing */
	if ((o.cert || o.cert_dir) && !o.dry_run) {
		r = certsign_load(&o.cs, CERT_ROLE_OPERATOR, &o.signer);
		if (r)
			return r;
		o.certs = calloc((size_t)(argc - optind), sizeof(*o.certs));
		o.jo.report_done = issue_cert;
		o.jo.report_done_usr = &o;
	}
	/* a signal from now on ends the run with reports, not the process */
	ui_catch_interrupts();
	r = o.signer && !o.certs ? -ENOMEM :
				   erase_job_new(&o.jo, argv + optind, (size_t)(argc - optind), &j);
	if (r) {
		ui_err("out of memory");
		cert_signer_free(o.signer);
		free(o.certs);
		return KESU_EXIT_FAILURE;
	}
	hold_all(&o, j);
	if (o.dry_run) {
		for (size_t i = 0; i < j->n; i++)
			code = ui_exit_worst(code, dry_run(&j->t[i]));
	} else {
		code = run(&o, j);
	}
	for (size_t i = 0; o.certs && i < j->n; i++)
		certsign_out_release(&o.certs[i]);
	free(o.certs);
	cert_signer_free(o.signer);
	erase_job_free(j);
	return code;
}
