// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "erase.h"

static int add_pass(struct erase_plan *plan, const char *spec)
{
	int r;

	if (plan->npasses >= ERASE_MAX_PASSES)
		return -E2BIG;
	r = pattern_parse(spec, &plan->pass[plan->npasses]);
	if (r)
		return r;
	plan->npasses++;
	return 0;
}

static int add_zero(struct erase_plan *plan, const char *arg)
{
	return add_pass(plan, "zero");
}

static int add_one(struct erase_plan *plan, const char *arg)
{
	return add_pass(plan, "one");
}

static int add_random(struct erase_plan *plan, const char *arg)
{
	return add_pass(plan, "random");
}

/* DoD 5220.22-M (ECE short form): zeros, ones, random */
static int add_dod3(struct erase_plan *plan, const char *arg)
{
	int r = add_pass(plan, "zero");

	if (!r)
		r = add_pass(plan, "one");
	if (!r)
		r = add_pass(plan, "random");
	return r;
}

static int add_bytes(struct erase_plan *plan, const char *arg)
{
	char spec[8 + 2 * PATTERN_MAX_BYTES + 3];

	if (!arg || snprintf(spec, sizeof(spec), "pattern:%s", arg) >= (int)sizeof(spec))
		return -EINVAL;
	return add_pass(plan, spec);
}

#define OVERWRITE "clear", "overwrite"

static const struct erase_method overwrite_methods[] = {
	{ "random", OVERWRITE, "one pass of an AES-128-CTR keystream (default)", add_random,
	  erase_run, NULL },
	{ "zero", OVERWRITE, "one pass of 0x00", add_zero, erase_run, NULL },
	{ "one", OVERWRITE, "one pass of 0xff", add_one, erase_run, NULL },
	{ "dod3", OVERWRITE, "three passes: 0x00, 0xff, random", add_dod3, erase_run, NULL },
	{ "pattern", OVERWRITE, "pattern:HEX, a repeating byte string of 1 to 64 bytes", add_bytes,
	  erase_run, NULL },
	{ NULL },
};

#define MAX_METHODS 64
static struct erase_method methods[MAX_METHODS + 1];
static pthread_once_t methods_once = PTHREAD_ONCE_INIT;

static void join_tables(void)
{
	static const struct erase_method *const tables[] = {
		overwrite_methods,  erase_methods_nvme, erase_methods_ata,
		erase_methods_scsi, erase_methods_luks, erase_methods_auto,
	};
	size_t n = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct erase_method *m = tables[t]; m->name && n < MAX_METHODS; m++)
			methods[n++] = *m;
}

const struct erase_method *erase_methods(void)
{
	pthread_once(&methods_once, join_tables);
	return methods;
}

const struct erase_method *erase_method_find(const char *spec)
{
	size_t namelen = strcspn(spec, ":");

	for (const struct erase_method *m = erase_methods(); m->name; m++)
		if (strlen(m->name) == namelen && !strncmp(m->name, spec, namelen))
			return m;
	return NULL;
}

int erase_plan_make(const char *spec, unsigned repeat, bool blank, enum erase_verify verify,
		    unsigned sample_pct, struct erase_plan *plan)
{
	const struct erase_method *m = erase_method_find(spec);
	const char *arg = strchr(spec, ':');
	int r = 0;

	memset(plan, 0, sizeof(*plan));
	if (!m)
		return -ENOENT;
	if (repeat == 0)
		return -EINVAL;
	if (arg)
		arg++;
	/* only pattern takes an argument, and it needs one */
	if ((arg != NULL) != (m->add_passes == add_bytes))
		return -EINVAL;
	for (unsigned i = 0; i < repeat && !r; i++)
		r = m->add_passes(plan, arg);
	if (!r && blank)
		r = add_pass(plan, "zero");
	if (r) {
		erase_plan_free(plan);
		return r;
	}
	if (arg) {
		char name[sizeof(plan->method)];

		/* normalise the HEX (case, 0x prefix) the way reports name it */
		snprintf(plan->method, sizeof(plan->method), "%s",
			 pattern_name(&plan->pass[0], name, sizeof(name)));
	} else {
		snprintf(plan->method, sizeof(plan->method), "%s", m->name);
	}
	plan->m = m;
	plan->category = m->category;
	plan->technique = m->technique;
	plan->blank = blank;
	plan->verify = verify;
	plan->sample_pct = sample_pct;
	return 0;
}

void erase_plan_free(struct erase_plan *plan)
{
	for (unsigned i = 0; i < plan->npasses; i++)
		pattern_free(&plan->pass[i]);
}

int erase_parse_verify(const char *s, enum erase_verify *mode, unsigned *pct)
{
	*pct = 0;
	if (!strcmp(s, "last"))
		*mode = ERASE_VERIFY_LAST;
	else if (!strcmp(s, "all"))
		*mode = ERASE_VERIFY_ALL;
	else if (!strcmp(s, "none"))
		*mode = ERASE_VERIFY_NONE;
	else if (!strcmp(s, "sample"))
		*mode = ERASE_VERIFY_SAMPLE, *pct = 10;
	else if (!strncmp(s, "sample:", 7)) {
		char *end;
		unsigned long v = strtoul(s + 7, &end, 10);

		if (!s[7] || *end || v < 1 || v > 100)
			return -EINVAL;
		*mode = ERASE_VERIFY_SAMPLE;
		*pct = (unsigned)v;
	} else {
		return -EINVAL;
	}
	return 0;
}

const char *erase_verify_name(enum erase_verify v)
{
	static const char *const names[] = { "none", "last", "all", "sample" };

	return names[v];
}

const char *erase_result_name(enum erase_result_code r)
{
	static const char *const names[] = { "success", "failed", "aborted", "refused" };

	return names[r];
}
