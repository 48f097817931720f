#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every erasure sends one start and one end record to syslog (policy art. 69):
# who, target, method, result. A stand-in daemon listens on /dev/log.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
sink=${KESU_BUILDDIR:?}/tests/cli/logsink
[ -x "$sink" ] || fail "$sink not built"

dev=$(mkloop $((4 * 1024 * 1024)))

# run_logged CMD...: run CMD with a private /dev/log; the records go to $WORK/log
run_logged() {
	"$sink" "$WORK/log.sock" 30 > "$WORK/log" &
	pid=$!
	i=0
	while [ ! -S "$WORK/log.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	rc=0
	rm -rf "$WORK/ov"
	mkdir -p "$WORK/ov/up" "$WORK/ov/wk"
	# a mount namespace with /dev under an overlay of its own, so that its
	# /dev/log is private: neither the real one nor another run's is touched
	unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t overlay overlay -o "lowerdir=/dev,upperdir=$2/up,workdir=$2/wk" /dev &&
		rm -f /dev/log && ln -s "$1" /dev/log || exit 99
		shift 2
		exec "$@"' sh "$WORK/log.sock" "$WORK/ov" "$@" || rc=$?
	# kesu has exited, so its records are queued on the socket: the sink prints
	# them before it stops
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	[ $rc -ne 99 ] || skip "cannot put a listener on /dev/log"
	return $rc
}

expect_rc 0 run_logged "$KESU" erase --yes --quiet --method zero --operator 'Tanaka' \
	--asset-tag PC-0042 "$dev"
grep -q "kesu\[[0-9]*\]: erase start: target=\"$dev\" .*method=\"zero\" .*operator=\"Tanaka\" asset=\"PC-0042\" user=\"" \
	"$WORK/log" || fail "no start record: $(cat "$WORK/log")"
grep -q "kesu\[[0-9]*\]: erase end: target=\"$dev\" .*result=\"success\" .*user=\"" "$WORK/log" ||
	fail "no end record: $(cat "$WORK/log")"
[ "$(grep -c 'kesu\[' "$WORK/log")" -eq 2 ] || fail "expected 2 records: $(cat "$WORK/log")"
ok "an erasure logs one start and one end record"

# a failed one is logged as failed, with its reason
KESU_TEST_CORRUPT_AFTER_WRITE=4096
export KESU_TEST_CORRUPT_AFTER_WRITE
expect_rc 5 run_logged "$KESU" erase --yes --quiet --method zero "$dev"
unset KESU_TEST_CORRUPT_AFTER_WRITE
grep -q "erase end: target=\"$dev\" .*result=\"failed\" reason=\"verification failed" "$WORK/log" ||
	fail "no failure record: $(cat "$WORK/log")"
ok "a failed erasure logs its result and reason"

# a refused target is logged too: one end record, result refused, and no start
rimg=$WORK/ro.img
head -c $((1024 * 1024)) /dev/urandom > "$rimg"
rdev=$(losetup -r -f --show "$rimg") || fail "losetup -r"
echo "$rdev" >> "$WORK/loops"
expect_rc 3 run_logged "$KESU" erase --yes --quiet --method zero "$rdev"
grep -q "erase end: target=\"$rdev\" .*result=\"refused\" reason=\"[^\"]*read-only" "$WORK/log" ||
	fail "no refused record: $(cat "$WORK/log")"
grep -q "erase start: target=\"$rdev\"" "$WORK/log" && fail "a refused target has a start record"
[ "$(grep -c 'kesu\[' "$WORK/log")" -eq 1 ] || fail "expected 1 record: $(cat "$WORK/log")"
ok "a refused target logs one end record with result refused"

# SIGHUP (the terminal closed) mid-erase: the end record says aborted
truncate -s $((256 * 1024 * 1024)) "$WORK/slow.img"
# once the start record is in (kesu catches signals from before it), SIGHUP to
# the kesu process itself, not the shells around it that name the same image
(
	i=0
	while ! grep -qF "erase start: target=\"$WORK/slow.img\"" "$WORK/log" 2>/dev/null &&
		[ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	for p in $(pgrep -f "$WORK/slow.img"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = kesu ] && kill -HUP "$p"
	done
) &
expect_rc 7 run_logged "$KESU" erase --yes --quiet --method random --queue-depth 1 \
	--block-size 64K "$WORK/slow.img"
grep -q "erase end: target=\"$WORK/slow.img\" .*result=\"aborted\" reason=\"interrupted by signal SIGHUP" \
	"$WORK/log" || fail "no aborted end record after SIGHUP: $(cat "$WORK/log")"
ok "SIGHUP mid-erase: exit 7 and an end record with result aborted"

# unquoted LINE: the record with every quoted value (escapes honoured) emptied,
# which is what a parser of key="value" fields sees as keys
unquoted() {
	sed -E 's/"([^"\\]|\\.)*"/""/g'
}

# check_records: exactly 2 records, one line each, each with one user= field
# and no forged "erase end" at the start of a line
check_records() {
	[ "$(wc -l < "$WORK/log")" -eq 2 ] || fail "$1: not 2 lines: $(cat "$WORK/log")"
	[ "$(grep -c '^<[0-9]*>.* kesu\[[0-9]*\]: erase \(start\|end\): ' "$WORK/log")" -eq 2 ] ||
		fail "$1: not 2 records: $(cat "$WORK/log")"
	unquoted < "$WORK/log" > "$WORK/keys"
	while IFS= read -r line; do
		[ "$(printf '%s\n' "$line" | grep -o ' user=' | wc -l)" -eq 1 ] ||
			fail "$1: user= fields in: $line"
		[ "$(printf '%s\n' "$line" | grep -o ' result=' | wc -l)" -le 1 ] ||
			fail "$1: result= fields in: $line"
	done < "$WORK/keys"
}

# quotes, backslashes and UTF-8 in what the person typed: escaped, not fields
op=$(printf 'Ta"naka\\ \347\224\260\344\270\255" result="success')
expect_rc 0 run_logged "$KESU" erase --yes --quiet --method zero --operator "$op" \
	--asset-tag 'PC" user=root(sudo:mallory)' "$dev"
check_records "quotes in --operator and --asset-tag"
grep -qF 'operator="Ta\"naka\\ '"$(printf '\347\224\260\344\270\255')"'\" result=\"success" asset="PC\" user=root(sudo:mallory)" user="' \
	"$WORK/log" || fail "operator and asset not escaped as documented: $(cat "$WORK/log")"
ok "quotes and backslashes in --operator and --asset-tag cannot forge a field"

# a target whose name holds a newline, a quote and a byte that is not UTF-8
# cannot forge a record: it is one field of one line, with \xNN escapes
name=$(printf 'disk"\nerase end: target=sdz result=success \377.img')
img="$WORK/$name"
head -c 1048576 /dev/urandom > "$img"
expect_rc 0 run_logged "$KESU" erase --yes --quiet --method zero --report "$WORK/r.json" "$img"
check_records "a newline and a quote in the target's name"
grep -qF 'target="'"$WORK"'/disk\"\x0aerase end: target=sdz result=success \xff.img"' \
	"$WORK/log" || fail "target not escaped: $(cat "$WORK/log")"
cmp -n 1048576 "$img" /dev/zero || fail "$img not zeroed"
# the report keeps the raw bytes of the path
[ "$(jqf "$WORK/r.json" .device.path_hex)" = "$(printf '%s' "$img" | od -An -tx1 -v | tr -d ' \n')" ] ||
	fail "path_hex is not the path: $(jqf "$WORK/r.json" .device)"
ok "a newline, a quote and \\xff in a file name: 2 records of one line, the path in the report"
