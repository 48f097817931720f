/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The wiping station: every drive of a bench, each erased by its own
 * erase_job (erase/job.h) so that drives start and end independently, with
 * the same reports as kesu erase. The station watches the kernel's uevents
 * (lib/hotplug.h) in a thread of its own, admits drives by a policy, runs
 * the countdown of unattended mode, and tells a front end what happened
 * through an event queue it drains from its own loop: one descriptor to
 * poll(), readable while events wait.
 *
 * Threads: the station's own thread (hot-plug, countdowns), one thread per
 * running erasure, and the front end's. Every struct station_drive is read
 * under station_lock() (or copied with station_drive_get()); drives are
 * never freed while the station lives (a pulled drive stays, marked gone),
 * so a pointer from station_drive_at() stays valid, its members do not.
 */
#ifndef KESU_ERASE_STATION_H
#define KESU_ERASE_STATION_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "job.h"

/* the longest transport list, method name and text field a station keeps */
#define STATION_TRANSPORTS 8
#define STATION_TEXT 256

/**
 * enum station_state - where a drive is in its life at the station
 * @STATION_IDLE: listed, not chosen (or refused: see station_drive.refused)
 * @STATION_SELECTED: chosen by the person, not started
 * @STATION_COUNTDOWN: starts when the countdown ends, unless cancelled
 * @STATION_RUNNING: its erasure runs
 * @STATION_DONE: erased and verified (result success)
 * @STATION_FAILED: it ran, or was held, and did not end in success
 *                  (failed, aborted, refused by the drive, pulled mid-erase)
 * @STATION_GONE: pulled while it was not running
 */
enum station_state {
	STATION_IDLE,
	STATION_SELECTED,
	STATION_COUNTDOWN,
	STATION_RUNNING,
	STATION_DONE,
	STATION_FAILED,
	STATION_GONE,
};

/**
 * struct station_progress - the last progress a running erasure reported
 * @phase: "write", "verify", "sample", "command" ... ("" before the first)
 * @pass: 1-based pass of @npasses
 * @npasses: passes of the plan (0 for a drive's own command)
 * @done: bytes done in this phase
 * @total: bytes this phase will do
 * @rate: bytes per second in this phase so far (0: unknown)
 * @eta_s: seconds left in this phase (-1: unknown)
 * @errors: bad blocks and mismatches found so far (0 until known)
 */
struct station_progress {
	char phase[16];
	unsigned pass, npasses;
	uint64_t done, total;
	uint64_t rate;
	int64_t eta_s;
	uint64_t errors;
};

/**
 * struct station_labels - what the certificate and report say of a drive's
 * erasure; empty strings are "not given"
 * @operator: who erases (must be the signing key's owner when signed)
 * @witness: who watched
 * @asset_tag: the organisation's tag (typed, or scanned)
 * @reason: "disposal", "lease-return", "reuse" (erase_reason_valid())
 */
struct station_labels {
	char operator[STATION_TEXT];
	char witness[STATION_TEXT];
	char asset_tag[STATION_TEXT];
	char reason[STATION_TEXT];
};

/**
 * struct station_drive - one drive at the station
 * @id: the station's number for it, stable, never reused (1, 2, ...)
 * @path: device node or image file
 * @model: "" when unknown (every string below too)
 * @serial: the drive's serial
 * @transport: "nvme", "sata", "usb", "loop", "file", ...
 * @content: what libblkid finds on it ("ext4", "gpt", "" for nothing)
 * @size: bytes
 * @refused: never selectable; @why says why (in use, policy, on hold ...)
 * @why: the reason it is refused, or why it failed
 * @purge: the Purge it can do (erase_caps_purge_line()), or why none
 * @method: the method it will get ("auto" by default)
 * @state: see enum station_state
 * @countdown_s: seconds left in STATION_COUNTDOWN
 * @labels: operator, witness, asset tag, reason for its erasure
 * @prog: the progress while it runs, the last one after
 * @result: erase_result_name() of its result ("" until it ends)
 * @verified: its result is a verified erasure
 * @category: "clear" or "purge", what the method was (once it ran)
 * @report_path: where its report went ("" if nowhere)
 * @cert_path: where its certificate went ("" if none)
 * @cert_id: the certificate's id ("" if none)
 * @sent: what became of the certificate after it was written (register,
 *        output directory), for the person, "" if nothing was sent
 * @named: named on the command line (loop devices and files are admitted only then)
 * @ran: its erasure ran (it was held and started)
 * @code: the result's code (valid once it ended and @ran)
 * @err: why it did not run or failed as a whole (negative errno), or 0
 * @bad_blocks: blocks that could not be written or read back
 * @mismatches: blocks that read back other than written
 * @report_err: the report could not be written (negative errno), or 0
 * @cert_err: the certificate could not be made or written (negative errno), or 0
 * @pulled: it was pulled while it ran
 */
