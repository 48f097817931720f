// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The age v1 header parser and writer against files stock age 1.1.1 wrote
 * and the examples of the C2SP spec (tests/data/age/README): every stock
 * header parses and is written back byte for byte; the expected bytes of
 * the spec's example come from coreutils base64 -d. Each hand-made file of
 * tests/data/age/make.sh breaks one rule and must give its errno.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdata.h"

#include "crypt/age_format.h"

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

/* encode(parse(x)) is x up to "---", and the MAC line follows it */
static void assert_round_trip(const uint8_t *buf, const struct age_header *h)
{
	char *out;
	size_t len;

	assert_int_equal(age_header_encode(h->s, h->n, &out, &len), 0);
	assert_int_equal(len, h->mac_input_len);
	assert_int_equal(strlen(out), len);
	assert_memory_equal(out, buf, len);
	assert_int_equal(h->len, h->mac_input_len + 1 + 43 + 1);
	assert_int_equal(buf[h->len - 1], '\n');
	free(out);
}

/* the spec's example header, bytes by coreutils (base64 -d after adding the padding) */
static void test_spec_example(void **state)
{
	static const uint8_t share[32] = { 0x5c, 0x49, 0x74, 0x74, 0x9e, 0xb2, 0xdc, 0x2e,
					   0xca, 0x66, 0x48, 0x26, 0x81, 0x65, 0x22, 0x72,
					   0x0e, 0xb7, 0x13, 0x25, 0xc9, 0x8b, 0x00, 0x49,
					   0x5b, 0xc3, 0xdd, 0x60, 0x9f, 0xdc, 0x60, 0x11 };
	static const uint8_t body[32] = { 0xa9, 0x14, 0xb4, 0x00, 0xc8, 0xdd, 0x8c, 0xfb,
					  0xd9, 0xfd, 0x64, 0xf4, 0xf1, 0x4d, 0x8a, 0x2f,
					  0x81, 0xbe, 0x3c, 0x8a, 0x28, 0x03, 0x78, 0x72,
					  0xdf, 0xc4, 0xaf, 0x2e, 0x9b, 0xda, 0x0b, 0x51 };
	static const uint8_t mac[32] = { 0x1c, 0xad, 0x8d, 0x98, 0xe0, 0x4d, 0xf4, 0x3a,
					 0x6a, 0xd0, 0x6c, 0x3a, 0xc4, 0xc0, 0xae, 0x84,
					 0x57, 0x10, 0x95, 0x02, 0xef, 0x67, 0xfc, 0x10,
					 0x52, 0x2f, 0xf6, 0xb1, 0xc2, 0xc6, 0xef, 0x9b };
	struct blob b = data("spec-example.age");
	struct age_header h;
	uint8_t got[32];
	size_t n;

	(void)state;
	assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.s[0].type, "X25519");
	assert_int_equal(h.s[0].nargs, 1);
	assert_string_equal(h.s[0].args[0], "XEl0dJ6y3C7KZkgmgWUicg63EyXJiwBJW8PdYJ/cYBE");
	assert_int_equal(age_b64_decode(h.s[0].args[0], 43, got, sizeof(got), &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(got, share, 32);
	assert_int_equal(h.s[0].body_len, 32);
	assert_memory_equal(h.s[0].body, body, 32);
	assert_memory_equal(h.mac, mac, 32);
	/* 22 + 54 + 44 bytes of lines, then "---" */
	assert_int_equal(h.mac_input_len, 22 + 54 + 44 + 3);
	assert_int_equal(h.len, b.len);
	assert_round_trip(b.p, &h);
	age_header_free(&h);
	free(b.p);
}

/* every stanza example of the spec in one header: arguments of 4 to 1153 bytes */
static void test_spec_stanzas(void **state)
{
	static const struct {
		const char *type;
		size_t nargs, arg_bytes[2];
	} want[] = {
		{ "mlkem768x25519", 1, { 1120 } },
		{ "X25519", 1, { 32 } },
		{ "scrypt", 2, { 16 } },
		{ "p256tag", 2, { 4, 65 } },
		{ "mlkem768p256tag", 2, { 4, 1153 } },
	};
	struct blob b = data("spec-header.age");
	struct age_header h;
	uint8_t arg[1200];
	size_t i, j, n;

	(void)state;
	assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
	assert_int_equal(h.n, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(h.s[i].type, want[i].type);
		assert_int_equal(h.s[i].nargs, want[i].nargs);
		assert_int_equal(h.s[i].body_len, 32);
		for (j = 0; j < 2 && want[i].arg_bytes[j]; j++) {
			assert_int_equal(age_b64_decode(h.s[i].args[j], strlen(h.s[i].args[j]), arg,
							sizeof(arg), &n),
					 0);
			assert_int_equal(n, want[i].arg_bytes[j]);
		}
	}
	assert_string_equal(h.s[2].args[1], "18");
	assert_round_trip(b.p, &h);
	age_header_free(&h);
	free(b.p);
}

/* what stock age wrote; header lengths by head -n K FILE | wc -c */
static void test_stock(void **state)
{
	static const struct {
		const char *file, *type;
		size_t n, len;
	} t[] = {
		{ "stock-x25519.age", "X25519", 1, 168 },
		{ "stock-2rcpt.age", "X25519", 2, 266 },
		{ "stock-scrypt.age", "scrypt", 1, 150 },
		{ "stock-armor.age", "X25519", 1, 168 },
	};
	struct age_header h;
	struct blob b;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		b = data(t[i].file);
		assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
		assert_int_equal(h.n, t[i].n);
		for (k = 0; k < h.n; k++) {
			assert_string_equal(h.s[k].type, t[i].type);
			assert_int_equal(h.s[k].body_len, 32);
		}
		assert_int_equal(h.len, t[i].len);
		assert_round_trip(b.p, &h);
		/* the header alone is enough; a byte less is not */
		age_header_free(&h);
		assert_int_equal(age_header_parse(b.p, t[i].len, &h), 0);
		age_header_free(&h);
		assert_int_equal(age_header_parse(b.p, t[i].len - 1, &h), -EAGAIN);
		assert_null(h.s);
		free(b.p);
	}
}

