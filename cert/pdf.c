// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The page of a certificate: cairo's PDF surface, pango for the text (so
 * that the fonts are embedded as subsets with ToUnicode maps, and copy and
 * search work in any reader) and libqrencode's modules drawn as rectangles.
 * IPAexGothic rather than Noto Sans CJK: both cover JIS X 0208 and Latin,
 * but IPAexGothic's subsets keep a page near 30 KB where Noto adds about
 * 0.9 MB per weight.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <openssl/sha.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "cert.h"
#include "pdf.h"

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 36.0
#define FONT "IPAexGothic"
#define QR_SIZE 92.0
#define SIGN_H 150.0 /* the signature blocks at the foot */

enum word {
	W_FAILED_TITLE,
	W_BANNER,
	W_YES,
	W_NO,
	W_NONE,
	W_BYTES_WRITTEN,
	W_COMPLETED,
	W_INCOMPLETE,
	W_VERIFIED,
	W_NOT_VERIFIED,
	W_BLOCKS,
	W_OPERATOR,
	W_WITNESS,
	W_APPROVER,
	W_NAME,
	W_SIGNED,
	W_KEY,
	W_SEAL,
	W_HANDWRITTEN,
	W_HASH,
	W_SIGN_NOTE,
	NWORDS,
};

static const char *const words[NWORDS][2] = {
	[W_FAILED_TITLE] = { "記録媒体消去記録(未完了)",
			     "Record of an unfinished media sanitization" },
	[W_BANNER] = { "消去未完了", "NOT ERASED" },
	[W_YES] = { "はい", "yes" },
	[W_NO] = { "いいえ", "no" },
	[W_NONE] = { "なし", "none" },
	[W_BYTES_WRITTEN] = { "バイト書き込み", "bytes written" },
	[W_COMPLETED] = { "完了", "completed" },
	[W_INCOMPLETE] = { "未完了", "not completed" },
	[W_VERIFIED] = { "検証済み", "verified" },
	[W_NOT_VERIFIED] = { "未検証", "not verified" },
	[W_BLOCKS] = { "ブロック", "blocks" },
	[W_OPERATOR] = { "作業者", "Operator" },
	[W_WITNESS] = { "立会人", "Witness" },
	[W_APPROVER] = { "承認者", "Approver" },
	[W_NAME] = { "氏名", "Name" },
	[W_SIGNED] = { "電子署名日時", "Signed" },
	[W_KEY] = { "鍵指紋", "Key" },
	[W_SEAL] = { "印", "Seal" },
	[W_HANDWRITTEN] = { "署名", "Signature" },
	[W_HASH] = { "証明書ファイルのSHA-256", "Certificate file SHA-256" },
	[W_SIGN_NOTE] = { "この証明書の正本は本PDFに添付されたJSONファイルと署名です。kesu cert verify "
			  "で検証できます。",
			  "The authoritative certificate is the JSON file attached to this PDF, "
			  "with its signatures; kesu cert verify checks them." },
};

/* the word in the page's language; both: "日本語 / English" */
static const char *word(enum word w, enum cert_pdf_lang lang, char *buf, size_t len)
{
	if (lang == CERT_PDF_JA)
		return words[w][0];
	if (lang == CERT_PDF_EN)
		return words[w][1];
	snprintf(buf, len, "%s / %s", words[w][0], words[w][1]);
	return buf;
}

struct page {
	cairo_t *cr;
	PangoLayout *layout;
	enum cert_pdf_lang lang;
	const json_t *doc;
	double y;
};

/* draw @text at (@x, @y) in a box @w wide; Return: its height */
static double text_at(struct page *p, double x, double y, double w, const char *text, double size,
		      bool bold)
{
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	int pw, ph;

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->layout, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, text, -1);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
	pango_layout_get_size(p->layout, &pw, &ph);
	return (double)ph / PANGO_SCALE;
}

static void value_label(FILE *m, const char *path, const char *v, enum cert_pdf_lang lang)
{
	const char *ja = cert_value_label(path, v, CERT_LANG_JA);
	const char *en = cert_value_label(path, v, CERT_LANG_EN);

	if (lang == CERT_PDF_JA && ja)
		fputs(ja, m);
	else if (lang == CERT_PDF_EN && en)
		fputs(en, m);
	else if (ja && en)
		fprintf(m, "%s (%s)", ja, en);
	else
		fputs(v, m);
}

static void ranges_value(FILE *m, const json_t *a, enum cert_pdf_lang lang)
{
	json_int_t total = 0;
	char w[96];

	if (!json_array_size(a)) {
		fputs(word(W_NONE, lang, w, sizeof(w)), m);
		return;
	}
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *r = json_array_get(a, i);
		json_int_t first = json_integer_value(json_object_get(r, "first_lba"));
		json_int_t count = json_integer_value(json_object_get(r, "count"));

		if (i < 8)
			fprintf(m, "%s%" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT,
				i ? ", " : "", first, first + count - (count > 0));
		total += count;
	}
	fprintf(m, "%s (%" JSON_INTEGER_FORMAT " %s)", json_array_size(a) > 8 ? ", ..." : "", total,
		word(W_BLOCKS, lang, w, sizeof(w)));
}

