// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Detached CMS signatures through OpenSSL 3. The signing follows `openssl
 * cms -sign -binary -md sha256` (CMS_sign with CMS_PARTIAL, one signer
 * added with its digest, CMS_final); the verification takes CMS_verify
 * apart into its two questions, "does the signature match the content?"
 * and "does the signer chain to a trusted CA?", so that each answer has its
 * own errno.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "cms.h"
#include "file.h"
#include "secmem.h"

/* a PEM key or certificate is a few KiB, a CA bundle some hundred: a bigger file is none */
#define CMS_FILE_MAX (1024 * 1024)
#define CMS_RSA_MIN_BITS 2048

struct cms_signer {
	X509 *cert;
	STACK_OF(X509) * chain; /* intermediates to include, may be empty */
	EVP_PKEY *key;
};

struct cms_trust {
	X509_STORE *store;
	int ncrl; /* CRLs in the bundle: when any, every certificate's issuer must have one */
};

/* the certificates one role accepts: any of these OIDs (EKU or policy), or these subjects */
struct cms_binding {
	STACK_OF(ASN1_OBJECT) * oids;
	char **subjects; /* RFC 2253, UTF-8 unescaped */
	size_t nsubjects;
};

/* RFC 2253 as `openssl x509 -nameopt RFC2253,-esc_msb` prints it: UTF-8 left as it is */
#define CMS_SUBJECT_FLAGS (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)

/* the passphrase callback's view: what to answer, and whether it was asked */
struct pass_ctx {
	const char *pass;
	int asked;
};

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/*
 * Write "WHAT: OPENSSL REASON" into @why and empty OpenSSL's error queue, so
 * that nothing is left for a later call to misreport. The first error of
 * the queue is the deepest one ("bad decrypt", "wrong tag"), the one that
 * says what was wrong with the input.
 */
static void say_ssl(char *why, size_t len, const char *what)
{
	unsigned long e = ERR_peek_error();
	char ssl[256];

	if (e) {
		ERR_error_string_n(e, ssl, sizeof(ssl));
		say(why, len, "%s: %s", what, ssl);
	} else {
		say(why, len, "%s", what);
	}
	ERR_clear_error();
}

/* does OpenSSL's error queue hold @reason from library @lib? Empties the queue. */
static int ssl_has_reason(int lib, int reason)
{
	unsigned long e;
	int found = 0;

	while ((e = ERR_get_error()))
		if (ERR_GET_LIB(e) == lib && ERR_GET_REASON(e) == reason)
			found = 1;
	return found;
}

/*
 * Read a whole file, NUL-terminated. A key goes into secure memory and must
 * be closed to group and others (@secret); anything else into malloc.
 */
static int read_file(const char *path, int secret, char **out, size_t *len, char *why,
		     size_t why_len)
{
	int rc = secret ? file_read_secret(path, CMS_FILE_MAX, out, len) :
			  file_read(path, CMS_FILE_MAX, out, len);

	if (rc == -EISDIR || rc == -EINVAL)
		say(why, why_len, "%s: not a regular file", path);
	else if (rc == -EFBIG)
		say(why, why_len, "%s: over 1 MiB: not a PEM key or certificate file", path);
	else if (rc == -EPERM)
		say(why, why_len, "%s: group or others may access this private key: chmod 600 it",
		    path);
	else if (rc)
		say(why, why_len, "%s: %s", path, strerror(-rc));
	return rc;
}

/* is a key of this type one kesu signs with? */
static int key_usable(EVP_PKEY *k, const char *what, char *why, size_t why_len)
{
	int id = EVP_PKEY_get_base_id(k);

	if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) {
		say(why, why_len,
		    "%s: %s keys cannot make CMS signatures with OpenSSL 3.0; use an ECDSA P-256 "
		    "or RSA key",
		    what, id == EVP_PKEY_ED25519 ? "Ed25519" : "Ed448");
		return -EOPNOTSUPP;
	}
	if (id == EVP_PKEY_RSA && EVP_PKEY_get_bits(k) < CMS_RSA_MIN_BITS) {
		say(why, why_len, "%s: RSA key of %d bits; at least %d are needed", what,
		    EVP_PKEY_get_bits(k), CMS_RSA_MIN_BITS);
		return -EOPNOTSUPP;
	}
	if (id != EVP_PKEY_EC && id != EVP_PKEY_RSA) {
		say(why, why_len, "%s: %s keys are not supported; use an ECDSA P-256 or RSA key",
		    what, OBJ_nid2sn(id));
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Is @x a certificate for signing documents? A CA certificate signs
 * certificates, a TLS server certificate encrypts session keys: neither is
 * a person's signature, whatever CA issued it. keyUsage must be present and
 * allow digitalSignature or nonRepudiation (contentCommitment).
 */
static int cert_signs(X509 *x, char *why, size_t why_len)
{
	uint32_t ku;

	/* X509_check_ca() also caches the extensions; a malformed one is refused there */
	if (X509_check_ca(x)) {
		say(why, why_len, "the signer's certificate is a CA certificate, not a person's");
		return -EACCES;
	}
	if (X509_get_extension_flags(x) & EXFLAG_INVALID) {
		say(why, why_len, "the signer's certificate has a malformed extension");
		return -EACCES;
	}
	ku = X509_get_key_usage(x);
	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE) ||
	    !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		say(why, why_len,
		    "the signer's certificate is not for signing: its keyUsage %s neither "
		    "digitalSignature nor nonRepudiation",
		    X509_get_extension_flags(x) & EXFLAG_KUSAGE ? "allows" : "is missing, so");
		return -EACCES;
	}
	return 0;
}

/* the signer's certificate, then the intermediates that follow it in the file */
static int load_certs(struct cms_signer *s, const char *path, char *why, size_t why_len)
{
	char *pem = NULL;
	size_t len;
	BIO *bio = NULL;
	X509 *x;
	int rc;

	rc = read_file(path, 0, &pem, &len, why, why_len);
	if (rc)
		return rc;
	rc = -ENOMEM;
	bio = BIO_new_mem_buf(pem, (int)len);
	s->chain = sk_X509_new_null();
	if (!bio || !s->chain)
		goto out;
	s->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!s->cert) {
		say_ssl(why, why_len, path);
		rc = -EBADMSG;
		goto out;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		if (!sk_X509_push(s->chain, x)) {
			X509_free(x);
			goto out;
		}
	/* the end of the file reads as "no start line": not an error */
	ERR_clear_error();
	rc = key_usable(X509_get0_pubkey(s->cert), path, why, why_len);
	if (!rc && cert_signs(s->cert, why, why_len))
		rc = -EOPNOTSUPP;
out:
	BIO_free(bio);
	free(pem);
	return rc;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *p = u;
	size_t n;

	(void)rwflag;
	p->asked = 1;
	if (!p->pass)
		return -1;
	n = strlen(p->pass);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, p->pass, n);
	return (int)n;
}

static int load_key(struct cms_signer *s, const char *path, const char *pass, char *why,
		    size_t why_len)
{
	struct pass_ctx pc = { .pass = pass };
	char *pem = NULL;
	size_t len;
	BIO *bio;
	int rc;

	rc = read_file(path, 1, &pem, &len, why, why_len);
	if (rc)
		return rc;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio) {
		rc = -ENOMEM;
		goto out;
	}
	s->key = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pc);
	BIO_free(bio);
	if (!s->key) {
		if (pc.asked && !pass) {
			say(why, why_len, "%s: the key is encrypted: a passphrase is needed", path);
			ERR_clear_error();
			rc = -ENOKEY;
		} else if (pc.asked) {
			say_ssl(why, why_len, "wrong passphrase for the key");
			rc = -EKEYREJECTED;
		} else {
			say_ssl(why, why_len, path);
			rc = -EBADMSG;
		}
		goto out;
	}
	rc = key_usable(s->key, path, why, why_len);
	if (rc)
		goto out;
	if (X509_check_private_key(s->cert, s->key) != 1) {
		say_ssl(why, why_len, "the key does not belong to the certificate");
		rc = -EXDEV;
	}
out:
	secmem_free(pem);
	return rc;
}

int cms_signer_load(const char *cert_pem, const char *key_pem, const char *pass,
		    struct cms_signer **out, char *why, size_t why_len)
{
	struct cms_signer *s = calloc(1, sizeof(*s));
	int rc;

	say(why, why_len, "%s", "");
	if (!s)
		return -ENOMEM;
	ERR_clear_error();
	rc = load_certs(s, cert_pem, why, why_len);
	if (!rc)
		rc = load_key(s, key_pem, pass, why, why_len);
	if (rc) {
		cms_signer_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void cms_signer_free(struct cms_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key); /* OpenSSL wipes the private parts as it frees them */
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s);
}

/* CMS DER into a malloc'd buffer the caller frees with free() */
static int cms_to_der(CMS_ContentInfo *cms, unsigned char **der, size_t *der_len)
{
	unsigned char *buf, *p;
	int n = i2d_CMS_ContentInfo(cms, NULL);

	if (n <= 0)
		return -EIO;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	p = buf;
	if (i2d_CMS_ContentInfo(cms, &p) != n) {
		free(buf);
		return -EIO;
	}
	*der = buf;
	*der_len = n;
	return 0;
}

static int sign_with(const struct cms_signer *s, const void *buf, size_t len, unsigned flags,
		     unsigned char **der, size_t *der_len, char *why, size_t why_len)
{
	CMS_ContentInfo *cms;
	BIO *content = NULL;
	int rc = -EIO, i;

	say(why, why_len, "%s", "");
	if (len > INT_MAX) {
		say(why, why_len, "%zu bytes are too many to sign", len);
		return -EFBIG;
	}
	ERR_clear_error();
	/* CMS_PARTIAL: no signer yet, so that the digest can be chosen */
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	if (!cms)
		goto out;
	if (!CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags))
		goto out;
	for (i = 0; i < sk_X509_num(s->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i)))
			goto out;
	content = BIO_new_mem_buf(buf, (int)len);
	if (!content) {
		rc = -ENOMEM;
		goto out;
	}
	/* the signing time is added here, with the message digest of the content */
	if (!CMS_final(cms, content, NULL, flags))
		goto out;
	rc = cms_to_der(cms, der, der_len);
out:
	if (rc)
		say_ssl(why, why_len, "cannot make the CMS signature");
	ERR_clear_error();
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	return rc;
}

int cms_signer_sign(const struct cms_signer *s, const void *buf, size_t len, unsigned char **der,
		    size_t *der_len, char *why, size_t why_len)
{
	return sign_with(s, buf, len, CMS_DETACHED | CMS_BINARY, der, der_len, why, why_len);
}

int cms_signer_sign_cades(const struct cms_signer *s, const void *buf, size_t len,
			  unsigned char **der, size_t *der_len, char *why, size_t why_len)
{
	/* CMS_CADES: the signer's certificate hash in a signed signingCertificateV2 attribute */
	return sign_with(s, buf, len, CMS_DETACHED | CMS_BINARY | CMS_CADES, der, der_len, why,
			 why_len);
}

int cms_sign(const void *buf, size_t len, const char *cert_pem, const char *key_pem,
	     const char *pass, unsigned char **der, size_t *der_len, char *why, size_t why_len)
{
	struct cms_signer *s;
	int rc;

	rc = cms_signer_load(cert_pem, key_pem, pass, &s, why, why_len);
	if (rc)
		return rc;
	rc = cms_signer_sign(s, buf, len, der, der_len, why, why_len);
	cms_signer_free(s);
	return rc;
}

/* the certificates and CRLs of a PEM bundle into @t's store; how many certificates */
static int store_add_pem(struct cms_trust *t, const char *pem, size_t len)
{
	X509_STORE *store = t->store;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	STACK_OF(X509_INFO) *infos = NULL;
	X509_INFO *xi;
	int i, n = 0;

	if (!bio)
		return -ENOMEM;
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!infos)
		return 0;
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 && X509_STORE_add_cert(store, xi->x509))
			n++;
		if (xi->crl && X509_STORE_add_crl(store, xi->crl))
			t->ncrl++;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return n;
}

int cms_trust_load(const char *ca_file, struct cms_trust **out, char *why, size_t why_len)
{
	struct cms_trust *t = NULL;
	char *pem = NULL;
	size_t len;
	int rc;

	say(why, why_len, "%s", "");
	/* read by us, not by X509_STORE_load_file(), for an honest errno */
	rc = read_file(ca_file, 0, &pem, &len, why, why_len);
	if (rc)
		return rc;
	rc = -ENOMEM;
	ERR_clear_error();
	t = calloc(1, sizeof(*t));
	/* no X509_STORE_set_default_paths(): only the organisation's CAs count */
	if (!t || !(t->store = X509_STORE_new()))
		goto out;
	rc = store_add_pem(t, pem, len);
	if (rc == 0) {
		say(why, why_len, "%s: no PEM certificate", ca_file);
		rc = -EINVAL;
	}
	if (rc > 0) {
		*out = t;
		t = NULL;
		rc = 0;
	}
out:
	ERR_clear_error();
	cms_trust_free(t);
	free(pem);
	return rc;
}

void cms_trust_free(struct cms_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}

/* the DER must be one whole SignedData, detached, with one signer and a strong digest */
static int parse_der(const unsigned char *der, size_t der_len, CMS_ContentInfo **out, char *why,
		     size_t why_len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	X509_ALGOR *dig;
	const ASN1_OBJECT *obj;
	int nid, rc = -EBADMSG;

	if (der_len > LONG_MAX || !(cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len))) {
		say_ssl(why, why_len, "not a DER CMS signature");
		return -EBADMSG;
	}
	if (p != der + der_len) {
		say(why, why_len, "%zu bytes follow the DER CMS signature",
		    der_len - (size_t)(p - der));
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		say(why, why_len, "the CMS structure is not signed data");
		goto out;
	}
	/* the content-type attribute is signed, this field is not: kesu signs data only */
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		say(why, why_len, "the CMS signature is not over data");
		goto out;
	}
	if (CMS_is_detached(cms) != 1) {
		say(why, why_len, "the CMS signature holds its content: not a detached signature");
		goto out;
	}
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
		say(why, why_len, "the CMS signature has %d signers, not one",
		    sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)));
		goto out;
	}
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	nid = OBJ_obj2nid(obj);
	if (nid != NID_sha256 && nid != NID_sha384 && nid != NID_sha512) {
		say(why, why_len, "digest %s is not accepted; SHA-256 or stronger is",
		    nid == NID_undef ? "(unknown)" : OBJ_nid2sn(nid));
		rc = -EOPNOTSUPP;
		goto out;
	}
	*out = cms;
	return 0;
out:
	CMS_ContentInfo_free(cms);
	return rc;
}

/* the content against the signature and the included signer certificate's key */
static int check_signature(CMS_ContentInfo *cms, const void *buf, size_t len, char *why,
			   size_t why_len)
{
	BIO *content = BIO_new_mem_buf(buf, (int)len);
	char ssl[256] = "";
	int ok, rc = 0;

	if (!content)
		return -ENOMEM;
	/* no store: the chain is the next, separate question */
	ok = CMS_verify(cms, NULL, NULL, content, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY);
	if (ok != 1) {
		ERR_error_string_n(ERR_peek_error(), ssl, sizeof(ssl));
		if (ssl_has_reason(ERR_LIB_CMS, CMS_R_SIGNER_CERTIFICATE_NOT_FOUND)) {
			say(why, why_len, "the signer's certificate is not in the signature: %s",
			    ssl);
			rc = -EBADMSG;
		} else {
			say(why, why_len, "the signature does not match the content: %s", ssl);
			rc = -EKEYREJECTED;
		}
	}
	ERR_clear_error();
	BIO_free(content);
	return rc;
}

/*
 * The signature algorithm field is not signed and OpenSSL 3.0 does not hold
 * it against the key and the digest: a changed OID would pass. Where it
 * names a digest and a key type, they must be the signer's.
 */
static int check_sigalg(CMS_ContentInfo *cms, char *why, size_t why_len)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	X509_ALGOR *dig, *sig;
	const ASN1_OBJECT *obj;
	EVP_PKEY *pk;
	int sig_nid, dig_nid, pk_nid;

	CMS_SignerInfo_get0_algs(si, &pk, NULL, &dig, &sig);
	X509_ALGOR_get0(&obj, NULL, NULL, sig);
	sig_nid = OBJ_obj2nid(obj);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if (!pk)
		return -EBADMSG;
	/* RSASSA-PSS names its digest in parameters the signature check already uses */
	if (sig_nid == NID_rsassaPss && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA)
		return 0;
	if (!OBJ_find_sigid_algs(sig_nid, &dig_nid, &pk_nid)) {
		/* a bare key algorithm (rsaEncryption): the digest is the digest field's */
		dig_nid = OBJ_obj2nid(obj);
		pk_nid = sig_nid;
	}
	if (pk_nid != EVP_PKEY_get_base_id(pk) ||
	    (dig_nid != NID_undef && dig_nid != OBJ_obj2nid(obj))) {
		say(why, why_len,
		    "signature algorithm %s does not match the signer's %s key and %s",
		    sig_nid == NID_undef ? "(unknown)" : OBJ_nid2sn(sig_nid),
		    OBJ_nid2sn(EVP_PKEY_get_base_id(pk)), OBJ_nid2sn(OBJ_obj2nid(obj)));
		return -EBADMSG;
	}
	return 0;
}

/* the signer's certificate up to a CA of @t; the other included certificates may bridge */
static int check_chain(CMS_ContentInfo *cms, X509 *signer, const struct cms_trust *t, char *why,
		       size_t why_len)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -ENOMEM;

	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, signer, certs))
		goto out;
	/* an organisation's role certificates carry no S/MIME purpose: any */
	if (!X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY))
		goto out;
	/*
	 * A bundle that holds CRLs is one whose CAs publish them: then every
	 * certificate of the chain is checked against its issuer's, and a
	 * missing or expired CRL is an error (OpenSSL's own rule once asked),
	 * never the same as no revocation.
	 */
	if (t->ncrl)
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	if (X509_verify_cert(ctx) == 1) {
		rc = 0;
	} else {
		say(why, why_len, "the signer's certificate is not trusted: %s",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		rc = -EACCES;
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

/* the one common name of the subject, as UTF-8 */
static int subject_cn(X509 *x, char *cn, size_t cn_len, char *why, size_t why_len)
{
	const X509_NAME *name = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int n, rc = 0;

	if (i < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0) {
		say(why, why_len, "the signer's subject does not hold exactly one common name");
		return -ENODATA;
	}
	/* converts BMP, Teletex and universal strings; refuses bad UTF-8 */
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0) {
		say_ssl(why, why_len, "the signer's common name is not text");
		return -EILSEQ;
	}
	if (memchr(utf8, '\0', n)) {
		say(why, why_len, "the signer's common name holds a NUL byte");
		rc = -EILSEQ;
	} else if ((size_t)n >= cn_len) {
		say(why, why_len, "the signer's common name is %d bytes long", n);
		rc = -ENAMETOOLONG;
	} else {
		memcpy(cn, utf8, n);
		cn[n] = '\0';
	}
	OPENSSL_free(utf8);
	return rc;
}

int cms_binding_new(struct cms_binding **out)
{
	struct cms_binding *b = calloc(1, sizeof(*b));

	if (!b || !(b->oids = sk_ASN1_OBJECT_new_null())) {
		free(b);
		return -ENOMEM;
	}
	*out = b;
	return 0;
}

void cms_binding_free(struct cms_binding *b)
{
	if (!b)
		return;
	sk_ASN1_OBJECT_pop_free(b->oids, ASN1_OBJECT_free);
	for (size_t i = 0; i < b->nsubjects; i++)
		free(b->subjects[i]);
	free(b->subjects);
	free(b);
}

bool cms_binding_empty(const struct cms_binding *b)
{
	return !b || (!sk_ASN1_OBJECT_num(b->oids) && !b->nsubjects);
}

/* one dotted OID: arcs of digits, the first 0, 1 or 2, at least two */
static bool oid_text(const char *s, size_t n)
{
	size_t arcs = 1;

	if (n < 3 || s[0] < '0' || s[0] > '2' || s[1] != '.')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (s[i] == '.') {
			if (s[i - 1] == '.' || i + 1 == n)
				return false;
			arcs++;
		} else if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return arcs >= 2;
}

int cms_binding_add_oids(struct cms_binding *b, const char *list, char *why, size_t why_len)
{
	char text[128];
	ASN1_OBJECT *obj;
	size_t n;

	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (!n)
			break;
		if (!oid_text(p, n) || n >= sizeof(text)) {
			say(why, why_len, "'%.*s' is not an OID in dotted form (1.2.392...)",
			    (int)(n > 64 ? 64 : n), p);
			return -EINVAL;
		}
		memcpy(text, p, n);
		text[n] = '\0';
		p += n;
		/* no_name: digits only, never a short name OpenSSL happens to know */
		obj = OBJ_txt2obj(text, 1);
		if (!obj || !sk_ASN1_OBJECT_push(b->oids, obj)) {
			ASN1_OBJECT_free(obj);
			say_ssl(why, why_len, text);
			return obj ? -ENOMEM : -EINVAL;
		}
	}
	return 0;
}

int cms_binding_add_subject(struct cms_binding *b, const char *subject)
{
	char **grown = realloc(b->subjects, (b->nsubjects + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	b->subjects = grown;
	b->subjects[b->nsubjects] = strdup(subject);
	return b->subjects[b->nsubjects] ? (b->nsubjects++, 0) : -ENOMEM;
}

/* @x's subject as RFC 2253 text, NUL-terminated, in a buffer to free() */
static char *subject_text(X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (bio && X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, CMS_SUBJECT_FLAGS) >= 0) {
		n = BIO_get_mem_data(bio, &data);
		out = malloc(n + 1);
		if (out) {
			memcpy(out, data, n);
			out[n] = '\0';
		}
	}
	BIO_free(bio);
	return out;
}

/* is one of @b's OIDs in @x's extendedKeyUsage or certificatePolicies? */
static bool oid_match(const struct cms_binding *b, X509 *x)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	CERTIFICATEPOLICIES *pol = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	bool found = false;
	int i, j;

	for (i = 0; !found && i < sk_ASN1_OBJECT_num(b->oids); i++) {
		const ASN1_OBJECT *want = sk_ASN1_OBJECT_value(b->oids, i);

		for (j = 0; !found && j < sk_ASN1_OBJECT_num(eku); j++)
			found = !OBJ_cmp(want, sk_ASN1_OBJECT_value(eku, j));
		for (j = 0; !found && j < sk_POLICYINFO_num(pol); j++)
			found = !OBJ_cmp(want, sk_POLICYINFO_value(pol, j)->policyid);
	}
	EXTENDED_KEY_USAGE_free(eku);
	CERTIFICATEPOLICIES_free(pol);
	return found;
}

/* NULL @b: any signer of the PKI; else the certificate must be one @b names */
static int binding_match(const struct cms_binding *b, X509 *x, char *why, size_t why_len)
{
	char *subject;
	bool found;

	if (!b)
		return 0;
	if (oid_match(b, x))
		return 0;
	subject = subject_text(x);
	if (!subject)
		return -ENOMEM;
	found = false;
	for (size_t i = 0; !found && i < b->nsubjects; i++)
		found = !strcmp(b->subjects[i], subject);
	if (!found)
		say(why, why_len,
		    "the certificate of %.160s holds none of the role's OIDs and is not in its "
		    "subject list",
		    subject);
	free(subject);
	ERR_clear_error();
	return found ? 0 : -EACCES;
}

int cms_signer_bound(const struct cms_signer *s, const struct cms_binding *b, char *why,
		     size_t why_len)
{
	say(why, why_len, "%s", "");
	return binding_match(b, s->cert, why, why_len);
}

int cms_signer_cn(const struct cms_signer *s, char *cn, size_t cn_len, char *why, size_t why_len)
{
	return subject_cn(s->cert, cn, cn_len, why, why_len);
}

int cms_verify_trust(const void *buf, size_t len, const unsigned char *der, size_t der_len,
		     const struct cms_trust *t, const struct cms_binding *b, char *signer_cn,
		     size_t cn_len, char *why, size_t why_len)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	X509 *signer;
	int rc;

	say(why, why_len, "%s", "");
	if (cn_len)
		signer_cn[0] = '\0';
	if (len > INT_MAX) {
		say(why, why_len, "%zu bytes are too many to verify", len);
		return -EFBIG;
	}
	ERR_clear_error();
	rc = parse_der(der, der_len, &cms, why, why_len);
	if (rc)
		return rc;
	rc = check_signature(cms, buf, len, why, why_len);
	if (!rc)
		rc = check_sigalg(cms, why, why_len);
	if (rc)
		goto out;
	signers = CMS_get0_signers(cms);
	if (!signers || sk_X509_num(signers) != 1) {
		say(why, why_len, "the signer's certificate is not in the signature");
		rc = -EBADMSG;
		goto out;
	}
	signer = sk_X509_value(signers, 0);
	rc = check_chain(cms, signer, t, why, why_len);
	if (!rc)
		rc = cert_signs(signer, why, why_len);
	if (!rc)
		rc = binding_match(b, signer, why, why_len);
	if (!rc)
		rc = subject_cn(signer, signer_cn, cn_len, why, why_len);
out:
	ERR_clear_error();
	sk_X509_free(signers);
	CMS_ContentInfo_free(cms);
	return rc;
}

int cms_verify(const void *buf, size_t len, const unsigned char *der, size_t der_len,
	       const char *ca_file, char *signer_cn, size_t cn_len, char *why, size_t why_len)
{
	struct cms_trust *t;
	int rc;

	if (cn_len)
		signer_cn[0] = '\0';
	rc = cms_trust_load(ca_file, &t, why, why_len);
	if (rc)
		return rc == -ENOMEM ? rc : -ENOKEY;
	rc = cms_verify_trust(buf, len, der, der_len, t, NULL, signer_cn, cn_len, why, why_len);
	cms_trust_free(t);
	return rc;
}
