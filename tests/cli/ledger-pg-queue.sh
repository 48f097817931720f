#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Store and forward on PostgreSQL (pg-lib.sh's private cluster): with the server stopped,
# ledger add queues a certificate in the local SQLite queue (exit 24, the row read with
# sqlite3), status shows it, a bad one is refused and not queued; with the server back, what
# is added queues behind, sync records each once (counted by id with psql), a second sync
# does nothing, one the register refuses stays flagged with the reason, one recorded behind
# the queue's back (a lost reply) is found, not recorded twice; a connection terminated
# mid-append (pg_terminate_backend) loses nothing; 4 stations adding 100 certificates each
# while the server is killed (pg_ctl stop -m immediate) lose nothing and record nothing
# twice (the issue's 8 x 1,000 is bench/ledger-pg-fault); the chain verifies after each. A
# server that takes the connection and never answers is queued for after connect_timeout.
. "$(dirname "$0")/lib.sh"
set -e
command -v python3 >/dev/null || skip "python3 missing (scripts/install-deps installs it)"
. "$(dirname "$0")/pg-lib.sh"
cd "$WORK"

# rows ID: how many rows of the register record certificate ID
rows() { psql -qAt "$DB" -c "SELECT count(*) FROM certificates WHERE id = '$1'"; }
queued() { sqlite3 "$WORK/q.db" "SELECT count(*) FROM queue"; }
idof() { jq -r .id "$1"; }

pg_certs
psql -q "$URL" -c "CREATE DATABASE q" || fail "CREATE DATABASE"
DB="postgresql:///q?$Q"
rc_is 0 "$KESU" ledger --ledger "$DB" init
L="--ledger $DB --trust $WORK/trust --queue $WORK/q.db"
mkdir c
for i in 1 2 3 4; do cert c/$i.json "PC-$i"; done

# the server down: queued, told, exit 24; the same again is queued once
pg_stop fast
expect_err 24 "c/1.json: queued: the register at $DB is unreachable; run kesu ledger sync" \
	"$KESU" ledger $L add c/1.json
[ ! -s out ] || fail "a queued certificate printed as recorded: $(cat out)"
[ "$(sqlite3 q.db "SELECT id FROM queue")" = "$(idof c/1.json)" ] || fail "not in the queue"
[ "$(sqlite3 q.db "SELECT count(*) FROM queue_signatures WHERE name = 'operator.minisig'")" = 1 ] ||
	fail "its signature is not queued with it"
rc_is 24 "$KESU" ledger $L add c/1.json
[ "$(queued)" = 1 ] || fail "the same certificate queued twice"
# one that fails its verdict is refused here, not queued: nothing waits that cannot be recorded
cp c/2.json forged.json
cp c/3.json.operator.minisig forged.json.operator.minisig
rc_is 10 "$KESU" ledger $L add forged.json
[ "$(queued)" = 1 ] || fail "a forged certificate was queued"
expect_err 1 "cannot be reached" "$KESU" ledger --ledger "$DB" list
ok "server down: add queues (24, told on stderr, the row in sqlite3), once; a forgery refused"

rc_is 24 "$KESU" ledger $L status
grep -qF "1 queued for $DB" out || fail "status: $(cat out)"
rc_is 24 "$KESU" ledger $L status --json
[ "$(jq -r '.queued, .refused, .documents[0].certificate_id' out | tr '\n' ' ')" = \
	"1 0 $(idof c/1.json) " ] || fail "status --json: $(cat out)"
ok "status shows what waits (24), --json too"

# the server back: a new add queues behind, sync records both in order, once
pg_start
expect_err 24 "earlier certificates for the register at $DB wait in the queue" \
	"$KESU" ledger $L add c/2.json
