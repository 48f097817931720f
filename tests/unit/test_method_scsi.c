// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scsi-sanitize-* methods against the simulated device: SANITIZE with
 * IMMED byte by byte, progress polled from REQUEST SENSE (fixed and
 * descriptor sense), a failed sanitize with its raw sense, a service action
 * the device refuses, the wait (stalled, timed out, slow but steady,
 * aborted while sleeping, on a fake clock), and the supported() hooks.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "erase/caps.h"
#include "erase/erase.h"
#include "erase/purge.h"
#include "erase/sanitize_scsi.h"
#include "fake_clock.h"
#include "fw_sim_scsi.h"

static struct fake_clock clk; /* every wait for the device runs on it */

struct seen {
	uint32_t v[16];
	unsigned n;
};

static void on_progress(uint32_t done, void *usr)
{
	struct seen *s = usr;

	if (s->n < 16)
		s->v[s->n++] = done;
}

/* SANITIZE @sa on @sim, waiting on the fake clock; @detail and @why filled */
static int run(struct fw_sim_scsi *sim, uint8_t sa, struct seen *seen, json_t *detail, char *why,
	       size_t len)
{
	static const uint8_t param[8] = { 0x01, 0, 0, 4, 0, 0, 0, 0 };
	struct scsi_sanitize_req req = {
		.sa = sa, .timing = &clk.timing, .progress = on_progress, .usr = seen
	};
	struct fw *f;
	int r;

	if (sa == SCSI_SANITIZE_OVERWRITE) {
		req.param = param;
		req.param_len = sizeof(param);
	}
	assert_int_equal(fw_sim_scsi_open(sim, &f), 0);
	why[0] = '\0';
	r = erase_scsi_sanitize(f, &req, detail, why, len);
	fw_close(f);
	return r;
}

