// SPDX-License-Identifier: GPL-2.0-or-later
/* The firmware-method run (not yet implemented) and the auto method. */
#include "config.h"

#include <errno.h>

#include "purge.h"

int purge_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r, const struct purge_cmd *c)
{
	return -ENOSYS;
}

const struct erase_method erase_methods_auto[] = {
	{ NULL },
};
