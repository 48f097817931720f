// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ATA methods and capability probe against a simulated drive
 * (fw_sim_ata): every path of the SECURITY ERASE state machine, SANITIZE
 * with status polling, READ NATIVE MAX / SET MAX over a host protected area,
 * and a USB bridge that rejects pass-through. The exact CDBs and data-out
 * blocks that reached the drive are asserted byte by byte.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "erase/caps.h"
#include "erase/purge.h"
#include "fake_clock.h"
#include "fw_sim_ata.h"

struct t {
	struct fw_sim_ata sim;
	struct fw *fw;
	struct erase_caps caps;
	struct erase_opts o;
	struct fake_clock clk; /* every wait for the drive runs on it */
	volatile sig_atomic_t stop;
	json_t *detail;
	char why[256];
	uint64_t prog[16];
	unsigned nprog;
	int final;
};

static void on_progress(const struct progress *p, void *usr)
{
	struct t *t = usr;

	if (t->nprog < 16)
		t->prog[t->nprog++] = p->done;
	assert_int_equal(p->total, 65536);
	assert_string_equal(p->phase, "sanitize");
	t->final = p->final;
}

/* a 7200 rpm disk with the Security and SANITIZE feature sets */
static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->sim.model = "KESU SIM DISK";
	t->sim.serial = "SIM0001";
	t->sim.firmware = "1.0";
	t->sim.rotation_rate = 7200;
	t->sim.w89 = 30;	  /* 60 minutes */
	t->sim.w90 = 0x8000 | 45; /* 90 minutes */
	t->sim.sec_supported = t->sim.sec_enhanced = true;
	t->sim.san_crypto = t->sim.san_block = t->sim.san_overwrite = true;
	t->sim.sectors = 2048;
	assert_int_equal(fw_sim_ata_open(&t->sim, &t->fw), 0);
	t->o.fw = t->fw;
	t->o.caps = &t->caps;
	t->o.path = "/dev/sim";
	t->o.progress = on_progress;
	t->o.progress_usr = t;
	t->detail = json_object();
	fake_clock_init(&t->clk, 0);
	t->o.timing = &t->clk.timing;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	fw_close(t->fw);
	json_decref(t->detail);
	free(t);
	return 0;
}

static int exec(struct t *t, const char *method)
{
	const struct purge_cmd *c = erase_ata_purge_cmd(method);

	assert_non_null(c);
	return c->exec(NULL, NULL, &t->o, t->detail, t->why, sizeof(t->why));
}

