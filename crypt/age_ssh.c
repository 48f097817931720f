// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SSH keys as age recipients and identities (C2SP age, "ssh-ed25519" and
 * "ssh-rsa"). ssh-ed25519: the Ed25519 key as X25519, the shared secret
 * tweaked by X25519 with HKDF-SHA-256(salt = the SSH key) as scalar, wrap
 * key = HKDF-SHA-256(tweaked secret, salt = share || X25519 key). ssh-rsa:
 * RSA-OAEP-SHA-256 labelled "age-encryption.org/v1/ssh-rsa". A stanza names
 * its key by the first 4 bytes of SHA-256 of the key's SSH wire format.
 *
 * The wire format is read here with a bound on every field. Private keys
 * protected by a passphrase: ssh-ed25519 keys are opened by libssh, which
 * hands them back unprotected; ssh-rsa keys, which libssh 0.10 cannot give
 * back (see unseal()), are decrypted here: bcrypt_pbkdf for the key and IV,
 * then AES (CTR, CBC or GCM) from OpenSSL.
 */
#include "config.h"

#include <errno.h>
#include <libssh/libssh.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "bcrypt_pbkdf.h"
#include "secmem.h"

#define ED25519_LABEL "age-encryption.org/v1/ssh-ed25519"
#define RSA_LABEL "age-encryption.org/v1/ssh-rsa"
#define TYPE_ED25519 "ssh-ed25519"
#define TYPE_RSA "ssh-rsa"
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384
#define WIRE_MAX 4096 /* a 16384-bit RSA public key is about 2 KiB */
#define PEM_BEGIN "-----BEGIN "
#define OPENSSH_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_END "-----END OPENSSH PRIVATE KEY-----"
#define OPENSSH_MAGIC "openssh-key-v1"
/*
 * ssh-keygen -a: 16 by default, 100 for the careful. Each round costs a few
 * milliseconds: a forged or damaged file asking for billions would take days
 */
#define BCRYPT_ROUNDS_MAX (1u << 16)

static void reason(char *why, size_t len, const char *s)
{
	if (why && len)
		snprintf(why, len, "%s", s);
}

/* the SSH wire format: uint32 big-endian lengths, every read within bounds */
struct wire {
	const uint8_t *p;
	size_t n;
};

static int wire_u32(struct wire *w, uint32_t *v)
{
	if (w->n < 4)
		return -EINVAL;
	*v = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 | (uint32_t)w->p[2] << 8 | w->p[3];
	w->p += 4;
	w->n -= 4;
	return 0;
}

static int wire_str(struct wire *w, const uint8_t **s, size_t *len)
{
	uint32_t l;

	if (wire_u32(w, &l) || l > w->n)
		return -EINVAL;
	*s = w->p;
	*len = l;
	w->p += l;
	w->n -= l;
	return 0;
}

static bool wire_is(struct wire *w, const char *want)
{
	const uint8_t *s;
	size_t len;

	return !wire_str(w, &s, &len) && len == strlen(want) && !memcmp(s, want, len);
}

/* a positive mpint, as OpenSSH writes it: no sign bit, no needless leading zero */
static BIGNUM *wire_mpint(struct wire *w)
{
	const uint8_t *s;
	size_t len;

	if (wire_str(w, &s, &len) || !len || (s[0] & 0x80) || (len > 1 && !s[0] && !(s[1] & 0x80)))
		return NULL;
	return BN_bin2bn(s, (int)len, NULL);
}

/* ECDSA, security keys and the rest, each with what to use instead */
static int type_refused(const uint8_t *t, size_t len, char *why, size_t wlen)
{
	char type[64];

	snprintf(type, sizeof(type), "%.*s", (int)(len < 40 ? len : 40), (const char *)t);
	if (!strncmp(type, "ecdsa-", 6))
		reason(why, wlen,
		       "an ECDSA SSH key: age has no ECDSA recipients; use an "
		       "ssh-ed25519 or ssh-rsa key");
	else if (!strncmp(type, "sk-", 3))
		reason(why, wlen,
		       "an SSH security-key (sk-) key: its secret never leaves the "
		       "token, so age cannot use it; use an ssh-ed25519 key");
	else if (strstr(type, "-cert-"))
		reason(why, wlen, "an SSH certificate: give the plain public key");
	else
		reason(why, wlen,
		       "an SSH key of a type age does not use (only ssh-ed25519 and "
		       "ssh-rsa)");
	return -EINVAL;
}

static int set_wire(struct age_ssh_key *k, const uint8_t *wire, size_t len)
{
	uint8_t h[32];

	k->wire = malloc(len);
	if (!k->wire)
		return -ENOMEM;
	memcpy(k->wire, wire, len);
	k->wire_len = len;
	crypto_hash_sha256(h, wire, len);
	memcpy(k->tag, h, sizeof(k->tag));
	return 0;
}

