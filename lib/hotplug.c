// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "hotplug.h"
#include "log.h"

struct hotplug {
	struct udev *udev;
	struct udev_monitor *mon;
};

int hotplug_open(struct hotplug **out)
{
	struct hotplug *h = calloc(1, sizeof(*h));
	int r = -ENOMEM;

	if (!h)
		return -ENOMEM;
	h->udev = udev_new();
	if (!h->udev)
		goto fail;
	/* "kernel", not "udev": the events come from the kernel, with or without udevd */
	h->mon = udev_monitor_new_from_netlink(h->udev, "kernel");
	if (!h->mon) {
		r = errno ? -errno : -EPROTONOSUPPORT;
		goto fail;
	}
	r = udev_monitor_filter_add_match_subsystem_devtype(h->mon, "block", NULL);
	if (!r)
		r = udev_monitor_enable_receiving(h->mon);
	if (r)
		goto fail;
	/* a front end polls it with others: never wait in hotplug_next() */
	r = fcntl(udev_monitor_get_fd(h->mon), F_GETFL);
	if (r < 0 || fcntl(udev_monitor_get_fd(h->mon), F_SETFL, r | O_NONBLOCK) < 0) {
		r = -errno;
		goto fail;
	}
	*out = h;
	return 0;
fail:
	log_dbg("hotplug: cannot listen to uevents: %s", strerror(r < 0 ? -r : r));
	hotplug_close(h);
	return r < 0 ? r : -r;
}

int hotplug_fd(const struct hotplug *h)
{
	return udev_monitor_get_fd(h->mon);
}

static bool take(struct udev_device *dev, struct hotplug_event *ev)
{
	const char *action = udev_device_get_action(dev);
	const char *name = udev_device_get_sysname(dev);
	const char *node = udev_device_get_devnode(dev);
	const char *type = udev_device_get_devtype(dev);

	if (!action || !name)
		return false;
	if (!strcmp(action, "add"))
		ev->action = HOTPLUG_ADD;
	else if (!strcmp(action, "remove"))
		ev->action = HOTPLUG_REMOVE;
	else if (!strcmp(action, "change"))
		ev->action = HOTPLUG_CHANGE;
	else
		return false;
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	snprintf(ev->devnode, sizeof(ev->devnode), "%s", node ? node : "");
	ev->partition = type && !strcmp(type, "partition");
	return true;
}

int hotplug_next(struct hotplug *h, struct hotplug_event *ev)
{
	for (;;) {
		struct udev_device *dev = udev_monitor_receive_device(h->mon);
		bool ok;

		if (!dev)
			return -EAGAIN;
		memset(ev, 0, sizeof(*ev));
		ok = take(dev, ev);
		udev_device_unref(dev);
		if (ok)
			return 0;
	}
}

void hotplug_close(struct hotplug *h)
{
	if (!h)
		return;
	udev_monitor_unref(h->mon);
	udev_unref(h->udev);
	free(h);
}
