#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test-only X.509 material for the CMS signature tests, made with stock
# openssl (3.0) and committed with this script. The keys are public: never
# trust this CA or use these keys for anything but kesu's tests.
#
#   ca.pem, ca.key                  "kesu test CA", ECDSA P-256, self-signed
#   operator.pem, operator.key      "Taro Yamada", ECDSA P-256, issued by the CA
#   operator.enc.key                the same key, PKCS#8 with AES-256-CBC under
#                                   the passphrase in operator.pass
#   approver.pem, approver.key      "佐藤 花子" (a UTF-8 common name), ECDSA P-256
#   rsa.pem, rsa.key                "RSA Signer", RSA-2048
#   ed25519.pem, ed25519.key        "Ed25519 Signer", Ed25519 (cannot sign CMS in OpenSSL 3.0)
#   sub-ca.pem, sub-ca.key          "kesu test issuing CA", an intermediate under the CA
#   clerk.pem, clerk.key            "Jiro Suzuki", ECDSA P-256, issued by the intermediate;
#                                   clerk.chain.pem: clerk.pem then sub-ca.pem
#   untrusted-ca.pem, untrusted-ca.key   "kesu untrusted CA", another root
#   untrusted.pem, untrusted.key    "Mallory", ECDSA P-256, issued by the untrusted CA
#
# For revocation, key usage and the binding of roles to certificates:
#   revoked.pem, revoked.key        "Ichiro Revoked", an operator certificate (serial 7)
#                                   that ca.crl revokes
#   ca.crl                          the CA's CRL revoking serial 7, next update in 100 years;
#                                   ca-crl.pem: ca.pem then ca.crl (a bundle with its CRL)
#   ca-expired.crl                  the CA's CRL revoking nothing, next update 2001-01-01;
#                                   ca-expired-crl.pem: ca.pem then ca-expired.crl
#   tls.pem, tls.key                "kesu.example", a TLS server certificate: keyUsage
#                                   keyEncipherment only, EKU serverAuth
#   signing-ca.pem, signing-ca.key  "kesu signing CA", CA:TRUE with digitalSignature
#   operator2.pem, operator2.key    "Jiro Tanaka", another operator; certificate policy
#                                   2.999.1.1 (the test profile's operator policy)
#   policy-approver.pem, .key       "Kato Hanako", certificate policy 2.999.1.2 (approver)
#   eku-approver.pem, .key          "Ken Sato", EKU 2.999.2.2 (the approver's EKU)
#                                   besides emailProtection
# 2.999 is the arc ITU-T X.660 sets aside for examples: no real profile uses it.
#
# Valid for 100 years so that the committed files do not expire under the
# tests. Run from anywhere; it rewrites the files next to itself.
#   usage: make.sh
set -eu
cd "$(dirname "$0")"
DAYS=36500
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# openssl ca's database for the CRLs, named in openssl.cnf (read by every command)
CADIR=$tmp/ca
export CADIR
mkdir "$CADIR"
: > "$CADIR/index.txt"
echo 01 > "$CADIR/crlnumber"

cat > "$tmp/openssl.cnf" <<-'X'
	[req]
	distinguished_name = dn
	[dn]
	[ca]
	basicConstraints = critical, CA:TRUE
	keyUsage = critical, keyCertSign, cRLSign
	subjectKeyIdentifier = hash
	[subca]
	basicConstraints = critical, CA:TRUE, pathlen:0
	keyUsage = critical, keyCertSign, cRLSign
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[leaf]
	basicConstraints = critical, CA:FALSE
	keyUsage = critical, digitalSignature, nonRepudiation
	extendedKeyUsage = emailProtection
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[tls]
	basicConstraints = critical, CA:FALSE
	keyUsage = critical, keyEncipherment
	extendedKeyUsage = serverAuth
	subjectAltName = DNS:kesu.example
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[signca]
	basicConstraints = critical, CA:TRUE
	keyUsage = critical, digitalSignature, keyCertSign, cRLSign
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[oppolicy]
	basicConstraints = critical, CA:FALSE
	keyUsage = critical, digitalSignature, nonRepudiation
	extendedKeyUsage = emailProtection
	certificatePolicies = 2.999.1.1
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[appolicy]
	basicConstraints = critical, CA:FALSE
	keyUsage = critical, nonRepudiation
	certificatePolicies = 2.999.1.2
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[apeku]
	basicConstraints = critical, CA:FALSE
	keyUsage = critical, digitalSignature
	extendedKeyUsage = emailProtection, 2.999.2.2
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[crlca]
	database = $ENV::CADIR/index.txt
	crlnumber = $ENV::CADIR/crlnumber
	certificate = ca.pem
	private_key = ca.key
	default_md = sha256
	default_crl_days = 36500
