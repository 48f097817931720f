// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ledger: the row hash against a vector computed with Python's hashlib,
 * idempotent adds, the verdict's reason and approver, the chain check, the
 * reconcile groups, and the CSV parser on the inputs RFC 4180 allows and
 * the ones it does not; the anchor check, the asset list reader, the
 * sidecars found next to a certificate, the export lines and the choice of
 * backend by location.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <time.h>

#include "ledger/ledger.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX - 64];
	char path[PATH_MAX];
	struct ledger *l;
	int calls; /* verdict calls */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir), "test_ledger")) {
		free(f);
		return -1;
	}
	/* a directory that does not exist yet: the ledger makes it */
	snprintf(f->path, sizeof(f->path), "%s/sub/ledger.db", f->dir);
	if (ledger_open(&f->l, f->path, LEDGER_CREATE))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r;

	ledger_close(f->l);
	r = test_tmpdir_remove(f->dir);
	free(f);
	return r;
}

/* The tests' verdict: a kesu-certificate/1 object; the approver from a sidecar "approver.x". */
static int verdict(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	struct ledger_verdict *v = usr;
	struct fx *f = v->usr;
	json_t *doc = json_loadb(cert, len, 0, NULL);
	const char *fmt = json_string_value(json_object_get(doc, "format"));
	int r = 0;

	f->calls++;
	if (!fmt || strcmp(fmt, "kesu-certificate/1")) {
		snprintf(v->why, sizeof(v->why), "wrong format");
		r = -EBADMSG;
	}
	for (size_t i = 0; sigs && i < sigs->n; i++)
		if (!strcmp(sigs->sig[i].name, "approver.x"))
			snprintf(v->approver, sizeof(v->approver), "%.*s", (int)sigs->sig[i].len,
				 (const char *)sigs->sig[i].data);
	/* the operator approving their own erasure, under a recorded exception */
	v->self_approved = !strcmp(v->approver, "Self");
	json_decref(doc);
	return r;
}

static char *make_cert(const char *id, const char *tag, const char *serial, const char *result)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "{\"format\":\"kesu-certificate/1\",\"id\":\"%s\",\"media\":{\"asset_tag\":\"%s\","
		 "\"serial\":\"%s\"},\"result\":\"%s\"}",
		 id, tag, serial, result);
	return buf;
}

static int add(struct fx *f, const char *cert, const char *approver, char *why, int64_t *seq)
{
	struct ledger_sig s[2] = { { "operator.x", "OP", 2 },
				   { "approver.x", approver, approver ? strlen(approver) : 0 } };
	struct ledger_sigs sigs = { approver ? 2 : 1, s };
	struct ledger_anchor row = { 0 };
	char w[256];
	int r = ledger_add(f->l, cert, strlen(cert), &sigs, verdict, f, why ? why : w, 256, &row);

	if (seq)
		*seq = row.seq;
	return r;
}

/* the first row's hash, recorded-at time and signers */
struct first {
	char hash[LEDGER_HASH_HEX];
	char recorded[32];
	char signers[64];
};

static int first_hash(const struct ledger_row *row, void *usr)
{
	struct first *f = usr;

	snprintf(f->hash, sizeof(f->hash), "%s", row->row_hash);
	snprintf(f->recorded, sizeof(f->recorded), "%s", row->recorded);
	snprintf(f->signers, sizeof(f->signers), "%s", row->signers);
	return 1;
}

static void sha256(const void *p, size_t n, unsigned char *md)
{
	assert_true(EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL));
}

/* The row hash as ledger.h defines it, against Python's hashlib. */
static void test_row_hash_vector(void **state)
{
	struct fx *f = *state;
	const char *cert =
		"{\"format\":\"kesu-certificate/1\",\"id\":\"a\",\"media\":{\"asset_tag\":"
		"\"T1\",\"serial\":\"S1\"},\"result\":\"success\"}";
	struct ledger_sig s = { "approver.minisig", "A", 1 };
	struct ledger_sigs sigs = { 1, &s };
	char why[256], hex[LEDGER_HASH_HEX];
	struct ledger_anchor row = { 0 };
	struct first first = { 0 };
	/*
	 * sha256(pack('>q', 1) || 32 zero bytes || sha256(cert) ||
	 * sha256('{"approver.minisig":"QQ=="}') || pack('>q', 0)): the first 112
	 * bytes, whose SHA-256 Python's hashlib gave as ed019f52... (schema 2's
	 * whole row hash); then sha256(recorded) || sha256(signers)
	 */
	unsigned char buf[176] = { 0 };
	time_t before = time(NULL), after;
	int64_t at;

	assert_int_equal(
		ledger_add(f->l, cert, strlen(cert), &sigs, verdict, f, why, sizeof(why), &row), 0);
	after = time(NULL);
	assert_int_equal(row.seq, 1);
	assert_int_equal(ledger_iterate(f->l, NULL, first_hash, &first), 1);
	/* the ledger's own clock, in the form signatures use */
	assert_int_equal(cert_time_parse(first.recorded, &at), 0);
	assert_true(at >= before && at <= after);
	assert_string_equal(first.signers, "{}");
	buf[7] = 1;
	sha256(cert, strlen(cert), buf + 40);
	sha256("{\"approver.minisig\":\"QQ==\"}", 27, buf + 72);
	sha256(first.recorded, strlen(first.recorded), buf + 112);
	sha256(first.signers, strlen(first.signers), buf + 144);
	ledger_sha256_hex(buf, 112, hex);
	assert_string_equal(hex,
			    "ed019f5214d2f3bf92f7edd056009d721dcc59567192bd65737d01c8ef0b69d5");
	ledger_sha256_hex(buf, sizeof(buf), hex);
	assert_string_equal(first.hash, hex);
	/* ledger_add() hands out the new head it wrote */
	assert_string_equal(row.hash, first.hash);
}

