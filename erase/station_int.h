/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The station's insides, shared by station.c (threads, events, runs) and station_scan.c. */
#ifndef KESU_ERASE_STATION_INT_H
#define KESU_ERASE_STATION_INT_H

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "hotplug.h"
#include "station.h"

struct station;

/* One drive and what the station keeps of it beyond what front ends see. */
struct sdrive {
	struct station_drive pub;
	struct station *s;
	volatile sig_atomic_t abort;
	pthread_t tid;
	bool thread;	     /* tid is to be joined */
	bool seen;	     /* found by the scan under way */
	bool cancelled;	     /* its countdown was cancelled: handled, nothing written */
	bool prog_queued;    /* a progress event of it waits in the queue */
	struct timespec due; /* end of the countdown (CLOCK_MONOTONIC) */
	json_t *report;	     /* once it ended */
	struct station_labels run_labels; /* what its erasure was given */
	char run_method[64];
	void *slot; /* the front end's, between prepare and release */
};

struct station {
	struct station_opts o;
	pthread_mutex_t lock;	   /* the drives and the queue */
	pthread_mutex_t scan_lock; /* one scan at a time */
	pthread_mutex_t hook_lock; /* one certify at a time */
	struct sdrive **d;
	size_t n, cap;
	unsigned next_id;
	struct station_event *q;
	size_t qhead, qlen, qcap;
	int evfd;    /* eventfd: readable while the queue is not empty */
	int wake[2]; /* wakes the station's thread */
	struct hotplug *hp;
	pthread_t thread;
	bool thread_on, stopping, scanned, idle_sent;
};

/* under s->lock */
void station_push(struct station *s, enum station_event_type type, unsigned drive);
void station_check_idle(struct station *s);
void station_begin_countdown(struct station *s, struct sdrive *d);

/**
 * station_scan() - the scan behind station_rescan(): identify, admit, add, mark gone
 * Return: 0, -ENOMEM, or the errno of listing the devices
 */
int station_scan(struct station *s);

#endif
