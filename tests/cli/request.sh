#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu request and kesu asset apply, and what the register then allows:
# requests and approvals that stock minisign verifies; self-approval refused
# by key and by folded name (Art. 6); unapproved and self-approved requests
# not applied (12); with [policy] require_disposal_approval an erasure
# refused (3, device untouched) until an approved disposal is recorded, then
# a certificate that names the request and moves the asset to erased; a held
# asset's loop device untouched by erase, media format and luks-crypto-erase,
# by its tag and by its serial (3, Art. 97.2); an edited request event found
# by kesu ledger verify (15). A contractor's certificate that ledger add
# refused (11), inserted with sqlite3 at the end of the chain with its row
# hash recomputed as kesu computes it, is found by ledger verify (15): no
# hand-over allowed it where it stands in the chain. kesu asset hold writes a
# hold request signed by its applicant and records it at once (Art. 97.2: a
# hold needs no second person, as kesu asset apply of a hold request made by
# kesu request create does not); kesu asset release writes the release
# request and records nothing until another person approved it (12 before).
# Under KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh) every register is a new database on that
# PostgreSQL server, read and edited behind kesu's back with psql instead of sqlite3.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
for t in jq minisign; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
keys=${KESU_SRCDIR:?}/tests/data/keys
cd "$WORK"
mkdir keys trust
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub keys/
chmod 600 keys/operator.key keys/approver.key
cp keys/operator.key.pub keys/approver.key.pub trust/
printf 'kesu-test-operator\n' > op.pass
printf 'kesu-test-approver\n' > ap.pass
printf 'new-key-passphrase-42\n' > new.pass
OP="--sign-key keys/operator.key --passphrase-file op.pass"
AP="--sign-key keys/approver.key --passphrase-file ap.pass"
T="--trust $WORK/trust"
. "$KESU_SRCDIR/tests/cli/register-lib.sh"
A=$(at a)
L="--ledger $A"


# --- requests: made, approved, verified; stock minisign is the judge of both signatures
rc_is 0 "$KESU" request create disposal --asset PC-1 --reason '更新のため廃棄' $OP -o d.json
[ "$(jq -r '.kind + " " + .asset_tag + " " + .applicant + " " + .format' d.json)" = \
	"disposal PC-1 Test Operator kesu-request/1" ] || fail "request: $(cat d.json)"
minisign -Vm d.json -x d.json.applicant.minisig -p keys/operator.key.pub > mout ||
	fail "stock minisign rejects the applicant's signature"
grep -q "id=$(jq -r .id d.json) role=operator" mout || fail "trusted comment: $(cat mout)"
rc_is 0 "$KESU" request verify $T d.json
grep -q "valid: disposal of PC-1.*applicant Test Operator, not approved" out || fail "$(cat out)"
rc_is 12 "$KESU" request verify $T --require-approval d.json
rc_is 0 "$KESU" request approve $T d.json $AP
minisign -Vm d.json -x d.json.approver.minisig -p keys/approver.key.pub > mout ||
	fail "stock minisign rejects the approval"
rc_is 0 "$KESU" request verify $T --require-approval d.json
grep -q "approved by Test Approver" out || fail "$(cat out)"
cp d.json x.json && cp d.json.applicant.minisig x.json.applicant.minisig
sed -i 's/PC-1/PC-2/' x.json
rc_is 10 "$KESU" request verify $T x.json
rc_is 2 "$KESU" request create loan --asset PC-1 --reason r --until 2026-02-30 $OP -o y.json
rc_is 2 "$KESU" request create scrap --asset PC-1 --reason r $OP -o y.json
rc_is 2 "$KESU" request create loan --asset '=1+1' --reason r $OP -o y.json
[ ! -e y.json ] || fail "a refused request was written"
ok "create, approve, verify: stock minisign verifies both; a changed byte is 10"

