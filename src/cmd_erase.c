// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu erase: overwrite one or more targets concurrently, verify, report. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devinfo.h"
#include "display.h"
#include "erase/erase.h"
#include "erase/report.h"
#include "jsonutil.h"
#include "kesu.h"
#include "log.h"
#include "secmem.h"

struct erase_cli {
	const char *method;
	unsigned long passes;
	bool blank;
	enum erase_verify verify;
	unsigned sample_pct;
	bool yes, dry_run, json;
	enum display_mode progress;
	const char *report, *report_dir;
	struct erase_operator op;
	unsigned long queue_depth;
	unsigned long long chunk;
};

struct target {
	const char *path;
	struct dev_info info;
	struct dev *dev;
	struct erase_plan plan;
	struct erase_result res;
	struct erase_opts eo;
	uint64_t seed;
	bool planned, ran;
	int exit;
	pthread_t tid;
};

enum {
	OPT_PROGRESS = 256, OPT_OPERATOR, OPT_ASSET, OPT_REASON, OPT_LEASE, OPT_WITNESS,
	OPT_LOCATION, OPT_QDEPTH, OPT_BS, OPT_DEBUG,
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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("usage: kesu erase [OPTIONS] TARGET...\n\n"
	       "Overwrite block devices or disk images and verify them (NIST SP 800-88 Clear).\n\n"
	       "  -m, --method M         random (default), zero, one, dod3, pattern:HEX\n"
	       "  -p, --passes N         run the method's passes N times (default 1)\n"
	       "  -b, --blank            add a final pass of zeros\n"
	       "  -V, --verify MODE      last (default), all, sample[:PCT], none\n"
	       "  -y, --yes              do not ask for confirmation\n"
	       "  -n, --dry-run          print the plan and exit\n"
	       "  -q, --quiet            no progress\n"
	       "      --progress=MODE    auto, bar, json, none\n"
	       "  -r, --report FILE      write the JSON report to FILE (one target)\n"
	       "  -R, --report-dir DIR   write one report per target into DIR\n"
	       "  -j, --json             print the report(s) on stdout\n"
	       "      --operator NAME  --asset-tag TAG  --reason disposal|lease-return|reuse\n"
	       "      --lease-contract ID  --witness NAME  --location TEXT\n"
	       "      --queue-depth N    requests in flight per device (default %d, removable %d)\n"
	       "      --block-size SIZE  bytes per request (default %dM, removable %dM)\n"
	       "      --debug            debug messages\n"
	       "  -h, --help             this help\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage, 3 refused, 4 not confirmed,\n"
	       "5 verification failed, 6 I/O errors, 7 aborted, 8 not verified.\n",
	       KESU_QUEUE_DEPTH, KESU_QUEUE_DEPTH_REMOVABLE, KESU_BLOCK_SIZE >> 20,
	       KESU_BLOCK_SIZE_REMOVABLE >> 20);
}

