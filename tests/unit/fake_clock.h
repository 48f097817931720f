/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake clock for purge_await(): its sleep advances its time and returns at
 * once, so that a wait of days runs in milliseconds. It can set an abort
 * flag once its time reaches a chosen point, as a signal would.
 */
#ifndef KESU_TEST_FAKE_CLOCK_H
#define KESU_TEST_FAKE_CLOCK_H

#include <signal.h>
#include <stdint.h>

#include "erase/purge.h"

struct fake_clock {
	struct purge_timing timing; /* hand &timing to the code under test */
	uint64_t now;		    /* milliseconds */
	uint64_t start;		    /* what now was at fake_clock_init() */
	volatile sig_atomic_t *abort;
	uint64_t abort_at; /* set *abort when the time passes this (0: never) */
	unsigned sleeps;   /* calls of the sleep */
	unsigned longest;  /* the longest single sleep asked for, milliseconds */
};

/** fake_clock_init() - a clock at an arbitrary start, polls every @poll_ms (0: the default) */
void fake_clock_init(struct fake_clock *c, unsigned poll_ms);

/** fake_clock_elapsed() - milliseconds since fake_clock_init() */
uint64_t fake_clock_elapsed(const struct fake_clock *c);

#endif
