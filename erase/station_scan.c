// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the station's drives and deciding which may be erased: what is
 * refused is listed with the reason and never selectable. The checks are
 * kesu erase's (erase_job_in_use(): mounted, system, swap, holders, loop
 * backing, read-only), then the policy, then the register's holds.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "log.h"
#include "station_int.h"

/* What a scan learns of one device, before it is merged into the station. */
struct found {
	struct station_drive pub;
	bool ok; /* identified */
};

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static bool loop_or_file(const struct dev_info *info)
{
	return !info->is_block || (info->transport && !strcmp(info->transport, "loop")) ||
	       (info->name && !strncmp(info->name, "loop", 4));
}

/* Refused, and why; in the order a person would fix them. */
static void admit(struct station *s, struct erase_job *j, struct found *f)
{
	const struct dev_info *info = &j->t[0].info;
	struct station_drive *p = &f->pub;
	bool busy = false;
	int r;

	p->refused = true;
	if (loop_or_file(info) && !p->named) {
		copy_str(p->why, sizeof(p->why),
			 "a loop device or file is erased only when named on the command line");
		return;
	}
	r = erase_job_in_use(j, 0, &busy);
	if (r || busy) {
		snprintf(p->why, sizeof(p->why), "%s",
			 r ? "cannot tell whether it is in use" : j->t[0].why);
		return;
	}
	if (info->read_only == 1) {
		copy_str(p->why, sizeof(p->why), "read-only");
		return;
	}
	if (s->o.policy &&
	    !station_policy_admit(s->o.policy, p->transport, p->size, p->why, sizeof(p->why)))
		return;
	if (s->o.held) {
		char why[STATION_TEXT] = "";

		r = s->o.held(p->path, p->serial, s->o.labels.asset_tag, why, sizeof(why),
			      s->o.usr);
		if (r) {
			snprintf(p->why, sizeof(p->why), "%s",
				 why[0] ? why : "the register cannot tell whether it is on hold");
			return;
		}
	}
	p->refused = false;
	p->why[0] = '\0';
}

/* Identify @path and decide on it; nothing is held or written. */
static void look_at(struct station *s, const char *path, bool named, struct found *f)
{
	struct erase_job_opts jo = { .method = "random", .passes = 1 };
	struct erase_job *j = NULL;
	struct erase_caps caps;
	char *p = (char *)path;
	const struct dev_info *info;

	memset(f, 0, sizeof(*f));
	copy_str(f->pub.path, sizeof(f->pub.path), path);
	f->pub.named = named;
	if (erase_job_new(&jo, &p, 1, &j))
		return;
	if (erase_job_identify(j, 0)) {
		/* a named drive that cannot be identified is shown, refused with the reason */
		f->pub.refused = true;
		copy_str(f->pub.why, sizeof(f->pub.why), j->t[0].why);
		f->ok = named;
		erase_job_free(j);
		return;
	}
	info = &j->t[0].info;
	copy_str(f->pub.model, sizeof(f->pub.model), info->model);
	copy_str(f->pub.serial, sizeof(f->pub.serial), info->serial);
	copy_str(f->pub.transport, sizeof(f->pub.transport),
		 info->transport ? info->transport : (info->is_block ? "" : "file"));
	copy_str(f->pub.content, sizeof(f->pub.content), info->content);
	f->pub.size = info->size;
	f->ok = true;
	admit(s, j, f);
	if (!f->pub.refused)
		erase_caps_probe_path(info, &caps, f->pub.purge, sizeof(f->pub.purge));
	erase_job_free(j);
}

static bool same_drive(const struct station_drive *a, const struct station_drive *b)
{
	return !strcmp(a->path, b->path) && !strcmp(a->serial, b->serial) && a->size == b->size;
}

/* under s->lock */
static struct sdrive *match(struct station *s, const struct found *f)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (d->pub.state == STATION_GONE || d->pub.pulled)
			continue;
		if (same_drive(&d->pub, &f->pub))
			return d;
	}
	return NULL;
}

