#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The kesu-report/1 document: operator fields, device facts as blockdev
# sees them, RFC 3339 UTC times, integers only; --json prints the same
# document; the file is replaced by rename, never rewritten in place.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

size=$((8 * 1024 * 1024))
dev=$(mkloop $size)
mkdir "$WORK/rd"
r=$WORK/rd/r.json

# an older report under the same name, with a second link to its inode
echo '{"old":true}' > "$r"
ln "$r" "$WORK/old-link"
ino0=$(stat -c %i "$r")

t0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
expect_rc 0 "$KESU" erase --yes --quiet --method zero --json --force --report "$r" \
	--operator 'Sato "Hanako" 佐藤' --asset-tag 'SRV-0117' --reason lease-return \
	--lease-contract 'L-2026/0412\b' --witness 'Suzuki Ichiro' \
	--location 'Server room B, rack 4' "$dev" > "$WORK/stdout" 2>/dev/null
t1=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cmp -n $size "$dev" /dev/zero || fail "device not zeroed"

jq -e . "$r" >/dev/null || fail "the report is not JSON"
[ "$(ls "$WORK/rd")" = r.json ] || fail "left in the report directory: $(ls "$WORK/rd")"
[ "$(stat -c %i "$r")" != "$ino0" ] || fail "the report was rewritten in place, not renamed over"
[ "$(cat "$WORK/old-link")" = '{"old":true}' ] || fail "the old report was written to"
ok "the report replaces the old file by rename and leaves no temporary file"

jq -e --arg ver "$("$KESU" --version | awk '{ print $2 }')" --arg host "$(uname -n)" '
	.format == "kesu-report/1" and .tool == {"name": "kesu", "version": $ver}
	and .host == $host' "$r" >/dev/null || fail "format, tool or host: $(jq -c '[.format, .tool, .host]' "$r")"
jq -e '.operator == {"name": "Sato \"Hanako\" 佐藤", "asset_tag": "SRV-0117",
	"reason": "lease-return", "lease_contract": "L-2026/0412\\b",
	"witness": "Suzuki Ichiro", "location": "Server room B, rack 4"}' "$r" >/dev/null ||
	fail "operator: $(jq -c .operator "$r")"

