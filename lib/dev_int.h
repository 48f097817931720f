/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the device backends share: lib/dev.c (block devices and image files)
 * and lib/dev_test.c (memory and fault injection). Not for callers of dev.h.
 */
#ifndef KESU_DEV_INT_H
#define KESU_DEV_INT_H

#include <stddef.h>

#include "dev.h"

/**
 * dev_new() - a zeroed struct dev named @path, for a backend to fill in
 * Return: the device (release with dev_close() once its ops are set, or
 * free() it and its path before), or NULL when out of memory
 */
struct dev *dev_new(const char *path);

/** dev_count_read() - add @len bytes read through @p to @d's counters (any thread) */
void dev_count_read(struct dev *d, enum dev_read_path p, size_t len);

#endif
