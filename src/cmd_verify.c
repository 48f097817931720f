// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu verify: an independent read-back check that another person can run. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devinfo.h"
#include "display.h"
#include "pattern.h"
#include "jsonutil.h"
#include "kesu.h"
#include "secmem.h"
#include "verify/verify.h"

static void usage(void)
{
	printf("usage: kesu verify --expect zero|one|pattern:HEX [OPTIONS] TARGET\n\n"
	       "Read TARGET back, bypassing the page cache, and check that it holds the pattern.\n\n"
	       "  -e, --expect P        zero, one or pattern:HEX\n"
	       "  -s, --sample PCT      read >= 1000 pseudorandom subsections covering PCT%%\n"
	       "  -j, --json            print the result as JSON\n"
	       "  -q, --quiet           no progress\n"
	       "      --progress=MODE   auto, bar, json, none\n"
	       "      --queue-depth N   requests in flight (default %d, removable %d)\n"
	       "      --block-size SIZE bytes per request (default %dM, removable %dM)\n"
	       "      --debug           debug messages\n"
	       "  -h, --help            this help\n\n"
	       "Exit status: 0 no mismatch, 1 failure, 2 usage, 5 mismatch, 6 read errors,\n"
	       "7 aborted.\n", KESU_QUEUE_DEPTH, KESU_QUEUE_DEPTH_REMOVABLE, KESU_BLOCK_SIZE >> 20,
	       KESU_BLOCK_SIZE_REMOVABLE >> 20);
}

static void print_ranges(const char *what, const struct range_list *l, unsigned lbs)
{
	for (size_t i = 0; i < l->n; i++)
		printf("  %s: blocks %llu-%llu (%llu x %u bytes)\n", what,
		       (unsigned long long)l->v[i].start,
		       (unsigned long long)(l->v[i].start + l->v[i].count - 1),
		       (unsigned long long)l->v[i].count, lbs);
}

static int report(const char *expect, const struct dev *d, unsigned pct,
		  const struct verify_result *r, bool json, int code)
{
	static const char *const results[] = { "success", "failed" };
	json_t *doc;
	char *s;

	if (!json) {
		if (code == KESU_EXIT_SUCCESS)
			printf("kesu: %s: verified %llu bytes, no mismatch\n", d->path,
			       (unsigned long long)r->bytes_read);
		else
			printf("kesu: %s: %llu blocks differ, %llu blocks unreadable\n", d->path,
			       (unsigned long long)ranges_blocks(&r->mismatch),
			       (unsigned long long)ranges_blocks(&r->read_errors));
		print_ranges("mismatch", &r->mismatch, d->lbs);
		print_ranges("read error", &r->read_errors, d->lbs);
		return code;
	}
	doc = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:o,s:o,s:I,s:s}",
			"format", "kesu-verify/1", "target", d->path, "expect", expect,
			"mode", pct ? "sample" : "full",
			"bytes_read", (json_int_t)r->bytes_read,
			"samples", (json_int_t)r->samples,
			"sample_percent", (json_int_t)(pct ? pct : 100),
			"cache_bypass", d->cache_bypass,
			"mismatches", json_ranges(&r->mismatch),
			"read_errors", json_ranges(&r->read_errors),
			"logical_block_size", (json_int_t)d->lbs,
			"result", results[code != KESU_EXIT_SUCCESS]);
	if (doc && json_object_set_new(doc, "read_paths", verify_read_paths_json(d)))
		json_decref(doc), doc = NULL;
	s = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(doc);
	return s ? code : KESU_EXIT_FAILURE;
}

struct verify_cli {
	const char *expect;
	unsigned long pct;
	bool json;
	enum display_mode mode;
	unsigned long queue_depth;
	unsigned long long chunk;
};

