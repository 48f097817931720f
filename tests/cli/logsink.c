// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-in syslog daemon for the tests: receive datagrams on a Unix
 * socket and print each one as a line, until SIGTERM or SECONDS pass; on
 * SIGTERM the datagrams already queued are printed first, so a test can stop
 * it as soon as the program that logged has exited.
 * usage: logsink PATH SECONDS
 */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_term(int sig)
{
	done = 1;
}

/* print one datagram as a line; false when none was waiting */
static int print_one(int fd, int flags)
{
	char buf[2048];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, flags);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	printf("%s\n", buf);
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sigaction act = { .sa_handler = on_term };
	time_t end;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: logsink PATH SECONDS\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[2]);
	sigaction(SIGTERM, &act, NULL);
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("logsink");
		return 1;
	}
	while (!done && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) > 0)
			print_one(fd, MSG_DONTWAIT);
	}
	/* a sender's datagram is queued here once its send() returned */
	while (print_one(fd, MSG_DONTWAIT))
		;
	close(fd);
	unlink(argv[1]);
	return 0;
}
