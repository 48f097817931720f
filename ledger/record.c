// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the ledger records: a certificate file with the signature sidecars
 * next to it, judged against the trust store by cert/ before it is added.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "asset.h"
#include "cert/cert.h"
#include "cert/machine_summary.h"
#include "ledger.h"
#include "cert/verdict.h"
#include "file.h"

/* certificates are a few KiB, signatures (CMS with its chain) a few more */
#define CERT_MAX (1u << 20)
#define SIDECAR_MAX (64u << 10)

const char *const ledger_sidecar_names[LEDGER_NSIDECARS] = {
	"operator.minisig",
	"approver.minisig",
	"operator.p7s",
	"approver.p7s",
};

void ledger_cert_free(struct ledger_cert *c)
{
	for (size_t i = 0; i < c->sigs.n; i++)
		free((void *)c->sig[i].data);
	free(c->data);
	free(c->failed);
	memset(c, 0, sizeof(*c));
}

/* PATH.EXT into the next sidecar slot as @name. Return: 0, -ENOENT, or as file_read() */
static int load_sidecar(const char *path, const char *ext, const char *name,
			struct ledger_cert *out)
{
	struct ledger_sig *s = &out->sig[out->sigs.n];
	char *side, *data;
	size_t len;
	int r;

	if (asprintf(&side, "%s.%s", path, ext) < 0)
		return -ENOMEM;
	r = file_read(side, SIDECAR_MAX, &data, &len);
	if (r < 0 && r != -ENOENT) {
		out->failed = side;
		return r;
	}
	free(side);
	if (r < 0)
		return r;
	s->name = name;
	s->data = data;
	s->len = len;
	out->sigs.n++;
	return 0;
}

/* A machine summary's one signature is its operator's, next to it as the station writes it. */
static bool machine_summary(const struct ledger_cert *c)
{
	json_t *doc = json_loadb(c->data, c->len, 0, NULL);
	const char *format = json_string_value(json_object_get(doc, "format"));
	bool is = format && !strcmp(format, CERT_MACHINE_FORMAT);

	json_decref(doc);
	return is;
}

