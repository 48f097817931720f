// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devinfo on what needs no root: image files, missing paths, the listing of
 * /sys/block, and the disk that holds the running system (when there is one).
 * Loop devices, mounts and partitions are covered by tests/cli/devices.sh.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "devinfo.h"

#define IMAGE_SIZE (1024 * 1024 + 4096)

struct fixture {
	char dir[PATH_MAX - 32];	/* room for the names appended to it */
	char image[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmpdir = getenv("TMPDIR");
	int fd;

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/test_devinfo.XXXXXX", tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(fx->dir))
		goto fail;
	snprintf(fx->image, sizeof(fx->image), "%s/disk.img", fx->dir);
	fd = open(fx->image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (ftruncate(fd, IMAGE_SIZE) < 0) {
		close(fd);
		goto fail;
	}
	close(fd);
	*state = fx;
	return 0;
fail:
	free(fx);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->image);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void test_image_file(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;

	assert_int_equal(devinfo_get(fx->image, &info), 0);
	assert_false(info.is_block);
	assert_false(info.is_partition);
	assert_null(info.name);
	assert_string_equal(info.path, fx->image);
	assert_non_null(info.transport);
	assert_string_equal(info.transport, "file");
	assert_int_equal(info.size, IMAGE_SIZE);
	assert_int_equal(info.lbs, 512);
	assert_true(info.pbs >= 512);
	assert_int_equal(info.rotational, -1);
	assert_int_equal(info.removable, -1);
	assert_null(info.model);
	assert_null(info.serial);
	devinfo_free(&info);
	assert_null(info.path);
	/* a second free must be harmless: callers free on every path out */
	devinfo_free(&info);
}

static void test_missing(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/no-such-disk", fx->dir);
	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(devinfo_get(path, &info), -ENOENT);
	assert_null(info.path);
	assert_null(info.transport);
}

static void test_not_a_disk(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;

	assert_int_equal(devinfo_get(fx->dir, &info), -ENOTBLK);
	/* a character device is no disk either */
	if (access("/dev/null", F_OK) == 0)
		assert_int_equal(devinfo_get("/dev/null", &info), -ENOTBLK);
}

static void test_image_not_in_use(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;
	struct dev_usage u;

	assert_int_equal(devinfo_get(fx->image, &info), 0);
	memset(&u, 0xff, sizeof(u));
	assert_int_equal(devinfo_usage(&info, &u), 0);
	assert_false(devinfo_in_use(&u));
	assert_false(u.mounted);
	assert_false(u.swap);
	assert_false(u.holders);
	assert_false(u.system);
	assert_string_equal(u.why, "");
	devinfo_free(&info);
}

static void test_list(void **state)
{
	struct dev_info *list;
	char path[PATH_MAX];
	size_t n, i;

	(void)state;
	assert_int_equal(devinfo_list(&list, &n), 0);
	for (i = 0; i < n; i++) {
		assert_true(list[i].is_block);
		assert_false(list[i].is_partition);
		assert_non_null(list[i].name);
		assert_true(list[i].size > 0);
		assert_true(list[i].lbs >= 512);
		assert_true(list[i].pbs >= list[i].lbs);
		assert_int_equal(strncmp(list[i].name, "ram", 3) != 0, 1);
		snprintf(path, sizeof(path), "/dev/%s", list[i].name);
		if (!strchr(list[i].name, '!'))
			assert_string_equal(list[i].path, path);
		if (i > 0)
			assert_true(strverscmp(list[i - 1].name, list[i].name) < 0);
	}
	devinfo_list_free(list, n);
}

/* Whatever disk holds / (none under overlay or btrfs) must be reported as the system disk. */
static void test_system_disk(void **state)
{
	struct dev_info *list, info;
	struct dev_usage u;
	struct stat root;
	size_t n, i;
	bool seen = false;

	(void)state;
	assert_int_equal(stat("/", &root), 0);
	assert_int_equal(devinfo_list(&list, &n), 0);
	for (i = 0; i < n; i++) {
		if (list[i].major != major(root.st_dev) || list[i].minor != minor(root.st_dev))
			continue;
		seen = true;
		assert_int_equal(devinfo_usage(&list[i], &u), 0);
		assert_true(u.system);
		assert_true(devinfo_in_use(&u));
		assert_non_null(strstr(u.why, "root file system"));
		/* the same device reached through its node agrees with the listing */
		if (devinfo_get(list[i].path, &info) == 0) {
			assert_string_equal(info.name, list[i].name);
			assert_int_equal(info.size, list[i].size);
			devinfo_free(&info);
		}
	}
	devinfo_list_free(list, n);
	if (!seen)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_file),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_not_a_disk),
		cmocka_unit_test(test_image_not_in_use),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_system_disk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
