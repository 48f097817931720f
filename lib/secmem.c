// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <sodium.h>

#include "secmem.h"

int secmem_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

void *secmem_alloc(size_t len)
{
	return sodium_malloc(len);
}

void secmem_free(void *p)
{
	if (p)
		sodium_free(p);
}

void secmem_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}

int secmem_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
	return 0;
}
