/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The signatures of a certificate: who signs (a loaded secret key and the
 * identity its public key carries), what a signature says (a minisign
 * trusted comment naming the certificate, the role, the signer and the
 * time), and whom the reader trusts (a directory of public keys, each bound
 * to a role and a name by the administrator).
 *
 * Each signature is a sidecar over the certificate's canonical bytes:
 * CERT.operator.minisig, CERT.approver.minisig (cert_sig_path()).
 */
#ifndef KESU_CERT_SIG_H
#define KESU_CERT_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cms.h"
#include "minisign.h"

enum cert_role {
	CERT_ROLE_OPERATOR,
	CERT_ROLE_APPROVER,
	CERT_NROLES, /* the roles that sign a certificate (or a request) */
	/*
	 * signs inspection records (kesu-inspection/1, policy Art. 44-46) and
	 * nothing else: the audited do not audit themselves (Art. 6), so an
	 * operator's key does not sign the inspection that checks its work
	 */
	CERT_ROLE_INSPECTOR = CERT_NROLES,
	CERT_NSIGNERS,
};

/** cert_role_name() - "operator", "approver", "inspector" */
const char *cert_role_name(enum cert_role r);

/*
 * The role a trust-store key may have beyond the two a certificate names: a
 * contractor's technician signs as operator, and a certificate so signed
 * counts only for assets whose disposal request names the contractor
 * (ledger_contractor_check()).
 */
#define CERT_KEY_ROLE_CONTRACTOR "contractor"

/** cert_key_role_valid() - operator, approver, contractor or inspector */
bool cert_key_role_valid(const char *key_role);

/** cert_key_signs_as() - whether a key of @key_role may sign as @role */
bool cert_key_signs_as(const char *key_role, enum cert_role role);

/** cert_role_parse() - the role of a name (inspector too); -EINVAL for another */
int cert_role_parse(const char *s, enum cert_role *r);

struct cert_trust;

/**
 * cert_trust_load() - the trusted public keys in @dir (every *.pub file,
 * whose comment "kesu role=ROLE name=NAME" is the administrator's binding)
 * @why: on failure, which file and what is wrong with it
 * Return: 0, -ENOENT (no such directory), -ENOTDIR, -EBADMSG (a .pub file
 * that is not a kesu public key), -EPERM (others may write to @dir or to a
 * key in it), -EEXIST (two keys with one key id, or one public key twice:
 * @why names both files), -ENOMEM, or the errno of reading the directory
 */
int cert_trust_load(const char *dir, struct cert_trust **out, char *why, size_t len);

/**
 * cert_trust_load_ca() - also trust CMS signatures whose signer certificate
 * chains to a CA in @ca_file (the organisation's PKI)
 * Return: 0, or the errnos of cms_trust_load() with @why
 */
int cert_trust_load_ca(struct cert_trust *t, const char *ca_file, char *why, size_t len);

/* the file of the trust directory that binds X.509 subjects to roles */
#define CERT_X509_ROLES "x509-roles"

/**
 * cert_trust_bind_x509() - say which X.509 certificates sign for which role
 * @dir: the trust directory, whose CERT_X509_ROLES file (optional) lists
 *       "operator SUBJECT", "approver SUBJECT", "inspector SUBJECT" and
 *       "contractor SUBJECT" lines (cms_binding); NULL: none
 * @oids: per role (CERT_ROLE_*), NULL or comma-separated OIDs, each an EKU
 *        or a certificate policy that binds a certificate to the role
 * @why: on failure, which file and line or which OID is wrong
 *
 * A role with neither OIDs nor subjects accepts: as operator, any signing
 * certificate that chains to the CA; as approver or inspector, none.
 *
 * Return: 0; -EINVAL (an OID is not dotted digits); -EBADMSG (a line of
 * the file that is not ROLE SUBJECT, or a NUL byte); -EFBIG, -EACCES or
 * another errno of reading the file; -ENOMEM
 */
int cert_trust_bind_x509(struct cert_trust *t, const char *dir, const char *const oids[CERT_NROLES],
			 char *why, size_t len);

/**
 * cert_trust_bind_contractor() - say which X.509 certificates are
 * contractors' ([trust] contractor_oid; "contractor SUBJECT" lines of
 * CERT_X509_ROLES are read by cert_trust_bind_x509())
 * @oids: NULL or comma-separated OIDs, each an EKU or a certificate policy
 *
 * A certificate so bound signs as operator (CERT_ROLE_OPERATOR) with
 * cert_sig_check ->contractor set, whatever the operator binding says: the
 * contractor's signature counts only for assets handed to them.
 *
 * Return: 0, -EINVAL (an OID is not dotted digits; @why says which), -ENOMEM
 */
int cert_trust_bind_contractor(struct cert_trust *t, const char *oids, char *why, size_t len);

/** cert_trust_free() - NULL is ignored */
void cert_trust_free(struct cert_trust *t);

/** cert_trust_count() - how many keys the store holds */
size_t cert_trust_count(const struct cert_trust *t);

struct cert_signer;

/**
 * cert_signer_load() - a minisign secret key and the identity in KEY.pub
 * @pass: the key's passphrase
 * Return: 0; the errnos of minisign_seckey_load() (-EPERM for a key others
 * may read, -EKEYREJECTED for a wrong passphrase); -ENOENT when KEY.pub is
 * missing, -EBADMSG when it holds no kesu identity or another key
 */
int cert_signer_load(const char *key_path, const char *pass, struct cert_signer **out);

