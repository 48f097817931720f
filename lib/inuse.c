// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether a device is in use, before anything destructive touches it.
 *
 * A device is in use through what is directly on it (a mount, swap, the
 * running system) and through what is stacked on it: a device-mapper or
 * MD holder, or a loop device it backs. The kernel lists holders in sysfs
 * but not loop devices, which open their backing store like any file, so
 * those are found from each loop device's backing_file. Both are followed
 * up the stack, so that a disk backing a loop device that backs another
 * one that is mounted is reported with the whole chain.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libmount.h>

#include "inuse.h"
#include "log.h"
#include "sysfs.h"

/* Deeper than any real stack; stops a sysfs tree that loops. */
#define STACK_MAX_DEPTH 16

static const char *const codes[INUSE_NREASONS] = {
	[INUSE_SYSTEM] = "system",
	[INUSE_MOUNTED] = "mounted",
	[INUSE_SWAP] = "swap",
	[INUSE_HOLDERS] = "holders",
	[INUSE_LOOP_BACKING] = "loop-backing",
	[INUSE_EXCLUSIVE] = "exclusive",
};

const char *inuse_code(enum inuse_reason r)
{
	return (unsigned)r < INUSE_NREASONS ? codes[r] : NULL;
}

/* One loop device and what it reads from. */
struct loop_dev {
	char *name;    /* kernel name, loop5 */
	char *backing; /* as the kernel shows it: /dev/loop4, /srv/disk.img */
	bool have_st;  /* stat() of @backing worked */
	struct stat st;
};

/* What every check of one inuse_check() call reads, read once. */
struct ctx {
	struct libmnt_table *mounts;
	struct libmnt_table *swaps;
	struct loop_dev *loops;
	size_t nloops;
	struct stat root, boot;
	bool have_root, have_boot;
};

/* A disk and its partitions: every node whose use makes the disk busy. */
struct node {
	dev_t devno;
	char *sys;     /* resolved sysfs directory */
	char path[64]; /* /dev/NAME, for the messages */
};

struct node_set {
	struct node *v;
	size_t n;
};

/*
 * An answer being built. @rank is how telling the "why" of @u.first is:
 * the reason found up the stack (INUSE_NREASONS for nothing), so that of
 * two loop devices on a disk the one that leads to a mount is named.
 */
struct finding {
	struct inuse u;
	enum inuse_reason rank;
};

static void finding_init(struct finding *f)
{
	memset(f, 0, sizeof(*f));
	f->u.first = INUSE_NREASONS;
	f->rank = INUSE_NREASONS;
}

static void note(struct finding *f, enum inuse_reason r, enum inuse_reason rank, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
static void note(struct finding *f, enum inuse_reason r, enum inuse_reason rank, const char *fmt,
		 ...)
{
	va_list ap;

	f->u.flags |= 1u << r;
	if (r > f->u.first || (r == f->u.first && rank >= f->rank))
		return;
	f->u.first = r;
	f->rank = rank;
	va_start(ap, fmt);
	vsnprintf(f->u.why, sizeof(f->u.why), fmt, ap);
	va_end(ap);
}

/* ---- the nodes of a device ---- */

static void nodes_free(struct node_set *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i].sys);
	free(ns->v);
	ns->v = NULL;
	ns->n = 0;
}

static int nodes_add(struct node_set *ns, const char *sys)
{
	struct node *v = realloc(ns->v, (ns->n + 1) * sizeof(*v));
	struct node *n;
	int r;

	if (!v)
		return -ENOMEM;
	ns->v = v;
	n = &v[ns->n];
	r = sysfs_devno(sys, &n->devno);
	if (r < 0)
		return r;
	if (devinfo_node_path(strrchr(sys, '/') + 1, n->path, sizeof(n->path)) < 0)
		return -ENAMETOOLONG;
	n->sys = strdup(sys);
	if (!n->sys)
		return -ENOMEM;
	ns->n++;
	return 0;
}

/*
 * A partition is in use when its whole disk is held or backs a loop device
 * (dm-multipath holds the disk, not its partitions): its disk's node counts,
 * the other partitions do not.
 */
static int with_disk(const char *dir, struct node_set *ns)
{
	char disk[PATH_MAX];

	if (!sysfs_has(dir, "partition"))
		return 0;
	snprintf(disk, sizeof(disk), "%s", dir);
	*strrchr(disk, '/') = '\0';
	return nodes_add(ns, disk);
}

