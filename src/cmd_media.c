// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu media: the life of an encrypted removable medium (policy art. 41):
 * format it (LUKS2, AES-256-XTS, Argon2id, a file system inside), open and
 * mount it, manage its passphrases, check it against the policy, back up
 * its header. Its end is kesu erase --method luks-crypto-erase. Here:
 * options, passphrases, prompts, messages and exit codes; the LUKS work is
 * lib/luks.c's, the workflow (mkfs, mount, record, policy) crypt/media.c's,
 * the hold of the target lib/guard.c's.
 */
#include "asset_gate.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "confirm.h"
#include "crypt/media.h"
#include "devinfo.h"
#include "guard.h"
#include "kesu.h"
#include "media_cli.h"
#include "log.h"
#include "luks.h"
#include "outfile.h"
#include "passphrase.h"
#include "text.h"

#define RECORD_RESERVE (16 * 1024)

static void pbkdf(const struct media_cli *o, struct luks_pbkdf *p)
{
	if (o->test_kdf)
		media_pbkdf_test(p);
	else
		media_pbkdf_default(p);
}

/*
 * A passphrase (pass_resolve()): a new one is asked twice on a terminal and
 * strength-checked (exit 19 unless --allow-weak). Returns an exit code.
 */
static int get_pass(struct media_cli *o, const char *what, bool isnew, char **pass)
{
	struct pass_request req = {
		.src = &o->pass, .prompt = what, .create = isnew, .allow_weak = o->allow_weak
	};

	ui_catch_interrupts();
	o->pass.abort = &ui_interrupted;
	return ui_exit(pass_resolve(&req, pass), UI_CTX_PASS);
}

static int get_new_pass(struct media_cli *o, char **pass)
{
	return get_pass(o, "new passphrase", true, pass);
}

/* Identify @path and hold it exclusively (lib/guard.h); refuse it when it is in use. */
static int hold(const char *path, struct dev_info *info, struct guard *g)
{
	int r = devinfo_get(path, info);

	if (r)
		return ui_open_error(path, r);
	r = guard_hold(info, DEV_OPEN_WRITE, g);
	if (r == -EBUSY || r == -EROFS || r == -ENODEV || r == -ESTALE) {
		ui_err("refusing to format %s: %s", ui_safe(path), ui_safe(g->why));
		return ui_exit_from_errno(r);
	}
	return r ? ui_open_error(path, r) : 0;
}

/* The record's file exists before the medium is touched, like an erase report. */
static int reserve_record(const struct media_cli *o, struct outfile *of)
{
	int r;

	if (!o->record)
		return 0;
	r = outfile_reserve(of, o->record, RECORD_RESERVE, 0);
	if (r == -EEXIST)
		ui_err("%s: exists; a record is never replaced", ui_safe(o->record));
	else if (r)
		ui_err("cannot write the record %s: %s", ui_safe(o->record), strerror(-r));
	return ui_exit(r, UI_CTX_NONE);
}

static int do_format(const char *path, struct media_cli *o, struct dev_info *info,
		     struct outfile *of, struct guard *g)
{
	struct media_format_req req = {
		.info = info, .label = o->label, .fs = o->fs, .op_name = o->op_name, .who = ui_who()
	};
	struct media_format_out out;
	struct luks_format_params *p = &out.params;
	char *pass = NULL;
	int code, r;

	code = o->yes ? 0 : ui_exit_from_errno(ui_confirm(info, "format"));
	if (!code)
		code = get_new_pass(o, &pass);
	if (code)
		return code;
	/*
	 * libcryptsetup opens a block device O_EXCL itself to format it: let go
	 * of it only now, confirmed and with the passphrase, and its own
	 * exclusive open refuses anything that took it in between
	 */
	guard_release(g);
	pbkdf(o, &req.pbkdf);
	r = media_format(&req, pass, &out);
	passphrase_free(pass);
	if (r)
		return media_cli_format_error(path, o->fs, &out, r);
	fprintf(stderr,
		"kesu: %s: formatted: LUKS2 %s-%s, %u-bit key, %u-byte sectors, %s, UUID %s\n",
		ui_safe(path), p->cipher, p->mode, p->key_bits, p->sector_size,
		strcmp(o->fs, "none") ? o->fs : "no file system", out.uuid);
	return ui_exit(o->record ? media_cli_write_record(of, &req, o) : 0, UI_CTX_NONE);
}

