// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "secmem.h"

#define OUTFILE_TRIES 8

int outfile_check_path(const char *path, unsigned flags)
{
	struct stat st;
	size_t len = path ? strlen(path) : 0;

	if (!len)
		return -EINVAL;
	if (path[len - 1] == '/')
		return -EISDIR;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return -ENOTTY;
	return (flags & OUTFILE_REPLACE) ? 0 : -EEXIST;
}

static void outfile_init(struct outfile *of)
{
	memset(of, 0, sizeof(*of));
	of->dirfd = of->fd = -1;
}

/*
 * Make the space real: a placeholder that cannot be written now could not
 * be written later either. posix_fallocate() is not supported everywhere,
 * so fall back to writing it.
 */
static int reserve_space(int fd, size_t reserve)
{
	static const char zero[4096];
	size_t done = 0;
	int r = posix_fallocate(fd, 0, (off_t)reserve);

	if (r != EOPNOTSUPP && r != EINVAL)
		return -r;
	while (done < reserve) {
		size_t n = reserve - done < sizeof(zero) ? reserve - done : sizeof(zero);
		ssize_t w = pwrite(fd, zero, n, (off_t)done);

		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		done += (size_t)w;
	}
	return 0;
}

/* A hidden temporary name next to the final one, created O_EXCL. */
static int create_tmp(struct outfile *of, size_t reserve)
{
	for (int i = 0; i < OUTFILE_TRIES; i++) {
		unsigned char rnd[6];
		char name[32];
		int r;

		secmem_random(rnd, sizeof(rnd));
		snprintf(name, sizeof(name), ".kesu-%02x%02x%02x%02x%02x%02x.tmp", rnd[0], rnd[1],
			 rnd[2], rnd[3], rnd[4], rnd[5]);
		of->fd = openat(of->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (of->fd < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		of->tmpname = strdup(name);
		if (!of->tmpname)
			return -ENOMEM;
		r = reserve_space(of->fd, reserve);
		if (!r && fsync(of->fd) < 0)
			r = -errno;
		return r;
	}
	return -EEXIST;
}

static int open_dir(struct outfile *of, const char *dir)
{
	of->dir = strdup(dir);
	if (!of->dir)
		return -ENOMEM;
	of->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return of->dirfd < 0 ? -errno : 0;
}

int outfile_reserve(struct outfile *of, const char *path, size_t reserve, unsigned flags)
{
	const char *slash;
	char *dir = NULL;
	int r;

	outfile_init(of);
	r = outfile_check_path(path, flags);
	if (r)
		return r;
	slash = strrchr(path, '/');
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	of->name = strdup(slash ? slash + 1 : path);
	of->replace = flags & OUTFILE_REPLACE;
	of->private = flags & OUTFILE_PRIVATE;
	r = dir && of->name ? open_dir(of, dir) : -ENOMEM;
	free(dir);
	if (!r)
		r = create_tmp(of, reserve);
	if (r)
		outfile_release(of);
	return r;
}

int outfile_reserve_in_dir(struct outfile *of, const char *dir, size_t reserve)
{
	int r;

	outfile_init(of);
	if (!dir || !*dir)
		return -EINVAL;
	r = open_dir(of, dir);
	if (!r)
		r = create_tmp(of, reserve);
	if (r)
		outfile_release(of);
	return r;
}

static int write_data(struct outfile *of, const void *data, size_t len)
{
	const char *p = data;
	size_t done = 0;

	while (done < len) {
		ssize_t w = pwrite(of->fd, p + done, len - done, (off_t)done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)w;
	}
	/* the temporary file is 0600 from its creation; a document others read is 0644 */
	if (ftruncate(of->fd, (off_t)len) < 0 || (!of->private && fchmod(of->fd, 0644) < 0) ||
	    fsync(of->fd) < 0)
		return -errno;
	return 0;
}

/* Move the written temporary file to @name; without replace, never over another file. */
static int publish(struct outfile *of, const char *name)
{
	if (of->replace) {
		if (renameat(of->dirfd, of->tmpname, of->dirfd, name) < 0)
			return -errno;
	} else {
		if (linkat(of->dirfd, of->tmpname, of->dirfd, name, 0) < 0)
			return -errno;
		unlinkat(of->dirfd, of->tmpname, 0);
	}
	free(of->tmpname);
	of->tmpname = NULL;
	if (asprintf(&of->final_path, "%s/%s", of->dir, name) < 0)
		of->final_path = NULL;
	return fsync(of->dirfd) < 0 ? -errno : 0;
}

int outfile_commit(struct outfile *of, const void *data, size_t len)
{
	int r;

	if (of->fd < 0 || !of->name)
		return -EBADF;
	r = write_data(of, data, len);
	return r ? r : publish(of, of->name);
}

int outfile_commit_unique(struct outfile *of, const void *data, size_t len,
			  int (*make_name)(char *buf, size_t len, void *usr), void *usr)
{
	char name[256];
	int r;

	if (of->fd < 0)
		return -EBADF;
	r = write_data(of, data, len);
	for (int i = 0; !r && i < OUTFILE_TRIES; i++) {
		r = make_name(name, sizeof(name), usr);
		if (!r)
			r = publish(of, name);
		if (r != -EEXIST)
			return r;
		r = 0;
	}
	return r ? r : -EEXIST;
}

int outfile_commit_written(struct outfile *of)
{
	off_t end;

	if (of->fd < 0 || !of->name)
		return -EBADF;
	end = lseek(of->fd, 0, SEEK_CUR);
	if (end < 0 || ftruncate(of->fd, end) < 0 || (!of->private && fchmod(of->fd, 0644) < 0) ||
	    fsync(of->fd) < 0)
		return -errno;
	return publish(of, of->name);
}

int outfile_flush_behind(struct outfile *of, size_t window)
{
	off_t cur;

	if (of->fd < 0)
		return -EBADF;
	cur = lseek(of->fd, 0, SEEK_CUR);
	if (cur < 0)
		return -errno;
	if (cur - of->flushed < (long long)window)
		return 0;
	if (sync_file_range(of->fd, of->flushed, cur - of->flushed, SYNC_FILE_RANGE_WRITE) < 0)
		return -errno;
	of->flushed = cur;
	return 0;
}

void outfile_release(struct outfile *of)
{
	if (of->tmpname && of->dirfd >= 0)
		unlinkat(of->dirfd, of->tmpname, 0);
	if (of->fd >= 0)
		close(of->fd);
	if (of->dirfd >= 0)
		close(of->dirfd);
	free(of->dir);
	free(of->tmpname);
	free(of->name);
	free(of->final_path);
	outfile_init(of);
}
