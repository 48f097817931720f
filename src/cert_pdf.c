// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert pdf: the printable certificate. The page shows the
 * certificate and who signed it (only what the trust store verified), the
 * certificate and its signatures go inside, and the organisation's X.509
 * key signs the whole PDF. Everything is checked and the output reserved
 * before anything is drawn; the file appears complete or not at all.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cert/cert.h"
#include "cert/cms.h"
#include "cert/pdf.h"
#include "cert/verdict.h"
#include "cert_pdf.h"
#include "certsign.h"
#include "conffile.h"
#include "file.h"
#include "kesu.h"
#include "outfile.h"
#include "passphrase.h"
#include "text.h"

static const int pdf_exits[] = {
	KESU_EXIT_SUCCESS,   KESU_EXIT_FAILURE,		KESU_EXIT_USAGE,  KESU_EXIT_REFUSED,
	KESU_EXIT_ABORTED,   KESU_EXIT_MALFORMED,	KESU_EXIT_NO_KEY, KESU_EXIT_BAD_SIGNATURE,
	KESU_EXIT_UNTRUSTED, KESU_EXIT_DEVICE_MISMATCH,
};

static int pdf_help(void)
{
	printf("usage: kesu cert pdf CERT.json [--lang ja|en|both] [-o FILE.pdf]\n"
	       "                    [--sign-cert ORG.pem --sign-key ORG.key]\n"
	       "       kesu cert pdf --machine CERT.json... [-o MACHINE.pdf] [OPTIONS]\n"
	       "       kesu cert pdf --machine SUMMARY.json [--dir DIR | CERT.json...] [OPTIONS]\n"
	       "       kesu cert pdf --output-dir DIR CERT.json... [OPTIONS]\n\n"
	       "The printable certificate: one A4 page (Japanese, English or both) with a QR\n"
	       "code of the certificate's id and SHA-256; the certificate and its signatures\n"
	       "attached; signed by the organisation's X.509 key (PAdES) when --sign-key is given.\n\n"
	       "  -o, --output FILE        the PDF (default CERT without .json, and .pdf;\n"
	       "                           with --machine, the first CERT's and .machine.pdf)\n"
	       "      --output-dir DIR     one PDF for each CERT in DIR, named as CERT with\n"
	       "                           .pdf for .json; stops at the first that fails\n"
	       "      --machine            every certificate of one computer in one document,\n"
	       "                           a summary page first; certificates of another\n"
	       "                           machine are refused; given a machine summary\n"
	       "                           (kesu-machine/1), it is verified, and so is each\n"
	       "                           certificate it lists, found by its id\n"
	       "      --dir DIR            where the summary's certificates are (default:\n"
	       "                           the summary's directory)\n"
	       "      --lang ja|en|both    the page's language (default both)\n"
	       "      --sign-cert PEM      the organisation's certificate (and intermediates)\n"
	       "      --sign-key KEY       its private key (PEM)\n"
	       "      --passphrase-file F  --passphrase-fd N   the key's passphrase\n"
	       "      --trust DIR  --trust-ca FILE   check the certificate's signatures: the page\n"
	       "                           names only the signers verified here\n"
	       "      --organisation ORG  --department D  --logo PNG   the header (default:\n"
	       "                           the certificate's, then [organisation] of kesu.conf)\n"
	       "      --force              replace an existing FILE\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, pdf_exits, sizeof(pdf_exits) / sizeof(pdf_exits[0]));
	return KESU_EXIT_SUCCESS;
}

enum {
	OPT_LANG = 0x500,
	OPT_SIGN_CERT,
	OPT_SIGN_KEY,
	OPT_PASS_FILE,
	OPT_PASS_FD,
	OPT_TRUST,
	OPT_CA,
	OPT_ORG,
	OPT_DEPT,
	OPT_LOGO,
	OPT_FORCE,
	OPT_MACHINE,
	OPT_OUTDIR,
	OPT_DIR,
};

static int text_opt(const char *name, const char *arg, const char **to)
{
	if (!*arg || !text_is_clean(arg) || strlen(arg) > 200)
		return ui_usage_error("cert pdf",
				      "invalid %s: give 1 to 200 bytes of UTF-8 text "
				      "without control characters",
				      name);
	*to = arg;
	return 0;
}

static int pdf_opt(int c, struct pdf_opts *o)
{
	const char *why = NULL;

	switch (c) {
	case 'o': o->output = optarg; return 0;
	case 'h': o->help = true; return 0;
	case OPT_LANG:
		if (!strcmp(optarg, "ja") || !strcmp(optarg, "en") || !strcmp(optarg, "both")) {
			o->lang = optarg[0] == 'j' ? CERT_PDF_JA :
				  optarg[0] == 'e' ? CERT_PDF_EN :
						     CERT_PDF_BOTH;
			return 0;
		}
		return ui_usage_error("cert pdf", "invalid --lang '%s': ja, en or both",
				      ui_safe(optarg));
	case OPT_SIGN_CERT: o->sign_cert = optarg; return 0;
	case OPT_SIGN_KEY: o->sign_key = optarg; return 0;
	case OPT_PASS_FILE:
	case OPT_PASS_FD:
		if (pass_source_opt(&o->pass, c == OPT_PASS_FD, optarg, &why))
			return ui_usage_error("cert pdf", "%s", why);
		return 0;
	case OPT_TRUST: o->trust = optarg; return 0;
	case OPT_CA: o->trust_ca = optarg; return 0;
	case OPT_ORG: return text_opt("--organisation", optarg, &o->organisation);
	case OPT_DEPT: return text_opt("--department", optarg, &o->department);
	case OPT_LOGO: o->logo = optarg; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case OPT_MACHINE: o->machine = true; return 0;
	case OPT_OUTDIR: o->output_dir = optarg; return 0;
	case OPT_DIR: o->dir = optarg; return 0;
	default: return -1;
	}
}

static int pdf_parse(int argc, char **argv, struct pdf_opts *o)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "sign-cert", required_argument, NULL, OPT_SIGN_CERT },
		{ "sign-key", required_argument, NULL, OPT_SIGN_KEY },
		{ "passphrase-file", required_argument, NULL, OPT_PASS_FILE },
		{ "passphrase-fd", required_argument, NULL, OPT_PASS_FD },
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "organisation", required_argument, NULL, OPT_ORG },
		{ "department", required_argument, NULL, OPT_DEPT },
		{ "logo", required_argument, NULL, OPT_LOGO },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "machine", no_argument, NULL, OPT_MACHINE },
		{ "output-dir", required_argument, NULL, OPT_OUTDIR },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		r = pdf_opt(c, o);
		if (r < 0)
			return ui_option_error("cert pdf", c, argv, opts);
		if (r)
			return r;
	}
	if (o->help)
		return 0;
	if (o->machine && (optind == argc || argc - optind > CERT_PDF_MACHINE_MAX))
		return ui_usage_error("cert pdf", "--machine takes 1 to %d certificates",
				      CERT_PDF_MACHINE_MAX);
	if (o->dir && !o->machine)
		return ui_usage_error("cert pdf", "--dir goes with --machine SUMMARY.json");
	if (o->output_dir && (o->machine || o->output))
		return ui_usage_error("cert pdf",
				      "--output-dir goes with neither --machine nor -o");
	if (o->output_dir && optind == argc)
		return ui_usage_error("cert pdf", "--output-dir takes one or more certificates");
	if (!o->machine && !o->output_dir && optind != argc - 1)
		return ui_usage_error("cert pdf", "give one certificate");
	if (!o->sign_cert != !o->sign_key)
		return ui_usage_error("cert pdf", "--sign-cert and --sign-key go together");
	if (pass_source_given(&o->pass) && !o->sign_key)
		return ui_usage_error("cert pdf", "a passphrase option needs --sign-key");
	o->cert = argv[optind];
	o->certs = argv + optind;
	o->ncerts = argc - optind;
	return 0;
}

