#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Where the report goes. Every destination that cannot take the report is
# found out before the first byte is written (sha256sum of the target shows
# nothing changed); the report file is reserved in its directory while the
# erasure runs; reports never overwrite each other or anything else; and a
# report that still cannot be written at the end is printed on stdout.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
dev=$(mkloop $((4 * MiB)))
sum0=$(devsum "$dev")

# untouched WHAT: the loop device still holds what it held
untouched() {
	[ "$(devsum "$dev")" = "$sum0" ] || fail "$1: the target was written"
}

# refused RC WHAT ARGS...: kesu erase exits RC with a message and writes nothing
refused() {
	want=$1 what=$2; shift 2
	set +e
	"$KESU" erase --yes --quiet --method zero "$@" > "$WORK/out" 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq "$want" ] || { cat "$WORK/err" >&2; fail "$what: exit $rc, expected $want"; }
	[ -s "$WORK/err" ] || fail "$what: no message"
	grep -q '^kesu: ' "$WORK/err" || fail "$what: message not in the kesu: form: $(cat "$WORK/err")"
	untouched "$what"
}

refused 2 'empty --report' --report "" "$dev"
refused 1 'report under /sys' --report /sys/kernel/kesu-r.json "$dev"
[ ! -e /sys/kernel/kesu-r.json ] || fail "a file appeared under /sys"
refused 2 'report that is a directory' --report "$WORK" "$dev"
refused 2 '--report and --report-dir' --report "$WORK/a.json" --report-dir "$WORK" "$dev"
refused 2 'report-dir that is a file' --report-dir "$WORK/loops" "$dev"
refused 1 'missing report-dir' --report-dir "$WORK/no-such-dir" "$dev"
ok "empty, /sys, directory, conflicting and missing destinations: nothing written"

# a full file system: the reservation fails before the erasure starts
mkdir "$WORK/full"
mount -t tmpfs -o size=64k tmpfs "$WORK/full"
MOUNTS="$WORK/full"
dd if=/dev/zero of="$WORK/full/filler" bs=4k 2>/dev/null || true
refused 1 'full file system' --report "$WORK/full/r.json" "$dev"
grep -q "$WORK/full/r.json" "$WORK/err" || fail "full: the message does not name the report"
[ -z "$(find "$WORK/full" -name '.kesu-*')" ] || fail "full: a temporary file was left"
umount "$WORK/full"
MOUNTS=""
ok "a full file system is found out before anything is written"

# a device node, an existing report and the target itself are never replaced
other=$(mkloop $((1 * MiB)))
osum=$(devsum "$other")
refused 2 'report on a device node' --report "$other" "$dev"
[ -b "$other" ] && [ "$(devsum "$other")" = "$osum" ] || fail "the device node was replaced or written"
echo '{"keep":true}' > "$WORK/old.json"
refused 1 'existing report without --force' --report "$WORK/old.json" "$dev"
[ "$(cat "$WORK/old.json")" = '{"keep":true}' ] || fail "the existing report was replaced"
grep -q -- --force "$WORK/err" || fail "existing report: the message does not mention --force"
img=$WORK/self.img
head -c $MiB /dev/urandom > "$img"
isum=$(sha256sum < "$img")
set +e
"$KESU" erase --yes --quiet --method zero --force --report "$img" "$img" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "report over its own target: exit $rc, expected 2"
[ "$(sha256sum < "$img")" = "$isum" ] || fail "the target that was named as its own report changed"
ok "a device node, an existing report and the target itself are refused (exit 2)"

expect_rc 0 "$KESU" erase --yes --quiet --method zero --force --report "$WORK/old.json" "$dev" \
	2>/dev/null
[ "$(jqf "$WORK/old.json" .result)" = success ] || fail "--force: the report was not replaced"
cmp -n $((4 * MiB)) "$dev" /dev/zero || fail "--force: the device was not zeroed"
ok "--force replaces an existing report"

