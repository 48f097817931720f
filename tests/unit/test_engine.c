// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The overwrite engine and read-back verification on memory devices, with
 * injected media errors, a device changed behind the engine's back between
 * write and verify, aborts and sampled verification.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dev.h"
#include "erase/erase.h"
#include "pool.h"
#include "secmem.h"
#include "verify/sample.h"
#include "verify/verify.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)

struct geom {
	uint64_t size;
	uint32_t lbs;
	size_t chunk; /* 0: the engine's default, POOL_CHUNK */
};

/* none a multiple of the chunk; the last one ends in a short block */
static const struct geom geoms[] = {
	{ 3 * MiB + 3 * 512, 512, 0 },	 /* smaller than one default chunk */
	{ 9 * MiB + 3 * 4096, 4096, 0 }, /* three default chunks and a bit */
	{ 3 * MiB + 3 * 512, 512, 64 * KiB + 512 },
	{ 3 * MiB + 1536, 4096, 256 * KiB },
};

#define NGEOMS (sizeof(geoms) / sizeof(geoms[0]))

struct fixture {
	struct dev *mem; /* the memory device (may sit under a faulty one) */
	struct dev *dev; /* what the engine is given */
	uint8_t *orig;	 /* what was on it before */
	const struct geom *g;
};

static uint64_t nblocks(const struct geom *g)
{
	return (g->size + g->lbs - 1) / g->lbs;
}

/* old contents: a xorshift stream that matches no pattern */
static void fill_old(uint8_t *p, uint64_t size)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (uint64_t i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

static void fx_open(struct fixture *fx, const struct geom *g)
{
	memset(fx, 0, sizeof(*fx));
	fx->g = g;
	assert_int_equal(dev_open_memory(g->size, g->lbs, &fx->mem), 0);
	assert_non_null(dev_memory_data(fx->mem));
	fx->orig = malloc(g->size);
	assert_non_null(fx->orig);
	fill_old(fx->orig, g->size);
	memcpy(dev_memory_data(fx->mem), fx->orig, g->size);
	fx->dev = fx->mem;
}

static void fx_faulty(struct fixture *fx, const struct dev_fault *f, size_t n)
{
	assert_int_equal(dev_open_faulty(fx->mem, f, n, &fx->dev), 0);
	assert_int_equal(fx->dev->size, fx->g->size);
	assert_int_equal(fx->dev->lbs, fx->g->lbs);
}

static void fx_close(struct fixture *fx)
{
	dev_close(fx->dev); /* closes the memory device under a faulty one */
	free(fx->orig);
}

static struct erase_opts opts_for(const struct geom *g)
{
	return (struct erase_opts){ .queue_depth = 4, .chunk = g->chunk, .sample_seed = 77 };
}

static void make_plan(const char *spec, unsigned repeat, enum erase_verify v, unsigned pct,
		      struct erase_plan *plan)
{
	assert_int_equal(erase_plan_make(spec, repeat, false, v, pct, plan), 0);
}

/* @want: n pairs of (start, count) */
static void expect_ranges(const struct range_list *l, size_t n, const uint64_t *want)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l->v[i].start, want[2 * i]);
		assert_int_equal(l->v[i].count, want[2 * i + 1]);
	}
}

static void expect_clean_success(const struct erase_plan *plan, const struct erase_result *r)
{
	assert_int_equal(r->code, ERASE_SUCCESS);
	assert_true(r->verified);
	assert_string_equal(r->reason, "");
	assert_int_equal(r->err, 0);
	assert_int_equal(r->passes_run, plan->npasses);
	assert_int_equal(r->write_errors.n, 0);
	assert_int_equal(r->read_errors.n, 0);
	assert_int_equal(r->mismatch.n, 0);
}

/* the memory holds, over its whole size, what the last pass generates */
static void expect_last_pass(struct fixture *fx, const struct erase_plan *plan)
{
	uint64_t size = fx->g->size;
	uint8_t *want = malloc(size);

	assert_non_null(want);
	assert_int_equal(pattern_fill(&plan->pass[plan->npasses - 1], want, size, 0), 0);
	assert_memory_equal(dev_memory_data(fx->mem), want, size);
	free(want);
}

/* not one block of the old contents is left */
static void expect_old_gone(struct fixture *fx)
{
	const uint8_t *m = dev_memory_data(fx->mem);
	uint32_t lbs = fx->g->lbs;

	for (uint64_t off = 0; off < fx->g->size; off += lbs) {
		size_t n = fx->g->size - off < lbs ? fx->g->size - off : lbs;

		assert_memory_not_equal(m + off, fx->orig + off, n);
	}
}

