#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The errors count of --progress=json while the erasure runs: a block
# corrupted after the write pass (KESU_TEST_CORRUPT_AFTER_WRITE) is counted
# in the verify phase's lines before the phase ends, and the last line's
# count is the report's.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
command -v jq >/dev/null || skip "jq missing"
command -v python3 >/dev/null || skip "python3 missing"

MiB=1048576
a=$(mkloop $((128 * MiB)))
# one 4 KiB request at a time: the verify phase lasts long enough to report
# itself several times (every 250 ms) after the corrupted block, the second one
set +e
KESU_TEST_CORRUPT_AFTER_WRITE=4096 "$KESU" erase --yes --method zero --progress=json \
	--queue-depth 1 --block-size 4K --report "$WORK/r.json" "$a" 2> "$WORK/prog" > /dev/null
rc=$?
set -e
[ $rc -eq 5 ] || fail "exit $rc, expected 5 (verification failed): $(tail -n 3 "$WORK/prog")"
bad=$(jqf "$WORK/r.json" '[.errors.mismatch[] | .count] | add')
[ "${bad:-0}" -gt 0 ] || fail "the report counts no mismatch: $(jq -c .errors "$WORK/r.json")"
set +e
python3 - "$WORK/prog" "$bad" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
bad = int(sys.argv[2])
write = [l for l in lines if l["phase"] == "write"]
verify = [l for l in lines if l["phase"] == "verify"]
assert write and verify, "no write or verify lines"
assert all(l["errors"] == 0 for l in write), "errors while writing: %r" % write
early = [l for l in verify if not l["final"]]
if not early:
    sys.exit(77)
assert all(l["errors"] > 0 for l in early), "a verify line before the end counts 0: %r" % early
assert verify[-1]["final"] and verify[-1]["errors"] == bad, (verify[-1], bad)
PY
rc=$?
set -e
[ $rc -eq 77 ] && skip "the verify phase ended before its first progress report"
[ $rc -eq 0 ] || fail "progress lines: $(grep -c . "$WORK/prog") lines, $(grep verify "$WORK/prog" | head -n 3)"
ok "--progress=json counts the corrupted block while verifying, as the report does"
