#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The ledger on PostgreSQL over TLS (pg-lib.sh's private cluster, listening on 127.0.0.1 too,
# on a free port, with ssl = on): a test CA, a server certificate for 127.0.0.1 and a client
# certificate made here with openssl; pg_hba.conf accepts the station by its certificate
# (hostssl ... cert) and another role by password (scram-sha-256). A URL with
# sslmode=verify-full, sslrootcert, sslcert and sslkey records and verifies; a server
# certificate from another CA and a wrong password in ~/.pgpass are refused with their message
# and exit 1, nothing written and nothing queued; the right password records.
. "$(dirname "$0")/lib.sh"
set -e
for t in openssl python3; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
. "$(dirname "$0")/pg-lib.sh"
cd "$WORK"

# the PKI: a CA, the server's certificate (its name: 127.0.0.1), station1's client certificate,
# and a second CA that signed neither
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
for ca in ca other; do
	openssl req -x509 $ec -keyout $ca.key -out $ca.crt -days 2 -subj "/CN=kesu test $ca" \
		2> /dev/null || fail "openssl: the $ca"
done
# issue NAME CN EXT: NAME.key and NAME.crt, signed by the CA
issue() {
	# shellcheck disable=SC2086
	openssl req $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2> /dev/null ||
		fail "openssl: $1's request"
	printf '%s\n' "$3" > "$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
		-extfile "$1.ext" -out "$1.crt" 2> /dev/null || fail "openssl: $1's certificate"
}
issue server 127.0.0.1 "subjectAltName = IP:127.0.0.1"
issue client station1 "extendedKeyUsage = clientAuth"
chmod 600 client.key
# the server's files, as the server's user wants them
cp server.crt server.key ca.crt "$PGDIR/"
chown nobody "$PGDIR/server.key" "$PGDIR/server.crt" "$PGDIR/ca.crt"
chmod 600 "$PGDIR/server.key"
cat > hba <<HBA
local all all trust
hostssl all station1 127.0.0.1/32 cert
hostssl all pwuser 127.0.0.1/32 scram-sha-256
HBA
cp hba "$PGDIR/data/pg_hba.conf"
chown nobody "$PGDIR/data/pg_hba.conf"

# a free port on the loopback, and the server on it with TLS
pg_stop fast
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
pg_start "-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$PGDIR/server.crt" \
	"-c ssl_key_file=$PGDIR/server.key -c ssl_ca_file=$PGDIR/ca.crt -c log_connections=on"
LOCAL="postgresql:///tls?host=$PGDIR&port=$PORT&user=kesu"
psql -q "postgresql:///postgres?host=$PGDIR&port=$PORT&user=kesu" -c "CREATE DATABASE tls" ||
	fail "CREATE DATABASE"
"$KESU" ledger --ledger "$LOCAL" init --roles > /dev/null || fail "init --roles"
psql -q "$LOCAL" -c "CREATE ROLE station1 LOGIN IN ROLE kesu_station" \
	-c "CREATE ROLE pwuser LOGIN PASSWORD 'right' IN ROLE kesu_station" || fail "roles"
rows() { psql -qAt "$LOCAL" -c "SELECT count(*) FROM certificates"; }

pg_certs
cert a.json
cert b.json

TLS="sslmode=verify-full&sslrootcert=$WORK/ca.crt&sslcert=$WORK/client.crt&sslkey=$WORK/client.key"
S="postgresql://station1@127.0.0.1:$PORT/tls?$TLS"
L="--trust $WORK/trust --queue $WORK/q.db"
rc_is 0 "$KESU" ledger --ledger "$S" $L add a.json
grep -q "a.json: recorded as seq 1" out || fail "add over TLS: $(cat out err)"
rc_is 0 "$KESU" ledger --ledger "$S" --trust "$WORK/trust" verify
grep -q "1 rows, chain intact" out || fail "verify over TLS: $(cat out)"
# the server's own record: station1 came in over TLS, authenticated by its certificate
grep -q 'connection authorized: user=station1 database=tls.*SSL enabled' "$PGDIR/log" ||
	fail "the server did not log a TLS login of station1: $(tail -5 "$PGDIR/log")"
grep -q 'connection authenticated: identity="CN=station1" method=cert' "$PGDIR/log" ||
	fail "station1 was not authenticated by its certificate: $(tail -5 "$PGDIR/log")"
ok "sslmode=verify-full with a client certificate: recorded and verified"

# a server whose certificate another CA signed: refused, nothing written, nothing queued
W="postgresql://station1@127.0.0.1:$PORT/tls?${TLS%%&*}&sslrootcert=$WORK/other.crt"
W="$W&sslcert=$WORK/client.crt&sslkey=$WORK/client.key"
expect_err 1 "refused the connection, nothing written" "$KESU" ledger --ledger "$W" $L add b.json
grep -q "certificate verify failed" err || fail "no reason for the refused certificate: $(cat err)"
[ "$(rows)" = 1 ] || fail "written through a refused certificate"
[ ! -e q.db ] || fail "a refused certificate's add was queued"
ok "a server certificate of another CA: refused (1) with libpq's reason, nothing written or queued"

# a password from ~/.pgpass (never the URL): a wrong one refused, the right one records
P="postgresql://pwuser@127.0.0.1:$PORT/tls?sslmode=verify-full&sslrootcert=$WORK/ca.crt"
printf '127.0.0.1:%s:tls:pwuser:wrong\n' "$PORT" > pgpass
chmod 600 pgpass
export PGPASSFILE="$WORK/pgpass"
expect_err 1 "refused the login" "$KESU" ledger --ledger "$P" $L add b.json
grep -q "password authentication failed" err || fail "no reason for the password: $(cat err)"
[ "$(rows)" = 1 ] || fail "written with a wrong password"
[ ! -e q.db ] || fail "a wrong password's add was queued"
printf '127.0.0.1:%s:tls:pwuser:right\n' "$PORT" > pgpass
rc_is 0 "$KESU" ledger --ledger "$P" $L add b.json
grep -q "b.json: recorded as seq 2" out || fail "the right password: $(cat out err)"
unset PGPASSFILE
ok "a wrong password in .pgpass: refused (1), nothing written or queued; the right one records"
