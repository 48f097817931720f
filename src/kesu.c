// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu: erase, verify and certify storage media. One binary, a table of subcommands. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kesu.h"
#include "secmem.h"

static const struct ui_command commands[] = {
	{ "erase", cmd_erase, "[OPTIONS] TARGET...",
	  "overwrite block devices or images and verify (NIST SP 800-88 Clear)" },
	{ "verify", cmd_verify, "--expect zero|one|pattern:HEX [OPTIONS] TARGET",
	  "read a device back and check that it holds the expected pattern" },
	{ "cert", cmd_cert, "issue|approve|verify|show [OPTIONS] ...",
	  "signed erasure certificates: issue, approve, verify offline, show" },
	{ "devices", cmd_devices, "[--json] [--all]",
	  "list block devices and whether they are in use" },
	{ "key", cmd_key, "generate|show [OPTIONS]",
	  "make and show signing keys (minisign format) for certificates" },
	{ "ledger", cmd_ledger, "add|verify|show|list|export|reconcile [OPTIONS] [ARGS]",
	  "record certificates in the asset ledger, check it, export and reconcile it" },
	{ "asset", cmd_asset, "add|show|list|edit|import|export [OPTIONS] [ARGS]",
	  "the asset register: assets and their history, in the ledger's chain" },
	{ "inspect", cmd_inspect, "[DEVICE...] [--register] [--json] [--sign-key KEY]",
	  "inspect removable media and the register; a signed inspection record" },
	{ "request", cmd_request, "create|approve|verify [OPTIONS] ...",
	  "signed requests and approvals: disposal, loans, taking out, holds" },
	{ "media", cmd_media, "format|open|close|mount|umount|passphrase|status|header-backup ...",
	  "encrypted removable media (LUKS2): format, open, passphrases, policy status" },
	{ "encrypt", cmd_encrypt, "[-r RECIPIENT]... [-R FILE]... [-p] [-a] [-o OUT] [IN]",
	  "encrypt a file for sending (age v1: stock age and rage decrypt it)" },
	{ "decrypt", cmd_decrypt, "[-i IDENTITY_FILE]... [-o OUT] [IN]",
	  "decrypt an age v1 file; nothing is kept unless all of it authenticates" },
	{ "station", cmd_station, "[--auto] [--policy FILE] [--no-tui] [--once] [DEVICE...]",
	  "the wiping station: every drive, hot-plug, unattended mode, a summary per machine" },
	{ "config", cmd_config, "show [--json] | check [FILE]",
	  "show the configuration in effect (kesu.conf) and where each value came from" },
	{ NULL, NULL, NULL, NULL },
};

static void help(FILE *f)
{
	fprintf(f, "usage: kesu [--debug] [--config FILE] <command> [<args>]\n"
		   "       kesu --version | help | <command> --help\n\ncommands:\n");
	for (const struct ui_command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->help);
	ui_print_exit_status(f, NULL, 0);
	fprintf(f, "\nsee kesu(8) and kesu <command> --help\n");
}

/* --debug and --config FILE (or --config=FILE), before the command */
static int global_options(int argc, char **argv, int *i, const char **config)
{
	for (; *i < argc; (*i)++) {
		if (!strcmp(argv[*i], "--debug"))
			ui_debug = true;
		else if (!strncmp(argv[*i], "--config=", 9))
			*config = argv[*i] + 9;
		else if (!strcmp(argv[*i], "--config") && *i + 1 < argc)
			*config = argv[++*i];
		else if (!strcmp(argv[*i], "--config"))
			return ui_usage_error(NULL, "--config needs a FILE");
		else
			break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	int i = 1, r;

	ui_init();
	r = global_options(argc, argv, &i, &config);
	if (r)
		return r;
	if (i >= argc)
		return ui_usage_error(NULL, "no command given");
	if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "version")) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return KESU_EXIT_SUCCESS;
	}
	if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
		if (i + 1 < argc) {
			char *sub[] = { argv[i + 1], "--help", NULL };

			for (const struct ui_command *c = commands; c->name; c++)
				if (!strcmp(c->name, argv[i + 1]))
					return c->handler(2, sub);
			return ui_usage_error(NULL, "'%s' is not a kesu command",
					      ui_safe(argv[i + 1]));
		}
		help(stdout);
		return KESU_EXIT_SUCCESS;
	}
	if (secmem_init()) {
		ui_err("cannot initialise libsodium");
		return KESU_EXIT_FAILURE;
	}
	ui_config_select(config);
	/* kesu config reads the file itself, so that it can show or check a broken one */
	if (strcmp(argv[i], "config") && (r = ui_config_load()))
		return r;
	for (const struct ui_command *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[i]))
			return c->handler(argc - i, argv + i);
	return ui_usage_error(NULL, "'%s' is not a kesu command", ui_safe(argv[i]));
}
