// SPDX-License-Identifier: GPL-2.0-or-later
/* The fake clock of fake_clock.h. */
#include "config.h"

#include <string.h>

#include "fake_clock.h"

static uint64_t fake_now(void *usr)
{
	const struct fake_clock *c = usr;

	return c->now;
}

static void fake_sleep(unsigned ms, void *usr)
{
	struct fake_clock *c = usr;

	c->sleeps++;
	if (ms > c->longest)
		c->longest = ms;
	c->now += ms;
	if (c->abort && c->abort_at && c->now - c->start > c->abort_at)
		*c->abort = 1;
}

void fake_clock_init(struct fake_clock *c, unsigned poll_ms)
{
	memset(c, 0, sizeof(*c));
	/* far from zero, so that a wait measured from 0 instead of its start shows */
	c->now = c->start = 5000000000ull;
	c->timing = (struct purge_timing){
		.poll_ms = poll_ms, .now_ms = fake_now, .sleep_ms = fake_sleep, .usr = c
	};
}

uint64_t fake_clock_elapsed(const struct fake_clock *c)
{
	return c->now - c->start;
}
