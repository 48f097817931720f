// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration file (lib/conffile.c): every key read with the line
 * that set it, every mistake refused with its line, and a file that others
 * could have changed refused as a whole.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "conffile.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX - 64];
	char path[PATH_MAX];
	struct kesu_config cfg;
	struct config_error err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir), "test_config")) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/kesu.conf", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r = test_tmpdir_remove(f->dir);

	free(f);
	return r;
}

/* write @text (@len bytes) as the file, with @mode, and load it */
static int load_n(struct fx *f, mode_t mode, const char *text, size_t len)
{
	test_file_put(f->path, mode, text, len);
	return config_load(f->path, &f->cfg, &f->err);
}

static int load(struct fx *f, const char *text)
{
	return load_n(f, 0644, text, strlen(text));
}

/* @text is refused at @line with @what in the message */
static void refused_at(struct fx *f, const char *text, int line, const char *what)
{
	assert_int_equal(load(f, text), -EINVAL);
	if (f->err.line != line || !strstr(f->err.msg, what))
		fail_msg("line %d '%s', expected line %d with '%s' for:\n%s", f->err.line,
			 f->err.msg, line, what, text);
	assert_string_equal(f->err.file, f->path);
	/* nothing of a refused file is used */
	assert_string_equal(f->cfg.file, "");
	assert_int_equal(f->cfg.org_name.line, 0);
	assert_string_equal(f->cfg.org_name.text, "");
}

static void test_every_key(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "; kesu.conf\n"
				 "[organisation]\n"
				 "name = Example Prefecture\n"
				 "department=General Affairs\n"
				 "# where the erasures are done\n"
				 "location   =   Building 2, room 301  \n"
				 "logo = /etc/kesu/logo.png\n"
				 "\n"
				 "[trust]\n"
				 "dir = /srv/kesu/trust.d\n"
				 "[ledger]\n"
				 "path = /srv/kesu/ledger.db\n"
				 "[policy]\n"
				 "require_disposal_approval = yes\n"
				 "require_registered = no\n"
				 "[trust]\n"
				 "operator_oid = 2.999.1.1\n"
				 "approver_oid = 1.2.392.200.1, 2.999.2.2\n"
				 "[ledger]\n"
				 "url = postgresql:///kesu?host=/run/kesu\n"
				 "queue = /var/spool/kesu/queue.db\n"
				 "[station]\n"
				 "sign_key = /etc/kesu/station.key\n"
				 "policy = /etc/kesu/station.policy\n"
				 "output_dir = /media/results\n"
				 "countdown = 5\n"
				 "operator = Sato Hanako\n"
				 "method = auto\n"
				 "[policy]\n"
				 "inspect_days = 90\n"
				 "[trust]\n"
				 "contractor_oid = 2.999.3.3\n"),
			 0);
	assert_string_equal(f->cfg.file, f->path);
	assert_string_equal(f->cfg.org_name.text, "Example Prefecture");
	assert_int_equal(f->cfg.org_name.line, 3);
	assert_string_equal(f->cfg.org_department.text, "General Affairs");
	assert_int_equal(f->cfg.org_department.line, 4);
	assert_string_equal(f->cfg.org_location.text, "Building 2, room 301");
	assert_int_equal(f->cfg.org_location.line, 6);
	assert_string_equal(f->cfg.org_logo.text, "/etc/kesu/logo.png");
	assert_int_equal(f->cfg.org_logo.line, 7);
	assert_string_equal(f->cfg.trust_dir.text, "/srv/kesu/trust.d");
	assert_int_equal(f->cfg.trust_dir.line, 10);
	assert_string_equal(f->cfg.ledger_path.text, "/srv/kesu/ledger.db");
	assert_int_equal(f->cfg.ledger_path.line, 12);
	assert_true(config_yes(&f->cfg.policy_disposal_approval));
	assert_int_equal(f->cfg.policy_disposal_approval.line, 14);
	assert_false(config_yes(&f->cfg.policy_registered));
	assert_int_equal(f->cfg.policy_registered.line, 15);
	assert_string_equal(f->cfg.trust_operator_oid.text, "2.999.1.1");
	assert_int_equal(f->cfg.trust_operator_oid.line, 17);
	assert_string_equal(f->cfg.trust_approver_oid.text, "1.2.392.200.1, 2.999.2.2");
	assert_int_equal(f->cfg.trust_approver_oid.line, 18);
	assert_string_equal(f->cfg.ledger_url.text, "postgresql:///kesu?host=/run/kesu");
	assert_int_equal(f->cfg.ledger_url.line, 20);
	assert_string_equal(f->cfg.station_sign_key.text, "/etc/kesu/station.key");
	assert_int_equal(f->cfg.station_sign_key.line, 23);
	assert_string_equal(f->cfg.station_countdown.text, "5");
	assert_string_equal(f->cfg.station_operator.text, "Sato Hanako");
	assert_int_equal(f->cfg.station_method.line, 28);
	assert_int_equal(config_days(&f->cfg.policy_inspect_days, 365), 90);
	assert_int_equal(f->cfg.policy_inspect_days.line, 30);
	assert_string_equal(f->cfg.trust_contractor_oid.text, "2.999.3.3");
	assert_int_equal(f->cfg.trust_contractor_oid.line, 32);
	assert_string_equal(f->cfg.ledger_queue.text, "/var/spool/kesu/queue.db");
	assert_int_equal(f->cfg.ledger_queue.line, 21);
	/* the table reaches the same values */
	for (const struct config_key *k = config_keys; k->section; k++)
		assert_int_not_equal(config_value(&f->cfg, k)->line, 0);
	/* a switch is yes or no */
	refused_at(f, "[policy]\nrequire_registered = true\n", 2, "yes or no");
	/* a period is a number of days, and only that */
	refused_at(f, "[policy]\ninspect_days = 30d\n", 2, "a number of days, 0 to 36500");
	refused_at(f, "[policy]\ninspect_days = -1\n", 2, "a number of days");
	refused_at(f, "[policy]\ninspect_days = 36501\n", 2, "a number of days");
	refused_at(f, "[policy]\ninspect_days = ９０\n", 2, "a number of days");
}

