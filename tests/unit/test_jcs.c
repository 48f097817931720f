// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 8785 known answers: the examples of the RFC that use no numbers with
 * fractions (member order with characters above U+FFFF, string escapes),
 * integers at the edge of what JCS writes as digits, and every way a
 * document can differ from its canonical form.
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

#include <jansson.h>

#include "cert/jcs.h"

/* parse @in (any JSON, NUL allowed) and return its canonical form */
static char *canon(const char *in, size_t inlen, int *r)
{
	json_error_t err;
	json_t *v = json_loadb(in, inlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	char *out = NULL;
	size_t len = 0;

	assert_non_null(v);
	*r = jcs_dump(v, &out, &len);
	json_decref(v);
	if (*r == 0)
		assert_int_equal(strlen(out), len);
	return out;
}

static void expect_canon(const char *in, const char *want)
{
	int r;
	char *out = canon(in, strlen(in), &r);

	assert_int_equal(r, 0);
	assert_string_equal(out, want);
	/* and the canonical form is recognised as such */
	assert_int_equal(jcs_is_canonical(out, strlen(out), NULL), 0);
	free(out);
}

/* RFC 8785 section 3.2.3: sorting by UTF-16 code units */
static void test_rfc_sorting(void **state)
{
	expect_canon("{\n"
		     "  \"\\u20ac\": \"Euro Sign\",\n"
		     "  \"\\r\": \"Carriage Return\",\n"
		     "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
		     "  \"1\": \"One\",\n"
		     "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
		     "  \"\\u0080\": \"Control\",\n"
		     "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
		     "}",
		     "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
		     "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		     "\"\xe2\x82\xac\":\"Euro Sign\","
		     "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		     "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* bytes put U+10000 after U+FFFF; UTF-16 code units put it between U+D7FF and U+E000 */
static void test_surrogates_sort_before_upper_bmp(void **state)
{
	expect_canon("{\"\\uffff\":1,\"\\ud800\\udc00\":2,\"\\ud7ff\":3,\"\\ue000\":4}",
		     "{\"\xed\x9f\xbf\":3,\"\xf0\x90\x80\x80\":2,\"\xee\x80\x80\":4,"
		     "\"\xef\xbf\xbf\":1}");
	/* two supplementary characters: code point order (low surrogates) */
	expect_canon("{\"\\ud83d\\ude01\":1,\"\\ud83d\\ude00\":2,\"\\ud83c\\udf00\":3}",
		     "{\"\xf0\x9f\x8c\x80\":3,\"\xf0\x9f\x98\x80\":2,\"\xf0\x9f\x98\x81\":1}");
	/* a prefix sorts first; nested objects are sorted too */
	expect_canon("{\"ab\":{\"b\":1,\"a\":[{\"d\":0,\"c\":0}]},\"a\":null}",
		     "{\"a\":null,\"ab\":{\"a\":[{\"c\":0,\"d\":0}],\"b\":1}}");
}

/* RFC 8785 section 3.2.2.2, the "string" and "literals" members of its example */
static void test_rfc_strings(void **state)
{
	expect_canon(
		"{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
		"  \"literals\": [null, true, false]\n}",
		"{\"literals\":[null,true,false],"
		"\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

/* every control character, DEL and C1 as JCS writes them */
static void test_escapes(void **state)
{
	char in[64], want[16], *out;
	int r;

	for (unsigned c = 0; c < 0x20; c++) {
		snprintf(in, sizeof(in), "\"\\u%04x\"", c);
		switch (c) {
		case '\b': strcpy(want, "\"\\b\""); break;
		case '\t': strcpy(want, "\"\\t\""); break;
		case '\n': strcpy(want, "\"\\n\""); break;
		case '\f': strcpy(want, "\"\\f\""); break;
		case '\r': strcpy(want, "\"\\r\""); break;
		default: snprintf(want, sizeof(want), "\"\\u%04x\"", c); break;
		}
		out = canon(in, strlen(in), &r);
		assert_int_equal(r, 0);
		assert_string_equal(out, want);
		free(out);
	}
	/* DEL, a C1 control, '/', U+2028 and U+FFFD are written as they are */
	expect_canon("\"\\u007f\\u0085\\/\\u2028\\ufffd\"",
		     "\"\x7f\xc2\x85/\xe2\x80\xa8\xef\xbf\xbd\"");
	/* a NUL inside a string is kept, escaped */
	out = canon("[\"a\\u0000b\"]", 12, &r);
	assert_int_equal(r, 0);
	assert_string_equal(out, "[\"a\\u0000b\"]");
	free(out);
}

static void test_integers(void **state)
{
	json_t *v;
	char *out;
	size_t len;

	expect_canon("[0,-1,1,9007199254740991,-9007199254740991,-0]",
		     "[0,-1,1,9007199254740991,-9007199254740991,0]");
	/* beyond 2^53 - 1 JCS would write a rounded double: refused */
	v = json_integer(9007199254740992LL);
	assert_int_equal(jcs_dump(v, &out, &len), -EINVAL);
	json_decref(v);
	v = json_pack("{s:[i,f]}", "a", 1, 1.0);
	assert_int_equal(jcs_dump(v, &out, &len), -EINVAL);
	json_decref(v);
}

/* strings jansson was told not to check: jcs_dump still refuses bad UTF-8 */
static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = { "\xff", "a\xc3", "\xed\xa0\x80", "\xc0\xaf" };
	json_t *v;
	char *out;
	size_t len;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_stringn_nocheck(bad[i], strlen(bad[i]));
		assert_int_equal(jcs_dump(v, &out, &len), -EINVAL);
		json_decref(v);
		v = json_object();
		json_object_set_new_nocheck(v, bad[i], json_true());
		assert_int_equal(jcs_dump(v, &out, &len), -EINVAL);
		json_decref(v);
	}
}

static void test_is_canonical(void **state)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", 0 },
		{ "{}", 0 },
		{ "[]", 0 },
		{ "\"\"", 0 },
		{ "{\"a\":1,\"b\":2} ", -EINVAL },		     /* trailing space */
		{ "{\"a\":1,\"b\":2}\n", -EINVAL },		     /* trailing newline */
		{ " {\"a\":1}", -EINVAL },			     /* leading space */
		{ "{\"a\": 1}", -EINVAL },			     /* space after the colon */
		{ "{\"b\":1,\"a\":2}", -EINVAL },		     /* order */
		{ "{\"\\u20ac\":1,\"\\ud83d\\ude00\":2}", -EINVAL }, /* escaped names */
		{ "{\"\xf0\x9f\x98\x80\":2,\"\xe2\x82\xac\":1}", -EINVAL }, /* byte order */
		{ "\"\\/\"", -EINVAL },					    /* escaped solidus */
		{ "\"\\u0041\"", -EINVAL },				    /* needless escape */
		{ "\"\\u001F\"", -EINVAL },				    /* upper-case hex */
		{ "\"\\u000a\"", -EINVAL }, /* \n has a short form */
		{ "\"\\u007f\"", -EINVAL }, /* DEL is written as it is */
		{ "-0", -EINVAL },
		{ "1.0", -EINVAL },
		{ "1e2", -EINVAL },
		{ "10E0", -EINVAL },
		{ "9007199254740992", -EINVAL },
		{ "{\"a\":1,\"a\":1}", -EBADMSG }, /* duplicate names */
		{ "{\"a\":1,}", -EBADMSG },
		{ "", -EBADMSG },
		{ "01", -EBADMSG },
		{ "\"\xff\"", -EBADMSG },
		{ "\"a\x01\"", -EBADMSG },	/* raw control character */
		{ "\xef\xbb\xbf{}", -EBADMSG }, /* byte order mark */
		{ "{} {}", -EBADMSG },
	};
	json_t *v = NULL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = jcs_is_canonical(cases[i].text, strlen(cases[i].text), NULL);

		if (r != cases[i].want)
			fail_msg("'%s': %d, expected %d", cases[i].text, r, cases[i].want);
	}
	/* the parsed document comes back only for a canonical text */
	assert_int_equal(jcs_is_canonical("{\"a\":[1]}", 9, &v), 0);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(v, "a"), 0)), 1);
	json_decref(v);
	v = NULL;
	assert_int_equal(jcs_is_canonical("{\"a\": [1]}", 10, &v), -EINVAL);
	assert_null(v);
	/* the length counts, not a NUL: a prefix of a canonical text is not JSON */
	assert_int_equal(jcs_is_canonical("{\"a\":1}", 5, NULL), -EBADMSG);
	assert_int_equal(jcs_is_canonical("[\"a\\u0000b\"]", 12, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_sorting),
		cmocka_unit_test(test_surrogates_sort_before_upper_bmp),
		cmocka_unit_test(test_rfc_strings),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_is_canonical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
