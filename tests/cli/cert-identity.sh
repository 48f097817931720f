#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Who signed and who approved, with no way around them (policy Art. 6):
# a key is its public key's fingerprint, not the key id its creator chose;
# names come from the trust store and must agree with the signed trusted
# comment; a certificate names as operator the person whose key signs it;
# people are compared after NFKC, case and white-space folding; an approval
# is checked as verify will check it before it is written, signs the bytes
# that were verified, and a broken one is replaced only on request. Stock
# minisign judges the signatures.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
command -v jq >/dev/null || skip "jq missing"
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 missing"
export KESU_TEST_WEAK_KDF=1

keys=${KESU_SRCDIR:?}/tests/data/keys
MiB=1048576
cd "$WORK"
mkdir keys trust
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub keys/
chmod 600 keys/operator.key keys/approver.key
cp keys/operator.key.pub keys/approver.key.pub trust/
printf 'kesu-test-operator\n' > op.pass
printf 'kesu-test-approver\n' > ap.pass
printf 'plum harbour 58 violet\n' > new.pass

# fpr FILE.pub: the first 128 bits of SHA-256 over the 32 bytes of the public key
fpr() {
	sed -n 2p "$1" | base64 -d | tail -c 32 | sha256sum | cut -c1-32 | sed 's/..../& /g; s/ $//'
}
# erased ID OPERATOR: a certificate ID.json of a zeroed image, issued with the operator key
erased() {
	truncate -s $MiB "$1.img"
	expect_rc 0 "$KESU" erase --yes --quiet --method zero --operator "$2" --report "$1.r.json" \
		"$1.img" 2> /dev/null
}

# --- 1. the fingerprint is the public key's; a spliced key id changes nothing
expect_rc 0 "$KESU" key show keys/approver.key.pub > show.out
grep -qx "fingerprint: $(fpr keys/approver.key.pub)" show.out ||
	fail "key show: $(cat show.out), sha256sum says $(fpr keys/approver.key.pub)"
expect_rc 0 "$KESU" key generate --role approver --name Mallory -o keys/mallory.key \
	--passphrase-file new.pass > gen.out 2> /dev/null
grep -qx "fingerprint: $(fpr keys/mallory.key.pub)" gen.out || fail "key generate: $(cat gen.out)"
# the attacker's key with the victim's key id: "Ed" keynum[8] pk[32]
python3 - keys/mallory.key.pub keys/approver.key.pub forged.pub <<'PY'
import base64, sys
mine, victim, out = sys.argv[1:]
m = open(mine).read().splitlines()
v = open(victim).read().splitlines()
mb, vb = base64.b64decode(m[1]), base64.b64decode(v[1])
open(out, 'w').write(v[0] + '\n' + base64.b64encode(mb[:2] + vb[2:10] + mb[10:]).decode() + '\n')
PY
expect_rc 0 "$KESU" key show forged.pub > forged.out
[ "$(grep '^key id' forged.out)" = "$(grep '^key id' show.out)" ] || fail "the splice failed"
[ "$(grep '^fingerprint' forged.out)" != "$(grep '^fingerprint' show.out)" ] ||
	fail "a spliced key id gave the victim's fingerprint"
grep -qx "fingerprint: $(fpr keys/mallory.key.pub)" forged.out || fail "forged: $(cat forged.out)"
mkdir trust-forged
cp keys/operator.key.pub keys/approver.key.pub trust-forged/
cp forged.pub trust-forged/zz-forged.pub
erased c1 'Test Operator'
expect_rc 0 "$KESU" cert issue c1.r.json -o c1.json --sign-key keys/operator.key \
	--passphrase-file op.pass > /dev/null
expect_rc 2 "$KESU" cert verify --trust trust-forged c1.json 2> err
grep -q 'trust-forged/approver.key.pub and .*trust-forged/zz-forged.pub have the same key id' err ||
	fail "a store with one key id twice: $(cat err)"
expect_rc 0 "$KESU" cert verify --trust trust c1.json > out
grep -q "operator key $(fpr keys/operator.key.pub)\$" out || fail "verify: $(cat out)"
ok "1: fingerprints from the public key; a spliced key id is refused with both files (2)"

# --- 2. the trusted comment's name must be the trust store's
mkdir keys2
cp keys/operator.key keys2/
sed '1s/name=.*/name=Suzuki Hanako/' keys/operator.key.pub > keys2/operator.key.pub
erased c2 'Suzuki Hanako'
expect_rc 0 "$KESU" cert issue c2.r.json -o c2.json --sign-key keys2/operator.key \
	--passphrase-file op.pass > /dev/null
