// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu devices: the block devices kesu could erase, and whether each is in use. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "devinfo.h"
#include "erase/caps.h"
#include "erase/erase.h"
#include "fw.h"
#include "inuse.h"
#include "jsonutil.h"
#include "kesu.h"
#include "log.h"

struct devices_opts {
	bool json;
	bool all;
	bool help;
};

static const int devices_exits[] = { KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE };

/* One listed device and the answer to "is it in use". */
struct devices_row {
	struct dev_info *info;
	struct inuse usage;
	bool in_use;
	bool unknown; /* the check itself failed: in use, for want of an answer */
	struct erase_caps caps;
	bool probed;	 /* erase_caps_probe() read at least one part */
	char purge[768]; /* the purge line, or why nothing could be probed */
};

static int devices_help(void)
{
	fputs("usage: kesu devices [--json] [--all]\n"
	      "\n"
	      "List the block devices with their identity, whether they are in use, and the\n"
	      "Purge methods each drive supports (read-only drive commands).\n"
	      "\n"
	      "Options:\n"
	      "  --json      print a JSON array instead of a table\n"
	      "  --all       also list empty devices, unattached loop devices and RAM disks\n"
	      "  -h, --help  show this help\n\n",
	      stdout);
	ui_print_exit_status(stdout, devices_exits,
			     sizeof(devices_exits) / sizeof(devices_exits[0]));
	return KESU_EXIT_SUCCESS;
}

/* Returns 0 to go on, or the exit code to return (ui.c's contract). */
static int devices_parse(int argc, char **argv, struct devices_opts *opts)
{
	enum { OPT_JSON = 256, OPT_ALL, OPT_DEBUG };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* 0, not 1: the front end may already have run getopt on its own options */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: opts->json = true; break;
		case OPT_ALL: opts->all = true; break;
		case OPT_DEBUG: ui_debug = true; break;
		case 'h': opts->help = true; break;
		default: return ui_option_error("devices", c, argv, longopts);
		}
	}
	if (opts->help)
		return 0;
	if (optind < argc)
		return ui_usage_error("devices", "unexpected argument '%s'", ui_safe(argv[optind]));
	return 0;
}

/* "1.5G" as lsblk prints it; integer arithmetic, one decimal when not whole. */
static void human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	uint64_t scale = 1;
	unsigned int u = 0;
	uint64_t whole, tenths;

	while (u + 1 < sizeof(units) - 1 && bytes / scale >= 1024) {
		scale *= 1024;
		u++;
	}
	whole = bytes / scale;
	tenths = (bytes % scale) * 10 / scale;
	if (tenths && whole < 100)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", whole, tenths, units[u]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", whole, units[u]);
}

/* Which checks fired, for the IN-USE column: "mounted,holders", "unknown" or "-". */
static void usage_words(const struct devices_row *row, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (row->unknown)
		used = (size_t)snprintf(buf, len, "unknown");
	for (int r = 0; r < INUSE_NREASONS && used < len; r++)
		if (row->usage.flags & (1u << r))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 inuse_code((enum inuse_reason)r));
	if (!buf[0])
		snprintf(buf, len, "-");
}

