#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu station with its register on PostgreSQL (pg-lib.sh's private cluster): with the server
# stopped, two loop devices erased unattended queue their certificates and the machine summary
# (exit 24, the rows read with sqlite3); with the server back, kesu ledger sync records each
# once (counted with psql; the summary a row of kind machine-summary) and the chain verifies.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
. "$(dirname "$0")/pg-lib.sh"
cd "$WORK"

MiB=1048576
pg_certs
DB=$(newdb st)
rc_is 0 "$KESU" ledger --ledger "$DB" init
cat > kesu.conf <<CONF
[trust]
dir = $WORK/trust
[ledger]
url = $DB
queue = $WORK/q.db
CONF
chmod 600 kesu.conf
export KESU_CONFIG="$WORK/kesu.conf"
rows() { psql -qAt "$DB" -c "SELECT count(*) FROM certificates WHERE id = '$1'"; }

pg_stop fast
mkdir st
a=$(mkloop $((4 * MiB)))
b=$(mkloop $((4 * MiB)))
rc_is 24 "$KESU" station --no-tui --auto --once --countdown 1 --method zero \
	--sign-key keys/operator.key --passphrase-file op.pass --output-dir st "$a" "$b" </dev/null
[ "$(grep -c '^finished .*; register: queued (run kesu ledger sync)$' out)" -eq 2 ] ||
	fail "not both queued: $(cat out err)"
mdir=$(find st -mindepth 1 -maxdepth 1 -type d)
ids=$(for c in $(grep -L '"format": "kesu-report/1"' "$mdir"/loop*.json); do jq -r .id "$c"; done |
	sort)
[ "$(echo "$ids" | wc -l)" -eq 2 ] || fail "two certificates expected: $ids"
sid=$(jq -r .id "$mdir"/machine-*.json)
ids=$(printf '%s\n%s\n' "$ids" "$sid" | sort)
[ "$(sqlite3 q.db 'SELECT id FROM queue ORDER BY id')" = "$ids" ] ||
	fail "the queue holds $(sqlite3 q.db 'SELECT id FROM queue')"
ok "the server down: the station queues both certificates and the summary (sqlite3), exit 24"

pg_start
rc_is 0 "$KESU" ledger --queue q.db sync
for id in $ids; do
	grep -q "^$id: recorded as seq [0-9]*" out || fail "sync: $id: $(cat out err)"
	[ "$(rows "$id")" = 1 ] || fail "$id recorded $(rows "$id") times"
done
[ "$(sqlite3 q.db 'SELECT count(*) FROM queue')" = 0 ] || fail "still queued after sync"
[ "$(psql -qAt "$DB" -c "SELECT kind FROM certificates WHERE id = '$sid'")" = machine-summary ] ||
	fail "the summary's row: $(psql -qAt "$DB" -c 'SELECT seq, id, kind FROM certificates')"
rc_is 0 "$KESU" ledger --ledger "$DB" verify
grep -q "chain intact" out || fail "verify: $(cat out)"
ok "the server back: kesu ledger sync records all three once (psql), the chain intact"
