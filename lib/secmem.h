/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Secret memory: locked, guarded and wiped on free (libsodium's
 * sodium_malloc). Every key, passphrase and keystream seed lives here.
 */
#ifndef KESU_SECMEM_H
#define KESU_SECMEM_H

#include <stddef.h>

/**
 * secmem_init() - initialise libsodium; call once before anything else
 * Return: 0, or -EIO when libsodium cannot initialise
 */
int secmem_init(void);

/** secmem_alloc() - locked, guarded allocation; NULL on failure */
void *secmem_alloc(size_t len);

/** secmem_free() - wipe and release; NULL is ignored */
void secmem_free(void *p);

/**
 * secmem_wipe() - wipe @len bytes at @p so that the compiler cannot drop it
 *
 * The one wipe function: for secrets outside secure memory (stack keys,
 * structures that held them) and for secure memory kept after use. Not
 * needed before secmem_free(), which wipes.
 */
void secmem_wipe(void *p, size_t len);

/**
 * secmem_random() - fill @buf with @len bytes from the kernel CSPRNG
 * Return: 0 (getrandom cannot fail short for these sizes)
 */
int secmem_random(void *buf, size_t len);

/**
 * secmem_uuid() - a random (version 4) UUID in its 36-character text form
 * @out: 37 bytes, NUL-terminated
 */
void secmem_uuid(char out[37]);

#endif
