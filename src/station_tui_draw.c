// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The screen of kesu station, drawn: a title row, two rows per drive, the
 * highlighted drive's details, a message row and a row of keys. Every
 * string goes through tui_put() (station_tui_text.c): made safe and cut to
 * the columns it has, so that no line wraps on any terminal size, vt100
 * included. Refused drives are dim and marked "[-]": a terminal without dim
 * still shows the marker. Only ASCII draws the frame.
 */
#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kesu.h"
#include "station_tui_int.h"

#define PREFIX 9   /* "> [x] 12 " before a drive's path */
#define BAR_MAX 40 /* the widest progress bar */
#define BAR_END 22 /* the bar of a drive that ended */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static unsigned percent(const struct station_progress *p)
{
	if (!p->total)
		return 0;
	return p->done >= p->total ? 100 : (unsigned)(p->done * 100 / p->total);
}

/* "[#####.....]" of @w columns in all */
static void bar(unsigned pct, int w, char *buf)
{
	int inner = w - 2, full = inner * (int)pct / 100;

	buf[0] = '[';
	for (int i = 0; i < inner; i++)
		buf[1 + i] = i < full ? '#' : '.';
	buf[w - 1] = ']';
	buf[w] = '\0';
}

static attr_t state_attr(const struct tui *t, const struct station_drive *d)
{
	if (d->refused || d->state == STATION_GONE)
		return A_DIM;
	if (!t->color)
		return d->state == STATION_FAILED ? A_BOLD : A_NORMAL;
	switch (d->state) {
	case STATION_DONE: return COLOR_PAIR(TUI_PAIR_OK);
	case STATION_FAILED: return COLOR_PAIR(TUI_PAIR_BAD) | A_BOLD;
	case STATION_RUNNING:
	case STATION_COUNTDOWN: return COLOR_PAIR(TUI_PAIR_RUN);
	default: return A_NORMAL;
	}
}

/* the progress bar and what follows it: @left before, @right after */
static void draw_bar(const struct tui *t, int y, int w, attr_t a, const struct station_drive *d,
		     const char *left, const char *right, int bmax)
{
	char b[BAR_MAX + 1];
	/* a long reason after the bar is cut rather than the bar dropped */
	int keep = strlen(right) > 44 ? 44 : (int)strlen(right);
	int x = PREFIX, bw = w - PREFIX - (int)strlen(left) - keep;

	if (bw > bmax)
		bw = bmax;
	x += tui_put(t, y, x, w - x, a, left);
	if (bw >= 6) {
		bar(percent(&d->prog), bw, b);
		x += tui_put(t, y, x, w - x, a, b);
	}
	tui_put(t, y, x, w - x, a, right);
}

static void running_line(const struct tui *t, int y, int w, attr_t a, const struct station_drive *d)
{
	const struct station_progress *p = &d->prog;
	char left[48], right[128], rate[24], eta[24];

	if (p->npasses)
		snprintf(left, sizeof(left), "%s %u/%u ", or_dash(p->phase), p->pass, p->npasses);
	else
		snprintf(left, sizeof(left), "%s ", p->phase[0] ? p->phase : "starting");
	tui_human(p->rate, rate, sizeof(rate));
	tui_duration(p->eta_s, eta, sizeof(eta));
	snprintf(right, sizeof(right), " %3u%% %s/s %s left %" PRIu64 " errors", percent(p), rate,
		 eta, p->errors);
	draw_bar(t, y, w, a, d, left, right, BAR_MAX);
}

/* "success, verified (clear)", "failed: why" */
static void result_text(const struct station_drive *d, char *buf, size_t len)
{
	bool cat = d->ran && d->category[0], why = d->why[0] && !d->verified;

	snprintf(buf, len, "%s%s%s%s%s%s%s", d->result[0] ? d->result : "failed",
		 d->verified ? ", verified" : "", cat ? " (" : "", cat ? d->category : "",
		 cat ? ")" : "", why ? ": " : "", why ? d->why : "");
}

