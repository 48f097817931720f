#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit codes are an interface (kesu(8), EXIT STATUS): one table of
# (command, situation) -> exit code, the same code for the same situation
# in every command, and every message line on stderr starting "kesu: ".
# Each --help lists the codes from the one table in src/, and kesu(8)
# documents each code with the same text.
. "$(dirname "$0")/lib.sh"
set -e
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"

MiB=1048576
dev=$(mkloop $((8 * MiB)))
mnt=$(mkloop $((8 * MiB)))
mkfs.ext4 -q -F "$mnt"
mkdir "$WORK/m"
mount "$mnt" "$WORK/m"
MOUNTS="$WORK/m"
zero="$WORK/zero.img"
head -c $MiB /dev/zero > "$zero"
missing="$WORK/no-such-disk"
sum=$(devsum "$dev")
# kesu.conf: a key it does not know (kesu-config(5)), and one that others may write
printf '[trust]\nbogus = 1\n' > "$WORK/bad.conf"
printf '[trust]\n' > "$WORK/open.conf"
chmod 600 "$WORK/bad.conf"
chmod 666 "$WORK/open.conf"

# WANT|MESSAGE|ARGUMENTS: kesu ARGUMENTS (expanded by the shell, stdin from
# /dev/null) exits WANT; MESSAGE, when not empty, is part of what it says on
# stderr.
# run_table: the rows on stdin
run_table() {
	while IFS='|' read -r want msg args; do
		case "$want" in '' | '#'*) continue ;; esac
		set +e
		eval "\"\$KESU\" $args" < /dev/null > "$WORK/out" 2> "$WORK/err"
		got=$?
		set -e
		if [ "$got" -ne "$want" ]; then
			echo "FAIL: kesu $args: exit $got, expected $want: $(head -2 "$WORK/err")" >&9
			failed="$failed x"
			continue
		fi
		if [ -n "$msg" ] && ! grep -qF -- "$msg" "$WORK/err"; then
			echo "FAIL: kesu $args: no '$msg' in: $(cat "$WORK/err")" >&9
			failed="$failed x"
			continue
		fi
		if [ "$want" -ne 0 ] && grep -qv '^kesu: ' "$WORK/err"; then
			echo "FAIL: kesu $args: a message without 'kesu: ': $(grep -v '^kesu: ' "$WORK/err")" >&9
			failed="$failed x"
			continue
		fi
		echo "ok: $want kesu $args"
	done
}

