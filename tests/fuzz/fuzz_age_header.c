// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the age v1 header and stanza parser
 * (age_header_parse) and the unpadded base64 under it: any bytes, no crash,
 * no leak, one of its documented errnos; and because the parser takes only
 * the canonical form, a header it accepts is written back byte for byte by
 * age_header_encode(), and that parses again to the same stanzas. Any base64
 * age_b64_decode() accepts is re-encoded to the same characters.
 * Seeds: tests/fuzz/corpus/age_header/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypt/age_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_stanza(const struct age_stanza *a, const struct age_stanza *b)
{
	size_t i;

	if (strcmp(a->type, b->type) || a->nargs != b->nargs || a->nargs > AGE_MAX_ARGS ||
	    a->body_len != b->body_len || !a->body || memcmp(a->body, b->body, a->body_len))
		abort();
	for (i = 0; i < a->nargs; i++)
		if (!a->args[i][0] || strcmp(a->args[i], b->args[i]))
			abort();
}

/* parse -> encode (+ MAC line) -> parse: the same bytes, the same header */
static void round_trip(const uint8_t *data, const struct age_header *h)
{
	struct age_header h2;
	char *out, *file;
	size_t len, i;

	if (!h->n || h->len > AGE_HEADER_MAX || h->mac_input_len + 1 + 43 + 1 != h->len)
		abort();
	if (age_header_encode(h->s, h->n, &out, &len))
		abort();
	if (len != h->mac_input_len || memcmp(out, data, len))
		abort();
	file = malloc(h->len);
	if (!file)
		abort();
	memcpy(file, out, len);
	file[len] = ' ';
	if (age_b64_encode(h->mac, sizeof(h->mac), file + len + 1, 43))
		abort();
	file[h->len - 1] = '\n';
	if (memcmp(file, data, h->len))
		abort();
	if (age_header_parse((const uint8_t *)file, h->len, &h2) || h2.n != h->n ||
	    h2.len != h->len || h2.mac_input_len != h->mac_input_len ||
	    memcmp(h2.mac, h->mac, sizeof(h->mac)))
		abort();
	for (i = 0; i < h->n; i++)
		same_stanza(&h->s[i], &h2.s[i]);
	age_header_free(&h2);
	free(file);
	free(out);
}

/* canonical base64: what decodes re-encodes to the same characters */
static void b64(const uint8_t *data, size_t size)
{
	size_t max = size / 4 * 3 + 3, n;
	uint8_t *bin = malloc(max);
	char *back = malloc(size + 1);

	if (!bin || !back)
		abort();
	if (!age_b64_decode((const char *)data, size, bin, max, &n)) {
		if (age_b64_encoded_len(n) != size || age_b64_encode(bin, n, back, size + 1) ||
		    memcmp(back, data, size))
			abort();
	}
	free(bin);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct age_header h;
	int rc = age_header_parse(data, size, &h);
	size_t len;

	if (!rc) {
		round_trip(data, &h);
		len = h.len;
		age_header_free(&h);
		/* the header alone is enough; a byte less is not */
		if (age_header_parse(data, len, &h))
			abort();
		age_header_free(&h);
		if (age_header_parse(data, len - 1, &h) != -EAGAIN)
			abort();
		age_header_free(&h);
	} else if (rc != -EAGAIN && rc != -EBADMSG && rc != -EPROTONOSUPPORT) {
		abort();
	} else if (h.s || h.n) {
		abort();
	}
	if (size <= 4096)
		b64(data, size);
	return 0;
}
