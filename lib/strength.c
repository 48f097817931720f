// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Passphrase strength through zxcvbn-c: its guess count decides, and the
 * reason given to the person is the kind of the weakest part it matched.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zxcvbn.h>

#include "secmem.h"
#include "strength.h"

/* the symbols of Crockford's base32: digits and letters without i, l, o, u */
static const char alphabet[32] = "0123456789abcdefghjkmnpqrstvwxyz";

static const char *match_reason(ZxcTypeMatch_t type)
{
	/* zxcvbn marks a part that is one piece said again and again ("aaaa" x 3) */
	if (type & MULTIPLE_MATCH)
		return "repeated characters";
	switch (type) {
	case DICTIONARY_MATCH: return "a common word or password";
	case DICT_LEET_MATCH: return "a common word or password with look-alike substitutions";
	case USER_MATCH:
	case USER_LEET_MATCH: return "a word tied to this use";
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

int strength_check(const char *pass, char *why, size_t len, double *bits)
{
	ZxcMatch_t *info = NULL;
	double e;

	if (!pass || !why)
		return -EINVAL;
	if (!*pass) {
		snprintf(why, len, "empty");
		if (bits)
			*bits = 0;
		return -EKEYREJECTED;
	}
	e = ZxcvbnMatch(pass, NULL, &info);
	if (bits)
		*bits = e;
	if (e >= STRENGTH_MIN_BITS) {
		ZxcvbnFreeInfo(info);
		return 0;
	}
	snprintf(why, len, "%s: about 2^%.0f guesses, at least 2^%.0f needed", weakest_part(info),
		 e, STRENGTH_MIN_BITS);
	ZxcvbnFreeInfo(info);
	return -EKEYREJECTED;
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
