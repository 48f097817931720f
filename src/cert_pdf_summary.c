// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert pdf --machine SUMMARY.json: the machine's document made from
 * the summary a wiping station signed (kesu-machine/1). The summary is
 * verified through the trust store first, then every certificate it lists,
 * found by its id (in --dir, beside the summary, or among those named), as
 * kesu cert verify --dir checks them: present, valid, and that drive's. The
 * summary and its signature are attached with the certificates, and the
 * document information states the SHA-256 of each, under the PDF's
 * signature.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "cert/machine_summary.h"
#include "cert/pdf.h"
#include "cert/verdict.h"
#include "cert_pdf.h"
#include "cert_verify.h"
#include "certsign.h"
#include "file.h"
#include "kesu.h"
#include "outfile.h"

struct summary {
	char *sum, *sig; /* the summary and its signature, as read */
	size_t sum_len, sig_len;
	bool cms;
	char sig_name[PATH_MAX];
	struct cert_trust *t;
	struct cert_verification sv;
	int n; /* certificates, in the summary's order */
	char path[CERT_PDF_MACHINE_MAX][PATH_MAX];
	char *buf[CERT_PDF_MACHINE_MAX];
	json_t *doc[CERT_PDF_MACHINE_MAX];
	struct cert_sigs sigs[CERT_PDF_MACHINE_MAX];
	struct cert_verification v[CERT_PDF_MACHINE_MAX];
	struct cert_pdf_machine_cert c[CERT_PDF_MACHINE_MAX];
	struct cert_pdf_files files;
};

static void summary_free(struct summary *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->buf[i]);
		json_decref(m->doc[i]);
		cert_sigs_free(&m->sigs[i]);
		cert_verification_free(&m->v[i]);
	}
	cert_verification_free(&m->sv);
	cert_trust_free(m->t);
	free(m->sum);
	free(m->sig);
	free(m);
}

/* the summary and its signature (SUMMARY.minisig, else SUMMARY.p7s), verified */
static int summary_load(const struct pdf_opts *o, struct summary *m)
{
	const char *path = o->certs[0];
	int r = file_read(path, CERT_FILE_MAX, &m->sum, &m->sum_len), code;

	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	for (int k = 0; k < 2 && !m->sig; k++) {
		m->cms = k;
		snprintf(m->sig_name, sizeof(m->sig_name), "%s.%s", path, k ? "p7s" : "minisig");
		if (file_read(m->sig_name, CERT_FILE_MAX, &m->sig, &m->sig_len))
			m->sig = NULL;
	}
	code = certsign_trust(o->trust, o->trust_ca, &m->t);
	if (code)
		return code;
	r = cert_machine_verify_mem(m->sum, m->sum_len, m->sig, m->sig_len, m->cms, m->t, &m->sv);
	if (r)
		return ui_exit(r, UI_CTX_CERT);
	/* a machine not every drive of which was erased still gets its document, marked so */
	if (m->sv.verdict != CERT_VALID && m->sv.verdict != CERT_NOT_ERASED) {
		ui_err("%s: %s: %s", ui_safe(path), cert_verdict_name(m->sv.verdict),
		       ui_safe(m->sv.why));
		return cert_cli_verdict_exit(m->sv.verdict);
	}
	if (!json_array_size(json_object_get(m->sv.doc, "drives"))) {
		ui_err("%s: the summary lists no drive", ui_safe(path));
		return KESU_EXIT_MALFORMED;
	}
	return 0;
}

