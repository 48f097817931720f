// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Import files: the asset lists organisations already keep (Snipe-IT and
 * GLPI exports, or kesu's own), read with the one CSV parser (csv.c) and
 * checked whole before anything is recorded: a file is taken all or not at
 * all, and a refusal names the line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asset.h"
#include "text.h"

/* the targets of a column besides the fields */
#define COL_TAG ASSET_NFIELDS
#define COL_STATE (ASSET_NFIELDS + 1) /* kesu's state name */
#define COL_STATUS (-2)		      /* another register's status label */

struct column {
	const char *name; /* normalised: lowercase, "_" for spaces and "-" */
	int target;
};

static const struct column kesu_cols[] = {
	{ "asset_tag", COL_TAG },
	{ "kind", ASSET_KIND },
	{ "serial", ASSET_SERIAL },
	{ "model", ASSET_MODEL },
	{ "department", ASSET_DEPARTMENT },
	{ "location", ASSET_LOCATION },
	{ "holder", ASSET_HOLDER },
	{ "classification", ASSET_CLASSIFICATION },
	{ "lease_contract", ASSET_LEASE_CONTRACT },
	{ "category", ASSET_CATEGORY },
	{ "status_label", ASSET_STATUS_LABEL },
	{ "state", COL_STATE },
	{ NULL, 0 },
};

/* Snipe-IT's export, and the custom fields kesu's Snipe-IT export adds */
static const struct column snipeit_cols[] = {
	{ "asset_tag", COL_TAG },
	{ "serial", ASSET_SERIAL },
	{ "model", ASSET_MODEL },
	{ "model_name", ASSET_MODEL },
	{ "category", ASSET_CATEGORY },
	{ "location", ASSET_LOCATION },
	{ "checked_out_to", ASSET_HOLDER },
	{ "status", COL_STATUS },
	{ "department", ASSET_DEPARTMENT },
	{ "kesu_kind", ASSET_KIND },
	{ "kesu_department", ASSET_DEPARTMENT },
	{ "kesu_classification", ASSET_CLASSIFICATION },
	{ "kesu_lease_contract", ASSET_LEASE_CONTRACT },
	{ "kesu_state", COL_STATE },
	{ NULL, 0 },
};

/* GLPI's computer list: the inventory number is the asset tag */
static const struct column glpi_cols[] = {
	{ "inventory_number", COL_TAG },
	{ "serial_number", ASSET_SERIAL },
	{ "model", ASSET_MODEL },
	{ "type", ASSET_CATEGORY },
	{ "location", ASSET_LOCATION },
	{ "user", ASSET_HOLDER },
	{ "group", ASSET_DEPARTMENT },
	{ "status", COL_STATUS },
	{ NULL, 0 },
};

