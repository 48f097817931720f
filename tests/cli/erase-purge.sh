#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Firmware (Purge) methods on a disk that takes no drive commands (a loop
# device): refused with the reason (exit 3) before a byte is written, as
# sha256sum of the device read with O_DIRECT shows, and the report says so;
# "auto" falls back to a software overwrite and the report says that only
# Clear was reached. The NVMe commands themselves run in tests/vm/purge.
. "$(dirname "$0")/lib.sh"
set -e
for t in jq sha256sum; do
	command -v $t >/dev/null || skip "$t missing"
done

dev=$(mkloop $((8 * 1048576)))
sum0=$(devsum "$dev")

for m in nvme-format-user nvme-format-crypto nvme-sanitize-block nvme-sanitize-crypto \
	nvme-sanitize-overwrite; do
	rm -f "$WORK/r.json"
	expect_rc 3 "$KESU" erase --yes --quiet --method "$m" --report "$WORK/r.json" "$dev" \
		2> "$WORK/err"
	grep -qF "$m cannot be used: not an NVMe drive" "$WORK/err" ||
		fail "$m: message lacks the reason: $(cat "$WORK/err")"
	[ "$(jqf "$WORK/r.json" .result)" = refused ] || fail "$m: report result not refused"
	jqf "$WORK/r.json" .result_reason | grep -qF "not an NVMe drive" ||
		fail "$m: report reason lacks why"
	[ "$(devsum "$dev")" = "$sum0" ] || fail "$m: a refused method changed the disk"
done
ok "firmware methods on a disk without drive commands: refused with the reason, untouched"

expect_rc 0 "$KESU" erase --yes --quiet --method auto --report "$WORK/auto.json" "$dev" \
	2> "$WORK/err"
[ "$(jqf "$WORK/auto.json" '[.result, .category, .technique, .method.name] | join(" ")')" = \
	"success clear overwrite random" ] || fail "auto: report $(jq -c . "$WORK/auto.json")"
jqf "$WORK/auto.json" .purge.auto | grep -qF "Clear only" ||
	fail "auto: the report does not say only Clear was reached"
[ "$(devsum "$dev")" != "$sum0" ] || fail "auto: the disk was not overwritten"
ok "auto without a Purge method: random overwrite, reported as Clear only"

"$KESU" erase --help > "$WORK/help"
for m in nvme-format-user nvme-format-crypto nvme-sanitize-block nvme-sanitize-crypto \
	nvme-sanitize-overwrite auto random; do
	grep -q "^  $m " "$WORK/help" || fail "--help does not list $m"
done
grep -q -- "--exit-failure-mode" "$WORK/help" || fail "--help lacks --exit-failure-mode"
grep -q -- "--restore-hpa" "$WORK/help" || fail "--help lacks --restore-hpa"
expect_rc 2 "$KESU" erase --yes --method nvme-format-everything "$dev" 2>/dev/null
expect_rc 2 "$KESU" erase --yes --method nvme-format-user --blank "$dev" 2>/dev/null
expect_rc 2 "$KESU" erase --yes --method nvme-sanitize-block --passes 2 "$dev" 2>/dev/null
ok "--help lists every method; an unknown one, or passes for a firmware method, is a usage error"
