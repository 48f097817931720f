// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu inspect: what it shows (a table of findings, or JSON), the signed
 * record it keeps in the register, and that record exported for the report
 * upward with its signature beside it, as stock minisign checks it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/jcs.h"
#include "inspect_cmd.h"
#include "jsonutil.h"
#include "kesu.h"
#include "outfile.h"
#include "secmem.h"

static const char *cell(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? ui_safe(s) : "-";
}

static void print_table(const struct inspect_opts *o, const struct inspect_result *res,
			const json_t *record)
{
	size_t i, n = json_array_size(res->findings);
	json_t *f;

	if (n)
		printf("FINDING\tASSET\tSERIAL\tDEVICE\tDETAIL\n");
	json_array_foreach(res->findings, i, f)
	{
		printf("%s\t%s\t", cell(f, "code"), cell(f, "asset_tag"));
		printf("%s\t%s\t", cell(f, "serial"), cell(f, "device"));
		printf("%s\n", cell(f, "detail"));
	}
	if (o->register_only)
		printf("%zu finding%s in the register\n", n, n == 1 ? "" : "s");
	else
		printf("%zu finding%s on %zu medi%s\n", n, n == 1 ? "" : "s",
		       json_array_size(res->inspected),
		       json_array_size(res->inspected) == 1 ? "um" : "a");
	if (record)
		printf("recorded: inspection %s\n",
		       json_string_value(json_object_get(record, "id")));
}

int inspect_print(const struct inspect_opts *o, const struct inspect_result *res,
		  const json_t *record)
{
	json_t *doc;
	int r;

	if (!o->json) {
		print_table(o, res, record);
		return fflush(stdout) == EOF ? ui_exit(-EIO, UI_CTX_NONE) : 0;
	}
	doc = json_pack("{s:s,s:s,s:O,s:O,s:o}", "time", res->now, "scope",
			o->register_only ? "register" : "devices", "findings", res->findings,
			"inspected", res->inspected, "recorded",
			json_str_or_null(record ? json_string_value(json_object_get(record, "id")) :
						  NULL));
	if (!doc)
		return ui_exit(-ENOMEM, UI_CTX_NONE);
	r = ui_print_json(stdout, doc);
	json_decref(doc);
	return r < 0 ? ui_exit(r, UI_CTX_NONE) : 0;
}

static int build(const struct inspect_opts *o, const struct cert_signer *s,
		 const struct inspect_result *res, json_t **record, char **text, size_t *len)
{
	char id[37];
	struct inspection_head h = {
		.id = id,
		.time = res->now,
		.inspector = cert_signer_name(s),
		.key_id = cert_signer_key_id(s),
		.fingerprint = cert_signer_fingerprint(s),
		.register_scope = o->register_only,
		.devices = res->devices,
		.days = o->days,
		.cert_days = o->cert_days,
	};
	int r;

	secmem_uuid(id);
	r = inspection_build(&h, res->inspected, res->findings, record);
	return r ? r : jcs_dump(*record, text, len);
}

int inspect_sign_record(const struct inspect_opts *o, struct ledger *l, const struct cert_signer *s,
			const struct inspect_result *res, json_t **record)
{
	struct ledger_anchor row;
	char *text = NULL, name[32], why[256] = "";
	void *sig = NULL;
	size_t len, siglen;
	int r = build(o, s, res, record, &text, &len);

	if (r == 0)
		r = cert_sign(s, text, len, json_string_value(json_object_get(*record, "id")),
			      CERT_ROLE_INSPECTOR, NULL, &sig, &siglen);
	snprintf(name, sizeof(name), "inspector.%s", cert_signer_ext(s));
	if (r == 0)
		r = inspect_record(l, text, len, name, sig, siglen, res->tags, res->ntags,
				   cert_signer_name(s), res->now, &row, why, sizeof(why));
	free(text);
	free(sig);
	if (r == 0)
		return 0;
	ui_err("%s: inspection not recorded: %s", ui_safe(o->ledger),
	       ui_safe(why[0] ? why : strerror(-r)));
	return r == -EBADMSG ? KESU_EXIT_LEDGER : ui_exit(r, UI_CTX_NONE);
}

