// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
/* glibc 2.36 has statx() but not its direct-I/O fields; the kernel's header has */
#include <linux/stat.h>

#include "dev.h"
#include "dev_int.h"
#include "log.h"

#define DEV_BUF_ALIGN 4096

struct fd_priv {
	int fd;	 /* O_DIRECT where possible */
	int bfd; /* buffered: unaligned tails of image files */
	bool direct;
};

static int full_pread(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* past the end: the device shrank */
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int full_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Split a request into the part the direct descriptor can take and an
 * unaligned tail (only image files whose size is not a block multiple
 * have one) that goes through the buffered descriptor.
 */
static size_t direct_part(const struct dev *d, size_t len, uint64_t off)
{
	const struct fd_priv *fp = d->priv;

	if (!fp->direct || off % d->align)
		return 0;
	return len - len % d->align;
}

void dev_count_read(struct dev *d, enum dev_read_path p, size_t len)
{
	__atomic_fetch_add(&d->read_bytes[p], (uint64_t)len, __ATOMIC_RELAXED);
}

static int fd_pread(struct dev *d, void *buf, size_t len, uint64_t off)
{
	struct fd_priv *fp = d->priv;
	size_t head = direct_part(d, len, off);
	int r = 0;

	if (off + len > d->size)
		return -EINVAL;
	if (head) {
		r = full_pread(fp->fd, buf, head, off);
		if (!r)
			dev_count_read(d, DEV_READ_DIRECT, head);
	}
	if (!r && len > head) {
		r = full_pread(fp->bfd, (uint8_t *)buf + head, len - head, off + head);
		if (!r)
			dev_count_read(d, DEV_READ_BUFFERED, len - head);
	}
	return r;
}

static int fd_pwrite(struct dev *d, const void *buf, size_t len, uint64_t off)
{
	struct fd_priv *fp = d->priv;
	size_t head = direct_part(d, len, off);
	int r = 0;

	if (off + len > d->size)
		return -EINVAL;
	if (head)
		r = full_pwrite(fp->fd, buf, head, off);
	if (!r && len > head)
		r = full_pwrite(fp->bfd, (const uint8_t *)buf + head, len - head, off + head);
	return r;
}

static int fd_flush(struct dev *d)
{
	struct fd_priv *fp = d->priv;

	if (fdatasync(fp->bfd) < 0)
		return -errno;
	if (fp->fd != fp->bfd && fdatasync(fp->fd) < 0)
		return -errno;
	return 0;
}

static int fd_drop_cache(struct dev *d)
{
	struct fd_priv *fp = d->priv;
	int r = fd_flush(d);

	if (r)
		return r;
	/*
	 * Direct reads never see the page cache, but the buffered descriptor
	 * (tails, or everything where O_DIRECT is refused) does: drop it.
	 */
	if (d->kind == DEV_KIND_BLOCK)
		(void)ioctl(fp->bfd, BLKFLSBUF, 0);
	r = posix_fadvise(fp->bfd, 0, 0, POSIX_FADV_DONTNEED);
	return r ? -r : 0;
}

/* block devices: the O_EXCL descriptor; files: the one holding the OFD lock */
static int fd_fd(const struct dev *d)
{
	const struct fd_priv *fp = d->priv;

	return d->kind == DEV_KIND_BLOCK ? fp->fd : fp->bfd;
}

static void fd_close(struct dev *d)
{
	struct fd_priv *fp = d->priv;

	if (fp->bfd != fp->fd && fp->bfd >= 0)
		close(fp->bfd);
	if (fp->fd >= 0)
		close(fp->fd);
	free(fp);
}

static const struct dev_ops fd_ops = {
	.pread = fd_pread,
	.pwrite = fd_pwrite,
	.flush = fd_flush,
	.drop_cache = fd_drop_cache,
	.fd = fd_fd,
	.close = fd_close,
};

struct dev *dev_new(const char *path)
{
	struct dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->path = strdup(path);
	if (!d->path) {
		free(d);
		return NULL;
	}
	return d;
}

static int open_block(struct dev *d, struct fd_priv *fp, int oflags)
{
	uint64_t size;
	int lbs = 512;
	unsigned int pbs = 0;
	int ro = 0;

	fp->fd = open(d->path, oflags | O_DIRECT);
	if (fp->fd < 0)
		return -errno;
	fp->direct = true;
	/*
	 * A read-only device opens read-write and fails only at the first
	 * write (EPERM); refuse it here, before anything is written.
	 */
	if ((oflags & O_ACCMODE) == O_RDWR && ioctl(fp->fd, BLKROGET, &ro) == 0 && ro)
		return -EROFS;
	/* a second open of the same node while we hold it O_EXCL is allowed */
	fp->bfd = open(d->path, oflags & ~O_EXCL);
	if (fp->bfd < 0)
		return -errno;
	if (ioctl(fp->fd, BLKGETSIZE64, &size) < 0)
		return -errno;
	if (ioctl(fp->fd, BLKSSZGET, &lbs) < 0 || lbs <= 0)
		lbs = 512;
	if (ioctl(fp->fd, BLKPBSZGET, &pbs) < 0 || pbs == 0)
		pbs = (unsigned int)lbs;
	d->kind = DEV_KIND_BLOCK;
	d->size = size;
	d->lbs = (uint32_t)lbs;
	d->pbs = pbs;
	d->align = (uint32_t)lbs;
	d->cache_bypass = "O_DIRECT";
	return 0;
}

/*
 * The offset and length alignment direct I/O needs on this file: what the
 * file system says (STATX_DIOALIGN, Linux 6.1), else its block size, which
 * is a multiple of every alignment a file system asks for.
 */
static uint32_t file_dio_align(int fd)
{
	struct statfs sfs;
#ifdef STATX_DIOALIGN
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
	    (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_offset_align)
		return stx.stx_dio_offset_align;
#endif
	if (fstatfs(fd, &sfs) == 0 && sfs.f_bsize >= 512 && sfs.f_bsize <= (1 << 20) &&
	    !(sfs.f_bsize & (sfs.f_bsize - 1)))
		return (uint32_t)sfs.f_bsize;
	return 4096;
}

/*
 * Block devices have O_EXCL; a file gets an exclusive OFD lock on its open
 * file description, so a second kesu (or any tool taking OFD or POSIX locks)
 * sees it. Read-only opens can only take a read lock, which still keeps
 * writers out.
 */
static int lock_file(int fd, int oflags)
{
	struct flock fl = {
		.l_type = (oflags & O_ACCMODE) == O_RDWR ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
	};

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
}

static int open_file(struct dev *d, struct fd_priv *fp, int oflags, bool excl)
{
	struct stat st;
	int r;

	fp->bfd = open(d->path, oflags);
	if (fp->bfd < 0)
		return -errno;
	/* the path may have changed since dev_open() looked at it */
	if (fstat(fp->bfd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOTBLK;
	r = excl ? lock_file(fp->bfd, oflags) : 0;
	if (r)
		return r;
	fp->fd = open(d->path, oflags | O_DIRECT);
	if (fp->fd >= 0) {
		fp->direct = true;
		d->cache_bypass = "O_DIRECT";
	} else if (errno == EINVAL) {
		/* tmpfs and some FUSE file systems refuse O_DIRECT */
		fp->fd = fp->bfd;
		d->cache_bypass = "fdatasync+fadvise(DONTNEED)";
		log_dbg("%s: O_DIRECT refused, reads drop the page cache first", d->path);
	} else {
		return -errno;
	}
	d->kind = DEV_KIND_FILE;
	d->size = (uint64_t)st.st_size;
	d->lbs = 512;
	d->pbs = st.st_blksize > 0 ? (uint32_t)st.st_blksize : 4096;
	d->align = file_dio_align(fp->bfd);
	return 0;
}

int dev_open(const char *path, int flags, struct dev **out)
{
	struct stat st;
	struct dev *d = NULL;
	struct fd_priv *fp = NULL;
	int oflags = O_CLOEXEC | ((flags & DEV_OPEN_WRITE) ? O_RDWR : O_RDONLY);
	int r;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return -ENOTBLK;
	d = dev_new(path);
	fp = calloc(1, sizeof(*fp));
	if (!d || !fp) {
		r = -ENOMEM;
		goto out;
	}
	fp->fd = fp->bfd = -1;
	d->priv = fp;
	d->ops = &fd_ops;
	if (S_ISBLK(st.st_mode))
		r = open_block(d, fp, oflags | ((flags & DEV_OPEN_EXCL) ? O_EXCL : 0));
	else
		r = open_file(d, fp, oflags, flags & DEV_OPEN_EXCL);
	if (!r && d->size == 0)
		r = -EINVAL;
out:
	if (r) {
		if (d && fp)
			fd_close(d);
		else
			free(fp);
		if (d)
			free(d->path);
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

void dev_close(struct dev *d)
{
	if (!d)
		return;
	if (d->ops && d->ops->close)
		d->ops->close(d);
	free(d->path);
	free(d);
}

void *dev_buf_alloc(const struct dev *d, size_t len)
{
	void *p = NULL;
	size_t align = d && d->align > DEV_BUF_ALIGN ? d->align : DEV_BUF_ALIGN;

	if (posix_memalign(&p, align, len ? len : align))
		return NULL;
	return p;
}

void dev_buf_free(void *buf)
{
	free(buf);
}

/* ---- what callers may ask of any device ---- */

int dev_fd(const struct dev *d)
{
	return d->ops->fd(d);
}

const char *dev_read_path_name(enum dev_read_path p)
{
	static const char *const names[DEV_READ_NPATHS] = {
		[DEV_READ_DIRECT] = "O_DIRECT",
		[DEV_READ_BUFFERED] = "buffered+fadvise(DONTNEED)",
		[DEV_READ_MEMORY] = "memory",
	};

	return (unsigned)p < DEV_READ_NPATHS ? names[p] : NULL;
}

uint64_t dev_read_bytes(const struct dev *d, enum dev_read_path p)
{
	if ((unsigned)p >= DEV_READ_NPATHS)
		return 0;
	/* a wrapper passes its reads on: the device below counted them */
	if (d->ops->read_bytes)
		return d->ops->read_bytes(d, p);
	return __atomic_load_n(&d->read_bytes[p], __ATOMIC_RELAXED);
}
