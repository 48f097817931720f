// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmount.h>

#include "devinfo.h"
#include "jsonutil.h"
#include "log.h"
#include "media.h"
#include "outfile.h"

static void reason(struct media_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reason(struct media_verdict *v, const char *fmt, ...)
{
	va_list ap;

	v->compliant = false;
	if (v->nreasons >= MEDIA_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->nreasons++], sizeof(v->reasons[0]), fmt, ap);
	va_end(ap);
}

static bool is_argon2(const char *pbkdf)
{
	return !strncmp(pbkdf, "argon2", 6);
}

static void check_slot(const struct luks_info *info, const struct luks_keyslot *k,
		       struct media_verdict *v)
{
	if (is_argon2(k->pbkdf)) {
		if (k->memory_kb < MEDIA_ARGON2_MIN_MEMORY_KB)
			reason(v, "keyslot %d: %s memory cost %u KiB is below the floor of %u KiB",
			       k->slot, k->pbkdf, k->memory_kb, MEDIA_ARGON2_MIN_MEMORY_KB);
		if (k->iterations < MEDIA_ARGON2_MIN_TIME)
			reason(v, "keyslot %d: %s time cost %u is below the floor of %u", k->slot,
			       k->pbkdf, k->iterations, MEDIA_ARGON2_MIN_TIME);
	} else if (!strcmp(k->pbkdf, "pbkdf2")) {
		if (k->iterations < MEDIA_PBKDF2_MIN_ITERATIONS)
			reason(v,
			       "keyslot %d: LUKS%d with PBKDF2 of %u iterations, below the floor "
			       "of %u",
			       k->slot, info->version, k->iterations, MEDIA_PBKDF2_MIN_ITERATIONS);
	} else {
		reason(v, "keyslot %d: unknown key derivation \"%s\"", k->slot, k->pbkdf);
	}
}

int media_policy_check(const struct luks_info *info, struct media_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->compliant = true;
	if (strncmp(info->cipher, "aes-xts-", 8) || info->key_bits < MEDIA_MIN_KEY_BITS)
		reason(v,
		       "cipher %s with a %u-bit key is weaker than AES-256-XTS (aes-xts-plain64, "
		       "512-bit key)",
		       info->cipher, info->key_bits);
	if (!info->nslots)
		reason(v, "no active keyslot: the medium cannot be opened");
	for (unsigned i = 0; i < info->nslots; i++)
		check_slot(info, &info->slots[i], v);
	return 0;
}

void media_pbkdf_default(struct luks_pbkdf *p)
{
	*p = (struct luks_pbkdf){
		.type = "argon2id",
		.hash = "sha256",
		.time_ms = MEDIA_KDF_TIME_MS,
		.max_memory_kb = MEDIA_KDF_MAX_MEMORY_KB,
		.parallel = MEDIA_KDF_MAX_THREADS,
	};
}

void media_pbkdf_test(struct luks_pbkdf *p)
{
	*p = (struct luks_pbkdf){
		.type = "argon2id",
		.hash = "sha256",
		.time_ms = 1,
		.max_memory_kb = 32,
		.parallel = 1,
		.iterations = 4,
	};
}

void media_format_defaults(uint64_t size, unsigned lbs, const char *label,
			   struct luks_format_params *p)
{
	*p = (struct luks_format_params){
		.cipher = "aes",
		.mode = "xts-plain64",
		.key_bits = 512,
		.sector_size = lbs <= 4096 && size % 4096 == 0 ? 4096 : 512,
		.label = label,
	};
	media_pbkdf_default(&p->pbkdf);
}

static json_t *slot_json(const struct luks_keyslot *k)
{
	json_t *o = json_pack("{s:i,s:s,s:I,s:I}", "slot", k->slot, "pbkdf", k->pbkdf, "iterations",
			      (json_int_t)k->iterations, "key_bits", (json_int_t)k->key_bits);

	if (!o)
		return NULL;
	if (is_argon2(k->pbkdf)) {
		json_object_set_new(o, "memory_kb", json_integer(k->memory_kb));
		json_object_set_new(o, "parallel", json_integer(k->parallel));
	} else {
		json_object_set_new(o, "hash", json_string(k->hash));
	}
	return o;
}

json_t *media_status_json(const struct luks_info *info, const struct media_verdict *v)
{
	json_t *slots = json_array(), *reasons = json_array();

	for (unsigned i = 0; slots && i < info->nslots; i++)
		json_array_append_new(slots, slot_json(&info->slots[i]));
	for (unsigned i = 0; reasons && i < v->nreasons; i++)
		json_array_append_new(reasons, json_text(v->reasons[i]));
	return json_pack("{s:i,s:s,s:I,s:I,s:o,s:s,s:I,s:o,s:{s:b,s:o}}", "luks_version",
			 info->version, "cipher", info->cipher, "key_bits",
			 (json_int_t)info->key_bits, "sector_size", (json_int_t)info->sector_size,
			 "label", json_text(info->label), "uuid", info->uuid, "data_offset",
			 (json_int_t)info->data_offset, "keyslots", slots, "policy", "compliant",
			 v->compliant, "reasons", reasons);
}

