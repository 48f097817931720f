#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A device with other devices stacked on it is in use. B backs the loop
# device Y, which holds a file system: kesu erase of B exits 3 while Y is
# mounted and still after Y is unmounted (B is its backing device), and B's
# bytes (sha256sum, read with O_DIRECT) and Y's file system (e2fsck) are
# unchanged; the image file under B is refused the same way, through the
# whole chain; kesu devices --json lists B in use with the code
# "loop-backing". Then one level more at the file level: an image file kept
# on Y's file system backs the loop device Z, which is mounted.
. "$(dirname "$0")/lib.sh"
set -e
for t in mkfs.ext4 e2fsck mount umount jq sha256sum; do
	command -v $t >/dev/null || skip "$t missing"
done

MiB=1048576

# attach FILE: set $dev to a new loop device on FILE. It runs in this shell,
# not in $(...), so that LOOPS keeps the device for cleanup, listed before
# the ones attached earlier: a device backing another detaches after it.
attach() {
	losetup -f --show "$1" > "$WORK/attached" || fail "losetup $1"
	dev=$(cat "$WORK/attached")
	LOOPS="$dev $LOOPS"
}

# listed DEV FILTER: DEV's entry of kesu devices --json through jq FILTER
listed() {
	"$KESU" devices --json > "$WORK/devices.json" || fail "kesu devices --json exited $?"
	jqf "$WORK/devices.json" ".[] | select(.path == \"$1\") | $2"
}

img=$WORK/b.img
head -c $((64 * MiB)) /dev/urandom > "$img"
attach "$img"
B=$dev
attach "$B"
Y=$dev
# no lazy initialisation: nothing may write to Y by itself while it is mounted
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$Y"
mkdir "$WORK/mnt"
mount "$Y" "$WORK/mnt"
MOUNTS="$WORK/mnt"
echo "kept" > "$WORK/mnt/file"
sync
sum0=$(devsum "$B")
isum0=$(sha256sum < "$img")

refuse "backing device of a mounted loop device" \
	"$B is the backing device of $Y, which is mounted on $WORK/mnt" "$B"
[ "$(devsum "$B")" = "$sum0" ] || fail "$B changed under a mounted $Y"
[ "$(listed "$B" .in_use)" = true ] || fail "kesu devices: $B not in use"
[ "$(listed "$B" '.in_use_codes | join(",")')" = loop-backing ] ||
	fail "kesu devices: $B codes $(listed "$B" .in_use_codes)"
listed "$B" .in_use_reason | grep -qF "which is mounted on $WORK/mnt" ||
	fail "kesu devices: $B reason $(listed "$B" .in_use_reason)"
ok "the backing device of a mounted loop device is refused, untouched and listed"

# the image under B: through two loop devices to the mount
refuse "image under a stack" \
	"$img is the backing file of $B, which is the backing device of $Y, which is mounted" "$img"
[ "$(sha256sum < "$img")" = "$isum0" ] || fail "$img changed"
ok "the image file under the stack is refused and untouched"

# a loop device on an image file kept on Y's file system
head -c $((16 * MiB)) /dev/zero > "$WORK/mnt/inner.img"
attach "$WORK/mnt/inner.img"
Z=$dev
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$Z"
mkdir "$WORK/mnt2"
mount "$Z" "$WORK/mnt2"
MOUNTS="$WORK/mnt2 $MOUNTS"
refuse "image on a mounted stack" \
	"$WORK/mnt/inner.img is the backing file of $Z, which is mounted on $WORK/mnt2" \
	"$WORK/mnt/inner.img"
[ "$(listed "$Z" '.in_use_codes | join(",")')" = mounted ] ||
	fail "kesu devices: $Z codes $(listed "$Z" .in_use_codes)"
unmount "$WORK/mnt2"
MOUNTS="$WORK/mnt"
losetup -d "$Z"
LOOPS=${LOOPS#"$Z "}
ok "an image file on a loop device's file system, backing a mounted loop device, is refused"

unmount "$WORK/mnt"
MOUNTS=""
sync
sum0=$(devsum "$B")
e2fsck -fn "$Y" > /dev/null 2>&1 || fail "file system on $Y damaged"

# unmounted, Y still reads from B
refuse "backing device of a loop device" "$B is the backing device of $Y" "$B"
[ "$(devsum "$B")" = "$sum0" ] || fail "$B changed under $Y"
e2fsck -fn "$Y" > /dev/null 2>&1 || fail "file system on $Y damaged after the refusal"
[ "$(listed "$B" '.in_use_codes | join(",")')" = loop-backing ] ||
	fail "kesu devices: unmounted: $B codes $(listed "$B" .in_use_codes)"
[ "$(listed "$B" .in_use_reason)" = "$B is the backing device of $Y" ] ||
	fail "kesu devices: unmounted: $B reason $(listed "$B" .in_use_reason)"
[ "$(listed "$Y" .in_use)" = false ] || fail "kesu devices: $Y in use with nothing on it"
ok "the backing device of an unmounted loop device is still refused"

# once Y is gone, B is free and is erased
losetup -d "$Y"
LOOPS=${LOOPS#"$Y "}
"$KESU" erase --yes --quiet --method zero "$B" > /dev/null 2> "$WORK/err" ||
	{ cat "$WORK/err" >&2; fail "$B not erased once nothing is stacked on it"; }
[ "$(devsum "$B")" = "$(head -c $((64 * MiB)) /dev/zero | sha256sum | cut -d' ' -f1)" ] ||
	fail "$B not zero after the erase"
ok "with the loop device above it detached, $B is erased"
