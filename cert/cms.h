/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Detached CMS (RFC 5652) signatures for an organisation's X.509 PKI: the
 * `.p7s` sidecars of a certificate, DER, SHA-256, the signer's certificate
 * (and any intermediates given with it) included, signed attributes with the
 * signing time. Stock `openssl cms -verify -binary -content FILE -inform DER
 * -in FILE.p7s -CAfile CA.pem -purpose any` checks them.
 *
 * Everything ASN.1 is OpenSSL's; this module chooses the algorithms, refuses
 * what it cannot stand behind, and folds OpenSSL's error queue into an errno
 * and a reason. Nothing here prints: each call that can fail takes a @why
 * buffer (may be NULL) that receives one line saying what went wrong,
 * OpenSSL's own error text included.
 */
#ifndef KESU_CMS_H
#define KESU_CMS_H

#include <stdbool.h>
#include <stddef.h>

/* a loaded signing certificate and its private key (opaque) */
struct cms_signer;

/* the CA certificates a signature must chain to (opaque) */
struct cms_trust;

/**
 * cms_signer_load() - load a signing certificate and its private key
 * @cert_pem: path of a PEM file: the signer's certificate first, then any
 *            intermediate CA certificates to include in each signature
 * @key_pem: path of the PEM private key (PKCS#8 or traditional), possibly
 *           encrypted; its bytes are read into secure memory, and the file
 *           must give group and others no access (checked on the descriptor)
 * @pass: the key's passphrase, NUL-terminated, or NULL when none was asked
 * @out: the signer, to be freed with cms_signer_free()
 * @why: receives the reason of a failure (may be NULL)
 * @why_len: size of @why
 *
 * Only ECDSA and RSA (2048 bits or more) keys are accepted, and only a
 * certificate for signing: keyUsage present with digitalSignature or
 * nonRepudiation, and no CA certificate (basicConstraints CA:TRUE). The
 * certificate is checked before the private key is read, so an unusable
 * certificate is refused without asking for a passphrase.
 *
 * Return: 0; -ENOENT, -EACCES or another errno of reading a file; -EISDIR,
 * -EINVAL (not a regular file) or -EFBIG (over 1 MiB) for a path that is no
 * PEM file; -EBADMSG when a file holds no PEM certificate or
 * key; -EOPNOTSUPP for an Ed25519 or Ed448 key (OpenSSL 3.0's CMS cannot
 * sign with them), a short RSA key or another key type, a CA certificate or
 * one whose keyUsage does not allow signing; -ENOKEY when the key
 * is encrypted and @pass is NULL (ask for the passphrase and call again);
 * -EPERM when group or others may access the key file (before any passphrase
 * is used); -EKEYREJECTED when @pass does not decrypt the key (as for a
 * minisign key); -EXDEV when the key is not the certificate's; -ENOMEM
 */
int cms_signer_load(const char *cert_pem, const char *key_pem, const char *pass,
		    struct cms_signer **out, char *why, size_t why_len);

/**
 * cms_signer_sign() - a detached CMS signature over @len bytes at @buf
 * @s: from cms_signer_load(); one signer makes any number of signatures
 * @der: receives the DER signature, to be released with free()
 * @der_len: receives its length
 * @why: receives the reason of a failure (may be NULL)
 *
 * Return: 0; -EFBIG when @len is over INT_MAX; -ENOMEM; -EIO when OpenSSL
 * fails to sign (@why says why)
 */
int cms_signer_sign(const struct cms_signer *s, const void *buf, size_t len, unsigned char **der,
		    size_t *der_len, char *why, size_t why_len);

/**
 * cms_signer_sign_cades() - cms_signer_sign() with the signing certificate
 * also named in a signed signingCertificateV2 attribute (RFC 5035), as
 * CAdES and PAdES baseline signatures require
 * Return: the errno values of cms_signer_sign()
 */
int cms_signer_sign_cades(const struct cms_signer *s, const void *buf, size_t len,
			  unsigned char **der, size_t *der_len, char *why, size_t why_len);

/**
 * cms_signer_cn() - the one common name of the signer certificate's subject
 * Return: 0, -ENODATA (none or several), -EILSEQ, -ENAMETOOLONG (@why says why)
 */
int cms_signer_cn(const struct cms_signer *s, char *cn, size_t cn_len, char *why, size_t why_len);

/** cms_signer_free() - release a signer and wipe its key; NULL is ignored */
void cms_signer_free(struct cms_signer *s);

/**
 * cms_sign() - cms_signer_load(), cms_signer_sign() and cms_signer_free() in
 * one call, for a single signature
 *
 * Return: the errno values of cms_signer_load() and cms_signer_sign()
 */
int cms_sign(const void *buf, size_t len, const char *cert_pem, const char *key_pem,
	     const char *pass, unsigned char **der, size_t *der_len, char *why, size_t why_len);

/*
 * Which certificates may sign for one role (an operator, an approver):
 * those whose extendedKeyUsage or certificatePolicies hold one of its OIDs
 * (an organisation's profile, e.g. its LGPKI policy), and those whose
 * subject is on its list. The subject is compared as RFC 2253 text with
 * UTF-8 left unescaped, exactly as `openssl x509 -noout -subject -nameopt
 * RFC2253,-esc_msb` prints it (without "subject=").
 */
