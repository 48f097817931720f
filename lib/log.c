// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

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

void kesu_audit(const char *fmt, ...)
{
	va_list ap;

	openlog("kesu", LOG_PID, LOG_AUTHPRIV);
	va_start(ap, fmt);
	vsyslog(LOG_AUTHPRIV | LOG_NOTICE, fmt, ap);
	va_end(ap);
	closelog();
}
