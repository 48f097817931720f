#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kill -KILL during kesu decrypt -o OUT leaves no plaintext in OUT's
# directory: on a file system with O_TMPFILE (the test directory) the output
# has no name until it is complete, so nothing at all is left; on vfat, which
# has none, the named temporary file the crash leaves is removed by the next
# run. The plaintext is lines carrying a marker that grep looks for; the
# ciphertext comes from stock age and trickles in through a FIFO, so kesu is
# killed while it waits for more, after its first plaintext went out.
. "$(dirname "$0")/lib.sh"
set -e

command -v age >/dev/null || skip "age missing (scripts/install-deps)"
command -v age-keygen >/dev/null || skip "age-keygen missing (scripts/install-deps)"
cd "$WORK"

marker=kesu-crash-marker-5b1e
age-keygen -o a.key 2> /dev/null
apub=$(age-keygen -y a.key)
# 8 MiB of plaintext, the marker on every line
awk -v m="$marker" 'BEGIN { for (i = 0; i < 262144; i++) printf "%s %08d plaintext\n", m, i }' \
	> plain
age -r "$apub" -o plain.age plain
head -c 100000 /dev/urandom > small
age -r "$apub" -o small.age small

# held_in PID DIR: the /proc/PID/fd/N of a file PID holds open in DIR
held_in() {
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in "$2"/*) echo "$fd"; return 0 ;; esac
	done
	return 1
}

# crash_in DIR: kesu decrypt -o DIR/out, killed with SIGKILL once its output holds plaintext
crash_in() {
	rm -f fifo
	mkfifo fifo
	(
		head -c $((2 * 1024 * 1024)) plain.age
		exec sleep 120
	) > fifo &
	feeder=$!
	"$KESU" decrypt -i a.key -o "$1/out" fifo 2> err &
	kpid=$!
	i=0
	until fd=$(held_in $kpid "$1") && [ "$(stat -L -c %s "$fd" 2>/dev/null || echo 0)" -gt 0 ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || { cat err; fail "$1: no plaintext was written to the output"; }
		kill -0 $kpid 2>/dev/null || { cat err; fail "$1: kesu ended before it was killed"; }
		sleep 0.1
	done
	kill -KILL $kpid
	wait $kpid 2>/dev/null || true
	kill $feeder 2>/dev/null || true
	wait $feeder 2>/dev/null || true
}

# no_plaintext DIR WHAT: no file in DIR holds the marker, and no .kesu-* is there
no_plaintext() {
	left=$(grep -rl -e "$marker" "$1" || true)
	[ -z "$left" ] || fail "$2: plaintext left in $left"
	kesu=$(ls -A "$1" | grep '^\.kesu-' || true)
	[ -z "$kesu" ] || fail "$2: left in $1: $kesu"
}

mkdir ext
dir=$(cd ext && pwd -P)
crash_in "$dir"
[ -z "$(ls -A "$dir")" ] || fail "after kill -9: left in $dir: $(ls -A "$dir")"
no_plaintext "$dir" "kill -9 on $(stat -f -c %T "$dir")"
ok "kill -9 during decrypt on $(stat -f -c %T "$dir"): nothing left in the output directory"

# --- without O_TMPFILE: vfat, else (a kernel without vfat) the test hook that
# makes kesu behave as on one
mkdir fat
dir=$(cd fat && pwd -P)
how=
if command -v mkfs.vfat >/dev/null; then
	truncate -s 64M fat.img
	mkfs.vfat fat.img > /dev/null
	loop=$(losetup -f --show fat.img) || fail "losetup failed"
	echo "$loop" >> "$WORK/loops"
	if mount -t vfat "$loop" "$dir" 2> /dev/null; then
		MOUNTS="$MOUNTS $dir"
		how=vfat
	fi
fi
if [ -z "$how" ]; then
	grep -q '^#define KESU_TEST_HOOKS 1' "${KESU_BUILDDIR:?}/config.h" ||
		skip "no vfat here (mkfs.vfat from dosfstools, the kernel's vfat) and no test hooks"
	echo "note: vfat cannot be mounted here; KESU_TEST_NO_TMPFILE=nolink stands in for it" >&2
	KESU_TEST_NO_TMPFILE=nolink
	export KESU_TEST_NO_TMPFILE
	how="$(stat -f -c %T "$dir") without O_TMPFILE and hard links (test hook)"
fi
crash_in "$dir"
# the crash leaves the named temporary file: it is the one a later run removes
stale=$(ls -A "$dir" | grep -x '\.kesu-[0-9]*-[0-9a-f]*\.tmp' || true)
[ -n "$stale" ] || fail "$how: no temporary file after kill -9: the fallback was not taken"
"$KESU" decrypt -i a.key -o "$dir/out2" small.age 2> err || { cat err; fail "$how: next run failed"; }
cmp small "$dir/out2" || fail "$how: the next run's output is wrong"
[ ! -e "$dir/$stale" ] || fail "$how: the next run left $stale"
grep -q "removed 1 temporary file" err || fail "$how: the removal was not reported: $(cat err)"
no_plaintext "$dir" "$how"
# a file of a process that still runs (this shell) is not touched
: > "$dir/.kesu-$$-0123456789ab.tmp"
"$KESU" decrypt -i a.key --force -o "$dir/out2" small.age 2> err || { cat err; fail "$how: rerun"; }
[ -e "$dir/.kesu-$$-0123456789ab.tmp" ] || fail "$how: a live process's temporary file was removed"
ok "kill -9 during decrypt on $how: the next run removes what it left"
