// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jcs.h"
#include "jsonutil.h"
#include "machine_summary.h"
#include "outfile.h"
#include "secmem.h"
#include "sysfs.h"

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

json_t *cert_machine_summary_here(const char *tag, const struct cert_machine_drive *d, size_t n,
				  char id[37])
{
	struct sysfs_dmi dmi = { 0 };
	struct cert_machine_host h;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	json_t *doc;

	if (sysfs_dmi_read(&dmi))
		return NULL;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	secmem_uuid(id);
	h =
		(struct cert_machine_host){ dmi.manufacturer, dmi.product,
					    dmi.serial,	      dmi.uuid,
					    dmi.asset_tag,    tag ? tag : dmi.asset_tag };
	doc = cert_machine_summary(&h, d, n, id, when);
	sysfs_dmi_free(&dmi);
	return doc;
}

int cert_machine_summary_write(const json_t *doc, const char *dir, const struct cert_signer *signer,
			       char *path, size_t len)
{
	const char *id = json_string_value(json_object_get(doc, "id"));
	char *text = NULL, *sigpath = NULL;
	void *sig = NULL;
	size_t tlen, siglen;
	int r = id ? jcs_dump(doc, &text, &tlen) : -EBADMSG;
	int n = snprintf(path, len, "%s/machine-%s.json", dir, id ? id : "");

	if (!r && (n < 0 || (size_t)n >= len))
		r = -ENAMETOOLONG;
	if (!r)
		r = outfile_write(path, text, tlen);
	if (!r && signer)
		r = cert_sign(signer, text, tlen, id, CERT_ROLE_OPERATOR, NULL, &sig, &siglen);
	if (!r && signer && asprintf(&sigpath, "%s.%s", path, cert_signer_ext(signer)) < 0)
		r = -ENOMEM;
	if (!r && sigpath)
		r = outfile_write(sigpath, sig, siglen);
	free(text);
	free(sig);
	free(sigpath);
	return r;
}
