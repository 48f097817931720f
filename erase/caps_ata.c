// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ATA part of capability probing: IDENTIFY DEVICE, READ NATIVE MAX
 * ADDRESS EXT and SANITIZE STATUS EXT through ATA PASS-THROUGH(16), the
 * one-line summary, and exposing a host protected area.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "log.h"

#define ATA_SHORT_TIMEOUT_MS 30000
#define ATA_STATUS_ERR 0x01
#define ATA_ERROR_ABRT 0x04

/* sense key, ASC and ASCQ of fixed (70h/71h) or descriptor (72h/73h) sense */
static void sense_key(const uint8_t *s, size_t n, unsigned *key, unsigned *asc, unsigned *ascq)
{
	*key = *asc = *ascq = 0;
	if (n >= 4 && ((s[0] & 0x7F) == 0x72 || (s[0] & 0x7F) == 0x73)) {
		*key = s[1] & 0x0F;
		*asc = s[2];
		*ascq = s[3];
	} else if (n >= 14 && ((s[0] & 0x7F) == 0x70 || (s[0] & 0x7F) == 0x71)) {
		*key = s[2] & 0x0F;
		*asc = s[12];
		*ascq = s[13];
	}
}

/* CHECK CONDITION: with CK_COND (or an ATA error) the registers are in the sense */
static int check_condition(const uint8_t *sense, size_t n, struct ata_return *r, uint8_t cmd,
			   char *why, size_t len)
{
	unsigned key, asc, ascq;

	if (ata_return_parse(sense, n, r) == 0 || ata_return_parse_fixed(sense, n, r) == 0) {
		if (!(r->status & ATA_STATUS_ERR))
			return 0;
		snprintf(why, len, "ATA command %02Xh failed: status %#04x error %#04x%s", cmd,
			 r->status, r->error, (r->error & ATA_ERROR_ABRT) ? " (aborted)" : "");
		return -EIO;
	}
	sense_key(sense, n, &key, &asc, &ascq);
	if (key == 0x05) {
		snprintf(why, len,
			 "ATA command %02Xh: pass-through rejected (sense %x/%02x/%02x, "
			 "illegal request)",
			 cmd, key, asc, ascq);
		return -EOPNOTSUPP;
	}
	snprintf(why, len, "ATA command %02Xh failed: sense %x/%02x/%02x", cmd, key, asc, ascq);
	return -EIO;
}

/*
 * Ask the SATL for descriptor-format sense (control mode page, D_SENSE), the
 * only format that carries COUNT 15:8 and LBA 47:24 back: Linux libata
 * answers in fixed format until told otherwise. Best effort.
 */
