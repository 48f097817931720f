// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger add: record certificates, or queue them while the register's server is away. */
#include "asset_gate.h"
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "certsign.h"
#include "kesu.h"
#include "ledger_cmd.h"
#include "log.h"

void ledger_audit_head(const char *path, const struct ledger_anchor *row, bool *warned)
{
	char seqs[32];

	/* every head in the security log: anchors the ledger file cannot rewrite */
	snprintf(seqs, sizeof(seqs), "%" PRId64, row->seq);
	if (kesu_audit("ledger add", "ledger", path, "seq", seqs, "row_hash", row->hash, "user",
		       ui_who(), NULL) < 0 &&
	    !*warned) {
		ui_warn("the security log cannot be reached: the ledger's new heads are not "
			"recorded there; keep the heads printed here as anchors");
		*warned = true;
	}
}

/* the register is not reached, or earlier certificates wait: @file waits in the queue */
static void say_queued(struct ledger_writer *w, const char *lpath, const char *file)
{
	if (ledger_writer_unreachable(w) == -EALREADY)
		ui_err("%s: queued: earlier certificates for the register at %s wait in the queue; "
		       "run kesu ledger sync",
		       ui_safe(file), ui_safe(lpath));
	else
		ui_err("%s: queued: the register at %s is unreachable; run kesu ledger sync",
		       ui_safe(file), ui_safe(lpath));
}

/*
 * Certificates per write transaction: one commit (and one sync to the disk)
 * for each batch, and the register's write lock held for about a tenth of
 * a second, so that other stations are not kept waiting long.
 */
#define ADD_BATCH 256

/* ADD_BATCH; a test build may take a smaller one, to see batches end and begin */
static size_t batch_size(void)
{
#ifdef KESU_TEST_HOOKS
	const char *hook = getenv("KESU_TEST_LEDGER_BATCH");
	long n = hook ? strtol(hook, NULL, 10) : 0;

	if (n > 0 && n < ADD_BATCH)
		return (size_t)n;
#endif
	return ADD_BATCH;
}

/* One file of the command line, loaded, and what became of it. */
struct add_file {
	const char *path;
	struct ledger_cert c;
	int loaded; /* ledger_cert_load()'s result */
	struct ledger_trust t;
	struct ledger_batch_item *it; /* NULL when it could not be loaded */
};

/* What became of @f, said after its batch ended. Return: its exit status */
static int report_one(struct ledger_writer *w, const char *lpath, struct add_file *f,
		      bool *log_warned)
{
	const char *file = f->path;
	struct ledger_batch_item *it = f->it;
	int r, ret;

	if (f->loaded < 0) {
		ui_err("%s: %s", ui_safe(f->c.failed ? f->c.failed : file),
		       ledger_errtext(f->loaded));
		/* a directory is usage (2), missing is failure (1), too large is malformed (9) */
		return ui_exit(f->loaded, UI_CTX_CERT);
	}
	r = it->result;
	if (r == LEDGER_QUEUED) {
		say_queued(w, lpath, file);
		return KESU_EXIT_QUEUED;
	}
	if (r == LEDGER_ALREADY)
		printf("%s: already recorded as seq %" PRId64 "\n", ui_safe(file), it->row.seq);
	else if (r >= 0)
		printf("%s: %s as seq %" PRId64 ", head %" PRId64 ":%s\n", ui_safe(file),
		       r == LEDGER_SIGS_ADDED ? "signatures added" : "recorded", it->row.seq,
		       it->row.seq, it->row.hash);
	if (r >= 0 && r != LEDGER_ALREADY)
		ledger_audit_head(lpath, &it->row, log_warned);
	if (r < 0)
		ui_err("%s: not recorded: %s", ui_safe(file), ui_safe(it->why));
	/* the certificate of an approved disposal: its asset is erased now */
	if (r == 0 && (ret = asset_gate_erased(ledger_writer_ledger(w), f->c.data, f->c.len)))
		return ret;
	/* the verdict's own exit code first: it knows a bad signature from bad JSON */
	if (r < 0 && r != -EEXIST && f->t.verdict != CERT_VALID)
		return ui_exit(-(int)f->t.verdict, UI_CTX_VERDICT);
	return ui_exit(r < 0 ? r : 0, UI_CTX_CERT);
}