# --- self-approval: the applicant's own key, and a key whose name folds to the applicant's
rc_is 0 "$KESU" request create disposal --asset PC-3 --reason r $OP -o s.json
rc_is 3 "$KESU" request approve $T s.json $OP
"$KESU" key generate --role approver --name 'test　OPERATOR' -o keys/self.key \
	--passphrase-file new.pass > /dev/null 2>&1 || fail "key generate"
cp keys/self.key.pub trust/
rc_is 12 "$KESU" request approve $T s.json --sign-key keys/self.key --passphrase-file new.pass
grep -q 'refusing self-approval' err || fail "self-approval: $(cat err)"
[ ! -e s.json.approver.minisig ] || fail "a self-approval was written"
# forged with stock minisign: a self-approval without a recorded exception
id=$(jq -r .id s.json)
minisign -S -s keys/self.key -m s.json -x s.json.approver.minisig \
	-t "kesu-certificate/1 id=$id role=approver name=\"test　OPERATOR\" time=2026-01-05T00:00:00Z" \
	< new.pass > /dev/null 2>&1 || fail "minisign -S"
rc_is 12 "$KESU" request verify $T s.json
ok "self-approval refused by key (3) and by folded name (12); a forged one is not valid"

# --- policy: no erasure without an approved disposal request in the register
cat > kesu.conf <<CONF
[ledger]
$CONFKEY = $A
[policy]
require_disposal_approval = yes
require_registered = yes
CONF
chmod 600 kesu.conf
export KESU_CONFIG="$WORK/kesu.conf"
rc_is 0 "$KESU" config show
grep -q 'require_disposal_approval' out || fail "config show: $(cat out)"
rc_is 0 "$KESU" asset add PC-1 --kind disk $L
rc_is 0 "$KESU" asset add PC-3 --kind disk $L
dev=$(mkloop 4194304)
sum=$(devsum "$dev")
E="erase --yes --quiet --method zero"
rc_is 3 "$KESU" $E --asset-tag PC-1 "$dev"
grep -q 'no approved disposal' err || fail "no request: $(cat err)"
rc_is 3 "$KESU" $E --asset-tag NOPE-9 "$dev"
grep -q 'require_registered' err || fail "unregistered: $(cat err)"
rc_is 3 "$KESU" $E "$dev"
rc_is 0 "$KESU" request create disposal --asset PC-1 --reason r $OP -o u.json
rc_is 12 "$KESU" asset apply $T u.json
rc_is 3 "$KESU" $E --asset-tag PC-1 "$dev"
rc_is 12 "$KESU" asset apply $T s.json
rc_is 3 "$KESU" $E --asset-tag PC-3 "$dev"
[ "$(devsum "$dev")" = "$sum" ] || fail "a refused erasure changed the device"
rc_is 0 "$KESU" asset apply $T d.json
grep -qx 'PC-1: changed state in service -> disposal approved (seq 4)' out || fail "$(cat out)"
rc_is 3 "$KESU" asset apply $T d.json
rc_is 0 "$KESU" $E --asset-tag PC-1 --cert c.json $OP "$dev"
cmp -n 4194304 "$dev" /dev/zero || fail "not erased"
[ "$(jq -r .request.id c.json)" = "$(jq -r .id d.json)" ] || fail "request: $(jq .request c.json)"
[ "$(jq -r .request.sha256 c.json)" = "$(sha256sum < d.json | cut -d' ' -f1)" ] ||
	fail "request hash"
rc_is 0 "$KESU" cert approve $T c.json $AP
rc_is 0 "$KESU" cert verify $T c.json
grep -q "fulfils request $(jq -r .id d.json)" out || fail "cert verify: $(cat out)"
rc_is 0 "$KESU" ledger $T add c.json
grep -q 'PC-1: changed state disposal approved -> erased' out || fail "ledger add: $(cat out)"
rc_is 0 "$KESU" asset show PC-1 --json
[ "$(jq -r .state out)" = erased ] || fail "state: $(cat out)"
ok "policy: refused without, with an unapproved and a self-approved request; allowed with an approved one"
unset KESU_CONFIG

