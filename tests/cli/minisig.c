// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cert/minisign from the shell, for key-minisign.sh, until kesu's own
 * commands sign and verify certificates:
 *   minisig sign SECKEY FILE SIG TRUSTED_COMMENT   (passphrase: one line on stdin)
 *   minisig verify PUBKEY FILE SIG                 (prints the trusted comment)
 * Failures print the errno's symbolic name (EKEYREJECTED, EPERM, ...) on
 * stderr and exit 1.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/minisign.h"
#include "secmem.h"
#include "src/passphrase.h"

static const char *errname(int r)
{
	switch (-r) {
	case EBADMSG: return "EBADMSG";
	case ENOKEY: return "ENOKEY";
	case EKEYREJECTED: return "EKEYREJECTED";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENODATA: return "ENODATA";
	default: return strerror(-r);
	}
}

static int fail(const char *what, int r)
{
	fprintf(stderr, "minisig: %s: %s\n", what, errname(r));
	return 1;
}

static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *p = malloc(cap);

	if (!f || !p) {
		free(p);
		if (f)
			fclose(f);
		return -errno;
	}
	while ((got = fread(p + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *q = realloc(p, cap *= 2);

			if (!q) {
				free(p);
				fclose(f);
				return -ENOMEM;
			}
			p = q;
		}
	}
	fclose(f);
	*buf = p;
	*len = n;
	return 0;
}

static int sign(char **argv)
{
	struct minisign_seckey_file f;
	struct minisign_seckey *sec = NULL;
	char *pass = NULL, *msg, *text = NULL;
	size_t len;
	FILE *out;
	int r;

	r = minisign_seckey_read(argv[0], &f);
	if (r)
		return fail(argv[0], r);
	if (f.encrypted && (r = passphrase_from_fd(STDIN_FILENO, &pass)))
		return fail("passphrase", r);
	r = minisign_seckey_decrypt(&f, pass, &sec);
	passphrase_free(pass);
	if (r)
		return fail(argv[0], r);
	r = slurp(argv[1], &msg, &len);
	if (r)
		return fail(argv[1], r);
	r = minisign_sign(sec, msg, len, argv[3], NULL, &text);
	minisign_seckey_free(sec);
	free(msg);
	if (r)
		return fail("sign", r);
	out = fopen(argv[2], "wx");
	if (!out || fputs(text, out) < 0 || fclose(out))
		return fail(argv[2], -errno);
	free(text);
	return 0;
}

static int verify(char **argv)
{
	struct minisign_pubkey pub;
	char *msg, *sig, *tc = NULL;
	size_t len, slen;
	int r;

	r = minisign_pubkey_load(argv[0], &pub);
	if (r)
		return fail(argv[0], r);
	r = slurp(argv[1], &msg, &len);
	if (r)
		return fail(argv[1], r);
	r = slurp(argv[2], &sig, &slen);
	if (r)
		return fail(argv[2], r);
	r = minisign_verify(&pub, msg, len, sig, slen, &tc);
	free(msg);
	free(sig);
	if (r)
		return fail(argv[2], r);
	printf("%s\n", tc);
	free(tc);
	return 0;
}

int main(int argc, char **argv)
{
	if (secmem_init())
		return 1;
	if (argc == 6 && !strcmp(argv[1], "sign"))
		return sign(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "verify"))
		return verify(argv + 2);
	fputs("usage: minisig sign SECKEY FILE SIG TRUSTED_COMMENT\n"
	      "       minisig verify PUBKEY FILE SIG\n",
	      stderr);
	return 2;
}
