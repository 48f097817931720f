// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * age's ASCII armor against stock age 1.1.1: the armored files it wrote
 * decode to what coreutils base64 -d made of them, and armoring those bytes
 * gives age's text back byte for byte, in any split of the input. Each
 * hand-made file of tests/data/age/make.sh breaks one rule of the strict
 * form and must be refused; the well-formed variants (CRLF, whitespace
 * around the block, no LF after END) must not.
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

#include "testdata.h"

#include "crypt/armor.h"

struct blob {
	uint8_t *p;
	size_t len;
};

/* a file of tests/data/age, whole */
static struct blob data(const char *name)
{
	char rel[256];
	struct blob b;

	snprintf(rel, sizeof(rel), "age/%s", name);
	b.p = test_data_read(rel, &b.len);
	return b;
}

/*
 * Decode @in in pieces of @step characters (0: sizes 1, 2, 3, ... in turn);
 * every call must write no more than it was given. Return: the first error,
 * or armor_dec_final()'s result; the bytes in *out (malloc'd).
 */
static int decode(const uint8_t *in, size_t len, size_t step, struct blob *out)
{
	struct armor_dec *d;
	size_t off = 0, n, got, turn = 1;
	int rc = 0;

	assert_int_equal(armor_dec_new(&d), 0);
	out->p = malloc(len + 1);
	out->len = 0;
	assert_non_null(out->p);
	while (off < len && !rc) {
		n = step ? step : turn++;
		if (n > len - off)
			n = len - off;
		rc = armor_dec_update(d, (const char *)in + off, n, out->p + out->len, &got);
		assert_true(got <= n);
		out->len += got;
		off += n;
	}
	if (!rc)
		rc = armor_dec_final(d);
	armor_dec_free(d);
	return rc;
}

/* armor @in in pieces of @step bytes (0: 1, 2, 3, ...), checking ARMOR_ENC_OUT_MAX */
static int encode(const uint8_t *in, size_t len, size_t step, struct blob *out)
{
	struct armor_enc *e;
	size_t off = 0, n, got, turn = 1, cap = ARMOR_ENC_OUT_MAX(len) + ARMOR_ENC_FINAL_MAX;
	int rc;

	assert_int_equal(armor_enc_new(&e), 0);
	out->p = malloc(cap);
	out->len = 0;
	assert_non_null(out->p);
	while (off < len) {
		n = step ? step : turn++;
		if (n > len - off)
			n = len - off;
		/* poison what the call may write to, to catch a write past the promise */
		memset(out->p + out->len, '#', ARMOR_ENC_OUT_MAX(n));
		assert_int_equal(armor_enc_update(e, in + off, n, (char *)out->p + out->len, &got),
				 0);
		assert_true(got <= ARMOR_ENC_OUT_MAX(n));
		out->len += got;
		off += n;
	}
	rc = armor_enc_final(e, (char *)out->p + out->len, &got);
	if (!rc) {
		assert_true(got <= ARMOR_ENC_FINAL_MAX);
		out->len += got;
	}
	armor_enc_free(e);
	return rc;
}

static const char *stock[][2] = {
	{ "stock-armor.age.asc", "stock-armor.age" },
	{ "stock-armor-240.age.asc", "stock-armor-240.age" },
	{ "stock-armor-241.age.asc", "stock-armor-241.age" },
};

static void test_stock_decode(void **state)
{
	static const size_t steps[] = { 0, 1, 2, 3, 4, 5, 7, 33, 64, 65, 66, 100, 4096 };
	struct blob a, b, out;
	size_t i, k;

	(void)state;
	for (i = 0; i < 3; i++) {
		a = data(stock[i][0]);
		b = data(stock[i][1]);
		for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			assert_int_equal(decode(a.p, a.len, steps[k], &out), 0);
			assert_int_equal(out.len, b.len);
			assert_memory_equal(out.p, b.p, b.len);
			free(out.p);
		}
		free(a.p);
		free(b.p);
	}
}