/* the ATA commands the drive saw, in order, as a string of hex bytes */
static void assert_cmds(const struct t *t, const char *want)
{
	char got[3 * FW_SIM_ATA_LOG + 1] = "";
	unsigned i;

	for (i = 0; i < t->sim.ncmds && i < FW_SIM_ATA_LOG; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%02X", i ? " " : "",
			 fw_sim_ata_cmd(&t->sim, i));
	assert_string_equal(got, want);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* the data-out block of logged command @i: word 0 @w0, the password "kesu", zeros */
static void assert_block(const struct t *t, unsigned i, uint8_t w0)
{
	uint8_t want[512] = { 0 };

	want[0] = w0;
	memcpy(want + 2, "kesu", 4);
	assert_memory_equal(t->sim.out[i], want, sizeof(want));
}

static void test_frozen_refused(void **state)
{
	struct t *t = *state;
	char why[256];

	t->sim.frozen = true;
	assert_int_equal(exec(t, "ata-secure-erase"), -EPERM);
	assert_non_null(strstr(t->why, "frozen"));
	assert_non_null(strstr(t->why, "suspend and resume"));
	assert_non_null(strstr(t->why, "hot-plug"));
	assert_cmds(t, "EC"); /* IDENTIFY only: no security command reached the drive */
	assert_false(t->sim.enabled);
	/* the supported() hook says the same from the probed capabilities */
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_false(erase_methods_ata[0].supported(&t->caps, why, sizeof(why)));
	assert_non_null(strstr(why, "suspend and resume"));
}

static void test_secure_erase(void **state)
{
	struct t *t = *state;
	static const uint8_t set_pw[16] = { 0x85, 0x0A, 0x06, 0, 0, 0,	  1,	0,
					    0,	  0,	0,    0, 0, 0x40, 0xF1, 0 };
	static const uint8_t prep[16] = {
		0x85, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xF3, 0
	};
	struct pattern p;

	t->caps.rotational = true;
	assert_int_equal(exec(t, "ata-secure-erase"), 0);
	assert_cmds(t, "EC F1 F3 F4 EC");
	assert_memory_equal(t->sim.cdb[1], set_pw, 16);
	assert_block(t, 1, 0x00); /* user password, level High */
	assert_memory_equal(t->sim.cdb[2], prep, 16);
	assert_int_equal(t->sim.cdb[3][1], 0x0A);
	assert_block(t, 3, 0x00); /* normal erase */
	/* word 89 = 30: 60 minutes, waited for (2 * 60 + 10) minutes */
	assert_int_equal(t->sim.timeout_ms[3], 130u * 60 * 1000);
	assert_true(t->sim.erased);
	assert_false(t->sim.enabled);
	assert_string_equal(jstr(t->detail, "category"), "purge"); /* rotating media */
	assert_string_equal(jstr(t->detail, "mode"), "normal");
	assert_true(json_is_false(
		json_object_get(json_object_get(t->detail, "security_after"), "password_set")));
	/* ACS-4: normal erase writes binary zeroes */
	assert_true(erase_ata_purge_cmd("ata-secure-erase")->expect(&t->o, &p));
	assert_int_equal(p.kind, PATTERN_ZERO);
}

static void test_secure_erase_enhanced_ssd(void **state)
{
	struct t *t = *state;
	struct pattern p;

	t->sim.rotation_rate = 1; /* non-rotating */
	t->caps.rotational = false;
	assert_int_equal(exec(t, "ata-secure-erase-enhanced"), 0);
	assert_cmds(t, "EC F1 F3 F4 EC");
	assert_block(t, 3, 0x02); /* word 0 bit 1: enhanced */
	assert_int_equal(t->sim.timeout_ms[3], 190u * 60 * 1000);
	assert_int_equal(t->sim.erase_mode, 0x02);
	/* ATA Security Erase on an SSD is Clear, said as such */
	assert_string_equal(jstr(t->detail, "category"), "clear");
	assert_string_equal(jstr(t->detail, "media"), "solid-state");
	assert_false(erase_ata_purge_cmd("ata-secure-erase-enhanced")->expect(&t->o, &p));
}

static void test_erase_unit_fails(void **state)
{
	struct t *t = *state;

	t->sim.fail_cmd = 0xF4;
	assert_int_equal(exec(t, "ata-secure-erase"), -EIO);
	/* the password was set, ERASE UNIT failed: DISABLE PASSWORD with the same password */
	assert_cmds(t, "EC F1 F3 F4 EC F6 EC");
	assert_int_equal(t->sim.cdb[5][14], 0xF6);
	assert_int_equal(t->sim.cdb[5][1], 0x0A);
	assert_block(t, 5, 0x00);
	assert_false(t->sim.enabled);
	assert_non_null(strstr(t->why, "security erase unit failed"));
	assert_non_null(strstr(t->why, "aborted"));
	assert_non_null(strstr(t->why, "no password set, not locked"));
	assert_true(json_is_true(json_object_get(t->detail, "password_disabled")));
}

static void test_erase_unit_fails_password_stays(void **state)
{
	struct t *t = *state;

	t->sim.fail_cmd = 0xF4;
	t->sim.fail_locks = true;   /* the failed erase leaves the drive locked */
	t->sim.fail_disable = true; /* and it refuses to drop the password */
	assert_int_equal(exec(t, "ata-secure-erase"), -EIO);
	/* locked: UNLOCK with the temporary password first, then DISABLE PASSWORD */
	assert_cmds(t, "EC F1 F3 F4 EC F2 F6 EC");
	assert_block(t, 5, 0x00);
	assert_true(t->sim.enabled);
	assert_false(t->sim.locked);
	assert_non_null(strstr(t->why, "user password \"kesu\" is still set"));
	assert_non_null(strstr(t->why, "not locked"));
	assert_non_null(strstr(t->why, "hdparm --security-disable kesu"));
	assert_true(json_is_false(json_object_get(t->detail, "password_disabled")));
	assert_true(json_is_true(
		json_object_get(json_object_get(t->detail, "security_after"), "password_set")));
}

static void test_prepare_fails(void **state)
{
	struct t *t = *state;

	t->sim.fail_cmd = 0xF3;
	assert_int_equal(exec(t, "ata-secure-erase"), -EIO);
	assert_cmds(t, "EC F1 F3 EC F6 EC");
	assert_false(t->sim.enabled);
	assert_false(t->sim.erased);
	assert_non_null(strstr(t->why, "security erase prepare failed"));
}

static void test_set_password_fails(void **state)
{
	struct t *t = *state;

	t->sim.fail_cmd = 0xF1;
	assert_int_equal(exec(t, "ata-secure-erase"), -EIO);
	assert_cmds(t, "EC F1 EC"); /* nothing to undo */
	assert_non_null(strstr(t->why, "no password was set"));
}

static void test_security_refusals(void **state)
{
	struct t *t = *state;

	t->sim.sec_enhanced = false;
	assert_int_equal(exec(t, "ata-secure-erase-enhanced"), -EOPNOTSUPP);
	assert_non_null(strstr(t->why, "enhanced"));
	memcpy(t->sim.password, "someone", 7);
	t->sim.enabled = true;
	assert_int_equal(exec(t, "ata-secure-erase"), -EPERM);
	assert_non_null(strstr(t->why, "already set"));
	t->sim.locked = true;
	assert_int_equal(exec(t, "ata-secure-erase"), -EPERM);
	assert_non_null(strstr(t->why, "locked"));
	t->sim.enabled = t->sim.locked = false;
	t->sim.count_expired = true;
	assert_int_equal(exec(t, "ata-secure-erase"), -EPERM);
	t->sim.sec_supported = false;
	assert_int_equal(exec(t, "ata-secure-erase"), -EOPNOTSUPP);
	assert_cmds(t, "EC EC EC EC EC");
}

static void test_sanitize_block(void **state)
{
	struct t *t = *state;
	static const uint8_t block[16] = { 0x85, 0x07, 0x20, 0x00, 0x12, 0x00, 0x00, 0x42,
					   0x72, 0x00, 0x45, 0x00, 0x6B, 0x40, 0xB4, 0x00 };
	unsigned i;

	t->sim.sprog[0] = 0x4000;
	t->sim.sprog[1] = 0x8000;
	t->sim.sprog[2] = 0xC000;
	t->sim.nsprog = 3;
	t->caps.rotational = false;
	assert_int_equal(exec(t, "ata-sanitize-block"), 0);
	/* IDENTIFY, status, BLOCK ERASE, then status until no longer in progress */
	assert_cmds(t, "EC B4 B4 B4 B4 B4 B4");
	assert_memory_equal(t->sim.cdb[2], block, 16);
	for (i = 3; i < 7; i++) {
		assert_int_equal(t->sim.cdb[i][3], 0);
		assert_int_equal(t->sim.cdb[i][4], 0); /* SANITIZE STATUS EXT */
	}
	assert_int_equal(t->nprog, 4);
	assert_int_equal(t->prog[0], 0x4000);
	assert_int_equal(t->prog[1], 0x8000);
	assert_int_equal(t->prog[2], 0xC000);
	assert_int_equal(t->prog[3], 65536);
	assert_int_equal(t->final, 1);
	assert_true(t->sim.erased);
	assert_string_equal(jstr(t->detail, "category"), "purge");
	assert_int_equal(json_integer_value(json_object_get(t->detail, "status_count")), 0x8000);
}

static void test_sanitize_crypto_overwrite(void **state)
{
	struct t *t = *state;
	static const uint8_t ow[16] = { 0x85, 0x07, 0x20, 0x00, 0x14, 0x00, 0x01, 0x00,
					0x00, 0x57, 0x00, 0x4F, 0x00, 0x40, 0xB4, 0x00 };
	struct pattern p;

	assert_int_equal(exec(t, "ata-sanitize-crypto"), 0);
	assert_cmds(t, "EC B4 B4 B4");
	assert_int_equal(t->sim.cdb[2][4], 0x11);
	assert_false(erase_ata_purge_cmd("ata-sanitize-crypto")->expect(&t->o, &p));
	t->sim.ncmds = 0;
	assert_int_equal(exec(t, "ata-sanitize-overwrite"), 0);
	assert_memory_equal(t->sim.cdb[2], ow, 16);
	assert_true(erase_ata_purge_cmd("ata-sanitize-overwrite")->expect(&t->o, &p));
	assert_int_equal(p.kind, PATTERN_ZERO);
}

static void test_sanitize_in_progress_resumed(void **state)
{
	struct t *t = *state;
	unsigned i;

	t->sim.in_progress = true;
	t->sim.sprog[0] = 0x2000;
	t->sim.nsprog = 1;
	assert_int_equal(exec(t, "ata-sanitize-block"), 0);
	/* awaited, not restarted: every SANITIZE was STATUS EXT */
	assert_cmds(t, "EC B4 B4");
	for (i = 1; i < t->sim.ncmds; i++)
		assert_int_equal(t->sim.cdb[i][4], 0x00);
	assert_true(json_is_true(json_object_get(t->detail, "resumed")));
}

static void test_sanitize_fails(void **state)
{
	struct t *t = *state;

	t->sim.sanitize_fails = true;
	t->sim.nsprog = 1;
	assert_int_equal(exec(t, "ata-sanitize-crypto"), -EIO);
	assert_non_null(strstr(t->why, "did not complete without error"));
	t->sim.ncmds = 0;
	t->sim.fail_cmd = 0xB4; /* the command itself aborted: reason "unsuccessful" */
	t->sim.sanitize_fails = false;
	assert_int_equal(exec(t, "ata-sanitize-block"), -EIO);
	assert_non_null(strstr(t->why, "sanitize command unsuccessful"));
	assert_cmds(t, "EC B4 B4");
}

static void test_sanitize_refusals(void **state)
{
	struct t *t = *state;
	char why[256];

	t->sim.san_frozen = true;
	assert_int_equal(exec(t, "ata-sanitize-block"), -EPERM);
	assert_non_null(strstr(t->why, "frozen"));
	assert_cmds(t, "EC B4"); /* only the status */
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_true(t->caps.ata_id.sanitize_frozen);
	assert_false(erase_methods_ata[3].supported(&t->caps, why, sizeof(why)));
	assert_non_null(strstr(why, "frozen"));
	t->sim.san_frozen = false;
	t->sim.san_block = false;
	t->sim.ncmds = 0;
	assert_int_equal(exec(t, "ata-sanitize-block"), -EOPNOTSUPP);
	assert_cmds(t, "EC");
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_false(erase_methods_ata[3].supported(&t->caps, why, sizeof(why)));
	assert_string_equal(why, "sanitize block erase not supported (IDENTIFY word 59)");
	assert_true(erase_methods_ata[2].supported(&t->caps, why, sizeof(why)));
}

static void test_sanitize_abort(void **state)
{
	struct t *t = *state;
	volatile sig_atomic_t stop = 1;

	t->sim.nsprog = 4;
	t->o.abort = &stop;
	assert_int_equal(exec(t, "ata-sanitize-block"), -EINTR);
	assert_non_null(strstr(t->why, "goes on by itself"));
}

static json_int_t wnum(const struct t *t, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(t->detail, "wait"), k));
}

