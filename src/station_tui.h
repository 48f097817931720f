/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The screen of kesu station (ncurses): every drive of the station, its
 * progress and its result, keys to choose, start and abort. It drives the
 * engine of erase/station.h from its own loop: poll() on the station's
 * event descriptor and the terminal, station_event_next() until -EAGAIN.
 */
#ifndef KESU_SRC_STATION_TUI_H
#define KESU_SRC_STATION_TUI_H

#include <stdbool.h>

#include "erase/station.h"

/**
 * struct station_tui_opts - what the screen is told of the run
 * @auto_mode: --auto: admitted drives start after the countdown by themselves
 * @once: --once: end when STATION_EV_IDLE arrives
 * @no_color: NO_COLOR is set (TERM is the screen's own business)
 */
struct station_tui_opts {
	bool auto_mode;
	bool once;
	bool no_color;
};

/**
 * station_tui_run() - show the station on the terminal until the person
 * quits (or, with @o->once, until every drive is done); the station is
 * running (station_run()) and is freed by the caller
 * Return: an exit code of the run (ui_exit_worst() of the drives' results,
 * as line mode gives), or -ENOTSUP when there is no screen in this build or
 * on this terminal: the caller goes on in line mode
 */
int station_tui_run(struct station *s, const struct station_tui_opts *o);

#endif
