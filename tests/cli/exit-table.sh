#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One exit table, three places that show it: `kesu --help` (the table in
# src/ui.c), each `kesu CMD [ACTION] --help` (the codes that command can
# return, printed from that table), and the EXIT STATUS section of the
# command's page in man/. For every command the codes of its --help (all its
# actions together) are the codes of its page, and every code's first line,
# in --help and in the page, is the table's text, word for word.
. "$(dirname "$0")/lib.sh"
set -e
MAN=${KESU_SRCDIR:?}/man

# codes FILE: the "  NN  text" lines of a --help, as "NN<TAB>text"
codes() { sed -n 's/^ *\([0-9][0-9]*\)  \(.*\)$/\1\t\2/p' "$1"; }

"$KESU" --help > "$WORK/help"
codes "$WORK/help" > "$WORK/table"
[ "$(wc -l < "$WORK/table")" -eq 25 ] || fail "kesu --help lists $(wc -l < "$WORK/table") codes, not 25"

# man_codes PAGE: "NN<TAB>first line" of each entry of the page's EXIT STATUS
man_codes() {
	awk '/^\.SH "?EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 }
		on && prev ~ /^\.B [0-9]+$/ { sub(/^\.B /, "", prev); print prev "\t" $0 }
		on { prev = $0 }' "$1"
}

# in_table FILE WHERE: each "NN<TAB>text" line of FILE (from WHERE) is a line of the table
in_table() {
	while IFS= read -r line; do
		grep -qxF -- "$line" "$WORK/table" ||
			fail "$2: '$line' is not the table's text (kesu --help)"
	done < "$1"
}

# Codes a command returns that its --help does not list yet, because the list lives in a
# file being split elsewhere (src/cmd_cert.c, src/cmd_erase.c, src/cmd_crypt.c). The test
# fails once a --help lists one of them: then its entry goes.
PENDING=''

# PAGE|ACTIONS (";"-separated: each is "kesu ACTION --help")
while IFS='|' read -r page actions; do
	: > "$WORK/cmd"
	oldifs=$IFS
	IFS=';'
	for a in $actions; do
		IFS=$oldifs
		# shellcheck disable=SC2086
		"$KESU" $a --help < /dev/null > "$WORK/h" || fail "kesu $a --help failed"
		codes "$WORK/h" > "$WORK/hc"
		[ -s "$WORK/hc" ] || fail "kesu $a --help lists no exit status"
		in_table "$WORK/hc" "kesu $a --help"
		cut -f1 "$WORK/hc" >> "$WORK/cmd"
	done
	IFS=$oldifs
	man_codes "$MAN/$page.8" > "$WORK/mc"
	[ -s "$WORK/mc" ] || fail "$page(8): no codes under EXIT STATUS"
	in_table "$WORK/mc" "$page(8) EXIT STATUS"
	name=${page#kesu-}
	pending=$(echo "$PENDING" | sed -n "s/^$name://p")
	for c in $pending; do
		grep -qx "$c" "$WORK/cmd" && fail "kesu $name --help lists $c now: drop it from PENDING"
		echo "$c" >> "$WORK/cmd"
	done
	help=$(sort -n -u "$WORK/cmd" | tr '\n' ' ')
	page_codes=$(cut -f1 "$WORK/mc" | sort -n | tr '\n' ' ')
	[ "$(cut -f1 "$WORK/mc" | sort -n | uniq -d)" = "" ] || fail "$page(8): a code twice"
	[ "$help" = "$page_codes" ] ||
		fail "$page: --help lists ${help}but $page(8) lists $page_codes"
	echo "ok: $page: $help"
done <<'PAGES'
kesu-verify|verify
kesu-erase|erase
kesu-devices|devices
kesu-config|config show;config check
kesu-key|key generate;key show
kesu-cert|cert issue;cert verify;cert approve;cert show
kesu-encrypt|encrypt;decrypt
kesu-media|media;media format;media open;media passphrase;media status
kesu-ledger|ledger add;ledger verify;ledger show;ledger list;ledger export;ledger reconcile;ledger sync;ledger status;ledger copy
kesu-asset|asset add;asset edit;asset show;asset list;asset import;asset export;asset apply
kesu-inspect|inspect
kesu-request|request create;request approve;request verify
PAGES
ok "every command's --help and man page list the same codes with the table's words"
