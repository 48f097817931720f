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

struct ledger {
	const struct ledger_ops *ops;
	void *priv; /* the backend's */
};

extern const struct ledger_ops ledger_sqlite_ops;

#endif