static const char *wstr(const struct t *t, const char *k)
{
	return jstr(json_object_get(t->detail, "wait"), k);
}

/*
 * The status freezes in progress. ACS gives no sanitize estimate: the bound
 * is 48 hours, the stall limit a sixteenth of it, 3 hours.
 */
static void test_sanitize_stalled(void **state)
{
	struct t *t = *state;

	t->sim.sprog[0] = 0x1000;
	t->sim.sprog[1] = 0x3000;
	t->sim.nsprog = 2;
	t->sim.sprog_stuck = true;
	t->clk.timing.poll_ms = 60 * 1000;
	assert_int_equal(exec(t, "ata-sanitize-block"), -ETIME);
	assert_non_null(strstr(t->why, "stalled: no progress for 10800 s"));
	assert_non_null(strstr(t->why, "progress 12288/65536 (18.8%), status count 0x4000"));
	assert_string_equal(wstr(t, "outcome"), "stalled");
	assert_int_equal(wnum(t, "bound_s"), 48 * 3600);
	assert_int_equal(wnum(t, "stall_s"), 3 * 3600);
	assert_int_equal(wnum(t, "last_progress"), 0x3000);
	/* the last movement was at the second poll, one minute in */
	assert_int_equal(fake_clock_elapsed(&t->clk), (60 + 3 * 3600) * 1000ull);
	assert_false(t->sim.erased);
}

