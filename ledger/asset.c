// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The register's rules: its states and the transitions between them, what a
 * tag and a value may hold, and the replay of one event onto the register.
 * Recording (asset_store.c) and `ledger verify` (ledger.c) both replay
 * through asset_replay(), so an event is recorded only if verify will
 * accept it, and an event edited into the file afterwards is found.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "asset.h"
#include "backend.h"
#include "text.h"

const char *const asset_field_names[ASSET_NFIELDS] = {
	[ASSET_KIND] = "kind",
	[ASSET_SERIAL] = "serial",
	[ASSET_MODEL] = "model",
	[ASSET_DEPARTMENT] = "department",
	[ASSET_LOCATION] = "location",
	[ASSET_HOLDER] = "holder",
	[ASSET_CLASSIFICATION] = "classification",
	[ASSET_LEASE_CONTRACT] = "lease_contract",
	[ASSET_CATEGORY] = "category",
	[ASSET_STATUS_LABEL] = "status_label",
};

const char *const asset_event_names[ASSET_NEVENTS] = {
	[ASSET_ADDED] = "added",       [ASSET_EDITED] = "edited",	[ASSET_STATE] = "state",
	[ASSET_IMPORTED] = "imported", [ASSET_INSPECTED] = "inspected",
};

static const char *const state_names[ASSET_NSTATES] = {
	[ASSET_IN_SERVICE] = "in-service",
	[ASSET_LENT] = "lent",
	[ASSET_TAKEN_OUT] = "taken-out",
	[ASSET_BROUGHT_IN] = "brought-in",
	[ASSET_RETURNED] = "returned",
	[ASSET_ON_HOLD] = "on-hold",
	[ASSET_DISPOSAL_REQUESTED] = "disposal-requested",
	[ASSET_DISPOSAL_APPROVED] = "disposal-approved",
	[ASSET_ERASED] = "erased",
	[ASSET_DESTROYED] = "destroyed",
	[ASSET_RETURNED_TO_LESSOR] = "returned-to-lessor",
	[ASSET_RETIRED] = "retired",
};

static const char *const state_labels[ASSET_NSTATES] = {
	[ASSET_IN_SERVICE] = "in service",
	[ASSET_LENT] = "lent",
	[ASSET_TAKEN_OUT] = "taken out",
	[ASSET_BROUGHT_IN] = "brought in",
	[ASSET_RETURNED] = "returned",
	[ASSET_ON_HOLD] = "on hold",
	[ASSET_DISPOSAL_REQUESTED] = "disposal requested",
	[ASSET_DISPOSAL_APPROVED] = "disposal approved",
	[ASSET_ERASED] = "erased",
	[ASSET_DESTROYED] = "destroyed",
	[ASSET_RETURNED_TO_LESSOR] = "returned to lessor",
	[ASSET_RETIRED] = "retired",
};

#define B(s) (1u << (s))
/* in the office and in use: what can follow being in service can follow these */
#define PRESENT                                                                                    \
	(B(ASSET_IN_SERVICE) | B(ASSET_LENT) | B(ASSET_TAKEN_OUT) | B(ASSET_ON_HOLD) |             \
	 B(ASSET_DISPOSAL_REQUESTED) | B(ASSET_RETIRED))

/*
 * Where each state may go. A loan ends in "returned", a take-out in
 * "brought in"; a hold is released to where the asset stood; disposal goes
 * request, approval, then erasure or destruction; destroyed and returned to
 * the lessor are the end. A hold may come at any time before the end.
 */
static const unsigned next_states[ASSET_NSTATES] = {
	[ASSET_IN_SERVICE] = PRESENT & ~B(ASSET_IN_SERVICE),
	[ASSET_BROUGHT_IN] = PRESENT,
	[ASSET_RETURNED] = PRESENT,
	[ASSET_LENT] = B(ASSET_RETURNED) | B(ASSET_ON_HOLD),
	[ASSET_TAKEN_OUT] = B(ASSET_BROUGHT_IN) | B(ASSET_ON_HOLD),
	/* a release goes back to where the hold found the asset */
	[ASSET_ON_HOLD] = (PRESENT & ~B(ASSET_ON_HOLD)) | B(ASSET_DISPOSAL_APPROVED) |
			  B(ASSET_BROUGHT_IN) | B(ASSET_RETURNED) | B(ASSET_ERASED),
	[ASSET_DISPOSAL_REQUESTED] =
		B(ASSET_DISPOSAL_APPROVED) | B(ASSET_IN_SERVICE) | B(ASSET_ON_HOLD),
	[ASSET_DISPOSAL_APPROVED] = B(ASSET_ERASED) | B(ASSET_DESTROYED) |
				    B(ASSET_RETURNED_TO_LESSOR) | B(ASSET_IN_SERVICE) |
				    B(ASSET_ON_HOLD),
	[ASSET_ERASED] = B(ASSET_DESTROYED) | B(ASSET_RETURNED_TO_LESSOR) | B(ASSET_RETIRED) |
			 B(ASSET_ON_HOLD),
	[ASSET_DESTROYED] = 0,
	[ASSET_RETURNED_TO_LESSOR] = 0,
	[ASSET_RETIRED] = B(ASSET_DISPOSAL_REQUESTED) | B(ASSET_IN_SERVICE) | B(ASSET_ON_HOLD),
};

