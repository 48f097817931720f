// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "display.h"
#include "jsonutil.h"
#include "text.h"

#define LINE_MAX_LEN 160
#define BAR_WIDTH 24

struct display {
	enum display_mode mode;
	pthread_mutex_t lock;
	size_t n;
	bool drawn;
	char (*line)[LINE_MAX_LEN];
	struct display_slot *slots;
};

int display_parse(const char *s, enum display_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = isatty(STDERR_FILENO) ? DISPLAY_BAR : DISPLAY_NONE;
	else if (!strcmp(s, "bar"))
		*mode = DISPLAY_BAR;
	else if (!strcmp(s, "json"))
		*mode = DISPLAY_JSON;
	else if (!strcmp(s, "none"))
		*mode = DISPLAY_NONE;
	else
		return -EINVAL;
	return 0;
}

struct display *display_new(enum display_mode mode, size_t nslots)
{
	struct display *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->line = calloc(nslots ? nslots : 1, sizeof(*d->line));
	d->slots = calloc(nslots ? nslots : 1, sizeof(*d->slots));
	if (!d->line || !d->slots) {
		display_free(d);
		return NULL;
	}
	d->mode = mode;
	d->n = nslots;
	for (size_t i = 0; i < nslots; i++)
		d->slots[i] = (struct display_slot){ .disp = d, .index = i };
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

struct display_slot *display_slot(struct display *d, size_t i)
{
	return &d->slots[i];
}

static void rates(const struct progress *p, unsigned long long *mibs, long long *eta)
{
	*mibs = p->elapsed_ms ? (unsigned long long)(p->done * 1000 / p->elapsed_ms) >> 20 : 0;
	*eta = -1;
	if (p->done && p->elapsed_ms && p->total >= p->done)
		*eta = (long long)((p->total - p->done) * p->elapsed_ms / p->done / 1000);
}

/* a file's progress (display.h): no passes, and a total of 0 when the size is unknown */
static bool is_file(const struct progress *p)
{
	return !p->npasses;
}

/* "12.3 MiB", "1.25 GiB": the amount done on a file's line */
static void format_size(uint64_t n, char *out, size_t len)
{
	if (n >= 1ull << 30)
		snprintf(out, len, "%.2f GiB", (double)n / (1ull << 30));
	else
		snprintf(out, len, "%.1f MiB", (double)n / (1 << 20));
}

/* a file: the pass fields mean nothing; an unknown size has no percentage nor ETA */
static void print_json_file(const struct progress *p, const char *target)
{
	unsigned long long mibs;
	long long eta;

	rates(p, &mibs, &eta);
	fprintf(stderr, "{\"target\":%s,\"phase\":\"%s\",\"done\":%llu,", target, p->phase,
		(unsigned long long)p->done);
	if (p->total)
		fprintf(stderr, "\"total\":%llu,\"percent\":%u,", (unsigned long long)p->total,
			(unsigned)(p->done * 100 / p->total));
	else
		fputs("\"total\":null,\"percent\":null,", stderr);
	fprintf(stderr, "\"mib_per_s\":%llu,\"eta_s\":%lld,\"final\":%s}\n", mibs,
		p->total ? eta : -1, p->final ? "true" : "false");
}

/* One object per line on stderr: stdout may carry a document (--json). */
static void print_json(const struct progress *p)
{
	unsigned long long mibs;
	long long eta;
	unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 100;
	json_t *target = json_text(p->target);
	char *t = target ? json_dumps(target, JSON_ENCODE_ANY) : NULL;

	if (is_file(p)) {
		print_json_file(p, t ? t : "null");
		free(t);
		json_decref(target);
		return;
	}
	rates(p, &mibs, &eta);
	fprintf(stderr,
		"{\"target\":%s,\"phase\":\"%s\",\"pass\":%u,\"passes\":%u,"
		"\"done\":%llu,\"total\":%llu,\"percent\":%u,\"mib_per_s\":%llu,"
		"\"eta_s\":%lld,\"errors\":%llu,\"final\":%s}\n",
		t ? t : "null", p->phase, p->pass, p->npasses, (unsigned long long)p->done,
		(unsigned long long)p->total, pct, mibs, eta, (unsigned long long)p->errors,
		p->final ? "true" : "false");
	free(t);
	json_decref(target);
}

static void format_bar(const struct progress *p, char *out, size_t len)
{
	char bar[BAR_WIDTH + 1], etas[48] = "--:--", done[32];
	unsigned long long mibs;
	long long eta;
	unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 100;
	size_t fill = (size_t)pct * BAR_WIDTH / 100;
	char *safe = NULL;

	/* a newline or an escape sequence in a file name must not move the cursor */
	if (text_escape(p->target, &safe))
		safe = NULL;
	rates(p, &mibs, &eta);
	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	if (eta >= 0)
		snprintf(etas, sizeof(etas), "%lld:%02lld", eta / 60, eta % 60);
	format_size(p->done, done, sizeof(done));
	if (is_file(p) && !p->total)
		snprintf(out, len, "%-16s %-7s %10s %5llu MiB/s", safe ? safe : "?", p->phase, done,
			 mibs);
	else if (is_file(p))
		snprintf(out, len, "%-16s %-7s [%s] %3u%% %10s %5llu MiB/s ETA %s",
			 safe ? safe : "?", p->phase, bar, pct, done, mibs, etas);
	else
		snprintf(out, len, "%-16s pass %u/%u %-6s [%s] %3u%% %5llu MiB/s ETA %s",
			 safe ? safe : "?", p->pass, p->npasses, p->phase, bar, pct, mibs, etas);
	free(safe);
}

static void redraw(struct display *d)
{
	if (d->drawn && d->n)
		fprintf(stderr, "\033[%zuA", d->n);
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "\r\033[K%s\n", d->line[i]);
	d->drawn = true;
	fflush(stderr);
}

void display_progress(const struct progress *p, void *usrptr)
{
	struct display_slot *s = usrptr;
	struct display *d = s->disp;

	pthread_mutex_lock(&d->lock);
	if (d->mode == DISPLAY_JSON) {
		print_json(p);
	} else if (d->mode == DISPLAY_BAR) {
		format_bar(p, d->line[s->index], LINE_MAX_LEN);
		redraw(d);
	}
	/*
	 * The reader went away (EPIPE into `| head -1`, SIGPIPE being ignored):
	 * stop showing progress, and let the work and its report go on.
	 */
	if (d->mode != DISPLAY_NONE && (fflush(stderr) == EOF || ferror(stderr))) {
		clearerr(stderr);
		d->mode = DISPLAY_NONE;
	}
	pthread_mutex_unlock(&d->lock);
}

void display_free(struct display *d)
{
	if (!d)
		return;
	if (d->slots)
		pthread_mutex_destroy(&d->lock);
	free(d->line);
	free(d->slots);
	free(d);
}
