// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sample plans after NIST SP 800-88 Rev.1 §4.7: at least 1,000 subsections,
 * at least the chosen share of the medium, the first and the last block
 * always, and the same plan again from the same seed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "verify/sample.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

struct geom {
	uint64_t size;
	uint32_t lbs; /* the unit: a logical block, or a file's direct-I/O alignment */
};

static const struct geom geoms[] = {
	{ 64 * MiB, 512 },	  { 64 * MiB + 3 * 512, 512 }, /* not a multiple of 1 MiB */
	{ 100 * MiB + 123, 512 },			       /* not a multiple of the block */
	{ 1 * GiB + 7, 4096 },	  { 3 * GiB + 4096 * 5 + 1000, 4096 },
	{ 2000 * 512 + 17, 512 }, /* just enough for 1,000 strata */
	{ 10 * GiB, 4096 },	  { 37 * GiB + 511, 512 },
};

static const unsigned pcts[] = { 1, 5, 10, 33, 50, 99 };

/* the structural promises every plan keeps */
static void check_plan(const struct sample_plan *p, uint64_t size, uint32_t lbs)
{
	uint64_t sum = 0;

	assert_true(p->n > 0);
	assert_non_null(p->off);
	assert_non_null(p->len);
	assert_int_equal(p->off[0], 0);
	for (size_t i = 0; i < p->n; i++) {
		assert_true(p->len[i] > 0);
		assert_int_equal(p->off[i] % lbs, 0);
		assert_true(p->off[i] < size);
		assert_true(p->len[i] <= size - p->off[i]);
		/* whole blocks, except a last one cut short by the end of the device */
		if (p->off[i] + p->len[i] != size)
			assert_int_equal(p->len[i] % lbs, 0);
		if (i > 0)
			assert_true(p->off[i - 1] + p->len[i - 1] <= p->off[i]);
		sum += p->len[i];
	}
	assert_int_equal(sum, p->bytes);
	/* the last subsection reaches the end: the last block is read */
	assert_int_equal(p->off[p->n - 1] + p->len[p->n - 1], size);
}

static void test_count_and_coverage(void **state)
{
	for (size_t g = 0; g < sizeof(geoms) / sizeof(geoms[0]); g++) {
		for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
			struct sample_plan p;
			uint64_t size = geoms[g].size;

			assert_int_equal(
				sample_plan_make(size, geoms[g].lbs, pcts[k], 0x5eed + g, &p), 0);
			check_plan(&p, size, geoms[g].lbs);
			assert_true(p.n >= SAMPLE_MIN_COUNT);
			/* bytes >= pct% of size, in integers */
			assert_true(p.bytes * 100 >= size * pcts[k]);
			/* a sample, not the whole device */
			assert_true(p.bytes < size);
			sample_plan_free(&p);
			assert_null(p.off);
			assert_int_equal(p.n, 0);
		}
	}
}

/*
 * The share must hold in bytes even when the last block is a short one and
 * the block count rounds the request exactly: 100,000 blocks of which the
 * last holds 1 byte, 10% -> 10,000 blocks in 1,000 subsections of 10.
 */
static void test_coverage_short_last_block(void **state)
{
	static const struct geom g[] = {
		{ 99999 * 512ULL + 1, 512 },
		{ 199999 * 4096ULL + 100, 4096 },
		{ 64 * MiB + 1536, 4096 }, /* an image file, in 4 KiB direct-I/O units */
	};

	/* a short last block must not leave the plan under pct% of the bytes */
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		struct sample_plan p;

		assert_int_equal(sample_plan_make(g[i].size, g[i].lbs, 10, 1, &p), 0);
		check_plan(&p, g[i].size, g[i].lbs);
		assert_true(p.n >= SAMPLE_MIN_COUNT);
		assert_true(p.bytes * 100 >= g[i].size * 10);
		sample_plan_free(&p);
	}
}

static void test_seed(void **state)
{
	struct sample_plan a, b, c;
	size_t differ = 0;

	assert_int_equal(sample_plan_make(10 * GiB + 512, 512, 10, 42, &a), 0);
	assert_int_equal(sample_plan_make(10 * GiB + 512, 512, 10, 42, &b), 0);
	assert_int_equal(sample_plan_make(10 * GiB + 512, 512, 10, 43, &c), 0);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.bytes, b.bytes);
	assert_memory_equal(a.off, b.off, a.n * sizeof(*a.off));
	assert_memory_equal(a.len, b.len, a.n * sizeof(*a.len));
	assert_int_equal(a.n, c.n);
	for (size_t i = 0; i < a.n; i++)
		differ += a.off[i] != c.off[i];
	/* all but the pinned first and last subsections move with the seed */
	assert_true(differ > a.n / 2);
	sample_plan_free(&a);
	sample_plan_free(&b);
	sample_plan_free(&c);
}

/* subsections are spread over the device, not packed at one end */
static void test_spread(void **state)
{
	struct sample_plan p;
	uint64_t size = 8 * GiB, quarter[4] = { 0 };

	assert_int_equal(sample_plan_make(size, 4096, 5, 9, &p), 0);
	for (size_t i = 0; i < p.n; i++)
		quarter[p.off[i] / (size / 4)]++;
	for (int q = 0; q < 4; q++)
		assert_true(quarter[q] >= p.n / 5);
	sample_plan_free(&p);
}

/* too small for 1,000 distinct subsections, or 100%: read it all */
static void test_whole(void **state)
{
	static const struct geom small[] = {
		{ 512, 512 },
		{ 1000, 512 },
		{ 64 * KiB, 512 },
		{ 1500 * 512, 512 },
		{ 1998 * 512 + 100, 512 }, /* 1,999 blocks */
		{ 3 * MiB + 3 * 512, 4096 },
		{ 64 * MiB + 1536, 65536 }, /* 1,025 units of 64 KiB */
	};

	for (size_t g = 0; g < sizeof(small) / sizeof(small[0]); g++) {
		struct sample_plan p;

		assert_int_equal(sample_plan_make(small[g].size, small[g].lbs, 10, 1, &p), 0);
		check_plan(&p, small[g].size, small[g].lbs);
		assert_int_equal(p.bytes, small[g].size);
		for (size_t i = 1; i < p.n; i++)
			assert_int_equal(p.off[i], p.off[i - 1] + p.len[i - 1]);
		sample_plan_free(&p);
	}
	/* 100% of a large device is the whole device too */
	{
		struct sample_plan p;

		assert_int_equal(sample_plan_make(5 * GiB + 512, 512, 100, 1, &p), 0);
		check_plan(&p, 5 * GiB + 512, 512);
		assert_int_equal(p.bytes, 5 * GiB + 512);
		for (size_t i = 1; i < p.n; i++)
			assert_int_equal(p.off[i], p.off[i - 1] + p.len[i - 1]);
		sample_plan_free(&p);
	}
}

static void test_invalid(void **state)
{
	struct sample_plan p;

	assert_int_equal(sample_plan_make(GiB, 512, 0, 1, &p), -EINVAL);
	assert_int_equal(sample_plan_make(GiB, 512, 101, 1, &p), -EINVAL);
	assert_int_equal(sample_plan_make(0, 512, 10, 1, &p), -EINVAL);
	assert_int_equal(sample_plan_make(GiB, 0, 10, 1, &p), -EINVAL);
	/* a unit larger than one request */
	assert_int_equal(sample_plan_make(GiB, 2 * MiB, 10, 1, &p), -EINVAL);
	assert_int_equal(p.n, 0);
	assert_null(p.off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_and_coverage),
		cmocka_unit_test(test_coverage_short_last_block),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
