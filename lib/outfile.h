/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A file that must exist when a long piece of work ends (a report, a
 * certificate, a key, an encrypted or decrypted file) is created before the
 * work starts: a temporary file in the destination directory, with room
 * reserved for it, so that an unwritable or full destination is found out
 * before the first byte goes to a device. At the end the document replaces
 * the placeholder and the file is moved into place atomically. The temporary
 * file has no name where the file system allows it (O_TMPFILE), so a crash
 * leaves nothing; elsewhere a later reserve removes what a crash left.
 */
#ifndef KESU_OUTFILE_H
#define KESU_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

struct outfile {
	int dirfd;	   /* the destination directory, held open */
	int fd;		   /* the temporary file, -1 when none */
	char *dir;	   /* for messages */
	char *tmpname;	   /* name of the temporary file in dir; NULL: it has none (O_TMPFILE) */
	char *name;	   /* final name in dir; NULL: chosen at commit (outfile_commit_unique) */
	bool replace;	   /* an existing file at the final name may be replaced */
	bool private;	   /* published 0600, not 0644 */
	char *final_path;  /* set by a successful commit: dir/name */
	long long flushed; /* written back up to here (outfile_flush_behind) */
	unsigned stale;	   /* temporary files of dead processes the reserve removed from dir */
};

enum {
	OUTFILE_REPLACE = 1 << 0, /* --force: replace an existing regular file */
	OUTFILE_PRIVATE = 1 << 1, /* the owner's alone (0600), e.g. a secret key */
};

/**
 * outfile_check_path() - may a document be written to @path?
 * @path: the final path a person gave
 * @flags: OUTFILE_* flags
 *
 * Checks what can be checked without creating anything: an empty path, a
 * directory, a device node or other non-regular file, an existing file
 * without OUTFILE_REPLACE.
 *
 * Return: 0, -EINVAL (empty), -EISDIR, -EEXIST, -ENOTTY (exists and is not
 * a regular file), or another errno from lstat()
 */
int outfile_check_path(const char *path, unsigned flags);

/**
 * outfile_reserve() - create the temporary file for @path and reserve
 * @reserve bytes in it
 * @of: filled in; outfile_commit() it at the end, outfile_release() it always
 *
 * First removes from the directory the temporary files (.kesu-PID-*.tmp)
 * that processes which no longer exist left there, and counts them in
 * @of->stale for the caller to tell (also on failure, once the directory
 * was opened).
 *
 * Return: 0, the errno of outfile_check_path(), or the errno of opening
 * the directory, creating the file or reserving its space (-EACCES,
 * -EROFS, -ENOSPC, -ENOENT, ...)
 */
int outfile_reserve(struct outfile *of, const char *path, size_t reserve, unsigned flags);

/**
 * outfile_reserve_in_dir() - like outfile_reserve() for a file in @dir
 * whose name is chosen when it is committed (outfile_commit_unique())
 * Return: as outfile_reserve(), and -ENOTDIR
 */
int outfile_reserve_in_dir(struct outfile *of, const char *dir, size_t reserve);

/**
 * outfile_commit() - write @len bytes of @data into the reserved file,
 * fsync, move it to its final name and fsync the directory
 *
 * Without OUTFILE_REPLACE an existing final name is never replaced (link(2)
 * semantics); with it, it is replaced atomically (rename(2)). On failure the
 * temporary file is left for a retry.
 *
 * Return: 0, -EEXIST, -ENOSPC, -EIO, or another errno
 */
int outfile_commit(struct outfile *of, const void *data, size_t len);

/**
 * outfile_commit_unique() - outfile_commit() under the name @make_name
 * produces; when that name exists, ask for another one (up to 8 times)
 * @make_name: writes a name into @buf (@len bytes); called again after EEXIST
 * Return: as outfile_commit()
 */
int outfile_commit_unique(struct outfile *of, const void *data, size_t len,
			  int (*make_name)(char *buf, size_t len, void *usr), void *usr);

/**
 * outfile_commit_written() - publish what was written through @of->fd
 * (streamed output too large to hold in memory, e.g. a decrypted file): cut
 * the file at its current offset, fsync, move it to its final name and
 * fsync the directory, as outfile_commit() does
 * Return: as outfile_commit()
 */
int outfile_commit_written(struct outfile *of);

/**
 * outfile_flush_behind() - start writing back what was written to @of->fd
 * since the last call, once it is at least @window bytes, without waiting
 * (sync_file_range), so that the fsync of the commit finds little left and
 * the page cache does not fill with one large output
 * Return: 0, or a negative errno (the commit's fsync still makes it durable)
 */
int outfile_flush_behind(struct outfile *of, size_t window);

/**
 * outfile_release() - remove the temporary file unless it was committed, and
 * release @of (final_path too: copy it first); idempotent
 */
void outfile_release(struct outfile *of);

/**
 * outfile_write() - a small document written to @path whole or not at all
 * (outfile_reserve(), outfile_commit()), never replacing a file there
 * Return: 0, or as outfile_reserve() and outfile_commit() (-EEXIST: @path exists)
 */
int outfile_write(const char *path, const void *data, size_t len);

/**
 * outfile_name_part() - @in in characters safe in any file name and any
 * shell (letters, digits, dot, dash, underscore; any other byte becomes an
 * underscore, a leading dot too: no hidden files), cut to @len - 1
 * @in: NULL is ""
 */
void outfile_name_part(const char *in, char *out, size_t len);

#endif
