// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * luks-crypto-erase: every keyslot of a LUKS1/LUKS2 device is destroyed and
 * the header and keyslot area (offset 0 to the data offset) is overwritten
 * with zeros through libcryptsetup (lib/luks.c). Without a keyslot no
 * passphrase recovers the volume key, so the encrypted data area is
 * unreadable: a cryptographic erase of the key material.
 *
 * Its proof is not the NIST sample of purge_run(), which would land almost
 * entirely in the data area that this method leaves as it is: every 4 KiB
 * block of the header area is read and hashed before, and read again with
 * the page cache bypassed afterwards. Each must read as zeros, and none
 * that held anything may be unchanged; libcryptsetup must no longer find a
 * header.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "caps.h"
#include "erase.h"
#include "luks.h"

#define BLOCK 4096
#define CHUNK (1024 * 1024)
#define HASH 32

/* the 4 KiB blocks of the header area: a hash of each, and whether it was all zero */
struct area {
	uint64_t len;
	size_t nblocks;
	uint8_t (*hash)[HASH];
	bool *zero;
};

struct after {
	uint64_t blank_before; /* blocks that read as zeros already */
	uint64_t changed;      /* held something, and no longer do */
	uint64_t unchanged;    /* held something, and still hold it: failure */
	uint64_t not_zero;     /* do not read as zeros afterwards: failure */
};

static const char ftl_note[] =
	"only the header and keyslot area was overwritten; on USB flash media the "
	"flash translation layer may keep old copies of the header in blocks the host "
	"cannot address, so a Purge or an overwrite of the whole device is stronger";

static int add_nothing(struct erase_plan *plan, const char *arg)
{
	return 0;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	return sodium_is_zero(b, n);
}

/*
 * Read the area through @d, past the page cache: on the first read, keep
 * each block's hash; on the second, compare and count into @a.
 */
static int read_area(struct dev *d, struct area *ar, struct after *a, uint64_t *bytes)
{
	uint8_t *buf = dev_buf_alloc(d, CHUNK), h[HASH];
	int r = dev_drop_cache(d);

	if (!buf)
		return -ENOMEM;
	for (uint64_t off = 0; !r && off < ar->len; off += CHUNK) {
		size_t n = ar->len - off < CHUNK ? (size_t)(ar->len - off) : CHUNK;

		r = dev_pread(d, buf, n, off);
		for (size_t i = 0; !r && i < n / BLOCK; i++) {
			size_t b = (size_t)(off / BLOCK) + i;
			const uint8_t *p = buf + i * BLOCK;

			crypto_generichash(a ? h : ar->hash[b], HASH, p, BLOCK, NULL, 0);
			if (!a) {
				ar->zero[b] = all_zero(p, BLOCK);
				continue;
			}
			if (ar->zero[b])
				a->blank_before++;
			else if (sodium_memcmp(h, ar->hash[b], HASH))
				a->changed++;
			else
				a->unchanged++;
			if (!all_zero(p, BLOCK))
				a->not_zero++;
		}
		if (!r)
			*bytes += n;
	}
	dev_buf_free(buf);
	return r;
}

static json_t *purge_json(const struct luks_info *info, const struct luks_erase_stats *st,
			  const struct area *ar, const struct after *a, bool gone)
{
	return json_pack("{s:s,s:s,s:i,s:s,s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I,s:s,s:b,s:b},"
			 "s:s}",
			 "command", "luks-crypto-erase", "technique", "keyslot-destroy",
			 "luks_version", info->version, "uuid", info->uuid, "keyslots_destroyed",
			 (json_int_t)st->slots_destroyed, "bytes_wiped",
			 (json_int_t)st->bytes_wiped, "data_offset", (json_int_t)info->data_offset,
			 "verification", "blocks", (json_int_t)ar->nblocks, "blank_before",
			 (json_int_t)a->blank_before, "changed", (json_int_t)a->changed,
			 "unchanged", (json_int_t)a->unchanged, "not_zero_after",
			 (json_int_t)a->not_zero, "expected", "zero", "header_gone", gone,
			 "verified", !a->unchanged && !a->not_zero && gone, "note", ftl_note);
}

