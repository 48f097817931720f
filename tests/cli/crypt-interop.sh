#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu encrypt/decrypt against stock age 1.1.1 and age-keygen, both ways:
# X25519 and passphrase, binary and armored, an empty file, 64 KiB (one full
# final chunk), 64 KiB + 1 (a final chunk of one byte) and several MiB; an
# identity from kesu key generate --age used by age, and age-keygen's by
# kesu. age asks passphrases on a terminal: ptyrun.py types them on a
# pseudo-terminal. cmp proves every round trip.
. "$(dirname "$0")/lib.sh"
set -e

command -v age >/dev/null || skip "age missing (scripts/install-deps)"
command -v age-keygen >/dev/null || skip "age-keygen missing (scripts/install-deps)"
command -v python3 >/dev/null || skip "python3 missing (scripts/install-deps)"
PTY="python3 ${KESU_SRCDIR:?}/tests/cli/ptyrun.py"
cd "$WORK"

: > f0
head -c 65536 /dev/urandom > f65536
head -c 65537 /dev/urandom > f65537
head -c $((3 * 1024 * 1024 + 5)) /dev/urandom > f3m
SIZES="f0 f65536 f65537 f3m"

# --- identities: kesu's in age-keygen's format, and age-keygen's
expect_rc 0 "$KESU" key generate --age -o k.key > gen.out
[ "$(stat -c %a k.key)" = 600 ] || fail "k.key is $(stat -c %a k.key), not 600"
sed -n 1p k.key | grep -Eq '^# created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$' ||
	fail "k.key line 1: $(sed -n 1p k.key)"
sed -n 2p k.key | grep -Eq '^# public key: age1[02-9ac-hj-np-z]{58}$' || fail "k.key line 2"
sed -n 3p k.key | grep -Eq '^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$' || fail "k.key line 3"
[ "$(wc -l < k.key)" = 3 ] || fail "k.key is not three lines"
kpub=$(age-keygen -y k.key) || fail "age-keygen -y does not read kesu's identity"
[ "$(sed -n 2p k.key)" = "# public key: $kpub" ] || fail "k.key comment is not age-keygen -y's key"
grep -qxF "public key: $kpub" gen.out || fail "kesu key generate --age did not print $kpub"
cp k.key k.before
expect_rc 1 "$KESU" key generate --age -o k.key > /dev/null 2>&1
cmp k.key k.before || fail "kesu key generate --age replaced k.key without --force"
expect_rc 2 "$KESU" key generate --age --role operator -o k2.key > /dev/null 2>&1
expect_rc 2 "$KESU" key generate --age --passphrase-file /dev/null -o k2.key > /dev/null 2>&1
[ ! -e k2.key ] || fail "k2.key made despite a usage error"
expect_rc 0 "$KESU" key generate --age --force -o k2.key > /dev/null
cp k2.key k2.before
expect_rc 0 "$KESU" key generate --age --force -o k2.key > /dev/null
cmp -s k2.key k2.before && fail "--force did not replace k2.key"
[ "$(stat -c %a k2.key)" = 600 ] || fail "k2.key is $(stat -c %a k2.key) after --force"
age-keygen -o a.key 2> /dev/null
apub=$(age-keygen -y a.key)
ok "kesu key generate --age: age-keygen's format, 0600, its public key is age-keygen -y's; an existing file only with --force"

# --- X25519, both ways, binary and armored
for f in $SIZES; do
	for a in "" -a; do
		"$KESU" encrypt -r "$apub" $a -o "$f$a.k" "$f" || fail "kesu encrypt $a $f"
		# to standard output: age -o makes no file for an empty plaintext
		age -d -i a.key "$f$a.k" > "$f$a.k.out" || fail "age -d of kesu's $a $f"
		cmp "$f" "$f$a.k.out" || fail "kesu -> age $a $f differs"
		age -r "$kpub" $a -o "$f$a.a" "$f"
		"$KESU" decrypt -i k.key -o "$f$a.a.out" "$f$a.a" || fail "kesu decrypt of age's $a $f"
		cmp "$f" "$f$a.a.out" || fail "age -> kesu $a $f differs"
	done
	[ "$(head -n 1 "$f-a.k")" = "-----BEGIN AGE ENCRYPTED FILE-----" ] ||
		fail "kesu encrypt -a $f: no armor"
	[ "$(head -c 21 "$f.k")" = "age-encryption.org/v1" ] || fail "kesu encrypt $f: no age header"
