// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device identity from sysfs, and the checks that tell whether a device is
 * in use (mounted, swap, held by dm/md, holding / or /boot) before anything
 * destructive touches it.
 *
 * sysfs is read rather than opening the device: opening a removable drive
 * or a tape can have side effects, and listing must work on devices that
 * are busy under O_EXCL.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid.h>

#include "devinfo.h"
#include "log.h"

#define SYS_BLOCK "/sys/block"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Read at most @len - 1 bytes of @dir/@attr into @buf, NUL-terminated. */
static int read_attr(const char *dir, const char *attr, char *buf, size_t len, size_t *got)
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

static bool sysfs_has(const char *dir, const char *attr)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/*
 * Set *@out from a text attribute. A missing or blank attribute leaves *@out
 * alone, and so does an earlier hit, so that callers can try several places
 * in turn. Return: 0 or -ENOMEM.
 */
static int sysfs_str(const char *dir, const char *attr, char **out)
{
	char buf[512], *s;

	if (*out || read_attr(dir, attr, buf, sizeof(buf), NULL) < 0)
		return 0;
	s = trim(buf);
	if (!*s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int sysfs_u64(const char *dir, const char *attr, uint64_t *out)
{
	char buf[64], *end;
	unsigned long long v;
	int r;

	r = read_attr(dir, attr, buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	*out = v;
	return 0;
}

static int sysfs_devno(const char *dir, dev_t *out)
{
	char buf[64];
	unsigned int ma, mi;
	int r;

	r = read_attr(dir, "dev", buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	if (sscanf(buf, "%u:%u", &ma, &mi) != 2)
		return -EINVAL;
	*out = makedev(ma, mi);
	return 0;
}

/*
 * SCSI and libata disks expose the unit serial number only as the raw VPD
 * page 0x80: a 4-byte header whose last two bytes give the length.
 */
static int vpd_serial(const char *devdir, char **out)
{
	unsigned char page[512];
	char serial[sizeof(page)], *s;
	size_t got, len;

	if (*out || read_attr(devdir, "vpd_pg80", (char *)page, sizeof(page), &got) < 0 || got < 4)
		return 0;
	len = (size_t)page[2] << 8 | page[3];
	if (len > got - 4)
		len = got - 4;
	memcpy(serial, page + 4, len);
	serial[len] = '\0';
	s = trim(serial);
	if (!*s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* Where each identity string may live, in order of preference. */
static const struct {
	bool in_device;		/* under DISK/device rather than DISK */
	const char *attr;
	size_t field;
	const char *only;	/* kernel-name prefix the attribute is meaningful for */
} id_attrs[] = {
	{ true, "model", offsetof(struct dev_info, model), NULL },	  /* SCSI, NVMe */
	{ true, "name", offsetof(struct dev_info, model), "mmcblk" },	  /* MMC */
	{ false, "serial", offsetof(struct dev_info, serial), NULL },	  /* virtio-blk */
	{ true, "serial", offsetof(struct dev_info, serial), NULL },	  /* NVMe, MMC */
	{ false, "wwid", offsetof(struct dev_info, wwn), NULL },	  /* NVMe namespace */
	{ true, "wwid", offsetof(struct dev_info, wwn), NULL },		  /* SCSI */
	{ true, "firmware_rev", offsetof(struct dev_info, firmware), NULL }, /* NVMe */
	{ true, "rev", offsetof(struct dev_info, firmware), NULL },	  /* SCSI */
	{ true, "fwrev", offsetof(struct dev_info, firmware), "mmcblk" }, /* MMC */
};

static int fill_identity(struct dev_info *info, const char *disk)
{
	char devdir[PATH_MAX];
	size_t i;
	int r;

	/* loop, zram, dm and md have no device link: nothing to identify */
	if (snprintf(devdir, sizeof(devdir), "%s/device", disk) >= (int)sizeof(devdir))
		return 0;
	for (i = 0; i < sizeof(id_attrs) / sizeof(id_attrs[0]); i++) {
		char **field = (char **)((char *)info + id_attrs[i].field);

		if (id_attrs[i].only && !has_prefix(info->name, id_attrs[i].only))
			continue;
		r = sysfs_str(id_attrs[i].in_device ? devdir : disk, id_attrs[i].attr, field);
		if (r < 0)
			return r;
	}
	return vpd_serial(devdir, &info->serial);
}

/* @disk is a resolved sysfs path such as /sys/devices/pci.../block/sda */
static const char *guess_transport(const char *name, const char *disk)
{
	if (has_prefix(name, "nvme"))
		return "nvme";
	if (has_prefix(name, "loop"))
		return "loop";
	if (has_prefix(name, "mmcblk"))
		return "mmc";
	if (has_prefix(name, "vd"))
		return "virtio";
	if (strstr(disk, "/usb"))
		return "usb";
	if (has_prefix(name, "sd") || has_prefix(name, "sr")) {
		if (strstr(disk, "/ata"))
			return "sata";
		if (strstr(disk, "/end_device-") || sysfs_has(disk, "device/sas_address"))
			return "sas";
		return "scsi";
	}
	if (has_prefix(name, "dm-"))
		return "dm";
	if (has_prefix(name, "md"))
		return "md";
	if (has_prefix(name, "nbd"))
		return "nbd";
	if (has_prefix(name, "zram"))
		return "zram";
	return NULL;
}

/* @dir is the resolved sysfs directory of the disk or partition */
static int fill_block(struct dev_info *info, const char *dir, dev_t devno)
{
	char disk[PATH_MAX];
	const char *tran;
	uint64_t v;

	info->is_block = true;
	info->major = major(devno);
	info->minor = minor(devno);
	info->name = strdup(strrchr(dir, '/') + 1);
	if (!info->name)
		return -ENOMEM;

	/* a partition has no queue or device of its own: its disk does */
	snprintf(disk, sizeof(disk), "%s", dir);
	info->is_partition = sysfs_has(dir, "partition");
	if (info->is_partition)
		*strrchr(disk, '/') = '\0';

	/* "size" counts 512-byte sectors whatever the logical block size */
	if (sysfs_u64(dir, "size", &v) == 0)
		info->size = v * 512;
	info->lbs = sysfs_u64(disk, "queue/logical_block_size", &v) == 0 ? (uint32_t)v : 512;
	info->pbs = sysfs_u64(disk, "queue/physical_block_size", &v) == 0 ? (uint32_t)v : info->lbs;
	info->rotational = sysfs_u64(disk, "queue/rotational", &v) == 0 ? v != 0 : -1;
	info->removable = sysfs_u64(disk, "removable", &v) == 0 ? v != 0 : -1;

	tran = guess_transport(strrchr(disk, '/') + 1, disk);
	if (tran) {
		info->transport = strdup(tran);
		if (!info->transport)
			return -ENOMEM;
	}
	return fill_identity(info, disk);
}

static int fill_file(struct dev_info *info, const struct stat *st)
{
	info->transport = strdup("file");
	if (!info->transport)
		return -ENOMEM;
	info->size = (uint64_t)st->st_size;
	info->lbs = 512;
	info->pbs = st->st_blksize > 0 ? (uint32_t)st->st_blksize : 4096;
	info->rotational = -1;
	info->removable = -1;
	return 0;
}

/*
 * What is on the medium now, as libblkid sees it: a file system, RAID or
 * LUKS signature, or else a partition table. Shown before the person
 * confirms, and recorded in the report as what was there before. Nothing
 * found, or an unreadable device, leaves it NULL.
 */
static int probe_content(struct dev_info *info, const char *path)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	const char *type = NULL;
	int r = 0;

	if (!pr)
		return 0;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	if (blkid_do_safeprobe(pr) == 0 &&
	    (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 ||
	     blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0) && type && *type) {
		info->content = strdup(type);
		if (!info->content)
			r = -ENOMEM;
	}
	blkid_free_probe(pr);
	return r;
}

/* Resolve /sys/dev/block/MAJ:MIN into @dir (PATH_MAX bytes). */
static int sysfs_dir(dev_t devno, char *dir)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(devno), minor(devno));
	if (!realpath(link, dir))
		return -errno;
	return 0;
}

int devinfo_get(const char *path, struct dev_info *out)
{
	char dir[PATH_MAX];
	struct stat st;
	int r;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		r = sysfs_dir(st.st_rdev, dir);
		if (r < 0) {
			log_dbg("%s: no sysfs entry for %u:%u", path, major(st.st_rdev),
				minor(st.st_rdev));
			goto out;
		}
		r = fill_block(out, dir, st.st_rdev);
	} else if (S_ISREG(st.st_mode)) {
		r = fill_file(out, &st);
	} else {
		return -ENOTBLK;
	}
	if (r < 0)
		goto out;
	r = probe_content(out, path);
	if (r < 0)
		goto out;
	out->path = strdup(path);
	if (!out->path)
		r = -ENOMEM;
out:
	if (r < 0)
		devinfo_free(out);
	return r;
}

void devinfo_free(struct dev_info *info)
{
	if (!info)
		return;
	free(info->path);
	free(info->name);
	free(info->model);
	free(info->serial);
	free(info->wwn);
	free(info->firmware);
	free(info->transport);
	free(info->content);
	memset(info, 0, sizeof(*info));
}

/* ---- in use? ---- */

/* A disk and its partitions: every node whose use makes the disk busy. */
struct node {
	dev_t devno;
	char *sys;		/* resolved sysfs directory */
	char *name;		/* kernel name, points into sys */
};

struct node_set {
	struct node *v;
	size_t n;
};

static void nodes_free(struct node_set *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i].sys);
	free(ns->v);
	ns->v = NULL;
	ns->n = 0;
}

