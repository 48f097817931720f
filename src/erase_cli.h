/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu erase, the front end's own parts shared by its two files: the
 * options, their checks and the help (erase_cli.c); the run, what each
 * target shows and the exit codes are cmd_erase.c's.
 */
#ifndef KESU_SRC_ERASE_CLI_H
#define KESU_SRC_ERASE_CLI_H

#include <stdbool.h>

#include "certsign.h"
#include "display.h"
#include "erase/job.h"
#include "ledger/asset.h"

/**
 * struct erase_cli - one run of kesu erase
 * @jo: what the job is given; its method, passes and verification are
 *      checked by erase_cli_parse()
 * @cs: the certificate's description and the signing key (--sign-key ...)
 * @cert: --cert FILE (one target)
 * @cert_dir: --cert-dir DIR (one certificate per target)
 * @signer: the loaded signing key, with --cert or --cert-dir
 * @certs: the reserved certificate files, one per target
 * @yes: --yes
 * @dry_run: --dry-run
 * @json: --json
 * @quiet: --quiet
 * @help: --help
 * @progress: --progress
 * @queue_depth: --queue-depth (0: the device's default)
 * @chunk: --block-size (0: the device's default)
 * @ledger: --ledger (NULL: [ledger] path of kesu.conf): the register asked about holds
 * @gate: the approved request the erasure fulfils, when the register holds one
 */
struct erase_cli {
	struct erase_job_opts jo;
	struct certsign_opts cs;
	const char *cert, *cert_dir;
	struct cert_signer *signer;
	struct certsign_out *certs;
	bool yes, dry_run, json, quiet, help;
	enum display_mode progress;
	unsigned long queue_depth;
	unsigned long long chunk;
	const char *ledger;
	struct asset_gate_ok gate;
};

/**
 * erase_cli_parse() - fill @o from the defaults, kesu.conf and the command
 * line, and check all of it before any target is opened: the plan, the
 * targets (argv[optind] on), --report, --cert; --help prints the help
 * Return: -1 to go on, or the exit code to return at once
 * (KESU_EXIT_SUCCESS after --help; KESU_EXIT_USAGE, KESU_EXIT_FAILURE or
 * another of ui_exit() for a target or an output that cannot be used;
 * the message is printed)
 */
int erase_cli_parse(int argc, char **argv, struct erase_cli *o);

#endif
