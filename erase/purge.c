// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run of every firmware method (sample, command, verify) and the auto
 * method, which picks the strongest Purge a drive offers.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "purge.h"
#include "verify/sample.h"

/* what --verify sample does by default: the NIST minimum used elsewhere */
#define PURGE_SAMPLE_PCT 10

/* one sampled subsection, and what it held before the command */
struct purge_block {
	uint64_t off;
	uint32_t len;
	uint8_t hash[crypto_hash_sha256_BYTES];
	bool canary; /* it read as the expected result: a random canary was written first */
};

struct purge_state {
	struct dev *d;
	const struct erase_opts *o;
	struct erase_result *r;
	struct sample_plan sp;
	struct purge_block *b;
	bool have_expect;
	struct pattern expect;
	uint8_t *buf, *scratch;
	size_t buflen;
	uint64_t canaries, unchanged, not_pattern, read_errors;
	struct timespec t0;
};

static bool aborted(const struct erase_opts *o)
{
	return o->abort && *o->abort;
}

static uint64_t elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0->tv_sec) * 1000 +
	       (uint64_t)((now.tv_nsec - t0->tv_nsec) / 1000000);
}

static void report_progress(struct purge_state *s, const char *phase, uint64_t done, uint64_t total,
			    bool final)
{
	struct progress p = {
		.target = s->d->path,
		.phase = phase,
		.pass = 1,
		.npasses = 1,
		.done = done,
		.total = total,
		.elapsed_ms = elapsed_ms(&s->t0),
		.final = final,
	};

	if (s->o->progress)
		s->o->progress(&p, s->o->progress_usr);
}

static void add_mismatch(struct purge_state *s, const struct purge_block *b)
{
	uint32_t lbs = s->d->lbs ? s->d->lbs : 512;

	ranges_add(&s->r->mismatch, b->off / lbs, (b->len + lbs - 1) / lbs);
}

/* Bytes that prove nothing when they read the same afterwards. */
static bool proves_nothing(struct purge_state *s, const struct purge_block *b)
{
	size_t bad;

	if (s->have_expect)
		return pattern_check(&s->expect, s->buf, b->len, b->off, s->scratch, &bad) == 0;
	/* a crypto erase may leave deallocated blocks reading as zeros or ones */
	if (pattern_is_zero(s->buf, b->len))
		return true;
	for (size_t i = 0; i < b->len; i++)
		if (s->buf[i] != 0xff)
			return false;
	return true;
}

/* The block reads as what the command leaves: write a random canary over it. */
static int write_canary(struct purge_state *s, struct purge_block *b)
{
	int ret;

	randombytes_buf(s->buf, b->len);
	ret = dev_pwrite(s->d, s->buf, b->len, b->off);
	if (!ret)
		ret = dev_flush(s->d);
	if (ret)
		return ret;
	b->canary = true;
	s->canaries++;
	return 0;
}

/* Read and hash every sampled block before the command. */
static int sample_before(struct purge_state *s)
{
	uint64_t done = 0;
	int ret = dev_drop_cache(s->d);

	for (size_t i = 0; !ret && i < s->sp.n; i++) {
		struct purge_block *b = &s->b[i];

		if (aborted(s->o))
			return -EINTR;
		b->off = s->sp.off[i];
		b->len = s->sp.len[i];
		ret = dev_pread(s->d, s->buf, b->len, b->off);
		if (!ret && proves_nothing(s, b))
			ret = write_canary(s, b);
		if (ret)
			break;
		crypto_hash_sha256(b->hash, s->buf, b->len);
		s->r->bytes_read += b->len;
		done += b->len;
		report_progress(s, "sample", done, s->sp.bytes, false);
	}
	if (!ret)
		report_progress(s, "sample", done, s->sp.bytes, true);
	return ret;
}

/* Read every sampled block again, from the medium: changed, and as expected. */
static int check_after(struct purge_state *s)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	uint64_t done = 0;
	size_t bad;
	int ret = dev_drop_cache(s->d);

	for (size_t i = 0; !ret && i < s->sp.n; i++) {
		struct purge_block *b = &s->b[i];

		if (aborted(s->o))
			return -EINTR;
		ret = dev_pread(s->d, s->buf, b->len, b->off);
		if (ret && dev_is_media_error(ret)) {
			s->read_errors++;
			ranges_add(&s->r->read_errors, b->off / s->d->lbs, b->len / s->d->lbs);
			ret = 0;
			continue;
		}
		if (ret)
			break;
		crypto_hash_sha256(h, s->buf, b->len);
		if (!sodium_memcmp(h, b->hash, sizeof(h))) {
			s->unchanged++;
			add_mismatch(s, b);
		} else if (s->have_expect &&
			   pattern_check(&s->expect, s->buf, b->len, b->off, s->scratch, &bad)) {
			s->not_pattern++;
			add_mismatch(s, b);
		}
		s->r->bytes_read += b->len;
		s->r->samples++;
		done += b->len;
		report_progress(s, "verify", done, s->sp.bytes, false);
	}
	if (!ret)
		report_progress(s, "verify", done, s->sp.bytes, true);
	return ret;
}

static unsigned sample_pct(const struct erase_plan *plan)
{
	if (plan->verify == ERASE_VERIFY_SAMPLE && plan->sample_pct)
		return plan->sample_pct;
	return plan->verify == ERASE_VERIFY_ALL ? 100 : PURGE_SAMPLE_PCT;
}

