// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Passphrase strength. zxcvbn-c counts guesses for what it understands:
 * ASCII, and Japanese once it reads as romaji. Everything else is counted
 * per code point here. The text is NFKC-normalised first, so that
 * full-width "ｐａｓｓｗｏｒｄ" is scored as the "password" it reads as
 * rather than as 24 random bytes; the reason given to the person is the
 * kind of the weakest part found.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>
#include <zxcvbn.h>

#include "secmem.h"
#include "strength.h"
#include "strength_ja.h"

/*
 * The bits of one code point: log2 of the symbols it is drawn from, counted
 * low (a person does not choose uniformly). Printable ASCII: 95; kana: 50
 * (46 plain, fewer in use than the voiced and small ones suggest); a common
 * kanji or Hangul syllable: 2000 (Joyo kanji: 2136); a letter of any other
 * script: 32.
 */
#define BITS_ASCII 6.57
#define BITS_KANA 5.64
#define BITS_HAN 10.97
#define BITS_OTHER 5.0

/* UAX #15: NFKC makes UTF-8 text at most 11 times longer */
#define NFKC_GROWTH 11

#define NO_CP UINT32_MAX

/* the symbols of Crockford's base32: digits and letters without i, l, o, u */
static const char alphabet[32] = "0123456789abcdefghjkmnpqrstvwxyz";

/* the kinds of part the per-code-point count finds */
enum part { PART_BRUTE, PART_WORD, PART_REPEAT, PART_SEQUENCE, PART_KINDS };

static const char *const part_reason[PART_KINDS] = {
	[PART_BRUTE] = "too short",
	[PART_WORD] = "a common word or password",
	[PART_REPEAT] = "repeated characters",
	[PART_SEQUENCE] = "a sequence (abc, 1234, あいう)",
};

struct estimate {
	double bits;		  /* @member bits: log2 of the guesses */
	size_t cover[PART_KINDS]; /* @member cover: code points of each kind */
	const char *reason;	  /* @member reason: the weakest part, for the person */
};

/* the passphrase after NFKC, in secure memory */
struct text {
	char *nfkc;	/* @member nfkc: NUL-terminated UTF-8 */
	uint32_t *cp;	/* @member cp: its code points */
	uint32_t *fold; /* @member fold: the same, folded (strength_ja_fold()) */
	size_t n;	/* @member n: how many code points */
	bool ascii;	/* @member ascii: all of them ASCII */
};

static const char *match_reason(ZxcTypeMatch_t type)
{
	/* zxcvbn marks a part that is one piece said again and again ("aaaa" x 3) */
	if (type & MULTIPLE_MATCH)
		return "repeated characters";
	switch (type) {
	case DICTIONARY_MATCH:
	/* the user dictionary holds the common Japanese words, in romaji */
	case USER_MATCH: return "a common word or password";
	case DICT_LEET_MATCH:
	case USER_LEET_MATCH: return "a common word or password with look-alike substitutions";
	case REPEATS_MATCH: return "repeated characters";
	case SEQUENCE_MATCH: return "a sequence (abc, 1234)";
	case SPATIAL_MATCH: return "a keyboard walk (qwerty, asdf)";
	case DATE_MATCH: return "a date";
	case YEAR_MATCH: return "a year";
	default: return NULL;
	}
}

/*
 * The part that makes @pass weak: the pattern covering the most characters
 * (the cheapest to guess when two cover as many). Only brute force left
 * means there are simply too few characters.
 */
static const char *weakest_part(const ZxcMatch_t *info)
{
	const ZxcMatch_t *best = NULL;

	for (const ZxcMatch_t *m = info; m; m = m->Next) {
		if (!match_reason(m->Type))
			continue;
		if (!best || m->Length > best->Length ||
		    (m->Length == best->Length && m->Entrpy < best->Entrpy))
			best = m;
	}
	return best ? match_reason(best->Type) : "too short";
}

static void text_free(struct text *t)
{
	secmem_free(t->nfkc);
	secmem_free(t->cp);
	secmem_free(t->fold);
}

/*
 * @pass as NFKC code points. Return: 0, -EILSEQ (not UTF-8), -ENOMEM.
 * u8_normalize() writes into the secure buffer; it would allocate only past
 * the bound UAX #15 gives, and what it allocated is wiped.
 */
