// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * purge_run(): the sample before a firmware command and the read-back after
 * it, on an image file that the "command" of each test changes (or not)
 * through a descriptor of its own, as a drive would behind the page cache.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "erase/purge.h"

#define SIZE (16u << 20)

enum effect { NONE, ZERO, ONES, SCRAMBLE };

static char path[64];
static enum effect effect;
static int exec_ret;
static unsigned exec_calls;

/* fill the image with @byte, or random data for -1 */
static void fill(int byte)
{
	uint8_t *buf = malloc(SIZE);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	assert_non_null(buf);
	assert_true(fd >= 0);
	if (byte < 0)
		randombytes_buf(buf, SIZE);
	else
		memset(buf, byte, SIZE);
	assert_int_equal(pwrite(fd, buf, SIZE, 0), SIZE);
	fsync(fd);
	close(fd);
	free(buf);
}

static int fake_exec(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		     json_t *detail, char *why, size_t len)
{
	exec_calls++;
	json_object_set_new(detail, "scope", json_string("namespace"));
	json_object_set_new(detail, "status", json_integer(exec_ret > 0 ? exec_ret : 0));
	if (exec_ret) {
		snprintf(why, len, "the drive said no");
		return exec_ret;
	}
	if (effect != NONE)
		fill(effect == ZERO ? 0 : effect == ONES ? 0xff : -1);
	return 0;
}

static bool expect_zero(const struct erase_opts *o, struct pattern *p)
{
	return pattern_parse("zero", p) == 0;
}

static const struct purge_cmd cmd_zero = { "test erase", fake_exec, expect_zero };
static const struct purge_cmd cmd_crypto = { "test crypto erase", fake_exec, NULL };

static int setup(void **state)
{
	snprintf(path, sizeof(path), "/tmp/kesu-purge-XXXXXX");
	close(mkstemp(path));
	exec_ret = 0;
	exec_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

/* run @c on the image; the result and its "purge" object */
static json_t *run(const struct purge_cmd *c, volatile sig_atomic_t *abort, struct erase_result *r)
{
	struct erase_plan plan = { .verify = ERASE_VERIFY_LAST };
	struct erase_opts o = { .abort = abort, .sample_seed = 42 };
	struct dev *d;

	assert_int_equal(dev_open(path, DEV_OPEN_WRITE, &d), 0);
	purge_run(d, &plan, &o, r, c);
	dev_close(d);
	assert_non_null(r->purge);
	return json_object_get(r->purge, "verification");
}

static json_int_t num(json_t *v, const char *key)
{
	return json_integer_value(json_object_get(v, key));
}

static const char *str(json_t *v, const char *key)
{
	return json_string_value(json_object_get(v, key));
}

static void test_changed_to_pattern(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(-1);
	effect = ZERO;
	v = run(&cmd_zero, NULL, &r);
	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_true(r.verified);
	assert_int_equal(exec_calls, 1);
	assert_int_equal(num(v, "samples"), 1000);
	assert_int_equal(num(v, "canaries"), 0);
	assert_int_equal(num(v, "unchanged"), 0);
	assert_int_equal(num(v, "not_pattern"), 0);
	assert_string_equal(str(v, "result"), "passed");
	assert_string_equal(str(v, "expected_pattern"), "zero");
	/* the command's own details are merged in */
	assert_string_equal(str(r.purge, "command"), "test erase");
	assert_string_equal(str(r.purge, "scope"), "namespace");
	erase_result_free(&r);
}

/* A drive that says success and changes nothing: a failed erasure. */
static void test_success_but_unchanged(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(-1);
	effect = NONE;
	v = run(&cmd_zero, NULL, &r);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_false(r.verified);
	assert_int_equal(num(v, "unchanged"), 1000);
	assert_string_equal(str(v, "result"), "failed");
	assert_non_null(strstr(r.reason, "read as before"));
	assert_true(r.mismatch.n > 0);
	erase_result_free(&r);
}

/*
 * A disk that is already zero proves nothing by reading zero afterwards:
 * canaries are written first, so a drive that does nothing is caught...
 */
static void test_canary_catches_noop(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(0);
	effect = NONE;
	v = run(&cmd_zero, NULL, &r);
	assert_int_equal(num(v, "canaries"), 1000);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(num(v, "unchanged"), 1000);
	erase_result_free(&r);
}

/* ...and a drive that erases passes. */
static void test_canary_then_erased(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(0);
	effect = ZERO;
	v = run(&cmd_zero, NULL, &r);
	assert_int_equal(num(v, "canaries"), 1000);
	assert_int_equal(r.code, ERASE_SUCCESS);
	erase_result_free(&r);
}

static void test_not_pattern(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(-1);
	effect = ONES;
	v = run(&cmd_zero, NULL, &r);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(num(v, "unchanged"), 0);
	assert_int_equal(num(v, "not_pattern"), 1000);
	assert_non_null(strstr(r.reason, "do not read as the pattern"));
	erase_result_free(&r);
}

/* No defined result (crypto erase): changed is enough, uniform blocks get canaries. */
static void test_crypto_changed(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(0xff);
	effect = SCRAMBLE;
	v = run(&cmd_crypto, NULL, &r);
	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_int_equal(num(v, "canaries"), 1000);
	assert_true(json_is_null(json_object_get(v, "expected_pattern")));
	erase_result_free(&r);
}

static void test_command_fails(void **state)
{
	struct erase_result r;
	json_t *v;

	fill(-1);
	exec_ret = -EIO;
	v = run(&cmd_zero, NULL, &r);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(r.err, -EIO);
	assert_non_null(strstr(r.reason, "the drive said no"));
	assert_string_equal(str(v, "result"), "not-run");
	erase_result_free(&r);
}

static void test_abort_before_command(void **state)
{
	volatile sig_atomic_t stop = 1;
	struct erase_result r;

	fill(-1);
	effect = ZERO;
	run(&cmd_zero, &stop, &r);
	assert_int_equal(r.code, ERASE_ABORTED);
	assert_int_equal(exec_calls, 0);
	assert_non_null(strstr(r.reason, "nothing was sent"));
	erase_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changed_to_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_but_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canary_catches_noop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canary_then_erased, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_before_command, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
