/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the committed test files of tests/data in unit tests. */
#ifndef KESU_TESTDATA_H
#define KESU_TESTDATA_H

#include <stddef.h>

/**
 * test_data_read() - the whole file tests/data/@rel (below $KESU_SRCDIR), with
 * a NUL after its @len bytes; the running test fails when it cannot be read
 * Return: the bytes, to be freed with free()
 */
void *test_data_read(const char *rel, size_t *len);

#endif
