#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu cert pdf --machine SUMMARY.json: a machine summary made the way the
# station makes it (kesu station --auto --once on two loop devices, the
# machine's DMI data faked), then its PDF, judged by tools that are not
# kesu: pdfsig valid and total, pdftotext shows the machine's serial, UUID,
# maker, model and asset tag and the result, pdfdetach gives back the
# summary and its signature byte for byte; kesu cert verify of the PDF
# checks the attached summary with the certificates; a listed certificate
# missing, one named that the summary does not list, and a document whose
# summary is another machine's are refused; a machine whose drives failed
# gets the NOT ERASED banner. Each certificate page's text is compared field
# by field with the certificate (jq): id, serial, model, method, result,
# times and the signers' names, so a page that drew another value fails.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
for t in pdftotext pdfdetach pdfsig pdfinfo certutil jq; do
	command -v $t >/dev/null || skip "$t missing (poppler-utils, libnss3-tools, jq)"
done
fc-list 2>/dev/null | grep -q IPAexGothic || skip "IPAexGothic missing (fonts-ipaexfont-gothic)"

keys=${KESU_SRCDIR:?}/tests/data/keys pki=$KESU_SRCDIR/tests/data/pki
# under ASan: fontconfig's own caches live as long as the process (see cert-pdf.sh)
printf 'leak:libfontconfig.so\n' > "$WORK/lsan.supp"
LSAN_OPTIONS="suppressions=$WORK/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
MiB=1048576
mkdir "$WORK/keys" "$WORK/trust" "$WORK/notrust"
cp "$keys/operator.key" "$keys/operator.key.pub" "$WORK/keys/"
cp "$keys/operator.key.pub" "$WORK/trust/"
cp "$pki/operator.key" "$WORK/org.key"
chmod 600 "$WORK/keys/operator.key" "$WORK/org.key"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
cat > "$WORK/kesu.conf" <<CONF
[trust]
dir = $WORK/trust
CONF
chmod 600 "$WORK/kesu.conf"
export KESU_CONFIG="$WORK/kesu.conf"
mkdir "$WORK/nss"
certutil -N -d "$WORK/nss" --empty-password
certutil -A -d "$WORK/nss" -n ca -t 'CT,C,C' -i "$pki/ca.pem"

# the machine's DMI data as /sys/class/dmi/id would give it (a test hook moves that directory)
dmi=$WORK/dmi/class/dmi/id
mkdir -p "$dmi"
printf 'FUJITSU CLIENT COMPUTING\n' > "$dmi/sys_vendor"
printf 'ESPRIMO D588\n' > "$dmi/product_name"
printf 'YLAN012345\n' > "$dmi/product_serial"
printf '4c4c4544-0031-3510-8052-b4c04f4e3732\n' > "$dmi/product_uuid"
printf 'PC-0042\n' > "$dmi/chassis_asset_tag"
export KESU_TEST_DMI_ROOT=$WORK/dmi

