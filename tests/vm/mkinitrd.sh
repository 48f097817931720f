#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitrd.sh OUTDIR: build (or reuse) the base initramfs of the kesu VM tests.
#
# The base archive holds busybox-static with its applet links, the kesu binary
# named by $KESU with the libraries it loads, the host tools named by
# $KESU_VM_TOOLS (default: jq) with theirs, the kernel modules named by
# $KESU_VM_MODULES with their dependencies, and an /init that loads them,
# waits for the disks a test lists, runs /test.sh, writes /out to the output
# disk and powers off.  run.sh appends a second archive with the test itself.
#
# The result lives in OUTDIR/<key>/ as initrd.gz and vmlinuz (a link to the
# kernel the modules belong to); the key hashes every file that goes in, so an
# unchanged kesu reuses the archive.  The directory is printed on stdout.
#
# Environment:
#   KESU             kesu binary to include (unset: build without kesu)
#   KESU_VM_KVER     kernel version (default: newest with both /boot/vmlinuz-V
#                    and /lib/modules/V/modules.dep)
#   KESU_VM_MODULES  modules to load, in this order (dependencies first by
#                    modules.dep); default: virtio_pci virtio_blk nvme dm_mod
#   KESU_VM_TOOLS    extra host programs to copy with their libraries
#
# Exit status: 0 built or reused, 1 error, 77 no usable kernel or busybox.

set -eu

die() { echo "mkinitrd: $*" >&2; exit 1; }
skip() { echo "mkinitrd: SKIP: $*" >&2; exit 77; }

[ $# -eq 1 ] || die "usage: mkinitrd.sh OUTDIR"
outdir=$1
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# crct10dif_generic and crc64_rocksoft_generic are soft dependencies of the
# CRC libraries nvme-core needs: without them crc-t10dif asks for a crypto
# module the guest has no modprobe to load.
modules=${KESU_VM_MODULES:-"virtio_pci virtio_blk crct10dif_generic crc64_rocksoft_generic nvme dm_mod"}
tools=${KESU_VM_TOOLS:-"jq dmsetup"}

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || skip "busybox not found (apt-get install busybox-static)"
case $(file -b "$busybox" 2>/dev/null || echo unknown) in
*statically*|unknown) ;;
*) skip "$busybox is not static (apt-get install busybox-static)" ;;
esac
for t in cpio gzip; do
	command -v "$t" >/dev/null || skip "$t not found"
done

# --- kernel ----------------------------------------------------------------
pick_kernel() {
	if [ -n "${KESU_VM_KVER:-}" ]; then
		echo "$KESU_VM_KVER"
		return
	fi
	for m in /lib/modules/*/modules.dep; do
		[ -e "$m" ] || continue
		v=${m#/lib/modules/}
		v=${v%/modules.dep}
		[ -r "/boot/vmlinuz-$v" ] && echo "$v"
	done | sort -V | tail -n 1
}
kver=$(pick_kernel)
[ -n "$kver" ] || skip "no kernel with modules found (apt-get install linux-image-amd64)"
kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
[ -r "$kernel" ] || skip "$kernel is missing or unreadable"
[ -r "$moddir/modules.dep" ] || skip "$moddir/modules.dep is missing"

# Print the module file (relative to $moddir) for a module name; modules.dep
# spells names with '-' or '_' as the file has it.
mod_file() {
	n=$(echo "$1" | tr '_' '-')
	u=$(echo "$1" | tr '-' '_')
	sed -n 's/:.*//p' "$moddir/modules.dep" | grep -E "/($n|$u)\.ko(\.xz|\.zst|\.gz)?$" | head -n 1
}

# Load order: for each requested module, its modules.dep list reversed (the
# file lists the nearest dependency first), then the module; each file once.
modfiles=""
for name in $modules; do
	f=$(mod_file "$name")
	[ -n "$f" ] || die "module $name not found in $moddir"
	modfiles="$modfiles $f"
done
modlist=$(for f in $modfiles; do
	awk -v f="$f:" '$1 == f { for (i = NF; i > 1; i--) print $i }' "$moddir/modules.dep"
	echo "$f"
done | awk '!seen[$0]++')

# --- binaries and their libraries --------------------------------------------
bins=""
if [ -n "${KESU:-}" ]; then
	[ -x "$KESU" ] || die "KESU=$KESU is not an executable file"
	bins=$KESU
fi
for t in $tools; do
	p=$(command -v "$t" || true)
	[ -n "$p" ] || die "tool $t not found on the host"
	bins="$bins $p"
done

