/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The asset ledger: every recorded certificate, its canonical bytes and its
 * signature sidecars, in rows chained by hashes so that a deleted, inserted
 * or altered row is found. Storage sits behind struct ledger_ops
 * (backend.h): the location chooses the backend, a path meaning SQLite. The
 * chain does not judge certificates itself: the caller hands it a verdict
 * callback (ledger_cert_verdict() judges them against a trust store).
 */
#ifndef KESU_LEDGER_H
#define KESU_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cert/verdict.h"

#define LEDGER_DEFAULT_PATH "/var/lib/kesu/ledger.db"
/* a SHA-256 in lowercase hexadecimal, with its NUL */
#define LEDGER_HASH_HEX 65

/* One signature sidecar: "operator.minisig" -> the file's bytes. */
struct ledger_sig {
	const char *name;
	const void *data;
	size_t len;
};

struct ledger_sigs {
	size_t n;
	const struct ledger_sig *sig;
};

/*
 * What a row records: a certificate, or an event of the asset register
 * (asset.h) in the same chain. Stored in the column "kind" (NULL for a
 * certificate); verify checks it against the document's "format".
 */
enum ledger_kind {
	LEDGER_KIND_CERT = 0,
	LEDGER_KIND_ASSET_EVENT,     /* a kesu-asset-event/1 document, no signatures */
	LEDGER_KIND_INSPECTION,	     /* a signed kesu-inspection/1 record (inspect.h) */
	LEDGER_KIND_MACHINE_SUMMARY, /* a signed kesu-machine/1 summary of a wiping station */
	LEDGER_KIND_UNKNOWN,	     /* a kind column this kesu does not know: verify refuses it */
};

struct asset_set;

/*
 * What a verdict callback hands back. The ledger passes a pointer to one of
 * these as the callback's @usr; the caller's own pointer is in ->usr.
 */
struct ledger_verdict {
	void *usr;	    /* the pointer given to ledger_add() or ledger_verify() */
	char why[256];	    /* set when the callback rejects the certificate */
	char approver[256]; /* the verified approver's name; empty when not approved */
	bool self_approved; /* approved by the operator, under a recorded exception (Art. 6.2) */
	/* in: when the row is (ledger_add) or was (ledger_verify) recorded, seconds since 1970 */
	int64_t recorded;
	/* in, ledger_verify: the row's signers column (below); NULL for ledger_add */
	const char *recorded_signers;
	/* in: what is judged, a certificate or a signed inspection record */
	enum ledger_kind kind;
	/*
	 * in, ledger_verify: the asset register as the events before the row
	 * left it (ledger/asset.h), for judging a contractor's certificate by
	 * the hand-overs of its time; NULL for ledger_add
	 */
	const struct asset_set *assets;
	/* out, when valid: the signers' key fingerprints, canonical JSON {"ROLE": "FPR"} */
	char signers[256];
};

/*
 * The verdict on one certificate: @cert (@len canonical bytes) with its
 * signatures; ledger_verify() also asks it of each inspection record
 * (->kind says which). @usr is a struct ledger_verdict *. Return 0 when the
 * certificate is valid (also when its result is "failed": the ledger
 * records failed runs too), or a negative errno with ->why set: -EACCES
 * when only the trust in a signer is missing (a key removed from the trust
 * store, or retired before ->recorded), which ledger_verify() reports apart
 * from a broken chain.
 */
typedef int (*ledger_verify_fn)(const void *cert, size_t len, const struct ledger_sigs *sigs,
				void *usr);

/* The columns the ledger reads from the certificate (and the approver from the verdict). */
enum ledger_field {
	LEDGER_ASSET_TAG,
	LEDGER_SERIAL,
	LEDGER_MODEL,
	LEDGER_CATEGORY,
	LEDGER_TECHNIQUE,
	LEDGER_RESULT,
	LEDGER_STARTED,
	LEDGER_FINISHED,
	LEDGER_OPERATOR,
	LEDGER_WITNESS,
	LEDGER_APPROVER,
	LEDGER_ISSUED,
	LEDGER_REPORT_ID,
	LEDGER_SELF_APPROVAL, /* from the verdict: "yes", "no", or NULL when not approved */
	LEDGER_NFIELDS
};

/* Column names, by enum ledger_field: "asset_tag", "serial", ... */
extern const char *const ledger_field_names[LEDGER_NFIELDS];