static int format_check(const char *path, const char *fs)
{
	char why[192];
	int r = media_format_check(fs, why, sizeof(why));

	return r ? media_cli_missing(path, "format it", why, true, r) : 0;
}

static int cmd_format(struct media_cli *o)
{
	struct outfile of = { .fd = -1, .dirfd = -1 };
	struct dev_info info = { 0 };
	struct guard g = { 0 };
	const char *path;
	int code;

	if (o->nargs != 1)
		return ui_usage_error("media", "format takes one device");
	path = o->args[0];
	if (!o->fs)
		o->fs = "ext4";
	code = media_cli_check_target(path);
	/* a held medium (policy Art. 97.2) is not formatted: asked before any prompt */
	if (!code)
		code = asset_gate_check("media", "format", path, NULL, NULL, false, NULL);
	/* mkfs would fail after the header is written: ext4 labels hold 16 bytes, exFAT 11 */
	if (!code && o->label && strlen(o->label) > (!strcmp(o->fs, "exfat") ? 11u : 16u) &&
	    strcmp(o->fs, "none"))
		code = ui_usage_error("media", "--label: at most %d bytes for %s",
				      !strcmp(o->fs, "exfat") ? 11 : 16, o->fs);
	/* device-mapper and mkfs, before the prompts and the header: nothing half made */
	if (!code)
		code = format_check(path, o->fs);
	if (!code)
		code = reserve_record(o, &of);
	if (!code)
		code = hold(path, &info, &g);
	if (!code)
		code = do_format(path, o, &info, &of, &g);
	guard_release(&g);
	outfile_release(&of);
	devinfo_free(&info);
	return code;
}

/* The outcome of an action on the passphrases, with the keyslots it concerns: an exit code. */
static int passphrase_result(const char *path, const char *op, int r, uint32_t slots)
{
	char which[96];

	luks_slots_text(slots, which, sizeof(which));
	if (r == -EEXIST) {
		ui_err("%s: refusing the new passphrase: it already opens %s; a passphrase set "
		       "twice would survive the removal of one of them",
		       ui_safe(path), which);
		/* a refusal (3), as the last keyslot's is, not an output that exists (1) */
		return ui_exit(-EPERM, UI_CTX_LUKS);
	}
	if (r == -EPERM) {
		ui_err("%s: refusing to remove %s: the passphrase opens every keyslot and the "
		       "last one stays; to end the medium's life use kesu erase --method "
		       "luks-crypto-erase",
		       ui_safe(path), which);
		return ui_exit(r, UI_CTX_LUKS);
	}
	if (r)
		return media_cli_luks_error(path, op, r);
	fprintf(stderr, "kesu: %s: passphrase %s: %s\n", ui_safe(path),
		!strcmp(op, "add")    ? "added" :
		!strcmp(op, "change") ? "changed" :
					"removed",
		which);
	return 0;
}

static int cmd_passphrase(struct media_cli *o)
{
	const char *op = o->nargs > 0 ? o->args[0] : "", *path;
	char *pass = NULL, *newpass = NULL;
	struct luks_pbkdf p;
	uint32_t slots = 0;
	int code, r;

	if (o->nargs != 2 || (strcmp(op, "add") && strcmp(op, "remove") && strcmp(op, "change")))
		return ui_usage_error("media", "passphrase add|remove|change DEV");
	path = o->args[1];
	if ((code = media_cli_check_target(path)))
		return code;
	if (!luks_is_luks(path))
		return media_cli_luks_error(path, op, -EMEDIUMTYPE);
	code = get_pass(o, strcmp(op, "remove") ? "current passphrase" : "passphrase to remove",
			false, &pass);
	if (!code && strcmp(op, "remove"))
		code = get_new_pass(o, &newpass);
	if (code)
		goto out;
	pbkdf(o, &p);
	r = media_passphrase(!strcmp(op, "add")	   ? MEDIA_PASS_ADD :
			     !strcmp(op, "change") ? MEDIA_PASS_CHANGE :
						     MEDIA_PASS_REMOVE,
			     path, pass, newpass, &p, ui_who(), &slots);
	code = passphrase_result(path, op, r, slots);
out:
	passphrase_free(pass);
	passphrase_free(newpass);
	return code;
}

