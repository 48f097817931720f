// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ATA erase methods: SECURITY ERASE UNIT (normal and enhanced) under a
 * temporary user password, and SANITIZE DEVICE crypto scramble, block erase
 * and overwrite with SANITIZE STATUS EXT polling. Each runs through
 * purge_run(): sample, command, verify.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "purge.h"

#define ATA_SHORT_TIMEOUT_MS 30000

/*
 * The temporary user password. It is not a secret: it only has to be known
 * to whoever must unlock the drive if kesu cannot remove it again, so every
 * message that says it is still set names it.
 */
static const uint8_t temp_pw[] = { 'k', 'e', 's', 'u' };
#define TEMP_PW_TEXT "kesu"

static int sec_cmd(struct fw *f, uint8_t command, unsigned flags, unsigned timeout_ms, char *why,
		   size_t len)
{
	uint8_t cdb[ATA_CDB_LEN], blk[ATA_SEC_BLOCK_LEN];
	int ret;

	ret = ata_cdb_security(cdb, command);
	if (ret)
		return ret;
	if (command == ATA_CMD_SEC_ERASE_PREPARE)
		return erase_ata_cmd(f, cdb, NULL, 0, FW_DIR_NONE, timeout_ms, NULL, why, len);
	ret = ata_sec_block(blk, flags, temp_pw, sizeof(temp_pw));
	if (ret)
		return ret;
	return erase_ata_cmd(f, cdb, blk, sizeof(blk), FW_DIR_OUT, timeout_ms, NULL, why, len);
}

/* why the security state of @id does not allow an erase; 0 when it does */
static int sec_refusal(const struct sanitize_ata_id *id, bool enhanced, char *why, size_t len)
{
	if (!id->sec_supported) {
		snprintf(why, len, "the drive does not support the ATA Security feature set");
		return -EOPNOTSUPP;
	}
	if (enhanced && !id->sec_enhanced) {
		snprintf(why, len, "the drive does not support enhanced security erase");
		return -EOPNOTSUPP;
	}
	if (id->sec_frozen) {
		snprintf(why, len,
			 "security frozen by the firmware: suspend and resume the machine, or "
			 "hot-plug the drive (unplug and replug its power), then try again");
		return -EPERM;
	}
	if (id->sec_locked) {
		snprintf(why, len, "the drive is locked with a password kesu did not set");
		return -EPERM;
	}
	if (id->sec_enabled) {
		snprintf(why, len, "a user password is already set on the drive");
		return -EPERM;
	}
	if (id->sec_count_expired) {
		snprintf(why, len, "password attempts exhausted: power-cycle the drive");
		return -EPERM;
	}
	return 0;
}

static void put_state(json_t *detail, const char *key, const struct sanitize_ata_id *id, bool ok)
{
	json_t *s;

	if (!ok) {
		json_object_set_new(detail, key, json_null());
		return;
	}
	s = json_pack("{s:b,s:b,s:b,s:b}", "password_set", id->sec_enabled, "locked",
		      id->sec_locked, "frozen", id->sec_frozen, "count_expired",
		      id->sec_count_expired);
	json_object_set_new(detail, key, s);
}

/*
 * A step failed after the temporary password was set: unlock if needed,
 * disable the password, and say exactly what state the drive is left in.
 */
static int sec_recover(struct fw *f, const char *step, const char *err, int ret, json_t *detail,
		       char *why, size_t len)
{
	struct sanitize_ata_id id = { 0 };
	char e2[160] = "", e3[160];
	bool known;
	int r2;

	r2 = erase_ata_identify(f, &id, e2, sizeof(e2));
	if (!r2 && id.sec_locked)
		r2 = sec_cmd(f, ATA_CMD_SEC_UNLOCK, 0, ATA_SHORT_TIMEOUT_MS, e2, sizeof(e2));
	if (!r2)
		r2 = sec_cmd(f, ATA_CMD_SEC_DISABLE_PASSWORD, 0, ATA_SHORT_TIMEOUT_MS, e2,
			     sizeof(e2));
	json_object_set_new(detail, "password_disabled", json_boolean(r2 == 0));
	known = erase_ata_identify(f, &id, e3, sizeof(e3)) == 0;
	put_state(detail, "security_after", &id, known);
	if (known && !id.sec_enabled) {
		snprintf(why, len,
			 "%s failed: %s; the temporary password was removed: no password set, "
			 "not locked",
			 step, err);
	} else if (known) {
		snprintf(why, len,
			 "%s failed: %s; user password \"" TEMP_PW_TEXT
			 "\" is still set, drive %s; "
			 "remove it with hdparm --security-disable " TEMP_PW_TEXT,
			 step, err, id.sec_locked ? "locked" : "not locked (locks at power-on)");
	} else {
		snprintf(why, len,
			 "%s failed: %s; drive state unknown, user password \"" TEMP_PW_TEXT
			 "\" may be set (%s)",
			 step, err, e2[0] ? e2 : e3);
	}
	kesu_log(KESU_LOG_ERR, "%s", why);
	return ret;
}