static void test_add_idempotent(void **state)
{
	struct fx *f = *state;
	char why[256], c1[512];
	int64_t seq = 0;

	snprintf(c1, sizeof(c1), "%s", make_cert("id-1", "T1", "S1", "success"));
	assert_int_equal(add(f, c1, "Boss", why, &seq), 0);
	assert_int_equal(f->calls, 1);
	assert_int_equal(add(f, c1, "Boss", why, &seq), LEDGER_ALREADY);
	assert_int_equal(seq, 1);
	assert_string_equal(why, "already recorded");
	/* already recorded: the verdict is not asked again */
	assert_int_equal(f->calls, 1);
	assert_int_equal(add(f, make_cert("id-1", "T1", "S1", "failed"), "Boss", why, NULL),
			 -EEXIST);
	assert_string_equal(why, "the id is recorded with other bytes");
	/* fewer signatures than recorded: not a later approval */
	assert_int_equal(add(f, c1, NULL, why, NULL), -EEXIST);
	assert_string_equal(why, "recorded as seq 1 with other signatures: a later row may only "
				 "add signatures, keeping those recorded");
}

static int get_row(const struct ledger_row *row, void *usr)
{
	struct ledger_row *out = usr;

	out->seq = row->seq;
	out->refers = row->refers;
	assert_string_equal(row->field[LEDGER_APPROVER] ? row->field[LEDGER_APPROVER] : "-",
			    out->field[LEDGER_APPROVER]);
	return 0;
}

/* An approval given after the certificate was recorded: a new row that refers to the first. */
static void test_later_approval(void **state)
{
	struct fx *f = *state;
	const struct ledger_asset asset = { "T1", NULL };
	struct ledger_row got = { .field[LEDGER_APPROVER] = "Boss" };
	struct ledger_reconcile rec;
	struct ledger_check chk;
	char why[256], c1[512];
	int64_t seq = 0;

	snprintf(c1, sizeof(c1), "%s", make_cert("id-1", "T1", "S1", "success"));
	assert_int_equal(add(f, c1, NULL, why, &seq), 0);
	assert_int_equal(ledger_reconcile(f->l, &asset, 1, &rec), 0);
	assert_int_equal(rec.certified, 0);
	ledger_reconcile_free(&rec);
	assert_int_equal(add(f, c1, "Boss", why, &seq), LEDGER_SIGS_ADDED);
	assert_int_equal(seq, 2);
	/* the same again: idempotent, the later row's seq */
	assert_int_equal(add(f, c1, "Boss", why, &seq), LEDGER_ALREADY);
	assert_int_equal(seq, 2);
	assert_string_equal(why, "already recorded");
	/* another approver in place of the recorded one: not an addition */
	assert_int_equal(add(f, c1, "Chief", why, NULL), -EEXIST);
	assert_int_equal(ledger_get(f->l, "id-1", get_row, &got), 0);
	assert_int_equal(got.seq, 2);
	assert_int_equal(got.refers, 1);
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), 0);
	assert_int_equal(chk.rows, 2);
	/* a certificate's later rows are not a second certificate of its erasure */
	assert_int_equal(chk.dups.n, 0);
	ledger_check_free(&chk);
	/* reconcile goes by the latest row: certified, and the first row is not unmatched */
	assert_int_equal(ledger_reconcile(f->l, &asset, 1, &rec), 0);
	assert_int_equal(rec.certified, 1);
	assert_string_equal(rec.match[0].id, "id-1");
	assert_int_equal(rec.nunmatched, 0);
	ledger_reconcile_free(&rec);
}

