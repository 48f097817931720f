// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert show: whether the signatures next to a certificate verify, as
 * kesu cert verify judges them (cert/verdict.h), for the rows of the page.
 * Each role is checked on its own, so that a bad operator signature does
 * not hide who approved; the verdict line is cert verify's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert/cert.h"
#include "cert/verdict.h"
#include "certsign.h"
#include "conffile.h"
#include "kesu.h"
#include "src/cert_show.h"

int cert_show_trust(const char *dir, const char *ca, struct cert_trust **t)
{
	*t = NULL;
	/* nothing named and nothing installed: show the certificate, its signatures unchecked */
	if (!dir && !ca && !ui_config()->trust_dir.line && access(TRUST_DIR, F_OK))
		return 0;
	return certsign_trust(dir, ca, t);
}

/* "valid (Test Operator, signed 2026-11-25T09:12:04Z)", "does not verify (REASON)", ... */
static char *role_text(const struct cert_sigs *sigs, const struct cert_trust *t, int r,
		       const struct cert_sig_check *c, enum cert_role role, enum cert_lang lang)
{
	bool ja = lang == CERT_LANG_JA;
	char *s = NULL;
	int n;

	if (!sigs->text[role])
		n = asprintf(&s, "%s",
			     role == CERT_ROLE_APPROVER ? (ja ? "未承認" : "not approved") :
							  (ja ? "なし" : "missing"));
	else if (!t)
		n = asprintf(&s, "%s",
			     ja ? "未確認(トラストストアなし)" : "not checked: no trust store");
	else if (!r)
		n = asprintf(&s, ja ? "有効(%s、署名日時 %s%s%s)" : "valid (%s, signed %s%s%s)",
			     c->name, c->time,
			     c->self_approval ? (ja ? "、自己承認: " : ", self-approval: ") : "",
			     c->self_approval ? c->self_reason : "");
	else
		n = asprintf(&s, "%s (%s)",
			     r == -EACCES ? (ja ? "信頼されていない鍵" : "not trusted") :
					    (ja ? "検証失敗" : "does not verify"),
			     c->why[0] ? c->why : (ja ? "理由不明" : "no reason given"));
	return n < 0 ? NULL : s;
}

/* cert verify's verdict: "valid", or "not-approved: approved by ..., who is the operator" */
static char *verdict_text(const struct cert_verification *v, const struct cert_trust *t,
			  enum cert_lang lang)
{
	char *s = NULL;
	int n;

	if (!t)
		n = asprintf(&s, "%s",
			     lang == CERT_LANG_JA ? "未確認(トラストストアなし)" :
						    "not checked: no trust store");
	else if (v->verdict == CERT_VALID)
		n = asprintf(&s, "%s", cert_verdict_name(v->verdict));
	else
		n = asprintf(&s, "%s: %s", cert_verdict_name(v->verdict),
			     v->why[0] ? v->why : "no reason given");
	return n < 0 ? NULL : s;
}

int cert_show_sigs(const char *path, const void *buf, size_t len, const struct cert_trust *t,
		   enum cert_lang lang, struct cert_show_sig *out)
{
	struct cert_sig_check c[CERT_NROLES];
	struct cert_verification v = { 0 };
	struct cert_sigs sigs;
	const char *id;
	int r;

	memset(out, 0, sizeof(*out));
	r = cert_read_sigs(path, &sigs);
	if (r)
		return r;
	r = cert_verify_mem(buf, len, &sigs, t, 0, &v);
	id = v.doc ? cert_get_string(v.doc, "id") : NULL;
	for (int i = 0; !r && i < CERT_NROLES; i++) {
		int e = 0;

		memset(&c[i], 0, sizeof(c[i]));
		if (sigs.text[i] && t)
			e = cert_check_sig_text(sigs.text[i], sigs.len[i], sigs.cms[i], buf, len,
						id ? id : "", (enum cert_role)i, t, &c[i]);
		if (e == -ENOMEM)
			r = e;
		else if (!(out->status[i] = role_text(&sigs, t, e, &c[i], (enum cert_role)i, lang)))
			r = -ENOMEM;
		else if (i == CERT_ROLE_APPROVER && !e && sigs.text[i] && t &&
			 !(out->approver = strdup(c[i].name)))
			r = -ENOMEM;
	}
	if (!r && !(out->verdict = verdict_text(&v, t, lang)))
		r = -ENOMEM;
	cert_verification_free(&v);
	cert_sigs_free(&sigs);
	if (r)
		cert_show_sig_free(out);
	return r;
}

void cert_show_sig_free(struct cert_show_sig *s)
{
	for (int i = 0; i < CERT_NROLES; i++)
		free(s->status[i]);
	free(s->approver);
	free(s->verdict);
	memset(s, 0, sizeof(*s));
}