static int nodes_add(struct node_set *ns, const char *sys, dev_t devno)
{
	struct node *v = realloc(ns->v, (ns->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	ns->v = v;
	v[ns->n].devno = devno;
	v[ns->n].sys = strdup(sys);
	if (!v[ns->n].sys)
		return -ENOMEM;
	v[ns->n].name = strrchr(v[ns->n].sys, '/') + 1;
	ns->n++;
	return 0;
}

static int nodes_collect(const struct dev_info *info, struct node_set *ns)
{
	dev_t devno = makedev(info->major, info->minor), pdev;
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = sysfs_dir(devno, dir);
	if (r < 0)
		return r;
	r = nodes_add(ns, dir, devno);
	if (r < 0 || info->is_partition)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		if (!sysfs_has(sub, "partition") || sysfs_devno(sub, &pdev) < 0)
			continue;
		r = nodes_add(ns, sub, pdev);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

static const struct node *nodes_find(const struct node_set *ns, dev_t devno)
{
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].devno == devno)
			return &ns->v[i];
	return NULL;
}

/* The "why" of the first reason found; later reasons keep the flags only. */
static void note(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Undo the octal escapes (\040 for a space) of /proc/self/mountinfo and /proc/swaps. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The block device named by a mount or swap source, if it is one. */
static bool source_devno(const char *src, dev_t *out)
{
	struct stat st;

	if (!src || src[0] != '/' || stat(src, &st) < 0 || !S_ISBLK(st.st_mode))
		return false;
	*out = st.st_rdev;
	return true;
}

/* Mount and swap entries, split at spaces as /proc writes them. */
static size_t split(char *line, char **field, size_t max)
{
	char *save = NULL, *tok;
	size_t n = 0;

	for (tok = strtok_r(line, " \t\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\n", &save))
		field[n++] = tok;
	return n;
}

/*
 * mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER.
 * Btrfs reports an anonymous MAJ:MIN, so the source is compared as well.
 */
static int check_mounts(const struct node_set *ns, struct dev_usage *u, char *sys_why)
{
	char *line = NULL, *f[64];
	size_t cap = 0, n, i;
	unsigned int ma, mi;
	const struct node *hit;
	dev_t devno;
	FILE *fp;

	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return -errno;
	while (getline(&line, &cap, fp) > 0) {
		n = split(line, f, sizeof(f) / sizeof(f[0]));
		if (n < 5 || sscanf(f[2], "%u:%u", &ma, &mi) != 2)
			continue;
		hit = nodes_find(ns, makedev(ma, mi));
		for (i = 5; !hit && i + 2 < n; i++) {
			if (strcmp(f[i], "-"))
				continue;
			unescape(f[i + 2]);
			if (source_devno(f[i + 2], &devno))
				hit = nodes_find(ns, devno);
			break;
		}
		if (!hit)
			continue;
		unescape(f[4]);
		u->mounted = true;
		note(u->why, sizeof(u->why), "/dev/%s is mounted on %s", hit->name, f[4]);
		if (!strcmp(f[4], "/") || !strcmp(f[4], "/boot")) {
			u->system = true;
			note(sys_why, sizeof(u->why), "/dev/%s holds %s", hit->name,
			     strcmp(f[4], "/") ? "/boot" : "the root file system");
		}
	}
	free(line);
	fclose(fp);
	return 0;
}

/*
 * /proc/swaps lists each area by path: match a block device by its number,
 * a swap file by inode (@file, NULL for a block device).
 */
static int check_swaps(const struct node_set *ns, const struct stat *file, const char *path,
		       struct dev_usage *u)
{
	char *line = NULL, *f[2];
	const struct node *hit;
	size_t cap = 0;
	struct stat st;
	FILE *fp;

	fp = fopen("/proc/swaps", "re");
	if (!fp)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, fp) > 0) {
		if (split(line, f, 2) < 1 || f[0][0] != '/')
			continue;
		unescape(f[0]);
		if (stat(f[0], &st) < 0)
			continue;
		if (file && S_ISREG(st.st_mode) && st.st_dev == file->st_dev &&
		    st.st_ino == file->st_ino) {
			u->swap = true;
			note(u->why, sizeof(u->why), "%s is active swap", path);
		} else if (ns && S_ISBLK(st.st_mode) && (hit = nodes_find(ns, st.st_rdev))) {
			u->swap = true;
			note(u->why, sizeof(u->why), "/dev/%s is active swap", hit->name);
		}
	}
	free(line);
	fclose(fp);
	return 0;
}