int cert_pdf_signer(struct pdf_opts *o, struct cms_signer **s)
{
	struct pass_request req = { .src = &o->pass, .prompt = "passphrase", .unchecked = true };
	char why[256] = "", *pass = NULL;
	int r = pass_source_given(&o->pass) ? pass_resolve(&req, &pass) : 0;

	if (r)
		return ui_exit(r, UI_CTX_PASS);
	r = cms_signer_load(o->sign_cert, o->sign_key, pass, s, why, sizeof(why));
	if (r == -ENOKEY && !pass) {
		r = pass_resolve(&req, &pass);
		if (r)
			return ui_exit(r, UI_CTX_PASS);
		r = cms_signer_load(o->sign_cert, o->sign_key, pass, s, why, sizeof(why));
	}
	passphrase_free(pass);
	pass_source_close(&o->pass);
	if (r)
		ui_err("%s: %s", ui_safe(o->sign_cert), ui_safe(why[0] ? why : strerror(-r)));
	return r == -EXDEV ? KESU_EXIT_REFUSED : ui_exit(r, UI_CTX_KEY);
}

void cert_pdf_persons_of(const json_t *doc, const struct cert_verification *v,
			 struct cert_pdf_person *person)
{
	person[CERT_PDF_OPERATOR].name = cert_get_string(doc, "operator.name");
	person[CERT_PDF_WITNESS].name = cert_get_string(doc, "witness.name");
	if (!v)
		return;
	if (v->verdict == CERT_VALID || v->verdict >= CERT_NOT_APPROVED) {
		const struct cert_sig_check *s = &v->sig[CERT_ROLE_OPERATOR];

		person[CERT_PDF_OPERATOR] = (struct cert_pdf_person){ s->name, s->time, s->key_id };
	}
	if (v->approved) {
		const struct cert_sig_check *s = &v->sig[CERT_ROLE_APPROVER];

		person[CERT_PDF_APPROVER] = (struct cert_pdf_person){ s->name, s->time, s->key_id };
	}
}

