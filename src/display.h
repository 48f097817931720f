/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress for the person (a bar per device) or for front ends (JSON lines). */
#ifndef KESU_DISPLAY_H
#define KESU_DISPLAY_H

#include <stddef.h>

#include "progress.h"

enum display_mode {
	DISPLAY_NONE,
	DISPLAY_BAR,
	DISPLAY_JSON,
};

struct display;

struct display_slot {
	struct display *disp;
	size_t index;
};

/** display_parse() - "auto", "bar", "json", "none"; -EINVAL otherwise */
int display_parse(const char *s, enum display_mode *mode);

/** display_new() - @nslots lines; NULL when out of memory */
struct display *display_new(enum display_mode mode, size_t nslots);

/** display_slot() - the usrptr to give an engine for line @i */
struct display_slot *display_slot(struct display *d, size_t i);

/**
 * display_progress() - a progress_fn; @usrptr is a struct display_slot
 *
 * A progress with npasses 0 is a file's (kesu encrypt, decrypt): its line
 * shows the bytes done, and without a total (0: a pipe) no percentage nor
 * time left; its JSON has no pass fields, and null for an unknown total.
 * Everything goes to stderr (bars and JSON lines alike), so that stdout
 * holds only documents. When a write fails (EPIPE: the reader went away)
 * the display falls silent and the caller's work goes on.
 */
void display_progress(const struct progress *p, void *usrptr);

/** display_free() - end the bar lines and free */
void display_free(struct display *d);

#endif