done
ok "X25519 both ways, binary and armored: 0, 64 KiB, 64 KiB + 1, 3 MiB + 5 bytes"

# several recipients (kesu's -r and -R) and identities: each opens the file alone
printf '# the team\n\n%s\n' "$kpub" > team.txt
"$KESU" encrypt -r "$apub" -R team.txt -o multi.age f65537
age -d -i a.key -o multi.a multi.age && cmp f65537 multi.a || fail "age, first recipient"
"$KESU" decrypt -i k.key -o multi.k multi.age && cmp f65537 multi.k || fail "kesu, second recipient"
"$KESU" decrypt -i a.key -i k.key -o multi.ak multi.age && cmp f65537 multi.ak ||
	fail "kesu, two identity files"
age -r "$apub" -r "$kpub" -o multi2.age f3m
"$KESU" decrypt -i k.key -o multi2.k multi2.age && cmp f3m multi2.k || fail "age, two recipients"
ok "several recipients both ways; a recipients file with a comment and a blank line"

# --- passphrases: kesu from a file, age on a terminal, and the other way
PASS='Kuroshio drifts past Erimo at dawn'
printf '%s\n' "$PASS" > pw
for a in "" -a; do
	"$KESU" encrypt --passphrase-file pw $a -o "p$a.k" f65537
	PTY_ANSWER=$PASS $PTY age -d -o "p$a.k.out" "p$a.k" > tty.out ||
		{ cat tty.out; fail "age -d of kesu's passphrase file $a"; }
	cmp f65537 "p$a.k.out" || fail "kesu -> age passphrase $a differs"
	PTY_ANSWER=$PASS $PTY age -p $a -o "p$a.a" f65537 > tty.out ||
		{ cat tty.out; fail "age -p $a"; }
	"$KESU" decrypt --passphrase-file pw -o "p$a.a.out" "p$a.a" || fail "kesu decrypt age -p $a"
	cmp f65537 "p$a.a.out" || fail "age -> kesu passphrase $a differs"
done
ok "passphrase both ways, binary and armored (kesu --passphrase-file, age on a terminal)"

# kesu asks on the terminal too: twice when encrypting, once when decrypting
PTY_ANSWER=$PASS $PTY "$KESU" encrypt -p -o pt.k f3m > tty.out || { cat tty.out; fail "kesu -p"; }
[ "$(grep -c 'passphrase' tty.out)" = 2 ] || { cat tty.out; fail "kesu -p did not ask twice"; }
grep -qF "$PASS" tty.out && fail "the passphrase was echoed"
PTY_ANSWER=$PASS $PTY age -d -o pt.k.out pt.k > /dev/null && cmp f3m pt.k.out ||
	fail "age -d of kesu -p"
PTY_ANSWER=$PASS $PTY "$KESU" decrypt -o pt.a.out p.a > tty.out ||
	{ cat tty.out; fail "kesu decrypt asking on the terminal"; }
cmp f65537 pt.a.out || fail "kesu decrypt on the terminal differs"
ok "kesu asks on the terminal with echo off, twice to encrypt, once to decrypt"

# --generate-passphrase: shown once with the warning; age opens the file with it
$PTY "$KESU" encrypt --generate-passphrase -o gen.k f65536 > tty.out ||
	{ cat tty.out; fail "--generate-passphrase"; }
gen=$(grep -Eo '[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}' tty.out | head -n 1)
[ -n "$gen" ] || { cat tty.out; fail "no generated passphrase shown"; }
grep -qi 'another channel' tty.out && grep -qi 'never in the mail' tty.out ||
	{ cat tty.out; fail "no warning to send the passphrase another way"; }
PTY_ANSWER=$gen $PTY age -d -o gen.out gen.k > /dev/null && cmp f65536 gen.out ||
	fail "age -d with the generated passphrase"
ok "--generate-passphrase: shown once with the warning, age decrypts with it"

