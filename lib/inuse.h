/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a device in use? The checks that guard every destructive command, in
 * the order of util-linux blkdiscard and wipefs: mounted, active swap,
 * held (dm, md, LVM), backing a loop device, holding the running system,
 * or open exclusively by another program.
 */
#ifndef KESU_INUSE_H
#define KESU_INUSE_H

#include <stdbool.h>

#include "devinfo.h"

/* Most important first: the lowest reason set is the one inuse.why explains. */
enum inuse_reason {
	INUSE_SYSTEM,	    /* holds / or /boot, itself or through what is stacked on it */
	INUSE_MOUNTED,	    /* it or one of its partitions is mounted */
	INUSE_SWAP,	    /* it or one of its partitions (or the file) is active swap */
	INUSE_HOLDERS,	    /* dm, md, LVM, bcache... hold it or one of its partitions */
	INUSE_LOOP_BACKING, /* it, a partition or the file is a loop device's backing store */
	INUSE_EXCLUSIVE,    /* another program has it open O_EXCL (a file: an OFD/POSIX lock) */
	INUSE_NREASONS
};

struct inuse {
	unsigned flags;		 /* 1u << enum inuse_reason, for each reason found */
	enum inuse_reason first; /* the lowest reason set; INUSE_NREASONS when none */
	char why[256];		 /* one sentence on @first, e.g. "/dev/loop5 is the
					   backing device of /dev/loop6, which is mounted on
					   /mnt"; "" when none */
};

/**
 * inuse_code() - the stable name of a reason, as JSON and the IN-USE column show it
 * Return: "system", "mounted", "swap", "holders", "loop-backing" or "exclusive";
 *         NULL for INUSE_NREASONS or any other value
 */
const char *inuse_code(enum inuse_reason r);

/**
 * inuse_check() - find out whether a device or image file is in use
 * @info: from devinfo_get() or devinfo_list(). A block device is checked with
 *        its partitions (a disk) and, recursively, whatever is stacked on them:
 *        a loop device backed by it or a holder, and what uses those in turn,
 *        so that a mount or swap anywhere up the stack is named in @out->why
 *        and one that holds / or /boot sets INUSE_SYSTEM. An image file is
 *        checked for backing a loop device (and what is stacked on that) and
 *        for being active swap.
 * @held_fd: >= 0 when the caller holds the target open O_EXCL (a file: locked),
 *        so the exclusive probe is skipped; -1 to probe, when no other reason
 *        was found (a mount or a holder keeps the device O_EXCL itself): an
 *        O_EXCL read-only open of a block device, F_OFD_GETLK on a file. Only
 *        EBUSY or a conflicting lock counts; a probe that cannot open the node (no
 *        permission, no /dev entry) finds nothing. The probe closes its
 *        descriptor, so a caller holding classic POSIX locks on the same file
 *        must pass its descriptor instead.
 * @out: the answer; zeroed with first = INUSE_NREASONS when nothing is found
 *
 * Mounts and swap areas are read through libmount (/proc/self/mountinfo,
 * /proc/swaps); holders and loop devices from sysfs under sysfs_root().
 *
 * Return: 0 (the answer is in @out, even when partial), or -ENOMEM, or the
 *         negative errno of reading ROOT/block, a holders directory or the
 *         mount table, when the check itself failed: then treat the device
 *         as in use
 */
int inuse_check(const struct dev_info *info, int held_fd, struct inuse *out);

/** inuse_any() - any reason found */
static inline bool inuse_any(const struct inuse *u)
{
	return u->flags != 0;
}

#endif
