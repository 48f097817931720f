// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold an exclusive OFD lock (fcntl F_OFD_SETLK, F_WRLCK, the whole file) on
 * a file, as another kesu erasing it would, until SIGTERM or SECONDS pass.
 * flock(1) cannot stand in: flock and OFD locks do not conflict on Linux.
 * usage: holdlock FILE SECONDS   (prints "held" once the lock is taken)
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: holdlock FILE SECONDS\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	sleep((unsigned)atoi(argv[2]));
	close(fd);
	return 0;
}
