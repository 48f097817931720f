/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scratch directory and the files in it, for the unit tests that work on real files. */
#ifndef KESU_TESTUTIL_H
#define KESU_TESTUTIL_H

#include <stddef.h>
#include <sys/types.h>

/**
 * test_tmpdir_make() - a new directory $TMPDIR/@name.XXXXXX (/tmp without TMPDIR)
 * @dir: gets its path, @size bytes
 * @name: the first part of its name, usually the test's
 *
 * Return: 0, or -1 (errno set) when it cannot be made or its path does not fit
 */
int test_tmpdir_make(char *dir, size_t size, const char *name);

/**
 * test_tmpdir_remove() - @dir and everything below it; links are removed, not followed
 *
 * Return: 0, or -1 (errno set) when something could not be removed
 */
int test_tmpdir_remove(const char *dir);

/**
 * test_file_put() - a new file at @path holding @len bytes of @data, with @mode
 *
 * A file already at @path is removed first, so the mode is exactly @mode (set
 * on the descriptor: the umask plays no part) whatever was there before. The
 * running test fails on any error.
 */
void test_file_put(const char *path, mode_t mode, const void *data, size_t len);

#endif
