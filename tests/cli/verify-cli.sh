#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu verify against contents laid down with dd, tr and printf, and after
# kesu erase with a pattern checked byte for byte with od and cmp; it
# reports mismatches in logical blocks and never writes.
. "$(dirname "$0")/lib.sh"
set -e
command -v jq >/dev/null || skip "jq missing"

MiB=1048576
size=$((8 * MiB))
dev=$(mkloop $size)

# fill DEV FILE: copy FILE onto DEV past the page cache
fill() {
	dd if="$2" of="$1" bs=1M oflag=direct conv=notrunc status=none
}

# repeat HEXBYTES SIZE OUT: HEXBYTES (e.g. a1b2c3) repeated to SIZE bytes in OUT
repeat() {
	: > "$3.unit"
	for b in $(echo "$1" | sed 's/../& /g'); do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "0x$b")" >> "$3.unit"
	done
	while [ "$(stat -c %s "$3.unit")" -lt "$2" ]; do
		cat "$3.unit" "$3.unit" > "$3.tmp"
		mv "$3.tmp" "$3.unit"
	done
	head -c "$2" "$3.unit" > "$3"
	rm -f "$3.unit"
}

# zeros written with dd, then ones written with tr
head -c $size /dev/zero > "$WORK/zeros"
fill "$dev" "$WORK/zeros"
expect_rc 0 "$KESU" verify --expect zero "$dev" > "$WORK/out" 2>&1
grep -q "$dev: verified $size bytes, no mismatch" "$WORK/out" || fail "text output: $(cat "$WORK/out")"
expect_rc 0 "$KESU" verify --expect zero --json --quiet "$dev" > "$WORK/v.json"
jq -e --arg p "$dev" --argjson size $size '.format == "kesu-verify/1" and .target == $p
	and .expect == "zero" and .mode == "full" and .bytes_read == $size
	and .samples == 0 and .cache_bypass == "O_DIRECT" and .mismatches == []
	and .read_errors == [] and .logical_block_size == 512 and .result == "success"' \
	"$WORK/v.json" >/dev/null || fail "json: $(cat "$WORK/v.json")"
expect_rc 5 "$KESU" verify --expect one --json "$dev" > "$WORK/v.json"
jq -e --argjson n $((size / 512)) '.mismatches == [{"first_lba": 0, "count": $n}]
	and .result == "failed"' "$WORK/v.json" >/dev/null ||
	fail "zeros as ones: $(jq -c .mismatches "$WORK/v.json")"
tr '\000' '\377' < "$WORK/zeros" > "$WORK/ones"
fill "$dev" "$WORK/ones"
expect_rc 0 "$KESU" verify --expect one --quiet "$dev" > /dev/null
expect_rc 5 "$KESU" verify --expect zero --quiet "$dev" > /dev/null
ok "zeros and ones written with dd verify as such, and not as each other"

# kesu erase --method pattern:a55a, checked with od at both ends
expect_rc 0 "$KESU" erase --yes --quiet --method pattern:a55a "$dev" 2>/dev/null
[ "$(od -An -tx1 -N 16 "$dev" | tr -d ' \n')" = a55aa55aa55aa55aa55aa55aa55aa55a ] ||
	fail "start: $(od -An -tx1 -N 16 "$dev")"
[ "$(od -An -tx1 -j $((size - 16)) -N 16 "$dev" | tr -d ' \n')" = a55aa55aa55aa55aa55aa55aa55aa55a ] ||
	fail "end: $(od -An -tx1 -j $((size - 16)) -N 16 "$dev")"
repeat a55a $size "$WORK/expect"
cmp "$dev" "$WORK/expect" || fail "pattern:a55a is not a55a throughout"
expect_rc 0 "$KESU" verify --expect pattern:a55a --quiet "$dev" > /dev/null
expect_rc 5 "$KESU" verify --expect pattern:5aa5 --quiet "$dev" > /dev/null
ok "pattern:a55a from the first byte to the last, and kesu verify agrees"