/* under s->lock */
static int add(struct station *s, const struct found *f)
{
	struct sdrive *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct sdrive **v = realloc(s->d, cap * sizeof(*v));

		if (!v) {
			free(d);
			return -ENOMEM;
		}
		s->d = v;
		s->cap = cap;
	}
	d->s = s;
	d->pub = f->pub;
	d->pub.id = s->next_id++;
	d->pub.state = STATION_IDLE;
	d->pub.labels = s->o.labels;
	d->pub.prog.eta_s = -1;
	copy_str(d->pub.method, sizeof(d->pub.method), s->o.method);
	d->seen = true;
	s->d[s->n++] = d;
	station_push(s, STATION_EV_ADDED, d->pub.id);
	if (d->pub.refused)
		station_push(s, STATION_EV_REFUSED, d->pub.id);
	else if (s->o.flags & STATION_AUTO &&
		 (s->scanned || d->pub.named || s->o.flags & STATION_ONCE))
		station_begin_countdown(s, d);
	return 0;
}

/* under s->lock: an idle drive seen again takes what changed (mounted since, ...) */
static void refresh(struct station *s, struct sdrive *d, const struct found *f)
{
	struct station_drive *p = &d->pub;
	bool was = p->refused;

	d->seen = true;
	if (p->state != STATION_IDLE && p->state != STATION_SELECTED)
		return;
	if (was == f->pub.refused && !strcmp(p->why, f->pub.why) &&
	    !strcmp(p->content, f->pub.content))
		return;
	p->refused = f->pub.refused;
	copy_str(p->why, sizeof(p->why), f->pub.why);
	copy_str(p->content, sizeof(p->content), f->pub.content);
	if (f->pub.purge[0])
		copy_str(p->purge, sizeof(p->purge), f->pub.purge);
	if (p->refused)
		p->state = STATION_IDLE;
	station_push(s, p->refused && !was ? STATION_EV_REFUSED : STATION_EV_CHANGED, p->id);
}

/* under s->lock: what the scan did not find was pulled */
static void mark_gone(struct station *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sdrive *d = s->d[i];

		if (d->seen || d->pub.state == STATION_GONE || d->pub.pulled)
			continue;
		if (d->pub.state == STATION_RUNNING) {
			/* its I/O now fails: it ends as failed, and record_end() says why */
			d->pub.pulled = true;
		} else if (d->pub.state == STATION_DONE || d->pub.state == STATION_FAILED) {
			d->pub.pulled = true;
		} else {
			d->pub.state = STATION_GONE;
			d->pub.countdown_s = 0;
		}
		station_push(s, STATION_EV_GONE, d->pub.id);
	}
}

static int merge(struct station *s, struct found *f, size_t n)
{
	int r = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++)
		s->d[i]->seen = false;
	for (size_t i = 0; i < n && !r; i++) {
		struct sdrive *d;

		if (!f[i].ok)
			continue;
		d = match(s, &f[i]);
		if (d)
			refresh(s, d, &f[i]);
		else
			r = add(s, &f[i]);
	}
	if (!r)
		mark_gone(s);
	s->scanned = true;
	station_check_idle(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* The devices to look at: the named ones, else every disk. */
static int candidates(const struct station *s, char ***paths, size_t *n)
{
	struct dev_info *list = NULL;
	size_t m = 0;
	int r;

	if (s->o.npaths) {
		*paths = calloc(s->o.npaths, sizeof(**paths));
		if (!*paths)
			return -ENOMEM;
		for (size_t i = 0; i < s->o.npaths; i++)
			(*paths)[i] = strdup(s->o.paths[i]);
		*n = s->o.npaths;
		return 0;
	}
	r = devinfo_list(&list, &m);
	if (r)
		return r;
	*paths = calloc(m ? m : 1, sizeof(**paths));
	if (!*paths) {
		devinfo_list_free(list, m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m; i++)
		(*paths)[i] = strdup(list[i].path);
	*n = m;
	devinfo_list_free(list, m);
	return 0;
}

int station_scan(struct station *s)
{
	char **paths = NULL;
	struct found *f = NULL;
	size_t n = 0;
	int r;

	pthread_mutex_lock(&s->scan_lock);
	r = candidates(s, &paths, &n);
	if (!r && !(f = calloc(n ? n : 1, sizeof(*f))))
		r = -ENOMEM;
	for (size_t i = 0; !r && i < n; i++)
		if (paths[i])
			look_at(s, paths[i], s->o.npaths > 0, &f[i]);
	if (!r)
		r = merge(s, f, n);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(f);
	pthread_mutex_unlock(&s->scan_lock);
	if (r)
		log_err("station: cannot list the drives: %s", strerror(-r));
	return r;
}
