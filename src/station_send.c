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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asset_cmd.h"
#include "cert/jcs.h"
#include "cert/machine_summary.h"
#include "conffile.h"
#include "jsonutil.h"
#include "kesu.h"
#include "ledger_cmd.h"
#include "ledger/asset.h"
#include "ledger/ledger.h"
#include "log.h"
#include "outfile.h"
#include "secmem.h"
#include "station_cli.h"
#include "sysfs.h"

/* letters, digits, dot, dash, underscore: safe in a file name, as erase_target_name() */
static void safe_name(const char *in, char *out, size_t len)
{
	size_t i = 0;

	for (; in && in[i] && i + 1 < len; i++) {
		char c = in[i];
		bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			  (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_';

		out[i] = ok ? c : '_';
	}
	out[i] = '\0';
	if (out[0] == '.')
		out[0] = '_';
}

int station_machine_dir(struct station_cli *o)
{
	struct sysfs_dmi dmi;
	char serial[65], tag[65];
	int n;

	if (sysfs_dmi_read(&dmi)) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	safe_name(dmi.serial && *dmi.serial ? dmi.serial : "unknown-serial", serial,
		  sizeof(serial));
	safe_name(o->machine_tag		  ? o->machine_tag :
		  dmi.asset_tag && *dmi.asset_tag ? dmi.asset_tag :
						    "no-tag",
		  tag, sizeof(tag));
	sysfs_dmi_free(&dmi);
	n = snprintf(o->machine_dir, sizeof(o->machine_dir), "%s/%s-%s", o->output_dir, serial,
		     tag);
	if (n < 0 || (size_t)n >= sizeof(o->machine_dir)) {
		ui_err("%s: path too long", ui_safe(o->output_dir));
		return KESU_EXIT_USAGE;
	}
	if (mkdir(o->machine_dir, 0750) && errno != EEXIST) {
		int r = -errno;

		ui_err("cannot make %s: %s", ui_safe(o->machine_dir), strerror(-r));
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
	 * which asks only a local one; the certificates queue for it
	 */
	if (r == -EHOSTUNREACH || r == -ECONNREFUSED)
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
 * The certificate into the register, as kesu ledger add records it: into
 * the queue while the register's server cannot be reached, for kesu ledger
 * sync to forward.
 */
static void send_ledger(struct station_cli *o, const char *cert, struct station_cert *c)
{
	struct ledger_trust t = { .trust = o->trust, .verdict = CERT_VALID };
	struct ledger_anchor row = { 0 };
	struct ledger_cert lc;
	char why[256] = "", seq[32];
	int r = ledger_cert_load(cert, &lc);

	pthread_mutex_lock(&o->send_lock);
	if (!r)
		r = ledger_add_or_queue(o->writer, lc.data, lc.len, &lc.sigs, &t, why, sizeof(why),
					&row);
	snprintf(seq, sizeof(seq), "%lld", (long long)row.seq);
	if (r == LEDGER_QUEUED) {
		o->queued++;
		kesu_audit("station queued", "ledger", ui_ledger_location(), "id", c->id, "user",
			   ui_who(), NULL);
		snprintf(c->sent, sizeof(c->sent), "register: queued (run kesu ledger sync)");
	} else if (r >= 0) {
		if (r != LEDGER_ALREADY)
			kesu_audit("ledger add", "ledger", ui_ledger_location(), "seq", seq,
				   "row_hash", row.hash, "user", ui_who(), NULL);
		snprintf(c->sent, sizeof(c->sent), "register seq %s", seq);
		if (r == 0)
			asset_erased(ledger_writer_ledger(o->writer), &lc, c->sent,
				     sizeof(c->sent));
	} else {
		snprintf(c->sent, sizeof(c->sent), "not in the register: %s",
			 why[0] ? why : strerror(-r));
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
		send_ledger(o, out->path, c);
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

/* A file written whole or not at all. */
static int write_file(const char *path, const void *data, size_t len)
{
	struct outfile of = { .fd = -1, .dirfd = -1 };
	int r = outfile_reserve(&of, path, len, 0);

	if (!r)
		r = outfile_commit(&of, data, len);
	outfile_release(&of);
	return r;
}

/* The drives of the machine: those that ran, and those named that did not. */
static size_t summary_drives(struct station *s, struct station_drive **out)
{
	size_t n = 0;

	station_lock(s);
	*out = calloc(station_count(s) + 1, sizeof(**out));
	for (size_t i = 0; *out && i < station_count(s); i++) {
		const struct station_drive *d = station_drive_at(s, i);

		if (d->ran || d->named)
			(*out)[n++] = *d;
	}
	station_unlock(s);
	return n;
}

static json_t *summary_doc(struct station_cli *o, const struct station_drive *v, size_t n,
			   char id[37])
{
	struct cert_machine_drive *d = calloc(n, sizeof(*d));
	struct sysfs_dmi dmi = { 0 };
	struct cert_machine_host h;
	char when[32];
	time_t now = time(NULL);
	json_t *doc = NULL;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	secmem_uuid(id);
	if (d && !sysfs_dmi_read(&dmi)) {
		h = (struct cert_machine_host){ dmi.manufacturer, dmi.product,	 dmi.serial,
						dmi.uuid,	  dmi.asset_tag, o->machine_tag };
		if (!h.tag)
			h.tag = dmi.asset_tag;
		for (size_t i = 0; i < n; i++)
			d[i] = (struct cert_machine_drive){
				v[i].path,
				v[i].serial,
				v[i].model,
				v[i].cert_id[0] ? v[i].cert_id : NULL,
				v[i].result[0] ? v[i].result : "refused",
				v[i].verified && (!o->signer || v[i].cert_id[0]),
			};
		doc = cert_machine_summary(&h, d, n, id, when);
		sysfs_dmi_free(&dmi);
	}
	free(d);
	return doc;
}

static int write_summary(struct station_cli *o, const json_t *doc, const char *id, char *path)
{
	char *text = NULL, *sigpath = NULL;
	void *sig = NULL;
	size_t len, siglen;
	int r = jcs_dump(doc, &text, &len);

	if (!r && snprintf(path, PATH_MAX, "%s/machine-%s.json", o->machine_dir, id) >= PATH_MAX)
		r = -ENAMETOOLONG;
	if (!r)
		r = write_file(path, text, len);
	if (!r && o->signer)
		r = cert_sign(o->signer, text, len, id, CERT_ROLE_OPERATOR, NULL, &sig, &siglen);
	if (!r && o->signer && asprintf(&sigpath, "%s.%s", path, cert_signer_ext(o->signer)) < 0)
		r = -ENOMEM;
	if (!r && sigpath)
		r = write_file(sigpath, sig, siglen);
	if (!r)
		kesu_audit("station summary", "file", path, "id", id, "user", ui_who(), NULL);
	free(text);
	free(sig);
	free(sigpath);
	return r;
}

int station_summary(struct station_cli *o, struct station *s, char path[PATH_MAX])
{
	struct station_drive *v = NULL;
	size_t n = summary_drives(s, &v);
	char id[37];
	json_t *doc;
	int r;

	path[0] = '\0';
	if (!v || !n) {
		free(v);
		return v ? 0 : KESU_EXIT_FAILURE;
	}
	doc = summary_doc(o, v, n, id);
	free(v);
	r = doc ? write_summary(o, doc, id, path) : -ENOMEM;
	json_decref(doc);
	if (r) {
		ui_err("%s: cannot write the machine summary: %s", ui_safe(o->machine_dir),
		       strerror(-r));
		path[0] = '\0';
		return ui_exit(r, UI_CTX_NONE);
	}
	return 0;
}
