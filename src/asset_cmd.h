/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `kesu asset` actions, dispatched by cmd_asset(): the option parser and
 * add, edit, show and list in cmd_asset.c; import and export in asset_io.c.
 */
#ifndef KESU_SRC_ASSET_CMD_H
#define KESU_SRC_ASSET_CMD_H

#include <stdbool.h>

#include "cert/request.h"
#include "certsign.h"
#include "ledger/asset.h"

/* The options that only some actions take, one bit each. */
enum {
	AO_FIELDS = 1 << 0, /* --kind, --serial, ... --lease-contract */
	AO_REASON = 1 << 1,
	AO_STATE = 1 << 2,
	AO_JSON = 1 << 3,
	AO_FILTER = 1 << 4,	 /* list: --kind, --state, --holder */
	AO_FORMAT = 1 << 5,	 /* import --format */
	AO_EXPORT = 1 << 6,	 /* --snipeit, --glpi, --csv, --jsonl, --bom */
	AO_OTHER_FIELD = 1 << 7, /* a field other than --kind and --holder (while parsing) */
};

struct asset_opts {
	const char *path;
	const char *field[ASSET_NFIELDS];
	const char *reason, *state, *format;
	const char *until; /* edit --until */
	bool json, snipeit, glpi, csv, jsonl, bom, help;
	unsigned given; /* the AO_ bits of the options given */
	int nargs;
	char **args;
};

/* What an action takes: its arguments and its AO_ options, and its help lines. */
struct asset_action {
	int nargs;
	unsigned takes;
	const char *options;
};

/**
 * asset_args() - parse the options of action argv[0] against what @a takes
 * Return: -1 to go on, or the exit code to return at once
 */
int asset_args(int argc, char **argv, const struct asset_action *a, struct asset_opts *o);

/**
 * asset_open() - the ledger of --ledger (or [ledger] url or path), saying why it cannot be opened
 * Return: 0, or the exit code (message printed)
 */
int asset_open(const struct asset_opts *o, unsigned flags, struct ledger **l);

/**
 * asset_fail() - say why an action on the register failed, and its exit code
 * @what: the object of the message (a file, the ledger path); NULL when @why
 *        names it, as the register's reasons do
 */
int asset_fail(const char *what, int err, const char *why);

/** asset_now() - the time of an event: now, "YYYY-MM-DDTHH:MM:SSZ" */
void asset_now(char out[32]);

/** asset_print_outcome() - "TAG: added (seq N)", "TAG: changed holder; state A -> B (seq N)" */
void asset_print_outcome(const char *tag, const struct asset_outcome *out);

int asset_cmd_import(int argc, char **argv);
int asset_cmd_export(int argc, char **argv);
/* kesu asset apply REQUEST: an approved request recorded in the register */
int asset_cmd_apply(int argc, char **argv);

/**
 * asset_apply_file() - what kesu asset apply does with the request at @path:
 * verify it against the trust store (approved, unless it is a hold), record
 * it in the register at @ledger, print the outcome
 * Return: an exit code (message printed)
 */
int asset_apply_file(const char *path, const char *ledger, const char *trust, const char *trust_ca);

/* kesu asset hold|release TAG --reason R --sign-key KEY -o FILE (asset_hold.c) */
int asset_cmd_hold(int argc, char **argv);
int asset_cmd_release(int argc, char **argv);

/**
 * request_create_file() - what kesu request create does (cmd_request.c):
 * the request of @kind for @tag, signed by the applicant's key of @cs,
 * written to @output and @output.applicant.minisig (or .p7s)
 * Return: an exit code (message printed)
 */
int request_create_file(enum request_kind kind, const char *tag, const char *reason,
			const struct certsign_opts *cs, const char *output);

#endif