static void passes_value(FILE *m, const json_t *a, enum cert_pdf_lang lang)
{
	char w[96];

	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *ps = json_array_get(a, i);
		const char *pat = json_string_value(json_object_get(ps, "pattern"));

		fprintf(m, "%s%" JSON_INTEGER_FORMAT ": %s, %" JSON_INTEGER_FORMAT " ",
			i ? "\n" : "", json_integer_value(json_object_get(ps, "index")),
			pat ? pat : "-", json_integer_value(json_object_get(ps, "bytes_written")));
		fputs(word(W_BYTES_WRITTEN, lang, w, sizeof(w)), m);
		fprintf(m, ", %s",
			word(json_is_true(json_object_get(ps, "completed")) ? W_COMPLETED :
									      W_INCOMPLETE,
			     lang, w, sizeof(w)));
		fprintf(m, ", %s",
			word(json_is_true(json_object_get(ps, "verified")) ? W_VERIFIED :
									     W_NOT_VERIFIED,
			     lang, w, sizeof(w)));
	}
}

/* how the value at @path reads; NULL for a null value (or out of memory) */
static char *field_text(const json_t *doc, const char *path, enum cert_pdf_lang lang)
{
	const json_t *v = cert_get(doc, path);
	char *s = NULL, w[512];
	size_t n = 0;
	FILE *m;

	if (!v || json_is_null(v))
		return NULL;
	m = open_memstream(&s, &n);
	if (!m)
		return NULL;
	if (json_is_string(v))
		value_label(m, path, json_string_value(v), lang);
	else if (json_is_integer(v))
		fprintf(m, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		fprintf(m, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		fputs(word(json_is_true(v) ? W_YES : W_NO, lang, w, sizeof(w)), m);
	else if (!strcmp(path, "sanitization.passes"))
		passes_value(m, v, lang);
	else if (!strncmp(path, "errors.", 7))
		ranges_value(m, v, lang);
	else if (!strcmp(path, "evidence"))
		for (size_t i = 0; i < json_array_size(v); i++)
			fprintf(m, "%s%s", i ? "\n" : "",
				cert_evidence_line(json_array_get(v, i),
						   lang == CERT_PDF_EN ? CERT_LANG_EN :
									 CERT_LANG_JA,
						   w, sizeof(w)));
	else if (!strcmp(path, "verification.read_paths"))
		for (size_t i = 0; i < json_array_size(v); i++)
			fprintf(m, "%s%s %" JSON_INTEGER_FORMAT, i ? ", " : "",
				json_string_value(json_object_get(json_array_get(v, i), "path")),
				json_integer_value(json_object_get(json_array_get(v, i), "bytes")));
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

static const char *field_label(const char *path, enum cert_pdf_lang lang, char *buf, size_t len)
{
	const char *ja = cert_label(path, CERT_LANG_JA), *en = cert_label(path, CERT_LANG_EN);

	if (lang == CERT_PDF_JA)
		return ja;
	if (lang == CERT_PDF_EN)
		return en;
	snprintf(buf, len, "%s  %s", ja, en);
	return buf;
}

/* fields every page shows, null or not: what a person looks for first */
static bool always_shown(const char *path)
{
	static const char *const paths[] = {
		"media.asset_tag",    "media.serial",	"media.model",
		"media.manufacturer", "lease_contract", "witness.name"
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strcmp(paths[i], path))
			return true;
	return false;
}

/* fields the page shows elsewhere, or that are not the document's */
static bool shown_elsewhere(const char *path)
{
	return !strcmp(path, "title") || !strcmp(path, "approver") || !strcmp(path, "format") ||
	       !strcmp(path, "sha256") || !strcmp(path, "id") ||
	       !strcmp(path, "verification.sample_seed");
}

static int draw_fields(struct page *p)
{
	const double lw = p->lang == CERT_PDF_BOTH ? 200 : 150, x = MARGIN;
	const double vw = PAGE_W - 2 * MARGIN - lw - 8;
	char lbuf[256];

	cairo_set_line_width(p->cr, 0.3);
	for (const struct cert_label *l = cert_labels; l->path; l++) {
		char *v;
		double h;

		if (shown_elsewhere(l->path))
			continue;
		v = field_text(p->doc, l->path, p->lang);
		if (!v && !always_shown(l->path))
			continue;
		cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
		h = text_at(p, x, p->y, lw, field_label(l->path, p->lang, lbuf, sizeof(lbuf)), 7.0,
			    false);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		h = fmax(h, text_at(p, x + lw + 8, p->y, vw, v ? v : "—", 7.5, false));
		free(v);
		p->y += h + 1.5;
		cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
		cairo_move_to(p->cr, x, p->y - 0.7);
		cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 0.7);
		cairo_stroke(p->cr);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	return p->y > PAGE_H - MARGIN - SIGN_H ? -EMSGSIZE : 0;
}

/*
 * The modules as one image, a pixel each, scaled up without smoothing: as
 * rectangles they were a path of some 4,000 points that cairo formatted,
 * replayed and compressed for every page.
 */
static int draw_qr(struct page *p, const char *payload)
{
	QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	cairo_surface_t *img;
	cairo_pattern_t *pat;
	unsigned char *px;
	int w, stride, r = 0;

	if (!q)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	/* a quiet zone of four modules is part of the code */
	w = q->width + 8;
	img = cairo_image_surface_create(CAIRO_FORMAT_A8, w, w);
	if (cairo_surface_status(img)) {
		r = -ENOMEM;
		goto out;
	}
	cairo_surface_flush(img);
	px = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	memset(px, 0, (size_t)stride * w);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				px[(y + 4) * stride + x + 4] = 0xff;
	cairo_surface_mark_dirty(img);
	cairo_save(p->cr);
	cairo_translate(p->cr, PAGE_W - MARGIN - QR_SIZE, MARGIN);
	cairo_scale(p->cr, QR_SIZE / w, QR_SIZE / w);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_mask(p->cr, pat);
	cairo_pattern_destroy(pat);
	cairo_restore(p->cr);
out:
	cairo_surface_destroy(img);
	QRcode_free(q);
	return r;
}

static int draw_logo(struct page *p, const char *png, double *x)
{
	cairo_surface_t *img = cairo_image_surface_create_from_png(png);
	bool ok = cairo_surface_status(img) == CAIRO_STATUS_SUCCESS;
	double w, h, scale;

	if (ok) {
		w = cairo_image_surface_get_width(img);
		h = cairo_image_surface_get_height(img);
		scale = 40.0 / fmax(h, 1);
		if (w * scale > 120)
			scale = 120 / fmax(w, 1);
		cairo_save(p->cr);
		cairo_translate(p->cr, *x, MARGIN);
		cairo_scale(p->cr, scale, scale);
		cairo_set_source_surface(p->cr, img, 0, 0);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
		*x += w * scale + 8;
	}
	cairo_surface_destroy(img);
	return ok ? 0 : -ENOENT;
}

static void draw_title(struct page *p, bool failed)
{
	double w = PAGE_W - 2 * MARGIN - QR_SIZE - 8;
	char buf[160];

	if (failed) {
		cairo_set_source_rgb(p->cr, 0.75, 0, 0);
		p->y += text_at(p, MARGIN, p->y, w,
				word(W_FAILED_TITLE,
				     p->lang == CERT_PDF_EN ? CERT_PDF_EN : CERT_PDF_JA, buf,
				     sizeof(buf)),
				16, true);
		if (p->lang == CERT_PDF_BOTH)
			p->y += text_at(p, MARGIN, p->y, w, words[W_FAILED_TITLE][1], 10, false);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		return;
	}
	p->y += text_at(p, MARGIN, p->y, w,
			cert_title(p->doc, p->lang == CERT_PDF_EN ? CERT_LANG_EN : CERT_LANG_JA),
			18, true);
	if (p->lang == CERT_PDF_BOTH)
		p->y += text_at(p, MARGIN, p->y, w,
				cert_is_destruction(p->doc) ? "Certificate of Media Destruction" :
							      "Certificate of Media Sanitization",
				11, false);
}

/* a red band across the page that no one can miss on paper */
static void draw_banner(struct page *p)
{
	const char *reason = cert_get_string(p->doc, "result_reason");
	const char *result = cert_get_string(p->doc, "result");
	char text[1024], w[96];
	double h;

	snprintf(text, sizeof(text), "%s — %s%s%s", word(W_BANNER, CERT_PDF_BOTH, w, sizeof(w)),
		 result ? result : "?", reason ? ": " : "", reason ? reason : "");
	p->y += 4;
	cairo_set_source_rgb(p->cr, 0.8, 0, 0);
	cairo_rectangle(p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 26);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	h = text_at(p, MARGIN + 8, p->y + 5, PAGE_W - 2 * MARGIN - 16, text, 12, true);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += fmax(26, h + 10) + 4;
}

static void draw_person(struct page *p, double x, double y, double w, enum word role,
			const struct cert_pdf_person *who)
{
	char buf[512], wb[96], wb2[96], wb3[96];

	cairo_set_line_width(p->cr, 0.6);
	cairo_rectangle(p->cr, x, y, w, SIGN_H - 12);
	cairo_stroke(p->cr);
	text_at(p, x + 4, y + 3, w - 8, word(role, p->lang, wb, sizeof(wb)), 8.5, true);
	snprintf(buf, sizeof(buf), "%s: %s\n%s: %s\n%s: %s", word(W_NAME, p->lang, wb, sizeof(wb)),
		 who->name ? who->name : "", word(W_SIGNED, p->lang, wb2, sizeof(wb2)),
		 who->time ? who->time : "—", word(W_KEY, p->lang, wb3, sizeof(wb3)),
		 who->key_id ? who->key_id : words[W_NOT_VERIFIED][p->lang == CERT_PDF_EN]);
	text_at(p, x + 4, y + 17, w - 8, buf, 7, false);
	/* the seal (印) and a line to sign by hand: offices still stamp the paper */
	cairo_set_line_width(p->cr, 0.4);
	cairo_rectangle(p->cr, x + w - 48, y + SIGN_H - 60, 40, 40);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0.5, 0.5, 0.5);
	text_at(p, x + w - 46, y + SIGN_H - 74, 44, word(W_SEAL, CERT_PDF_JA, wb, sizeof(wb)), 7,
		false);
	text_at(p, x + 4, y + SIGN_H - 48, w - 60, word(W_HANDWRITTEN, p->lang, wb, sizeof(wb)),
		6.5, false);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_move_to(p->cr, x + 4, y + SIGN_H - 22);
	cairo_line_to(p->cr, x + w - 56, y + SIGN_H - 22);
	cairo_stroke(p->cr);
}

static void draw_signatures(struct page *p, const struct cert_pdf_page *pg)
{
	const double y = PAGE_H - MARGIN - SIGN_H + 12, w = (PAGE_W - 2 * MARGIN - 16) / 3;
	char buf[512];

	draw_person(p, MARGIN, y, w, W_OPERATOR, &pg->person[CERT_PDF_OPERATOR]);
	draw_person(p, MARGIN + w + 8, y, w, W_WITNESS, &pg->person[CERT_PDF_WITNESS]);
	draw_person(p, MARGIN + 2 * (w + 8), y, w, W_APPROVER, &pg->person[CERT_PDF_APPROVER]);
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	text_at(p, MARGIN, PAGE_H - MARGIN + 2, PAGE_W - 2 * MARGIN,
		word(W_SIGN_NOTE, p->lang, buf, sizeof(buf)), 6.5, false);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static int draw_header(struct page *p, const struct cert_pdf_page *pg, const char *org,
		       const char *hex)
{
	const char *dept = pg->department ? pg->department :
					    cert_get_string(p->doc, "organisation.department");
	const char *id = cert_get_string(p->doc, "id");
	double x = MARGIN, w;
	char line[512], wb[128];

	if (pg->logo_png && draw_logo(p, pg->logo_png, &x))
		return -ENOENT;
	w = PAGE_W - MARGIN - QR_SIZE - 8 - x;
	snprintf(line, sizeof(line), "%s%s%s", org ? org : "", dept ? "  " : "", dept ? dept : "");
	p->y += text_at(p, x, p->y, w, line, 10, false) + 6;
	if (p->y < MARGIN + 46)
		p->y = MARGIN + 46;
	draw_title(p, strcmp(cert_get_string(p->doc, "result"), "success") != 0);
	snprintf(line, sizeof(line), "%s: %s", field_label("id", p->lang, wb, sizeof(wb)), id);
	p->y += 4 + text_at(p, MARGIN, p->y + 4, PAGE_W - 2 * MARGIN - QR_SIZE, line, 8, false);
	snprintf(line, sizeof(line), "%s: %s", word(W_HASH, p->lang, wb, sizeof(wb)), hex);
	p->y += text_at(p, MARGIN, p->y, PAGE_W - 2 * MARGIN - QR_SIZE, line, 7, false);
	if (p->y < MARGIN + QR_SIZE)
		p->y = MARGIN + QR_SIZE;
	if (strcmp(cert_get_string(p->doc, "result"), "success"))
		draw_banner(p);
	p->y += 6;
	return 0;
}

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *m = closure;

	return fwrite(data, 1, len, m) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int draw_page(cairo_surface_t *s, const struct cert_pdf_page *pg, const json_t *doc,
		     const char *hex, const char *org)
{
	struct page p = { .lang = pg->lang, .doc = doc, .y = MARGIN };
	char *qr = NULL;
	int r;

	p.cr = cairo_create(s);
	p.layout = pango_cairo_create_layout(p.cr);
	if (asprintf(&qr, CERT_PDF_QR_PREFIX ";id=%s;sha256=%s;org=%s", cert_get_string(doc, "id"),
		     hex, org ? org : "") < 0) {
		qr = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = draw_qr(&p, qr);
	if (r)
		goto out;
	r = draw_header(&p, pg, org, hex);
	if (r)
		goto out;
	r = draw_fields(&p);
	draw_signatures(&p, pg);
	cairo_show_page(p.cr);
	if (cairo_status(p.cr))
		r = -EIO;
out:
	free(qr);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	return r;
}

static void sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(buf, len, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int cert_pdf_render(const void *cert, size_t len, const struct cert_pdf_page *page,
		    unsigned char **pdf, size_t *pdf_len)
{
	json_t *doc = json_loadb(cert, len, JSON_REJECT_DUPLICATES, NULL);
	const char *org;
	char hex[65], kw[160];
	cairo_surface_t *s;
	char *buf = NULL;
	size_t n = 0;
	FILE *m;
	int r;

	*pdf = NULL;
	if (!doc || !cert_get_string(doc, "id") || !cert_get_string(doc, "result")) {
		json_decref(doc);
		return -EBADMSG;
	}
	org = page->organisation ? page->organisation : cert_get_string(doc, "organisation.name");
	sha256_hex(cert, len, hex);
	m = open_memstream(&buf, &n);
	if (!m) {
		json_decref(doc);
		return -ENOMEM;
	}
	s = cairo_pdf_surface_create_for_stream(collect, m, PAGE_W, PAGE_H);
	/* what the page states, where cert_pdf_read() finds it without drawing it */
	snprintf(kw, sizeof(kw), CERT_PDF_QR_PREFIX " id=%s sha256=%s", cert_get_string(doc, "id"),
		 hex);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, kw);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, cert_get_string(doc, "id"));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kesu " PACKAGE_VERSION);
	r = draw_page(s, page, doc, hex, org);
	cairo_surface_finish(s);
	if (!r && cairo_surface_status(s))
		r = -EIO;
	cairo_surface_destroy(s);
	if (fclose(m) && !r)
		r = -ENOMEM;
	json_decref(doc);
	if (r) {
		free(buf);
		return r;
	}
	*pdf = (unsigned char *)buf;
	*pdf_len = n;
	return 0;
}

/* ---- one machine, several drives: the summary page ---- */

enum mword {
	M_TITLE,
	M_MACHINE,
	M_MANUFACTURER,
	M_PRODUCT,
	M_SERIAL,
	M_UUID,
	M_MEDIA,
	M_OVERALL,
	M_ALL_ERASED,
	M_NOT_ALL,
	M_CERT_ID,
	M_ASSET_TAG,
	M_TAG,
	M_SUMMARY_ID,
	M_CREATED,
	NMWORDS,
};

static const char *const mwords[NMWORDS][2] = {
	[M_TITLE] = { "記録媒体消去証明書(機器単位)",
		      "Certificate of Media Sanitization: machine" },
	[M_MACHINE] = { "機器", "Machine" },
	[M_MANUFACTURER] = { "機器製造元", "System manufacturer" },
	[M_PRODUCT] = { "機種名", "Product name" },
	[M_SERIAL] = { "機器製造番号", "System serial number" },
	[M_UUID] = { "機器UUID", "System UUID" },
	[M_MEDIA] = { "記録媒体数", "Media" },
	[M_OVERALL] = { "総合結果", "Overall result" },
	[M_ALL_ERASED] = { "全記録媒体消去済み", "every medium erased" },
	[M_NOT_ALL] = { "未完了の記録媒体あり", "not every medium erased" },
	[M_CERT_ID] = { "証明書ID", "Certificate ID" },
	[M_ASSET_TAG] = { "機器資産番号", "System asset tag" },
	[M_TAG] = { "機器管理番号", "Machine tag" },
	[M_SUMMARY_ID] = { "機器記録ID", "Machine summary ID" },
	[M_CREATED] = { "機器記録作成日時", "Machine summary created" },
};

static const char *mword(enum mword w, enum cert_pdf_lang lang, char *buf, size_t len)
{
	if (lang == CERT_PDF_JA)
		return mwords[w][0];
	if (lang == CERT_PDF_EN)
		return mwords[w][1];
	snprintf(buf, len, "%s  %s", mwords[w][0], mwords[w][1]);
	return buf;
}

/* the value every certificate agrees on, NULL when they differ or none has one */
static const char *common(json_t *const *docs, size_t n, const char *path)
{
	const char *v = cert_get_string(docs[0], path), *o;

	for (size_t i = 1; v && i < n; i++) {
		o = cert_get_string(docs[i], path);
		if (!o || strcmp(o, v))
			return NULL;
	}
	return v;
}

/* the asset tags of the drives, each once, in order */
static void asset_tags(json_t *const *docs, size_t n, char *out, size_t len)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++) {
		const char *t = cert_get_string(docs[i], "media.asset_tag");
		bool seen = !t;

		for (size_t j = 0; !seen && j < i; j++) {
			const char *o = cert_get_string(docs[j], "media.asset_tag");

			seen = o && !strcmp(o, t);
		}
		if (!seen)
			at += (size_t)snprintf(out + at, len - at, "%s%s", at ? ", " : "", t);
	}
}

/* a label and its value across the page, with a rule under them */
static void machine_row(struct page *p, const char *label, const char *value)
{
	const double lw = p->lang == CERT_PDF_BOTH ? 200 : 150;
	double h;

	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	h = text_at(p, MARGIN, p->y, lw, label, 8, false);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	h = fmax(h, text_at(p, MARGIN + lw + 8, p->y, PAGE_W - 3 * MARGIN - lw, value ? value : "—",
			    9, false));
	p->y += h + 2;
	cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
	cairo_set_line_width(p->cr, 0.3);
	cairo_move_to(p->cr, MARGIN, p->y - 1);
	cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 1);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void machine_block(struct page *p, json_t *const *docs, size_t n, size_t failed)
{
	static const struct {
		enum mword w;
		const char *path;
	} dmi[] = { { M_MANUFACTURER, "machine.manufacturer" },
		    { M_PRODUCT, "machine.product" },
		    { M_SERIAL, "machine.serial" },
		    { M_UUID, "machine.uuid" } };
	char lb[160], vb[160], wb[96], tags[512];

	for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++)
		machine_row(p, mword(dmi[i].w, p->lang, lb, sizeof(lb)),
			    common(docs, n, dmi[i].path));
	machine_row(p, field_label("host", p->lang, lb, sizeof(lb)), common(docs, n, "host"));
	asset_tags(docs, n, tags, sizeof(tags));
	machine_row(p, field_label("media.asset_tag", p->lang, lb, sizeof(lb)),
		    tags[0] ? tags : NULL);
	snprintf(vb, sizeof(vb), "%zu", n);
	machine_row(p, mword(M_MEDIA, p->lang, lb, sizeof(lb)), vb);
	if (failed)
		snprintf(vb, sizeof(vb), "%s (%zu/%zu)", mword(M_NOT_ALL, p->lang, wb, sizeof(wb)),
			 failed, n);
	else
		snprintf(vb, sizeof(vb), "%s", mword(M_ALL_ERASED, p->lang, wb, sizeof(wb)));
	if (failed)
		cairo_set_source_rgb(p->cr, 0.75, 0, 0);
	machine_row(p, mword(M_OVERALL, p->lang, lb, sizeof(lb)), vb);
}