/* One stored row; the pointers are valid only during the callback that receives it. */
struct ledger_row {
	int64_t seq;
	enum ledger_kind kind;
	int64_t refers; /* the certificate's previous row, when this one adds signatures; else 0 */
	const char *id;
	const unsigned char *cert;
	size_t cert_len;
	const char *sigs; /* canonical JSON object: {"NAME": "BASE64", ...} */
	const char *cert_sha256;
	const char *field[LEDGER_NFIELDS]; /* NULL when the certificate has no such value */
	const char *prev_hash;
	const char *row_hash;
	const char *recorded; /* when it was recorded, UTC "YYYY-MM-DDTHH:MM:SSZ" */
	const char *signers;  /* the signers' fingerprints as recorded (struct ledger_verdict) */
};

/* Which kinds of rows a filter visits: certificates unless told otherwise. */
enum ledger_rows {
	LEDGER_ROWS_CERTS = 0,
	LEDGER_ROWS_EVENTS,    /* the asset register's events only */
	LEDGER_ROWS_ALL,       /* the whole chain */
	LEDGER_ROWS_SUMMARIES, /* the machine summaries only */
};

/* Which rows to visit; NULL members match everything. */
struct ledger_filter {
	enum ledger_rows rows;
	const char *id;
	const char *asset_tag;
	const char *serial;
	int64_t before; /* only rows before this seq; 0: all */
	bool last;	/* only the last row that matches */
	bool no_blobs;	/* leave cert and sigs NULL: listing and reconciling do not need them */
};

/* Return 0 to go on, or a value that stops the iteration and is returned. */
typedef int (*ledger_row_fn)(const struct ledger_row *row, void *usr);

/* An open ledger; its backend is private to ledger/ (backend.h). */
struct ledger;

enum {
	LEDGER_CREATE = 1 << 0, /* create the ledger (and its directory, mode 0700) if missing */
	LEDGER_RDONLY = 1 << 1,
};

/* ledger_add(): the certificate was recorded before, with the same bytes and signatures */
#define LEDGER_ALREADY 1
/* ledger_add(): a new row adds signatures (an approval) to a certificate recorded before */
#define LEDGER_SIGS_ADDED 2

/*
 * The layout of the rows and of the row hash. Schema 1 (kesu 0.1.0) did not
 * hash seq, schema 2 had no recorded-at time and signers; their ledgers are
 * refused (-EPROTO), not converted: recomputing their hashes would replace
 * the evidence they are. Schema 3 also has the column "kind" (asset register
 * events in the chain). kesu-ledger(8), SCHEMA.
 */
#define LEDGER_SCHEMA 3

/* A row as the security log records it: row @seq had @hash ("SEQ:HASH"). */
struct ledger_anchor {
	int64_t seq;
	char hash[LEDGER_HASH_HEX];
};

/**
 * ledger_open() - open the ledger at @location
 * @out: set to the ledger; ledger_close() it
 * @location: "SCHEME://..." names a backend by its scheme; anything else is
 *            the path of an SQLite ledger
 * @flags: LEDGER_CREATE, LEDGER_RDONLY
 *
 * SQLite: a new ledger's directory is created with mode 0700; the database
 * runs in WAL mode with a busy timeout, so readers and one writer at a time
 * share it.
 *
 * Return: 0, -ENOENT (no ledger and no LEDGER_CREATE), -EPROTONOSUPPORT (no
 * backend for the location's scheme), -EACCES, -EBADMSG (not a kesu
 * ledger), -EPROTO (a kesu ledger of another schema: ledger_schema() says
 * which), -EBUSY, -ENOMEM, -EIO; on a server also -ECONNREFUSED (not
 * reached; the server's reason is logged), -ECONNRESET (the connection was
 * lost), -EINVAL (ledger_location_check() says why)
 */
int ledger_open(struct ledger **out, const char *location, unsigned flags);

/**
 * ledger_location_check() - whether @location can name a ledger, before
 * any connection: a malformed URL, or one holding a password (which belongs
 * in ~/.pgpass or a service file, never on a command line), is refused
 * @why: set to the reason
 * Return: 0, -EINVAL, -EPROTONOSUPPORT (no backend for its scheme)
 */
int ledger_location_check(const char *location, char *why, size_t wl);

/**
 * ledger_init() - create the ledger at @location, or bring its schema to
 * LEDGER_SCHEMA; with @roles (PostgreSQL only) also the roles kesu_station,
 * which may only append, and kesu_auditor, which may only read
 * Return: 0, -EOPNOTSUPP (@roles on a backend without roles), -EPROTO (a
 * newer schema than this kesu knows), or as ledger_open()
 */
