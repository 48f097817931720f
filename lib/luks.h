/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LUKS through libcryptsetup, for the two users of it: kesu media (format,
 * passphrases, status, header backup, open and close) and the erase method
 * luks-crypto-erase. Nothing here parses a header by hand: libcryptsetup
 * loads, checks and writes it. libcryptsetup's own messages go to
 * kesu_log() at debug level; the callers get errnos.
 */
#ifndef KESU_LUKS_H
#define KESU_LUKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LUKS_MAX_SLOTS 32 /* LUKS2; LUKS1 has 8 */

/* One active keyslot and the cost of its key derivation. */
struct luks_keyslot {
	int slot;
	char pbkdf[16];	     /* "argon2id", "argon2i", "pbkdf2" */
	char hash[16];	     /* PBKDF2's hash ("sha256"); "" for Argon2 */
	uint32_t iterations; /* PBKDF2 iterations, or the Argon2 time cost */
	uint32_t memory_kb;  /* Argon2 memory cost; 0 for PBKDF2 */
	uint32_t parallel;   /* Argon2 threads; 0 for PBKDF2 */
	unsigned key_bits;   /* size of the key it unlocks */
};

/* What the header says, as libcryptsetup reads it. */
struct luks_info {
	int version;	      /* 1 or 2 */
	char cipher[64];      /* "aes-xts-plain64" */
	unsigned key_bits;    /* volume key size in bits */
	unsigned sector_size; /* encryption sector size in bytes */
	char label[49];	      /* LUKS2 label; "" when none (and for LUKS1) */
	char uuid[40];
	uint64_t data_offset; /* bytes from the start of the device */
	unsigned nslots;      /* the active keyslots, in @slots */
	struct luks_keyslot slots[LUKS_MAX_SLOTS];
};

/* Key derivation for a new keyslot. */
struct luks_pbkdf {
	const char *type; /* "argon2id", "argon2i" or "pbkdf2" */
	const char *hash; /* "sha256"; PBKDF2 and the anti-forensic splitter */
	uint32_t time_ms; /* benchmarked cost, e.g. 2000 */
	uint32_t max_memory_kb;
	uint32_t parallel;
	uint32_t iterations; /* >0: fixed cost, no benchmark (tests) */
};

struct luks_format_params {
	const char *cipher;   /* "aes" */
	const char *mode;     /* "xts-plain64" */
	unsigned key_bits;    /* 512 */
	unsigned sector_size; /* 512 or 4096 */
	const char *label;    /* NULL: none */
	struct luks_pbkdf pbkdf;
};

/* What a crypto-erase did. */
struct luks_erase_stats {
	int version; /* of the header that was destroyed */
	unsigned slots_destroyed;
	uint64_t bytes_wiped; /* 0 .. data offset, overwritten with zeros */
};

/**
 * luks_inspect() - load the LUKS header of @path and describe it
 * @path: block device or image file
 * @out: zeroed, then filled
 * Return: 0, -EMEDIUMTYPE (no LUKS header libcryptsetup recognises), -ENOENT,
 * -EACCES, -ENOMEM, or another negative errno of libcryptsetup
 */
int luks_inspect(const char *path, struct luks_info *out);

/**
 * luks_is_luks() - does libcryptsetup recognise a LUKS header on @path?
 * Return: true when crypt_load() succeeds
 */
bool luks_is_luks(const char *path);

/**
 * luks_crypto_erase() - destroy every keyslot of @path, then overwrite the
 * header and keyslot area (offset 0 to the data offset) with zeros through
 * libcryptsetup (crypt_keyslot_destroy, crypt_wipe), so that no copy of the
 * volume key is left in it and libcryptsetup no longer recognises a header
 * @stats: what was done, also when it failed part of the way
 * @why: on failure, a reason for the person
 * Return: 0, -EMEDIUMTYPE (not LUKS), -ENOTSUP (detached header: data
 * offset 0, no header area on the device), -EIO, or another negative errno
 */
int luks_crypto_erase(const char *path, struct luks_erase_stats *stats, char *why, size_t len);

/**
 * luks_format() - make a new LUKS2 header on @path with one keyslot
 * @pass: the passphrase of keyslot 0 (@passlen bytes)
 * @uuid: if not NULL, receives the new UUID (40 bytes)
 * Return: 0, -EINVAL (parameters libcryptsetup refuses), -ENOMEM, or another
 * negative errno
 */
int luks_format(const char *path, const struct luks_format_params *p, const char *pass,
		size_t passlen, char uuid[40]);