failed=""
run_table <<'TABLE'
# the top level
0||--help
0||--version
0||help verify
0||help erase
2||
2|'bogus' is not a kesu command|bogus
2||--bogus
2||help bogus
# the configuration file: every command stops before its work
2|--config needs a FILE|--config
2|bad.conf:2: unknown key|--config "$WORK/bad.conf" devices
2|bad.conf:2: unknown key|--config "$WORK/bad.conf" erase --yes -m zero "$dev"
2|open.conf: writable by group or others|--config "$WORK/open.conf" verify -e zero "$zero"
2|no-such.conf: No such file|--config "$WORK/no-such.conf" ledger list
2|bad.conf:2: unknown key|config check "$WORK/bad.conf"
0||--config "$WORK/bad.conf" --version
# kesu verify
0||verify --help
0||verify -e zero "$zero"
5||verify -e one --quiet "$zero"
2|--expect is required|verify "$zero"
2|kesu: verify: unrecognized option '--bogus'|verify --bogus -e zero "$zero"
2|kesu: verify: unrecognized option '-x'|verify -x -e zero "$zero"
2|kesu: verify: option '--expect' requires an argument|verify "$zero" --expect
2|kesu: verify: option '--json' takes no argument|verify -e zero --json=1 "$zero"
2|kesu: verify: option '--jso' takes no argument|verify -e zero --jso=1 "$zero"
2|kesu: verify: unrecognized option '-x'|verify --json -xj -e zero "$zero"
2|kesu: verify: option '-e' requires an argument|verify "$zero" -je
2||verify -e random "$zero"
2||verify -e zero --sample 0 "$zero"
2||verify -e zero --sample 10 --seed 12 "$zero"
2|--seed needs --sample|verify -e zero --seed 0123456789abcdef "$zero"
2||verify -e zero "$zero" "$zero"
2|kesu: /dev/null: not a block device or image file|verify -e zero /dev/null
2|not a block device or image file|verify -e zero "$WORK"
1|kesu: cannot open|verify -e zero "$missing"
# kesu devices
0||devices
0||devices --json
0||devices --help
2||devices --bogus
2||devices extra
# kesu erase: only what does not erase, or is refused
0||erase --help
0||erase --dry-run -m zero "$dev"
2||erase
2||erase --yes -m bogus "$dev"
2||erase --yes -p 0 "$dev"
2||erase --yes --verify bogus "$dev"
2||erase --yes --queue-depth 0 "$dev"
2||erase --yes --block-size 1000 "$dev"
2||erase --yes -r "$WORK/a.json" "$dev" "$zero"
2||erase --yes /dev/null
1||erase --yes "$missing"
3||erase --yes -m zero "$mnt"
4||erase -m zero "$dev"
# kesu media: what needs no passphrase
0||media --help
2||media
2||media bogus
2||media status
2||media format --yes --fs btrfs "$dev"
2||media open "$dev" "bad/name"
1||media status "$missing"
2||media status /dev/null
20|not encrypted|media status "$zero"
3||media format --yes --fs none --allow-weak "$mnt"
4||media format --fs none --allow-weak "$dev"
TABLE
[ "$(devsum "$dev")" = "$sum" ] || fail "a refused or rejected erase changed $dev"
[ -z "$failed" ] || fail "$(echo $failed | wc -w) rows of the table"
ok "every (command, situation) exits with the code of the table"

# the codes listed by --help are the table's, and kesu(8) gives each the same text
"$KESU" --help > "$WORK/help"
sed -n '/^exit status:/,/^$/p' "$WORK/help" | grep -E '^ +[0-9]+  ' > "$WORK/codes"
[ "$(wc -l < "$WORK/codes")" -eq 21 ] || fail "kesu --help lists: $(cat "$WORK/codes")"
man=${KESU_SRCDIR:?}/man/kesu.8
while read -r code text; do
	# in the page: .TP, .B CODE, then the same text as the first line
	awk -v c="$code" -v t="$text" '
		prev == ".B " c && $0 == t { found = 1 } { prev = $0 }
		END { exit !found }' "$man" || fail "kesu(8) EXIT STATUS: no '$code' with '$text'"
done < "$WORK/codes"
for cmd in verify erase "cert verify" "cert approve" ledger devices media; do
	# shellcheck disable=SC2086
	"$KESU" $cmd --help > "$WORK/help"
	grep -E '^ +[0-9]+  ' "$WORK/help" | while IFS= read -r line; do
		grep -qxF "$line" "$WORK/codes" || fail "kesu $cmd --help: '$line' is not in the table"
	done
done
ok "kesu --help and kesu(8) give each code the same text"

# Settled by issue 5, still wrong in kesu erase until its rewrite lands
run_table <<'TABLE'
# the whole command line, plan included, is checked before any target
2||erase --yes -m bogus "$missing"
2||erase --yes -m bogus "$mnt"
2||erase --yes -m zero --report "$WORK/a.json" --report-dir "$WORK" "$dev"
# after the erase rewrite: the same message forms as kesu verify
2|kesu: erase: unrecognized option '--bogus'|erase --bogus "$dev"
2|kesu: /dev/null: not a block device or image file|erase --yes /dev/null
TABLE
[ "$(devsum "$dev")" = "$sum" ] || fail "a rejected erase changed $dev"
[ -z "$failed" ] || fail "$(echo $failed | wc -w) rows of the erase table"
ok "kesu erase: the whole command line before any target, the same messages as verify"
