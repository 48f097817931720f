// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * age v1: known answers for the compositions (computed apart from this code
 * with Python's hmac, hashlib.scrypt and the RFC 7748 X25519 vectors), round
 * trips on one and two threads, one test per malformed-input class, and both
 * directions against the stock age when it is installed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "crypt/age_int.h"
#include "crypt/armor.h"
#include "crypt/bech32.h"
#include "secmem.h"

/* ---- memory reader and writer ---- */

struct mem {
	uint8_t *p;
	size_t len, off;
	size_t step; /* largest read handed out: exercises short reads */
};

static ssize_t mem_read(void *usr, void *buf, size_t len)
{
	struct mem *m = usr;
	size_t n = m->len - m->off;

	if (n > len)
		n = len;
	if (m->step && n > m->step)
		n = m->step;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static int mem_write(void *usr, const void *buf, size_t len)
{
	struct mem *m = usr;
	uint8_t *grown = realloc(m->p, m->len + len + 1);

	if (!grown)
		return -ENOMEM;
	m->p = grown;
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

static void unhex(const char *h, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

/* ---- keys shared by the tests ---- */

struct keys {
	char *secret, *secret2;
	char pub[128], pub2[128];
	struct age_recipients *rs;
	struct age_identities *ids, *ids2;
};

static int setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));

	if (!k || secmem_init() || age_keygen(&k->secret, k->pub) ||
	    age_keygen(&k->secret2, k->pub2) || age_recipient_add(&k->rs, k->pub, NULL, 0) ||
	    age_identity_add(&k->ids, k->secret, NULL, 0) ||
	    age_identity_add(&k->ids2, k->secret2, NULL, 0))
		return -1;
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct keys *k = *state;

	secmem_free(k->secret);
	secmem_free(k->secret2);
	age_recipients_free(k->rs);
	age_identities_free(k->ids);
	age_identities_free(k->ids2);
	free(k);
	return 0;
}

static int enc(const struct age_enc_opts *o, const uint8_t *in, size_t len, struct mem *out)
{
	struct mem src = { .p = (uint8_t *)in, .len = len, .step = 7001 };

	memset(out, 0, sizeof(*out));
	return age_encrypt(mem_read, &src, mem_write, out, o);
}

static int dec(const struct age_dec_opts *o, const struct mem *in, struct mem *out,
	       uint64_t *released)
{
	struct mem src = { .p = in->p, .len = in->len };
	struct age_dec_info info;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = age_decrypt(mem_read, &src, mem_write, out, o, &info);
	if (released)
		*released = info.released;
	return ret;
}

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 16));
	return p;
}

/* ---- known answers ---- */

static void test_kat_hkdf(void **state)
{
	uint8_t fk[16], nonce[16], out[32], want[32];
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++) {
		fk[i] = (uint8_t)i;
		nonce[i] = (uint8_t)(0x10 + i);
	}
	assert_int_equal(age_hkdf(fk, 16, NULL, 0, "header", out), 0);
	unhex("0d492cb66fc6bf34e995c0485bce23c67cff7c7885571eaf08b8f6bf80d0c40b", want, 32);
	assert_memory_equal(out, want, 32);
	assert_int_equal(age_hkdf(fk, 16, nonce, 16, "payload", out), 0);
	unhex("a9b6b2f491423ef997e866099d8ab29f171b0374a41426b361d50625ffa8044b", want, 32);
	assert_memory_equal(out, want, 32);
}

static void test_kat_nonce(void **state)
{
	const uint8_t want[12] = { 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1 };
	const uint8_t zero[12] = { 0 };
	uint8_t n[12];

	(void)state;
	age_stream_nonce(0x0102030405060708ull, true, n);
	assert_memory_equal(n, want, 12);
	age_stream_nonce(0, false, n);
	assert_memory_equal(n, zero, 12);
	age_stream_nonce(1, false, n);
	assert_int_equal(n[10], 1);
	assert_int_equal(n[11], 0);
}

/* RFC 7748 6.1: Alice's key is the ephemeral one, Bob the recipient */
static void test_kat_x25519_stanza(void **state)
{
	uint8_t bob_sk[32], wrap[32], fk[16], got[16], body[32];
	struct age_identities *ids = NULL;
	struct age_stanza st = { 0 };
	struct age_header h = { 0 };
	char secret[128] = "", share[] = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo";
	unsigned long long n;
	size_t i;

	(void)state;
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", bob_sk, 32);
	/* HKDF(shared, Alice's public || Bob's public, "age-encryption.org/v1/X25519") */
	unhex("3961227164ccc573081d6dfffdf21491dfc8e0a53dcdc56c02d4b7403d61c28e", wrap, 32);
	memset(fk, 0x5a, sizeof(fk));
	crypto_aead_chacha20poly1305_ietf_encrypt(body, &n, fk, 16, NULL, 0, NULL,
						  (const uint8_t[12]){ 0 }, wrap);
	assert_int_equal(bech32_encode("age-secret-key-", bob_sk, 32, secret, sizeof(secret) - 1),
			 0);
	/* age reads identities in upper case only */
	assert_int_equal(age_identity_add(&ids, secret, NULL, 0), -EINVAL);
	for (i = 0; secret[i]; i++)
		secret[i] = (char)toupper((unsigned char)secret[i]);
	assert_int_equal(age_identity_add(&ids, secret, NULL, 0), 0);
	st.type = "X25519";
	st.args[0] = share;
	st.nargs = 1;
	st.body = body;
	st.body_len = 32;
	h.s = &st;
	h.n = 1;
	assert_int_equal(age_x25519_unwrap(ids, &h, got), 0);
	assert_memory_equal(got, fk, 16);
	/* a body of another length is refused before any decryption */
	st.body_len = 31;
	assert_int_equal(age_x25519_unwrap(ids, &h, got), -EBADMSG);
	age_identities_free(ids);
}

