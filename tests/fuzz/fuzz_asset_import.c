// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the asset import reader (asset_import_parse):
 * any input either gives changes whose tags and values the register takes,
 * each with a line inside the file, or is refused with -EBADMSG, a line and
 * a reason, without reading outside the buffer. Seeds: tests/fuzz/corpus/asset_import/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/asset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct asset_import *im, size_t lines)
{
	char why[128];

	for (size_t i = 0; i < im->n; i++) {
		if (asset_tag_check(im->c[i].tag, why, sizeof(why)) || im->line[i] < 2 ||
		    im->line[i] > lines)
			abort();
		for (int f = 0; f < ASSET_NFIELDS; f++)
			if (im->c[i].field[f] && *im->c[i].field[f] &&
			    asset_value_check((enum asset_field)f, im->c[i].field[f], why,
					      sizeof(why)))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly @size bytes, so that ASan sees any read past the end */
	char *buf = malloc(size ? size : 1);
	struct asset_import im;
	size_t lines = 1;
	int r;

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	for (int fmt = ASSET_FORMAT_AUTO; fmt <= ASSET_FORMAT_GLPI; fmt++) {
		r = asset_import_parse(buf, size, (enum asset_format)fmt, &im);
		if (r == 0)
			check(&im, lines);
		else if (r != -ENOMEM &&
			 (r != -EBADMSG || !im.err_line || im.err_line > lines || !im.why[0]))
			abort();
		asset_import_free(&im);
	}
	free(buf);
	return 0;
}