# the clock: STA_UNSYNC as adjtimex(2) reports it, read here through libc by python3
if [ "$(uname -m)" = x86_64 ] && sync=$(python3 -c '
import ctypes
buf = ctypes.create_string_buffer(512)  # struct timex: modes 0, read only
if ctypes.CDLL(None, use_errno=True).adjtimex(buf) < 0:
    raise SystemExit(1)
status = int.from_bytes(buf.raw[40:44], "little")  # x86_64: after modes+pad, 4 longs
print("false" if status & 0x40 else "true")' 2>/dev/null); then
	src=unknown
	[ "$sync" = true ] && src=ntp
	jq -e --argjson s "$sync" --arg src "$src" '.clock == {"synchronised": $s, "source": $src}' \
		"$r" >/dev/null || fail "clock: $(jq -c .clock "$r"), adjtimex says synchronised=$sync"
	ok "the report says whether the clock was set by NTP (synchronised=$sync)"
fi
ok "format, tool, host and the six operator fields"

jq -e --arg p "$dev" --argjson size "$(blockdev --getsize64 "$dev")" \
	--argjson lbs "$(blockdev --getss "$dev")" --argjson pbs "$(blockdev --getpbsz "$dev")" '
	.device.path == $p and .device.kind == "block" and .device.size_bytes == $size
	and .device.logical_block_size == $lbs and .device.physical_block_size == $pbs
	and .method.name == "zero" and .method.category == "clear"
	and .method.technique == "overwrite" and .method.blank == false
	and (.method.passes | length) == 1 and .method.passes[0].pattern == "zero"
	and (.method.passes[0] | has("generator") | not)
	and .passes[0].bytes_written == $size and .passes[0].completed
	and .errors == {"write": [], "read": [], "mismatch": []}
	and .result == "success" and .result_reason == null' "$r" >/dev/null ||
	fail "device, method, passes or result: $(jq -c '[.device, .method, .passes, .result]' "$r")"
ok "device facts agree with blockdev; method and result"

rfc3339='^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$'
for k in started finished; do
	v=$(jqf "$r" .$k)
	echo "$v" | grep -Eq "$rfc3339" || fail "$k '$v' is not RFC 3339 UTC"
done
started=$(jqf "$r" .started)
finished=$(jqf "$r" .finished)
# same fixed-width format: string order is time order
[ "$(printf '%s\n' "$t0" "$started" "$finished" "$t1" | sort -c 2>&1)" = "" ] ||
	fail "times out of order: ran $t0..$t1, report $started..$finished"
ok "started and finished are RFC 3339 UTC and within the run"

[ "$(jq '[.. | numbers | select(. != floor)] | length' "$r")" -eq 0 ] || fail "a float in the report"
# jq reads 1.0 as 1: look at the text as well, with the strings taken out
sed -E 's/"([^"\\]|\\.)*"/""/g' "$r" > "$WORK/bare"
grep -q '[0-9]' "$WORK/bare" || fail "no numbers left: the string filter is wrong"
grep -Eq '[0-9][.eE]|[.][0-9]' "$WORK/bare" && fail "a number with a fraction or exponent: $(grep -E '[0-9][.eE]' "$WORK/bare")"
ok "no floats"

[ "$(wc -l < "$WORK/stdout")" -eq 1 ] || fail "--json: not one line on stdout"
jq -S . "$r" > "$WORK/a"
jq -S . "$WORK/stdout" > "$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "--json prints another document than the report"
ok "--json prints the report document on one line"

# without operator options the operator fields are null
expect_rc 0 "$KESU" erase --yes --quiet --method zero --json "$dev" > "$WORK/stdout" 2>/dev/null
jq -e '.operator | to_entries | length == 6 and all(.value == null)' "$WORK/stdout" >/dev/null ||
	fail "operator without options: $(jq -c .operator "$WORK/stdout")"
ok "operator fields are null when not given"

# a report that cannot be written: a read-only file system, a file as directory
mkdir "$WORK/ro"
mount -t tmpfs -o ro,size=1m tmpfs "$WORK/ro"
MOUNTS="$WORK/ro"
dd if=/dev/urandom of="$dev" bs=64k count=16 oflag=direct status=none
before=$(devsum "$dev")
for rep in "$WORK/ro/r.json" "$r/r.json"; do
	set +e
	"$KESU" erase --yes --quiet --method zero --report "$rep" "$dev" > /dev/null 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -ne 0 ] || fail "unwritable report $rep: exit 0"
	grep -q "$rep" "$WORK/err" || fail "unwritable report $rep: no message naming it"
done
[ -z "$(ls -A "$WORK/ro")" ] || fail "something was written to the read-only directory"
# no erasure without its report: the check comes before anything is written
[ "$(devsum "$dev")" = "$before" ] || fail "device written although the report could not be"
ok "an unwritable report path fails with a message, before the device is touched"

# --report takes one target
dev2=$(mkloop $size)
sum2=$(devsum "$dev2")
expect_rc 2 "$KESU" erase --yes --quiet --method zero --report "$WORK/two.json" "$dev" "$dev2" 2>/dev/null
[ ! -e "$WORK/two.json" ] || fail "--report with two targets wrote a report"
[ "$(devsum "$dev2")" = "$sum2" ] || fail "--report with two targets erased $dev2"
ok "--report with two targets exits 2 and erases nothing"

# what was on the medium before (libblkid), checked against blkid itself
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"
mkfs.ext4 -q -F "$dev"
[ "$(blkid -o value -s TYPE "$dev")" = ext4 ] || fail "mkfs.ext4 did not take"
expect_rc 0 "$KESU" erase --yes --quiet --method zero --force --report "$r" "$dev" 2>/dev/null
[ "$(jqf "$r" .device.content)" = ext4 ] || fail "content before: $(jqf "$r" .device.content)"
blkid -p "$dev" >/dev/null 2>&1 && fail "blkid still finds a signature after the erasure"
expect_rc 0 "$KESU" erase --yes --quiet --method zero --force --report "$r" "$dev" 2>/dev/null
[ "$(jqf "$r" .device.content)" = null ] || fail "content of a zeroed device: $(jqf "$r" .device.content)"
ok "the report names what libblkid found before the erasure"
