// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text onto the screen of kesu station: every string cut to the columns it
 * has, counted with wcwidth() in a UTF-8 locale (a byte above 0x7f is '?'
 * in any other, a control character '?' in both), so that no line wraps on
 * any terminal; sizes and durations for people; and the two screens that
 * are text only, the report pager and the keys.
 */
#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "kesu.h"
#include "station_tui_int.h"

/*
 * The bytes of escaped @e that fit in @w columns, into @buf; returns their
 * width. In a UTF-8 locale, characters of unknown width become '?'.
 */
int tui_fit(const struct tui *t, const char *e, int w, char *buf, size_t len)
{
	mbstate_t st;
	size_t i = 0;
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (*e && i + MB_LEN_MAX + 1 < len) {
		wchar_t wc;
		size_t k = 1;
		int cw = 1;

		if (t->utf8 && (unsigned char)*e >= 0x80) {
			k = mbrtowc(&wc, e, MB_LEN_MAX, &st);
			cw = k > 0 && k <= MB_LEN_MAX ? wcwidth(wc) : -1;
		}
		if (cols + (cw < 0 ? 1 : cw) > w)
			break;
		if (cw < 0 || (unsigned char)*e < 0x20 || *e == 0x7f ||
		    (!t->utf8 && (unsigned char)*e >= 0x80)) {
			buf[i++] = '?';
			memset(&st, 0, sizeof(st));
			e++;
			cols++;
			continue;
		}
		memcpy(buf + i, e, k);
		i += k;
		e += k;
		cols += cw;
	}
	buf[i] = '\0';
	return cols;
}

/* @e cut to @w columns at @y, @x, any control character a '?'; returns the columns drawn */
int tui_put_raw(const struct tui *t, int y, int x, int w, attr_t a, const char *e)
{
	char buf[1024];
	int cols;

	if (w <= 0 || y < 0 || y >= LINES)
		return 0;
	cols = tui_fit(t, e, w, buf, sizeof(buf));
	attrset(a);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
	return cols;
}

/* @s, made safe (ui_safe()) and cut to @w columns, at @y, @x */
int tui_put(const struct tui *t, int y, int x, int w, attr_t a, const char *s)
{
	return tui_put_raw(t, y, x, w, a, ui_safe(s));
}

/* a path cut from the left ("...tail"), so that its file name shows */
int tui_put_tail(const struct tui *t, int y, int x, int w, attr_t a, const char *s)
{
	char buf[1024];
	const char *e = ui_safe(s);

	if (w <= 3 || tui_fit(t, e, INT_MAX, buf, sizeof(buf)) <= w)
		return tui_put(t, y, x, w, a, s);
	while (*e && tui_fit(t, e, INT_MAX, buf, sizeof(buf)) > w - 3)
		e++;
	/* not in the middle of a character */
	while (((unsigned char)*e & 0xc0) == 0x80)
		e++;
	tui_fit(t, e, w - 3, buf, sizeof(buf));
	attrset(a);
	mvaddstr(y, x, "...");
	addstr(buf);
	attrset(A_NORMAL);
	return w;
}

void tui_human(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)n;
	unsigned u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(*unit)) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	else
		snprintf(buf, len, "%" PRIu64 " B", n);
}

void tui_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s >= 3600)
		snprintf(buf, len, "%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60),
			 (int)(s % 60));
	else
		snprintf(buf, len, "%d:%02d", (int)(s / 60), (int)(s % 60));
}

/* @s past its first @n characters (the pager scrolled to the right) */
static const char *skip_chars(const char *s, size_t n)
{
	while (*s && n) {
		s++;
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
		n--;
	}
	return s;
}

void tui_draw_pager(struct tui *t, int w)
{
	int rows = LINES - 2;
	char title[PATH_MAX + 96];

	if (rows < 1)
		rows = 1;
	if (t->nlines > (size_t)rows && t->ptop > t->nlines - (size_t)rows)
		t->ptop = t->nlines - (size_t)rows;
	if (t->nlines <= (size_t)rows)
		t->ptop = 0;
	snprintf(title, sizeof(title), "%s  lines %zu-%zu of %zu", t->ptitle,
		 t->nlines ? t->ptop + 1 : 0,
		 t->ptop + (size_t)rows < t->nlines ? t->ptop + (size_t)rows : t->nlines,
		 t->nlines);
	attrset(A_REVERSE);
	mvhline(0, 0, ' ', w);
	tui_put(t, 0, 0, w, A_REVERSE, title);
	for (int i = 0; i < rows && t->ptop + (size_t)i < t->nlines; i++)
		/* JSON from jansson: its strings escaped already, quotes left as they are */
		tui_put_raw(t, 1 + i, 0, w, A_NORMAL,
			    skip_chars(t->lines[t->ptop + (size_t)i], t->pleft));
	tui_put(t, LINES - 1, 0, w - 1, A_REVERSE, tui_help_row(t));
}

static const char *const keys_help[] = {
	"Up/Down j/k, PgUp/PgDn, Home/End g/G   move between the drives",
	"Space      select or leave the drive (refused drives never)",
	"S          start the selected drives (asks first)",
	"a          abort the drive's erasure or countdown",
	"A          abort every erasure (asks first)",
	"m          the drive's method (default auto: its strongest Purge, else Clear)",
	"o w t r    operator, witness, asset tag, reason of the drive",
	"           (Tab in the prompt: of every drive not started);",
	"           a barcode scanner types the asset tag: t, then scan",
	"Enter      the drive's report, once it ended",
	"Ctrl-L     draw the screen again",
	"q          quit (asks first while erasures run, then aborts them)",
};

void tui_draw_help(const struct tui *t, int w)
{
	size_t n = sizeof(keys_help) / sizeof(*keys_help);

	attrset(A_REVERSE);
	mvhline(0, 0, ' ', w);
	tui_put(t, 0, 0, w, A_REVERSE, "kesu station: keys");
	for (size_t i = 0; i < n && (int)i + 2 < LINES - 1; i++)
		tui_put(t, 2 + (int)i, 1, w - 1, A_NORMAL, keys_help[i]);
	tui_put(t, LINES - 1, 0, w - 1, A_REVERSE, tui_help_row(t));
}