int ledger_init(const char *location, bool roles);

/**
 * ledger_schema() - the schema of the kesu ledger at @location, read
 * without using it: for saying why ledger_open() refused it with -EPROTO
 * Return: 0 (@version set), or as ledger_open()
 */
int ledger_schema(const char *location, int *version);

/** ledger_close() - close @l; NULL is ignored */
void ledger_close(struct ledger *l);

/**
 * ledger_add() - verify and record one certificate
 * @cert: its canonical bytes (a kesu-certificate/1 JSON object)
 * @sigs: its signature sidecars
 * @verify: the verdict; run unless the certificate is already recorded
 * @usr: handed to @verify in struct ledger_verdict
 * @why: set to the reason when the certificate is not recorded
 * @row: set to the new row's seq and hash, the new head of the chain (the
 *       existing row's, for LEDGER_ALREADY); may be NULL
 *
 * A machine summary (a kesu-machine/1 document, by its "format") is
 * recorded the same way as a row of kind "machine-summary", @verify told
 * so in struct ledger_verdict ->kind; it is idempotent by id, and no later
 * row adds signatures to it.
 *
 * Idempotent by certificate id and signatures. A certificate recorded
 * before with the same bytes and fewer signatures (an approval added
 * since) gets a new row that refers to its previous one; the signatures
 * recorded before must all be among the new ones, unchanged. The row's
 * hash covers its seq, the previous row's hash, the SHA-256 of @cert, the
 * SHA-256 of the signatures' canonical JSON and the row it refers to; the
 * whole addition is one transaction, and no seq is ever issued twice.
 *
 * Return: 0 (recorded), LEDGER_SIGS_ADDED, LEDGER_ALREADY, -EEXIST (the id is recorded with
 * other bytes, or with signatures that the new ones do not all keep),
 * -EBADMSG (not JSON, no id), -EINVAL (a sidecar name outside [a-z0-9._-]
 * or given twice), the negative errno of @verify, or a backend errno
 * (-EBUSY, -EIO, -ENOSPC, -ENOMEM)
 */
int ledger_add(struct ledger *l, const void *cert, size_t len, const struct ledger_sigs *sigs,
	       ledger_verify_fn verify, void *usr, char *why, size_t whylen,
	       struct ledger_anchor *row);

/* One certificate of ledger_add_batch() and ledger_add_or_queue_batch(). */
struct ledger_batch_item {
	const void *cert; /* in: as ledger_add()'s @cert, @len, @sigs */
	size_t len;
	const struct ledger_sigs *sigs;
	void *usr;     /* in: handed to the verdict, as ledger_add()'s @usr */
	int result;    /* out: as ledger_add() (ledger_add_or_queue_batch(): LEDGER_QUEUED too) */
	char why[256]; /* out: the reason when it is not recorded */
	struct ledger_anchor row; /* out: as ledger_add()'s @row */
};

/**
 * ledger_add_batch() - ledger_add() of each of @n certificates, in order,
 * in one write transaction (one commit, one sync to the disk)
 * @it: the certificates; each item's result, why and row are set
 * @verify: the verdict, run with each item's usr
 *
 * A certificate refused on its own (its verdict, its id recorded with other
 * bytes, not JSON) is skipped and the others are recorded: each its own row
 * of the chain, as ledger_add() would record it. A failure of the storage
 * (or of the verdict's reads of it) rolls the whole batch back: nothing of
 * it is recorded, and every certificate not refused on its own gets that
 * errno as its result.
 *
 * Return: 0 (committed; the items say what each became), or the storage's
 * errno (-EBUSY, -EIO, -ENOSPC, -ENOMEM, -EROFS, -ECONNRESET, -EBADMSG)
 */
int ledger_add_batch(struct ledger *l, struct ledger_batch_item *it, size_t n,
		     ledger_verify_fn verify);

/**
 * ledger_get() - hand the last row with @id (its latest signatures) to @fn
 * Return: 0, -ENOENT, @fn's value, backend errno
 */
int ledger_get(struct ledger *l, const char *id, ledger_row_fn fn, void *usr);

/** ledger_iterate() - hand the rows @f selects to @fn in seq order. Return: as ledger_get() */
int ledger_iterate(struct ledger *l, const struct ledger_filter *f, ledger_row_fn fn, void *usr);

/**
 * ledger_last_hash() - the head of the chain, for recording elsewhere
 * Return: 0 (seq 0 and "" for an empty ledger), or a backend errno
 */
int ledger_last_hash(struct ledger *l, int64_t *seq, char hash[LEDGER_HASH_HEX]);

