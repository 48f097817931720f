#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu ledger on PostgreSQL: a private PostgreSQL 15 cluster of this test (initdb in a
# temporary directory, a Unix socket only, the server run as the unprivileged user nobody),
# stopped at the end. The register's own tests run against it (KESU_TEST_LEDGER_URL: each
# register a database there, read with psql); then, read with psql: 8 stations adding at
# once leave one chain with no gaps, and register one asset once; the station role can only
# append and the auditor role only read (UPDATE, DELETE and TRUNCATE refused, by the triggers
# even for the owner); a row changed by the superuser is found by verify; a URL with a
# password, a malformed URL, an unreachable server, a newer schema and a database not in
# UTF-8 are refused with their message, and a station's client encoding changes nothing
# stored; an SQLite register copied to the server reads the same through every command.
. "$(dirname "$0")/lib.sh"
set -e
. "$(dirname "$0")/pg-lib.sh"
export KESU_TEST_LEDGER_URL="$URL"
here=$(dirname "$0")
for t in ledger.sh asset.sh request.sh inspect.sh ledger-trust.sh cms-contractor.sh \
	station.sh; do
	set +e
	sh "$here/$t" > "$WORK/$t.log" 2>&1
	rc=$?
	set -e
	# a tool that script needs is missing here: it says which, as it would on SQLite
	if [ $rc -eq 77 ]; then
		ok "$t on PostgreSQL: skipped: $(sed -n 's/^SKIP: //p' "$WORK/$t.log")"
		continue
	fi
	[ $rc -eq 0 ] || { cat "$WORK/$t.log" >&9; fail "$t on PostgreSQL"; }
	ok "$t on PostgreSQL: $(grep -c '^ok:' "$WORK/$t.log") checks passed"
done
cd "$WORK"

T="--trust $WORK/trust"
pg_certs

# init: an empty database gets the schema; a second init changes nothing
DB=$(newdb stations)
rc_is 0 "$KESU" ledger --ledger "$DB" init
grep -qF "ledger schema 3 ready" out || fail "init: $(cat out)"
[ "$(psql -qAt "$DB" -c "SELECT value FROM kesu_meta WHERE name = 'schema'")" = 3 ] ||
	fail "no schema version in kesu_meta"
rc_is 0 "$KESU" ledger --ledger "$DB" init
ok "ledger init creates schema 3 and is idempotent"

# 8 stations at once, 3 certificates each, and one certificate sent twice at once (a retry)
mkdir c
for s in 1 2 3 4 5 6 7 8; do
	for i in 1 2 3; do cert c/$s-$i.json "PC-$s-$i"; done
done
cert c/twice.json PC-TWICE
pids=""
for s in 1 2 3 4 5 6 7 8; do
	"$KESU" ledger --ledger "$DB" $T add c/$s-*.json c/twice.json > st$s.out 2>&1 &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a station's add failed: $(cat st*.out)"; done
[ "$(grep -h 'twice.json: recorded' st*.out | wc -l)" = 1 ] ||
	fail "the certificate sent by every station is not recorded once: $(cat st*.out)"
[ "$(grep -h 'twice.json: already recorded' st*.out | wc -l)" = 7 ] ||
	fail "the other stations were not told it was recorded: $(cat st*.out)"
rc_is 0 "$KESU" ledger --ledger "$DB" $T verify
grep -q "^.*25 rows, chain intact" out || fail "verify after the stations: $(cat out)"
[ "$(psql -qAt "$DB" -c "SELECT count(*), count(DISTINCT id), min(seq), max(seq)
	FROM certificates")" = "25|25|1|25" ] || fail "seq has gaps or duplicates"
# each row's prev_hash is the row before's hash: one line, no forks
[ "$(psql -qAt "$DB" -c "SELECT count(*) FROM certificates a JOIN certificates b
	ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.row_hash")" = 0 ] || fail "the chain forks"
ok "8 stations at once: 25 rows, seq 1 to 25 without gaps, one chain, the shared one once"

# the register's steps are judged inside the append's lock too: 8 stations registering one
# asset at once add it once (the others: already registered, 3), 8 edits at once all land
AS=$(newdb assets)
pids=""
for s in 1 2 3 4 5 6 7 8; do
	{ "$KESU" asset add PC-SAME --kind pc --ledger "$AS" && echo "exit 0" || echo "exit $?"; } \
		> as$s.out 2>&1 &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || true; done
