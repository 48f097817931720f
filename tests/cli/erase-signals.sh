#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase and the signals that killed it with no report: SIGHUP (a closed
# terminal or ssh session) stops it like SIGTERM, with exit 7 and a report
# that says "aborted"; SIGPIPE (progress into `| head -1`) does not stop it
# at all: the erasure runs to its end, exits 0 and writes its report.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
size=$((128 * MiB))
slow="--queue-depth 1 --block-size 64K"

# SIGHUP mid-erase
dev=$(mkloop $size)
mkdir "$WORK/rep"
# shellcheck disable=SC2086
env --default-signal=INT,TERM,HUP "$KESU" erase --yes --progress=json --method random $slow \
	--report "$WORK/rep/r.json" "$dev" 2> "$WORK/err" &
pid=$!
# once the write has begun, whatever the machine's load
i=0
while ! grep -q '"phase":"write".*"done":[1-9]' "$WORK/err" && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -0 $pid 2>/dev/null || fail "kesu erase finished before the signal"
kill -HUP $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 7 ] || fail "SIGHUP: exit $rc, expected 7: $(cat "$WORK/err")"
[ "$(ls "$WORK/rep")" = r.json ] || fail "SIGHUP: report directory holds: $(ls "$WORK/rep")"
[ "$(jqf "$WORK/rep/r.json" .result)" = aborted ] ||
	fail "SIGHUP: result $(jqf "$WORK/rep/r.json" .result)"
# the signal may come during the write or the read-back: either way the
# erasure is not verified, and the report says which signal stopped it
[ "$(jqf "$WORK/rep/r.json" .verification.verified)" = false ] || fail "SIGHUP: marked verified"
jqf "$WORK/rep/r.json" .result_reason | grep -q SIGHUP ||
	fail "SIGHUP: result_reason $(jqf "$WORK/rep/r.json" .result_reason)"
ok "SIGHUP stops kesu erase: exit 7, a report that says aborted"

# progress into `head -1`: the erasure goes on to its end and its report
dev2=$(mkloop $((64 * MiB)))
set +e
# shellcheck disable=SC2086
{ "$KESU" erase --yes --method zero --progress=json $slow --report "$WORK/r2.json" "$dev2" \
	2>&1; echo $? > "$WORK/rc"; } | head -1 > "$WORK/first"
set -e
rc=$(cat "$WORK/rc")
[ "$rc" -eq 0 ] || fail "erase --progress=json | head -1: exit $rc, expected 0"
jq -e '.phase == "write"' "$WORK/first" >/dev/null || fail "first line: $(cat "$WORK/first")"
[ "$(jqf "$WORK/r2.json" .result)" = success ] || fail "result $(jqf "$WORK/r2.json" .result)"
cmp -n $((64 * MiB)) "$dev2" /dev/zero || fail "$dev2 not zeroed"
ok "kesu erase --progress=json 2>&1 | head -1: exit 0, the device erased, a report"

# --json with --progress=json: stdout holds the report alone
# shellcheck disable=SC2086
expect_rc 0 "$KESU" erase --yes --method zero --json --progress=json "$dev2" \
	> "$WORK/out" 2> "$WORK/err"
jq -se 'length == 1 and .[0].result == "success"' "$WORK/out" >/dev/null ||
	fail "stdout is not one report: $(head -c 300 "$WORK/out")"
grep -q '"phase":"write"' "$WORK/err" || fail "no progress on stderr"
ok "kesu erase --json --progress=json: the report alone on stdout, progress on stderr"

# -q means quiet, before or after --progress=json
for args in "-q --progress=json" "--progress=json -q"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$KESU" erase --yes --method zero $args "$dev2" > /dev/null 2> "$WORK/err"
	grep -q '"phase"' "$WORK/err" && fail "erase $args printed progress: $(head -2 "$WORK/err")"
done
ok "kesu erase: -q wins over --progress=json in either order"
