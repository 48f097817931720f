// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The asset register: the state machine, events as rows of the ledger's
 * chain (found by verify when edited, and replayed to the state they
 * recorded), the import mapping of Snipe-IT and GLPI columns, and each
 * refusal of an import file with its line.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "ledger/asset.h"

#include <jansson.h>

static void test_states(void **state)
{
	enum asset_state st;

	(void)state;
	assert_true(asset_transition_ok(ASSET_IN_SERVICE, ASSET_LENT));
	assert_true(asset_transition_ok(ASSET_LENT, ASSET_RETURNED));
	assert_true(asset_transition_ok(ASSET_TAKEN_OUT, ASSET_BROUGHT_IN));
	assert_true(asset_transition_ok(ASSET_DISPOSAL_APPROVED, ASSET_ERASED));
	assert_true(asset_transition_ok(ASSET_STATE_KEEP, ASSET_IN_SERVICE));
	assert_false(asset_transition_ok(ASSET_ERASED, ASSET_LENT));
	assert_false(asset_transition_ok(ASSET_LENT, ASSET_TAKEN_OUT));
	assert_false(asset_transition_ok(ASSET_IN_SERVICE, ASSET_ERASED));
	assert_false(asset_transition_ok(ASSET_IN_SERVICE, ASSET_IN_SERVICE));
	assert_false(asset_transition_ok(ASSET_STATE_KEEP, ASSET_ERASED));
	for (int s = 0; s < ASSET_NSTATES; s++) {
		assert_false(asset_transition_ok(ASSET_DESTROYED, (enum asset_state)s));
		assert_false(asset_transition_ok(ASSET_RETURNED_TO_LESSOR, (enum asset_state)s));
		assert_int_equal(asset_state_parse(asset_state_label((enum asset_state)s), &st), 0);
		assert_int_equal(st, s);
		assert_int_equal(asset_state_parse(asset_state_name((enum asset_state)s), &st), 0);
		assert_int_equal(st, s);
	}
	assert_true(asset_needs_authority(ASSET_DISPOSAL_APPROVED));
	assert_true(asset_needs_authority(ASSET_ON_HOLD));
	assert_false(asset_needs_authority(ASSET_LENT));
	assert_int_equal(asset_state_parse("lost", &st), -EINVAL);
}

