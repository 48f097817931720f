/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device identity from sysfs and libblkid, and the listing of the disks.
 * Whether a device is in use is inuse.h's question.
 */
#ifndef KESU_DEVINFO_H
#define KESU_DEVINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dev_info {
	char *path; /* as given, e.g. /dev/sdb or disk.img */
	char *name; /* kernel name (sdb, nvme0n1, loop3); NULL for a file */
	bool is_block;
	unsigned major, minor; /* block devices only */
	char *model;	       /* NULL when unknown (every char * below too) */
	char *serial;
	char *wwn;
	char *firmware;
	char *transport;   /* "nvme", "sata", "sas", "usb", "virtio", "loop", "file", ... */
	uint64_t size;	   /* bytes */
	uint32_t lbs, pbs; /* logical / physical block size */
	int rotational;	   /* 1, 0, or -1 unknown */
	int removable;	   /* 1, 0, or -1 unknown */
	bool is_partition;
	int read_only; /* 1, 0, or -1 unknown: sysfs "ro" of the partition or disk;
				   for a file, whether its file system is mounted read-only */
	char *content; /* libblkid: "ext4", "crypto_LUKS", "gpt", ...; NULL if none found */
};

/**
 * devinfo_get() - identify a block device or an image file
 * @path: block device node or regular file (symbolic links are followed)
 * @out: filled in; release with devinfo_free(). Zeroed on failure.
 *
 * Identity comes from sysfs without opening the device. A partition reports
 * its own size and the model, serial, queue limits and transport of its disk.
 * @out->content is probed once by path, read-only; a caller that then holds
 * the device open (O_EXCL, or locked) probes again with
 * devinfo_probe_content() through its descriptor, so that what it records
 * is what is on the device it holds.
 *
 * Return: 0, -ENOENT, -ENOTBLK (neither block device nor regular file),
 * -ENOMEM, or another negative errno from stat() or the sysfs lookup
 */
int devinfo_get(const char *path, struct dev_info *out);

/**
 * devinfo_removable() - removable, USB or MMC media: slow, and often pulled
 * out, so they get smaller I/O defaults
 */
bool devinfo_removable(const struct dev_info *info);

/** devinfo_free() - release the strings; the struct itself is the caller's */
void devinfo_free(struct dev_info *info);

/**
 * devinfo_probe_content() - what libblkid finds on the device behind @fd
 * @info: its content is replaced (NULL when nothing is found or the probe fails)
 * @fd: an open descriptor of the device or file, any access mode, O_DIRECT
 *      allowed. It is reopened read-only through /proc/self/fd for the
 *      probe, so its offset and flags are left alone; without /proc it is
 *      used directly unless it is O_DIRECT (then the content stays NULL).
 *
 * Reads only: a file system, RAID or LUKS signature first, else a partition
 * table type ("ext4", "crypto_LUKS", "dos", "gpt"). An ambivalent result
 * (two signatures) is left NULL, as blkid -p reports no type for it.
 *
 * Return: 0, or -ENOMEM
 */
int devinfo_probe_content(struct dev_info *info, int fd);

/**
 * devinfo_node_path() - the /dev path of a kernel block device name
 * @name: as in /sys/block ("sda", "cciss!c0d0")
 * @buf: receives "/dev/sda", "/dev/cciss/c0d0" (the kernel writes '/' as '!')
 * Return: 0, or -ENAMETOOLONG when it does not fit in @len bytes
 */
int devinfo_node_path(const char *name, char *buf, size_t len);

/**
 * devinfo_list() - every whole-disk block device with size > 0
 * @out: array of @n entries sorted by kernel name (loop2 before loop10);
 *       free with devinfo_list_free()
 *
 * Skips RAM disks, loop devices with no backing file and empty devices.
 * Reads sysfs only (under sysfs_root()); content stays NULL: probe it with
 * devinfo_probe_content() where opening the devices is wanted.
 *
 * Return: 0, -ENOMEM, or a negative errno from reading ROOT/block
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
