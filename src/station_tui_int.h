/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The screen of kesu station, between its files: the loop and the terminal
 * (station_tui.c), what is drawn (station_tui_draw.c), what each key does
 * (station_tui_keys.c). Everything here runs on the front end's thread
 * only: curses is never called from the station's or the erasures' threads.
 */
#ifndef KESU_SRC_STATION_TUI_INT_H
#define KESU_SRC_STATION_TUI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "station_tui.h"

/* the layout: a title row, the list, the drive's details, a message row and a help row */
#define TUI_DETAIL_ROWS 8
#define TUI_MSG_LEN 512

/**
 * enum tui_mode - what the keys do now
 * @TUI_LIST: move, select, start, abort ...
 * @TUI_PROMPT: a line is typed (a label or the method)
 * @TUI_CONFIRM: a question waits for y or n
 * @TUI_PAGER: a drive's report is read
 * @TUI_HELP: every key, explained
 */
enum tui_mode { TUI_LIST, TUI_PROMPT, TUI_CONFIRM, TUI_PAGER, TUI_HELP };

/* what a prompt sets */
enum tui_field { TUI_OPERATOR, TUI_WITNESS, TUI_ASSET_TAG, TUI_REASON, TUI_METHOD };

/* what a confirmation does once answered yes */
enum tui_ask { TUI_ASK_START, TUI_ASK_ABORT_ALL, TUI_ASK_QUIT };

/**
 * struct tui - the screen's state
 * @s: the station
 * @o: how it runs
 * @d: the drives as last copied from the station (tui_snapshot()), @n of them
 * @cap: room in @d
 * @cur: the highlighted drive (index into @d)
 * @top: the first drive shown in the list
 * @mode: see enum tui_mode
 * @field: the prompt's field
 * @batch: the prompt sets the field of every drive not started (else the highlighted one's)
 * @target: the drive the prompt or the confirmation is about (its id)
 * @input: the line being typed, @len bytes
 * @ask: the confirmation's question
 * @lines: the pager's lines (the report, indented JSON), @nlines of them
 * @ptop: the first line shown
 * @pleft: the characters of each line scrolled off to the left
 * @ptitle: the pager's title
 * @msg: the message row (what the last key did, or the engine's last message)
 * @msg_err: @msg is an error: shown in bold
 * @color: colours are used (the terminal has them and NO_COLOR is not set)
 * @utf8: the locale is UTF-8 (else every byte above 0x7f is drawn as '?')
 * @stopping: quitting: every erasure was aborted, their reports are awaited
 * @quit: the loop ends
 */
struct tui {
	struct station *s;
	const struct station_tui_opts *o;
	struct station_drive *d;
	size_t n, cap;
	size_t cur, top;
	enum tui_mode mode;
	enum tui_field field;
	bool batch;
	unsigned target;
	char input[STATION_TEXT];
	size_t len;
	enum tui_ask ask;
	char **lines;
	size_t nlines, ptop, pleft;
	char ptitle[PATH_MAX + 32];
	char msg[TUI_MSG_LEN];
	bool msg_err;
	bool color, utf8;
	bool stopping, quit;
};

/* colour pairs, when @color */
enum { TUI_PAIR_OK = 1, TUI_PAIR_BAD, TUI_PAIR_RUN, TUI_PAIR_TITLE };

/**
 * tui_draw() - draw the whole screen for the mode, from @t->d; never wider
 * than the terminal, whatever its size
 */
void tui_draw(struct tui *t);

/**
 * tui_list_rows() - how many rows the list has on this terminal (each drive takes two)
 */
int tui_list_rows(void);

/**
 * tui_key() - do what key @ch means in the current mode
 */
void tui_key(struct tui *t, int ch);

/**
 * tui_say() - set the message row (printf-style); @err shows it as an error
 */
void tui_say(struct tui *t, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * tui_snapshot() - copy every drive of the station into @t->d, under its lock
 * Return: 0, -ENOMEM (the previous copy is kept)
 */
int tui_snapshot(struct tui *t);

/**
 * tui_pager_open() - load the report of the highlighted drive into the pager
 * Return: 0; -EAGAIN (it has not ended), -ENOENT, -ENOMEM
 */
int tui_pager_open(struct tui *t);

/** tui_pager_close() - free the pager's lines */
void tui_pager_close(struct tui *t);

/**
 * tui_help_row() - the keys of the current mode, for the last row
 */
const char *tui_help_row(const struct tui *t);

/**
 * tui_fit() - the bytes of escaped text @e that fit in @w columns, into
 * @buf of @len bytes; a control character, a character of unknown width
 * and (outside a UTF-8 locale) a byte above 0x7f become '?'
 * Return: the columns they take
 */
int tui_fit(const struct tui *t, const char *e, int w, char *buf, size_t len);

/**
 * tui_put() - @s made safe (ui_safe()) and cut to @w columns, at row @y,
 * column @x, with attributes @a
 * Return: the columns drawn
 */
int tui_put(const struct tui *t, int y, int x, int w, attr_t a, const char *s);

/**
 * tui_put_raw() - as tui_put() for text that is escaped already (the
 * report's JSON, whose quotes are its own)
 * Return: the columns drawn
 */
int tui_put_raw(const struct tui *t, int y, int x, int w, attr_t a, const char *e);

/**
 * tui_put_tail() - as tui_put(), cut from the left ("...tail") so that a
 * path's file name shows
 * Return: the columns drawn
 */
int tui_put_tail(const struct tui *t, int y, int x, int w, attr_t a, const char *s);

/** tui_human() - @n bytes as "16.0 MiB" */
void tui_human(uint64_t n, char *buf, size_t len);

/** tui_duration() - @s seconds as "m:ss" or "h:mm:ss", "?" when negative (unknown) */
void tui_duration(int64_t s, char *buf, size_t len);

/** tui_draw_pager() - the report pager, the whole screen */
void tui_draw_pager(struct tui *t, int w);

/** tui_draw_help() - every key, the whole screen */
void tui_draw_help(const struct tui *t, int w);

/** tui_cur() - the highlighted drive, or NULL when there is none */
const struct station_drive *tui_cur(const struct tui *t);

#endif