/* one line per drive: model, serial, method, result, and the certificate that says so */
static void drive_rows(struct page *p, json_t *const *docs, size_t n)
{
	static const char *const cols[] = { "media.model", "media.serial", "sanitization.method",
					    "result", "id" };
	/* the last column holds a UUID on one line */
	static const double w[] = { 125, 115, 75, 45, 0 };
	enum cert_pdf_lang lang = p->lang == CERT_PDF_EN ? CERT_PDF_EN : CERT_PDF_JA;
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	char wb[96];
	double h = 0, x;

	p->y += 10;
	x = MARGIN + 20;
	for (size_t c = 0; c < ncols; x += w[c++]) {
		const char *l = c < ncols - 1 ? field_label(cols[c], lang, wb, sizeof(wb)) :
						mword(M_CERT_ID, lang, wb, sizeof(wb));

		h = fmax(h, text_at(p, x, p->y, w[c] ? w[c] - 4 : PAGE_W - MARGIN - x, l, 7, true));
	}
	p->y += h + 3;
	for (size_t i = 0; i < n; i++) {
		bool ok = !strcmp(cert_get_string(docs[i], "result"), "success");

		snprintf(wb, sizeof(wb), "%zu", i + 1);
		h = text_at(p, MARGIN, p->y, 18, wb, 7.5, false);
		x = MARGIN + 20;
		for (size_t c = 0; c < ncols; x += w[c++]) {
			char *v = field_text(docs[i], cols[c], lang);

			if (c == 3 && !ok)
				cairo_set_source_rgb(p->cr, 0.75, 0, 0);
			h = fmax(h, text_at(p, x, p->y, w[c] ? w[c] - 4 : PAGE_W - MARGIN - x,
					    v ? v : "—", w[c] ? 7.5 : 6.5, c == 3));
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			free(v);
		}
		p->y += h + 4;
	}
}

