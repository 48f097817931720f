#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu media on image files (no device-mapper on the host: nothing is
# activated here; tests/vm/media.* opens and mounts in a guest). Checked
# with stock cryptsetup: luksDump agrees with kesu media status, `cryptsetup
# open --test-passphrase` accepts exactly the passphrases kesu says a
# keyslot has after add, change and remove; a wrong passphrase exits 16,
# the last keyslot is never removed (3), a weak passphrase is refused (19)
# before a byte is written, a LUKS1 medium with low-iteration PBKDF2 made
# by stock cryptsetup is non-compliant (20) with its reason, the header
# backup is the device's first data-offset bytes, and a target in use or
# not confirmed is left as it was. A new passphrase another keyslot already
# has is refused (3) and remove destroys every keyslot the passphrase opens
# (luksDump's slot list, --test-passphrase --key-slot N), refusing (3) when
# that would leave none. Without device-mapper (this host) or mkfs, format
# and open stop before the prompt, and format before writing.
. "$(dirname "$0")/lib.sh"
set -e
need_test_hooks
command -v cryptsetup >/dev/null || skip "cryptsetup missing (apt-get install cryptsetup-bin)"
command -v jq >/dev/null || skip "jq missing"
# a tiny key derivation cost (below the policy's floor), instead of ~2 s and 1 GiB per keyslot
export KESU_TEST_WEAK_KDF=1

MiB=1048576
P1='first medium passphrase 1'
P2='second medium passphrase 2'
P3='third medium passphrase 3'

# accepts IMG PASS: stock cryptsetup opens a keyslot of IMG with PASS
accepts() { printf '%s' "$2" | cryptsetup open --test-passphrase "$1" --key-file - 2>/dev/null; }
# slot_accepts IMG N PASS: stock cryptsetup opens keyslot N of IMG with PASS
slot_accepts() {
	printf '%s' "$3" | cryptsetup open --test-passphrase --key-slot "$2" "$1" --key-file - \
		2>/dev/null
}
# slots IMG: the keyslot numbers of cryptsetup luksDump, on one line
slots() { cryptsetup luksDump "$1" | sed -n 's/^  \([0-9]*\): luks2$/\1/p' | tr '\n' ' '; }
# addkey IMG OLD NEW: stock cryptsetup adds a keyslot for NEW (the test key derivation cost)
addkey() {
	printf '%s' "$2" > "$WORK/k.old"
	printf '%s' "$3" > "$WORK/k.new"
	cryptsetup luksAddKey -q --pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 \
		--pbkdf-parallel 1 --key-file "$WORK/k.old" "$1" "$WORK/k.new" ||
		fail "stock luksAddKey failed"
}
PTY="python3 ${KESU_SRCDIR:?}/tests/cli/ptyrun.py"
# dumpv IMG REGEX: the first value of a "Key: value" line of cryptsetup luksDump
dumpv() { cryptsetup luksDump "$1" | sed -n "s/^[[:space:]]*$2:[[:space:]]*//p" | head -n 1; }

img=$WORK/stick.img
head -c $((32 * MiB)) /dev/urandom > "$img"
printf '%s\n' "$P1" > "$WORK/p1"

# --- format refused before a byte is written --------------------------------
before=$(sha256sum < "$img")
expect_rc 4 "$KESU" media format --fs none --allow-weak --passphrase-file "$WORK/p1" "$img" \
	< /dev/null 2> "$WORK/err"
grep -q "without confirmation" "$WORK/err" || fail "no confirmation message: $(cat "$WORK/err")"
printf 'password\n' > "$WORK/weak"
expect_rc 19 "$KESU" media format --yes --fs none --passphrase-file "$WORK/weak" "$img" \
	2> "$WORK/err"
grep -q "too weak" "$WORK/err" || fail "weak passphrase: $(cat "$WORK/err")"
expect_rc 2 "$KESU" media format --yes --fs btrfs --allow-weak --passphrase-file "$WORK/p1" \
	"$img" 2> /dev/null