static void test_kat_scrypt_stanza(void **state)
{
	uint8_t salt[16], key[32], fk[16], got[16], body[32];
	struct age_stanza st = { 0 };
	char arg0[32] = "", arg1[] = "10";
	unsigned log_n = 0;
	unsigned long long n;
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++)
		salt[i] = (uint8_t)(0xa0 + i);
	/* hashlib.scrypt(P, salt = "age-encryption.org/v1/scrypt" || salt, n = 1024, r = 8, p = 1) */
	unhex("3351166fb57818b0c454aca389b9b7c1678bc0edcd744df9a32016eca20198d9", key, 32);
	memset(fk, 0xc3, sizeof(fk));
	crypto_aead_chacha20poly1305_ietf_encrypt(body, &n, fk, 16, NULL, 0, NULL,
						  (const uint8_t[12]){ 0 }, key);
	assert_int_equal(age_b64_encode(salt, 16, arg0, sizeof(arg0) - 1), 0);
	st.type = "scrypt";
	st.args[0] = arg0;
	st.args[1] = arg1;
	st.nargs = 2;
	st.body = body;
	st.body_len = 32;
	assert_int_equal(age_scrypt_check(&st, salt, &log_n), 0);
	assert_int_equal(log_n, 10);
	assert_int_equal(age_scrypt_unwrap(&st, salt, log_n, "correct horse", got), 0);
	assert_memory_equal(got, fk, 16);
	assert_int_equal(age_scrypt_unwrap(&st, salt, log_n, "correct horsf", got), -EKEYREJECTED);
	/* the work factor: digits only, no leading zero */
	st.args[1] = "010";
	assert_int_equal(age_scrypt_check(&st, salt, &log_n), -EBADMSG);
	st.args[1] = "+10";
	assert_int_equal(age_scrypt_check(&st, salt, &log_n), -EBADMSG);
}

/* the header MAC over the header through "---", keyed by HKDF(file key, "header") */
static void test_kat_header_mac(void **state)
{
	struct keys *k = *state;
	const char *hdr = "age-encryption.org/v1\n-> X25519 abc\nAAAA\n---";
	uint8_t fk[16], key[32], mac[32], want[32];
	struct mem in = { 0 }, out;
	char text[512];
	int len;
	size_t i;

	for (i = 0; i < 16; i++)
		fk[i] = (uint8_t)i;
	/* the python value for "age-encryption.org/v1\n-> X25519 abc\nAAAA\n---" */
	unhex("cf36222fb5ada90710a9e33dd54010b66753884985aa99555fca3f6541f623ec", want, 32);
	assert_int_equal(age_hkdf(fk, 16, NULL, 0, "header", key), 0);
	crypto_auth_hmacsha256(mac, (const uint8_t *)hdr, strlen(hdr), key);
	assert_memory_equal(mac, want, 32);
	/* a file whose X25519 stanza is malformed is refused even with a good MAC */
	len = snprintf(text, sizeof(text), "%s ", hdr);
	assert_int_equal(age_b64_encode(mac, 32, text + len, sizeof(text) - len - 2), 0);
	strcat(text, "\n");
	in.p = (uint8_t *)text;
	in.len = strlen(text);
	struct age_dec_opts o = { .ids = k->ids, .threads = 1 };
	assert_int_equal(dec(&o, &in, &out, NULL), -EBADMSG);
	free(out.p);
}

/* ---- round trips ---- */

static void round_trip(struct keys *k, size_t len, unsigned threads, bool armor)
{
	struct age_enc_opts eo = { .rcpt = k->rs, .threads = threads, .armor = armor };
	struct age_dec_opts d = { .ids = k->ids, .threads = threads };
	uint8_t *plain = pattern(len);
	struct mem ct, pt;
	uint64_t rel = 0;
	size_t chunks = len ? (len + AGE_CHUNK - 1) / AGE_CHUNK : 1;

	assert_int_equal(enc(&eo, plain, len, &ct), 0);
	if (!armor) {
		/* header, nonce, and one tag per chunk: the chunking of the spec */
		const uint8_t *end = memmem(ct.p, ct.len, "\n---", 4);

		assert_non_null(end);
		end = memchr(end + 1, '\n', ct.len - (size_t)(end + 1 - ct.p));
		assert_non_null(end);
		assert_int_equal(ct.len - (size_t)(end + 1 - ct.p), 16 + len + 16 * chunks);
	}
	assert_int_equal(dec(&d, &ct, &pt, &rel), 0);
	assert_int_equal(pt.len, len);
	assert_int_equal(rel, len);
	if (len)
		assert_memory_equal(pt.p, plain, len);
	free(plain);
	free(ct.p);
	free(pt.p);
}

