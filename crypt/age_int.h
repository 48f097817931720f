/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of the age module share among themselves; not part of the
 * module's interface (age.h).
 */
#ifndef KESU_AGE_INT_H
#define KESU_AGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "age.h"
#include "age_format.h"

#define AGE_FILE_KEY_LEN 16
#define AGE_KEY_LEN 32
#define AGE_TAG_LEN 16
#define AGE_NONCE_LEN 16
#define AGE_CHUNK (64u << 10)
#define AGE_CT_CHUNK (AGE_CHUNK + AGE_TAG_LEN)

/* the payload: one per file, filled in by age.c, run by age_stream.c */
struct age_stream {
	uint8_t key[AGE_KEY_LEN]; /* payload key; the struct lives in secure memory */
	bool decrypt;
	unsigned threads;
	/* the input after the header (and after the nonce) */
	ssize_t (*rd)(void *usr, void *buf, size_t len);
	void *rusr;
	int (*wr)(void *usr, const void *buf, size_t len);
	void *wusr;
	uint64_t released;	  /* decrypt: plaintext bytes passed to wr */
	age_progress_fn progress; /* on the caller's thread, after each batch read; or NULL */
	void *pusr;
};

/**
 * age_stream_run() - seal or open the whole payload on worker threads
 * Return: 0, -EPROTO, -ENODATA (decrypt), -ENOMEM, -EAGAIN (threads), or the
 * error of @s->rd / @s->wr
 */
int age_stream_run(struct age_stream *s);

/**
 * age_hkdf() - HKDF-SHA-256 (OpenSSL EVP_KDF "HKDF"), 32 bytes of output
 * Return: 0 or -EIO
 */
int age_hkdf(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
	     const char *info, uint8_t out[AGE_KEY_LEN]);

/**
 * age_aead_wrap() - ChaCha20-Poly1305 with the all-zero nonce of the stanza
 * bodies: 16-byte file key in, 32-byte body out
 * Return: 0 or -EIO
 */
int age_aead_wrap(const uint8_t key[AGE_KEY_LEN], const uint8_t *file_key, uint8_t *body);

/**
 * age_aead_unwrap() - open a 32-byte stanza body
 * Return: 0, -EBADMSG (not 32 bytes), -EKEYREJECTED (did not authenticate)
 */
int age_aead_unwrap(const uint8_t key[AGE_KEY_LEN], const uint8_t *body, size_t body_len,
		    uint8_t *file_key);

/**
 * age_chunk_ctx() - an EVP_CIPHER_CTX keyed with @key for one thread's
 * chunks (EVP_CIPHER_CTX_free() it)
 * Return: the context, or NULL (out of memory)
 */
void *age_chunk_ctx(const uint8_t key[AGE_KEY_LEN], bool decrypt);

/**
 * age_chunk_seal() / age_chunk_open() - one payload chunk with the 12-byte
 * STREAM @nonce; @len is the plaintext length (seal) or the ciphertext
 * length including the tag (open, at least AGE_TAG_LEN)
 * Return: 0, -EIO (seal), -EPROTO (open: did not authenticate)
 */
int age_chunk_seal(void *ctx, const uint8_t nonce[12], const uint8_t *in, size_t len, uint8_t *out);
int age_chunk_open(void *ctx, const uint8_t nonce[12], const uint8_t *in, size_t len, uint8_t *out);

/** age_stream_nonce() - the 11-byte big-endian counter and the last-chunk flag */
void age_stream_nonce(uint64_t counter, bool last, uint8_t nonce[12]);

/* an SSH key as a recipient or identity (age_ssh.c) */
struct age_ssh_key {
	bool rsa;	  /* else ssh-ed25519 */
	uint8_t tag[4];	  /* the first bytes of SHA-256 of @wire */
	uint8_t *wire;	  /* the public key in the SSH wire format (malloc) */
	size_t wire_len;  /* its length */
	uint8_t x_pk[32]; /* ssh-ed25519: the public key as an X25519 point */
	uint8_t x_sk[32]; /* ssh-ed25519 identity: the X25519 scalar (secure memory) */
	void *pkey;	  /* ssh-rsa: the EVP_PKEY, a key pair for an identity */
};

