// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The register for other registers: Snipe-IT's importer (keyed on Asset
 * Tag, kesu's own values as custom fields), GLPI's computer fields, and
 * kesu's CSV and JSONL. CSV cells go through the ledger's one cell writer.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "asset.h"
#include "backend.h"

static const char *const snipeit_head[] = {
	"Asset Tag",
	"Serial",
	"Model",
	"Category",
	"Location",
	"Checked Out To",
	"Status",
	"Last Audit Date",
	"kesu Kind",
	"kesu Department",
	"kesu Classification",
	"kesu Lease Contract",
	"kesu State",
	"kesu Certificate ID",
	"kesu Certificate SHA-256",
	NULL,
};

static const char *const glpi_head[] = {
	"Name",	 "Inventory number", "Serial number", "Type", "Model", "Location", "User",
	"Group", "Status",	     "Comments",      NULL,
};

static const char *const csv_head[] = {
	"asset_tag",  "kind",		"serial",
	"model",      "department",	"location",
	"holder",     "classification", "lease_contract",
	"category",   "status_label",	"state",
	"events",     "first_seq",	"last_seq",
	"last_event", "certificate_id", "certificate_sha256",
	NULL,
};

int asset_label_state(const char *label, enum asset_state *st, bool *kesu)
{
	static const char *const in_service[] = { "ready to deploy", "deployable", "deployed",
						  "pending",	     "in use",	   NULL };

	*kesu = false;
	if (!asset_state_parse(label, st)) {
		*kesu = true;
		return 0;
	}
	for (size_t i = 0; in_service[i]; i++)
		if (!strcasecmp(label, in_service[i])) {
			*st = ASSET_IN_SERVICE;
			return 0;
		}
	if (!strcasecmp(label, "archived")) {
		*st = ASSET_RETIRED;
		return 0;
	}
	return -ENOENT;
}

const char *asset_status_label(const struct asset *a)
{
	const char *label = a->field[ASSET_STATUS_LABEL];
	enum asset_state st = ASSET_IN_SERVICE;
	bool kesu;

	if (!label)
		return asset_state_label(a->state);
	/* a label kesu does not know stands for what it was imported as: in service */
	asset_label_state(label, &st, &kesu);
	return st == a->state ? label : asset_state_label(a->state);
}

static const char *const *head_of(enum asset_export_format fmt)
{
	return fmt == ASSET_EXPORT_SNIPEIT ? snipeit_head :
	       fmt == ASSET_EXPORT_GLPI	   ? glpi_head :
					     csv_head;
}

static void row(FILE *f, const char *const *v)
{
	for (size_t i = 0; v[i] != (const char *)-1; i++)
		ledger_csv_cell(f, v[i], v[i + 1] == (const char *)-1);
}

static void snipeit_row(FILE *f, const struct asset *a)
{
	char audit[11];
	const char *cat =
		a->field[ASSET_CATEGORY] ? a->field[ASSET_CATEGORY] : a->field[ASSET_KIND];
	const char *v[] = { a->tag,
			    a->field[ASSET_SERIAL],
			    a->field[ASSET_MODEL],
			    cat,
			    a->field[ASSET_LOCATION],
			    a->field[ASSET_HOLDER],
			    asset_status_label(a),
			    audit,
			    a->field[ASSET_KIND],
			    a->field[ASSET_DEPARTMENT],
			    a->field[ASSET_CLASSIFICATION],
			    a->field[ASSET_LEASE_CONTRACT],
			    asset_state_label(a->state),
			    a->cert_id,
			    a->cert_sha256,
			    (const char *)-1 };

	/* the date of the asset's last event in the register */
	snprintf(audit, sizeof(audit), "%.10s", a->last_when);
	row(f, v);
}

static void glpi_row(FILE *f, const struct asset *a)
{
	char comment[256];
	const char *cat =
		a->field[ASSET_CATEGORY] ? a->field[ASSET_CATEGORY] : a->field[ASSET_KIND];
	const char *v[] = { a->tag,
			    a->tag,
			    a->field[ASSET_SERIAL],
			    cat,
			    a->field[ASSET_MODEL],
			    a->field[ASSET_LOCATION],
			    a->field[ASSET_HOLDER],
			    a->field[ASSET_DEPARTMENT],
			    asset_status_label(a),
			    comment,
			    (const char *)-1 };

	snprintf(comment, sizeof(comment), "kesu: %s%s%s", asset_state_label(a->state),
		 a->cert_id ? "; certificate " : "", a->cert_id ? a->cert_id : "");
	row(f, v);
}

static void csv_row(FILE *f, const struct asset *a)
{
	char events[24], first[24], last[24];
	const char *v[] = { a->tag,
			    a->field[ASSET_KIND],
			    a->field[ASSET_SERIAL],
			    a->field[ASSET_MODEL],
			    a->field[ASSET_DEPARTMENT],
			    a->field[ASSET_LOCATION],
			    a->field[ASSET_HOLDER],
			    a->field[ASSET_CLASSIFICATION],
			    a->field[ASSET_LEASE_CONTRACT],
			    a->field[ASSET_CATEGORY],
			    a->field[ASSET_STATUS_LABEL],
			    asset_state_name(a->state),
			    events,
			    first,
			    last,
			    a->last_when,
			    a->cert_id,
			    a->cert_sha256,
			    (const char *)-1 };

	snprintf(events, sizeof(events), "%zu", a->events);
	snprintf(first, sizeof(first), "%lld", (long long)a->first_seq);
	snprintf(last, sizeof(last), "%lld", (long long)a->last_seq);
	row(f, v);
}

/* A new string built on a memory stream: the header (@a NULL) or @a's record. */
static int build(enum asset_export_format fmt, const struct asset *a, char **line)
{
	size_t len;
	FILE *f = open_memstream(line, &len);
	int r = 0;

	*line = NULL;
	if (!f)
		return -ENOMEM;
	if (fmt == ASSET_EXPORT_JSONL && a) {
		json_t *o = asset_json(a);

		if (!o || json_dumpf(o, f, JSON_COMPACT) < 0 || putc('\n', f) == EOF)
			r = -ENOMEM;
		json_decref(o);
	} else if (!a && fmt != ASSET_EXPORT_JSONL) {
		const char *const *h = head_of(fmt);

		for (size_t i = 0; h[i]; i++)
			ledger_csv_cell(f, h[i], !h[i + 1]);
	} else if (a) {
		if (fmt == ASSET_EXPORT_SNIPEIT)
			snipeit_row(f, a);
		else if (fmt == ASSET_EXPORT_GLPI)
			glpi_row(f, a);
		else
			csv_row(f, a);
	}
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(*line);
		*line = NULL;
	}
	return r;
}

int asset_export_header(enum asset_export_format fmt, char **line)
{
	return build(fmt, NULL, line);
}

int asset_export_line(enum asset_export_format fmt, const struct asset *a, char **line)
{
	return build(fmt, a, line);
}
