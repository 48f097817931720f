// SPDX-License-Identifier: GPL-2.0-or-later
/* The scsi erase methods (none yet). */
#include "config.h"

#include "erase.h"

const struct erase_method erase_methods_scsi[] = {
	{ NULL },
};
