// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Store and forward: a station's certificates wait in a local SQLite queue
 * while the register's server cannot be reached, and are forwarded in the
 * order they were queued. A queued certificate is deleted only after the
 * register committed it, and the register's add is idempotent by id: a
 * reply lost on the way makes the next sync find it recorded, never twice.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "backend.h"
#include "log.h"

/* another station process may hold the queue's write lock this long */
#define QUEUE_BUSY_MS 10000

/*
 * One row per queued certificate, its signatures beside it. "entry" is a
 * hash of the bytes and the signatures: the same certificate queued twice
 * (a retried command) is kept once. "error" is set when the register
 * refused it; such a row stays until a sync records it or someone removes it.
 */
static const char queue_schema[] =
	"CREATE TABLE IF NOT EXISTS queue ("
	" n INTEGER PRIMARY KEY AUTOINCREMENT,"
	" location TEXT NOT NULL, id TEXT NOT NULL, certificate BLOB NOT NULL,"
	" entry TEXT NOT NULL, queued TEXT NOT NULL,"
	" tries INTEGER NOT NULL DEFAULT 0, error TEXT,"
	" UNIQUE (location, entry));"
	"CREATE TABLE IF NOT EXISTS queue_signatures ("
	" n INTEGER NOT NULL REFERENCES queue(n) ON DELETE CASCADE,"
	" name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (n, name));";

struct ledger_writer {
	const char *location;
	char *queue;
	struct ledger *l;
	int unreachable;
	sqlite3 *db;
};

