// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A machine's document made from its summary (kesu cert pdf --machine
 * SUMMARY): the attached summary is the one the signed document information
 * names, it verifies as the summary file does, and it and the attached
 * certificates describe the same drives, each certificate attached once.
 * The PDF's own signature covers all of it; this checks that the maker put
 * together what belongs together.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "cert.h"
#include "machine_summary.h"
#include "pdf.h"

static void sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(buf, len, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* the attached certificate whose id is @id, when exactly one is; -1 otherwise */
static int attached_with_id(json_t *const *docs, size_t n, const char *id)
{
	int found = -1;

	for (size_t k = 0; k < n; k++) {
		const char *cid = cert_get_string(docs[k], "id");

		if (cid && !strcmp(cid, id)) {
			if (found >= 0)
				return -1;
			found = (int)k;
		}
	}
	return found;
}

/* every drive's certificate attached once and that drive's, none attached that is not listed */
static int summary_lists(const struct cert_pdf_contents *c, const json_t *sum, json_t *const *docs,
			 struct cert_verification *pdf)
{
	bool used[CERT_PDF_MACHINE_MAX] = { false };
	size_t i, listed = 0;
	char why[320];
	json_t *d;
	int k;

	json_array_foreach(json_object_get(sum, "drives"), i, d)
	{
		const char *id = json_string_value(json_object_get(d, "certificate"));

		if (!id)
			continue;
		listed++;
		k = attached_with_id(docs, c->ncerts, id);
		if (k < 0 || used[k])
			return cert_verdict_set(
				pdf, CERT_MALFORMED,
				"the summary's certificate %.40s is not attached once", id);
		used[k] = true;
		if (cert_machine_drive_match(sum, d, docs[k], why, sizeof(why)))
			return cert_verdict_set(pdf, CERT_MALFORMED,
						"%.200s is not the summary's drive %zu: %s",
						c->certs[k].name, i + 1, why);
	}
	if (listed != c->ncerts)
		return cert_verdict_set(pdf, CERT_MALFORMED,
					"the summary lists %zu certificates, %zu are attached",
					listed, c->ncerts);
	return 0;
}

/* the summary and its signature as cert_machine_verify_file() reads them: NUL-terminated */
static int verify_summary(const struct cert_pdf_contents *c, const struct cert_trust *t,
			  struct cert_verification *out)
{
	char *sum = strndup((const char *)c->summary, c->summary_len), *sig = NULL;
	int r = sum ? 0 : -ENOMEM;

	if (!r && c->summary_sig) {
		sig = malloc(c->summary_sig_len + 1);
		if (sig) {
			memcpy(sig, c->summary_sig, c->summary_sig_len);
			sig[c->summary_sig_len] = '\0';
		} else {
			r = -ENOMEM;
		}
	}
	if (!r && memchr(c->summary, 0, c->summary_len))
		r = cert_verdict_set(out, CERT_MALFORMED, "the attached summary holds a NUL byte");
	else if (!r)
		r = cert_machine_verify_mem(sum, c->summary_len, sig, c->summary_sig_len,
					    c->summary_cms, t, out);
	free(sig);
	free(sum);
	return r;
}

int cert_pdf_check_summary(const struct cert_pdf_contents *c, const struct cert_trust *t,
			   struct cert_pdf_machine_verification *out)
{
	json_t *docs[CERT_PDF_MACHINE_MAX] = { 0 };
	char hex[65];
	int r;

	out->summary = true;
	snprintf(out->sum_name, sizeof(out->sum_name), "%s", c->summary_name);
	sha256_hex(c->summary, c->summary_len, hex);
	if (strcmp(hex, c->summary_sha256))
		return cert_verdict_set(&out->pdf, CERT_MALFORMED,
					"the attached summary is not the one the document states "
					"(SHA-256)");
	r = verify_summary(c, t, &out->sum);
	/* anything but a malformed summary has the structure the drives are compared by */
	if (r || out->sum.verdict == CERT_MALFORMED)
		return r;
	for (size_t k = 0; k < c->ncerts; k++)
		docs[k] = json_loadb((const char *)c->certs[k].cert, c->certs[k].cert_len,
				     JSON_REJECT_DUPLICATES, NULL);
	r = summary_lists(c, out->sum.doc, docs, &out->pdf);
	for (size_t k = 0; k < c->ncerts; k++)
		json_decref(docs[k]);
	return r;
}
