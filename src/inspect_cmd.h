/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kesu inspect: the command (cmd_inspect.c) and its table, JSON and record (inspect_out.c). */
#ifndef KESU_SRC_INSPECT_CMD_H
#define KESU_SRC_INSPECT_CMD_H

#include <stdbool.h>

#include <jansson.h>

#include "certsign.h"
#include "ledger/inspect.h"

struct inspect_opts {
	const char *ledger;
	bool register_only, json, help;
	unsigned days, cert_days;
	const char *export_id, *output;
	struct certsign_opts cs;
	int ndevices;
	char **devices;
};

/* What one inspection saw and found. */
struct inspect_result {
	char now[32];
	json_t *findings, *inspected, *devices;
	const char **tags; /* the assets seen, for their "inspected" events */
	size_t ntags;
};

/**
 * inspect_print() - the findings as a table, or the whole result as JSON
 * @record: the record written (NULL: not signed)
 * Return: 0, or the exit code of a failed write
 */
int inspect_print(const struct inspect_opts *o, const struct inspect_result *res,
		  const json_t *record);

/**
 * inspect_sign_record() - build, sign and record the inspection
 * @record: set to the document recorded (json_decref() it)
 * Return: 0, or an exit code (message printed)
 */
int inspect_sign_record(const struct inspect_opts *o, struct ledger *l, const struct cert_signer *s,
			const struct inspect_result *res, json_t **record);

/**
 * inspect_export() - print (or write to -o, with its signature beside it)
 * the recorded inspection --export ID
 * Return: an exit code
 */
int inspect_export(const struct inspect_opts *o, struct ledger *l);

#endif
