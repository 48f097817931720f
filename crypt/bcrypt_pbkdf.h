/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bcrypt_pbkdf: the key derivation OpenSSH uses for passphrase-protected
 * private keys ("openssh-key-v1", kdfname "bcrypt"), as OpenBSD's
 * bcrypt_pbkdf(3) describes it.
 */
#ifndef KESU_CRYPT_BCRYPT_PBKDF_H
#define KESU_CRYPT_BCRYPT_PBKDF_H

#include <stddef.h>
#include <stdint.h>

/* the longest salt and key bcrypt_pbkdf() takes, as OpenBSD's limits */
#define BCRYPT_PBKDF_SALT_MAX (1u << 20)
#define BCRYPT_PBKDF_KEY_MAX 1024u

/**
 * bcrypt_pbkdf() - derive @key_len bytes from a passphrase and a salt
 * @pass: the passphrase, @pass_len bytes (not NUL-terminated)
 * @salt: the salt, @salt_len bytes
 * @key: where the derived key goes; wiped on failure
 * @rounds: the work factor (OpenSSH's "rounds", ssh-keygen -a; 16 by default)
 *
 * Each round is a SHA-512 of the last output and one bcrypt hash (Blowfish's
 * expensive key schedule, 64 times over the hashed passphrase and salt, then
 * 64 encryptions of "OxychromaticBlowfishSwatDynamite"); the rounds' outputs
 * are XORed, and the bytes of successive 32-byte blocks are interleaved into
 * @key so that every part of the key costs the whole work.
 *
 * Return: 0; -EINVAL (empty passphrase or salt, @key_len 0 or over
 * BCRYPT_PBKDF_KEY_MAX, @salt_len over BCRYPT_PBKDF_SALT_MAX, @rounds 0);
 * -ENOMEM; -EIO (SHA-512 failed in OpenSSL)
 */
int bcrypt_pbkdf(const uint8_t *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
		 uint8_t *key, size_t key_len, uint32_t rounds);

#endif
