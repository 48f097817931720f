#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A destruction certificate (policy Art. 27.2): a shredding or degaussing
# done outside kesu, certified without a report; the evidence files are
# named by SHA-256 (checked against sha256sum), the operator signs, a second
# person approves, stock minisign verifies both signatures, kesu cert verify
# --require-approval passes. Refused: no asset tag or serial (2), an unknown
# technique (2), a report given with --destruction (2).
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"

keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir "$WORK/keys" "$WORK/trust"
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub \
	"$WORK/keys/"
chmod 600 "$WORK/keys/operator.key" "$WORK/keys/approver.key"
cp "$keys/operator.key.pub" "$keys/approver.key.pub" "$WORK/trust/"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
printf 'kesu-test-approver\n' > "$WORK/ap.pass"
K=$WORK/keys
OP="--sign-key $K/operator.key --passphrase-file $WORK/op.pass"

mkdir "$WORK/evidence"
head -c 70000 /dev/urandom > "$WORK/evidence/shredder photo.jpg"
printf '%%PDF-1.4 the contractor certificate\n' > "$WORK/evidence/contractor.pdf"

# shellcheck disable=SC2086
expect_rc 0 "$KESU" cert issue --destruction shred --asset-tag PC-0042 --serial 'WD-WCC4N1234567' \
	--model 'WD10EZEX' --manufacturer 'Western Digital' --witness '鈴木 一郎' \
	--evidence "$WORK/evidence/shredder photo.jpg" --evidence "$WORK/evidence/contractor.pdf" \
	$OP -o "$WORK/d.json" > "$WORK/out"
grep -q "destruction certificate .* (shred) signed by Test Operator" "$WORK/out" || fail "$(cat "$WORK/out")"
[ "$(jqf "$WORK/d.json" .sanitization.category)" = destroy ] || fail "category"
[ "$(jqf "$WORK/d.json" .sanitization.technique)" = shred ] || fail "technique"
[ "$(jqf "$WORK/d.json" .media.serial)" = WD-WCC4N1234567 ] || fail "serial"
[ "$(jqf "$WORK/d.json" .media.asset_tag)" = PC-0042 ] || fail "asset tag"
[ "$(jqf "$WORK/d.json" .witness.name)" = '鈴木 一郎' ] || fail "witness"
jq -e 'has("report_id") or has("verification") or (.sanitization | has("passes")) | not' \
	"$WORK/d.json" > /dev/null || fail "a destruction claims a report, passes or a read-back"
[ "$(jqf "$WORK/d.json" '.evidence | length')" = 2 ] || fail "two evidence files"
for i in 0 1; do
	name=$(jqf "$WORK/d.json" ".evidence[$i].name")
	sum=$(sha256sum < "$WORK/evidence/$name" | cut -d' ' -f1)
	[ "$(jqf "$WORK/d.json" ".evidence[$i].sha256")" = "$sum" ] || fail "$name: sha256"
	[ "$(jqf "$WORK/d.json" ".evidence[$i].size")" = "$(stat -c %s "$WORK/evidence/$name")" ] ||
		fail "$name: size"
done
[ "$(jqf "$WORK/d.json" '.evidence[0].name')" = 'shredder photo.jpg' ] || fail "name without its directory"
! grep -q "the contractor certificate" "$WORK/d.json" || fail "evidence embedded"
ok "destruction certificate: category destroy, evidence by name, size and the SHA-256 sha256sum gives"

expect_rc 0 "$KESU" cert approve --trust "$WORK/trust" --sign-key "$K/approver.key" \
	--passphrase-file "$WORK/ap.pass" "$WORK/d.json" > /dev/null
minisign -Vm "$WORK/d.json" -x "$WORK/d.json.operator.minisig" -p "$K/operator.key.pub" \
	> "$WORK/mout" || fail "stock minisign rejects the operator signature"
grep -q "role=operator" "$WORK/mout" || fail "trusted comment: $(cat "$WORK/mout")"
minisign -Vm "$WORK/d.json" -x "$WORK/d.json.approver.minisig" -p "$K/approver.key.pub" \
	> /dev/null || fail "stock minisign rejects the approver signature"
expect_rc 0 "$KESU" cert verify --trust "$WORK/trust" --require-approval "$WORK/d.json" > "$WORK/out"
grep -q "valid: .*operator Test Operator, approver Test Approver" "$WORK/out" || fail "$(cat "$WORK/out")"
ok "approved by a second person; kesu cert verify --require-approval and stock minisign agree"

"$KESU" cert show --lang ja --trust "$WORK/trust" "$WORK/d.json" > "$WORK/show"
head -1 "$WORK/show" | grep -qx "記録媒体破壊証明書" || fail "title: $(head -1 "$WORK/show")"
grep -q "証拠資料(SHA-256) 2: contractor.pdf, .*$(sha256sum < "$WORK/evidence/contractor.pdf" | cut -c1-64)" \
	"$WORK/show" || fail "evidence not shown: $(cat "$WORK/show")"