/* every proper prefix of a good header is "read more", never an error */
static void test_prefixes(void **state)
{
	const char *files[] = { "stock-2rcpt.age", "hdr-ok-long.age", "hdr-ok-48.age",
				"hdr-ok-empty-body.age" };
	struct age_header h;
	struct blob b;
	size_t i, k, len;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		b = data(files[i]);
		assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
		len = h.len;
		age_header_free(&h);
		for (k = 0; k < len; k++)
			assert_int_equal(age_header_parse(b.p, k, &h), -EAGAIN);
		free(b.p);
	}
}

/* well formed in ways stock age does not write */
static void test_handmade_ok(void **state)
{
	struct blob b = data("hdr-ok-empty-body.age"), x = data("stock-x25519.age"),
		    a = data("stock-armor.age");
	struct age_header h;
	size_t i;

	(void)state;
	assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.s[0].type, "kesu.example/empty");
	assert_int_equal(h.s[0].nargs, 2);
	assert_string_equal(h.s[0].args[0], "a");
	assert_string_equal(h.s[0].args[1], "b");
	assert_int_equal(h.s[0].body_len, 0);
	assert_non_null(h.s[0].body);
	assert_round_trip(b.p, &h);
	age_header_free(&h);
	free(b.p);

	/* 48 bytes: one full line, then an empty one */
	b = data("hdr-ok-48.age");
	assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
	assert_int_equal(h.s[0].body_len, 48);
	assert_memory_equal(h.s[0].body, x.p, 48);
	assert_int_equal(h.s[0].nargs, 0);
	assert_round_trip(b.p, &h);
	age_header_free(&h);
	free(b.p);

	/* 8 arguments after the type, 100 bytes in lines of 64, 64 and 6 */
	b = data("hdr-ok-long.age");
	assert_int_equal(age_header_parse(b.p, b.len, &h), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.s[0].nargs, AGE_MAX_ARGS);
	for (i = 0; i < AGE_MAX_ARGS; i++)
		assert_int_equal(h.s[0].args[i][0], '1' + (int)i);
	assert_int_equal(h.s[0].body_len, 100);
	assert_memory_equal(h.s[0].body, a.p + a.len - 100, 100);
	assert_round_trip(b.p, &h);
	age_header_free(&h);
	free(b.p);
	free(x.p);
	free(a.p);
}