static void test_block_progress(void **state)
{
	static const uint8_t cdb[10] = { 0x48, 0x82, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct fw_sim_scsi sim;
	struct seen seen = { 0 };
	json_t *d = json_object();
	char why[256];
	int desc;

	(void)state;
	for (desc = 0; desc < 2; desc++) {
		fw_sim_scsi_init(&sim);
		sim.desc_sense = desc;
		memset(&seen, 0, sizeof(seen));
		assert_int_equal(run(&sim, SCSI_SANITIZE_BLOCK, &seen, d, why, sizeof(why)), 0);
		assert_memory_equal(sim.sanitize_cdb, cdb, 10);
		assert_int_equal(sim.nsanitize, 1);
		/* the two scripted progress values, in order, then done */
		assert_int_equal(seen.n, 2);
		assert_int_equal(seen.v[0], 0x4000);
		assert_int_equal(seen.v[1], 0xC000);
		assert_int_equal(fw_sim_scsi_count(&sim, 0x03), 3);
		assert_int_equal(fw_sim_scsi_count(&sim, 0x00), 1);
		assert_int_equal(json_integer_value(json_object_get(d, "polls")), 3);
		assert_int_equal(json_integer_value(json_object_get(d, "last_progress")), 0xC000);
		assert_string_equal(json_string_value(json_object_get(d, "cdb")),
				    "48820000000000000000");
	}
	json_decref(d);
}

static void test_overwrite_param(void **state)
{
	static const uint8_t cdb[10] = { 0x48, 0x81, 0, 0, 0, 0, 0, 0, 0x08, 0 };
	static const uint8_t param[8] = { 0x01, 0, 0, 4, 0, 0, 0, 0 };
	struct fw_sim_scsi sim;
	struct seen seen = { 0 };
	char why[256];

	(void)state;
	fw_sim_scsi_init(&sim);
	assert_int_equal(run(&sim, SCSI_SANITIZE_OVERWRITE, &seen, NULL, why, sizeof(why)), 0);
	assert_memory_equal(sim.sanitize_cdb, cdb, 10);
	assert_int_equal(sim.nparam, 8);
	assert_memory_equal(sim.param, param, 8);
}

static void test_failed(void **state)
{
	struct fw_sim_scsi sim;
	struct seen seen = { 0 };
	json_t *d = json_object();
	char why[256];

	(void)state;
	fw_sim_scsi_init(&sim);
	sim.fails = true;
	assert_int_equal(run(&sim, SCSI_SANITIZE_CRYPTO, &seen, d, why, sizeof(why)), -EIO);
	assert_non_null(strstr(why, "sanitize failed (31/03)"));
	assert_true(sim.failure_mode);
	/* the raw sense as REQUEST SENSE returned it: fixed, MEDIUM ERROR, 31/03 */
	assert_string_equal(json_string_value(json_object_get(d, "sense")),
			    "700003000000000a000000003103000000000000000000000000000000000000");
	assert_string_equal(json_string_value(json_object_get(d, "sense_text")),
			    "sanitize command failed");
	assert_int_equal(fw_sim_scsi_count(&sim, 0x00), 0); /* no TEST UNIT READY after a failure */

	/* in failure mode: EXIT FAILURE MODE brings it back */
	assert_int_equal(run(&sim, SCSI_SANITIZE_EXIT_FAILURE, &seen, NULL, why, sizeof(why)), 0);
	assert_false(sim.failure_mode);
	json_decref(d);
}

static void test_refused(void **state)
{
	struct fw_sim_scsi sim;
	struct seen seen = { 0 };
	json_t *d = json_object();
	char why[256];

	(void)state;
	fw_sim_scsi_init(&sim);
	sim.support[1] = 1;
	assert_int_equal(run(&sim, SCSI_SANITIZE_BLOCK, &seen, d, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, "sanitize block erase: service action not supported by the "
				 "device (24/00)");
	assert_int_equal(fw_sim_scsi_count(&sim, 0x03), 0); /* nothing to poll */
	assert_false(sim.in_progress);
	assert_string_equal(json_string_value(json_object_get(d, "sense_text")),
			    "invalid field in cdb");

	/* exit failure mode when the device is not in failure mode */
	fw_sim_scsi_init(&sim);
	assert_int_equal(run(&sim, SCSI_SANITIZE_EXIT_FAILURE, &seen, NULL, why, sizeof(why)),
			 -EINVAL);
	json_decref(d);
}

static void test_abort_transport(void **state)
{
	volatile sig_atomic_t stop = 1;
	struct scsi_sanitize_req req = { .sa = SCSI_SANITIZE_BLOCK,
					 .timing = &clk.timing,
					 .abort = &stop };
	struct fw_sim_scsi sim;
	struct seen seen = { 0 };
	char why[256];
	struct fw *f;

	(void)state;
	fw_sim_scsi_init(&sim);
	assert_int_equal(fw_sim_scsi_open(&sim, &f), 0);
	assert_int_equal(erase_scsi_sanitize(f, &req, NULL, why, sizeof(why)), -EINTR);
	fw_close(f);
	assert_int_equal(sim.nsanitize, 1); /* sent, then the polling stopped */
	assert_int_equal(fw_sim_scsi_count(&sim, 0x03), 0);

	fw_sim_scsi_init(&sim);
	sim.transport_err = -EIO;
	assert_int_equal(run(&sim, SCSI_SANITIZE_BLOCK, &seen, NULL, why, sizeof(why)), -EIO);
	assert_string_equal(why, "sanitize block erase: Input/output error");
}

static json_int_t wnum(json_t *d, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(d, "wait"), k));
}

static const char *wstr(json_t *d, const char *k)
{
	return json_string_value(json_object_get(json_object_get(d, "wait"), k));
}

/* a wait test: a healthy device, a report object, the fake clock reset after */
struct wt {
	struct fw_sim_scsi sim;
	struct seen seen;
	json_t *d;
	char why[256];
};

static int wait_setup(void **state)
{
	struct wt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	fw_sim_scsi_init(&t->sim);
	t->d = json_object();
	*state = t;
	return 0;
}

static int wait_teardown(void **state)
{
	struct wt *t = *state;

	json_decref(t->d);
	free(t);
	fake_clock_init(&clk, 0);
	return 0;
}

