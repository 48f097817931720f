#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rebuild the hand-made age headers and armors of this directory from the
# files stock age 1.1.1 wrote (see README). Each hdr-bad-* / armor-bad-* file
# breaks exactly one rule of the C2SP age spec; hdr-ok-* / armor-ok-* are
# well formed. tests/unit/test_age_format.c and test_armor.c hold the result
# each must give. Needs only coreutils, sed and printf.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the stock X25519 file: its four header lines and its payload
v=$(sed -n 1p stock-x25519.age)
arg=$(sed -n 2p stock-x25519.age)
body=$(sed -n 3p stock-x25519.age)
mac=$(sed -n 4p stock-x25519.age)
hlen=$(head -n 4 stock-x25519.age | wc -c)
tail -c +$((hlen + 1)) stock-x25519.age > "$tmp/payload"
# a header (printf format and arguments) followed by the stock payload
hdr() {
	out=$1
	shift
	{ printf "$@"; cat "$tmp/payload"; } > "$out"
}
# base64 without padding on one line
b64() { base64 -w0 | tr -d '='; }
# the body with its last character's value XOR 1: a bit after the data set
flip='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
flop='BADCFEHGJILKNMPORQTSVUXWZYbadcfehgjilknmporqtsvuxwzy1032547698/+'
lastbit() { printf '%s' "$1" | sed 's/.$//'; printf '%s' "$1" | tail -c 1 | tr "$flip" "$flop"; }

