/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read-back verification: the whole device, or a sample plan, compared with
 * a pattern. Reads always reach the medium (dev_drop_cache first, and
 * O_DIRECT where the backend has it).
 */
#ifndef KESU_VERIFY_H
#define KESU_VERIFY_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <stdatomic.h>

#include "dev.h"
#include "progress.h"
#include "ranges.h"
#include "pattern.h"

struct verify_opts {
	unsigned sample_pct;  /* 0: read everything; 1..100: sample plan */
	uint64_t seed;	      /* sample plan seed */
	unsigned queue_depth; /* requests in flight */
	size_t chunk;	      /* bytes per request */
	progress_fn progress;
	void *progress_usr;
	unsigned pass, npasses;	      /* for progress reports */
	volatile sig_atomic_t *abort; /* set by a signal handler: stop soon */
	/* counted up by each block found unreadable or different, for progress (NULL: not) */
	atomic_uint_fast64_t *errors;
};

struct verify_result {
	uint64_t bytes_read;	       /* read back (unreadable blocks not counted) */
	uint64_t samples;	       /* subsections read (sample mode) */
	struct range_list mismatch;    /* logical blocks that differ */
	struct range_list read_errors; /* logical blocks that could not be read */
	bool complete;		       /* the whole plan was read */
};

/**
 * verify_run() - read @d back and compare with @p
 * Return: 0 when the plan ran to the end (look at @r for mismatches and
 * read errors), -EINTR when aborted, or a negative errno when the device
 * failed as a whole
 */
int verify_run(struct dev *d, const struct pattern *p, const struct verify_opts *o,
	       struct verify_result *r);

void verify_result_free(struct verify_result *r);

/**
 * verify_read_paths_json() - the read paths @d used, for a report
 *
 * Each path that read anything since @d was opened, with its bytes, e.g.
 * [{"path":"O_DIRECT","bytes":67108864},
 *  {"path":"buffered+fadvise(DONTNEED)","bytes":1536}]. This, not
 * @d->cache_bypass, says what reads actually went through.
 *
 * Return: a new JSON array, or NULL when out of memory (ENOMEM)
 */
json_t *verify_read_paths_json(const struct dev *d);

#endif