static void test_round_trips(void **state)
{
	const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 5u << 20 | 12345 };
	unsigned t;
	size_t i;

	for (t = 1; t <= 2; t++)
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			round_trip(*state, sizes[i], t, false);
	/* a whole ring of batches and then some, on the default thread count */
	round_trip(*state, 12u << 20, 0, false);
}

static void test_armor_round_trip(void **state)
{
	struct keys *k = *state;
	struct age_enc_opts eo = { .rcpt = k->rs, .armor = true };
	uint8_t *plain = pattern(200000);
	struct mem ct;

	assert_int_equal(enc(&eo, plain, 200000, &ct), 0);
	assert_true(armor_detect(ct.p, ct.len));
	free(ct.p);
	free(plain);
	round_trip(k, 0, 1, true);
	round_trip(k, 200000, 2, true);
}

static int pass_cb(void *usr, char **pass)
{
	const char *want = usr;

	*pass = secmem_alloc(strlen(want) + 1);
	if (!*pass)
		return -ENOMEM;
	strcpy(*pass, want);
	return 0;
}

static int pass_never(void *usr, char **pass)
{
	(void)usr;
	(void)pass;
	fail_msg("the passphrase was asked for");
	return -EIO;
}

static void test_passphrase(void **state)
{
	struct keys *k = *state;
	struct age_enc_opts eo = { .passphrase = "tumbling paper cactus", .scrypt_log_n = 10 };
	struct age_dec_opts d = { .passphrase = pass_cb, .pass_usr = "tumbling paper cactus" };
	uint8_t *plain = pattern(70000);
	struct mem ct, pt;

	assert_int_equal(enc(&eo, plain, 70000, &ct), 0);
	assert_non_null(memmem(ct.p, ct.len, "\n-> scrypt ", 11));
	assert_non_null(memmem(ct.p, ct.len, " 10\n", 4));
	assert_int_equal(dec(&d, &ct, &pt, NULL), 0);
	assert_int_equal(pt.len, 70000);
	assert_memory_equal(pt.p, plain, 70000);
	free(pt.p);
	/* wrong passphrase */
	d.pass_usr = "tumbling paper cactuz";
	assert_int_equal(dec(&d, &ct, &pt, NULL), -EKEYREJECTED);
	free(pt.p);
	/* no way to ask: nothing matched */
	d.passphrase = NULL;
	d.ids = k->ids;
	assert_int_equal(dec(&d, &ct, &pt, NULL), -ENOKEY);
	free(pt.p);
	/* a limit below the file's work factor */
	d.passphrase = pass_never;
	d.max_scrypt_log_n = 9;
	assert_int_equal(dec(&d, &ct, &pt, NULL), -E2BIG);
	free(pt.p);
	free(ct.p);
	/* scrypt together with recipients, and nothing at all, are refused */
	eo.rcpt = k->rs;
	assert_int_equal(enc(&eo, plain, 10, &ct), -EINVAL);
	free(ct.p);
	memset(&eo, 0, sizeof(eo));
	assert_int_equal(enc(&eo, plain, 10, &ct), -EINVAL);
	free(ct.p);
	/* a work factor no decryptor would accept is not written */
	eo.passphrase = "tumbling paper cactus";
	eo.scrypt_log_n = AGE_SCRYPT_MAX_LOG_N + 1;
	assert_int_equal(enc(&eo, plain, 10, &ct), -EINVAL);
	free(ct.p);
	free(plain);
}

static void test_wrong_key(void **state)
{
	struct keys *k = *state;
	struct age_enc_opts eo = { .rcpt = k->rs };
	struct age_dec_opts d = { .ids = k->ids2, .passphrase = pass_never };
	struct mem ct, pt;
	uint64_t rel = 1;

	assert_int_equal(enc(&eo, (const uint8_t *)"hello", 5, &ct), 0);
	assert_int_equal(dec(&d, &ct, &pt, &rel), -ENOKEY);
	assert_int_equal(rel, 0);
	assert_int_equal(pt.len, 0);
	free(pt.p);
	d.ids = NULL;
	assert_int_equal(dec(&d, &ct, &pt, NULL), -ENOKEY);
	free(pt.p);
	free(ct.p);
}

/* the offset of the payload nonce in a binary file */
static size_t payload_off(const struct mem *ct)
{
	const uint8_t *p = memmem(ct->p, ct->len, "\n--- ", 5);

	assert_non_null(p);
	p = memchr(p + 1, '\n', ct->len - (size_t)(p + 1 - ct->p));
	assert_non_null(p);
	return (size_t)(p + 1 - ct->p);
}

static void test_header_mac_flipped(void **state)
{
	struct keys *k = *state;
	struct age_enc_opts eo = { .rcpt = k->rs };
	struct age_dec_opts d = { .ids = k->ids };
	struct mem ct, pt;
	uint8_t *mac;

	assert_int_equal(enc(&eo, (const uint8_t *)"hello", 5, &ct), 0);
	mac = memmem(ct.p, ct.len, "\n--- ", 5) + 5 + 10;
	*mac = *mac == 'A' ? 'B' : 'A';
	assert_int_equal(dec(&d, &ct, &pt, NULL), -EBADMSG);
	assert_int_equal(pt.len, 0);
	free(pt.p);
	free(ct.p);
}

