// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cert.h"
#include "machine.h"

/*
 * Values boards ship with when the vendor filled nothing in: many
 * machines share them, so they identify none
 */
static bool placeholder(const char *s)
{
	static const char *const fill[] = {
		"To Be Filled By O.E.M.",
		"Default string",
		"System Serial Number",
		"Not Specified",
		"Not Applicable",
		"None",
		"N/A",
		"0123456789",
		"Chassis Serial Number",
		"INVALID",
	};
	size_t n = strspn(s, "0-");

	if (!s[n] || !strcasecmp(s, "03000200-0400-0500-0006-000700080009") ||
	    strspn(s, "fF-") == strlen(s))
		return true;
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++)
		if (!strcasecmp(s, fill[i]))
			return true;
	return false;
}

static const char *dmi(const json_t *c, const char *path)
{
	const char *s = cert_get_string(c, path);

	return s && *s && !placeholder(s) ? s : NULL;
}

/* -EXDEV when both have @path and they differ; *@compared when both had it */
static int differ(const json_t *a, const json_t *b, const char *path, const char *what,
		  bool *compared, char *why, size_t len)
{
	const char *x = dmi(a, path), *y = dmi(b, path);

	if (!x || !y)
		return 0;
	*compared = true;
	if (!strcasecmp(x, y))
		return 0;
	snprintf(why, len, "%s %.100s and %.100s differ", what, x, y);
	return -EXDEV;
}

int cert_machine_match(const json_t *a, const json_t *b, char *why, size_t len)
{
	const char *ha = cert_get_string(a, "host"), *hb = cert_get_string(b, "host");
	bool compared = false;

	if (differ(a, b, "machine.uuid", "the machine UUIDs", &compared, why, len) ||
	    differ(a, b, "machine.serial", "the machine serial numbers", &compared, why, len))
		return -EXDEV;
	if (compared)
		return 0;
	if (ha && hb && !strcmp(ha, hb))
		return 0;
	snprintf(
		why, len,
		"the hosts %.100s and %.100s differ, and there is no machine serial number or UUID to compare",
		ha ? ha : "(none)", hb ? hb : "(none)");
	return -EXDEV;
}