/**
 * cert_signer_load_cms() - an X.509 certificate and its key (PEM) that sign
 * as @role; the name is the certificate's common name
 * @why: OpenSSL's reason when it fails
 * Return: 0, or the errnos of cms_signer_load() (-EOPNOTSUPP for Ed25519,
 * -ENOKEY for an encrypted key without @pass, -EPERM wrong passphrase, ...)
 */
int cert_signer_load_cms(const char *cert_pem, const char *key_pem, const char *pass,
			 enum cert_role role, struct cert_signer **out, char *why, size_t len);

/**
 * cert_signer_bound() - may an X.509 signer sign for @role under @t's
 * binding (cert_trust_bind_x509())? Asked before signing, so that no
 * signature is written that verification will refuse.
 * Return: 0 (also for a minisign key: its role is in its .pub), -EACCES
 * (@why says why), -ENOMEM
 */
int cert_signer_bound(const struct cert_trust *t, const struct cert_signer *s, enum cert_role role,
		      char *why, size_t len);

/** cert_signer_ext() - the sidecar's extension: "minisig" or "p7s" */
const char *cert_signer_ext(const struct cert_signer *s);

/** cert_signer_free() - wipe the key; NULL is ignored */
void cert_signer_free(struct cert_signer *s);

/*
 * cert_signer_role() / _name() / _key_id() - what KEY.pub says and the key
 * id; for X.509, the role it signs as, the common name and a short hash of it
 */
const char *cert_signer_role(const struct cert_signer *s);
const char *cert_signer_name(const struct cert_signer *s);
const char *cert_signer_key_id(const struct cert_signer *s);

/** cert_signer_fingerprint() - minisign_fingerprint() of the key; "" for X.509 */
const char *cert_signer_fingerprint(const struct cert_signer *s);

/**
 * cert_sign() - sign a certificate's canonical bytes for @role
 * @id: the certificate's id, named in the trusted comment
 * @self_reason: NULL, or why the operator approves their own erasure (Art. 6.2)
 * @sig, @siglen: the sidecar's bytes (free() them): minisign text or CMS DER
 * Return: 0, -EPERM (the key is bound to another role), -EOPNOTSUPP (a
 * self-approval with an X.509 key: CMS has no place to record its reason),
 * -EINVAL, -ENOMEM
 */
int cert_sign(const struct cert_signer *s, const void *doc, size_t len, const char *id,
	      enum cert_role role, const char *self_reason, void **sig, size_t *siglen);

struct cert_sig_check {
	char key_id[17];
	char fpr[MINISIGN_FPR_LEN];	  /* minisign: the trusted key's fingerprint; X.509: "" */
	char name[MINISIGN_NAME_MAX + 1]; /* the trust store's name for the key */
	char time[32];			  /* when it was signed, from the trusted comment */
	bool self_approval;
	char self_reason[512];
	char why[256];
	char retired[11]; /* the store's retirement date of the key ("YYYY-MM-DD"); "" if none */
	bool gone;	  /* the key is not in the trust store at all */
	/* an operator signature by a key trusted as a contractor's, or an X.509 certificate so bound */
	bool contractor;
	/* when ->gone: the name the signature's trusted comment gives, not verified */
	char signed_name[MINISIGN_NAME_MAX + 1];
};

/**
 * cert_check_sig_text() - check a signature (a .minisig file's text, or
 * when @cms a .p7s file's DER) made for @role over @doc, whose id is @id
 * @t: trusted keys; NULL trusts none (-EACCES)
 * @out: the key id, the trust store's name for it, the time signed, a
 *       recorded self-approval, and why it failed
 *
 * Return: 0 (it verifies, and a key trusted for this role made it),
 * -EBADMSG (malformed signature or trusted comment), -EKEYREJECTED (does not
 * verify, or its trusted comment names another certificate or role, or a
 * signer other than the trust store's name for the key),
 * -EACCES (the key is not trusted, or not for this role), -ENOMEM
 */
int cert_check_sig_text(const char *text, size_t tlen, bool cms, const void *doc, size_t len,
			const char *id, enum cert_role role, const struct cert_trust *t,
			struct cert_sig_check *out);

/**
 * cert_check_sig_at() - cert_check_sig_text(), with the key's retirement
 * judged at @at
 * @at: when the signature came into the reader's hands (a ledger's
 *      recorded-at time), in seconds since 1970; 0: the time in its trusted
 *      comment, which the signer's own clock gave
 *
 * A trust store key retired on a date (minisign_identity_parse()) verifies
 * signatures made before that day, 00:00 UTC, and no later ones: those are
 * -EACCES, with @out->why naming the date. @out->retired is set for a
 * retired key either way; @out->gone when the key is not in the store.
 *
 * Return: as cert_check_sig_text()
 */
int cert_check_sig_at(const char *text, size_t tlen, bool cms, const void *doc, size_t len,
		      const char *id, enum cert_role role, const struct cert_trust *t, int64_t at,
		      struct cert_sig_check *out);

/**
 * cert_time_parse() - "YYYY-MM-DDTHH:MM:SSZ" (a signature's time, a ledger's
 * recorded-at time) as seconds since 1970
 * Return: 0, -EINVAL (not of that form, or not a real time)
 */
int cert_time_parse(const char *s, int64_t *t);

/**
 * cert_sig_path() - CERT.ROLE.EXT (EXT "minisig" or "p7s")
 * Return: a new string (free() it), or NULL
 */
char *cert_sig_path(const char *cert_path, enum cert_role role, const char *ext);

#endif