static const char *tristate(int v)
{
	return v < 0 ? "-" : v ? "1" : "0";
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

enum {
	COL_PATH,
	COL_MODEL,
	COL_SERIAL,
	COL_SIZE,
	COL_TRAN,
	COL_ROTA,
	COL_RM,
	COL_CONTENT,
	COL_INUSE,
	COL_PURGE,
	NCOLS
};

static void row_cells(const struct devices_row *row, char *size, size_t slen, char *use,
		      size_t ulen, const char *cell[NCOLS])
{
	const struct dev_info *d = row->info;

	human_size(d->size, size, slen);
	usage_words(row, use, ulen);
	cell[COL_PATH] = d->path;
	cell[COL_MODEL] = or_dash(d->model);
	cell[COL_SERIAL] = or_dash(d->serial);
	cell[COL_SIZE] = size;
	cell[COL_TRAN] = or_dash(d->transport);
	cell[COL_ROTA] = tristate(d->rotational);
	cell[COL_RM] = tristate(d->removable);
	cell[COL_CONTENT] = or_dash(d->content);
	cell[COL_INUSE] = use;
	cell[COL_PURGE] = row->purge;
}

static void print_table(const struct devices_row *rows, size_t n)
{
	static const char *const head[NCOLS] = {
		"PATH", "MODEL", "SERIAL",  "SIZE",   "TRAN",
		"ROTA", "RM",	 "CONTENT", "IN-USE", "PURGE",
	};
	const char *cell[NCOLS];
	char size[32], use[96];
	int width[NCOLS];
	size_t i;
	int c;

	for (c = 0; c < NCOLS; c++)
		width[c] = (int)strlen(head[c]);
	for (i = 0; i < n; i++) {
		row_cells(&rows[i], size, sizeof(size), use, sizeof(use), cell);
		for (c = 0; c < NCOLS; c++)
			if ((int)strlen(cell[c]) > width[c])
				width[c] = (int)strlen(cell[c]);
	}
	for (i = 0; i <= n; i++) {
		if (i == 0)
			memcpy(cell, head, sizeof(cell));
		else
			row_cells(&rows[i - 1], size, sizeof(size), use, sizeof(use), cell);
		for (c = 0; c < NCOLS; c++) {
			/* sizes line up on the right, as in lsblk */
			if (c == COL_SIZE)
				printf("%*s", width[c], cell[c]);
			else if (c == NCOLS - 1)
				printf("%s", cell[c]);
			else
				printf("%-*s", width[c], cell[c]);
			fputs(c == NCOLS - 1 ? "\n" : "  ", stdout);
		}
	}
}

/* The same codes as the IN-USE column, in the same order. */
static json_t *usage_codes(const struct devices_row *row)
{
	json_t *a = json_array();
	int r = 0;

	if (a && row->unknown)
		r = json_array_append_new(a, json_string("unknown"));
	for (int i = 0; a && r == 0 && i < INUSE_NREASONS; i++)
		if (row->usage.flags & (1u << i))
			r = json_array_append_new(a, json_string(inuse_code((enum inuse_reason)i)));
	if (r < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* the firmware methods (those with a supported hook), each with its answer */
static json_t *methods_json(const struct devices_row *row)
{
	json_t *o = json_object(), *m;
	char why[256];
	bool ok;

	for (const struct erase_method *e = erase_methods(); o && e->name; e++) {
		if (!e->supported || !strcmp(e->name, "auto"))
			continue;
		why[0] = '\0';
		ok = row->probed && e->supported(&row->caps, why, sizeof(why));
		if (!row->probed)
			snprintf(why, sizeof(why), "%s", row->purge);
		m = json_pack("{s:b, s:s, s:s}", "supported", ok, "category", e->category,
			      "technique", e->technique);
		if (!m || json_object_set_new(m, "reason", ok ? json_null() : json_text(why)) ||
		    json_object_set_new(o, e->name, m)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *nvme_json(const struct erase_caps *c)
{
	const struct sanitize_nvme_id *id = &c->nvme_id;

	if (!c->nvme)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:i, s:i, s:I}", "serial", json_text(id->sn), "model",
			 json_text(id->mn), "firmware", json_text(id->fr), "oacs", id->oacs, "fna",
			 id->fna, "sanicap", (json_int_t)id->sanicap);
}

static json_t *scsi_sa_json(const struct sanitize_scsi_caps *s)
{
	static const uint8_t sa[4] = { SCSI_SANITIZE_OVERWRITE, SCSI_SANITIZE_BLOCK,
				       SCSI_SANITIZE_CRYPTO, SCSI_SANITIZE_EXIT_FAILURE };
	static const char *const st[] = { "unknown", "not supported", "supported" };
	json_t *o = json_object();

	for (int i = 0; o && i < 4; i++)
		if (json_object_set_new(o, scsi_sa_name(sa[i]),
					json_pack("{s:s, s:i}", "support", st[s->support[i] % 3],
						  "support_field", s->support_raw[i]))) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *scsi_json(const struct erase_caps *c)
{
	const struct sanitize_scsi_caps *s = &c->scsi_caps;

	if (!c->scsi)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:i, s:b, s:o, s:o, s:o, s:o, s:b, s:o, s:o}", "vendor",
			 json_text(s->vendor), "product", json_text(s->product), "revision",
			 json_text(s->revision), "peripheral_type", s->peripheral_type, "removable",
			 s->removable, "serial",
			 s->serial_valid ? json_text(s->serial) : json_null(), "last_lba",
			 s->capacity_valid ? json_integer((json_int_t)s->last_lba) : json_null(),
			 "logical_block_length",
			 s->capacity_valid ? json_integer(s->block_len) : json_null(), "lbpme",
			 s->capacity_valid ? json_boolean(s->lbpme) : json_null(),
			 "report_supported_operation_codes", s->rsoc, "rsoc_reason",
			 s->rsoc ? json_null() : json_text(s->rsoc_why), "sanitize",
			 scsi_sa_json(s));
}

/*
 * The "purge" member: the line, the methods with their answers, and the raw
 * fields they were decided from. The ATA part is reported by what the ATA
 * probe fills (valid only, so far).
 */
static json_t *purge_json(const struct devices_row *row)
{
	const struct erase_caps *c = &row->caps;

	return json_pack("{s:o, s:b, s:o, s:o, s:o, s:o, s:o}", "line", json_text(row->purge),
			 "probed", row->probed, "reason",
			 row->probed ? json_null() : json_text(row->purge), "methods",
			 methods_json(row), "nvme", nvme_json(c), "ata",
			 c->ata ? json_pack("{s:b}", "valid", c->ata_id.valid) : json_null(),
			 "scsi", scsi_json(c));
}

static json_t *row_json(const struct devices_row *row)
{
	const struct dev_info *d = row->info;
	const char *why = row->in_use ? row->usage.why : NULL;
	json_t *o = json_devinfo(d);

	/* json_object_set_new() takes each value, also when it fails or the value is NULL */
	if (!o || json_object_set_new(o, "name", json_str_or_null(d->name)) ||
	    json_object_set_new(o, "read_only", json_tristate(d->read_only)) ||
	    json_object_set_new(o, "in_use", json_boolean(row->in_use)) ||
	    json_object_set_new(o, "in_use_codes", usage_codes(row)) ||
	    json_object_set_new(o, "in_use_reason", json_str_or_null(why)) ||
	    json_object_set_new(o, "purge", purge_json(row))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(const struct devices_row *rows, size_t n)
{
	json_t *arr = json_array(), *obj;
	int r = 0;

	if (!arr)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		obj = row_json(&rows[i]);
		if (!obj || json_array_append_new(arr, obj) < 0) {
			r = -ENOMEM;
			goto out;
		}
	}
	if (json_dumpf(arr, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF)
		r = -EIO;
out:
	json_decref(arr);
	return r;
}

/* When the check itself fails the device counts as in use: saying "free" would be a guess. */
static void devices_check(struct devices_row *row)
{
	int r = inuse_check(row->info, -1, &row->usage);

	row->in_use = inuse_any(&row->usage);
	if (r < 0) {
		ui_warn("%s: cannot tell whether it is in use: %s", row->info->path, strerror(-r));
		row->in_use = true;
		row->unknown = true;
		snprintf(row->usage.why, sizeof(row->usage.why), "cannot check: %s", strerror(-r));
	}
}

/*
 * What libblkid finds on the device, read through a read-only descriptor
 * opened without O_EXCL: listing must not disturb a device that is busy.
 * A device that cannot be opened keeps content null.
 */
static int devices_probe(struct dev_info *info)
{
	int fd = open(info->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), r;

	if (fd < 0) {
		log_dbg("%s: cannot open to probe the content: %s", info->path, strerror(errno));
		return 0;
	}
	r = devinfo_probe_content(info, fd);
	close(fd);
	return r;
}

/*
 * What the drive can do for a Purge, asked with read-only commands (identify,
 * inquiry, report supported operation codes). A device that cannot be asked
 * says why in its purge line; it never fails the listing.
 */
static void devices_caps(struct devices_row *row)
{
	row->probed = !erase_caps_probe_path(row->info, &row->caps, row->purge, sizeof(row->purge));
}

int cmd_devices(int argc, char **argv)
{
	struct devices_opts opts = { 0 };
	struct devices_row *rows = NULL;
	struct dev_info *list = NULL;
	size_t n = 0, i;
	int r, ret;

	ret = devices_parse(argc, argv, &opts);
	if (ret || opts.help)
		return ret ? ret : devices_help();

	r = devinfo_list_flags(&list, &n, opts.all ? DEVINFO_LIST_ALL : 0);
	if (r < 0) {
		ui_err("cannot list block devices: %s", strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		rows[i].info = &list[i];
		devices_check(&rows[i]);
		devices_caps(&rows[i]);
		r = devices_probe(&list[i]);
		if (r < 0)
			goto out;
	}
	if (opts.json) {
		r = print_json(rows, n);
	} else {
		print_table(rows, n);
		r = fflush(stdout) == EOF ? -errno : 0;
	}
out:
	if (r < 0)
		ui_err("cannot list block devices: %s", strerror(-r));
	free(rows);
	devinfo_list_free(list, n);
	return r < 0 ? KESU_EXIT_FAILURE : KESU_EXIT_SUCCESS;
}
