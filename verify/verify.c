// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pool.h"
#include "sample.h"
#include "verify.h"

struct verify_ctx {
	struct dev *dev;
	const struct pattern *pat;
	struct sample_plan plan;
	pthread_mutex_t lock;
	struct verify_result *r;
	uint64_t unread; /* bytes that could not be read */
	atomic_uint_fast64_t *errors;
	struct pool_bisect bisect;
};

static int record(struct verify_ctx *c, struct range_list *l, uint64_t off, size_t len)
{
	uint32_t lbs = c->dev->lbs;
	uint64_t first = off / lbs, last = (off + len - 1) / lbs;
	int r;

	pthread_mutex_lock(&c->lock);
	r = ranges_add(l, first, last - first + 1);
	if (l == &c->r->read_errors)
		c->unread += len;
	pthread_mutex_unlock(&c->lock);
	if (c->errors)
		atomic_fetch_add(c->errors, last - first + 1);
	return r;
}

/* A chunk differs somewhere: the blocks that differ are the non-zero ones. */
static int find_mismatch(struct verify_ctx *c, const uint8_t *diff, uint64_t off, size_t len)
{
	uint32_t lbs = c->dev->lbs;

	for (size_t at = 0; at < len; at += lbs) {
		size_t n = len - at < lbs ? len - at : lbs;
		int r = 0;

		if (!pattern_is_zero(diff + at, n))
			r = record(c, &c->r->mismatch, off + at, n);
		if (r)
			return r;
	}
	return 0;
}

/* Read [off, off+len) and compare; read errors go back to pool_bisect(). */
static int check_piece(void *ctx, void *buf, void *scratch, uint64_t off, size_t len)
{
	struct verify_ctx *c = ctx;
	int r = dev_pread(c->dev, buf, len, off);

	if (r)
		return r;
	/* what was read XOR what should be there: all zero when it matches */
	r = pattern_xor(c->pat, buf, len, off, scratch);
	if (r || pattern_is_zero(buf, len))
		return r;
	return find_mismatch(c, buf, off, len);
}

static int check_bad(void *ctx, uint64_t off, size_t len, int err)
{
	struct verify_ctx *c = ctx;

	log_dbg("%s: read error at byte %llu: %s", c->dev->path, (unsigned long long)off,
		strerror(-err));
	return record(c, &c->r->read_errors, off, len);
}

static int verify_chunk(void *ctx, void *buf, void *scratch, uint64_t off, size_t len)
{
	struct verify_ctx *c = ctx;

	return pool_bisect(&c->bisect, buf, scratch, off, len);
}

static void sample_extent(void *ctx, uint64_t i, uint64_t *off, size_t *len)
{
	struct verify_ctx *c = ctx;

	*off = c->plan.off[i];
	*len = c->plan.len[i];
}

int verify_run(struct dev *d, const struct pattern *p, const struct verify_opts *o,
	       struct verify_result *r)
{
	struct verify_ctx c = {
		.dev = d,
		.pat = p,
		.r = r,
		.errors = o->errors,
		.bisect = { .dev = d, .io = check_piece, .bad = check_bad, .ctx = &c }
	};
	struct pool_job job = {
		.dev = d,
		.fn = verify_chunk,
		.ctx = &c,
		.nworkers = o->queue_depth,
		.chunk = pool_chunk(d, o->chunk),
		.scratch = p->kind == PATTERN_BYTES, /* the others XOR in place */
		.progress = o->progress,
		.progress_usr = o->progress_usr,
		.abort = o->abort,
		.errors = o->errors,
	};
	int ret;

	memset(r, 0, sizeof(*r));
	job.prog = (struct progress){
		.target = d->path, .phase = "verify", .pass = o->pass, .npasses = o->npasses
	};
	ret = dev_drop_cache(d);
	if (ret)
		return ret;
	if (o->sample_pct) {
		/*
		 * in units of what direct I/O needs, so that no subsection
		 * falls back to the page cache except an unaligned tail
		 */
		ret = sample_plan_make(d->size, d->align, o->sample_pct, o->seed, &c.plan);
		if (ret)
			return ret;
		job.extent = sample_extent;
		job.nextents = c.plan.n;
		job.total = c.plan.bytes;
		/* a subsection is one request; the buffer must hold the largest */
		for (size_t i = 0; i < c.plan.n; i++)
			if (c.plan.len[i] > job.chunk)
				job.chunk = c.plan.len[i];
		job.chunk = pool_chunk(d, job.chunk);
	} else {
		job.total = d->size;
	}
	pthread_mutex_init(&c.lock, NULL);
	ret = pool_run(&job);
	pthread_mutex_destroy(&c.lock);
	r->bytes_read = job.done - c.unread;
	if (!ret) {
		r->complete = true;
		r->samples = o->sample_pct ? c.plan.n : 0;
	}
	sample_plan_free(&c.plan);
	return ret;
}

json_t *verify_read_paths_json(const struct dev *d)
{
	json_t *a = json_array();

	for (int p = 0; a && p < DEV_READ_NPATHS; p++) {
		uint64_t n = dev_read_bytes(d, p);

		if (n &&
		    json_array_append_new(a, json_pack("{s:s,s:I}", "path", dev_read_path_name(p),
						       "bytes", (json_int_t)n))) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

void verify_result_free(struct verify_result *r)
{
	ranges_free(&r->mismatch);
	ranges_free(&r->read_errors);
}
