/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The printable certificate: one A4 page drawn with cairo and pango
 * (IPAexGothic, embedded and subset, text extractable) and a QR code
 * (libqrencode) that carries the certificate id, the SHA-256 of its
 * canonical bytes and the organisation. The canonical certificate and its
 * signature sidecars go inside as PDF associated files, and the
 * organisation's X.509 key signs the whole file (PAdES baseline); both are
 * incremental updates written by pdf_update.h. cert_pdf_verify_mem() reads
 * back what kesu wrote and hands the certificate to cert_verify_mem().
 */
#ifndef KESU_CERT_PDF_H
#define KESU_CERT_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "cms.h"
#include "verdict.h"

enum cert_pdf_lang {
	CERT_PDF_JA,
	CERT_PDF_EN,
	CERT_PDF_BOTH, /* Japanese with the English label beside it */
};

/* one person's block at the foot of the page */
struct cert_pdf_person {
	const char *name;   /* printed name; NULL: blank line */
	const char *time;   /* when the verified signature was made; NULL: none */
	const char *key_id; /* the verified key's fingerprint; NULL: "not verified" */
};

enum { CERT_PDF_OPERATOR, CERT_PDF_WITNESS, CERT_PDF_APPROVER, CERT_PDF_NPERSONS };

/* what the page shows beyond the certificate itself */
struct cert_pdf_page {
	enum cert_pdf_lang lang;
	const char *organisation; /* NULL: the certificate's organisation.name */
	const char *department;	  /* NULL: the certificate's organisation.department */
	const char *logo_png;	  /* path of a PNG drawn in the header; NULL: none */
	struct cert_pdf_person person[CERT_PDF_NPERSONS];
};

/* the signed statement the page makes, also kept in the document information */
#define CERT_PDF_QR_PREFIX "KESU-CERT/1"
/* a machine's document states the SHA-256 of each certificate its summary lists */
#define CERT_PDF_MACHINE_PREFIX "KESU-MACHINE/1"

/**
 * cert_pdf_render() - the page of the certificate @cert (canonical bytes,
 * @len of them, already checked by cert_check())
 * @pdf: receives the PDF (free() it), @pdf_len its length
 *
 * A result other than "success" gets another title and a red banner, never
 * the certificate's title.
 *
 * Return: 0; -EBADMSG when @cert does not parse; -ENOENT when the logo or
 * the font cannot be loaded; -EIO when cairo fails; -ENOMEM
 */
int cert_pdf_render(const void *cert, size_t len, const struct cert_pdf_page *page,
		    unsigned char **pdf, size_t *pdf_len);

/* one certificate of a machine's document */
struct cert_pdf_machine_cert {
	const void *cert; /* canonical bytes, checked by cert_check() */
	size_t len;
	struct cert_pdf_person person[CERT_PDF_NPERSONS]; /* its page's signature blocks */
};

/* the most certificates on one machine's document */
#define CERT_PDF_MACHINE_MAX 16

/**
 * cert_pdf_render_machine() - one document for the @n certificates of one
 * machine: a summary page (the machine's DMI data, host and asset tag, one
 * row per drive, the overall result), then each certificate's own page as
 * cert_pdf_render() draws it
 * @page: the header, the language, and the summary's signature blocks
 *
 * The overall result is "erased" only when every certificate's result is
 * "success"; otherwise the summary gets the unfinished title and the red
 * banner, never the certificate's title. Call cert_machine_match() first:
 * this draws what it is given.
 *
 * Return: 0; -EINVAL (@n is 0 or over CERT_PDF_MACHINE_MAX); as
 * cert_pdf_render()
 */
int cert_pdf_render_machine(const struct cert_pdf_machine_cert *c, size_t n,
			    const struct cert_pdf_page *page, unsigned char **pdf, size_t *pdf_len);

/**
 * cert_pdf_render_summary() - cert_pdf_render_machine() for a machine
 * summary @sum (kesu-machine/1, @sum_len bytes, verified by
 * cert_machine_verify_mem()) and the @n certificates it lists, in its order:
 * the summary page shows the summary's machine (DMI manufacturer, product,
 * serial, UUID, asset tag, tag), every drive it lists (those without a
 * certificate too) and its result; the document information states the
 * SHA-256 of the summary besides each certificate's
 * @n: 0 when no drive has a certificate
 *
 * Call cert_machine_drive_match() for each certificate first: this draws
 * what it is given.
 *
 * Return: 0; -EINVAL (@n over CERT_PDF_MACHINE_MAX); -EBADMSG (@sum does not
 * parse); as cert_pdf_render()
 */