libs_of() {
	# "libx.so => /path (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}
libs=$(for b in $bins; do libs_of "$b"; done; echo /lib64/ld-linux-x86-64.so.2)
libs=$(echo "$libs" | awk 'NF && !seen[$0]++')

# --- cache key -----------------------------------------------------------------
key=$({
	echo "kver $kver modules $modules tools $tools kesu ${KESU:+yes}"
	sha256sum "$self" "$busybox" "$kernel"
	for b in $bins $libs; do sha256sum "$(readlink -f "$b")"; done
	for m in $modlist; do sha256sum "$moddir/$m"; done
} | sed 's| .*/| |' | sha256sum | cut -c1-16)

dest=$outdir/$key
if [ -s "$dest/initrd.gz" ] && [ -e "$dest/vmlinuz" ]; then
	echo "$dest"
	exit 0
fi

mkdir -p "$outdir"
tmp=$(mktemp -d "$outdir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/lib/modules" \
	"$root/etc/kesu-vm" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" \
	"$root/out" "$root/root"

# busybox and its applets; the "busybox" name itself would link to itself
cp "$busybox" "$root/bin/busybox"
"$busybox" --list-full | while read -r a; do
	[ "$(basename "$a")" = busybox ] && continue
	[ -e "$root/$a" ] && continue
	mkdir -p "$root/$(dirname "$a")"
	ln -s /bin/busybox "$root/$a"
done

for b in $bins; do
	if [ "$b" = "${KESU:-}" ]; then
		cp "$b" "$root/usr/bin/kesu"
	else
		cp "$b" "$root/usr/bin/$(basename "$b")"
	fi
done
for l in $libs; do
	mkdir -p "$root$(dirname "$l")"
	cp -L "$l" "$root$l"
done
# Each library keeps the path ldd found it under, one of the loader's
# default directories, so the guest needs no ld.so.cache.

# Modules, uncompressed: busybox insmod may not read compressed modules.
: >"$root/etc/kesu-vm/modules"
for m in $modlist; do
	base=$(basename "$m")
	case $base in
	*.ko.xz) out=${base%.xz}; xz -dc "$moddir/$m" >"$root/lib/modules/$out" ;;
	*.ko.zst) out=${base%.zst}; zstd -qdc "$moddir/$m" >"$root/lib/modules/$out" ;;
	*.ko.gz) out=${base%.gz}; gzip -dc "$moddir/$m" >"$root/lib/modules/$out" ;;
	*) out=$base; cp "$moddir/$m" "$root/lib/modules/$out" ;;
	esac
	echo "$out" >>"$root/etc/kesu-vm/modules"
done

echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "kesu-vm" >"$root/etc/hostname"

# vmdisk SERIAL: the /dev path of the disk with that serial number.
cat >"$root/bin/vmdisk" <<'EOF'
#!/bin/sh
# vmdisk SERIAL: print /dev/NAME of the block device with that serial number
for b in /sys/block/*; do
	n=${b##*/}
	s=""
	if [ -r "$b/serial" ]; then
		s=$(cat "$b/serial")
	elif [ -r "$b/device/serial" ]; then
		s=$(cat "$b/device/serial")
	elif [ -r "$b/device/vpd_pg80" ]; then
		# SCSI and SATA disks: the Unit Serial Number VPD page after its 4-byte header
		s=$(tail -c +5 "$b/device/vpd_pg80" | tr -d '\000')
	fi
	s=$(echo $s)
	if [ "$s" = "$1" ] && [ -b "/dev/$n" ]; then
		echo "/dev/$n"
		exit 0
	fi
done
exit 1
EOF
chmod 755 "$root/bin/vmdisk"

cat >"$root/init" <<'EOF'
#!/bin/sh
# kesu VM test guest: load modules, wait for the disks, run /test.sh, power off
export PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname -F /etc/hostname
# no modprobe in the guest: do not let the kernel try one
echo > /proc/sys/kernel/modprobe 2>/dev/null

while read -r m; do
	insmod "/lib/modules/$m" || echo "KESU-VM: insmod $m failed"
done </etc/kesu-vm/modules

# /etc/kesu-vm/disks (from the test archive): one serial number per line
rc=0
if [ -r /etc/kesu-vm/disks ]; then
	while read -r serial; do
		[ -n "$serial" ] || continue
		i=0
		while ! dev=$(vmdisk "$serial"); do
			i=$((i + 1))
			if [ $i -gt 300 ]; then
				echo "KESU-VM: disk $serial did not appear"
				rc=125
				break
			fi
			sleep 0.1
		done
		[ -n "$dev" ] && echo "KESU-VM: disk $serial is $dev"
	done </etc/kesu-vm/disks
fi

read -r up _ </proc/uptime
echo "KESU-VM-TIME boot=$up"
if [ $rc -eq 0 ]; then
	if [ -x /test.sh ]; then
		/test.sh </dev/null
		rc=$?
	else
		echo "KESU-VM: no /test.sh"
		rc=126
	fi
fi
read -r up2 _ </proc/uptime
echo "KESU-VM-TIME end=$up2"

# results go back to the host as a tar archive on the output disk
if out=$(vmdisk KESUVMOUT); then
	tar -cf "$out" -C /out . || echo "KESU-VM: cannot write /out to $out"
fi
sync
echo "KESU-VM-RESULT rc=$rc"
poweroff -f
EOF
chmod 755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -6 >"$tmp/initrd.gz"
mkdir -p "$tmp/out"
mv "$tmp/initrd.gz" "$tmp/out/initrd.gz"
ln -s "$kernel" "$tmp/out/vmlinuz"
echo "$kver" >"$tmp/out/kver"
# another build of the same key may have won the race: either copy is good
mv -T "$tmp/out" "$dest" 2>/dev/null || true
[ -s "$dest/initrd.gz" ] || die "cannot create $dest"
# archives of earlier kesu builds: keep a day's worth
find "$outdir" -mindepth 1 -maxdepth 1 -mtime +1 ! -name "$key" -exec rm -rf {} + 2>/dev/null || true
echo "$dest"