static int machine_header(struct page *p, const struct cert_pdf_page *pg, const char *org,
			  const char *dept, size_t failed, size_t n)
{
	double x = MARGIN;
	char line[512], wb[160];

	if (pg->logo_png && draw_logo(p, pg->logo_png, &x))
		return -ENOENT;
	snprintf(line, sizeof(line), "%s%s%s", org ? org : "", dept ? "  " : "", dept ? dept : "");
	p->y += text_at(p, x, p->y, PAGE_W - MARGIN - x, line, 10, false) + 6;
	p->y = fmax(p->y, MARGIN + 46);
	if (failed) {
		draw_title(p, true);
		snprintf(line, sizeof(line), "%s — %zu/%zu",
			 word(W_BANNER, CERT_PDF_BOTH, wb, sizeof(wb)), failed, n);
		p->y += 4;
		cairo_set_source_rgb(p->cr, 0.8, 0, 0);
		cairo_rectangle(p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 26);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 1, 1, 1);
		text_at(p, MARGIN + 8, p->y + 5, PAGE_W - 2 * MARGIN - 16, line, 12, true);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		p->y += 34;
	} else {
		p->y += text_at(p, MARGIN, p->y, PAGE_W - 2 * MARGIN,
				mwords[M_TITLE][p->lang == CERT_PDF_EN], 18, true);
		if (p->lang == CERT_PDF_BOTH)
			p->y += text_at(p, MARGIN, p->y, PAGE_W - 2 * MARGIN, mwords[M_TITLE][1],
					11, false);
	}
	p->y += 10;
	return 0;
}

