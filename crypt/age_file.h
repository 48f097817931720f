/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * age v1 files on disk: recipients and identity files read into the lists
 * of age.h, and the input and output of one encryption or decryption, the
 * output reserved beside its final path and published only by
 * age_file_commit().
 */
#ifndef KESU_AGE_FILE_H
#define KESU_AGE_FILE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "age.h"
#include "outfile.h"

/* the largest recipients and identity files read */
#define AGE_RECIPIENTS_FILE_MAX (1 << 20)
#define AGE_IDENTITY_FILE_MAX (64 << 10)

/* Why a recipients or identity file was refused, or what it gave. */
struct age_file_error {
	bool reading;  /* the file could not be read; else its content is wrong */
	size_t line;   /* -EINVAL: the line refused, counted from 1 */
	char why[256]; /* -EINVAL: the reason, which never quotes the line */
	size_t found;  /* 0: how many recipients or identities the file added */
};

/**
 * age_recipients_load() - the recipients of a file as age reads it: one
 * "age1..." or SSH public key ("ssh-ed25519 AAAA...") per line, "#"
 * comments and blank lines skipped
 * @rs: the list to add to; *@rs may be NULL (a new list is made)
 * @err: what went wrong, for the message
 *
 * Return: 0; with @err->reading, the errnos of file_read() (-ENOENT,
 * -EACCES, -EISDIR, -EINVAL, -EFBIG above AGE_RECIPIENTS_FILE_MAX, -ENOMEM);
 * otherwise -EINVAL (a line is not a recipient: @err->line, @err->why),
 * -ENODATA (no recipient in the file), -ENOMEM
 */
int age_recipients_load(struct age_recipients **rs, const char *path, struct age_file_error *err);

/**
 * age_identities_load() - the identities of a file as age-keygen writes it:
 * "AGE-SECRET-KEY-1..." lines, "#" comments and blank lines; the file is
 * read into secure memory and must be its owner's alone
 * @ids: the list to add to; *@ids may be NULL (a new list is made)
 *
 * Return: as age_recipients_load(), and with @err->reading -EPERM (group or
 * others may access the file); -EFBIG above AGE_IDENTITY_FILE_MAX
 */
int age_identities_load(struct age_identities **ids, const char *path, struct age_file_error *err);

/**
 * age_identities_load_pass() - age_identities_load(), and the file may also
 * be an OpenSSH private key (ssh-ed25519, ssh-rsa: age_ssh_identity_add())
 * @kp: asked when the key is protected by a passphrase; NULL: refused
 *
 * Return: as age_identities_load(); with @err->line 0, the errnos of
 * age_ssh_identity_add() (-EINVAL, -ENOTSUP, -ENOKEY, -EKEYREJECTED, the
 * error of @kp->get)
 */
int age_identities_load_pass(struct age_identities **ids, const char *path,
			     const struct age_key_pass *kp, struct age_file_error *err);

/** age_identity_is_encrypted() - is @buf an age file (binary or armored)? */
bool age_identity_is_encrypted(const char *buf, size_t len);

/**
 * age_identity_file_open() - decrypt an identity file encrypted with a
 * passphrase (age -p), the passphrase asked once through @kp
 * @plain: out, the identity file's text, NUL-terminated, in secure memory
 * (secmem_free)
 * @why: on -EINVAL, the reason
 *
 * Return: 0; -EKEYREJECTED (wrong passphrase); -EINVAL (not encrypted with a
 * passphrase, corrupt, truncated, larger than AGE_IDENTITY_FILE_MAX, or no
 * @kp); -ENOMEM; -EINTR; the error of @kp->get
 */
int age_identity_file_open(const char *buf, size_t len, const char *path,
			   const struct age_key_pass *kp, char **plain, char *why, size_t wlen);

/*
 * The input and output of one age_encrypt() or age_decrypt(); pass the
 * struct as the usr of age_file_read() and age_file_write().
 */
struct age_file_io {
	int in;		   /* the input, STDIN_FILENO for standard input */
	struct stat in_st; /* what the input is, once opened */
	struct outfile of; /* of.fd >= 0: the output is a file */
	int out;	   /* the output, STDOUT_FILENO for standard output */
	bool out_dev;	   /* out is a character device opened here (-o /dev/null) */
	int werr;	   /* the error of the write that failed, 0 if none */
	bool direct;	   /* the output file is written with O_DIRECT (age_file_write) */
	uint64_t written;  /* bytes written to the output so far */
	uint64_t nread;	   /* bytes read from the input so far, header and armor too */
	/* non-zero (a signal was caught): reading and writing stop with -EINTR */
	volatile sig_atomic_t *abort;
};

#define AGE_FILE_IO_INIT                                                                           \
	{                                                                                          \
		.in = -1, .of = { .fd = -1, .dirfd = -1 }, .out = -1                               \
	}

/**
 * age_file_open_input() - open @path, or standard input when @path is NULL
 * Return: 0, -EISDIR, or the errno of open(2) or fstat(2)
 */
int age_file_open_input(struct age_file_io *io, const char *path);

/**
 * age_file_is_input() - whether @path names the file already open as the
 * input (writing it would destroy what is being read)
 */
bool age_file_is_input(const struct age_file_io *io, const char *path);

/**
 * age_file_is_device() - whether @path is (or links to) a character device,
 * an output written in place rather than published by a rename
 */
bool age_file_is_device(const char *path);

/**
 * age_file_open_output() - reserve a temporary file beside @path, or use
 * standard output when @path is NULL; a regular input's size is reserved,
 * so a full destination shows before any work. A character device
 * (/dev/null, a tape) is opened for writing as it is, without OUTFILE_*.
 * @flags: OUTFILE_REPLACE, OUTFILE_PRIVATE
 * Return: 0, the errno of open(2) for a device, or the errnos of
 * outfile_reserve() (-EEXIST, -ENOSPC, ...)
 */
int age_file_open_output(struct age_file_io *io, const char *path, unsigned flags);

/**
 * age_file_read() - age_read_fn over @usr, a struct age_file_io; counts
 * what it read in nread
 * Return: the count, 0 at end of input, -EINTR when *abort was set, or the
 * errno of read(2)
 */
ssize_t age_file_read(void *usr, void *buf, size_t len);

/**
 * age_file_write() - age_write_fn over @usr, a struct age_file_io; the
 * errno of a failed write is also kept in its werr
 * Return: 0, -EINTR when *abort was set, or the errno of write(2)
 */
int age_file_write(void *usr, const void *buf, size_t len);

/**
 * age_file_commit() - publish the output file at its final path (nothing
 * to do for standard output)
 * Return: 0, or the errnos of outfile_commit_written() (-EEXIST: the final
 * path appeared meanwhile; -EIO, -ENOSPC, ... writing it back)
 */
int age_file_commit(struct age_file_io *io);

/** age_file_close() - close the input, and drop an output not committed */
void age_file_close(struct age_file_io *io);

#endif
