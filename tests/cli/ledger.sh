#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu ledger: certificates recorded in a hash chain. Rows deleted, inserted
# and edited with the stock sqlite3 tool are found by `kesu ledger verify`;
# add is idempotent by id; the CSV export is read back with Python's csv
# module, the JSONL export with jq; reconcile sorts a sample asset list into
# its three groups. Needs no root and no devices, so it does not use lib.sh.
set -eu
: "${KESU:?KESU must name the kesu binary}"
exec 9>&2
fail() { echo "FAIL: $*" >&9; exit 1; }
skip() { echo "SKIP: $*" >&9; exit 77; }
ok() { echo "ok: $*"; }
for t in sqlite3 jq python3; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
WORK=$(mktemp -d /tmp/kesu-ledger.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# expect_rc WANT CMD...: run CMD with its output in out/err; fail unless it exits WANT
expect_rc() {
	want=$1; shift
	set +e
	"$@" > out 2> err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat out err >&9; fail "'$*' exited $got, expected $want"; }
}

# expect_err WANT TEXT CMD...: expect_rc WANT CMD..., and its message holds TEXT
expect_err() {
	want=$1 text=$2; shift 2
	expect_rc "$want" "$@"
	grep -qF -- "$text" err || fail "'$*': message lacks '$text': $(cat err)"
}

# cert ID TAG SERIAL RESULT [APPROVER]: ID.json in canonical form (jq -S sorts keys by code
# point, which is RFC 8785's order for these ASCII keys; -j: no newline), and an approver
# sidecar whose trusted comment names APPROVER
cert() {
	jq -cSj -n --arg id "$1" --arg t "$2" --arg s "$3" --arg r "$4" '{
		format: "kesu-certificate/1", id: $id, issued: "2026-11-26T01:00:00Z",
		media: {asset_tag: $t, serial: $s, model: "ST1000DM010"},
		sanitization: {category: "clear", technique: "overwrite"}, result: $r,
		started: "2026-11-26T00:00:00Z", finished: "2026-11-26T00:30:00Z",
		operator: {name: "Tanaka Hanako"}, witness: {name: "Sato Jiro"}}' > "$1.json"
	printf 'untrusted comment: signature from kesu\nRUQ=\n' > "$1.json.operator.minisig"
	[ $# -lt 5 ] || printf 'untrusted comment: signature from kesu\nRUQ=\ntrusted comment: %s\nAAA=\n' \
		"kesu-certificate/1 id=$1 role=approver name=\"$5\" time=2026-11-26T02:00:00Z" \
		> "$1.json.approver.minisig"
}

L="--ledger $WORK/var/kesu/ledger.db"
cert 11111111-1111-4111-8111-111111111111 PC-0001 S-AAA success "Suzuki Ichiro"
cert 22222222-2222-4222-8222-222222222222 PC-0002 S-BBB failed "Suzuki Ichiro"
cert 33333333-3333-4333-8333-333333333333 PC-0003 S-CCC success
cert 44444444-4444-4444-8444-444444444444 '=HYPERLINK("http://x")' 'S,"D"' success "Suzuki Ichiro"
cert 55555555-5555-4555-8555-555555555555 PC-0099 S-ZZZ success "Suzuki Ichiro"
C1=11111111-1111-4111-8111-111111111111.json
C2=22222222-2222-4222-8222-222222222222.json