# a 3-byte pattern does not divide the 1 MiB requests or the size: its
# phase must run on across them
size3=$((size + 4096))
dev3=$(mkloop $size3 4096)
expect_rc 0 "$KESU" erase --yes --quiet --method pattern:a1b2c3 "$dev3" 2>/dev/null
repeat a1b2c3 $size3 "$WORK/expect3"
cmp "$dev3" "$WORK/expect3" || fail "pattern:a1b2c3 does not repeat evenly"
expect_rc 0 "$KESU" verify --expect pattern:a1b2c3 --quiet "$dev3" > /dev/null
expect_rc 5 "$KESU" verify --expect pattern:b2c3a1 --json "$dev3" > "$WORK/v.json"
jq -e --argjson n $((size3 / 4096)) '.logical_block_size == 4096
	and .mismatches == [{"first_lba": 0, "count": $n}]' "$WORK/v.json" >/dev/null ||
	fail "4096-byte blocks: $(jq -c '[.logical_block_size, .mismatches]' "$WORK/v.json")"
# one byte changed in the last 4096-byte block
printf '\001' | dd of="$WORK/expect3" bs=1 seek=$((size3 - 7)) conv=notrunc status=none
fill "$dev3" "$WORK/expect3"
expect_rc 5 "$KESU" verify --expect pattern:a1b2c3 --json "$dev3" > "$WORK/v.json"
jq -e --argjson l $((size3 / 4096 - 1)) '.mismatches == [{"first_lba": $l, "count": 1}]' \
	"$WORK/v.json" >/dev/null || fail "last block: $(jq -c .mismatches "$WORK/v.json")"
ok "pattern:a1b2c3 on 4096-byte sectors, mismatches counted in 4096-byte blocks"

# verify reads only
head -c $size /dev/urandom > "$WORK/rand"
fill "$dev" "$WORK/rand"
expect_rc 5 "$KESU" verify --expect zero --quiet "$dev" > /dev/null
expect_rc 5 "$KESU" verify --expect zero --sample 10 --quiet "$dev" > /dev/null
cmp "$dev" "$WORK/rand" || fail "kesu verify changed the device"
ok "kesu verify writes nothing"

# usage and open errors
for args in "--expect random" "--expect pattern:" "--expect pattern:abc" \
	"--expect pattern:$(printf '%0130d' 0)" "--expect zero --sample 0" "--expect zero --sample 101" \
	"--sample 10" "" "--expect zero --bogus"; do
	set +e
	# shellcheck disable=SC2086
	"$KESU" verify $args "$dev" > /dev/null 2> "$WORK/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || fail "verify $args: exit $rc, expected 2"
	[ -s "$WORK/err" ] || fail "verify $args: no message"
done
expect_rc 2 "$KESU" verify --expect zero 2>/dev/null
expect_rc 2 "$KESU" verify --expect zero "$dev" "$dev3" 2>/dev/null
expect_rc 1 "$KESU" verify --expect zero "$WORK/no-such-disk" 2>/dev/null
cmp "$dev" "$WORK/rand" || fail "a rejected verify changed the device"
ok "bad arguments exit 2, a missing target 1"

# a 64-byte pattern is the longest, for verify and for erase
p64=$(head -c 64 /dev/urandom | od -An -tx1 -v | tr -d ' \n')
repeat "$p64" $size "$WORK/expect"
fill "$dev" "$WORK/expect"
expect_rc 0 "$KESU" verify --expect "pattern:$p64" --quiet "$dev" > /dev/null
fill "$dev" "$WORK/rand"
expect_rc 0 "$KESU" erase --yes --quiet --method "pattern:$p64" "$dev"
cmp "$dev" "$WORK/expect" || fail "64-byte pattern written by erase"
ok "a 64-byte pattern"

# a target path that is not UTF-8 and holds a newline and a quote: --json
# still prints a valid document, with the raw bytes in target_hex; the text
# line stays one line
name=$(printf 'zero"\n\377.img')
img="$WORK/$name"
head -c $size /dev/zero > "$img"
expect_rc 0 "$KESU" verify --expect zero --json --quiet "$img" > "$WORK/v.json"
jq -e '.result == "success" and (.target | type == "string")' "$WORK/v.json" >/dev/null ||
	fail "json for a path with byte 0xff: $(cat "$WORK/v.json")"
