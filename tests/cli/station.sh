#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu station in line mode on loop devices: two named drives erased
# unattended (--auto --once), each with kesu erase's report and a signed
# certificate that stock minisign and kesu cert verify accept, and a signed
# machine summary listing both; a mounted drive refused with its data
# untouched; a policy that admits only usb leaves a loop device alone; a
# countdown cancelled by SIGINT writes nothing; a group-writable policy is
# refused; --progress=json lines parse. Under KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh)
# the register the certificates go to is a database of that PostgreSQL server, read and
# edited with psql instead of sqlite3 (the local queue stays SQLite).
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
command -v jq >/dev/null || skip "jq missing"
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 missing"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"

keys=${KESU_SRCDIR:?}/tests/data/keys
MiB=1048576
mkdir "$WORK/keys" "$WORK/trust"
cp "$keys"/operator.key "$keys"/operator.key.pub "$WORK/keys/"
chmod 600 "$WORK/keys/operator.key"
cp "$keys/operator.key.pub" "$WORK/trust/"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
K=$WORK/keys
. "$KESU_SRCDIR/tests/cli/register-lib.sh"
# a register of the test's own: each certificate is recorded in it
R=$(at reg/ledger)
cat > "$WORK/kesu.conf" <<CONF
[trust]
dir = $WORK/trust
[ledger]
$CONFKEY = $R
CONF
chmod 600 "$WORK/kesu.conf"
export KESU_CONFIG="$WORK/kesu.conf"

station() {
	"$KESU" station --no-tui --countdown 1 --sign-key "$K/operator.key" \
		--passphrase-file "$WORK/op.pass" "$@"
}

# --- two drives, unattended, once ---
mkdir "$WORK/out" "$WORK/out2" "$WORK/out3" "$WORK/out4" "$WORK/out5"
a=$(mkloop $((8 * MiB)))
b=$(mkloop $((8 * MiB)))
set +e
station --auto --once --method zero --output-dir "$WORK/out" "$a" "$b" \
	> "$WORK/lines" 2> "$WORK/err" < /dev/null
rc=$?
set -e
[ $rc -eq 0 ] || fail "station exited $rc: $(cat "$WORK/lines" "$WORK/err")"
cp "$WORK/lines" "$WORK/lines1"
cmp -n $((8 * MiB)) "$a" /dev/zero || fail "$a not zeroed"
cmp -n $((8 * MiB)) "$b" /dev/zero || fail "$b not zeroed"
for d in "$a" "$b"; do
	grep -q "^added [0-9]* $d: " "$WORK/lines" || fail "no added line for $d"
	grep -q "^countdown [0-9]* $d: erased in 1 s" "$WORK/lines" || fail "no countdown for $d"
	grep -q "^started [0-9]* $d: method zero" "$WORK/lines" || fail "no started line for $d"
	grep -q "^finished [0-9]* $d: success, verified (clear); report .*; certificate " \
		"$WORK/lines" || fail "no finished line for $d: $(cat "$WORK/lines")"
	grep -q "^finished [0-9]* $d: .*; register seq [0-9]*$" "$WORK/lines" ||
		fail "$d: not sent to the register: $(cat "$WORK/lines")"
done
n=$(sql reg/ledger 'select count(*) from certificates where kind is null')
[ "$n" -eq 2 ] || fail "the register holds $n certificates, expected 2"
ok "two named loop devices erased unattended, one line per event"

# --- the central register unreachable: both certificates queued, exit 24 ---
# a PostgreSQL socket directory where nothing listens
mkdir "$WORK/nopg" "$WORK/outq"
cat > "$WORK/kesu-q.conf" <<CONF
[trust]
dir = $WORK/trust
[ledger]
url = postgresql:///kesu?host=$WORK/nopg&port=5432
queue = $WORK/q.db
CONF
chmod 600 "$WORK/kesu-q.conf"
qa=$(mkloop $((8 * MiB)))
qb=$(mkloop $((8 * MiB)))
set +e
KESU_CONFIG="$WORK/kesu-q.conf" station --auto --once --method zero --output-dir "$WORK/outq" \
	"$qa" "$qb" > "$WORK/lines" 2> "$WORK/err" < /dev/null
