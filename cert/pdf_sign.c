// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What goes into the page's PDF after cairo: the certificate and its
 * signatures as associated files, then the organisation's PAdES signature;
 * and reading both back for `kesu cert verify CERT.pdf`. The signature's
 * /ByteRange must reach the end of the file: a reader that checks only the
 * signed ranges would take an update appended later for signed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "file.h"
#include "pdf.h"
#include "pdf_update.h"

#define SIG_HEX (2 * CERT_PDF_SIG_MAX)
/* "[0 a b c]" with each number 10 digits wide, patched once the offsets are known */
#define RANGE_FMT "[0 %010zu %010zu %010zu]"
#define RANGE_LEN (3 + 3 * 11)

static int catalog(const struct pdf_doc *d, struct pdf_span *cat)
{
	struct pdf_span v;

	if (pdf_doc_object(d, d->root, cat, NULL) || pdf_dict_get(*cat, "Type", &v) || v.n != 8 ||
	    memcmp(v.p, "/Catalog", 8))
		return -EBADMSG;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cert_pdf_file *)a)->name,
		      ((const struct cert_pdf_file *)b)->name);
}

/* the name as pdf_update_string() writes it */
static void clean_name(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		out[i] = (strchr("._-", s[i]) || (s[i] >= '0' && s[i] <= '9') ||
			  (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')) ?
				 s[i] :
				 '_';
	out[i] = '\0';
}

static unsigned attach_one(struct pdf_update *u, const struct cert_pdf_file *f)
{
	unsigned ef = pdf_update_new(u), fs = pdf_update_new(u);
	char name[256];

	clean_name(f->name, name, sizeof(name));
	pdf_update_begin(u, ef);
	pdf_update_printf(
		u,
		"<< /Type /EmbeddedFile /Subtype /%s /Length %zu /Params << /Size %zu >> >>\nstream\n",
		f->source || f->summary ? "application#2Fjson" : "application#2Foctet-stream",
		f->len, f->len);
	pdf_update_bytes(u, f->data, f->len);
	pdf_update_printf(u, "\nendstream");
	pdf_update_end(u);
	pdf_update_begin(u, fs);
	pdf_update_printf(u, "<< /Type /Filespec /F ");
	pdf_update_string(u, name);
	pdf_update_printf(u, " /UF ");
	pdf_update_string(u, name);
	pdf_update_printf(u, " /AFRelationship /%s /EF << /F %u 0 R /UF %u 0 R >> >>",
			  f->source  ? "Source" :
			  f->summary ? "Data" :
				       "Supplement",
			  ef, ef);
	pdf_update_end(u);
	return fs;
}

static int attach_update(const struct pdf_doc *d, struct cert_pdf_file *files, size_t n, char **upd,
			 size_t *upd_len)
{
	static const char *const keys[] = { "Names", "AF", NULL };
	char af[CERT_PDF_MAX_FILES * 16] = "", names[CERT_PDF_MAX_FILES * 300] = "", nm[256];
	unsigned fs[CERT_PDF_MAX_FILES], tree, nd;
	struct pdf_update u;
	struct pdf_span cat;
	char extra[CERT_PDF_MAX_FILES * 16 + 64];
	int r = catalog(d, &cat);

	if (r)
		return r;
	pdf_update_init(&u, d);
	/* a name tree's keys are sorted: pdfdetach and readers look them up in order */
	qsort(files, n, sizeof(*files), by_name);
	for (size_t i = 0; i < n; i++) {
		fs[i] = attach_one(&u, &files[i]);
		clean_name(files[i].name, nm, sizeof(nm));
		snprintf(af + strlen(af), sizeof(af) - strlen(af), " %u 0 R", fs[i]);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), " (%s) %u 0 R", nm,
			 fs[i]);
	}
	tree = pdf_update_new(&u);
	pdf_update_begin(&u, tree);
	pdf_update_printf(&u, "<< /Names [%s ] >>", names);
	pdf_update_end(&u);
	nd = pdf_update_new(&u);
	pdf_update_begin(&u, nd);
	pdf_update_printf(&u, "<< /EmbeddedFiles %u 0 R >>", tree);
	pdf_update_end(&u);
	snprintf(extra, sizeof(extra), "/Names %u 0 R /AF [%s ]", nd, af);
	pdf_update_begin(&u, d->root);
	r = pdf_update_dict_with(&u, cat, keys, extra);
	pdf_update_end(&u);
	if (r) {
		pdf_update_free(&u);
		return r;
	}
	return pdf_update_finish(&u, upd, upd_len);
}