# station OUTDIR DEVICE...: erase them as the station does unattended; prints the summary
station() {
	out=$1
	shift
	mkdir "$out"
	"$KESU" station --auto --once --no-tui --countdown 0 --method zero \
		--sign-key "$WORK/keys/operator.key" --passphrase-file "$WORK/op.pass" \
		--output-dir "$out" "$@" > "$out.lines" 2>&1 < /dev/null || true
	ls "$out"/*/machine-*.json 2>/dev/null | head -1
}
sum=$(station "$WORK/st" "$(mkloop $((8 * MiB)))" "$(mkloop $((8 * MiB)))")
[ -n "$sum" ] || fail "the station wrote no summary: $(cat "$WORK/st.lines")"
mdir=$(dirname "$sum")
[ "$(jq -r .result "$sum")" = erased ] && [ "$(jq '.drives | length' "$sum")" = 2 ] ||
	fail "the summary: $(cat "$sum")"
[ "$(jq -r .machine.serial "$sum")" = YLAN012345 ] || fail "no DMI in the summary: $(cat "$sum")"
expect_rc 0 "$KESU" cert verify "$sum" > /dev/null
ok "the station's summary of two drives, with the machine's DMI data"

vf() { "$KESU" cert verify --trust-ca "$pki/ca.pem" "$@"; }
sign="--sign-cert $pki/operator.pem --sign-key $WORK/org.key"
mp=$WORK/m.pdf
# shellcheck disable=SC2086
expect_rc 0 "$KESU" cert pdf --machine "$sum" -o "$mp" $sign > "$WORK/out"
grep -qF "machine summary $(jq -r .id "$sum"), 2 certificates, signed (PAdES)" "$WORK/out" ||
	fail "cert pdf: $(cat "$WORK/out")"
pdfsig -nssdir "$WORK/nss" "$mp" > "$WORK/sig" 2>&1 || true
grep -q 'Signature is Valid' "$WORK/sig" && grep -q 'Total document signed' "$WORK/sig" ||
	fail "pdfsig: $(cat "$WORK/sig")"
[ "$(pdfinfo "$mp" | awk '/^Pages:/ {print $2}')" = 3 ] || fail "not a summary and two pages"
pdftotext -layout -f 1 -l 1 "$mp" "$WORK/p1.txt"
for s in YLAN012345 4c4c4544-0031-3510-8052-b4c04f4e3732 'FUJITSU CLIENT COMPUTING' \
	'ESPRIMO D588' PC-0042 "$(jq -r .id "$sum")" 全記録媒体消去済み 'every medium erased' \
	'記録媒体消去証明書(機器単位)'; do
	grep -qF -- "$s" "$WORK/p1.txt" || fail "summary page: no '$s'"
done
# each drive's row: the summary's certificate id, its result
for i in 0 1; do
	grep -E "^ *$((i + 1)) .* 成功 +$(jq -r ".drives[$i].certificate" "$sum")\$" "$WORK/p1.txt" \
		> /dev/null || fail "summary page: drive $((i + 1)): $(cat "$WORK/p1.txt")"
done
grep -q 'NOT ERASED' "$WORK/p1.txt" && fail "a warning on an erased machine"
grep -qE '^ *(氏名 / )?Name: Test Operator' "$WORK/p1.txt" ||
	fail "summary page: the summary's signer"
mkdir "$WORK/det"
pdfdetach -list "$mp" | grep -qF "$(basename "$sum")" || fail "pdfdetach lists no summary"
pdfdetach -saveall -o "$WORK/det" "$mp"
cmp "$WORK/det/$(basename "$sum")" "$sum" || fail "pdfdetach: the summary differs"
cmp "$WORK/det/$(basename "$sum").minisig" "$sum.minisig" || fail "pdfdetach: its signature"
for c in $(jq -r '.drives[].certificate' "$sum"); do
	f=$(grep -l "\"id\":\"$c\"" "$mdir"/loop*.json)
	cmp "$WORK/det/$(basename "$f")" "$f" || fail "pdfdetach: $f differs"
done
# what pdfdetach gives back verifies as the station's files do
expect_rc 0 "$KESU" cert verify --dir "$WORK/det" "$WORK/det/$(basename "$sum")" > /dev/null
ok "the summary's PDF: pdfsig valid and total; the machine's serial, UUID, maker, model," \
	"asset tag and result on the summary page; pdfdetach gives back the summary and its signature"

expect_rc 0 vf "$mp" > "$WORK/v"
grep -qF "$mp: $(basename "$sum"): valid: machine summary $(jq -r .id "$sum"), serial YLAN012345" \
	"$WORK/v" || fail "cert verify: no line for the summary: $(cat "$WORK/v")"
[ "$(grep -c ': valid: certificate ' "$WORK/v")" = 2 ] || fail "cert verify: $(cat "$WORK/v")"
expect_rc 11 "$KESU" cert verify --trust "$WORK/notrust" --trust-ca "$pki/ca.pem" "$mp" \
	> "$WORK/v"
grep -qF "$(basename "$sum"): untrusted" "$WORK/v" || fail "an untrusted summary: $(cat "$WORK/v")"
ok "kesu cert verify of the PDF: the attached summary, then each certificate; untrusted (11)"

# the certificates named instead of found
set -- $(for c in $(jq -r '.drives[].certificate' "$sum"); do
	grep -l "\"id\":\"$c\"" "$mdir"/loop*.json
done)
# shellcheck disable=SC2086
expect_rc 0 "$KESU" cert pdf --machine "$sum" "$@" -o "$WORK/named.pdf" $sign > /dev/null
expect_rc 0 vf "$WORK/named.pdf" > /dev/null
# one of them named, the other not: missing (1); one more named than it lists: refused (3)
expect_rc 1 "$KESU" cert pdf --machine "$sum" "$1" -o "$WORK/x.pdf" 2> "$WORK/err"
grep -qF "certificate $(jq -r .id "$2"): not found" "$WORK/err" || fail "one named: $(cat "$WORK/err")"
expect_rc 3 "$KESU" cert pdf --machine "$sum" "$@" "$1" -o "$WORK/x.pdf" 2> "$WORK/err"
grep -q '3 certificates named, the summary lists 2' "$WORK/err" || fail "three: $(cat "$WORK/err")"
[ ! -e "$WORK/x.pdf" ] || fail "a PDF made of the wrong certificates"
ok "the summary's certificates named on the command line; one missing (1), one extra (3)"

# a listed certificate missing: refused, nothing made
mkdir "$WORK/half"
cp "$sum" "$sum.minisig" "$1" "$1.operator.minisig" "$WORK/half/"
hs=$WORK/half/$(basename "$sum")
gone=$(jq -r .id "$2")
set +e
"$KESU" cert pdf --machine "$hs" -o "$WORK/half.pdf" > /dev/null 2> "$WORK/err"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a summary with a certificate missing made a PDF"
grep -qF "certificate $gone: not found" "$WORK/err" || fail "missing: $(cat "$WORK/err")"
[ ! -e "$WORK/half.pdf" ] || fail "a PDF with a certificate missing"
# --dir names where they are
expect_rc 0 "$KESU" cert pdf --machine "$hs" --dir "$mdir" -o "$WORK/half.pdf" > /dev/null
# a summary that does not verify
expect_rc 11 "$KESU" cert pdf --machine "$sum" --trust "$WORK/notrust" -o "$WORK/x.pdf" 2>/dev/null
cp "$sum" "$WORK/half/forged.json"
sed -i 's|"result":"success"|"result":"failed"|' "$WORK/half/forged.json"
jq -e '.drives | map(.result) | index("failed")' "$WORK/half/forged.json" > /dev/null ||
	fail "the forgery changed nothing"
cp "$sum.minisig" "$WORK/half/forged.json.minisig"
expect_rc 10 "$KESU" cert pdf --machine "$WORK/half/forged.json" --dir "$mdir" \
	-o "$WORK/x.pdf" 2>/dev/null
[ ! -e "$WORK/x.pdf" ] || fail "a PDF of a summary that does not verify"
ok "a listed certificate missing (1), an untrusted (11) or forged (10) summary: refused"

# another machine's validly signed summary put in the document with these certificates (a
# test hook plays the forger): the PDF's signature holds, the summary does not list them
other=$(station "$WORK/st2" "$(mkloop $((8 * MiB)))")
[ -n "$other" ] || fail "the second station run: $(cat "$WORK/st2.lines")"
# shellcheck disable=SC2086
KESU_TEST_PDF_SUMMARY=$other expect_rc 0 "$KESU" cert pdf --machine "$sum" \
	-o "$WORK/forged.pdf" $sign > /dev/null
pdfsig -nssdir "$WORK/nss" "$WORK/forged.pdf" 2>&1 | grep -q 'Signature is Valid' ||
	fail "the forged PDF is not validly signed: the test proves nothing"
expect_rc 9 vf "$WORK/forged.pdf" > "$WORK/v"
grep -q "the summary's certificate .* is not attached once" "$WORK/v" ||
	fail "verify, another summary: $(cat "$WORK/v")"
ok "a signed PDF whose summary lists other certificates than those attached: refused (9)"

# a machine whose drives were not erased: the red banner, never the certificate's title
bad=$(KESU_TEST_CORRUPT_AFTER_WRITE=4096 station "$WORK/st3" "$(mkloop $((8 * MiB)))")
[ -n "$bad" ] || fail "the failing station run: $(cat "$WORK/st3.lines")"
[ "$(jq -r .result "$bad")" = "not erased" ] || fail "not a failed summary: $(cat "$bad")"
# shellcheck disable=SC2086
expect_rc 0 "$KESU" cert pdf --machine "$bad" -o "$WORK/bad.pdf" $sign > "$WORK/out"
grep -q 'NOT ERASED' "$WORK/out" || fail "cert pdf: $(cat "$WORK/out")"
pdftotext -f 1 -l 1 "$WORK/bad.pdf" "$WORK/b1.txt"
grep -q '消去未完了' "$WORK/b1.txt" && grep -q 'NOT ERASED' "$WORK/b1.txt" || fail "no banner"
grep -q '記録媒体消去記録(未完了)' "$WORK/b1.txt" || fail "not the unfinished title"
grep -q '記録媒体消去証明書' "$WORK/b1.txt" && fail "a failed machine under the certificate's title"
grep -q 'not every medium erased (1/1)' "$WORK/b1.txt" || fail "overall result: $(cat "$WORK/b1.txt")"
expect_rc 13 vf "$WORK/bad.pdf" > "$WORK/v"
grep -qF "$(basename "$bad"): not-erased" "$WORK/v" || fail "verify: $(cat "$WORK/v")"
ok "a machine not erased: the unfinished title, the NOT ERASED banner; cert verify says so (13)"

# ---- each page against its certificate, field by field ----
# page_matches PDF PAGE CERT: the page (English) shows the certificate's values exactly;
# otherwise 1 and $why says which differs
page_matches() {
	pdftotext -layout -f "$2" -l "$2" "$1" "$WORK/page.txt"
	why="$1 page $2: not certificate $(jq -r .id "$3")"
	grep -qxF "Certificate ID: $(jq -r .id "$3")" "$WORK/page.txt" || return 1
	for f in 'Serial number=.media.serial' 'Model=.media.model' \
		'Method=.sanitization.method' 'Result=.result' 'Started=.started' \
		'Finished=.finished' 'Operator=.operator.name' 'Witness=.witness.name'; do
		label=${f%%=*}
		want=$(jq -r "${f#*=} // \"—\"" "$3")
		got=$(sed -n "s/^$label  *//p" "$WORK/page.txt" | sed 's/ *$//')
		why="$1 page $2: $label '$got', the certificate '$want'"
		[ "$got" = "$want" ] || return 1
	done
	# the signature blocks: operator, witness, approver side by side
	got=$(sed -n 's/^ *Name: //p' "$WORK/page.txt" | head -1 | sed 's/  .*//')
	why="$1 page $2: the operator's block names '$got'"
	[ "$got" = "$(jq -r .operator.name "$3")" ]
}
# shellcheck disable=SC2086
expect_rc 0 "$KESU" cert pdf --machine "$sum" --lang en -o "$WORK/en.pdf" $sign > /dev/null
p=2
for c in $(jq -r '.drives[].certificate' "$sum"); do
	page_matches "$WORK/en.pdf" $p "$(grep -l "\"id\":\"$c\"" "$mdir"/loop*.json)" || fail "$why"
	p=$((p + 1))
done
# a drive with a serial and a model, as a real one reports them (a space kept, a long model)
rep=$(grep -l '"format": "kesu-report/1"' "$mdir"/loop*.json | head -1)
jq '.device.serial = "S4EV NX0R 123456" | .device.model = "Samsung SSD 870 EVO 1TB"' "$rep" \
	> "$WORK/r2.json"
expect_rc 0 "$KESU" cert issue "$WORK/r2.json" -o "$WORK/c2.json" \
	--sign-key "$WORK/keys/operator.key" --passphrase-file "$WORK/op.pass" > /dev/null
[ "$(jq -r .media.serial "$WORK/c2.json")" = "S4EV NX0R 123456" ] || fail "cert issue: serial"
expect_rc 0 "$KESU" cert pdf "$WORK/c2.json" --lang en -o "$WORK/c2.pdf" > /dev/null
page_matches "$WORK/c2.pdf" 1 "$WORK/c2.json" || fail "$why"
# the check itself: a page of another certificate does not pass for this one
page_matches "$WORK/en.pdf" 2 "$WORK/c2.json" && fail "page_matches took another certificate's page"
ok "each page shows its certificate's id, serial, model, method, result, times and signers" \
	"exactly (jq, field by field)"
