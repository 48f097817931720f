/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KESU_PROGRESS_H
#define KESU_PROGRESS_H

#include <stdint.h>

/* What an engine reports while it works; src/ decides how to show it. */
struct progress {
	const char *target; /* device path */
	const char *phase;  /* "write" or "verify" */
	unsigned pass;	    /* 1-based */
	unsigned npasses;
	uint64_t done;	     /* bytes done in this phase */
	uint64_t total;	     /* bytes this phase will do */
	uint64_t elapsed_ms; /* since this phase started */
	uint64_t errors;     /* blocks found bad or not as written so far, in every pass */
	int final;	     /* 1 on the last call of a phase */
};

/* Called at most a few times a second, from any thread; must not block long. */
typedef void (*progress_fn)(const struct progress *p, void *usrptr);

#endif
