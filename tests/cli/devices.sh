#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kesu devices on real loop devices: sizes and block sizes as losetup set
# them, and the in-use verdict for a mounted disk, a disk with a mounted
# partition, swap and a device-mapper holder, each checked with jq.
#
# Exit: 0 pass, 1 fail, 77 skip.

KESU=${KESU:-./kesu}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || skip "needs root for losetup and mount"
for tool in losetup jq mkfs.ext4 mount umount sfdisk truncate; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done
[ -x "$KESU" ] || fail "kesu binary not found at $KESU (set KESU)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kesu-devices.XXXXXX") || fail "mktemp"
loops=
mounts=
swaps=
dmname=

cleanup() {
	for m in $mounts; do umount "$m" 2>/dev/null; done
	for s in $swaps; do swapoff "$s" 2>/dev/null; done
	[ -n "$dmname" ] && dmsetup remove "$dmname" 2>/dev/null
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# attach IMAGE [losetup options...]: set $dev to the new loop device (no
# command substitution: the cleanup list must survive in this shell)
attach() {
	img=$1
	shift
	losetup -f --show "$@" "$img" >"$tmp/losetup.out" || fail "losetup $* $img"
	dev=$(cat "$tmp/losetup.out")
	loops="$dev $loops"
}

# query DEV JQ-FILTER: apply the filter to DEV's entry of kesu devices --json
query() {
	"$KESU" devices --json >"$tmp/out.json" || fail "kesu devices --json exited $?"
	jq -e --arg p "$1" "map(select(.path == \$p)) | length == 1" "$tmp/out.json" >/dev/null ||
		fail "$1 is not listed exactly once: $(cat "$tmp/out.json")"
	jq -r --arg p "$1" ".[] | select(.path == \$p) | $2" "$tmp/out.json"
}

# expect DEV JQ-FILTER VALUE
expect() {
	got=$(query "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

MiB=1048576

# 1. a plain loop device: size, block sizes, transport, not in use
truncate -s 64M "$tmp/plain.img"
attach "$tmp/plain.img"
plain=$dev
expect "$plain" .size_bytes $((64 * MiB))
expect "$plain" .logical_block_size 512
expect "$plain" .transport loop
expect "$plain" .name "${plain#/dev/}"
expect "$plain" .in_use false
expect "$plain" .in_use_reason null
"$KESU" devices | grep -q "^$plain  *.*  -\$" || fail "$plain not free in the table"

# 2. a 4096-byte logical sector size
truncate -s 32M "$tmp/4k.img"
attach "$tmp/4k.img" --sector-size 4096
fourk=$dev
expect "$fourk" .size_bytes $((32 * MiB))
expect "$fourk" .logical_block_size 4096
[ "$(query "$fourk" .physical_block_size)" -ge 4096 ] ||
	fail "$fourk: physical block size below 4096"

# 3. a mounted file system on the whole disk
mkfs.ext4 -q -F "$plain" || fail "mkfs.ext4 $plain"
mkdir "$tmp/mnt1"
mount "$plain" "$tmp/mnt1" || fail "mount $plain"
mounts="$tmp/mnt1 $mounts"
expect "$plain" .in_use true
query "$plain" .in_use_reason | grep -q "mount" || fail "$plain: reason does not mention the mount"
query "$plain" .in_use_reason | grep -qF "$tmp/mnt1" ||
	fail "$plain: reason does not name the mount point"
"$KESU" devices | grep "^$plain " | grep -q mounted || fail "$plain not shown mounted in the table"
umount "$tmp/mnt1" || fail "umount $tmp/mnt1"
mounts=
expect "$plain" .in_use false

# 4. a partitioned disk whose second partition is mounted
truncate -s 64M "$tmp/parted.img"
printf 'label: dos\n,16M,L\n,,L\n' | sfdisk -q "$tmp/parted.img" >/dev/null || fail "sfdisk"
attach "$tmp/parted.img" -P
parted=$dev
i=0
while [ ! -b "${parted}p2" ] && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
# A kernel built without partition-table parsers finds nothing on -P; partx
# reads the table in user space and adds the partitions with BLKPG.
if [ ! -b "${parted}p2" ] && command -v partx >/dev/null 2>&1; then
	partx --add "$parted" || fail "partx --add $parted"
	i=0
	while [ ! -b "${parted}p2" ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
fi
[ -b "${parted}p2" ] || fail "${parted}p2 did not appear"
expect "$parted" .in_use false
jq -e --arg p "${parted}p1" 'all(.path != $p)' "$tmp/out.json" >/dev/null ||
	fail "partition ${parted}p1 listed as a disk"
mkfs.ext4 -q -F "${parted}p2" || fail "mkfs.ext4 ${parted}p2"
mkdir "$tmp/mnt2"
mount "${parted}p2" "$tmp/mnt2" || fail "mount ${parted}p2"
mounts="$tmp/mnt2 $mounts"
expect "$parted" .in_use true
query "$parted" .in_use_reason | grep -q "${parted}p2 is mounted" ||
	fail "$parted: reason does not name the mounted partition"
expect "$parted" .size_bytes $((64 * MiB))

# 5. active swap, where the kernel lets us turn it on
truncate -s 16M "$tmp/swap.img"
attach "$tmp/swap.img"
swapdev=$dev
if mkswap -q "$swapdev" >/dev/null 2>&1 && swapon "$swapdev" 2>/dev/null; then
	swaps="$swapdev"
	expect "$swapdev" .in_use true
	query "$swapdev" .in_use_reason | grep -q swap || fail "$swapdev: reason does not mention swap"
	swapoff "$swapdev"
	swaps=
else
	echo "note: swapon not permitted here, swap check not run" >&2
fi

# 6. a device-mapper target holding a loop device
if command -v dmsetup >/dev/null 2>&1; then
	name="kesu-devices-$$"
	if echo "0 $((16 * MiB / 512)) linear $swapdev 0" | dmsetup create "$name" 2>/dev/null; then
		dmname=$name
		expect "$swapdev" .in_use true
		query "$swapdev" .in_use_reason | grep -q "held by dm-" ||
			fail "$swapdev: reason does not name the dm holder"
	else
		echo "note: device-mapper not available, holder check not run" >&2
	fi
fi

# 7. bad usage
"$KESU" devices --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option did not exit 2"
"$KESU" devices extra >/dev/null 2>&1
[ $? -eq 2 ] || fail "extra argument did not exit 2"

echo "PASS: kesu devices"
exit 0
