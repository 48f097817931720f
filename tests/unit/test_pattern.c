// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Patterns: the AES-128-CTR keystream against NIST SP 800-38A F.5.1, its
 * addressability by offset, byte patterns and their phase, parsing and names.
 */
#include "config.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pattern.h"
#include "secmem.h"

/* NIST SP 800-38A, F.5.1 CTR-AES128.Encrypt */
static const uint8_t nist_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static const uint8_t nist_ctr[16] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static const uint8_t nist_plain[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73,
	0x93, 0x17, 0x2a, 0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7,
	0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51, 0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4,
	0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef, 0xf6, 0x9f, 0x24, 0x45,
	0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};

static const uint8_t nist_cipher[64] = {
	0x87, 0x4d, 0x61, 0x91, 0xb6, 0x20, 0xe3, 0x26, 0x1b, 0xef, 0x68, 0x64, 0x99,
	0x0d, 0xb6, 0xce, 0x98, 0x06, 0xf6, 0x6b, 0x79, 0x70, 0xfd, 0xff, 0x86, 0x17,
	0x18, 0x7b, 0xb9, 0xff, 0xfd, 0xff, 0x5a, 0xe4, 0xdf, 0x3e, 0xdb, 0xd5, 0xd3,
	0x5e, 0x5b, 0x4f, 0x09, 0x02, 0x0d, 0xb0, 0x3e, 0xab, 0x1e, 0x03, 0x1d, 0xda,
	0x2f, 0xbe, 0x03, 0xd1, 0x79, 0x21, 0x70, 0xa0, 0xf3, 0x00, 0x9c, 0xee,
};

/* the keystream is what the cipher XORs onto the plaintext */
static void nist_keystream(uint8_t ks[64])
{
	for (size_t i = 0; i < 64; i++)
		ks[i] = nist_plain[i] ^ nist_cipher[i];
}

static void nist_pattern(struct pattern *p)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(pattern_set_key(p, nist_key, nist_ctr), 0);
	assert_int_equal(p->kind, PATTERN_RANDOM);
}

static void test_ctr_known_answer(void **state)
{
	struct pattern p;
	uint8_t ks[64], out[64];

	nist_keystream(ks);
	nist_pattern(&p);
	assert_int_equal(pattern_fill(&p, out, sizeof(out), 0), 0);
	assert_memory_equal(out, ks, sizeof(ks));
	pattern_free(&p);
}

/* block k of the stream, generated at its own offset: the counter is iv + k */
static void test_ctr_block_offsets(void **state)
{
	struct pattern p;
	uint8_t ks[64], out[16];

	nist_keystream(ks);
	nist_pattern(&p);
	for (unsigned k = 0; k < 4; k++) {
		memset(out, 0xaa, sizeof(out));
		assert_int_equal(pattern_fill(&p, out, 16, 16 * k), 0);
		assert_memory_equal(out, ks + 16 * k, 16);
	}
	pattern_free(&p);
}

static void test_ctr_unaligned_offsets(void **state)
{
	static const size_t offs[] = { 1, 5, 15, 17, 31, 37, 47, 63 };
	struct pattern p;
	uint8_t ks[64], out[64];

	nist_keystream(ks);
	nist_pattern(&p);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t off = offs[i];

		memset(out, 0xaa, sizeof(out));
		assert_int_equal(pattern_fill(&p, out, 64 - off, off), 0);
		assert_memory_equal(out, ks + off, 64 - off);
	}
	pattern_free(&p);
}

/* AES-ECB of the 128-bit big-endian sum iv + k, computed here independently */
static void ecb_block(const uint8_t key[16], const uint8_t iv[16], uint64_t k, uint8_t out[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t ctr[16];
	unsigned carry = 0;
	int outl = 0;

	assert_non_null(ctx);
	for (int i = 15; i >= 0; i--) {
		unsigned v = iv[i] + carry + (i >= 8 ? (unsigned)(k >> (8 * (15 - i)) & 0xff) : 0);

		ctr[i] = (uint8_t)v;
		carry = v >> 8;
	}
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_int_equal(EVP_EncryptUpdate(ctx, out, &outl, ctr, 16), 1);
	assert_int_equal(outl, 16);
	EVP_CIPHER_CTX_free(ctx);
}

/*
 * A counter whose low 64 bits are all ones: block 1 must carry into the
 * high half (a 64-bit counter would wrap to the same high half instead).
 */
static void test_ctr_carry_128(void **state)
{
	static const uint8_t iv[16] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	};
	static const uint64_t blocks[] = { 0, 1, 2, 3, 1000, 0x100000001ULL };
	struct pattern p = { 0 };
	uint8_t want[16], out[16], stream[64];

	assert_int_equal(pattern_set_key(&p, nist_key, iv), 0);
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		ecb_block(nist_key, iv, blocks[i], want);
		assert_int_equal(pattern_fill(&p, out, 16, 16 * blocks[i]), 0);
		assert_memory_equal(out, want, 16);
	}
	/* the stream generated from 0 runs through the same carry */
	assert_int_equal(pattern_fill(&p, stream, sizeof(stream), 0), 0);
	for (unsigned k = 0; k < 4; k++) {
		ecb_block(nist_key, iv, k, want);
		assert_memory_equal(stream + 16 * k, want, 16);
	}
	pattern_free(&p);
	assert_null(p.key);
}

