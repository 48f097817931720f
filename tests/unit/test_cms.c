// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cert/cms.c: which errno each failure gets, that OpenSSL's error text
 * reaches @why and nothing is left in its error queue, and what a
 * signature holds. Signatures kesu must refuse (attached, SHA-1, two
 * signers, no certificate) are made here with OpenSSL directly.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "cert/cms.h"
#include "secmem.h"

#ifndef KESU_PKI_DIR
#error "KESU_PKI_DIR must name tests/data/pki"
#endif

static const char doc[] = "{\"id\":\"3b2c\",\"result\":\"success\"}\r\n";
#define DOC_LEN (sizeof(doc) - 1)

static char why[512];
static char cn[256];

static char fifo[PATH_MAX];

/* a FIFO nobody writes to, in the scratch directory */
static const char *fifo_path(void)
{
	const char *tmp = getenv("TMPDIR");

	if (!fifo[0]) {
		snprintf(fifo, sizeof(fifo), "%s/test_cms.%ld.fifo", tmp ? tmp : "/tmp",
			 (long)getpid());
		assert_int_equal(mkfifo(fifo, 0600), 0);
	}
	return fifo;
}

static char keydir[PATH_MAX / 2];

/*
 * A copy of the committed private key @name given @mode, in the scratch
 * directory: kesu refuses a key file that group or others may access, and a
 * checkout leaves the committed ones 0644.
 */
static const char *key_copy(const char *name, mode_t mode, char *out)
{
	const char *tmp = getenv("TMPDIR");
	char src[PATH_MAX], buf[4096];
	FILE *in, *o;
	size_t n;

	if (!keydir[0]) {
		snprintf(keydir, sizeof(keydir), "%s/test_cms.XXXXXX", tmp ? tmp : "/tmp");
		assert_non_null(mkdtemp(keydir));
	}
	snprintf(src, sizeof(src), "%s/%s", KESU_PKI_DIR, name);
	snprintf(out, PATH_MAX, "%s/%s.%o", keydir, name, (unsigned)mode);
	in = fopen(src, "rb");
	if (!in) /* a missing key stays missing */
		return strcpy(out, src);
	o = fopen(out, "wb");
	assert_non_null(o);
	while ((n = fread(buf, 1, sizeof(buf), in)))
		assert_int_equal(fwrite(buf, 1, n, o), n);
	fclose(in);
	assert_int_equal(fclose(o), 0);
	assert_int_equal(chmod(out, mode), 0);
	return out;
}

/* a file of the test PKI; a private key (NAME.key) as a copy only its owner may access */
static const char *pki(const char *name)
{
	static char path[8][PATH_MAX];
	static int next;
	char *p = path[next++ % 8];
	size_t n = strlen(name);

	if (n > 4 && !strcmp(name + n - 4, ".key"))
		return key_copy(name, 0600, p);
	snprintf(p, PATH_MAX, "%s/%s", KESU_PKI_DIR, name);
	return p;
}