static int use_descriptor_sense(struct fw *f)
{
	uint8_t sense_cdb[10] = { 0x5A, 0x08, 0x0A, 0, 0, 0, 0, 0, 64, 0 };
	uint8_t select_cdb[10] = { 0x55, 0x10, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t buf[64], out[8 + 12], sense[32];
	size_t n = 0, bd;
	int ret;

	memset(buf, 0, sizeof(buf));
	ret = fw_scsi_cdb(f, sense_cdb, sizeof(sense_cdb), buf, sizeof(buf), FW_DIR_IN,
			  ATA_SHORT_TIMEOUT_MS, sense, &n);
	if (ret)
		return ret > 0 ? -EIO : ret;
	bd = (size_t)buf[6] << 8 | buf[7];
	if (8 + bd + 12 > sizeof(buf) || (buf[8 + bd] & 0x3F) != 0x0A || buf[9 + bd] != 0x0A)
		return -EPROTO;
	memset(out, 0, sizeof(out));
	memcpy(out + 8, buf + 8 + bd, 12);
	out[8] &= 0x3F;	 /* PS is reserved in MODE SELECT */
	out[10] |= 0x04; /* D_SENSE */
	select_cdb[8] = sizeof(out);
	ret = fw_scsi_cdb(f, select_cdb, sizeof(select_cdb), out, sizeof(out), FW_DIR_OUT,
			  ATA_SHORT_TIMEOUT_MS, sense, &n);
	kesu_log(KESU_LOG_DEBUG, "descriptor-format sense requested: %d", ret);
	return ret > 0 ? -EIO : ret;
}

/* commands sent again when fixed-format sense hid part of their registers */
static bool repeatable(const uint8_t *cdb)
{
	return cdb[14] == ATA_CMD_READ_NATIVE_MAX_EXT ||
	       (cdb[14] == ATA_CMD_SANITIZE && !cdb[3] && !cdb[4]);
}

static int ata_cmd_once(struct fw *f, const uint8_t cdb[ATA_CDB_LEN], void *buf, size_t len,
			int dir, unsigned timeout_ms, struct ata_return *r, char *why,
			size_t len_why);

int erase_ata_cmd(struct fw *f, const uint8_t cdb[ATA_CDB_LEN], void *buf, size_t len, int dir,
		  unsigned timeout_ms, struct ata_return *r, char *why, size_t len_why)
{
	struct ata_return tmp;
	int ret;

	if (!r)
		r = &tmp;
	ret = ata_cmd_once(f, cdb, buf, len, dir, timeout_ms, r, why, len_why);
	if (ret || !r->partial || !repeatable(cdb))
		return ret;
	if (use_descriptor_sense(f) == 0)
		ret = ata_cmd_once(f, cdb, buf, len, dir, timeout_ms, r, why, len_why);
	if (!ret && r->partial) {
		snprintf(
			why, len_why,
			"ATA command %02Xh: upper register bytes not returned (fixed-format sense)",
			cdb[14]);
		ret = -ERANGE;
	}
	return ret;
}

static int ata_cmd_once(struct fw *f, const uint8_t cdb[ATA_CDB_LEN], void *buf, size_t len,
			int dir, unsigned timeout_ms, struct ata_return *r, char *why,
			size_t len_why)
{
	uint8_t sense[32];
	size_t n = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(sense, 0, sizeof(sense));
	ret = fw_ata_passthru(f, cdb, buf, len, dir, timeout_ms, sense, &n);
	if (ret == 0)
		return 0;
	if (ret == 0x02)
		ret = check_condition(sense, n < sizeof(sense) ? n : sizeof(sense), r, cdb[14], why,
				      len_why);
	else if (ret > 0) {
		snprintf(why, len_why, "ATA command %02Xh: SCSI status %#04x", cdb[14],
			 (unsigned)ret);
		ret = -EIO;
	} else if (ret == -EOPNOTSUPP) {
		snprintf(why, len_why, "no ATA pass-through path");
	} else {
		snprintf(why, len_why, "ATA command %02Xh: %s", cdb[14], strerror(-ret));
	}
	if (ret)
		kesu_log(KESU_LOG_DEBUG, "%s", why);
	return ret;
}

int erase_ata_identify(struct fw *f, struct sanitize_ata_id *id, char *why, size_t len)
{
	uint8_t cdb[ATA_CDB_LEN];
	uint8_t *buf;
	int ret;

	buf = calloc(1, ATA_ID_LEN);
	if (!buf)
		return -ENOMEM;
	ata_cdb_identify(cdb);
	ret = erase_ata_cmd(f, cdb, buf, ATA_ID_LEN, FW_DIR_IN, ATA_SHORT_TIMEOUT_MS, NULL, why,
			    len);
	if (ret == 0) {
		ret = ata_id_parse(buf, ATA_ID_LEN, id);
		if (ret == -ENODATA)
			snprintf(why, len, "IDENTIFY DEVICE returned no data");
		else if (ret)
			snprintf(why, len, "IDENTIFY DEVICE data fails its checksum");
	}
	free(buf);
	return ret;
}

/* READ NATIVE MAX ADDRESS EXT: the max address without a host protected area */
static int read_native_max(struct fw *f, uint64_t *lba, char *why, size_t len)
{
	uint8_t cdb[ATA_CDB_LEN];
	struct ata_return r;
	int ret;

	ata_cdb_read_native_max(cdb);
	ret = erase_ata_cmd(f, cdb, NULL, 0, FW_DIR_NONE, ATA_SHORT_TIMEOUT_MS, &r, why, len);
	if (ret)
		return ret;
	if (!r.status) {
		snprintf(why, len, "READ NATIVE MAX ADDRESS EXT returned no registers");
		return -ENODATA;
	}
	*lba = r.lba;
	return 0;
}

/* SANITIZE STATUS EXT: is SANITIZE FREEZE LOCK in effect */
static void sanitize_status(struct fw *f, struct sanitize_ata_id *id)
{
	uint8_t cdb[ATA_CDB_LEN];
	struct ata_return r;
	char why[128];

	if (ata_cdb_sanitize(cdb, ATA_SANITIZE_STATUS, 0) ||
	    erase_ata_cmd(f, cdb, NULL, 0, FW_DIR_NONE, ATA_SHORT_TIMEOUT_MS, &r, why, sizeof(why)))
		return;
	id->sanitize_status_valid = true;
	id->sanitize_frozen = r.count & 0x2000;
}

int erase_caps_probe_ata(struct fw *f, struct erase_caps *c)
{
	struct sanitize_ata_id *id = &c->ata_id;
	char why[128] = "";
	uint64_t native;
	int ret;

	c->ata = false;
	memset(id, 0, sizeof(*id));
	ret = erase_ata_identify(f, id, why, sizeof(why));
	if (ret) {
		if (ret == -EOPNOTSUPP && c->usb)
			snprintf(c->why, sizeof(c->why), "USB bridge rejects ATA pass-through");
		else if (ret == -EOPNOTSUPP && strstr(why, "rejected"))
			snprintf(c->why, sizeof(c->why),
				 "ATA pass-through rejected: not an ATA drive, or a bridge that "
				 "blocks it");
		else
			snprintf(c->why, sizeof(c->why), "%s", why);
		return ret;
	}
	c->ata = true;
	/* the drive's own word on its media, where it gives one */
	if (id->rotation_rate == 1)
		c->rotational = false;
	else if (id->rotation_rate >= 0x0401 && id->rotation_rate != 0xFFFF)
		c->rotational = true;
	if (read_native_max(f, &native, why, sizeof(why)) == 0) {
		id->native_valid = true;
		id->native_max_lba = native;
	}
	if (id->sanitize)
		sanitize_status(f, id);
	return 0;
}

/* append @s to @buf at *@n; *@n becomes @len once it no longer fits */
static void put(char *buf, size_t len, size_t *n, const char *s)
{
	size_t k = strlen(s);

	if (*n >= len)
		return;
	if (k >= len - *n) {
		memcpy(buf + *n, s, len - *n - 1);
		buf[len - 1] = '\0';
		*n = len;
		return;
	}
	memcpy(buf + *n, s, k + 1);
	*n += k;
}

static void security_part(const struct sanitize_ata_id *id, char *buf, size_t len, size_t *n)
{
	if (!id->sec_supported) {
		put(buf, len, n, "security erase not supported");
		return;
	}
	put(buf, len, n, id->sec_enhanced ? "security erase (enhanced)" : "security erase");
	if (id->sec_frozen)
		put(buf, len, n, " refused: frozen: suspend and resume, or hot-plug the drive");
	else if (id->sec_locked)
		put(buf, len, n, " refused: locked with a password");
	else if (id->sec_enabled)
		put(buf, len, n, " refused: a user password is set");
	else if (id->sec_count_expired)
		put(buf, len, n, " refused: password attempts exhausted: power-cycle the drive");
}

static void sanitize_part(const struct sanitize_ata_id *id, char *buf, size_t len, size_t *n)
{
	const char *sep = " ";

	if (!id->sanitize) {
		put(buf, len, n, "sanitize not supported");
		return;
	}
	put(buf, len, n, "sanitize");
	if (id->sanitize_crypto) {
		put(buf, len, n, sep);
		put(buf, len, n, "crypto");
		sep = "/";
	}
	if (id->sanitize_block) {
		put(buf, len, n, sep);
		put(buf, len, n, "block");
		sep = "/";
	}
	if (id->sanitize_overwrite) {
		put(buf, len, n, sep);
		put(buf, len, n, "overwrite");
	}
	if (id->sanitize_frozen)
		put(buf, len, n, " refused: sanitize frozen: power-cycle or hot-plug the drive");
}

int erase_caps_ata_line(const struct erase_caps *c, char *buf, size_t len)
{
	const struct sanitize_ata_id *id = &c->ata_id;
	char tmp[64];
	size_t n = 0;

	if (!c->ata)
		return -ENODATA; /* why it did not answer is in c->why, for the line's fallback */
	put(buf, len, &n, "ata: ");
	security_part(id, buf, len, &n);
	put(buf, len, &n, "; ");
	sanitize_part(id, buf, len, &n);
	if (id->native_valid && id->native_max_lba > id->max_lba) {
		snprintf(tmp, sizeof(tmp), "; host protected area of %" PRIu64 " sectors",
			 id->native_max_lba - id->max_lba);
		put(buf, len, &n, tmp);
	}
	if (id->dco)
		put(buf, len, &n, "; device configuration overlay supported");
	return n < len ? 0 : -ENOSPC;
}

int erase_restore_hpa(struct fw *f, struct erase_caps *c, uint64_t *native_before,
		      uint64_t *after_max)
{
	struct sanitize_ata_id *id = &c->ata_id;
	uint8_t cdb[ATA_CDB_LEN];
	char why[160];
	uint64_t native, old = id->max_lba;
	int ret;

	if (!c->ata)
		return -EOPNOTSUPP;
	/* SET MAX ADDRESS EXT is taken only right after READ NATIVE MAX ADDRESS EXT */
	ret = read_native_max(f, &native, why, sizeof(why));
	if (ret)
		return ret;
	*native_before = native;
	*after_max = id->max_lba;
	id->native_valid = true;
	id->native_max_lba = native;
	if (native <= id->max_lba)
		return -ENODATA;
	ret = ata_cdb_set_max(cdb, native, false);
	if (ret)
		return ret;
	ret = erase_ata_cmd(f, cdb, NULL, 0, FW_DIR_NONE, ATA_SHORT_TIMEOUT_MS, NULL, why,
			    sizeof(why));
	if (ret) {
		kesu_log(KESU_LOG_WARN, "cannot expose the host protected area: %s", why);
		return ret;
	}
	ret = erase_ata_identify(f, id, why, sizeof(why));
	id->native_valid = true;
	id->native_max_lba = native;
	if (ret)
		return ret;
	*after_max = id->max_lba;
	kesu_log(KESU_LOG_INFO, "host protected area exposed: max LBA %" PRIu64 " -> %" PRIu64, old,
		 *after_max);
	return id->max_lba == native ? 0 : -EIO;
}
