/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The front end: subcommands, exit codes and talking to the person. */
#ifndef KESU_KESU_H
#define KESU_KESU_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct option;

#include "pool.h"

/* Exit codes are an interface: documented under EXIT STATUS in every page. */
enum kesu_exit {
	KESU_EXIT_SUCCESS = 0,
	KESU_EXIT_FAILURE = 1,
	KESU_EXIT_USAGE = 2,
	KESU_EXIT_REFUSED = 3,
	KESU_EXIT_NOT_CONFIRMED = 4,
	KESU_EXIT_VERIFY = 5,
	KESU_EXIT_IO = 6,
	KESU_EXIT_ABORTED = 7,
	KESU_EXIT_UNVERIFIED = 8,
	/* certificates and the ledger */
	KESU_EXIT_MALFORMED = 9,
	KESU_EXIT_BAD_SIGNATURE = 10,
	KESU_EXIT_UNTRUSTED = 11,
	KESU_EXIT_NOT_APPROVED = 12,
	KESU_EXIT_NOT_ERASED = 13,
	KESU_EXIT_DEVICE_MISMATCH = 14,
	KESU_EXIT_LEDGER = 15,
	/* file encryption and encrypted media */
	KESU_EXIT_NO_KEY = 16,
	KESU_EXIT_CORRUPT = 17,
	KESU_EXIT_PARTIAL = 18,
	KESU_EXIT_WEAK = 19,
	KESU_EXIT_POLICY = 20,
	KESU_EXIT_NOT_IDENTIFIED = 21,
	KESU_EXIT_DISTRUSTED = 22,
	/* inspections */
	KESU_EXIT_FINDINGS = 23,
	/* store and forward: the register's server was not reached */
	KESU_EXIT_QUEUED = 24,
};

/* One row of the exit-code table: --help, kesu(8) and the tests use its text. */
struct kesu_exit_code {
	int code;
	const char *name; /* short, stable: "usage", "refused" */
	const char *text; /* one line for --help and EXIT STATUS */
};

/* The table, ordered by code, ended by a NULL name. */
extern const struct kesu_exit_code kesu_exit_codes[];

/**
 * ui_print_exit_status() - the "exit status:" lines of a --help text
 * @codes: the codes this command can return, in the order to list them;
 *         NULL lists the whole table
 */
void ui_print_exit_status(FILE *f, const int *codes, size_t n);

/*
 * One row of a table of commands or subcommands: `kesu` itself and every
 * command with actions (cert, key, ledger, media) dispatch through such a
 * table with ui_dispatch(), so that help, unknown names and a missing action
 * behave the same everywhere.
 */
struct ui_command {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *usage; /* the arguments after the name, for the help list */
	const char *help;  /* one line */
};

/**
 * ui_dispatch() - run the subcommand named by argv[1]
 * @cmd: the command ("cert"), for messages and the help text
 * @subs: its subcommands, ended by a NULL name
 * @argc, @argv: the command's arguments, argv[0] being @cmd
 *
 * "help", "-h" and "--help" print the list to standard output; a missing or
 * unknown name is a usage error. The handler gets argv from the subcommand's
 * name on.
 *
 * Return: the handler's exit code, KESU_EXIT_SUCCESS for help, or
 * KESU_EXIT_USAGE.
 */
int ui_dispatch(const char *cmd, const struct ui_command *subs, int argc, char **argv);