/* A register taken over from another system may hold assets out on loan or stored away. */
static const unsigned first_states = B(ASSET_IN_SERVICE) | B(ASSET_LENT) | B(ASSET_TAKEN_OUT) |
				     B(ASSET_ON_HOLD) | B(ASSET_RETIRED);

static const unsigned authority_states = B(ASSET_ON_HOLD) | B(ASSET_DISPOSAL_REQUESTED) |
					 B(ASSET_DISPOSAL_APPROVED) | B(ASSET_ERASED) |
					 B(ASSET_DESTROYED) | B(ASSET_RETURNED_TO_LESSOR);

const char *asset_state_name(enum asset_state s)
{
	return s >= 0 && s < ASSET_NSTATES ? state_names[s] : NULL;
}

const char *asset_state_label(enum asset_state s)
{
	return s >= 0 && s < ASSET_NSTATES ? state_labels[s] : NULL;
}

int asset_state_parse(const char *s, enum asset_state *out)
{
	for (int i = 0; s && i < ASSET_NSTATES; i++)
		if (!strcasecmp(s, state_names[i]) || !strcasecmp(s, state_labels[i])) {
			*out = (enum asset_state)i;
			return 0;
		}
	return -EINVAL;
}

bool asset_transition_ok(enum asset_state from, enum asset_state to)
{
	if (to < 0 || to >= ASSET_NSTATES)
		return false;
	if (from == ASSET_STATE_KEEP)
		return first_states & B(to);
	return from >= 0 && from < ASSET_NSTATES && (next_states[from] & B(to));
}

bool asset_needs_authority(enum asset_state to)
{
	return to >= 0 && to < ASSET_NSTATES && (authority_states & B(to));
}

int asset_tag_check(const char *tag, char *why, size_t wl)
{
	size_t n = tag ? strlen(tag) : 0;

	if (!n || n > ASSET_TAG_MAX) {
		snprintf(why, wl, "an asset tag has 1 to %d characters", ASSET_TAG_MAX);
		return -EINVAL;
	}
	for (const char *p = tag; *p; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');

		if (!alnum && (p == tag || !strchr("-_./:#", *p))) {
			snprintf(why, wl,
				 "an asset tag holds ASCII letters, digits and - _ . / : #, and "
				 "starts with a letter or a digit");
			return -EINVAL;
		}
	}
	return 0;
}

static const char *const kinds[] = { "pc", "disk", "usb", "mobile", "other" };

int asset_value_check(enum asset_field f, const char *v, char *why, size_t wl)
{
	const char *name = asset_field_names[f];

	if (!text_is_utf8(v)) {
		snprintf(why, wl, "%s: not UTF-8", name);
		return -EINVAL;
	}
	if (!text_is_clean(v)) {
		snprintf(why, wl, "%s: control characters", name);
		return -EINVAL;
	}
	if (strlen(v) > ASSET_VALUE_MAX) {
		snprintf(why, wl, "%s: longer than %d bytes", name, ASSET_VALUE_MAX);
		return -EINVAL;
	}
	if (f != ASSET_KIND)
		return 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(v, kinds[i]))
			return 0;
	snprintf(why, wl, "kind: one of pc, disk, usb, mobile, other");
	return -EINVAL;
}

const char *asset_kind_guess(const char *category)
{
	static const struct {
		const char *kind, *words[12];
	} guess[] = {
		{ "usb", { "usb", "flash", "memory stick", "removable", "メモリ", "外部媒体" } },
		{ "mobile",
		  { "phone", "mobile", "tablet", "スマートフォン", "携帯", "タブレット" } },
		{ "disk",
		  { "disk", "drive", "hdd", "ssd", "storage", "ディスク", "ドライブ",
		    "記憶装置" } },
		{ "pc",
		  { "laptop", "desktop", "notebook", "computer", "server", "workstation", "pc",
		    "パソコン", "端末", "サーバ" } },
	};

	for (size_t i = 0; category && i < sizeof(guess) / sizeof(guess[0]); i++)
		for (size_t w = 0; guess[i].words[w]; w++)
			if (strcasestr(category, guess[i].words[w]))
				return guess[i].kind;
	return "other";
}

