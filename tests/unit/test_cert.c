// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The certificate model: what cert_from_report() takes from the report and
 * from struct cert_meta, that its canonical form reads back as a valid
 * certificate, that cert_check() names the first problem of each broken
 * document, and that every field shown has a label in both languages.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cert/jcs.h"
#include "cert/minisign.h"
#include "cert/sig.h"
#include "secmem.h"

/*
 * a kesu-report/1 as erase_report() writes it: sampled verification, two
 * passes, a serial number that was not UTF-8 (repaired, raw bytes in _hex)
 */
static const char report_text[] =
	"{\"format\":\"kesu-report/1\",\"id\":\"0f8b3c3e-8a4c-4d3b-9a51-5a2f1c7e9d10\","
	"\"tool\":{\"name\":\"kesu\",\"version\":\"0.1.0\"},\"host\":\"erase01\","
	"\"device\":{\"path\":\"/dev/sdb\",\"kind\":\"block\",\"model\":\"MZ7LH480\","
	"\"serial\":\"S45P\\ufffd\",\"serial_hex\":\"53343550ff\","
	"\"wwn\":\"0x5002538e40a1b2c3\",\"firmware\":\"HXT7904Q\",\"transport\":\"sata\","
	"\"size_bytes\":480103981056,\"logical_block_size\":512,\"physical_block_size\":4096,"
	"\"rotational\":false,\"removable\":false,\"content\":\"gpt\"},"
	"\"operator\":{\"name\":\"Sato Hanako\",\"asset_tag\":\"SRV-0117\","
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

static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static json_t *report(void)
{
	json_error_t err;
	json_t *r = json_loads(report_text, JSON_REJECT_DUPLICATES, &err);

	if (!r)
		fail_msg("report: %s", err.text);
	return r;
}

static json_t *full_cert(char id[37])
{
	static const struct timespec issued = { 1795000000, 0 };
	const struct cert_meta m = {
		.organisation = "Example City",
		.department = "総務課",
		.operator_title = "主任",
		.operator_contact = "+81 3 0000 0000",
		.classification = "機密性2",
		.post_classification = "unclassified",
		.destination = "return-to-lessor",
		.source_machine = "PC-0042",
		.media_type = "SSD",
		.manufacturer = "Samsung",
		.data_backed_up = "no",
		.notes = "rack 4",
		.tool_sha256 = sha,
		.issued = &issued,
	};
	json_t *rep = report(), *c = cert_from_report(rep, &m, id);

	assert_non_null(c);
	json_decref(rep);
	return c;
}

#define assert_field(c, path, want) assert_string_equal(cert_get_string(c, path), want)

