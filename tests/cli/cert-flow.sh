#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The certificate of an erasure, end to end: kesu erase --cert signs it as
# the operator (passphrase asked before the erase), stock minisign verifies
# the signature, a second person approves it, kesu cert verify checks it
# offline against a trust store; every way it can be wrong has its own
# exit code: a changed byte anywhere (9 or 10), an untrusted key (11), no or
# a self-approval (12), a failed erasure (13), another device (14), a device
# without a serial or WWN, whose identity the size alone cannot establish (21).
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
command -v jq >/dev/null || skip "jq missing"
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"

keys=${KESU_SRCDIR:?}/tests/data/keys
MiB=1048576
# the committed test keys; git does not keep modes and kesu refuses 0644 keys
mkdir "$WORK/keys" "$WORK/trust"
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub \
	"$WORK/keys/"
chmod 600 "$WORK/keys/operator.key" "$WORK/keys/approver.key"
cp "$keys/operator.key.pub" "$keys/approver.key.pub" "$WORK/trust/"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
printf 'kesu-test-approver\n' > "$WORK/ap.pass"
K=$WORK/keys

# verify RC ARGS...: kesu cert verify --trust exits RC
verify() {
	want=$1; shift
	set +e
	"$KESU" cert verify --trust "$WORK/trust" "$@" > "$WORK/vout" 2> "$WORK/verr"
	rc=$?
	set -e
	[ $rc -eq "$want" ] || fail "cert verify $*: exit $rc, expected $want: $(cat "$WORK/vout" "$WORK/verr")"
}

dev=$(mkloop $((8 * MiB)))
expect_rc 0 "$KESU" erase --yes --quiet --method zero --operator 'Test Operator' \
	--witness 'Suzuki Ichiro' --asset-tag PC-0042 --reason lease-return \
	--report "$WORK/r.json" --cert "$WORK/c.json" --sign-key "$K/operator.key" \
	--passphrase-file "$WORK/op.pass" --organisation 'Example Prefecture' \
	--destination return-to-lessor "$dev" 2> "$WORK/err"
cmp -n $((8 * MiB)) "$dev" /dev/zero || fail "not zeroed"
[ -f "$WORK/c.json" ] && [ -f "$WORK/c.json.operator.minisig" ] || fail "no certificate: $(ls "$WORK")"
minisign -Vm "$WORK/c.json" -x "$WORK/c.json.operator.minisig" -p "$K/operator.key.pub" \
	> "$WORK/mout" || fail "stock minisign rejects the operator signature"
grep -q "role=operator" "$WORK/mout" || fail "trusted comment: $(cat "$WORK/mout")"
[ "$(jq -r .id "$WORK/c.json")" != "$(jq -r .id "$WORK/r.json")" ] || fail "certificate id = report id"
[ "$(jq -r .report_id "$WORK/c.json")" = "$(jq -r .id "$WORK/r.json")" ] || fail "report_id"
[ "$(jq -r .result "$WORK/c.json")" = success ] || fail "result"
# the file is exactly its canonical form: no newline at the end, sorted keys
[ "$(tail -c 1 "$WORK/c.json" | od -An -c | tr -d ' ')" = "}" ] || fail "trailing bytes after the JSON"
ok "kesu erase --cert: a certificate stock minisign verifies with the operator's key"

verify 0 "$WORK/c.json"
grep -q "valid: .*operator Test Operator, not approved" "$WORK/vout" || fail "$(cat "$WORK/vout")"
verify 12 --require-approval "$WORK/c.json"
ok "unapproved: valid, and 12 with --require-approval"

expect_rc 0 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$K/approver.key" \
	--passphrase-file "$WORK/ap.pass" "$WORK/c.json" > /dev/null
minisign -Vm "$WORK/c.json" -x "$WORK/c.json.approver.minisig" -p "$K/approver.key.pub" \
	> /dev/null || fail "stock minisign rejects the approver signature"
verify 0 --require-approval --json "$WORK/c.json"
jq -e '.verdict == "valid" and .operator.name == "Test Operator" and
	.approver.name == "Test Approver" and .self_approval == null' "$WORK/vout" >/dev/null ||
	fail "verify --json: $(cat "$WORK/vout")"
expect_rc 2 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$K/approver.key" \
	--passphrase-file "$WORK/ap.pass" "$WORK/c.json" 2>/dev/null
ok "approved by a second person: stock minisign and kesu agree; a second approval is refused"

