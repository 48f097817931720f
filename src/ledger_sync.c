// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger sync and status: the queue of certificates waiting for the register's server. */
#include "asset_gate.h"
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "certsign.h"
#include "conffile.h"
#include "kesu.h"
#include "ledger_cmd.h"

int ledger_queue_path(const struct ledger_opts *o, char *path, size_t len)
{
	const struct config_value *v = &ui_config()->ledger_queue;
	int r;

	if (o->queue || v->line) {
		snprintf(path, len, "%s", o->queue ? o->queue : v->text);
		return 0;
	}
	r = ledger_queue_default(path, len);
	if (r < 0) {
		ui_err("no queue: no home directory for the default; give --queue or [ledger] "
		       "queue in kesu.conf");
		return ui_exit(r, UI_CTX_NONE);
	}
	return 0;
}

struct sync_ctx {
	const char *path;
	const struct ledger_trust *t;
	bool log_warned;
	int ret; /* the worst of the certificates' own outcomes */
};

static int synced(struct ledger *l, const struct ledger_queued *q, void *usr)
{
	struct sync_ctx *s = usr;

	if (q->result == LEDGER_ALREADY) {
		printf("%s: already recorded as seq %" PRId64 "\n", ui_safe(q->id), q->row.seq);
	} else if (q->result >= 0) {
		printf("%s: %s as seq %" PRId64 ", head %" PRId64 ":%s\n", ui_safe(q->id),
		       q->result == LEDGER_SIGS_ADDED ? "signatures added" : "recorded", q->row.seq,
		       q->row.seq, q->row.hash);
		ledger_audit_head(s->path, &q->row, &s->log_warned);
		/* what ledger add does after recording: an approved disposal's asset is erased */
		if (q->result == 0)
			s->ret = ui_exit_worst(s->ret, asset_gate_erased(l, q->cert, q->len));
	} else {
		ui_err("%s: refused by the register, stays in the queue: %s", ui_safe(q->id),
		       ui_safe(q->error));
		/* as ledger add: the verdict's own code first */
		s->ret =
			ui_exit_worst(s->ret, s->t->verdict != CERT_VALID && q->result != -EEXIST ?
						      ui_exit(-(int)s->t->verdict, UI_CTX_VERDICT) :
						      ui_exit(q->result, UI_CTX_CERT));
	}
	return 0;
}

int ledger_cmd_sync(int argc, char **argv)
{
	static const struct action a = {
		.queue = true,
		.options = QUEUE_HELP "  and the trust store that add uses:\n"
				      "  --trust DIR, --trust-ca CA.pem\n",
	};
	struct sync_ctx s = { .ret = KESU_EXIT_SUCCESS };
	struct ledger_sync_stats st;
	struct cert_trust *ct = NULL;
	struct ledger_trust t = { 0 };
	struct ledger_opts o;
	char queue[4096];
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0 || (r = ledger_queue_path(&o, queue, sizeof(queue))) ||
	    (r = certsign_trust(o.trust, o.trust_ca, &ct)))
		return r;
	s.path = o.path;
	s.t = &t;
	t.trust = ct;
	r = ledger_sync(o.path, queue, &t, synced, &s, &st);
	cert_trust_free(ct);
	if (r == -ENOENT || r == -EPROTO || r == -EBADMSG || r == -EACCES || r == -ECONNREFUSED ||
	    r == -EHOSTUNREACH)
		ledger_open_error(o.path, r);
	else if (r == -ECONNRESET)
		ui_err("%s: the connection to the ledger's server was lost", ui_safe(o.path));
	else if (r < 0)
		ui_err("cannot sync %s to %s: %s", ui_safe(queue), ui_safe(o.path), strerror(-r));
	if (fflush(stdout) == EOF)
		s.ret = ui_exit_worst(s.ret, KESU_EXIT_IO);
	fprintf(stderr,
		"kesu: %s: %" PRId64 " recorded, %" PRId64 " found recorded already, %" PRId64
		" refused; %" PRId64 " left in the queue\n",
		ui_safe(o.path), st.recorded, st.already, st.refused, st.left);
	if (r == -EHOSTUNREACH || r == -ECONNRESET)
		return KESU_EXIT_QUEUED;
	if (r < 0)
		return ui_exit(r, UI_CTX_NONE);
	return s.ret;
}

