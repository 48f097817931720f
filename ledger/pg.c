// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ledger on a PostgreSQL server, through libpq: the same rows and chain
 * as the SQLite backend, for many stations writing to one register. Every
 * value reaches the server as a parameter of PQexecParams; the SQL text is
 * made of constants only.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "backend.h"
#include "log.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/*
 * The append lock, one per database. A transaction-level advisory lock, not
 * SERIALIZABLE with retries: it makes the order of appends explicit (each
 * waits for the one before and then reads its head), it is released by the
 * server when the transaction or the connection ends (a killed station
 * leaves nothing held), and it never aborts a certificate's add half-way,
 * where a serialization failure would have to be retried after the verdict
 * had been judged. Readers take no lock.
 */
#define APPEND_LOCK "SELECT pg_advisory_xact_lock(4932187501)"

/*
 * Schema 3, as in SQLite, plus what a shared server needs: the highest seq
 * ever issued in its own table (AUTOINCREMENT's sqlite_sequence), moved only
 * by the insert trigger; triggers that refuse UPDATE, DELETE and TRUNCATE of
 * the rows, also for the owner; and kesu_append(), the one way in, which a
 * station role may run without any right on the table itself.
 */
static const char schema_sql[] =
	"CREATE TABLE kesu_meta (name text PRIMARY KEY, value text NOT NULL);"
	"CREATE TABLE certificates ("
	" seq bigint PRIMARY KEY,"
	" id text NOT NULL, refers bigint, certificate bytea NOT NULL,"
	" signatures text NOT NULL, certificate_sha256 text NOT NULL,"
	" asset_tag text, serial text, model text, category text, technique text, result text,"
	" started text, finished text, operator text, witness text, approver text, issued text,"
	" report_id text, self_approval text,"
	" prev_hash text NOT NULL, row_hash text NOT NULL,"
	" kind text, recorded text NOT NULL, signers text NOT NULL);"
	"CREATE INDEX certificates_id ON certificates(id);"
	"CREATE INDEX certificates_asset_tag ON certificates(asset_tag);"
	"CREATE INDEX certificates_serial ON certificates(serial);"
	"CREATE TABLE kesu_issued (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
	" seq bigint NOT NULL);"
	"INSERT INTO kesu_issued VALUES (true, 0);"
	"CREATE FUNCTION kesu_refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
	" RAISE EXCEPTION 'kesu ledger: % on % refused: the ledger is append-only',"
	" TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END$$;"
	"CREATE TRIGGER certificates_append_only BEFORE UPDATE OR DELETE ON certificates"
	" FOR EACH ROW EXECUTE FUNCTION kesu_refuse();"
	"CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates"
	" FOR EACH STATEMENT EXECUTE FUNCTION kesu_refuse();"
	"CREATE TRIGGER issued_no_delete BEFORE DELETE ON kesu_issued"
	" FOR EACH ROW EXECUTE FUNCTION kesu_refuse();"
	"CREATE TRIGGER issued_no_truncate BEFORE TRUNCATE ON kesu_issued"
	" FOR EACH STATEMENT EXECUTE FUNCTION kesu_refuse();"
	"CREATE TRIGGER issued_no_lowering BEFORE UPDATE ON kesu_issued"
	" FOR EACH ROW WHEN (NEW.seq < OLD.seq) EXECUTE FUNCTION kesu_refuse();"
	"CREATE TRIGGER meta_fixed BEFORE UPDATE OR DELETE ON kesu_meta"
	" FOR EACH ROW EXECUTE FUNCTION kesu_refuse();"
	"CREATE FUNCTION kesu_note_issued() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
	" UPDATE kesu_issued SET seq = greatest(seq, NEW.seq); RETURN NULL; END$$;"
	"CREATE TRIGGER certificates_issued AFTER INSERT ON certificates"
	" FOR EACH ROW EXECUTE FUNCTION kesu_note_issued();"
	"CREATE FUNCTION kesu_append(bigint, text, bigint, bytea, text, text,"
	" text, text, text, text, text, text, text, text, text, text, text, text, text, text,"
	" text, text, text, text, text) RETURNS void LANGUAGE sql SECURITY DEFINER"
	" SET search_path FROM CURRENT AS $$"
	" INSERT INTO certificates (seq, id, refers, certificate, signatures, certificate_sha256,"
	" asset_tag, serial, model, category, technique, result, started, finished, operator,"
	" witness, approver, issued, report_id, self_approval, prev_hash, row_hash, recorded,"
	" signers, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
	" $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) $$;"
	"REVOKE ALL ON FUNCTION kesu_append FROM PUBLIC;"
	"INSERT INTO kesu_meta VALUES ('schema', '" STRINGIFY(LEDGER_SCHEMA) "');";

