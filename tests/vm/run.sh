#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # the vm_* helpers are called from the sourced group files
#
# run.sh GROUP: boot one QEMU guest (TCG) for a group of checks.
#
# A group is two files beside this script:
#
#   GROUP.vm     host side, sourced by bash.  It must define vm_setup, which
#                declares the guest's disks with the helpers below, and may
#                define vm_check, which runs after the guest powered off and
#                checks what it left in $W/out and in the disk images.  Set
#                vm_needs_kesu=no if the group does not run kesu.
#   GROUP.guest  guest side: copied to /test.sh and run by busybox sh as root.
#                kesu is /usr/bin/kesu; `vmdisk SERIAL` prints the /dev path
#                of a disk; whatever the script leaves in /out comes back to
#                the host in $W/out; its exit status is the guest's result.
#
# Helpers for vm_setup:
#   vm_disk SERIAL MIB [virtio|nvme|ahci] [random|zero] [PROPS]
#       a raw image $W/SERIAL.img of MIB MiB on virtio-blk (default), NVMe or
#       an ide-hd on the q35 machine's AHCI controller (PROPS: more device
#       properties, e.g. rotation_rate=1); "random" (default) also keeps the
#       original as $W/SERIAL.orig
#   vm_fault SERIAL read|write ERRNO FIRST COUNT
#       put the disk behind blkdebug and fail every read or write request
#       that touches 512-byte sectors FIRST..FIRST+COUNT-1 with ERRNO
#   vm_file SRC DEST       add a host file to the guest as DEST
# Helpers for vm_check:
#   vm_faults SERIAL read|write   print the injected "FIRST COUNT" ranges
#   vm_is_zero FILE OFFSET LEN    true if LEN bytes of FILE at OFFSET are zero
#   vm_same FILE1 FILE2 OFFSET LEN
#   fail MESSAGE           record a failed check and go on
#
# To add a group: write GROUP.vm and GROUP.guest, a two-line GROUP.sh that
# execs run.sh GROUP, and add GROUP.sh to TESTS and all three to EXTRA_DIST.
# The whole group shares one boot (about 7 s under TCG): put checks that need
# different disks in one group when they can, keep images small.
#
# Environment:
#   KESU              the kesu binary (required unless vm_needs_kesu=no)
#   KESU_VM_WORKDIR   work directory (default: a new one under $TMPDIR, removed
#                     after a passing run unless KESU_VM_KEEP=1)
#   KESU_VM_CACHE     base initrd cache (default: $TMPDIR/kesu-vm-cache)
#   KESU_VM_TIMEOUT   seconds before the guest is killed (default 300)
#
# Exit status: 0 pass, 1 fail, 77 skip (no QEMU, kernel, busybox or kesu).

set -u
export LC_ALL=C

vmdir=$(cd "$(dirname "$0")" && pwd)
group=${1:-}
[ -n "$group" ] || { echo "usage: run.sh GROUP" >&2; exit 2; }
[ -r "$vmdir/$group.vm" ] || { echo "run.sh: no group $vmdir/$group.vm" >&2; exit 2; }
[ -r "$vmdir/$group.guest" ] || { echo "run.sh: no guest script $vmdir/$group.guest" >&2; exit 2; }

skip() {
	echo "SKIP: $group: $*"
	[ -n "${W:-}" ] && [ "${keep:-1}" != 1 ] && rm -rf "$W"
	exit 77
}

failures=0
fail() {
	echo "FAIL: $group: $*"
	failures=$((failures + 1))
}

# --- helpers for groups --------------------------------------------------------
disks=()		# serials in declaration order
declare -A disk_bus
declare -A disk_props

