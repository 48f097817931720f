// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu ledger's actions that read the ledger out (show, list, export,
 * reconcile) and their output, and the output of verify. Every value that
 * came from a certificate or a file is escaped before it reaches the
 * terminal.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kesu.h"
#include "ledger_cmd.h"
#include "text.h"

/* One cell of terminal output: escaped, "-" for none. */
static void put_text(const char *s, const char *sep)
{
	char *e = NULL;

	if (s && *s && text_escape(s, &e) == 0)
		fputs(e, stdout);
	else
		fputs(s && *s && !e ? "(out of memory)" : "-", stdout);
	fputs(sep, stdout);
	free(e);
}

static void put_sig_names(const char *sigs)
{
	json_t *doc = json_loads(sigs, 0, NULL), *v;
	const char *name;
	bool first = true;

	json_object_foreach(doc, name, v)
	{
		printf("%s%s", first ? "" : ", ", name);
		first = false;
	}
	puts(first ? "-" : "");
	json_decref(doc);
}

static int ui_row(const struct ledger_row *row, void *usr)
{
	if (*(const bool *)usr) {
		json_t *doc = ledger_row_json(row);
		int r = doc ? ui_print_json(stdout, doc) : -ENOMEM;

		json_decref(doc);
		return r;
	}
	printf("%-19s %" PRId64 "\n", "seq", row->seq);
	if (row->kind != LEDGER_KIND_CERT)
		printf("%-19s %s\n", "kind",
		       row->kind == LEDGER_KIND_MACHINE_SUMMARY ? "machine-summary" : "unknown");
	printf("%-19s ", "certificate_id");
	put_text(row->id, "\n");
	printf("%-19s %s\n", "certificate_sha256", row->cert_sha256);
	for (int i = 0; i < LEDGER_NFIELDS; i++) {
		printf("%-19s ", ledger_field_names[i]);
		put_text(row->field[i], "\n");
	}
	printf("%-19s ", "signatures");
	put_sig_names(row->sigs);
	printf("%-19s %s\n%-19s %s\n", "prev_hash", row->prev_hash, "row_hash", row->row_hash);
	return 0;
}

static int ui_list_row(const struct ledger_row *row, void *usr)
{
	json_t *arr = usr, *o;

	if (arr) {
		o = ledger_row_json(row);
		return o && json_array_append_new(arr, o) == 0 ? 0 : -ENOMEM;
	}
	printf("%-6" PRId64 " ", row->seq);
	put_text(row->id, "  ");
	put_text(row->field[LEDGER_ASSET_TAG], "  ");
	put_text(row->field[LEDGER_SERIAL], "  ");
	put_text(row->field[LEDGER_RESULT], "  ");
	put_text(row->field[LEDGER_APPROVER], "  ");
	put_text(row->field[LEDGER_FINISHED], "\n");
	return 0;
}

static void ui_list_header(void)
{
	printf("SEQ    CERTIFICATE-ID  ASSET-TAG  SERIAL  RESULT  APPROVER  FINISHED\n");
}

/* The machine summaries after the certificates, in a table of their own. */
struct summary_list {
	json_t *arr;
	bool header;
};

static int ui_list_summary(const struct ledger_row *row, void *usr)
{
	struct summary_list *s = usr;

	if (s->arr)
		return ui_list_row(row, s->arr);
	if (!s->header)
		printf("\nSEQ    MACHINE-SUMMARY-ID  TAG  SERIAL  PRODUCT  RESULT  CREATED\n");
	s->header = true;
	printf("%-6" PRId64 " ", row->seq);
	put_text(row->id, "  ");
	put_text(row->field[LEDGER_ASSET_TAG], "  ");
	put_text(row->field[LEDGER_SERIAL], "  ");
	put_text(row->field[LEDGER_MODEL], "  ");
	put_text(row->field[LEDGER_RESULT], "  ");
	put_text(row->field[LEDGER_ISSUED], "\n");
	return 0;
}

static int ui_export_row(const struct ledger_row *row, void *usr)
{
	const enum ledger_export_format *fmt = usr;
	char *line;
	int r = ledger_export_line(*fmt, row, &line);

	errno = 0;
	if (r == 0 && (fputs(line, stdout) == EOF || ferror(stdout)))
		r = errno ? -errno : -EIO;
	free(line);
	return r;
}