static void test_empty_and_partial(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, ""), 0);
	assert_string_equal(f->cfg.file, f->path);
	assert_int_equal(f->cfg.trust_dir.line, 0);
	assert_int_equal(load(f, "[trust]\ndir = /t\n"), 0);
	assert_int_equal(f->cfg.trust_dir.line, 2);
	assert_int_equal(f->cfg.ledger_path.line, 0);
	assert_string_equal(f->cfg.ledger_path.text, "");
	/* a period the file does not set is the caller's default; 0 is a value */
	assert_int_equal(config_days(&f->cfg.policy_inspect_days, 365), 365);
	assert_int_equal(load(f, "[policy]\ninspect_days = 0\n"), 0);
	assert_int_equal(config_days(&f->cfg.policy_inspect_days, 365), 0);
}

static void test_unknown(void **state)
{
	struct fx *f = *state;

	refused_at(f, "[organisation]\nname = x\nbogus = y\n", 3, "unknown key 'bogus'");
	/* a key of another section */
	refused_at(f, "[trust]\n\npath = /x\n", 3, "unknown key 'path' in [trust]");
	/* [policy] has no such key */
	refused_at(f, "[policy]\nstrict = yes\n", 2, "unknown key 'strict' in [policy]");
	refused_at(f, "[organisation]\nname = x\n[polcy]\n", 3, "unknown section [polcy]");
	refused_at(f, "[trust]\ndir = /x\n[Trust]\ndir = /y\n", 3, "unknown section [Trust]");
	refused_at(f, "; top\nname = x\n", 2, "before any [section]");
}