vm_disk() {
	local serial=$1 mib=$2 bus=${3:-virtio} fill=${4:-random}
	case $bus in virtio|nvme|ahci) ;; *) echo "vm_disk: bad bus $bus" >&2; exit 2 ;; esac
	case $serial in *[!A-Za-z0-9]*|"") echo "vm_disk: serial must be alphanumeric" >&2; exit 2 ;; esac
	[ ${#serial} -le 20 ] || { echo "vm_disk: serial $serial is longer than 20" >&2; exit 2; }
	disks+=("$serial")
	disk_bus[$serial]=$bus
	disk_props[$serial]=${5:+,$5}
	rm -f "$W/$serial.img" "$W/$serial.blkdebug" "$W/$serial.faults"
	case $fill in
	random)
		head -c "$((mib * 1048576))" /dev/urandom >"$W/$serial.img"
		# no accidental MBR signature: the kernel would scan a random table
		printf '\0\0' | dd of="$W/$serial.img" bs=1 seek=510 conv=notrunc status=none
		cp "$W/$serial.img" "$W/$serial.orig"
		;;
	zero) truncate -s "${mib}M" "$W/$serial.img" ;;
	*) echo "vm_disk: bad fill $fill" >&2; exit 2 ;;
	esac
}

vm_fault() {
	local serial=$1 kind=$2 err=$3 first=$4 count=$5 s
	case $kind in read|write) ;; *) echo "vm_fault: bad kind $kind" >&2; exit 2 ;; esac
	# blkdebug fires a rule for a request that contains its one sector, and
	# only while the rules of the last event seen are active: give each rule
	# its iotype so a read rule never fails a write and the other way round.
	for ((s = first; s < first + count; s++)); do
		printf '[inject-error]\nevent = "%s_aio"\niotype = "%s"\nerrno = "%d"\nsector = "%d"\nonce = "off"\n\n' \
			"$kind" "$kind" "$err" "$s" >>"$W/$serial.blkdebug"
	done
	echo "$kind $first $count" >>"$W/$serial.faults"
}

extra_files=()
vm_file() { extra_files+=("$1:$2"); }

vm_faults() {
	[ -r "$W/$1.faults" ] || return 0
	awk -v k="$2" '$1 == k { print $2, $3 }' "$W/$1.faults" | sort -n
}

vm_is_zero() { cmp -s -i "$2:0" -n "$3" "$1" /dev/zero; }
vm_same() { cmp -s -i "$3:$3" -n "$4" "$1" "$2"; }

# --- preconditions --------------------------------------------------------------
qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
for t in cpio gzip timeout cmp tar; do
	command -v $t >/dev/null || skip "$t not found"
done

vm_needs_kesu=yes
vm_check() { :; }
# shellcheck source=/dev/null
. "$vmdir/$group.vm"

if [ "$vm_needs_kesu" = yes ]; then
	[ -n "${KESU:-}" ] || skip "KESU is not set (the path of the built kesu binary)"
	[ -x "$KESU" ] || skip "KESU=$KESU is not executable"
	KESU=$(cd "$(dirname "$KESU")" && pwd)/$(basename "$KESU")
	export KESU
else
	unset KESU
fi

tmpbase=${TMPDIR:-/tmp}
if [ -n "${KESU_VM_WORKDIR:-}" ]; then
	W=$KESU_VM_WORKDIR
	mkdir -p "$W" || exit 1
	keep=1
else
	W=$(mktemp -d "$tmpbase/kesu-vm-$group.XXXXXX") || exit 1
	keep=${KESU_VM_KEEP:-0}
fi
W=$(cd "$W" && pwd)
case $W in *,*) echo "run.sh: work directory $W must not contain a comma" >&2; exit 1 ;; esac

cache=${KESU_VM_CACHE:-$tmpbase/kesu-vm-cache}
base=$("$vmdir/mkinitrd.sh" "$cache" 2>"$W/mkinitrd.err")
rc=$?
[ $rc -eq 77 ] && skip "$(sed -n 's/^mkinitrd: SKIP: //p' "$W/mkinitrd.err" | tail -n 1)"
[ $rc -eq 0 ] || { cat "$W/mkinitrd.err"; echo "run.sh: mkinitrd.sh failed"; exit 1; }

# --- disks and the test archive ---------------------------------------------
rm -rf "$W/out" "$W/guest"
mkdir -p "$W/out" "$W/guest/etc/kesu-vm"
vm_setup || { echo "run.sh: vm_setup failed"; exit 1; }