/* Moving, but not done at the bound (48 hours): timeout */
static void test_sanitize_timeout(void **state)
{
	struct t *t = *state;

	t->sim.sprog_step = 1;
	t->clk.timing.poll_ms = 60 * 1000;
	assert_int_equal(exec(t, "ata-sanitize-crypto"), -ETIMEDOUT);
	assert_non_null(strstr(t->why, "timeout: still in progress after 172800 s"));
	assert_non_null(strstr(t->why, "no estimate from the drive"));
	assert_string_equal(wstr(t, "outcome"), "timeout");
	assert_int_equal(wnum(t, "unchanged_s"), 0);
	assert_false(t->sim.erased);
}

/* A step every 2 hours for 30 hours: slow, but never 3 hours without a step */
static void test_sanitize_slow_not_stalled(void **state)
{
	struct t *t = *state;

	t->sim.sprog_step = 0x1000;
	t->clk.timing.poll_ms = 2 * 3600 * 1000;
	assert_int_equal(exec(t, "ata-sanitize-block"), 0);
	assert_string_equal(wstr(t, "outcome"), "completed");
	assert_true(wnum(t, "seconds") > wnum(t, "stall_s"));
	assert_int_equal(json_integer_value(json_object_get(t->detail, "polls")), 16);
	assert_true(t->sim.erased);
}

