#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build kesu with ThreadSanitizer (configure --enable-tsan) in a build
# directory of its own and run the tests of the threaded code under it:
# tests/unit/test_age (the age payload's reader, workers and writer, on one,
# two and the default number of threads, and a read error in mid-stream).
# Any ThreadSanitizer report fails the run. Not in TESTS: an ASan build cannot
# hold it, so scripts/test calls it apart.
# usage: tests/tsan.sh [BUILD-DIR]   (default: build/tsan in the source tree)
# Exit: 0 ran clean, 1 a report or a failed test, 77 cannot run here (and why).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/tsan}
CC=${TSAN_CC:-${CC:-cc}}
tests="tests/unit/test_age"

skip() { echo "tsan: SKIP: $*" >&2; exit 77; }
command -v "$CC" >/dev/null || skip "$CC not found"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <pthread.h>' 'static void *f(void *a) { return a; }' \
	'int main(void) { pthread_t t; return pthread_create(&t, 0, f, 0) || pthread_join(t, 0); }' \
	> "$probe/t.c"
"$CC" -fsanitize=thread -pthread "$probe/t.c" -o "$probe/t" 2>/dev/null ||
	skip "$CC cannot link -fsanitize=thread (gcc: libtsan2; or TSAN_CC=clang)"
# The runtime of older compilers cannot map its shadow under a kernel's full
# address-space randomisation; without it the same code runs under setarch -R.
run=
if ! "$probe/t" 2>/dev/null; then
	setarch "$(uname -m)" -R "$probe/t" 2>/dev/null ||
		skip "a ThreadSanitizer program does not run here, even without ASLR"
	run="setarch $(uname -m) -R"
fi

[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1) ||
	{ echo "tsan: autoreconf failed" >&2; exit 1; }
mkdir -p "$dir"
(cd "$dir" && CC=$CC "$top/configure" -q --enable-werror --enable-tsan --enable-test-hooks &&
	make -j2 $tests) > "$dir/build.log" 2>&1 ||
	{ tail -40 "$dir/build.log" >&2; echo "tsan: build failed ($dir/build.log)" >&2; exit 1; }

failed=0
for t in $tests; do
	log=$dir/$t.tsan.log
	echo "== tsan: $t"
	rc=0
	# halt_on_error: the first report ends the test with exitcode, whatever the test says
	(cd "$dir" && KESU_SRCDIR=$top KESU_BUILDDIR=$dir \
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
		$run "./$t") > "$log" 2>&1 || rc=$?
	if grep -q 'ThreadSanitizer' "$log" || { [ $rc != 0 ] && [ $rc != 77 ]; }; then
		grep -A40 'WARNING: ThreadSanitizer' "$log" >&2 || tail -40 "$log" >&2
		echo "tsan: $t: FAILED (exit $rc; the whole output is in $log)" >&2
		failed=1
		continue
	fi
	# 77: the test's own part that needs stock age was skipped, its threaded part ran
	[ $rc = 77 ] && echo "tsan: $t: ran, stock age parts skipped"
	grep -E '^\[  PASSED  \]' "$log" | sed "s|^|tsan: $t: |"
done
[ $failed = 0 ] && echo "tsan: no report"
exit $failed
