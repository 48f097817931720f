// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The station's threads, its event queue and each drive's run. Finding and
 * admitting drives is station_scan.c's; the policy file station_policy.c's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "station_int.h"

static const char *const state_names[] = {
	[STATION_IDLE] = "idle",	   [STATION_SELECTED] = "selected",
	[STATION_COUNTDOWN] = "countdown", [STATION_RUNNING] = "running",
	[STATION_DONE] = "done",	   [STATION_FAILED] = "failed",
	[STATION_GONE] = "gone",
};

static const char *const event_names[] = {
	[STATION_EV_ADDED] = "added",	      [STATION_EV_GONE] = "gone",
	[STATION_EV_CHANGED] = "changed",     [STATION_EV_REFUSED] = "refused",
	[STATION_EV_COUNTDOWN] = "countdown", [STATION_EV_CANCELLED] = "cancelled",
	[STATION_EV_STARTED] = "started",     [STATION_EV_PROGRESS] = "progress",
	[STATION_EV_FINISHED] = "finished",   [STATION_EV_IDLE] = "idle",
};

const char *station_state_name(enum station_state st)
{
	return (unsigned)st < sizeof(state_names) / sizeof(*state_names) ? state_names[st] : "?";
}

const char *station_event_name(enum station_event_type t)
{
	return (unsigned)t < sizeof(event_names) / sizeof(*event_names) ? event_names[t] : "?";
}

static struct sdrive *find(const struct station *s, unsigned id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->d[i]->pub.id == id)
			return s->d[i];
	return NULL;
}

void station_push(struct station *s, enum station_event_type type, unsigned drive)
{
	uint64_t one = 1;

	if (s->qlen == s->qcap) {
		size_t cap = s->qcap ? 2 * s->qcap : 64;
		struct station_event *q = malloc(cap * sizeof(*q));

		if (!q) {
			log_err("station: out of memory: an event is lost");
			return;
		}
		for (size_t i = 0; i < s->qlen; i++)
			q[i] = s->q[(s->qhead + i) % s->qcap];
		free(s->q);
		s->q = q;
		s->qcap = cap;
		s->qhead = 0;
	}
	s->q[(s->qhead + s->qlen) % s->qcap] = (struct station_event){ type, drive };
	if (s->qlen++ == 0 && write(s->evfd, &one, sizeof(one)) < 0)
		log_dbg("station: eventfd: %s", strerror(errno));
}

int station_event_next(struct station *s, struct station_event *ev)
{
	uint64_t n;
	struct sdrive *d;

	pthread_mutex_lock(&s->lock);
	if (!s->qlen) {
		pthread_mutex_unlock(&s->lock);
		return -EAGAIN;
	}
	*ev = s->q[s->qhead];
	s->qhead = (s->qhead + 1) % s->qcap;
	if (--s->qlen == 0 && read(s->evfd, &n, sizeof(n)) < 0)
		log_dbg("station: eventfd: %s", strerror(errno));
	if (ev->type == STATION_EV_PROGRESS && (d = find(s, ev->drive)))
		d->prog_queued = false;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int station_event_fd(const struct station *s)
{
	return s->evfd;
}

void station_lock(struct station *s)
{
	pthread_mutex_lock(&s->lock);
}

void station_unlock(struct station *s)
{
	pthread_mutex_unlock(&s->lock);
}

size_t station_count(const struct station *s)
{
	return s->n;
}

const struct station_drive *station_drive_at(const struct station *s, size_t i)
{
	return i < s->n ? &s->d[i]->pub : NULL;
}

int station_drive_get(struct station *s, unsigned id, struct station_drive *out)
{
	struct sdrive *d;

	pthread_mutex_lock(&s->lock);
	d = find(s, id);
	if (d)
		*out = d->pub;
	pthread_mutex_unlock(&s->lock);
	return d ? 0 : -ENOENT;
}

static bool handled(const struct sdrive *d)
{
	switch (d->pub.state) {
	case STATION_IDLE: return d->pub.refused || d->cancelled || !(d->s->o.flags & STATION_AUTO);
	case STATION_DONE:
	case STATION_FAILED:
	case STATION_GONE: return true;
	default: return false;
	}
}

/* With STATION_ONCE: every drive refused, over or cancelled ends the run. */
void station_check_idle(struct station *s)
{
	if (!(s->o.flags & STATION_ONCE) || !s->scanned || s->idle_sent)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!handled(s->d[i]))
			return;
	s->idle_sent = true;
	station_push(s, STATION_EV_IDLE, 0);
}

