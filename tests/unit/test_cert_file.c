// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cert/certfile: the report and the certificate's default name, the
 * self-approval rule, the approver's sidecar (checked with the trust
 * store's verifier), and the device match of kesu cert verify --device.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "cert/cert.h"
#include "cert/certfile.h"
#include "cert/jcs.h"
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

	/* people, not bytes: a full-width space and other case are the same name */
	verification(&v, "TEST\u3000approver");
	assert_true(cert_is_self_approval(&v, s));
	json_decref(v.doc);
	verification(&v, NULL);
	snprintf(v.sig[CERT_ROLE_OPERATOR].name, sizeof(v.sig[0].name), "%s", " test  APPROVER");
	assert_true(cert_is_self_approval(&v, s));
	/* the same public key under another key id */
	snprintf(v.sig[CERT_ROLE_OPERATOR].name, sizeof(v.sig[0].name), "%s", "Test Operator");
	snprintf(v.sig[CERT_ROLE_OPERATOR].fpr, sizeof(v.sig[0].fpr), "%s",
		 cert_signer_fingerprint(s));
	assert_true(cert_is_self_approval(&v, s));
	json_decref(v.doc);
	cert_signer_free(s);
}

/* a report as kesu erase writes it, of an erasure by "Test Operator" */
static const char report_text[] =
	"{\"format\":\"kesu-report/1\",\"id\":\"0f8b3c3e-8a4c-4d3b-9a51-5a2f1c7e9d10\","
	"\"tool\":{\"name\":\"kesu\",\"version\":\"0.1.0\"},\"host\":\"erase01\","
	"\"device\":{\"path\":\"/dev/sdb\",\"kind\":\"block\",\"model\":\"MZ7LH480\","
	"\"serial\":\"S45P\\ufffd\",\"serial_hex\":\"53343550ff\","
	"\"wwn\":\"0x5002538e40a1b2c3\",\"firmware\":\"HXT7904Q\",\"transport\":\"sata\","
	"\"size_bytes\":480103981056,\"logical_block_size\":512,\"physical_block_size\":4096,"
	"\"rotational\":false,\"removable\":false,\"content\":\"gpt\"},"
	"\"operator\":{\"name\":\"Test Operator\",\"asset_tag\":\"SRV-0117\","
	"\"reason\":\"lease-return\",\"lease_contract\":\"L-2026-0412\","
	"\"witness\":\"Suzuki Ichiro\",\"location\":\"Server room B\"},"
	"\"method\":{\"name\":\"random\",\"category\":\"clear\",\"technique\":\"overwrite\","
	"\"passes\":[{\"index\":1,\"pattern\":\"random\",\"generator\":\"aes-128-ctr\"},"
	"{\"index\":2,\"pattern\":\"zero\"}],\"blank\":true},"
	"\"passes\":[{\"index\":1,\"pattern\":\"random\",\"bytes_written\":480103981056,"
	"\"completed\":true,\"verified\":false,\"bytes_verified\":0},"
	"{\"index\":2,\"pattern\":\"zero\",\"bytes_written\":480103981056,\"completed\":true,"
	"\"verified\":true,\"bytes_verified\":4801039872}],"
	"\"verification\":{\"mode\":\"sample\",\"cache_bypass\":\"O_DIRECT\","
	"\"read_paths\":[{\"path\":\"O_DIRECT\",\"bytes\":4801039872}],"
	"\"bytes_read\":4801039872,\"samples\":100,\"sample_percent\":1,"
	"\"sample_seed\":\"00000000deadbeef\",\"verified\":true},"
	"\"errors\":{\"write\":[],\"read\":[],\"mismatch\":[]},\"result\":\"success\","
	"\"result_reason\":null,\"started\":\"2026-11-25T09:12:04Z\","
	"\"finished\":\"2026-11-25T10:00:31Z\"}";

/* A certificate signed by the operator, in memory: its bytes and its signature. */
struct signed_cert {
	char id[37];
	char *doc;
	size_t len;
	void *sig;
	size_t siglen;
};

