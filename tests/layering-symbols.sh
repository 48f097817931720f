#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layers by the symbols the built objects use, not by their includes: a
# local prototype can call across a layer without any #include, and every
# module links into the one libkesu.a, so only nm sees it. Each global symbol
# defined by one of our objects belongs to the directory of that object; an
# object may leave undefined only symbols of its own directory, of the
# directories it may use, or of no object of ours (libc, OpenSSL, ...).
#   lib -> nothing of ours; verify -> lib; erase -> verify, lib;
#   cert -> lib; crypt -> lib; ledger -> cert, lib; src -> anything
# Objects whose source file is gone (left by an older build) are not read.
#
# usage: layering-symbols.sh [BUILDDIR [SRCDIR]]   (default: $KESU_BUILDDIR,
#                                                  $KESU_SRCDIR)
# The checker first proves itself on objects compiled from planted sources.
set -eu

LAYERED="lib verify erase cert crypt ledger src"

# allowed DIR: the directories DIR may use besides itself ("*": any)
allowed() {
	case $1 in
	lib) echo "" ;;
	verify) echo "lib" ;;
	erase) echo "verify lib" ;;
	cert) echo "lib" ;;
	crypt) echo "lib" ;;
	ledger) echo "cert lib" ;;
	*) echo "*" ;;
	esac
}