static int state_init(struct purge_state *s, const struct erase_plan *plan,
		      const struct purge_cmd *c)
{
	uint32_t unit = s->d->align > s->d->lbs ? s->d->align : s->d->lbs;
	uint64_t seed = s->o->sample_seed;
	int ret;

	if (!unit)
		unit = 512;
	if (!seed)
		randombytes_buf(&seed, sizeof(seed));
	ret = sample_plan_make(s->d->size, unit, sample_pct(plan), seed, &s->sp);
	if (ret)
		return ret;
	for (size_t i = 0; i < s->sp.n; i++)
		if (s->sp.len[i] > s->buflen)
			s->buflen = s->sp.len[i];
	s->b = calloc(s->sp.n, sizeof(*s->b));
	s->buf = dev_buf_alloc(s->d, s->buflen);
	s->scratch = malloc(s->buflen);
	if (!s->b || !s->buf || !s->scratch)
		return -ENOMEM;
	s->have_expect = c->expect && c->expect(s->o, &s->expect);
	return 0;
}

static void state_free(struct purge_state *s)
{
	sample_plan_free(&s->sp);
	free(s->b);
	dev_buf_free(s->buf);
	free(s->scratch);
	if (s->have_expect)
		pattern_free(&s->expect);
}

static const char *verification_result(const struct purge_state *s, bool ran)
{
	if (!ran)
		return "not-run";
	if (s->unchanged || s->not_pattern || s->read_errors)
		return "failed";
	return "passed";
}

/* the report's "purge" object; the command's own details are merged into it */
static json_t *purge_json(const struct purge_state *s, const struct purge_cmd *c, json_t *detail,
			  bool verified_ran)
{
	char name[16];
	json_t *p =
		json_pack("{s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:s}}", "command", c->command,
			  "verification", "samples", (json_int_t)s->sp.n, "bytes",
			  (json_int_t)s->sp.bytes, "canaries", (json_int_t)s->canaries, "unchanged",
			  (json_int_t)s->unchanged, "not_pattern", (json_int_t)s->not_pattern,
			  "read_errors", (json_int_t)s->read_errors, "expected_pattern",
			  s->have_expect ?
				  json_string(pattern_name(&s->expect, name, sizeof(name))) :
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
	struct erase_result *r = s->r;

	if (s->unchanged) {
		r->code = ERASE_FAILED;
		snprintf(r->reason, sizeof(r->reason),
			 "%s reported success but %llu of %zu sampled blocks read as before",
			 c->command, (unsigned long long)s->unchanged, s->sp.n);
	} else if (s->not_pattern) {
		r->code = ERASE_FAILED;
		snprintf(r->reason, sizeof(r->reason),
			 "%s: %llu of %zu sampled blocks do not read as the pattern the device "
			 "states",
			 c->command, (unsigned long long)s->not_pattern, s->sp.n);
	} else if (s->read_errors) {
		r->code = ERASE_FAILED;
		snprintf(r->reason, sizeof(r->reason),
			 "%s: %llu sampled blocks cannot be read back", c->command,
			 (unsigned long long)s->read_errors);
	} else {
		r->code = ERASE_SUCCESS;
		r->verified = true;
	}
}

static int finish(struct purge_state *s, const struct purge_cmd *c, json_t *detail, bool ran,
		  int ret)
{
	struct erase_result *r = s->r;

	r->purge = purge_json(s, c, detail, ran && ret == 0);
	json_decref(detail);
	clock_gettime(CLOCK_REALTIME, &r->finished);
	state_free(s);
	if (ret == -EINTR)
		r->code = ERASE_ABORTED;
	if (ret && ret != -EINTR)
		r->err = ret;
	kesu_log(KESU_LOG_INFO, "%s: %s: %s%s%s", s->d->path, c->command,
		 erase_result_name(r->code), r->reason[0] ? ": " : "", r->reason);
	return ret;
}

int purge_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
	      struct erase_result *r, const struct purge_cmd *c)
{
	struct purge_state s = { .d = d, .o = o, .r = r };
	char why[192] = "";
	json_t *detail = json_object();
	bool ran = false;
	int ret;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &r->started);
	clock_gettime(CLOCK_MONOTONIC, &s.t0);
	r->code = ERASE_FAILED;
	ret = detail ? state_init(&s, plan, c) : -ENOMEM;
	if (!ret)
		ret = sample_before(&s);
	if (ret) {
		if (ret == -EINTR)
			set_reason(r, "aborted before %s: nothing was sent to the drive",
				   c->command);
		else
			set_reason(r, "cannot sample the device before %s: %s", c->command,
				   strerror(-ret));
		return finish(&s, c, detail, false, ret);
	}
	kesu_log(KESU_LOG_INFO, "%s: %s", d->path, c->command);
	ret = c->exec(d, plan, o, detail, why, sizeof(why));
	if (ret) {
		if (ret == -EINTR)
			set_reason(r, "%s: aborted while the drive worked; %s", c->command,
				   why[0] ? why : "the drive may go on by itself");
		else
			set_reason(r, "%s failed: %s", c->command, why[0] ? why : strerror(-ret));
		return finish(&s, c, detail, false, ret);
	}
	ran = true;
	ret = check_after(&s);
	if (!ret)
		judge(&s, c);
	else if (ret != -EINTR)
		set_reason(r, "%s: cannot read the sample back: %s", c->command, strerror(-ret));
	return finish(&s, c, detail, ran, ret);
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
