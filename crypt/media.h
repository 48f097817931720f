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
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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

/* The name of an open medium: letters, digits, '.', '_', '-' (device-mapper) */
#define MEDIA_NAME_MAX 64

struct dev_info;
struct outfile;

/* What kesu media format makes, and the fields of its record */
struct media_format_req {
	/* @info: the target, held and checked (lib/guard.h) until media_format() */
	const struct dev_info *info;
	/* @label: LUKS2 and file system label, or NULL */
	const char *label;
	/* @fs: the file system inside: "ext4", "exfat" or "none" */
	const char *fs;
	/* @op_name: who prepares the medium (--operator), or NULL */
	const char *op_name;
	/* @who: the user, for the security log and the record */
	const char *who;
	/* @pbkdf: the key derivation of the first keyslot */
	struct luks_pbkdf pbkdf;
};

/* Where a media operation failed, for the message that names it */
enum media_stage {
	MEDIA_STAGE_CHECK, /* what the whole format needs, before anything is written */
	MEDIA_STAGE_LUKS,  /* the LUKS work itself */
	MEDIA_STAGE_OPEN,  /* activating the new medium to make its file system */
	MEDIA_STAGE_MKFS,  /* mkfs.ext4 or mkfs.exfat */
	MEDIA_STAGE_CLOSE, /* deactivating it again */
	MEDIA_STAGE_MKDIR, /* the default mount point /media/NAME */
	MEDIA_STAGE_MOUNT,
};

/* What media_format() made */
struct media_format_out {
	/* @params: the LUKS2 parameters written */
	struct luks_format_params params;
	/* @uuid: the new header's UUID */
	char uuid[40];
	/* @stage: where it failed */
	enum media_stage stage;
	/* @mapping: the temporary mapping name, when @stage is MEDIA_STAGE_CLOSE */
	char mapping[MEDIA_NAME_MAX + 1];
	/* @why: what is missing, when @stage is MEDIA_STAGE_CHECK */
	char why[192];
};

/**
 * media_format_check() - is everything a format with the file system @fs
 * needs here? For "ext4" and "exfat": mkfs.ext4 or mkfs.exfat in PATH, and
 * device-mapper with its crypt target (luks_dm_check()), since the file
 * system is made on the opened medium; "none" needs neither
 * @why: on failure, what is missing
 *
 * Called before anything is asked or written: a missing piece found after
 * luks_format() would leave a header without a file system.
 *
 * Return: 0, -ENOENT (mkfs not installed), or an errno of luks_dm_check()
 */
int media_format_check(const char *fs, char *why, size_t len);

/**
 * media_format() - write a LUKS2 header (media_format_defaults(), @req->pbkdf)
 * and make the file system inside, logging start and end in the security log
 * @pass: the first keyslot's passphrase
 *
 * The target must be let go of before the call: libcryptsetup opens it
 * O_EXCL itself, which refuses anything that took it in between. mkfs runs
 * on a temporary mapping (kesu-format-PID), its output sent to /dev/null.
 *
 * media_format_check() runs first: nothing is written when it fails.
 *
 * Return: 0; an errno of media_format_check() (@out->why says what is
 * missing), a negative errno of libcryptsetup (lib/luks.h) or of mkfs
 * (-ENOENT: not installed, -EIO: it failed); @out->stage says where
 */
int media_format(const struct media_format_req *req, const char *pass,
		 struct media_format_out *out);

/**
 * media_mkfs() - run mkfs.ext4 -q or mkfs.exfat on @node, by fork and exec
 * @fs: "ext4" or "exfat"
 * @label: the file system label, or NULL
 * Return: 0, -ENOENT (not installed), -EIO (it failed), or the errno of
 * fork() or waitpid()
 */
int media_mkfs(const char *fs, const char *node, const char *label);

/**
 * media_record() - the register record of a new medium (kesu-media/1)
 * @li: its header as luks_inspect() read it
 * @when: the time of the record
 * Return: a new object (label, UUID, serial, model, device, size, cipher,
 * key size, sector size, file system, date, operator, user), or NULL when
 * out of memory
 */