static int check_holders(const struct node_set *ns, struct dev_usage *u)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	for (size_t i = 0; i < ns->n; i++) {
		snprintf(dir, sizeof(dir), "%s/holders", ns->v[i].sys);
		d = opendir(dir);
		if (!d) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			u->holders = true;
			note(u->why, sizeof(u->why), "/dev/%s is held by %s", ns->v[i].name,
			     de->d_name);
			break;
		}
		closedir(d);
	}
	return 0;
}

/* Also catches / and /boot when mountinfo shows them under another source name. */
static void check_system(const struct node_set *ns, struct dev_usage *u, char *sys_why)
{
	static const char *const dirs[] = { "/", "/boot" };
	const struct node *hit;
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (stat(dirs[i], &st) < 0 || !(hit = nodes_find(ns, st.st_dev)))
			continue;
		u->system = true;
		note(sys_why, sizeof(u->why), "/dev/%s holds %s", hit->name,
		     i ? "/boot" : "the root file system");
	}
}

/* An image file is busy when a loop device is bound to it or it is a swap file. */
static int usage_file(const struct dev_info *info, struct dev_usage *u)
{
	char dir[PATH_MAX], back[PATH_MAX];
	struct stat file, st;
	struct dirent *de;
	char *s;
	DIR *d;

	if (stat(info->path, &file) < 0)
		return -errno;
	d = opendir(SYS_BLOCK);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!has_prefix(de->d_name, "loop"))
			continue;
		snprintf(dir, sizeof(dir), SYS_BLOCK "/%s/loop", de->d_name);
		if (read_attr(dir, "backing_file", back, sizeof(back), NULL) < 0)
			continue;
		s = trim(back);
		if (stat(s, &st) < 0 || st.st_dev != file.st_dev || st.st_ino != file.st_ino)
			continue;
		u->holders = true;
		note(u->why, sizeof(u->why), "%s is the backing file of /dev/%s", info->path,
		     de->d_name);
	}
	closedir(d);
	return check_swaps(NULL, &file, info->path, u);
}

