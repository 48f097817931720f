// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "erase.h"
#include "log.h"
#include "pool.h"
#include "verify/verify.h"

struct write_ctx {
	struct dev *dev;
	const struct pattern *pat;
	pthread_mutex_t lock;
	struct range_list *bad;
	uint64_t bad_bytes; /* not written in this pass */
	atomic_uint_fast64_t *errors;
	void *same; /* filled once, when every request holds the same bytes */
	struct pool_bisect bisect;
};

static int write_piece(void *ctx, void *buf, void *scratch, uint64_t off, size_t len)
{
	struct write_ctx *c = ctx;

	return dev_pwrite(c->dev, buf, len, off);
}

/* A block that cannot be written is recorded and the pass goes on. */
static int write_bad(void *ctx, uint64_t off, size_t len, int err)
{
	struct write_ctx *c = ctx;
	int r;

	log_dbg("%s: write error at byte %llu: %s", c->dev->path, (unsigned long long)off,
		strerror(-err));
	pthread_mutex_lock(&c->lock);
	r = ranges_add(c->bad, off / c->dev->lbs, 1);
	c->bad_bytes += len;
	pthread_mutex_unlock(&c->lock);
	atomic_fetch_add(c->errors, 1);
	return r;
}

static int write_chunk(void *ctx, void *buf, void *scratch, uint64_t off, size_t len)
{
	struct write_ctx *c = ctx;
	int r;

	if (c->same)
		return pool_bisect(&c->bisect, c->same, NULL, off, len);
	r = pattern_fill(c->pat, buf, len, off);
	return r ? r : pool_bisect(&c->bisect, buf, NULL, off, len);
}

static bool pass_is_verified(const struct erase_plan *plan, unsigned i)
{
	switch (plan->verify) {
	case ERASE_VERIFY_ALL: return true;
	case ERASE_VERIFY_LAST:
	case ERASE_VERIFY_SAMPLE: return i == plan->npasses - 1;
	default: return false;
	}
}

/* @errors: the run's bad blocks so far, shown while it works */
static int write_pass(struct dev *d, const struct erase_plan *plan, unsigned i,
		      const struct erase_opts *o, struct erase_result *r,
		      atomic_uint_fast64_t *errors)
{
	struct write_ctx c = {
		.dev = d, .pat = &plan->pass[i], .bad = &r->write_errors, .errors = errors
	};
	struct pool_job job = {
		.dev = d,
		.fn = write_chunk,
		.ctx = &c,
		.nworkers = o->queue_depth,
		.chunk = pool_chunk(d, o->chunk),
		.total = d->size,
		.progress = o->progress,
		.progress_usr = o->progress_usr,
		.abort = o->abort,
		.errors = errors,
	};
	void *same = NULL;
	int ret, fr;

	job.prog = (struct progress){
		.target = d->path, .phase = "write", .pass = i + 1, .npasses = plan->npasses
	};
	/* every request starts at a multiple of the chunk size */
	if (pattern_repeats_every(c.pat, job.chunk)) {
		same = dev_buf_alloc(d, job.chunk);
		if (!same)
			return -ENOMEM;
		ret = pattern_fill(c.pat, same, job.chunk, 0);
		if (ret) {
			dev_buf_free(same);
			return ret;
		}
		c.same = same;
	}
	c.bisect = (struct pool_bisect){ .dev = d, .io = write_piece, .bad = write_bad, .ctx = &c };
	pthread_mutex_init(&c.lock, NULL);
	ret = pool_run(&job);
	pthread_mutex_destroy(&c.lock);
	dev_buf_free(same);
	r->pass[i].bytes_written = job.done - c.bad_bytes;
	/* flush even after an abort: what was written should reach the medium */
	fr = dev_flush(d);
	if (!ret && fr) {
		log_err("%s: cannot flush pass %u: %s", d->path, i + 1, strerror(-fr));
		ret = fr;
	}
	if (!ret)
		r->pass[i].completed = true;
	return ret;
}

