// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysfs attribute readers. The root is settable so that the unit tests can
 * build a small /sys of their own with known disks, holders and loop
 * devices, and check exact answers.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sysfs.h"

#define SYSFS_DEFAULT "/sys"

static char root[PATH_MAX - 64] = SYSFS_DEFAULT;

void sysfs_set_root(const char *dir)
{
	if (!dir || !*dir)
		dir = SYSFS_DEFAULT;
	if (strlen(dir) >= sizeof(root))
		return;
	strcpy(root, dir);
}

const char *sysfs_root(void)
{
	return root;
}

int sysfs_path(char *buf, size_t len, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", root, rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sysfs_read(const char *dir, const char *attr, char *buf, size_t len, size_t *got)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, r = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	buf[n] = '\0';
	if (got)
		*got = (size_t)n;
out:
	close(fd);
	return r;
}

bool sysfs_has(const char *dir, const char *attr)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

char *sysfs_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int sysfs_str(const char *dir, const char *attr, char **out)
{
	char buf[512], *s;

	if (*out || sysfs_read(dir, attr, buf, sizeof(buf), NULL) < 0)
		return 0;
	s = sysfs_trim(buf);
	if (!*s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

int sysfs_u64(const char *dir, const char *attr, uint64_t *out)
{
	char buf[64], *end;
	unsigned long long v;
	int r;

	r = sysfs_read(dir, attr, buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	*out = v;
	return 0;
}

int sysfs_devno(const char *dir, dev_t *out)
{
	char buf[64];
	unsigned int ma, mi;
	int r;

	r = sysfs_read(dir, "dev", buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	if (sscanf(buf, "%u:%u", &ma, &mi) != 2)
		return -EINVAL;
	*out = makedev(ma, mi);
	return 0;
}

static int resolve(const char *rel, char *dir)
{
	char link[PATH_MAX];
	int r = sysfs_path(link, sizeof(link), rel);

	if (r < 0)
		return r;
	if (!realpath(link, dir))
		return -errno;
	return 0;
}

int sysfs_dev_dir(dev_t devno, char *dir)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "dev/block/%u:%u", major(devno), minor(devno));
	return resolve(rel, dir);
}

int sysfs_block_dir(const char *name, char *dir)
{
	char rel[NAME_MAX + 32];

	if (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".") || !*name)
		return -EINVAL;
	if (snprintf(rel, sizeof(rel), "class/block/%s", name) >= (int)sizeof(rel))
		return -ENAMETOOLONG;
	return resolve(rel, dir);
}

static int dmi_dir(char *dir, size_t len)
{
#ifdef KESU_TEST_HOOKS
	const char *fake = getenv("KESU_TEST_DMI_ROOT");

	if (fake && *fake) {
		int n = snprintf(dir, len, "%s/class/dmi/id", fake);

		return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
	}
#endif
	return sysfs_path(dir, len, "class/dmi/id");
}

int sysfs_dmi_read(struct sysfs_dmi *dmi)
{
	char dir[PATH_MAX];
	int r;

	*dmi = (struct sysfs_dmi){ 0 };
	if (dmi_dir(dir, sizeof(dir)) < 0)
		return 0;
	r = sysfs_str(dir, "sys_vendor", &dmi->manufacturer);
	if (!r)
		r = sysfs_str(dir, "product_name", &dmi->product);
	if (!r)
		r = sysfs_str(dir, "product_serial", &dmi->serial);
	if (!r)
		r = sysfs_str(dir, "product_uuid", &dmi->uuid);
	if (!r)
		r = sysfs_str(dir, "chassis_asset_tag", &dmi->asset_tag);
	if (r)
		sysfs_dmi_free(dmi);
	return r;
}

void sysfs_dmi_free(struct sysfs_dmi *dmi)
{
	free(dmi->manufacturer);
	free(dmi->product);
	free(dmi->serial);
	free(dmi->uuid);
	free(dmi->asset_tag);
	*dmi = (struct sysfs_dmi){ 0 };
}