/*
 * The two roles of `ledger init --roles`, without LOGIN: an administrator
 * grants them to the stations' and auditors' own login roles. The names are
 * constants; the schema's name comes from the server.
 */
static const char roles_sql[] =
	"DO $$BEGIN"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kesu_station') THEN"
	"  CREATE ROLE kesu_station NOLOGIN; END IF;"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kesu_auditor') THEN"
	"  CREATE ROLE kesu_auditor NOLOGIN; END IF;"
	" EXECUTE format('GRANT USAGE ON SCHEMA %I TO kesu_station, kesu_auditor',"
	"  current_schema());"
	" END$$;"
	"REVOKE ALL ON certificates, kesu_issued, kesu_meta FROM PUBLIC, kesu_station, kesu_auditor;"
	"GRANT SELECT ON certificates, kesu_issued, kesu_meta TO kesu_station, kesu_auditor;"
	"REVOKE ALL ON FUNCTION kesu_append FROM kesu_auditor;"
	"GRANT EXECUTE ON FUNCTION kesu_append TO kesu_station;";

struct pg_ledger {
	PGconn *c;
};

static PGconn *conn_of(struct ledger *l)
{
	return ((struct pg_ledger *)l->priv)->c;
}

/* The server's SQLSTATE as an errno, the ledger's contract. */
static int pg_errno(PGconn *c, const PGresult *res)
{
	const char *state;
	ExecStatusType st;

	if (!res)
		return PQstatus(c) == CONNECTION_OK ? -ENOMEM : -ECONNRESET;
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return 0;
	log_dbg("ledger: postgresql: %s", PQresultErrorMessage(res));
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (!state)
		return PQstatus(c) == CONNECTION_OK ? -EIO : -ECONNRESET;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return -ECONNRESET;
	if (!strcmp(state, "42501"))
		return -EACCES;
	if (!strcmp(state, "25006"))
		return -EROFS;
	if (!strncmp(state, "53", 2))
		return !strcmp(state, "53100") ? -ENOSPC : -ENOMEM;
	if (!strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return -EBUSY;
	if (!strncmp(state, "23", 2) || !strcmp(state, "42P01") || !strcmp(state, "42703"))
		return -EBADMSG;
	return -EIO;
}

/*
 * Run @sql with @n text parameters (@bin: their lengths and formats, for
 * bytea); @res, when not NULL, receives the result in binary format.
 */
static int query(PGconn *c, const char *sql, int n, const char *const *vals, const int *lens,
		 const int *fmts, PGresult **res)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, lens, fmts, 1);
	int err = pg_errno(c, r);

	if (err < 0 || !res)
		PQclear(r);
	else
		*res = r;
	return err;
}

static int exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int err = pg_errno(c, r);

	PQclear(r);
	return err;
}

static int64_t int8_at(const PGresult *res, int row, int col)
{
	uint64_t v;

	if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != 8)
		return 0;
	memcpy(&v, PQgetvalue(res, row, col), 8);
	return (int64_t)be64toh(v);
}

