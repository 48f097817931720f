// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bech32 after BIP 173 (see bech32.h). Neither libsodium nor OpenSSL has
 * it; the checksum is BIP 173's BCH code over GF(32), generator and
 * alphabet from the BIP.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "crypt/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* one 5-bit value into the checksum (BIP 173 "bech32_polymod") */
static uint32_t polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
					 0x2a1462b3 };
	uint32_t top = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* the checksum state after the human-readable part ("hrp_expand"), lowercased */
static uint32_t polymod_hrp(const char *hrp, size_t len)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < len; i++)
		chk = polymod_step(chk, (unsigned char)lower(hrp[i]) >> 5);
	chk = polymod_step(chk, 0);
	for (i = 0; i < len; i++)
		chk = polymod_step(chk, (unsigned char)lower(hrp[i]) & 31);
	return chk;
}

static bool hrp_ok(const char *hrp, size_t len)
{
	size_t i;

	if (len < 1 || len > BECH32_HRP_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)hrp[i] < 0x21 || (unsigned char)hrp[i] > 0x7e)
			return false;
	return true;
}

int bech32_encode(const char *hrp, const uint8_t *data, size_t n, char *out, size_t outmax)
{
	size_t hlen = hrp ? strlen(hrp) : 0, i, w = 0;
	uint32_t chk, acc = 0;
	unsigned bits = 0, v;

	if (!hrp_ok(hrp, hlen))
		return -EINVAL;
	if (n > (SIZE_MAX - hlen - 16) / 8 || outmax < BECH32_ENCODED_LEN(hlen, n))
		return -ENOBUFS;
	chk = polymod_hrp(hrp, hlen);
	for (i = 0; i < hlen; i++)
		out[w++] = lower(hrp[i]);
	out[w++] = '1';
	for (i = 0; i < n || bits;) {
		if (bits < 5 && i < n) {
			acc = ((acc << 8) | data[i++]) & 0xfff;
			bits += 8;
		}
		/* the last group is padded with zero bits */
		v = bits >= 5 ? (acc >> (bits - 5)) & 31 : (acc << (5 - bits)) & 31;
		bits = bits >= 5 ? bits - 5 : 0;
		chk = polymod_step(chk, v);
		out[w++] = charset[v];
	}
	for (i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	for (i = 0; i < 6; i++)
		out[w++] = charset[(chk >> (5 * (5 - i))) & 31];
	out[w] = '\0';
	return 0;
}

/* all of @s printable ASCII, and not both cases */
static bool chars_ok(const char *s, size_t len)
{
	bool lo = false, up = false;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e)
			return false;
		lo |= c >= 'a' && c <= 'z';
		up |= c >= 'A' && c <= 'Z';
	}
	return !(lo && up);
}

/* the 5-bit groups after the separator: checksum, then 8-bit data with BIP 173's padding rule */
static int decode_data(const char *p, size_t dlen, uint32_t chk, uint8_t *data, size_t datamax,
		       size_t *n)
{
	const char *at;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, w = 0;

	for (i = 0; i < dlen; i++) {
		at = p[i] ? strchr(charset, lower(p[i])) : NULL;
		if (!at)
			return -EINVAL;
		chk = polymod_step(chk, (unsigned)(at - charset));
		if (i >= dlen - 6) /* the checksum */
			continue;
		acc = ((acc << 5) | (uint32_t)(at - charset)) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (w == datamax)
				return -EINVAL;
			data[w++] = (uint8_t)(acc >> bits);
		}
	}
	if (chk != 1 || bits >= 5 || (acc & ((1u << bits) - 1)))
		return -EINVAL;
	*n = w;
	return 0;
}

int bech32_decode(const char *s, char *hrp, size_t hrpmax, uint8_t *data, size_t datamax, size_t *n)
{
	size_t len = strlen(s), hlen;
	const char *sep = strrchr(s, '1');
	int rc;

	*n = 0;
	if (!chars_ok(s, len) || !sep)
		return -EINVAL;
	hlen = (size_t)(sep - s);
	if (!hrp_ok(s, hlen) || len - hlen - 1 < 6 || hlen + 1 > hrpmax)
		return -EINVAL;
	rc = decode_data(sep + 1, len - hlen - 1, polymod_hrp(s, hlen), data, datamax, n);
	if (rc)
		return rc;
	memcpy(hrp, s, hlen);
	hrp[hlen] = '\0';
	return 0;
}