static void ended_line(const struct tui *t, int y, int w, attr_t a, const struct station_drive *d)
{
	char res[STATION_TEXT + 64], right[STATION_TEXT + 80];

	result_text(d, res, sizeof(res));
	if (d->ran && d->prog.total) {
		snprintf(right, sizeof(right), " %3u%% %s", percent(&d->prog), res);
		/* a short bar: the result's reason needs the room */
		draw_bar(t, y, w, a, d, "", right, BAR_END);
		return;
	}
	tui_put(t, y, PREFIX, w - PREFIX, a, res);
}

/* the second row of a drive: what it is doing, or what became of it */
static void status_line(const struct tui *t, int y, int w, const struct station_drive *d)
{
	char buf[STATION_TEXT + 700];
	attr_t a = state_attr(t, d);

	if (d->state == STATION_GONE) {
		tui_put(t, y, PREFIX, w - PREFIX, a, "gone: pulled out");
	} else if (d->state == STATION_RUNNING) {
		running_line(t, y, w, a, d);
	} else if (d->state == STATION_DONE || d->state == STATION_FAILED) {
		ended_line(t, y, w, a, d);
	} else if (d->state == STATION_COUNTDOWN) {
		snprintf(buf, sizeof(buf), "erased in %u s with method %s (any key cancels)",
			 d->countdown_s, d->method);
		tui_put(t, y, PREFIX, w - PREFIX, a | A_BOLD, buf);
	} else if (d->refused) {
		snprintf(buf, sizeof(buf), "refused: %s", d->why);
		tui_put(t, y, PREFIX, w - PREFIX, a, buf);
	} else {
		snprintf(buf, sizeof(buf), "method %s; %s", d->method, or_dash(d->purge));
		tui_put(t, y, PREFIX, w - PREFIX, a, buf);
	}
}

/* the first row of a drive: marker, number, path, size, transport, content, model, serial */
static void drive_line(const struct tui *t, int y, int w, const struct station_drive *d, bool cur)
{
	attr_t a = state_attr(t, d) | (cur ? A_REVERSE : 0);
	const char *mark = d->refused || d->state == STATION_GONE ? "[-]" :
			   d->state == STATION_SELECTED		  ? "[x]" :
								    "[ ]";
	char head[32], size[24], rest[600];
	int pw = w >= 100 ? 24 : 16, x;

	snprintf(head, sizeof(head), "%s %s %2u ", cur ? ">" : " ", mark, d->id);
	tui_human(d->size, size, sizeof(size));
	snprintf(rest, sizeof(rest), " %9s %-6s %-9s %s %s", size, or_dash(d->transport),
		 or_dash(d->content), or_dash(d->model), or_dash(d->serial));
	if (cur) {
		attrset(a);
		mvhline(y, 0, ' ', w);
	}
	/* a number past 99 pushes the columns right rather than under the path */
	x = tui_put(t, y, 0, w, a, head);
	if (x < PREFIX)
		x = PREFIX;
	/* cut from the left: an image's file name says more than its folder */
	tui_put_tail(t, y, x, pw < w - x ? pw : w - x, a, d->path);
	tui_put(t, y, x + pw, w - x - pw, a, rest);
}

int tui_list_rows(void)
{
	int detail = LINES >= 16 ? TUI_DETAIL_ROWS : 0, rows = LINES - 3 - detail;

	return rows > 0 ? rows : 0;
}

static void draw_list(struct tui *t, int w)
{
	int per = tui_list_rows() / 2;

	if (!t->n) {
		tui_put(t, 1, 2, w - 2, A_NORMAL, "no drives yet: attach one, it appears here");
		return;
	}
	if (per < 1)
		per = 1;
	if (t->cur < t->top)
		t->top = t->cur;
	if (t->cur >= t->top + (size_t)per)
		t->top = t->cur - (size_t)per + 1;
	for (int i = 0; i < per && t->top + (size_t)i < t->n && 2 * i + 1 < tui_list_rows() + 1;
	     i++) {
		const struct station_drive *d = &t->d[t->top + (size_t)i];

		drive_line(t, 1 + 2 * i, w, d, t->top + (size_t)i == t->cur);
		if (2 * i + 2 <= tui_list_rows())
			status_line(t, 2 + 2 * i, w, d);
	}
}

/* a row of '-' with @label in it; ASCII, so that vt100 draws it as it is */
static void rule(const struct tui *t, int y, int w, const char *label)
{
	mvhline(y, 0, '-', w);
	if (label && w > 8) {
		mvaddstr(y, 2, " ");
		tui_put(t, y, 3, w - 6, A_BOLD, label);
		addstr(" ");
	}
}