static int q_errno(sqlite3 *db, int rc)
{
	static const struct {
		int rc, err;
	} map[] = {
		{ SQLITE_OK, 0 },
		{ SQLITE_DONE, 0 },
		{ SQLITE_ROW, 0 },
		{ SQLITE_NOMEM, -ENOMEM },
		{ SQLITE_BUSY, -EBUSY },
		{ SQLITE_LOCKED, -EBUSY },
		{ SQLITE_CANTOPEN, -EACCES },
		{ SQLITE_PERM, -EACCES },
		{ SQLITE_READONLY, -EROFS },
		{ SQLITE_FULL, -ENOSPC },
		{ SQLITE_NOTADB, -EBADMSG },
		{ SQLITE_CORRUPT, -EBADMSG },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((rc & 0xff) == map[i].rc)
			return map[i].err;
	log_dbg("ledger: queue: %s", db ? sqlite3_errmsg(db) : "error");
	return -EIO;
}

int ledger_queue_default(char *path, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (geteuid() == 0)
		n = snprintf(path, len, "%s", LEDGER_QUEUE_DEFAULT_PATH);
	else if (state && state[0] == '/')
		n = snprintf(path, len, "%s/kesu/queue.db", state);
	else if (home && home[0] == '/')
		n = snprintf(path, len, "%s/.local/state/kesu/queue.db", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The queue's directories, each created 0700 if missing: certificates name people and assets. */
static int make_parents(const char *path)
{
	char *dir = strdup(path);
	int r = 0;

	if (!dir)
		return -ENOMEM;
	for (char *p = strchr(dir + 1, '/'); p && r == 0; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			r = -errno;
		*p = '/';
	}
	free(dir);
	return r;
}

/* Open the queue at @path; @create: make it (and its directories) if missing. */
static int q_open(const char *path, bool create, sqlite3 **db)
{
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	int r;

	*db = NULL;
	if (!create && access(path, F_OK) < 0)
		return -errno;
	if (create && (r = make_parents(path)) < 0)
		return r;
	r = q_errno(NULL, sqlite3_open_v2(path, db, flags, NULL));
	if (r == 0)
		r = q_errno(*db, sqlite3_busy_timeout(*db, QUEUE_BUSY_MS));
	if (r == 0)
		r = q_errno(*db,
			    sqlite3_exec(*db,
					 "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;",
					 NULL, NULL, NULL));
	if (r == 0)
		r = q_errno(*db, sqlite3_exec(*db, queue_schema, NULL, NULL, NULL));
	if (r < 0) {
		sqlite3_close(*db);
		*db = NULL;
	}
	return r;
}

/* One statement with text parameters; @out, when not NULL, gets the first column of a row. */
static int q_run(sqlite3 *db, const char *sql, const char *const *vals, int n, int64_t *out)
{
	sqlite3_stmt *st;
	int r = q_errno(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL)), rc;

	if (r < 0)
		return r;
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out)
		*out = sqlite3_column_int64(st, 0);
	r = q_errno(db, rc);
	sqlite3_finalize(st);
	return r;
}

/* certificates for @location that wait and were not refused */
static int q_waiting(sqlite3 *db, const char *location, int64_t *n)
{
	const char *v[] = { location };

	*n = 0;
	return q_run(db, "SELECT count(*) FROM queue WHERE location = ?1 AND error IS NULL", v, 1,
		     n);
}

int ledger_writer_open(struct ledger_writer **out, const char *location, const char *queue)
{
	struct ledger_writer *w = calloc(1, sizeof(*w));
	int64_t waiting = 0;
	int r;

	if (!w || !(w->queue = strdup(queue))) {
		free(w);
		return -ENOMEM;
	}
	w->location = location;
	r = ledger_open(&w->l, location, LEDGER_CREATE);
	if (r == -EHOSTUNREACH) {
		w->unreachable = r;
		r = 0;
	} else if (r == 0 && q_open(w->queue, false, &w->db) == 0 &&
		   q_waiting(w->db, location, &waiting) == 0 && waiting > 0) {
		/* behind the earlier ones: the register gets them in the order they were added */
		w->unreachable = -EALREADY;
	}
	if (r < 0) {
		ledger_writer_close(w);
		return r;
	}
	*out = w;
	return 0;
}

struct ledger *ledger_writer_ledger(const struct ledger_writer *w)
{
	return w->unreachable ? NULL : w->l;
}

int ledger_writer_unreachable(const struct ledger_writer *w)
{
	return w->unreachable;
}

void ledger_writer_close(struct ledger_writer *w)
{
	if (!w)
		return;
	ledger_close(w->l);
	sqlite3_close(w->db);
	free(w->queue);
	free(w);
}

/* "entry": SHA-256 over the certificate and each signature's name and hash */
static void entry_key(const void *cert, size_t len, const struct ledger_sigs *sigs,
		      char hex[LEDGER_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES], sh[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state s;

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256(sh, cert, len);
	crypto_hash_sha256_update(&s, sh, sizeof(sh));
	for (size_t i = 0; sigs && i < sigs->n; i++) {
		crypto_hash_sha256_update(&s, (const unsigned char *)sigs->sig[i].name,
					  strlen(sigs->sig[i].name) + 1);
		crypto_hash_sha256(sh, sigs->sig[i].data, sigs->sig[i].len);
		crypto_hash_sha256_update(&s, sh, sizeof(sh));
	}
	crypto_hash_sha256_final(&s, h);
	sodium_bin2hex(hex, LEDGER_HASH_HEX, h, sizeof(h));
}

static int bind_run(sqlite3 *db, sqlite3_stmt *st)
{
	int r = q_errno(db, sqlite3_step(st));

	sqlite3_finalize(st);
	return r;
}

/* Insert the row and its signatures; the caller holds the write transaction. */
static int q_insert(sqlite3 *db, const char *location, const char *id, const void *cert, size_t len,
		    const struct ledger_sigs *sigs)
{
	char key[LEDGER_HASH_HEX], now[32];
	time_t t = time(NULL);
	sqlite3_stmt *st;
	struct tm tm;
	int64_t n;
	int r;

	entry_key(cert, len, sigs, key);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	r = q_errno(db, sqlite3_prepare_v2(db,
					   "INSERT OR IGNORE INTO queue (location, id, certificate,"
					   " entry, queued) VALUES (?1, ?2, ?3, ?4, ?5)",
					   -1, &st, NULL));
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 3, cert, len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if ((r = bind_run(db, st)) < 0 || sqlite3_changes(db) == 0)
		return r; /* queued before: once is enough */
	n = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; r == 0 && sigs && i < sigs->n; i++) {
		r = q_errno(db, sqlite3_prepare_v2(db,
						   "INSERT INTO queue_signatures (n, name, data)"
						   " VALUES (?1, ?2, ?3)",
						   -1, &st, NULL));
		if (r < 0)
			break;
		sqlite3_bind_int64(st, 1, n);
		sqlite3_bind_text(st, 2, sigs->sig[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_blob64(st, 3, sigs->sig[i].data, sigs->sig[i].len, SQLITE_STATIC);
		r = bind_run(db, st);
	}
	return r;
}

/* Judge @it here, as the register would (without its hand-overs). Return: 0 or its refusal */
static int queue_judge(struct ledger_batch_item *it, json_t **doc, const char **id)
{
	const char *field[LEDGER_NFIELDS];
	struct ledger_trust *t = it->usr;
	struct ledger_verdict v = { .usr = t, .recorded = (int64_t)time(NULL) };
	int r = ledger_doc_columns(LEDGER_KIND_CERT, it->cert, it->len, doc, id, field, it->why,
				   sizeof(it->why));

	if (r < 0)
		return r;
	t->contractor_ledger = NULL;
	v.kind = ledger_added_kind(*doc);
	r = ledger_cert_verdict(it->cert, it->len, it->sigs, &v);
	if (r != 0)
		snprintf(it->why, sizeof(it->why), "%s",
			 v.why[0] ? v.why : strerror(r < 0 ? -r : EPERM));
	return r > 0 ? -EPERM : r;
}

/* an item's result while it waits for queue_batch() */
#define TO_QUEUE (-EINPROGRESS)

/* Queue the items whose result is TO_QUEUE and pass the verdict, in one queue transaction. */
static int queue_batch(struct ledger_writer *w, struct ledger_batch_item *it, size_t n)
{
	bool began = false;
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		json_t *doc = NULL;
		const char *id;

		if (it[i].result != TO_QUEUE)
			continue;
		it[i].result = queue_judge(&it[i], &doc, &id);
		if (it[i].result == 0 && !began) {
			if (!w->db)
				r = q_open(w->queue, true, &w->db);
			if (r == 0)
				r = q_errno(w->db, sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL,
								NULL, NULL));
			began = r == 0;
		}
		if (it[i].result == 0) {
			it[i].result = TO_QUEUE;
			if (r == 0)
				r = q_insert(w->db, w->location, id, it[i].cert, it[i].len,
					     it[i].sigs);
		}
		json_decref(doc);
	}
	if (r == 0 && began)
		r = q_errno(w->db, sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL));
	if (r < 0 && began)
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		if (it[i].result != TO_QUEUE)
			continue;
		it[i].result = r < 0 ? r : LEDGER_QUEUED;
		if (r < 0)
			snprintf(it[i].why, sizeof(it[i].why), "cannot write the queue %s: %s",
				 w->queue, strerror(-r));
	}
	return r;
}

