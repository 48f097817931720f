// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ranges.h"

int ranges_add(struct range_list *l, uint64_t start, uint64_t count)
{
	uint64_t end;
	size_t i, j;

	if (count == 0 || start + count < start)
		return -EINVAL;
	end = start + count;
	/* first range that ends at or after start: it may touch the new one */
	for (i = 0; i < l->n && l->v[i].start + l->v[i].count < start; i++)
		;
	/* ranges i..j-1 overlap or touch [start, end) and are absorbed */
	for (j = i; j < l->n && l->v[j].start <= end; j++) {
		if (l->v[j].start < start)
			start = l->v[j].start;
		if (l->v[j].start + l->v[j].count > end)
			end = l->v[j].start + l->v[j].count;
	}
	if (j == i) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 8;
			struct range *v = realloc(l->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			l->v = v;
			l->cap = cap;
		}
		memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(*l->v));
		l->n++;
	} else if (j > i + 1) {
		memmove(&l->v[i + 1], &l->v[j], (l->n - j) * sizeof(*l->v));
		l->n -= j - i - 1;
	}
	l->v[i].start = start;
	l->v[i].count = end - start;
	return 0;
}

int ranges_merge(struct range_list *dst, const struct range_list *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = ranges_add(dst, src->v[i].start, src->v[i].count);

		if (r)
			return r;
	}
	return 0;
}

uint64_t ranges_blocks(const struct range_list *l)
{
	uint64_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].count;
	return n;
}

void ranges_free(struct range_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