enum ledger_fault {
	LEDGER_INTACT = 0,
	LEDGER_DELETED,	 /* rows are missing before ->seq */
	LEDGER_INSERTED, /* ->seq was not appended by kesu */
	LEDGER_ALTERED,	 /* ->seq's contents differ from what was recorded */
	LEDGER_INVALID,	 /* ->seq's certificate no longer passes the verdict */
};

/*
 * Two certificates of one erasure: the later one, and the one it repeats.
 * Found by the same report_id, or the same serial and start time.
 */
struct ledger_dup {
	int64_t seq;
	char *id;
	int64_t first_seq;
	char *first_id;
	const char *same; /* "report_id", or "serial and started" */
};

struct ledger_dups {
	struct ledger_dup *dup; /* in seq order, one per later certificate */
	size_t n;
};

void ledger_dups_free(struct ledger_dups *d);

/* An intact row whose certificate's signer the trust store no longer trusts. */
struct ledger_untrusted {
	int64_t seq;
	char *id;
	char *why; /* the verdict's: which signer, and why it is not trusted now */
};

/* What ledger_verify() found. */
struct ledger_check {
	int64_t rows;		    /* rows checked */
	int64_t seq;		    /* the first broken row; 0 when intact */
	enum ledger_fault fault;    /* LEDGER_INTACT when intact */
	char id[128];		    /* the broken row's certificate id */
	char why[512];		    /* what is wrong with it */
	char head[LEDGER_HASH_HEX]; /* the last row's hash */
	struct ledger_dups dups; /* when intact: certificates of one erasure; ledger_check_free() */
	/* rows whose verdict was -EACCES, in seq order; they do not make the chain broken */
	struct ledger_untrusted *untrusted;
	size_t nuntrusted;
};

/** ledger_check_free() - release what ledger_verify() allocated in @c */
void ledger_check_free(struct ledger_check *c);

/** ledger_fault_name() - "deleted", "inserted", "altered", "invalid" or "intact" */
const char *ledger_fault_name(enum ledger_fault f);

/**
 * ledger_verify() - recompute the chain and re-run @verify on every row
 * @out: filled in; the first broken row when there is one
 *
 * Each row's hash is recomputed from its contents, its link to the row
 * before is checked, its indexed columns are compared with the values
 * read from its certificate and the approver @verify reports now, a row
 * that adds signatures must refer to its certificate's previous row and
 * keep its signatures, and the highest seq the ledger ever issued must be
 * the last row's (rows removed from the end). When the chain is intact,
 * @out->dups lists the certificates of one erasure. A row whose verdict is
 * -EACCES (its signer no longer trusted) is listed in @out->untrusted, and
 * the walk goes on: the chain stays intact. Asset events are replayed as
 * the walk meets them, and @verify sees the register as they leave it
 * (struct ledger_verdict ->assets). ledger_check_free() @out in every case.
 *
 * Return: 0 (intact), -EBADMSG (broken; @out says where and why), or a
 * backend errno
 */
int ledger_verify(struct ledger *l, ledger_verify_fn verify, void *usr, struct ledger_check *out);

/* One asset of a reconcile list; either may be NULL or empty. */
struct ledger_asset {
	const char *asset_tag;
	const char *serial;
};

enum ledger_status {
	LEDGER_CERTIFIED, /* a valid, approved certificate with result "success" */
	LEDGER_MISSING,	  /* no certificate, or none that is approved and successful */
};

/* Per asset: its status and the certificate that decides it (NULL when none). */
struct ledger_match {
	enum ledger_status status;
	char *id;     /* the certificate that certifies it, else the last one found */
	char *result; /* that certificate's result */
	bool approved;
};

struct ledger_reconcile {
	struct ledger_match *match; /* one per asset, in the order given */
	size_t n;
	size_t certified, missing;
	/* certificates that match no listed asset, in seq order */
	struct ledger_unmatched {
		char *id;
		char *asset_tag;
		char *serial;
	} * unmatched;
	size_t nunmatched;
	struct ledger_dups dups; /* certificates of one erasure */
	/* assets handed to a contractor (an approved disposal naming one) not certified since */
	struct ledger_handed {
		char *asset_tag;
		char *contractor;
		char when[32]; /* when the disposal was approved */
	} * handed;
	size_t nhanded;
};

