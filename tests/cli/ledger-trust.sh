#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kesu ledger verify when the trust store changes after certificates were
# recorded: a key removed from the store leaves the chain intact and is
# reported with its own exit code (22), naming each row, its signer and the
# fingerprint the ledger recorded (checked against `kesu key show`); a key
# retired (" retired=YYYY-MM-DD" in its comment) after the rows were recorded
# keeps them valid; retired before, the rows are reported (22) and a new
# `ledger add` with it is refused (11); `cert verify` of a file judges by the
# signer's own time and says so. A row edited with the stock sqlite3 tool is
# still a broken chain (15), also while its signer is untrusted. Each row's
# recorded-at time is the ledger's clock, read back with sqlite3. Under KESU_TEST_LEDGER_URL
# (tests/cli/ledger-pg.sh) the ledger is a database of that PostgreSQL server, read and edited
# with psql instead.
. "$(dirname "$0")/lib.sh"
set -e
for t in jq; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
cd "$WORK"
. "$KESU_SRCDIR/tests/cli/register-lib.sh"

# expect_err WANT TEXT CMD...: run CMD with its output in out/err; fail unless it exits WANT
# and its output (either stream) holds TEXT
expect_err() {
	want=$1 text=$2; shift 2
	set +e
	"$@" > out 2> err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat out err >&9; fail "'$*' exited $got, expected $want"; }
	cat out err | grep -qF -- "$text" || fail "'$*': output lacks '$text': $(cat out err)"
}

keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir keys trust
cp "$keys"/operator.key "$keys"/operator.key.pub "$keys"/approver.key "$keys"/approver.key.pub keys/
chmod 600 keys/operator.key keys/approver.key
cp "$keys/operator.key.pub" "$keys/approver.key.pub" trust/
printf 'kesu-test-operator\n' > op.pass
printf 'kesu-test-approver\n' > ap.pass
T="--trust $WORK/trust"
L="--ledger $(at l)"
fpr=$("$KESU" key show keys/operator.key.pub | sed -n 's/^fingerprint: //p')
[ -n "$fpr" ] || fail "key show printed no fingerprint"

dev=$(mkloop 1048576)
"$KESU" erase --yes --quiet -m zero --operator 'Test Operator' --report "$WORK/R.json" "$dev" \
	2> err || fail "erase: $(cat err)"

# cert FILE: a certificate of its own id from R.json, signed by the operator
cert() {
	jq --arg r "$(cat /proc/sys/kernel/random/uuid)" '.id = $r' R.json > R2.json
	"$KESU" cert issue R2.json --sign-key keys/operator.key --passphrase-file op.pass \
		-o "$1" > /dev/null 2> err || fail "cert issue $1: $(cat err)"
}

# retire DATE: the store's operator key, retired on DATE (empty: not retired)
retire() {
	{
		printf 'untrusted comment: kesu role=operator name=Test Operator%s\n' \
			"${1:+ retired=$1}"
		tail -n 1 "$keys/operator.key.pub"
	} > trust/operator.key.pub
}

cert 1.json
"$KESU" cert approve $T --sign-key keys/approver.key --passphrase-file ap.pass 1.json \
	> /dev/null 2> err || fail "cert approve: $(cat err)"
cert 2.json
before=$(date -u +%s)
expect_err 0 "recorded as seq 2" "$KESU" ledger $L $T add 1.json 2.json
after=$(date -u +%s)
# the recorded-at time is the ledger's own clock, UTC, to the second
for seq in 1 2; do
	rec=$(sql l "SELECT recorded FROM certificates WHERE seq = $seq")
	echo "$rec" | grep -Eqx '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z' ||
		fail "seq $seq recorded '$rec'"
	at=$(date -u -d "$rec" +%s)
	[ "$at" -ge "$before" ] && [ "$at" -le "$after" ] || fail "seq $seq recorded at $rec"
