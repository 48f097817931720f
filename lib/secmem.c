// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>

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

void secmem_uuid(char out[37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}
