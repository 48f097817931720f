// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devinfo on what needs no root: image files, missing paths, content probing
 * through a descriptor, and the listing of a fake /sys tree with known disks
 * (sysfs_set_root), checked entry by entry. Real loop devices are covered by
 * tests/cli/devices.sh.
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
#include "sysfs.h"

#define IMAGE_SIZE (1024 * 1024 + 4096)

struct fixture {
	char dir[PATH_MAX - 32]; /* room for the names appended to it */
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

static void test_image_read_only_flag(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;

	assert_int_equal(devinfo_get(fx->image, &info), 0);
	/* the scratch directory is on a writable file system */
	assert_int_equal(info.read_only, 0);
	assert_null(info.content);
	devinfo_free(&info);
}

/* An MBR with one Linux partition: what libblkid calls "dos". */
static void write_mbr(const char *path)
{
	unsigned char mbr[512] = { 0 };
	unsigned char *e = mbr + 446;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	e[4] = 0x83;		    /* Linux */
	e[8] = 0x08;		    /* first LBA 2048, little-endian */
	e[12] = 0x00, e[13] = 0x01; /* 256 sectors */
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	assert_int_equal(pwrite(fd, mbr, sizeof(mbr), 0), sizeof(mbr));
	close(fd);
}

static void test_probe_content_fd(void **state)
{
	struct fixture *fx = *state;
	struct dev_info info;
	int fd;

	assert_int_equal(devinfo_get(fx->image, &info), 0);
	assert_null(info.content);

	/* the caller's descriptor may be write-only; its offset must not move */
	write_mbr(fx->image);
	fd = open(fx->image, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 12345, SEEK_SET), 12345);
	assert_int_equal(devinfo_probe_content(&info, fd), 0);
	assert_non_null(info.content);
	assert_string_equal(info.content, "dos");
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 12345);

	/* what was there is replaced: blank media have no content */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(ftruncate(fd, IMAGE_SIZE), 0);
	assert_int_equal(devinfo_probe_content(&info, fd), 0);
	assert_null(info.content);

	/* a bad descriptor gives no content and no error */
	info.content = strdup("stale");
	assert_int_equal(devinfo_probe_content(&info, -1), 0);
	assert_null(info.content);
	close(fd);
	devinfo_free(&info);
}

