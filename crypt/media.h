/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Encrypted removable media (policy art. 41): what kesu media format makes,
 * and whether a LUKS medium meets the encryption policy.
 *
 * The policy, checked on what libcryptsetup reports (lib/luks.h):
 * - the cipher is AES in XTS mode with a 512-bit key (AES-256-XTS); any
 *   other cipher or a shorter key is refused;
 * - every keyslot's key derivation costs at least the floor: Argon2 with
 *   MEDIA_ARGON2_MIN_MEMORY_KB of memory and MEDIA_ARGON2_MIN_TIME
 *   iterations, PBKDF2 with MEDIA_PBKDF2_MIN_ITERATIONS iterations (which a
 *   LUKS1 header made with a short --iter-time does not reach);
 * - at least one keyslot is active.
 */
#ifndef KESU_CRYPT_MEDIA_H
#define KESU_CRYPT_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "luks.h"

/* Floors of the key derivation cost of every keyslot */
#define MEDIA_ARGON2_MIN_MEMORY_KB (64 * 1024) /* 64 MiB */
#define MEDIA_ARGON2_MIN_TIME 4		       /* iterations */
#define MEDIA_PBKDF2_MIN_ITERATIONS 1000000
#define MEDIA_MIN_KEY_BITS 512 /* XTS: two AES-256 keys */

/* What kesu media format chooses: LUKS2, AES-256-XTS, Argon2id benchmarked */
#define MEDIA_KDF_TIME_MS 2000
#define MEDIA_KDF_MAX_MEMORY_KB (1024 * 1024) /* 1 GiB */
#define MEDIA_KDF_MAX_THREADS 4

#define MEDIA_MAX_REASONS 40

/* The verdict of the policy check; each reason is one sentence. */
struct media_verdict {
	bool compliant;
	unsigned nreasons;
	char reasons[MEDIA_MAX_REASONS][160];
};

/**
 * media_policy_check() - does the medium described by @info meet the policy?
 * @v: zeroed, then filled: compliant, or the reasons it is not
 * Return: 0 (read @v->compliant)
 */
int media_policy_check(const struct luks_info *info, struct media_verdict *v);

/**
 * media_pbkdf_default() - the key derivation of a new keyslot: Argon2id at
 * MEDIA_KDF_TIME_MS as libcryptsetup benchmarks it, at most
 * MEDIA_KDF_MAX_MEMORY_KB and MEDIA_KDF_MAX_THREADS threads
 */
void media_pbkdf_default(struct luks_pbkdf *p);

/**
 * media_pbkdf_test() - the smallest cost libcryptsetup accepts, fixed, not
 * benchmarked (Argon2id, 4 iterations, 32 KiB, 1 thread), far below the
 * policy's floor: for the test suite only (KESU_TEST_WEAK_KDF=1 in a build
 * with test hooks), never a default
 */
void media_pbkdf_test(struct luks_pbkdf *p);

/**
 * media_format_defaults() - the parameters of kesu media format
 * @size: the device's size in bytes
 * @lbs: its logical block size
 * @label: the LUKS2 label, or NULL
 *
 * 4096-byte encryption sectors where the device allows them (a logical
 * block of at most 4096 bytes and a size that is a multiple of 4096), else
 * 512.
 */
void media_format_defaults(uint64_t size, unsigned lbs, const char *label,
			   struct luks_format_params *p);

/**
 * media_status_json() - what kesu media status --json prints: the header
 * (version, cipher, key size, sector size, label, UUID, data offset), the
 * keyslots with their key derivation, and the verdict with its reasons
 * Return: a new object, or NULL when out of memory
 */
json_t *media_status_json(const struct luks_info *info, const struct media_verdict *v);

#endif
