// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scrypt (passphrase) stanza: wrap key = scrypt(N = 2^log_n, r = 8,
 * p = 1, S = "age-encryption.org/v1/scrypt" || salt, P = passphrase).
 */
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "secmem.h"

#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"
#define SALT_LEN 16

static int derive(const char *pass, const uint8_t salt[SALT_LEN], unsigned log_n,
		  uint8_t key[AGE_KEY_LEN])
{
	uint8_t s[sizeof(SCRYPT_LABEL) - 1 + SALT_LEN];

	memcpy(s, SCRYPT_LABEL, sizeof(SCRYPT_LABEL) - 1);
	memcpy(s + sizeof(SCRYPT_LABEL) - 1, salt, SALT_LEN);
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass, strlen(pass), s, sizeof(s),
						  (uint64_t)1 << log_n, 8, 1, key,
						  AGE_KEY_LEN) != 0)
		return errno == ENOMEM ? -ENOMEM : -EIO;
	return 0;
}

int age_scrypt_wrap(const char *pass, unsigned log_n, const uint8_t *file_key,
		    struct age_stanza *st)
{
	uint8_t *key = secmem_alloc(AGE_KEY_LEN);
	uint8_t salt[SALT_LEN];
	char arg[32] = "", num[16];
	int ret = -ENOMEM;

	memset(st, 0, sizeof(*st));
	if (!key)
		return -ENOMEM;
	randombytes_buf(salt, sizeof(salt));
	ret = derive(pass, salt, log_n, key);
	if (ret)
		goto out;
	ret = -ENOMEM;
	snprintf(num, sizeof(num), "%u", log_n);
	st->type = strdup("scrypt");
	st->body = malloc(AGE_FILE_KEY_LEN + AGE_TAG_LEN);
	if (!st->type || !st->body || age_b64_encode(salt, SALT_LEN, arg, sizeof(arg) - 1) < 0)
		goto out;
	st->args[0] = strdup(arg);
	st->args[1] = strdup(num);
	st->nargs = 2;
	if (!st->args[0] || !st->args[1])
		goto out;
	st->body_len = AGE_FILE_KEY_LEN + AGE_TAG_LEN;
	ret = age_aead_wrap(key, file_key, st->body);
out:
	secmem_free(key);
	if (ret)
		age_stanza_clear(st);
	return ret;
}

/* ^[1-9][0-9]*$, and small enough to be a shift */
static int parse_log_n(const char *s, unsigned *log_n)
{
	unsigned v = 0;

	if (*s < '1' || *s > '9')
		return -EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EBADMSG;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 63)
			return -EBADMSG;
	}
	*log_n = v;
	return 0;
}

int age_scrypt_check(const struct age_stanza *st, uint8_t salt[16], unsigned *log_n)
{
	size_t n = 0;

	if (st->nargs != 2 || st->body_len != AGE_FILE_KEY_LEN + AGE_TAG_LEN ||
	    age_b64_decode(st->args[0], strlen(st->args[0]), salt, SALT_LEN, &n) != 0 ||
	    n != SALT_LEN || parse_log_n(st->args[1], log_n) != 0)
		return -EBADMSG;
	return 0;
}

int age_scrypt_unwrap(const struct age_stanza *st, const uint8_t salt[16], unsigned log_n,
		      const char *pass, uint8_t *file_key)
{
	uint8_t *key = secmem_alloc(AGE_KEY_LEN);
	int ret;

	if (!key)
		return -ENOMEM;
	ret = derive(pass, salt, log_n, key);
	if (!ret)
		ret = age_aead_unwrap(key, st->body, st->body_len, file_key);
	secmem_free(key);
	return ret;
}
