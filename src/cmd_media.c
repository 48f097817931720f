// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu media: the life of an encrypted removable medium (policy art. 41):
 * format it (LUKS2, AES-256-XTS, Argon2id, a file system inside), open and
 * mount it, manage its passphrases, check it against the policy, back up
 * its header. Its end is kesu erase --method luks-crypto-erase. The LUKS
 * work is lib/luks.c's, the policy crypt/media.c's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libmount.h>

#include "crypt/media.h"
#include "devinfo.h"
#include "dev.h"
#include "inuse.h"
#include "jsonutil.h"
#include "kesu.h"
#include "log.h"
#include "luks.h"
#include "outfile.h"
#include "passphrase.h"
#include "text.h"

#define LABEL_MAX 47 /* LUKS2 label: 48 bytes with its NUL */
#define NAME_MAX_LEN 64
#define FIELD_MAX 256
#define RECORD_RESERVE (16 * 1024)

struct media_cli {
	const char *sub;
	const char *label, *fs, *record, *op_name;
	struct pass_source pass; /* lines read in turn: the current passphrase, then the new */
	bool yes, json, allow_weak, help, test_kdf;
	char **args;
	int nargs;
};

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
	KESU_EXIT_SUCCESS,	 KESU_EXIT_FAILURE, KESU_EXIT_USAGE, KESU_EXIT_REFUSED,
	KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_NO_KEY,  KESU_EXIT_WEAK,  KESU_EXIT_POLICY,
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

static int set_field(const char **field, const char *opt, const char *arg, size_t max)
{
	if (!text_is_clean(arg) || !*arg || strlen(arg) > max)
		return ui_usage_error("media",
				      "invalid --%s: give 1 to %zu bytes of UTF-8 text without "
				      "control characters",
				      opt, max);
	*field = arg;
	return 0;
}

static int parse_opt(int c, char **argv, struct media_cli *o)
{
	switch (c) {
	case OPT_LABEL: return set_field(&o->label, "label", optarg, LABEL_MAX);
	case OPT_FS:
		if (strcmp(optarg, "ext4") && strcmp(optarg, "exfat") && strcmp(optarg, "none"))
			return ui_usage_error("media", "invalid --fs '%s': ext4, exfat or none",
					      ui_safe(optarg));
		o->fs = optarg;
		return 0;
	case OPT_RECORD: o->record = optarg; return 0;
	case OPT_OPERATOR: return set_field(&o->op_name, "operator", optarg, FIELD_MAX);
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

/* The exit code and message of a failed libcryptsetup operation on @path. */
static int luks_error(const char *path, const char *what, int err)
{
	switch (err) {
	case -EMEDIUMTYPE:
		ui_err("%s: not a LUKS medium (no LUKS header found)", ui_safe(path));
		return KESU_EXIT_FAILURE;
	case -EKEYREJECTED:
		ui_err("%s: no keyslot opens with this passphrase", ui_safe(path));
		return KESU_EXIT_NO_KEY;
	case -ENOSPC: ui_err("%s: no free keyslot", ui_safe(path)); return KESU_EXIT_FAILURE;
	case -ENOTSUP:
		ui_err("%s: cannot %s: no device-mapper (dm-crypt) in this kernel", ui_safe(path),
		       what);
		return KESU_EXIT_FAILURE;
	default:
		ui_err("%s: cannot %s: %s", ui_safe(path), what, strerror(-err));
		return ui_exit_from_errno(err);
	}
}

static void audit(const char *event, const char *path, const char *result, const char *detail)
{
	kesu_audit(event, "target", path, "result", result, "detail", detail, "user", ui_who(),
		   NULL);
}

static int audited(const char *event, const char *path, int err, const char *detail)
{
	audit(event, path, err ? "failed" : "success", err ? strerror(-err) : detail);
	return err;
}

/* A block device or a regular file, before anything else is done. */
static int check_target(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return ui_open_error(path, -errno);
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ui_open_error(path, -ENOTBLK);
	return 0;
}

/* Ask the person to type the serial number (or the size) of what is held. */
static int confirm(const struct dev_info *info)
{
	char answer[256], want[64];
	const char *what = "serial number";

	if (!isatty(STDIN_FILENO)) {
		ui_err("refusing to format %s without confirmation: use --yes",
		       ui_safe(info->path));
		return KESU_EXIT_NOT_CONFIRMED;
	}
	if (info->serial && *info->serial && text_is_clean(info->serial) &&
	    strlen(info->serial) < sizeof(want)) {
		snprintf(want, sizeof(want), "%s", info->serial);
	} else {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)info->size);
		what = "size in bytes";
	}
	fprintf(stderr,
		"kesu: all data on %s will be destroyed: %s, model %s, serial %s, %llu bytes, "
		"contains %s\n",
		ui_safe(info->path), info->is_block ? "block device" : "image file",
		ui_safe(info->model ? info->model : "-"),
		ui_safe(info->serial ? info->serial : "-"), (unsigned long long)info->size,
		ui_safe(info->content ? info->content : "no known signature"));
	fprintf(stderr, "type its %s (%s) to format it: ", what, want);
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin) ||
	    (answer[strcspn(answer, "\r\n")] = '\0', strcmp(answer, want))) {
		ui_err("%s: not confirmed, nothing was written", ui_safe(info->path));
		return KESU_EXIT_NOT_CONFIRMED;
	}
	return 0;
}