# --- holds: refused by erase, media format and luks-crypto-erase, by tag and by serial
rc_is 0 "$KESU" asset add HD-7 --kind disk --serial SER-HELD-7 $L
rc_is 0 "$KESU" request create hold --asset HD-7 --reason 'incident 2026-3' $OP -o h.json
rc_is 0 "$KESU" request approve $T h.json $AP
rc_is 0 "$KESU" asset apply $T h.json $L
hid=$(jq -r .id h.json)
dev2=$(mkloop 4194304)
sum=$(devsum "$dev2")
rc_is 3 "$KESU" $E --ledger "$A" --asset-tag HD-7 "$dev2"
grep -q "on hold since 20..-..-..: incident 2026-3 (request $hid)" err || fail "$(cat err)"
export KESU_TEST_DEVICE_SERIAL=SER-HELD-7
rc_is 3 "$KESU" $E --ledger "$A" "$dev2"
grep -q "matched by the device's serial" err || fail "by serial: $(cat err)"
rc_is 3 "$KESU" erase --yes --quiet --method luks-crypto-erase --ledger "$A" "$dev2"
printf '[ledger]\n%s = %s\n' "$CONFKEY" "$A" > m.conf
chmod 600 m.conf
rc_is 3 env KESU_CONFIG="$WORK/m.conf" "$KESU" media format --yes "$dev2"
grep -q 'on hold since' err || fail "media format: $(cat err)"
unset KESU_TEST_DEVICE_SERIAL
[ "$(devsum "$dev2")" = "$sum" ] || fail "a held device changed"
rc_is 0 "$KESU" request create release --asset HD-7 --reason 'closed' $OP -o rl.json
rc_is 0 "$KESU" request approve $T rl.json $AP
rc_is 0 "$KESU" asset apply $T rl.json $L
grep -q 'on hold -> in service' out || fail "release: $(cat out)"
rc_is 0 "$KESU" $E --ledger "$A" --asset-tag HD-7 "$dev2"
ok "a held device keeps its checksum through erase, luks-crypto-erase and media format (3)"

# --- the shortcuts: kesu asset hold (at once) and kesu asset release (a request to approve)
rc_is 0 "$KESU" asset add HD-6 --kind disk --serial SER-HELD-6 $L
mkdir t-ap && cp keys/approver.key.pub t-ap/
rc_is 11 "$KESU" asset hold HD-6 --reason 'incident 2026-5' $OP -o hu.json --trust "$WORK/t-ap" $L
rc_is 0 "$KESU" asset show HD-6 --json $L
[ "$(jq -r .state out)" = in-service ] || fail "held by an untrusted applicant: $(cat out)"
# without --ledger: the register of m.conf's [ledger]
rc_is 0 env KESU_CONFIG="$WORK/m.conf" "$KESU" asset hold HD-6 --reason 'incident 2026-5' $OP \
	-o hs.json $T
grep -q 'in service -> on hold' out || fail "hold: $(cat out err)"
minisign -Vm hs.json -x hs.json.applicant.minisig -p keys/operator.key.pub > /dev/null ||
	fail "stock minisign does not verify the hold request"
[ "$(jq -r '.kind + " " + .asset_tag + " " + .reason' hs.json)" = 'hold HD-6 incident 2026-5' ] ||
	fail "hold request: $(cat hs.json)"
seq=$(sql a "SELECT max(seq) FROM certificates")
sql a "SELECT $DOC FROM certificates WHERE seq = $seq" |
	jq -e --arg id "$(jq -r .id hs.json)" --arg sum "$(sha256sum < hs.json | cut -c1-64)" \
	'.state == "on-hold" and ([.. | strings] | index($id) != null) and
	([.. | strings] | index($sum) != null)' > /dev/null ||
	fail "the hold event does not name its request: $(sql a "SELECT $DOC FROM certificates
	WHERE seq = $seq")"