static int sec_erase_exec(const struct erase_opts *o, bool enhanced, json_t *detail, char *why,
			  size_t len)
{
	struct sanitize_ata_id id = { 0 };
	const char *step;
	char err[160];
	unsigned tmo;
	int ret;

	ret = erase_ata_identify(o->fw, &id, why, len);
	if (ret)
		return ret;
	put_state(detail, "security_before", &id, true);
	ret = sec_refusal(&id, enhanced, why, len);
	if (ret)
		return ret;
	tmo = ata_erase_timeout_ms(&id, enhanced);
	json_object_set_new(detail, "mode", json_string(enhanced ? "enhanced" : "normal"));
	json_object_set_new(detail, "estimated_minutes",
			    json_integer(enhanced ? id.enhanced_erase_minutes : id.erase_minutes));
	json_object_set_new(detail, "timeout_s", json_integer(tmo / 1000));
	ret = sec_cmd(o->fw, ATA_CMD_SEC_SET_PASSWORD, 0, ATA_SHORT_TIMEOUT_MS, err, sizeof(err));
	if (ret && erase_ata_identify(o->fw, &id, why, len) == 0 && id.sec_enabled) {
		/* the command failed on the way back, but the password took */
		json_object_set_new(detail, "password_set", json_true());
		return sec_recover(o->fw, "security set password", err, ret, detail, why, len);
	}
	if (ret) {
		snprintf(why, len, "security set password failed: %s; no password was set", err);
		json_object_set_new(detail, "password_set", json_false());
		return ret;
	}
	json_object_set_new(detail, "password_set", json_true());
	step = "security erase prepare";
	ret = sec_cmd(o->fw, ATA_CMD_SEC_ERASE_PREPARE, 0, ATA_SHORT_TIMEOUT_MS, err, sizeof(err));
	if (!ret) {
		step = "security erase unit";
		kesu_log(KESU_LOG_INFO, "security erase unit (%s): up to %u minutes",
			 enhanced ? "enhanced" : "normal", tmo / 60000);
		ret = sec_cmd(o->fw, ATA_CMD_SEC_ERASE_UNIT, enhanced ? ATA_SEC_ENHANCED : 0, tmo,
			      err, sizeof(err));
	}
	if (ret)
		return sec_recover(o->fw, step, err, ret, detail, why, len);
	/* a successful ERASE UNIT removes the password; make sure it did */
	ret = erase_ata_identify(o->fw, &id, err, sizeof(err));
	if (!ret && id.sec_enabled)
		return sec_recover(o->fw, "security erase unit",
				   "the drive reported success but kept the password", -EIO, detail,
				   why, len);
	put_state(detail, "security_after", &id, ret == 0);
	return 0;
}

static const char *sanitize_name(uint16_t feature)
{
	switch (feature) {
	case ATA_SANITIZE_CRYPTO: return "crypto scramble";
	case ATA_SANITIZE_BLOCK: return "block erase";
	default: return "overwrite";
	}
}

static bool sanitize_has(const struct sanitize_ata_id *id, uint16_t feature)
{
	switch (feature) {
	case ATA_SANITIZE_CRYPTO: return id->sanitize_crypto;
	case ATA_SANITIZE_BLOCK: return id->sanitize_block;
	default: return id->sanitize_overwrite;
	}
}