static int wait_run(struct wt *t, uint8_t sa, unsigned poll_ms)
{
	fake_clock_init(&clk, poll_ms);
	return run(&t->sim, sa, &t->seen, t->d, t->why, sizeof(t->why));
}

/*
 * The progress indicator freezes. SBC-4 gives no estimate: the bound is
 * 48 hours, the stall limit 3 hours; the device is left in progress.
 */
static void test_stalled(void **state)
{
	struct wt *t = *state;

	t->sim.stuck = true;
	assert_int_equal(wait_run(t, SCSI_SANITIZE_BLOCK, 60 * 1000), -ETIME);
	assert_string_equal(t->why, "sanitize block erase: stalled: no progress for 10800 s, "
				    "drive last reported progress 49152/65536 (75.0%), sense "
				    "2/04/1b (sanitize in progress); the drive may still be "
				    "working on it");
	assert_string_equal(wstr(t->d, "outcome"), "stalled");
	assert_int_equal(wnum(t->d, "bound_s"), 48 * 3600);
	assert_int_equal(wnum(t->d, "stall_s"), 3 * 3600);
	assert_int_equal(fake_clock_elapsed(&clk), (60 + 3 * 3600) * 1000ull);
	assert_true(t->sim.in_progress);
}

/* An overwrite that moves but is not done at its bound, 7 days without an estimate */
static void test_timeout(void **state)
{
	struct wt *t = *state;

	t->sim.step = 1;
	assert_int_equal(wait_run(t, SCSI_SANITIZE_OVERWRITE, 60 * 1000), -ETIMEDOUT);
	assert_non_null(strstr(t->why, "sanitize overwrite: timeout: still in progress after "
				       "604800 s (no estimate from the drive)"));
	assert_string_equal(wstr(t->d, "outcome"), "timeout");
	assert_int_equal(wnum(t->d, "bound_s"), 7 * 24 * 3600);
	assert_int_equal(fake_clock_elapsed(&clk), 7 * 24 * 3600 * 1000ull);
	assert_true(t->sim.in_progress);
}

/* A step every 2 hours for 30 hours: never 3 hours without a step, so not stalled */
static void test_slow_not_stalled(void **state)
{
	struct wt *t = *state;

	t->sim.nprogress = 1;
	t->sim.progress[0] = 0;
	t->sim.step = 0x1000;
	assert_int_equal(wait_run(t, SCSI_SANITIZE_CRYPTO, 2 * 3600 * 1000), 0);
	assert_string_equal(wstr(t->d, "outcome"), "completed");
	assert_true(wnum(t->d, "seconds") > wnum(t->d, "stall_s"));
	assert_false(t->sim.in_progress);
}

/* An abort between two polls is seen within one slice of the sleep */
static void test_abort_sleeping(void **state)
{
	struct wt *t = *state;
	volatile sig_atomic_t stop = 0;
	struct scsi_sanitize_req req = { .sa = SCSI_SANITIZE_BLOCK,
					 .timing = &clk.timing,
					 .abort = &stop };
	struct fw *f;

	clk.abort = &stop;
	clk.abort_at = 1234;
	t->sim.stuck = true;
	assert_int_equal(fw_sim_scsi_open(&t->sim, &f), 0);
	assert_int_equal(erase_scsi_sanitize(f, &req, t->d, t->why, sizeof(t->why)), -EINTR);
	fw_close(f);
	assert_string_equal(wstr(t->d, "outcome"), "aborted");
	assert_true(fake_clock_elapsed(&clk) > 1234);
	assert_true(fake_clock_elapsed(&clk) - 1234 <= PURGE_SLICE_MS);
	assert_true(clk.longest <= PURGE_SLICE_MS);
}

/*
 * TEST UNIT READY may lag behind REQUEST SENSE, and a unit attention may come
 * first: polling goes on until the device is ready
 */