json_t *media_record(const struct media_format_req *req, const struct luks_info *li,
		     const struct timespec *when);

/**
 * media_record_write() - read the new header and commit its record to @of
 * @of: reserved with outfile_reserve() before the medium was touched
 * Return: 0, -ENOMEM, a negative errno of luks_inspect() or outfile_commit()
 */
int media_record_write(const struct media_format_req *req, struct outfile *of);

/**
 * media_status() - read the header of @path and check it against the policy
 * Return: 0 (@v says whether it complies), -EMEDIUMTYPE (no LUKS header:
 * not encrypted), or another negative errno of luks_inspect()
 */
int media_status(const char *path, struct luks_info *li, struct media_verdict *v);

enum media_pass_op { MEDIA_PASS_ADD, MEDIA_PASS_CHANGE, MEDIA_PASS_REMOVE };

/**
 * media_passphrase() - add a keyslot, change one's passphrase or remove one,
 * recorded in the security log
 * @newpass: the new passphrase (add, change), else NULL
 * @p: the key derivation of a new keyslot
 * @slots: the keyslots concerned (bit N: keyslot N): the one added or
 * changed; those removed; with -EEXIST the one @newpass already opens; with
 * -EPERM those remove would have destroyed
 * Return: 0; -EEXIST (add, change: @newpass already opens a keyslot: refused,
 * nothing written); -EPERM (remove: @pass opens every keyslot, and the last
 * one stays); -EKEYREJECTED (no keyslot opens with @pass), -ENOSPC (no free
 * keyslot) or another negative errno of lib/luks.h
 */
int media_passphrase(enum media_pass_op op, const char *path, const char *pass, const char *newpass,
		     const struct luks_pbkdf *p, const char *who, uint32_t *slots);

/**
 * media_name_valid() - a mapping name kesu accepts: 1 to MEDIA_NAME_MAX
 * letters, digits, '.', '_' or '-', not starting with a dot
 */
bool media_name_valid(const char *s);

/**
 * media_default_name() - the mapping name of @path when none is given: kesu-
 * and the first 8 characters of its UUID
 * Return: 0, -EMEDIUMTYPE (not LUKS), -ENOMEM, or another errno of luks_inspect()
 */
int media_default_name(const char *path, char *name, size_t len);

/**
 * media_open() - open @path as /dev/mapper/@name, recorded in the security log
 * Return: 0, -EEXIST (the name is taken), -EKEYREJECTED, -ENOTSUP (no
 * dm-crypt), or another negative errno of luks_activate()
 */
int media_open(const char *path, const char *name, const char *pass, const char *who, int *slot);

/**
 * media_close() - close the open medium @name, recorded in the security log
 * Return: 0, -EBUSY (in use: mounted), -ENODEV (no such open medium), or
 * another negative errno of luks_deactivate()
 */
int media_close(const char *name, const char *who);

/**
 * media_mount() - mount the open medium @name (nosuid, nodev) on @dir, or
 * on /media/@name (made, mode 0700) when @dir is NULL; on failure the
 * medium is closed again
 * @where: receives the mount point
 * @stage: MEDIA_STAGE_MKDIR or MEDIA_STAGE_MOUNT, where it failed
 * Return: 0, or the negative errno of mkdir() or of the mount
 */
int media_mount(const char *name, const char *dir, const char *who, char *where, size_t len,
		enum media_stage *stage);

/**
 * media_umount() - unmount @dir, where an open medium is mounted
 * @name: receives its mapping name, for media_close()
 * Return: 0, -ENOENT (nothing is mounted there), -EMEDIUMTYPE (what is
 * mounted there is not an open medium), -EBUSY (busy or not permitted)
 */
int media_umount(const char *dir, const char *who, char *name, size_t len);

/**
 * media_header_backup() - copy the LUKS header of @path to the new file
 * @file (mode 0600, synced), recorded in the security log
 * Return: 0, -EEXIST (@file exists), -EMEDIUMTYPE, -ENOMEM, or another
 * negative errno of libcryptsetup, the file or its directory
 */
int media_header_backup(const char *path, const char *file, const char *who);

#endif