static void test_add_rejected(void **state)
{
	struct fx *f = *state;
	const char *other = "{\"format\":\"kesu-report/1\",\"id\":\"r\"}";
	char why[256];
	int64_t seq = 0;

	assert_int_equal(add(f, other, NULL, why, NULL), -EBADMSG);
	assert_string_equal(why, "wrong format");
	assert_int_equal(add(f, "[1]", NULL, why, NULL), -EBADMSG);
	assert_non_null(strstr(why, "not a JSON object"));
	assert_int_equal(add(f, "{\"format\":\"kesu-certificate/1\"}", NULL, why, NULL), -EBADMSG);
	assert_string_equal(why, "the certificate has no id");
	assert_int_equal(add(f, "{\"id\":\"a\",\"id\":\"b\"}", NULL, why, NULL), -EBADMSG);
	assert_int_equal(ledger_last_hash(f->l, &seq, why), 0);
	assert_int_equal(seq, 0);
}

static int count_row(const struct ledger_row *row, void *usr)
{
	(*(int *)usr)++;
	return 0;
}

static int check_approver(const struct ledger_row *row, void *usr)
{
	assert_string_equal(row->field[LEDGER_APPROVER], usr);
	assert_string_equal(row->field[LEDGER_SERIAL], "S7");
	assert_null(row->field[LEDGER_MODEL]);
	return 0;
}

static void test_iterate_and_verify(void **state)
{
	struct fx *f = *state;
	struct ledger_filter by_tag = { .asset_tag = "T2" }, by_serial = { .serial = "S7" };
	struct ledger_check chk;
	char head[LEDGER_HASH_HEX];
	int64_t seq;
	int n = 0;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "T2", "S2", "success"), NULL, NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("c", "T2", "S7", "failed"), "Chief", NULL, NULL), 0);
	assert_int_equal(ledger_iterate(f->l, &by_tag, count_row, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ledger_iterate(f->l, &by_serial, check_approver, "Chief"), 0);
	assert_int_equal(ledger_get(f->l, "nope", count_row, &n), -ENOENT);
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), 0);
	assert_int_equal(chk.rows, 3);
	assert_int_equal(chk.fault, LEDGER_INTACT);
	assert_int_equal(ledger_last_hash(f->l, &seq, head), 0);
	assert_int_equal(seq, 3);
	assert_string_equal(chk.head, head);
}

/* A verdict that rejects everything: verify reports the first row as invalid. */
static int reject(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	struct ledger_verdict *v = usr;

	snprintf(v->why, sizeof(v->why), "signer no longer trusted");
	return -EKEYREJECTED;
}

static void test_verify_reruns_verdict(void **state)
{
	struct fx *f = *state;
	struct ledger_check chk;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(ledger_verify(f->l, reject, NULL, &chk), -EBADMSG);
	assert_int_equal(chk.seq, 1);
	assert_int_equal(chk.fault, LEDGER_INVALID);
	assert_string_equal(chk.id, "a");
	assert_string_equal(chk.why, "signer no longer trusted");
	assert_string_equal(ledger_fault_name(chk.fault), "invalid");
}

/*
 * The trust store's verdict now: "b" no longer trusted (-EACCES). The ledger
 * hands it each row's recorded-at time and recorded signers.
 */
static int distrust(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	struct ledger_verdict *v = usr;
	int64_t *recorded = v->usr;
	json_t *doc = json_loadb(cert, len, 0, NULL);
	bool gone = !strcmp(json_string_value(json_object_get(doc, "id")), "b");

	json_decref(doc);
	for (size_t i = 0; i < sigs->n; i++)
		if (!strcmp(sigs->sig[i].name, "approver.x"))
			snprintf(v->approver, sizeof(v->approver), "%.*s", (int)sigs->sig[i].len,
				 (const char *)sigs->sig[i].data);
	assert_non_null(v->recorded_signers);
	assert_string_equal(v->recorded_signers, "{}");
	*recorded = v->recorded;
	if (!gone)
		return 0;
	snprintf(v->why, sizeof(v->why), "signer Tanaka no longer in the trust store");
	return -EACCES;
}

