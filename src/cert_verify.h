/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `kesu cert verify` (src/cert_verify.c), dispatched by cmd_cert(). */
#ifndef KESU_SRC_CERT_VERIFY_H
#define KESU_SRC_CERT_VERIFY_H

#include <limits.h>

#include "cert/verdict.h"

/* kesu cert verify FILE... [OPTIONS]; @argv[0] is "verify" */
int cert_cmd_verify(int argc, char **argv);

/* The exit code of a certificate's verdict (kesu(8)), for verify and approve. */
int cert_cli_verdict_exit(enum cert_verdict v);

/*
 * The certificate whose id is @id among @dir's *.json files (not their
 * sidecars), for a machine summary's drives: 0, -ENOENT, or the errno of
 * opening @dir
 */
int cert_cli_find_cert(const char *dir, const char *id, char path[PATH_MAX]);

#endif