/* the file of test_chunks_tampered() cut short at each place that matters */
static void check_cuts(const struct age_dec_opts *o, const struct mem *ct, struct mem *bad,
		       size_t off)
{
	const struct age_dec_opts d = *o;
	struct mem pt;
	uint64_t rel;

	/* cut after the third full chunk: truncated; the chunk that turned out to
	 * be the end is held back with the error */
	bad->len = off + 3 * AGE_CT_CHUNK;
	memcpy(bad->p, ct->p, ct->len);
	assert_int_equal(dec(&d, bad, &pt, &rel), -ENODATA);
	assert_int_equal(rel, 2 * AGE_CHUNK);
	free(pt.p);
	/* cut inside the last chunk's tag */
	bad->len = off + 3 * AGE_CT_CHUNK + 10;
	assert_int_equal(dec(&d, bad, &pt, NULL), -ENODATA);
	free(pt.p);
	/* cut inside the last chunk's data */
	bad->len = ct->len - 1;
	assert_int_equal(dec(&d, bad, &pt, NULL), -EPROTO);
	free(pt.p);
	/* cut right after the nonce, and inside it */
	bad->len = off;
	assert_int_equal(dec(&d, bad, &pt, NULL), -ENODATA);
	free(pt.p);
	bad->len = off - 3;
	assert_int_equal(dec(&d, bad, &pt, NULL), -ENODATA);
	free(pt.p);
	/* cut inside the header */
	bad->len = 30;
	assert_int_equal(dec(&d, bad, &pt, NULL), -ENODATA);
	free(pt.p);
}

/* payload manipulations on a file of 3 full chunks and a short one */
static void test_chunks_tampered(void **state)
{
	struct keys *k = *state;
	struct age_enc_opts eo = { .rcpt = k->rs };
	struct age_dec_opts d = { .ids = k->ids, .threads = 2 };
	size_t len = 3 * AGE_CHUNK + 100, off;
	uint8_t *plain = pattern(len), *tmp = malloc(AGE_CT_CHUNK);
	struct mem ct, pt, bad;
	uint64_t rel;

	assert_int_equal(enc(&eo, plain, len, &ct), 0);
	off = payload_off(&ct) + 16;
	bad.p = malloc(ct.len + 10);
	/* chunks 0 and 1 swapped: nothing is released */
	memcpy(bad.p, ct.p, ct.len);
	bad.len = ct.len;
	memcpy(tmp, bad.p + off, AGE_CT_CHUNK);
	memmove(bad.p + off, bad.p + off + AGE_CT_CHUNK, AGE_CT_CHUNK);
	memcpy(bad.p + off + AGE_CT_CHUNK, tmp, AGE_CT_CHUNK);
	assert_int_equal(dec(&d, &bad, &pt, &rel), -EPROTO);
	assert_int_equal(rel, 0);
	assert_int_equal(pt.len, 0);
	free(pt.p);
	/* chunks 1 and 2 swapped: only chunk 0 is released, and it is right */
	memcpy(bad.p, ct.p, ct.len);
	memcpy(bad.p + off + AGE_CT_CHUNK, ct.p + off + 2 * AGE_CT_CHUNK, AGE_CT_CHUNK);
	memcpy(bad.p + off + 2 * AGE_CT_CHUNK, ct.p + off + AGE_CT_CHUNK, AGE_CT_CHUNK);
	assert_int_equal(dec(&d, &bad, &pt, &rel), -EPROTO);
	assert_int_equal(rel, AGE_CHUNK);
	assert_int_equal(pt.len, AGE_CHUNK);
	assert_memory_equal(pt.p, plain, AGE_CHUNK);
	free(pt.p);
	check_cuts(&d, &ct, &bad, off);
	/* trailing data after the final chunk */
	memcpy(bad.p, ct.p, ct.len);
	memcpy(bad.p + ct.len, "trailing!!", 10);
	bad.len = ct.len + 10;
	assert_int_equal(dec(&d, &bad, &pt, &rel), -EPROTO);
	assert_int_equal(rel, 3 * AGE_CHUNK);
	free(pt.p);
	/* one flipped bit in the last chunk */
	memcpy(bad.p, ct.p, ct.len);
	bad.len = ct.len;
	bad.p[ct.len - 40] ^= 1;
	assert_int_equal(dec(&d, &bad, &pt, NULL), -EPROTO);
	free(pt.p);
	free(bad.p);
	free(ct.p);
	free(tmp);
	free(plain);
}

/* ---- a read error in the middle of the payload ---- */

struct failing {
	struct mem m;
	size_t fail_at; /* the read that would reach past this offset fails */
};

/* what the progress callback saw: it must run on the caller's thread, counting up */
struct seen {
	pthread_t caller;
	uint64_t last;
	unsigned calls;
	bool elsewhere, backwards;
};

