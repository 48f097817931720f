#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase --method luks-crypto-erase on a LUKS2 image file and a LUKS1
# loop device, both made by stock cryptsetup: afterwards stock cryptsetup
# isLuks fails and no passphrase opens it; compared with a copy taken
# before (od, one line per 4 KiB block), every block of the old header and
# keyslot area reads as zeros and none that held anything is unchanged,
# while the encrypted data area after the data offset is left as it was.
# A device without a LUKS header is refused and not written. With --cert:
# a certificate (purge, crypto-erase) that kesu cert verify and stock
# minisign accept; a --cert precondition that fails leaves the header.
. "$(dirname "$0")/lib.sh"
set -e
command -v cryptsetup >/dev/null || skip "cryptsetup missing (apt-get install cryptsetup-bin)"
command -v jq >/dev/null || skip "jq missing"

MiB=1048576

# blocks FILE LEN: one line of hex per 4 KiB block of FILE's first LEN bytes
blocks() { head -c "$2" "$1" | od -An -v -w4096 -tx1 | tr -d ' '; }

# check_erased NAME BEFORE AFTER: the header area (up to data offset OFF) of
# AFTER is all zeros, and no block that held anything in BEFORE survives;
# the rest is unchanged
check_erased() {
	blocks "$2" "$off" > "$WORK/b.hex"
	blocks "$3" "$off" > "$WORK/a.hex"
	[ "$(wc -l < "$WORK/a.hex")" -eq $((off / 4096)) ] || fail "$1: od block count"
	res=$(awk 'NR == FNR { b[FNR] = $0; next }
		{ z = ($0 ~ /^0*$/); bz = (b[FNR] ~ /^0*$/)
		  if (!z) nz++; if (!bz && b[FNR] == $0) same++; if (!bz) held++ }
		END { printf "%d %d %d", nz, same, held }' "$WORK/b.hex" "$WORK/a.hex")
	set -- "$1" $res
	[ "$2" -eq 0 ] || fail "$1: $2 block(s) of the header area are not zero"
	[ "$3" -eq 0 ] || fail "$1: $3 block(s) of the old header area survive unchanged"
	[ "$4" -gt 0 ] || fail "$1: the header area held nothing before: the check proves nothing"
}

# --- LUKS2 image file with two keyslots ---------------------------------------
img=$WORK/luks2.img
head -c $((24 * MiB)) /dev/urandom > "$img"
printf 'one' | cryptsetup luksFormat -q --type luks2 --pbkdf argon2id --pbkdf-memory 32 \
	--pbkdf-force-iterations 4 --pbkdf-parallel 1 "$img" -
printf 'one' > "$WORK/k1"
printf 'two' | cryptsetup luksAddKey -q --key-file "$WORK/k1" --pbkdf argon2id \
	--pbkdf-memory 32 --pbkdf-force-iterations 4 --pbkdf-parallel 1 "$img" -
off=$(cryptsetup luksDump "$img" | sed -n 's/^[[:space:]]*offset: \([0-9]*\) \[bytes\]/\1/p')
[ "$off" -gt 0 ] || fail "no data offset in luksDump"
cp "$img" "$WORK/luks2.orig"
expect_rc 0 "$KESU" erase --method luks-crypto-erase --yes --quiet --report "$WORK/r.json" \
	"$img" 2> "$WORK/err"
cryptsetup isLuks "$img" && fail "luks2: stock cryptsetup still finds a LUKS header"
printf 'one' | cryptsetup open --test-passphrase "$img" --key-file - 2> /dev/null &&
	fail "luks2: the passphrase still opens it"
check_erased luks2 "$WORK/luks2.orig" "$img"
cmp -s -i "$off:$off" "$img" "$WORK/luks2.orig" || fail "luks2: the data area changed"
[ "$(jqf "$WORK/r.json" .result)" = success ] || fail "luks2: report result"
[ "$(jqf "$WORK/r.json" .method.category)" = purge ] || fail "luks2: category"
[ "$(jqf "$WORK/r.json" .method.technique)" = keyslot-destroy ] || fail "luks2: technique"
ok "LUKS2 image: header area zero, no old block left, isLuks fails"

# --- LUKS1 on a loop device (O_DIRECT reads, the device held O_EXCL) ---------------
dev=$(mkloop $((8 * MiB)))
printf 'x' | cryptsetup luksFormat -q --type luks1 --pbkdf pbkdf2 --iter-time 1 "$dev" -
off=$(($(cryptsetup luksDump "$dev" | sed -n 's/^Payload offset:[[:space:]]*//p') * 512))
[ "$off" -gt 0 ] || fail "luks1: no payload offset"
dd if="$dev" of="$WORK/luks1.orig" bs=1M iflag=direct status=none
expect_rc 0 "$KESU" erase --method luks-crypto-erase --yes --quiet "$dev" 2> "$WORK/err"
cryptsetup isLuks "$dev" && fail "luks1: stock cryptsetup still finds a LUKS header"
dd if="$dev" of="$WORK/luks1.after" bs=1M iflag=direct status=none
check_erased luks1 "$WORK/luks1.orig" "$WORK/luks1.after"
cmp -s -i "$off:$off" "$WORK/luks1.after" "$WORK/luks1.orig" || fail "luks1: the data area changed"
ok "LUKS1 loop device: header area zero, no old block left, isLuks fails"

# --- not LUKS: refused, nothing written -------------------------------------------
plain=$WORK/plain.img
head -c $((4 * MiB)) /dev/urandom > "$plain"
before=$(sha256sum < "$plain")
set +e
"$KESU" erase --method luks-crypto-erase --yes --quiet "$plain" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 3 ] || fail "a device without LUKS header: exit $rc, expected 3 (refused)"
grep -q "not a LUKS device" "$WORK/err" || fail "no reason: $(cat "$WORK/err")"
[ "$(sha256sum < "$plain")" = "$before" ] || fail "a device without LUKS header was written"
ok "no LUKS header: refused (exit $rc), nothing written"