int ledger_add_or_queue_batch(struct ledger_writer *w, struct ledger_batch_item *it, size_t n)
{
	bool lost = false;
	int r;

	if (!w->unreachable) {
		for (size_t i = 0; i < n; i++)
			((struct ledger_trust *)it[i].usr)->contractor_ledger = w->l;
		r = ledger_add_batch(w->l, it, n, ledger_cert_verdict);
		if (r != -ECONNRESET)
			return r;
		/* lost on the way: committed or not, the queue keeps them and sync finds out */
		log_dbg("ledger: %s: %s", w->location, strerror(-r));
		ledger_close(w->l);
		w->l = NULL;
		w->unreachable = -ECONNRESET;
		lost = true;
	}
	for (size_t i = 0; i < n; i++) {
		/* refused on its own before the connection was lost: it stays refused */
		if (lost && it[i].result != -ECONNRESET)
			continue;
		((struct ledger_trust *)it[i].usr)->verdict = CERT_VALID;
		it[i].result = TO_QUEUE;
		it[i].why[0] = '\0';
		memset(&it[i].row, 0, sizeof(it[i].row));
	}
	return queue_batch(w, it, n);
}

int ledger_add_or_queue(struct ledger_writer *w, const void *cert, size_t len,
			const struct ledger_sigs *sigs, struct ledger_trust *t, char *why,
			size_t whylen, struct ledger_anchor *row)
{
	struct ledger_batch_item it = { .cert = cert, .len = len, .sigs = sigs, .usr = t };

	ledger_add_or_queue_batch(w, &it, 1);
	snprintf(why, whylen, "%s", it.why);
	if (row)
		*row = it.row;
	return it.result;
}

