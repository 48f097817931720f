// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for Bech32 (the age key encoding): any string, no
 * crash; a string bech32_decode() accepts is all one case and is, in
 * lowercase, what bech32_encode() writes for its human-readable part and
 * bytes. The input as bytes, under a human-readable part taken from its
 * first byte, encodes and decodes back to itself.
 * Seeds: tests/fuzz/corpus/bech32/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypt/bech32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lowercase(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void decode_encode(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *out = malloc(size + 16), hrp[BECH32_HRP_MAX + 1];
	uint8_t *bin = malloc(size);
	size_t n;

	if (!s || !out || (size && !bin))
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (!bech32_decode(s, hrp, sizeof(hrp), bin, size, &n)) {
		if (bech32_encode(hrp, bin, n, out, size + 16))
			abort();
		lowercase(s);
		if (strcmp(out, s))
			abort();
	}
	free(s);
	free(out);
	free(bin);
}

static void encode_decode(const uint8_t *data, size_t size)
{
	/* 1 to 16 characters of 0x21-0x7e, from the first byte */
	char hrp[17], back_hrp[17], *out;
	size_t hlen, i, n, max;
	uint8_t *back;

	if (!size)
		return;
	hlen = data[0] % 16 + 1;
	for (i = 0; i < hlen; i++)
		hrp[i] = (char)(0x21 + (data[0] + i * 7) % 94);
	hrp[hlen] = '\0';
	max = BECH32_ENCODED_LEN(hlen, size - 1);
	out = malloc(max);
	back = malloc(size);
	if (!out || !back)
		abort();
	if (bech32_encode(hrp, data + 1, size - 1, out, max) || strlen(out) + 1 != max)
		abort();
	if (bech32_decode(out, back_hrp, sizeof(back_hrp), back, size, &n) || n != size - 1 ||
	    memcmp(back, data + 1, n))
		abort();
	lowercase(hrp);
	if (strcmp(hrp, back_hrp))
		abort();
	free(out);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	decode_encode(data, size);
	encode_decode(data, size);
	return 0;
}
