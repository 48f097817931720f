// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drive-command transports: libnvme's admin pass-through for NVMe nodes,
 * SG_IO for other block devices, and caller-supplied ops for tests.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <libnvme.h>
#include <scsi/sg.h>

#include "fw.h"

struct fw {
	const struct fw_ops *ops;
	void *priv;
	int fd;
};

static int fw_nvme_fd_admin(struct fw *f, struct nvme_passthru_cmd *cmd)
{
	__u32 result = 0;
	int ret;

	ret = nvme_submit_admin_passthru(f->fd, cmd, &result);
	if (ret < 0)
		return errno ? -errno : -EIO;
	cmd->result = result;
	return ret;
}

static int fw_sg_io(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len,
		    int dir, unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	struct sg_io_hdr io;

	if (cdb_len < 6 || cdb_len > 16 || (len && !buf))
		return -EINVAL;
	memset(&io, 0, sizeof(io));
	io.interface_id = 'S';
	io.cmd_len = (unsigned char)cdb_len;
	io.cmdp = (unsigned char *)cdb;
	io.dxferp = buf;
	io.dxfer_len = (unsigned)len;
	io.dxfer_direction = dir == FW_DIR_IN  ? SG_DXFER_FROM_DEV :
			     dir == FW_DIR_OUT ? SG_DXFER_TO_DEV :
						 SG_DXFER_NONE;
	if (!len)
		io.dxfer_direction = SG_DXFER_NONE;
	io.sbp = sense;
	io.mx_sb_len = sense ? 32 : 0;
	io.timeout = timeout_ms;
	if (ioctl(f->fd, SG_IO, &io) < 0)
		return -errno;
	if (sense_len)
		*sense_len = io.sb_len_wr;
	if (io.status)
		return io.status;
	if (io.host_status == 0x03 || (io.driver_status & 0x07) == 0x06)
		return -ETIMEDOUT; /* DID_TIME_OUT, DRIVER_TIMEOUT */
	/* DRIVER_SENSE (0x08) alone only says that sense data came back */
	if (io.host_status || (io.driver_status & 0x07))
		return -EIO;
	return 0;
}

static int fw_sg_ata(struct fw *f, const uint8_t cdb[16], void *buf, size_t len, int dir,
		     unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	return fw_sg_io(f, cdb, 16, buf, len, dir, timeout_ms, sense, sense_len);
}

static void fw_fd_close(struct fw *f)
{
	close(f->fd);
}

static const struct fw_ops fw_nvme_ops = {
	.nvme_admin = fw_nvme_fd_admin,
	.close = fw_fd_close,
};

static const struct fw_ops fw_sg_ops = {
	.ata_passthru = fw_sg_ata,
	.scsi_cdb = fw_sg_io,
	.close = fw_fd_close,
};

/* "nvme0" (controller) or "ng0n1" (namespace generic): digits where %u is */
static int fw_nvme_char_name(const char *path)
{
	const char *b = strrchr(path, '/');
	unsigned a, n;
	char end;

	b = b ? b + 1 : path;
	if (sscanf(b, "nvme%u%c", &a, &end) == 1)
		return 1;
	return sscanf(b, "ng%un%u%c", &a, &n, &end) == 2;
}

/* Which backend serves the open node @fd; NULL when none does. */
static const struct fw_ops *fw_backend(int fd, const char *path)
{
	struct stat st;
	int v;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (S_ISCHR(st.st_mode))
		return fw_nvme_char_name(path) ? &fw_nvme_ops : NULL;
	if (!S_ISBLK(st.st_mode))
		return NULL;
	if (ioctl(fd, NVME_IOCTL_ID) > 0)
		return &fw_nvme_ops;
	if (ioctl(fd, SG_GET_VERSION_NUM, &v) == 0)
		return &fw_sg_ops;
	return NULL;
}

int fw_open(const char *path, struct fw **out)
{
	const struct fw_ops *ops;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ops = fw_backend(fd, path);
	if (!ops) {
		close(fd);
		return -ENOTTY;
	}
	ret = fw_open_ops(ops, NULL, out);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	(*out)->fd = fd;
	return 0;
}

int fw_open_ops(const struct fw_ops *ops, void *priv, struct fw **out)
{
	struct fw *f;

	*out = NULL;
	if (!ops)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->ops = ops;
	f->priv = priv;
	f->fd = -1;
	*out = f;
	return 0;
}

void *fw_priv(struct fw *f)
{
	return f->priv;
}

void fw_close(struct fw *f)
{
	if (!f)
		return;
	if (f->ops->close)
		f->ops->close(f);
	free(f);
}

int fw_nvme_admin(struct fw *f, struct nvme_passthru_cmd *cmd)
{
	if (!f->ops->nvme_admin)
		return -EOPNOTSUPP;
	return f->ops->nvme_admin(f, cmd);
}

int fw_ata_passthru(struct fw *f, const uint8_t cdb[16], void *buf, size_t len, int dir,
		    unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	if (!f->ops->ata_passthru)
		return -EOPNOTSUPP;
	return f->ops->ata_passthru(f, cdb, buf, len, dir, timeout_ms, sense, sense_len);
}

int fw_scsi_cdb(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len, int dir,
		unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	if (!f->ops->scsi_cdb)
		return -EOPNOTSUPP;
	if (cdb_len < 6 || cdb_len > 16)
		return -EINVAL;
	return f->ops->scsi_cdb(f, cdb, cdb_len, buf, len, dir, timeout_ms, sense, sense_len);
}

struct fw_nvme_status {
	int status; /* code type << 8 | code */
	int err;
	const char *text;
};

static const struct fw_nvme_status fw_nvme_statuses[] = {
	{ 0x000, 0, "successful completion" },
	{ 0x001, -EOPNOTSUPP, "invalid command opcode" },
	{ 0x002, -EINVAL, "invalid field in command" },
	{ 0x006, -EIO, "internal error" },
	{ 0x007, -EIO, "command abort requested" },
	{ 0x00b, -EINVAL, "invalid namespace or format" },
	{ 0x00c, -EBUSY, "command sequence error" },
	{ 0x01c, -EIO, "sanitize failed" },
	{ 0x01d, -EBUSY, "sanitize in progress" },
	{ 0x020, -EROFS, "namespace is write protected" },
	{ 0x023, -EPERM, "command prohibited by command and feature lockdown" },
	{ 0x084, -EBUSY, "format in progress" },
	{ 0x10a, -EINVAL, "invalid format" },
};

static const struct fw_nvme_status *fw_nvme_status_find(int status)
{
	size_t i;

	for (i = 0; i < sizeof(fw_nvme_statuses) / sizeof(fw_nvme_statuses[0]); i++)
		if (fw_nvme_statuses[i].status == (status & 0x7ff))
			return &fw_nvme_statuses[i];
	return NULL;
}

const char *fw_nvme_status_text(int status)
{
	const struct fw_nvme_status *s = fw_nvme_status_find(status);

	return s ? s->text : "unknown NVMe status";
}

int fw_nvme_errno(int status)
{
	const struct fw_nvme_status *s;

	if (status <= 0)
		return status;
	s = fw_nvme_status_find(status);
	return s ? s->err : -EIO;
}