static void test_values(void **state)
{
	char why[128];

	(void)state;
	assert_int_equal(asset_tag_check("PC-0001/a:b#c_d.e", why, sizeof(why)), 0);
	assert_int_equal(asset_tag_check("-x", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_tag_check("=1+1", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_tag_check("a b", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_tag_check("", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_tag_check("タグ", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_value_check(ASSET_HOLDER, "鈴木　花子", why, sizeof(why)), 0);
	assert_int_equal(asset_value_check(ASSET_HOLDER, "a\nb", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_value_check(ASSET_HOLDER, "\xff", why, sizeof(why)), -EINVAL);
	assert_int_equal(asset_value_check(ASSET_KIND, "laptop", why, sizeof(why)), -EINVAL);
	assert_string_equal(asset_kind_guess("USBメモリ"), "usb");
	assert_string_equal(asset_kind_guess("Laptop"), "pc");
	assert_string_equal(asset_kind_guess("スマートフォン"), "mobile");
	assert_string_equal(asset_kind_guess(NULL), "other");
}

struct fx {
	char dir[PATH_MAX - 64];
	char path[PATH_MAX];
	struct ledger *l;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/test_asset.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	if (ledger_open(&f->l, f->path, LEDGER_CREATE))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[PATH_MAX + 16];

	ledger_close(f->l);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Events are no certificates: a verdict that is called fails the test. */
static int no_certs(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	(void)cert, (void)len, (void)sigs, (void)usr;
	fail_msg("the certificate verdict ran on an asset event");
	return -EINVAL;
}

static int change(struct ledger *l, const char *tag, enum asset_event ev, const char *kind,
		  const char *holder, enum asset_state st, char *why)
{
	struct asset_change c = { .tag = tag,
				  .event = ev,
				  .state = st,
				  .who = "tester",
				  .when = "2026-12-01T09:00:00Z",
				  .why = "test" };
	size_t failed;

	c.field[ASSET_KIND] = kind;
	c.field[ASSET_HOLDER] = holder;
	return asset_apply(l, &c, 1, NULL, &failed, why, 256);
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_chain(void **state)
{
	struct fx *f = *state;
	struct ledger_check chk;
	struct asset_set *s;
	char why[256];

	assert_int_equal(change(f->l, "PC-1", ASSET_ADDED, "pc", "A", ASSET_STATE_KEEP, why), 0);
	assert_int_equal(change(f->l, "PC-1", ASSET_EDITED, NULL, "B", ASSET_LENT, why), 0);
	assert_int_equal(change(f->l, "PC-1", ASSET_EDITED, NULL, NULL, ASSET_ERASED, why), -EPERM);
	assert_int_equal(change(f->l, "PC-1", ASSET_ADDED, "pc", NULL, ASSET_STATE_KEEP, why),
			 -EEXIST);
	assert_int_equal(change(f->l, "PC-2", ASSET_EDITED, NULL, "x", ASSET_STATE_KEEP, why),
			 -ENOENT);
	assert_int_equal(change(f->l, "PC-1", ASSET_EDITED, NULL, NULL, ASSET_ON_HOLD, why),
			 -EPERM);
	assert_non_null(strstr(why, "signed document"));
	assert_int_equal(asset_load(f->l, NULL, false, &s), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->a[0].state, ASSET_LENT);
	assert_string_equal(s->a[0].field[ASSET_HOLDER], "B");
	assert_int_equal(s->a[0].events, 2);
	asset_set_free(s);
	assert_int_equal(ledger_verify(f->l, no_certs, NULL, &chk), 0);
	assert_int_equal(chk.rows, 2);
	ledger_check_free(&chk);
	/* the state column of an event edited by hand: it no longer matches its document */
	ledger_close(f->l);
	exec_sql(f->path, "UPDATE certificates SET result = 'retired' WHERE seq = 2");
	assert_int_equal(ledger_open(&f->l, f->path, 0), 0);
	assert_int_equal(ledger_verify(f->l, no_certs, NULL, &chk), -EBADMSG);
	assert_int_equal(chk.seq, 2);
	assert_int_equal(chk.fault, LEDGER_ALTERED);
	ledger_check_free(&chk);
}

/* What the verdict saw of the register at each certificate row, during verify. */
struct seen {
	int ncerts;
	int allows[4];	/* asset_contractor_allows() for the named contractor, per row */
	int other[4];	/* ... for a contractor the request did not name */
	bool assets[4]; /* whether the verdict was given the register */
};

static int contractor_seen(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	struct ledger_verdict *v = usr;
	struct seen *s = v->usr;
	char why[128];
	int i = s->ncerts++;

	(void)cert, (void)len, (void)sigs;
	assert_true(i < 4);
	s->assets[i] = v->assets != NULL;
	/* the name compared as people write it: a full-width space is a space */
	s->allows[i] =
		asset_contractor_allows(v->assets, "PC-1", "処分 株式会社", why, sizeof(why));
	s->other[i] = asset_contractor_allows(v->assets, "PC-1", "Other Co", why, sizeof(why));
	return 0;
}

static int add_cert(struct ledger *l, const char *id, struct seen *s)
{
	char doc[256], why[256];
	struct ledger_sig op = { "operator.minisig", "x", 1 };
	struct ledger_sigs sigs = { 1, &op };

	snprintf(doc, sizeof(doc),
		 "{\"format\":\"kesu-certificate/1\",\"id\":\"%s\",\"media\":{\"asset_tag\":"
		 "\"PC-1\"},\"result\":\"success\"}",
		 id);
	return ledger_add(l, doc, strlen(doc), &sigs, contractor_seen, s, why, sizeof(why), NULL);
}

/*
 * verify replays the events as it walks, and the verdict on each certificate
 * sees the register as the events before it left it: a contractor's
 * certificate recorded before the hand-over is not allowed, one after it is,
 * and only for the contractor the approved request named.
 */
static void test_contractor_replay(void **state)
{
	struct fx *f = *state;
	json_t *req =
		json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", "5f0c2a4e-8a41-4b8e-9a53-0d1c5f6e7a80",
			  "kind", "disposal", "asset_tag", "PC-1", "reason", "end of lease",
			  "contractor", "処分　株式会社");
	struct asset_outcome out;
	struct seen s = { 0 };
	struct ledger_check chk;
	char why[256], sum[LEDGER_HASH_HEX];

	assert_non_null(req);
	assert_int_equal(ledger_sha256_hex("request", 7, sum), 0);
	assert_int_equal(change(f->l, "PC-1", ASSET_ADDED, "pc", "A", ASSET_STATE_KEEP, why), 0);
	assert_int_equal(add_cert(f->l, "c-before", &s), 0);
	assert_int_equal(asset_apply_request(f->l, req, sum, "manager", "2026-12-02T09:00:00Z",
					     &out, why, sizeof(why)),
			 0);
	json_decref(req);
	assert_int_equal(out.state, ASSET_DISPOSAL_APPROVED);
	assert_int_equal(add_cert(f->l, "c-after", &s), 0);
	/* ledger_add gives the verdict no replayed register: it asks the ledger itself */
	assert_int_equal(s.ncerts, 2);
	assert_false(s.assets[0] || s.assets[1]);
	memset(&s, 0, sizeof(s));
	assert_int_equal(ledger_verify(f->l, contractor_seen, &s, &chk), 0);
	ledger_check_free(&chk);
	assert_int_equal(s.ncerts, 2);
	assert_true(s.assets[0] && s.assets[1]);
	assert_int_equal(s.allows[0], -EACCES);
	assert_int_equal(s.allows[1], 0);
	assert_int_equal(s.other[0], -EACCES);
	assert_int_equal(s.other[1], -EACCES);
	assert_int_equal(asset_contractor_allows(NULL, "PC-1", "x", why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "no disposal request names contractor x"));
}

/* A schema 2 ledger is refused, read-only or not, and left as it was (kesu-ledger(8) SCHEMA). */
static void test_schema2(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	struct ledger *l;
	int v;

	snprintf(path, sizeof(path), "%s/v2.db", f->dir);
	exec_sql(path, "CREATE TABLE certificates (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
		       " id TEXT NOT NULL, refers INTEGER, certificate BLOB NOT NULL,"
		       " signatures TEXT NOT NULL, certificate_sha256 TEXT NOT NULL,"
		       " asset_tag TEXT, serial TEXT, model TEXT, category TEXT, technique TEXT,"
		       " result TEXT, started TEXT, finished TEXT, operator TEXT, witness TEXT,"
		       " approver TEXT, issued TEXT, report_id TEXT, self_approval TEXT,"
		       " prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL);"
		       " PRAGMA user_version = 2");
	assert_int_equal(ledger_open(&l, path, LEDGER_RDONLY), -EPROTO);
	assert_int_equal(ledger_open(&l, path, 0), -EPROTO);
	assert_int_equal(ledger_schema(path, &v), 0);
	assert_int_equal(v, 2);
}

static void test_import_mapping(void **state)
{
	static const char snipe[] =
		"\xef\xbb\xbf"
		"Asset Tag,Serial,Model,Category,Location,Checked Out To,Status\r\n"
		"A-1,S1,X1,Laptop,3F,鈴木,Archived\r\n";
	static const char glpi[] = "Name,Inventory number,Serial number,Type,Model,Location,User,"
				   "Group,Status\nn,G-1,S9,USB,M,L,U,総務課,in service\n";
	struct asset_import im;

	(void)state;
	assert_int_equal(asset_import_parse(snipe, sizeof(snipe) - 1, ASSET_FORMAT_AUTO, &im), 0);
	assert_int_equal(im.format, ASSET_FORMAT_SNIPEIT);
	assert_int_equal(im.n, 1);
	assert_string_equal(im.c[0].tag, "A-1");
	assert_string_equal(im.c[0].field[ASSET_SERIAL], "S1");
	assert_string_equal(im.c[0].field[ASSET_MODEL], "X1");
	assert_string_equal(im.c[0].field[ASSET_CATEGORY], "Laptop");
	assert_string_equal(im.c[0].field[ASSET_LOCATION], "3F");
	assert_string_equal(im.c[0].field[ASSET_HOLDER], "鈴木");
	assert_string_equal(im.c[0].field[ASSET_STATUS_LABEL], "Archived");
	assert_string_equal(im.c[0].kind_default, "pc");
	assert_int_equal(im.c[0].state, ASSET_RETIRED);
	assert_false(im.c[0].state_is_kesu);
	assert_int_equal(im.line[0], 2);
	asset_import_free(&im);
	assert_int_equal(asset_import_parse(glpi, sizeof(glpi) - 1, ASSET_FORMAT_AUTO, &im), 0);
	assert_int_equal(im.format, ASSET_FORMAT_GLPI);
	assert_string_equal(im.c[0].tag, "G-1");
	assert_string_equal(im.c[0].field[ASSET_SERIAL], "S9");
	assert_string_equal(im.c[0].field[ASSET_DEPARTMENT], "総務課");
	assert_string_equal(im.c[0].field[ASSET_HOLDER], "U");
	assert_string_equal(im.c[0].kind_default, "usb");
	assert_int_equal(im.c[0].state, ASSET_IN_SERVICE);
	assert_true(im.c[0].state_is_kesu);
	asset_import_free(&im);
}

/* Each refusal with its line and reason. */
static void test_import_refused(void **state)
{
	static const struct {
		const char *text;
		size_t line;
		const char *why;
	} cases[] = {
		{ "asset_tag,kind\nA,pc\nB,\x93\xfa\n", 3, "not UTF-8 (Shift_JIS?)" },
		{ "serial,kind\nA,pc\n", 1, "no asset tag column" },
		{ "asset_tag,kind\nA,pc\nB,pc\nA,usb\n", 4, "given twice" },
		{ "asset_tag,kind\nA,pc\nB,=1+1\n", 3, "formula" },
		{ "asset_tag,kind\nA,pc\nB,\"\tx\"\n", 3, "formula" },
		{ "asset_tag,kind\r\nA,pc\r\nB, @x\r\n", 3, "formula" },
		{ "asset_tag,kind\nA,pc,x\n", 2, "another number of cells" },
		{ "asset_tag,kind\nA b,pc\n", 2, "asset tag holds" },
		{ "asset_tag,kind\nA,laptop\n", 2, "kind:" },
		{ "asset_tag,state\nA,lost\n", 2, "no such state" },
		{ "asset_tag;kind\nA;pc\n", 1, "separator" },
		{ "asset_tag,kind\nA,\"pc\n", 2, "not valid CSV" },
		{ "", 1, "empty" },
	};
	struct asset_import im;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = asset_import_parse(cases[i].text, strlen(cases[i].text), ASSET_FORMAT_AUTO,
					   &im);

		if (r != -EBADMSG || im.err_line != cases[i].line || !strstr(im.why, cases[i].why))
			fail_msg("case %zu: %d, line %zu: %s", i, r, im.err_line, im.why);
		asset_import_free(&im);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_values),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contractor_replay, setup, teardown),
		cmocka_unit_test(test_import_mapping),
		cmocka_unit_test(test_import_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