# --- SSH keys made by ssh-keygen: stock age and kesu both ways, ssh-ed25519 and ssh-rsa
command -v ssh-keygen >/dev/null || skip "ssh-keygen missing (openssh-client, scripts/install-deps)"
ssh-keygen -q -t ed25519 -N '' -C 'e@x' -f sshe
ssh-keygen -q -t rsa -b 2048 -N '' -C 'r@x' -f sshr
SSHPASS='ssh key words'
ssh-keygen -q -t ed25519 -N "$SSHPASS" -f sshp
for k in sshe sshr sshp; do
	age -R $k.pub -o $k.a f65537 || fail "age -R $k.pub"
	grep -aq "^-> ssh-$(case $k in sshr) echo rsa ;; *) echo ed25519 ;; esac) " $k.a ||
		fail "age did not write an SSH stanza for $k"
	"$KESU" encrypt -R $k.pub -o $k.k f65537 || fail "kesu encrypt -R $k.pub"
	head -n 2 $k.k | grep -aq '^-> ssh-' || fail "kesu wrote no SSH stanza for $k"
	"$KESU" encrypt -r "$(cat $k.pub)" -o $k.kr f65536 || fail "kesu encrypt -r '$k.pub line'"
done
for k in sshe sshr; do
	"$KESU" decrypt -i $k -o $k.a.out $k.a || fail "kesu decrypt -i $k of age's file"
	cmp f65537 $k.a.out || fail "age -> kesu $k differs"
	age -d -i $k -o $k.k.out $k.k || fail "age -d -i $k of kesu's file"
	cmp f65537 $k.k.out || fail "kesu -> age $k differs"
	age -d -i $k -o $k.kr.out $k.kr && cmp f65536 $k.kr.out || fail "kesu -r $k -> age"
done
# the wrong SSH key: no identity matched
expect_rc 16 "$KESU" decrypt -i sshe -o wrong.out sshr.a > /dev/null 2> err.out
grep -q 'no identity matched' err.out || fail "wrong SSH key: $(cat err.out)"
ok "ssh-ed25519 and ssh-rsa keys from ssh-keygen: age and kesu both ways"

# protected KEY: KEY.a (by age) and KEY.k (by kesu) of f65537, for the SSH key
# KEY protected by $SSHPASS: kesu decrypts KEY.a with the passphrase from a
# file and asked once on the terminal (echo off), age decrypts KEY.k, and a
# wrong passphrase exits 16 with nothing written
protected() {
	"$KESU" decrypt -i $1 --passphrase-file sshp.pass -o $1.a.out $1.a ||
		fail "kesu decrypt -i $1 --passphrase-file"
	cmp f65537 $1.a.out || fail "age -> kesu with the protected key $1 differs"
	PTY_ANSWER=$SSHPASS $PTY "$KESU" decrypt -i $1 -o $1.t.out $1.a > tty.out ||
		{ cat tty.out; fail "kesu decrypt -i $1 asking on the terminal"; }
	cmp f65537 $1.t.out || fail "kesu with the asked passphrase of $1 differs"
	[ "$(grep -c "passphrase for $1:" tty.out)" = 1 ] ||
		{ cat tty.out; fail "$1: not asked once"; }
	grep -qF "$SSHPASS" tty.out && fail "the passphrase of $1 was echoed"
	PTY_ANSWER=$SSHPASS $PTY age -d -i $1 -o $1.k.out $1.k > tty.out ||
		{ cat tty.out; fail "age -d -i $1 of kesu's file"; }
	cmp f65537 $1.k.out || fail "kesu -> age with the protected key $1 differs"
	rm -f bad.out
	expect_rc 16 "$KESU" decrypt -i $1 --passphrase-file bad.pass -o bad.out $1.a 2> err.out
	grep -q "$1: wrong passphrase" err.out || fail "wrong passphrase of $1: $(cat err.out)"
	[ ! -e bad.out ] || fail "bad.out written with the wrong passphrase of $1"
}
printf '%s\n' "$SSHPASS" > sshp.pass
printf 'not it\n' > bad.pass
protected sshp
ok "a passphrase-protected ssh-ed25519 key: from a file and asked on the terminal, both ways"