/* Identify @path and hold it exclusively; refuse it when it is in use. */
static int hold(const char *path, struct dev_info *info, struct dev **d)
{
	struct inuse u;
	int r = devinfo_get(path, info);

	if (r)
		return ui_open_error(path, r);
	r = dev_open(path, DEV_OPEN_WRITE | DEV_OPEN_EXCL, d);
	if (r == -EBUSY || r == -EROFS) {
		if (r == -EBUSY && inuse_check(info, -1, &u) == 0 && inuse_any(&u))
			ui_err("refusing to format %s: %s", ui_safe(path), ui_safe(u.why));
		else
			ui_err("refusing to format %s: %s", ui_safe(path),
			       r == -EROFS ? "it is read-only" : "it is held open exclusively");
		return KESU_EXIT_REFUSED;
	}
	if (r)
		return ui_open_error(path, r);
	r = inuse_check(info, dev_fd(*d), &u);
	if (r || inuse_any(&u)) {
		ui_err("refusing to format %s: %s", ui_safe(path),
		       r ? "cannot tell whether it is in use" : ui_safe(u.why));
		return KESU_EXIT_REFUSED;
	}
	devinfo_probe_content(info, dev_fd(*d));
	return 0;
}

/* Run mkfs for @fs on @node; its output goes to the log, not the terminal. */
static int make_fs(const char *fs, const char *node, const char *label)
{
	const char *argv[8];
	int n = 0, status;
	pid_t pid;

	if (!strcmp(fs, "ext4")) {
		argv[n++] = "mkfs.ext4";
		argv[n++] = "-q";
	} else {
		argv[n++] = "mkfs.exfat";
	}
	if (label) {
		argv[n++] = !strcmp(fs, "ext4") ? "-L" : "-n";
		argv[n++] = label;
	}
	argv[n++] = node;
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* The file system inside: open the new medium, mkfs, close it again. */
static int format_fs(const char *path, const struct media_cli *o, const char *pass)
{
	char name[64], node[128];
	int r, d;

	snprintf(name, sizeof(name), "kesu-format-%ld", (long)getpid());
	snprintf(node, sizeof(node), "/dev/mapper/%s", name);
	r = luks_activate(path, name, pass, strlen(pass), NULL);
	if (r) {
		ui_err("%s: cannot open the new medium to make its file system: %s", ui_safe(path),
		       strerror(-r));
		return r;
	}
	r = make_fs(o->fs, node, o->label);
	if (r)
		ui_err("%s: mkfs.%s failed%s", ui_safe(path), o->fs,
		       r == -ENOENT ? ": not installed" : "");
	d = luks_deactivate(name);
	if (d)
		ui_err("%s: cannot close %s: %s", ui_safe(path), name, strerror(-d));
	return r ? r : d;
}

static json_t *record_json(const struct dev_info *info, const struct luks_info *li,
			   const struct media_cli *o)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:I,s:s,s:I,s:I,s:s,s:o,s:o,s:s}", "format",
			 "kesu-media/1", "label", json_text(o->label), "uuid", li->uuid, "serial",
			 json_text(info->serial), "model", json_text(info->model), "device",
			 json_text(info->path), "size_bytes", (json_int_t)info->size, "cipher",
			 li->cipher, "key_bits", (json_int_t)li->key_bits, "sector_size",
			 (json_int_t)li->sector_size, "filesystem", o->fs, "date", json_time(&now),
			 "operator", json_text(o->op_name), "user", ui_who());
}

