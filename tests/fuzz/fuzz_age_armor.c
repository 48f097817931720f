// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for age's ASCII armor: any bytes, no crash, no
 * leak; the decoder gives the same answer and the same bytes whole and in
 * pieces, never writes more bytes than it was given characters, and takes
 * only the canonical form: what it accepts is, up to the whitespace around
 * the block, LF for CRLF and the LF after END, exactly what armoring its
 * output writes. The input armored and decoded again, in pieces, is the
 * input. Seeds: tests/fuzz/corpus/age_armor/.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypt/armor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* piece sizes: 1 to 70 from a simple generator, or everything at once for seed 0 */
static size_t piece(unsigned *seed, size_t left)
{
	size_t n;

	if (!*seed)
		return left;
	*seed = *seed * 1103515245u + 12345u;
	n = (*seed >> 16) % 70 + 1;
	return n < left ? n : left;
}

static int decode(const uint8_t *in, size_t len, unsigned seed, uint8_t *out, size_t *outlen)
{
	struct armor_dec *d;
	size_t off = 0, n, got;
	int rc = 0;

	if (armor_dec_new(&d))
		abort();
	*outlen = 0;
	while (off < len && !rc) {
		n = piece(&seed, len - off);
		rc = armor_dec_update(d, (const char *)in + off, n, out + *outlen, &got);
		if (got > n || (rc && rc != -EBADMSG))
			abort();
		*outlen += got;
		off += n;
	}
	if (!rc)
		rc = armor_dec_final(d);
	armor_dec_free(d);
	return rc;
}

/* armor @in; the text in a new buffer */
static char *encode(const uint8_t *in, size_t len, unsigned seed, size_t *outlen)
{
	struct armor_enc *e;
	char *out = malloc(ARMOR_ENC_OUT_MAX(len) + ARMOR_ENC_FINAL_MAX);
	size_t off = 0, n, got;

	if (!out || armor_enc_new(&e))
		abort();
	*outlen = 0;
	while (off < len) {
		n = piece(&seed, len - off);
		if (armor_enc_update(e, in + off, n, out + *outlen, &got) ||
		    got > ARMOR_ENC_OUT_MAX(n))
			abort();
		*outlen += got;
		off += n;
	}
	if (armor_enc_final(e, out + *outlen, &got) || got > ARMOR_ENC_FINAL_MAX)
		abort();
	*outlen += got;
	armor_enc_free(e);
	return out;
}

static bool space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* the accepted text, whitespace around it dropped, CRLF made LF, LF after END */
static char *canonical(const uint8_t *data, size_t size, size_t *len)
{
	size_t i = 0, j = size, k, w = 0;
	char *c = malloc(size + 1);

	if (!c)
		abort();
	while (i < j && space(data[i]))
		i++;
	while (j > i && space(data[j - 1]))
		j--;
	for (k = i; k < j; k++)
		if (!(data[k] == '\r' && k + 1 < j && data[k + 1] == '\n'))
			c[w++] = (char)data[k];
	c[w++] = '\n';
	*len = w;
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *a = malloc(size + 1), *b = malloc(size + 1);
	size_t alen, blen, tlen, clen;
	unsigned seed = (unsigned)size * 2654435761u | 1;
	char *text, *canon;
	int rc;

	if (!a || !b)
		abort();
	rc = decode(data, size, 0, a, &alen);
	if (decode(data, size, seed, b, &blen) != rc)
		abort();
	if (!rc) {
		if (alen != blen || memcmp(a, b, alen) || !alen || !armor_detect(data, size))
			abort();
		text = encode(a, alen, seed, &tlen);
		canon = canonical(data, size, &clen);
		if (tlen != clen || memcmp(text, canon, tlen))
			abort();
		free(text);
		free(canon);
	}
	free(a);
	free(b);

	/* the input as content: armored and back, in pieces */
	if (size && size <= 65536) {
		text = encode(data, size, seed, &tlen);
		a = malloc(tlen);
		if (!a || decode((const uint8_t *)text, tlen, seed + 1, a, &alen) || alen != size ||
		    memcmp(a, data, size))
			abort();
		free(a);
		free(text);
	}
	return 0;
}
