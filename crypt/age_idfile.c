// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An identity file that is itself an age file encrypted with a passphrase,
 * as `age -p` makes it and `age -d -i` reads it: decrypted into secure
 * memory, the passphrase asked once.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "age_file.h"
#include "armor.h"
#include "secmem.h"

#define AGE_MAGIC "age-encryption.org/v1\n"

struct mem {
	const char *in;
	size_t in_len, in_off;
	char *out; /* AGE_IDENTITY_FILE_MAX + 1, secure memory */
	size_t out_len;
	const char *path;
	const struct age_key_pass *kp;
};

static ssize_t mem_read(void *usr, void *buf, size_t len)
{
	struct mem *m = usr;
	size_t n = m->in_len - m->in_off < len ? m->in_len - m->in_off : len;

	memcpy(buf, m->in + m->in_off, n);
	m->in_off += n;
	return (ssize_t)n;
}

static int mem_write(void *usr, const void *buf, size_t len)
{
	struct mem *m = usr;

	if (len > AGE_IDENTITY_FILE_MAX - m->out_len)
		return -EFBIG;
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	return 0;
}

static int mem_pass(void *usr, char **pass)
{
	struct mem *m = usr;

	return m->kp ? m->kp->get(m->kp->usr, m->path, pass) : -ENOKEY;
}

bool age_identity_is_encrypted(const char *buf, size_t len)
{
	return (len >= strlen(AGE_MAGIC) && !memcmp(buf, AGE_MAGIC, strlen(AGE_MAGIC))) ||
	       armor_detect((const uint8_t *)buf, len);
}

int age_identity_file_open(const char *buf, size_t len, const char *path,
			   const struct age_key_pass *kp, char **plain, char *why, size_t wlen)
{
	struct mem m = { .in = buf, .in_len = len, .path = path, .kp = kp };
	struct age_dec_opts o = { .passphrase = mem_pass, .pass_usr = &m, .threads = 1 };
	int r;

	*plain = NULL;
	m.out = secmem_alloc(AGE_IDENTITY_FILE_MAX + 1);
	if (!m.out)
		return -ENOMEM;
	r = age_decrypt(mem_read, &m, mem_write, &m, &o, NULL);
	if (!r) {
		m.out[m.out_len] = '\0';
		*plain = m.out;
		return 0;
	}
	secmem_free(m.out);
	if (r == -ENOKEY && !kp)
		snprintf(why, wlen, "a passphrase-protected identity file");
	else if (r == -ENOKEY || r == -EBADMSG || r == -EPROTO || r == -ENODATA ||
		 r == -EPROTONOSUPPORT || r == -E2BIG || r == -EFBIG)
		snprintf(why, wlen,
			 "an encrypted identity file that is not one made with a "
			 "passphrase (age -p), or is corrupt, truncated or too large");
	else
		return r;
	return -EINVAL;
}
