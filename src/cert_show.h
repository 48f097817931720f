/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `kesu cert show` (src/cert_show.c), dispatched by cmd_cert(). */
#ifndef KESU_SRC_CERT_SHOW_H
#define KESU_SRC_CERT_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cert/sig.h"

/*
 * kesu cert show FILE [--json] [--lang ja|en] [--format text|html] [--trust DIR]
 * [--trust-ca FILE]; @argv[0] is "show"
 */
int cert_cmd_show(int argc, char **argv);

/**
 * cert_show_trust() - the trust store for cert show: --trust DIR and
 * --trust-ca FILE as cert verify loads them; with neither given, none set
 * in kesu.conf and no default store installed, *@t is NULL (not checked)
 * Return: 0, or KESU_EXIT_FAILURE after saying why the store cannot load
 */
int cert_show_trust(const char *dir, const char *ca, struct cert_trust **t);

/* What the signature rows of cert show say, in one language. */
struct cert_show_sig {
	char *status[CERT_NROLES]; /* "valid (NAME, signed TIME)", "missing", ... */
	char *approver;		   /* the trust store's name of a verified approver, or NULL */
	char *verdict;		   /* cert verify's verdict and its reason */
};

/**
 * cert_show_sigs() - check the sidecars of @path over the certificate's
 * bytes @buf against @t (NULL: "not checked")
 * Return: 0, -ENOMEM
 */
int cert_show_sigs(const char *path, const void *buf, size_t len, const struct cert_trust *t,
		   enum cert_lang lang, struct cert_show_sig *out);
void cert_show_sig_free(struct cert_show_sig *s);

/* on every certificate of an erasure that failed, in both languages: it must not be missed */
#define NOT_ERASED "消去未完了 / NOT ERASED"

/* one certificate on its way out (src/cert_show.c, src/cert_show_html.c) */
struct cert_page {
	FILE *f;
	bool html;
	enum cert_lang lang;
	const json_t *cert;
	const char *sha256;
	const struct cert_show_sig *sig;
};

/* cert_page_rows() - a row for each field, in cert_labels order. Return: 0, -ENOMEM */
int cert_page_rows(const struct cert_page *p);
/* cert_page_sig_rows() - the operator's signature, the approval, cert verify's verdict */
void cert_page_sig_rows(const struct cert_page *p);
/* cert_page_html_put() - @s as HTML text: markup escaped, control characters as \xNN */
void cert_page_html_put(FILE *f, const char *s);
/**
 * cert_page_html() - the printable page; @not_erased: the banner's text, or NULL
 * Return: 0, -ENOMEM
 */
int cert_page_html(const struct cert_page *p, const char *not_erased);

#endif
