#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu cert pdf, judged by tools that are not kesu: pdftotext finds the
# Japanese labels, the asset tag and the serial; pdffonts shows every font
# embedded; zbarimg reads the QR code back to the id and the hash; pdftoppm
# renders one A4 page with ink where the title and the QR code are;
# pdfdetach gives back the certificate and its signature byte for byte;
# pdfsig (an NSS database of the test CA) says valid and total, and catches
# a flipped byte, a truncated file and an update appended after signing, as
# kesu cert verify does; an attached certificate that is not the page's is
# refused; a failed erasure's page has the warning title and banner.
# --machine: two drives of one (faked) machine in one signed document with
# a summary page; a failed drive turns the summary's title; certificates of
# two machines are refused.
. "$(dirname "$0")/lib.sh"
set -e
for t in pdftotext pdffonts pdfdetach pdfsig pdftoppm pdfinfo zbarimg certutil jq python3; do
	command -v $t >/dev/null || skip "$t missing (poppler-utils, zbar-tools, libnss3-tools)"
done
fc-list 2>/dev/null | grep -q IPAexGothic || skip "IPAexGothic missing (fonts-ipaexfont-gothic)"

keys=${KESU_SRCDIR:?}/tests/data/keys pki=$KESU_SRCDIR/tests/data/pki
# under ASan: fontconfig keeps its configuration and caches for the life of the process
# (pango's default font map holds them), which LeakSanitizer reports at exit; only
# fontconfig's own allocations are suppressed, kesu's are still checked
printf 'leak:libfontconfig.so\n' > "$WORK/lsan.supp"
LSAN_OPTIONS="suppressions=$WORK/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
mkdir "$WORK/keys" "$WORK/trust"
cp "$keys/operator.key" "$keys/operator.key.pub" "$WORK/keys/"
# the operator who signs is the one the certificate names: the key in 佐藤's name
sed -i '1s/name=.*/name=佐藤 花子/' "$WORK/keys/operator.key.pub"
cp "$WORK/keys/operator.key.pub" "$WORK/trust/"
cp "$pki/operator.key" "$WORK/org.key"
chmod 600 "$WORK/keys/operator.key" "$WORK/org.key"
printf 'kesu-test-operator\n' > "$WORK/op.pass"

dev=$(mkloop $((4 * 1024 * 1024)))
r=$WORK/r.json c=$WORK/c.json
"$KESU" erase --yes --quiet --method zero --report "$r" --operator '佐藤 花子' \
	--asset-tag 'SRV-0117' --reason lease-return --lease-contract 'L-2026-0412' \
	--witness 'Suzuki Ichiro' --location 'Server room B' "$dev" 2>/dev/null ||
	fail "the erasure failed"
issue() {
	expect_rc 0 "$KESU" cert issue "$r" -o "$1" --sign-key "$WORK/keys/operator.key" \
		--passphrase-file "$WORK/op.pass" --organisation '総務部' --destination destruction \
		--manufacturer Samsung > /dev/null
}
issue "$c"
id=$(jq -r .id "$c") sha=$(sha256sum "$c" | cut -d' ' -f1)
serial=$(jq -r '.media.serial // empty' "$c")

# ---- the page ----
expect_rc 0 "$KESU" cert pdf "$c" --trust "$WORK/trust" -o "$WORK/c.pdf" > /dev/null
[ "$(pdfinfo "$WORK/c.pdf" | awk '/^Pages:/ {print $2}')" = 1 ] || fail "not one page"
pdfinfo "$WORK/c.pdf" | grep -q 'Page size: *595.28 x 841.89' || fail "not A4"
pdftotext "$WORK/c.pdf" "$WORK/c.txt"
for s in 記録媒体消去証明書 'Certificate of Media Sanitization' 資産番号 SRV-0117 消去方式 \
	作業者 立会人 承認者 'Suzuki Ichiro' 'L-2026-0412' 総務部 "$id" "$sha" 印 \
	'37D3B5FECEBC57E4' ${serial:+"$serial"}; do
	grep -qF -- "$s" "$WORK/c.txt" || fail "pdftotext: no '$s'"
