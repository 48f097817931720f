// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "guard.h"
#include "inuse.h"
#include "job.h"
#include "log.h"
#include "luks.h"
#include "pool.h"
#include "purge.h"
#include "secmem.h"
#include "sysfs.h"

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
#endif

/*
 * KESU_TEST_CORRUPT_AFTER_WRITE=OFFSET (builds with test hooks): the CLI
 * tests prove that verification reads the device back, not a copy.
 */
static void test_hooks(struct erase_job_opts *o)
{
#ifdef KESU_TEST_HOOKS
	const char *hook = getenv("KESU_TEST_CORRUPT_AFTER_WRITE");

	if (hook && *hook && !o->after_write) {
		o->after_write = corrupt_after_write;
		o->after_write_usr = (void *)hook;
	}
#else
	(void)o;
#endif
}

int erase_job_new(const struct erase_job_opts *o, char *const *paths, size_t n,
		  struct erase_job **out)
{
	struct erase_job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->t = calloc(n ? n : 1, sizeof(*j->t));
	if (!j->t) {
		free(j);
		return -ENOMEM;
	}
	j->o = *o;
	test_hooks(&j->o);
	j->n = n;
	for (size_t i = 0; i < n; i++) {
		j->t[i].path = paths[i];
		j->t[i].index = i;
		j->t[i].report.fd = j->t[i].report.dirfd = -1;
	}
	*out = j;
	return 0;
}

static bool firmware_method(const struct erase_method *m)
{
	return m->run != erase_run;
}

int erase_job_check_opts(const struct erase_job_opts *o)
{
	struct erase_plan plan;
	int r = erase_plan_make(o->method, o->passes, o->blank, o->verify, o->sample_pct, &plan);
	/* the drive's own command has no passes to repeat or to add to ("auto" may overwrite) */
	bool firmware = !r && firmware_method(plan.m) && strcmp(plan.m->name, "auto");

	erase_plan_free(&plan);
	if (firmware && (o->passes > 1 || o->blank))
		return -EOPNOTSUPP;
	return r;
}