static void finish(struct erase_result *r, enum erase_result_code code, int err, const char *why)
{
	r->code = code;
	r->err = err;
	if (why)
		snprintf(r->reason, sizeof(r->reason), "%s", why);
	clock_gettime(CLOCK_REALTIME, &r->finished);
}

/* The header area is erased: check what the device reads now, and judge. */
static void judge(struct dev *d, const char *path, const struct luks_info *info,
		  const struct luks_erase_stats *st, struct area *ar, struct erase_result *r)
{
	struct after a = { 0 };
	char why[256];
	int e = read_area(d, ar, &a, &r->bytes_read);
	bool gone = !luks_is_luks(path);

	r->purge = purge_json(info, st, ar, &a, gone);
	if (e) {
		snprintf(why, sizeof(why), "cannot read the header area back: %s", strerror(-e));
		finish(r, ERASE_FAILED, e, why);
		return;
	}
	r->verified = !a.unchanged && !a.not_zero && gone;
	if (!gone) {
		finish(r, ERASE_FAILED, 0, "libcryptsetup still recognises a LUKS header");
	} else if (a.unchanged || a.not_zero) {
		snprintf(why, sizeof(why),
			 "%llu block(s) of the header area unchanged, %llu not zero afterwards",
			 (unsigned long long)a.unchanged, (unsigned long long)a.not_zero);
		finish(r, ERASE_FAILED, 0, why);
	} else {
		finish(r, ERASE_SUCCESS, 0, NULL);
	}
}

static int luks_erase_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
			  struct erase_result *r)
{
	const char *path = o && o->path ? o->path : d->path;
	struct luks_erase_stats st = { 0 };
	struct luks_info *info = calloc(1, sizeof(*info));
	struct area ar = { 0 };
	char why[256];
	int e;

	clock_gettime(CLOCK_REALTIME, &r->started);
	if (!info) {
		finish(r, ERASE_FAILED, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	e = luks_inspect(path, info);
	if (e) {
		/* nothing was written: a device without a LUKS header is refused */
		snprintf(why, sizeof(why), "%s",
			 e == -EMEDIUMTYPE ?
				 "not a LUKS device: libcryptsetup finds no LUKS1 or "
				 "LUKS2 header on it; use an overwrite or a Purge method" :
				 strerror(-e));
		finish(r, e == -EMEDIUMTYPE ? ERASE_REFUSED : ERASE_FAILED, e, why);
		free(info);
		return 0;
	}
	ar.len = info->data_offset / BLOCK * BLOCK;
	if (ar.len > d->size)
		ar.len = d->size / BLOCK * BLOCK;
	ar.nblocks = (size_t)(ar.len / BLOCK);
	ar.hash = malloc(ar.nblocks ? ar.nblocks * HASH : 1);
	ar.zero = calloc(ar.nblocks ? ar.nblocks : 1, 1);
	e = !ar.hash || !ar.zero ? -ENOMEM : read_area(d, &ar, NULL, &r->bytes_read);
	if (!e && !ar.len)
		e = -ENOTSUP;
	if (!e)
		e = luks_crypto_erase(path, &st, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s",
			 e == -ENOTSUP ? "the header is detached (data offset 0)" :
					 "cannot read the header area before the erase");
	r->pass[0].bytes_written = st.bytes_wiped;
	r->pass[0].completed = st.bytes_wiped == info->data_offset && st.bytes_wiped;
	if (e)
		finish(r, st.slots_destroyed ? ERASE_FAILED : ERASE_REFUSED, e, why);
	else
		judge(d, path, info, &st, &ar, r);
	free(ar.hash);
	free(ar.zero);
	free(info);
	return 0;
}

static bool luks_supported(const struct erase_caps *caps, char *why, size_t len)
{
	if (caps && caps->luks)
		return true;
	snprintf(why, len,
		 "not a LUKS device: libcryptsetup finds no LUKS1 or LUKS2 header on it; "
		 "use an overwrite or a Purge method");
	return false;
}

const struct erase_method erase_methods_luks[] = {
	{ "luks-crypto-erase", "purge", "keyslot-destroy",
	  "destroy every LUKS keyslot and zero the header area: cryptographic erase of the key "
	  "material (LUKS1/LUKS2 devices only)",
	  add_nothing, luks_erase_run, luks_supported },
	{ NULL },
};
