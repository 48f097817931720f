// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bech32 against the test vectors of BIP 173 and the keys of the C2SP age
 * spec and of stock age-keygen 1.1.1: an identity's X25519 public key
 * (libsodium) encoded here must be the recipient string they print.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "crypt/bech32.h"

/* the lines of a file of tests/data/age (at most 8, up to 4 KiB each) */
static size_t lines(const char *name, char out[8][4096])
{
	const char *top = getenv("KESU_SRCDIR");
	char path[PATH_MAX];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/age/%s", top ? top : ".", name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	while (n < 8 && fgets(out[n], 4096, f)) {
		out[n][strcspn(out[n], "\n")] = '\0';
		n++;
	}
	fclose(f);
	return n;
}

static void lowercase(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* BIP 173's valid strings: decoded, and (in lowercase) written back the same */
static void test_bip173_valid(void **state)
{
	static const char *valid[] = {
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharac"
		"tersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		"qqqqqqqqqqqqqqqqqqqqqqqqc8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	};
	/* "qpzry9x8gf2tvdw0s3jn54khce6mua7l" is the alphabet: the values 0 to 31 in turn */
	static const uint8_t abcdef[20] = { 0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54,
					    0xb6, 0x35, 0xcf, 0x84, 0x65, 0x3a, 0x56,
					    0xd7, 0xc6, 0x75, 0xbe, 0x77, 0xdf };
	static const size_t want[] = { 0, 0, 0, 20, 51, 30, 0 };
	char hrp[100], out[200], lower[200];
	uint8_t data[100];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if (bech32_decode(valid[i], hrp, sizeof(hrp), data, sizeof(data), &n))
			fail_msg("%s refused", valid[i]);
		assert_int_equal(n, want[i]);
		if (i == 3) {
			assert_string_equal(hrp, "abcdef");
			assert_memory_equal(data, abcdef, 20);
		}
		assert_int_equal(bech32_encode(hrp, data, n, out, sizeof(out)), 0);
		snprintf(lower, sizeof(lower), "%s", valid[i]);
		lowercase(lower);
		assert_string_equal(out, lower);
	}
	/* the case of the human-readable part is kept */
	assert_int_equal(bech32_decode("A12UEL5L", hrp, sizeof(hrp), data, sizeof(data), &n), 0);
	assert_string_equal(hrp, "A");
}

static void test_bip173_invalid(void **state)
{
	static const char *invalid[] = {
		" 1nwldj5",
		"\x7f"
		"1axkwrx",
		"\x80"
		"1eym55h",
		"an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharac"
		"tersbio1569pvx",
		"pzry9x0s0muk",
		"1pzry9x0s0muk",
		"x1b4n0q5v",
		"li1dgmt3",
		"de1lg7wt\xff",
		"A1G7SGD8",
		"10a06t8",
		"1qzzfhee",
		/* mixed case, a valid string otherwise */
		"a12UEL5L",
		"A12uel5l",
		/* one character changed, swapped, dropped */
		"a12uel5m",
		"a12uelfl",
		"a12ue5l",
		"",
		"1",
	};
	char hrp[100];
	uint8_t data[100];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (bech32_decode(invalid[i], hrp, sizeof(hrp), data, sizeof(data), &n) != -EINVAL)
			fail_msg("case %zu \"%s\" taken", i, invalid[i]);
}

/*
 * The padding rule of 8-to-5-bit conversion, with checksums right (made
 * from BIP 173's description by a separate program): 0xff as "lu" takes,
 * "la" (a padding bit set) and "luq" (7 bits of padding) do not.
 */
