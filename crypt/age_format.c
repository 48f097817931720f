// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The age v1 header, strictly: see age_format.h. base64 is libsodium's;
 * sodium_base642bin() with the unpadded variant, no characters to ignore and
 * no end pointer refuses a "=" pad, whitespace, the URL alphabet, a length
 * of 4k+1 and non-zero bits after the last byte, but (1.0.18) takes any
 * byte 0x80-0xff as "/", so every character is checked against the
 * alphabet first; the line structure around it is checked here too.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypt/age_format.h"

#define B64_VARIANT sodium_base64_VARIANT_ORIGINAL_NO_PADDING
#define V1_LINE "age-encryption.org/v1\n"
#define VERSION_PREFIX "age-encryption.org/"
#define MAC_B64_LEN 43
/* bytes of a full body line */
#define LINE_BYTES (AGE_COLUMNS / 4 * 3)

struct cursor {
	const uint8_t *buf;
	size_t len; /* what may be read: the buffer, at most AGE_HEADER_MAX */
	size_t pos; /* start of the current line */
};

static bool is_vchar(uint8_t c)
{
	return c >= 0x21 && c <= 0x7e;
}

static bool is_b64(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* the current line ends at *end (its LF), or -EAGAIN with *end at the buffer's end */
static int next_line(const struct cursor *c, size_t *end)
{
	const uint8_t *lf = memchr(c->buf + c->pos, '\n', c->len - c->pos);

	*end = lf ? (size_t)(lf - c->buf) : c->len;
	return lf ? 0 : -EAGAIN;
}

static int parse_version(struct cursor *c)
{
	const size_t plen = sizeof(VERSION_PREFIX) - 1;
	const uint8_t *p = c->buf + c->pos;
	size_t end, n, i;
	int rc = next_line(c, &end);

	n = end - c->pos;
	if (memcmp(p, VERSION_PREFIX, n < plen ? n : plen))
		return -EBADMSG;
	for (i = plen; i < n; i++)
		if (!is_vchar(p[i]))
			return -EBADMSG;
	if (rc)
		return rc;
	if (n <= plen)
		return -EBADMSG;
	if (n != sizeof(V1_LINE) - 2 || memcmp(p, V1_LINE, n))
		return -EPROTONOSUPPORT;
	c->pos = end + 1;
	return 0;
}

enum line_kind { LINE_STANZA = 1, LINE_MAC };

/* what the line at c->pos starts: "-> ", "---", or (-EAGAIN) not yet known */
static int line_kind(const struct cursor *c)
{
	const uint8_t *p = c->buf + c->pos;
	size_t avail = c->len - c->pos;

	if (avail >= 1 && p[0] != '-')
		return -EBADMSG;
	if (avail >= 2 && p[1] != '>' && p[1] != '-')
		return -EBADMSG;
	if (avail < 3)
		return -EAGAIN;
	if (p[1] == '>' && p[2] == ' ')
		return LINE_STANZA;
	if (p[1] == '-' && p[2] == '-')
		return LINE_MAC;
	return -EBADMSG;
}

/* the arguments after "-> ": 1*VCHAR each, single spaces between, 1 + AGE_MAX_ARGS at most */
static int check_args(const uint8_t *p, size_t n, bool complete, size_t *fields)
{
	bool want_arg = true;
	size_t i;

	*fields = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == ' ') {
			if (want_arg)
				return -EBADMSG;
			want_arg = true;
		} else if (is_vchar(p[i])) {
			if (want_arg && ++*fields > 1 + AGE_MAX_ARGS)
				return -EBADMSG;
			want_arg = false;
		} else {
			return -EBADMSG;
		}
	}
	return complete && want_arg ? -EBADMSG : 0;
}

