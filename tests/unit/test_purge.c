// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * purge_run(): the sample before a firmware command and the read-back after
 * it, on an image file that the "command" of each test changes (or not)
 * through a descriptor of its own, as a drive would behind the page cache;
 * and purge_await(), the one wait for a drive, on a scripted poll and a fake
 * clock: its bound, stall limit, errors and JSON.
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
#include "fake_clock.h"

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

/* a drive whose answers are scripted: BUSY (with or without progress) until @done_at */
struct script {
	unsigned done_at;  /* the poll that says done (0: never) */
	int err_at;	   /* the poll that fails with -EIO (0: never) */
	bool no_progress;  /* in progress without a progress value */
	uint32_t progress; /* else this value, plus @step a poll */
	uint32_t step;
};

static int scripted_poll(struct purge_await *w)
{
	struct script *s = w->usr;
	unsigned n = w->polls + 1;

	if (s->err_at && n == (unsigned)s->err_at) {
		snprintf(w->why, w->len, "the drive said no");
		return -EIO;
	}
	if (s->done_at && n == s->done_at)
		return PURGE_DONE;
	w->progress_valid = !s->no_progress;
	w->progress = s->progress;
	s->progress += s->step;
	snprintf(w->status, sizeof(w->status), "busy");
	return PURGE_BUSY;
}

static int await(struct script *s, struct fake_clock *c, uint64_t estimate_ms, bool overwrite,
		 struct purge_await *w, json_t *detail, char *why, size_t len)
{
	*w = (struct purge_await){ .what = "test",
				   .poll = scripted_poll,
				   .usr = s,
				   .estimate_ms = estimate_ms,
				   .overwrite = overwrite,
				   .timing = c ? &c->timing : NULL,
				   .detail = detail,
				   .why = why,
				   .len = len };
	return purge_await(w);
}

/* The bound and the stall limit follow the estimate, as purge.h documents. */
static void test_await_limits(void **state)
{
	struct script s = { .done_at = 1 };
	struct purge_await w;
	char why[256];

	assert_int_equal(await(&s, NULL, 3600 * 1000, false, &w, NULL, why, sizeof(why)), 0);
	assert_int_equal(w.bound_ms, (2 * 3600 + 600) * 1000ull);
	assert_int_equal(w.stall_ms, 600 * 1000);
	assert_int_equal(await(&s, NULL, 86400 * 1000, false, &w, NULL, why, sizeof(why)), 0);
	assert_int_equal(w.bound_ms, (2 * 86400 + 600) * 1000ull);
	assert_int_equal(w.stall_ms, (2 * 86400 + 600) * 1000ull / 16);
	assert_int_equal(await(&s, NULL, 0, false, &w, NULL, why, sizeof(why)), 0);
	assert_int_equal(w.bound_ms, 48 * 3600 * 1000ull);
	assert_int_equal(w.stall_ms, 3 * 3600 * 1000ull);
	assert_int_equal(await(&s, NULL, 0, true, &w, NULL, why, sizeof(why)), 0);
	assert_int_equal(w.bound_ms, 7 * 24 * 3600 * 1000ull);
	assert_string_equal(w.outcome, "completed");
	assert_int_equal(w.polls, 1);
}

/* A drive that reports no progress value cannot stall: only the bound holds it. */
static void test_await_no_progress_value(void **state)
{
	struct script s = { .no_progress = true };
	struct fake_clock c;
	struct purge_await w;
	json_t *d = json_object();
	char why[256];

	fake_clock_init(&c, 60 * 1000);
	assert_int_equal(await(&s, &c, 3600 * 1000, false, &w, d, why, sizeof(why)), -ETIMEDOUT);
	assert_string_equal(w.outcome, "timeout");
	assert_int_equal(fake_clock_elapsed(&c), (2 * 3600 + 600) * 1000ull);
	assert_string_equal(why, "test: timeout: still in progress after 7800 s (twice the drive's "
				 "estimate plus 10 minutes), drive last reported no progress "
				 "value, busy");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(d, "wait"), "outcome")),
		"timeout");
	assert_true(json_is_null(json_object_get(json_object_get(d, "wait"), "last_progress")));
	assert_int_equal(json_integer_value(json_object_get(d, "polls")), w.polls);
	json_decref(d);
}

/* Progress at 0 from the first poll on is a stall too. */
static void test_await_stalled_at_zero(void **state)
{
	struct script s = { 0 };
	struct fake_clock c;
	struct purge_await w;
	char why[256];

	fake_clock_init(&c, 0);
	assert_int_equal(await(&s, &c, 0, false, &w, NULL, why, sizeof(why)), -ETIME);
	assert_string_equal(w.outcome, "stalled");
	assert_int_equal(w.still_ms, 3 * 3600 * 1000ull);
	assert_non_null(strstr(why, "test: stalled: no progress for 10800 s, drive last reported "
				    "progress 0/65536 (0.0%), busy"));
}

/* The poll's own error ends the wait with its errno and its reason. */
static void test_await_poll_error(void **state)
{
	struct script s = { .err_at = 3, .step = 1 };
	struct fake_clock c;
	struct purge_await w;
	char why[256];

	fake_clock_init(&c, 0);
	assert_int_equal(await(&s, &c, 0, false, &w, NULL, why, sizeof(why)), -EIO);
	assert_string_equal(w.outcome, "failed");
	assert_int_equal(w.polls, 3);
	assert_string_equal(why, "the drive said no");
}

/* The real clock: a short poll interval, really slept. */
static void test_await_real_clock(void **state)
{
	struct script s = { .done_at = 3, .step = 1 };
	struct purge_timing t = { .poll_ms = 1 };
	struct purge_await w = { .what = "test", .poll = scripted_poll, .usr = &s, .timing = &t };
	char why[64];

	w.why = why;
	w.len = sizeof(why);
	assert_int_equal(purge_await(&w), 0);
	assert_int_equal(w.polls, 3);
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
		cmocka_unit_test(test_await_limits),
		cmocka_unit_test(test_await_no_progress_value),
		cmocka_unit_test(test_await_stalled_at_zero),
		cmocka_unit_test(test_await_poll_error),
		cmocka_unit_test(test_await_real_clock),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