grep -q "物理破壊: 破砕" "$WORK/show" || fail "method in Japanese"
ok "kesu cert show: the destruction title, method and evidence hashes"

# a byte changed in the certificate breaks the signature, as for any certificate
sed 's/WD-WCC4N1234567/WD-WCC4N1234568/' "$WORK/d.json" > "$WORK/forged.json"
cp "$WORK/d.json.operator.minisig" "$WORK/forged.json.operator.minisig"
expect_rc 10 "$KESU" cert verify --trust "$WORK/trust" "$WORK/forged.json" > /dev/null

# degaussing is Purge for magnetic media (NIST SP 800-88 Appendix A), not Destroy
# shellcheck disable=SC2086
expect_rc 0 "$KESU" cert issue --destruction degauss --asset-tag HDD-7 --serial Z1X2 $OP \
	-o "$WORK/g.json" > /dev/null
[ "$(jqf "$WORK/g.json" .sanitization.category)" = purge ] || fail "degauss category"
[ "$(jqf "$WORK/g.json" '.evidence | length')" = 0 ] || fail "evidence from nowhere"
ok "degauss: category purge; a forged serial fails the signature (10)"

# refused before anything is written
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction shred --serial S $OP -o "$WORK/n1.json" 2> "$WORK/err"
grep -q "needs --asset-tag and --serial" "$WORK/err" || fail "$(cat "$WORK/err")"
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction shred --asset-tag T $OP -o "$WORK/n2.json" 2> /dev/null
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction melt-in-lava --asset-tag T --serial S $OP \
	-o "$WORK/n3.json" 2> "$WORK/err"
grep -q "invalid --destruction 'melt-in-lava'" "$WORK/err" || fail "$(cat "$WORK/err")"
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction shred --asset-tag T --serial S $OP \
	"$WORK/g.json" -o "$WORK/n4.json" 2> /dev/null
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction shred --asset-tag "$(printf 'T\033[2J')" --serial S \
	$OP -o "$WORK/n5.json" 2> /dev/null
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction shred --asset-tag T --serial S \
	--evidence "$WORK/evidence" $OP -o "$WORK/n6.json" 2> "$WORK/err"
grep -q "evidence: not a regular file" "$WORK/err" || fail "$(cat "$WORK/err")"
# shellcheck disable=SC2086
expect_rc 2 "$KESU" cert issue --destruction shred --asset-tag T --serial S \
	--operator 'Someone Else' $OP -o "$WORK/n7.json" 2> /dev/null
for n in 1 2 3 4 5 6 7; do
	[ ! -e "$WORK/n$n.json" ] || fail "n$n.json written by a refused issue"
done
ok "refused: no asset tag or serial, an unknown technique, a report, control characters, a directory as evidence, another operator"

# a contractor's technician (Art. 5, 120-122): a key of role contractor signs
# as operator; kesu cert verify names the signer as a contractor
printf 'contractor-test-passphrase-7291\n' > "$WORK/ct.pass"
expect_rc 0 "$KESU" key generate --role contractor --name 'Yamada Taro' -o "$K/ct.key" \
	--passphrase-file "$WORK/ct.pass" > /dev/null 2>&1
grep -q "kesu role=contractor name=Yamada Taro" "$K/ct.key.pub" || fail "$(cat "$K/ct.key.pub")"
cp "$K/ct.key.pub" "$WORK/trust/"
expect_rc 0 "$KESU" cert issue --destruction disintegrate --asset-tag PC-0100 --serial SN100 \
	--sign-key "$K/ct.key" --passphrase-file "$WORK/ct.pass" -o "$WORK/ct.json" > /dev/null
minisign -Vm "$WORK/ct.json" -x "$WORK/ct.json.operator.minisig" -p "$K/ct.key.pub" > /dev/null ||
	fail "stock minisign rejects the contractor's signature"
expect_rc 0 "$KESU" cert verify --trust "$WORK/trust" "$WORK/ct.json" > "$WORK/out"
grep -q "valid: .*contractor Yamada Taro, not approved" "$WORK/out" || fail "$(cat "$WORK/out")"
expect_rc 0 "$KESU" cert verify --json --trust "$WORK/trust" "$WORK/ct.json" > "$WORK/out"
jq -e '.operator.contractor == true' "$WORK/out" > /dev/null || fail "$(cat "$WORK/out")"
# without the contractor's key in the store, the same certificate is untrusted
rm "$WORK/trust/ct.key.pub"
expect_rc 11 "$KESU" cert verify --trust "$WORK/trust" "$WORK/ct.json" > /dev/null
ok "a contractor's key signs as operator: stock minisign verifies, kesu says contractor; 11 when not trusted"