/* a failed SANITIZE command: the reason is in LBA 7:0 */
static int sanitize_failed(const struct ata_return *r, const char *what, const char *err, int ret,
			   char *why, size_t len)
{
	uint8_t reason = (uint8_t)r->lba;

	if (ret == -EIO && r->status) {
		snprintf(why, len, "%s failed: %s (%s)", what, ata_sanitize_reason_text(reason),
			 err);
		if (reason == 3 || reason == 4)
			return -EPERM;
		if (reason == 2)
			return -EOPNOTSUPP;
		return -EIO;
	}
	snprintf(why, len, "%s failed: %s", what, err);
	return ret;
}

static int sanitize_status(struct fw *f, struct ata_return *r, char *why, size_t len)
{
	uint8_t cdb[ATA_CDB_LEN];
	char err[160];
	int ret;

	ata_cdb_sanitize(cdb, ATA_SANITIZE_STATUS, 0);
	ret = erase_ata_cmd(f, cdb, NULL, 0, FW_DIR_NONE, ATA_SHORT_TIMEOUT_MS, r, err,
			    sizeof(err));
	if (ret)
		return sanitize_failed(r, "sanitize status", err, ret, why, len);
	return 0;
}

static void report(const struct erase_opts *o, uint16_t prog, uint64_t elapsed_ms, int final)
{
	struct progress p = { .target = o->path,
			      .phase = "sanitize",
			      .pass = 1,
			      .npasses = 1,
			      .done = final ? 65536 : prog,
			      .total = 65536,
			      .final = final,
			      .elapsed_ms = elapsed_ms };

	if (o->progress)
		o->progress(&p, o->progress_usr);
}

struct wait_ctx {
	const struct erase_opts *o;
	struct ata_return *r;
	int st;
};

/* One SANITIZE STATUS EXT, for purge_await() */
static int poll_status(struct purge_await *w)
{
	struct wait_ctx *c = w->usr;
	uint16_t prog = 0;
	int ret = sanitize_status(c->o->fw, c->r, w->why, w->len);

	if (ret)
		return ret;
	c->st = ata_sanitize_status(c->r, &prog);
	snprintf(w->status, sizeof(w->status), "status count %#06x", c->r->count);
	w->progress_valid = c->st == 2;
	if (c->st != 2)
		return PURGE_DONE;
	w->progress = prog;
	report(c->o, prog, w->elapsed_ms, 0);
	return PURGE_BUSY;
}

/*
 * SANITIZE STATUS EXT until the operation is no longer in progress. ACS
 * gives no time estimate for a sanitize (IDENTIFY words 89/90 are for
 * SECURITY ERASE UNIT), so the wait has purge_await()'s default bound.
 */
static int sanitize_wait(const struct erase_opts *o, uint16_t feature, struct ata_return *r,
			 json_t *detail, char *why, size_t len)
{
	struct wait_ctx c = { .o = o, .r = r };
	struct purge_await w = { .what = "sanitize",
				 .poll = poll_status,
				 .usr = &c,
				 .overwrite = feature == ATA_SANITIZE_OVERWRITE };
	int ret = purge_await_run(&w, o, detail, why, len);

	if (ret)
		return ret;
	json_object_set_new(detail, "status_count", json_integer(r->count));
	if (c.st != 1) {
		snprintf(why, len, "sanitize did not complete without error (status count %#06x)",
			 r->count);
		return -EIO;
	}
	report(o, 0, w.elapsed_ms, 1);
	return 0;
}

