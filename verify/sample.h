/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sampled verification after NIST SP 800-88 Rev.1 §4.7: at least 1,000
 * pseudorandomly placed subsections that together cover at least the chosen
 * percentage of the medium, always including the first and the last block.
 */
#ifndef KESU_SAMPLE_H
#define KESU_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define SAMPLE_MIN_COUNT 1000

struct sample_plan {
	uint64_t *off; /* byte offsets, sorted, non-overlapping */
	uint32_t *len; /* byte lengths, multiples of the unit */
	size_t n;
	uint64_t bytes; /* sum of len[] */
};

/**
 * sample_plan_make() - choose the subsections
 * @size: device size in bytes
 * @unit: the block every subsection is aligned to and made of (the last
 *        one may end at @size when it is not a multiple): the alignment the
 *        device's direct I/O needs (struct dev's align), so that reads of
 *        the plan bypass the page cache
 * @out: the plan; free with sample_plan_free()
 * @pct: 1..100 percent to cover
 * @seed: same seed, same plan (a second verifier can repeat it)
 *
 * A device too small for 1,000 distinct subsections is read whole.
 *
 * Return: 0, -EINVAL (pct out of range, size 0, unit 0 or over 1 MiB), -ENOMEM
 */
int sample_plan_make(uint64_t size, uint32_t unit, unsigned pct, uint64_t seed,
		     struct sample_plan *out);

void sample_plan_free(struct sample_plan *plan);

#endif
