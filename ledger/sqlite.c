// SPDX-License-Identifier: GPL-2.0-or-later
/* The ledger in an SQLite database: one table, one row per certificate. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backend.h"
#include "log.h"

/* another writer (a second erasure station's `ledger add`) holds the lock at most this long */
#define LEDGER_BUSY_MS 10000
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/*
 * AUTOINCREMENT: SQLite keeps the highest seq ever issued in sqlite_sequence,
 * so a deleted last row's seq is not given again, and verify can tell that
 * rows were removed from the end. An id has several rows when signatures
 * were added later (refers: the certificate's previous row).
 */
static const char schema[] =
	"CREATE TABLE IF NOT EXISTS certificates ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" id TEXT NOT NULL,"
	" refers INTEGER,"
	" certificate BLOB NOT NULL,"
	" signatures TEXT NOT NULL,"
	" certificate_sha256 TEXT NOT NULL,"
	" asset_tag TEXT, serial TEXT, model TEXT, category TEXT, technique TEXT, result TEXT,"
	" started TEXT, finished TEXT, operator TEXT, witness TEXT, approver TEXT, issued TEXT,"
	" report_id TEXT, self_approval TEXT,"
	" prev_hash TEXT NOT NULL,"
	" row_hash TEXT NOT NULL,"
	" kind TEXT,"
	" recorded TEXT NOT NULL,"
	" signers TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS certificates_id ON certificates(id);"
	"CREATE INDEX IF NOT EXISTS certificates_asset_tag ON certificates(asset_tag);"
	"CREATE INDEX IF NOT EXISTS certificates_serial ON certificates(serial);";

/* the value of the kind column for each enum ledger_kind */
#define KIND_ASSET_EVENT "asset-event"
#define KIND_MACHINE_SUMMARY "machine-summary"

/* statements kept prepared: a batch of adds runs the same few for every row */
#define STMT_CACHE 8

struct sqlite_ledger {
	sqlite3 *db;
	char *path;
	const char *kind_col; /* "kind": the column that tells events from certificates */
	struct {
		char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
};

static sqlite3 *db_of(struct ledger *l)
{
	return ((struct sqlite_ledger *)l->priv)->db;
}

/* SQLite's result codes as errnos, the ledger's contract. */
static int sq_errno(sqlite3 *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return 0;
	case SQLITE_NOMEM: return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return -EBUSY;
	case SQLITE_CANTOPEN: return -ENOENT;
	case SQLITE_PERM:
	case SQLITE_AUTH: return -EACCES;
	case SQLITE_READONLY: return -EROFS;
	case SQLITE_FULL: return -ENOSPC;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_SCHEMA:
	case SQLITE_MISMATCH:
	case SQLITE_CONSTRAINT: return -EBADMSG;
	default:
		if (db)
			log_dbg("ledger: sqlite: %s", sqlite3_errmsg(db));
		return -EIO;
	}
}

static int exec(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		log_dbg("ledger: %s: %s", sql, sqlite3_errmsg(db));
	return sq_errno(db, rc);
}

/*
 * @sql prepared: the cached statement when it is there and not in use (a
 * query run from inside another's iteration gets one of its own). Hand it
 * back with release().
 */
static int prepare(struct ledger *l, const char *sql, sqlite3_stmt **st)
{
	struct sqlite_ledger *s = l->priv;
	int r, free_slot = -1;

	for (int i = 0; i < STMT_CACHE; i++) {
		if (!s->cache[i].sql) {
			free_slot = free_slot < 0 ? i : free_slot;
		} else if (!strcmp(s->cache[i].sql, sql)) {
			if (!sqlite3_stmt_busy(s->cache[i].st)) {
				*st = s->cache[i].st;
				return 0;
			}
			free_slot = -2; /* in use: an uncached one, finalized after */
			break;
		}
	}
	r = sq_errno(s->db,
		     sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL));
	if (r == 0 && free_slot >= 0 && (s->cache[free_slot].sql = strdup(sql)))
		s->cache[free_slot].st = *st;
	return r;
}