/* an EVP_PKEY from n, e and, for a key pair, d, p, q, iqmp (the CRT exponents computed) */
static int rsa_build(BIGNUM *const bn[6], bool pair, void **pkey)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	BN_CTX *bctx = BN_CTX_new();
	BIGNUM *dp = BN_secure_new(), *dq = BN_secure_new(), *t = BN_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pk = NULL;
	int ret = -ENOMEM;

	if (!bld || !ctx || !bctx || !dp || !dq || !t)
		goto out;
	ret = -EINVAL;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn[0]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn[1]))
		goto out;
	if (pair && (!BN_sub(t, bn[4], BN_value_one()) || !BN_mod(dp, bn[2], t, bctx) ||
		     !BN_sub(t, bn[5], BN_value_one()) || !BN_mod(dq, bn[2], t, bctx) ||
		     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, bn[2]) ||
		     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, bn[4]) ||
		     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, bn[5]) ||
		     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
		     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
		     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, bn[3])))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, pair ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;
	*pkey = pk;
	ret = 0;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_CTX_free(bctx);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_free(t);
	return ret;
}

static int rsa_bits_ok(const BIGNUM *n, char *why, size_t wlen)
{
	int bits = BN_num_bits(n);

	if (bits < RSA_MIN_BITS) {
		reason(why, wlen, "an ssh-rsa key under 2048 bits: too weak, refused as age does");
		return -EINVAL;
	}
	if (bits > RSA_MAX_BITS) {
		reason(why, wlen, "an ssh-rsa key over 16384 bits: refused");
		return -EINVAL;
	}
	return 0;
}

/* the public part of @wire (type first) into @k */
static int parse_public(const uint8_t *wire, size_t len, struct age_ssh_key *k, char *why,
			size_t wlen)
{
	struct wire w = { wire, len }, t = w;
	BIGNUM *bn[6] = { NULL };
	const uint8_t *type, *pk;
	size_t tlen, pklen;
	int ret = -EINVAL;

	memset(k, 0, sizeof(*k));
	if (wire_str(&w, &type, &tlen)) {
		reason(why, wlen, "a malformed SSH public key");
		return -EINVAL;
	}
	if (wire_is(&t, TYPE_ED25519)) {
		if (wire_str(&w, &pk, &pklen) || pklen != 32 || w.n ||
		    crypto_sign_ed25519_pk_to_curve25519(k->x_pk, pk) != 0) {
			reason(why, wlen, "a malformed ssh-ed25519 public key");
			return -EINVAL;
		}
	} else if (tlen == strlen(TYPE_RSA) && !memcmp(type, TYPE_RSA, tlen)) {
		/* the wire order is e, then n */
		bn[1] = wire_mpint(&w);
		bn[0] = bn[1] ? wire_mpint(&w) : NULL;
		if (!bn[0] || w.n) {
			reason(why, wlen, "a malformed ssh-rsa public key");
			goto out;
		}
		ret = rsa_bits_ok(bn[0], why, wlen);
		if (!ret)
			ret = rsa_build(bn, false, &k->pkey);
		if (ret)
			goto out;
		k->rsa = true;
	} else {
		return type_refused(type, tlen, why, wlen);
	}
	ret = set_wire(k, wire, len);
out:
	BN_free(bn[0]);
	BN_free(bn[1]);
	if (ret)
		age_ssh_key_clear(k);
	return ret;
}

bool age_ssh_is_public(const char *s)
{
	return !strncmp(s, "ssh-", 4) || !strncmp(s, "ecdsa-", 6) || !strncmp(s, "sk-", 3);
}

