// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmstool: a test program around cert/cms.c, so that shell tests can hold
 * its signatures against stock `openssl cms` before the `kesu cert`
 * commands exist.
 *
 *   cmstool sign CERT.pem KEY.pem FILE OUT.p7s   detached signature of FILE
 *   cmstool verify CA.pem FILE IN.p7s            prints the signer's common name
 *
 * The key's passphrase, if any, is read from the file named by
 * $CMSTOOL_PASSFILE (never from the command line). Exit status: 0, the
 * positive errno the module returned (74 EBADMSG, 129 EKEYREJECTED, 13
 * EACCES, 95 EOPNOTSUPP, ...), or 255 for a usage or I/O error of the tool.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cms.h"
#include "secmem.h"

#define TOOL_FAIL 255

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n;

	*len = 0;
	if (!fp)
		return NULL;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
	} while (n);
	if (ferror(fp)) {
		free(buf);
		buf = NULL;
	} else {
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

static int fail(const char *what, int rc, const char *why)
{
	fprintf(stderr, "cmstool: %s: %s%s%s\n", what, strerror(-rc), *why ? ": " : "", why);
	return -rc;
}

static int sign(char **argv)
{
	const char *passfile = getenv("CMSTOOL_PASSFILE");
	char why[512], *pass = NULL;
	unsigned char *data, *der = NULL;
	size_t len, der_len, plen;
	FILE *out;
	int rc;

	data = slurp(argv[2], &len);
	if (!data) {
		perror(argv[2]);
		return TOOL_FAIL;
	}
	if (passfile) {
		pass = (char *)slurp(passfile, &plen);
		if (!pass) {
			perror(passfile);
			return TOOL_FAIL;
		}
		pass[strcspn(pass, "\n")] = '\0';
	}
	rc = cms_sign(data, len, argv[0], argv[1], pass, &der, &der_len, why, sizeof(why));
	if (pass)
		secmem_wipe(pass, strlen(pass));
	free(pass);
	free(data);
	if (rc)
		return fail(argv[2], rc, why);
	out = fopen(argv[3], "wb");
	if (!out || fwrite(der, 1, der_len, out) != der_len || fclose(out)) {
		perror(argv[3]);
		free(der);
		return TOOL_FAIL;
	}
	free(der);
	return 0;
}

static int verify(char **argv)
{
	char why[512], cn[256];
	unsigned char *data, *der;
	size_t len, der_len;
	int rc;

	data = slurp(argv[1], &len);
	der = slurp(argv[2], &der_len);
	if (!data || !der) {
		perror(data ? argv[2] : argv[1]);
		return TOOL_FAIL;
	}
	rc = cms_verify(data, len, der, der_len, argv[0], cn, sizeof(cn), why, sizeof(why));
	free(data);
	free(der);
	if (rc)
		return fail(argv[2], rc, why);
	printf("%s\n", cn);
	return 0;
}

int main(int argc, char **argv)
{
	if (secmem_init())
		return TOOL_FAIL;
	if (argc == 6 && !strcmp(argv[1], "sign"))
		return sign(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "verify"))
		return verify(argv + 2);
	fprintf(stderr, "usage: cmstool sign CERT KEY FILE OUT | cmstool verify CA FILE SIG\n");
	return TOOL_FAIL;
}