static int parse_args(int argc, char **argv, struct erase_cli *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "m:p:bV:ynqr:R:jh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'm': o->method = optarg; break;
		case 'p':
			if (ui_parse_uint(optarg, 1, ERASE_MAX_PASSES, &o->passes))
				return ui_usage_error("erase", "invalid --passes '%s': 1 to %d",
						      optarg, ERASE_MAX_PASSES);
			break;
		case 'b': o->blank = true; break;
		case 'V':
			if (erase_parse_verify(optarg, &o->verify, &o->sample_pct))
				return ui_usage_error("erase", "invalid --verify '%s': last, all, "
						      "sample[:1-100] or none", optarg);
			break;
		case 'y': o->yes = true; break;
		case 'n': o->dry_run = true; break;
		case 'q': o->progress = DISPLAY_NONE; break;
		case OPT_PROGRESS:
			if (display_parse(optarg, &o->progress))
				return ui_usage_error("erase", "invalid --progress '%s': auto, bar, "
						      "json or none", optarg);
			break;
		case 'r': o->report = optarg; break;
		case 'R': o->report_dir = optarg; break;
		case 'j': o->json = true; break;
		case OPT_OPERATOR: o->op.name = optarg; break;
		case OPT_ASSET: o->op.asset_tag = optarg; break;
		case OPT_REASON:
			if (!erase_reason_valid(optarg))
				return ui_usage_error("erase", "invalid --reason '%s': disposal, "
						      "lease-return or reuse", optarg);
			o->op.reason = optarg;
			break;
		case OPT_LEASE: o->op.lease_contract = optarg; break;
		case OPT_WITNESS: o->op.witness = optarg; break;
		case OPT_LOCATION: o->op.location = optarg; break;
		case OPT_QDEPTH:
			if (ui_parse_queue_depth("erase", optarg, &o->queue_depth))
				return KESU_EXIT_USAGE;
			break;
		case OPT_BS:
			if (ui_parse_block_size("erase", optarg, &o->chunk))
				return KESU_EXIT_USAGE;
			break;
		case OPT_DEBUG: ui_debug = true; break;
		case 'h': usage(); return -1;
		default: return ui_usage_error("erase", "invalid option");
		}
	}
	if (optind >= argc)
		return ui_usage_error("erase", "no target given");
	if (o->report && argc - optind > 1)
		return ui_usage_error("erase", "--report takes one target; use --report-dir");
	return 0;
}

/*
 * A report that cannot be written after the erasure would leave no proof of
 * it: find out before anything is written.
 */
static int check_report_dest(const struct erase_cli *o)
{
	struct stat st;
	char *copy, *dir;
	int r = 0;

	if (o->report_dir) {
		if (stat(o->report_dir, &st) < 0)
			r = -errno;
		else if (!S_ISDIR(st.st_mode))
			r = -ENOTDIR;
		else if (access(o->report_dir, W_OK | X_OK) < 0)
			r = -errno;
		if (r)
			ui_err("cannot write reports to %s: %s", o->report_dir, strerror(-r));
		return r ? KESU_EXIT_FAILURE : 0;
	}
	if (!o->report)
		return 0;
	if (stat(o->report, &st) == 0 && S_ISDIR(st.st_mode)) {
		ui_err("cannot write the report to %s: %s", o->report, strerror(EISDIR));
		return KESU_EXIT_FAILURE;
	}
	copy = strdup(o->report);
	if (!copy) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) < 0) {
		r = -errno;
		ui_err("cannot write the report to %s: %s: %s", o->report, dir, strerror(-r));
	}
	free(copy);
	return r ? KESU_EXIT_FAILURE : 0;
}

static void size_text(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned u = 0;
	uint64_t whole = bytes, tenths = 0;

	while (whole >= 1024 && u < 5) {
		tenths = (whole % 1024) * 10 / 1024;
		whole /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu.%llu %s", (unsigned long long)whole,
		 (unsigned long long)tenths, units[u]);
}

static void describe(const struct target *t)
{
	char sz[32];

	size_text(t->info.size, sz, sizeof(sz));
	fprintf(stderr, "  %s: %s, model %s, serial %s, %s (%llu bytes), logical block %u\n"
		"  contains: %s\n",
		t->path, t->info.is_block ? "block device" : "image file",
		t->info.model ? t->info.model : "-", t->info.serial ? t->info.serial : "-", sz,
		(unsigned long long)t->info.size, t->info.lbs,
		t->info.content ? t->info.content : "no known signature");
}