# the report is reserved in its directory while the erasure runs: a file that
# has no name there until it is published (O_TMPFILE), held open by kesu
# held_in PID DIR: the /proc/PID/fd/N of a file PID holds open in DIR
held_in() {
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in "$2"/*) echo "$fd"; return 0 ;; esac
	done
	return 1
}
big=$WORK/big.img
truncate -s $((256 * MiB)) "$big"
mkdir "$WORK/res"
"$KESU" erase --yes --quiet --method random --queue-depth 1 --block-size 64K \
	--report "$WORK/res/r.json" "$big" 2> "$WORK/err" &
pid=$!
i=0
while ! tmp=$(held_in $pid "$WORK/res") && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
[ -n "$tmp" ] || fail "no reserved report file while the erasure runs"
[ "$(stat -L -c %s "$tmp")" -ge 262144 ] || fail "the reserved report holds $(stat -L -c %s "$tmp") bytes"
[ -z "$(ls -A "$WORK/res")" ] || fail "the reserved report has a name before it is complete: $(ls -A "$WORK/res")"
# someone else takes the report's name meanwhile: kesu must not overwrite
# it, and the proof must not be lost either
echo '{"someone":"else"}' > "$WORK/res/r.json"
kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 7 ] || { cat "$WORK/err" >&2; fail "reservation run: exit $rc, expected 7"; }
[ "$(cat "$WORK/res/r.json")" = '{"someone":"else"}' ] || fail "a file that appeared at the report path was overwritten"
grep -q "standard output" "$WORK/err" || fail "no message saying where the report went: $(cat "$WORK/err")"
ok "the report is reserved before the erasure, and never replaces a file that appeared meanwhile"

"$KESU" erase --yes --quiet --method zero --queue-depth 1 --block-size 64K \
	--report "$WORK/res/r2.json" "$big" > "$WORK/rescued" 2> "$WORK/err" &
pid=$!
i=0
while ! held_in $pid "$WORK/res" >/dev/null && [ $i -lt 50 ]; do
	sleep 0.05; i=$((i + 1))
done
echo x > "$WORK/res/r2.json"
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 1 ] || fail "report lost at the end: exit $rc, expected 1"
[ "$(jqf "$WORK/rescued" .result)" = success ] || fail "the report was not printed on stdout: $(head -c 200 "$WORK/rescued")"
[ "$(jqf "$WORK/rescued" .format)" = kesu-report/1 ] || fail "stdout holds no report"
ok "a report that cannot be written at the end is printed on stdout (exit 1)"

# --report-dir: two targets with the same base name, and two runs in the same second
mkdir "$WORK/da" "$WORK/db" "$WORK/rd"
truncate -s $MiB "$WORK/da/disk.img" "$WORK/db/disk.img"
expect_rc 0 "$KESU" erase --yes --quiet --method zero --report-dir "$WORK/rd" \
	"$WORK/da/disk.img" "$WORK/db/disk.img" 2>/dev/null
expect_rc 0 "$KESU" erase --yes --quiet --method zero --report-dir "$WORK/rd" "$WORK/da/disk.img" 2>/dev/null
expect_rc 0 "$KESU" erase --yes --quiet --method zero --report-dir "$WORK/rd" "$WORK/da/disk.img" 2>/dev/null
[ "$(find "$WORK/rd" -name 'disk.img-*.json' | wc -l)" -eq 4 ] || fail "report dir holds: $(ls -a "$WORK/rd")"
[ "$(find "$WORK/rd" -name '.kesu-*' | wc -l)" -eq 0 ] || fail "temporary files left: $(ls -a "$WORK/rd")"
[ "$(for f in "$WORK"/rd/*.json; do jq -r .id "$f"; done | sort -u | wc -l)" -eq 4 ] ||
	fail "report ids are not unique"
for f in "$WORK"/rd/*.json; do
	id=$(jqf "$f" .id)
	case $f in *"$id.json") ;; *) fail "$f: the name does not carry the id $id" ;; esac
	echo "$id" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ||
		fail "$f: id $id is not a UUIDv4"
done
jq -r '.device.path' "$WORK"/rd/*.json | sort | uniq -c | awk '{ print $1 }' | sort | tr '\n' ' ' |
	grep -q '^1 3 $' || fail "reports by path: $(jq -r .device.path "$WORK"/rd/*.json)"
ok "same base names and runs in the same second give four reports, each named by its id"
