// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crypt/media's workflow without a device: the register record built from
 * a crafted device and header, the status of an image file formatted by
 * media_format() (no file system: nothing is activated) and of a plain
 * one, the status JSON of a crafted verdict, mapping names, mkfs run by
 * fork/exec on an image file (its superblock magic read back), and a format
 * whose mkfs or device-mapper is missing refused before the image is touched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "crypt/media.h"
#include "devinfo.h"
#include "luks.h"
#include "secmem.h"

#define MiB (1024 * 1024)

/* an image of @size zero bytes; its path in @path */
static int make_image(char *path, size_t len, off_t size)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/test_media.XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, size)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const char *str(const json_t *doc, const char *key)
{
	return json_string_value(json_object_get(doc, key));
}

static void test_record(void **state)
{
	struct dev_info info = { .path = "/dev/sdz",
				 .serial = "SN\"1",
				 .model = "Stick",
				 .size = 64 * MiB,
				 .lbs = 512 };
	struct luks_info li = { .version = 2,
				.cipher = "aes-xts-plain64",
				.key_bits = 512,
				.sector_size = 4096,
				.uuid = "1b4e28ba-2fa1-11d2-883f-0016d3cca427" };
	struct media_format_req req = { .info = &info,
					.label = "Soumu-07",
					.fs = "exfat",
					.op_name = "Tanaka",
					.who = "root(sudo:tanaka)" };
	struct timespec when = { .tv_sec = 1795000000 };
	json_t *doc = media_record(&req, &li, &when);

	assert_non_null(doc);
	assert_string_equal(str(doc, "format"), "kesu-media/1");
	assert_string_equal(str(doc, "label"), "Soumu-07");
	assert_string_equal(str(doc, "uuid"), li.uuid);
	assert_string_equal(str(doc, "serial"), "SN\"1");
	assert_string_equal(str(doc, "model"), "Stick");
	assert_string_equal(str(doc, "device"), "/dev/sdz");
	assert_int_equal(json_integer_value(json_object_get(doc, "size_bytes")), 64 * MiB);
	assert_string_equal(str(doc, "cipher"), "aes-xts-plain64");
	assert_int_equal(json_integer_value(json_object_get(doc, "key_bits")), 512);
	assert_int_equal(json_integer_value(json_object_get(doc, "sector_size")), 4096);
	assert_string_equal(str(doc, "filesystem"), "exfat");
	assert_string_equal(str(doc, "date"), "2026-11-18T11:06:40Z");
	assert_string_equal(str(doc, "operator"), "Tanaka");
	assert_string_equal(str(doc, "user"), "root(sudo:tanaka)");
	json_decref(doc);

	/* what was not given is null, not an empty string */
	req.label = req.op_name = NULL;
	info.serial = NULL;
	doc = media_record(&req, &li, &when);
	assert_non_null(doc);
	assert_true(json_is_null(json_object_get(doc, "label")));
	assert_true(json_is_null(json_object_get(doc, "operator")));
	assert_true(json_is_null(json_object_get(doc, "serial")));
	json_decref(doc);
}

static void test_format_status(void **state)
{
	char path[PATH_MAX];
	struct dev_info info = { 0 };
	struct media_format_req req = { .label = "unit", .fs = "none", .who = "root" };
	struct media_format_out out;
	struct luks_info *li = calloc(1, sizeof(*li));
	struct media_verdict v;

	assert_non_null(li);
	assert_int_equal(make_image(path, sizeof(path), 20 * MiB), 0);
	/* a plain file is not encrypted: the policy's first question */
	assert_int_equal(media_status(path, li, &v), -EMEDIUMTYPE);

	assert_int_equal(devinfo_get(path, &info), 0);
	req.info = &info;
	media_pbkdf_test(&req.pbkdf);
	assert_int_equal(media_format(&req, "unit passphrase", &out), 0);
	assert_int_equal(out.params.sector_size, 4096);
	assert_int_equal(media_status(path, li, &v), 0);
	assert_string_equal(li->uuid, out.uuid);
	assert_string_equal(li->label, "unit");
	assert_int_equal(li->nslots, 1);
	/* the test cost is below the floor, and the verdict says so */
	assert_false(v.compliant);
	assert_non_null(strstr(v.reasons[0], "memory cost 32 KiB is below the floor"));
	devinfo_free(&info);
	unlink(path);
	free(li);
}

