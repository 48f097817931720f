// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libinih does the INI syntax. What it leaves to its caller is done here:
 * the line number of every mistake (its handler is not told the line, so
 * the reader counts them), sections and keys checked against one table,
 * every value checked, and the owner and mode of the file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "conffile.h"
#include "text.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define KEY(s, n, p, m)                                                                            \
	.section = s, .name = n, .is_path = p, .offset = offsetof(struct kesu_config, m)

const struct config_key config_keys[] = {
	{ KEY("organisation", "name", false, org_name) },
	{ KEY("organisation", "department", false, org_department) },
	{ KEY("organisation", "location", false, org_location) },
	{ KEY("organisation", "logo", true, org_logo) },
	{ KEY("trust", "dir", true, trust_dir) },
	{ KEY("trust", "operator_oid", false, trust_operator_oid), .is_oid_list = true },
	{ KEY("trust", "approver_oid", false, trust_approver_oid), .is_oid_list = true },
	{ KEY("trust", "contractor_oid", false, trust_contractor_oid), .is_oid_list = true },
	{ KEY("ledger", "path", true, ledger_path) },
	{ KEY("ledger", "url", false, ledger_url), .is_ledger_url = true },
	{ KEY("ledger", "queue", true, ledger_queue) },
	{ KEY("policy", "require_disposal_approval", false, policy_disposal_approval),
	  .is_bool = true },
	{ KEY("policy", "require_registered", false, policy_registered), .is_bool = true },
	{ KEY("station", "sign_key", true, station_sign_key) },
	{ KEY("station", "policy", true, station_policy) },
	{ KEY("station", "output_dir", true, station_output_dir) },
	{ KEY("station", "countdown", false, station_countdown) },
	{ KEY("station", "operator", false, station_operator) },
	{ KEY("station", "method", false, station_method) },
	{ KEY("policy", "inspect_days", false, policy_inspect_days), .is_days = true },
	{ .section = NULL },
};

const char *const config_sections[] = {
	"organisation", "trust", "ledger", "policy", "station", NULL
};

bool config_yes(const struct config_value *v)
{
	return v->line && !strcmp(v->text, "yes");
}

unsigned config_days(const struct config_value *v, unsigned dflt)
{
	return v->line ? (unsigned)strtoul(v->text, NULL, 10) : dflt;
}

const struct config_value *config_value(const struct kesu_config *cfg, const struct config_key *key)
{
	return (const struct config_value *)((const char *)cfg + key->offset);
}

/* One parse: the reader numbers the lines, the first error stops it. */
struct parse {
	FILE *f;
	struct kesu_config *cfg;
	struct config_error *err;
	int line; /* the line libinih is working on */
	int num;  /* the longest line libinih takes, with its newline and NUL */
};

static void fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err->line)
		return;
	p->err->line = p->line;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

static bool known_section(const char *name, size_t len)
{
	for (const char *const *s = config_sections; *s; s++)
		if (strlen(*s) == len && !memcmp(*s, name, len))
			return true;
	return false;
}

/*
 * One physical line for libinih, which asks for at most @num bytes. Leading
 * blanks are dropped: libinih would take an indented line for the
 * continuation of the previous value and hide a key in it. Section headers
 * are checked here, as libinih calls the handler for keys only and an
 * unknown empty section would pass unseen.
 */
static char *read_line(char *buf, int num, void *usr)
{
	struct parse *p = usr;
	bool start = true;
	size_t n = 0;
	int c = EOF;
	char *end;

	p->num = num;
	if (p->err->line)
		return NULL;
	while (n + 1 < (size_t)num && (c = getc(p->f)) != EOF) {
		if (start && (c == ' ' || c == '\t'))
			continue;
		start = false;
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!n && c == EOF)
		return NULL;
	buf[n] = '\0';
	p->line++;
	if (c != '\n' && c != EOF) {
		fail(p, "line longer than %d bytes", num - 2);
		return NULL;
	}
	if (strlen(buf) != n) {
		fail(p, "a NUL byte in the line");
		return NULL;
	}
	if (p->line == 1 && !strncmp(buf, "\xef\xbb\xbf", 3))
		memmove(buf, buf + 3, n - 2);
	if (buf[0] == '[' && (end = strchr(buf, ']')) && !known_section(buf + 1, end - buf - 1))
		fail(p, "unknown section [%.*s]", (int)(end - buf - 1 > 64 ? 64 : end - buf - 1),
		     buf + 1);
	return buf;
}

/* "2.999.1.1, 1.2.392.100" : dotted OIDs (first arc 0 to 2), commas and blanks between */
static bool oid_list(const char *v)
{
	size_t n, arcs;
	int words = 0;

	for (const char *p = v; *p; p += n) {
		p += strspn(p, " \t,");
		n = strspn(p, "0123456789.");
		if (!n && !*p)
			break;
		if (n < 3 || p[0] > '2' || p[1] != '.' || p[n - 1] == '.' ||
		    (p[n] && !strchr(" \t,", p[n])))
			return false;
		arcs = 1;
		for (size_t i = 1; i < n; i++) {
			if (p[i] == '.' && p[i - 1] == '.')
				return false;
			arcs += p[i] == '.';
		}
		if (arcs < 2)
			return false;
		words++;
	}
	return words > 0;
}