/* An abort between two polls is seen within one slice of the sleep */
static void test_sanitize_abort_sleeping(void **state)
{
	struct t *t = *state;

	t->sim.sprog_stuck = true;
	t->o.abort = &t->stop;
	t->clk.abort = &t->stop;
	t->clk.abort_at = 4321;
	assert_int_equal(exec(t, "ata-sanitize-block"), -EINTR);
	assert_string_equal(wstr(t, "outcome"), "aborted");
	assert_true(fake_clock_elapsed(&t->clk) > 4321);
	assert_true(fake_clock_elapsed(&t->clk) - 4321 <= PURGE_SLICE_MS);
	assert_true(t->clk.longest <= PURGE_SLICE_MS);
}

static void test_probe_and_line(void **state)
{
	struct t *t = *state;
	char line[256];

	t->sim.native_sectors = 4096; /* 2048 sectors hidden */
	t->sim.dco = true;
	t->sim.frozen = true;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_true(t->caps.ata);
	assert_string_equal(t->caps.ata_id.model, "KESU SIM DISK");
	assert_string_equal(t->caps.ata_id.serial, "SIM0001");
	assert_string_equal(t->caps.ata_id.firmware, "1.0");
	assert_true(t->caps.rotational); /* word 217: 7200 rpm */
	assert_int_equal(t->caps.ata_id.max_lba, 2047);
	assert_true(t->caps.ata_id.native_valid);
	assert_int_equal(t->caps.ata_id.native_max_lba, 4095);
	assert_cmds(t, "EC 27 B4");
	assert_int_equal(erase_caps_ata_line(&t->caps, line, sizeof(line)), 0);
	assert_string_equal(line, "ata: security erase (enhanced) refused: frozen: suspend and "
				  "resume, or hot-plug the drive; sanitize crypto/block/overwrite; "
				  "host protected area of 2048 sectors; device configuration "
				  "overlay supported");
	assert_int_equal(erase_caps_ata_line(&t->caps, line, 20), -ENOSPC);
	assert_int_equal(strlen(line), 19);
	t->sim.frozen = false;
	t->sim.san_crypto = t->sim.san_block = t->sim.san_overwrite = false;
	t->sim.native_sectors = 0;
	t->sim.dco = false;
	t->sim.rotation_rate = 1;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_false(t->caps.rotational);
	assert_int_equal(erase_caps_ata_line(&t->caps, line, sizeof(line)), 0);
	assert_string_equal(line, "ata: security erase (enhanced); sanitize not supported");
}

