// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kesu-inspection/1 record: built from what the inspection saw, and read
 * back strictly, since a record in the register is evidence reported upward
 * and a reader must not accept one that says more, or other, than its form.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "inspection.h"
#include "jcs.h"
#include "jsonutil.h"
#include "text.h"

#define TEXT_MAX 1024

static const char *const code_names[INSP_NCODES] = {
	[INSP_UNREGISTERED] = "unregistered",
	[INSP_NO_SERIAL] = "no-serial",
	[INSP_LENT] = "lent",
	[INSP_TAKEN_OUT] = "taken-out",
	[INSP_DISPOSED] = "disposed",
	[INSP_ON_HOLD] = "on-hold",
	[INSP_RETIRED] = "retired",
	[INSP_NOT_ENCRYPTED] = "not-encrypted",
	[INSP_POLICY] = "policy",
	[INSP_UNREADABLE] = "unreadable",
	[INSP_OVERDUE] = "overdue",
	[INSP_NO_CERTIFICATE] = "no-certificate",
	[INSP_NEVER_CHECKED] = "never-checked",
	[INSP_NOT_INSPECTED] = "not-inspected",
};

const char *inspection_code_name(enum inspection_code c)
{
	return c >= 0 && c < INSP_NCODES ? code_names[c] : NULL;
}

int inspection_finding_add(json_t *findings, const struct inspection_finding *f)
{
	json_t *o;

	if (!inspection_code_name(f->code))
		return -EINVAL;
	o = json_pack("{s:s,s:o,s:o,s:o,s:o}", "code", code_names[f->code], "asset_tag",
		      json_text(f->asset_tag), "serial", json_text(f->serial), "device",
		      json_text(f->device), "detail", json_text(f->detail ? f->detail : ""));
	return o && !json_array_append_new(findings, o) ? 0 : -ENOMEM;
}

int inspection_build(const struct inspection_head *h, json_t *inspected, json_t *findings,
		     json_t **out)
{
	json_t *scope, *insp;

	*out = NULL;
	if (!h->id || !h->time || !h->inspector || !json_is_array(h->devices))
		return -EINVAL;
	scope = json_pack("{s:s,s:O,s:I,s:I}", "kind", h->register_scope ? "register" : "devices",
			  "devices", h->devices, "days", (json_int_t)h->days, "cert_days",
			  (json_int_t)h->cert_days);
	insp = json_pack("{s:o,s:o,s:o}", "name", json_text(h->inspector), "key_id",
			 json_text(h->key_id), "fingerprint", json_text(h->fingerprint));
	*out = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:O,s:O}", "format", INSPECTION_FORMAT, "id",
			 h->id, "time", h->time, "inspector", insp, "scope", scope, "result",
			 json_array_size(findings) ? "findings" : "clean", "inspected", inspected,
			 "findings", findings);
	return *out ? 0 : -ENOMEM;
}

static int bad(char *why, size_t wl, const char *what)
{
	snprintf(why, wl, INSPECTION_FORMAT ": %s", what);
	return -EBADMSG;
}

/* @o is an object with exactly the members @keys, each a string or null. */
static bool members_ok(json_t *o, const char *const *keys, size_t n)
{
	const char *key;
	json_t *v;
	size_t seen = 0;

	if (!json_is_object(o))
		return false;
	json_object_foreach(o, key, v)
	{
		size_t i;

		for (i = 0; i < n && strcmp(key, keys[i]); i++)
			;
		if (i == n)
			return false;
		seen++;
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) || strlen(json_string_value(v)) > TEXT_MAX ||
		    !text_is_utf8(json_string_value(v)))
			return false;
	}
	return seen == n;
}

static bool count_ok(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static bool list_ok(json_t *a, const char *const *keys, size_t n)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
	{
		if (!members_ok(v, keys, n))
			return false;
	}
	return true;
}

static int parse_lists(json_t *doc, char *why, size_t wl)
{
	static const char *const fkeys[] = { "code", "asset_tag", "serial", "device", "detail" };
	static const char *const ikeys[] = { "device", "asset_tag", "serial" };
	json_t *findings = json_object_get(doc, "findings"), *v;
	const char *result = json_string_value(json_object_get(doc, "result"));
	size_t i;

	if (!list_ok(findings, fkeys, 5))
		return bad(why, wl, "findings: not a list of findings");
	json_array_foreach(findings, i, v)
	{
		const char *code = json_string_value(json_object_get(v, "code"));
		int c;

		for (c = 0; c < INSP_NCODES && (!code || strcmp(code, code_names[c])); c++)
			;
		if (c == INSP_NCODES)
			return bad(why, wl, "a finding without a known code");
	}
	if (!list_ok(json_object_get(doc, "inspected"), ikeys, 3))
		return bad(why, wl, "inspected: not a list of devices and assets");
	if (!result || strcmp(result, json_array_size(findings) ? "findings" : "clean"))
		return bad(why, wl, "the result does not agree with the findings");
	return 0;
}

static int parse_head(json_t *doc, char *why, size_t wl)
{
	static const char *const keys[] = { "format", "id",	"time",	     "inspector",
					    "scope",  "result", "inspected", "findings" };
	static const char *const ikeys[] = { "name", "key_id", "fingerprint" };
	json_t *scope = json_object_get(doc, "scope"), *devices, *v;
	const char *s;
	size_t i;

	if (json_object_size(doc) != 8)
		return bad(why, wl, "members missing or unknown");
	for (i = 0; i < 8; i++)
		if (!json_object_get(doc, keys[i]))
			return bad(why, wl, "members missing or unknown");
	s = json_string_value(json_object_get(doc, "format"));
	if (!s || strcmp(s, INSPECTION_FORMAT))
		return bad(why, wl, "not a " INSPECTION_FORMAT " document");
	s = json_string_value(json_object_get(doc, "id"));
	if (!s || !*s || strlen(s) > 64 || !text_is_clean(s))
		return bad(why, wl, "no valid id");
	s = json_string_value(json_object_get(doc, "time"));
	if (!s || strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z' || !text_is_clean(s))
		return bad(why, wl, "no valid time");
	if (!members_ok(json_object_get(doc, "inspector"), ikeys, 3) ||
	    !json_is_string(json_object_get(json_object_get(doc, "inspector"), "name")))
		return bad(why, wl, "no valid inspector");
	devices = json_object_get(scope, "devices");
	s = json_string_value(json_object_get(scope, "kind"));
	if (!json_is_object(scope) || json_object_size(scope) != 4 || !json_is_array(devices) ||
	    !count_ok(json_object_get(scope, "days")) ||
	    !count_ok(json_object_get(scope, "cert_days")) || !s ||
	    (strcmp(s, "devices") && strcmp(s, "register")))
		return bad(why, wl, "no valid scope");
	json_array_foreach(devices, i, v)
	{
		if (!json_is_string(v) || strlen(json_string_value(v)) > TEXT_MAX)
			return bad(why, wl, "scope: a device that is not text");
	}
	return 0;
}

int inspection_parse(const void *buf, size_t len, json_t **out, char *why, size_t wl)
{
	json_t *doc = NULL;
	int r;

	if (out)
		*out = NULL;
	r = jcs_is_canonical(buf, len, &doc);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !json_is_object(doc)) {
		json_decref(doc);
		return bad(why, wl, "not canonical JSON (RFC 8785) or not an object");
	}
	r = parse_head(doc, why, wl);
	if (r == 0)
		r = parse_lists(doc, why, wl);
	if (r == 0 && out)
		*out = doc;
	else
		json_decref(doc);
	return r;
}
