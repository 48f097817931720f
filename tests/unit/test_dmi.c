// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DMI reader on a fake /sys (sysfs_set_root), and the rule that tells
 * whether two certificates come from one machine.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cert/machine.h"
#include "fakesys.h"
#include "sysfs.h"

#define ID "class/dmi/id/"

static int setup(void **state)
{
	char *root = malloc(PATH_MAX);

	if (!root || fakesys_create(root)) {
		free(root);
		return -1;
	}
	sysfs_set_root(root);
	*state = root;
	return 0;
}

static int teardown(void **state)
{
	sysfs_set_root(NULL);
	fakesys_destroy(*state);
	free(*state);
	return 0;
}

static void test_dmi_all(void **state)
{
	const char *root = *state;
	struct sysfs_dmi d;

	assert_int_equal(fakesys_write(root, ID "sys_vendor", "  LENOVO\n"), 0);
	assert_int_equal(fakesys_write(root, ID "product_name", "20XW004CJP\n"), 0);
	assert_int_equal(fakesys_write(root, ID "product_serial", "PF2ABCDE\n"), 0);
	assert_int_equal(fakesys_write(root, ID "product_uuid",
				       "0e1f2a3b-4c5d-11eb-8000-6c2408a1b2c3\n"),
			 0);
	assert_int_equal(sysfs_dmi_read(&d), 0);
	assert_string_equal(d.manufacturer, "LENOVO");
	assert_string_equal(d.product, "20XW004CJP");
	assert_string_equal(d.serial, "PF2ABCDE");
	assert_string_equal(d.uuid, "0e1f2a3b-4c5d-11eb-8000-6c2408a1b2c3");
	sysfs_dmi_free(&d);
	assert_null(d.serial);
	sysfs_dmi_free(&d);
}

/* a blank or missing attribute is unknown, and raw bytes stay as they were */
static void test_dmi_partial(void **state)
{
	const char *root = *state;
	struct sysfs_dmi d;

	assert_int_equal(fakesys_write(root, ID "sys_vendor", "Ma\xff\x01ker\n"), 0);
	assert_int_equal(fakesys_write(root, ID "product_name", "   \n"), 0);
	assert_int_equal(sysfs_dmi_read(&d), 0);
	assert_string_equal(d.manufacturer, "Ma\xff\x01ker");
	assert_null(d.product);
	assert_null(d.serial);
	assert_null(d.uuid);
	sysfs_dmi_free(&d);
}

/* no DMI at all (ARM boards, containers): four unknowns, not an error */
static void test_dmi_none(void **state)
{
	struct sysfs_dmi d = { .serial = (char *)"stale" };

	(void)state;
	assert_int_equal(sysfs_dmi_read(&d), 0);
	assert_null(d.manufacturer);
	assert_null(d.product);
	assert_null(d.serial);
	assert_null(d.uuid);
}

#ifdef KESU_TEST_HOOKS
/* the hook replaces the root for DMI alone */
static void test_dmi_hook(void **state)
{
	char other[PATH_MAX];
	struct sysfs_dmi d;

	assert_int_equal(fakesys_write(*state, ID "product_serial", "FROM-ROOT\n"), 0);
	assert_int_equal(fakesys_create(other), 0);
	assert_int_equal(fakesys_write(other, ID "product_serial", "FROM-HOOK\n"), 0);
	setenv("KESU_TEST_DMI_ROOT", other, 1);
	assert_int_equal(sysfs_dmi_read(&d), 0);
	unsetenv("KESU_TEST_DMI_ROOT");
	assert_string_equal(d.serial, "FROM-HOOK");
	sysfs_dmi_free(&d);
	assert_string_equal(sysfs_root(), *state);
	fakesys_destroy(other);
}
#endif

static json_t *cert(const char *host, const char *serial, const char *uuid)
{
	json_t *c = json_pack("{s:s}", "host", host);

	if (serial || uuid)
		json_object_set_new(c, "machine",
				    json_pack("{s:s?,s:s?}", "serial", serial, "uuid", uuid));
	return c;
}

static int match(json_t *a, json_t *b)
{
	char why[320];
	int r = cert_machine_match(a, b, why, sizeof(why));

	json_decref(a);
	json_decref(b);
	return r;
}

static void test_machine_match(void **state)
{
	(void)state;
	/* the same UUID and serial on another host name: one machine, renamed */
	assert_int_equal(match(cert("a", "S1", "u1"), cert("b", "S1", "u1")), 0);
	assert_int_equal(match(cert("a", "S1", "u1"), cert("a", "S1", "u2")), -EXDEV);
	assert_int_equal(match(cert("a", "S1", "u1"), cert("a", "S2", "u1")), -EXDEV);
	/* serials of one vendor differ in case only on some firmware */
	assert_int_equal(match(cert("a", "s1", NULL), cert("a", "S1", NULL)), 0);
	/* placeholders identify nothing: the host names decide */
	assert_int_equal(
		match(cert("a", "To Be Filled By O.E.M.", "00000000-0000-0000-0000-000000000000"),
		      cert("b", "To Be Filled By O.E.M.", "00000000-0000-0000-0000-000000000000")),
		-EXDEV);
	assert_int_equal(
		match(cert("a", "Default string", NULL), cert("a", "Default string", NULL)), 0);
	/* certificates made before kesu recorded DMI */
	assert_int_equal(match(cert("a", NULL, NULL), cert("a", NULL, NULL)), 0);
	assert_int_equal(match(cert("a", NULL, NULL), cert("b", NULL, NULL)), -EXDEV);
	assert_int_equal(match(cert("a", "S1", NULL), cert("a", NULL, NULL)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dmi_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dmi_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dmi_none, setup, teardown),
#ifdef KESU_TEST_HOOKS
		cmocka_unit_test_setup_teardown(test_dmi_hook, setup, teardown),
#endif
		cmocka_unit_test(test_machine_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