/* One record of the security log: what, on which target, by whom, the result. */
static int audited(const char *event, const char *target, int err, const char *detail,
		   const char *who)
{
	kesu_audit(event, "target", target, "result", err ? "failed" : "success", "detail",
		   err ? strerror(-err) : detail, "user", who, NULL);
	return err;
}

int media_mkfs(const char *fs, const char *node, const char *label)
{
	bool ext4 = !strcmp(fs, "ext4");
	const char *argv[8];
	int n = 0, status;
	pid_t pid;

	argv[n++] = ext4 ? "mkfs.ext4" : "mkfs.exfat";
	if (ext4)
		argv[n++] = "-q";
	if (label) {
		argv[n++] = ext4 ? "-L" : "-n";
		argv[n++] = label;
	}
	argv[n++] = node;
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* its chatter would interleave with kesu's messages on the terminal */
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
static int make_fs(const struct media_format_req *req, const char *pass,
		   struct media_format_out *out)
{
	char node[128];
	int r, d;

	snprintf(out->mapping, sizeof(out->mapping), "kesu-format-%ld", (long)getpid());
	snprintf(node, sizeof(node), "/dev/mapper/%s", out->mapping);
	out->stage = MEDIA_STAGE_OPEN;
	r = luks_activate(req->info->path, out->mapping, pass, strlen(pass), NULL);
	if (r)
		return r;
	out->stage = MEDIA_STAGE_MKFS;
	r = media_mkfs(req->fs, node, req->label);
	d = luks_deactivate(out->mapping);
	if (!r && d)
		out->stage = MEDIA_STAGE_CLOSE;
	return r ? r : d;
}

/* @name in a directory of PATH, executable: what execvp() in media_mkfs() will find */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char file[PATH_MAX];

	/* execvp's own search list when PATH is unset */
	for (p = path ? path : "/bin:/usr/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(file, sizeof(file), "%.*s/%s", (int)(end - p), end == p ? "." : p, name);
		if (!access(file, X_OK))
			return true;
	}
	return false;
}

int media_format_check(const char *fs, char *why, size_t len)
{
	char mkfs[16];

	if (!strcmp(fs, "none"))
		return 0;
	snprintf(mkfs, sizeof(mkfs), "mkfs.%s", fs);
	if (!in_path(mkfs)) {
		snprintf(why, len, "%s is not installed (%s)", mkfs,
			 strcmp(fs, "exfat") ? "e2fsprogs" : "exfatprogs");
		return -ENOENT;
	}
	return luks_dm_check(why, len);
}

int media_format(const struct media_format_req *req, const char *pass, struct media_format_out *out)
{
	const struct dev_info *info = req->info;
	int r;

	memset(out, 0, sizeof(*out));
	media_format_defaults(info->size, info->lbs, req->label, &out->params);
	out->params.pbkdf = req->pbkdf;
	out->stage = MEDIA_STAGE_CHECK;
	r = media_format_check(req->fs, out->why, sizeof(out->why));
	if (r)
		return audited("media format", info->path, r, NULL, req->who);
	kesu_audit("media format start", "target", info->path, "serial", info->serial, "label",
		   req->label, "operator", req->op_name, "user", req->who, NULL);
	out->stage = MEDIA_STAGE_LUKS;
	r = luks_format(info->path, &out->params, pass, strlen(pass), out->uuid);
	if (!r && strcmp(req->fs, "none"))
		r = make_fs(req, pass, out);
	kesu_audit("media format end", "target", info->path, "serial", info->serial, "uuid",
		   out->uuid, "result", r ? "failed" : "success", "reason", r ? strerror(-r) : NULL,
		   "user", req->who, NULL);
	return r;
}

json_t *media_record(const struct media_format_req *req, const struct luks_info *li,
		     const struct timespec *when)
{
	const struct dev_info *info = req->info;

	return json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:I,s:s,s:I,s:I,s:s,s:o,s:o,s:o}", "format",
			 "kesu-media/1", "label", json_text(req->label), "uuid", li->uuid, "serial",
			 json_text(info->serial), "model", json_text(info->model), "device",
			 json_text(info->path), "size_bytes", (json_int_t)info->size, "cipher",
			 li->cipher, "key_bits", (json_int_t)li->key_bits, "sector_size",
			 (json_int_t)li->sector_size, "filesystem", req->fs, "date",
			 json_time(when), "operator", json_text(req->op_name), "user",
			 json_text(req->who));
}

int media_record_write(const struct media_format_req *req, struct outfile *of)
{
	struct luks_info *li = calloc(1, sizeof(*li));
	struct timespec now;
	json_t *doc = NULL;
	char *text = NULL;
	int r = li ? luks_inspect(req->info->path, li) : -ENOMEM;

	clock_gettime(CLOCK_REALTIME, &now);
	if (!r)
		doc = media_record(req, li, &now);
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
	free(text);
	json_decref(doc);
	free(li);
	return r;
}