static void test_malformed(void **state)
{
	struct fx *f = *state;

	refused_at(f, "[organisation]\nname = x\nnoequals\n", 3, "'key = value'");
	refused_at(f, "[organisation]\n[trust\ndir = /x\n", 2, "no ']'");
	/* the first mistake is the one told, even when a later line is wrong another way */
	refused_at(f, "[trust]\n\n\nwhat\nbogus = 1\n", 4, "'key = value'");
	refused_at(f, "[trust]\nbogus = 1\nwhat\n", 2, "unknown key");
	refused_at(f, "[organisation]\nname =\n", 2, "empty value");
}

static void test_duplicate(void **state)
{
	struct fx *f = *state;

	refused_at(f, "[organisation]\nname = a\n[trust]\ndir = /t\n[organisation]\nname = b\n", 6,
		   "first at line 2");
	refused_at(f, "[ledger]\npath = /a\npath = /a\n", 3, "set again");
}

/* an indented line is a key of its own, not the continuation of the value above */
static void test_indented(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "[organisation]\nname = a\n  department = b\n\tlocation = c\n"),
			 0);
	assert_string_equal(f->cfg.org_name.text, "a");
	assert_string_equal(f->cfg.org_department.text, "b");
	assert_int_equal(f->cfg.org_department.line, 3);
	assert_string_equal(f->cfg.org_location.text, "c");
	refused_at(f, "[organisation]\nname = a\n    more words\n", 3, "'key = value'");
}

static void test_mode_owner(void **state)
{
	struct fx *f = *state;
	static const char text[] = "[trust]\ndir = /t\n";

	assert_int_equal(load_n(f, 0666, text, strlen(text)), -EPERM);
	assert_int_equal(f->err.line, 0);
	assert_non_null(strstr(f->err.msg, "writable by group or others (mode 0666)"));
	assert_int_equal(f->cfg.trust_dir.line, 0);
	assert_int_equal(load_n(f, 0620, text, strlen(text)), -EPERM);
	assert_non_null(strstr(f->err.msg, "mode 0620"));
	assert_int_equal(load_n(f, 0602, text, strlen(text)), -EPERM);
	assert_int_equal(load_n(f, 0600, text, strlen(text)), 0);
	assert_int_equal(load_n(f, 0444, text, strlen(text)), 0);
	assert_int_equal(f->cfg.trust_dir.line, 2);
	if (geteuid() != 0) {
		print_message("not root: the owner check is not tried\n");
		return;
	}
	/* another user's file, mode 0644 */
	assert_int_equal(chown(f->path, 65534, 65534), 0);
	assert_int_equal(config_load(f->path, &f->cfg, &f->err), -EPERM);
	assert_non_null(strstr(f->err.msg, "owned by uid 65534"));
}

