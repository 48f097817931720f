#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Text that is not clean UTF-8. What a person types is refused before
# anything is written (exit 2); what comes from a path or a device is kept:
# the report stays valid JSON (jq reads it) with the raw bytes in a *_hex
# field, and the run is never turned into "out of memory".
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
dev=$(mkloop $MiB)
sum0=$(devsum "$dev")
for opt in --operator --asset-tag --witness --location --lease-contract; do
	for bad in "$(printf 'Tanaka\377')" "$(printf 'Ta\nnaka')" "$(printf 'a\033[2Jb')" ""; do
		set +e
		"$KESU" erase --yes --quiet --method zero --report "$WORK/r.json" "$opt" "$bad" \
			"$dev" > /dev/null 2> "$WORK/err"
		rc=$?
		set -e
		[ $rc -eq 2 ] || fail "$opt $(printf %s "$bad" | od -An -c | tr -s ' '): exit $rc, expected 2"
		grep -q "invalid $opt" "$WORK/err" || fail "$opt: message: $(cat "$WORK/err")"
		grep -qi "out of memory" "$WORK/err" && fail "$opt: out of memory for bad input"
	done
done
[ ! -e "$WORK/r.json" ] || fail "a report was written for a refused command line"
[ "$(devsum "$dev")" = "$sum0" ] || fail "the device was written"
long=$(head -c 300 /dev/zero | tr '\0' a)
expect_rc 2 "$KESU" erase --yes --quiet --operator "$long" "$dev" 2>/dev/null
ok "non-UTF-8, control characters, empty and overlong operator fields: exit 2, nothing written"

# UTF-8 that is not ASCII is fine and kept as it was typed
expect_rc 0 "$KESU" erase --yes --quiet --method zero --operator '佐藤 花子' --json "$dev" \
	> "$WORK/out" 2>/dev/null
[ "$(jq -r .operator.name "$WORK/out")" = '佐藤 花子' ] || fail "UTF-8 operator: $(cat "$WORK/out")"
ok "a Japanese operator name is recorded as typed"

# an image whose name holds a byte that is not UTF-8, a quote and a newline
name=$(printf 'disk\377"x\ny.img')
img=$WORK/$name
head -c $MiB /dev/urandom > "$img"
mkdir "$WORK/rd"
expect_rc 0 "$KESU" erase --yes --quiet --method zero --json --report-dir "$WORK/rd" "$img" \
	> "$WORK/out" 2> "$WORK/err"
cmp -n $MiB "$img" /dev/zero || fail "the image was not zeroed"
f=$(find "$WORK/rd" -name '*.json')
[ "$(echo "$f" | wc -l)" -eq 1 ] || fail "report dir: $(ls "$WORK/rd")"
case ${f##*/} in *[!A-Za-z0-9._-]*) fail "unsafe characters in the report name: $f" ;; esac
jq -e . "$f" >/dev/null || fail "the report is not valid JSON"
jq -e . "$WORK/out" >/dev/null || fail "--json output is not valid JSON"
want=$(printf %s "$img" | od -An -tx1 | tr -d ' \n')
[ "$(jqf "$f" .device.path_hex)" = "$want" ] || fail "path_hex $(jqf "$f" .device.path_hex), want $want"
jqf "$f" .device.path | grep -q "$(printf '\357\277\275')" || fail "no U+FFFD in the repaired path"
[ "$(jqf "$f" .result)" = success ] || fail "result $(jqf "$f" .result)"
ok "a path with a non-UTF-8 byte, a quote and a newline: valid JSON, raw bytes in path_hex"

set +e
"$KESU" verify --expect zero --json "$img" > "$WORK/vout" 2> "$WORK/err"
rc=$?
set -e
[ $rc -eq 0 ] || fail "verify on that path: exit $rc: $(cat "$WORK/err")"
jq -e . "$WORK/vout" >/dev/null || fail "kesu verify --json on that path: not JSON: $(cat "$WORK/vout")"
ok "kesu verify --json on that path prints valid JSON"
