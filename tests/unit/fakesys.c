// SPDX-License-Identifier: GPL-2.0-or-later
/* A fake /sys tree for the unit tests of sysfs, devinfo and inuse. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakesys.h"

/* snprintf() that says when the path did not fit */
static int fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ROOT/@rel into @path (PATH_MAX bytes), with the directories above it made. */
static int make_path(const char *root, const char *rel, char *path)
{
	if (fmt(path, PATH_MAX, "%s/%s", root, rel))
		return -ENAMETOOLONG;
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

int fakesys_create(char *root)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, PATH_MAX - 64, "%s/fakesys.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(root) ? 0 : -errno;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void fakesys_destroy(const char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fakesys_write(const char *root, const char *rel, const char *value)
{
	char path[PATH_MAX];
	FILE *f;
	int r = make_path(root, rel, path);

	if (r < 0)
		return r;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fputs(value, f);
	return fclose(f) == 0 ? 0 : -errno;
}

/* ROOT/@rel -> @target, relative to the link's directory as the kernel writes them. */
static int link_to(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX], up[PATH_MAX] = "";
	int r = make_path(root, rel, path);

	if (r < 0)
		return r;
	for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/'))
		strcat(up, "../");
	strcat(up, target);
	return symlink(up, path) == 0 ? 0 : -errno;
}

static int device_links(const char *root, const char *name, const char *dir, unsigned maj,
			unsigned min)
{
	char rel[PATH_MAX], num[32];
	int r;

	if (fmt(rel, sizeof(rel), "class/block/%s", name))
		return -ENAMETOOLONG;
	r = link_to(root, rel, dir);
	if (fmt(num, sizeof(num), "%u:%u", maj, min))
		return -ENAMETOOLONG;
	if (fmt(rel, sizeof(rel), "dev/block/%s", num))
		return -ENAMETOOLONG;
	if (r == 0)
		r = link_to(root, rel, dir);
	if (fmt(rel, sizeof(rel), "%s/dev", dir))
		return -ENAMETOOLONG;
	strcat(num, "\n");
	return r ? r : fakesys_write(root, rel, num);
}

static int write_attrs(const char *root, const char *dir, const char *const *kv)
{
	char rel[PATH_MAX];
	int r = 0;

	for (; *kv && r == 0; kv += 2) {
		if (fmt(rel, sizeof(rel), "%s/%s", dir, kv[0]))
			return -ENAMETOOLONG;
		r = fakesys_write(root, rel, kv[1]);
	}
	return r;
}

int fakesys_disk(const char *root, const char *parent, const char *name, unsigned maj, unsigned min,
		 uint64_t sectors)
{
	char dir[PATH_MAX], rel[PATH_MAX], size[32];
	const char *const attrs[] = {
		"size",
		size,
		"ro",
		"0\n",
		"removable",
		"0\n",
		"queue/logical_block_size",
		"512\n",
		"queue/physical_block_size",
		"512\n",
		"queue/rotational",
		"0\n",
		NULL,
	};
	int r;

	if (fmt(dir, sizeof(dir), "%s/%s", parent ? parent : FAKESYS_VIRTUAL, name))
		return -ENAMETOOLONG;
	if (fmt(size, sizeof(size), "%llu\n", (unsigned long long)sectors))
		return -ENAMETOOLONG;
	r = write_attrs(root, dir, attrs);
	if (r == 0)
		r = device_links(root, name, dir, maj, min);
	if (fmt(rel, sizeof(rel), "block/%s", name))
		return -ENAMETOOLONG;
	return r ? r : link_to(root, rel, dir);
}

/* The directory of block device @name, relative to ROOT. */
static int device_dir(const char *root, const char *name, char *rel, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];

	if (fmt(link, sizeof(link), "%s/class/block/%s", root, name))
		return -ENAMETOOLONG;
	if (!realpath(link, real) || !realpath(root, link))
		return -errno;
	if (strncmp(real, link, strlen(link)))
		return -EINVAL;
	if (fmt(rel, len, "%s", real + strlen(link) + 1))
		return -ENAMETOOLONG;
	return 0;
}

int fakesys_part(const char *root, const char *disk, const char *name, unsigned maj, unsigned min,
		 uint64_t sectors)
{
	char dir[PATH_MAX], ddir[PATH_MAX], size[32];
	const char *const attrs[] = { "size", size, "ro", "0\n", "partition", "1\n", NULL };
	int r = device_dir(root, disk, ddir, sizeof(ddir));

	if (r < 0)
		return r;
	if (fmt(dir, sizeof(dir), "%s/%s", ddir, name))
		return -ENAMETOOLONG;
	if (fmt(size, sizeof(size), "%llu\n", (unsigned long long)sectors))
		return -ENAMETOOLONG;
	r = write_attrs(root, dir, attrs);
	return r ? r : device_links(root, name, dir, maj, min);
}

int fakesys_attr(const char *root, const char *name, const char *attr, const char *value)
{
	char dir[PATH_MAX], rel[PATH_MAX];
	int r = device_dir(root, name, dir, sizeof(dir));

	if (r < 0)
		return r;
	if (fmt(rel, sizeof(rel), "%s/%s", dir, attr))
		return -ENAMETOOLONG;
	return fakesys_write(root, rel, value);
}

int fakesys_holder(const char *root, const char *lower, const char *upper)
{
	char ldir[PATH_MAX], udir[PATH_MAX], rel[PATH_MAX];
	int r = device_dir(root, lower, ldir, sizeof(ldir));

	if (r == 0)
		r = device_dir(root, upper, udir, sizeof(udir));
	if (r < 0)
		return r;
	if (fmt(rel, sizeof(rel), "%s/holders/%s", ldir, upper))
		return -ENAMETOOLONG;
	r = link_to(root, rel, udir);
	if (fmt(rel, sizeof(rel), "%s/slaves/%s", udir, lower))
		return -ENAMETOOLONG;
	return r ? r : link_to(root, rel, ldir);
}
