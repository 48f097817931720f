# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the PostgreSQL tests (ledger-pg.sh, ledger-pg-queue.sh), after lib.sh: a private
# PostgreSQL 15 cluster of the test (initdb in a temporary directory, the server run as the
# unprivileged user nobody, a Unix socket only), stopped and removed at the end. Sets PGBIN,
# PGDIR, PORT, Q (the connection parameters) and URL (the database postgres); defines
# rc_is and expect_err (into the files out and err), newdb, and certificates: pg_certs
# makes the operator's key, the trust store $WORK/trust and a report in the current
# directory, after which cert FILE [TAG] issues a signed certificate of a new id.
PGBIN=${KESU_TEST_PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] ||
	skip "no PostgreSQL server binaries in $PGBIN (scripts/install-deps installs postgresql-15)"
for t in psql jq minisign runuser sqlite3; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
# the server refuses to run as root: as nobody, in a directory of its own
id nobody >/dev/null 2>&1 || skip "no unprivileged user nobody to run the server as"
PGDIR=$(mktemp -d /tmp/kesu-pg.XXXXXX)
chown nobody "$PGDIR"
chmod 700 "$PGDIR"
# from /: the test's own directory is not for nobody to enter
as_pg() { (cd / && runuser -u nobody -- "$@"); }
stop_server() {
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PGDIR"
}
# the test's own status, not stop_server's, is what cleanup exits with
trap 'rc=$?; stop_server; (exit $rc); cleanup' EXIT
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U kesu >"$PGDIR/initdb.log" 2>&1 ||
	skip "initdb cannot run as nobody here: $(tail -1 "$PGDIR/initdb.log")"
# a port of its own, on the socket only: nothing outside this test reaches it
PORT=$((50000 + $$ % 10000))
# pg_start [SERVER OPTIONS]: start (again) and wait until it takes connections
pg_start() {
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o \
		"-k $PGDIR -p $PORT -c listen_addresses='' $*" start >/dev/null ||
		fail "the server did not start: $(tail -3 "$PGDIR/log")"
	chmod 711 "$PGDIR"
}
# pg_stop MODE: fast (connections closed, then down) or immediate (killed, as by a crash)
pg_stop() {
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m "$1" -w stop >/dev/null ||
		fail "the server did not stop"
}
pg_start
Q="host=$PGDIR&port=$PORT&user=kesu"
URL="postgresql:///postgres?$Q"

# newdb NAME: a new database; prints its URL
newdb() {
	psql -q "$URL" -c "CREATE DATABASE $1" || fail "CREATE DATABASE $1"
	echo "postgresql:///$1?$Q"
}
pg_certs() {
	mkdir keys trust
	cp "$KESU_SRCDIR/tests/data/keys/operator.key" "$KESU_SRCDIR/tests/data/keys/operator.key.pub" \
		keys/
	chmod 600 keys/operator.key
	cp keys/operator.key.pub trust/
	printf 'kesu-test-operator\n' > op.pass
	dev=$(mkloop 1048576)
	"$KESU" erase --yes --quiet -m zero --operator 'Test Operator' --report R.json "$dev" \
		2> err || fail "erase: $(cat err)"
}
# cert FILE [TAG]: a certificate signed by the operator, of asset TAG
cert() {
	jq --arg t "${2:-}" --arg r "$(cat /proc/sys/kernel/random/uuid)" \
		'.id = $r | .operator.asset_tag = $t' R.json > "$1.in"
	"$KESU" cert issue "$1.in" --sign-key keys/operator.key --passphrase-file op.pass \
		-o "$1" > /dev/null 2> err || fail "cert issue $1: $(cat err)"
	rm "$1.in"
}
