// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * age's strict PEM armor (see armor.h). base64 is libsodium's padded
 * variant, which takes only canonical quanta ("AB==" with bits left over,
 * "A===", "AA=A" are refused) but (1.0.18) reads any byte 0x80-0xff as "/":
 * every character is checked against the alphabet before it reaches
 * libsodium. The decoder keeps the line structure around it and feeds it
 * whole quanta as they arrive, so memory stays constant and no call writes
 * more bytes than it was given characters.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypt/armor.h"

#define B64_VARIANT sodium_base64_VARIANT_ORIGINAL
#define COLUMNS 64
#define LINE_BYTES 48
#define BEGIN_LEN (sizeof(ARMOR_BEGIN) - 1)
#define END_LEN (sizeof(ARMOR_END) - 1)

struct armor_enc {
	uint8_t buf[LINE_BYTES]; /* bytes not yet making a whole line */
	size_t len;
	bool begun; /* the BEGIN line is out */
	bool done;
};

enum dec_state {
	D_LEAD,	      /* whitespace before the BEGIN marker */
	D_BEGIN,      /* inside the BEGIN marker */
	D_BEGIN_EOL,  /* its line ending, which sets the file's */
	D_LF,	      /* the LF of a CRLF */
	D_LINE_START, /* a base64 line or the END marker */
	D_LINE,	      /* inside a base64 line */
	D_END,	      /* inside the END marker */
	D_TRAIL,      /* whitespace after it */
	D_ERROR,
};

enum { EOL_LF = 1, EOL_CRLF };

struct armor_dec {
	enum dec_state state;
	size_t pos; /* characters of the marker matched */
	int eol;
	char line[COLUMNS];
	size_t len;  /* characters in line */
	size_t done; /* of which decoded */
	int pad;     /* 1: "x x =" waits for its second "="; 2: padded quantum complete */
	bool last;   /* the line read was the last one: the END marker must follow */
	size_t lines;
	/* decoded bytes the caller had no room for yet: a few at most (armor_dec_update()) */
	uint8_t pend[64];
	size_t npend;
};

static bool is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int armor_enc_new(struct armor_enc **e)
{
	*e = calloc(1, sizeof(**e));
	return *e ? 0 : -ENOMEM;
}

/* one whole line: 48 bytes, 64 characters and LF (libsodium's NUL is overwritten) */
static size_t put_line(char *out, const uint8_t *in)
{
	sodium_bin2base64(out, COLUMNS + 1, in, LINE_BYTES, B64_VARIANT);
	out[COLUMNS] = '\n';
	return COLUMNS + 1;
}

int armor_enc_update(struct armor_enc *e, const uint8_t *in, size_t n, char *out, size_t *outlen)
{
	size_t w = 0, take;

	*outlen = 0;
	if (e->done)
		return -EINVAL;
	if (!n)
		return 0;
	if (!e->begun) {
		memcpy(out, ARMOR_BEGIN "\n", BEGIN_LEN + 1);
		w = BEGIN_LEN + 1;
		e->begun = true;
	}
	if (e->len) {
		take = n < LINE_BYTES - e->len ? n : LINE_BYTES - e->len;
		memcpy(e->buf + e->len, in, take);
		e->len += take;
		in += take;
		n -= take;
		if (e->len < LINE_BYTES)
			goto out;
		w += put_line(out + w, e->buf);
		e->len = 0;
	}
	for (; n >= LINE_BYTES; in += LINE_BYTES, n -= LINE_BYTES)
		w += put_line(out + w, in);
	memcpy(e->buf, in, n);
	e->len = n;
out:
	*outlen = w;
	return 0;
}

int armor_enc_final(struct armor_enc *e, char *out, size_t *outlen)
{
	size_t w = 0, chars;

	*outlen = 0;
	if (e->done)
		return -EINVAL;
	e->done = true;
	if (!e->begun)
		return -ENODATA;
	if (e->len) {
		chars = (e->len + 2) / 3 * 4;
		sodium_bin2base64(out, chars + 1, e->buf, e->len, B64_VARIANT);
		out[chars] = '\n';
		w = chars + 1;
	}
	memcpy(out + w, ARMOR_END "\n", END_LEN + 1);
	*outlen = w + END_LEN + 1;
	return 0;
}

void armor_enc_free(struct armor_enc *e)
{
	free(e);
}

int armor_dec_new(struct armor_dec **d)
{
	*d = calloc(1, sizeof(**d));
	return *d ? 0 : -ENOMEM;
}

/* the whole quanta of the line not yet decoded, into pend */
static int decode_quanta(struct armor_dec *d)
{
	size_t k = (d->len - d->done) / 4 * 4, got = 0;

	if (!k)
		return 0;
	if (d->npend + k / 4 * 3 > sizeof(d->pend))
		return -EBADMSG; /* cannot happen: see armor_dec_update() */
	if (sodium_base642bin(d->pend + d->npend, sizeof(d->pend) - d->npend, d->line + d->done, k,
			      NULL, &got, NULL, B64_VARIANT))
		return -EBADMSG;
	d->npend += got;
	d->done += k;
	return 0;
}