static int sanitize_exec(const struct erase_opts *o, uint16_t feature, json_t *detail, char *why,
			 size_t len)
{
	struct sanitize_ata_id id = { 0 };
	uint8_t cdb[ATA_CDB_LEN];
	struct ata_return r;
	char err[160];
	uint16_t prog;
	int ret;

	ret = erase_ata_identify(o->fw, &id, why, len);
	if (ret)
		return ret;
	if (!id.sanitize || !sanitize_has(&id, feature)) {
		snprintf(why, len, "the drive does not support sanitize %s",
			 sanitize_name(feature));
		return -EOPNOTSUPP;
	}
	ret = sanitize_status(o->fw, &r, why, len);
	if (ret)
		return ret;
	if (ata_sanitize_status(&r, &prog) == 2) {
		/* after a crash or power loss: wait for it, do not start another */
		kesu_log(KESU_LOG_WARN, "a sanitize is already in progress: waiting for it");
		json_object_set_new(detail, "resumed", json_true());
		/* which sanitize runs is unknown: allow for the longest */
		return sanitize_wait(o, ATA_SANITIZE_OVERWRITE, &r, detail, why, len);
	}
	if (r.count & 0x2000) {
		snprintf(why, len,
			 "sanitize frozen by the firmware: power-cycle or hot-plug the "
			 "drive, then try again");
		return -EPERM;
	}
	if (feature == ATA_SANITIZE_OVERWRITE)
		ata_cdb_overwrite(cdb, 0, 1, 0);
	else
		ata_cdb_sanitize(cdb, feature, 0);
	ret = erase_ata_cmd(o->fw, cdb, NULL, 0, FW_DIR_NONE, ATA_SHORT_TIMEOUT_MS, &r, err,
			    sizeof(err));
	if (ret)
		return sanitize_failed(&r, sanitize_name(feature), err, ret, why, len);
	return sanitize_wait(o, feature, &r, detail, why, len);
}

/* what every ATA command puts into the report's "purge" object */
static void put_common(const struct erase_opts *o, const char *method, json_t *detail)
{
	bool rot = o->caps && o->caps->rotational;

	json_object_set_new(detail, "interface", json_string("ata"));
	json_object_set_new(detail, "category", json_string(erase_ata_category(method, rot)));
	json_object_set_new(detail, "media", json_string(rot ? "rotating" : "solid-state"));
}

#define EXEC(fn, method, call)                                                                     \
	static int fn(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,    \
		      json_t *detail, char *why, size_t len)                                       \
	{                                                                                          \
		(void)d;                                                                           \
		(void)plan;                                                                        \
		if (!o->fw) {                                                                      \
			snprintf(why, len, "no drive-command transport");                          \
			return -EOPNOTSUPP;                                                        \
		}                                                                                  \
		put_common(o, method, detail);                                                     \
		return call;                                                                       \
	}

EXEC(exec_sec, "ata-secure-erase", sec_erase_exec(o, false, detail, why, len))
EXEC(exec_sec_enh, "ata-secure-erase-enhanced", sec_erase_exec(o, true, detail, why, len))
EXEC(exec_crypto, "ata-sanitize-crypto", sanitize_exec(o, ATA_SANITIZE_CRYPTO, detail, why, len))
EXEC(exec_block, "ata-sanitize-block", sanitize_exec(o, ATA_SANITIZE_BLOCK, detail, why, len))
EXEC(exec_overwrite, "ata-sanitize-overwrite",
     sanitize_exec(o, ATA_SANITIZE_OVERWRITE, detail, why, len))

/* ACS-4: normal-mode SECURITY ERASE UNIT writes binary zeroes; so does a zero overwrite */
static bool expect_zero(const struct erase_opts *o, struct pattern *p)
{
	(void)o;
	memset(p, 0, sizeof(*p));
	p->kind = PATTERN_ZERO;
	return true;
}

/* enhanced erase, crypto scramble and block erase leave vendor-specific content */
static bool expect_none(const struct erase_opts *o, struct pattern *p)
{
	(void)o;
	(void)p;
	return false;
}

static const struct purge_cmd cmd_sec = { "ata security erase unit (normal)", exec_sec,
					  expect_zero };
static const struct purge_cmd cmd_sec_enh = { "ata security erase unit (enhanced)", exec_sec_enh,
					      expect_none };
static const struct purge_cmd cmd_crypto = { "ata sanitize crypto scramble ext", exec_crypto,
					     expect_none };
static const struct purge_cmd cmd_block = { "ata sanitize block erase ext", exec_block,
					    expect_none };
static const struct purge_cmd cmd_overwrite = { "ata sanitize overwrite ext (pattern 0, 1 pass)",
						exec_overwrite, expect_zero };

#define RUN(fn, cmd)                                                                               \
	static int fn(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,    \
		      struct erase_result *r)                                                      \
	{                                                                                          \
		return purge_run(d, plan, o, r, &cmd);                                             \
	}