done
grep -q 未完了 "$WORK/c.txt" && grep -q 'NOT ERASED' "$WORK/c.txt" && fail "a warning on a success"
pdffonts "$WORK/c.pdf" | tail -n +3 > "$WORK/fonts"
[ -s "$WORK/fonts" ] || fail "pdffonts lists no font"
grep -q IPAexGothic "$WORK/fonts" || fail "IPAexGothic not used"
awk '$(NF-4) != "yes" { exit 1 }' "$WORK/fonts" || fail "a font not embedded: $(cat "$WORK/fonts")"
ok "one A4 page: Japanese and English labels, asset tag, id, hash extractable; fonts embedded"

# English only: no Japanese title
expect_rc 0 "$KESU" cert pdf "$c" --lang en -o "$WORK/en.pdf" > /dev/null
pdftotext "$WORK/en.pdf" - | grep -q 'Asset number' || fail "--lang en: no English label"
pdftotext "$WORK/en.pdf" - | grep -q 記録媒体消去証明書 && fail "--lang en: a Japanese title"
ok "--lang en"

pdftoppm -r 150 -png "$WORK/c.pdf" "$WORK/page"
png=$WORK/page-1.png
zbarimg -q --raw "$png" 2>/dev/null > "$WORK/qr" || fail "zbarimg found no code"
grep -qF "id=$id;sha256=$sha;" "$WORK/qr" || fail "QR code: $(cat "$WORK/qr")"
python3 - "$png" <<'EOF' || fail "the rendered page"
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
w, h, depth, ctype = struct.unpack('>IIBB', d[16:26])
assert abs(w - 1240) <= 2 and abs(h - 1754) <= 2, (w, h)  # A4 at 150 dpi
assert depth == 8 and ctype == 2, (depth, ctype)  # RGB
raw, p = b'', 8
while p < len(d):
    n, t = struct.unpack('>I4s', d[p:p + 8])
    if t == b'IDAT':
        raw += d[p + 8:p + 8 + n]
    p += 12 + n
raw = zlib.decompress(raw)
stride = 1 + 3 * w
rows = [raw[y * stride + 1:(y + 1) * stride] for y in range(h)]  # filters ignored: ink stays ink
def ink(x0, y0, x1, y1):
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if rows[y][3 * x] < 128)
assert ink(1040, 80, 1160, 250) > 1000, 'no QR code at the top right'
assert ink(75, 150, 600, 230) > 500, 'no title at the top left'
EOF
ok "zbarimg reads the id and hash; the rendered page is A4 with ink at the QR code and title"

mkdir "$WORK/det"
pdfdetach -saveall -o "$WORK/det" "$WORK/c.pdf"
cmp "$WORK/det/c.json" "$c" || fail "pdfdetach: the certificate differs"
cmp "$WORK/det/c.json.operator.minisig" "$c.operator.minisig" || fail "pdfdetach: the signature differs"
ok "pdfdetach gives back the certificate and its signature byte for byte"

# ---- signed ----
mkdir "$WORK/nss"
certutil -N -d "$WORK/nss" --empty-password
certutil -A -d "$WORK/nss" -n ca -t 'CT,C,C' -i "$pki/ca.pem"
s=$WORK/s.pdf
expect_rc 0 "$KESU" cert pdf "$c" -o "$s" --sign-cert "$pki/operator.pem" --sign-key "$WORK/org.key" \
	> /dev/null
pdfsig -nssdir "$WORK/nss" "$s" > "$WORK/sig" 2>&1 || true
grep -q 'Signature is Valid' "$WORK/sig" || fail "pdfsig: $(cat "$WORK/sig")"
grep -q 'Total document signed' "$WORK/sig" || fail "pdfsig: not total: $(cat "$WORK/sig")"
grep -q 'ETSI.CAdES.detached' "$WORK/sig" || fail "pdfsig: not PAdES: $(cat "$WORK/sig")"
vf() { "$KESU" cert verify --trust "$WORK/trust" --trust-ca "$pki/ca.pem" "$@"; }
expect_rc 0 vf "$s" > "$WORK/v"
grep -qF "valid: certificate $id" "$WORK/v" || fail "cert verify: $(cat "$WORK/v")"
expect_rc 11 "$KESU" cert verify --trust "$WORK/trust" "$s" > /dev/null
expect_rc 10 vf "$WORK/c.pdf" > /dev/null
ok "signed: pdfsig valid and total (PAdES), kesu cert verify valid; unsigned or no CA refused"