int devinfo_usage(const struct dev_info *info, struct dev_usage *out)
{
	struct node_set ns = { 0 };
	char sys_why[sizeof(out->why)] = "";
	int r;

	memset(out, 0, sizeof(*out));
	if (!info->is_block)
		return usage_file(info, out);

	r = nodes_collect(info, &ns);
	if (r < 0)
		goto out;
	r = check_mounts(&ns, out, sys_why);
	if (r < 0)
		goto out;
	r = check_swaps(&ns, NULL, NULL, out);
	if (r < 0)
		goto out;
	r = check_holders(&ns, out);
	if (r < 0)
		goto out;
	check_system(&ns, out, sys_why);
	/* holding the system outranks every other reason */
	if (sys_why[0])
		memcpy(out->why, sys_why, sizeof(out->why));
out:
	nodes_free(&ns);
	return r;
}

/* ---- listing ---- */

static bool list_skip(const char *name, const char *dir, unsigned int flags)
{
	uint64_t v;

	/* hidden nodes (NVMe multipath paths) have no /dev entry to open */
	if (sysfs_u64(dir, "hidden", &v) == 0 && v)
		return true;
	if (flags & DEVINFO_LIST_ALL)
		return false;
	if (has_prefix(name, "ram"))
		return true;
	if (has_prefix(name, "loop") && !sysfs_has(dir, "loop/backing_file"))
		return true;
	return sysfs_u64(dir, "size", &v) < 0 || v == 0;
}