X

# ec NAME: a P-256 key in NAME.key (PKCS#8, unencrypted)
ec() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
}

# root NAME SUBJECT: a self-signed CA certificate for NAME.key
root() {
	openssl req -new -x509 -utf8 -config "$tmp/openssl.cnf" -extensions ca -key "$1.key" \
		-subj "$2" -days $DAYS -sha256 -set_serial 1 -out "$1.pem"
}

# leaf NAME SUBJECT CA SERIAL [EXT]: a signing certificate for NAME.key issued by
# CA (EXT: the extension section, leaf unless given)
leaf() {
	openssl req -new -utf8 -config "$tmp/openssl.cnf" -key "$1.key" -subj "$2" \
		-out "$tmp/$1.csr"
	openssl x509 -req -in "$tmp/$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial "$4" \
		-days $DAYS -sha256 -extfile "$tmp/openssl.cnf" -extensions "${5:-leaf}" -out "$1.pem"
}

ec ca
root ca "/O=kesu test/CN=kesu test CA"
ec untrusted-ca
root untrusted-ca "/O=kesu test/CN=kesu untrusted CA"

ec operator
leaf operator "/O=kesu test/OU=Operators/CN=Taro Yamada" ca 2
printf 'kesu-test-passphrase' > operator.pass
openssl pkcs8 -topk8 -v2 aes-256-cbc -in operator.key -passout file:operator.pass \
	-out operator.enc.key

ec approver
leaf approver "/O=kesu test/OU=Approvers/CN=佐藤 花子" ca 3

openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key
leaf rsa "/O=kesu test/CN=RSA Signer" ca 4

openssl genpkey -algorithm ED25519 -out ed25519.key
leaf ed25519 "/O=kesu test/CN=Ed25519 Signer" ca 5

ec sub-ca
leaf sub-ca "/O=kesu test/CN=kesu test issuing CA" ca 6 subca
ec clerk
leaf clerk "/O=kesu test/OU=Operators/CN=Jiro Suzuki" sub-ca 2
cat clerk.pem sub-ca.pem > clerk.chain.pem

ec untrusted
leaf untrusted "/O=kesu test/CN=Mallory" untrusted-ca 2

ec revoked
leaf revoked "/O=kesu test/OU=Operators/CN=Ichiro Revoked" ca 7
ec tls
leaf tls "/O=kesu test/CN=kesu.example" ca 8 tls
ec signing-ca
leaf signing-ca "/O=kesu test/CN=kesu signing CA" ca 9 signca
ec operator2
leaf operator2 "/O=kesu test/OU=Operators/CN=Jiro Tanaka" ca 10 oppolicy
ec policy-approver
leaf policy-approver "/O=kesu test/OU=Approvers/CN=Kato Hanako" ca 11 appolicy
ec eku-approver
leaf eku-approver "/O=kesu test/OU=Approvers/CN=Ken Sato" ca 12 apeku

# CRLs of the CA, from the state openssl ca keeps in $CADIR
openssl ca -config "$tmp/openssl.cnf" -name crlca -gencrl -crl_lastupdate 20000101000000Z \
	-crl_nextupdate 20010101000000Z -out ca-expired.crl
openssl ca -config "$tmp/openssl.cnf" -name crlca -revoke revoked.pem
openssl ca -config "$tmp/openssl.cnf" -name crlca -gencrl -out ca.crl
cat ca.pem ca.crl > ca-crl.pem
cat ca.pem ca-expired.crl > ca-expired-crl.pem

# the files are read by tests only; keep them readable in a source tree
chmod 0644 ./*.key ./*.pem ./*.crl operator.pass
