// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "certfile.h"
#include "file.h"
#include "outfile.h"

char *cert_default_path(const char *report)
{
	size_t n = strlen(report);
	char *out;

	if (n > 5 && !strcmp(report + n - 5, ".json"))
		n -= 5;
	if (asprintf(&out, "%.*s.cert.json", (int)n, report) < 0)
		return NULL;
	return out;
}

int cert_report_read(const char *path, json_t **report, char *why, size_t len)
{
	json_error_t jerr;
	char *buf = NULL;
	size_t n;
	int r = file_read(path, CERT_REPORT_MAX, &buf, &n);

	*report = NULL;
	if (r)
		return r;
	*report = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!*report) {
		snprintf(why, len, "%s", jerr.text);
		return -EBADMSG;
	}
	return 0;
}

bool cert_is_self_approval(const struct cert_verification *v, const struct cert_signer *s)
{
	struct cert_sig_check ap = { 0 };

	snprintf(ap.key_id, sizeof(ap.key_id), "%s", cert_signer_key_id(s));
	snprintf(ap.fpr, sizeof(ap.fpr), "%s", cert_signer_fingerprint(s));
	snprintf(ap.name, sizeof(ap.name), "%s", cert_signer_name(s));
	return cert_approver_is_operator(v, &ap);
}

/*
 * The new signature, checked as `cert verify --require-approval` will check
 * it: a key the store does not trust as approver, or whose KEY.pub names
 * someone else, is found now and not by the next reader.
 */
static int approval_check(const struct cert_approval *a, const void *sig, size_t siglen, bool cms,
			  const struct cert_trust *t, struct cert_verification *check)
{
	struct cert_sigs sigs = *a->sigs;
	int r;

	sigs.text[CERT_ROLE_APPROVER] = sig;
	sigs.len[CERT_ROLE_APPROVER] = siglen;
	sigs.cms[CERT_ROLE_APPROVER] = cms;
	r = cert_verify_mem(a->doc, a->len, &sigs, t, CERT_REQUIRE_APPROVAL, check);
	if (!r && check->verdict != CERT_VALID)
		r = -EACCES;
	return r;
}

int cert_approve_mem(const struct cert_approval *a, const struct cert_signer *s,
		     const struct cert_trust *t, struct cert_verification *check, char **sig_path)
{
	struct outfile of = { .fd = -1, .dirfd = -1 };
	bool cms = !strcmp(cert_signer_ext(s), "p7s");
	size_t siglen = 0;
	void *sig = NULL;
	int r;

	memset(check, 0, sizeof(*check));
	*sig_path = cert_sig_path(a->path, CERT_ROLE_APPROVER, cert_signer_ext(s));
	r = *sig_path ? outfile_reserve(&of, *sig_path, 4096, a->replace ? OUTFILE_REPLACE : 0) :
			-ENOMEM;
	/* the bytes that were verified are the bytes signed: the file is not read again */
	if (!r)
		r = cert_sign(s, a->doc, a->len, a->id, CERT_ROLE_APPROVER, a->reason, &sig,
			      &siglen);
	if (!r)
		r = approval_check(a, sig, siglen, cms, t, check);
	if (!r)
		r = outfile_commit(&of, sig, siglen);
	outfile_release(&of);
	free(sig);
	return r;
}

/* @what of the certificate @c and of the device @d: "" when they agree, else the difference */
static bool id_differs(const char *what, const char *c, const char *d, char *why, size_t len)
{
	if (!c && !d)
		return false;
	if (c && d && !strcmp(c, d))
		return false;
	snprintf(why, len, "%s %s, the certificate's is %s", what, d ? d : "none", c ? c : "none");
	return true;
}

int cert_device_check(const json_t *cert, const struct dev_info *info, char *why, size_t len)
{
	const char *serial = cert_get_string(cert, "media.serial");
	const char *wwn = cert_get_string(cert, "media.wwn");
	json_t *size = cert_get(cert, "media.capacity_bytes");

	why[0] = '\0';
	if (id_differs("serial", serial, info->serial, why, len) ||
	    id_differs("WWN", wwn, info->wwn, why, len))
		return -ENODEV;
	if (!json_is_integer(size) || (uint64_t)json_integer_value(size) != info->size) {
		snprintf(why, len, "size %llu bytes, the certificate's is %lld",
			 (unsigned long long)info->size, (long long)json_integer_value(size));
		return -ENODEV;
	}
	/* a size alone is shared by every loop device and image of that size */
	if (!serial && !wwn) {
		snprintf(why, len, "identity not established: neither has a serial or WWN");
		return -ENODATA;
	}
	return 0;
}

const char *cert_last_pattern(const json_t *cert)
{
	json_t *passes = cert_get(cert, "sanitization.passes");
	json_t *last = json_array_get(passes, json_array_size(passes) - 1);

	return json_string_value(json_object_get(last, "pattern"));
}
