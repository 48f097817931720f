/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu media, the front end's own parts shared by its two files: the
 * options, the help, the messages and exit codes of failed operations, and
 * the actions that take no passphrase (media_cli.c); the actions that do
 * take one, with the passphrase input, are cmd_media.c's.
 */
#ifndef KESU_MEDIA_CLI_H
#define KESU_MEDIA_CLI_H

#include <stdbool.h>

#include "crypt/media.h"
#include "kesu.h"
#include "outfile.h"
#include "passphrase.h"

#define NAME_MAX_LEN MEDIA_NAME_MAX

struct media_cli {
	const char *sub;
	const char *label, *fs, *record, *op_name;
	struct pass_source pass; /* lines read in turn: the current passphrase, then the new */
	bool yes, json, allow_weak, help, test_kdf;
	char **args;
	int nargs;
};

/* The exit code and message of a failed libcryptsetup operation on @path. */
int media_cli_luks_error(const char *path, const char *what, int err);

/*
 * What @what needs is missing (@why, from a check before any prompt); @writes:
 * the action would have written to @path. An exit code.
 */
int media_cli_missing(const char *path, const char *what, const char *why, bool writes, int err);

/* A block device or a regular file, before anything else is done: 0 or an exit code. */
int media_cli_check_target(const char *path);

/* Which step of the format failed, then what libcryptsetup or mkfs said: an exit code. */
int media_cli_format_error(const char *path, const char *fs, const struct media_format_out *out,
			   int err);

/* The record of a new medium into @of, with its message: 0 or a negative errno. */
int media_cli_write_record(struct outfile *of, const struct media_format_req *req,
			   const struct media_cli *o);

/* The actions without a passphrase: an exit code. */
int media_cli_status(struct media_cli *o);
int media_cli_header_backup(struct media_cli *o);
int media_cli_close(struct media_cli *o);
int media_cli_umount(struct media_cli *o);

/*
 * An action's command line (argv[0] its name): the options every action
 * has, then @action with the arguments; --help prints the help.
 */
int media_cli_run(int argc, char **argv, int (*action)(struct media_cli *o));

/*
 * Options given before the action ("media --yes format DEV") are moved after
 * its name; then ui_dispatch() over @subs.
 */
int media_cli_dispatch(const struct ui_command *subs, int argc, char **argv);

#endif