install -m 755 "$vmdir/$group.guest" "$W/guest/test.sh"
for f in "${extra_files[@]}"; do
	mkdir -p "$W/guest/$(dirname "${f#*:}")"
	cp "${f%%:*}" "$W/guest/${f#*:}"
done
printf '%s\n' "${disks[@]}" KESUVMOUT >"$W/guest/etc/kesu-vm/disks"
(cd "$W/guest" && find . | sort | cpio --quiet -o -H newc -R 0:0) | gzip >"$W/test.cpio.gz"
cat "$base/initrd.gz" "$W/test.cpio.gz" >"$W/initrd.gz"
rm -f "$W/out.img"
truncate -s 16M "$W/out.img"

args=()
i=0
ahci=0
for serial in "${disks[@]}" KESUVMOUT; do
	img=$W/$serial.img
	[ "$serial" = KESUVMOUT ] && img=$W/out.img
	node=d$i
	if [ -s "$W/$serial.blkdebug" ]; then
		args+=(-blockdev "driver=raw,node-name=$node,file.driver=blkdebug,file.config=$W/$serial.blkdebug,file.image.driver=file,file.image.filename=$img")
	else
		args+=(-blockdev "driver=raw,node-name=$node,file.driver=file,file.filename=$img")
	fi
	if [ "${disk_bus[$serial]:-virtio}" = nvme ]; then
		args+=(-device "nvme,serial=$serial,drive=$node")
	elif [ "${disk_bus[$serial]:-}" = ahci ]; then
		args+=(-device "ide-hd,bus=ide.$ahci,serial=$serial,drive=$node${disk_props[$serial]}")
		ahci=$((ahci + 1))
	else
		args+=(-device "virtio-blk-pci,serial=$serial,drive=$node")
	fi
	i=$((i + 1))
done

# --- boot ------------------------------------------------------------------------
echo "vm: group $group, kernel $(cat "$base/kver"), work directory $W"
t0=$(date +%s.%N)
timeout -k 10 "${KESU_VM_TIMEOUT:-300}" "$qemu" -machine q35,accel=tcg -cpu max -smp 1 -m 1G \
	-nographic -no-reboot -net none \
	-kernel "$base/vmlinuz" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" \
	"${args[@]}" </dev/null >"$W/console.log" 2>"$W/qemu.err"
qrc=$?
t1=$(date +%s.%N)

echo "---- guest console ($W/console.log) ----"
tr -d '\r\033' <"$W/console.log" | sed 's/^/| /'
echo "---- end of guest console ----"
# blkdebug makes QEMU print one line per failed request: count them
[ -s "$W/qemu.err" ] && sort "$W/qemu.err" | uniq -c | sed 's/^ */qemu: /'

boot=$(tr -d '\r' <"$W/console.log" | sed -n 's/^KESU-VM-TIME boot=//p' | tail -n 1)
end=$(tr -d '\r' <"$W/console.log" | sed -n 's/^KESU-VM-TIME end=//p' | tail -n 1)
awk -v t0="$t0" -v t1="$t1" -v b="$boot" -v e="$end" 'BEGIN {
	printf "vm: qemu ran %.1f s", t1 - t0
	if (b != "" && e != "") printf " (guest: boot %.1f s, test %.1f s)", b, e - b
	printf "\n" }'

guest_rc=$(tr -d '\r' <"$W/console.log" | sed -n 's/^KESU-VM-RESULT rc=\([0-9]*\)$/\1/p' | tail -n 1)
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	fail "guest timed out after ${KESU_VM_TIMEOUT:-300} s"
elif [ -z "$guest_rc" ]; then
	fail "no KESU-VM-RESULT line on the console (qemu exit status $qrc)"
elif [ "$guest_rc" != 0 ]; then
	fail "guest script exited with status $guest_rc"
fi

if [ -n "$guest_rc" ]; then
	if tar -xf "$W/out.img" -C "$W/out"; then
		vm_check
	else
		fail "cannot read the guest's /out archive from $W/out.img"
	fi
fi

if [ $failures -ne 0 ]; then
	echo "vm: $group: $failures check(s) failed; files kept in $W"
	exit 1
fi
echo "vm: $group: all checks passed"
[ "$keep" = 1 ] || rm -rf "$W"
exit 0
