// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reserved output files: space taken before the work, the document moved
 * into place at the end, never over a file that is there unless asked.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

#include "outfile.h"

struct fx {
	char dir[PATH_MAX - 64];
	char path[PATH_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/test_outfile.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/r.json", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static size_t count_entries(const char *dir)
{
	char cmd[PATH_MAX + 32];
	FILE *p;
	size_t n = 0;
	int c;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF)
		n += c == '\n';
	pclose(p);
	return n;
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void test_reserve_commit(void **state)
{
	struct fx *f = *state;
	struct outfile of;
	struct stat st;
	char buf[64];

	assert_int_equal(outfile_reserve(&of, f->path, 65536, 0), 0);
	/* the placeholder holds the space; the final name does not exist yet */
	assert_int_equal(fstat(of.fd, &st), 0);
	assert_true(st.st_size >= 65536);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(count_entries(f->dir), 1);
	assert_int_equal(outfile_commit(&of, "{\"a\":1}\n", 8), 0);
	assert_string_equal(of.final_path, f->path);
	outfile_release(&of);
	read_file(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"a\":1}\n");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_size, 8);
	assert_int_equal(count_entries(f->dir), 1);
}

static void test_never_replaces(void **state)
{
	struct fx *f = *state;
	struct outfile of;
	char buf[64];
	FILE *fp;

	assert_int_equal(outfile_reserve(&of, f->path, 4096, 0), 0);
	/* another file appears at the final name while the work runs */
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs("theirs", fp);
	fclose(fp);
	assert_int_equal(outfile_commit(&of, "mine", 4), -EEXIST);
	read_file(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "theirs");
	outfile_release(&of);
	assert_int_equal(count_entries(f->dir), 1);
	/* an existing file is refused up front too, and replaced only when asked */
	assert_int_equal(outfile_check_path(f->path, 0), -EEXIST);
	assert_int_equal(outfile_reserve(&of, f->path, 4096, OUTFILE_REPLACE), 0);
	assert_int_equal(outfile_commit(&of, "mine", 4), 0);
	outfile_release(&of);
	read_file(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "mine");
}

static void test_check_path(void **state)
{
	struct fx *f = *state;
	struct outfile of;
	char sub[PATH_MAX];

	assert_int_equal(outfile_check_path("", 0), -EINVAL);
	assert_int_equal(outfile_check_path(f->dir, 0), -EISDIR);
	assert_int_equal(outfile_check_path("/dev/null", OUTFILE_REPLACE), -ENOTTY);
	assert_int_equal(outfile_check_path(f->path, 0), 0);
	snprintf(sub, sizeof(sub), "%s/missing/r.json", f->dir);
	assert_int_equal(outfile_reserve(&of, sub, 4096, 0), -ENOENT);
	assert_int_equal(of.fd, -1);
	assert_int_equal(outfile_reserve_in_dir(&of, f->path, 4096), -ENOENT);
	assert_int_equal(count_entries(f->dir), 0);
}

static int name_n(char *buf, size_t len, void *usr)
{
	int *n = usr;

	snprintf(buf, len, "r-%d.json", (*n)++ / 2);
	return 0;
}

static void test_unique(void **state)
{
	struct fx *f = *state;
	struct outfile a, b;
	int n = 0;

	assert_int_equal(outfile_reserve_in_dir(&a, f->dir, 4096), 0);
	assert_int_equal(outfile_reserve_in_dir(&b, f->dir, 4096), 0);
	assert_int_equal(outfile_commit_unique(&a, "a", 1, name_n, &n), 0);
	/* the second asks for the same name first, then gets another */
	n = 0;
	assert_int_equal(outfile_commit_unique(&b, "b", 1, name_n, &n), 0);
	assert_string_not_equal(a.final_path, b.final_path);
	outfile_release(&a);
	outfile_release(&b);
	assert_int_equal(count_entries(f->dir), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reserve_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
