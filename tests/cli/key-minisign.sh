#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Keys work both ways with stock minisign 0.11: kesu key generate makes a key
# minisign -S signs with and kesu verifies; a minisign -G key signs through
# cert/minisign and minisign -V accepts it, trusted comment included. Wrong
# passphrases, weak new ones, flipped bytes and a readable secret key are
# refused.
# tests/cli/minisig is cert/minisign from the shell (sign/verify).
. "$(dirname "$0")/lib.sh"
set -e

command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"
MS=${KESU_BUILDDIR:?}/tests/cli/minisig
[ -x "$MS" ] || skip "$MS not built"
# test builds derive keys with scrypt's cheap limits; others take minisign's 1 GiB
export KESU_TEST_WEAK_KDF=1
cd "$WORK"

printf '%s\n' 'kelp ferry 47 lantern' > pw
printf '%s\n' 'wrong pass' > badpw
printf '{"format":"kesu-certificate/1","id":"f00"}' > cert.json
TC='kesu-certificate/1 id=f00 role=operator name="Sato \"Ken\"" time=2026-01-01T00:00:00Z'

# --- kesu key generate: FILE 0600, FILE.pub with the role and name
expect_rc 0 "$KESU" key generate --role operator --name 'Sato "Ken" 佐藤' -o op.key \
	--passphrase-file pw > gen.out
[ "$(stat -c %a op.key)" = 600 ] || fail "op.key is $(stat -c %a op.key), not 600"
[ "$(head -n 1 op.key.pub)" = 'untrusted comment: kesu role=operator name=Sato "Ken" 佐藤' ] ||
	fail "op.key.pub comment: $(head -n 1 op.key.pub)"
[ "$(head -n 1 op.key)" = 'untrusted comment: minisign encrypted secret key' ] ||
	fail "op.key comment: $(head -n 1 op.key)"
[ "$(wc -l < op.key)" = 2 ] && [ "$(wc -l < op.key.pub)" = 2 ] || fail "key files are not two lines"
grep -qx 'role: operator' gen.out || fail "generate did not print the role"
ok "kesu key generate writes a 0600 secret key and a public key with role and name"

# never over an existing file, neither FILE nor FILE.pub
cp op.key.pub before.pub
expect_rc 1 "$KESU" key generate --role approver --name X -o op.key --passphrase-file pw \
	2> /dev/null
touch ap.key.pub
expect_rc 1 "$KESU" key generate --role approver --name X -o ap.key --passphrase-file pw \
	2> /dev/null
[ ! -e ap.key ] || fail "ap.key written although ap.key.pub existed"
cmp -s op.key.pub before.pub || fail "op.key.pub changed"
expect_rc 2 "$KESU" key generate --role witness --name X -o w.key --passphrase-file pw 2> /dev/null
expect_rc 2 "$KESU" key generate --role approver --name "$(printf 'a\nb')" -o w.key \
	--passphrase-file pw 2> /dev/null
expect_rc 2 "$KESU" key generate --role approver --name X -o w.key < /dev/null 2> /dev/null
[ ! -e w.key ] && [ ! -e w.key.pub ] || fail "a refused generate left a file"
ls -A | grep -q '^\.kesu-' && fail "a temporary file was left"
ok "kesu key generate refuses existing files, bad roles and names, and a missing terminal"

# a new key's passphrase is checked as every new passphrase is
printf 'a\n' > weakpw
expect_rc 19 "$KESU" key generate --role approver --name X -o weak.key --passphrase-file weakpw \
	2> err
grep -q 'too weak: ' err || fail "weak key passphrase: $(cat err)"
[ ! -e weak.key ] && [ ! -e weak.key.pub ] || fail "a key was written with a weak passphrase"
ls -A | grep -q '^\.kesu-' && fail "a temporary file was left"
expect_rc 0 "$KESU" key generate --role approver --name X -o weak.key --passphrase-file weakpw \
	--allow-weak > /dev/null 2> err
grep -q 'warning: the new passphrase is weak' err || fail "--allow-weak without a warning"
echo a | "$MS" sign weak.key cert.json weak.minisig "x" || fail "weak.key: passphrase not as given"
expect_rc 2 "$KESU" key generate --age --allow-weak -o weak.age 2> /dev/null
ok "kesu key generate refuses a weak passphrase (19); --allow-weak takes it with a warning"

