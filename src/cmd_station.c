// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu station: the run. The options are station_cli.c's, what each drive
 * sends station_send.c's, the engine erase/station.c's. Here: the
 * passphrase asked once, the screen or line mode (one line, or one JSON
 * line, per event), the machine summary at the end and the exit code.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conffile.h"
#include "jsonutil.h"
#include "kesu.h"
#include "station_cli.h"
#include "station_tui.h"

/* between two progress lines of one drive */
#define PROGRESS_EVERY_MS 2000

struct line_mode {
	struct station_cli *o;
	struct station *s;
	int64_t *last; /* per drive id: when its last progress line was printed */
	size_t nlast;
	bool stdin_tty;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool progress_due(struct line_mode *m, unsigned id)
{
	int64_t now = mono_ms();

	if (id >= m->nlast) {
		size_t n = id + 16;
		int64_t *v = realloc(m->last, n * sizeof(*v));

		if (!v)
			return true;
		memset(v + m->nlast, 0, (n - m->nlast) * sizeof(*v));
		m->last = v;
		m->nlast = n;
	}
	if (m->last[id] && now - m->last[id] < PROGRESS_EVERY_MS)
		return false;
	m->last[id] = now;
	return true;
}

static void json_line(const char *event, const struct station_drive *d)
{
	json_t *o = json_pack("{s:s}", "event", event);

	if (o && d) {
		json_object_set_new(o, "drive", json_integer(d->id));
		json_object_set_new(o, "path", json_text(d->path));
		json_object_set_new(o, "state", json_string(station_state_name(d->state)));
		json_object_set_new(o, "model", json_text(d->model));
		json_object_set_new(o, "serial", json_text(d->serial));
		json_object_set_new(o, "transport", json_text(d->transport));
		json_object_set_new(o, "content", json_text(d->content));
		json_object_set_new(o, "size", json_integer((json_int_t)d->size));
		json_object_set_new(o, "refused", json_boolean(d->refused));
		json_object_set_new(o, "why", json_text(d->why));
		json_object_set_new(o, "method", json_text(d->method));
		json_object_set_new(o, "countdown", json_integer(d->countdown_s));
		json_object_set_new(
			o, "progress",
			json_pack("{s:s, s:i, s:i, s:I, s:I, s:I, s:I, s:I}", "phase",
				  d->prog.phase, "pass", (int)d->prog.pass, "npasses",
				  (int)d->prog.npasses, "done", (json_int_t)d->prog.done, "total",
				  (json_int_t)d->prog.total, "rate", (json_int_t)d->prog.rate,
				  "eta", (json_int_t)d->prog.eta_s, "errors",
				  (json_int_t)d->prog.errors));
		json_object_set_new(o, "result", json_text(d->result));
		json_object_set_new(o, "verified", json_boolean(d->verified));
		json_object_set_new(o, "report", json_text(d->report_path));
		json_object_set_new(o, "certificate", json_text(d->cert_path));
		json_object_set_new(o, "certificate_id", json_text(d->cert_id));
		json_object_set_new(o, "sent", json_text(d->sent));
	}
	if (!o || ui_print_json(stdout, o))
		ui_err("cannot write to standard output");
	json_decref(o);
}

static void text_progress(const struct station_drive *d)
{
	const struct station_progress *p = &d->prog;
	unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 0;

	printf("progress %u %s: %s", d->id, ui_safe(d->path), p->phase);
	if (p->npasses)
		printf(" pass %u/%u", p->pass, p->npasses);
	printf(" %u%% (%" PRIu64 "/%" PRIu64 " bytes), %" PRIu64 " bytes/s", pct, p->done, p->total,
	       p->rate);
	if (p->eta_s >= 0)
		printf(", %" PRId64 " s left", p->eta_s);
	printf(", %" PRIu64 " errors\n", p->errors);
}

static void text_finished(const struct station_drive *d)
{
	printf("finished %u %s: %s%s", d->id, ui_safe(d->path), d->result[0] ? d->result : "failed",
	       d->verified ? ", verified" : "");
	if (d->category[0] && d->ran)
		printf(" (%s)", d->category);
	if (d->why[0] && !d->verified)
		printf(": %s", ui_safe(d->why));
	printf("; report %s", d->report_path[0] ? ui_safe(d->report_path) : "not written");
	if (d->cert_path[0])
		printf("; certificate %s in %s", d->cert_id, ui_safe(d->cert_path));
	else if (d->cert_err)
		printf("; no certificate: %s", strerror(-d->cert_err));
	if (d->sent[0])
		printf("; %s", ui_safe(d->sent));
	printf("\n");
}

static void text_line(const struct line_mode *m, enum station_event_type t,
		      const struct station_drive *d)
{
	const char *path = ui_safe(d->path);

	switch (t) {
	case STATION_EV_ADDED:
		printf("added %u %s: %" PRIu64 " bytes, transport %s, model %s, serial %s, "
		       "content %s\n",
		       d->id, path, d->size, d->transport[0] ? ui_safe(d->transport) : "-",
		       d->model[0] ? ui_safe(d->model) : "-",
		       d->serial[0] ? ui_safe(d->serial) : "-",
		       d->content[0] ? ui_safe(d->content) : "none");
		break;
	case STATION_EV_REFUSED: printf("refused %u %s: %s\n", d->id, path, ui_safe(d->why)); break;
	case STATION_EV_GONE: printf("gone %u %s\n", d->id, path); break;
	case STATION_EV_COUNTDOWN:
		printf("countdown %u %s: erased in %u s with method %s (%s cancels)\n", d->id, path,
		       d->countdown_s, ui_safe(d->method),
		       m->stdin_tty ? "Enter or Ctrl-C" : "Ctrl-C");
		break;
	case STATION_EV_CANCELLED: printf("cancelled %u %s: nothing written\n", d->id, path); break;
	case STATION_EV_STARTED:
		printf("started %u %s: method %s\n", d->id, path, ui_safe(d->method));
		break;
	case STATION_EV_PROGRESS: text_progress(d); break;
	case STATION_EV_FINISHED: text_finished(d); break;
	default: break;
	}
}

static void show(struct line_mode *m, const struct station_event *ev)
{
	struct station_drive d;

	if (ev->type == STATION_EV_IDLE || ev->type == STATION_EV_CHANGED)
		return;
	if (station_drive_get(m->s, ev->drive, &d))
		return;
	if (ev->type == STATION_EV_PROGRESS && !progress_due(m, d.id))
		return;
	if (m->o->json)
		json_line(station_event_name(ev->type), &d);
	else
		text_line(m, ev->type, &d);
	fflush(stdout);
}

/* A line typed on the terminal cancels every countdown; nothing is written. */
static void read_stdin(struct line_mode *m, struct pollfd *p)
{
	char buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n <= 0)
		p->fd = -1;
	station_cancel_countdowns(m->s);
}

