// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Erasure plans from method specs, and the --verify argument.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "erase/erase.h"
#include "secmem.h"

static void expect_kinds(const struct erase_plan *plan, unsigned n, const enum pattern_kind *k)
{
	assert_int_equal(plan->npasses, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(plan->pass[i].kind, k[i]);
		if (k[i] == PATTERN_RANDOM)
			assert_non_null(plan->pass[i].key);
		else
			assert_null(plan->pass[i].key);
	}
}

#define EXPECT_KINDS(plan, ...)                                                                    \
	do {                                                                                       \
		static const enum pattern_kind k_[] = { __VA_ARGS__ };                             \
		expect_kinds((plan), sizeof(k_) / sizeof(k_[0]), k_);                              \
	} while (0)

static void expect_common(const struct erase_plan *plan, const char *method)
{
	assert_string_equal(plan->method, method);
	assert_string_equal(plan->category, "clear");
	assert_string_equal(plan->technique, "overwrite");
	/* every overwrite method runs through the engine's hook */
	assert_non_null(plan->m);
	assert_ptr_equal(plan->m->run, erase_run);
	assert_null(plan->m->supported);
}

static void test_methods(void **state)
{
	struct erase_plan plan;

	assert_int_equal(erase_plan_make("zero", 1, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	expect_common(&plan, "zero");
	EXPECT_KINDS(&plan, PATTERN_ZERO);
	assert_false(plan.blank);
	assert_int_equal(plan.verify, ERASE_VERIFY_LAST);
	erase_plan_free(&plan);

	assert_int_equal(erase_plan_make("one", 1, false, ERASE_VERIFY_ALL, 0, &plan), 0);
	expect_common(&plan, "one");
	EXPECT_KINDS(&plan, PATTERN_ONE);
	assert_int_equal(plan.verify, ERASE_VERIFY_ALL);
	erase_plan_free(&plan);

	assert_int_equal(erase_plan_make("random", 1, false, ERASE_VERIFY_SAMPLE, 25, &plan), 0);
	expect_common(&plan, "random");
	EXPECT_KINDS(&plan, PATTERN_RANDOM);
	assert_int_equal(plan.verify, ERASE_VERIFY_SAMPLE);
	assert_int_equal(plan.sample_pct, 25);
	erase_plan_free(&plan);

	assert_int_equal(erase_plan_make("dod3", 1, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	expect_common(&plan, "dod3");
	EXPECT_KINDS(&plan, PATTERN_ZERO, PATTERN_ONE, PATTERN_RANDOM);
	erase_plan_free(&plan);

	assert_int_equal(erase_plan_make("pattern:0xA55A0F", 1, false, ERASE_VERIFY_NONE, 0, &plan),
			 0);
	expect_common(&plan, "pattern:a55a0f"); /* normalised */
	EXPECT_KINDS(&plan, PATTERN_BYTES);
	assert_int_equal(plan.pass[0].nbytes, 3);
	assert_memory_equal(plan.pass[0].bytes, ((uint8_t[]){ 0xa5, 0x5a, 0x0f }), 3);
	assert_int_equal(plan.verify, ERASE_VERIFY_NONE);
	erase_plan_free(&plan);
}

static void test_method_table(void **state)
{
	static const char *const want[] = { "random", "zero", "one", "dod3", "pattern" };
	const struct erase_method *m = erase_methods();
	size_t n = 0;

	for (; m[n].name; n++) {
		assert_non_null(m[n].category);
		assert_non_null(m[n].help);
		assert_non_null(m[n].add_passes);
	}
	/* the overwrite methods first, in this order; the firmware families follow */
	assert_true(n >= sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(m[i].name, want[i]);
		assert_string_equal(m[i].category, "clear");
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(m[i].name, m[k].name);
}

static void test_repeat(void **state)
{
	struct erase_plan plan;

	assert_int_equal(erase_plan_make("dod3", 3, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	EXPECT_KINDS(&plan, PATTERN_ZERO, PATTERN_ONE, PATTERN_RANDOM, PATTERN_ZERO, PATTERN_ONE,
		     PATTERN_RANDOM, PATTERN_ZERO, PATTERN_ONE, PATTERN_RANDOM);
	/* every random pass has a key of its own */
	assert_memory_not_equal(plan.pass[2].key, plan.pass[5].key, PATTERN_KEY_LEN);
	assert_memory_not_equal(plan.pass[5].key, plan.pass[8].key, PATTERN_KEY_LEN);
	assert_memory_not_equal(plan.pass[2].key, plan.pass[8].key, PATTERN_KEY_LEN);
	erase_plan_free(&plan);
	for (unsigned i = 0; i < 9; i++)
		assert_null(plan.pass[i].key);

	assert_int_equal(erase_plan_make("pattern:5a", 4, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	EXPECT_KINDS(&plan, PATTERN_BYTES, PATTERN_BYTES, PATTERN_BYTES, PATTERN_BYTES);
	assert_int_equal(plan.pass[3].bytes[0], 0x5a);
	erase_plan_free(&plan);

	/* the most passes there is room for */
	assert_int_equal(
		erase_plan_make("random", ERASE_MAX_PASSES, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	assert_int_equal(plan.npasses, ERASE_MAX_PASSES);
	erase_plan_free(&plan);
	assert_int_equal(erase_plan_make("zero", ERASE_MAX_PASSES - 1, true, ERASE_VERIFY_LAST, 0,
					 &plan),
			 0);
	assert_int_equal(plan.npasses, ERASE_MAX_PASSES);
	erase_plan_free(&plan);
}

static void test_blank(void **state)
{
	struct erase_plan plan;

	assert_int_equal(erase_plan_make("random", 1, true, ERASE_VERIFY_LAST, 0, &plan), 0);
	EXPECT_KINDS(&plan, PATTERN_RANDOM, PATTERN_ZERO);
	assert_true(plan.blank);
	assert_string_equal(plan.method, "random");
	erase_plan_free(&plan);

	assert_int_equal(erase_plan_make("dod3", 2, true, ERASE_VERIFY_LAST, 0, &plan), 0);
	EXPECT_KINDS(&plan, PATTERN_ZERO, PATTERN_ONE, PATTERN_RANDOM, PATTERN_ZERO, PATTERN_ONE,
		     PATTERN_RANDOM, PATTERN_ZERO);
	erase_plan_free(&plan);

	assert_int_equal(erase_plan_make("pattern:ff00", 1, true, ERASE_VERIFY_LAST, 0, &plan), 0);
	EXPECT_KINDS(&plan, PATTERN_BYTES, PATTERN_ZERO);
	assert_string_equal(plan.method, "pattern:ff00");
	erase_plan_free(&plan);
}

static void test_invalid(void **state)
{
	static const char *const unknown[] = {
		"", "bogus", "zeros", "Random", "dod", "dod3x", ":a5"
	};
	static const char *const bad[] = {
		"pattern", "pattern:", "pattern:0x", "pattern:abc", "pattern:zz", "pattern:a5:5a",
		"zero:xx", "zero:",    "one:ff",     "random:00",   "dod3:1",
	};
	struct erase_plan plan;

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(erase_plan_make(unknown[i], 1, false, ERASE_VERIFY_LAST, 0, &plan),
				 -ENOENT);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(erase_plan_make(bad[i], 1, false, ERASE_VERIFY_LAST, 0, &plan),
				 -EINVAL);
	assert_int_equal(erase_plan_make("zero", 0, false, ERASE_VERIFY_LAST, 0, &plan), -EINVAL);
	/* too many passes: 22 x 3 = 66, 64 + blank, 65 */
	assert_int_equal(erase_plan_make("dod3", 22, false, ERASE_VERIFY_LAST, 0, &plan), -E2BIG);
	assert_int_equal(erase_plan_make("random", ERASE_MAX_PASSES, true, ERASE_VERIFY_LAST, 0,
					 &plan),
			 -E2BIG);
	assert_int_equal(erase_plan_make("one", ERASE_MAX_PASSES + 1, false, ERASE_VERIFY_LAST, 0,
					 &plan),
			 -E2BIG);
	/* a failed plan holds no keys */
	for (unsigned i = 0; i < ERASE_MAX_PASSES; i++)
		assert_null(plan.pass[i].key);
}

/* The method table promises pattern:HEX of 1 to 64 bytes, as pattern_parse() accepts. */
static void test_long_pattern(void **state)
{
	struct erase_plan plan;
	char spec[8 + 2 * PATTERN_MAX_BYTES + 1];

	strcpy(spec, "pattern:");
	for (size_t i = 0; i < PATTERN_MAX_BYTES; i++)
		strcat(spec, "c3");
	assert_int_equal(erase_plan_make(spec, 1, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	EXPECT_KINDS(&plan, PATTERN_BYTES);
	assert_int_equal(plan.pass[0].nbytes, PATTERN_MAX_BYTES);
	erase_plan_free(&plan);
}

static void expect_verify(const char *s, enum erase_verify mode, unsigned pct)
{
	int none = -1;
	enum erase_verify m = (enum erase_verify)none;
	unsigned p = 999;

	assert_int_equal(erase_parse_verify(s, &m, &p), 0);
	assert_int_equal(m, mode);
	assert_int_equal(p, pct);
}

static void test_parse_verify(void **state)
{
	static const char *const bad[] = {
		"",	    "garbage",	  "Last",	"al",	    "nothing",	   "sample:",
		"sample:0", "sample:101", "sample:25x", "sample:x", "sample:1000", "sample25",
		"last:1",
	};
	enum erase_verify m;
	unsigned p;

	expect_verify("last", ERASE_VERIFY_LAST, 0);
	expect_verify("all", ERASE_VERIFY_ALL, 0);
	expect_verify("none", ERASE_VERIFY_NONE, 0);
	expect_verify("sample", ERASE_VERIFY_SAMPLE, 10);
	expect_verify("sample:25", ERASE_VERIFY_SAMPLE, 25);
	expect_verify("sample:1", ERASE_VERIFY_SAMPLE, 1);
	expect_verify("sample:100", ERASE_VERIFY_SAMPLE, 100);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(erase_parse_verify(bad[i], &m, &p), -EINVAL);
}

static void test_names(void **state)
{
	assert_string_equal(erase_verify_name(ERASE_VERIFY_NONE), "none");
	assert_string_equal(erase_verify_name(ERASE_VERIFY_LAST), "last");
	assert_string_equal(erase_verify_name(ERASE_VERIFY_ALL), "all");
	assert_string_equal(erase_verify_name(ERASE_VERIFY_SAMPLE), "sample");
	assert_string_equal(erase_result_name(ERASE_SUCCESS), "success");
	assert_string_equal(erase_result_name(ERASE_FAILED), "failed");
	assert_string_equal(erase_result_name(ERASE_ABORTED), "aborted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_methods),	     cmocka_unit_test(test_method_table),
		cmocka_unit_test(test_repeat),	     cmocka_unit_test(test_blank),
		cmocka_unit_test(test_invalid),	     cmocka_unit_test(test_long_pattern),
		cmocka_unit_test(test_parse_verify), cmocka_unit_test(test_names),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
