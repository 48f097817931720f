#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu encrypt/decrypt as a careful user meets them: options checked before
# a byte of input is read; a corrupt or truncated file, a wrong key or
# passphrase leave no OUT and no temporary file, each with its exit code
# (16, 17; 18 once plaintext went to standard output); an existing OUT is
# untouched without --force; weak passphrases refused (19) with the reason;
# binary ciphertext never to a terminal. The files are made by stock age
# where that makes the test independent of kesu's encoder.
. "$(dirname "$0")/lib.sh"
set -e

command -v age >/dev/null || skip "age missing (scripts/install-deps)"
command -v age-keygen >/dev/null || skip "age-keygen missing (scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 missing (scripts/install-deps)"
PTY="python3 ${KESU_SRCDIR:?}/tests/cli/ptyrun.py"
cd "$WORK"

age-keygen -o a.key 2> /dev/null
apub=$(age-keygen -y a.key)
age-keygen -o other.key 2> /dev/null
head -c $((3 * 1024 * 1024 + 5)) /dev/urandom > big
head -c 100000 /dev/urandom > small
age -r "$apub" -o big.age big
age -r "$apub" -o small.age small

# nothing but the expected files in the directory: no OUT, no .kesu-*.tmp
only() {
	# shellcheck disable=SC2012
	extra=$(ls -A out 2>/dev/null | grep -vxF -e "${1:-}" || true)
	[ -z "$extra" ] || fail "$2: left in out/: $extra"
}
mkdir out

# flip FILE OFFSET: xor one byte with 0x01
flip() {
	python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[o] ^= 1; open(p, "wb").write(b)' "$1" "$2"
}
# the MAC line "--- " + 43 base64 characters + "\n" ends the header; then the
# 16-byte nonce, then chunks of 64 KiB + a 16-byte tag
hdr=$(head -c 4096 big.age | grep -abo -m 1 -e '^--- ' | cut -d: -f1)
hlen=$((hdr + 48))
chunk() { echo $((hlen + 16 + $1 * 65552)); }

# expect_fail RC TEXT FILE ARGS...: kesu decrypt FILE -o out/x exits RC saying TEXT, no output
expect_fail() {
	rc=$1 text=$2 f=$3
	shift 3
	set +e
	"$KESU" decrypt "$@" -o out/x "$f" > stdout 2> err
	got=$?
	set -e
	[ "$got" -eq "$rc" ] || { cat err; fail "$f: exit $got, expected $rc"; }
	grep -qiF -- "$text" err || { cat err; fail "$f: message lacks '$text'"; }
	[ ! -s stdout ] || fail "$f: wrote to standard output"
	only "" "$f"
}

# --- the good file first, so that each failure below is the damage's doing
"$KESU" decrypt -i a.key -o out/x big.age && cmp big out/x || fail "big.age does not decrypt"
rm out/x

# --- the header: its MAC, its version line; the payload: nonce, a chunk, the end
cp big.age mac.age && flip mac.age $((hdr + 10))
expect_fail 17 "header" mac.age -i a.key
cp big.age ver.age && flip ver.age 5
expect_fail 17 "" ver.age -i a.key
cp big.age nonce.age && flip nonce.age $((hlen + 3))
expect_fail 17 "payload" nonce.age -i a.key
cp big.age chunk.age && flip chunk.age $(($(chunk 2) + 100))
expect_fail 17 "payload" chunk.age -i a.key
head -c $(($(stat -c %s big.age) - 1)) big.age > cut.age
expect_fail 17 "" cut.age -i a.key
head -c "$(chunk 1)" big.age > cut2.age
expect_fail 17 "truncated" cut2.age -i a.key
cat big.age small > trail.age
expect_fail 17 "" trail.age -i a.key
ok "flipped header MAC, version, nonce and chunk bytes, truncation, trailing data: exit 17, no OUT"

# --- the wrong key or passphrase
expect_fail 16 "no identity matched" big.age -i other.key
printf 'Kuroshio drifts past Erimo at dawn\n' > pw
printf 'Oyashio drifts past Erimo at dusk\n' > badpw
"$KESU" encrypt --passphrase-file pw -o pw.age small
expect_fail 16 "wrong passphrase" pw.age --passphrase-file badpw
expect_fail 16 "no identity matched" small.age --passphrase-file badpw
ok "wrong identity or passphrase: exit 16, no OUT"

