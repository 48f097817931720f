#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu encrypt/decrypt show their progress on a terminal: a bar with a
# percentage, the bytes done, MiB/s and the time left for a file; bytes and
# MiB/s only for a pipe; nothing when standard error is not a terminal or
# with -q; JSON lines with --progress=json. The input is slowed by a test
# hook (a file) or fed slowly (a FIFO), so that the work lasts long enough
# for the bar to appear; nothing here depends on how long it takes.
. "$(dirname "$0")/lib.sh"
set -e

need_test_hooks
command -v age >/dev/null || skip "age missing (scripts/install-deps)"
command -v jq >/dev/null || skip "jq missing (scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 missing (scripts/install-deps)"
PTY="python3 ${KESU_SRCDIR:?}/tests/cli/ptyrun.py"
cd "$WORK"

age-keygen -o a.key 2> /dev/null
apub=$(age-keygen -y a.key)
# 128 reads of 64 KiB, each after 20 ms: the bar's first second is long past
head -c $((8 << 20)) /dev/urandom > in
export KESU_TEST_SLOW_READ=20

# a percentage strictly between 0 and 100 on the terminal's screen
partial() { tr '\r' '\n' < "$1" | grep -qE '\[[#.]+\] +([1-9]|[1-9][0-9])% '; }

$PTY "$KESU" encrypt -r "$apub" -o in.age in > tty.out || { cat tty.out; fail "encrypt on a pty"; }
partial tty.out || { cat -v tty.out; fail "encrypt: no percentage between 1 and 99"; }
grep -q "MiB/s ETA [0-9]" tty.out || { cat -v tty.out; fail "encrypt: no throughput or ETA"; }
grep -q "8.0 MiB" tty.out || { cat -v tty.out; fail "encrypt: no bytes done"; }
age -d -i a.key in.age | cmp - in || fail "what was encrypted with a bar does not decrypt"
$PTY "$KESU" decrypt -i a.key -o out in.age > tty.out || { cat tty.out; fail "decrypt on a pty"; }
partial tty.out || { cat -v tty.out; fail "decrypt: no percentage between 1 and 99"; }
cmp out in || fail "decrypted with a bar: wrong plaintext"
rm out
ok "a file on a terminal: a bar between 1% and 99% with bytes, MiB/s and ETA"

# a FIFO has no size: bytes and throughput, no percentage, no ETA
mkfifo fifo
head -c $((4 << 20)) in > in4
(
	i=0
	while [ $i -lt 64 ]; do
		dd if=in bs=64k skip=$i count=1 status=none
		sleep 0.05
		i=$((i + 1))
	done
) > fifo &
feeder=$!
$PTY "$KESU" encrypt -r "$apub" -o fifo.age fifo > tty.out || { cat tty.out; fail "a FIFO on a pty"; }
wait $feeder
tr '\r' '\n' < tty.out | grep -qE '^.*fifo +encrypt +[0-9.]+ MiB +[0-9]+ MiB/s' ||
	{ cat -v tty.out; fail "a FIFO: no bytes and throughput"; }
grep -qE '%|ETA' tty.out && { cat -v tty.out; fail "a FIFO: a percentage or ETA without a size"; }
age -d -i a.key fifo.age | cmp - in4 || fail "what came through the FIFO does not decrypt"
ok "a FIFO on a terminal: bytes and MiB/s, no percentage"

# not a terminal, or -q: nothing on standard error
"$KESU" encrypt -r "$apub" -o quiet.age in 2> err
[ ! -s err ] || { cat -v err; fail "progress on a standard error that is not a terminal"; }
$PTY "$KESU" encrypt -q -r "$apub" -o quiet2.age in > tty.out
[ ! -s tty.out ] || { cat -v tty.out; fail "-q on a terminal: something was shown"; }
$PTY "$KESU" decrypt -q --progress=bar -i a.key -o out in.age > tty.out
[ ! -s tty.out ] || { cat -v tty.out; fail "-q --progress=bar: something was shown"; }
rm out
ok "nothing when standard error is not a terminal, nor with -q"

# --progress=json: one object a line, the last final with all of the input
"$KESU" decrypt --progress=json -i a.key -o out in.age 2> json
jq -e . json > /dev/null || { cat json; fail "--progress=json: not JSON lines"; }
[ "$(jq -s 'map(select(.final)) | length' json)" = 1 ] || fail "not exactly one final line"
[ "$(jq -s 'map(select(.final | not)) | length' json)" -ge 1 ] || fail "no line before the end"
size=$(stat -c %s in.age)
jq -e -s --argjson n "$size" 'last | .final and .done == $n and .total == $n and .percent == 100
	and .phase == "decrypt" and .target == "in.age"' json > /dev/null ||
	{ cat json; fail "the final line is not all of the input"; }
jq -e -s 'all(.[]; .done <= .total and .percent >= 0 and .percent <= 100)' json > /dev/null ||
	{ cat json; fail "a line beyond its total"; }
expect_rc 2 "$KESU" encrypt --progress=fancy -r "$apub" -o x in 2> /dev/null
ok "--progress=json: lines that jq reads, the last one final with the whole input"