/* @json: the document to print; NULL (out of memory) is -ENOMEM */
static int print_json(json_t *doc)
{
	int r = doc ? ui_print_json(stdout, doc) : -ENOMEM;

	json_decref(doc);
	return r;
}

/* Certificates of one erasure, one line each. */
static void put_dups(const struct ledger_dups *d)
{
	for (size_t i = 0; i < d->n; i++) {
		printf("duplicate  seq %" PRId64 " ", d->dup[i].seq);
		put_text(d->dup[i].id, "");
		printf(": the same erasure as seq %" PRId64 " ", d->dup[i].first_seq);
		put_text(d->dup[i].first_id, "");
		printf(" (same %s)\n", d->dup[i].same);
	}
}

int ledger_ui_check(const char *location, const struct ledger_check *chk, bool intact, bool json)
{
	if (json)
		return print_json(ledger_check_json(location, chk, intact));
	if (intact) {
		printf("%s: %" PRId64 " rows, chain intact, head %s\n", ui_safe(location),
		       chk->rows, chk->head[0] ? chk->head : "-");
		put_dups(&chk->dups);
		for (size_t i = 0; i < chk->nuntrusted; i++) {
			printf("seq %" PRId64 ": intact; ", chk->untrusted[i].seq);
			put_text(chk->untrusted[i].why, " (certificate ");
			put_text(chk->untrusted[i].id, ")\n");
		}
	}
	return fflush(stdout) == EOF ? -errno : 0;
}

static void reconcile_text(const struct ledger_assets *as, const struct ledger_reconcile *rec)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rec->n; i++) {
			const struct ledger_match *m = &rec->match[i];

			if ((m->status == LEDGER_CERTIFIED) != (pass == 0))
				continue;
			fputs(pass == 0 ? "certified  " : "missing    ", stdout);
			put_text(as->a[i].asset_tag, "  ");
			put_text(as->a[i].serial, "  ");
			put_text(m->id, pass == 0 ? "\n" : "  ");
			if (pass == 1)
				puts(ledger_missing_reason(m));
		}
	for (size_t i = 0; i < rec->nunmatched; i++) {
		fputs("unmatched  ", stdout);
		put_text(rec->unmatched[i].asset_tag, "  ");
		put_text(rec->unmatched[i].serial, "  ");
		put_text(rec->unmatched[i].id, "\n");
	}
	for (size_t i = 0; i < rec->nhanded; i++) {
		fputs("handed     ", stdout);
		put_text(rec->handed[i].asset_tag, "  handed to contractor ");
		put_text(rec->handed[i].contractor, " on ");
		printf("%.10s, no certificate\n", rec->handed[i].when);
	}
	put_dups(&rec->dups);
	printf("%zu certified, %zu missing, %zu unmatched certificates\n", rec->certified,
	       rec->missing, rec->nunmatched);
}

static int ui_reconcile(const struct ledger_assets *as, const struct ledger_reconcile *rec,
			bool json)
{
	if (json)
		return print_json(ledger_reconcile_json(as->a, rec));
	reconcile_text(as, rec);
	return fflush(stdout) == EOF ? -errno : 0;
}

/*
 * The start of a read-only action: its options, then the ledger opened
 * read-only into *@l. Return: -1 to go on, else the exit code (told).
 */
static int read_start(int argc, char **argv, const struct action *a, struct ledger_opts *o,
		      struct ledger **l)
{
	int r = ledger_args(argc, argv, a, o);

	if (r >= 0)
		return r;
	r = ledger_open_ui(o, LEDGER_RDONLY, l);
	return r < 0 ? ui_exit(r, UI_CTX_NONE) : -1;
}

/* The end of a read-only action: its message, the flush, the exit code. */
static int read_done(const struct ledger_opts *o, int r, const char *what)
{
	if (r == 0 && fflush(stdout) == EOF)
		r = -errno;
	if (r < 0)
		ui_err("%s: %s%s", ui_safe(o->path), what, strerror(-r));
	return ui_exit(r, UI_CTX_NONE);
}

