// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inuse on a fake /sys tree (sysfs_set_root): holders, loop devices backed
 * by a disk or an image file, stacks of them, and the sentence that names
 * the whole chain. Mounts and swap come from the running system through
 * libmount; they are covered on real loop devices by tests/cli/devices.sh
 * and tests/cli/erase-stacked.sh, except the root file system, which every
 * machine has.
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
#include "fakesys.h"
#include "inuse.h"
#include "sysfs.h"

#define BIT(r) (1u << (r))

struct fixture {
	char root[PATH_MAX];
	char image[PATH_MAX];
	bool have_rdev; /* a real block node to match by MAJ:MIN */
};

static int loop(const char *root, const char *name, unsigned min, const char *backing)
{
	char line[PATH_MAX + 2];

	snprintf(line, sizeof(line), "%s\n", backing);
	return fakesys_disk(root, NULL, name, 7, min, 2048) ||
	       fakesys_attr(root, name, "loop/backing_file", line);
}

static int make_tree(struct fixture *fx)
{
	const char *r = fx->root;
	struct stat st;

	/* a disk whose partition a device-mapper target holds */
	if (fakesys_disk(r, NULL, "sdq", 8, 224, 4096) ||
	    fakesys_part(r, "sdq", "sdq1", 8, 225, 2048) ||
	    fakesys_disk(r, NULL, "dm-200", 253, 200, 2048) || fakesys_holder(r, "sdq1", "dm-200"))
		return -1;
	/* a multipath-like holder of a whole disk, which its partition shares */
	if (fakesys_disk(r, NULL, "sdr", 8, 240, 4096) ||
	    fakesys_part(r, "sdr", "sdr1", 8, 241, 1024) ||
	    fakesys_disk(r, NULL, "dm-204", 253, 204, 4096) || fakesys_holder(r, "sdr", "dm-204"))
		return -1;
	/* a disk whose second partition is held, the first not */
	if (fakesys_disk(r, NULL, "sds", 65, 0, 4096) ||
	    fakesys_part(r, "sds", "sds1", 65, 1, 1024) ||
	    fakesys_part(r, "sds", "sds2", 65, 2, 1024) ||
	    fakesys_disk(r, NULL, "dm-205", 253, 205, 1024) || fakesys_holder(r, "sds2", "dm-205"))
		return -1;
	/* the image backs loop220, which backs loop221, which backs loop222, held by dm-201 */
	if (loop(r, "loop220", 220, fx->image) || loop(r, "loop221", 221, "/dev/loop220") ||
	    loop(r, "loop222", 222, "/dev/loop221") ||
	    fakesys_disk(r, NULL, "dm-201", 253, 201, 2048) ||
	    fakesys_holder(r, "loop222", "dm-201"))
		return -1;
	/* loop230 backs two: loop231 with nothing on it, loop232 held by dm-202 */
	if (loop(r, "loop230", 230, "/srv/x.img") || loop(r, "loop231", 231, "/dev/loop230") ||
	    loop(r, "loop232", 232, "/dev/loop230") ||
	    fakesys_disk(r, NULL, "dm-202", 253, 202, 2048) ||
	    fakesys_holder(r, "loop232", "dm-202"))
		return -1;
	/* loop240 backs loop241, whose partition dm-203 holds */
	if (loop(r, "loop240", 240, "/srv/y.img") || loop(r, "loop241", 241, "/dev/loop240") ||
	    fakesys_part(r, "loop241", "loop241p1", 259, 241, 1024) ||
	    fakesys_disk(r, NULL, "dm-203", 253, 203, 1024) ||
	    fakesys_holder(r, "loop241p1", "dm-203"))
		return -1;
	/* loop250 is held by the device that holds / (its number taken from the real /) */
	if (stat("/", &st) < 0 || loop(r, "loop250", 250, "/srv/z.img") ||
	    fakesys_disk(r, NULL, "kesuroot", major(st.st_dev), minor(st.st_dev), 2048) ||
	    fakesys_holder(r, "loop250", "kesuroot"))
		return -1;
	/* two loop devices backing each other: a tree no kernel makes must still end */
	if (loop(r, "loop260", 260, "/dev/loop261") || loop(r, "loop261", 261, "/dev/loop260"))
		return -1;
	/* bound to a file, nothing on it */
	if (loop(r, "loop270", 270, "/srv/free.img"))
		return -1;
	/* a loop device names a real node; the disk it reads is found by that node's MAJ:MIN */
	fx->have_rdev = stat("/dev/loop0", &st) == 0 && S_ISBLK(st.st_mode);
	if (fx->have_rdev &&
	    (fakesys_disk(r, NULL, "kesurdev", major(st.st_rdev), minor(st.st_rdev), 2048) ||
	     loop(r, "loop280", 280, "/dev/loop0")))
		return -1;
	return 0;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int fd;

	if (!fx || fakesys_create(fx->root) < 0)
		return -1;
	if (snprintf(fx->image, sizeof(fx->image), "%s/disk.img", fx->root) >=
	    (int)sizeof(fx->image))
		return -1;
	fd = open(fx->image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20) < 0)
		return -1;
	close(fd);
	if (make_tree(fx) < 0)
		return -1;
	sysfs_set_root(fx->root);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sysfs_set_root(NULL);
	fakesys_destroy(fx->root);
	free(fx);
	return 0;
}

