// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reserved output files: space taken before the work, the document moved
 * into place at the end, never over a file that is there unless asked. Each
 * test runs with the nameless temporary file (O_TMPFILE), and with the named
 * one of file systems without it, with and without hard links (forced by
 * KESU_TEST_NO_TMPFILE, so only in a build with --enable-test-hooks). A process killed while writing
 * leaves nothing in the first case, and a file the next reserve removes in
 * the second.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "outfile.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX - 64];
	char path[PATH_MAX];
};

/* the group running: a named temporary file (no O_TMPFILE) or a nameless one */
static bool named;

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir), "test_outfile")) {
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
	int r = test_tmpdir_remove(f->dir);

	free(f);
	return r;
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
	assert_int_equal(count_entries(f->dir), named);
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

	assert_int_equal(outfile_reserve(&of, f->path, 4096, 0), 0);
	/* another file appears at the final name while the work runs */
	test_file_put(f->path, 0644, "theirs", 6);
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

/* a replaced file keeps its old content up to the commit, and nothing else is left */
static void test_replace(void **state)
{
	struct fx *f = *state;
	struct outfile of;
	struct stat st;
	char buf[64];

	test_file_put(f->path, 0644, "old", 3);
	assert_int_equal(outfile_reserve(&of, f->path, 4096, OUTFILE_REPLACE | OUTFILE_PRIVATE), 0);
	assert_int_equal(write(of.fd, "new secret", 10), 10);
	read_file(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "old");
	assert_int_equal(outfile_commit_written(&of), 0);
	outfile_release(&of);
	read_file(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "new secret");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(f->dir), 1);
}

/* a writer killed before its commit: nothing, or a file the next reserve removes */
static void test_killed_writer(void **state)
{
	struct fx *f = *state;
	struct outfile of;
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (outfile_reserve(&of, f->path, 1 << 20, OUTFILE_PRIVATE) ||
		    write(of.fd, "plaintext", 9) != 9)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* nameless: gone with the process; named: left, with the dead process's PID */
	assert_int_equal(count_entries(f->dir), named);
	assert_int_equal(outfile_reserve(&of, f->path, 4096, 0), 0);
	assert_int_equal(of.stale, named);
	assert_int_equal(count_entries(f->dir), named); /* this reserve's own, if named */
	outfile_release(&of);
	assert_int_equal(count_entries(f->dir), 0);
}

static void touch_at(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* only kesu's names, of dead processes, regular files, owned by this user */
static void test_stale_rules(void **state)
{
	struct fx *f = *state;
	long dead = (long)dead_pid();
	char name[128], path[PATH_MAX + 128];
	struct outfile of;

	/* the one to remove */
	snprintf(name, sizeof(name), ".kesu-%ld-0123456789ab.tmp", dead);
	touch_at(f->dir, name);
	/* kept: a live process's; one without a PID (whose it is cannot be told); names
	 * kesu does not make */
	snprintf(name, sizeof(name), ".kesu-%ld-0123456789ab.tmp", (long)getppid());
	touch_at(f->dir, name);
	touch_at(f->dir, ".kesu-0123456789ab.tmp");
	snprintf(name, sizeof(name), ".kesu-%ld-0123456789AB.tmp", dead);
	touch_at(f->dir, name);
	snprintf(name, sizeof(name), ".kesu-%ld-0123456789ab.tmp.keep", dead);
	touch_at(f->dir, name);
	/* kept: a directory, a symbolic link, someone else's file */
	snprintf(path, sizeof(path), "%s/.kesu-%ld-aaaaaaaaaaaa.tmp", f->dir, dead);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.kesu-%ld-bbbbbbbbbbbb.tmp", f->dir, dead);
	assert_int_equal(symlink("r.json", path), 0);
	if (geteuid() == 0) {
		snprintf(name, sizeof(name), ".kesu-%ld-cccccccccccc.tmp", dead);
		touch_at(f->dir, name);
		snprintf(path, sizeof(path), "%s/%s", f->dir, name);
		assert_int_equal(chown(path, 65534, 65534), 0);
	}
	assert_int_equal(outfile_reserve(&of, f->path, 4096, 0), 0);
	assert_int_equal(of.stale, 1);
	outfile_release(&of);
	assert_int_equal(count_entries(f->dir), geteuid() == 0 ? 7 : 6);
}

/* CAP_DAC_READ_SEARCH in the effective set: on (@on) or off */
static int cap_dac_read_search(bool on)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (on)
		d[0].effective |= d[0].permitted & (1u << CAP_DAC_READ_SEARCH);
	else
		d[0].effective &= ~(1u << CAP_DAC_READ_SEARCH);
	return (int)syscall(SYS_capset, &h, d);
}

/* without the capability linkat(AT_EMPTY_PATH) needs, /proc/self/fd publishes */
static void test_no_capability(void **state)
{
	struct fx *f = *state;
	struct outfile of;
	char buf[64];

	/* dropped after the open: since Linux 6.10 the opener's own credentials suffice */
	assert_int_equal(outfile_reserve(&of, f->path, 4096, 0), 0);
	assert_int_equal(cap_dac_read_search(false), 0);
	assert_int_equal(outfile_commit(&of, "via proc", 8), 0);
	outfile_release(&of);
	assert_int_equal(cap_dac_read_search(true), 0);
	read_file(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "via proc");
	assert_int_equal(count_entries(f->dir), 1);
}

/* a serial or tag from a drive or the firmware, as part of a file name */
static void test_name_part(void **state)
{
	char out[8];

	outfile_name_part("S3Z-1.a_b", out, sizeof(out));
	assert_string_equal(out, "S3Z-1.a");
	outfile_name_part("../x y", out, sizeof(out));
	assert_string_equal(out, "_._x_y");
	outfile_name_part("a/\n\xff\"$", out, sizeof(out));
	assert_string_equal(out, "a_____");
	outfile_name_part(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	outfile_name_part("abc", out, 1);
	assert_string_equal(out, "");
}

static int group_nameless(void **state)
{
	named = false;
	return unsetenv("KESU_TEST_NO_TMPFILE");
}

static int group_named(void **state)
{
	named = true;
	return setenv("KESU_TEST_NO_TMPFILE", "1", 1);
}

/* vfat and exfat: no hard links either, so no link(2) to publish without replacing */
static int group_named_nolink(void **state)
{
	named = true;
	return setenv("KESU_TEST_NO_TMPFILE", "nolink", 1);
}

#define EACH(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		EACH(test_reserve_commit), EACH(test_never_replaces), EACH(test_check_path),
		EACH(test_unique),	   EACH(test_replace),	      EACH(test_killed_writer),
		EACH(test_stale_rules),	   EACH(test_no_capability),
	};
	const struct CMUnitTest pure[] = { cmocka_unit_test(test_name_part) };
	int rc = cmocka_run_group_tests_name("names", pure, NULL, NULL);

	rc |= cmocka_run_group_tests_name("nameless", tests, group_nameless, NULL);

#ifdef KESU_TEST_HOOKS
	rc |= cmocka_run_group_tests_name("named", tests, group_named, NULL);
	rc |= cmocka_run_group_tests_name("named, no hard links", tests, group_named_nolink, NULL);
#else
	fprintf(stderr, "test_outfile: built without --enable-test-hooks: the named temporary "
			"files of file systems without O_TMPFILE are not tested\\n");
#endif
	return rc;
}
