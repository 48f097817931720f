// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scsi erase methods: SANITIZE (SBC-4) with IMMED, then REQUEST SENSE
 * until the device says it is done. A sanitize goes on inside the drive
 * when kesu stops polling; a drive left in failure mode says so on every
 * medium access (31/03) until a sanitize completes or EXIT FAILURE MODE.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "caps.h"
#include "erase.h"
#include "fw.h"
#include "log.h"
#include "purge.h"
#include "sanitize_scsi.h"

#define SANITIZE_TIMEOUT_MS 60000u

static void hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

static void set_hex(json_t *detail, const char *key, const uint8_t *b, size_t n)
{
	char s[2 * 64 + 1];

	if (!detail)
		return;
	hex(b, n < 64 ? n : 64, s);
	json_object_set_new(detail, key, json_string(s));
}

/* record @sense in @detail and write the reason; returns its errno */
static int sense_fail(const char *what, const uint8_t *sense, size_t slen, json_t *detail,
		      char *why, size_t len)
{
	struct scsi_sense s;
	int r;

	set_hex(detail, "sense", sense, slen);
	if (scsi_sense_parse(sense, slen, &s) < 0) {
		snprintf(why, len, "%s: check condition without readable sense data", what);
		return -EIO;
	}
	r = scsi_sense_errno(&s);
	if (detail)
		json_object_set_new(detail, "sense_text", json_string(scsi_sense_text(&s)));
	kesu_log(KESU_LOG_DEBUG, "%s: %s (sense key %#x, %02x/%02x)", what, scsi_sense_text(&s),
		 s.key, s.asc, s.ascq);
	if (scsi_sense_sanitize_failed(&s))
		snprintf(why, len,
			 "%s: sanitize failed (%02x/%02x): the device stays in sanitize failure "
			 "mode until a sanitize completes",
			 what, s.asc, s.ascq);
	else if (s.key == SCSI_SK_ILLEGAL_REQUEST && s.asc == 0x24)
		snprintf(why, len, "%s: service action not supported by the device (%02x/%02x)",
			 what, s.asc, s.ascq);
	else
		snprintf(why, len, "%s: %s (sense key %#x, %02x/%02x)", what, scsi_sense_text(&s),
			 s.key, s.asc, s.ascq);
	if (!r)
		r = -EIO; /* a CHECK CONDITION that says nothing is wrong is still not success */
	if (r == -EINVAL && s.asc == 0x24)
		r = -EOPNOTSUPP;
	return r;
}

/* one CDB; positive statuses and check conditions become an errno with a reason */
static int send(struct fw *f, const char *what, const uint8_t *cdb, size_t clen, void *buf,
		size_t blen, int dir, json_t *detail, char *why, size_t len)
{
	uint8_t sense[SCSI_SENSE_LEN];
	size_t slen = 0;
	int r;

	memset(sense, 0, sizeof(sense));
	r = fw_scsi_cdb(f, cdb, clen, buf, blen, dir, SANITIZE_TIMEOUT_MS, sense, &slen);
	if (r == SCSI_STATUS_CHECK_CONDITION)
		return sense_fail(what, sense, slen, detail, why, len);
	if (r > 0) {
		snprintf(why, len, "%s: scsi status %#x", what, (unsigned)r);
		return -EIO;
	}
	if (r < 0)
		snprintf(why, len, "%s: %s", what, strerror(-r));
	return r;
}

struct poll_ctx {
	struct fw *f;
	const struct scsi_sanitize_req *req;
	json_t *detail;
};

/* what REQUEST SENSE said, for a message */
static void sense_status(struct purge_await *w, const struct scsi_sense *s)
{
	snprintf(w->status, sizeof(w->status), "sense %x/%02x/%02x (%s)", s->key, s->asc, s->ascq,
		 scsi_sense_text(s));
	w->progress_valid = s->progress_valid;
	w->progress = s->progress;
}

/*
 * One poll for purge_await(). REQUEST SENSE first (it carries the progress
 * indicator); when it says nothing is pending, TEST UNIT READY confirms
 * that the medium is accessible.
 */