# --- with --cert: a certificate that kesu cert verify and stock minisign accept ----
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"
keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir "$WORK/keys" "$WORK/trust"
cp "$keys/operator.key" "$keys/operator.key.pub" "$WORK/keys/"
chmod 600 "$WORK/keys/operator.key"
cp "$keys/operator.key.pub" "$WORK/trust/"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
printf 'wrong\n' > "$WORK/bad.pass"
K=$WORK/keys

# luks2 FILE: a fresh LUKS2 image made by stock cryptsetup, and its copy FILE.orig
luks2() {
	head -c $((24 * MiB)) /dev/urandom > "$1"
	printf 'one' | cryptsetup luksFormat -q --type luks2 --pbkdf argon2id --pbkdf-memory 32 \
		--pbkdf-force-iterations 4 --pbkdf-parallel 1 "$1" -
	cp "$1" "$1.orig"
}

img=$WORK/cert.img
luks2 "$img"
expect_rc 0 "$KESU" erase --method luks-crypto-erase --yes --quiet --report "$WORK/cr.json" \
	--cert "$WORK/c.json" --sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" \
	"$img" 2> "$WORK/err"
cryptsetup isLuks "$img" && fail "--cert: stock cryptsetup still finds a LUKS header"
minisign -Vm "$WORK/c.json" -x "$WORK/c.json.operator.minisig" -p "$K/operator.key.pub" \
	> /dev/null || fail "stock minisign rejects the certificate of a LUKS crypto-erase"
"$KESU" cert verify --trust "$WORK/trust" "$WORK/c.json" > "$WORK/vout" ||
	fail "kesu cert verify: $(cat "$WORK/vout")"
[ "$(jqf "$WORK/c.json" '.sanitization | [.category, .technique, .method] | join(" ")')" = \
	"purge crypto-erase luks-crypto-erase" ] || fail "sanitization: $(jq -c .sanitization "$WORK/c.json")"
[ "$(jqf "$WORK/c.json" .result)" = success ] || fail "certificate result"
[ "$(jqf "$WORK/c.json" .report_id)" = "$(jqf "$WORK/cr.json" .id)" ] || fail "report_id"
# the report keeps what kesu did; kesu cert issue makes the same kind of certificate of it
expect_rc 0 "$KESU" cert issue --sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" \
	-o "$WORK/c2.json" "$WORK/cr.json" > /dev/null 2>&1
[ "$(jqf "$WORK/c2.json" .sanitization.technique)" = crypto-erase ] || fail "cert issue technique"
ok "LUKS2 --cert: purge, crypto-erase, luks-crypto-erase; kesu cert verify and minisign accept it"

# a --cert precondition that fails leaves the header where it was
# nocert WHAT RC ARGS...: kesu erase --cert ... exits RC, and the image is as before
nocert() {
	what=$1 want=$2
	shift 2
	luks2 "$img"
	set +e
	"$KESU" erase --method luks-crypto-erase --yes --quiet --sign-key "$K/operator.key" \
		"$@" "$img" > /dev/null 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq "$want" ] || fail "$what: exit $rc, expected $want: $(cat "$WORK/err")"
	cmp -s "$img" "$img.orig" || fail "$what: the LUKS image was written"
	cryptsetup isLuks "$img" || fail "$what: the header is gone"
}
mkdir "$WORK/ro"
mount -t tmpfs -o ro,size=1m tmpfs "$WORK/ro"
MOUNTS="$MOUNTS $WORK/ro"
nocert "read-only --cert directory" 1 --passphrase-file "$WORK/op.pass" --cert "$WORK/ro/c.json"
grep -q "Read-only file system" "$WORK/err" || fail "read-only: $(cat "$WORK/err")"
nocert "read-only --cert-dir" 1 --passphrase-file "$WORK/op.pass" --cert-dir "$WORK/ro"
nocert "missing --cert directory" 1 --passphrase-file "$WORK/op.pass" --cert "$WORK/no/c.json"
nocert "wrong passphrase" 16 --passphrase-file "$WORK/bad.pass" --cert "$WORK/w.json"
[ ! -e "$WORK/w.json" ] || fail "wrong passphrase: a certificate was written"
nocert "existing certificate" 1 --passphrase-file "$WORK/op.pass" --cert "$WORK/c.json"
ok "--cert: read-only or missing destination, wrong passphrase, existing file: nothing written"