/* What inuse_check() reads of a block device: its number and node. */
static struct dev_info blockdev(const char *name, unsigned maj, unsigned min)
{
	static char path[64];
	struct dev_info d = { .is_block = true, .major = maj, .minor = min };

	snprintf(path, sizeof(path), "/dev/%s", name);
	d.path = path;
	d.name = (char *)name;
	return d;
}

/* @held_fd 0: the exclusive probe of a node that is not there is no business of these tests */
static void check(const struct dev_info *d, unsigned flags, enum inuse_reason first,
		  const char *why)
{
	struct inuse u;

	memset(&u, 0xa5, sizeof(u));
	assert_int_equal(inuse_check(d, 0, &u), 0);
	assert_int_equal(u.flags, flags);
	assert_int_equal(u.first, first);
	assert_int_equal(inuse_any(&u), flags != 0);
	if (why)
		assert_string_equal(u.why, why);
}

static void test_codes(void **state)
{
	static const char *const want[] = { "system",  "mounted",      "swap",
					    "holders", "loop-backing", "exclusive" };

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), INUSE_NREASONS);
	for (int r = 0; r < INUSE_NREASONS; r++)
		assert_string_equal(inuse_code((enum inuse_reason)r), want[r]);
	assert_null(inuse_code(INUSE_NREASONS));
	assert_null(inuse_code((enum inuse_reason)(INUSE_NREASONS + 1)));
}

static void test_nothing_on_it(void **state)
{
	struct dev_info d = blockdev("loop270", 7, 270);

	(void)state;
	check(&d, 0, INUSE_NREASONS, "");
}

static void test_holder_of_partition(void **state)
{
	struct dev_info d = blockdev("sdq", 8, 224);

	(void)state;
	check(&d, BIT(INUSE_HOLDERS), INUSE_HOLDERS, "/dev/sdq1 is held by dm-200");
	/* the partition alone, too */
	d = blockdev("sdq1", 8, 225);
	check(&d, BIT(INUSE_HOLDERS), INUSE_HOLDERS, "/dev/sdq1 is held by dm-200");
	/* the holder itself is free */
	d = blockdev("dm-200", 253, 200);
	check(&d, 0, INUSE_NREASONS, "");
}

/* A partition is in use through its disk, not through the other partitions. */
static void test_partition_of_held_disk(void **state)
{
	struct dev_info d = blockdev("sdr1", 8, 241);

	(void)state;
	d.is_partition = true;
	check(&d, BIT(INUSE_HOLDERS), INUSE_HOLDERS, "/dev/sdr is held by dm-204");
	d = blockdev("sds1", 65, 1);
	d.is_partition = true;
	check(&d, 0, INUSE_NREASONS, "");
	d = blockdev("sds", 65, 0);
	check(&d, BIT(INUSE_HOLDERS), INUSE_HOLDERS, "/dev/sds2 is held by dm-205");
}

static void test_loop_chain(void **state)
{
	struct dev_info d = blockdev("loop220", 7, 220);

	(void)state;
	check(&d, BIT(INUSE_LOOP_BACKING), INUSE_LOOP_BACKING,
	      "/dev/loop220 is the backing device of /dev/loop221, which is the backing device "
	      "of /dev/loop222, which is held by dm-201");
	d = blockdev("loop222", 7, 222);
	check(&d, BIT(INUSE_HOLDERS), INUSE_HOLDERS, "/dev/loop222 is held by dm-201");
}

static void test_image_chain(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;
	char why[sizeof(((struct inuse *)0)->why)];

	assert_int_equal(devinfo_get(fx->image, &info), 0);
	/* truncated as inuse.why would be, should TMPDIR be long */
	assert_true(snprintf(why, sizeof(why),
			     "%s is the backing file of /dev/loop220, which is the backing device "
			     "of /dev/loop221, which is the backing device of /dev/loop222, which "
			     "is held by dm-201",
			     fx->image) > 0);
	check(&info, BIT(INUSE_LOOP_BACKING), INUSE_LOOP_BACKING, why);
	devinfo_free(&info);
}

/* Of two loop devices on one disk, the sentence follows the one that leads somewhere. */
static void test_most_telling_chain(void **state)
{
	struct dev_info d = blockdev("loop230", 7, 230);

	(void)state;
	check(&d, BIT(INUSE_LOOP_BACKING), INUSE_LOOP_BACKING,
	      "/dev/loop230 is the backing device of /dev/loop232, which is held by dm-202");
}

static void test_partition_up_the_stack(void **state)
{
	struct dev_info d = blockdev("loop240", 7, 240);

	(void)state;
	check(&d, BIT(INUSE_LOOP_BACKING), INUSE_LOOP_BACKING,
	      "/dev/loop240 is the backing device of /dev/loop241, and /dev/loop241p1 is held by "
	      "dm-203");
}