static void test_stock_encode(void **state)
{
	static const size_t steps[] = { 0, 1, 2, 47, 48, 49, 96, 4096 };
	struct blob a, b, out;
	size_t i, k;

	(void)state;
	for (i = 0; i < 3; i++) {
		a = data(stock[i][0]);
		b = data(stock[i][1]);
		for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			assert_int_equal(encode(b.p, b.len, steps[k], &out), 0);
			assert_int_equal(out.len, a.len);
			assert_memory_equal(out.p, a.p, a.len);
			free(out.p);
		}
		free(a.p);
		free(b.p);
	}
}

/* well formed, though not what age writes */
static void test_variants(void **state)
{
	static const char *ok[] = { "armor-ok-crlf.asc", "armor-ok-space.asc",
				    "armor-ok-noeol.asc" };
	struct blob a, b = data("stock-armor.age"), out;
	size_t i, step;

	(void)state;
	for (i = 0; i < 3; i++) {
		a = data(ok[i]);
		for (step = 0; step < 3; step++) {
			if (decode(a.p, a.len, step, &out))
				fail_msg("%s (pieces of %zu) refused", ok[i], step);
			assert_int_equal(out.len, b.len);
			assert_memory_equal(out.p, b.p, b.len);
			free(out.p);
		}
		free(a.p);
	}
	free(b.p);
}

/* one file per malformed class: refused whole, and in pieces of one character */
static void test_malformed(void **state)
{
	static const char *bad[] = {
		"armor-bad-68col.asc",		"armor-bad-short-line.asc",
		"armor-bad-garbage-before.asc", "armor-bad-text-before.asc",
		"armor-bad-garbage-after.asc",	"armor-bad-two-blocks.asc",
		"armor-bad-no-end.asc",		"armor-bad-truncated-end.asc",
		"armor-bad-label.asc",		"armor-bad-begin-space.asc",
		"armor-bad-pad-missing.asc",	"armor-bad-pad-bits.asc",
		"armor-bad-pad-extra.asc",	"armor-bad-pad-middle.asc",
		"armor-bad-mixed-eol.asc",	"armor-bad-bare-cr.asc",
		"armor-bad-line-space.asc",	"armor-bad-blank-line.asc",
		"armor-bad-empty.asc",
	};
	struct blob a, out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = data(bad[i]);
		if (decode(a.p, a.len, 4096, &out) != -EBADMSG)
			fail_msg("%s taken", bad[i]);
		free(out.p);
		if (decode(a.p, a.len, 1, &out) != -EBADMSG)
			fail_msg("%s taken one character at a time", bad[i]);
		free(out.p);
		free(a.p);
	}
}

/* hand-written lines around the padding and the last line */
static void test_lines(void **state)
{
	static const struct {
		const char *text;
		int rc;
	} t[] = {
		{ ARMOR_BEGIN "\nAAAA\n" ARMOR_END "\n", 0 },
		{ ARMOR_BEGIN "\nAA==\n" ARMOR_END "\n", 0 },
		{ ARMOR_BEGIN "\nAAA=\n" ARMOR_END "\n", 0 },
		{ ARMOR_BEGIN "\r\nAAA=\r\n" ARMOR_END "\r\n", 0 },
		{ ARMOR_BEGIN "\r\nAAA=\r\n" ARMOR_END, 0 },
		{ " \n" ARMOR_BEGIN "\nAAAA\n" ARMOR_END "\n\t\n", 0 },
		{ ARMOR_BEGIN "\nAA\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nA===\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAA=A\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAB==\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAB=\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAA==AAAA\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA\nAAAA\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAA-_\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA\r\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\r\nAAAA\n" ARMOR_END "\r\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA\n" ARMOR_END " x\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA\n" ARMOR_END "-\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA\n" ARMOR_END "\n\0", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA\n", -EBADMSG },
		{ ARMOR_BEGIN "\nAAAA", -EBADMSG },
		{ ARMOR_BEGIN, -EBADMSG },
		{ "", -EBADMSG },
		{ " \n", -EBADMSG },
		{ ARMOR_BEGIN "\n\n" ARMOR_END "\n", -EBADMSG },
		{ ARMOR_BEGIN "\n" ARMOR_END "\n", -EBADMSG },
	};
	struct blob out;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = strlen(t[i].text) + (i == 18);
		if (decode((const uint8_t *)t[i].text, len, 0, &out) != t[i].rc)
			fail_msg("case %zu: \"%s\" not %d", i, t[i].text, t[i].rc);
		free(out.p);
	}
}

