/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inspections of removable media and of the register (policy Art. 44-46):
 * what a medium attached here says against the register (registered,
 * whether it should be here, encrypted as the media policy asks), what the
 * register says of itself (loans past their date, certificates missing,
 * media never checked or not inspected for too long), and the signed
 * kesu-inspection/1 record kept as a row of the chain, with an "inspected"
 * event for each asset seen.
 */
#ifndef KESU_LEDGER_INSPECT_H
#define KESU_LEDGER_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "asset.h"
#include "cert/inspection.h"
#include "ledger.h"

/* What the front end learned of one attached medium. */
struct inspect_device {
	const char *path;
	const char *serial; /* NULL: the medium reports none */
	const char *label;  /* the LUKS2 label, taken as its asset tag when it has no serial */
	int encrypted;	    /* 1 LUKS, 0 no LUKS header, -1 could not be read */
	bool compliant;	    /* encrypted: meets the media policy */
	const char *why;    /* encrypted and not compliant, or unreadable: the first reason */
};

/**
 * inspect_device() - judge one medium against the register
 * @findings, @inspected: JSON arrays appended to (inspection_build())
 * @match: set to the asset it is, or NULL
 * Return: 0, -ENOMEM
 */
int inspect_device(const struct asset_set *s, const struct inspect_device *d, json_t *findings,
		   json_t *inspected, const struct asset **match);

/* The periods the register is judged by. */
struct inspect_periods {
	const char *now;    /* "YYYY-MM-DDTHH:MM:SSZ" */
	unsigned days;	    /* inspected within this many days (media and mobile devices) */
	unsigned cert_days; /* a certificate within this many days of disposal approval */
};

/**
 * inspect_register() - judge the register by itself: loans and take-outs
 * past their until, approved disposals and erasures without a certificate
 * (@s loaded with asset_load(..., certs = true)), removable media never
 * inspected, media and mobile devices not inspected within @p->days
 * Return: 0, -EINVAL (@p->now malformed), -ENOMEM
 */
int inspect_register(const struct asset_set *s, const struct inspect_periods *p, json_t *findings);

/**
 * inspect_record() - record a signed inspection and an "inspected" event
 * for each of @tags, in one transaction
 * @doc, @len: the record's canonical bytes (inspection_parse() accepts them)
 * @sig_name, @sig, @siglen: the inspector's signature: its sidecar's name
 *       ("inspector.minisig", "inspector.p7s") and bytes
 * @who, @when: the inspector and the time, for the events
 * @out: the inspection row's seq and hash
 * @why: the reason when it is refused
 * Return: 0, -EBADMSG (@doc is not a record), -EINVAL (no signature), an
 * errno of asset_apply(), or a backend errno
 */
int inspect_record(struct ledger *l, const void *doc, size_t len, const char *sig_name,
		   const void *sig, size_t siglen, const char *const *tags, size_t ntags,
		   const char *who, const char *when, struct ledger_anchor *out, char *why,
		   size_t wl);

/* The record of an inspection, as the register keeps it. */
struct inspect_row {
	char *doc;
	size_t len;
	char *sigs; /* its signatures' JSON: {"inspector.minisig": "BASE64"} */
	int64_t seq;
	char row_hash[LEDGER_HASH_HEX];
};

/**
 * inspect_find() - the recorded inspection with @id
 * Return: 0 (@out filled in: inspect_row_free() it), -ENOENT, -ENOMEM, backend errno
 */
int inspect_find(struct ledger *l, const char *id, struct inspect_row *out);

void inspect_row_free(struct inspect_row *r);

/**
 * inspect_days_between() - whole days from @a to @b, each "YYYY-MM-DD..." (UTC)
 * Return: 0, -EINVAL (not a date)
 */
int inspect_days_between(const char *a, const char *b, long *days);

#endif
