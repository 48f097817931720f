// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold a block device open with O_EXCL, as a mounted file system or another
 * wiping tool would, until SIGTERM or SECONDS pass.
 * usage: holdexcl DEVICE SECONDS   (prints "held" once the device is held)
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: holdexcl DEVICE SECONDS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	sleep((unsigned)atoi(argv[2]));
	close(fd);
	return 0;
}
