// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy of unattended mode: which transports and sizes may be erased
 * without a question, with which method, after how long a countdown. An
 * ini file read by libinih; it decides what is destroyed, so it is refused
 * when others than its owner may write it, as kesu.conf is.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "station.h"

#define COUNTDOWN_MAX 3600u

struct policy_parse {
	struct station_policy *p;
	char *why;
	size_t len;
	bool failed;
	unsigned seen; /* one bit per key: a key given twice is an error */
	FILE *f;
	int line; /* of the last line read: libinih passes none to the handler here */
};

static char *read_line(char *buf, int num, void *usr)
{
	struct policy_parse *pp = usr;
	char *r = fgets(buf, num, pp->f);

	if (r)
		pp->line++;
	return r;
}

void station_policy_default(struct station_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->countdown_s = 10;
}

/* 10, 512M, 2G, 1T, 4KiB ... (powers of 1024, as every size kesu reads) */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -EINVAL;
		shift = 10 * (int)(u - units + 1);
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	if (v > (~0ULL >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int fail(struct policy_parse *pp, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct policy_parse *pp, int line, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (pp->failed)
		return 0;
	pp->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(pp->why, pp->len, "line %d: %s", line, what);
	return 0;
}

static int set_transports(struct station_policy *p, const char *value)
{
	char buf[256], *save = NULL, *w;

	if (strlen(value) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, value);
	p->ntransports = 0;
	for (w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		if (p->ntransports == STATION_TRANSPORTS || strlen(w) >= sizeof(p->transports[0]))
			return -EINVAL;
		for (char *c = w; *c; c++) {
			if (!isalnum((unsigned char)*c))
				return -EINVAL;
			*c = (char)tolower((unsigned char)*c);
		}
		strcpy(p->transports[p->ntransports++], w);
	}
	return p->ntransports ? 0 : -EINVAL;
}

static int set_key(struct station_policy *p, const char *name, const char *value)
{
	unsigned long v;
	char *end;

	if (!strcmp(name, "transport"))
		return set_transports(p, value);
	if (!strcmp(name, "min_size"))
		return parse_size(value, &p->min_size);
	if (!strcmp(name, "max_size"))
		return parse_size(value, &p->max_size);
	if (!strcmp(name, "method")) {
		if (!*value || strlen(value) >= sizeof(p->method))
			return -EINVAL;
		strcpy(p->method, value);
		return 0;
	}
	if (!strcmp(name, "countdown")) {
		errno = 0;
		v = strtoul(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end || errno || v > COUNTDOWN_MAX)
			return -EINVAL;
		p->countdown_s = (unsigned)v;
		p->has_countdown = true;
		return 0;
	}
	return -ENOENT;
}

static int on_key(void *usr, const char *section, const char *name, const char *value)
{
	static const char *const keys[] = { "transport", "min_size", "max_size", "method",
					    "countdown" };
	struct policy_parse *pp = usr;
	unsigned bit = 0;
	int r, line = pp->line;

	if (strcmp(section, "admit"))
		return fail(pp, line, "[%s] is not a section of a policy (only [admit])", section);
	for (unsigned i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strcmp(keys[i], name))
			bit = 1u << i;
	if (pp->seen & bit)
		return fail(pp, line, "%s set twice", name);
	pp->seen |= bit;
	r = set_key(pp->p, name, value);
	if (r == -ENOENT)
		return fail(pp, line, "unknown key '%s'", name);
	if (r)
		return fail(pp, line, "%s: invalid value '%s'", name, value);
	return 1;
}

/* checked on the descriptor that is read, so the file cannot change in between */
static int check_file(int fd, char *why, size_t len)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		return -EINVAL;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len,
			 "writable by group or others (mode %04o), and it decides which drives "
			 "are erased: chmod go-w it",
			 (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != getuid()) {
		snprintf(why, len, "owned by uid %u, neither root nor the user running kesu",
			 (unsigned)st.st_uid);
		return -EPERM;
	}
	return 0;
}

int station_policy_load(const char *path, struct station_policy *p, char *why, size_t len)
{
	struct policy_parse pp = { .p = p, .why = why, .len = len };
	FILE *f;
	int fd, r;

	station_policy_default(p);
	snprintf(why, len, "%s", "");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		snprintf(why, len, "%s", strerror(-r));
		return r;
	}
	r = check_file(fd, why, len);
	if (r) {
		if (!why[0])
			snprintf(why, len, "%s", strerror(-r));
		close(fd);
		return r;
	}
	f = fdopen(fd, "r");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	pp.f = f;
	r = ini_parse_stream(read_line, &pp, on_key, &pp);
	fclose(f);
	if (r == -2)
		return -ENOMEM;
	if (r > 0 && !pp.failed)
		snprintf(why, len,
			 "line %d: not a [section] header, a 'key = value' line or a comment", r);
	if (r || pp.failed)
		return -EINVAL;
	if (p->max_size && p->min_size > p->max_size) {
		snprintf(why, len, "min_size is larger than max_size");
		return -EINVAL;
	}
	return 0;
}

bool station_policy_admit(const struct station_policy *p, const char *transport, uint64_t size,
			  char *why, size_t len)
{
	bool ok = !p->ntransports;

	for (size_t i = 0; i < p->ntransports && transport; i++)
		ok = ok || !strcmp(p->transports[i], transport);
	if (!ok) {
		snprintf(why, len, "the policy does not admit transport %s",
			 transport && *transport ? transport : "(unknown)");
		return false;
	}
	if (p->min_size && size < p->min_size) {
		snprintf(why, len, "the policy admits %llu bytes or more; it has %llu",
			 (unsigned long long)p->min_size, (unsigned long long)size);
		return false;
	}
	if (p->max_size && size > p->max_size) {
		snprintf(why, len, "the policy admits %llu bytes or fewer; it has %llu",
			 (unsigned long long)p->max_size, (unsigned long long)size);
		return false;
	}
	return true;
}
