// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The screen of kesu station: what each key does, by mode. Whatever is
 * refused is refused by the engine (station_select() on a refused drive,
 * station_set_labels() with a reason it does not know): the screen says
 * why and changes nothing. A barcode scanner types like a keyboard and
 * ends with Enter, so the asset tag prompt takes it as typed.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kesu.h"
#include "station_tui_int.h"
#include "text.h"

#define CTRL(c) ((c)&0x1f)
#define KEY_ESC 27

static size_t count(const struct tui *t, enum station_state st)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->d[i].state == st;
	return n;
}

static const struct station_drive *by_id(const struct tui *t, unsigned id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->d[i].id == id)
			return &t->d[i];
	return NULL;
}

static char *label_of(struct station_labels *l, enum tui_field f)
{
	switch (f) {
	case TUI_OPERATOR: return l->operator;
	case TUI_WITNESS: return l->witness;
	case TUI_ASSET_TAG: return l->asset_tag;
	default: return l->reason;
	}
}

static void prompt(struct tui *t, enum tui_field f)
{
	const struct station_drive *d = tui_cur(t);
	struct station_labels l;

	if (!d) {
		tui_say(t, true, "no drive");
		return;
	}
	t->mode = TUI_PROMPT;
	t->field = f;
	t->batch = false;
	t->target = d->id;
	l = d->labels;
	snprintf(t->input, sizeof(t->input), "%s", f == TUI_METHOD ? d->method : label_of(&l, f));
	t->len = strlen(t->input);
}

/* the field of every drive not started, keeping each one's other fields */
static int set_batch(struct tui *t, enum tui_field f, const char *v)
{
	struct station_labels l = tui_cur(t) ? tui_cur(t)->labels : (struct station_labels){ 0 };
	int r;

	tui_snapshot(t);
	snprintf(label_of(&l, f), STATION_TEXT, "%s", v);
	r = station_set_labels(t->s, 0, &l);
	for (size_t i = 0; !r && i < t->n; i++) {
		l = t->d[i].labels;
		snprintf(label_of(&l, f), STATION_TEXT, "%s", v);
		station_set_labels(t->s, t->d[i].id, &l);
	}
	return r;
}

static int set_field(struct tui *t, const char *v)
{
	const struct station_drive *d = by_id(t, t->target);
	struct station_labels l;

	if (t->field == TUI_METHOD)
		return station_set_method(t->s, t->batch ? 0 : t->target, v[0] ? v : "auto");
	if (t->batch)
		return set_batch(t, t->field, v);
	if (!d)
		return -ENOENT;
	l = d->labels;
	snprintf(label_of(&l, t->field), STATION_TEXT, "%s", v);
	return station_set_labels(t->s, t->target, &l);
}

static const char *why_not(int r)
{
	switch (r) {
	case -ENOENT: return "no such drive, or no such method (kesu erase --help lists them)";
	case -EBUSY: return "it is counting down, running or over";
	case -EPERM: return "it is refused";
	case -EINVAL: return "not a value it takes";
	default: return strerror(-r);
	}
}

/* Enter in the prompt: trimmed, checked as kesu erase checks its options */
static void accept(struct tui *t)
{
	char *v = t->input, *end = t->input + t->len;
	int r;

	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	while (isspace((unsigned char)*v))
		v++;
	t->mode = TUI_LIST;
	if (!text_is_clean(v)) {
		tui_say(t, true, "%s: UTF-8 text without control characters, please", v);
		return;
	}
	r = set_field(t, v);
	tui_snapshot(t);
	if (r) {
		tui_say(t, true, "cannot set that: %s", why_not(r));
		return;
	}
	tui_say(t, false, "set");
	/* scanning tag after tag: the next drive is highlighted for the next one */
	if (t->field == TUI_ASSET_TAG && !t->batch && t->cur + 1 < t->n)
		t->cur++;
}

static void prompt_key(struct tui *t, int ch)
{
	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER: accept(t); return;
	case KEY_ESC:
		t->mode = TUI_LIST;
		tui_say(t, false, "not changed");
		return;
	case '\t': t->batch = !t->batch; return;
	case CTRL('U'):
		t->len = 0;
		t->input[0] = '\0';
		return;
	case KEY_BACKSPACE:
	case 127:
	case CTRL('H'):
		/* a whole UTF-8 character */
		while (t->len && ((unsigned char)t->input[t->len - 1] & 0xc0) == 0x80)
			t->len--;
		if (t->len)
			t->len--;
		t->input[t->len] = '\0';
		return;
	default: break;
	}
	/* bytes as they come: a UTF-8 character arrives as several */
	if (ch >= 0x20 && ch < 0x100 && ch != 127 && t->len + 1 < STATION_TEXT) {
		t->input[t->len++] = (char)ch;
		t->input[t->len] = '\0';
	}
}

static void ask(struct tui *t, enum tui_ask a, const char *question)
{
	t->mode = TUI_CONFIRM;
	t->ask = a;
	tui_say(t, false, "%s", question);
}

/* the question of S: every selected drive by name */
static void ask_start(struct tui *t)
{
	char names[512] = "", q[600];
	size_t n = count(t, STATION_SELECTED), len = 0;

	if (!n) {
		tui_say(t, true, "nothing selected: Space selects the highlighted drive");
		return;
	}
	for (size_t i = 0; i < t->n && len < sizeof(names); i++)
		if (t->d[i].state == STATION_SELECTED)
			len += (size_t)snprintf(names + len, sizeof(names) - len, " %s",
						t->d[i].path);
	snprintf(q, sizeof(q), "erase%s? everything on them is lost. y/N", names);
	ask(t, TUI_ASK_START, q);
}

