/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading secrets from the person: echo off, into secure memory, asked twice
 * when they create something, never from argv (minisign get_line.c habits).
 * For the commands that encrypt, sign and open media.
 */
#ifndef KESU_PASSPHRASE_H
#define KESU_PASSPHRASE_H

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
 * passphrase_from_fd() - read one line from a file or pipe (--passphrase-fd
 * for batch use); a trailing newline is dropped
 * Return: as passphrase_read(), without -ENOTTY and -EKEYREJECTED
 */
int passphrase_from_fd(int fd, char **pass);

/** passphrase_free() - wipe and free; NULL is ignored */
void passphrase_free(char *pass);

#endif