/* sign doc with a test identity; the DER in *der */
static size_t sign_as(const char *who, unsigned char **der)
{
	char cert[64], key[64];
	size_t len = 0;

	snprintf(cert, sizeof(cert), "%s.pem", who);
	snprintf(key, sizeof(key), "%s.key", who);
	assert_int_equal(
		cms_sign(doc, DOC_LEN, pki(cert), pki(key), NULL, der, &len, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	return len;
}

static int verify(const void *buf, size_t len, const unsigned char *der, size_t der_len)
{
	int rc =
		cms_verify(buf, len, der, der_len, pki("ca.pem"), cn, sizeof(cn), why, sizeof(why));

	/* OpenSSL's errors went into why, none stay queued for the next caller */
	assert_int_equal(ERR_peek_error(), 0);
	return rc;
}

static void good_signatures(void **state)
{
	unsigned char *der;
	size_t len;

	(void)state;
	len = sign_as("operator", &der);
	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	assert_string_equal(cn, "Taro Yamada");
	assert_string_equal(why, "");
	free(der);

	len = sign_as("rsa", &der);
	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	assert_string_equal(cn, "RSA Signer");
	free(der);

	len = sign_as("approver", &der);
	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	assert_string_equal(cn, "\xe4\xbd\x90\xe8\x97\xa4 \xe8\x8a\xb1\xe5\xad\x90");
	free(der);
}

/* detached, SHA-256, signing time, the signer's certificate and the intermediate */
static void signature_contents(void **state)
{
	unsigned char *der;
	const unsigned char *p;
	size_t len;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	X509_ALGOR *dig;
	const ASN1_OBJECT *obj;
	STACK_OF(X509) * certs;

	(void)state;
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("clerk.chain.pem"), pki("clerk.key"), NULL,
				  &der, &len, why, sizeof(why)),
			 0);
	p = der;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	assert_non_null(cms);
	assert_int_equal(CMS_is_detached(cms), 1);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	assert_int_equal(OBJ_obj2nid(obj), NID_sha256);
	assert_true(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0);
	certs = CMS_get1_certs(cms);
	assert_int_equal(sk_X509_num(certs), 2);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);

	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	assert_string_equal(cn, "Jiro Suzuki");
	free(der);
}

static void sign_errors(void **state)
{
	char keypem[PATH_MAX];
	unsigned char *der = NULL;
	size_t len;

	(void)state;
#define SIGN(cert, key, pass)                                                                      \
	cms_sign(doc, DOC_LEN, pki(cert), pki(key), pass, &der, &len, why, sizeof(why))
	assert_int_equal(SIGN("ed25519.pem", "ed25519.key", NULL), -EOPNOTSUPP);
	assert_non_null(strstr(why, "Ed25519 keys cannot make CMS signatures with OpenSSL 3.0"));
	assert_int_equal(SIGN("operator.pem", "ed25519.key", NULL), -EOPNOTSUPP);
	assert_int_equal(SIGN("operator.pem", "approver.key", NULL), -EXDEV);
	assert_non_null(strstr(why, "key values mismatch"));
	assert_int_equal(SIGN("operator.pem", "operator.enc.key", NULL), -ENOKEY);
	assert_int_equal(SIGN("operator.pem", "operator.enc.key", "wrong"), -EKEYREJECTED);
	assert_non_null(strstr(why, "bad decrypt"));
	assert_int_equal(SIGN("operator.pem", "missing.key", NULL), -ENOENT);
	assert_int_equal(SIGN("missing.pem", "operator.key", NULL), -ENOENT);
	assert_int_equal(SIGN("operator.pass", "operator.key", NULL), -EBADMSG);
	/* a certificate given as the key, closed to group and others so that it is parsed */
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("operator.pem"),
				  key_copy("operator.pem", 0600, keypem), NULL, &der, &len, why,
				  sizeof(why)),
			 -EBADMSG);
	assert_int_equal(SIGN("", "operator.key", NULL), -EISDIR);
	/* a FIFO with no writer is refused at once, not waited on */
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("operator.pem"), fifo_path(), NULL, &der, &len,
				  why, sizeof(why)),
			 -EINVAL);
	assert_null(der);
	assert_int_equal(ERR_peek_error(), 0);
	assert_int_equal(SIGN("operator.pem", "operator.enc.key", "kesu-test-passphrase"), 0);
	free(der);
#undef SIGN
	assert_int_equal(cms_sign(doc, (size_t)INT_MAX + 1, pki("operator.pem"),
				  pki("operator.key"), NULL, &der, &len, why, sizeof(why)),
			 -EFBIG);
}

/* a private key that group or others may access is refused before it is parsed */
static void key_mode(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0620, 0604 };
	unsigned char *der = NULL;
	char key[PATH_MAX];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		key_copy("operator.enc.key", modes[i], key);
		assert_int_equal(cms_sign(doc, DOC_LEN, pki("operator.pem"), key, NULL, &der, &len,
					  why, sizeof(why)),
				 -EPERM);
		assert_null(der);
		assert_non_null(strstr(why, "chmod 600"));
		assert_int_equal(ERR_peek_error(), 0);
	}
	key_copy("operator.enc.key", 0600, key);
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("operator.pem"), key, NULL, &der, &len, why,
				  sizeof(why)),
			 -ENOKEY);
}