# refused with the reason: ECDSA, security keys, PEM private keys
ssh-keygen -q -t ecdsa -N '' -f sshec
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f sshpem
printf '%s\n' 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIHi2jtkZZxAqPnPBE/fSZ4EzWZQTA5mG2rHkBRLi2mvtAAAABHNzaDo= u@h' > sshsk.pub
expect_rc 2 "$KESU" encrypt -R sshec.pub -o x.age f0 2> err.out
grep -q 'ECDSA' err.out || fail "ECDSA recipient: $(cat err.out)"
expect_rc 2 "$KESU" encrypt -R sshsk.pub -o x.age f0 2> err.out
grep -q 'security-key' err.out || fail "sk- recipient: $(cat err.out)"
expect_rc 2 "$KESU" decrypt -i sshec -o x.out sshe.a 2> err.out
grep -q 'ECDSA' err.out || fail "ECDSA identity: $(cat err.out)"
expect_rc 2 "$KESU" decrypt -i sshpem -o x.out sshe.a 2> err.out
grep -q 'PEM private key' err.out || fail "PEM identity: $(cat err.out)"
[ ! -e x.age ] && [ ! -e x.out ] || fail "output written despite a refused key"
ok "ECDSA, sk- and PEM keys refused with the reason"

# an ssh-rsa key whose parts do not belong together: d damaged (it would open
# nothing), then q damaged (OpenSSL would quietly redo each result with d).
# Refused when read, as stock age refuses it, and no output written.
# damage KEY FIELD [PLAIN]: flip the low bit of the last byte of FIELD (n e d
# iqmp p q); KEY encrypted with aes256-ctr: flip the bit of its ciphertext
# that holds that bit, found in PLAIN, the same key unprotected (CTR keeps
# each bit in its place, and both private sections are laid out alike)
damage() {
	python3 - "$@" <<'PY'
import base64, struct, sys
path, field = sys.argv[1], sys.argv[2]
def load(p):
    text = open(p).read().split("\n")
    end = text.index("-----END OPENSSH PRIVATE KEY-----")
    return text, bytearray(base64.b64decode("".join(text[1:end])))
def section(blob):
    o = len(b"openssh-key-v1\0")
    for _ in range(3):  # cipher, KDF, its options
        o += 4 + struct.unpack(">I", blob[o:o + 4])[0]
    o += 4  # the key count
    o += 4 + struct.unpack(">I", blob[o:o + 4])[0]  # the public key
    return o + 4  # the private section, after its length
text, blob = load(path)
plain = load(sys.argv[3])[1] if len(sys.argv) > 3 else blob
def skip(o):
    return o + 4 + struct.unpack(">I", plain[o:o + 4])[0]
o = skip(section(plain) + 8)  # the check ints, "ssh-rsa"
for name in ("n", "e", "d", "iqmp", "p", "q"):
    end = skip(o)
    if name == field:
        blob[section(blob) + end - 1 - section(plain)] ^= 1
    o = end
b64 = base64.b64encode(bytes(blob)).decode()
lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
open(path, "w").write("\n".join([text[0]] + lines + ["-----END OPENSSH PRIVATE KEY-----", ""]))
PY
}
for field in d q; do
	cp sshr sshr.$field && damage sshr.$field $field
	if age -d -i sshr.$field -o x.out sshr.a 2> /dev/null; then
		fail "stock age took the ssh-rsa key with $field damaged"
	fi
	rm -f x.out
	expect_rc 2 "$KESU" decrypt -i sshr.$field -o x.out sshr.a 2> err.out
	grep -q 'malformed OpenSSH private key' err.out || fail "damaged $field: $(cat err.out)"
	[ ! -e x.out ] || fail "output written with a damaged ssh-rsa key"
done
ok "an ssh-rsa key with d or q damaged: refused when read, as age refuses it"

# an ssh-rsa key protected by a passphrase (bcrypt_pbkdf, aes256-ctr, as
# ssh-keygen writes it): age and kesu both ways, the passphrase from a file
# and asked once on the terminal; a wrong one: exit 16, nothing written
ssh-keygen -q -t rsa -b 2048 -N "$SSHPASS" -C 'rp@x' -f sshrp
grep -q 'BEGIN OPENSSH PRIVATE KEY' sshrp || fail "ssh-keygen wrote sshrp in another format"
age -R sshrp.pub -o sshrp.a f65537 || fail "age -R sshrp.pub"
"$KESU" encrypt -R sshrp.pub -o sshrp.k f65537 || fail "kesu encrypt -R sshrp.pub"
protected sshrp
ok "a passphrase-protected ssh-rsa key: from a file and asked once on the terminal, both ways"