static int draw_summary(cairo_surface_t *s, const struct cert_pdf_page *pg, json_t *const *docs,
			size_t n)
{
	struct page p = { .lang = pg->lang, .doc = docs[0], .y = MARGIN };
	size_t failed = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		failed += strcmp(cert_get_string(docs[i], "result"), "success") != 0;
	p.cr = cairo_create(s);
	p.layout = pango_cairo_create_layout(p.cr);
	r = machine_header(
		&p, pg, pg->organisation ? pg->organisation : common(docs, n, "organisation.name"),
		pg->department ? pg->department : common(docs, n, "organisation.department"),
		failed, n);
	if (r)
		goto out;
	machine_block(&p, docs, n, failed);
	drive_rows(&p, docs, n);
	if (p.y > PAGE_H - MARGIN - SIGN_H)
		r = -EMSGSIZE;
	draw_signatures(&p, pg);
	cairo_show_page(p.cr);
	if (!r && cairo_status(p.cr))
		r = -EIO;
out:
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	return r;
}

/* ---- one machine from its summary (kesu-machine/1) ---- */

/*
 * a drive of the summary as drive_rows() reads a certificate: the summary's
 * model, serial, result and certificate id, the method from that certificate
 */
static json_t *summary_row(const json_t *drive, json_t *const *docs, size_t n)
{
	const char *id = json_string_value(json_object_get(drive, "certificate"));
	const char *method = NULL;

	for (size_t i = 0; id && !method && i < n; i++)
		if (!strcmp(cert_get_string(docs[i], "id"), id))
			method = cert_get_string(docs[i], "sanitization.method");
	return json_pack("{s:{s:O, s:O}, s:{s:o}, s:O, s:O}", "media", "model",
			 json_object_get(drive, "model"), "serial",
			 json_object_get(drive, "serial"), "sanitization", "method",
			 method ? json_string(method) : json_null(), "result",
			 json_object_get(drive, "result"), "id",
			 json_object_get(drive, "certificate"));
}