/* FNV-1a: tags are short and chosen by people, not by an adversary of the hash table */
static size_t tag_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct asset_set *asset_set_new(void)
{
	return calloc(1, sizeof(struct asset_set));
}

void asset_set_free(struct asset_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->a[i].tag);
		for (int f = 0; f < ASSET_NFIELDS; f++)
			free(s->a[i].field[f]);
		free(s->a[i].cert_id);
		free(s->a[i].cert_sha256);
		free(s->a[i].hold_why);
		free(s->a[i].hold_id);
		free(s->a[i].approval_id);
		free(s->a[i].approval_kind);
		free(s->a[i].approval_sha256);
		free(s->a[i].contractor);
	}
	free(s->a);
	free(s->slot);
	free(s);
}

struct asset *asset_find(const struct asset_set *s, const char *tag)
{
	if (!s->nslots)
		return NULL;
	for (size_t i = tag_hash(tag) & (s->nslots - 1);; i = (i + 1) & (s->nslots - 1)) {
		if (!s->slot[i])
			return NULL;
		if (!strcmp(s->a[s->slot[i] - 1].tag, tag))
			return &s->a[s->slot[i] - 1];
	}
}

static void index_put(struct asset_set *s, size_t idx)
{
	size_t i = tag_hash(s->a[idx].tag) & (s->nslots - 1);

	while (s->slot[i])
		i = (i + 1) & (s->nslots - 1);
	s->slot[i] = idx + 1;
}

/* Room for one more asset, the index kept at most half full. */
static int set_grow(struct asset_set *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct asset *a = realloc(s->a, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		s->a = a;
		s->cap = cap;
	}
	if ((s->n + 1) * 2 > s->nslots) {
		size_t nslots = s->nslots ? s->nslots * 2 : 128;
		size_t *slot = calloc(nslots, sizeof(*slot));

		if (!slot)
			return -ENOMEM;
		free(s->slot);
		s->slot = slot;
		s->nslots = nslots;
		for (size_t i = 0; i < s->n; i++)
			index_put(s, i);
	}
	return 0;
}

/* An event document, read and checked for form. */
struct event {
	const char *tag;
	enum asset_event kind;
	enum asset_state from, state;
	json_t *fields;
	const char *when, *why;
	const char *until; /* NULL when the event gives none */
	bool authority;
	const char *auth_id, *auth_kind, *auth_sha256;
	const char *contractor; /* NULL when the event names none */
};

static int bad(char *why, size_t wl, const char *what)
{
	snprintf(why, wl, "asset event: %s", what);
	return -EBADMSG;
}

