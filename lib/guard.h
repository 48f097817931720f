/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard of every destructive command, in util-linux blkdiscard's order:
 * hold the target (O_EXCL on a block device, an exclusive lock on an image
 * file), then check through the held descriptor that nothing uses it
 * (mounted, swap, holders, a loop device backed by it at any depth,
 * read-only), and probe its content again, so that what the person is
 * asked about is what is held. Asking the person is the front end's part.
 */
#ifndef KESU_GUARD_H
#define KESU_GUARD_H

#include "dev.h"
#include "devinfo.h"
#include "inuse.h"

struct guard {
	/* @dev: the held target; the caller may take it (and set this to NULL) */
	struct dev *dev;
	/* @use: what uses it, when the hold was refused for that reason */
	struct inuse use;
	/* @why: one sentence on a refusal ("/dev/sdb is read-only"); "" when held */
	char why[256];
};

/**
 * guard_hold() - hold a target exclusively and refuse it when it is in use
 * @info: from devinfo_get() on the target; its content is probed again
 *        through the held descriptor (devinfo_probe_content())
 * @flags: DEV_OPEN_* flags for dev_open(); DEV_OPEN_EXCL is always added
 * @g: zeroed, then filled: @g->dev when held, @g->why on a refusal
 *
 * A target of size 0 or whose size changed since @info was read is refused:
 * what the person confirms must be what is written. When another program
 * holds it (the exclusive open fails), the in-use checks are run without a
 * descriptor to name the holder.
 *
 * Return: 0 (held: @g->dev); -EBUSY (in use, held open exclusively by
 * another program, or the in-use check itself failed: @g->use, @g->why),
 * -EROFS (read-only), -ENODEV (size 0), -ESTALE (the size changed), or
 * another negative errno of dev_open() or of the content probe (-ENOMEM)
 */
int guard_hold(struct dev_info *info, unsigned flags, struct guard *g);

/** guard_release() - let go of the target, if still held */
void guard_release(struct guard *g);

#endif