done
# the signers column, JSON, in each backend's own dialect
op="json_extract(signers, '$.operator')"
[ -z "$PG" ] || op="signers::json ->> 'operator'"
[ "$(sql l "SELECT $op FROM certificates WHERE seq = 1")" = "$fpr" ] ||
	fail "seq 1 signers: $(sql l 'SELECT signers FROM certificates')"
expect_err 0 "2 rows, chain intact" "$KESU" ledger $L $T verify
ok "rows record when they were recorded and the signers' fingerprints"

# (a) the operator's key removed from the store: intact, and said so for each row
mv trust/operator.key.pub gone.pub
expect_err 22 "seq 1: intact; signer Test Operator (fingerprint $fpr) no longer in the trust store" \
	"$KESU" ledger $L $T verify
grep -qF "seq 2: intact; signer Test Operator (fingerprint $fpr) no longer in the trust store" out ||
	fail "seq 2 not named: $(cat out)"
grep -q "2 rows, chain intact" out || fail "not intact: $(cat out)"
grep -Eq "invalid|altered|deleted|inserted|chain is broken" out err && fail "reported as broken: $(cat out err)"
expect_err 22 "" "$KESU" ledger $L $T verify --json
jq -e '.intact and (.untrusted | length) == 2 and .untrusted[0].seq == 1
	and (.untrusted[1].why | contains("no longer in the trust store"))' out >/dev/null ||
	fail "verify --json: $(cat out)"
ok "a removed key: chain intact, each row named with its signer and fingerprint, exit 22"

# (d) with it gone, an edited row is still a broken chain: 15 wins
clone l t
sql t "UPDATE certificates SET result = 'failed' WHERE seq = 2"
expect_err 15 "seq 2 altered" "$KESU" ledger --ledger "$(at t)" $T verify

# (b) retired after the rows were recorded: they still verify
tomorrow=$(date -u -d '+1 day' +%F)
retire "$tomorrow"
expect_err 0 "2 rows, chain intact" "$KESU" ledger $L $T verify
expect_err 0 "valid" "$KESU" cert verify $T 1.json
ok "retired on $tomorrow, after the rows were recorded: verify exits 0"

# (c) retired before: the rows are reported untrusted (22), a new certificate is refused (11)
yesterday=$(date -u -d '-1 day' +%F)
retire "$yesterday"
expect_err 22 "seq 1: intact; untrusted: key $fpr (Test Operator) retired on $yesterday" \
	"$KESU" ledger $L $T verify
grep -q "^seq 2: intact; untrusted: .* retired on $yesterday, before it was recorded" out ||
	fail "seq 2 not named: $(cat out)"
cert 3.json
expect_err 11 "retired on $yesterday" "$KESU" ledger $L $T add 3.json
[ "$(sql l 'SELECT count(*) FROM certificates')" = 2 ] || fail "3.json was recorded"
# a file alone has only the signer's word for when it was signed, and says so
expect_err 11 "retired on $yesterday; signed " "$KESU" cert verify $T 3.json
grep -qF "(the signer's own claim)" out || fail "cert verify: $(cat out)"
ok "retired on $yesterday, before: rows untrusted (22), ledger add and cert verify refuse (11)"

# (d) the chain broken wins over signers no longer trusted
clone l t
sql t "UPDATE certificates SET recorded = '2000-01-01T00:00:00Z' WHERE seq = 1"
expect_err 15 "seq 1 altered" "$KESU" ledger --ledger "$(at t)" $T verify
clone l t
sql t "DELETE FROM certificates WHERE seq = 1"
expect_err 15 "seq 2 deleted" "$KESU" ledger --ledger "$(at t)" $T verify
ok "an earlier recorded-at time or a deleted row: chain broken (15), not untrusted"

# a retirement that is not a date is refused when the store loads, not taken as a name
retire 2025-02-30
expect_err 2 "retired=YYYY-MM-DD" "$KESU" ledger $L $T verify
ok "retired=2025-02-30: the trust store is refused"
