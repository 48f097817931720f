/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file, /etc/kesu/kesu.conf (kesu-config(5)): INI read
 * with libinih, every value checked, every mistake an error with its line.
 * It decides whose keys are trusted and where the ledger is, so a file that
 * someone other than root or the invoking user could have changed is
 * refused. (Not lib/config.h: that name is autoconf's.)
 */
#ifndef KESU_CONFFILE_H
#define KESU_CONFFILE_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_DEFAULT_PATH "/etc/kesu/kesu.conf"
/* the longest value in bytes, as for the options that take the same text */
#define CONFIG_VALUE_MAX 256
/* the most days a period may be: a hundred years, as kesu inspect --days takes */
#define CONFIG_DAYS_MAX 36500
/* [policy] inspect_days when the file does not set it: once a year (Art. 44's bulk inspection) */
#define CONFIG_INSPECT_DAYS 365
#define CONFIG_INSPECT_DAYS_TEXT "365"

/* One value and where it was set. */
struct config_value {
	char text[CONFIG_VALUE_MAX + 1]; /* "" when the file does not set it */
	int line;			 /* its line in the file; 0: not set */
};

/* Everything the file can set; owned by the caller, no allocation inside. */
struct kesu_config {
	char file[4096]; /* the file read; "" when none was (a missing default) */
	struct config_value org_name;
	struct config_value org_department;
	struct config_value org_location;
	struct config_value org_logo;
	struct config_value trust_dir;
	struct config_value trust_operator_oid; /* EKU or policy OIDs, comma-separated */
	struct config_value trust_approver_oid;
	struct config_value
		trust_contractor_oid; /* contractors' certificates: they sign as operator */
	struct config_value ledger_path;
	struct config_value ledger_url;	  /* a PostgreSQL ledger; takes precedence over the path */
	struct config_value ledger_queue; /* certificates waiting for an unreachable server */
	struct config_value policy_disposal_approval; /* [policy] require_disposal_approval */
	struct config_value policy_registered;	      /* [policy] require_registered */
	/* [station]: kesu station's defaults (kesu-station(8)) */
	struct config_value station_sign_key, station_policy, station_output_dir;
	struct config_value station_countdown, station_operator, station_method;
	struct config_value policy_inspect_days; /* [policy] inspect_days: kesu inspect --days */
};

/* What went wrong, for "kesu: FILE:LINE: MSG" (no line: "kesu: FILE: MSG"). */
struct config_error {
	char file[4096];
	int line; /* 0: the file as a whole (missing, mode, owner) */
	char msg[320];
};

/* One key the file knows: its section, name and what its value must be. */
struct config_key {
	const char *section;
	const char *name;
	bool is_path;	    /* an absolute path, not free text */
	bool is_oid_list;   /* dotted OIDs separated by commas, not free text */
	bool is_ledger_url; /* a postgresql:// URL, not free text */
	bool is_bool;	    /* yes or no */
	bool is_days;	    /* a number of days, 0 to CONFIG_DAYS_MAX */
	size_t offset;	    /* of its struct config_value in struct kesu_config */
};

/* The keys in the order kesu-config(5) lists them, ended by a NULL section. */
extern const struct config_key config_keys[];

/* The sections; [policy] holds the switches (yes or no) and the periods (days). */
extern const char *const config_sections[];

/** config_yes() - whether a yes-or-no key is set to yes */
bool config_yes(const struct config_value *v);

/**
 * config_days() - a number-of-days key's value, or @dflt when the file does
 * not set it (config_load() checked it: 0 to CONFIG_DAYS_MAX, digits only)
 */
unsigned config_days(const struct config_value *v, unsigned dflt);

/**
 * config_value() - the value of @key in @cfg
 */
const struct config_value *config_value(const struct kesu_config *cfg,
					const struct config_key *key);

/**
 * config_load() - read and check a configuration file
 * @path: the file; NULL for CONFIG_DEFAULT_PATH, which may be missing (all
 *        defaults then), while a file that is named must exist
 * @out: filled: every key the file sets, with its line; on error, emptied
 * @err: filled on error with the file, the line (0 for the whole file) and
 *       what is wrong; may not be NULL
 *
 * Each line is a [section] header, a "key = value" line, a blank line or a
 * comment (";" or "#" first). Unknown sections and keys, lines that are
 * none of these, a key set twice, a line longer than libinih reads, and a
 * value that is empty, not UTF-8, holds a control character or is longer
 * than CONFIG_VALUE_MAX bytes (a path: not absolute; an OID list: a word
 * that is not a dotted OID) are errors. The file
 * is checked on its open descriptor: a regular file, not writable by group
 * or others, owned by root or by the real user running kesu.
 *
 * Return: 0; -ENOENT (a named file is missing), -EPERM (writable by group
 * or others, or another user's), -EISDIR, -EINVAL (not a regular file, or a
 * line or value is wrong: @err->line says which), -ENOMEM, or the errno of
 * open()/fstat()/read() (-EACCES, -EIO, ...)
 */
int config_load(const char *path, struct kesu_config *out, struct config_error *err);

#endif