static int write_record(struct outfile *of, const struct dev_info *info, const char *path,
			const struct media_cli *o)
{
	struct luks_info *li = calloc(1, sizeof(*li));
	json_t *doc = NULL;
	char *text = NULL;
	int r = li ? luks_inspect(path, li) : -ENOMEM;

	if (!r)
		doc = record_json(info, li, o);
	if (!r && doc)
		text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!r && !text)
		r = -ENOMEM;
	if (!r) {
		size_t n = strlen(text);

		text[n] = '\n'; /* json_dumps' NUL becomes the file's last newline */
		r = outfile_commit(of, text, n + 1);
		text[n] = '\0';
	}
	if (r)
		ui_err("%s: cannot write the record %s: %s", ui_safe(path), ui_safe(o->record),
		       strerror(-r));
	else
		fprintf(stderr, "kesu: %s: record written to %s\n", ui_safe(path),
			ui_safe(o->record));
	free(text);
	json_decref(doc);
	free(li);
	return r;
}

/* The record's file exists before the medium is touched, like an erase report. */
static int reserve_record(const struct media_cli *o, struct outfile *of)
{
	int r;

	if (!o->record)
		return 0;
	r = outfile_reserve(of, o->record, RECORD_RESERVE, 0);
	if (r == -EEXIST)
		return ui_usage_error("media", "%s: exists; a record is never replaced",
				      ui_safe(o->record));
	if (r) {
		ui_err("cannot write the record %s: %s", ui_safe(o->record), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

static int do_format(const char *path, struct media_cli *o, struct dev_info *info,
		     struct outfile *of, struct dev **d)
{
	struct luks_format_params p;
	char *pass = NULL, uuid[40] = "";
	int code, r;

	code = o->yes ? 0 : confirm(info);
	if (!code)
		code = get_new_pass(o, &pass);
	if (code)
		return code;
	/*
	 * libcryptsetup opens a block device O_EXCL itself to format it: let go
	 * of it only now, confirmed and with the passphrase, and its own
	 * exclusive open refuses anything that took it in between
	 */
	dev_close(*d);
	*d = NULL;
	media_format_defaults(info->size, info->lbs, o->label, &p);
	pbkdf(o, &p.pbkdf);
	kesu_audit("media format start", "target", path, "serial", info->serial, "label", o->label,
		   "operator", o->op_name, "user", ui_who(), NULL);
	r = luks_format(path, &p, pass, strlen(pass), uuid);
	if (!r && strcmp(o->fs, "none"))
		r = format_fs(path, o, pass);
	passphrase_free(pass);
	kesu_audit("media format end", "target", path, "serial", info->serial, "uuid", uuid,
		   "result", r ? "failed" : "success", "reason", r ? strerror(-r) : NULL, "user",
		   ui_who(), NULL);
	if (r)
		return luks_error(path, "format it", r);
	fprintf(stderr,
		"kesu: %s: formatted: LUKS2 %s-%s, %u-bit key, %u-byte sectors, %s, UUID %s\n",
		ui_safe(path), p.cipher, p.mode, p.key_bits, p.sector_size,
		strcmp(o->fs, "none") ? o->fs : "no file system", uuid);
	return o->record && write_record(of, info, path, o) ? KESU_EXIT_FAILURE : 0;
}

static int cmd_format(struct media_cli *o)
{
	struct outfile of = { .fd = -1, .dirfd = -1 };
	struct dev_info info = { 0 };
	struct dev *d = NULL;
	const char *path;
	int code;

	if (o->nargs != 1)
		return ui_usage_error("media", "format takes one device");
	path = o->args[0];
	if (!o->fs)
		o->fs = "ext4";
	code = check_target(path);
	/* mkfs would fail after the header is written: ext4 labels hold 16 bytes, exFAT 11 */
	if (!code && o->label && strlen(o->label) > (!strcmp(o->fs, "exfat") ? 11u : 16u) &&
	    strcmp(o->fs, "none"))
		code = ui_usage_error("media", "--label: at most %d bytes for %s",
				      !strcmp(o->fs, "exfat") ? 11 : 16, o->fs);
	if (!code && o->record && outfile_check_path(o->record, 0))
		code = ui_usage_error("media", "--record %s: %s", ui_safe(o->record),
				      strerror(-outfile_check_path(o->record, 0)));
	if (!code)
		code = reserve_record(o, &of);
	if (!code)
		code = hold(path, &info, &d);
	if (!code)
		code = do_format(path, o, &info, &of, &d);
	dev_close(d);
	outfile_release(&of);
	devinfo_free(&info);
	return code;
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

static int cmd_status(struct media_cli *o)
{
	struct luks_info *li;
	struct media_verdict *v;
	const char *path;
	int r, code;

	if (o->nargs != 1)
		return ui_usage_error("media", "status takes one device");
	path = o->args[0];
	if ((code = check_target(path)))
		return code;
	li = calloc(1, sizeof(*li));
	v = calloc(1, sizeof(*v));
	r = li && v ? luks_inspect(path, li) : -ENOMEM;
	if (r == -EMEDIUMTYPE) {
		ui_err("%s: not encrypted: no LUKS header found (policy art. 41 asks for "
		       "encrypted media)",
		       ui_safe(path));
		code = KESU_EXIT_POLICY;
	} else if (r) {
		code = luks_error(path, "read its header", r);
	} else {
		media_policy_check(li, v);
		if (o->json) {
			json_t *doc = media_status_json(li, v);

			if (!doc || ui_print_json(stdout, doc))
				code = KESU_EXIT_FAILURE;
			json_decref(doc);
		} else {
			print_status(path, li, v);
		}
		if (!code && !v->compliant)
			code = KESU_EXIT_POLICY;
		audit("media status", path, v->compliant ? "compliant" : "not compliant",
		      v->nreasons ? v->reasons[0] : NULL);
	}
	free(li);
	free(v);
	return code;
}

static int cmd_passphrase(struct media_cli *o)
{
	const char *op = o->nargs > 0 ? o->args[0] : "", *path;
	char *pass = NULL, *newpass = NULL, detail[32] = "";
	struct luks_pbkdf p;
	int code, r, slot = -1;

	if (o->nargs != 2 || (strcmp(op, "add") && strcmp(op, "remove") && strcmp(op, "change")))
		return ui_usage_error("media", "passphrase add|remove|change DEV");
	path = o->args[1];
	if ((code = check_target(path)))
		return code;
	if (!luks_is_luks(path))
		return luks_error(path, op, -EMEDIUMTYPE);
	code = get_pass(o, strcmp(op, "remove") ? "current passphrase" : "passphrase to remove",
			false, &pass);
	if (!code && strcmp(op, "remove"))
		code = get_new_pass(o, &newpass);
	if (code)
		goto out;
	pbkdf(o, &p);
	if (!strcmp(op, "add"))
		r = luks_passphrase_add(path, pass, strlen(pass), newpass, strlen(newpass), &p,
					&slot);
	else if (!strcmp(op, "change"))
		r = luks_passphrase_change(path, pass, strlen(pass), newpass, strlen(newpass), &p,
					   &slot);
	else
		r = luks_passphrase_remove(path, pass, strlen(pass), &slot);
	snprintf(detail, sizeof(detail), "keyslot %d", slot);
	audit(!strcmp(op, "add")    ? "media passphrase add" :
	      !strcmp(op, "change") ? "media passphrase change" :
				      "media passphrase remove",
	      path, r ? "failed" : "success", r ? strerror(-r) : detail);
	if (r == -EPERM) {
		ui_err("%s: refusing to remove keyslot %d: it is the last one; to end the medium's "
		       "life use kesu erase --method luks-crypto-erase",
		       ui_safe(path), slot);
		code = KESU_EXIT_REFUSED;
	} else if (r) {
		code = luks_error(path, op, r);
	} else {
		fprintf(stderr, "kesu: %s: passphrase %s: keyslot %d\n", ui_safe(path),
			!strcmp(op, "add")    ? "added" :
			!strcmp(op, "change") ? "changed" :
						"removed",
			slot);
	}
out:
	passphrase_free(pass);
	passphrase_free(newpass);
	return code;
}

/* libcryptsetup writes a new file only: into a private directory beside FILE, then link. */
static int backup_to(const char *path, const char *file)
{
	char *dcopy = strdup(file), tmpdir[PATH_MAX], tmp[PATH_MAX + 8];
	int r = 0, fd;

	if (!dcopy)
		return -ENOMEM;
	snprintf(tmpdir, sizeof(tmpdir), "%s/.kesu-hdr.XXXXXX", dirname(dcopy));
	free(dcopy);
	if (!mkdtemp(tmpdir))
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/hdr", tmpdir);
	r = luks_header_backup(path, tmp);
	if (!r) {
		fd = open(tmp, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, 0600) || fsync(fd))
			r = -errno;
		if (fd >= 0)
			close(fd);
	}
	if (!r && link(tmp, file))
		r = -errno;
	unlink(tmp);
	rmdir(tmpdir);
	return r;
}

static int cmd_header_backup(struct media_cli *o)
{
	const char *path, *file;
	int code, r;

	if (o->nargs != 2)
		return ui_usage_error("media", "header-backup DEV FILE");
	path = o->args[0];
	file = o->args[1];
	if ((code = check_target(path)))
		return code;
	r = outfile_check_path(file, 0);
	if (r)
		return ui_usage_error("media", "%s: %s", ui_safe(file),
				      r == -EEXIST ? "exists; a header backup is never replaced" :
						     strerror(-r));
	ui_warn("a header backup defeats crypto-erase: with it and an old passphrase the "
		"medium can be opened after kesu erase --method luks-crypto-erase; destroy it, "
		"or keep it under the same protection as the medium's data");
	r = audited("media header-backup", path, backup_to(path, file), file);
	if (r)
		return luks_error(path, "back up its header", r);
	fprintf(stderr, "kesu: %s: header backed up to %s\n", ui_safe(path), ui_safe(file));
	return 0;
}

/* A mapping name: letters, digits, '.', '_', '-', not starting with a dot. */
static bool name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_MAX_LEN || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return false;
	return true;
}

/* Open @path as @name (default: kesu-UUID8) with a passphrase. */
static int open_medium(struct media_cli *o, const char *path, char *name, size_t len)
{
	struct luks_info li;
	char *pass = NULL, detail[96];
	int code, r, slot = -1;

	if ((code = check_target(path)))
		return code;
	r = luks_inspect(path, &li);
	if (r)
		return luks_error(path, "open it", r);
	if (!name[0])
		snprintf(name, len, "kesu-%.8s", li.uuid);
	if ((code = get_pass(o, "passphrase", false, &pass)))
		return code;
	r = luks_activate(path, name, pass, strlen(pass), &slot);
	passphrase_free(pass);
	snprintf(detail, sizeof(detail), "%s, keyslot %d", name, slot);
	audited("media open", path, r, detail);
	if (r == -EEXIST) {
		ui_err("%s: the name %s is taken", ui_safe(path), name);
		return KESU_EXIT_REFUSED;
	}
	if (r)
		return luks_error(path, "open it", r);
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
		if (!name_valid(o->args[1]))
			return ui_usage_error("media",
					      "invalid name '%s': 1 to %d letters, digits, '.', "
					      "'_' or '-'",
					      ui_safe(o->args[1]), NAME_MAX_LEN);
		snprintf(name, sizeof(name), "%s", o->args[1]);
	}
	return open_medium(o, o->args[0], name, sizeof(name));
}

static int close_name(const char *name)
{
	int r = audited("media close", name, luks_deactivate(name), NULL);

	if (r == -EBUSY) {
		ui_err("%s: in use (mounted?): unmount it first", ui_safe(name));
		return KESU_EXIT_REFUSED;
	}
	if (r == -ENODEV || (r && !luks_is_active(name))) {
		ui_err("%s: no such open medium", ui_safe(name));
		return KESU_EXIT_FAILURE;
	}
	if (r) {
		ui_err("%s: cannot close it: %s", ui_safe(name), strerror(-r));
		return ui_exit_from_errno(r);
	}
	fprintf(stderr, "kesu: %s: closed\n", ui_safe(name));
	return 0;
}

static int cmd_close(struct media_cli *o)
{
	if (o->nargs != 1 || !name_valid(o->args[0]))
		return ui_usage_error("media", "close NAME (as kesu media open named it)");
	return close_name(o->args[0]);
}

static int mount_node(const char *node, const char *dir)
{
	struct libmnt_context *cx = mnt_new_context();
	int r;

	if (!cx)
		return -ENOMEM;
	mnt_context_set_source(cx, node);
	mnt_context_set_target(cx, dir);
	mnt_context_set_options(cx, "nosuid,nodev");
	r = mnt_context_mount(cx);
	if (!r && mnt_context_get_status(cx) != 1)
		r = mnt_context_get_syscall_errno(cx) ? -mnt_context_get_syscall_errno(cx) : -EIO;
	else if (r > 0)
		r = mnt_context_get_syscall_errno(cx) ? -mnt_context_get_syscall_errno(cx) : -EIO;
	mnt_free_context(cx);
	return r;
}

static int cmd_mount(struct media_cli *o)
{
	char name[NAME_MAX_LEN + 1] = "", node[128], dir[PATH_MAX];
	int code, r;

	if (o->nargs < 1 || o->nargs > 2)
		return ui_usage_error("media", "mount DEV [DIR]");
	if ((code = open_medium(o, o->args[0], name, sizeof(name))))
		return code;
	snprintf(node, sizeof(node), "/dev/mapper/%s", name);
	if (o->nargs == 2) {
		snprintf(dir, sizeof(dir), "%s", o->args[1]);
	} else {
		snprintf(dir, sizeof(dir), "/media/%s", name);
		mkdir("/media", 0755);
		if (mkdir(dir, 0700) && errno != EEXIST) {
			ui_err("cannot create %s: %s", dir, strerror(errno));
			luks_deactivate(name);
			return KESU_EXIT_FAILURE;
		}
	}
	r = audited("media mount", node, mount_node(node, dir), dir);
	if (r) {
		ui_err("%s: cannot mount it on %s: %s", ui_safe(node), ui_safe(dir), strerror(-r));
		luks_deactivate(name);
		return ui_exit_from_errno(r);
	}
	printf("%s\n", ui_safe(dir));
	fprintf(stderr, "kesu: %s: mounted on %s; kesu media umount %s closes it\n",
		ui_safe(o->args[0]), ui_safe(dir), ui_safe(dir));
	return 0;
}

/* The mapping name of what is mounted on @dir, if it is a /dev/mapper node. */
static int mounted_name(const char *dir, char *name, size_t len)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_fs *fs = tb ? mnt_table_find_target(tb, dir, MNT_ITER_BACKWARD) : NULL;
	const char *src = fs ? mnt_fs_get_srcpath(fs) : NULL;
	int r = -ENOENT;

	if (src && !strncmp(src, "/dev/mapper/", 12) && name_valid(src + 12)) {
		snprintf(name, len, "%s", src + 12);
		r = 0;
	} else if (src) {
		r = -EMEDIUMTYPE;
	}
	mnt_unref_table(tb);
	return r;
}

