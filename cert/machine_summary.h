/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu-machine/1: one computer's drives and their certificates, the summary
 * a wiping station writes per machine; "erased" only if every drive is.
 * Built here, in canonical JSON (cert/jcs.h) and signed like certificates.
 */
#ifndef KESU_CERT_MACHINE_SUMMARY_H
#define KESU_CERT_MACHINE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sig.h"
#include "verdict.h"

/**
 * struct cert_machine_drive - one drive of the machine
 * @path: where it was attached
 * @serial: its serial (NULL or "": none)
 * @model: its model (NULL or "": unknown)
 * @cert_id: its certificate's id (NULL: none was made)
 * @result: "success", "failed", "aborted", "refused"
 * @erased: erased and verified, with a certificate
 */
struct cert_machine_drive {
	const char *path, *serial, *model, *cert_id, *result;
	bool erased;
};

/**
 * struct cert_machine_host - the machine from DMI; NULL members are unknown
 */
struct cert_machine_host {
	const char *manufacturer, *product, *serial, *uuid, *asset_tag;
	const char *tag; /* --machine-tag, or the asset tag */
};

/**
 * cert_machine_summary() - the summary document
 * @id: its UUID
 * @created: RFC 3339 UTC time
 * Return: a new document, or NULL (out of memory)
 */
json_t *cert_machine_summary(const struct cert_machine_host *h, const struct cert_machine_drive *d,
			     size_t n, const char *id, const char *created);

/**
 * cert_machine_summary_here() - the summary of the machine kesu runs on:
 * its DMI data (sysfs_dmi_read()), a new id, created now
 * @tag: the machine's tag (NULL: the DMI chassis asset tag)
 * @id: set to the new summary's id
 * Return: a new document, or NULL (out of memory)
 */
json_t *cert_machine_summary_here(const char *tag, const struct cert_machine_drive *d, size_t n,
				  char id[37]);

/**
 * cert_machine_summary_write() - @doc in canonical JSON to DIR/machine-ID.json
 * and, signed by @signer as operator, to its sidecar (PATH.minisig or
 * PATH.p7s), each written whole or not at all and never over a file there
 * @signer: NULL: unsigned
 * @path: set to the summary's path
 * Return: 0, -ENAMETOOLONG, -EBADMSG (@doc has no id), -ENOMEM, the errnos
 * of cert_sign() and of outfile_write() (-EEXIST, -EACCES, -ENOSPC, -EIO ...)
 */
int cert_machine_summary_write(const json_t *doc, const char *dir, const struct cert_signer *signer,
			       char *path, size_t len);

/* The format's name, its "format" member. */
#define CERT_MACHINE_FORMAT "kesu-machine/1"

/**
 * cert_machine_verify_mem() - check a summary's bytes: canonical form, the
 * kesu-machine/1 structure (its result "erased" exactly when every drive
 * is), the signature by a key the store trusts as operator, whose trusted
 * comment names this summary's id, and the result
 * @sig: the sidecar's bytes (NULL: none), DER when @cms
 * @out: as for certificates: CERT_VALID, or the first that applies of
 *       CERT_MALFORMED, CERT_BAD_SIGNATURE, CERT_UNTRUSTED, CERT_NOT_ERASED;
 *       the signer in @out->sig[CERT_ROLE_OPERATOR]; release with
 *       cert_verification_free()
 * Return: 0 (read @out->verdict), -ENOMEM
 */
int cert_machine_verify_mem(const void *buf, size_t len, const char *sig, size_t siglen, bool cms,
			    const struct cert_trust *t, struct cert_verification *out);

/**
 * cert_machine_verify_file() - cert_machine_verify_mem() for @path and its
 * sidecar PATH.minisig, else PATH.p7s (where the station writes it)
 * Return: 0 (read @out->verdict), -EMEDIUMTYPE (@path is JSON but no
 * kesu-machine/1 document: a certificate, perhaps), -ENOMEM, or the errno of
 * reading @path (-ENOENT, -EACCES, -EISDIR, -EFBIG)
 */
int cert_machine_verify_file(const char *path, const struct cert_trust *t,
			     struct cert_verification *out);

/**
 * cert_machine_drive_match() - is @cert (a certificate, checked by
 * cert_check()) the one the summary @sum lists as @drive: the same id,
 * device serial and path, result, and machine (DMI serial and UUID, where
 * both have them)
 * @why: the first difference
 * Return: 0, -EXDEV (it differs)
 */
int cert_machine_drive_match(const json_t *sum, const json_t *drive, const json_t *cert, char *why,
			     size_t len);

#endif
