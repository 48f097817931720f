// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu asset import and export: other registers' CSV in, Snipe-IT, GLPI, CSV and JSONL out. */
#include "config.h"

#include "asset_cmd.h"
#include "kesu.h"

int asset_cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return KESU_EXIT_FAILURE;
}

int asset_cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return KESU_EXIT_FAILURE;
}