static int refuse(struct asset_import *im, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct asset_import *im, size_t line, const char *fmt, ...)
{
	va_list ap;

	im->err_line = line;
	va_start(ap, fmt);
	vsnprintf(im->why, sizeof(im->why), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* The first byte that is not UTF-8, by line: the usual cause is a spreadsheet's Shift_JIS. */
static int check_utf8(struct asset_import *im, const char *buf, size_t len)
{
	char *copy = malloc(len + 1);
	size_t line = 1, n;
	uint32_t cp;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (size_t i = 0; i < len && r == 0; i += n) {
		n = 1;
		if (copy[i] == '\0')
			r = refuse(im, line, "%s", "a NUL byte: not a text file");
		else if (copy[i] == '\n')
			line++;
		else if ((unsigned char)copy[i] >= 0x80 && !(n = text_utf8_seq(copy + i, &cp)))
			r = refuse(im, line, "%s", "not UTF-8 (Shift_JIS?): save as CSV UTF-8");
	}
	free(copy);
	return r;
}

static void normalise(const char *s, char *out, size_t n)
{
	size_t k = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s && k + 1 < n; s++)
		out[k++] = *s == ' ' || *s == '-' ? '_' : (char)tolower((unsigned char)*s);
	while (k && out[k - 1] == '_')
		k--;
	out[k] = '\0';
}

static const struct column *columns_of(enum asset_format f)
{
	return f == ASSET_FORMAT_SNIPEIT ? snipeit_cols :
	       f == ASSET_FORMAT_GLPI	 ? glpi_cols :
					   kesu_cols;
}

static enum asset_format guess(char **cells, size_t n)
{
	char name[64];
	enum asset_format f = ASSET_FORMAT_KESU;

	for (size_t i = 0; i < n; i++) {
		normalise(cells[i], name, sizeof(name));
		if (!strcmp(name, "inventory_number"))
			return ASSET_FORMAT_GLPI;
		if (!strcmp(name, "status") || !strcmp(name, "checked_out_to"))
			f = ASSET_FORMAT_SNIPEIT;
	}
	return f;
}

static int header(struct asset_import *im, char **cells, size_t n, size_t line)
{
	const struct column *cols;
	char name[64];

	if (n == 1 && strchr(cells[0], ';'))
		return refuse(im, line, "%s",
			      "the separator is ';': export the list with ',' (CSV UTF-8)");
	if (im->format == ASSET_FORMAT_AUTO)
		im->format = guess(cells, n);
	cols = columns_of(im->format);
	for (int i = 0; i < ASSET_NFIELDS + 2; i++)
		im->col[i] = -1;
	im->col[ASSET_STATUS_LABEL] = -1;
	for (size_t i = 0; i < n; i++) {
		normalise(cells[i], name, sizeof(name));
		for (const struct column *c = cols; c->name; c++) {
			int t = c->target == COL_STATUS ? ASSET_STATUS_LABEL : c->target;

			if (strcmp(c->name, name))
				continue;
			if (im->col[t] >= 0)
				return refuse(im, line, "two columns for %s", c->name);
			im->col[t] = (int)i;
		}
	}
	im->ncols = n;
	if (im->col[COL_TAG] < 0)
		return refuse(im, line, "no asset tag column (%s)",
			      im->format == ASSET_FORMAT_GLPI	 ? "Inventory number" :
			      im->format == ASSET_FORMAT_SNIPEIT ? "Asset Tag" :
								   "asset_tag");
	return 0;
}

/* A cell kept for the change that points to it; trimmed of spaces. */
static int keep(struct asset_import *im, const char *cell, const char **out)
{
	size_t len;
	char *copy;

	while (*cell == ' ')
		cell++;
	len = strlen(cell);
	while (len && cell[len - 1] == ' ')
		len--;
	if (im->ntext == im->textcap) {
		size_t cap = im->textcap ? im->textcap * 2 : 256;
		char **t = realloc(im->text, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		im->text = t;
		im->textcap = cap;
	}
	copy = strndup(cell, len);
	if (!copy)
		return -ENOMEM;
	im->text[im->ntext++] = copy;
	*out = copy;
	return 0;
}

static int grow(struct asset_import *im)
{
	size_t cap = im->cap ? im->cap * 2 : 64;
	struct asset_change *c;
	size_t *line;

	if (im->n < im->cap)
		return 0;
	c = realloc(im->c, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	im->c = c;
	line = realloc(im->line, cap * sizeof(*line));
	if (!line)
		return -ENOMEM;
	im->line = line;
	im->cap = cap;
	return 0;
}

/* The state a record asks for: kesu's state column, else what the status label means. */
static int record_state(struct asset_import *im, struct asset_change *c, const char *state,
			size_t line)
{
	const char *label = c->field[ASSET_STATUS_LABEL];
	bool kesu = false;

	if (state && *state) {
		if (asset_state_parse(state, &c->state))
			return refuse(im, line, "no such state: %s", state);
		c->state_is_kesu = true;
	} else if (label && !asset_label_state(label, &c->state, &kesu)) {
		c->state_is_kesu = kesu;
	}
	return 0;
}

static int cells_check(struct asset_import *im, char **cells, size_t n, size_t line)
{
	char why[128];

	if (n != im->ncols)
		return refuse(im, line, "%s", "another number of cells than the header");
	for (size_t i = 0; i < n; i++) {
		const char *p = cells[i];

		while (*p == ' ')
			p++;
		if (strchr("=+-@\t\r", cells[i][0]) && cells[i][0])
			return refuse(im, line, "a cell that a spreadsheet runs as a formula: %s",
				      cells[i]);
		if (*p && strchr("=+-@", *p))
			return refuse(im, line, "a cell that a spreadsheet runs as a formula: %s",
				      cells[i]);
	}
	if (asset_tag_check(cells[im->col[COL_TAG]], why, sizeof(why)))
		return refuse(im, line, "%s", why);
	return 0;
}

static int record(char **cells, size_t n, size_t line, void *usr)
{
	struct asset_import *im = usr;
	const char *state = NULL;
	struct asset_change *c;
	char why[128];
	int r;

	if (!im->ncols)
		return header(im, cells, n, line);
	if ((r = cells_check(im, cells, n, line)) || (r = grow(im)) < 0)
		return r;
	c = &im->c[im->n];
	memset(c, 0, sizeof(*c));
	c->event = ASSET_IMPORTED;
	c->state = ASSET_STATE_KEEP;
	for (int t = 0; t < ASSET_NFIELDS + 2 && r == 0; t++)
		if (im->col[t] >= 0)
			r = keep(im, cells[im->col[t]],
				 t == COL_TAG	? &c->tag :
				 t == COL_STATE ? &state :
						  &c->field[t]);
	/* a kind is never cleared: an empty cell leaves it, or guesses a new asset's */
	if (c->field[ASSET_KIND] && !*c->field[ASSET_KIND])
		c->field[ASSET_KIND] = NULL;
	for (int f = 0; f < ASSET_NFIELDS && r == 0; f++)
		if (c->field[f] && (*c->field[f] || f == ASSET_KIND) &&
		    asset_value_check((enum asset_field)f, c->field[f], why, sizeof(why)))
			return refuse(im, line, "%s", why);
	if (r == 0)
		r = record_state(im, c, state, line);
	if (r)
		return r;
	if (!c->field[ASSET_KIND])
		c->kind_default = asset_kind_guess(c->field[ASSET_CATEGORY]);
	im->line[im->n++] = line;
	return 0;
}

static const struct asset_import *sort_im;

static int by_tag(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d = strcmp(sort_im->c[x].tag, sort_im->c[y].tag);

	return d ? d : x < y ? -1 : 1;
}

/* A tag twice in one file: which record is meant? Refused, naming the later line. */
static int duplicates(struct asset_import *im)
{
	size_t *idx = malloc((im->n ? im->n : 1) * sizeof(*idx)), worst = 0;
	int r = 0;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < im->n; i++)
		idx[i] = i;
	sort_im = im;
	qsort(idx, im->n, sizeof(*idx), by_tag);
	for (size_t i = 1; i < im->n; i++)
		if (!strcmp(im->c[idx[i]].tag, im->c[idx[i - 1]].tag) &&
		    (!r || im->line[idx[i]] < im->line[worst])) {
			worst = idx[i];
			r = -EBADMSG;
		}
	if (r)
		refuse(im, im->line[worst], "asset tag %s given twice in the file",
		       im->c[worst].tag);
	free(idx);
	return r;
}

int asset_import_parse(const char *buf, size_t len, enum asset_format fmt, struct asset_import *out)
{
	size_t line = 0;
	int r;

	memset(out, 0, sizeof(*out));
	out->format = fmt;
	r = check_utf8(out, buf, len);
	if (r == 0) {
		r = ledger_csv_parse(buf, len, record, out, &line);
		if (r == -EBADMSG && !out->err_line)
			refuse(out, line, "%s", "not valid CSV (RFC 4180)");
	}
	if (r == 0 && !out->ncols)
		r = refuse(out, 1, "%s", "an empty file");
	if (r == 0)
		r = duplicates(out);
	return r;
}

void asset_import_free(struct asset_import *im)
{
	for (size_t i = 0; i < im->ntext; i++)
		free(im->text[i]);
	free(im->text);
	free(im->c);
	free(im->line);
	memset(im, 0, sizeof(*im));
}
