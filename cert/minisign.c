// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cert/minisign.h"
#include "file.h"
#include "secmem.h"
#include "text.h"

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "
#define DEFAULT_SIG_COMMENT "signature from minisign secret key"
#define DEFAULT_SECKEY_COMMENT "minisign encrypted secret key"
#define CHK_BYTES 32
#define BOX_BYTES (MINISIGN_KEYNUM_BYTES + MINISIGN_SK_BYTES + CHK_BYTES)
/* the decoded lines: "Ed" keynum pk; "Ed" "Sc" "B2" salt ops mem box; "ED" keynum sig */
#define PUB_BIN (2 + MINISIGN_KEYNUM_BYTES + MINISIGN_PK_BYTES)
#define SEC_BIN (6 + 32 + 8 + 8 + BOX_BYTES)
#define SIG_BIN (2 + MINISIGN_KEYNUM_BYTES + MINISIGN_SIG_BYTES)
#define B64_LEN(n) (sodium_base64_ENCODED_LEN((n), sodium_base64_VARIANT_ORIGINAL) - 1)
/* no key or signature file is larger; a bigger one is not one */
#define FILE_MAX (MINISIGN_COMMENT_LINE_MAX + 512)

struct line {
	const char *p;
	size_t len;
};

struct minisign_kdf minisign_kdf_default(void)
{
	struct minisign_kdf k = { crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE,
				  crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE };

	return k;
}

static uint64_t le64_load(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void le64_store(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

void minisign_keyid(const uint8_t keynum[MINISIGN_KEYNUM_BYTES], char out[17])
{
	snprintf(out, 17, "%016" PRIX64, le64_load(keynum));
}

void minisign_fingerprint(const uint8_t pk[MINISIGN_PK_BYTES], char out[MINISIGN_FPR_LEN])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	char *o = out;

	crypto_hash_sha256(h, pk, MINISIGN_PK_BYTES);
	for (int i = 0; i < 16; i += 2)
		o += sprintf(o, "%s%02x%02x", i ? " " : "", h[i], h[i + 1]);
}

/*
 * Split @buf into exactly @n lines. minisign reads each with fgets() into a
 * buffer of max[i] bytes, so a longer line would be cut there: refuse it.
 * Each line ends in "\n" ("\r\n" is taken too); the last may lack it; no
 * NUL anywhere, no "\r" inside a line, nothing after the last line.
 */
static int split_lines(const char *buf, size_t len, struct line *l, size_t n, const size_t *max)
{
	size_t pos = 0;

	if (!buf || memchr(buf, '\0', len))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		const char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
		size_t end = nl ? (size_t)(nl - buf) : len;

		if (pos >= len || (!nl && i != n - 1) || end - pos + 2 > max[i])
			return -EBADMSG;
		l[i].p = buf + pos;
		l[i].len = end - pos;
		if (l[i].len && l[i].p[l[i].len - 1] == '\r')
			l[i].len--;
		if (memchr(l[i].p, '\r', l[i].len))
			return -EBADMSG;
		pos = nl ? end + 1 : len;
	}
	return pos == len ? 0 : -EBADMSG;
}

/* the text after @prefix on @l, into @out (@size bytes, room checked by split_lines) */
static int comment_line(const struct line *l, const char *prefix, char *out, size_t size)
{
	size_t plen = strlen(prefix);

	if (l->len < plen || memcmp(l->p, prefix, plen) || l->len - plen >= size)
		return -EBADMSG;
	memcpy(out, l->p + plen, l->len - plen);
	out[l->len - plen] = '\0';
	return 0;
}

