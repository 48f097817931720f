// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The age module alone, standard input to standard output, for bench/crypt
 * before and besides `kesu encrypt`: no temporary file, no checks on the
 * output, only the work the module does.
 *
 * usage: agefile -e RECIPIENT [THREADS]  |  agefile -d IDENTITY_FILE [THREADS]
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypt/age.h"
#include "secmem.h"

static ssize_t rd(void *usr, void *buf, size_t len)
{
	ssize_t r;

	(void)usr;
	do
		r = read(0, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static int wr(void *usr, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	(void)usr;
	while (len) {
		r = write(1, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* the first AGE-SECRET-KEY- line of an age-keygen file */
static int load_identity(const char *path, struct age_identities **ids)
{
	char line[256], why[128] = "";
	FILE *f = fopen(path, "r");
	int ret = -ENOKEY;

	if (!f)
		return -errno;
	while (ret == -ENOKEY && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (strncmp(line, "AGE-SECRET-KEY-", 15) == 0)
			ret = age_identity_add(ids, line, why, sizeof(why));
	}
	secmem_wipe(line, sizeof(line));
	fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	struct age_recipients *rs = NULL;
	struct age_identities *ids = NULL;
	unsigned threads;
	char why[128] = "";
	int ret;

	if (argc < 3 || argc > 4 || (strcmp(argv[1], "-e") && strcmp(argv[1], "-d"))) {
		fprintf(stderr,
			"usage: agefile -e RECIPIENT [THREADS] | -d IDENTITY_FILE [THREADS]\n");
		return 2;
	}
	threads = argc == 4 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;
	if (secmem_init())
		return 1;
	if (argv[1][1] == 'e') {
		struct age_enc_opts o = { .threads = threads };

		ret = age_recipient_add(&rs, argv[2], why, sizeof(why));
		o.rcpt = rs;
		if (!ret)
			ret = age_encrypt(rd, NULL, wr, NULL, &o);
	} else {
		struct age_dec_opts o = { .threads = threads };

		ret = load_identity(argv[2], &ids);
		o.ids = ids;
		if (!ret)
			ret = age_decrypt(rd, NULL, wr, NULL, &o, NULL);
	}
	if (ret)
		fprintf(stderr, "agefile: %s%s%s\n", strerror(-ret), why[0] ? ": " : "", why);
	age_recipients_free(rs);
	age_identities_free(ids);
	return ret ? 1 : 0;
}
