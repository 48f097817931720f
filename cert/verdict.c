// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "file.h"
#include "jcs.h"
#include "text.h"
#include "verdict.h"

const char *cert_verdict_name(enum cert_verdict v)
{
	static const char *const names[] = {
		"valid", "malformed", "bad-signature", "untrusted", "not-approved", "not-erased",
	};

	return v <= CERT_NOT_ERASED ? names[v] : "unknown";
}

int cert_verdict_set(struct cert_verification *v, enum cert_verdict what, const char *fmt, ...)
{
	va_list ap;

	v->verdict = what;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
	return 0;
}

static enum cert_verdict sig_verdict(int err)
{
	return err == -EACCES ? CERT_UNTRUSTED : CERT_BAD_SIGNATURE;
}

bool cert_approver_is_operator(const struct cert_verification *v, const struct cert_sig_check *ap)
{
	const struct cert_sig_check *op = &v->sig[CERT_ROLE_OPERATOR];
	const char *witness = cert_get_string(v->doc, "witness.name");
	const char *named = cert_get_string(v->doc, "operator.name");

	/* X.509 signers have no fingerprint here: their key id is their name's */
	return !strcmp(op->key_id, ap->key_id) || (op->fpr[0] && !strcmp(op->fpr, ap->fpr)) ||
	       text_name_same(op->name, ap->name) || (named && text_name_same(named, ap->name)) ||
	       (witness && text_name_same(witness, ap->name));
}

static bool same_person(const struct cert_verification *v)
{
	return cert_approver_is_operator(v, &v->sig[CERT_ROLE_APPROVER]);
}

/* a retired key's signature that still counts: say so, and by whose clock it came first */
static void note_retired(struct cert_verification *v, enum cert_role role, int64_t at)
{
	const struct cert_sig_check *s = &v->sig[role];
	size_t n = strlen(v->note);

	if (!s->retired[0])
		return;
	snprintf(v->note + n, sizeof(v->note) - n, "%s%s key %s (%.60s) retired on %s; %s%s",
		 n ? "; " : "", cert_role_name(role), s->fpr, s->name, s->retired,
		 at ? "recorded before it" : "signed ", at ? "" : s->time);
	n = strlen(v->note);
	if (!at)
		snprintf(v->note + n, sizeof(v->note) - n, " (the signer's own claim)");
}

static int check_approval(struct cert_verification *v, const void *buf, size_t len,
			  const struct cert_sigs *sigs, const struct cert_trust *t, unsigned flags,
			  int64_t at)
{
	struct cert_sig_check *ap = &v->sig[CERT_ROLE_APPROVER];
	int r;

	if (!sigs->text[CERT_ROLE_APPROVER]) {
		if (flags & CERT_REQUIRE_APPROVAL)
			return cert_verdict_set(v, CERT_NOT_APPROVED, "not approved");
		return 0;
	}
	r = cert_check_sig_at(sigs->text[CERT_ROLE_APPROVER], sigs->len[CERT_ROLE_APPROVER],
			      sigs->cms[CERT_ROLE_APPROVER], buf, len, v->id, CERT_ROLE_APPROVER, t,
			      at, ap);
	if (r == -ENOMEM)
		return r;
	if (r)
		return cert_verdict_set(v, sig_verdict(r), "%s", ap->why);
	if (same_person(v) && !ap->self_approval)
		return cert_verdict_set(
			v, CERT_NOT_APPROVED,
			"approved by %s, who is the operator or the witness, without a "
			"recorded exception (Art. 6)",
			ap->name);
	v->approved = true;
	v->self_approved = same_person(v);
	note_retired(v, CERT_ROLE_APPROVER, at);
	return 0;
}

int cert_verdict_canonical(const void *buf, size_t len, struct cert_verification *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = jcs_is_canonical(buf, len, &out->doc);
	if (r == -ENOMEM)
		return r;
	if (r)
		return cert_verdict_set(out, CERT_MALFORMED, "%s",
					r == -EBADMSG ? "not JSON" :
							"not in canonical (RFC 8785) form");
	return 0;
}

