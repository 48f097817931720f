// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what `kesu cert verify`, `kesu cert pdf --machine`
 * and `kesu ledger add` do with a machine summary (kesu-machine/1):
 * cert_machine_verify_mem() with the input's own bytes as its minisign or
 * CMS signature and no trust store, then cert_machine_drive_match() of each
 * listed drive against the input itself. Beyond "no crash": nothing is ever
 * found valid without a trusted signer.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "cert/machine_summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void verify(const char *buf, size_t size, bool cms)
{
	struct cert_verification v;

	if (cert_machine_verify_mem(buf, size, buf, size, cms, NULL, &v) == 0) {
		if (v.verdict == CERT_VALID)
			abort();
		cert_verification_free(&v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	json_t *doc, *drives;
	char why[160];

	verify(buf, size, false);
	verify(buf, size, true);
	doc = json_loadb(buf, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	drives = json_object_get(doc, "drives");
	for (size_t i = 0; i < json_array_size(drives) && i < 8; i++)
		cert_machine_drive_match(doc, json_array_get(drives, i), doc, why, sizeof(why));
	json_decref(doc);
	return 0;
}
