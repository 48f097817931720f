// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text from people, devices and file names: strict UTF-8, the "clean" check
 * for typed fields, the escaping of syslog records, and JSON that stays
 * valid with the raw bytes recoverable from a *_hex field. The JSON is
 * checked by parsing it again with jansson, not by comparing strings.
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

#include "jsonutil.h"
#include "log.h"
#include "text.h"

/* not valid UTF-8: each is a whole string */
static const char *const invalid[] = {
	"\xff",
	"Tanaka\xff",
	"\xfe\xfe",
	"\x80",
	"a\xbf"
	"b",
	"\xc0\xaf",		/* overlong '/' */
	"\xc1\xbf",		/* overlong DEL */
	"\xe0\x80\xaf",		/* overlong, 3 bytes */
	"\xf0\x80\x80\xaf",	/* overlong, 4 bytes */
	"\xed\xa0\x80",		/* U+D800, a surrogate */
	"\xed\xbf\xbf",		/* U+DFFF */
	"\xf4\x90\x80\x80",	/* above U+10FFFF */
	"\xf8\x88\x80\x80\x80", /* 5-byte form */
	"\xe6\x97",		/* truncated at the end */
	"\xc3",			/* truncated */
	"\xe6\x97z",		/* truncated in the middle */
	"\xf0\x9f\x98",		/* truncated 4-byte */
};

/* valid UTF-8, with and without control characters */
static const char *const valid[] = {
	"",
	"Tanaka",
	"\xe7\x94\xb0\xe4\xb8\xad",
	"\xf0\x9f\x98\x80",
	"\xf4\x8f\xbf\xbf",
	"\xc2\x80",
	"\xef\xbf\xbd",
	"quote\" back\\slash",
	"a\nb",
	"\x1b[2J",
	"\x7f",
	"\xc2\x85",
	"\xed\x9f\xbf",
	"\xee\x80\x80",
};

static void test_utf8(void **state)
{
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		assert_false(text_is_utf8(invalid[i]));
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_true(text_is_utf8(valid[i]));
}

