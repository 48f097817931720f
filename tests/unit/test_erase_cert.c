// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every method's report makes a certificate: the report a plan would get
 * (erase_report_planned(), what kesu erase --cert checks before the first
 * write) and the report of a real run on a simulated NVMe drive both pass
 * cert_from_report(). A LUKS crypto-erase is certified as the technique
 * crypto-erase, and a success without passes needs what was read back.
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

#include "cert/cert.h"
#include "erase/job.h"
#include "erase/report.h"
#include "fw_sim.h"

#define SIZE (4u << 20)

static const struct dev_info info = { .path = (char *)"/dev/sdz",
				      .is_block = true,
				      .size = SIZE,
				      .lbs = 512,
				      .pbs = 512,
				      .rotational = 0,
				      .removable = 0,
				      .transport = (char *)"sata" };

static json_t *planned_cert(const char *spec, const char *category, json_t **rep)
{
	struct erase_plan plan = { 0 };
	struct erase_operator op = { .name = "Test Operator" };
	char id[37];
	json_t *c;

	assert_int_equal(erase_plan_make(spec, 1, false, ERASE_VERIFY_LAST, 0, &plan), 0);
	if (category)
		plan.category = category;
	*rep = erase_report_planned("0b6d1e52-3b1a-4c2e-9f1e-2a1c9d7e5f10", &info, &plan, &op);
	erase_plan_free(&plan);
	assert_non_null(*rep);
	c = cert_from_report(*rep, NULL, id);
	return c;
}

/* each method of each family, at its own category and demoted to clear (USB, SSD) */
static void test_every_method(void **state)
{
	const char *cats[] = { NULL, "clear" };
	unsigned n = 0;

	(void)state;
	for (const struct erase_method *m = erase_methods(); m->name; m++) {
		const char *spec = !strcmp(m->name, "pattern") ? "pattern:a55a" : m->name;
		json_t *rep, *c;

		/* auto stands for another method once the drive is probed */
		if (!strcmp(m->name, "auto"))
			continue;
		for (size_t k = 0; k < 2; k++) {
			c = planned_cert(spec, cats[k], &rep);
			if (!c)
				fail_msg("%s: the certificate cannot be made of its report", spec);
			assert_string_equal(cert_get_string(c, "sanitization.method"), spec);
			assert_string_equal(cert_get_string(c, "result"), "success");
			json_decref(c);
			json_decref(rep);
		}
		n++;
	}
	/* overwrite, NVMe, ATA, SCSI and LUKS: every family was there */
	assert_true(n >= 5 + 5 + 5 + 3 + 1);
}

static void test_luks_technique(void **state)
{
	json_t *rep, *c = planned_cert("luks-crypto-erase", NULL, &rep);

	(void)state;
	assert_non_null(c);
	/* the report says what kesu did, the certificate the NIST technique */
	assert_string_equal(cert_get_string(rep, "method.technique"), "keyslot-destroy");
	assert_string_equal(cert_get_string(c, "sanitization.technique"), "crypto-erase");
	assert_string_equal(cert_get_string(c, "sanitization.category"), "purge");
	json_decref(c);
	json_decref(rep);
}

/* no passes and nothing read back: not a success the certificate can hold */
static void test_no_passes_nothing_read(void **state)
{
	json_t *rep, *c = planned_cert("nvme-sanitize-crypto", NULL, &rep);
	char id[37];

	(void)state;
	assert_non_null(c);
	json_decref(c);
	json_object_set_new(json_object_get(rep, "verification"), "bytes_read", json_integer(0));
	assert_null(cert_from_report(rep, NULL, id));
	json_decref(rep);
}

static char path[64];
static struct fw_sim *job_sim;

static int sim_fw_open(const char *p, struct fw **out)
{
	(void)p;
	return fw_sim_open(job_sim, out);
}

/* a real run on a simulated NVMe drive: its report makes a certificate */
static void test_simulated_nvme(void **state)
{
	struct fw_sim sim = { .oacs = 0x10a, .dlfeat = 1, .sn = "SIM0001", .media = path };
	struct erase_job_opts o = { .method = "nvme-format-user",
				    .passes = 1,
				    .verify = ERASE_VERIFY_LAST,
				    .fw_open = sim_fw_open };
	char *paths[] = { path }, id[37];
	struct erase_job *j;
	json_t *c;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/kesu-ecert-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SIZE), 0);
	assert_int_equal(pwrite(fd, "data", 4, 4096), 4);
	close(fd);
	job_sim = &sim;
	assert_int_equal(erase_job_new(&o, paths, 1, &j), 0);
	assert_int_equal(erase_job_identify(j, 0), 0);
	assert_int_equal(erase_job_hold(j, 0), 0);
	erase_job_run(j);
	erase_job_finish(j, 0);
	assert_string_equal(cert_get_string(j->t[0].doc, "result"), "success");
	c = cert_from_report(j->t[0].doc, NULL, id);
	assert_non_null(c);
	assert_string_equal(cert_get_string(c, "sanitization.technique"), "block-erase");
	assert_int_equal(json_array_size(cert_get(c, "sanitization.passes")), 0);
	json_decref(c);
	erase_job_free(j);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_method),
		cmocka_unit_test(test_luks_technique),
		cmocka_unit_test(test_no_passes_nothing_read),
		cmocka_unit_test(test_simulated_nvme),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