struct age_recipients {
	size_t n;		 /* X25519 keys */
	uint8_t (*pk)[32];	 /* the X25519 keys */
	size_t nssh;		 /* SSH keys */
	struct age_ssh_key *ssh; /* the SSH keys (public) */
};

/* one identity per node, each node in secure memory */
struct age_identities {
	struct age_identities *next;
	uint8_t sk[32];
	uint8_t pk[32];
	struct age_ssh_key *ssh; /* an SSH identity (secure memory), else X25519 */
};

/** age_identities_append() - put @node at the end of the list */
void age_identities_append(struct age_identities **ids, struct age_identities *node);

/** age_ssh_is_public() - does @s look like an SSH public key line (any type)? */
bool age_ssh_is_public(const char *s);

/**
 * age_ssh_recipient_add() - an ssh-ed25519 or ssh-rsa public key line
 * ("type base64 [comment]") as a recipient
 * Return: 0, -EINVAL (@why: malformed, or ECDSA, security-key or other
 * types, RSA under 2048 bits), -ENOMEM
 */
int age_ssh_recipient_add(struct age_recipients **rs, const char *s, char *why, size_t len);

/** age_ssh_key_clear() - release what @k holds (not @k itself); NULL is ignored */
void age_ssh_key_clear(struct age_ssh_key *k);

/**
 * age_ssh_wrap() - the "ssh-ed25519" or "ssh-rsa" stanza for @k
 * Return: 0, -EINVAL (a key giving an all-zero secret), -ENOMEM, -EIO
 */
int age_ssh_wrap(const struct age_ssh_key *k, const uint8_t *file_key, struct age_stanza *st);

/**
 * age_ssh_unwrap() - find the file key in the header's SSH stanzas
 * Return: 0, -ENOKEY (none for the SSH identities of @ids), -EBADMSG (a
 * malformed SSH stanza, an all-zero shared secret), -ENOMEM, -EIO
 */
int age_ssh_unwrap(const struct age_identities *ids, const struct age_header *h, uint8_t *file_key);

/** age_recipients_count() / age_recipients_key() - the keys of a list (X25519 first) */
size_t age_recipients_count(const struct age_recipients *rs);
const uint8_t *age_recipients_key(const struct age_recipients *rs, size_t i);

/**
 * age_x25519_wrap() - an "X25519" stanza for the recipient @pk
 * Return: 0, -EINVAL (low-order @pk), -ENOMEM, -EIO
 */
int age_x25519_wrap(const uint8_t pk[32], const uint8_t *file_key, struct age_stanza *st);

/**
 * age_x25519_unwrap() - find the file key in the header's X25519 stanzas
 * Return: 0, -ENOKEY (none for @ids), -EBADMSG (a malformed X25519 stanza,
 * an all-zero shared secret), -EIO
 */
int age_x25519_unwrap(const struct age_identities *ids, const struct age_header *h,
		      uint8_t *file_key);

/**
 * age_scrypt_wrap() - the "scrypt" stanza for @pass at work factor @log_n
 * Return: 0, -ENOMEM, -EIO
 */
int age_scrypt_wrap(const char *pass, unsigned log_n, const uint8_t *file_key,
		    struct age_stanza *st);

/**
 * age_scrypt_check() - validate an scrypt stanza's arguments and body
 * @salt: out, 16 bytes; @log_n: out
 * Return: 0 or -EBADMSG
 */
int age_scrypt_check(const struct age_stanza *st, uint8_t salt[16], unsigned *log_n);

/**
 * age_scrypt_unwrap() - open a checked scrypt stanza with @pass
 * Return: 0, -EKEYREJECTED, -ENOMEM (scrypt's memory), -EIO
 */
int age_scrypt_unwrap(const struct age_stanza *st, const uint8_t salt[16], unsigned log_n,
		      const char *pass, uint8_t *file_key);

#endif