static void fill_in_pieces(const struct pattern *p, uint8_t *buf, size_t len, uint64_t base)
{
	size_t at = 0, step = 1;

	while (at < len) {
		size_t n = step < len - at ? step : len - at;

		assert_int_equal(pattern_fill(p, buf + at, n, base + at), 0);
		at += n;
		step = step * 3 % 97 + 1; /* 1, 4, 13, 40, ... odd sizes and phases */
	}
}

static void check_one_vs_many(const char *spec, uint64_t base)
{
	enum { LEN = 70000 };
	struct pattern p;
	uint8_t *whole = malloc(LEN), *parts = malloc(LEN);

	assert_non_null(whole);
	assert_non_null(parts);
	assert_int_equal(pattern_parse(spec, &p), 0);
	memset(whole, 0x11, LEN);
	memset(parts, 0x22, LEN);
	assert_int_equal(pattern_fill(&p, whole, LEN, base), 0);
	fill_in_pieces(&p, parts, LEN, base);
	assert_memory_equal(whole, parts, LEN);
	pattern_free(&p);
	free(whole);
	free(parts);
}

static void test_fill_one_vs_many(void **state)
{
	check_one_vs_many("random", 0);
	check_one_vs_many("random", 12345);
	check_one_vs_many("pattern:a55a0f", 0);
	check_one_vs_many("pattern:a55a0f", 7);
	check_one_vs_many("pattern:0102030405060708090a0b0c0d0e0f1011", 1000003);
	check_one_vs_many("one", 3);
}

static void test_parse_simple(void **state)
{
	struct pattern p;
	uint8_t buf[300];

	assert_int_equal(pattern_parse("zero", &p), 0);
	assert_int_equal(p.kind, PATTERN_ZERO);
	memset(buf, 0x5c, sizeof(buf));
	assert_int_equal(pattern_fill(&p, buf, sizeof(buf), 17), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x00);

	assert_int_equal(pattern_parse("one", &p), 0);
	assert_int_equal(p.kind, PATTERN_ONE);
	memset(buf, 0x5c, sizeof(buf));
	assert_int_equal(pattern_fill(&p, buf, sizeof(buf), 17), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xff);

	assert_int_equal(pattern_parse("random", &p), 0);
	assert_int_equal(p.kind, PATTERN_RANDOM);
	assert_non_null(p.key);
	pattern_free(&p);
	assert_null(p.key);
}

static void expect_bytes(const char *spec, const uint8_t *want, size_t n)
{
	struct pattern p;

	assert_int_equal(pattern_parse(spec, &p), 0);
	assert_int_equal(p.kind, PATTERN_BYTES);
	assert_int_equal(p.nbytes, n);
	assert_memory_equal(p.bytes, want, n);
}