/* Record why target @t does not go on; returns @err. */
static int stop(struct erase_target *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int stop(struct erase_target *t, int err, const char *fmt, ...)
{
	va_list ap;

	t->err = err;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	return err;
}

int erase_job_identify(struct erase_job *j, size_t i)
{
	const struct erase_job_opts *o = &j->o;
	struct erase_target *t = &j->t[i];
	int r = devinfo_get(t->path, &t->info);

	if (r)
		return stop(t, r, "cannot identify it: %s", strerror(-r));
	r = erase_plan_make(o->method, o->passes, o->blank, o->verify, o->sample_pct, &t->plan);
	if (r)
		return stop(t, r, "cannot plan method '%s': %s", o->method, strerror(-r));
	secmem_random(&t->seed, sizeof(t->seed));
	secmem_uuid(t->id);
	t->identified = true;
	return 0;
}

static int reserve_report(const struct erase_job *j, struct erase_target *t)
{
	if (j->o.report)
		return outfile_reserve(&t->report, j->o.report, ERASE_REPORT_RESERVE,
				       j->o.force ? OUTFILE_REPLACE : 0);
	if (j->o.report_dir)
		return outfile_reserve_in_dir(&t->report, j->o.report_dir, ERASE_REPORT_RESERVE);
	return 0;
}

/* Hold the target and check it through the held descriptor (lib/guard.h). */
static int open_target(struct erase_target *t)
{
	struct guard g;
	int r = guard_hold(&t->info, DEV_OPEN_WRITE, &g);

	if (r)
		return stop(t, r, "%s", g.why);
	t->dev = g.dev;
	return 0;
}

/* Open the transport and probe the drive; a file or a loop device has none. */
static int probe_drive(const struct erase_job *j, struct erase_target *t)
{
	int (*op)(const char *path, struct fw **out) = j->o.fw_open ? j->o.fw_open : fw_open;
	int r = op(t->path, &t->fw);

	if (r)
		return r;
	/* from sysfs, before the probe: they shape its reasons (a USB bridge) */
	t->caps.rotational = t->info.rotational == 1;
	t->caps.usb = t->info.transport && !strcmp(t->info.transport, "usb");
	r = erase_caps_probe(t->fw, &t->caps);
	if (t->caps.nvme)
		erase_caps_probe_nvme_ns(t->fw, dev_fd(t->dev), &t->caps);
	return r;
}

/* The method auto: plan what it stands for on this drive. */
static int plan_auto(const struct erase_job *j, struct erase_target *t)
{
	const struct erase_method *m =
		purge_auto_pick(t->fw ? &t->caps : NULL, t->choice, sizeof(t->choice));
	int r;

	erase_plan_free(&t->plan);
	r = erase_plan_make(m->name, firmware_method(m) ? 1 : j->o.passes, j->o.blank, j->o.verify,
			    j->o.sample_pct, &t->plan);
	if (r)
		return stop(t, r, "cannot plan method '%s': %s", m->name, strerror(-r));
	kesu_log(KESU_LOG_INFO, "%s: auto: %s", t->path, t->choice);
	return 0;
}

/* An overwrite leaves a host protected area as it was: expose it, or refuse. */
static int check_hpa(const struct erase_job *j, struct erase_target *t)
{
	const struct sanitize_ata_id *id = &t->caps.ata_id;
	uint64_t before = 0, after = 0;
	int r;

	if (!t->fw || !t->caps.ata)
		return 0;
	if (!j->o.restore_hpa) {
		if (id->native_valid && id->native_max_lba > id->max_lba)
			return stop(
				t, -EOPNOTSUPP,
				"a host protected area hides LBAs %llu to %llu, which an overwrite "
				"would not reach: --restore-hpa exposes them first",
				(unsigned long long)id->max_lba + 1,
				(unsigned long long)id->native_max_lba);
		return 0;
	}
	r = erase_restore_hpa(t->fw, &t->caps, &before, &after);
	if (r == -ENODATA)
		return 0;
	if (r)
		return stop(t, r, "cannot restore the host protected area: %s", strerror(-r));
	t->hpa = json_pack("{s:I,s:I}", "native_max_before", (json_int_t)before, "max_after",
			   (json_int_t)after);
	return 0;
}

/* Before anything is asked or written: can the drive do the method? */
static int prepare_drive(const struct erase_job *j, struct erase_target *t)
{
	const struct erase_method *m = t->plan.m;
	char why[192] = "";
	int r = probe_drive(j, t);

	if (r && t->fw && !t->caps.why[0])
		snprintf(t->caps.why, sizeof(t->caps.why), "%s", strerror(-r));
	if (r && !t->fw)
		snprintf(t->caps.why, sizeof(t->caps.why), "no drive commands reach it (%s)",
			 strerror(-r));
	if (!strcmp(m->technique, "keyslot-destroy"))
		t->caps.luks = luks_is_luks(t->path);
	if (!strcmp(m->name, "auto") && plan_auto(j, t))
		return t->err;
	m = t->plan.m;
	if (!firmware_method(m))
		return check_hpa(j, t);
	if (m->supported && !m->supported(&t->caps, why, sizeof(why)))
		return stop(t, -EOPNOTSUPP, "%s cannot be used: %s", m->name, why);
	t->plan.category = purge_category(m, &t->caps);
	return 0;
}

int erase_job_hold(struct erase_job *j, size_t i)
{
	struct erase_target *t = &j->t[i];
	int r;

	if (!t->identified)
		return t->err ? t->err : -EINVAL;
	t->report_err = reserve_report(j, t);
	if (t->report_err) {
		snprintf(t->why, sizeof(t->why), "the report cannot be written: %s",
			 strerror(-t->report_err));
		return t->report_err;
	}
	r = open_target(t);
	if (!r)
		r = prepare_drive(j, t);
	if (r) {
		dev_close(t->dev);
		t->dev = NULL;
		return r;
	}
	t->held = true;
	return 0;
}

int erase_job_in_use(struct erase_job *j, size_t i, bool *busy)
{
	struct erase_target *t = &j->t[i];
	struct inuse u;
	int r = inuse_check(&t->info, -1, &u);

	*busy = !r && inuse_any(&u);
	if (*busy)
		stop(t, -EBUSY, "%s", u.why);
	return r;
}

void erase_job_refuse(struct erase_job *j, size_t i, int err, const char *why)
{
	struct erase_target *t = &j->t[i];

	stop(t, err, "%s", why);
	t->held = false;
	dev_close(t->dev);
	t->dev = NULL;
}

static void *run_target(void *arg)
{
	struct erase_target *t = arg;

	t->plan.m->run(t->dev, &t->plan, &t->eo, &t->res);
	return NULL;
}

static void start_target(struct erase_job *j, struct erase_target *t)
{
	const struct erase_job_opts *o = &j->o;
	unsigned qd = o->queue_depth;
	size_t chunk = o->chunk;
	char size[24];

	pool_io_defaults(devinfo_removable(&t->info), &qd, &chunk);
	t->eo = (struct erase_opts){
		.queue_depth = qd,
		.chunk = chunk,
		.progress = o->progress,
		.progress_usr = t->progress_usr,
		.abort = o->abort,
		.sample_seed = t->seed,
		.after_write = o->after_write,
		.after_write_usr = o->after_write_usr,
		.fw = t->fw,
		.caps = t->fw ? &t->caps : NULL,
		.path = t->path,
		.exit_failure_mode = o->exit_failure_mode,
	};
	snprintf(size, sizeof(size), "%llu", (unsigned long long)t->info.size);
	kesu_audit("erase start", "target", t->path, "id", t->id, "serial", t->info.serial, "size",
		   size, "method", t->plan.method, "verify", erase_verify_name(t->plan.verify),
		   "operator", o->op.name, "asset", o->op.asset_tag, "user", o->who, NULL);
	t->ran = true;
	if (pthread_create(&t->tid, NULL, run_target, t)) {
		run_target(t);
		t->tid = 0;
	}
}

int erase_job_run(struct erase_job *j)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->t[i].held && !j->t[i].err)
			start_target(j, &j->t[i]);
	for (size_t i = 0; i < j->n; i++)
		if (j->t[i].ran && j->t[i].tid)
			pthread_join(j->t[i].tid, NULL);
	return 0;
}