[ "$(grep -h 'PC-SAME: added' as*.out | wc -l)" = 1 ] &&
	[ "$(grep -h 'PC-SAME: already registered' as*.out | wc -l)" = 7 ] &&
	[ "$(grep -hx 'exit 3' as*.out | wc -l)" = 7 ] ||
	fail "one asset registered at once by 8 stations: $(cat as*.out)"
pids=""
for s in 1 2 3 4 5 6 7 8; do
	"$KESU" asset edit PC-SAME --holder "station $s" --ledger "$AS" > ae$s.out 2>&1 &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "an edit failed: $(cat ae*.out)"; done
[ "$(psql -qAt "$AS" -c "SELECT count(*) FROM certificates WHERE asset_tag = 'PC-SAME'")" = 9 ] ||
	fail "the asset's events: $(psql -qAt "$AS" -c "SELECT seq FROM certificates
	WHERE asset_tag = 'PC-SAME'")"
rc_is 0 "$KESU" ledger --ledger "$AS" $T verify
grep -q "9 rows, chain intact" out || fail "verify after the assets: $(cat out)"
ok "8 stations registering one asset at once: added once, 7 told it is registered; 8 edits kept"

# least privilege: the roles, and login roles that hold them
R=$(newdb roles)
rc_is 0 "$KESU" ledger --ledger "$R" init --roles
psql -q "$URL" -c "CREATE ROLE station1 LOGIN IN ROLE kesu_station" \
	-c "CREATE ROLE auditor1 LOGIN IN ROLE kesu_auditor"
RS="postgresql:///roles?host=$PGDIR&port=$PORT&user=station1"
RA="postgresql:///roles?host=$PGDIR&port=$PORT&user=auditor1"
rc_is 0 "$KESU" ledger --ledger "$RS" $T add c/1-1.json c/1-2.json
grep -q "recorded as seq 2" out || fail "the station cannot append: $(cat out)"
for q in "UPDATE certificates SET operator = 'x'" "DELETE FROM certificates" \
	"TRUNCATE certificates" "INSERT INTO certificates SELECT * FROM certificates" \
	"UPDATE kesu_issued SET seq = 0" "DELETE FROM kesu_meta"; do
	psql -qAt "$RS" -c "$q" > out 2>&1 && fail "the station role could: $q"
	grep -q "permission denied" out || fail "$q as the station: $(cat out)"
done
psql -qAt "$RA" -c "SELECT count(*) FROM certificates" > out 2>&1 || fail "auditor: $(cat out)"
[ "$(cat out)" = 2 ] || fail "the auditor reads $(cat out) rows"
for q in "UPDATE certificates SET operator = 'x'" "DELETE FROM certificates" \
	"TRUNCATE certificates" "SELECT kesu_append(3, 'x', NULL, '', '{}', '', NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', '', '', '{}', NULL)"; do
	psql -qAt "$RA" -c "$q" > out 2>&1 && fail "the auditor role could: $q"
	grep -q "permission denied" out || fail "$q as the auditor: $(cat out)"
done
rc_is 1 "$KESU" ledger --ledger "$RA" $T add c/1-3.json
rc_is 0 "$KESU" ledger --ledger "$RA" $T verify
grep -q "2 rows, chain intact" out || fail "the auditor's verify: $(cat out)"
# the owner (a superuser here) is refused by the triggers
for q in "UPDATE certificates SET operator = 'x'" "DELETE FROM certificates" \
	"TRUNCATE certificates"; do
	psql -qAt "$R" -c "$q" > out 2>&1 && fail "the owner could: $q"
	grep -q "the ledger is append-only" out || fail "$q as the owner: $(cat out)"
done
ok "station role appends only, auditor role reads only, the triggers refuse even the owner"

# a superuser who switches the triggers off: verify finds the row
psql -q "$R" -c "SET session_replication_role = replica" \
	-c "UPDATE certificates SET operator = 'mallory' WHERE seq = 1"
expect_err 15 "seq 1 altered" "$KESU" ledger --ledger "$R" $T verify
psql -q "$DB" -c "SET session_replication_role = replica" \
	-c "DELETE FROM certificates WHERE seq = 25"
expect_err 15 "missing at the end" "$KESU" ledger --ledger "$DB" $T verify
ok "rows changed or removed behind kesu's back are found by verify (15)"