minisign -Vm c2.json -x c2.json.operator.minisig -p keys/operator.key.pub > mout ||
	fail "stock minisign rejects the signature"
grep -q 'name="Suzuki Hanako"' mout || fail "minisign shows $(cat mout)"
expect_rc 10 "$KESU" cert verify --trust trust c2.json > out
grep -q 'bad-signature: its trusted comment names Suzuki Hanako, the trust store has Test Operator' out ||
	fail "verify: $(cat out)"
ok "2: a trusted comment naming someone else than the trust store is a bad signature (10)"

# --- 3. the operator a certificate names is the signer
dev=$(mkloop $((4 * MiB)))
sum=$(devsum "$dev")
expect_rc 2 "$KESU" erase --yes --quiet --method zero --operator 'Suzuki Hanako' --cert c3.json \
	--sign-key keys/operator.key --passphrase-file op.pass "$dev" 2> err
grep -q 'the operator named is Suzuki Hanako, but the key signs for Test Operator' err ||
	fail "erase: $(cat err)"
[ "$(devsum "$dev")" = "$sum" ] && [ ! -e c3.json ] || fail "a refused erase wrote something"
expect_rc 2 "$KESU" cert issue c2.r.json -o c3.json --sign-key keys/operator.key \
	--passphrase-file op.pass 2> /dev/null
# the same name in other forms is the same person
expect_rc 0 "$KESU" erase --yes --quiet --method zero --operator 'TEST　operator' --cert c3.json \
	--sign-key keys/operator.key --passphrase-file op.pass "$dev" 2> /dev/null
# made elsewhere: operator Suzuki, signed with Tanaka's (here Test Operator's) key
jq -cjS '.operator.name = "Suzuki Hanako"' c1.json > c4.json
id=$(jq -r .id c4.json)
minisign -S -s keys/operator.key -m c4.json -x c4.json.operator.minisig \
	-t "kesu-certificate/1 id=$id role=operator name=\"Test Operator\" time=2026-11-26T02:00:00Z" \
	< op.pass > /dev/null 2>&1 || fail "minisign -S"
expect_rc 10 "$KESU" cert verify --trust trust c4.json > out
grep -q 'names operator Suzuki Hanako, its signature is by Test Operator' out || fail "$(cat out)"
# self-approval compares people: a full-width space, other case
expect_rc 0 "$KESU" key generate --role approver --name 'test　OPERATOR' -o keys/self.key \
	--passphrase-file new.pass > /dev/null 2>&1
cp keys/self.key.pub trust/
expect_rc 12 "$KESU" cert approve --trust trust --sign-key keys/self.key --passphrase-file new.pass \
	c1.json 2> err
grep -q 'refusing self-approval' err || fail "self-approval: $(cat err)"
rm trust/self.key.pub
ok "3: --operator other than the key's owner refused (2), a forged operator field 10, names folded"

# --- 4. an approver key the store does not trust is refused at approve time
expect_rc 11 "$KESU" cert approve --trust trust --sign-key keys/mallory.key --passphrase-file new.pass \
	c1.json 2> err
grep -q 'not in the trust store' err || fail "untrusted approver: $(cat err)"
[ ! -e c1.json.approver.minisig ] || fail "an untrusted approval was written"
expect_rc 0 "$KESU" cert approve --trust trust --sign-key keys/approver.key --passphrase-file ap.pass \
	c1.json > /dev/null
minisign -Vm c1.json -x c1.json.approver.minisig -p keys/approver.key.pub > /dev/null ||
	fail "stock minisign rejects the approval"
# a broken approval: said so, with the way out
erased c5 'Test Operator'
expect_rc 0 "$KESU" cert issue c5.r.json -o c5.json --sign-key keys/operator.key \
	--passphrase-file op.pass > /dev/null
printf 'garbage\n' > c5.json.approver.minisig
expect_rc 10 "$KESU" cert verify --trust trust c5.json > out
grep -q 'bad-signature: the approver signature is not a minisign signature' out || fail "$(cat out)"
expect_rc 10 "$KESU" cert approve --trust trust --sign-key keys/approver.key --passphrase-file ap.pass \
	c5.json 2> err
grep -q 'an approval exists and does not verify: .*--replace-approval replaces it' err ||
	fail "a broken approval: $(cat err)"
expect_rc 0 "$KESU" cert approve --trust trust --sign-key keys/approver.key --passphrase-file ap.pass \
	--replace-approval c5.json > /dev/null
minisign -Vm c5.json -x c5.json.approver.minisig -p keys/approver.key.pub > /dev/null ||
	fail "the replaced approval does not verify"