/* canonical, padded base64 of exactly @want bytes */
static int b64_line(const struct line *l, uint8_t *out, size_t want)
{
	const char *end = NULL;
	size_t got = 0;

	if (l->len != B64_LEN(want) || !text_is_base64(l->p, l->len) ||
	    sodium_base642bin(out, want, l->p, l->len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    got != want || end != l->p + l->len)
		return -EBADMSG;
	return 0;
}

/* one line of text a comment may hold: no line break, at most @max bytes */
static bool comment_ok(const char *s, size_t max)
{
	return s && strlen(s) <= max && !strpbrk(s, "\r\n");
}

int minisign_keygen(struct minisign_seckey **sec, struct minisign_pubkey *pub)
{
	struct minisign_seckey *k = secmem_alloc(sizeof(*k));

	if (!k)
		return -ENOMEM;
	memset(pub, 0, sizeof(*pub));
	secmem_random(k->keynum, sizeof(k->keynum));
	if (crypto_sign_ed25519_keypair(pub->pk, k->sk)) {
		secmem_free(k);
		return -EIO;
	}
	memcpy(pub->keynum, k->keynum, sizeof(pub->keynum));
	*sec = k;
	return 0;
}

void minisign_seckey_free(struct minisign_seckey *sec)
{
	secmem_free(sec);
}

void minisign_pubkey_from_seckey(const struct minisign_seckey *sec, struct minisign_pubkey *pub)
{
	memset(pub, 0, sizeof(*pub));
	memcpy(pub->keynum, sec->keynum, sizeof(pub->keynum));
	crypto_sign_ed25519_sk_to_pk(pub->pk, sec->sk);
}

/* "untrusted comment: C\n" B64 "\n" */
static int key_text(const char *comment, const uint8_t *bin, size_t len, char **text)
{
	size_t b64 = B64_LEN(len);
	size_t n = strlen(UNTRUSTED_PREFIX) + strlen(comment) + b64 + 3;
	char *t = malloc(n);
	int off;

	if (!t)
		return -ENOMEM;
	off = snprintf(t, n, UNTRUSTED_PREFIX "%s\n", comment);
	sodium_bin2base64(t + off, b64 + 1, bin, len, sodium_base64_VARIANT_ORIGINAL);
	memcpy(t + off + b64, "\n", 2);
	*text = t;
	return 0;
}

int minisign_pubkey_format(const struct minisign_pubkey *pub, const char *comment, char **text)
{
	uint8_t bin[PUB_BIN];

	if (!comment_ok(comment, MINISIGN_COMMENT_MAX))
		return -EINVAL;
	memcpy(bin, "Ed", 2);
	memcpy(bin + 2, pub->keynum, MINISIGN_KEYNUM_BYTES);
	memcpy(bin + 2 + MINISIGN_KEYNUM_BYTES, pub->pk, MINISIGN_PK_BYTES);
	return key_text(comment, bin, sizeof(bin), text);
}

int minisign_pubkey_parse(const char *buf, size_t len, struct minisign_pubkey *pub)
{
	static const size_t max[2] = { MINISIGN_COMMENT_LINE_MAX, MINISIGN_COMMENT_LINE_MAX };
	struct line l[2];
	uint8_t bin[PUB_BIN];

	memset(pub, 0, sizeof(*pub));
	if (split_lines(buf, len, l, 2, max) ||
	    comment_line(&l[0], UNTRUSTED_PREFIX, pub->comment, sizeof(pub->comment)) ||
	    b64_line(&l[1], bin, sizeof(bin)) || memcmp(bin, "Ed", 2)) {
		memset(pub, 0, sizeof(*pub));
		return -EBADMSG;
	}
	memcpy(pub->keynum, bin + 2, MINISIGN_KEYNUM_BYTES);
	memcpy(pub->pk, bin + 2 + MINISIGN_KEYNUM_BYTES, MINISIGN_PK_BYTES);
	return 0;
}

/* BLAKE2b-256 of "Ed" keynum sk, as minisign checks a decrypted key */
static void seckey_chk(const uint8_t *keynum, const uint8_t *sk, uint8_t chk[CHK_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, CHK_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)"Ed", 2);
	crypto_generichash_update(&st, keynum, MINISIGN_KEYNUM_BYTES);
	crypto_generichash_update(&st, sk, MINISIGN_SK_BYTES);
	crypto_generichash_final(&st, chk, CHK_BYTES);
	secmem_wipe(&st, sizeof(st));
}