static void test_from_report(void **state)
{
	char id[37];
	json_t *c = full_cert(id), *p;
	char why[160];

	assert_int_equal(cert_check(c, why, sizeof(why)), 0);
	assert_field(c, "format", "kesu-certificate/1");
	assert_field(c, "id", id);
	assert_int_equal(id[14], '4');
	assert_field(c, "report_id", "0f8b3c3e-8a4c-4d3b-9a51-5a2f1c7e9d10");
	assert_field(c, "issued", "2026-11-18T11:06:40Z");
	assert_field(c, "organisation.name", "Example City");
	assert_field(c, "organisation.department", "総務課");
	assert_field(c, "organisation.location", "Server room B");
	assert_field(c, "operator.name", "Sato Hanako");
	assert_field(c, "operator.title", "主任");
	assert_field(c, "witness.name", "Suzuki Ichiro");
	assert_field(c, "reason", "lease-return");
	assert_field(c, "lease_contract", "L-2026-0412");
	assert_field(c, "media.manufacturer", "Samsung");
	assert_field(c, "media.model", "MZ7LH480");
	assert_field(c, "media.serial", "S45P\xef\xbf\xbd");
	assert_field(c, "media.serial_hex", "53343550ff");
	assert_field(c, "media.wwn", "0x5002538e40a1b2c3");
	assert_int_equal(json_integer_value(cert_get(c, "media.capacity_bytes")), 480103981056LL);
	assert_field(c, "media.transport", "sata");
	assert_field(c, "media.type", "SSD");
	assert_field(c, "media.asset_tag", "SRV-0117");
	assert_field(c, "media.source_machine", "PC-0042");
	assert_field(c, "media.classification", "機密性2");
	assert_field(c, "media.data_backed_up", "no");
	assert_field(c, "sanitization.category", "clear");
	assert_field(c, "sanitization.technique", "overwrite");
	assert_field(c, "sanitization.method", "random");
	assert_field(c, "sanitization.hidden_areas", "unknown");
	assert_true(json_is_true(cert_get(c, "sanitization.blank")));
	p = cert_get(c, "sanitization.passes");
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 0), "generator")),
			    "aes-128-ctr");
	assert_null(json_object_get(json_array_get(p, 1), "generator"));
	assert_field(c, "verification.mode", "sample");
	assert_int_equal(json_integer_value(cert_get(c, "verification.coverage_percent")), 1);
	assert_field(c, "verification.sample_seed", "00000000deadbeef");
	assert_field(c, "result", "success");
	assert_field(c, "destination", "return-to-lessor");
	assert_field(c, "tool.sha256", sha);
	assert_field(c, "tool.version", "0.1.0");
	assert_field(c, "host", "erase01");
	/* no approver: it comes from the approver's signature */
	assert_null(cert_get(c, "approver"));
	json_decref(c);
}

static void test_canonical_round_trip(void **state)
{
	char id[37], id2[37], why[160];
	json_t *c = full_cert(id), *back = NULL, *c2 = full_cert(id2);
	char *out;
	size_t len;

	assert_string_not_equal(id, id2);
	assert_int_equal(jcs_dump(c, &out, &len), 0);
	assert_int_equal(jcs_is_canonical(out, len, &back), 0);
	assert_true(json_equal(c, back));
	assert_int_equal(cert_check(back, why, sizeof(why)), 0);
	free(out);
	json_decref(back);
	json_decref(c);
	json_decref(c2);
}

/* without meta: nulls, "unknown", and the report's own witness and location */
static void test_no_meta(void **state)
{
	json_t *rep = report(), *c;
	char id[37];

	c = cert_from_report(rep, NULL, id);
	assert_non_null(c);
	assert_true(json_is_null(cert_get(c, "organisation.name")));
	assert_true(json_is_null(cert_get(c, "destination")));
	assert_true(json_is_null(cert_get(c, "tool.sha256")));
	assert_field(c, "media.data_backed_up", "unknown");
	assert_field(c, "witness.name", "Suzuki Ichiro");
	assert_field(c, "organisation.location", "Server room B");
	assert_int_equal(cert_check(c, NULL, 0), 0);
	json_decref(c);
	json_decref(rep);
}

static void test_refused_input(void **state)
{
	const struct cert_meta bad_dest = { .destination = "landfill" };
	const struct cert_meta bad_sha = { .tool_sha256 = "abc" };
	const struct cert_meta bad_backup = { .data_backed_up = "maybe" };
	json_t *rep = report();
	char id[37];

	errno = 0;
	assert_null(cert_from_report(rep, &bad_dest, id));
	assert_int_equal(errno, EINVAL);
	assert_null(cert_from_report(rep, &bad_sha, id));
	assert_null(cert_from_report(rep, &bad_backup, id));
	/* a report with a field missing or of another format gives no certificate */
	json_object_del(json_object_get(rep, "device"), "path");
	errno = 0;
	assert_null(cert_from_report(rep, NULL, id));
	assert_int_equal(errno, EINVAL);
	json_decref(rep);
	rep = report();
	json_object_set_new(rep, "format", json_string("kesu-verify/1"));
	assert_null(cert_from_report(rep, NULL, id));
	json_decref(rep);
	assert_null(cert_from_report(NULL, NULL, id));
}