static const char *text_at(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/*
 * What kind of database @c is: 0 a kesu ledger of this schema, -ENOENT an
 * empty one, -EPROTO a kesu ledger of another schema (@version set),
 * -EBADMSG something else.
 */
static int read_version(PGconn *c, int *version)
{
	PGresult *res = NULL;
	int r = query(c,
		      "SELECT to_regclass('kesu_meta') IS NOT NULL, (SELECT count(*) FROM pg_class"
		      " WHERE relnamespace = (SELECT oid FROM pg_namespace"
		      " WHERE nspname = current_schema()))::int4",
		      0, NULL, NULL, NULL, &res);
	uint32_t objects;
	bool meta;

	if (r < 0)
		return r;
	meta = PQgetvalue(res, 0, 0)[0];
	memcpy(&objects, PQgetvalue(res, 0, 1), sizeof(objects));
	PQclear(res);
	if (!meta)
		return objects ? -EBADMSG : -ENOENT;
	r = query(c, "SELECT value FROM kesu_meta WHERE name = 'schema'", 0, NULL, NULL, NULL,
		  &res);
	if (r < 0)
		return r;
	*version = PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : -1;
	PQclear(res);
	if (*version < 0)
		return -EBADMSG;
	return *version == LEDGER_SCHEMA ? 0 : -EPROTO;
}

/*
 * Create the schema in an empty database, under the append lock: two
 * stations' first `ledger add` may meet here.
 */
static int create_schema(PGconn *c, bool roles)
{
	int version, r = exec(c, "BEGIN");

	if (r < 0)
		return r;
	r = exec(c, APPEND_LOCK);
	if (r == 0) {
		r = read_version(c, &version);
		if (r == -ENOENT)
			r = exec(c, schema_sql);
	}
	if (r == 0 && roles)
		r = exec(c, roles_sql);
	if (r == 0)
		return exec(c, "COMMIT");
	exec(c, "ROLLBACK");
	return r;
}

/* libpq reads passwords from ~/.pgpass or a service file; never from the location */
static int pg_check(const char *location, char *why, size_t wl)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(location, &err);
	int r = 0;

	if (!opts) {
		/* libpq's reason quotes the URL: not when it may hold a password */
		bool secret = strchr(location, '@') || strstr(location, "password");

		snprintf(why, wl, "malformed PostgreSQL URL%s%s", err && !secret ? ": " : "",
			 err && !secret ? err : "");
		why[strcspn(why, "\n")] = '\0';
		PQfreemem(err);
		return -EINVAL;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && o->val[0]) {
			snprintf(why, wl,
				 "the URL holds a password: keep it in ~/.pgpass or a service "
				 "file, never in a URL (see kesu-ledger(8))");
			r = -EINVAL;
		}
	PQconninfoFree(opts);
	return r;
}

/* how long a station waits for an answer before it counts the server as unreachable */
#define CONNECT_TIMEOUT_S 10

/* the URL's connect_timeout, else CONNECT_TIMEOUT_S: libpq enforces it only when blocking */
static int timeout_ms(PGconn *c)
{
	PQconninfoOption *opts = PQconninfo(c);
	int s = 0;

	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "connect_timeout") && o->val)
			s = atoi(o->val);
	PQconninfoFree(opts);
	return (s > 0 ? s : CONNECT_TIMEOUT_S) * 1000;
}

/*
 * libpq's non-blocking connect, so that kesu sees how far it got: @contact
 * is set once a socket reached the server (its TLS handshake or its login
 * then failed). Return: 0, -ETIMEDOUT, or -ECONNREFUSED (failed; libpq says why)
 */
static int connect_poll(PGconn *c, bool *contact)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	int ms = timeout_ms(c);

	if (PQstatus(c) == CONNECTION_BAD)
		return -ECONNREFUSED;
	while (st != PGRES_POLLING_OK) {
		struct pollfd pfd = { .fd = PQsocket(c) };
		int n;

		if (st == PGRES_POLLING_FAILED)
			return -ECONNREFUSED;
		if (PQstatus(c) != CONNECTION_STARTED)
			*contact = true;
		pfd.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		n = poll(&pfd, 1, ms);
		if (n == 0)
			return -ETIMEDOUT;
		if (n < 0 && errno != EINTR)
			return -ECONNREFUSED;
		st = PQconnectPoll(c);
	}
	return 0;
}

/* libpq's message on one line ("...failed: reason\n\tIs the server running...") */
static const char *one_line(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++) {
		bool space = *s == '\n' || *s == '\t';

		/* a line break and the tab after it make one space */
		if (!space || (n && buf[n - 1] != ' '))
			buf[n++] = space ? ' ' : *s;
	}
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