/* XOR @box with scrypt(@pass, salt, cost): the same call encrypts and decrypts */
static int kdf_xor(const char *pass, const uint8_t *salt, uint64_t ops, uint64_t mem, uint8_t *box)
{
	uint8_t *stream = secmem_alloc(BOX_BYTES);
	int r = 0;

	if (!stream)
		return -ENOMEM;
	if (crypto_pwhash_scryptsalsa208sha256(stream, BOX_BYTES, pass, strlen(pass), salt, ops,
					       (size_t)mem)) {
		r = errno == ENOMEM ? -ENOMEM : -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < BOX_BYTES; i++)
		box[i] ^= stream[i];
out:
	secmem_free(stream);
	return r;
}

int minisign_seckey_format(const struct minisign_seckey *sec, const char *pass,
			   const struct minisign_kdf *kdf, const char *comment, char **text)
{
	struct minisign_kdf cost = kdf ? *kdf : minisign_kdf_default();
	uint8_t *bin;
	uint8_t *box;
	int r;

	if (!comment)
		comment = DEFAULT_SECKEY_COMMENT;
	if (!pass || !*pass || !comment_ok(comment, MINISIGN_COMMENT_MAX) ||
	    cost.memlimit > SIZE_MAX)
		return -EINVAL;
	bin = secmem_alloc(SEC_BIN);
	if (!bin)
		return -ENOMEM;
	memcpy(bin, "EdScB2", 6);
	secmem_random(bin + 6, 32);
	le64_store(bin + 38, cost.opslimit);
	le64_store(bin + 46, cost.memlimit);
	box = bin + 54;
	memcpy(box, sec->keynum, MINISIGN_KEYNUM_BYTES);
	memcpy(box + MINISIGN_KEYNUM_BYTES, sec->sk, MINISIGN_SK_BYTES);
	seckey_chk(sec->keynum, sec->sk, box + MINISIGN_KEYNUM_BYTES + MINISIGN_SK_BYTES);
	r = kdf_xor(pass, bin + 6, cost.opslimit, cost.memlimit, box);
	if (!r)
		r = key_text(comment, bin, SEC_BIN, text);
	secmem_free(bin);
	return r;
}

int minisign_seckey_parse(const char *buf, size_t len, struct minisign_seckey_file *f)
{
	static const size_t max[2] = { MINISIGN_COMMENT_LINE_MAX, MINISIGN_COMMENT_LINE_MAX };
	struct line l[2];
	uint8_t bin[SEC_BIN];
	int r = -EBADMSG;

	memset(f, 0, sizeof(*f));
	if (split_lines(buf, len, l, 2, max) ||
	    comment_line(&l[0], UNTRUSTED_PREFIX, f->comment, sizeof(f->comment)) ||
	    b64_line(&l[1], bin, sizeof(bin)))
		goto out;
	/* "Ed", then "Sc" or no KDF (minisign -W), then "B2" */
	if (memcmp(bin, "Ed", 2) || memcmp(bin + 4, "B2", 2))
		goto out;
	if (!memcmp(bin + 2, "Sc", 2))
		f->encrypted = true;
	else if (bin[2] || bin[3])
		goto out;
	memcpy(f->salt, bin + 6, 32);
	f->opslimit = le64_load(bin + 38);
	f->memlimit = le64_load(bin + 46);
	memcpy(f->box, bin + 54, BOX_BYTES);
	r = 0;
out:
	secmem_wipe(bin, sizeof(bin));
	/* the box holds the secret key itself when the file has no passphrase */
	if (r)
		secmem_wipe(f, sizeof(*f));
	return r;
}

/*
 * minisign -W stores the key in the clear with a zero checksum; the public
 * half of sk must at least be the one its seed gives.
 */
