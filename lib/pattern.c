// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pattern.h"
#include "secmem.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, struct pattern *p)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n % 2 || n / 2 > PATTERN_MAX_BYTES)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		p->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	p->nbytes = n / 2;
	p->kind = PATTERN_BYTES;
	return 0;
}

int pattern_set_key(struct pattern *p, const uint8_t key[PATTERN_KEY_LEN], const uint8_t iv[16])
{
	if (!p->key) {
		p->key = secmem_alloc(PATTERN_KEY_LEN);
		if (!p->key)
			return -ENOMEM;
	}
	memcpy(p->key, key, PATTERN_KEY_LEN);
	memcpy(p->iv, iv, sizeof(p->iv));
	p->kind = PATTERN_RANDOM;
	return 0;
}

static int pattern_new_key(struct pattern *p)
{
	p->key = secmem_alloc(PATTERN_KEY_LEN);
	if (!p->key)
		return -ENOMEM;
	secmem_random(p->key, PATTERN_KEY_LEN);
	/* high half random, low half the block counter starting at 0 */
	memset(p->iv, 0, sizeof(p->iv));
	secmem_random(p->iv, 8);
	p->kind = PATTERN_RANDOM;
	return 0;
}

int pattern_parse(const char *spec, struct pattern *p)
{
	memset(p, 0, sizeof(*p));
	if (!strcmp(spec, "zero")) {
		p->kind = PATTERN_ZERO;
		return 0;
	}
	if (!strcmp(spec, "one")) {
		p->kind = PATTERN_ONE;
		return 0;
	}
	if (!strcmp(spec, "random"))
		return pattern_new_key(p);
	if (!strncmp(spec, "pattern:", 8))
		return parse_hex(spec + 8, p);
	return -EINVAL;
}

void pattern_free(struct pattern *p)
{
	secmem_free(p->key);
	p->key = NULL;
	secmem_wipe(p->iv, sizeof(p->iv));
}

/* The counter block for 16-byte block @blk: iv + blk, as a 128-bit big-endian sum. */
static void counter_at(const uint8_t iv[16], uint64_t blk, uint8_t out[16])
{
	unsigned carry = 0;

	for (int i = 15; i >= 0; i--) {
		unsigned add = (i >= 8) ? (unsigned)((blk >> (8 * (15 - i))) & 0xff) : 0;
		unsigned v = iv[i] + add + carry;

		out[i] = (uint8_t)v;
		carry = v >> 8;
	}
}

/* plain zeros to encrypt into the keystream, so no memset of the output is needed */
static const uint8_t zeros[64 * 1024];

/*
 * The keystream for device offsets [off, off+len) XORed with @in, into
 * @out; @in NULL means zeros, which gives the keystream itself. @in may be
 * @out.
 */
static int keystream_apply(const struct pattern *p, uint8_t *out, const uint8_t *in, size_t len,
			   uint64_t off)
{
	uint8_t ctr[16], skip[16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl, r = -EIO;

	if (!ctx)
		return -ENOMEM;
	counter_at(p->iv, off / 16, ctr);
	if (!EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, p->key, ctr))
		goto out;
	/* CTR is a stream: discard the bytes before @off inside its block */
	if (off % 16 && !EVP_EncryptUpdate(ctx, skip, &outl, zeros, (int)(off % 16)))
		goto out;
	while (len) {
		int n = len > sizeof(zeros) ? (int)sizeof(zeros) : (int)len;

		if (!EVP_EncryptUpdate(ctx, out, &outl, in ? in : zeros, n))
			goto out;
		out += n;
		if (in)
			in += n;
		len -= (size_t)n;
	}
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	secmem_wipe(ctr, sizeof(ctr));
	secmem_wipe(skip, sizeof(skip));
	return r;
}

