#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu verify and signals: SIGHUP (a closed terminal or ssh session), SIGINT
# and SIGTERM stop it with exit 7 and, with --json, a document that says
# "aborted"; SIGPIPE (output into `| head -1`) does not kill it: the check
# runs to its end and exits with its own status, not 141.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
size=$((64 * MiB))
dev=$(mkloop $size)
head -c $size /dev/zero | dd of="$dev" bs=1M oflag=direct status=none
# 4 KiB reads one at a time: the check takes seconds, long enough to be
# still running when the signal comes or the reader goes away
slow="--queue-depth 1 --block-size 4K"

# interrupt SIG: kesu verify --json, SIG once it has read something; exit 7 and an
# "aborted" document
interrupt() {
	# empty before kesu starts: the last run's lines must not pass for this one's
	: > "$WORK/err"
	# a shell without job control starts background commands with SIGINT
	# ignored; a person's Control-C reaches a process that has it at default
	# shellcheck disable=SC2086
	env --default-signal=INT,TERM,HUP "$KESU" verify --expect zero --json --progress=json \
		$slow "$dev" > "$WORK/v.json" 2> "$WORK/err" &
	pid=$!
	# the first progress line with bytes read: the check is under way, however
	# busy the machine is (the bound only ends a wait for a kesu that never reads)
	i=0
	while ! grep -q '"phase":"verify".*"done":[1-9]' "$WORK/err" && [ $i -lt 1200 ] &&
		kill -0 $pid 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q '"phase":"verify".*"done":[1-9]' "$WORK/err" ||
		fail "$1: no progress from kesu verify: $(cat "$WORK/err")"
	kill -0 $pid 2>/dev/null || fail "$1: kesu verify finished before the signal"
	kill -"$1" $pid
	set +e
	wait $pid
	rc=$?
	set -e
	[ $rc -eq 7 ] || fail "$1: exit $rc, expected 7: $(cat "$WORK/err")"
	jq -e --arg p "$dev" --argjson size $size '.format == "kesu-verify/1" and .target == $p
		and .result == "aborted" and .bytes_read < $size' "$WORK/v.json" >/dev/null ||
		fail "$1: document: $(cat "$WORK/v.json")"
	grep -q "^kesu: $dev: interrupted by SIG$1, verification aborted after [0-9]* bytes$" \
		"$WORK/err" || fail "$1: message: $(cat "$WORK/err")"
	ok "SIG$1 stops kesu verify: exit 7, --json says aborted"
}
interrupt HUP
interrupt INT
interrupt TERM

# rc_of FILE CMD...: run CMD, its exit status into FILE (the pipeline's is head's)
rc_of() {
	f=$1
	shift
	set +e
	"$@"
	echo $? > "$f"
	set -e
}

# progress and the result line into `head -1`: the first line is progress,
# and kesu, writing into a closed pipe for seconds after, still exits 0
# shellcheck disable=SC2086
rc_of "$WORK/rc" "$KESU" verify --expect zero --progress=json $slow "$dev" 2>&1 |
	head -1 > "$WORK/first"
rc=$(cat "$WORK/rc")
[ "$rc" -eq 0 ] || fail "verify --progress=json | head -1: exit $rc, expected 0"
jq -e '.phase == "verify"' "$WORK/first" >/dev/null || fail "first line: $(cat "$WORK/first")"
ok "kesu verify --progress=json 2>&1 | head -1: exit 0, not 141"

# only the progress into `head -1`: the JSON document still reaches its file
# shellcheck disable=SC2086
rc_of "$WORK/rc" "$KESU" verify --expect zero --json --progress=json $slow "$dev" \
	2>&1 > "$WORK/v.json" | head -1 > "$WORK/first"
rc=$(cat "$WORK/rc")
[ "$rc" -eq 0 ] || fail "verify --json --progress=json 2>&1 >FILE | head -1: exit $rc"
jq -e --argjson size $size '.result == "success" and .bytes_read == $size' "$WORK/v.json" \
	>/dev/null || fail "document after the reader of the progress went away: $(cat "$WORK/v.json")"
ok "progress into a closed pipe: kesu verify goes on, the document is complete"