/**
 * ledger_reconcile() - which of @assets have a certificate
 * @out: filled in; ledger_reconcile_free() it
 *
 * A certificate matches an asset when its asset tag equals the asset's, or
 * its serial equals the asset's (empty values never match). A certificate
 * recorded again with more signatures counts by its last row. Hash tables
 * over the ledger's rows, so the time grows with the number of rows and
 * assets, not their product.
 *
 * Return: 0, -ENOMEM, or a backend errno
 */
int ledger_reconcile(struct ledger *l, const struct ledger_asset *assets, size_t n,
		     struct ledger_reconcile *out);

void ledger_reconcile_free(struct ledger_reconcile *r);

/**
 * ledger_csv_parse() - split CSV text (RFC 4180) into records
 * @buf, @len: the text; UTF-8 (a leading byte-order mark is skipped)
 * @fn: called once per record with its cells (NUL-terminated, unquoted)
 *      and the line the record starts on; non-zero stops and is returned
 * @line: set to the line of the first error
 *
 * Strict: quoted fields may hold commas, quotes ("") and line breaks;
 * records end with CRLF or LF; a quote inside an unquoted field, text after
 * a closing quote, an unterminated quote, a bare CR, a NUL byte or invalid
 * UTF-8 is an error. Empty lines are skipped; the last record needs no line end.
 *
 * Return: 0, -EBADMSG (malformed; @line says where), -ENOMEM, or @fn's value
 */
int ledger_csv_parse(const char *buf, size_t len,
		     int (*fn)(char **cells, size_t n, size_t line, void *usr), void *usr,
		     size_t *line);

/**
 * ledger_sha256_hex() - SHA-256 of @data as 64 lowercase hex digits (certificate_sha256)
 * Return: 0 or -ENOMEM
 */
int ledger_sha256_hex(const void *data, size_t len, char hex[LEDGER_HASH_HEX]);

/**
 * ledger_anchor_parse() - read "SEQ:HASH" (a sequence number from 1, 64 lowercase hex digits)
 * Return: 0, -EINVAL (not of that form)
 */
int ledger_anchor_parse(const char *s, struct ledger_anchor *a);

/**
 * ledger_anchor_check() - is the anchored row still there, with the same hash?
 * @out: when it is not: ->seq, ->fault (LEDGER_DELETED when the row is gone:
 *       rows were removed from the end; LEDGER_ALTERED when its hash differs:
 *       the chain was rewritten), ->id and ->why; untouched otherwise
 *
 * The chain check cannot see the last rows removed, nor a chain rebuilt
 * from scratch; a hash recorded elsewhere can.
 *
 * Return: 0 (the anchor holds), -EBADMSG (it does not; @out says how), or a
 * backend errno (-EBUSY, -EIO, -ENOMEM)
 */
int ledger_anchor_check(struct ledger *l, const struct ledger_anchor *a, struct ledger_check *out);

/**
 * ledger_row_json() - a row as JSON: seq, certificate_id, certificate_sha256
 * and the columns (null when absent); with the certificate, its signatures
 * and the two hashes when the row was read with its blobs
 * Return: a new object, or NULL when out of memory
 */
json_t *ledger_row_json(const struct ledger_row *row);

/**
 * ledger_check_json() - what ledger_verify() (and ledger_anchor_check())
 * found, as JSON: ledger, rows, intact, fault, and head, duplicates
 * (ledger_dups_json()) and untrusted ([{seq, certificate_id, why}]) when
 * intact, else seq, id and why of the broken row
 * @location: the ledger, as it was opened
 * @intact: whether the checks passed
 * Return: a new object, or NULL when out of memory
 */
json_t *ledger_check_json(const char *location, const struct ledger_check *chk, bool intact);

/**
 * ledger_dups_json() - @d as an array of {seq, certificate_id, first_seq,
 * first_certificate_id, same}
 * Return: a new array, or NULL when out of memory
 */
json_t *ledger_dups_json(const struct ledger_dups *d);

/* The sidecars ledger_cert_load() looks for next to a certificate, by name. */
#define LEDGER_NSIDECARS 4
extern const char *const ledger_sidecar_names[LEDGER_NSIDECARS];

/* One certificate file as the ledger records it: its bytes and its sidecars. */
struct ledger_cert {
	char *data; /* the certificate's bytes */
	size_t len;
	struct ledger_sig sig[LEDGER_NSIDECARS];
	struct ledger_sigs sigs; /* the sidecars found, in sig[] */
	char *failed;		 /* the file that could not be read, when loading failed */
};