static int check_plain(const uint8_t *sk)
{
	uint8_t pk[MINISIGN_PK_BYTES];
	uint8_t *tmp = secmem_alloc(MINISIGN_SK_BYTES);
	int r;

	if (!tmp)
		return -ENOMEM;
	r = crypto_sign_ed25519_seed_keypair(pk, tmp, sk) ? -EIO : 0;
	if (!r && memcmp(pk, sk + 32, sizeof(pk)))
		r = -EBADMSG;
	secmem_free(tmp);
	return r;
}

int minisign_seckey_decrypt(const struct minisign_seckey_file *f, const char *pass,
			    struct minisign_seckey **sec)
{
	uint8_t *box = secmem_alloc(BOX_BYTES);
	uint8_t chk[CHK_BYTES];
	int r = 0;

	if (!box)
		return -ENOMEM;
	memcpy(box, f->box, BOX_BYTES);
	if (f->encrypted) {
		r = pass ? 0 : -EINVAL;
		if (!r && f->memlimit > SIZE_MAX)
			r = -ENOMEM;
		if (!r)
			r = kdf_xor(pass, f->salt, f->opslimit, f->memlimit, box);
		if (!r) {
			seckey_chk(box, box + MINISIGN_KEYNUM_BYTES, chk);
			if (sodium_memcmp(chk, box + MINISIGN_KEYNUM_BYTES + MINISIGN_SK_BYTES,
					  CHK_BYTES))
				r = -EKEYREJECTED;
		}
	} else {
		r = check_plain(box + MINISIGN_KEYNUM_BYTES);
	}
	if (!r) {
		*sec = secmem_alloc(sizeof(**sec));
		if (!*sec)
			r = -ENOMEM;
	}
	if (!r) {
		memcpy((*sec)->keynum, box, MINISIGN_KEYNUM_BYTES);
		memcpy((*sec)->sk, box + MINISIGN_KEYNUM_BYTES, MINISIGN_SK_BYTES);
	}
	secmem_wipe(chk, sizeof(chk));
	secmem_free(box);
	return r;
}

/* what file_read() refuses that is no key file says so in this module's terms */
static int key_file_errno(int r)
{
	return r == -EINVAL || r == -EFBIG ? -EBADMSG : r;
}

int minisign_seckey_read(const char *path, struct minisign_seckey_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	int r = file_read_secret(path, FILE_MAX, &buf, &len);

	if (!r)
		r = minisign_seckey_parse(buf, len, f);
	secmem_free(buf);
	return key_file_errno(r);
}

int minisign_seckey_load(const char *path, const char *pass, struct minisign_seckey **sec)
{
	struct minisign_seckey_file f;
	int r = minisign_seckey_read(path, &f);

	if (!r)
		r = minisign_seckey_decrypt(&f, pass, sec);
	secmem_wipe(&f, sizeof(f));
	return r;
}

int minisign_pubkey_load(const char *path, struct minisign_pubkey *pub)
{
	char *buf = NULL;
	size_t len = 0;
	int r = file_read(path, FILE_MAX, &buf, &len);

	if (!r)
		r = minisign_pubkey_parse(buf, len, pub);
	free(buf);
	return key_file_errno(r);
}

