#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Certificates signed in an organisation's X.509 PKI: kesu erase --cert with
# --sign-cert writes a detached CMS signature that stock `openssl cms`
# verifies against the CA; kesu cert approve and verify --trust-ca accept
# the chain, name the signers by their common names, and refuse a signer
# from another CA (11) and an Ed25519 key (3, with the reason). An approver
# must be bound to the role (x509-roles of the trust store, or [trust]
# approver_oid): without a binding, another operator, a TLS server
# certificate or a CA certificate never approves; a revoked signer or an
# expired CRL in the CA bundle is untrusted, as stock `openssl cms -verify
# -crl_check` and `openssl verify -crl_check` also say.
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
mkdir "$WORK/empty" "$WORK/trust"
# subject NAME: the subject of NAME.pem as x509-roles lists it
subject() {
	openssl x509 -in "$pki/$1.pem" -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//'
}
# stock_sign NAME DOC OUT: a detached CMS signature by stock openssl, not kesu
stock_sign() {
	openssl cms -sign -binary -md sha256 -outform DER -in "$2" -signer "$pki/$1.pem" \
		-inkey "$pki/$1.key" -out "$3"
}
# verify_rc ARGS...: kesu cert verify's exit status, its output in $WORK/out;
# $conf, when set, is the configuration file
verify_rc() {
	set +e
	"$KESU" ${conf:+--config "$conf"} cert verify "$@" > "$WORK/out" 2>&1
	rc=$?
	set -e
}

expect_rc 0 "$KESU" erase --yes --quiet --method zero --cert "$WORK/c.json" \
	--sign-cert "$pki/operator.pem" --sign-key "$pki/operator.enc.key" \
	--passphrase-file "$pki/operator.pass" "$dev" 2> "$WORK/err"
[ -f "$WORK/c.json.operator.p7s" ] || fail "no CMS signature: $(ls "$WORK")"
openssl cms -verify -binary -content "$WORK/c.json" -inform DER -in "$WORK/c.json.operator.p7s" \
	-CAfile "$pki/ca.pem" -purpose any -out /dev/null 2> "$WORK/ossl" ||
	fail "stock openssl cms rejects the signature: $(cat "$WORK/ossl")"
ok "kesu erase --cert --sign-cert: a detached CMS signature stock openssl verifies"

# no binding: the CA alone does not make anyone an approver
set +e
"$KESU" cert approve --trust "$WORK/empty" --trust-ca "$pki/ca.pem" \
	--sign-cert "$pki/approver.pem" --sign-key "$pki/approver.key" "$WORK/c.json" \
	> "$WORK/out" 2>&1
rc=$?
set -e
[ $rc -eq 11 ] || fail "approve without a binding: exit $rc: $(cat "$WORK/out")"
grep -q "approver_oid" "$WORK/out" || fail "no remedy: $(cat "$WORK/out")"
[ ! -e "$WORK/c.json.approver.p7s" ] || fail "an unbound approval was written"
stock_sign approver "$WORK/c.json" "$WORK/c.json.approver.p7s"
verify_rc --trust "$WORK/empty" --trust-ca "$pki/ca.pem" --require-approval "$WORK/c.json"
[ $rc -eq 11 ] || fail "verify of an unbound approval: exit $rc: $(cat "$WORK/out")"
rm "$WORK/c.json.approver.p7s"
ok "without a role binding an X.509 approval is refused (11) and none is written"

printf '# test approvers\napprover %s\n' "$(subject approver)" > "$WORK/trust/x509-roles"
expect_rc 0 "$KESU" cert approve --trust "$WORK/trust" --trust-ca "$pki/ca.pem" \
	--sign-cert "$pki/approver.pem" --sign-key "$pki/approver.key" "$WORK/c.json" > /dev/null
openssl cms -verify -binary -content "$WORK/c.json" -inform DER -in "$WORK/c.json.approver.p7s" \
	-CAfile "$pki/ca.pem" -purpose any -out /dev/null 2>/dev/null ||
	fail "stock openssl cms rejects the approval"