static void print_plan(const struct target *t)
{
	char name[8 + 2 * PATTERN_MAX_BYTES + 1];

	printf("%s: method %s (%s, %s), %u pass%s:", t->path, t->plan.method, t->plan.category,
	       t->plan.technique, t->plan.npasses, t->plan.npasses == 1 ? "" : "es");
	for (unsigned i = 0; i < t->plan.npasses; i++)
		printf(" %s", pattern_name(&t->plan.pass[i], name, sizeof(name)));
	printf("; verify %s", erase_verify_name(t->plan.verify));
	if (t->plan.verify == ERASE_VERIFY_SAMPLE)
		printf(" %u%%", t->plan.sample_pct);
	printf("; %llu bytes; contains %s\n", (unsigned long long)t->info.size,
	       t->info.content ? t->info.content : "no known signature");
}

/* Identify the target and refuse it if it is in use; the plan is built here too. */
static int prepare(struct target *t, const struct erase_cli *o)
{
	struct dev_usage u;
	int r = devinfo_get(t->path, &t->info);

	if (r) {
		ui_err("cannot open %s: %s", t->path, strerror(-r));
		return r == -ENOTBLK ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	if (t->info.size == 0) {
		ui_err("%s: size is 0, nothing to erase", t->path);
		return KESU_EXIT_FAILURE;
	}
	r = devinfo_usage(&t->info, &u);
	if (r || devinfo_in_use(&u)) {
		ui_err("refusing to erase %s: %s", t->path,
		       r ? "cannot tell whether it is in use" : u.why);
		return KESU_EXIT_REFUSED;
	}
	r = erase_plan_make(o->method, (unsigned)o->passes, o->blank, o->verify, o->sample_pct,
			    &t->plan);
	if (r) {
		ui_err("invalid method '%s': random, zero, one, dod3 or pattern:HEX (1-64 bytes)",
		       o->method);
		return KESU_EXIT_USAGE;
	}
	t->planned = true;
	return 0;
}

/*
 * The same device or file named twice (a symlink, /dev/disk/by-id) would be
 * erased twice at once, and reported twice: refuse the run.
 */
static int check_duplicates(char **paths, size_t n)
{
	struct stat *st = calloc(n, sizeof(*st));
	int code = 0;

	if (!st)
		return KESU_EXIT_FAILURE;
	for (size_t i = 0; i < n && !code; i++) {
		if (stat(paths[i], &st[i]) < 0)
			continue; /* prepare() says why */
		for (size_t j = 0; j < i && !code; j++) {
			bool same = S_ISBLK(st[i].st_mode) ?
				    S_ISBLK(st[j].st_mode) && st[i].st_rdev == st[j].st_rdev :
				    st[i].st_dev == st[j].st_dev && st[i].st_ino == st[j].st_ino;

			if (same && st[j].st_mode)
				code = ui_usage_error("erase", "%s and %s are the same target",
						      paths[j], paths[i]);
		}
	}
	free(st);
	return code;
}

static int read_answer(char *buf, size_t len)
{
	if (!fgets(buf, (int)len, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* Ask the person to type the serial number (or the size) of the device. */
static int confirm(const struct target *t)
{
	char answer[256], want[64];
	const char *what = "serial number";

	if (!isatty(STDIN_FILENO)) {
		ui_err("refusing to erase %s without confirmation: use --yes", t->path);
		return KESU_EXIT_NOT_CONFIRMED;
	}
	if (t->info.serial && *t->info.serial) {
		snprintf(want, sizeof(want), "%s", t->info.serial);
	} else {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)t->info.size);
		what = "size in bytes";
	}
	fprintf(stderr, "kesu: all data on this target will be destroyed:\n");
	describe(t);
	fprintf(stderr, "type its %s (%s) to erase it: ", what, want);
	fflush(stderr);
	if (read_answer(answer, sizeof(answer)) || strcmp(answer, want)) {
		ui_err("%s: not confirmed, nothing was written", t->path);
		return KESU_EXIT_NOT_CONFIRMED;
	}
	return 0;
}

static void *run_target(void *arg)
{
	struct target *t = arg;

	erase_run(t->dev, &t->plan, &t->eo, &t->res);
	return NULL;
}

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

static int result_exit(const struct target *t)
{
	const struct erase_result *r = &t->res;

	if (r->code == ERASE_SUCCESS)
		return KESU_EXIT_SUCCESS;
	if (r->code == ERASE_ABORTED)
		return KESU_EXIT_ABORTED;
	if (r->err)
		return KESU_EXIT_FAILURE;
	if (r->write_errors.n || r->read_errors.n)
		return KESU_EXIT_IO;
	if (r->mismatch.n)
		return KESU_EXIT_VERIFY;
	return KESU_EXIT_UNVERIFIED;
}

static int report_path(const struct target *t, const char *dir, char *buf, size_t len)
{
	char name[128], stamp[32];
	const char *base = t->info.serial ? t->info.serial : strrchr(t->path, '/');
	struct tm tm;
	size_t i;

	base = base ? (base[0] == '/' ? base + 1 : base) : t->path;
	for (i = 0; base[i] && i < sizeof(name) - 1; i++)
		name[i] = (strchr("/\\ :*?\"<>|", base[i]) || base[i] < 0x20) ? '_' : base[i];
	name[i] = '\0';
	gmtime_r(&t->res.started.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	return snprintf(buf, len, "%s/%s-%s.json", dir, name, stamp) >= (int)len ? -ENAMETOOLONG
										 : 0;
}

static int finish_target(struct target *t, const struct erase_cli *o)
{
	char path[4096], bad[24];
	json_t *doc;
	int r = 0, code = result_exit(t);

	snprintf(bad, sizeof(bad), "%llu", (unsigned long long)(ranges_blocks(&t->res.write_errors) +
								ranges_blocks(&t->res.read_errors)));
	kesu_audit("erase end", "target", t->path, "serial", t->info.serial, "method",
		   t->plan.method, "result", erase_result_name(t->res.code), "reason",
		   t->res.reason, "bad_blocks", bad, "user", ui_who(), NULL);
	doc = erase_report(&t->info, t->dev->cache_bypass, &t->plan, &t->res, &o->op, t->seed);
	if (!doc) {
		ui_err("%s: cannot build the report: out of memory", t->path);
		return ui_exit_worst(code, KESU_EXIT_FAILURE);
	}
	if (o->report)
		r = json_write_atomic(o->report, doc);
	else if (o->report_dir)
		r = report_path(t, o->report_dir, path, sizeof(path)) ?: json_write_atomic(path, doc);
	if (r) {
		ui_err("%s: cannot write the report to %s: %s", t->path,
		       o->report ? o->report : o->report_dir, strerror(-r));
		code = ui_exit_worst(code, KESU_EXIT_FAILURE);
	}
	if (o->json) {
		char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);

		if (s)
			printf("%s\n", s);
		free(s);
	}
	json_decref(doc);
	if (t->res.code == ERASE_SUCCESS)
		fprintf(stderr, "kesu: %s: success: %u pass%s of %s, verified (%s, %llu bytes read)\n",
			t->path, t->plan.npasses, t->plan.npasses == 1 ? "" : "es",
			t->plan.method, erase_verify_name(t->plan.verify),
			(unsigned long long)t->res.bytes_read);
	else
		fprintf(stderr, "kesu: %s: %s: %s\n", t->path, erase_result_name(t->res.code),
			t->res.reason);
	return code;
}

static int open_target(struct target *t)
{
	int r = dev_open(t->path, DEV_OPEN_WRITE | DEV_OPEN_EXCL, &t->dev);

	if (r) {
		ui_err("cannot open %s: %s", t->path, strerror(-r));
		return r == -EBUSY ? KESU_EXIT_REFUSED : KESU_EXIT_FAILURE;
	}
	if (t->dev->size != t->info.size) {
		ui_err("%s: size changed from %llu to %llu bytes", t->path,
		       (unsigned long long)t->info.size, (unsigned long long)t->dev->size);
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

static void start_target(struct target *t, const struct erase_cli *o, struct display *disp,
			 size_t i)
{
	const char *hook = getenv("KESU_TEST_CORRUPT_AFTER_WRITE");
	char size[24];

	secmem_random(&t->seed, sizeof(t->seed));
	unsigned long qd = o->queue_depth;
	unsigned long long bs = o->chunk;

	ui_io_defaults(&t->info, &qd, &bs);
	t->eo = (struct erase_opts){
		.queue_depth = (unsigned)qd,
		.chunk = (size_t)bs,
		.progress = display_progress,
		.progress_usr = display_slot(disp, i),
		.abort = &ui_interrupted,
		.sample_seed = t->seed,
	};
	if (hook && *hook) {
		t->eo.after_write = corrupt_after_write;
		t->eo.after_write_usr = (void *)hook;
	}
	snprintf(size, sizeof(size), "%llu", (unsigned long long)t->info.size);
	kesu_audit("erase start", "target", t->path, "serial", t->info.serial, "size", size,
		   "method", t->plan.method, "verify", erase_verify_name(t->plan.verify),
		   "operator", o->op.name, "asset", o->op.asset_tag, "user", ui_who(), NULL);
	t->ran = true;
	if (pthread_create(&t->tid, NULL, run_target, t)) {
		run_target(t);
		t->tid = 0;
	}
}

static int run_all(struct target *t, size_t n, const struct erase_cli *o)
{
	struct display *disp = display_new(o->progress, n);
	int code = KESU_EXIT_SUCCESS;

	if (!disp) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	ui_catch_interrupts();
	for (size_t i = 0; i < n; i++)
		if (t[i].dev)
			start_target(&t[i], o, disp, i);
	for (size_t i = 0; i < n; i++)
		if (t[i].ran && t[i].tid)
			pthread_join(t[i].tid, NULL);
	for (size_t i = 0; i < n; i++)
		if (t[i].ran)
			t[i].exit = finish_target(&t[i], o);
	for (size_t i = 0; i < n; i++)
		code = ui_exit_worst(code, t[i].exit);
	display_free(disp);
	return code;
}

int cmd_erase(int argc, char **argv)
{
	struct erase_cli o = { .method = "random", .passes = 1, .verify = ERASE_VERIFY_LAST,
			       /* 0: chosen per device, ui_io_defaults() */ };
	struct target *t = NULL;
	size_t n = 0;
	int r, code = KESU_EXIT_SUCCESS;

	display_parse("auto", &o.progress);
	r = parse_args(argc, argv, &o);
	if (r)
		return r < 0 ? KESU_EXIT_SUCCESS : r;
	r = o.dry_run ? 0 : check_report_dest(&o);
	if (r)
		return r;
	n = (size_t)(argc - optind);
	r = check_duplicates(argv + optind, n);
	if (r)
		return r;
	t = calloc(n, sizeof(*t));
	if (!t) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++) {
		t[i].path = argv[optind + (int)i];
		t[i].exit = prepare(&t[i], &o);
	}
	for (size_t i = 0; i < n && o.dry_run; i++)
		if (t[i].planned)
			print_plan(&t[i]);
	/* ask for every target before touching any, then open them all */
	for (size_t i = 0; i < n && !o.dry_run && !o.yes; i++)
		if (!t[i].exit)
			t[i].exit = confirm(&t[i]);
	for (size_t i = 0; i < n && !o.dry_run; i++)
		if (!t[i].exit)
			t[i].exit = open_target(&t[i]);
	if (!o.dry_run)
		code = run_all(t, n, &o);
	for (size_t i = 0; i < n; i++) {
		code = ui_exit_worst(code, t[i].exit);
		erase_plan_free(&t[i].plan);
		erase_result_free(&t[i].res);
		dev_close(t[i].dev);
		devinfo_free(&t[i].info);
	}
	free(t);
	return code;
}
