/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether the system clock was set by NTP: a report's times are only as good
 * as the clock, and an auditor reading a certificate made on a booted live
 * stick needs to know whether anything disciplined it.
 */
#ifndef KESU_CLOCKSYNC_H
#define KESU_CLOCKSYNC_H

#include <stdbool.h>

/**
 * clock_synchronised() - the kernel's view of the system clock's synchronisation
 * @synced: set to true when an NTP daemon (systemd-timesyncd, chrony, ntpd)
 *          has marked the clock synchronised (adjtimex(2) STA_UNSYNC clear),
 *          false otherwise; false also on error
 *
 * Reads only (modes 0): no privilege needed, nothing changes.
 *
 * Return: 0, or the negative errno of adjtimex(2) (-EPERM under a seccomp
 *         filter that forbids it)
 */
int clock_synchronised(bool *synced);

#endif