# --- to standard output: the chunks before a bad one at 2.5 MiB went out, then exit 18
cp big.age late.age && flip late.age $(($(chunk 40) + 100))
set +e
"$KESU" decrypt -i a.key late.age > partial 2> err
got=$?
set -e
[ "$got" -eq 18 ] || { cat err; fail "partial output: exit $got, expected 18"; }
[ -s partial ] || fail "exit 18 with nothing on standard output"
grep -qF "discard" err || { cat err; fail "exit 18 without saying to discard the output"; }
cmp -n "$(stat -c %s partial)" partial big || fail "what went out is not the plaintext"
[ "$(stat -c %s partial)" -le $((40 * 65536)) ] || fail "the bad chunk's plaintext went out"
ok "a failure after $(stat -c %s partial) bytes went to standard output: exit 18"

# --- SIGTERM while the input trickles in: exit 7, no OUT, no temporary file
mkfifo fifo
(
	head -c 200000 big.age
	exec sleep 120
) > fifo &
feeder=$!
"$KESU" decrypt -i a.key -o out/x fifo 2> err &
kpid=$!
# the output file, nameless in out/ until it is complete, is open once kesu is at work
outdir=$(cd out && pwd -P)
i=0
until ls -l /proc/$kpid/fd 2>/dev/null | grep -qF -- "-> $outdir/"; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "kesu never opened an output file in out/"
	sleep 0.1
done
kill -TERM $kpid
kill $feeder
set +e
wait $kpid
got=$?
set -e
[ "$got" -eq 7 ] || { cat err; fail "SIGTERM: exit $got, expected 7"; }
only "" "SIGTERM"
ok "SIGTERM during decryption: exit 7, nothing left in the output directory"

# --- an existing OUT: untouched without --force, replaced with it
echo precious > out/keep
expect_rc 1 "$KESU" decrypt -i a.key -o out/keep small.age 2> /dev/null
[ "$(cat out/keep)" = precious ] || fail "decrypt replaced out/keep without --force"
expect_rc 1 "$KESU" encrypt -r "$apub" -o out/keep small 2> /dev/null
[ "$(cat out/keep)" = precious ] || fail "encrypt replaced out/keep without --force"
only keep "existing OUT refused"
"$KESU" decrypt -i a.key --force -o out/keep small.age && cmp small out/keep || fail "--force"
[ "$(stat -c %a out/keep)" = 600 ] || fail "decrypted file is $(stat -c %a out/keep), not 600"
expect_rc 2 "$KESU" decrypt -i a.key --force -o small.age small.age 2> /dev/null
rm out/keep
ok "existing OUT untouched without --force, replaced with it (0600); OUT = IN refused"

# --- options are checked before the input is read: the input stays unread
check_unread() {
	want=$1
	shift
	# kesu shares the descriptor of the file with cat: what kesu read, cat misses
	set +e
	{ "$KESU" "$@" 2> err; echo $? > rc; cat > rest; } < small
	set -e
	[ "$(cat rc)" = "$want" ] || { cat err; fail "kesu $*: exit $(cat rc), expected $want"; }
	cmp -s small rest || fail "kesu $*: read input before refusing"
}
check_unread 2 encrypt -r age1notakey
check_unread 2 encrypt -r "$apub" -p
check_unread 2 encrypt
check_unread 2 encrypt -r "$apub" --passphrase-fd x
check_unread 2 encrypt -r "$apub" -o out/x --bogus
check_unread 2 encrypt --passphrase-file pw --passphrase-fd 0
check_unread 2 encrypt --passphrase-fd 0
printf 'AGE-SECRET-KEY-1NOTAKEY\n' > bad.key
chmod 600 bad.key
check_unread 2 decrypt -i bad.key -o out/x
grep -q 'line 1' err || fail "bad identity file: no line number"
grep -q NOTAKEY err && fail "a bad identity line was quoted"
# an identity file that group or others may read: refused (3), with the remedy
cp a.key open.key
chmod 644 open.key
check_unread 3 decrypt -i open.key -o out/x
grep -q 'chmod 600' err || fail "0644 identity file: no remedy given"
printf '# nothing\n\n' > none.txt
check_unread 2 encrypt -R none.txt
check_unread 2 encrypt -r "$apub" -o ''
check_unread 1 encrypt --passphrase-file pw -o nodir/x
check_unread 1 decrypt -i a.key -o nodir/x
check_unread 1 encrypt -r "$apub" -R nofile
only "" "refused options"
ok "bad recipients, identities, options and destinations: exit 2 or 1 before any input was read"

