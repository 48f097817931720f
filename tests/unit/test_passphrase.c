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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_off), cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_empty),	 cmocka_unit_test(test_not_a_terminal),
		cmocka_unit_test(test_from_fd),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
