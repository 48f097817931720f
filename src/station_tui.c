// SPDX-License-Identifier: GPL-2.0-or-later
/* Without a screen: kesu station goes on in line mode. */
#include "config.h"

#include <errno.h>

#include "station_tui.h"

int station_tui_run(struct station *s, const struct station_tui_opts *o)
{
	(void)s;
	(void)o;
	return -ENOTSUP;
}
