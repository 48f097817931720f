/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block-device and image I/O behind an ops table, so that tests can plug in
 * a backend that fails at chosen blocks (libnvme's loopback transport does
 * the same for ioctls).
 */
#ifndef KESU_DEV_H
#define KESU_DEV_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dev;

struct dev_ops {
	/* Transfer exactly @len bytes at @off; 0 or a negative errno. */
	int (*pread)(struct dev *d, void *buf, size_t len, uint64_t off);
	int (*pwrite)(struct dev *d, const void *buf, size_t len, uint64_t off);
	/* Make written data durable (fdatasync / BLKFLSBUF). */
	int (*flush)(struct dev *d);
	/* Make the next reads reach the medium, not the page cache. */
	int (*drop_cache)(struct dev *d);
	void (*close)(struct dev *d);
};

enum dev_kind {
	DEV_KIND_BLOCK,
	DEV_KIND_FILE,
	DEV_KIND_MEMORY, /* unit tests */
};

struct dev {
	const struct dev_ops *ops;
	void *priv;
	char *path;
	enum dev_kind kind;
	uint64_t size;		/* bytes; every byte in [0, size) is addressable */
	uint32_t lbs;		/* logical block size */
	uint32_t pbs;		/* physical block size */
	uint32_t align;		/* buffer/offset alignment the backend needs */
	/*
	 * How reads bypass the page cache, named in the report:
	 * "O_DIRECT", "fdatasync+fadvise(DONTNEED)" or "memory".
	 */
	const char *cache_bypass;
};

enum {
	DEV_OPEN_WRITE = 1 << 0, /* read-write */
	DEV_OPEN_EXCL = 1 << 1,	 /* O_EXCL on a block device: fail with -EBUSY if in use */
};

/**
 * dev_open() - open a block device or regular file for erasure or verification
 * @path: block device node or image file
 * @flags: DEV_OPEN_* flags
 * @out: the opened device
 *
 * Block devices are opened O_DIRECT; regular files O_DIRECT where the file
 * system allows it, otherwise buffered with a flush and a cache drop before
 * reads. An unaligned tail of an image file goes through a buffered
 * descriptor.
 *
 * Return: 0, or -ENOENT, -EACCES, -EBUSY (in use, O_EXCL), -ENOTBLK (neither
 * a block device nor a regular file), -EINVAL (size 0) or another errno.
 */
int dev_open(const char *path, int flags, struct dev **out);

/**
 * dev_open_memory() - a device backed by memory, for tests
 * Return: 0 or -ENOMEM
 */
int dev_open_memory(uint64_t size, uint32_t lbs, struct dev **out);

/**
 * dev_memory_data() - the bytes behind a memory device (tests inspect them)
 */
uint8_t *dev_memory_data(struct dev *d);

struct dev_fault {
	uint64_t lba;	/* first logical block that fails */
	uint64_t count; /* how many blocks */
	bool on_write;
	bool on_read;
	int err;	/* positive errno to return, e.g. EIO or ENODATA */
};

/**
 * dev_open_faulty() - wrap @lower so that I/O touching chosen blocks fails
 * @lower: owned by the wrapper from now on (closed with it)
 * @faults: copied
 *
 * Like a real disk, a request fails as a whole if any block in it is bad.
 *
 * Return: 0 or -ENOMEM
 */
int dev_open_faulty(struct dev *lower, const struct dev_fault *faults, size_t nfaults,
		    struct dev **out);

/** dev_close() - close and free; NULL is ignored */
void dev_close(struct dev *d);

/**
 * dev_buf_alloc() - a buffer aligned for direct I/O on @d
 * Return: the buffer (free with dev_buf_free) or NULL
 */
void *dev_buf_alloc(const struct dev *d, size_t len);
void dev_buf_free(void *buf);

static inline int dev_pread(struct dev *d, void *buf, size_t len, uint64_t off)
{
	return d->ops->pread(d, buf, len, off);
}

static inline int dev_pwrite(struct dev *d, const void *buf, size_t len, uint64_t off)
{
	return d->ops->pwrite(d, buf, len, off);
}

static inline int dev_flush(struct dev *d)
{
	return d->ops->flush(d);
}

static inline int dev_drop_cache(struct dev *d)
{
	return d->ops->drop_cache(d);
}

/** dev_is_media_error() - true for errnos that mean "this block is bad" */
static inline bool dev_is_media_error(int err)
{
	/* EIO from SCSI/virtio, ENODATA from NVMe, EILSEQ from some HBAs */
	return err == -EIO || err == -ENODATA || err == -EILSEQ || err == -EREMOTEIO;
}

#endif