static void confirm_key(struct tui *t, int ch)
{
	int r;

	t->mode = TUI_LIST;
	if (ch != 'y' && ch != 'Y') {
		tui_say(t, false, "not confirmed: nothing done");
		return;
	}
	switch (t->ask) {
	case TUI_ASK_START:
		r = station_start(t->s, 0, false);
		if (r)
			tui_say(t, true, "cannot start: %s", why_not(r));
		else
			tui_say(t, false, "started");
		break;
	case TUI_ASK_ABORT_ALL:
		station_cancel(t->s, 0);
		tui_say(t, false, "aborting every erasure");
		break;
	case TUI_ASK_QUIT: t->quit = true; break;
	}
	tui_snapshot(t);
}

static void select_cur(struct tui *t)
{
	const struct station_drive *d = tui_cur(t);
	int r;

	if (!d)
		return;
	r = station_select(t->s, d->id, d->state != STATION_SELECTED);
	if (r == -EPERM)
		tui_say(t, true, "%s is refused: %s", d->path, d->why);
	else if (r)
		tui_say(t, true, "%s: %s", d->path, why_not(r));
	else
		t->msg[0] = '\0';
	tui_snapshot(t);
}

static void abort_cur(struct tui *t)
{
	const struct station_drive *d = tui_cur(t);

	if (!d || (d->state != STATION_RUNNING && d->state != STATION_COUNTDOWN)) {
		tui_say(t, true, "it is not running");
		return;
	}
	station_cancel(t->s, d->id);
	tui_say(t, false, "%s: aborting", d->path);
}

static void open_report(struct tui *t)
{
	int r = tui_pager_open(t);

	if (!r)
		t->mode = TUI_PAGER;
	else if (r == -EAGAIN || r == -ENOENT)
		tui_say(t, true, "no report: the drive's erasure has not ended");
	else
		tui_say(t, true, "cannot show the report: %s", strerror(-r));
}

static void move_cur(struct tui *t, long by)
{
	long c = (long)t->cur + by;

	if (c >= (long)t->n)
		c = (long)t->n - 1;
	if (c < 0)
		c = 0;
	t->cur = (size_t)c;
}

static void list_key(struct tui *t, int ch)
{
	long page = tui_list_rows() / 2 > 1 ? tui_list_rows() / 2 : 1;

	switch (ch) {
	case KEY_UP:
	case 'k': move_cur(t, -1); break;
	case KEY_DOWN:
	case 'j': move_cur(t, 1); break;
	case KEY_PPAGE: move_cur(t, -page); break;
	case KEY_NPAGE: move_cur(t, page); break;
	case KEY_HOME:
	case 'g': t->cur = 0; break;
	case KEY_END:
	case 'G': move_cur(t, (long)t->n); break;
	case ' ': select_cur(t); break;
	case 'm': prompt(t, TUI_METHOD); break;
	case 'o': prompt(t, TUI_OPERATOR); break;
	case 'w': prompt(t, TUI_WITNESS); break;
	case 't': prompt(t, TUI_ASSET_TAG); break;
	case 'r': prompt(t, TUI_REASON); break;
	case 'S': ask_start(t); break;
	case 'a': abort_cur(t); break;
	case 'A':
		if (station_busy(t->s))
			ask(t, TUI_ASK_ABORT_ALL, "abort every erasure? y/N");
		else
			tui_say(t, true, "nothing runs");
		break;
	case '\r':
	case '\n':
	case KEY_ENTER: open_report(t); break;
	case '?':
	case KEY_F(1): t->mode = TUI_HELP; break;
	case CTRL('L'): clearok(curscr, TRUE); break;
	case 'q':
		if (station_busy(t->s))
			ask(t, TUI_ASK_QUIT,
			    "erasures run: abort them and quit? y/N (their reports are written)");
		else
			t->quit = true;
		break;
	default: break;
	}
}

static void pager_key(struct tui *t, int ch)
{
	size_t page = LINES > 3 ? (size_t)LINES - 3 : 1;

	switch (ch) {
	case KEY_UP:
	case 'k': t->ptop -= t->ptop > 0; break;
	case KEY_DOWN:
	case 'j': t->ptop++; break;
	case KEY_PPAGE:
	case 'b': t->ptop = t->ptop > page ? t->ptop - page : 0; break;
	case KEY_NPAGE:
	case ' ': t->ptop += page; break;
	case KEY_LEFT:
	case 'h': t->pleft = t->pleft > 20 ? t->pleft - 20 : 0; break;
	case KEY_RIGHT:
	case 'l': t->pleft += 20; break;
	case KEY_HOME:
	case 'g': t->ptop = t->pleft = 0; break;
	case KEY_END:
	case 'G': t->ptop = t->nlines; break;
	case 'q':
	case KEY_ESC:
	case '\r':
	case '\n':
	case KEY_ENTER:
		tui_pager_close(t);
		t->mode = TUI_LIST;
		break;
	default: break;
	}
}

void tui_key(struct tui *t, int ch)
{
	/* unattended mode: any key stops every countdown, and does nothing else */
	if (count(t, STATION_COUNTDOWN)) {
		station_cancel_countdowns(t->s);
		tui_snapshot(t);
		tui_say(t, false, "countdown cancelled by a key: nothing written");
		return;
	}
	switch (t->mode) {
	case TUI_PROMPT: prompt_key(t, ch); break;
	case TUI_CONFIRM: confirm_key(t, ch); break;
	case TUI_PAGER: pager_key(t, ch); break;
	case TUI_HELP: t->mode = TUI_LIST; break;
	default: list_key(t, ch); break;
	}
}