expect_rc 2 "$KESU" media format --yes --label "$(printf 'a\nb')" --allow-weak \
	--passphrase-file "$WORK/p1" "$img" 2> /dev/null
: > "$WORK/taken.json"
expect_rc 1 "$KESU" media format --yes --fs none --allow-weak --record "$WORK/taken.json" \
	--passphrase-file "$WORK/p1" "$img" 2> /dev/null
# in use: the backing file of a loop device
loop=$(losetup -f --show "$img")
echo "$loop" >> "$WORK/loops"
expect_rc 3 "$KESU" media format --yes --fs none --allow-weak --passphrase-file "$WORK/p1" \
	"$img" 2> "$WORK/err"
grep -qi "loop" "$WORK/err" || fail "in use: no reason: $(cat "$WORK/err")"
losetup -d "$loop"
[ "$(sha256sum < "$img")" = "$before" ] || fail "a refused format changed the image"
ok "format refusals write nothing"

# --- what the format needs, checked before the prompt and the header ---------
# no mkfs.ext4 in PATH: refused, not even the passphrase asked (a prompt would get SIGINT: 7)
mkdir "$WORK/nobin"
PTY_SIGNAL=INT $PTY env PATH="$WORK/nobin" "$KESU" media format --yes --allow-weak "$img" \
	> "$WORK/out" || true
grep -q "mkfs.ext4 is not installed" "$WORK/out" || fail "no mkfs: $(cat "$WORK/out")"
grep -qi "passphrase" "$WORK/out" && fail "no mkfs: a passphrase was asked: $(cat "$WORK/out")"
expect_rc 1 env PATH="$WORK/nobin" "$KESU" media format --yes --allow-weak --passphrase-file \
	"$WORK/p1" "$img" 2> /dev/null
if grep -qw device-mapper /proc/misc 2>/dev/null; then
	echo "device-mapper present: its refusal is left to tests/vm/media.sh"
else
	PTY_SIGNAL=INT $PTY "$KESU" media format --yes --fs exfat --allow-weak "$img" \
		> "$WORK/out" || true
	grep -q "no device-mapper" "$WORK/out" || fail "no dm, exfat: $(cat "$WORK/out")"
	grep -qi "passphrase" "$WORK/out" && fail "no dm: a passphrase was asked: $(cat "$WORK/out")"
	# a FIFO nobody writes: a passphrase read from it would block, a header written would show
	mkfifo "$WORK/fifo"
	expect_rc 1 "$KESU" media format --yes --fs ext4 --allow-weak --passphrase-file \
		"$WORK/fifo" "$img" 2> "$WORK/err"
	grep -q "cannot format it: no device-mapper driver.*nothing was written" "$WORK/err" ||
		fail "no dm: $(cat "$WORK/err")"
	cryptsetup isLuks "$img" && fail "no dm: a LUKS header was written"
fi
[ "$(sha256sum < "$img")" = "$before" ] || fail "a format refused for want of mkfs or dm wrote"
ok "format: mkfs and device-mapper checked before the prompt, nothing written"

# --- format ---------------------------------------------------------------
expect_rc 0 "$KESU" media format --yes --fs none --allow-weak --label 'Stick "A"' \
	--operator 'Tanaka' --record "$WORK/rec.json" --passphrase-file "$WORK/p1" "$img" \
	2> "$WORK/err"
cryptsetup isLuks "$img" || fail "stock cryptsetup finds no LUKS header"
[ "$(dumpv "$img" Version)" = 2 ] || fail "not LUKS2"
[ "$(jqf "$WORK/rec.json" .uuid)" = "$(cryptsetup luksUUID "$img")" ] || fail "record UUID"
[ "$(jqf "$WORK/rec.json" .label)" = 'Stick "A"' ] || fail "record label"
[ "$(jqf "$WORK/rec.json" .operator)" = Tanaka ] || fail "record operator"
[ "$(jqf "$WORK/rec.json" .cipher)" = aes-xts-plain64 ] || fail "record cipher"
accepts "$img" "$P1" || fail "stock cryptsetup rejects the format passphrase"
accepts "$img" "$P2" && fail "stock cryptsetup accepts a passphrase never set"
ok "format: LUKS2, record, passphrase accepted by stock cryptsetup"