static int line_mode(struct station_cli *o, struct station *s)
{
	struct line_mode m = { .o = o, .s = s, .stdin_tty = isatty(STDIN_FILENO) };
	struct pollfd p[2] = { { station_event_fd(s), POLLIN, 0 },
			       { m.stdin_tty ? STDIN_FILENO : -1, POLLIN, 0 } };
	bool stopping = false, done = false;
	struct station_event ev;

	while (!done) {
		if (ui_interrupted && !stopping) {
			stopping = true;
			station_cancel(s, 0);
		}
		if (stopping && !station_busy(s))
			done = true;
		while (station_event_next(s, &ev) == 0) {
			show(&m, &ev);
			done = done || ev.type == STATION_EV_IDLE;
		}
		if (done)
			break;
		if (poll(p, 2, 500) > 0 && p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP)))
			read_stdin(&m, &p[1]);
	}
	free(m.last);
	return station_exit(s);
}

static int run(struct station_cli *o)
{
	struct station_tui_opts to = { o->auto_mode, o->once, getenv("NO_COLOR") != NULL };
	struct station *s = NULL;
	char summary[PATH_MAX] = "", sent[STATION_TEXT] = "";
	int r, code;

	r = station_new(&o->so, &s);
	if (r) {
		ui_err("station: %s", strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	r = station_run(s);
	if (r) {
		ui_err("station: cannot look at the drives: %s", strerror(-r));
		station_free(s);
		return KESU_EXIT_FAILURE;
	}
	code = -ENOTSUP;
	if (!o->no_tui && !o->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		code = station_tui_run(s, &to);
	if (code == -ENOTSUP)
		code = line_mode(o, s);
	r = station_summary(o, s, summary, sent, sizeof(sent));
	code = ui_exit_worst(code, r);
	if (!r && summary[0] && !o->json)
		printf("machine summary %s%s%s\n", ui_safe(summary), sent[0] ? "; " : "",
		       ui_safe(sent));
	/* nothing lost, but not in the register yet: 24, as kesu ledger add */
	if (o->queued) {
		ui_err("%u queued for the register at %s; run kesu ledger sync", o->queued,
		       ui_safe(ui_ledger_location()));
		code = ui_exit_worst(code, KESU_EXIT_QUEUED);
	}
	station_free(s);
	return code;
}

static int load_key(struct station_cli *o)
{
	const struct kesu_config *cfg = ui_config();
	int r;

	if (!o->cs.sign_key)
		return 0;
	r = certsign_load(&o->cs, CERT_ROLE_OPERATOR, &o->signer);
	if (!r && o->so.labels.operator[0])
		r = certsign_operator_check("station", o->so.labels.operator, o->signer);
	if (r)
		return r;
	o->send_ledger = cfg->ledger_path.line || cfg->ledger_url.line;
	if (o->send_ledger && certsign_trust(NULL, NULL, &o->trust)) {
		ui_warn("certificates will not be sent to the register");
		o->send_ledger = false;
	}
	return 0;
}

int cmd_station(int argc, char **argv)
{
	struct station_cli o;
	int r = station_cli_parse(argc, argv, &o);

	if (r >= 0)
		return r;
	o.so.job.who = ui_who();
	/* the key's passphrase now, once, not after the first drive */
	r = load_key(&o);
	if (!r)
		r = station_machine_dir(&o);
	if (r) {
		cert_signer_free(o.signer);
		cert_trust_free(o.trust);
		return r;
	}
	station_send_open(&o);
	station_hooks(&o);
	ui_catch_interrupts();
	r = run(&o);
	station_send_close(&o);
	cert_signer_free(o.signer);
	cert_trust_free(o.trust);
	return r;
}
