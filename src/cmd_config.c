// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu config: show the configuration kesu runs with and where each value
 * came from, check a file. Also the one configuration of a run: main()
 * loads it before any command starts, the commands read ui_config().
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "certsign.h"
#include "conffile.h"
#include "kesu.h"

static const int config_exits[] = { KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				    KESU_EXIT_IO };
#define N_EXITS (sizeof(config_exits) / sizeof(config_exits[0]))

/* the configuration of this run: the file chosen by main(), and what it set */
static struct {
	const char *path;   /* NULL: CONFIG_DEFAULT_PATH, which may be missing */
	const char *origin; /* "--config", "KESU_CONFIG" or "default" */
	struct kesu_config cfg;
} run = { .origin = "default" };

void ui_config_select(const char *option)
{
	const char *env = getenv("KESU_CONFIG");

	run.path = option ? option : env;
	run.origin = option ? "--config" : env ? "KESU_CONFIG" : "default";
}

const struct kesu_config *ui_config(void)
{
	return &run.cfg;
}

/* "kesu: FILE:LINE: what is wrong", exit 2: the file is the person's to fix */
static int config_error(int r, const struct config_error *e, const char *named_by)
{
	if (!e->file[0])
		ui_err("%s: %s", named_by, e->msg);
	else if (e->line)
		ui_err("%s:%d: %s", ui_safe(e->file), e->line, ui_safe(e->msg));
	else
		ui_err("%s: %s", ui_safe(e->file), ui_safe(e->msg));
	return r == -ENOMEM ? KESU_EXIT_FAILURE : KESU_EXIT_USAGE;
}

const char *ui_ledger_location(void)
{
	if (run.cfg.ledger_url.line)
		return run.cfg.ledger_url.text;
	return run.cfg.ledger_path.line ? run.cfg.ledger_path.text : LEDGER_DEFAULT_PATH;
}

int ui_config_load(void)
{
	struct config_error e;
	int r = config_load(run.path, &run.cfg, &e);

	return r ? config_error(r, &e, run.origin) : 0;
}

/* what kesu uses when neither an option nor the file says */
static const char *default_of(const struct config_key *k)
{
	if (!strcmp(k->section, "trust") && !strcmp(k->name, "dir"))
		return TRUST_DIR;
	/* [ledger] url has none: without it, the path (SQLite) */
	if (!strcmp(k->section, "ledger") && !strcmp(k->name, "path"))
		return LEDGER_DEFAULT_PATH;
	if (!strcmp(k->section, "ledger") && !strcmp(k->name, "queue")) {
		static char queue[4096];

		return ledger_queue_default(queue, sizeof(queue)) ? NULL : queue;
	}
	if (k->is_bool)
		return "no";
	if (!strcmp(k->section, "policy") && !strcmp(k->name, "inspect_days"))
		return CONFIG_INSPECT_DAYS_TEXT;
	return NULL;
}

static json_t *show_json(const struct kesu_config *cfg)
{
	json_t *doc = json_pack("{s:s,s:s,s:b}", "file", run.path ? run.path : CONFIG_DEFAULT_PATH,
				"selected_by", run.origin, "read", cfg->file[0] != '\0');

	for (const char *const *s = config_sections; doc && *s; s++)
		if (json_object_set_new(doc, *s, json_object()))
			doc = NULL;
	for (const struct config_key *k = config_keys; doc && k->section; k++) {
		const struct config_value *v = config_value(cfg, k);
		json_t *o = v->line ? json_pack("{s:s,s:s,s:i}", "value", v->text, "source", "file",
						"line", v->line) :
				      json_pack("{s:s?,s:s}", "value", default_of(k), "source",
						"default");

		if (json_object_set_new(json_object_get(doc, k->section), k->name, o))
			return NULL;
	}
	return doc;
}

static int written(int r)
{
	if (r)
		ui_err("standard output: %s", strerror(-r));
	return r ? KESU_EXIT_IO : KESU_EXIT_SUCCESS;
}

static int show_text(const struct kesu_config *cfg)
{
	const char *file = run.path ? run.path : CONFIG_DEFAULT_PATH;

	printf("%-24s %s (%s%s)\n", "file", ui_safe(file), run.origin,
	       cfg->file[0] ? "" : "; missing: every value is its default");
	for (const struct config_key *k = config_keys; k->section; k++) {
		const struct config_value *v = config_value(cfg, k);
		char name[64];

		snprintf(name, sizeof(name), "%s.%s", k->section, k->name);
		if (v->line)
			printf("%-24s %s (%s:%d)\n", name, v->text, ui_safe(cfg->file), v->line);
		else
			printf("%-24s %s (default)\n", name, default_of(k) ? default_of(k) : "-");
	}
	return written(fflush(stdout) ? -errno : 0);
}

static int config_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, help = false;
	json_t *doc;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h')
			help = true;
		else
			return ui_option_error("config show", c, argv, opts);
	}
	if (help) {
		printf("usage: kesu [--config FILE] config show [--json]\n\n"
		       "The configuration kesu runs with: each value, and the file:line it came\n"
		       "from or \"default\". Options of the other commands override it.\n\n"
		       "      --json    one JSON object\n"
		       "  -h, --help\n");
		ui_print_exit_status(stdout, config_exits, N_EXITS);
		return KESU_EXIT_SUCCESS;
	}
	if (optind != argc)
		return ui_usage_error("config show", "config show: no arguments expected");
	r = ui_config_load();
	if (r || !json)
		return r ? r : show_text(&run.cfg);
	doc = show_json(&run.cfg);
	if (!doc) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	r = ui_print_json(stdout, doc);
	json_decref(doc);
	return written(r);
}

static int config_cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kesu_config cfg;
	struct config_error e;
	const char *path;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c != 'h')
			return ui_option_error("config check", c, argv, opts);
		printf("usage: kesu [--config FILE] config check [FILE]\n\n"
		       "Check a configuration file (default: the one kesu would read) and say\n"
		       "FILE:LINE: what is wrong, or that it is valid.\n\n"
		       "  -h, --help\n");
		ui_print_exit_status(stdout, config_exits, N_EXITS);
		return KESU_EXIT_SUCCESS;
	}
	if (argc - optind > 1)
		return ui_usage_error("config check", "config check: give at most one file");
	path = optind < argc ? argv[optind] : run.path;
	r = config_load(path, &cfg, &e);
	if (r)
		return config_error(r, &e, "config check");
	printf("%s: %s\n", ui_safe(path ? path : CONFIG_DEFAULT_PATH),
	       cfg.file[0] ? "valid" : "missing: every value is its default");
	return KESU_EXIT_SUCCESS;
}

static const struct ui_command subs[] = {
	{ "show", config_cmd_show, "[--json]",
	  "the configuration in effect, and where each value came from" },
	{ "check", config_cmd_check, "[FILE]",
	  "check a configuration file: FILE:LINE of its first mistake" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_config(int argc, char **argv)
{
	return ui_dispatch("config", subs, argc, argv);
}