# --- status agrees with luksDump ---------------------------------------------
expect_rc 20 "$KESU" media status --json "$img" > "$WORK/st.json"
s=$WORK/st.json
[ "$(jqf "$s" .luks_version)" = 2 ] || fail "status version"
[ "$(jqf "$s" .cipher)" = "$(dumpv "$img" cipher)" ] || fail "status cipher vs luksDump"
[ "$(jqf "$s" .sector_size) [bytes]" = "$(dumpv "$img" sector)" ] || fail "status sector size"
[ "$(jqf "$s" .uuid)" = "$(dumpv "$img" UUID)" ] || fail "status UUID"
[ "$(jqf "$s" .label)" = "$(dumpv "$img" Label)" ] || fail "status label"
[ "$(jqf "$s" .key_bits) bits" = "$(dumpv "$img" Key)" ] || fail "status key size"
[ "$(jqf "$s" .data_offset) [bytes]" = "$(dumpv "$img" offset)" ] || fail "status data offset"
[ "$(jqf "$s" '.keyslots[0].pbkdf')" = "$(dumpv "$img" PBKDF)" ] || fail "status pbkdf"
[ "$(jqf "$s" '.keyslots[0].iterations')" = "$(dumpv "$img" 'Time cost')" ] || fail "time cost"
[ "$(jqf "$s" '.keyslots[0].memory_kb')" = "$(dumpv "$img" Memory)" ] || fail "memory"
[ "$(jqf "$s" '.keyslots[0].parallel')" = "$(dumpv "$img" Threads)" ] || fail "threads"
# the test cost is below the floor: the policy says so, with the numbers luksDump shows
[ "$(jqf "$s" .policy.compliant)" = false ] || fail "a 32 KiB Argon2 keyslot is compliant"
jqf "$s" '.policy.reasons[]' | grep -q "keyslot 0: argon2id memory cost 32 KiB is below the floor" ||
	fail "no argon2 memory reason: $(jqf "$s" .policy.reasons)"
[ "$(jqf "$s" '.keyslots | length')" = 1 ] || fail "one keyslot expected"
ok "status agrees with cryptsetup luksDump"

# --- passphrases --------------------------------------------------------------
printf '%s\n%s\n' "$P1" "$P2" | expect_rc 0 "$KESU" media passphrase add --allow-weak \
	--passphrase-fd 0 "$img" 2> /dev/null
accepts "$img" "$P2" || fail "add: stock cryptsetup rejects the new passphrase"
accepts "$img" "$P1" || fail "add: the old passphrase stopped working"
printf 'not this one\n' | expect_rc 16 "$KESU" media passphrase remove --passphrase-fd 0 \
	"$img" 2> /dev/null
printf 'not this one\n%s\n' "$P3" | expect_rc 16 "$KESU" media passphrase add --allow-weak \
	--passphrase-fd 0 "$img" 2> /dev/null
accepts "$img" "$P3" && fail "a wrong current passphrase still added a keyslot"
printf '%s\n%s\n' "$P2" "$P3" | expect_rc 0 "$KESU" media passphrase change --allow-weak \
	--passphrase-fd 0 "$img" 2> /dev/null
accepts "$img" "$P3" || fail "change: stock cryptsetup rejects the new passphrase"
accepts "$img" "$P2" && fail "change: the old passphrase still opens the medium"
printf '%s\n' "$P1" | expect_rc 0 "$KESU" media passphrase remove --passphrase-fd 0 "$img" \
	2> /dev/null
accepts "$img" "$P1" && fail "remove: the removed passphrase still opens the medium"
printf '%s\n' "$P3" | expect_rc 3 "$KESU" media passphrase remove --passphrase-fd 0 "$img" \
	2> "$WORK/err"