# a flipped byte in the page's content
python3 - "$s" "$WORK/flip.pdf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[3000] ^= 1
open(sys.argv[2], 'wb').write(d)
EOF
pdfsig -nssdir "$WORK/nss" "$WORK/flip.pdf" 2>&1 | grep -q 'Digest Mismatch' || fail "pdfsig: flipped byte"
expect_rc 10 vf "$WORK/flip.pdf" > /dev/null
# a truncated file
head -c $(($(stat -c %s "$s") - 100)) "$s" > "$WORK/trunc.pdf"
pdfsig -nssdir "$WORK/nss" "$WORK/trunc.pdf" 2>&1 | grep -q 'Signature is Valid' &&
	fail "pdfsig: a truncated file is valid"
expect_rc 9 vf "$WORK/trunc.pdf" > /dev/null
# an incremental update after signing: a new page content would be shown, the signature still verifies
python3 - "$s" "$WORK/app.pdf" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
prev = int(re.findall(rb'startxref\s+(\d+)', d)[-1])
root = re.findall(rb'/Root (\d+) 0 R', d)[-1]
info = re.findall(rb'/Info (\d+) 0 R', d)[-1]
size = int(re.findall(rb'/Size (\d+)', d)[-1])
off = len(d)
obj = b'%d 0 obj\n<< /Forged true >>\nendobj\n' % size
xref = len(d) + len(obj)
d += obj + b'xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %s 0 R /Info %s 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' % (
    size, off, size + 1, root, info, prev, xref)
open(sys.argv[2], 'wb').write(d)
EOF
pdfsig -nssdir "$WORK/nss" "$WORK/app.pdf" 2>&1 | grep -q 'Not total document signed' ||
	fail "pdfsig: the appended update"
expect_rc 10 vf "$WORK/app.pdf" > "$WORK/v"
grep -q 'whole file' "$WORK/v" || fail "cert verify: $(cat "$WORK/v")"
ok "a flipped byte, a truncated file and an appended update: pdfsig and cert verify both refuse"

# another valid certificate attached than the page shows (a test hook plays the forger)
issue "$WORK/c2.json"
KESU_TEST_PDF_ATTACH=$WORK/c2.json expect_rc 0 "$KESU" cert pdf "$c" -o "$WORK/swap.pdf" \
	--sign-cert "$pki/operator.pem" --sign-key "$WORK/org.key" > /dev/null
pdfsig -nssdir "$WORK/nss" "$WORK/swap.pdf" 2>&1 | grep -q 'Signature is Valid' ||
	fail "the swapped PDF is not validly signed: the test proves nothing"
expect_rc 0 vf "$WORK/c2.json" > /dev/null
expect_rc 9 vf "$WORK/swap.pdf" > "$WORK/v"
grep -q 'not the one the page shows' "$WORK/v" || fail "cert verify: $(cat "$WORK/v")"
ok "a signed PDF whose attached certificate is another valid one: refused (9)"

# ---- a batch: --output-dir, one signed PDF per certificate in one process ----
mkdir "$WORK/batch" "$WORK/b2"
expect_rc 0 "$KESU" cert pdf --output-dir "$WORK/batch" "$c" "$WORK/c2.json" \
	--sign-cert "$pki/operator.pem" --sign-key "$WORK/org.key" > "$WORK/bout"
[ "$(wc -l < "$WORK/bout")" = 2 ] || fail "--output-dir: $(cat "$WORK/bout")"
for n in c c2; do
	pdfsig -nssdir "$WORK/nss" "$WORK/batch/$n.pdf" > "$WORK/sig" 2>&1 || true
	grep -q 'Signature is Valid' "$WORK/sig" && grep -q 'Total document signed' "$WORK/sig" ||
		fail "--output-dir: $n.pdf: $(cat "$WORK/sig")"
	mkdir "$WORK/bdet-$n"
	pdfdetach -saveall -o "$WORK/bdet-$n" "$WORK/batch/$n.pdf"
	cmp "$WORK/bdet-$n/$n.json" "$WORK/$n.json" || fail "--output-dir: $n.pdf: another certificate"
	expect_rc 0 vf "$WORK/batch/$n.pdf" > /dev/null