static int join(const void *pdf, size_t len, char *upd, size_t upd_len, unsigned char **out,
		size_t *out_len)
{
	unsigned char *b = malloc(len + upd_len);

	if (!b) {
		free(upd);
		return -ENOMEM;
	}
	memcpy(b, pdf, len);
	memcpy(b + len, upd, upd_len);
	free(upd);
	*out = b;
	*out_len = len + upd_len;
	return 0;
}

int cert_pdf_attach(const void *pdf, size_t len, const struct cert_pdf_file *files, size_t n,
		    unsigned char **out, size_t *out_len)
{
	struct cert_pdf_file f[CERT_PDF_MAX_FILES];
	char a[256], b[256];
	struct pdf_doc d;
	char *upd = NULL;
	size_t upd_len = 0;
	int r;

	if (!n || n > CERT_PDF_MAX_FILES)
		return -EINVAL;
	memcpy(f, files, n * sizeof(*f));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			clean_name(f[i].name, a, sizeof(a));
			clean_name(f[j].name, b, sizeof(b));
			if (!strcmp(a, b))
				return -EINVAL;
		}
	r = pdf_doc_parse(pdf, len, &d);
	if (r)
		return r;
	r = attach_update(&d, f, n, &upd, &upd_len);
	pdf_doc_free(&d);
	return r ? r : join(pdf, len, upd, upd_len, out, out_len);
}

/* ---- the signature ---- */

struct sig_place {
	size_t range_at;    /* offset of the /ByteRange array in the update */
	size_t contents_at; /* offset of '<' in the whole file */
};

static int first_page(const struct pdf_doc *d, struct pdf_span cat, unsigned *page,
		      struct pdf_span *dict)
{
	struct pdf_span v, kids, k = { 0 };
	unsigned pages;

	if (pdf_dict_get(cat, "Pages", &v) || pdf_span_ref(v, &pages) ||
	    pdf_doc_object(d, pages, &v, NULL) || pdf_dict_get(v, "Kids", &kids) ||
	    pdf_array_next(kids, &k) || pdf_span_ref(k, page) ||
	    pdf_doc_object(d, *page, dict, NULL))
		return -EBADMSG;
	return 0;
}

static int sig_objects(struct pdf_update *u, const struct pdf_doc *d, time_t when,
		       struct sig_place *at)
{
	static const char *const cat_keys[] = { "AcroForm", NULL }, *const page_keys[] = { "Annots",
											   NULL };
	unsigned sig = pdf_update_new(u), field = pdf_update_new(u), form = pdf_update_new(u), page;
	struct pdf_span cat, pg;
	char extra[64], m[32];
	struct tm tm;
	int r = catalog(d, &cat);

	if (!r)
		r = first_page(d, cat, &page, &pg);
	if (r)
		return r;
	gmtime_r(&when, &tm);
	strftime(m, sizeof(m), "D:%Y%m%d%H%M%SZ", &tm);
	pdf_update_begin(u, sig);
	pdf_update_printf(u,
			  "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
			  "/M (%s) /ByteRange ",
			  m);
	at->range_at = u->len;
	pdf_update_printf(u, RANGE_FMT, (size_t)0, (size_t)0, (size_t)0);
	pdf_update_printf(u, " /Contents ");
	at->contents_at = pdf_update_pos(u);
	pdf_update_printf(u, "<%0*d> >>", SIG_HEX, 0);
	pdf_update_end(u);
	pdf_update_begin(u, field);
	pdf_update_printf(u,
			  "<< /Type /Annot /Subtype /Widget /FT /Sig /T (kesu) /V %u 0 R "
			  "/Rect [0 0 0 0] /F 132 /P %u 0 R >>",
			  sig, page);
	pdf_update_end(u);
	pdf_update_begin(u, form);
	pdf_update_printf(u, "<< /Fields [%u 0 R] /SigFlags 3 >>", field);
	pdf_update_end(u);
	snprintf(extra, sizeof(extra), "/AcroForm %u 0 R", form);
	pdf_update_begin(u, d->root);
	r = pdf_update_dict_with(u, cat, cat_keys, extra);
	pdf_update_end(u);
	snprintf(extra, sizeof(extra), "/Annots [%u 0 R]", field);
	pdf_update_begin(u, page);
	if (!r)
		r = pdf_update_dict_with(u, pg, page_keys, extra);
	pdf_update_end(u);
	return r;
}

