// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crypt/bcrypt_pbkdf against known answers from another implementation
 * (python3-bcrypt's bcrypt.kdf(), tests/unit/gen-bcrypt-vectors.py), and
 * its refusals: empty passphrase or salt, 0 rounds, key lengths out of range.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypt/bcrypt_pbkdf.h"
#include "secmem.h"

#include "bcrypt_pbkdf_vectors.h"

static void test_vectors(void **state)
{
	uint8_t key[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pbkdf_vectors) / sizeof(pbkdf_vectors[0]); i++) {
		const struct pbkdf_vector *v = &pbkdf_vectors[i];

		assert_true(v->key_len <= sizeof(key));
		memset(key, 0xa5, sizeof(key));
		assert_int_equal(bcrypt_pbkdf((const uint8_t *)v->pass, v->pass_len,
					      (const uint8_t *)v->salt, v->salt_len, key,
					      v->key_len, v->rounds),
				 0);
		if (memcmp(key, v->key, v->key_len))
			fail_msg("vector %zu (%zu-byte key, %u rounds) differs", i, v->key_len,
				 v->rounds);
		/* nothing written past the key */
		for (size_t j = v->key_len; j < sizeof(key); j++)
			assert_int_equal(key[j], 0xa5);
	}
}

/* a shorter key is not a prefix of a longer one: the blocks are interleaved */
static void test_interleaved(void **state)
{
	uint8_t k32[32], k64[64];
	const uint8_t pw[] = "pw", salt[] = "salt";

	(void)state;
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 4, k32, sizeof(k32), 1), 0);
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 4, k64, sizeof(k64), 1), 0);
	for (int i = 0; i < 32; i++)
		assert_int_equal(k64[2 * i], k32[i]);
	assert_memory_not_equal(k32, k64, sizeof(k32));
}

static void test_refused(void **state)
{
	static uint8_t key[BCRYPT_PBKDF_KEY_MAX + 1];
	const uint8_t pw[] = "pw", salt[] = "salt";
	uint8_t *big = calloc(1, BCRYPT_PBKDF_SALT_MAX + 1);

	(void)state;
	assert_non_null(big);
	assert_int_equal(bcrypt_pbkdf(pw, 0, salt, 4, key, 32, 1), -EINVAL);
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 0, key, 32, 1), -EINVAL);
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 4, key, 0, 1), -EINVAL);
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 4, key, 32, 0), -EINVAL);
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 4, key, sizeof(key), 1), -EINVAL);
	assert_int_equal(bcrypt_pbkdf(pw, 2, big, BCRYPT_PBKDF_SALT_MAX + 1, key, 32, 1), -EINVAL);
	/* a refused call leaves no stale bytes in the key */
	memset(key, 0xa5, 32);
	assert_int_equal(bcrypt_pbkdf(pw, 0, salt, 4, key, 32, 1), -EINVAL);
	for (int i = 0; i < 32; i++)
		assert_int_equal(key[i], 0);
	assert_int_equal(bcrypt_pbkdf(pw, 2, salt, 4, key, BCRYPT_PBKDF_KEY_MAX, 1), 0);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_refused),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