static int list_one(const char *name, unsigned int flags, struct dev_info *info, bool *skip)
{
	char link[PATH_MAX], dir[PATH_MAX], *p;
	dev_t devno;
	int r;

	memset(info, 0, sizeof(*info));
	*skip = true;
	snprintf(link, sizeof(link), SYS_BLOCK "/%s", name);
	if (!realpath(link, dir) || sysfs_devno(dir, &devno) < 0 || list_skip(name, dir, flags))
		return 0;
	*skip = false;
	r = fill_block(info, dir, devno);
	if (r < 0)
		goto out;
	/* the kernel writes '/' in a device name as '!' (cciss!c0d0) */
	if (asprintf(&info->path, "/dev/%s", name) < 0) {
		info->path = NULL;
		r = -ENOMEM;
		goto out;
	}
	for (p = info->path; *p; p++)
		if (*p == '!')
			*p = '/';
out:
	if (r < 0)
		devinfo_free(info);
	return r;
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

int devinfo_list_flags(struct dev_info **out, size_t *n, unsigned int flags)
{
	struct dirent **ents = NULL;
	struct dev_info *list = NULL, *grown;
	size_t count = 0;
	bool skip;
	int nents, i, r = 0;

	*out = NULL;
	*n = 0;
	/* version order puts loop2 before loop10 */
	nents = scandir(SYS_BLOCK, &ents, not_dot, versionsort);
	if (nents < 0)
		return -errno;
	for (i = 0; i < nents; i++) {
		grown = realloc(list, (count + 1) * sizeof(*list));
		if (!grown) {
			r = -ENOMEM;
			break;
		}
		list = grown;
		r = list_one(ents[i]->d_name, flags, &list[count], &skip);
		if (r < 0)
			break;
		if (!skip)
			count++;
	}
	for (i = 0; i < nents; i++)
		free(ents[i]);
	free(ents);
	if (r < 0) {
		devinfo_list_free(list, count);
		return r;
	}
	*out = list;
	*n = count;
	return 0;
}

int devinfo_list(struct dev_info **out, size_t *n)
{
	return devinfo_list_flags(out, n, 0);
}

void devinfo_list_free(struct dev_info *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		devinfo_free(&list[i]);
	free(list);
}
