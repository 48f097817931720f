#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The security log (policy Art. 2(12), 69) has one record for each key made
# and each file encrypted or decrypted, with what was done to what, by whom,
# and the result; failures too. No passphrase or secret key ever reaches it,
# and a file name cannot forge a field or a record. A stand-in daemon
# listens on a private /dev/log, as in erase-syslog.sh.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
sink=${KESU_BUILDDIR:?}/tests/cli/logsink
[ -x "$sink" ] || fail "$sink not built"
command -v age >/dev/null || skip "age missing (scripts/install-deps)"
command -v age-keygen >/dev/null || skip "age-keygen missing (scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 missing (scripts/install-deps)"
# the cheap scrypt cost of test builds for key generate
export KESU_TEST_WEAK_KDF=1
cd "$WORK"

# run_logged CMD...: run CMD with a private /dev/log; its records go to $WORK/log.
# $ON_PTY: a pseudo-terminal for CMD, made before /dev is replaced
run_logged() {
	rm -f log.sock
	"$sink" "$WORK/log.sock" 30 > "$WORK/log" &
	pid=$!
	i=0
	while [ ! -S "$WORK/log.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	rc=0
	rm -rf "$WORK/ov"
	mkdir -p "$WORK/ov/up" "$WORK/ov/wk"
	# /dev under an overlay of its own in a mount namespace: the real /dev/log is untouched
	${ON_PTY:+python3 "${KESU_SRCDIR:?}/tests/cli/ptyrun.py"} unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t overlay overlay -o "lowerdir=/dev,upperdir=$2/up,workdir=$2/wk" /dev &&
		rm -f /dev/log && ln -s "$1" /dev/log || exit 99
		shift 2
		exec "$@"' sh "$WORK/log.sock" "$WORK/ov" "$@" || rc=$?
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	[ $rc -ne 99 ] || skip "cannot put a listener on /dev/log"
	return $rc
}

# one_record EVENT FIELD...: the log holds exactly one record, of EVENT, with
# each FIELD (key="value", in order) in it
one_record() {
	ev=$1
	shift
	[ "$(grep -c 'kesu\[[0-9]*\]: ' log)" -eq 1 ] || fail "$ev: not one record: $(cat log)"
	pat="kesu\[[0-9]*\]: $ev: "
	for f in "$@"; do
		pat="$pat.*$f"
	done
	grep -q -- "$pat" log || fail "$ev: no record with $*: $(cat log)"
	grep -q 'user="[^"]' log || fail "$ev: no user: $(cat log)"
}
# secret TEXT...: none of TEXT is in the log
secret() {
	for s in "$@"; do
		grep -qF -- "$s" log && fail "the log holds a secret: $s"
	done
	true
}

# --- key generate: role, name, key id and public key, the result
OPPASS='Hokusai paints the wave at Kanagawa 1831'
printf '%s\n' "$OPPASS" > op.pass
expect_rc 0 run_logged "$KESU" key generate --role operator --name 'Tanaka Taro' \
	--passphrase-file op.pass -o op.key > out
id=$(sed -n 's/^key id: //p' out)
pk=$(sed -n 2p op.key.pub)
[ -n "$id" ] && [ -n "$pk" ] || fail "key generate printed no key id: $(cat out)"
one_record "key generate" 'role="operator"' 'name="Tanaka Taro"' "key_id=\"$id\"" \
	"public_key=\"$pk\"" 'output="op.key"' 'result="success"'
secret "$OPPASS" "$(sed -n 2p op.key)"
# refused (exists): logged as failed, with its exit code
expect_rc 1 run_logged "$KESU" key generate --role operator --name 'Tanaka Taro' \
	--passphrase-file op.pass -o op.key 2> /dev/null
one_record "key generate" 'role="operator"' 'key_id="-"' 'result="failed"' 'exit="1"'
expect_rc 0 run_logged "$KESU" key generate --age -o id.age > out
apub=$(age-keygen -y id.age)
one_record "key generate" 'role="age"' "public_key=\"$apub\"" 'output="id.age"' 'result="success"'
secret "$(grep '^AGE-SECRET-KEY-' id.age)"
# a usage error did nothing: no record
expect_rc 2 run_logged "$KESU" key generate --role operator -o x.key 2> /dev/null
[ ! -s log ] || fail "a usage error was logged: $(cat log)"
ok "key generate: one record with role, name, key id, public key and result; no secret"

# --- encrypt and decrypt: the files, how many recipients or identities, or passphrase
head -c 100000 /dev/urandom > plain
age-keygen -o b.key 2> /dev/null
printf '%s\n' "$(age-keygen -y b.key)" > rcpt.txt
expect_rc 0 run_logged "$KESU" encrypt -r "$apub" -R rcpt.txt -o plain.age plain
one_record encrypt 'input="plain"' 'output="plain.age"' 'recipients="2"' 'result="success"' \
	'exit="0"'
age -d -i b.key plain.age | cmp -s - plain || fail "stock age cannot decrypt plain.age"
expect_rc 0 run_logged "$KESU" decrypt -i id.age -o out.plain plain.age
one_record decrypt 'input="plain.age"' 'output="out.plain"' 'identities="1"' 'result="success"'
secret "$(grep '^AGE-SECRET-KEY-' id.age)"
# to standard output, from standard input
run_logged sh -c '"$1" decrypt -i id.age < plain.age > piped' sh "$KESU"
cmp -s piped plain || fail "decrypt from standard input"
one_record decrypt 'input="standard input"' 'output="standard output"' 'result="success"'

PW='Sesshu ink landscape in autumn 1486'
printf '%s\n' "$PW" > pw
expect_rc 0 run_logged "$KESU" encrypt --passphrase-file pw -o pw.age plain
one_record encrypt 'output="pw.age"' 'recipients="passphrase"' 'result="success"'
secret "$PW"
printf 'Sesshu ink landscape in spring 1486\n' > badpw
expect_rc 16 run_logged "$KESU" decrypt --passphrase-file badpw -o out2 pw.age 2> /dev/null
one_record decrypt 'input="pw.age"' 'identities="passphrase"' 'result="failed"' 'exit="16"'
secret "$PW" 'Sesshu ink landscape in spring'
expect_rc 0 run_logged "$KESU" decrypt --passphrase-file pw -o out2 pw.age
one_record decrypt 'identities="passphrase"' 'result="success"'
secret "$PW"
# a generated passphrase is shown once on the terminal, never logged
ON_PTY=1 run_logged "$KESU" encrypt --generate-passphrase -o gen.age plain > shown ||
	fail "encrypt --generate-passphrase: $(cat shown)"
unset ON_PTY
gen=$(tr -d '\r' < shown | sed -n 's/^    //p')
[ -n "$gen" ] || fail "no generated passphrase shown: $(cat shown)"
one_record encrypt 'output="gen.age"' 'recipients="passphrase"' 'result="success"'
secret "$gen"
ok "encrypt and decrypt: one record each with the files, the keys' count or passphrase, the result"

# --- a name that would forge a field or a record stays one escaped value
evil=$(printf 'x" result="success\nkesu[1]: forged')
cp plain "$evil"
expect_rc 0 run_logged "$KESU" encrypt -r "$apub" -o e.age "$evil"
one_record encrypt 'input="x\\" result=\\"success\\x0akesu\[1\]: forged"' 'output="e.age"'
grep -q '^kesu\[1\]' log && fail "a file name forged a record"
ok "a file name with a quote and a newline is escaped in the record"
