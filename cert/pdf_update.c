// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Incremental updates of a PDF, and the reading back of what they wrote.
 * The lexer knows the PDF tokens (ISO 32000-1 7.2, 7.3) well enough to skip
 * any value, so that a key is never found inside a string or a nested
 * dictionary; it never interprets more than kesu needs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_update.h"

#define MAX_DEPTH 32

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(char c)
{
	return is_ws(c) || strchr("()<>[]{}/%", c);
}

struct lex {
	const char *p, *end;
};

static void skip_ws(struct lex *l)
{
	while (l->p < l->end) {
		if (*l->p == '%') {
			while (l->p < l->end && *l->p != '\n' && *l->p != '\r')
				l->p++;
		} else if (is_ws(*l->p)) {
			l->p++;
		} else {
			return;
		}
	}
}

static bool at(const struct lex *l, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(l->end - l->p) >= n && !memcmp(l->p, s, n);
}

/* a regular token (a number, a keyword, a name's characters) */
static size_t token_len(const struct lex *l, const char *from)
{
	const char *q = from;

	while (q < l->end && !is_delim(*q))
		q++;
	return (size_t)(q - from);
}

static bool is_uint(const char *p, size_t n)
{
	if (!n || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static int skip_value(struct lex *l, int depth);

static int skip_string(struct lex *l)
{
	int nest = 0;

	for (; l->p < l->end; l->p++) {
		if (*l->p == '\\') {
			l->p++;
			continue;
		}
		if (*l->p == '(')
			nest++;
		else if (*l->p == ')' && --nest == 0) {
			l->p++;
			return 0;
		}
	}
	return -EBADMSG;
}

static int skip_container(struct lex *l, int depth, const char *close)
{
	int r;

	for (;;) {
		skip_ws(l);
		if (l->p >= l->end)
			return -EBADMSG;
		if (at(l, close)) {
			l->p += strlen(close);
			return 0;
		}
		r = skip_value(l, depth + 1);
		if (r)
			return r;
	}
}

/* "N G R" after the first number: one value */
static void take_ref(struct lex *l)
{
	struct lex t = *l;
	size_t n;

	skip_ws(&t);
	n = token_len(&t, t.p);
	if (!is_uint(t.p, n))
		return;
	t.p += n;
	skip_ws(&t);
	if (token_len(&t, t.p) == 1 && *t.p == 'R')
		l->p = t.p + 1;
}

static int skip_value(struct lex *l, int depth)
{
	size_t n;

	if (depth > MAX_DEPTH)
		return -EBADMSG;
	skip_ws(l);
	if (l->p >= l->end)
		return -EBADMSG;
	if (at(l, "<<")) {
		l->p += 2;
		return skip_container(l, depth, ">>");
	}
	if (*l->p == '[') {
		l->p++;
		return skip_container(l, depth, "]");
	}
	if (*l->p == '(')
		return skip_string(l);
	if (*l->p == '<') {
		const char *q = memchr(l->p, '>', (size_t)(l->end - l->p));

		if (!q)
			return -EBADMSG;
		l->p = q + 1;
		return 0;
	}
	if (*l->p == '/') {
		l->p += 1 + token_len(l, l->p + 1);
		return 0;
	}
	n = token_len(l, l->p);
	if (!n)
		return -EBADMSG;
	l->p += n;
	if (is_uint(l->p - n, n))
		take_ref(l);
	return 0;
}

int pdf_dict_get(struct pdf_span dict, const char *key, struct pdf_span *value)
{
	struct lex l = { dict.p, dict.p + dict.n };
	size_t klen = strlen(key), n;
	const char *name;
	int r;

	skip_ws(&l);
	if (!at(&l, "<<"))
		return -EBADMSG;
	l.p += 2;
	for (;;) {
		skip_ws(&l);
		if (at(&l, ">>"))
			return -ENOENT;
		if (l.p >= l.end || *l.p != '/')
			return -EBADMSG;
		name = l.p + 1;
		n = token_len(&l, name);
		l.p += 1 + n;
		skip_ws(&l);
		value->p = l.p;
		r = skip_value(&l, 1);
		if (r)
			return r;
		value->n = (size_t)(l.p - value->p);
		if (n == klen && !memcmp(name, key, n))
			return 0;
	}
}

int pdf_span_int(struct pdf_span v, unsigned long long *out)
{
	unsigned long long x = 0;

	while (v.n && is_ws(v.p[v.n - 1]))
		v.n--;
	if (!is_uint(v.p, v.n))
		return -EBADMSG;
	for (size_t i = 0; i < v.n; i++)
		x = x * 10 + (unsigned)(v.p[i] - '0');
	*out = x;
	return 0;
}

int pdf_span_ref(struct pdf_span v, unsigned *num)
{
	struct lex l = { v.p, v.p + v.n };
	size_t n = token_len(&l, l.p), g;
	unsigned long long x;

	if (!is_uint(l.p, n) || pdf_span_int((struct pdf_span){ l.p, n }, &x) ||
	    x >= PDF_MAX_OBJECTS)
		return -EBADMSG;
	l.p += n;
	skip_ws(&l);
	g = token_len(&l, l.p);
	if (g != 1 || *l.p != '0')
		return -EBADMSG;
	l.p += 1;
	skip_ws(&l);
	if (token_len(&l, l.p) != 1 || *l.p != 'R')
		return -EBADMSG;
	*num = (unsigned)x;
	return 0;
}

int pdf_array_next(struct pdf_span arr, struct pdf_span *pos)
{
	struct lex l = { arr.p, arr.p + arr.n };
	int r;

	if (!pos->p) {
		skip_ws(&l);
		if (l.p >= l.end || *l.p != '[')
			return -EBADMSG;
		l.p++;
	} else {
		l.p = pos->p + pos->n;
	}
	skip_ws(&l);
	if (l.p >= l.end)
		return -EBADMSG;
	if (*l.p == ']')
		return -ENOENT;
	pos->p = l.p;
	r = skip_value(&l, 1);
	pos->n = (size_t)(l.p - pos->p);
	return r;
}

int pdf_span_string(struct pdf_span v, char *out, size_t len)
{
	if (v.n < 2 || v.p[0] != '(' || v.p[v.n - 1] != ')')
		return -EBADMSG;
	if (v.n - 2 >= len)
		return -ENAMETOOLONG;
	for (size_t i = 1; i + 1 < v.n; i++)
		if (strchr("()\\", v.p[i]) || !v.p[i])
			return -EBADMSG;
	memcpy(out, v.p + 1, v.n - 2);
	out[v.n - 2] = '\0';
	return 0;
}

/* the integer at @p, followed by whitespace; advances @p */
static int read_uint(struct lex *l, unsigned long long *x)
{
	size_t n;

	skip_ws(l);
	n = token_len(l, l->p);
	if (pdf_span_int((struct pdf_span){ l->p, n }, x))
		return -EBADMSG;
	l->p += n;
	return 0;
}

/* one cross-reference section at @off: its entries where none newer is; its trailer */
static int read_section(struct pdf_doc *d, size_t off, struct pdf_span *trailer)
{
	struct lex l = { d->buf + off, d->buf + d->len };
	unsigned long long first, count;

	if (!at(&l, "xref"))
		return -EBADMSG;
	l.p += 4;
	for (;;) {
		skip_ws(&l);
		if (at(&l, "trailer"))
			break;
		if (read_uint(&l, &first) || read_uint(&l, &count))
			return -EBADMSG;
		if (first + count > d->size || count > (size_t)(l.end - l.p) / 20)
			return -EBADMSG;
		skip_ws(&l);
		for (unsigned long long i = 0; i < count; i++, l.p += 20) {
			unsigned long long o;

			if (pdf_span_int((struct pdf_span){ l.p, 10 }, &o) || l.p[10] != ' ' ||
			    (l.p[17] != 'n' && l.p[17] != 'f'))
				return -EBADMSG;
			if (l.p[17] == 'n' && o >= d->len)
				return -EBADMSG;
			if (!d->off[first + i] && l.p[17] == 'n')
				d->off[first + i] = o ? o : (size_t)-1;
		}
	}
	l.p += 7;
	skip_ws(&l);
	trailer->p = l.p;
	if (skip_value(&l, 0))
		return -EBADMSG;
	trailer->n = (size_t)(l.p - trailer->p);
	return 0;
}

/* "startxref N %%EOF" at the very end: what was appended after it is no PDF */
static int find_startxref(struct pdf_doc *d)
{
	static const char key[] = "startxref";
	size_t from = d->len > 64 ? d->len - 64 : 0;
	unsigned long long x;
	struct lex l;
	const char *p = NULL;

	for (size_t i = from; i + sizeof(key) - 1 <= d->len; i++)
		if (!memcmp(d->buf + i, key, sizeof(key) - 1))
			p = d->buf + i;
	if (!p)
		return -EBADMSG;
	l = (struct lex){ p + sizeof(key) - 1, d->buf + d->len };
	if (read_uint(&l, &x) || x >= d->len)
		return -EBADMSG;
	/* not skip_ws(): "%%EOF" would be taken for a comment */
	while (l.p < l.end && is_ws(*l.p))
		l.p++;
	if (!at(&l, "%%EOF"))
		return -EBADMSG;
	l.p += 5;
	while (l.p < l.end && (*l.p == '\r' || *l.p == '\n'))
		l.p++;
	if (l.p != l.end)
		return -EBADMSG;
	d->startxref = x;
	return 0;
}

static int trailer_head(struct pdf_doc *d, struct pdf_span t)
{
	struct pdf_span v;
	unsigned long long size;

	if (pdf_dict_get(t, "Size", &v) || pdf_span_int(v, &size) || !size ||
	    size > PDF_MAX_OBJECTS)
		return -EBADMSG;
	d->size = (unsigned)size;
	if (pdf_dict_get(t, "Root", &v) || pdf_span_ref(v, &d->root) || d->root >= d->size)
		return -EBADMSG;
	if (!pdf_dict_get(t, "Info", &v) && (pdf_span_ref(v, &d->info) || d->info >= d->size))
		return -EBADMSG;
	d->off = calloc(d->size, sizeof(*d->off));
	return d->off ? 0 : -ENOMEM;
}

/* the newest trailer, found before any table is read: its /Size sizes the offsets */
static int newest_trailer(struct pdf_doc *d)
{
	const char *t = memmem(d->buf + d->startxref, d->len - d->startxref, "trailer", 7);
	struct lex l;
	struct pdf_span v;

	if (!t)
		return -EBADMSG;
	l = (struct lex){ t + 7, d->buf + d->len };
	skip_ws(&l);
	v.p = l.p;
	if (skip_value(&l, 0))
		return -EBADMSG;
	v.n = (size_t)(l.p - v.p);
	return trailer_head(d, v);
}

int pdf_doc_parse(const void *buf, size_t len, struct pdf_doc *d)
{
	struct pdf_span t, v;
	unsigned long long prev;
	size_t off;
	int r, n = 0;

	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->len = len;
	if (len < 16 || memcmp(buf, "%PDF-1.", 7))
		return -EBADMSG;
	r = find_startxref(d);
	if (!r)
		r = newest_trailer(d);
	for (off = d->startxref; !r; off = (size_t)prev) {
		if (++n > PDF_MAX_SECTIONS) {
			r = -EBADMSG;
			break;
		}
		r = read_section(d, off, &t);
		if (r || pdf_dict_get(t, "Prev", &v))
			break;
		/* each older section lies before the newer: no loops */
		if (pdf_span_int(v, &prev) || prev >= off)
			r = -EBADMSG;
	}
	if (!r && (!d->off[d->root] || (d->info && !d->off[d->info])))
		r = -EBADMSG;
	if (r)
		pdf_doc_free(d);
	return r;
}

void pdf_doc_free(struct pdf_doc *d)
{
	free(d->off);
	d->off = NULL;
}

static int stream_data(struct pdf_span dict, struct lex *l, struct pdf_span *stream)
{
	struct pdf_span v;
	unsigned long long n;

	skip_ws(l);
	if (!at(l, "stream"))
		return -EBADMSG;
	l->p += 6;
	if (at(l, "\r\n"))
		l->p += 2;
	else if (at(l, "\n"))
		l->p += 1;
	else
		return -EBADMSG;
	if (!pdf_dict_get(dict, "Filter", &v) || pdf_dict_get(dict, "Length", &v) ||
	    pdf_span_int(v, &n) || n > (size_t)(l->end - l->p))
		return -EBADMSG;
	stream->p = l->p;
	stream->n = (size_t)n;
	l->p += n;
	skip_ws(l);
	return at(l, "endstream") ? 0 : -EBADMSG;
}

int pdf_doc_object(const struct pdf_doc *d, unsigned num, struct pdf_span *value,
		   struct pdf_span *stream)
{
	struct lex l;
	unsigned long long x, g;

	if (num >= d->size || !d->off[num] || d->off[num] == (size_t)-1)
		return -EBADMSG;
	l = (struct lex){ d->buf + d->off[num], d->buf + d->len };
	if (read_uint(&l, &x) || x != num || read_uint(&l, &g) || g)
		return -EBADMSG;
	skip_ws(&l);
	if (!at(&l, "obj"))
		return -EBADMSG;
	l.p += 3;
	skip_ws(&l);
	value->p = l.p;
	if (skip_value(&l, 0))
		return -EBADMSG;
	value->n = (size_t)(l.p - value->p);
	if (stream)
		return stream_data(*value, &l, stream);
	skip_ws(&l);
	return at(&l, "endobj") ? 0 : -EBADMSG;
}

/* ---- writing ---- */

void pdf_update_init(struct pdf_update *u, const struct pdf_doc *d)
{
	memset(u, 0, sizeof(*u));
	u->d = d;
	u->next = d->size;
}

static void put(struct pdf_update *u, const void *p, size_t n)
{
	if (u->err)
		return;
	if (u->len + n > u->cap) {
		size_t cap = (u->cap ? u->cap : 4096) * 2 + n;
		char *b = realloc(u->buf, cap);

		if (!b) {
			u->err = -ENOMEM;
			return;
		}
		u->buf = b;
		u->cap = cap;
	}
	memcpy(u->buf + u->len, p, n);
	u->len += n;
}

unsigned pdf_update_new(struct pdf_update *u)
{
	if (u->next >= PDF_MAX_OBJECTS)
		u->err = -ENOMEM;
	return u->next++;
}

size_t pdf_update_pos(const struct pdf_update *u)
{
	return u->d->len + u->len;
}

void pdf_update_printf(struct pdf_update *u, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		u->err = u->err ? u->err : -ENOMEM;
		return;
	}
	put(u, s, (size_t)n);
	free(s);
}

void pdf_update_bytes(struct pdf_update *u, const void *p, size_t n)
{
	put(u, p, n);
}

void pdf_update_begin(struct pdf_update *u, unsigned num)
{
	struct pdf_xref_entry *o;

	if (u->err)
		return;
	o = realloc(u->objs, (u->nobjs + 1) * sizeof(*o));
	if (!o) {
		u->err = -ENOMEM;
		return;
	}
	u->objs = o;
	u->objs[u->nobjs++] = (struct pdf_xref_entry){ num, pdf_update_pos(u) };
	pdf_update_printf(u, "%u 0 obj\n", num);
}

void pdf_update_end(struct pdf_update *u)
{
	put(u, "\nendobj\n", 8);
}

void pdf_update_string(struct pdf_update *u, const char *s)
{
	put(u, "(", 1);
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._ -", c)))
			c = '_';
		put(u, &c, 1);
	}
	put(u, ")", 1);
}