static void test_verify_untrusted_intact(void **state)
{
	struct fx *f = *state;
	struct ledger_check chk;
	time_t before = time(NULL);
	int64_t recorded = 0;
	sqlite3 *db;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "T2", "S2", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("c", "T3", "S3", "success"), "Boss", NULL, NULL), 0);
	/* the row named, the walk gone on to the end: intact */
	assert_int_equal(ledger_verify(f->l, distrust, &recorded, &chk), 0);
	assert_true(recorded >= before && recorded <= time(NULL));
	assert_int_equal(chk.rows, 3);
	assert_int_equal(chk.fault, LEDGER_INTACT);
	assert_int_equal(chk.nuntrusted, 1);
	assert_int_equal(chk.untrusted[0].seq, 2);
	assert_string_equal(chk.untrusted[0].id, "b");
	assert_string_equal(chk.untrusted[0].why, "signer Tanaka no longer in the trust store");
	ledger_check_free(&chk);
	/* a row edited after it: the chain is broken, whatever the trust */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE certificates SET recorded = "
				      "'2000-01-01T00:00:00Z' WHERE seq = 3",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_verify(f->l, distrust, &recorded, &chk), -EBADMSG);
	assert_int_equal(chk.seq, 3);
	assert_int_equal(chk.fault, LEDGER_ALTERED);
	ledger_check_free(&chk);
}

static void test_reconcile(void **state)
{
	struct fx *f = *state;
	const struct ledger_asset assets[] = {
		{ "T1", NULL },	 /* certified by tag */
		{ NULL, "S2" },	 /* only a failed certificate */
		{ "T3", "S3" },	 /* an unapproved one */
		{ "T4", "" },	 /* none */
		{ "T5", "S5b" }, /* a failed one by tag, a good one by serial */
	};
	struct ledger_reconcile rec;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "T2", "S2", "failed"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("c", "T3", "S3", "success"), NULL, NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("d", "T9", "S9", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("e", "T5", "S5a", "failed"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("g", "", "S5b", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("h", "", "", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(ledger_reconcile(f->l, assets, 5, &rec), 0);
	assert_int_equal(rec.certified, 2);
	assert_int_equal(rec.missing, 3);
	assert_int_equal(rec.match[0].status, LEDGER_CERTIFIED);
	assert_string_equal(rec.match[0].id, "a");
	assert_int_equal(rec.match[1].status, LEDGER_MISSING);
	assert_string_equal(rec.match[1].result, "failed");
	assert_int_equal(rec.match[2].status, LEDGER_MISSING);
	assert_false(rec.match[2].approved);
	assert_int_equal(rec.match[3].status, LEDGER_MISSING);
	assert_null(rec.match[3].id);
	assert_int_equal(rec.match[4].status, LEDGER_CERTIFIED);
	assert_string_equal(rec.match[4].id, "g");
	assert_int_equal(rec.nunmatched, 2);
	assert_string_equal(rec.unmatched[0].id, "d");
	assert_string_equal(rec.unmatched[1].id, "h");
	ledger_reconcile_free(&rec);
}

static int row_hash_of(const struct ledger_row *row, void *usr);

/* Run @sql on the ledger's file with SQLite itself, as someone with write access would. */
static void tamper(struct fx *f, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * The last row deleted, then a certificate added: its seq is not the deleted
 * one's, verify finds the gap, and the deleted row's anchor fails.
 */
static void test_deleted_last_row(void **state)
{
	struct fx *f = *state;
	struct ledger_anchor a = { .seq = 3 };
	struct ledger_check chk;
	int64_t seq = 0;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "T2", "S2", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("c", "T3", "S3", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(ledger_iterate(f->l, NULL, row_hash_of, &a), 0);
	tamper(f, "DELETE FROM certificates WHERE seq = 3");
	/* nothing added yet: the seq counter still says 3 */
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_DELETED);
	assert_int_equal(chk.seq, 3);
	assert_non_null(strstr(chk.why, "missing at the end"));
	ledger_check_free(&chk);
	assert_int_equal(add(f, make_cert("d", "T4", "S4", "success"), "Boss", NULL, &seq), 0);
	assert_int_equal(seq, 4);
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_DELETED);
	assert_int_equal(chk.seq, 4);
	ledger_check_free(&chk);
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(ledger_anchor_check(f->l, &a, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_DELETED);
	/* the counter put back as well: the new row takes seq 3, but not the old row's hash */
	tamper(f, "DELETE FROM certificates WHERE seq = 4;"
		  "UPDATE sqlite_sequence SET seq = 2 WHERE name = 'certificates'");
	assert_int_equal(add(f, make_cert("e", "T5", "S5", "success"), "Boss", NULL, &seq), 0);
	assert_int_equal(seq, 3);
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), 0);
	ledger_check_free(&chk);
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(ledger_anchor_check(f->l, &a, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_ALTERED);
}

/* seq and the certificate's previous row are in the hash: renumbering is found. */
static void test_seq_in_hash(void **state)
{
	struct fx *f = *state;
	struct ledger_check chk;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), NULL, NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL),
			 LEDGER_SIGS_ADDED);
	tamper(f, "UPDATE certificates SET refers = NULL WHERE seq = 2");
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_ALTERED);
	assert_int_equal(chk.seq, 2);
	ledger_check_free(&chk);
	tamper(f, "UPDATE certificates SET refers = 1 WHERE seq = 2;"
		  "UPDATE certificates SET seq = 7 WHERE seq = 2;"
		  "UPDATE sqlite_sequence SET seq = 7 WHERE name = 'certificates'");
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), -EBADMSG);
	assert_int_equal(chk.seq, 7);
	ledger_check_free(&chk);
}