struct station_drive {
	unsigned id;
	char path[PATH_MAX];
	char model[128];
	char serial[128];
	char transport[16];
	char content[64];
	uint64_t size;
	bool refused;
	char why[STATION_TEXT];
	char purge[512];
	char method[64];
	enum station_state state;
	unsigned countdown_s;
	struct station_labels labels;
	struct station_progress prog;
	char result[16];
	bool verified;
	char category[8];
	char report_path[PATH_MAX];
	char cert_path[PATH_MAX];
	char cert_id[37];
	char sent[STATION_TEXT];
	bool named;
	bool ran;
	enum erase_result_code code;
	int err;
	uint64_t bad_blocks, mismatches;
	int report_err, cert_err;
	bool pulled;
};

/**
 * struct station_policy - which drives unattended mode may erase, from a
 * policy file (station_policy_load()) or the defaults
 * @transports: the admitted transports, lower case; @ntransports 0: any
 * @min_size: smallest admitted size in bytes (0: no bound)
 * @max_size: largest admitted size in bytes (0: no bound)
 * @method: the method ("" : auto)
 * @countdown_s: the countdown before an unattended start
 * @has_countdown: the file set @countdown_s
 */
struct station_policy {
	char transports[STATION_TRANSPORTS][16];
	size_t ntransports;
	uint64_t min_size, max_size;
	char method[64];
	unsigned countdown_s;
	bool has_countdown;
};

/**
 * enum station_event_type - what a front end is told
 * @STATION_EV_ADDED: a drive appeared (at the first scan, or attached)
 * @STATION_EV_GONE: a drive was pulled (a running one then ends as failed)
 * @STATION_EV_CHANGED: anything else of a drive changed (state, refusal, labels)
 * @STATION_EV_REFUSED: a drive is refused; its why says why
 * @STATION_EV_COUNTDOWN: a second of its countdown passed (or it began)
 * @STATION_EV_CANCELLED: its countdown was cancelled; nothing was written
 * @STATION_EV_STARTED: its erasure started
 * @STATION_EV_PROGRESS: its progress changed (at most a few times a second)
 * @STATION_EV_FINISHED: its erasure ended; result, report and certificate are set
 * @STATION_EV_IDLE: with STATION_ONCE, every drive is done: the front end may end
 */
enum station_event_type {
	STATION_EV_ADDED,
	STATION_EV_GONE,
	STATION_EV_CHANGED,
	STATION_EV_REFUSED,
	STATION_EV_COUNTDOWN,
	STATION_EV_CANCELLED,
	STATION_EV_STARTED,
	STATION_EV_PROGRESS,
	STATION_EV_FINISHED,
	STATION_EV_IDLE,
};

/**
 * struct station_event - one event
 * @type: what happened
 * @drive: the drive's id (0 for STATION_EV_IDLE)
 */
struct station_event {
	enum station_event_type type;
	unsigned drive;
};

/**
 * struct station_cert - what the front end's certificate hook made of a
 * finished drive, copied into its struct station_drive
 * @path: the certificate's file ("" if none)
 * @id: its id
 * @sent: where it went besides, for the person ("register", "register: queued", ...)
 */
struct station_cert {
	char path[PATH_MAX];
	char id[37];
	char sent[STATION_TEXT];
};