full48=$(head -c 48 stock-x25519.age | b64)
long=$(tail -c 100 stock-armor.age | b64)
long1=$(printf '%s' "$long" | cut -c1-64)
long2=$(printf '%s' "$long" | cut -c65-128)
long3=$(printf '%s' "$long" | cut -c129-)
macb=${mac#--- }

# well formed: an empty body, a body of 48 bytes (a full line, then an empty
# one), a stanza with 8 arguments after its type and a body of three lines
hdr hdr-ok-empty-body.age '%s\n-> kesu.example/empty a b\n\n%s\n%s\n%s\n' "$v" "$arg" "$body" "$mac"
hdr hdr-ok-48.age '%s\n-> kesu.example/full\n%s\n\n%s\n' "$v" "$full48" "$mac"
hdr hdr-ok-long.age '%s\n-> kesu.example/long 1 2 3 4 5 6 7 8\n%s\n%s\n%s\n%s\n%s\n%s\n' \
	"$v" "$long1" "$long2" "$long3" "$arg" "$body" "$mac"

# the version line
hdr hdr-bad-version-v2.age '%s\n%s\n%s\n%s\n' "age-encryption.org/v2" "$arg" "$body" "$mac"
hdr hdr-bad-version-prefix.age '%s\n%s\n%s\n%s\n' "age-encryption.com/v1" "$arg" "$body" "$mac"
hdr hdr-bad-version-space.age '%s \n%s\n%s\n%s\n' "$v" "$arg" "$body" "$mac"
# CR: CRLF throughout, or only after the body
hdr hdr-bad-crlf.age '%s\r\n%s\r\n%s\r\n%s\r\n' "$v" "$arg" "$body" "$mac"
hdr hdr-bad-cr-body.age '%s\n%s\n%s\r\n%s\n' "$v" "$arg" "$body" "$mac"
# base64 of the body: "=" padding, a bit after the data, the URL alphabet, 4k+1 characters
hdr hdr-bad-padding.age '%s\n%s\n%s=\n%s\n' "$v" "$arg" "$body" "$mac"
hdr hdr-bad-trailing-bits.age '%s\n%s\n%s\n%s\n' "$v" "$arg" "$(lastbit "$body")" "$mac"
hdr hdr-bad-urlsafe.age '%s\n%s\n_%s\n%s\n' "$v" "$arg" "${body#?}" "$mac"
hdr hdr-bad-4k1.age '%s\n%s\n%sA\n%s\n' "$v" "$arg" "$(printf '%s' "$body" | cut -c1-40)" "$mac"
# body lines: 65 columns; a short line that is not the last; no final short
# line after a full one (the next stanza or the MAC line right after it)
hdr hdr-bad-65col.age '%s\n-> kesu.example/long\n%s\n%s\n%s\n%s\n' "$v" "$(printf '%s' "$long" | cut -c1-65)" \
	"$(printf '%s' "$long" | cut -c66-129)" "$(printf '%s' "$long" | cut -c130-)" "$mac"
hdr hdr-bad-short-line.age '%s\n-> kesu.example/long\n%s\n%s\n%s\n%s\n' \
	"$v" "$(printf '%s' "$long1" | cut -c1-60)" "$(printf '%s' "$long1" | cut -c61-)$long2" "$long3" "$mac"
hdr hdr-bad-no-final-line.age '%s\n-> kesu.example/full\n%s\n%s\n%s\n%s\n' "$v" "$full48" "$arg" "$body" "$mac"
hdr hdr-bad-no-final-line-mac.age '%s\n-> kesu.example/full\n%s\n%s\n' "$v" "$full48" "$mac"
# stanzas: none; an empty argument; a trailing space; no argument; no space after "->";
# an 8-bit byte, a tab, a NUL in an argument; 9 arguments after the type
hdr hdr-bad-no-stanza.age '%s\n%s\n' "$v" "$mac"
hdr hdr-bad-empty-arg.age '%s\n-> X25519  %s\n%s\n%s\n' "$v" "${arg#-> X25519 }" "$body" "$mac"
hdr hdr-bad-trailing-space.age '%s\n%s \n%s\n%s\n' "$v" "$arg" "$body" "$mac"
hdr hdr-bad-no-args.age '%s\n-> \n%s\n%s\n' "$v" "$body" "$mac"
hdr hdr-bad-no-space.age '%s\n->%s\n%s\n%s\n' "$v" "${arg#-> }" "$body" "$mac"
hdr hdr-bad-arg-8bit.age '%s\n%s\n%s\n%s\n' "$v" "-> kesu.example/caf$(printf '\303\251')" "$body" "$mac"
hdr hdr-bad-arg-tab.age '%s\n-> X25519\t%s\n%s\n%s\n' "$v" "${arg#-> X25519 }" "$body" "$mac"
hdr hdr-bad-arg-nul.age '%s\n-> kesu.example/a\000b\n%s\n%s\n' "$v" "$body" "$mac"
hdr hdr-bad-too-many-args.age '%s\n-> kesu.example/many 1 2 3 4 5 6 7 8 9\n%s\n%s\n' "$v" "$body" "$mac"
# the MAC line: missing (the payload right after the stanza), 42 or 44
# characters, padding, a bit after the data, no space, a second space
hdr hdr-bad-no-mac.age '%s\n%s\n%s\n' "$v" "$arg" "$body"
hdr hdr-bad-mac-short.age '%s\n%s\n%s\n--- %s\n' "$v" "$arg" "$body" "$(printf '%s' "$macb" | cut -c1-42)"
hdr hdr-bad-mac-long.age '%s\n%s\n%s\n%sA\n' "$v" "$arg" "$body" "$mac"
hdr hdr-bad-mac-padding.age '%s\n%s\n%s\n%s=\n' "$v" "$arg" "$body" "$mac"
hdr hdr-bad-mac-bits.age '%s\n%s\n%s\n--- %s\n' "$v" "$arg" "$body" "$(lastbit "$macb")"
hdr hdr-bad-mac-nospace.age '%s\n%s\n%s\n---%s\n' "$v" "$arg" "$body" "$macb"
hdr hdr-bad-mac-twospace.age '%s\n%s\n%s\n---  %s\n' "$v" "$arg" "$body" "$macb"
# the header ends where the MAC line should start: truncated, more may come
printf '%s\n%s\n%s\n' "$v" "$arg" "$body" > hdr-truncated.age

# armor, from stock-armor.age.asc (11 lines, one "=") and stock-armor-241.age.asc ("==")
a=stock-armor.age.asc
a241=stock-armor-241.age.asc
sed 's/$/\r/' $a > armor-ok-crlf.asc
{ printf '\n \t\r\n'; cat $a; printf '\n\n \t\n'; } > armor-ok-space.asc
head -c -1 $a > armor-ok-noeol.asc
# line lengths: 68 columns (the rest wrapped at 64); a short line that is not the last (two of 32)
{ sed -n 1p $a; sed '1d;$d' $a | tr -d '\n' | { head -c 68; echo; fold -w 64; echo; }; sed -n '$p' $a; } \
	> armor-bad-68col.asc
sed '2s/^\(.\{32\}\)/\1\n/' $a > armor-bad-short-line.asc
# around the block: a byte before, a mail's text before, a byte after, a second block
{ printf 'x'; cat $a; } > armor-bad-garbage-before.asc
{ printf 'Hello,\n\n'; cat $a; } > armor-bad-text-before.asc
{ cat $a; printf 'x\n'; } > armor-bad-garbage-after.asc
cat $a $a > armor-bad-two-blocks.asc
# the END line missing, cut short; the BEGIN line with another label or a trailing space
sed '$d' $a > armor-bad-no-end.asc
{ sed '$d' $a; printf '%s' '-----END AGE ENCRYPTED FI'; } > armor-bad-truncated-end.asc
sed '1s/AGE/age/' $a > armor-bad-label.asc
sed '1s/$/ /' $a > armor-bad-begin-space.asc
# padding: missing, a bit after the data, one "=" too many, data after a padded line
sed 's/==$//' $a241 > armor-bad-pad-missing.asc
sed 's/jw==$/jx==/' $a241 > armor-bad-pad-bits.asc
sed 's/==$/===/' $a241 > armor-bad-pad-extra.asc
sed 's/^\(.*=\)$/\1\nAAAA/' $a > armor-bad-pad-middle.asc
# line endings: CRLF on one line only, bare CR, a space at the end of a line;
# an empty line after BEGIN; no base64 at all
sed '3s/$/\r/' $a > armor-bad-mixed-eol.asc
tr '\n' '\r' < $a > armor-bad-bare-cr.asc
sed '2s/$/ /' $a > armor-bad-line-space.asc
sed '1s/$/\n/' $a > armor-bad-blank-line.asc
printf '%s\n%s\n' '-----BEGIN AGE ENCRYPTED FILE-----' '-----END AGE ENCRYPTED FILE-----' \
	> armor-bad-empty.asc
