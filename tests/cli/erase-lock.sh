#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An image file being erased is locked: kesu erase refuses (exit 3) a file
# another process holds an OFD lock on, and a second kesu erase of a file
# the first is still erasing, and neither changes a byte (sha256sum, cmp).
# A read-only block device (losetup -r) is refused with exit 3 before
# anything is written.
. "$(dirname "$0")/lib.sh"
set -e
HOLD=${KESU_BUILDDIR:-$(dirname "$KESU")}/tests/cli/holdexcl
[ -x "$HOLD" ] || skip "$HOLD not built (make check builds it)"

MiB=1048576

# wait_for WHAT CMD...: poll CMD for up to 10 s
wait_for() {
	what=$1
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "$what: not after 10 s"
		sleep 0.1
	done
}

# erase_refused WHAT TARGET WORD: kesu erase must exit 3, say WORD and leave
# TARGET as it was
erase_refused() {
	before=$(sha256sum < "$2")
	expect_rc 3 "$KESU" erase --yes --quiet --method zero "$2" 2> "$WORK/err"
	[ "$(sha256sum < "$2")" = "$before" ] || fail "$1: the target changed"
	grep -qi "$3" "$WORK/err" || fail "$1: no '$3' in: $(cat "$WORK/err")"
}

# another process holds the lock
img=$WORK/disk.img
head -c $((8 * MiB)) /dev/urandom > "$img"
"$HOLD" --lock "$img" 60 > "$WORK/held" &
holder=$!
wait_for "holdexcl --lock" grep -q held "$WORK/held"
erase_refused "locked image" "$img" busy
kill $holder
wait $holder 2>/dev/null || true
ok "an image locked by another process is refused and untouched"
expect_rc 0 "$KESU" erase --yes --quiet --method zero "$img"
cmp -n $((8 * MiB)) "$img" /dev/zero || fail "unlocked image: not erased"
ok "the same image, once released, is erased"

# two kesu erase runs of one image at once: the second is refused, and the
# image holds what the first wrote; the first runs slowly (4 KiB requests,
# one at a time) and the second starts once its lock shows in /proc/locks
size=$((128 * MiB))
img=$WORK/big.img
head -c $size /dev/urandom > "$img"
ino=$(stat -c %i "$img")
"$KESU" erase --yes --quiet --method one --verify all --queue-depth 1 --block-size 4K \
	"$img" 2> "$WORK/first.err" &
first=$!
wait_for "the first erase's lock" grep -q "OFDLCK.*WRITE.*:$ino " /proc/locks
# the first one is writing it: the contents are judged when it is done
expect_rc 3 "$KESU" erase --yes --quiet --method zero "$img" 2> "$WORK/err"
grep -qi busy "$WORK/err" || fail "second erase: no 'busy' in: $(cat "$WORK/err")"
set +e
wait $first
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$WORK/first.err" >&2; fail "first erase: exit $rc"; }
head -c $size /dev/zero | tr '\000' '\377' > "$WORK/ones"
cmp "$img" "$WORK/ones" || fail "the image does not hold what the first erase wrote"
ok "a second erase of an image being erased is refused; the first one's ones are intact"

# a read-only loop device
head -c $((8 * MiB)) /dev/urandom > "$WORK/ro.img"
ro=$(losetup -f --show -r "$WORK/ro.img") || fail "losetup -r failed"
echo "$ro" >> "$WORK/loops"
[ "$(blockdev --getro "$ro")" = 1 ] || fail "$ro is not read-only"
sum0=$(devsum "$ro")
erase_refused "read-only device" "$ro" read-only
[ "$(devsum "$ro")" = "$sum0" ] || fail "read-only device: contents changed"
ok "a read-only loop device is refused with exit 3 and untouched"