/* the machine as its summary names it, the host and asset tags as the certificates give them */
static void summary_block(struct page *p, const json_t *sum, json_t *const *docs, size_t n,
			  size_t failed, size_t total)
{
	static const struct {
		enum mword w;
		const char *path;
	} rows[] = { { M_MANUFACTURER, "machine.manufacturer" },
		     { M_PRODUCT, "machine.product" },
		     { M_SERIAL, "machine.serial" },
		     { M_UUID, "machine.uuid" },
		     { M_ASSET_TAG, "machine.asset_tag" },
		     { M_TAG, "machine.tag" },
		     { M_SUMMARY_ID, "id" },
		     { M_CREATED, "created" } };
	char lb[160], vb[160], wb[96], tags[512] = "";

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		machine_row(p, mword(rows[i].w, p->lang, lb, sizeof(lb)),
			    cert_get_string(sum, rows[i].path));
	machine_row(p, field_label("host", p->lang, lb, sizeof(lb)),
		    n ? common(docs, n, "host") : NULL);
	if (n)
		asset_tags(docs, n, tags, sizeof(tags));
	machine_row(p, field_label("media.asset_tag", p->lang, lb, sizeof(lb)),
		    tags[0] ? tags : NULL);
	snprintf(vb, sizeof(vb), "%zu", total);
	machine_row(p, mword(M_MEDIA, p->lang, lb, sizeof(lb)), vb);
	if (failed)
		snprintf(vb, sizeof(vb), "%s (%zu/%zu)", mword(M_NOT_ALL, p->lang, wb, sizeof(wb)),
			 failed, total);
	else
		snprintf(vb, sizeof(vb), "%s", mword(M_ALL_ERASED, p->lang, wb, sizeof(wb)));
	if (failed)
		cairo_set_source_rgb(p->cr, 0.75, 0, 0);
	machine_row(p, mword(M_OVERALL, p->lang, lb, sizeof(lb)), vb);
}

