// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device identity from sysfs, what libblkid finds on the device, and the
 * listing of the disks.
 *
 * sysfs is read rather than opening the device: opening a removable drive
 * or a tape can have side effects, and listing must work on devices that
 * are busy under O_EXCL.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid.h>

#include "devinfo.h"
#include "log.h"
#include "sysfs.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * SCSI and libata disks expose the unit serial number only as the raw VPD
 * page 0x80: a 4-byte header whose last two bytes give the length.
 */
static int vpd_serial(const char *devdir, char **out)
{
	unsigned char page[512];
	char serial[sizeof(page)], *s;
	size_t got, len;

	if (*out || sysfs_read(devdir, "vpd_pg80", (char *)page, sizeof(page), &got) < 0 || got < 4)
		return 0;
	len = (size_t)page[2] << 8 | page[3];
	if (len > got - 4)
		len = got - 4;
	memcpy(serial, page + 4, len);
	serial[len] = '\0';
	s = sysfs_trim(serial);
	if (!*s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* Where each identity string may live, in order of preference. */
static const struct {
	bool in_device; /* under DISK/device rather than DISK */
	const char *attr;
	size_t field;
	const char *only; /* kernel-name prefix the attribute is meaningful for */
} id_attrs[] = {
	{ true, "model", offsetof(struct dev_info, model), NULL },	     /* SCSI, NVMe */
	{ true, "name", offsetof(struct dev_info, model), "mmcblk" },	     /* MMC */
	{ false, "serial", offsetof(struct dev_info, serial), NULL },	     /* virtio-blk */
	{ true, "serial", offsetof(struct dev_info, serial), NULL },	     /* NVMe, MMC */
	{ false, "wwid", offsetof(struct dev_info, wwn), NULL },	     /* NVMe namespace */
	{ true, "wwid", offsetof(struct dev_info, wwn), NULL },		     /* SCSI */
	{ true, "firmware_rev", offsetof(struct dev_info, firmware), NULL }, /* NVMe */
	{ true, "rev", offsetof(struct dev_info, firmware), NULL },	     /* SCSI */
	{ true, "fwrev", offsetof(struct dev_info, firmware), "mmcblk" },    /* MMC */
};

static int fill_identity(struct dev_info *info, const char *disk)
{
	char devdir[PATH_MAX];
	size_t i;
	int r;

	/* loop, zram, dm and md have no device link: nothing to identify */
	if (snprintf(devdir, sizeof(devdir), "%s/device", disk) >= (int)sizeof(devdir))
		return 0;
	for (i = 0; i < sizeof(id_attrs) / sizeof(id_attrs[0]); i++) {
		char **field = (char **)((char *)info + id_attrs[i].field);

		if (id_attrs[i].only && !has_prefix(info->name, id_attrs[i].only))
			continue;
		r = sysfs_str(id_attrs[i].in_device ? devdir : disk, id_attrs[i].attr, field);
		if (r < 0)
			return r;
	}
	return vpd_serial(devdir, &info->serial);
}

/* @disk is a resolved sysfs path such as /sys/devices/pci.../block/sda */
static const char *guess_transport(const char *name, const char *disk)
{
	if (has_prefix(name, "nvme"))
		return "nvme";
	if (has_prefix(name, "loop"))
		return "loop";
	if (has_prefix(name, "mmcblk"))
		return "mmc";
	if (has_prefix(name, "vd"))
		return "virtio";
	if (strstr(disk, "/usb"))
		return "usb";
	if (has_prefix(name, "sd") || has_prefix(name, "sr")) {
		if (strstr(disk, "/ata"))
			return "sata";
		if (strstr(disk, "/end_device-") || sysfs_has(disk, "device/sas_address"))
			return "sas";
		return "scsi";
	}
	if (has_prefix(name, "dm-"))
		return "dm";
	if (has_prefix(name, "md"))
		return "md";
	if (has_prefix(name, "nbd"))
		return "nbd";
	if (has_prefix(name, "zram"))
		return "zram";
	return NULL;
}

/* A partition is read-only when it is marked so, or its disk is. */
static int read_only(const char *dir, const char *disk, bool is_partition)
{
	uint64_t v;

	if (sysfs_u64(dir, "ro", &v) < 0)
		return -1;
	if (!v && is_partition && sysfs_u64(disk, "ro", &v) < 0)
		return 0;
	return v != 0;
}

/* @dir is the resolved sysfs directory of the disk or partition */
static int fill_block(struct dev_info *info, const char *dir, dev_t devno)
{
	char disk[PATH_MAX];
	const char *tran;
	uint64_t v;

	info->is_block = true;
	info->major = major(devno);
	info->minor = minor(devno);
	info->name = strdup(strrchr(dir, '/') + 1);
	if (!info->name)
		return -ENOMEM;

	/* a partition has no queue or device of its own: its disk does */
	snprintf(disk, sizeof(disk), "%s", dir);
	info->is_partition = sysfs_has(dir, "partition");
	if (info->is_partition)
		*strrchr(disk, '/') = '\0';

	/* "size" counts 512-byte sectors whatever the logical block size */
	if (sysfs_u64(dir, "size", &v) == 0)
		info->size = v * 512;
	info->lbs = sysfs_u64(disk, "queue/logical_block_size", &v) == 0 ? (uint32_t)v : 512;
	info->pbs = sysfs_u64(disk, "queue/physical_block_size", &v) == 0 ? (uint32_t)v : info->lbs;
	info->rotational = sysfs_u64(disk, "queue/rotational", &v) == 0 ? v != 0 : -1;
	info->removable = sysfs_u64(disk, "removable", &v) == 0 ? v != 0 : -1;
	info->read_only = read_only(dir, disk, info->is_partition);

	tran = guess_transport(strrchr(disk, '/') + 1, disk);
	if (tran) {
		info->transport = strdup(tran);
		if (!info->transport)
			return -ENOMEM;
	}
	return fill_identity(info, disk);
}

static int fill_file(struct dev_info *info, const char *path, const struct stat *st)
{
	struct statvfs vfs;

	info->read_only = statvfs(path, &vfs) < 0 ? -1 : (vfs.f_flag & ST_RDONLY) != 0;
	info->transport = strdup("file");
	if (!info->transport)
		return -ENOMEM;
	info->size = (uint64_t)st->st_size;
	info->lbs = 512;
	info->pbs = st->st_blksize > 0 ? (uint32_t)st->st_blksize : 4096;
	info->rotational = -1;
	info->removable = -1;
	return 0;
}

/*
 * What is on the medium now, as libblkid sees it: a file system, RAID or
 * LUKS signature, or else a partition table. Shown before the person
 * confirms, and recorded in the report as what was there before.
 */
static int probe_fd(struct dev_info *info, int fd)
{
	blkid_probe pr = blkid_new_probe();
	const char *type = NULL;
	int r = 0;

	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0)
		goto out;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	if (blkid_do_safeprobe(pr) == 0 &&
	    (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 ||
	     blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0) &&
	    type && *type) {
		info->content = strdup(type);
		if (!info->content)
			r = -ENOMEM;
	}
out:
	blkid_free_probe(pr);
	return r;
}

/*
 * libblkid reads with lseek() and small unaligned buffers: on the caller's
 * descriptor that would move its offset, and fail on an O_DIRECT one. A
 * second, buffered descriptor of the same open file does neither, and no
 * O_EXCL is needed next to the caller's.
 */
int devinfo_probe_content(struct dev_info *info, int fd)
{
	char proc[64];
	int fl, own, r;

	free(info->content);
	info->content = NULL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	own = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (own >= 0) {
		r = probe_fd(info, own);
		close(own);
		return r;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_DIRECT)) {
		log_dbg("cannot probe the content of descriptor %d: %s", fd,
			fl < 0 ? strerror(errno) : "no /proc to reopen it without O_DIRECT");
		return 0;
	}
	return probe_fd(info, fd);
}