int cert_pdf_persons(const struct pdf_opts *o, const char *path, const json_t *doc,
		     struct cert_verification *v, struct cert_pdf_person *person)
{
	const struct kesu_config *cf = ui_config();
	struct cert_trust *t = NULL;
	int code = 0, r;

	cert_pdf_persons_of(doc, NULL, person);
	if (!o->trust && !o->trust_ca && !cf->trust_dir.line && access(TRUST_DIR, F_OK))
		return 0;
	code = certsign_trust(o->trust, o->trust_ca, &t);
	if (code)
		return code;
	r = cert_verify_file(path, t, 0, v);
	cert_trust_free(t);
	if (r)
		return ui_exit(r, UI_CTX_CERT);
	cert_pdf_persons_of(doc, v, person);
	return 0;
}

int cert_pdf_read_cert(const char *path, char **buf, size_t *len, json_t **doc)
{
	char why[256];
	int r = file_read(path, CERT_FILE_MAX, buf, len);

	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	*doc = json_loadb(*buf, *len, JSON_REJECT_DUPLICATES, NULL);
	if (!*doc || cert_check(*doc, why, sizeof(why))) {
		ui_err("%s: not a kesu-certificate/1 document: %s", ui_safe(path),
		       *doc ? ui_safe(why) : "not JSON");
		return KESU_EXIT_MALFORMED;
	}
	return 0;
}

int cert_pdf_add_files(struct cert_pdf_files *a, const char *path, const char *cert, size_t len,
		       const struct cert_sigs *sigs)
{
	char *copy = strdup(path);
	const char *base;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	base = basename(copy);
	for (int i = -1; !r && i < CERT_NROLES; i++) {
		char *name = a->names[a->n];

		if (i >= 0 && (!sigs->text[i] || !sigs->len[i]))
			continue;
		if (a->n == CERT_PDF_MAX_FILES) {
			r = -E2BIG;
			break;
		}
		/* -1: the certificate itself, then its sidecars */
		if (i < 0)
			snprintf(name, sizeof(a->names[0]), "%.290s", base);
		else
			snprintf(name, sizeof(a->names[0]), "%.250s.%s.%s", base,
				 cert_role_name((enum cert_role)i),
				 sigs->cms[i] ? "p7s" : "minisig");
		a->f[a->n++] = i < 0 ? (struct cert_pdf_file){ .name = name,
							       .data = cert,
							       .len = len,
							       .source = true } :
				       (struct cert_pdf_file){ .name = name,
							       .data = sigs->text[i],
							       .len = sigs->len[i] };
	}
	free(copy);
	return r;
}

int cert_pdf_attach_files(const struct cert_pdf_files *a, unsigned char **pdf, size_t *pdf_len)
{
	unsigned char *out = NULL;
	size_t out_len = 0;
	int r = cert_pdf_attach(*pdf, *pdf_len, a->f, a->n, &out, &out_len);

	if (r)
		return r;
	free(*pdf);
	*pdf = out;
	*pdf_len = out_len;
	return 0;
}