static void detail_state(const struct tui *t, int y, int w, const struct station_drive *d)
{
	const struct station_progress *p = &d->prog;
	char buf[3 * STATION_TEXT + 300], done[24], total[24], rate[24], eta[24],
		res[STATION_TEXT + 64];

	tui_human(p->done, done, sizeof(done));
	tui_human(p->total, total, sizeof(total));
	tui_human(p->rate, rate, sizeof(rate));
	tui_duration(p->eta_s, eta, sizeof(eta));
	if (d->state == STATION_RUNNING) {
		snprintf(buf, sizeof(buf),
			 "%s, pass %u of %u: %s of %s, %s/s, %s left, %" PRIu64 " errors so far",
			 or_dash(p->phase), p->pass, p->npasses, done, total, rate, eta, p->errors);
	} else if (d->state == STATION_DONE || d->state == STATION_FAILED) {
		result_text(d, res, sizeof(res));
		snprintf(buf, sizeof(buf),
			 "result %s; %" PRIu64 " bad blocks, %" PRIu64 " mismatches%s%s", res,
			 d->bad_blocks, d->mismatches, d->sent[0] ? "; " : "", d->sent);
	} else if (d->refused) {
		snprintf(buf, sizeof(buf), "refused, never selectable: %s", d->why);
	} else {
		snprintf(buf, sizeof(buf), "%s", station_state_name(d->state));
	}
	tui_put(t, y, 1, w - 1, state_attr(t, d), buf);
}

/* the highlighted drive, every field of it */
static void draw_detail(const struct tui *t, int y, int w)
{
	const struct station_drive *d = tui_cur(t);
	const struct station_labels *l;
	char buf[STATION_TEXT * 4 + 700], size[24];

	rule(t, y, w, d ? d->path : NULL);
	if (!d)
		return;
	l = &d->labels;
	tui_human(d->size, size, sizeof(size));
	snprintf(buf, sizeof(buf), "model %s  serial %s  size %s (%" PRIu64 " bytes)",
		 or_dash(d->model), or_dash(d->serial), size, d->size);
	tui_put(t, y + 1, 1, w - 1, A_NORMAL, buf);
	snprintf(buf, sizeof(buf), "transport %s  content %s  method %s  purge: %s",
		 or_dash(d->transport), d->content[0] ? d->content : "none", or_dash(d->method),
		 or_dash(d->purge));
	tui_put(t, y + 2, 1, w - 1, A_NORMAL, buf);
	snprintf(buf, sizeof(buf), "operator %s  witness %s  asset tag %s  reason %s",
		 or_dash(l->operator), or_dash(l->witness), or_dash(l->asset_tag),
		 or_dash(l->reason));
	tui_put(t, y + 3, 1, w - 1, A_NORMAL, buf);
	detail_state(t, y + 4, w, d);
	tui_put(t, y + 5, 1, 8, A_NORMAL, "report:");
	if (d->report_path[0])
		tui_put_tail(t, y + 5, 9, w - 9, A_NORMAL, d->report_path);
	else
		tui_put(t, y + 5, 9, w - 9, A_NORMAL, d->ran ? "not written" : "-");
	tui_put(t, y + 6, 1, 8, A_NORMAL, "cert:");
	if (d->cert_path[0])
		tui_put_tail(t, y + 6, 9, w - 9, A_NORMAL, d->cert_path);
	else
		tui_put(t, y + 6, 9, w - 9, A_NORMAL, d->cert_err ? strerror(-d->cert_err) : "-");
	if (d->cert_id[0] && y + 7 < LINES - 2) {
		snprintf(buf, sizeof(buf), "certificate id %s", d->cert_id);
		tui_put(t, y + 7, 1, w - 1, A_NORMAL, buf);
	}
}

