// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ledger's rules, apart from its storage: what a row holds, how rows
 * are chained, when a certificate may be added, how the chain is checked
 * and how an asset list is reconciled against the rows.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "asset.h"
#include "backend.h"
#include "cert/inspection.h"
#include "cert/jcs.h"
#include "cert/machine_summary.h"
#include "jsonutil.h"
#include "secmem.h"
#include "text.h"

const char *const ledger_field_names[LEDGER_NFIELDS] = {
	[LEDGER_ASSET_TAG] = "asset_tag", [LEDGER_SERIAL] = "serial",
	[LEDGER_MODEL] = "model",	  [LEDGER_CATEGORY] = "category",
	[LEDGER_TECHNIQUE] = "technique", [LEDGER_RESULT] = "result",
	[LEDGER_STARTED] = "started",	  [LEDGER_FINISHED] = "finished",
	[LEDGER_OPERATOR] = "operator",	  [LEDGER_WITNESS] = "witness",
	[LEDGER_APPROVER] = "approver",	  [LEDGER_ISSUED] = "issued",
	[LEDGER_REPORT_ID] = "report_id", [LEDGER_SELF_APPROVAL] = "self_approval",
};

/* Where each column comes from in the certificate; the approval's two come from the verdict. */
static const char *const cert_paths[LEDGER_NFIELDS] = {
	[LEDGER_ASSET_TAG] = "media.asset_tag",
	[LEDGER_SERIAL] = "media.serial",
	[LEDGER_MODEL] = "media.model",
	[LEDGER_CATEGORY] = "sanitization.category",
	[LEDGER_TECHNIQUE] = "sanitization.technique",
	[LEDGER_RESULT] = "result",
	[LEDGER_STARTED] = "started",
	[LEDGER_FINISHED] = "finished",
	[LEDGER_OPERATOR] = "operator.name",
	[LEDGER_WITNESS] = "witness.name",
	[LEDGER_APPROVER] = NULL,
	[LEDGER_ISSUED] = "issued",
	[LEDGER_REPORT_ID] = "report_id",
	[LEDGER_SELF_APPROVAL] = NULL,
};

/* An asset event's columns: what `ledger list` style queries by tag and person need. */
static const char *const event_paths[LEDGER_NFIELDS] = {
	[LEDGER_ASSET_TAG] = "asset_tag", [LEDGER_SERIAL] = "fields.serial",
	[LEDGER_MODEL] = "fields.model",  [LEDGER_RESULT] = "state",
	[LEDGER_OPERATOR] = "who",	  [LEDGER_ISSUED] = "when",
};

/* An inspection's columns: who inspected, when, and whether anything was found. */
static const char *const inspection_paths[LEDGER_NFIELDS] = {
	[LEDGER_RESULT] = "result",
	[LEDGER_OPERATOR] = "inspector.name",
	[LEDGER_ISSUED] = "time",
};

/* A machine summary's columns: the machine's tag, serial and model, its result and time. */
static const char *const machine_paths[LEDGER_NFIELDS] = {
	[LEDGER_ASSET_TAG] = "machine.tag", [LEDGER_SERIAL] = "machine.serial",
	[LEDGER_MODEL] = "machine.product", [LEDGER_RESULT] = "result",
	[LEDGER_ISSUED] = "created",
};

static const char *const *field_paths_of(enum ledger_kind kind)
{
	if (kind == LEDGER_KIND_INSPECTION)
		return inspection_paths;
	if (kind == LEDGER_KIND_MACHINE_SUMMARY)
		return machine_paths;
	return kind == LEDGER_KIND_ASSET_EVENT ? event_paths : cert_paths;
}

static const char zero_hash[LEDGER_HASH_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* The backends; the first one without a scheme takes paths. */
static const struct ledger_ops *const backends[] = {
	&ledger_sqlite_ops,
	&ledger_pg_ops,
};

/* the kind column's value for each row kind; a certificate's is NULL */
static const char *const kind_names[] = {
	[LEDGER_KIND_ASSET_EVENT] = "asset-event",
	[LEDGER_KIND_INSPECTION] = "inspection",
	[LEDGER_KIND_MACHINE_SUMMARY] = "machine-summary",
};

const char *ledger_kind_name(enum ledger_kind kind)
{
	return kind > LEDGER_KIND_CERT && kind < LEDGER_KIND_UNKNOWN ? kind_names[kind] : NULL;
}

enum ledger_kind ledger_kind_of(const char *name)
{
	if (!name)
		return LEDGER_KIND_CERT;
	for (int k = LEDGER_KIND_CERT + 1; k < LEDGER_KIND_UNKNOWN; k++)
		if (kind_names[k] && !strcmp(name, kind_names[k]))
			return (enum ledger_kind)k;
	return LEDGER_KIND_UNKNOWN;
}

/*
 * The length of @location's URI scheme (RFC 3986: a letter, then letters,
 * digits, "+", "-", "."), followed by "://"; 0 when it is a path, so that
 * "./a://b" stays a file name.
 */
static size_t scheme_len(const char *location)
{
	size_t n = 0;

	if (!isalpha((unsigned char)location[0]))
		return 0;
	while (isalnum((unsigned char)location[n]) || (location[n] && strchr("+-.", location[n])))
		n++;
	return location[n] && !strncmp(location + n, "://", 3) ? n : 0;
}

static const struct ledger_ops *backend_for(const char *location)
{
	size_t n = scheme_len(location);

	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		const char *scheme = backends[i]->scheme;

		if (!n ? !scheme :
			 scheme && strlen(scheme) == n && !strncasecmp(scheme, location, n))
			return backends[i];
	}
	return NULL;
}