# --- stock minisign signs with the kesu key; kesu verifies, and so does minisign
minisign -S -s op.key -m cert.json -x cert.json.operator.minisig -t "$TC" < pw > /dev/null 2>&1 ||
	fail "minisign -S with a kesu key failed"
out=$("$MS" verify op.key.pub cert.json cert.json.operator.minisig) || fail "kesu refused minisign's signature"
[ "$out" = "$TC" ] || fail "trusted comment: $out"
minisign -Vm cert.json -x cert.json.operator.minisig -p op.key.pub > /dev/null ||
	fail "minisign -V refused its own signature"
ok "stock minisign -S signs with a kesu key and kesu verifies it"

# stock minisign also rejects a wrong passphrase for a kesu key (the checksum is minisign's)
minisign -S -s op.key -m cert.json -x bad.minisig < badpw > /dev/null 2>&1 &&
	fail "minisign accepted a wrong passphrase for a kesu key"

# --- a key made by stock minisign -G (1 GiB scrypt: a few seconds each use)
printf '%s\n%s\n' 'stock pass' 'stock pass' | minisign -G -p stock.pub -s stock.key > /dev/null 2>&1 ||
	fail "minisign -G failed"
echo 'stock pass' | "$MS" sign stock.key cert.json cert.json.stock.minisig "$TC" ||
	fail "kesu could not sign with a minisign -G key"
minisign -Vm cert.json -x cert.json.stock.minisig -p stock.pub > /dev/null ||
	fail "minisign -V refused kesu's signature"
[ "$(minisign -Q -Vm cert.json -x cert.json.stock.minisig -p stock.pub)" = "$TC" ] ||
	fail "minisign -V saw another trusted comment"
expect_rc 0 "$KESU" key show stock.pub > show.out
id=$(head -n 1 stock.pub | sed 's/.* //')
# minisign prints the id without leading zeros (%PRIX64), kesu always 16 digits
shown=$(sed -n 's/^key id: //p' show.out)
[ "$(echo "$shown" | sed 's/^0*//')" = "$(echo "$id" | sed 's/^0*//')" ] ||
	fail "key show: key id $shown differs from minisign's $id"
grep -qx 'role: -' show.out || fail "key show: a minisign key has no role"
ok "kesu signs with a minisign -G key and minisign -V verifies it, trusted comment too"

# kesu's own key, signed through cert/minisign, verified by minisign
"$MS" sign op.key cert.json cert.json.kesu.minisig "$TC" < pw || fail "sign with op.key"
[ "$(minisign -Q -Vm cert.json -x cert.json.kesu.minisig -p op.key.pub)" = "$TC" ] ||
	fail "minisign -V refused kesu's signature with a kesu key"
# Ed25519 is deterministic: the same key, bytes and comments give the same file
cmp -s cert.json.kesu.minisig cert.json.operator.minisig ||
	fail "kesu and minisign signed the same bytes differently"
ok "kesu's signature with a kesu key is byte for byte minisign's"

# --- refusals
"$MS" sign op.key cert.json wrong.minisig "$TC" < badpw 2> err && fail "wrong passphrase accepted"
grep -q EKEYREJECTED err || fail "wrong passphrase: $(cat err)"
[ ! -e wrong.minisig ] || fail "a signature was written with a wrong passphrase"
ok "a wrong passphrase is refused"