/* one file per malformed class (tests/data/age/make.sh says what each breaks) */
static void test_malformed(void **state)
{
	static const struct {
		const char *file;
		int rc;
	} t[] = {
		{ "hdr-bad-version-v2.age", -EPROTONOSUPPORT },
		{ "hdr-bad-version-prefix.age", -EBADMSG },
		{ "hdr-bad-version-space.age", -EBADMSG },
		{ "hdr-bad-crlf.age", -EBADMSG },
		{ "hdr-bad-cr-body.age", -EBADMSG },
		{ "hdr-bad-padding.age", -EBADMSG },
		{ "hdr-bad-trailing-bits.age", -EBADMSG },
		{ "hdr-bad-urlsafe.age", -EBADMSG },
		{ "hdr-bad-4k1.age", -EBADMSG },
		{ "hdr-bad-65col.age", -EBADMSG },
		{ "hdr-bad-short-line.age", -EBADMSG },
		{ "hdr-bad-no-final-line.age", -EBADMSG },
		{ "hdr-bad-no-final-line-mac.age", -EBADMSG },
		{ "hdr-bad-no-stanza.age", -EBADMSG },
		{ "hdr-bad-empty-arg.age", -EBADMSG },
		{ "hdr-bad-trailing-space.age", -EBADMSG },
		{ "hdr-bad-no-args.age", -EBADMSG },
		{ "hdr-bad-no-space.age", -EBADMSG },
		{ "hdr-bad-arg-8bit.age", -EBADMSG },
		{ "hdr-bad-arg-tab.age", -EBADMSG },
		{ "hdr-bad-arg-nul.age", -EBADMSG },
		{ "hdr-bad-too-many-args.age", -EBADMSG },
		{ "hdr-bad-no-mac.age", -EBADMSG },
		{ "hdr-bad-mac-short.age", -EBADMSG },
		{ "hdr-bad-mac-long.age", -EBADMSG },
		{ "hdr-bad-mac-padding.age", -EBADMSG },
		{ "hdr-bad-mac-bits.age", -EBADMSG },
		{ "hdr-bad-mac-nospace.age", -EBADMSG },
		{ "hdr-bad-mac-twospace.age", -EBADMSG },
		{ "hdr-truncated.age", -EAGAIN },
	};
	struct age_header h;
	struct blob b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		b = data(t[i].file);
		h.n = 99;
		if (age_header_parse(b.p, b.len, &h) != t[i].rc)
			fail_msg("%s: not %d", t[i].file, t[i].rc);
		assert_int_equal(h.n, 0);
		assert_null(h.s);
		free(b.p);
	}
}