int ledger_open(struct ledger **out, const char *location, unsigned flags)
{
	const struct ledger_ops *ops = backend_for(location);
	struct ledger *l;
	int r;

	if (!ops)
		return -EPROTONOSUPPORT;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ops = ops;
	r = l->ops->open(l, location, flags);
	if (r < 0) {
		free(l);
		return r;
	}
	*out = l;
	return 0;
}

int ledger_schema(const char *location, int *version)
{
	const struct ledger_ops *ops = backend_for(location);

	return ops ? ops->schema(location, version) : -EPROTONOSUPPORT;
}

int ledger_location_check(const char *location, char *why, size_t wl)
{
	const struct ledger_ops *ops = backend_for(location);

	why[0] = '\0';
	if (!ops) {
		snprintf(why, wl, "no ledger backend for this kind of location");
		return -EPROTONOSUPPORT;
	}
	return ops->check ? ops->check(location, why, wl) : 0;
}

int ledger_init(const char *location, bool roles)
{
	const struct ledger_ops *ops = backend_for(location);
	struct ledger *l = NULL;
	int r;

	if (!ops)
		return -EPROTONOSUPPORT;
	if (ops->init)
		return ops->init(location, roles);
	if (roles)
		return -EOPNOTSUPP;
	r = ledger_open(&l, location, LEDGER_CREATE);
	ledger_close(l);
	return r;
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	l->ops->close(l);
	free(l);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int ledger_sha256_hex(const void *data, size_t len, char out[LEDGER_HASH_HEX])
{
	unsigned char md[32];

	if (!EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL))
		return -ENOMEM;
	hex(md, sizeof(md), out);
	return 0;
}

static void put_be64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)(u & 0xff);
}

/*
 * row_hash = SHA-256(seq || prev_hash || SHA-256(certificate) ||
 * SHA-256(signatures) || refers || SHA-256(recorded) || SHA-256(signers)),
 * seq and refers as 8-byte big-endian integers (refers 0 for none), the
 * hashes as 32-byte binary values; the row's prev_hash is hexadecimal. The
 * seq makes a row's hash its own: a row given the seq of a deleted one
 * cannot take the deleted one's anchor. The recorded-at time is what a
 * retired key is judged by, so it is as fixed as the signatures.
 */
static int row_hash(const struct ledger_row *row, const char *sigs, char out[LEDGER_HASH_HEX])
{
	unsigned char buf[176], md[32];
	size_t n = 0;
	int r = -EBADMSG;

	put_be64(buf, row->seq);
	if (strlen(row->prev_hash) != 64 ||
	    sodium_hex2bin(buf + 8, 32, row->prev_hash, 64, NULL, &n, NULL) || n != 32)
		return -EBADMSG;
	put_be64(buf + 104, row->refers);
	if (!row->recorded || !row->signers)
		return -EBADMSG;
	if (!EVP_Digest(row->cert, row->cert_len, buf + 40, NULL, EVP_sha256(), NULL) ||
	    !EVP_Digest(sigs, strlen(sigs), buf + 72, NULL, EVP_sha256(), NULL) ||
	    !EVP_Digest(row->recorded, strlen(row->recorded), buf + 112, NULL, EVP_sha256(),
			NULL) ||
	    !EVP_Digest(row->signers, strlen(row->signers), buf + 144, NULL, EVP_sha256(), NULL) ||
	    !EVP_Digest(buf, sizeof(buf), md, NULL, EVP_sha256(), NULL)) {
		r = -ENOMEM;
		goto out;
	}
	hex(md, sizeof(md), out);
	r = 0;
out:
	secmem_wipe(buf, sizeof(buf));
	return r;
}

/* A sidecar's name is part of the hashed JSON: keep it to what sorts the same everywhere. */
static bool sig_name_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

/*
 * The signatures as canonical JSON: {"NAME": "BASE64", ...}, keys sorted,
 * no spaces. Names are plain ASCII, so jansson's byte-order sort is the
 * RFC 8785 order.
 */
static int sigs_text(const struct ledger_sigs *sigs, char **out)
{
	json_t *o = json_object();
	char *b64 = NULL;
	int r = -ENOMEM;

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; sigs && i < sigs->n; i++) {
		const struct ledger_sig *s = &sigs->sig[i];
		size_t blen = sodium_base64_encoded_len(s->len, sodium_base64_VARIANT_ORIGINAL);

		if (!sig_name_ok(s->name) || json_object_get(o, s->name)) {
			r = -EINVAL;
			goto out;
		}
		b64 = malloc(blen);
		if (!b64)
			goto out;
		sodium_bin2base64(b64, blen, s->data, s->len, sodium_base64_VARIANT_ORIGINAL);
		if (json_object_set_new(o, s->name, json_string(b64)))
			goto out;
		free(b64);
		b64 = NULL;
	}
	*out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	r = *out ? 0 : -ENOMEM;
out:
	free(b64);
	json_decref(o);
	return r;
}

/* Stored signatures back into sidecars, for re-running the verdict. */
struct sigs_buf {
	struct ledger_sig *sig;
	size_t n;
	json_t *doc;
};

static void sigs_buf_free(struct sigs_buf *b)
{
	for (size_t i = 0; i < b->n; i++)
		free((void *)b->sig[i].data);
	free(b->sig);
	json_decref(b->doc);
	memset(b, 0, sizeof(*b));
}

