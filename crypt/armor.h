/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ASCII armor of age files (C2SP age, "ASCII armor"): RFC 7468's strict
 * PEM form (Figure 3) with the label "AGE ENCRYPTED FILE":
 *
 *   "-----BEGIN AGE ENCRYPTED FILE-----" eol
 *   *(64 base64 chars eol)
 *   (4 to 64 base64 chars, the last quantum maybe "="-padded) eol
 *   "-----END AGE ENCRYPTED FILE-----" eol
 *
 * Armor is not authenticated, so the decoder takes only the canonical form,
 * as the spec asks: padded standard base64 with zero bits after the data,
 * every line but the last exactly 64 columns, no empty armor, eol one of LF
 * or CRLF and the same on every line (the BEGIN line's), and nothing around
 * the block but whitespace (SP, HT, CR, LF, VT, FF) before it and after the
 * END marker (whose eol is thus optional). The encoder writes LF, as age
 * does.
 *
 * Both sides stream with constant memory, EVP-style: update with any split
 * of the input, then final.
 */
#ifndef KESU_CRYPT_ARMOR_H
#define KESU_CRYPT_ARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define ARMOR_END "-----END AGE ENCRYPTED FILE-----"

/*
 * Room armor_enc_update() needs in @out for @n bytes of input: whole lines
 * (48 bytes make 65 characters), the BEGIN line; ARMOR_ENC_OUT_MAX(0) also
 * covers armor_enc_final() (BEGIN, last line and END lines: 133 at most).
 */
#define ARMOR_ENC_OUT_MAX(n) (((n) / 48 + 1) * 65 + 100)
#define ARMOR_ENC_FINAL_MAX ARMOR_ENC_OUT_MAX(0)

struct armor_enc;
struct armor_dec;

/** armor_enc_new() - a new encoder in *@e. Return: 0; -ENOMEM */
int armor_enc_new(struct armor_enc **e);

/**
 * armor_enc_update() - armor the next @n bytes
 * @e: the encoder
 * @in: the bytes
 * @n: how many
 * @out: receives the text ready so far (the BEGIN line, whole lines); not
 *       NUL-terminated; room for ARMOR_ENC_OUT_MAX(@n) characters
 * @outlen: set to how many were written
 *
 * Return: 0; -EINVAL after armor_enc_final()
 */
int armor_enc_update(struct armor_enc *e, const uint8_t *in, size_t n, char *out, size_t *outlen);

/**
 * armor_enc_final() - the rest: the last (padded) line and the END line
 * @e: the encoder
 * @out: room for ARMOR_ENC_FINAL_MAX characters; not NUL-terminated
 * @outlen: set to how many were written
 *
 * Return: 0; -ENODATA when no byte was given (the strict form has no empty
 * armor); -EINVAL when called twice
 */
int armor_enc_final(struct armor_enc *e, char *out, size_t *outlen);

/** armor_enc_free() - free @e (NULL-safe) */
void armor_enc_free(struct armor_enc *e);

/** armor_dec_new() - a new decoder in *@d. Return: 0; -ENOMEM */
int armor_dec_new(struct armor_dec **d);

/**
 * armor_dec_update() - take the next @n characters of armored text
 * @d: the decoder
 * @in: the characters (any bytes)
 * @n: how many
 * @out: receives decoded bytes; room for @n (never more are written)
 * @outlen: set to how many were written
 *
 * Bytes may come out before the line that carries them has been checked
 * whole: what reaches @out is only the armor's content, which the age
 * header MAC and the payload authenticate; an -EBADMSG here or from
 * armor_dec_final() means the whole input is to be dropped.
 * Return: 0; -EBADMSG at the first byte that breaks the form (and at
 * every later call)
 */
int armor_dec_update(struct armor_dec *d, const char *in, size_t n, uint8_t *out, size_t *outlen);

/**
 * armor_dec_final() - the input has ended
 * @d: the decoder
 *
 * Return: 0 when the END marker was read and nothing but whitespace after
 * it; -EBADMSG otherwise (truncated, no END line, an earlier error)
 */
int armor_dec_final(struct armor_dec *d);

/** armor_dec_free() - free @d (NULL-safe) */
void armor_dec_free(struct armor_dec *d);

/**
 * armor_detect() - whether a file starting with @buf is armored
 * @buf: its first bytes
 * @n: how many (0 gives false)
 *
 * Return: true when @buf, after leading whitespace, starts with the BEGIN
 * marker, or holds a non-empty beginning of it and then ends; false
 * otherwise (a binary age file starts "age-encryption.org/")
 */
bool armor_detect(const uint8_t *buf, size_t n);

#endif
