/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run of every firmware method (NVMe format/sanitize, ATA security erase
 * and sanitize, SCSI sanitize, LUKS keyslot destruction): read a NIST sample
 * of the device and keep a hash of each block; issue the command and wait
 * for it; read the same blocks again with the page cache bypassed. None may
 * equal its old content and, where the command defines what the media read
 * as afterwards, each must read as that. A command that reports success but
 * leaves a sampled block as it was is a failed erasure.
 */
#ifndef KESU_ERASE_PURGE_H
#define KESU_ERASE_PURGE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "caps.h"
#include "erase.h"
#include "pattern.h"

/** struct purge_cmd - one firmware method's command */
struct purge_cmd {
	const char *command; /* for the report and the log, e.g. "nvme format ses=1" */
	/*
	 * Issue the command on @o->fw (or, for LUKS, @o->path) and wait until
	 * the drive says it is done, reporting progress through @o->progress.
	 * Fill @detail with the raw completion status, log values, scope; write
	 * a reason into @why on failure.
	 * Return: 0, -EINTR (aborted; the drive may go on by itself), -ETIME
	 * (the drive's progress stalled), -ETIMEDOUT (still working at the
	 * bound; see purge_await()), or another negative errno
	 */
	int (*exec)(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		    json_t *detail, char *why, size_t len);
	/*
	 * What every block reads as afterwards: fills @p and returns true
	 * (e.g. zero after block erase, from DLFEAT after an NVMe format), or
	 * returns false when it is not defined (crypto erase).
	 */
	bool (*expect)(const struct erase_opts *o, struct pattern *p);
};

/**
 * purge_run() - the run hook of a firmware method: sample, @c->exec, verify
 * (same contract as erase_run(); @r->purge gets the report's "purge" object)
 */
int purge_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r, const struct purge_cmd *c);

/*
 * Waiting for a drive that works in the background (NVMe, ATA and SCSI
 * sanitize): purge_await() polls until the drive says it is done, within a
 * bound and with stall detection, so that no drive makes kesu wait for ever.
 */

/* between two polls of a drive's progress */
#define PURGE_POLL_MS 1000u
/* while sleeping between polls, an abort is noticed within this long */
#define PURGE_SLICE_MS 100u
/* the bound with an estimate: twice the drive's own estimate plus this margin */
#define PURGE_MARGIN_MS (10ull * 60 * 1000)
/* the bound without an estimate: crypto and block erase */
#define PURGE_BOUND_MS (48ull * 3600 * 1000)
/* the bound without an estimate: an overwrite, which on large disks runs for days */
#define PURGE_BOUND_OVERWRITE_MS (7ull * 24 * 3600 * 1000)
/*
 * Progress unchanged this long means stalled; a long bound scales it up to
 * a sixteenth of the bound, for drives that report progress in coarse steps
 */
#define PURGE_STALL_MS (10ull * 60 * 1000)

/**
 * struct purge_timing - how a firmware method waits for its drive; a NULL
 * pointer (erase_opts.timing) or a zero member means the real thing
 * @poll_ms: between two polls (0: PURGE_POLL_MS)
 * @now_ms: a monotonic clock in milliseconds (NULL: CLOCK_MONOTONIC)
 * @sleep_ms: sleep @ms milliseconds (NULL: nanosleep); may return early
 * @usr: handed to @now_ms and @sleep_ms
 *
 * Tests plug in a fake clock whose sleep only advances its time.
 */
struct purge_timing {
	unsigned poll_ms;
	uint64_t (*now_ms)(void *usr);
	void (*sleep_ms)(unsigned ms, void *usr);
	void *usr;
};

/* what a poll callback returns besides a negative errno */
enum purge_poll_result {
	PURGE_BUSY = 0, /* still in progress */
	/* the drive no longer works on it (completed or failed: the caller decides) */
	PURGE_DONE = 1,
};

