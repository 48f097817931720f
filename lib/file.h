/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a small file whole (certificates, signatures, keys, lists): one
 * descriptor is opened, checked with fstat() and read, so what is checked is
 * what is read. Symbolic links are followed, as every other tool does; the
 * checks apply to the file they lead to.
 */
#ifndef KESU_FILE_H
#define KESU_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* file_read_flags(): the buffer is in secure memory (release it with secmem_free()) */
#define FILE_SECMEM 0x1
/* file_read_flags(): refuse a file that group or others have any access to */
#define FILE_OWNER_ONLY 0x2

/**
 * file_read_flags() - the bytes of @path, NUL-terminated (the NUL not counted)
 * @path: the file; a symbolic link is followed
 * @max: refuse a file longer than this
 * @flags: FILE_SECMEM, FILE_OWNER_ONLY or both
 * @buf: set to a new buffer: free() it, or secmem_free() it with FILE_SECMEM;
 *       NULL on failure (whatever was read is wiped with FILE_SECMEM)
 * @len: set to the number of bytes read
 * @mode: if not NULL, set to the st_mode of the opened file whenever fstat()
 *        succeeded, even when the file is then refused
 *
 * A FIFO is refused without waiting for a writer.
 *
 * Return: 0; -ENOENT, -EACCES or another errno of open()/fstat()/read();
 * -EISDIR (a directory); -EINVAL (a FIFO, socket or device: not a regular
 * file); -EPERM (FILE_OWNER_ONLY and group or others have access);
 * -EFBIG (longer than @max); -ENOMEM
 */
int file_read_flags(const char *path, size_t max, unsigned int flags, char **buf, size_t *len,
		    mode_t *mode);

/**
 * file_read() - file_read_flags() with no flags: a malloc()ed buffer
 * @buf: set to a new buffer (free() it)
 *
 * Return: 0, -ENOENT, -EACCES (or another errno of open()/read()), -EISDIR,
 * -EINVAL (not a regular file), -EFBIG (longer than @max), -ENOMEM
 */
int file_read(const char *path, size_t max, char **buf, size_t *len);

/**
 * file_read_secret() - a secret file (a key) into secure memory
 * @buf: set to a new buffer in secure memory (secmem_free() it)
 *
 * The file must give group and others no access at all, checked on the open
 * descriptor; on every failure what was read has been wiped.
 *
 * Return: 0, -ENOENT, -EACCES (or another errno of open()/read()), -EISDIR,
 * -EINVAL (not a regular file), -EPERM (group or others have access),
 * -EFBIG (longer than @max), -ENOMEM
 */
int file_read_secret(const char *path, size_t max, char **buf, size_t *len);

#endif