static void test_node_path(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(devinfo_node_path("sda", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/sda");
	assert_int_equal(devinfo_node_path("cciss!c0d0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/cciss/c0d0");
	assert_int_equal(devinfo_node_path("a-name-longer-than-the-buffer-is", buf, sizeof(buf)),
			 -ENAMETOOLONG);
}

/* ---- a fake /sys ---- */

#define ATA "devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block"
#define NVME "devices/pci0000:00/0000:00:1d.0/nvme/nvme0"

/* The SCSI unit serial number page: 4-byte header, then the padded serial. */
static const char vpd80[] = "\x00\x80\x00\x0c  WD-123456 ";

static int fake_setup(void **state)
{
	char *root = calloc(1, PATH_MAX);

	if (!root || fakesys_create(root) < 0)
		return -1;
	/* a SATA disk, 4K physical sectors, rotational, with a partition */
	if (fakesys_disk(root, ATA, "sdq", 8, 224, 4194304) ||
	    fakesys_attr(root, "sdq", "queue/physical_block_size", "4096\n") ||
	    fakesys_attr(root, "sdq", "queue/rotational", "1\n") ||
	    fakesys_attr(root, "sdq", "device/model", "KESU TEST DISK  \n") ||
	    fakesys_attr(root, "sdq", "device/rev", "1.0\n") ||
	    fakesys_part(root, "sdq", "sdq1", 8, 225, 2048))
		return -1;
	{
		char path[PATH_MAX];
		FILE *f;

		snprintf(path, sizeof(path), "%s/" ATA "/sdq/device/vpd_pg80", root);
		f = fopen(path, "we");
		if (!f || fwrite(vpd80, 1, sizeof(vpd80) - 1, f) != sizeof(vpd80) - 1 || fclose(f))
			return -1;
	}
	/* an NVMe namespace, and a hidden multipath node of it */
	if (fakesys_disk(root, NVME, "nvme0n1", 259, 200, 1000215216) ||
	    fakesys_attr(root, "nvme0n1", "device/model", "KESU NVME\n") ||
	    fakesys_attr(root, "nvme0n1", "device/serial", "S4EVNX0R\n") ||
	    fakesys_attr(root, "nvme0n1", "device/firmware_rev", "2B2QEXM7\n") ||
	    fakesys_attr(root, "nvme0n1", "wwid", "eui.0025385b71b0dd2e\n") ||
	    fakesys_disk(root, NVME, "nvme0c0n1", 259, 201, 1000215216) ||
	    fakesys_attr(root, "nvme0c0n1", "hidden", "1\n"))
		return -1;
	/* loop devices: 9 and 10 sort by number; 211 is unbound; 210 is read-only 4K */
	if (fakesys_disk(root, NULL, "loop9", 7, 9, 2048) ||
	    fakesys_attr(root, "loop9", "loop/backing_file", "/srv/nine.img\n") ||
	    fakesys_disk(root, NULL, "loop10", 7, 10, 4096) ||
	    fakesys_attr(root, "loop10", "loop/backing_file", "/srv/ten.img\n") ||
	    fakesys_disk(root, NULL, "loop210", 7, 210, 131072) ||
	    fakesys_attr(root, "loop210", "loop/backing_file", "/srv/ro.img\n") ||
	    fakesys_attr(root, "loop210", "ro", "1\n") ||
	    fakesys_attr(root, "loop210", "queue/logical_block_size", "4096\n") ||
	    fakesys_attr(root, "loop210", "queue/physical_block_size", "4096\n") ||
	    fakesys_disk(root, NULL, "loop211", 7, 211, 0))
		return -1;
	/* a RAM disk, an empty virtio slot, and a name with a '/' in it */
	if (fakesys_disk(root, NULL, "ram0", 1, 0, 8192) ||
	    fakesys_disk(root, NULL, "vdz", 254, 200, 0) ||
	    fakesys_disk(root, NULL, "cciss!c0d0", 104, 0, 1024) ||
	    fakesys_attr(root, "cciss!c0d0", "removable", "1\n"))
		return -1;
	sysfs_set_root(root);
	*state = root;
	return 0;
}

static int fake_teardown(void **state)
{
	sysfs_set_root(NULL);
	fakesys_destroy(*state);
	free(*state);
	return 0;
}

static void assert_str(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

struct want {
	const char *name, *path, *model, *serial, *wwn, *firmware, *transport;
	unsigned major, minor;
	uint64_t size;
	uint32_t lbs, pbs;
	int rotational, removable, read_only;
};

static void assert_entry(const struct dev_info *got, const struct want *w)
{
	assert_str(got->name, w->name);
	assert_str(got->path, w->path);
	assert_str(got->model, w->model);
	assert_str(got->serial, w->serial);
	assert_str(got->wwn, w->wwn);
	assert_str(got->firmware, w->firmware);
	assert_str(got->transport, w->transport);
	assert_int_equal(got->major, w->major);
	assert_int_equal(got->minor, w->minor);
	assert_int_equal(got->size, w->size);
	assert_int_equal(got->lbs, w->lbs);
	assert_int_equal(got->pbs, w->pbs);
	assert_int_equal(got->rotational, w->rotational);
	assert_int_equal(got->removable, w->removable);
	assert_int_equal(got->read_only, w->read_only);
	assert_true(got->is_block);
	assert_false(got->is_partition);
	/* listing reads sysfs only */
	assert_null(got->content);
}

static const struct want cciss = { "cciss!c0d0",
				   "/dev/cciss/c0d0",
				   NULL,
				   NULL,
				   NULL,
				   NULL,
				   NULL,
				   104,
				   0,
				   1024 * 512,
				   512,
				   512,
				   0,
				   1,
				   0 };
static const struct want loop9 = { "loop9", "/dev/loop9", NULL, NULL, NULL, NULL, "loop", 7,
				   9,	    2048 * 512,	  512,	512,  0,    0,	  0 };
static const struct want loop10 = { "loop10", "/dev/loop10", NULL, NULL, NULL, NULL, "loop", 7,
				    10,	      4096 * 512,    512,  512,	 0,    0,    0 };
static const struct want loop210 = { "loop210", "/dev/loop210",	 NULL, NULL, NULL, NULL, "loop", 7,
				     210,	131072ull * 512, 4096, 4096, 0,	   0,	 1 };
static const struct want loop211 = {
	"loop211", "/dev/loop211", NULL, NULL, NULL, NULL, "loop", 7, 211, 0, 512, 512, 0, 0, 0
};
static const struct want nvme = { "nvme0n1",
				  "/dev/nvme0n1",
				  "KESU NVME",
				  "S4EVNX0R",
				  "eui.0025385b71b0dd2e",
				  "2B2QEXM7",
				  "nvme",
				  259,
				  200,
				  1000215216ull * 512,
				  512,
				  512,
				  0,
				  0,
				  0 };
static const struct want ram0 = { "ram0", "/dev/ram0", NULL, NULL, NULL, NULL, NULL, 1,
				  0,	  8192 * 512,  512,  512,  0,	 0,    0 };
static const struct want sdq = {
	"sdq", "/dev/sdq", "KESU TEST DISK", "WD-123456", NULL, "1.0", "sata",
	8,     224,	   4194304ull * 512, 512,	  4096, 1,     0,
	0
};
static const struct want vdz = { "vdz", "/dev/vdz", NULL, NULL, NULL, NULL, "virtio", 254,
				 200,	0,	    512,  512,	0,    0,    0 };

static void test_list(void **state)
{
	const struct want *const want[] = { &cciss, &loop9, &loop10, &loop210, &nvme, &sdq };
	struct dev_info *list;
	size_t n, i;

	(void)state;
	assert_int_equal(devinfo_list(&list, &n), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++)
		assert_entry(&list[i], want[i]);
	devinfo_list_free(list, n);
}

static void test_list_all(void **state)
{
	const struct want *const want[] = { &cciss, &loop9, &loop10, &loop210, &loop211,
					    &nvme,  &ram0,  &sdq,    &vdz };
	struct dev_info *list;
	size_t n, i;

	(void)state;
	assert_int_equal(devinfo_list_flags(&list, &n, DEVINFO_LIST_ALL), 0);
	/* the hidden multipath node stays out even with --all */
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++)
		assert_entry(&list[i], want[i]);
	devinfo_list_free(list, n);
}

static void test_list_no_sys(void **state)
{
	struct dev_info dummy, *list = &dummy;
	char dir[PATH_MAX];
	size_t n = 7;

	snprintf(dir, sizeof(dir), "%s/nowhere", (char *)*state);
	sysfs_set_root(dir);
	assert_int_equal(devinfo_list(&list, &n), -ENOENT);
	assert_null(list);
	assert_int_equal(n, 0);
	sysfs_set_root(*state);
}

/*
 * devinfo_get() on a real node reads its sysfs entry under the root too: a
 * partition made read-only by its disk, found through the node's MAJ:MIN.
 */
static void test_get_partition_read_only(void **state)
{
	const char *root = *state;
	struct dev_info info;
	struct stat st;

	if (stat("/dev/loop0", &st) < 0 || !S_ISBLK(st.st_mode))
		skip();
	assert_int_equal(fakesys_disk(root, NULL, "kesuro", 240, 0, 4096), 0);
	assert_int_equal(fakesys_attr(root, "kesuro", "ro", "1\n"), 0);
	assert_int_equal(fakesys_part(root, "kesuro", "kesuro1", major(st.st_rdev),
				      minor(st.st_rdev), 1024),
			 0);
	assert_int_equal(devinfo_get("/dev/loop0", &info), 0);
	assert_string_equal(info.name, "kesuro1");
	assert_true(info.is_partition);
	assert_int_equal(info.size, 1024 * 512);
	assert_int_equal(info.read_only, 1);
	devinfo_free(&info);
	/* its own flag, the disk writable */
	assert_int_equal(fakesys_attr(root, "kesuro", "ro", "0\n"), 0);
	assert_int_equal(fakesys_attr(root, "kesuro1", "ro", "1\n"), 0);
	assert_int_equal(devinfo_get("/dev/loop0", &info), 0);
	assert_int_equal(info.read_only, 1);
	devinfo_free(&info);
	assert_int_equal(fakesys_attr(root, "kesuro1", "ro", "0\n"), 0);
	assert_int_equal(devinfo_get("/dev/loop0", &info), 0);
	assert_int_equal(info.read_only, 0);
	devinfo_free(&info);
}

int main(void)
{
	const struct CMUnitTest files[] = {
		cmocka_unit_test(test_image_file),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_not_a_disk),
		cmocka_unit_test(test_image_read_only_flag),
		cmocka_unit_test(test_probe_content_fd),
		cmocka_unit_test(test_node_path),
	};
	const struct CMUnitTest fake[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_all),
		cmocka_unit_test(test_list_no_sys),
		cmocka_unit_test(test_get_partition_read_only),
	};
	int failed = cmocka_run_group_tests_name("files", files, setup, teardown);

	return failed + cmocka_run_group_tests_name("fake sysfs", fake, fake_setup, fake_teardown);
}
