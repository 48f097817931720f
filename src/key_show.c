// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu key show: a minisign key's id, fingerprint, role and name, or the
 * recipients of an age identity file, as age-keygen -y prints them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cert/sig.h" /* and minisign.h */
#include "crypt/age.h"
#include "file.h"
#include "kesu.h"
#include "key_cmd.h"
#include "secmem.h"

static int show_error(const char *path, int r)
{
	if (r == -EBADMSG)
		ui_err("%s: not a minisign public or secret key file", ui_safe(path));
	else
		ui_err("%s: %s", ui_safe(path), strerror(-r));
	return KESU_EXIT_FAILURE;
}

/*
 * A key file, whole, in secure memory (it may be a secret key), and its mode;
 * one that is no regular file or larger than any key file is -EBADMSG.
 */
static int read_key_file(const char *path, char **buf, size_t *len, mode_t *mode)
{
	/* no minisign key file comes near 4 KiB */
	int r = file_read_flags(path, 4095, FILE_SECMEM, buf, len, mode);

	return r == -EINVAL || r == -EFBIG ? -EBADMSG : r;
}

/*
 * An age identity file: the recipient of each identity, one per line, as
 * age-keygen -y prints them.
 */
static int show_age(const char *path, char *buf, mode_t mode)
{
	char *line, *next, pub[128];
	int found = 0;

	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (strncmp(line, "AGE-SECRET-KEY-1", 16))
			continue;
		if (age_identity_recipient(line, pub)) {
			ui_err("%s: not a valid age identity", ui_safe(path));
			return KESU_EXIT_USAGE;
		}
		if (!found++ && (mode & (S_IRWXG | S_IRWXO)))
			ui_warn("%s: group or others may access this identity: it is refused "
				"when used (chmod 600 it)",
				ui_safe(path));
		printf("%s\n", pub);
	}
	if (!found) {
		ui_err("%s: no age identity line (AGE-SECRET-KEY-1...)", ui_safe(path));
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_SUCCESS;
}

/* A public key, or a secret key and the public key next to it (FILE.pub). */
int key_show(int argc, char **argv)
{
	struct minisign_seckey_file f;
	struct minisign_pubkey pub;
	struct minisign_identity id;
	char *buf = NULL, *pub_path = NULL;
	const char *path;
	size_t len = 0;
	mode_t mode = 0;
	bool is_pub;
	int r;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return key_help_print();
	if (argc != 2 || argv[1][0] == '-')
		return ui_usage_error("key", "usage: kesu key show FILE");
	path = argv[1];
	r = read_key_file(path, &buf, &len, &mode);
	if (r)
		return show_error(path, r);
	if (strstr(buf, "AGE-SECRET-KEY-1")) {
		r = show_age(path, buf, mode);
		secmem_free(buf);
		return r;
	}
	is_pub = !minisign_pubkey_parse(buf, len, &pub);
	r = is_pub ? 0 : minisign_seckey_parse(buf, len, &f);
	secmem_wipe(&f, sizeof(f));
	secmem_free(buf);
	if (!is_pub) {
		if (r)
			return show_error(path, r);
		if (mode & (S_IRWXG | S_IRWXO))
			ui_warn("%s: group or others may access this secret key: it is refused "
				"when used (chmod 600 it)",
				ui_safe(path));
		if (asprintf(&pub_path, "%s.pub", path) < 0)
			return show_error(path, -ENOMEM);
		r = minisign_pubkey_load(pub_path, &pub);
		if (r) {
			show_error(pub_path, r);
			free(pub_path);
			return KESU_EXIT_FAILURE;
		}
		printf("secret key: %s\n", ui_safe(path));
	}
	printf("public key: %s\n", ui_safe(pub_path ? pub_path : path));
	free(pub_path);
	r = minisign_identity_parse(pub.comment, &id);
	key_print(&pub, r ? NULL : &id);
	if (r)
		printf("comment: %s\n", ui_safe(pub.comment));
	return KESU_EXIT_SUCCESS;
}
