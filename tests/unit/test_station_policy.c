// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy of kesu station's unattended mode: the file (libinih, every
 * key, bad values and lines named, the mode refused) and the admission of
 * a drive by transport and size.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "erase/station.h"

static char path[] = "/tmp/kesu-policy-XXXXXX";

static int load(const char *text, mode_t mode, struct station_policy *p, char *why)
{
	int fd = mkstemp(path);
	int r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	r = station_policy_load(path, p, why, 256);
	unlink(path);
	strcpy(path, "/tmp/kesu-policy-XXXXXX");
	return r;
}

static void test_every_key(void **state)
{
	struct station_policy p;
	char why[256];

	(void)state;
	assert_int_equal(load("[admit]\ntransport = USB nvme, sata\nmin_size = 1G\n"
			      "max_size = 2TiB\nmethod = zero\ncountdown = 3\n",
			      0600, &p, why),
			 0);
	assert_int_equal(p.ntransports, 3);
	assert_string_equal(p.transports[0], "usb");
	assert_string_equal(p.transports[2], "sata");
	assert_int_equal(p.min_size, 1ULL << 30);
	assert_int_equal(p.max_size, 2ULL << 40);
	assert_string_equal(p.method, "zero");
	assert_int_equal(p.countdown_s, 3);
	assert_true(p.has_countdown);
}

static void test_defaults(void **state)
{
	struct station_policy p;
	char why[256];

	(void)state;
	assert_int_equal(load("# nothing\n[admit]\n", 0644, &p, why), 0);
	assert_int_equal(p.ntransports, 0);
	assert_int_equal(p.countdown_s, 10);
	assert_false(p.has_countdown);
	assert_true(station_policy_admit(&p, "loop", 1, why, sizeof(why)));
}

static void test_refused(void **state)
{
	struct station_policy p;
	char why[256];

	(void)state;
	assert_int_equal(load("[admit]\ntransport = usb\n", 0620, &p, why), -EPERM);
	assert_non_null(strstr(why, "writable by group or others"));
	assert_int_equal(load("[admit]\ntransport = usb\n", 0602, &p, why), -EPERM);
	assert_int_equal(load("[admit]\nmin_size = -1\n", 0600, &p, why), -EINVAL);
	assert_non_null(strstr(why, "line 2: min_size: invalid value"));
	assert_int_equal(load("[admit]\nmin_size = 1X\n", 0600, &p, why), -EINVAL);
	assert_int_equal(load("[admit]\ncountdown = 99999\n", 0600, &p, why), -EINVAL);
	assert_int_equal(load("[admit]\ncolour = red\n", 0600, &p, why), -EINVAL);
	assert_non_null(strstr(why, "unknown key 'colour'"));
	assert_int_equal(load("[other]\ntransport = usb\n", 0600, &p, why), -EINVAL);
	assert_int_equal(load("[admit]\ntransport = usb\n\ntransport = sata\n", 0600, &p, why),
			 -EINVAL);
	assert_non_null(strstr(why, "line 4: transport set twice"));
	assert_int_equal(load("[admit]\ntransport = u$b\n", 0600, &p, why), -EINVAL);
	assert_int_equal(load("[admit]\ntransport =\n", 0600, &p, why), -EINVAL);
	assert_int_equal(load("[admit\n", 0600, &p, why), -EINVAL);
	assert_int_equal(load("[admit]\nmin_size = 2G\nmax_size = 1G\n", 0600, &p, why), -EINVAL);
	assert_int_equal(station_policy_load("/nonexistent/policy", &p, why, sizeof(why)), -ENOENT);
}

static void test_admit(void **state)
{
	struct station_policy p;
	char why[256];

	(void)state;
	station_policy_default(&p);
	strcpy(p.transports[0], "usb");
	strcpy(p.transports[1], "nvme");
	p.ntransports = 2;
	p.min_size = 1000;
	p.max_size = 2000;
	assert_true(station_policy_admit(&p, "usb", 1000, why, sizeof(why)));
	assert_true(station_policy_admit(&p, "nvme", 2000, why, sizeof(why)));
	assert_false(station_policy_admit(&p, "loop", 1500, why, sizeof(why)));
	assert_string_equal(why, "the policy does not admit transport loop");
	assert_false(station_policy_admit(&p, NULL, 1500, why, sizeof(why)));
	assert_false(station_policy_admit(&p, "usb", 999, why, sizeof(why)));
	assert_non_null(strstr(why, "1000 bytes or more"));
	assert_false(station_policy_admit(&p, "usb", 2001, why, sizeof(why)));
	assert_non_null(strstr(why, "2000 bytes or fewer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_admit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
