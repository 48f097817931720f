/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ledger's storage, inside ledger/ only: the chain code (ledger.c) calls
 * a backend through struct ledger_ops and never knows which one it is. A
 * second backend is a second table, listed in ledger.c's backends[].
 */
#ifndef KESU_LEDGER_BACKEND_H
#define KESU_LEDGER_BACKEND_H

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