static void test_tur_lags(void **state)
{
	struct fw_sim_scsi sim;
	struct seen seen = { 0 };
	char why[256];

	(void)state;
	fw_sim_scsi_init(&sim);
	sim.tur_lags = true;
	sim.nprogress = 1;
	assert_int_equal(run(&sim, SCSI_SANITIZE_CRYPTO, &seen, NULL, why, sizeof(why)), 0);
	assert_false(sim.in_progress);
	assert_true(fw_sim_scsi_count(&sim, 0x00) >= 1);

	/* a unit attention right after the end (capacity data changed) is polled past */
	fw_sim_scsi_init(&sim);
	sim.ua_after = true;
	assert_int_equal(run(&sim, SCSI_SANITIZE_BLOCK, &seen, NULL, why, sizeof(why)), 0);
	assert_int_equal(fw_sim_scsi_count(&sim, 0x03), 4);
}

static const struct erase_method *method(const char *name)
{
	const struct erase_method *m;

	for (m = erase_methods_scsi; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	fail_msg("no method %s", name);
	return NULL;
}

static void test_supported(void **state)
{
	struct fw_sim_scsi sim;
	struct erase_caps c = { 0 };
	char why[256];
	struct fw *f;

	(void)state;
	assert_string_equal(method("scsi-sanitize-crypto")->technique, "crypto-erase");
	assert_string_equal(method("scsi-sanitize-block")->technique, "block-erase");
	assert_string_equal(method("scsi-sanitize-overwrite")->category, "purge");
	assert_null(erase_methods_scsi[3].name);

	memset(&c, 0, sizeof(c));
	assert_false(method("scsi-sanitize-block")->supported(&c, why, sizeof(why)));
	assert_string_equal(why, "no SCSI device answered INQUIRY");

	fw_sim_scsi_init(&sim);
	sim.support[1] = 1;
	assert_int_equal(fw_sim_scsi_open(&sim, &f), 0);
	assert_int_equal(erase_caps_probe(f, &c), 0);
	fw_close(f);
	assert_true(method("scsi-sanitize-crypto")->supported(&c, why, sizeof(why)));
	assert_true(method("scsi-sanitize-overwrite")->supported(&c, why, sizeof(why)));
	c.scsi_caps.support[2] = SCSI_RSOC_UNKNOWN; /* SUPPORT 000b: data not available */
	c.scsi_caps.support_raw[2] = 0;
	assert_false(method("scsi-sanitize-crypto")->supported(&c, why, sizeof(why)));
	assert_string_equal(why, "sanitize crypto erase not reported by the device (REPORT "
				 "SUPPORTED OPERATION CODES: support 0)");
	assert_false(method("scsi-sanitize-block")->supported(&c, why, sizeof(why)));
	assert_string_equal(why, "sanitize block erase not supported (REPORT SUPPORTED OPERATION "
				 "CODES: support 1)");
	c.usb = true;
	assert_false(method("scsi-sanitize-block")->supported(&c, why, sizeof(why)));
	assert_non_null(strstr(why, "USB flash media whose controller offers no sanitize"));

	fw_sim_scsi_init(&sim);
	sim.no_rsoc = true;
	c.usb = false; /* the probe keeps what the caller found in sysfs */
	assert_int_equal(fw_sim_scsi_open(&sim, &f), 0);
	assert_int_equal(erase_caps_probe(f, &c), 0);
	fw_close(f);
	assert_false(method("scsi-sanitize-crypto")->supported(&c, why, sizeof(why)));
	assert_string_equal(why, "sanitize crypto erase cannot be confirmed: REPORT SUPPORTED "
				 "OPERATION CODES refused (invalid command operation code "
				 "(05/20/00))");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_progress),
		cmocka_unit_test(test_overwrite_param),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_abort_transport),
		cmocka_unit_test_setup_teardown(test_stalled, wait_setup, wait_teardown),
		cmocka_unit_test_setup_teardown(test_timeout, wait_setup, wait_teardown),
		cmocka_unit_test_setup_teardown(test_slow_not_stalled, wait_setup, wait_teardown),
		cmocka_unit_test_setup_teardown(test_abort_sleeping, wait_setup, wait_teardown),
		cmocka_unit_test(test_tur_lags),
		cmocka_unit_test(test_supported),
	};

	fake_clock_init(&clk, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