/*
 * The rows' text is UTF-8, whatever the station's locale: a database that
 * stores text in another encoding would refuse or change characters that
 * SQLite keeps (SQL_ASCII stores the bytes as they come).
 */
static int check_encoding(PGconn *c)
{
	const char *enc = PQparameterStatus(c, "server_encoding");

	if (enc && (!strcmp(enc, "UTF8") || !strcmp(enc, "SQL_ASCII")))
		return 0;
	log_err("postgresql: the database's encoding is %s: a kesu ledger needs UTF8 (CREATE "
		"DATABASE ... ENCODING 'UTF8')",
		enc ? enc : "unknown");
	return -EBADMSG;
}

/*
 * Connect to the server at @location. A server that cannot be reached (no
 * socket, connection refused, no answer in time, or one that answers but
 * takes no connections now: starting up or shutting down) is -EHOSTUNREACH,
 * which a writer may queue for later; a server that was reached and refused
 * this client (its TLS certificate, a wrong password) is not.
 */
static int connect_to(const char *location, PGconn **out)
{
	bool contact = false;
	char why[256], msg[512];
	PGconn *c;
	int r = pg_check(location, why, sizeof(why));

	if (r < 0)
		return r;
	/*
	 * client_encoding after the URL overrides PGCLIENTENCODING and the URL's own:
	 * the same bytes reach the server from every station, whatever its locale
	 */
	c = PQconnectStartParams((const char *const[]){ "dbname", "client_encoding", NULL },
				 (const char *const[]){ location, "UTF8", NULL }, 1);
	if (!c)
		return -ENOMEM;
	r = connect_poll(c, &contact);
	if (r < 0) {
		/* the server's reason (a wrong password, a refused certificate), for the person */
		log_err("postgresql: %s", r == -ETIMEDOUT ?
						  "no answer from the server in time" :
						  one_line(PQerrorMessage(c), msg, sizeof(msg)));
		if (PQconnectionNeedsPassword(c) || PQconnectionUsedPassword(c))
			r = -EACCES;
		else if (r == -ETIMEDOUT || !contact || PQping(location) == PQPING_REJECT)
			r = -EHOSTUNREACH;
		else
			r = -ECONNREFUSED;
		PQfinish(c);
		return r;
	}
	r = check_encoding(c);
	if (r < 0) {
		PQfinish(c);
		return r;
	}
	*out = c;
	return 0;
}

static int pg_open(struct ledger *l, const char *location, unsigned flags)
{
	struct pg_ledger *p = calloc(1, sizeof(*p));
	int version, r;

	if (!p)
		return -ENOMEM;
	r = connect_to(location, &p->c);
	if (r == 0)
		r = read_version(p->c, &version);
	if (r == -ENOENT && (flags & LEDGER_CREATE))
		r = create_schema(p->c, false);
	if (r == 0 && (flags & LEDGER_RDONLY))
		r = exec(p->c, "SET default_transaction_read_only = on");
	if (r < 0) {
		PQfinish(p->c);
		free(p);
		return r;
	}
	l->priv = p;
	return 0;
}

static void pg_close(struct ledger *l)
{
	struct pg_ledger *p = l->priv;

	if (!p)
		return;
	PQfinish(p->c);
	free(p);
	l->priv = NULL;
}

static int pg_schema(const char *location, int *version)
{
	PGconn *c = NULL;
	int r = connect_to(location, &c);

	if (r == 0)
		r = read_version(c, version);
	PQfinish(c);
	return r == -EPROTO ? 0 : r;
}

static int pg_init(const char *location, bool roles)
{
	PGconn *c = NULL;
	int version, r = connect_to(location, &c);

	if (r == 0)
		r = read_version(c, &version);
	if (r == -ENOENT) {
		r = create_schema(c, roles);
	} else if (r == 0) {
		/* schema 3 is the first on PostgreSQL: nothing to migrate yet, only the roles */
		if (roles)
			r = exec(c, roles_sql);
	}
	PQfinish(c);
	return r;
}

