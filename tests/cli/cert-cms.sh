#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Certificates signed in an organisation's X.509 PKI: kesu erase --cert with
# --sign-cert writes a detached CMS signature that stock `openssl cms`
# verifies against the CA; kesu cert approve and verify --trust-ca accept
# the chain, name the signers by their common names, and refuse a signer
# from another CA (11) and an Ed25519 key (3, with the reason).
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"

# a copy of the committed PKI whose private keys only their owner may access,
# as kesu requires (a checkout leaves them 0644)
cp -R "${KESU_SRCDIR:?}/tests/data/pki" "$WORK/pki"
chmod 600 "$WORK"/pki/*.key
pki=$WORK/pki
MiB=1048576
dev=$(mkloop $((4 * MiB)))
mkdir "$WORK/empty"

expect_rc 0 "$KESU" erase --yes --quiet --method zero --cert "$WORK/c.json" \
	--sign-cert "$pki/operator.pem" --sign-key "$pki/operator.enc.key" \
	--passphrase-file "$pki/operator.pass" "$dev" 2> "$WORK/err"
[ -f "$WORK/c.json.operator.p7s" ] || fail "no CMS signature: $(ls "$WORK")"
openssl cms -verify -binary -content "$WORK/c.json" -inform DER -in "$WORK/c.json.operator.p7s" \
	-CAfile "$pki/ca.pem" -purpose any -out /dev/null 2> "$WORK/ossl" ||
	fail "stock openssl cms rejects the signature: $(cat "$WORK/ossl")"
ok "kesu erase --cert --sign-cert: a detached CMS signature stock openssl verifies"

expect_rc 0 "$KESU" cert approve --trust "$WORK/empty" --trust-ca "$pki/ca.pem" \
	--sign-cert "$pki/approver.pem" --sign-key "$pki/approver.key" "$WORK/c.json" > /dev/null
openssl cms -verify -binary -content "$WORK/c.json" -inform DER -in "$WORK/c.json.approver.p7s" \
	-CAfile "$pki/ca.pem" -purpose any -out /dev/null 2>/dev/null ||
	fail "stock openssl cms rejects the approval"
set +e
"$KESU" cert verify --trust "$WORK/empty" --trust-ca "$pki/ca.pem" --require-approval --json \
	"$WORK/c.json" > "$WORK/out"
rc=$?
set -e
[ $rc -eq 0 ] || fail "verify: exit $rc: $(cat "$WORK/out")"
op=$(openssl x509 -in "$pki/operator.pem" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
[ "$(jq -r .operator.name "$WORK/out")" = "$op" ] || fail "operator name: $(cat "$WORK/out")"
ok "approved with another certificate; verify --trust-ca names both signers"

# without the CA, or with another CA: untrusted
set +e
"$KESU" cert verify --trust "$WORK/empty" --trust-ca "$pki/untrusted-ca.pem" "$WORK/c.json" \
	> "$WORK/out" 2>&1
rc=$?
set -e
[ $rc -eq 11 ] || fail "another CA: exit $rc: $(cat "$WORK/out")"
set +e
"$KESU" cert verify --trust "$WORK/empty" "$WORK/c.json" > "$WORK/out" 2>&1
rc=$?
set -e
[ $rc -eq 11 ] || fail "no CA: exit $rc: $(cat "$WORK/out")"
ok "a CMS signature without its CA is untrusted (11)"

# Ed25519 cannot sign CMS in OpenSSL 3.0: refused before anything is written
dev2=$(mkloop $((4 * MiB)))
sum=$(devsum "$dev2")
set +e
"$KESU" erase --yes --quiet --method zero --cert "$WORK/e.json" --sign-cert "$pki/ed25519.pem" \
	--sign-key "$pki/ed25519.key" "$dev2" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 3 ] || fail "Ed25519: exit $rc: $(cat "$WORK/err")"
grep -qi "ed25519" "$WORK/err" || fail "Ed25519: no reason: $(cat "$WORK/err")"
[ "$(devsum "$dev2")" = "$sum" ] || fail "Ed25519: the device was written"
[ ! -e "$WORK/e.json" ] || fail "Ed25519: a certificate was written"
ok "an Ed25519 key is refused with its reason before anything is written"

# a private key that others may read: refused (3) before its passphrase is read
cp "$pki/operator.enc.key" "$WORK/open.key"
chmod 604 "$WORK/open.key"
set +e
"$KESU" erase --yes --quiet --method zero --cert "$WORK/o.json" --sign-cert "$pki/operator.pem" \
	--sign-key "$WORK/open.key" "$dev2" 2> "$WORK/err" < /dev/null
rc=$?
set -e
[ $rc -eq 3 ] || fail "0604 key: exit $rc: $(cat "$WORK/err")"
grep -q "chmod 600" "$WORK/err" || fail "0604 key: no remedy: $(cat "$WORK/err")"
grep -qi "passphrase" "$WORK/err" && fail "0604 key: a passphrase was asked: $(cat "$WORK/err")"
[ "$(devsum "$dev2")" = "$sum" ] || fail "0604 key: the device was written"
[ ! -e "$WORK/o.json" ] || fail "0604 key: a certificate was written"
ok "a private key others may read is refused (3) before its passphrase or the device"