[ "$(jqf "$WORK/v.json" .target_hex)" = "$(printf '%s' "$img" | od -An -tx1 -v | tr -d ' \n')" ] ||
	fail "target_hex is not the path: $(cat "$WORK/v.json")"
expect_rc 0 "$KESU" verify --expect zero --quiet "$img" > "$WORK/out"
[ "$(wc -l < "$WORK/out")" -eq 1 ] || fail "text output of a path with a newline: $(cat "$WORK/out")"
grep -qF 'zero\"\x0a\xff.img: verified' "$WORK/out" || fail "text output: $(cat "$WORK/out")"
ok "a path with a newline, a quote and byte 0xff: valid JSON with target_hex, one text line"

# --seed repeats a sampled verification: the same seed reads the same
# offsets (seen by strace), another seed other offsets; the seed of a run
# is in its JSON as sample_seed
command -v strace >/dev/null || skip "strace missing"
fill "$dev" "$WORK/zeros"
# offsets SEED: the sorted offsets kesu verify --sample 10 reads from $dev
offsets() {
	rm -rf "$WORK/trace"
	mkdir "$WORK/trace"
	# one file per thread (-ff), so that no call is split into two lines;
	# LeakSanitizer cannot run under ptrace, in a sanitizer build
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -ff -y -e trace=pread64 -o "$WORK/trace/t" "$KESU" verify --expect zero \
		--sample 10 ${1:+--seed "$1"} --json --quiet "$dev" > "$WORK/s.json" ||
		fail "sampled verify with seed '$1' failed"
	cat "$WORK/trace"/t.* | grep -F "<$dev>" |
		sed -nE 's/.*, ([0-9]+)\) = [0-9]+$/\1/p' | sort -n
}
offsets 0123456789abcdef > "$WORK/o1"
[ "$(jqf "$WORK/s.json" .sample_seed)" = 0123456789abcdef ] ||
	fail "sample_seed: $(jqf "$WORK/s.json" .sample_seed)"
[ "$(wc -l < "$WORK/o1")" -ge 1000 ] || fail "$(wc -l < "$WORK/o1") reads for 1000 samples"
offsets 0123456789abcdef > "$WORK/o2"
cmp -s "$WORK/o1" "$WORK/o2" || fail "the same seed read other offsets"
offsets fedcba9876543210 > "$WORK/o3"
cmp -s "$WORK/o1" "$WORK/o3" && fail "another seed read the same offsets"
offsets "" > "$WORK/o4"
seed=$(jqf "$WORK/s.json" .sample_seed)
offsets "$seed" > "$WORK/o5"
cmp -s "$WORK/o4" "$WORK/o5" || fail "the sample_seed of a run does not repeat it"
for bad in 0123 0123456789abcdefab 0123456789abcdeg "" -1; do
	expect_rc 2 "$KESU" verify --expect zero --sample 10 --seed "$bad" "$dev" 2>/dev/null
done
expect_rc 2 "$KESU" verify --expect zero --seed 0123456789abcdef "$dev" 2>/dev/null
ok "--seed repeats the offsets of a sampled verification; another seed reads others"

# -q means quiet, before or after --progress=json; progress goes to stderr
for args in "-q --progress=json" "--progress=json -q" "--progress=json --quiet"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$KESU" verify --expect zero $args "$dev" > "$WORK/out" 2> "$WORK/err"
	[ ! -s "$WORK/err" ] || fail "verify $args printed progress: $(head -2 "$WORK/err")"
done
expect_rc 0 "$KESU" verify --expect zero --json --progress=json "$dev" > "$WORK/out" 2> "$WORK/err"
jq -e '.result == "success"' "$WORK/out" >/dev/null || fail "stdout is not one document: $(head -3 "$WORK/out")"
grep -q '"phase":"verify"' "$WORK/err" || fail "no progress on stderr: $(head -2 "$WORK/err")"
jq -se 'all(.[]; .target | type == "string")' "$WORK/err" >/dev/null ||
	fail "progress lines: $(head -2 "$WORK/err")"
ok "-q wins over --progress=json in any order; progress on stderr, the document alone on stdout"