size_t station_busy(struct station *s)
{
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++)
		n += s->d[i]->pub.state == STATION_COUNTDOWN ||
		     s->d[i]->pub.state == STATION_RUNNING;
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void wake(struct station *s)
{
	char c = 1;

	if (s->wake[1] >= 0 && write(s->wake[1], &c, 1) < 0)
		log_dbg("station: wake: %s", strerror(errno));
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t due_ms(const struct sdrive *d)
{
	return (int64_t)d->due.tv_sec * 1000 + d->due.tv_nsec / 1000000;
}

void station_begin_countdown(struct station *s, struct sdrive *d)
{
	clock_gettime(CLOCK_MONOTONIC, &d->due);
	d->due.tv_sec += s->o.countdown_s;
	d->pub.state = STATION_COUNTDOWN;
	d->pub.countdown_s = s->o.countdown_s;
	d->cancelled = false;
	station_push(s, STATION_EV_COUNTDOWN, d->pub.id);
	wake(s);
}

/* ---- one drive's run, in its own thread ---- */

static void on_progress(const struct progress *p, void *usr)
{
	struct sdrive *d = usr;
	struct station *s = d->s;
	struct station_progress *g = &d->pub.prog;

	pthread_mutex_lock(&s->lock);
	snprintf(g->phase, sizeof(g->phase), "%s", p->phase ? p->phase : "");
	g->pass = p->pass;
	g->npasses = p->npasses;
	g->done = p->done;
	g->total = p->total;
	g->errors = p->errors;
	g->rate = p->elapsed_ms ? p->done * 1000 / p->elapsed_ms : 0;
	g->eta_s = g->rate && p->total >= p->done ? (int64_t)((p->total - p->done) / g->rate) : -1;
	if (!d->prog_queued) {
		d->prog_queued = true;
		station_push(s, STATION_EV_PROGRESS, d->pub.id);
	}
	pthread_mutex_unlock(&s->lock);
}

static int on_report_done(const struct erase_target *t, const json_t *report, void *usr)
{
	struct sdrive *d = usr;
	struct station *s = d->s;
	struct station_cert cert = { 0 };
	struct station_drive copy;
	int r;

	pthread_mutex_lock(&s->lock);
	d->report = json_incref((json_t *)report);
	copy = d->pub;
	pthread_mutex_unlock(&s->lock);
	if (!s->o.certify)
		return 0;
	pthread_mutex_lock(&s->hook_lock);
	r = s->o.certify(&copy, t, report, d->slot, &cert, s->o.usr);
	pthread_mutex_unlock(&s->hook_lock);
	pthread_mutex_lock(&s->lock);
	snprintf(d->pub.cert_path, sizeof(d->pub.cert_path), "%s", cert.path);
	snprintf(d->pub.cert_id, sizeof(d->pub.cert_id), "%s", cert.id);
	snprintf(d->pub.sent, sizeof(d->pub.sent), "%s", cert.sent);
	d->pub.cert_err = r;
	pthread_mutex_unlock(&s->lock);
	return r;
}

static void job_opts(struct sdrive *d, struct erase_job_opts *jo)
{
	const struct station_labels *l = &d->run_labels;

	*jo = d->s->o.job;
	jo->method = d->run_method;
	jo->report = NULL;
	jo->report_dir = d->s->o.report_dir;
	jo->abort = &d->abort;
	jo->progress = on_progress;
	jo->report_done = on_report_done;
	jo->report_done_usr = d;
	jo->op.name = l->operator[0] ? l->operator: NULL;
	jo->op.witness = l->witness[0] ? l->witness : NULL;
	jo->op.asset_tag = l->asset_tag[0] ? l->asset_tag : NULL;
	jo->op.reason = l->reason[0] ? l->reason : NULL;
}

/* cut, if need be: the report holds the whole reason, which the job may have begun so */
static void pulled_why(struct station_drive *p, const char *reason)
{
	if (!strncmp(reason, ERASE_REMOVED_WHY, strlen(ERASE_REMOVED_WHY)))
		snprintf(p->why, sizeof(p->why), "%s", reason);
	else if (snprintf(p->why, sizeof(p->why), "%s: %s", ERASE_REMOVED_WHY, reason) < 0)
		p->why[0] = '\0';
}

/* The drive's result, from its target, into what front ends see. */
static void record_end(struct sdrive *d, const struct erase_target *t)
{
	struct station_drive *p = &d->pub;
	const struct erase_result *r = &t->res;

	p->ran = t->ran;
	p->code = r->code;
	p->err = t->ran ? r->err : t->err;
	p->bad_blocks = ranges_blocks(&r->write_errors) + ranges_blocks(&r->read_errors);
	p->mismatches = ranges_blocks(&r->mismatch);
	p->prog.errors = p->bad_blocks + p->mismatches;
	p->report_err = t->report_err;
	snprintf(p->result, sizeof(p->result), "%s", erase_result_name(r->code));
	snprintf(p->category, sizeof(p->category), "%s", t->plan.category ? t->plan.category : "");
	snprintf(p->report_path, sizeof(p->report_path), "%s",
		 t->report_path ? t->report_path : "");
	p->verified = t->ran && r->code == ERASE_SUCCESS;
	p->state = p->verified ? STATION_DONE : STATION_FAILED;
	if (!t->ran)
		snprintf(p->why, sizeof(p->why), "%s", t->why[0] ? t->why : r->reason);
	else if (r->code != ERASE_SUCCESS && p->pulled)
		pulled_why(p, r->reason);
	else if (r->code != ERASE_SUCCESS)
		snprintf(p->why, sizeof(p->why), "%s", r->reason);
}

static void hold_and_run(struct sdrive *d, struct erase_job *j)
{
	struct station *s = d->s;
	int r;

	if (erase_job_identify(j, 0))
		return;
	if (erase_job_hold(j, 0))
		return;
	if (s->o.prepare) {
		struct station_drive copy;

		pthread_mutex_lock(&s->lock);
		copy = d->pub;
		pthread_mutex_unlock(&s->lock);
		r = s->o.prepare(&copy, &j->t[0], &d->slot, s->o.usr);
		if (r) {
			erase_job_refuse(j, 0, r, "no certificate can be made of it");
			d->slot = NULL;
			return;
		}
	}
	if (d->abort) {
		erase_job_refuse(j, 0, -ECANCELED, "cancelled before it started");
		return;
	}
	erase_job_run(j);
}

static void *drive_thread(void *arg)
{
	struct sdrive *d = arg;
	struct station *s = d->s;
	struct erase_job_opts jo;
	struct erase_job *j = NULL;
	char *path = d->pub.path;

	job_opts(d, &jo);
	if (erase_job_new(&jo, &path, 1, &j)) {
		pthread_mutex_lock(&s->lock);
		d->pub.state = STATION_FAILED;
		d->pub.err = -ENOMEM;
		snprintf(d->pub.why, sizeof(d->pub.why), "out of memory");
		station_push(s, STATION_EV_FINISHED, d->pub.id);
		station_check_idle(s);
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	j->t[0].progress_usr = d;
	hold_and_run(d, j);
	erase_job_finish(j, 0);
	if (d->slot && s->o.release)
		s->o.release(d->slot, s->o.usr);
	d->slot = NULL;
	pthread_mutex_lock(&s->lock);
	if (!d->report && j->t[0].doc)
		d->report = json_incref(j->t[0].doc);
	record_end(d, &j->t[0]);
	station_push(s, STATION_EV_FINISHED, d->pub.id);
	station_check_idle(s);
	pthread_mutex_unlock(&s->lock);
	erase_job_free(j);
	return NULL;
}

/* under s->lock */
static void start_now(struct station *s, struct sdrive *d)
{
	d->run_labels = d->pub.labels;
	snprintf(d->run_method, sizeof(d->run_method), "%s", d->pub.method);
	d->pub.state = STATION_RUNNING;
	d->pub.countdown_s = 0;
	d->abort = 0;
	if (pthread_create(&d->tid, NULL, drive_thread, d)) {
		d->pub.state = STATION_FAILED;
		d->pub.err = -EAGAIN;
		snprintf(d->pub.why, sizeof(d->pub.why), "cannot start a thread for it");
		station_push(s, STATION_EV_FINISHED, d->pub.id);
		return;
	}
	d->thread = true;
	station_push(s, STATION_EV_STARTED, d->pub.id);
}

int station_start(struct station *s, unsigned id, bool countdown)
{
	int r = id ? -ENOENT : 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (id && d->pub.id != id)
			continue;
		if (!id && d->pub.state != STATION_SELECTED)
			continue;
		if (d->pub.refused) {
			r = -EPERM;
			break;
		}
		if (d->pub.state != STATION_IDLE && d->pub.state != STATION_SELECTED) {
			r = -EBUSY;
			break;
		}
		r = 0;
		if (countdown && s->o.countdown_s)
			station_begin_countdown(s, d);
		else
			start_now(s, d);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

int station_cancel(struct station *s, unsigned id)
{
	int r = id ? -ENOENT : 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (id && d->pub.id != id)
			continue;
		r = 0;
		if (d->pub.state == STATION_COUNTDOWN) {
			d->pub.state = STATION_IDLE;
			d->pub.countdown_s = 0;
			d->cancelled = true;
			station_push(s, STATION_EV_CANCELLED, d->pub.id);
		} else if (d->pub.state == STATION_RUNNING) {
			d->abort = ERASE_ABORT_ASKED;
		}
	}
	station_check_idle(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void station_cancel_countdowns(struct station *s)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (d->pub.state != STATION_COUNTDOWN)
			continue;
		d->pub.state = STATION_IDLE;
		d->pub.countdown_s = 0;
		d->cancelled = true;
		station_push(s, STATION_EV_CANCELLED, d->pub.id);
	}
	station_check_idle(s);
	pthread_mutex_unlock(&s->lock);
}

int station_select(struct station *s, unsigned id, bool on)
{
	struct sdrive *d;
	int r = 0;

	pthread_mutex_lock(&s->lock);
	d = find(s, id);
	if (!d)
		r = -ENOENT;
	else if (d->pub.refused)
		r = -EPERM;
	else if (d->pub.state != STATION_IDLE && d->pub.state != STATION_SELECTED)
		r = -EBUSY;
	if (!r) {
		d->pub.state = on ? STATION_SELECTED : STATION_IDLE;
		station_push(s, STATION_EV_CHANGED, id);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

static bool not_started(const struct sdrive *d)
{
	return d->pub.state == STATION_IDLE || d->pub.state == STATION_SELECTED ||
	       d->pub.state == STATION_COUNTDOWN;
}

int station_set_labels(struct station *s, unsigned id, const struct station_labels *l)
{
	int r = id ? -ENOENT : 0;

	if (l->reason[0] && !erase_reason_valid(l->reason))
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (!id)
		s->o.labels = *l;
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (id && d->pub.id != id)
			continue;
		if (!not_started(d)) {
			r = id ? -EBUSY : r;
			continue;
		}
		d->pub.labels = *l;
		r = 0;
		station_push(s, STATION_EV_CHANGED, d->pub.id);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

int station_set_method(struct station *s, unsigned id, const char *method)
{
	struct erase_job_opts jo = s->o.job;
	int r;

	jo.method = method;
	if (strlen(method) >= sizeof(s->d[0]->pub.method))
		return -EINVAL;
	r = erase_job_check_opts(&jo);
	if (r)
		return r;
	r = id ? -ENOENT : 0;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (id && d->pub.id != id)
			continue;
		if (!not_started(d)) {
			r = id ? -EBUSY : r;
			continue;
		}
		snprintf(d->pub.method, sizeof(d->pub.method), "%s", method);
		r = 0;
		station_push(s, STATION_EV_CHANGED, d->pub.id);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

int station_report(struct station *s, unsigned id, json_t **out)
{
	struct sdrive *d;
	int r = 0;

	pthread_mutex_lock(&s->lock);
	d = find(s, id);
	if (!d)
		r = -ENOENT;
	else if (!d->report)
		r = -EAGAIN;
	else
		*out = json_incref(d->report);
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* ---- the station's thread: uevents and countdowns ---- */

/* under s->lock: the countdowns that ended start; the others tell their second */
static int tick(struct station *s)
{
	int64_t now = now_ms(), next = 1000;

	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];
		int64_t left;
		unsigned secs;

		if (d->pub.state != STATION_COUNTDOWN)
			continue;
		left = due_ms(d) - now;
		if (left <= 0) {
			start_now(s, d);
			continue;
		}
		secs = (unsigned)((left + 999) / 1000);
		if (secs != d->pub.countdown_s) {
			d->pub.countdown_s = secs;
			station_push(s, STATION_EV_COUNTDOWN, d->pub.id);
		}
		if (left % 1000 + 1 < next)
			next = left % 1000 + 1;
	}
	return (int)next;
}

static void drain_hotplug(struct station *s)
{
	struct hotplug_event ev;
	bool any = false;

	while (hotplug_next(s->hp, &ev) == 0) {
		log_dbg("station: uevent %d %s", (int)ev.action, ev.name);
		any = true;
	}
	if (any)
		station_scan(s);
}

static void *station_thread(void *arg)
{
	struct station *s = arg;
	int timeout = 1000;

	for (;;) {
		struct pollfd p[2] = { { s->wake[0], POLLIN, 0 }, { -1, POLLIN, 0 } };
		char buf[64];

		if (s->hp)
			p[1].fd = hotplug_fd(s->hp);
		if (poll(p, 2, timeout) > 0 && (p[0].revents & POLLIN) &&
		    read(s->wake[0], buf, sizeof(buf)) < 0)
			log_dbg("station: wake: %s", strerror(errno));
		if (p[1].revents & POLLIN)
			drain_hotplug(s);
		pthread_mutex_lock(&s->lock);
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		timeout = tick(s);
		station_check_idle(s);
		pthread_mutex_unlock(&s->lock);
	}
}

int station_new(const struct station_opts *o, struct station **out)
{
	struct station *s = calloc(1, sizeof(*s));
	struct erase_job_opts jo;
	int r;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	if (!s->o.method)
		s->o.method = "auto";
	jo = o->job;
	jo.method = s->o.method;
	r = erase_job_check_opts(&jo);
	if (r) {
		free(s);
		return r;
	}
	s->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->wake[0] = s->wake[1] = -1;
	if (s->evfd < 0 || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK)) {
		r = -errno;
		if (s->evfd >= 0)
			close(s->evfd);
		free(s);
		return r;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->scan_lock, NULL);
	pthread_mutex_init(&s->hook_lock, NULL);
	s->next_id = 1;
	*out = s;
	return 0;
}

int station_run(struct station *s)
{
	int r;

	if (!(s->o.flags & STATION_NO_HOTPLUG)) {
		r = hotplug_open(&s->hp);
		if (r)
			log_warn("station: drives attached later will not be seen: %s",
				 strerror(-r));
	}
	r = station_scan(s);
	if (r)
		return r;
	if (pthread_create(&s->thread, NULL, station_thread, s))
		return -EAGAIN;
	s->thread_on = true;
	return 0;
}

int station_rescan(struct station *s)
{
	return station_scan(s);
}

void station_free(struct station *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	for (size_t i = 0; i < s->n; i++)
		if (s->d[i]->pub.state == STATION_RUNNING)
			s->d[i]->abort = ERASE_ABORT_ASKED;
	pthread_mutex_unlock(&s->lock);
	wake(s);
	if (s->thread_on)
		pthread_join(s->thread, NULL);
	/* no thread starts a drive any more: wait for those that run */
	for (size_t i = 0; i < s->n; i++)
		if (s->d[i]->thread)
			pthread_join(s->d[i]->tid, NULL);
	for (size_t i = 0; i < s->n; i++) {
		json_decref(s->d[i]->report);
		free(s->d[i]);
	}
	free(s->d);
	free(s->q);
	hotplug_close(s->hp);
	close(s->evfd);
	close(s->wake[0]);
	close(s->wake[1]);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->scan_lock);
	pthread_mutex_destroy(&s->hook_lock);
	free(s);
}
