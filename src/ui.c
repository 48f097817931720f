// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "devinfo.h"
#include "kesu.h"
#include "log.h"

bool ui_debug;
volatile sig_atomic_t ui_interrupted;

static void on_interrupt(int sig)
{
	ui_interrupted = 1;
}

void ui_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void ui_log(int level, const char *msg, void *usrptr)
{
	if (level == KESU_LOG_DEBUG && !ui_debug)
		return;
	if (level == KESU_LOG_VERBOSE && !ui_debug)
		return;
	if (level == KESU_LOG_WARN)
		fprintf(stderr, "kesu: warning: %s\n", msg);
	else if (level == KESU_LOG_DEBUG)
		fprintf(stderr, "kesu: debug: %s\n", msg);
	else
		fprintf(stderr, "kesu: %s\n", msg);
}

void ui_init(void)
{
	kesu_set_log(ui_log, NULL);
}

void ui_err(const char *fmt, ...)
{
	va_list ap;

	fputs("kesu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ui_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("kesu: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ui_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("kesu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'kesu %s --help'\n", cmd ? cmd : "");
	return KESU_EXIT_USAGE;
}

int ui_exit_from_errno(int err)
{
	switch (err) {
	case 0:
		return KESU_EXIT_SUCCESS;
	case -EINVAL:
		return KESU_EXIT_USAGE;
	case -EBUSY:
		return KESU_EXIT_REFUSED;
	case -ECANCELED:
		return KESU_EXIT_NOT_CONFIRMED;
	case -EINTR:
		return KESU_EXIT_ABORTED;
	case -EIO:
	case -ENODATA:
		return KESU_EXIT_IO;
	default:
		return KESU_EXIT_FAILURE;
	}
}

int ui_exit_worst(int a, int b)
{
	/* worst first; see EXIT STATUS in kesu(8) */
	static const int order[] = {
		KESU_EXIT_ABORTED, KESU_EXIT_IO,	    KESU_EXIT_VERIFY,
		KESU_EXIT_REFUSED, KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_USAGE,
		KESU_EXIT_FAILURE, KESU_EXIT_UNVERIFIED,    KESU_EXIT_SUCCESS,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return a;
}

int ui_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int ui_parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v, mul = 1;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mul = 1ULL << 10; break;
		case 'm': case 'M': mul = 1ULL << 20; break;
		case 'g': case 'G': mul = 1ULL << 30; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (v > ~0ULL / mul)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

int ui_parse_queue_depth(const char *cmd, const char *s, unsigned long *out)
{
	if (ui_parse_uint(s, 1, 64, out)) {
		ui_usage_error(cmd, "invalid --queue-depth '%s': 1 to 64", s);
		return -EINVAL;
	}
	return 0;
}

int ui_parse_block_size(const char *cmd, const char *s, unsigned long long *out)
{
	if (ui_parse_size(s, out) || *out < 4096 || *out > (64ULL << 20) || *out % 4096) {
		ui_usage_error(cmd, "invalid --block-size '%s': a multiple of 4K from 4K to 64M", s);
		return -EINVAL;
	}
	return 0;
}

const char *ui_who(void)
{
	static char who[160];
	struct passwd *pw = getpwuid(getuid());
	const char *sudo = getenv("SUDO_USER");
	char uid[16];

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	if (sudo && *sudo)
		snprintf(who, sizeof(who), "%s(sudo:%s)", pw ? pw->pw_name : uid, sudo);
	else
		snprintf(who, sizeof(who), "%s", pw ? pw->pw_name : uid);
	return who;
}

void ui_io_defaults(const struct dev_info *info, unsigned long *queue_depth,
		    unsigned long long *block_size)
{
	bool removable = info && (info->removable == 1 ||
				  (info->transport && (!strcmp(info->transport, "usb") ||
						       !strcmp(info->transport, "mmc"))));

	if (!*queue_depth)
		*queue_depth = removable ? KESU_QUEUE_DEPTH_REMOVABLE : KESU_QUEUE_DEPTH;
	if (!*block_size)
		*block_size = removable ? KESU_BLOCK_SIZE_REMOVABLE : KESU_BLOCK_SIZE;
}