/* sign the two ranges of @b and write the signature into its placeholder */
static int sign_ranges(unsigned char *b, const size_t range[4], const struct cms_signer *s,
		       char *why, size_t why_len)
{
	unsigned char *data = malloc(range[1] + range[3] + 1), *der = NULL;
	size_t der_len = 0;
	int r;

	if (!data)
		return -ENOMEM;
	memcpy(data, b, range[1]);
	memcpy(data + range[1], b + range[2], range[3]);
	r = cms_signer_sign_cades(s, data, range[1] + range[3], &der, &der_len, why, why_len);
	free(data);
	if (r)
		return r;
	if (der_len > CERT_PDF_SIG_MAX) {
		snprintf(why, why_len, "the signature takes %zu bytes, over the %d reserved",
			 der_len, CERT_PDF_SIG_MAX);
		free(der);
		return -EMSGSIZE;
	}
	for (size_t i = 0; i < der_len; i++) {
		static const char hex[] = "0123456789abcdef";

		b[range[1] + 1 + 2 * i] = (unsigned char)hex[der[i] >> 4];
		b[range[1] + 2 + 2 * i] = (unsigned char)hex[der[i] & 15];
	}
	free(der);
	return 0;
}

int cert_pdf_sign(const void *pdf, size_t len, const struct cms_signer *s, time_t when,
		  unsigned char **out, size_t *out_len, char *why, size_t why_len)
{
	struct sig_place at = { 0 };
	struct pdf_update u;
	struct pdf_span cat, v;
	struct pdf_doc d;
	size_t upd_len = 0, range[4];
	char *upd = NULL, text[RANGE_LEN + 1];
	unsigned char *b = NULL;
	int r = pdf_doc_parse(pdf, len, &d);

	snprintf(why, why_len, "%s", "");
	if (r)
		return r;
	if (!catalog(&d, &cat) && !pdf_dict_get(cat, "AcroForm", &v)) {
		pdf_doc_free(&d);
		return -EEXIST;
	}
	pdf_update_init(&u, &d);
	r = sig_objects(&u, &d, when, &at);
	if (!r)
		r = pdf_update_finish(&u, &upd, &upd_len);
	else
		pdf_update_free(&u);
	pdf_doc_free(&d);
	if (!r)
		r = join(pdf, len, upd, upd_len, &b, out_len);
	if (r)
		return r;
	range[0] = 0;
	range[1] = at.contents_at;
	range[2] = at.contents_at + SIG_HEX + 2;
	range[3] = *out_len - range[2];
	snprintf(text, sizeof(text), RANGE_FMT, range[1], range[2], range[3]);
	memcpy(b + len + at.range_at, text, RANGE_LEN);
	r = sign_ranges(b, range, s, why, why_len);
	if (r) {
		free(b);
		return r;
	}
	*out = b;
	return 0;
}

/* ---- reading back ---- */

static int say(char *why, size_t len, int r, const char *what)
{
	snprintf(why, len, "%s", what);
	return r;
}

static int read_signature(const struct pdf_doc *d, struct pdf_span cat,
			  struct cert_pdf_contents *out, char *why, size_t why_len)
{
	struct pdf_span v, form, fields, f = { 0 }, field, sig, br, e = { 0 };
	unsigned num;
	unsigned long long x;

