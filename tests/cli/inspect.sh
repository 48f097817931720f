#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu inspect: media against the register and the media policy, and the
# register alone (Art. 44-46). A loop device without serial cannot be matched
# (no-serial); with a serial (KESU_TEST_SERIAL, test builds) it is unregistered
# or, registered and plain, not encrypted; a LUKS2 medium made by cryptsetup
# itself to the policy's floor and labelled with its tag is matched and clean
# (exit 0). A loan past its until is overdue under KESU_TEST_NOW. A signed
# inspection is a row `kesu ledger verify` checks, its export verifies with
# stock minisign, and sqlite3 edits of the row are found (15). Inspections are
# signed by a key of the role inspector: an operator's key is refused (3), and
# verify judges the row's signer against the trust store as it judges a
# certificate's: a key gone from the store, retired before the row was
# recorded, or trusted for another role is reported (22), the chain intact.
# [policy] inspect_days of kesu.conf sets the period --days overrides. Under
# KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh) the registers are databases of that PostgreSQL
# server, edited behind kesu's back with psql instead of sqlite3.
. "$(dirname "$0")/lib.sh"
set -e
need_test_hooks
for t in jq minisign cryptsetup; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
cd "$WORK"
. "$KESU_SRCDIR/tests/cli/register-lib.sh"
keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir trust k
cp "$keys"/operator.key "$keys"/operator.key.pub k/
chmod 600 k/operator.key
cp "$keys"/operator.key.pub trust/
echo kesu-test-operator > op.pass
echo kesu-test-inspector-pass > in.pass
KESU_TEST_WEAK_KDF=1 "$KESU" key generate --role inspector --name 'Test Inspector' \
	-o k/inspector.key --passphrase-file in.pass > /dev/null 2> err ||
	fail "key generate --role inspector: $(cat err)"
cp k/inspector.key.pub trust/
SIGN="--sign-key k/inspector.key --passphrase-file in.pass"

run() {
	want=$1; shift
	set +e
	"$@" > out 2> err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat out err >&9; fail "'$*' exited $got, expected $want"; }
}
codes() { jq -r '[.findings[].code] | sort | join(",")' out; }

L="--ledger $(at a)"
"$KESU" asset add USB-1 --kind usb --serial SER-1 --holder '鈴木 花子' $L > /dev/null
"$KESU" asset add USB-9 --kind usb $L > /dev/null
"$KESU" asset add USB-5 --kind usb --serial SER-5 $L > /dev/null
"$KESU" asset edit USB-5 --state lent --until 2024-01-10 --holder '佐藤 次郎' $L > /dev/null

plain=$(mkloop 8388608)
run 23 "$KESU" inspect "$plain" --json $L
[ "$(codes)" = "no-serial,not-encrypted" ] || fail "no serial: $(cat out)"
grep -qF 'not recorded: no --sign-key' err || fail "unsigned: no word that nothing was kept"
run 23 env KESU_TEST_SERIAL="$plain=NOT-HERE" "$KESU" inspect "$plain" --json $L
[ "$(codes)" = "not-encrypted,unregistered" ] || fail "unregistered: $(cat out)"
[ "$(jqf out '.findings[] | select(.code == "unregistered") | .serial')" = NOT-HERE ] ||
	fail "unregistered: the serial is not named: $(cat out)"
ok "a loop device without serial cannot be matched; with an unknown serial it is unregistered"

run 23 env KESU_TEST_SERIAL="$plain=SER-1" "$KESU" inspect "$plain" $L
grep -q "^not-encrypted	USB-1	SER-1	$plain	" out || fail "plain registered medium: $(cat out)"
ok "a registered medium without encryption is a finding (23)"

# encrypted to the policy's floor by cryptsetup itself, its tag in the LUKS2 label
luks=$(mkloop 33554432)
printf 'correct horse battery staple' | cryptsetup luksFormat -q --type luks2 \
	--cipher aes-xts-plain64 --key-size 512 --pbkdf argon2id --pbkdf-memory 65536 \
	--pbkdf-force-iterations 4 --pbkdf-parallel 1 --label USB-9 "$luks" -
run 0 "$KESU" inspect "$luks" --json $L
jq -e '.findings == [] and .inspected[0].asset_tag == "USB-9"' out > /dev/null ||
	fail "compliant medium: $(cat out)"
ok "an encrypted medium matched by its LUKS2 label and meeting the policy: nothing found (0)"

run 23 env KESU_TEST_NOW=2024-02-01T00:00:00Z "$KESU" inspect --register --json $L
jq -e '[.findings[] | select(.code == "overdue")] | length == 1 and
	.[0].asset_tag == "USB-5"' out > /dev/null || fail "overdue: $(cat out)"
run 23 env KESU_TEST_NOW=2024-01-09T00:00:00Z "$KESU" inspect --register --json $L
jq -e '[.findings[] | select(.code == "overdue")] == []' out > /dev/null ||
	fail "a loan before its until is not overdue: $(cat out)"
ok "a loan past its until is overdue under the test clock, not before"

# a clean register: its one medium inspected, signed and recorded
C="--ledger $(at c)"
"$KESU" asset add USB-9 --kind usb $C > /dev/null
run 23 "$KESU" inspect --register $C
grep -q "^never-checked	USB-9	" out || fail "never checked: $(cat out)"
run 3 "$KESU" inspect "$luks" --sign-key k/operator.key --passphrase-file op.pass $C
grep -qF 'not an inspector key' err || fail "operator key: $(cat err)"
[ "$(sql c "SELECT count(*) FROM certificates WHERE kind = 'inspection'")" = 0 ] ||
	fail "an operator's inspection was recorded"