set +e
"$KESU" cert verify --trust "$WORK/trust" --trust-ca "$pki/ca.pem" --require-approval --json \
	"$WORK/c.json" > "$WORK/out"
rc=$?
set -e
[ $rc -eq 0 ] || fail "verify: exit $rc: $(cat "$WORK/out")"
op=$(openssl x509 -in "$pki/operator.pem" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
[ "$(jq -r .operator.name "$WORK/out")" = "$op" ] || fail "operator name: $(cat "$WORK/out")"
ok "approved by a subject x509-roles binds; verify --trust-ca names both signers"

# other approvers of the same CA, each signed by stock openssl over the same certificate
cp "$WORK/c.json" "$WORK/b.json"
cp "$WORK/c.json.operator.p7s" "$WORK/b.json.operator.p7s"
umask 022
printf '[trust]\napprover_oid = 2.999.1.2, 2.999.2.2\n' > "$WORK/oid.conf"
for who in operator2 policy-approver eku-approver tls signing-ca; do
	stock_sign "$who" "$WORK/b.json" "$WORK/b.json.approver.p7s"
	# the binding by subject names them all: only keyUsage and CA:FALSE stop the last two
	subject "$who" | sed 's/^/approver /' >> "$WORK/trust/x509-roles"
	conf=$WORK/oid.conf verify_rc --trust "$WORK/empty" --trust-ca "$pki/ca.pem" \
		--require-approval "$WORK/b.json"
	conf=
	echo "$who $rc" >> "$WORK/verdicts"
	verify_rc --trust "$WORK/trust" --trust-ca "$pki/ca.pem" --require-approval "$WORK/b.json"
	echo "$who listed $rc" >> "$WORK/verdicts"
done
printf '%s\n' "operator2 11" "operator2 listed 0" "policy-approver 0" "policy-approver listed 0" \
	"eku-approver 0" "eku-approver listed 0" "tls 11" "tls listed 11" "signing-ca 11" \
	"signing-ca listed 11" | diff - "$WORK/verdicts" ||
	fail "approver verdicts (11 untrusted, 0 valid) differ"
# the independent judges: what the certificates hold
openssl x509 -in "$pki/operator2.pem" -noout -ext certificatePolicies | grep -q 2.999.1.1 ||
	fail "operator2 lacks the operator policy"
openssl x509 -in "$pki/policy-approver.pem" -noout -ext certificatePolicies |
	grep -q 2.999.1.2 || fail "policy-approver lacks the approver policy"
openssl x509 -in "$pki/eku-approver.pem" -noout -ext extendedKeyUsage | grep -q 2.999.2.2 ||
	fail "eku-approver lacks the approver EKU"
ok "another operator approves only where the binding names it; OIDs bind by policy and EKU"

# a TLS server certificate or a CA certificate is no signer: stock openssl's
# S/MIME signing purpose refuses the first, the second says CA:TRUE
stock_sign tls "$WORK/b.json" "$WORK/tls.p7s"
openssl cms -verify -binary -content "$WORK/b.json" -inform DER -in "$WORK/tls.p7s" \
	-CAfile "$pki/ca.pem" -purpose smimesign -out /dev/null 2>/dev/null &&
	fail "stock openssl takes the TLS certificate for a signer"
openssl x509 -in "$pki/signing-ca.pem" -noout -ext basicConstraints | grep -q "CA:TRUE" ||
	fail "signing-ca is not a CA certificate"
stock_sign tls "$WORK/b.json" "$WORK/b.json.approver.p7s"
verify_rc --trust "$WORK/trust" --trust-ca "$pki/ca.pem" "$WORK/b.json"
grep -q "not for signing" "$WORK/out" || fail "TLS approver: reason: $(cat "$WORK/out")"
stock_sign signing-ca "$WORK/b.json" "$WORK/b.json.approver.p7s"
verify_rc --trust "$WORK/trust" --trust-ca "$pki/ca.pem" "$WORK/b.json"
grep -q "CA certificate" "$WORK/out" || fail "CA approver: reason: $(cat "$WORK/out")"
for who in tls signing-ca ca; do
	rm -f "$WORK/b.json.approver.p7s"
	set +e
	"$KESU" cert approve --trust "$WORK/trust" --trust-ca "$pki/ca.pem" \
		--sign-cert "$pki/$who.pem" --sign-key "$pki/$who.key" "$WORK/b.json" \
		> "$WORK/out" 2>&1
	rc=$?
	set -e
	[ $rc -eq 3 ] || fail "approve with $who: exit $rc: $(cat "$WORK/out")"
	[ ! -e "$WORK/b.json.approver.p7s" ] || fail "approve with $who wrote a signature"
done
ok "TLS server and CA certificates are refused as signers (3), and as approvers on verify (11)"

# revocation: the CRL of the bundle decides; an expired CRL fails closed
# the revoked signer's own certificate: the operator it names is its signer (CN)
jq -cjS '.operator.name = "Ichiro Revoked"' "$WORK/c.json" > "$WORK/r.json"
stock_sign revoked "$WORK/r.json" "$WORK/r.json.operator.p7s"
verify_rc --trust "$WORK/empty" --trust-ca "$pki/ca.pem" "$WORK/r.json"
[ $rc -eq 0 ] || fail "revoked operator without a CRL: exit $rc: $(cat "$WORK/out")"
verify_rc --trust "$WORK/empty" --trust-ca "$pki/ca-crl.pem" "$WORK/r.json"
[ $rc -eq 11 ] || fail "revoked operator with the CRL: exit $rc: $(cat "$WORK/out")"
grep -q "certificate revoked" "$WORK/out" || fail "revoked: reason: $(cat "$WORK/out")"
openssl cms -verify -crl_check -binary -content "$WORK/r.json" -inform DER \
	-in "$WORK/r.json.operator.p7s" -CAfile "$pki/ca-crl.pem" -purpose any -out /dev/null \
	2>/dev/null && fail "stock openssl cms -verify -crl_check accepts the revoked signer"
openssl verify -crl_check -CAfile "$pki/ca-crl.pem" "$pki/revoked.pem" 2>&1 |
	grep -q "certificate revoked" || fail "stock openssl verify does not find the revocation"
verify_rc --trust "$WORK/trust" --trust-ca "$pki/ca-crl.pem" "$WORK/c.json"
[ $rc -eq 0 ] || fail "operator with the CRL: exit $rc: $(cat "$WORK/out")"
verify_rc --trust "$WORK/trust" --trust-ca "$pki/ca-expired-crl.pem" "$WORK/c.json"
[ $rc -eq 11 ] || fail "expired CRL: exit $rc: $(cat "$WORK/out")"
grep -q "CRL has expired" "$WORK/out" || fail "expired CRL: reason: $(cat "$WORK/out")"
openssl verify -crl_check -CAfile "$pki/ca-expired-crl.pem" "$pki/operator.pem" 2>&1 |
	grep -q "CRL has expired" || fail "stock openssl verify accepts the expired CRL"
ok "a revoked signer (CRL in the bundle) and an expired CRL are untrusted (11), as for openssl"

# a line of x509-roles that binds nothing is an error with its line, not ignored
printf 'approver %s\nboss CN=Mallory\n' "$(subject approver)" > "$WORK/empty/x509-roles"
verify_rc --trust "$WORK/empty" --trust-ca "$pki/ca.pem" "$WORK/c.json"
[ $rc -eq 1 ] || fail "bad x509-roles: exit $rc: $(cat "$WORK/out")"
grep -q "x509-roles:2: " "$WORK/out" || fail "bad x509-roles: no line: $(cat "$WORK/out")"
rm "$WORK/empty/x509-roles"
ok "a line of x509-roles with an unknown role is refused with its line (1)"

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
