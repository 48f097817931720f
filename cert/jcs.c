// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 8785 canonical JSON. jansson parses; the writing is done here because
 * jansson's JSON_SORT_KEYS sorts member names by bytes, which is not UTF-16
 * order once a name holds a character above U+FFFF.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jcs.h"
#include "text.h"

struct jcs_buf {
	char *p;
	size_t len, cap;
};

static int put(struct jcs_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;

		while (b->len + n + 1 > cap)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/*
 * The code point at @s (@end - @s bytes left, NUL allowed inside), its
 * length in @n; 0 bytes when the sequence is not strict UTF-8. jansson's
 * strings end with a NUL after their length, which text_utf8_seq() needs.
 */
static size_t next_cp(const char *s, const char *end, uint32_t *cp)
{
	size_t n;

	if (*s == '\0') {
		*cp = 0;
		return 1;
	}
	n = text_utf8_seq(s, cp);
	return n && n <= (size_t)(end - s) ? n : 0;
}

static int put_string(struct jcs_buf *b, const char *s, size_t len)
{
	const char *end = s + len, *run;
	char esc[8];
	uint32_t cp;
	size_t n;
	int r;

	if (put(b, "\"", 1))
		return -ENOMEM;
	while (s < end) {
		/* copy the longest run that needs no escape at once */
		for (run = s; s < end; s += n) {
			n = next_cp(s, end, &cp);
			if (!n)
				return -EINVAL;
			if (cp < 0x20 || cp == '"' || cp == '\\')
				break;
		}
		if (put(b, run, (size_t)(s - run)))
			return -ENOMEM;
		if (s == end)
			break;
		switch (*s) {
		case '"': r = put(b, "\\\"", 2); break;
		case '\\': r = put(b, "\\\\", 2); break;
		case '\b': r = put(b, "\\b", 2); break;
		case '\f': r = put(b, "\\f", 2); break;
		case '\n': r = put(b, "\\n", 2); break;
		case '\r': r = put(b, "\\r", 2); break;
		case '\t': r = put(b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)(unsigned char)*s);
			r = put(b, esc, 6);
			break;
		}
		if (r)
			return r;
		s++;
	}
	return put(b, "\"", 1);
}

/*
 * A weight whose order is the order of UTF-16 code units: code points above
 * U+FFFF are written as surrogates (0xD800..0xDBFF first), which sort after
 * U+D7FF and before U+E000..U+FFFF. Supplementary code points keep their
 * own order, which is the order of their surrogate pairs.
 */
static uint32_t utf16_weight(uint32_t cp)
{
	return cp >= 0xE000 && cp <= 0xFFFF ? cp + 0x110000 : cp;
}

struct jcs_key {
	const char *s;
	size_t len;
	json_t *v;
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct jcs_key *a = pa, *b = pb;
	const char *x = a->s, *y = b->s, *xe = x + a->len, *ye = y + b->len;
	uint32_t cx, cy;
	size_t nx, ny;

	while (x < xe && y < ye) {
		nx = next_cp(x, xe, &cx);
		ny = next_cp(y, ye, &cy);
		/* checked before sorting; bytes keep the sort total regardless */
		if (!nx || !ny) {
			cx = (unsigned char)*x;
			cy = (unsigned char)*y;
			nx = ny = 1;
		}
		if (cx != cy)
			return utf16_weight(cx) < utf16_weight(cy) ? -1 : 1;
		x += nx;
		y += ny;
	}
	return (x < xe) - (y < ye);
}

static bool valid_utf8(const char *s, size_t len)
{
	const char *end = s + len;
	uint32_t cp;
	size_t n;

	for (; s < end; s += n)
		if (!(n = next_cp(s, end, &cp)))
			return false;
	return true;
}

static int put_value(struct jcs_buf *b, const json_t *v);

static int put_object(struct jcs_buf *b, const json_t *v)
{
	size_t n = json_object_size(v), i = 0, klen;
	struct jcs_key *keys;
	const char *key;
	json_t *val;
	int r = 0;

	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	json_object_keylen_foreach((json_t *)v, key, klen, val)
	{
		if (!valid_utf8(key, klen)) {
			r = -EINVAL;
			goto out;
		}
		keys[i++] = (struct jcs_key){ key, klen, val };
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	r = put(b, "{", 1);
	for (i = 0; !r && i < n; i++) {
		if (i)
			r = put(b, ",", 1);
		if (!r)
			r = put_string(b, keys[i].s, keys[i].len);
		if (!r)
			r = put(b, ":", 1);
		if (!r)
			r = put_value(b, keys[i].v);
	}
	if (!r)
		r = put(b, "}", 1);
out:
	free(keys);
	return r;
}

static int put_value(struct jcs_buf *b, const json_t *v)
{
	char num[24];
	json_int_t i;
	size_t k;
	int r;

	switch (json_typeof(v)) {
	case JSON_OBJECT: return put_object(b, v);
	case JSON_ARRAY:
		r = put(b, "[", 1);
		for (k = 0; !r && k < json_array_size(v); k++) {
			if (k)
				r = put(b, ",", 1);
			if (!r)
				r = put_value(b, json_array_get(v, k));
		}
		return r ? r : put(b, "]", 1);
	case JSON_STRING: return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		i = json_integer_value(v);
		if (i > JCS_INT_MAX || i < -JCS_INT_MAX)
			return -EINVAL;
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, i);
		return put(b, num, strlen(num));
	case JSON_TRUE: return put(b, "true", 4);
	case JSON_FALSE: return put(b, "false", 5);
	case JSON_NULL: return put(b, "null", 4);
	case JSON_REAL:
	default: return -EINVAL;
	}
}

int jcs_dump(const json_t *v, char **out, size_t *len)
{
	struct jcs_buf b = { 0 };
	int r;

	if (!v)
		return -EINVAL;
	r = put_value(&b, v);
	if (r) {
		free(b.p);
		return r;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int jcs_is_canonical(const char *buf, size_t len, json_t **out)
{
	json_error_t err;
	json_t *v;
	char *canon = NULL;
	size_t clen = 0;
	int r;

	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v)
		return json_error_code(&err) == json_error_out_of_memory ? -ENOMEM : -EBADMSG;
	r = jcs_dump(v, &canon, &clen);
	if (!r && (clen != len || memcmp(canon, buf, len)))
		r = -EINVAL;
	free(canon);
	if (r || !out)
		json_decref(v);
	else
		*out = v;
	return r;
}