/**
 * luks_passphrase_check() - does @pass open a keyslot of @path? (the volume
 * key is derived and checked; nothing is activated)
 * @slot: if not NULL, the keyslot it opened
 * Return: 0, -EKEYREJECTED (no keyslot opens with it), -EMEDIUMTYPE, or
 * another negative errno
 */
int luks_passphrase_check(const char *path, const char *pass, size_t passlen, int *slot);

/**
 * luks_passphrase_add() - add a keyslot for @newpass, unlocked by @pass
 * @pbkdf: the new keyslot's key derivation
 * @slot: receives the new keyslot, or with -EEXIST the keyslot @newpass
 * already opens
 *
 * Every active keyslot is tried with @newpass first: a second keyslot with
 * the same passphrase would survive the removal of the first one.
 *
 * Return: 0, -EEXIST (@newpass already opens a keyslot), -EKEYREJECTED
 * (@pass opens nothing), -ENOSPC (no free keyslot), -EMEDIUMTYPE, or another
 * negative errno
 */
int luks_passphrase_add(const char *path, const char *pass, size_t passlen, const char *newpass,
			size_t newlen, const struct luks_pbkdf *pbkdf, int *slot);

/**
 * luks_passphrase_change() - replace the passphrase of the keyslot @pass
 * opens by @newpass (its key derivation becomes @pbkdf)
 * @slot: receives the keyslot that now holds @newpass, or with -EEXIST the
 * keyslot @newpass already opens
 * Return: as luks_passphrase_add()
 */
int luks_passphrase_change(const char *path, const char *pass, size_t passlen, const char *newpass,
			   size_t newlen, const struct luks_pbkdf *pbkdf, int *slot);

/**
 * luks_passphrase_remove() - destroy every keyslot @pass opens, unless that
 * would leave none (only a crypto-erase removes the last one)
 * @slots: receives the keyslots @pass opens (bit N: keyslot N): those
 * destroyed, or with -EPERM those that would have been
 *
 * Each active keyslot is tried on its own, so that a passphrase set twice
 * does not survive in the second keyslot.
 *
 * Return: 0, -EKEYREJECTED (no keyslot opens with it), -EPERM (it opens
 * every active keyslot: nothing destroyed), -EMEDIUMTYPE, or another
 * negative errno
 */
int luks_passphrase_remove(const char *path, const char *pass, size_t passlen, uint32_t *slots);

/**
 * luks_slots_text() - "keyslot 1", "keyslots 0 and 2", "keyslots 0, 1 and 3"
 * @slots: bit N for keyslot N
 * Return: @buf
 */
char *luks_slots_text(uint32_t slots, char *buf, size_t len);

/**
 * luks_dm_check() - can a LUKS device be activated here? Asks the kernel,
 * through libdevmapper, what libcryptsetup's activation needs: the
 * device-mapper driver (the version query libcryptsetup runs before any
 * activation), and the crypt target, whose module the kernel loads when
 * asked for its version (device-mapper ioctl 4.41 and later; before that
 * the target is loaded at the activation and cannot be asked for)
 * @why: on failure, the reason for the person
 *
 * Nothing is activated or written.
 *
 * Return: 0, -ENOTSUP (no device-mapper driver, or no crypt target), -EACCES
 * (not root: the driver cannot be asked), -ENOMEM
 */
int luks_dm_check(char *why, size_t len);

/**
 * luks_header_backup() - write the header and keyslot area of @path to the
 * new file @file (libcryptsetup refuses an existing one)
 * Return: 0, -EEXIST, -EMEDIUMTYPE, or another negative errno
 */
int luks_header_backup(const char *path, const char *file);

/**
 * luks_activate() - map @path as /dev/mapper/@name with the key @pass opens
 * @slot: if not NULL, the keyslot it opened
 * Return: 0, -EKEYREJECTED, -EEXIST (@name is taken), -ENOTSUP (no
 * device-mapper in this kernel), -EMEDIUMTYPE, or another negative errno
 */
int luks_activate(const char *path, const char *name, const char *pass, size_t passlen, int *slot);

/**
 * luks_deactivate() - remove the mapping @name
 * Return: 0, -ENODEV (no such mapping), -EBUSY (in use, e.g. mounted), or
 * another negative errno
 */
int luks_deactivate(const char *name);

/**
 * luks_is_active() - is @name an active LUKS mapping?
 */
bool luks_is_active(const char *name);

#endif