done
id2=$(jq -r .id "$WORK/c2.json")
pdftotext "$WORK/batch/c2.pdf" - | grep -qF "$id2" || fail "--output-dir: c2.pdf shows another id"
cp "$WORK/c2.json" "$WORK/b2/c.json"
expect_rc 2 "$KESU" cert pdf --output-dir "$WORK/b2" "$c" "$WORK/b2/c.json" 2> "$WORK/err"
grep -q 'would both make it' "$WORK/err" || fail "--output-dir: one name twice: $(cat "$WORK/err")"
[ ! -e "$WORK/b2/c.pdf" ] || fail "--output-dir: a PDF made before the names were checked"
expect_rc 2 "$KESU" cert pdf --output-dir "$WORK/b2" -o "$WORK/b2/x.pdf" "$c" 2>/dev/null
expect_rc 2 "$KESU" cert pdf --output-dir "$WORK/b2" --machine "$c" 2>/dev/null
ok "--output-dir: each certificate's own signed PDF (pdfsig, pdfdetach); one name twice, -o, --machine refused (2)"

# ---- a failed erasure ----
dev2=$(mkloop $((4 * 1024 * 1024)))
KESU_TEST_CORRUPT_AFTER_WRITE=4096 "$KESU" erase --yes --quiet --method zero \
	--cert "$WORK/f.json" --sign-key "$WORK/keys/operator.key" --passphrase-file "$WORK/op.pass" \
	"$dev2" 2>/dev/null && fail "a corrupted erase succeeded"
expect_rc 0 "$KESU" cert pdf "$WORK/f.json" -o "$WORK/f.pdf" > /dev/null
pdftotext "$WORK/f.pdf" "$WORK/f.txt"
grep -q '消去未完了' "$WORK/f.txt" && grep -q 'NOT ERASED' "$WORK/f.txt" || fail "no banner"
grep -q 記録媒体消去証明書 "$WORK/f.txt" && fail "a failed erasure under the certificate's title"
grep -q 'Certificate of Media Sanitization' "$WORK/f.txt" && fail "a failed erasure, English title"
ok "a failed erasure: the warning title and the NOT ERASED banner, never the certificate's title"

# ---- refusals ----
expect_rc 9 "$KESU" cert pdf "$r" -o "$WORK/x.pdf" 2>/dev/null
expect_rc 2 "$KESU" cert pdf "$c" --lang fr 2>/dev/null
expect_rc 2 "$KESU" cert pdf "$c" --sign-key "$WORK/org.key" 2>/dev/null
"$KESU" cert pdf "$c" -o "$WORK/c.pdf" 2>/dev/null && fail "an existing PDF replaced without --force"
[ ! -e "$WORK/x.pdf" ] || fail "a PDF of a report"
ok "a report (9), a bad --lang, --sign-key without --sign-cert (2), an existing output"

# ---- one machine, several drives (--machine) ----
# the machine's DMI data as /sys/class/dmi/id would give it (a test hook moves that directory)
fakedmi() {
	mkdir -p "$1/class/dmi/id"
	printf 'FUJITSU CLIENT COMPUTING\n' > "$1/class/dmi/id/sys_vendor"
	printf 'ESPRIMO D588\n' > "$1/class/dmi/id/product_name"
	printf '%s\n' "$2" > "$1/class/dmi/id/product_serial"
	printf '%s\n' "$3" > "$1/class/dmi/id/product_uuid"
}
fakedmi "$WORK/dmiA" YLAN012345 4c4c4544-0031-3510-8052-b4c04f4e3732
fakedmi "$WORK/dmiB" YLAN099999 4c4c4544-0031-3510-8052-b4c04f4e9999
mkdir "$WORK/m"
merase() { # DMI-ROOT CERT [ERASE-ENV]
	KESU_TEST_DMI_ROOT=$1 "$KESU" erase --yes --quiet --method zero --asset-tag PC-0042 \
		--operator '佐藤 花子' --cert "$2" --sign-key "$WORK/keys/operator.key" \
		--passphrase-file "$WORK/op.pass" "$(mkloop $((4 * 1024 * 1024)))" 2>/dev/null
}
merase "$WORK/dmiA" "$WORK/m/d1.json" || fail "drive 1: the erasure failed"
merase "$WORK/dmiA" "$WORK/m/d2.json" || fail "drive 2: the erasure failed"
for i in 1 2; do
	jq -e '.machine == {manufacturer: "FUJITSU CLIENT COMPUTING", product: "ESPRIMO D588",
		serial: "YLAN012345", uuid: "4c4c4544-0031-3510-8052-b4c04f4e3732"}' \
		"$WORK/m/d$i.json" > /dev/null || fail "d$i.json: machine $(jq -c .machine "$WORK/m/d$i.json")"