int minisign_sig_parse(const char *buf, size_t len, struct minisign_sig *sig)
{
	static const size_t max[4] = { MINISIGN_COMMENT_LINE_MAX, MINISIGN_COMMENT_LINE_MAX,
				       MINISIGN_TRUSTED_LINE_MAX, MINISIGN_COMMENT_LINE_MAX };
	struct line l[4];
	uint8_t bin[SIG_BIN];

	memset(sig, 0, sizeof(*sig));
	if (split_lines(buf, len, l, 4, max) ||
	    comment_line(&l[0], UNTRUSTED_PREFIX, sig->untrusted, sizeof(sig->untrusted)) ||
	    b64_line(&l[1], bin, sizeof(bin)) ||
	    comment_line(&l[2], TRUSTED_PREFIX, sig->trusted, sizeof(sig->trusted)) ||
	    b64_line(&l[3], sig->global_sig, sizeof(sig->global_sig)))
		goto bad;
	if (!memcmp(bin, "ED", 2))
		sig->prehashed = true;
	else if (memcmp(bin, "Ed", 2))
		goto bad;
	memcpy(sig->keynum, bin + 2, MINISIGN_KEYNUM_BYTES);
	memcpy(sig->sig, bin + 2 + MINISIGN_KEYNUM_BYTES, MINISIGN_SIG_BYTES);
	return 0;
bad:
	memset(sig, 0, sizeof(*sig));
	return -EBADMSG;
}

/* sig || trusted comment: what the global signature covers */
static uint8_t *global_msg(const uint8_t *sig, const char *trusted, size_t *len)
{
	size_t tlen = strlen(trusted);
	uint8_t *m = malloc(MINISIGN_SIG_BYTES + tlen);

	if (m) {
		memcpy(m, sig, MINISIGN_SIG_BYTES);
		memcpy(m + MINISIGN_SIG_BYTES, trusted, tlen);
	}
	*len = MINISIGN_SIG_BYTES + tlen;
	return m;
}

