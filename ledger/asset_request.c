// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Requests in the register, and the register's word before a device is
 * erased or formatted: a request moves its asset (with the request as the
 * event's authority), a hold stops every destructive command, and with the
 * policy switched on an erasure needs an approved disposal (policy Art.
 * 6, 27.1, 97.2). The front end asks asset_gate() before it opens a target.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "asset.h"
#include "cert/cert.h"
#include "cert/request.h"
#include "text.h"

int asset_request_state(const struct asset *a, const char *kind, enum asset_state *to)
{
	static const enum asset_state states[REQUEST_NKINDS] = {
		[REQUEST_DISPOSAL] = ASSET_DISPOSAL_APPROVED,
		[REQUEST_LEASE_RETURN] = ASSET_DISPOSAL_APPROVED,
		[REQUEST_TAKE_OUT] = ASSET_TAKEN_OUT,
		[REQUEST_BRING_IN] = ASSET_BROUGHT_IN,
		[REQUEST_LOAN] = ASSET_LENT,
		[REQUEST_HOLD] = ASSET_ON_HOLD,
		[REQUEST_RELEASE] = ASSET_STATE_KEEP,
	};
	enum request_kind k;

	if (request_kind_parse(kind, &k))
		return -EINVAL;
	if (k != REQUEST_RELEASE) {
		*to = states[k];
		return 0;
	}
	if (a->state != ASSET_ON_HOLD)
		return -EPERM;
	*to = a->held_from;
	return 0;
}

static int already(const struct ledger_row *row, void *usr)
{
	json_t *doc = json_loadb((const char *)row->cert, row->cert_len, 0, NULL);
	const char *id =
		json_string_value(json_object_get(json_object_get(doc, "authority"), "id"));
	int r = id && !strcmp(id, usr) ? -EALREADY : 0;

	json_decref(doc);
	return r;
}

/* The contractor a disposal or lease return hands its asset to; NULL for none. */
static const char *handed_to(const json_t *req, const char *kind)
{
	const char *who = json_string_value(json_object_get(req, "contractor"));

	if (!kind || (strcmp(kind, "disposal") && strcmp(kind, "lease-return")))
		return NULL;
	return who && *who ? who : NULL;
}

int asset_apply_request(struct ledger *l, const json_t *req, const char *sha256, const char *who,
			const char *when, struct asset_outcome *out, char *why, size_t wl)
{
	const char *tag = json_string_value(json_object_get(req, "asset_tag"));
	const char *kind = json_string_value(json_object_get(req, "kind"));
	struct asset_authority auth = { .type = REQUEST_FORMAT,
					.id = json_string_value(json_object_get(req, "id")),
					.sha256 = sha256,
					.kind = kind };
	struct asset_change c[2] = { { .tag = tag,
				       .event = ASSET_STATE,
				       .who = who,
				       .when = when,
				       .why = json_string_value(json_object_get(req, "reason")),
				       .authority = &auth,
				       .contractor = handed_to(req, kind) } };
	struct asset_outcome o[2];
	struct asset_set *s = NULL;
	struct asset *a;
	size_t n = 1, failed;
	int r;

	why[0] = '\0';
	if (!tag || !kind || !auth.id)
		return -EINVAL;
	r = asset_load(l, tag, false, &s);
	if (r)
		return r;
	a = asset_find(s, tag);
	if (!a) {
		snprintf(why, wl, "%s: not registered: `kesu asset add` it first", tag);
		r = -ENOENT;
	} else if ((r = asset_history(l, tag, already, (void *)auth.id)) == -EALREADY) {
		snprintf(why, wl, "%s: request %s is recorded already", tag, auth.id);
	} else if (!r && (r = asset_request_state(a, kind, &c[0].state)) == -EPERM) {
		snprintf(why, wl, "%s: a release of an asset that is %s, not on hold", tag,
			 asset_state_label(a->state));
	} else if (!r && a->state == ASSET_ON_HOLD && strcmp(kind, "release")) {
		/* nothing changes an asset under a hold but its release (Art. 97.2) */
		snprintf(why, wl, "%s: on hold since %.10s (request %s): release it first", tag,
			 a->hold_since, a->hold_id ? a->hold_id : "none");
		r = -EPERM;
	} else if (!r && c[0].state == a->state) {
		snprintf(why, wl, "%s: already %s", tag, asset_state_label(a->state));
		r = -EPERM;
	}
	/* the request, then its approval: the two steps the register knows, under one authority */
	if (!r && c[0].state == ASSET_DISPOSAL_APPROVED && a->state != ASSET_DISPOSAL_REQUESTED &&
	    strcmp(kind, "release")) {
		c[1] = c[0];
		c[0].state = ASSET_DISPOSAL_REQUESTED;
		c[0].contractor = NULL;
		n = 2;
	}
	asset_set_free(s);
	if (!r)
		r = asset_apply(l, c, n, o, &failed, why, wl);
	if (!r)
		*out = o[n - 1], out->from = o[0].from;
	return r;
}

static int hold_reason(const struct asset *a, const char *by, char *why, size_t wl)
{
	snprintf(why, wl, "%s: on hold since %.10s: %s (request %s)%s", a->tag, a->hold_since,
		 a->hold_why ? a->hold_why : "no reason recorded", a->hold_id ? a->hold_id : "none",
		 by);
	return -EPERM;
}

/* A hold on an asset with the device's serial, whatever tag was given. */
static int held_by_serial(const struct asset_set *s, const char *serial, char *why, size_t wl)
{
	for (size_t i = 0; serial && *serial && i < s->n; i++) {
		const struct asset *a = &s->a[i];

		if (a->state == ASSET_ON_HOLD && a->field[ASSET_SERIAL] &&
		    !strcmp(a->field[ASSET_SERIAL], serial))
			return hold_reason(a, " (matched by the device's serial)", why, wl);
	}
	return 0;
}

static int approval_check(const struct asset *a, const char *tag, const char *serial,
			  struct asset_gate_ok *ok, char *why, size_t wl)
{
	if (!tag) {
		snprintf(why, wl,
			 "policy require_disposal_approval: give --asset-tag of an asset whose "
			 "disposal is approved");
		return -EPERM;
	}
	if (!a || a->state != ASSET_DISPOSAL_APPROVED || !a->approval_id) {
		snprintf(why, wl,
			 "%s: policy require_disposal_approval: no approved disposal or "
			 "lease-return request in the register (the asset is %s)",
			 tag, a ? asset_state_label(a->state) : "not registered");
		return -EPERM;
	}
	if (serial && *serial && a->field[ASSET_SERIAL] && strcmp(serial, a->field[ASSET_SERIAL])) {
		snprintf(why, wl, "%s: the device's serial %s is not the registered %s", tag,
			 serial, a->field[ASSET_SERIAL]);
		return -EPERM;
	}
	snprintf(ok->request_id, sizeof(ok->request_id), "%s", a->approval_id);
	snprintf(ok->request_sha256, sizeof(ok->request_sha256), "%s",
		 a->approval_sha256 ? a->approval_sha256 : "");
	snprintf(ok->request_kind, sizeof(ok->request_kind), "%s",
		 a->approval_kind ? a->approval_kind : "");
	return 0;
}

int asset_gate(struct ledger *l, const char *tag, const char *serial, unsigned flags,
	       struct asset_gate_ok *ok, char *why, size_t wl)
{
	struct asset_set *s = NULL;
	const struct asset *a;
	int r = asset_load(l, NULL, false, &s);

	memset(ok, 0, sizeof(*ok));
	why[0] = '\0';
	if (r)
		return r;
	a = tag ? asset_find(s, tag) : NULL;
	if (a && a->state == ASSET_ON_HOLD)
		r = hold_reason(a, "", why, wl);
	if (!r)
		r = held_by_serial(s, serial, why, wl);
	if (!r && tag && !a && (flags & ASSET_GATE_REGISTERED)) {
		snprintf(why, wl, "%s: policy require_registered: not in the register", tag);
		r = -EPERM;
	}
	if (!r && (flags & ASSET_GATE_APPROVAL))
		r = approval_check(a, tag, serial, ok, why, wl);
	/* without the policy, an approved disposal is still named in the certificate */
	else if (!r && a && approval_check(a, tag, serial, ok, why, wl))
		memset(ok, 0, sizeof(*ok)), why[0] = '\0';
	asset_set_free(s);
	return r;
}

int asset_record_erasure(struct ledger *l, const json_t *cert, const char *sha256, const char *who,
			 const char *when, struct asset_outcome *out, char *why, size_t wl)
{
	const char *tag = cert_get_string(cert, "media.asset_tag");
	const char *req = cert_get_string(cert, "request.id");
	struct asset_authority auth = { .type = CERT_FORMAT,
					.id = cert_get_string(cert, "id"),
					.sha256 = sha256 };
	struct asset_change c = { .tag = tag,
				  .event = ASSET_STATE,
				  .state = ASSET_ERASED,
				  .who = who,
				  .when = when,
				  .authority = &auth };
	struct asset_set *s = NULL;
	const struct asset *a;
	size_t failed;
	int r;

	why[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!tag || !req || !auth.id || !cert_get_string(cert, "result") ||
	    strcmp(cert_get_string(cert, "result"), "success"))
		return 0;
	r = asset_load(l, tag, false, &s);
	if (r)
		return r;
	a = asset_find(s, tag);
	if (a && (a->state != ASSET_DISPOSAL_APPROVED || !a->approval_id ||
		  strcmp(a->approval_id, req))) {
		snprintf(why, wl, "%s: the certificate fulfils request %s, the asset is %s", tag,
			 req, asset_state_label(a->state));
		r = -EPERM;
	}
	if (!r && a)
		r = asset_apply(l, &c, 1, out, &failed, why, wl);
	asset_set_free(s);
	return r;
}

int asset_contractor_allows(const struct asset_set *s, const char *tag, const char *name, char *why,
			    size_t wl)
{
	const struct asset *a = s && tag ? asset_find(s, tag) : NULL;

	why[0] = '\0';
	/* the hand-over lasts past the certificate: signatures may be added to it later */
	if (!a || !a->contractor || !text_name_same(a->contractor, name) ||
	    (a->state != ASSET_DISPOSAL_APPROVED && a->state != ASSET_ERASED &&
	     a->state != ASSET_DESTROYED && a->state != ASSET_RETURNED_TO_LESSOR)) {
		snprintf(why, wl, "no disposal request names contractor %s", name);
		return -EACCES;
	}
	return 0;
}

int asset_contractor_check(struct ledger *l, const char *tag, const char *name, char *why,
			   size_t wl)
{
	struct asset_set *s = NULL;
	int r;

	why[0] = '\0';
	if (!tag || !*tag) {
		snprintf(why, wl, "no disposal request names contractor %s", name);
		return -EACCES;
	}
	r = asset_load(l, tag, false, &s);
	if (r == -ENOENT)
		r = 0;
	if (r == 0)
		r = asset_contractor_allows(s, tag, name, why, wl);
	asset_set_free(s);
	return r;
}
