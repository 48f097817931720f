// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reconciling an asset list against the ledger: hash tables over the rows
 * by asset tag and by serial, so 10,000 assets take one pass over each side.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

/* What reconciling needs of a row. */
struct rec_row {
	char *id, *tag, *serial, *result;
	bool approved;
	bool matched;
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

		if (!key || !*key)
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

static int collect(const struct ledger_row *row, void *usr)
{
	struct rec *rc = usr;
	struct rec_row *r;

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

		if (rc->row[i].matched)
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
out:
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
	free(r->match);
	free(r->unmatched);
	memset(r, 0, sizeof(*r));
}
