// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the OpenSSH key parsers of crypt/age_ssh.c:
 * the input as a private key file (openssh-key-v1 in its PEM armor, and
 * other PEM blocks to be refused) and as a public key line, as -i and -r
 * take them. Any bytes: no crash, no leak, one of the documented errnos; a
 * key that parses (ssh-ed25519 or ssh-rsa) is usable: a stanza wrapped for the
 * public key it holds is opened again by that identity. Protected keys are not
 * opened (no passphrase is given). Seeds: tests/fuzz/corpus/ssh_key/, among
 * them rsa-bad-d, an ssh-rsa key whose d was damaged, which was once accepted.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypt/age.h"
#include "crypt/age_int.h"
#include "secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	r = age_ssh_identity_add(&ids, text, strlen(text), "fuzz", NULL, why, sizeof(why));
	if (r && r != -EINVAL && r != -ENOTSUP && r != -ENOKEY && r != -ENOMEM)
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
