// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading passphrases: echo is off while the person types (nothing comes
 * back on the terminal), restored afterwards; two answers must agree; pipes
 * are not terminals; lines from a file descriptor for batch use.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "secmem.h"
#include "src/passphrase.h"

struct reader {
	int slave;
	bool confirm;
	FILE *out; /* the prompts, read back by the test through a pipe */
	char *pass;
	int ret;
};

static void *read_thread(void *arg)
{
	struct reader *rd = arg;

	rd->ret = passphrase_read(rd->slave, rd->out, "passphrase", rd->confirm, &rd->pass);
	fclose(rd->out);
	return NULL;
}

/* Read the prompt stream until @text has appeared (the prompt is printed first). */
static void wait_for_prompt(int fd, const char *text, char *seen, size_t size, size_t *have)
{
	while (!strstr(seen, text)) {
		ssize_t r = read(fd, seen + *have, size - *have - 1);

		assert_true(r > 0);
		*have += (size_t)r;
		seen[*have] = '\0';
	}
}

/* Wait until the reader has turned echo off, then type @line. */
static void type_when_quiet(int master, int slave, const char *line)
{
	struct termios t;

	for (int i = 0; i < 2000; i++) {
		assert_int_equal(tcgetattr(slave, &t), 0);
		if (!(t.c_lflag & ECHO))
			break;
		usleep(1000);
	}
	assert_false(t.c_lflag & ECHO);
	assert_int_equal(write(master, line, strlen(line)), (ssize_t)strlen(line));
}

/* Everything the terminal sent back so far. */
static size_t drain(int master, char *buf, size_t size)
{
	size_t n = 0;
	int fl = fcntl(master, F_GETFL);

	fcntl(master, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		ssize_t r = read(master, buf + n, size - n - 1);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	fcntl(master, F_SETFL, fl);
	buf[n] = '\0';
	return n;
}

static int run(bool confirm, const char *first, const char *second, char **pass, char *echoed,
	       size_t echoed_size)
{
	int master, slave, prompts[2];
	struct reader rd = { .confirm = confirm };
	struct termios t;
	char seen[512] = "";
	size_t have = 0;
	pthread_t tid;

	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	assert_int_equal(pipe(prompts), 0);
	rd.slave = slave;
	rd.out = fdopen(prompts[1], "w");
	assert_non_null(rd.out);
	assert_int_equal(pthread_create(&tid, NULL, read_thread, &rd), 0);
	wait_for_prompt(prompts[0], "passphrase: ", seen, sizeof(seen), &have);
	type_when_quiet(master, slave, first);
	if (second) {
		/* the first answer was taken once the second prompt is out */
		wait_for_prompt(prompts[0], "(again): ", seen, sizeof(seen), &have);
		type_when_quiet(master, slave, second);
	}
	pthread_join(tid, NULL);
	close(prompts[0]);
	drain(master, echoed, echoed_size);
	assert_int_equal(tcgetattr(slave, &t), 0);
	assert_true(t.c_lflag & ECHO); /* restored */
	close(master);
	close(slave);
	*pass = rd.pass;
	return rd.ret;
}

static void test_echo_off(void **state)
{
	char echoed[256], *pass = NULL;

	assert_int_equal(run(false, "kesu-secret-1\n", NULL, &pass, echoed, sizeof(echoed)), 0);
	assert_string_equal(pass, "kesu-secret-1");
	assert_null(strstr(echoed, "kesu-secret"));
	passphrase_free(pass);
}

static void test_confirm(void **state)
{
	char echoed[256], *pass = NULL;

	assert_int_equal(run(true, "same words\n", "same words\n", &pass, echoed, sizeof(echoed)),
			 0);
	assert_string_equal(pass, "same words");
	passphrase_free(pass);
	pass = NULL;
	assert_int_equal(run(true, "one\n", "another\n", &pass, echoed, sizeof(echoed)),
			 -EKEYREJECTED);
	assert_null(pass);
}

static void test_empty(void **state)
{
	char echoed[256], *pass = NULL;

	assert_int_equal(run(false, "\n", NULL, &pass, echoed, sizeof(echoed)), -ENODATA);
	assert_null(pass);
}

static void test_not_a_terminal(void **state)
{
	int p[2];
	char *pass = NULL;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(passphrase_read(p[0], stderr, "passphrase", false, &pass), -ENOTTY);
	close(p[0]);
	close(p[1]);
}

static int from_pipe(const char *data, size_t len, char **pass)
{
	int p[2], r;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, len), (ssize_t)len);
	close(p[1]);
	r = passphrase_from_fd(p[0], pass);
	close(p[0]);
	return r;
}

static void test_from_fd(void **state)
{
	static char big[PASSPHRASE_MAX + 10];
	char *pass = NULL;

	assert_int_equal(from_pipe("line one\nline two\n", 18, &pass), 0);
	assert_string_equal(pass, "line one");
	passphrase_free(pass);
	assert_int_equal(from_pipe("no newline", 10, &pass), 0);
	assert_string_equal(pass, "no newline");
	passphrase_free(pass);
	pass = NULL;
	assert_int_equal(from_pipe("", 0, &pass), -ENODATA);
	memset(big, 'x', sizeof(big));
	assert_int_equal(from_pipe(big, sizeof(big), &pass), -EMSGSIZE);
	assert_null(pass);
}

