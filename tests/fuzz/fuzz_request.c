// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what `kesu request verify` and `kesu asset apply` do
 * with a request file: jcs_is_canonical(), request_check() and
 * request_verify_mem() with signatures that are the input's own bytes and
 * an empty trust store. Beyond "no crash": a document request_check()
 * accepts is refused for its signatures, never found valid.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cert/jcs.h"
#include "cert/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct cert_verification v;
	struct cert_sigs sigs = { 0 };
	json_t *any;
	char why[160];

	sigs.text[CERT_ROLE_OPERATOR] = buf;
	sigs.len[CERT_ROLE_OPERATOR] = size;
	sigs.text[CERT_ROLE_APPROVER] = buf;
	sigs.len[CERT_ROLE_APPROVER] = size;
	if (request_verify_mem(buf, size, &sigs, NULL, CERT_REQUIRE_APPROVAL, &v) == 0) {
		if (v.verdict == CERT_VALID)
			abort();
		cert_verification_free(&v);
	}
	any = json_loadb(buf, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (any) {
		request_check(any, why, sizeof(why));
		json_decref(any);
	}
	return 0;
}
