// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jsonutil.h"
#include "report.h"

bool erase_reason_valid(const char *reason)
{
	return !strcmp(reason, "disposal") || !strcmp(reason, "lease-return") ||
	       !strcmp(reason, "reuse");
}

static json_t *operator_json(const struct erase_operator *op)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}",
			 "name", json_str_or_null(op->name),
			 "asset_tag", json_str_or_null(op->asset_tag),
			 "reason", json_str_or_null(op->reason),
			 "lease_contract", json_str_or_null(op->lease_contract),
			 "witness", json_str_or_null(op->witness),
			 "location", json_str_or_null(op->location));
}

static json_t *pass_pattern_json(const struct pattern *p, unsigned index)
{
	char name[8 + 2 * PATTERN_MAX_BYTES + 1];
	json_t *o = json_pack("{s:I,s:s}", "index", (json_int_t)index, "pattern",
			      pattern_name(p, name, sizeof(name)));

	if (o && pattern_generator(p))
		json_object_set_new(o, "generator", json_string(pattern_generator(p)));
	return o;
}

static json_t *method_json(const struct erase_plan *plan)
{
	json_t *passes = json_array();

	for (unsigned i = 0; passes && i < plan->npasses; i++)
		json_array_append_new(passes, pass_pattern_json(&plan->pass[i], i + 1));
	return json_pack("{s:s,s:s,s:s,s:o,s:b}", "name", plan->method, "category",
			 plan->category, "technique", plan->technique, "passes", passes, "blank",
			 plan->blank);
}

static json_t *passes_json(const struct erase_plan *plan, const struct erase_result *r)
{
	char name[8 + 2 * PATTERN_MAX_BYTES + 1];
	json_t *a = json_array();

	for (unsigned i = 0; a && i < plan->npasses; i++) {
		const struct erase_pass_result *p = &r->pass[i];

		json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:b,s:b,s:I}",
			"index", (json_int_t)(i + 1),
			"pattern", pattern_name(&plan->pass[i], name, sizeof(name)),
			"bytes_written", (json_int_t)p->bytes_written,
			"completed", p->completed,
			"verified", p->verified,
			"bytes_verified", (json_int_t)p->bytes_verified));
	}
	return a;
}

static json_t *verification_json(const char *cache_bypass, const struct erase_plan *plan,
				 const struct erase_result *r, uint64_t seed)
{
	char seedhex[17];
	json_int_t pct = plan->verify == ERASE_VERIFY_SAMPLE ? plan->sample_pct :
			 plan->verify == ERASE_VERIFY_NONE ? 0 : 100;
	json_t *v = json_pack("{s:s,s:s,s:I,s:I,s:I,s:b}",
			      "mode", erase_verify_name(plan->verify),
			      "cache_bypass", cache_bypass,
			      "bytes_read", (json_int_t)r->bytes_read,
			      "samples", (json_int_t)r->samples,
			      "sample_percent", pct,
			      "verified", r->verified);

	/* the seed as hex: a second verifier can repeat the same sample */
	if (v && plan->verify == ERASE_VERIFY_SAMPLE) {
		snprintf(seedhex, sizeof(seedhex), "%016llx", (unsigned long long)seed);
		json_object_set_new(v, "sample_seed", json_string(seedhex));
	}
	return v;
}

json_t *erase_report(const struct dev_info *info, const char *cache_bypass,
		     const struct erase_plan *plan, const struct erase_result *r,
		     const struct erase_operator *op, uint64_t sample_seed)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	return json_pack("{s:s,s:{s:s,s:s},s:s,s:o,s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},"
			 "s:s,s:o,s:o,s:o}",
			 "format", ERASE_REPORT_FORMAT,
			 "tool", "name", PACKAGE_NAME, "version", PACKAGE_VERSION,
			 "host", host,
			 "device", json_devinfo(info),
			 "operator", operator_json(op),
			 "method", method_json(plan),
			 "passes", passes_json(plan, r),
			 "verification", verification_json(cache_bypass, plan, r, sample_seed),
			 "errors",
			 "write", json_ranges(&r->write_errors),
			 "read", json_ranges(&r->read_errors),
			 "mismatch", json_ranges(&r->mismatch),
			 "result", erase_result_name(r->code),
			 "result_reason", json_str_or_null(r->reason[0] ? r->reason : NULL),
			 "started", json_time(&r->started),
			 "finished", json_time(&r->finished));
}