/* a failed erasure still gets a certificate that says so */
static void test_failed_result(void **state)
{
	json_t *rep = report(), *c;
	char id[37];

	json_object_set_new(rep, "result", json_string("failed"));
	json_object_set_new(rep, "result_reason", json_string("8 blocks could not be written"));
	json_array_append_new(json_object_get(json_object_get(rep, "errors"), "write"),
			      json_pack("{s:I,s:I}", "first_lba", (json_int_t)1953792, "count",
					(json_int_t)8));
	c = cert_from_report(rep, NULL, id);
	assert_non_null(c);
	assert_field(c, "result", "failed");
	assert_int_equal(json_array_size(cert_get(c, "errors.write")), 1);
	json_decref(c);
	json_decref(rep);
}

/* set @path in @c to @v (NULL: delete it) */
static void put(json_t *c, const char *path, json_t *v)
{
	char parent[64];
	const char *dot = strrchr(path, '.');
	json_t *o = c;

	if (dot) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(dot - path), path);
		o = cert_get(c, parent);
	}
	assert_non_null(o);
	if (v)
		json_object_set_new(o, dot ? dot + 1 : path, v);
	else
		json_object_del(o, dot ? dot + 1 : path);
}

static void test_check_reasons(void **state)
{
	const struct {
		const char *path;
		json_t *value;
		const char *why;
	} cases[] = {
		{ "host", NULL, "host: missing" },
		{ "format", json_string("kesu-certificate/2"), "format: not one of" },
		{ "id", json_string("0f8b3c3e-8a4c-1d3b-9a51-5a2f1c7e9d10"),
		  "id: not a version 4" },
		{ "report_id", json_string("0F8B3C3E-8A4C-4D3B-9A51-5A2F1C7E9D10"), "report_id" },
		{ "issued", json_string("2026-13-01T00:00:00Z"), "issued: not a time" },
		{ "started", json_string("2026-11-25 09:12:04"), "started: not a time" },
		{ "result", json_string("ok"), "result: not one of" },
		{ "destination", json_string("landfill"), "destination: not one of" },
		{ "reason", json_integer(1), "reason: not one of" },
		{ "media.serial", json_integer(5), "media.serial: not a string or null" },
		{ "media.serial_hex", json_string("zz"), "media.serial_hex: not hexadecimal" },
		{ "media.capacity_bytes", json_integer(-1), "media.capacity_bytes: not a non-neg" },
		{ "media.capacity_bytes", json_real(1.0), "media.capacity_bytes: not a non-neg" },
		{ "media.path", json_null(), "media.path: not a string" },
		{ "media.kind", json_string("tape"), "media.kind: not one of" },
		{ "media.owner", json_string("x"), "media.owner: unknown field" },
		{ "approver", json_string("Tanaka"), "approver: unknown field" },
		{ "operator.name", json_stringn("Tana\0ka", 7), "operator.name: holds a NUL" },
		{ "sanitization.category", json_string("Purge"), "sanitization.category: not one" },
		{ "sanitization.hidden_areas", NULL, "sanitization.hidden_areas: missing" },
		{ "sanitization.passes", json_object(), "sanitization.passes: not an array" },
		{ "verification.coverage_percent", json_integer(101), "coverage_percent: not an" },
		{ "verification.verified", json_false(), "success, but verification.verified" },
		{ "verification.read_paths", json_pack("[{s:s}]", "path", "O_DIRECT"),
		  "verification.read_paths[0].bytes: missing" },
		{ "errors.read", json_pack("[{s:i,s:i}]", "first_lba", 0, "count", 1),
		  "success, but errors.read is not empty" },
		{ "tool.sha256", json_string("abc"), "tool.sha256: not a SHA-256" },
		{ "witness", json_string("Suzuki"), "witness: not an object" },
	};
	char id[37], why[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *c = full_cert(id);

		put(c, cases[i].path, cases[i].value);
		assert_int_equal(cert_check(c, why, sizeof(why)), -EBADMSG);
		if (!strstr(why, cases[i].why))
			fail_msg("%s: reason '%s', expected '%s'", cases[i].path, why,
				 cases[i].why);
		json_decref(c);
	}
	/* an incomplete pass cannot back a success */
	{
		json_t *c = full_cert(id);

		json_object_set_new(json_array_get(cert_get(c, "sanitization.passes"), 1),
				    "completed", json_false());
		assert_int_equal(cert_check(c, why, sizeof(why)), -EBADMSG);
		assert_non_null(strstr(why, "pass 2 is not completed"));
		json_decref(c);
	}
	{
		json_t *a = json_array();

		assert_int_equal(cert_check(a, why, sizeof(why)), -EBADMSG);
		assert_string_equal(why, "the document: not an object");
		json_decref(a);
	}
}

