// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decryption: armor detected by itself, the header read and parsed, the
 * file key found in a stanza, the header MAC checked, then the payload.
 */
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "armor.h"
#include "secmem.h"

#define HEADER_MAX (1u << 20)
#define DETECT_LEN 4096
#define RAW_PIECE (64u << 10)

/*
 * The input in layers: the bytes read for armor detection, then the caller's
 * reader; armor decoding when detected; then the bytes read past the header.
 */
struct src {
	age_read_fn rd;
	void *usr;
	uint8_t *raw_pb; /* read before knowing whether this is armor */
	size_t raw_off, raw_len;
	struct armor_dec *ad;
	char *raw;    /* armored input, RAW_PIECE */
	uint8_t *dec; /* its decoding, RAW_PIECE */
	size_t dec_off, dec_len;
	bool armor_done;
	uint8_t *hdr; /* the header buffer; its tail beyond the header is payload */
	size_t hdr_off, hdr_len;
};

static ssize_t take(uint8_t *pb, size_t *off, size_t len, void *buf, size_t want)
{
	size_t n = len - *off < want ? len - *off : want;

	memcpy(buf, pb + *off, n);
	*off += n;
	return (ssize_t)n;
}

static ssize_t read_raw(struct src *s, void *buf, size_t len)
{
	if (s->raw_off < s->raw_len)
		return take(s->raw_pb, &s->raw_off, s->raw_len, buf, len);
	return s->rd(s->usr, buf, len);
}

/* armor decodes into its own buffer: callers may ask for fewer bytes than a line holds */
static ssize_t read_decoded(struct src *s, void *buf, size_t len)
{
	ssize_t r;
	int ret;

	if (!s->ad)
		return read_raw(s, buf, len);
	while (s->dec_off == s->dec_len) {
		if (s->armor_done)
			return 0;
		r = read_raw(s, s->raw, RAW_PIECE / 2);
		if (r < 0)
			return r;
		if (r == 0) {
			s->armor_done = true;
			ret = armor_dec_final(s->ad);
			return ret ? ret : 0;
		}
		s->dec_off = 0;
		s->dec_len = 0;
		ret = armor_dec_update(s->ad, s->raw, (size_t)r, s->dec, &s->dec_len);
		if (ret)
			return ret;
	}
	return take(s->dec, &s->dec_off, s->dec_len, buf, len);
}

static ssize_t src_read(void *usr, void *buf, size_t len)
{
	struct src *s = usr;

	if (s->hdr_off < s->hdr_len)
		return take(s->hdr, &s->hdr_off, s->hdr_len, buf, len);
	return read_decoded(s, buf, len);
}

/* read up to @len bytes, stopping early only at the end of the input */
static ssize_t fill(ssize_t (*rd)(void *, void *, size_t), void *usr, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = rd(usr, buf + got, len - got);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static ssize_t raw_rd(void *usr, void *buf, size_t len)
{
	struct src *s = usr;

	return s->rd(s->usr, buf, len);
}

static int detect_armor(struct src *s)
{
	ssize_t r;

	s->raw_pb = malloc(DETECT_LEN);
	if (!s->raw_pb)
		return -ENOMEM;
	r = fill(raw_rd, s, s->raw_pb, DETECT_LEN);
	if (r < 0)
		return (int)r;
	s->raw_len = (size_t)r;
	if (!armor_detect(s->raw_pb, s->raw_len))
		return 0;
	s->raw = malloc(RAW_PIECE);
	s->dec = malloc(RAW_PIECE);
	if (!s->raw || !s->dec || armor_dec_new(&s->ad) != 0)
		return -ENOMEM;
	return 0;
}

static ssize_t dec_rd(void *usr, void *buf, size_t len)
{
	return read_decoded(usr, buf, len);
}

/* read until the header parses; what follows it stays in s->hdr */
static int read_header(struct src *s, struct age_header *h)
{
	size_t cap = 0, len = 0;
	uint8_t *grown;
	ssize_t r;
	int ret = -EAGAIN;

	while (ret == -EAGAIN) {
		if (len == cap) {
			if (cap > HEADER_MAX)
				return -EBADMSG;
			cap = cap ? 2 * cap : DETECT_LEN;
			grown = realloc(s->hdr, cap);
			if (!grown)
				return -ENOMEM;
			s->hdr = grown;
		}
		r = fill(dec_rd, s, s->hdr + len, cap - len);
		if (r < 0)
			return (int)r;
		len += (size_t)r;
		ret = age_header_parse(s->hdr, len, h);
		if (ret == -EAGAIN && len < cap)
			return -ENODATA; /* the input ended inside the header */
	}
	if (ret)
		return ret;
	s->hdr_off = h->len;
	s->hdr_len = len;
	return 0;
}

static int unwrap_scrypt(const struct age_header *h, const struct age_dec_opts *o,
			 uint8_t *file_key)
{
	unsigned max = o->max_scrypt_log_n ? o->max_scrypt_log_n : AGE_SCRYPT_MAX_LOG_N;
	char *pass = NULL;
	uint8_t salt[16];
	unsigned log_n;
	int ret;

	/* the spec: a header with an scrypt stanza beside any other is rejected */
	if (h->n != 1 || age_scrypt_check(&h->s[0], salt, &log_n) != 0)
		return -EBADMSG;
	if (log_n > max)
		return -E2BIG;
	if (!o->passphrase)
		return -ENOKEY;
	ret = o->passphrase(o->pass_usr, &pass);
	if (ret)
		return ret;
	ret = age_scrypt_unwrap(&h->s[0], salt, log_n, pass, file_key);
	secmem_free(pass);
	return ret;
}

static int find_file_key(const struct age_header *h, const struct age_dec_opts *o,
			 uint8_t *file_key)
{
	size_t i;
	int ret;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->s[i].type, "scrypt") == 0)
			return unwrap_scrypt(h, o, file_key);
	ret = age_x25519_unwrap(o->ids, h, file_key);
	return ret == -ENOKEY ? age_ssh_unwrap(o->ids, h, file_key) : ret;
}