	if (pdf_dict_get(cat, "AcroForm", &v) == -ENOENT)
		return 0;
	if (pdf_span_ref(v, &num) || pdf_doc_object(d, num, &form, NULL) ||
	    pdf_dict_get(form, "Fields", &fields) || pdf_array_next(fields, &f) ||
	    pdf_span_ref(f, &num) || pdf_doc_object(d, num, &field, NULL) ||
	    pdf_dict_get(field, "V", &v) || pdf_span_ref(v, &num) ||
	    pdf_doc_object(d, num, &sig, NULL) || pdf_dict_get(sig, "ByteRange", &br) ||
	    pdf_dict_get(sig, "Contents", &v))
		return say(why, why_len, -EBADMSG, "no signature dictionary kesu can read");
	for (int i = 0; i < 4; i++) {
		if (pdf_array_next(br, &e) || pdf_span_int(e, &x))
			return say(why, why_len, -ERANGE, "an invalid /ByteRange");
		out->range[i] = (size_t)x;
	}
	if (pdf_array_next(br, &e) != -ENOENT)
		return say(why, why_len, -ERANGE, "an invalid /ByteRange");
	/* one hole, exactly the /Contents string, and nothing after the second range */
	if (out->range[0] || out->range[1] >= out->range[2] || out->range[2] > d->len ||
	    out->range[3] != d->len - out->range[2] || v.p != d->buf + out->range[1] ||
	    v.n != out->range[2] - out->range[1] || v.p[0] != '<' || v.p[v.n - 1] != '>')
		return say(why, why_len, -ERANGE,
			   "the signature does not cover the whole file (/ByteRange)");
	out->sig_hex = v.p + 1;
	out->signed_pdf = true;
	return 0;
}

/* the role of a signature file CERT.ROLE.EXT attached beside the certificate CERT */
static int sidecar_role(const char *cert, const char *name, bool *cms)
{
	size_t n = strlen(cert);
	const char *rest = name + n;

	if (strncmp(name, cert, n) || *rest != '.')
		return -1;
	for (int role = 0; role < CERT_NROLES; role++) {
		char want[64];

		snprintf(want, sizeof(want), ".%s.minisig", cert_role_name(role));
		if (!strcmp(rest, want)) {
			*cms = false;
			return role;
		}
		snprintf(want, sizeof(want), ".%s.p7s", cert_role_name(role));
		if (!strcmp(rest, want)) {
			*cms = true;
			return role;
		}
	}
	return -1;
}

struct attached {
	char name[256];
	struct pdf_span data;
	bool source, summary;
};

static int read_one_file(const struct pdf_doc *d, struct pdf_span ref, struct attached *a)
{
	struct pdf_span fs, v, ef, dict;
	unsigned num;

	if (pdf_span_ref(ref, &num) || pdf_doc_object(d, num, &fs, NULL) ||
	    pdf_dict_get(fs, "F", &v) || pdf_span_string(v, a->name, sizeof(a->name)) ||
	    pdf_dict_get(fs, "AFRelationship", &v) || pdf_dict_get(fs, "EF", &ef) ||
	    pdf_dict_get(ef, "F", &dict) || pdf_span_ref(dict, &num))
		return -EBADMSG;
	a->source = v.n == 7 && !memcmp(v.p, "/Source", 7);
	a->summary = v.n == 5 && !memcmp(v.p, "/Data", 5);
	return pdf_doc_object(d, num, &dict, &a->data);
}

static int read_files(const struct pdf_doc *d, struct pdf_span cat, struct attached *a, size_t *n)
{
	struct pdf_span v, names, tree, arr, e = { 0 };
	unsigned num;
	int r;

	if (pdf_dict_get(cat, "Names", &v) || pdf_span_ref(v, &num) ||
	    pdf_doc_object(d, num, &names, NULL) || pdf_dict_get(names, "EmbeddedFiles", &v) ||
	    pdf_span_ref(v, &num) || pdf_doc_object(d, num, &tree, NULL) ||
	    pdf_dict_get(tree, "Names", &arr))
		return -EBADMSG;
	for (*n = 0;; (*n)++) {
		r = pdf_array_next(arr, &e); /* the key; the file spec names itself in /F */
		if (r == -ENOENT)
			return *n ? 0 : -EBADMSG;
		if (r || *n == CERT_PDF_MAX_FILES || pdf_array_next(arr, &e) ||
		    read_one_file(d, e, &a[*n]))
			return -EBADMSG;
	}
}

