/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `kesu cert show` (src/cert_show.c), dispatched by cmd_cert(). */
#ifndef KESU_SRC_CERT_SHOW_H
#define KESU_SRC_CERT_SHOW_H

/* kesu cert show FILE [--json] [--lang ja|en] [--format text|html]; @argv[0] is "show" */
int cert_cmd_show(int argc, char **argv);

#endif
