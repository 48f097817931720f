/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The life of one erasure, for each target of a run: identify the target,
 * reserve its report, hold it (O_EXCL, or a lock on an image file), check
 * that nothing uses it; then, once the person has confirmed, run the
 * method; then record the end in the security log and the report. The
 * front end only asks the person and shows what happens.
 */
#ifndef KESU_ERASE_JOB_H
#define KESU_ERASE_JOB_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "caps.h"
#include "devinfo.h"
#include "erase.h"
#include "outfile.h"
#include "report.h"

/* Room reserved for a report before the erasure: a report with thousands of bad ranges fits. */
#define ERASE_REPORT_RESERVE (256 * 1024)

struct erase_target;

/* how a target's reason begins when its device left the system while it was written */
#define ERASE_REMOVED_WHY "the drive was removed while it was erased"

struct erase_job_opts {
	const char *method; /* "random", "pattern:a55a", ... */
	unsigned passes;    /* repeat the method's passes (>= 1) */
	bool blank;
	enum erase_verify verify;
	unsigned sample_pct;
	unsigned queue_depth; /* 0: the default for the device */
	size_t chunk;	      /* 0: the default for the device */
	struct erase_operator op;
	const char *report;	      /* one target: its report goes here */
	const char *report_dir;	      /* or one report per target in here */
	bool force;		      /* --report may replace an existing file */
	const char *who;	      /* the user, for the security log */
	volatile sig_atomic_t *abort; /* set by a signal: stop soon */
	progress_fn progress;
	/*
	 * test hook, see struct erase_opts; in a build with test hooks,
	 * erase_job_new() sets it from KESU_TEST_CORRUPT_AFTER_WRITE when NULL
	 */
	void (*after_write)(struct dev *d, unsigned pass, void *usr);
	void *after_write_usr;
	/*
	 * Called once the report of a target that ran is final (written, or
	 * not writable but kept in t->doc), before the run ends: the
	 * certificate of the erasure is made here. Its result goes to
	 * t->hook_err.
	 */
	int (*report_done)(const struct erase_target *t, const json_t *report, void *usr);
	void *report_done_usr;
	/*
	 * Firmware methods: how the drive-command transport is opened (NULL:
	 * fw_open(); tests plug in a simulated drive)
	 */
	int (*fw_open)(const char *path, struct fw **out);
	bool exit_failure_mode; /* --exit-failure-mode */
	bool restore_hpa;	/* --restore-hpa: expose an HPA before an overwrite */
};

struct erase_target {
	const char *path;
	size_t index; /* in the job */
	struct dev_info info;
	struct dev *dev; /* held from erase_job_hold() to erase_job_free() */
	struct erase_plan plan;
	struct erase_result res;
	struct outfile report;
	char id[37];	      /* the report's id, a UUID */
	uint64_t seed;	      /* sample plan seed */
	struct erase_opts eo; /* what the run is given */
	void *progress_usr;   /* handed to opts.progress */
	int err;	      /* why it did not run (negative errno), or 0 */
	char why[256];	      /* the reason, for messages, log and report */
	int report_err;	      /* the report could not be reserved or written */
	int hook_err;	      /* what opts.report_done returned */
	bool identified, held, ran;
	json_t *doc;		 /* the report, once erase_job_finish() built it */
	const char *report_path; /* where it was written (points into report) */
	pthread_t tid;
	struct fw *fw;		/* firmware methods: the transport, else NULL */
	struct erase_caps caps; /* what the drive can do (when fw is open) */
	char choice[256];	/* method auto: what it chose and why */
	json_t *hpa;		/* --restore-hpa: native max before and after */
};

struct erase_job {
	struct erase_job_opts o;
	struct erase_target *t;
	size_t n;
};

/**
 * erase_job_check_opts() - check the method, its passes and the
 * verification of @o, before any target is looked at
 * Return: 0; -ENOENT (no such method), -EINVAL (a bad argument to the
 * method), -E2BIG (more than ERASE_MAX_PASSES passes in all), -EOPNOTSUPP
 * (passes repeated or a blank pass added to a drive's own command, which
 * writes no passes), -ENOMEM
 */
int erase_job_check_opts(const struct erase_job_opts *o);

/**
 * erase_job_new() - a job for @n targets; nothing is opened yet
 * @o: copied (the strings it points to must outlive the job)
 * Return: 0, -ENOMEM
 */
int erase_job_new(const struct erase_job_opts *o, char *const *paths, size_t n,
		  struct erase_job **out);

/**
 * erase_job_identify() - identity from sysfs and libblkid, and the plan
 * Return: 0; -ENOENT, -ENOTBLK or another errno of devinfo_get(); the
 * errno of erase_plan_make(). t->err and t->why say the same.
 */
int erase_job_identify(struct erase_job *j, size_t i);

/**
 * erase_job_hold() - reserve the report, open the target exclusively and
 * check that nothing uses it (mounted, swap, holders, loop backing,
 * read-only), probing its content again through the held descriptor
 *
 * A refused target keeps its reserved report: erase_job_finish() records
 * the refusal. Call after erase_job_identify().
 *
 * A firmware method (or auto) opens the drive's transport, probes what the
 * drive can do and asks the method whether it can run; an overwrite checks
 * for a host protected area.
 *
 * Return: 0 (the target may be erased once confirmed); -EBUSY (in use),
 * -EROFS (read-only), -ENODEV (size 0), -EOPNOTSUPP (the drive cannot do
 * the method, or has an HPA and no --restore-hpa; t->why says why) or
 * another errno of opening it: t->err
 * and t->why are set; or the errno of reserving the report: t->report_err
 */
int erase_job_hold(struct erase_job *j, size_t i);

/**
 * erase_job_in_use() - for a dry run: whether target @i is in use, as
 * erase_job_hold() would find it, without holding it
 * @busy: set when it is in use; t->why then says by what
 * Return: 0 (the answer is in @busy), or the errno of inuse_check() when
 * the check itself failed (-ENOMEM, or that of reading sysfs or the mount
 * table): then the target is to be taken as in use
 */
int erase_job_in_use(struct erase_job *j, size_t i, bool *busy);

/** erase_job_refuse() - the person did not confirm (or another reason): record @err, @why */
void erase_job_refuse(struct erase_job *j, size_t i, int err, const char *why);

/**
 * erase_job_run() - log the start of every held target and erase them
 * concurrently, one thread each
 * Return: 0 (each target's result is in t->res)
 */
int erase_job_run(struct erase_job *j);

/**
 * erase_job_finish() - log the end and write the report of target @i:
 * whatever ran, and whatever was refused after identification
 * Return: 0, or the errno of writing the report (t->report_err; t->doc
 * still holds the document so that it is not lost)
 */
int erase_job_finish(struct erase_job *j, size_t i);

/**
 * erase_target_name() - the serial, or the file name, in characters safe in
 * any file name (letters, digits, dot, dash, underscore; no leading dot),
 * at most 64: the first part of the names of reports and certificates
 */
void erase_target_name(const struct erase_target *t, char name[65]);

/** erase_job_free() - close the targets, wipe the keys, remove unused reservations */
void erase_job_free(struct erase_job *j);

#endif
