/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block devices attached and pulled, from the kernel's uevents through
 * libudev's monitor on the "kernel" source: it needs no udevd, as in a
 * minimal live system where devtmpfs makes the nodes.
 */
#ifndef KESU_HOTPLUG_H
#define KESU_HOTPLUG_H

#include <limits.h>
#include <stdbool.h>

struct hotplug;

enum hotplug_action {
	HOTPLUG_ADD,
	HOTPLUG_REMOVE,
	HOTPLUG_CHANGE, /* media changed, resized, a loop device bound or unbound */
};

/**
 * struct hotplug_event - one uevent of the block subsystem
 * @action: what happened
 * @name: the kernel name ("sdb", "nvme0n1")
 * @devnode: its node ("/dev/sdb"); "" when the event names none
 * @partition: a partition, not a whole disk
 */
struct hotplug_event {
	enum hotplug_action action;
	char name[NAME_MAX + 1];
	char devnode[PATH_MAX];
	bool partition;
};

/**
 * hotplug_open() - listen to the block subsystem's uevents
 * Return: 0, -ENOMEM, or the errno of creating the netlink socket
 * (-EPERM, -EPROTONOSUPPORT where the kernel or a container refuses it)
 */
int hotplug_open(struct hotplug **out);

/** hotplug_fd() - readable while events wait; for poll() */
int hotplug_fd(const struct hotplug *h);

/**
 * hotplug_next() - the next event, without waiting; events other than
 * add, remove and change are skipped
 * Return: 0 (@ev set), -EAGAIN (none waits)
 */
int hotplug_next(struct hotplug *h, struct hotplug_event *ev);

void hotplug_close(struct hotplug *h);

#endif