int pdf_update_dict_with(struct pdf_update *u, struct pdf_span dict, const char *const keys[],
			 const char *extra)
{
	struct pdf_span v;
	size_t n = dict.n;

	for (size_t i = 0; keys[i]; i++)
		if (pdf_dict_get(dict, keys[i], &v) != -ENOENT)
			return -EEXIST;
	while (n && is_ws(dict.p[n - 1]))
		n--;
	if (n < 4 || memcmp(dict.p + n - 2, ">>", 2))
		return -EBADMSG;
	put(u, dict.p, n - 2);
	/* a new line: the dictionary may end in a comment (cairo writes "% page 1") */
	pdf_update_printf(u, "\n%s\n>>", extra);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pdf_xref_entry *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

int pdf_update_finish(struct pdf_update *u, char **out, size_t *len)
{
	size_t xref;

	qsort(u->objs, u->nobjs, sizeof(*u->objs), cmp_entry);
	xref = pdf_update_pos(u);
	pdf_update_printf(u, "xref\n");
	for (size_t i = 0; i < u->nobjs; i++)
		pdf_update_printf(u, "%u 1\n%010zu 00000 n\r\n", u->objs[i].num, u->objs[i].off);
	pdf_update_printf(u, "trailer\n<< /Size %u /Root %u 0 R /Prev %zu", u->next, u->d->root,
			  u->d->startxref);
	if (u->d->info)
		pdf_update_printf(u, " /Info %u 0 R", u->d->info);
	pdf_update_printf(u, " >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	if (u->err) {
		pdf_update_free(u);
		return u->err;
	}
	*out = u->buf;
	*len = u->len;
	u->buf = NULL;
	pdf_update_free(u);
	return 0;
}

void pdf_update_free(struct pdf_update *u)
{
	free(u->buf);
	free(u->objs);
	u->buf = NULL;
	u->objs = NULL;
	u->nobjs = u->len = u->cap = 0;
}
