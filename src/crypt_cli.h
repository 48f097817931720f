/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu encrypt and kesu decrypt, the front end's parts shared by its two
 * files: the options, their checks and the help (crypt_cli.c); the work
 * with its messages and exit codes is cmd_crypt.c's.
 */
#ifndef KESU_CRYPT_CLI_H
#define KESU_CRYPT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "passphrase.h"

struct crypt_opts {
	const char *cmd;			/* "encrypt" or "decrypt" */
	const char **rcpt, **rfiles, **idfiles; /* argv strings, argc entries each */
	size_t nrcpt, nrfiles, nidfiles;
	const char *in, *out; /* NULL: standard input, standard output */
	struct pass_source src;
	bool pass, armor, allow_weak, generate, force, help;
};

/**
 * crypt_cli_parse() - the command line of kesu @o->cmd, checked before any
 * file is opened; --help prints the help
 * Return: 0 (and @o->help: the help was printed), or an exit code (message
 * printed); release @o with crypt_cli_free() in both cases
 */
int crypt_cli_parse(int argc, char **argv, struct crypt_opts *o);

void crypt_cli_free(struct crypt_opts *o);

#endif
