/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Passphrase strength: a real estimator (zxcvbn-c guess counting with its
 * dictionaries, on NFKC text, with Japanese read as romaji and counted per
 * character), one rule for every command that takes a new passphrase
 * (kesu encrypt -p, kesu media format/passphrase, kesu key generate).
 */
#ifndef KESU_STRENGTH_H
#define KESU_STRENGTH_H

#include <stddef.h>

/*
 * The least a new passphrase must cost an attacker: 2^40 (about 10^12)
 * guesses as zxcvbn counts them. Against age's scrypt at log2 N = 18 (about
 * a second and 256 MiB per guess on one core) that is some 30,000
 * core-years; kesu-encrypt(8) gives the reasoning.
 */
#define STRENGTH_MIN_BITS 40.0

/* Length of what strength_generate() writes, without the NUL: 4 groups of 4 and 3 dashes. */
#define STRENGTH_GENERATED_LEN 19

/**
 * strength_check() - is @pass strong enough for a new secret?
 * @pass: NUL-terminated UTF-8
 * @why: on refusal, the reason for the person, from the weakest part found
 *       ("too short", "a common word or password", "a keyboard walk",
 *       "repeated characters", "a sequence", "a date", ...) and the guesses
 *       it would take
 * @len: size of @why
 * @bits: if not NULL, the estimated log2 of the guesses needed (0 when
 *        refused before estimating)
 *
 * The model. @pass is NFKC-normalised first (libunistring), so full-width
 * letters and digits are the ASCII they read as and half-width katakana
 * are full-width. Text that is then all ASCII is scored by zxcvbn as it
 * is. Otherwise two estimates are made and the lower one counts:
 *
 * - as it reads: kana become Hepburn romaji ("パスワード" is "pasuwaado"),
 *   Latin letters lose their marks, and with the ASCII they are scored by
 *   zxcvbn, whose user dictionary holds common Japanese words in romaji;
 *   each remaining code point (kanji, other scripts) adds its per-character
 *   cost below;
 * - per character, on the text case-folded and with katakana as hiragana: a
 *   common Japanese word in kana or kanji costs log2 of the list's length
 *   plus one; a repeat of the previous character or a step in an order
 *   people walk (the kana table, the iroha, kanji numerals, code points)
 *   one bit; a character seen before log2 of the characters before it;
 *   any other log2 of its alphabet, counted low: 95 for ASCII, 50 for
 *   kana, 2000 for kanji and Hangul, 32 for any other script.
 *
 * zxcvbn does its own case folding of ASCII, and counts the capitals.
 *
 * Return: 0 (strong enough), -EKEYREJECTED (weak: @why says why), -EILSEQ
 * (not UTF-8: its strength cannot be judged; @why says so), -EINVAL (@pass
 * or @why is NULL), -ENOMEM
 */
int strength_check(const char *pass, char *why, size_t len, double *bits);

/**
 * strength_generate() - a new strong passphrase: 16 symbols of the
 * unambiguous Crockford base32 alphabet (no i, l, o, u) from the kernel's
 * random source in dash-separated groups of four ("k7rm-2q9x-..."), 80 bits
 * @out: the passphrase in secure memory, NUL-terminated,
 *       STRENGTH_GENERATED_LEN characters; free with secmem_free()
 * Return: 0, -ENOMEM
 */
int strength_generate(char **out);

#endif
