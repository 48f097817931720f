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
#include <stdint.h>
#include <time.h>

#include "crypt/age_file.h"
#include "display.h"
#include "passphrase.h"

struct crypt_opts {
	const char *cmd;			/* "encrypt" or "decrypt" */
	const char **rcpt, **rfiles, **idfiles; /* argv strings, argc entries each */
	size_t nrcpt, nrfiles, nidfiles;
	const char *in, *out; /* NULL: standard input, standard output */
	struct pass_source src;
	bool pass, armor, allow_weak, generate, force, quiet, help;
	enum display_mode progress; /* --progress; -q makes it DISPLAY_NONE */
};

/**
 * crypt_cli_parse() - the command line of kesu @o->cmd, checked before any
 * file is opened; --help prints the help
 * Return: 0 (and @o->help: the help was printed), or an exit code (message
 * printed); release @o with crypt_cli_free() in both cases
 */
int crypt_cli_parse(int argc, char **argv, struct crypt_opts *o);

void crypt_cli_free(struct crypt_opts *o);

/* The progress of one encryption or decryption, drawn by display.c. */
struct crypt_progress {
	enum display_mode mode;
	struct display *disp;
	const struct age_file_io *io;
	struct progress p;
	struct timespec start; /* the first batch of the payload */
	bool started;
	uint64_t shown_ms; /* when it was last drawn; 0: never */
};

/**
 * crypt_progress_start() - get ready to show how far @io's input got, as
 * @o->progress asks; without a display (quiet, out of memory) nothing shows
 */
void crypt_progress_start(struct crypt_progress *cp, const struct crypt_opts *o,
			  const struct age_file_io *io);

/** crypt_progress() - age_progress_fn over a struct crypt_progress */
void crypt_progress(void *usr, uint64_t payload);

/** crypt_progress_end() - the last line when the work succeeded (@ok); release */
void crypt_progress_end(struct crypt_progress *cp, bool ok);

#endif
