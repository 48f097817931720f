/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading secrets from the person: echo off, into secure memory, asked twice
 * when they create something, never from argv (minisign get_line.c habits).
 * One resolver, pass_resolve(), for every command that encrypts, signs or
 * opens media, so that the same situation ends the same way everywhere.
 */
#ifndef KESU_PASSPHRASE_H
#define KESU_PASSPHRASE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PASSPHRASE_MAX 1024

/**
 * passphrase_read() - ask for a passphrase on a terminal
 * @in: the terminal to read (its echo is turned off while reading, and
 *      restored, also when a signal interrupts)
 * @out: where the prompt goes
 * @prompt: e.g. "passphrase for key.sec"
 * @confirm: ask a second time and require the same answer
 * @pass: the passphrase, NUL-terminated, in secure memory; free with
 *        passphrase_free()
 *
 * Return: 0, -ENOTTY (@in is not a terminal), -ENODATA (empty or end of
 * input), -EMSGSIZE (longer than PASSPHRASE_MAX - 1), -EKEYREJECTED (the
 * two answers differ), -ENOMEM
 */
int passphrase_read(int in, FILE *out, const char *prompt, bool confirm, char **pass);

/**
 * passphrase_get() - ask once on a terminal, giving up when *@abort is set
 * @abort: set by a signal handler installed without SA_RESTART; NULL: never
 * Return: as passphrase_read(), and -EINTR when *@abort was set
 */
int passphrase_get(int in, FILE *out, const char *prompt, volatile sig_atomic_t *abort,
		   char **pass);

/**
 * passphrase_from_fd() - read one line from a file or pipe (--passphrase-fd
 * for batch use); a trailing newline is dropped
 * Return: as passphrase_read(), without -ENOTTY and -EKEYREJECTED
 */
int passphrase_from_fd(int fd, char **pass);

/** passphrase_free() - wipe and free; NULL is ignored */
void passphrase_free(char *pass);

/*
 * Where a command's passphrases come from: --passphrase-file F or
 * --passphrase-fd N (one line each, read in turn: the current passphrase
 * first, then the new one), else the terminal.
 */
struct pass_source {
	const char *file; /* @member file: --passphrase-file, or NULL */
	int fd;		  /* @member fd: --passphrase-fd, or -1 */
	int in;		  /* @member in: the file or descriptor being read, once @reading */
	bool reading;	  /* @member reading: @in is set */
	int tty;	  /* @member tty: the terminal to ask on, when @tty_set */
	bool tty_set;	  /* @member tty_set: else standard input, or /dev/tty */
	FILE *out;	  /* @member out: where prompts go; NULL: standard error */
	/* @member abort: set by SIGINT/SIGTERM/SIGHUP; a prompt then gives up */
	volatile sig_atomic_t *abort;
};

/* all zero but @fd: "{ .fd = -1 }" in an initializer is a source with nothing given */
#define PASS_SOURCE_INIT                                                                           \
	{                                                                                          \
		.fd = -1                                                                           \
	}

/**
 * pass_source_opt() - take --passphrase-file (@is_fd false) or --passphrase-fd
 * @arg: the option's value
 * @why: on error, the message for a usage error (the same in every command)
 * Return: 0, -EINVAL (not a descriptor number), -EALREADY (given twice, or
 * both options given: they exclude each other)
 */
int pass_source_opt(struct pass_source *s, bool is_fd, const char *arg, const char **why);

/** pass_source_given() - was --passphrase-file or --passphrase-fd given? */
bool pass_source_given(const struct pass_source *s);

/** pass_source_close() - close what pass_resolve() opened; the source may be reused */
void pass_source_close(struct pass_source *s);

/* What is asked for. */
struct pass_request {
	struct pass_source *src; /* @member src: where it comes from */
	const char *prompt;	 /* @member prompt: "passphrase for op.key" */
	/* @member create: a new secret: asked twice on a terminal, strength-checked first */
	bool create;
	bool allow_weak; /* @member allow_weak: a weak new one is taken, with a warning */
	/*
	 * @member unchecked: no strength check: a minisign key file's passphrase,
	 * which stock minisign also takes as it comes
	 */
	bool unchecked;
};

/**
 * pass_resolve() - one passphrase, from the source @req names
 * @out: the passphrase, NUL-terminated, in secure memory (sodium_malloc);
 *       free with passphrase_free()
 *
 * A new secret is checked for strength after the first answer, before the
 * second prompt, so that a weak one is not typed twice. Why it failed is
 * told on standard error ("kesu: ..."), the same words in every command.
 *
 * Return: 0, or
 * -ENOTTY: no terminal to ask on, and no --passphrase-file/-fd;
 * -ENOENT, -EACCES, ...: the passphrase file cannot be opened;
 * -EISDIR, -EINVAL: the passphrase file is not a regular file or a pipe;
 * -ENODATA: empty, or nothing left to read;
 * -EMSGSIZE: longer than PASSPHRASE_MAX - 1 bytes;
 * -ECANCELED: the two answers differ (nothing was done);
 * -EKEYREJECTED: a new passphrase too weak, without @allow_weak;
 * -EINTR: *src->abort was set while waiting;
 * -ENOMEM.
 */
int pass_resolve(const struct pass_request *req, char **out);

#endif