static void test_parse_hex(void **state)
{
	static const uint8_t a55a[] = { 0xa5, 0x5a };
	static const uint8_t one[] = { 0x0f };
	uint8_t max[PATTERN_MAX_BYTES];
	char spec[8 + 2 + 2 * PATTERN_MAX_BYTES + 1];

	expect_bytes("pattern:a55a", a55a, 2);
	expect_bytes("pattern:A55A", a55a, 2);
	expect_bytes("pattern:0xa55a", a55a, 2);
	expect_bytes("pattern:0XA55a", a55a, 2);
	expect_bytes("pattern:0f", one, 1);

	/* exactly 64 bytes is the largest accepted */
	strcpy(spec, "pattern:0x");
	for (size_t i = 0; i < PATTERN_MAX_BYTES; i++) {
		max[i] = (uint8_t)(0xc0 + i);
		sprintf(spec + 10 + 2 * i, "%02X", max[i]);
	}
	expect_bytes(spec, max, PATTERN_MAX_BYTES);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"zeros",
		"Zero",
		"ONE",
		"random:1",
		"pattern",
		"pattern:",
		"pattern:0x",
		"pattern:a",
		"pattern:a55",
		"pattern:0xa",
		"pattern:zz",
		"pattern:a5g0",
		"pattern:a5 5a",
		"pattern:-a5",
		"pattern:0xx5",
		"pat:a5",
		"a55a",
	};
	char spec[8 + 2 * (PATTERN_MAX_BYTES + 1) + 1];
	struct pattern p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pattern_parse(bad[i], &p), -EINVAL);

	/* 65 bytes: one too many */
	strcpy(spec, "pattern:");
	for (size_t i = 0; i < PATTERN_MAX_BYTES + 1; i++)
		strcat(spec, "5a");
	assert_int_equal(pattern_parse(spec, &p), -EINVAL);
}

static void test_bytes_phase(void **state)
{
	static const uint8_t period[] = { 0xa5, 0x5a, 0x0f };
	static const uint64_t offs[] = { 0, 1, 2, 3, 5, 7, 4097, 1000001 };
	struct pattern p;
	uint8_t buf[1000];

	assert_int_equal(pattern_parse("pattern:a55a0f", &p), 0);
	for (size_t k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
		for (size_t len = 1; len <= sizeof(buf); len = len * 2 + 1) {
			memset(buf, 0x33, sizeof(buf));
			assert_int_equal(pattern_fill(&p, buf, len, offs[k]), 0);
			for (size_t i = 0; i < len; i++)
				assert_int_equal(buf[i], period[(offs[k] + i) % 3]);
			/* nothing past len is touched */
			if (len < sizeof(buf))
				assert_int_equal(buf[len], 0x33);
		}
	}
	/* spelled out: offset 1 starts mid-period */
	assert_int_equal(pattern_fill(&p, buf, 5, 1), 0);
	assert_memory_equal(buf, ((uint8_t[]){ 0x5a, 0x0f, 0xa5, 0x5a, 0x0f }), 5);
}

static void check_finds(const char *spec, uint64_t off)
{
	enum { LEN = 4096 };
	static const size_t where[] = { 0, 1, 511, 512, 2049, LEN - 1 };
	struct pattern p;
	uint8_t buf[LEN], scratch[LEN];
	size_t bad;

	assert_int_equal(pattern_parse(spec, &p), 0);
	assert_int_equal(pattern_fill(&p, buf, LEN, off), 0);
	bad = 12345;
	assert_int_equal(pattern_check(&p, buf, LEN, off, scratch, &bad), 0);
	assert_int_equal(bad, 12345);
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		uint8_t save = buf[where[i]];

		buf[where[i]] ^= 0x01;
		/* a second, later difference must not hide the first */
		if (where[i] + 100 < LEN)
			buf[where[i] + 100] ^= 0x80;
		bad = 0;
		assert_int_equal(pattern_check(&p, buf, LEN, off, scratch, &bad), -EILSEQ);
		assert_int_equal(bad, where[i]);
		assert_int_equal(pattern_check(&p, buf, LEN, off, scratch, NULL), -EILSEQ);
		buf[where[i]] = save;
		if (where[i] + 100 < LEN)
			buf[where[i] + 100] ^= 0x80;
	}
	/* the right bytes at the wrong offset do not match */
	if (p.kind != PATTERN_ZERO && p.kind != PATTERN_ONE)
		assert_int_equal(pattern_check(&p, buf, LEN, off + 1, scratch, &bad), -EILSEQ);
	pattern_free(&p);
}

static void test_check(void **state)
{
	check_finds("zero", 0);
	check_finds("one", 512);
	check_finds("pattern:a55a0f", 7);
	check_finds("random", 0);
	check_finds("random", 1ULL << 40);
}

static void test_random_keys_differ(void **state)
{
	enum { LEN = 256 };
	struct pattern a, b;
	uint8_t x[LEN], y[LEN];

	assert_int_equal(pattern_parse("random", &a), 0);
	assert_int_equal(pattern_parse("random", &b), 0);
	assert_memory_not_equal(a.key, b.key, PATTERN_KEY_LEN);
	assert_int_equal(pattern_fill(&a, x, LEN, 0), 0);
	assert_int_equal(pattern_fill(&b, y, LEN, 0), 0);
	assert_memory_not_equal(x, y, LEN);
	/* and a stream does not repeat itself one block later */
	assert_int_equal(pattern_fill(&a, y, LEN, 16), 0);
	assert_memory_not_equal(x, y, LEN);
	pattern_free(&a);
	pattern_free(&b);
}

