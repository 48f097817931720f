// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <sys/timex.h>

#include "clocksync.h"

int clock_synchronised(bool *synced)
{
	struct timex tx = { .modes = 0 };

	*synced = false;
	if (adjtimex(&tx) < 0)
		return -errno;
	*synced = !(tx.status & STA_UNSYNC);
	return 0;
}
