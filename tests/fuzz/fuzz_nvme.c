// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the parsers of what an NVMe controller returns:
 * the first byte picks Identify Controller (sanitize_nvme_parse_id),
 * Identify Namespace (sanitize_nvme_parse_ns) or the Sanitize Status log
 * (sanitize_nvme_parse_log); the rest is the data. Any input must parse into
 * values within their fields' ranges, or fail with -EINVAL / -EPROTO,
 * without reading outside the buffer. Seeds: tests/fuzz/corpus/nvme/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "erase/sanitize_nvme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_id(const void *buf, size_t n)
{
	struct sanitize_nvme_id id;
	int r = sanitize_nvme_parse_id(buf, n, &id);

	if (r == -EINVAL && n < SANITIZE_NVME_ID_LEN)
		return;
	if (r || strlen(id.sn) > 20 || strlen(id.mn) > 40 || strlen(id.fr) > 8)
		abort();
	if (id.sanitize != ((id.sanicap & 7) != 0) || id.format_crypto != ((id.fna & 4) != 0))
		abort();
}

static void check_ns(const void *buf, size_t n)
{
	struct sanitize_nvme_ns ns;
	int r = sanitize_nvme_parse_ns(buf, n, &ns);

	if ((r == -EINVAL && n < SANITIZE_NVME_NS_LEN) || r == -EPROTO)
		return;
	if (r || ns.lbaf >= ns.nlbaf || ns.lbaf > 63 || ns.nsze == 0 || ns.dlfeat > 7)
		abort();
}

static void check_log(const void *buf, size_t n)
{
	struct sanitize_nvme_log l;
	int r = sanitize_nvme_parse_log(buf, n, &l);

	if ((r == -EINVAL && n < SANITIZE_NVME_LOG_LEN) || r == -EPROTO)
		return;
	if (r || l.state > SANITIZE_NVME_COMPLETED_NO_DEALLOC || l.passes > 31)
		abort();
	if (!strcmp(sanitize_nvme_state_name(l.state), "unknown"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size < 1)
		return 0;
	/* a copy of exactly the data, so that ASan sees any read past the end */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0: check_id(buf, size - 1); break;
	case 1: check_ns(buf, size - 1); break;
	default: check_log(buf, size - 1); break;
	}
	free(buf);
	return 0;
}
