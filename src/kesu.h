/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The front end: subcommands, exit codes and talking to the person. */
#ifndef KESU_KESU_H
#define KESU_KESU_H

#include <signal.h>
#include <stdbool.h>

#include "pool.h"

/* Exit codes are an interface: documented under EXIT STATUS in every page. */
enum kesu_exit {
	KESU_EXIT_SUCCESS = 0,
	KESU_EXIT_FAILURE = 1,
	KESU_EXIT_USAGE = 2,
	KESU_EXIT_REFUSED = 3,
	KESU_EXIT_NOT_CONFIRMED = 4,
	KESU_EXIT_VERIFY = 5,
	KESU_EXIT_IO = 6,
	KESU_EXIT_ABORTED = 7,
	KESU_EXIT_UNVERIFIED = 8,
};

/* I/O defaults: the values and why they were chosen are in lib/pool.h */
#define KESU_QUEUE_DEPTH POOL_QUEUE_DEPTH
#define KESU_BLOCK_SIZE POOL_CHUNK
#define KESU_QUEUE_DEPTH_REMOVABLE POOL_QUEUE_DEPTH_REMOVABLE
#define KESU_BLOCK_SIZE_REMOVABLE POOL_CHUNK_REMOVABLE

struct dev_info;
/* Fill in the queue depth and block size the user left at 0, for this device. */
void ui_io_defaults(const struct dev_info *info, unsigned long *queue_depth,
		    unsigned long long *block_size);

int cmd_erase(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_devices(int argc, char **argv);

/* ui.c */
extern bool ui_debug;
void ui_init(void);
void ui_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set by SIGINT/SIGTERM once ui_catch_interrupts() ran; engines poll it to stop cleanly. */
extern volatile sig_atomic_t ui_interrupted;
void ui_catch_interrupts(void);
/* Who runs kesu, for the security log: "root", or "root(sudo:tanaka)". */
const char *ui_who(void);
/* The one mapping from a negative errno to an exit code. */
int ui_exit_from_errno(int err);
/* Worst of two exit codes, for several targets (order in kesu(8)). */
int ui_exit_worst(int a, int b);
/* A usage error: prints "kesu: MSG" and "try 'kesu CMD --help'"; returns KESU_EXIT_USAGE. */
int ui_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse "1M", "4096", "64K" into bytes; 0 or -EINVAL. */
int ui_parse_size(const char *s, unsigned long long *out);
/* --queue-depth (1..64) and --block-size (4K..64M, a multiple of 4K); print the usage error */
int ui_parse_queue_depth(const char *cmd, const char *s, unsigned long *out);
int ui_parse_block_size(const char *cmd, const char *s, unsigned long long *out);
/* Parse a non-negative integer in [min, max]; 0 or -EINVAL. */
int ui_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

#endif