/**
 * ledger_cert_load() - read the certificate at @path and the sidecars next
 * to it (PATH.operator.minisig, PATH.approver.minisig, PATH.operator.p7s,
 * PATH.approver.p7s: those that exist); for a machine summary
 * (kesu-machine/1), its one signature PATH.minisig, else PATH.p7s, named
 * operator.minisig or operator.p7s
 * @out: filled in; ledger_cert_free() it, also after an error
 *
 * Return: 0, -ENOMEM, or the errno of reading @out->failed: -ENOENT (the
 * certificate only: a missing sidecar is no error), -EACCES, -EISDIR,
 * -EINVAL (not a regular file), -EFBIG (larger than a certificate or a
 * signature can be)
 */
int ledger_cert_load(const char *path, struct ledger_cert *out);

void ledger_cert_free(struct ledger_cert *c);

/* The verdict the ledger records by: its @usr (in struct ledger_verdict) is one of these. */
struct ledger_trust {
	const struct cert_trust *trust;
	/* CERT_VALID, or why the last certificate was refused */
	enum cert_verdict verdict;
	/*
	 * set by ledger add: a certificate a contractor signed as operator is
	 * checked against the register's hand-overs (asset_contractor_check());
	 * NULL (verify) takes the rows as recorded
	 */
	struct ledger *contractor_ledger;
};

/**
 * ledger_cert_verdict() - a ledger_verify_fn: the certificate's form and
 * signatures verify against the trust store in struct ledger_trust; for an
 * inspection record (->kind), its one signature, by a key the store trusts
 * as inspector; for a machine summary, cert_machine_verify_mem() with its
 * operator's signature (a summary "not erased" is valid, as a failed
 * erasure's certificate is)
 *
 * An unapproved certificate, or one of an erasure that failed, is valid for
 * the ledger: it records what happened to the asset, and reconcile tells
 * them apart. The approver is the name the trust store gives the approving
 * key, never the one the signature carries. A trust store key retired on
 * a date counts for rows recorded before that day (->recorded), not for
 * the signature's own time, which its signer chose.
 *
 * Return: 0 (valid; ->approver, ->self_approved and ->signers set),
 * -EBADMSG (malformed), -EACCES (a signer not trusted: not in the store,
 * retired before ->recorded, or trusted for another role; ->why names the
 * signer, and the fingerprint recorded in ->recorded_signers for a key
 * that is gone), -EKEYREJECTED (a bad signature or an unapproved signer;
 * the verdict is in struct ledger_trust), -ENOMEM
 */
int ledger_cert_verdict(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr);

/* An asset list as read from CSV: the assets, and the text they point to. */
struct ledger_assets {
	struct ledger_asset *a;
	size_t n;
	char why[128]; /* why the list was refused */
	/* private to the reader */
	char **text;
	size_t cap, ncols;
	int tag_col, serial_col;
};

/**
 * ledger_assets_parse() - an asset list from CSV text (ledger_csv_parse())
 * whose header names an asset_tag and/or a serial column ("Asset Tag",
 * "asset-tag" and "asset_tag" are the same); other columns are ignored and
 * the values are trimmed of spaces and tabs
 * @out: filled in; ledger_assets_free() it, also after an error
 *
 * Return: 0, -EBADMSG (not valid CSV, no such column, two of one, a record
 * with another number of fields than the header, or with neither value;
 * @out->why says which and on what line), -ENOMEM
 */
int ledger_assets_parse(const char *buf, size_t len, struct ledger_assets *out);

/**
 * ledger_assets_load() - ledger_assets_parse() on the file at @path
 * Return: as ledger_assets_parse(), or the errno of reading it (-ENOENT,
 * -EACCES, -EISDIR, -EINVAL for not a regular file, -EFBIG)
 */
int ledger_assets_load(const char *path, struct ledger_assets *out);

void ledger_assets_free(struct ledger_assets *as);

/**
 * ledger_missing_reason() - why a missing asset is missing: "no
 * certificate", "erasure not successful" or "not approved"
 * Return: a static string
 */
const char *ledger_missing_reason(const struct ledger_match *m);

/**
 * ledger_reconcile_json() - the result of ledger_reconcile() on @assets as
 * {"certified": [...], "missing": [...], "unmatched": [...], "duplicates":
 * [...]}; each entry of the first three has asset_tag, serial and
 * certificate_id, a missing one its reason; duplicates as ledger_dups_json()
 * Return: a new object, or NULL when out of memory
 */
json_t *ledger_reconcile_json(const struct ledger_asset *assets,
			      const struct ledger_reconcile *rec);

