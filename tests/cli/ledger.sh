#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu ledger: signed certificates recorded in a hash chain. The certificates
# are real: one zero-fill of a loop device gives the report, and kesu cert
# issue / approve sign one certificate per asset with the committed test
# keys. A certificate whose signature is missing, altered or made by a key
# outside the trust store is refused (10, 11) and not recorded. Rows deleted,
# inserted and edited with the stock sqlite3 tool are found by `kesu ledger
# verify`, also the last row deleted before another add (seq is never reused,
# and is in the row hash, which Python recomputes); add is idempotent by id
# and signatures, a later approval is a row that refers to the first; two
# certificates of one erasure are flagged; the CSV export (every field
# quoted) is read back with Python's csv module, the JSONL export with jq;
# reconcile sorts a sample asset list into its three groups.
. "$(dirname "$0")/lib.sh"
set -e
for t in sqlite3 jq python3 minisign; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
cd "$WORK"



# the committed test keys; git does not keep modes and kesu refuses 0644 keys
keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir keys trust
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub keys/
chmod 600 keys/operator.key keys/approver.key
cp "$keys/operator.key.pub" "$keys/approver.key.pub" trust/
printf 'kesu-test-operator\n' > op.pass
printf 'kesu-test-approver\n' > ap.pass
T="--trust $WORK/trust"

# one real erasure report; each asset's certificate is made from a copy of it
dev=$(mkloop 1048576)
"$KESU" erase --yes --quiet -m zero --operator 'Test Operator' --witness 'Sato Jiro' \
	--report "$WORK/R.json" "$dev" 2> err || fail "erase: $(cat err)"

# cert FILE TAG SERIAL [failed [REPORT-ID]]: FILE, a certificate signed by the operator, from
# R.json with the asset's own tag, serial, model and report id (REPORT-ID: that of another
# certificate: a second certificate of one erasure); "failed": a run whose read-back found a
# mismatch
cert() {
	rid=${5:-$(cat /proc/sys/kernel/random/uuid)}
	jq --arg t "$2" --arg s "$3" --arg f "${4:-}" --arg r "$rid" '.id = $r | .operator.asset_tag = $t
		| .device.serial = $s | .device.model = "ST1000DM010"
		| if $f == "failed" then .result = "failed"
			| .result_reason = "verification found 8 sectors that do not read back"
			| .verification.verified = false | .passes[0].verified = false
			| .errors.mismatch = [{first_lba: 64, count: 8}] else . end' R.json > R2.json
	"$KESU" cert issue R2.json --sign-key keys/operator.key --passphrase-file op.pass \
		-o "$1" > /dev/null 2> err || fail "cert issue $1: $(cat err)"
	rm R2.json
}

# approve FILE: the approver's signature next to FILE
approve() {
	"$KESU" cert approve $T --sign-key keys/approver.key --passphrase-file ap.pass "$1" \
		> /dev/null 2> err || fail "cert approve $1: $(cat err)"
}

# KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh): the same adds, refusals and checks on a
# PostgreSQL server, the ledger a new database there read with psql; the sections that edit
# or copy the ledger file stay SQLite-only (ledger-pg.sh tampers with psql)
PG=${KESU_TEST_LEDGER_URL:-}
if [ -n "$PG" ]; then
	psql -q "$PG" -c "CREATE DATABASE ledger_sh" || fail "cannot create the test database"
	MAIN="postgresql:///ledger_sh?${PG#*\?}"
	sql() { psql -qAt "$MAIN" -c "$1"; }
else
	MAIN=$WORK/var/kesu/ledger.db
	sql() { sqlite3 var/kesu/ledger.db "$1"; }
fi

# rows: how many certificates the ledger holds
rows() {
	sql 'SELECT count(*) FROM certificates'
}

L="--ledger $MAIN"
mkdir c
cert c/1.json PC-0001 S-AAA
approve c/1.json
cert c/2.json PC-0002 S-BBB failed
cert c/3.json PC-0003 S-CCC
cert c/4.json '=HYPERLINK("http://x")' 'S,"D";=1+1'
approve c/4.json
cert c/5.json PC-0099 S-ZZZ
approve c/5.json
C1=c/1.json
C2=c/2.json
ID1=$(jq -r .id c/1.json)
ID2=$(jq -r .id c/2.json)
ID3=$(jq -r .id c/3.json)
ID4=$(jq -r .id c/4.json)
[ "$(jq -r .result "$C2")" = failed ] || fail "fixture: $C2 is not a failed erasure"

