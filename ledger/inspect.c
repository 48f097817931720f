// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inspections: the judgement of attached media and of the register, and the
 * signed record kept in the chain. The judgement is pure (an asset set and
 * the facts the front end read from the devices in, findings out), so that
 * it is tested without devices and the same rules serve every inspection.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "backend.h"
#include "inspect.h"
#include "jsonutil.h"

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long civil_days(long y, long m, long d)
{
	long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int day_of(const char *s, long *out)
{
	int y, m, d, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -EINVAL;
	*out = civil_days(y, m, d);
	return 0;
}

int inspect_days_between(const char *a, const char *b, long *days)
{
	long da, db;

	if (day_of(a, &da) || day_of(b, &db))
		return -EINVAL;
	*days = db - da;
	return 0;
}

static int add(json_t *findings, enum inspection_code code, const struct asset *a,
	       const char *serial, const char *device, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int add(json_t *findings, enum inspection_code code, const struct asset *a,
	       const char *serial, const char *device, const char *fmt, ...)
{
	struct inspection_finding f = {
		.code = code, .asset_tag = a ? a->tag : NULL, .serial = serial, .device = device
	};
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	f.detail = detail;
	return inspection_finding_add(findings, &f);
}

static const char *holder(const struct asset *a)
{
	return a->field[ASSET_HOLDER] ? a->field[ASSET_HOLDER] : "no holder recorded";
}

/* The asset whose serial is @serial (a few devices against the register: a scan will do). */
static const struct asset *by_serial(const struct asset_set *s, const char *serial)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->a[i].field[ASSET_SERIAL] && !strcmp(s->a[i].field[ASSET_SERIAL], serial))
			return &s->a[i];
	return NULL;
}

/* Whether a registered medium should be here, by its state. */
static int judge_state(const struct asset *a, const struct inspect_device *d, json_t *findings)
{
	static const enum inspection_code codes[ASSET_NSTATES] = {
		[ASSET_LENT] = INSP_LENT,
		[ASSET_TAKEN_OUT] = INSP_TAKEN_OUT,
		[ASSET_ON_HOLD] = INSP_ON_HOLD,
		[ASSET_DISPOSAL_REQUESTED] = INSP_DISPOSED,
		[ASSET_DISPOSAL_APPROVED] = INSP_DISPOSED,
		[ASSET_ERASED] = INSP_DISPOSED,
		[ASSET_DESTROYED] = INSP_DISPOSED,
		[ASSET_RETURNED_TO_LESSOR] = INSP_DISPOSED,
		[ASSET_RETIRED] = INSP_RETIRED,
	};
	enum inspection_code c = codes[a->state];

	if (!c)
		return 0;
	return add(findings, c, a, d->serial, d->path,
		   "registered as %s since %.10s (holder: %s): it should not be here",
		   asset_state_label(a->state), a->state_when, holder(a));
}

static int judge_crypto(const struct asset *a, const struct inspect_device *d, json_t *findings)
{
	if (d->encrypted == 0)
		return add(findings, INSP_NOT_ENCRYPTED, a, d->serial, d->path,
			   "no LUKS header: the medium is not encrypted (Art. 41)");
	if (d->encrypted < 0)
		return add(findings, INSP_UNREADABLE, a, d->serial, d->path,
			   "its encryption could not be checked: %s", d->why ? d->why : "");
	if (!d->compliant)
		return add(findings, INSP_POLICY, a, d->serial, d->path,
			   "encrypted, but not as the media policy asks: %s", d->why ? d->why : "");
	return 0;
}

