// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what `kesu cert show` and `kesu cert verify` do first
 * with a file: jcs_is_canonical() and cert_check(). Two properties beyond
 * "no crash": a text found canonical dumps to itself, and whatever jansson
 * parses and jcs_dump() writes is found canonical.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cert/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	json_error_t err;
	json_t *doc = NULL, *any;
	char why[160], *out;
	size_t len;

	if (jcs_is_canonical(buf, size, &doc) == 0) {
		cert_check(doc, why, sizeof(why));
		if (jcs_dump(doc, &out, &len) || len != size || memcmp(out, buf, size))
			abort();
		free(out);
		json_decref(doc);
	}
	/* any JSON at all: the checker sees what a canonical file could hold */
	any = json_loadb(buf, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!any)
		return 0;
	cert_check(any, why, sizeof(why));
	cert_get_string(any, "media.serial");
	if (jcs_dump(any, &out, &len) == 0) {
		if (jcs_is_canonical(out, len, NULL))
			abort();
		free(out);
	}
	json_decref(any);
	return 0;
}