/**
 * struct purge_await - one wait for a drive
 * @what: the command, for messages ("sanitize block erase")
 * @poll: ask the drive once; fill @progress, @progress_valid and @status
 *        with what it said. Return: PURGE_DONE, PURGE_BUSY or a negative
 *        errno (which ends the wait; the callback writes @why)
 * @usr: for @poll
 * @estimate_ms: the drive's own estimate of the whole command (0: none)
 * @overwrite: the command is an overwrite (the longer default bound)
 * @timing: NULL for the real clock and PURGE_POLL_MS
 * @abort: set (e.g. by a signal handler): stop waiting with -EINTR
 * @detail: NULL, or the report's "purge" object, which gets "polls" and "wait"
 * @why: the reason on failure, @len bytes
 * @progress: the last progress the drive reported, 0..65536 of 65536
 * @progress_valid: the drive reported one at the last poll
 * @status: what the drive said at the last poll, raw ("sstat 0x0002", ...)
 * @elapsed_ms: since the wait began (set before each call of @poll)
 * @polls: calls of @poll
 * @bound_ms: the bound this wait used
 * @stall_ms: the stall limit this wait used
 * @still_ms: how long the progress had not moved when the wait ended
 * @outcome: "completed", "failed" (@poll's errno), "aborted", "stalled", "timeout"
 */
struct purge_await {
	const char *what;
	int (*poll)(struct purge_await *w);
	void *usr;
	uint64_t estimate_ms;
	bool overwrite;
	const struct purge_timing *timing;
	volatile sig_atomic_t *abort;
	json_t *detail;
	char *why;
	size_t len;

	uint32_t progress;
	bool progress_valid;
	char status[96];

	uint64_t elapsed_ms;
	unsigned polls;
	uint64_t bound_ms, stall_ms, still_ms;
	const char *outcome;
};

/**
 * purge_await() - poll @w->poll until the drive is done
 * @w: the callback and the parameters; the results are filled in
 *
 * The first poll comes at once; between polls kesu sleeps @w->timing's
 * poll interval in slices of PURGE_SLICE_MS, checking @w->abort before each.
 * The wait is bounded by twice @w->estimate_ms plus PURGE_MARGIN_MS or,
 * without an estimate, by PURGE_BOUND_MS (PURGE_BOUND_OVERWRITE_MS for an
 * overwrite). Progress that has not moved for the stall limit,
 * max(PURGE_STALL_MS, bound / 16), ends the wait as stalled; the stall
 * clock starts at the first progress value the drive reports, so a drive
 * that reports none is held by the bound alone. On every end but
 * completion @w->why says what the drive last reported.
 * Return: 0 (the drive is done: the caller reads its final status), -ETIME
 * (stalled: no progress for the stall limit), -ETIMEDOUT (still in progress
 * at the bound), -EINTR (aborted; the drive goes on by itself), or the
 * negative errno @w->poll returned
 */
int purge_await(struct purge_await *w);

/**
 * purge_await_run() - purge_await() in a method's exec hook: the wait takes
 * the run's clock (@o->timing) and abort flag (@o->abort), and writes into
 * the hook's @detail and @why
 * @w: @what, @poll, @usr, @estimate_ms and @overwrite set; the rest is filled in
 * @o: the run's options
 * @detail: the report's "purge" object, or NULL
 * @why: the reason on failure, @len bytes
 *
 * Return: as purge_await()
 */
int purge_await_run(struct purge_await *w, const struct erase_opts *o, json_t *detail, char *why,
		    size_t len);

/**
 * purge_auto_pick() - the method "auto" stands for on a drive
 * @caps: what the drive can do (NULL: nothing was probed)
 * @why: what was chosen and why, for the report: the strongest Purge
 *       (crypto erase, then block erase, then overwrite), or that none is
 *       supported and the software overwrite reaches Clear only
 * Return: a firmware method whose supported() accepts @caps, or the
 * overwrite method "random"
 */
const struct erase_method *purge_auto_pick(const struct erase_caps *caps, char *why, size_t len);

/**
 * purge_category() - the NIST SP 800-88 category @m reaches on this media
 * (decided per media type: USB flash media reach Clear at most)
 * Return: "clear" or "purge"
 */
const char *purge_category(const struct erase_method *m, const struct erase_caps *caps);

#endif
