// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

/* one subsection is read with one request */
#define SAMPLE_MAX_BYTES (1024 * 1024)

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

static int plan_alloc(struct sample_plan *p, size_t n)
{
	p->off = calloc(n, sizeof(*p->off));
	p->len = calloc(n, sizeof(*p->len));
	if (!p->off || !p->len) {
		sample_plan_free(p);
		return -ENOMEM;
	}
	p->n = n;
	return 0;
}

static void set_sub(struct sample_plan *p, size_t i, uint64_t off, uint64_t len, uint64_t size)
{
	if (off + len > size)
		len = size - off;
	p->off[i] = off;
	p->len[i] = (uint32_t)len;
	p->bytes += len;
}

/* Too small for distinct subsections: read it all, in request-sized pieces. */
static int plan_whole(uint64_t size, uint32_t unit, struct sample_plan *p)
{
	uint64_t step = SAMPLE_MAX_BYTES - SAMPLE_MAX_BYTES % unit;
	size_t n = (size_t)div_up(size, step);
	int r = plan_alloc(p, n);

	if (r)
		return r;
	for (size_t i = 0; i < n; i++)
		set_sub(p, i, i * step, step, size);
	return 0;
}

int sample_plan_make(uint64_t size, uint32_t unit, unsigned pct, uint64_t seed,
		     struct sample_plan *out)
{
	uint64_t blocks, want, per, stride, maxblk, *rnd = NULL;
	unsigned char key[randombytes_SEEDBYTES] = { 0 };
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	if (size == 0 || unit == 0 || unit > SAMPLE_MAX_BYTES || pct < 1 || pct > 100)
		return -EINVAL;
	blocks = div_up(size, unit);
	/*
	 * size * pct / 100 bytes, rounded up, without overflow; counted in
	 * whole blocks plus the part of the last block that does not exist, so
	 * a short last block cannot leave the plan under the percentage
	 */
	want = (size / 100) * pct + div_up((size % 100) * pct, 100);
	want = div_up(want + (blocks * unit - size), unit);
	maxblk = SAMPLE_MAX_BYTES / unit;
	n = SAMPLE_MIN_COUNT;
	if (div_up(want, maxblk) > n)
		n = (size_t)div_up(want, maxblk);
	per = div_up(want, n);
	stride = blocks / n;
	if (pct == 100 || stride < per || stride < 2)
		return plan_whole(size, unit, out);

	r = plan_alloc(out, n);
	if (r)
		return r;
	rnd = calloc(n, sizeof(*rnd));
	if (!rnd) {
		sample_plan_free(out);
		return -ENOMEM;
	}
	memcpy(key, &seed, sizeof(seed));
	randombytes_buf_deterministic(rnd, n * sizeof(*rnd), key);
	/*
	 * One subsection in each of n equal strata keeps them sorted and apart
	 * while placing each one pseudorandomly; the first stratum starts at
	 * block 0 and the last one ends at the last block.
	 */
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = i * stride;
		uint64_t hi = (i == n - 1) ? blocks : lo + stride;
		uint64_t start;

		if (i == 0)
			start = 0;
		else if (i == n - 1)
			start = blocks - per;
		else
			start = lo + rnd[i] % (hi - lo - per + 1);
		set_sub(out, i, start * unit, per * unit, size);
	}
	free(rnd);
	return 0;
}

void sample_plan_free(struct sample_plan *plan)
{
	free(plan->off);
	free(plan->len);
	memset(plan, 0, sizeof(*plan));
}
