// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The register in the ledger: a change becomes a kesu-asset-event/1 document
 * (RFC 8785), replayed onto the register as it stands before it is appended,
 * so that nothing the replay refuses is ever written; reading the register
 * back is the same replay over the stored events.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "asset.h"
#include "backend.h"
#include "cert/jcs.h"
#include "jsonutil.h"
#include "secmem.h"
#include "text.h"

/* "YYYY-MM-DDTHH:MM:SSZ", the form every time in a kesu document has */
static bool when_ok(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";

	if (!s || strlen(s) != sizeof(form) - 1)
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return false;
	return true;
}

static int check_change(const struct asset_change *c, char *why, size_t wl)
{
	int r = asset_tag_check(c->tag, why, wl);

	for (int f = 0; r == 0 && f < ASSET_NFIELDS; f++)
		if (c->field[f] && (f != ASSET_KIND || *c->field[f]))
			r = asset_value_check((enum asset_field)f, c->field[f], why, wl);
	if (r)
		return r;
	if (!c->who || !text_is_clean(c->who) || !*c->who || strlen(c->who) > ASSET_VALUE_MAX ||
	    !when_ok(c->when)) {
		snprintf(why, wl, "who or when missing or malformed");
		return -EINVAL;
	}
	if (c->until && !asset_date_ok(c->until)) {
		snprintf(why, wl, "until: not a date YYYY-MM-DD");
		return -EINVAL;
	}
	if (c->why && (!text_is_clean(c->why) || strlen(c->why) > ASSET_WHY_MAX)) {
		snprintf(why, wl, "reason: control characters, or longer than %d bytes",
			 ASSET_WHY_MAX);
		return -EINVAL;
	}
	return 0;
}

/* The fields that differ from @a's (all given ones for a new asset), into @fields. */
static int changed_fields(const struct asset_change *c, const struct asset *a, json_t *fields,
			  unsigned *changed)
{
	*changed = 0;
	for (int f = 0; f < ASSET_NFIELDS; f++) {
		const char *v = c->field[f];

		if (!a && f == ASSET_KIND && (!v || !*v))
			v = c->kind_default;
		if (!v || (a ? !strcmp(v, a->field[f] ? a->field[f] : "") : !*v))
			continue;
		if (f == ASSET_KIND && !*v)
			continue; /* a kind is never cleared */
		if (json_object_set_new(fields, asset_field_names[f], json_string(v)))
			return -ENOMEM;
		*changed |= 1u << f;
	}
	return 0;
}

static enum asset_state new_state(const struct asset_change *c, const struct asset *a)
{
	if (c->state == ASSET_STATE_KEEP)
		return a ? a->state : ASSET_IN_SERVICE;
	if (a && c->event == ASSET_IMPORTED && !c->state_is_kesu)
		return a->state;
	return c->state;
}

/* A new end for a loan or take-out the asset is on: an event of its own. */
static bool until_moves(const struct asset_change *c, const struct asset *a)
{
	return c->until && a && (a->state == ASSET_LENT || a->state == ASSET_TAKEN_OUT) &&
	       strcmp(c->until, a->until);
}