static void test_status_json(void **state)
{
	struct luks_info li = { .version = 2,
				.cipher = "aes-xts-plain64",
				.key_bits = 512,
				.sector_size = 4096,
				.uuid = "u",
				.nslots = 1 };
	struct media_verdict v = { .compliant = false, .nreasons = 2 };
	json_t *doc, *reasons;

	li.slots[0] = (struct luks_keyslot){ .slot = 2,
					     .pbkdf = "argon2id",
					     .iterations = 4,
					     .memory_kb = 65536,
					     .parallel = 1,
					     .key_bits = 512 };
	snprintf(v.reasons[0], sizeof(v.reasons[0]), "first");
	snprintf(v.reasons[1], sizeof(v.reasons[1]), "second \x01");
	doc = media_status_json(&li, &v);
	assert_non_null(doc);
	assert_false(json_is_true(json_object_get(json_object_get(doc, "policy"), "compliant")));
	reasons = json_object_get(json_object_get(doc, "policy"), "reasons");
	assert_int_equal(json_array_size(reasons), 2);
	assert_string_equal(json_string_value(json_array_get(reasons, 0)), "first");
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(doc, "keyslots"), 0), "memory_kb")),
			 65536);
	json_decref(doc);
}

static void test_names(void **state)
{
	char name[MEDIA_NAME_MAX + 2];

	assert_true(media_name_valid("kesu-5955590d"));
	assert_true(media_name_valid("a.b_c-D9"));
	assert_false(media_name_valid(""));
	assert_false(media_name_valid(".hidden"));
	assert_false(media_name_valid("a/b"));
	assert_false(media_name_valid("a b"));
	memset(name, 'x', MEDIA_NAME_MAX);
	name[MEDIA_NAME_MAX] = '\0';
	assert_true(media_name_valid(name));
	name[MEDIA_NAME_MAX] = 'x';
	name[MEDIA_NAME_MAX + 1] = '\0';
	assert_false(media_name_valid(name));
}

static void test_mkfs(void **state)
{
	char path[PATH_MAX];
	uint8_t magic[2] = { 0 };
	int fd;

	if (system("command -v mkfs.ext4 >/dev/null 2>&1")) {
		print_message("mkfs.ext4 missing (apt-get install e2fsprogs): skipped\n");
		skip();
	}
	assert_int_equal(make_image(path, sizeof(path), 8 * MiB), 0);
	assert_int_equal(media_mkfs("ext4", path, "UNIT"), 0);
	/* the ext4 superblock starts at 1024; its magic 0xEF53 at offset 56 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, magic, 2, 1024 + 56), 2);
	close(fd);
	assert_int_equal(magic[0], 0x53);
	assert_int_equal(magic[1], 0xef);
	unlink(path);
}

/* the first 4 KiB of @path are still zero: no LUKS header was begun */
static bool untouched(const char *path)
{
	uint8_t buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool zero = fd >= 0 && pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf);

	for (size_t i = 0; zero && i < sizeof(buf); i++)
		zero = !buf[i];
	if (fd >= 0)
		close(fd);
	return zero;
}

static void test_format_check(void **state)
{
	char path[PATH_MAX], why[192], *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	struct dev_info info = { 0 };
	struct media_format_req req = { .fs = "ext4", .who = "root" };
	struct media_format_out out;
	int dm;

	/* no file system: neither mkfs nor device-mapper is needed */
	assert_int_equal(media_format_check("none", why, sizeof(why)), 0);
	assert_int_equal(make_image(path, sizeof(path), 20 * MiB), 0);
	assert_int_equal(devinfo_get(path, &info), 0);
	req.info = &info;
	media_pbkdf_test(&req.pbkdf);

	/* mkfs.ext4 not in PATH: refused before the header is written */
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(media_format_check("ext4", why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "mkfs.ext4 is not installed"));
	assert_int_equal(media_format(&req, "unit passphrase", &out), -ENOENT);
	assert_int_equal(out.stage, MEDIA_STAGE_CHECK);
	assert_non_null(strstr(out.why, "mkfs.ext4"));
	assert_true(untouched(path));
	if (saved)
		setenv("PATH", saved, 1);
	else
		unsetenv("PATH");
	free(saved);

	/* without device-mapper (the build host has none): refused the same way */
	dm = luks_dm_check(why, sizeof(why));
	if (!dm || system("command -v mkfs.ext4 >/dev/null 2>&1")) {
		print_message("device-mapper present or mkfs.ext4 missing: dm refusal not tried\n");
	} else {
		assert_true(dm == -ENOTSUP || dm == -EACCES);
		assert_non_null(strstr(why, "device-mapper"));
		assert_int_equal(media_format(&req, "unit passphrase", &out), dm);
		assert_int_equal(out.stage, MEDIA_STAGE_CHECK);
		assert_true(untouched(path));
		assert_false(luks_is_luks(path));
	}
	devinfo_free(&info);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),	    cmocka_unit_test(test_format_status),
		cmocka_unit_test(test_status_json), cmocka_unit_test(test_names),
		cmocka_unit_test(test_mkfs),	    cmocka_unit_test(test_format_check),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