/* SUMMARY.minisig or SUMMARY.p7s, as the station names the summary's signature */
static bool summary_sidecar(struct cert_pdf_contents *out, const struct attached *a)
{
	size_t n = strlen(out->summary_name);

	if (!out->summary || strncmp(a->name, out->summary_name, n) ||
	    (strcmp(a->name + n, ".minisig") && strcmp(a->name + n, ".p7s")) || out->summary_sig)
		return false;
	out->summary_sig = a->data.p;
	out->summary_sig_len = a->data.n;
	out->summary_cms = !strcmp(a->name + n, ".p7s");
	return true;
}

/* the signature file @a in the sigs of the certificate it is named after */
static int add_sidecar(struct cert_pdf_contents *out, const struct attached *a)
{
	struct cert_sigs *s;
	bool cms;
	int role = -1;
	size_t k;

	if (summary_sidecar(out, a))
		return 0;
	for (k = 0; role < 0 && k < out->ncerts; k++)
		role = sidecar_role(out->certs[k].name, a->name, &cms);
	if (role < 0)
		return -EBADMSG;
	s = &out->certs[k - 1].sigs;
	if (s->text[role])
		return -EBADMSG;
	s->text[role] = a->data.p;
	s->len[role] = a->data.n;
	s->cms[role] = cms;
	return 0;
}

/* one attached certificate (/Source), several in a machine's document, each with its sidecars */
static int read_contents(const struct pdf_doc *d, struct cert_pdf_contents *out)
{
	struct attached a[CERT_PDF_MAX_FILES];
	struct pdf_span cat;
	size_t n;

	if (catalog(d, &cat) || read_files(d, cat, a, &n))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		struct cert_pdf_attached *c = &out->certs[out->ncerts];

		if (a[i].summary) {
			/* one summary, and only where the document information states one */
			if (out->summary || !out->summary_sha256[0])
				return -EBADMSG;
			out->summary = (const unsigned char *)a[i].data.p;
			out->summary_len = a[i].data.n;
			memcpy(out->summary_name, a[i].name, sizeof(out->summary_name));
		}
		if (!a[i].source)
			continue;
		if (out->ncerts == (out->machine ? CERT_PDF_MACHINE_MAX : 1))
			return -EBADMSG;
		c->cert = (const unsigned char *)a[i].data.p;
		c->cert_len = a[i].data.n;
		memcpy(c->name, a[i].name, sizeof(c->name));
		out->ncerts++;
	}
	/* a summary of drives none of which has a certificate: the summary is all there is */
	if (!out->ncerts && !out->summary)
		return -EBADMSG;
	if (out->summary_sha256[0] && !out->summary)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		if (!a[i].source && !a[i].summary && add_sidecar(out, &a[i]))
			return -EBADMSG;
	out->cert = out->certs[0].cert;
	out->cert_len = out->certs[0].cert_len;
	out->sigs = out->certs[0].sigs;
	return 0;
}

/*
 * "KESU-MACHINE/1 [summary=HEX ]certificates=N sha256=HEX..." (N of them):
 * the summary attached, when there is one, and the certificates the document
 * lists
 */