/* One queued certificate read back, with its signatures. */
struct q_doc {
	struct ledger_queued q;
	struct ledger_sig *sig;
	struct ledger_sigs sigs;
	sqlite3_stmt *st, *sst;
};

static void q_doc_free(struct q_doc *d)
{
	free(d->sig);
	sqlite3_finalize(d->sst);
	sqlite3_finalize(d->st);
	memset(d, 0, sizeof(*d));
}

/* q->cert and the signatures of row @d->q.n; they live while @d's statements do */
static int q_doc_sigs(sqlite3 *db, struct q_doc *d)
{
	size_t cap = 0;
	int r, rc;

	r = q_errno(db, sqlite3_prepare_v2(db,
					   "SELECT name, data FROM queue_signatures WHERE n = ?1"
					   " ORDER BY rowid",
					   -1, &d->sst, NULL));
	if (r < 0)
		return r;
	sqlite3_bind_int64(d->sst, 1, d->q.n);
	while ((rc = sqlite3_step(d->sst)) == SQLITE_ROW) {
		if (d->sigs.n == cap) {
			struct ledger_sig *s = realloc(d->sig, (cap + 4) * sizeof(*s));

			if (!s)
				return -ENOMEM;
			d->sig = s;
			cap += 4;
		}
		d->sig[d->sigs.n].name = strdup((const char *)sqlite3_column_text(d->sst, 0));
		d->sig[d->sigs.n].len = (size_t)sqlite3_column_bytes(d->sst, 1);
		d->sig[d->sigs.n].data = malloc(d->sig[d->sigs.n].len + 1);
		if (!d->sig[d->sigs.n].name || !d->sig[d->sigs.n].data) {
			free((void *)d->sig[d->sigs.n].name);
			free((void *)d->sig[d->sigs.n].data);
			return -ENOMEM;
		}
		memcpy((void *)d->sig[d->sigs.n].data, sqlite3_column_blob(d->sst, 1),
		       d->sig[d->sigs.n].len);
		d->sigs.n++;
	}
	d->sigs.sig = d->sig;
	return q_errno(db, rc);
}

static void q_doc_release(struct q_doc *d)
{
	for (size_t i = 0; i < d->sigs.n; i++) {
		free((void *)d->sig[i].name);
		free((void *)d->sig[i].data);
	}
	q_doc_free(d);
}

#define Q_COLUMNS "n, location, id, queued, tries, error, certificate"

/* The fields of the row @st is on; the texts live until it steps again. */
static void q_fill(sqlite3_stmt *st, struct ledger_queued *q, bool blobs)
{
	memset(q, 0, sizeof(*q));
	q->n = sqlite3_column_int64(st, 0);
	q->location = (const char *)sqlite3_column_text(st, 1);
	q->id = (const char *)sqlite3_column_text(st, 2);
	q->queued = (const char *)sqlite3_column_text(st, 3);
	q->tries = sqlite3_column_int64(st, 4);
	q->error = (const char *)sqlite3_column_text(st, 5);
	if (blobs) {
		q->cert = sqlite3_column_blob(st, 6);
		q->len = (size_t)sqlite3_column_bytes(st, 6);
	}
}

/* The oldest certificate queued for @location after @after; -ENOENT when none. */
static int q_next(sqlite3 *db, const char *location, int64_t after, struct q_doc *d)
{
	int r, rc;

	memset(d, 0, sizeof(*d));
	r = q_errno(db, sqlite3_prepare_v2(db,
					   "SELECT " Q_COLUMNS " FROM queue WHERE location = ?1"
					   " AND n > ?2 ORDER BY n LIMIT 1",
					   -1, &d->st, NULL));
	if (r < 0)
		return r;
	sqlite3_bind_text(d->st, 1, location, -1, SQLITE_STATIC);
	sqlite3_bind_int64(d->st, 2, after);
	rc = sqlite3_step(d->st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? -ENOENT : q_errno(db, rc);
		q_doc_free(d);
		return r;
	}
	q_fill(d->st, &d->q, true);
	r = q_doc_sigs(db, d);
	if (r < 0)
		q_doc_release(d);
	return r;
}