rc=$?
set -e
[ $rc -eq 24 ] || fail "register unreachable: exit $rc, expected 24: $(cat "$WORK/lines" "$WORK/err")"
for d in "$qa" "$qb"; do
	grep -q "^finished [0-9]* $d: success, .*; register: queued (run kesu ledger sync)$" \
		"$WORK/lines" || fail "$d: not told queued: $(cat "$WORK/lines")"
done
grep -q "queued for the register at postgresql:///kesu?host=$WORK/nopg" "$WORK/err" ||
	fail "not told on stderr: $(cat "$WORK/err")"
qdir=$(find "$WORK/outq" -mindepth 1 -maxdepth 1 -type d)
ids=$(for c in $(grep -L '"format": "kesu-report/1"' "$qdir"/loop*.json); do jqf "$c" .id; done |
	sort)
[ "$(echo "$ids" | wc -l)" -eq 2 ] || fail "two certificates expected: $ids"
# and the machine summary behind them
ids=$(printf '%s\n%s\n' "$ids" "$(jqf "$(ls "$qdir"/machine-*.json)" .id)" | sort)
[ "$(sqlite3 "$WORK/q.db" 'select id from queue order by id')" = "$ids" ] ||
	fail "the queue holds $(sqlite3 "$WORK/q.db" 'select id from queue'), expected $ids"
[ "$(sqlite3 "$WORK/q.db" "select count(*) from queue_signatures where name = 'operator.minisig'")" \
	-eq 3 ] || fail "the signatures are not queued with them"
grep -q "^machine summary .*; register: queued (run kesu ledger sync)$" "$WORK/lines" ||
	fail "the summary not told queued: $(cat "$WORK/lines")"
cmp -n $((8 * MiB)) "$qa" /dev/zero || fail "$qa not zeroed"
ok "the central register unreachable: both certificates and the summary queued (sqlite3), exit 24"

mdir=$(find "$WORK/out" -mindepth 1 -maxdepth 1 -type d)
[ "$(echo "$mdir" | wc -l)" -eq 1 ] || fail "one folder per machine: $mdir"
nrep=$(find "$mdir" -name 'loop*.json' ! -name '*.minisig' | wc -l)
[ "$nrep" -eq 4 ] || fail "2 reports and 2 certificates expected: $(ls "$mdir")"
# the same fields as kesu erase's report of a drive erased the same way
c=$(mkloop $((8 * MiB)))
expect_rc 0 "$KESU" erase --yes --quiet --method zero --report "$WORK/ref.json" "$c" 2>/dev/null
jq -S 'paths | map(tostring) | join(".")' "$WORK/ref.json" | grep -v '^"machine\.' |
	sort > "$WORK/ref.keys"
for r in $(grep -l '"format": "kesu-report/1"' "$mdir"/loop*.json); do
	jq -S 'paths | map(tostring) | join(".")' "$r" | grep -v '^"machine\.' | sort > "$WORK/st.keys"
	diff "$WORK/ref.keys" "$WORK/st.keys" >&2 || fail "$r: fields differ from kesu erase's"
	[ "$(jqf "$r" .result)" = success ] || fail "$r: not success"
done
ok "the station's reports have kesu erase's fields"

for cert in $(grep -L '"format": "kesu-report/1"' "$mdir"/loop*.json); do
	minisign -Vm "$cert" -x "$cert.operator.minisig" -p "$K/operator.key.pub" >/dev/null ||
		fail "stock minisign rejects $cert"
	set +e
	"$KESU" cert verify --trust "$WORK/trust" "$cert" > "$WORK/vout" 2>&1
	vrc=$?
	set -e
	# loop devices have no serial: 21 (not identified) is kesu cert verify's answer then
	[ $vrc -eq 0 ] || [ $vrc -eq 21 ] || fail "kesu cert verify $cert: $vrc $(cat "$WORK/vout")"
	grep -q "operator Test Operator" "$WORK/vout" || fail "$(cat "$WORK/vout")"