static void test_bridge_rejects(void **state)
{
	struct t *t = *state;
	char line[256], why[256];
	int i;

	t->sim.bridge_rejects = true;
	t->caps.usb = true;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), -EOPNOTSUPP);
	assert_false(t->caps.ata);
	assert_string_equal(t->caps.why, "USB bridge rejects ATA pass-through");
	assert_int_equal(erase_caps_ata_line(&t->caps, line, sizeof(line)), -ENODATA);
	assert_int_equal(erase_caps_purge_line(&t->caps, line, sizeof(line)), -ENODATA);
	assert_string_equal(line, "not probed: USB bridge rejects ATA pass-through");
	for (i = 0; erase_methods_ata[i].name; i++) {
		assert_false(erase_methods_ata[i].supported(&t->caps, why, sizeof(why)));
		assert_string_equal(why, "USB bridge rejects ATA pass-through");
	}
	assert_int_equal(exec(t, "ata-secure-erase"), -EOPNOTSUPP);
	assert_non_null(strstr(t->why, "rejected"));
	t->caps.usb = false;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), -EOPNOTSUPP);
	assert_non_null(strstr(t->caps.why, "bridge that blocks it"));
	/* a bridge that answers IDENTIFY with zeros */
	t->sim.bridge_rejects = false;
	t->sim.identify_zero = true;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), -ENODATA);
	assert_string_equal(t->caps.why, "IDENTIFY DEVICE returned no data");
}

static void test_restore_hpa(void **state)
{
	struct t *t = *state;
	uint64_t before = 0, after = 0;
	/* SET MAX ADDRESS EXT to 4095 (0xFFF), volatile: byte 8 = 7:0, byte 10 = 15:8 */
	static const uint8_t smx[16] = { 0x85, 0x07, 0x00, 0, 0, 0,    0x00, 0x00,
					 0xFF, 0x00, 0x0F, 0, 0, 0x40, 0x37, 0 };

	t->sim.native_sectors = 4096;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	t->sim.ncmds = 0;
	assert_int_equal(erase_restore_hpa(t->fw, &t->caps, &before, &after), 0);
	assert_int_equal(before, 4095);
	assert_int_equal(after, 4095);
	assert_int_equal(t->sim.sectors, 4096);
	/* SET MAX right after READ NATIVE MAX, then IDENTIFY to read the new size */
	assert_cmds(t, "27 37 EC");
	assert_memory_equal(t->sim.cdb[1], smx, 16);
	assert_int_equal(t->caps.ata_id.max_lba, 4095);
	/* nothing hidden any more */
	assert_int_equal(erase_restore_hpa(t->fw, &t->caps, &before, &after), -ENODATA);
	assert_int_equal(before, 4095);
}

