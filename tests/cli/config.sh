#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The configuration file (kesu-config(5)): a bad key, a bad line or a file
# others may write stops every command with "kesu: FILE:LINE: ..." and exit 2
# before it does anything; KESU_CONFIG names a file, --config wins over it;
# the values reach the places that use them, each overridden by its option:
# [trust] dir decides whether `kesu cert verify` trusts a freshly generated
# key (--trust wins), [ledger] path is where `kesu ledger` writes (sqlite3
# reads it there; --ledger wins), [organisation] goes into the report and
# the certificate (--organisation, --location win). `kesu config show
# --json` is read with jq.
. "$(dirname "$0")/lib.sh"
need_test_hooks
set -e
for t in jq sqlite3; do
	command -v $t >/dev/null || skip "$t missing (scripts/install-deps installs it)"
done
cd "$WORK"

# expect_err WANT TEXT CMD...: CMD exits WANT and says TEXT (a fixed string) on stderr
expect_err() {
	want=$1 text=$2; shift 2
	set +e
	"$@" > out 2> err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $(cat out err)"
	[ -z "$text" ] || grep -qF -- "$text" err || fail "'$*': no '$text' in: $(cat err)"
}

# conf FILE: standard input as the configuration FILE, mode 0600
conf() {
	cat > "$1"
	chmod 600 "$1"
}

# --- a fresh operator key, a real report, its certificate
printf 'kesu-test-config\n' > op.pass
mkdir keys trust empty
KESU_TEST_WEAK_KDF=1 "$KESU" key generate --role operator --name 'Config Operator' \
	-o keys/op.key --passphrase-file op.pass > /dev/null 2> err || fail "key generate: $(cat err)"
cp keys/op.key.pub trust/
dev=$(mkloop 1048576)

# 東京都　総務局 (a full-width space), 情報システム課, 本庁舎３階
org='東京都　総務局'
conf org.conf <<EOF
; written on Windows: CRLF
[organisation]
name = $org
department = 情報システム課
location = 本庁舎３階
EOF
sed -i 's/$/\r/' org.conf
expect_err 0 "" "$KESU" --config org.conf erase --yes --quiet -m zero --operator 'Config Operator' \
	--report R.json "$dev"
[ "$(jq -r .operator.location R.json)" = '本庁舎３階' ] || fail "report location: $(jq .operator R.json)"
expect_err 0 "" "$KESU" --config org.conf erase --yes --quiet -m zero --operator 'Config Operator' \
	--location 'Annex B' --report R2.json "$dev"
[ "$(jq -r .operator.location R2.json)" = 'Annex B' ] || fail "--location did not win"
expect_err 0 "" "$KESU" --config org.conf cert issue R.json --sign-key keys/op.key \
	--passphrase-file op.pass -o c.json
jq -e --arg o "$org" '.organisation.name == $o and .organisation.department == "情報システム課"
	and .organisation.location == "本庁舎３階"' c.json > /dev/null ||
	fail "certificate: $(jq -c .organisation c.json)"
expect_err 0 "" "$KESU" --config org.conf cert issue R2.json --sign-key keys/op.key \
	--passphrase-file op.pass --organisation 'Other City' -o c2.json
jq -e '.organisation.name == "Other City" and .organisation.department == "情報システム課"
	and .organisation.location == "Annex B"' c2.json > /dev/null ||
	fail "options did not win: $(jq -c .organisation c2.json)"
expect_err 0 "" "$KESU" cert issue R.json --sign-key keys/op.key --passphrase-file op.pass \
	-o c3.json
jq -e '.organisation.name == null' c3.json > /dev/null || fail "no config, yet $(jq -c .organisation c3.json)"
ok "[organisation] (Japanese, a full-width space, CRLF) in the report and the certificate; options win"

# --- mistakes: exit 2 with FILE:LINE before any work
conf bad-key.conf <<'EOF'
[trust]
dir = /etc/kesu/trust.d
trust_dir = /tmp/evil
EOF
conf bad-line.conf <<'EOF'
[organisation]
name = Example
dir /tmp/evil
EOF
conf bad-mode.conf <<EOF
[trust]
dir = $WORK/trust
EOF
chmod 666 bad-mode.conf
for f in "bad-key|unknown key 'trust_dir' in [trust]" "bad-line|not a [section] header"; do
	cp "${f%%|*}.conf" bad.conf
	expect_err 2 "kesu: bad.conf:3: ${f#*|}" "$KESU" --config bad.conf cert verify c.json
	[ ! -s out ] || fail "$f: a verdict was printed: $(cat out)"
	expect_err 2 "kesu: bad.conf:3: ${f#*|}" "$KESU" --config bad.conf config check
	expect_err 2 "kesu: bad.conf:3: ${f#*|}" "$KESU" config check bad.conf
done
cp -p bad-mode.conf bad.conf
expect_err 2 "kesu: bad.conf: writable by group or others (mode 0666)" \
	"$KESU" --config bad.conf cert verify c.json
