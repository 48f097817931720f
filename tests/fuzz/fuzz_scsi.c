// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the parsers of what a SCSI device answers (a device,
 * a USB bridge or its firmware is untrusted input): standard INQUIRY, VPD
 * page 0x80, READ CAPACITY(16), REPORT SUPPORTED OPERATION CODES and sense
 * data. The first byte picks the parser. Beyond "no crash": every string
 * taken from the device is printable ASCII, a parsed sense key fits in four
 * bits, and the purge line built from the result is one line.
 * Seeds: tests/fuzz/corpus/scsi/.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "erase/caps.h"
#include "erase/sanitize_scsi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == max)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct erase_caps c;
	struct scsi_sense s;
	char line[512];
	uint8_t raw;
	int r;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.scsi = true;
	c.scsi_caps.valid = true;
	c.scsi_caps.rsoc = true;
	switch (data[0] % 5) {
	case 0: scsi_parse_inquiry(data + 1, size - 1, &c.scsi_caps); break;
	case 1: scsi_parse_vpd_serial(data + 1, size - 1, &c.scsi_caps); break;
	case 2: scsi_parse_read_capacity16(data + 1, size - 1, &c.scsi_caps); break;
	case 3:
		r = scsi_parse_rsoc_one(data + 1, size - 1, &raw);
		if (r >= 0)
			c.scsi_caps.support[data[0] / 5 % 4] = (uint8_t)r;
		break;
	default:
		if (scsi_sense_parse(data + 1, size - 1, &s) == 0) {
			if (s.key > 15 || !scsi_sense_text(&s))
				abort();
			scsi_sense_errno(&s);
		}
	}
	printable(c.scsi_caps.vendor, sizeof(c.scsi_caps.vendor));
	printable(c.scsi_caps.product, sizeof(c.scsi_caps.product));
	printable(c.scsi_caps.revision, sizeof(c.scsi_caps.revision));
	printable(c.scsi_caps.serial, sizeof(c.scsi_caps.serial));
	if (erase_caps_purge_line(&c, line, sizeof(line)) == 0 && strchr(line, '\n'))
		abort();
	return 0;
}
