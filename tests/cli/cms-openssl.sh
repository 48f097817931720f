#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cert/cms.c (through tests/cli/cmstool) against stock `openssl cms`: each
# verifies the other's detached signatures; a changed byte of the content or
# of the signature, an untrusted CA, an Ed25519 key, a wrong key or
# passphrase are each refused with their own errno; so are a revoked signer
# (the CRL in the CA bundle), an expired CRL, a TLS server certificate and a
# CA certificate as signers.
# No device is touched, so this test does not use lib.sh (which needs root
# and loop devices); its fail/skip/expect_rc are the same.
set -eu

: "${KESU_SRCDIR:?}" "${KESU_BUILDDIR:?}"
TOOL=$KESU_BUILDDIR/tests/cli/cmstool
# the tool exits with the errno the module returned
EPERM=1 EXDEV=18 EACCES=13 EBADMSG=74 EOPNOTSUPP=95 ENOKEY=126 EKEYREJECTED=129

exec 9>&2
fail() { echo "FAIL: $*" >&9; exit 1; }
skip() { echo "SKIP: $*" >&9; exit 77; }
ok() { echo "ok: $*"; }
expect_rc() {
	want=$1; shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}

command -v openssl >/dev/null || skip "openssl missing"
[ -x "$TOOL" ] || skip "$TOOL not built"
WORK=$(mktemp -d /tmp/kesu-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# a copy of the committed PKI whose private keys only their owner may access,
# as kesu requires (a checkout leaves them 0644)
cp -R "$KESU_SRCDIR/tests/data/pki" "$WORK/pki"
chmod 600 "$WORK"/pki/*.key
PKI=$WORK/pki

# stock_verify FILE SIG [CA]: stock openssl's verdict on a detached DER signature
stock_verify() {
	openssl cms -verify -binary -content "$1" -inform DER -in "$2" \
		-CAfile "${3:-$PKI/ca.pem}" -purpose any -out /dev/null 2>"$WORK/stock.err"
}

# flip FILE OFFSET: change one byte of FILE in place
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %03o $((b ^ 0x55)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# a certificate-like document: canonical JSON has no trailing newline, and
# the signature must cover bytes that a text mode would change
doc=$WORK/cert.json
printf '{"id":"%s","note":"CR\\r LF\\n","x":"\342\200\256"}' \
	"$(cat /proc/sys/kernel/random/uuid)" > "$doc"
printf '\r\n\000\377' >> "$doc"

# kesu signs, stock openssl verifies; kesu verifies and names the signer
for who in operator approver rsa; do
	"$TOOL" sign "$PKI/$who.pem" "$PKI/$who.key" "$doc" "$WORK/$who.p7s" ||
		fail "$who: signing failed"
	stock_verify "$doc" "$WORK/$who.p7s" || fail "$who: openssl cms -verify refused kesu's signature: $(cat "$WORK/stock.err")"
	"$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/$who.p7s" > "$WORK/cn" ||
		fail "$who: kesu refused its own signature"
done
[ "$(cat "$WORK/cn")" = "RSA Signer" ] || fail "signer named $(cat "$WORK/cn")"
"$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/approver.p7s" > "$WORK/cn"
[ "$(cat "$WORK/cn")" = "佐藤 花子" ] || fail "UTF-8 common name came out as $(od -c "$WORK/cn")"
ok "ECDSA P-256 and RSA signatures accepted by openssl cms -verify, signer names in UTF-8"

# what stock openssl sees inside: detached, SHA-256, the signer's certificate, a signing time
openssl cms -cmsout -print -inform DER -in "$WORK/operator.p7s" > "$WORK/dump"
grep -q 'eContent: <ABSENT>' "$WORK/dump" || fail "signature is not detached"
grep -q 'algorithm: sha256 ' "$WORK/dump" || fail "digest is not SHA-256"
grep -q 'object: signingTime' "$WORK/dump" || fail "no signing time"
grep -q 'CN=Taro Yamada' "$WORK/dump" || fail "signer certificate not included"
ok "openssl cms -cmsout shows a detached SHA-256 signature with signing time and certificate"

# the signer's intermediate CA travels in the signature
"$TOOL" sign "$PKI/clerk.chain.pem" "$PKI/clerk.key" "$doc" "$WORK/clerk.p7s"
stock_verify "$doc" "$WORK/clerk.p7s" || fail "openssl refused a chain through the intermediate"
[ "$("$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/clerk.p7s")" = "Jiro Suzuki" ] ||
	fail "kesu refused a chain through the intermediate"
ok "an intermediate CA given after the signer's certificate is included and verified"

# stock openssl signs (detached by default), kesu verifies
openssl cms -sign -binary -md sha256 -outform DER -in "$doc" -signer "$PKI/operator.pem" \
	-inkey "$PKI/operator.key" -out "$WORK/stock.p7s"
[ "$("$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/stock.p7s")" = "Taro Yamada" ] ||
	fail "kesu refused stock openssl's signature"
ok "kesu verifies a detached signature made by openssl cms -sign"

# one changed byte of the content: both refuse; kesu says the signature does not match
for off in 0 17 $(($(stat -c %s "$doc") - 1)); do
	cp "$doc" "$WORK/bad.json"
	flip "$WORK/bad.json" "$off"
	stock_verify "$WORK/bad.json" "$WORK/operator.p7s" && fail "openssl accepted changed content"
	expect_rc $EKEYREJECTED "$TOOL" verify "$PKI/ca.pem" "$WORK/bad.json" "$WORK/operator.p7s" 2>/dev/null
done
ok "a changed byte of the content fails openssl and kesu (EKEYREJECTED)"

# one changed byte of the signature: the last (ECDSA value), one in the
# signing time, one in the outer length. The signing time follows the OID
# 1.2.840.113549.1.9.5 (9 bytes), its SET header and its own tag and length.
n=$(stat -c %s "$WORK/operator.p7s")
oid=$(LC_ALL=C grep -abo "$(printf '\052\206\110\206\367\015\001\011\005')" \
	"$WORK/operator.p7s" | cut -d: -f1)
[ -n "$oid" ] || fail "no signingTime attribute in the signature"
t=$((oid + 13))
for off in $((n - 1)) $((t + 5)) 1; do
	cp "$WORK/operator.p7s" "$WORK/bad.p7s"
	flip "$WORK/bad.p7s" "$off"
	stock_verify "$doc" "$WORK/bad.p7s" && fail "openssl accepted a signature changed at $off"
	set +e
	"$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/bad.p7s" 2>/dev/null
	rc=$?
	set -e
	case $off:$rc in
	1:"$EBADMSG" | *:"$EKEYREJECTED") ;;
	*) fail "signature changed at byte $off: kesu exited $rc" ;;
	esac
done
expect_rc $EBADMSG "$TOOL" verify "$PKI/ca.pem" "$doc" "$doc" 2>/dev/null
ok "a changed byte of the signature fails openssl and kesu (EKEYREJECTED, EBADMSG when not DER)"

# untrusted: a signer from another CA, or the right signer against another CA
"$TOOL" sign "$PKI/untrusted.pem" "$PKI/untrusted.key" "$doc" "$WORK/mallory.p7s"
stock_verify "$doc" "$WORK/mallory.p7s" && fail "openssl trusted Mallory"
expect_rc $EACCES "$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/mallory.p7s" 2>"$WORK/err"
grep -q 'not trusted: unable to get local issuer certificate' "$WORK/err" ||
	fail "untrusted reason: $(cat "$WORK/err")"
stock_verify "$doc" "$WORK/operator.p7s" "$PKI/untrusted-ca.pem" && fail "openssl trusted the wrong CA"
expect_rc $EACCES "$TOOL" verify "$PKI/untrusted-ca.pem" "$doc" "$WORK/operator.p7s" 2>/dev/null
ok "an untrusted CA fails openssl and kesu (EACCES, not EKEYREJECTED)"

# Ed25519: refused before signing, with the reason, and no signature file
expect_rc $EOPNOTSUPP "$TOOL" sign "$PKI/ed25519.pem" "$PKI/ed25519.key" "$doc" "$WORK/ed.p7s" \
	2>"$WORK/err"
grep -q 'Ed25519 keys cannot make CMS signatures with OpenSSL 3.0' "$WORK/err" ||
	fail "Ed25519 reason: $(cat "$WORK/err")"
[ ! -e "$WORK/ed.p7s" ] || fail "a signature file was written for Ed25519"
expect_rc $EOPNOTSUPP "$TOOL" sign "$PKI/operator.pem" "$PKI/ed25519.key" "$doc" "$WORK/ed.p7s" \
	2>/dev/null
ok "an Ed25519 certificate or key is refused with its reason (EOPNOTSUPP)"

# keys: another's key, an encrypted key without and with a wrong passphrase
expect_rc $EXDEV "$TOOL" sign "$PKI/operator.pem" "$PKI/approver.key" "$doc" \
	"$WORK/x.p7s" 2>/dev/null
expect_rc $ENOKEY "$TOOL" sign "$PKI/operator.pem" "$PKI/operator.enc.key" "$doc" \
	"$WORK/x.p7s" 2>/dev/null
printf 'not the passphrase' > "$WORK/wrong"
expect_rc $EKEYREJECTED env CMSTOOL_PASSFILE="$WORK/wrong" "$TOOL" sign "$PKI/operator.pem" \
	"$PKI/operator.enc.key" "$doc" "$WORK/x.p7s" 2>/dev/null
CMSTOOL_PASSFILE=$PKI/operator.pass "$TOOL" sign "$PKI/operator.pem" "$PKI/operator.enc.key" \
	"$doc" "$WORK/enc.p7s"
stock_verify "$doc" "$WORK/enc.p7s" || fail "signature with the decrypted key refused"
ok "key/certificate mismatch (EXDEV), passphrase missing (ENOKEY) or wrong (EKEYREJECTED)"

# a private key that group or others may read is refused, whatever it holds
cp "$PKI/operator.key" "$WORK/open.key"
chmod 640 "$WORK/open.key"
expect_rc $EPERM "$TOOL" sign "$PKI/operator.pem" "$WORK/open.key" "$doc" "$WORK/open.p7s" \
	2>"$WORK/err"
grep -q 'chmod 600' "$WORK/err" || fail "open key: no reason: $(cat "$WORK/err")"
[ ! -e "$WORK/open.p7s" ] || fail "a signature file was written with a 0640 key"
ok "a private key that group may read is refused (EPERM) with the remedy"

# stock signatures kesu does not take: content inside, SHA-1
openssl cms -sign -binary -md sha256 -nodetach -outform DER -in "$doc" \
	-signer "$PKI/operator.pem" -inkey "$PKI/operator.key" -out "$WORK/att.p7s"
expect_rc $EBADMSG "$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/att.p7s" 2>/dev/null
openssl cms -sign -binary -md sha1 -outform DER -in "$doc" -signer "$PKI/operator.pem" \
	-inkey "$PKI/operator.key" -out "$WORK/sha1.p7s"
expect_rc $EOPNOTSUPP "$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/sha1.p7s" 2>/dev/null
ok "an attached signature (EBADMSG) and a SHA-1 one (EOPNOTSUPP) are refused"

# a missing CA file is not an untrusted signer
expect_rc $ENOKEY "$TOOL" verify "$WORK/none.pem" "$doc" "$WORK/operator.p7s" 2>/dev/null
ok "a missing CA file is ENOKEY, not EACCES"

# revocation: a bundle with the CA's CRL; both judge alike
openssl cms -sign -binary -md sha256 -outform DER -in "$doc" -signer "$PKI/revoked.pem" \
	-inkey "$PKI/revoked.key" -out "$WORK/revoked.p7s"
[ "$("$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/revoked.p7s")" = "Ichiro Revoked" ] ||
	fail "kesu refused the revoked signer without a CRL"
stock_crl() {
	openssl cms -verify -crl_check -binary -content "$doc" -inform DER -in "$1" -CAfile "$2" \
		-purpose any -out /dev/null 2>"$WORK/stock.err"
}
stock_crl "$WORK/revoked.p7s" "$PKI/ca-crl.pem" && fail "openssl accepted the revoked signer"
grep -q "certificate revoked" "$WORK/stock.err" || fail "openssl: $(cat "$WORK/stock.err")"
expect_rc $EACCES "$TOOL" verify "$PKI/ca-crl.pem" "$doc" "$WORK/revoked.p7s" 2>"$WORK/err"
grep -q "certificate revoked" "$WORK/err" || fail "revoked reason: $(cat "$WORK/err")"
stock_crl "$WORK/operator.p7s" "$PKI/ca-crl.pem" || fail "openssl refused the operator with the CRL"
"$TOOL" verify "$PKI/ca-crl.pem" "$doc" "$WORK/operator.p7s" >/dev/null ||
	fail "kesu refused the operator with the CRL"
stock_crl "$WORK/operator.p7s" "$PKI/ca-expired-crl.pem" && fail "openssl accepted an expired CRL"
grep -q "CRL has expired" "$WORK/stock.err" || fail "openssl: $(cat "$WORK/stock.err")"
expect_rc $EACCES "$TOOL" verify "$PKI/ca-expired-crl.pem" "$doc" "$WORK/operator.p7s" \
	2>"$WORK/err"
grep -q "CRL has expired" "$WORK/err" || fail "expired CRL reason: $(cat "$WORK/err")"
ok "a revoked signer and an expired CRL fail openssl cms -verify -crl_check and kesu (EACCES)"

# a TLS server certificate and a CA certificate: kesu signs with neither and
# verifies neither's signature; stock openssl's S/MIME signing purpose
# refuses the TLS certificate, and the CA certificate says CA:TRUE
for who in tls signing-ca ca; do
	expect_rc $EOPNOTSUPP "$TOOL" sign "$PKI/$who.pem" "$PKI/$who.key" "$doc" "$WORK/x.p7s" \
		2>/dev/null
	[ ! -e "$WORK/x.p7s" ] || fail "$who: a signature file was written"
	openssl cms -sign -binary -md sha256 -outform DER -in "$doc" -signer "$PKI/$who.pem" \
		-inkey "$PKI/$who.key" -out "$WORK/$who.p7s"
	expect_rc $EACCES "$TOOL" verify "$PKI/ca.pem" "$doc" "$WORK/$who.p7s" 2>/dev/null
done
openssl cms -verify -binary -content "$doc" -inform DER -in "$WORK/tls.p7s" \
	-CAfile "$PKI/ca.pem" -purpose smimesign -out /dev/null 2>/dev/null &&
	fail "openssl took the TLS server certificate for a signer"
openssl x509 -in "$PKI/signing-ca.pem" -noout -ext basicConstraints | grep -q "CA:TRUE" ||
	fail "signing-ca.pem is no CA certificate"
ok "TLS server and CA certificates neither sign (EOPNOTSUPP) nor verify (EACCES)"
