/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is this certificate proof of an erasure? Canonical form and schema, the
 * operator's signature by a key trusted as operator, the approval by a key
 * trusted as approver that belongs to another person (policy Art. 6, or a
 * recorded exception), and a successful result. Whether a device still
 * matches is the front end's part: it reads the device.
 */
#ifndef KESU_CERT_VERDICT_H
#define KESU_CERT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sig.h"

/* worst first: the first that applies is the verdict */
enum cert_verdict {
	CERT_VALID,
	CERT_MALFORMED,	    /* not canonical, not kesu-certificate/1 */
	CERT_BAD_SIGNATURE, /* missing or not verifying */
	CERT_UNTRUSTED,	    /* made by a key the store does not trust for the role */
	CERT_NOT_APPROVED,  /* no approval (when required), or self-approval without exception */
	CERT_NOT_ERASED,    /* the result is not "success" */
};

/** cert_verdict_name() - "valid", "malformed", "bad-signature", ... */
const char *cert_verdict_name(enum cert_verdict v);

/* The signatures of one certificate, as read from sidecars or a ledger row. */
struct cert_sigs {
	const char *text[CERT_NROLES]; /* NULL: none for that role */
	size_t len[CERT_NROLES];
	bool cms[CERT_NROLES]; /* a .p7s (DER), not a .minisig */
};

struct cert_verification {
	enum cert_verdict verdict;
	char why[512];
	char id[37];
	json_t *doc; /* the certificate, once it parsed */
	struct cert_sig_check sig[CERT_NROLES];
	bool approved;	    /* a valid, trusted approver signature */
	bool self_approved; /* ... by the operator, with the recorded reason in sig[APPROVER] */
	/* said of a valid certificate: a signer's key is retired, and when it signed */
	char note[320];
};

enum {
	CERT_REQUIRE_APPROVAL = 1 << 0,
};

/**
 * cert_approver_is_operator() - whether the approver @ap is the person who
 * signed @v as operator (policy Art. 6): the same key (key id or
 * fingerprint), or a name that is the operator signer's, the operator's the
 * certificate names, or the witness's, compared with text_name_same()
 */
bool cert_approver_is_operator(const struct cert_verification *v, const struct cert_sig_check *ap);

/**
 * cert_verdict_set() - set @v's verdict and its reason for a person
 * Return: 0
 */
int cert_verdict_set(struct cert_verification *v, enum cert_verdict what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * cert_verdict_canonical() - the first check of a signed document: @out
 * cleared, then @buf parsed into @out->doc if it is JSON in its canonical
 * (RFC 8785) form, else @out->verdict CERT_MALFORMED with the reason
 * Return: 0 (read @out->verdict), -ENOMEM
 */
int cert_verdict_canonical(const void *buf, size_t len, struct cert_verification *out);

/**
 * cert_verify_mem() - check a certificate's bytes and signatures
 * @flags: CERT_REQUIRE_APPROVAL
 * @out: the verdict and what was found; release with cert_verification_free()
 * Return: 0 (read @out->verdict), -ENOMEM
 */
int cert_verify_mem(const void *buf, size_t len, const struct cert_sigs *sigs,
		    const struct cert_trust *t, unsigned flags, struct cert_verification *out);

/**
 * cert_verify_mem_at() - cert_verify_mem(), with retired keys judged at @at
 * (cert_check_sig_at(): 0 for the time each signature gives)
 * Return: as cert_verify_mem()
 */
int cert_verify_mem_at(const void *buf, size_t len, const struct cert_sigs *sigs,
		       const struct cert_trust *t, unsigned flags, int64_t at,
		       struct cert_verification *out);

/**
 * cert_verify_file() - cert_verify_mem() for @path and its sidecars
 * Return: 0 (read @out->verdict), -ENOMEM, or the errno of reading @path
 * (-ENOENT, -EACCES, -EISDIR, -EFBIG)
 */
int cert_verify_file(const char *path, const struct cert_trust *t, unsigned flags,
		     struct cert_verification *out);

/**
 * cert_read_sigs() - the sidecars of @path into @sigs (free with
 * cert_sigs_free): CERT.ROLE.minisig, else CERT.ROLE.p7s
 * Return: 0, -ENOMEM
 */
int cert_read_sigs(const char *path, struct cert_sigs *sigs);
void cert_sigs_free(struct cert_sigs *sigs);

void cert_verification_free(struct cert_verification *v);

/** CERT_FILE_MAX - the largest certificate or signature read */
#define CERT_FILE_MAX (1024 * 1024)

#endif
