# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the CLI tests that keep a register, after lib.sh: where it is and how to read it
# behind kesu's back. Each register has a name, the file $WORK/NAME.db on SQLite; under
# KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh) a database of that PostgreSQL server named
# after the test and NAME, read and edited with psql instead of sqlite3. Defines PG (the URL,
# empty on SQLite), SQLTOOL (the stock client's name), CONFKEY (the key of [ledger] in
# kesu.conf that names such a register), at, sql, clone, DOC and blob.
PG=${KESU_TEST_LEDGER_URL:-}
SQLTOOL=sqlite3 CONFKEY=path
[ -z "$PG" ] || SQLTOOL=psql CONFKEY=url
command -v $SQLTOOL >/dev/null || skip "$SQLTOOL missing (scripts/install-deps installs it)"
# the databases of this test: the script's name, a valid SQL identifier
REGISTER_DB=$(basename "$0" .sh | tr -c 'a-z0-9\n' _)
# dbname NAME: the database of register NAME on the server (a path's slashes made underscores)
dbname() { echo "${REGISTER_DB}_$(echo "$1" | tr -c 'a-z0-9\n' _)"; }
# at NAME: the location of register NAME (on the server, created on first use)
at() {
	if [ -z "$PG" ]; then
		echo "$WORK/$1.db"
		return
	fi
	if [ ! -e "$WORK/.$(dbname "$1")" ]; then
		psql -q "$PG" -c "CREATE DATABASE $(dbname "$1")" ||
			fail "cannot create the database $(dbname "$1")"
		: > "$WORK/.$(dbname "$1")"
	fi
	echo "postgresql:///$(dbname "$1")?${PG#*\?}"
}
# sql NAME QUERY: QUERY on register NAME by the stock client of its backend; on the server as
# its superuser with the append-only triggers off, as one editing it behind kesu's back would
sql() {
	if [ -n "$PG" ]; then
		PGOPTIONS="-c session_replication_role=replica" psql -qAt "$(at "$1")" -c "$2"
	else
		sqlite3 "$WORK/$1.db" "$2"
	fi
}
# clone FROM TO: register TO, a copy of register FROM (replacing TO)
clone() {
	if [ -n "$PG" ]; then
		at "$1" > /dev/null
		psql -q "$PG" -c "DROP DATABASE IF EXISTS $(dbname "$2")" \
			-c "CREATE DATABASE $(dbname "$2") TEMPLATE $(dbname "$1")" ||
			fail "cannot copy register $1 to $2"
		: > "$WORK/.$(dbname "$2")"
	else
		cp "$WORK/$1.db" "$WORK/$2.db"
	fi
}
# a certificate's bytes as text in a query (DOC), and text as a certificate's bytes (blob TEXT)
if [ -n "$PG" ]; then
	DOC="convert_from(certificate, 'UTF8')"
	blob() { echo "convert_to($1, 'UTF8')"; }
else
	DOC="CAST(certificate AS TEXT)"
	blob() { echo "CAST($1 AS BLOB)"; }
fi
