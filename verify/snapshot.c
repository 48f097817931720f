// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapshot.h"

/* what the sample and its comparison share while they run */
struct pass {
	struct dev *d;
	const struct snapshot_opts *o;
	const char *phase;
	uint8_t *buf, *scratch;
	uint64_t done, total;
	struct timespec t0;
};

static bool aborted(const struct snapshot_opts *o)
{
	return o->abort && *o->abort;
}

static int pass_init(struct pass *p, struct dev *d, const struct snapshot_opts *o,
		     const struct sample_plan *plan, const char *phase)
{
	size_t max = 0;

	memset(p, 0, sizeof(*p));
	p->d = d;
	p->o = o;
	p->phase = phase;
	p->total = plan->bytes;
	for (size_t i = 0; i < plan->n; i++)
		if (plan->len[i] > max)
			max = plan->len[i];
	p->buf = dev_buf_alloc(d, max ? max : 1);
	p->scratch = malloc(max ? max : 1);
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	return p->buf && p->scratch ? 0 : -ENOMEM;
}

static void pass_free(struct pass *p)
{
	dev_buf_free(p->buf);
	free(p->scratch);
}

static void report(struct pass *p, uint64_t len, bool final)
{
	struct timespec now;
	struct progress pr = { .target = p->d->path,
			       .phase = p->phase,
			       .pass = 1,
			       .npasses = 1,
			       .total = p->total,
			       .final = final };

	p->done += len;
	if (!p->o->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pr.done = p->done;
	pr.elapsed_ms = (uint64_t)(now.tv_sec - p->t0.tv_sec) * 1000 +
			(uint64_t)((now.tv_nsec - p->t0.tv_nsec) / 1000000);
	p->o->progress(&pr, p->o->progress_usr);
}

/* Bytes that prove nothing when they read the same afterwards. */
static bool proves_nothing(const struct pass *p, uint32_t len, uint64_t off)
{
	size_t bad;

	if (p->o->expect)
		return pattern_check(p->o->expect, p->buf, len, off, p->scratch, &bad) == 0;
	if (pattern_is_zero(p->buf, len))
		return true;
	for (uint32_t i = 0; i < len; i++)
		if (p->buf[i] != 0xff)
			return false;
	return true;
}

static int write_canary(struct pass *p, struct snapshot *s, struct snapshot_block *b)
{
	int ret;

	randombytes_buf(p->buf, b->len);
	ret = dev_pwrite(p->d, p->buf, b->len, b->off);
	if (!ret)
		ret = dev_flush(p->d);
	if (ret)
		return ret;
	b->canary = true;
	s->canaries++;
	return 0;
}

static int take(struct pass *p, struct snapshot *s)
{
	int ret = dev_drop_cache(p->d);

	for (size_t i = 0; !ret && i < s->plan.n; i++) {
		struct snapshot_block *b = &s->b[i];

		if (aborted(p->o))
			return -EINTR;
		b->off = s->plan.off[i];
		b->len = s->plan.len[i];
		ret = dev_pread(p->d, p->buf, b->len, b->off);
		if (!ret && proves_nothing(p, b->len, b->off))
			ret = write_canary(p, s, b);
		if (ret)
			return ret;
		crypto_hash_sha256(b->hash, p->buf, b->len);
		s->bytes_read += b->len;
		report(p, b->len, false);
	}
	if (!ret)
		report(p, 0, true);
	return ret;
}

int snapshot_take(struct dev *d, const struct snapshot_opts *o, struct snapshot *s)
{
	uint32_t unit = d->align > d->lbs ? d->align : d->lbs;
	uint64_t seed = o->seed;
	struct pass p;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!seed)
		randombytes_buf(&seed, sizeof(seed));
	ret = sample_plan_make(d->size, unit ? unit : 512, o->pct, seed, &s->plan);
	if (ret)
		return ret;
	s->b = calloc(s->plan.n, sizeof(*s->b));
	ret = pass_init(&p, d, o, &s->plan, "sample");
	if (!ret && !s->b)
		ret = -ENOMEM;
	if (!ret)
		ret = take(&p, s);
	pass_free(&p);
	return ret;
}

/* Compare one subsection read back with what it held and what it should hold. */
static void judge(struct pass *p, const struct snapshot_block *b, struct snapshot_diff *r)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	uint32_t lbs = p->d->lbs ? p->d->lbs : 512;
	size_t bad;
	bool wrong = false;

	crypto_hash_sha256(h, p->buf, b->len);
	if (!sodium_memcmp(h, b->hash, sizeof(h))) {
		r->unchanged++;
		wrong = true;
	} else if (p->o->expect &&
		   pattern_check(p->o->expect, p->buf, b->len, b->off, p->scratch, &bad)) {
		r->not_pattern++;
		wrong = true;
	}
	if (wrong)
		ranges_add(&r->mismatch, b->off / lbs, (b->len + lbs - 1) / lbs);
}

int snapshot_compare(struct dev *d, const struct snapshot *s, const struct snapshot_opts *o,
		     struct snapshot_diff *r)
{
	uint32_t lbs = d->lbs ? d->lbs : 512;
	struct pass p;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = pass_init(&p, d, o, &s->plan, "verify");
	if (!ret)
		ret = dev_drop_cache(d);
	for (size_t i = 0; !ret && i < s->plan.n; i++) {
		const struct snapshot_block *b = &s->b[i];

		if (aborted(o)) {
			ret = -EINTR;
			break;
		}
		ret = dev_pread(d, p.buf, b->len, b->off);
		if (ret && dev_is_media_error(ret)) {
			r->unreadable++;
			ret = ranges_add(&r->read_errors, b->off / lbs, (b->len + lbs - 1) / lbs);
			continue;
		}
		if (ret)
			break;
		judge(&p, b, r);
		r->samples++;
		r->bytes_read += b->len;
		report(&p, b->len, false);
	}
	if (!ret)
		report(&p, 0, true);
	pass_free(&p);
	return ret;
}

void snapshot_free(struct snapshot *s)
{
	sample_plan_free(&s->plan);
	free(s->b);
	memset(s, 0, sizeof(*s));
}

void snapshot_diff_free(struct snapshot_diff *r)
{
	ranges_free(&r->mismatch);
	ranges_free(&r->read_errors);
}