# source_of SRC DIR OBJ: the source file OBJ was compiled from, empty when
# none; automake names objects of targets with their own flags TARGET-NAME.o
source_of() {
	base=${3##*/}
	base=${base%.o}
	for s in "$base" "${base#*-}"; do
		for ext in c S; do
			[ -f "$1/$2/$s.$ext" ] && { echo "$1/$2/$s.$ext"; return 0; }
		done
	done
	return 0
}

# list_objects BUILD SRC: each object of a layered directory, as DIR/NAME.o
list_objects() {
	for dir in $LAYERED; do
		[ -d "$1/$dir" ] || continue
		(cd "$1" && find "$dir" -maxdepth 1 -type f -name '*.o') | LC_ALL=C sort |
			while IFS= read -r obj; do
				[ -n "$(source_of "$2" "$dir" "$obj")" ] && echo "$obj"
			done
	done
	return 0
}

# check_objects BUILD SRC: 0 when every object keeps to its layers; the
# violations go to $tmp/found
check_objects() {
	list_objects "$1" "$2" > "$tmp/objects"
	[ -s "$tmp/objects" ] || { echo "no objects under $1" > "$tmp/found"; return 1; }
	# "DIR/NAME.o: SYMBOL TYPE ..." for each global definition, and for each use
	(cd "$1" && xargs "$NM" -A -P -g --defined-only < "$tmp/objects") > "$tmp/defs"
	(cd "$1" && xargs "$NM" -A -P -u < "$tmp/objects") > "$tmp/uses"
	: > "$tmp/rules"
	for dir in $LAYERED; do
		echo "$dir $(allowed "$dir")" >> "$tmp/rules"
	done
	# rules first, then the definitions, then each use; a symbol defined in
	# several directories is checked against each of them
	awk 'function dir(o) { sub(/\/.*/, "", o); return o }
		{ sub(/:$/, "", $1) }
		FILENAME == ARGV[1] { ok[$1] = " " $0 " "; next }
		FILENAME == ARGV[2] { def[$2] = def[$2] " " $1; next }
		!($2 in def) { next }
		{
			d = dir($1)
			n = split(def[$2], where, " ")
			for (i = 1; i <= n; i++) {
				w = dir(where[i])
				if (w == d || index(ok[d], " * ") || index(ok[d], " " w " "))
					continue
				printf "%s: %s (defined in %s): %s/ must not use %s/\n",
					$1, $2, where[i], d, w
			}
		}' "$tmp/rules" "$tmp/defs" "$tmp/uses" > "$tmp/found"
	[ ! -s "$tmp/found" ]
}

# plant TREE DIR NAME TEXT: TREE/src/DIR/NAME.c holding TEXT, compiled to
# TREE/build/DIR/NAME.o
plant() {
	mkdir -p "$1/src/$2" "$1/build/$2"
	printf '%s\n' "$4" > "$1/src/$2/$3.c"
	"$CC" -c -o "$1/build/$2/$3.o" "$1/src/$2/$3.c" ||
		{ echo "layering-symbols: self-test: cannot compile $2/$3.c"; exit 1; }
}

# objects that keep to the layers: erase uses verify and lib, ledger uses
# cert and lib, src uses anything
good_pair() {
	rm -rf "$1"
	plant "$1" lib log 'int lib_log(int x) { return x + 1; }'
	plant "$1" verify verify 'int lib_log(int); int verify_run(int x) { return lib_log(x); }'
	plant "$1" erase report \
		'int verify_run(int); int lib_log(int); int erase_report(int x) { return verify_run(x) + lib_log(x); }'
	plant "$1" cert cert 'int lib_log(int); int cert_sign(int x) { return lib_log(x); }'
	plant "$1" cert table 'int cert_table[2] = { 1, 2 };'
	plant "$1" ledger up \
		'int cert_sign(int); int lib_log(int); int ledger_y(void) { return cert_sign(1) + lib_log(1); }'
	plant "$1" src cmd 'int erase_report(int); int cert_sign(int); int main(void) { return erase_report(0) + cert_sign(0); }'
}

selftest() {
	good_pair "$tmp/good"
	t=$tmp/plant
	rm -rf "$t"
	cp -R "$tmp/good" "$t"
	# an object left by an older build, its source gone, is not read
	plant "$t" lib stale 'int erase_report(int); int lib_stale(void) { return erase_report(1); }'
	rm "$t/src/lib/stale.c"
	check_objects "$t/build" "$t/src" ||
		{ cat "$tmp/found"; echo "layering-symbols: self-test: good objects refused"; exit 1; }
	# DIR NAME TEXT|MESSAGE: each alone must be caught, with this message
	while IFS='|' read -r pdir name text want; do
		rm -rf "$t"
		cp -R "$tmp/good" "$t"
		plant "$t" "$pdir" "$name" "$text"
		if check_objects "$t/build" "$t/src"; then
			echo "layering-symbols: self-test: $pdir/$name.c with '$text' not caught"
			exit 1
		fi
		grep -qxF "$want" "$tmp/found" || {
			cat "$tmp/found"
			echo "layering-symbols: self-test: expected '$want'"
			exit 1
		}
	done <<-'EOF'
	erase|leak|int cert_sign(int); int erase_leak(void) { return cert_sign(1); }|erase/leak.o: cert_sign (defined in cert/cert.o): erase/ must not use cert/
	lib|up|int verify_run(int); int lib_up(void) { return verify_run(1); }|lib/up.o: verify_run (defined in verify/verify.o): lib/ must not use verify/
	verify|up|int erase_report(int); int verify_up(void) { return erase_report(1); }|verify/up.o: erase_report (defined in erase/report.o): verify/ must not use erase/
	cert|up|extern int verify_run(int); int cert_up(void) { return verify_run(1); }|cert/up.o: verify_run (defined in verify/verify.o): cert/ must not use verify/
	crypt|age|int cert_sign(int); int age_x(void) { return cert_sign(1); }|crypt/age.o: cert_sign (defined in cert/cert.o): crypt/ must not use cert/
	erase|front|int main(void); int erase_front(void) { return main(); }|erase/front.o: main (defined in src/cmd.o): erase/ must not use src/
	ledger|chain|int erase_report(int); int ledger_x(void) { return erase_report(1); }|ledger/chain.o: erase_report (defined in erase/report.o): ledger/ must not use erase/
	cert|back|int ledger_y(void); int cert_back(void) { return ledger_y(); }|cert/back.o: ledger_y (defined in ledger/up.o): cert/ must not use ledger/
	lib|data|extern int cert_table[]; int lib_data(void) { return cert_table[0]; }|lib/data.o: cert_table (defined in cert/table.o): lib/ must not use cert/
	EOF
}

NM=${NM:-nm}
CC=${CC:-cc}
command -v "$NM" >/dev/null || { echo "layering-symbols: $NM not found (binutils)"; exit 77; }
command -v "$CC" >/dev/null || { echo "layering-symbols: $CC not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
selftest
build=${1:-${KESU_BUILDDIR:?set KESU_BUILDDIR or give the build directory}}
src=${2:-${KESU_SRCDIR:?set KESU_SRCDIR or give the source directory}}
if ! check_objects "$(realpath "$build")" "$(realpath "$src")"; then
	sed 's/^/layering-symbols: /' "$tmp/found"
	exit 1
fi
echo "ok: $(wc -l < "$tmp/objects") objects keep to the layers by the symbols they use"