static int pg_begin(struct ledger *l)
{
	int r = exec(conn_of(l), "BEGIN");

	if (r == 0) {
		r = exec(conn_of(l), APPEND_LOCK);
		if (r < 0)
			exec(conn_of(l), "ROLLBACK");
	}
	return r;
}

static int pg_end(struct ledger *l, bool commit)
{
	PGresult *res;
	int r;

	if (!commit)
		return exec(conn_of(l), "ROLLBACK");
	res = PQexec(conn_of(l), "COMMIT");
	r = pg_errno(conn_of(l), res);
	/* a transaction an error aborted ends in a rollback that the server calls success */
	if (r == 0 && strcmp(PQcmdStatus(res), "COMMIT"))
		r = -EIO;
	PQclear(res);
	return r;
}

#define FIELD_COLUMNS                                                                              \
	"asset_tag, serial, model, category, technique, result, started, finished, operator, "     \
	"witness, approver, issued, report_id, self_approval, prev_hash, row_hash"
#define TRUST_COLUMNS ", recorded, signers, kind"
#define COLUMNS                                                                                    \
	"seq, id, refers, certificate, signatures, certificate_sha256, " FIELD_COLUMNS TRUST_COLUMNS
#define NO_BLOBS                                                                                   \
	"seq, id, refers, NULL::bytea, NULL::text, certificate_sha256, " FIELD_COLUMNS TRUST_COLUMNS
#define COL_FIELD0 6
#define COL_PREV (COL_FIELD0 + LEDGER_NFIELDS)

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int emit_rows(const PGresult *res, bool blobs, ledger_row_fn fn, void *usr)
{
	struct ledger_row row;
	int r = 0;

	for (int i = 0; r == 0 && i < PQntuples(res); i++) {
		memset(&row, 0, sizeof(row));
		row.seq = int8_at(res, i, 0);
		row.id = or_empty(text_at(res, i, 1));
		row.refers = int8_at(res, i, 2);
		if (blobs) {
			row.cert = (const unsigned char *)PQgetvalue(res, i, 3);
			row.cert_len = (size_t)PQgetlength(res, i, 3);
			row.sigs = or_empty(text_at(res, i, 4));
		}
		row.cert_sha256 = or_empty(text_at(res, i, 5));
		for (int k = 0; k < LEDGER_NFIELDS; k++)
			row.field[k] = text_at(res, i, COL_FIELD0 + k);
		row.prev_hash = or_empty(text_at(res, i, COL_PREV));
		row.row_hash = or_empty(text_at(res, i, COL_PREV + 1));
		row.recorded = or_empty(text_at(res, i, COL_PREV + 2));
		row.signers = or_empty(text_at(res, i, COL_PREV + 3));
		row.kind = ledger_kind_of(text_at(res, i, COL_PREV + 4));
		r = fn(&row, usr);
	}
	return r;
}

/* the SQL of a filter: constant text and $n, the values in @vals */
static void filter_sql(const struct ledger_filter *f, char *sql, size_t sz, const char **vals,
		       int *n, char *before)
{
	const char *given[3] = { f->id, f->asset_tag, f->serial };
	static const char *const conds[3] = { "id = $", "asset_tag = $", "serial = $" };
	const char *and = " WHERE ";
	size_t len;

	snprintf(sql, sz, "SELECT %s FROM certificates", f->no_blobs ? NO_BLOBS : COLUMNS);
	*n = 0;
	if (f->rows == LEDGER_ROWS_CERTS) {
		strncat(sql, " WHERE kind IS NULL", sz - strlen(sql) - 1);
		and = " AND ";
	} else if (f->rows == LEDGER_ROWS_EVENTS || f->rows == LEDGER_ROWS_SUMMARIES) {
		vals[(*n)++] = ledger_kind_name(f->rows == LEDGER_ROWS_EVENTS ?
							LEDGER_KIND_ASSET_EVENT :
							LEDGER_KIND_MACHINE_SUMMARY);
		strncat(sql, " WHERE kind = $1", sz - strlen(sql) - 1);
		and = " AND ";
	}
	for (int i = 0; i < 3; i++)
		if (given[i]) {
			vals[(*n)++] = given[i];
			len = strlen(sql);
			snprintf(sql + len, sz - len, "%s%s%d", and, conds[i], *n);
			and = " AND ";
		}
	if (f->before) {
		snprintf(before, 24, "%lld", (long long)f->before);
		vals[(*n)++] = before;
		len = strlen(sql);
		snprintf(sql + len, sz - len, "%sseq < $%d", and, *n);
	}
	strncat(sql, f->last ? " ORDER BY seq DESC LIMIT 1" : " ORDER BY seq",
		sz - strlen(sql) - 1);
}

