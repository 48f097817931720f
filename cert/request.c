// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu-request/1: the document, its checks, and its signatures, made and
 * judged by the same code as a certificate's (sig.c); only the document and
 * the name of the applicant's sidecar are the request's own.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "jcs.h"
#include "outfile.h"
#include "request.h"
#include "secmem.h"
#include "text.h"

static const char *const kind_names[REQUEST_NKINDS] = {
	[REQUEST_DISPOSAL] = "disposal", [REQUEST_LEASE_RETURN] = "lease-return",
	[REQUEST_TAKE_OUT] = "take-out", [REQUEST_BRING_IN] = "bring-in",
	[REQUEST_LOAN] = "loan",	 [REQUEST_HOLD] = "hold",
	[REQUEST_RELEASE] = "release",
};

const char *request_kind_name(enum request_kind k)
{
	return k >= 0 && k < REQUEST_NKINDS ? kind_names[k] : NULL;
}

int request_kind_parse(const char *s, enum request_kind *k)
{
	for (int i = 0; s && i < REQUEST_NKINDS; i++)
		if (!strcmp(s, kind_names[i])) {
			*k = (enum request_kind)i;
			return 0;
		}
	return -EINVAL;
}

/* "dddd-dd-dd" or "dddd-dd-ddTdd:dd:ddZ", by @form */
static bool form_ok(const char *s, const char *form)
{
	if (!s || strlen(s) != strlen(form))
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return false;
	return true;
}

static bool text_ok(const char *s)
{
	return s && *s && text_is_utf8(s) && text_is_clean(s) && strlen(s) <= REQUEST_TEXT_MAX;
}

/* A tag as the register takes it (ledger/asset.c checks it again when recorded). */
static bool tag_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 64 ||
	    !((s[0] >= '0' && s[0] <= '9') || (s[0] >= 'a' && s[0] <= 'z') ||
	      (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || strchr("-_./:#", *s)))
			return false;
	return true;
}

static int bad(char *why, size_t len, const char *what)
{
	if (why && len)
		snprintf(why, len, "%s", what);
	return -EBADMSG;
}

static bool null_or(json_t *v, bool (*ok)(const char *))
{
	return json_is_null(v) || (json_is_string(v) && ok(json_string_value(v)));
}

static bool date_ok(const char *s)
{
	return form_ok(s, "dddd-dd-dd");
}

int request_check(const json_t *doc, char *why, size_t len)
{
	static const char *const keys[] = { "applicant", "asset_tag", "contractor",
					    "created",	 "format",    "id",
					    "kind",	 "reason",    "until" };
	const char *key, *s;
	enum request_kind k;
	json_t *v;

	if (!json_is_object(doc))
		return bad(why, len, "not a JSON object");
	s = json_string_value(json_object_get(doc, "format"));
	if (!s || strcmp(s, REQUEST_FORMAT))
		return bad(why, len, "format: not " REQUEST_FORMAT);
	json_object_foreach((json_t *)doc, key, v)
	{
		size_t i = 0;

		while (i < sizeof(keys) / sizeof(keys[0]) && strcmp(key, keys[i]))
			i++;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return bad(why, len, "an unknown member");
	}
	s = json_string_value(json_object_get(doc, "id"));
	if (!s || strspn(s, "0123456789abcdef-") != 36 || strlen(s) != 36)
		return bad(why, len, "id: not a UUID");
	if (request_kind_parse(json_string_value(json_object_get(doc, "kind")), &k))
		return bad(why, len, "kind: not one of the request kinds");
	if (!tag_ok(json_string_value(json_object_get(doc, "asset_tag"))))
		return bad(why, len, "asset_tag: not an asset tag");
	if (!text_ok(json_string_value(json_object_get(doc, "reason"))) ||
	    !text_ok(json_string_value(json_object_get(doc, "applicant"))))
		return bad(why, len, "reason or applicant: missing, or not clean text");
	if (!form_ok(json_string_value(json_object_get(doc, "created")), "dddd-dd-ddTdd:dd:ddZ"))
		return bad(why, len, "created: not YYYY-MM-DDTHH:MM:SSZ");
	if (!null_or(json_object_get(doc, "until"), date_ok))
		return bad(why, len, "until: not YYYY-MM-DD or null");
	if (!null_or(json_object_get(doc, "contractor"), text_ok))
		return bad(why, len, "contractor: not clean text or null");
	return 0;
}