/* every byte of the content */
static void content_changed(void **state)
{
	unsigned char *der;
	char bad[sizeof(doc)];
	size_t len, i;

	(void)state;
	len = sign_as("operator", &der);
	for (i = 0; i < DOC_LEN; i++) {
		memcpy(bad, doc, sizeof(doc));
		bad[i] ^= 0x01;
		assert_int_equal(verify(bad, DOC_LEN, der, len), -EKEYREJECTED);
		assert_string_equal(cn, "");
	}
	assert_int_equal(verify(doc, DOC_LEN - 1, der, len), -EKEYREJECTED);
	assert_non_null(strstr(why, "does not match the content"));
	free(der);
}

/*
 * Every byte of the signature, each changed: refused, except the two
 * version numbers (SignedData and SignerInfo), which nothing signs and
 * OpenSSL does not expose; they say nothing kesu relies on.
 */
static void signature_changed(void **state)
{
	unsigned char *der, *bad;
	size_t len, i, passed = 0;
	int rc;

	(void)state;
	len = sign_as("operator", &der);
	bad = malloc(len);
	assert_non_null(bad);
	for (i = 0; i < len; i++) {
		memcpy(bad, der, len);
		bad[i] ^= 0x01;
		rc = verify(doc, DOC_LEN, bad, len);
		if (rc == 0) {
			/* INTEGER, length 1: a version */
			assert_true(i >= 2 && der[i - 2] == 0x02 && der[i - 1] == 0x01);
			passed++;
			continue;
		}
		assert_true(rc == -EBADMSG || rc == -EKEYREJECTED || rc == -EACCES ||
			    rc == -EOPNOTSUPP);
	}
	assert_int_equal(passed, 2);
	assert_int_equal(verify(doc, DOC_LEN, der, len - 1), -EBADMSG);
	memcpy(bad, der, len);
	assert_int_equal(verify(doc, DOC_LEN, bad, 0), -EBADMSG);
	free(bad);
	bad = malloc(len + 1);
	memcpy(bad, der, len);
	bad[len] = 0;
	assert_int_equal(verify(doc, DOC_LEN, bad, len + 1), -EBADMSG);
	assert_non_null(strstr(why, "1 bytes follow"));
	assert_int_equal(verify(doc, DOC_LEN, (const unsigned char *)doc, DOC_LEN), -EBADMSG);
	assert_non_null(strstr(why, "not a DER CMS signature: error:"));
	free(bad);
	free(der);
}

static void untrusted(void **state)
{
	unsigned char *der;
	size_t len;

	(void)state;
	len = sign_as("untrusted", &der);
	assert_int_equal(verify(doc, DOC_LEN, der, len), -EACCES);
	assert_non_null(strstr(why, "unable to get local issuer certificate"));
	assert_string_equal(cn, "");
	/* a changed document is that first, trusted signer or not */
	assert_int_equal(verify(doc, DOC_LEN - 1, der, len), -EKEYREJECTED);
	free(der);

	len = sign_as("operator", &der);
	assert_int_equal(cms_verify(doc, DOC_LEN, der, len, pki("untrusted-ca.pem"), cn, sizeof(cn),
				    why, sizeof(why)),
			 -EACCES);
	/* the intermediate alone is no trust anchor, as with openssl cms */
	assert_int_equal(cms_verify(doc, DOC_LEN, der, len, pki("sub-ca.pem"), cn, sizeof(cn), why,
				    sizeof(why)),
			 -EACCES);
	free(der);
}