/* @dir: the device's resolved sysfs directory; a disk brings its partitions along. */
static int nodes_collect(const char *dir, struct node_set *ns)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = nodes_add(ns, dir);
	if (r < 0 || sysfs_has(dir, "partition"))
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		if (!sysfs_has(sub, "partition") || !sysfs_has(sub, "dev"))
			continue;
		r = nodes_add(ns, sub);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

/* ---- what is read once ---- */

static void ctx_free(struct ctx *c)
{
	mnt_unref_table(c->mounts);
	mnt_unref_table(c->swaps);
	for (size_t i = 0; i < c->nloops; i++) {
		free(c->loops[i].name);
		free(c->loops[i].backing);
	}
	free(c->loops);
	memset(c, 0, sizeof(*c));
}

static int loop_add(struct ctx *c, const char *name, const char *dir)
{
	char buf[PATH_MAX], *s;
	struct loop_dev *v, *l;

	if (sysfs_read(dir, "loop/backing_file", buf, sizeof(buf), NULL) < 0)
		return 0; /* not bound */
	s = sysfs_trim(buf);
	v = realloc(c->loops, (c->nloops + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->loops = v;
	l = &v[c->nloops];
	memset(l, 0, sizeof(*l));
	l->name = strdup(name);
	l->backing = strdup(s);
	if (!l->name || !l->backing) {
		free(l->name);
		free(l->backing);
		return -ENOMEM;
	}
	l->have_st = stat(s, &l->st) == 0;
	c->nloops++;
	return 0;
}

static int ctx_loops(struct ctx *c)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = sysfs_path(dir, sizeof(dir), "block");
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "loop", 4))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		r = loop_add(c, de->d_name, sub);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

static int ctx_load(struct ctx *c)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->mounts = mnt_new_table();
	c->swaps = mnt_new_table();
	if (!c->mounts || !c->swaps)
		return -ENOMEM;
	r = mnt_table_parse_file(c->mounts, "/proc/self/mountinfo");
	if (r < 0)
		return r;
	/* no /proc/swaps: a kernel without swap support has none active */
	r = mnt_table_parse_swaps(c->swaps, NULL);
	if (r < 0 && r != -ENOENT && access("/proc/swaps", F_OK) == 0)
		return r;
	c->have_root = stat("/", &c->root) == 0;
	c->have_boot = stat("/boot", &c->boot) == 0;
	return ctx_loops(c);
}

/* ---- what is directly on one node ---- */

/* Btrfs mounts show an anonymous MAJ:MIN: its source names the device. */
static bool fs_on(struct libmnt_fs *fs, dev_t devno)
{
	const char *src;
	struct stat st;

	if (mnt_fs_get_devno(fs) == devno)
		return true;
	src = mnt_fs_get_srcpath(fs);
	return src && !strncmp(src, "/dev/", 5) && stat(src, &st) == 0 && S_ISBLK(st.st_mode) &&
	       st.st_rdev == devno;
}

static int node_mounts(struct ctx *c, const struct node *n, struct finding *f)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	const char *target;

	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(c->mounts, it, &fs) == 0) {
		target = mnt_fs_get_target(fs);
		if (!target || !fs_on(fs, n->devno))
			continue;
		note(f, INUSE_MOUNTED, INUSE_NREASONS, "%s is mounted on %s", n->path, target);
		if (!strcmp(target, "/") || !strcmp(target, "/boot"))
			note(f, INUSE_SYSTEM, INUSE_NREASONS, "%s holds %s", n->path,
			     strcmp(target, "/") ? "/boot" : "the root file system");
	}
	mnt_free_iter(it);
	return 0;
}

/* A block device (@file NULL) by its number, a swap file (@file) by its inode. */
static int swaps_match(struct ctx *c, const struct node *n, const struct stat *file,
		       const char *path, struct finding *f)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	const char *src;
	struct stat st;

	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(c->swaps, it, &fs) == 0) {
		src = mnt_fs_get_srcpath(fs);
		if (!src || stat(src, &st) < 0)
			continue;
		if (file && !(S_ISREG(st.st_mode) && st.st_dev == file->st_dev &&
			      st.st_ino == file->st_ino))
			continue;
		if (!file && !(S_ISBLK(st.st_mode) && st.st_rdev == n->devno))
			continue;
		note(f, INUSE_SWAP, INUSE_NREASONS, "%s is active swap", path);
	}
	mnt_free_iter(it);
	return 0;
}