# --- weak passphrases: refused with the reason, no file; --allow-weak warns.
# Full-width and Japanese ones are scored as they read, not as UTF-8 bytes.
for weak in password1 qwertyuiop ｐａｓｓｗｏｒｄ ｑｗｅｒｔｙ １２３４５６７８ パスワード あいうえお \
	さくら ｱｲｳｴｵ aaaaaaaaaaaa; do
	printf '%s\n' "$weak" > weak
	set +e
	"$KESU" encrypt --passphrase-file weak -o out/w small 2> err
	got=$?
	set -e
	[ "$got" -eq 19 ] || { cat err; fail "'$weak': exit $got, expected 19"; }
	grep -q "too weak: " err || { cat err; fail "'$weak': no reason"; }
	only "" "weak passphrase"
done
grep -q "repeated characters" err || { cat err; fail "aaaaaaaaaaaa: not 'repeated characters'"; }
"$KESU" encrypt --passphrase-file weak --allow-weak -o out/w small 2> err
grep -q "warning" err || fail "--allow-weak without a warning"
"$KESU" decrypt --passphrase-file weak -o out/w.out out/w && cmp small out/w.out ||
	fail "--allow-weak round trip"
rm out/w out/w.out
ok "weak passphrases refused with exit 19 and the reason; --allow-weak warns"

# five words a die chose, in kana: strong, and the passphrase is the bytes as typed
printf '%s\n' 'かみなり つくえ ほしぞら えんぴつ みずうみ' > ja
"$KESU" encrypt --passphrase-file ja -o out/ja small 2> err || { cat err; fail "strong kana refused"; }
[ ! -s err ] || { cat err; fail "strong kana: a warning"; }
"$KESU" decrypt --passphrase-file ja -o out/ja.out out/ja && cmp small out/ja.out ||
	fail "kana passphrase round trip"
rm out/ja out/ja.out
ok "a strong passphrase in kana is accepted without a warning"

# --- the terminal: never binary ciphertext; armor is fine; no prompt without scrypt
expect_rc 2 $PTY "$KESU" encrypt -r "$apub" small > tty.out
grep -q -- "-a" tty.out || { cat tty.out; fail "no hint to use -a"; }
expect_rc 0 $PTY "$KESU" encrypt -r "$apub" -a small > tty.out
grep -q "BEGIN AGE ENCRYPTED FILE" tty.out || fail "armor not written to the terminal"
PTY_ANSWER=x $PTY "$KESU" decrypt -i a.key -o out/x small.age > tty.out
grep -qi passphrase tty.out && fail "a passphrase was asked for an X25519 file"
cmp small out/x && rm out/x
expect_rc 2 setsid -w "$KESU" decrypt -o out/x pw.age < /dev/null 2> err
grep -q "no terminal" err || fail "no terminal: $(cat err)"
ok "binary refused to a terminal, armor written; passphrase asked only for scrypt files"

# --- CR LF line endings in identity and recipient files, as stock age takes them
sed 's/$/\r/' a.key > crlf.key
chmod 600 crlf.key
printf '# team\n%s\n' "$apub" | sed 's/$/\r/' > crlf.rcpt
grep -q "$(printf '\r')" crlf.key || fail "crlf.key has no CR"
# stock age reads both files: the judge of what a CR LF file means
age -d -i crlf.key -o out/judge small.age && cmp small out/judge && rm out/judge ||
	fail "stock age refused crlf.key"
age -R crlf.rcpt -o judge.age small || fail "stock age refused crlf.rcpt"
"$KESU" decrypt -i crlf.key -o out/x judge.age 2> err || { cat err; fail "kesu refused crlf.key"; }
cmp small out/x && rm out/x || fail "CR LF identity: wrong plaintext"
"$KESU" encrypt -R crlf.rcpt -o out/x.age small 2> err || { cat err; fail "kesu refused crlf.rcpt"; }
age -d -i a.key -o out/x out/x.age && cmp small out/x || fail "CR LF recipients: age cannot decrypt"
rm out/x out/x.age
ok "identity and recipient files with CR LF line endings: read as stock age reads them"

