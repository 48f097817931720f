// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Japanese for the strength check: a kana-to-romaji table (modified Hepburn,
 * as people type it: long vowels doubled, no macrons), the rows of the kana
 * table, and a modest list of the words Japanese passphrases are made of.
 */
#include "config.h"

#include <string.h>

#include <unicase.h>

#include "strength_ja.h"

#define HIRAGANA_FIRST 0x3041 /* ぁ */
#define HIRAGANA_LAST 0x3096  /* ゖ */
#define KATAKANA_FIRST 0x30a1 /* ァ: hiragana + 0x60 up to ヶ */
#define KATAKANA_LAST 0x30fa  /* ヺ */
#define KATAKANA_SHIFT 0x60
#define LONG_MARK 0x30fc /* ー */
#define SMALL_TSU 0x3063 /* っ */

/* ぁ .. ゖ in code point order; "" marks っ, which doubles the next consonant */
static const char *const hiragana[HIRAGANA_LAST - HIRAGANA_FIRST + 1] = {
	"a",  "a",  "i",   "i",	 "u",  "u",   "e",  "e",  "o",	"o",		  /* ぁ-お */
	"ka", "ga", "ki",  "gi", "ku", "gu",  "ke", "ge", "ko", "go",		  /* か-ご */
	"sa", "za", "shi", "ji", "su", "zu",  "se", "ze", "so", "zo",		  /* さ-ぞ */
	"ta", "da", "chi", "ji", "",   "tsu", "zu", "te", "de", "to", "do",	  /* た-ど */
	"na", "ni", "nu",  "ne", "no",						  /* な-の */
	"ha", "ba", "pa",  "hi", "bi", "pi",  "fu", "bu", "pu", "he", "be", "pe", /* は-ぺ */
	"ho", "bo", "po",							  /* ほ-ぽ */
	"ma", "mi", "mu",  "me", "mo",						  /* ま-も */
	"ya", "ya", "yu",  "yu", "yo", "yo",					  /* ゃ-よ */
	"ra", "ri", "ru",  "re", "ro",						  /* ら-ろ */
	"wa", "wa", "i",   "e",	 "o",  "n",   "vu", "ka", "ke",			  /* ゎ-ゖ */
};

/* ヷ ヸ ヹ ヺ: katakana only */
static const char *const katakana_v[] = { "va", "vi", "ve", "vo" };

/* the orders people walk besides code point order: the kana table, iroha, numerals, days */
static const char32_t *const orders[] = {
	U"あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
	U"がぎぐげござじずぜぞだぢづでどばびぶべぼ",
	U"ぱぴぷぺぽ",
	U"いろはにほへとちりぬるをわかよたれそつねならむうゐのおくやまけふこえてあさきゆめみしゑひもせす",
	U"〇一二三四五六七八九十百千万",
	U"月火水木金土日",
	U"子丑寅卯辰巳午未申酉戌亥",
};

