#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole command line, the plan included, is checked before any target
# is looked at: plan errors are usage errors (2) with the real reason,
# whatever the target is; -q silences progress whatever --progress says;
# progress never shares standard output with the report.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"

MiB=1048576
dev=$(mkloop $((8 * MiB)))
sum0=$(devsum "$dev")

# usage WHAT WORD ARGS...: exit 2, a message containing WORD, nothing written
usage() {
	what=$1 word=$2; shift 2
	set +e
	"$KESU" erase --yes --quiet "$@" > /dev/null 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || { cat "$WORK/err" >&2; fail "$what: exit $rc, expected 2"; }
	grep -qi -- "$word" "$WORK/err" || fail "$what: message lacks '$word': $(cat "$WORK/err")"
}

usage "dod3 x 22 passes" "too many passes" -m dod3 -p 22 "$dev"
grep -q "invalid method" "$WORK/err" && fail "dod3 x 22 still called an invalid method"
usage "64 passes and --blank" "too many passes" -m zero -p 64 -b "$dev"
usage "bogus method, missing target" "unknown method" -m bogus "$WORK/no-such-target"
usage "bad pattern" "pattern:HEX" -m pattern:xyz "$dev"
usage "pattern without hex" "pattern:HEX" -m pattern "$dev"
usage "zero with an argument" "no argument" -m zero:00 "$dev"
[ "$(devsum "$dev")" = "$sum0" ] || fail "a rejected plan wrote to the device"

mkfs.ext4 -q -F "$dev"
mkdir "$WORK/mnt"
mount "$dev" "$WORK/mnt"
MOUNTS="$WORK/mnt"
usage "bogus method, mounted target" "unknown method" -m bogus "$dev"
set +e
"$KESU" erase --dry-run -m zero "$dev" > "$WORK/out" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 3 ] || fail "--dry-run on a mounted target: exit $rc, expected 3"
grep -q "would be refused: .*mounted" "$WORK/err" || fail "--dry-run: $(cat "$WORK/err")"
grep -q "method zero" "$WORK/out" || fail "--dry-run printed no plan"
umount "$WORK/mnt"
MOUNTS=""
ok "plan errors exit 2 with their reason, before any target is looked at"

# a missing target is not a usage error, and nothing else in the run is erased
other=$(mkloop $MiB)
osum=$(devsum "$other")
expect_rc 1 "$KESU" erase --yes --quiet -m zero "$other" "$WORK/no-such-target" 2> "$WORK/err"
grep -q "no-such-target" "$WORK/err" || fail "missing target: not named"
[ "$(devsum "$other")" = "$osum" ] || fail "the other target of a run with a missing one was erased"
ok "a missing target stops the run before anything is written (exit 1)"

# -q wins over --progress=json, in either order
for args in "-q --progress=json" "--progress=json -q"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$KESU" erase --yes -m zero $args "$other" > "$WORK/out" 2> "$WORK/err"
	[ ! -s "$WORK/out" ] || fail "$args: stdout: $(head -2 "$WORK/out")"
	grep -q '"phase"' "$WORK/err" && fail "$args: progress printed"
done
ok "-q silences --progress=json in either order"

# --json and --progress=json: stdout holds exactly the report
expect_rc 0 "$KESU" erase --yes -m zero --json --progress=json "$other" > "$WORK/out" 2> "$WORK/err"
[ "$(jq -s length "$WORK/out")" -eq 1 ] || fail "stdout holds $(jq -s length "$WORK/out") documents"
[ "$(jq -r .format "$WORK/out")" = kesu-report/1 ] || fail "stdout is not the report"
grep -q '"phase":"write"' "$WORK/err" || fail "progress did not go to stderr"
ok "--json --progress=json: the report on stdout, progress on stderr"
