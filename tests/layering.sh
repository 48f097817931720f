#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Data flows one way: src/ -> erase/ -> verify/ -> lib/; ledger/ uses cert/
# and lib/; cert/, crypt/ use lib/ only. Fail when an #include in one of
# these directories reaches a directory it must not use, by a path
# ("../erase/x.h", "erase/x.h", <src/x.h>) or by a bare name that only an -I
# path could resolve ("x.h" when x.h lives in erase/).
#
# usage: layering.sh [TOPDIR]    (default: $KESU_SRCDIR, else the parent of
#                                 this script's directory)
# The checker first proves itself on small trees with known bad includes.
set -eu

LAYERED="lib verify erase src cert crypt ledger"

# forbidden DIR: the directories DIR must not include from
forbidden() {
	case $1 in
	lib) echo "verify erase src cert crypt ledger" ;;
	verify) echo "erase src cert crypt ledger" ;;
	erase) echo "src cert crypt ledger" ;;
	cert) echo "verify erase src crypt ledger" ;;
	crypt) echo "verify erase src cert ledger" ;;
	ledger) echo "verify erase src crypt" ;;
	*) echo "" ;;
	esac
}

# resolve TOP FILE QUOTE NAME: the file the compiler would take for
# `#include QUOTE NAME` in FILE (the including file's directory for quoted
# names, then -I TOP and -I TOP/lib as in Makefile.am); empty when none
resolve() {
	if [ "$3" = '"' ] && [ -f "$(dirname "$2")/$4" ]; then
		echo "$(dirname "$2")/$4"
	elif [ -f "$1/$4" ]; then
		echo "$1/$4"
	elif [ -f "$1/lib/$4" ]; then
		echo "$1/lib/$4"
	fi
}

# topdir TOP PATH: the first directory of PATH below TOP, or empty outside TOP
topdir() {
	abs=$(realpath -m "$2")
	case $abs in
	"$1"/*/*) rel=${abs#"$1"/}; echo "${rel%%/*}" ;;
	*) echo "" ;;
	esac
}

# check_file TOP DIR FILE: print each include of FILE that DIR must not have
check_file() {
	bad=$(forbidden "$2")
	[ -n "$bad" ] || return 0
	grep -n '^[[:space:]]*#[[:space:]]*include' "$3" | while IFS= read -r l; do
		line=${l%%:*}
		inc=$(printf '%s\n' "${l#*:}" |
			sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\(["<]\)\([^">]*\)[">].*/\1\2/p')
		[ -n "$inc" ] || continue # #include MACRO
		q=$(printf '%s' "$inc" | cut -c1)
		name=$(printf '%s' "$inc" | cut -c2-)
		shown="<$name>"
		[ "$q" = '"' ] && shown="\"$name\""
		hit=$(resolve "$1" "$3" "$q" "$name")
		if [ -n "$hit" ]; then
			d=$(topdir "$1" "$hit")
			for f in $bad; do
				[ "$d" = "$f" ] && echo "${3#"$1"/}:$line: $shown resolves to" \
					"$f/, which $2/ must not include"
			done
		elif [ "$q" = '"' ]; then
			# not found by the standard paths: another -I could reach it
			for f in $bad; do
				[ -d "$1/$f" ] || continue
				m=$(find "$1/$f" -type f -path "*/$name" | head -n 1)
				[ -n "$m" ] && echo "${3#"$1"/}:$line: $shown names ${m#"$1"/}," \
					"which $2/ must not include"
			done
		fi
	done
	return 0
}

# check_tree TOP: 0 when every layered directory keeps to its layers
check_tree() {
	root=$(realpath "$1")
	: > "$tmp/found"
	for dir in $LAYERED; do
		[ -d "$root/$dir" ] || continue
		for file in $(find "$root/$dir" -type f \( -name '*.c' -o -name '*.h' \) | sort); do
			check_file "$root" "$dir" "$file" >> "$tmp/found"
		done
	done
	[ ! -s "$tmp/found" ]
}

# put TREE FILE LINE: add LINE to TREE/FILE
put() {
	mkdir -p "$(dirname "$1/$2")"
	echo "$3" >> "$1/$2"
}

# a tree that keeps to its layers, with a header name in two layers
good_tree() {
	rm -rf "$1"
	put "$1" lib/dev.h '/* lib */'
	put "$1" lib/pattern.h '#include "dev.h"'
	put "$1" lib/pool.c '#include "config.h"'
	put "$1" lib/pool.c '#include <stdio.h>'
	put "$1" verify/verify.h '#include "pattern.h"'
	put "$1" verify/report.h '/* verify */'
	put "$1" verify/verify.c '#include "report.h"'
	put "$1" erase/report.h '#include "verify/verify.h"'
	put "$1" erase/engine.c '#  include "report.h"'
	put "$1" erase/engine.c '#include "../verify/verify.h"'
	put "$1" src/kesu.h '#include "erase/report.h"'
	put "$1" src/cmd.c '#include <erase/report.h>'
	put "$1" cert/cert.c '#include "dev.h"'
	put "$1" crypt/age.c '#include "lib/pattern.h"'
	put "$1" cert/cert.h '/* cert */'
	put "$1" ledger/ledger.h '#include "cert/cert.h"'
	put "$1" ledger/ledger.c '#include "ledger.h"'
	put "$1" ledger/ledger.c '#include "dev.h"'
	put "$1" src/cmd.c '#include "ledger/ledger.h"'
}

selftest() {
	t=$tmp/tree
	good_tree "$t"
	check_tree "$t" || { cat "$tmp/found"; echo "layering: self-test: good tree refused"; exit 1; }
	# FILE LINE: each alone must be found
	while IFS='|' read -r pfile pline; do
		good_tree "$t"
		put "$t" "$pfile" "$pline"
		if check_tree "$t"; then
			echo "layering: self-test: $pfile with '$pline' not caught"
			exit 1
		fi
	done <<-'EOF'
	lib/pool.c|#include "../verify/verify.h"
	lib/pool.c|#include "erase/report.h"
	lib/pool.c|#include "kesu.h"
	verify/verify.c|#include "../erase/report.h"
	verify/verify.c|#include "erase/report.h"
	verify/verify.c|#include <erase/report.h>
	verify/verify.c|#include "engine.c"
	verify/verify.c|#include "src/kesu.h"
	erase/engine.c|#include "kesu.h"
	erase/engine.c|# include "../src/kesu.h"
	erase/engine.c|#include "age.c"
	cert/cert.c|#include "verify/verify.h"
	cert/cert.c|#include "../crypt/age.c"
	crypt/age.c|#include "cert.c"
	crypt/age.c|#include "erase/report.h"
	crypt/age.c|#include "ledger/ledger.h"
	ledger/ledger.c|#include "erase/report.h"
	ledger/ledger.c|#include "../crypt/age.c"
	ledger/ledger.c|#include "kesu.h"
	cert/cert.c|#include "ledger/ledger.h"
	cert/cert.c|#include "ledger.c"
	lib/pool.c|#include <ledger/ledger.h>
	EOF
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
selftest
top=${1:-${KESU_SRCDIR:-$(dirname "$0")/..}}
if ! check_tree "$top"; then
	sed 's/^/layering: /' "$tmp/found"
	exit 1
fi
echo "ok: includes keep to the layers (src -> erase -> verify -> lib; ledger -> cert -> lib; crypt -> lib)"
