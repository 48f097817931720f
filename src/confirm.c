// SPDX-License-Identifier: GPL-2.0-or-later
/* The one confirmation prompt of the commands that destroy data. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "confirm.h"
#include "kesu.h"
#include "text.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void on_stop(int sig)
{
	ui_interrupted = sig;
}

/*
 * A signal must end the read (no SA_RESTART) and be seen as an interrupt,
 * whether or not ui_catch_interrupts() ran; the old handlers come back after.
 */
static void catch_stops(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &sa, &old[i]);
}

static void restore_stops(const struct sigaction *old)
{
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &old[i], NULL);
}

static void size_text(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned u = 0;
	uint64_t whole = bytes, tenths = 0;

	while (whole >= 1024 && u < 5) {
		tenths = (whole % 1024) * 10 / 1024;
		whole /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu.%llu %s", (unsigned long long)whole, (unsigned long long)tenths,
		 units[u]);
}

/* What the person is about to destroy; device strings escaped for the terminal. */
static void describe(const struct dev_info *info)
{
	char sz[32];

	size_text(info->size, sz, sizeof(sz));
	fprintf(stderr, "  %s: %s, model %s, serial %s, %s (%llu bytes), logical block %u\n",
		ui_safe(info->path), info->is_block ? "block device" : "image file",
		ui_safe(info->model ? info->model : "-"),
		ui_safe(info->serial ? info->serial : "-"), sz, (unsigned long long)info->size,
		info->lbs);
	fprintf(stderr, "  contains: %s\n",
		ui_safe(info->content ? info->content : "no known signature"));
}

/*
 * The answer: one line of standard input, or -EINTR when a signal ended the
 * wait. The prompt is printed here, once the signals are caught: a signal
 * sent as soon as it shows is an interrupt, never the default death.
 */
static int read_answer(const char *prompt, char *buf, size_t len)
{
	struct sigaction old[sizeof(stop_signals) / sizeof(stop_signals[0])];
	char *got;

	catch_stops(old);
	fputs(prompt, stderr);
	fflush(stderr);
	got = ui_interrupted ? NULL : fgets(buf, (int)len, stdin);
	restore_stops(old);
	if (ui_interrupted)
		return -EINTR;
	if (!got)
		return -ECANCELED;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int ui_confirm(const struct dev_info *info, const char *verb)
{
	char answer[256], want[256], prompt[600];
	const char *what = "serial number";
	int r;

	if (ui_interrupted)
		return -EINTR;
	if (!isatty(STDIN_FILENO)) {
		ui_err("refusing to %s %s without confirmation: use --yes", verb,
		       ui_safe(info->path));
		return -ECANCELED;
	}
	/* a serial the terminal cannot show, or too long to type, is not asked for */
	if (info->serial && *info->serial && text_is_clean(info->serial) &&
	    strlen(info->serial) < sizeof(want)) {
		snprintf(want, sizeof(want), "%s", info->serial);
	} else {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)info->size);
		what = "size in bytes";
	}
	fprintf(stderr, "kesu: all data on this target will be destroyed:\n");
	describe(info);
	snprintf(prompt, sizeof(prompt), "type its %s (%s) to %s it: ", what, want, verb);
	r = read_answer(prompt, answer, sizeof(answer));
	if (r == -EINTR) {
		ui_err("%s: interrupted (%s), nothing was written", ui_safe(info->path),
		       ui_signal_name(ui_interrupted));
		return r;
	}
	if (r || strcmp(answer, want)) {
		ui_err("%s: not confirmed, nothing was written", ui_safe(info->path));
		return -ECANCELED;
	}
	return 0;
}