static int read_machine_claim(const char *kw, struct cert_pdf_contents *out)
{
	const char *p = kw + strlen(CERT_PDF_MACHINE_PREFIX);
	unsigned n;
	int used;

	out->machine = true;
	if (sscanf(p, " summary=%64[0-9a-f]%n", out->summary_sha256, &used) == 1) {
		if (strlen(out->summary_sha256) != 64)
			return -EBADMSG;
		p += used;
	}
	if (sscanf(p, " certificates=%u%n", &n, &used) != 1 || (!n && !out->summary_sha256[0]) ||
	    n > CERT_PDF_MACHINE_MAX)
		return -EBADMSG;
	for (p += used; out->nlisted < n; out->nlisted++, p += used) {
		char *h = out->listed_sha256[out->nlisted];

		if (sscanf(p, " sha256=%64[0-9a-f]%n", h, &used) != 1 || strlen(h) != 64)
			return -EBADMSG;
	}
	return *p ? -EBADMSG : 0;
}

/* "KESU-CERT/1 id=ID sha256=HEX" in /Keywords of the document information */
static int read_page_claim(const struct pdf_doc *d, struct cert_pdf_contents *out)
{
	struct pdf_span info, v;
	char kw[2048];

	if (!d->info || pdf_doc_object(d, d->info, &info, NULL) ||
	    pdf_dict_get(info, "Keywords", &v) || pdf_span_string(v, kw, sizeof(kw)))
		return -EBADMSG;
	if (!strncmp(kw, CERT_PDF_MACHINE_PREFIX " ", strlen(CERT_PDF_MACHINE_PREFIX) + 1))
		return read_machine_claim(kw, out);
	if (sscanf(kw, CERT_PDF_QR_PREFIX " id=%36s sha256=%64s", out->page_id, out->page_sha256) !=
		    2 ||
	    strlen(out->page_id) != 36 || strlen(out->page_sha256) != 64)
		return -EBADMSG;
	return 0;
}

int cert_pdf_read(const void *pdf, size_t len, struct cert_pdf_contents *out, char *why,
		  size_t why_len)
{
	struct pdf_span cat;
	struct pdf_doc d;
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(why, why_len, "%s", "");
	r = pdf_doc_parse(pdf, len, &d);
	if (r)
		return say(why, why_len, r == -ENOMEM ? r : -EBADMSG,
			   "not a PDF kesu can read (trailer or cross-reference table)");
	if (catalog(&d, &cat))
		r = say(why, why_len, -EBADMSG, "no document catalog");
	/* the claim first: it says whether one certificate or a machine's are attached */
	if (!r && read_page_claim(&d, out))
		r = say(why, why_len, -EBADMSG, "the page's certificate id and hash are missing");
	if (!r && read_contents(&d, out))
		r = say(why, why_len, -EBADMSG, "no attached certificate kesu can read");
	if (!r)
		r = read_signature(&d, cat, out, why, why_len);
	pdf_doc_free(&d);
	return r;
}

static int pdf_verdict(struct cert_verification *out, enum cert_verdict v, const char *what,
		       const char *why)
{
	out->verdict = v;
	snprintf(out->why, sizeof(out->why), "%s%s%s", what, why[0] ? ": " : "", why);
	return 0;
}

/* the DER signature in the /Contents hex digits: its own length, the zeros after it dropped */
static int contents_der(const struct cert_pdf_contents *c, unsigned char **der, size_t *len)
{
	size_t nhex = c->range[2] - c->range[1] - 2, n = nhex / 2, total, k;
	unsigned char *b = malloc(n + 1);

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int hi = OPENSSL_hexchar2int((unsigned char)c->sig_hex[2 * i]);
		int lo = OPENSSL_hexchar2int((unsigned char)c->sig_hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(b);
			return -EBADMSG;
		}
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	if (n < 2 || b[0] != 0x30)
		goto bad;
	if (b[1] < 0x80) {
		total = 2 + (size_t)b[1];
	} else {
		k = b[1] & 0x7f;
		if (!k || k > 3 || n < 2 + k)
			goto bad;
		total = 0;
		for (size_t i = 0; i < k; i++)
			total = total << 8 | b[2 + i];
		total += 2 + k;
	}
	if (total > n)
		goto bad;
	*der = b;
	*len = total;
	return 0;
bad:
	free(b);
	return -EBADMSG;
}

