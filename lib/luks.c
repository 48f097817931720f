// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libcryptsetup.h>
#include <libdevmapper.h>

#include "log.h"
#include "luks.h"

static pthread_once_t log_once = PTHREAD_ONCE_INIT;

/* libcryptsetup would print to stderr by itself: its messages go to the log instead */
static void cs_log(int level, const char *msg, void *usrptr)
{
	size_t n = strlen(msg);

	if (level == CRYPT_LOG_DEBUG_JSON)
		return;
	while (n && msg[n - 1] == '\n')
		n--;
	kesu_log(KESU_LOG_DEBUG, "libcryptsetup: %.*s", (int)n, msg);
}

static void set_log(void)
{
	crypt_set_log_callback(NULL, cs_log, NULL);
}

/* A file shorter than the smallest LUKS header: libcryptsetup's short read is no I/O error */
static bool too_small(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && st.st_size < 4096;
}

/* Open @path and load whatever LUKS header is on it; -EMEDIUMTYPE when none. */
static int load(const char *path, struct crypt_device **cd)
{
	int r;

	pthread_once(&log_once, set_log);
	r = crypt_init(cd, path);
	if (r < 0) {
		*cd = NULL;
		return r;
	}
	crypt_set_log_callback(*cd, cs_log, NULL);
	r = crypt_load(*cd, CRYPT_LUKS, NULL);
	if (r < 0) {
		crypt_free(*cd);
		*cd = NULL;
		return r == -EINVAL || (r == -EIO && too_small(path)) ? -EMEDIUMTYPE : r;
	}
	return 0;
}