/* Also catches / and /boot when mountinfo shows them under another source. */
static void node_system(struct ctx *c, const struct node *n, struct finding *f)
{
	if (c->have_root && c->root.st_dev == n->devno)
		note(f, INUSE_SYSTEM, INUSE_NREASONS, "%s holds the root file system", n->path);
	if (c->have_boot && c->boot.st_dev == n->devno)
		note(f, INUSE_SYSTEM, INUSE_NREASONS, "%s holds /boot", n->path);
}

/* ---- what is stacked on a node ---- */

static int device_usage(struct ctx *c, const struct node_set *ns, int depth, struct finding *f);

/*
 * @upper (a kernel name) uses the device in the way @sentence says: note
 * @reason, and what is found on @upper and above it, as one chain.
 */
static int stacked(struct ctx *c, const char *upper, int depth, enum inuse_reason reason,
		   const char *sentence, struct finding *f)
{
	struct node_set ns = { 0 };
	struct finding sub;
	char dir[PATH_MAX], node[64];
	size_t len;
	int r = 0;

	finding_init(&sub);
	if (depth < STACK_MAX_DEPTH && sysfs_block_dir(upper, dir) == 0) {
		r = nodes_collect(dir, &ns);
		if (r == 0)
			r = device_usage(c, &ns, depth + 1, &sub);
		nodes_free(&ns);
		if (r < 0)
			return r;
	}
	if (!sub.u.flags) {
		note(f, reason, INUSE_NREASONS, "%s", sentence);
		return 0;
	}
	/* "/dev/loop6 is mounted on /mnt" continues "..., which is mounted on /mnt" */
	if (devinfo_node_path(upper, node, sizeof(node)) == 0 &&
	    !strncmp(sub.u.why, node, (len = strlen(node))) && sub.u.why[len] == ' ') {
		note(f, reason, sub.u.first, "%s, which%s", sentence, sub.u.why + len);
		if (sub.u.flags & (1u << INUSE_SYSTEM))
			note(f, INUSE_SYSTEM, sub.u.first, "%s, which%s", sentence,
			     sub.u.why + len);
	} else {
		note(f, reason, sub.u.first, "%s, and %s", sentence, sub.u.why);
		if (sub.u.flags & (1u << INUSE_SYSTEM))
			note(f, INUSE_SYSTEM, sub.u.first, "%s, and %s", sentence, sub.u.why);
	}
	return 0;
}

static int node_holders(struct ctx *c, const struct node *n, int depth, struct finding *f)
{
	char dir[PATH_MAX], sentence[sizeof(f->u.why)];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (snprintf(dir, sizeof(dir), "%s/holders", n->sys) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && r == 0) {
		if (de->d_name[0] == '.')
			continue;
		/* the kernel name, as dmsetup and lsblk show holders: "held by dm-0" */
		if (snprintf(sentence, sizeof(sentence), "%s is held by %s", n->path, de->d_name) <
		    0)
			continue;
		r = stacked(c, de->d_name, depth, INUSE_HOLDERS, sentence, f);
	}
	closedir(d);
	return r;
}

/* The kernel shows a block device backing a loop device by the node it was given. */
static bool loop_backs_node(const struct loop_dev *l, const struct node *n)
{
	if (l->have_st && S_ISBLK(l->st.st_mode) && l->st.st_rdev == n->devno)
		return true;
	/* the node may be gone from this /dev, or be named in another mount namespace */
	return !strcmp(l->backing, n->path);
}

static int node_loops(struct ctx *c, const struct node *n, int depth, struct finding *f)
{
	char loop[64], sentence[sizeof(f->u.why)];
	int r = 0;

	for (size_t i = 0; i < c->nloops && r == 0; i++) {
		if (!loop_backs_node(&c->loops[i], n) ||
		    devinfo_node_path(c->loops[i].name, loop, sizeof(loop)) < 0)
			continue;
		snprintf(sentence, sizeof(sentence), "%s is the backing device of %s", n->path,
			 loop);
		r = stacked(c, c->loops[i].name, depth, INUSE_LOOP_BACKING, sentence, f);
	}
	return r;
}