static char *cert_of_report(const char *id, const char *tag, const char *serial, const char *report,
			    const char *started)
{
	static char buf[512];

	snprintf(
		buf, sizeof(buf),
		"{\"format\":\"kesu-certificate/1\",\"id\":\"%s\",\"media\":{\"asset_tag\":\"%s\","
		"\"serial\":\"%s\"},\"report_id\":\"%s\",\"result\":\"success\",\"started\":\"%s\"}",
		id, tag, serial, report, started);
	return buf;
}

/* Two certificates of one erasure: by report id, or by serial and start time. */
static void test_duplicates(void **state)
{
	struct fx *f = *state;
	const struct ledger_asset assets[] = { { "T1", NULL }, { "T2", NULL } };
	struct ledger_reconcile rec;
	struct ledger_check chk;
	json_t *doc;

	assert_int_equal(add(f, cert_of_report("a", "T1", "S1", "R1", "t1"), NULL, NULL, NULL), 0);
	/* a later approval of "a": not a duplicate */
	assert_int_equal(add(f, cert_of_report("a", "T1", "S1", "R1", "t1"), "Boss", NULL, NULL),
			 LEDGER_SIGS_ADDED);
	/* the same report, made out for another asset */
	assert_int_equal(add(f, cert_of_report("b", "T2", "S2", "R1", "t2"), "Boss", NULL, NULL),
			 0);
	/* the same device and start time, under another report id */
	assert_int_equal(add(f, cert_of_report("c", "T3", "S1", "R3", "t1"), "Boss", NULL, NULL),
			 0);
	/* another erasure of the same device */
	assert_int_equal(add(f, cert_of_report("d", "T1", "S1", "R4", "t4"), "Boss", NULL, NULL),
			 0);
	assert_int_equal(ledger_verify(f->l, verdict, f, &chk), 0);
	assert_int_equal(chk.dups.n, 2);
	assert_int_equal(chk.dups.dup[0].seq, 3);
	assert_string_equal(chk.dups.dup[0].id, "b");
	assert_int_equal(chk.dups.dup[0].first_seq, 1);
	assert_string_equal(chk.dups.dup[0].first_id, "a");
	assert_string_equal(chk.dups.dup[0].same, "report_id");
	assert_string_equal(chk.dups.dup[1].id, "c");
	assert_string_equal(chk.dups.dup[1].same, "serial and started");
	doc = ledger_check_json("x", &chk, true);
	assert_int_equal(json_array_size(json_object_get(doc, "duplicates")), 2);
	json_decref(doc);
	ledger_check_free(&chk);
	assert_int_equal(ledger_reconcile(f->l, assets, 2, &rec), 0);
	assert_int_equal(rec.dups.n, 2);
	assert_string_equal(rec.dups.dup[0].id, "b");
	doc = ledger_reconcile_json(assets, &rec);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(doc, "duplicates"), 1),
				    "first_certificate_id")),
			    "a");
	json_decref(doc);
	ledger_reconcile_free(&rec);
}

/* A ledger of schema 1 is refused, and says which schema it is. */
static void test_old_schema(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	struct ledger *l;
	sqlite3 *db;
	int version = 0;

	snprintf(path, sizeof(path), "%s/old.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE certificates (seq INTEGER PRIMARY KEY,"
				      " id TEXT NOT NULL UNIQUE); PRAGMA user_version = 1",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_open(&l, path, LEDGER_CREATE), -EPROTO);
	assert_int_equal(ledger_open(&l, path, LEDGER_RDONLY), -EPROTO);
	assert_int_equal(ledger_schema(path, &version), 0);
	assert_int_equal(version, 1);
	assert_int_equal(ledger_schema(f->path, &version), 0);
	assert_int_equal(version, LEDGER_SCHEMA);
}

static void test_open_refuses_other_db(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	struct ledger *l;
	static const char text[] =
		"this is not an SQLite database, and it is long enough to have a header......";

	snprintf(path, sizeof(path), "%s/missing.db", f->dir);
	assert_int_equal(ledger_open(&l, path, 0), -ENOENT);
	snprintf(path, sizeof(path), "%s/text.db", f->dir);
	test_file_put(path, 0644, text, strlen(text));
	assert_int_equal(ledger_open(&l, path, LEDGER_CREATE), -EBADMSG);
	assert_int_equal(ledger_open(&l, f->dir, LEDGER_CREATE), -EBADMSG);
}

