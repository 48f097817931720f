// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The screen of kesu station: the terminal, the loop and the engine's
 * messages. The loop polls the station's event descriptor and the terminal
 * with a short timeout, drains the events and the keys, and redraws; curses
 * is called from this thread only. Messages that the engine logs from its
 * threads while the screen is up are queued here (stderr would tear the
 * screen), shown on the message row, and printed once the screen is gone.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kesu.h"
#include "log.h"
#include "station_cli.h"
#include "station_tui_int.h"

/* the loop's tick: progress shows within it, keys are read at once */
#define TICK_MS 200
/* engine messages kept for after the screen; older ones are dropped */
#define LOG_KEEP 1000

struct logged {
	int level;
	char *msg;
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static struct logged log_q[LOG_KEEP];
static size_t log_n;
static size_t log_shown; /* how many the message row has seen */
static size_t log_lost;

/* the log sink while the screen is up: from any thread, never curses */
static void tui_log(int level, const char *msg, void *usr)
{
	(void)usr;
	if (level >= KESU_LOG_VERBOSE && !ui_debug)
		return;
	pthread_mutex_lock(&log_mu);
	if (log_n < LOG_KEEP) {
		log_q[log_n].level = level;
		log_q[log_n].msg = strdup(msg);
		if (log_q[log_n].msg)
			log_n++;
		else
			log_lost++;
	} else {
		log_lost++;
	}
	pthread_mutex_unlock(&log_mu);
}

/* the newest engine message, onto the message row */
static bool take_log(struct tui *t)
{
	bool news = false;

	pthread_mutex_lock(&log_mu);
	if (log_shown < log_n) {
		const struct logged *l = &log_q[log_n - 1];

		tui_say(t, l->level <= KESU_LOG_WARN, "%s%s",
			l->level == KESU_LOG_WARN ? "warning: " : "", l->msg);
		log_shown = log_n;
		news = true;
	}
	pthread_mutex_unlock(&log_mu);
	return news;
}

/* back to the front end's sink, then what was queued, in order, on stderr */
static void replay_log(void)
{
	ui_init();
	pthread_mutex_lock(&log_mu);
	for (size_t i = 0; i < log_n; i++) {
		kesu_log(log_q[i].level, "%s", log_q[i].msg);
		free(log_q[i].msg);
	}
	if (log_lost)
		ui_warn("%zu more messages of the engine were lost", log_lost);
	log_n = log_shown = log_lost = 0;
	pthread_mutex_unlock(&log_mu);
}

void tui_say(struct tui *t, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_err = err;
}

const struct station_drive *tui_cur(const struct tui *t)
{
	return t->cur < t->n ? &t->d[t->cur] : NULL;
}

int tui_snapshot(struct tui *t)
{
	size_t n;
	int r = 0;

	station_lock(t->s);
	n = station_count(t->s);
	if (n > t->cap) {
		struct station_drive *d = realloc(t->d, n * sizeof(*d));

		if (!d) {
			r = -ENOMEM;
			goto out;
		}
		t->d = d;
		t->cap = n;
	}
	for (size_t i = 0; i < n; i++)
		t->d[i] = *station_drive_at(t->s, i);
	t->n = n;
out:
	station_unlock(t->s);
	if (t->cur >= t->n)
		t->cur = t->n ? t->n - 1 : 0;
	return r;
}

/* the report as indented JSON, one pager line per line */
int tui_pager_open(struct tui *t)
{
	const struct station_drive *d = tui_cur(t);
	json_t *rep = NULL;
	char *text = NULL, *p, *nl;
	int r;

	if (!d)
		return -ENOENT;
	r = station_report(t->s, d->id, &rep);
	if (r)
		return r;
	text = json_dumps(rep, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(rep);
	if (!text)
		return -ENOMEM;
	tui_pager_close(t);
	for (p = text; *p; p = nl + 1) {
		char **v = realloc(t->lines, (t->nlines + 1) * sizeof(*v));

		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (!v || !(v[t->nlines] = strdup(p))) {
			t->lines = v ? v : t->lines;
			r = -ENOMEM;
			break;
		}
		t->lines = v;
		t->nlines++;
		if (!nl)
			break;
	}
	free(text);
	if (r) {
		tui_pager_close(t);
		return r;
	}
	snprintf(t->ptitle, sizeof(t->ptitle), "report of %s", d->path);
	t->ptop = 0;
	return 0;
}

void tui_pager_close(struct tui *t)
{
	for (size_t i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->nlines = t->ptop = t->pleft = 0;
}

/* a terminal that can address its cursor, set up for the screen */
static SCREEN *open_screen(struct tui *t)
{
	const char *cs, *cup;
	SCREEN *scr;

	/* the person's character set, for names in UTF-8 (restored at the end) */
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	t->utf8 = cs && !strcmp(cs, "UTF-8");
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return NULL;
	/* without cursor addressing (TERM=dumb) there is no screen: line mode */
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(scr);
		return NULL;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	t->color = has_colors() && !t->o->no_color;
	if (t->color && start_color() == OK) {
		use_default_colors();
		init_pair(TUI_PAIR_OK, COLOR_GREEN, -1);
		init_pair(TUI_PAIR_BAD, COLOR_RED, -1);
		init_pair(TUI_PAIR_RUN, COLOR_YELLOW, -1);
		init_pair(TUI_PAIR_TITLE, COLOR_CYAN, -1);
	} else {
		t->color = false;
	}
	return scr;
}

static void close_screen(SCREEN *scr)
{
	curs_set(1);
	endwin();
	delscreen(scr);
	setlocale(LC_CTYPE, "C");
}

/* events: the copy is refreshed once per batch; a finished drive is said */
static bool drain_events(struct tui *t)
{
	struct station_event ev;
	bool news = false;

	while (station_event_next(t->s, &ev) == 0) {
		news = true;
		if (ev.type == STATION_EV_IDLE && t->o->once)
			t->quit = true;
		if (ev.type == STATION_EV_FINISHED) {
			struct station_drive d;

			if (!station_drive_get(t->s, ev.drive, &d))
				tui_say(t, strcmp(d.result, "success") != 0, "%s: %s%s", d.path,
					d.result[0] ? d.result : "failed",
					d.verified ? ", verified" : "");
		}
	}
	if (news)
		tui_snapshot(t);
	return news;
}

/* quitting: stop every erasure and wait for their reports, the screen still up */
static void stop_all(struct tui *t)
{
	if (t->stopping)
		return;
	t->stopping = true;
	t->mode = TUI_LIST;
	station_cancel(t->s, 0);
	tui_say(t, false, "aborting, waiting for the reports of the drives that ran");
}

static void loop(struct tui *t)
{
	struct pollfd p[2] = { { station_event_fd(t->s), POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
	bool dirty = true;
	int ch;

	while (!t->quit) {
		if (ui_interrupted)
			stop_all(t);
		if (t->stopping && !station_busy(t->s)) {
			drain_events(t);
			break;
		}
		dirty |= drain_events(t);
		dirty |= take_log(t);
		if (dirty) {
			tui_draw(t);
			dirty = false;
		}
		poll(p, 2, TICK_MS);
		/* always: a resize arrives as a key, with or without input waiting */
		while ((ch = getch()) != ERR) {
			if (ch == KEY_RESIZE) {
				dirty = true;
				continue;
			}
			if (!t->stopping)
				tui_key(t, ch);
			if (t->mode == TUI_LIST && t->quit && station_busy(t->s)) {
				t->quit = false;
				stop_all(t);
			}
			dirty = true;
		}
	}
}

int station_tui_run(struct station *s, const struct station_tui_opts *o)
{
	struct tui t = { .s = s, .o = o };
	SCREEN *scr;

	/* out of memory before the screen: line mode needs less */
	if (tui_snapshot(&t))
		return -ENOTSUP;
	scr = open_screen(&t);
	if (!scr) {
		free(t.d);
		setlocale(LC_CTYPE, "C");
		return -ENOTSUP;
	}
	kesu_set_log(tui_log, NULL);
	loop(&t);
	close_screen(scr);
	replay_log();
	tui_pager_close(&t);
	free(t.d);
	return station_exit(s);
}
