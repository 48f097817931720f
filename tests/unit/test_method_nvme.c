// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NVMe methods against the simulated controller, whose format and
 * sanitize change the image file the method then reads back: the command
 * dwords, every sanitize state, the refusals and their reasons, the choice
 * of auto, and the job refusing a method the drive cannot do.
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
#include <libnvme.h>

#include "erase/job.h"
#include "erase/purge.h"
#include "fake_clock.h"
#include "fw_sim.h"

#define SIZE (16u << 20)

static char path[64];
static uint8_t *orig;		   /* what the image held before */
static struct fake_clock clk;	   /* every wait for the drive runs on it */
static volatile sig_atomic_t stop; /* the run's abort flag */

static int setup(void **state)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/kesu-nvme-XXXXXX");
	fd = mkstemp(path);
	orig = malloc(SIZE);
	assert_non_null(orig);
	randombytes_buf(orig, SIZE);
	assert_int_equal(pwrite(fd, orig, SIZE, 0), SIZE);
	close(fd);
	fake_clock_init(&clk, 0);
	stop = 0;
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	free(orig);
	return 0;
}

/* the image holds @byte everywhere (-1: as before) */
static bool image_is(int byte)
{
	uint8_t *buf = malloc(SIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool same = true;

	assert_int_equal(pread(fd, buf, SIZE, 0), SIZE);
	close(fd);
	for (size_t i = 0; same && i < SIZE; i++)
		same = buf[i] == (byte < 0 ? orig[i] : byte);
	free(buf);
	return same;
}

static unsigned progress_calls;
static uint64_t progress_last;

static void on_progress(const struct progress *p, void *usr)
{
	if (strcmp(p->phase, "purge"))
		return;
	/* within one command the progress only grows */
	assert_true(p->done >= progress_last);
	progress_last = p->final ? 0 : p->done;
	progress_calls++;
}

/* run method @name on the image behind @sim; the report's "purge" object */
static json_t *run(struct fw_sim *sim, const char *name, bool exit_failure, struct erase_result *r)
{
	const struct erase_method *m = erase_method_find(name);
	struct erase_plan plan = { .m = m, .verify = ERASE_VERIFY_LAST };
	struct erase_caps caps = { 0 };
	struct erase_opts o = { .sample_seed = 7, .exit_failure_mode = exit_failure };
	char why[128];
	struct fw *f;
	struct dev *d;

	assert_non_null(m);
	sim->media = path;
	assert_int_equal(fw_sim_open(sim, &f), 0);
	assert_int_equal(erase_caps_probe(f, &caps), 0);
	assert_int_equal(erase_caps_probe_nvme_ns(f, -1, &caps), 0);
	assert_true(m->supported(&caps, why, sizeof(why)));
	assert_int_equal(dev_open(path, DEV_OPEN_WRITE, &d), 0);
	o.fw = f;
	o.caps = &caps;
	o.timing = &clk.timing;
	o.abort = &stop;
	o.progress = on_progress;
	progress_calls = 0;
	progress_last = 0;
	m->run(d, &plan, &o, r);
	dev_close(d);
	fw_close(f);
	assert_non_null(r->purge);
	return r->purge;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void assert_cmd(const struct nvme_passthru_cmd *c, uint8_t op, uint32_t nsid, uint32_t cdw10,
		       uint32_t cdw11)
{
	assert_int_equal(c->opcode, op);
	assert_int_equal(c->nsid, nsid);
	assert_int_equal(c->cdw10, cdw10);
	assert_int_equal(c->cdw11, cdw11);
	assert_int_equal(c->cdw12, 0);
	assert_int_equal(c->cdw13, 0);
	assert_int_equal(c->cdw14, 0);
	assert_int_equal(c->cdw15, 0);
}

static void test_format_user(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .dlfeat = 1, .flbas = 1 };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-format-user", false, &r);

	assert_int_equal(r.code, ERASE_SUCCESS);
	/* Format NVM of NSID 1, LBAF 1 kept, SES 001b in bits 11:9 */
	assert_cmd(&sim.last, 0x80, 1, 0x00000201, 0);
	assert_int_equal(sim.nformat, 1);
	assert_true(image_is(0));
	assert_string_equal(str(p, "scope"), "namespace");
	assert_int_equal(num(p, "ses"), 1);
	assert_string_equal(str(p, "status_text"), "success");
	assert_string_equal(str(json_object_get(p, "verification"), "expected_pattern"), "zero");
	assert_true(progress_calls >= 2);
	erase_result_free(&r);
}

/* fna bit 1: a secure erase reaches every namespace, and the report says so */
static void test_format_scope_all(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .fna = 0x2, .dlfeat = 2, .effect = FW_SIM_ONES };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-format-user", false, &r);

	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_string_equal(str(p, "scope"), "all-namespaces");
	assert_string_equal(str(json_object_get(p, "verification"), "expected_pattern"), "one");
	assert_true(image_is(0xff));
	erase_result_free(&r);
}