static int event_enum(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static bool clean_string(json_t *v, size_t max)
{
	const char *s = json_string_value(v);

	return s && text_is_clean(s) && strlen(s) <= max;
}

/* The members other than the fields: their types and values. */
static int parse_head(json_t *doc, struct event *e, char *why, size_t wl)
{
	static const char *const keys[] = { "asset_tag", "authority", "event", "fields",
					    "format",	 "from",      "id",    "state",
					    "when",	 "who",	      "why",   "until",
					    "contractor" };
	json_t *from = json_object_get(doc, "from"), *auth = json_object_get(doc, "authority");
	const char *key;
	json_t *v;
	char tw[128];
	int k;

	json_object_foreach(doc, key, v)
	{
		if (event_enum(key, keys, (int)(sizeof(keys) / sizeof(keys[0]))) < 0)
			return bad(why, wl, "an unknown member");
	}
	e->tag = json_string_value(json_object_get(doc, "asset_tag"));
	if (!e->tag || asset_tag_check(e->tag, tw, sizeof(tw)))
		return bad(why, wl, "no valid asset_tag");
	k = event_enum(json_string_value(json_object_get(doc, "event")), asset_event_names,
		       ASSET_NEVENTS);
	if (k < 0)
		return bad(why, wl, "no valid event");
	e->kind = (enum asset_event)k;
	k = event_enum(json_string_value(json_object_get(doc, "state")), state_names,
		       ASSET_NSTATES);
	if (k < 0)
		return bad(why, wl, "no valid state");
	e->state = (enum asset_state)k;
	k = json_is_null(from) ? ASSET_STATE_KEEP :
				 event_enum(json_string_value(from), state_names, ASSET_NSTATES);
	if (!from || (k < 0 && k != ASSET_STATE_KEEP))
		return bad(why, wl, "no valid from");
	e->from = (enum asset_state)k;
	e->when = json_string_value(json_object_get(doc, "when"));
	if (!clean_string(json_object_get(doc, "who"), ASSET_VALUE_MAX) ||
	    !clean_string(json_object_get(doc, "when"), 31) ||
	    !(json_is_null(json_object_get(doc, "why")) ||
	      clean_string(json_object_get(doc, "why"), ASSET_WHY_MAX)))
		return bad(why, wl, "who, when or why missing or not clean text");
	if (auth &&
	    !(json_is_object(auth) && clean_string(json_object_get(auth, "id"), ASSET_VALUE_MAX) &&
	      clean_string(json_object_get(auth, "sha256"), 64) &&
	      clean_string(json_object_get(auth, "type"), ASSET_VALUE_MAX) &&
	      (!json_object_get(auth, "kind") ||
	       clean_string(json_object_get(auth, "kind"), ASSET_VALUE_MAX))))
		return bad(why, wl, "an authority without type, id and sha256");
	e->authority = auth != NULL;
	e->until = json_string_value(json_object_get(doc, "until"));
	if (json_object_get(doc, "until") && !asset_date_ok(e->until))
		return bad(why, wl, "an until that is not a date YYYY-MM-DD");
	if (json_object_get(doc, "contractor") &&
	    !clean_string(json_object_get(doc, "contractor"), ASSET_VALUE_MAX))
		return bad(why, wl, "a contractor that is not clean text");
	e->contractor = json_string_value(json_object_get(doc, "contractor"));
	e->auth_id = json_string_value(json_object_get(auth, "id"));
	e->auth_kind = json_string_value(json_object_get(auth, "kind"));
	e->auth_sha256 = json_string_value(json_object_get(auth, "sha256"));
	e->why = json_string_value(json_object_get(doc, "why"));
	e->fields = json_object_get(doc, "fields");
	return json_is_object(e->fields) ? 0 : bad(why, wl, "no fields object");
}

static int parse_event(const json_t *doc, struct event *e, char *why, size_t wl)
{
	const char *format = json_string_value(json_object_get(doc, "format"));
	const char *key;
	json_t *v;
	int r;

	memset(e, 0, sizeof(*e));
	if (!format || strcmp(format, LEDGER_ASSET_EVENT_FORMAT))
		return bad(why, wl, "not a " LEDGER_ASSET_EVENT_FORMAT " document");
	r = parse_head((json_t *)doc, e, why, wl);
	if (r)
		return r;
	json_object_foreach(e->fields, key, v)
	{
		int f = event_enum(key, asset_field_names, ASSET_NFIELDS);
		char fw[128];

		if (f < 0 || !json_is_string(v))
			return bad(why, wl, "an unknown field, or one that is not a string");
		if (asset_value_check((enum asset_field)f, json_string_value(v), fw, sizeof(fw)) &&
		    (f != ASSET_KIND || *json_string_value(v)))
			return bad(why, wl, fw);
	}
	return 0;
}

/* The event as a step from where the asset stands. Return: 0 or -errno with @why */
static int check_step(const struct asset *a, const struct event *e, char *why, size_t wl)
{
	enum asset_state from = a ? a->state : ASSET_STATE_KEEP;
	const char *kind = json_string_value(json_object_get(e->fields, "kind"));

	if (e->from != from) {
		snprintf(why, wl, "%s: the event starts from %s, the asset is %s", e->tag,
			 e->from == ASSET_STATE_KEEP ? "nothing" : state_labels[e->from],
			 a ? state_labels[from] : "not registered");
		return a ? -EPERM : -ENOENT;
	}
	if (!a && (e->kind == ASSET_EDITED || e->kind == ASSET_STATE)) {
		snprintf(why, wl, "%s: no such asset", e->tag);
		return -ENOENT;
	}
	if (a && e->kind == ASSET_ADDED) {
		snprintf(why, wl, "%s: already registered", e->tag);
		return -EEXIST;
	}
	if (!a && (!kind || !*kind)) {
		snprintf(why, wl, "%s: a new asset needs a kind", e->tag);
		return -EINVAL;
	}
	if (((e->kind == ASSET_EDITED || e->kind == ASSET_INSPECTED) && e->state != from) ||
	    (e->kind == ASSET_STATE && e->state == from)) {
		snprintf(why, wl, "%s: an %s event that %s the state", e->tag,
			 asset_event_names[e->kind], e->kind == ASSET_STATE ? "keeps" : "changes");
		return -EINVAL;
	}
	if (e->state != from && !asset_transition_ok(from, e->state)) {
		snprintf(why, wl, "%s: %s -> %s is not a step the register allows", e->tag,
			 a ? state_labels[from] : "new", state_labels[e->state]);
		return -EPERM;
	}
	if (e->state != from && asset_needs_authority(e->state) && !e->authority) {
		snprintf(why, wl, "%s: %s needs a signed document (a request, hold or certificate)",
			 e->tag, state_labels[e->state]);
		return -EPERM;
	}
	return 0;
}

/* The fields of @e into @a. Return: 0, -ENOMEM */
static int put_fields(struct asset *a, const struct event *e)
{
	const char *key;
	json_t *v;

	json_object_foreach(e->fields, key, v)
	{
		int f = event_enum(key, asset_field_names, ASSET_NFIELDS);
		const char *s = json_string_value(v);
		char *copy = *s ? strdup(s) : NULL;

		if (*s && !copy)
			return -ENOMEM;
		free(a->field[f]);
		a->field[f] = copy;
	}
	return 0;
}

bool asset_date_ok(const char *s)
{
	static const char form[] = "dddd-dd-dd";

	if (!s || strlen(s) != sizeof(form) - 1)
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return false;
	return true;
}

/* A loan's end lasts while the asset is lent or out; an event may move it. */
static void replay_until(struct asset *a, const struct event *e)
{
	if (e->state != ASSET_LENT && e->state != ASSET_TAKEN_OUT)
		a->until[0] = '\0';
	else if (e->until)
		snprintf(a->until, sizeof(a->until), "%s", e->until);
}

static int set_text(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? strdup(v) : NULL;
	return v && !*dst ? -ENOMEM : 0;
}

/* What a hold or a disposal approval leaves for asset_gate() to read. */
static int note_authority(struct asset *a, const struct event *e)
{
	enum asset_state from = a->events ? a->state : ASSET_STATE_KEEP;
	int r = 0;

	if (e->state == ASSET_ON_HOLD && from != ASSET_ON_HOLD) {
		a->held_from = from == ASSET_STATE_KEEP ? ASSET_IN_SERVICE : from;
		snprintf(a->hold_since, sizeof(a->hold_since), "%s", e->when);
		r = set_text(&a->hold_why, e->why);
		if (!r)
			r = set_text(&a->hold_id, e->auth_id);
	}
	/* a release back to disposal approved keeps the request that approved the disposal */
	if (!r && e->state == ASSET_DISPOSAL_APPROVED && from != ASSET_DISPOSAL_APPROVED &&
	    !(from == ASSET_ON_HOLD && e->auth_kind && !strcmp(e->auth_kind, "release"))) {
		r = set_text(&a->approval_id, e->auth_id);
		if (!r)
			r = set_text(&a->approval_sha256, e->auth_sha256);
		if (!r)
			r = set_text(&a->approval_kind, e->auth_kind);
		if (!r)
			r = set_text(&a->contractor, e->contractor);
		a->contractor_seq = 0;
		a->contractor_when[0] = '\0';
		if (e->contractor)
			snprintf(a->contractor_when, sizeof(a->contractor_when), "%s", e->when);
	}
	return r;
}

int asset_replay(struct asset_set *s, const json_t *doc, int64_t seq, char *why, size_t wl)
{
	struct asset *a;
	struct event e;
	int r = parse_event(doc, &e, why, wl);

	if (r)
		return r;
	a = asset_find(s, e.tag);
	r = check_step(a, &e, why, wl);
	if (r)
		return r == -EINVAL ? -EBADMSG : r;
	if (!a) {
		if (set_grow(s) < 0)
			return -ENOMEM;
		a = &s->a[s->n];
		memset(a, 0, sizeof(*a));
		a->tag = strdup(e.tag);
		if (!a->tag)
			return -ENOMEM;
		a->first_seq = seq;
		index_put(s, s->n++);
	}
	if (!a->added[0])
		snprintf(a->added, sizeof(a->added), "%s", e.when);
	if (!a->state_when[0] || a->state != e.state)
		snprintf(a->state_when, sizeof(a->state_when), "%s", e.when);
	if (e.kind == ASSET_INSPECTED)
		snprintf(a->inspected, sizeof(a->inspected), "%s", e.when);
	replay_until(a, &e);
	r = note_authority(a, &e);
	if (r)
		return r;
	if (a->contractor && !a->contractor_seq)
		a->contractor_seq = seq;
	a->state = e.state;
	a->last_seq = seq;
	a->events++;
	snprintf(a->last_when, sizeof(a->last_when), "%s", e.when);
	return put_fields(a, &e);
}
