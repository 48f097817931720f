// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run of every firmware method (sample, command, verify) and the auto
 * method, which picks the strongest Purge a drive offers.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "purge.h"
#include "verify/snapshot.h"

/* what --verify sample does by default: the NIST minimum used elsewhere */
#define PURGE_SAMPLE_PCT 10

struct purge_state {
	struct dev *d;
	struct erase_result *r;
	struct snapshot_opts so;
	struct snapshot snap;
	struct snapshot_diff diff;
	bool have_expect;
	struct pattern expect;
};

static bool aborted(const struct erase_opts *o)
{
	return o->abort && *o->abort;
}

static unsigned sample_pct(const struct erase_plan *plan)
{
	if (plan->verify == ERASE_VERIFY_SAMPLE && plan->sample_pct)
		return plan->sample_pct;
	return plan->verify == ERASE_VERIFY_ALL ? 100 : PURGE_SAMPLE_PCT;
}

static const char *verification_result(const struct purge_state *s, bool ran)
{
	if (!ran)
		return "not-run";
	if (s->diff.unchanged || s->diff.not_pattern || s->diff.unreadable)
		return "failed";
	return "passed";
}

/* the report's "purge" object; the command's own details are merged into it */
static json_t *purge_json(const struct purge_state *s, const struct purge_cmd *c, json_t *detail,
			  bool verified_ran)
{
	char name[16];
	json_t *p = json_pack(
		"{s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:s}}", "command", c->command,
		"verification", "sample_percent", (json_int_t)s->so.pct, "samples",
		(json_int_t)s->snap.plan.n, "bytes", (json_int_t)s->snap.plan.bytes, "canaries",
		(json_int_t)s->snap.canaries, "unchanged", (json_int_t)s->diff.unchanged,
		"not_pattern", (json_int_t)s->diff.not_pattern, "read_errors",
		(json_int_t)s->diff.unreadable, "expected_pattern",
		s->have_expect ? json_string(pattern_name(&s->expect, name, sizeof(name))) :
				 json_null(),
		"result", verification_result(s, verified_ran));

	if (p && detail)
		json_object_update_missing(p, detail);
	return p;
}

static void set_reason(struct erase_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_reason(struct erase_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* After the command: read back, and decide. */
static void judge(struct purge_state *s, const struct purge_cmd *c)
{
	const struct snapshot_diff *d = &s->diff;
	struct erase_result *r = s->r;
	size_t n = s->snap.plan.n;

	ranges_merge(&r->mismatch, &d->mismatch);
	ranges_merge(&r->read_errors, &d->read_errors);
	r->samples = d->samples;
	r->bytes_read += d->bytes_read;
	r->code = ERASE_FAILED;
	if (d->unchanged)
		set_reason(r, "%s reported success but %llu of %zu sampled blocks read as before",
			   c->command, (unsigned long long)d->unchanged, n);
	else if (d->not_pattern)
		set_reason(r,
			   "%s: %llu of %zu sampled blocks do not read as the pattern the device "
			   "states",
			   c->command, (unsigned long long)d->not_pattern, n);
	else if (d->unreadable)
		set_reason(r, "%s: %llu sampled blocks cannot be read back", c->command,
			   (unsigned long long)d->unreadable);
	else
		r->code = ERASE_SUCCESS;
	r->verified = r->code == ERASE_SUCCESS;
}

static int finish(struct purge_state *s, const struct purge_cmd *c, json_t *detail, bool ran,
		  int ret)
{
	struct erase_result *r = s->r;

	r->purge = purge_json(s, c, detail, ran && ret == 0);
	json_decref(detail);
	clock_gettime(CLOCK_REALTIME, &r->finished);
	snapshot_free(&s->snap);
	snapshot_diff_free(&s->diff);
	if (s->have_expect)
		pattern_free(&s->expect);
	if (ret == -EINTR)
		r->code = ERASE_ABORTED;
	if (ret && ret != -EINTR)
		r->err = ret;
	kesu_log(KESU_LOG_INFO, "%s: %s: %s%s%s", s->d->path, c->command,
		 erase_result_name(r->code), r->reason[0] ? ": " : "", r->reason);
	return ret;
}

static void state_init(struct purge_state *s, const struct erase_plan *plan,
		       const struct erase_opts *o, const struct purge_cmd *c)
{
	s->have_expect = c->expect && c->expect(o, &s->expect);
	s->so = (struct snapshot_opts){ .pct = sample_pct(plan),
					.seed = o->sample_seed,
					.expect = s->have_expect ? &s->expect : NULL,
					.progress = o->progress,
					.progress_usr = o->progress_usr,
					.abort = o->abort };
}

int purge_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r, const struct purge_cmd *c)
{
	struct purge_state s = { .d = d, .r = r };
	char why[192] = "";
	json_t *detail = json_object();
	int ret;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &r->started);
	r->code = ERASE_FAILED;
	state_init(&s, plan, o, c);
	ret = detail ? snapshot_take(d, &s.so, &s.snap) : -ENOMEM;
	r->bytes_read = s.snap.bytes_read;
	if (ret == -EINTR)
		set_reason(r, "aborted before %s: nothing was sent to the drive", c->command);
	else if (ret)
		set_reason(r, "cannot sample the device before %s: %s", c->command, strerror(-ret));
	if (ret)
		return finish(&s, c, detail, false, ret);
	kesu_log(KESU_LOG_INFO, "%s: %s", d->path, c->command);
	ret = c->exec(d, plan, o, detail, why, sizeof(why));
	if (ret == -EINTR)
		set_reason(r, "%s: aborted while the drive worked; %s", c->command,
			   why[0] ? why : "the drive may go on by itself");
	else if (ret)
		set_reason(r, "%s failed: %s", c->command, why[0] ? why : strerror(-ret));
	if (ret)
		return finish(&s, c, detail, false, ret);
	ret = snapshot_compare(d, &s.snap, &s.so, &s.diff);
	if (!ret)
		judge(&s, c);
	else if (ret != -EINTR)
		set_reason(r, "%s: cannot read the sample back: %s", c->command, strerror(-ret));
	return finish(&s, c, detail, true, ret);
}