bool luks_is_luks(const char *path)
{
	struct crypt_device *cd;

	if (load(path, &cd))
		return false;
	crypt_free(cd);
	return true;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static void slot_info(struct crypt_device *cd, int slot, struct luks_keyslot *k)
{
	struct crypt_pbkdf_type pb;
	int ks = crypt_keyslot_get_key_size(cd, slot);

	memset(k, 0, sizeof(*k));
	k->slot = slot;
	k->key_bits = ks > 0 ? (unsigned)ks * 8 : 0;
	if (crypt_keyslot_get_pbkdf(cd, slot, &pb) < 0)
		return;
	copy(k->pbkdf, sizeof(k->pbkdf), pb.type);
	k->iterations = pb.iterations;
	if (!strcmp(k->pbkdf, CRYPT_KDF_PBKDF2)) {
		copy(k->hash, sizeof(k->hash), pb.hash);
	} else {
		k->memory_kb = pb.max_memory_kb;
		k->parallel = pb.parallel_threads;
	}
}

int luks_inspect(const char *path, struct luks_info *out)
{
	struct crypt_device *cd;
	const char *type;
	int r, max;

	memset(out, 0, sizeof(*out));
	r = load(path, &cd);
	if (r)
		return r;
	type = crypt_get_type(cd);
	out->version = type && !strcmp(type, CRYPT_LUKS1) ? 1 : 2;
	snprintf(out->cipher, sizeof(out->cipher), "%s-%s", crypt_get_cipher(cd),
		 crypt_get_cipher_mode(cd));
	out->key_bits = (unsigned)crypt_get_volume_key_size(cd) * 8;
	out->sector_size = (unsigned)crypt_get_sector_size(cd);
	copy(out->label, sizeof(out->label), out->version == 2 ? crypt_get_label(cd) : NULL);
	copy(out->uuid, sizeof(out->uuid), crypt_get_uuid(cd));
	out->data_offset = crypt_get_data_offset(cd) * 512;
	max = crypt_keyslot_max(type);
	for (int s = 0; s < max && out->nslots < LUKS_MAX_SLOTS; s++) {
		crypt_keyslot_info st = crypt_keyslot_status(cd, s);

		if (st == CRYPT_SLOT_ACTIVE || st == CRYPT_SLOT_ACTIVE_LAST)
			slot_info(cd, s, &out->slots[out->nslots++]);
	}
	crypt_free(cd);
	return 0;
}

/* "PATH: WHAT: strerror" into @why; returns @err */
static int fail(int err, char *why, size_t len, const char *path, const char *what)
{
	snprintf(why, len, "%s: %s: %s", path, what, strerror(-err));
	return err;
}

int luks_crypto_erase(const char *path, struct luks_erase_stats *st, char *why, size_t len)
{
	struct crypt_device *cd;
	uint64_t area;
	int r, max;

	memset(st, 0, sizeof(*st));
	r = load(path, &cd);
	if (r == -EMEDIUMTYPE)
		return fail(r, why, len, path, "no LUKS header");
	if (r)
		return fail(r, why, len, path, "cannot load its LUKS header");
	st->version = !strcmp(crypt_get_type(cd), CRYPT_LUKS1) ? 1 : 2;
	area = crypt_get_data_offset(cd) * 512;
	if (!area) {
		crypt_free(cd);
		return fail(
			-ENOTSUP, why, len, path,
			"the header is detached (data offset 0): erase the header device instead");
	}
	max = crypt_keyslot_max(crypt_get_type(cd));
	for (int s = 0; s < max; s++) {
		crypt_keyslot_info ks = crypt_keyslot_status(cd, s);

		if (ks != CRYPT_SLOT_ACTIVE && ks != CRYPT_SLOT_ACTIVE_LAST)
			continue;
		r = crypt_keyslot_destroy(cd, s);
		if (r < 0) {
			crypt_free(cd);
			snprintf(why, len, "%s: cannot destroy keyslot %d: %s", path, s,
				 strerror(-r));
			return r;
		}
		st->slots_destroyed++;
	}
	/* the header, its copy and every keyslot's area lie below the data offset */
	r = crypt_wipe(cd, NULL, CRYPT_WIPE_ZERO, 0, area, 1024 * 1024, 0, NULL, NULL);
	crypt_free(cd);
	if (r < 0)
		return fail(r, why, len, path, "cannot overwrite the header area");
	st->bytes_wiped = area;
	return 0;
}

static void set_pbkdf(struct crypt_pbkdf_type *t, const struct luks_pbkdf *p)
{
	*t = (struct crypt_pbkdf_type){
		.type = p->type,
		.hash = p->hash,
		.time_ms = p->time_ms,
		.iterations = p->iterations,
		.max_memory_kb = p->max_memory_kb,
		.parallel_threads = p->parallel,
	};
	if (p->iterations)
		t->flags = CRYPT_PBKDF_NO_BENCHMARK;
	if (!strcmp(p->type, CRYPT_KDF_PBKDF2))
		t->max_memory_kb = t->parallel_threads = 0;
}

int luks_format(const char *path, const struct luks_format_params *p, const char *pass,
		size_t passlen, char uuid[40])
{
	struct crypt_pbkdf_type pb;
	struct crypt_params_luks2 params = { .sector_size = p->sector_size, .label = p->label };
	struct crypt_device *cd;
	int r;

	pthread_once(&log_once, set_log);
	r = crypt_init(&cd, path);
	if (r < 0)
		return r;
	crypt_set_log_callback(cd, cs_log, NULL);
	set_pbkdf(&pb, &p->pbkdf);
	params.pbkdf = &pb;
	r = crypt_format(cd, CRYPT_LUKS2, p->cipher, p->mode, NULL, NULL, p->key_bits / 8, &params);
	if (r >= 0)
		r = crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0, pass, passlen);
	if (r >= 0 && uuid)
		copy(uuid, 40, crypt_get_uuid(cd));
	crypt_free(cd);
	return r < 0 ? r : 0;
}

/* libcryptsetup says -EPERM for "no key available with this passphrase" */
static int key_err(int r)
{
	return r == -EPERM ? -EKEYREJECTED : r;
}

int luks_passphrase_check(const char *path, const char *pass, size_t passlen, int *slot)
{
	struct crypt_device *cd;
	int r = load(path, &cd);

	if (r)
		return r;
	r = crypt_activate_by_passphrase(cd, NULL, CRYPT_ANY_SLOT, pass, passlen, 0);
	crypt_free(cd);
	if (r >= 0 && slot)
		*slot = r;
	return r < 0 ? key_err(r) : 0;
}

/* Load @path and set the key derivation of keyslots made from now on. */
static int load_pbkdf(const char *path, const struct luks_pbkdf *p, struct crypt_device **cd)
{
	struct crypt_pbkdf_type pb;
	int r = load(path, cd);

	if (r)
		return r;
	if (!p)
		return 0;
	set_pbkdf(&pb, p);
	r = crypt_set_pbkdf_type(*cd, &pb);
	if (r < 0) {
		crypt_free(*cd);
		*cd = NULL;
	}
	return r < 0 ? r : 0;
}

