/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * age v1 file encryption (C2SP age): X25519 and scrypt recipients, the
 * header MAC, and the STREAM payload sealed on several threads. The header
 * grammar, base64, Bech32 and armor live in age_format.h, bech32.h and
 * armor.h; this module composes them with libsodium and OpenSSL primitives.
 */
#ifndef KESU_AGE_H
#define KESU_AGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The callbacks: @rd is called only on the thread that called age_encrypt()
 * or age_decrypt(); @wr, for the payload, on a thread of the module's own,
 * one call at a time and in file order, and never after the call returned.
 *
 * Read up to @len bytes: the count, 0 at end of input, or a negative errno.
 */
typedef ssize_t (*age_read_fn)(void *usr, void *buf, size_t len);
/* Write all @len bytes: 0 or a negative errno. */
typedef int (*age_write_fn)(void *usr, const void *buf, size_t len);
/*
 * How far the payload got: called on the thread that called age_encrypt()
 * or age_decrypt(), between two reads of @rd, with the payload bytes read so
 * far (plaintext when encrypting; ciphertext after the header, and after
 * the armor is taken off, when decrypting). It may be called thousands of
 * times a second: a caller that draws something keeps its own clock.
 */
typedef void (*age_progress_fn)(void *usr, uint64_t payload);

struct age_recipients;
struct age_identities;

/**
 * age_recipient_add() - parse a recipient and add it: X25519 ("age1..."),
 * or an SSH public key line ("ssh-ed25519 AAAA...", "ssh-rsa AAAA...")
 * @rs: the list; *@rs may be NULL (a new list is made)
 * @s: NUL-terminated recipient string
 * @why: on -EINVAL, the reason for the person
 *
 * Return: 0, -EINVAL (not an age1 key, bad checksum, wrong length, a
 * low-order point), -ENOMEM
 */
int age_recipient_add(struct age_recipients **rs, const char *s, char *why, size_t len);

/**
 * age_identity_add() - parse an X25519 identity ("AGE-SECRET-KEY-1...") and
 * add it; the key is kept in secure memory
 * @ids: the list; *@ids may be NULL (a new list is made)
 * @why: on -EINVAL, the reason (never the key itself)
 *
 * Return: 0, -EINVAL, -ENOMEM
 */
int age_identity_add(struct age_identities **ids, const char *s, char *why, size_t len);

/* The passphrase of a protected key file, asked only when one is needed. */
struct age_key_pass {
	/* *@pass: NUL-terminated, in secure memory (secmem_free); 0 or a negative errno */
	int (*get)(void *usr, const char *path, char **pass);
	void *usr;
};

/**
 * age_ssh_identity_add() - an OpenSSH private key ("openssh-key-v1", the
 * format of ssh-keygen) of type ssh-ed25519 or ssh-rsa as an identity; a
 * key protected by a passphrase is opened with libssh (ssh-ed25519) or
 * decrypted here (ssh-rsa: bcrypt_pbkdf, AES-CTR, -CBC or -GCM), the
 * passphrase asked once through @kp
 * @text: the key file's content, @len bytes, NUL-terminated
 * @path: the file's name, for @kp
 * @kp: how to ask for the passphrase; NULL: protected keys are refused
 * @why: on -EINVAL or -ENOTSUP, the reason
 *
 * Return: 0; -EINVAL (malformed, or another key type or format: PEM, ECDSA,
 * security keys; a protected ssh-rsa key asking over 65536 bcrypt rounds);
 * -ENOTSUP (a protected ssh-rsa key whose cipher or KDF is not read here);
 * -ENOKEY (protected, and no @kp); -EKEYREJECTED (wrong passphrase);
 * -ENOMEM; -EIO (OpenSSL failed); the error of @kp->get
 */
int age_ssh_identity_add(struct age_identities **ids, const char *text, size_t len,
			 const char *path, const struct age_key_pass *kp, char *why, size_t wlen);

/** age_ssh_is_private() - does @text start like a PEM block (an SSH or other private key)? */
bool age_ssh_is_private(const char *text);