int cert_pdf_render_summary(const void *sum, size_t sum_len, const struct cert_pdf_machine_cert *c,
			    size_t n, const struct cert_pdf_page *page, unsigned char **pdf,
			    size_t *pdf_len);

/* a file to attach */
struct cert_pdf_file {
	const char
		*name; /* shown by readers and pdfdetach: bytes outside [A-Za-z0-9._-] become _ */
	const void *data;
	size_t len;
	bool source;  /* the certificate itself (/AFRelationship /Source), else a signature */
	bool summary; /* the machine summary kesu-machine/1 (/AFRelationship /Data) */
};

/* a machine's document: up to 16 drives, each certificate with its three sidecars, and the
 * summary with its signature */
#define CERT_PDF_MAX_FILES 66

/**
 * cert_pdf_attach() - @pdf with @files attached, byte for byte, as PDF
 * associated files (an incremental update: /EmbeddedFiles and /AF)
 * @out: receives the new PDF (free() it)
 *
 * Return: 0; -EINVAL (no file, more than CERT_PDF_MAX_FILES, or two of
 * them called the same); -EBADMSG (@pdf is not a PDF kesu can update);
 * -EEXIST (it already has attached files); -ENOMEM
 */
int cert_pdf_attach(const void *pdf, size_t len, const struct cert_pdf_file *files, size_t n,
		    unsigned char **out, size_t *out_len);

/* room for the CMS signature in the file: DER, hex-encoded twice as long */
#define CERT_PDF_SIG_MAX 8192

/**
 * cert_pdf_sign() - @pdf signed by @s (PAdES baseline, /ETSI.CAdES.detached):
 * an incremental update with the signature field, over every byte of the
 * result but the signature itself
 * @when: the signing time written in /M
 *
 * Return: 0; -EBADMSG (@pdf is not a PDF kesu can update); -EEXIST (it is
 * signed already); -EMSGSIZE (the signature is over CERT_PDF_SIG_MAX bytes);
 * the errnos of cms_signer_sign_cades() (-EIO with @why); -ENOMEM
 */
int cert_pdf_sign(const void *pdf, size_t len, const struct cms_signer *s, time_t when,
		  unsigned char **out, size_t *out_len, char *why, size_t why_len);

/* one certificate attached to a PDF, with its signature files */
struct cert_pdf_attached {
	const unsigned char *cert; /* borrowed from the PDF's buffer */
	size_t cert_len;
	struct cert_sigs sigs; /* borrowed too: do not cert_sigs_free() them */
	char name[256];	       /* the file name it is attached under */
};

/* what cert_pdf_read() found in a PDF that kesu made */
struct cert_pdf_contents {
	const unsigned char *cert; /* borrowed from the PDF's buffer */
	size_t cert_len;
	struct cert_sigs sigs; /* borrowed too: do not cert_sigs_free() them */
	char page_id[37];      /* what the page states (document information) */
	char page_sha256[65];
	/* a machine's document (KESU-MACHINE/1): every certificate attached, and the SHA-256
	 * of each that its summary lists; @cert and @sigs are then the first's */
	bool machine;
	size_t ncerts, nlisted;
	struct cert_pdf_attached certs[CERT_PDF_MACHINE_MAX];
	char listed_sha256[CERT_PDF_MACHINE_MAX][65];
	/* the machine summary attached (/Data) and its signature, borrowed; the SHA-256 the
	 * document information states for it ("" when it states none) */
	const unsigned char *summary;
	size_t summary_len;
	const char *summary_sig;
	size_t summary_sig_len;
	bool summary_cms;
	char summary_name[256];
	char summary_sha256[65];
	bool signed_pdf;
	size_t range[4];     /* /ByteRange when signed */
	const char *sig_hex; /* the /Contents hex digits, between range[1] + 1 and range[2] - 1 */
};

/**
 * cert_pdf_read() - parse what kesu must of @pdf: the cross-reference
 * sections and trailers, the catalog, the signature dictionary and the
 * attached files; every offset and length bounded by @len
 * @why: why @pdf was refused
 *
 * Return: 0; -EBADMSG (not a PDF kesu made: no attached certificate, a
 * filtered stream, an offset outside the file, ...); -ERANGE (the
 * signature's /ByteRange does not cover the whole file: bytes were added
 * after signing, or the range is invalid)
 */
