// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the asset-list CSV parser (ledger_csv_parse):
 * any input must either parse into records whose cells are NUL-free UTF-8,
 * or fail with -EBADMSG, without reading outside the buffer.
 * Seeds: tests/fuzz/corpus/csv/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_record(char **cells, size_t n, size_t line, void *usr)
{
	size_t *records = usr;

	if (n == 0 || line == 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!text_is_utf8(cells[i]))
			abort();
	(*records)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t records = 0, line = 0;
	/* a copy of exactly @size bytes, so that ASan sees any read past the end */
	char *buf = malloc(size ? size : 1);
	int r;

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	r = ledger_csv_parse(buf, size, check_record, &records, &line);
	if (r != 0 && r != -EBADMSG && r != -ENOMEM)
		abort();
	if (line == 0)
		abort();
	free(buf);
	return 0;
}