/* Read-only and without O_EXCL: identifying must not disturb whoever holds the device. */
static int probe_path(struct dev_info *info, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), r;

	if (fd < 0) {
		log_dbg("%s: cannot open to probe the content: %s", path, strerror(errno));
		return 0;
	}
	r = probe_fd(info, fd);
	close(fd);
	return r;
}

int devinfo_node_path(const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/dev/%s", name);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	/* the kernel writes '/' in a device name as '!' (cciss!c0d0) */
	for (char *p = buf; *p; p++)
		if (*p == '!')
			*p = '/';
	return 0;
}

int devinfo_get(const char *path, struct dev_info *out)
{
	char dir[PATH_MAX];
	struct stat st;
	int r;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		r = sysfs_dev_dir(st.st_rdev, dir);
		if (r < 0) {
			log_dbg("%s: no sysfs entry for %u:%u", path, major(st.st_rdev),
				minor(st.st_rdev));
			goto out;
		}
		r = fill_block(out, dir, st.st_rdev);
	} else if (S_ISREG(st.st_mode)) {
		r = fill_file(out, path, &st);
	} else {
		return -ENOTBLK;
	}
	if (r < 0)
		goto out;
	r = probe_path(out, path);
	if (r < 0)
		goto out;
	out->path = strdup(path);
	if (!out->path)
		r = -ENOMEM;
