/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Passphrase strength: a real estimator (zxcvbn-c guess counting with its
 * dictionaries), one rule for every command that takes a new passphrase
 * (kesu encrypt -p, kesu media format/passphrase, key generation).
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
 * @pass: NUL-terminated
 * @why: on refusal, the reason for the person, from the weakest part that
 *       zxcvbn found ("too short", "a common word or password", "a keyboard
 *       walk", "repeated characters", "a sequence", "a date", ...) and the
 *       guesses it would take
 * @len: size of @why
 * @bits: if not NULL, the estimated log2 of the guesses needed
 * Return: 0 (strong enough), -EKEYREJECTED (weak: @why says why), -EINVAL
 * (@pass or @why is NULL)
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
