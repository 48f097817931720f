#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The screen of kesu station, driven by tmux (send-keys, capture-pane):
# two loop devices erased from the screen show 100% and success, their
# reports have the fields of kesu erase's and their certificates verify with
# stock minisign; labels typed (the asset tag as a barcode scanner types it)
# reach the reports; a mounted device is listed dim with the reason, cannot
# be selected and is left as it was (cmp); a device slowed by the kernel's
# block throttle shows a percentage between 1 and 99 while it is written;
# quit asks while erasures run, a aborts one, q and y the rest, each with
# its report; 80x24 and TERM=vt100 captures keep every
# line within the frame; a resized window is drawn again at its new size.
# Every wait polls the pane with a generous timeout; nothing is timed.
. "$(dirname "$0")/lib.sh"
set -e
command -v tmux >/dev/null || skip "tmux missing (scripts/install-deps)"
command -v jq >/dev/null || skip "jq missing"
command -v minisign >/dev/null || skip "minisign missing (scripts/install-deps)"
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing (e2fsprogs)"

MiB=1048576
ESC=$(printf '\033')
BLKIO=/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device
THROTTLED=""

# a tmux server of this test's own: other tmux users on the machine are not touched
tm() {
	tmux -S "$WORK/tmux.sock" "$@"
}

# the throttle is the kernel's, for every writer of the device: lifted on any exit
trap 'rc=$?; tm kill-server 2>/dev/null; for m in $THROTTLED; do echo "$m 0" > "$BLKIO"; done;
	(exit $rc); cleanup' EXIT

keys=${KESU_SRCDIR:?}/tests/data/keys
mkdir "$WORK/keys" "$WORK/out" "$WORK/mnt"
cp "$keys/operator.key" "$keys/operator.key.pub" "$WORK/keys/"
chmod 600 "$WORK/keys/operator.key"
printf 'kesu-test-operator\n' > "$WORK/op.pass"
: > "$WORK/empty.conf"

# the pane runs kesu through this, and keeps its exit status
cat > "$WORK/run.sh" <<EOF
#!/bin/sh
name=\$1
shift
cd "$WORK"
"\$@"
echo \$? > "$WORK/rc.\$name"
exec sleep 3600
EOF

# screen NAME W H ENV...: a detached session of W x H running kesu station
# with the environment ENV (TERM, locale) and the arguments in $ARGS
screen() {
	name=$1 w=$2 h=$3
	shift 3
	tm new-session -d -s "$name" -x "$w" -y "$h" \
		"sh $WORK/run.sh $name env KESU_CONFIG=$WORK/empty.conf $* $KESU station $ARGS"
}

cap() {
	tm capture-pane -p -t "$1" > "$WORK/cap"
}

# wait_for NAME ERE [N]: poll the pane until N lines (default 1) match ERE
wait_for() {
	i=0
	while :; do
		cap "$1"
		[ "$(grep -cE -- "$2" "$WORK/cap")" -lt "${3:-1}" ] || return 0
		i=$((i + 1))
		[ $i -lt 1200 ] || { cat "$WORK/cap" >&2; fail "$1: the screen never showed /$2/"; }
		sleep 0.1
	done
}

keys() {
	name=$1
	shift
	tm send-keys -t "$name" "$@"
}

# typed as characters, as a barcode scanner types them, then Enter
typed() {
	tm send-keys -t "$1" -l "$2"
	tm send-keys -t "$1" Enter
}

# wait_rc NAME: the exit status of kesu station in session NAME, once it ended
wait_rc() {
	i=0
	while [ ! -s "$WORK/rc.$1" ]; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { cap "$1"; cat "$WORK/cap" >&2; fail "$1: kesu never ended"; }
		sleep 0.1
	done
	cat "$WORK/rc.$1"
}

