#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu asset: the register's events in the ledger's chain. add, edit, show and
# list round-trip; a step the register refuses is refused (3) and recorded
# nowhere; event rows edited, deleted and reordered with the stock sqlite3 tool
# are found by `kesu ledger verify` (15); a Snipe-IT-style CSV imported and
# exported again gives back every cell (read with Python's csv module); a
# Shift_JIS file, duplicate tags and formula cells are refused with their line
# and nothing is imported (rows counted by sqlite3); a re-import says what changed.
. "$(dirname "$0")/lib.sh"
set -e
for t in sqlite3 jq python3 iconv; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
cd "$WORK"
mkdir trust
T="--trust $WORK/trust"

# KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh): the same steps on a PostgreSQL server, each
# ledger a new database there, tampered with by psql instead of sqlite3
PG=${KESU_TEST_LEDGER_URL:-}
# at NAME: the location of ledger NAME
at() {
	if [ -n "$PG" ]; then
		psql -q "$PG" -c "CREATE DATABASE asset_$1" 2>/dev/null || true
		echo "postgresql:///asset_$1?${PG#*\?}"
	else
		echo "$WORK/$1.db"
	fi
}
# sql NAME QUERY: QUERY on ledger NAME, by the stock client of its backend
sql() {
	if [ -n "$PG" ]; then psql -qAt "$(at "$1")" -c "$2"; else sqlite3 "$1.db" "$2"; fi
}
rows() { sql "$1" 'SELECT count(*) FROM certificates'; }

L="--ledger $(at a)"
rc_is 0 "$KESU" asset add PC-1 --kind pc --serial S1 --holder '鈴木 花子' \
	--location '本庁舎 3F' --reason 'order 114' $L
grep -qx 'PC-1: added (seq 1)' out || fail "add: $(cat out)"
rc_is 0 "$KESU" asset add USB-7 --kind usb --model 'Stick "Q", 8GB' $L
rc_is 0 "$KESU" asset edit PC-1 --state lent --holder '佐藤 次郎' --reason 'form 17' $L
grep -qx 'PC-1: changed holder; state in service -> lent (seq 3)' out || fail "edit: $(cat out)"
rc_is 0 "$KESU" asset edit PC-1 --holder '佐藤 次郎' $L
grep -qx 'PC-1: nothing changed' out || fail "an edit that changes nothing: $(cat out)"
rc_is 0 "$KESU" asset show PC-1 --json $L
jq -e '.state == "lent" and .holder == "佐藤 次郎" and .serial == "S1" and
	.location == "本庁舎 3F" and (.history | length) == 2 and
	.history[0].why == "order 114" and .history[0].fields.holder == "鈴木 花子" and
	.history[1].from == "in-service" and .history[1].state == "lent"' out >/dev/null ||
	fail "show --json: $(cat out)"
rc_is 0 "$KESU" asset show USB-7 $L
grep -qF 'model: Stick \"Q\", 8GB' out || fail "show: $(cat out)"
rc_is 0 "$KESU" asset list --state lent --json $L
jq -e 'length == 1 and .[0].asset_tag == "PC-1"' out >/dev/null || fail "list --state: $(cat out)"
rc_is 0 "$KESU" asset list --kind usb $L
[ "$(cut -f1 out)" = USB-7 ] || fail "list --kind: $(cat out)"
rc_is 0 "$KESU" ledger $L $T verify
ok "add, edit, show and list round-trip; the events verify as part of the chain"

n=$(rows a)
expect_err 3 "lent -> retired is not a step" "$KESU" asset edit PC-1 --state retired $L
expect_err 3 "needs a signed document" "$KESU" asset edit USB-7 --state on-hold $L
expect_err 3 "in service -> erased is not a step" "$KESU" asset edit USB-7 --state erased $L
expect_err 3 "already registered" "$KESU" asset add PC-1 --kind pc $L
expect_err 1 "no such asset" "$KESU" asset edit NOPE-1 --holder x $L
rc_is 2 "$KESU" asset add 'a b' --kind pc $L
rc_is 2 "$KESU" asset add -x --kind pc $L
rc_is 2 "$KESU" asset add PC-9 --kind laptop $L
rc_is 2 "$KESU" asset add PC-9 --kind pc --holder "$(printf 'a\033[2Jb')" $L
rc_is 2 "$KESU" asset add PC-9 --kind pc --holder "$(printf '\377')" $L
rc_is 2 "$KESU" asset add PC-9 --kind pc --model "$(head -c 300 /dev/zero | tr '\0' x)" $L
rc_is 2 "$KESU" asset list --serial x $L
[ "$(rows a)" = "$n" ] || fail "a refused change was recorded"
ok "refused steps (3), bad values and options (2): nothing recorded"

# tamper COPY SQL WANT: a copy of ledger a edited by sqlite3 (PostgreSQL: by psql as the
# owner, its append-only triggers switched off), then verify must say WANT (15)
tamper() {
	if [ -n "$PG" ]; then
		psql -q "$PG" -c "DROP DATABASE IF EXISTS asset_t" -c "CREATE DATABASE asset_t
			TEMPLATE asset_a" || fail "copy of the ledger"
		sql t "SET session_replication_role = replica; $2" >/dev/null
	else
		cp a.db t.db
		sqlite3 t.db "$2"
	fi
	expect_err 15 "$3" "$KESU" ledger --ledger "$(at t)" $T verify
	ok "$1 found: $(cat err)"
}
if [ -n "$PG" ]; then
	edit="convert_to(replace(convert_from(certificate, 'UTF8'), '佐藤', '田中'), 'UTF8')"
