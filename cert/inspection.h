/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record of an inspection of removable media and of the register
 * (policy Art. 44-46), kesu-inspection/1: who inspected, when, what was in
 * scope, what was seen and what was found, in RFC 8785 canonical form and
 * signed as a certificate is, so that it can be reported upward and checked
 * with stock minisign.
 */
#ifndef KESU_CERT_INSPECTION_H
#define KESU_CERT_INSPECTION_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define INSPECTION_FORMAT "kesu-inspection/1"

/* What an inspection finds; the codes of its findings. */
enum inspection_code {
	INSP_UNREGISTERED,   /* a medium whose serial the register does not know */
	INSP_NO_SERIAL,	     /* a medium without serial or tag: cannot be matched */
	INSP_LENT,	     /* registered as lent: it should be with the borrower */
	INSP_TAKEN_OUT,	     /* registered as taken out */
	INSP_DISPOSED,	     /* disposal requested or approved, erased, destroyed, returned */
	INSP_ON_HOLD,	     /* under a hold (Art. 97.2): it should be with the investigators */
	INSP_RETIRED,	     /* retired */
	INSP_NOT_ENCRYPTED,  /* no LUKS header (Art. 41) */
	INSP_POLICY,	     /* encrypted, but not as the media policy asks */
	INSP_UNREADABLE,     /* the encryption could not be checked */
	INSP_OVERDUE,	     /* a loan or take-out past its date */
	INSP_NO_CERTIFICATE, /* a state that needs a certificate, and none is in the ledger */
	INSP_NEVER_CHECKED,  /* a removable medium whose encryption was never inspected */
	INSP_NOT_INSPECTED,  /* not inspected within the period */
	INSP_NCODES
};

/** inspection_code_name() - "unregistered", "no-serial", ...; NULL when out of range */
const char *inspection_code_name(enum inspection_code c);

/* One finding; NULL members are recorded as null. */
struct inspection_finding {
	enum inspection_code code;
	const char *asset_tag, *serial, *device;
	const char *detail; /* one sentence for people */
};

/**
 * inspection_finding_add() - append @f to the JSON array @findings
 * Return: 0, -EINVAL (code out of range), -ENOMEM
 */
int inspection_finding_add(json_t *findings, const struct inspection_finding *f);

/* What the record says besides its lists. */
struct inspection_head {
	const char *id;	  /* a UUID */
	const char *time; /* "YYYY-MM-DDTHH:MM:SSZ" */
	const char *inspector, *key_id, *fingerprint;
	bool register_scope;	  /* --register: the register alone */
	json_t *devices;	  /* the devices named, an array of strings (empty: all attached) */
	unsigned days, cert_days; /* the periods the register was judged by */
};

/**
 * inspection_build() - the record of an inspection
 * @inspected: an array of {"device", "asset_tag", "serial"} (each may be null)
 * @findings: an array made by inspection_finding_add()
 * @out: the new document; result "clean" when @findings is empty, else "findings"
 * Return: 0, -EINVAL (a head member missing), -ENOMEM
 */
int inspection_build(const struct inspection_head *h, json_t *inspected, json_t *findings,
		     json_t **out);

/**
 * inspection_parse() - read a record: canonical JSON (RFC 8785) of the
 * kesu-inspection/1 form, every member known and of its type, the result
 * agreeing with the findings
 * @out: the document (json_decref() it); may be NULL
 * @why: the reason when refused
 * Return: 0, -EBADMSG (refused), -ENOMEM
 */
int inspection_parse(const void *buf, size_t len, json_t **out, char *why, size_t wl);

#endif