static int text_load(const char *pass, struct text *t)
{
	size_t len = strlen(pass), cap = NFKC_GROWTH * len, n = 0;
	uint8_t *res;

	memset(t, 0, sizeof(*t));
	if (u8_check((const uint8_t *)pass, len))
		return -EILSEQ;
	t->nfkc = secmem_alloc(cap + 1);
	t->cp = secmem_alloc((cap + 1) * sizeof(*t->cp));
	t->fold = secmem_alloc((cap + 1) * sizeof(*t->fold));
	if (!t->nfkc || !t->cp || !t->fold)
		goto nomem;
	res = u8_normalize(UNINORM_NFKC, (const uint8_t *)pass, len, (uint8_t *)t->nfkc, &cap);
	if (res != (uint8_t *)t->nfkc) {
		if (res) {
			secmem_wipe(res, cap);
			free(res);
		}
		goto nomem;
	}
	t->nfkc[cap] = '\0';
	t->ascii = true;
	for (const uint8_t *p = res; p < res + cap; n++) {
		ucs4_t c;

		p += u8_mbtouc(&c, p, (size_t)(res + cap - p));
		t->cp[n] = c;
		t->fold[n] = strength_ja_fold(c);
		t->ascii &= c < 0x80;
	}
	t->n = n;
	return 0;
nomem:
	text_free(t);
	return -ENOMEM;
}

/* floor(log2(@n)) for @n >= 1: rounded down, as every count here is */
static double log2_floor(size_t n)
{
	return (double)(sizeof(unsigned long long) * 8 - 1 - (size_t)__builtin_clzll(n));
}

static double alphabet_bits(uint32_t c)
{
	if (c < 0x80)
		return BITS_ASCII;
	if (strength_ja_is_kana(c))
		return BITS_KANA;
	if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0x20000 && c <= 0x3ffff) || (c >= 0xac00 && c <= 0xd7a3))
		return BITS_HAN;
	return BITS_OTHER;
}

/* The longest common word at the start of @fold (in its written form). Return: its length or 0. */
static size_t word_at(const uint32_t *fold, size_t n)
{
	size_t best = 0;

	for (size_t w = 0; w < strength_ja_nwords; w++) {
		const char32_t *word = strength_ja_words[w].word;
		size_t k = 0;

		if (!word)
			continue;
		while (word[k] && k < n && strength_ja_fold(word[k]) == fold[k])
			k++;
		if (!word[k] && k > best)
			best = k;
	}
	return best;
}

/* a code point the reading estimate hands to zxcvbn: ASCII, kana, Latin with a diacritic */
static uint32_t latin_base(uint32_t c)
{
	ucs4_t d[UC_DECOMPOSITION_MAX_LENGTH];

	if (c < 0x80)
		return c;
	/* Latin-1 Supplement, Latin Extended-A and -B: "ä" reads as "a" */
	if (c >= 0xc0 && c < 0x250 && uc_canonical_decomposition(c, d) > 0 && d[0] < 0x80)
		return d[0];
	return 0;
}

static bool romanisable(uint32_t c)
{
	return latin_base(c) || strength_ja_is_kana(c);
}

/* What the code point at @i costs: a repeat, a step, one seen before, or a new one. */
static double char_cost(const uint32_t *fold, size_t i, uint32_t prev, size_t seen, enum part *kind)
{
	double fresh = alphabet_bits(fold[i]);

	*kind = PART_BRUTE;
	if (prev == fold[i]) {
		*kind = PART_REPEAT;
		return 1;
	}
	if (prev != NO_CP && strength_ja_is_step(prev, fold[i])) {
		*kind = PART_SEQUENCE;
		return 1;
	}
	for (size_t j = 0; j < i; j++)
		if (fold[j] == fold[i] && seen > 1 && log2_floor(seen) < fresh) {
			/* which of the earlier ones: ああいあい is not five choices */
			*kind = PART_REPEAT;
			return log2_floor(seen);
		}
	return fresh;
}

/*
 * Count @t code point by code point: common words, repeats, steps of a
 * sequence, and fresh symbols at their alphabet's size. With @skip_roman,
 * what the reading estimate gave zxcvbn is left out (and breaks a run).
 */
static void count_chars(const struct text *t, bool skip_roman, struct estimate *e)
{
	uint32_t prev = NO_CP;
	size_t seen = 0;
	enum part kind;

	for (size_t i = 0, k; i < t->n; i += k) {
		k = 1;
		if (skip_roman && romanisable(t->cp[i])) {
			prev = NO_CP;
			continue;
		}
		if ((k = word_at(t->fold + i, t->n - i))) {
			/* which word, and which of its forms */
			e->bits += log2_floor(strength_ja_nwords) + 1;
			e->cover[PART_WORD] += k;
		} else {
			k = 1;
			e->bits += char_cost(t->fold, i, prev, seen, &kind);
			e->cover[kind]++;
		}
		seen += k;
		prev = t->fold[i + k - 1];
	}
}

