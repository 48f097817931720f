/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drive commands behind an ops table, beside dev_ops: NVMe admin commands,
 * ATA PASS-THROUGH(16) and SCSI CDBs. Tests plug in a simulated drive with
 * fw_open_ops().
 */
#ifndef KESU_FW_H
#define KESU_FW_H

#include <stddef.h>
#include <stdint.h>

struct fw;
struct nvme_passthru_cmd; /* libnvme's layout of linux/nvme_ioctl.h */

enum {
	FW_DIR_NONE,
	FW_DIR_IN,  /* from the device */
	FW_DIR_OUT, /* to the device */
};

/*
 * Each op returns 0, a positive device status (the NVMe status field; for
 * SG_IO the SCSI status byte) or a negative errno. An op a backend lacks is
 * NULL, and the fw_*() call returns -EOPNOTSUPP.
 */
struct fw_ops {
	int (*nvme_admin)(struct fw *f, struct nvme_passthru_cmd *cmd);
	int (*ata_passthru)(struct fw *f, const uint8_t cdb[16], void *buf, size_t len, int dir,
			    unsigned timeout_ms, uint8_t sense[32], size_t *sense_len);
	int (*scsi_cdb)(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len,
			int dir, unsigned timeout_ms, uint8_t sense[32], size_t *sense_len);
	void (*close)(struct fw *f);
};

/**
 * fw_open() - open a drive for commands, choosing the backend from the node
 * @path: an NVMe controller (/dev/nvme0) or namespace (/dev/nvme0n1, /dev/ng0n1)
 *        node, or another block device that takes SG_IO (/dev/sda)
 * @out: the opened transport
 *
 * NVMe nodes get the libnvme admin pass-through; other block devices SG_IO
 * for ATA pass-through and SCSI CDBs.
 *
 * Return: 0, -ENOTTY (a regular file, a character device that is not an
 * NVMe node, a block device that takes neither), -ENOMEM, or the errno of
 * open(2) (-ENOENT, -EACCES, ...)
 */
int fw_open(const char *path, struct fw **out);

/**
 * fw_open_ops() - a transport over a backend of the caller's (tests)
 * @ops: the backend; its close hook, if any, runs in fw_close()
 * @priv: the backend's data, returned by fw_priv()
 * @out: the transport
 * Return: 0, -EINVAL (no @ops), -ENOMEM
 */
int fw_open_ops(const struct fw_ops *ops, void *priv, struct fw **out);

/** fw_priv() - the @priv given to fw_open_ops() (NULL for fw_open()) */
void *fw_priv(struct fw *f);

/** fw_close() - close the transport and free it; NULL is ignored */
void fw_close(struct fw *f);

/**
 * fw_nvme_admin() - submit an NVMe admin command
 * @f: transport
 * @cmd: the command; @cmd->result receives completion dword 0
 * Return: 0, the NVMe status field (status code type << 8 | status code) when
 * the controller failed the command, or a negative errno (-EOPNOTSUPP: the
 * backend has no NVMe admin path)
 */
int fw_nvme_admin(struct fw *f, struct nvme_passthru_cmd *cmd);

/**
 * fw_ata_passthru() - send an ATA PASS-THROUGH(16) CDB (SAT) built by the caller
 * Return: 0, the SCSI status byte (e.g. 0x02 CHECK CONDITION: read @sense), or
 * a negative errno (-EOPNOTSUPP: no SG_IO path, -ETIMEDOUT, -EIO: host or
 * driver error, or the errno of the SG_IO ioctl)
 */
int fw_ata_passthru(struct fw *f, const uint8_t cdb[16], void *buf, size_t len, int dir,
		    unsigned timeout_ms, uint8_t sense[32], size_t *sense_len);

/**
 * fw_scsi_cdb() - send a SCSI CDB of 6 to 16 bytes
 * Return: as fw_ata_passthru(); -EINVAL for a CDB length out of range
 */
int fw_scsi_cdb(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len, int dir,
		unsigned timeout_ms, uint8_t sense[32], size_t *sense_len);

/**
 * fw_nvme_status_text() - the NVMe status a Format NVM or Sanitize can end with
 * @status: the status field (code type << 8 | code; DNR and More are ignored)
 * Return: a static string; "unknown NVMe status" for codes not in the table
 */
const char *fw_nvme_status_text(int status);

/**
 * fw_nvme_errno() - fold an NVMe status into an errno
 * @status: the status field, or a negative errno (returned as it is)
 * Return: 0 for success; -EOPNOTSUPP (invalid opcode), -EINVAL (invalid
 * field, namespace or format), -EBUSY (format or sanitize in progress,
 * command sequence error), -EROFS (namespace write protected), -EPERM
 * (prohibited by lockdown), -EIO (sanitize failed, internal error, others)
 */
int fw_nvme_errno(int status);

#endif
