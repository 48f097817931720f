// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The printable certificate alone, for bench/cert-pdf: N pages rendered
 * with their certificate attached, then N more also signed (PAdES), in one
 * process, as a batch of kesu cert pdf would make them minus the file
 * writes. Prints the pages per second of each run, by the clock and by the
 * CPU time the process used: on a shared machine the second is the one to
 * compare.
 *
 * usage: certpdf CERT.json SIGN.pem SIGN.key [N]
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert/cms.h"
#include "cert/pdf.h"
#include "file.h"
#include "secmem.h"

static double now(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* one page: drawn, the certificate attached, signed when @s is given */
static int one(const char *cert, size_t len, const struct cms_signer *s)
{
	struct cert_pdf_page pg = { .lang = CERT_PDF_BOTH };
	struct cert_pdf_file f = { .name = "cert.json", .data = cert, .len = len, .source = true };
	unsigned char *pdf = NULL, *att = NULL, *sig = NULL;
	size_t n = 0, an = 0, sn = 0;
	char why[256];
	int r = cert_pdf_render(cert, len, &pg, &pdf, &n);

	if (!r)
		r = cert_pdf_attach(pdf, n, &f, 1, &att, &an);
	if (!r && s)
		r = cert_pdf_sign(att, an, s, time(NULL), &sig, &sn, why, sizeof(why));
	free(pdf);
	free(att);
	free(sig);
	return r;
}

static int run(const char *what, const char *cert, size_t len, const struct cms_signer *s, long n)
{
	double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID), dt, dc;
	int r = 0;

	for (long i = 0; !r && i < n; i++)
		r = one(cert, len, s);
	dt = now(CLOCK_MONOTONIC) - t0;
	dc = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (r) {
		fprintf(stderr, "certpdf: %s: %s\n", what, strerror(-r));
		return 1;
	}
	printf("%-9s %ld pages in %.2f s: %.1f pages/s; CPU %.2f s: %.1f pages/s\n", what, n, dt,
	       (double)n / dt, dc, (double)n / dc);
	return 0;
}

int main(int argc, char **argv)
{
	struct cms_signer *s = NULL;
	long n = argc > 4 ? strtol(argv[4], NULL, 10) : 1000;
	char *cert = NULL, why[256] = "";
	size_t len = 0;
	int r;

	if (argc < 4 || n <= 0) {
		fprintf(stderr, "usage: certpdf CERT.json SIGN.pem SIGN.key [N]\n");
		return 2;
	}
	if (secmem_init()) {
		fprintf(stderr, "certpdf: cannot initialise libsodium\n");
		return 1;
	}
	r = file_read(argv[1], 1 << 20, &cert, &len);
	if (!r)
		r = cms_signer_load(argv[2], argv[3], NULL, &s, why, sizeof(why));
	if (r) {
		fprintf(stderr, "certpdf: %s\n", why[0] ? why : strerror(-r));
		free(cert);
		return 1;
	}
	r = run("unsigned", cert, len, NULL, n) || run("signed", cert, len, s, n);
	cms_signer_free(s);
	free(cert);
	return r;
}
