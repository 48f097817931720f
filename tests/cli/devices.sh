#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kesu devices on real loop devices, each answer checked with jq against
# what losetup set up and what blkid -p finds: sizes and block sizes, the
# read-only flag, the content (ext4, dos, gpt, swap, nothing), and the
# in-use codes and reason for a mounted disk, a disk with a mounted
# partition, active swap, a device backing a loop device and a device held
# open O_EXCL; the purge line of a device no drive command reaches. Listing must read the devices only, and must not need O_EXCL.
# Holders (dm) are checked on a fake /sys by tests/unit/test_inuse and on a
# real dm target by tests/vm (faults group).
#
# Exit: 0 pass, 1 fail, 77 skip.
. "$(dirname "$0")/lib.sh"
for tool in jq mkfs.ext4 mount umount sfdisk blkid mkswap swapon swapoff partx truncate; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done
HOLDEXCL=${KESU_BUILDDIR:?}/tests/cli/holdexcl
[ -x "$HOLDEXCL" ] || fail "$HOLDEXCL not built"
MiB=1048576

# attach IMAGE [losetup options...]: set $dev to a new loop device; runs in
# this shell (not in $(...)) so that LOOPS keeps it for cleanup
attach() {
	img=$1
	shift
	losetup -f --show "$@" "$img" > "$WORK/losetup.out" || fail "losetup $* $img"
	dev=$(cat "$WORK/losetup.out")
	LOOPS="$dev $LOOPS"
}

# query DEV JQ-FILTER: the filter on DEV's entry of kesu devices --json
query() {
	"$KESU" devices --json > "$WORK/out.json" || fail "kesu devices --json exited $?"
	jq -e --arg p "$1" 'map(select(.path == $p)) | length == 1' "$WORK/out.json" > /dev/null ||
		fail "$1 is not listed exactly once: $(cat "$WORK/out.json")"
	jq -r --arg p "$1" ".[] | select(.path == \$p) | $2" "$WORK/out.json"
}