static int check_pdf_signature(const unsigned char *pdf, const struct cert_pdf_contents *c,
			       const char *ca, struct cert_verification *out)
{
	unsigned char *der = NULL, *data = NULL;
	struct cms_trust *trust = NULL;
	char why[256] = "", cn[256];
	size_t der_len = 0;
	int r = contents_der(c, &der, &der_len);

	if (r == -ENOMEM)
		return r;
	if (r)
		return pdf_verdict(out, CERT_BAD_SIGNATURE, "PDF signature: not DER", "");
	if (!ca) {
		free(der);
		return pdf_verdict(out, CERT_UNTRUSTED,
				   "PDF signature: no CA to check it against (--trust-ca)", "");
	}
	data = malloc(c->range[1] + c->range[3] + 1);
	r = data ? cms_trust_load(ca, &trust, why, sizeof(why)) : -ENOMEM;
	if (!r) {
		memcpy(data, pdf, c->range[1]);
		memcpy(data + c->range[1], pdf + c->range[2], c->range[3]);
		r = cms_verify_trust(data, c->range[1] + c->range[3], der, der_len, trust, NULL, cn,
				     sizeof(cn), why, sizeof(why));
	}
	free(data);
	free(der);
	cms_trust_free(trust);
	if (r == -ENOMEM)
		return r;
	if (r == -EBADMSG || r == -EKEYREJECTED || r == -EOPNOTSUPP || r == -EFBIG)
		return pdf_verdict(out, CERT_BAD_SIGNATURE, "PDF signature does not verify", why);
	if (r)
		return pdf_verdict(out, CERT_UNTRUSTED, "PDF signature not trusted", why);
	return 0;
}