# shellcheck disable=SC2086
expect_rc 0 "$KESU" ledger $L add ./*.json
[ "$(grep -c ': recorded (seq [1-5])$' out)" = 5 ] || fail "add: $(cat out)"
[ "$(stat -c %a var/kesu)" = 700 ] || fail "ledger directory mode $(stat -c %a var/kesu)"
[ "$(stat -c %a var/kesu/ledger.db)" = 600 ] || fail "ledger mode $(stat -c %a var/kesu/ledger.db)"
[ "$(sqlite3 var/kesu/ledger.db 'PRAGMA journal_mode')" = wal ] || fail "not in WAL mode"
# the stored bytes are the file's bytes
sqlite3 var/kesu/ledger.db "SELECT writefile('stored', certificate) FROM certificates WHERE seq=1" >/dev/null
cmp stored "$(ls ./*.json | head -1)" || fail "stored bytes differ from the file"
ok "five certificates recorded in a new ledger (directory 0700, file 0600, WAL), bytes kept"

expect_rc 0 "$KESU" ledger $L add "$C1"
grep -q "already recorded (seq 1)" out || fail "idempotent add: $(cat out)"
[ "$(sqlite3 var/kesu/ledger.db 'SELECT count(*) FROM certificates')" = 5 ] || fail "row added twice"
jq -cSj '.media.model = "other"' "$C1" > other.json
expect_err 1 "the id is recorded with other bytes" "$KESU" ledger $L add other.json
printf '{"format":"kesu-report/1","id":"x"}' > report.json
expect_err 9 "not recorded: not a kesu-certificate/1 document" "$KESU" ledger $L add report.json
printf 'not json' > junk.json
expect_err 9 "not recorded: not a JSON object" "$KESU" ledger $L add junk.json
ok "adding again is a no-op; the same id with other bytes and invalid documents are refused"

expect_rc 0 "$KESU" ledger $L verify
grep -q "5 rows, chain intact, head [0-9a-f]\{64\}$" out || fail "verify: $(cat out)"
expect_rc 0 "$KESU" ledger $L verify --json
jq -e '.intact and .rows == 5' out >/dev/null || fail "verify --json: $(cat out)"

# tamper WHAT SQL PATTERN: on a copy, run SQL with sqlite3; verify exits 15 naming the row
tamper() {
	cp var/kesu/ledger.db t.db
	rm -f t.db-wal t.db-shm
	sqlite3 t.db "$2"
	expect_rc 15 "$KESU" ledger --ledger "$WORK/t.db" verify
	grep -q -- "$3" err || fail "$1: $(cat err)"
	ok "$1 found: $(tail -1 err)"
}
# the WAL holds recent rows until a checkpoint: fold it in before copying the file
sqlite3 var/kesu/ledger.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
tamper "a deleted row" "DELETE FROM certificates WHERE seq = 3" \
	"seq 4 deleted: rows 3 to 3 are missing"
tamper "the first row deleted" "DELETE FROM certificates WHERE seq = 1" \
	"seq 2 deleted: rows 1 to 1 are missing"
tamper "an edited column" "UPDATE certificates SET result = 'success' WHERE seq = 2" \
	"seq 2 altered: column result does not match"
tamper "an edited certificate" \
	"UPDATE certificates SET certificate = CAST(replace(CAST(certificate AS TEXT),
		'failed', 'passed') AS BLOB) WHERE seq = 2" \
	"seq 2 altered: its certificate, signatures or hashes differ"
tamper "a forged approver" "UPDATE certificates SET approver = 'Boss' WHERE seq = 3" \
	"seq 3 altered: column approver does not match"
tamper "a removed signature" "UPDATE certificates SET signatures = '{}' WHERE seq = 1" \
	"seq 1 altered"
# a genuine row of another ledger, copied in at the end and in the middle
cert 66666666-6666-4666-8666-666666666666 PC-0006 S-FFF success "Suzuki Ichiro"
expect_rc 0 "$KESU" ledger --ledger "$WORK/other.db" add 66666666-6666-4666-8666-666666666666.json
sqlite3 other.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
COLS="id, certificate, signatures, certificate_sha256, asset_tag, serial, model, category,
	technique, result, started, finished, operator, witness, approver, issued, prev_hash, row_hash"
tamper "an inserted row" "ATTACH '$WORK/other.db' AS o;
	INSERT INTO certificates SELECT NULL, $COLS FROM o.certificates" \
	"seq 6 inserted: it does not link to the row before"
tamper "a row inserted in the middle" "ATTACH '$WORK/other.db' AS o;
	UPDATE certificates SET seq = seq + 100 WHERE seq >= 3;
	INSERT INTO certificates SELECT 3, $COLS FROM o.certificates" \
	"seq 3 inserted"
# a row hash replaced by hand
tamper "a row whose hash was rewritten" \
	"UPDATE certificates SET row_hash = '$(printf %064d 0)' WHERE seq = 2" \
	"seq 2 altered"
expect_rc 0 "$KESU" ledger $L verify

# the security log's anchor: the last row removed, or the whole chain recomputed, is found
head=$(sqlite3 var/kesu/ledger.db 'SELECT row_hash FROM certificates WHERE seq = 5')
expect_rc 0 "$KESU" ledger $L verify --anchor "5:$head"
cp var/kesu/ledger.db t.db
rm -f t.db-wal t.db-shm
sqlite3 t.db "DELETE FROM certificates WHERE seq = 5"
expect_rc 0 "$KESU" ledger --ledger "$WORK/t.db" verify
expect_err 15 "seq 5 deleted: the anchored row is gone" \
	"$KESU" ledger --ledger "$WORK/t.db" verify --anchor "5:$head"
sqlite3 t.db "UPDATE certificates SET row_hash = '$(printf %064d 0)' WHERE seq = 4"
expect_err 15 "seq 4 altered" "$KESU" ledger --ledger "$WORK/t.db" verify --anchor "4:$head"
expect_rc 2 "$KESU" ledger $L verify --anchor 5:ABC
expect_rc 2 "$KESU" ledger $L list --anchor "5:$head"
ok "verify --anchor finds the last row removed"

expect_rc 0 "$KESU" ledger $L list --asset PC-0002
[ "$(grep -c 22222222 out)" = 1 ] && [ "$(wc -l < out)" = 2 ] || fail "list --asset: $(cat out)"
expect_rc 0 "$KESU" ledger $L list --serial S-CCC --json
jq -e 'length == 1 and .[0].asset_tag == "PC-0003" and .[0].approver == null' out >/dev/null ||
	fail "list --serial --json: $(cat out)"
expect_rc 0 "$KESU" ledger $L show 22222222-2222-4222-8222-222222222222 --json
jq -e '.result == "failed" and .certificate.media.serial == "S-BBB"
	and (.signatures | keys) == ["approver.minisig", "operator.minisig"]' out >/dev/null ||
	fail "show --json: $(cat out)"
expect_err 1 "no certificate no-such-id" "$KESU" ledger $L show no-such-id
# control characters from a certificate cannot reach the terminal or start a line of their own
jq -cSj -n '{format: "kesu-certificate/1", id: "ctl\u001b", media: {asset_tag: "A\u001b[31mB\nC"}}' \
	> ctl.json
expect_rc 0 "$KESU" ledger --ledger "$WORK/ctl.db" add ctl.json
expect_rc 0 "$KESU" ledger --ledger "$WORK/ctl.db" list
[ "$(wc -l < out)" = 2 ] && grep -qF 'ctl\x1b  A\x1b[31mB\x0aC  -' out || fail "list escapes: $(cat -A out)"
! grep -q "$(printf '\033')" out || fail "an escape character reached the output"
ok "list by asset tag and serial, show by id; control characters escaped"

expect_rc 0 "$KESU" ledger $L export --csv
cp out export.csv
python3 - export.csv <<'PY' || fail "CSV export: $(cat export.csv)"
import csv, hashlib, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.count(b'\r\n') == raw.count(b'\n'), 'records end with CRLF'
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
assert list(rows[0].keys()) == ['asset_tag', 'serial', 'model', 'category', 'technique',
    'result', 'started', 'finished', 'operator', 'witness', 'approver', 'certificate_id',
    'certificate_sha256'], rows[0].keys()
assert len(rows) == 5, len(rows)
by = {r['certificate_id']: r for r in rows}
r = by['44444444-4444-4444-8444-444444444444']
assert r['asset_tag'] == '\'=HYPERLINK("http://x")', r['asset_tag']
assert r['serial'] == 'S,"D"', r['serial']
r = by['11111111-1111-4111-8111-111111111111']
assert r['result'] == 'success' and r['approver'] == 'Suzuki Ichiro' and r['operator'] == 'Tanaka Hanako'
data = open('11111111-1111-4111-8111-111111111111.json', 'rb').read()
assert r['certificate_sha256'] == hashlib.sha256(data).hexdigest()
assert by['33333333-3333-4333-8333-333333333333']['approver'] == ''
PY
expect_rc 0 "$KESU" ledger $L export --jsonl
[ "$(jq -s 'length' out)" = 5 ] || fail "jsonl: $(cat out)"
jq -e -s '.[1] | .certificate_id == "22222222-2222-4222-8222-222222222222"
	and .result == "failed" and .asset_tag == "PC-0002"' out >/dev/null || fail "jsonl row"
jq -e -s '.[3].asset_tag == "=HYPERLINK(\"http://x\")"' out >/dev/null || fail "jsonl keeps values"
expect_rc 2 "$KESU" ledger $L export
expect_rc 2 "$KESU" ledger $L export --csv --jsonl
ok "CSV export (RFC 4180, CRLF, formula cells defused) read by Python's csv; JSONL read by jq"

# reconcile: a Snipe-IT style header, quoted cells, an embedded newline in a note, CRLF
printf '"Asset Tag",Serial,Notes\r\nPC-0001,,"fine"\r\n,S-BBB,"failed run"\r\nPC-0003,S-CCC,"not approved"\r\nPC-0404,S-404,"a note, with a comma\r\nand a line"\r\n' > assets.csv
expect_rc 15 "$KESU" ledger $L reconcile assets.csv --json
jq -e '(.certified | map(.asset_tag)) == ["PC-0001"]
	and (.missing | map([.asset_tag, .serial, .reason])) == [
		["", "S-BBB", "erasure not successful"], ["PC-0003", "S-CCC", "not approved"],
		["PC-0404", "S-404", "no certificate"]]
	and (.unmatched | map(.asset_tag)) == ["=HYPERLINK(\"http://x\")", "PC-0099"]' out >/dev/null ||
	fail "reconcile groups: $(cat out)"
expect_rc 15 "$KESU" ledger $L reconcile assets.csv
grep -q "^1 certified, 3 missing, 2 unmatched certificates$" out || fail "reconcile text: $(cat out)"
printf 'serial\nS-AAA\n' > ok.csv
expect_rc 0 "$KESU" ledger $L reconcile ok.csv
printf 'asset_tag,serial\nPC-0001,"S-AAA\n' > bad.csv
expect_err 2 "line 2: not valid CSV" "$KESU" ledger $L reconcile bad.csv
printf 'name,room\nx,1\n' > nocol.csv
expect_err 2 "no asset_tag or serial column" "$KESU" ledger $L reconcile nocol.csv
printf 'asset_tag,serial\nPC-0001\n' > short.csv
expect_err 2 "line 2: 1 fields, the header has 2" "$KESU" ledger $L reconcile short.csv
ok "reconcile: certified, missing (none, failed, unapproved) and unmatched; exit 15 while missing"

# three writers at once on a new ledger: every certificate recorded once, one intact chain
mkdir par
for i in $(seq 10 49); do
	jq -cSj -n --arg id "par-$i" '{format: "kesu-certificate/1", id: $id, result: "success"}' \
		> "par/$i.json"
done
"$KESU" ledger --ledger "$WORK/par.db" add par/1*.json par/2*.json > par1.out 2>&1 &
p1=$!
"$KESU" ledger --ledger "$WORK/par.db" add par/3*.json par/4*.json > par2.out 2>&1 &
p2=$!
"$KESU" ledger --ledger "$WORK/par.db" add par/*.json > par3.out 2>&1 || fail "writer 3: $(cat par3.out)"
wait $p1 || fail "writer 1: $(cat par1.out)"
wait $p2 || fail "writer 2: $(cat par2.out)"
expect_rc 0 "$KESU" ledger --ledger "$WORK/par.db" verify
grep -q ": 40 rows, chain intact" out || fail "concurrent adds: $(cat out)"
[ "$(cat par1.out par2.out par3.out | grep -c ': recorded (seq')" = 40 ] ||
	fail "concurrent adds: not each recorded once: $(cat par1.out par2.out par3.out)"
ok "three concurrent writers: 40 rows, one intact chain"

expect_err 1 "no ledger there" "$KESU" ledger --ledger "$WORK/none.db" verify
[ ! -e none.db ] || fail "a read-only action created a ledger"
printf 'not a database at all, just text that is long enough to have a header' > notdb.db
expect_err 1 "not a kesu ledger" "$KESU" ledger --ledger "$WORK/notdb.db" add "$C1"
expect_rc 2 "$KESU" ledger $L frobnicate
expect_rc 2 "$KESU" ledger $L list --csv
expect_rc 2 "$KESU" ledger $L add
ok "missing ledger, a file that is not one, unknown actions and misplaced options"
