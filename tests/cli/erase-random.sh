#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase with the default random method: no 4 KiB block of the old
# contents survives anywhere on the device, and what replaces it is neither
# zeros nor a repeating block. Checked with od, sort, comm and gzip.
. "$(dirname "$0")/lib.sh"
set -e
# sort and comm must agree on the order
LC_ALL=C; export LC_ALL
command -v jq >/dev/null || skip "jq missing"
command -v gzip >/dev/null || skip "gzip missing"

# blocks FILE OUT: one line of hex per 4 KiB block of FILE, sorted, in OUT
blocks() {
	od -An -v -tx8 -w4096 "$1" | sort > "$2"
}

# not a multiple of 1 MiB, so the last request is a short one
size=$((8 * 1024 * 1024 + 3 * 4096))
nblocks=$((size / 4096))
for ss in 512 4096; do
	dev=$(mkloop $size $ss)
	dd if="$dev" iflag=direct bs=1M status=none > "$WORK/before"
	[ "$(stat -c %s "$WORK/before")" -eq $size ] || fail "short read of $dev"
	blocks "$WORK/before" "$WORK/before.blk"
	[ "$(uniq "$WORK/before.blk" | wc -l)" -eq $nblocks ] ||
		fail "the random fill should make every block distinct"

	rm -f "$WORK/r.json"
	expect_rc 0 "$KESU" erase --yes --quiet --force --report "$WORK/r.json" "$dev"
	[ "$(blockdev --getsize64 "$dev")" -eq $size ] || fail "size changed"
	dd if="$dev" iflag=direct bs=1M status=none > "$WORK/after"
	[ "$(stat -c %s "$WORK/after")" -eq $size ] || fail "short read of $dev"

	cmp -s "$WORK/after" /dev/zero && fail "sector $ss: device reads back as zeros"
	blocks "$WORK/after" "$WORK/after.blk"
	survivors=$(comm -12 "$WORK/before.blk" "$WORK/after.blk" | wc -l)
	[ "$survivors" -eq 0 ] || fail "sector $ss: $survivors old 4 KiB blocks survive"
	[ "$(uniq "$WORK/after.blk" | wc -l)" -eq $nblocks ] ||
		fail "sector $ss: the random pass repeats 4 KiB blocks"
	# a keystream does not compress; zeros or a short pattern would
	packed=$(gzip -1 -c "$WORK/after" | wc -c)
	[ "$packed" -gt $((size * 99 / 100)) ] ||
		fail "sector $ss: result compresses to $packed of $size bytes"
	# the last 4 KiB, written by the short last request, changed as well
	tail -c 4096 "$WORK/before" > "$WORK/t0"
	tail -c 4096 "$WORK/after" > "$WORK/t1"
	cmp -s "$WORK/t0" "$WORK/t1" && fail "sector $ss: the last block was not written"

	r=$WORK/r.json
	[ "$(jqf "$r" .result)" = success ] || fail "result is not success"
	[ "$(jqf "$r" .method.name)" = random ] || fail "method name"
	[ "$(jqf "$r" '.method.passes | length')" -eq 1 ] || fail "method passes"
	[ "$(jqf "$r" '.method.passes[0].generator')" = aes-128-ctr ] || fail "generator"
	[ "$(jqf "$r" .verification.verified)" = true ] || fail "not verified"
	[ "$(jqf "$r" .verification.mode)" = last ] || fail "verify mode"
	[ "$(jqf "$r" .verification.bytes_read)" -eq $size ] || fail "bytes_read"
	[ "$(jqf "$r" '.passes[0].bytes_written')" -eq $size ] || fail "bytes_written"
	[ "$(jqf "$r" '.passes[0].completed')" = true ] || fail "pass not completed"
	[ "$(jqf "$r" .device.size_bytes)" -eq $size ] || fail "size_bytes"
	[ "$(jqf "$r" .device.logical_block_size)" -eq $ss ] || fail "logical_block_size"
	ok "random erase of $size bytes, sector size $ss: no old block survives"
	prev=$WORK/after.blk
done

# two random runs use different keys: the second does not rewrite the first
expect_rc 0 "$KESU" erase --yes --quiet "$dev"
dd if="$dev" iflag=direct bs=1M status=none > "$WORK/again"
blocks "$WORK/again" "$WORK/again.blk"
[ "$(comm -12 "$prev" "$WORK/again.blk" | wc -l)" -eq 0 ] ||
	fail "a second random erase wrote blocks of the first"
ok "a second random erase writes a different stream"