static void hex256(const void *buf, size_t len, char hex[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(buf, len, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* the attached files as cert_verify_file() reads sidecars: NUL-terminated copies */
static int verify_attached(const struct cert_pdf_attached *c, const struct cert_trust *t,
			   unsigned flags, struct cert_verification *out)
{
	struct cert_sigs sigs = { 0 };
	char *cert = strndup((const char *)c->cert, c->cert_len);
	int r = cert ? 0 : -ENOMEM;

	for (int i = 0; !r && i < CERT_NROLES; i++) {
		if (!c->sigs.text[i])
			continue;
		sigs.text[i] = malloc(c->sigs.len[i] + 1);
		if (!sigs.text[i]) {
			r = -ENOMEM;
			break;
		}
		memcpy((char *)sigs.text[i], c->sigs.text[i], c->sigs.len[i]);
		((char *)sigs.text[i])[c->sigs.len[i]] = '\0';
		sigs.len[i] = c->sigs.len[i];
		sigs.cms[i] = c->sigs.cms[i];
	}
	if (!r && memchr(c->cert, 0, c->cert_len))
		r = pdf_verdict(out, CERT_MALFORMED, "the attached certificate holds a NUL byte",
				"");
	else if (!r)
		r = cert_verify_mem(cert, c->cert_len, &sigs, t, flags, out);
	cert_sigs_free(&sigs);
	free(cert);
	return r;
}

int cert_pdf_verify_mem(const void *pdf, size_t len, const char *ca, const struct cert_trust *t,
			unsigned flags, struct cert_verification *out)
{
	struct cert_pdf_contents c;
	char why[256], hex[65];
	int r = cert_pdf_read(pdf, len, &c, why, sizeof(why));

	memset(out, 0, sizeof(*out));
	if (r == -ENOMEM)
		return r;
	if (r == -ERANGE)
		return pdf_verdict(out, CERT_BAD_SIGNATURE, "PDF", why);
	if (r)
		return pdf_verdict(out, CERT_MALFORMED, "PDF", why);
	snprintf(out->id, sizeof(out->id), "%s", c.page_id);
	if (c.machine)
		return pdf_verdict(out, CERT_MALFORMED,
				   "a machine's document, not one certificate's", "");
	if (!c.signed_pdf)
		return pdf_verdict(out, CERT_BAD_SIGNATURE, "the PDF is not signed", "");
	r = check_pdf_signature(pdf, &c, ca, out);
	if (r || out->verdict)
		return r;
	/* the page must show the certificate that is attached, not another valid one */
	hex256(c.cert, c.cert_len, hex);
	if (strcmp(hex, c.page_sha256))
		return pdf_verdict(
			out, CERT_MALFORMED,
			"the attached certificate is not the one the page shows (SHA-256)", "");
	r = verify_attached(&c.certs[0], t, flags, out);
	if (!r && out->verdict != CERT_MALFORMED && strcmp(out->id, c.page_id))
		return pdf_verdict(out, CERT_MALFORMED,
				   "the attached certificate is not the one the page shows (id)",
				   "");
	return r;
}

/* every attached certificate listed by the summary once, every listed one attached */
static int machine_listed(const struct cert_pdf_contents *c, struct cert_verification *out)
{
	char hex[65], why[280];

	if (c->ncerts != c->nlisted) {
		snprintf(why, sizeof(why), "%zu attached, %zu listed", c->ncerts, c->nlisted);
		return pdf_verdict(out, CERT_MALFORMED,
				   "the summary does not list the attached certificates", why);
	}
	for (size_t i = 0; i < c->ncerts; i++) {
		size_t seen = 0, listed = 0;

		hex256(c->certs[i].cert, c->certs[i].cert_len, hex);
		for (size_t j = 0; j < c->nlisted; j++)
			listed += !strcmp(hex, c->listed_sha256[j]);
		for (size_t j = 0; j < c->ncerts; j++)
			seen += c->certs[j].cert_len == c->certs[i].cert_len &&
				!memcmp(c->certs[j].cert, c->certs[i].cert, c->certs[i].cert_len);
		if (listed != 1 || seen != 1) {
			snprintf(why, sizeof(why), "%s", c->certs[i].name);
			return pdf_verdict(out, CERT_MALFORMED,
					   "an attached certificate is not the one the summary "
					   "lists (SHA-256)",
					   why);
		}
	}
	return 0;
}

int cert_pdf_verify_machine_mem(const void *pdf, size_t len, const char *ca,
				const struct cert_trust *t, unsigned flags,
				struct cert_pdf_machine_verification *out)
{
	struct cert_pdf_contents *c = malloc(sizeof(*c));
	char why[256];
	int r = c ? cert_pdf_read(pdf, len, c, why, sizeof(why)) : -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (r == -ENOMEM || !c->machine)
		goto out;
	out->machine = true;
	if (r == -ERANGE)
		r = pdf_verdict(&out->pdf, CERT_BAD_SIGNATURE, "PDF", why);
	else if (r)
		r = pdf_verdict(&out->pdf, CERT_MALFORMED, "PDF", why);
	else if (!c->signed_pdf)
		r = pdf_verdict(&out->pdf, CERT_BAD_SIGNATURE, "the PDF is not signed", "");
	else
		r = check_pdf_signature(pdf, c, ca, &out->pdf);
	if (!r && !out->pdf.verdict)
		r = machine_listed(c, &out->pdf);
	if (!r && !out->pdf.verdict && c->summary)
		r = cert_pdf_check_summary(c, t, out);
	for (size_t i = 0; !r && !out->pdf.verdict && i < c->ncerts; i++, out->n++) {
		snprintf(out->name[i], sizeof(out->name[i]), "%s", c->certs[i].name);
		r = verify_attached(&c->certs[i], t, flags, &out->cert[i]);
	}
out:
	free(c);
	return r == -ENOMEM ? r : 0;
}

void cert_pdf_machine_verification_free(struct cert_pdf_machine_verification *v)
{
	cert_verification_free(&v->pdf);
	cert_verification_free(&v->sum);
	for (size_t i = 0; i < v->n; i++)
		cert_verification_free(&v->cert[i]);
	v->n = 0;
}

int cert_pdf_verify_file(const char *path, const char *ca, const struct cert_trust *t,
			 unsigned flags, struct cert_verification *out)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	r = file_read(path, CERT_PDF_MAX, &buf, &len);
	if (r)
		return r;
	r = cert_pdf_verify_mem(buf, len, ca, t, flags, out);
	free(buf);
	return r;
}
