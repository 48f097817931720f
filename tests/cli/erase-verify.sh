#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Read-back verification catches data changed behind kesu's back, in
# kesu erase --verify and in kesu verify; the modes read what they claim.
# The device contents are checked with cmp and od, the amount read and
# written with the kernel's counters in /sys/block/*/stat.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
size=$((16 * MiB))

# reads DEV, writes DEV: bytes the kernel has read from and written to DEV
reads() {
	awk '{ printf "%.0f\n", $3 * 512 }' "/sys/block/${1#/dev/}/stat"
}
writes() {
	awk '{ printf "%.0f\n", $7 * 512 }' "/sys/block/${1#/dev/}/stat"
}

# block LBA_SIZE OFFSET BYTE: a block of zeros with BYTE (octal) at OFFSET
block() {
	{ head -c "$2" /dev/zero; printf '%b' "\\0$3"; head -c $(($1 - $2 - 1)) /dev/zero; } > "$WORK/blk"
	[ "$(stat -c %s "$WORK/blk")" -eq "$1" ] || fail "bad test block"
}

# poke DEV LBA_SIZE LBA: change one byte inside block LBA, past the page cache
poke() {
	block "$2" 300 001
	dd if="$WORK/blk" of="$1" bs="$2" seek="$3" count=1 conv=notrunc oflag=direct status=none
}

# 1. the test hook rewrites 512 bytes with 0x5a after the write pass
for ss in 512 4096; do
	dev=$(mkloop $size $ss)
	off=$((3 * MiB))
	set +e
	KESU_TEST_CORRUPT_AFTER_WRITE=$off "$KESU" erase --yes --quiet --method zero \
		--force --report "$WORK/r.json" "$dev" 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 5 ] || fail "corrupted after write, sector $ss: exit $rc, expected 5"
	r=$WORK/r.json
	want="[{\"first_lba\":$((off / ss)),\"count\":1}]"
	jq -e --argjson w "$want" '.errors.mismatch == $w' "$r" >/dev/null ||
		fail "sector $ss: mismatch $(jq -c .errors.mismatch "$r"), expected $want"
	[ "$(jqf "$r" .result)" = failed ] || fail "sector $ss: result not failed"
	[ "$(jqf "$r" .verification.verified)" = false ] || fail "sector $ss: claims verified"
	jqf "$r" .result_reason | grep -qi "verif" || fail "sector $ss: result_reason"
	# the report is right about the medium: zeros except 0x5a at the offset
	head -c $size /dev/zero > "$WORK/expect"
	head -c 512 /dev/zero | tr '\000' Z |
		dd of="$WORK/expect" bs=512 seek=$((off / 512)) conv=notrunc status=none
	cmp "$dev" "$WORK/expect" || fail "sector $ss: device is not zeros with the 0x5a block"
	ok "--verify last catches a block changed after the write, sector size $ss"
done

# 2. kesu verify after a zero erase, one byte changed with dd
dev=$(mkloop $size)
expect_rc 0 "$KESU" erase --yes --quiet --method zero "$dev" 2>/dev/null
cmp -n $size "$dev" /dev/zero || fail "zero erase left non-zero bytes"
expect_rc 0 "$KESU" verify --expect zero --quiet "$dev" > /dev/null
poke "$dev" 512 5000
poke "$dev" 512 7000
poke "$dev" 512 7001
poke "$dev" 512 7002
expect_rc 5 "$KESU" verify --expect zero --json "$dev" > "$WORK/v.json"
want='[{"first_lba":5000,"count":1},{"first_lba":7000,"count":3}]'
jq -e --argjson w "$want" '.mismatches == $w' "$WORK/v.json" >/dev/null ||
	fail "verify: mismatches $(jq -c .mismatches "$WORK/v.json"), expected $want"
[ "$(jqf "$WORK/v.json" .result)" = failed ] || fail "verify: result"
[ "$(jqf "$WORK/v.json" .bytes_read)" -eq $size ] || fail "verify: bytes_read"
[ "$(jqf "$WORK/v.json" .mode)" = full ] || fail "verify: mode"
ok "kesu verify lists exactly the changed blocks"

# 3. sampled: the first and the last block are always among the samples
expect_rc 0 "$KESU" erase --yes --quiet --method zero "$dev" 2>/dev/null
last=$((size / 512 - 1))
for lba in 0 $last; do
	poke "$dev" 512 "$lba"
	expect_rc 5 "$KESU" verify --expect zero --sample 10 --json "$dev" > "$WORK/v.json"
	jq -e ".mismatches | any(.first_lba <= $lba and $lba < .first_lba + .count)" \
		"$WORK/v.json" >/dev/null || fail "sample: block $lba not reported"
	[ "$(jqf "$WORK/v.json" .samples)" -ge 1000 ] || fail "sample: fewer than 1000 samples"
	[ "$(jqf "$WORK/v.json" .mode)" = sample ] || fail "sample: mode"
	dd if=/dev/zero of="$dev" bs=512 seek="$lba" count=1 conv=notrunc oflag=direct status=none
