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
# Valid for 100 years so that the committed files do not expire under the
# tests. Run from anywhere; it rewrites the files next to itself.
#   usage: make.sh
set -eu
cd "$(dirname "$0")"
DAYS=36500
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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

# the files are read by tests only; keep them readable in a source tree
chmod 0644 ./*.key ./*.pem operator.pass
