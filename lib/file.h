/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a small file whole (certificates, signatures, keys, lists). */
#ifndef KESU_FILE_H
#define KESU_FILE_H

#include <stddef.h>

/**
 * file_read() - the bytes of @path, NUL-terminated (the NUL not counted)
 * @max: refuse a file longer than this
 * @buf: set to a new buffer (free() it)
 * Return: 0, -EFBIG (longer than @max), -EISDIR, -EINVAL (not a regular
 * file), -ENOMEM, or the errno of open()/read() (-ENOENT, -EACCES, ...)
 */
int file_read(const char *path, size_t max, char **buf, size_t *len);

#endif