int ledger_cert_load(const char *path, struct ledger_cert *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->sigs.sig = out->sig;
	r = file_read(path, CERT_MAX, &out->data, &out->len);
	if (r < 0) {
		out->failed = strdup(path);
		return out->failed ? r : -ENOMEM;
	}
	if (machine_summary(out)) {
		r = load_sidecar(path, "minisig", "operator.minisig", out);
		if (r == -ENOENT)
			r = load_sidecar(path, "p7s", "operator.p7s", out);
		return r == -ENOENT ? 0 : r;
	}
	for (size_t i = 0; i < LEDGER_NSIDECARS; i++) {
		r = load_sidecar(path, ledger_sidecar_names[i], ledger_sidecar_names[i], out);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

/* A ledger row's sidecars by name ("operator.minisig", "approver.p7s") as cert_sigs. */
static void row_sigs(const struct ledger_sigs *sigs, struct cert_sigs *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sigs->n; i++)
		for (int role = 0; role < CERT_NROLES; role++) {
			const char *name = sigs->sig[i].name, *r = cert_role_name(role);
			size_t n = strlen(r);

			if (strncmp(name, r, n) || name[n] != '.')
				continue;
			out->text[role] = sigs->sig[i].data;
			out->len[role] = sigs->sig[i].len;
			out->cms[role] = !strcmp(name + n + 1, "p7s");
		}
}

/* The minisign signers' fingerprints, for naming them when their keys have left the store. */
static void signers_of(const struct cert_verification *cv, char *out, size_t len)
{
	json_t *o = json_object();
	char *text = NULL;

	for (int role = 0; o && role < CERT_NROLES; role++)
		if (cv->sig[role].fpr[0] && (role == CERT_ROLE_OPERATOR || cv->approved))
			json_object_set_new(o, cert_role_name(role),
					    json_string(cv->sig[role].fpr));
	text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	snprintf(out, len, "%s", text && strlen(text) < len ? text : "{}");
	free(text);
	json_decref(o);
}

/*
 * Who is no longer trusted: a key gone from the store is named by what its
 * signature says and by the fingerprint recorded with the row (the key
 * that would give it is gone); another reason, in the verdict's words.
 */
static void untrusted_why(const struct cert_verification *cv, struct ledger_verdict *v)
{
	/* being added: it never was trusted, and the verdict's own words say so */
	for (int role = 0; v->recorded_signers && role < CERT_NROLES; role++) {
		const struct cert_sig_check *s = &cv->sig[role];
		json_t *rec = v->recorded_signers ? json_loads(v->recorded_signers, 0, NULL) : NULL;
		const char *fpr = json_string_value(json_object_get(rec, cert_role_name(role)));

		if (s->gone)
			snprintf(v->why, sizeof(v->why),
				 "signer %.80s (%s %s) no longer in the trust store (%s signature)",
				 s->signed_name[0] ? s->signed_name : "-",
				 fpr ? "fingerprint" : "key id", fpr ? fpr : s->key_id,
				 cert_role_name(role));
		json_decref(rec);
		if (s->gone)
			return;
	}
	snprintf(v->why, sizeof(v->why), "untrusted: %.230s", cv->why);
}

/*
 * A contractor's certificate counts only for an asset handed to them (Art. 5,
 * 120-122): ledger add asks the register; ledger verify, the register as the
 * events before the row left it, where a certificate that no hand-over
 * allowed is a row kesu would not have recorded (-EPERM: the chain is
 * broken, not a trust that changed).
 */
static int contractor_hook(struct ledger_trust *t, const struct cert_verification *cv,
			   const void *cert, size_t len, struct ledger_verdict *v)
{
	const struct cert_sig_check *op = &cv->sig[CERT_ROLE_OPERATOR];
	const char *tag;
	json_t *doc;
	int r;

	if ((!t->contractor_ledger && !v->assets) || !op->contractor)
		return 0;
	doc = json_loadb(cert, len, 0, NULL);
	if (!doc)
		return -ENOMEM;
	tag = cert_get_string(doc, "media.asset_tag");
	if (t->contractor_ledger)
		r = asset_contractor_check(t->contractor_ledger, tag, op->name, v->why,
					   sizeof(v->why));
	else if ((r = asset_contractor_allows(v->assets, tag, op->name, v->why, sizeof(v->why))) ==
		 -EACCES)
		r = -EPERM;
	json_decref(doc);
	if (r == -EACCES || r == -EPERM)
		t->verdict = CERT_UNTRUSTED;
	return r;
}

/* The one signature of an inspection record: "inspector.minisig" or "inspector.p7s". */
static const struct ledger_sig *inspector_sig(const struct ledger_sigs *sigs, bool *cms)
{
	const char *role = cert_role_name(CERT_ROLE_INSPECTOR);
	size_t n = strlen(role);

	if (sigs->n != 1 || strncmp(sigs->sig[0].name, role, n) || sigs->sig[0].name[n] != '.')
		return NULL;
	*cms = !strcmp(sigs->sig[0].name + n + 1, "p7s");
	return *cms || !strcmp(sigs->sig[0].name + n + 1, "minisig") ? &sigs->sig[0] : NULL;
}

/*
 * Signed as operator, which inspections were before the inspector role: the
 * signature is sound, its signer is not trusted to inspect (-EACCES), as a
 * certificate's signer trusted for another role is not.
 */
static int signed_as_operator(const struct ledger_sig *s, bool cms, const void *doc, size_t len,
			      const char *id, const struct ledger_trust *t,
			      struct ledger_verdict *v)
{
	struct cert_sig_check c = { 0 };

	if (cert_check_sig_at(s->data, s->len, cms, doc, len, id, CERT_ROLE_OPERATOR, t->trust,
			      v->recorded, &c))
		return -EKEYREJECTED;
	snprintf(v->why, sizeof(v->why),
		 "untrusted: signed as operator by %.100s (key %s): an inspection needs a key "
		 "trusted as inspector",
		 c.name, c.fpr[0] ? c.fpr : c.key_id);
	return -EACCES;
}

/* An inspection record (Art. 44-46): its inspector's signature, judged as a certificate's. */
static int inspection_verdict(const void *doc, size_t len, const struct ledger_sigs *sigs,
			      struct ledger_verdict *v)
{
	struct ledger_trust *t = v->usr;
	struct cert_sig_check c = { 0 };
	const struct ledger_sig *s = NULL;
	json_t *d = json_loadb(doc, len, 0, NULL);
	const char *id = json_string_value(json_object_get(d, "id"));
	const char *fpr =
		json_string_value(json_object_get(json_object_get(d, "inspector"), "fingerprint"));
	bool cms = false;
	int r = -EBADMSG;

	if (!d || !id)
		snprintf(v->why, sizeof(v->why), "malformed: not an inspection record");
	else if (!(s = inspector_sig(sigs, &cms)))
		snprintf(v->why, sizeof(v->why), "bad-signature: no inspector signature");
	else
		r = cert_check_sig_at(s->data, s->len, cms, doc, len, id, CERT_ROLE_INSPECTOR,
				      t->trust, v->recorded, &c);
	if (r == -EKEYREJECTED && signed_as_operator(s, cms, doc, len, id, t, v) == -EACCES)
		r = -EACCES;
	else if (r == -EACCES && c.gone)
		snprintf(v->why, sizeof(v->why),
			 "signer %.80s (%s %.64s) no longer in the trust store (inspector "
			 "signature)",
			 c.signed_name[0] ? c.signed_name : "-", fpr ? "fingerprint" : "key id",
			 fpr ? fpr : c.key_id);
	else if (r && r != -ENOMEM && !v->why[0])
		snprintf(v->why, sizeof(v->why), "%s: %.200s",
			 r == -EACCES ? "untrusted" : "bad-signature", c.why);
	t->verdict = !r ? CERT_VALID : r == -EACCES ? CERT_UNTRUSTED : CERT_BAD_SIGNATURE;
	json_decref(d);
	return r;
}

/* A machine summary (kesu-machine/1): its one signature, the operator's, as kesu cert verify. */
static int machine_verdict(const void *doc, size_t len, const struct ledger_sigs *sigs,
			   struct ledger_verdict *v)
{
	struct ledger_trust *t = v->usr;
	struct cert_verification cv;
	struct cert_sigs cs;
	int r;

	row_sigs(sigs, &cs);
	if (sigs->n > 1 || (sigs->n && !cs.text[CERT_ROLE_OPERATOR])) {
		snprintf(v->why, sizeof(v->why),
			 "bad-signature: a machine summary has one "
			 "signature, its operator's");
		t->verdict = CERT_BAD_SIGNATURE;
		return -EKEYREJECTED;
	}
	r = cert_machine_verify_mem(doc, len, cs.text[CERT_ROLE_OPERATOR],
				    cs.len[CERT_ROLE_OPERATOR], cs.cms[CERT_ROLE_OPERATOR],
				    t->trust, &cv);
	if (r)
		return r;
	t->verdict = cv.verdict == CERT_NOT_ERASED ? CERT_VALID : cv.verdict;
	if (cv.verdict == CERT_VALID || cv.verdict == CERT_NOT_ERASED)
		signers_of(&cv, v->signers, sizeof(v->signers));
	else
		snprintf(v->why, sizeof(v->why), "%s: %.200s", cert_verdict_name(cv.verdict),
			 cv.why);
	r = t->verdict == CERT_VALID	 ? 0 :
	    t->verdict == CERT_UNTRUSTED ? -EACCES :
	    t->verdict == CERT_MALFORMED ? -EBADMSG :
					   -EKEYREJECTED;
	cert_verification_free(&cv);
	return r;
}

int ledger_cert_verdict(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	struct ledger_verdict *v = usr;
	struct ledger_trust *t = v->usr;
	struct cert_verification cv;
	struct cert_sigs cs;
	int r;

	if (v->kind == LEDGER_KIND_INSPECTION)
		return inspection_verdict(cert, len, sigs, v);
	if (v->kind == LEDGER_KIND_MACHINE_SUMMARY)
		return machine_verdict(cert, len, sigs, v);
	t->verdict = CERT_VALID;
	row_sigs(sigs, &cs);
	r = cert_verify_mem_at(cert, len, &cs, t->trust, 0, v->recorded, &cv);
	if (r)
		return r;
	if (cv.verdict == CERT_UNTRUSTED) {
		untrusted_why(&cv, v);
		t->verdict = cv.verdict;
		r = -EACCES;
	} else if (cv.verdict != CERT_VALID && cv.verdict != CERT_NOT_ERASED) {
		snprintf(v->why, sizeof(v->why), "%s: %.200s", cert_verdict_name(cv.verdict),
			 cv.why);
		t->verdict = cv.verdict;
		r = cv.verdict == CERT_MALFORMED ? -EBADMSG : -EKEYREJECTED;
	} else {
		if (cv.approved) {
			snprintf(v->approver, sizeof(v->approver), "%.255s",
				 cv.sig[CERT_ROLE_APPROVER].name);
			v->self_approved = cv.self_approved;
		}
		signers_of(&cv, v->signers, sizeof(v->signers));
		r = contractor_hook(t, &cv, cert, len, v);
	}
	cert_verification_free(&cv);
	return r;
}
