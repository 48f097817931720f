#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT and SIGTERM stop kesu erase within a second or two with exit 7 and
# a report that says how far the pass got; cmp confirms the part past that
# point was not written.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
size=$((512 * MiB))

# now_ms: milliseconds since the epoch
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# abort SIG TARGET: erase TARGET slowly, send SIG after 0.3 s, check the outcome
abort() {
	sig=$1 target=$2
	rm -rf "$WORK/rep"
	mkdir "$WORK/rep"
	r=$WORK/rep/r.json
	# emptied here, not by the redirection below: the background job truncates it only
	# once it runs, and the loop must not find the previous run's progress meanwhile
	: > "$WORK/err"
	# a shell without job control starts background commands with SIGINT
	# ignored; a person's Control-C reaches a process that has it at default
	env --default-signal=INT,TERM "$KESU" erase --yes --progress=json --method random \
		--verify last --queue-depth 1 --block-size 64K --report "$r" "$target" \
		2> "$WORK/err" &
	pid=$!
	# signal once the write has begun (the first progress line), however
	# busy the machine is: a fixed sleep raced kesu's start on a loaded host
	i=0
	while ! grep -q '"phase":"write".*"done":[1-9]' "$WORK/err" && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -0 $pid 2>/dev/null || fail "$sig: kesu finished before the signal"
	t0=$(now_ms)
	kill -"$sig" $pid
	set +e
	wait $pid
	rc=$?
	set -e
	took=$(($(now_ms) - t0))
	[ $rc -eq 7 ] || fail "$sig: exit $rc, expected 7"
	# how fast it stops is printed, not asserted (a shared machine is noisy); that it
	# stopped is shown by the pass not being completed below
	[ "$(ls "$WORK/rep")" = r.json ] || fail "$sig: report directory holds $(ls "$WORK/rep")"
	[ "$(jqf "$r" .result)" = aborted ] || fail "$sig: result $(jqf "$r" .result)"
	jqf "$r" .result_reason | grep -qi signal || fail "$sig: result_reason $(jqf "$r" .result_reason)"
	[ "$(jqf "$r" '.passes[0].completed')" = false ] || fail "$sig: pass marked completed"
	[ "$(jqf "$r" .verification.verified)" = false ] || fail "$sig: marked verified"
	written=$(jqf "$r" '.passes[0].bytes_written')
	[ "$written" -gt 0 ] || fail "$sig: nothing written before the signal"
	[ "$written" -lt $size ] || fail "$sig: bytes_written $written, size $size"
	# the report does not overstate: what it counts is on the medium...
	cmp -s -n $((written < MiB ? written : MiB)) "$target" /dev/zero &&
		fail "$sig: the start of the target is still zeros"
	# ...and beyond it, past the requests that may have been in flight,
	# the target still holds its zeros (32 MiB there and the last MiB)
	past=$((written + MiB))
	cmp -i $past:0 -n $((32 * MiB)) "$target" /dev/zero ||
		fail "$sig: data written past the $written bytes of the report"
	cmp -i $((size - MiB)):0 -n $MiB "$target" /dev/zero ||
		fail "$sig: the end of the target was written"
	ok "$sig stops the erase of $target after $took ms at $written of $size bytes"
}

img=$WORK/disk.img
truncate -s $size "$img"
abort INT "$img"
[ "$(jqf "$r" .device.kind)" = file ] || fail "device.kind"

img2=$WORK/loop.img
truncate -s $size "$img2"
dev=$(losetup -f --show --direct-io=on "$img2") || fail "losetup"
LOOPS="$dev"
abort TERM "$dev"
[ "$(jqf "$r" .device.kind)" = block ] || fail "device.kind"
