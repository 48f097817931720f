/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `kesu cert pdf` (src/cert_pdf.c), dispatched by cmd_cert(); one
 * machine's document (src/cert_pdf_machine.c) shares its steps.
 */
#ifndef KESU_SRC_CERT_PDF_H
#define KESU_SRC_CERT_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cert/cms.h"
#include "cert/pdf.h"
#include "cert/verdict.h"
#include "passphrase.h"

struct pdf_opts {
	const char *cert, *output, *sign_cert, *sign_key, *trust, *trust_ca;
	const char *organisation, *department, *logo;
	const char *output_dir; /* one PDF for each certificate given, in this directory */
	const char *dir;	/* --machine SUMMARY: its certificates are here */
	char **certs;		/* --machine: every certificate given, @cert is the first */
	int ncerts;
	struct pass_source pass;
	enum cert_pdf_lang lang;
	bool force, help, machine;
};

/* the files attached to one document, named as beside their certificate */
struct cert_pdf_files {
	struct cert_pdf_file f[CERT_PDF_MAX_FILES];
	char names[CERT_PDF_MAX_FILES][300];
	size_t n;
};

/* kesu cert pdf CERT.json [OPTIONS]; @argv[0] is "pdf" */
int cert_cmd_pdf(int argc, char **argv);

/* kesu cert pdf --machine CERT.json...: the exit code */
int cert_pdf_machine_run(struct pdf_opts *o);

/* kesu cert pdf --machine SUMMARY.json [CERT.json...]: the exit code */
int cert_pdf_summary_run(struct pdf_opts *o);

/* the signature blocks a machine's summary page shares with every certificate: witness, approver */
void cert_pdf_common_persons(const struct cert_pdf_machine_cert *c, int n,
			     struct cert_pdf_page *pg);

/* the blocks of a certificate @doc whose verification is @v */
void cert_pdf_persons_of(const json_t *doc, const struct cert_verification *v,
			 struct cert_pdf_person *person);

/* read and check the certificate @path, saying why not: 0 or an exit code */
int cert_pdf_read_cert(const char *path, char **buf, size_t *len, json_t **doc);

/* the organisation's signer from --sign-cert/--sign-key: 0 or an exit code */
int cert_pdf_signer(struct pdf_opts *o, struct cms_signer **s);

/* the signature blocks of @path's page, verified when a trust store is set: 0 or an exit code */
int cert_pdf_persons(const struct pdf_opts *o, const char *path, const json_t *doc,
		     struct cert_verification *v, struct cert_pdf_person *person);

/* the header's organisation, department and logo: options, @doc, then kesu.conf */
void cert_pdf_header(const struct pdf_opts *o, const json_t *doc, struct cert_pdf_page *pg);

/**
 * cert_pdf_machine_finish() - after a machine document was rendered (@r, the
 * renderer's return): attach @files, sign with @s (NULL: unsigned), and say
 * what went wrong, naming o->output
 * @dup: what to say when two attached files would have the same name
 * Return: 0 or KESU_EXIT_FAILURE
 */
int cert_pdf_machine_finish(const struct pdf_opts *o, int r, const struct cert_pdf_files *files,
			    const char *dup, const struct cms_signer *s, unsigned char **pdf,
			    size_t *len);

/* add the certificate @path (@cert, @len) and its sidecars @sigs; 0, -ENOMEM, -E2BIG */
int cert_pdf_add_files(struct cert_pdf_files *a, const char *path, const char *cert, size_t len,
		       const struct cert_sigs *sigs);

/* attach @a to *@pdf, replacing it; as cert_pdf_attach() */
int cert_pdf_attach_files(const struct cert_pdf_files *a, unsigned char **pdf, size_t *pdf_len);

/* sign *@pdf now, replacing it; as cert_pdf_sign() */
int cert_pdf_sign_doc(const struct cms_signer *s, unsigned char **pdf, size_t *pdf_len, char *why,
		      size_t why_len);

#endif