json_t *request_new(const struct request_fields *f, char id[37])
{
	struct timespec now;
	char stamp[32];
	struct tm tm;
	json_t *doc;

	if (!f->created)
		clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(f->created ? &f->created->tv_sec : &now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	secmem_uuid(id);
	doc = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?}", "format", REQUEST_FORMAT,
			"id", id, "kind",
			request_kind_name(f->kind) ? request_kind_name(f->kind) : "", "created",
			stamp, "asset_tag", f->asset_tag, "reason", f->reason, "applicant",
			f->applicant, "until", f->until, "contractor", f->contractor);
	if (!doc) {
		errno = ENOMEM;
		return NULL;
	}
	if (request_check(doc, NULL, 0)) {
		json_decref(doc);
		errno = EINVAL;
		return NULL;
	}
	return doc;
}

char *request_sig_path(const char *path, enum cert_role role, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s.%s.%s", path,
		     role == CERT_ROLE_OPERATOR ? REQUEST_APPLICANT : cert_role_name(role),
		     ext) < 0)
		return NULL;
	return p;
}

int request_read_sigs(const char *path, struct cert_sigs *sigs)
{
	static const char *const ext[] = { "minisig", "p7s" };

	memset(sigs, 0, sizeof(*sigs));
	for (int role = 0; role < CERT_NROLES; role++) {
		int r = -ENOENT;

		for (int k = 0; k < 2 && r == -ENOENT; k++) {
			char *p = request_sig_path(path, (enum cert_role)role, ext[k]),
			     *text = NULL;

			if (!p)
				goto nomem;
			r = file_read(p, CERT_FILE_MAX, &text, &sigs->len[role]);
			free(p);
			if (r && r != -ENOENT && !(text = strdup("")))
				goto nomem;
			sigs->text[role] = text;
			sigs->cms[role] = k == 1;
		}
	}
	return 0;
nomem:
	cert_sigs_free(sigs);
	return -ENOMEM;
}

static int verdict(struct cert_verification *v, enum cert_verdict what, const char *why)
{
	v->verdict = what;
	snprintf(v->why, sizeof(v->why), "%s", why);
	return 0;
}

/* the applicant and the approver are one person: one key, or one name (Art. 6) */
static bool same_person(const struct cert_verification *v, const struct cert_sig_check *ap)
{
	const struct cert_sig_check *op = &v->sig[CERT_ROLE_OPERATOR];
	const char *named = json_string_value(json_object_get(v->doc, "applicant"));

	return !strcmp(op->key_id, ap->key_id) || (op->fpr[0] && !strcmp(op->fpr, ap->fpr)) ||
	       text_name_same(op->name, ap->name) || (named && text_name_same(named, ap->name));
}

bool request_is_self_approval(const struct cert_verification *v, const struct cert_signer *s)
{
	struct cert_sig_check ap = { 0 };

	snprintf(ap.key_id, sizeof(ap.key_id), "%s", cert_signer_key_id(s));
	snprintf(ap.fpr, sizeof(ap.fpr), "%s", cert_signer_fingerprint(s));
	snprintf(ap.name, sizeof(ap.name), "%s", cert_signer_name(s));
	return same_person(v, &ap);
}

