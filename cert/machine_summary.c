// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include "jsonutil.h"
#include "machine_summary.h"

static json_t *text_or_null(const char *s)
{
	return s && *s ? json_text(s) : json_null();
}

static json_t *drive_json(const struct cert_machine_drive *d)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:s, s:b}", "path", text_or_null(d->path), "serial",
			 text_or_null(d->serial), "model", text_or_null(d->model), "certificate",
			 text_or_null(d->cert_id), "result", d->result ? d->result : "failed",
			 "erased", d->erased);
}

json_t *cert_machine_summary(const struct cert_machine_host *h, const struct cert_machine_drive *d,
			     size_t n, const char *id, const char *created)
{
	json_t *drives = json_array(), *doc;
	bool all = n > 0;

	for (size_t i = 0; drives && i < n; i++) {
		all = all && d[i].erased;
		if (json_array_append_new(drives, drive_json(&d[i]))) {
			json_decref(drives);
			return NULL;
		}
	}
	if (!drives)
		return NULL;
	doc = json_pack("{s:s, s:s, s:s, s:{s:o, s:o, s:o, s:o, s:o, s:o}, s:o, s:s}", "format",
			"kesu-machine/1", "id", id, "created", created, "machine", "manufacturer",
			text_or_null(h->manufacturer), "product", text_or_null(h->product),
			"serial", text_or_null(h->serial), "uuid", text_or_null(h->uuid),
			"asset_tag", text_or_null(h->asset_tag), "tag", text_or_null(h->tag),
			"drives", drives, "result", all ? "erased" : "not erased");
	return doc;
}
