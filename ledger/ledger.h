/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The asset ledger: every recorded certificate, its canonical bytes and its
 * signature sidecars, in rows chained by hashes so that a deleted, inserted
 * or altered row is found. Storage sits behind struct ledger_ops (SQLite
 * now; a central PostgreSQL ledger later). The ledger does not judge
 * certificates itself: the caller hands it a verdict callback.
 */
#ifndef KESU_LEDGER_H
#define KESU_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * What a verdict callback hands back. The ledger passes a pointer to one of
 * these as the callback's @usr; the caller's own pointer is in ->usr.
 */
struct ledger_verdict {
	void *usr;	    /* the pointer given to ledger_add() or ledger_verify() */
	char why[256];	    /* set when the callback rejects the certificate */
	char approver[256]; /* the verified approver's name; empty when not approved */
};

/*
 * The verdict on one certificate: @cert (@len canonical bytes) with its
 * signatures. @usr is a struct ledger_verdict *. Return 0 when the
 * certificate is valid (also when its result is "failed": the ledger
 * records failed runs too), or a negative errno with ->why set.
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
	LEDGER_NFIELDS
};

/* Column names, by enum ledger_field: "asset_tag", "serial", ... */
extern const char *const ledger_field_names[LEDGER_NFIELDS];

/* One stored row; the pointers are valid only during the callback that receives it. */
struct ledger_row {
	int64_t seq;
	const char *id;
	const unsigned char *cert;
	size_t cert_len;
	const char *sigs; /* canonical JSON object: {"NAME": "BASE64", ...} */
	const char *cert_sha256;
	const char *field[LEDGER_NFIELDS]; /* NULL when the certificate has no such value */
	const char *prev_hash;
	const char *row_hash;
};

/* Which rows to visit; NULL members match everything. */
struct ledger_filter {
	const char *id;
	const char *asset_tag;
	const char *serial;
	bool no_blobs; /* leave cert and sigs NULL: listing and reconciling do not need them */
};

/* Return 0 to go on, or a value that stops the iteration and is returned. */
typedef int (*ledger_row_fn)(const struct ledger_row *row, void *usr);

struct ledger;

/*
 * A storage backend. Each function returns 0 or a negative errno: -ENOENT
 * (no such ledger or row), -EBUSY (locked longer than the busy timeout),
 * -EBADMSG (not a ledger, or a damaged one), -ENOMEM, -EIO.
 */
struct ledger_ops {
	const char *name;
	int (*open)(struct ledger *l, const char *path, unsigned flags);
	void (*close)(struct ledger *l);
	/* a write transaction that excludes other writers, and its end */
	int (*begin)(struct ledger *l);
	int (*end)(struct ledger *l, bool commit);
	/* the row with @id, handed to @fn; -ENOENT when there is none */
	int (*get)(struct ledger *l, const char *id, ledger_row_fn fn, void *usr);
	/* rows in seq order */
	int (*iterate)(struct ledger *l, const struct ledger_filter *f, ledger_row_fn fn,
		       void *usr);
	/* the last row's seq and hash; seq 0 and "" when the ledger is empty */
	int (*last_hash)(struct ledger *l, int64_t *seq, char hash[LEDGER_HASH_HEX]);
	/* append @row (seq ignored); sets *@seq */
	int (*insert)(struct ledger *l, const struct ledger_row *row, int64_t *seq);
};

extern const struct ledger_ops ledger_sqlite_ops;

struct ledger {
	const struct ledger_ops *ops;
	void *priv; /* the backend's */
};

enum {
	LEDGER_CREATE = 1 << 0, /* create the ledger (and its directory, mode 0700) if missing */
	LEDGER_RDONLY = 1 << 1,
};

/* ledger_add(): the certificate was recorded before, with the same bytes and signatures */
#define LEDGER_ALREADY 1

/**
 * ledger_open() - open the ledger at @path with the SQLite backend
 * @out: set to the ledger; ledger_close() it
 * @flags: LEDGER_CREATE, LEDGER_RDONLY
 *
 * A new ledger's directory is created with mode 0700; the database runs in
 * WAL mode with a busy timeout, so readers and one writer at a time share it.
 *
 * Return: 0, -ENOENT (no ledger and no LEDGER_CREATE), -EACCES, -EBADMSG
 * (the file is not a kesu ledger), -EBUSY, -ENOMEM, -EIO
 */
int ledger_open(struct ledger **out, const char *path, unsigned flags);

/** ledger_close() - close @l; NULL is ignored */
void ledger_close(struct ledger *l);

/**
 * ledger_add() - verify and record one certificate
 * @cert: its canonical bytes (a kesu-certificate/1 JSON object)
 * @sigs: its signature sidecars
 * @verify: the verdict; run unless the certificate is already recorded
 * @usr: handed to @verify in struct ledger_verdict
 * @why: set to the reason when the certificate is not recorded
 * @seq: set to the row's seq (also the existing row's, for LEDGER_ALREADY); may be NULL
 *
 * Idempotent by certificate id. The row's hash covers the previous row's
 * hash, the SHA-256 of @cert and the SHA-256 of the signatures' canonical
 * JSON; the whole addition is one transaction.
 *
 * Return: 0 (recorded), LEDGER_ALREADY, -EEXIST (the id is recorded with
 * other bytes or other signatures), -EBADMSG (not JSON, no id), -EINVAL (a
 * sidecar name outside [a-z0-9._-] or given twice), the negative errno of
 * @verify, or a backend errno (-EBUSY, -EIO, -ENOSPC, -ENOMEM)
 */
int ledger_add(struct ledger *l, const void *cert, size_t len, const struct ledger_sigs *sigs,
	       ledger_verify_fn verify, void *usr, char *why, size_t whylen, int64_t *seq);

/** ledger_get() - hand the row with @id to @fn. Return: 0, -ENOENT, @fn's value, backend errno */
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

/* What ledger_verify() found. */
struct ledger_check {
	int64_t rows;		    /* rows checked */
	int64_t seq;		    /* the first broken row; 0 when intact */
	enum ledger_fault fault;    /* LEDGER_INTACT when intact */
	char id[128];		    /* the broken row's certificate id */
	char why[512];		    /* what is wrong with it */
	char head[LEDGER_HASH_HEX]; /* the last row's hash */
};

/** ledger_fault_name() - "deleted", "inserted", "altered", "invalid" or "intact" */
const char *ledger_fault_name(enum ledger_fault f);

/**
 * ledger_verify() - recompute the chain and re-run @verify on every row
 * @out: filled in; the first broken row when there is one
 *
 * Each row's hash is recomputed from its contents, its link to the row
 * before is checked, its indexed columns are compared with the values
 * read from its certificate and the approver @verify reports now.
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
};

/**
 * ledger_reconcile() - which of @assets have a certificate
 * @out: filled in; ledger_reconcile_free() it
 *
 * A certificate matches an asset when its asset tag equals the asset's, or
 * its serial equals the asset's (empty values never match). Hash tables
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

#endif