/* "type base64 [comment]": the type on the line must be the one inside the base64 */
static int parse_public_line(const char *s, struct age_ssh_key *k, char *why, size_t wlen)
{
	size_t tlen = strcspn(s, " "), n = 0;
	const char *b64 = s + tlen, *type;
	uint8_t *wire = malloc(WIRE_MAX);
	int ret = -EINVAL;

	memset(k, 0, sizeof(*k));
	if (!wire)
		return -ENOMEM;
	if (*b64 == ' ' && sodium_base642bin(wire, WIRE_MAX, b64 + 1, strcspn(b64 + 1, " \t"), NULL,
					     &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0)
		ret = parse_public(wire, n, k, why, wlen);
	else if ((tlen != strlen(TYPE_ED25519) || strncmp(s, TYPE_ED25519, tlen)) &&
		 (tlen != strlen(TYPE_RSA) || strncmp(s, TYPE_RSA, tlen)))
		ret = type_refused((const uint8_t *)s, tlen, why, wlen);
	else
		reason(why, wlen, "a malformed SSH public key line (type base64 [comment])");
	free(wire);
	if (ret)
		return ret;
	type = k->rsa ? TYPE_RSA : TYPE_ED25519;
	if (tlen != strlen(type) || strncmp(s, type, tlen)) {
		age_ssh_key_clear(k);
		reason(why, wlen, "an SSH public key line whose type is not the key's");
		return -EINVAL;
	}
	return 0;
}

int age_ssh_recipient_add(struct age_recipients **rs, const char *s, char *why, size_t len)
{
	struct age_ssh_key k;
	void *grown;
	int ret = parse_public_line(s, &k, why, len);

	if (ret)
		return ret;
	if (!*rs && !(*rs = calloc(1, sizeof(**rs)))) {
		age_ssh_key_clear(&k);
		return -ENOMEM;
	}
	grown = realloc((*rs)->ssh, ((*rs)->nssh + 1) * sizeof(*(*rs)->ssh));
	if (!grown) {
		age_ssh_key_clear(&k);
		return -ENOMEM;
	}
	(*rs)->ssh = grown;
	(*rs)->ssh[(*rs)->nssh++] = k;
	return 0;
}

void age_ssh_key_clear(struct age_ssh_key *k)
{
	if (!k)
		return;
	free(k->wire);
	EVP_PKEY_free(k->pkey);
	sodium_memzero(k, sizeof(*k));
}

static bool rsa_consistent(const struct age_ssh_key *k);

/* the private section holds the key of the public section */
static bool same_public(const EVP_PKEY *pkey, BIGNUM *const bn[2])
{
	BIGNUM *n = NULL, *e = NULL;
	bool same = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
		    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
		    !BN_cmp(n, bn[0]) && !BN_cmp(e, bn[1]);

	BN_free(n);
	BN_free(e);
	return same;
}

/*
 * n, e, d, iqmp, p, q belong together: n = pq, ed = 1 mod p - 1 and mod q - 1
 * (the checks Go's rsa.Validate makes for age), q iqmp = 1 mod p. A damaged d
 * would open nothing; a damaged p, q or iqmp would only be caught by
 * OpenSSL's check of each result and redone with d, so it passes a single
 * seal-and-open. Plain arithmetic: EVP_PKEY_pairwise_check() also proves p
 * and q prime, seconds for a large key (6 s for 8192 bits here).
 */
static bool rsa_parts_agree(BIGNUM *const bn[6])
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *ed = BN_secure_new(), *m = BN_secure_new(), *t = BN_secure_new();
	bool ok = ctx && ed && m && t && BN_mul(t, bn[4], bn[5], ctx) && !BN_cmp(t, bn[0]) &&
		  BN_mul(ed, bn[1], bn[2], ctx);

	for (int i = 4; ok && i < 6; i++)
		ok = BN_sub(m, bn[i], BN_value_one()) && !BN_is_zero(m) && BN_mod(t, ed, m, ctx) &&
		     BN_is_one(t);
	ok = ok && BN_mod_mul(t, bn[5], bn[3], bn[4], ctx) && BN_is_one(t);
	BN_CTX_free(ctx);
	BN_clear_free(ed);
	BN_clear_free(m);
	BN_clear_free(t);
	return ok;
}

/* the private section of an unencrypted openssh-key-v1 key, checked against its public key */
static int parse_private(struct wire *w, struct age_ssh_key *k, char *why, size_t wlen)
{
	const uint8_t *pk, *sk;
	size_t pklen, sklen;
	uint32_t c1, c2;
	uint8_t check[32];
	BIGNUM *bn[6] = { NULL };
	int i, ret = -EINVAL;

	if (wire_u32(w, &c1) || wire_u32(w, &c2) || c1 != c2)
		goto bad;
	if (!k->rsa) {
		if (!wire_is(w, TYPE_ED25519) || wire_str(w, &pk, &pklen) || pklen != 32 ||
		    wire_str(w, &sk, &sklen) || sklen != 64 || memcmp(sk + 32, pk, 32) ||
		    memcmp(k->wire + k->wire_len - 32, pk, 32))
			goto bad;
		/* the Ed25519 secret (seed || public key) as the X25519 scalar, which
		 * must give the public key: a damaged seed would open nothing */
		if (crypto_sign_ed25519_sk_to_curve25519(k->x_sk, sk) != 0 ||
		    crypto_scalarmult_base(check, k->x_sk) != 0 ||
		    sodium_memcmp(check, k->x_pk, sizeof(check)))
			goto bad;
		return 0;
	}
	if (!wire_is(w, TYPE_RSA))
		goto bad;
	/* n, e, d, iqmp, p, q */
	for (i = 0; i < 6; i++)
		if (!(bn[i] = wire_mpint(w)))
			goto bad;
	if (!same_public(k->pkey, bn) || !rsa_parts_agree(bn))
		goto bad;
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
	ret = rsa_build(bn, true, &k->pkey);
	if (ret == -ENOMEM)
		goto out;
	/* a refusal from here on is -EINVAL, not the 0 of rsa_build() */
	ret = -EINVAL;
	if (!k->pkey || !rsa_consistent(k))
		goto bad;
	ret = 0;
	goto out;
bad:
	reason(why, wlen, "a malformed OpenSSH private key");
out:
	for (i = 0; i < 6; i++)
		BN_clear_free(bn[i]);
	return ret;
}

