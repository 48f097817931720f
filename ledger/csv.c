// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CSV (RFC 4180) for asset lists. No CSV library is among kesu's
 * dependencies, and an asset register export is the one CSV kesu reads, so
 * this is the one parser written here; tests/fuzz/fuzz_csv.c exercises it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "text.h"

/* The cells of the record being read, and the text of the cell being read. */
struct csv_state {
	char **cells;
	size_t n, cap;
	char *cell;
	size_t clen, ccap;
};

static int cell_putc(struct csv_state *s, char c)
{
	if (s->clen + 1 >= s->ccap) {
		size_t cap = s->ccap ? s->ccap * 2 : 64;
		char *p = realloc(s->cell, cap);

		if (!p)
			return -ENOMEM;
		s->cell = p;
		s->ccap = cap;
	}
	s->cell[s->clen++] = c;
	return 0;
}

/* End the current cell: it must be valid UTF-8 without NUL bytes. */
static int cell_end(struct csv_state *s)
{
	char *c;

	if (memchr(s->cell ? s->cell : "", '\0', s->clen))
		return -EBADMSG;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **p = realloc(s->cells, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->cells = p;
		s->cap = cap;
	}
	c = malloc(s->clen + 1);
	if (!c)
		return -ENOMEM;
	if (s->clen)
		memcpy(c, s->cell, s->clen);
	c[s->clen] = '\0';
	s->cells[s->n++] = c;
	s->clen = 0;
	if (!text_is_utf8(c))
		return -EBADMSG;
	return 0;
}

static void record_clear(struct csv_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->cells[i]);
	s->n = 0;
	s->clen = 0;
}

/* A record is complete: hand it on, unless it is an empty line. */
static int record_end(struct csv_state *s, size_t start,
		      int (*fn)(char **cells, size_t n, size_t line, void *usr), void *usr)
{
	int r = cell_end(s);

	if (r == 0 && !(s->n == 1 && !s->cells[0][0]))
		r = fn(s->cells, s->n, start, usr);
	record_clear(s);
	return r;
}

/*
 * One field starting at @*pos: quoted or not. Leaves @*pos on the byte
 * after it (a comma, a line end, or @len) and counts the lines it spans.
 */
static int field(struct csv_state *s, const char *buf, size_t len, size_t *pos, size_t *line)
{
	size_t i = *pos;
	int r;

	if (i < len && buf[i] == '"') {
		size_t opened = *line;

		for (i++;; i++) {
			if (i >= len) {
				*line = opened; /* unterminated: say where it began */
				return -EBADMSG;
			}
			if (buf[i] == '"') {
				if (i + 1 < len && buf[i + 1] == '"') {
					i++;
				} else {
					i++;
					break;
				}
			} else if (buf[i] == '\n') {
				(*line)++;
			}
			r = cell_putc(s, buf[i]);
			if (r)
				return r;
		}
		/* after the closing quote: a separator, a line end or the end */
		if (i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r')
			return -EBADMSG;
	} else {
		for (; i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r'; i++) {
			if (buf[i] == '"')
				return -EBADMSG;
			r = cell_putc(s, buf[i]);
			if (r)
				return r;
		}
	}
	*pos = i;
	return 0;
}

int ledger_csv_parse(const char *buf, size_t len,
		     int (*fn)(char **cells, size_t n, size_t line, void *usr), void *usr,
		     size_t *line)
{
	struct csv_state s = { 0 };
	size_t pos = 0, ln = 1, start = 1;
	int r = 0;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		r = field(&s, buf, len, &pos, &ln);
		if (r)
			goto out;
		if (pos == len)
			break;
		if (buf[pos] == ',') {
			r = cell_end(&s);
			if (r)
				goto out;
			pos++;
			if (pos == len) /* "a," at the very end: the last cell is empty */
				break;
			continue;
		}
		if (buf[pos] == '\r') {
			if (pos + 1 >= len || buf[pos + 1] != '\n') {
				r = -EBADMSG; /* a bare CR */
				goto out;
			}
			pos++;
		}
		pos++; /* the LF */
		r = record_end(&s, start, fn, usr);
		if (r)
			goto out;
		start = ++ln;
	}
	if (s.n || s.clen)
		r = record_end(&s, start, fn, usr);
out:
	if (line)
		*line = ln;
	record_clear(&s);
	free(s.cells);
	free(s.cell);
	return r;
}