[ "$(rows "$(idof c/1.json)")" = 0 ] || fail "recorded before sync"
rc_is 0 "$KESU" ledger $L sync
grep -q "$(idof c/1.json): recorded as seq 1" out || fail "sync: $(cat out err)"
grep -q "$(idof c/2.json): recorded as seq 2" out || fail "sync order: $(cat out err)"
[ "$(rows "$(idof c/1.json)")$(rows "$(idof c/2.json)")" = 11 ] || fail "not recorded once"
[ "$(queued)" = 0 ] || fail "still queued after sync"
rc_is 0 "$KESU" ledger $L sync
grep -qF "0 recorded, 0 found recorded already, 0 refused; 0 left" err || fail "resync: $(cat err)"
rc_is 0 "$KESU" ledger $L status
grep -qF "nothing queued" out || fail "status after sync: $(cat out)"
rc_is 0 "$KESU" ledger $L add c/3.json
grep -q "recorded as seq 3" out || fail "add after sync: $(cat out err)"
rc_is 0 "$KESU" ledger --ledger "$DB" --trust "$WORK/trust" verify
grep -q "3 rows, chain intact" out || fail "verify: $(cat out)"
ok "server back: sync records in order, once; a second sync does nothing; add records again"

# a queued certificate the register refuses (its signer no longer trusted): flagged, kept
pg_stop fast
rc_is 24 "$KESU" ledger $L add c/4.json
pg_start
mkdir trust2
expect_err 11 "refused by the register, stays in the queue" \
	"$KESU" ledger $L --trust "$WORK/trust2" sync
[ "$(sqlite3 q.db "SELECT tries, error IS NOT NULL FROM queue")" = "1|1" ] ||
	fail "the refused certificate is not flagged: $(sqlite3 q.db "SELECT * FROM queue")"
rc_is 24 "$KESU" ledger $L status
grep -qF "1 refused by the register" out || fail "status with a refusal: $(cat out)"
grep -qF "$(idof c/4.json) queued" out || fail "status lacks the refused one: $(cat out)"
rc_is 24 "$KESU" ledger $L status --json
jq -e '.documents[0].error | test("trust")' out > /dev/null || fail "status --json: $(cat out)"
rc_is 0 "$KESU" ledger $L sync
[ "$(rows "$(idof c/4.json)")$(queued)" = 10 ] || fail "the refused one, once trusted again"
ok "a certificate the register refuses stays queued, flagged with the reason, until recorded"

# a reply lost after the commit: the certificate is queued and recorded; sync finds it, once
pg_stop fast
cert c/5.json PC-5
rc_is 24 "$KESU" ledger $L add c/5.json
pg_start
rc_is 0 "$KESU" ledger --ledger "$DB" --trust "$WORK/trust" --queue "$WORK/q2.db" add c/5.json
rc_is 0 "$KESU" ledger $L sync
grep -q "$(idof c/5.json): already recorded" out || fail "sync of a recorded one: $(cat out err)"
[ "$(rows "$(idof c/5.json)")$(queued)" = 10 ] || fail "a recorded one, queued: not once"
ok "a queued certificate the register already has (a lost reply) is found, not recorded twice"