/* export: the columns, in order; Snipe-IT maps them by header name (kesu-ledger(8)) */
#define LEDGER_EXPORT_NCOLS 14
extern const char *const ledger_export_cols[LEDGER_EXPORT_NCOLS];

enum ledger_export_format {
	LEDGER_EXPORT_CSV,   /* RFC 4180, CRLF, formula cells defused */
	LEDGER_EXPORT_JSONL, /* one JSON object per line */
};

/**
 * ledger_export_header() - the export's first line, in a new string (free()
 * it): the CSV header row with its CRLF, or "" for JSONL, which has none
 * Return: 0, -ENOMEM
 */
int ledger_export_header(enum ledger_export_format fmt, char **line);

/**
 * ledger_export_line() - @row as one export record with its line end, in a
 * new string (free() it)
 *
 * CSV: every cell is quoted, so that a spreadsheet reading with another
 * separator (";" in much of Europe and Japan's LibreOffice defaults) still
 * sees one cell; one that a spreadsheet would run as a formula (starting
 * with = + - @, tab or CR) gets a leading apostrophe (OWASP "CSV
 * injection"). JSONL keeps the values as they are, null when absent.
 *
 * Return: 0, -ENOMEM
 */
int ledger_export_line(enum ledger_export_format fmt, const struct ledger_row *row, char **line);

/*
 * Store and forward (queue.c): a station whose register is on a server that
 * cannot be reached keeps its certificates in a local SQLite queue, and
 * ledger_sync() forwards them, in order, once the server answers again.
 */

/* ledger_add_or_queue(): the server was not reached; the certificate waits in the queue */
#define LEDGER_QUEUED 3

/* the queue of root; others' is under $XDG_STATE_HOME (ledger_queue_default()) */
#define LEDGER_QUEUE_DEFAULT_PATH "/var/lib/kesu/queue.db"

/**
 * ledger_queue_default() - where the queue is when nothing names it:
 * LEDGER_QUEUE_DEFAULT_PATH for root, else $XDG_STATE_HOME/kesu/queue.db
 * ($HOME/.local/state when XDG_STATE_HOME is unset or not absolute)
 * Return: 0, -ENOENT (no home directory), -ENAMETOOLONG
 */
int ledger_queue_default(char *path, size_t len);

/* A register to add certificates to, or their queue when it cannot be reached. */
struct ledger_writer;

/**
 * ledger_writer_open() - get ready to add certificates to @location
 * @queue: the queue's path (created, its directory mode 0700, when first needed)
 *
 * Opens the register (LEDGER_CREATE). A server that cannot be reached is no
 * error: every certificate then goes to the queue. While the queue holds
 * certificates for @location that the register has not refused, the new
 * ones queue behind them, so that they reach the register in the order
 * they were added.
 *
 * Return: 0, or as ledger_open() except -EHOSTUNREACH; -ENOMEM
 */
int ledger_writer_open(struct ledger_writer **out, const char *location, const char *queue);

/**
 * ledger_writer_ledger() - the open register, or NULL while certificates
 * go to the queue (its server not reached, or lost)
 */
struct ledger *ledger_writer_ledger(const struct ledger_writer *w);

/**
 * ledger_writer_unreachable() - why certificates go to the queue: 0 (they
 * do not), -EHOSTUNREACH (the server was not reached), -ECONNRESET (the
 * connection was lost), -EALREADY (earlier certificates wait in the queue)
 */
int ledger_writer_unreachable(const struct ledger_writer *w);

/** ledger_writer_close() - close @w and its register and queue; NULL is ignored */
void ledger_writer_close(struct ledger_writer *w);

/**
 * ledger_add_or_queue() - ledger_add() of one certificate judged by
 * ledger_cert_verdict() against @t, or its queueing when the register
 * cannot be reached
 *
 * @t->contractor_ledger is set to the register (NULL while queueing: the
 * hand-over is checked by ledger_sync()). A certificate is queued only
 * after it passed the verdict here; a connection lost during the add
 * queues it too (if the server had committed it, ledger_sync() finds it
 * recorded, LEDGER_ALREADY). The same certificate with the same signatures
 * is queued once.
 *
 * Return: as ledger_add(), or LEDGER_QUEUED; a queue that cannot be
 * written gives its errno (-EACCES, -ENOSPC, -EIO, -EBUSY, -ENOMEM) with @why
 */
int ledger_add_or_queue(struct ledger_writer *w, const void *cert, size_t len,
			const struct ledger_sigs *sigs, struct ledger_trust *t, char *why,
			size_t whylen, struct ledger_anchor *row);