static void release(struct ledger *l, sqlite3_stmt *st)
{
	struct sqlite_ledger *s = l->priv;

	for (int i = 0; i < STMT_CACHE; i++)
		if (s->cache[i].sql && s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

/* The directory of a new ledger, created 0700: certificates name people and assets. */
static int make_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int r = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; *p && r == 0; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				r = -errno;
			*p = '/';
		}
		if (r == 0 && mkdir(dir, 0700) < 0 && errno != EEXIST)
			r = -errno;
	}
	free(dir);
	return r;
}

static int query_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int r, rc;

	r = sq_errno(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
	if (r < 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else
		r = rc == SQLITE_DONE ? -EBADMSG : sq_errno(db, rc);
	sqlite3_finalize(st);
	return r;
}

/* A version other than 0 (new) and ours: a kesu ledger has a certificates table. */
static int other_version(sqlite3 *db)
{
	int n = 0;
	int r = query_int(db,
			  "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			  " AND name = 'certificates'",
			  &n);

	return r < 0 ? r : n ? -EPROTO : -EBADMSG;
}

/*
 * A file that exists but is not a kesu ledger must not be taken over. The
 * schema is created under the write lock, after looking again: another
 * `kesu ledger add` may be creating the same new ledger.
 */
static int check_schema(struct sqlite_ledger *s, unsigned flags)
{
	int version = -1, objects = -1, r;
	sqlite3 *db = s->db;

	r = query_int(db, "PRAGMA user_version", &version);
	if (r < 0 || version == LEDGER_SCHEMA)
		return r;
	if (version != 0)
		return other_version(db);
	if (!(flags & LEDGER_CREATE))
		return -ENOENT;
	r = exec(db, "BEGIN IMMEDIATE");
	if (r < 0)
		return r;
	r = query_int(db, "PRAGMA user_version", &version);
	if (r == 0 && version == 0) {
		/* version 0: a new, empty database, unless something else lives in it */
		r = query_int(db, "SELECT count(*) FROM sqlite_master", &objects);
		if (r == 0 && objects != 0)
			r = -EBADMSG;
		if (r == 0)
			r = exec(db, schema);
		if (r == 0)
			r = exec(db, "PRAGMA user_version = " STRINGIFY(LEDGER_SCHEMA));
	} else if (r == 0 && version != LEDGER_SCHEMA) {
		r = other_version(db);
	}
	if (r == 0)
		return exec(db, "COMMIT");
	exec(db, "ROLLBACK");
	return r;
}

static int sq_open(struct ledger *l, const char *path, unsigned flags)
{
	struct sqlite_ledger *s = calloc(1, sizeof(*s));
	int mode = (flags & LEDGER_RDONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	struct stat st;
	int r, fd;

	if (!s)
		return -ENOMEM;
	s->kind_col = "kind";
	l->priv = s;
	if (stat(path, &st) < 0) {
		r = -errno;
		if (r != -ENOENT || !(flags & LEDGER_CREATE))
			goto fail;
		r = make_dir(path);
		if (r < 0)
			goto fail;
		/* 0600 from the start, also in an existing directory; SQLite gives -wal and -shm
		 * the same mode */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			r = -errno;
			goto fail;
		}
		if (fd >= 0)
			close(fd);
	} else if (!S_ISREG(st.st_mode)) {
		r = -EBADMSG;
		goto fail;
	}
	r = sq_errno(NULL, sqlite3_open_v2(path, &s->db, mode | SQLITE_OPEN_NOMUTEX, NULL));
	if (r < 0)
		goto fail;
	sqlite3_busy_timeout(s->db, LEDGER_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 0);
	r = check_schema(s, flags);
	if (r == 0 && !(flags & LEDGER_RDONLY))
		r = exec(s->db, "PRAGMA journal_mode = WAL");
	/* WAL with synchronous FULL: a recorded certificate survives a power cut */
	if (r == 0)
		r = exec(s->db, "PRAGMA synchronous = FULL");
	if (r < 0)
		goto fail;
	return 0;
fail:
	sqlite3_close(s->db);
	free(s);
	l->priv = NULL;
	return r;
}

static int sq_schema(const char *path, int *version)
{
	sqlite3 *db = NULL;
	int r = sq_errno(NULL, sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL));

	if (r == 0)
		r = query_int(db, "PRAGMA user_version", version);
	sqlite3_close(db);
	return r;
}

static void sq_close(struct ledger *l)
{
	struct sqlite_ledger *s = l->priv;

	if (!s)
		return;
	/* a statement left unfinalized would keep the database open */
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	sqlite3_close(s->db);
	free(s);
	l->priv = NULL;
}