const struct strength_ja_word strength_ja_words[] = {
	{ U"パスワード", { "pasuwaado", "pasuwado" } },
	{ U"さくら", { "sakura" } },
	{ U"あいしてる", { "aishiteru" } },
	{ U"だいすき", { "daisuki" } },
	{ U"こんにちは", { "konnichiha", "konnichiwa" } },
	{ U"ありがとう", { "arigatou", "arigato" } },
	/* the kana table's rows typed in romaji; in kana they are sequences */
	{ NULL, { "aiueo", "kakikukeko" } },
	{ NULL, { "irohanihoheto", "sashisuseso" } },
	{ U"ひみつ", { "himitsu" } },
	{ U"あんごう", { "angou" } },
	{ U"かんりしゃ", { "kanrisha" } },
	{ U"ようこそ", { "youkoso", "yokoso" } },
	{ U"おはよう", { "ohayou", "ohayo" } },
	{ U"こんばんは", { "konbanha", "konbanwa" } },
	{ U"さようなら", { "sayounara", "sayonara" } },
	{ U"おめでとう", { "omedetou", "omedeto" } },
	{ U"すみません", { "sumimasen" } },
	{ U"かわいい", { "kawaii" } },
	{ U"きれい", { "kirei" } },
	{ U"げんき", { "genki" } },
	{ U"しあわせ", { "shiawase" } },
	{ U"ともだち", { "tomodachi" } },
	{ U"かぞく", { "kazoku" } },
	{ U"こころ", { "kokoro" } },
	{ U"ゆめ", { "yume" } },
	{ U"みらい", { "mirai" } },
	{ U"きぼう", { "kibou", "kibo" } },
	{ U"ひかり", { "hikari" } },
	{ U"そら", { "sora" } },
	{ U"うみ", { "umi" } },
	{ U"やま", { "yama" } },
	{ U"ほし", { "hoshi" } },
	{ U"つき", { "tsuki" } },
	{ U"ゆき", { "yuki" } },
	{ U"はな", { "hana" } },
	{ U"はる", { "haru" } },
	{ U"なつ", { "natsu" } },
	{ U"あき", { "aki" } },
	{ U"ふゆ", { "fuyu" } },
	{ U"ねこ", { "neko" } },
	{ U"いぬ", { "inu" } },
	{ U"うさぎ", { "usagi" } },
	{ U"さかな", { "sakana" } },
	{ U"すし", { "sushi" } },
	{ U"ラーメン", { "raamen", "ramen" } },
	{ U"にほん", { "nihon", "nippon" } },
	{ U"とうきょう", { "toukyou", "tokyo" } },
	{ U"おおさか", { "oosaka", "osaka" } },
	{ U"ふじさん", { "fujisan" } },
	{ U"たなか", { "tanaka" } },
	{ U"すずき", { "suzuki" } },
	{ U"さとう", { "satou", "sato" } },
	{ U"たかはし", { "takahashi" } },
	{ U"やまだ", { "yamada" } },
	{ U"わたなべ", { "watanabe" } },
	{ U"たろう", { "tarou", "taro" } },
	{ U"はなこ", { "hanako" } },
	{ U"ドラえもん", { "doraemon" } },
	{ U"ポケモン", { "pokemon" } },
	{ U"ピカチュウ", { "pikachuu", "pikachu" } },
	{ U"ドラゴン", { "doragon" } },
	{ U"テスト", { "tesuto" } },
	{ U"ゲスト", { "gesuto" } },
	{ U"東京", { "tokyo", "toukyou" } },
	{ U"日本", { "nihon", "nippon" } },
	{ U"大阪", { "osaka", "oosaka" } },
	{ U"桜", { "sakura" } },
	{ U"愛", { "ai" } },
	{ U"猫", { "neko" } },
	{ U"犬", { "inu" } },
	{ U"秘密", { "himitsu" } },
	{ U"暗号", { "angou" } },
	{ U"管理者", { "kanrisha" } },
	{ U"田中", { "tanaka" } },
	{ U"鈴木", { "suzuki" } },
	{ U"佐藤", { "satou" } },
	{ U"高橋", { "takahashi" } },
	{ U"山田", { "yamada" } },
	{ U"太郎", { "tarou", "taro" } },
	{ U"花子", { "hanako" } },
	{ U"富士山", { "fujisan" } },
	{ U"幸せ", { "shiawase" } },
	{ U"大好き", { "daisuki" } },
	{ U"愛してる", { "aishiteru" } },
	{ U"令和", { "reiwa" } },
	{ U"平成", { "heisei" } },
	{ U"昭和", { "shouwa", "showa" } },
	{ U"春夏秋冬", { "shunkashuutou" } },
};

const size_t strength_ja_nwords = sizeof(strength_ja_words) / sizeof(strength_ja_words[0]);

bool strength_ja_is_kana(uint32_t c)
{
	return (c >= HIRAGANA_FIRST && c <= HIRAGANA_LAST) ||
	       (c >= KATAKANA_FIRST && c <= KATAKANA_LAST) || c == LONG_MARK;
}