/* any length through both, in lines of 64 but the last (up to 64 too) */
static void test_round_trip(void **state)
{
	uint8_t in[300];
	struct blob text, back;
	size_t n, i, col, last;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (n = 1; n <= sizeof(in); n++) {
		assert_int_equal(encode(in, n, 0, &text), 0);
		col = last = 0;
		for (i = sizeof(ARMOR_BEGIN); i < text.len - sizeof(ARMOR_END); i++) {
			if (text.p[i] != '\n') {
				col++;
				continue;
			}
			assert_true(col == 64 || i + 1 == text.len - sizeof(ARMOR_END));
			last = col;
			col = 0;
		}
		assert_int_equal(last, ((n + 2) / 3 * 4 - 1) % 64 + 1);
		assert_int_equal(decode(text.p, text.len, n % 5, &back), 0);
		assert_int_equal(back.len, n);
		assert_memory_equal(back.p, in, n);
		free(text.p);
		free(back.p);
	}
}

static void test_enc_misuse(void **state)
{
	struct armor_enc *e;
	char out[2 * ARMOR_ENC_FINAL_MAX];
	size_t n, m;

	(void)state;
	/* the strict form has no empty armor */
	assert_int_equal(armor_enc_new(&e), 0);
	assert_int_equal(armor_enc_update(e, NULL, 0, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(armor_enc_final(e, out, &n), -ENODATA);
	assert_int_equal(n, 0);
	assert_int_equal(armor_enc_final(e, out, &n), -EINVAL);
	armor_enc_free(e);
	assert_int_equal(armor_enc_new(&e), 0);
	assert_int_equal(armor_enc_update(e, (const uint8_t *)"x", 1, out, &m), 0);
	assert_int_equal(m, sizeof(ARMOR_BEGIN "\n") - 1);
	assert_int_equal(armor_enc_final(e, out + m, &n), 0);
	n += m;
	assert_int_equal(n, sizeof(ARMOR_BEGIN "\neA==\n" ARMOR_END "\n") - 1);
	assert_memory_equal(out, ARMOR_BEGIN "\neA==\n" ARMOR_END "\n", n);
	assert_int_equal(armor_enc_update(e, (const uint8_t *)"x", 1, out, &n), -EINVAL);
	armor_enc_free(e);
	armor_enc_free(NULL);
	armor_dec_free(NULL);
}

/* after an error every call fails, and nothing more comes out */
static void test_dec_sticky(void **state)
{
	static const char text[] = ARMOR_BEGIN "\nAAA\n" ARMOR_END "\n";
	struct armor_dec *d;
	uint8_t out[sizeof(text)];
	size_t n;

	(void)state;
	assert_int_equal(armor_dec_new(&d), 0);
	assert_int_equal(armor_dec_update(d, text, sizeof(text) - 1, out, &n), -EBADMSG);
	assert_int_equal(armor_dec_update(d, "AAAA\n", 5, out, &n), -EBADMSG);
	assert_int_equal(n, 0);
	assert_int_equal(armor_dec_final(d), -EBADMSG);
	armor_dec_free(d);
}

static void test_detect(void **state)
{
	struct blob a = data("stock-armor.age.asc"), b = data("stock-armor.age"),
		    s = data("armor-ok-space.asc");

	(void)state;
	assert_true(armor_detect(a.p, a.len));
	assert_true(armor_detect(s.p, s.len));
	assert_true(armor_detect(a.p, 10));
	assert_true(armor_detect((const uint8_t *)" \r\n-----BEG", 11));
	assert_false(armor_detect(b.p, b.len));
	assert_false(armor_detect(a.p, 0));
	assert_false(armor_detect((const uint8_t *)" \n\t", 3));
	assert_false(armor_detect((const uint8_t *)"x-----BEGIN", 11));
	assert_false(armor_detect((const uint8_t *)"-----BEGIN PGP MESSAGE-----", 27));
	free(a.p);
	free(b.p);
	free(s.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stock_decode), cmocka_unit_test(test_stock_encode),
		cmocka_unit_test(test_variants),     cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_lines),	     cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_enc_misuse),   cmocka_unit_test(test_dec_sticky),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