# --- character devices as OUT: written in place, never replaced by a rename.
# /dev/null takes the file and stays the device; the terminal shows what was written.
"$KESU" encrypt -r "$apub" -o /dev/null big 2> err || { cat err; fail "encrypt -o /dev/null"; }
"$KESU" decrypt -i a.key -o /dev/null big.age 2> err || { cat err; fail "decrypt -o /dev/null"; }
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
# the device got the chunks before the bad one, and kesu says so: exit 18, as for stdout
set +e
"$KESU" decrypt -i a.key -o /dev/null late.age 2> err
got=$?
set -e
[ "$got" -eq 18 ] || { cat err; fail "-o /dev/null, bad chunk: exit $got, expected 18"; }
grep -qF "/dev/null: " err && grep -qF "discard" err || { cat err; fail "18 without naming /dev/null"; }
printf 'Line one of the notice\nline two\n' > notice
age -r "$apub" -o notice.age notice
$PTY sh -c "\"$KESU\" decrypt -i a.key -o /dev/tty notice.age" > tty.out ||
	fail "decrypt -o /dev/tty"
tr -d '\r' < tty.out | cmp - notice || fail "-o /dev/tty: not the plaintext"
expect_rc 2 $PTY sh -c "\"$KESU\" encrypt -r \"$apub\" -o /dev/tty notice" > tty.out
grep -q -- "-a" tty.out || { cat tty.out; fail "-o /dev/tty: binary not refused"; }
$PTY sh -c "\"$KESU\" encrypt -r \"$apub\" -a -o /dev/tty notice" > tty.out
tr -d '\r' < tty.out | age -d -i a.key | cmp - notice || fail "-a -o /dev/tty: age cannot decrypt"
ok "-o /dev/null and -o /dev/tty: written in place; binary still refused to a terminal"

# --- an output file is durable before it has a name: its last fsync comes
# before the link or rename that publishes it, both ways. Encrypting, it is
# written back while it grows (sync_file_range every 16 MiB); decrypting, its
# whole blocks go to the disk with O_DIRECT, past the page cache, which fincore
# confirms: of 40 MiB, no more than the last write stays in memory.
if command -v strace >/dev/null; then
	head -c $((40 * 1024 * 1024 + 5)) /dev/urandom > forty
	for op in encrypt decrypt; do
		if [ $op = encrypt ]; then src=forty args="-r $apub"; else src=forty.age args="-i a.key"; fi
		# LeakSanitizer cannot run under ptrace (sanitizer builds)
		# shellcheck disable=SC2086
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -y -o trace -e trace=sync_file_range,fsync,linkat,renameat,renameat2,fcntl \
			"$KESU" $op -q $args -o out/y "$src" 2> err || { cat err; fail "$op under strace"; }
		n=$(grep -c 'sync_file_range(' trace || true)
		if [ $op = encrypt ]; then
			[ "$n" -ge 2 ] || { cat trace; fail "$op: $n early write-backs of 40 MiB"; }
		else
			grep -q 'F_SETFL, .*O_DIRECT' trace || { cat trace; fail "$op: no O_DIRECT"; }
		fi
		# the file's fsync after its last write-back, then the name
		awk '/sync_file_range\(/ { w = NR } /fsync\(/ && !/\/out>/ { s = NR }
			/(linkat|renameat2?)\(/ { l = NR } END { exit !(w < s && s < l) }' trace ||
			{ cat trace; fail "$op: no fsync of the file before it was published"; }
		[ $op = encrypt ] && mv out/y forty.age
	done
	# before cmp reads it into the page cache: at most the last write (the
	# ring, 2 x threads + 2 batches of 256 KiB) went through it
	if command -v fincore >/dev/null && [ "$(stat -f -c %T out)" != tmpfs ]; then
		pages=$(fincore -n -b -o PAGES out/y | tr -d ' ')
		max=$(((2 * $(getconf _NPROCESSORS_ONLN) + 2) * 64 + 1))
		[ "$pages" -le "$max" ] || fail "decrypted 40 MiB: $pages pages left in the page cache"
	fi
	cmp forty out/y || fail "40 MiB: the round trip differs"
	rm -f out/y forty forty.age trace
	ok "40 MiB out: fsync'ed before it is named; written back as it grows, or with O_DIRECT"
fi