# the device: loop devices have no serial or WWN, so a size that matches
# establishes no identity: the certified one reads as erased and still gets
# 21, never 0; a never-erased one of the same size fails the read-back (14)
[ "$(jq -r .media.serial "$WORK/c.json")" = null ] || fail "a loop device with a serial?"
verify 21 --device "$dev" "$WORK/c.json"
grep -q "not-identified: identity not established.* read back as zero" "$WORK/vout" ||
	fail "$(cat "$WORK/vout")"
verify 21 --json --device "$dev" "$WORK/c.json"
jq -e '.exit == 21 and .verdict == "not-identified"' "$WORK/vout" > /dev/null ||
	fail "--json: $(cat "$WORK/vout")"
other=$(mkloop $((8 * MiB)))
cmp -s -n $((8 * MiB)) "$other" /dev/zero && fail "the other device reads as zero already"
verify 14 --device "$other" "$WORK/c.json"
grep -q "no longer reads as zero" "$WORK/vout" || fail "$(cat "$WORK/vout")"
# zeroed by dd, never erased by kesu: as blank as the certified one, still not a pass
blank=$(mkloop $((8 * MiB)))
dd if=/dev/zero of="$blank" bs=1M count=8 oflag=direct status=none
verify 21 --device "$blank" "$WORK/c.json"
dd if=/dev/urandom of="$dev" bs=64k count=4 seek=37 oflag=direct conv=notrunc status=none
verify 14 --device "$dev" "$WORK/c.json"
grep -q "no longer reads as zero" "$WORK/vout" || fail "$(cat "$WORK/vout")"
ok "--device without serial: 21 for the erased device and a blank one, 14 for a never-erased one"

# a random last pass cannot be read back: without a serial the answer is 21 for any device
rnd=$(mkloop $((4 * MiB)))
expect_rc 0 "$KESU" erase --yes --quiet --method random --cert "$WORK/rnd.json" \
	--sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" "$rnd" 2>/dev/null
never=$(mkloop $((4 * MiB)))
verify 21 --device "$never" "$WORK/rnd.json"
grep -q "identity not established.*random" "$WORK/vout" || fail "$(cat "$WORK/vout")"
verify 14 --device "$other" "$WORK/rnd.json"
ok "--device after a random pass: 21 for a never-erased device of the same size, 14 for another size"

# every single-byte change of the certificate fails (9: no longer canonical;
# 10: the signature): one file per position, each with the two signatures,
# all checked by one kesu run, one line each
cp "$WORK/c.json" "$WORK/orig.json"
mkdir "$WORK/flip"
python3 - "$WORK/orig.json" "$WORK/flip" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
for i in range(len(data)):
    b = bytearray(data)
    # xor with 0x01: a case or a digit changes, most JSON stays well-formed
    b[i] ^= 1
    name = os.path.join(out, 'f%05d.json' % i)
    open(name, 'wb').write(bytes(b))
    for role in ('operator', 'approver'):
        os.symlink(src.replace('orig.json', 'c.json') + '.' + role + '.minisig',
                   name + '.' + role + '.minisig')
PY
size=$(stat -c %s "$WORK/orig.json")
set +e
"$KESU" cert verify --trust "$WORK/trust" --json "$WORK"/flip/f*.json > "$WORK/flips" 2>&1
rc=$?
set -e
[ $rc -eq 9 ] || [ $rc -eq 10 ] || fail "byte changes: exit $rc"
[ "$(jq -s length "$WORK/flips")" -eq "$size" ] || fail "$(jq -s length "$WORK/flips") results for $size changes"
jq -se 'all(.[]; .exit == 9 or .exit == 10)' "$WORK/flips" >/dev/null ||
	fail "a changed byte verified: $(jq -c 'select(.exit != 9 and .exit != 10)' "$WORK/flips" | head -3)"
ok "each of the $size bytes changed: exit 9 or 10, never 0"

# an untrusted key: the trust store without the operator's key
mkdir "$WORK/trust2"
cp "$K/approver.key.pub" "$WORK/trust2/"
set +e
"$KESU" cert verify --trust "$WORK/trust2" "$WORK/c.json" > "$WORK/vout" 2>&1
rc=$?
set -e
[ $rc -eq 11 ] || fail "untrusted operator key: exit $rc: $(cat "$WORK/vout")"
# a key trusted as approver used as operator's: 11 too
mkdir "$WORK/trust3"
sed 's/role=operator/role=approver/' "$K/operator.key.pub" > "$WORK/trust3/op.pub"
cp "$K/approver.key.pub" "$WORK/trust3/"
set +e
"$KESU" cert verify --trust "$WORK/trust3" "$WORK/c.json" > "$WORK/vout" 2>&1
rc=$?
set -e
[ $rc -eq 11 ] || fail "operator key trusted as approver: exit $rc: $(cat "$WORK/vout")"
ok "untrusted signers: 11"

