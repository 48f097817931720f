/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the strength check knows of Japanese: kana and their Hepburn romaji,
 * the order of the kana table (for sequences), and common words people make
 * passphrases of, in kana or kanji and in romaji. Data, with the small
 * functions that read it; the estimate itself is in strength.c.
 */
#ifndef KESU_STRENGTH_JA_H
#define KESU_STRENGTH_JA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

/* the most bytes of romaji one kana can add (っち is "tchi": four for two) */
#define STRENGTH_JA_ROMAJI_MAX 4

/* A common word: as written (kana or kanji) and as typed in romaji. */
struct strength_ja_word {
	/* @member word: hiragana, katakana or kanji, NFKC; NULL for romaji alone */
	const char32_t *word;
	const char *romaji[2]; /* @member romaji: ways of typing it; the second may be NULL */
};

/* the common words, in rough order of how often they are chosen */
extern const struct strength_ja_word strength_ja_words[];
extern const size_t strength_ja_nwords;

/** strength_ja_is_kana() - hiragana, katakana or the long-vowel mark ー (after NFKC) */
bool strength_ja_is_kana(uint32_t c);

/**
 * strength_ja_fold() - one code point as the estimate compares it: lower
 * case, and katakana as hiragana (a change of script is one choice, not a
 * new word)
 * Return: the folded code point
 */
uint32_t strength_ja_fold(uint32_t c);

/**
 * strength_ja_romaji() - a run of kana in Hepburn romaji ("パスワード" is
 * "pasuwaado", "きって" "kitte", "シェア" "shea")
 * @cp: code points, each strength_ja_is_kana()
 * @n: how many
 * @out: room for STRENGTH_JA_ROMAJI_MAX * @n + 1 bytes; NUL-terminated
 * Return: the number of bytes written, without the NUL
 */
size_t strength_ja_romaji(const uint32_t *cp, size_t n, char *out);

/**
 * strength_ja_is_step() - is @c the next or previous of @prev in one order
 * people walk: the kana table (あいうえお, かきくけこ, ...), the iroha, kanji
 * numerals, the days of the week, the zodiac or, outside kana, code point
 * order (abc, 123)
 * @prev, @c: folded code points
 * Return: true for a step of one
 */
bool strength_ja_is_step(uint32_t prev, uint32_t c);

#endif