static void on_progress(void *usr, uint64_t payload)
{
	struct seen *s = usr;

	s->elsewhere |= !pthread_equal(pthread_self(), s->caller);
	s->backwards |= payload < s->last;
	s->last = payload;
	s->calls++;
}

/* encrypt: every plaintext byte is counted; decrypt: every payload byte after the header */
static void test_progress(void **state)
{
	struct keys *k = *state;
	const size_t len = (3u << 20) + 4321;
	struct seen se = { .caller = pthread_self() }, sd = { .caller = pthread_self() };
	struct age_enc_opts eo = {
		.rcpt = k->rs, .threads = 2, .progress = on_progress, .progress_usr = &se
	};
	struct age_dec_opts d = {
		.ids = k->ids, .threads = 2, .progress = on_progress, .progress_usr = &sd
	};
	uint8_t *plain = pattern(len);
	struct mem ct, pt;

	assert_int_equal(enc(&eo, plain, len, &ct), 0);
	assert_false(se.elsewhere);
	assert_false(se.backwards);
	assert_true(se.calls >= len / (256u << 10));
	assert_int_equal(se.last, len);
	assert_int_equal(dec(&d, &ct, &pt, NULL), 0);
	assert_false(sd.elsewhere);
	assert_false(sd.backwards);
	assert_int_equal(sd.last, ct.len - payload_off(&ct) - 16);
	free(plain);
	free(ct.p);
	free(pt.p);
}

static ssize_t failing_read(void *usr, void *buf, size_t len)
{
	struct failing *f = usr;

	if (f->m.off >= f->fail_at)
		return -EIO;
	if (len > f->fail_at - f->m.off)
		len = f->fail_at - f->m.off;
	return mem_read(&f->m, buf, len);
}

/* the bytes handed to the writer: at most what was read, and never a batch twice */
static void check_prefix(const struct mem *out, const uint8_t *want, size_t max)
{
	assert_true(out->len <= max);
	if (out->len)
		assert_memory_equal(out->p, want, out->len);
}

/*
 * A read that fails after several rounds of the slot ring: a slot reused for
 * the failing batch must not hand its previous batch to the writer again.
 * With 1 thread the ring has 4 slots, with 2 threads 6; failing in batches 5
 * to 13 reuses slots on both.
 */
static void test_read_error_mid_stream(void **state)
{
	struct keys *k = *state;
	size_t len = 16u << 20, batch = 4 * AGE_CHUNK, ct_batch = 4 * AGE_CT_CHUNK, at, off;
	uint8_t *plain = pattern(len);
	struct mem ct, out;
	unsigned t, b;

	{
		struct age_enc_opts eo = { .rcpt = k->rs };

		assert_int_equal(enc(&eo, plain, len, &ct), 0);
	}
	off = payload_off(&ct) + 16;
	for (t = 1; t <= 2; t++) {
		struct age_dec_opts d = { .ids = k->ids, .threads = t };
		struct age_enc_opts eo = { .rcpt = k->rs, .threads = t };

		for (b = 5; b <= 13; b += 4) {
			struct failing f = { .m = { .p = ct.p, .len = ct.len, .step = 5000 } };
			struct age_dec_info info;

			/* decrypt: the plaintext written is a prefix of the original */
			at = b * ct_batch + 1000;
			f.fail_at = off + at;
			memset(&out, 0, sizeof(out));
			assert_int_equal(age_decrypt(failing_read, &f, mem_write, &out, &d, &info),
					 -EIO);
			check_prefix(&out, plain, at / AGE_CT_CHUNK * AGE_CHUNK);
			assert_int_equal(info.released, out.len);
			free(out.p);

			/* encrypt: never more chunks out than were read in */
			f = (struct failing){ .m = { .p = plain, .len = len, .step = 5000 } };
			f.fail_at = b * batch + 1000;
			memset(&out, 0, sizeof(out));
			assert_int_equal(age_encrypt(failing_read, &f, mem_write, &out, &eo), -EIO);
			assert_true(out.len >= off);
			assert_true(out.len - off <= f.fail_at / AGE_CHUNK * AGE_CT_CHUNK);
			free(out.p);
		}
	}
	free(ct.p);
	free(plain);
}

/*
 * A file made here chunk by chunk with a known file key, to break the
 * last-chunk rules that age_encrypt() never breaks.
 */
struct forged_chunk {
	size_t len;
	bool last;
};

