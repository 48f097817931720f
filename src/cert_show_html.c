// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert show --format html: the certificate as a printable page, the
 * same rows as the text form, a banner on a certificate of a failed
 * erasure, and a table for the signatures in ink.
 */
#include "config.h"

#include <stdio.h>

#include "src/cert_show.h"

/* the few words of the page that are neither field labels nor in the text form */
enum html_word {
	W_SIGNATURES,
	W_SIGN_NOTE,
	W_SIGN_DATE,
	W_DIGITAL,
	NWORDS,
};

static const char *const words[NWORDS][2] = {
	[W_SIGNATURES] = { "Signatures", "署名" },
	[W_SIGN_NOTE] = { "The digital signatures are the files FILE.operator.minisig and "
			  "FILE.approver.minisig (or .p7s); check them with kesu cert verify.",
			  "電子署名は FILE.operator.minisig と FILE.approver.minisig(または "
			  ".p7s)にあります。kesu cert verify で検証してください。" },
	[W_SIGN_DATE] = { "Signature and date", "署名・日付" },
	[W_DIGITAL] = { "Digital signatures", "電子署名" },
};

static const char *html_word(enum html_word w, enum cert_lang lang)
{
	return words[w][lang == CERT_LANG_JA];
}

void cert_page_html_put(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* control characters have no place in a page: shown as text_escape() does */
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				fprintf(f, "\\x%02x", (unsigned)(unsigned char)*s);
			else
				fputc(*s, f);
			break;
		}
	}
}

static const char html_style[] =
	"body{font-family:sans-serif;margin:2em;color:#000}"
	"h1{font-size:1.4em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
	"th,td{border:1px solid #444;padding:3px 8px;text-align:left;vertical-align:top;"
	"font-size:0.9em;word-break:break-all}th{width:35%;background:#eee}"
	".not-erased{border:6px double #c00;color:#c00;padding:0.5em 1em;margin-bottom:1em;"
	"font-weight:bold}.not-erased strong{font-size:1.6em;display:block}"
	".sign td{height:4em}@media print{body{margin:1cm}}";

static void html_head(const struct cert_page *p, const char *not_erased)
{
	FILE *f = p->f;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
		p->lang == CERT_LANG_JA ? "ja" : "en");
	fputs("<title>", f);
	if (not_erased)
		fputs(NOT_ERASED " - ", f);
	cert_page_html_put(f, cert_title(p->cert, p->lang));
	fputs(" ", f);
	cert_page_html_put(f, cert_get_string(p->cert, "id"));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_style);
	if (not_erased) {
		fputs("<div class=\"not-erased\" role=\"alert\"><strong>" NOT_ERASED "</strong>",
		      f);
		cert_page_html_put(f, not_erased);
		fputs("</div>\n", f);
	}
}

int cert_page_html(const struct cert_page *p, const char *not_erased)
{
	static const char *const signers[] = { "operator.name", "witness.name", "approver" };
	FILE *f = p->f;
	int r;

	html_head(p, not_erased);
	fputs("<h1>", f);
	cert_page_html_put(f, cert_title(p->cert, p->lang));
	fputs("</h1>\n<table>\n", f);
	r = cert_page_rows(p);
	if (r)
		return r;
	fputs("</table>\n<h2>", f);
	cert_page_html_put(f, html_word(W_DIGITAL, p->lang));
	fputs("</h2>\n<table class=\"digital\">\n", f);
	cert_page_sig_rows(p);
	fputs("</table>\n<h2>", f);
	cert_page_html_put(f, html_word(W_SIGNATURES, p->lang));
	fputs("</h2>\n<table class=\"sign\">\n", f);
	for (size_t i = 0; i < sizeof(signers) / sizeof(signers[0]); i++) {
		fputs("<tr><th>", f);
		cert_page_html_put(f, cert_label(signers[i], p->lang));
		fputs("</th><td>", f);
		cert_page_html_put(f, html_word(W_SIGN_DATE, p->lang));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<p>", f);
	cert_page_html_put(f, html_word(W_SIGN_NOTE, p->lang));
	fputs("</p>\n</body>\n</html>\n", f);
	return 0;
}