static int sigs_parse(const char *text, struct sigs_buf *b)
{
	const char *name;
	json_t *v;

	memset(b, 0, sizeof(*b));
	b->doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(b->doc))
		return -EBADMSG;
	b->sig = calloc(json_object_size(b->doc) + 1, sizeof(*b->sig));
	if (!b->sig)
		return -ENOMEM;
	json_object_foreach(b->doc, name, v)
	{
		const char *s = json_string_value(v);
		size_t max, len = 0;
		unsigned char *bin;

		if (!s)
			return -EBADMSG;
		max = strlen(s) / 4 * 3 + 3;
		bin = malloc(max);
		if (!bin)
			return -ENOMEM;
		b->sig[b->n].name = name;
		b->sig[b->n].data = bin;
		b->n++;
		if (!text_is_base64(s, strlen(s)) ||
		    sodium_base642bin(bin, max, s, strlen(s), NULL, &len, NULL,
				      sodium_base64_VARIANT_ORIGINAL))
			return -EBADMSG;
		b->sig[b->n - 1].len = len;
	}
	return 0;
}

/* A string at a dotted path ("media.serial"), or NULL. */
static const char *json_path_string(json_t *doc, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		if ((size_t)(dot - path) >= sizeof(key))
			return NULL;
		memcpy(key, path, (size_t)(dot - path));
		key[dot - path] = '\0';
		doc = json_object_get(doc, key);
		path = dot + 1;
	}
	return json_string_value(json_object_get(doc, path));
}

/* The parsed certificate and the values of its columns. */
struct cert_fields {
	json_t *doc;
	const char *id;
	const char *field[LEDGER_NFIELDS];
};

int ledger_doc_columns(enum ledger_kind kind, const void *doc, size_t len, json_t **json,
		       const char **id, const char *field[LEDGER_NFIELDS], char *why, size_t wl)
{
	const char *const *paths = field_paths_of(kind);
	json_error_t err;

	memset(field, 0, LEDGER_NFIELDS * sizeof(*field));
	*id = NULL;
	*json = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(*json)) {
		snprintf(why, wl, "not a JSON object: %s", *json ? "another JSON value" : err.text);
		return -EBADMSG;
	}
	*id = json_string_value(json_object_get(*json, "id"));
	if (!*id || !**id) {
		snprintf(why, wl, "the %s has no id",
			 kind == LEDGER_KIND_CERT ? "certificate" : "document");
		return -EBADMSG;
	}
	for (int i = 0; i < LEDGER_NFIELDS; i++)
		if (paths[i])
			field[i] = json_path_string(*json, paths[i]);
	return 0;
}

enum ledger_kind ledger_added_kind(const json_t *doc)
{
	const char *format = json_string_value(json_object_get(doc, "format"));

	return format && !strcmp(format, CERT_MACHINE_FORMAT) ? LEDGER_KIND_MACHINE_SUMMARY :
								LEDGER_KIND_CERT;
}

/* A certificate, or a machine summary: the document's format says which. */
static int cert_fields(const void *cert, size_t len, struct cert_fields *f, enum ledger_kind *kind,
		       char *why, size_t wl)
{
	int r = ledger_doc_columns(LEDGER_KIND_CERT, cert, len, &f->doc, &f->id, f->field, why, wl);

	*kind = r ? LEDGER_KIND_CERT : ledger_added_kind(f->doc);
	if (*kind == LEDGER_KIND_CERT)
		return r;
	json_decref(f->doc);
	return ledger_doc_columns(*kind, cert, len, &f->doc, &f->id, f->field, why, wl);
}

/* What the verdict is told of the row besides its document: ledger_verdict's "in" members. */
struct verdict_in {
	enum ledger_kind kind;
	int64_t recorded;
	const char *signers;
	const struct asset_set *assets;
};

static int run_verdict(ledger_verify_fn verify, void *usr, const struct verdict_in *in,
		       const void *cert, size_t len, const struct ledger_sigs *sigs,
		       struct ledger_verdict *v)
{
	int r;

	memset(v, 0, sizeof(*v));
	v->usr = usr;
	v->kind = in->kind;
	v->recorded = in->recorded;
	v->recorded_signers = in->signers;
	v->assets = in->assets;
	r = verify(cert, len, sigs, v);
	if (r > 0)
		r = -EPERM;
	if (r < 0 && !v->why[0])
		snprintf(v->why, sizeof(v->why), "rejected: %s", strerror(-r));
	return r;
}

/*
 * Whether signatures @now keep every one of @before, unchanged, and add at
 * least one: an approval given after the certificate was recorded.
 * Return: 1 (they do), 0 (they do not), -EBADMSG, -ENOMEM
 */
static int sigs_extend(const char *before, const char *now)
{
	json_t *b = json_loads(before, JSON_REJECT_DUPLICATES, NULL);
	json_t *n = json_loads(now, JSON_REJECT_DUPLICATES, NULL);
	const char *name;
	json_t *v;
	int r = json_is_object(b) && json_is_object(n) ? 1 : -EBADMSG;

	if (r == 1 && json_object_size(n) <= json_object_size(b))
		r = 0;
	if (r == 1) {
		json_object_foreach(b, name, v)
		{
			if (!json_equal(v, json_object_get(n, name)))
				r = 0;
		}
	}
	json_decref(b);
	json_decref(n);
	return r;
}

/* The certificate's last row, if any, against the one being added. */
struct same_ctx {
	const void *cert;
	size_t len;
	const char *sigs;
	struct ledger_anchor row;
	enum { SAME, OTHER_BYTES, MORE_SIGS, OTHER_SIGS } verdict;
	int err;
};