/* The imaging tool's bug, from the drive's side: success, nothing erased. */
static void test_format_changes_nothing(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .dlfeat = 1, .effect = FW_SIM_NOTHING };
	struct erase_result r;

	run(&sim, "nvme-format-user", false, &r);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_non_null(strstr(r.reason, "read as before"));
	assert_true(image_is(-1));
	erase_result_free(&r);
}

static void test_format_crypto(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .fna = 0x4, .effect = FW_SIM_SCRAMBLE };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-format-crypto", false, &r);

	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_cmd(&sim.last, 0x80, 1, 0x00000400, 0);
	assert_true(json_is_null(
		json_object_get(json_object_get(p, "verification"), "expected_pattern")));
	erase_result_free(&r);
}

static void test_format_refused_status(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .ses_refused = 1u << 1 };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-format-user", false, &r);

	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(num(p, "status"), 0x002);
	assert_non_null(strstr(r.reason, "format nvm"));
	assert_true(image_is(-1));
	erase_result_free(&r);
}

static void test_sanitize_block(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2,
			      .dlfeat = 1,
			      .sprog = { 0x4000, 0x8000, 0xc000 },
			      .nsprog = 3,
			      .etbe = 120 };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-sanitize-block", false, &r), *log;

	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_int_equal(sim.nsanitize, 1);
	/* Sanitize: SANACT 010b, AUSE 0, no overwrite fields, NDAS 0 */
	assert_cmd(&sim.sanitize[0], 0x84, 0, 0x00000002, 0);
	/* the last command: Get Log Page 81h, 5 dwords, all namespaces */
	assert_cmd(&sim.last, 0x02, 0xffffffff, 0x00040081, 0);
	assert_true(image_is(0));
	assert_null(json_object_get(p, "resumed"));
	log = json_object_get(p, "log");
	assert_string_equal(str(log, "state"), "completed");
	assert_true(json_is_true(json_object_get(log, "global_data_erased")));
	assert_int_equal(num(log, "etbe"), 120);
	assert_int_equal(num(p, "polls"), 4);
	assert_true(progress_calls >= 4); /* one per SPROG, and the end */
	erase_result_free(&r);
}

static void test_sanitize_overwrite_crypto(void **state)
{
	struct fw_sim sim = { .sanicap = 0x5, .effect = FW_SIM_SCRAMBLE };
	struct erase_result r;

	run(&sim, "nvme-sanitize-overwrite", false, &r);
	assert_int_equal(r.code, ERASE_SUCCESS);
	/* SANACT 011b, OWPASS 1 in bits 7:4, pattern 0 */
	assert_cmd(&sim.sanitize[0], 0x84, 0, 0x00000013, 0);
	erase_result_free(&r);
	sim = (struct fw_sim){ .sanicap = 0x5, .effect = FW_SIM_SCRAMBLE };
	run(&sim, "nvme-sanitize-crypto", false, &r);
	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_cmd(&sim.sanitize[0], 0x84, 0, 0x00000004, 0);
	erase_result_free(&r);
}

/*
 * After a crash: the sanitize in progress is awaited, not restarted (no
 * command while it runs); then the run's own sanitize, whose effect is verified.
 */
static void test_sanitize_in_progress(void **state)
{
	struct fw_sim sim = {
		.sanicap = 0x2, .sstat = 2, .scdw10 = 0x2, .sprog = { 0x9000 }, .nsprog = 1
	};
	struct erase_result r;
	json_t *p = run(&sim, "nvme-sanitize-block", false, &r), *res;

	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_int_equal(sim.nsanitize, 1);
	res = json_object_get(p, "resumed");
	assert_non_null(res);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(res, "log_before"), "sprog")),
		0x9000);
	assert_string_equal(str(json_object_get(res, "log"), "state"), "completed");
	assert_true(image_is(0));
	erase_result_free(&r);
}

/* The awaited sanitize fails: the drive is in failure mode, refused without the option. */
static void test_sanitize_in_progress_fails(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sstat = 2, .scdw10 = 0x2, .sanitize_fails = true };
	struct erase_result r;

	run(&sim, "nvme-sanitize-block", false, &r);
	assert_int_equal(r.code, ERASE_REFUSED);
	assert_int_equal(sim.nsanitize, 0);
	assert_non_null(strstr(r.reason, "--exit-failure-mode"));
	assert_true(image_is(-1));
	erase_result_free(&r);
}

