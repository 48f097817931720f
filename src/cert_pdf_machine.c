// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert pdf --machine: every certificate of one computer in one
 * document, a summary page first, all of them and their sidecars attached,
 * one PAdES signature over the whole. Certificates of another machine are
 * refused before anything is drawn, so that a document never mixes two.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "cert/machine.h"
#include "cert/machine_summary.h"
#include "cert/pdf.h"
#include "cert/verdict.h"
#include "cert/certfile.h"
#include "cert_pdf.h"
#include "file.h"
#include "kesu.h"
#include "outfile.h"

struct machine {
	char *buf[CERT_PDF_MACHINE_MAX];
	json_t *doc[CERT_PDF_MACHINE_MAX];
	struct cert_sigs sigs[CERT_PDF_MACHINE_MAX];
	struct cert_verification v[CERT_PDF_MACHINE_MAX];
	struct cert_pdf_machine_cert c[CERT_PDF_MACHINE_MAX];
	struct cert_pdf_files files;
	char *forged; /* test builds: attached in place of the first certificate */
	int n;
};

static void machine_free(struct machine *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->buf[i]);
		json_decref(m->doc[i]);
		cert_sigs_free(&m->sigs[i]);
		cert_verification_free(&m->v[i]);
	}
	free(m->forged);
	free(m);
}

/* every certificate read and checked, all of one machine, none given twice */
static int machine_read(const struct pdf_opts *o, struct machine *m)
{
	char why[320];
	int code;

	for (m->n = 0; m->n < o->ncerts; m->n++) {
		int i = m->n;

		code = cert_pdf_read_cert(o->certs[i], &m->buf[i], &m->c[i].len, &m->doc[i]);
		m->c[i].cert = m->buf[i];
		if (code) {
			m->n++;
			return code;
		}
		if (i && cert_machine_match(m->doc[0], m->doc[i], why, sizeof(why))) {
			m->n++;
			ui_err("%s: not of the machine of %s: %s", ui_safe(o->certs[i]),
			       ui_safe(o->certs[0]), ui_safe(why));
			return KESU_EXIT_REFUSED;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(cert_get_string(m->doc[i], "id"),
				    cert_get_string(m->doc[j], "id"))) {
				m->n++;
				ui_err("%s: certificate %s given twice", ui_safe(o->certs[i]),
				       cert_get_string(m->doc[i], "id"));
				return KESU_EXIT_USAGE;
			}
	}
	return 0;
}

/* the sidecars and the files to attach; two certificates with one file name cannot both go in */
static int machine_files(const struct pdf_opts *o, struct machine *m)
{
	int r = 0;

	for (int i = 0; !r && i < m->n; i++) {
		r = cert_read_sigs(o->certs[i], &m->sigs[i]);
		if (!r)
			r = cert_pdf_add_files(&m->files, o->certs[i], m->c[i].cert, m->c[i].len,
					       &m->sigs[i]);
		if (r == -E2BIG) {
			ui_err("%s: too many files to attach (at most %d)", ui_safe(o->certs[i]),
			       CERT_PDF_MAX_FILES);
			return KESU_EXIT_USAGE;
		}
		if (r) {
			ui_err("%s: %s", ui_safe(o->certs[i]), strerror(-r));
			return ui_exit(r, UI_CTX_CERT);
		}
	}
#ifdef KESU_TEST_HOOKS
	/* test builds only: attach another certificate than the summary lists, as a forger would */
	if (getenv("KESU_TEST_PDF_ATTACH")) {
		size_t len = 0;

		if (file_read(getenv("KESU_TEST_PDF_ATTACH"), CERT_FILE_MAX, &m->forged, &len))
			return KESU_EXIT_FAILURE;
		m->files.f[0].data = m->forged;
		m->files.f[0].len = len;
	}
#endif
	return 0;
}

/* the summary's blocks name a person only when every certificate names the same one */
void cert_pdf_common_persons(const struct cert_pdf_machine_cert *c, int n, struct cert_pdf_page *pg)
{
	for (int role = 0; role < CERT_PDF_NPERSONS; role++) {
		const char *name = n ? c[0].person[role].name : NULL;

		for (int i = 1; name && i < n; i++)
			if (!c[i].person[role].name || strcmp(c[i].person[role].name, name))
				name = NULL;
		pg->person[role] = (struct cert_pdf_person){ .name = name };
	}
}

static int machine_pdf(const struct pdf_opts *o, struct machine *m, struct cert_pdf_page *pg,
		       const struct cms_signer *s, unsigned char **pdf, size_t *len)
{
	int r = cert_pdf_render_machine(m->c, (size_t)m->n, pg, pdf, len);

	return cert_pdf_machine_finish(o, r, &m->files,
				       "two attached files would have the same name; "
				       "certificates from different directories must have "
				       "different file names",
				       s, pdf, len);
}

static int machine_make(struct pdf_opts *o, struct machine *m, struct outfile *of,
			struct cms_signer **s, unsigned char **pdf, size_t *len)
{
	struct cert_pdf_page pg = { .lang = o->lang };
	int r, code = machine_read(o, m);

	if (!code)
		code = machine_files(o, m);
	if (!code &&
	    (r = outfile_reserve(of, o->output, 1 << 20, o->force ? OUTFILE_REPLACE : 0))) {
		ui_err("%s: %s", ui_safe(o->output),
		       r == -EEXIST ? "exists, not replaced (--force replaces it)" : strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	if (!code && o->sign_key)
		code = cert_pdf_signer(o, s);
	for (int i = 0; !code && i < m->n; i++)
		code = cert_pdf_persons(o, o->certs[i], m->doc[i], &m->v[i], m->c[i].person);
	if (code)
		return code;
	cert_pdf_header(o, m->doc[0], &pg);
	cert_pdf_common_persons(m->c, m->n, &pg);
	return machine_pdf(o, m, &pg, *s, pdf, len);
}

/* a kesu-machine/1 summary, not a certificate */
static bool is_summary(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	json_t *doc;
	bool yes;

	if (file_read(path, CERT_FILE_MAX, &buf, &len))
		return false;
	doc = json_loadb(buf, len, 0, NULL);
	yes = cert_get_string(doc, "format") &&
	      !strcmp(cert_get_string(doc, "format"), CERT_MACHINE_FORMAT);
	json_decref(doc);
	free(buf);
	return yes;
}

int cert_pdf_machine_run(struct pdf_opts *o)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct outfile of = { .fd = -1 };
	struct cms_signer *s = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0, failed = 0;
	int r, code;

	if (!m) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	if (is_summary(o->certs[0])) {
		free(m);
		return cert_pdf_summary_run(o);
	}
	if (o->dir) {
		free(m);
		return ui_usage_error("cert pdf", "--dir goes with a machine summary (%s is none)",
				      ui_safe(o->certs[0]));
	}
	code = machine_make(o, m, &of, &s, &pdf, &len);
	if (!code && (r = outfile_commit(&of, pdf, len))) {
		ui_err("%s: %s", ui_safe(o->output), strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	}
	for (int i = 0; !code && i < m->n; i++)
		failed += strcmp(cert_get_string(m->doc[i], "result"), "success") != 0;
	if (!code)
		printf("%s: %d certificates of one machine, %s%s\n", ui_safe(of.final_path), m->n,
		       s ? "signed (PAdES)" : "not signed", failed ? ", NOT ERASED" : "");
	outfile_release(&of);
	cms_signer_free(s);
	machine_free(m);
	free(pdf);
	return code;
}