# framed W H DRIVES: whether the last capture is the whole screen,
# unbroken: H lines none wider than W, the title first, the keys last, the
# details' rule exactly W wide, one row per drive and each drive's second
# row indented (a line that wrapped would start at the left edge); $why says
# what is wrong
framed() {
	f=$WORK/cap
	why="$(wc -l < "$f") lines, not $2"
	[ "$(wc -l < "$f")" -eq "$2" ] || return 1
	# columns as the terminal counts them (wc -L: a kanji takes two)
	why="a line wider than $1 columns"
	while IFS= read -r l; do
		[ "$(printf '%s\n' "$l" | LC_ALL=C.UTF-8 wc -L)" -le "$1" ] || return 1
	done < "$f"
	why="no title row, or no row of keys"
	head -n 1 "$f" | grep -q '^kesu station ' || return 1
	tail -n 1 "$f" | grep -q '^Spc select ' || return 1
	why="the rule of the details is not $1 wide"
	[ "$(grep -E '^-- /.* -+$' "$f" | LC_ALL=C.UTF-8 wc -L)" = "$1" ] || return 1
	why="not $3 drive rows"
	[ "$(grep -cE '^[> ] \[[ x-]\] +[0-9]+ (/|\.\.\.)' "$f")" -eq "$3" ] || return 1
	# between the title and the rule: drive rows, their indented second rows, blanks
	why="a broken line in the list"
	! sed -n '2,/^-- /p' "$f" | sed '$d' | grep -qvE '^$|^[> ] \[[ x-]\] |^         [^ ]'
}

# frame W H DRIVES WHAT: the last capture is framed, or the test fails
frame() {
	framed "$1" "$2" "$3" || { cat "$WORK/cap" >&2; fail "$4: $why"; }
}

# wait_frame NAME W H DRIVES WHAT: poll until the screen is framed at W x H
wait_frame() {
	i=0
	until cap "$1" && framed "$2" "$3" "$4"; do
		i=$((i + 1))
		[ $i -lt 600 ] || { cat "$WORK/cap" >&2; fail "$5: $why"; }
		sleep 0.1
	done
}

# --- two drives erased from the screen, a mounted one refused (UTF-8, colours)
A=$(mkloop $((16 * MiB)))
B=$(mkloop $((16 * MiB)))
M=$(mkloop $((16 * MiB)))
mkfs.ext4 -q "$M"
# read-only: the file system itself writes nothing, so cmp judges kesu alone
mount -o ro "$M" "$WORK/mnt"
MOUNTS="$WORK/mnt"
dd if="$M" of="$WORK/m.before" bs=1M status=none
dd if="$A" of="$WORK/a.before" bs=1M status=none

ARGS="--operator 'Test Operator' --sign-key $WORK/keys/operator.key \
--passphrase-file $WORK/op.pass --output-dir $WORK/out $A $B $M"
screen s1 80 24 TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for s1 "refused: $M is mounted"
frame 80 24 3 "80x24"
# dim, and marked: the mounted drive's rows carry SGR 2
tm capture-pane -p -e -t s1 | grep -F "$M" | grep -qF "$ESC[2m" ||
	fail "the mounted drive is not dim"
grep -qE "^  \[-\] +3 $M " "$WORK/cap" || fail "the mounted drive is not marked [-]"
ok "80x24: three drives, every line within the frame; the mounted one dim, [-], with the reason"

# Space on each: the mounted one is refused and stays unselected
keys s1 Space Down Space Down Space
wait_for s1 "$M is refused: $M is mounted on"
wait_for s1 ' 2 selected '
grep -qE "^> \[-\] +3 $M " "$WORK/cap" || { cat "$WORK/cap" >&2; fail "the mounted drive was selected"; }
ok "Space on the mounted drive: refused with the reason, not selected"

# labels: the asset tag of A as a scanner types it (the next drive is then
# highlighted), B's witness, a reason for every drive (Tab), a wrong reason refused
keys s1 Home t
wait_for s1 "^asset tag of $A:"
typed s1 PC-0042
wait_for s1 "^set"
keys s1 w
wait_for s1 "^witness of $B:"
typed s1 "Suzuki Ichiro"
wait_for s1 "^set"
keys s1 r Tab
wait_for s1 "^reason of every drive not started"
typed s1 reuse
wait_for s1 "^set"
keys s1 r
wait_for s1 "^reason of $B"
keys s1 C-u
typed s1 bogus
wait_for s1 "^cannot set that: not a value it takes"
ok "labels typed and scanned; a reason kesu does not know is refused"

keys s1 S
wait_for s1 "^erase $A $B\? everything on them is lost"
keys s1 y
wait_for s1 '\] 100% success, verified \(clear\)' 2
frame 80 24 3 "80x24 after the erasures"
grep -qE ' 2 done  0 failed' "$WORK/cap" || { cat "$WORK/cap" >&2; fail "title: not 2 done"; }
# colours where the terminal has them and NO_COLOR is not set: success in green
tm capture-pane -p -e -t s1 | grep -F '100% success' | grep -qF "$ESC[32m" ||
	fail "no colour on a terminal that has them"
