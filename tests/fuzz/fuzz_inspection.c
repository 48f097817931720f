// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the inspection record reader (inspection_parse):
 * any input is accepted as a kesu-inspection/1 record whose canonical form
 * is the input itself and whose result agrees with its findings, or refused
 * with -EBADMSG and a reason, without reading outside the buffer. Seeds:
 * tests/fuzz/corpus/inspection/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert/inspection.h"
#include "cert/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly @size bytes, so that ASan sees any read past the end */
	char *buf = malloc(size ? size : 1), *again = NULL, why[256] = "";
	json_t *doc = NULL;
	size_t len;
	int r;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	r = inspection_parse(buf, size, &doc, why, sizeof(why));
	if (r == 0) {
		const char *result = json_string_value(json_object_get(doc, "result"));
		size_t n = json_array_size(json_object_get(doc, "findings"));

		if (jcs_dump(doc, &again, &len) || len != size || memcmp(again, buf, size) ||
		    !result || strcmp(result, n ? "findings" : "clean"))
			abort();
	} else if (r != -EBADMSG && r != -ENOMEM) {
		abort();
	} else if (r == -EBADMSG && !why[0]) {
		abort();
	}
	free(again);
	json_decref(doc);
	free(buf);
	return 0;
}
