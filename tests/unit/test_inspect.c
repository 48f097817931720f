// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inspections without devices: a register replayed from event documents,
 * judged against the facts a front end reads from a medium and against the
 * dates of a test clock; the kesu-inspection/1 record built, read back and
 * refused when altered.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cert/inspection.h"
#include "cert/jcs.h"
#include "ledger/inspect.h"

/* One event replayed onto @s; "-" for a from of null. */
static void ev(struct asset_set *s, const char *tag, const char *event, const char *from,
	       const char *to, const char *when, const char *fields, const char *extra)
{
	char buf[1024], why[256];
	json_t *doc;

	snprintf(buf, sizeof(buf),
		 "{\"asset_tag\":\"%s\",\"event\":\"%s\",\"fields\":%s,"
		 "\"format\":\"kesu-asset-event/1\",\"from\":%s%s%s,\"id\":\"x\",\"state\":\"%s\","
		 "\"when\":\"%s\",\"who\":\"t\",\"why\":null%s}",
		 tag, event, fields, strcmp(from, "-") ? "\"" : "",
		 strcmp(from, "-") ? from : "null", strcmp(from, "-") ? "\"" : "", to, when, extra);
	doc = json_loads(buf, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(asset_replay(s, doc, (int64_t)s->n + 1, why, sizeof(why)), 0);
	json_decref(doc);
}

static const char auth[] =
	",\"authority\":{\"id\":\"r\",\"sha256\":\"00\",\"type\":\"kesu-inspection/1\"}";

static struct asset_set *reg(void)
{
	struct asset_set *s = asset_set_new();

	assert_non_null(s);
	ev(s, "USB-1", "added", "-", "in-service", "2024-01-01T00:00:00Z",
	   "{\"kind\":\"usb\",\"serial\":\"S1\",\"holder\":\"H\"}", "");
	ev(s, "USB-2", "added", "-", "in-service", "2024-01-01T00:00:00Z",
	   "{\"kind\":\"usb\",\"serial\":\"S2\"}", "");
	ev(s, "USB-2", "state", "in-service", "lent", "2024-01-02T00:00:00Z", "{}",
	   ",\"until\":\"2024-01-10\"");
	ev(s, "PC-1", "added", "-", "in-service", "2024-01-01T00:00:00Z", "{\"kind\":\"pc\"}", "");
	ev(s, "USB-1", "inspected", "in-service", "in-service", "2024-01-03T00:00:00Z", "{}", auth);
	return s;
}

static size_t count(json_t *findings, const char *code, const char *tag)
{
	size_t i, n = 0;
	json_t *f;

	json_array_foreach(findings, i, f)
	{
		const char *t = json_string_value(json_object_get(f, "asset_tag"));

		if (!strcmp(json_string_value(json_object_get(f, "code")), code) &&
		    (!tag || (t && !strcmp(t, tag))))
			n++;
	}
	return n;
}

static void test_register(void **state)
{
	struct asset_set *s = reg();
	struct inspect_periods p = { .now = "2024-01-09T00:00:00Z", .days = 365, .cert_days = 30 };
	json_t *f = json_array();

	(void)state;
	assert_string_equal(asset_find(s, "USB-2")->until, "2024-01-10");
	assert_string_equal(asset_find(s, "USB-1")->inspected, "2024-01-03T00:00:00Z");
	assert_int_equal(inspect_register(s, &p, f), 0);
	/* before the until: only USB-2 never checked */
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(count(f, "never-checked", "USB-2"), 1);
	json_array_clear(f);
	p.now = "2024-01-11T00:00:00Z";
	assert_int_equal(inspect_register(s, &p, f), 0);
	assert_int_equal(count(f, "overdue", "USB-2"), 1);
	json_array_clear(f);
	/* a year and more after the last inspection: USB-1 is due; PC-1 is not inspected */
	p.now = "2025-01-04T00:00:00Z";
	assert_int_equal(inspect_register(s, &p, f), 0);
	assert_int_equal(count(f, "not-inspected", "USB-1"), 1);
	assert_int_equal(count(f, "not-inspected", "PC-1"), 0);
	/* back from the loan: the until goes with it */
	ev(s, "USB-2", "state", "lent", "returned", "2024-01-12T00:00:00Z", "{}", "");
	assert_string_equal(asset_find(s, "USB-2")->until, "");
	p.now = "bad";
	assert_int_equal(inspect_register(s, &p, f), -EINVAL);
	json_decref(f);
	asset_set_free(s);
}

static void test_device(void **state)
{
	struct asset_set *s = reg();
	struct inspect_device d = {
		.path = "/dev/sdz", .serial = "S2", .encrypted = 1, .compliant = true
	};
	const struct asset *a;
	json_t *f = json_array(), *seen = json_array();

	(void)state;
	assert_int_equal(inspect_device(s, &d, f, seen, &a), 0);
	assert_string_equal(a->tag, "USB-2");
	assert_int_equal(count(f, "lent", "USB-2"), 1);
	assert_int_equal(json_array_size(f), 1);
	json_array_clear(f);
	d.serial = "S1";
	d.encrypted = 0;
	assert_int_equal(inspect_device(s, &d, f, seen, &a), 0);
	assert_int_equal(count(f, "not-encrypted", "USB-1"), 1);
	assert_int_equal(json_array_size(f), 1);
	json_array_clear(f);
	d.serial = "S9";
	assert_int_equal(inspect_device(s, &d, f, seen, &a), 0);
	assert_null(a);
	assert_int_equal(count(f, "unregistered", NULL), 1);
	json_array_clear(f);
	/* no serial: matched by the tag in its LUKS2 label, else not at all */
	d.serial = NULL;
	d.label = "USB-1";
	d.encrypted = 1;
	d.compliant = false;
	d.why = "weak";
	assert_int_equal(inspect_device(s, &d, f, seen, &a), 0);
	assert_string_equal(a->tag, "USB-1");
	assert_int_equal(count(f, "policy", "USB-1"), 1);
	json_array_clear(f);
	d.label = NULL;
	d.compliant = true;
	assert_int_equal(inspect_device(s, &d, f, seen, &a), 0);
	assert_int_equal(count(f, "no-serial", NULL), 1);
	assert_int_equal(json_array_size(seen), 5);
	json_decref(f);
	json_decref(seen);
	asset_set_free(s);
}

static char *record(json_t *findings, size_t *len)
{
	json_t *devices = json_array(), *seen = json_array(), *doc;
	struct inspection_head h = { .id = "i-1",
				     .time = "2024-01-01T00:00:00Z",
				     .inspector = "検査 太郎",
				     .key_id = "K",
				     .fingerprint = "F",
				     .devices = devices,
				     .days = 365,
				     .cert_days = 30 };
	char *text;

	assert_int_equal(inspection_build(&h, seen, findings, &doc), 0);
	assert_int_equal(jcs_dump(doc, &text, len), 0);
	json_decref(doc);
	json_decref(devices);
	json_decref(seen);
	return text;
}

static void test_record(void **state)
{
	struct inspection_finding fi = { .code = INSP_OVERDUE, .asset_tag = "A", .detail = "d" };
	json_t *findings = json_array(), *doc;
	char why[256], *text, *p;
	size_t len;

	(void)state;
	text = record(findings, &len);
	assert_int_equal(inspection_parse(text, len, &doc, why, sizeof(why)), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "result")), "clean");
	json_decref(doc);
	/* a result that does not agree with the findings */
	p = strstr(text, "\"clean\"");
	memcpy(p, "\"CLEAN\"", 7);
	assert_int_equal(inspection_parse(text, len, NULL, why, sizeof(why)), -EBADMSG);
	free(text);
	assert_int_equal(inspection_finding_add(findings, &fi), 0);
	fi.code = INSP_NCODES;
	assert_int_equal(inspection_finding_add(findings, &fi), -EINVAL);
	text = record(findings, &len);
	assert_int_equal(inspection_parse(text, len, NULL, why, sizeof(why)), 0);
	/* not canonical: a space added */
	p = malloc(len + 1);
	memcpy(p, " ", 1);
	memcpy(p + 1, text, len);
	assert_int_equal(inspection_parse(p, len + 1, NULL, why, sizeof(why)), -EBADMSG);
	free(p);
	/* an unknown finding code */
	p = strstr(text, "\"overdue\"");
	memcpy(p, "\"overdoe\"", 9);
	assert_int_equal(inspection_parse(text, len, NULL, why, sizeof(why)), -EBADMSG);
	free(text);
	json_decref(findings);
}

static void test_days(void **state)
{
	long d;

	(void)state;
	assert_int_equal(inspect_days_between("2024-02-28", "2024-03-01T00:00:00Z", &d), 0);
	assert_int_equal(d, 2);
	assert_int_equal(inspect_days_between("2023-12-31", "2024-01-01", &d), 0);
	assert_int_equal(d, 1);
	assert_int_equal(inspect_days_between("2024-13-01", "2024-01-01", &d), -EINVAL);
	assert_true(asset_date_ok("2024-01-10"));
	assert_false(asset_date_ok("2024-1-10"));
	assert_false(asset_date_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