# expect DEV JQ-FILTER VALUE
expect() {
	got=$(query "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# column DEV N: field N of DEV's line in the table (fields split at runs of spaces)
column() {
	"$KESU" devices > "$WORK/out.txt" || fail "kesu devices exited $?"
	awk -v p="$1" -v n="$2" '$1 == p { print $n }' "$WORK/out.txt"
}

# blkid_type DEV: what blkid -p calls DEV's content, TYPE first, else PTTYPE, else null
blkid_type() {
	t=$(blkid -p -o value -s TYPE "$1" 2>/dev/null) || t=
	[ -n "$t" ] || t=$(blkid -p -o value -s PTTYPE "$1" 2>/dev/null) || t=
	echo "${t:-null}"
}

# content DEV WANT: kesu devices and blkid -p both say DEV holds WANT
content() {
	[ "$(blkid_type "$1")" = "$2" ] || fail "$1: blkid -p finds '$(blkid_type "$1")', set up '$2'"
	expect "$1" .content "$2"
	want=$2
	[ "$want" = null ] && want=-
	# CONTENT is the 8th column
	[ "$(column "$1" 8)" = "$want" ] || fail "$1: CONTENT column '$(column "$1" 8)', expected '$want'"
}

# written DEV: sectors written to DEV since boot (/sys/block/DEV/stat, field 7)
written() {
	awk '{ print $7 }' "/sys/block/${1#/dev/}/stat"
}

# swap must be possible here, or the swap case cannot run
truncate -s 16M "$WORK/swap.img"
attach "$WORK/swap.img"
swapdev=$dev
mkswap -q "$swapdev" > /dev/null 2>&1 || fail "mkswap $swapdev"
swapon "$swapdev" 2> /dev/null || skip "swapon not permitted here: the swap case cannot run"
swapoff "$swapdev"

# 1. a plain loop device: size, block sizes, transport, nothing on it, not in use
truncate -s 64M "$WORK/plain.img"
attach "$WORK/plain.img"
plain=$dev
expect "$plain" .size_bytes $((64 * MiB))
expect "$plain" .logical_block_size 512
expect "$plain" .transport loop
expect "$plain" .name "${plain#/dev/}"
expect "$plain" .read_only false
expect "$plain" .in_use false
expect "$plain" .in_use_codes '[]'
expect "$plain" '.in_use_codes | length' 0
expect "$plain" .in_use_reason null
content "$plain" null
[ "$(column "$plain" 9)" = - ] || fail "$plain: IN-USE column '$(column "$plain" 9)', expected '-'"
ok "a blank loop device is listed with its size and as free"

# 1b. no drive command reaches a loop device (no NVMe admin, no SG_IO): the
# purge line and every firmware method say why, and the listing goes on
why="not probed: no drive commands reach it (neither NVMe nor SCSI)"
expect "$plain" .purge.probed false
expect "$plain" .purge.line "$why"
expect "$plain" .purge.scsi null
expect "$plain" .purge.nvme null
expect "$plain" '.purge.methods["scsi-sanitize-block"].supported' false
expect "$plain" '.purge.methods["scsi-sanitize-block"].reason' "$why"
expect "$plain" '.purge.methods["scsi-sanitize-crypto"].technique' crypto-erase
expect "$plain" '[.purge.methods[] | select(.supported)] | length' 0
"$KESU" devices > "$WORK/out.txt" || fail "kesu devices exited $?"
[ "$(head -1 "$WORK/out.txt" | awk '{ print $NF }')" = PURGE ] || fail "no PURGE column"
grep -F "$plain " "$WORK/out.txt" | grep -qF "$why" || fail "$plain: the table does not say: $why"
ok "a device without drive commands is listed with why it cannot be probed"

# 2. a 4096-byte logical sector size
truncate -s 32M "$WORK/4k.img"
attach "$WORK/4k.img" --sector-size 4096
expect "$dev" .size_bytes $((32 * MiB))
expect "$dev" .logical_block_size 4096
[ "$(query "$dev" .physical_block_size)" -ge 4096 ] || fail "$dev: physical block size below 4096"
ok "a 4K-sector loop device shows its block sizes"

# 3. read-only, as losetup -r sets it (sysfs ro)
truncate -s 8M "$WORK/ro.img"
attach "$WORK/ro.img" -r
[ "$(cat "/sys/block/${dev#/dev/}/ro")" = 1 ] || fail "losetup -r did not make $dev read-only"
expect "$dev" .read_only true
ok "a read-only loop device is listed read_only"

# 4. ext4 on the whole disk, then mounted
mkfs.ext4 -q -F "$plain" || fail "mkfs.ext4 $plain"
content "$plain" ext4
mkdir "$WORK/mnt1"
mount "$plain" "$WORK/mnt1" || fail "mount $plain"
MOUNTS="$WORK/mnt1"
expect "$plain" .in_use true
expect "$plain" '.in_use_codes | join(",")' mounted
expect "$plain" .in_use_reason "$plain is mounted on $WORK/mnt1"
[ "$(column "$plain" 9)" = mounted ] || fail "$plain: IN-USE column '$(column "$plain" 9)'"
umount "$WORK/mnt1"
MOUNTS=
expect "$plain" .in_use false
ok "ext4 is found, and the mount is given as code and reason"

# 5. a dos-partitioned disk whose second partition is mounted
truncate -s 64M "$WORK/dos.img"
printf 'label: dos\n,16M,L\n,,L\n' | sfdisk -q "$WORK/dos.img" > /dev/null || fail "sfdisk dos"
attach "$WORK/dos.img" -P
parted=$dev
i=0
while [ ! -b "${parted}p2" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
# a kernel without partition-table parsers finds nothing on -P: partx adds them
if [ ! -b "${parted}p2" ]; then
	partx --add "$parted" || fail "partx --add $parted"
	i=0
	while [ ! -b "${parted}p2" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
fi
[ -b "${parted}p2" ] || fail "${parted}p2 did not appear"
content "$parted" dos
expect "$parted" .in_use false
jq -e --arg p "${parted}p1" 'all(.path != $p)' "$WORK/out.json" > /dev/null ||
	fail "partition ${parted}p1 listed as a disk"
mkfs.ext4 -q -F "${parted}p2" || fail "mkfs.ext4 ${parted}p2"
mkdir "$WORK/mnt2"
mount "${parted}p2" "$WORK/mnt2" || fail "mount ${parted}p2"
MOUNTS="$WORK/mnt2"
expect "$parted" '.in_use_codes | join(",")' mounted
expect "$parted" .in_use_reason "${parted}p2 is mounted on $WORK/mnt2"
expect "$parted" .content dos
umount "$WORK/mnt2"
MOUNTS=
ok "a dos label is found, and a mounted partition makes its disk in use"

# 6. a gpt-partitioned disk
truncate -s 16M "$WORK/gpt.img"
printf 'label: gpt\n,,L\n' | sfdisk -q "$WORK/gpt.img" > /dev/null || fail "sfdisk gpt"
attach "$WORK/gpt.img"
content "$dev" gpt
ok "a gpt label is found"

# 7. active swap
swapon "$swapdev" || fail "swapon $swapdev"
SWAPS=$swapdev
content "$swapdev" swap
expect "$swapdev" '.in_use_codes | join(",")' swap
expect "$swapdev" .in_use_reason "$swapdev is active swap"
swapoff "$swapdev"
SWAPS=
expect "$swapdev" .in_use false
ok "active swap is found, as content and as in use"

# 8. the dos disk backs another loop device
attach "$parted"
upper=$dev
expect "$parted" '.in_use_codes | join(",")' loop-backing
expect "$parted" .in_use_reason "$parted is the backing device of $upper"
expect "$upper" .in_use false
expect "$upper" .content dos
ok "the backing device of a loop device is in use as loop-backing"

# 9. held open O_EXCL by another program: in use, and still probed (no O_EXCL of our own)
"$HOLDEXCL" "$plain" 60 > "$WORK/held" &
holder=$!
i=0
while ! grep -q held "$WORK/held" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q held "$WORK/held" || { kill $holder; fail "holdexcl could not hold $plain"; }
expect "$plain" '.in_use_codes | join(",")' exclusive
query "$plain" .in_use_reason | grep -q busy || fail "$plain: reason does not say busy"
expect "$plain" .content ext4
kill $holder
wait $holder 2> /dev/null
expect "$plain" .in_use false
ok "a device held O_EXCL is in use as exclusive, and its content still probed"

# 10. listing writes nothing to any listed loop device
before=
for d in $LOOPS; do before="$before $(written "$d")"; done
"$KESU" devices > /dev/null || fail "kesu devices exited $?"
"$KESU" devices --json > /dev/null || fail "kesu devices --json exited $?"
after=
for d in $LOOPS; do after="$after $(written "$d")"; done
[ "$before" = "$after" ] || fail "kesu devices wrote to a device: sectors written $before ->$after"
ok "listing writes nothing"

# 11. the disk that holds / (when it is a listed disk): system, and the content blkid -p finds
rootdev=$("$KESU" devices --json | jq -r '.[] | select(.in_use_codes | index("system")) | .path' |
	head -1)
if [ -n "$rootdev" ]; then
	expect "$rootdev" .in_use true
	# blkid -p and kesu agree, also when neither may open the disk (null)
	expect "$rootdev" .content "$(blkid_type "$rootdev")"
	ok "the system disk $rootdev holds $(blkid_type "$rootdev"), as blkid -p says"
else
	ok "/ is not on a listed disk (overlay, network or tmpfs root)"
fi

# 12. bad usage
expect_rc 2 "$KESU" devices --no-such-option > /dev/null 2>&1
expect_rc 2 "$KESU" devices extra > /dev/null 2>&1
ok "bad usage exits 2"
