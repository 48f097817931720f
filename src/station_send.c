// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu station: where each drive's results go. The machine's folder in the
 * output directory, the certificate reserved before the drive is written
 * and issued after it (as kesu erase --cert-dir does), the register told
 * (as kesu ledger add does), the security log, and the machine summary.
 * The hooks run in the drives' threads: they print nothing, the line mode
 * or the screen tells the person from what they record.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset_cmd.h"
#include "cert/machine_summary.h"
#include "kesu.h"
#include "ledger_cmd.h"
#include "ledger/asset.h"
#include "ledger/ledger.h"
#include "log.h"
#include "station_cli.h"

int station_machine_dir(struct station_cli *o)
{
	int r = station_machine_folder(o->output_dir, o->machine_tag, o->machine_dir,
				       sizeof(o->machine_dir));

	if (r == -ENAMETOOLONG) {
		ui_err("%s: path too long", ui_safe(o->output_dir));
		return KESU_EXIT_USAGE;
	}
	if (r) {
		ui_err("cannot make the machine's folder in %s: %s", ui_safe(o->output_dir),
		       strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	o->so.report_dir = o->machine_dir;
	return 0;
}

/* The register's holds: asked without printing, from the station's threads. */
static int held(const char *path, const char *serial, const char *asset_tag, char *why, size_t len,
		void *usr)
{
	struct ledger *l = NULL;
	struct asset_gate_ok ok;
	int r = ledger_open(&l, ui_ledger_location(), LEDGER_RDONLY);

	(void)path;
	(void)usr;
	if (r == -ENOENT)
		return 0; /* no register: nothing is held */
	/*
	 * a central register out of reach tells of no hold, as for kesu erase,
	 * which asks only a local one; the certificates queue for it. A server
	 * that was reached and refused us (TLS, password, rights) is a fault of
	 * the set-up: the drive is refused, not erased unchecked.
	 */
	if (r == -EHOSTUNREACH)
		return 0;
	if (r) {
		snprintf(why, len, "the register cannot be read: %s", strerror(-r));
		return r;
	}
	r = asset_gate(l, asset_tag && *asset_tag ? asset_tag : NULL,
		       serial && *serial ? serial : NULL, 0, &ok, why, len);
	ledger_close(l);
	if (r && r != -EPERM && !why[0])
		snprintf(why, len, "the register cannot tell whether it is on hold: %s",
			 strerror(-r));
	return r;
}

/* As kesu erase: the certificate's files, and a signature, exist before the drive is written. */
static int prepare(const struct station_drive *d, const struct erase_target *t, void **slot,
		   void *usr)
{
	struct station_cli *o = usr;
	const struct station_labels *l = &d->labels;
	struct erase_operator op = { .name = l->operator[0] ? l->operator: NULL,
				     .witness = l->witness[0] ? l->witness : NULL,
				     .asset_tag = l->asset_tag[0] ? l->asset_tag : NULL,
				     .reason = l->reason[0] ? l->reason : NULL, };
	struct certsign_out *out = calloc(1, sizeof(*out));
	bool reserving;
	int r;

	if (!out)
		return -ENOMEM;
	r = certsign_prepare(out, t, &op, &o->cs.meta, o->signer, NULL, o->machine_dir, &reserving);
	if (r) {
		free(out);
		return r;
	}
	*slot = out;
	return 0;
}

void station_send_open(struct station_cli *o)
{
	struct ledger_opts lo = { .path = ui_ledger_location() };

	pthread_mutex_init(&o->send_lock, NULL);
	if (o->send_ledger && ledger_writer_start(&lo, &o->writer)) {
		ui_warn("certificates will not be sent to the register");
		o->send_ledger = false;
	}
}

void station_send_close(struct station_cli *o)
{
	ledger_writer_close(o->writer);
	o->writer = NULL;
	pthread_mutex_destroy(&o->send_lock);
}

/* What kesu ledger add does after recording: the asset of the request it fulfils is erased. */
static void asset_erased(struct ledger *l, const struct ledger_cert *lc, char *sent, size_t len)
{
	json_t *doc = json_loadb(lc->data, lc->len, 0, NULL);
	struct asset_outcome out = { 0 };
	char sha256[LEDGER_HASH_HEX], when[32], why[256] = "";
	size_t n = strlen(sent);
	int r = doc ? ledger_sha256_hex(lc->data, lc->len, sha256) : -ENOMEM;

	asset_now(when);
	if (!r)
		r = asset_record_erasure(l, doc, sha256, ui_who(), when, &out, why, sizeof(why));
	if (r)
		snprintf(sent + n, len - n, "; its asset not marked erased: %s",
			 why[0] ? why : strerror(-r));
	else if (out.seq)
		snprintf(sent + n, len - n, "; asset erased as seq %lld", (long long)out.seq);
	json_decref(doc);
}

/*
 * A certificate or the machine summary into the register, as kesu ledger
 * add records it: into the queue while the register's server cannot be
 * reached, for kesu ledger sync to forward. @sent tells the person.
 */
static void send_ledger(struct station_cli *o, const char *file, const char *id, char *sent,
			size_t len)
{
	struct ledger_trust t = { .trust = o->trust, .verdict = CERT_VALID };
	struct ledger_anchor row = { 0 };
	struct ledger_cert lc;
	char why[256] = "", seq[32];
	int r = ledger_cert_load(file, &lc);

	pthread_mutex_lock(&o->send_lock);
	if (!r)
		r = ledger_add_or_queue(o->writer, lc.data, lc.len, &lc.sigs, &t, why, sizeof(why),
					&row);
	snprintf(seq, sizeof(seq), "%lld", (long long)row.seq);
	if (r == LEDGER_QUEUED) {
		o->queued++;
		kesu_audit("station queued", "ledger", ui_ledger_location(), "id", id, "user",
			   ui_who(), NULL);
		snprintf(sent, len, "register: queued (run kesu ledger sync)");
	} else if (r >= 0) {
		if (r != LEDGER_ALREADY)
			kesu_audit("ledger add", "ledger", ui_ledger_location(), "seq", seq,
				   "row_hash", row.hash, "user", ui_who(), NULL);
		snprintf(sent, len, "register seq %s", seq);
		if (r == 0)
			asset_erased(ledger_writer_ledger(o->writer), &lc, sent, len);
	} else {
		snprintf(sent, len, "not in the register: %s", why[0] ? why : strerror(-r));
	}
	pthread_mutex_unlock(&o->send_lock);
	ledger_cert_free(&lc);
}

static int certify(const struct station_drive *d, const struct erase_target *t,
		   const json_t *report, void *slot, struct station_cert *c, void *usr)
{
	struct station_cli *o = usr;
	struct certsign_out *out = slot;
	int r;

	(void)d;
	if (!out)
		return 0;
	r = certsign_issue(out, report, &o->cs.meta, o->signer, c->id);
	if (r)
		return r;
	snprintf(c->path, sizeof(c->path), "%s", out->path);
	kesu_audit("station certificate", "target", t->path, "id", c->id, "file", out->path, "user",
		   ui_who(), NULL);
	if (o->writer)
		send_ledger(o, out->path, c->id, c->sent, sizeof(c->sent));
	return 0;
}

static void release(void *slot, void *usr)
{
	(void)usr;
	certsign_out_release(slot);
	free(slot);
}

void station_hooks(struct station_cli *o)
{
	o->so.held = held;
	o->so.usr = o;
	if (!o->signer)
		return;
	o->so.prepare = prepare;
	o->so.certify = certify;
	o->so.release = release;
}

/* The drives as the summary lists them: erased means verified and, with a key, certified. */
static json_t *summary_doc(struct station_cli *o, const struct station_drive *v, size_t n,
			   char id[37])
{
	struct cert_machine_drive *d = calloc(n, sizeof(*d));
	json_t *doc = NULL;

	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = (struct cert_machine_drive){
			v[i].path,
			v[i].serial,
			v[i].model,
			v[i].cert_id[0] ? v[i].cert_id : NULL,
			v[i].result[0] ? v[i].result : "refused",
			v[i].verified && (!o->signer || v[i].cert_id[0]),
		};
	doc = cert_machine_summary_here(o->machine_tag, d, n, id);
	free(d);
	return doc;
}

int station_summary(struct station_cli *o, struct station *s, char path[PATH_MAX], char *sent,
		    size_t len)
{
	struct station_drive *v = NULL;
	long n = station_machine_drives(s, &v);
	char id[37];
	json_t *doc;
	int r;

	path[0] = sent[0] = '\0';
	if (n <= 0) {
		free(v);
		return n ? KESU_EXIT_FAILURE : 0;
	}
	doc = summary_doc(o, v, (size_t)n, id);
	free(v);
	r = doc ? cert_machine_summary_write(doc, o->machine_dir, o->signer, path, PATH_MAX) :
		  -ENOMEM;
	json_decref(doc);
	if (r) {
		ui_err("%s: cannot write the machine summary: %s", ui_safe(o->machine_dir),
		       strerror(-r));
		path[0] = '\0';
		return ui_exit(r, UI_CTX_NONE);
	}
	kesu_audit("station summary", "file", path, "id", id, "user", ui_who(), NULL);
	if (o->writer)
		send_ledger(o, path, id, sent, len);
	return 0;
}
