// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"

static int refuse(struct guard *g, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct guard *g, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
	guard_release(g);
	return err;
}

/* The exclusive open failed: say what holds the target, when the checks can tell. */
static int refuse_busy(const struct dev_info *info, struct guard *g)
{
	if (inuse_check(info, -1, &g->use) == 0 && inuse_any(&g->use))
		return refuse(g, -EBUSY, "%s", g->use.why);
	return refuse(g, -EBUSY, "%s is held open exclusively by another program", info->path);
}

int guard_hold(struct dev_info *info, unsigned flags, struct guard *g)
{
	int r;

	memset(g, 0, sizeof(*g));
	g->use.first = INUSE_NREASONS;
	if (info->size == 0)
		return refuse(g, -ENODEV, "size is 0, nothing to write to");
	r = dev_open(info->path, flags | DEV_OPEN_EXCL, &g->dev);
	if (r == -EBUSY)
		return refuse_busy(info, g);
	if (r == -EROFS)
		return refuse(g, r, "%s is read-only", info->path);
	if (r)
		return refuse(g, r, "cannot open it: %s", strerror(-r));
	if (g->dev->size != info->size)
		return refuse(g, -ESTALE, "size changed from %llu to %llu bytes",
			      (unsigned long long)info->size, (unsigned long long)g->dev->size);
	/* checked through the held descriptor: nothing can start using it now */
	r = inuse_check(info, dev_fd(g->dev), &g->use);
	if (r)
		return refuse(g, -EBUSY, "cannot tell whether it is in use: %s", strerror(-r));
	if (inuse_any(&g->use))
		return refuse(g, -EBUSY, "%s", g->use.why);
	r = devinfo_probe_content(info, dev_fd(g->dev));
	if (r)
		return refuse(g, r, "cannot probe its content: %s", strerror(-r));
	return 0;
}

void guard_release(struct guard *g)
{
	dev_close(g->dev);
	g->dev = NULL;
}