static int sq_begin(struct ledger *l)
{
	return exec(db_of(l), "BEGIN IMMEDIATE");
}

static int sq_end(struct ledger *l, bool commit)
{
	return exec(db_of(l), commit ? "COMMIT" : "ROLLBACK");
}

#define FIELD_COLUMNS                                                                              \
	"asset_tag, serial, model, category, technique, result, started, finished, operator, "     \
	"witness, approver, issued, report_id, self_approval, prev_hash, row_hash"
/* schema 3: when the row was recorded (a retired key is judged by it) and who signed */
#define TRUST_COLUMNS ", recorded, signers"
#define COLUMNS                                                                                    \
	"seq, id, refers, certificate, signatures, certificate_sha256, " FIELD_COLUMNS TRUST_COLUMNS
#define NO_BLOBS "seq, id, refers, NULL, NULL, certificate_sha256, " FIELD_COLUMNS TRUST_COLUMNS
/* the column after signers, which run_select's callers append */
#define COL_KIND (COL_FIELD0 + LEDGER_NFIELDS + 4)
/* the column of the first field, in COLUMNS order (enum ledger_field order) */
#define COL_FIELD0 6

static const char *text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static int run_select(sqlite3 *db, sqlite3_stmt *st, bool blobs, ledger_row_fn fn, void *usr,
		      bool *any)
{
	struct ledger_row row;
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.seq = sqlite3_column_int64(st, 0);
		row.id = text(st, 1);
		row.refers = sqlite3_column_int64(st, 2);
		if (blobs) {
			row.cert = sqlite3_column_blob(st, 3);
			row.cert_len = (size_t)sqlite3_column_bytes(st, 3);
			row.sigs = text(st, 4);
		}
		row.cert_sha256 = text(st, 5);
		for (int i = 0; i < LEDGER_NFIELDS; i++)
			row.field[i] = text(st, COL_FIELD0 + i);
		row.prev_hash = text(st, COL_FIELD0 + LEDGER_NFIELDS);
		row.row_hash = text(st, COL_FIELD0 + LEDGER_NFIELDS + 1);
		row.recorded = text(st, COL_FIELD0 + LEDGER_NFIELDS + 2);
		row.signers = text(st, COL_FIELD0 + LEDGER_NFIELDS + 3);
		row.kind = ledger_kind_of(text(st, COL_KIND));
		/* NOT NULL in the schema, but a hand-edited row may still lack them */
		if (!row.id || !row.cert_sha256 || !row.prev_hash || !row.row_hash ||
		    !row.recorded || !row.signers || (blobs && !row.sigs)) {
			row.id = row.id ? row.id : "";
			row.sigs = row.sigs ? row.sigs : "";
			row.cert_sha256 = row.cert_sha256 ? row.cert_sha256 : "";
			row.prev_hash = row.prev_hash ? row.prev_hash : "";
			row.row_hash = row.row_hash ? row.row_hash : "";
			row.recorded = row.recorded ? row.recorded : "";
			row.signers = row.signers ? row.signers : "";
		}
		if (blobs && !row.cert)
			row.cert = (const unsigned char *)"";
		*any = true;
		r = fn(&row, usr);
		if (r)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sq_errno(db, rc);
	return r;
}