static int pg_iterate(struct ledger *l, const struct ledger_filter *f, ledger_row_fn fn, void *usr)
{
	char sql[1024], before[24];
	const char *vals[5];
	PGresult *res = NULL;
	int n, r;

	filter_sql(f, sql, sizeof(sql), vals, &n, before);
	r = query(conn_of(l), sql, n, vals, NULL, NULL, &res);
	if (r < 0)
		return r;
	if (f->id && PQntuples(res) == 0)
		r = -ENOENT;
	else
		r = emit_rows(res, !f->no_blobs, fn, usr);
	PQclear(res);
	return r;
}

static int pg_last_hash(struct ledger *l, int64_t *seq, char hash[LEDGER_HASH_HEX])
{
	PGresult *res = NULL;
	int r = query(conn_of(l),
		      "SELECT seq, row_hash FROM certificates ORDER BY seq DESC LIMIT 1", 0, NULL,
		      NULL, NULL, &res);

	*seq = 0;
	hash[0] = '\0';
	if (r < 0)
		return r;
	if (PQntuples(res) == 1) {
		*seq = int8_at(res, 0, 0);
		snprintf(hash, LEDGER_HASH_HEX, "%s", or_empty(text_at(res, 0, 1)));
	}
	PQclear(res);
	return 0;
}

static int pg_issued(struct ledger *l, int64_t *seq)
{
	PGresult *res = NULL;
	int r = query(conn_of(l), "SELECT seq FROM kesu_issued", 0, NULL, NULL, NULL, &res);

	*seq = 0;
	if (r < 0)
		return r;
	if (PQntuples(res) == 1)
		*seq = int8_at(res, 0, 0);
	PQclear(res);
	return 0;
}

#define NPARAMS (6 + LEDGER_NFIELDS + 5)

static int pg_insert(struct ledger *l, const struct ledger_row *row)
{
	char seq[24], refers[24];
	const char *vals[NPARAMS];
	int lens[NPARAMS] = { 0 }, fmts[NPARAMS] = { 0 }, k = 0;

	snprintf(seq, sizeof(seq), "%lld", (long long)row->seq);
	snprintf(refers, sizeof(refers), "%lld", (long long)row->refers);
	vals[k++] = seq;
	vals[k++] = row->id;
	vals[k++] = row->refers ? refers : NULL;
	/* the certificate's bytes as they are, in binary format */
	lens[k] = (int)row->cert_len;
	fmts[k] = 1;
	vals[k++] = (const char *)row->cert;
	vals[k++] = row->sigs;
	vals[k++] = row->cert_sha256;
	for (int i = 0; i < LEDGER_NFIELDS; i++)
		vals[k++] = row->field[i];
	vals[k++] = row->prev_hash;
	vals[k++] = row->row_hash;
	vals[k++] = row->recorded;
	vals[k++] = row->signers;
	vals[k++] = ledger_kind_name(row->kind);
	return query(conn_of(l),
		     "SELECT kesu_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
		     " $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
		     k, vals, lens, fmts, NULL);
}

const struct ledger_ops ledger_pg_ops = {
	.name = "postgresql",
	.scheme = "postgresql",
	.check = pg_check,
	.open = pg_open,
	.close = pg_close,
	.init = pg_init,
	.begin = pg_begin,
	.end = pg_end,
	.schema = pg_schema,
	.iterate = pg_iterate,
	.last_hash = pg_last_hash,
	.issued = pg_issued,
	.insert = pg_insert,
};