/* the binary inside an "OPENSSH PRIVATE KEY" PEM block, in secure memory */
static int pem_decode(const char *text, uint8_t **bin, size_t *n)
{
	const char *b64 = text + strlen(OPENSSH_BEGIN), *end = strstr(b64, OPENSSH_END);
	size_t len;

	if (!end)
		return -EINVAL;
	len = (size_t)(end - b64);
	*bin = secmem_alloc(len + 1);
	if (!*bin)
		return -ENOMEM;
	if (sodium_base642bin(*bin, len + 1, b64, len, "\r\n", n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		secmem_free(*bin);
		*bin = NULL;
		return -EINVAL;
	}
	return 0;
}

/*
 * the comment and the padding 1, 2, 3... that fill the section to a whole
 * number of cipher blocks (OpenSSH pads to 8 bytes, libssh to 16)
 */
static int check_tail(struct wire *w)
{
	const uint8_t *c;
	size_t clen, i;

	if (wire_str(w, &c, &clen) || w->n >= 16)
		return -EINVAL;
	for (i = 0; i < w->n; i++)
		if (w->p[i] != i + 1)
			return -EINVAL;
	return 0;
}

/* the fields of an openssh-key-v1 container, each the content of its string */
struct container {
	struct wire cipher, kdf, opts, pub, sec;
	struct wire rest; /* after the private section: the tag of an AEAD cipher */
};

static int wire_field(struct wire *w, struct wire *field)
{
	return wire_str(w, &field->p, &field->n);
}

static bool field_is(const struct wire *field, const char *want)
{
	return field->n == strlen(want) && !memcmp(field->p, want, field->n);
}

/* openssh-key-v1: magic, cipher, KDF, KDF options, one public key, the private section */
static int split_container(const uint8_t *bin, size_t n, struct container *c)
{
	struct wire w = { bin, n };
	uint32_t nkeys;

	if (n < sizeof(OPENSSH_MAGIC) || memcmp(bin, OPENSSH_MAGIC, sizeof(OPENSSH_MAGIC)))
		return -EINVAL;
	w.p += sizeof(OPENSSH_MAGIC);
	w.n -= sizeof(OPENSSH_MAGIC);
	if (wire_field(&w, &c->cipher) || wire_field(&w, &c->kdf) || wire_field(&w, &c->opts) ||
	    wire_u32(&w, &nkeys) || nkeys != 1 || wire_field(&w, &c->pub) ||
	    wire_field(&w, &c->sec))
		return -EINVAL;
	c->rest = w;
	return 0;
}

/* an unencrypted private section: check ints, the key, comment and padding */
static int read_private(const struct wire *sec, struct age_ssh_key *k, char *why, size_t wlen)
{
	struct wire priv = *sec;

	if (sec->n % 8 || parse_private(&priv, k, why, wlen) || check_tail(&priv)) {
		reason(why, wlen, "a malformed OpenSSH private key");
		return -EINVAL;
	}
	return 0;
}

/* *@sealed: the private section is encrypted (only the public key is filled in) */
static int parse_container(const uint8_t *bin, size_t n, struct age_ssh_key *k, bool *sealed,
			   char *why, size_t wlen)
{
	struct container c;
	int ret;

	reason(why, wlen, "a malformed OpenSSH private key");
	if (split_container(bin, n, &c))
		return -EINVAL;
	ret = parse_public(c.pub.p, c.pub.n, k, why, wlen);
	if (ret)
		return ret;
	*sealed = !field_is(&c.cipher, "none");
	if (*sealed)
		return 0;
	if (!field_is(&c.kdf, "none") || c.opts.n || c.rest.n) {
		reason(why, wlen, "a malformed OpenSSH private key");
		return -EINVAL;
	}
	return read_private(&c.sec, k, why, wlen);
}

static int parse_text(const char *text, struct age_ssh_key *k, bool *sealed, char *why, size_t wlen)
{
	uint8_t *bin = NULL;
	size_t n = 0;
	int ret = pem_decode(text, &bin, &n);

	if (ret == -EINVAL)
		reason(why, wlen, "a malformed OpenSSH private key (PEM armor or base64)");
	if (!ret)
		ret = parse_container(bin, n, k, sealed, why, wlen);
	secmem_free(bin);
	return ret;
}

/* the ciphers ssh-keygen encrypts private keys with (-Z) that are read here */
struct key_cipher {
	const char *name;
	const EVP_CIPHER *(*evp)(void);
	size_t key_len, iv_len, tag_len;
};

static const struct key_cipher key_ciphers[] = {
	{ "aes256-ctr", EVP_aes_256_ctr, 32, 16, 0 }, /* ssh-keygen's default */
	{ "aes192-ctr", EVP_aes_192_ctr, 24, 16, 0 },
	{ "aes128-ctr", EVP_aes_128_ctr, 16, 16, 0 },
	{ "aes256-cbc", EVP_aes_256_cbc, 32, 16, 0 }, /* the default of OpenSSH 6.5 to 7.7 */
	{ "aes192-cbc", EVP_aes_192_cbc, 24, 16, 0 },
	{ "aes128-cbc", EVP_aes_128_cbc, 16, 16, 0 },
	{ "aes256-gcm@openssh.com", EVP_aes_256_gcm, 32, 12, 16 },
	{ "aes128-gcm@openssh.com", EVP_aes_128_gcm, 16, 12, 16 },
};

static const struct key_cipher *key_cipher_find(const struct wire *name)
{
	for (size_t i = 0; i < sizeof(key_ciphers) / sizeof(key_ciphers[0]); i++)
		if (field_is(name, key_ciphers[i].name))
			return &key_ciphers[i];
	return NULL;
}

/*
 * The private section decrypted with @kiv (key, then IV) into @out: AES
 * blocks, no padding of OpenSSL's (the section is padded to the block size
 * inside); an AEAD tag that does not match is a wrong passphrase, as OpenSSH
 * takes it
 */
static int key_decrypt(const struct key_cipher *ci, const uint8_t *kiv, const struct container *c,
		       uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0, ret = -EIO;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DecryptInit_ex(ctx, ci->evp(), NULL, NULL, NULL) != 1 ||
	    (ci->tag_len &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)ci->iv_len, NULL) != 1) ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, kiv, kiv + ci->key_len) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_DecryptUpdate(ctx, out, &len, c->sec.p, (int)c->sec.n) != 1 ||
	    (ci->tag_len && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)ci->tag_len,
						(void *)c->rest.p) != 1))
		goto out;
	if (EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1)
		ret = 0;
	else if (ci->tag_len)
		ret = -EKEYREJECTED;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/* kdfname "bcrypt": the options are the salt and the rounds */