static void forge(struct keys *k, const struct forged_chunk *c, size_t n, struct mem *out)
{
	uint8_t fk[16], nonce[16], key[32], mac[32], stream_nonce[12];
	uint8_t *buf = calloc(1, AGE_CT_CHUNK);
	struct age_stanza st;
	char *hdr, line[64] = " ";
	size_t hlen, i;
	void *ctx;

	memset(out, 0, sizeof(*out));
	memset(fk, 0x33, sizeof(fk));
	memset(nonce, 0x44, sizeof(nonce));
	assert_int_equal(age_x25519_wrap(age_recipients_key(k->rs, 0), fk, &st), 0);
	assert_int_equal(age_header_encode(&st, 1, &hdr, &hlen), 0);
	assert_int_equal(age_hkdf(fk, 16, NULL, 0, "header", key), 0);
	crypto_auth_hmacsha256(mac, (uint8_t *)hdr, hlen, key);
	assert_int_equal(age_b64_encode(mac, 32, line + 1, sizeof(line) - 3), 0);
	strcat(line, "\n");
	mem_write(out, hdr, hlen);
	mem_write(out, line, strlen(line));
	mem_write(out, nonce, 16);
	assert_int_equal(age_hkdf(fk, 16, nonce, 16, "payload", key), 0);
	ctx = age_chunk_ctx(key, false);
	assert_non_null(ctx);
	for (i = 0; i < n; i++) {
		uint8_t *plain = pattern(c[i].len);

		age_stream_nonce(i, c[i].last, stream_nonce);
		assert_int_equal(age_chunk_seal(ctx, stream_nonce, plain, c[i].len, buf), 0);
		mem_write(out, buf, c[i].len + AGE_TAG_LEN);
		free(plain);
	}
	age_stanza_clear(&st);
	free(hdr);
	free(buf);
	EVP_CIPHER_CTX_free(ctx);
}

static int dec_forged(struct keys *k, const struct forged_chunk *c, size_t n, uint64_t *rel)
{
	struct age_dec_opts d = { .ids = k->ids, .threads = 2 };
	struct mem ct, pt;
	int ret;

	forge(k, c, n, &ct);
	ret = dec(&d, &ct, &pt, rel);
	free(ct.p);
	free(pt.p);
	return ret;
}

static void test_last_chunk_rules(void **state)
{
	const struct forged_chunk good[] = { { AGE_CHUNK, false }, { 5, true } };
	const struct forged_chunk empty_after[] = { { AGE_CHUNK, false }, { 0, true } };
	const struct forged_chunk empty_only[] = { { 0, true } };
	const struct forged_chunk full_last[] = { { AGE_CHUNK, false }, { AGE_CHUNK, true } };
	const struct forged_chunk no_last[] = { { AGE_CHUNK, false }, { AGE_CHUNK, false } };
	const struct forged_chunk early_last[] = { { AGE_CHUNK, true }, { 5, true } };
	const struct forged_chunk short_middle[] = { { 100, false }, { 5, true } };
	struct keys *k = *state;
	uint64_t rel;

	/* the forger itself makes files that open */
	assert_int_equal(dec_forged(k, good, 2, &rel), 0);
	assert_int_equal(rel, AGE_CHUNK + 5);
	assert_int_equal(dec_forged(k, empty_only, 1, &rel), 0);
	assert_int_equal(rel, 0);
	assert_int_equal(dec_forged(k, full_last, 2, &rel), 0);
	assert_int_equal(rel, 2 * AGE_CHUNK);
	/* a final empty chunk after data */
	assert_int_equal(dec_forged(k, empty_after, 2, &rel), -EPROTO);
	assert_int_equal(rel, AGE_CHUNK);
	/* no chunk carries the last flag: truncated */
	assert_int_equal(dec_forged(k, no_last, 2, &rel), -ENODATA);
	assert_int_equal(rel, AGE_CHUNK);
	/* the flag on a chunk that is followed by another */
	assert_int_equal(dec_forged(k, early_last, 2, &rel), -EPROTO);
	assert_int_equal(rel, 0);
	/* a short chunk that is not the last */
	assert_int_equal(dec_forged(k, short_middle, 2, &rel), -EPROTO);
	assert_int_equal(rel, 0);
}

/* ---- headers written by hand ---- */

static int dec_text(const struct age_dec_opts *o, const char *text)
{
	struct mem in = { .p = (uint8_t *)text, .len = strlen(text) }, out;
	int ret = dec(o, &in, &out, NULL);

	free(out.p);
	return ret;
}

#define B43 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define SALT "AAAAAAAAAAAAAAAAAAAAAA"

static void test_scrypt_work_factor(void **state)
{
	struct keys *k = *state;
	struct age_dec_opts d = { .ids = k->ids, .passphrase = pass_never };

	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> scrypt " SALT " 23\n" B43
				      "\n--- " B43 "\n"),
			 -E2BIG);
	/* a work factor that is not ^[1-9][0-9]*$ is malformed */
	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> scrypt " SALT " 022\n" B43
				      "\n--- " B43 "\n"),
			 -EBADMSG);
	/* the caller's own limit */
	d.max_scrypt_log_n = 12;
	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> scrypt " SALT " 13\n" B43
				      "\n--- " B43 "\n"),
			 -E2BIG);
}

static void test_scrypt_mixed(void **state)
{
	struct keys *k = *state;
	struct age_dec_opts d = { .ids = k->ids, .passphrase = pass_never };

	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> X25519 " B43 "\n" B43
				      "\n-> scrypt " SALT " 10\n" B43 "\n--- " B43 "\n"),
			 -EBADMSG);
	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> scrypt " SALT " 10\n" B43
				      "\n-> scrypt " SALT " 10\n" B43 "\n--- " B43 "\n"),
			 -EBADMSG);
	/* an unknown type beside scrypt is "another stanza" too */
	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> scrypt " SALT " 10\n" B43
				      "\n-> example.com/x 1\n\n--- " B43 "\n"),
			 -EBADMSG);
}

