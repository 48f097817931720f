// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the PDF reading `kesu cert verify FILE.pdf` does
 * itself (cert/pdf_update.c, cert_pdf_read()): trailers, cross-reference
 * tables, the catalog, the signature dictionary, the attached files.
 * Beyond "no crash": everything it hands back lies inside the input, and a
 * signature's ranges end exactly at the end of the file.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "cert/pdf.h"
#include "cert/pdf_update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *data, size_t size, const void *p, size_t n)
{
	const uint8_t *q = p;

	if (q < data || q > data + size || n > (size_t)(data + size - q))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert_pdf_contents c;
	struct pdf_span v, st;
	struct pdf_doc d;
	char why[256];

	if (!pdf_doc_parse(data, size, &d)) {
		for (unsigned i = 0; i < d.size; i++) {
			if (!pdf_doc_object(&d, i, &v, NULL))
				inside(data, size, v.p, v.n);
			if (!pdf_doc_object(&d, i, &v, &st))
				inside(data, size, st.p, st.n);
		}
		pdf_doc_free(&d);
	}
	if (cert_pdf_read(data, size, &c, why, sizeof(why)))
		return 0;
	inside(data, size, c.cert, c.cert_len);
	for (int i = 0; i < CERT_NROLES; i++)
		if (c.sigs.text[i])
			inside(data, size, c.sigs.text[i], c.sigs.len[i]);
	if (c.signed_pdf &&
	    (c.range[0] || c.range[2] + c.range[3] != size || c.range[1] >= c.range[2]))
		abort();
	return 0;
}
