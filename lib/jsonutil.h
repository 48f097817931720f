/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON helpers shared by reports and, later, certificates. */
#ifndef KESU_JSONUTIL_H
#define KESU_JSONUTIL_H

#include <jansson.h>
#include <time.h>

#include "devinfo.h"
#include "ranges.h"

/** json_str_or_null() - a JSON string, or null for NULL */
json_t *json_str_or_null(const char *s);

/** json_tristate() - true/false for 1/0, null for -1 (unknown) */
json_t *json_tristate(int v);

/** json_ranges() - [{"first_lba": N, "count": N}, ...] */
json_t *json_ranges(const struct range_list *l);

/**
 * json_devinfo() - a device's identity as reports and listings show it:
 * path, kind, model, serial, wwn, firmware, transport, sizes, rotational,
 * removable, content
 */
json_t *json_devinfo(const struct dev_info *info);

/** json_time() - a UTC time in RFC 3339 form, seconds precision */
json_t *json_time(const struct timespec *ts);

/**
 * json_write_atomic() - write @doc to @path through a temporary file in the
 * same directory, fsync and rename, so that a reader sees either no file or
 * the whole document
 * Return: 0 or a negative errno
 */
int json_write_atomic(const char *path, const json_t *doc);

#endif