/* Everything that uses the device whose nodes are @ns, directly or up the stack. */
static int device_usage(struct ctx *c, const struct node_set *ns, int depth, struct finding *f)
{
	size_t i;
	int r = 0;

	for (i = 0; i < ns->n && r == 0; i++) {
		r = node_mounts(c, &ns->v[i], f);
		if (r == 0)
			r = swaps_match(c, &ns->v[i], NULL, ns->v[i].path, f);
		node_system(c, &ns->v[i], f);
	}
	for (i = 0; i < ns->n && r == 0; i++)
		r = node_holders(c, &ns->v[i], depth, f);
	for (i = 0; i < ns->n && r == 0; i++)
		r = node_loops(c, &ns->v[i], depth, f);
	return r;
}

/* ---- the target ---- */

/* An image file is busy as a loop device's backing file (and what is above it) or as swap. */
static int file_usage(struct ctx *c, const char *path, struct finding *f)
{
	char loop[64], sentence[sizeof(f->u.why)];
	struct stat file;
	const struct loop_dev *l;
	int r = 0;

	if (stat(path, &file) < 0)
		return -errno;
	for (size_t i = 0; i < c->nloops && r == 0; i++) {
		l = &c->loops[i];
		if (!l->have_st || !S_ISREG(l->st.st_mode) || l->st.st_dev != file.st_dev ||
		    l->st.st_ino != file.st_ino)
			continue;
		if (devinfo_node_path(l->name, loop, sizeof(loop)) < 0)
			continue;
		snprintf(sentence, sizeof(sentence), "%s is the backing file of %s", path, loop);
		r = stacked(c, l->name, 0, INUSE_LOOP_BACKING, sentence, f);
	}
	if (r == 0)
		r = swaps_match(c, NULL, &file, path, f);
	return r;
}

/*
 * Another program holding the device O_EXCL (a mount, a dm table, a running
 * erase) makes our O_EXCL open fail with EBUSY; files are locked instead.
 * Opened read-only: the probe must leave no trace on the device. Another
 * lister's probe holds a device for microseconds, a real holder for as long
 * as it works: EBUSY counts only when it lasts over a few tries.
 */
static int open_probe(const struct dev_info *info)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (info->is_block ? O_EXCL : 0);
	int fd = -1;

	for (int i = 0; i < 3; i++) {
		if (i)
			usleep(20000);
		fd = open(info->path, flags);
		if (fd >= 0 || errno != EBUSY)
			break;
	}
	return fd;
}

static void exclusive_probe(const struct dev_info *info, struct finding *f)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open_probe(info);

	if (fd < 0) {
		if (errno == EBUSY)
			note(f, INUSE_EXCLUSIVE, INUSE_NREASONS,
			     "%s is busy: another program holds it open exclusively", info->path);
		else
			log_dbg("%s: exclusive probe: %s", info->path, strerror(errno));
		return;
	}
	if (!info->is_block && fcntl(fd, F_OFD_GETLK, &lk) == 0 && lk.l_type != F_UNLCK)
		note(f, INUSE_EXCLUSIVE, INUSE_NREASONS,
		     "%s is busy: another program has locked it", info->path);
	close(fd);
}

int inuse_check(const struct dev_info *info, int held_fd, struct inuse *out)
{
	struct node_set ns = { 0 };
	struct finding f;
	char dir[PATH_MAX];
	struct ctx c;
	int r;

	finding_init(&f);
	r = ctx_load(&c);
	if (r < 0)
		goto out;
	if (info->is_block) {
		r = sysfs_dev_dir(makedev(info->major, info->minor), dir);
		if (r == 0)
			r = nodes_collect(dir, &ns);
		if (r == 0)
			r = with_disk(dir, &ns);
		if (r == 0)
			r = device_usage(&c, &ns, 0, &f);
	} else {
		r = file_usage(&c, info->path, &f);
	}
	/* a mount or a dm table holds the device O_EXCL too: that is said already */
	if (r == 0 && held_fd < 0 && !f.u.flags)
		exclusive_probe(info, &f);
out:
	if (r < 0)
		log_dbg("%s: in-use check failed: %s", info->path, strerror(-r));
	nodes_free(&ns);
	ctx_free(&c);
	*out = f.u;
	return r;
}
