// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcrypt_pbkdf, written from OpenBSD's bcrypt_pbkdf(3) and the published
 * algorithm, with the Blowfish it needs. Neither OpenSSL 3, libsodium,
 * libgcrypt nor nettle in Debian 12 has bcrypt_pbkdf, and OpenSSL's EVP
 * Blowfish hides the P-array and S-boxes that the expensive key schedule
 * rewrites. SHA-512 comes from OpenSSL; every intermediate value lives in
 * secure memory and is wiped.
 */
#include "config.h"

#include <errno.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

#include "bcrypt_pbkdf.h"
#include "blowfish_pi.h"
#include "secmem.h"

#define HASH_LEN 32 /* one bcrypt hash */
#define SHA512_LEN 64
#define HASH_ROUNDS 64 /* key schedules, then encryptions, in one bcrypt hash */
#define MAGIC "OxychromaticBlowfishSwatDynamite"

struct blowfish {
	uint32_t p[18];
	uint32_t s[4][256];
};

/* all the secrets of one derivation, in one secure allocation */
struct pbkdf_state {
	struct blowfish bf;
	uint8_t sha_pass[SHA512_LEN];
	uint8_t sha_salt[SHA512_LEN];
	uint8_t hash[HASH_LEN]; /* the last round's bcrypt hash */
	uint8_t sum[HASH_LEN];	/* the XOR of every round's */
	uint32_t block[HASH_LEN / 4];
};

static uint32_t bf_f(const struct blowfish *bf, uint32_t x)
{
	return ((bf->s[0][x >> 24] + bf->s[1][(x >> 16) & 0xff]) ^ bf->s[2][(x >> 8) & 0xff]) +
	       bf->s[3][x & 0xff];
}

static void bf_encrypt(const struct blowfish *bf, uint32_t *l, uint32_t *r)
{
	uint32_t xl = *l, xr = *r, t;
	int i;

	for (i = 0; i < 16; i++) {
		xl ^= bf->p[i];
		xr ^= bf_f(bf, xl);
		t = xl;
		xl = xr;
		xr = t;
	}
	/* the last swap is undone */
	*r = xl ^ bf->p[16];
	*l = xr ^ bf->p[17];
}

/* the next 4 bytes of @data, big-endian, wrapping round to its start */
static uint32_t next_word(const uint8_t *data, size_t len, size_t *pos)
{
	uint32_t w = 0;
	int i;

	for (i = 0; i < 4; i++) {
		w = w << 8 | data[*pos];
		*pos = (*pos + 1) % len;
	}
	return w;
}

/*
 * EksBlowfish's key schedule: @key into the P-array, then the P-array and
 * S-boxes replaced in turn by a chain of encryptions, each block first XORed
 * with the next 8 bytes of @salt (none when @salt is NULL: "expand0state")
 */
static void bf_expand(struct blowfish *bf, const uint8_t *salt, size_t salt_len, const uint8_t *key,
		      size_t key_len)
{
	uint32_t *words = bf->p, l = 0, r = 0;
	size_t kpos = 0, spos = 0, i;

	for (i = 0; i < 18; i++)
		bf->p[i] ^= next_word(key, key_len, &kpos);
	/* p[] and s[][] follow each other in struct blowfish: one run of 1042 words */
	for (i = 0; i < sizeof(*bf) / 4; i += 2) {
		if (salt) {
			l ^= next_word(salt, salt_len, &spos);
			r ^= next_word(salt, salt_len, &spos);
		}
		bf_encrypt(bf, &l, &r);
		words[i] = l;
		words[i + 1] = r;
	}
}