static int poll_once(struct purge_await *w)
{
	const struct poll_ctx *c = w->usr;
	uint8_t cdb[6], data[SCSI_SENSE_LEN], sense[SCSI_SENSE_LEN];
	size_t slen = 0;
	struct scsi_sense s;
	int r;

	scsi_cdb_request_sense(cdb, false, sizeof(data));
	memset(data, 0, sizeof(data));
	r = fw_scsi_cdb(c->f, cdb, 6, data, sizeof(data), FW_DIR_IN, SANITIZE_TIMEOUT_MS, sense,
			&slen);
	if (r == SCSI_STATUS_CHECK_CONDITION) {
		memcpy(data, sense, sizeof(data));
	} else if (r) {
		snprintf(w->why, w->len, "request sense: %s",
			 r < 0 ? strerror(-r) : "unexpected scsi status");
		return r < 0 ? r : -EIO;
	} else {
		slen = sizeof(data);
	}
	if (scsi_sense_parse(data, slen, &s) < 0 && data[0] != 0) {
		snprintf(w->why, w->len, "request sense: unreadable sense data");
		return -EIO;
	}
	sense_status(w, &s);
	if (scsi_sense_in_progress(&s)) {
		if (s.progress_valid && c->req->progress)
			c->req->progress(s.progress, c->req->usr);
		if (s.progress_valid && c->detail)
			json_object_set_new(c->detail, "last_progress", json_integer(s.progress));
		return PURGE_BUSY;
	}
	/* a unit attention (e.g. capacity data changed) is consumed by REQUEST SENSE: ask again */
	if (s.key == SCSI_SK_UNIT_ATTENTION && !scsi_sense_sanitize_failed(&s))
		return PURGE_BUSY;
	if (scsi_sense_sanitize_failed(&s) || scsi_sense_errno(&s))
		return sense_fail("sanitize", data, slen, c->detail, w->why, w->len);
	scsi_cdb_test_unit_ready(cdb);
	r = send(c->f, "test unit ready", cdb, 6, NULL, 0, FW_DIR_NONE, c->detail, w->why, w->len);
	if (r == -EBUSY || r == -EAGAIN)
		return PURGE_BUSY; /* still becoming ready, or a unit attention to read past */
	return r < 0 ? r : PURGE_DONE;
}

int erase_scsi_sanitize(struct fw *f, const struct scsi_sanitize_req *req, json_t *detail,
			char *why, size_t len)
{
	struct poll_ctx c = { .f = f, .req = req, .detail = detail };
	/* SBC-4 gives no time estimate: the default bound of purge_await() */
	struct purge_await w = { .poll = poll_once,
				 .usr = &c,
				 .overwrite = req->sa == SCSI_SANITIZE_OVERWRITE,
				 .timing = req->timing,
				 .abort = req->abort,
				 .detail = detail,
				 .why = why,
				 .len = len };
	uint8_t cdb[10];
	char what[48];
	int r;

	r = scsi_cdb_sanitize(cdb, req->sa,
			      SCSI_SANITIZE_IMMED | (req->ause ? SCSI_SANITIZE_AUSE : 0),
			      (uint16_t)req->param_len);
	if (r) {
		snprintf(why, len, "sanitize: invalid service action or parameters");
		return r;
	}
	snprintf(what, sizeof(what), "sanitize %s", scsi_sa_name(req->sa));
	w.what = what;
	set_hex(detail, "cdb", cdb, sizeof(cdb));
	if (req->param_len)
		set_hex(detail, "parameter_list", req->param, req->param_len);
	kesu_log(KESU_LOG_DEBUG, "%s: sending SANITIZE service action %#x", what, req->sa);
	r = send(f, what, cdb, sizeof(cdb), (void *)req->param, req->param_len,
		 req->param_len ? FW_DIR_OUT : FW_DIR_NONE, detail, why, len);
	return r ? r : purge_await(&w);
}

/* IEEE 2883 / NIST SP 800-88: the category depends on the medium, not on the command */
static const char *media_category(const struct erase_caps *c)
{
	return c && c->usb ? "clear" : "purge";
}

static const char *media_name(const struct erase_caps *c)
{
	if (!c)
		return "unknown";
	return c->usb ? "usb" : c->rotational ? "rotational" : "solid-state";
}

bool erase_scsi_supported(const struct erase_caps *c, uint8_t sa, char *why, size_t len)
{
	const struct sanitize_scsi_caps *s = c ? &c->scsi_caps : NULL;
	int i = scsi_sa_index(sa);

	if (!c || !c->scsi || !s->valid) {
		snprintf(why, len, "no SCSI device answered INQUIRY%s%s",
			 c && c->why[0] ? ": " : "", c ? c->why : "");
		return false;
	}
	if (!s->rsoc) {
		snprintf(why, len,
			 "sanitize %s cannot be confirmed: REPORT SUPPORTED OPERATION CODES "
			 "refused (%s)%s",
			 scsi_sa_name(sa), s->rsoc_why,
			 c->usb ? "; USB flash media whose controller offers no sanitize" : "");
		return false;
	}
	if (i < 0 || s->support[i] != SCSI_RSOC_SUPPORTED) {
		snprintf(why, len,
			 "sanitize %s %s (REPORT SUPPORTED OPERATION CODES: support %u)%s",
			 scsi_sa_name(sa),
			 i >= 0 && s->support[i] == SCSI_RSOC_UNKNOWN ?
				 "not reported by the device" :
				 "not supported",
			 i < 0 ? 0 : s->support_raw[i],
			 c->usb ? "; USB flash media whose controller offers no sanitize" : "");
		return false;
	}
	if (sa == SCSI_SANITIZE_OVERWRITE && !s->capacity_valid) {
		snprintf(why, len, "sanitize overwrite needs the block length (READ CAPACITY(16))");
		return false;
	}
	return true;
}

