#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every erasure sends one start and one end record to syslog (policy art. 69):
# who, target, method, result. A stand-in daemon listens on /dev/log.
. "$(dirname "$0")/lib.sh"
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
	# a mount namespace of its own, so a real /dev/log is neither needed nor touched
	unshare -m sh -c '
		[ -e /dev/log ] || ln -s "$1" /dev/log 2>/dev/null || exit 99
		[ -L /dev/log ] && [ "$(readlink /dev/log)" = "$1" ] && cleanup=1
		[ -n "${cleanup:-}" ] || mount --bind "$1" /dev/log || exit 99
		shift; "$@"; rc=$?
		[ -n "${cleanup:-}" ] && rm -f /dev/log
		exit $rc' sh "$WORK/log.sock" "$@" || rc=$?
	sleep 0.2
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	[ $rc -ne 99 ] || skip "cannot put a listener on /dev/log"
	return $rc
}

expect_rc 0 run_logged "$KESU" erase --yes --quiet --method zero --operator 'Tanaka' \
	--asset-tag PC-0042 "$dev"
grep -q "kesu\[[0-9]*\]: erase start: target=$dev .*method=zero .*operator=\"Tanaka\" asset=\"PC-0042\" user=" \
	"$WORK/log" || fail "no start record: $(cat "$WORK/log")"
grep -q "kesu\[[0-9]*\]: erase end: target=$dev .*result=success .*user=" "$WORK/log" ||
	fail "no end record: $(cat "$WORK/log")"
[ "$(grep -c 'kesu\[' "$WORK/log")" -eq 2 ] || fail "expected 2 records: $(cat "$WORK/log")"
ok "an erasure logs one start and one end record"

# a failed one is logged as failed, with its reason
KESU_TEST_CORRUPT_AFTER_WRITE=4096
export KESU_TEST_CORRUPT_AFTER_WRITE
expect_rc 5 run_logged "$KESU" erase --yes --quiet --method zero "$dev"
unset KESU_TEST_CORRUPT_AFTER_WRITE
grep -q "erase end: target=$dev .*result=failed reason=\"verification failed" "$WORK/log" ||
	fail "no failure record: $(cat "$WORK/log")"
ok "a failed erasure logs its result and reason"
