/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device identity (sysfs, libblkid) and the "is it in use" checks that guard
 * every destructive command (the util-linux wipefs/blkdiscard habits).
 */
#ifndef KESU_DEVINFO_H
#define KESU_DEVINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dev_info {
	char *path;		/* as given, e.g. /dev/sdb or disk.img */
	char *name;		/* kernel name (sdb, nvme0n1, loop3); NULL for a file */
	bool is_block;
	unsigned major, minor;	/* block devices only */
	char *model;		/* NULL when unknown (every char * below too) */
	char *serial;
	char *wwn;
	char *firmware;
	char *transport;	/* "nvme", "sata", "sas", "usb", "virtio", "loop", "file", ... */
	uint64_t size;		/* bytes */
	uint32_t lbs, pbs;	/* logical / physical block size */
	int rotational;		/* 1, 0, or -1 unknown */
	int removable;		/* 1, 0, or -1 unknown */
	bool is_partition;
	char *content;		/* libblkid: "ext4", "crypto_LUKS", "gpt", ...; NULL if none found */
};

/**
 * devinfo_get() - identify a block device or an image file
 * @path: block device node or regular file (symbolic links are followed)
 * @out: filled in; release with devinfo_free(). Zeroed on failure.
 *
 * Identity comes from sysfs without opening the device. A partition reports
 * its own size and the model, serial, queue limits and transport of its disk.
 *
 * Return: 0, -ENOENT, -ENOTBLK (neither block device nor regular file),
 * -ENOMEM, or another negative errno from stat() or the sysfs lookup
 */
int devinfo_get(const char *path, struct dev_info *out);

/** devinfo_free() - release the strings; the struct itself is the caller's */
void devinfo_free(struct dev_info *info);

struct dev_usage {
	bool mounted;		/* the device or one of its partitions is mounted */
	bool swap;		/* the device or a partition is active swap */
	bool holders;		/* dm, md, LVM, ... hold it or a partition */
	bool system;		/* holds / or /boot */
	char why[256];		/* the first reason, for the message: "/dev/loop0p1 is mounted on /mnt" */
};

/**
 * devinfo_usage() - find out whether a device is in use
 * @info: from devinfo_get(); an image file is checked for being a loop
 *        device's backing file or mounted
 * Return: 0 (the answer is in @out), or a negative errno when the check
 * itself failed (then treat the device as in use)
 */
int devinfo_usage(const struct dev_info *info, struct dev_usage *out);

/** devinfo_in_use() - any of the dev_usage flags set */
static inline bool devinfo_in_use(const struct dev_usage *u)
{
	return u->mounted || u->swap || u->holders || u->system;
}

/**
 * devinfo_list() - every whole-disk block device with size > 0
 * @out: array of @n entries sorted by kernel name (loop2 before loop10);
 *       free with devinfo_list_free()
 *
 * Skips RAM disks, loop devices with no backing file and empty devices.
 *
 * Return: 0, -ENOMEM, or a negative errno from reading /sys/block
 */
int devinfo_list(struct dev_info **out, size_t *n);

enum {
	DEVINFO_LIST_ALL = 1 << 0, /* keep the devices devinfo_list() skips (kesu devices --all) */
};

/**
 * devinfo_list_flags() - devinfo_list() with DEVINFO_LIST_* @flags
 * Return: as devinfo_list()
 */
int devinfo_list_flags(struct dev_info **out, size_t *n, unsigned int flags);
void devinfo_list_free(struct dev_info *list, size_t n);

#endif