static bool ovw_supported(const struct erase_caps *c, char *why, size_t len)
{
	return erase_scsi_supported(c, SCSI_SANITIZE_OVERWRITE, why, len);
}

static bool blk_supported(const struct erase_caps *c, char *why, size_t len)
{
	return erase_scsi_supported(c, SCSI_SANITIZE_BLOCK, why, len);
}

static bool cry_supported(const struct erase_caps *c, char *why, size_t len)
{
	return erase_scsi_supported(c, SCSI_SANITIZE_CRYPTO, why, len);
}

static void report_progress(uint32_t done, void *usr)
{
	const struct erase_opts *o = usr;
	struct progress p = { .target = o->path,
			      .phase = "sanitize",
			      .pass = 1,
			      .npasses = 1,
			      .done = done,
			      .total = 65536 };

	if (o->progress)
		o->progress(&p, o->progress_usr);
}

static int exec_sa(uint8_t sa, const struct erase_opts *o, json_t *detail, char *why, size_t len)
{
	static const uint8_t zero[4] = { 0 };
	uint8_t param[8];
	struct scsi_sanitize_req req = { .sa = sa,
					 .timing = o->timing,
					 .progress = report_progress,
					 .usr = (void *)o,
					 .abort = o->abort };
	int r;

	if (!erase_scsi_supported(o->caps, sa, why, len))
		return -EOPNOTSUPP;
	if (sa == SCSI_SANITIZE_OVERWRITE) {
		/* one pass of zeros: afterwards every block must read as zero */
		r = scsi_sanitize_overwrite_param(param, sizeof(param), 1, false, zero,
						  sizeof(zero), o->caps->scsi_caps.block_len);
		if (r < 0) {
			snprintf(why, len, "sanitize overwrite: cannot build the parameter list");
			return r;
		}
		req.param = param;
		req.param_len = (size_t)r;
	}
	json_object_set_new(detail, "service_action", json_integer(sa));
	json_object_set_new(detail, "media", json_string(media_name(o->caps)));
	json_object_set_new(detail, "category", json_string(media_category(o->caps)));
	return erase_scsi_sanitize(o->fw, &req, detail, why, len);
}

static int ovw_exec(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		    json_t *detail, char *why, size_t len)
{
	(void)d;
	(void)plan;
	return exec_sa(SCSI_SANITIZE_OVERWRITE, o, detail, why, len);
}

static int blk_exec(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		    json_t *detail, char *why, size_t len)
{
	(void)d;
	(void)plan;
	return exec_sa(SCSI_SANITIZE_BLOCK, o, detail, why, len);
}

static int cry_exec(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		    json_t *detail, char *why, size_t len)
{
	(void)d;
	(void)plan;
	return exec_sa(SCSI_SANITIZE_CRYPTO, o, detail, why, len);
}

static bool expect_zero(const struct erase_opts *o, struct pattern *p)
{
	(void)o;
	return pattern_parse("zero", p) == 0;
}

/* after block erase and crypto erase SBC-4 leaves what the blocks read as to the device */
static bool expect_none(const struct erase_opts *o, struct pattern *p)
{
	(void)o;
	(void)p;
	return false;
}

/* the drive does the work: no overwrite passes in the plan */
static int no_passes(struct erase_plan *plan, const char *arg)
{
	(void)plan;
	(void)arg;
	return 0;
}

static const struct purge_cmd ovw_cmd = { "scsi sanitize overwrite", ovw_exec, expect_zero };
static const struct purge_cmd blk_cmd = { "scsi sanitize block erase", blk_exec, expect_none };
static const struct purge_cmd cry_cmd = { "scsi sanitize crypto erase", cry_exec, expect_none };

static int ovw_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		   struct erase_result *r)
{
	return purge_run(d, plan, o, r, &ovw_cmd);
}

static int blk_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		   struct erase_result *r)
{
	return purge_run(d, plan, o, r, &blk_cmd);
}

static int cry_run(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		   struct erase_result *r)
{
	return purge_run(d, plan, o, r, &cry_cmd);
}

const struct erase_method erase_methods_scsi[] = {
	{ "scsi-sanitize-crypto", "purge", "crypto-erase",
	  "SCSI SANITIZE cryptographic erase: the drive changes its media encryption key",
	  no_passes, cry_run, cry_supported },
	{ "scsi-sanitize-block", "purge", "block-erase",
	  "SCSI SANITIZE block erase: the drive erases every block, spare area included", no_passes,
	  blk_run, blk_supported },
	{ "scsi-sanitize-overwrite", "purge", "overwrite",
	  "SCSI SANITIZE overwrite: the drive writes zeros to every block, spare area included",
	  no_passes, ovw_run, ovw_supported },
	{ NULL },
};
