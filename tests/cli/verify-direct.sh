#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu verify reads past the page cache: strace shows every read of the
# target on a descriptor opened O_DIRECT, except the unaligned tail of an
# image file, and the read paths in --json match what strace counted.
. "$(dirname "$0")/lib.sh"
set -e
command -v strace >/dev/null || skip "strace missing (scripts/install-deps)"
command -v jq >/dev/null || skip "jq missing"

MiB=1048576

# traced TRACE TARGET: from strace -f -y -s 0 -e trace=openat,close,pread64
# output, "DIRECT BUFFERED LOW": bytes read from TARGET through descriptors
# opened with and without O_DIRECT, and the lowest offset read without it
traced() {
	awk -v target="$2" '
	function fdof(s) { return substr(s, 1, index(s, "<") - 1) }
	function pathof(s) { s = substr(s, index(s, "<") + 1); return substr(s, 1, length(s) - 1) }
	{
		pid = $1
		line = substr($0, length($1) + 1)
		sub(/^ +/, "", line)
		if (line ~ /<unfinished \.\.\.>$/) {
			sub(/ *<unfinished \.\.\.>$/, "", line)
			pending[pid] = line
			next
		}
		if (line ~ /^<\.\.\. [a-z0-9_]+ resumed>/) {
			sub(/^<\.\.\. [a-z0-9_]+ resumed> */, "", line)
			line = pending[pid] line
		}
		if (line ~ /^openat\(/) {
			ret = substr(line, index(line, ") = ") + 4)
			if (ret !~ /^[0-9]+</ || pathof(ret) != target)
				next
			direct[fdof(ret)] = index(line, "O_DIRECT") > 0
			mine[fdof(ret)] = 1
		} else if (line ~ /^close\(/) {
			sub(/^close\(/, "", line)
			delete mine[fdof(line)]
		} else if (line ~ /^pread64\(/) {
			gsub(/[(),=]/, " ", line)
			split(line, f, " +")
			fd = fdof(f[2])
			if (!(fd in mine) || f[6] !~ /^[0-9]+$/)
				next
			if (direct[fd]) {
				d += f[6]
			} else {
				b += f[6]
				if (low == "" || f[5] + 0 < low + 0)
					low = f[5]
			}
		}
	}
	END { printf "%d %d %s\n", d, b, low == "" ? "-" : low }' "$1"
}

# check NAME TARGET SIZE TAIL [KESU VERIFY OPTIONS]: verify TARGET (zeros)
# under strace; reads without O_DIRECT may only fall in its last TAIL bytes,
# and the JSON read paths must state the bytes strace saw on each path
check() {
	name=$1 target=$2 size=$3 tail=$4
	shift 4
	real=$(realpath "$target")
	# LeakSanitizer cannot run under ptrace; the rest of ASan and UBSan can
	expect_rc 0 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -y -s 0 -o "$WORK/trace" -e trace=openat,close,pread64 \
		"$KESU" verify --expect zero --json --quiet "$@" "$target" > "$WORK/v.json"
	set -- $(traced "$WORK/trace" "$real")
	[ "$1" -gt 0 ] || fail "$name: no O_DIRECT reads of $real in the trace"
	[ "$2" -le "$tail" ] ||
		fail "$name: $2 bytes read through the page cache, at most $tail may be (the tail)"
	[ "$3" = - ] || [ "$3" -ge $((size - tail)) ] ||
		fail "$name: a read at byte $3 bypassed O_DIRECT; only bytes from $((size - tail)) may"
	jq -e --argjson d "$1" --argjson b "$2" '
		.result == "success" and .bytes_read == $d + $b
		and ([.read_paths[] | select(.path == "O_DIRECT") | .bytes] | add // 0) == $d
		and ([.read_paths[] | select(.path != "O_DIRECT") | .bytes] | add // 0) == $b
		and all(.read_paths[]; .bytes > 0)' "$WORK/v.json" >/dev/null ||
		fail "$name: strace saw $1 bytes O_DIRECT and $2 buffered; kesu says $(jq -c \
			'{bytes_read, read_paths}' "$WORK/v.json")"
	ok "$name: $1 bytes read O_DIRECT, $2 through the page cache (tail of at most $tail)"
}

# image files: the largest alignment direct I/O can ask of a file is the
# file system's block size, so only the bytes after its last multiple may
# be read buffered
bs=$(stat -f -c %S "$WORK")
for extra in 1536 1636; do
	size=$((64 * MiB + extra))
	head -c $size /dev/zero > "$WORK/img"
	check "image of 64 MiB + $extra, 10% sampled" "$WORK/img" $size $((size % bs)) --sample 10
done
check "image of 64 MiB + 1636, read whole" "$WORK/img" $size $((size % bs))

# loop devices, with 512-byte and 4 KiB sectors: everything O_DIRECT
for sector in 512 4096; do
	size=$((64 * MiB))
	head -c $size /dev/zero > "$WORK/loop$sector.img"
	dev=$(losetup -f --show --sector-size $sector "$WORK/loop$sector.img") ||
		fail "losetup failed"
	echo "$dev" >> "$WORK/loops"
	check "loop device, $sector-byte sectors, 10% sampled" "$dev" $size 0 --sample 10
done