/* a malformed byte is refused where it stands, not after more reading */
static void test_early(void **state)
{
	static const struct {
		const char *buf;
		int rc;
	} t[] = {
		{ "", -EAGAIN },
		{ "age-encr", -EAGAIN },
		{ "agx", -EBADMSG },
		{ "\x1f\x8b\x08", -EBADMSG },
		{ "age-encryption.org/v1", -EAGAIN },
		{ "age-encryption.org/v1\r", -EBADMSG },
		{ "age-encryption.org/\n", -EBADMSG },
		{ "age-encryption.org/v1\n", -EAGAIN },
		{ "age-encryption.org/v1\nPK\x03\x04", -EBADMSG },
		{ "age-encryption.org/v1\n-", -EAGAIN },
		{ "age-encryption.org/v1\n-x", -EBADMSG },
		{ "age-encryption.org/v1\n->x", -EBADMSG },
		{ "age-encryption.org/v1\n-> a  ", -EBADMSG },
		{ "age-encryption.org/v1\n-> a b", -EAGAIN },
		{ "age-encryption.org/v1\n-> a\nAAAA", -EAGAIN },
		{ "age-encryption.org/v1\n-> a\nAA=", -EBADMSG },
		{ "age-encryption.org/v1\n-> a\n\n--", -EAGAIN },
		{ "age-encryption.org/v1\n-> a\n\n--- ", -EAGAIN },
		{ "age-encryption.org/v1\n-> a\n\n---x", -EBADMSG },
		{ "age-encryption.org/v1\n-> a\n\n--- AAAA=", -EBADMSG },
		{ "age-encryption.org/v1\n---", -EBADMSG },
		{ "age-encryption.org/v1\n--- ", -EBADMSG },
	};
	struct age_header h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (age_header_parse((const uint8_t *)t[i].buf, strlen(t[i].buf), &h) != t[i].rc)
			fail_msg("\"%s\": not %d", t[i].buf, t[i].rc);
}

/*
 * A header of exactly @total bytes (the MAC line's LF included), or, with
 * @mac false, one that stops after its stanza's body.
 */
static uint8_t *big_header(size_t total, bool mac, size_t *len)
{
	/* 22 + 7 + 65 * lines + final + 1 + 48 = total */
	size_t rest = total - 22 - 7 - 1 - 48, lines = rest / 65, fin = rest % 65, p, i;
	uint8_t *b;

	if (fin > 63 || fin % 4 == 1) {
		lines--;
		fin += 65;
	}
	assert_true(fin <= 63 && fin % 4 != 1);
	b = malloc(total);
	assert_non_null(b);
	memcpy(b, "age-encryption.org/v1\n-> big\n", 29);
	p = 29;
	for (i = 0; i < lines; i++, p += 65) {
		memset(b + p, 'A', 64);
		b[p + 64] = '\n';
	}
	memset(b + p, 'A', fin);
	p += fin;
	b[p++] = '\n';
	if (mac) {
		memcpy(b + p, "--- ", 4);
		memset(b + p + 4, 'A', 43);
		b[p + 47] = '\n';
		p += 48;
	}
	*len = p;
	return b;
}

static void test_limit(void **state)
{
	struct age_header h;
	uint8_t *b, *big;
	size_t len, n;
	char *out;

	(void)state;
	/* exactly AGE_HEADER_MAX: read, and written back */
	b = big_header(AGE_HEADER_MAX, true, &len);
	assert_int_equal(len, AGE_HEADER_MAX);
	assert_int_equal(age_header_parse(b, len, &h), 0);
	assert_int_equal(h.len, AGE_HEADER_MAX);
	assert_round_trip(b, &h);
	age_header_free(&h);
	free(b);

	/* a byte more: refused whole; the MAC line not yet in reach is refused too */
	b = big_header(AGE_HEADER_MAX + 2, true, &len);
	assert_int_equal(age_header_parse(b, len, &h), -EBADMSG);
	assert_int_equal(age_header_parse(b, AGE_HEADER_MAX, &h), -EBADMSG);
	assert_int_equal(age_header_parse(b, AGE_HEADER_MAX - 1, &h), -EAGAIN);
	assert_null(h.s);
	free(b);

	/* a body going on past the limit: refused once the limit is in the buffer */
	big = malloc(AGE_HEADER_MAX + 100);
	assert_non_null(big);
	memcpy(big, "age-encryption.org/v1\n-> big\n", 29);
	for (n = 29; n + 65 <= AGE_HEADER_MAX + 100; n += 65) {
		memset(big + n, 'A', 64);
		big[n + 64] = '\n';
	}
	assert_int_equal(age_header_parse(big, AGE_HEADER_MAX - 1, &h), -EAGAIN);
	assert_int_equal(age_header_parse(big, AGE_HEADER_MAX, &h), -EBADMSG);
	assert_int_equal(age_header_parse(big, n, &h), -EBADMSG);
	free(big);

	/* the writer will not make what the reader refuses */
	b = big_header(AGE_HEADER_MAX + 2, true, &len);
	assert_int_equal(age_header_parse(b, AGE_HEADER_MAX + 2 - 48, &h), -EAGAIN);
	{
		struct age_stanza st = { .type = "big", .body = b };

		/* 16130 lines of 48 bytes and 36 more make the AGE_HEADER_MAX header above */
		st.body_len = 16130 * 48 + 36;
		assert_int_equal(age_header_encode(&st, 1, &out, &n), 0);
		assert_int_equal(n + 1 + 43 + 1, AGE_HEADER_MAX);
		free(out);
		/* one byte more is 2 characters more */
		st.body_len++;
		assert_int_equal(age_header_encode(&st, 1, &out, &n), -E2BIG);
		assert_null(out);
	}
	free(b);
}