out:
	if (r < 0)
		devinfo_free(out);
	return r;
}

bool devinfo_removable(const struct dev_info *info)
{
	return info &&
	       (info->removable == 1 || (info->transport && (!strcmp(info->transport, "usb") ||
							     !strcmp(info->transport, "mmc"))));
}

void devinfo_free(struct dev_info *info)
{
	if (!info)
		return;
	free(info->path);
	free(info->name);
	free(info->model);
	free(info->serial);
	free(info->wwn);
	free(info->firmware);
	free(info->transport);
	free(info->content);
	memset(info, 0, sizeof(*info));
}

/* ---- listing ---- */

static bool list_skip(const char *name, const char *dir, unsigned int flags)
{
	uint64_t v;

	/* hidden nodes (NVMe multipath paths) have no /dev entry to open */
	if (sysfs_u64(dir, "hidden", &v) == 0 && v)
		return true;
	if (flags & DEVINFO_LIST_ALL)
		return false;
	if (has_prefix(name, "ram"))
		return true;
	if (has_prefix(name, "loop") && !sysfs_has(dir, "loop/backing_file"))
		return true;
	return sysfs_u64(dir, "size", &v) < 0 || v == 0;
}

static int list_one(const char *name, unsigned int flags, struct dev_info *info, bool *skip)
{
	char link[PATH_MAX], dir[PATH_MAX], node[PATH_MAX];
	dev_t devno;
	int r;

	memset(info, 0, sizeof(*info));
	*skip = true;
	if (snprintf(link, sizeof(link), "%s/block/%s", sysfs_root(), name) >= (int)sizeof(link) ||
	    devinfo_node_path(name, node, sizeof(node)) < 0)
		return 0;
	if (!realpath(link, dir) || sysfs_devno(dir, &devno) < 0 || list_skip(name, dir, flags))
		return 0;
	*skip = false;
	r = fill_block(info, dir, devno);
	if (r < 0)
		goto out;
	info->path = strdup(node);
	if (!info->path)
		r = -ENOMEM;
out:
	if (r < 0)
		devinfo_free(info);
	return r;
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

int devinfo_list_flags(struct dev_info **out, size_t *n, unsigned int flags)
{
	struct dirent **ents = NULL;
	struct dev_info *list = NULL, *grown;
	char dir[PATH_MAX];
	size_t count = 0;
	bool skip;
	int nents, i, r = 0;

	*out = NULL;
	*n = 0;
	/* version order puts loop2 before loop10 */
	r = sysfs_path(dir, sizeof(dir), "block");
	if (r < 0)
		return r;
	nents = scandir(dir, &ents, not_dot, versionsort);
	if (nents < 0)
		return -errno;
	for (i = 0; i < nents; i++) {
		grown = realloc(list, (count + 1) * sizeof(*list));
		if (!grown) {
			r = -ENOMEM;
			break;
		}
		list = grown;
		r = list_one(ents[i]->d_name, flags, &list[count], &skip);
		if (r < 0)
			break;
		if (!skip)
			count++;
	}
	for (i = 0; i < nents; i++)
		free(ents[i]);
	free(ents);
	if (r < 0) {
		devinfo_list_free(list, count);
		return r;
	}
	*out = list;
	*n = count;
	return 0;
}

int devinfo_list(struct dev_info **out, size_t *n)
{
	return devinfo_list_flags(out, n, 0);
}

void devinfo_list_free(struct dev_info *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		devinfo_free(&list[i]);
	free(list);
}