static int key_kdf(const struct container *c, const struct key_cipher *ci, const char *pass,
		   uint8_t *kiv, char *why, size_t wlen)
{
	struct wire o = c->opts;
	const uint8_t *salt;
	size_t salt_len;
	uint32_t rounds;
	int ret;

	if (wire_str(&o, &salt, &salt_len) || wire_u32(&o, &rounds) || o.n || !salt_len ||
	    salt_len > BCRYPT_PBKDF_SALT_MAX || !rounds) {
		reason(why, wlen, "a malformed OpenSSH private key (bcrypt options)");
		return -EINVAL;
	}
	if (rounds > BCRYPT_ROUNDS_MAX) {
		reason(why, wlen,
		       "an OpenSSH private key asking over 65536 bcrypt rounds: refused");
		return -EINVAL;
	}
	/* OpenSSH protects nothing with an empty passphrase: it cannot be this key's */
	ret = bcrypt_pbkdf((const uint8_t *)pass, strlen(pass), salt, salt_len, kiv,
			   ci->key_len + ci->iv_len, rounds);
	return ret == -EINVAL ? -EKEYREJECTED : ret;
}

/*
 * What ssh-keygen asks of a protected key before the passphrase: a cipher
 * read here, kdfname "bcrypt", whole cipher blocks, an AEAD tag where one
 * belongs
 */
static int key_sealed_shape(const struct container *c, const struct key_cipher **ci, char *why,
			    size_t wlen)
{
	*ci = key_cipher_find(&c->cipher);
	if (!*ci) {
		reason(why, wlen,
		       "an OpenSSH private key encrypted with a cipher not read here (only "
		       "aes-ctr, aes-cbc and aes-gcm): change it with ssh-keygen -p -Z aes256-ctr");
		return -ENOTSUP;
	}
	if (!field_is(&c->kdf, "bcrypt")) {
		reason(why, wlen, "an OpenSSH private key with a KDF other than bcrypt: refused");
		return -ENOTSUP;
	}
	if (!c->sec.n || c->sec.n % 16 || c->sec.n > INT32_MAX || c->rest.n != (*ci)->tag_len) {
		reason(why, wlen, "a malformed OpenSSH private key");
		return -EINVAL;
	}
	return 0;
}

/*
 * A protected key decrypted here: the passphrase asked once, bcrypt_pbkdf,
 * AES; the check ints that differ are a wrong passphrase, then the private
 * section is read as an unprotected one's is
 */
