// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An inspection in the register: its signed record as a row of the chain
 * and an "inspected" event for each asset seen, written in one transaction
 * so that no event names a record that is not there; and the record read
 * back for the report upward.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "backend.h"
#include "cert/jcs.h"
#include "inspect.h"

static int append_record(struct ledger *l, const void *doc, size_t len, const char *sigs,
			 struct ledger_anchor *out, char *why, size_t wl)
{
	const char *field[LEDGER_NFIELDS], *id;
	json_t *parsed = NULL;
	int r = ledger_doc_columns(LEDGER_KIND_INSPECTION, doc, len, &parsed, &id, field, why, wl);

	if (r == 0)
		r = ledger_append(l, LEDGER_KIND_INSPECTION, doc, len, sigs, id, field, 0, NULL,
				  NULL, out);
	json_decref(parsed);
	return r;
}

static int record_events(struct ledger *l, const void *doc, size_t len, const char *const *tags,
			 size_t ntags, const char *who, const char *when, char *why, size_t wl)
{
	char sum[LEDGER_HASH_HEX];
	json_t *d = json_loadb(doc, len, 0, NULL);
	struct asset_authority auth = { .type = INSPECTION_FORMAT,
					.id = json_string_value(json_object_get(d, "id")),
					.sha256 = sum };
	struct asset_change *c = calloc(ntags ? ntags : 1, sizeof(*c));
	size_t failed;
	int r = c && d ? ledger_sha256_hex(doc, len, sum) : -ENOMEM;

	for (size_t i = 0; r == 0 && i < ntags; i++) {
		c[i].tag = tags[i];
		c[i].event = ASSET_INSPECTED;
		c[i].state = ASSET_STATE_KEEP;
		c[i].who = who;
		c[i].when = when;
		c[i].authority = &auth;
	}
	if (r == 0 && ntags)
		r = asset_apply_locked(l, c, ntags, NULL, &failed, why, wl);
	free(c);
	json_decref(d);
	return r;
}

/* The signature as the row keeps it: {"NAME": "BASE64"}, canonical. */
static int sigs_json(const char *name, const void *sig, size_t siglen, char **out)
{
	size_t blen = sodium_base64_encoded_len(siglen, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(blen);
	json_t *o = NULL;
	size_t len;
	int r = -ENOMEM;

	*out = NULL;
	if (b64) {
		sodium_bin2base64(b64, blen, sig, siglen, sodium_base64_VARIANT_ORIGINAL);
		o = json_pack("{s:s}", name, b64);
	}
	if (o)
		r = jcs_dump(o, out, &len);
	json_decref(o);
	free(b64);
	return r;
}

int inspect_record(struct ledger *l, const void *doc, size_t len, const char *sig_name,
		   const void *sig, size_t siglen, const char *const *tags, size_t ntags,
		   const char *who, const char *when, struct ledger_anchor *out, char *why,
		   size_t wl)
{
	char *sigs = NULL;
	int r;

	why[0] = '\0';
	r = inspection_parse(doc, len, NULL, why, wl);
	if (r < 0)
		return r;
	if (!sig || !siglen || !sig_name || !*sig_name) {
		snprintf(why, wl, "an inspection is recorded only when it is signed");
		return -EINVAL;
	}
	r = sigs_json(sig_name, sig, siglen, &sigs);
	if (r == 0)
		r = l->ops->begin(l);
	if (r < 0)
		goto out;
	r = append_record(l, doc, len, sigs, out, why, wl);
	if (r == 0)
		r = record_events(l, doc, len, tags, ntags, who, when, why, wl);
	if (r == 0)
		r = l->ops->end(l, true);
	else
		l->ops->end(l, false);
out:
	free(sigs);
	return r;
}

static int found(const struct ledger_row *row, void *usr)
{
	struct inspect_row *o = usr;

	if (row->kind != LEDGER_KIND_INSPECTION)
		return 0;
	inspect_row_free(o);
	o->doc = malloc(row->cert_len + 1);
	o->sigs = strdup(row->sigs);
	if (!o->doc || !o->sigs)
		return -ENOMEM;
	memcpy(o->doc, row->cert, row->cert_len);
	o->doc[row->cert_len] = '\0';
	o->len = row->cert_len;
	o->seq = row->seq;
	snprintf(o->row_hash, sizeof(o->row_hash), "%s", row->row_hash);
	return 0;
}

int inspect_find(struct ledger *l, const char *id, struct inspect_row *out)
{
	struct ledger_filter f = { .rows = LEDGER_ROWS_ALL, .id = id };
	int r;

	memset(out, 0, sizeof(*out));
	r = l->ops->iterate(l, &f, found, out);
	if (r == 0 && !out->doc)
		r = -ENOENT;
	if (r < 0)
		inspect_row_free(out);
	return r;
}

void inspect_row_free(struct inspect_row *r)
{
	free(r->doc);
	free(r->sigs);
	r->doc = r->sigs = NULL;
}
