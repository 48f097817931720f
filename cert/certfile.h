/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Certificate files around `kesu cert`: the report a certificate is issued
 * from and the certificate's default name, the approver's sidecar written
 * over a verified certificate, and whether a device is the one a
 * certificate names. Reading the device back is the front end's part: it
 * uses verify/, which cert/ does not.
 */
#ifndef KESU_CERT_CERTFILE_H
#define KESU_CERT_CERTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "devinfo.h"
#include "sig.h"
#include "verdict.h"

/* the largest report read */
#define CERT_REPORT_MAX (16 << 20)

/**
 * cert_default_path() - where the certificate of @report goes by default:
 * REPORT without a ".json" ending, and ".cert.json"
 * Return: a new string (free() it), or NULL when out of memory
 */
char *cert_default_path(const char *report);

/**
 * cert_report_read() - the JSON document of a report file (any JSON: the
 * certificate built from it checks the format)
 * @why: on -EBADMSG, jansson's reason
 * Return: 0; -EBADMSG (not JSON, or a key given twice); the errnos of
 * file_read(): -ENOENT, -EACCES, -EISDIR, -EINVAL, -EFBIG (above
 * CERT_REPORT_MAX), -ENOMEM
 */
int cert_report_read(const char *path, json_t **report, char *why, size_t len);

/**
 * cert_is_self_approval() - whether @s approving the certificate verified
 * in @v would approve its own erasure (policy Art. 6), as
 * cert_approver_is_operator() decides
 */
bool cert_is_self_approval(const struct cert_verification *v, const struct cert_signer *s);

/* A certificate as read once for its approval. */
struct cert_approval {
	const char *path; /* where it was read: the sidecar goes beside it */
	const void *doc;  /* its bytes, as verified */
	size_t len;
	const struct cert_sigs *sigs; /* its sidecars as read; the approver's is replaced */
	const char *id;		      /* its id */
	const char *reason;	      /* NULL, or why the operator approves their own erasure */
	bool replace;		      /* replace an approver sidecar that exists */
};

/**
 * cert_approve_mem() - sign @a->doc as approver, check the new signature as
 * `cert verify --require-approval` would with @t, and only then write the
 * sidecar PATH.approver.EXT
 * @check: the verification of @a->doc with the new signature (release with
 *         cert_verification_free()); on -EACCES its verdict says why
 * @sig_path: set to the sidecar's path (free() it), NULL when out of memory
 *
 * The certificate is not read again: what is signed is @a->doc, the bytes
 * the caller verified.
 * Return: 0; -EACCES (the approval would not verify: nothing written);
 * -EEXIST (the sidecar exists and @a->replace is false); -EOPNOTSUPP (a
 * self-approval with an X.509 key); the errnos of outfile_reserve() and
 * outfile_commit() for the sidecar, and of cert_sign(); -ENOMEM
 */
int cert_approve_mem(const struct cert_approval *a, const struct cert_signer *s,
		     const struct cert_trust *t, struct cert_verification *check, char **sig_path);

/**
 * cert_device_check() - whether @info is the device @cert certifies: the
 * same serial and WWN (each absent on both sides, or equal) and the same
 * capacity in bytes
 * @why: on -ENODEV the difference ("serial X, the certificate's is Y"), on
 *       -ENODATA why identity is not established, else ""
 * Return: 0 (a serial or WWN matches, and the size); -ENODEV (another
 * device); -ENODATA (nothing differs, but neither side has a serial or a
 * WWN: the size alone does not tell one device from another)
 */
int cert_device_check(const json_t *cert, const struct dev_info *info, char *why, size_t len);

/**
 * cert_last_pattern() - the pattern of the certificate's last
 * sanitization pass ("zero", "random", ...), borrowed from @cert
 * Return: the pattern, or NULL when no pass names one
 */
const char *cert_last_pattern(const json_t *cert);

#endif