else
	edit="replace(certificate, '佐藤', '田中')"
fi
tamper "an edited event" "UPDATE certificates SET certificate = $edit WHERE seq = 3" \
	"seq 3 altered"
tamper "an edited column" "UPDATE certificates SET operator = 'mallory' WHERE seq = 2" \
	"seq 2 altered: column operator"
tamper "a deleted event" "DELETE FROM certificates WHERE seq = 2" "seq 3 deleted"
tamper "the last event deleted" "DELETE FROM certificates WHERE seq = 3" "deleted"
tamper "reordered events" "UPDATE certificates SET seq = 100 WHERE seq = 1;
	UPDATE certificates SET seq = 1 WHERE seq = 3; UPDATE certificates SET seq = 3
	WHERE seq = 100" "seq 1"
tamper "an event turned into a certificate" "UPDATE certificates SET kind = NULL
	WHERE seq = 2" "column kind"

# Snipe-IT's columns, a byte-order mark, CRLF, quotes, commas, Japanese, an extra column
printf '\357\273\277Asset Tag,Serial,Model,Category,Location,Checked Out To,Status,Company\r\n' > s.csv
printf 'A-1,S1,ThinkPad X1,Laptop,本庁舎 3F,鈴木 花子,Deployed,x\r\n' >> s.csv
printf 'A-2,,"Model ""Q"", 2",USBメモリ,"Room, 2",,Ready to Deploy,y\r\n' >> s.csv
printf 'A-3,S3,M3,Phone,,,Archived,z\r\n' >> s.csv
S="--ledger $(at s)"
rc_is 0 "$KESU" asset import s.csv $S
tail -1 out | grep -qx 's.csv: 3 added, 0 changed, 0 unchanged' || fail "import: $(cat out)"
"$KESU" asset export --snipeit $S > e.csv || fail "export --snipeit"
python3 - s.csv e.csv <<'PY' || fail "the Snipe-IT export does not give back the import"
import csv, sys
def read(p):
    with open(p, newline='', encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))
src, out = read(sys.argv[1]), read(sys.argv[2])
assert len(src) == len(out), (len(src), len(out))
for a, b in zip(src, out):
    for col in ('Asset Tag', 'Serial', 'Model', 'Category', 'Location', 'Checked Out To', 'Status'):
        assert a[col] == b[col], (col, a[col], b[col])
kinds = [r['kesu Kind'] for r in out]
assert kinds == ['pc', 'usb', 'mobile'], kinds
assert [r['kesu State'] for r in out] == ['in service', 'in service', 'retired']
PY
"$KESU" asset export --csv --bom $S > k.csv
[ "$(head -c 3 k.csv | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "--bom"
python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],encoding="utf-8-sig",newline="")))
assert r[2][3] == "Model \"Q\", 2" and r[0][0] == "asset_tag", r' k.csv || fail "--csv"
"$KESU" asset export --jsonl $S | jq -se 'length == 3 and .[0].holder == "鈴木 花子"' >/dev/null ||
	fail "--jsonl"
ok "a Snipe-IT CSV imported and exported gives back every cell; --csv --bom, --jsonl"

sed 's/Room, 2/Room 5/; s/鈴木 花子,Deployed/佐藤 次郎,Deployed/' s.csv > s2.csv
rc_is 0 "$KESU" asset import s2.csv $S
grep -qx 'A-1: changed holder (seq 4)' out && grep -qx 'A-2: changed location (seq 5)' out &&
	tail -1 out | grep -qx 's2.csv: 0 added, 2 changed, 1 unchanged' ||
	fail "re-import: $(cat out)"
rc_is 0 "$KESU" asset import s2.csv $S
tail -1 out | grep -qx 's2.csv: 0 added, 0 changed, 3 unchanged' || fail "again: $(cat out)"
ok "a re-import says what changed, one event per changed asset"

n=$(rows s)
printf 'Asset Tag,Serial,Location\nB-1,x,本庁舎\n' | iconv -t SHIFT_JIS > j.csv
expect_err 2 "j.csv:2: not UTF-8 (Shift_JIS?): save as CSV UTF-8" "$KESU" asset import j.csv $S
printf 'Asset Tag,Serial\nB-1,x\nB-2,y\nB-1,z\n' > d.csv
expect_err 2 "d.csv:4: asset tag B-1 given twice" "$KESU" asset import d.csv $S
for cell in '=1+1' '+1' '-2' '@SUM(A1)' "$(printf '\tx')"; do
	printf 'Asset Tag,Serial\nB-1,x\nB-2,"%s"\n' "$cell" > f.csv
	expect_err 2 "f.csv:3: a cell that a spreadsheet runs as a formula" \
		"$KESU" asset import f.csv $S
done
printf 'Serial,Model\nx,y\n' > n.csv
expect_err 2 "n.csv:1: no asset tag column" "$KESU" asset import n.csv $S
printf 'Asset Tag;Serial\nB-1;x\n' > c.csv
expect_err 2 "c.csv:1: the separator is ';'" "$KESU" asset import c.csv $S
printf 'asset_tag,kind,state\nB-1,pc,\nA-3,,lent\n' > st.csv
expect_err 3 "st.csv:3: A-3: retired -> lent is not a step" "$KESU" asset import st.csv $S
[ "$(rows s)" = "$n" ] || fail "a refused import recorded rows"
rc_is 0 "$KESU" ledger $S $T verify
ok "Shift_JIS, duplicate tags, formula cells, no tag column, ';' and a refused step: the line named, nothing imported"