static int verify_pass(struct dev *d, const struct erase_plan *plan, unsigned i,
		       const struct erase_opts *o, struct erase_result *r,
		       atomic_uint_fast64_t *errors)
{
	struct verify_result vr;
	struct verify_opts vo = {
		.sample_pct = plan->verify == ERASE_VERIFY_SAMPLE ? plan->sample_pct : 0,
		.seed = o->sample_seed,
		.queue_depth = o->queue_depth,
		.chunk = o->chunk,
		.progress = o->progress,
		.progress_usr = o->progress_usr,
		.pass = i + 1,
		.npasses = plan->npasses,
		.abort = o->abort,
		.errors = errors,
	};
	int ret = verify_run(d, &plan->pass[i], &vo, &vr);

	r->pass[i].bytes_verified = vr.bytes_read;
	r->pass[i].samples = vr.samples;
	/* this pass is verified only if all of it was read and matched */
	r->pass[i].verified = vr.complete && !vr.mismatch.n && !vr.read_errors.n;
	r->bytes_read += vr.bytes_read;
	r->samples += vr.samples;
	if (!ranges_merge(&r->mismatch, &vr.mismatch))
		ret = ret ? ret : ranges_merge(&r->read_errors, &vr.read_errors);
	else if (!ret)
		ret = -ENOMEM;
	verify_result_free(&vr);
	return ret;
}

static void set_outcome(const struct erase_plan *plan, struct erase_result *r, int ret)
{
	uint64_t nw = ranges_blocks(&r->write_errors), nr = ranges_blocks(&r->read_errors);
	uint64_t nm = ranges_blocks(&r->mismatch);
	bool verified_all = plan->verify != ERASE_VERIFY_NONE;

	for (unsigned i = 0; i < plan->npasses; i++)
		if (pass_is_verified(plan, i) && !r->pass[i].verified)
			verified_all = false;
	r->verified = verified_all && ret == 0;
	r->code = ERASE_FAILED;
	if (ret == -EINTR) {
		r->code = ERASE_ABORTED;
		snprintf(r->reason, sizeof(r->reason), "interrupted by signal");
	} else if (ret) {
		r->err = ret;
		snprintf(r->reason, sizeof(r->reason), "device error: %s", strerror(-ret));
	} else if (nw) {
		snprintf(r->reason, sizeof(r->reason), "%llu blocks could not be written",
			 (unsigned long long)nw);
	} else if (nr) {
		snprintf(r->reason, sizeof(r->reason), "%llu blocks could not be read back",
			 (unsigned long long)nr);
	} else if (nm) {
		snprintf(r->reason, sizeof(r->reason),
			 "verification failed: %llu blocks differ from what was written",
			 (unsigned long long)nm);
	} else if (plan->verify == ERASE_VERIFY_NONE) {
		snprintf(r->reason, sizeof(r->reason), "not verified (--verify none)");
	} else {
		r->code = ERASE_SUCCESS;
		r->reason[0] = '\0';
	}
}

int erase_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r)
{
	atomic_uint_fast64_t errors = 0;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &r->started);
	for (unsigned i = 0; i < plan->npasses && !ret; i++) {
		r->passes_run = i + 1;
		ret = write_pass(d, plan, i, o, r, &errors);
		if (ret)
			break;
		if (o->after_write)
			o->after_write(d, i + 1, o->after_write_usr);
		if (pass_is_verified(plan, i))
			ret = verify_pass(d, plan, i, o, r, &errors);
	}
	clock_gettime(CLOCK_REALTIME, &r->finished);
	set_outcome(plan, r, ret);
	/*
	 * the abort flag holds the signal's number (name it for the report and
	 * the log), or ERASE_ABORT_ASKED when a person stopped this target alone
	 */
	if (ret == -EINTR && o->abort && *o->abort == ERASE_ABORT_ASKED)
		snprintf(r->reason, sizeof(r->reason), "aborted by the operator");
	else if (ret == -EINTR && o->abort && *o->abort > 0 && sigabbrev_np(*o->abort))
		snprintf(r->reason, sizeof(r->reason), "interrupted by signal SIG%s",
			 sigabbrev_np(*o->abort));
	if (ret && ret != -EINTR)
		return ret;
	return ret == -EINTR ? -EINTR : 0;
}

void erase_result_free(struct erase_result *r)
{
	ranges_free(&r->write_errors);
	ranges_free(&r->read_errors);
	ranges_free(&r->mismatch);
	json_decref(r->purge);
	r->purge = NULL;
}
