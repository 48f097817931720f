// SPDX-License-Identifier: GPL-2.0-or-later
/* Capability probing of the ATA part (not yet implemented). */
#include "config.h"

#include <errno.h>

#include "caps.h"

int erase_caps_probe_ata(struct fw *f, struct erase_caps *c)
{
	return -EOPNOTSUPP;
}

int erase_caps_ata_line(const struct erase_caps *c, char *buf, size_t len)
{
	return -ENODATA;
}

int erase_restore_hpa(struct fw *f, struct erase_caps *c, uint64_t *native_before,
		      uint64_t *after_max)
{
	return -ENODATA;
}