/* as much of pend as the caller still has room for */
static void flush(struct armor_dec *d, uint8_t *out, size_t room, size_t *w)
{
	size_t k = room - *w < d->npend ? room - *w : d->npend;

	memcpy(out + *w, d->pend, k);
	*w += k;
	d->npend -= k;
	memmove(d->pend, d->pend + k, d->npend);
}

/* a base64 line has ended (at its LF, or at the CR of a CRLF) */
static int line_end(struct armor_dec *d)
{
	int rc;

	if (!d->len || d->len % 4)
		return -EBADMSG;
	rc = decode_quanta(d);
	if (rc)
		return rc;
	if (d->len < COLUMNS || d->pad)
		d->last = true;
	d->lines++;
	d->len = d->done = 0;
	d->pad = 0;
	return 0;
}

/* a character of a base64 line: "=" only as the padding of its last quantum */
static int line_char(struct armor_dec *d, char c)
{
	size_t q = d->len % 4;

	if (d->len == COLUMNS)
		return -EBADMSG;
	if (c == '=') {
		if (q < 2 || d->pad == 2)
			return -EBADMSG;
		d->pad = q == 2 ? 1 : 2;
	} else if (!is_b64((unsigned char)c) || d->pad) {
		return -EBADMSG;
	}
	d->line[d->len++] = c;
	return 0;
}

/* a line ending in the style of the BEGIN line: 0 done, 1 CR (LF to follow), <0 not one */
static int eol_char(struct armor_dec *d, char c)
{
	if (c == '\n' && d->eol == EOL_LF)
		return 0;
	if (c == '\r' && d->eol == EOL_CRLF)
		return 1;
	return -EBADMSG;
}

static int step_line(struct armor_dec *d, char c)
{
	int rc;

	if (c != '\n' && c != '\r')
		return line_char(d, c);
	rc = eol_char(d, c);
	if (rc < 0)
		return rc;
	d->state = rc ? D_LF : D_LINE_START;
	return line_end(d);
}

/* one character that is not in the middle of a run of base64 */
static int step(struct armor_dec *d, char c)
{
	switch (d->state) {
	case D_LEAD:
		if (is_space((unsigned char)c))
			return 0;
		d->state = D_BEGIN;
		/* fall through */
	case D_BEGIN:
		if (c != ARMOR_BEGIN[d->pos])
			return -EBADMSG;
		if (++d->pos == BEGIN_LEN)
			d->state = D_BEGIN_EOL;
		return 0;
	case D_BEGIN_EOL:
		if (c != '\n' && c != '\r')
			return -EBADMSG;
		d->eol = c == '\n' ? EOL_LF : EOL_CRLF;
		d->state = c == '\n' ? D_LINE_START : D_LF;
		return 0;
	case D_LF: d->state = D_LINE_START; return c == '\n' ? 0 : -EBADMSG;
	case D_LINE_START:
		if (c == '-') {
			d->state = D_END;
			d->pos = 1;
			return d->lines ? 0 : -EBADMSG;
		}
		if (d->last)
			return -EBADMSG;
		d->state = D_LINE;
		return step_line(d, c);
	case D_LINE: return step_line(d, c);
	case D_END:
		if (c != ARMOR_END[d->pos])
			return -EBADMSG;
		if (++d->pos == END_LEN)
			d->state = D_TRAIL;
		return 0;
	case D_TRAIL: return is_space((unsigned char)c) ? 0 : -EBADMSG;
	default: return -EBADMSG;
	}
}

/*
 * Why @out never needs more than @n: quanta are decoded as soon as they
 * are whole (at the end of each call and at each line end), so a call
 * decodes at most 3 bytes for every 4 characters it brings, plus the one
 * quantum begun in an earlier call; what does not fit waits in pend (a
 * few bytes) and leaves with the next characters, at the latest during
 * the 32 of the END marker.
 */
int armor_dec_update(struct armor_dec *d, const char *in, size_t n, uint8_t *out, size_t *outlen)
{
	size_t i = 0, w = 0, k;
	int rc = 0;

	*outlen = 0;
	while (i < n && !rc) {
		if (d->state == D_LINE && !d->pad) {
			/* a run of base64: copied whole, checked by libsodium later */
			for (k = 0;
			     i + k < n && d->len + k < COLUMNS && is_b64((unsigned char)in[i + k]);
			     k++)
				;
			memcpy(d->line + d->len, in + i, k);
			d->len += k;
			i += k;
			if (i == n)
				break;
		}
		rc = step(d, in[i++]);
		flush(d, out, n, &w);
	}
	if (!rc && d->state == D_LINE)
		rc = decode_quanta(d);
	if (rc) {
		d->state = D_ERROR;
		d->npend = 0;
	}
	flush(d, out, n, &w);
	*outlen = w;
	return rc;
}

int armor_dec_final(struct armor_dec *d)
{
	return d->state == D_TRAIL && !d->npend ? 0 : -EBADMSG;
}

void armor_dec_free(struct armor_dec *d)
{
	free(d);
}

bool armor_detect(const uint8_t *buf, size_t n)
{
	size_t i = 0;

	while (i < n && is_space(buf[i]))
		i++;
	if (i == n)
		return false;
	return !memcmp(buf + i, ARMOR_BEGIN, n - i < BEGIN_LEN ? n - i : BEGIN_LEN);
}
