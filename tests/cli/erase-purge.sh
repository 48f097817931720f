#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Firmware (Purge) methods on a disk that takes no drive commands (a loop
# device): refused with the reason (exit 3) before a byte is written, as
# sha256sum of the device read with O_DIRECT shows, and the report says so;
# "auto" falls back to a software overwrite and the report says that only
# Clear was reached. With --cert, every family checks the destination and
# the key before anything is written. The NVMe commands themselves run in
# tests/vm/purge; tests/unit/test_erase_cert certifies simulated drives.
. "$(dirname "$0")/lib.sh"
set -e
for t in jq sha256sum minisign; do
	command -v $t >/dev/null || skip "$t missing"
done

dev=$(mkloop $((8 * 1048576)))
sum0=$(devsum "$dev")

for m in nvme-format-user nvme-format-crypto nvme-sanitize-block nvme-sanitize-crypto \
	nvme-sanitize-overwrite; do
	rm -f "$WORK/r.json"
	expect_rc 3 "$KESU" erase --yes --quiet --method "$m" --report "$WORK/r.json" "$dev" \
		2> "$WORK/err"
	grep -qF "$m cannot be used: not an NVMe drive" "$WORK/err" ||
		fail "$m: message lacks the reason: $(cat "$WORK/err")"
	[ "$(jqf "$WORK/r.json" .result)" = refused ] || fail "$m: report result not refused"
	jqf "$WORK/r.json" .result_reason | grep -qF "not an NVMe drive" ||
		fail "$m: report reason lacks why"
	[ "$(devsum "$dev")" = "$sum0" ] || fail "$m: a refused method changed the disk"
done
ok "firmware methods on a disk without drive commands: refused with the reason, untouched"

expect_rc 0 "$KESU" erase --yes --quiet --method auto --report "$WORK/auto.json" "$dev" \
	2> "$WORK/err"
[ "$(jqf "$WORK/auto.json" '[.result, .category, .technique, .method.name] | join(" ")')" = \
	"success clear overwrite random" ] || fail "auto: report $(jq -c . "$WORK/auto.json")"
jqf "$WORK/auto.json" .purge.auto | grep -qF "Clear only" ||
	fail "auto: the report does not say only Clear was reached"
[ "$(devsum "$dev")" != "$sum0" ] || fail "auto: the disk was not overwritten"
ok "auto without a Purge method: random overwrite, reported as Clear only"

"$KESU" erase --help > "$WORK/help"
for m in nvme-format-user nvme-format-crypto nvme-sanitize-block nvme-sanitize-crypto \
	nvme-sanitize-overwrite auto random; do
	grep -q "^  $m " "$WORK/help" || fail "--help does not list $m"
done
grep -q -- "--exit-failure-mode" "$WORK/help" || fail "--help lacks --exit-failure-mode"
grep -q -- "--restore-hpa" "$WORK/help" || fail "--help lacks --restore-hpa"
expect_rc 2 "$KESU" erase --yes --method nvme-format-everything "$dev" 2>/dev/null
expect_rc 2 "$KESU" erase --yes --method nvme-format-user --blank "$dev" 2>/dev/null
expect_rc 2 "$KESU" erase --yes --method nvme-sanitize-block --passes 2 "$dev" 2>/dev/null
ok "--help lists every method; an unknown one, or passes for a firmware method, is a usage error"

# --- with --cert: each family's preconditions before anything is written --------------
keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir "$WORK/keys" "$WORK/trust" "$WORK/certs"
cp "$keys/operator.key" "$keys/operator.key.pub" "$WORK/keys/"
chmod 600 "$WORK/keys/operator.key"
cp "$keys/operator.key.pub" "$WORK/trust/"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
printf 'wrong\n' > "$WORK/bad.pass"
K=$WORK/keys
mkdir "$WORK/ro"
mount -t tmpfs -o ro,size=1m tmpfs "$WORK/ro"
MOUNTS="$MOUNTS $WORK/ro"
sum1=$(devsum "$dev")
for m in nvme-sanitize-crypto nvme-format-user ata-sanitize-crypto ata-secure-erase \
	scsi-sanitize-block auto random; do
	# a read-only destination or a wrong passphrase: before the drive is even probed
	expect_rc 1 "$KESU" erase --yes --quiet --method "$m" --cert "$WORK/ro/c.json" \
		--sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" "$dev" 2> "$WORK/err"
	grep -q "Read-only file system" "$WORK/err" || fail "$m: $(cat "$WORK/err")"
	expect_rc 16 "$KESU" erase --yes --quiet --method "$m" --cert-dir "$WORK/certs" \
		--sign-key "$K/operator.key" --passphrase-file "$WORK/bad.pass" "$dev" 2> /dev/null
	[ "$(devsum "$dev")" = "$sum1" ] || fail "$m: a --cert precondition failed, the disk changed"
	[ -z "$(ls -A "$WORK/certs")" ] || fail "$m: files left: $(ls -A "$WORK/certs")"
done
ok "--cert on every method family: a read-only destination (1), a wrong passphrase (16), untouched"

# a firmware method the disk cannot do: refused (3), no certificate of nothing left behind
for m in nvme-sanitize-crypto ata-sanitize-block scsi-sanitize-crypto; do
	expect_rc 3 "$KESU" erase --yes --quiet --method "$m" --cert-dir "$WORK/certs" \
		--sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" "$dev" 2> /dev/null
	[ -z "$(ls -A "$WORK/certs")" ] || fail "$m: files left: $(ls -A "$WORK/certs")"
	[ "$(devsum "$dev")" = "$sum1" ] || fail "$m: refused, but the disk changed"
done
ok "--cert with a firmware method the disk cannot do: refused, nothing written or left"

# auto falls back to random: its certificate says clear/overwrite and verifies
expect_rc 0 "$KESU" erase --yes --quiet --method auto --cert "$WORK/auto.cert.json" \
	--sign-key "$K/operator.key" --passphrase-file "$WORK/op.pass" "$dev" 2> "$WORK/err"
minisign -Vm "$WORK/auto.cert.json" -x "$WORK/auto.cert.json.operator.minisig" \
	-p "$K/operator.key.pub" > /dev/null || fail "auto: stock minisign rejects the certificate"
"$KESU" cert verify --trust "$WORK/trust" "$WORK/auto.cert.json" > /dev/null ||
	fail "auto: kesu cert verify rejects the certificate"
[ "$(jqf "$WORK/auto.cert.json" '.sanitization | [.category, .technique, .method] | join(" ")')" = \
	"clear overwrite random" ] || fail "auto: $(jq -c .sanitization "$WORK/auto.cert.json")"
ok "auto --cert: the certificate of the fallback (clear, overwrite, random) verifies"