/* A disk under the root file system is the system disk, however deep. */
static void test_system_up_the_stack(void **state)
{
	struct dev_info d = blockdev("loop250", 7, 250);

	(void)state;
	check(&d, BIT(INUSE_HOLDERS) | BIT(INUSE_SYSTEM), INUSE_SYSTEM,
	      "/dev/loop250 is held by kesuroot, which holds the root file system");
}

static void test_cycle_ends(void **state)
{
	static const char start[] = "/dev/loop260 is the backing device of /dev/loop261, which is "
				    "the backing device of /dev/loop260, which";
	struct dev_info d = blockdev("loop260", 7, 260);
	struct inuse u;

	(void)state;
	check(&d, BIT(INUSE_LOOP_BACKING), INUSE_LOOP_BACKING, NULL);
	assert_int_equal(inuse_check(&d, 0, &u), 0);
	assert_memory_equal(u.why, start, sizeof(start) - 1);
	assert_int_equal(strlen(u.why), sizeof(u.why) - 1);
}

static void test_backing_by_number(void **state)
{
	struct fixture *fx = *state;
	struct dev_info d;
	struct stat st;

	if (!fx->have_rdev)
		skip();
	assert_int_equal(stat("/dev/loop0", &st), 0);
	d = blockdev("kesurdev", major(st.st_rdev), minor(st.st_rdev));
	check(&d, BIT(INUSE_LOOP_BACKING), INUSE_LOOP_BACKING,
	      "/dev/kesurdev is the backing device of /dev/loop280");
}

static void test_missing_device(void **state)
{
	struct dev_info d = blockdev("nosuch", 7, 299);
	struct inuse u;

	(void)state;
	assert_int_equal(inuse_check(&d, 0, &u), -ENOENT);
}

/* ---- on the real /sys ---- */

static void test_image_not_in_use(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;

	sysfs_set_root(NULL);
	assert_int_equal(devinfo_get(fx->image, &info), 0);
	check(&info, 0, INUSE_NREASONS, "");
	devinfo_free(&info);
	sysfs_set_root(fx->root);
}

/* Another open file description holding a lock makes the file busy, unless it is ours. */
static void test_image_locked(void **state)
{
	struct fixture *fx = *state;
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct dev_info info;
	struct inuse u;
	char why[sizeof(u.why)];
	int fd;

	sysfs_set_root(NULL);
	assert_int_equal(devinfo_get(fx->image, &info), 0);
	fd = open(fx->image, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_OFD_SETLK, &lk), 0);
	assert_int_equal(inuse_check(&info, -1, &u), 0);
	assert_int_equal(u.flags, BIT(INUSE_EXCLUSIVE));
	assert_int_equal(u.first, INUSE_EXCLUSIVE);
	assert_true(snprintf(why, sizeof(why), "%s is busy: another program has locked it",
			     fx->image) > 0);
	assert_string_equal(u.why, why);
	/* the caller's own lock: no probe */
	assert_int_equal(inuse_check(&info, fd, &u), 0);
	assert_int_equal(u.flags, 0);
	close(fd);
	assert_int_equal(inuse_check(&info, -1, &u), 0);
	assert_int_equal(u.flags, 0);
	devinfo_free(&info);
	sysfs_set_root(fx->root);
}

/* Whatever disk holds / (none under overlay or btrfs) must be reported as the system disk. */
static void test_system_disk(void **state)
{
	struct fixture *fx = *state;
	struct dev_info *list;
	struct stat root;
	struct inuse u;
	size_t n, i;
	bool seen = false;

	sysfs_set_root(NULL);
	assert_int_equal(stat("/", &root), 0);
	assert_int_equal(devinfo_list(&list, &n), 0);
	for (i = 0; i < n; i++) {
		if (list[i].major != major(root.st_dev) || list[i].minor != minor(root.st_dev))
			continue;
		seen = true;
		assert_int_equal(inuse_check(&list[i], -1, &u), 0);
		assert_true(u.flags & BIT(INUSE_SYSTEM));
		assert_true(u.flags & BIT(INUSE_MOUNTED));
		assert_int_equal(u.first, INUSE_SYSTEM);
		assert_non_null(strstr(u.why, "root file system"));
	}
	devinfo_list_free(list, n);
	sysfs_set_root(fx->root);
	if (!seen)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_nothing_on_it),
		cmocka_unit_test(test_holder_of_partition),
		cmocka_unit_test(test_partition_of_held_disk),
		cmocka_unit_test(test_loop_chain),
		cmocka_unit_test(test_image_chain),
		cmocka_unit_test(test_most_telling_chain),
		cmocka_unit_test(test_partition_up_the_stack),
		cmocka_unit_test(test_system_up_the_stack),
		cmocka_unit_test(test_cycle_ends),
		cmocka_unit_test(test_backing_by_number),
		cmocka_unit_test(test_missing_device),
		cmocka_unit_test(test_image_not_in_use),
		cmocka_unit_test(test_image_locked),
		cmocka_unit_test(test_system_disk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
