#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A contractor's technician with an X.509 certificate of the organisation's
# PKI, made here by stock openssl under the test CA: bound to the contractor
# role by [trust] contractor_oid (a certificate policy) or by a "contractor
# SUBJECT" line of x509-roles, their CMS-signed certificate verifies as a
# contractor's (kesu cert verify --json says so; without the binding, as a
# plain operator's), and kesu ledger add records it only for an asset whose
# approved disposal names them (11 before, 0 after the hand-over). Stock
# openssl shows the policy the binding reads and verifies the signature.
# Under KESU_TEST_LEDGER_URL (tests/cli/ledger-pg.sh) the register is a database of that
# PostgreSQL server, read with psql instead of sqlite3.
. "$(dirname "$0")/lib.sh"
set -e
for t in jq openssl; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
cd "$WORK"
. "$KESU_SRCDIR/tests/cli/register-lib.sh"
cp -R "${KESU_SRCDIR:?}/tests/data/pki" pki
chmod 600 pki/*.key
keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir keys trust empty
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub keys/
chmod 600 keys/operator.key keys/approver.key
cp keys/operator.key.pub keys/approver.key.pub trust/
printf 'kesu-test-operator\n' > op.pass
printf 'kesu-test-approver\n' > ap.pass
OP="--sign-key keys/operator.key --passphrase-file op.pass"
AP="--sign-key keys/approver.key --passphrase-file ap.pass"
L="--ledger $(at l)"


# the contractor's certificate: a P-256 key, certificate policy 2.999.3.3, issued by the test CA
cat > ext.cnf <<'X'
[contractor]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 2.999.3.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
X
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ct.key 2> /dev/null
chmod 600 ct.key
openssl req -new -utf8 -key ct.key -subj "/O=Shobun KK/OU=Technicians/CN=Yamada Taro" \
	-out ct.csr 2> /dev/null
openssl x509 -req -in ct.csr -CA pki/ca.pem -CAkey pki/ca.key -set_serial 4242 -days 30 \
	-sha256 -extfile ext.cnf -extensions contractor -out ct.pem 2> /dev/null
openssl x509 -in ct.pem -noout -ext certificatePolicies | grep -q 2.999.3.3 ||
	fail "the contractor certificate lacks its policy"
CT="--sign-cert ct.pem --sign-key ct.key"
TC="--trust $WORK/trust --trust-ca $WORK/pki/ca.pem"
printf '[trust]\ncontractor_oid = 2.999.3.3\n' > ct.conf
chmod 600 ct.conf

"$KESU" asset add PC-8 --kind disk $L > /dev/null
"$KESU" asset add PC-9 --kind disk $L > /dev/null
rc_is 0 "$KESU" cert issue --destruction disintegrate --asset-tag PC-8 --serial SN8 $CT -o c8.json
openssl cms -verify -binary -content c8.json -inform DER -in c8.json.operator.p7s \
	-CAfile pki/ca.pem -purpose any -out /dev/null 2> ossl ||
	fail "stock openssl cms rejects the signature: $(cat ossl)"

rc_is 0 "$KESU" cert verify $TC --json c8.json
jq -e '.operator.name == "Yamada Taro" and .operator.contractor == false' out > /dev/null ||
	fail "without a binding: $(cat out)"
rc_is 0 env KESU_CONFIG="$WORK/ct.conf" "$KESU" cert verify $TC --json c8.json
jq -e '.operator.name == "Yamada Taro" and .operator.contractor == true' out > /dev/null ||
	fail "contractor_oid: $(cat out)"
rc_is 0 env KESU_CONFIG="$WORK/ct.conf" "$KESU" cert verify $TC c8.json
grep -q "valid: certificate .*, contractor Yamada Taro" out || fail "contractor_oid: $(cat out)"
ok "[trust] contractor_oid makes a certificate of that policy a contractor's (cert verify)"

# the binding by subject, as stock openssl prints it
printf 'contractor %s\n' "$(openssl x509 -in ct.pem -noout -subject -nameopt RFC2253,-esc_msb)" \
	> trust/x509-roles
rc_is 0 "$KESU" cert verify $TC --json c8.json
jq -e '.operator.contractor == true' out > /dev/null || fail "x509-roles contractor: $(cat out)"
rm trust/x509-roles
ok "a \"contractor SUBJECT\" line of x509-roles binds the same"

# the ledger: a contractor's certificate counts only for the asset handed to them
rc_is 11 env KESU_CONFIG="$WORK/ct.conf" "$KESU" ledger $L $TC add c8.json
grep -q 'no disposal request names contractor Yamada Taro' err || fail "add: $(cat out err)"
[ "$(sql l "SELECT count(*) FROM certificates WHERE id = '$(jq -r .id c8.json)'")" = 0 ] ||
	fail "a refused certificate was recorded"
rc_is 0 "$KESU" request create disposal --asset PC-8 --reason r --contractor 'Yamada Taro' \
	$OP -o r8.json
rc_is 0 "$KESU" request approve --trust "$WORK/trust" r8.json $AP
rc_is 0 "$KESU" asset apply --trust "$WORK/trust" r8.json $L
rc_is 0 env KESU_CONFIG="$WORK/ct.conf" "$KESU" ledger $L $TC add c8.json
rc_is 0 "$KESU" cert issue --destruction disintegrate --asset-tag PC-9 --serial SN9 $CT -o c9.json
rc_is 11 env KESU_CONFIG="$WORK/ct.conf" "$KESU" ledger $L $TC add c9.json
rc_is 0 env KESU_CONFIG="$WORK/ct.conf" "$KESU" ledger $L $TC verify
ok "ledger add: an X.509 contractor's certificate only for the asset handed to them (11, then 0)"

printf '[trust]\ncontractor_oid = shobun\n' > bad.conf
chmod 600 bad.conf
rc_is 2 env KESU_CONFIG="$WORK/bad.conf" "$KESU" cert verify $TC c8.json
grep -q 'bad.conf:2: \[trust\] contractor_oid: not a list of dotted OIDs' err ||
	fail "bad contractor_oid: $(cat out err)"
ok "a contractor_oid that is no dotted OID is refused with its line (2)"