static int compare_row(const struct ledger_row *row, void *usr)
{
	struct same_ctx *c = usr;
	int r;

	c->row.seq = row->seq;
	snprintf(c->row.hash, sizeof(c->row.hash), "%s", row->row_hash);
	if (row->cert_len != c->len || memcmp(row->cert, c->cert, c->len)) {
		c->verdict = OTHER_BYTES;
	} else if (!strcmp(row->sigs, c->sigs)) {
		c->verdict = SAME;
	} else {
		r = sigs_extend(row->sigs, c->sigs);
		c->verdict = r == 1 ? MORE_SIGS : OTHER_SIGS;
		c->err = r < 0 && r != -EBADMSG ? r : 0;
	}
	return 0;
}

/* What the verdict says of the approval, in the two columns it fills. */
static void approval_fields(const char **field, const struct ledger_verdict *v)
{
	bool approved = v->approver[0];

	field[LEDGER_APPROVER] = approved ? v->approver : NULL;
	field[LEDGER_SELF_APPROVAL] = approved ? (v->self_approved ? "yes" : "no") : NULL;
}

static int64_t recorded_now(char text[32]);

int ledger_append(struct ledger *l, enum ledger_kind kind, const void *doc, size_t len,
		  const char *sigs, const char *id, const char *const field[LEDGER_NFIELDS],
		  int64_t refers, const char *recorded, const char *signers,
		  struct ledger_anchor *out)
{
	struct ledger_row row = { .kind = kind,
				  .id = id,
				  .refers = refers,
				  .cert = doc,
				  .cert_len = len,
				  .sigs = sigs,
				  .recorded = recorded,
				  .signers = signers && signers[0] ? signers : "{}" };
	char now[32];
	char prev[LEDGER_HASH_HEX], hash[LEDGER_HASH_HEX], certsum[LEDGER_HASH_HEX];
	int64_t last, issued;
	int r;

	if (!row.recorded) {
		recorded_now(now);
		row.recorded = now;
	}
	r = l->ops->last_hash(l, &last, prev);
	if (r == 0)
		r = l->ops->issued(l, &issued);
	if (r < 0)
		return r;
	if (!last)
		memcpy(prev, zero_hash, sizeof(prev));
	/* after every seq ever issued, also one whose row is gone */
	row.seq = (issued > last ? issued : last) + 1;
	row.prev_hash = prev;
	r = row_hash(&row, sigs, hash);
	if (r == 0)
		r = ledger_sha256_hex(doc, len, certsum);
	if (r < 0)
		return r;
	memcpy(row.field, field, sizeof(row.field));
	row.cert_sha256 = certsum;
	row.row_hash = hash;
	r = l->ops->insert(l, &row);
	if (r == 0 && out) {
		out->seq = row.seq;
		memcpy(out->hash, hash, sizeof(out->hash));
	}
	return r;
}

static int add_row(struct ledger *l, const void *cert, size_t len, const char *sigs,
		   const struct cert_fields *f, const struct ledger_verdict *v, int64_t refers,
		   const char *recorded, struct ledger_anchor *out)
{
	const char *field[LEDGER_NFIELDS];

	memcpy(field, f->field, sizeof(field));
	if (v->kind == LEDGER_KIND_CERT)
		approval_fields(field, v);
	return ledger_append(l, v->kind, cert, len, sigs, f->id, field, refers, recorded,
			     v->signers, out);
}

/*
 * The certificate recorded before: 0 when it is not, or a new row may add
 * its signatures (@refers set); LEDGER_ALREADY or -EEXIST with @why.
 */
static int recorded_before(struct ledger *l, struct same_ctx *same, const char *id,
			   enum ledger_kind kind, int64_t *refers, char *why, size_t whylen)
{
	/* a summary's id is unique across the chain; certificates keep to their own rows */
	struct ledger_filter f = { .id = id,
				   .last = true,
				   .rows = kind == LEDGER_KIND_CERT ? LEDGER_ROWS_CERTS :
								      LEDGER_ROWS_ALL };
	int r = l->ops->iterate(l, &f, compare_row, same);

	*refers = 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0 || (r = same->err) < 0)
		return r;
	/* one signature, given once: a summary gets no later rows */
	if (kind != LEDGER_KIND_CERT && same->verdict == MORE_SIGS)
		same->verdict = OTHER_SIGS;
	switch (same->verdict) {
	case MORE_SIGS: *refers = same->row.seq; return 0;
	case SAME: snprintf(why, whylen, "already recorded"); return LEDGER_ALREADY;
	case OTHER_BYTES: snprintf(why, whylen, "the id is recorded with other bytes"); break;
	case OTHER_SIGS:
		snprintf(why, whylen,
			 "recorded as seq %lld with other signatures: a later row may only add "
			 "signatures, keeping those recorded",
			 (long long)same->row.seq);
		break;
	}
	return -EEXIST;
}