static void signed_cert(struct signed_cert *c)
{
	struct cert_signer *op = NULL;
	json_error_t err;
	json_t *rep = json_loads(report_text, 0, &err), *cert;

	assert_non_null(rep);
	cert = cert_from_report(rep, NULL, c->id);
	assert_non_null(cert);
	assert_int_equal(jcs_dump(cert, &c->doc, &c->len), 0);
	copy("keys/operator.key", "operator.key", 0600);
	copy("keys/operator.key.pub", "operator.key.pub", 0644);
	assert_int_equal(cert_signer_load(at("operator.key"), "kesu-test-operator", &op), 0);
	assert_int_equal(cert_sign(op, c->doc, c->len, c->id, CERT_ROLE_OPERATOR, NULL, &c->sig,
				   &c->siglen),
			 0);
	cert_signer_free(op);
	json_decref(cert);
	json_decref(rep);
}

/* a trust store in DIR of the committed keys named */
static struct cert_trust *trust(const char *name, bool op, bool ap)
{
	struct cert_trust *t = NULL;
	char why[512], sub[64];

	assert_int_equal(mkdir(at(name), 0700) && errno != EEXIST, 0);
	snprintf(sub, sizeof(sub), "%s/op.pub", name);
	if (op)
		copy("keys/operator.key.pub", sub, 0644);
	snprintf(sub, sizeof(sub), "%s/ap.pub", name);
	if (ap)
		copy("keys/approver.key.pub", sub, 0644);
	assert_int_equal(cert_trust_load(at(name), &t, why, sizeof(why)), 0);
	return t;
}

/*
 * The approval signs the buffer it is given, not what the file holds by
 * then; it is checked as verify will check it before anything is written.
 */
static void test_approve_mem(void **state)
{
	struct signed_cert c = { 0 };
	struct cert_signer *s = approver(), *liar = NULL;
	struct cert_sig_check chk = { 0 };
	struct cert_verification v;
	struct cert_trust *t = trust("trust", true, true), *t_op = trust("trust-op", true, false);
	struct cert_sigs sigs = { 0 };
	struct cert_approval a = { .path = at("c.json") };
	char *sig_path = NULL, *sig = NULL;
	size_t siglen;

	(void)state;
	signed_cert(&c);
	sigs.text[CERT_ROLE_OPERATOR] = c.sig;
	sigs.len[CERT_ROLE_OPERATOR] = c.siglen;
	a.path = strdup(at("c.json"));
	a.doc = c.doc;
	a.len = c.len;
	a.sigs = &sigs;
	a.id = c.id;
	/* the file now holds other bytes than those verified */
	put("c.json", 0644, "{}", 2);
	unlink(at("c.json.approver.minisig"));

	/* a key the store does not trust as approver: refused, nothing written */
	assert_int_equal(cert_approve_mem(&a, s, t_op, &v, &sig_path), -EACCES);
	assert_int_equal(v.verdict, CERT_UNTRUSTED);
	cert_verification_free(&v);
	free(sig_path);
	assert_int_equal(access(at("c.json.approver.minisig"), F_OK), -1);

	/* KEY.pub names another person than the store does for that key: refused */
	copy("keys/approver.key", "liar.key", 0600);
	put("liar.key.pub", 0644, "", 0);
	{
		char *pub = test_data_read("keys/approver.key.pub", &siglen);
		char *nl = strchr(pub, '\n');
		char text[512];
		int n = snprintf(text, sizeof(text),
				 "untrusted comment: kesu role=approver name=Test Operator%s", nl);

		put("liar.key.pub", 0644, text, (size_t)n);
		free(pub);
	}
	assert_int_equal(cert_signer_load(at("liar.key"), "kesu-test-approver", &liar), 0);
	assert_int_equal(cert_approve_mem(&a, liar, t, &v, &sig_path), -EACCES);
	assert_int_equal(v.verdict, CERT_BAD_SIGNATURE);
	assert_non_null(strstr(v.why, "names Test Operator, the trust store has Test Approver"));
	cert_verification_free(&v);
	free(sig_path);
	assert_int_equal(access(at("c.json.approver.minisig"), F_OK), -1);

	assert_int_equal(cert_approve_mem(&a, s, t, &v, &sig_path), 0);
	assert_int_equal(v.verdict, CERT_VALID);
	assert_true(v.approved);
	cert_verification_free(&v);
	assert_string_equal(sig_path, at("c.json.approver.minisig"));
	assert_int_equal(file_read(sig_path, CERT_FILE_MAX, &sig, &siglen), 0);
	assert_int_equal(cert_check_sig_text(sig, siglen, false, c.doc, c.len, c.id,
					     CERT_ROLE_APPROVER, t, &chk),
			 0);
	assert_string_equal(chk.name, "Test Approver");
	assert_string_equal(chk.fpr, "ed19 1458 7387 3de4 f6a2 8aef 38ab bd61");
	assert_int_equal(cert_check_sig_text(sig, siglen, false, "{}", 2, c.id, CERT_ROLE_APPROVER,
					     t, &chk),
			 -EKEYREJECTED);
	assert_non_null(strstr(chk.why, "does not verify"));
	free(sig);
	free(sig_path);

	/* approved once: the sidecar is replaced only on request */
	assert_int_equal(cert_approve_mem(&a, s, t, &v, &sig_path), -EEXIST);
	cert_verification_free(&v);
	free(sig_path);
	a.replace = true;
	assert_int_equal(cert_approve_mem(&a, s, t, &v, &sig_path), 0);
	cert_verification_free(&v);
	free(sig_path);

	free((char *)a.path);
	free(c.doc);
	free(c.sig);
	cert_signer_free(liar);
	cert_signer_free(s);
	cert_trust_free(t);
	cert_trust_free(t_op);
}