int minisign_sign(const struct minisign_seckey *sec, const void *buf, size_t len,
		  const char *trusted, const char *untrusted, char **text)
{
	uint8_t hash[crypto_generichash_BYTES_MAX], bin[SIG_BIN], global[MINISIGN_SIG_BYTES];
	char b64[B64_LEN(SIG_BIN) + 1], gb64[B64_LEN(MINISIGN_SIG_BYTES) + 1];
	uint8_t *sig = bin + 2 + MINISIGN_KEYNUM_BYTES;
	uint8_t *m;
	size_t mlen;

	if (!untrusted)
		untrusted = DEFAULT_SIG_COMMENT;
	if (!comment_ok(trusted, MINISIGN_TRUSTED_MAX) ||
	    !comment_ok(untrusted, MINISIGN_COMMENT_MAX))
		return -EINVAL;
	crypto_generichash(hash, sizeof(hash), buf, len, NULL, 0);
	memcpy(bin, "ED", 2);
	memcpy(bin + 2, sec->keynum, MINISIGN_KEYNUM_BYTES);
	crypto_sign_ed25519_detached(sig, NULL, hash, sizeof(hash), sec->sk);
	m = global_msg(sig, trusted, &mlen);
	if (!m)
		return -ENOMEM;
	crypto_sign_ed25519_detached(global, NULL, m, mlen, sec->sk);
	free(m);
	sodium_bin2base64(b64, sizeof(b64), bin, sizeof(bin), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(gb64, sizeof(gb64), global, sizeof(global),
			  sodium_base64_VARIANT_ORIGINAL);
	if (asprintf(text, UNTRUSTED_PREFIX "%s\n%s\n" TRUSTED_PREFIX "%s\n%s\n", untrusted, b64,
		     trusted, gb64) < 0) {
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}

int minisign_verify(const struct minisign_pubkey *pub, const void *buf, size_t len,
		    const char *sig_text, size_t sig_len, char **trusted)
{
	uint8_t hash[crypto_generichash_BYTES_MAX];
	struct minisign_sig *s = malloc(sizeof(*s));
	uint8_t *m = NULL;
	size_t mlen;
	int r;

	if (!s)
		return -ENOMEM;
	r = minisign_sig_parse(sig_text, sig_len, s);
	if (r)
		goto out;
	if (memcmp(s->keynum, pub->keynum, MINISIGN_KEYNUM_BYTES)) {
		r = -ENOKEY;
		goto out;
	}
	if (s->prehashed) {
		crypto_generichash(hash, sizeof(hash), buf, len, NULL, 0);
		r = crypto_sign_ed25519_verify_detached(s->sig, hash, sizeof(hash), pub->pk);
	} else {
		r = crypto_sign_ed25519_verify_detached(s->sig, buf, len, pub->pk);
	}
	if (r) {
		r = -EKEYREJECTED;
		goto out;
	}
	m = global_msg(s->sig, s->trusted, &mlen);
	if (!m) {
		r = -ENOMEM;
		goto out;
	}
	if (crypto_sign_ed25519_verify_detached(s->global_sig, m, mlen, pub->pk)) {
		r = -EKEYREJECTED;
		goto out;
	}
	if (trusted) {
		*trusted = strdup(s->trusted);
		r = *trusted ? 0 : -ENOMEM;
	}
out:
	free(m);
	free(s);
	return r;
}

static bool role_ok(const char *role)
{
	/*
	 * a contractor's technician signs certificates as their operator (Art. 5,
	 * 120-122); an inspector signs inspection records (Art. 44-46)
	 */
	return !strcmp(role, "operator") || !strcmp(role, "approver") ||
	       !strcmp(role, "contractor") || !strcmp(role, "inspector");
}

int minisign_identity_comment(const char *role, const char *name, char **comment)
{
	if (!role || !role_ok(role) || !name || !*name || strlen(name) > MINISIGN_NAME_MAX ||
	    !text_is_clean(name))
		return -EINVAL;
	if (asprintf(comment, "kesu role=%s name=%s", role, name) < 0) {
		*comment = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * " retired=YYYY-MM-DD" at the end of a trust store entry's comment, once. A
 * name holding " retired=" otherwise is refused rather than taken as a name:
 * the administrator who typed it meant to retire the key.
 */
static int parse_retired(const char *name, size_t *nlen, struct minisign_identity *id)
{
	const char *p = NULL, *q;
	struct tm tm = { 0 }, back;
	int y, m, d;
	time_t t;

	for (q = name; (q = strstr(q, " retired=")); q++)
		p = q;
	*nlen = strlen(name);
	if (!p)
		return 0;
	/* two dates: which one the administrator meant is not for kesu to guess */
	if (strstr(name, " retired=") != p || strlen(p + 9) != 10)
		return -EBADMSG;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? p[9 + i] != '-' : !isdigit((unsigned char)p[9 + i]))
			return -EBADMSG;
	if (sscanf(p + 9, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1970)
		return -EBADMSG;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* 2025-02-30 would become March 2: not a date */
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_year != y - 1900 ||
	    back.tm_mon != m - 1 || back.tm_mday != d)
		return -EBADMSG;
	memcpy(id->retired_on, p + 9, 10);
	id->retired_on[10] = '\0';
	id->retired = (int64_t)t;
	*nlen = (size_t)(p - name);
	return 0;
}

int minisign_identity_parse(const char *comment, struct minisign_identity *id)
{
	static const char prefix[] = "kesu role=";
	const char *role, *sp, *name;
	size_t rlen, nlen;

	memset(id, 0, sizeof(*id));
	if (strncmp(comment, "kesu ", 5))
		return -ENOENT;
	if (strncmp(comment, prefix, sizeof(prefix) - 1))
		return -EBADMSG;
	role = comment + sizeof(prefix) - 1;
	sp = strchr(role, ' ');
	if (!sp || strncmp(sp, " name=", 6))
		return -EBADMSG;
	rlen = (size_t)(sp - role);
	name = sp + 6;
	if (rlen >= sizeof(id->role) || parse_retired(name, &nlen, id) || !nlen ||
	    nlen > MINISIGN_NAME_MAX || !text_is_clean(name))
		goto bad;
	memcpy(id->role, role, rlen);
	if (!role_ok(id->role))
		goto bad;
	memcpy(id->name, name, nlen);
	id->name[nlen] = '\0';
	return 0;
bad:
	memset(id, 0, sizeof(*id));
	return -EBADMSG;
}
