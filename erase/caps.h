/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a drive can do for a Purge, read from the drive itself. */
#ifndef KESU_ERASE_CAPS_H
#define KESU_ERASE_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "fw.h"
#include "sanitize_nvme.h"

struct erase_caps {
	bool nvme; /* the NVMe part was probed */
	struct sanitize_nvme_id nvme_id;
};

/**
 * erase_caps_probe_nvme() - fill the NVMe part of @c from Identify Controller
 * @f: transport with an NVMe admin path
 * @c: capabilities; @c->nvme is set on success
 *
 * A failed command is logged with its status text.
 *
 * Return: 0, -EOPNOTSUPP (no NVMe admin path, or the controller rejects the
 * opcode), -ENOMEM, or the errno fw_nvme_errno() folds the status into
 */
int erase_caps_probe_nvme(struct fw *f, struct erase_caps *c);

/**
 * erase_caps_purge_line() - one line naming the Purge methods @c allows, and
 * why each other one is not available, e.g. "nvme: format user-data erase;
 * crypto erase not supported (fna); sanitize not supported (sanicap 0)"
 * Return: 0, -ENODATA (nothing probed), -ENOSPC (@len too small; @buf holds
 * the truncated line)
 */
int erase_caps_purge_line(const struct erase_caps *c, char *buf, size_t len);

#endif
