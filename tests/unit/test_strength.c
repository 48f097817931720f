// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/strength: zxcvbn's guess count decides, the reason names the kind of
 * pattern that made a passphrase weak, full-width and Japanese text is
 * scored as it reads (not as bytes), and generated passphrases have the
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
#include "strength_ja.h"

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

/* what zxcvbn took for 143 bits of random bytes, and their kin */
static const struct weak weak_ja[] = {
	{ "ｐａｓｓｗｏｒｄ", "a common word or password" },
	{ "ｑｗｅｒｔｙ", "a common word or password" },
	{ "１２３４５６７８", "" },
	{ "パスワード", "a common word or password" },
	{ "ぱすわーど", "a common word or password" },
	{ "あいうえお", "" },
	{ "さくら", "a common word or password" },
	{ "ｱｲｳｴｵ", "" }, /* half-width katakana: アイウエオ after NFKC */
	{ "ｻｸﾗ", "a common word or password" },
	{ "ああああ", "repeated characters" },
	{ "うえおかきくけこさしす", "a sequence" },
	{ "いろはにほへとちりぬるを", "a sequence" },
	{ "一二三四五六七八", "a sequence" },
	{ "東京東京", "" },
	{ "さくら東京", "a common word or password" },
	{ "sakura2024", "a common word or password" },
	{ "konnichiwa", "a common word or password" },
	{ "pässwörd", "a common word or password" },
	{ "鶴亀燕", "too short" },
};

static void test_japanese_weak_refused(void **state)
{
	for (size_t i = 0; i < sizeof(weak_ja) / sizeof(weak_ja[0]); i++) {
		char why[256] = "";
		double bits = -1;
		int r = strength_check(weak_ja[i].pass, why, sizeof(why), &bits);

		if (r != -EKEYREJECTED || !strstr(why, weak_ja[i].reason))
			fail_msg("'%s': %d, %.1f bits, '%s'; expected '%s'", weak_ja[i].pass, r,
				 bits, why, weak_ja[i].reason);
		assert_true(bits >= 0 && bits < STRENGTH_MIN_BITS);
	}
}

static void test_japanese_strong_accepted(void **state)
{
	static const char *const strong[] = {
		/* five words a die chose, in kana, in romaji, and mixed with kanji */
		"かみなり つくえ ほしぞら えんぴつ みずうみ",
		"kaminari tsukue hoshizora enpitsu mizuumi",
		"雷 つくえ 星空 えんぴつ 湖",
		/* random kanji with kana between them */
		"鶴亀燕麓ぬ砥椿蕪ほ",
	};

	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
		char why[256] = "";
		double bits = 0;

		if (strength_check(strong[i], why, sizeof(why), &bits))
			fail_msg("'%s' refused: %s", strong[i], why);
		assert_true(bits >= STRENGTH_MIN_BITS);
	}
}

/* the full-width form of printable ASCII: U+FF01.. for '!'..'~', U+3000 for a space */
static void full_width(const char *ascii, char *out)
{
	for (; *ascii; ascii++) {
		unsigned c = *ascii == ' ' ? 0x3000 : 0xff01 + (unsigned)(*ascii - '!');

		*out++ = (char)(0xe0 | c >> 12);
		*out++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*out++ = (char)(0x80 | (c & 0x3f));
	}
	*out = '\0';
}

static void test_full_width_scores_as_ascii(void **state)
{
	static const char *const pass[] = {
		"Kuroshio drifts past Erimo at dawn",
		"xK9#mQ2$",
		"password",
	};

	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		char wide[3 * 64 + 1], why[256];
		double narrow_bits = -1, wide_bits = -2;
		int r = strength_check(pass[i], why, sizeof(why), &narrow_bits);

		full_width(pass[i], wide);
		assert_int_equal(strength_check(wide, why, sizeof(why), &wide_bits), r);
		assert_true(narrow_bits == wide_bits);
	}
}

static void test_not_utf8_refused(void **state)
{
	static const char *const bad[] = {
		"\xff\xfe correct horse battery staple",
		/* パスワード in Shift_JIS, as a spreadsheet saves it */
		"\x83\x70\x83\x58\x83\x8f\x81\x5b\x83\x68",
		"overlong \xc0\xaf slash",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char why[256] = "";

		assert_int_equal(strength_check(bad[i], why, sizeof(why), NULL), -EILSEQ);
		assert_non_null(strstr(why, "not valid UTF-8"));
	}
}

/* the romaji given for each kana word is what the table makes of it */
static void test_romaji(void **state)
{
	static const struct {
		const char32_t *kana;
		const char *romaji;
	} cases[] = {
		{ U"パスワード", "pasuwaado" }, { U"キッテ", "kitte" },
		{ U"シェア", "shea" },		{ U"ひゃく", "hyaku" },
		{ U"ちょっと", "chotto" },	{ U"マッチ", "matchi" },
		{ U"ウィンドウ", "windou" },	{ U"ジャズ", "jazu" },
		{ U"ヴァイオリン", "vaiorin" },
	};
	char out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp[32];
		size_t n = 0;

		for (; cases[i].kana[n]; n++)
			cp[n] = cases[i].kana[n];
		strength_ja_romaji(cp, n, out);
		assert_string_equal(out, cases[i].romaji);
	}
	for (size_t w = 0; w < strength_ja_nwords; w++) {
		const struct strength_ja_word *jw = &strength_ja_words[w];
		uint32_t cp[32];
		size_t n = 0;
		bool kana = jw->word != NULL;

		for (; kana && jw->word[n]; n++) {
			cp[n] = jw->word[n];
			kana = strength_ja_is_kana(cp[n]);
		}
		if (!kana)
			continue;
		strength_ja_romaji(cp, n, out);
		if (strcmp(out, jw->romaji[0]) && (!jw->romaji[1] || strcmp(out, jw->romaji[1])))
			fail_msg("word %zu reads as '%s', listed as '%s'", w, out, jw->romaji[0]);
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
		cmocka_unit_test(test_japanese_weak_refused),
		cmocka_unit_test(test_japanese_strong_accepted),
		cmocka_unit_test(test_full_width_scores_as_ascii),
		cmocka_unit_test(test_not_utf8_refused),
		cmocka_unit_test(test_romaji),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_generate),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