RUN(run_sec, cmd_sec)
RUN(run_sec_enh, cmd_sec_enh)
RUN(run_crypto, cmd_crypto)
RUN(run_block, cmd_block)
RUN(run_overwrite, cmd_overwrite)

/* common to every ATA method: was IDENTIFY answered */
static bool ata_probed(const struct erase_caps *c, char *why, size_t len)
{
	if (c && c->ata && c->ata_id.valid)
		return true;
	snprintf(why, len, "%s",
		 c && c->why[0] ? c->why : "not an ATA drive (IDENTIFY DEVICE not answered)");
	return false;
}

static bool sup_sec_mode(const struct erase_caps *c, bool enhanced, char *why, size_t len)
{
	if (!ata_probed(c, why, len))
		return false;
	return sec_refusal(&c->ata_id, enhanced, why, len) == 0;
}

static bool sup_sec(const struct erase_caps *c, char *why, size_t len)
{
	return sup_sec_mode(c, false, why, len);
}

static bool sup_sec_enh(const struct erase_caps *c, char *why, size_t len)
{
	return sup_sec_mode(c, true, why, len);
}

static bool sup_sanitize(const struct erase_caps *c, uint16_t feature, char *why, size_t len)
{
	if (!ata_probed(c, why, len))
		return false;
	if (!c->ata_id.sanitize || !sanitize_has(&c->ata_id, feature)) {
		snprintf(why, len, "sanitize %s not supported (IDENTIFY word 59)",
			 sanitize_name(feature));
		return false;
	}
	if (c->ata_id.sanitize_frozen) {
		snprintf(why, len,
			 "sanitize frozen by the firmware: power-cycle or hot-plug the "
			 "drive, then try again");
		return false;
	}
	return true;
}

static bool sup_crypto(const struct erase_caps *c, char *why, size_t len)
{
	return sup_sanitize(c, ATA_SANITIZE_CRYPTO, why, len);
}

static bool sup_block(const struct erase_caps *c, char *why, size_t len)
{
	return sup_sanitize(c, ATA_SANITIZE_BLOCK, why, len);
}

static bool sup_overwrite(const struct erase_caps *c, char *why, size_t len)
{
	return sup_sanitize(c, ATA_SANITIZE_OVERWRITE, why, len);
}

/* firmware methods write no passes of their own */
static int no_passes(struct erase_plan *plan, const char *arg)
{
	(void)plan;
	(void)arg;
	return 0;
}

/*
 * The category here is the one reached on every media type; the "purge"
 * object of the report says what this drive reached (erase_ata_category()).
 */
const struct erase_method erase_methods_ata[] = {
	{ "ata-secure-erase", "clear", "overwrite",
	  "ATA SECURITY ERASE UNIT, normal mode (Purge on rotating media, Clear on SSDs)",
	  no_passes, run_sec, sup_sec },
	{ "ata-secure-erase-enhanced", "clear", "overwrite",
	  "ATA SECURITY ERASE UNIT, enhanced mode (Purge on rotating media, Clear on SSDs)",
	  no_passes, run_sec_enh, sup_sec_enh },
	{ "ata-sanitize-crypto", "purge", "crypto-erase", "ATA SANITIZE CRYPTO SCRAMBLE EXT",
	  no_passes, run_crypto, sup_crypto },
	{ "ata-sanitize-block", "purge", "block-erase", "ATA SANITIZE BLOCK ERASE EXT", no_passes,
	  run_block, sup_block },
	{ "ata-sanitize-overwrite", "purge", "overwrite",
	  "ATA SANITIZE OVERWRITE EXT, one pass of zeros", no_passes, run_overwrite,
	  sup_overwrite },
	{ NULL },
};

const struct purge_cmd *erase_ata_purge_cmd(const char *method)
{
	static const struct {
		const char *name;
		const struct purge_cmd *cmd;
	} t[] = {
		{ "ata-secure-erase", &cmd_sec },
		{ "ata-secure-erase-enhanced", &cmd_sec_enh },
		{ "ata-sanitize-crypto", &cmd_crypto },
		{ "ata-sanitize-block", &cmd_block },
		{ "ata-sanitize-overwrite", &cmd_overwrite },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, method))
			return t[i].cmd;
	return NULL;
}