static void trust_file(void **state)
{
	struct cms_trust *t = NULL;
	unsigned char *der;
	size_t len;

	(void)state;
	assert_int_equal(cms_trust_load(pki("missing.pem"), &t, why, sizeof(why)), -ENOENT);
	assert_int_equal(cms_trust_load(pki("operator.pass"), &t, why, sizeof(why)), -EINVAL);
	assert_int_equal(cms_trust_load(pki(""), &t, why, sizeof(why)), -EISDIR);
	assert_null(t);

	len = sign_as("operator", &der);
	assert_int_equal(cms_verify(doc, DOC_LEN, der, len, pki("missing.pem"), cn, sizeof(cn), why,
				    sizeof(why)),
			 -ENOKEY);
	assert_non_null(strstr(why, "No such file or directory"));
	assert_int_equal(cms_verify(doc, DOC_LEN, der, len, pki("operator.pass"), cn, sizeof(cn),
				    why, sizeof(why)),
			 -ENOKEY);

	/* one store, many verifications */
	assert_int_equal(cms_trust_load(pki("ca.pem"), &t, why, sizeof(why)), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cms_verify_trust(doc, DOC_LEN, der, len, t, NULL, cn, sizeof(cn),
						  why, sizeof(why)),
				 0);
	/* "Taro Yamada" is 11 bytes: 12 fit it with its NUL, 11 do not */
	assert_int_equal(
		cms_verify_trust(doc, DOC_LEN, der, len, t, NULL, cn, 12, why, sizeof(why)), 0);
	assert_int_equal(cms_verify_trust(doc, DOC_LEN, der, len, t, NULL, cn, 11, why,
					  sizeof(why)),
			 -ENAMETOOLONG);
	assert_int_equal(cms_verify_trust(doc, (size_t)INT_MAX + 1, der, len, t, NULL, cn,
					  sizeof(cn), why, sizeof(why)),
			 -EFBIG);
	cms_trust_free(t);
	free(der);
}

static void load_identity(const char *who, X509 **x, EVP_PKEY **k)
{
	char name[64];
	BIO *in;

	snprintf(name, sizeof(name), "%s.pem", who);
	in = BIO_new_file(pki(name), "r");
	assert_non_null(in);
	*x = PEM_read_bio_X509(in, NULL, NULL, NULL);
	BIO_free(in);
	snprintf(name, sizeof(name), "%s.key", who);
	in = BIO_new_file(pki(name), "r");
	assert_non_null(in);
	*k = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
	BIO_free(in);
	assert_non_null(*x);
	assert_non_null(*k);
}

