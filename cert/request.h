/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A request and its approval, format kesu-request/1 (kesu-request(8)):
 * disposal, return to a lessor, taking out, bringing in, a loan, a hold or
 * its release, asked for by one person and approved by another (policy
 * Art. 6, 25.3, 26.2, 27.1, 42.3, 43, 97.2) before the act. Kept as a
 * certificate is: RFC 8785 canonical bytes, signed in sidecars by the same
 * signers and checked against the same trust store. The applicant signs
 * with an operator key (REQ.applicant.minisig or .p7s), the manager with an
 * approver key (REQ.approver.minisig or .p7s).
 */
#ifndef KESU_CERT_REQUEST_H
#define KESU_CERT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "certfile.h"
#include "sig.h"
#include "verdict.h"

#define REQUEST_FORMAT "kesu-request/1"
/* the sidecar of the applicant's signature: REQ.applicant.EXT */
#define REQUEST_APPLICANT "applicant"
/* the longest reason, contractor or name a request holds, in bytes */
#define REQUEST_TEXT_MAX 1024
/* the largest request file read */
#define REQUEST_FILE_MAX (64 * 1024)

enum request_kind {
	REQUEST_DISPOSAL,
	REQUEST_LEASE_RETURN,
	REQUEST_TAKE_OUT,
	REQUEST_BRING_IN,
	REQUEST_LOAN,
	REQUEST_HOLD,
	REQUEST_RELEASE,
	REQUEST_NKINDS
};

/** request_kind_name() - "disposal", "lease-return", ...; NULL when out of range */
const char *request_kind_name(enum request_kind k);

/**
 * request_kind_parse() - a kind by its name
 * Return: 0, -EINVAL (no such kind)
 */
int request_kind_parse(const char *s, enum request_kind *k);

/* What the applicant states; until and contractor may be NULL. */
struct request_fields {
	enum request_kind kind;
	const char *asset_tag;
	const char *reason;
	const char *until;		/* "YYYY-MM-DD": when a loan or take-out ends */
	const char *contractor;		/* who will do the disposal work (Art. 5, 120-122) */
	const char *applicant;		/* the signer's name, as the trust store will give it */
	const struct timespec *created; /* NULL: now */
};

/**
 * request_new() - a new kesu-request/1 document
 * @id: set to its new UUID (version 4)
 * Return: the document (it passes request_check()), or NULL with errno
 * EINVAL (a field missing or not clean text, a malformed date) or ENOMEM
 */
json_t *request_new(const struct request_fields *f, char id[37]);

/**
 * request_check() - whether @doc is a kesu-request/1 document: every
 * member present with its type, no unknown member, a known kind, clean
 * text within REQUEST_TEXT_MAX, dates of their form
 * @why: set to the first problem found; may be NULL
 * Return: 0, -EBADMSG
 */
int request_check(const json_t *doc, char *why, size_t len);

/**
 * request_sig_path() - REQ.applicant.EXT for CERT_ROLE_OPERATOR,
 * REQ.approver.EXT for CERT_ROLE_APPROVER
 * Return: a new string (free() it), or NULL when out of memory
 */
char *request_sig_path(const char *path, enum cert_role role, const char *ext);

/**
 * request_read_sigs() - the sidecars of @path into @sigs (cert_sigs_free()
 * them): the applicant's as the operator's, the approver's; .minisig, else
 * .p7s; one that cannot be read counts as one that does not verify
 * Return: 0, -ENOMEM
 */
int request_read_sigs(const char *path, struct cert_sigs *sigs);

/**
 * request_verify_mem() - check a request's bytes and signatures
 * @flags: CERT_REQUIRE_APPROVAL
 * @out: as for a certificate: CERT_MALFORMED (not canonical, not
 *       kesu-request/1), CERT_BAD_SIGNATURE (no or a failing applicant
 *       signature, an applicant named other than the signer),
 *       CERT_UNTRUSTED, CERT_NOT_APPROVED (no approval when required, or
 *       one by the applicant without a recorded exception); release with
 *       cert_verification_free()
 * Return: 0 (read @out->verdict), -ENOMEM
 */
int request_verify_mem(const void *buf, size_t len, const struct cert_sigs *sigs,
		       const struct cert_trust *t, unsigned flags, struct cert_verification *out);

/**
 * request_is_self_approval() - whether @s approving the request verified in
 * @v is its applicant approving their own request (Art. 6): the same key by
 * key id or fingerprint, or the same name after text_name_same()
 */
bool request_is_self_approval(const struct cert_verification *v, const struct cert_signer *s);

/**
 * request_approve_mem() - sign @a->doc as approver, check the result as
 * request_verify_mem() with CERT_REQUIRE_APPROVAL would, and only then
 * write REQ.approver.EXT
 * @check: that verification (cert_verification_free() it)
 * @sig_path: set to the sidecar's path (free() it)
 * Return: 0; -EACCES (the approval would not verify: nothing written; the
 * verdict says why); -EEXIST (the sidecar exists, @a->replace false);
 * -EOPNOTSUPP (a self-approval with an X.509 key); the errnos of
 * outfile_reserve(), outfile_commit() and cert_sign(); -ENOMEM
 */
int request_approve_mem(const struct cert_approval *a, const struct cert_signer *s,
			const struct cert_trust *t, struct cert_verification *check,
			char **sig_path);

#endif