/* Linux libata answers in fixed-format sense: the upper bytes are lost until D_SENSE is set */
static void test_fixed_sense(void **state)
{
	struct t *t = *state;
	/* MODE SELECT(10) parameter list: empty header, the control page with D_SENSE (bit 2) */
	static const uint8_t sel[20] = { 0,    0, 0, 0, 0, 0, 0,    0,	  0x0A, 0x0A,
					 0x06, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0,	30 };

	t->sim.fixed_sense = true;
	t->sim.native_sectors = (1u << 25) + 8; /* LBA above 2^24: bytes 47:24 needed */
	t->sim.sectors = 1u << 25;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_int_equal(t->caps.ata_id.native_max_lba, (1u << 25) + 7);
	assert_false(t->sim.fixed_sense);
	assert_int_equal(t->sim.nscsi, 2);
	assert_memory_equal(t->sim.mode_select, sel, sizeof(sel));
	/* READ NATIVE MAX was sent again after the switch */
	assert_cmds(t, "EC 27 27 B4");
	/* a SATL that keeps fixed format: the hidden bytes are an error, not a guess */
	t->sim.fixed_sense = true;
	t->sim.no_mode_pages = true;
	t->sim.ncmds = 0;
	assert_int_equal(erase_caps_probe_ata(t->fw, &t->caps), 0);
	assert_false(t->caps.ata_id.native_valid);
	/* the first status (COUNT 0) hides nothing; the completion (COUNT 8000h) is hidden */
	t->sim.ncmds = 0;
	assert_int_equal(exec(t, "ata-sanitize-block"), -ERANGE);
	assert_non_null(strstr(t->why, "sanitize status failed"));
	assert_non_null(strstr(t->why, "fixed-format sense"));
	assert_cmds(t, "EC B4 B4 B4");
}

static void test_method_table(void **state)
{
	static const char *const names[] = { "ata-secure-erase", "ata-secure-erase-enhanced",
					     "ata-sanitize-crypto", "ata-sanitize-block",
					     "ata-sanitize-overwrite" };
	static const char *const cat[] = { "clear", "clear", "purge", "purge", "purge" };
	struct erase_plan plan;
	struct erase_caps none;
	char why[256];
	int i;

	(void)state;
	memset(&none, 0, sizeof(none));
	for (i = 0; i < 5; i++) {
		assert_string_equal(erase_methods_ata[i].name, names[i]);
		assert_string_equal(erase_methods_ata[i].category, cat[i]);
		assert_non_null(erase_methods_ata[i].run);
		assert_int_equal(erase_methods_ata[i].add_passes(NULL, NULL), 0);
		assert_false(erase_methods_ata[i].supported(&none, why, sizeof(why)));
		assert_non_null(strstr(why, "not an ATA drive"));
		assert_non_null(erase_method_find(names[i]));
	}
	assert_null(erase_methods_ata[5].name);
	/* a plan for a firmware method: no passes of its own, no argument taken */
	assert_int_equal(
		erase_plan_make("ata-sanitize-block", 1, false, ERASE_VERIFY_SAMPLE, 10, &plan), 0);
	assert_int_equal(plan.npasses, 0);
	assert_string_equal(plan.category, "purge");
	assert_string_equal(plan.technique, "block-erase");
	erase_plan_free(&plan);
	assert_int_equal(erase_plan_make("ata-secure-erase:00", 1, false, ERASE_VERIFY_SAMPLE, 10,
					 &plan),
			 -EINVAL);
	assert_null(erase_ata_purge_cmd("ata-nothing"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_frozen_refused),
		T(test_secure_erase),
		T(test_secure_erase_enhanced_ssd),
		T(test_erase_unit_fails),
		T(test_erase_unit_fails_password_stays),
		T(test_prepare_fails),
		T(test_set_password_fails),
		T(test_security_refusals),
		T(test_sanitize_block),
		T(test_sanitize_crypto_overwrite),
		T(test_sanitize_in_progress_resumed),
		T(test_sanitize_fails),
		T(test_sanitize_refusals),
		T(test_sanitize_abort),
		T(test_sanitize_stalled),
		T(test_sanitize_timeout),
		T(test_sanitize_slow_not_stalled),
		T(test_sanitize_abort_sleeping),
		T(test_probe_and_line),
		T(test_bridge_rejects),
		T(test_restore_hpa),
		T(test_fixed_sense),
		cmocka_unit_test(test_method_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