/* An earlier sanitize failed (restricted, AUSE 0): refused without the option. */
static void test_sanitize_failed_needs_option(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sstat = 3, .scdw10 = 0x2 };
	struct erase_result r;
	json_t *v = json_object_get(run(&sim, "nvme-sanitize-block", false, &r), "verification");

	assert_int_equal(r.code, ERASE_REFUSED);
	assert_non_null(strstr(r.reason, "--exit-failure-mode"));
	assert_int_equal(sim.nsanitize, 0);
	/* refused before the sample: not even a canary was written */
	assert_int_equal(json_integer_value(json_object_get(v, "canaries")), 0);
	assert_int_equal(r.bytes_read, 0);
	assert_true(image_is(-1));
	erase_result_free(&r);
}

/* Restricted failure mode: Exit Failure Mode would be aborted; a new sanitize recovers. */
static void test_sanitize_failed_restricted(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sstat = 3, .scdw10 = 0x2 };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-sanitize-block", true, &r);

	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_int_equal(sim.nsanitize, 1);
	assert_cmd(&sim.sanitize[0], 0x84, 0, 0x00000002, 0);
	assert_non_null(strstr(str(p, "failure_mode"), "restricted"));
	erase_result_free(&r);
}

/* Unrestricted failure mode (AUSE 1): Exit Failure Mode, then the sanitize. */
static void test_sanitize_failed_unrestricted(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sstat = 3, .scdw10 = 0xa };
	struct erase_result r;
	json_t *p = run(&sim, "nvme-sanitize-block", true, &r);

	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_int_equal(sim.nsanitize, 2);
	assert_cmd(&sim.sanitize[0], 0x84, 0, 0x00000001, 0);
	assert_cmd(&sim.sanitize[1], 0x84, 0, 0x00000002, 0);
	assert_non_null(strstr(str(p, "failure_mode"), "unrestricted"));
	erase_result_free(&r);
}

static void test_sanitize_fails(void **state)
{
	struct fw_sim sim = {
		.sanicap = 0x2, .sprog = { 0x100 }, .nsprog = 1, .sanitize_fails = true
	};
	struct erase_result r;

	run(&sim, "nvme-sanitize-block", false, &r);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_non_null(strstr(r.reason, "reports the sanitize failed"));
	assert_true(image_is(-1));
	erase_result_free(&r);
}

static json_t *wait_of(json_t *purge)
{
	json_t *w = json_object_get(purge, "wait");

	assert_non_null(w);
	return w;
}

/*
 * SPROG freezes (nvme-cli users report days of it): the wait ends as
 * stalled after the stall limit, well inside the bound, and says what the
 * drive last reported. ETBE 3600 s: bound 2 x 3600 + 600 s, stall limit 600 s.
 */
static void test_sanitize_stalled(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2,
			      .sprog = { 0x1000, 0x2000 },
			      .nsprog = 2,
			      .sprog_stuck = true,
			      .etbe = 3600 };
	struct erase_result r;
	json_t *w = wait_of(run(&sim, "nvme-sanitize-block", false, &r));

	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(r.err, -ETIME);
	assert_non_null(strstr(r.reason, "stalled: no progress for 600 s"));
	assert_non_null(strstr(r.reason, "drive last reported progress 8192/65536 (12.5%)"));
	assert_non_null(strstr(r.reason, "sstat 0x0002 (in-progress)"));
	assert_string_equal(str(w, "outcome"), "stalled");
	assert_int_equal(num(w, "bound_s"), 7800);
	assert_int_equal(num(w, "stall_s"), 600);
	assert_int_equal(num(w, "unchanged_s"), 600);
	assert_int_equal(num(w, "last_progress"), 0x2000);
	/* ended at the stall limit after the last movement (at the second poll), not the bound */
	assert_int_equal(fake_clock_elapsed(&clk), 601000);
	assert_true(image_is(-1));
	erase_result_free(&r);
}

/* Progress that moves but would take longer than the bound: timeout, not stalled. */
static void test_sanitize_timeout(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sprog_step = 1, .etbe = 60 };
	struct erase_result r;
	json_t *w = wait_of(run(&sim, "nvme-sanitize-block", false, &r));

	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(r.err, -ETIMEDOUT);
	assert_non_null(strstr(r.reason, "timeout: still in progress after 720 s"));
	assert_string_equal(str(w, "outcome"), "timeout");
	assert_int_equal(num(w, "bound_s"), 720);
	assert_int_equal(num(w, "unchanged_s"), 0);
	assert_int_equal(fake_clock_elapsed(&clk), 720000);
	assert_true(image_is(-1));
	erase_result_free(&r);
}

