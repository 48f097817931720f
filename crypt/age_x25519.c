// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * X25519 recipients and identities (age1... / AGE-SECRET-KEY-1...) and their
 * stanzas: wrap key = HKDF-SHA-256(X25519 shared secret,
 * salt = ephemeral share || recipient, info = "age-encryption.org/v1/X25519").
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "bech32.h"
#include "secmem.h"

#define X25519_INFO "age-encryption.org/v1/X25519"
#define HRP_PUBLIC "age"
#define HRP_SECRET "age-secret-key-"
#define HRP_SECRET_UPPER "AGE-SECRET-KEY-" /* the only case age reads identities in */

static void reason(char *why, size_t len, const char *s)
{
	if (why && len)
		snprintf(why, len, "%s", s);
}

/* a point of small order gives the all-zero secret for every scalar */
static bool low_order(const uint8_t pk[32])
{
	uint8_t sk[32], shared[32];
	int r;

	randombytes_buf(sk, sizeof(sk));
	r = crypto_scalarmult(shared, sk, pk);
	secmem_wipe(sk, sizeof(sk));
	secmem_wipe(shared, sizeof(shared));
	return r != 0;
}

int age_recipient_add(struct age_recipients **rs, const char *s, char *why, size_t len)
{
	char hrp[16];
	uint8_t pk[64];
	size_t n = 0;
	void *grown;

	if (s && age_ssh_is_public(s))
		return age_ssh_recipient_add(rs, s, why, len);
	if (!s || bech32_decode(s, hrp, sizeof(hrp), pk, sizeof(pk), &n) != 0 ||
	    strcmp(hrp, HRP_PUBLIC) != 0) {
		reason(why, len, "not an age recipient (age1...): bad encoding or checksum");
		return -EINVAL;
	}
	if (n != 32) {
		reason(why, len, "not an X25519 age recipient: wrong length");
		return -EINVAL;
	}
	if (low_order(pk)) {
		reason(why, len, "not a usable X25519 public key (a point of small order)");
		return -EINVAL;
	}
	if (!*rs) {
		*rs = calloc(1, sizeof(**rs));
		if (!*rs)
			return -ENOMEM;
	}
	grown = realloc((*rs)->pk, ((*rs)->n + 1) * sizeof(*(*rs)->pk));
	if (!grown)
		return -ENOMEM;
	(*rs)->pk = grown;
	memcpy((*rs)->pk[(*rs)->n++], pk, 32);
	return 0;
}

void age_recipients_free(struct age_recipients *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nssh; i++)
		age_ssh_key_clear(&rs->ssh[i]);
	free(rs->ssh);
	free(rs->pk);
	free(rs);
}

size_t age_recipients_count(const struct age_recipients *rs)
{
	return rs ? rs->n + rs->nssh : 0;
}

const uint8_t *age_recipients_key(const struct age_recipients *rs, size_t i)
{
	return rs->pk[i];
}

int age_identity_add(struct age_identities **ids, const char *s, char *why, size_t len)
{
	struct age_identities *node = secmem_alloc(sizeof(*node));
	uint8_t *data = secmem_alloc(64);
	char hrp[24];
	size_t n = 0;
	int ret = -EINVAL;

	if (!node || !data) {
		ret = -ENOMEM;
		goto out;
	}
	if (!s || bech32_decode(s, hrp, sizeof(hrp), data, 64, &n) != 0 ||
	    strcmp(hrp, HRP_SECRET_UPPER) != 0) {
		reason(why, len,
		       "not an age identity (AGE-SECRET-KEY-1...): bad encoding or "
		       "checksum");
		goto out;
	}
	if (n != 32) {
		reason(why, len, "not an X25519 age identity: wrong length");
		goto out;
	}
	memcpy(node->sk, data, 32);
	if (crypto_scalarmult_base(node->pk, node->sk) != 0) {
		reason(why, len, "not a usable X25519 identity");
		goto out;
	}
	node->ssh = NULL;
	age_identities_append(ids, node);
	node = NULL;
	ret = 0;
out:
	secmem_free(data);
	secmem_free(node);
	return ret;
}

void age_identities_append(struct age_identities **ids, struct age_identities *node)
{
	/* keep the order of the command line: the first identity is tried first */
	node->next = NULL;
	while (*ids)
		ids = &(*ids)->next;
	*ids = node;
}

void age_identities_free(struct age_identities *ids)
{
	while (ids) {
		struct age_identities *next = ids->next;

		age_ssh_key_clear(ids->ssh);
		secmem_free(ids->ssh);
		secmem_free(ids);
		ids = next;
	}
}

int age_identity_recipient(const char *s, char pub[128])
{
	struct age_identities *ids = NULL;
	int ret = age_identity_add(&ids, s, NULL, 0);

	memset(pub, 0, 128);
	if (!ret && bech32_encode(HRP_PUBLIC, ids->pk, 32, pub, 127))
		ret = -EIO;
	age_identities_free(ids);
	return ret;
}

