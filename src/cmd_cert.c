// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu cert: the certificate subcommands. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kesu.h"
#include "src/cert.h"

static const struct {
	const char *name;
	int (*handler)(int argc, char **argv);
} cert_cmds[] = {
	{ "show", cert_cmd_show },
	{ NULL, NULL },
};

int cmd_cert(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs("usage: kesu cert show FILE [--json] [--lang ja|en] [--format text|html]\n",
		      argc < 2 ? stderr : stdout);
		return argc < 2 ? KESU_EXIT_USAGE : KESU_EXIT_SUCCESS;
	}
	for (size_t i = 0; cert_cmds[i].name; i++)
		if (!strcmp(cert_cmds[i].name, argv[1]))
			return cert_cmds[i].handler(argc - 1, argv + 1);
	return ui_usage_error("cert", "'%s' is not a kesu cert command", ui_safe(argv[1]));
}