static void test_x25519_zero_share(void **state)
{
	struct keys *k = *state;
	struct age_dec_opts d = { .ids = k->ids };
	uint8_t share[32];
	char text[512], b64[64] = "";

	/* the all-zero share: a point of small order, the shared secret is zero */
	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> X25519 " B43 "\n" B43 "\n--- " B43
				      "\n"),
			 -EBADMSG);
	/* the same file with a proper share is merely not for this identity */
	crypto_scalarmult_base(share, (const uint8_t[32]){ 1, 2, 3 });
	age_b64_encode(share, 32, b64, sizeof(b64) - 1);
	snprintf(text, sizeof(text), "age-encryption.org/v1\n-> X25519 %s\n" B43 "\n--- " B43 "\n",
		 b64);
	assert_int_equal(dec_text(&d, text), -ENOKEY);
	/* a share of the wrong length is malformed */
	assert_int_equal(dec_text(&d,
				  "age-encryption.org/v1\n-> X25519 AAAA\n" B43 "\n--- " B43 "\n"),
			 -EBADMSG);
}

static void test_unknown_stanza(void **state)
{
	struct keys *k = *state;
	struct age_dec_opts d = { .ids = k->ids, .passphrase = pass_never };

	assert_int_equal(dec_text(&d, "age-encryption.org/v1\n-> mlkem768x25519 AAAA\n" B43
				      "\n--- " B43 "\n"),
			 -ENOKEY);
	assert_int_equal(dec_text(&d, "age-encryption.org/v2\n-> X25519 " B43 "\n" B43 "\n--- " B43
				      "\n"),
			 -EPROTONOSUPPORT);
}

static void test_keys(void **state)
{
	struct age_recipients *rs = NULL;
	struct age_identities *ids = NULL;
	char *secret = NULL, pub[128], why[128] = "";
	uint8_t zero[32] = { 0 };
	char low[128] = "";

	(void)state;
	assert_int_equal(age_keygen(&secret, pub), 0);
	assert_int_equal(strncmp(secret, "AGE-SECRET-KEY-1", 16), 0);
	assert_int_equal(strlen(secret), 74);
	assert_int_equal(strncmp(pub, "age1", 4), 0);
	assert_int_equal(strlen(pub), 62);
	assert_int_equal(age_identity_add(&ids, secret, why, sizeof(why)), 0);
	assert_int_equal(age_recipient_add(&rs, pub, why, sizeof(why)), 0);
	/* the identity where a recipient belongs, and the other way round */
	assert_int_equal(age_recipient_add(&rs, secret, why, sizeof(why)), -EINVAL);
	assert_true(why[0]);
	assert_int_equal(age_identity_add(&ids, pub, why, sizeof(why)), -EINVAL);
	pub[10] = pub[10] == 'q' ? 'p' : 'q';
	assert_int_equal(age_recipient_add(&rs, pub, why, sizeof(why)), -EINVAL);
	/* a point of small order is no recipient */
	assert_int_equal(bech32_encode("age", zero, 32, low, sizeof(low) - 1), 0);
	assert_int_equal(age_recipient_add(&rs, low, why, sizeof(why)), -EINVAL);
	age_recipients_free(rs);
	age_identities_free(ids);
	secmem_free(secret);
}

/* ---- files written by the stock age 1.1.1, committed in tests/data/age ---- */

static struct mem read_file(const char *path);

static struct mem data_file(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", KESU_AGE_DIR, name);
	return read_file(path);
}

static void test_stock_files(void **state)
{
	const char *armored[] = { "stock-armor", "stock-armor-240", "stock-armor-241" };
	struct age_identities *ids = NULL;
	struct age_dec_opts d = { .passphrase = pass_cb,
				  .pass_usr = "correct horse battery staple kesu" };
	struct mem key = data_file("format-identity.txt"), ct, pt, pt2;
	char name[64], *line, *save;
	size_t i;

	(void)state;
	key.p[key.len] = 0;
	for (line = strtok_r((char *)key.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "AGE-SECRET-KEY-", 15) == 0)
			assert_int_equal(age_identity_add(&ids, line, NULL, 0), 0);
	free(key.p);
	assert_non_null(ids);
	/* the passphrase file (log2 N 18) */
	ct = data_file("stock-scrypt.age");
	assert_int_equal(dec(&d, &ct, &pt, NULL), 0);
	assert_true(pt.len > 0);
	free(ct.p);
	free(pt.p);
	d.passphrase = NULL;
	d.ids = ids;
	ct = data_file("stock-x25519.age");
	assert_int_equal(dec(&d, &ct, &pt, NULL), 0);
	assert_int_equal(pt.len, 17);
	assert_memory_equal(pt.p, "kesu format test\n", 17);
	free(ct.p);
	free(pt.p);
	/* the armored files give what their unarmored copies give */
	for (i = 0; i < sizeof(armored) / sizeof(armored[0]); i++) {
		snprintf(name, sizeof(name), "%s.age", armored[i]);
		ct = data_file(name);
		assert_int_equal(dec(&d, &ct, &pt, NULL), 0);
		free(ct.p);
		snprintf(name, sizeof(name), "%s.age.asc", armored[i]);
		ct = data_file(name);
		assert_int_equal(dec(&d, &ct, &pt2, NULL), 0);
		assert_int_equal(pt.len, pt2.len);
		assert_memory_equal(pt.p, pt2.p, pt.len);
		free(ct.p);
		free(pt.p);
		free(pt2.p);
	}
	/* broken armor is a malformed file */
	ct = data_file("armor-bad-no-end.asc");
	assert_int_equal(dec(&d, &ct, &pt, NULL), -EBADMSG);
	free(ct.p);
	free(pt.p);
	age_identities_free(ids);
}

