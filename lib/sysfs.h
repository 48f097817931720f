/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Readers of sysfs attributes under a settable root: "/sys" on a running
 * system, a directory laid out like it in the unit tests (lsblk --sysroot).
 *
 * Functions that take a @dir take a full path, usually one that
 * sysfs_dev_dir() or sysfs_block_dir() resolved under the root; only those
 * two, and sysfs_path(), apply the root themselves.
 */
#ifndef KESU_SYSFS_H
#define KESU_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * sysfs_set_root() - read sysfs from another directory from now on
 * @dir: a directory laid out like /sys; NULL or "" restores "/sys". The
 *       string is copied; one longer than PATH_MAX - 64 bytes is ignored.
 */
void sysfs_set_root(const char *dir);

/** sysfs_root() - the directory in use, "/sys" unless sysfs_set_root() changed it */
const char *sysfs_root(void);

/**
 * sysfs_path() - @rel ("block", "dev/block/8:0") under the root, into @buf
 * Return: 0, or -ENAMETOOLONG when it does not fit in @len bytes
 */
int sysfs_path(char *buf, size_t len, const char *rel);

/**
 * sysfs_read() - at most @len - 1 bytes of @dir/@attr into @buf, NUL-terminated
 * @got: set to the number of bytes read when not NULL (binary attributes)
 * Return: 0, -ENAMETOOLONG, or the negative errno of open() or read()
 *         (-ENOENT when the attribute does not exist)
 */
int sysfs_read(const char *dir, const char *attr, char *buf, size_t len, size_t *got);

/** sysfs_has() - whether @dir/@attr exists */
bool sysfs_has(const char *dir, const char *attr);

/**
 * sysfs_str() - set *@out to the trimmed text of @dir/@attr
 *
 * A missing or blank attribute leaves *@out alone, and so does an earlier
 * hit (*@out not NULL), so that callers can try several places in turn.
 *
 * Return: 0 or -ENOMEM
 */
int sysfs_str(const char *dir, const char *attr, char **out);

/**
 * sysfs_u64() - a decimal attribute
 * Return: 0, -EINVAL when it is not a number, or as sysfs_read()
 */
int sysfs_u64(const char *dir, const char *attr, uint64_t *out);

/**
 * sysfs_devno() - the MAJ:MIN in @dir/dev
 * Return: 0, -EINVAL when it is malformed, or as sysfs_read()
 */
int sysfs_devno(const char *dir, dev_t *out);

/**
 * sysfs_dev_dir() - resolve ROOT/dev/block/MAJ:MIN to the device's directory
 * @dir: PATH_MAX bytes, receives the resolved path
 * Return: 0, -ENAMETOOLONG, or the negative errno of realpath() (-ENOENT)
 */
int sysfs_dev_dir(dev_t devno, char *dir);

/**
 * sysfs_block_dir() - resolve ROOT/class/block/@name (disk or partition)
 * @dir: PATH_MAX bytes, receives the resolved path
 * Return: 0, -EINVAL for a name with '/' or "..", -ENAMETOOLONG, or the
 *         negative errno of realpath() (-ENOENT)
 */
int sysfs_block_dir(const char *name, char *dir);

/* the machine as its firmware describes it (SMBIOS type 1, /sys/class/dmi/id) */
struct sysfs_dmi {
	char *manufacturer; /* sys_vendor */
	char *product;	    /* product_name */
	char *serial;	    /* product_serial: readable by root only */
	char *uuid;	    /* product_uuid: readable by root only */
	char *asset_tag;    /* chassis_asset_tag: names the machine at a wiping station */
};

/**
 * sysfs_dmi_read() - the DMI data under ROOT/class/dmi/id
 *
 * Each attribute that is missing, blank or unreadable (the serial and the
 * UUID are mode 0400) stays NULL; a machine without DMI (most ARM boards,
 * containers without /sys/class/dmi) gives four NULLs and 0. Values are
 * the raw bytes, trimmed: they may not be UTF-8. In builds with the test
 * hooks, KESU_TEST_DMI_ROOT names a directory used as ROOT for DMI alone,
 * so that a test on real block devices can fake the machine.
 *
 * Return: 0 or -ENOMEM (@dmi is then freed)
 */
int sysfs_dmi_read(struct sysfs_dmi *dmi);

/** sysfs_dmi_free() - free what sysfs_dmi_read() set; idempotent */
void sysfs_dmi_free(struct sysfs_dmi *dmi);

/** sysfs_trim() - @s without leading and trailing white space (trailing cut in place) */
char *sysfs_trim(char *s);

#endif
