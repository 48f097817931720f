/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The textual header of an age v1 file (C2SP age, "Header"), parsed and
 * written without any cryptography:
 *
 *   age-encryption.org/v1 LF
 *   1*( "-> " argument *(SP argument) LF      (argument = 1*VCHAR)
 *       *(64 base64 chars LF) (0-63 base64 chars LF) )
 *   "--- " 43 base64 chars LF
 *
 * base64 is RFC 4648 Section 4 without padding, and canonical (3.5): a
 * parser that took two spellings of the same header would let a file be
 * changed without touching its MAC input. So the parser takes exactly what
 * the encoder writes and nothing else, and age_header_encode() of a parsed
 * header gives back its bytes up to "---".
 */
#ifndef KESU_CRYPT_AGE_FORMAT_H
#define KESU_CRYPT_AGE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* arguments after the type a stanza may carry here (X25519: 1, scrypt: 2) */
#define AGE_MAX_ARGS 8
/* longest header accepted, its MAC line included; age itself reads no more */
#define AGE_HEADER_MAX ((size_t)1 << 20)
/* a body line: 64 base64 columns hold 48 bytes */
#define AGE_COLUMNS 64
/* the header MAC (HMAC-SHA-256) and its base64 (43 characters) */
#define AGE_MAC_BYTES 32

struct age_stanza {
	char *type;		  /* the first argument: "X25519", "scrypt", ... */
	char *args[AGE_MAX_ARGS]; /* the arguments after it, NUL-terminated */
	size_t nargs;
	uint8_t *body; /* decoded; never NULL once parsed, even when body_len is 0 */
	size_t body_len;
};

struct age_header {
	struct age_stanza *s;
	size_t n; /* at least 1 */
	uint8_t mac[AGE_MAC_BYTES];
	size_t mac_input_len; /* bytes from the start through "---" */
	size_t len;	      /* the whole header, the MAC line's LF included */
};

/**
 * age_header_parse() - parse the header at the start of an age file
 * @buf: the first @len bytes of the file (the payload may follow)
 * @len: how many bytes of @buf are there
 * @h: filled in on success (free with age_header_free()); zeroed otherwise
 *
 * Every byte up to @len is checked as it comes, so a malformed file is
 * refused as soon as the malformed byte is in @buf, not at the 1 MiB limit.
 * Return: 0; -EAGAIN when @buf ends inside a header that is well formed so
 * far and could still end within AGE_HEADER_MAX bytes (read more and call
 * again with the longer buffer); -EBADMSG when the header is malformed, or
 * does not end within AGE_HEADER_MAX bytes, or has more than AGE_MAX_ARGS
 * arguments after a stanza's type; -EPROTONOSUPPORT when the version line
 * is well formed but not "age-encryption.org/v1"; -ENOMEM
 */
int age_header_parse(const uint8_t *buf, size_t len, struct age_header *h);

/** age_header_free() - free what age_header_parse() allocated (NULL-safe); zeroes @h */
void age_header_free(struct age_header *h);

/** age_stanza_clear() - free the members of @st (parsed, or made by a recipient's wrap) and zero it */
void age_stanza_clear(struct age_stanza *st);

/**
 * age_header_encode() - write a header up to its MAC
 * @s: the stanzas, in file order
 * @n: how many (at least 1)
 * @out: set to a new NUL-terminated string (free() it):
 *       "age-encryption.org/v1\n" stanzas "---", the MAC input; the caller
 *       appends " " base64(mac) "\n"
 * @len: set to its length, the NUL not counted
 *
 * Return: 0; -EINVAL when @n is 0, a type or argument is empty or holds a
 * byte other than VCHAR (0x21-0x7e), a stanza has more than AGE_MAX_ARGS
 * arguments or a body of non-zero length at NULL; -E2BIG when the header
 * with its MAC line would be longer than AGE_HEADER_MAX (no parser would
 * read it back); -ENOMEM
 */
int age_header_encode(const struct age_stanza *s, size_t n, char **out, size_t *len);

/** age_b64_encoded_len() - length of the unpadded base64 of @n bytes, no NUL: ceil(4n/3) */
size_t age_b64_encoded_len(size_t n);

/**
 * age_b64_encode() - unpadded standard base64 (RFC 4648 Section 4, canonical)
 * @in: the bytes
 * @n: how many
 * @out: receives age_b64_encoded_len(@n) characters, and a NUL when @outmax
 *       leaves room for one
 * @outmax: size of @out
 *
 * Return: 0; -ENOBUFS when @outmax is below age_b64_encoded_len(@n)
 */
int age_b64_encode(const uint8_t *in, size_t n, char *out, size_t outmax);

/**
 * age_b64_decode() - strict decoding of unpadded standard base64
 * @in: the characters (need not be NUL-terminated)
 * @n: how many
 * @out: receives the bytes
 * @outmax: size of @out
 * @outlen: set to the number of bytes written
 *
 * Only the one canonical spelling is taken: the standard alphabet, no "="
 * padding, no whitespace or other byte, no length of the form 4k+1, zero
 * bits after the last byte.
 * Return: 0; -EBADMSG when @in is anything else, or decodes to more than
 * @outmax bytes
 */
int age_b64_decode(const char *in, size_t n, uint8_t *out, size_t outmax, size_t *outlen);

#endif
