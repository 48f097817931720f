// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu-request/1: the document's checks, signatures made and judged as a
 * certificate's (applicant, approver, self-approval by key and by folded
 * name), and the register's word on it: apply, holds by tag and by serial,
 * the disposal-approval policy, the certificate's erasure event.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "cert/jcs.h"
#include "cert/minisign.h"
#include "cert/request.h"
#include "file.h"
#include "ledger/asset.h"
#include "secmem.h"

struct fx {
	char dir[PATH_MAX - 64];
	char trust[PATH_MAX];
	struct cert_trust *t;
	struct cert_signer *applicant, *approver, *self;
	struct ledger *l;
};

/* a key pair in @dir: NAME.key (0600, passphrase "pw") and NAME.key.pub with its identity */
static struct cert_signer *make_key(struct fx *f, const char *name, const char *comment)
{
	struct minisign_kdf weak = { crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE };
	struct minisign_seckey *sec = NULL;
	struct minisign_pubkey pub;
	struct cert_signer *s = NULL;
	char path[PATH_MAX + 32], tpath[PATH_MAX + 32], *text = NULL;
	FILE *o;

	assert_int_equal(minisign_keygen(&sec, &pub), 0);
	snprintf(path, sizeof(path), "%s/%s.key", f->dir, name);
	assert_int_equal(minisign_seckey_format(sec, "pw", &weak, NULL, &text), 0);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs(text, o);
	assert_int_equal(fclose(o), 0);
	assert_int_equal(chmod(path, 0600), 0);
	free(text);
	assert_int_equal(minisign_pubkey_format(&pub, comment, &text), 0);
	strcat(path, ".pub");
	snprintf(tpath, sizeof(tpath), "%s/%s.pub", f->trust, name);
	for (int i = 0; i < 2; i++) {
		o = fopen(i ? tpath : path, "w");
		assert_non_null(o);
		fputs(text, o);
		assert_int_equal(fclose(o), 0);
	}
	free(text);
	minisign_seckey_free(sec);
	path[strlen(path) - 4] = '\0';
	assert_int_equal(cert_signer_load(path, "pw", &s), 0);
	return s;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	char why[256], db[PATH_MAX];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/test_request.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->trust, sizeof(f->trust), "%s/trust", f->dir);
	if (mkdir(f->trust, 0700))
		return -1;
	f->applicant = make_key(f, "applicant", "kesu role=operator name=Suzuki Hanako");
	f->approver = make_key(f, "approver", "kesu role=approver name=Sato Jiro");
	/* the applicant again: a full-width space and another case */
	f->self = make_key(f, "self", "kesu role=approver name=suzuki　HANAKO");
	if (cert_trust_load(f->trust, &f->t, why, sizeof(why)))
		return -1;
	snprintf(db, sizeof(db), "%s/ledger.db", f->dir);
	if (ledger_open(&f->l, db, LEDGER_CREATE))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[PATH_MAX + 16];

	ledger_close(f->l);
	cert_trust_free(f->t);
	cert_signer_free(f->applicant);
	cert_signer_free(f->approver);
	cert_signer_free(f->self);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_document(void **state)
{
	struct request_fields rf = { .kind = REQUEST_LOAN,
				     .asset_tag = "PC-1",
				     .reason = "会議用",
				     .until = "2026-12-24",
				     .applicant = "Suzuki Hanako" };
	static const char *const bad[] = {
		"{\"format\":\"kesu-request/2\"}",
		"[]",
		"{\"applicant\":\"a\",\"asset_tag\":\"PC-1\",\"contractor\":null,\"created\":"
		"\"2026-01-01T00:00:00Z\",\"format\":\"kesu-request/1\",\"id\":\"x\",\"kind\":"
		"\"loan\",\"reason\":\"r\",\"until\":null}",
	};
	enum request_kind k;
	char id[37], why[128];
	json_t *doc = request_new(&rf, id);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(request_check(doc, why, sizeof(why)), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "loan");
	/* an unknown member, a bad date, a tag that is a formula, control characters */
	json_object_set_new(doc, "extra", json_true());
	assert_int_equal(request_check(doc, why, sizeof(why)), -EBADMSG);
	json_object_del(doc, "extra");
	json_object_set_new(doc, "until", json_string("2026-1-1"));
	assert_int_equal(request_check(doc, why, sizeof(why)), -EBADMSG);
	json_decref(doc);
	rf.asset_tag = "=SUM(A1)";
	assert_null(request_new(&rf, id));
	rf.asset_tag = "PC-1";
	rf.reason = "a\033[2Jb";
	assert_null(request_new(&rf, id));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = json_loads(bad[i], 0, NULL);

		assert_int_equal(request_check(v, why, sizeof(why)), -EBADMSG);
		json_decref(v);
	}
	assert_int_equal(request_kind_parse("lease-return", &k), 0);
	assert_int_equal(k, REQUEST_LEASE_RETURN);
	assert_int_equal(request_kind_parse("scrap", &k), -EINVAL);
}

