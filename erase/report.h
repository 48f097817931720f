/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The erase report, format kesu-report/1 (kesu-report(5)). Only strings,
 * integers, booleans, null, arrays and objects, so that a certificate can
 * sign its canonical (RFC 8785) form.
 */
#ifndef KESU_REPORT_H
#define KESU_REPORT_H

#include <jansson.h>

#include "devinfo.h"
#include "erase.h"

#define ERASE_REPORT_FORMAT "kesu-report/1"

struct erase_operator {
	const char *name;
	const char *asset_tag;
	const char *reason; /* "disposal", "lease-return", "reuse" */
	const char *lease_contract;
	const char *witness;
	const char *location;
};

/** erase_reason_valid() - true for the reasons the report knows */
bool erase_reason_valid(const char *reason);

/**
 * erase_report() - the report of one erasure, or of a target that was refused
 * @id: the report's UUID
 * @d: the device as it was read (how reads bypassed the cache); NULL when
 *     it was never opened
 *
 * The top-level "category" and "technique" say what the erasure reached
 * and how; a firmware method adds its "purge" object (command, scope, raw
 * status, log values, verification of the sampled blocks).
 *
 * Strings from a device or a path that are not UTF-8 are repaired and their
 * raw bytes kept in a *_hex field (json_set_text()), so any input gives a
 * valid document.
 *
 * Return: a new JSON object, or NULL when out of memory
 */
json_t *erase_report(const char *id, const struct dev_info *info, const struct dev *d,
		     const struct erase_plan *plan, const struct erase_result *r,
		     const struct erase_operator *op, uint64_t sample_seed);

/**
 * erase_report_planned() - the report @plan would get on @info if it
 * succeeded: every pass completed and verified, the verification read back
 *
 * Made before the first write, so that whatever is derived from a report
 * (the certificate) can be checked while nothing is lost yet.
 *
 * Return: a new JSON object, or NULL when out of memory
 */
json_t *erase_report_planned(const char *id, const struct dev_info *info,
			     const struct erase_plan *plan, const struct erase_operator *op);

#endif
