/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a drive can do for a Purge, read from the drive itself. */
#ifndef KESU_ERASE_CAPS_H
#define KESU_ERASE_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "devinfo.h"
#include "fw.h"
#include "sanitize_ata.h"
#include "sanitize_nvme.h"
#include "sanitize_scsi.h"

struct erase_caps {
	bool nvme; /* the NVMe part was probed */
	struct sanitize_nvme_id nvme_id;
	bool nvme_ns_ok; /* Identify Namespace of nvme_nsid answered */
	uint32_t nvme_nsid;
	struct sanitize_nvme_ns nvme_ns;
	bool ata; /* IDENTIFY DEVICE answered through ATA PASS-THROUGH */
	struct sanitize_ata_id ata_id;
	bool scsi; /* INQUIRY and friends answered */
	struct sanitize_scsi_caps scsi_caps;
	bool rotational; /* from sysfs queue/rotational: decides Clear vs Purge per media type */
	bool usb;	 /* behind a USB bridge */
	bool luks;	 /* libcryptsetup recognises a LUKS header (probed for luks-crypto-erase) */
	char why[128]; /* why nothing could be probed, e.g. "USB bridge rejects ATA pass-through" */
};

/**
 * erase_caps_probe() - probe what @f's drive can do: NVMe Identify, else ATA
 * IDENTIFY through SAT, and SCSI INQUIRY/VPD/REPORT SUPPORTED OPERATION CODES
 * @f: transport
 * @c: zeroed and filled, but for @c->rotational and @c->usb, which the caller
 *     sets first (from sysfs); @c->why says what could not be probed
 * Return: 0 when at least one part was probed, else a negative errno
 */
int erase_caps_probe(struct fw *f, struct erase_caps *c);

/** erase_caps_probe_ata() - the ATA part (erase/caps_ata.c); 0 or a negative errno */
int erase_caps_probe_ata(struct fw *f, struct erase_caps *c);

/** erase_caps_probe_scsi() - the SCSI part (erase/caps_scsi.c); 0 or a negative errno */
int erase_caps_probe_scsi(struct fw *f, struct erase_caps *c);

/** erase_caps_ata_line() - "ata: ..." summary of the ATA part; 0, -ENODATA, -ENOSPC */
int erase_caps_ata_line(const struct erase_caps *c, char *buf, size_t len);

/** erase_caps_scsi_line() - "scsi: ..." summary of the SCSI part; 0, -ENODATA, -ENOSPC */
int erase_caps_scsi_line(const struct erase_caps *c, char *buf, size_t len);

/**
 * erase_restore_hpa() - expose a host protected area (SET MAX ADDRESS EXT to
 * the native max) before an overwrite (erase/caps_ata.c)
 * Return: 0 (@native_before / @after_max say the max LBA before and after),
 * -ENODATA (no HPA), or a negative errno
 */
int erase_restore_hpa(struct fw *f, struct erase_caps *c, uint64_t *native_before,
		      uint64_t *after_max);

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
 * erase_caps_probe_nvme_ns() - Identify Namespace of the namespace behind @fd
 * @f: transport
 * @fd: the namespace's block device (its NSID from NVME_IOCTL_ID), or -1
 *      (namespace 1: simulators)
 * @c: @c->nvme_nsid, @c->nvme_ns and @c->nvme_ns_ok are filled
 * Return: 0, -ENODATA (@c has no NVMe part), -ENOMEM, -EPROTO (malformed
 * data), or the errno fw_nvme_errno() folds the status into
 */
int erase_caps_probe_nvme_ns(struct fw *f, int fd, struct erase_caps *c);

/**
 * erase_caps_purge_line() - one line naming the Purge methods @c allows, and
 * why each other one is not available, e.g. "nvme: format user-data erase;
 * crypto erase not supported (fna); sanitize not supported (sanicap 0)"
 * Return: 0, -ENODATA (nothing probed), -ENOSPC (@len too small; @buf holds
 * the truncated line)
 */
int erase_caps_purge_line(const struct erase_caps *c, char *buf, size_t len);

/**
 * erase_caps_probe_path() - open the drive-command transport of @info's
 * device, probe it with read-only commands and write its Purge line, as
 * kesu devices and the station show it
 * @info: the device (path; rotational and transport shape the reasons)
 * @c: zeroed and filled as erase_caps_probe() fills it
 * @buf: the line of erase_caps_purge_line(), or "not probed: " and why
 * Return: 0 (probed, @buf holds the line, perhaps cut), -ENOTTY (no drive
 * commands reach the device), the errno of fw_open() or erase_caps_probe(),
 * or -ENODATA (nothing could be read)
 */
int erase_caps_probe_path(const struct dev_info *info, struct erase_caps *c, char *buf, size_t len);

#endif
