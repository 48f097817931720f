/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bech32 (BIP 173) as age uses it for keys: 8-bit data in 5-bit groups,
 * the BIP 173 checksum (constant 1, not Bech32m), and no limit on the
 * length of the data part (an age key is longer than BIP 173's 90
 * characters allow for some types). The human-readable part keeps BIP
 * 173's 1 to 83 characters of 0x21-0x7e. A string is all lowercase or all
 * uppercase; the checksum is always over the lowercase form.
 */
#ifndef KESU_CRYPT_BECH32_H
#define KESU_CRYPT_BECH32_H

#include <stddef.h>
#include <stdint.h>

#define BECH32_HRP_MAX 83
/* characters of bech32_encode() output for @hrplen and @n bytes, the NUL included */
#define BECH32_ENCODED_LEN(hrplen, n) ((hrplen) + 1 + ((n)*8 + 4) / 5 + 6 + 1)

/**
 * bech32_encode() - Bech32 string of @data
 * @hrp: human-readable part, 1 to BECH32_HRP_MAX characters of 0x21-0x7e;
 *       written in lowercase ("AGE-SECRET-KEY-" gives "age-secret-key-1...";
 *       age writes secret keys uppercase: the caller converts the result)
 * @data: the bytes
 * @n: how many
 * @out: receives the NUL-terminated string
 * @outmax: size of @out, at least BECH32_ENCODED_LEN(strlen(@hrp), @n)
 *
 * Return: 0; -EINVAL for a bad @hrp; -ENOBUFS when @outmax is too small
 */
int bech32_encode(const char *hrp, const uint8_t *data, size_t n, char *out, size_t outmax);

/**
 * bech32_decode() - the human-readable part and the bytes of a Bech32 string
 * @s: NUL-terminated string
 * @hrp: receives the human-readable part as written (its case kept, so the
 *       caller can tell "AGE-SECRET-KEY-" from "age-secret-key-"), NUL-terminated
 * @hrpmax: size of @hrp
 * @data: receives the bytes
 * @datamax: size of @data
 * @n: set to the number of bytes
 *
 * Refused: a character outside 0x21-0x7e, mixed case, no "1" separator, a
 * human-readable part empty or longer than BECH32_HRP_MAX, fewer than 6
 * characters after the separator, a character outside the Bech32 alphabet
 * there, a wrong checksum, 5 or more bits of padding or padding bits that
 * are not zero.
 * Return: 0; -EINVAL when @s is refused or what it holds does not fit in
 * @hrpmax or @datamax
 */
int bech32_decode(const char *s, char *hrp, size_t hrpmax, uint8_t *data, size_t datamax,
		  size_t *n);

#endif
