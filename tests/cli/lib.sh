# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the CLI tests: a scratch directory, loop devices, and checks.
# Each test: `. "$(dirname "$0")/lib.sh"`, then uses $KESU, $WORK, mkloop, fail, skip.
set -u

: "${KESU:?KESU must name the kesu binary}"
WORK=$(mktemp -d /tmp/kesu-test.XXXXXX)
LOOPS=""
MOUNTS=""
SWAPS=""

# mkloop runs in a command substitution, a subshell, so it records its
# devices in a file that cleanup reads, not in $LOOPS
cleanup() {
	rc=$?
	# a device already detached must not stop the rest under set -e
	set +e
	for s in $SWAPS; do swapoff "$s" 2>/dev/null; done
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	[ -f "$WORK/loops" ] && LOOPS="$LOOPS $(cat "$WORK/loops")"
	# only a device still backed by a file of this test (or by one of its
	# devices): one the test detached itself may since be another test's
	for l in $LOOPS; do
		back=$(losetup -n -O BACK-FILE "$l" 2>/dev/null)
		case $back in
		"$WORK"/*) losetup -d "$l" 2>/dev/null ;;
		/dev/*) case " $LOOPS " in *" $back "*) losetup -d "$l" 2>/dev/null ;; esac ;;
		esac
	done
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT

# fd 9 keeps the test's stderr, so that `expect_rc ... 2>/dev/null`, which
# hides kesu's messages, does not hide why the test failed
exec 9>&2
fail() { echo "FAIL: $*" >&9; exit 1; }
skip() { echo "SKIP: $*" >&9; exit 77; }
ok() { echo "ok: $*"; }

[ "$(id -u)" -eq 0 ] || skip "needs root for loop devices"
command -v losetup >/dev/null || skip "losetup missing"

# mkloop SIZE_BYTES [SECTOR_SIZE]: an image filled with random data on a
# direct-I/O loop device; prints the device
mkloop() {
	img=$(mktemp "$WORK/img.XXXXXX")
	head -c "$1" /dev/urandom > "$img"
	dev=$(losetup -f --show --direct-io=on --sector-size "${2:-512}" "$img") ||
		fail "losetup failed"
	echo "$dev" >> "$WORK/loops"
	echo "$dev"
}

# unmount DIR: umount, waiting while the file system is busy: a loop device
# detached just before lets go of its backing file only once every opener
# (another test's kesu devices or blkid probing all devices) has closed it
unmount() {
	i=0
	until umount "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 200 ] || { umount "$1"; return; }
		sleep 0.05
	done
}

# expect_rc WANT CMD...: run CMD, fail unless its exit status is WANT
expect_rc() {
	want=$1; shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}

# rc_is WANT CMD...: run CMD with its output in ./out and ./err; fail, showing both, unless
# its exit status is WANT
rc_is() {
	want=$1; shift
	set +e
	"$@" > out 2> err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat out err >&9; fail "'$*' exited $got, expected $want"; }
}

# expect_err WANT TEXT CMD...: rc_is WANT CMD..., and TEXT in what it said on stderr
expect_err() {
	want=$1 text=$2; shift 2
	rc_is "$want" "$@"
	grep -qF -- "$text" err || fail "'$*': message lacks '$text': $(cat err)"
}

# devsum DEV: SHA-256 of a device's contents, read past the page cache
devsum() {
	dd if="$1" iflag=direct bs=1M status=none | sha256sum | cut -d' ' -f1
}

# jqf FILE FILTER: one raw value from a JSON file; complains if it is not JSON
jqf() {
	jq -r "$2" "$1" || fail "$1: jq '$2' failed"
}

# need_test_hooks: skip unless kesu was built with --enable-test-hooks (the
# KESU_TEST_* variables do nothing in a normal build)
need_test_hooks() {
	grep -q '^#define KESU_TEST_HOOKS 1' "${KESU_BUILDDIR:?}/config.h" ||
		skip "kesu was built without --enable-test-hooks"
}

# refuse WHAT TEXT TARGET: kesu erase --yes TARGET exits 3 (refused) and its
# message holds TEXT (a fixed string, in any case)
refuse() {
	set +e
	"$KESU" erase --yes --quiet --method zero "$3" > "$WORK/out" 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 3 ] || { cat "$WORK/err" >&2; fail "$1: exit $rc, expected 3"; }
	grep -qiF -- "$2" "$WORK/err" || { cat "$WORK/err" >&2; fail "$1: message lacks '$2'"; }
}
