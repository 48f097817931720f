#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build every libFuzzer target of tests/fuzz (fuzz_NAME.c) with clang in its
# own build directory (configure --enable-fuzz: libkesu instrumented, ASan and
# UBSan) and run each for FUZZ_SECONDS (default 20) over its committed seed
# corpus tests/fuzz/corpus/NAME. New inputs go to a scratch directory, never
# into the committed corpus. A crash, a leak or a failed property fails the
# run and leaves the input in the build directory.
# usage: tests/fuzz/run.sh [BUILD-DIR]   (default: build/fuzz in the source tree)
# Exit: 0 all ran clean, 1 a target failed, 77 cannot run here (and why).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/build/fuzz}
seconds=${FUZZ_SECONDS:-20}
CC=${FUZZ_CC:-clang}

skip() { echo "fuzz: SKIP: $*" >&2; exit 77; }
command -v "$CC" >/dev/null || skip "$CC not found (scripts/install-deps installs clang)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d && n ? 0 : 0; }' \
	> "$probe/t.c"
"$CC" -fsanitize=fuzzer,address "$probe/t.c" -o "$probe/t" 2>/dev/null ||
	skip "$CC cannot link -fsanitize=fuzzer (scripts/install-deps installs libfuzzer-14-dev)"

[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1) ||
	{ echo "fuzz: autoreconf failed" >&2; exit 1; }
mkdir -p "$dir"
targets=$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
(cd "$dir" && CC=$CC "$top/configure" -q --enable-fuzz &&
	for t in $targets; do make -j2 "tests/fuzz/$t"; done) > "$dir/build.log" 2>&1 ||
	{ tail -40 "$dir/build.log" >&2; echo "fuzz: build failed ($dir/build.log)" >&2; exit 1; }

failed=0
for t in $targets; do
	name=${t#fuzz_}
	seeds=$top/tests/fuzz/corpus/$name
	[ -d "$seeds" ] || { echo "fuzz: $t: no seed corpus $seeds" >&2; exit 1; }
	work=$dir/tests/fuzz/work-$name
	rm -rf "$work"
	mkdir -p "$work"
	echo "== fuzz: $t for ${seconds}s over $(ls "$seeds" | wc -l) seeds"
	if ! "$dir/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/tests/fuzz/$t-" -print_final_stats=1 \
		"$work" "$seeds" > "$dir/tests/fuzz/$t.log" 2>&1; then
		tail -40 "$dir/tests/fuzz/$t.log" >&2
		echo "fuzz: $t: FAILED; the input is in $dir/tests/fuzz/$t-*" >&2
		failed=1
		continue
	fi
	grep -E '^stat::number_of_executed_units' "$dir/tests/fuzz/$t.log" | sed "s/^/fuzz: $t: /"
done
[ $failed = 0 ] && echo "fuzz: all targets ran clean"
exit $failed