int media_status(const char *path, struct luks_info *li, struct media_verdict *v)
{
	int r = luks_inspect(path, li);

	return r ? r : media_policy_check(li, v);
}

int media_passphrase(enum media_pass_op op, const char *path, const char *pass, const char *newpass,
		     const struct luks_pbkdf *p, const char *who, uint32_t *slots)
{
	static const char *const events[] = {
		[MEDIA_PASS_ADD] = "media passphrase add",
		[MEDIA_PASS_CHANGE] = "media passphrase change",
		[MEDIA_PASS_REMOVE] = "media passphrase remove",
	};
	char detail[160], which[96];
	int r, slot = -1;

	*slots = 0;
	if (op == MEDIA_PASS_ADD)
		r = luks_passphrase_add(path, pass, strlen(pass), newpass, strlen(newpass), p,
					&slot);
	else if (op == MEDIA_PASS_CHANGE)
		r = luks_passphrase_change(path, pass, strlen(pass), newpass, strlen(newpass), p,
					   &slot);
	else
		r = luks_passphrase_remove(path, pass, strlen(pass), slots);
	if (slot >= 0 && slot < LUKS_MAX_SLOTS)
		*slots = 1u << slot;
	if (r == -EEXIST) {
		/* a refusal, with the keyslot it concerns: strerror's "File exists" would mislead */
		snprintf(detail, sizeof(detail), "refused: the new passphrase already opens %s",
			 luks_slots_text(*slots, which, sizeof(which)));
		kesu_audit(events[op], "target", path, "result", "refused", "detail", detail,
			   "user", who, NULL);
		return r;
	}
	return audited(events[op], path, r, luks_slots_text(*slots, detail, sizeof(detail)), who);
}

bool media_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > MEDIA_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return false;
	return true;
}

int media_default_name(const char *path, char *name, size_t len)
{
	struct luks_info *li = calloc(1, sizeof(*li));
	int r = li ? luks_inspect(path, li) : -ENOMEM;

	if (!r && !name[0])
		snprintf(name, len, "kesu-%.8s", li->uuid);
	free(li);
	return r;
}

int media_open(const char *path, const char *name, const char *pass, const char *who, int *slot)
{
	char detail[96];
	int r;

	*slot = -1;
	r = luks_activate(path, name, pass, strlen(pass), slot);
	snprintf(detail, sizeof(detail), "%s, keyslot %d", name, *slot);
	return audited("media open", path, r, detail, who);
}

int media_close(const char *name, const char *who)
{
	int r = audited("media close", name, luks_deactivate(name), NULL, who);

	if (r && r != -EBUSY && !luks_is_active(name))
		return -ENODEV;
	return r;
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
	if ((!r && mnt_context_get_status(cx) != 1) || r > 0)
		r = mnt_context_get_syscall_errno(cx) ? -mnt_context_get_syscall_errno(cx) : -EIO;
	mnt_free_context(cx);
	return r;
}

int media_mount(const char *name, const char *dir, const char *who, char *where, size_t len,
		enum media_stage *stage)
{
	char node[128];
	int r;

	snprintf(node, sizeof(node), "/dev/mapper/%s", name);
	*stage = MEDIA_STAGE_MKDIR;
	if (dir) {
		snprintf(where, len, "%s", dir);
	} else {
		snprintf(where, len, "/media/%s", name);
		mkdir("/media", 0755);
		if (mkdir(where, 0700) && errno != EEXIST) {
			r = -errno;
			luks_deactivate(name);
			audited("media mount", node, r, where, who);
			return r;
		}
	}
	*stage = MEDIA_STAGE_MOUNT;
	r = audited("media mount", node, mount_node(node, where), where, who);
	if (r)
		luks_deactivate(name);
	return r;
}

/* The mapping name of what is mounted on @dir, if it is a /dev/mapper node. */
static int mounted_name(const char *dir, char *name, size_t len)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_fs *fs = tb ? mnt_table_find_target(tb, dir, MNT_ITER_BACKWARD) : NULL;
	const char *src = fs ? mnt_fs_get_srcpath(fs) : NULL;
	int r = -ENOENT;

	if (src && !strncmp(src, "/dev/mapper/", 12) && media_name_valid(src + 12)) {
		snprintf(name, len, "%s", src + 12);
		r = 0;
	} else if (src) {
		r = -EMEDIUMTYPE;
	}
	mnt_unref_table(tb);
	return r;
}

int media_umount(const char *dir, const char *who, char *name, size_t len)
{
	struct libmnt_context *cx;
	int r = mounted_name(dir, name, len);

	if (r)
		return r;
	cx = mnt_new_context();
	if (!cx)
		return -ENOMEM;
	mnt_context_set_target(cx, dir);
	r = mnt_context_umount(cx);
	if (!r && mnt_context_get_status(cx) != 1)
		r = -EBUSY;
	mnt_free_context(cx);
	audited("media umount", dir, r ? (r < 0 ? r : -EBUSY) : 0, name, who);
	return r ? -EBUSY : 0;
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

int media_header_backup(const char *path, const char *file, const char *who)
{
	return audited("media header-backup", path, backup_to(path, file), file, who);
}
