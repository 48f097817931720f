// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "secmem.h"

static void buf_free(char *b, unsigned int flags)
{
	if (flags & FILE_SECMEM)
		secmem_free(b);
	else
		free(b);
}

/*
 * A larger buffer holding the @have bytes of @b. Secure memory cannot be
 * reallocated: the bytes are copied and the old buffer wiped and released.
 */
static char *buf_grow(char *b, size_t have, size_t cap, unsigned int flags)
{
	char *n;

	if (!(flags & FILE_SECMEM))
		return realloc(b, cap);
	n = secmem_alloc(cap);
	if (n && b)
		memcpy(n, b, have);
	if (n)
		secmem_free(b);
	return n;
}

/* Is the file open on @fd one to read? Decided on the descriptor, not the path. */
static int check_fd(int fd, size_t max, unsigned int flags, struct stat *st, mode_t *mode)
{
	if (fstat(fd, st) < 0)
		return -errno;
	if (mode)
		*mode = st->st_mode;
	/* a FIFO or a device could block or never end */
	if (!S_ISREG(st->st_mode))
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	if ((flags & FILE_OWNER_ONLY) && (st->st_mode & (S_IRWXG | S_IRWXO)))
		return -EPERM;
	if (st->st_size < 0 || (unsigned long long)st->st_size > max)
		return -EFBIG;
	return 0;
}

/* Read to the end into *@b (of *@cap bytes, grown as needed), keeping room for a NUL. */
static int read_all(int fd, size_t max, unsigned int flags, char **b, size_t *cap, size_t *have)
{
	char *grown;
	ssize_t n;

	for (;;) {
		if (*have + 1 >= *cap) {
			/* the file grew since fstat(): one byte past @max is enough to tell */
			size_t limit = max > SIZE_MAX - 2 ? SIZE_MAX : max + 2;
			size_t want = *cap > limit / 2 ? limit : *cap * 2;

			grown = buf_grow(*b, *have, want, flags);
			if (!grown)
				return -ENOMEM;
			*b = grown;
			*cap = want;
		}
		n = read(fd, *b + *have, *cap - *have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*have += (size_t)n;
		if (*have > max)
			return -EFBIG;
	}
}

int file_read_flags(const char *path, size_t max, unsigned int flags, char **buf, size_t *len,
		    mode_t *mode)
{
	struct stat st;
	size_t have = 0, cap;
	char *b = NULL;
	int fd, r;

	*buf = NULL;
	*len = 0;
	/*
	 * O_NONBLOCK: a FIFO is refused below, not waited on for a writer;
	 * on the regular files that are read it changes nothing.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = check_fd(fd, max, flags, &st, mode);
	if (r)
		goto out;
	/* the size fstat() saw, and room for the NUL and one byte more to see EOF at once */
	cap = (size_t)st.st_size + 2;
	b = flags & FILE_SECMEM ? secmem_alloc(cap) : malloc(cap);
	if (!b) {
		r = -ENOMEM;
		goto out;
	}
	r = read_all(fd, max, flags, &b, &cap, &have);
	if (r)
		goto out;
	b[have] = '\0';
	*buf = b;
	*len = have;
	b = NULL;
out:
	buf_free(b, flags);
	close(fd);
	return r;
}

int file_read(const char *path, size_t max, char **buf, size_t *len)
{
	return file_read_flags(path, max, 0, buf, len, NULL);
}

int file_read_secret(const char *path, size_t max, char **buf, size_t *len)
{
	return file_read_flags(path, max, FILE_SECMEM | FILE_OWNER_ONLY, buf, len, NULL);
}