# a connection terminated mid-append (waiting for the append lock inside its transaction)
cert c/6.json PC-6
# waitfor SQL: until the query returns a row (a bound, not a timing assertion)
waitfor() {
	i=0
	until [ -n "$(psql -qAt "$DB" -c "$1")" ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || fail "waited in vain for: $1"
		sleep 0.05
	done
}
PGAPPNAME=holder psql -qAt "$DB" -c "BEGIN" -c "SELECT pg_advisory_xact_lock(4932187501)" \
	-c "SELECT pg_sleep(120)" > /dev/null 2>&1 &
holder=$!
waitfor "SELECT pid FROM pg_stat_activity WHERE application_name = 'holder'
	AND wait_event = 'PgSleep'"
"$KESU" ledger $L add c/6.json > term.out 2> term.err &
adder=$!
waitfor "SELECT pid FROM pg_stat_activity WHERE application_name = '' AND wait_event = 'advisory'"
psql -qAt "$DB" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE application_name = '' AND wait_event = 'advisory'" > /dev/null
set +e
wait "$adder"
got=$?
set -e
[ "$got" = 24 ] || fail "add whose connection was terminated: exit $got: $(cat term.out term.err)"
grep -q "c/6.json: queued" term.err || fail "not told it was queued: $(cat term.err)"
psql -qAt "$DB" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE application_name = 'holder'" > /dev/null
wait "$holder" || true
[ "$(rows "$(idof c/6.json)")$(queued)" = 01 ] || fail "terminated: recorded or not queued"
rc_is 0 "$KESU" ledger $L sync
[ "$(rows "$(idof c/6.json)")$(queued)" = 10 ] || fail "terminated: not recorded once by sync"
ok "a connection terminated mid-append (pg_terminate_backend): queued, then recorded once"

# load and fault: 4 stations x 100 certificates at once, the server killed in the middle
before=$(psql -qAt "$DB" -c "SELECT count(*) FROM certificates")
for s in 1 2 3 4; do
	mkdir s$s
	for i in $(seq 1 100); do cert s$s/$i.json "L-$s-$i"; done &
done
wait
pids=""
for s in 1 2 3 4; do
	"$KESU" ledger $L add s$s/*.json > s$s.out 2> s$s.err &
	pids="$pids $!"
done
waitfor "SELECT 1 WHERE (SELECT count(*) FROM certificates) >= $before + 40"
pg_stop immediate
for p in $pids; do
	set +e
	wait "$p"
	got=$?
	set -e
	[ "$got" = 24 ] || [ "$got" = 0 ] || fail "a station exited $got: $(cat s*.err)"
done
# every certificate was told recorded or queued: none lost on the station's side; a station's
# 100 are one batch (one transaction), recorded or queued whole, never in part
told=0
for s in 1 2 3 4; do
	rec=$(grep -c ': recorded as seq' s$s.out || true)
	[ "$rec" = 0 ] || [ "$rec" = 100 ] || fail "station $s: $rec of its batch of 100 recorded"
	[ "$((rec + $(grep -c ': queued:' s$s.err || true)))" = 100 ] ||
		fail "station $s: not every certificate recorded or queued: $(cat s$s.out s$s.err)"
	told=$((told + rec))
done
[ "$told" -ge 40 ] || fail "the rows seen before the kill were not told recorded: $told"
[ "$(queued)" -gt 0 ] || fail "nothing was queued: the server was not killed in the middle"
pg_start
rc_is 0 "$KESU" ledger $L sync
[ "$(queued)" = 0 ] || fail "left in the queue after sync: $(cat err)"
for s in 1 2 3 4; do for i in $(seq 1 100); do idof s$s/$i.json; done; done | sort > ids
psql -qAt "$DB" -c "SELECT id FROM certificates WHERE asset_tag LIKE 'L-%' ORDER BY id" > got
cmp -s ids got || fail "the register's ids differ from the certificates': $(diff ids got | head)"
[ "$(psql -qAt "$DB" -c "SELECT count(*) - count(DISTINCT id), count(*) - $before
	FROM certificates")" = "0|400" ] || fail "recorded twice, or not all"
rc_is 0 "$KESU" ledger --ledger "$DB" --trust "$WORK/trust" verify
grep -q "chain intact" out || fail "verify after the fault: $(cat out)"
ok "4 stations x 100 with the server killed mid-run: $(grep -c . ids) recorded once each, chain intact"

# a server that takes the connection and never answers: after the URL's connect_timeout the
# certificate is queued, like one for a server that is down
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(120)' > mute.port &
mute=$!
i=0
until [ -s mute.port ]; do i=$((i + 1)); [ $i -lt 200 ] || fail "no listener"; sleep 0.05; done
MUTE="postgresql://kesu@127.0.0.1:$(cat mute.port)/q?connect_timeout=1&sslmode=disable"
cert c/7.json PC-7
expect_err 24 "c/7.json: queued: the register at $MUTE is unreachable" \
	"$KESU" ledger --ledger "$MUTE" --trust "$WORK/trust" --queue "$WORK/q3.db" add c/7.json
grep -q "no answer from the server in time" err || fail "no reason given: $(cat err)"
kill "$mute"
[ "$(sqlite3 q3.db "SELECT id FROM queue")" = "$(idof c/7.json)" ] || fail "not queued"
ok "a server that never answers: queued after connect_timeout"
