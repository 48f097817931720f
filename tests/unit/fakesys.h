/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small /sys of known disks, partitions, holders and loop devices in a
 * temporary directory, for sysfs_set_root(). Laid out as the kernel does:
 * devices under devices/..., and block/NAME, class/block/NAME and
 * dev/block/MAJ:MIN as relative symbolic links to them.
 */
#ifndef KESU_TEST_FAKESYS_H
#define KESU_TEST_FAKESYS_H

#include <stdint.h>

#define FAKESYS_VIRTUAL "devices/virtual/block"

/** fakesys_create() - a new empty tree; @root gets its path (PATH_MAX bytes). 0 or -errno */
int fakesys_create(char *root);

/** fakesys_destroy() - remove the tree */
void fakesys_destroy(const char *root);

/** fakesys_write() - write @value to ROOT/@rel, creating the directories. 0 or -errno */
int fakesys_write(const char *root, const char *rel, const char *value);

/**
 * fakesys_disk() - a whole disk at ROOT/@parent/@name (@parent NULL: the
 * virtual devices), @sectors of 512 bytes, logical/physical block sizes 512,
 * not rotational, not removable, writable. 0 or -errno
 */
int fakesys_disk(const char *root, const char *parent, const char *name, unsigned maj, unsigned min,
		 uint64_t sectors);

/** fakesys_part() - partition @name of the disk @disk (a name fakesys_disk() made). 0 or -errno */
int fakesys_part(const char *root, const char *disk, const char *name, unsigned maj, unsigned min,
		 uint64_t sectors);

/** fakesys_attr() - write attribute @attr of block device @name (disk or partition). 0 or -errno */
int fakesys_attr(const char *root, const char *name, const char *attr, const char *value);

/** fakesys_holder() - @upper holds @lower (both block device names). 0 or -errno */
int fakesys_holder(const char *root, const char *lower, const char *upper);

#endif
