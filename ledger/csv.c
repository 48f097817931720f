// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CSV (RFC 4180): asset lists in, the ledger's export out. No CSV library
 * is among kesu's dependencies, and an asset register export is the one CSV
 * kesu reads, so this is the one parser written here;
 * tests/fuzz/fuzz_csv.c exercises it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "jsonutil.h"
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

const char *const ledger_export_cols[LEDGER_EXPORT_NCOLS] = {
	"asset_tag", "serial",	      "model",		"category",	      "technique",
	"result",    "started",	      "finished",	"operator",	      "witness",
	"approver",  "self_approval", "certificate_id", "certificate_sha256",
};

static const char *export_value(const struct ledger_row *row, size_t col)
{
	static const enum ledger_field fields[] = {
		LEDGER_ASSET_TAG, LEDGER_SERIAL,  LEDGER_MODEL,	   LEDGER_CATEGORY,
		LEDGER_TECHNIQUE, LEDGER_RESULT,  LEDGER_STARTED,  LEDGER_FINISHED,
		LEDGER_OPERATOR,  LEDGER_WITNESS, LEDGER_APPROVER, LEDGER_SELF_APPROVAL,
	};

	if (col < sizeof(fields) / sizeof(fields[0]))
		return row->field[fields[col]];
	return col == LEDGER_EXPORT_NCOLS - 2 ? row->id : row->cert_sha256;
}

/*
 * One CSV cell and what follows it: always quoted, since a spreadsheet
 * reading with ";" or a tab as separator would split an unquoted "x;=1+1"
 * and run its second half; a formula defused.
 */
void ledger_csv_cell(FILE *f, const char *s, bool last)
{
	bool formula =
		s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');

	s = s ? s : "";
	putc('"', f);
	if (formula)
		putc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

/* A new string built by @fn on a memory stream. */
static int build(char **line, int (*fn)(FILE *f, const void *arg), const void *arg)
{
	size_t len;
	FILE *f = open_memstream(line, &len);
	int r;

	*line = NULL;
	if (!f)
		return -ENOMEM;
	r = fn(f, arg);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(*line);
		*line = NULL;
	}
	return r;
}

static int header_csv(FILE *f, const void *arg)
{
	(void)arg;
	for (size_t c = 0; c < LEDGER_EXPORT_NCOLS; c++)
		ledger_csv_cell(f, ledger_export_cols[c], c == LEDGER_EXPORT_NCOLS - 1);
	return 0;
}

static int row_csv(FILE *f, const void *arg)
{
	for (size_t c = 0; c < LEDGER_EXPORT_NCOLS; c++)
		ledger_csv_cell(f, export_value(arg, c), c == LEDGER_EXPORT_NCOLS - 1);
	return 0;
}

static int row_jsonl(FILE *f, const void *arg)
{
	json_t *obj = json_object();
	int r = obj ? 0 : -ENOMEM;

	for (size_t c = 0; r == 0 && c < LEDGER_EXPORT_NCOLS; c++)
		if (json_object_set_new(obj, ledger_export_cols[c],
					json_text(export_value(arg, c))))
			r = -ENOMEM;
	if (r == 0 && (json_dumpf(obj, f, JSON_COMPACT) < 0 || putc('\n', f) == EOF))
		r = -ENOMEM;
	json_decref(obj);
	return r;
}

int ledger_export_header(enum ledger_export_format fmt, char **line)
{
	if (fmt == LEDGER_EXPORT_CSV)
		return build(line, header_csv, NULL);
	*line = strdup("");
	return *line ? 0 : -ENOMEM;
}

int ledger_export_line(enum ledger_export_format fmt, const struct ledger_row *row, char **line)
{
	return build(line, fmt == LEDGER_EXPORT_CSV ? row_csv : row_jsonl, row);
}