/* -EEXIST when @newpass already opens a keyslot (nothing is activated: name NULL) */
static int refuse_duplicate(struct crypt_device *cd, const char *newpass, size_t newlen, int *slot)
{
	int s = crypt_activate_by_passphrase(cd, NULL, CRYPT_ANY_SLOT, newpass, newlen, 0);

	if (s >= 0) {
		if (slot)
			*slot = s;
		return -EEXIST;
	}
	/* -EPERM: no keyslot opens with it, the answer wanted */
	return s == -EPERM || s == -ENOENT ? 0 : s;
}

int luks_passphrase_add(const char *path, const char *pass, size_t passlen, const char *newpass,
			size_t newlen, const struct luks_pbkdf *pbkdf, int *slot)
{
	struct crypt_device *cd;
	int r = load_pbkdf(path, pbkdf, &cd);

	if (r)
		return r;
	r = refuse_duplicate(cd, newpass, newlen, slot);
	if (!r)
		r = crypt_keyslot_add_by_passphrase(cd, CRYPT_ANY_SLOT, pass, passlen, newpass,
						    newlen);
	crypt_free(cd);
	if (r >= 0 && slot)
		*slot = r;
	/* -EINVAL when every keyslot is taken, after the passphrase was checked */
	return r < 0 ? key_err(r) : 0;
}

int luks_passphrase_change(const char *path, const char *pass, size_t passlen, const char *newpass,
			   size_t newlen, const struct luks_pbkdf *pbkdf, int *slot)
{
	struct crypt_device *cd;
	int r = load_pbkdf(path, pbkdf, &cd);

	if (r)
		return r;
	r = refuse_duplicate(cd, newpass, newlen, slot);
	if (!r)
		r = crypt_keyslot_change_by_passphrase(cd, CRYPT_ANY_SLOT, CRYPT_ANY_SLOT, pass,
						       passlen, newpass, newlen);
	crypt_free(cd);
	if (r >= 0 && slot)
		*slot = r;
	return r < 0 ? key_err(r) : 0;
}

static bool slot_active(struct crypt_device *cd, int s)
{
	crypt_keyslot_info st = crypt_keyslot_status(cd, s);

	return st == CRYPT_SLOT_ACTIVE || st == CRYPT_SLOT_ACTIVE_LAST;
}

/* The active keyslots @pass opens, each tried on its own, into @opens; the active ones into @all */
static int slots_opened(struct crypt_device *cd, const char *pass, size_t passlen, uint32_t *opens,
			uint32_t *all)
{
	int max = crypt_keyslot_max(crypt_get_type(cd)), r;

	*opens = *all = 0;
	for (int s = 0; s < max && s < LUKS_MAX_SLOTS; s++) {
		if (!slot_active(cd, s))
			continue;
		*all |= 1u << s;
		r = crypt_activate_by_passphrase(cd, NULL, s, pass, passlen, 0);
		if (r >= 0)
			*opens |= 1u << s;
		else if (r != -EPERM)
			return r;
	}
	return 0;
}

int luks_passphrase_remove(const char *path, const char *pass, size_t passlen, uint32_t *slots)
{
	struct crypt_device *cd;
	uint32_t opens = 0, all = 0;
	int r = load(path, &cd);

	if (slots)
		*slots = 0;
	if (r)
		return r;
	r = slots_opened(cd, pass, passlen, &opens, &all);
	if (!r && !opens)
		r = -EKEYREJECTED;
	else if (!r && opens == all)
		r = -EPERM;
	for (int s = 0; !r && s < LUKS_MAX_SLOTS; s++)
		if (opens & (1u << s))
			r = crypt_keyslot_destroy(cd, s);
	crypt_free(cd);
	if (slots)
		*slots = opens;
	return r < 0 ? r : 0;
}

char *luks_slots_text(uint32_t slots, char *buf, size_t len)
{
	unsigned n = (unsigned)__builtin_popcount(slots), i = 0;
	size_t off;

	off = (size_t)snprintf(buf, len, "keyslot%s", n == 1 ? "" : "s");
	for (int s = 0; s < LUKS_MAX_SLOTS && off < len; s++) {
		if (!(slots & (1u << s)))
			continue;
		i++;
		off += (size_t)snprintf(buf + off, len - off, "%s%d",
					i == 1 ? " " :
					i == n ? " and " :
						 ", ",
					s);
	}
	return buf;
}