expect_rc 2 "$KESU" cert approve --trust trust --sign-key keys/approver.key --passphrase-file ap.pass \
	--replace-approval c5.json 2> /dev/null
# a changed certificate: the reason is given, never empty
jq -cjS '.notes = "changed"' c5.json > c6.json
cp c5.json.operator.minisig c6.json.operator.minisig
expect_rc 10 "$KESU" cert verify --trust trust --json c6.json > out
jq -e '.why | test("does not verify with key")' out > /dev/null || fail "changed: $(cat out)"
ok "4: an untrusted approver is refused (11), a broken approval is named and replaced on request"

# --- 5. approve signs the bytes it verified: the file swapped while the passphrase is awaited
erased c7 'Test Operator'
expect_rc 0 "$KESU" cert issue c7.r.json -o c7.json --sign-key keys/operator.key \
	--passphrase-file op.pass > /dev/null
cp c7.json c7.orig
mkfifo pass.fifo
"$KESU" cert approve --trust trust --sign-key keys/approver.key --passphrase-file pass.fifo \
	c7.json > approve.out 2>&1 &
pid=$!
# opening the FIFO for writing returns once kesu opened it, after it read the certificate
exec 3> pass.fifo
cp c1.json c7.json
cat ap.pass >&3
exec 3>&-
rc=0
wait $pid || rc=$?
[ $rc -eq 0 ] || fail "approve: exit $rc: $(cat approve.out)"
minisign -Vm c7.orig -x c7.json.approver.minisig -p keys/approver.key.pub > /dev/null ||
	fail "the approval is not over the bytes that were verified"
minisign -Vm c7.json -x c7.json.approver.minisig -p keys/approver.key.pub > /dev/null 2>&1 &&
	fail "the approval is over the bytes swapped in"
ok "5: cert approve signs the bytes it verified, not those swapped in during the prompt"

# --- a world-writable trust directory or key is refused
cp -r trust trust-ww
chmod 777 trust-ww
expect_rc 2 "$KESU" cert verify --trust trust-ww c1.json 2> err
grep -q 'trust-ww: anyone may write to it' err || fail "world-writable dir: $(cat err)"
chmod 755 trust-ww
chmod 666 trust-ww/approver.key.pub
expect_rc 2 "$KESU" cert verify --trust trust-ww c1.json 2> err
grep -q 'approver.key.pub: anyone may write to it' err || fail "world-writable key: $(cat err)"
ok "a trust directory or key anyone may write to is refused (2)"

# --- cert issue and cert approve reach the security log
sink=${KESU_BUILDDIR:?}/tests/cli/logsink
[ -x "$sink" ] && command -v unshare > /dev/null || skip "no logsink or unshare"
erased c8 'Test Operator'
"$sink" "$WORK/log.sock" 30 > log &
spid=$!
i=0
while [ ! -S log.sock ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
mkdir -p ov/up ov/wk
rc=0
unshare -m sh -c '
	mount --make-rprivate / &&
	mount -t overlay overlay -o "lowerdir=/dev,upperdir=$2/up,workdir=$2/wk" /dev &&
	rm -f /dev/log && ln -s "$1" /dev/log || exit 99
	shift 2
	"$@" cert issue c8.r.json -o c8.json --sign-key keys/operator.key --passphrase-file op.pass &&
	"$@" cert approve --trust trust --sign-key keys/mallory.key --passphrase-file new.pass c8.json
	[ $? -eq 11 ]' sh "$WORK/log.sock" "$WORK/ov" "$KESU" > /dev/null 2>&1 || rc=$?
# logsink prints what is queued when it is stopped: no pause before
kill $spid 2> /dev/null; wait $spid 2> /dev/null || true
[ $rc -ne 99 ] || skip "cannot put a listener on /dev/log"
[ $rc -eq 0 ] || fail "issue, then a refused approval: exit $rc"
id=$(jq -r .id c8.json)
grep -q "cert issue: report=\"c8.r.json\" certificate=\"./c8.json\" id=\"$id\" operator=\"Test Operator\" key=\"$(fpr keys/operator.key.pub)\" result=\"issued\"" log ||
	fail "no cert issue record: $(cat log)"
grep -q "cert approve: certificate=\"c8.json\" id=\"$id\" approver=\"Mallory\" key=\"$(fpr keys/mallory.key.pub)\" .*result=\"refused\" exit=\"11\"" log ||
	fail "no cert approve record: $(cat log)"
ok "cert issue and a refused cert approve are in the security log, with the key's fingerprint"