done
r0=$(reads "$dev")
expect_rc 0 "$KESU" verify --expect zero --sample 10 --json "$dev" > "$WORK/v.json"
read_bytes=$(($(reads "$dev") - r0))
[ "$(jqf "$WORK/v.json" .bytes_read)" -ge $((size / 10)) ] || fail "sample: under 10%"
[ $read_bytes -ge $((size / 10)) ] || fail "sample: the kernel saw $read_bytes bytes read"
[ $read_bytes -lt $size ] || fail "sample: read the whole device"
ok "kesu verify --sample 10 finds changes in the first and last block"

# 4. --verify all with dod3: three passes written and read back in full
r0=$(reads "$dev")
w0=$(writes "$dev")
expect_rc 0 "$KESU" erase --yes --quiet --method dod3 --verify all --force --report "$WORK/r.json" "$dev" 2>/dev/null
read_bytes=$(($(reads "$dev") - r0))
written=$(($(writes "$dev") - w0))
r=$WORK/r.json
[ "$(jqf "$r" '[.passes[] | select(.verified and .completed and .bytes_verified == '$size')] | length')" -eq 3 ] ||
	fail "dod3: not three verified passes: $(jq -c .passes "$r")"
[ "$(jqf "$r" '[.passes[].pattern] | join(",")')" = zero,one,random ] || fail "dod3: pass patterns"
[ "$(jqf "$r" .verification.bytes_read)" -eq $((3 * size)) ] || fail "dod3: bytes_read"
[ "$(jqf "$r" .verification.verified)" = true ] || fail "dod3: not verified"
[ $read_bytes -ge $((3 * size)) ] || fail "dod3: the kernel saw $read_bytes bytes read"
[ $written -ge $((3 * size)) ] || fail "dod3: the kernel saw $written bytes written"
cmp -s -n $size "$dev" /dev/zero && fail "dod3: ends in zeros, not random"
tr '\000' '\377' < /dev/zero | cmp -s -n $size "$dev" - && fail "dod3: ends in ones, not random"
ok "--verify all reads back each of the three dod3 passes"

# 5. --verify none: written, not read, never a success
r0=$(reads "$dev")
set +e
"$KESU" erase --yes --quiet --method zero --verify none --force --report "$WORK/r.json" "$dev" 2>/dev/null
rc=$?
set -e
[ $rc -eq 8 ] || fail "--verify none: exit $rc, expected 8"
read_bytes=$(($(reads "$dev") - r0))
cmp -n $size "$dev" /dev/zero || fail "--verify none: not written"
[ "$(jqf "$r" .result)" = failed ] || fail "--verify none: result"
jqf "$r" .result_reason | grep -q "not verified" || fail "--verify none: result_reason"
[ "$(jqf "$r" .verification.verified)" = false ] || fail "--verify none: verified"
[ "$(jqf "$r" .verification.bytes_read)" -eq 0 ] || fail "--verify none: bytes_read"
[ $read_bytes -lt $MiB ] || fail "--verify none: the kernel saw $read_bytes bytes read"
ok "--verify none exits 8 with result failed"

# 6. --verify sample:20
r0=$(reads "$dev")
expect_rc 0 "$KESU" erase --yes --quiet --method one --verify sample:20 --force --report "$WORK/r.json" "$dev" 2>/dev/null
read_bytes=$(($(reads "$dev") - r0))
tr '\000' '\377' < /dev/zero | cmp -n $size "$dev" - || fail "sample:20: not every byte is 0xff"
[ "$(jqf "$r" .result)" = success ] || fail "sample:20: result"
[ "$(jqf "$r" .verification.verified)" = true ] || fail "sample:20: verified"
[ "$(jqf "$r" .verification.mode)" = sample ] || fail "sample:20: mode"
[ "$(jqf "$r" .verification.samples)" -ge 1000 ] || fail "sample:20: samples"
[ "$(jqf "$r" .verification.sample_percent)" -eq 20 ] || fail "sample:20: sample_percent"
[ "$(jqf "$r" .verification.bytes_read)" -ge $((size / 5)) ] || fail "sample:20: bytes_read"
[ $read_bytes -ge $((size / 5)) ] || fail "sample:20: the kernel saw $read_bytes bytes read"
[ $read_bytes -lt $size ] || fail "sample:20: the kernel saw the whole device read"
ok "--verify sample:20 reads at least 20% in at least 1000 places"
