// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device backends for tests: one in memory, and a wrapper that makes
 * I/O touching chosen blocks fail, as a disk with bad sectors does.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "dev_int.h"

static int mem_pread(struct dev *d, void *buf, size_t len, uint64_t off)
{
	if (off > d->size || len > d->size - off)
		return -EINVAL;
	memcpy(buf, (uint8_t *)d->priv + off, len);
	dev_count_read(d, DEV_READ_MEMORY, len);
	return 0;
}

static int mem_pwrite(struct dev *d, const void *buf, size_t len, uint64_t off)
{
	if (off > d->size || len > d->size - off)
		return -EINVAL;
	memcpy((uint8_t *)d->priv + off, buf, len);
	return 0;
}

static int mem_nop(struct dev *d)
{
	return 0;
}

/* no descriptor holds a memory device */
static int mem_fd(const struct dev *d)
{
	return -1;
}

static void mem_close(struct dev *d)
{
	free(d->priv);
}

static const struct dev_ops mem_ops = {
	.pread = mem_pread,
	.pwrite = mem_pwrite,
	.flush = mem_nop,
	.drop_cache = mem_nop,
	.fd = mem_fd,
	.close = mem_close,
};

int dev_open_memory(uint64_t size, uint32_t lbs, struct dev **out)
{
	struct dev *d = dev_new("memory");

	if (!d)
		return -ENOMEM;
	d->priv = calloc(1, size ? size : 1);
	if (!d->priv) {
		dev_close(d);
		return -ENOMEM;
	}
	d->ops = &mem_ops;
	d->kind = DEV_KIND_MEMORY;
	d->size = size;
	d->lbs = d->pbs = d->align = lbs;
	d->cache_bypass = "memory";
	*out = d;
	return 0;
}

uint8_t *dev_memory_data(struct dev *d)
{
	/* a wrapper shares the kind of what it wraps, so look at the ops */
	return d->ops == &mem_ops ? d->priv : NULL;
}

/* ---- fault-injecting wrapper ---- */

struct faulty_priv {
	struct dev *lower;
	struct dev_fault *faults;
	size_t n;
};

static int fault_hit(struct dev *d, size_t len, uint64_t off, bool write)
{
	struct faulty_priv *fpv = d->priv;
	uint64_t first = off / d->lbs;
	uint64_t last = (off + (len ? len : 1) - 1) / d->lbs;

	for (size_t i = 0; i < fpv->n; i++) {
		const struct dev_fault *f = &fpv->faults[i];

		if (write ? !f->on_write : !f->on_read)
			continue;
		if (f->lba <= last && first < f->lba + f->count)
			return -f->err;
	}
	return 0;
}

static int faulty_pread(struct dev *d, void *buf, size_t len, uint64_t off)
{
	struct faulty_priv *fpv = d->priv;
	int r = fault_hit(d, len, off, false);

	return r ? r : dev_pread(fpv->lower, buf, len, off);
}

static int faulty_pwrite(struct dev *d, const void *buf, size_t len, uint64_t off)
{
	struct faulty_priv *fpv = d->priv;
	int r = fault_hit(d, len, off, true);

	return r ? r : dev_pwrite(fpv->lower, buf, len, off);
}

static int faulty_flush(struct dev *d)
{
	return dev_flush(((struct faulty_priv *)d->priv)->lower);
}

static int faulty_drop_cache(struct dev *d)
{
	return dev_drop_cache(((struct faulty_priv *)d->priv)->lower);
}

static int faulty_fd(const struct dev *d)
{
	return dev_fd(((const struct faulty_priv *)d->priv)->lower);
}

/* the reads were passed on: the device below counted them */
static uint64_t faulty_read_bytes(const struct dev *d, enum dev_read_path p)
{
	return dev_read_bytes(((const struct faulty_priv *)d->priv)->lower, p);
}

static void faulty_close(struct dev *d)
{
	struct faulty_priv *fpv = d->priv;

	dev_close(fpv->lower);
	free(fpv->faults);
	free(fpv);
}

static const struct dev_ops faulty_ops = {
	.pread = faulty_pread,
	.pwrite = faulty_pwrite,
	.flush = faulty_flush,
	.drop_cache = faulty_drop_cache,
	.fd = faulty_fd,
	.read_bytes = faulty_read_bytes,
	.close = faulty_close,
};

int dev_open_faulty(struct dev *lower, const struct dev_fault *faults, size_t nfaults,
		    struct dev **out)
{
	struct dev *d = dev_new(lower->path);
	struct faulty_priv *fpv = calloc(1, sizeof(*fpv));

	if (!d || !fpv)
		goto nomem;
	fpv->faults = calloc(nfaults ? nfaults : 1, sizeof(*faults));
	if (!fpv->faults)
		goto nomem;
	memcpy(fpv->faults, faults, nfaults * sizeof(*faults));
	fpv->n = nfaults;
	fpv->lower = lower;
	d->priv = fpv;
	d->ops = &faulty_ops;
	d->kind = lower->kind;
	d->size = lower->size;
	d->lbs = lower->lbs;
	d->pbs = lower->pbs;
	d->align = lower->align;
	d->cache_bypass = lower->cache_bypass;
	*out = d;
	return 0;
nomem:
	if (fpv)
		free(fpv->faults);
	free(fpv);
	if (d)
		free(d->path);
	free(d);
	return -ENOMEM;
}
