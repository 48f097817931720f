// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold a block device open with O_EXCL, as a mounted file system or another
 * wiping tool would, or (--lock) hold an exclusive OFD lock (F_OFD_SETLK,
 * F_WRLCK, the whole file) on a file, as another kesu erasing it would,
 * until SIGTERM or SECONDS pass. flock(1) cannot stand in for --lock: flock
 * and OFD locks do not conflict on Linux.
 * usage: holdexcl [--lock] PATH SECONDS   (prints "held" once it holds PATH)
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	bool lock = argc == 4 && !strcmp(argv[1], "--lock");
	int fd;

	if (argc != 3 && !lock) {
		fprintf(stderr, "usage: holdexcl [--lock] PATH SECONDS\n");
		return 2;
	}
	argv += lock;
	fd = open(argv[1], lock ? O_RDWR | O_CLOEXEC : O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0 || (lock && fcntl(fd, F_OFD_SETLK, &fl) < 0)) {
		perror(argv[1]);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	sleep((unsigned)atoi(argv[2]));
	close(fd);
	return 0;
}