int cert_pdf_sign_doc(const struct cms_signer *s, unsigned char **pdf, size_t *pdf_len, char *why,
		      size_t why_len)
{
	unsigned char *signed_pdf = NULL;
	int r = cert_pdf_sign(*pdf, *pdf_len, s, time(NULL), &signed_pdf, pdf_len, why, why_len);

	if (!r) {
		free(*pdf);
		*pdf = signed_pdf;
	}
	return r;
}

int cert_pdf_machine_finish(const struct pdf_opts *o, int r, const struct cert_pdf_files *files,
			    const char *dup, const struct cms_signer *s, unsigned char **pdf,
			    size_t *len)
{
	char why[256] = "";

	if (r == -ENOENT) {
		ui_err("%s: cannot load the logo or the font IPAexGothic (fonts-ipaexfont-gothic)",
		       ui_safe(o->output));
		return KESU_EXIT_FAILURE;
	}
	if (!r)
		r = cert_pdf_attach_files(files, pdf, len);
	if (r == -EINVAL)
		snprintf(why, sizeof(why), "%s", dup);
	if (!r && s)
		r = cert_pdf_sign_doc(s, pdf, len, why, sizeof(why));
	if (r)
		ui_err("%s: cannot make the PDF: %s", ui_safe(o->output),
		       ui_safe(why[0] ? why : strerror(-r)));
	return r ? KESU_EXIT_FAILURE : 0;
}

static int make_pdf(struct pdf_opts *o, const char *cert, size_t len, struct cert_pdf_page *pg,
		    const struct cms_signer *s, unsigned char **pdf, size_t *pdf_len)
{
	struct cert_pdf_files *files = calloc(1, sizeof(*files));
	struct cert_sigs sigs = { 0 };
	const char *att = o->cert;
	char why[256] = "", *other = NULL;
	int r = cert_pdf_render(cert, len, pg, pdf, pdf_len);

	if (r == -ENOENT)
		ui_err("%s: cannot load the logo or the font IPAexGothic (fonts-ipaexfont-gothic)",
		       ui_safe(o->cert));
#ifdef KESU_TEST_HOOKS
	/* test builds only: attach another certificate than the page shows, as a forger would */
	if (!r && getenv("KESU_TEST_PDF_ATTACH")) {
		att = getenv("KESU_TEST_PDF_ATTACH");
		r = file_read(att, CERT_FILE_MAX, &other, &len);
		cert = other;
	}
#endif
	if (!r)
		r = cert_read_sigs(att, &sigs);
	if (!r && !files)
		r = -ENOMEM;
	if (!r)
		r = cert_pdf_add_files(files, att, cert, len, &sigs);
	if (!r)
		r = cert_pdf_attach_files(files, pdf, pdf_len);
	cert_sigs_free(&sigs);
	free(other);
	free(files);
	if (!r && s)
		r = cert_pdf_sign_doc(s, pdf, pdf_len, why, sizeof(why));
	if (r && r != -ENOENT)
		ui_err("%s: cannot make the PDF: %s", ui_safe(o->cert),
		       ui_safe(why[0] ? why : strerror(-r)));
	return r ? KESU_EXIT_FAILURE : 0;
}

void cert_pdf_header(const struct pdf_opts *o, const json_t *doc, struct cert_pdf_page *pg)
{
	const struct kesu_config *cf = ui_config();

	pg->organisation = o->organisation;
	if (!pg->organisation && !cert_get_string(doc, "organisation.name") && cf->org_name.line)
		pg->organisation = cf->org_name.text;
	pg->department = o->department;
	if (!pg->department && !cert_get_string(doc, "organisation.department") &&
	    cf->org_department.line)
		pg->department = cf->org_department.text;
	pg->logo_png = o->logo ? o->logo : cf->org_logo.line ? cf->org_logo.text : NULL;
}

/*
 * the PDF of @o->cert at @o->output; the organisation's key is loaded into
 * *@s on the first call that needs it (after the output is reserved, so that
 * an unwritable output is found before a passphrase is asked) and kept for
 * the next
 */
