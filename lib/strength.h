/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Passphrase strength: a real estimator (zxcvbn-c guess counting with its
 * dictionaries), one rule for every command that takes a new passphrase
 * (kesu encrypt -p, kesu media format/passphrase, key generation).
 */
#ifndef KESU_STRENGTH_H
#define KESU_STRENGTH_H

#include <stddef.h>

/**
 * strength_check() - is @pass strong enough for a new secret?
 * @pass: NUL-terminated
 * @why: on refusal, the reason for the person ("too short", "a common
 *       password", "a keyboard pattern", "repeated characters", ...)
 * @bits: if not NULL, the estimated log2 of the guesses needed
 * Return: 0 (strong enough), -EKEYREJECTED (weak: @why says why), -EINVAL
 */
int strength_check(const char *pass, char *why, size_t len, double *bits);

/**
 * strength_generate() - a new strong passphrase (at least 77 bits from the
 * kernel's random source) in secure memory, e.g. for --generate-passphrase
 * Return: 0 and *@out (free with secmem_free or passphrase_free), -ENOMEM
 */
int strength_generate(char **out);

#endif