/* ---- pass_resolve(): one resolver for every command ---- */

#define STRONG "Qm7v-kesu-Zr2x-Tb9w"
#define STRONG2 "Lk3m-new-Xy7q-Pw4z"

/* A passphrase file in a new temporary directory; @dir receives the directory. */
static void pass_file(char *dir, size_t size, const char *data, size_t len, char *path)
{
	int fd;

	snprintf(dir, size, "/tmp/kesu-pass.XXXXXX");
	assert_non_null(mkdtemp(dir));
	sprintf(path, "%s/pass", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void pass_file_remove(const char *dir, const char *path)
{
	unlink(path);
	rmdir(dir);
}

static int resolve(struct pass_source *src, bool create, bool allow_weak, char **pass)
{
	struct pass_request req = {
		.src = src, .prompt = "passphrase", .create = create, .allow_weak = allow_weak
	};

	return pass_resolve(&req, pass);
}

static void test_resolve_file_lines(void **state)
{
	struct pass_source src = PASS_SOURCE_INIT;
	char dir[64], path[96], *cur = NULL, *new = NULL, *none = NULL;

	pass_file(dir, sizeof(dir), STRONG "\n" STRONG2 "\n", sizeof(STRONG "\n" STRONG2 "\n") - 1,
		  path);
	src.file = path;
	/* the current passphrase first, then the new one: two lines of one file, in turn */
	assert_int_equal(resolve(&src, false, false, &cur), 0);
	assert_string_equal(cur, STRONG);
	assert_int_equal(resolve(&src, true, false, &new), 0);
	assert_string_equal(new, STRONG2);
	assert_int_equal(resolve(&src, false, false, &none), -ENODATA);
	assert_null(none);
	pass_source_close(&src);
	passphrase_free(cur);
	passphrase_free(new);
	pass_file_remove(dir, path);
}

static void test_resolve_file_refused(void **state)
{
	static char big[PASSPHRASE_MAX + 10];
	struct pass_source src = PASS_SOURCE_INIT;
	char dir[64], path[96], *pass = NULL;

	pass_file(dir, sizeof(dir), "", 0, path);
	src.file = dir;
	assert_int_equal(resolve(&src, false, false, &pass), -EISDIR);
	src.file = "/dev/null";
	assert_int_equal(resolve(&src, false, false, &pass), -EINVAL);
	src.file = "/nonexistent/kesu-pass";
	assert_int_equal(resolve(&src, false, false, &pass), -ENOENT);
	src.file = path;
	assert_int_equal(resolve(&src, false, false, &pass), -ENODATA);
	assert_null(pass);
	pass_source_close(&src);
	pass_file_remove(dir, path);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\n';
	pass_file(dir, sizeof(dir), big, sizeof(big), path);
	src = (struct pass_source)PASS_SOURCE_INIT;
	src.file = path;
	assert_int_equal(resolve(&src, false, false, &pass), -EMSGSIZE);
	assert_null(pass);
	pass_source_close(&src);
	pass_file_remove(dir, path);
}

/* --passphrase-fd N on a pipe holding @data */
static int resolve_pipe(const char *data, bool create, bool allow_weak, char **pass)
{
	struct pass_source src = PASS_SOURCE_INIT;
	const char *why = NULL;
	char num[16];
	int p[2], r;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, strlen(data)), (ssize_t)strlen(data));
	close(p[1]);
	snprintf(num, sizeof(num), "%d", p[0]);
	assert_int_equal(pass_source_opt(&src, true, num, &why), 0);
	assert_int_equal(src.fd, p[0]);
	r = resolve(&src, create, allow_weak, pass);
	pass_source_close(&src);
	close(p[0]);
	return r;
}

static void test_resolve_fd(void **state)
{
	char *pass = NULL;

	assert_int_equal(resolve_pipe(STRONG "\n", true, false, &pass), 0);
	assert_string_equal(pass, STRONG);
	passphrase_free(pass);
	pass = NULL;
	/* the strength check applies to a new passphrase from a pipe as from a terminal */
	assert_int_equal(resolve_pipe("abc\n", true, false, &pass), -EKEYREJECTED);
	assert_null(pass);
	/* ... not to a current one, which is what it is */
	assert_int_equal(resolve_pipe("abc\n", false, false, &pass), 0);
	assert_string_equal(pass, "abc");
	passphrase_free(pass);
}

static void test_resolve_allow_weak(void **state)
{
	char *pass = NULL;

	assert_int_equal(resolve_pipe("abc\n", true, true, &pass), 0);
	assert_string_equal(pass, "abc");
	passphrase_free(pass);
}

struct resolver {
	struct pass_source src;
	bool create;
	char *pass;
	int ret;
};