int cert_pdf_read(const void *pdf, size_t len, struct cert_pdf_contents *out, char *why,
		  size_t why_len);

/**
 * cert_pdf_verify_mem() - is @pdf a signed page of a valid certificate?
 * The PDF's structure (malformed), its signature over the whole file by a
 * certificate that chains to @ca (bad-signature, untrusted), the page's
 * hash against the attached certificate's (malformed), then exactly what
 * cert_verify_mem() says of the attached certificate and its signatures
 * @ca: the CA certificates (PEM file) the PDF's signer must chain to;
 *      NULL: none, the PDF's signature is untrusted
 * @out: as cert_verify_mem(); release with cert_verification_free()
 *
 * Return: 0 (read @out->verdict), -ENOMEM
 */
int cert_pdf_verify_mem(const void *pdf, size_t len, const char *ca, const struct cert_trust *t,
			unsigned flags, struct cert_verification *out);

/* what cert_pdf_verify_machine_mem() found, the document's own verdict and each certificate's */
struct cert_pdf_machine_verification {
	bool machine;		      /* false: not a machine's document, nothing else is set */
	struct cert_verification pdf; /* structure, signature, summary; verdict CERT_VALID */
	/* a machine summary attached (kesu cert pdf --machine SUMMARY): its own verdict as
	 * cert_machine_verify_mem() gives it, and the name it is attached under */
	bool summary;
	struct cert_verification sum;
	char sum_name[256];
	size_t n; /* the certificates checked (0 unless pdf.verdict is valid) */
	char name[CERT_PDF_MACHINE_MAX][256];
	struct cert_verification cert[CERT_PDF_MACHINE_MAX];
};

/**
 * cert_pdf_verify_machine_mem() - is @pdf a signed machine's document
 * (cert_pdf_render_machine()) of valid certificates? Its structure
 * (malformed), its signature over the whole file by a certificate that
 * chains to @ca (bad-signature, untrusted), the attached certificates
 * against the SHA-256 list of the signed document information, each listed
 * once and none missing or added (malformed), all in @out->pdf; with a
 * machine summary attached (cert_pdf_render_summary()), the summary against
 * the hash listed for it and against the attached certificates, each drive's
 * certificate attached once and that drive's (cert_machine_drive_match()),
 * none attached that it does not list (malformed, in @out->pdf), and the
 * summary itself as cert_machine_verify_mem() checks it, in @out->sum; then
 * each certificate exactly as cert_verify_mem() checks it, in @out->cert
 * @out: @out->machine false when @pdf is no machine's document (then use
 *       cert_pdf_verify_mem()); release with cert_pdf_machine_verification_free()
 *
 * Return: 0 (read @out), -ENOMEM
 */
int cert_pdf_verify_machine_mem(const void *pdf, size_t len, const char *ca,
				const struct cert_trust *t, unsigned flags,
				struct cert_pdf_machine_verification *out);

void cert_pdf_machine_verification_free(struct cert_pdf_machine_verification *v);

/**
 * cert_pdf_check_summary() - the machine summary attached to @c (read by
 * cert_pdf_read(), its signature over the whole file checked): its SHA-256
 * the one the document information states, and its drives those of the
 * attached certificates (malformed, in @out->pdf); the summary itself as
 * cert_machine_verify_mem() checks it, in @out->sum
 *
 * Return: 0 (read @out->pdf.verdict and @out->sum.verdict), -ENOMEM
 */
int cert_pdf_check_summary(const struct cert_pdf_contents *c, const struct cert_trust *t,
			   struct cert_pdf_machine_verification *out);

/**
 * cert_pdf_verify_file() - cert_pdf_verify_mem() for the file @path
 * Return: 0 (read @out->verdict), -ENOMEM, or the errno of reading @path
 * (-ENOENT, -EACCES, -EISDIR, -EFBIG over CERT_PDF_MAX)
 */
int cert_pdf_verify_file(const char *path, const char *ca, const struct cert_trust *t,
			 unsigned flags, struct cert_verification *out);

/* the largest PDF read back */
#define CERT_PDF_MAX (16 << 20)

#endif
