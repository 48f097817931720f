// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How fast the random pattern's keystream is generated on one core, with no
 * I/O: pattern_fill() over consecutive 1 MiB chunks, as the erase engine
 * calls it. The device can never be written faster than this.
 *
 * usage: keystream [GIB [CHUNK_KIB]]   (defaults: 4 GiB in 1024 KiB chunks)
 * Prints one line; bench/erase reads the number after "=".
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pattern.h"
#include "secmem.h"

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_count(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || *out == 0 ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	unsigned long gib = 4, chunk_kib = 1024;
	struct pattern p;
	uint64_t total, off;
	size_t chunk;
	double t0, c0, wall, cpu;
	void *buf = NULL;
	int r, ret = 1;

	if (argc > 3 || (argc > 1 && parse_count(argv[1], &gib)) ||
	    (argc > 2 && parse_count(argv[2], &chunk_kib))) {
		fprintf(stderr, "usage: keystream [GIB [CHUNK_KIB]]\n");
		return 2;
	}
	total = (uint64_t)gib << 30;
	chunk = (size_t)chunk_kib << 10;

	if (secmem_init()) {
		fprintf(stderr, "keystream: cannot initialise libsodium\n");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	r = pattern_parse("random", &p);
	if (r) {
		fprintf(stderr, "keystream: cannot set up the random pattern: %s\n", strerror(-r));
		return 1;
	}
	/* the engine's buffers are page-aligned for O_DIRECT; so is this one */
	buf = aligned_alloc(4096, chunk);
	if (!buf) {
		fprintf(stderr, "keystream: cannot allocate %zu bytes\n", chunk);
		goto out;
	}
	/* fault the buffer in before timing, as the engine's pool does */
	if (pattern_fill(&p, buf, chunk, 0))
		goto fail;

	t0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (off = 0; off < total; off += chunk)
		if (pattern_fill(&p, buf, chunk, off))
			goto fail;
	wall = seconds(CLOCK_MONOTONIC) - t0;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;

	printf("keystream %s: %lu GiB in %lu KiB chunks, %.3f s (cpu %.3f s) = %.2f GB/s\n",
	       pattern_generator(&p), gib, chunk_kib, wall, cpu, (double)total / wall / 1e9);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "keystream: the cipher failed\n");
out:
	free(buf);
	pattern_free(&p);
	return ret;
}
