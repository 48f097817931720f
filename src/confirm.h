/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asking the person before a held target is destroyed (kesu erase, kesu media format). */
#ifndef KESU_CONFIRM_H
#define KESU_CONFIRM_H

#include "devinfo.h"

/**
 * ui_confirm() - ask the person to type the serial number of a held target
 * @info: the target as lib/guard.h left it: held, its content probed
 *        through the held descriptor, so what is described is what will
 *        be written
 * @verb: what will be done to it ("erase", "format"), for the prompt
 *
 * The answer is the serial number when the device reports a clean one,
 * else the size in bytes; it must be typed exactly. Without a terminal on
 * standard input nothing is asked (--yes is the batch form). SIGINT,
 * SIGTERM or SIGHUP while waiting end the prompt; ui_interrupted says which.
 * The messages are printed here.
 *
 * Return: 0 (confirmed), -ECANCELED (no terminal, a wrong answer or the end
 * of input), -EINTR (interrupted); ui_exit_from_errno() maps them to
 * KESU_EXIT_NOT_CONFIRMED and KESU_EXIT_ABORTED
 */
int ui_confirm(const struct dev_info *info, const char *verb);

#endif
