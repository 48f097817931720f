// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crypt/age_file: recipients and identity files as age reads them, and the
 * input and output of one file, checked by a round trip through
 * age_encrypt() and age_decrypt() on real files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypt/age_file.h"
#include "secmem.h"

static char dir[256];

static const char *at(const char *name)
{
	static char path[2][PATH_MAX];
	static int i;

	i ^= 1;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static void put(const char *name, mode_t mode, const char *text)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* a new X25519 pair; *secret in secure memory */
static void keygen(char **secret, char pub[128])
{
	assert_int_equal(age_keygen(secret, pub), 0);
}

/* encrypt file @in to @out (published), with recipients @rs */
static void encrypt_file(const char *in, const char *out, const struct age_recipients *rs)
{
	struct age_file_io io = AGE_FILE_IO_INIT;
	struct age_enc_opts eo = { .rcpt = rs };

	unlink(at(out));
	assert_int_equal(age_file_open_input(&io, at(in)), 0);
	assert_int_equal(age_file_open_output(&io, at(out), 0), 0);
	assert_int_equal(age_encrypt(age_file_read, &io, age_file_write, &io, &eo), 0);
	/* nothing at the final path before the commit */
	assert_int_equal(access(at(out), F_OK), -1);
	assert_int_equal(age_file_commit(&io), 0);
	assert_int_equal(access(at(out), F_OK), 0);
	age_file_close(&io);
}

/* decrypt file @in to @out with @ids: the errno of age_decrypt() */
static int decrypt_file(const char *in, const char *out, const struct age_identities *ids)
{
	struct age_file_io io = AGE_FILE_IO_INIT;
	struct age_dec_opts d = { .ids = ids };
	int r;

	assert_int_equal(age_file_open_input(&io, at(in)), 0);
	assert_int_equal(age_file_open_output(&io, at(out), OUTFILE_REPLACE | OUTFILE_PRIVATE), 0);
	r = age_decrypt(age_file_read, &io, age_file_write, &io, &d, NULL);
	if (!r)
		assert_int_equal(age_file_commit(&io), 0);
	age_file_close(&io);
	return r;
}

static void assert_file(const char *name, const char *text)
{
	char buf[256] = "";
	int fd = open(at(name), O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_int_equal(n, (ssize_t)strlen(text));
	assert_string_equal(buf, text);
}

static void test_recipients_file(void **state)
{
	struct age_recipients *rs = NULL;
	struct age_identities *ids = NULL;
	struct age_file_error e;
	char *s1, *s2, p1[128], p2[128], text[512];

	(void)state;
	keygen(&s1, p1);
	keygen(&s2, p2);
	snprintf(text, sizeof(text), "# team\n\n%s\n# second\n%s", p1, p2);
	put("rcpt", 0644, text);
	assert_int_equal(age_recipients_load(&rs, at("rcpt"), &e), 0);
	assert_int_equal(e.found, 2);
	put("plain", 0644, "the file's text\n");
	encrypt_file("plain", "plain.age", rs);

	/* the second recipient, after a comment and without a final newline, was read */
	assert_int_equal(age_identity_add(&ids, s2, e.why, sizeof(e.why)), 0);
	assert_int_equal(decrypt_file("plain.age", "out", ids), 0);
	assert_file("out", "the file's text\n");
	age_identities_free(ids);
	ids = NULL;
	assert_int_equal(age_identity_add(&ids, s1, e.why, sizeof(e.why)), 0);
	assert_int_equal(decrypt_file("plain.age", "out", ids), 0);
	age_identities_free(ids);
	age_recipients_free(rs);
	secmem_free(s1);
	secmem_free(s2);
}

static void test_recipients_refused(void **state)
{
	struct age_recipients *rs = NULL;
	struct age_file_error e;
	char *s, p[128], text[512];

	(void)state;
	keygen(&s, p);
	snprintf(text, sizeof(text), "# ok\n%s\nage1notakey\n", p);
	put("bad", 0644, text);
	assert_int_equal(age_recipients_load(&rs, at("bad"), &e), -EINVAL);
	assert_false(e.reading);
	assert_int_equal(e.line, 3);
	assert_true(e.why[0]);

	put("none", 0644, "# only a comment\n\n");
	assert_int_equal(age_recipients_load(&rs, at("none"), &e), -ENODATA);
	assert_false(e.reading);

	assert_int_equal(age_recipients_load(&rs, at("missing"), &e), -ENOENT);
	assert_true(e.reading);
	assert_int_equal(age_recipients_load(&rs, dir, &e), -EISDIR);
	assert_true(e.reading);
	age_recipients_free(rs);
	secmem_free(s);
}

static void test_identity_file(void **state)
{
	struct age_recipients *rs = NULL;
	struct age_identities *ids = NULL;
	struct age_file_error e;
	char *s, p[128], text[512];

	(void)state;
	keygen(&s, p);
	snprintf(text, sizeof(text), "# created: by age-keygen\n# public key: %s\n%s\n", p, s);
	/* readable by others: refused before it is parsed */
	put("id", 0644, text);
	assert_int_equal(age_identities_load(&ids, at("id"), &e), -EPERM);
	assert_true(e.reading);
	assert_null(ids);

	put("id", 0600, text);
	assert_int_equal(age_identities_load(&ids, at("id"), &e), 0);
	assert_int_equal(age_recipient_add(&rs, p, e.why, sizeof(e.why)), 0);
	put("plain", 0644, "secret\n");
	encrypt_file("plain", "plain.age", rs);
	assert_int_equal(decrypt_file("plain.age", "out", ids), 0);
	assert_file("out", "secret\n");

	/* the reason never quotes the line: it may be a mistyped secret key */
	put("badid", 0600, "\nAGE-SECRET-KEY-1QQQQ\n");
	assert_int_equal(age_identities_load(&ids, at("badid"), &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_null(strstr(e.why, "QQQQ"));
	age_identities_free(ids);
	age_recipients_free(rs);
	secmem_free(s);
}

/* CR LF line endings, as a file saved on Windows has them: read as age reads them */
static void test_crlf(void **state)
{
	struct age_recipients *rs = NULL;
	struct age_identities *ids = NULL;
	struct age_file_error e;
	char *s1, *s2, p1[128], p2[128], text[512];

	(void)state;
	keygen(&s1, p1);
	keygen(&s2, p2);
	/* the last line without a newline keeps its CR */
	snprintf(text, sizeof(text), "# team\r\n\r\n%s\r\n%s\r", p1, p2);
	put("rcpt", 0644, text);
	assert_int_equal(age_recipients_load(&rs, at("rcpt"), &e), 0);
	put("plain", 0644, "crlf\n");
	encrypt_file("plain", "plain.age", rs);

	snprintf(text, sizeof(text), "# created: by age-keygen\r\n# public key: %s\r\n%s\r\n", p2,
		 s2);
	put("id", 0600, text);
	assert_int_equal(age_identities_load(&ids, at("id"), &e), 0);
	assert_int_equal(decrypt_file("plain.age", "out", ids), 0);
	assert_file("out", "crlf\n");
	age_identities_free(ids);
	ids = NULL;
	snprintf(text, sizeof(text), "%s\r", s1);
	put("id", 0600, text);
	assert_int_equal(age_identities_load(&ids, at("id"), &e), 0);
	assert_int_equal(decrypt_file("plain.age", "out", ids), 0);
	age_identities_free(ids);
	ids = NULL;

	/* only one CR is a line ending: a second one is part of the line, as in age */
	snprintf(text, sizeof(text), "%s\r\r\n", p1);
	put("bad", 0644, text);
	age_recipients_free(rs);
	rs = NULL;
	assert_int_equal(age_recipients_load(&rs, at("bad"), &e), -EINVAL);
	assert_int_equal(e.line, 1);
	age_recipients_free(rs);
	secmem_free(s1);
	secmem_free(s2);
}

static void test_io(void **state)
{
	struct age_file_io io = AGE_FILE_IO_INIT;
	volatile sig_atomic_t stop = 0;
	char buf[16];

	(void)state;
	assert_int_equal(age_file_open_input(&io, dir), -EISDIR);
	age_file_close(&io);
	assert_int_equal(age_file_open_input(&io, at("missing")), -ENOENT);
	age_file_close(&io);

	put("in", 0644, "0123456789");
	assert_int_equal(age_file_open_input(&io, at("in")), 0);
	assert_true(age_file_is_input(&io, at("in")));
	assert_false(age_file_is_input(&io, at("other")));
	assert_int_equal(age_file_open_output(&io, at("other"), 0), 0);
	assert_true(io.out >= 0 && io.out == io.of.fd);
	io.abort = &stop;
	assert_int_equal(age_file_read(&io, buf, sizeof(buf)), 10);
	stop = 1;
	assert_int_equal(age_file_read(&io, buf, sizeof(buf)), -EINTR);
	assert_int_equal(age_file_write(&io, "x", 1), -EINTR);
	age_file_close(&io);
	/* not committed: nothing published */
	assert_int_equal(access(at("other"), F_OK), -1);

	/* a write that fails is remembered as the output's */
	io = (struct age_file_io)AGE_FILE_IO_INIT;
	assert_int_equal(age_file_open_input(&io, at("in")), 0);
	io.out = io.in;
	assert_int_equal(age_file_write(&io, "x", 1), -EBADF);
	assert_int_equal(io.werr, -EBADF);
	/* standard output: nothing to commit */
	assert_int_equal(age_file_commit(&io), 0);
	age_file_close(&io);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_age_file.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = { "rcpt", "plain", "plain.age", "out", "bad",
					     "none", "id",    "badid",	   "in" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(at(names[i]));
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recipients_file),
		cmocka_unit_test(test_recipients_refused),
		cmocka_unit_test(test_identity_file),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_io),
	};

	secmem_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
