// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Certificates of one erasure: two certificate ids made from the same
 * report, or for the same device and start time. One erasure proves one
 * asset once; a second certificate of it is either a mistake or an attempt
 * to certify an asset that was not erased, so verify and reconcile name it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* One row under one of its keys. */
struct dup_key {
	char *key; /* "r" REPORT_ID, or "d" SERIAL "\n" STARTED */
	char *id;
	int64_t seq;
};

static int note_key(struct ledger_dup_finder *d, const struct ledger_row *row, char kind,
		    const char *a, const char *b)
{
	struct dup_key *k;
	size_t la, lb;

	if (!a || !*a || (kind == 'd' && (!b || !*b)))
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		struct dup_key *p = realloc(d->k, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		d->k = p;
		d->cap = cap;
	}
	la = strlen(a);
	lb = b ? strlen(b) : 0;
	k = &d->k[d->n];
	k->seq = row->seq;
	k->id = strdup(row->id);
	k->key = malloc(la + lb + 3);
	d->n++;
	if (!k->id || !k->key)
		return -ENOMEM;
	k->key[0] = kind;
	memcpy(k->key + 1, a, la);
	k->key[la + 1] = '\n';
	if (lb)
		memcpy(k->key + la + 2, b, lb);
	k->key[la + lb + 2] = '\0';
	return 0;
}

int ledger_dup_note(struct ledger_dup_finder *d, const struct ledger_row *row)
{
	int r = note_key(d, row, 'r', row->field[LEDGER_REPORT_ID], NULL);

	return r ? r : note_key(d, row, 'd', row->field[LEDGER_SERIAL], row->field[LEDGER_STARTED]);
}

static int by_key(const void *a, const void *b)
{
	const struct dup_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_seq(const void *a, const void *b)
{
	const struct ledger_dup *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_id(const void *a, const void *b)
{
	const struct ledger_dup *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : by_seq(a, b);
}

/* Keep the first finding for each later certificate: sorted by id, the first of each run. */
static void dedupe(struct ledger_dups *out)
{
	size_t w = 0;

	qsort(out->dup, out->n, sizeof(*out->dup), by_id);
	for (size_t i = 0; i < out->n; i++) {
		if (w && !strcmp(out->dup[w - 1].id, out->dup[i].id)) {
			free(out->dup[i].id);
			free(out->dup[i].first_id);
			continue;
		}
		out->dup[w++] = out->dup[i];
	}
	out->n = w;
	qsort(out->dup, out->n, sizeof(*out->dup), by_seq);
}

int ledger_dup_finish(struct ledger_dup_finder *d, struct ledger_dups *out)
{
	memset(out, 0, sizeof(*out));
	if (!d->n)
		return 0;
	qsort(d->k, d->n, sizeof(*d->k), by_key);
	out->dup = calloc(d->n, sizeof(*out->dup));
	if (!out->dup)
		return -ENOMEM;
	for (size_t g = 0, i; g < d->n; g = i) {
		const struct dup_key *first = &d->k[g];

		/* a certificate's later rows (signatures added) share its keys: not a repeat */
		for (i = g + 1; i < d->n && !strcmp(d->k[i].key, first->key); i++) {
			struct ledger_dup *u = &out->dup[out->n];

			if (!strcmp(d->k[i].id, first->id))
				continue;
			u->seq = d->k[i].seq;
			u->first_seq = first->seq;
			u->same = first->key[0] == 'r' ? "report_id" : "serial and started";
			u->id = strdup(d->k[i].id);
			u->first_id = strdup(first->id);
			out->n++;
			if (!u->id || !u->first_id) {
				ledger_dups_free(out);
				return -ENOMEM;
			}
		}
	}
	dedupe(out);
	return 0;
}

void ledger_dup_finder_free(struct ledger_dup_finder *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->k[i].key);
		free(d->k[i].id);
	}
	free(d->k);
	memset(d, 0, sizeof(*d));
}

void ledger_dups_free(struct ledger_dups *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->dup[i].id);
		free(d->dup[i].first_id);
	}
	free(d->dup);
	memset(d, 0, sizeof(*d));
}

void ledger_check_free(struct ledger_check *c)
{
	ledger_dups_free(&c->dups);
	for (size_t i = 0; i < c->nuntrusted; i++) {
		free(c->untrusted[i].id);
		free(c->untrusted[i].why);
	}
	free(c->untrusted);
	c->untrusted = NULL;
	c->nuntrusted = 0;
}

json_t *ledger_dups_json(const struct ledger_dups *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < d->n; i++) {
		const struct ledger_dup *u = &d->dup[i];

		if (json_array_append_new(
			    arr, json_pack("{s:I,s:s,s:I,s:s,s:s}", "seq", (json_int_t)u->seq,
					   "certificate_id", u->id, "first_seq",
					   (json_int_t)u->first_seq, "first_certificate_id",
					   u->first_id, "same", u->same))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
