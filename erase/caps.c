// SPDX-License-Identifier: GPL-2.0-or-later
/* Capability probing through the drive-command transport. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>

#include <libnvme.h>

#include "caps.h"
#include "log.h"

int erase_caps_probe_nvme(struct fw *f, struct erase_caps *c)
{
	struct nvme_passthru_cmd cmd;
	void *buf = NULL;
	int ret;

	c->nvme = false;
	if (posix_memalign(&buf, 4096, SANITIZE_NVME_ID_LEN))
		return -ENOMEM;
	memset(buf, 0, SANITIZE_NVME_ID_LEN);
	sanitize_nvme_identify_ctrl(&cmd, buf);
	ret = fw_nvme_admin(f, &cmd);
	if (ret > 0) {
		kesu_log(KESU_LOG_DEBUG, "nvme identify controller: %s (status %#x)",
			 fw_nvme_status_text(ret), (unsigned)ret);
		ret = fw_nvme_errno(ret);
	}
	if (ret < 0)
		goto out;
	ret = sanitize_nvme_parse_id(buf, SANITIZE_NVME_ID_LEN, &c->nvme_id);
	if (ret == 0)
		c->nvme = true;
out:
	free(buf);
	return ret;
}

int erase_caps_probe_nvme_ns(struct fw *f, int fd, struct erase_caps *c)
{
	struct nvme_passthru_cmd cmd;
	void *buf = NULL;
	int ret, id = fd >= 0 ? ioctl(fd, NVME_IOCTL_ID) : -1;

	c->nvme_ns_ok = false;
	if (!c->nvme)
		return -ENODATA;
	c->nvme_nsid = id > 0 ? (uint32_t)id : 1;
	if (posix_memalign(&buf, 4096, SANITIZE_NVME_NS_LEN))
		return -ENOMEM;
	memset(buf, 0, SANITIZE_NVME_NS_LEN);
	sanitize_nvme_identify_ns(&cmd, c->nvme_nsid, buf);
	ret = fw_nvme_admin(f, &cmd);
	if (ret > 0) {
		kesu_log(KESU_LOG_DEBUG, "nvme identify namespace %u: %s (status %#x)",
			 c->nvme_nsid, fw_nvme_status_text(ret), (unsigned)ret);
		ret = fw_nvme_errno(ret);
	}
	if (!ret)
		ret = sanitize_nvme_parse_ns(buf, SANITIZE_NVME_NS_LEN, &c->nvme_ns);
	c->nvme_ns_ok = ret == 0;
	free(buf);
	return ret;
}

/* "crypto/block/overwrite": the sanitize actions of @id */
static void sanitize_actions(const struct sanitize_nvme_id *id, char *buf, size_t len)
{
	static const char *const name[] = { "crypto", "block", "overwrite" };
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!(id->sanicap & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "/" : "", name[i]);
		if (n >= len)
			return;
	}
}

/* the NVMe part of the purge line */
static int nvme_line(const struct erase_caps *c, char *buf, size_t len)
{
	const struct sanitize_nvme_id *id = &c->nvme_id;
	char act[32], san[64];
	int n;

	if (!c->nvme)
		return -ENODATA;
	sanitize_actions(id, act, sizeof(act));
	if (id->sanitize)
		snprintf(san, sizeof(san), "sanitize %s", act);
	else
		snprintf(san, sizeof(san), "sanitize not supported (sanicap %#x)", id->sanicap);
	n = snprintf(buf, len, "nvme: %s; %s; %s",
		     id->format ? "format user-data erase" : "format not supported (oacs)",
		     !id->format       ? "crypto erase not supported (oacs)" :
		     id->format_crypto ? "format crypto erase" :
					 "crypto erase not supported (fna)",
		     san);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/*
 * The parts that were probed, joined by " | ". When none was, -ENODATA with
 * the reason in @buf ("not probed: ..."), so that a listing can show it.
 */
int erase_caps_purge_line(const struct erase_caps *c, char *buf, size_t len)
{
	int (*const part[])(const struct erase_caps *, char *, size_t) = {
		nvme_line,
		erase_caps_ata_line,
		erase_caps_scsi_line,
	};
	char one[384];
	size_t n = 0, i;
	int r, any = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		if (part[i] == erase_caps_scsi_line && c->ata)
			continue; /* an ATA drive behind a SATL: its ATA part says it all */
		r = part[i](c, one, sizeof(one));
		if (r == -ENODATA)
			continue;
		if (r < 0)
			return r;
		r = snprintf(buf + n, len - n, "%s%s", any ? " | " : "", one);
		if (r < 0 || (size_t)r >= len - n)
			return -ENOSPC;
		n += (size_t)r;
		any = 1;
	}
	if (any)
		return 0;
	r = snprintf(buf, len, "not probed: %s",
		     c->why[0] ? c->why : "the device answered no identify or inquiry");
	return r < 0 || (size_t)r >= len ? -ENOSPC : -ENODATA;
}

int erase_caps_probe(struct fw *f, struct erase_caps *c)
{
	char ata_why[sizeof(c->why)] = "";
	bool rotational = c->rotational, usb = c->usb;
	int r;

	memset(c, 0, sizeof(*c));
	c->rotational = rotational;
	c->usb = usb;
	r = erase_caps_probe_nvme(f, c);
	if (r) {
		r = erase_caps_probe_ata(f, c);
		/* the SCSI answer (or its failure) says more about a device that is not ATA */
		snprintf(ata_why, sizeof(ata_why), "%s", c->why);
		c->why[0] = '\0';
	}
	if (!c->nvme && erase_caps_probe_scsi(f, c) == 0)
		r = 0;
	if (!c->why[0])
		snprintf(c->why, sizeof(c->why), "%s", ata_why);
	if (r && !c->why[0])
		snprintf(c->why, sizeof(c->why), "%s", strerror(-r));
	return r;
}

int erase_caps_probe_path(const struct dev_info *info, struct erase_caps *c, char *buf, size_t len)
{
	struct fw *f = NULL;
	int r = fw_open(info->path, &f), l;

	memset(c, 0, sizeof(*c));
	if (r < 0) {
		snprintf(buf, len, "not probed: %s",
			 r == -ENOTTY ? "no drive commands reach it (neither NVMe nor SCSI)" :
					strerror(-r));
		return r;
	}
	/* from sysfs, before the probe: they shape its reasons (a USB bridge) */
	c->rotational = info->rotational == 1;
	c->usb = info->transport && !strcmp(info->transport, "usb");
	r = erase_caps_probe(f, c);
	fw_close(f);
	l = erase_caps_purge_line(c, buf, len);
	if (l == -ENOSPC)
		log_dbg("%s: the purge line was cut", info->path);
	if (!r && l < 0 && l != -ENOSPC)
		r = l;
	return r;
}