grep -q "last one" "$WORK/err" || fail "last keyslot: $(cat "$WORK/err")"
accepts "$img" "$P3" || fail "the last keyslot was removed"
[ "$(cryptsetup luksDump "$img" | grep -c '^  [0-9]*: luks2')" = 1 ] || fail "keyslot count"
ok "passphrase add/change/remove agree with cryptsetup --test-passphrase"

# --- a passphrase in one keyslot only ------------------------------------------
dup=$WORK/dup.img
head -c $((20 * MiB)) /dev/urandom > "$dup"
expect_rc 0 "$KESU" media format --yes --fs none --allow-weak --passphrase-file "$WORK/p1" \
	"$dup" 2> /dev/null
printf '%s\n%s\n' "$P1" "$P2" | expect_rc 0 "$KESU" media passphrase add --allow-weak \
	--passphrase-fd 0 "$dup" 2> /dev/null
[ "$(slots "$dup")" = "0 1 " ] || fail "add: luksDump slots $(slots "$dup")"
cp "$dup" "$WORK/dup.copy"
# P2 again: it opens keyslot 1; P1 as the new one: it opens keyslot 0
printf '%s\n%s\n' "$P1" "$P2" | expect_rc 3 "$KESU" media passphrase add --allow-weak \
	--passphrase-fd 0 "$dup" 2> "$WORK/err"
grep -q "already opens keyslot 1" "$WORK/err" || fail "duplicate add: $(cat "$WORK/err")"
printf '%s\n%s\n' "$P2" "$P1" | expect_rc 3 "$KESU" media passphrase add --allow-weak \
	--passphrase-fd 0 "$dup" 2> "$WORK/err"
grep -q "already opens keyslot 0" "$WORK/err" || fail "duplicate add: $(cat "$WORK/err")"
printf '%s\n%s\n' "$P2" "$P1" | expect_rc 3 "$KESU" media passphrase change --allow-weak \
	--passphrase-fd 0 "$dup" 2> "$WORK/err"
grep -q "already opens keyslot 0" "$WORK/err" || fail "duplicate change: $(cat "$WORK/err")"
[ "$(slots "$dup")" = "0 1 " ] || fail "a refused duplicate left slots $(slots "$dup")"
cmp "$dup" "$WORK/dup.copy" || fail "a refused duplicate changed the image"
ok "a passphrase another keyslot has is refused (3), nothing written"

# P1 set twice by stock cryptsetup (keyslots 0 and 2): remove destroys both
addkey "$dup" "$P1" "$P1"
[ "$(slots "$dup")" = "0 1 2 " ] || fail "luksAddKey: slots $(slots "$dup")"
slot_accepts "$dup" 2 "$P1" || fail "stock cryptsetup: P1 does not open keyslot 2"
printf '%s\n' "$P1" | expect_rc 0 "$KESU" media passphrase remove --passphrase-fd 0 "$dup" \
	2> "$WORK/err"
grep -q "removed: keyslots 0 and 2" "$WORK/err" || fail "remove: $(cat "$WORK/err")"
[ "$(slots "$dup")" = "1 " ] || fail "remove: luksDump slots $(slots "$dup")"
accepts "$dup" "$P1" && fail "remove: P1 still opens a keyslot"
slot_accepts "$dup" 1 "$P2" || fail "remove: P2 no longer opens keyslot 1"
# P2 in keyslots 1 and 0, all there are: nothing removed, both named
addkey "$dup" "$P2" "$P2"
printf '%s\n' "$P2" | expect_rc 3 "$KESU" media passphrase remove --passphrase-fd 0 "$dup" \
	2> "$WORK/err"
grep -q "refusing to remove keyslots 0 and 1: the passphrase opens every keyslot" "$WORK/err" ||
	fail "remove all: $(cat "$WORK/err")"
[ "$(slots "$dup")" = "0 1 " ] || fail "remove all: luksDump slots $(slots "$dup")"
slot_accepts "$dup" 0 "$P2" && slot_accepts "$dup" 1 "$P2" || fail "remove all removed one"
ok "remove destroys every keyslot the passphrase opens, never the last"

