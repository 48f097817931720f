/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `kesu cert pdf` (src/cert_pdf.c), dispatched by cmd_cert(). */
#ifndef KESU_SRC_CERT_PDF_H
#define KESU_SRC_CERT_PDF_H

/* kesu cert pdf CERT.json [OPTIONS]; @argv[0] is "pdf" */
int cert_cmd_pdf(int argc, char **argv);

#endif