static void fill_bytes(const struct pattern *p, uint8_t *buf, size_t len, uint64_t off)
{
	size_t phase = (size_t)(off % p->nbytes), have;

	if (len == 0)
		return;
	/* one period (or less), then double what is there */
	for (have = 0; have < len && have < p->nbytes; have++)
		buf[have] = p->bytes[(phase + have) % p->nbytes];
	while (have < len) {
		size_t n = have;

		/* keep copies period-aligned: have is always a multiple of nbytes here */
		if (n > len - have)
			n = len - have;
		memcpy(buf + have, buf, n);
		have += n;
	}
}

int pattern_fill(const struct pattern *p, void *buf, size_t len, uint64_t off)
{
	switch (p->kind) {
	case PATTERN_ZERO: memset(buf, 0, len); return 0;
	case PATTERN_ONE: memset(buf, 0xff, len); return 0;
	case PATTERN_BYTES: fill_bytes(p, buf, len, off); return 0;
	case PATTERN_RANDOM: return keystream_apply(p, buf, NULL, len, off);
	}
	return -EINVAL;
}

static void xor_into(uint8_t *buf, const uint8_t *with, size_t len)
{
	size_t i = 0;

	/* word at a time where both are aligned, as the I/O buffers are */
	if (!((uintptr_t)buf % 8) && !((uintptr_t)with % 8))
		for (; i + 8 <= len; i += 8)
			*(uint64_t *)(buf + i) ^= *(const uint64_t *)(with + i);
	for (; i < len; i++)
		buf[i] ^= with[i];
}

int pattern_xor(const struct pattern *p, void *buf, size_t len, uint64_t off, void *scratch)
{
	static const uint8_t ones[64] = {
		[0 ... 63] = 0xff,
	};

	switch (p->kind) {
	case PATTERN_ZERO: return 0;
	case PATTERN_ONE:
		for (size_t i = 0; i < len; i += sizeof(ones))
			xor_into((uint8_t *)buf + i, ones,
				 len - i < sizeof(ones) ? len - i : sizeof(ones));
		return 0;
	case PATTERN_BYTES:
		if (!scratch)
			return -EINVAL;
		fill_bytes(p, scratch, len, off);
		xor_into(buf, scratch, len);
		return 0;
	case PATTERN_RANDOM: return keystream_apply(p, buf, buf, len, off);
	}
	return -EINVAL;
}

bool pattern_is_zero(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	/* libc's memcmp is vectorised; compare against a page of zeros */
	while (len) {
		size_t n = len < 4096 ? len : 4096;

		if (memcmp(b, zeros, n))
			return false;
		b += n;
		len -= n;
	}
	return true;
}

bool pattern_repeats_every(const struct pattern *p, size_t period)
{
	switch (p->kind) {
	case PATTERN_ZERO:
	case PATTERN_ONE: return true;
	case PATTERN_BYTES: return period % p->nbytes == 0;
	default: return false;
	}
}

int pattern_check(const struct pattern *p, const void *buf, size_t len, uint64_t off, void *scratch,
		  size_t *bad)
{
	const uint8_t *b = buf, *s = scratch;
	size_t where = 0;
	int r;

	r = pattern_fill(p, scratch, len, off);
	if (r)
		return r;
	if (!memcmp(b, s, len))
		return 0;
	while (where < len && b[where] == s[where])
		where++;
	if (bad)
		*bad = where;
	return -EILSEQ;
}

const char *pattern_name(const struct pattern *p, char *buf, size_t len)
{
	size_t pos;

	switch (p->kind) {
	case PATTERN_ZERO: return "zero";
	case PATTERN_ONE: return "one";
	case PATTERN_RANDOM: return "random";
	case PATTERN_BYTES:
		pos = (size_t)snprintf(buf, len, "pattern:");
		for (size_t i = 0; i < p->nbytes && pos + 2 < len; i++)
			pos += (size_t)snprintf(buf + pos, len - pos, "%02x", p->bytes[i]);
		return buf;
	}
	return "unknown";
}

const char *pattern_generator(const struct pattern *p)
{
	return p->kind == PATTERN_RANDOM ? "aes-128-ctr" : NULL;
}