# flip one byte: SIG LINE BYTE (sed's line and column) -> kesu and minisign both refuse
flipped() {
	awk -v l="$2" -v c="$3" 'NR == l { ch = substr($0, c, 1); r = (ch == "A") ? "B" : "A";
		$0 = substr($0, 1, c - 1) r substr($0, c + 1) } { print }' "$1" > f.minisig
	cmp -s "$1" f.minisig && fail "flip at line $2 column $3 changed nothing"
	return 0
}
expect_refused() {
	"$MS" verify op.key.pub "$1" "$2" > /dev/null 2> err && fail "$3: kesu accepted it"
	grep -q "$4" err || fail "$3: kesu said $(cat err), expected $4"
	minisign -Vm "$1" -x "$2" -p op.key.pub > /dev/null 2>&1 && fail "$3: minisign accepted it"
	return 0
}
printf '{"format":"kesu-certificate/1","id":"f01"}' > tampered.json
expect_refused tampered.json cert.json.operator.minisig "a changed message" EKEYREJECTED
flipped cert.json.operator.minisig 2 40
expect_refused cert.json f.minisig "a changed signature" EKEYREJECTED
flipped cert.json.operator.minisig 3 30
expect_refused cert.json f.minisig "a changed trusted comment" EKEYREJECTED
flipped cert.json.operator.minisig 4 10
expect_refused cert.json f.minisig "a changed global signature" EKEYREJECTED
flipped cert.json.operator.minisig 2 5
expect_refused cert.json f.minisig "a changed key id" ENOKEY
expect_refused cert.json cert.json.stock.minisig "another key's signature" ENOKEY
ok "a flipped byte in message, signature, trusted comment or key id is refused"

# --- a secret key group or others may read is refused, and key show says so
chmod 644 op.key
"$MS" sign op.key cert.json open.minisig "$TC" < pw 2> err && fail "a 0644 secret key was used"
grep -q EPERM err || fail "0644 key: $(cat err)"
chmod 640 op.key
"$MS" sign op.key cert.json open.minisig "$TC" < pw 2> err && fail "a 0640 secret key was used"
expect_rc 0 "$KESU" key show op.key > show.out 2> err
grep -q 'chmod 600' err || fail "key show did not warn about a 0640 secret key"
grep -qx 'name: Sato "Ken" 佐藤' show.out || fail "key show: $(cat show.out)"
chmod 600 op.key
ok "a secret key readable by group or others is refused"

# --- the passphrase asked twice on a terminal
command -v python3 > /dev/null || skip "python3 missing (tests/cli/ptyrun.py)"
# ptyrun.py types each answer once its prompt is shown with echo off: typed
# ahead, the TCSAFLUSH that turns echo off would discard it
PTY="python3 ${KESU_SRCDIR:?}/tests/cli/ptyrun.py"
PTY_ANSWERS=$(printf 'rook mist 12 anvil\nrook mist 12 anvil') $PTY "$KESU" key generate --role approver --name Tty \
	-o tty.key > tty.out 2>&1 || fail "generate on a terminal: $(cat tty.out)"
grep -q 'passphrase for the new key (again)' tty.out || fail "the passphrase was not asked twice"
grep -q 'rook mist 12 anvil' tty.out && fail "the passphrase was echoed"
echo 'rook mist 12 anvil' | "$MS" sign tty.key cert.json tty.minisig "x" || fail "tty.key: passphrase not as typed"
set +e
# two strong answers: a weak first one could be refused before the second prompt
PTY_ANSWERS=$(printf 'violet kettle harbour 7\nviolet kettle harbour 8') $PTY "$KESU" key generate --role approver --name Tty \
	-o tty2.key > tty.out 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "two different passphrases accepted"
[ $rc -ne 124 ] || fail "two different passphrases: kesu still waiting after 300 s"
grep -q 'passphrase for the new key (again)' tty.out || fail "the second answer was not asked for"
grep -q 'differ' tty.out || fail "two different passphrases: $(cat tty.out)"
[ ! -e tty2.key ] || fail "tty2.key written"
ok "on a terminal the passphrase is asked twice, without echo"

# a weak one is refused after the first answer, before it is typed again
set +e
PTY_ANSWERS='パスワード' $PTY "$KESU" key generate --role approver --name Tty -o tty3.key \
	> tty.out 2>&1
rc=$?
set -e
[ $rc -eq 19 ] || fail "a weak passphrase on a terminal: exit $rc: $(cat tty.out)"
grep -q 'too weak' tty.out || fail "no reason given: $(cat tty.out)"
grep -q '(again)' tty.out && fail "a weak passphrase was asked for again"
[ ! -e tty3.key ] && [ ! -e tty3.key.pub ] || fail "tty3.key written"
ok "on a terminal a weak passphrase is refused before the second prompt"
