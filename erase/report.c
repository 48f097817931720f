// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clocksync.h"
#include "jsonutil.h"
#include "report.h"
#include "sysfs.h"
#include "verify/verify.h"

bool erase_reason_valid(const char *reason)
{
	return !strcmp(reason, "disposal") || !strcmp(reason, "lease-return") ||
	       !strcmp(reason, "reuse");
}

static json_t *operator_json(const struct erase_operator *op)
{
	/* validated as UTF-8 when typed; json_text() keeps a library caller honest too */
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "name", json_text(op->name), "asset_tag",
			 json_text(op->asset_tag), "reason", json_text(op->reason),
			 "lease_contract", json_text(op->lease_contract), "witness",
			 json_text(op->witness), "location", json_text(op->location));
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
	return json_pack("{s:s,s:s,s:s,s:o,s:b}", "name", plan->method, "category", plan->category,
			 "technique", plan->technique, "passes", passes, "blank", plan->blank);
}

static json_t *passes_json(const struct erase_plan *plan, const struct erase_result *r)
{
	char name[8 + 2 * PATTERN_MAX_BYTES + 1];
	json_t *a = json_array();

	for (unsigned i = 0; a && i < plan->npasses; i++) {
		const struct erase_pass_result *p = &r->pass[i];

		json_array_append_new(
			a, json_pack("{s:I,s:s,s:I,s:b,s:b,s:I}", "index", (json_int_t)(i + 1),
				     "pattern", pattern_name(&plan->pass[i], name, sizeof(name)),
				     "bytes_written", (json_int_t)p->bytes_written, "completed",
				     p->completed, "verified", p->verified, "bytes_verified",
				     (json_int_t)p->bytes_verified));
	}
	return a;
}

static json_t *verification_json(const struct dev *d, const struct erase_plan *plan,
				 const struct erase_result *r, uint64_t seed)
{
	char seedhex[17];
	json_int_t pct = 100;
	json_t *v;

	const char *mode = erase_verify_name(plan->verify);

	if (plan->verify == ERASE_VERIFY_SAMPLE)
		pct = plan->sample_pct;
	else if (plan->verify == ERASE_VERIFY_NONE)
		pct = 0;
	if (r->purge) {
		/* a firmware method: the sample read before and after the command */
		mode = "sample";
		pct = json_integer_value(json_object_get(json_object_get(r->purge, "verification"),
							 "sample_percent"));
	}
	v = json_pack("{s:s,s:o,s:o,s:I,s:I,s:I,s:b}", "mode", mode, "cache_bypass",
		      json_str_or_null(d ? d->cache_bypass : NULL), "read_paths",
		      d ? verify_read_paths_json(d) : json_array(), "bytes_read",
		      (json_int_t)r->bytes_read, "samples", (json_int_t)r->samples,
		      "sample_percent", pct, "verified", r->verified);

	/* the seed as hex: a second verifier can repeat the same sample */
	if (v && plan->verify == ERASE_VERIFY_SAMPLE) {
		snprintf(seedhex, sizeof(seedhex), "%016llx", (unsigned long long)seed);
		json_object_set_new(v, "sample_seed", json_string(seedhex));
	}
	return v;
}

/*
 * The computer the drive was in, so that every drive of one machine can be
 * gathered on one document; unreadable members are null. DMI strings are
 * firmware bytes: json_set_text() keeps any that are not UTF-8 as *_hex.
 */
static json_t *machine_json(void)
{
	struct sysfs_dmi dmi;
	json_t *o;

	if (sysfs_dmi_read(&dmi))
		return NULL;
	o = json_object();
	if (o && (json_set_text(o, "manufacturer", dmi.manufacturer) ||
		  json_set_text(o, "product", dmi.product) ||
		  json_set_text(o, "serial", dmi.serial) || json_set_text(o, "uuid", dmi.uuid))) {
		json_decref(o);
		o = NULL;
	}
	sysfs_dmi_free(&dmi);
	return o;
}

/* whether the times below came from a clock NTP set: a machine's own clock may be years off */
static json_t *clock_json(void)
{
	bool synced;

	clock_synchronised(&synced);
	return json_pack("{s:b,s:s}", "synchronised", synced, "source", synced ? "ntp" : "unknown");
}

json_t *erase_report(const char *id, const struct dev_info *info, const struct dev *d,
		     const struct erase_plan *plan, const struct erase_result *r,
		     const struct erase_operator *op, uint64_t sample_seed)
{
	char host[256] = "";
	json_t *doc;

	gethostname(host, sizeof(host) - 1);
	doc = json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:o,s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},"
			"s:s,s:o,s:o,s:o}",
			"format", ERASE_REPORT_FORMAT, "id", id, "tool", "name", PACKAGE_NAME,
			"version", PACKAGE_VERSION, "host", json_text(host), "device",
			json_devinfo(info), "operator", operator_json(op), "method",
			method_json(plan), "passes", passes_json(plan, r), "verification",
			verification_json(d, plan, r, sample_seed), "errors", "write",
			json_ranges(&r->write_errors), "read", json_ranges(&r->read_errors),
			"mismatch", json_ranges(&r->mismatch), "result", erase_result_name(r->code),
			"result_reason", json_text(r->reason[0] ? r->reason : NULL), "started",
			json_time(&r->started), "finished", json_time(&r->finished));
	if (!doc)
		return NULL;
	/* the NIST SP 800-88 category this erasure reached, and how */
	json_object_set_new(doc, "category",
			    json_string(plan->category ? plan->category : "clear"));
	json_object_set_new(doc, "technique",
			    json_string(plan->technique ? plan->technique : "overwrite"));
	if (r->purge)
		json_object_set_new(doc, "purge", json_deep_copy(r->purge));
	if (json_object_set_new(doc, "clock", clock_json()) ||
	    json_object_set_new(doc, "machine", machine_json())) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *erase_report_planned(const char *id, const struct dev_info *info,
			     const struct erase_plan *plan, const struct erase_operator *op)
{
	/* a firmware method reads back a sample; bytes_read stands for it */
	uint64_t bytes = info->size ? info->size : 1;
	struct erase_result r = { .code = ERASE_SUCCESS, .verified = true, .bytes_read = bytes };
	json_t *doc;

	for (unsigned i = 0; i < plan->npasses; i++)
		r.pass[i] = (struct erase_pass_result){ .bytes_written = bytes,
							.completed = true,
							.verified = true,
							.bytes_verified = bytes };
	r.passes_run = plan->npasses;
	clock_gettime(CLOCK_REALTIME, &r.started);
	r.finished = r.started;
	doc = erase_report(id, info, NULL, plan, &r, op, 0);
	erase_result_free(&r);
	return doc;
}