static void test_missing_and_not_a_file(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/none.conf", f->dir);
	assert_int_equal(config_load(path, &f->cfg, &f->err), -ENOENT);
	assert_string_equal(f->err.file, path);
	assert_int_equal(f->err.line, 0);
	assert_int_equal(config_load(f->dir, &f->cfg, &f->err), -EISDIR);
	/* a FIFO would block a plain open; it is refused without waiting */
	snprintf(path, sizeof(path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(config_load(path, &f->cfg, &f->err), -EINVAL);
	assert_int_equal(config_load("", &f->cfg, &f->err), -EINVAL);
}

static void test_values(void **state)
{
	struct fx *f = *state;
	char line[400];

	refused_at(f, "[trust]\ndir = etc/kesu/trust.d\n", 2, "not an absolute path");
	refused_at(f, "[ledger]\npath = ./ledger.db\n", 2, "not an absolute path");
	refused_at(f, "[organisation]\nlogo = logo.png\n", 2, "not an absolute path");
	refused_at(f, "[organisation]\nname = a\x01z\n", 2, "control character");
	refused_at(f, "[organisation]\nname = a\x1b[2Jz\n", 2, "control character");
	refused_at(f, "[organisation]\nname = a\tz\n", 2, "control character");
	refused_at(f, "[organisation]\nname = a\x7fz\n", 2, "control character");
	refused_at(f, "[organisation]\nname = a\xc2\x85z\n", 2, "control character");
	refused_at(f, "[organisation]\nname = a\rz\n", 2, "control character");
	refused_at(f, "[organisation]\ndepartment = \x93\x8c\x8b\x9e\n", 2, "not UTF-8");
	refused_at(f, "[trust]\ndir = /a\xff\n", 2, "not UTF-8");
	/* the role OIDs: dotted digits only, never a name OpenSSL might resolve */
	refused_at(f, "[trust]\napprover_oid = emailProtection\n", 2, "dotted OIDs");
	refused_at(f, "[trust]\napprover_oid = 2.999.1.2,x\n", 2, "dotted OIDs");
	refused_at(f, "[trust]\noperator_oid = 3.1\n", 2, "dotted OIDs");
	refused_at(f, "[trust]\noperator_oid = 1\n", 2, "dotted OIDs");
	refused_at(f, "[trust]\noperator_oid = 1..2\n", 2, "dotted OIDs");
	refused_at(f, "[trust]\noperator_oid = 1.2.\n", 2, "dotted OIDs");
	refused_at(f, "[trust]\noperator_oid = ,\n", 2, "dotted OIDs");
	/* a line longer than libinih reads: an error, never split into two */
	snprintf(line, sizeof(line), "[organisation]\nname = %0300d\n", 7);
	refused_at(f, line, 2, "line longer than");
	/* a NUL byte would cut the value short */
	assert_int_equal(load_n(f, 0644, "[organisation]\nname = a\0b\n", 26), -EINVAL);
	assert_int_equal(f->err.line, 2);
	assert_non_null(strstr(f->err.msg, "NUL"));
}

static void test_japanese(void **state)
{
	struct fx *f = *state;
	/* 東京都　総務局 with a full-width space (U+3000), and kana */
	static const char name[] = "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd\xe3\x80\x80"
				   "\xe7\xb7\x8f\xe5\x8b\x99\xe5\xb1\x80";
	static const char dept[] = "\xe3\x81\x98\xe3\x82\x87\xe3\x81\x86\xe3\x82\x8c\xe3\x81\x84"
				   "\xe3\x82\xb7\xe3\x82\xb9\xe3\x83\x86\xe3\x83\xa0\xe8\xaa\xb2";
	char text[512];

	snprintf(text, sizeof(text),
		 "\xef\xbb\xbf[organisation]\nname = %s\ndepartment = %s\nlocation = %s\n", name,
		 dept, "\xe3\x80\x80\xef\xbc\x93\xe9\x9a\x8e");
	assert_int_equal(load(f, text), 0);
	assert_string_equal(f->cfg.org_name.text, name);
	assert_string_equal(f->cfg.org_department.text, dept);
	/* a full-width space is text, kept at the start of a value */
	assert_string_equal(f->cfg.org_location.text, "\xe3\x80\x80\xef\xbc\x93\xe9\x9a\x8e");
}

/* a file edited on Windows: CRLF, kept out of every value */
static void test_crlf(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "[organisation]\r\nname = Example\r\n\r\n[trust]\r\n"
				 "dir = /srv/trust\r\n; done\r\n[policy]\r\n"),
			 0);
	assert_string_equal(f->cfg.org_name.text, "Example");
	assert_string_equal(f->cfg.trust_dir.text, "/srv/trust");
	assert_int_equal(f->cfg.trust_dir.line, 5);
	refused_at(f, "[organisation]\r\nname = x\r\nbogus = y\r\n", 3, "unknown key 'bogus'");
}

/* "; " after a value starts a comment (libinih), as kesu-config(5) says */
static void test_inline_comment(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f, "[organisation]\nname = Example ; the short name\n"
				 "department = R&D;Lab\n"),
			 0);
	assert_string_equal(f->cfg.org_name.text, "Example");
	assert_string_equal(f->cfg.org_department.text, "R&D;Lab");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_every_key),  T(test_empty_and_partial),
		T(test_unknown),    T(test_malformed),
		T(test_duplicate),  T(test_indented),
		T(test_mode_owner), T(test_missing_and_not_a_file),
		T(test_values),	    T(test_japanese),
		T(test_crlf),	    T(test_inline_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