int cmd_erase(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_media(int argc, char **argv);
int cmd_encrypt(int argc, char **argv);
int cmd_decrypt(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_asset(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_station(int argc, char **argv);

/*
 * The configuration file of this run (kesu-config(5)), in cmd_config.c.
 * ui_config_select() takes --config (NULL: KESU_CONFIG, else the default
 * /etc/kesu/kesu.conf); ui_config_load() reads it, says "kesu: FILE:LINE:
 * what is wrong" and returns KESU_EXIT_USAGE (0 when it is valid);
 * ui_config() is what it set (all empty before the load, or when the
 * default file is missing). Options of a command override it.
 */
struct kesu_config;
void ui_config_select(const char *option);
int ui_config_load(void);
const struct kesu_config *ui_config(void);
/* the ledger kesu.conf names: [ledger] url, else [ledger] path, else the default */
const char *ui_ledger_location(void);

/* ui.c */
extern bool ui_debug;
void ui_init(void);
void ui_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Set by SIGINT, SIGTERM and SIGHUP, to the signal's number, once
 * ui_catch_interrupts() ran; engines poll it to stop cleanly. SIGPIPE is
 * ignored from then on: output functions see EPIPE instead, and the work
 * and its report go on.
 */
extern volatile sig_atomic_t ui_interrupted;
void ui_catch_interrupts(void);
/* "SIGHUP" for SIGHUP; "signal N" for one without a name */
const char *ui_signal_name(int sig);
/*
 * Option parsing, the same in every command: a parser returns 0 to go on or
 * an exit code > 0 to stop; --help sets a flag, and the command prints its
 * help and returns KESU_EXIT_SUCCESS. getopt's own messages are off
 * (opterr = 0, an optstring that starts with ':'): ui_option_error() says
 * "kesu: CMD: unrecognized option '--x'" and returns KESU_EXIT_USAGE.
 */
int ui_option_error(const char *cmd, int c, char **argv, const struct option *longopts);
/*
 * Why a target could not be opened, object first ("kesu: /dev/null: not a
 * block device or image file"); returns ui_exit(@err, UI_CTX_NONE).
 */
int ui_open_error(const char *path, int err);
/*
 * @s made safe for one line of a message or of terminal output (a file name
 * with a newline cannot start a line of its own; see text_escape()); the
 * result stays valid for the next three calls. Main thread only.
 */
const char *ui_safe(const char *s);
/*
 * A JSON document on one line of @f, flushed. Return: 0, or a negative
 * errno when it could not be written (-EPIPE when the reader went away).
 */
struct json_t;
int ui_print_json(FILE *f, const struct json_t *doc);
/* Who runs kesu, for the security log: "root", or "root(sudo:tanaka)". */
const char *ui_who(void);
/*
 * Where an errno comes from, when that changes what it means: -EBADMSG is a
 * malformed certificate (9) but a corrupt age file (17).
 */
enum ui_ctx {
	UI_CTX_NONE,
	UI_CTX_CERT, /* reading a certificate: -EBADMSG, -EFBIG malformed (9) */
	/* an age file: -EBADMSG, -EPROTO, -EPROTONOSUPPORT, -E2BIG, -ENODATA corrupt (17) */
	UI_CTX_AGE,
	/* pass_resolve(): -EKEYREJECTED weak (19), -ENODATA (empty) failure (1) */
	UI_CTX_PASS,
	/* a secret key: -EPERM (others may read it), -EBADMSG, -EOPNOTSUPP refused (3) */
	UI_CTX_KEY,
	/*
	 * @err is -(enum cert_verdict): malformed (9), bad signature (10),
	 * untrusted (11), not approved (12), not erased (13)
	 */
	UI_CTX_VERDICT,
	/* what the ledger holds: -EBADMSG, a broken chain or an asset without a certificate (15) */
	UI_CTX_LEDGER,
	/* a list named as an argument (an asset list): -EBADMSG, not valid CSV, usage (2) */
	UI_CTX_LIST,
	/* a medium's keyslots: -ENOSPC none free, failure (1); -EPERM the last one, refused (3) */
	UI_CTX_LUKS,
	/*
	 * the asset register: -EPERM (a step it refuses), -EEXIST (registered already)
	 * refused (3); -EBADMSG (events that do not replay) ledger (15)
	 */
	UI_CTX_ASSET,
};

/**
 * ui_exit() - the one mapping from an outcome to the exit table (kesu(8))
 * @err: 0 or a negative errno
 * @ctx: where it comes from, for the errnos whose meaning depends on it
 *
 * Same situation, same code, in every command: -ENOTBLK, -EISDIR, -ENOTTY
 * (the wrong kind of file, no terminal), -EINVAL usage (2); -EBUSY, -EROFS
 * refused (3); -ECANCELED not confirmed (4); -EINTR aborted (7); -EIO,
 * -ENOSPC, -EDQUOT, -EPIPE, -ENODATA I/O error (6); -ENOKEY, -EKEYREJECTED
 * no key (16); anything else, such as -ENOENT, -EACCES, -EEXIST,
 * -ENAMETOOLONG, -ENOMEM, failure (1); then what @ctx changes.
 *
 * Return: the exit code.
 */
int ui_exit(int err, enum ui_ctx ctx);
/* ui_exit() without a context, for the commands that read no key, certificate or age file */
static inline int ui_exit_from_errno(int err)
{
	return ui_exit(err, UI_CTX_NONE);
}
/*
 * --passphrase-file F (@is_fd false) or --passphrase-fd N, the same in every
 * command: 0, or KESU_EXIT_USAGE (told) for a bad N, an option given twice,
 * or both given.
 */
struct pass_source;
int ui_pass_opt(const char *cmd, struct pass_source *s, bool is_fd, const char *arg);
/* Worst of two exit codes, for several targets (order in kesu(8)). */
int ui_exit_worst(int a, int b);
/* A usage error: prints "kesu: MSG" and "try 'kesu CMD --help'"; returns KESU_EXIT_USAGE. */
int ui_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse "1M", "4096", "64K" into bytes; 0 or -EINVAL. */
int ui_parse_size(const char *s, unsigned long long *out);
/* --queue-depth (1..64) and --block-size (4K..64M, a multiple of 4K); print the usage error */
int ui_parse_queue_depth(const char *cmd, const char *s, unsigned long *out);
int ui_parse_block_size(const char *cmd, const char *s, unsigned long long *out);
/* Parse a non-negative integer in [min, max]; 0 or -EINVAL. */
int ui_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/**
 * ui_text_field() - --@opt of kesu @cmd, a text that goes into a record
 * (operator, label, ...): 1 to @max bytes of UTF-8 without control characters
 * @field: set to @arg when it is one
 *
 * Return: 0, or KESU_EXIT_USAGE (the usage error printed)
 */
int ui_text_field(const char *cmd, const char *opt, const char *arg, size_t max,
		  const char **field);

#endif