enum {
	STATION_AUTO = 1 << 0, /* unattended: admitted drives start after the countdown */
	STATION_ONCE = 1 << 1, /* handle the named (or present) drives, then STATION_EV_IDLE */
	STATION_NO_HOTPLUG = 1 << 2, /* no uevent monitor (tests; no netlink in a container) */
};

/**
 * struct station_opts - how a station runs; copied by station_new(), the
 * strings it points to must outlive the station
 * @flags: STATION_* flags
 * @paths: the drives named on the command line (@npaths; 0: every disk)
 * @policy: what unattended mode admits (NULL: any transport and size)
 * @method: the default method ("auto" when NULL)
 * @countdown_s: before an unattended start
 * @labels: the batch's operator, witness, asset tag and reason: each drive's default
 * @report_dir: every report goes into this directory
 * @job: the rest of what each erase_job gets (verification, who, ...):
 *       method, report, report_dir, abort, progress and report_done are the station's
 * @held: asks the register whether a drive is on hold, before it is admitted:
 *        0 (not held), -EPERM (on hold; @why says why), another errno (the
 *        register cannot tell: refused too). Called from the station's
 *        threads, never two at once. NULL: nothing is held.
 * @prepare: after the drive is held, before a byte is written, from its
 *           thread: check that its certificate can be made and reserve its
 *           files (as kesu erase does); 0 or a negative errno, which
 *           refuses the drive (its report says so). @slot is the drive's,
 *           handed to @certify and @release. NULL: nothing to prepare.
 * @certify: makes the certificate of a finished drive from its @report and
 *           sends it on, from the drive's thread (one at a time: the
 *           station serialises them); its return ends in the drive's
 *           cert_err. NULL: no certificates.
 * @release: at the end of the drive's thread, whatever happened, when
 *           @prepare succeeded
 * @usr: handed to every hook
 */
struct station_opts {
	unsigned flags;
	char *const *paths;
	size_t npaths;
	const struct station_policy *policy;
	const char *method;
	unsigned countdown_s;
	struct station_labels labels;
	const char *report_dir;
	struct erase_job_opts job;
	int (*held)(const char *path, const char *serial, const char *asset_tag, char *why,
		    size_t len, void *usr);
	int (*prepare)(const struct station_drive *d, const struct erase_target *t, void **slot,
		       void *usr);
	int (*certify)(const struct station_drive *d, const struct erase_target *t,
		       const json_t *report, void *slot, struct station_cert *out, void *usr);
	void (*release)(void *slot, void *usr);
	void *usr;
};

struct station;

/**
 * station_new() - a station; nothing is scanned or started yet
 * Return: 0, -ENOMEM, -EINVAL (@o->method unknown: erase_job_check_opts())
 */
int station_new(const struct station_opts *o, struct station **out);

/**
 * station_run() - scan the drives, start the uevent monitor and the
 * station's thread; events begin to arrive
 * Return: 0, -ENOMEM, -EAGAIN (no thread), or the errno of the first scan
 * (hot-plug that cannot be watched is logged and the station goes on
 * without it)
 */
int station_run(struct station *s);

/**
 * station_event_fd() - readable while events wait; for poll(), never read it
 */
int station_event_fd(const struct station *s);

/**
 * station_event_next() - take the oldest event, from the front end's thread
 * Return: 0 (@ev set), -EAGAIN (none waits)
 */
int station_event_next(struct station *s, struct station_event *ev);

/** station_lock() - hold the drives still while reading them in place */
void station_lock(struct station *s);
void station_unlock(struct station *s);

/** station_count() - how many drives, gone ones included (under station_lock()) */
size_t station_count(const struct station *s);

/**
 * station_drive_at() - the @i-th drive in the order they came (under
 * station_lock()); NULL past the end
 */
const struct station_drive *station_drive_at(const struct station *s, size_t i);

/**
 * station_drive_get() - a copy of drive @id, taken under the lock
 * Return: 0, -ENOENT (no such drive)
 */
int station_drive_get(struct station *s, unsigned id, struct station_drive *out);

/**
 * station_rescan() - look at every block device again (and the named ones):
 * new ones are added, missing ones marked gone, what changed is refreshed
 * Return: 0, -ENOMEM, or the errno of listing the devices
 */
int station_rescan(struct station *s);