[ ! -s out ] || fail "mode 0666: a verdict was printed: $(cat out)"
chmod 620 bad.conf
expect_err 2 "(mode 0620)" "$KESU" --config bad.conf cert verify c.json
expect_err 2 "kesu: none.conf: No such file or directory" "$KESU" --config none.conf cert verify c.json
expect_err 2 "--config needs a FILE" "$KESU" --config
# an erasure does not start under a bad file
expect_err 2 "bad-key.conf:3:" "$KESU" --config bad-key.conf erase --yes --quiet -m one "$dev"
cmp -n 1048576 "$dev" /dev/zero || fail "the device was written under a bad configuration"
ok "a bad key, a bad line, mode 0666 or 0620, a missing file: exit 2 with FILE:LINE, nothing done"

# --- [trust] dir decides what cert verify trusts
conf trust.conf <<EOF
[trust]
dir = $WORK/trust
EOF
conf empty.conf <<EOF
# nobody is trusted
[trust]
dir = $WORK/empty
EOF
# without it, the compiled default (no trust store on this machine, or not this key)
set +e
"$KESU" cert verify c.json > out 2> err
rc=$?
set -e
[ $rc -ne 0 ] || fail "verified without the configuration"
expect_err 0 "" "$KESU" --config trust.conf cert verify c.json
grep -q "valid: .*operator Config Operator" out || fail "$(cat out)"
expect_err 11 "" "$KESU" --config empty.conf cert verify c.json
expect_err 0 "" "$KESU" --config empty.conf cert verify --trust "$WORK/trust" c.json
expect_err 11 "" "$KESU" --config trust.conf cert verify --trust "$WORK/empty" c.json
ok "[trust] dir: valid with the key's directory, 11 with an empty one; --trust wins"

# --- KESU_CONFIG, and --config over it
expect_err 0 "" env KESU_CONFIG=trust.conf "$KESU" cert verify c.json
expect_err 11 "" env KESU_CONFIG=empty.conf "$KESU" cert verify c.json
expect_err 0 "" env KESU_CONFIG=empty.conf "$KESU" --config trust.conf cert verify c.json
expect_err 11 "" env KESU_CONFIG=trust.conf "$KESU" --config empty.conf cert verify c.json
# a broken KESU_CONFIG is not read at all when --config names another file
expect_err 0 "" env KESU_CONFIG=bad.conf "$KESU" --config trust.conf cert verify c.json
expect_err 2 "bad-key.conf:3:" env KESU_CONFIG=bad-key.conf "$KESU" cert verify c.json
expect_err 2 "none.conf: No such file" env KESU_CONFIG=none.conf "$KESU" cert verify c.json
ok "KESU_CONFIG names the file; --config wins over it"

# --- [ledger] path is where kesu ledger writes
conf ledger.conf <<EOF
[trust]
dir = $WORK/trust
[ledger]
path = $WORK/lg/kesu.db
[policy]
EOF
expect_err 0 "" "$KESU" --config ledger.conf ledger add c.json
[ "$(sqlite3 lg/kesu.db 'SELECT count(*) FROM certificates')" = 1 ] ||
	fail "no certificate at the configured path"
[ "$(sqlite3 lg/kesu.db 'SELECT id FROM certificates')" = "$(jq -r .id c.json)" ] ||
	fail "another certificate recorded"
expect_err 0 "" "$KESU" --config ledger.conf ledger --ledger "$WORK/other.db" add c2.json
[ "$(sqlite3 other.db 'SELECT id FROM certificates')" = "$(jq -r .id c2.json)" ] ||
	fail "--ledger did not win"
[ "$(sqlite3 lg/kesu.db 'SELECT count(*) FROM certificates')" = 1 ] ||
	fail "--ledger: the configured ledger changed too"
expect_err 0 "" "$KESU" --config ledger.conf ledger verify
ok "[ledger] path: kesu ledger writes there (sqlite3 reads it); --ledger wins"

# --- config show and check
expect_err 0 "" "$KESU" --config ledger.conf config show --json
jq -e --arg w "$WORK" '.file == "ledger.conf" and .selected_by == "--config" and .read
	and .trust.dir == {value: ($w + "/trust"), source: "file", line: 2}
	and .ledger.path == {value: ($w + "/lg/kesu.db"), source: "file", line: 4}
	and .organisation.name == {value: null, source: "default"}
	and .policy.require_disposal_approval == {value: "no", source: "default"}
	and .policy.require_registered == {value: "no", source: "default"}' out > /dev/null || fail "config show --json: $(cat out)"
expect_err 0 "" env KESU_CONFIG=org.conf "$KESU" config show --json
jq -e --arg o "$org" '.selected_by == "KESU_CONFIG" and .organisation.name.value == $o
	and .organisation.name.line == 3 and .trust.dir.source == "default"
	and .trust.dir.value == "/etc/kesu/trust.d"' out > /dev/null ||
	fail "config show --json: $(cat out)"
expect_err 0 "" "$KESU" --config trust.conf config show
grep -q "^trust.dir  *$WORK/trust (trust.conf:2)$" out || fail "config show: $(cat out)"
grep -q "^ledger.path  */var/lib/kesu/ledger.db (default)$" out || fail "config show: $(cat out)"
# show reports a broken file as every command does
expect_err 2 "kesu: bad-line.conf:3: " "$KESU" --config bad-line.conf config show
expect_err 0 "" "$KESU" config check org.conf
grep -qxF "org.conf: valid" out || fail "config check: $(cat out)"
ok "config show (text, --json: each value with file:line or default) and config check"
