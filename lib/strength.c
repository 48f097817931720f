// SPDX-License-Identifier: GPL-2.0-or-later
/* Passphrase strength (not yet implemented: everything is refused). */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "strength.h"

int strength_check(const char *pass, char *why, size_t len, double *bits)
{
	snprintf(why, len, "no strength estimator yet");
	return -EKEYREJECTED;
}

int strength_generate(char **out)
{
	return -ENOSYS;
}
