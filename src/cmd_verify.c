// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu verify: an independent read-back check that another person can run. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devinfo.h"
#include "display.h"
#include "pattern.h"
#include "jsonutil.h"
#include "kesu.h"
#include "log.h"
#include "secmem.h"
#include "verify/verify.h"

/* what kesu verify can return, in the order --help and kesu-verify(8) list them */
static const int verify_exits[] = {
	KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
	KESU_EXIT_VERIFY,  KESU_EXIT_IO,      KESU_EXIT_ABORTED,
};

static int usage(void)
{
	printf("usage: kesu verify --expect zero|one|pattern:HEX [OPTIONS] TARGET\n\n"
	       "Read TARGET back, bypassing the page cache, and check that it holds the pattern.\n\n"
	       "  -e, --expect P        zero, one or pattern:HEX\n"
	       "  -s, --sample PCT      read >= 1000 pseudorandom subsections covering PCT%%\n"
	       "      --seed HEX        the sample plan's seed (16 hex digits, a report's\n"
	       "                        sample_seed) to repeat a sampled verification\n"
	       "  -j, --json            print the result as JSON on stdout\n"
	       "  -q, --quiet           no progress, whatever --progress says\n"
	       "      --progress=MODE   auto, bar, json (lines on stderr), none\n"
	       "      --queue-depth N   requests in flight (default %d, removable %d)\n"
	       "      --block-size SIZE bytes per request (default %dM, removable %dM)\n"
	       "      --debug           debug messages\n"
	       "  -h, --help            this help\n",
	       POOL_QUEUE_DEPTH, POOL_QUEUE_DEPTH_REMOVABLE, POOL_CHUNK >> 20,
	       POOL_CHUNK_REMOVABLE >> 20);
	ui_print_exit_status(stdout, verify_exits, sizeof(verify_exits) / sizeof(verify_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static void print_ranges(const char *what, const struct range_list *l, unsigned lbs)
{
	for (size_t i = 0; i < l->n; i++)
		printf("  %s: blocks %llu-%llu (%llu x %u bytes)\n", what,
		       (unsigned long long)l->v[i].start,
		       (unsigned long long)(l->v[i].start + l->v[i].count - 1),
		       (unsigned long long)l->v[i].count, lbs);
}

struct verify_cli {
	const char *expect;
	unsigned long pct;
	bool json, quiet, help, has_seed;
	uint64_t seed;
	enum display_mode mode;
	unsigned long queue_depth;
	unsigned long long chunk;
};

static const char *result_name(int code)
{
	if (code == KESU_EXIT_SUCCESS)
		return "success";
	return code == KESU_EXIT_ABORTED ? "aborted" : "failed";
}

static json_t *result_json(const struct verify_cli *o, const struct dev *d,
			   const struct verify_result *r, int code)
{
	char seed[17];
	json_t *doc = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:o,s:o,s:I,s:s}", "format",
				"kesu-verify/1", "expect", o->expect, "mode",
				o->pct ? "sample" : "full", "bytes_read", (json_int_t)r->bytes_read,
				"samples", (json_int_t)r->samples, "sample_percent",
				(json_int_t)(o->pct ? o->pct : 100), "cache_bypass",
				d->cache_bypass, "mismatches", json_ranges(&r->mismatch),
				"read_errors", json_ranges(&r->read_errors), "logical_block_size",
				(json_int_t)d->lbs, "result", result_name(code));

	/* the path may hold any bytes: a *_hex field keeps them */
	if (doc && (json_set_text(doc, "target", d->path) ||
		    json_object_set_new(doc, "read_paths", verify_read_paths_json(d)))) {
		json_decref(doc);
		return NULL;
	}
	if (doc && o->pct) {
		snprintf(seed, sizeof(seed), "%016" PRIx64, o->seed);
		if (json_object_set_new(doc, "sample_seed", json_string(seed))) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

/*
 * The result on stdout. A reader that went away (EPIPE) does not change the
 * exit status of the text line; a JSON document that was not delivered does.
 */
static int report(const struct verify_cli *o, const struct dev *d, const struct verify_result *r,
		  int code)
{
	json_t *doc;
	int err;

	if (!o->json) {
		if (code == KESU_EXIT_SUCCESS)
			printf("kesu: %s: verified %llu bytes, no mismatch\n", ui_safe(d->path),
			       (unsigned long long)r->bytes_read);
		else if (code != KESU_EXIT_ABORTED)
			printf("kesu: %s: %llu blocks differ, %llu blocks unreadable\n",
			       ui_safe(d->path), (unsigned long long)ranges_blocks(&r->mismatch),
			       (unsigned long long)ranges_blocks(&r->read_errors));
		print_ranges("mismatch", &r->mismatch, d->lbs);
		print_ranges("read error", &r->read_errors, d->lbs);
		fflush(stdout);
		return code;
	}
	doc = result_json(o, d, r, code);
	if (!doc) {
		ui_err("%s: cannot build the result: out of memory", ui_safe(d->path));
		return ui_exit_worst(code, KESU_EXIT_FAILURE);
	}
	err = ui_print_json(stdout, doc);
	json_decref(doc);
	if (err) {
		ui_err("cannot write the result to standard output: %s", strerror(-err));
		return ui_exit_worst(code, KESU_EXIT_FAILURE);
	}
	return code;
}

static int parse_seed(const char *s, uint64_t *out)
{
	char *end;

	if (strlen(s) != 16 || strspn(s, "0123456789abcdefABCDEF") != 16)
		return -EINVAL;
	*out = strtoull(s, &end, 16);
	return 0;
}

static int parse_opt(int c, char **argv, struct verify_cli *o, const struct option *longopts)
{
	switch (c) {
	case 'e': o->expect = optarg; break;
	case 's':
		if (ui_parse_uint(optarg, 1, 100, &o->pct))
			return ui_usage_error("verify", "invalid --sample '%s': 1 to 100",
					      ui_safe(optarg));
		break;
	case 'S':
		if (parse_seed(optarg, &o->seed))
			return ui_usage_error("verify", "invalid --seed '%s': 16 hex digits",
					      ui_safe(optarg));
		o->has_seed = true;
		break;
	case 'j': o->json = true; break;
	case 'q': o->quiet = true; break;
	case 'P':
		if (display_parse(optarg, &o->mode))
			return ui_usage_error("verify",
					      "invalid --progress '%s': auto, bar, "
					      "json or none",
					      ui_safe(optarg));
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
	case 'h': o->help = true; break;
	default: return ui_option_error("verify", c, argv, longopts);
	}
	return 0;
}

/* 0 to go on, or the exit code (see kesu.h) */
static int parse_args(int argc, char **argv, struct verify_cli *o)
{
	static const struct option long_opts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "sample", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", required_argument, NULL, 'P' },
		{ "debug", no_argument, NULL, 'D' },
		{ "queue-depth", required_argument, NULL, 'Q' },
		{ "block-size", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:s:jqh", long_opts, NULL)) != -1)
		if ((ret = parse_opt(c, argv, o, long_opts)))
			return ret;
	if (o->help)
		return 0;
	/* -q means quiet, wherever it stands */
	if (o->quiet)
		o->mode = DISPLAY_NONE;
	if (!o->expect)
		return ui_usage_error("verify", "--expect is required");
	if (o->has_seed && !o->pct)
		return ui_usage_error("verify", "--seed needs --sample");
	if (optind != argc - 1)
		return ui_usage_error("verify", "give exactly one target");
	return 0;
}

static int run(struct dev *d, const struct pattern *p, const struct verify_cli *o,
	       struct verify_result *r)
{
	struct display *disp = display_new(o->mode, 1);
	struct verify_opts vo = { .sample_pct = (unsigned)o->pct,
				  .seed = o->seed,
				  .queue_depth = (unsigned)o->queue_depth,
				  .chunk = (size_t)o->chunk,
				  .progress = disp ? display_progress : NULL,
				  .progress_usr = disp ? display_slot(disp, 0) : NULL,
				  .pass = 1,
				  .npasses = 1,
				  .abort = &ui_interrupted };
	int ret;

	if (o->pct)
		log_dbg("%s: sample seed %016" PRIx64, d->path, o->seed);
	ret = verify_run(d, p, &vo, r);
	display_free(disp);
	return ret;
}

static int outcome(int ret, const struct dev *d, const struct verify_result *r)
{
	if (ret == -EINTR) {
		ui_err("%s: interrupted by %s, verification aborted after %llu bytes",
		       ui_safe(d->path), ui_signal_name(ui_interrupted),
		       (unsigned long long)r->bytes_read);
		return KESU_EXIT_ABORTED;
	}
	if (ret) {
		ui_err("%s: verification failed: %s", ui_safe(d->path), strerror(-ret));
		return ui_exit_from_errno(ret);
	}
	if (r->read_errors.n)
		return KESU_EXIT_IO;
	return r->mismatch.n ? KESU_EXIT_VERIFY : KESU_EXIT_SUCCESS;
}

static void io_defaults(struct verify_cli *o, bool removable)
{
	unsigned qd = (unsigned)o->queue_depth;
	size_t chunk = (size_t)o->chunk;

	pool_io_defaults(removable, &qd, &chunk);
	o->queue_depth = qd;
	o->chunk = chunk;
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
	if (ret || o.help)
		return ret ? ret : usage();
	/* a random pass cannot be checked without its key, which is never kept */
	if (!strcmp(o.expect, "random") || pattern_parse(o.expect, &p))
		return ui_usage_error("verify", "invalid --expect '%s': zero, one or pattern:HEX",
				      ui_safe(o.expect));
	if (!o.has_seed)
		secmem_random(&o.seed, sizeof(o.seed));
	/* from here a signal ends the check with a result, not the process */
	ui_catch_interrupts();
	ret = dev_open(argv[optind], 0, &d);
	if (ret) {
		pattern_free(&p);
		return ui_open_error(argv[optind], ret);
	}
	if (devinfo_get(argv[optind], &info) == 0) {
		io_defaults(&o, devinfo_removable(&info));
		devinfo_free(&info);
	} else {
		io_defaults(&o, false);
	}
	ret = run(d, &p, &o, &r);
	code = outcome(ret, d, &r);
	if (!ret || ret == -EINTR)
		code = report(&o, d, &r, code);
	verify_result_free(&r);
	pattern_free(&p);
	dev_close(d);
	return code;
}