/* Open @path as @name (default: kesu-UUID8) with a passphrase. */
static int open_medium(struct media_cli *o, const char *path, char *name, size_t len)
{
	char *pass = NULL, why[192];
	int code, r, slot = -1;

	if ((code = media_cli_check_target(path)))
		return code;
	/* without device-mapper the passphrase would be asked for nothing */
	r = luks_dm_check(why, sizeof(why));
	if (r)
		return media_cli_missing(path, "open it", why, false, r);
	r = media_default_name(path, name, len);
	if (r)
		return media_cli_luks_error(path, "open it", r);
	if ((code = get_pass(o, "passphrase", false, &pass)))
		return code;
	r = media_open(path, name, pass, ui_who(), &slot);
	passphrase_free(pass);
	if (r == -EEXIST) {
		ui_err("%s: the name %s is taken", ui_safe(path), name);
		/* in use by another mapping: refused (3), not an output that exists (1) */
		return ui_exit(-EBUSY, UI_CTX_LUKS);
	}
	if (r)
		return media_cli_luks_error(path, "open it", r);
	fprintf(stderr, "kesu: %s: open as /dev/mapper/%s (keyslot %d)\n", ui_safe(path), name,
		slot);
	return 0;
}

static int cmd_open(struct media_cli *o)
{
	char name[NAME_MAX_LEN + 1] = "";

	if (o->nargs < 1 || o->nargs > 2)
		return ui_usage_error("media", "open DEV [NAME]");
	if (o->nargs == 2) {
		if (!media_name_valid(o->args[1]))
			return ui_usage_error("media",
					      "invalid name '%s': 1 to %d letters, digits, '.', "
					      "'_' or '-'",
					      ui_safe(o->args[1]), NAME_MAX_LEN);
		snprintf(name, sizeof(name), "%s", o->args[1]);
	}
	return open_medium(o, o->args[0], name, sizeof(name));
}

static int cmd_mount(struct media_cli *o)
{
	char name[NAME_MAX_LEN + 1] = "", dir[PATH_MAX];
	enum media_stage stage;
	int code, r;

	if (o->nargs < 1 || o->nargs > 2)
		return ui_usage_error("media", "mount DEV [DIR]");
	if ((code = open_medium(o, o->args[0], name, sizeof(name))))
		return code;
	r = media_mount(name, o->nargs == 2 ? o->args[1] : NULL, ui_who(), dir, sizeof(dir),
			&stage);
	if (r && stage == MEDIA_STAGE_MKDIR) {
		ui_err("cannot create %s: %s", dir, strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	if (r) {
		ui_err("/dev/mapper/%s: cannot mount it on %s: %s", ui_safe(name), ui_safe(dir),
		       strerror(-r));
		return ui_exit_from_errno(r);
	}
	printf("%s\n", ui_safe(dir));
	fprintf(stderr, "kesu: %s: mounted on %s; kesu media umount %s closes it\n",
		ui_safe(o->args[0]), ui_safe(dir), ui_safe(dir));
	return 0;
}

static int act_format(int argc, char **argv)
{
	return media_cli_run(argc, argv, cmd_format);
}

static int act_open(int argc, char **argv)
{
	return media_cli_run(argc, argv, cmd_open);
}

static int act_close(int argc, char **argv)
{
	return media_cli_run(argc, argv, media_cli_close);
}

static int act_mount(int argc, char **argv)
{
	return media_cli_run(argc, argv, cmd_mount);
}

static int act_umount(int argc, char **argv)
{
	return media_cli_run(argc, argv, media_cli_umount);
}

static int act_passphrase(int argc, char **argv)
{
	return media_cli_run(argc, argv, cmd_passphrase);
}

static int act_status(int argc, char **argv)
{
	return media_cli_run(argc, argv, media_cli_status);
}

static int act_header_backup(int argc, char **argv)
{
	return media_cli_run(argc, argv, media_cli_header_backup);
}

static const struct ui_command subs[] = {
	{ "format", act_format, "DEV", "make a new encrypted medium (LUKS2 and a file system)" },
	{ "open", act_open, "DEV [NAME]", "open it as /dev/mapper/NAME with a passphrase" },
	{ "close", act_close, "NAME", "close what open made" },
	{ "mount", act_mount, "DEV [DIR]", "open and mount it" },
	{ "umount", act_umount, "DIR", "unmount and close it" },
	{ "passphrase", act_passphrase, "add|remove|change DEV", "manage its passphrases" },
	{ "status", act_status, "DEV", "check it against the encryption policy" },
	{ "header-backup", act_header_backup, "DEV FILE", "copy its LUKS header to FILE" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_media(int argc, char **argv)
{
	return media_cli_dispatch(subs, argc, argv);
}