# the other ciphers ssh-keygen -Z writes: AES-GCM (with its tag), AES-CBC,
# AES-128, few rounds (-a 2); ChaCha20-Poly1305 refused with the reason,
# before any passphrase is asked
for z in aes256-gcm@openssh.com aes128-gcm@openssh.com aes256-cbc aes128-ctr; do
	cp sshrp sshrz &&
		ssh-keygen -q -p -f sshrz -P "$SSHPASS" -N "$SSHPASS" -a 2 -Z $z > /dev/null
	rm -f z.out
	"$KESU" decrypt -i sshrz --passphrase-file sshp.pass -o z.out sshrp.a ||
		fail "kesu decrypt -i a protected ssh-rsa key in $z"
	cmp f65537 z.out || fail "protected ssh-rsa key in $z: differs"
	expect_rc 16 "$KESU" decrypt -i sshrz --passphrase-file bad.pass -o bad.out sshrp.a \
		2> /dev/null
	[ ! -e bad.out ] || fail "bad.out written with the wrong passphrase ($z)"
done
cp sshrp sshrz && ssh-keygen -q -p -f sshrz -P "$SSHPASS" -N "$SSHPASS" \
	-Z chacha20-poly1305@openssh.com > /dev/null
expect_rc 2 $PTY "$KESU" decrypt -i sshrz -o x.out sshrp.a > tty.out
grep -q 'cipher not read here' tty.out || { cat tty.out; fail "chacha20-poly1305 key"; }
grep -q 'passphrase for' tty.out && { cat tty.out; fail "asked for a key it cannot read"; }
[ ! -e x.out ] || fail "x.out written with a chacha20-poly1305 key"
ok "protected ssh-rsa keys in AES-GCM, -CBC and -128: read; chacha20-poly1305: refused"

# the decrypted key goes through the unprotected key's checks: d damaged in
# the ciphertext (aes256-ctr flips the same bit of the plaintext) is refused
# as a malformed key, not taken, and not taken for a wrong passphrase
cp sshrp sshrp.plain && ssh-keygen -q -p -f sshrp.plain -P "$SSHPASS" -N '' > /dev/null
cp sshrp sshrp.d && damage sshrp.d d sshrp.plain
expect_rc 2 "$KESU" decrypt -i sshrp.d --passphrase-file sshp.pass -o x.out sshrp.a 2> err.out
grep -q 'malformed OpenSSH private key' err.out || fail "damaged sealed d: $(cat err.out)"
[ ! -e x.out ] || fail "output written with a damaged protected ssh-rsa key"
ok "a protected ssh-rsa key with d damaged under the cipher: refused when read"

# --- an identity file encrypted with a passphrase by age -p, read by kesu, asked once
IDPASS='identity file words'
age-keygen -o plain.key 2> /dev/null
PTY_ANSWER=$IDPASS $PTY age -p -o enc.key plain.key > /dev/null || fail "age -p of an identity"
chmod 600 enc.key
head -n 1 enc.key | grep -qx 'age-encryption.org/v1' || fail "age -p did not write an age file"
age -r "$(age-keygen -y plain.key)" -o forenc.age f65537
printf '%s\n' "$IDPASS" > idpass
"$KESU" decrypt -i enc.key --passphrase-file idpass -o forenc.out forenc.age ||
	fail "kesu decrypt -i enc.key --passphrase-file"
cmp f65537 forenc.out || fail "kesu with an encrypted identity file differs"
PTY_ANSWER=$IDPASS $PTY "$KESU" decrypt -i enc.key -o forenc.t.out forenc.age > tty.out ||
	{ cat tty.out; fail "kesu decrypt -i enc.key asking on the terminal"; }
cmp f65537 forenc.t.out || fail "kesu with the asked identity passphrase differs"
[ "$(grep -c 'passphrase' tty.out)" = 1 ] || { cat tty.out; fail "not asked exactly once"; }
expect_rc 16 "$KESU" decrypt -i enc.key --passphrase-file bad.pass -o x.out forenc.age 2> err.out
grep -q 'enc.key: wrong passphrase' err.out || fail "wrong identity passphrase: $(cat err.out)"
ok "an identity file encrypted by age -p: its passphrase from a file or asked once"

# --- kesu key show of an age identity: its recipients, as age-keygen -y prints them
[ "$("$KESU" key show k.key)" = "$(age-keygen -y k.key)" ] || fail "key show k.key"
cat k.key plain.key > two.key
chmod 600 two.key
"$KESU" key show two.key > show.out || fail "kesu key show two.key"
age-keygen -y two.key | cmp - show.out || fail "key show of two identities differs from age-keygen -y"
ok "kesu key show of an age identity file equals age-keygen -y"