/* libdevmapper's first complaint, for the reason; its messages go to the log, not stderr */
static char dm_first_error[128];

static void dm_log(int level, const char *file, int line, int dm_errno_or_class, const char *f, ...)
	__attribute__((format(printf, 5, 6)));
static void dm_log(int level, const char *file, int line, int dm_errno_or_class, const char *f, ...)
{
	char msg[256];
	va_list ap;

	(void)file;
	(void)line;
	(void)dm_errno_or_class;
	va_start(ap, f);
	vsnprintf(msg, sizeof(msg), f, ap);
	va_end(ap);
	kesu_log(KESU_LOG_DEBUG, "libdevmapper: %s", msg);
	if ((level & 7) <= 3 && !dm_first_error[0]) /* _LOG_ERR */
		snprintf(dm_first_error, sizeof(dm_first_error), "%.*s",
			 (int)sizeof(dm_first_error) - 1, msg);
}

/* The driver's ioctl version ("4.48.0"): what libcryptsetup asks before every activation */
static int dm_driver(unsigned *maj, unsigned *min, char *why, size_t len)
{
	/* libdevmapper asks the driver's version already here, and fails without it */
	struct dm_task *dmt = dm_task_create(DM_DEVICE_VERSION);
	char version[32];
	int r = 0;

	if (!dmt || !dm_task_run(dmt) ||
	    !dm_task_get_driver_version(dmt, version, sizeof(version))) {
		r = geteuid() ? -EACCES : -ENOTSUP;
		snprintf(why, len, "%s%s%s",
			 r == -EACCES ? "device-mapper needs root" :
					"no device-mapper driver in this kernel (dm_mod)",
			 dm_first_error[0] ? ": " : "", dm_first_error);
	} else if (sscanf(version, "%u.%u", maj, min) != 2) {
		*maj = *min = 0;
	}
	if (dmt)
		dm_task_destroy(dmt);
	return r;
}

int luks_dm_check(char *why, size_t len)
{
	struct dm_task *dmt = NULL;
	unsigned maj = 0, min = 0;
	int r;

	dm_first_error[0] = '\0';
	dm_log_with_errno_init(dm_log);
	r = dm_driver(&maj, &min, why, len);
	/* the kernel loads the target's module to answer, as a table load would */
	if (!r && (maj > 4 || (maj == 4 && min >= 41))) {
		dmt = dm_task_create(DM_DEVICE_GET_TARGET_VERSION);
		if (!dmt)
			r = -ENOMEM;
		else if (!dm_task_set_name(dmt, "crypt") || !dm_task_run(dmt))
			r = -ENOTSUP;
		if (r == -ENOTSUP)
			snprintf(why, len,
				 "device-mapper has no crypt target in this kernel (dm_crypt)");
	}
	if (dmt)
		dm_task_destroy(dmt);
	dm_lib_release();
	dm_log_with_errno_init(NULL);
	return r;
}

int luks_header_backup(const char *path, const char *file)
{
	struct crypt_device *cd;
	int r = load(path, &cd);

	if (r)
		return r;
	r = crypt_header_backup(cd, NULL, file);
	crypt_free(cd);
	return r < 0 ? r : 0;
}

int luks_activate(const char *path, const char *name, const char *pass, size_t passlen, int *slot)
{
	struct crypt_device *cd;
	int r = load(path, &cd);

	if (r)
		return r;
	r = crypt_activate_by_passphrase(cd, name, CRYPT_ANY_SLOT, pass, passlen, 0);
	crypt_free(cd);
	if (r >= 0 && slot)
		*slot = r;
	return r < 0 ? key_err(r) : 0;
}

int luks_deactivate(const char *name)
{
	struct crypt_device *cd;
	int r;

	pthread_once(&log_once, set_log);
	r = crypt_init_by_name(&cd, name);
	if (r < 0)
		return r;
	r = crypt_deactivate(cd, name);
	crypt_free(cd);
	return r < 0 ? r : 0;
}

bool luks_is_active(const char *name)
{
	crypt_status_info st;

	pthread_once(&log_once, set_log);
	st = crypt_status(NULL, name);
	return st == CRYPT_ACTIVE || st == CRYPT_BUSY;
}