/* A signed request of @kind for @tag, written to @path with its applicant sidecar. */
static void write_request(struct fx *f, const char *path, enum request_kind kind, const char *tag,
			  char id[37])
{
	struct request_fields rf = { .kind = kind,
				     .asset_tag = tag,
				     .reason = "incident 7",
				     .applicant = cert_signer_name(f->applicant) };
	json_t *doc = request_new(&rf, id);
	char *text = NULL, *sp;
	void *sig = NULL;
	size_t len, siglen;
	FILE *o;

	assert_non_null(doc);
	assert_int_equal(jcs_dump(doc, &text, &len), 0);
	assert_int_equal(
		cert_sign(f->applicant, text, len, id, CERT_ROLE_OPERATOR, NULL, &sig, &siglen), 0);
	o = fopen(path, "w");
	fwrite(text, 1, len, o);
	fclose(o);
	sp = request_sig_path(path, CERT_ROLE_OPERATOR, "minisig");
	o = fopen(sp, "w");
	fwrite(sig, 1, siglen, o);
	fclose(o);
	free(sp);
	free(sig);
	free(text);
	json_decref(doc);
}

/* Read @path as `request approve` does, and approve it with @s. */
static int approve(struct fx *f, const char *path, const struct cert_signer *s, const char *reason,
		   struct cert_verification *v)
{
	struct cert_sigs sigs;
	struct cert_approval a = { .path = path, .reason = reason };
	char *buf = NULL, *sp = NULL;
	size_t len;
	int r;

	assert_int_equal(file_read(path, REQUEST_FILE_MAX, &buf, &len), 0);
	assert_int_equal(request_read_sigs(path, &sigs), 0);
	assert_int_equal(request_verify_mem(buf, len, &sigs, f->t, 0, v), 0);
	assert_int_equal(v->verdict, CERT_VALID);
	a.doc = buf, a.len = len, a.sigs = &sigs, a.id = v->id;
	r = request_approve_mem(&a, s, f->t, v + 1, &sp);
	cert_verification_free(v + 1);
	cert_sigs_free(&sigs);
	free(sp);
	free(buf);
	return r;
}

static void verify_file(struct fx *f, const char *path, struct cert_verification *v)
{
	struct cert_sigs sigs;
	char *buf = NULL;
	size_t len;

	assert_int_equal(file_read(path, REQUEST_FILE_MAX, &buf, &len), 0);
	assert_int_equal(request_read_sigs(path, &sigs), 0);
	assert_int_equal(request_verify_mem(buf, len, &sigs, f->t, CERT_REQUIRE_APPROVAL, v), 0);
	cert_sigs_free(&sigs);
	free(buf);
}

static void test_approval(void **state)
{
	struct fx *f = *state;
	struct cert_verification v[2];
	char path[PATH_MAX], id[37];

	snprintf(path, sizeof(path), "%s/r.json", f->dir);
	write_request(f, path, REQUEST_DISPOSAL, "PC-1", id);
	verify_file(f, path, v);
	assert_int_equal(v[0].verdict, CERT_NOT_APPROVED);
	/* the applicant by a folded name is refused: the check, and the signature if made */
	assert_true(request_is_self_approval(v, f->self));
	assert_false(request_is_self_approval(v, f->approver));
	cert_verification_free(v);
	assert_int_equal(approve(f, path, f->self, NULL, v), -EACCES);
	cert_verification_free(v);
	assert_int_equal(approve(f, path, f->approver, NULL, v), 0);
	cert_verification_free(v);
	verify_file(f, path, v);
	assert_int_equal(v[0].verdict, CERT_VALID);
	assert_string_equal(v[0].sig[CERT_ROLE_APPROVER].name, "Sato Jiro");
	cert_verification_free(v);
	/* an exception is recorded, and then counts */
	snprintf(path, sizeof(path), "%s/s.json", f->dir);
	write_request(f, path, REQUEST_HOLD, "PC-1", id);
	assert_int_equal(approve(f, path, f->self, "no one else on duty", v), 0);
	cert_verification_free(v);
	verify_file(f, path, v);
	assert_int_equal(v[0].verdict, CERT_VALID);
	assert_true(v[0].self_approved);
	cert_verification_free(v);
}

