// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry point for the three minisign file parsers (public key,
 * secret key, signature) and for verification: any bytes, no crash, no leak,
 * and a parser that says yes fills in what it promises. Seed corpus:
 * tests/fuzz/corpus/minisign/ (the committed test keys and signatures).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert/minisign.h"
#include "secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/data/keys/operator.key.pub and the message it signed in tests/data/minisign */
static const char operator_pub[] = "untrusted comment: kesu role=operator name=Test Operator\n"
				   "RWTkV7zO/rXTNybOgDnl7Js7soxdS4U1BM2qLoQk4KCn1wseu2xcCyHv\n";
static const char message[] = "{\"format\":\"kesu-certificate/1\",\"id\":\"0b7c5e3e-4c2f-4d0a-9a51-"
			      "6f1d2b3c4d5e\",\"result\":\"success\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct minisign_pubkey op;
	static int ready;
	const char *buf = (const char *)data;
	struct minisign_pubkey pub;
	struct minisign_seckey_file f;
	struct minisign_seckey *sec = NULL;
	struct minisign_sig sig;
	struct minisign_identity id;
	char *tc = NULL;

	if (!ready) {
		if (secmem_init() ||
		    minisign_pubkey_parse(operator_pub, sizeof(operator_pub) - 1, &op))
			abort();
		ready = 1;
	}
	if (!minisign_pubkey_parse(buf, size, &pub)) {
		if (strlen(pub.comment) > MINISIGN_COMMENT_MAX)
			abort();
		minisign_identity_parse(pub.comment, &id);
	}
	if (!minisign_seckey_parse(buf, size, &f)) {
		/* only the cheapest scrypt cost: a fuzzer must not wait for a gigabyte */
		if (!f.encrypted || f.opslimit <= 32768)
			if (!minisign_seckey_decrypt(&f, "x", &sec))
				minisign_seckey_free(sec);
	}
	if (!minisign_sig_parse(buf, size, &sig) && strlen(sig.trusted) > MINISIGN_TRUSTED_MAX)
		abort();
	if (!minisign_verify(&op, message, sizeof(message) - 1, buf, size, &tc)) {
		if (!tc)
			abort();
		free(tc);
	}
	return 0;
}
