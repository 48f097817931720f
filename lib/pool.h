/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A few threads that keep several requests in flight on one device. Erasure
 * (writes) and verification (reads) both walk a list of extents through it,
 * so the chunking, the abort check and the progress pacing live once.
 */
#ifndef KESU_POOL_H
#define KESU_POOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "dev.h"
#include "progress.h"

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
	pool_extent_fn extent;	/* NULL: the whole device in chunk-sized steps */
	pool_chunk_fn fn;
	void *ctx;
	unsigned nworkers;
	size_t chunk;		/* buffer size, a multiple of dev->align */
	int scratch;		/* give each worker a second buffer */
	uint64_t total;		/* bytes for progress */
	struct progress prog;	/* template; done/elapsed filled in */
	progress_fn progress;
	void *progress_usr;
	volatile sig_atomic_t *abort;
	uint64_t done;		/* out: bytes of the chunks that completed */
};

/** pool_whole_device_extents() - number of chunks covering the device */
uint64_t pool_whole_device_extents(const struct dev *d, size_t chunk);

/**
 * pool_run() - run @job to the end, an error, or an abort
 * Return: 0, -EINTR on abort, the first error a chunk returned, -ENOMEM
 */
int pool_run(struct pool_job *job);

#endif
