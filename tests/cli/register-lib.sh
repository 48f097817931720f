# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the CLI tests that keep a register, after lib.sh: where it is and how to read it
# behind kesu's back. Each register has a name, a file NAME.db in $WORK on SQLite; under
# KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh) a database of that PostgreSQL server named
# after the test and NAME, read and edited with psql instead of sqlite3. Defines PG (the URL,
# empty on SQLite), SQLTOOL (the stock client's name), at, sql, clone, DOC and blob.
PG=${KESU_TEST_LEDGER_URL:-}
SQLTOOL=sqlite3
[ -z "$PG" ] || SQLTOOL=psql
command -v $SQLTOOL >/dev/null || skip "$SQLTOOL missing (scripts/install-deps installs it)"
# the databases of this test: the script's name, a valid SQL identifier
REGISTER_DB=$(basename "$0" .sh | tr -c 'a-z0-9\n' _)
# at NAME: the location of register NAME (on the server, created on first use)
at() {
	if [ -z "$PG" ]; then
		echo "$WORK/$1.db"
		return
	fi
	if [ ! -e "$WORK/$1.pg" ]; then
		psql -q "$PG" -c "CREATE DATABASE ${REGISTER_DB}_$1" ||
			fail "cannot create the database ${REGISTER_DB}_$1"
		: > "$WORK/$1.pg"
	fi
	echo "postgresql:///${REGISTER_DB}_$1?${PG#*\?}"
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
		psql -q "$PG" -c "DROP DATABASE IF EXISTS ${REGISTER_DB}_$2" \
			-c "CREATE DATABASE ${REGISTER_DB}_$2 TEMPLATE ${REGISTER_DB}_$1" ||
			fail "cannot copy register $1 to $2"
		: > "$WORK/$2.pg"
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