done
ok "erase --cert records the machine's DMI data in the certificate"

mp=$WORK/m/machine.pdf
expect_rc 0 "$KESU" cert pdf --machine "$WORK/m/d1.json" "$WORK/m/d2.json" -o "$mp" \
	--sign-cert "$pki/operator.pem" --sign-key "$WORK/org.key" > /dev/null
[ "$(pdfinfo "$mp" | awk '/^Pages:/ {print $2}')" = 3 ] || fail "--machine: not three pages"
pdftotext -f 1 -l 1 "$mp" "$WORK/m/p1.txt"
for s in YLAN012345 4c4c4544-0031-3510-8052-b4c04f4e3732 'ESPRIMO D588' PC-0042 \
	"$(jq -r .id "$WORK/m/d1.json")" "$(jq -r .id "$WORK/m/d2.json")" 全記録媒体消去済み \
	記録媒体消去証明書; do
	grep -qF -- "$s" "$WORK/m/p1.txt" || fail "summary page: no '$s'"
done
for i in 1 2; do
	sr=$(jq -r '.media.serial // empty' "$WORK/m/d$i.json")
	[ -z "$sr" ] || grep -qF -- "$sr" "$WORK/m/p1.txt" || fail "summary page: no drive serial $sr"
done
grep -q 'NOT ERASED' "$WORK/m/p1.txt" && fail "--machine: a warning on a success"
pdftotext -f 3 -l 3 "$mp" - | grep -qF "$(jq -r .id "$WORK/m/d2.json")" ||
	fail "--machine: page 3 is not the second certificate's"
mkdir "$WORK/m/det"
pdfdetach -saveall -o "$WORK/m/det" "$mp"
for f in d1.json d1.json.operator.minisig d2.json d2.json.operator.minisig; do
	cmp "$WORK/m/det/$f" "$WORK/m/$f" || fail "pdfdetach: $f differs"
done
[ "$(ls "$WORK/m/det" | wc -l)" = 4 ] || fail "pdfdetach: $(ls "$WORK/m/det")"
pdfsig -nssdir "$WORK/nss" "$mp" > "$WORK/sig" 2>&1 || true
grep -q 'Signature is Valid' "$WORK/sig" || fail "--machine pdfsig: $(cat "$WORK/sig")"
grep -q 'Total document signed' "$WORK/sig" || fail "--machine pdfsig: not total: $(cat "$WORK/sig")"
ok "--machine: a summary page with the machine's serial, UUID and each drive, one page per" \
	"certificate, all attached byte for byte, pdfsig valid and total"

# kesu cert verify of a machine's document: the document, then each attached certificate
expect_rc 0 vf "$mp" > "$WORK/v"
[ "$(grep -c ': valid: ' "$WORK/v")" = 3 ] || fail "verify --machine: $(cat "$WORK/v")"
grep -qF "$mp: valid: a machine's document, 2 certificates" "$WORK/v" &&
	grep -qF "$mp: d2.json: valid: certificate $(jq -r .id "$WORK/m/d2.json")" "$WORK/v" ||
	fail "verify --machine: $(cat "$WORK/v")"
# an attached certificate whose signature is not its own (d1's beside d2): the PDF is
# validly signed, the certificate is not
mkdir "$WORK/m/t"
cp "$WORK/m/d1.json" "$WORK/m/d1.json.operator.minisig" "$WORK/m/d2.json" "$WORK/m/t/"
cp "$WORK/m/d1.json.operator.minisig" "$WORK/m/t/d2.json.operator.minisig"
expect_rc 0 "$KESU" cert pdf --machine "$WORK/m/t/d1.json" "$WORK/m/t/d2.json" \
	-o "$WORK/m/t/bad.pdf" --sign-cert "$pki/operator.pem" --sign-key "$WORK/org.key" > /dev/null