static int open_bcrypt(const char *text, const char *path, const struct age_key_pass *kp,
		       struct age_ssh_key *k, char *why, size_t wlen)
{
	const struct key_cipher *ci;
	uint8_t *bin = NULL, *kiv = NULL, *plain = NULL;
	struct container c;
	char *pass = NULL;
	size_t n = 0;
	int ret = pem_decode(text, &bin, &n);

	if (!ret && split_container(bin, n, &c))
		ret = -EINVAL;
	if (!ret)
		ret = key_sealed_shape(&c, &ci, why, wlen);
	if (ret)
		goto out;
	ret = kp->get(kp->usr, path, &pass);
	if (ret)
		goto out;
	ret = -ENOMEM;
	kiv = secmem_alloc(ci->key_len + ci->iv_len);
	plain = secmem_alloc(c.sec.n);
	if (!kiv || !plain)
		goto out;
	ret = key_kdf(&c, ci, pass, kiv, why, wlen);
	if (!ret)
		ret = key_decrypt(ci, kiv, &c, plain);
	if (ret)
		goto out;
	if (c.sec.n < 8 || memcmp(plain, plain + 4, 4)) {
		ret = -EKEYREJECTED;
		goto out;
	}
	ret = read_private(&(struct wire){ plain, c.sec.n }, k, why, wlen);
out:
	secmem_free(plain);
	secmem_free(kiv);
	secmem_free(pass);
	secmem_free(bin);
	return ret;
}

/* libssh opens the key with bcrypt-pbkdf and gives an ssh-ed25519 key back unprotected */
static int open_sealed(const char *text, const char *path, const struct age_key_pass *kp,
		       struct age_ssh_key *k, char *why, size_t wlen)
{
	struct age_ssh_key *plain = secmem_alloc(sizeof(*plain));
	char *pass = NULL, *out = NULL;
	ssh_key key = NULL;
	bool sealed = true;
	int ret;

	if (!plain)
		return -ENOMEM;
	memset(plain, 0, sizeof(*plain));
	ret = kp->get(kp->usr, path, &pass);
	if (ret)
		goto out;
	ret = -EKEYREJECTED;
	if (ssh_pki_import_privkey_base64(text, pass, NULL, NULL, &key) != SSH_OK)
		goto out;
	ret = -ENOMEM;
	if (ssh_key_type(key) != SSH_KEYTYPE_ED25519 ||
	    ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &out) != SSH_OK)
		goto out;
	ret = strncmp(out, OPENSSH_BEGIN, strlen(OPENSSH_BEGIN)) ?
		      -EINVAL :
		      parse_text(out, plain, &sealed, why, wlen);
	if (!ret && (sealed || plain->wire_len != k->wire_len ||
		     memcmp(plain->wire, k->wire, k->wire_len))) {
		reason(why, wlen, "the OpenSSH private key opened to another key");
		ret = -EINVAL;
	}
	if (!ret)
		memcpy(k->x_sk, plain->x_sk, sizeof(k->x_sk));
out:
	if (out) {
		sodium_memzero(out, strlen(out));
		ssh_string_free_char(out);
	}
	ssh_key_free(key);
	secmem_free(pass);
	age_ssh_key_clear(plain);
	secmem_free(plain);
	return ret;
}

bool age_ssh_is_private(const char *text)
{
	return !strncmp(text, PEM_BEGIN, strlen(PEM_BEGIN));
}

static int unseal(const char *text, const char *path, const struct age_key_pass *kp,
		  struct age_ssh_key *k, char *why, size_t wlen)
{
	if (!kp) {
		reason(why, wlen, "the OpenSSH private key is protected by a passphrase");
		return -ENOKEY;
	}
	/*
	 * libssh 0.10 (Debian 12: 0.10.6) opens a protected ssh-rsa key, but
	 * with OpenSSL 3 it builds the key from n, e and d alone, dropping p
	 * and q, so its only way out, ssh_pki_export_privkey_base64() as PEM,
	 * fails (SSH_ERROR for every OpenSSH-format RSA key, with or without a
	 * passphrase, after ssh_key_dup() too): such keys are decrypted here.
	 */
	if (k->rsa)
		return open_bcrypt(text, path, kp, k, why, wlen);
	return open_sealed(text, path, kp, k, why, wlen);
}

