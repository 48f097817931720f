// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the OpenSSH key parsers of crypt/age_ssh.c:
 * the input as a private key file (openssh-key-v1 in its PEM armor, and
 * other PEM blocks to be refused) and as a public key line, as -i and -r
 * take them. Any bytes: no crash, no leak, one of the documented errnos; a
 * key that parses (ssh-ed25519 or ssh-rsa) is usable: a stanza wrapped for the
 * public key it holds is opened again by that identity. Protected keys are
 * opened with the passphrase "fuzz" when they ask for at most FEW_ROUNDS
 * bcrypt rounds (more would only make each run slow), so the decryption of
 * ssh-rsa keys, its checks and the private section behind it are reached.
 * Seeds: tests/fuzz/corpus/ssh_key/, among them rsa-bad-d, an ssh-rsa key
 * whose d was damaged, which was once accepted, and rsa-protected-*, ssh-rsa
 * keys protected by "fuzz" (ssh-keygen -a 1, aes256-ctr and aes256-gcm).
 */
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypt/age.h"
#include "crypt/age_int.h"
#include "secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FEW_ROUNDS 2
#define BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define END "-----END OPENSSH PRIVATE KEY-----"

static int fixed_pass(void *usr, const char *path, char **pass)
{
	(void)usr;
	(void)path;
	*pass = secmem_alloc(5);
	if (!*pass)
		return -ENOMEM;
	memcpy(*pass, "fuzz", 5);
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* the bcrypt rounds a key asks for (0: none found), read as ssh-keygen writes them */
static uint32_t kdf_rounds(const char *text)
{
	const char *b64 = strstr(text, BEGIN), *end;
	uint8_t bin[4096];
	size_t n = 0, o = sizeof("openssh-key-v1"), i;

	if (!b64 || !(end = strstr(b64 += strlen(BEGIN), END)) ||
	    sodium_base642bin(bin, sizeof(bin), b64, (size_t)(end - b64), "\r\n", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return 0;
	/* cipher, KDF, then the options: salt, rounds */
	for (i = 0; i < 2; i++) {
		if (n < o + 4 || be32(bin + o) > n - o - 4)
			return 0;
		o += 4 + be32(bin + o);
	}
	if (n < o + 8 || be32(bin + o + 4) > n - o - 8)
		return 0;
	o += 8 + be32(bin + o + 4);
	return n < o + 4 ? 0 : be32(bin + o);
}

/* the identity opens what is wrapped for its own public key */
static void round_trip(const struct age_identities *id)
{
	static const uint8_t file_key[AGE_FILE_KEY_LEN] = { 1, 2, 3 };
	struct age_header h = { 0 };
	struct age_stanza st;
	uint8_t out[AGE_FILE_KEY_LEN];

	if (age_ssh_wrap(id->ssh, file_key, &st) != 0)
		abort();
	h.s = &st;
	h.n = 1;
	if (age_ssh_unwrap(id, &h, out) != 0 || memcmp(out, file_key, sizeof(out)))
		abort();
	age_stanza_clear(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct age_identities *ids = NULL;
	struct age_recipients *rs = NULL;
	const struct age_key_pass kp = { .get = fixed_pass };
	static int ready;
	char *text, why[256];
	int r;

	if (!ready) {
		if (secmem_init())
			abort();
		ready = 1;
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = age_ssh_identity_add(&ids, text, strlen(text), "fuzz",
				 kdf_rounds(text) <= FEW_ROUNDS ? &kp : NULL, why, sizeof(why));
	if (r && r != -EINVAL && r != -ENOTSUP && r != -ENOKEY && r != -EKEYREJECTED &&
	    r != -ENOMEM)
		abort();
	if (!r && (!ids || !ids->ssh))
		abort();
	if (!r)
		round_trip(ids);
	age_identities_free(ids);
	if (age_ssh_is_public(text)) {
		r = age_recipient_add(&rs, text, why, sizeof(why));
		if (r && r != -EINVAL && r != -ENOMEM)
			abort();
		if (!r && (!rs || rs->nssh != 1))
			abort();
		age_recipients_free(rs);
	}
	free(text);
	return 0;
}
