// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "media.h"

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
