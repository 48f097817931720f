// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How an output reaches its name, and why a crash leaves nothing behind.
 *
 * The file is created nameless: O_TMPFILE on the destination directory,
 * mode 0600. No name points at it until it is published, so when the process
 * dies, for whatever reason, the kernel frees it with its contents (a
 * decrypted file, a secret key). Publication, once data and inode are
 * fsync'ed:
 *  - without OUTFILE_REPLACE: linkat() straight to the final name. link(2)
 *    never replaces (an existing name gives EEXIST), and the name appears
 *    with the whole file behind it or not at all.
 *  - with OUTFILE_REPLACE: linkat() cannot replace, so the file is linked to
 *    a temporary name .kesu-PID-RANDOM.tmp and that is renamed over the
 *    final name, atomically. Only between these two calls does a crash leave
 *    a named copy; its name carries the PID, so the next reserve in that
 *    directory removes it (below).
 * Then the directory is fsync'ed, which makes the new name durable.
 * linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; without it the
 * /proc/self/fd/N form with AT_SYMLINK_FOLLOW links the same open file.
 *
 * Where the file system has no O_TMPFILE (EOPNOTSUPP, or EISDIR from an old
 * kernel: vfat, exfat, some FUSE), or /proc is missing, the file is a named
 * .kesu-PID-RANDOM.tmp from the start and is published by link, by
 * renameat2(RENAME_NOREPLACE) where there are no hard links (vfat, exfat),
 * or by rename with OUTFILE_REPLACE; a crash leaves it. So every reserve first removes
 * from its directory the temporary files of processes that no longer exist:
 * names of exactly that form only, regular files owned by the effective user
 * only, and only when kill(PID, 0) fails with ESRCH. A live process of
 * another PID namespace writing to the same directory could lose its file
 * this way; its commit then fails (ENOENT) rather than publish anything.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "secmem.h"

#define OUTFILE_TRIES 8
#define TMP_PREFIX ".kesu-"
#define TMP_SUFFIX ".tmp"
#define TMP_RANDOM 12 /* hex digits after the PID */

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

/* .kesu-PID-RANDOM.tmp: the PID tells a later run whether its writer is gone */
static void tmp_name(char *buf, size_t len)
{
	unsigned char rnd[TMP_RANDOM / 2];
	int n = snprintf(buf, len, TMP_PREFIX "%ld-", (long)getpid());

	secmem_random(rnd, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd) && n > 0 && (size_t)n + 3 <= len; i++)
		n += snprintf(buf + n, len - (size_t)n, "%02x", rnd[i]);
	snprintf(buf + n, len - (size_t)n, TMP_SUFFIX);
}

/* a name tmp_name() makes; its PID in @pid */
static bool is_tmp_name(const char *name, pid_t *pid)
{
	const char *p = name + strlen(TMP_PREFIX);
	char *end;
	long v;

	if (strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) || !isdigit((unsigned char)*p))
		return false;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || v <= 0 || v > INT_MAX || *end != '-')
		return false;
	for (p = end + 1; p < end + 1 + TMP_RANDOM; p++)
		if (!isdigit((unsigned char)*p) && (*p < 'a' || *p > 'f'))
			return false;
	*pid = (pid_t)v;
	return !strcmp(p, TMP_SUFFIX);
}