static char *dup_field(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

/* split the checked argument line into type and args */
static int fill_args(const uint8_t *p, size_t n, struct age_stanza *st)
{
	size_t i = 0, j, k = 0;
	char *f;

	while (i < n) {
		for (j = i; j < n && p[j] != ' '; j++)
			;
		f = dup_field(p + i, j - i);
		if (!f)
			return -ENOMEM;
		if (k++ == 0)
			st->type = f;
		else
			st->args[st->nargs++] = f;
		i = j + 1;
	}
	return 0;
}

/*
 * The body lines from c->pos: 64 base64 columns each, then one shorter
 * (maybe empty). On success *first is where they start, *lines how many
 * and *chars how many base64 characters they hold.
 */
static int scan_body(struct cursor *c, size_t *first, size_t *lines, size_t *chars)
{
	size_t end, n, i;
	int rc;

	*first = c->pos;
	*lines = *chars = 0;
	for (;;) {
		rc = next_line(c, &end);
		n = end - c->pos;
		if (n > AGE_COLUMNS)
			return -EBADMSG;
		for (i = 0; i < n; i++)
			if (!is_b64(c->buf[c->pos + i]))
				return -EBADMSG;
		if (rc)
			return rc;
		c->pos = end + 1;
		++*lines;
		*chars += n;
		if (n < AGE_COLUMNS)
			return 0;
	}
}

/* the base64 of the body lines, joined, decoded */
static int decode_body(const uint8_t *p, size_t lines, size_t chars, struct age_stanza *st)
{
	char *joined = malloc(chars + 1);
	size_t i, len;
	int rc;

	st->body = malloc(chars / 4 * 3 + 3);
	if (!joined || !st->body) {
		free(joined);
		return -ENOMEM;
	}
	for (i = 0; i < lines; i++) {
		len = i + 1 < lines ? AGE_COLUMNS : chars - i * AGE_COLUMNS;
		memcpy(joined + i * AGE_COLUMNS, p + i * (AGE_COLUMNS + 1), len);
	}
	rc = age_b64_decode(joined, chars, st->body, chars / 4 * 3 + 3, &st->body_len);
	free(joined);
	return rc;
}

void age_stanza_clear(struct age_stanza *st)
{
	size_t i;

	free(st->type);
	for (i = 0; i < st->nargs; i++)
		free(st->args[i]);
	free(st->body);
	memset(st, 0, sizeof(*st));
}

/* one stanza from c->pos ("-> " known), appended to h */
static int parse_stanza(struct cursor *c, struct age_header *h)
{
	const uint8_t *p = c->buf + c->pos + 3;
	struct age_stanza st = { 0 }, *grown;
	size_t end, fields, first, lines, chars;
	int rc = next_line(c, &end);
	int rc2 = check_args(p, end - c->pos - 3, rc == 0, &fields);

	if (rc2 || rc)
		return rc2 ? rc2 : rc;
	c->pos = end + 1;
	rc = scan_body(c, &first, &lines, &chars);
	if (rc)
		return rc;
	rc = fill_args(p, end - (size_t)(p - c->buf), &st);
	if (!rc)
		rc = decode_body(c->buf + first, lines, chars, &st);
	if (!rc) {
		grown = realloc(h->s, (h->n + 1) * sizeof(*h->s));
		rc = grown ? 0 : -ENOMEM;
		if (grown)
			h->s = grown;
	}
	if (rc) {
		age_stanza_clear(&st);
		return rc;
	}
	h->s[h->n++] = st;
	return 0;
}

/* "--- " and 43 base64 characters of 32 bytes, LF */
static int parse_mac(struct cursor *c, struct age_header *h)
{
	const uint8_t *p = c->buf + c->pos;
	size_t end, n, i, got;
	int rc = next_line(c, &end);

	n = end - c->pos;
	if (memcmp(p, "--- ", n < 4 ? n : 4) || n > 4 + MAC_B64_LEN)
		return -EBADMSG;
	for (i = 4; i < n; i++)
		if (!is_b64(p[i]))
			return -EBADMSG;
	if (rc)
		return rc;
	if (n != 4 + MAC_B64_LEN)
		return -EBADMSG;
	if (age_b64_decode((const char *)p + 4, MAC_B64_LEN, h->mac, sizeof(h->mac), &got) ||
	    got != sizeof(h->mac))
		return -EBADMSG;
	h->mac_input_len = c->pos + 3;
	h->len = end + 1;
	return 0;
}

static int parse(struct cursor *c, struct age_header *h)
{
	int rc = parse_version(c);

	while (!rc) {
		rc = line_kind(c);
		if (rc == LINE_STANZA)
			rc = parse_stanza(c, h);
		else if (rc == LINE_MAC)
			return h->n ? parse_mac(c, h) : -EBADMSG;
	}
	return rc;
}

int age_header_parse(const uint8_t *buf, size_t len, struct age_header *h)
{
	struct cursor c = { buf, len < AGE_HEADER_MAX ? len : AGE_HEADER_MAX, 0 };
	int rc;

	memset(h, 0, sizeof(*h));
	if (!len)
		return -EAGAIN;
	rc = parse(&c, h);
	if (rc == -EAGAIN && len >= AGE_HEADER_MAX)
		rc = -EBADMSG;
	if (rc)
		age_header_free(h);
	return rc;
}

void age_header_free(struct age_header *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->n; i++)
		age_stanza_clear(&h->s[i]);
	free(h->s);
	memset(h, 0, sizeof(*h));
}