static void add(struct fx *f, const char *tag, const char *serial)
{
	struct asset_change c = { .tag = tag,
				  .event = ASSET_ADDED,
				  .state = ASSET_STATE_KEEP,
				  .who = "t",
				  .when = "2026-12-01T09:00:00Z" };
	size_t failed;
	char why[256];

	c.field[ASSET_KIND] = "disk";
	c.field[ASSET_SERIAL] = serial;
	assert_int_equal(asset_apply(f->l, &c, 1, NULL, &failed, why, sizeof(why)), 0);
}

static int apply(struct fx *f, const char *tag, const char *kind, const char *id)
{
	json_t *req = json_pack("{s:s,s:s,s:s,s:s}", "asset_tag", tag, "kind", kind, "id", id,
				"reason", "incident 7");
	struct asset_outcome out;
	char why[256];
	int r = asset_apply_request(f->l, req, "00", "t", "2026-12-02T09:00:00Z", &out, why,
				    sizeof(why));

	json_decref(req);
	return r;
}

static void test_gate(void **state)
{
	struct fx *f = *state;
	struct asset_gate_ok ok;
	char why[512];

	add(f, "HD-1", "SER-1");
	add(f, "HD-2", NULL);
	assert_int_equal(asset_gate(f->l, "HD-1", "SER-1", 0, &ok, why, sizeof(why)), 0);
	assert_int_equal(asset_gate(f->l, "NOPE", NULL, ASSET_GATE_REGISTERED, &ok, why,
				    sizeof(why)),
			 -EPERM);
	assert_int_equal(asset_gate(f->l, "HD-1", NULL, ASSET_GATE_APPROVAL, &ok, why, sizeof(why)),
			 -EPERM);
	/* a hold, found by the tag and, without it, by the serial */
	assert_int_equal(apply(f, "HD-1", "hold", "11111111-1111-4111-8111-111111111111"), 0);
	assert_int_equal(asset_gate(f->l, "HD-1", NULL, 0, &ok, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "on hold since 2026-12-02: incident 7 (request 11111111"));
	assert_int_equal(asset_gate(f->l, NULL, "SER-1", 0, &ok, why, sizeof(why)), -EPERM);
	assert_int_equal(asset_gate(f->l, "HD-2", "SER-1", 0, &ok, why, sizeof(why)), -EPERM);
	assert_int_equal(asset_gate(f->l, NULL, "SER-2", 0, &ok, why, sizeof(why)), 0);
	/* nothing but the release is taken while on hold; a request is taken once */
	assert_int_equal(apply(f, "HD-1", "disposal", "22222222-2222-4222-8222-222222222222"),
			 -EPERM);
	assert_int_equal(apply(f, "HD-1", "release", "33333333-3333-4333-8333-333333333333"), 0);
	assert_int_equal(apply(f, "HD-1", "release", "33333333-3333-4333-8333-333333333333"),
			 -EALREADY);
	assert_int_equal(asset_gate(f->l, NULL, "SER-1", 0, &ok, why, sizeof(why)), 0);
	/* an approved disposal: allowed, named; the device's serial must be the registered one */
	assert_int_equal(apply(f, "HD-1", "disposal", "44444444-4444-4444-8444-444444444444"), 0);
	assert_int_equal(
		asset_gate(f->l, "HD-1", "SER-1", ASSET_GATE_APPROVAL, &ok, why, sizeof(why)), 0);
	assert_string_equal(ok.request_id, "44444444-4444-4444-8444-444444444444");
	assert_string_equal(ok.request_kind, "disposal");
	assert_int_equal(asset_gate(f->l, "HD-1", "SER-9", ASSET_GATE_APPROVAL, &ok, why,
				    sizeof(why)),
			 -EPERM);
	assert_int_equal(apply(f, "HD-2", "loan", "55555555-5555-4555-8555-555555555555"), 0);
	assert_int_equal(apply(f, "HD-2", "release", "66666666-6666-4666-8666-666666666666"),
			 -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test_setup_teardown(test_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate, setup, teardown),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
