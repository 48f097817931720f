#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase on real loop devices, checked with cmp/od, not with kesu itself.
. "$(dirname "$0")/lib.sh"
set -e

# a size that is not a multiple of 1 MiB, on 512- and 4096-byte sectors
for ss in 512 4096; do
	size=$((8 * 1024 * 1024 + 3 * 4096))
	dev=$(mkloop $size $ss)
	expect_rc 0 "$KESU" erase --yes --quiet --method zero --force --report "$WORK/r.json" "$dev"
	[ "$(blockdev --getsize64 "$dev")" -eq $size ] || fail "size changed"
	cmp -n $size "$dev" /dev/zero || fail "sector $ss: not every byte is zero"
	[ "$(jq -r .result "$WORK/r.json")" = success ] || fail "report result"
	[ "$(jq -r .device.logical_block_size "$WORK/r.json")" = $ss ] || fail "report lbs"
	ok "zero erase of $size bytes, sector size $ss"

	expect_rc 0 "$KESU" erase --yes --quiet --method one "$dev"
	cmp -n $size "$dev" /dev/zero >/dev/null 2>&1 && fail "one pass left zeros"
	tr '\000' '\377' < /dev/zero | cmp -n $size "$dev" - || fail "not every byte is 0xff"
	ok "one erase, sector size $ss"
done