/* ---- the stock age, both directions ---- */

static int run(const char *cmd)
{
	int rc = system(cmd);

	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static void write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static struct mem read_file(const char *path)
{
	struct mem m = { 0 };
	FILE *f = fopen(path, "rb");
	uint8_t buf[65536];
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mem_write(&m, buf, n);
	fclose(f);
	return m;
}

static char dir[64];

static void test_stock_age(void **state)
{
	const size_t sizes[] = { 0, 65536, 65537, 3u << 20 };
	struct keys *k = *state;
	char cmd[1024], path[128];
	struct age_identities *ids = NULL;
	struct age_recipients *rs = NULL;
	struct mem key, ct, pt;
	char *line, *save;
	size_t i;
	int armor;

	snprintf(cmd, sizeof(cmd), "age-keygen -o %s/key 2>/dev/null", dir);
	assert_int_equal(run(cmd), 0);
	snprintf(path, sizeof(path), "%s/key", dir);
	key = read_file(path);
	key.p[key.len] = 0;
	for (line = strtok_r((char *)key.p, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "AGE-SECRET-KEY-", 15) == 0)
			assert_int_equal(age_identity_add(&ids, line, NULL, 0), 0);
		if (strncmp(line, "# public key: ", 14) == 0)
			assert_int_equal(age_recipient_add(&rs, line + 14, NULL, 0), 0);
	}
	assert_non_null(ids);
	assert_non_null(rs);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *plain = pattern(sizes[i]);
		struct age_dec_opts d = { .ids = ids };
		struct age_enc_opts eo = { .rcpt = rs };

		snprintf(path, sizeof(path), "%s/plain", dir);
		write_file(path, plain, sizes[i]);
		for (armor = 0; armor <= 1; armor++) {
			/* age encrypts, kesu decrypts */
			snprintf(cmd, sizeof(cmd), "age %s -r %s -o %s/ct %s/plain",
				 armor ? "-a" : "", k->pub, dir, dir);
			assert_int_equal(run(cmd), 0);
			snprintf(path, sizeof(path), "%s/ct", dir);
			ct = read_file(path);
			d.ids = k->ids;
			assert_int_equal(dec(&d, &ct, &pt, NULL), 0);
			assert_int_equal(pt.len, sizes[i]);
			if (sizes[i])
				assert_memory_equal(pt.p, plain, sizes[i]);
			free(ct.p);
			free(pt.p);
			/* kesu encrypts to age-keygen's key, age decrypts */
			eo.armor = armor;
			assert_int_equal(enc(&eo, plain, sizes[i], &ct), 0);
			write_file(path, ct.p, ct.len);
			free(ct.p);
			/* to stdout: age creates -o only once it has a byte to write */
			snprintf(cmd, sizeof(cmd),
				 "age -d -i %s/key %s/ct >%s/out && cmp -s %s/out %s/plain", dir,
				 dir, dir, dir, dir);
			assert_int_equal(run(cmd), 0);
		}
		free(plain);
	}
	sodium_memzero(key.p, key.len);
	free(key.p);
	age_identities_free(ids);
	age_recipients_free(rs);
}

static bool have_age(void)
{
	return run("age --version >/dev/null 2>&1 && age-keygen --version >/dev/null 2>&1") == 0;
}

int main(void)
{
	const struct CMUnitTest core[] = {
		cmocka_unit_test(test_kat_hkdf),
		cmocka_unit_test(test_kat_nonce),
		cmocka_unit_test(test_kat_x25519_stanza),
		cmocka_unit_test(test_kat_scrypt_stanza),
		cmocka_unit_test(test_kat_header_mac),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_armor_round_trip),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_header_mac_flipped),
		cmocka_unit_test(test_chunks_tampered),
		cmocka_unit_test(test_read_error_mid_stream),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_last_chunk_rules),
		cmocka_unit_test(test_scrypt_work_factor),
		cmocka_unit_test(test_scrypt_mixed),
		cmocka_unit_test(test_x25519_zero_share),
		cmocka_unit_test(test_unknown_stanza),
		cmocka_unit_test(test_stock_files),
	};
	const struct CMUnitTest stock[] = {
		cmocka_unit_test(test_stock_age),
	};
	const char *tmp = getenv("TMPDIR");
	char rm[128];
	int rc;

	rc = cmocka_run_group_tests_name("age", core, setup, teardown);
	if (rc)
		return rc;
	if (!have_age()) {
		fprintf(stderr, "test_age: stock age and age-keygen are not installed: the "
				"interoperability tests cannot run\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "%s/test_age.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests_name("age-stock", stock, setup, teardown);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	run(rm);
	return rc;
}
