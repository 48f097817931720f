#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase with three targets in one run: one report each in --report-dir,
# JSON progress for each, every device zeroed (cmp); a mounted one among
# them is refused without stopping the others.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"

MiB=1048576
size=$((8 * MiB))
d1=$(mkloop $size)
d2=$(mkloop $size)
d3=$(mkloop $((size + 4096)))

# reports DIR: "PATH RESULT" per report in DIR, sorted
reports() {
	for f in "$1"/*.json; do
		[ -f "$f" ] || continue
		jq -r '"\(.device.path) \(.result)"' "$f" || fail "$f is not JSON"
	done | sort
}

mkdir "$WORK/rd"
set +e
"$KESU" erase --yes --method zero --progress=json --report-dir "$WORK/rd" \
	"$d1" "$d2" "$d3" > /dev/null 2> "$WORK/stderr"
rc=$?
set -e
# progress lines go to stderr, with the messages
grep '^{' "$WORK/stderr" > "$WORK/progress" || true
grep -v '^{' "$WORK/stderr" > "$WORK/err" || true
[ $rc -eq 0 ] || { cat "$WORK/err" >&2; fail "three targets: exit $rc"; }
cmp -n $size "$d1" /dev/zero || fail "$d1 not zeroed"
cmp -n $size "$d2" /dev/zero || fail "$d2 not zeroed"
cmp -n $((size + 4096)) "$d3" /dev/zero || fail "$d3 not zeroed"
[ "$(find "$WORK/rd" -type f | wc -l)" -eq 3 ] || fail "report dir holds: $(ls "$WORK/rd")"
printf '%s success\n' "$d1" "$d2" "$d3" | sort > "$WORK/want"
reports "$WORK/rd" > "$WORK/got"
cmp -s "$WORK/want" "$WORK/got" || fail "reports: $(cat "$WORK/got")"
for d in "$d1" "$d2" "$d3"; do
	[ -n "$(find "$WORK/rd" -name "${d##*/}-*.json")" ] || fail "no report named after ${d##*/}"
done
[ "$(jq -r .device.size_bytes "$WORK/rd/${d3##*/}"-*.json)" -eq $((size + 4096)) ] ||
	fail "the report of $d3 has another device's size"
ok "three targets: exit 0, three reports, all zeroed"

# every progress line is a JSON object with integer counters
n=$(wc -l < "$WORK/progress")
[ "$n" -ge 6 ] || fail "$n progress lines for three targets"
jq -se --argjson n "$n" 'length == $n and all(.[]; type == "object"
	and (.target | type == "string") and (.phase == "write" or .phase == "verify")
	and ([.pass, .passes, .done, .total, .percent] | all(type == "number" and . == floor))
	and .done <= .total and .percent >= 0 and .percent <= 100)' "$WORK/progress" \
	>/dev/null || fail "progress lines not as documented: $(head -3 "$WORK/progress")"
for d in "$d1" "$d2" "$d3"; do
	for ph in write verify; do
		jq -se --arg t "$d" --arg p $ph 'any(.[]; .target == $t and .phase == $p)' \
			"$WORK/progress" >/dev/null || fail "no $ph progress for $d"
	done
	[ "$(jq --arg t "$d" 'select(.target == $t and .phase == "write") | .total' \
		"$WORK/progress" | sort -u)" -eq "$(blockdev --getsize64 "$d")" ] ||
		fail "progress total for $d"
done
ok "--progress=json: one object per line for each target and phase"

# the second of three is mounted: refused, the other two still erased
mkfs.ext4 -q -F "$d2" 4M
tail0=$(dd if="$d2" iflag=direct bs=1M skip=4 status=none | sha256sum)
mkdir "$WORK/mnt"
mount "$d2" "$WORK/mnt"
MOUNTS="$WORK/mnt"
for d in "$d1" "$d3"; do
	head -c $size /dev/urandom | dd of="$d" bs=1M oflag=direct status=none
done
rm -f "$WORK"/rd/*
set +e
"$KESU" erase --yes --quiet --method zero --report-dir "$WORK/rd" "$d1" "$d2" "$d3" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 3 ] || fail "one mounted of three: exit $rc, expected 3"
grep -q "$d2.*mounted" "$WORK/err" || fail "no message about $d2 being mounted"
cmp -n $size "$d1" /dev/zero || fail "$d1 not zeroed next to a refused target"
cmp -n $((size + 4096)) "$d3" /dev/zero || fail "$d3 not zeroed next to a refused target"
umount "$WORK/mnt"
MOUNTS=""
[ "$(dd if="$d2" iflag=direct bs=1M skip=4 status=none | sha256sum)" = "$tail0" ] ||
	fail "the refused $d2 was written"
e2fsck -fn "$d2" >/dev/null 2>&1 || fail "the file system on the refused $d2 is damaged"
reports "$WORK/rd" | grep -q "^$d1 success$" || fail "no success report for $d1"
reports "$WORK/rd" | grep -q "^$d3 success$" || fail "no success report for $d3"
reports "$WORK/rd" | grep -q "^$d2 success$" && fail "a success report for the refused $d2"
ok "a mounted target is refused (exit 3) and the other two are erased"

# the same device twice, once through a symlink: refused before anything is written
ln -s "$d1" "$WORK/alias"
head -c $size /dev/urandom | dd of="$d1" bs=1M oflag=direct status=none
before=$(devsum "$d1")
expect_rc 2 "$KESU" erase --yes --quiet --method zero "$d1" "$WORK/alias" 2> "$WORK/err"
grep -q "same target" "$WORK/err" || fail "no message about the same target: $(cat "$WORK/err")"
[ "$(devsum "$d1")" = "$before" ] || fail "$d1 was written although named twice"
ok "one device named twice is refused and left untouched"