static void draw_title(const struct tui *t, int w)
{
	size_t sel = 0, run = 0, done = 0, failed = 0, wait = 0;
	char buf[200], waiting[40] = "";

	for (size_t i = 0; i < t->n; i++) {
		sel += t->d[i].state == STATION_SELECTED;
		run += t->d[i].state == STATION_RUNNING;
		wait += t->d[i].state == STATION_COUNTDOWN;
		done += t->d[i].state == STATION_DONE;
		failed += t->d[i].state == STATION_FAILED;
	}
	if (wait)
		snprintf(waiting, sizeof(waiting), "  %zu counting down", wait);
	snprintf(buf, sizeof(buf),
		 "kesu station%s  %zu drive%s  %zu selected%s  %zu running  %zu done  %zu failed",
		 t->o->auto_mode ? " (auto)" : "", t->n, t->n == 1 ? "" : "s", sel, waiting, run,
		 done, failed);
	attrset(A_REVERSE);
	mvhline(0, 0, ' ', w);
	tui_put(t, 0, 0, w, A_REVERSE | (t->color ? COLOR_PAIR(TUI_PAIR_TITLE) : 0), buf);
}

static const char *const field_names[] = {
	[TUI_OPERATOR] = "operator", [TUI_WITNESS] = "witness", [TUI_ASSET_TAG] = "asset tag",
	[TUI_REASON] = "reason",     [TUI_METHOD] = "method",
};

/* the line being typed, its tail when it is longer than the row */
static void draw_prompt(const struct tui *t, int y, int w)
{
	char label[PATH_MAX + 96], buf[1024];
	const char *of = "every drive not started";
	const char *in = t->input;
	int x;

	for (size_t i = 0; !t->batch && i < t->n; i++)
		if (t->d[i].id == t->target)
			of = t->d[i].path;
	snprintf(label, sizeof(label), "%s of %s%s: ", field_names[t->field], of,
		 t->field == TUI_REASON ? " (disposal, lease-return, reuse)" : "");
	x = tui_put(t, y, 0, w / 2, A_BOLD, label);
	while (*in && tui_fit(t, ui_safe(in), INT_MAX, buf, sizeof(buf)) > w - x - 2)
		in++;
	while (((unsigned char)*in & 0xc0) == 0x80)
		in++;
	x += tui_put(t, y, x, w - x - 1, A_NORMAL, in);
	move(y, x);
}

const char *tui_help_row(const struct tui *t)
{
	switch (t->mode) {
	case TUI_PROMPT:
		if (t->field == TUI_METHOD)
			return "auto, random, zero ... as kesu erase -m  Enter: set  Tab: every drive  "
			       "Esc";
		return "Enter: set  Tab: this drive / every drive  Esc: cancel  ^U: clear";
	case TUI_CONFIRM: return "y: yes  any other key: no";
	case TUI_PAGER: return "Up Down Left Right PgUp PgDn Home End: scroll  q Esc Enter: back";
	case TUI_HELP: return "any key: back";
	default:
		if (t->stopping)
			return "waiting for the erasures to end";
		return "Spc select m method S start a/A abort Enter report o w t r labels ? q";
	}
}

static void draw_bottom(const struct tui *t, int w)
{
	int y = LINES - 2;

	/* not the last column of the last row: some terminals scroll on it */
	tui_put(t, LINES - 1, 0, w - 1, A_REVERSE, tui_help_row(t));
	/* the prompt last: the cursor stays where the next character goes */
	if (t->mode == TUI_PROMPT) {
		draw_prompt(t, y, w);
	} else if (t->mode == TUI_CONFIRM) {
		tui_put(t, y, 0, w, A_REVERSE | A_BOLD, t->msg);
	} else {
		tui_put(t, y, 0, w, t->msg_err ? A_BOLD : A_NORMAL, t->msg);
	}
}

void tui_draw(struct tui *t)
{
	int w = COLS;

	erase();
	if (LINES < 4 || w < 20) {
		tui_put(t, 0, 0, w, A_NORMAL, "terminal too small");
		refresh();
		return;
	}
	curs_set(t->mode == TUI_PROMPT ? 1 : 0);
	if (t->mode == TUI_PAGER) {
		tui_draw_pager(t, w);
	} else if (t->mode == TUI_HELP) {
		tui_draw_help(t, w);
	} else {
		draw_title(t, w);
		draw_list(t, w);
		if (LINES >= 16)
			draw_detail(t, LINES - 2 - TUI_DETAIL_ROWS, w);
		draw_bottom(t, w);
	}
	refresh();
}
