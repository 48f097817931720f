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
# not confirmed is left as it was.
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