/* the certificate @id among those named after the summary */
static int named_cert(const struct pdf_opts *o, const char *id, char *path)
{
	for (int i = 1; i < o->ncerts; i++) {
		char *buf = NULL;
		size_t len = 0;
		json_t *doc;
		bool yes;

		if (file_read(o->certs[i], CERT_FILE_MAX, &buf, &len))
			continue;
		doc = json_loadb(buf, len, 0, NULL);
		yes = cert_get_string(doc, "id") && !strcmp(cert_get_string(doc, "id"), id);
		json_decref(doc);
		free(buf);
		if (yes) {
			snprintf(path, PATH_MAX, "%s", o->certs[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/* where the certificate @id is: among those named, else in --dir or beside the summary */
static int locate(const struct pdf_opts *o, const char *id, char *path)
{
	char *copy, *dir;
	int r;

	if (o->ncerts > 1)
		return named_cert(o, id, path);
	if (o->dir)
		return cert_cli_find_cert(o->dir, id, path);
	copy = strdup(o->certs[0]);
	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	r = cert_cli_find_cert(dir, id, path);
	free(copy);
	return r;
}

/* the certificate of the summary's drive @d at @path: valid (erased or not) and that drive's */
static int drive_cert(const struct pdf_opts *o, struct summary *m, const json_t *d)
{
	int i = m->n++, code, r;
	char why[320];

	code = cert_pdf_read_cert(m->path[i], &m->buf[i], &m->c[i].len, &m->doc[i]);
	m->c[i].cert = m->buf[i];
	if (code)
		return code;
	r = cert_read_sigs(m->path[i], &m->sigs[i]);
	if (!r)
		r = cert_verify_mem(m->buf[i], m->c[i].len, &m->sigs[i], m->t, 0, &m->v[i]);
	if (r) {
		ui_err("%s: %s", ui_safe(m->path[i]), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	if (m->v[i].verdict != CERT_VALID && m->v[i].verdict != CERT_NOT_ERASED) {
		ui_err("%s: %s: %s", ui_safe(m->path[i]), cert_verdict_name(m->v[i].verdict),
		       ui_safe(m->v[i].why));
		return cert_cli_verdict_exit(m->v[i].verdict);
	}
	if (cert_machine_drive_match(m->sv.doc, d, m->doc[i], why, sizeof(why))) {
		ui_err("%s: not the drive the summary %s lists: %s", ui_safe(m->path[i]),
		       ui_safe(o->certs[0]), ui_safe(why));
		return KESU_EXIT_DEVICE_MISMATCH;
	}
	cert_pdf_persons_of(m->doc[i], &m->v[i], m->c[i].person);
	return 0;
}

/* every certificate the summary lists, in its order; every one named is one of them */
static int summary_certs(const struct pdf_opts *o, struct summary *m)
{
	size_t i;
	json_t *d;
	int r, code;

	json_array_foreach(json_object_get(m->sv.doc, "drives"), i, d)
	{
		const char *id = json_string_value(json_object_get(d, "certificate"));

		if (!id)
			continue; /* no certificate was made: the summary's result says so */
		if (m->n == CERT_PDF_MACHINE_MAX) {
			ui_err("%s: over %d certificates for one document", ui_safe(o->certs[0]),
			       CERT_PDF_MACHINE_MAX);
			return KESU_EXIT_USAGE;
		}
		r = locate(o, id, m->path[m->n]);
		if (r) {
			ui_err("%s: certificate %s: %s", ui_safe(o->certs[0]), id,
			       r == -ENOENT ? "not found" : strerror(-r));
			return ui_exit(r, UI_CTX_NONE);
		}
		code = drive_cert(o, m, d);
		if (code)
			return code;
	}
	if (o->ncerts > 1 && m->n != o->ncerts - 1) {
		ui_err("%s: %d certificates named, the summary lists %d of them",
		       ui_safe(o->certs[0]), o->ncerts - 1, m->n);
		return KESU_EXIT_REFUSED;
	}
	return 0;
}

#ifdef KESU_TEST_HOOKS
/* test builds only: another validly signed summary than the certificates', as a forger would */
static int forged_summary(struct summary *m)
{
	const char *f = getenv("KESU_TEST_PDF_SUMMARY");
	char sp[PATH_MAX];

	if (!f)
		return 0;
	free(m->sum);
	free(m->sig);
	m->sig = NULL;
	snprintf(sp, sizeof(sp), "%s.minisig", f);
	if (file_read(f, CERT_FILE_MAX, &m->sum, &m->sum_len) ||
	    file_read(sp, CERT_FILE_MAX, &m->sig, &m->sig_len))
		return -EIO;
	m->cms = false;
	return 0;
}
#endif

/* the files attached: the summary, its signature, every certificate with its own */
static int summary_files(const struct pdf_opts *o, struct summary *m)
{
	struct cert_pdf_files *a = &m->files;
	char *copy = strdup(o->certs[0]);
	int r = copy ? 0 : -ENOMEM;

#ifdef KESU_TEST_HOOKS
	if (!r)
		r = forged_summary(m);
#endif
	if (!r) {
		snprintf(a->names[0], sizeof(a->names[0]), "%.290s", basename(copy));
		a->f[a->n++] = (struct cert_pdf_file){
			.name = a->names[0], .data = m->sum, .len = m->sum_len, .summary = true
		};
	}
	free(copy);
	if (!r && m->sig) {
		snprintf(a->names[1], sizeof(a->names[1]), "%.280s.%s", a->names[0],
			 m->cms ? "p7s" : "minisig");
		a->f[a->n++] = (struct cert_pdf_file){ .name = a->names[1],
						       .data = m->sig,
						       .len = m->sig_len };
	}
	for (int i = 0; !r && i < m->n; i++)
		r = cert_pdf_add_files(a, m->path[i], m->c[i].cert, m->c[i].len, &m->sigs[i]);
	if (r == -E2BIG) {
		ui_err("%s: too many files to attach (at most %d)", ui_safe(o->certs[0]),
		       CERT_PDF_MAX_FILES);
		return KESU_EXIT_USAGE;
	}
	if (r)
		ui_err("%s: %s", ui_safe(o->certs[0]), strerror(-r));
	return r ? KESU_EXIT_FAILURE : 0;
}

static int summary_pdf(const struct pdf_opts *o, struct summary *m, const struct cms_signer *s,
		       unsigned char **pdf, size_t *len)
{
	const struct cert_sig_check *op = &m->sv.sig[CERT_ROLE_OPERATOR];
	struct cert_pdf_page pg = { .lang = o->lang };
	int r;

	cert_pdf_header(o, m->n ? m->doc[0] : NULL, &pg);
	cert_pdf_common_persons(m->c, m->n, &pg);
	/* the summary's own signer, as its signature verified */
	pg.person[CERT_PDF_OPERATOR] = (struct cert_pdf_person){ op->name, op->time, op->key_id };
	r = cert_pdf_render_summary(m->sum, m->sum_len, m->c, (size_t)m->n, &pg, pdf, len);
	return cert_pdf_machine_finish(o, r, &m->files,
				       "two attached files would have the same name", s, pdf, len);
}

int cert_pdf_summary_run(struct pdf_opts *o)
{
	struct summary *m = calloc(1, sizeof(*m));
	struct outfile of = { .fd = -1 };
	struct cms_signer *s = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0;
	int r, code = m ? summary_load(o, m) : KESU_EXIT_FAILURE;

	if (!m)
		ui_err("out of memory");
	if (!code)
		code = summary_certs(o, m);
	if (!code)
		code = summary_files(o, m);
	if (!code &&
	    (r = outfile_reserve(&of, o->output, 1 << 20, o->force ? OUTFILE_REPLACE : 0))) {
		ui_err("%s: %s", ui_safe(o->output),
		       r == -EEXIST ? "exists, not replaced (--force replaces it)" : strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	}
	if (!code && o->sign_key)
		code = cert_pdf_signer(o, &s);
	if (!code)
		code = summary_pdf(o, m, s, &pdf, &len);
	if (!code && (r = outfile_commit(&of, pdf, len))) {
		ui_err("%s: %s", ui_safe(o->output), strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	}
	if (!code)
		printf("%s: machine summary %s, %d certificates, %s%s\n", ui_safe(of.final_path),
		       m->sv.id, m->n, s ? "signed (PAdES)" : "not signed",
		       m->sv.verdict == CERT_NOT_ERASED ? ", NOT ERASED" : "");
	outfile_release(&of);
	cms_signer_free(s);
	if (m)
		summary_free(m);
	free(pdf);
	return code;
}
