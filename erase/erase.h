/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Erasure: a table of methods, and the overwrite engine that runs the
 * passes of a plan with several requests in flight, records bad blocks and
 * verifies what it wrote. Firmware methods (NVMe/ATA/SCSI sanitize, LUKS
 * keyslot destruction) join the table with a run hook of their own.
 */
#ifndef KESU_ERASE_H
#define KESU_ERASE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dev.h"
#include "progress.h"
#include "ranges.h"
#include "pattern.h"

#define ERASE_MAX_PASSES 64

enum erase_verify {
	ERASE_VERIFY_NONE,
	ERASE_VERIFY_LAST,
	ERASE_VERIFY_ALL,
	ERASE_VERIFY_SAMPLE,
};

enum erase_result_code {
	ERASE_SUCCESS,
	ERASE_FAILED,
	ERASE_ABORTED,
	ERASE_REFUSED, /* nothing was written: in use, read-only, not confirmed */
};

struct erase_method;
struct erase_caps; /* what a drive can do (firmware methods), erase/caps.h */
struct fw;	   /* the drive-command transport, lib/fw.h */
struct json_t;	   /* jansson */

struct erase_plan {
	const struct erase_method *m;
	char method[8 + 2 * PATTERN_MAX_BYTES + 8]; /* "random", "dod3", "pattern:a55a" */
	const char *category;			    /* "clear" (overwrite) or "purge" */
	const char *technique;			    /* "overwrite" */
	unsigned npasses;
	struct pattern pass[ERASE_MAX_PASSES];
	bool blank;
	enum erase_verify verify;
	unsigned sample_pct; /* ERASE_VERIFY_SAMPLE */
};

struct erase_opts;
struct erase_result;

struct erase_method {
	const char *name;      /* "zero", "one", "random", "dod3", "pattern" */
	const char *category;  /* NIST SP 800-88 category: "clear", "purge" */
	const char *technique; /* "overwrite", "block-erase", "crypto-erase", ... */
	const char *help;
	/* Append this method's passes for @arg (the HEX of pattern:HEX) to @plan. */
	int (*add_passes)(struct erase_plan *plan, const char *arg);
	/* Carry out @plan on @d; same contract as erase_run(). */
	int (*run)(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		   struct erase_result *r);
	/* Can the drive do it? NULL: every device that can be written can. */
	bool (*supported)(const struct erase_caps *caps, char *why, size_t len);
};

/*
 * The method tables of each family, each terminated by a NULL name; erase_methods()
 * joins them. Overwrite methods live in method.c, the firmware ones beside their
 * command builders.
 */
extern const struct erase_method erase_methods_nvme[]; /* erase/method_nvme.c */
extern const struct erase_method erase_methods_ata[];  /* erase/method_ata.c */
extern const struct erase_method erase_methods_scsi[]; /* erase/method_scsi.c */
extern const struct erase_method erase_methods_luks[]; /* erase/method_luks.c */
extern const struct erase_method erase_methods_auto[]; /* erase/purge.c */

/** erase_methods() - every method, in one table terminated by a NULL name */
const struct erase_method *erase_methods(void);

/**
 * erase_method_find() - the method a spec names ("pattern:a55a" -> pattern)
 * Return: the method, or NULL when there is none of that name
 */
const struct erase_method *erase_method_find(const char *spec);

/**
 * erase_plan_make() - build a plan from a method spec
 * @spec: "random", "zero", "one", "dod3", "pattern:HEX"
 * @repeat: run the method's passes this many times (>= 1)
 * @blank: append a zero pass
 * Return: 0, -ENOENT (no such method), -EINVAL (bad or missing argument,
 * e.g. HEX), -E2BIG (more than ERASE_MAX_PASSES passes in all), -ENOMEM
 */
int erase_plan_make(const char *spec, unsigned repeat, bool blank, enum erase_verify verify,
		    unsigned sample_pct, struct erase_plan *plan);

/** erase_plan_free() - wipe the keys of the plan's random passes */
void erase_plan_free(struct erase_plan *plan);

/** erase_parse_verify() - "last", "all", "none", "sample", "sample:PCT"; 0 or -EINVAL */
int erase_parse_verify(const char *s, enum erase_verify *mode, unsigned *pct);

const char *erase_verify_name(enum erase_verify v);
const char *erase_result_name(enum erase_result_code r);

/* the value of an abort flag when a person stopped one target (not a signal) */
#define ERASE_ABORT_ASKED (-1)

struct erase_opts {
	unsigned queue_depth;
	size_t chunk;
	progress_fn progress;
	void *progress_usr;
	volatile sig_atomic_t *abort; /* nonzero: stop; a signal number, or ERASE_ABORT_ASKED */
	uint64_t sample_seed;	      /* 0: random */
	/*
	 * Test hook: called after a pass is written and flushed, before it is
	 * read back (tests change the device here to prove verification reads it).
	 */
	void (*after_write)(struct dev *d, unsigned pass, void *usr);
	void *after_write_usr;
	/* firmware methods: the transport to the drive and what it can do (else NULL) */
	struct fw *fw;
	const struct erase_caps *caps;
	const char *path;	/* the target's path (libcryptsetup opens it by name) */
	bool exit_failure_mode; /* a drive left in sanitize failure mode may leave it first */
	/* how a firmware method waits for its drive (erase/purge.h); NULL: the real clock */
	const struct purge_timing *timing;
};

struct erase_pass_result {
	uint64_t bytes_written; /* blocks that could not be written not counted */
	bool completed;		/* the pass went over the whole device */
	bool verified;		/* read back in full, and every block matched */
	uint64_t bytes_verified;
	uint64_t samples;
};

struct erase_result {
	enum erase_result_code code;
	char reason[256];
	struct erase_pass_result pass[ERASE_MAX_PASSES];
	unsigned passes_run;
	struct range_list write_errors;
	struct range_list read_errors;
	struct range_list mismatch;
	uint64_t bytes_read;
	uint64_t samples;
	bool verified;			   /* the chosen verification ran to the end and matched */
	struct timespec started, finished; /* CLOCK_REALTIME */
	int err;			   /* device-level error that stopped the run, or 0 */
	/*
	 * Firmware methods: a JSON object for the report's "purge" member (the
	 * command, its scope, raw completion status, log values, the before/after
	 * verification); owned by the result, freed by erase_result_free()
	 */
	struct json_t *purge;
};

/**
 * erase_run() - the overwrite engine: run every pass of @plan on @d,
 * verifying as the plan says (the run hook of every overwrite method)
 *
 * Media errors do not stop the run: the failing blocks are narrowed down,
 * recorded, and the run goes on. The result is ERASE_SUCCESS only when every
 * byte of every pass was written and the chosen verification passed.
 *
 * Return: 0 when the run ended normally (read @r->code), -EINTR on abort
 * (@r->code is ERASE_ABORTED), or a negative errno when the device failed
 * as a whole (@r->code ERASE_FAILED, @r->err set)
 */
int erase_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r);

void erase_result_free(struct erase_result *r);

#endif