/* The one signature of a recorded inspection, decoded, and its sidecar's name. */
static int row_sig(const struct inspect_row *row, char name[32], unsigned char **sig,
		   size_t *siglen)
{
	json_t *o = json_loads(row->sigs, 0, NULL), *v;
	const char *key, *b64 = NULL;
	size_t blen;
	int r = -EBADMSG;

	*sig = NULL;
	json_object_foreach(o, key, v)
	{
		b64 = json_string_value(v);
		snprintf(name, 32, "%s", key);
	}
	if (json_object_size(o) == 1 && b64 && !strchr(name, '/')) {
		blen = strlen(b64);
		*sig = malloc(blen + 1);
		r = !*sig ? -ENOMEM :
		    sodium_base642bin(*sig, blen, b64, blen, NULL, siglen, NULL,
				      sodium_base64_VARIANT_ORIGINAL) ?
			    -EBADMSG :
			    0;
	}
	json_decref(o);
	return r;
}

static int write_out(const char *path, const void *data, size_t len)
{
	struct outfile of;
	int r = outfile_reserve(&of, path, len, 0);

	if (r == 0)
		r = outfile_commit(&of, data, len);
	outfile_release(&of);
	if (r < 0)
		ui_err("%s: %s", ui_safe(path),
		       r == -EEXIST ? "exists, not replaced" : strerror(-r));
	return r;
}

static int export_files(const struct inspect_opts *o, const struct inspect_row *row)
{
	unsigned char *sig;
	char name[32];
	size_t siglen;
	char *sidecar;
	int r = row_sig(row, name, &sig, &siglen);

	if (r < 0) {
		ui_err("%s: inspection %s: its signature is not readable", ui_safe(o->ledger),
		       ui_safe(o->export_id));
		return KESU_EXIT_LEDGER;
	}
	if (asprintf(&sidecar, "%s.%s", o->output, name) < 0) {
		free(sig);
		return ui_exit(-ENOMEM, UI_CTX_NONE);
	}
	r = write_out(o->output, row->doc, row->len);
	if (r == 0)
		r = write_out(sidecar, sig, siglen);
	if (r == 0)
		printf("%s\n%s\n", ui_safe(o->output), ui_safe(sidecar));
	free(sidecar);
	free(sig);
	return r < 0 ? ui_exit(r, UI_CTX_NONE) : 0;
}

int inspect_export(const struct inspect_opts *o, struct ledger *l)
{
	struct inspect_row row;
	int r = inspect_find(l, o->export_id, &row), code = 0;
	json_t *doc;

	if (r < 0) {
		ui_err("%s: inspection %s: %s", ui_safe(o->ledger), ui_safe(o->export_id),
		       r == -ENOENT ? "not in the register" : strerror(-r));
		return r == -ENOENT ? KESU_EXIT_FAILURE : ui_exit(r, UI_CTX_NONE);
	}
	if (o->output) {
		code = export_files(o, &row);
	} else if (o->json) {
		doc = json_pack("{s:o,s:o,s:I,s:s}", "record", json_loads(row.doc, 0, NULL),
				"signatures", json_loads(row.sigs, 0, NULL), "seq",
				(json_int_t)row.seq, "row_hash", row.row_hash);
		code = !doc			      ? ui_exit(-ENOMEM, UI_CTX_NONE) :
		       ui_print_json(stdout, doc) < 0 ? ui_exit(-EIO, UI_CTX_NONE) :
							0;
		json_decref(doc);
	} else if (fwrite(row.doc, 1, row.len, stdout) != row.len || putchar('\n') == EOF ||
		   fflush(stdout) == EOF) {
		code = ui_exit(-EIO, UI_CTX_NONE);
	}
	inspect_row_free(&row);
	return code;
}