static void expect_every_byte(struct fixture *fx, uint8_t v)
{
	const uint8_t *m = dev_memory_data(fx->mem);

	for (uint64_t i = 0; i < fx->g->size; i++)
		if (m[i] != v)
			fail_msg("byte %llu is 0x%02x, not 0x%02x", (unsigned long long)i, m[i], v);
}

static void run_fill(const char *spec, enum erase_verify v, uint8_t byte)
{
	for (size_t k = 0; k < NGEOMS; k++) {
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(&geoms[k]);

		fx_open(&fx, &geoms[k]);
		make_plan(spec, 1, v, 0, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		expect_clean_success(&plan, &r);
		assert_int_equal(r.pass[0].bytes_written, geoms[k].size);
		assert_true(r.pass[0].completed);
		assert_true(r.pass[0].verified);
		assert_int_equal(r.pass[0].bytes_verified, geoms[k].size);
		assert_int_equal(r.bytes_read, geoms[k].size);
		expect_every_byte(&fx, byte);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

static void test_zero(void **state)
{
	run_fill("zero", ERASE_VERIFY_LAST, 0x00);
}

static void test_one(void **state)
{
	run_fill("one", ERASE_VERIFY_ALL, 0xff);
}

static void test_bytes(void **state)
{
	static const uint8_t period[] = { 0xa5, 0x5a, 0x0f };

	for (size_t k = 0; k < NGEOMS; k++) {
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(&geoms[k]);
		const uint8_t *m;

		fx_open(&fx, &geoms[k]);
		make_plan("pattern:a55a0f", 1, ERASE_VERIFY_LAST, 0, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		expect_clean_success(&plan, &r);
		/* the phase follows the device offset across chunk boundaries */
		m = dev_memory_data(fx.mem);
		for (uint64_t i = 0; i < geoms[k].size; i++)
			if (m[i] != period[i % 3])
				fail_msg("byte %llu is 0x%02x", (unsigned long long)i, m[i]);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

static void expect_random_looking(struct fixture *fx)
{
	const uint8_t *m = dev_memory_data(fx->mem);
	uint64_t zeros = 0, ones = 0;

	for (uint64_t i = 0; i < fx->g->size; i++) {
		zeros += m[i] == 0x00;
		ones += m[i] == 0xff;
	}
	/* about size/256 of each */
	assert_true(zeros < fx->g->size / 128);
	assert_true(ones < fx->g->size / 128);
}

static void test_random(void **state)
{
	for (size_t k = 0; k < NGEOMS; k++) {
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(&geoms[k]);

		fx_open(&fx, &geoms[k]);
		make_plan("random", 1, ERASE_VERIFY_LAST, 0, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		expect_clean_success(&plan, &r);
		expect_last_pass(&fx, &plan);
		expect_old_gone(&fx);
		expect_random_looking(&fx);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

static void test_dod3(void **state)
{
	for (size_t k = 0; k < NGEOMS; k++) {
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(&geoms[k]);

		fx_open(&fx, &geoms[k]);
		make_plan("dod3", 1, ERASE_VERIFY_ALL, 0, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		expect_clean_success(&plan, &r);
		assert_int_equal(r.passes_run, 3);
		for (unsigned i = 0; i < 3; i++) {
			assert_true(r.pass[i].completed);
			assert_true(r.pass[i].verified);
			assert_int_equal(r.pass[i].bytes_written, geoms[k].size);
			assert_int_equal(r.pass[i].bytes_verified, geoms[k].size);
		}
		assert_int_equal(r.bytes_read, 3 * geoms[k].size);
		expect_last_pass(&fx, &plan);
		expect_old_gone(&fx);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

/* --verify last reads back only the last pass */
static void test_verify_last_only(void **state)
{
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(&geoms[0]);

	fx_open(&fx, &geoms[0]);
	make_plan("dod3", 1, ERASE_VERIFY_LAST, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
	expect_clean_success(&plan, &r);
	assert_false(r.pass[0].verified);
	assert_false(r.pass[1].verified);
	assert_true(r.pass[2].verified);
	assert_int_equal(r.bytes_read, geoms[0].size);
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
}

static void test_verify_none(void **state)
{
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(&geoms[1]);

	fx_open(&fx, &geoms[1]);
	make_plan("one", 1, ERASE_VERIFY_NONE, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_false(r.verified);
	assert_non_null(strstr(r.reason, "not verified"));
	assert_int_equal(r.bytes_read, 0);
	assert_false(r.pass[0].verified);
	/* the pass itself was written in full */
	assert_true(r.pass[0].completed);
	expect_every_byte(&fx, 0xff);
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
}

static bool in_faults(const struct dev_fault *f, size_t n, uint64_t b, bool write)
{
	for (size_t i = 0; i < n; i++)
		if ((write ? f[i].on_write : f[i].on_read) && b >= f[i].lba &&
		    b < f[i].lba + f[i].count)
			return true;
	return false;
}

static void run_faults(const struct geom *g)
{
	uint64_t nb = nblocks(g), mid = nb / 3, rd = nb / 2;
	const struct dev_fault f[] = {
		{ .lba = 7, .count = 1, .on_write = true, .err = EIO },
		{ .lba = mid, .count = 3, .on_write = true, .err = ENODATA },
		{ .lba = rd, .count = 2, .on_read = true, .err = EIO },
		{ .lba = nb - 1, .count = 1, .on_read = true, .err = EILSEQ },
	};
	const size_t nf = sizeof(f) / sizeof(f[0]);
	const uint64_t werr[] = { 7, 1, mid, 3 }, rerr[] = { rd, 2, nb - 1, 1 };
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(g);
	uint8_t *want = malloc(g->size);
	const uint8_t *m;

	assert_non_null(want);
	fx_open(&fx, g);
	fx_faulty(&fx, f, nf);
	make_plan("pattern:a55a0f", 1, ERASE_VERIFY_LAST, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_false(r.verified);
	assert_int_equal(r.err, 0);
	assert_non_null(strstr(r.reason, "4 blocks could not be written"));
	expect_ranges(&r.write_errors, 2, werr);
	expect_ranges(&r.read_errors, 2, rerr);
	/* the blocks that kept their old contents read back as different */
	expect_ranges(&r.mismatch, 2, werr);
	/* the run went on past the errors and wrote every other block */
	assert_true(r.pass[0].completed);
	assert_false(r.pass[0].verified);
	assert_int_equal(r.pass[0].bytes_written, g->size - 4 * g->lbs);
	/* two whole blocks and the (maybe short) last one were not read */
	assert_int_equal(r.pass[0].bytes_verified, (nb - 3) * g->lbs);
	assert_int_equal(pattern_fill(&plan.pass[0], want, g->size, 0), 0);
	m = dev_memory_data(fx.mem);
	for (uint64_t b = 0; b < nb; b++) {
		uint64_t off = b * g->lbs;
		size_t n = g->size - off < g->lbs ? g->size - off : g->lbs;
		const uint8_t *exp = in_faults(f, nf, b, true) ? fx.orig : want;

		if (memcmp(m + off, exp + off, n))
			fail_msg("block %llu holds the wrong bytes", (unsigned long long)b);
	}
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
	free(want);
}

static void test_media_errors(void **state)
{
	for (size_t k = 0; k < NGEOMS; k++)
		run_faults(&geoms[k]);
}

/* an error that is not about a block stops the run as a device error */
static void test_device_error(void **state)
{
	const struct dev_fault f = { .lba = 100, .count = 1, .on_write = true, .err = EACCES };
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(&geoms[0]);

	fx_open(&fx, &geoms[0]);
	fx_faulty(&fx, &f, 1);
	make_plan("zero", 1, ERASE_VERIFY_LAST, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), -EACCES);
	assert_int_equal(r.code, ERASE_FAILED);
	assert_int_equal(r.err, -EACCES);
	assert_false(r.verified);
	assert_false(r.pass[0].completed);
	assert_non_null(strstr(r.reason, "device error"));
	assert_int_equal(r.write_errors.n, 0);
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
}

struct tamper {
	unsigned pass; /* the pass after which to change the device */
	uint64_t blocks[4];
	size_t n;
	unsigned calls;
	volatile sig_atomic_t *abort; /* set it instead, when not NULL */
};

static void tamper_hook(struct dev *d, unsigned pass, void *usr)
{
	struct tamper *t = usr;
	uint8_t *m = dev_memory_data(d);

	t->calls++;
	if (pass != t->pass)
		return;
	if (t->abort) {
		*t->abort = 1;
		return;
	}
	assert_non_null(m);
	for (size_t i = 0; i < t->n; i++) {
		uint64_t off = t->blocks[i] * d->lbs;

		/* the last byte that exists in the block */
		off += (d->size - off < d->lbs ? d->size - off : d->lbs) - 1;
		m[off] ^= 0x40;
	}
}

static void test_after_write_mismatch(void **state)
{
	for (size_t k = 0; k < NGEOMS; k++) {
		const struct geom *g = &geoms[k];
		struct tamper t = { .pass = 1, .blocks = { 1234 % nblocks(g) }, .n = 1 };
		const uint64_t want[] = { t.blocks[0], 1 };
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(g);

		o.after_write = tamper_hook;
		o.after_write_usr = &t;
		fx_open(&fx, g);
		make_plan("random", 1, ERASE_VERIFY_LAST, 0, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		assert_int_equal(t.calls, 1);
		assert_int_equal(r.code, ERASE_FAILED);
		assert_false(r.verified);
		expect_ranges(&r.mismatch, 1, want);
		assert_int_equal(r.write_errors.n, 0);
		assert_int_equal(r.read_errors.n, 0);
		assert_non_null(strstr(r.reason, "verification failed"));
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

/* --verify all reads every pass: a change after pass 1 is caught though pass 3 covers it */
static void test_verify_all_each_pass(void **state)
{
	const struct geom *g = &geoms[3];
	struct tamper t = { .pass = 1, .blocks = { 5, nblocks(g) - 1 }, .n = 2 };
	const uint64_t want[] = { 5, 1, nblocks(g) - 1, 1 };
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(g);

	o.after_write = tamper_hook;
	o.after_write_usr = &t;
	fx_open(&fx, g);
	make_plan("dod3", 1, ERASE_VERIFY_ALL, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
	assert_int_equal(t.calls, 3);
	assert_int_equal(r.passes_run, 3);
	assert_int_equal(r.code, ERASE_FAILED);
	expect_ranges(&r.mismatch, 2, want);
	/* the last pass itself is on the medium intact */
	expect_last_pass(&fx, &plan);
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
}

static void test_abort_before(void **state)
{
	volatile sig_atomic_t stop = 1;
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(&geoms[0]);

	o.abort = &stop;
	fx_open(&fx, &geoms[0]);
	make_plan("dod3", 1, ERASE_VERIFY_ALL, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), -EINTR);
	assert_int_equal(r.code, ERASE_ABORTED);
	assert_false(r.verified);
	assert_int_equal(r.passes_run, 1);
	assert_false(r.pass[0].completed);
	assert_int_equal(r.pass[0].bytes_written, 0);
	assert_non_null(strstr(r.reason, "interrupted"));
	/* nothing was written */
	assert_memory_equal(dev_memory_data(fx.mem), fx.orig, geoms[0].size);
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
}

/* an abort raised between the write and the read-back of pass 1 ends the run there */
static void test_abort_between(void **state)
{
	volatile sig_atomic_t stop = 0;
	struct tamper t = { .pass = 1, .abort = &stop };
	struct fixture fx;
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(&geoms[0]);

	o.abort = &stop;
	o.after_write = tamper_hook;
	o.after_write_usr = &t;
	fx_open(&fx, &geoms[0]);
	make_plan("dod3", 1, ERASE_VERIFY_ALL, 0, &plan);
	assert_int_equal(erase_run(fx.dev, &plan, &o, &r), -EINTR);
	assert_int_equal(r.code, ERASE_ABORTED);
	assert_false(r.verified);
	assert_int_equal(r.passes_run, 1);
	assert_int_equal(t.calls, 1);
	assert_true(r.pass[0].completed);
	assert_false(r.pass[0].verified);
	assert_int_equal(r.pass[1].bytes_written, 0);
	expect_every_byte(&fx, 0x00);
	erase_result_free(&r);
	erase_plan_free(&plan);
	fx_close(&fx);
}

/* large enough for 1,000 distinct subsections at 10% */
static const struct geom sample_geoms[] = {
	{ 3 * MiB + 3 * 512, 512, 0 },
	{ 8 * MiB + 3 * 4096, 4096, 0 },
	{ 8 * MiB + 1536, 4096, 256 * KiB },
};

static void test_sample_verify(void **state)
{
	for (size_t k = 0; k < sizeof(sample_geoms) / sizeof(sample_geoms[0]); k++) {
		const struct geom *g = &sample_geoms[k];
		struct tamper t = { .pass = 1, .blocks = { 0 }, .n = 1 };
		const uint64_t want[] = { 0, 1 };
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(g);

		/* untouched: success from a sample */
		fx_open(&fx, g);
		make_plan("zero", 1, ERASE_VERIFY_SAMPLE, 10, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		expect_clean_success(&plan, &r);
		assert_true(r.samples >= 1000);
		assert_int_equal(r.pass[0].samples, r.samples);
		assert_true(r.bytes_read * 100 >= g->size * 10);
		assert_true(r.bytes_read < g->size);
		expect_every_byte(&fx, 0x00);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);

		/* block 0 is always in the sample */
		o.after_write = tamper_hook;
		o.after_write_usr = &t;
		fx_open(&fx, g);
		make_plan("zero", 1, ERASE_VERIFY_SAMPLE, 10, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		assert_int_equal(r.code, ERASE_FAILED);
		assert_false(r.verified);
		assert_true(r.samples >= 1000);
		expect_ranges(&r.mismatch, 1, want);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);

		/* and so is the last one */
		t.blocks[0] = nblocks(g) - 1;
		fx_open(&fx, g);
		make_plan("one", 1, ERASE_VERIFY_SAMPLE, 10, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		assert_int_equal(r.code, ERASE_FAILED);
		assert_int_equal(r.mismatch.n, 1);
		assert_int_equal(r.mismatch.v[0].start, nblocks(g) - 1);
		assert_int_equal(r.mismatch.v[0].count, 1);
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

/* the sample is the one the seed names, so a second verifier can repeat it */
static void test_sample_seed(void **state)
{
	const struct geom *g = &sample_geoms[0];
	struct sample_plan a, b;
	uint64_t target = 0;
	bool found = false;

	assert_int_equal(sample_plan_make(g->size, g->lbs, 10, 77, &a), 0);
	assert_int_equal(sample_plan_make(g->size, g->lbs, 10, 78, &b), 0);
	/* a block in the middle that seed 77 reads and seed 78 does not */
	for (size_t i = a.n / 2; i < a.n && !found; i++) {
		uint64_t blk = a.off[i] / g->lbs;

		found = true;
		for (size_t j = 0; j < b.n; j++)
			if (blk >= b.off[j] / g->lbs && blk < (b.off[j] + b.len[j]) / g->lbs)
				found = false;
		target = blk;
	}
	assert_true(found);
	sample_plan_free(&a);
	sample_plan_free(&b);

	for (uint64_t seed = 77; seed <= 78; seed++) {
		struct tamper t = { .pass = 1, .blocks = { target }, .n = 1 };
		struct fixture fx;
		struct erase_plan plan;
		struct erase_result r;
		struct erase_opts o = opts_for(g);

		o.sample_seed = seed;
		o.after_write = tamper_hook;
		o.after_write_usr = &t;
		fx_open(&fx, g);
		make_plan("random", 1, ERASE_VERIFY_SAMPLE, 10, &plan);
		assert_int_equal(erase_run(fx.dev, &plan, &o, &r), 0);
		if (seed == 77) {
			assert_int_equal(r.code, ERASE_FAILED);
			expect_ranges(&r.mismatch, 1, (const uint64_t[]){ target, 1 });
		} else {
			assert_int_equal(r.code, ERASE_SUCCESS);
		}
		erase_result_free(&r);
		erase_plan_free(&plan);
		fx_close(&fx);
	}
}

/*
 * A device that logs the order of its calls: written data must be flushed,
 * and the cache dropped, before it is read back.
 */
struct spy {
	struct dev *lower;
	unsigned long seq; /* under lock */
	unsigned long last_write, last_flush, last_drop, first_read_after_write;
	unsigned long flush_before_read, drop_before_read;
	unsigned long reads, unaligned; /* off or len not a multiple of d->align */
	pthread_mutex_t lock;
};

static unsigned long spy_tick(struct spy *s)
{
	return ++s->seq;
}

static int spy_pread(struct dev *d, void *buf, size_t len, uint64_t off)
{
	struct spy *s = d->priv;

	pthread_mutex_lock(&s->lock);
	if (s->last_write && !s->first_read_after_write) {
		s->first_read_after_write = spy_tick(s);
		s->flush_before_read = s->last_flush > s->last_write;
		s->drop_before_read = s->last_drop > s->last_write;
	}
	s->reads++;
	/* only a request that ends at the end of the device may end unaligned */
	if (off % d->align || (len % d->align && off + len != d->size))
		s->unaligned++;
	pthread_mutex_unlock(&s->lock);
	return dev_pread(s->lower, buf, len, off);
}

static int spy_pwrite(struct dev *d, const void *buf, size_t len, uint64_t off)
{
	struct spy *s = d->priv;

	pthread_mutex_lock(&s->lock);
	s->last_write = spy_tick(s);
	pthread_mutex_unlock(&s->lock);
	return dev_pwrite(s->lower, buf, len, off);
}

static int spy_flush(struct dev *d)
{
	struct spy *s = d->priv;

	pthread_mutex_lock(&s->lock);
	s->last_flush = spy_tick(s);
	pthread_mutex_unlock(&s->lock);
	return dev_flush(s->lower);
}

static int spy_drop_cache(struct dev *d)
{
	struct spy *s = d->priv;

	pthread_mutex_lock(&s->lock);
	s->last_drop = spy_tick(s);
	pthread_mutex_unlock(&s->lock);
	return dev_drop_cache(s->lower);
}

static void spy_close(struct dev *d)
{
	struct spy *s = d->priv;

	dev_close(s->lower);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct dev_ops spy_ops = {
	.pread = spy_pread,
	.pwrite = spy_pwrite,
	.flush = spy_flush,
	.drop_cache = spy_drop_cache,
	.close = spy_close,
};

static void test_flush_and_drop_before_read(void **state)
{
	const struct geom *g = &geoms[0];
	struct spy *s = calloc(1, sizeof(*s));
	struct dev *d = calloc(1, sizeof(*d));
	struct erase_plan plan;
	struct erase_result r;
	struct erase_opts o = opts_for(g);

	assert_non_null(s);
	assert_non_null(d);
	pthread_mutex_init(&s->lock, NULL);
	assert_int_equal(dev_open_memory(g->size, g->lbs, &s->lower), 0);
	*d = *s->lower;
	d->path = strdup("spy");
	assert_non_null(d->path);
	d->ops = &spy_ops;
	d->priv = s;
	d->kind = DEV_KIND_FILE;
	make_plan("one", 1, ERASE_VERIFY_LAST, 0, &plan);
	assert_int_equal(erase_run(d, &plan, &o, &r), 0);
	expect_clean_success(&plan, &r);
	assert_true(s->first_read_after_write > 0);
	assert_true(s->flush_before_read);
	assert_true(s->drop_before_read);
	erase_result_free(&r);
	erase_plan_free(&plan);
	dev_close(d);
}

/* a memory device seen through the spy */
static struct dev *spy_open(uint64_t size, uint32_t lbs, uint32_t align, struct spy **out)
{
	struct spy *s = calloc(1, sizeof(*s));
	struct dev *d = calloc(1, sizeof(*d));

	assert_non_null(s);
	assert_non_null(d);
	pthread_mutex_init(&s->lock, NULL);
	assert_int_equal(dev_open_memory(size, lbs, &s->lower), 0);
	*d = *s->lower;
	d->path = strdup("spy");
	assert_non_null(d->path);
	d->ops = &spy_ops;
	d->priv = s;
	d->kind = DEV_KIND_FILE;
	d->align = align;
	*out = s;
	return d;
}

/*
 * Direct I/O on a file may need more alignment than its logical block
 * (struct dev's align): every read verification makes, sampled or whole,
 * keeps to it except one that ends at the end of the device, and the read
 * paths name the bytes the device below actually read.
 */
static void test_verify_reads_aligned(void **state)
{
	const uint64_t size = 16 * MiB + 1536;
	struct verify_opts vo = { .queue_depth = 3, .chunk = 64 * KiB, .seed = 9 };
	struct verify_result vr;
	struct pattern zero;
	struct spy *s;
	struct dev *d = spy_open(size, 512, 4096, &s);
	json_t *paths, *want;

	assert_int_equal(pattern_parse("zero", &zero), 0);
	for (unsigned pct = 0; pct <= 10; pct += 10) {
		uint64_t before = dev_read_bytes(s->lower, DEV_READ_MEMORY);

		vo.sample_pct = pct;
		assert_int_equal(verify_run(d, &zero, &vo, &vr), 0);
		assert_true(vr.complete);
		assert_int_equal(vr.mismatch.n, 0);
		assert_true(vr.samples == (pct ? 1000u : 0u));
		assert_true(s->reads >= (pct ? 1000u : size / vo.chunk));
		assert_int_equal(s->unaligned, 0);
		assert_int_equal(dev_read_bytes(s->lower, DEV_READ_MEMORY) - before, vr.bytes_read);
		verify_result_free(&vr);
	}
	paths = verify_read_paths_json(s->lower);
	want = json_pack("[{s:s,s:I}]", "path", "memory", "bytes",
			 (json_int_t)dev_read_bytes(s->lower, DEV_READ_MEMORY));
	assert_true(json_equal(paths, want));
	json_decref(paths);
	json_decref(want);
	/* the spy passes reads on without counting: it read nothing itself */
	paths = verify_read_paths_json(d);
	assert_int_equal(json_array_size(paths), 0);
	json_decref(paths);
	pattern_free(&zero);
	dev_close(d);
}

static void test_verify_run(void **state)
{
	const struct geom g = { 2 * MiB + 5 * 512, 512, 0 };
	const uint64_t nb = nblocks(&g);
	const uint64_t want_mm[] = { 10, 2, 500, 1, nb - 1, 1 }, want_rd[] = { 1000, 4 };
	const struct dev_fault f = { .lba = 1000, .count = 4, .on_read = true, .err = EIO };
	struct verify_opts vo = { .queue_depth = 3, .chunk = 128 * KiB };
	struct verify_result vr;
	struct pattern p, other;
	struct fixture fx;
	uint8_t *m;

	fx_open(&fx, &g);
	m = dev_memory_data(fx.mem);
	assert_int_equal(pattern_parse("random", &p), 0);
	assert_int_equal(pattern_fill(&p, m, g.size, 0), 0);

	/* intact */
	assert_int_equal(verify_run(fx.dev, &p, &vo, &vr), 0);
	assert_true(vr.complete);
	assert_int_equal(vr.bytes_read, g.size);
	assert_int_equal(vr.mismatch.n, 0);
	assert_int_equal(vr.read_errors.n, 0);
	verify_result_free(&vr);

	/* another key: every block differs */
	assert_int_equal(pattern_parse("random", &other), 0);
	assert_int_equal(verify_run(fx.dev, &other, &vo, &vr), 0);
	expect_ranges(&vr.mismatch, 1, (const uint64_t[]){ 0, nb });
	verify_result_free(&vr);
	pattern_free(&other);

	m[10 * 512 + 3] ^= 1;
	m[11 * 512] ^= 0x80;
	m[500 * 512 + 511] ^= 0xff;
	m[g.size - 1] ^= 2;
	assert_int_equal(verify_run(fx.dev, &p, &vo, &vr), 0);
	assert_true(vr.complete);
	expect_ranges(&vr.mismatch, 3, want_mm);
	assert_int_equal(vr.read_errors.n, 0);
	verify_result_free(&vr);

	/* unreadable blocks are listed apart from the ones that differ */
	fx_faulty(&fx, &f, 1);
	assert_int_equal(verify_run(fx.dev, &p, &vo, &vr), 0);
	assert_true(vr.complete);
	expect_ranges(&vr.mismatch, 3, want_mm);
	expect_ranges(&vr.read_errors, 1, want_rd);
	assert_int_equal(vr.bytes_read, g.size - 4 * 512);
	verify_result_free(&vr);

	/* sampled: at least 1,000 subsections, the first and last blocks among them */
	vo.sample_pct = 10;
	vo.seed = 5;
	assert_int_equal(verify_run(fx.dev, &p, &vo, &vr), 0);
	assert_true(vr.complete);
	assert_true(vr.samples >= 1000);
	assert_true(vr.bytes_read < g.size);
	assert_true(vr.mismatch.n >= 1);
	assert_int_equal(vr.mismatch.v[vr.mismatch.n - 1].start, nb - 1);
	verify_result_free(&vr);

	pattern_free(&p);
	fx_close(&fx);
}

/*
 * The wrapper shares the memory kind of the device under it; its private
 * state must never be handed out as the device's bytes: it hands out none,
 * and what is written through it lands in the bytes of the device below.
 */
static void test_memory_data_through_faulty(void **state)
{
	const struct dev_fault f = { .lba = 1, .count = 1, .on_read = true, .err = EIO };
	static const uint8_t mark[512] = { 0x5a, [511] = 0xa5 };
	struct dev *mem, *faulty;
	uint8_t *bytes;

	assert_int_equal(dev_open_memory(64 * KiB, 512, &mem), 0);
	bytes = dev_memory_data(mem);
	assert_non_null(bytes);
	assert_int_equal(dev_open_faulty(mem, &f, 1, &faulty), 0);
	assert_null(dev_memory_data(faulty));
	assert_int_equal(dev_pwrite(faulty, mark, sizeof(mark), 2 * 512), 0);
	assert_memory_equal(bytes + 2 * 512, mark, sizeof(mark));
	dev_close(faulty);
}

struct bisect_log {
	struct dev *dev;  /* the io step reads through this one */
	const uint8_t *m; /* the bytes behind it */
	unsigned ios;
	uint64_t bad_off[8];
	size_t bad_len[8];
	int bad_err[8];
	unsigned nbad;
};

static int bisect_io(void *ctx, void *buf, void *scratch, uint64_t off, size_t len)
{
	struct bisect_log *l = ctx;

	l->ios++;
	/* both buffers follow the piece: they start out holding the device's bytes */
	assert_non_null(scratch);
	assert_int_equal(((uint8_t *)buf)[0], l->m[off]);
	assert_int_equal(((uint8_t *)scratch)[len - 1], l->m[off + len - 1]);
	return dev_pread(l->dev, buf, len, off);
}

static int bisect_bad(void *ctx, uint64_t off, size_t len, int err)
{
	struct bisect_log *l = ctx;

	assert_true(l->nbad < 8);
	l->bad_off[l->nbad] = off;
	l->bad_len[l->nbad] = len;
	l->bad_err[l->nbad++] = err;
	return 0;
}

/*
 * pool_bisect() narrows media errors to exactly the failing blocks, in
 * order, with their errors, and gives every piece the part of both buffers
 * that belongs to it; a short last block is one piece; a device error that
 * is not a media error stops it at once.
 */
static void test_pool_bisect(void **state)
{
	const uint64_t size = 40 * 512 + 100;
	const struct dev_fault f[] = {
		{ .lba = 3, .count = 1, .on_read = true, .err = EIO },
		{ .lba = 17, .count = 2, .on_read = true, .err = ENODATA },
		{ .lba = 40, .count = 1, .on_read = true, .err = EIO },
	};
	const struct dev_fault gone = { .lba = 5, .count = 1, .on_read = true, .err = ENXIO };
	const uint64_t want_off[] = { 3 * 512, 17 * 512, 18 * 512, 40 * 512 };
	const size_t want_len[] = { 512, 512, 512, 100 };
	const int want_err[] = { -EIO, -ENODATA, -ENODATA, -EIO };
	struct dev *mem, *d;
	struct bisect_log l = { 0 };
	struct pool_bisect b = { .io = bisect_io, .bad = bisect_bad, .ctx = &l };
	uint8_t *buf = malloc(size), *scratch = malloc(size), *m;

	assert_non_null(buf);
	assert_non_null(scratch);
	assert_int_equal(dev_open_memory(size, 512, &mem), 0);
	m = dev_memory_data(mem);
	for (uint64_t i = 0; i < size; i++)
		m[i] = (uint8_t)(i * 7 + i / 512);
	assert_int_equal(dev_open_faulty(mem, f, 3, &d), 0);
	l.dev = b.dev = d;
	l.m = m;
	memcpy(buf, m, size);
	memcpy(scratch, m, size);
	assert_int_equal(pool_bisect(&b, buf, scratch, 0, size), 0);
	assert_int_equal(l.nbad, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(l.bad_off[i], want_off[i]);
		assert_int_equal(l.bad_len[i], want_len[i]);
		assert_int_equal(l.bad_err[i], want_err[i]);
	}
	/* every readable byte was read into its place */
	assert_memory_equal(buf, m, 3 * 512);
	assert_memory_equal(buf + 19 * 512, m + 19 * 512, 21 * 512);
	dev_close(d);

	/* a device that went away: one request, the error, nothing recorded */
	assert_int_equal(dev_open_memory(size, 512, &mem), 0);
	assert_int_equal(dev_open_faulty(mem, &gone, 1, &d), 0);
	l = (struct bisect_log){ .dev = d, .m = dev_memory_data(mem) };
	b.dev = d;
	memset(buf, 0, size);
	memset(scratch, 0, size);
	assert_int_equal(pool_bisect(&b, buf, scratch, 0, size), -ENXIO);
	assert_int_equal(l.ios, 1);
	assert_int_equal(l.nbad, 0);
	dev_close(d);
	free(buf);
	free(scratch);
}

/*
 * An image file opened DEV_OPEN_EXCL is locked against a second exclusive
 * open until it is closed; plain opens still read it; dev_fd() names the
 * descriptor holding it (none for memory, the lower one for a wrapper).
 */
static void test_dev_file_lock(void **state)
{
	char path[] = "/tmp/kesu-unit-lock.XXXXXX";
	int fd = mkstemp(path);
	const struct dev_fault none = { 0 };
	struct dev *a, *b, *mem, *faulty;
	struct stat st1, st2;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	assert_int_equal(dev_open(path, DEV_OPEN_WRITE | DEV_OPEN_EXCL, &a), 0);
	assert_true(dev_fd(a) >= 0);
	assert_int_equal(fstat(dev_fd(a), &st1), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	assert_int_equal(dev_open(path, DEV_OPEN_WRITE | DEV_OPEN_EXCL, &b), -EBUSY);
	assert_int_equal(dev_open(path, DEV_OPEN_EXCL, &b), -EBUSY);
	assert_int_equal(dev_open(path, 0, &b), 0);
	dev_close(b);
	dev_close(a);
	assert_int_equal(dev_open(path, DEV_OPEN_WRITE | DEV_OPEN_EXCL, &a), 0);
	dev_close(a);
	unlink(path);

	assert_int_equal(dev_open_memory(64 * KiB, 512, &mem), 0);
	assert_int_equal(dev_fd(mem), -1);
	assert_int_equal(dev_open_faulty(mem, &none, 0, &faulty), 0);
	assert_int_equal(dev_fd(faulty), -1);
	dev_close(faulty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_dod3),
		cmocka_unit_test(test_verify_last_only),
		cmocka_unit_test(test_verify_none),
		cmocka_unit_test(test_media_errors),
		cmocka_unit_test(test_device_error),
		cmocka_unit_test(test_after_write_mismatch),
		cmocka_unit_test(test_verify_all_each_pass),
		cmocka_unit_test(test_abort_before),
		cmocka_unit_test(test_abort_between),
		cmocka_unit_test(test_sample_verify),
		cmocka_unit_test(test_sample_seed),
		cmocka_unit_test(test_flush_and_drop_before_read),
		cmocka_unit_test(test_verify_run),
		cmocka_unit_test(test_verify_reads_aligned),
		cmocka_unit_test(test_memory_data_through_faulty),
		cmocka_unit_test(test_pool_bisect),
		cmocka_unit_test(test_dev_file_lock),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