static void test_name(void **state)
{
	struct pattern p;
	char buf[8 + 2 * PATTERN_MAX_BYTES + 1], want[sizeof(buf)];

	assert_int_equal(pattern_parse("zero", &p), 0);
	assert_string_equal(pattern_name(&p, buf, sizeof(buf)), "zero");
	assert_null(pattern_generator(&p));
	assert_int_equal(pattern_parse("one", &p), 0);
	assert_string_equal(pattern_name(&p, buf, sizeof(buf)), "one");
	assert_null(pattern_generator(&p));
	assert_int_equal(pattern_parse("random", &p), 0);
	assert_string_equal(pattern_name(&p, buf, sizeof(buf)), "random");
	assert_string_equal(pattern_generator(&p), "aes-128-ctr");
	pattern_free(&p);

	assert_int_equal(pattern_parse("pattern:0xA55A0F", &p), 0);
	assert_string_equal(pattern_name(&p, buf, sizeof(buf)), "pattern:a55a0f");
	assert_null(pattern_generator(&p));

	/* a 64-byte pattern is named in full */
	strcpy(want, "pattern:");
	for (size_t i = 0; i < PATTERN_MAX_BYTES; i++)
		strcat(want, "e7");
	assert_int_equal(pattern_parse(want, &p), 0);
	assert_string_equal(pattern_name(&p, buf, sizeof(buf)), want);
}

/*
 * pattern_xor() turns data that matches into zeros and leaves exactly the
 * differing bytes non-zero, for every kind and at unaligned offsets.
 */
static void test_xor(void **state)
{
	static const char *const specs[] = { "zero", "one", "random", "pattern:a55a0f" };
	enum { LEN = 3 * 4096 + 100 };
	uint8_t *want = malloc(LEN), *got = malloc(LEN), *scratch = malloc(LEN);
	const uint64_t offs[] = { 0, 5, 4096, 1048576 + 37 };

	assert_non_null(want);
	assert_non_null(got);
	assert_non_null(scratch);
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct pattern p;

		assert_int_equal(pattern_parse(specs[i], &p), 0);
		for (size_t k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			assert_int_equal(pattern_fill(&p, want, LEN, offs[k]), 0);
			memcpy(got, want, LEN);
			assert_int_equal(pattern_xor(&p, got, LEN, offs[k], scratch), 0);
			assert_true(pattern_is_zero(got, LEN));
			memcpy(got, want, LEN);
			got[4097] ^= 0x10;
			got[LEN - 1] ^= 0x01;
			assert_int_equal(pattern_xor(&p, got, LEN, offs[k], scratch), 0);
			assert_false(pattern_is_zero(got, LEN));
			assert_int_equal(got[4097], 0x10);
			assert_int_equal(got[LEN - 1], 0x01);
			got[4097] = got[LEN - 1] = 0;
			assert_true(pattern_is_zero(got, LEN));
		}
		pattern_free(&p);
	}
	free(want);
	free(got);
	free(scratch);
}

/* Only patterns whose bytes repeat with the request size may share one buffer. */
static void test_repeats_every(void **state)
{
	struct pattern p;

	assert_int_equal(pattern_parse("zero", &p), 0);
	assert_true(pattern_repeats_every(&p, 4096));
	assert_int_equal(pattern_parse("pattern:a55a", &p), 0);
	assert_true(pattern_repeats_every(&p, 1048576));
	assert_int_equal(pattern_parse("pattern:a1b2c3", &p), 0);
	assert_false(pattern_repeats_every(&p, 1048576));
	assert_true(pattern_repeats_every(&p, 3 * 4096));
	assert_int_equal(pattern_parse("random", &p), 0);
	assert_false(pattern_repeats_every(&p, 1048576));
	pattern_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_known_answer),
		cmocka_unit_test(test_ctr_block_offsets),
		cmocka_unit_test(test_ctr_unaligned_offsets),
		cmocka_unit_test(test_ctr_carry_128),
		cmocka_unit_test(test_fill_one_vs_many),
		cmocka_unit_test(test_parse_simple),
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_bytes_phase),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_random_keys_differ),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_xor),
		cmocka_unit_test(test_repeats_every),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