/* signatures made with OpenSSL directly, the way other tools might; a second signer is the approver */
static unsigned char *forge(const EVP_MD *md, unsigned flags, int signers, size_t *len)
{
	static const char *const who[] = { "operator", "approver" };
	BIO *content = BIO_new_mem_buf(doc, DOC_LEN);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	unsigned char *der = NULL;
	EVP_PKEY *k;
	X509 *x;
	int i, n;

	assert_non_null(cms);
	for (i = 0; i < signers; i++) {
		load_identity(who[i], &x, &k);
		assert_non_null(CMS_add1_signer(cms, x, k, md, flags));
		EVP_PKEY_free(k);
		X509_free(x);
	}
	assert_int_equal(CMS_final(cms, content, NULL, flags), 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	assert_true(n > 0);
	*len = n;
	CMS_ContentInfo_free(cms);
	BIO_free(content);
	return der;
}

/* a detached SHA-256 signature by @who made with OpenSSL directly: no kesu check on the signer */
static size_t forge_by(const char *who, unsigned char **der)
{
	const unsigned flags = CMS_BINARY | CMS_DETACHED;
	BIO *content = BIO_new_mem_buf(doc, DOC_LEN);
	CMS_ContentInfo *cms;
	EVP_PKEY *k;
	X509 *x;
	int n;

	load_identity(who, &x, &k);
	cms = CMS_sign(x, k, NULL, content, flags);
	assert_non_null(cms);
	*der = NULL;
	n = i2d_CMS_ContentInfo(cms, der);
	assert_true(n > 0);
	CMS_ContentInfo_free(cms);
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(content);
	return (size_t)n;
}

static void foreign_signatures(void **state)
{
	unsigned char *der;
	size_t len;

	(void)state;
	der = forge(EVP_sha256(), CMS_BINARY | CMS_DETACHED, 1, &len);
	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	OPENSSL_free(der);
	der = forge(EVP_sha512(), CMS_BINARY | CMS_DETACHED, 1, &len);
	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	OPENSSL_free(der);

	der = forge(EVP_sha256(), CMS_BINARY, 1, &len);
	assert_int_equal(verify(doc, DOC_LEN, der, len), -EBADMSG);
	assert_non_null(strstr(why, "not a detached signature"));
	OPENSSL_free(der);
	der = forge(EVP_sha1(), CMS_BINARY | CMS_DETACHED, 1, &len);
	assert_int_equal(verify(doc, DOC_LEN, der, len), -EOPNOTSUPP);
	assert_non_null(strstr(why, "SHA1"));
	OPENSSL_free(der);
	der = forge(EVP_sha256(), CMS_BINARY | CMS_DETACHED, 2, &len);
	assert_int_equal(verify(doc, DOC_LEN, der, len), -EBADMSG);
	assert_non_null(strstr(why, "2 signers"));
	OPENSSL_free(der);
	der = forge(EVP_sha256(), CMS_BINARY | CMS_DETACHED | CMS_NOCERTS, 1, &len);
	assert_int_equal(verify(doc, DOC_LEN, der, len), -EBADMSG);
	assert_non_null(strstr(why, "certificate is not in the signature"));
	OPENSSL_free(der);
}

/* verify doc signed by @who against the bundle @ca, with the binding @b */
static int verify_as(const char *who, const char *ca, const struct cms_binding *b)
{
	struct cms_trust *t = NULL;
	unsigned char *der;
	size_t len;
	int rc;

	len = forge_by(who, &der);
	assert_int_equal(cms_trust_load(pki(ca), &t, why, sizeof(why)), 0);
	rc = cms_verify_trust(doc, DOC_LEN, der, len, t, b, cn, sizeof(cn), why, sizeof(why));
	assert_int_equal(ERR_peek_error(), 0);
	cms_trust_free(t);
	OPENSSL_free(der);
	return rc;
}

/* a CRL in the bundle is checked; without one the same signer passes */
static void revocation(void **state)
{
	unsigned char *der;
	size_t len;

	(void)state;
	assert_int_equal(verify_as("revoked", "ca.pem", NULL), 0);
	assert_int_equal(verify_as("revoked", "ca-crl.pem", NULL), -EACCES);
	assert_non_null(strstr(why, "certificate revoked"));
	assert_string_equal(cn, "");
	assert_int_equal(verify_as("operator", "ca-crl.pem", NULL), 0);
	/* past its nextUpdate: an error, never "no CRL" */
	assert_int_equal(verify_as("operator", "ca-expired-crl.pem", NULL), -EACCES);
	assert_non_null(strstr(why, "CRL has expired"));
	/* the intermediate publishes no CRL in this bundle: fail closed */
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("clerk.chain.pem"), pki("clerk.key"), NULL,
				  &der, &len, why, sizeof(why)),
			 0);
	assert_int_equal(cms_verify(doc, DOC_LEN, der, len, pki("ca-crl.pem"), cn, sizeof(cn), why,
				    sizeof(why)),
			 -EACCES);
	assert_non_null(strstr(why, "unable to get certificate CRL"));
	assert_int_equal(verify(doc, DOC_LEN, der, len), 0);
	free(der);
}

/* a CA certificate or one whose keyUsage does not sign is no signer */
static void signer_usage(void **state)
{
	unsigned char *der = NULL;
	size_t len;

	(void)state;
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("tls.pem"), pki("tls.key"), NULL, &der, &len,
				  why, sizeof(why)),
			 -EOPNOTSUPP);
	assert_non_null(strstr(why, "not for signing"));
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("signing-ca.pem"), pki("signing-ca.key"), NULL,
				  &der, &len, why, sizeof(why)),
			 -EOPNOTSUPP);
	assert_non_null(strstr(why, "CA certificate"));
	assert_int_equal(cms_sign(doc, DOC_LEN, pki("ca.pem"), pki("ca.key"), NULL, &der, &len, why,
				  sizeof(why)),
			 -EOPNOTSUPP);
	assert_null(der);
	/* made by other tools, they chain to the CA but are refused on verification */
	assert_int_equal(verify_as("tls", "ca.pem", NULL), -EACCES);
	assert_non_null(strstr(why, "not for signing"));
	assert_int_equal(verify_as("signing-ca", "ca.pem", NULL), -EACCES);
	assert_non_null(strstr(why, "CA certificate"));
	assert_int_equal(verify_as("ca", "ca.pem", NULL), -EACCES);
	/* nonRepudiation alone is a signing certificate */
	assert_int_equal(verify_as("policy-approver", "ca.pem", NULL), 0);
}

