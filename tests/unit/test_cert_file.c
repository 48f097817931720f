// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cert/certfile: the report and the certificate's default name, the
 * self-approval rule, the approver's sidecar (checked with the trust
 * store's verifier), and the device match of kesu cert verify --device.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cert/certfile.h"
#include "file.h"
#include "secmem.h"
#include "testdata.h"

#define CERT_ID "0b5c1f0e-7d3a-4c55-9a61-2f7e8d4b6c10"

static char dir[256];

static const char *at(const char *name)
{
	static char path[2][512];
	static int i;

	i ^= 1;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static void put(const char *name, mode_t mode, const void *data, size_t len)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* a committed test file copied into the directory (git keeps no modes) */
static void copy(const char *rel, const char *name, mode_t mode)
{
	size_t len;
	char *p = test_data_read(rel, &len);

	put(name, mode, p, len);
	free(p);
}

static void test_default_path(void **state)
{
	static const char *const cases[][2] = {
		{ "sdb.json", "sdb.cert.json" },
		{ "dir/report", "dir/report.cert.json" },
		{ "a.json.bak", "a.json.bak.cert.json" },
		{ ".json", ".json.cert.json" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = cert_default_path(cases[i][0]);

		assert_non_null(p);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

static void test_report_read(void **state)
{
	static const char ok[] = "{\"format\":\"kesu-report/1\",\"n\":1}";
	static const char dup[] = "{\"a\":1,\"a\":2}";
	json_t *j = NULL;
	char why[256] = "";

	(void)state;
	put("report.json", 0644, ok, sizeof(ok) - 1);
	assert_int_equal(cert_report_read(at("report.json"), &j, why, sizeof(why)), 0);
	assert_string_equal(json_string_value(json_object_get(j, "format")), "kesu-report/1");
	json_decref(j);

	put("dup.json", 0644, dup, sizeof(dup) - 1);
	assert_int_equal(cert_report_read(at("dup.json"), &j, why, sizeof(why)), -EBADMSG);
	assert_null(j);
	assert_non_null(strstr(why, "duplicate"));

	put("text.json", 0644, "not json", 8);
	assert_int_equal(cert_report_read(at("text.json"), &j, why, sizeof(why)), -EBADMSG);
	assert_int_equal(cert_report_read(at("missing.json"), &j, why, sizeof(why)), -ENOENT);
	assert_int_equal(cert_report_read(dir, &j, why, sizeof(why)), -EISDIR);
}

static struct cert_signer *approver(void)
{
	struct cert_signer *s = NULL;

	copy("keys/approver.key", "approver.key", 0600);
	copy("keys/approver.key.pub", "approver.key.pub", 0644);
	assert_int_equal(cert_signer_load(at("approver.key"), "kesu-test-approver", &s), 0);
	assert_string_equal(cert_signer_name(s), "Test Approver");
	return s;
}

/* a verification as cert_verify_file() leaves it: operator "Test Operator" */
static void verification(struct cert_verification *v, const char *witness)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", CERT_ID);
	snprintf(v->sig[CERT_ROLE_OPERATOR].key_id, sizeof(v->sig[0].key_id), "%s",
		 "0123456789ABCDEF");
	snprintf(v->sig[CERT_ROLE_OPERATOR].name, sizeof(v->sig[0].name), "%s", "Test Operator");
	v->doc = json_pack("{s:{s:s?}}", "witness", "name", witness);
	assert_non_null(v->doc);
}

static void test_self_approval(void **state)
{
	struct cert_signer *s = approver();
	struct cert_verification v;

	(void)state;
	verification(&v, "Someone Else");
	assert_false(cert_is_self_approval(&v, s));
	json_decref(v.doc);

	verification(&v, NULL);
	assert_false(cert_is_self_approval(&v, s));
	json_decref(v.doc);

	/* the approver witnessed the erasure */
	verification(&v, "Test Approver");
	assert_true(cert_is_self_approval(&v, s));
	json_decref(v.doc);

	/* the approver is the operator, by name or by key */
	verification(&v, NULL);
	snprintf(v.sig[CERT_ROLE_OPERATOR].name, sizeof(v.sig[0].name), "%s", "Test Approver");
	assert_true(cert_is_self_approval(&v, s));
	snprintf(v.sig[CERT_ROLE_OPERATOR].name, sizeof(v.sig[0].name), "%s", "Test Operator");
	snprintf(v.sig[CERT_ROLE_OPERATOR].key_id, sizeof(v.sig[0].key_id), "%s",
		 cert_signer_key_id(s));
	assert_true(cert_is_self_approval(&v, s));
	json_decref(v.doc);
	cert_signer_free(s);
}

static void test_approve_file(void **state)
{
	static const char doc[] = "{\"id\":\"" CERT_ID "\"}";
	struct cert_signer *s = approver();
	struct cert_sig_check chk = { 0 };
	struct cert_verification v;
	struct cert_trust *t = NULL;
	char why[512], *sig_path = NULL, *sig = NULL;
	size_t siglen;

	(void)state;
	verification(&v, NULL);
	put("c.json", 0644, doc, sizeof(doc) - 1);
	unlink(at("c.json.approver.minisig"));
	assert_int_equal(cert_approve_file(at("c.json"), &v, s, NULL, &sig_path), 0);
	assert_string_equal(sig_path, at("c.json.approver.minisig"));

	/* the sidecar verifies over the certificate's bytes, by the key trusted as approver */
	assert_int_equal(mkdir(at("trust"), 0700) && errno != EEXIST, 0);
	copy("keys/approver.key.pub", "trust/approver.pub", 0644);
	assert_int_equal(cert_trust_load(at("trust"), &t, why, sizeof(why)), 0);
	assert_int_equal(file_read(sig_path, CERT_FILE_MAX, &sig, &siglen), 0);
	assert_int_equal(cert_check_sig_text(sig, siglen, false, doc, sizeof(doc) - 1, CERT_ID,
					     CERT_ROLE_APPROVER, t, &chk),
			 0);
	assert_string_equal(chk.name, "Test Approver");
	assert_false(chk.self_approval);
	free(sig);
	free(sig_path);

	/* approved once: the sidecar is not replaced */
	assert_int_equal(cert_approve_file(at("c.json"), &v, s, NULL, &sig_path), -EEXIST);
	free(sig_path);
	assert_int_equal(cert_approve_file(at("none.json"), &v, s, NULL, &sig_path), -ENOENT);
	free(sig_path);
	cert_trust_free(t);
	json_decref(v.doc);
	cert_signer_free(s);
}

static void test_device_check(void **state)
{
	json_t *c = json_pack("{s:{s:s,s:I},s:{s:[{s:s},{s:s}]}}", "media", "serial", "S1",
			      "capacity_bytes", (json_int_t)1000, "sanitization", "passes",
			      "pattern", "random", "pattern", "zero");
	struct dev_info info = { .serial = "S1", .size = 1000 };
	char why[256];

	(void)state;
	assert_non_null(c);
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_string_equal(cert_last_pattern(c), "zero");

	info.serial = "S2";
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "serial S2, the certificate's is S1");
	info.serial = NULL;
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "serial none, the certificate's is S1");
	info.serial = "S1";
	info.size = 999;
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "size 999 bytes, the certificate's is 1000");
	json_decref(c);

	/* neither has a serial or WWN: the size alone establishes no identity */
	c = json_pack("{s:{s:n,s:n,s:I}}", "media", "serial", "wwn", "capacity_bytes",
		      (json_int_t)999);
	info.serial = NULL;
	info.size = 999;
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODATA);
	assert_string_equal(why, "identity not established: neither has a serial or WWN");
	assert_null(cert_last_pattern(c));
	info.size = 998;
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODEV);
	/* the device has a WWN the certificate lacks: another device */
	info.size = 999;
	info.wwn = "eui.0025388b71b0d1c2";
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "WWN eui.0025388b71b0d1c2, the certificate's is none");
	json_decref(c);

	/* a WWN without a serial identifies it; another WWN does not match */
	c = json_pack("{s:{s:n,s:s,s:I}}", "media", "serial", "wwn", "eui.0025388b71b0d1c2",
		      "capacity_bytes", (json_int_t)999);
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), 0);
	info.wwn = "eui.0025388b71b0d1c3";
	assert_int_equal(cert_device_check(c, &info, why, sizeof(why)), -ENODEV);
	json_decref(c);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_cert_file.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = {
		"report.json",
		"dup.json",
		"text.json",
		"approver.key",
		"approver.key.pub",
		"c.json",
		"c.json.approver.minisig",
		"trust/approver.pub",
		"trust",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		remove(at(names[i]));
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path),  cmocka_unit_test(test_report_read),
		cmocka_unit_test(test_self_approval), cmocka_unit_test(test_approve_file),
		cmocka_unit_test(test_device_check),
	};

	secmem_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