/* every field of a full certificate has a label in both languages, and every label a field */
static void labels_walk(const json_t *o, const char *at)
{
	const char *key;
	json_t *v;
	char path[96];

	json_object_foreach((json_t *)o, key, v)
	{
		snprintf(path, sizeof(path), "%s%s%s", at, *at ? "." : "", key);
		if (json_is_object(v)) {
			labels_walk(v, path);
			continue;
		}
		/* raw bytes of a device string go with the string */
		if (strlen(key) > 4 && !strcmp(key + strlen(key) - 4, "_hex"))
			continue;
		if (!cert_label(path, CERT_LANG_EN) || !cert_label(path, CERT_LANG_JA))
			fail_msg("%s: no label", path);
	}
}

static json_t *destruction(const char *technique);

static void test_labels(void **state)
{
	char id[37];
	json_t *c = full_cert(id), *d = destruction("degauss");

	labels_walk(c, "");
	labels_walk(d, "");
	for (const struct cert_label *l = cert_labels; l->path; l++)
		if (strcmp(l->path, "title") && strcmp(l->path, "approver") &&
		    strcmp(l->path, "sha256") && !cert_get(c, l->path) && !cert_get(d, l->path))
			fail_msg("label %s names no field", l->path);
	/* what people read of a destruction is translated too */
	assert_non_null(cert_value_label("sanitization.method",
					 cert_get_string(d, "sanitization.method"), CERT_LANG_JA));
	json_decref(d);
	assert_string_equal(cert_label("sanitization.method", CERT_LANG_JA), "消去方式");
	assert_string_equal(cert_label("verification.mode", CERT_LANG_JA), "検証方法");
	assert_string_equal(cert_label("operator.name", CERT_LANG_JA), "作業者");
	assert_string_equal(cert_label("witness.name", CERT_LANG_JA), "立会人");
	assert_string_equal(cert_label("approver", CERT_LANG_JA), "承認者");
	assert_string_equal(cert_label("media.asset_tag", CERT_LANG_JA), "資産番号");
	assert_string_equal(cert_label("media.classification", CERT_LANG_JA), "機密性");
	assert_string_equal(cert_value_label("destination", "destruction", CERT_LANG_JA), "破壊");
	assert_string_equal(cert_value_label("result", "success", CERT_LANG_EN), "success");
	assert_null(cert_value_label("media.serial", "S45P", CERT_LANG_JA));
	assert_null(cert_label("media.nothing", CERT_LANG_EN));
	json_decref(c);
}

static int setup(void **state)
{
	return secmem_init();
}

/* a signature by @sec over "doc" for certificate c1 as operator, with the time the signer claims */
static char *sign_at(const struct minisign_seckey *sec, const char *when)
{
	char tc[160], *text = NULL;

	snprintf(tc, sizeof(tc), "kesu-certificate/1 id=c1 role=operator name=\"Ono Ken\" time=%s",
		 when);
	assert_int_equal(minisign_sign(sec, "doc", 3, tc, NULL, &text), 0);
	return text;
}