/* Remove the temporary files a crashed run left in the directory; returns how many. */
static unsigned remove_stale(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	unsigned n = 0;
	struct stat st;
	pid_t pid;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d))) {
		if (!is_tmp_name(e->d_name, &pid) || pid == getpid())
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Publishing a nameless file needs AT_EMPTY_PATH's capability or /proc. */
static bool nameless_ok(void)
{
#ifdef KESU_TEST_HOOKS
	if (getenv("KESU_TEST_NO_TMPFILE"))
		return false;
#endif
	return access("/proc/self/fd", X_OK) == 0;
}

/*
 * The file to write: nameless where the file system allows it, else a
 * hidden temporary name next to the final one, created O_EXCL.
 */
static int create_tmp(struct outfile *of)
{
	if (nameless_ok()) {
		of->fd = openat(of->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (of->fd >= 0)
			return 0;
		if (errno != EOPNOTSUPP && errno != EISDIR)
			return -errno;
	}
	for (int i = 0; i < OUTFILE_TRIES; i++) {
		char name[64];

		tmp_name(name, sizeof(name));
		of->fd = openat(of->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (of->fd < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		of->tmpname = strdup(name);
		return of->tmpname ? 0 : -ENOMEM;
	}
	return -EEXIST;
}

/* the temporary file with its room; on failure @of is released, its stale count kept */
static int create_reserved(struct outfile *of, size_t reserve)
{
	unsigned stale;
	int r;

	of->stale = remove_stale(of->dirfd);
	r = create_tmp(of);
	if (!r)
		r = reserve_space(of->fd, reserve);
	if (!r && fsync(of->fd) < 0)
		r = -errno;
	if (r) {
		stale = of->stale;
		outfile_release(of);
		of->stale = stale;
	}
	return r;
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
	if (r)
		outfile_release(of);
	return r ? r : create_reserved(of, reserve);
}

int outfile_reserve_in_dir(struct outfile *of, const char *dir, size_t reserve)
{
	int r;

	outfile_init(of);
	if (!dir || !*dir)
		return -EINVAL;
	r = open_dir(of, dir);
	if (r)
		outfile_release(of);
	return r ? r : create_reserved(of, reserve);
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

/* Give the nameless file @of->fd the name @name; never over another file. */
static int link_nameless(struct outfile *of, const char *name)
{
	char proc[64];

	if (linkat(of->fd, "", of->dirfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	/* ENOENT (or EPERM): no CAP_DAC_READ_SEARCH; anything else is the answer */
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", of->fd);
	return linkat(AT_FDCWD, proc, of->dirfd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

/* OUTFILE_REPLACE for a nameless file: a temporary name, renamed over @name */
static int replace_nameless(struct outfile *of, const char *name)
{
	char tmp[64];
	int r = -EEXIST;

	for (int i = 0; r == -EEXIST && i < OUTFILE_TRIES; i++) {
		tmp_name(tmp, sizeof(tmp));
		r = link_nameless(of, tmp);
	}
	if (r)
		return r;
	if (renameat(of->dirfd, tmp, of->dirfd, name) < 0) {
		r = -errno;
		unlinkat(of->dirfd, tmp, 0);
	}
	return r;
}

/* test builds: KESU_TEST_NO_TMPFILE=nolink behaves as vfat, without hard links too */
static bool hard_links_ok(void)
{
#ifdef KESU_TEST_HOOKS
	const char *v = getenv("KESU_TEST_NO_TMPFILE");

	if (v && !strcmp(v, "nolink")) {
		errno = EPERM;
		return false;
	}
#endif
	return true;
}

/*
 * The named temporary file to @name, never over another file: link(2), or
 * where the file system has no hard links (vfat, exfat: EPERM) a rename
 * that refuses an existing target. A file system with neither (FUSE without
 * rename2) cannot take an output that must not replace: -EOPNOTSUPP.
 */
static int link_named(struct outfile *of, const char *name)
{
	if (hard_links_ok() && linkat(of->dirfd, of->tmpname, of->dirfd, name, 0) == 0) {
		unlinkat(of->dirfd, of->tmpname, 0);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
	if (renameat2(of->dirfd, of->tmpname, of->dirfd, name, RENAME_NOREPLACE) == 0)
		return 0;
	return errno == EINVAL || errno == ENOSYS ? -EOPNOTSUPP : -errno;
}

/* Move the written file to @name; without replace, never over another file. */
static int publish(struct outfile *of, const char *name)
{
	if (!of->tmpname) {
		int r = of->replace ? replace_nameless(of, name) : link_nameless(of, name);

		if (r)
			return r;
	} else if (of->replace) {
		if (renameat(of->dirfd, of->tmpname, of->dirfd, name) < 0)
			return -errno;
	} else {
		int r = link_named(of, name);

		if (r)
			return r;
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

int outfile_write(const char *path, const void *data, size_t len)
{
	struct outfile of;
	int r = outfile_reserve(&of, path, len, 0);

	if (!r)
		r = outfile_commit(&of, data, len);
	outfile_release(&of);
	return r;
}

/* letters, digits, dot, dash and underscore: safe in any file name and any shell */
static bool name_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("._-", c));
}

void outfile_name_part(const char *in, char *out, size_t len)
{
	size_t i = 0;

	if (!len)
		return;
	for (; in && in[i] && i + 1 < len; i++)
		out[i] = name_char(in[i]) ? in[i] : '_';
	out[i] = '\0';
	/* no hidden files */
	if (out[0] == '.')
		out[0] = '_';
}