static void test_padding(void **state)
{
	char hrp[8];
	uint8_t data[4];
	size_t n;

	(void)state;
	assert_int_equal(bech32_decode("age1luyvfgxs", hrp, sizeof(hrp), data, sizeof(data), &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(data[0], 0xff);
	assert_int_equal(bech32_decode("age1lae6aamz", hrp, sizeof(hrp), data, sizeof(data), &n),
			 -EINVAL);
	assert_int_equal(bech32_decode("age1luqrr2q7m", hrp, sizeof(hrp), data, sizeof(data), &n),
			 -EINVAL);
	assert_int_equal(bech32_decode("age19l388n", hrp, sizeof(hrp), data, sizeof(data), &n), 0);
	assert_int_equal(n, 0);
}

/* the keys of the spec: HRPs and lengths, and no 90-character limit */
static void test_spec_keys(void **state)
{
	static const struct {
		const char *hrp;
		size_t n;
	} want[] = {
		{ "AGE-SECRET-KEY-PQ-", 32 },
		{ "age1pq", 1216 },
		{ "AGE-SECRET-KEY-", 32 },
		{ "age", 32 },
		{ "age1tag", 33 },
		{ "age1tagpq", 1249 },
	};
	char l[8][4096], hrp[32], out[4096];
	uint8_t data[1300], pk[32];
	size_t i, n;

	(void)state;
	assert_int_equal(lines("spec-keys.txt", l), 6);
	for (i = 0; i < 6; i++) {
		if (bech32_decode(l[i], hrp, sizeof(hrp), data, sizeof(data), &n))
			fail_msg("%s refused", l[i]);
		assert_string_equal(hrp, want[i].hrp);
		assert_int_equal(n, want[i].n);
		assert_int_equal(bech32_encode(hrp, data, n, out, sizeof(out)), 0);
		lowercase(l[i]);
		assert_string_equal(out, l[i]);
		/* too small for the data or the human-readable part: refused, not cut */
		assert_int_equal(bech32_decode(l[i], hrp, sizeof(hrp), data, n - 1, &n), -EINVAL);
		assert_int_equal(bech32_decode(l[i], hrp, strlen(want[i].hrp), data, sizeof(data),
					       &n),
				 -EINVAL);
	}
	/* the X25519 identity of the spec and its recipient */
	assert_int_equal(bech32_decode(l[2], hrp, sizeof(hrp), data, sizeof(data), &n), 0);
	assert_int_equal(crypto_scalarmult_base(pk, data), 0);
	assert_int_equal(bech32_encode("age", pk, 32, out, sizeof(out)), 0);
	assert_string_equal(out, l[3]);
}

/* an identity stock age-keygen wrote, and the public key it printed */
static void test_age_keygen(void **state)
{
	char l[8][4096], hrp[32], out[128];
	const char *pub;
	uint8_t sk[32], pk[32];
	size_t n;

	(void)state;
	assert_int_equal(lines("format-identity.txt", l), 3);
	pub = strstr(l[1], "age1");
	assert_non_null(pub);
	assert_int_equal(bech32_decode(l[2], hrp, sizeof(hrp), sk, sizeof(sk), &n), 0);
	assert_string_equal(hrp, "AGE-SECRET-KEY-");
	assert_int_equal(n, 32);
	assert_int_equal(crypto_scalarmult_base(pk, sk), 0);
	assert_int_equal(bech32_encode("age", pk, 32, out, sizeof(out)), 0);
	assert_string_equal(out, pub);
	assert_int_equal(bech32_decode(pub, hrp, sizeof(hrp), pk, sizeof(pk), &n), 0);
	assert_string_equal(hrp, "age");
	sodium_memzero(sk, sizeof(sk));
}

static void test_encode_limits(void **state)
{
	uint8_t data[2000];
	char *out = malloc(BECH32_ENCODED_LEN(3, sizeof(data))), hrp[8];
	uint8_t back[2000];
	size_t i, n;

	(void)state;
	assert_non_null(out);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	/* 3206 characters: far past BIP 173's 90 */
	assert_int_equal(bech32_encode("age", data, sizeof(data), out,
				       BECH32_ENCODED_LEN(3, sizeof(data))),
			 0);
	assert_int_equal(strlen(out) + 1, BECH32_ENCODED_LEN(3, sizeof(data)));
	assert_int_equal(bech32_decode(out, hrp, sizeof(hrp), back, sizeof(back), &n), 0);
	assert_int_equal(n, sizeof(data));
	assert_memory_equal(back, data, n);
	assert_int_equal(bech32_encode("age", data, sizeof(data), out,
				       BECH32_ENCODED_LEN(3, sizeof(data)) - 1),
			 -ENOBUFS);
	/* the human-readable part: 1 to 83 printable characters, written in lowercase */
	assert_int_equal(bech32_encode("", data, 1, out, 100), -EINVAL);
	assert_int_equal(bech32_encode("a b", data, 1, out, 100), -EINVAL);
	assert_int_equal(bech32_encode("caf\xc3\xa9", data, 1, out, 100), -EINVAL);
	assert_int_equal(bech32_encode(NULL, data, 1, out, 100), -EINVAL);
	assert_int_equal(bech32_encode("AGE-SECRET-KEY-", data, 0, out, 100), 0);
	assert_int_equal(strncmp(out, "age-secret-key-1", 16), 0);
	memset(out, 'a', 84);
	out[84] = '\0';
	assert_int_equal(bech32_encode(out, data, 1, out + 100, 200), -EINVAL);
	out[83] = '\0';
	assert_int_equal(bech32_encode(out, data, 1, out + 100, 200), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bip173_valid), cmocka_unit_test(test_bip173_invalid),
		cmocka_unit_test(test_padding),	     cmocka_unit_test(test_spec_keys),
		cmocka_unit_test(test_age_keygen),   cmocka_unit_test(test_encode_limits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