static const char *tally_reason(const struct estimate *e)
{
	enum part best = PART_BRUTE;

	for (enum part p = PART_WORD; p < PART_KINDS; p++)
		if (e->cover[p] > e->cover[best] || (best == PART_BRUTE && e->cover[p]))
			best = p;
	return part_reason[best];
}

/* zxcvbn's user dictionary: the common Japanese words in romaji, most common first */
static const char **ja_dictionary(void)
{
	const char **dict = calloc(2 * strength_ja_nwords + 1, sizeof(*dict));
	size_t n = 0;

	if (!dict)
		return NULL;
	for (size_t w = 0; w < strength_ja_nwords; w++)
		for (size_t f = 0; f < 2; f++)
			if (strength_ja_words[w].romaji[f])
				dict[n++] = strength_ja_words[w].romaji[f];
	return dict;
}

static double zxcvbn_estimate(const char *s, const char **dict, const char **reason)
{
	ZxcMatch_t *info = NULL;
	double e = ZxcvbnMatch(s, dict, &info);

	*reason = weakest_part(info);
	ZxcvbnFreeInfo(info);
	return e;
}

/*
 * The text as it reads: ASCII, kana as romaji and Latin letters without
 * their marks go to zxcvbn with the Japanese words; the rest (kanji, other
 * scripts) is counted per code point and added. Return: 0, -ENOMEM.
 */
static int reading_estimate(const struct text *t, const char **dict, struct estimate *e)
{
	char *roman = secmem_alloc(STRENGTH_JA_ROMAJI_MAX * t->n + 1);
	size_t len = 0, i = 0;
	const char *why = NULL;

	if (!roman)
		return -ENOMEM;
	while (i < t->n) {
		size_t k = 0;

		while (i + k < t->n && strength_ja_is_kana(t->cp[i + k]))
			k++;
		if (k)
			len += strength_ja_romaji(t->cp + i, k, roman + len);
		else if (latin_base(t->cp[i]))
			roman[len++] = (char)latin_base(t->cp[i]);
		i += k ? k : 1;
	}
	roman[len] = '\0';
	count_chars(t, true, e);
	if (len) {
		e->bits += zxcvbn_estimate(roman, dict, &why);
		if (!strcmp(why, "too short"))
			why = NULL;
	}
	e->reason = why ? why : tally_reason(e);
	secmem_free(roman);
	return 0;
}

int strength_check(const char *pass, char *why, size_t len, double *bits)
{
	const char **dict = NULL;
	struct estimate read = { 0 }, chars = { 0 }, *e = &read;
	struct text t;
	int r;

	if (!pass || !why)
		return -EINVAL;
	if (bits)
		*bits = 0;
	if (!*pass) {
		snprintf(why, len, "empty");
		return -EKEYREJECTED;
	}
	r = text_load(pass, &t);
	if (r == -EILSEQ)
		snprintf(why, len, "not valid UTF-8, so its strength cannot be judged");
	if (r)
		return r;
	if (!(dict = ja_dictionary())) {
		r = -ENOMEM;
		goto out;
	}
	if (t.ascii) {
		read.bits = zxcvbn_estimate(t.nfkc, dict, &read.reason);
	} else {
		if ((r = reading_estimate(&t, dict, &read)))
			goto out;
		count_chars(&t, false, &chars);
		chars.reason = tally_reason(&chars);
		if (chars.bits < read.bits)
			e = &chars;
	}
	if (bits)
		*bits = e->bits;
	if (e->bits < STRENGTH_MIN_BITS) {
		snprintf(why, len, "%s: about 2^%.0f guesses, at least 2^%.0f needed", e->reason,
			 e->bits, STRENGTH_MIN_BITS);
		r = -EKEYREJECTED;
	}
out:
	free(dict);
	text_free(&t);
	return r;
}

int strength_generate(char **out)
{
	unsigned char rnd[16];
	char *p = secmem_alloc(STRENGTH_GENERATED_LEN + 1);
	size_t j = 0;

	if (!p)
		return -ENOMEM;
	secmem_random(rnd, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd); i++) {
		if (i && i % 4 == 0)
			p[j++] = '-';
		/* 256 is a multiple of 32: the low five bits are uniform */
		p[j++] = alphabet[rnd[i] & 31];
	}
	p[j] = '\0';
	secmem_wipe(rnd, sizeof(rnd));
	*out = p;
	return 0;
}