/* A target that never ran: its result says why, and that nothing was written. */
static void record_not_run(struct erase_target *t)
{
	struct erase_result *r = &t->res;
	bool refused = t->err == -EBUSY || t->err == -EROFS || t->err == -ECANCELED ||
		       t->err == -EOPNOTSUPP;

	memset(r, 0, sizeof(*r));
	r->code = refused ? ERASE_REFUSED : ERASE_FAILED;
	r->err = t->err;
	snprintf(r->reason, sizeof(r->reason), "%s", t->why[0] ? t->why : "not run");
	clock_gettime(CLOCK_REALTIME, &r->started);
	r->finished = r->started;
}

/* base-20261126T053000Z-UUID.json: erase_target_name(), the start, the id */
void erase_target_name(const struct erase_target *t, char name[65])
{
	const char *base = t->info.serial;

	if (!base || !*base) {
		base = strrchr(t->path, '/');
		base = base ? base + 1 : t->path;
	}
	outfile_name_part(base, name, 65);
}

static int report_name(char *buf, size_t len, void *usr)
{
	const struct erase_target *t = usr;
	char name[65], stamp[32];
	struct tm tm;
	int n;

	erase_target_name(t, name);
	gmtime_r(&t->res.started.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	n = snprintf(buf, len, "%s-%s-%s.json", name, stamp, t->id);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int write_report(const struct erase_job *j, struct erase_target *t)
{
	char *text = json_dumps(t->doc, JSON_INDENT(2) | JSON_SORT_KEYS), *doc = NULL;
	int len, r;

	if (!text)
		return -ENOMEM;
	/* the file ends with a newline, as every text file should */
	len = asprintf(&doc, "%s\n", text);
	free(text);
	if (len < 0)
		return -ENOMEM;
	if (j->o.report)
		r = outfile_commit(&t->report, doc, (size_t)len);
	else
		r = outfile_commit_unique(&t->report, doc, (size_t)len, report_name, t);
	free(doc);
	if (!r)
		t->report_path = t->report.final_path;
	return r;
}

/* What auto chose, and the HPA restored, into the report. */
static void add_drive_notes(struct erase_target *t)
{
	json_t *purge = json_object_get(t->doc, "purge");

	if (t->choice[0]) {
		if (!json_is_object(purge)) {
			purge = json_object();
			json_object_set_new(t->doc, "purge", purge);
		}
		json_object_set_new(purge, "auto", json_string(t->choice));
	}
	if (t->hpa)
		json_object_set(t->doc, "hpa", t->hpa);
}

/*
 * A block device that left sysfs while it was written was pulled: its I/O
 * errors are that, and the report and the log say so rather than leave a
 * bare "Input/output error" to be read as a failing drive.
 */
static void note_removed(struct erase_target *t)
{
	char dir[PATH_MAX], why[sizeof(t->res.reason)];

	if (!t->ran || t->res.code != ERASE_FAILED || !t->info.is_block || !t->info.major)
		return;
	if (sysfs_dev_dir(makedev(t->info.major, t->info.minor), dir) != -ENOENT)
		return;
	if (snprintf(why, sizeof(why), "%s: %s", ERASE_REMOVED_WHY, t->res.reason) < 0)
		return;
	memcpy(t->res.reason, why, sizeof(why));
}

int erase_job_finish(struct erase_job *j, size_t i)
{
	const struct erase_job_opts *o = &j->o;
	struct erase_target *t = &j->t[i];
	char bad[24];

	if (!t->identified)
		return 0;
	if (!t->ran)
		record_not_run(t);
	note_removed(t);
	snprintf(bad, sizeof(bad), "%llu",
		 (unsigned long long)(ranges_blocks(&t->res.write_errors) +
				      ranges_blocks(&t->res.read_errors)));
	kesu_audit("erase end", "target", t->path, "id", t->id, "serial", t->info.serial, "method",
		   t->plan.method, "result", erase_result_name(t->res.code), "reason",
		   t->res.reason[0] ? t->res.reason : NULL, "bad_blocks", bad, "user", o->who,
		   NULL);
	t->doc = erase_report(t->id, &t->info, t->dev, &t->plan, &t->res, &o->op, t->seed);
	if (!t->doc)
		return t->report_err = -ENOMEM;
	add_drive_notes(t);
	if (t->report.fd >= 0 && !t->report_err)
		t->report_err = write_report(j, t);
	if (t->ran && o->report_done)
		t->hook_err = o->report_done(t, t->doc, o->report_done_usr);
	return t->report_err;
}

void erase_job_free(struct erase_job *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		struct erase_target *t = &j->t[i];

		json_decref(t->doc);
		outfile_release(&t->report);
		erase_plan_free(&t->plan);
		erase_result_free(&t->res);
		dev_close(t->dev);
		fw_close(t->fw);
		json_decref(t->hpa);
		devinfo_free(&t->info);
	}
	free(j->t);
	free(j);
}
