/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 8785, JSON Canonicalization Scheme, for the documents kesu signs:
 * strings, integers, booleans, null, arrays and objects. The bytes signed
 * are the bytes on disk, so a document is either canonical or refused.
 */
#ifndef KESU_JCS_H
#define KESU_JCS_H

#include <stddef.h>

#include <jansson.h>

/*
 * The largest integer JCS writes as plain digits and every reader reads back
 * exactly (an IEEE 754 double holds it): 2^53 - 1 (RFC 8785 section 3.2.2.3,
 * I-JSON). Beyond it the canonical form would be a rounded double.
 */
#define JCS_INT_MAX 9007199254740991LL

/**
 * jcs_dump() - the canonical form of @v
 * @v: a JSON value: strings (valid UTF-8, NUL allowed), integers within
 *     +-JCS_INT_MAX, true, false, null, arrays, objects
 * @out: set to a new buffer (free() it), NUL-terminated after @len bytes
 * @len: set to the length of the canonical form
 *
 * Object members are sorted by their names as UTF-16 code units; no
 * whitespace; strings escaped as RFC 8785 section 3.2.2.2 says (only
 * \" \\ \b \f \n \r \t and \u00xx for other control characters, everything
 * else as literal UTF-8).
 *
 * Return: 0; -EINVAL for a real number, an integer beyond JCS_INT_MAX or a
 * string or member name that is not valid UTF-8; -ENOMEM
 */
int jcs_dump(const json_t *v, char **out, size_t *len);

/**
 * jcs_is_canonical() - whether @buf is exactly the canonical form of the
 * JSON text it holds
 * @buf: the bytes, not necessarily NUL-terminated
 * @out: when not NULL and the text is canonical, set to the parsed value
 *       (json_decref() it)
 *
 * Duplicate member names are refused (RFC 8785 needs unique names).
 *
 * Return: 0; -EBADMSG when @buf is not JSON (or has duplicate names);
 * -EINVAL when it is JSON but not in canonical form, or holds a real
 * number; -ENOMEM
 */
int jcs_is_canonical(const char *buf, size_t len, json_t **out);

#endif