uint32_t strength_ja_fold(uint32_t c)
{
	if (c >= KATAKANA_FIRST && c <= HIRAGANA_LAST + KATAKANA_SHIFT)
		return c - KATAKANA_SHIFT;
	return uc_tolower(c);
}

static bool is_vowel(char c)
{
	return c && strchr("aiueo", c);
}

/* ぁぃぅぇぉゎ: they replace the vowel of the kana before (ファ fa, ティ ti, ウィ wi) */
static bool small_vowel(uint32_t h)
{
	return (h <= 0x3049 && (h - HIRAGANA_FIRST) % 2 == 0) || h == 0x308e;
}

/* ゃゅょ: after an i-row kana they make one syllable (きゃ kya, しゃ sha, じゃ ja) */
static bool small_y(uint32_t h)
{
	return h == 0x3083 || h == 0x3085 || h == 0x3087;
}

/*
 * A small kana joined to the syllable before it, which starts at
 * @out[@syl] and ends at @out[@len]. Return: the new length, or 0 when it
 * stands alone.
 */
static size_t join_small(char *out, size_t syl, size_t len, uint32_t h, const char *r)
{
	if (len == syl || !is_vowel(out[len - 1]))
		return 0;
	if (small_vowel(h)) {
		if (len - syl == 1 && out[syl] == 'u')
			out[len - 1] = 'w'; /* ウィ: wi */
		else
			len--;
		memcpy(out + len, r + strlen(r) - 1, 1);
		return len + 1;
	}
	if (!small_y(h) || out[len - 1] != 'i' || len - syl < 2)
		return 0;
	len--;
	/* sh, ch and j already carry the y sound */
	if ((out[len - 1] == 'h' && len - syl >= 2) || out[len - 1] == 'j')
		r++;
	memcpy(out + len, r, strlen(r));
	return len + strlen(r);
}

size_t strength_ja_romaji(const uint32_t *cp, size_t n, char *out)
{
	size_t len = 0, syl = 0, joined;
	bool geminate = false;

	for (size_t i = 0; i < n; i++) {
		uint32_t h = strength_ja_fold(cp[i]);
		const char *r;

		if (h == LONG_MARK) {
			if (len && is_vowel(out[len - 1])) {
				out[len] = out[len - 1];
				len++;
			}
			continue;
		}
		if (h >= KATAKANA_LAST - 3 && h <= KATAKANA_LAST)
			r = katakana_v[h - (KATAKANA_LAST - 3)];
		else if (h >= HIRAGANA_FIRST && h <= HIRAGANA_LAST)
			r = hiragana[h - HIRAGANA_FIRST];
		else
			continue;
		if (h == SMALL_TSU) {
			geminate = true;
			continue;
		}
		if ((small_vowel(h) || small_y(h)) && (joined = join_small(out, syl, len, h, r))) {
			len = joined;
			geminate = false;
			continue;
		}
		syl = len;
		if (geminate && !is_vowel(r[0]))
			out[len++] = r[0] == 'c' ? 't' : r[0]; /* っち: tchi */
		geminate = false;
		memcpy(out + len, r, strlen(r));
		len += strlen(r);
	}
	out[len] = '\0';
	return len;
}

/* the place of @c in @row, or -1 */
static long row_place(const char32_t *row, uint32_t c)
{
	for (const char32_t *k = row; *k; k++)
		if (*k == c)
			return k - row;
	return -1;
}

bool strength_ja_is_step(uint32_t prev, uint32_t c)
{
	/* a kana stands in the gojuon and in the iroha: a step in either counts */
	for (size_t r = 0; r < sizeof(orders) / sizeof(orders[0]); r++) {
		long p1 = row_place(orders[r], prev), p2 = row_place(orders[r], c);

		if (p1 >= 0 && p2 >= 0 && (p2 == p1 + 1 || p1 == p2 + 1))
			return true;
	}
	/* code point order: abc, 123, and ぁあぃい would be no order people know */
	if (strength_ja_is_kana(prev) || strength_ja_is_kana(c))
		return false;
	return c == prev + 1 || prev == c + 1;
}