struct status_ctx {
	json_t *docs;
	int64_t n, refused;
	char oldest[32];
};

static int status_one(struct ledger *l, const struct ledger_queued *q, void *usr)
{
	struct status_ctx *s = usr;

	(void)l;
	if (!s->n++)
		snprintf(s->oldest, sizeof(s->oldest), "%s", q->queued);
	s->refused += q->error != NULL;
	return json_array_append_new(s->docs,
				     json_pack("{s:I,s:s,s:s,s:I,s:s?}", "n", (json_int_t)q->n,
					       "certificate_id", q->id, "queued", q->queued,
					       "tries", (json_int_t)q->tries, "error", q->error)) ?
		       -ENOMEM :
		       0;
}

/* the summary line, then each certificate the register refused, with its reason */
static int status_text(const struct ledger_opts *o, const char *queue, struct status_ctx *s)
{
	size_t i;
	json_t *d;

	if (!s->n)
		printf("%s: nothing queued for %s\n", ui_safe(queue), ui_safe(o->path));
	else
		printf("%s: %" PRId64 " queued for %s, the oldest since %s, %" PRId64
		       " refused by the register\n",
		       ui_safe(queue), s->n, ui_safe(o->path), s->oldest, s->refused);
	json_array_foreach(s->docs, i, d)
	{
		const char *error = json_string_value(json_object_get(d, "error"));
		json_int_t tries = json_integer_value(json_object_get(d, "tries"));

		if (error)
			printf("  %s queued %s, refused %" JSON_INTEGER_FORMAT " time%s: %s\n",
			       ui_safe(json_string_value(json_object_get(d, "certificate_id"))),
			       json_string_value(json_object_get(d, "queued")), tries,
			       tries == 1 ? "" : "s", ui_safe(error));
	}
	return fflush(stdout) == EOF ? (errno ? -errno : -EIO) : 0;
}

static int status_print(const struct ledger_opts *o, const char *queue, struct status_ctx *s)
{
	json_t *doc;
	int r;

	if (!o->json)
		return status_text(o, queue, s);
	doc = json_pack("{s:s,s:s,s:I,s:s?,s:I,s:O}", "queue", queue, "ledger", o->path, "queued",
			(json_int_t)s->n, "oldest", s->n ? s->oldest : NULL, "refused",
			(json_int_t)s->refused, "documents", s->docs);
	r = doc ? ui_print_json(stdout, doc) : -ENOMEM;
	json_decref(doc);
	return r;
}

int ledger_cmd_status(int argc, char **argv)
{
	static const struct action a = { .queue = true,
					 .json = true,
					 .options = QUEUE_HELP JSON_HELP };
	struct status_ctx s = { 0 };
	struct ledger_opts o;
	char queue[4096];
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0 || (r = ledger_queue_path(&o, queue, sizeof(queue))))
		return r;
	s.docs = json_array();
	if (!s.docs)
		return ui_exit(-ENOMEM, UI_CTX_NONE);
	r = ledger_queue_list(queue, o.path, status_one, &s);
	if (r < 0) {
		ui_err("cannot read the queue %s: %s", ui_safe(queue), strerror(-r));
		json_decref(s.docs);
		return ui_exit(r, UI_CTX_NONE);
	}
	r = status_print(&o, queue, &s);
	json_decref(s.docs);
	if (r < 0) {
		ui_err("cannot write to standard output: %s", strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	/* something waits: a monitor sees it in the status alone */
	return s.n ? KESU_EXIT_QUEUED : KESU_EXIT_SUCCESS;
}
