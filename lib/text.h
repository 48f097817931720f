/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text that came from a person, a device or a file name: check it, and
 * escape it for the places (syslog records, terminal lines) where a quote,
 * a newline or an invalid byte would change what the reader sees.
 */
#ifndef KESU_TEXT_H
#define KESU_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * text_utf8_seq() - the UTF-8 sequence at the start of @s
 * @s: a NUL-terminated string, not at its end
 * @cp: set to the code point when the sequence is valid
 *
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF, no truncated sequences.
 * Return: the length of the sequence (1 to 4), or 0 when the byte at @s does
 * not start a valid one
 */
size_t text_utf8_seq(const char *s, uint32_t *cp);

/** text_is_utf8() - whether @s (not NULL) is valid UTF-8 throughout */
bool text_is_utf8(const char *s);

/**
 * text_is_clean() - whether @s is what a person may type into a recorded
 * field: valid UTF-8 with no control characters (C0, DEL, C1)
 */
bool text_is_clean(const char *s);

/**
 * text_escape() - @s made safe for one quoted field on one line
 * @s: any bytes; NULL gives "-"
 * @out: set to a new string (free() it): `"` -> `\"`, `\` -> `\\`, control
 *       characters, DEL, C1 controls and bytes that are not valid UTF-8 ->
 *       `\xNN`; valid UTF-8 is kept as it is
 * Return: 0 or -ENOMEM
 */
int text_escape(const char *s, char **out);

/**
 * text_is_base64() - are the @n bytes at @s all of the standard base64
 * alphabet (RFC 4648 section 4), with at most two "=" only at the end?
 *
 * libsodium 1.0.18's decoder takes every byte from 0x80 to 0xff for "/",
 * so each strict parser checks the alphabet with this first.
 */
bool text_is_base64(const char *s, size_t n);

/**
 * text_hex() - the bytes of @s in lowercase hexadecimal
 * @out: set to a new string (free() it)
 * Return: 0 or -ENOMEM
 */
int text_hex(const char *s, char **out);

/**
 * text_name_fold() - a person's name in the form two names are compared in:
 * NFKC, full case folding, each run of white space one U+0020, none at
 * either end ("鈴木　花子" with a full-width space folds as "鈴木 花子")
 * @out: set to a new string (free() it)
 * Return: 0, -EILSEQ (@name is not valid UTF-8), -ENOMEM
 */
int text_name_fold(const char *name, char **out);

/**
 * text_name_same() - whether @a and @b name the same person after
 * text_name_fold(); equal bytes are always the same, and text that cannot be
 * folded (not UTF-8, no memory) is compared byte for byte
 */
bool text_name_same(const char *a, const char *b);

#endif