/* the summary page of @sum: "erased" only as the summary says, which cert_machine_verify_mem()
 * holds to every drive being erased */
static int draw_summary_doc(cairo_surface_t *s, const struct cert_pdf_page *pg, const json_t *sum,
			    json_t *const *docs, size_t n)
{
	const json_t *drives = json_object_get(sum, "drives");
	size_t total = json_array_size(drives), failed = 0;
	struct page p = { .lang = pg->lang, .doc = sum, .y = MARGIN };
	json_t *rows[CERT_PDF_MACHINE_MAX * 4] = { 0 };
	int r = total > sizeof(rows) / sizeof(rows[0]) ? -EINVAL : 0;

	for (size_t i = 0; !r && i < total; i++) {
		failed += !json_is_true(json_object_get(json_array_get(drives, i), "erased"));
		rows[i] = summary_row(json_array_get(drives, i), docs, n);
		if (!rows[i])
			r = -ENOMEM;
	}
	if (!failed && strcmp(cert_get_string(sum, "result"), "erased"))
		r = -EBADMSG;
	p.cr = cairo_create(s);
	p.layout = pango_cairo_create_layout(p.cr);
	if (!r)
		r = machine_header(&p, pg,
				   pg->organisation ? pg->organisation :
				   n		    ? common(docs, n, "organisation.name") :
						      NULL,
				   pg->department ? pg->department :
				   n		  ? common(docs, n, "organisation.department") :
						    NULL,
				   failed, total);
	if (!r) {
		summary_block(&p, sum, docs, n, failed, total);
		drive_rows(&p, rows, total);
		if (p.y > PAGE_H - MARGIN - SIGN_H)
			r = -EMSGSIZE;
		draw_signatures(&p, pg);
		cairo_show_page(p.cr);
		if (!r && cairo_status(p.cr))
			r = -EIO;
	}
	for (size_t i = 0; i < total && i < sizeof(rows) / sizeof(rows[0]); i++)
		json_decref(rows[i]);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	return r;
}