/* body lengths around the line boundaries, through the writer and back */
static void test_body_lines(void **state)
{
	static const size_t lens[] = { 0, 1, 2, 3, 31, 32, 47, 48, 49, 95, 96, 97, 1000 };
	uint8_t body[1000];
	struct age_stanza st = { .type = "t", .args = { "x" }, .nargs = 1, .body = body };
	struct age_header h;
	size_t i, k, col, last, len;
	char *out, *file;

	(void)state;
	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		st.body_len = lens[i];
		assert_int_equal(age_header_encode(&st, 1, &out, &len), 0);
		/* lines after the argument line: 64 columns, the last one shorter */
		col = last = 0;
		for (k = sizeof("age-encryption.org/v1\n-> t x\n") - 1; k < len - 3; k++) {
			if (out[k] != '\n') {
				col++;
				continue;
			}
			assert_true(col == 64 || k + 1 == len - 3);
			last = col;
			col = 0;
		}
		assert_int_equal(col, 0);
		assert_true(last < 64 && last == age_b64_encoded_len(lens[i]) % 64);
		file = malloc(len + 48);
		assert_non_null(file);
		memcpy(file, out, len);
		memcpy(file + len, " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 45);
		assert_int_equal(age_header_parse((uint8_t *)file, len + 45, &h), 0);
		assert_int_equal(h.s[0].body_len, lens[i]);
		if (lens[i])
			assert_memory_equal(h.s[0].body, body, lens[i]);
		age_header_free(&h);
		free(file);
		free(out);
	}
}

static void test_encode_refuses(void **state)
{
	struct age_stanza st = { .type = "X25519", .args = { "abc" }, .nargs = 1 };
	char *out = (char *)"x";
	size_t len;

	(void)state;
	assert_int_equal(age_header_encode(&st, 0, &out, &len), -EINVAL);
	assert_null(out);
	st.type = "";
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.type = "a b";
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.type = "caf\xc3\xa9";
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.type = NULL;
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.type = "X25519";
	st.args[0] = "";
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.args[0] = "a\nb";
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.args[0] = "abc";
	st.nargs = AGE_MAX_ARGS + 1;
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.nargs = 1;
	st.body_len = 32;
	assert_int_equal(age_header_encode(&st, 1, &out, &len), -EINVAL);
	st.body_len = 0;
	assert_int_equal(age_header_encode(&st, 1, &out, &len), 0);
	assert_string_equal(out, "age-encryption.org/v1\n-> X25519 abc\n\n---");
	free(out);
}

