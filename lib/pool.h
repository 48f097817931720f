/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A few threads that keep several requests in flight on one device. Erasure
 * (writes) and verification (reads) both walk a list of extents through it,
 * so the chunking, the abort check and the progress pacing live once.
 */
#ifndef KESU_POOL_H
#define KESU_POOL_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev.h"
#include "progress.h"

/*
 * I/O defaults, the one place they are set. Disks need many large requests
 * in flight to reach their sequential limit (measured on loop devices:
 * 16 x 4 MiB reads ran 1.3x faster than 8 x 1 MiB). Removable media are
 * slow, and every byte in flight delays an abort, so they get less.
 */
#define POOL_QUEUE_DEPTH 16
#define POOL_CHUNK (4u << 20)
#define POOL_QUEUE_DEPTH_REMOVABLE 8
#define POOL_CHUNK_REMOVABLE (1u << 20)

/*
 * Do one chunk: @buf (and @scratch, when the job asks for it) are aligned
 * buffers of the pool's chunk size owned by the calling worker. Return 0 to
 * go on or a negative errno to stop the whole run (media errors should be
 * recorded and 0 returned).
 */
typedef int (*pool_chunk_fn)(void *ctx, void *buf, void *scratch, uint64_t off, size_t len);

/* Extent i of the job: byte offset and length (length <= chunk). */
typedef void (*pool_extent_fn)(void *ctx, uint64_t i, uint64_t *off, size_t *len);

struct pool_job {
	struct dev *dev;
	uint64_t nextents;
	pool_extent_fn extent; /* NULL: the whole device in chunk-sized steps */
	pool_chunk_fn fn;
	void *ctx;
	unsigned nworkers;    /* 0: POOL_QUEUE_DEPTH */
	size_t chunk;	      /* buffer size, a multiple of dev->align (pool_chunk()) */
	int scratch;	      /* give each worker a second buffer */
	uint64_t total;	      /* bytes for progress */
	struct progress prog; /* template; done/elapsed filled in */
	progress_fn progress;
	void *progress_usr;
	volatile sig_atomic_t *abort;
	/* the run's count of bad blocks, which @fn adds to: read into each report (NULL: 0) */
	atomic_uint_fast64_t *errors;
	uint64_t done; /* out: bytes of the chunks that completed */
};

/**
 * pool_chunk() - the request size to use on @d
 * @want: bytes asked for; 0 for POOL_CHUNK
 *
 * Return: @want (or POOL_CHUNK) rounded up to a multiple of @d->align
 */
size_t pool_chunk(const struct dev *d, size_t want);

/**
 * pool_io_defaults() - fill in the queue depth and request size left at 0:
 * removable media get fewer and smaller requests, so that an abort is quick
 */
void pool_io_defaults(bool removable, unsigned *queue_depth, size_t *chunk);

/** pool_whole_device_extents() - number of chunks covering the device */
uint64_t pool_whole_device_extents(const struct dev *d, size_t chunk);

/**
 * pool_run() - run @job to the end, an error, or an abort
 * Return: 0, -EINTR on abort, the first error a chunk returned, -ENOMEM
 */
int pool_run(struct pool_job *job);

/*
 * Record one logical block of [@off, @off + @len) that still fails with a
 * media error (@err); return 0 to go on or a negative errno to stop.
 */
typedef int (*pool_bad_fn)(void *ctx, uint64_t off, size_t len, int err);

struct pool_bisect {
	struct dev *dev;  /* its logical block is the smallest piece */
	pool_chunk_fn io; /* the transfer (and its check) for one piece */
	pool_bad_fn bad;
	void *ctx; /* for both */
};

/**
 * pool_bisect() - run @b->io on a range, narrowing media errors to blocks
 * @buf: the bytes of [@off, @off + @len); pieces get the matching part
 * @scratch: a second buffer of the same size, or NULL
 *
 * When @b->io fails with a media error (dev_is_media_error()), the range is
 * halved on logical-block boundaries until single blocks remain; blocks that
 * still fail go to @b->bad and the rest of the range is done. One bad block
 * costs a few dozen requests, not a lost chunk.
 *
 * Return: 0, or the first other negative errno from @b->io or @b->bad
 */
int pool_bisect(const struct pool_bisect *b, void *buf, void *scratch, uint64_t off, size_t len);

#endif