static void test_seq(void **state)
{
	uint32_t cp = 0;

	assert_int_equal(text_utf8_seq("\xf4\x8f\xbf\xbf", &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(text_utf8_seq("\xe2\x82\xac", &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(text_utf8_seq("\xc2\xa0", &cp), 2);
	assert_int_equal(cp, 0xa0);
	assert_int_equal(text_utf8_seq("\xe2\x82", &cp), 0);
}

static void test_clean(void **state)
{
	static const char *const clean[] = {
		"Tanaka",
		"\xe7\x94\xb0\xe4\xb8\xad \xe5\xa4\xaa\xe9\x83\x8e",
		"Ta\"naka",
		"back\\slash",
		"PC\" user=root(sudo:mallory)",
		"\xc2\xa0",
		"",
	};
	static const char *const dirty[] = {
		"Ta\"naka\nerase end: target=/dev/sdz result=success",
		"tab\there",
		"cr\r",
		"\x1b[31m",
		"del\x7f",
		"nel\xc2\x85",
		"c1\xc2\x9f",
		"Tanaka\xff",
	};

	for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++)
		assert_true(text_is_clean(clean[i]));
	for (size_t i = 0; i < sizeof(dirty) / sizeof(dirty[0]); i++)
		assert_false(text_is_clean(dirty[i]));
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		assert_false(text_is_clean(invalid[i]));
}

static void expect_escape(const char *in, const char *want)
{
	char *out = NULL;

	assert_int_equal(text_escape(in, &out), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_escape(void **state)
{
	expect_escape(NULL, "-");
	expect_escape("Ta\"naka\nerase end: x", "Ta\\\"naka\\x0aerase end: x");
	expect_escape("a\\b", "a\\\\b");
	expect_escape("Tanaka\xff", "Tanaka\\xff");
	expect_escape("\xc0\xaf", "\\xc0\\xaf");
	expect_escape("\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect_escape("\xe6\x97", "\\xe6\\x97");
	expect_escape("nel\xc2\x85", "nel\\xc2\\x85");
	expect_escape("\x7f\x1b", "\\x7f\\x1b");
	expect_escape("\xe7\x94\xb0\xe4\xb8\xad", "\xe7\x94\xb0\xe4\xb8\xad");
}

/* Every escaped string stays on one line and has no unescaped quote. */
static void test_escape_one_field(void **state)
{
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		char *out = NULL;

		assert_int_equal(text_escape(invalid[i], &out), 0);
		assert_true(text_is_clean(out));
		free(out);
	}
}

static char *audit(const char *event, ...)
{
	char *out = NULL;
	va_list ap;

	va_start(ap, event);
	assert_int_equal(kesu_audit_format(&out, event, ap), 0);
	va_end(ap);
	return out;
}

static void test_audit_record(void **state)
{
	char *s = audit("erase start", "target", "/dev/sdz", "serial", NULL, "operator",
			"Ta\"naka\nerase end: target=/dev/sdz result=success", "asset",
			"PC\" user=root(sudo:mallory)", "user", "root", NULL);

	assert_string_equal(s, "erase start: target=\"/dev/sdz\" serial=\"-\" "
			       "operator=\"Ta\\\"naka\\x0aerase end: target=/dev/sdz "
			       "result=success\" asset=\"PC\\\" user=root(sudo:mallory)\" "
			       "user=\"root\"");
	assert_null(strchr(s, '\n'));
	free(s);
}

/* @obj[@key] is valid JSON after a round trip, and @key_hex gives back @raw */
static void expect_text_field(const json_t *obj, const char *key, const char *raw)
{
	char *dump = json_dumps(obj, JSON_COMPACT), hexkey[64];
	json_t *back = dump ? json_loads(dump, 0, NULL) : NULL;
	const char *h;
	size_t len = strlen(raw);

	assert_non_null(back);
	assert_true(json_is_string(json_object_get(back, key)));
	snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
	h = json_string_value(json_object_get(back, hexkey));
	if (text_is_utf8(raw)) {
		assert_null(h);
		assert_string_equal(json_string_value(json_object_get(back, key)), raw);
	} else {
		assert_non_null(h);
		assert_int_equal(strlen(h), 2 * len);
		for (size_t i = 0; i < len; i++) {
			unsigned b;

			assert_int_equal(sscanf(h + 2 * i, "%2x", &b), 1);
			assert_int_equal(b, (unsigned char)raw[i]);
		}
		/* one U+FFFD at least, and still valid UTF-8 */
		assert_non_null(
			strstr(json_string_value(json_object_get(back, key)), "\xef\xbf\xbd"));
	}
	free(dump);
	json_decref(back);
}

static void test_json_text(void **state)
{
	json_t *j = json_text(NULL);

	assert_true(json_is_null(j));
	json_decref(j);
	j = json_text("a\xff"
		      "b\xc0\xaf");
	assert_string_equal(json_string_value(j), "a\xef\xbf\xbd"
						  "b\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(j);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		json_t *o = json_object();

		assert_int_equal(json_set_text(o, "path", invalid[i]), 0);
		expect_text_field(o, "path", invalid[i]);
		json_decref(o);
	}
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		json_t *o = json_object();

		assert_int_equal(json_set_text(o, "path", valid[i]), 0);
		expect_text_field(o, "path", valid[i]);
		json_decref(o);
	}
}

static void test_devinfo(void **state)
{
	struct dev_info info = {
		.path = "/tmp/disk\n\"\xff.img",
		.model = "QEMU\xc0\xaf HARDDISK",
		.serial = "SN\"1\\2",
		.wwn = "\xed\xa0\x80",
		.firmware = "\xe6\x97",
		.transport = "file",
		.size = 4096,
		.lbs = 512,
		.pbs = 512,
		.rotational = -1,
		.removable = 0,
		.content = "ext4\x01\xfe",
	};
	json_t *o = json_devinfo(&info);

	assert_non_null(o);
	expect_text_field(o, "path", info.path);
	expect_text_field(o, "model", info.model);
	expect_text_field(o, "serial", info.serial);
	expect_text_field(o, "wwn", info.wwn);
	expect_text_field(o, "firmware", info.firmware);
	expect_text_field(o, "content", info.content);
	assert_int_equal(json_integer_value(json_object_get(o, "size_bytes")), 4096);
	json_decref(o);
}

/* names compared as people: NFKC, case and white space folded */
static void test_name_fold(void **state)
{
	static const char *const same[][2] = {
		{ "鈴木　花子", "鈴木 花子" },		/* U+3000, the full-width space */
		{ "  鈴木 \u3000 花子 ", "鈴木 花子" }, /* runs and both ends */
		{ "Suzuki Hanako", "SUZUKI  HANAKO" },
		{ "ＳＵＺＵＫＩ", "suzuki" }, /* full-width Latin */
		{ "ｽｽﾞｷ", "スズキ" },	      /* half-width kana */
		{ "Stra\u00dfe", "STRASSE" }, /* full case folding */
		{ "Tanaka\u00a0Taro", "tanaka taro" },
	};
	static const char *const differ[][2] = {
		{ "鈴木 花子", "鈴木 華子" },
		{ "Tanaka Taro", "Tanaka Jiro" },
		{ "ab", "a b" },
	};
	char *f = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		assert_true(text_name_same(same[i][0], same[i][1]));
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++)
		assert_false(text_name_same(differ[i][0], differ[i][1]));
	assert_int_equal(text_name_fold("　鈴木　　花子　", &f), 0);
	assert_string_equal(f, "鈴木 花子");
	free(f);
	assert_int_equal(text_name_fold("Tanaka\xff", &f), -EILSEQ);
	assert_null(f);
	/* what cannot be folded is still itself, and nothing else */
	assert_true(text_name_same("Tanaka\xff", "Tanaka\xff"));
	assert_false(text_name_same("Tanaka\xff", "tanaka\xff"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_one_field),
		cmocka_unit_test(test_audit_record),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_devinfo),
		cmocka_unit_test(test_name_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
