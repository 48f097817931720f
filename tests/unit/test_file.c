// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/file: what file_read() and file_read_secret() accept and refuse. The
 * checks are made on the opened descriptor; a symbolic link is followed and
 * the file it leads to is what is judged.
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

#include "file.h"
#include "secmem.h"
#include "testutil.h"

static const char KEY[] = "AGE-SECRET-KEY-1 stands in for a secret\n";

struct fx {
	char dir[PATH_MAX - 64];
	char path[PATH_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir), "test_file")) {
		free(f);
		return -1;
	}
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

/* NAME in the test's directory, written with LEN bytes of DATA and given MODE */
static const char *make(struct fx *f, const char *name, const void *data, size_t len, mode_t mode)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	test_file_put(f->path, mode, data, len);
	return f->path;
}

static void test_secret_0600_read(void **state)
{
	const char *p = make(*state, "k", KEY, strlen(KEY), 0600);
	char *buf = (char *)1;
	size_t len = 0;

	assert_int_equal(file_read_secret(p, 4096, &buf, &len), 0);
	assert_int_equal(len, strlen(KEY));
	assert_memory_equal(buf, KEY, len);
	assert_int_equal(buf[len], '\0');
	secmem_free(buf);
}

/* any access for group or others refuses a secret: read, write or execute */
static void test_secret_open_mode_refused(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0620, 0602, 0610, 0601, 0666 };
	struct fx *f = *state;
	char name[16];

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char *buf = (char *)1;
		size_t len = 1;

		snprintf(name, sizeof(name), "k%o", (unsigned)modes[i]);
		make(f, name, KEY, strlen(KEY), modes[i]);
		assert_int_equal(file_read_secret(f->path, 4096, &buf, &len), -EPERM);
		assert_null(buf);
		assert_int_equal(len, 0);
	}
}

/* the plain reader does not care about the mode; it reads into malloc() */
static void test_plain_any_mode(void **state)
{
	const char *p = make(*state, "pub", KEY, strlen(KEY), 0644);
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(file_read(p, 4096, &buf, &len), 0);
	assert_int_equal(len, strlen(KEY));
	assert_string_equal(buf, KEY);
	free(buf);
}

static void test_directory(void **state)
{
	struct fx *f = *state;
	char *buf = (char *)1;
	size_t len;

	assert_int_equal(file_read(f->dir, 4096, &buf, &len), -EISDIR);
	assert_null(buf);
	assert_int_equal(file_read_secret(f->dir, 4096, &buf, &len), -EISDIR);
	assert_null(buf);
}

/* a FIFO with no writer: refused at once, not waited on */
static void test_fifo(void **state)
{
	struct fx *f = *state;
	char *buf = (char *)1;
	size_t len;

	snprintf(f->path, sizeof(f->path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_int_equal(file_read(f->path, 4096, &buf, &len), -EINVAL);
	assert_null(buf);
	assert_int_equal(file_read_secret(f->path, 4096, &buf, &len), -EINVAL);
	assert_null(buf);
}

static void test_device(void **state)
{
	char *buf = (char *)1;
	size_t len;

	(void)state;
	assert_int_equal(file_read("/dev/null", 4096, &buf, &len), -EINVAL);
	assert_null(buf);
	assert_int_equal(file_read("/dev/zero", 4096, &buf, &len), -EINVAL);
	assert_null(buf);
}

static void test_too_big(void **state)
{
	const char *p = make(*state, "k", KEY, strlen(KEY), 0600);
	char *buf = (char *)1;
	size_t len;

	assert_int_equal(file_read_secret(p, strlen(KEY) - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(file_read(p, strlen(KEY) - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	/* exactly the limit is allowed */
	assert_int_equal(file_read_secret(p, strlen(KEY), &buf, &len), 0);
	assert_int_equal(len, strlen(KEY));
	secmem_free(buf);
}

static void test_empty(void **state)
{
	const char *p = make(*state, "empty", "", 0, 0600);
	char *buf = NULL;
	size_t len = 1;

	assert_int_equal(file_read_secret(p, 4096, &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	secmem_free(buf);
	assert_int_equal(file_read(p, 4096, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
}

/* the link (mode 0777) is followed; the file it leads to is judged */
static void test_symlink(void **state)
{
	struct fx *f = *state;
	char link[PATH_MAX], target[PATH_MAX];
	char *buf = NULL;
	size_t len;

	snprintf(target, sizeof(target), "%s", make(f, "k", KEY, strlen(KEY), 0600));
	snprintf(link, sizeof(link), "%s/link", f->dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(file_read_secret(link, 4096, &buf, &len), 0);
	assert_int_equal(len, strlen(KEY));
	assert_memory_equal(buf, KEY, len);
	secmem_free(buf);

	assert_int_equal(chmod(target, 0644), 0);
	assert_int_equal(file_read_secret(link, 4096, &buf, &len), -EPERM);
	assert_null(buf);

	snprintf(link, sizeof(link), "%s/dirlink", f->dir);
	assert_int_equal(symlink(f->dir, link), 0);
	assert_int_equal(file_read_secret(link, 4096, &buf, &len), -EISDIR);
}

static void test_missing(void **state)
{
	struct fx *f = *state;
	char *buf = (char *)1;
	size_t len;

	snprintf(f->path, sizeof(f->path), "%s/none", f->dir);
	assert_int_equal(file_read(f->path, 4096, &buf, &len), -ENOENT);
	assert_null(buf);
	assert_int_equal(file_read_secret(f->path, 4096, &buf, &len), -ENOENT);
	assert_null(buf);
}

/* the mode is handed out even when the file is then refused */
static void test_mode_out(void **state)
{
	const char *p = make(*state, "k", KEY, strlen(KEY), 0640);
	char *buf = NULL;
	size_t len;
	mode_t mode = 0;

	assert_int_equal(file_read_flags(p, 4096, FILE_SECMEM, &buf, &len, &mode), 0);
	assert_int_equal(mode & 07777, 0640);
	assert_true(S_ISREG(mode));
	secmem_free(buf);
	mode = 0;
	assert_int_equal(file_read_flags(p, 4096, FILE_SECMEM | FILE_OWNER_ONLY, &buf, &len, &mode),
			 -EPERM);
	assert_int_equal(mode & 07777, 0640);
}

/*
 * A file whose size fstat() does not know (procfs says 0): the buffer grows,
 * in secure memory too, and the limit still holds.
 */
static void test_grows_past_stat_size(void **state)
{
	char *buf = NULL;
	size_t len;

	(void)state;
	assert_int_equal(
		file_read_flags("/proc/self/status", 1 << 20, FILE_SECMEM, &buf, &len, NULL), 0);
	assert_true(len > 100);
	assert_int_equal(strlen(buf), len);
	assert_non_null(strstr(buf, "Name:"));
	secmem_free(buf);
	assert_int_equal(file_read("/proc/self/status", 1 << 20, &buf, &len), 0);
	assert_non_null(strstr(buf, "Name:"));
	free(buf);
	buf = (char *)1;
	assert_int_equal(file_read_flags("/proc/self/status", 20, FILE_SECMEM, &buf, &len, NULL),
			 -EFBIG);
	assert_null(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secret_0600_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_open_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_any_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test(test_device),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_out, setup, teardown),
		cmocka_unit_test(test_grows_past_stat_size),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