static int cmd_umount(struct media_cli *o)
{
	struct libmnt_context *cx;
	char name[NAME_MAX_LEN + 1];
	int r;

	if (o->nargs != 1)
		return ui_usage_error("media", "umount DIR");
	r = mounted_name(o->args[0], name, sizeof(name));
	if (r) {
		ui_err("%s: %s", ui_safe(o->args[0]),
		       r == -ENOENT ? "nothing is mounted there" : "not an open kesu medium");
		return KESU_EXIT_FAILURE;
	}
	cx = mnt_new_context();
	if (!cx)
		return KESU_EXIT_FAILURE;
	mnt_context_set_target(cx, o->args[0]);
	r = mnt_context_umount(cx);
	if (!r && mnt_context_get_status(cx) != 1)
		r = -EBUSY;
	mnt_free_context(cx);
	audited("media umount", o->args[0], r ? (r < 0 ? r : -EBUSY) : 0, name);
	if (r) {
		ui_err("%s: cannot unmount it: %s", ui_safe(o->args[0]), "busy or not permitted");
		return KESU_EXIT_REFUSED;
	}
	return close_name(name);
}

static const struct {
	const char *name;
	int (*fn)(struct media_cli *o);
} subs[] = {
	{ "format", cmd_format }, { "open", cmd_open },
	{ "close", cmd_close },	  { "mount", cmd_mount },
	{ "umount", cmd_umount }, { "passphrase", cmd_passphrase },
	{ "status", cmd_status }, { "header-backup", cmd_header_backup },
};

int cmd_media(int argc, char **argv)
{
	struct media_cli o = { .pass = PASS_SOURCE_INIT };
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":yjh", long_opts, NULL)) != -1)
		if ((code = parse_opt(c, argv, &o)))
			return code;
	if (o.help)
		return usage();
	if (optind >= argc)
		return ui_usage_error("media", "no subcommand given");
	o.sub = argv[optind];
	o.args = argv + optind + 1;
	o.nargs = argc - optind - 1;
	test_hooks(&o);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(subs[i].name, o.sub))
			continue;
		if (o.fs && strcmp(o.sub, "format"))
			return ui_usage_error("media", "--fs is for format");
		code = subs[i].fn(&o);
		pass_source_close(&o.pass);
		return code;
	}
	return ui_usage_error("media", "unknown subcommand '%s'", ui_safe(o.sub));
}