run 0 "$KESU" inspect "$luks" $SIGN $C
id=$(sed -n 's/^recorded: inspection //p' out)
[ -n "$id" ] || fail "signed: no record named: $(cat out)"
run 0 "$KESU" inspect --register $C
grep -qx '0 findings in the register' out || fail "clean register: $(cat out)"
[ "$(sql c "SELECT count(*) FROM certificates WHERE kind = 'inspection'")" = 1 ] ||
	fail "no inspection row"
[ "$(sql c "SELECT count(*) FROM certificates WHERE kind = 'asset-event' AND
	$DOC LIKE '%\"event\":\"inspected\"%'")" = 1 ] || fail "no inspected event"
# without --ledger: the register [ledger] of kesu.conf names (url on PostgreSQL)
printf '[ledger]\n%s = %s\n' "$CONFKEY" "$(at c)" > reg.conf
chmod 600 reg.conf
run 0 env KESU_CONFIG="$WORK/reg.conf" "$KESU" inspect --register
grep -qx '0 findings in the register' out || fail "[ledger] $CONFKEY: $(cat out err)"
ok "a clean register: nothing found (0) once its medium is inspected and recorded"

run 0 "$KESU" ledger $C --trust trust verify
run 0 "$KESU" inspect --export "$id" -o rec.json $C
minisign -Vm rec.json -x rec.json.inspector.minisig -p k/inspector.key.pub > out ||
	fail "stock minisign does not verify the record"
[ "$(jq -r .id rec.json)" = "$id" ] && [ "$(jq -r .result rec.json)" = clean ] ||
	fail "export: $(cat rec.json)"
ok "the record verifies in the chain and with stock minisign"

clone c c0
sql c "UPDATE certificates SET certificate = $(blob "replace($DOC,
	'\"result\":\"clean\"', '\"result\":\"findings\"')") WHERE kind = 'inspection'"
run 15 "$KESU" ledger $C --trust trust verify
clone c0 c
sql c "UPDATE certificates SET signatures = '{}' WHERE kind = 'inspection'"
run 15 "$KESU" ledger $C --trust trust verify
clone c0 c
sql c "UPDATE certificates SET kind = NULL WHERE kind = 'inspection'"
run 15 "$KESU" ledger $C --trust trust verify
clone c0 c
sql c "DELETE FROM certificates WHERE kind = 'inspection'"
run 15 "$KESU" ledger $C --trust trust verify
clone c0 c
ok "$SQLTOOL edits, a removed signature, a changed kind and a deleted inspection row are found"

# the inspector's key as the trust store holds it: TRUST_DIR ROLE [RETIRED]
rebind() {
	rm -rf "$1"
	mkdir "$1"
	{
		printf 'untrusted comment: kesu role=%s name=Test Inspector%s\n' "$2" \
			"${3:+ retired=$3}"
		tail -n 1 k/inspector.key.pub
	} > "$1/inspector.pub"
	cp "$keys"/operator.key.pub "$1/"
}
fpr=$("$KESU" key show k/inspector.key.pub | sed -n 's/^fingerprint: //p')
rebind t-same inspector
run 0 "$KESU" ledger $C --trust t-same verify
rebind t-gone inspector && rm t-gone/inspector.pub
run 22 "$KESU" ledger $C --trust t-gone verify
grep -qF "no longer in the trust store (inspector signature)" out && grep -qF "$fpr" out ||
	fail "gone inspector key: $(cat out err)"
rebind t-retired inspector 2000-01-01
run 22 "$KESU" ledger $C --trust t-retired --json verify
jq -e '.intact and (.untrusted | length == 1) and (.untrusted[0].why | test("retired on 2000-01-01"))' \
	out > /dev/null || fail "retired inspector key: $(cat out err)"
rebind t-later inspector 2999-01-01
run 0 "$KESU" ledger $C --trust t-later verify
rebind t-operator operator
run 22 "$KESU" ledger $C --trust t-operator verify
grep -qF "trusted as operator, not inspector" out ||
	fail "an inspection by a key trusted as operator: $(cat out err)"
ok "verify judges the inspector's key by the trust store: gone, retired, another role (22)"

# [policy] inspect_days: the period of "not inspected", which --days overrides
later=$(date -u -d '+20 days' +%Y-%m-%dT%H:%M:%SZ)
printf '[policy]\ninspect_days = 10\n' > days.conf
chmod 600 days.conf
run 0 env KESU_TEST_NOW="$later" "$KESU" inspect --register --json $C
run 23 env KESU_TEST_NOW="$later" KESU_CONFIG="$WORK/days.conf" "$KESU" inspect --register --json $C
[ "$(codes)" = not-inspected ] || fail "inspect_days = 10, 20 days later: $(cat out)"
run 0 env KESU_TEST_NOW="$later" KESU_CONFIG="$WORK/days.conf" "$KESU" inspect --register \
	--days 30 --json $C
run 0 env KESU_CONFIG="$WORK/days.conf" "$KESU" config show --json
jq -e '.policy.inspect_days == {value: "10", source: "file", line: 2}' out > /dev/null ||
	fail "config show: $(cat out)"
printf '[policy]\ninspect_days = 10 days\n' > bad-days.conf
chmod 600 bad-days.conf
run 2 env KESU_CONFIG="$WORK/bad-days.conf" "$KESU" inspect --register $C
grep -qF 'bad-days.conf:2: [policy] inspect_days: a number of days' err || fail "$(cat err)"
ok "[policy] inspect_days sets the period of not-inspected; --days wins; a bad value is refused (2)"

run 2 "$KESU" inspect --days -1 $L
run 2 "$KESU" inspect --register "$plain" $L
run 2 "$KESU" inspect -o x.json $L
ok "bad options are refused (2)"
