// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * age v1 files: the file key, the header (stanzas and MAC), armor on the way
 * out and its detection on the way in; the payload is age_stream.c's.
 */
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "armor.h"
#include "secmem.h"

#define ARMOR_PIECE (64u << 10)
#define MIN_LOG_N 1

/* where encrypted bytes go: straight to the caller, or through armor */
struct sink {
	age_write_fn wr;
	void *usr;
	struct armor_enc *ae;
	char *buf; /* ARMOR_ENC_OUT_MAX(ARMOR_PIECE) */
};

static int sink_write(void *usr, const void *data, size_t len)
{
	struct sink *k = usr;
	const uint8_t *in = data;
	size_t n, out;
	int ret;

	if (!k->ae)
		return k->wr(k->usr, data, len);
	while (len) {
		n = len < ARMOR_PIECE ? len : ARMOR_PIECE;
		out = 0;
		ret = armor_enc_update(k->ae, in, n, k->buf, &out);
		if (!ret && out)
			ret = k->wr(k->usr, k->buf, out);
		if (ret)
			return ret;
		in += n;
		len -= n;
	}
	return 0;
}

static int sink_final(struct sink *k)
{
	size_t out = 0;
	int ret;

	if (!k->ae)
		return 0;
	ret = armor_enc_final(k->ae, k->buf, &out);
	if (!ret && out)
		ret = k->wr(k->usr, k->buf, out);
	return ret;
}

/* HMAC-SHA-256 keyed with HKDF(file key, "header") over the header through "---" */
static int header_mac(const uint8_t *file_key, const uint8_t *hdr, size_t len, uint8_t mac[32])
{
	uint8_t *key = secmem_alloc(AGE_KEY_LEN);
	int ret;

	if (!key)
		return -ENOMEM;
	ret = age_hkdf(file_key, AGE_FILE_KEY_LEN, NULL, 0, "header", key);
	if (!ret && crypto_auth_hmacsha256(mac, hdr, len, key) != 0)
		ret = -EIO;
	secmem_free(key);
	return ret;
}

static int check_enc_opts(const struct age_enc_opts *o, unsigned *log_n, size_t *n)
{
	size_t nr = o->rcpt ? age_recipients_count(o->rcpt) : 0;

	if (o->passphrase && nr)
		return -EINVAL; /* scrypt must be the file's only stanza */
	if (!o->passphrase && !nr)
		return -EINVAL;
	*log_n = o->scrypt_log_n ? o->scrypt_log_n : AGE_SCRYPT_LOG_N;
	/* above what age_decrypt() and age accept by default, no one could open it */
	if (*log_n < MIN_LOG_N || *log_n > AGE_SCRYPT_MAX_LOG_N)
		return -EINVAL;
	*n = o->passphrase ? 1 : nr;
	return 0;
}

static int wrap_all(const struct age_enc_opts *o, unsigned log_n, const uint8_t *file_key,
		    struct age_stanza *st, size_t n)
{
	size_t i;
	int ret = 0;

	if (o->passphrase)
		return age_scrypt_wrap(o->passphrase, log_n, file_key, &st[0]);
	for (i = 0; i < o->rcpt->n && !ret; i++)
		ret = age_x25519_wrap(age_recipients_key(o->rcpt, i), file_key, &st[i]);
	for (i = 0; i < o->rcpt->nssh && !ret; i++)
		ret = age_ssh_wrap(&o->rcpt->ssh[i], file_key, &st[o->rcpt->n + i]);
	return ret;
}

/* header: the encoded stanzas, " ", base64 of the MAC, "\n" */
static int write_header(struct sink *k, const struct age_stanza *st, size_t n,
			const uint8_t *file_key)
{
	char *hdr = NULL, line[64] = " ";
	uint8_t mac[32];
	size_t len = 0;
	int ret;

	ret = age_header_encode(st, n, &hdr, &len);
	if (ret)
		return ret;
	ret = header_mac(file_key, (const uint8_t *)hdr, len, mac);
	if (!ret && age_b64_encode(mac, sizeof(mac), line + 1, sizeof(line) - 3) < 0)
		ret = -EIO;
	if (!ret) {
		strcat(line, "\n");
		ret = sink_write(k, hdr, len);
	}
	if (!ret)
		ret = sink_write(k, line, strlen(line));
	free(hdr);
	return ret;
}

static int encrypt_payload(struct age_stream *s, struct sink *k, const uint8_t *file_key,
			   unsigned threads)
{
	uint8_t nonce[AGE_NONCE_LEN];
	int ret;

	randombytes_buf(nonce, sizeof(nonce));
	ret = age_hkdf(file_key, AGE_FILE_KEY_LEN, nonce, sizeof(nonce), "payload", s->key);
	if (!ret)
		ret = sink_write(k, nonce, sizeof(nonce));
	if (ret)
		return ret;
	s->decrypt = false;
	s->threads = threads;
	s->wr = sink_write;
	s->wusr = k;
	ret = age_stream_run(s);
	return ret ? ret : sink_final(k);
}

int age_encrypt(age_read_fn rd, void *rusr, age_write_fn wr, void *wusr,
		const struct age_enc_opts *o)
{
	struct age_stanza st[1] = { { 0 } }, *sts = st;
	struct sink k = { .wr = wr, .usr = wusr };
	struct age_stream *s = NULL;
	uint8_t *file_key = NULL;
	unsigned log_n;
	size_t n = 0, i;
	int ret;

	ret = check_enc_opts(o, &log_n, &n);
	if (ret)
		return ret;
	ret = -ENOMEM;
	if (n > 1)
		sts = calloc(n, sizeof(*sts));
	file_key = secmem_alloc(AGE_FILE_KEY_LEN);
	s = secmem_alloc(sizeof(*s));
	if (!sts || !file_key || !s)
		goto out;
	memset(s, 0, sizeof(*s));
	s->rd = rd;
	s->rusr = rusr;
	s->progress = o->progress;
	s->pusr = o->progress_usr;
	if (o->armor &&
	    (armor_enc_new(&k.ae) != 0 || !(k.buf = malloc(ARMOR_ENC_OUT_MAX(ARMOR_PIECE)))))
		goto out;
	randombytes_buf(file_key, AGE_FILE_KEY_LEN);
	ret = wrap_all(o, log_n, file_key, sts, n);
	if (!ret)
		ret = write_header(&k, sts, n, file_key);
	if (!ret)
		ret = encrypt_payload(s, &k, file_key, o->threads);
out:
	for (i = 0; sts && i < n; i++)
		age_stanza_clear(&sts[i]);
	if (sts != st)
		free(sts);
	armor_enc_free(k.ae);
	free(k.buf);
	secmem_free(file_key);
	secmem_free(s);
	return ret;
}