/**
 * age_identity_recipient() - the recipient ("age1...") of an X25519
 * identity line, as age-keygen -y prints it
 * Return: 0, -EINVAL (not an identity), -ENOMEM, -EIO
 */
int age_identity_recipient(const char *s, char pub[128]);

/** age_recipients_free() - release the list; NULL is ignored */
void age_recipients_free(struct age_recipients *rs);

/** age_identities_free() - wipe and release the list; NULL is ignored */
void age_identities_free(struct age_identities *ids);

/**
 * age_keygen() - a new X25519 identity
 * @secret: out, "AGE-SECRET-KEY-1..." in secure memory (secmem_free)
 * @pub: out, the matching "age1..." recipient, NUL-terminated
 *
 * Return: 0, -ENOMEM, -EIO (encoding failed)
 */
int age_keygen(char **secret, char pub[128]);

/* scrypt work factors (log2 N): what age writes and the most it reads */
#define AGE_SCRYPT_LOG_N 18
#define AGE_SCRYPT_MAX_LOG_N 22

struct age_enc_opts {
	const struct age_recipients *rcpt; /* X25519 recipients, or NULL */
	const char *passphrase;		   /* scrypt, the file's only stanza */
	unsigned scrypt_log_n;		   /* 0: AGE_SCRYPT_LOG_N */
	bool armor;			   /* PEM "AGE ENCRYPTED FILE" */
	unsigned threads;		   /* 0: one per CPU */
	age_progress_fn progress;	   /* or NULL */
	void *progress_usr;
};

/**
 * age_encrypt() - encrypt everything @rd gives to @wr as one age v1 file
 *
 * Memory stays constant whatever the input size: the payload goes through a
 * small ring of 256 KiB batches of chunks, sealed on @o->threads workers and
 * written in order.
 *
 * Return: 0; -EINVAL (no recipient, a passphrase together with recipients,
 * a work factor outside 1..AGE_SCRYPT_MAX_LOG_N); -ENOMEM; the error of @rd or @wr
 */
int age_encrypt(age_read_fn rd, void *rusr, age_write_fn wr, void *wusr,
		const struct age_enc_opts *o);

struct age_dec_opts {
	const struct age_identities *ids; /* or NULL */
	/* asked only when the file has an scrypt stanza; *pass in secure memory,
	 * released with secmem_free() */
	int (*passphrase)(void *usr, char **pass);
	void *pass_usr;
	unsigned max_scrypt_log_n; /* 0: AGE_SCRYPT_MAX_LOG_N */
	unsigned threads;	   /* 0: one per CPU */
	age_progress_fn progress;  /* or NULL */
	void *progress_usr;
};

struct age_dec_info {
	uint64_t released; /* plaintext bytes handed to wr, each after its chunk authenticated */
};

/**
 * age_decrypt() - decrypt one age v1 file (binary or armored) from @rd to @wr
 * @info: may be NULL; filled in on success and on failure
 *
 * Plaintext reaches @wr only once its chunk has authenticated, in order; a
 * failure after some chunks were written leaves @info->released non-zero.
 *
 * Return: 0;
 * -ENOKEY no stanza matched an identity (or no passphrase was available);
 * -EKEYREJECTED the passphrase did not open the scrypt stanza;
 * -EBADMSG malformed header or armor, wrong header MAC, an scrypt stanza
 * that is not the only one, an X25519 share giving an all-zero secret;
 * -EPROTONOSUPPORT a version other than v1;
 * -E2BIG scrypt work factor above @o->max_scrypt_log_n;
 * -EPROTO a chunk failed authentication, an empty final chunk after data,
 * data after the final chunk;
 * -ENODATA the input ends early (inside the header or the nonce, before a
 * final chunk, or inside a chunk's tag);
 * -ENOMEM; the error of @rd, @wr or the passphrase callback
 */
int age_decrypt(age_read_fn rd, void *rusr, age_write_fn wr, void *wusr,
		const struct age_dec_opts *o, struct age_dec_info *info);

#endif