/* DIR/ono.pub: the public key with @comment */
static void put_pub(const char *dir, const struct minisign_pubkey *pub, const char *comment)
{
	char path[512], *text = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ono.pub", dir);
	assert_int_equal(minisign_pubkey_format(pub, comment, &text), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(text);
}

static int64_t utc(const char *s)
{
	int64_t t = 0;

	assert_int_equal(cert_time_parse(s, &t), 0);
	return t;
}

/* A retired key counts until its day: by the time given (a ledger's), else by the signer's. */
static void test_retired_key(void **state)
{
	char dir[] = "/tmp/kesu-retired.XXXXXX", path[512], why[256];
	struct minisign_seckey *sec = NULL;
	struct minisign_pubkey pub;
	struct cert_sig_check chk;
	struct cert_trust *t = NULL;
	char *early, *late;
	int64_t v;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(minisign_keygen(&sec, &pub), 0);
	put_pub(dir, &pub, "kesu role=operator name=Ono Ken retired=2030-01-01");
	assert_int_equal(cert_trust_load(dir, &t, why, sizeof(why)), 0);
	early = sign_at(sec, "2029-12-31T23:59:59Z");
	late = sign_at(sec, "2030-01-01T00:00:00Z");

	/* no time given: the signature's own, and the refusal says whose word it is */
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(cert_check_sig_at(early, strlen(early), false, "doc", 3, "c1",
					   CERT_ROLE_OPERATOR, t, 0, &chk),
			 0);
	assert_string_equal(chk.retired, "2030-01-01");
	assert_string_equal(chk.name, "Ono Ken");
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(cert_check_sig_text(late, strlen(late), false, "doc", 3, "c1",
					     CERT_ROLE_OPERATOR, t, &chk),
			 -EACCES);
	assert_non_null(strstr(chk.why, "retired on 2030-01-01; signed 2030-01-01T00:00:00Z"));
	assert_non_null(strstr(chk.why, "(the signer's own claim)"));
	/* a recorded-at time overrides what the signer claimed, both ways */
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(cert_check_sig_at(early, strlen(early), false, "doc", 3, "c1",
					   CERT_ROLE_OPERATOR, t, utc("2030-01-02T00:00:00Z"),
					   &chk),
			 -EACCES);
	assert_non_null(strstr(chk.why, "retired on 2030-01-01, before it was recorded"));
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(cert_check_sig_at(late, strlen(late), false, "doc", 3, "c1",
					   CERT_ROLE_OPERATOR, t, utc("2029-12-31T23:59:59Z"),
					   &chk),
			 0);
	cert_trust_free(t);

	/* the key gone from the store: untrusted, with the name its signature gives */
	snprintf(path, sizeof(path), "%s/ono.pub", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(cert_trust_load(dir, &t, why, sizeof(why)), 0);
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(cert_check_sig_at(early, strlen(early), false, "doc", 3, "c1",
					   CERT_ROLE_OPERATOR, t, utc("2029-01-01T00:00:00Z"),
					   &chk),
			 -EACCES);
	assert_true(chk.gone);
	assert_string_equal(chk.signed_name, "Ono Ken");
	cert_trust_free(t);

	/* a retirement that is no date refuses the store, naming the file */
	put_pub(dir, &pub, "kesu role=operator name=Ono Ken retired=2030-02-30");
	assert_int_equal(cert_trust_load(dir, &t, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "ono.pub: its comment is not"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);

	assert_int_equal(cert_time_parse("2030-01-01T00:00:00Z", &v), 0);
	assert_int_equal(v, 1893456000);
	assert_int_equal(cert_time_parse("2030-02-30T00:00:00Z", &v), -EINVAL);
	assert_int_equal(cert_time_parse("2030-01-01 00:00:00", &v), -EINVAL);
	assert_int_equal(cert_time_parse("2030-01-01T00:00:00Zx", &v), -EINVAL);
	free(early);
	free(late);
	minisign_seckey_free(sec);
}

/*
 * A destruction certificate: its own form (no report, passes or read-back),
 * the category each technique earns, the evidence hashes; and an erasure
 * certificate's checks do not loosen because the destruction form exists.
 */
static json_t *destruction(const char *technique)
{
	static const struct cert_evidence ev[] = {
		{ "photo.jpg", 1000,
		  "78b61a2a6cf3328ace5b0fd06ce93b8d8afbeb94883615e3213a79d295a08241" },
	};
	const struct cert_destruction d = { .technique = technique,
					    .asset_tag = "PC-0042",
					    .serial = "WD-123",
					    .operator= "Test Operator",
					    .witness = "鈴木 一郎",
					    .evidence = ev,
					    .nevidence = 1 };
	char id[37];

	return cert_from_destruction(&d, NULL, id);
}

static void test_destruction(void **state)
{
	const char *const destroy[] = { "shred", "disintegrate", "incinerate", "pulverize" };
	struct cert_destruction d = { .technique = "shred", .asset_tag = "T", .operator= "O" };
	json_t *c, *bad;
	char why[192], id[37];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		c = destruction(destroy[i]);
		assert_non_null(c);
		assert_string_equal(cert_get_string(c, "sanitization.category"), "destroy");
		assert_true(cert_is_destruction(c));
		assert_int_equal(cert_check(c, why, sizeof(why)), 0);
		json_decref(c);
	}
	c = destruction("degauss");
	assert_string_equal(cert_get_string(c, "sanitization.category"), "purge");
	assert_string_equal(cert_get_string(c, "witness.name"), "鈴木 一郎");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(cert_get(c, "evidence"), 0), "name")),
			    "photo.jpg");
	assert_null(cert_get(c, "sanitization.passes"));
	assert_null(cert_get(c, "verification"));
	assert_string_equal(cert_title(c, CERT_LANG_JA), "記録媒体破壊証明書");

	/* a degaussing claimed as Destroy, a missing serial, a pass smuggled in */
	bad = json_deep_copy(c);
	json_object_set_new(cert_get(bad, "sanitization"), "category", json_string("destroy"));
	assert_int_equal(cert_check(bad, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "degauss is purge"));
	json_decref(bad);
	bad = json_deep_copy(c);
	json_object_set_new(cert_get(bad, "media"), "serial", json_null());
	assert_int_equal(cert_check(bad, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "media.serial: not a string"));
	json_decref(bad);
	bad = json_deep_copy(c);
	json_object_set_new(cert_get(bad, "sanitization"), "passes", json_array());
	assert_int_equal(cert_check(bad, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "sanitization.passes: unknown field"));
	json_decref(bad);
	bad = json_deep_copy(c);
	json_object_set_new(json_array_get(cert_get(bad, "evidence"), 0), "sha256", json_null());
	assert_int_equal(cert_check(bad, why, sizeof(why)), -EBADMSG);
	json_decref(bad);
	bad = json_deep_copy(c);
	json_object_set_new(bad, "result", json_string("failed"));
	assert_int_equal(cert_check(bad, why, sizeof(why)), -EBADMSG);
	json_decref(bad);
	json_decref(c);

	/* refused: no serial; an unknown technique */
	assert_null(cert_from_destruction(&d, NULL, id));
	assert_int_equal(errno, EINVAL);
	d.serial = "S";
	d.technique = "melt-in-a-volcano";
	assert_null(cert_from_destruction(&d, NULL, id));
	assert_false(cert_destruction_valid("overwrite"));

	/* an erasure certificate without report_id or passes is still malformed */
	bad = report();
	c = cert_from_report(bad, NULL, id);
	json_decref(bad);
	assert_non_null(c);
	assert_false(cert_is_destruction(c));
	json_object_del(c, "report_id");
	assert_int_equal(cert_check(c, why, sizeof(why)), -EBADMSG);
	assert_string_equal(why, "report_id: missing");
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_report),   cmocka_unit_test(test_canonical_round_trip),
		cmocka_unit_test(test_no_meta),	      cmocka_unit_test(test_refused_input),
		cmocka_unit_test(test_failed_result), cmocka_unit_test(test_check_reasons),
		cmocka_unit_test(test_labels),	      cmocka_unit_test(test_retired_key),
		cmocka_unit_test(test_destruction),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