/* one bcrypt hash of the hashed passphrase and salt into st->hash (little-endian words) */
static void bcrypt_hash(struct pbkdf_state *st)
{
	struct blowfish *bf = &st->bf;
	size_t pos = 0;
	int i, j;

	memcpy(bf->p, blowfish_pi_p, sizeof(bf->p));
	memcpy(bf->s, blowfish_pi_s, sizeof(bf->s));
	bf_expand(bf, st->sha_salt, SHA512_LEN, st->sha_pass, SHA512_LEN);
	for (i = 0; i < HASH_ROUNDS; i++) {
		bf_expand(bf, NULL, 0, st->sha_salt, SHA512_LEN);
		bf_expand(bf, NULL, 0, st->sha_pass, SHA512_LEN);
	}
	for (j = 0; j < HASH_LEN / 4; j++)
		st->block[j] = next_word((const uint8_t *)MAGIC, strlen(MAGIC), &pos);
	for (i = 0; i < HASH_ROUNDS; i++)
		for (j = 0; j < HASH_LEN / 4; j += 2)
			bf_encrypt(bf, &st->block[j], &st->block[j + 1]);
	for (j = 0; j < HASH_LEN / 4; j++) {
		st->hash[4 * j] = (uint8_t)st->block[j];
		st->hash[4 * j + 1] = (uint8_t)(st->block[j] >> 8);
		st->hash[4 * j + 2] = (uint8_t)(st->block[j] >> 16);
		st->hash[4 * j + 3] = (uint8_t)(st->block[j] >> 24);
	}
}

static int sha512(EVP_MD_CTX *md, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		  uint8_t out[SHA512_LEN])
{
	if (EVP_DigestInit_ex(md, EVP_sha512(), NULL) != 1 || EVP_DigestUpdate(md, a, alen) != 1 ||
	    (blen && EVP_DigestUpdate(md, b, blen) != 1) || EVP_DigestFinal_ex(md, out, NULL) != 1)
		return -EIO;
	return 0;
}

/* block @count (from 1) of the output: the XOR of @rounds chained bcrypt hashes, in st->sum */
static int pbkdf_block(struct pbkdf_state *st, EVP_MD_CTX *md, const uint8_t *salt, size_t salt_len,
		       uint32_t count, uint32_t rounds)
{
	const uint8_t be[4] = { count >> 24, count >> 16, count >> 8, count };
	uint32_t r;
	int i;

	if (sha512(md, salt, salt_len, be, sizeof(be), st->sha_salt))
		return -EIO;
	bcrypt_hash(st);
	memcpy(st->sum, st->hash, HASH_LEN);
	for (r = 1; r < rounds; r++) {
		if (sha512(md, st->hash, HASH_LEN, NULL, 0, st->sha_salt))
			return -EIO;
		bcrypt_hash(st);
		for (i = 0; i < HASH_LEN; i++)
			st->sum[i] ^= st->hash[i];
	}
	return 0;
}

int bcrypt_pbkdf(const uint8_t *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
		 uint8_t *key, size_t key_len, uint32_t rounds)
{
	/* block b's byte i goes to key[i * stride + b - 1]: every block feeds the whole key */
	size_t stride = (key_len + HASH_LEN - 1) / HASH_LEN, i, dest;
	struct pbkdf_state *st = NULL;
	EVP_MD_CTX *md = NULL;
	uint32_t count;
	int ret = -EINVAL;

	if (!pass_len || !salt_len || salt_len > BCRYPT_PBKDF_SALT_MAX || !key_len ||
	    key_len > BCRYPT_PBKDF_KEY_MAX || !rounds)
		goto out;
	ret = -ENOMEM;
	st = secmem_alloc(sizeof(*st));
	md = EVP_MD_CTX_new();
	if (!st || !md)
		goto out;
	ret = sha512(md, pass, pass_len, NULL, 0, st->sha_pass);
	for (count = 1; !ret && count <= stride; count++) {
		ret = pbkdf_block(st, md, salt, salt_len, count, rounds);
		for (i = 0; !ret && i < HASH_LEN; i++) {
			dest = i * stride + count - 1;
			if (dest >= key_len)
				break;
			key[dest] = st->sum[i];
		}
	}
out:
	if (ret && key)
		sodium_memzero(key, key_len);
	/* the digest context held the passphrase and the hashes */
	EVP_MD_CTX_free(md);
	secmem_free(st);
	return ret;
}