static int draw_machine(cairo_surface_t *s, const struct cert_pdf_machine_cert *c, size_t n,
			const struct cert_pdf_page *pg, json_t *const *docs, const json_t *sum)
{
	struct cert_pdf_page one = *pg;
	char hex[65];
	int r = sum ? draw_summary_doc(s, pg, sum, docs, n) : draw_summary(s, pg, docs, n);

	for (size_t i = 0; !r && i < n; i++) {
		const char *org = pg->organisation ? pg->organisation :
						     cert_get_string(docs[i], "organisation.name");

		memcpy(one.person, c[i].person, sizeof(one.person));
		sha256_hex(c[i].cert, c[i].len, hex);
		r = draw_page(s, &one, docs[i], hex, org);
	}
	return r;
}

/*
 * what the document states, in its information where cert_pdf_read() finds
 * it: not CERT_PDF_QR_PREFIX, for it states no one certificate, but the
 * summary (when there is one) and the certificates it lists, for
 * cert_pdf_verify_machine_mem()
 */
static void machine_keywords(const struct cert_pdf_machine_cert *c, size_t n, const char *sum_hex,
			     char *kw, size_t len)
{
	size_t at = (size_t)snprintf(kw, len, CERT_PDF_MACHINE_PREFIX "%s%s certificates=%zu",
				     sum_hex ? " summary=" : "", sum_hex ? sum_hex : "", n);
	char hex[65];

	for (size_t i = 0; i < n && at < len; i++) {
		sha256_hex(c[i].cert, c[i].len, hex);
		at += (size_t)snprintf(kw + at, len - at, " sha256=%s", hex);
	}
}

static int render_machine(const json_t *sum, const char *sum_hex,
			  const struct cert_pdf_machine_cert *c, size_t n,
			  const struct cert_pdf_page *page, unsigned char **pdf, size_t *pdf_len)
{
	json_t *docs[CERT_PDF_MACHINE_MAX] = { 0 };
	char *buf = NULL, kw[160 + CERT_PDF_MACHINE_MAX * 72];
	cairo_surface_t *s;
	size_t blen = 0;
	FILE *m = NULL;
	int r = 0;

	*pdf = NULL;
	if ((!n && !sum) || n > CERT_PDF_MACHINE_MAX)
		return -EINVAL;
	for (size_t i = 0; !r && i < n; i++) {
		docs[i] = json_loadb(c[i].cert, c[i].len, JSON_REJECT_DUPLICATES, NULL);
		if (!docs[i] || !cert_get_string(docs[i], "id") ||
		    !cert_get_string(docs[i], "result"))
			r = -EBADMSG;
	}
	if (!r && !(m = open_memstream(&buf, &blen)))
		r = -ENOMEM;
	if (!r) {
		s = cairo_pdf_surface_create_for_stream(collect, m, PAGE_W, PAGE_H);
		machine_keywords(c, n, sum_hex, kw, sizeof(kw));
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, kw);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
					       "kesu " PACKAGE_VERSION);
		r = draw_machine(s, c, n, page, docs, sum);
		cairo_surface_finish(s);
		if (!r && cairo_surface_status(s))
			r = -EIO;
		cairo_surface_destroy(s);
		if (fclose(m) && !r)
			r = -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i]);
	if (r) {
		free(buf);
		return r;
	}
	*pdf = (unsigned char *)buf;
	*pdf_len = blen;
	return 0;
}

int cert_pdf_render_machine(const struct cert_pdf_machine_cert *c, size_t n,
			    const struct cert_pdf_page *page, unsigned char **pdf, size_t *pdf_len)
{
	return render_machine(NULL, NULL, c, n, page, pdf, pdf_len);
}

int cert_pdf_render_summary(const void *sum, size_t sum_len, const struct cert_pdf_machine_cert *c,
			    size_t n, const struct cert_pdf_page *page, unsigned char **pdf,
			    size_t *pdf_len)
{
	json_t *doc = json_loadb(sum, sum_len, JSON_REJECT_DUPLICATES, NULL);
	char hex[65];
	int r;

	*pdf = NULL;
	if (!doc || !json_is_array(json_object_get(doc, "drives")) ||
	    !cert_get_string(doc, "result")) {
		json_decref(doc);
		return -EBADMSG;
	}
	sha256_hex(sum, sum_len, hex);
	r = render_machine(doc, hex, c, n, page, pdf, pdf_len);
	json_decref(doc);
	return r;
}
