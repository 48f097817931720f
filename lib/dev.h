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

/* How a read reached the medium; struct dev counts the bytes of each. */
enum dev_read_path {
	DEV_READ_DIRECT,   /* an O_DIRECT descriptor */
	DEV_READ_BUFFERED, /* the buffered descriptor, after a flush and cache drop */
	DEV_READ_MEMORY,   /* unit tests */
	DEV_READ_NPATHS,
};

struct dev_ops {
	/* Transfer exactly @len bytes at @off; 0 or a negative errno. */
	int (*pread)(struct dev *d, void *buf, size_t len, uint64_t off);
	int (*pwrite)(struct dev *d, const void *buf, size_t len, uint64_t off);
	/* Make written data durable (fdatasync / BLKFLSBUF). */
	int (*flush)(struct dev *d);
	/* Make the next reads reach the medium, not the page cache. */
	int (*drop_cache)(struct dev *d);
	/* The descriptor that holds the device (see dev_fd()), or -1 if none does. */
	int (*fd)(const struct dev *d);
	/*
	 * Optional: the bytes read through a path, for a backend that passes its
	 * reads to another device (NULL: the counters in struct dev).
	 */
	uint64_t (*read_bytes)(const struct dev *d, enum dev_read_path p);
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
	uint64_t size;	/* bytes; every byte in [0, size) is addressable */
	uint32_t lbs;	/* logical block size */
	uint32_t pbs;	/* physical block size */
	uint32_t align; /* buffer/offset alignment the backend needs */
	/*
	 * How reads bypass the page cache, named in the report:
	 * "O_DIRECT", "fdatasync+fadvise(DONTNEED)" or "memory".
	 */
	const char *cache_bypass;
	/* bytes read through each path since open; read with dev_read_bytes() */
	uint64_t read_bytes[DEV_READ_NPATHS];
};

enum {
	DEV_OPEN_WRITE = 1 << 0, /* read-write */
	/*
	 * Fail with -EBUSY if in use: O_EXCL on a block device, an OFD lock
	 * (F_WRLCK, or F_RDLCK when opened read-only) on a regular file
	 */
	DEV_OPEN_EXCL = 1 << 1,
};

/**
 * dev_open() - open a block device or regular file for erasure or verification
 * @path: block device node or image file
 * @flags: DEV_OPEN_* flags
 * @out: the opened device
 *
 * Block devices are opened O_DIRECT; regular files O_DIRECT where the file
 * system allows it, otherwise buffered with a flush and a cache drop before
 * reads. @out->align is what direct I/O needs: the logical block size of a
 * block device, the file system's direct-I/O alignment (STATX_DIOALIGN) or
 * else block size for a file. Only the part of a request past the last
 * aligned offset of an image file (its unaligned tail) goes through the
 * buffered descriptor. With DEV_OPEN_WRITE, a read-only block device
 * (BLKROGET) is refused before anything is written.
 *
 * Return: 0, or -ENOENT, -EACCES, -EBUSY (in use: O_EXCL on a block device,
 * or another holds the file's lock), -EROFS (DEV_OPEN_WRITE on a read-only
 * block device or file system), -ENOTBLK (neither a block device nor a
 * regular file), -EINVAL (size 0) or another errno.
 */
int dev_open(const char *path, int flags, struct dev **out);

/* The backends for tests (lib/dev_test.c): memory, and fault injection over another. */

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
	int err; /* positive errno to return, e.g. EIO or ENODATA */
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

/**
 * dev_fd() - the descriptor that holds the device, for ioctls and probing
 *
 * Block devices: the O_DIRECT descriptor opened O_EXCL (with
 * DEV_OPEN_EXCL). Regular files: the buffered descriptor, which holds the
 * OFD lock. A fault-injecting wrapper gives the one of the device below.
 * Still owned by @d: do not close it.
 *
 * Return: the descriptor, or -1 for a device no descriptor holds (memory
 * devices, and a wrapper over one); never another negative value
 */
int dev_fd(const struct dev *d);

/**
 * dev_read_path_name() - how a read path is named in reports
 *
 * Return: "O_DIRECT", "buffered+fadvise(DONTNEED)", "memory", or NULL for a
 * value out of range
 */
const char *dev_read_path_name(enum dev_read_path p);

/**
 * dev_read_bytes() - bytes read through @p since the device was opened
 *
 * Only reads that succeeded count. A fault-injecting wrapper reports the
 * counts of the device below.
 *
 * Return: the byte count (0 for @p out of range)
 */
uint64_t dev_read_bytes(const struct dev *d, enum dev_read_path p);

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
