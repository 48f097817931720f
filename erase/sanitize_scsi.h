/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCSI SANITIZE (SBC-4) and the commands that find out whether a device has it. */
#ifndef KESU_SANITIZE_SCSI_H
#define KESU_SANITIZE_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** struct sanitize_scsi_caps - INQUIRY, VPD 0x80, READ CAPACITY(16), SANITIZE service actions */
struct sanitize_scsi_caps {
	bool valid;
};

#endif
