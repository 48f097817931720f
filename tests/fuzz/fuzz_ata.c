// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for what an ATA drive or a SATL sends back:
 * IDENTIFY DEVICE data (ata_id_parse) and the ATA registers in descriptor
 * and fixed-format sense (ata_return_parse, ata_return_parse_fixed). Any
 * input must parse or fail with the documented errno, never read outside
 * the buffer, and leave the strings printable and terminated.
 * Seeds: tests/fuzz/corpus/ata/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "erase/sanitize_ata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == max)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7E)
			abort();
	if (n && s[n - 1] == ' ')
		abort();
}

static void id(const uint8_t *buf, size_t size)
{
	struct sanitize_ata_id id;
	int r;

	memset(&id, 0, sizeof(id));
	r = ata_id_parse(buf, size, &id);
	if (r == 0) {
		check_string(id.model, sizeof(id.model));
		check_string(id.serial, sizeof(id.serial));
		check_string(id.firmware, sizeof(id.firmware));
		if (!id.sanitize &&
		    (id.sanitize_crypto || id.sanitize_block || id.sanitize_overwrite))
			abort();
		if (ata_erase_timeout_ms(&id, true) == 0 || ata_erase_timeout_ms(&id, false) == 0)
			abort();
	} else if (r != -EINVAL && r != -ENODATA && r != -EBADMSG) {
		abort();
	}
}

static void sense(const uint8_t *buf, size_t size)
{
	struct ata_return r;
	int ret;

	ret = ata_return_parse(buf, size, &r);
	if (ret == 0 && r.partial)
		abort();
	if (ret && ret != -ENOMSG && ret != -EBADMSG)
		abort();
	ret = ata_return_parse_fixed(buf, size, &r);
	if (ret == 0 && (r.count > 0xFF || r.lba > 0xFFFFFF))
		abort();
	if (ret && ret != -ENOMSG && ret != -EBADMSG)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly @size bytes, so that ASan sees any read past the end */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	id(buf, size);
	sense(buf, size);
	free(buf);
	return 0;
}
