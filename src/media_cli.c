// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu media: the options and the help, the messages and exit codes of
 * failed operations, and the actions that take no passphrase (status,
 * header-backup, close, umount). The work is crypt/media.c's.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "kesu.h"
#include "devinfo.h"
#include "log.h"
#include "luks.h"
#include "media_cli.h"
#include "outfile.h"

#define LABEL_MAX 47 /* LUKS2 label: 48 bytes with its NUL */
#define FIELD_MAX 256

enum { OPT_LABEL = 256, OPT_FS, OPT_RECORD, OPT_OPERATOR, OPT_PASS_FD, OPT_PASS_FILE, OPT_WEAK };

static const struct option long_opts[] = {
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "fs", required_argument, NULL, OPT_FS },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "passphrase-fd", required_argument, NULL, OPT_PASS_FD },
	{ "passphrase-file", required_argument, NULL, OPT_PASS_FILE },
	{ "allow-weak", no_argument, NULL, OPT_WEAK },
	{ "yes", no_argument, NULL, 'y' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const int media_exits[] = {
	KESU_EXIT_SUCCESS,	 KESU_EXIT_FAILURE, KESU_EXIT_USAGE,   KESU_EXIT_REFUSED,
	KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_IO,	    KESU_EXIT_ABORTED, KESU_EXIT_NO_KEY,
	KESU_EXIT_WEAK,		 KESU_EXIT_POLICY,
};

static int usage(void)
{
	printf("usage: kesu media format DEV [--label L] [--fs ext4|exfat|none] [--record FILE]\n"
	       "       kesu media open DEV [NAME] | close NAME\n"
	       "       kesu media mount DEV [DIR] | umount DIR\n"
	       "       kesu media passphrase add|remove|change DEV\n"
	       "       kesu media status DEV [--json]\n"
	       "       kesu media header-backup DEV FILE\n\n"
	       "Encrypted removable media: LUKS2, aes-xts-plain64 with a 512-bit key, Argon2id.\n"
	       "At the end of its life: kesu erase --method luks-crypto-erase DEV.\n\n"
	       "      --label L            LUKS2 and file system label (format)\n"
	       "      --fs ext4|exfat|none file system inside (format; default ext4)\n"
	       "      --record FILE        write the medium's JSON record (format)\n"
	       "      --operator NAME      who prepares the medium (the record)\n"
	       "      --passphrase-fd N    read passphrases from descriptor N, one a line\n"
	       "      --passphrase-file F  read them from F: the current one first, then the new\n"
	       "      --allow-weak         accept a passphrase the strength check refuses\n"
	       "  -y, --yes                do not ask for confirmation (format)\n"
	       "  -j, --json               status as JSON\n"
	       "  -h, --help               this help\n");
	ui_print_exit_status(stdout, media_exits, sizeof(media_exits) / sizeof(media_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int parse_opt(int c, char **argv, struct media_cli *o)
{
	switch (c) {
	case OPT_LABEL: return ui_text_field("media", "label", optarg, LABEL_MAX, &o->label);
	case OPT_FS:
		if (strcmp(optarg, "ext4") && strcmp(optarg, "exfat") && strcmp(optarg, "none"))
			return ui_usage_error("media", "invalid --fs '%s': ext4, exfat or none",
					      ui_safe(optarg));
		o->fs = optarg;
		return 0;
	case OPT_RECORD: o->record = optarg; return 0;
	case OPT_OPERATOR:
		return ui_text_field("media", "operator", optarg, FIELD_MAX, &o->op_name);
	case OPT_PASS_FD:
	case OPT_PASS_FILE: return ui_pass_opt("media", &o->pass, c == OPT_PASS_FD, optarg);
	case OPT_WEAK: o->allow_weak = true; return 0;
	case 'y': o->yes = true; return 0;
	case 'j': o->json = true; return 0;
	case 'h': o->help = true; return 0;
	default: return ui_option_error("media", c, argv, long_opts);
	}
}

/* Test hook: the smallest key derivation cost the policy accepts, not benchmarked. */
static void test_hooks(struct media_cli *o)
{
#ifdef KESU_TEST_HOOKS
	const char *v = getenv("KESU_TEST_WEAK_KDF");

	o->test_kdf = v && !strcmp(v, "1");
#endif
}

/* The exit code and message of a failed libcryptsetup operation on @path. */
int media_cli_luks_error(const char *path, const char *what, int err)
{
	switch (err) {
	case -EMEDIUMTYPE:
		ui_err("%s: not a LUKS medium (no LUKS header found)", ui_safe(path));
		break;
	case -EKEYREJECTED:
		ui_err("%s: no keyslot opens with this passphrase", ui_safe(path));
		break;
	case -ENOSPC: ui_err("%s: no free keyslot", ui_safe(path)); break;
	case -ENOTSUP:
		ui_err("%s: cannot %s: no device-mapper (dm-crypt) in this kernel", ui_safe(path),
		       what);
		break;
	default: ui_err("%s: cannot %s: %s", ui_safe(path), what, strerror(-err));
	}
	return ui_exit(err, UI_CTX_LUKS);
}

/* What the operation needs is missing (@why): said before any prompt or write. */
int media_cli_missing(const char *path, const char *what, const char *why, bool writes, int err)
{
	ui_err("%s: cannot %s: %s%s", ui_safe(path), what, why,
	       writes ? "; nothing was written" : "");
	return ui_exit(err, UI_CTX_LUKS);
}

/* A block device or a regular file, before anything else is done. */
int media_cli_check_target(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return ui_open_error(path, -errno);
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ui_open_error(path, -ENOTBLK);
	return 0;
}

/* Which step of the format failed, then what libcryptsetup or mkfs said. */
int media_cli_format_error(const char *path, const char *fs, const struct media_format_out *out,
			   int r)
{
	if (out->stage == MEDIA_STAGE_CHECK)
		return media_cli_missing(path, "format it", out->why, true, r);
	if (out->stage == MEDIA_STAGE_OPEN)
		ui_err("%s: cannot open the new medium to make its file system: %s", ui_safe(path),
		       strerror(-r));
	else if (out->stage == MEDIA_STAGE_MKFS)
		ui_err("%s: mkfs.%s failed%s", ui_safe(path), fs,
		       r == -ENOENT ? ": not installed" : "");
	else if (out->stage == MEDIA_STAGE_CLOSE)
		ui_err("%s: cannot close %s: %s", ui_safe(path), out->mapping, strerror(-r));
	return media_cli_luks_error(path, "format it", r);
}

int media_cli_write_record(struct outfile *of, const struct media_format_req *req,
			   const struct media_cli *o)
{
	const char *path = req->info->path;
	int r = media_record_write(req, of);

	if (r)
		ui_err("%s: cannot write the record %s: %s", ui_safe(path), ui_safe(o->record),
		       strerror(-r));
	else
		fprintf(stderr, "kesu: %s: record written to %s\n", ui_safe(path),
			ui_safe(o->record));
	return r;
}

static void print_status(const char *path, const struct luks_info *li,
			 const struct media_verdict *v)
{
	printf("%s: LUKS%d, %s, %u-bit key, %u-byte sectors\n", ui_safe(path), li->version,
	       ui_safe(li->cipher), li->key_bits, li->sector_size);
	printf("  label: %s\n  uuid: %s\n  data offset: %llu bytes\n",
	       ui_safe(li->label[0] ? li->label : "-"), ui_safe(li->uuid),
	       (unsigned long long)li->data_offset);
	for (unsigned i = 0; i < li->nslots; i++) {
		const struct luks_keyslot *k = &li->slots[i];

		if (k->memory_kb)
			printf("  keyslot %d: %s, time cost %u, memory %u KiB, %u thread%s\n",
			       k->slot, ui_safe(k->pbkdf), k->iterations, k->memory_kb, k->parallel,
			       k->parallel == 1 ? "" : "s");
		else
			printf("  keyslot %d: %s-%s, %u iterations\n", k->slot, ui_safe(k->pbkdf),
			       ui_safe(k->hash), k->iterations);
	}
	printf("  policy: %s\n", v->compliant ? "compliant" : "NOT compliant");
	for (unsigned i = 0; i < v->nreasons; i++)
		printf("    - %s\n", ui_safe(v->reasons[i]));
}

int media_cli_status(struct media_cli *o)
{
	struct luks_info *li;
	struct media_verdict *v;
	const char *path;
	int r, code;

	if (o->nargs != 1)
		return ui_usage_error("media", "status takes one device");
	path = o->args[0];
	if ((code = media_cli_check_target(path)))
		return code;
	li = calloc(1, sizeof(*li));
	v = calloc(1, sizeof(*v));
	r = li && v ? media_status(path, li, v) : -ENOMEM;
	if (r == -EMEDIUMTYPE) {
		ui_err("%s: not encrypted: no LUKS header found (policy art. 41 asks for "
		       "encrypted media)",
		       ui_safe(path));
		code = KESU_EXIT_POLICY;
	} else if (r) {
		code = media_cli_luks_error(path, "read its header", r);
	} else {
		if (o->json) {
			json_t *doc = media_status_json(li, v);

			r = doc ? ui_print_json(stdout, doc) : -ENOMEM;
			if (r)
				ui_err("cannot write the status: %s", strerror(-r));
			code = ui_exit(r, UI_CTX_NONE);
			json_decref(doc);
		} else {
			print_status(path, li, v);
		}
		if (!code && !v->compliant)
			code = KESU_EXIT_POLICY;
		kesu_audit("media status", "target", path, "result",
			   v->compliant ? "compliant" : "not compliant", "detail",
			   v->nreasons ? v->reasons[0] : NULL, "user", ui_who(), NULL);
	}
	free(li);
	free(v);
	return code;
}

int media_cli_header_backup(struct media_cli *o)
{
	const char *path, *file;
	int code, r;

	if (o->nargs != 2)
		return ui_usage_error("media", "header-backup DEV FILE");
	path = o->args[0];
	file = o->args[1];
	if ((code = media_cli_check_target(path)))
		return code;
	r = outfile_check_path(file, 0);
	if (r) {
		ui_err("%s: %s", ui_safe(file),
		       r == -EEXIST ? "exists; a header backup is never replaced" : strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	ui_warn("a header backup defeats crypto-erase: with it and an old passphrase the "
		"medium can be opened after kesu erase --method luks-crypto-erase; destroy it, "
		"or keep it under the same protection as the medium's data");
	r = media_header_backup(path, file, ui_who());
	if (r)
		return media_cli_luks_error(path, "back up its header", r);
	fprintf(stderr, "kesu: %s: header backed up to %s\n", ui_safe(path), ui_safe(file));
	return 0;
}

static int close_name(const char *name)
{
	int r = media_close(name, ui_who());

	if (r == -EBUSY)
		ui_err("%s: in use (mounted?): unmount it first", ui_safe(name));
	else if (r == -ENODEV)
		ui_err("%s: no such open medium", ui_safe(name));
	else if (r)
		ui_err("%s: cannot close it: %s", ui_safe(name), strerror(-r));
	if (r)
		return ui_exit(r, UI_CTX_LUKS);
	fprintf(stderr, "kesu: %s: closed\n", ui_safe(name));
	return 0;
}

int media_cli_close(struct media_cli *o)
{
	if (o->nargs != 1 || !media_name_valid(o->args[0]))
		return ui_usage_error("media", "close NAME (as kesu media open named it)");
	return close_name(o->args[0]);
}

int media_cli_umount(struct media_cli *o)
{
	char name[NAME_MAX_LEN + 1];
	int r;

	if (o->nargs != 1)
		return ui_usage_error("media", "umount DIR");
	r = media_umount(o->args[0], ui_who(), name, sizeof(name));
	if (r == -ENOENT || r == -EMEDIUMTYPE)
		ui_err("%s: %s", ui_safe(o->args[0]),
		       r == -ENOENT ? "nothing is mounted there" : "not an open kesu medium");
	else if (r == -EBUSY)
		ui_err("%s: cannot unmount it: %s", ui_safe(o->args[0]), "busy or not permitted");
	else if (r)
		ui_err("%s: cannot unmount it: %s", ui_safe(o->args[0]), strerror(-r));
	return r ? ui_exit(r, UI_CTX_LUKS) : close_name(name);
}

/* The options every action has, after its name (argv[0]), then the action's arguments. */
static int parse_args(int argc, char **argv, struct media_cli *o)
{
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":yjh", long_opts, NULL)) != -1)
		if ((code = parse_opt(c, argv, o)))
			return code;
	if (o->help)
		return 0;
	if (o->fs && strcmp(argv[0], "format"))
		return ui_usage_error("media", "--fs is for format");
	o->sub = argv[0];
	o->args = argv + optind;
	o->nargs = argc - optind;
	test_hooks(o);
	return 0;
}

int media_cli_run(int argc, char **argv, int (*action)(struct media_cli *o))
{
	struct media_cli o = { .pass = PASS_SOURCE_INIT };
	int code = parse_args(argc, argv, &o);

	if (code || o.help)
		return code ? code : usage();
	code = action(&o);
	pass_source_close(&o.pass);
	return code;
}

int media_cli_dispatch(const struct ui_command *subs, int argc, char **argv)
{
	struct media_cli lead = { .pass = PASS_SOURCE_INIT };
	char **moved;
	int c, code, n;

	/* options before the action ("media --yes format DEV") are moved after its name */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:yjh", long_opts, NULL)) != -1)
		if ((code = parse_opt(c, argv, &lead)))
			return code;
	if (lead.help)
		return usage();
	n = optind - 1;
	if (n <= 0 || optind >= argc)
		return ui_dispatch("media", subs, argc - n, argv + n);
	moved = calloc((size_t)argc + 1, sizeof(*moved));
	if (!moved) {
		ui_err("out of memory");
		return ui_exit(-ENOMEM, UI_CTX_NONE);
	}
	moved[0] = argv[0];
	moved[1] = argv[optind];
	memcpy(moved + 2, argv + 1, (size_t)n * sizeof(*moved));
	memcpy(moved + 2 + n, argv + optind + 1, (size_t)(argc - optind - 1) * sizeof(*moved));
	code = ui_dispatch("media", subs, argc, moved);
	free(moved);
	return code;
}
