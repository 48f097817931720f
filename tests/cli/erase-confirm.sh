#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu erase asks before it writes: no terminal and no --yes, or a wrong
# answer on a terminal, leaves the device as it was (sha256sum); the right
# answer erases it (cmp). --dry-run prints the plan and writes nothing.
. "$(dirname "$0")/lib.sh"
set -e
command -v script >/dev/null || skip "script (util-linux) missing"

size=$((8 * 1024 * 1024))
dev=$(mkloop $size)
sum0=$(devsum "$dev")

# untouched WHAT: the device still holds its random contents
untouched() {
	[ "$(devsum "$dev")" = "$sum0" ] || fail "$1: the device was written"
}

# on_tty ANSWER ARGS...: run kesu erase ARGS on a pseudo-terminal, typing ANSWER
on_tty() {
	answer=$1
	shift
	printf '%s\n' "$answer" | script -qec "$KESU erase $*" /dev/null > "$WORK/tty" 2>&1
}

# no terminal, no --yes
set +e
"$KESU" erase --method zero "$dev" < /dev/null > "$WORK/out" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 4 ] || fail "no terminal: exit $rc, expected 4"
grep -q "without confirmation: use --yes" "$WORK/err" || fail "no terminal: message: $(cat "$WORK/err")"
untouched "no terminal"
ok "without a terminal and --yes: exit 4, nothing written"

# a terminal, wrong answers: the serial is absent, so the size is asked for
for answer in 123 "" $((size - 1)) "${size}0" yes; do
	expect_rc 4 on_tty "$answer" --method zero "$dev"
	grep -q "$size" "$WORK/tty" || fail "the prompt does not show the size in bytes"
	untouched "answer '$answer'"
done
ok "a wrong answer on a terminal: exit 4, nothing written"

# --dry-run, with and without a terminal
set +e
"$KESU" erase --dry-run --method dod3 --blank "$dev" < /dev/null > "$WORK/out" 2>&1
rc=$?
set -e
[ $rc -eq 0 ] || fail "dry run: exit $rc"
grep -q "$dev" "$WORK/out" || fail "dry run: the plan does not name $dev"
grep -q dod3 "$WORK/out" || fail "dry run: the plan does not name the method"
grep -q "$size" "$WORK/out" || fail "dry run: the plan does not show the size"
untouched "dry run"
# nothing typed: a dry run does not ask
expect_rc 0 script -qec "$KESU erase --dry-run --method zero $dev" /dev/null < /dev/null > /dev/null
untouched "dry run on a terminal"
expect_rc 0 "$KESU" erase --dry-run --yes --method zero "$dev" > /dev/null 2>&1
untouched "dry run with --yes"
ok "--dry-run: exit 0, plan printed, nothing written"

# the right answer
expect_rc 0 on_tty "$size" --method zero "$dev"
cmp -n $size "$dev" /dev/zero || fail "confirmed erase: not every byte is zero"
ok "the size typed on a terminal confirms: exit 0, device zeroed"

# on a terminal the default progress is a bar per pass: percent, MiB/s, ETA
grep -q "$dev .*pass 1/1 write .*\] *100% .*MiB/s ETA" "$WORK/tty" ||
	fail "no write progress bar on the terminal: $(tr '\r\033' '  ' < "$WORK/tty" | tail -5)"
grep -q "$dev .*pass 1/1 verify .*\] *100% .*MiB/s ETA" "$WORK/tty" ||
	fail "no verify progress bar on the terminal"
expect_rc 0 on_tty "$size" --method zero --quiet "$dev"
grep -q "MiB/s" "$WORK/tty" && fail "--quiet still shows progress"
ok "a progress bar per pass on a terminal, none with --quiet"