/* The event document for @c against @a (NULL: a new asset); NULL when nothing changes. */
static int change_doc(const struct asset_change *c, const struct asset *a, struct asset_outcome *o,
		      json_t **doc)
{
	json_t *fields = json_object(), *d;
	enum asset_event ev = c->event;
	char id[37];

	*doc = NULL;
	if (!fields || changed_fields(c, a, fields, &o->changed) < 0) {
		json_decref(fields);
		return -ENOMEM;
	}
	o->from = a ? a->state : ASSET_STATE_KEEP;
	o->state = new_state(c, a);
	o->what = !a				    ? ASSET_NEW :
		  o->changed || o->state != o->from ? ASSET_CHANGED :
						      ASSET_UNCHANGED;
	if (o->what == ASSET_UNCHANGED && (ev == ASSET_INSPECTED || until_moves(c, a)))
		o->what = ASSET_CHANGED;
	if (o->what == ASSET_UNCHANGED) {
		json_decref(fields);
		return 0;
	}
	if (a && ev == ASSET_EDITED && o->state != o->from)
		ev = ASSET_STATE;
	secmem_uuid(id);
	d = json_pack("{s:s,s:s,s:o,s:s,s:o,s:s,s:s,s:s,s:s,s:o}", "asset_tag", c->tag, "event",
		      asset_event_names[ev], "fields", fields, "format", LEDGER_ASSET_EVENT_FORMAT,
		      "from", a ? json_string(asset_state_name(o->from)) : json_null(), "id", id,
		      "state", asset_state_name(o->state), "when", c->when, "who", c->who, "why",
		      json_str_or_null(c->why && *c->why ? c->why : NULL));
	if (d && c->authority &&
	    json_object_set_new(d, "authority",
				json_pack("{s:s,s:s,s:s,s:s*}", "type", c->authority->type, "id",
					  c->authority->id, "sha256", c->authority->sha256, "kind",
					  c->authority->kind)))
		json_decref(d), d = NULL;
	if (d && c->until && json_object_set_new(d, "until", json_string(c->until)))
		json_decref(d), d = NULL;
	if (d && c->contractor && json_object_set_new(d, "contractor", json_string(c->contractor)))
		json_decref(d), d = NULL;
	*doc = d;
	return d ? 0 : -ENOMEM;
}

/* One change: checked by the replay, then appended. */
static int record_one(struct ledger *l, struct asset_set *s, const struct asset_change *c,
		      struct asset_outcome *o, char *why, size_t wl)
{
	const char *field[LEDGER_NFIELDS], *id;
	struct ledger_anchor row;
	json_t *doc = NULL, *parsed = NULL;
	char *text = NULL;
	size_t len;
	int r;

	memset(o, 0, sizeof(*o));
	r = check_change(c, why, wl);
	if (r == 0 && c->event == ASSET_ADDED && asset_find(s, c->tag)) {
		snprintf(why, wl, "%s: already registered", c->tag);
		r = -EEXIST;
	}
	if (r == 0)
		r = change_doc(c, asset_find(s, c->tag), o, &doc);
	if (r < 0 || !doc)
		return r;
	r = asset_replay(s, doc, 0, why, wl);
	if (r == -EBADMSG)
		r = -EINVAL;
	if (r == 0)
		r = jcs_dump(doc, &text, &len);
	if (r == 0)
		r = ledger_doc_columns(LEDGER_KIND_ASSET_EVENT, text, len, &parsed, &id, field, why,
				       wl);
	if (r == 0)
		r = ledger_append(l, LEDGER_KIND_ASSET_EVENT, text, len, "{}", id, field, 0, NULL,
				  NULL, &row);
	if (r == 0) {
		struct asset *a = asset_find(s, c->tag);

		o->seq = a->last_seq = row.seq;
		if (!a->first_seq)
			a->first_seq = row.seq;
		if (a->contractor && !a->contractor_seq)
			a->contractor_seq = row.seq;
	}
	json_decref(parsed);
	json_decref(doc);
	free(text);
	return r;
}

/* The events of @tag (NULL: all) replayed into @s. */
static int replay_events(struct ledger *l, const char *tag, struct asset_set *s);

int asset_apply(struct ledger *l, const struct asset_change *c, size_t n, struct asset_outcome *out,
		size_t *failed, char *why, size_t wl)
{
	struct asset_set *s = asset_set_new();
	struct asset_outcome o;
	int r;

	why[0] = '\0';
	*failed = 0;
	if (!s)
		return -ENOMEM;
	r = l->ops->begin(l);
	if (r < 0)
		goto out;
	/* under the write lock: no other writer moves an asset between the replay and the append */
	r = replay_events(l, n == 1 ? c[0].tag : NULL, s);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = record_one(l, s, &c[i], out ? &out[i] : &o, why, wl);
		if (r < 0)
			*failed = i;
	}
	if (r == 0)
		r = l->ops->end(l, true);
	else
		l->ops->end(l, false);
out:
	if (r < 0 && !why[0])
		snprintf(why, wl, "%s",
			 r == -EBADMSG ? "the register's events do not replay" : strerror(-r));
	asset_set_free(s);
	return r;
}

int asset_apply_locked(struct ledger *l, const struct asset_change *c, size_t n,
		       struct asset_outcome *out, size_t *failed, char *why, size_t wl)
{
	struct asset_set *s = asset_set_new();
	struct asset_outcome o;
	int r;

