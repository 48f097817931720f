// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Block range lists: every way a new range can meet the ones already there.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ranges.h"

/* @want: n pairs of (start, count) */
static void expect_ranges(const struct range_list *l, size_t n, const uint64_t *want)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l->v[i].start, want[2 * i]);
		assert_int_equal(l->v[i].count, want[2 * i + 1]);
	}
}

#define EXPECT(l, ...)                                                                             \
	do {                                                                                       \
		static const uint64_t w_[] = { __VA_ARGS__ };                                      \
		expect_ranges((l), sizeof(w_) / sizeof(w_[0]) / 2, w_);                            \
	} while (0)

static void test_disjoint_sorted(void **state)
{
	struct range_list l = { 0 };

	assert_int_equal(ranges_add(&l, 100, 5), 0);
	assert_int_equal(ranges_add(&l, 10, 2), 0);
	assert_int_equal(ranges_add(&l, 1000, 1), 0);
	assert_int_equal(ranges_add(&l, 50, 3), 0);
	EXPECT(&l, 10, 2, 50, 3, 100, 5, 1000, 1);
	assert_int_equal(ranges_blocks(&l), 11);
	ranges_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	assert_int_equal(ranges_blocks(&l), 0);
}

static void test_adjacent(void **state)
{
	struct range_list l = { 0 };

	assert_int_equal(ranges_add(&l, 10, 5), 0);
	assert_int_equal(ranges_add(&l, 15, 5), 0); /* right after */
	EXPECT(&l, 10, 10);
	assert_int_equal(ranges_add(&l, 7, 3), 0); /* right before */
	EXPECT(&l, 7, 13);
	/* one block gap: stays apart */
	assert_int_equal(ranges_add(&l, 21, 1), 0);
	EXPECT(&l, 7, 13, 21, 1);
	/* filling the gap joins both */
	assert_int_equal(ranges_add(&l, 20, 1), 0);
	EXPECT(&l, 7, 15);
	ranges_free(&l);
}

static void test_overlap(void **state)
{
	struct range_list l = { 0 };

	assert_int_equal(ranges_add(&l, 10, 10), 0);
	assert_int_equal(ranges_add(&l, 15, 10), 0); /* overlaps the end */
	EXPECT(&l, 10, 15);
	assert_int_equal(ranges_add(&l, 5, 8), 0); /* overlaps the start */
	EXPECT(&l, 5, 20);
	assert_int_equal(ranges_add(&l, 8, 3), 0); /* contained */
	EXPECT(&l, 5, 20);
	assert_int_equal(ranges_add(&l, 5, 20), 0); /* the same */
	EXPECT(&l, 5, 20);
	assert_int_equal(ranges_add(&l, 0, 100), 0); /* containing */
	EXPECT(&l, 0, 100);
	assert_int_equal(ranges_blocks(&l), 100);
	ranges_free(&l);
}

static void test_bridge(void **state)
{
	struct range_list l = { 0 };

	assert_int_equal(ranges_add(&l, 0, 1), 0);
	assert_int_equal(ranges_add(&l, 10, 2), 0);
	assert_int_equal(ranges_add(&l, 20, 2), 0);
	assert_int_equal(ranges_add(&l, 30, 2), 0);
	assert_int_equal(ranges_add(&l, 40, 2), 0);
	assert_int_equal(ranges_add(&l, 100, 1), 0);
	/* swallows 10, 20, 30 and touches 40 */
	assert_int_equal(ranges_add(&l, 11, 29), 0);
	EXPECT(&l, 0, 1, 10, 32, 100, 1);
	/* one range spanning everything */
	assert_int_equal(ranges_add(&l, 0, 101), 0);
	EXPECT(&l, 0, 101);
	ranges_free(&l);
}

static void test_out_of_order_many(void **state)
{
	struct range_list l = { 0 };
	uint8_t mark[4096] = { 0 };
	size_t nruns = 0;
	uint64_t total = 0;

	/* a pseudorandom scatter, checked against a block bitmap */
	srand(7);
	for (int k = 0; k < 2000; k++) {
		uint64_t s = (uint64_t)(rand() % 4000), c = (uint64_t)(rand() % 5 + 1);

		assert_int_equal(ranges_add(&l, s, c), 0);
		for (uint64_t b = s; b < s + c; b++)
			mark[b] = 1;
	}
	for (size_t b = 0; b < sizeof(mark); b++) {
		total += mark[b];
		if (mark[b] && (b == 0 || !mark[b - 1]))
			nruns++;
	}
	assert_int_equal(l.n, nruns);
	assert_int_equal(ranges_blocks(&l), total);
	for (size_t i = 0; i < l.n; i++) {
		assert_true(l.v[i].count > 0);
		for (uint64_t b = l.v[i].start; b < l.v[i].start + l.v[i].count; b++)
			assert_int_equal(mark[b], 1);
		/* maximal: the blocks either side are not covered */
		if (l.v[i].start > 0)
			assert_int_equal(mark[l.v[i].start - 1], 0);
		assert_int_equal(mark[l.v[i].start + l.v[i].count], 0);
	}
	ranges_free(&l);
}

static void test_invalid(void **state)
{
	struct range_list l = { 0 };

	assert_int_equal(ranges_add(&l, 5, 0), -EINVAL);
	assert_int_equal(ranges_add(&l, UINT64_MAX, 1), -EINVAL);
	assert_int_equal(ranges_add(&l, 2, UINT64_MAX - 1), -EINVAL);
	assert_int_equal(l.n, 0);
	/* up to the last representable block is fine */
	assert_int_equal(ranges_add(&l, UINT64_MAX - 10, 10), 0);
	assert_int_equal(ranges_add(&l, 1, UINT64_MAX - 1), 0);
	EXPECT(&l, 1, UINT64_MAX - 1);
	ranges_free(&l);
}

static void test_merge(void **state)
{
	struct range_list a = { 0 }, b = { 0 }, empty = { 0 };

	assert_int_equal(ranges_add(&a, 0, 4), 0);
	assert_int_equal(ranges_add(&a, 20, 5), 0);
	assert_int_equal(ranges_add(&a, 100, 1), 0);
	assert_int_equal(ranges_add(&b, 4, 2), 0);   /* adjacent to a's first */
	assert_int_equal(ranges_add(&b, 22, 10), 0); /* overlaps a's second */
	assert_int_equal(ranges_add(&b, 50, 3), 0);  /* new */
	assert_int_equal(ranges_merge(&a, &b), 0);
	EXPECT(&a, 0, 6, 20, 12, 50, 3, 100, 1);
	assert_int_equal(ranges_blocks(&a), 22);
	/* the source is left as it was */
	EXPECT(&b, 4, 2, 22, 10, 50, 3);
	/* merging nothing changes nothing; merging into nothing copies */
	assert_int_equal(ranges_merge(&a, &empty), 0);
	assert_int_equal(a.n, 4);
	assert_int_equal(ranges_merge(&empty, &b), 0);
	EXPECT(&empty, 4, 2, 22, 10, 50, 3);
	ranges_free(&a);
	ranges_free(&b);
	ranges_free(&empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disjoint_sorted),
		cmocka_unit_test(test_adjacent),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_out_of_order_many),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
