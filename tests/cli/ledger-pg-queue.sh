#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Store and forward on PostgreSQL (pg-lib.sh's private cluster): with the server stopped,
# ledger add queues a certificate in the local SQLite queue (exit 24, the row read with
# sqlite3), status shows it, a bad one is refused and not queued; with the server back, what
# is added queues behind, sync records each once (counted by id with psql), a second sync
# does nothing, one the register refuses stays flagged with the reason; 4 stations adding
# 100 certificates each while the server is killed (pg_ctl stop -m immediate) lose nothing
# and record nothing twice; a connection terminated mid-append (pg_terminate_backend) loses
# nothing; the chain verifies after each.
. "$(dirname "$0")/lib.sh"
set -e
command -v sqlite3 >/dev/null || skip "sqlite3 missing (scripts/install-deps installs it)"
. "$(dirname "$0")/pg-lib.sh"
cd "$WORK"

expect_rc() {
	want=$1; shift
	set +e
	"$@" > out 2> err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat out err >&9; fail "'$*' exited $got, expected $want"; }
}
expect_err() {
	want=$1 text=$2; shift 2
	expect_rc "$want" "$@"
	grep -qF -- "$text" err || fail "'$*': message lacks '$text': $(cat err)"
}
# rows ID: how many rows of the register record certificate ID
rows() { psql -qAt "$DB" -c "SELECT count(*) FROM certificates WHERE id = '$1'"; }
queued() { sqlite3 "$WORK/q.db" "SELECT count(*) FROM queue"; }
idof() { jq -r .id "$1"; }

keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir keys trust
cp "$keys"/operator.key "$keys"/operator.key.pub keys/
chmod 600 keys/operator.key
cp "$keys/operator.key.pub" trust/
printf 'kesu-test-operator\n' > op.pass
dev=$(mkloop 1048576)
"$KESU" erase --yes --quiet -m zero --operator 'Test Operator' --report "$WORK/R.json" "$dev" \
	2> err || fail "erase: $(cat err)"
# cert FILE TAG: a certificate signed by the operator, of asset TAG
cert() {
	jq --arg t "$2" --arg r "$(cat /proc/sys/kernel/random/uuid)" \
		'.id = $r | .operator.asset_tag = $t' R.json > "$1.in"
	"$KESU" cert issue "$1.in" --sign-key keys/operator.key --passphrase-file op.pass \
		-o "$1" > /dev/null 2> err || fail "cert issue $1: $(cat err)"
	rm "$1.in"
}
psql -q "$URL" -c "CREATE DATABASE q" || fail "CREATE DATABASE"
DB="postgresql:///q?$Q"
expect_rc 0 "$KESU" ledger --ledger "$DB" init
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
expect_rc 24 "$KESU" ledger $L add c/1.json
[ "$(queued)" = 1 ] || fail "the same certificate queued twice"
# one that fails its verdict is refused here, not queued: nothing waits that cannot be recorded
cp c/2.json forged.json
cp c/3.json.operator.minisig forged.json.operator.minisig
expect_rc 10 "$KESU" ledger $L add forged.json
[ "$(queued)" = 1 ] || fail "a forged certificate was queued"
expect_err 1 "cannot be reached" "$KESU" ledger --ledger "$DB" list
ok "server down: add queues (24, told on stderr, the row in sqlite3), once; a forgery refused"

expect_rc 24 "$KESU" ledger $L status
grep -qF "1 queued for $DB" out || fail "status: $(cat out)"
expect_rc 24 "$KESU" ledger $L status --json
[ "$(jq -r '.queued, .refused, .documents[0].certificate_id' out | tr '\n' ' ')" = \
	"1 0 $(idof c/1.json) " ] || fail "status --json: $(cat out)"
ok "status shows what waits (24), --json too"

# the server back: a new add queues behind, sync records both in order, once
pg_start
expect_err 24 "earlier certificates for the register at $DB wait in the queue" \
	"$KESU" ledger $L add c/2.json
[ "$(rows "$(idof c/1.json)")" = 0 ] || fail "recorded before sync"
expect_rc 0 "$KESU" ledger $L sync
grep -q "$(idof c/1.json): recorded as seq 1" out || fail "sync: $(cat out err)"
grep -q "$(idof c/2.json): recorded as seq 2" out || fail "sync order: $(cat out err)"
[ "$(rows "$(idof c/1.json)")$(rows "$(idof c/2.json)")" = 11 ] || fail "not recorded once"
[ "$(queued)" = 0 ] || fail "still queued after sync"
expect_rc 0 "$KESU" ledger $L sync
grep -qF "0 recorded, 0 found recorded already, 0 refused; 0 left" err || fail "resync: $(cat err)"
expect_rc 0 "$KESU" ledger $L status
grep -qF "nothing queued" out || fail "status after sync: $(cat out)"
expect_rc 0 "$KESU" ledger $L add c/3.json
grep -q "recorded as seq 3" out || fail "add after sync: $(cat out err)"
expect_rc 0 "$KESU" ledger --ledger "$DB" --trust "$WORK/trust" verify
grep -q "3 rows, chain intact" out || fail "verify: $(cat out)"
ok "server back: sync records in order, once; a second sync does nothing; add records again"

# a queued certificate the register refuses (its signer no longer trusted): flagged, kept
pg_stop fast
expect_rc 24 "$KESU" ledger $L add c/4.json
pg_start
mkdir trust2
expect_err 11 "refused by the register, stays in the queue" \
	"$KESU" ledger $L --trust "$WORK/trust2" sync
[ "$(sqlite3 q.db "SELECT tries, error IS NOT NULL FROM queue")" = "1|1" ] ||
	fail "the refused certificate is not flagged: $(sqlite3 q.db "SELECT * FROM queue")"
expect_rc 24 "$KESU" ledger $L status
grep -qF "1 refused by the register" out || fail "status with a refusal: $(cat out)"
grep -qF "$(idof c/4.json) queued" out || fail "status lacks the refused one: $(cat out)"
expect_rc 24 "$KESU" ledger $L status --json
jq -e '.documents[0].error | test("trust")' out > /dev/null || fail "status --json: $(cat out)"
expect_rc 0 "$KESU" ledger $L sync
[ "$(rows "$(idof c/4.json)")$(queued)" = 10 ] || fail "the refused one, once trusted again"
ok "a certificate the register refuses stays queued, flagged with the reason, until recorded"