dev6=$(mkloop 1048576)
sum6=$(devsum "$dev6")
rc_is 3 "$KESU" $E --ledger "$A" --asset-tag HD-6 "$dev6"
grep -q "on hold since 20..-..-..: incident 2026-5" err || fail "held erase: $(cat err)"
rc_is 0 "$KESU" request create hold --asset HD-6 --reason again $OP -o h2.json
rc_is 3 "$KESU" asset apply $T h2.json $L
rc_is 2 "$KESU" asset release HD-6 --reason closed $OP -o hr.json $L
rc_is 0 "$KESU" asset release HD-6 --reason closed $OP -o hr.json
grep -q 'not recorded: a release needs another person' err || fail "release: $(cat err)"
[ "$(jq -r .kind hr.json)" = release ] || fail "release request: $(cat hr.json)"
rc_is 12 "$KESU" asset apply $T hr.json $L
rc_is 3 "$KESU" $E --ledger "$A" --asset-tag HD-6 "$dev6"
[ "$(devsum "$dev6")" = "$sum6" ] || fail "a held device changed"
rc_is 0 "$KESU" request approve $T hr.json $AP
rc_is 0 "$KESU" asset apply $T hr.json $L
grep -q 'on hold -> in service' out || fail "release: $(cat out)"
# a hold request made by request create takes effect unapproved, as the shortcut's does
rc_is 0 "$KESU" request create hold --asset HD-6 --reason 'incident 2026-6' $OP -o h3.json
rc_is 0 "$KESU" asset apply $T h3.json $L
grep -q 'in service -> on hold' out || fail "unapproved hold: $(cat out err)"
rc_is 2 "$KESU" asset hold HD-6 --reason x -o h4.json $L
rc_is 0 "$KESU" ledger $L $T verify
ok "asset hold: at once, on its applicant's trusted signature; asset release: only once approved"

# --- a disposal handed to a contractor (Art. 5, 120-122): only their certificates of it count
printf 'contractor-test-passphrase-7291\n' > ct.pass
"$KESU" key generate --role contractor --name 'Yamada Taro' -o keys/ct.key \
	--passphrase-file ct.pass > /dev/null 2>&1 || fail "key generate contractor"
cp keys/ct.key.pub trust/
CT="--sign-key keys/ct.key --passphrase-file ct.pass"
rc_is 0 "$KESU" asset add PC-9 --kind disk $L
rc_is 0 "$KESU" asset add PC-8 --kind disk $L
rc_is 0 "$KESU" request create disposal --asset PC-9 --reason r --contractor 'yamada  taro' \
	$OP -o ct.json
rc_is 0 "$KESU" request approve $T ct.json $AP
rc_is 0 "$KESU" asset apply $T ct.json $L
seq=$(sql a "SELECT seq FROM certificates ORDER BY seq DESC LIMIT 1")
sql a "SELECT $DOC FROM certificates WHERE seq = $seq" |
	jq -e '.contractor == "yamada  taro" and .state == "disposal-approved"' > /dev/null ||
	fail "the approval event does not name the contractor"
printf 'asset_tag,serial\nPC-9,\n' > assets.csv
rc_is 15 "$KESU" ledger $L reconcile assets.csv
grep -q '^handed .*PC-9  handed to contractor yamada  taro on [0-9-]*, no certificate' out ||
	fail "reconcile: $(cat out)"
rc_is 0 "$KESU" cert issue --destruction disintegrate --asset-tag PC-8 --serial SN8 $CT -o c8.json
rc_is 11 "$KESU" ledger $L $T add c8.json
grep -q 'no disposal request names contractor Yamada Taro' err || fail "add: $(cat out err)"
[ "$(sql a "SELECT count(*) FROM certificates WHERE id = '$(jq -r .id c8.json)'")" = 0 ] ||
	fail "a refused certificate was recorded"
rc_is 0 "$KESU" cert issue --destruction disintegrate --asset-tag PC-9 --serial SN9 $CT -o c9.json
rc_is 0 "$KESU" ledger $L $T add c9.json
grep -q 'c9.json: recorded as seq' out || fail "add: $(cat out err)"
rc_is 15 "$KESU" ledger $L reconcile assets.csv
! grep -q '^handed' out || fail "still handed after the certificate: $(cat out)"
ok "a contractor's certificate is recorded for the asset handed to them, refused (11) for another"