/* Load @n files into @f, the loaded ones into @it. Return: how many items */
static size_t load_batch(struct add_file *f, struct ledger_batch_item *it, char **paths, size_t n,
			 const struct cert_trust *ct)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].path = paths[i];
		f[i].loaded = ledger_cert_load(paths[i], &f[i].c);
		if (f[i].loaded < 0)
			continue;
		f[i].t.trust = ct;
		f[i].t.verdict = CERT_VALID;
		f[i].it = &it[k];
		it[k++] = (struct ledger_batch_item){
			.cert = f[i].c.data, .len = f[i].c.len, .sigs = &f[i].c.sigs, .usr = &f[i].t
		};
	}
	return k;
}

/*
 * Add the files in batches; the messages of a batch come after its end, so
 * that none says "recorded" of a row that was rolled back.
 * Return: the status of the first certificate not recorded or queued, else
 * KESU_EXIT_QUEUED when one was queued
 */
static int add_all(struct ledger_writer *w, const struct ledger_opts *o,
		   const struct cert_trust *ct)
{
	struct add_file *f = calloc(ADD_BATCH, sizeof(*f));
	struct ledger_batch_item *it = calloc(ADD_BATCH, sizeof(*it));
	bool log_warned = false, queued = false;
	size_t max = batch_size();
	int ret = KESU_EXIT_SUCCESS;

	if (!f || !it) {
		free(f);
		free(it);
		ui_err("%s", strerror(ENOMEM));
		return ui_exit(-ENOMEM, UI_CTX_NONE);
	}
	for (int done = 0; done < o->nargs;) {
		size_t n = (size_t)(o->nargs - done) < max ? (size_t)(o->nargs - done) : max;
		size_t k = load_batch(f, it, o->args + done, n, ct);

		if (k)
			ledger_add_or_queue_batch(w, it, k);
		for (size_t i = 0; i < n; i++) {
			int r = report_one(w, o->path, &f[i], &log_warned);

			queued |= r == KESU_EXIT_QUEUED;
			if (ret == KESU_EXIT_SUCCESS && r != KESU_EXIT_QUEUED)
				ret = r;
			ledger_cert_free(&f[i].c);
		}
		done += (int)n;
	}
	free(f);
	free(it);
	return ret == KESU_EXIT_SUCCESS && queued ? KESU_EXIT_QUEUED : ret;
}

int ledger_writer_start(const struct ledger_opts *o, struct ledger_writer **w)
{
	char why[256], queue[4096];
	int r = ledger_location_check(o->path, why, sizeof(why));

	/* not the location itself: it may hold the password it is refused for */
	if (r == -EINVAL) {
		ui_err("ledger location refused: %s", why);
		return ui_exit(r, UI_CTX_NONE);
	}
	if ((r = ledger_queue_path(o, queue, sizeof(queue))))
		return r;
	r = ledger_writer_open(w, o->path, queue);
	if (r < 0) {
		ledger_open_error(o->path, r);
		return ui_exit(r, UI_CTX_NONE);
	}
	return 0;
}

int ledger_cmd_add(int argc, char **argv)
{
	static const struct action a = {
		.min = 1, .max = 1 << 20, .queue = true, .options = TRUST_HELP QUEUE_HELP
	};
	struct cert_trust *ct = NULL;
	struct ledger_writer *w;
	struct ledger_opts o;
	int ret = ledger_args(argc, argv, &a, &o);

	if (ret >= 0 || (ret = certsign_trust(o.trust, o.trust_ca, &ct)))
		return ret;
	if ((ret = ledger_writer_start(&o, &w))) {
		cert_trust_free(ct);
		return ret;
	}
	ret = add_all(w, &o, ct);
	ledger_writer_close(w);
	cert_trust_free(ct);
	/* the lines said what was recorded: losing them is a write failure (6) */
	if (fflush(stdout) == EOF && (!ret || ret == KESU_EXIT_QUEUED)) {
		int err = errno ? -errno : -EIO;

		ui_err("cannot write to standard output: %s", strerror(-err));
		ret = ui_exit(err, UI_CTX_NONE);
	}
	return ret;
}