int age_ssh_identity_add(struct age_identities **ids, const char *text, size_t len,
			 const char *path, const struct age_key_pass *kp, char *why, size_t wlen)
{
	struct age_identities *node = secmem_alloc(sizeof(*node));
	struct age_ssh_key *k = secmem_alloc(sizeof(*k));
	bool sealed = false;
	int ret = -ENOMEM;

	if (!node || !k)
		goto out;
	memset(k, 0, sizeof(*k));
	ret = -EINVAL;
	if (len < strlen(OPENSSH_BEGIN) || strncmp(text, OPENSSH_BEGIN, strlen(OPENSSH_BEGIN))) {
		reason(why, wlen,
		       "a PEM private key (RSA, EC or PKCS#8): only the OpenSSH format "
		       "is read; convert a copy with ssh-keygen -p -f FILE");
		goto out;
	}
	ret = parse_text(text, k, &sealed, why, wlen);
	if (!ret && sealed)
		ret = unseal(text, path, kp, k, why, wlen);
	if (ret)
		goto out;
	memset(node, 0, sizeof(*node));
	node->ssh = k;
	k = NULL;
	age_identities_append(ids, node);
	node = NULL;
out:
	age_ssh_key_clear(k);
	secmem_free(k);
	secmem_free(node);
	return ret;
}

/*
 * The ssh-ed25519 wrap key: the shared secret is first multiplied by a
 * scalar bound to the SSH key, so the stanza is not one an X25519 identity
 * made from the same key would open.
 */
static int ed_wrap_key(const struct age_ssh_key *k, const uint8_t shared[32],
		       const uint8_t share[32], uint8_t key[AGE_KEY_LEN])
{
	static const uint8_t empty[1];
	uint8_t *sec = secmem_alloc(64); /* tweak, tweaked secret */
	uint8_t salt[64];
	int ret;

	if (!sec)
		return -ENOMEM;
	ret = age_hkdf(empty, 0, k->wire, k->wire_len, ED25519_LABEL, sec);
	if (!ret && crypto_scalarmult(sec + 32, sec, shared) != 0)
		ret = -EBADMSG;
	memcpy(salt, share, 32);
	memcpy(salt + 32, k->x_pk, 32);
	if (!ret)
		ret = age_hkdf(sec + 32, 32, salt, sizeof(salt), ED25519_LABEL, key);
	secmem_free(sec);
	return ret;
}

static int stanza_init(struct age_stanza *st, const char *type, const struct age_ssh_key *k,
		       size_t body_len)
{
	char tag[16];

	st->type = strdup(type);
	st->body = malloc(body_len);
	if (!st->type || !st->body || age_b64_encode(k->tag, 4, tag, sizeof(tag)) < 0)
		return -ENOMEM;
	st->args[0] = strdup(tag);
	if (!st->args[0])
		return -ENOMEM;
	st->nargs = 1;
	st->body_len = body_len;
	return 0;
}

static int ed_wrap(const struct age_ssh_key *k, const uint8_t *file_key, struct age_stanza *st)
{
	uint8_t *sec = secmem_alloc(64 + AGE_KEY_LEN); /* ephemeral, shared, wrap key */
	uint8_t share[32];
	char arg[64];
	int ret = -EINVAL;

	if (!sec)
		return -ENOMEM;
	randombytes_buf(sec, 32);
	if (crypto_scalarmult_base(share, sec) != 0 || crypto_scalarmult(sec + 32, sec, k->x_pk))
		goto out;
	ret = ed_wrap_key(k, sec + 32, share, sec + 64);
	if (!ret)
		ret = stanza_init(st, TYPE_ED25519, k, AGE_FILE_KEY_LEN + AGE_TAG_LEN);
	if (!ret && age_b64_encode(share, 32, arg, sizeof(arg)) < 0)
		ret = -EIO;
	if (!ret && !(st->args[1] = strdup(arg)))
		ret = -ENOMEM;
	if (ret)
		goto out;
	st->nargs = 2;
	ret = age_aead_wrap(sec + 64, file_key, st->body);
out:
	secmem_free(sec);
	return ret;
}

