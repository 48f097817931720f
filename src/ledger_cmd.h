/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `kesu ledger` actions, dispatched by cmd_ledger(): add and verify in
 * cmd_ledger.c with the option parser they all share, the actions that read
 * the ledger out in ledger_show.c.
 */
#ifndef KESU_SRC_LEDGER_CMD_H
#define KESU_SRC_LEDGER_CMD_H

#include <stdbool.h>

#include "ledger/ledger.h"

struct ledger_opts {
	const char *path;
	const char *trust, *trust_ca;
	const char *asset, *serial;
	const char *anchor;    /* verify --anchor SEQ:HASH */
	const char *queue;     /* --queue FILE */
	const char *from, *to; /* copy --from FILE.db --to URL */
	bool json, csv, jsonl, help;
	bool roles; /* init --roles */
	int nargs;
	char **args;
};

/* What an action takes besides --ledger, --trust, --trust-ca, --debug and --help. */
struct action {
	int min, max; /* arguments */
	bool json, filter, format, anchor, roles;
	bool queue;	     /* --queue: add, sync and status */
	bool copy;	     /* --from and --to */
	const char *options; /* its lines of the help */
};

/* add and verify check every signature against the trust store */
#define TRUST_HELP                                                                                 \
	"  --trust DIR    the trust store of minisign keys (default " TRUST_DIR ")\n"              \
	"  --trust-ca CA.pem  CA certificates that CMS signers must chain to\n"

/* the --json line of an action's help */
#define JSON_HELP "  --json         JSON output\n"

/**
 * ledger_args() - parse the options of action argv[0] (argv from the
 * action's name on) and check them against what @a takes
 * Return: -1 to go on, or the exit code to return at once
 * (KESU_EXIT_SUCCESS after --help, KESU_EXIT_USAGE)
 */
int ledger_args(int argc, char **argv, const struct action *a, struct ledger_opts *o);

/**
 * ledger_open_ui() - ledger_open() on --ledger, saying why it failed
 * Return: 0, or the negative errno of ledger_open() (message printed)
 */
int ledger_open_ui(const struct ledger_opts *o, unsigned flags, struct ledger **l);

/**
 * ledger_errtext() - why a file could not be read, for a message
 * Return: a static string
 */
const char *ledger_errtext(int err);

/**
 * ledger_ui_check() - what verify found: the intact chain's line, or with
 * @json the whole result; a broken chain is the caller's message
 * Return: 0, or -ENOMEM, -EIO, -EPIPE when it could not be written
 */
int ledger_ui_check(const char *location, const struct ledger_check *chk, bool intact, bool json);

/* the --queue line of an action's help */
#define QUEUE_HELP                                                                                 \
	"  --queue FILE   the queue of certificates waiting for an unreachable server\n"           \
	"                 (default [ledger] queue, else " LEDGER_QUEUE_DEFAULT_PATH " for root)\n"

/**
 * ledger_open_error() - why the ledger at @path was refused or not reached,
 * for the person
 */
void ledger_open_error(const char *path, int err);

/**
 * ledger_queue_path() - the queue: --queue, else [ledger] queue of
 * kesu.conf, else ledger_queue_default() (message printed when none)
 * Return: 0, or the exit code to return
 */
int ledger_queue_path(const struct ledger_opts *o, char *path, size_t len);

/**
 * ledger_writer_start() - the register at @o->path to add to, or the queue
 * (ledger_queue_path()) when its server cannot be reached
 * Return: 0, or the exit code to return (message printed)
 */
int ledger_writer_start(const struct ledger_opts *o, struct ledger_writer **w);

/**
 * ledger_audit_head() - note the new head @row of the register at @path in
 * the security log, warning once (@warned) when the log cannot be reached
 */
void ledger_audit_head(const char *path, const struct ledger_anchor *row, bool *warned);

/* The actions; argv[0] is the action's name. Return: an exit code */
int ledger_cmd_show(int argc, char **argv);
int ledger_cmd_list(int argc, char **argv);
int ledger_cmd_export(int argc, char **argv);
int ledger_cmd_reconcile(int argc, char **argv);
int ledger_cmd_add(int argc, char **argv);
int ledger_cmd_sync(int argc, char **argv);
int ledger_cmd_copy(int argc, char **argv);
int ledger_cmd_status(int argc, char **argv);

#endif
