/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sorted, merged lists of logical-block ranges: bad blocks, mismatches.
 */
#ifndef KESU_RANGES_H
#define KESU_RANGES_H

#include <stddef.h>
#include <stdint.h>

struct range {
	uint64_t start; /* first logical block */
	uint64_t count; /* number of blocks, > 0 */
};

struct range_list {
	struct range *v;
	size_t n;
	size_t cap;
};

/**
 * ranges_add() - add [start, start+count) keeping the list sorted and merged
 *
 * Overlapping and adjacent ranges are joined into one.
 *
 * Return: 0, -EINVAL for count 0 or overflow, -ENOMEM
 */
int ranges_add(struct range_list *l, uint64_t start, uint64_t count);

/** ranges_merge() - add every range of @src to @dst; 0 or -ENOMEM */
int ranges_merge(struct range_list *dst, const struct range_list *src);

/** ranges_blocks() - total number of blocks covered */
uint64_t ranges_blocks(const struct range_list *l);

/** ranges_free() - release and reset to empty */
void ranges_free(struct range_list *l);

#endif