/* CSV: the records, joined as "a|b;c|d;" for comparison. */
static int join(char **cells, size_t n, size_t line, void *usr)
{
	char *out = usr;

	for (size_t i = 0; i < n; i++) {
		strcat(out, cells[i]);
		strcat(out, i + 1 < n ? "|" : ";");
	}
	return 0;
}

static void csv_ok(const char *in, size_t len, const char *want)
{
	char out[512] = "";
	size_t line = 0;

	assert_int_equal(ledger_csv_parse(in, len, join, out, &line), 0);
	assert_string_equal(out, want);
}

static void csv_bad(const char *in, size_t len, size_t want_line)
{
	char out[512] = "";
	size_t line = 0;

	assert_int_equal(ledger_csv_parse(in, len, join, out, &line), -EBADMSG);
	assert_int_equal(line, want_line);
}

#define OK(s, w) csv_ok(s, sizeof(s) - 1, w)
#define BAD(s, l) csv_bad(s, sizeof(s) - 1, l)

static void test_csv(void **state)
{
	OK("a,b\nc,d\n", "a|b;c|d;");
	OK("a,b\r\nc,d", "a|b;c|d;");
	OK("\xef\xbb\xbf"
	   "a,b\n",
	   "a|b;");
	OK("\"a,1\",\"say \"\"hi\"\"\"\n", "a,1|say \"hi\";");
	OK("\"line\r\nbreak\",x\n", "line\r\nbreak|x;");
	OK("a,,\n\n,b\n", "a||;|b;");
	OK("a,\"\"\n", "a|;");
	OK("a,", "a|;");
	OK("", "");
	OK("\xe8\xb3\x87\xe7\x94\xa3,x\n", "\xe8\xb3\x87\xe7\x94\xa3|x;");
	BAD("a,b\nc\"d,e\n", 2);
	BAD("a,\"b\"c\n", 1);
	BAD("a\n\"open,\nclosed", 2);
	BAD("a\rb\n", 1);
	BAD("a,b\r", 1);
	BAD("a,\xff\n", 1);
	BAD("a,b\0c\n", 1);
	BAD("\"a\0\"\n", 1);
}

static int row_hash_of(const struct ledger_row *row, void *usr)
{
	struct ledger_anchor *a = usr;

	if (row->seq == a->seq)
		snprintf(a->hash, sizeof(a->hash), "%s", row->row_hash);
	return 0;
}

static void test_anchor(void **state)
{
	struct fx *f = *state;
	struct ledger_anchor a;
	struct ledger_check chk;

	assert_int_equal(ledger_anchor_parse("2:ab", &a), -EINVAL);
	assert_int_equal(ledger_anchor_parse(
				 "0:"
				 "0000000000000000000000000000000000000000000000000000000000000000",
				 &a),
			 -EINVAL);
	assert_int_equal(ledger_anchor_parse(
				 "2:"
				 "000000000000000000000000000000000000000000000000000000000000000A",
				 &a),
			 -EINVAL);
	assert_int_equal(
		ledger_anchor_parse(
			"2:"
			"0000000000000000000000000000000000000000000000000000000000000000x",
			&a),
		-EINVAL);
	assert_int_equal(ledger_anchor_parse(
				 "2:"
				 "00000000000000000000000000000000000000000000000000000000000000ff",
				 &a),
			 0);
	assert_int_equal(a.seq, 2);
	assert_string_equal(a.hash,
			    "00000000000000000000000000000000000000000000000000000000000000ff");

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "T2", "S2", "success"), "Boss", NULL, NULL), 0);
	/* the real hash of row 2 holds */
	a.seq = 2;
	assert_int_equal(ledger_iterate(f->l, NULL, row_hash_of, &a), 0);
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(ledger_anchor_check(f->l, &a, &chk), 0);
	assert_int_equal(chk.fault, LEDGER_INTACT);
	/* another hash for row 2: the chain was rewritten */
	a.hash[0] = a.hash[0] == '0' ? '1' : '0';
	assert_int_equal(ledger_anchor_check(f->l, &a, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_ALTERED);
	assert_int_equal(chk.seq, 2);
	assert_string_equal(chk.id, "b");
	/* a row past the end: rows were removed from the end */
	a.seq = 3;
	memset(&chk, 0, sizeof(chk));
	assert_int_equal(ledger_anchor_check(f->l, &a, &chk), -EBADMSG);
	assert_int_equal(chk.fault, LEDGER_DELETED);
	assert_int_equal(chk.seq, 3);
	assert_non_null(strstr(chk.why, "anchored row is gone"));
}

