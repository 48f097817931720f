/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON helpers shared by reports and, later, certificates. */
#ifndef KESU_JSONUTIL_H
#define KESU_JSONUTIL_H

#include <jansson.h>
#include <time.h>

#include "devinfo.h"
#include "ranges.h"

/** json_str_or_null() - json_text(): a JSON string, or null for NULL */
json_t *json_str_or_null(const char *s);

/**
 * json_text() - text from a device, a file name or a person as JSON
 * @s: any bytes, or NULL
 *
 * Return: null for NULL; a string for valid UTF-8; otherwise a string with
 * each invalid byte replaced by U+FFFD (json_set_text() keeps the bytes).
 * NULL only when out of memory.
 */
json_t *json_text(const char *s);

/**
 * json_set_text() - @obj[@key] = json_text(@s), and when @s is not valid
 * UTF-8 also @obj[@key "_hex"] = the raw bytes in hexadecimal, so that they
 * can be recovered
 * Return: 0 or -ENOMEM
 */
int json_set_text(json_t *obj, const char *key, const char *s);

/** json_tristate() - true/false for 1/0, null for -1 (unknown) */
json_t *json_tristate(int v);

/** json_ranges() - [{"first_lba": N, "count": N}, ...] */
json_t *json_ranges(const struct range_list *l);

/**
 * json_devinfo() - a device's identity as reports and listings show it:
 * path, kind, model, serial, wwn, firmware, transport, sizes, rotational,
 * removable, content; text fields through json_set_text(), so a string
 * that is not UTF-8 gives a *_hex field next to it
 * Return: the object, or NULL when out of memory
 */
json_t *json_devinfo(const struct dev_info *info);

/** json_time() - a UTC time in RFC 3339 form, seconds precision */
json_t *json_time(const struct timespec *ts);

#endif