/**
 * ledger_add_or_queue_batch() - ledger_add_or_queue() of @n certificates:
 * ledger_add_batch() on the register, each item's usr a struct ledger_trust
 *
 * When the server cannot be reached, or the connection is lost during the
 * batch (committed or not: ledger_sync() finds out), every certificate of
 * the batch that passes the verdict here goes to the queue, in one queue
 * transaction; a queue that cannot be written queues none of them.
 *
 * Return: 0 (the items say what each became), or the errno that no item
 * was recorded or queued by (as ledger_add_batch(), or the queue's)
 */
int ledger_add_or_queue_batch(struct ledger_writer *w, struct ledger_batch_item *it, size_t n);

/* One queued certificate, as ledger_sync() and ledger_queue_list() hand it over. */
struct ledger_queued {
	int64_t n;	      /* its place in the queue, from 1 */
	const char *location; /* the register it waits for */
	const char *id;	      /* the certificate's id */
	const char *queued;   /* when it was queued, UTC "YYYY-MM-DDTHH:MM:SSZ" */
	int64_t tries;	      /* how often the register refused it */
	const char *error;    /* why the register refused it last; NULL when it did not */
	const void *cert;     /* its bytes (ledger_sync() only; NULL otherwise) */
	size_t len;
	/* ledger_sync(): as ledger_add() (0, LEDGER_SIGS_ADDED, LEDGER_ALREADY, -errno) */
	int result;
	struct ledger_anchor row; /* ledger_sync(), recorded: the new row (or the existing one) */
};

/* Called once per certificate; the pointers last until it returns. Non-zero stops. */
typedef int (*ledger_queued_fn)(struct ledger *l, const struct ledger_queued *q, void *usr);

/* What ledger_sync() did. */
struct ledger_sync_stats {
	int64_t recorded; /* new rows (also those adding signatures) */
	int64_t already;  /* found recorded already: a reply lost, or a second sync */
	int64_t refused;  /* refused by the register: they stay, flagged with the reason */
	int64_t left;	  /* still queued for the location afterwards, refused ones included */
};

/**
 * ledger_sync() - forward the certificates queued for @location, oldest first
 * @fn: told of each (may be NULL); @l is the open register
 *
 * Each is added with ledger_add() and the verdict of @t, and deleted from
 * the queue only after the register has committed it (or found it recorded
 * before): never recorded twice, never dropped. One the register refuses
 * stays, flagged with the reason, and the rest go on; a server lost on the
 * way stops the sync, the rest stay queued in order.
 *
 * Return: 0, -EHOSTUNREACH or -ECONNRESET (the server not reached or lost:
 * @st counts what was done), @fn's value, or as ledger_open(); a queue that
 * cannot be read or written: -EACCES, -EBADMSG, -EBUSY, -EIO, -ENOSPC, -ENOMEM
 */
int ledger_sync(const char *location, const char *queue, struct ledger_trust *t,
		ledger_queued_fn fn, void *usr, struct ledger_sync_stats *st);

/**
 * ledger_queue_list() - hand every queued certificate (for @location; NULL:
 * for any) to @fn, oldest first, with l NULL and q->cert NULL
 * Return: 0 (also when there is no queue), @fn's value, or the queue's
 * errno (-EACCES, -EBADMSG, -EBUSY, -EIO, -ENOMEM)
 */
int ledger_queue_list(const char *queue, const char *location, ledger_queued_fn fn, void *usr);

/* What ledger_copy() moved. */
struct ledger_copied {
	int64_t rows;		    /* rows copied, also rows of each side's verified chain */
	char head[LEDGER_HASH_HEX]; /* the head of both chains */
};

/**
 * ledger_copy() - copy every row of @from into the empty ledger @to, as it
 * is (sequence numbers, hashes, recording times, signers)
 * @verify, @usr: the verdict both chains are verified with (ledger_verify())
 * @why: set to what is wrong, on error
 *
 * The source's chain is verified first, the rows are appended in one
 * transaction of @to, and then @to's chain is verified by itself and must
 * end in the same head with the same number of rows. Rows whose signer the
 * trust store no longer trusts are copied: they do not break the chain.
 *
 * Return: 0, -EBADMSG (a chain does not verify), -EEXIST (@to has or had
 * rows), or a backend errno (-EACCES, -EBUSY, -EIO, -ENOSPC, -ENOMEM,
 * -ECONNRESET)
 */
int ledger_copy(struct ledger *from, struct ledger *to, ledger_verify_fn verify, void *usr,
		struct ledger_copied *out, char *why, size_t wl);

#endif