static void assets_ok(const char *csv, size_t n, const char *tag0, const char *serial0)
{
	struct ledger_assets as;

	assert_int_equal(ledger_assets_parse(csv, strlen(csv), &as), 0);
	assert_int_equal(as.n, n);
	assert_string_equal(as.a[0].asset_tag, tag0);
	assert_string_equal(as.a[0].serial, serial0);
	ledger_assets_free(&as);
}

static void assets_bad(const char *csv, const char *why)
{
	struct ledger_assets as;

	assert_int_equal(ledger_assets_parse(csv, strlen(csv), &as), -EBADMSG);
	assert_string_equal(as.why, why);
	ledger_assets_free(&as);
}

static void test_assets(void **state)
{
	(void)state;
	/* Snipe-IT's header, values trimmed, other columns ignored */
	assets_ok("Name,\"Asset Tag\",Serial\r\nPC,  T-1\t, S-1 \r\nPC2,T-2,\r\n", 2, "T-1", "S-1");
	assets_ok("asset-tag\nT-9\n", 1, "T-9", "");
	assets_ok("SERIAL\nS-9\n", 1, "", "S-9");
	assets_bad("name,room\nx,1\n", "the header has no asset_tag or serial column");
	assets_bad("serial,Serial\nx,y\n", "two serial columns");
	assets_bad("asset_tag,serial\nT1\n", "line 2: 1 fields, the header has 2");
	assets_bad("asset_tag,serial,n\nT1,S1,x\n ,\t,x\n",
		   "line 3: neither an asset tag nor a serial");
	assets_bad("asset_tag\n\"T1\n", "line 2: not valid CSV");
	assets_bad("", "empty: no header");
}

static void test_reconcile_json(void **state)
{
	struct fx *f = *state;
	const struct ledger_asset assets[] = {
		{ "T1", "" }, { "T2", "" }, { "", "S3" }, { "T4", "" }
	};
	struct ledger_reconcile rec;
	json_t *doc, *m;

	assert_int_equal(add(f, make_cert("a", "T1", "S1", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "T2", "S2", "failed"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("c", "T3", "S3", "success"), NULL, NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("d", "T9", "S9", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(ledger_reconcile(f->l, assets, 4, &rec), 0);
	assert_string_equal(ledger_missing_reason(&rec.match[1]), "erasure not successful");
	assert_string_equal(ledger_missing_reason(&rec.match[2]), "not approved");
	assert_string_equal(ledger_missing_reason(&rec.match[3]), "no certificate");
	doc = ledger_reconcile_json(assets, &rec);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "certified")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(doc, "certified"), 0), "certificate_id")),
		"a");
	m = json_object_get(doc, "missing");
	assert_int_equal(json_array_size(m), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "reason")),
			    "erasure not successful");
	assert_string_equal(json_string_value(json_object_get(json_array_get(m, 1), "serial")),
			    "S3");
	assert_true(json_is_null(json_object_get(json_array_get(m, 2), "certificate_id")));
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(doc, "unmatched"), 0), "certificate_id")),
		"d");
	json_decref(doc);
	ledger_reconcile_free(&rec);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	test_file_put(path, 0644, text, strlen(text));
}

static void test_cert_load(void **state)
{
	struct fx *f = *state;
	struct ledger_cert c;
	char path[PATH_MAX], side[PATH_MAX + 32];

	put_file(f->dir, "c.json", "{\"id\":\"x\"}");
	put_file(f->dir, "c.json.operator.minisig", "OP");
	put_file(f->dir, "c.json.approver.p7s", "AP");
	put_file(f->dir, "c.json.witness.minisig", "not a sidecar the ledger reads");
	snprintf(path, sizeof(path), "%s/c.json", f->dir);
	assert_int_equal(ledger_cert_load(path, &c), 0);
	assert_int_equal(c.len, 10);
	assert_memory_equal(c.data, "{\"id\":\"x\"}", 10);
	assert_int_equal(c.sigs.n, 2);
	assert_string_equal(c.sigs.sig[0].name, "operator.minisig");
	assert_memory_equal(c.sigs.sig[0].data, "OP", 2);
	assert_string_equal(c.sigs.sig[1].name, "approver.p7s");
	assert_int_equal(c.sigs.sig[1].len, 2);
	ledger_cert_free(&c);
	/* a sidecar that exists but cannot be read is named; a missing certificate too */
	snprintf(side, sizeof(side), "%s.approver.minisig", path);
	assert_int_equal(mkdir(side, 0700), 0);
	assert_int_equal(ledger_cert_load(path, &c), -EISDIR);
	assert_string_equal(c.failed, side);
	ledger_cert_free(&c);
	snprintf(path, sizeof(path), "%s/none.json", f->dir);
	assert_int_equal(ledger_cert_load(path, &c), -ENOENT);
	assert_string_equal(c.failed, path);
	ledger_cert_free(&c);
}