struct cms_binding;

/**
 * cms_binding_new() - an empty binding, to be filled with
 * cms_binding_add_oids() and cms_binding_add_subject(), freed with
 * cms_binding_free(); an empty binding accepts no certificate
 * Return: 0, -ENOMEM
 */
int cms_binding_new(struct cms_binding **out);

/**
 * cms_binding_add_oids() - add the OIDs of @list, dotted (1.2.392.100.1),
 * separated by commas or blanks
 * Return: 0; -EINVAL for a word that is no dotted OID (@why says which); -ENOMEM
 */
int cms_binding_add_oids(struct cms_binding *b, const char *list, char *why, size_t why_len);

/**
 * cms_binding_add_subject() - add one subject, RFC 2253 text
 * Return: 0, -ENOMEM
 */
int cms_binding_add_subject(struct cms_binding *b, const char *subject);

/** cms_binding_empty() - does @b (or NULL) name no OID and no subject? */
bool cms_binding_empty(const struct cms_binding *b);

/** cms_binding_free() - NULL is ignored */
void cms_binding_free(struct cms_binding *b);

/**
 * cms_signer_bound() - may @s sign for the role of @b (NULL: any role)?
 * Return: 0; -EACCES when the certificate holds none of @b's OIDs and its
 * subject is not on @b's list (@why names the subject); -ENOMEM
 */
int cms_signer_bound(const struct cms_signer *s, const struct cms_binding *b, char *why,
		     size_t why_len);

/**
 * cms_trust_load() - read the CA certificates of @ca_file (PEM, one or
 * more) into a trust store; the system's default CA paths are never used
 * @out: the store, to be freed with cms_trust_free()
 *
 * CRLs in the same file are loaded too. When the file holds any, every
 * certificate of a signer's chain below the root is checked against its
 * issuer's CRL: a revoked certificate, a missing CRL or one past its
 * nextUpdate makes the signer untrusted (fail closed).
 *
 * Return: 0; -ENOENT, -EACCES or another errno of reading the file; -EISDIR,
 * -EFBIG (over 1 MiB); -EINVAL when it is not a regular file or holds no
 * certificate OpenSSL can read; -ENOMEM
 */
int cms_trust_load(const char *ca_file, struct cms_trust **out, char *why, size_t why_len);

/** cms_trust_free() - release a trust store; NULL is ignored */
void cms_trust_free(struct cms_trust *t);

/**
 * cms_verify_trust() - check a detached CMS signature over @len bytes at
 * @buf and name its signer
 * @der: the signature, DER
 * @t: the CA certificates the signer's chain must end in (any purpose),
 *     and the CRLs it is checked against when @t holds any
 * @b: the certificates that may sign for the role checked; NULL: any
 * @signer_cn: receives the signer certificate's subject common name, UTF-8
 *             without NUL bytes (it may hold control characters: escape it
 *             before showing it)
 * @cn_len: size of @signer_cn
 *
 * The content and signature are checked first, the chain after, so that a
 * changed certificate is always reported as such, trusted signer or not;
 * then that the signer's certificate is one for signing (as
 * cms_signer_load() requires) and that @b binds it to the role.
 * The chain is checked at the current time, as `openssl cms -verify` does.
 * Exactly one signer is expected; its digest must be SHA-256, SHA-384 or
 * SHA-512.
 *
 * Return: 0 when the signature is valid and its signer trusted; -EBADMSG
 * when @der is not a DER CMS SignedData with one signer, holds the content
 * (not detached) or lacks the signer's certificate; -EOPNOTSUPP for
 * another digest; -EKEYREJECTED when the signature does not match @buf or
 * its signer's key; -EACCES when the signer's certificate does not chain to
 * @t (unknown CA, expired, revoked by a loaded CRL, a CRL missing or
 * expired, ...), is a CA certificate or not for signing, or is not bound by
 * @b (@why says which); -ENODATA when the
 * signer's subject does not hold exactly one common name; -EILSEQ when that
 * name holds a NUL byte; -ENAMETOOLONG when it does not fit @cn_len; -EFBIG
 * when @len is over INT_MAX; -ENOMEM
 */
int cms_verify_trust(const void *buf, size_t len, const unsigned char *der, size_t der_len,
		     const struct cms_trust *t, const struct cms_binding *b, char *signer_cn,
		     size_t cn_len, char *why, size_t why_len);

/**
 * cms_verify() - cms_trust_load() of @ca_file, then cms_verify_trust()
 * with no role binding
 *
 * Return: the errno values of cms_verify_trust(), and -ENOKEY when @ca_file
 * cannot be read or holds no certificate (@why says which), so that a
 * missing CA file is never taken for an untrusted signer (-EACCES)
 */
int cms_verify(const void *buf, size_t len, const unsigned char *der, size_t der_len,
	       const char *ca_file, char *signer_cn, size_t cn_len, char *why, size_t why_len);

#endif
