// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/strength: zxcvbn's guess count decides, the reason names the kind of
 * pattern that made a passphrase weak, and generated passphrases have the
 * promised form, alphabet and strength.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "secmem.h"
#include "strength.h"

struct weak {
	const char *pass, *reason;
};

static const struct weak weak[] = {
	{ "x7#Q", "too short" },
	{ "password1", "a common word or password" },
	{ "P@ssw0rd", "look-alike substitutions" },
	{ "zxcvbnm,./", "a keyboard walk" },
	{ "mju7nhy6bgt5", "a keyboard walk" },
	{ "aaaaaaaaaaaa", "repeated characters" },
	{ "9876543210", "a sequence" },
	{ "abcdefghijkl", "a sequence" },
	{ "1984", "a date" },
	{ "tanaka2019", "a common word or password" },
};

static void test_weak_refused_with_reason(void **state)
{
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		char why[256] = "";
		double bits = -1;

		assert_int_equal(strength_check(weak[i].pass, why, sizeof(why), &bits),
				 -EKEYREJECTED);
		assert_true(bits >= 0 && bits < STRENGTH_MIN_BITS);
		if (!strstr(why, weak[i].reason))
			fail_msg("'%s': reason '%s', expected '%s'", weak[i].pass, why,
				 weak[i].reason);
		assert_non_null(strstr(why, "at least 2^40"));
	}
}

static void test_strong_accepted(void **state)
{
	static const char *const strong[] = {
		"xK9#mQ2$",
		"correct horse battery staple",
		"Kuroshio drifts past Erimo at dawn",
	};

	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
		char why[256] = "";
		double bits = 0;

		assert_int_equal(strength_check(strong[i], why, sizeof(why), &bits), 0);
		assert_true(bits >= STRENGTH_MIN_BITS);
	}
}

static void test_empty_and_null(void **state)
{
	char why[64];

	assert_int_equal(strength_check("", why, sizeof(why), NULL), -EKEYREJECTED);
	assert_string_equal(why, "empty");
	assert_int_equal(strength_check(NULL, why, sizeof(why), NULL), -EINVAL);
	assert_int_equal(strength_check("x", NULL, 0, NULL), -EINVAL);
}

static void test_generate(void **state)
{
	static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
	char *prev = NULL;

	for (int n = 0; n < 32; n++) {
		char *p = NULL, why[256];

		assert_int_equal(strength_generate(&p), 0);
		assert_int_equal(strlen(p), STRENGTH_GENERATED_LEN);
		for (size_t i = 0; i < STRENGTH_GENERATED_LEN; i++) {
			if (i % 5 == 4)
				assert_int_equal(p[i], '-');
			else
				assert_non_null(memchr(alphabet, p[i], 32));
		}
		/* 80 bits by construction; the estimator must agree it is strong */
		assert_int_equal(strength_check(p, why, sizeof(why), NULL), 0);
		if (prev)
			assert_string_not_equal(p, prev);
		secmem_free(prev);
		prev = p;
	}
	secmem_free(prev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weak_refused_with_reason),
		cmocka_unit_test(test_strong_accepted),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_generate),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
