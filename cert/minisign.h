/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * minisign keys and signatures, byte for byte as minisign 0.11 reads and
 * writes them, so that either tool uses the other's keys and verifies the
 * other's signatures:
 *
 *   public key   "untrusted comment: C\n" base64("Ed" keynum[8] pk[32]) "\n"
 *   secret key   "untrusted comment: C\n" base64("Ed" "Sc" "B2" salt[32]
 *                opslimit[8 LE] memlimit[8 LE] (keynum[8] sk[64] chk[32]) XOR
 *                scrypt(passphrase, salt)) "\n"; chk = BLAKE2b-256("Ed" keynum sk)
 *   signature    "untrusted comment: C\n" base64("ED" keynum[8] sig[64]) "\n"
 *                "trusted comment: T\n" base64(global_sig[64]) "\n"; sig signs
 *                BLAKE2b-512(message), global_sig signs sig || T
 *
 * The parsers are strict (line structure, lengths, canonical base64) and take
 * any bytes without crashing. Every primitive is libsodium's.
 */
#ifndef KESU_CERT_MINISIGN_H
#define KESU_CERT_MINISIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MINISIGN_KEYNUM_BYTES 8
#define MINISIGN_PK_BYTES 32
#define MINISIGN_SK_BYTES 64
#define MINISIGN_SIG_BYTES 64
/* a line minisign reads with fgets(): its buffer sizes, the newline included */
#define MINISIGN_COMMENT_LINE_MAX 1024
#define MINISIGN_TRUSTED_LINE_MAX 8192
/* longest comment text (after "untrusted comment: ") minisign reads back whole */
#define MINISIGN_COMMENT_MAX (MINISIGN_COMMENT_LINE_MAX - 2 - 19)
/* longest trusted comment text (after "trusted comment: ") */
#define MINISIGN_TRUSTED_MAX (MINISIGN_TRUSTED_LINE_MAX - 2 - 17)
/* longest NAME in a kesu key's comment, in bytes */
#define MINISIGN_NAME_MAX 256

struct minisign_pubkey {
	uint8_t keynum[MINISIGN_KEYNUM_BYTES];
	uint8_t pk[MINISIGN_PK_BYTES];
	char comment[MINISIGN_COMMENT_MAX + 1]; /* the untrusted comment, without its prefix */
};

/* Always in secure memory: from minisign_keygen() or minisign_seckey_decrypt(). */
struct minisign_seckey {
	uint8_t keynum[MINISIGN_KEYNUM_BYTES];
	uint8_t sk[MINISIGN_SK_BYTES]; /* libsodium's: seed || pk */
};

/* The secret key file as stored: nothing in it is secret until decrypted. */
struct minisign_seckey_file {
	bool encrypted; /* kdf "Sc"; false: kdf 0x0000, minisign -W */
	uint8_t salt[32];
	uint64_t opslimit, memlimit;
	uint8_t box[MINISIGN_KEYNUM_BYTES + MINISIGN_SK_BYTES + 32]; /* keynum sk chk, XORed */
	char comment[MINISIGN_COMMENT_MAX + 1];
};

/* scrypt cost of a new secret key; minisign -G uses the "sensitive" limits */
struct minisign_kdf {
	uint64_t opslimit, memlimit;
};

struct minisign_sig {
	bool prehashed; /* "ED"; false: legacy "Ed", the message itself signed */
	uint8_t keynum[MINISIGN_KEYNUM_BYTES];
	uint8_t sig[MINISIGN_SIG_BYTES];
	uint8_t global_sig[MINISIGN_SIG_BYTES];
	char untrusted[MINISIGN_COMMENT_MAX + 1];
	char trusted[MINISIGN_TRUSTED_MAX + 1];
};

/*
 * who a kesu key belongs to: its public key comment "kesu role=ROLE
 * name=NAME", in a trust store optionally ending " retired=YYYY-MM-DD"
 */