/*
 * Slow but steady: a step every 5 minutes, 75 minutes in all, longer than
 * the 10-minute stall limit; each step comes within it, so no stall.
 */
static void test_sanitize_slow_not_stalled(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sprog_step = 0x1000, .etbe = 3600 };
	struct erase_result r;
	json_t *p, *w;

	clk.timing.poll_ms = 5 * 60 * 1000;
	p = run(&sim, "nvme-sanitize-block", false, &r);
	w = wait_of(p);
	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_string_equal(str(w, "outcome"), "completed");
	assert_int_equal(num(p, "polls"), 16);
	assert_true(num(w, "seconds") > num(w, "stall_s"));
	assert_true(image_is(0));
	erase_result_free(&r);
}

/* An abort while kesu sleeps between polls is seen within one slice. */
static void test_sanitize_abort(void **state)
{
	struct fw_sim sim = {
		.sanicap = 0x2, .sprog = { 0x1000 }, .nsprog = 1, .sprog_stuck = true
	};
	struct erase_result r;
	json_t *w;

	clk.abort = &stop;
	clk.abort_at = 2550;
	w = wait_of(run(&sim, "nvme-sanitize-block", false, &r));
	assert_int_equal(r.code, ERASE_ABORTED);
	assert_string_equal(str(w, "outcome"), "aborted");
	assert_non_null(strstr(r.reason, "goes on by itself"));
	assert_true(fake_clock_elapsed(&clk) > 2550);
	assert_true(fake_clock_elapsed(&clk) - 2550 <= PURGE_SLICE_MS);
	assert_true(clk.longest <= PURGE_SLICE_MS);
	assert_true(image_is(-1));
	erase_result_free(&r);
}

/* The simulator after NVMe 2.0: Exit Failure Mode in restricted mode is aborted. */
static void test_sim_restricted_exit(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2, .sstat = 3, .scdw10 = 0x2 };
	struct sanitize_nvme_args a = { .sanact = SANITIZE_NVME_EXIT_FAILURE };
	struct nvme_passthru_cmd c;
	struct fw *f;

	assert_int_equal(fw_sim_open(&sim, &f), 0);
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(fw_nvme_admin(f, &c), 0x01c); /* Sanitize Failed */
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_BLOCK, .ause = true };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(fw_nvme_admin(f, &c), 0x01c);
	/* with no failed sanitize, Exit Failure Mode succeeds and does nothing */
	sim.sstat = 1;
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_EXIT_FAILURE };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(fw_nvme_admin(f, &c), 0);
	assert_int_equal(sim.sstat, 1);
	fw_close(f);
}

static void probe(struct fw_sim *sim, struct erase_caps *caps)
{
	struct fw *f;

	assert_int_equal(fw_sim_open(sim, &f), 0);
	assert_int_equal(erase_caps_probe(f, caps), 0);
	fw_close(f);
}

static void test_supported_reasons(void **state)
{
	struct fw_sim sim = { .oacs = 0x10a }; /* what QEMU answers */
	struct erase_caps caps = { 0 };
	char why[128];

	probe(&sim, &caps);
	assert_true(erase_method_find("nvme-format-user")->supported(&caps, why, sizeof(why)));
	assert_false(erase_method_find("nvme-format-crypto")->supported(&caps, why, sizeof(why)));
	assert_string_equal(why, "crypto erase not supported (fna 0)");
	assert_false(erase_method_find("nvme-sanitize-block")->supported(&caps, why, sizeof(why)));
	assert_string_equal(why, "sanitize not supported (sanicap 0)");
	sim = (struct fw_sim){ .sanicap = 0x1 };
	probe(&sim, &caps);
	assert_false(erase_method_find("nvme-sanitize-block")->supported(&caps, why, sizeof(why)));
	assert_string_equal(why, "sanitize block erase not supported (sanicap 0x1)");
	memset(&caps, 0, sizeof(caps));
	assert_false(erase_method_find("nvme-format-user")->supported(&caps, why, sizeof(why)));
	assert_string_equal(why, "not an NVMe drive");
}

