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

static uint64_t real_now_ms(void *usr)
{
	struct timespec t;

	(void)usr;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void real_sleep_ms(unsigned ms, void *usr)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	(void)usr;
	nanosleep(&t, NULL);
}

struct clock {
	uint64_t (*now)(void *usr);
	void (*sleep)(unsigned ms, void *usr);
	void *usr;
	unsigned poll_ms;
};

static void clock_init(struct clock *c, const struct purge_timing *t)
{
	c->now = t && t->now_ms ? t->now_ms : real_now_ms;
	c->sleep = t && t->sleep_ms ? t->sleep_ms : real_sleep_ms;
	c->usr = t ? t->usr : NULL;
	c->poll_ms = t && t->poll_ms ? t->poll_ms : PURGE_POLL_MS;
}

static bool await_aborted(const struct purge_await *w)
{
	return w->abort && *w->abort;
}

/* the poll interval in slices; -EINTR as soon as an abort is seen */
static int await_sleep(const struct purge_await *w, const struct clock *c)
{
	unsigned left = c->poll_ms, step;

	for (; left; left -= step) {
		if (await_aborted(w))
			return -EINTR;
		step = left < PURGE_SLICE_MS ? left : PURGE_SLICE_MS;
		c->sleep(step, c->usr);
	}
	return await_aborted(w) ? -EINTR : 0;
}

static void await_limits(struct purge_await *w)
{
	if (w->estimate_ms)
		w->bound_ms = 2 * w->estimate_ms + PURGE_MARGIN_MS;
	else
		w->bound_ms = w->overwrite ? PURGE_BOUND_OVERWRITE_MS : PURGE_BOUND_MS;
	w->stall_ms = w->bound_ms / 16 > PURGE_STALL_MS ? w->bound_ms / 16 : PURGE_STALL_MS;
}

/* what the drive last said, for a message */
static void last_said(const struct purge_await *w, char *buf, size_t len)
{
	if (w->progress_valid)
		snprintf(buf, len, "progress %u/65536 (%.1f%%)%s%s", (unsigned)w->progress,
			 w->progress * 100.0 / 65536, w->status[0] ? ", " : "", w->status);
	else
		snprintf(buf, len, "no progress value%s%s", w->status[0] ? ", " : "", w->status);
}

static void await_json(const struct purge_await *w)
{
	json_t *o;

	if (!w->detail)
		return;
	o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:o,s:s}", "outcome", w->outcome, "seconds",
		      (json_int_t)(w->elapsed_ms / 1000), "bound_s",
		      (json_int_t)(w->bound_ms / 1000), "stall_s", (json_int_t)(w->stall_ms / 1000),
		      "unchanged_s", (json_int_t)(w->still_ms / 1000), "last_progress",
		      w->progress_valid ? json_integer(w->progress) : json_null(), "last_status",
		      w->status);
	json_object_set_new(w->detail, "polls", json_integer(w->polls));
	json_object_set_new(w->detail, "wait", o);
}

/* -ETIME or -ETIMEDOUT when the wait must end now, with the reason; else 0 */
static int await_limit(struct purge_await *w, bool progress_seen, uint64_t moved_at)
{
	char said[160];

	w->still_ms = progress_seen ? w->elapsed_ms - moved_at : 0;
	if (progress_seen && w->still_ms >= w->stall_ms) {
		w->outcome = "stalled";
		last_said(w, said, sizeof(said));
		snprintf(w->why, w->len,
			 "%s: stalled: no progress for %llu s, drive last reported %s; the "
			 "drive may still be working on it",
			 w->what, (unsigned long long)(w->still_ms / 1000), said);
		return -ETIME;
	}
	if (w->elapsed_ms >= w->bound_ms) {
		w->outcome = "timeout";
		last_said(w, said, sizeof(said));
		snprintf(w->why, w->len,
			 "%s: timeout: still in progress after %llu s (%s), drive "
			 "last reported %s",
			 w->what, (unsigned long long)(w->elapsed_ms / 1000),
			 w->estimate_ms ? "twice the drive's estimate plus 10 minutes" :
					  "no estimate from the drive",
			 said);
		return -ETIMEDOUT;
	}
	return 0;
}

static int await_abort(struct purge_await *w)
{
	char said[160];

	w->outcome = "aborted";
	last_said(w, said, sizeof(said));
	snprintf(w->why, w->len, "%s: aborted; the drive goes on by itself (it last reported %s)",
		 w->what, said);
	return -EINTR;
}

int purge_await(struct purge_await *w)
{
	struct clock c;
	uint64_t t0, moved_at = 0;
	uint32_t seen = 0;
	bool progress_seen = false;
	int ret;

	clock_init(&c, w->timing);
	await_limits(w);
	w->polls = 0;
	w->progress_valid = false;
	w->status[0] = '\0';
	w->still_ms = 0;
	w->outcome = "failed";
	t0 = c.now(c.usr);
	for (;;) {
		w->elapsed_ms = c.now(c.usr) - t0;
		if (await_aborted(w)) {
			ret = await_abort(w);
			break;
		}
		ret = w->poll(w);
		w->polls++;
		if (ret != PURGE_BUSY)
			break;
		if (w->progress_valid && (!progress_seen || w->progress != seen)) {
			progress_seen = true;
			seen = w->progress;
			moved_at = w->elapsed_ms;
		}
		ret = await_limit(w, progress_seen, moved_at);
		if (!ret && await_sleep(w, &c))
			ret = await_abort(w);
		if (ret)
			break;
	}
	w->elapsed_ms = c.now(c.usr) - t0;
	if (ret == PURGE_DONE)
		w->outcome = "completed";
	await_json(w);
	return ret == PURGE_DONE ? 0 : ret;
}

int purge_await_run(struct purge_await *w, const struct erase_opts *o, json_t *detail, char *why,
		    size_t len)
{
	w->timing = o->timing;
	w->abort = o->abort;
	w->detail = detail;
	w->why = why;
	w->len = len;
	return purge_await(w);
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