static int sq_iterate(struct ledger *l, const struct ledger_filter *f, ledger_row_fn fn, void *usr)
{
	sqlite3 *db = db_of(l);
	char sql[768];
	const char *vals[3] = { f->id, f->asset_tag, f->serial };
	static const char *const cols[3] = { "id", "asset_tag", "serial" };
	sqlite3_stmt *st = NULL;
	bool any = false;
	int n = 0, k = 0, r;

	const char *kind_col = ((struct sqlite_ledger *)l->priv)->kind_col;

	snprintf(sql, sizeof(sql), "SELECT %s, %s FROM certificates",
		 f->no_blobs ? NO_BLOBS : COLUMNS, kind_col);
	if (f->rows != LEDGER_ROWS_ALL) {
		size_t len = strlen(sql);

		snprintf(sql + len, sizeof(sql) - len, " WHERE %s %s", kind_col,
			 f->rows == LEDGER_ROWS_EVENTS	  ? "= '" KIND_ASSET_EVENT "'" :
			 f->rows == LEDGER_ROWS_SUMMARIES ? "= '" KIND_MACHINE_SUMMARY "'" :
							    "IS NULL");
	}
	for (int i = 0; i < 3; i++)
		if (vals[i]) {
			size_t len = strlen(sql);

			snprintf(sql + len, sizeof(sql) - len, " %s %s = ?%d",
				 n || f->rows != LEDGER_ROWS_ALL ? "AND" : "WHERE", cols[i], n + 1);
			n++;
		}
	if (f->before) {
		size_t len = strlen(sql);

		snprintf(sql + len, sizeof(sql) - len, " %s seq < ?%d",
			 n || f->rows != LEDGER_ROWS_ALL ? "AND" : "WHERE", n + 1);
	}
	strncat(sql, f->last ? " ORDER BY seq DESC LIMIT 1" : " ORDER BY seq",
		sizeof(sql) - strlen(sql) - 1);
	r = prepare(l, sql, &st);
	for (int i = 0; r == 0 && i < 3; i++)
		if (vals[i])
			r = sq_errno(db, sqlite3_bind_text(st, ++k, vals[i], -1, SQLITE_STATIC));
	if (r == 0 && f->before)
		r = sq_errno(db, sqlite3_bind_int64(st, ++k, f->before));
	if (r == 0)
		r = run_select(db, st, !f->no_blobs, fn, usr, &any);
	if (st)
		release(l, st);
	if (r == 0 && f->id && !any)
		return -ENOENT;
	return r;
}

static int sq_last_hash(struct ledger *l, int64_t *seq, char hash[LEDGER_HASH_HEX])
{
	sqlite3 *db = db_of(l);
	sqlite3_stmt *st;
	int r, rc;

	*seq = 0;
	hash[0] = '\0';
	r = prepare(l, "SELECT seq, row_hash FROM certificates ORDER BY seq DESC LIMIT 1", &st);
	if (r < 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(hash, LEDGER_HASH_HEX, "%s", text(st, 1) ? text(st, 1) : "");
	} else {
		r = sq_errno(db, rc);
	}
	release(l, st);
	return r;
}

/* sqlite_sequence has no row for the table until its first insert */
static int sq_issued(struct ledger *l, int64_t *seq)
{
	sqlite3 *db = db_of(l);
	sqlite3_stmt *st;
	int r, rc;

	*seq = 0;
	r = prepare(l, "SELECT seq FROM sqlite_sequence WHERE name = 'certificates'", &st);
	if (r < 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	else
		r = sq_errno(db, rc);
	release(l, st);
	return r;
}

static int sq_insert(struct ledger *l, const struct ledger_row *row)
{
	sqlite3 *db = db_of(l);
	sqlite3_stmt *st;
	int r, k = 1;

	r = prepare(l,
		    "INSERT INTO certificates (" COLUMNS
		    ", kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
		    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    &st);
	if (r < 0)
		return r;
	r = sq_errno(db, sqlite3_bind_int64(st, k++, row->seq));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->id, -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, row->refers ? sqlite3_bind_int64(st, k++, row->refers) :
					       sqlite3_bind_null(st, k++));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_blob(st, k++, row->cert, (int)row->cert_len,
						   SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->sigs, -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->cert_sha256, -1, SQLITE_STATIC));
	for (int i = 0; r == 0 && i < LEDGER_NFIELDS; i++)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->field[i], -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->prev_hash, -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->row_hash, -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->recorded, -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, sqlite3_bind_text(st, k++, row->signers, -1, SQLITE_STATIC));
	if (r == 0)
		r = sq_errno(db, ledger_kind_name(row->kind) ?
					 sqlite3_bind_text(st, k++, ledger_kind_name(row->kind), -1,
							   SQLITE_STATIC) :
					 sqlite3_bind_null(st, k++));
	if (r == 0)
		r = sq_errno(db, sqlite3_step(st));
	release(l, st);
	return r;
}

const struct ledger_ops ledger_sqlite_ops = {
	.name = "sqlite",
	.scheme = NULL, /* a path */
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.end = sq_end,
	.schema = sq_schema,
	.iterate = sq_iterate,
	.last_hash = sq_last_hash,
	.issued = sq_issued,
	.insert = sq_insert,
};