ok "both drives erased from the screen: 100% and success on each, in green"

# the pager: the report of the highlighted drive (B), scrolled
keys s1 Enter
wait_for s1 "^report of $B  lines 1-"
wait_for s1 '^  "category": "clear",$'
keys s1 End
wait_for s1 '^    "verified": true$'
keys s1 q
wait_for s1 '^Spc select '
keys s1 q
rc=$(wait_rc s1)
# the worst of the drives': the mounted one was named and refused (3, as kesu erase gives)
[ "$rc" -eq 3 ] || fail "kesu station exited $rc, expected 3 (a named drive refused)"

# the reports: kesu erase's fields, the labels given on the screen
report_of() {
	for f in "$WORK"/out/*/"$(basename "$1")"-*.json; do
		[ "$(jq -r .format "$f")" != "$2" ] || echo "$f"
	done
}
ra=$(report_of "$A" kesu-report/1)
rb=$(report_of "$B" kesu-report/1)
[ -f "$ra" ] && [ -f "$rb" ] || fail "reports: $(ls -R "$WORK/out")"
C=$(mkloop $((16 * MiB)))
expect_rc 0 "$KESU" erase --yes --quiet --method auto --operator 'Test Operator' \
	--asset-tag PC-0043 --witness 'Suzuki Ichiro' --reason reuse --report "$WORK/c.json" "$C" \
	2>/dev/null
fields() {
	jq -r '[paths | map(tostring) | join("/")] | sort | .[]' "$1"
}
fields "$WORK/c.json" > "$WORK/c.fields"
for r in "$ra" "$rb"; do
	fields "$r" | diff "$WORK/c.fields" - || fail "$r: fields differ from kesu erase's"
	[ "$(jqf "$r" .result)" = success ] || fail "$r: result $(jqf "$r" .result)"
	[ "$(jqf "$r" .verification.verified)" = true ] || fail "$r: not verified"
	[ "$(jqf "$r" .operator.reason)" = reuse ] || fail "$r: reason $(jqf "$r" .operator.reason)"
done
[ "$(jqf "$ra" .operator.asset_tag)" = PC-0042 ] || fail "A: asset tag $(jqf "$ra" .operator.asset_tag)"
[ "$(jqf "$rb" .operator.witness)" = "Suzuki Ichiro" ] || fail "B: witness"
[ "$(jqf "$rb" .operator.asset_tag)" = null ] || fail "B: A's asset tag leaked"
cmp -s -n $((16 * MiB)) "$A" "$WORK/a.before" && fail "A still holds what it held"
cmp "$M" "$WORK/m.before" || fail "the mounted drive was written"
for d in "$A" "$B"; do
	c=$(report_of "$d" kesu-certificate/1)
	[ -f "$c" ] || fail "$d: no certificate"
	minisign -Vm "$c" -x "$c.operator.minisig" -p "$WORK/keys/operator.key.pub" > /dev/null ||
		fail "$c: stock minisign rejects it"
done
ok "reports with kesu erase's fields and the labels; certificates verify; the mounted drive untouched"

# --- a hostile name, NO_COLOR, and a countdown that a key cancels: an image
# file named with kanji, an escape sequence and a quote is listed escaped,
# within the frame, without colour; --auto counts down, any key cancels
hostile="$WORK/ディスク$ESC[31m\".img"
head -c $((4 * MiB)) /dev/urandom > "$hostile"
cp "$hostile" "$WORK/hostile.before"
ARGS="--auto --countdown 600 --output-dir $WORK/out '$hostile'"
screen s3 80 24 TERM=screen LC_ALL=C.UTF-8 NO_COLOR=1
wait_for s3 'erased in [0-9]+ s with method auto \(any key cancels\)'
grep -qF "/ディスク\x1b[31m\\\".img -" "$WORK/cap" || { cat "$WORK/cap" >&2; fail "the name is not escaped"; }
# in the list, cut from the left so that the file name shows
grep -qE '^> \[ \] +1 \.\.\..*\.img +4\.0 MiB file ' "$WORK/cap" ||
	{ cat "$WORK/cap" >&2; fail "the list does not show the end of the name"; }
frame 80 24 1 "a name with kanji and an escape"
tm capture-pane -p -e -t s3 | grep -q "$ESC\[[0-9;]*3[0-7]m" && fail "colours under NO_COLOR"
keys s3 x
wait_for s3 '^countdown cancelled by a key: nothing written'
keys s3 q
rc=$(wait_rc s3)
[ "$rc" -eq 4 ] || fail "kesu station exited $rc after a cancelled countdown, expected 4"
cmp "$hostile" "$WORK/hostile.before" || fail "the cancelled image was written"
ok "a hostile file name escaped within the frame, no colour under NO_COLOR, a key cancels the countdown"

# --- two slow drives (TERM=vt100, no UTF-8): progress mid-way, resize,
# quit refused then confirmed, abort one, abort the rest by quitting
[ -w "$BLKIO" ] || skip "the screen passed; no cgroup v1 block throttle ($BLKIO) to slow a drive"
# slowdev: a sparse 512 MiB image on a loop device, written at 8 MiB/s at most: an
# abort waits for the writes in flight (64 MiB), so a smaller one could end first
slowdev() {
	img=$(mktemp "$WORK/slow.XXXXXX")
	truncate -s $((512 * MiB)) "$img"
	dev=$(losetup -f --show --direct-io=on "$img") || fail "losetup failed"
	echo "$dev" >> "$WORK/loops"
	echo "$dev"
}
S1=$(slowdev)
S2=$(slowdev)
for d in "$S1" "$S2"; do
	majmin=$(lsblk -dno MAJ:MIN "$d" | tr -d ' ')
	echo "$majmin 8388608" > "$BLKIO" || skip "the screen passed; the block throttle refused $d"
	THROTTLED="$THROTTLED $majmin"
done
ARGS="--output-dir $WORK/out $S1 $S2"
screen s2 80 24 TERM=vt100 LC_ALL=C
wait_for s2 "^  \[ \] +2 $S2 "
frame 80 24 2 "vt100"
keys s2 Space Down Space S
wait_for s2 "^erase $S1 $S2\?"
keys s2 y
mid='\] +([1-9]|[1-9][0-9])% '
wait_for s2 "$mid" 2
frame 80 24 2 "vt100 while writing"
ok "vt100 80x24: both slow drives at $(grep -oE '\] +[0-9]+%' "$WORK/cap" | tr -d '] ' | tr '\n' ' ')while written"

# quit while they run: asked, and no is no
keys s2 q
wait_for s2 "^erasures run: abort them and quit\?"
keys s2 n
wait_for s2 "^not confirmed"
grep -q ' 2 running ' "$WORK/cap" || { cat "$WORK/cap" >&2; fail "quit, no: not both running"; }
ok "q while erasures run asks first; n leaves them running"

# the window resized: drawn again at 100x30, then at 80x24
tm resize-window -t s2 -x 100 -y 30
wait_frame s2 100 30 2 "resized to 100x30"
tm resize-window -t s2 -x 80 -y 24
wait_frame s2 80 24 2 "back to 80x24"
ok "a resized window is drawn again at its size"

# a aborts the highlighted drive; q, y aborts the other and waits for its report
keys s2 Up a
wait_for s2 ' aborted'
grep -q ' 1 running ' "$WORK/cap" || { cat "$WORK/cap" >&2; fail "a: not one running"; }
frame 80 24 2 "vt100 after the abort"
keys s2 q
wait_for s2 "^erasures run: abort them and quit\?"
keys s2 y
rc=$(wait_rc s2)
[ "$rc" -eq 7 ] || fail "kesu station exited $rc after aborts, expected 7"
for d in "$S1" "$S2"; do
	r=$(report_of "$d" kesu-report/1)
	[ -f "$r" ] || fail "$d: no report after the abort"
	[ "$(jqf "$r" .result)" = aborted ] || fail "$r: result $(jqf "$r" .result)"
	[ "$(jqf "$r" .result_reason)" = "aborted by the operator" ] ||
		fail "$r: result_reason $(jqf "$r" .result_reason)"
	[ "$(jqf "$r" '.passes[0].completed')" = false ] || fail "$r: pass completed: $(jq -c .passes "$r")"
done
ok "a aborts one drive, q and y the other: both reports say aborted, exit 7"