/* RFC 4648 Section 10, without the padding */
static void test_b64_vectors(void **state)
{
	static const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *b64[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
	char out[16];
	uint8_t bin[16];
	size_t i, n, len;

	(void)state;
	for (i = 0; i < 7; i++) {
		n = strlen(in[i]);
		len = strlen(b64[i]);
		assert_int_equal(age_b64_encoded_len(n), len);
		memset(out, '#', sizeof(out));
		assert_int_equal(age_b64_encode((const uint8_t *)in[i], n, out, sizeof(out)), 0);
		assert_string_equal(out, b64[i]);
		/* exactly the characters, no room for a NUL: none written */
		memset(out, '#', sizeof(out));
		assert_int_equal(age_b64_encode((const uint8_t *)in[i], n, out, len), 0);
		assert_memory_equal(out, b64[i], len);
		assert_int_equal(out[len], '#');
		if (len)
			assert_int_equal(age_b64_encode((const uint8_t *)in[i], n, out, len - 1),
					 -ENOBUFS);
		assert_int_equal(age_b64_decode(b64[i], len, bin, sizeof(bin), &n), 0);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(bin, in[i], n);
	}
}

/* every spelling but the canonical one is refused */
static void test_b64_strict(void **state)
{
	static const char *bad[] = {
		"Zg==",		  /* padding */
		"Zm8=",		  /* padding */
		"Zg=",		  /* half padding */
		"Zh",		  /* a bit after the data */
		"Zm9",		  /* a bit after the data */
		"Z",		  /* 4k+1 characters */
		"Zm9vY",	  /* 4k+1 characters */
		"Zm9v YmFy",	  /* space */
		"Zm9v\nYmFy",	  /* line break */
		"Zm9vYmFy\n",	  /* trailing LF */
		"Zm9vYmF-",	  /* URL alphabet */
		"Zm9vYmF_",	  /* URL alphabet */
		"Zm9v\0mFy",	  /* NUL */
		"Zm9vYm\xc3\xa9", /* 8-bit */
	};
	uint8_t bin[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = i == 12 ? 8 : strlen(bad[i]);

		if (age_b64_decode(bad[i], len, bin, sizeof(bin), &n) != -EBADMSG)
			fail_msg("\"%s\" taken", bad[i]);
	}
	/* libsodium 1.0.18 alone reads every byte 0x80-0xff as "/" */
	for (i = 0; i < 256; i++) {
		char s[4] = { 'A', 'A', 'A', (char)i };
		bool b64 = (i >= 'A' && i <= 'Z') || (i >= 'a' && i <= 'z') ||
			   (i >= '0' && i <= '9') || i == '+' || i == '/';

		if ((age_b64_decode(s, 4, bin, sizeof(bin), &n) == 0) != b64)
			fail_msg("byte 0x%02zx %s", i, b64 ? "refused" : "taken");
	}
	/* more bytes than the buffer holds: refused, not cut */
	assert_int_equal(age_b64_decode("Zm9vYmFy", 8, bin, 5, &n), -EBADMSG);
	assert_int_equal(age_b64_decode("Zm9vYmFy", 8, bin, 6, &n), 0);
}

/* a long body through the chunked encoder: same as one libsodium-sized piece */
static void test_b64_long(void **state)
{
	size_t n = 5000, i, len, got;
	uint8_t *in = malloc(n), *back = malloc(n);
	char *out = malloc(age_b64_encoded_len(n) + 1);

	(void)state;
	assert_true(in && back && out);
	for (i = 0; i < n; i++)
		in[i] = (uint8_t)(i * 131 + (i >> 8));
	len = age_b64_encoded_len(n);
	assert_int_equal(len, 6667);
	assert_int_equal(age_b64_encode(in, n, out, len + 1), 0);
	assert_int_equal(strlen(out), len);
	assert_int_equal(age_b64_decode(out, len, back, n, &got), 0);
	assert_int_equal(got, n);
	assert_memory_equal(back, in, n);
	free(in);
	free(back);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example), cmocka_unit_test(test_spec_stanzas),
		cmocka_unit_test(test_stock),	     cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_handmade_ok),  cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_early),	     cmocka_unit_test(test_limit),
		cmocka_unit_test(test_body_lines),   cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_b64_vectors),  cmocka_unit_test(test_b64_strict),
		cmocka_unit_test(test_b64_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