static const char *bad_value(const struct config_key *k, const char *v)
{
	if (!*v)
		return "empty value (leave the key out for the default)";
	if (strlen(v) > CONFIG_VALUE_MAX)
		return "value longer than " STR(CONFIG_VALUE_MAX) " bytes";
	if (!text_is_utf8(v))
		return "value is not UTF-8 text";
	if (!text_is_clean(v))
		return "control character in the value";
	if (k->is_path && v[0] != '/')
		return "not an absolute path";
	if (k->is_ledger_url && strncmp(v, "postgresql://", 13))
		return "not a postgresql:// URL";
	if (k->is_bool && strcmp(v, "yes") && strcmp(v, "no"))
		return "yes or no";
	if (k->is_days && (strspn(v, "0123456789") != strlen(v) || strlen(v) > 5 ||
			   strtoul(v, NULL, 10) > CONFIG_DAYS_MAX))
		return "a number of days, 0 to " STR(CONFIG_DAYS_MAX);
	if (k->is_oid_list && !oid_list(v))
		return "not a list of dotted OIDs (1.2.392..., separated by commas)";
	return NULL;
}

/* libinih's handler: 1 to go on, 0 for an error (libinih notes the line) */
static int on_key(void *usr, const char *section, const char *name, const char *value)
{
	struct parse *p = usr;
	const struct config_key *k;
	struct config_value *v;
	const char *why;

	if (!*section) {
		fail(p, "key '%.64s' before any [section]", name);
		return 0;
	}
	for (k = config_keys; k->section; k++)
		if (!strcmp(k->section, section) && !strcmp(k->name, name))
			break;
	if (!k->section) {
		fail(p, "unknown key '%.64s' in [%.64s]", name, section);
		return 0;
	}
	v = (struct config_value *)((char *)p->cfg + k->offset);
	if (v->line) {
		fail(p, "[%s] %s set again (first at line %d)", section, name, v->line);
		return 0;
	}
	why = bad_value(k, value);
	if (why) {
		fail(p, "[%s] %s: %s", section, name, why);
		return 0;
	}
	snprintf(v->text, sizeof(v->text), "%s", value);
	v->line = p->line;
	return 1;
}

/* libinih's own error at @line (its handler was not called): say which kind it was */
static void describe(struct parse *p, int line, int num)
{
	struct config_error none = { 0 };
	struct parse q = { .f = p->f, .err = &none };
	char buf[1024];

	rewind(p->f);
	while (q.line < line && read_line(buf, num < (int)sizeof(buf) ? num : (int)sizeof(buf), &q))
		;
	p->line = line;
	p->err->line = 0;
	if (q.line == line && buf[0] == '[')
		fail(p, "no ']' to end the section header");
	else
		fail(p, "not a [section] header, a 'key = value' line or a comment");
}

static int parse(FILE *f, struct kesu_config *cfg, struct config_error *err)
{
	struct parse p = { .f = f, .cfg = cfg, .err = err };
	int r = ini_parse_stream(read_line, &p, on_key, &p);

	if (r == -2)
		return -ENOMEM;
	if (ferror(f))
		return -EIO;
	/* libinih goes on after its own errors; the first line in error is the one to tell */
	if (r > 0 && (!err->line || r < err->line))
		describe(&p, r, p.num);
	return err->line ? -EINVAL : 0;
}

static int whole(struct config_error *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int whole(struct config_error *err, int r, const char *fmt, ...)
{
	va_list ap;

	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return r;
}

/* checked on the descriptor that is read, so the file cannot change in between */
static int check_file(int fd, struct config_error *err)
{
	struct stat st;

	if (fstat(fd, &st))
		return whole(err, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return whole(err, -EISDIR, "a directory, not a configuration file");
	if (!S_ISREG(st.st_mode))
		return whole(err, -EINVAL, "not a regular file");
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return whole(err, -EPERM,
			     "writable by group or others (mode %04o), and it decides whose keys "
			     "are trusted: chmod go-w it",
			     (unsigned)(st.st_mode & 07777));
	if (st.st_uid != 0 && st.st_uid != getuid())
		return whole(err, -EPERM, "owned by uid %u, neither root nor the user running kesu",
			     (unsigned)st.st_uid);
	return 0;
}

int config_load(const char *path, struct kesu_config *out, struct config_error *err)
{
	const char *name = path ? path : CONFIG_DEFAULT_PATH;
	FILE *f = NULL;
	int fd, r;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	if (!*name || strlen(name) >= sizeof(out->file))
		return whole(err, -EINVAL, "%s", *name ? "path too long" : "empty path");
	fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		return r == -ENOENT && !path ? 0 : whole(err, r, "%s", strerror(-r));
	}
	r = check_file(fd, err);
	if (!r && !(f = fdopen(fd, "r")))
		r = whole(err, -errno, "%s", strerror(errno));
	if (r) {
		close(fd);
		return r;
	}
	snprintf(out->file, sizeof(out->file), "%s", name);
	r = parse(f, out, err);
	fclose(f);
	if (r) {
		memset(out, 0, sizeof(*out));
		if (!err->line)
			whole(err, r, "%s", strerror(-r));
	}
	return r;
}
