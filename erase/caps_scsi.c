// SPDX-License-Identifier: GPL-2.0-or-later
/* Capability probing of the SCSI part (not yet implemented). */
#include "config.h"

#include <errno.h>

#include "caps.h"

int erase_caps_probe_scsi(struct fw *f, struct erase_caps *c)
{
	return -EOPNOTSUPP;
}

int erase_caps_scsi_line(const struct erase_caps *c, char *buf, size_t len)
{
	return -ENODATA;
}
