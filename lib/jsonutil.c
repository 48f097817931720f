// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "text.h"

json_t *json_str_or_null(const char *s)
{
	/* never NULL for bytes that are not UTF-8: that would read as out of memory */
	return json_text(s);
}

json_t *json_tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

json_t *json_ranges(const struct range_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a,
				      json_pack("{s:I,s:I}", "first_lba", (json_int_t)l->v[i].start,
						"count", (json_int_t)l->v[i].count));
	return a;
}

json_t *json_text(const char *s)
{
	json_t *j;
	char *buf, *p;
	uint32_t cp;
	size_t n;

	if (!s)
		return json_null();
	if (text_is_utf8(s))
		return json_string(s);
	/* U+FFFD is 3 bytes: at most 3 per input byte */
	buf = malloc(strlen(s) * 3 + 1);
	if (!buf)
		return NULL;
	for (p = buf; *s; s += n) {
		n = text_utf8_seq(s, &cp);
		if (n) {
			memcpy(p, s, n);
			p += n;
		} else {
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
			n = 1;
		}
	}
	*p = '\0';
	j = json_string(buf);
	free(buf);
	return j;
}

int json_set_text(json_t *obj, const char *key, const char *s)
{
	char *hexkey = NULL, *hex = NULL;
	int r = -ENOMEM;

	if (json_object_set_new(obj, key, json_text(s)))
		return -ENOMEM;
	if (!s || text_is_utf8(s))
		return 0;
	if (asprintf(&hexkey, "%s_hex", key) < 0) {
		hexkey = NULL;
		goto out;
	}
	if (text_hex(s, &hex))
		goto out;
	if (json_object_set_new(obj, hexkey, json_string(hex)) == 0)
		r = 0;
out:
	free(hexkey);
	free(hex);
	return r;
}

json_t *json_devinfo(const struct dev_info *info)
{
	json_t *o =
		json_pack("{s:s,s:o,s:I,s:I,s:I,s:o,s:o}", "kind",
			  info->is_block ? "block" : "file", "transport",
			  json_str_or_null(info->transport), "size_bytes", (json_int_t)info->size,
			  "logical_block_size", (json_int_t)info->lbs, "physical_block_size",
			  (json_int_t)info->pbs, "rotational", json_tristate(info->rotational),
			  "removable", json_tristate(info->removable));

	if (!o)
		return NULL;
	if (json_set_text(o, "path", info->path) || json_set_text(o, "model", info->model) ||
	    json_set_text(o, "serial", info->serial) || json_set_text(o, "wwn", info->wwn) ||
	    json_set_text(o, "firmware", info->firmware) ||
	    json_set_text(o, "content", info->content)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *json_time(const struct timespec *ts)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}