int cert_verify_mem(const void *buf, size_t len, const struct cert_sigs *sigs,
		    const struct cert_trust *t, unsigned flags, struct cert_verification *out)
{
	return cert_verify_mem_at(buf, len, sigs, t, flags, 0, out);
}

int cert_verify_mem_at(const void *buf, size_t len, const struct cert_sigs *sigs,
		       const struct cert_trust *t, unsigned flags, int64_t at,
		       struct cert_verification *out)
{
	struct cert_sig_check *op = &out->sig[CERT_ROLE_OPERATOR];
	const char *id, *result;
	int r;

	r = cert_verdict_canonical(buf, len, out);
	if (r || out->verdict)
		return r;
	/* cert_check() writes its reason where the verdict keeps it */
	if (cert_check(out->doc, out->why, sizeof(out->why))) {
		out->verdict = CERT_MALFORMED;
		return 0;
	}
	id = cert_get_string(out->doc, "id");
	snprintf(out->id, sizeof(out->id), "%s", id ? id : "");
	if (!sigs->text[CERT_ROLE_OPERATOR])
		return cert_verdict_set(out, CERT_BAD_SIGNATURE, "no operator signature");
	r = cert_check_sig_at(sigs->text[CERT_ROLE_OPERATOR], sigs->len[CERT_ROLE_OPERATOR],
			      sigs->cms[CERT_ROLE_OPERATOR], buf, len, out->id, CERT_ROLE_OPERATOR,
			      t, at, op);
	if (r == -ENOMEM)
		return r;
	if (r)
		return cert_verdict_set(out, sig_verdict(r), "%s", op->why);
	/* the operator a certificate names is the one who signed it */
	id = cert_get_string(out->doc, "operator.name");
	if (id && !text_name_same(id, op->name))
		return cert_verdict_set(
			out, CERT_BAD_SIGNATURE,
			"the certificate names operator %.100s, its signature is by %.100s", id,
			op->name);
	note_retired(out, CERT_ROLE_OPERATOR, at);
	r = check_approval(out, buf, len, sigs, t, flags, at);
	if (r || out->verdict)
		return r;
	result = cert_get_string(out->doc, "result");
	if (!result || strcmp(result, "success"))
		return cert_verdict_set(out, CERT_NOT_ERASED, "the erasure's result is %s",
					result ? result : "missing");
	return 0;
}

/* One role's sidecar: .minisig, else .p7s; an unreadable one counts as not verifying. */
static int read_sig(const char *path, enum cert_role role, struct cert_sigs *sigs)
{
	static const char *const ext[] = { "minisig", "p7s" };
	int r = -ENOENT;

	for (int k = 0; k < 2 && r == -ENOENT; k++) {
		char *p = cert_sig_path(path, role, ext[k]), *text = NULL;

		if (!p)
			return -ENOMEM;
		r = file_read(p, CERT_FILE_MAX, &text, &sigs->len[role]);
		free(p);
		if (r && r != -ENOENT && !(text = strdup("")))
			return -ENOMEM;
		sigs->text[role] = text;
		sigs->cms[role] = k == 1;
	}
	return 0;
}

int cert_read_sigs(const char *path, struct cert_sigs *sigs)
{
	memset(sigs, 0, sizeof(*sigs));
	for (int i = 0; i < CERT_NROLES; i++)
		if (read_sig(path, (enum cert_role)i, sigs)) {
			cert_sigs_free(sigs);
			return -ENOMEM;
		}
	return 0;
}

void cert_sigs_free(struct cert_sigs *sigs)
{
	for (int i = 0; i < CERT_NROLES; i++)
		free((char *)sigs->text[i]);
	memset(sigs, 0, sizeof(*sigs));
}

int cert_verify_file(const char *path, const struct cert_trust *t, unsigned flags,
		     struct cert_verification *out)
{
	struct cert_sigs sigs;
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	r = file_read(path, CERT_FILE_MAX, &buf, &len);
	if (r)
		return r;
	r = cert_read_sigs(path, &sigs);
	if (!r)
		r = cert_verify_mem(buf, len, &sigs, t, flags, out);
	cert_sigs_free(&sigs);
	free(buf);
	return r;
}

void cert_verification_free(struct cert_verification *v)
{
	json_decref(v->doc);
	v->doc = NULL;
}