/* now, to the second, as the row records it ("YYYY-MM-DDTHH:MM:SSZ") and as seconds */
static int64_t recorded_now(char text[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(text, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (int64_t)now;
}

/* a failure of the storage or of this machine under the transaction, not a refusal */
static bool storage_failure(int r)
{
	return r == -ECONNRESET || r == -EHOSTUNREACH || r == -EBUSY || r == -ENOMEM || r == -EIO ||
	       r == -ENOSPC || r == -EROFS;
}

/*
 * One certificate's check and append inside the caller's write transaction.
 * @storage: set when the error came from the storage (or the verdict's reads
 * of it): the transaction cannot go on, also on PostgreSQL, which aborts it.
 */
static int add_locked(struct ledger *l, const void *cert, size_t len,
		      const struct ledger_sigs *sigs, ledger_verify_fn verify, void *usr, char *why,
		      size_t whylen, struct ledger_anchor *row, bool *storage)
{
	struct same_ctx same = { .cert = cert, .len = len };
	struct verdict_in in = { .kind = LEDGER_KIND_CERT };
	struct ledger_verdict v;
	struct cert_fields f;
	char *stext = NULL, recorded[32];
	int64_t refers;
	int r;

	why[0] = '\0';
	*storage = false;
	r = cert_fields(cert, len, &f, &in.kind, why, whylen);
	if (r < 0)
		goto out;
	r = sigs_text(sigs, &stext);
	if (r < 0) {
		snprintf(why, whylen, "%s", r == -EINVAL ? "bad signature names" : strerror(-r));
		goto out;
	}
	same.sigs = stext;
	r = recorded_before(l, &same, f.id, in.kind, &refers, why, whylen);
	if (r != 0) {
		if (row && r == LEDGER_ALREADY)
			*row = same.row;
		*storage = r < 0 && r != -EEXIST;
		goto out;
	}
	/* inside the lock: the time judged is the time written, and rows follow each other */
	in.recorded = recorded_now(recorded);
	r = run_verdict(verify, usr, &in, cert, len, sigs, &v);
	if (r < 0) {
		snprintf(why, whylen, "%s", v.why);
		*storage = storage_failure(r);
		goto out;
	}
	r = add_row(l, cert, len, stext, &f, &v, refers, recorded, row);
	*storage = r < 0;
	if (r == 0 && refers)
		r = LEDGER_SIGS_ADDED;
out:
	if (r < 0 && !why[0])
		snprintf(why, whylen, "%s", strerror(-r));
	free(stext);
	json_decref(f.doc);
	return r;
}

int ledger_add(struct ledger *l, const void *cert, size_t len, const struct ledger_sigs *sigs,
	       ledger_verify_fn verify, void *usr, char *why, size_t whylen,
	       struct ledger_anchor *row)
{
	bool storage;
	/* the check and the append in one write transaction: two adders cannot fork the chain */
	int r = l->ops->begin(l);

	if (r < 0) {
		snprintf(why, whylen, "%s", strerror(-r));
		return r;
	}
	r = add_locked(l, cert, len, sigs, verify, usr, why, whylen, row, &storage);
	if (r == 0 || r == LEDGER_SIGS_ADDED) {
		int e = l->ops->end(l, true);

		if (e < 0) {
			snprintf(why, whylen, "%s", strerror(-e));
			r = e;
		}
	} else {
		l->ops->end(l, false);
	}
	return r;
}

/* Each item not refused on its own gets the batch's end: nothing of it was recorded. */
static void batch_failed(struct ledger_batch_item *it, size_t n, int r)
{
	for (size_t i = 0; i < n; i++) {
		if (it[i].result < 0 && it[i].result != -ECANCELED &&
		    !storage_failure(it[i].result))
			continue;
		if (it[i].result >= 0 || it[i].result == -ECANCELED)
			snprintf(it[i].why, sizeof(it[i].why), "%s (its batch was not recorded)",
				 strerror(-r));
		it[i].result = r;
	}
}

int ledger_add_batch(struct ledger *l, struct ledger_batch_item *it, size_t n,
		     ledger_verify_fn verify)
{
	bool storage = false;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		it[i].result = -ECANCELED; /* not reached */
		it[i].why[0] = '\0';
		memset(&it[i].row, 0, sizeof(it[i].row));
	}
	r = l->ops->begin(l);
	for (i = 0; r == 0 && i < n; i++) {
		it[i].result = add_locked(l, it[i].cert, it[i].len, it[i].sigs, verify, it[i].usr,
					  it[i].why, sizeof(it[i].why), &it[i].row, &storage);
		if (storage)
			r = it[i].result;
	}
	if (r == 0)
		r = l->ops->end(l, true);
	else if (i)
		l->ops->end(l, false);
	if (r < 0)
		batch_failed(it, n, r);
	return r;
}

int ledger_get(struct ledger *l, const char *id, ledger_row_fn fn, void *usr)
{
	struct ledger_filter f = { .id = id, .last = true };

	return l->ops->iterate(l, &f, fn, usr);
}

int ledger_iterate(struct ledger *l, const struct ledger_filter *f, ledger_row_fn fn, void *usr)
{
	static const struct ledger_filter all;

	return l->ops->iterate(l, f ? f : &all, fn, usr);
}

int ledger_last_hash(struct ledger *l, int64_t *seq, char hash[LEDGER_HASH_HEX])
{
	return l->ops->last_hash(l, seq, hash);
}

const char *ledger_fault_name(enum ledger_fault f)
{
	switch (f) {
	case LEDGER_INTACT: return "intact";
	case LEDGER_DELETED: return "deleted";
	case LEDGER_INSERTED: return "inserted";
	case LEDGER_ALTERED: return "altered";
	case LEDGER_INVALID: return "invalid";
	}
	return "unknown";
}

/* The walk along the chain: the two rows before the current one. */
struct walk {
	struct ledger *l;
	ledger_verify_fn verify;
	void *usr;
	struct ledger_check *out;
	struct ledger_dup_finder dups;
	struct asset_set *assets; /* the register as the events so far leave it */
	int64_t prev_seq;
	char prev[LEDGER_HASH_HEX];  /* the previous row's hash */
	char prev2[LEDGER_HASH_HEX]; /* the one before it */
	char prev_id[128];
};

static int fault(struct walk *w, int64_t seq, const char *id, enum ledger_fault kind,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fault(struct walk *w, int64_t seq, const char *id, enum ledger_fault kind,
		 const char *fmt, ...)
{
	va_list ap;

	w->out->seq = seq;
	w->out->fault = kind;
	snprintf(w->out->id, sizeof(w->out->id), "%s", id ? id : "");
	va_start(ap, fmt);
	vsnprintf(w->out->why, sizeof(w->out->why), fmt, ap);
	va_end(ap);
	return 1; /* stops the iteration */
}

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* A row's link to the one before it. */
static int check_link(struct walk *w, const struct ledger_row *row)
{
	/* seq is never issued twice: a gap is rows deleted, also when the next row links across */
	if (row->seq > w->prev_seq + 1)
		return fault(w, row->seq, row->id, LEDGER_DELETED,
			     "rows %lld to %lld are missing before it", (long long)w->prev_seq + 1,
			     (long long)row->seq - 1);
	if (!strcmp(row->prev_hash, w->prev))
		return 0;
	/* it links to the row before the previous one: the previous one is the stranger */
	if (w->out->rows > 2 && !strcmp(row->prev_hash, w->prev2))
		return fault(w, w->prev_seq, w->prev_id, LEDGER_INSERTED,
			     "it was not in the chain: seq %lld links past it",
			     (long long)row->seq);
	return fault(w, row->seq, row->id, LEDGER_INSERTED,
		     "it does not link to %s: a row was inserted, or one before it rewritten",
		     w->prev_seq ? "the row before" : "the start of the chain");
}

static int note_untrusted(struct ledger_check *c, const struct ledger_row *row, const char *why)
{
	struct ledger_untrusted *grown =
		realloc(c->untrusted, (c->nuntrusted + 1) * sizeof(*grown));
	struct ledger_untrusted *u;

	if (!grown)
		return -ENOMEM;
	c->untrusted = grown;
	u = &c->untrusted[c->nuntrusted];
	u->seq = row->seq;
	u->id = strdup(row->id);
	u->why = strdup(why);
	if (!u->id || !u->why) {
		free(u->id);
		free(u->why);
		return -ENOMEM;
	}
	c->nuntrusted++;
	return 0;
}

/*
 * The stored signatures through the verdict again, for a certificate or an
 * inspection record: a certificate's approval columns must agree.
 */
static int check_verdict(struct walk *w, const struct ledger_row *row)
{
	const char *want[LEDGER_NFIELDS] = { 0 };
	struct sigs_buf sb = { 0 };
	struct ledger_sigs sigs;
	struct ledger_verdict v;
	struct verdict_in in = { .kind = row->kind, .signers = row->signers, .assets = w->assets };
	int r = sigs_parse(row->sigs, &sb);

	if (r == -EBADMSG || cert_time_parse(row->recorded, &in.recorded)) {
		r = fault(w, row->seq, row->id, LEDGER_ALTERED, "its %s cannot be read",
			  r == -EBADMSG ? "signatures" : "recorded-at time");
		goto out;
	}
	if (r < 0)
		goto out;
	sigs.n = sb.n;
	sigs.sig = sb.sig;
	r = run_verdict(w->verify, w->usr, &in, row->cert, row->cert_len, &sigs, &v);
	/* the trust store changed since, not the row: said apart, and the walk goes on */
	if (r == -EACCES) {
		r = note_untrusted(w->out, row, v.why);
		goto out;
	}
	if (r < 0) {
		r = fault(w, row->seq, row->id, LEDGER_INVALID, "%s", v.why);
		goto out;
	}
	if (row->kind != LEDGER_KIND_CERT)
		goto out;
	approval_fields(want, &v);
	for (int i = LEDGER_APPROVER; i <= LEDGER_SELF_APPROVAL; i++)
		if (!cert_paths[i] && !same_text(want[i], row->field[i])) {
			r = fault(w, row->seq, row->id, LEDGER_ALTERED,
				  "column %s does not match its approval signature",
				  ledger_field_names[i]);
			break;
		}
out:
	sigs_buf_free(&sb);
	return r;
}

/* An asset event: in canonical form, and a step the register allows from where it stands. */
static int check_event(struct walk *w, const struct ledger_row *row, const json_t *doc)
{
	char why[256];
	int r;

	if (strcmp(row->sigs, "{}"))
		return fault(w, row->seq, row->id, LEDGER_ALTERED,
			     "an asset event with signatures: they were not recorded with it");
	r = jcs_is_canonical((const char *)row->cert, row->cert_len, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fault(w, row->seq, row->id, LEDGER_ALTERED,
			     "its asset event is not in canonical form");
	r = asset_replay(w->assets, doc, row->seq, why, sizeof(why));
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fault(w, row->seq, row->id, LEDGER_INVALID, "%s", why);
	return 0;
}

/* The kind column against the document's format: a certificate cannot hide as an event. */
static bool kind_matches(const struct ledger_row *row, json_t *doc)
{
	const char *format = json_string_value(json_object_get(doc, "format"));
	bool event = format && !strcmp(format, LEDGER_ASSET_EVENT_FORMAT);

	if (format && !strcmp(format, INSPECTION_FORMAT))
		return row->kind == LEDGER_KIND_INSPECTION;
	if (format && !strcmp(format, CERT_MACHINE_FORMAT))
		return row->kind == LEDGER_KIND_MACHINE_SUMMARY;
	return row->kind == (event ? LEDGER_KIND_ASSET_EVENT : LEDGER_KIND_CERT);
}

/*
 * An inspection record: in its form, canonical, and signed by a key the
 * trust store trusts as inspector, judged as certificates are.
 */
static int check_inspection(struct walk *w, const struct ledger_row *row)
{
	char why[256];
	int r;

	if (row->refers)
		return fault(w, row->seq, row->id, LEDGER_ALTERED,
			     "an inspection refers to another row");
	if (!strcmp(row->sigs, "{}"))
		return fault(w, row->seq, row->id, LEDGER_ALTERED,
			     "an inspection without its signature");
	r = inspection_parse(row->cert, row->cert_len, NULL, why, sizeof(why));
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fault(w, row->seq, row->id, LEDGER_ALTERED, "%s", why);
	return check_verdict(w, row);
}

/* A row's own contents: its hash, its columns, and the verdict on its document. */
static int check_row(struct walk *w, const struct ledger_row *row)
{
	char hash[LEDGER_HASH_HEX], sum[LEDGER_HASH_HEX], why[256];
	const char *const *paths = field_paths_of(row->kind);
	struct cert_fields f = { 0 };
	int r;

	r = row_hash(row, row->sigs, hash);
	if (r == -EBADMSG || (r == 0 && strcmp(hash, row->row_hash))) {
		r = fault(w, row->seq, row->id, LEDGER_ALTERED,
			  "its certificate, signatures or hashes differ from what was recorded");
		goto out;
	}
	if (r < 0 || (r = ledger_sha256_hex(row->cert, row->cert_len, sum)) < 0)
		goto out;
	if (ledger_doc_columns(row->kind, row->cert, row->cert_len, &f.doc, &f.id, f.field, why,
			       sizeof(why)) < 0) {
		r = fault(w, row->seq, row->id, LEDGER_INVALID, "%s", why);
		goto out;
	}
	if (row->kind == LEDGER_KIND_UNKNOWN || !kind_matches(row, f.doc)) {
		r = fault(w, row->seq, row->id, LEDGER_ALTERED,
			  "column kind does not match its document");
		goto out;
	}
	if (strcmp(f.id, row->id) || strcmp(sum, row->cert_sha256)) {
		r = fault(w, row->seq, row->id, LEDGER_ALTERED,
			  "column %s does not match its certificate",
			  strcmp(f.id, row->id) ? "id" : "certificate_sha256");
		goto out;
	}
	for (int i = 0; i < LEDGER_NFIELDS; i++)
		if ((paths[i] || row->kind != LEDGER_KIND_CERT) &&
		    !same_text(f.field[i], row->field[i])) {
			r = fault(w, row->seq, row->id, LEDGER_ALTERED,
				  "column %s does not match its %s", ledger_field_names[i],
				  row->kind == LEDGER_KIND_CERT ? "certificate" : "document");
			goto out;
		}
	if (row->kind == LEDGER_KIND_INSPECTION)
		r = check_inspection(w, row);
	else if (row->kind == LEDGER_KIND_MACHINE_SUMMARY && row->refers)
		r = fault(w, row->seq, row->id, LEDGER_ALTERED,
			  "a machine summary refers to another row");
	else if (row->kind == LEDGER_KIND_ASSET_EVENT)
		r = row->refers ? fault(w, row->seq, row->id, LEDGER_ALTERED,
					"an asset event refers to another row") :
				  check_event(w, row, f.doc);
	else
		r = check_verdict(w, row);
out:
	json_decref(f.doc);
	return r;
}

/* The certificate's previous row, as the row being checked needs to see it. */
struct prior {
	int64_t seq;
	bool same_bytes;
	int extends; /* sigs_extend() */
	const struct ledger_row *row;
};

static int prior_row(const struct ledger_row *row, void *usr)
{
	struct prior *p = usr;

	p->seq = row->seq;
	p->same_bytes = !strcmp(row->cert_sha256, p->row->cert_sha256);
	p->extends = sigs_extend(row->sigs, p->row->sigs);
	return 0;
}

/* A certificate's later row refers to its previous one and keeps its signatures. */
static int check_refers(struct walk *w, const struct ledger_row *row)
{
	struct ledger_filter f = { .id = row->id, .before = row->seq, .last = true };
	struct prior p = { .row = row };
	int r = ledger_iterate(w->l, &f, prior_row, &p);

	if (r < 0 && r != -ENOENT)
		return r;
	if (p.extends == -ENOMEM)
		return -ENOMEM;
	if (p.seq != row->refers)
		return fault(w, row->seq, row->id, LEDGER_ALTERED,
			     p.seq ? "its certificate's previous row is seq %lld, and it does "
				     "not refer to it" :
				     "it refers to seq %lld, which is not its certificate's",
			     (long long)(p.seq ? p.seq : row->refers));
	if (p.seq && (!p.same_bytes || p.extends != 1))
		return fault(w, row->seq, row->id, LEDGER_ALTERED,
			     "it does not keep the %s of seq %lld and add signatures",
			     p.same_bytes ? "signatures" : "certificate", (long long)p.seq);
	return 0;
}

static int walk_row(const struct ledger_row *row, void *usr)
{
	struct walk *w = usr;
	int r;

	w->out->rows++;
	r = check_link(w, row);
	if (r == 0)
		r = check_row(w, row);
	if (r == 0 && row->kind == LEDGER_KIND_CERT)
		r = check_refers(w, row);
	if (r == 0 && row->kind == LEDGER_KIND_CERT)
		r = ledger_dup_note(&w->dups, row);
	if (r)
		return r;
	memcpy(w->prev2, w->prev, sizeof(w->prev2));
	snprintf(w->prev, sizeof(w->prev), "%s", row->row_hash);
	snprintf(w->prev_id, sizeof(w->prev_id), "%s", row->id);
	w->prev_seq = row->seq;
	snprintf(w->out->head, sizeof(w->out->head), "%s", row->row_hash);
	return 0;
}

/* The seq counter against the last row: rows removed from the end leave it ahead. */
static int check_end(struct walk *w)
{
	int64_t issued;
	int r = w->l->ops->issued(w->l, &issued);

	if (r < 0)
		return r;
	if (issued > w->prev_seq)
		return fault(w, w->prev_seq + 1, "-", LEDGER_DELETED,
			     "rows %lld to %lld are missing at the end: the ledger issued seq "
			     "%lld",
			     (long long)w->prev_seq + 1, (long long)issued, (long long)issued);
	if (issued < w->prev_seq)
		return fault(w, w->prev_seq, w->prev_id, LEDGER_ALTERED,
			     "the ledger's seq counter says %lld, below its last row",
			     (long long)issued);
	return 0;
}

int ledger_verify(struct ledger *l, ledger_verify_fn verify, void *usr, struct ledger_check *out)
{
	static const struct ledger_filter all = { .rows = LEDGER_ROWS_ALL };
	struct walk w = { .l = l, .verify = verify, .usr = usr, .out = out };
	int r;

	memset(out, 0, sizeof(*out));
	memcpy(w.prev, zero_hash, sizeof(w.prev));
	w.assets = asset_set_new();
	if (!w.assets)
		return -ENOMEM;
	r = ledger_iterate(l, &all, walk_row, &w);
	if (r == 0)
		r = check_end(&w);
	if (r == 0)
		r = ledger_dup_finish(&w.dups, &out->dups);
	ledger_dup_finder_free(&w.dups);
	asset_set_free(w.assets);
	if (r == 1)
		return -EBADMSG;
	return r;
}

int ledger_anchor_parse(const char *s, struct ledger_anchor *a)
{
	long long seq;
	int n = 0;

	memset(a, 0, sizeof(*a));
	if (sscanf(s, "%lld:%64[0-9a-f]%n", &seq, a->hash, &n) != 2 || s[n] || seq < 1 ||
	    strlen(a->hash) != 64)
		return -EINVAL;
	a->seq = seq;
	return 0;
}

/* The anchored row as the ledger holds it now. */
struct anchor_walk {
	const struct ledger_anchor *a;
	bool same;
	char id[128];
};

static int anchor_row(const struct ledger_row *row, void *usr)
{
	struct anchor_walk *w = usr;

	if (row->seq != w->a->seq)
		return 0;
	w->same = !strcmp(row->row_hash, w->a->hash);
	snprintf(w->id, sizeof(w->id), "%s", row->id);
	return 1;
}

int ledger_anchor_check(struct ledger *l, const struct ledger_anchor *a, struct ledger_check *out)
{
	static const struct ledger_filter f = { .no_blobs = true, .rows = LEDGER_ROWS_ALL };
	struct anchor_walk w = { .a = a };
	int r = ledger_iterate(l, &f, anchor_row, &w);

	if (r < 0)
		return r;
	if (w.same)
		return 0;
	out->seq = a->seq;
	out->fault = r == 1 ? LEDGER_ALTERED : LEDGER_DELETED;
	snprintf(out->id, sizeof(out->id), "%s", r == 1 ? w.id : "-");
	snprintf(out->why, sizeof(out->why), "%s",
		 r == 1 ? "its hash differs from the anchor: the chain was rewritten" :
			  "the anchored row is gone: rows were removed from the end");
	return -EBADMSG;
}

json_t *ledger_row_json(const struct ledger_row *row)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:o}", "seq", (json_int_t)row->seq,
			      "certificate_id", row->id, "certificate_sha256", row->cert_sha256,
			      "refers", row->refers ? json_integer(row->refers) : json_null(),
			      "recorded", json_text(row->recorded));

	/* a certificate's rows keep the members they always had */
	if (o && row->kind != LEDGER_KIND_CERT &&
	    json_object_set_new(o, "kind",
				json_string(ledger_kind_name(row->kind) ?
						    ledger_kind_name(row->kind) :
						    "unknown"))) {
		json_decref(o);
		return NULL;
	}
	for (int i = 0; o && i < LEDGER_NFIELDS; i++)
		if (json_object_set_new(o, ledger_field_names[i], json_text(row->field[i]))) {
			json_decref(o);
			return NULL;
		}
	if (o && row->cert) {
		json_t *cert = json_loadb((const char *)row->cert, row->cert_len, 0, NULL);
		json_t *sigs = json_loads(row->sigs, 0, NULL);
		json_t *signers = row->signers ? json_loads(row->signers, 0, NULL) : NULL;

		if (json_object_set_new(o, "certificate", cert ? cert : json_null()) ||
		    json_object_set_new(o, "signatures", sigs ? sigs : json_null()) ||
		    json_object_set_new(o, "signers", signers ? signers : json_null()) ||
		    json_object_set_new(o, "prev_hash", json_string(row->prev_hash)) ||
		    json_object_set_new(o, "row_hash", json_string(row->row_hash))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *untrusted_json(const struct ledger_check *chk)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < chk->nuntrusted; i++) {
		const struct ledger_untrusted *u = &chk->untrusted[i];

		if (json_array_append_new(arr, json_pack("{s:I,s:o,s:o}", "seq", (json_int_t)u->seq,
							 "certificate_id", json_text(u->id), "why",
							 json_text(u->why)))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *ledger_check_json(const char *location, const struct ledger_check *chk, bool intact)
{
	json_t *doc =
		json_pack("{s:s,s:I,s:b,s:s}", "ledger", location, "rows", (json_int_t)chk->rows,
			  "intact", intact, "fault", ledger_fault_name(chk->fault));
	int r;

	if (!doc)
		return NULL;
	if (intact)
		r = json_object_set_new(doc, "head", json_string(chk->head)) ||
		    json_object_set_new(doc, "duplicates", ledger_dups_json(&chk->dups)) ||
		    json_object_set_new(doc, "untrusted", untrusted_json(chk));
	else
		r = json_object_update_new(doc,
					   json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)chk->seq,
						     "id", chk->id, "why", chk->why));
	if (r) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
