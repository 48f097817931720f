/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run of every firmware method (NVMe format/sanitize, ATA security erase
 * and sanitize, SCSI sanitize, LUKS keyslot destruction): read a NIST sample
 * of the device and keep a hash of each block; issue the command and wait
 * for it; read the same blocks again with the page cache bypassed. None may
 * equal its old content and, where the command defines what the media read
 * as afterwards, each must read as that. A command that reports success but
 * leaves a sampled block as it was is a failed erasure.
 */
#ifndef KESU_ERASE_PURGE_H
#define KESU_ERASE_PURGE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "caps.h"
#include "erase.h"
#include "pattern.h"

/** struct purge_cmd - one firmware method's command */
struct purge_cmd {
	const char *command; /* for the report and the log, e.g. "nvme format ses=1" */
	/*
	 * Issue the command on @o->fw (or, for LUKS, @o->path) and wait until
	 * the drive says it is done, reporting progress through @o->progress.
	 * Fill @detail with the raw completion status, log values, scope; write
	 * a reason into @why on failure.
	 * Return: 0, -EINTR (aborted; the drive may go on by itself), or a
	 * negative errno
	 */
	int (*exec)(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		    json_t *detail, char *why, size_t len);
	/*
	 * What every block reads as afterwards: fills @p and returns true
	 * (e.g. zero after block erase, from DLFEAT after an NVMe format), or
	 * returns false when it is not defined (crypto erase).
	 */
	bool (*expect)(const struct erase_opts *o, struct pattern *p);
};

/**
 * purge_run() - the run hook of a firmware method: sample, @c->exec, verify
 * (same contract as erase_run(); @r->purge gets the report's "purge" object)
 */
int purge_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r, const struct purge_cmd *c);

/*
 * Milliseconds between two reads of a drive's sanitize progress (1000;
 * tests with a simulated drive set 0)
 */
extern unsigned purge_poll_ms;

/**
 * purge_sleep() - wait purge_poll_ms, or less when @o->abort is set
 * Return: 0, -EINTR (aborted)
 */
int purge_sleep(const struct erase_opts *o);

/**
 * purge_auto_pick() - the method "auto" stands for on a drive
 * @caps: what the drive can do (NULL: nothing was probed)
 * @why: what was chosen and why, for the report: the strongest Purge
 *       (crypto erase, then block erase, then overwrite), or that none is
 *       supported and the software overwrite reaches Clear only
 * Return: a firmware method whose supported() accepts @caps, or the
 * overwrite method "random"
 */
const struct erase_method *purge_auto_pick(const struct erase_caps *caps, char *why, size_t len);

/**
 * purge_category() - the NIST SP 800-88 category @m reaches on this media
 * (decided per media type: USB flash media reach Clear at most)
 * Return: "clear" or "purge"
 */
const char *purge_category(const struct erase_method *m, const struct erase_caps *caps);

#endif