/* length of a type or argument, 0 when it is not 1*VCHAR */
static size_t field_len(const char *f)
{
	size_t n;

	if (!f)
		return 0;
	for (n = 0; f[n]; n++)
		if (!is_vchar((uint8_t)f[n]))
			return 0;
	return n;
}

/* bytes of one stanza as written, or -EINVAL / -E2BIG */
static int stanza_len(const struct age_stanza *st, size_t *len)
{
	size_t i, f;

	if (st->nargs > AGE_MAX_ARGS || (st->body_len && !st->body))
		return -EINVAL;
	if (st->body_len > AGE_HEADER_MAX)
		return -E2BIG;
	f = field_len(st->type);
	if (!f)
		return -EINVAL;
	*len = 3 + f + 1;
	for (i = 0; i < st->nargs; i++) {
		f = field_len(st->args[i]);
		if (!f)
			return -EINVAL;
		if (f > AGE_HEADER_MAX)
			return -E2BIG;
		*len += 1 + f;
	}
	*len += age_b64_encoded_len(st->body_len) + st->body_len / LINE_BYTES + 1;
	return 0;
}

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* the stanza at p (room for stanza_len()): argument line and body lines */
static char *put_stanza(char *p, const struct age_stanza *st)
{
	size_t i, off = 0, chunk;

	p = put(p, "-> ");
	p = put(p, st->type);
	for (i = 0; i < st->nargs; i++) {
		*p++ = ' ';
		p = put(p, st->args[i]);
	}
	*p++ = '\n';
	do {
		chunk = st->body_len - off < LINE_BYTES ? st->body_len - off : LINE_BYTES;
		/* room for the NUL: the LF overwrites it */
		age_b64_encode(chunk ? st->body + off : NULL, chunk, p,
			       age_b64_encoded_len(chunk) + 1);
		p += age_b64_encoded_len(chunk);
		*p++ = '\n';
		off += chunk;
	} while (chunk == LINE_BYTES);
	return p;
}

int age_header_encode(const struct age_stanza *s, size_t n, char **out, size_t *len)
{
	size_t total = sizeof(V1_LINE) - 1 + 3, one, i;
	char *buf, *p;
	int rc;

	*out = NULL;
	*len = 0;
	if (!n || !s)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		rc = stanza_len(&s[i], &one);
		if (rc)
			return rc;
		total += one;
		if (total > AGE_HEADER_MAX)
			return -E2BIG;
	}
	if (total + 1 + MAC_B64_LEN + 1 > AGE_HEADER_MAX)
		return -E2BIG;
	buf = malloc(total + 1);
	if (!buf)
		return -ENOMEM;
	p = put(buf, V1_LINE);
	for (i = 0; i < n; i++)
		p = put_stanza(p, &s[i]);
	p = put(p, "---");
	*p = '\0';
	*out = buf;
	*len = total;
	return 0;
}

size_t age_b64_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

int age_b64_encode(const uint8_t *in, size_t n, char *out, size_t outmax)
{
	/* whole groups of 3 bytes through a buffer with room for libsodium's NUL */
	enum { CHUNK = 768 };
	char tmp[CHUNK / 3 * 4 + 1];
	size_t need = age_b64_encoded_len(n), off = 0, chunk, w;

	if (outmax < need)
		return -ENOBUFS;
	while (off < n) {
		chunk = n - off < CHUNK ? n - off : CHUNK;
		w = age_b64_encoded_len(chunk);
		sodium_bin2base64(tmp, sizeof(tmp), in + off, chunk, B64_VARIANT);
		memcpy(out + age_b64_encoded_len(off), tmp, w);
		off += chunk;
	}
	if (outmax > need)
		out[need] = '\0';
	return 0;
}

int age_b64_decode(const char *in, size_t n, uint8_t *out, size_t outmax, size_t *outlen)
{
	size_t got = 0, i;

	*outlen = 0;
	/* libsodium refuses 4k+1 too; said here so that no version can differ */
	if (n % 4 == 1)
		return -EBADMSG;
	/* libsodium 1.0.18 reads every byte 0x80-0xff as "/": the alphabet is checked here */
	for (i = 0; i < n; i++)
		if (!is_b64((uint8_t)in[i]))
			return -EBADMSG;
	if (n && sodium_base642bin(out, outmax, in, n, NULL, &got, NULL, B64_VARIANT))
		return -EBADMSG;
	*outlen = got;
	return 0;
}
