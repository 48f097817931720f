#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase refuses targets in use (exit 3), a missing target (exit 1), and
# targets that are not disks and bad options (exit 2); in each case not a byte changes, as sha256sum of
# the device, read with O_DIRECT, and e2fsck show.
. "$(dirname "$0")/lib.sh"
set -e
for t in mkfs.ext4 e2fsck mount sfdisk mkswap swapon blockdev sha256sum; do
	command -v $t >/dev/null || skip "$t missing"
done

MiB=1048576

# tailsum DEV START_MIB: SHA-256 of DEV from START_MIB MiB to its end
tailsum() {
	dd if="$1" iflag=direct bs=1M skip="$2" status=none | sha256sum | cut -d' ' -f1
}

# a mounted file system on the whole device; the file system covers the
# first 16 MiB, the random data after it shows whether kesu wrote anything
dev=$(mkloop $((32 * MiB)))
mkfs.ext4 -q -F "$dev" 16M
tail0=$(tailsum "$dev" 16)
mkdir "$WORK/mnt"
mount "$dev" "$WORK/mnt"
MOUNTS="$WORK/mnt"
echo "kept" > "$WORK/mnt/file"
sync
refuse "mounted disk" mounted "$dev"
umount "$WORK/mnt"
MOUNTS=""
[ "$(tailsum "$dev" 16)" = "$tail0" ] || fail "mounted disk: data after the file system changed"
e2fsck -fn "$dev" >/dev/null 2>&1 || fail "mounted disk: file system damaged"
ok "a mounted disk is refused and untouched"

# a disk whose partition is mounted: the whole disk is refused, and so is
# the partition
img=$WORK/part.img
head -c $((32 * MiB)) /dev/urandom > "$img"
pdev=$(losetup -f --show -P --direct-io=on "$img") || fail "losetup -P"
LOOPS="$LOOPS $pdev"
echo 'start=2048, size=32768, type=83' | sfdisk -q "$pdev" >/dev/null || fail "sfdisk"
partx -u "$pdev" 2>/dev/null || true
udevadm settle 2>/dev/null || true
i=0
while [ ! -b "${pdev}p1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -b "${pdev}p1" ] || fail "${pdev}p1 did not appear"
mkfs.ext4 -q -F "${pdev}p1"
# 1 MiB for the table, 16 MiB of partition, 15 MiB of random data after it
ptail0=$(tailsum "$pdev" 17)
mkdir "$WORK/pmnt"
mount "${pdev}p1" "$WORK/pmnt"
MOUNTS="$WORK/pmnt"
refuse "disk with a mounted partition" mounted "$pdev"
refuse "mounted partition" mounted "${pdev}p1"
umount "$WORK/pmnt"
MOUNTS=""
[ "$(tailsum "$pdev" 17)" = "$ptail0" ] || fail "partitioned disk: data after p1 changed"
sfdisk -d "$pdev" 2>/dev/null | grep -q 'start= *2048, size= *32768' ||
	fail "partitioned disk: partition table changed"
e2fsck -fn "${pdev}p1" >/dev/null 2>&1 || fail "partitioned disk: p1 damaged"
ok "a disk with a mounted partition is refused and untouched"

# active swap over the first 8 MiB
sdev=$(mkloop $((16 * MiB)))
mkswap -q "$sdev" 8192 >/dev/null
sum0=$(devsum "$sdev")
swapon "$sdev"
SWAPS="$sdev"
refuse "swap" swap "$sdev"
swapoff "$sdev"
SWAPS=""
[ "$(devsum "$sdev")" = "$sum0" ] || fail "swap: device changed"
ok "active swap is refused and untouched"

# the backing file of an attached loop device
bimg=$WORK/backing.img
head -c $((8 * MiB)) /dev/urandom > "$bimg"
bdev=$(losetup -f --show "$bimg") || fail "losetup"
LOOPS="$LOOPS $bdev"
sum0=$(sha256sum < "$bimg")
refuse "backing file" "$bdev" "$bimg"
[ "$(sha256sum < "$bimg")" = "$sum0" ] || fail "backing file changed"
losetup -d "$bdev"
LOOPS=${LOOPS% "$bdev"}
ok "the backing file of $bdev is refused and untouched"

# a device another program holds open with O_EXCL is busy
xdev=$(mkloop $((8 * MiB)))
sum0=$(devsum "$xdev")
"${KESU_BUILDDIR:?}/tests/cli/holdexcl" "$xdev" 30 > "$WORK/held" &
holder=$!
i=0
while ! grep -q held "$WORK/held" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q held "$WORK/held" || fail "holdexcl could not hold $xdev"
set +e
"$KESU" erase --yes --quiet --method zero "$xdev" 2> "$WORK/err"
rc=$?
set -e
kill $holder
wait $holder 2>/dev/null || true
[ $rc -eq 3 ] || { cat "$WORK/err" >&2; fail "O_EXCL holder: exit $rc, expected 3"; }
grep -q "busy" "$WORK/err" || fail "O_EXCL holder: no message saying the device is busy"
[ "$(devsum "$xdev")" = "$sum0" ] || fail "O_EXCL holder: device changed"
ok "a device held open with O_EXCL is refused as busy"

# targets that are not there or not disks
img=$WORK/img
head -c $((8 * MiB)) /dev/urandom > "$img"
sum0=$(sha256sum < "$img")
expect_rc 1 "$KESU" erase --yes --quiet "$WORK/no-such-disk" 2> "$WORK/err"
grep -q "no-such-disk" "$WORK/err" || fail "missing target: no message naming it"
for t in /dev/null "$WORK"; do
	set +e
	"$KESU" erase --yes --quiet --json "$t" > "$WORK/out" 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || fail "$t: exit $rc, expected 2"
	[ -s "$WORK/err" ] || fail "$t: no message"
	grep -q '"success"' "$WORK/out" && fail "$t: a report says success"
done
ok "a missing target exits 1; /dev/null and a directory are usage errors (2)"

# bad options are usage errors and write nothing
for opts in "--method bogus" "--method pattern:" "--method pattern:xyz" \
	"--verify sample:0" "--verify sample:101" "--verify sometimes" \
	"--passes 0" "--passes x" "--reason x" "--block-size 0" "--queue-depth 0" \
	"--progress=loud" "--no-such-option"; do
	set +e
	# shellcheck disable=SC2086
	"$KESU" erase --yes --quiet $opts "$img" > /dev/null 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || fail "erase $opts: exit $rc, expected 2"
	[ -s "$WORK/err" ] || fail "erase $opts: no message"
done
expect_rc 2 "$KESU" erase --yes --quiet 2> "$WORK/err"
[ -s "$WORK/err" ] || fail "no target: no message"
[ "$(sha256sum < "$img")" = "$sum0" ] || fail "a rejected command line changed the image"
ok "bad options and a missing target exit 2 and write nothing"