done
ok "certificates verify with stock minisign and kesu cert verify"

sum=$(ls "$mdir"/machine-*.json)
minisign -Vm "$sum" -x "$sum.minisig" -p "$K/operator.key.pub" >/dev/null ||
	fail "stock minisign rejects the machine summary"
[ "$(jqf "$sum" .format)" = kesu-machine/1 ] || fail "format"
[ "$(jqf "$sum" '.drives | length')" -eq 2 ] || fail "summary lists $(jqf "$sum" '.drives|length')"
[ "$(jqf "$sum" .result)" = erased ] || fail "summary result $(jqf "$sum" .result)"
for d in "$a" "$b"; do
	id=$(jqf "$sum" ".drives[] | select(.path == \"$d\") | .certificate")
	grep -lq "\"id\":\"$id\"" "$mdir"/loop*.json || fail "$d: certificate $id not in the folder"
done
ok "the machine summary is signed, lists both drives and their certificates"

# --- the machine summary in the register: a row of its own kind, verified, shown ---
sid=$(jqf "$sum" .id)
[ "$(sql reg/ledger "select kind from certificates where id = '$sid'")" = machine-summary ] ||
	fail "the summary is not in the register: $(sql reg/ledger 'select seq, id, kind from
	certificates')"
[ "$(sql reg/ledger "select result from certificates where id = '$sid'")" = erased ] ||
	fail "the summary's result column"
grep -q "^machine summary $sum; register seq [0-9]*$" "$WORK/lines1" ||
	fail "the summary's line: $(grep '^machine summary' "$WORK/lines1")"
L="--ledger $R --trust $WORK/trust"
expect_rc 0 "$KESU" ledger $L add "$sum" > "$WORK/vout"
grep -q "already recorded as seq" "$WORK/vout" || fail "add again: $(cat "$WORK/vout")"
[ "$(sql reg/ledger "select count(*) from certificates where id = '$sid'")" -eq 1 ] ||
	fail "the summary recorded twice"