struct minisign_identity {
	char role[16]; /* "operator", "approver", "contractor" or "inspector" */
	char name[MINISIGN_NAME_MAX + 1];
	char retired_on[11]; /* "YYYY-MM-DD"; "" when the key is not retired */
	int64_t retired;     /* that day's start, 00:00 UTC, in seconds since 1970 */
};

/*
 * A key's fingerprint: the first 128 bits of SHA-256 over the 32 bytes of
 * the Ed25519 public key, as 8 groups of 4 lowercase hex digits separated
 * by spaces ("3f2a 91c0 ..."), to be read aloud. Unlike the key number,
 * which the key's creator picks and no signature covers, it cannot be
 * given to another key.
 */
#define MINISIGN_FPR_LEN (8 * 4 + 7 + 1)

/** minisign_fingerprint() - @pk's fingerprint, NUL-terminated */
void minisign_fingerprint(const uint8_t pk[MINISIGN_PK_BYTES], char out[MINISIGN_FPR_LEN]);

/** minisign_kdf_default() - the cost minisign 0.11 gives a new key (1 GiB, 2^25 ops) */
struct minisign_kdf minisign_kdf_default(void);

/**
 * minisign_keyid() - a key number as minisign prints it: 16 uppercase hex
 * digits of the little-endian integer
 */
void minisign_keyid(const uint8_t keynum[MINISIGN_KEYNUM_BYTES], char out[17]);

/**
 * minisign_keygen() - a new Ed25519 key pair with a random key number
 * @sec: set to the secret key, in secure memory; free with minisign_seckey_free()
 * @pub: filled in, with an empty comment
 * Return: 0, -ENOMEM, -EIO (libsodium failed)
 */
int minisign_keygen(struct minisign_seckey **sec, struct minisign_pubkey *pub);

/** minisign_seckey_free() - wipe and free; NULL is ignored */
void minisign_seckey_free(struct minisign_seckey *sec);

/**
 * minisign_pubkey_format() - the text of a public key file
 * @comment: the untrusted comment (no newline, at most MINISIGN_COMMENT_MAX bytes)
 * @text: set to a new NUL-terminated string (free() it)
 * Return: 0, -EINVAL (a comment with a line break or too long), -ENOMEM
 */
int minisign_pubkey_format(const struct minisign_pubkey *pub, const char *comment, char **text);

/**
 * minisign_seckey_format() - the text of an encrypted secret key file
 * @pass: the passphrase (not empty)
 * @kdf: scrypt cost; NULL for minisign_kdf_default()
 * @comment: the untrusted comment; NULL for minisign's own
 * @text: set to a new string (free() it); the key inside is encrypted
 * Return: 0, -EINVAL (empty passphrase, bad comment, a cost scrypt refuses),
 * -ENOMEM
 */
int minisign_seckey_format(const struct minisign_seckey *sec, const char *pass,
			   const struct minisign_kdf *kdf, const char *comment, char **text);

/**
 * minisign_pubkey_parse() - read a public key file
 * @buf: its bytes (any, not NUL-terminated)
 * Return: 0, -EBADMSG (not a minisign Ed25519 public key file)
 */
int minisign_pubkey_parse(const char *buf, size_t len, struct minisign_pubkey *pub);

/**
 * minisign_seckey_parse() - read a secret key file without decrypting it
 * Return: 0, -EBADMSG (not a minisign secret key file, or an algorithm other
 * than Ed25519, scrypt and BLAKE2b)
 */
int minisign_seckey_parse(const char *buf, size_t len, struct minisign_seckey_file *f);

/**
 * minisign_seckey_decrypt() - derive the key from @pass and check it
 * @pass: the passphrase; ignored for a key stored without one
 * @sec: set to the key in secure memory
 * Return: 0, -EKEYREJECTED (wrong passphrase: the checksum does not match),
 * -ENOMEM (also when scrypt cannot get the memory the file asks for),
 * -EINVAL (a cost libsodium refuses)
 */