int ledger_cmd_show(int argc, char **argv)
{
	static const struct action a = { .min = 1, .max = 1, .json = true, .options = JSON_HELP };
	struct ledger_opts o;
	struct ledger *l;
	int r = read_start(argc, argv, &a, &o, &l);

	if (r >= 0)
		return r;
	r = ledger_get(l, o.args[0], ui_row, &o.json);
	if (r == -ENOENT) {
		struct ledger_filter f = { .rows = LEDGER_ROWS_SUMMARIES, .id = o.args[0] };

		f.last = true;
		r = ledger_iterate(l, &f, ui_row, &o.json);
	}
	ledger_close(l);
	if (r == -ENOENT) {
		ui_err("%s: no certificate %s", ui_safe(o.path), ui_safe(o.args[0]));
		return ui_exit(r, UI_CTX_NONE);
	}
	return read_done(&o, r, "");
}

int ledger_cmd_list(int argc, char **argv)
{
	static const struct action a = {
		.json = true,
		.filter = true,
		.options = "  --asset TAG    only certificates for this asset tag\n"
			   "  --serial S     only certificates for this serial number\n" JSON_HELP,
	};
	struct ledger_filter f = { .no_blobs = true };
	json_t *arr = NULL;
	struct ledger_opts o;
	struct ledger *l;
	int r = read_start(argc, argv, &a, &o, &l);

	if (r >= 0)
		return r;
	r = 0;
	f.asset_tag = o.asset;
	f.serial = o.serial;
	if (o.json && !(arr = json_array()))
		r = -ENOMEM;
	else if (!o.json)
		ui_list_header();
	if (r != -ENOMEM)
		r = ledger_iterate(l, &f, ui_list_row, arr);
	if (r == 0) {
		struct summary_list s = { .arr = arr };

		f.rows = LEDGER_ROWS_SUMMARIES;
		r = ledger_iterate(l, &f, ui_list_summary, &s);
	}
	if (r == 0 && arr)
		r = ui_print_json(stdout, arr);
	json_decref(arr);
	ledger_close(l);
	return read_done(&o, r, "");
}

int ledger_cmd_export(int argc, char **argv)
{
	static const struct action a = {
		.format = true,
		.options = "  --csv          CSV with a header row (RFC 4180)\n"
			   "  --jsonl        one JSON object per line\n",
	};
	static const struct ledger_filter f = { .no_blobs = true };
	enum ledger_export_format fmt;
	struct ledger_opts o;
	struct ledger *l;
	char *head = NULL;
	int r = read_start(argc, argv, &a, &o, &l);

	if (r >= 0)
		return r;
	fmt = o.csv ? LEDGER_EXPORT_CSV : LEDGER_EXPORT_JSONL;
	r = ledger_export_header(fmt, &head);
	errno = 0;
	if (r == 0 && fputs(head, stdout) == EOF)
		r = errno ? -errno : -EIO;
	if (r == 0)
		r = ledger_iterate(l, &f, ui_export_row, &fmt);
	free(head);
	ledger_close(l);
	return read_done(&o, r, "cannot export: ");
}

int ledger_cmd_reconcile(int argc, char **argv)
{
	static const struct action a = { .min = 1, .max = 1, .json = true, .options = JSON_HELP };
	struct ledger_reconcile rec;
	struct ledger_assets as;
	struct ledger_opts o;
	struct ledger *l = NULL;
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0)
		return r;
	r = ledger_assets_load(o.args[0], &as);
	if (r < 0) {
		ui_err("%s: %s", ui_safe(o.args[0]), r == -EBADMSG ? as.why : ledger_errtext(r));
		ledger_assets_free(&as);
		return ui_exit(r, UI_CTX_LIST);
	}
	if ((r = ledger_open_ui(&o, LEDGER_RDONLY, &l)) < 0) {
		ledger_assets_free(&as);
		return ui_exit(r, UI_CTX_NONE);
	}
	r = ledger_reconcile(l, as.a, as.n, &rec);
	ledger_close(l);
	if (r < 0) {
		ui_err("%s: cannot reconcile: %s", ui_safe(o.path), strerror(-r));
		ledger_assets_free(&as);
		return ui_exit(r, UI_CTX_NONE);
	}
	r = ui_reconcile(&as, &rec, o.json);
	if (r < 0)
		ui_err("cannot write the result: %s", strerror(-r));
	/* an asset without a certificate is what the ledger holds (15), like a broken chain */
	r = r < 0 ? ui_exit(r, UI_CTX_NONE) : ui_exit(rec.missing ? -EBADMSG : 0, UI_CTX_LEDGER);
	ledger_reconcile_free(&rec);
	ledger_assets_free(&as);
	return r;
}
