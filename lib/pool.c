// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "pool.h"

#define POOL_MAX_WORKERS 64
#define POOL_PROGRESS_MS 250

struct pool_state {
	struct pool_job *job;
	atomic_uint_fast64_t next;
	atomic_uint_fast64_t done;
	atomic_int err;
	atomic_int stop;
	pthread_mutex_t prog_lock;
	uint64_t t0_ms;
	uint64_t last_ms;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

size_t pool_chunk(const struct dev *d, size_t want)
{
	size_t c = want ? want : POOL_CHUNK;
	size_t a = d->align ? d->align : 1;

	return c + (a - c % a) % a;
}

void pool_io_defaults(bool removable, unsigned *queue_depth, size_t *chunk)
{
	if (!*queue_depth)
		*queue_depth = removable ? POOL_QUEUE_DEPTH_REMOVABLE : POOL_QUEUE_DEPTH;
	if (!*chunk)
		*chunk = removable ? POOL_CHUNK_REMOVABLE : POOL_CHUNK;
}

int pool_bisect(const struct pool_bisect *b, void *buf, void *scratch, uint64_t off, size_t len)
{
	uint32_t lbs = b->dev->lbs;
	size_t half;
	int r = b->io(b->ctx, buf, scratch, off, len);

	if (!r || !dev_is_media_error(r))
		return r;
	if (len <= lbs)
		return b->bad(b->ctx, off, len, r);
	half = (len / 2) - (len / 2) % lbs;
	if (half == 0)
		half = lbs;
	r = pool_bisect(b, buf, scratch, off, half);
	if (!r)
		r = pool_bisect(b, (uint8_t *)buf + half,
				scratch ? (uint8_t *)scratch + half : NULL, off + half, len - half);
	return r;
}

uint64_t pool_whole_device_extents(const struct dev *d, size_t chunk)
{
	return (d->size + chunk - 1) / chunk;
}

static void report(struct pool_state *s, int final)
{
	struct pool_job *j = s->job;
	struct progress p = j->prog;
	uint64_t t = now_ms();

	if (!j->progress)
		return;
	if (!final) {
		/* one reporter at a time, a few times a second */
		if (pthread_mutex_trylock(&s->prog_lock))
			return;
		if (t - s->last_ms < POOL_PROGRESS_MS) {
			pthread_mutex_unlock(&s->prog_lock);
			return;
		}
	} else {
		pthread_mutex_lock(&s->prog_lock);
	}
	s->last_ms = t;
	p.done = atomic_load(&s->done);
	p.total = j->total;
	p.elapsed_ms = t - s->t0_ms;
	p.errors = j->errors ? atomic_load(j->errors) : 0;
	p.final = final;
	j->progress(&p, j->progress_usr);
	pthread_mutex_unlock(&s->prog_lock);
}

static void whole_device_extent(struct pool_job *j, uint64_t i, uint64_t *off, size_t *len)
{
	uint64_t o = i * j->chunk;
	uint64_t left = j->dev->size - o;

	*off = o;
	*len = left < j->chunk ? (size_t)left : j->chunk;
}

static void *worker(void *arg)
{
	struct pool_state *s = arg;
	struct pool_job *j = s->job;
	void *buf = dev_buf_alloc(j->dev, j->chunk);
	void *scratch = j->scratch ? dev_buf_alloc(j->dev, j->chunk) : NULL;

	if (!buf || (j->scratch && !scratch)) {
		dev_buf_free(buf);
		dev_buf_free(scratch);
		int zero = 0;

		atomic_compare_exchange_strong(&s->err, &zero, -ENOMEM);
		atomic_store(&s->stop, 1);
		return NULL;
	}
	while (!atomic_load(&s->stop)) {
		uint64_t i = atomic_fetch_add(&s->next, 1);
		uint64_t off;
		size_t len;
		int r;

		if (i >= j->nextents)
			break;
		if (j->abort && *j->abort) {
			int zero = 0;

			atomic_compare_exchange_strong(&s->err, &zero, -EINTR);
			atomic_store(&s->stop, 1);
			break;
		}
		if (j->extent)
			j->extent(j->ctx, i, &off, &len);
		else
			whole_device_extent(j, i, &off, &len);
		r = j->fn(j->ctx, buf, scratch, off, len);
		if (r) {
			int zero = 0;

			atomic_compare_exchange_strong(&s->err, &zero, r);
			atomic_store(&s->stop, 1);
			break;
		}
		atomic_fetch_add(&s->done, len);
		report(s, 0);
	}
	dev_buf_free(buf);
	dev_buf_free(scratch);
	return NULL;
}

int pool_run(struct pool_job *job)
{
	pthread_t tid[POOL_MAX_WORKERS];
	struct pool_state s = { .job = job };
	unsigned n = job->nworkers, started = 0;

	if (n == 0)
		n = POOL_QUEUE_DEPTH;
	if (n > POOL_MAX_WORKERS)
		n = POOL_MAX_WORKERS;
	if (job->chunk == 0 || job->chunk % job->dev->align)
		return -EINVAL;
	if (!job->extent)
		job->nextents = pool_whole_device_extents(job->dev, job->chunk);
	if ((uint64_t)n > job->nextents)
		n = job->nextents ? (unsigned)job->nextents : 1;
	pthread_mutex_init(&s.prog_lock, NULL);
	s.t0_ms = s.last_ms = now_ms();
	for (; started < n; started++)
		if (pthread_create(&tid[started], NULL, worker, &s))
			break;
	if (started == 0)
		worker(&s);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	report(&s, 1);
	job->done = atomic_load(&s.done);
	pthread_mutex_destroy(&s.prog_lock);
	return atomic_load(&s.err);
}