/* RSA-OAEP with SHA-256 for the hash and MGF1, and the age label */
static EVP_PKEY_CTX *oaep_ctx(void *pkey, bool decrypt)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	void *label = OPENSSL_memdup(RSA_LABEL, strlen(RSA_LABEL));

	if (!ctx || !label ||
	    (decrypt ? EVP_PKEY_decrypt_init(ctx) : EVP_PKEY_encrypt_init(ctx)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, strlen(RSA_LABEL)) != 1) {
		OPENSSL_free(label);
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int rsa_wrap(const struct age_ssh_key *k, const uint8_t *file_key, struct age_stanza *st)
{
	EVP_PKEY_CTX *ctx = oaep_ctx(k->pkey, false);
	size_t len = 0;
	int ret = -ENOMEM;

	if (!ctx)
		return -ENOMEM;
	if (EVP_PKEY_encrypt(ctx, NULL, &len, file_key, AGE_FILE_KEY_LEN) == 1)
		ret = stanza_init(st, TYPE_RSA, k, len);
	if (!ret && EVP_PKEY_encrypt(ctx, st->body, &len, file_key, AGE_FILE_KEY_LEN) != 1)
		ret = -EIO;
	st->body_len = len;
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

int age_ssh_wrap(const struct age_ssh_key *k, const uint8_t *file_key, struct age_stanza *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	ret = k->rsa ? rsa_wrap(k, file_key, st) : ed_wrap(k, file_key, st);
	if (ret)
		age_stanza_clear(st);
	return ret;
}

/* the spec's shape of an SSH stanza: the tag, the share (ssh-ed25519), the body */
static int ssh_check(const struct age_stanza *st, bool rsa, uint8_t tag[4], uint8_t share[32])
{
	size_t n = 0, m = 0;

	if (st->nargs != (rsa ? 1u : 2u) ||
	    age_b64_decode(st->args[0], strlen(st->args[0]), tag, 4, &n) || n != 4)
		return -EBADMSG;
	if (rsa)
		return st->body_len ? 0 : -EBADMSG;
	if (age_b64_decode(st->args[1], strlen(st->args[1]), share, 32, &m) || m != 32 ||
	    st->body_len != AGE_FILE_KEY_LEN + AGE_TAG_LEN)
		return -EBADMSG;
	return 0;
}

static int rsa_unwrap(const struct age_ssh_key *k, const struct age_stanza *st, uint8_t *file_key)
{
	EVP_PKEY_CTX *ctx = oaep_ctx(k->pkey, true);
	uint8_t *out = secmem_alloc(st->body_len);
	size_t len = st->body_len;
	int ret = -ENOMEM;

	if (ctx && out) {
		/* a stanza for another key with the same tag: not this identity's */
		ret = EVP_PKEY_decrypt(ctx, out, &len, st->body, st->body_len) == 1 &&
				      len == AGE_FILE_KEY_LEN ?
			      0 :
			      -EKEYREJECTED;
		if (!ret)
			memcpy(file_key, out, AGE_FILE_KEY_LEN);
	}
	secmem_free(out);
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

static int ed_unwrap(const struct age_ssh_key *k, const struct age_stanza *st,
		     const uint8_t share[32], uint8_t *file_key)
{
	uint8_t *sec = secmem_alloc(32 + AGE_KEY_LEN); /* shared secret, wrap key */
	int ret;

	if (!sec)
		return -ENOMEM;
	ret = crypto_scalarmult(sec, k->x_sk, share) != 0 ? -EBADMSG : 0;
	if (!ret)
		ret = ed_wrap_key(k, sec, share, sec + 32);
	if (!ret)
		ret = age_aead_unwrap(sec + 32, st->body, st->body_len, file_key);
	secmem_free(sec);
	return ret;
}

/* -EKEYREJECTED: not for this identity */
static int try_ssh(const struct age_identities *id, const struct age_stanza *st, bool rsa,
		   uint8_t *file_key)
{
	uint8_t tag[4], share[32];

	if (!id->ssh || id->ssh->rsa != rsa)
		return -EKEYREJECTED;
	ssh_check(st, rsa, tag, share);
	if (memcmp(tag, id->ssh->tag, sizeof(tag)))
		return -EKEYREJECTED;
	return rsa ? rsa_unwrap(id->ssh, st, file_key) : ed_unwrap(id->ssh, st, share, file_key);
}

static int ssh_kind(const struct age_stanza *st)
{
	return !strcmp(st->type, TYPE_RSA) ? 1 : !strcmp(st->type, TYPE_ED25519) ? 0 : -1;
}

int age_ssh_unwrap(const struct age_identities *ids, const struct age_header *h, uint8_t *file_key)
{
	uint8_t tag[4], share[32];
	size_t i;
	int kind, ret;

	for (i = 0; i < h->n; i++)
		if ((kind = ssh_kind(&h->s[i])) >= 0 && ssh_check(&h->s[i], kind, tag, share))
			return -EBADMSG;
	for (i = 0; i < h->n; i++) {
		const struct age_identities *id;

		if ((kind = ssh_kind(&h->s[i])) < 0)
			continue;
		for (id = ids; id; id = id->next) {
			ret = try_ssh(id, &h->s[i], kind, file_key);
			if (ret != -EKEYREJECTED)
				return ret;
		}
	}
	return -ENOKEY;
}

/*
 * d, p, q and the rest belong together: a damaged key, which would open
 * nothing, is found when it is read, by opening what its public key sealed
 */
static bool rsa_consistent(const struct age_ssh_key *k)
{
	uint8_t probe[AGE_FILE_KEY_LEN], back[AGE_FILE_KEY_LEN];
	struct age_stanza st = { 0 };
	bool ok;

	randombytes_buf(probe, sizeof(probe));
	if (rsa_wrap(k, probe, &st) != 0) {
		age_stanza_clear(&st);
		return false;
	}
	ok = !rsa_unwrap(k, &st, back) && !sodium_memcmp(probe, back, sizeof(back));
	age_stanza_clear(&st);
	sodium_memzero(back, sizeof(back));
	return ok;
}
