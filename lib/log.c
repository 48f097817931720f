// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log.h"
#include "text.h"

static kesu_log_fn log_fn;
static void *log_usrptr;

void kesu_set_log(kesu_log_fn fn, void *usrptr)
{
	log_fn = fn;
	log_usrptr = usrptr;
}

void kesu_log(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(level, msg, log_usrptr);
}

int kesu_audit_format(char **out, const char *event, va_list ap)
{
	const char *key, *value;
	char *buf = NULL, *esc;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r = 0;

	if (!f)
		return -ENOMEM;
	fprintf(f, "%s:", event);
	while (!r && (key = va_arg(ap, const char *))) {
		value = va_arg(ap, const char *);
		r = text_escape(value, &esc);
		if (!r) {
			fprintf(f, " %s=\"%s\"", key, esc);
			free(esc);
		}
	}
	if (fclose(f) || r) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	return 0;
}

/* Whether a log daemon listens where syslog(3) sends: a datagram socket, else a stream one. */
static int log_reachable(void)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int r = -ENOENT;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
		close(fd);
		if (r != -EPROTOTYPE)
			break;
	}
	return r;
}

int kesu_audit(const char *event, ...)
{
	char *msg = NULL;
	va_list ap;
	int r, reach = log_reachable();

	va_start(ap, event);
	r = kesu_audit_format(&msg, event, ap);
	va_end(ap);
	openlog("kesu", LOG_PID, LOG_AUTHPRIV);
	/* the event is still recorded, without its fields, rather than lost */
	if (r)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s: (fields lost: out of memory)", event);
	else
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", msg);
	closelog();
	free(msg);
	return reach;
}