/* After the register's answer: recorded (deleted from the queue) or refused (flagged). */
static int q_settle(sqlite3 *db, int64_t n, int result, const char *why)
{
	char ns[24];
	const char *v[] = { ns, why };

	snprintf(ns, sizeof(ns), "%lld", (long long)n);
	if (result >= 0)
		return q_run(db, "DELETE FROM queue WHERE n = ?1", v, 1, NULL);
	return q_run(db, "UPDATE queue SET tries = tries + 1, error = ?2 WHERE n = ?1", v, 2, NULL);
}

/* a failure of the server or of this machine, not the register's judgement of the certificate */
static bool transient(int r)
{
	return r == -ECONNRESET || r == -EHOSTUNREACH || r == -EBUSY || r == -ENOMEM || r == -EIO ||
	       r == -ENOSPC;
}

/* Forward one; @d is released. Return: 0, a transient errno, or @fn's value */
static int sync_one(sqlite3 *db, struct ledger *l, struct q_doc *d, struct ledger_trust *t,
		    ledger_queued_fn fn, void *usr, struct ledger_sync_stats *st)
{
	char why[256];
	int r;

	t->verdict = CERT_VALID;
	t->contractor_ledger = l;
	d->q.result = ledger_add(l, d->q.cert, d->q.len, &d->sigs, ledger_cert_verdict, t, why,
				 sizeof(why), &d->q.row);
	r = d->q.result;
	if (transient(r)) {
		log_err("%s: %s", d->q.id, why);
		q_doc_release(d);
		return r;
	}
	/* only now, after the register's commit: a crash before this line makes it LEDGER_ALREADY */
	r = q_settle(db, d->q.n, d->q.result, why);
	if (d->q.result == LEDGER_ALREADY)
		st->already++;
	else if (d->q.result >= 0)
		st->recorded++;
	else
		st->refused++;
	if (d->q.result < 0)
		d->q.error = why;
	if (r == 0 && fn)
		r = fn(l, &d->q, usr);
	q_doc_release(d);
	return r;
}

/* certificates queued for @location, refused ones included */
static int q_count(sqlite3 *db, const char *location, int64_t *n)
{
	const char *v[] = { location };

	*n = 0;
	return q_run(db, "SELECT count(*) FROM queue WHERE location = ?1", v, 1, n);
}

/* Forward what is queued for @location, oldest first, until none is left or one fails. */
static int sync_all(sqlite3 *db, struct ledger *l, const char *location, struct ledger_trust *t,
		    ledger_queued_fn fn, void *usr, struct ledger_sync_stats *st)
{
	struct q_doc d;
	int64_t after = 0;
	int r;

	while ((r = q_next(db, location, after, &d)) == 0) {
		after = d.q.n;
		r = sync_one(db, l, &d, t, fn, usr, st);
		if (r)
			return r;
	}
	return r == -ENOENT ? 0 : r;
}

int ledger_sync(const char *location, const char *queue, struct ledger_trust *t,
		ledger_queued_fn fn, void *usr, struct ledger_sync_stats *st)
{
	struct ledger *l = NULL;
	sqlite3 *db = NULL;
	int r = q_open(queue, false, &db);

	memset(st, 0, sizeof(*st));
	if (r == -ENOENT)
		return 0;
	if (r == 0)
		r = q_count(db, location, &st->left);
	/* nothing for this register: no need to reach it */
	if (r == 0 && st->left)
		r = ledger_open(&l, location, LEDGER_CREATE);
	if (r == 0 && l)
		r = sync_all(db, l, location, t, fn, usr, st);
	if (db)
		q_count(db, location, &st->left);
	t->contractor_ledger = NULL;
	ledger_close(l);
	sqlite3_close(db);
	return r;
}

int ledger_queue_list(const char *queue, const char *location, ledger_queued_fn fn, void *usr)
{
	struct ledger_queued q;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int r = q_open(queue, false, &db), rc;

	if (r == -ENOENT)
		return 0;
	if (r == 0)
		r = q_errno(db,
			    sqlite3_prepare_v2(db,
					       "SELECT " Q_COLUMNS " FROM queue WHERE ?1 IS NULL"
					       " OR location = ?1 ORDER BY n",
					       -1, &st, NULL));
	if (r == 0) {
		sqlite3_bind_text(st, 1, location, -1, SQLITE_STATIC);
		while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			q_fill(st, &q, false);
			r = fn(NULL, &q, usr);
		}
		if (r == 0)
			r = q_errno(db, rc);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}