# self-approval: an approver key in the operator's name
KESU_TEST_WEAK_KDF=1 "$KESU" key generate --role approver --name 'Test Operator' \
	-o "$K/self.key" --passphrase-file "$WORK/ap.pass" > /dev/null 2>&1 ||
	fail "kesu key generate failed"
cp "$K/self.key.pub" "$WORK/trust/"
dev2=$(mkloop $((4 * MiB)))
expect_rc 0 "$KESU" erase --yes --quiet --method zero --operator 'Test Operator' \
	--cert "$WORK/s.json" --sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" \
	"$dev2" 2>/dev/null
expect_rc 12 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$K/self.key" \
	--passphrase-file "$WORK/ap.pass" "$WORK/s.json" 2> "$WORK/err"
grep -q "Art. 6" "$WORK/err" || fail "self-approval message: $(cat "$WORK/err")"
[ ! -e "$WORK/s.json.approver.minisig" ] || fail "a refused self-approval left a signature"
expect_rc 0 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$K/self.key" \
	--passphrase-file "$WORK/ap.pass" --allow-self-approval \
	--reason 'sole IT staff at the branch office' "$WORK/s.json" > /dev/null
verify 0 --require-approval --json "$WORK/s.json"
jq -e '.self_approval == "sole IT staff at the branch office"' "$WORK/vout" >/dev/null ||
	fail "self-approval not reported: $(cat "$WORK/vout")"
ok "self-approval: refused (12), or recorded with its reason and reported by verify"

# a failed erasure still gets its certificate, and verify says 13
KESU_TEST_CORRUPT_AFTER_WRITE=4096 "$KESU" erase --yes --quiet --method zero \
	--cert "$WORK/f.json" --sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" \
	"$dev2" 2>/dev/null && fail "a corrupted erase succeeded"
[ "$(jq -r .result "$WORK/f.json")" = failed ] || fail "failed run: result $(jq -r .result "$WORK/f.json")"
verify 13 "$WORK/f.json"
expect_rc 13 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$K/approver.key" \
	--passphrase-file "$WORK/ap.pass" "$WORK/f.json" 2>/dev/null
ok "a failed erasure: signed certificate with result failed, verify 13, not approved"

# not canonical: the same document pretty-printed
jq . "$WORK/orig.json" > "$WORK/p.json"
cp "$WORK/c.json.operator.minisig" "$WORK/p.json.operator.minisig"
verify 9 "$WORK/p.json"
# several files at once: one line each, the worst code
verify 13 "$WORK/c.json" "$WORK/f.json" "$WORK/s.json"
[ "$(wc -l < "$WORK/vout")" -eq 3 ] || fail "three files, $(wc -l < "$WORK/vout") lines"
ok "non-canonical: 9; three files: three lines and the worst code"

# the passphrase is asked before the erase: a wrong one writes nothing
dev3=$(mkloop $((4 * MiB)))
sum3=$(devsum "$dev3")
printf 'wrong\n' > "$WORK/bad.pass"
set +e
"$KESU" erase --yes --quiet --method zero --cert "$WORK/w.json" --sign-key "$K/operator.key" \
	--passphrase-file "$WORK/bad.pass" "$dev3" 2> "$WORK/err"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a wrong passphrase: exit 0"
[ "$(devsum "$dev3")" = "$sum3" ] || fail "a wrong passphrase: the device was written"
[ ! -e "$WORK/w.json" ] || fail "a wrong passphrase: a certificate was written"
ok "a wrong passphrase stops the run before anything is written"

# --cert-dir: one certificate per target, named by its id, each verified by stock minisign
mkdir "$WORK/cd"
truncate -s $MiB "$WORK/a.img" "$WORK/b.img"
expect_rc 0 "$KESU" erase --yes --quiet --method zero --cert-dir "$WORK/cd" \
	--sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" "$WORK/a.img" "$WORK/b.img" \
	2>/dev/null
[ "$(find "$WORK/cd" -name '*.json' | wc -l)" -eq 2 ] || fail "cert dir: $(ls -a "$WORK/cd")"
for f in "$WORK"/cd/*.json; do
	case $f in *"$(jq -r .id "$f").json") ;; *) fail "$f is not named by its id" ;; esac
	minisign -Vm "$f" -x "$f.operator.minisig" -p "$K/operator.key.pub" > /dev/null ||
		fail "stock minisign rejects $f"
done
[ -z "$(find "$WORK/cd" -name '.kesu-*')" ] || fail "temporary files left in the cert dir"
ok "--cert-dir: two targets, two certificates named by their ids, both verified by minisign"