# --- open: device-mapper checked before the passphrase is asked -------------------
if ! grep -qw device-mapper /proc/misc 2>/dev/null; then
	PTY_SIGNAL=INT $PTY "$KESU" media open "$dup" > "$WORK/out" || true
	grep -q "cannot open it: no device-mapper" "$WORK/out" || fail "open: $(cat "$WORK/out")"
	grep -qi "passphrase" "$WORK/out" && fail "open: a passphrase was asked: $(cat "$WORK/out")"
	expect_rc 1 "$KESU" media open --passphrase-file "$WORK/fifo" "$dup" 2> /dev/null
	expect_rc 1 "$KESU" media mount --passphrase-file "$WORK/fifo" "$dup" 2> /dev/null
	ok "open and mount without device-mapper: 1, before the passphrase"
fi

# --- header backup ----------------------------------------------------------------
expect_rc 0 "$KESU" media header-backup "$img" "$WORK/hdr" 2> "$WORK/err"
grep -q "defeats crypto-erase" "$WORK/err" || fail "no header-backup warning"
off=$(jqf "$s" .data_offset)
[ "$(stat -c %s "$WORK/hdr")" = "$off" ] || fail "backup size is not the data offset"
cmp -n "$off" "$WORK/hdr" "$img" || fail "backup differs from the header area"
[ "$(stat -c %a "$WORK/hdr")" = 600 ] || fail "backup is readable by others"
expect_rc 1 "$KESU" media header-backup "$img" "$WORK/hdr" 2> /dev/null
ok "header backup"

# --- policy -------------------------------------------------------------------
weak=$WORK/luks1.img
head -c $((8 * MiB)) /dev/urandom > "$weak"
printf 'x' | cryptsetup luksFormat -q --type luks1 --pbkdf pbkdf2 --iter-time 1 "$weak" - ||
	fail "stock luksFormat --type luks1 failed"
expect_rc 20 "$KESU" media status "$weak" > "$WORK/out"
grep -q "NOT compliant" "$WORK/out" || fail "luks1: $(cat "$WORK/out")"
grep -q "LUKS1 with PBKDF2 of [0-9]* iterations, below the floor" "$WORK/out" ||
	fail "luks1: no reason: $(cat "$WORK/out")"
expect_rc 20 "$KESU" media status --json "$weak" > "$WORK/w.json"
[ "$(jqf "$WORK/w.json" .policy.compliant)" = false ] || fail "luks1 json compliant"
good=$WORK/good.img
head -c $((20 * MiB)) /dev/urandom > "$good"
printf 'x' | cryptsetup luksFormat -q --type luks2 --pbkdf argon2id --pbkdf-memory 65536 \
	--pbkdf-force-iterations 4 --pbkdf-parallel 1 "$good" -
expect_rc 0 "$KESU" media status "$good" > "$WORK/out"
grep -q "policy: compliant" "$WORK/out" || fail "floor cost: $(cat "$WORK/out")"
cbc=$WORK/cbc.img
head -c $((20 * MiB)) /dev/urandom > "$cbc"
printf 'x' | cryptsetup luksFormat -q --type luks2 --cipher aes-cbc-essiv:sha256 --key-size 256 \
	--pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 --pbkdf-parallel 1 "$cbc" -
expect_rc 20 "$KESU" media status "$cbc" > "$WORK/out"
grep -q "weaker than AES-256-XTS" "$WORK/out" || fail "cbc: $(cat "$WORK/out")"
grep -q "memory cost 32 KiB is below" "$WORK/out" || fail "argon2 floor: $(cat "$WORK/out")"
expect_rc 20 "$KESU" media status "$WORK/p1" 2> "$WORK/err"
grep -q "not encrypted" "$WORK/err" || fail "plain file: $(cat "$WORK/err")"
ok "non-compliant media exit 20 with their reasons"
