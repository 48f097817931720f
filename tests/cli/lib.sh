# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the CLI tests: a scratch directory, loop devices, and checks.
# Each test: `. "$(dirname "$0")/lib.sh"`, then uses $KESU, $WORK, mkloop, fail, skip.
set -u

: "${KESU:?KESU must name the kesu binary}"
WORK=$(mktemp -d /tmp/kesu-test.XXXXXX)
LOOPS=""
MOUNTS=""

cleanup() {
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	for l in $LOOPS; do losetup -d "$l" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
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
	LOOPS="$LOOPS $dev"
	echo "$dev"
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