int age_keygen(char **secret, char pub[128])
{
	uint8_t *sk = secmem_alloc(32);
	char *s = secmem_alloc(128);
	uint8_t pk[32];
	int ret = -ENOMEM;
	char *p;

	*secret = NULL;
	memset(pub, 0, 128);
	if (!sk || !s)
		goto out;
	memset(s, 0, 128);
	ret = -EIO;
	randombytes_buf(sk, 32);
	if (crypto_scalarmult_base(pk, sk) != 0 || bech32_encode(HRP_PUBLIC, pk, 32, pub, 127) ||
	    bech32_encode(HRP_SECRET, sk, 32, s, 127))
		goto out;
	/* age-keygen writes identities in upper case */
	for (p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	*secret = s;
	s = NULL;
	ret = 0;
out:
	secmem_free(sk);
	secmem_free(s);
	return ret;
}

/* salt = ephemeral share || recipient */
static int wrap_key(const uint8_t shared[32], const uint8_t share[32], const uint8_t pk[32],
		    uint8_t key[AGE_KEY_LEN])
{
	uint8_t salt[64];

	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	return age_hkdf(shared, 32, salt, sizeof(salt), X25519_INFO, key);
}

int age_x25519_wrap(const uint8_t pk[32], const uint8_t *file_key, struct age_stanza *st)
{
	uint8_t *sec = secmem_alloc(32 + 32 + AGE_KEY_LEN); /* ephemeral, shared, wrap key */
	uint8_t share[32];
	char arg[64] = "";
	int ret = -ENOMEM;

	memset(st, 0, sizeof(*st));
	if (!sec)
		return -ENOMEM;
	randombytes_buf(sec, 32);
	ret = -EINVAL;
	if (crypto_scalarmult_base(share, sec) != 0 || crypto_scalarmult(sec + 32, sec, pk) != 0)
		goto out;
	ret = wrap_key(sec + 32, share, pk, sec + 64);
	if (ret)
		goto out;
	ret = -ENOMEM;
	st->type = strdup("X25519");
	st->body = malloc(AGE_FILE_KEY_LEN + AGE_TAG_LEN);
	if (!st->type || !st->body || age_b64_encode(share, 32, arg, sizeof(arg) - 1) < 0)
		goto out;
	st->args[0] = strdup(arg);
	if (!st->args[0])
		goto out;
	st->nargs = 1;
	st->body_len = AGE_FILE_KEY_LEN + AGE_TAG_LEN;
	ret = age_aead_wrap(sec + 64, file_key, st->body);
out:
	secmem_free(sec);
	if (ret)
		age_stanza_clear(st);
	return ret;
}

/* the spec's rules for a stanza whose first argument is "X25519" */
static int x25519_check(const struct age_stanza *st, uint8_t share[32])
{
	size_t n = 0;

	if (st->nargs != 1 || st->body_len != AGE_FILE_KEY_LEN + AGE_TAG_LEN ||
	    age_b64_decode(st->args[0], strlen(st->args[0]), share, 32, &n) != 0 || n != 32)
		return -EBADMSG;
	return 0;
}

/* 0: @file_key filled; -EKEYREJECTED: not for this identity */
static int try_identity(const struct age_identities *id, const struct age_stanza *st,
			const uint8_t share[32], uint8_t *file_key)
{
	uint8_t *sec = secmem_alloc(32 + AGE_KEY_LEN); /* shared secret, wrap key */
	int ret;

	if (!sec)
		return -ENOMEM;
	/* libsodium returns -1 when the result is all zero: the spec says abort */
	ret = crypto_scalarmult(sec, id->sk, share) != 0 ? -EBADMSG : 0;
	if (!ret)
		ret = wrap_key(sec, share, id->pk, sec + 32);
	if (!ret)
		ret = age_aead_unwrap(sec + 32, st->body, st->body_len, file_key);
	secmem_free(sec);
	return ret;
}

int age_x25519_unwrap(const struct age_identities *ids, const struct age_header *h,
		      uint8_t *file_key)
{
	uint8_t share[32];
	size_t i;
	int ret;

	/* every X25519 stanza must be well formed, also after the one that matches */
	for (i = 0; i < h->n; i++)
		if (strcmp(h->s[i].type, "X25519") == 0 && x25519_check(&h->s[i], share))
			return -EBADMSG;
	for (i = 0; i < h->n; i++) {
		const struct age_identities *id;

		if (strcmp(h->s[i].type, "X25519") != 0)
			continue; /* other types are not for these identities */
		x25519_check(&h->s[i], share);
		for (id = ids; id; id = id->next) {
			if (id->ssh)
				continue;
			ret = try_identity(id, &h->s[i], share, file_key);
			if (ret != -EKEYREJECTED)
				return ret;
		}
	}
	return -ENOKEY;
}
