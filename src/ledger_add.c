// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger add: record certificates, or queue them while the register's server is away. */
#include "asset_gate.h"
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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

static int add_one(struct ledger_writer *w, const char *lpath, const char *file,
		   struct ledger_trust *t, bool *log_warned)
{
	char why[256];
	struct ledger_anchor row = { 0 };
	struct ledger_cert c;
	int r = ledger_cert_load(file, &c), ret = KESU_EXIT_FAILURE;

	if (r < 0) {
		ui_err("%s: %s", ui_safe(c.failed ? c.failed : file), ledger_errtext(r));
		/* a directory is usage (2), missing is failure (1), too large is malformed (9) */
		ret = ui_exit(r, UI_CTX_CERT);
		goto out;
	}
	t->verdict = CERT_VALID;
	r = ledger_add_or_queue(w, c.data, c.len, &c.sigs, t, why, sizeof(why), &row);
	if (r == LEDGER_QUEUED) {
		say_queued(w, lpath, file);
		ret = KESU_EXIT_QUEUED;
		goto out;
	}
	if (r == LEDGER_ALREADY)
		printf("%s: already recorded as seq %" PRId64 "\n", ui_safe(file), row.seq);
	else if (r >= 0)
		printf("%s: %s as seq %" PRId64 ", head %" PRId64 ":%s\n", ui_safe(file),
		       r == LEDGER_SIGS_ADDED ? "signatures added" : "recorded", row.seq, row.seq,
		       row.hash);
	if (r >= 0 && r != LEDGER_ALREADY)
		ledger_audit_head(lpath, &row, log_warned);
	if (r < 0)
		ui_err("%s: not recorded: %s", ui_safe(file), ui_safe(why));
	/* the certificate of an approved disposal: its asset is erased now */
	if (r == 0 && (ret = asset_gate_erased(ledger_writer_ledger(w), c.data, c.len)))
		goto out;
	/* the verdict's own exit code first: it knows a bad signature from bad JSON */
	if (r < 0 && r != -EEXIST && t->verdict != CERT_VALID)
		ret = ui_exit(-(int)t->verdict, UI_CTX_VERDICT);
	else
		ret = ui_exit(r < 0 ? r : 0, UI_CTX_CERT);
out:
	ledger_cert_free(&c);
	return ret;
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
	struct ledger_trust t = { 0 };
	struct ledger_writer *w;
	struct ledger_opts o;
	bool log_warned = false, queued = false;
	int ret = ledger_args(argc, argv, &a, &o);

	if (ret >= 0 || (ret = certsign_trust(o.trust, o.trust_ca, &ct)))
		return ret;
	if ((ret = ledger_writer_start(&o, &w))) {
		cert_trust_free(ct);
		return ret;
	}
	t.trust = ct;
	for (int i = 0; i < o.nargs; i++) {
		int r = add_one(w, o.path, o.args[i], &t, &log_warned);

		/* the status of the first certificate that was not recorded or queued */
		queued |= r == KESU_EXIT_QUEUED;
		if (ret == KESU_EXIT_SUCCESS && r != KESU_EXIT_QUEUED)
			ret = r;
	}
	ledger_writer_close(w);
	cert_trust_free(ct);
	if (ret == KESU_EXIT_SUCCESS && queued)
		ret = KESU_EXIT_QUEUED;
	/* the lines said what was recorded: losing them is a write failure (6) */
	if (fflush(stdout) == EOF && (!ret || ret == KESU_EXIT_QUEUED)) {
		int err = errno ? -errno : -EIO;

		ui_err("cannot write to standard output: %s", strerror(-err));
		ret = ui_exit(err, UI_CTX_NONE);
	}
	return ret;
}
