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
	for (size_t i = 0; i < LEDGER_NSIDECARS; i++) {
		struct ledger_sig *s = &out->sig[out->sigs.n];
		char *side, *data;
		size_t len;

		if (asprintf(&side, "%s.%s", path, ledger_sidecar_names[i]) < 0)
			return -ENOMEM;
		r = file_read(side, SIDECAR_MAX, &data, &len);
		if (r == -ENOENT) {
			free(side);
			continue;
		}
		if (r < 0) {
			out->failed = side;
			return r;
		}
		free(side);
		s->name = ledger_sidecar_names[i];
		s->data = data;
		s->len = len;
		out->sigs.n++;
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

int ledger_cert_verdict(const void *cert, size_t len, const struct ledger_sigs *sigs, void *usr)
{
	struct ledger_verdict *v = usr;
	struct ledger_trust *t = v->usr;
	struct cert_verification cv;
	struct cert_sigs cs;
	int r;

	t->verdict = CERT_VALID;
	row_sigs(sigs, &cs);
	r = cert_verify_mem(cert, len, &cs, t->trust, 0, &cv);
	if (r)
		return r;
	if (cv.verdict != CERT_VALID && cv.verdict != CERT_NOT_ERASED) {
		snprintf(v->why, sizeof(v->why), "%s: %.200s", cert_verdict_name(cv.verdict),
			 cv.why);
		t->verdict = cv.verdict;
		r = cv.verdict == CERT_MALFORMED ? -EBADMSG : -EKEYREJECTED;
	} else if (cv.approved) {
		snprintf(v->approver, sizeof(v->approver), "%.255s",
			 cv.sig[CERT_ROLE_APPROVER].name);
		v->self_approved = cv.self_approved;
	}
	cert_verification_free(&cv);
	return r;
}
