/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The erasure certificate, format kesu-certificate/1 (kesu-certificate(5)):
 * built from a kesu-report/1 document and what the organisation adds, a
 * superset of the sample certificate of NIST SP 800-88 Rev. 1 Appendix G.
 * Stored as its RFC 8785 canonical bytes (jcs.h); signatures are sidecar
 * files over those bytes, so the approver is not a field of the document.
 */
#ifndef KESU_CERT_H
#define KESU_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#define CERT_FORMAT "kesu-certificate/1"

/*
 * What the certificate says beyond the report. Every member may be NULL
 * (null in the document; data_backed_up: "unknown"; issued: now). Text is
 * recorded as given, invalid UTF-8 repaired with U+FFFD: the front end
 * refuses typed values that are not clean (text_is_clean()).
 */
struct cert_meta {
	const char *organisation;
	const char *department;
	const char *location; /* NULL: the report's operator.location */
	const char *operator_title;
	const char *operator_contact; /* telephone or mail, as Appendix G asks */
	const char *witness;	      /* NULL: the report's operator.witness */
	const char *classification;   /* the organisation's confidentiality level (機密性) */
	const char *post_classification;
	const char *destination; /* cert_destination_valid() */
	const char *source_machine;
	const char *media_type; /* "HDD", "SSD", "USB flash", ... as the organisation names them */
	const char *manufacturer;
	const char *data_backed_up; /* "yes", "no", "unknown" */
	const char *notes;
	const char *tool_sha256; /* 64 lowercase hex digits: SHA-256 of the kesu binary */
	/* the approved request the erasure fulfils (its id and SHA-256); NULL: none */
	const char *request_id, *request_sha256;
	const struct timespec *issued; /* NULL: now */
};

/** cert_destination_valid() - internal-reuse, external-reuse, return-to-lessor, recycling, destruction */
bool cert_destination_valid(const char *s);

/** cert_backup_valid() - yes, no, unknown */
bool cert_backup_valid(const char *s);

/**
 * cert_from_report() - a new certificate for an erasure report
 * @report: a kesu-report/1 document (erase_report())
 * @m: what the organisation adds; NULL for nothing
 * @id: set to the certificate's new UUID (version 4)
 *
 * The result passes cert_check(); a report that does not give a valid
 * certificate (another format, a missing field, a wrong type) is refused.
 *
 * Return: a new JSON object, or NULL with errno EINVAL (the report is not
 * kesu-report/1 or lacks a field the certificate needs, or @m holds a value
 * outside its enumeration or a malformed SHA-256) or ENOMEM
 */
json_t *cert_from_report(const json_t *report, const struct cert_meta *m, char id[37]);

/* an evidence file of a destruction, named by its hash, not embedded */
struct cert_evidence {
	const char *name; /* the file's name as given, without its directory */
	unsigned long long size;
	char sha256[65]; /* lowercase hexadecimal */
};

/*
 * A destruction or degaussing done outside kesu (policy Art. 27.2): what the
 * certificate states. @technique: cert_destruction_valid(); @reason: a
 * value of "reason" or NULL; the rest may be NULL except where marked.
 */
struct cert_destruction {
	const char *technique;
	const char *asset_tag; /* required */
	const char *serial;    /* required */
	const char *model;
	const char *operator; /* required: the signer's name */
	const char *witness;
	const char *reason;
	const char *lease_contract;
	const struct cert_evidence *evidence;
	size_t nevidence;
};

/** cert_destruction_valid() - shred, disintegrate, incinerate, pulverize, degauss */
bool cert_destruction_valid(const char *technique);

/**
 * cert_is_destruction() - whether @cert is in the destruction form: its
 * sanitization.technique is one of cert_destruction_valid()
 */
bool cert_is_destruction(const json_t *cert);

/**
 * cert_from_destruction() - a new certificate of a destruction, without a
 * report: category destroy (purge for degauss, NIST SP 800-88 Appendix A),
 * no passes and no verification, the evidence files by name, size and
 * SHA-256
 * @d: what was destroyed, how, by whom
 * @m: what the organisation adds; NULL for nothing (location, witness and
 *     media_type come from @m; @d->witness wins over @m->witness)
 * @id: set to the certificate's new UUID (version 4)
 *
 * Return: a new JSON object that passes cert_check(), or NULL with errno
 * EINVAL (an unknown technique, no serial, asset tag or operator, a value
 * outside its enumeration) or ENOMEM
 */
json_t *cert_from_destruction(const struct cert_destruction *d, const struct cert_meta *m,
			      char id[37]);

/**
 * cert_check() - whether @cert is a kesu-certificate/1 document: every
 * required field present with its type, enumerations within their values,
 * no unknown field, and a "success" result backed by a verification that
 * passed with no error ranges; a destruction (cert_is_destruction()) is
 * checked against its own form instead: serial and asset tag, evidence
 * hashes, and the category its technique earns
 * @why: set to the first problem found ("media.serial: not a string or
 *       null"); may be NULL
 *
 * Return: 0, or -EBADMSG with the reason in @why
 */
int cert_check(const json_t *cert, char *why, size_t len);

/**
 * cert_get() - the value at a dotted @path ("media.serial"), borrowed from
 * @cert; NULL when a part of the path is missing
 */
json_t *cert_get(const json_t *cert, const char *path);

/** cert_get_string() - cert_get() when the value is a string, else NULL */
const char *cert_get_string(const json_t *cert, const char *path);

/*
 * The labels people read for each field, in the order a certificate is
 * shown. path is the field's dotted path; a few entries (title, approver, sha256)
 * name no field of the document and label what a front end adds: the
 * approver comes from a verified signature, sha256 is the file's hash.
 */
struct cert_label {
	const char *path;
	const char *en;
	const char *ja;
};

/* display order, ended by a NULL path */
extern const struct cert_label cert_labels[];

enum cert_lang {
	CERT_LANG_EN,
	CERT_LANG_JA,
};

/** cert_label() - the label of @path in @lang; NULL for a path without one */
const char *cert_label(const char *path, enum cert_lang lang);

/**
 * cert_title() - the title of @cert in @lang: "Certificate of media
 * destruction" for cert_is_destruction(), else the "title" label
 */
const char *cert_title(const json_t *cert, enum cert_lang lang);

/**
 * cert_evidence_line() - one evidence entry of a destruction certificate as
 * people read it ("photo.jpg, 1000 bytes, SHA-256 78b6..."), written into @buf
 * Return: @buf
 */
const char *cert_evidence_line(const json_t *e, enum cert_lang lang, char *buf, size_t len);

/**
 * cert_value_label() - how @value of the enumerated field @path reads in
 * @lang ("destruction" -> "破壊"); NULL when there is no translation
 */
const char *cert_value_label(const char *path, const char *value, enum cert_lang lang);

/**
 * cert_reason_label() - @reason, one of the result reasons kesu writes
 * ("8 blocks could not be written"), in @lang, written into @buf
 * Return: @buf, or NULL when @lang is English or the reason is not one kesu
 * writes (then show it as it is)
 */
const char *cert_reason_label(const char *reason, enum cert_lang lang, char *buf, size_t len);

#endif