/* A store others may change, or with one key number twice, binds no one. */
static void test_trust_refused(void **state)
{
	struct cert_trust *t = NULL;
	char why[512], *pub;
	size_t len;

	(void)state;
	assert_int_equal(mkdir(at("ww"), 0700) && errno != EEXIST, 0);
	copy("keys/operator.key.pub", "ww/op.pub", 0646);
	assert_int_equal(cert_trust_load(at("ww"), &t, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "ww/op.pub: anyone may write to it"));
	assert_int_equal(chmod(at("ww/op.pub"), 0644), 0);
	assert_int_equal(chmod(at("ww"), 0777), 0);
	assert_int_equal(cert_trust_load(at("ww"), &t, why, sizeof(why)), -EPERM);
	assert_int_equal(chmod(at("ww"), 0755), 0);
	assert_int_equal(cert_trust_load(at("ww"), &t, why, sizeof(why)), 0);
	cert_trust_free(t);

	/* the approver's key number spliced onto the operator's key */
	{
		struct minisign_pubkey op, ap;
		char *a = test_data_read("keys/approver.key.pub", &len);

		pub = test_data_read("keys/operator.key.pub", &len);
		assert_int_equal(minisign_pubkey_parse(pub, strlen(pub), &op), 0);
		assert_int_equal(minisign_pubkey_parse(a, strlen(a), &ap), 0);
		memcpy(op.keynum, ap.keynum, sizeof(op.keynum));
		free(pub);
		free(a);
		assert_int_equal(minisign_pubkey_format(&op, op.comment, &pub), 0);
	}
	unlink(at("ww/op.pub"));
	put("ww/forged.pub", 0644, pub, strlen(pub));
	copy("keys/approver.key.pub", "ww/zz.pub", 0644);
	free(pub);
	assert_int_equal(cert_trust_load(at("ww"), &t, why, sizeof(why)), -EEXIST);
	assert_non_null(strstr(why, "ww/forged.pub and "));
	assert_non_null(strstr(why, "ww/zz.pub have the same key id"));
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

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path),  cmocka_unit_test(test_report_read),
		cmocka_unit_test(test_self_approval), cmocka_unit_test(test_approve_mem),
		cmocka_unit_test(test_trust_refused), cmocka_unit_test(test_device_check),
	};

	secmem_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