int inspect_device(const struct asset_set *s, const struct inspect_device *d, json_t *findings,
		   json_t *inspected, const struct asset **match)
{
	const struct asset *a = NULL;
	json_t *seen;
	int r = 0;

	if (d->serial && *d->serial)
		a = by_serial(s, d->serial);
	else if (d->label && *d->label)
		a = asset_find(s, d->label);
	*match = a;
	if (!a && d->serial && *d->serial)
		r = add(findings, INSP_UNREGISTERED, NULL, d->serial, d->path,
			"serial %s is not in the register", d->serial);
	else if (!a)
		r = add(findings, INSP_NO_SERIAL, NULL, NULL, d->path,
			"no serial and no asset tag in a LUKS2 label: cannot be matched with the "
			"register");
	if (r == 0 && a)
		r = judge_state(a, d, findings);
	if (r == 0)
		r = judge_crypto(a, d, findings);
	if (r < 0)
		return r;
	seen = json_pack("{s:o,s:o,s:o}", "device", json_text(d->path), "asset_tag",
			 json_text(a ? a->tag : NULL), "serial", json_text(d->serial));
	return seen && !json_array_append_new(inspected, seen) ? 0 : -ENOMEM;
}

/* media and mobile devices: what Art. 44-46 inspects */
static bool inspected_kind(const struct asset *a)
{
	const char *k = a->field[ASSET_KIND];

	return k && (!strcmp(k, "usb") || !strcmp(k, "disk") || !strcmp(k, "mobile"));
}

static bool present(enum asset_state st)
{
	return st == ASSET_IN_SERVICE || st == ASSET_LENT || st == ASSET_TAKEN_OUT ||
	       st == ASSET_BROUGHT_IN || st == ASSET_RETURNED || st == ASSET_ON_HOLD ||
	       st == ASSET_DISPOSAL_REQUESTED;
}

static int judge_dates(const struct asset *a, const struct inspect_periods *p, json_t *findings)
{
	long d;

	if ((a->state == ASSET_LENT || a->state == ASSET_TAKEN_OUT) && a->until[0] &&
	    inspect_days_between(a->until, p->now, &d) == 0 && d > 0)
		return add(findings, INSP_OVERDUE, a, a->field[ASSET_SERIAL], NULL,
			   "%s until %s, %ld day%s ago (holder: %s)", asset_state_label(a->state),
			   a->until, d, d == 1 ? "" : "s", holder(a));
	if (a->state == ASSET_DISPOSAL_APPROVED && !a->cert_id &&
	    inspect_days_between(a->state_when, p->now, &d) == 0 && d > (long)p->cert_days)
		return add(findings, INSP_NO_CERTIFICATE, a, a->field[ASSET_SERIAL], NULL,
			   "disposal approved %ld days ago, and no erasure certificate in the "
			   "ledger",
			   d);
	if ((a->state == ASSET_ERASED || a->state == ASSET_DESTROYED) && !a->cert_id)
		return add(findings, INSP_NO_CERTIFICATE, a, a->field[ASSET_SERIAL], NULL,
			   "registered as %s, and no certificate for its tag in the ledger",
			   asset_state_label(a->state));
	return 0;
}

static int judge_inspection(const struct asset *a, const struct inspect_periods *p,
			    json_t *findings)
{
	const char *k = a->field[ASSET_KIND];
	long d;

	if (!present(a->state) || !inspected_kind(a))
		return 0;
	if (!a->inspected[0] && !strcmp(k, "usb"))
		return add(
			findings, INSP_NEVER_CHECKED, a, a->field[ASSET_SERIAL], NULL,
			"a removable medium whose encryption was never checked by an inspection");
	if (inspect_days_between(a->inspected[0] ? a->inspected : a->added, p->now, &d) == 0 &&
	    d > (long)p->days)
		return add(findings, INSP_NOT_INSPECTED, a, a->field[ASSET_SERIAL], NULL,
			   "%s %ld days ago (the period is %u days)",
			   a->inspected[0] ? "last inspected" : "never inspected, registered", d,
			   p->days);
	return 0;
}

int inspect_register(const struct asset_set *s, const struct inspect_periods *p, json_t *findings)
{
	long d;
	int r = 0;

	if (inspect_days_between(p->now, p->now, &d))
		return -EINVAL;
	for (size_t i = 0; r == 0 && i < s->n; i++) {
		r = judge_dates(&s->a[i], p, findings);
		if (r == 0)
			r = judge_inspection(&s->a[i], p, findings);
	}
	return r;
}