/**
 * station_select() - choose drive @id (@on) or leave it
 * Return: 0; -ENOENT (no such drive), -EPERM (refused: never selectable),
 * -EBUSY (counting down, running or over)
 */
int station_select(struct station *s, unsigned id, bool on);

/**
 * station_set_labels() - operator, witness, asset tag, reason of drive @id
 * (0: of every drive not yet started, and of those attached later)
 * Return: 0; -ENOENT; -EBUSY (running or over); -EINVAL (a reason that
 * erase_reason_valid() refuses)
 */
int station_set_labels(struct station *s, unsigned id, const struct station_labels *l);

/**
 * station_set_method() - the method of drive @id (0: of every drive not yet started)
 * Return: 0; -ENOENT; -EBUSY; the errno of erase_job_check_opts()
 */
int station_set_method(struct station *s, unsigned id, const char *method);

/**
 * station_start() - erase drive @id: after the station's countdown when
 * @countdown, else now. 0 for @id: every selected drive.
 * Return: 0; -ENOENT; -EPERM (refused); -EBUSY (already counting down,
 * running or over)
 */
int station_start(struct station *s, unsigned id, bool countdown);

/**
 * station_cancel() - stop drive @id (0: every drive): a countdown is
 * cancelled (nothing written), a running erasure aborted (it ends as
 * aborted, with its report); safe from a signal handler's flag check, not
 * from the handler itself
 * Return: 0; -ENOENT
 */
int station_cancel(struct station *s, unsigned id);

/**
 * station_cancel_countdowns() - cancel every countdown (a key in line
 * mode); what runs goes on
 */
void station_cancel_countdowns(struct station *s);

/**
 * station_report() - the report of finished drive @id, as written
 * @out: a new reference; json_decref() it
 * Return: 0; -ENOENT (no such drive); -EAGAIN (it has not ended)
 */
int station_report(struct station *s, unsigned id, json_t **out);

/**
 * station_busy() - drives counting down or running
 */
size_t station_busy(struct station *s);

/**
 * station_free() - abort what runs, wait for it, stop the threads, free
 * everything; the reports of aborted drives are written first
 */
void station_free(struct station *s);

/**
 * station_machine_folder() - make the folder of this machine's results in
 * @output_dir (mode 0750; one that exists is used): "SERIAL-TAG", the DMI
 * serial ("unknown-serial") and @tag (NULL: the DMI chassis asset tag, else
 * "no-tag"), each in outfile_name_part() characters, at most 64
 * @dir: set to its path
 * Return: 0, -ENOMEM, -ENAMETOOLONG, or the errno of mkdir(2) (-EACCES,
 * -ENOENT, -ENOSPC, -EROFS, -ENOTDIR)
 */
int station_machine_folder(const char *output_dir, const char *tag, char *dir, size_t len);

/**
 * station_machine_drives() - copies of the drives the machine summary
 * lists: those that ran, and those named that did not
 * @out: set to a new array (free() it), also when there are none
 * Return: how many, or -ENOMEM
 */
long station_machine_drives(struct station *s, struct station_drive **out);

/**
 * station_policy_default() - any transport and size, method auto, 10 s
 */
void station_policy_default(struct station_policy *p);

/**
 * station_policy_load() - read a policy file (ini: [admit] transport,
 * min_size, max_size, method, countdown)
 * @why: what is wrong, for the person
 * Return: 0; -EPERM (writable by group or others, or not owned by root or
 * the caller); -EINVAL (a bad line or value: @why names it); -ENOENT and
 * the errnos of opening it
 */
int station_policy_load(const char *path, struct station_policy *p, char *why, size_t len);

/**
 * station_policy_admit() - whether @p admits a drive of @transport and @size
 * @why: the reason it is not admitted
 * Return: true when admitted
 */
bool station_policy_admit(const struct station_policy *p, const char *transport, uint64_t size,
			  char *why, size_t len);

/** station_state_name() - "idle", "selected", "countdown", "running", "done", "failed", "gone" */
const char *station_state_name(enum station_state st);

/** station_event_name() - "added", "gone", "changed", "refused", "countdown", ... */
const char *station_event_name(enum station_event_type t);

#endif