	why[0] = '\0';
	*failed = 0;
	if (!s)
		return -ENOMEM;
	r = replay_events(l, n == 1 ? c[0].tag : NULL, s);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = record_one(l, s, &c[i], out ? &out[i] : &o, why, wl);
		if (r < 0)
			*failed = i;
	}
	if (r < 0 && !why[0])
		snprintf(why, wl, "%s",
			 r == -EBADMSG ? "the register's events do not replay" : strerror(-r));
	asset_set_free(s);
	return r;
}

struct replay_ctx {
	struct asset_set *s;
	char why[256];
};

static int replay_row(const struct ledger_row *row, void *usr)
{
	struct replay_ctx *x = usr;
	json_t *doc =
		json_loadb((const char *)row->cert, row->cert_len, JSON_REJECT_DUPLICATES, NULL);
	int r = doc ? asset_replay(x->s, doc, row->seq, x->why, sizeof(x->why)) : -EBADMSG;

	json_decref(doc);
	return r == -ENOMEM ? r : r ? -EBADMSG : 0;
}

static int replay_events(struct ledger *l, const char *tag, struct asset_set *s)
{
	struct ledger_filter f = { .rows = LEDGER_ROWS_EVENTS, .asset_tag = tag };
	struct replay_ctx x = { .s = s };

	return l->ops->iterate(l, &f, replay_row, &x);
}

/* The last certificate of each asset's tag. */
static int note_cert(const struct ledger_row *row, void *usr)
{
	struct asset *a =
		row->field[LEDGER_ASSET_TAG] ? asset_find(usr, row->field[LEDGER_ASSET_TAG]) : NULL;

	if (!a)
		return 0;
	free(a->cert_id);
	free(a->cert_sha256);
	a->cert_id = strdup(row->id);
	a->cert_sha256 = strdup(row->cert_sha256);
	return a->cert_id && a->cert_sha256 ? 0 : -ENOMEM;
}

int asset_load(struct ledger *l, const char *tag, bool certs, struct asset_set **out)
{
	struct ledger_filter f = { .no_blobs = true, .asset_tag = tag };
	struct asset_set *s = asset_set_new();
	int r;

	if (!s)
		return -ENOMEM;
	r = replay_events(l, tag, s);
	if (r == 0 && certs)
		r = l->ops->iterate(l, &f, note_cert, s);
	if (r < 0) {
		asset_set_free(s);
		return r;
	}
	*out = s;
	return 0;
}

struct history_ctx {
	ledger_row_fn fn;
	void *usr;
	bool any;
};

static int history_row(const struct ledger_row *row, void *usr)
{
	struct history_ctx *h = usr;

	h->any = true;
	return h->fn(row, h->usr);
}

int asset_history(struct ledger *l, const char *tag, ledger_row_fn fn, void *usr)
{
	struct ledger_filter f = { .rows = LEDGER_ROWS_EVENTS, .asset_tag = tag };
	struct history_ctx h = { .fn = fn, .usr = usr };
	int r = l->ops->iterate(l, &f, history_row, &h);

	return r == 0 && !h.any ? -ENOENT : r;
}

json_t *asset_event_json(const struct ledger_row *row)
{
	json_t *o = json_loadb((const char *)row->cert, row->cert_len, 0, NULL);

	if (!json_is_object(o) ||
	    json_object_set_new(o, "seq", json_integer((json_int_t)row->seq)) ||
	    json_object_set_new(o, "row_hash", json_string(row->row_hash))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *asset_json(const struct asset *a)
{
	json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:s}", "asset_tag", a->tag, "state",
			      asset_state_name(a->state), "events", (json_int_t)a->events,
			      "first_seq", (json_int_t)a->first_seq, "last_seq",
			      (json_int_t)a->last_seq, "last_event", a->last_when);

	for (int f = 0; o && f < ASSET_NFIELDS; f++)
		if (json_object_set_new(o, asset_field_names[f], json_text(a->field[f])))
			goto fail;
	if (o && (json_object_set_new(o, "certificate_id", json_text(a->cert_id)) ||
		  json_object_set_new(o, "certificate_sha256", json_text(a->cert_sha256))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}