static void test_auto_pick(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .fna = 0x4, .sanicap = 0x7 };
	struct erase_caps caps = { 0 };
	char why[256];

	probe(&sim, &caps);
	assert_string_equal(purge_auto_pick(&caps, why, sizeof(why))->name, "nvme-sanitize-crypto");
	sim = (struct fw_sim){ .oacs = 0x2, .sanicap = 0x6 };
	probe(&sim, &caps);
	assert_string_equal(purge_auto_pick(&caps, why, sizeof(why))->name, "nvme-sanitize-block");
	sim = (struct fw_sim){ .oacs = 0x10a };
	probe(&sim, &caps);
	assert_string_equal(purge_auto_pick(&caps, why, sizeof(why))->name, "nvme-format-user");
	assert_string_equal(purge_category(erase_method_find("nvme-format-user"), &caps), "purge");
	/* USB flash media: Clear at most */
	caps.usb = true;
	assert_string_equal(purge_category(erase_method_find("nvme-format-user"), &caps), "clear");
	sim = (struct fw_sim){ 0 };
	probe(&sim, &caps);
	assert_string_equal(purge_auto_pick(&caps, why, sizeof(why))->name, "random");
	assert_non_null(strstr(why, "Clear only"));
	assert_string_equal(purge_auto_pick(NULL, why, sizeof(why))->name, "random");
}

static struct fw_sim *job_sim;

static int sim_fw_open(const char *p, struct fw **out)
{
	return fw_sim_open(job_sim, out);
}

/* run one job on the image with the simulated drive; its report */
static json_t *job(const char *method, struct erase_job **jp, int *hold)
{
	struct erase_job_opts o = {
		.method = method, .passes = 1, .verify = ERASE_VERIFY_LAST, .fw_open = sim_fw_open
	};
	char *paths[] = { path };
	struct erase_job *j;

	assert_int_equal(erase_job_new(&o, paths, 1, &j), 0);
	assert_int_equal(erase_job_identify(j, 0), 0);
	*hold = erase_job_hold(j, 0);
	erase_job_run(j);
	erase_job_finish(j, 0);
	*jp = j;
	return j->t[0].doc;
}

/* The drive cannot do it: refused with the reason, nothing asked or written. */
static void test_job_refuses(void **state)
{
	struct fw_sim sim = { .oacs = 0x10a, .media = path };
	struct erase_job *j;
	int hold;
	json_t *doc;

	job_sim = &sim;
	doc = job("nvme-sanitize-block", &j, &hold);
	assert_int_equal(hold, -EOPNOTSUPP);
	assert_false(j->t[0].ran);
	assert_string_equal(str(doc, "result"), "refused");
	assert_non_null(strstr(str(doc, "result_reason"), "sanitize not supported (sanicap 0)"));
	assert_int_equal(sim.nsanitize + sim.nformat, 0);
	assert_true(image_is(-1));
	erase_job_free(j);
}

static void test_job_format(void **state)
{
	struct fw_sim sim = { .oacs = 0x10a, .dlfeat = 1, .media = path };
	struct erase_job *j;
	int hold;
	json_t *doc;

	job_sim = &sim;
	doc = job("auto", &j, &hold);
	assert_int_equal(hold, 0);
	assert_string_equal(str(doc, "result"), "success");
	assert_string_equal(str(doc, "category"), "purge");
	assert_string_equal(str(doc, "technique"), "block-erase");
	assert_string_equal(str(json_object_get(doc, "verification"), "mode"), "sample");
	assert_true(
		json_is_true(json_object_get(json_object_get(doc, "verification"), "verified")));
	assert_string_equal(str(json_object_get(doc, "method"), "name"), "nvme-format-user");
	assert_string_equal(str(json_object_get(doc, "purge"), "command"),
			    "nvme format nvm ses=1 (user data erase)");
	assert_non_null(strstr(str(json_object_get(doc, "purge"), "auto"), "nvme-format-user"));
	assert_int_equal(sim.nformat, 1);
	assert_true(image_is(0));
	erase_job_free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_format_user),
		T(test_format_scope_all),
		T(test_format_changes_nothing),
		T(test_format_crypto),
		T(test_format_refused_status),
		T(test_sanitize_block),
		T(test_sanitize_overwrite_crypto),
		T(test_sanitize_in_progress),
		T(test_sanitize_in_progress_fails),
		T(test_sanitize_failed_needs_option),
		T(test_sanitize_failed_restricted),
		T(test_sanitize_failed_unrestricted),
		T(test_sanitize_fails),
		T(test_sanitize_stalled),
		T(test_sanitize_timeout),
		T(test_sanitize_slow_not_stalled),
		T(test_sanitize_abort),
		T(test_sim_restricted_exit),
		T(test_supported_reasons),
		T(test_auto_pick),
		T(test_job_refuses),
		T(test_job_format),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