unsigned purge_poll_ms = 1000;

int purge_sleep(const struct erase_opts *o)
{
	unsigned left = purge_poll_ms;

	while (!aborted(o) && left) {
		unsigned step = left < 100 ? left : 100;
		struct timespec ts = { 0, (long)step * 1000000L };

		nanosleep(&ts, NULL);
		left -= step;
	}
	return aborted(o) ? -EINTR : 0;
}

const char *purge_category(const struct erase_method *m, const struct erase_caps *caps)
{
	/* ATA Security Erase: Purge on rotating media, Clear on SSDs (SP 800-88r1) */
	if (caps && caps->ata && !strncmp(m->name, "ata-", 4) && !(caps->usb && !caps->rotational))
		return erase_ata_category(m->name, caps->rotational);
	if (strcmp(m->category, "purge"))
		return m->category;
	/* USB flash media: the controller behind the bridge reaches Clear at most */
	if (caps && caps->usb && !caps->rotational)
		return "clear";
	return m->category;
}

/* The first firmware method of @technique that the drive supports. */
static const struct erase_method *pick(const struct erase_caps *caps, const char *technique)
{
	char why[128];

	for (const struct erase_method *m = erase_methods(); m->name; m++)
		if (m->supported && m->run != erase_run && !strcmp(m->category, "purge") &&
		    !strcmp(m->technique, technique) && strcmp(m->name, "auto") &&
		    m->supported(caps, why, sizeof(why)))
			return m;
	return NULL;
}

const struct erase_method *purge_auto_pick(const struct erase_caps *caps, char *why, size_t len)
{
	static const char *const order[] = { "crypto-erase", "block-erase", "overwrite" };
	const struct erase_method *m;

	for (size_t i = 0; caps && i < sizeof(order) / sizeof(order[0]); i++) {
		m = pick(caps, order[i]);
		if (m) {
			snprintf(why, len, "%s: the strongest Purge the drive supports (%s)",
				 m->name, order[i]);
			return m;
		}
	}
	m = erase_method_find("random");
	snprintf(why, len,
		 "the drive supports no Purge method%s%s: software overwrite with random data, "
		 "which reaches Clear only",
		 caps && caps->why[0] ? ": " : "", caps && caps->why[0] ? caps->why : "");
	return m;
}

/* Without a job to choose first: choose now, and run the choice. */
static int run_auto(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		    struct erase_result *r)
{
	char why[256];
	const struct erase_method *m = purge_auto_pick(o->caps, why, sizeof(why));
	struct erase_plan p;
	int ret;

	if (m->run != erase_run)
		return m->run(d, plan, o, r);
	ret = erase_plan_make(m->name, 1, plan->blank, plan->verify, plan->sample_pct, &p);
	if (ret)
		return ret;
	ret = erase_run(d, &p, o, r);
	erase_plan_free(&p);
	return ret;
}

static int auto_passes(struct erase_plan *plan, const char *arg)
{
	return 0;
}

static bool auto_supported(const struct erase_caps *caps, char *why, size_t len)
{
	return true;
}

const struct erase_method erase_methods_auto[] = {
	{ "auto", "purge", "auto",
	  "the strongest Purge the drive supports (crypto erase, block erase, overwrite), "
	  "else random overwrite (Clear)",
	  auto_passes, run_auto, auto_supported },
	{ NULL },
};