static int pdf_one(struct pdf_opts *o, struct cms_signer **s)
{
	struct cert_verification v = { 0 };
	struct cert_pdf_page pg = { .lang = o->lang };
	struct outfile of = { .fd = -1 };
	unsigned char *pdf = NULL;
	size_t len = 0, pdf_len = 0;
	json_t *doc = NULL;
	char *cert = NULL;
	int r, code = cert_pdf_read_cert(o->cert, &cert, &len, &doc);

	if (!code &&
	    (r = outfile_reserve(&of, o->output, 256 << 10, o->force ? OUTFILE_REPLACE : 0))) {
		ui_err("%s: %s", ui_safe(o->output),
		       r == -EEXIST ? "exists, not replaced (--force replaces it)" : strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	}
	if (!code && o->sign_key && !*s)
		code = cert_pdf_signer(o, s);
	if (!code)
		code = cert_pdf_persons(o, o->cert, doc, &v, pg.person);
	cert_pdf_header(o, doc, &pg);
	if (!code)
		code = make_pdf(o, cert, len, &pg, *s, &pdf, &pdf_len);
	if (!code && (r = outfile_commit(&of, pdf, pdf_len))) {
		ui_err("%s: %s", ui_safe(o->output), strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	}
	if (!code)
		printf("%s: certificate %s, %s%s\n", ui_safe(of.final_path),
		       cert_get_string(doc, "id"), *s ? "signed (PAdES)" : "not signed",
		       strcmp(cert_get_string(doc, "result"), "success") ? ", NOT ERASED" : "");
	outfile_release(&of);
	cert_verification_free(&v);
	json_decref(doc);
	free(cert);
	free(pdf);
	return code;
}

/* @dir/ (when given), then @cert (its base name, with @dir) without .json, then @ext */
static char *default_output(const char *dir, const char *cert, const char *ext)
{
	const char *base = dir && strrchr(cert, '/') ? strrchr(cert, '/') + 1 : cert;
	size_t d = dir ? strlen(dir) + 1 : 0, n = strlen(base), e = strlen(ext) + 1;
	char *s = malloc(d + n + e);

	if (!s)
		return NULL;
	if (n > 5 && !strcmp(base + n - 5, ".json"))
		n -= 5;
	if (dir) {
		memcpy(s, dir, d - 1);
		s[d - 1] = '/';
	}
	memcpy(s + d, base, n);
	memcpy(s + d + n, ext, e);
	return s;
}

/*
 * --output-dir: every certificate's PDF in one process, so that the fonts,
 * the organisation's key and its passphrase are loaded once for the batch
 * rather than once a page. Two certificates with one base name would make
 * one file: refused before anything is made.
 */
static int pdf_batch(struct pdf_opts *o)
{
	char **out = calloc((size_t)o->ncerts, sizeof(*out));
	struct cms_signer *s = NULL;
	int code = 0;

	for (int i = 0; !code && out && i < o->ncerts; i++) {
		out[i] = default_output(o->output_dir, o->certs[i], ".pdf");
		if (!out[i])
			break;
		for (int j = 0; j < i; j++)
			if (!strcmp(out[i], out[j])) {
				ui_err("%s: %s and %s would both make it", ui_safe(out[i]),
				       ui_safe(o->certs[j]), ui_safe(o->certs[i]));
				code = KESU_EXIT_USAGE;
			}
	}
	if (!code && (!out || !out[o->ncerts - 1])) {
		ui_err("out of memory");
		code = KESU_EXIT_FAILURE;
	}
	for (int i = 0; !code && i < o->ncerts; i++) {
		o->cert = o->certs[i];
		o->output = out[i];
		code = pdf_one(o, &s);
	}
	cms_signer_free(s);
	for (int i = 0; out && i < o->ncerts; i++)
		free(out[i]);
	free(out);
	return code;
}

int cert_cmd_pdf(int argc, char **argv)
{
	struct pdf_opts o = { .pass = PASS_SOURCE_INIT, .lang = CERT_PDF_BOTH };
	struct cms_signer *s = NULL;
	char *def = NULL;
	int r = pdf_parse(argc, argv, &o);

	if (r)
		return r;
	if (o.help)
		return pdf_help();
	if (o.output_dir)
		return pdf_batch(&o);
	if (!o.output &&
	    !(o.output = def = default_output(NULL, o.cert, o.machine ? ".machine.pdf" : ".pdf"))) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	r = o.machine ? cert_pdf_machine_run(&o) : pdf_one(&o, &s);
	cms_signer_free(s);
	free(def);
	return r;
}