/* OIDs (EKU or policy) and subjects bind certificates to a role */
static void role_binding(void **state)
{
	struct cms_binding *b, *empty;
	struct cms_signer *s;

	(void)state;
	assert_int_equal(cms_binding_new(&b), 0);
	assert_int_equal(cms_binding_new(&empty), 0);
	assert_true(cms_binding_empty(b));
	assert_true(cms_binding_empty(NULL));
	assert_int_equal(cms_binding_add_oids(b, "emailProtection", why, sizeof(why)), -EINVAL);
	assert_int_equal(cms_binding_add_oids(b, "2.999.1.2 x", why, sizeof(why)), -EINVAL);
	assert_int_equal(cms_binding_add_oids(b, "1..2", why, sizeof(why)), -EINVAL);
	assert_int_equal(cms_binding_add_oids(b, " 2.999.1.2,2.999.2.2 ", why, sizeof(why)), 0);
	assert_int_equal(
		cms_binding_add_subject(b, "CN=\xe4\xbd\x90\xe8\x97\xa4 \xe8\x8a\xb1\xe5\xad\x90,"
					   "OU=Approvers,O=kesu test"),
		0);
	assert_false(cms_binding_empty(b));

	assert_int_equal(verify_as("policy-approver", "ca.pem", b), 0); /* policy 2.999.1.2 */
	assert_int_equal(verify_as("eku-approver", "ca.pem", b), 0);	/* EKU 2.999.2.2 */
	assert_int_equal(verify_as("approver", "ca.pem", b), 0);	/* by subject */
	/* another operator: policy 2.999.1.1, not on the list */
	assert_int_equal(verify_as("operator2", "ca.pem", b), -EACCES);
	assert_non_null(strstr(why, "CN=Jiro Tanaka,OU=Operators,O=kesu test"));
	assert_string_equal(cn, "");
	assert_int_equal(verify_as("operator", "ca.pem", b), -EACCES);
	assert_int_equal(verify_as("operator", "ca.pem", empty), -EACCES);
	assert_int_equal(verify_as("operator", "ca.pem", NULL), 0);

	assert_int_equal(cms_signer_load(pki("operator2.pem"), pki("operator2.key"), NULL, &s, why,
					 sizeof(why)),
			 0);
	assert_int_equal(cms_signer_bound(s, b, why, sizeof(why)), -EACCES);
	assert_int_equal(cms_signer_bound(s, NULL, why, sizeof(why)), 0);
	assert_int_equal(cms_binding_add_oids(b, "2.999.1.1", why, sizeof(why)), 0);
	assert_int_equal(cms_signer_bound(s, b, why, sizeof(why)), 0);
	cms_signer_free(s);
	cms_binding_free(b);
	cms_binding_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_signatures),   cmocka_unit_test(signature_contents),
		cmocka_unit_test(sign_errors),	     cmocka_unit_test(content_changed),
		cmocka_unit_test(signature_changed), cmocka_unit_test(untrusted),
		cmocka_unit_test(trust_file),	     cmocka_unit_test(foreign_signatures),
		cmocka_unit_test(key_mode),	     cmocka_unit_test(revocation),
		cmocka_unit_test(signer_usage),	     cmocka_unit_test(role_binding),
	};

	int rc;

	if (secmem_init())
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (fifo[0])
		unlink(fifo);
	if (keydir[0]) {
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", keydir);
		if (system(cmd) != 0)
			rc = 1;
	}
	return rc;
}