pdfsig -nssdir "$WORK/nss" "$WORK/m/t/bad.pdf" 2>&1 | grep -q 'Signature is Valid' ||
	fail "the machine's PDF with a wrong signature file is not validly signed: the test proves nothing"
expect_rc 10 vf "$WORK/m/t/bad.pdf" > "$WORK/v"
grep -q ': d1.json: valid: ' "$WORK/v" && grep -q ': d2.json: bad-signature: ' "$WORK/v" ||
	fail "verify --machine, a wrong signature file: $(cat "$WORK/v")"
# another valid certificate attached than the summary lists (a test hook plays the forger)
KESU_TEST_PDF_ATTACH=$c expect_rc 0 "$KESU" cert pdf --machine "$WORK/m/d1.json" \
	"$WORK/m/d2.json" -o "$WORK/m/forged.pdf" --sign-cert "$pki/operator.pem" \
	--sign-key "$WORK/org.key" > /dev/null
pdfsig -nssdir "$WORK/nss" "$WORK/m/forged.pdf" 2>&1 | grep -q 'Signature is Valid' ||
	fail "the forged machine's PDF is not validly signed: the test proves nothing"
expect_rc 9 vf "$WORK/m/forged.pdf" > "$WORK/v"
grep -q 'not the one the summary lists' "$WORK/v" || fail "verify --machine forged: $(cat "$WORK/v")"
# a flipped byte in an attachment: the PDF's signature
python3 - "$mp" "$WORK/m/flip.pdf" "$(jq -r .id "$WORK/m/d2.json")" <<'EOF2'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(sys.argv[3].encode())
d[i] ^= 1
open(sys.argv[2], 'wb').write(d)
EOF2
expect_rc 10 vf "$WORK/m/flip.pdf" > /dev/null
ok "verify --machine: the document and each certificate; a wrong signature file (10), a" \
	"certificate the summary does not list (9), a changed attachment (10) caught"

# one drive not erased: the summary is not a certificate
KESU_TEST_CORRUPT_AFTER_WRITE=4096 merase "$WORK/dmiA" "$WORK/m/d3.json" &&
	fail "a corrupted erase succeeded"
expect_rc 0 "$KESU" cert pdf --machine "$WORK/m/d1.json" "$WORK/m/d3.json" \
	-o "$WORK/m/failed.pdf" > /dev/null
pdftotext -f 1 -l 1 "$WORK/m/failed.pdf" "$WORK/m/f1.txt"
grep -q '消去未完了' "$WORK/m/f1.txt" && grep -q 'NOT ERASED' "$WORK/m/f1.txt" ||
	fail "--machine with a failed drive: no banner"
grep -q '記録媒体消去記録(未完了)' "$WORK/m/f1.txt" || fail "--machine: not the failed title"
grep -q 記録媒体消去証明書 "$WORK/m/f1.txt" && fail "--machine: a failed drive under the title"
grep -q 全記録媒体消去済み "$WORK/m/f1.txt" && fail "--machine: erased with a failed drive"
grep -q 'not every medium erased (1/2)' "$WORK/m/f1.txt" || fail "--machine: overall result"
ok "--machine with one failed drive: the unfinished title and the NOT ERASED banner"

# another machine's certificate, and a certificate without DMI from another host
merase "$WORK/dmiB" "$WORK/m/other.json" || fail "the other machine's erasure failed"
expect_rc 3 "$KESU" cert pdf --machine "$WORK/m/d1.json" "$WORK/m/other.json" \
	-o "$WORK/m/x.pdf" 2> "$WORK/err"
grep -q 'not of the machine' "$WORK/err" && grep -q b4c04f4e9999 "$WORK/err" ||
	fail "two machines: $(cat "$WORK/err")"
jq 'del(.machine) | .host = "elsewhere"' "$c" > "$WORK/m/nodmi.json"
jq 'del(.machine)' "$c" > "$WORK/m/nodmi2.json"
expect_rc 3 "$KESU" cert pdf --machine "$WORK/m/nodmi2.json" "$WORK/m/nodmi.json" \
	-o "$WORK/m/x.pdf" 2> "$WORK/err"
grep -q 'hosts' "$WORK/err" || fail "two hosts: $(cat "$WORK/err")"
[ ! -e "$WORK/m/x.pdf" ] || fail "a PDF of two machines"
ok "certificates of two machines refused (DMI serial and UUID; host names without DMI)"
