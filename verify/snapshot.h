/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot of a device before a command that should change every block
 * (a drive's sanitize, format or crypto erase): a NIST SP 800-88 sample
 * (sample.h) with a SHA-256 hash of each sampled subsection. Compared after
 * the command, read again past the page cache: a subsection that hashes as
 * before was not changed; one that does not read as the expected pattern
 * was not erased as the drive says.
 */
#ifndef KESU_SNAPSHOT_H
#define KESU_SNAPSHOT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "dev.h"
#include "pattern.h"
#include "progress.h"
#include "ranges.h"
#include "sample.h"

struct snapshot_opts {
	unsigned pct;		      /* 1..100 percent of the device */
	uint64_t seed;		      /* sample plan seed (0: random) */
	const struct pattern *expect; /* what every block reads as afterwards, or NULL */
	progress_fn progress;	      /* phases "sample" and "verify" */
	void *progress_usr;
	volatile sig_atomic_t *abort; /* set by a signal handler: stop soon */
};

struct snapshot_block {
	uint64_t off;
	uint32_t len;
	uint8_t hash[32]; /* SHA-256 of what it held (or of its canary) */
	bool canary;
};

struct snapshot {
	struct sample_plan plan;
	struct snapshot_block *b; /* plan.n of them */
	uint64_t canaries;	  /* subsections overwritten with a random canary */
	uint64_t bytes_read;
};

struct snapshot_diff {
	uint64_t samples;	       /* subsections read back */
	uint64_t bytes_read;	       /* read back */
	uint64_t unchanged;	       /* read as before */
	uint64_t not_pattern;	       /* changed, but not to the expected pattern */
	uint64_t unreadable;	       /* could not be read back */
	struct range_list mismatch;    /* logical blocks of the unchanged and not_pattern ones */
	struct range_list read_errors; /* logical blocks that could not be read */
};

/**
 * snapshot_take() - read and hash a sample of @d before a command
 *
 * A subsection that already reads as @o->expect (or, without it, all 0x00
 * or all 0xff, which is what a crypto-erased or deallocated block often
 * reads as) could not show a change: a random canary is written over it
 * first (the caller has the person's confirmation to erase), and its hash
 * kept instead.
 *
 * Return: 0, -EINTR (aborted), -EINVAL (@o->pct out of range), -ENOMEM, or
 * the errno of a read or write that failed
 */
int snapshot_take(struct dev *d, const struct snapshot_opts *o, struct snapshot *s);

/**
 * snapshot_compare() - read the sample of @s again past the page cache
 * (the device's cache is dropped first; block devices read O_DIRECT)
 * @r: zeroed and filled; free with snapshot_diff_free()
 *
 * A subsection that cannot be read (a media error) is counted and listed,
 * and the comparison goes on.
 *
 * Return: 0 (look at @r), -EINTR (aborted), or the errno of a device that
 * failed as a whole
 */
int snapshot_compare(struct dev *d, const struct snapshot *s, const struct snapshot_opts *o,
		     struct snapshot_diff *r);

/** snapshot_free() - release @s */
void snapshot_free(struct snapshot *s);

/** snapshot_diff_free() - release the lists of @r */
void snapshot_diff_free(struct snapshot_diff *r);

#endif
