/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ledger's storage, inside ledger/ only: the chain code (ledger.c) calls
 * a backend through struct ledger_ops and never knows which one it is. A
 * second backend is a second table, listed in ledger.c's backends[].
 */
#ifndef KESU_LEDGER_BACKEND_H
#define KESU_LEDGER_BACKEND_H

#include <stdio.h>

#include "ledger.h"

/*
 * A storage backend. Each function returns 0 or a negative errno: -ENOENT
 * (no such ledger or row), -EBUSY (locked longer than the busy timeout),
 * -EBADMSG (not a ledger, or a damaged one), -ENOMEM, -EIO.
 */
struct ledger_ops {
	const char *name;
	/* the URI scheme that chooses it ("postgresql"); NULL: the backend for a path */
	const char *scheme;
	/* @location: a path, or the whole URI for a backend with a scheme */
	int (*open)(struct ledger *l, const char *location, unsigned flags);
	/* may be NULL: whether @location can be used, before connecting; -EINVAL with @why */
	int (*check)(const char *location, char *why, size_t wl);
	/* may be NULL (open with LEDGER_CREATE): create or migrate the schema, @roles too */
	int (*init)(const char *location, bool roles);
	void (*close)(struct ledger *l);
	/* a write transaction that excludes other writers, and its end */
	int (*begin)(struct ledger *l);
	int (*end)(struct ledger *l, bool commit);
	/* the schema version of the ledger at @location, without using it */
	int (*schema)(const char *location, int *version);
	/* rows in seq order; with f->id and no row, -ENOENT */
	int (*iterate)(struct ledger *l, const struct ledger_filter *f, ledger_row_fn fn,
		       void *usr);
	/* the last row's seq and hash; seq 0 and "" when the ledger is empty */
	int (*last_hash)(struct ledger *l, int64_t *seq, char hash[LEDGER_HASH_HEX]);
	/* the highest seq ever issued, also when its row is gone; 0 for none */
	int (*issued)(struct ledger *l, int64_t *seq);
	/* append @row with its ->seq (after the last one issued: its hash covers it) */
	int (*insert)(struct ledger *l, const struct ledger_row *row);
};

struct ledger {
	const struct ledger_ops *ops;
	void *priv; /* the backend's */
};

extern const struct ledger_ops ledger_sqlite_ops;
extern const struct ledger_ops ledger_pg_ops;

/**
 * ledger_kind_name() - the value of the column "kind" for @kind: NULL for a
 * certificate, which schema 1 and 2 rows also are
 * Return: a static string, or NULL
 */
const char *ledger_kind_name(enum ledger_kind kind);

/** ledger_kind_of() - the kind a "kind" column names. Return: LEDGER_KIND_UNKNOWN if none */
enum ledger_kind ledger_kind_of(const char *name);

/*
 * Rows of any kind, for the modules of ledger/ that add their own documents
 * (asset.c). The caller holds the write transaction (ops->begin).
 */

/* the "format" of an asset register event; its rows are of LEDGER_KIND_ASSET_EVENT */
#define LEDGER_ASSET_EVENT_FORMAT "kesu-asset-event/1"

/**
 * ledger_doc_columns() - parse @doc (@len bytes) and read its id and the
 * columns of a row of @kind from it, as verify will compare them
 * @json: set to the parsed document (json_decref() it, also after an error)
 * Return: 0, -EBADMSG (not a JSON object, no id; @why says which)
 */
int ledger_doc_columns(enum ledger_kind kind, const void *doc, size_t len, json_t **json,
		       const char **id, const char *field[LEDGER_NFIELDS], char *why, size_t wl);

/**
 * ledger_added_kind() - what ledger_add() records @doc (parsed) as: a
 * machine summary by its format (kesu-machine/1), else a certificate
 */
enum ledger_kind ledger_added_kind(const json_t *doc);

/**
 * ledger_csv_cell() - @s (NULL: empty) as one quoted CSV cell on @f, a
 * formula defused with a leading apostrophe, then "," or, when @last, CRLF
 */
void ledger_csv_cell(FILE *f, const char *s, bool last);

/**
 * ledger_append() - append a row of @kind holding @doc, after the head of the chain
 * @sigs: the signatures' canonical JSON ("{}" for none)
 * @field: the row's columns (ledger_doc_columns())
 * @recorded: when it is recorded, UTC "YYYY-MM-DDTHH:MM:SSZ"; NULL: now
 * @signers: the signers' fingerprints as JSON (struct ledger_verdict); NULL: "{}"
 * @out: set to the new row's seq and hash; may be NULL
 * Return: 0, or a backend errno (-EBUSY, -EIO, -ENOSPC, -ENOMEM, -EBADMSG)
 */
int ledger_append(struct ledger *l, enum ledger_kind kind, const void *doc, size_t len,
		  const char *sigs, const char *id, const char *const field[LEDGER_NFIELDS],
		  int64_t refers, const char *recorded, const char *signers,
		  struct ledger_anchor *out);

/* Finding certificates of one erasure (dups.c): note every row, then finish. */
struct ledger_dup_finder {
	struct dup_key *k;
	size_t n, cap;
};

/** ledger_dup_note() - remember @row's report_id and serial+started. Return: 0, -ENOMEM */
int ledger_dup_note(struct ledger_dup_finder *d, const struct ledger_row *row);

/**
 * ledger_dup_finish() - the certificates that repeat an earlier one's erasure
 * @out: one entry per later certificate, in seq order; ledger_dups_free() it
 * Return: 0, -ENOMEM
 */
int ledger_dup_finish(struct ledger_dup_finder *d, struct ledger_dups *out);

void ledger_dup_finder_free(struct ledger_dup_finder *d);

#endif
