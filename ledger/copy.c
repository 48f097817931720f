// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Moving a register to another backend (an SQLite file to the PostgreSQL
 * server): every row as it is, with its sequence number, hashes, recording
 * time and signers, so that the chain is the same chain and not a new one
 * that would replace the evidence the old one is.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"

struct copy_ctx {
	struct ledger *to;
	int64_t rows;
};

static int copy_row(const struct ledger_row *row, void *usr)
{
	struct copy_ctx *c = usr;
	int r = c->to->ops->insert(c->to, row);

	c->rows += r == 0;
	return r;
}

/* Whether @to is empty: never a row, not even one removed since. */
static int copy_empty(struct ledger *to, char *why, size_t wl)
{
	char hash[LEDGER_HASH_HEX];
	int64_t seq, issued;
	int r = ledger_last_hash(to, &seq, hash);

	if (r == 0)
		r = to->ops->issued(to, &issued);
	if (r == 0 && (seq || issued)) {
		snprintf(why, wl, "the destination holds rows already (up to seq %lld)",
			 (long long)(seq > issued ? seq : issued));
		r = -EEXIST;
	}
	return r;
}

int ledger_copy(struct ledger *from, struct ledger *to, ledger_verify_fn verify, void *usr,
		struct ledger_copied *out, char *why, size_t wl)
{
	const struct ledger_filter all = { .rows = LEDGER_ROWS_ALL };
	struct copy_ctx c = { .to = to };
	struct ledger_check chk;
	int r;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	r = ledger_verify(from, verify, usr, &chk);
	if (r == -EBADMSG)
		snprintf(why, wl, "the source's chain is broken at seq %lld: %s",
			 (long long)chk.seq, chk.why);
	out->rows = chk.rows;
	snprintf(out->head, sizeof(out->head), "%s", chk.head);
	ledger_check_free(&chk);
	if (r < 0)
		return r;
	/* one transaction: a copy cut short leaves the destination empty, not half a chain */
	r = to->ops->begin(to);
	if (r < 0)
		return r;
	/* inside it: no station appends between the check and the copy */
	r = copy_empty(to, why, wl);
	if (r == 0)
		r = ledger_iterate(from, &all, copy_row, &c);
	if (r == 0)
		r = to->ops->end(to, true);
	else
		to->ops->end(to, false);
	if (r < 0) {
		if (!why[0])
			snprintf(why, wl, "copying row %lld: %s", (long long)c.rows + 1,
				 strerror(-r));
		return r;
	}
	/* the destination judged by itself, as any later verify will */
	r = ledger_verify(to, verify, usr, &chk);
	if (r == 0 && (chk.rows != out->rows || strcmp(chk.head, out->head)))
		r = -EBADMSG;
	if (r == -EBADMSG)
		snprintf(why, wl, "the copy does not verify: %s",
			 chk.why[0] ? chk.why : "another head than the source's");
	ledger_check_free(&chk);
	return r;
}