# bad locations: nothing connects, the password is not echoed
expect_err 2 "the URL holds a password" \
	"$KESU" ledger --ledger "postgresql://kesu:s3cret@/roles?host=$PGDIR&port=$PORT" list
grep -q s3cret err && fail "the password was echoed: $(cat err)"
expect_err 2 "the URL holds a password" \
	"$KESU" ledger --ledger "postgresql:///roles?$Q&password=s3cret" init
expect_err 2 "malformed PostgreSQL URL" "$KESU" ledger --ledger "postgresql://[x" list
expect_err 1 "cannot be reached" "$KESU" ledger --ledger "postgresql:///roles?host=$WORK&port=1" \
	list
# add keeps it for later (ledger-pg-queue.sh): here only that it is not lost
expect_err 24 "is unreachable; run kesu ledger sync" "$KESU" ledger \
	--ledger "postgresql:///roles?host=$WORK&port=1" $T add --queue "$WORK/q.db" c/1-3.json
E=$(newdb empty)
expect_err 1 "no ledger there" "$KESU" ledger --ledger "$E" list
psql -qAt "$E" -c "CREATE TABLE other (x int)"
expect_err 1 "not a kesu ledger" "$KESU" ledger --ledger "$E" $T add c/1-3.json
rc_is 1 "$KESU" ledger --ledger "$E" init
[ "$(psql -qAt "$E" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 1 ] ||
	fail "a database of other tables was taken over"
psql -q "$R" -c "SET session_replication_role = replica" \
	-c "UPDATE kesu_meta SET value = '4' WHERE name = 'schema'"
expect_err 1 "ledger schema 4: made by a newer kesu" "$KESU" ledger --ledger "$R" list
expect_err 1 "ledger schema 4: made by a newer kesu" "$KESU" ledger --ledger "$R" init
expect_err 1 "ledger schema 4" "$KESU" ledger --ledger "$R" $T add c/1-3.json
[ "$(psql -qAt "$R" -c "SELECT count(*) FROM certificates")" = 2 ] || fail "written to schema 4"
ok "a password in the URL, a malformed URL, no server, no ledger and a newer schema refused"

# the same bytes from every station, whatever its locale: one whose libpq would speak LATIN1
# (PGCLIENTENCODING) records the UTF-8 that psql reads and a station in UTF-8 verifies; a
# database of another encoding, which would refuse or change what SQLite keeps, is refused
# before anything is written
U=$(newdb latin)
rc_is 0 env PGCLIENTENCODING=LATIN1 "$KESU" asset add PC-U --kind pc --model '鈴木 disk' \
	--ledger "$U"
[ "$(psql -qAt "$U" -c "SELECT model FROM certificates")" = '鈴木 disk' ] ||
	fail "the model as stored: $(psql -qAt "$U" -c "SELECT model FROM certificates")"
rc_is 0 "$KESU" ledger --ledger "$U" $T verify
psql -q "$URL" -c "CREATE DATABASE eucjp ENCODING 'EUC_JP' TEMPLATE template0 LC_COLLATE 'C'
	LC_CTYPE 'C'"
EJ="postgresql:///eucjp?$Q"
expect_err 1 "the database's encoding is EUC_JP: a kesu ledger needs UTF8" \
	"$KESU" ledger --ledger "$EJ" init
expect_err 1 "the database's encoding is EUC_JP" \
	"$KESU" asset add PC-E --kind pc --model '𠮷 disk' --ledger "$EJ"
[ "$(psql -qAt "$EJ" -c "SELECT count(*) FROM pg_class
	WHERE relnamespace = 'public'::regnamespace")" = 0 ] || fail "written into an EUC_JP database"
ok "a station's client encoding changes nothing stored; a database not in UTF-8 is refused (1)"

# ledger copy: an SQLite ledger moved to the server row for row, the chain verified on both sides
rc_is 0 "$KESU" ledger --ledger "$WORK/local.db" $T add c/2-1.json c/2-2.json c/2-3.json \
	c/3-1.json
M=$(newdb moved)
rc_is 0 "$KESU" ledger $T copy --from "$WORK/local.db" --to "$M"
grep -q "4 rows copied to .*, head 4:.*the chain verified on both sides" out ||
	fail "copy: $(cat out err)"
sqlite3 "$WORK/local.db" "SELECT seq, id, row_hash, recorded FROM certificates ORDER BY seq" \
	> from.rows
psql -qAt "$M" -c "SELECT seq, id, row_hash, recorded FROM certificates ORDER BY seq" > to.rows
cmp -s from.rows to.rows || fail "the copy's rows differ: $(diff from.rows to.rows | head -5)"
rc_is 0 "$KESU" ledger --ledger "$M" $T verify
grep -q "4 rows, chain intact, head $(tail -1 from.rows | cut -d'|' -f3)" out ||
	fail "verify of the copy: $(cat out)"
expect_err 1 "the destination holds rows already (up to seq 4)" \
	"$KESU" ledger $T copy --from "$WORK/local.db" --to "$M"
[ "$(psql -qAt "$M" -c "SELECT count(*) FROM certificates")" = 4 ] || fail "copied twice"
# a source whose chain is broken is not copied: nothing written
sqlite3 "$WORK/local.db" "UPDATE certificates SET operator = 'mallory' WHERE seq = 2"
M2=$(newdb moved2)
expect_err 15 "the source's chain is broken at seq 2" \
	"$KESU" ledger $T copy --from "$WORK/local.db" --to "$M2"
[ "$(psql -qAt "$M2" -c "SELECT count(*) FROM certificates")" = 0 ] || fail "a broken chain copied"
rc_is 2 "$KESU" ledger $T copy --from "$WORK/local.db"
rc_is 2 "$KESU" ledger $T --from "$WORK/local.db" --to "$M2" list
ok "ledger copy: rows identical (sqlite3 and psql), verified on the server; not twice, not broken"

# every read command prints the same from either backend: an SQLite register of certificates,
# assets, their events and a hold, moved to the server by ledger copy, read through both
B=$WORK/both.db
cert c/both-1.json PC-B1
cert c/both-2.json PC-B2
rc_is 0 "$KESU" ledger --ledger "$B" $T add c/both-1.json c/both-2.json
rc_is 0 "$KESU" asset add PC-B2 --kind pc --serial S-B2 --holder '鈴木 花子' \
	--location '本庁舎 3F' --reason 'order 114' --ledger "$B"
rc_is 0 "$KESU" asset add USB-B3 --kind usb --model 'Stick "Q", 8GB' --ledger "$B"
rc_is 0 "$KESU" asset edit USB-B3 --state lent --until 2024-01-10 --holder '佐藤 次郎' \
	--reason 'form 17' --ledger "$B"
rc_is 0 "$KESU" asset add HD-B4 --kind disk --serial S-B4 --ledger "$B"
rc_is 0 "$KESU" asset hold HD-B4 --reason 'incident 7' --sign-key keys/operator.key \
	--passphrase-file op.pass -o hold.json $T --ledger "$B"
BP=$(newdb twin)
rc_is 0 "$KESU" ledger $T copy --from "$B" --to "$BP"
printf 'asset_tag,serial\nPC-B1,\nPC-B2,\nUSB-B3,\nHD-B4,\nPC-NONE,\n' > assets.csv
# same CMD...: CMD --ledger on each register: the same exit status, the same output (where it
# names the register, the same once the name is taken out), not empty
same() {
	set +e
	"$@" --ledger "$B" > same.sqlite 2> same.err
	rs=$?
	"$@" --ledger "$BP" > same.pg 2>> same.err
	rp=$?
	set -e
	sed -i "s|$B|LEDGER|g" same.sqlite
	sed -i "s|$BP|LEDGER|g" same.pg
	[ $rs -eq $rp ] || fail "'$*': exit $rs on SQLite, $rp on PostgreSQL: $(cat same.err)"
	[ -s same.sqlite ] || fail "'$*' printed nothing: $(cat same.err)"
	cmp -s same.sqlite same.pg || fail "'$*' differs: $(diff same.sqlite same.pg | head -20)"
}
id1=$(jq -r .id c/both-1.json)
for a in "list" "list --json" "list --asset PC-B2" "show $id1" "show $id1 --json" \
	"export --csv" "export --jsonl" "reconcile assets.csv" "reconcile assets.csv --json" \
	"verify" "verify --json"; do
	# shellcheck disable=SC2086
	same "$KESU" ledger $T $a
done
for a in "list" "list --json" "list --state lent" "show PC-B2" "show USB-B3 --json" \
	"show HD-B4 --json" "export --csv" "export --jsonl" "export --snipeit" "export --glpi"; do
	# shellcheck disable=SC2086
	same "$KESU" asset $a
done
same "$KESU" inspect --register --json
ok "ledger and asset list, show, export; reconcile, verify, inspect: the same on both backends"