static int check_approval(struct cert_verification *v, const void *buf, size_t len,
			  const struct cert_sigs *sigs, const struct cert_trust *t, unsigned flags)
{
	struct cert_sig_check *ap = &v->sig[CERT_ROLE_APPROVER];
	int r;

	if (!sigs->text[CERT_ROLE_APPROVER])
		return flags & CERT_REQUIRE_APPROVAL ?
			       verdict(v, CERT_NOT_APPROVED, "not approved") :
			       0;
	r = cert_check_sig_text(sigs->text[CERT_ROLE_APPROVER], sigs->len[CERT_ROLE_APPROVER],
				sigs->cms[CERT_ROLE_APPROVER], buf, len, v->id, CERT_ROLE_APPROVER,
				t, ap);
	if (r == -ENOMEM)
		return r;
	if (r)
		return verdict(v, r == -EACCES ? CERT_UNTRUSTED : CERT_BAD_SIGNATURE, ap->why);
	if (same_person(v, ap) && !ap->self_approval) {
		char why[sizeof(v->why)];

		snprintf(why, sizeof(why),
			 "approved by %.200s, who applied for it, without a recorded exception "
			 "(Art. 6)",
			 ap->name);
		return verdict(v, CERT_NOT_APPROVED, why);
	}
	v->approved = true;
	v->self_approved = same_person(v, ap);
	return 0;
}

int request_verify_mem(const void *buf, size_t len, const struct cert_sigs *sigs,
		       const struct cert_trust *t, unsigned flags, struct cert_verification *out)
{
	struct cert_sig_check *op = &out->sig[CERT_ROLE_OPERATOR];
	const char *s;
	int r;

	r = cert_verdict_canonical(buf, len, out);
	if (r || out->verdict)
		return r;
	if (request_check(out->doc, out->why, sizeof(out->why))) {
		out->verdict = CERT_MALFORMED;
		return 0;
	}
	snprintf(out->id, sizeof(out->id), "%s",
		 json_string_value(json_object_get(out->doc, "id")));
	if (!sigs->text[CERT_ROLE_OPERATOR])
		return verdict(out, CERT_BAD_SIGNATURE, "no applicant signature");
	r = cert_check_sig_text(sigs->text[CERT_ROLE_OPERATOR], sigs->len[CERT_ROLE_OPERATOR],
				sigs->cms[CERT_ROLE_OPERATOR], buf, len, out->id,
				CERT_ROLE_OPERATOR, t, op);
	if (r == -ENOMEM)
		return r;
	if (r)
		return verdict(out, r == -EACCES ? CERT_UNTRUSTED : CERT_BAD_SIGNATURE, op->why);
	s = json_string_value(json_object_get(out->doc, "applicant"));
	if (!text_name_same(s, op->name))
		return verdict(out, CERT_BAD_SIGNATURE,
			       "the request names another applicant than its signer");
	return check_approval(out, buf, len, sigs, t, flags);
}

int request_approve_mem(const struct cert_approval *a, const struct cert_signer *s,
			const struct cert_trust *t, struct cert_verification *check,
			char **sig_path)
{
	struct outfile of = { .fd = -1, .dirfd = -1 };
	struct cert_sigs sigs = *a->sigs;
	size_t siglen = 0;
	void *sig = NULL;
	int r;

	memset(check, 0, sizeof(*check));
	*sig_path = request_sig_path(a->path, CERT_ROLE_APPROVER, cert_signer_ext(s));
	r = *sig_path ? outfile_reserve(&of, *sig_path, 4096, a->replace ? OUTFILE_REPLACE : 0) :
			-ENOMEM;
	/* the bytes that were verified are the bytes signed: the file is not read again */
	if (!r)
		r = cert_sign(s, a->doc, a->len, a->id, CERT_ROLE_APPROVER, a->reason, &sig,
			      &siglen);
	if (!r) {
		sigs.text[CERT_ROLE_APPROVER] = sig;
		sigs.len[CERT_ROLE_APPROVER] = siglen;
		sigs.cms[CERT_ROLE_APPROVER] = !strcmp(cert_signer_ext(s), "p7s");
		r = request_verify_mem(a->doc, a->len, &sigs, t, CERT_REQUIRE_APPROVAL, check);
		if (!r && check->verdict != CERT_VALID)
			r = -EACCES;
	}
	if (!r)
		r = outfile_commit(&of, sig, siglen);
	outfile_release(&of);
	free(sig);
	return r;
}