static int parse_args(int argc, char **argv, struct verify_cli *o)
{
	static const struct option long_opts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "sample", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", required_argument, NULL, 'P' },
		{ "debug", no_argument, NULL, 'D' },
		{ "queue-depth", required_argument, NULL, 'Q' },
		{ "block-size", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "e:s:jqh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e': o->expect = optarg; break;
		case 's':
			if (ui_parse_uint(optarg, 1, 100, &o->pct))
				return ui_usage_error("verify", "invalid --sample '%s': 1 to 100",
						      optarg);
			break;
		case 'j': o->json = true; break;
		case 'q': o->mode = DISPLAY_NONE; break;
		case 'P':
			if (display_parse(optarg, &o->mode))
				return ui_usage_error("verify", "invalid --progress '%s'", optarg);
			break;
		case 'D': ui_debug = true; break;
		case 'Q':
			if (ui_parse_queue_depth("verify", optarg, &o->queue_depth))
				return KESU_EXIT_USAGE;
			break;
		case 'B':
			if (ui_parse_block_size("verify", optarg, &o->chunk))
				return KESU_EXIT_USAGE;
			break;
		case 'h': usage(); return -1;
		default: return ui_usage_error("verify", "invalid option");
		}
	}
	if (!o->expect)
		return ui_usage_error("verify", "--expect is required");
	if (optind != argc - 1)
		return ui_usage_error("verify", "give exactly one target");
	return 0;
}

static int run(struct dev *d, const struct pattern *p, const struct verify_cli *o,
	       struct verify_result *r)
{
	struct display *disp = display_new(o->json && o->mode == DISPLAY_JSON ? DISPLAY_NONE :
					   o->mode, 1);
	struct verify_opts vo = { .sample_pct = (unsigned)o->pct,
				  .queue_depth = (unsigned)o->queue_depth, .chunk = (size_t)o->chunk,
				  .progress = disp ? display_progress : NULL,
				  .progress_usr = disp ? display_slot(disp, 0) : NULL,
				  .pass = 1, .npasses = 1, .abort = &ui_interrupted };
	uint64_t seed;
	int ret;

	ui_catch_interrupts();
	secmem_random(&seed, sizeof(seed));
	vo.seed = seed;
	ret = verify_run(d, p, &vo, r);
	display_free(disp);
	return ret;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_cli o = { 0 };
	struct dev_info info;
	struct pattern p = { 0 };
	struct verify_result r = { 0 };
	struct dev *d = NULL;
	int ret, code;

	display_parse("auto", &o.mode);
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret < 0 ? KESU_EXIT_SUCCESS : ret;
	/* a random pass cannot be checked without its key, which is never kept */
	if (!strcmp(o.expect, "random") || pattern_parse(o.expect, &p))
		return ui_usage_error("verify", "invalid --expect '%s': zero, one or pattern:HEX",
				      o.expect);
	ret = dev_open(argv[optind], 0, &d);
	if (ret) {
		ui_err("cannot open %s: %s", argv[optind], strerror(-ret));
		return KESU_EXIT_FAILURE;
	}
	if (devinfo_get(argv[optind], &info) == 0) {
		ui_io_defaults(&info, &o.queue_depth, &o.chunk);
		devinfo_free(&info);
	} else {
		ui_io_defaults(NULL, &o.queue_depth, &o.chunk);
	}
	ret = run(d, &p, &o, &r);
	if (ret == -EINTR) {
		ui_err("%s: verification aborted after %llu bytes", d->path,
		       (unsigned long long)r.bytes_read);
		code = KESU_EXIT_ABORTED;
	} else if (ret) {
		ui_err("%s: verification failed: %s", d->path, strerror(-ret));
		code = KESU_EXIT_FAILURE;
	} else {
		code = r.read_errors.n ? KESU_EXIT_IO :
		       r.mismatch.n ? KESU_EXIT_VERIFY : KESU_EXIT_SUCCESS;
		code = report(o.expect, d, (unsigned)o.pct, &r, o.json, code);
	}
	verify_result_free(&r);
	pattern_free(&p);
	dev_close(d);
	return code;
}