static int export_both(const struct ledger_row *row, void *usr)
{
	char **out = usr;

	assert_int_equal(ledger_export_line(LEDGER_EXPORT_CSV, row, &out[0]), 0);
	assert_int_equal(ledger_export_line(LEDGER_EXPORT_JSONL, row, &out[1]), 0);
	return 1;
}

static void test_export_lines(void **state)
{
	struct fx *f = *state;
	char *line[2] = { NULL, NULL }, *head;
	json_t *doc;

	assert_int_equal(
		add(f, make_cert("a", "=1+2", "S,\\\"q\\\"", "success"), "Boss", NULL, NULL), 0);
	assert_int_equal(add(f, make_cert("b", "x;=1+1", "S2", "success"), "Self", NULL, NULL), 0);
	assert_int_equal(ledger_export_header(LEDGER_EXPORT_CSV, &head), 0);
	assert_string_equal(head, "\"asset_tag\",\"serial\",\"model\",\"category\",\"technique\","
				  "\"result\",\"started\",\"finished\",\"operator\",\"witness\","
				  "\"approver\",\"self_approval\",\"certificate_id\","
				  "\"certificate_sha256\"\r\n");
	free(head);
	assert_int_equal(ledger_export_header(LEDGER_EXPORT_JSONL, &head), 0);
	assert_string_equal(head, "");
	free(head);
	assert_int_equal(ledger_iterate(f->l, NULL, export_both, line), 1);
	/* every cell quoted, the formula defused, quotes doubled, CRLF */
	assert_non_null(strstr(line[0],
			       "\"'=1+2\",\"S,\"\"q\"\"\",\"\",\"\",\"\",\"success\",\"\",\"\","
			       "\"\",\"\",\"Boss\",\"no\",\"a\",\""));
	assert_int_equal(strcmp(line[0] + strlen(line[0]) - 2, "\r\n"), 0);
	doc = json_loads(line[1], 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "asset_tag")), "=1+2");
	assert_true(json_is_null(json_object_get(doc, "model")));
	assert_int_equal(line[1][strlen(line[1]) - 1], '\n');
	json_decref(doc);
	free(line[0]);
	free(line[1]);
	/* a ";" in a value stays inside its quoted cell; the operator approved it */
	assert_int_equal(
		ledger_iterate(f->l, &(struct ledger_filter){ .id = "b" }, export_both, line), 1);
	assert_non_null(strstr(line[0], "\"x;=1+1\",\"S2\","));
	assert_non_null(strstr(line[0], "\"Self\",\"yes\",\"b\","));
	free(line[0]);
	free(line[1]);
}

static void test_open_location(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX], why[256];
	struct ledger *l;

	assert_int_equal(ledger_open(&l, "mysql://db.example/kesu", LEDGER_CREATE),
			 -EPROTONOSUPPORT);
	/* a password in the URL, or a malformed one, is refused before any connection */
	assert_int_equal(ledger_open(&l, "postgresql://kesu:pw@db.invalid/kesu", 0), -EINVAL);
	assert_int_equal(ledger_location_check("postgresql:///k?password=pw", why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "holds a password"));
	assert_null(strstr(why, "pw"));
	assert_int_equal(ledger_location_check("postgresql://[x", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "malformed"));
	assert_int_equal(ledger_location_check("postgresql://k:pw@[x", why, sizeof(why)), -EINVAL);
	assert_null(strstr(why, "pw"));
	assert_int_equal(ledger_location_check("postgresql:///kesu?host=/run/x", why, sizeof(why)),
			 0);
	assert_int_equal(ledger_open(&l, "sqlite://x.db", LEDGER_CREATE), -EPROTONOSUPPORT);
	/* not a scheme: a path for SQLite, even with "://" in it */
	snprintf(path, sizeof(path), "%s/a://b.db", f->dir);
	assert_int_equal(ledger_open(&l, path, LEDGER_CREATE), 0);
	ledger_close(l);
	snprintf(path, sizeof(path), "%s/a:", f->dir);
	assert_int_equal(access(path, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_row_hash_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_last_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_in_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iterate_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_reruns_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_untrusted_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_other_db, setup, teardown),
		cmocka_unit_test(test_csv),
		cmocka_unit_test_setup_teardown(test_anchor, setup, teardown),
		cmocka_unit_test(test_assets),
		cmocka_unit_test_setup_teardown(test_reconcile_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_location, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