# --- an edited request event is found by ledger verify
rc_is 0 "$KESU" ledger $L $T verify
seq=$(sql a "SELECT seq FROM certificates WHERE $DOC LIKE '%$hid%' LIMIT 1")
clone a t
sql t "UPDATE certificates SET certificate = $(blob "replace($DOC, 'incident 2026-3',
	'incident 2026-4')") WHERE seq = $seq"
rc_is 15 "$KESU" ledger --ledger "$(at t)" $T verify
grep -q "seq $seq altered" out err || fail "verify: $(cat out err)"
ok "an edited request event is found (15)"

# --- a contractor's certificate inserted behind kesu's back, the chain recomputed
for t in xxd sha256sum; do
	command -v $t >/dev/null || skip "$t missing"
done
# the row as kesu writes it, taken from a register where PC-8 was handed to the contractor
rc_is 0 "$KESU" asset add PC-8 --kind disk --ledger "$(at s)"
rc_is 0 "$KESU" request create disposal --asset PC-8 --reason r --contractor 'Yamada Taro' \
	$OP -o ct8.json
rc_is 0 "$KESU" request approve $T ct8.json $AP
rc_is 0 "$KESU" asset apply $T ct8.json --ledger "$(at s)"
rc_is 0 "$KESU" ledger --ledger "$(at s)" $T add c8.json
clone a t
id8=$(jq -r .id c8.json)
# x, the row from s, becomes the row after t's head
place="UPDATE x SET seq = (SELECT max(seq) + 1 FROM certificates),
		prev_hash = (SELECT row_hash FROM certificates ORDER BY seq DESC LIMIT 1);
	INSERT INTO certificates SELECT * FROM x;"
if [ -n "$PG" ]; then
	psql -q "$(at s)" -c "\\copy (SELECT * FROM certificates WHERE id = '$id8') TO 'row8'"
	psql -q "$(at t)" -c "CREATE TEMP TABLE x AS SELECT * FROM certificates WITH NO DATA" \
		-c "\\copy x FROM 'row8'" -c "$place"
else
	sqlite3 t.db "ATTACH 's.db' AS s;
	CREATE TEMP TABLE x AS SELECT * FROM s.certificates WHERE id = '$id8'; $place"
fi
seq=$(sql t "SELECT max(seq) FROM certificates")
# sha COLUMN: SHA-256 of a column's bytes (on the server: of its text in UTF-8, or the bytea)
sha() {
	if [ -z "$PG" ]; then
		h="hex($1)"
	elif [ "$1" = certificate ]; then
		h="encode(certificate, 'hex')"
	else
		h="encode(convert_to($1, 'UTF8'), 'hex')"
	fi
	sql t "SELECT $h FROM certificates WHERE seq = $seq" | xxd -r -p | sha256sum | cut -c1-64
}
# kesu's row hash: SHA-256 over seq (64-bit big-endian), the previous row's hash, the
# SHA-256 of the certificate and of the signatures, refers, of recorded-at and of signers
hash=$({
	printf '%016x' "$seq"
	sql t "SELECT prev_hash FROM certificates WHERE seq = $seq"
	sha certificate; sha signatures
	printf '%016x' "$(sql t "SELECT coalesce(refers, 0) FROM certificates WHERE seq = $seq")"
	sha recorded; sha signers
} | tr -d '\n' | xxd -r -p | sha256sum | cut -c1-64)
sql t "UPDATE certificates SET row_hash = '$hash' WHERE seq = $seq"
rc_is 15 "$KESU" ledger --ledger "$(at t)" $T verify
grep -q "seq $seq invalid: no disposal request names contractor Yamada Taro" out err ||
	fail "inserted contractor certificate: $(cat out err)"
ok "a contractor's certificate inserted with $SQLTOOL, its chain recomputed, is found (15)"