int minisign_seckey_decrypt(const struct minisign_seckey_file *f, const char *pass,
			    struct minisign_seckey **sec);

/**
 * minisign_seckey_read() - open, check and parse a secret key file, without
 * decrypting it (so that a refused file is found before a passphrase is asked)
 * @path: the file; it must be a regular file that neither group nor others
 *        may read, write or execute (checked with fstat() on the opened
 *        descriptor that is then read)
 * Return: 0, -EPERM (group or others have access), -EBADMSG (not a secret
 * key file, or larger than one), -EISDIR, -ENOMEM, or the errno of
 * open()/read() (-ENOENT, -EACCES, ...)
 */
int minisign_seckey_read(const char *path, struct minisign_seckey_file *f);

/**
 * minisign_seckey_load() - minisign_seckey_read() and minisign_seckey_decrypt()
 * Return: the errnos of both
 */
int minisign_seckey_load(const char *path, const char *pass, struct minisign_seckey **sec);

/**
 * minisign_pubkey_load() - read and parse a public key file
 * Return: 0, -EBADMSG, -EISDIR, or the errno of open()/read()
 */
int minisign_pubkey_load(const char *path, struct minisign_pubkey *pub);

/**
 * minisign_pubkey_from_seckey() - the public half of @sec (empty comment)
 */
void minisign_pubkey_from_seckey(const struct minisign_seckey *sec, struct minisign_pubkey *pub);

/**
 * minisign_sig_parse() - read a signature file
 * Return: 0, -EBADMSG (not four lines of the right form and lengths, or an
 * algorithm other than "ED" or "Ed")
 */
int minisign_sig_parse(const char *buf, size_t len, struct minisign_sig *sig);

/**
 * minisign_sign() - sign @len bytes of @buf (prehashed, "ED", as minisign -S)
 * @trusted: the trusted comment (one line, at most MINISIGN_TRUSTED_MAX bytes)
 * @untrusted: the untrusted comment; NULL for minisign's own
 * @text: set to the signature file's text (free() it)
 * Return: 0, -EINVAL (a comment with a line break or too long), -ENOMEM
 */
int minisign_sign(const struct minisign_seckey *sec, const void *buf, size_t len,
		  const char *trusted, const char *untrusted, char **text);

/**
 * minisign_verify() - check a signature file's text over @len bytes of @buf
 * @trusted: when not NULL and the signature verifies, set to a copy of the
 *           trusted comment (free() it)
 *
 * Prehashed ("ED") and legacy ("Ed") signatures are both accepted, as
 * minisign -V does; the trusted comment is checked with the global signature.
 * Return: 0, -EBADMSG (malformed), -ENOKEY (signed by another key number),
 * -EKEYREJECTED (the signature or the trusted comment does not verify), -ENOMEM
 */
int minisign_verify(const struct minisign_pubkey *pub, const void *buf, size_t len,
		    const char *sig_text, size_t sig_len, char **trusted);

/**
 * minisign_identity_comment() - "kesu role=ROLE name=NAME" for a new key
 * @role: "operator", "approver", "contractor" or "inspector"
 * @name: valid UTF-8 without control characters, 1 to MINISIGN_NAME_MAX bytes
 * @comment: set to a new string (free() it)
 * Return: 0, -EINVAL, -ENOMEM
 */
int minisign_identity_comment(const char *role, const char *name, char **comment);

/**
 * minisign_identity_parse() - role, name and retirement from a public key's
 * comment: "kesu role=ROLE name=NAME", or "kesu role=ROLE name=NAME
 * retired=YYYY-MM-DD" for a key its administrator retired (the name ends
 * before " retired=")
 * Return: 0, -ENOENT (not a kesu key comment, e.g. one minisign -G wrote),
 * -EBADMSG (a kesu comment with an unknown role, an unclean name, or a
 * " retired=" that is not followed by a real date and the end)
 */
int minisign_identity_parse(const char *comment, struct minisign_identity *id);

#endif