# shellcheck disable=SC2086
rc_is 0 "$KESU" ledger $L $T add c/*.json
# each new head printed, as sqlite3 (psql) reads it from the file (server)
for i in 1 2 3 4 5; do
	h=$(sql "SELECT row_hash FROM certificates WHERE seq = $i")
	grep -qx "c/$i.json: recorded as seq $i, head $i:$h" out || fail "add: head $i: $(cat out)"
done
# no log daemon here: one warning that the anchors are not in the security log
if [ ! -S /dev/log ]; then
	[ "$(grep -c 'security log cannot be reached' err)" = 1 ] || fail "add: no warning: $(cat err)"
fi
if [ -n "$PG" ]; then
	sql "SELECT encode(certificate, 'hex') FROM certificates WHERE seq = 1" |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' > stored
else
	[ "$(stat -c %a var/kesu)" = 700 ] || fail "ledger directory mode $(stat -c %a var/kesu)"
	[ "$(stat -c %a var/kesu/ledger.db)" = 600 ] || fail "ledger mode $(stat -c %a var/kesu/ledger.db)"
	[ "$(sqlite3 var/kesu/ledger.db 'PRAGMA journal_mode')" = wal ] || fail "not in WAL mode"
	# the stored bytes are the file's bytes
	sqlite3 var/kesu/ledger.db "SELECT writefile('stored', certificate) FROM certificates WHERE seq=1" >/dev/null
fi
cmp stored "$C1" || fail "stored bytes differ from the file"
ok "five signed certificates recorded in a new ledger (directory 0700, file 0600, WAL), bytes kept"

# signatures: missing, altered, or made by a key the trust store does not hold
mkdir bad
# refused WANT TEXT FILE: ledger add FILE exits WANT with TEXT, and no row is added
refused() {
	expect_err "$1" "$2" "$KESU" ledger $L $T add "$3"
	[ "$(rows)" = 5 ] || fail "$3 was recorded: $(rows) rows"
}
cert bad/nosig.json PC-0007 S-GGG
rm bad/nosig.json.operator.minisig
refused 10 "not recorded: bad-signature: no operator signature" bad/nosig.json
# one base64 character of the signature changed
cert bad/sig.json PC-0007 S-GGG
awk 'NR == 2 { c = substr($0, 20, 1); $0 = substr($0, 1, 19) (c == "A" ? "B" : "A") substr($0, 21) }
	{ print }' bad/sig.json.operator.minisig > x && mv x bad/sig.json.operator.minisig
refused 10 "not recorded: bad-signature" bad/sig.json
# the signed trusted comment changed: another operator's name
cert bad/comment.json PC-0007 S-GGG
sed -i '3s/name="Test Operator"/name="Boss"/' bad/comment.json.operator.minisig
refused 10 "not recorded: bad-signature" bad/comment.json
# the certificate changed after signing, still canonical and of the schema
cert bad/edited.json PC-0007 S-GGG
sed -i 's/"S-GGG"/"S-GGH"/' bad/edited.json
jq -e '.media.serial == "S-GGH"' bad/edited.json > /dev/null || fail "edited.json not edited"
refused 10 "not recorded: bad-signature" bad/edited.json
# an approval whose signature does not match is refused too, not recorded as unapproved
cert bad/approval.json PC-0007 S-GGG
approve bad/approval.json
sed -i '3s/name="Test Approver"/name="Boss"/' bad/approval.json.approver.minisig
refused 10 "not recorded: bad-signature" bad/approval.json
# signed with stock minisign, in kesu's format, by a key the trust store does not hold
cert bad/stranger.json PC-0007 S-GGG
id=$(jq -r .id bad/stranger.json)
rm bad/stranger.json.operator.minisig
minisign -S -s "$keys/minisign-nopass.key" -m bad/stranger.json \
	-x bad/stranger.json.operator.minisig \
	-t "kesu-certificate/1 id=$id role=operator name=\"Test Operator\" time=2026-11-26T02:00:00Z" \
	< /dev/null > /dev/null || fail "stock minisign cannot sign"
refused 11 "not recorded: untrusted: key" bad/stranger.json
# the same for the approver's signature
cert bad/stranger2.json PC-0007 S-GGG
id=$(jq -r .id bad/stranger2.json)
minisign -S -s "$keys/minisign-nopass.key" -m bad/stranger2.json \
	-x bad/stranger2.json.approver.minisig \
	-t "kesu-certificate/1 id=$id role=approver name=\"Test Approver\" time=2026-11-26T02:00:00Z" \
	< /dev/null > /dev/null || fail "stock minisign cannot sign"
refused 11 "not recorded: untrusted: key" bad/stranger2.json
# a trust store without the operator's key; and one that trusts that key only as an approver
mkdir trust2 trust3
cp "$keys/approver.key.pub" trust2/
sed 's/role=operator/role=approver/' "$keys/operator.key.pub" > trust3/op.pub
cp "$keys/approver.key.pub" trust3/
cert bad/ok.json PC-0007 S-GGG
for tr in trust2 trust3; do
	expect_err 11 "not recorded: untrusted" "$KESU" ledger $L --trust "$WORK/$tr" add bad/ok.json
	[ "$(rows)" = 5 ] || fail "recorded against $tr"
done
# the default trust store, when there is none, refuses to guess
if [ ! -e /etc/kesu/trust.d ]; then
	expect_err 1 "no trust store there" "$KESU" ledger $L add bad/ok.json
	[ "$(rows)" = 5 ] || fail "recorded without a trust store"
fi
ok "missing, altered and foreign signatures: 10 or 11, nothing recorded"

rc_is 0 "$KESU" ledger $L $T add "$C1"
grep -qx "$C1: already recorded as seq 1" out || fail "idempotent add: $(cat out)"
[ "$(rows)" = 5 ] || fail "row added twice"
jq -cSj '.media.model = "other"' "$C1" > other.json
expect_err 1 "the id is recorded with other bytes" "$KESU" ledger $L $T add other.json
printf '{"format":"kesu-report/1","id":"x"}' > report.json
expect_err 9 "not recorded: malformed: format: not one of the values" "$KESU" ledger $L $T add report.json
printf 'not json' > junk.json
expect_err 9 "not recorded: not a JSON object" "$KESU" ledger $L $T add junk.json
ok "adding again is a no-op; the same id with other bytes and invalid documents are refused"

rc_is 0 "$KESU" ledger $L $T verify
grep -q "5 rows, chain intact, head [0-9a-f]\{64\}$" out || fail "verify: $(cat out)"
rc_is 0 "$KESU" ledger $L $T verify --json
jq -e '.intact and .rows == 5' out >/dev/null || fail "verify --json: $(cat out)"

# 50 certificates in one add, the 25th (batch/34.json) refused: its signature altered. In
# batches of 10 (a test build's hook; 256 otherwise), one transaction each: the refused one is
# skipped, the 49 others recorded, each its own row, in the order given; adding them again
# records nothing
if [ -n "$PG" ]; then
	psql -q "$PG" -c "CREATE DATABASE ledger_batch" || fail "cannot create the batch database"
	BATCH="postgresql:///ledger_batch?${PG#*\?}"
	bsql() { psql -qAt "$BATCH" -c "$1"; }
else
	BATCH=$WORK/batch.db
	bsql() { sqlite3 batch.db "$1"; }
fi
mkdir batch
for i in $(seq 10 59); do
	cert "batch/$i.json" "PC-B$i" "S-B-$i"
done
awk 'NR == 2 { c = substr($0, 20, 1); $0 = substr($0, 1, 19) (c == "A" ? "B" : "A") substr($0, 21) }
	{ print }' batch/34.json.operator.minisig > x && mv x batch/34.json.operator.minisig
for i in $(seq 10 59); do [ "$i" = 34 ] || jq -r .id "batch/$i.json"; done > batch.ids
KESU_TEST_LEDGER_BATCH=10 expect_err 10 "batch/34.json: not recorded: bad-signature" \
	"$KESU" ledger --ledger "$BATCH" $T add batch/*.json
[ "$(bsql 'SELECT count(*) FROM certificates')" = 49 ] || fail "batch: $(bsql 'SELECT count(*) FROM certificates') rows"
bsql 'SELECT id FROM certificates ORDER BY seq' > batch.got
cmp -s batch.ids batch.got || fail "batch: rows are not the 49 in order: $(diff batch.ids batch.got | head -3)"
[ "$(bsql 'SELECT min(seq), max(seq) FROM certificates')" = "1|49" ] || fail "batch: seq has gaps"
n=0
for i in $(seq 10 59); do
	[ "$i" = 34 ] && continue
	n=$((n + 1))
	grep -q "^batch/$i.json: recorded as seq $n, head $n:[0-9a-f]\{64\}$" out ||
		fail "batch: batch/$i.json not told seq $n: $(cat out)"
done
rc_is 0 "$KESU" ledger --ledger "$BATCH" $T verify
grep -q ": 49 rows, chain intact" out || fail "batch: verify: $(cat out)"
expect_err 10 "batch/34.json: not recorded: bad-signature" "$KESU" ledger --ledger "$BATCH" $T add batch/*.json
[ "$(grep -c ': already recorded as seq' out)" = 49 ] || fail "batch again: $(cat out)"
[ "$(bsql 'SELECT count(*) FROM certificates')" = 49 ] || fail "batch again: rows added"
ok "50 certificates in one add, one refused in the middle: the 49 others recorded in order, once"

# one batch, one transaction: the WAL is synced once or twice for the 49 rows (not 49 times),
# and nothing is written to it after the refusal was told: it was told after the commit
if [ -z "$PG" ] && command -v strace >/dev/null; then
	strace -f -y -s 100 -e trace=pwrite64,write,fdatasync,fsync -o batch.trace \
		"$KESU" ledger --ledger "$WORK/batch2.db" $T add batch/*.json > out 2> err || true
	[ "$(sqlite3 batch2.db 'SELECT count(*) FROM certificates')" = 49 ] || fail "batch2: rows"
	told=$(grep -n 'write(2<.*batch/34.json: not recorded' batch.trace | cut -d: -f1)
	[ -n "$told" ] || fail "batch2: the refusal not seen in the trace"
	last=$(grep -n 'pwrite64([0-9]*<[^>]*batch2.db-wal>' batch.trace | tail -1 | cut -d: -f1)
	[ -n "$last" ] && [ "$last" -lt "$told" ] || fail "batch2: the WAL written after the refusal was told"
	syncs=$(grep -c 'sync([0-9]*<[^>]*batch2.db-wal>' batch.trace)
	[ "$syncs" -le 4 ] || fail "batch2: the WAL synced $syncs times for one batch"
	ok "one batch: the WAL synced $syncs times for 49 rows, the refusal told after the commit"
fi

if [ -n "$PG" ]; then
	ok "the rest edits and copies the ledger file: SQLite only"
	exit 0
fi

# tamper WHAT SQL PATTERN: on a copy, run SQL with sqlite3; verify exits 15 naming the row
tamper() {
	cp var/kesu/ledger.db t.db
	rm -f t.db-wal t.db-shm
	sqlite3 t.db "$2"
	rc_is 15 "$KESU" ledger --ledger "$WORK/t.db" $T verify
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
cert 6.json PC-0006 S-FFF
approve 6.json
rc_is 0 "$KESU" ledger --ledger "$WORK/other.db" $T add 6.json
sqlite3 other.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
COLS="id, refers, certificate, signatures, certificate_sha256, asset_tag, serial, model, category,
	technique, result, started, finished, operator, witness, approver, issued, report_id,
	self_approval, prev_hash, row_hash, kind, recorded, signers"
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
rc_is 0 "$KESU" ledger $L $T verify

# the security log's anchor: the last row removed, or the whole chain recomputed, is found
head=$(sqlite3 var/kesu/ledger.db 'SELECT row_hash FROM certificates WHERE seq = 5')
rc_is 0 "$KESU" ledger $L $T verify --anchor "5:$head"
cp var/kesu/ledger.db t.db
rm -f t.db-wal t.db-shm
sqlite3 t.db "DELETE FROM certificates WHERE seq = 5"
# SQLite's counter still says 5: the chain check finds the last row gone by itself
expect_err 15 "seq 5 deleted: rows 5 to 5 are missing at the end" \
	"$KESU" ledger --ledger "$WORK/t.db" $T verify
# and after another certificate was added: it takes seq 6, not the deleted row's
cert 7.json PC-0007 S-HHH
approve 7.json
rc_is 0 "$KESU" ledger --ledger "$WORK/t.db" $T add 7.json
grep -q "^7.json: recorded as seq 6, head 6:" out || fail "seq reused: $(cat out)"
[ "$(sqlite3 t.db 'SELECT seq FROM certificates WHERE seq = 5')" = "" ] || fail "seq 5 reused"
expect_err 15 "seq 6 deleted: rows 5 to 5 are missing before it" \
	"$KESU" ledger --ledger "$WORK/t.db" $T verify
# the counter put back too: the new row takes seq 5, but a hash of its own, not the anchor's
cp var/kesu/ledger.db t.db
rm -f t.db-wal t.db-shm
sqlite3 t.db "DELETE FROM certificates WHERE seq = 5;
	UPDATE sqlite_sequence SET seq = 4 WHERE name = 'certificates'"
rc_is 0 "$KESU" ledger --ledger "$WORK/t.db" $T add 7.json
new=$(sed -n 's/^7.json: recorded as seq 5, head 5:\([0-9a-f]*\)$/\1/p' out)
[ -n "$new" ] && [ "$new" != "$head" ] || fail "seq 5 took the deleted row's hash: $(cat out)"
expect_err 15 "seq 5 altered: its hash differs from the anchor" \
	"$KESU" ledger --ledger "$WORK/t.db" $T verify --anchor "5:$head"
sqlite3 t.db "UPDATE certificates SET row_hash = '$(printf %064d 0)' WHERE seq = 4"
expect_err 15 "seq 4 altered" "$KESU" ledger --ledger "$WORK/t.db" $T verify --anchor "4:$head"
rc_is 2 "$KESU" ledger $L $T verify --anchor 5:ABC
rc_is 2 "$KESU" ledger $L list --anchor "5:$head"
ok "a deleted last row is found, also after another add; seq is never reused; --anchor"

# the row hash, recomputed by Python from what sqlite3 reads out of the file
python3 - var/kesu/ledger.db <<'PY' || fail "row hashes do not match Python's"
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
prev = '0' * 64
for seq, refers, cert, sigs, ph, rh, rec, signers in db.execute(
        'SELECT seq, refers, certificate, signatures, prev_hash, row_hash, recorded, signers'
        ' FROM certificates ORDER BY seq'):
    assert ph == prev, (seq, ph, prev)
    d = lambda b: hashlib.sha256(b).digest()
    h = hashlib.sha256(struct.pack('>q', seq) + bytes.fromhex(ph) + d(cert) + d(sigs.encode())
                       + struct.pack('>q', refers or 0) + d(rec.encode()) + d(signers.encode()))
    assert h.hexdigest() == rh, seq
    prev = rh
assert db.execute('PRAGMA user_version').fetchone()[0] == 3
PY
ok "row_hash = SHA-256(seq, prev_hash, certificate, signatures, refers, recorded, signers), as Python computes it"

rc_is 0 "$KESU" ledger $L list --asset PC-0002
[ "$(grep -c "$ID2" out)" = 1 ] && [ "$(wc -l < out)" = 2 ] || fail "list --asset: $(cat out)"
rc_is 0 "$KESU" ledger $L list --serial S-CCC --json
jq -e 'length == 1 and .[0].asset_tag == "PC-0003" and .[0].approver == null' out >/dev/null ||
	fail "list --serial --json: $(cat out)"
rc_is 0 "$KESU" ledger $L show "$ID2" --json
jq -e '.result == "failed" and .certificate.media.serial == "S-BBB"
	and (.signatures | keys) == ["operator.minisig"]' out >/dev/null ||
	fail "show --json: $(cat out)"
rc_is 0 "$KESU" ledger $L show "$ID1" --json
jq -e '.approver == "Test Approver"
	and (.signatures | keys) == ["approver.minisig", "operator.minisig"]' out >/dev/null ||
	fail "show --json: $(cat out)"
# the stored signatures are the sidecars' bytes (base64 in JSON); stock minisign accepts them
jq -r '.signatures["approver.minisig"]' out | base64 -d > ap.minisig
cmp ap.minisig "$C1.approver.minisig" || fail "stored approver signature differs from the file"
minisign -Vm "$C1" -x ap.minisig -p "$keys/approver.key.pub" > /dev/null ||
	fail "stock minisign rejects the stored approver signature"
expect_err 1 "no certificate no-such-id" "$KESU" ledger $L show no-such-id
# control characters from a certificate cannot reach the terminal or start a line of their own
cert ctl.json "$(printf 'A\033[31mB\nC')" "$(printf 'S\tX')"
rc_is 0 "$KESU" ledger --ledger "$WORK/ctl.db" $T add ctl.json
rc_is 0 "$KESU" ledger --ledger "$WORK/ctl.db" list
line="$(jq -r .id ctl.json)  A\\x1b[31mB\\x0aC  S\\x09X  success  -"
[ "$(wc -l < out)" = 2 ] && grep -qF "$line" out || fail "list escapes: $(cat -A out)"
! grep -q "$(printf '\033')" out || fail "an escape character reached the output"
ok "list by asset tag and serial, show by id; control characters escaped"

rc_is 0 "$KESU" ledger $L export --csv
cp out export.csv
python3 - export.csv "$ID1" "$ID3" "$ID4" "$C1" <<'PY' || fail "CSV export: $(cat export.csv)"
import csv, hashlib, io, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.count(b'\r\n') == raw.count(b'\n'), 'records end with CRLF'
# every field quoted: the file is what Python writes with QUOTE_ALL from what it reads
recs = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
out = io.StringIO()
csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator='\r\n').writerows(recs)
assert out.getvalue().encode() == raw, 'not every field is quoted'
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
assert list(rows[0].keys()) == ['asset_tag', 'serial', 'model', 'category', 'technique',
    'result', 'started', 'finished', 'operator', 'witness', 'approver', 'self_approval',
    'certificate_id', 'certificate_sha256'], rows[0].keys()
assert len(rows) == 5, len(rows)
by = {r['certificate_id']: r for r in rows}
id1, id3, id4, c1 = sys.argv[2:6]
r = by[id4]
assert r['asset_tag'] == '\'=HYPERLINK("http://x")', r['asset_tag']
assert r['serial'] == 'S,"D";=1+1', r['serial']
r = by[id1]
assert r['result'] == 'success' and r['approver'] == 'Test Approver', r
assert r['self_approval'] == 'no', r
assert r['operator'] == 'Test Operator' and r['witness'] == 'Sato Jiro', r
data = open(c1, 'rb').read()
assert r['certificate_sha256'] == hashlib.sha256(data).hexdigest()
assert by[id3]['approver'] == '' and by[id3]['self_approval'] == ''
PY
rc_is 0 "$KESU" ledger $L export --jsonl
[ "$(jq -s 'length' out)" = 5 ] || fail "jsonl: $(cat out)"
jq -e -s --arg id "$ID2" '.[1] | .certificate_id == $id
	and .result == "failed" and .asset_tag == "PC-0002"' out >/dev/null || fail "jsonl row"
jq -e -s '.[3].asset_tag == "=HYPERLINK(\"http://x\")"' out >/dev/null || fail "jsonl keeps values"
rc_is 2 "$KESU" ledger $L export
rc_is 2 "$KESU" ledger $L export --csv --jsonl
ok "CSV export (RFC 4180, CRLF, formula cells defused) read by Python's csv; JSONL read by jq"

# reconcile: a Snipe-IT style header, quoted cells, an embedded newline in a note, CRLF
printf '"Asset Tag",Serial,Notes\r\nPC-0001,,"fine"\r\n,S-BBB,"failed run"\r\nPC-0003,S-CCC,"not approved"\r\nPC-0404,S-404,"a note, with a comma\r\nand a line"\r\n' > assets.csv
rc_is 15 "$KESU" ledger $L reconcile assets.csv --json
jq -e '(.certified | map(.asset_tag)) == ["PC-0001"]
	and (.missing | map([.asset_tag, .serial, .reason])) == [
		["", "S-BBB", "erasure not successful"], ["PC-0003", "S-CCC", "not approved"],
		["PC-0404", "S-404", "no certificate"]]
	and (.unmatched | map(.asset_tag)) == ["=HYPERLINK(\"http://x\")", "PC-0099"]' out >/dev/null ||
	fail "reconcile groups: $(cat out)"
rc_is 15 "$KESU" ledger $L reconcile assets.csv
grep -q "^1 certified, 3 missing, 2 unmatched certificates$" out || fail "reconcile text: $(cat out)"
printf 'serial\nS-AAA\n' > ok.csv
rc_is 0 "$KESU" ledger $L reconcile ok.csv
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
	cert "par/$i.json" "PC-10$i" "S-PAR-$i"
done
"$KESU" ledger --ledger "$WORK/par.db" $T add par/1*.json par/2*.json > par1.out 2>&1 &
p1=$!
"$KESU" ledger --ledger "$WORK/par.db" $T add par/3*.json par/4*.json > par2.out 2>&1 &
p2=$!
"$KESU" ledger --ledger "$WORK/par.db" $T add par/*.json > par3.out 2>&1 ||
	fail "writer 3: $(cat par3.out)"
wait $p1 || fail "writer 1: $(cat par1.out)"
wait $p2 || fail "writer 2: $(cat par2.out)"
rc_is 0 "$KESU" ledger --ledger "$WORK/par.db" $T verify
grep -q ": 40 rows, chain intact" out || fail "concurrent adds: $(cat out)"
[ "$(cat par1.out par2.out par3.out | grep -c ': recorded as seq')" = 40 ] ||
	fail "concurrent adds: not each recorded once: $(cat par1.out par2.out par3.out)"
ok "three concurrent writers: 40 rows, one intact chain"

expect_err 1 "no ledger there" "$KESU" ledger --ledger "$WORK/none.db" $T verify
[ ! -e none.db ] || fail "a read-only action created a ledger"
printf 'not a database at all, just text that is long enough to have a header' > notdb.db
expect_err 1 "not a kesu ledger" "$KESU" ledger --ledger "$WORK/notdb.db" $T add "$C1"
rc_is 2 "$KESU" ledger $L frobnicate
rc_is 2 "$KESU" ledger $L list --csv
rc_is 2 "$KESU" ledger $L $T add
ok "missing ledger, a file that is not one, unknown actions and misplaced options"

DB=var/kesu/ledger.db
# a later approval: c/3.json was recorded unapproved; approved now, it gets a row of its own
approve c/3.json
rc_is 0 "$KESU" ledger $L $T add c/3.json
n=$(sqlite3 $DB "SELECT max(seq) FROM certificates")
h=$(sqlite3 $DB "SELECT row_hash FROM certificates WHERE seq = $n")
grep -qx "c/3.json: signatures added as seq $n, head $n:$h" out || fail "approval: $(cat out)"
[ "$(sqlite3 $DB "SELECT refers, approver FROM certificates WHERE seq = $n")" = "3|Test Approver" ] ||
	fail "approval row: $(sqlite3 $DB "SELECT seq, refers, approver FROM certificates")"
[ "$(sqlite3 $DB "SELECT count(*) FROM certificates WHERE id = '$ID3'")" = 2 ] || fail "rows of $ID3"
rc_is 0 "$KESU" ledger $L $T add c/3.json
grep -qx "c/3.json: already recorded as seq $n" out || fail "approval again: $(cat out)"
rc_is 15 "$KESU" ledger $L reconcile assets.csv --json
jq -e '(.certified | map(.asset_tag)) == ["PC-0001", "PC-0003"]
	and (.missing | map(.asset_tag)) == ["", "PC-0404"]
	and (.unmatched | map(.asset_tag)) == ["=HYPERLINK(\"http://x\")", "PC-0099"]' out >/dev/null ||
	fail "reconcile after the approval: $(cat out)"
rc_is 0 "$KESU" ledger $L $T verify
rc_is 0 "$KESU" ledger $L show "$ID3" --json
jq -e --argjson n "$n" '.seq == $n and .refers == 3 and .approver == "Test Approver"' out \
	>/dev/null || fail "show after the approval: $(cat out)"
# fewer signatures than recorded (the approval left out) is not a later approval
mkdir fewer
cp "$C1" "$C1.operator.minisig" fewer/
expect_err 1 "recorded as seq 1 with other signatures" "$KESU" ledger $L $T add fewer/1.json
ok "a later approval is recorded as a row that refers to the first; reconcile counts it"

# one erasure certified twice: the same report made out for another asset
cert dup.json PC-0100 S-DUP "" "$(jq -r .report_id "$C1")"
approve dup.json
IDD=$(jq -r .id dup.json)
rc_is 0 "$KESU" ledger $L $T add dup.json
nd=$(sqlite3 $DB "SELECT seq FROM certificates WHERE id = '$IDD'")
rc_is 0 "$KESU" ledger $L $T verify
grep -qx "duplicate  seq $nd $IDD: the same erasure as seq 1 $ID1 (same report_id)" out ||
	fail "verify: duplicate not flagged: $(cat out)"
[ "$(grep -c '^duplicate' out)" = 1 ] || fail "verify: $(cat out)"
rc_is 0 "$KESU" ledger $L $T verify --json
jq -e --arg d "$IDD" --arg f "$ID1" '.intact and (.duplicates | length) == 1
	and .duplicates[0].certificate_id == $d and .duplicates[0].first_certificate_id == $f
	and .duplicates[0].same == "report_id"' out >/dev/null || fail "verify --json: $(cat out)"
rc_is 15 "$KESU" ledger $L reconcile assets.csv
grep -qx "duplicate  seq $nd $IDD: the same erasure as seq 1 $ID1 (same report_id)" out ||
	fail "reconcile: duplicate not flagged: $(cat out)"
ok "two certificates of one erasure are flagged by verify and reconcile"

# self-approval: the approver witnessed the erasure, and approved under a recorded exception
jq '.operator.witness = "Test Approver"' R.json > Rw.json
"$KESU" cert issue Rw.json --sign-key keys/operator.key --passphrase-file op.pass -o self.json \
	> /dev/null 2> err || fail "cert issue: $(cat err)"
"$KESU" cert approve $T --sign-key keys/approver.key --passphrase-file ap.pass \
	--allow-self-approval --reason "only one person on site" self.json > /dev/null 2> err ||
	fail "cert approve --allow-self-approval: $(cat err)"
rc_is 0 "$KESU" ledger --ledger "$WORK/self.db" $T add self.json "$C1"
rc_is 0 "$KESU" ledger --ledger "$WORK/self.db" export --csv
python3 - out "$(jq -r .id self.json)" "$ID1" <<'PY' || fail "self_approval column: $(cat out)"
import csv, sys
rows = {r['certificate_id']: r for r in csv.DictReader(open(sys.argv[1], newline=''))}
assert rows[sys.argv[2]]['self_approval'] == 'yes', rows[sys.argv[2]]
assert rows[sys.argv[3]]['self_approval'] == 'no', rows[sys.argv[3]]
PY
ok "the export's self_approval column says which approvals were the operator's own"

# a ledger of schema 1 (an older kesu) is refused, named, and left as it was
sqlite3 old.db "CREATE TABLE certificates (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
	PRAGMA user_version = 1"
cp old.db old.copy
expect_err 1 "old.db: ledger schema 1: made by an older kesu" \
	"$KESU" ledger --ledger "$WORK/old.db" $T add "$C1"
expect_err 1 "ledger schema 1" "$KESU" ledger --ledger "$WORK/old.db" list
cmp old.db old.copy || fail "a schema 1 ledger was changed"
ok "a schema 1 ledger is refused with its version, unchanged"

# with a log daemon listening, each new head reaches the security log and nothing is warned
sink=${KESU_BUILDDIR:?}/tests/cli/logsink
if [ -x "$sink" ] && command -v unshare >/dev/null; then
	"$sink" "$WORK/log.sock" 30 > "$WORK/log" &
	pid=$!
	i=0
	while [ ! -S "$WORK/log.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	mkdir -p ov/up ov/wk
	cert logged.json PC-0200 S-LOG
	rc=0
	unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t overlay overlay -o "lowerdir=/dev,upperdir=$2/up,workdir=$2/wk" /dev &&
		rm -f /dev/log && ln -s "$1" /dev/log || exit 99
		shift 2
		exec "$@"' sh "$WORK/log.sock" "$WORK/ov" \
		"$KESU" ledger $L $T add logged.json > out 2> err || rc=$?
	# logsink prints what is queued when it is stopped: no pause before
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	if [ $rc -ne 99 ]; then
		[ $rc -eq 0 ] || fail "add with a log daemon: exit $rc: $(cat err)"
		n=$(sqlite3 $DB "SELECT max(seq) FROM certificates")
		h=$(sqlite3 $DB "SELECT row_hash FROM certificates WHERE seq = $n")
		grep -q "kesu\[[0-9]*\]: ledger add: ledger=\"$WORK/var/kesu/ledger.db\" seq=\"$n\" row_hash=\"$h\" user=\"" \
			"$WORK/log" || fail "no ledger add record: $(cat "$WORK/log")"
		! grep -q "security log" err || fail "warned with a log daemon: $(cat err)"
		ok "with a log daemon, the new head is in the security log and nothing is warned"
	fi
fi