expect_rc 0 "$KESU" ledger $L show "$sid" > "$WORK/vout"
grep -q "^kind  *machine-summary$" "$WORK/vout" || fail "show: $(cat "$WORK/vout")"
expect_rc 0 "$KESU" ledger $L list > "$WORK/vout"
grep -q "^[0-9]* *$sid  .*  erased  " "$WORK/vout" || fail "list: $(cat "$WORK/vout")"
expect_rc 0 "$KESU" ledger $L list --json > "$WORK/vout"
[ "$(jq -r ".[] | select(.certificate_id == \"$sid\") | .kind" "$WORK/vout")" = machine-summary ] ||
	fail "list --json: $(cat "$WORK/vout")"
expect_rc 0 "$KESU" ledger $L verify > "$WORK/vout"
# kesu ledger add: a new register takes the summary with its .minisig; a forged one is refused
R2=$(at reg2/ledger)
expect_rc 0 "$KESU" ledger --ledger "$R2" --trust "$WORK/trust" add "$sum" > "$WORK/vout"
grep -q "recorded as seq 1" "$WORK/vout" || fail "ledger add summary: $(cat "$WORK/vout")"
[ "$(sql reg2/ledger "select kind from certificates where seq = 1")" = machine-summary ] ||
	fail "ledger add: kind $(sql reg2/ledger 'select kind from certificates')"
mkdir "$WORK/forged2"
sed 's|"path":"/dev/loop|"path":"/dev/lopp|' "$sum" > "$WORK/forged2/m.json"
cp "$sum.minisig" "$WORK/forged2/m.json.minisig"
expect_rc 10 "$KESU" ledger --ledger "$(at reg3/ledger)" --trust "$WORK/trust" \
	add "$WORK/forged2/m.json" 2> /dev/null
[ "$(sql reg3/ledger 'select count(*) from certificates')" -eq 0 ] ||
	fail "a forged summary was recorded"
# a row altered behind kesu's back (SQL on a copy of the register): verify's status in rc
tampered() {
	clone reg2/ledger t
	sql t "$1"
	set +e
	"$KESU" ledger --ledger "$(at t)" --trust "$WORK/trust" verify > "$WORK/vout" 2>&1
	rc=$?
	set -e
}
tampered "update certificates set result = 'not erased' where seq = 1"
[ $rc -eq 15 ] || fail "a tampered summary row: verify exited $rc: $(cat "$WORK/vout")"
tampered "update certificates set kind = NULL where seq = 1"
[ $rc -eq 15 ] || fail "a summary row passed off as a certificate: verify exited $rc"
grep -q "column kind does not match" "$WORK/vout" || fail "kind: $(cat "$WORK/vout")"
ok "the summary in the register: kind machine-summary ($SQLTOOL), once, shown, listed; tampering caught"

# kesu cert verify: the summary through the trust store, then each listed certificate
expect_rc 0 "$KESU" cert verify --trust "$WORK/trust" "$sum" > "$WORK/vout"
grep -q "^$sum: valid: machine summary $(jqf "$sum" .id), .*2 drives, all erased; operator Test Operator" \
	"$WORK/vout" || fail "cert verify of the summary: $(cat "$WORK/vout")"
expect_rc 0 "$KESU" cert verify --trust "$WORK/trust" --dir "$mdir" "$sum" > "$WORK/vout"
[ "$(grep -c ": valid: certificate " "$WORK/vout")" -eq 2 ] ||
	fail "--dir: not both certificates checked: $(cat "$WORK/vout")"
mkdir "$WORK/forged" "$WORK/notrust"
cp "$sum" "$sum.minisig" "$WORK/forged/"
fsum=$WORK/forged/$(basename "$sum")
# another drive's path, the file still canonical: only the signature can tell
sed -i 's|"path":"/dev/loop|"path":"/dev/lopp|' "$fsum"
cmp -s "$sum" "$fsum" && fail "the forgery changed nothing"
expect_rc 10 "$KESU" cert verify --trust "$WORK/trust" "$fsum" > "$WORK/vout"
grep -q ": bad-signature: " "$WORK/vout" || fail "forged summary: $(cat "$WORK/vout")"
expect_rc 11 "$KESU" cert verify --trust "$WORK/notrust" "$sum" > "$WORK/vout"
rm "$WORK/forged/$(basename "$sum").minisig"
cp "$sum" "$fsum"
expect_rc 10 "$KESU" cert verify --trust "$WORK/trust" "$fsum" > "$WORK/vout"
grep -q ": bad-signature: no signature" "$WORK/vout" || fail "unsigned: $(cat "$WORK/vout")"
# --dir where one listed certificate is missing
mkdir "$WORK/half"
id=$(jqf "$sum" '.drives[0].certificate')
for c in "$mdir"/loop*.json; do
	grep -q "\"id\":\"$id\"" "$c" || cp "$c" "$WORK/half/"
done
set +e
"$KESU" cert verify --trust "$WORK/trust" --dir "$WORK/half" "$sum" > "$WORK/vout" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "--dir with a certificate missing passed"
grep -q "certificate $id: $WORK/half: not found" "$WORK/vout" || fail "missing: $(cat "$WORK/vout")"
ok "kesu cert verify checks a machine summary and, with --dir, its certificates"

# --- a mounted drive is refused, its data untouched ---
m=$(mkloop $((16 * MiB)))
mkfs.ext4 -q -F "$m"
mkdir "$WORK/mnt"
# read-only, and no journal replay: mounting writes nothing that the check could mistake
before=$(devsum "$m")
mount -o ro,noload "$m" "$WORK/mnt"
MOUNTS="$WORK/mnt"
set +e
station --auto --once --method zero --output-dir "$WORK/out2" "$m" > "$WORK/lines" 2>&1 </dev/null
rc=$?
set -e
[ $rc -eq 3 ] || fail "mounted: exit $rc, expected 3: $(cat "$WORK/lines")"
grep -q "^refused [0-9]* $m: .*mounted" "$WORK/lines" || fail "no reason: $(cat "$WORK/lines")"
grep -q "^started" "$WORK/lines" && fail "a mounted drive was started"
unmount "$WORK/mnt"
MOUNTS=""
[ "$(devsum "$m")" = "$before" ] || fail "the mounted drive was written"
ok "a mounted drive is refused with the reason, its data untouched"

# --- a policy that admits only usb ---
p=$(mkloop $((8 * MiB)))
before=$(devsum "$p")
printf '[admit]\ntransport = usb\ncountdown = 1\n' > "$WORK/usb.policy"
chmod 600 "$WORK/usb.policy"
set +e
station --auto --once --policy "$WORK/usb.policy" --output-dir "$WORK/out3" "$p" \
	> "$WORK/lines" 2>&1 </dev/null
rc=$?
set -e
[ $rc -eq 3 ] || fail "usb policy: exit $rc: $(cat "$WORK/lines")"
grep -q "^refused [0-9]* $p: the policy does not admit transport loop" "$WORK/lines" ||
	fail "usb policy: $(cat "$WORK/lines")"
[ "$(devsum "$p")" = "$before" ] || fail "usb policy: the loop device was written"
ok "a policy admitting only usb leaves a loop device untouched"

# --- a group-writable policy is refused ---
chmod 620 "$WORK/usb.policy"
set +e
station --auto --once --policy "$WORK/usb.policy" "$p" > "$WORK/lines" 2>&1 </dev/null
rc=$?
set -e
[ $rc -eq 3 ] || fail "group-writable policy: exit $rc"
grep -q "writable by group or others" "$WORK/lines" || fail "$(cat "$WORK/lines")"
ok "a group-writable policy is refused"

# --- SIGINT during the countdown: nothing written ---
before=$(devsum "$p")
"$KESU" station --no-tui --auto --once --countdown 30 --method zero --output-dir "$WORK/out4" \
	"$p" > "$WORK/lines" 2>&1 </dev/null &
pid=$!
i=0
until grep -q "^countdown" "$WORK/lines"; do
	i=$((i + 1))
	[ $i -lt 300 ] || { kill $pid; fail "no countdown line: $(cat "$WORK/lines")"; }
	sleep 0.1
done
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 7 ] || fail "SIGINT in the countdown: exit $rc, expected 7: $(cat "$WORK/lines")"
grep -q "^cancelled [0-9]* $p: nothing written" "$WORK/lines" || fail "$(cat "$WORK/lines")"
grep -q "^started" "$WORK/lines" && fail "started after SIGINT"
[ "$(devsum "$p")" = "$before" ] || fail "the cancelled drive was written"
ok "SIGINT cancels the countdown and nothing is written"

# --- JSON lines ---
set +e
station --auto --once --method zero --progress=json --output-dir "$WORK/out5" "$p" \
	> "$WORK/json" 2> "$WORK/err" </dev/null
rc=$?
set -e
[ $rc -eq 0 ] || fail "json: exit $rc: $(cat "$WORK/err")"
python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in ev]
for k in ("added", "countdown", "started", "finished"):
    assert k in kinds, (k, kinds)
fin = [e for e in ev if e["event"] == "finished"][0]
assert fin["path"] == sys.argv[2] and fin["result"] == "success" and fin["verified"], fin
assert fin["certificate"] and fin["report"], fin
' "$WORK/json" "$p" || fail "JSON lines: $(cat "$WORK/json")"
cmp -n $((8 * MiB)) "$p" /dev/zero || fail "json run: not zeroed"
ok "--progress=json: one JSON object per line, parsed by python3"
