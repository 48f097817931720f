// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checking a kesu-machine/1 summary as certificates are checked: canonical
 * form, structure, the operator's signature through the trust store, the
 * result; and whether a certificate is the one it lists for a drive.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "file.h"
#include "machine_summary.h"

static bool text_or_null(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) || json_is_null(v);
}

/* One drive of the list: its members and their types. */
static bool drive_ok(const json_t *d, bool *erased)
{
	const json_t *e = json_object_get(d, "erased");

	*erased = json_is_true(e);
	return json_is_object(d) && json_object_size(d) == 6 && text_or_null(d, "path") &&
	       text_or_null(d, "serial") && text_or_null(d, "model") &&
	       text_or_null(d, "certificate") && json_is_string(json_object_get(d, "result")) &&
	       json_is_boolean(e);
}

/* The structure cert_machine_summary() writes; the reason into @v->why. */
static bool summary_ok(struct cert_verification *v)
{
	static const char *const host[] = { "manufacturer", "product",	 "serial",
					    "uuid",	    "asset_tag", "tag" };
	const json_t *doc = v->doc, *m = json_object_get(doc, "machine");
	const json_t *drives = json_object_get(doc, "drives");
	const char *id = json_string_value(json_object_get(doc, "id"));
	const char *result = json_string_value(json_object_get(doc, "result"));
	bool all = true, erased;
	size_t i;
	json_t *d;

	if (!id || strlen(id) != 36 || !json_is_string(json_object_get(doc, "created")) ||
	    !json_is_object(m) || !json_is_array(drives) || !result || json_object_size(doc) != 6)
		return !cert_verdict_set(v, CERT_MALFORMED, "not a %s document",
					 CERT_MACHINE_FORMAT);
	snprintf(v->id, sizeof(v->id), "%s", id);
	for (i = 0; i < sizeof(host) / sizeof(host[0]); i++)
		if (!text_or_null(m, host[i]))
			return !cert_verdict_set(v, CERT_MALFORMED, "machine.%s is not text",
						 host[i]);
	json_array_foreach(drives, i, d)
	{
		if (!drive_ok(d, &erased))
			return !cert_verdict_set(v, CERT_MALFORMED, "drives[%zu] is malformed", i);
		all = all && erased;
	}
	all = all && json_array_size(drives) > 0;
	if (strcmp(result, all ? "erased" : "not erased"))
		return !cert_verdict_set(v, CERT_MALFORMED,
					 "its result \"%.40s\" contradicts its drives", result);
	return true;
}

int cert_machine_verify_mem(const void *buf, size_t len, const char *sig, size_t siglen, bool cms,
			    const struct cert_trust *t, struct cert_verification *out)
{
	const char *format;
	int r;

	r = cert_verdict_canonical(buf, len, out);
	if (r || out->verdict)
		return r;
	format = json_string_value(json_object_get(out->doc, "format"));
	if (!format || strcmp(format, CERT_MACHINE_FORMAT))
		return cert_verdict_set(out, CERT_MALFORMED, "not a %s document",
					CERT_MACHINE_FORMAT);
	if (!summary_ok(out))
		return 0;
	if (!sig)
		return cert_verdict_set(out, CERT_BAD_SIGNATURE, "no signature");
	r = cert_check_sig_text(sig, siglen, cms, buf, len, out->id, CERT_ROLE_OPERATOR, t,
				&out->sig[CERT_ROLE_OPERATOR]);
	if (r == -ENOMEM)
		return r;
	if (r)
		return cert_verdict_set(out, r == -EACCES ? CERT_UNTRUSTED : CERT_BAD_SIGNATURE,
					"%s", out->sig[CERT_ROLE_OPERATOR].why);
	if (strcmp(json_string_value(json_object_get(out->doc, "result")), "erased"))
		return cert_verdict_set(out, CERT_NOT_ERASED,
					"not every drive of the machine was erased");
	return 0;
}

/* Is @path a summary at all? Anything else is left to the certificate's check. */
static bool is_summary(const char *buf, size_t len)
{
	json_t *doc = json_loadb(buf, len, 0, NULL);
	const char *f = json_string_value(json_object_get(doc, "format"));
	bool yes = f && !strcmp(f, CERT_MACHINE_FORMAT);

	json_decref(doc);
	return yes;
}

int cert_machine_verify_file(const char *path, const struct cert_trust *t,
			     struct cert_verification *out)
{
	static const char *const ext[] = { "minisig", "p7s" };
	char *buf = NULL, *sig = NULL, *sp = NULL;
	size_t len = 0, siglen = 0;
	int r = file_read(path, CERT_FILE_MAX, &buf, &len), k;

	if (!r && !is_summary(buf, len))
		r = -EMEDIUMTYPE;
	for (k = 0; !r && k < 2 && !sig; k++) {
		free(sp);
		if (asprintf(&sp, "%s.%s", path, ext[k]) < 0) {
			sp = NULL;
			r = -ENOMEM;
		} else if (file_read(sp, CERT_FILE_MAX, &sig, &siglen)) {
			sig = NULL;
		}
	}
	if (!r)
		r = cert_machine_verify_mem(buf, len, sig, siglen, k == 2, t, out);
	free(sp);
	free(sig);
	free(buf);
	return r;
}

/* @a and @b the same text, or either missing */
static bool same_or_unknown(const char *a, const char *b)
{
	return !a || !b || !*a || !*b || !strcmp(a, b);
}

int cert_machine_drive_match(const json_t *sum, const json_t *drive, const json_t *cert, char *why,
			     size_t len)
{
	static const char *const pairs[][3] = {
		{ "certificate", "id", "id" },
		{ "serial", "media.serial", "device serial" },
		{ "path", "media.path", "device path" },
		{ "result", "result", "result" },
	};
	const char *a, *b;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		a = json_string_value(json_object_get(drive, pairs[i][0]));
		b = cert_get_string(cert, pairs[i][1]);
		/* the summary writes null where the certificate may have "" */
		a = a && *a ? a : NULL;
		b = b && *b ? b : NULL;
		if ((a || b) && (!a || !b || strcmp(a, b))) {
			snprintf(why, len, "its %s is %.80s, the summary's %.80s", pairs[i][2],
				 b ? b : "missing", a ? a : "missing");
			return -EXDEV;
		}
	}
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "uuid" : "serial";
		char path[32];

		snprintf(path, sizeof(path), "machine.%s", key);
		a = cert_get_string(sum, path);
		b = cert_get_string(cert, path);
		if (!same_or_unknown(a, b)) {
			snprintf(why, len, "made on the machine with DMI %s %.80s, not %.80s", key,
				 b, a);
			return -EXDEV;
		}
	}
	return 0;
}
