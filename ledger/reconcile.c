// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reconciling an asset list against the ledger: the list read from an asset
 * register's CSV export, hash tables over the rows by asset tag and by
 * serial, so 10,000 assets take one pass over each side, and the result.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset.h"
#include "backend.h"
#include "file.h"
#include "jsonutil.h"

/* an asset register export is a few MiB */
#define ASSETS_MAX (256u << 20)

/* What reconciling needs of a row. */
struct rec_row {
	char *id, *tag, *serial, *result;
	int64_t seq;
	bool approved;
	bool matched;
	bool superseded; /* its certificate has a later row, with more signatures */
	size_t stamp; /* the asset (+1) that last looked at it: a row matching by tag and serial counts once */
	size_t next_tag, next_serial; /* chains in the tables; SIZE_MAX ends them */
};

/* Open addressing: a slot holds the first row of the chain for one key, or SIZE_MAX. */
struct index {
	size_t *slot;
	size_t mask;
};

struct rec {
	struct rec_row *row;
	size_t n, cap;
	struct index tag, serial;
	struct ledger_dup_finder dups;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static const char *row_key(const struct rec_row *r, bool by_tag)
{
	return by_tag ? r->tag : r->serial;
}

/* The slot for @key: the one holding its chain, or the empty one where it would go. */
static size_t *index_slot(const struct index *ix, const struct rec *rc, const char *key,
			  bool by_tag)
{
	size_t i = (size_t)fnv1a(key) & ix->mask;

	while (ix->slot[i] != SIZE_MAX && strcmp(row_key(&rc->row[ix->slot[i]], by_tag), key))
		i = (i + 1) & ix->mask;
	return &ix->slot[i];
}

static int index_build(struct index *ix, struct rec *rc, bool by_tag)
{
	size_t size = 16;

	while (size < 2 * rc->n + 2)
		size *= 2;
	ix->slot = malloc(size * sizeof(*ix->slot));
	if (!ix->slot)
		return -ENOMEM;
	memset(ix->slot, 0xff, size * sizeof(*ix->slot));
	ix->mask = size - 1;
	/* backwards, so that each chain lists its rows in seq order */
	for (size_t i = rc->n; i-- > 0;) {
		const char *key = row_key(&rc->row[i], by_tag);
		size_t *s;

		if (!key || !*key || rc->row[i].superseded)
			continue;
		s = index_slot(ix, rc, key, by_tag);
		if (by_tag)
			rc->row[i].next_tag = *s;
		else
			rc->row[i].next_serial = *s;
		*s = i;
	}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* The row a later one refers to: rows come in seq order, so a binary search finds it. */
static void supersede(struct rec *rc, int64_t seq)
{
	size_t lo = 0, hi = rc->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rc->row[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rc->n && rc->row[lo].seq == seq)
		rc->row[lo].superseded = true;
}

static int collect(const struct ledger_row *row, void *usr)
{
	struct rec *rc = usr;
	struct rec_row *r;

	if (ledger_dup_note(&rc->dups, row) < 0)
		return -ENOMEM;
	if (row->refers)
		supersede(rc, row->refers);

	if (rc->n == rc->cap) {
		size_t cap = rc->cap ? rc->cap * 2 : 256;
		struct rec_row *p = realloc(rc->row, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rc->row = p;
		rc->cap = cap;
	}
	r = &rc->row[rc->n];
	memset(r, 0, sizeof(*r));
	r->seq = row->seq;
	r->id = strdup(row->id);
	r->tag = dup_or_null(row->field[LEDGER_ASSET_TAG]);
	r->serial = dup_or_null(row->field[LEDGER_SERIAL]);
	r->result = dup_or_null(row->field[LEDGER_RESULT]);
	r->approved = row->field[LEDGER_APPROVER] && *row->field[LEDGER_APPROVER];
	rc->n++;
	if (!r->id || (row->field[LEDGER_ASSET_TAG] && *row->field[LEDGER_ASSET_TAG] && !r->tag) ||
	    (row->field[LEDGER_SERIAL] && *row->field[LEDGER_SERIAL] && !r->serial) ||
	    (row->field[LEDGER_RESULT] && *row->field[LEDGER_RESULT] && !r->result))
		return -ENOMEM;
	return 0;
}

static bool certifies(const struct rec_row *r)
{
	return r->approved && r->result && !strcmp(r->result, "success");
}

/* Look at one matching row for asset @a (index @i). */
static void consider(struct rec *rc, size_t ri, size_t i, struct rec_row **best)
{
	struct rec_row *r = &rc->row[ri];

	if (r->stamp == i + 1)
		return;
	r->stamp = i + 1;
	r->matched = true;
	/* a certifying row wins; otherwise the latest row says why it is missing */
	if (!*best || (certifies(r) && !certifies(*best)) ||
	    (certifies(r) == certifies(*best) && ri > (size_t)(*best - rc->row)))
		*best = r;
}

static int match_asset(struct rec *rc, const struct ledger_asset *a, size_t i,
		       struct ledger_match *m)
{
	struct rec_row *best = NULL;
	size_t ri;

	if (a->asset_tag && *a->asset_tag && rc->n)
		for (ri = *index_slot(&rc->tag, rc, a->asset_tag, true); ri != SIZE_MAX;
		     ri = rc->row[ri].next_tag)
			consider(rc, ri, i, &best);
	if (a->serial && *a->serial && rc->n)
		for (ri = *index_slot(&rc->serial, rc, a->serial, false); ri != SIZE_MAX;
		     ri = rc->row[ri].next_serial)
			consider(rc, ri, i, &best);
	m->status = best && certifies(best) ? LEDGER_CERTIFIED : LEDGER_MISSING;
	if (!best)
		return 0;
	m->approved = best->approved;
	m->id = strdup(best->id);
	m->result = dup_or_null(best->result);
	return m->id && (m->result || !best->result) ? 0 : -ENOMEM;
}

static int list_unmatched(struct rec *rc, struct ledger_reconcile *out)
{
	out->unmatched = calloc(rc->n + 1, sizeof(*out->unmatched));
	if (!out->unmatched)
		return -ENOMEM;
	for (size_t i = 0; i < rc->n; i++) {
		struct ledger_unmatched *u = &out->unmatched[out->nunmatched];

		if (rc->row[i].matched || rc->row[i].superseded)
			continue;
		/* the strings move to @out */
		u->id = rc->row[i].id;
		u->asset_tag = rc->row[i].tag;
		u->serial = rc->row[i].serial;
		rc->row[i].id = rc->row[i].tag = rc->row[i].serial = NULL;
		out->nunmatched++;
	}
	return 0;
}

/* A certificate of @tag recorded after row @seq. */
static bool certified_since(struct rec *rc, const char *tag, int64_t seq)
{
	for (size_t ri = rc->n ? *index_slot(&rc->tag, rc, tag, true) : SIZE_MAX; ri != SIZE_MAX;
	     ri = rc->row[ri].next_tag)
		if (rc->row[ri].seq > seq)
			return true;
	return false;
}

/* Assets a contractor took away for disposal whose certificate has not come back. */
static int list_handed(struct ledger *l, struct rec *rc, struct ledger_reconcile *out)
{
	struct asset_set *s = NULL;
	int r = asset_load(l, NULL, false, &s);

	if (r)
		return r;
	out->handed = calloc(s->n + 1, sizeof(*out->handed));
	if (!out->handed)
		r = -ENOMEM;
	for (size_t i = 0; !r && i < s->n; i++) {
		const struct asset *a = &s->a[i];
		struct ledger_handed *h = &out->handed[out->nhanded];

		if (!a->contractor || a->state != ASSET_DISPOSAL_APPROVED ||
		    certified_since(rc, a->tag, a->contractor_seq))
			continue;
		h->asset_tag = strdup(a->tag);
		h->contractor = strdup(a->contractor);
		snprintf(h->when, sizeof(h->when), "%s", a->contractor_when);
		out->nhanded++;
		if (!h->asset_tag || !h->contractor)
			r = -ENOMEM;
	}
	asset_set_free(s);
	return r;
}

int ledger_reconcile(struct ledger *l, const struct ledger_asset *assets, size_t n,
		     struct ledger_reconcile *out)
{
	static const struct ledger_filter light = { .no_blobs = true };
	struct rec rc = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	r = ledger_iterate(l, &light, collect, &rc);
	if (r == 0)
		r = index_build(&rc.tag, &rc, true);
	if (r == 0)
		r = index_build(&rc.serial, &rc, false);
	if (r < 0)
		goto out;
	out->match = calloc(n + 1, sizeof(*out->match));
	if (!out->match) {
		r = -ENOMEM;
		goto out;
	}
	out->n = n;
	for (size_t i = 0; i < n && r == 0; i++) {
		r = match_asset(&rc, &assets[i], i, &out->match[i]);
		if (out->match[i].status == LEDGER_CERTIFIED)
			out->certified++;
		else
			out->missing++;
	}
	if (r == 0)
		r = list_unmatched(&rc, out);
	if (r == 0)
		r = ledger_dup_finish(&rc.dups, &out->dups);
	if (r == 0)
		r = list_handed(l, &rc, out);
out:
	ledger_dup_finder_free(&rc.dups);
	for (size_t i = 0; i < rc.n; i++) {
		free(rc.row[i].id);
		free(rc.row[i].tag);
		free(rc.row[i].serial);
		free(rc.row[i].result);
	}
	free(rc.row);
	free(rc.tag.slot);
	free(rc.serial.slot);
	if (r < 0)
		ledger_reconcile_free(out);
	return r;
}

void ledger_reconcile_free(struct ledger_reconcile *r)
{
	for (size_t i = 0; r->match && i < r->n; i++) {
		free(r->match[i].id);
		free(r->match[i].result);
	}
	for (size_t i = 0; i < r->nunmatched; i++) {
		free(r->unmatched[i].id);
		free(r->unmatched[i].asset_tag);
		free(r->unmatched[i].serial);
	}
	for (size_t i = 0; i < r->nhanded; i++) {
		free(r->handed[i].asset_tag);
		free(r->handed[i].contractor);
	}
	free(r->handed);
	free(r->match);
	free(r->unmatched);
	ledger_dups_free(&r->dups);
	memset(r, 0, sizeof(*r));
}

/* "Asset Tag", "asset-tag" and "asset_tag" name the same column (Snipe-IT writes the first). */
static void header_name(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; *s == ' '; s++)
		;
	for (; *s && i + 1 < len; s++)
		out[i++] = (*s == ' ' || *s == '-') ? '_' :
			   (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') :
						      *s;
	while (i && out[i - 1] == '_')
		i--;
	out[i] = '\0';
}

static int asset_header(struct ledger_assets *as, char **cells, size_t n)
{
	char name[64];

	as->ncols = n;
	for (size_t i = 0; i < n; i++) {
		header_name(cells[i], name, sizeof(name));
		if (!strcmp(name, "asset_tag") || !strcmp(name, "serial")) {
			int *col = name[0] == 'a' ? &as->tag_col : &as->serial_col;

			if (*col >= 0) {
				snprintf(as->why, sizeof(as->why), "two %s columns", name);
				return -EBADMSG;
			}
			*col = (int)i;
		}
	}
	if (as->tag_col < 0 && as->serial_col < 0) {
		snprintf(as->why, sizeof(as->why), "the header has no asset_tag or serial column");
		return -EBADMSG;
	}
	return 0;
}

static char *trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

static int assets_grow(struct ledger_assets *as)
{
	size_t cap = as->cap ? as->cap * 2 : 1024;
	struct ledger_asset *p = realloc(as->a, cap * sizeof(*p));
	char **t = p ? realloc(as->text, 2 * cap * sizeof(*t)) : NULL;

	if (p)
		as->a = p;
	if (!p || !t)
		return -ENOMEM;
	as->text = t;
	as->cap = cap;
	return 0;
}

static int asset_record(char **cells, size_t n, size_t line, void *usr)
{
	struct ledger_assets *as = usr;
	struct ledger_asset *a;

	if (!as->ncols)
		return asset_header(as, cells, n);
	if (n != as->ncols) {
		snprintf(as->why, sizeof(as->why), "line %zu: %zu fields, the header has %zu", line,
			 n, as->ncols);
		return -EBADMSG;
	}
	if (as->n == as->cap && assets_grow(as) < 0)
		return -ENOMEM;
	a = &as->a[as->n];
	as->text[2 * as->n] = as->tag_col >= 0 ? trimmed(cells[as->tag_col]) : strdup("");
	as->text[2 * as->n + 1] = as->serial_col >= 0 ? trimmed(cells[as->serial_col]) : strdup("");
	a->asset_tag = as->text[2 * as->n];
	a->serial = as->text[2 * as->n + 1];
	as->n++;
	if (!a->asset_tag || !a->serial)
		return -ENOMEM;
	if (!*a->asset_tag && !*a->serial) {
		snprintf(as->why, sizeof(as->why), "line %zu: neither an asset tag nor a serial",
			 line);
		return -EBADMSG;
	}
	return 0;
}

void ledger_assets_free(struct ledger_assets *as)
{
	for (size_t i = 0; i < 2 * as->n; i++)
		free(as->text[i]);
	free(as->text);
	free(as->a);
	memset(as, 0, sizeof(*as));
}

int ledger_assets_parse(const char *buf, size_t len, struct ledger_assets *as)
{
	size_t line = 0;
	int r;

	memset(as, 0, sizeof(*as));
	as->tag_col = as->serial_col = -1;
	r = ledger_csv_parse(buf, len, asset_record, as, &line);
	if (r == 0 && !as->ncols) {
		snprintf(as->why, sizeof(as->why), "empty: no header");
		r = -EBADMSG;
	}
	if (r == -EBADMSG && !as->why[0])
		snprintf(as->why, sizeof(as->why), "line %zu: not valid CSV", line);
	return r;
}

int ledger_assets_load(const char *path, struct ledger_assets *as)
{
	size_t len;
	char *buf;
	int r;

	memset(as, 0, sizeof(*as));
	r = file_read(path, ASSETS_MAX, &buf, &len);
	if (r < 0)
		return r;
	r = ledger_assets_parse(buf, len, as);
	free(buf);
	return r;
}

const char *ledger_missing_reason(const struct ledger_match *m)
{
	if (!m->id)
		return "no certificate";
	if (!m->result || strcmp(m->result, "success"))
		return "erasure not successful";
	return "not approved";
}

static int add_unmatched(json_t *arr, const struct ledger_unmatched *u)
{
	return json_array_append_new(
		arr, json_pack("{s:o,s:o,s:o}", "certificate_id", json_text(u->id), "asset_tag",
			       json_text(u->asset_tag), "serial", json_text(u->serial)));
}

json_t *ledger_reconcile_json(const struct ledger_asset *assets, const struct ledger_reconcile *rec)
{
	json_t *doc = json_pack("{s:[],s:[],s:[],s:o,s:[]}", "certified", "missing", "unmatched",
				"duplicates", ledger_dups_json(&rec->dups), "handed_to_contractor");

	for (size_t i = 0; doc && i < rec->n; i++) {
		const struct ledger_match *m = &rec->match[i];
		bool ok = m->status == LEDGER_CERTIFIED;
		json_t *o = json_pack("{s:o,s:o,s:o}", "asset_tag", json_text(assets[i].asset_tag),
				      "serial", json_text(assets[i].serial), "certificate_id",
				      json_text(m->id));

		if (o && !ok &&
		    json_object_set_new(o, "reason", json_string(ledger_missing_reason(m)))) {
			json_decref(o);
			o = NULL;
		}
		if (!o ||
		    json_array_append_new(json_object_get(doc, ok ? "certified" : "missing"), o)) {
			json_decref(doc);
			return NULL;
		}
	}
	for (size_t i = 0; doc && i < rec->nunmatched; i++)
		if (add_unmatched(json_object_get(doc, "unmatched"), &rec->unmatched[i])) {
			json_decref(doc);
			return NULL;
		}
	for (size_t i = 0; doc && i < rec->nhanded; i++)
		if (json_array_append_new(json_object_get(doc, "handed_to_contractor"),
					  json_pack("{s:s,s:s,s:s}", "asset_tag",
						    rec->handed[i].asset_tag, "contractor",
						    rec->handed[i].contractor, "since",
						    rec->handed[i].when))) {
			json_decref(doc);
			return NULL;
		}
	return doc;
}