static int check_mac(const struct src *s, const struct age_header *h, const uint8_t *file_key)
{
	uint8_t *key = secmem_alloc(AGE_KEY_LEN);
	uint8_t mac[32];
	int ret;

	if (!key)
		return -ENOMEM;
	ret = age_hkdf(file_key, AGE_FILE_KEY_LEN, NULL, 0, "header", key);
	if (!ret && crypto_auth_hmacsha256(mac, s->hdr, h->mac_input_len, key) != 0)
		ret = -EIO;
	if (!ret && sodium_memcmp(mac, h->mac, sizeof(mac)) != 0)
		ret = -EBADMSG;
	secmem_free(key);
	return ret;
}

static int open_payload(struct src *src, struct age_stream *s, const uint8_t *file_key)
{
	uint8_t nonce[AGE_NONCE_LEN];
	ssize_t r;
	int ret;

	r = fill(src_read, src, nonce, sizeof(nonce));
	if (r < 0)
		return (int)r;
	if ((size_t)r < sizeof(nonce))
		return -ENODATA;
	ret = age_hkdf(file_key, AGE_FILE_KEY_LEN, nonce, sizeof(nonce), "payload", s->key);
	if (ret)
		return ret;
	s->decrypt = true;
	s->rd = src_read;
	s->rusr = src;
	return age_stream_run(s);
}

int age_decrypt(age_read_fn rd, void *rusr, age_write_fn wr, void *wusr,
		const struct age_dec_opts *o, struct age_dec_info *info)
{
	struct src src = { .rd = rd, .usr = rusr };
	struct age_header h = { 0 };
	struct age_stream *s = secmem_alloc(sizeof(*s));
	uint8_t *file_key = secmem_alloc(AGE_FILE_KEY_LEN);
	bool parsed = false;
	int ret = -ENOMEM;

	if (info)
		info->released = 0;
	if (!s || !file_key)
		goto out;
	memset(s, 0, sizeof(*s));
	s->wr = wr;
	s->wusr = wusr;
	s->threads = o->threads;
	s->progress = o->progress;
	s->pusr = o->progress_usr;
	ret = detect_armor(&src);
	if (!ret)
		ret = read_header(&src, &h);
	parsed = !ret;
	if (!ret)
		ret = find_file_key(&h, o, file_key);
	if (!ret)
		ret = check_mac(&src, &h, file_key);
	if (!ret)
		ret = open_payload(&src, s, file_key);
	if (info)
		info->released = s->released;
out:
	if (parsed)
		age_header_free(&h);
	armor_dec_free(src.ad);
	free(src.raw);
	free(src.dec);
	free(src.raw_pb);
	free(src.hdr);
	secmem_free(file_key);
	secmem_free(s);
	return ret;
}