static void *resolve_thread(void *arg)
{
	struct resolver *rs = arg;

	rs->ret = resolve(&rs->src, rs->create, false, &rs->pass);
	fclose(rs->src.out);
	return NULL;
}

/*
 * pass_resolve() on a pseudo-terminal: @first typed at the first prompt,
 * @second (if not NULL) at "(again)". @seen receives every prompt shown.
 */
static int resolve_tty(const char *first, const char *second, char **pass, char *seen, size_t size)
{
	struct resolver rs = { .src = PASS_SOURCE_INIT, .create = true };
	int master, slave, prompts[2];
	size_t have = 0;
	pthread_t tid;
	ssize_t n;

	seen[0] = '\0';
	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	assert_int_equal(pipe(prompts), 0);
	rs.src.tty = slave;
	rs.src.tty_set = true;
	rs.src.out = fdopen(prompts[1], "w");
	assert_non_null(rs.src.out);
	assert_int_equal(pthread_create(&tid, NULL, resolve_thread, &rs), 0);
	wait_for_prompt(prompts[0], "passphrase: ", seen, size, &have);
	type_when_quiet(master, slave, first);
	if (second) {
		wait_for_prompt(prompts[0], "(again): ", seen, size, &have);
		type_when_quiet(master, slave, second);
	}
	pthread_join(tid, NULL);
	/* whatever else was shown, up to the end of the stream */
	while ((n = read(prompts[0], seen + have, size - have - 1)) > 0)
		have += (size_t)n;
	seen[have] = '\0';
	close(prompts[0]);
	close(master);
	close(slave);
	*pass = rs.pass;
	return rs.ret;
}

static void test_resolve_tty(void **state)
{
	char seen[512], *pass = NULL;

	assert_int_equal(resolve_tty(STRONG "\n", STRONG "\n", &pass, seen, sizeof(seen)), 0);
	assert_string_equal(pass, STRONG);
	passphrase_free(pass);
	pass = NULL;
	assert_int_equal(resolve_tty(STRONG "\n", STRONG2 "\n", &pass, seen, sizeof(seen)),
			 -ECANCELED);
	assert_null(pass);
}

static void test_resolve_tty_weak_once(void **state)
{
	char seen[512], *pass = NULL;

	/* refused after the first answer: the second prompt is never shown */
	assert_int_equal(resolve_tty("abc\n", NULL, &pass, seen, sizeof(seen)), -EKEYREJECTED);
	assert_null(pass);
	assert_non_null(strstr(seen, "passphrase: "));
	assert_null(strstr(seen, "(again)"));
}

static void test_resolve_no_tty(void **state)
{
	struct pass_source src = PASS_SOURCE_INIT;
	char *pass = NULL;
	int p[2];

	/* a pipe where the terminal should be, and no --passphrase-file/-fd */
	assert_int_equal(pipe(p), 0);
	src.tty = p[0];
	src.tty_set = true;
	assert_int_equal(resolve(&src, false, false, &pass), -ENOTTY);
	assert_null(pass);
	close(p[0]);
	close(p[1]);
}

static void test_source_opt(void **state)
{
	struct pass_source s = PASS_SOURCE_INIT;
	const char *why = NULL;

	assert_false(pass_source_given(&s));
	assert_int_equal(pass_source_opt(&s, false, "/some/file", &why), 0);
	assert_true(pass_source_given(&s));
	assert_int_equal(pass_source_opt(&s, true, "3", &why), -EALREADY);
	assert_non_null(strstr(why, "exclude each other"));
	assert_int_equal(pass_source_opt(&s, false, "/other", &why), -EALREADY);
	assert_non_null(strstr(why, "given twice"));

	s = (struct pass_source)PASS_SOURCE_INIT;
	assert_int_equal(pass_source_opt(&s, true, "x", &why), -EINVAL);
	assert_int_equal(pass_source_opt(&s, true, "-1", &why), -EINVAL);
	assert_int_equal(pass_source_opt(&s, true, "3x", &why), -EINVAL);
	assert_int_equal(pass_source_opt(&s, true, "", &why), -EINVAL);
	assert_int_equal(pass_source_opt(&s, true, "99999999999", &why), -EINVAL);
	assert_false(pass_source_given(&s));
	assert_int_equal(pass_source_opt(&s, true, "3", &why), 0);
	assert_int_equal(s.fd, 3);
	assert_int_equal(pass_source_opt(&s, false, "/some/file", &why), -EALREADY);
	assert_non_null(strstr(why, "exclude each other"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_off),
		cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_not_a_terminal),
		cmocka_unit_test(test_from_fd),
		cmocka_unit_test(test_resolve_file_lines),
		cmocka_unit_test(test_resolve_file_refused),
		cmocka_unit_test(test_resolve_fd),
		cmocka_unit_test(test_resolve_allow_weak),
		cmocka_unit_test(test_resolve_tty),
		cmocka_unit_test(test_resolve_tty_weak_once),
		cmocka_unit_test(test_resolve_no_tty),
		cmocka_unit_test(test_source_opt),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
