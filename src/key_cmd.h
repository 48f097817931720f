/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kesu key: what cmd_key.c (generate) and key_show.c (show) share. */
#ifndef KESU_KEY_CMD_H
#define KESU_KEY_CMD_H

#include "cert/minisign.h"

/* The usage of every key action, with the exit codes: KESU_EXIT_SUCCESS. */
int key_help_print(void);

/* A public key's id, fingerprint, role and name (@id may be NULL), one line each. */
void key_print(const struct minisign_pubkey *pub, const struct minisign_identity *id);

/* kesu key show FILE */
int key_show(int argc, char **argv);

#endif
