// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

int file_read(const char *path, size_t max, char **buf, size_t *len)
{
	size_t have = 0, cap = 4096;
	char *b = NULL, *grown;
	struct stat st;
	int fd, r = 0;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	/* a FIFO or a device could block or never end */
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (!b || have + 1 >= cap) {
			cap = b ? cap * 2 : cap;
			grown = realloc(b, cap);
			if (!grown) {
				r = -ENOMEM;
				goto out;
			}
			b = grown;
		}
		n = read(fd, b + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > max) {
			r = -EFBIG;
			goto out;
		}
	}
	b[have] = '\0';
	*buf = b;
	*len = have;
	b = NULL;
out:
	free(b);
	close(fd);
	return r;
}
