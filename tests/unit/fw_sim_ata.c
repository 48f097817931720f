// SPDX-License-Identifier: GPL-2.0-or-later
/* A simulated ATA drive behind fw_open_ops() (see fw_sim_ata.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "erase/sanitize_ata.h"
#include "fw_sim_ata.h"

static void put_word(uint8_t *id, unsigned w, uint16_t v)
{
	id[2 * w] = (uint8_t)v;
	id[2 * w + 1] = (uint8_t)(v >> 8);
}

/* ATA string: space padded, first character of each word in its high byte */
static void put_string(uint8_t *id, unsigned first, unsigned words, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	unsigned i;

	for (i = 0; i < 2 * words; i++)
		id[2 * first + (i ^ 1)] = i < n ? (uint8_t)s[i] : ' ';
}

static void identify(const struct fw_sim_ata *s, uint8_t *id)
{
	uint64_t lba28 = s->sectors > 0x0FFFFFFF ? 0x0FFFFFFF : s->sectors;
	uint16_t w;
	uint8_t sum = 0;
	unsigned i;

	memset(id, 0, 512);
	put_word(id, 0, 0x0040);
	put_string(id, 10, 10, s->serial);
	put_string(id, 23, 4, s->firmware);
	put_string(id, 27, 20, s->model);
	put_word(id, 49, 0x0200);
	w = (uint16_t)((s->san_crypto || s->san_block || s->san_overwrite) ? 0x1000 : 0);
	w |= (uint16_t)((s->san_crypto ? 0x2000 : 0) | (s->san_overwrite ? 0x4000 : 0) |
			(s->san_block ? 0x8000 : 0) | (s->san_antifreeze ? 0x0400 : 0));
	put_word(id, 59, w);
	put_word(id, 60, (uint16_t)lba28);
	put_word(id, 61, (uint16_t)(lba28 >> 16));
	put_word(id, 82, (uint16_t)(0x4000 | (s->native_sectors ? 0x0400 : 0)));
	put_word(id, 83, (uint16_t)(0x4000 | 0x0400 | (s->dco ? 0x0800 : 0)));
	put_word(id, 85, (uint16_t)(s->native_sectors > s->sectors ? 0x0400 : 0));
	put_word(id, 86, 0x0400);
	put_word(id, 89, s->w89);
	put_word(id, 90, s->w90);
	for (i = 0; i < 4; i++)
		put_word(id, 100 + i, (uint16_t)(s->sectors >> (16 * i)));
	w = (uint16_t)((s->sec_supported ? 0x01 : 0) | (s->enabled ? 0x02 : 0) |
		       (s->locked ? 0x04 : 0) | (s->frozen ? 0x08 : 0) |
		       (s->count_expired ? 0x10 : 0) | (s->sec_enhanced ? 0x20 : 0));
	put_word(id, 128, s->sec_supported ? w : 0);
	put_word(id, 217, s->rotation_rate);
	id[510] = 0xA5;
	for (i = 0; i < 511; i++)
		sum = (uint8_t)(sum + id[i]);
	id[511] = (uint8_t)-sum;
}

/* fixed format (SAT-4): registers in INFORMATION and COMMAND-SPECIFIC INFORMATION */
static int fixed_return(uint8_t *sense, size_t *n, uint8_t key, uint8_t status, uint8_t error,
			uint16_t count, uint64_t lba)
{
	memset(sense, 0, 32);
	sense[0] = 0x70;
	sense[2] = key;
	sense[3] = error;
	sense[4] = status;
	sense[5] = 0x40;
	sense[6] = (uint8_t)count;
	sense[7] = 10;
	sense[8] = (uint8_t)(0x80 | (count >> 8 ? 0x40 : 0) | (lba >> 24 ? 0x20 : 0));
	sense[9] = (uint8_t)lba;
	sense[10] = (uint8_t)(lba >> 8);
	sense[11] = (uint8_t)(lba >> 16);
	sense[13] = 0x1D;
	*n = 18;
	return 0x02;
}

/* CHECK CONDITION with descriptor sense holding the ATA Return descriptor */
static int ata_return(struct fw_sim_ata *s, uint8_t *sense, size_t *n, uint8_t key, uint8_t status,
		      uint8_t error, uint16_t count, uint64_t lba)
{
	if (s->fixed_sense)
		return fixed_return(sense, n, key, status, error, count, lba);
	memset(sense, 0, 32);
	sense[0] = 0x72;
	sense[1] = key;
	sense[2] = 0x00;
	sense[3] = 0x1D;
	sense[7] = 14;
	sense[8] = 0x09;
	sense[9] = 0x0C;
	sense[10] = 0x01;
	sense[11] = error;
	sense[12] = (uint8_t)(count >> 8);
	sense[13] = (uint8_t)count;
	sense[14] = (uint8_t)(lba >> 24);
	sense[15] = (uint8_t)lba;
	sense[16] = (uint8_t)(lba >> 32);
	sense[17] = (uint8_t)(lba >> 8);
	sense[18] = (uint8_t)(lba >> 40);
	sense[19] = (uint8_t)(lba >> 16);
	sense[20] = 0x40;
	sense[21] = status;
	*n = 22;
	return 0x02;
}

static int aborted(struct fw_sim_ata *s, uint8_t *sense, size_t *n, uint8_t reason)
{
	return ata_return(s, sense, n, 0x0B, 0x51, 0x04, 0, reason);
}

static bool pw_match(const struct fw_sim_ata *s, const uint8_t *blk)
{
	return !memcmp(s->password, blk + 2, 32);
}

/* the Security feature set (ACS-4 4.18): 0 done, 1 abort */
static int security(struct fw_sim_ata *s, uint8_t cmd, const uint8_t *blk, bool prepared)
{
	if (!s->sec_supported || s->frozen)
		return 1;
	switch (cmd) {
	case ATA_CMD_SEC_SET_PASSWORD:
		if (s->locked || (blk[0] & 1))
			return 1;
		memcpy(s->password, blk + 2, 32);
		s->enabled = true;
		return 0;
	case ATA_CMD_SEC_UNLOCK:
		if (!pw_match(s, blk))
			return 1;
		s->locked = false;
		return 0;
	case ATA_CMD_SEC_ERASE_PREPARE: s->prepared = true; return 0;
	case ATA_CMD_SEC_ERASE_UNIT:
		if (!prepared || !pw_match(s, blk) || ((blk[0] & 2) && !s->sec_enhanced))
			return 1;
		s->enabled = s->locked = false;
		memset(s->password, 0, sizeof(s->password));
		s->erased = true;
		s->erase_mode = blk[0];
		return 0;
	case ATA_CMD_SEC_DISABLE_PASSWORD:
		if (s->locked || !pw_match(s, blk) || s->fail_disable)
			return 1;
		s->enabled = false;
		memset(s->password, 0, sizeof(s->password));
		return 0;
	}
	return 1;
}

/* SANITIZE DEVICE: -1 abort with reason in *reason, else the status COUNT */
static int sanitize(struct fw_sim_ata *s, uint16_t feature, uint64_t lba, uint16_t *prog,
		    uint8_t *reason)
{
	static const uint64_t key[] = { [0x11] = 0x43727970, [0x12] = 0x426B4572 };
	bool has = feature == 0x11 ? s->san_crypto :
		   feature == 0x12 ? s->san_block :
		   feature == 0x14 ? s->san_overwrite :
				     false;

	*prog = 0;
	if (feature == ATA_SANITIZE_STATUS) {
		if (s->in_progress) {
			if (s->polls < s->nsprog) {
				*prog = s->sprog[s->polls++];
				s->sprog_now = *prog;
				return 0x4000;
			}
			if (s->sprog_stuck ||
			    (s->sprog_step && s->sprog_now + s->sprog_step <= 0xffff)) {
				s->sprog_now += s->sprog_stuck ? 0 : s->sprog_step;
				*prog = (uint16_t)s->sprog_now;
				return 0x4000;
			}
			s->in_progress = false;
			s->san_done_ok = !s->sanitize_fails;
			s->erased = s->san_done_ok;
		}
		return (s->san_done_ok ? 0x8000 : 0) | (s->san_frozen ? 0x2000 : 0);
	}
	*reason = 2;
	if (!has)
		return -1;
	if (feature == 0x14 ? (lba >> 32) != 0x4F57 : (lba & 0xFFFFFFFF) != key[feature])
		return -1;
	*reason = 3;
	if (s->san_frozen)
		return -1;
	*reason = 1;
	if (s->fail_cmd == ATA_CMD_SANITIZE)
		return -1;
	s->in_progress = true;
	s->san_done_ok = false;
	s->polls = 0;
	s->sprog_now = 0;
	return 0;
}

static uint64_t cdb_lba(const uint8_t *c)
{
	return (uint64_t)c[7] << 24 | c[8] | (uint64_t)c[9] << 32 | (uint64_t)c[10] << 8 |
	       (uint64_t)c[11] << 40 | (uint64_t)c[12] << 16;
}

static int sim_ata(struct fw *f, const uint8_t cdb[16], void *buf, size_t len, int dir,
		   unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	struct fw_sim_ata *s = fw_priv(f);
	unsigned i = s->ncmds < FW_SIM_ATA_LOG ? s->ncmds : FW_SIM_ATA_LOG - 1;
	uint8_t cmd = cdb[14], reason = 0;
	bool prepared = s->prepared, ck = cdb[2] & 0x20;
	uint8_t prev = s->ncmds ? fw_sim_ata_cmd(s, s->ncmds - 1) : 0;
	uint16_t count = 0, prog;
	uint64_t lba = 0;
	int r;

	memcpy(s->cdb[i], cdb, 16);
	memset(s->out[i], 0, 512);
	if (dir == FW_DIR_OUT && len >= 512)
		memcpy(s->out[i], buf, 512);
	s->timeout_ms[i] = timeout_ms;
	s->ncmds++;
	s->prepared = false;
	if (s->bridge_rejects) {
		memset(sense, 0, 32);
		sense[0] = 0x70;
		sense[2] = 0x05;
		sense[7] = 10;
		sense[12] = 0x24;
		*sense_len = 18;
		return 0x02;
	}
	if (cmd == s->fail_cmd && cmd != ATA_CMD_SANITIZE) {
		if (cmd == ATA_CMD_SEC_ERASE_UNIT && s->fail_locks)
			s->locked = true;
		return aborted(s, sense, sense_len, 0);
	}
	switch (cmd) {
	case ATA_CMD_IDENTIFY:
		if (len < 512)
			return -EINVAL;
		if (s->identify_zero)
			memset(buf, 0, 512);
		else
			identify(s, buf);
		break;
	case ATA_CMD_READ_NATIVE_MAX_EXT:
		lba = (s->native_sectors ? s->native_sectors : s->sectors) - 1;
		break;
	case ATA_CMD_SET_MAX_EXT:
		lba = cdb_lba(cdb);
		if (prev != ATA_CMD_READ_NATIVE_MAX_EXT || lba + 1 > s->native_sectors)
			return aborted(s, sense, sense_len, 0);
		s->sectors = lba + 1;
		break;
	case ATA_CMD_SANITIZE:
		r = sanitize(s, (uint16_t)(cdb[3] << 8 | cdb[4]), cdb_lba(cdb), &prog, &reason);
		if (r < 0)
			return aborted(s, sense, sense_len, reason);
		count = (uint16_t)r;
		lba = prog;
		break;
	default:
		if (len && len < 512)
			return -EINVAL;
		if (security(s, cmd, buf, prepared))
			return aborted(s, sense, sense_len, 0);
	}
	if (!ck) {
		*sense_len = 0;
		return 0;
	}
	return ata_return(s, sense, sense_len, 0x01, 0x50, 0, count, lba);
}

/* MODE SENSE(10) / MODE SELECT(10) of the control mode page, as libata answers them */
static int sim_scsi(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len,
		    int dir, unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	struct fw_sim_ata *s = fw_priv(f);
	uint8_t page[12] = { 0x0A, 0x0A, 0x02, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 30 };
	uint8_t *b = buf;

	(void)cdb_len;
	(void)dir;
	(void)timeout_ms;
	s->nscsi++;
	*sense_len = 0;
	if (s->no_mode_pages)
		return 0x02;
	if (cdb[0] == 0x5A && (cdb[2] & 0x3F) == 0x0A && len >= 20) {
		memset(b, 0, len);
		b[1] = 18;
		if (!s->fixed_sense)
			page[2] |= 0x04;
		memcpy(b + 8, page, sizeof(page));
		return 0;
	}
	if (cdb[0] == 0x55 && (cdb[1] & 0x10) && len >= 20) {
		memcpy(s->mode_select, b, 20);
		if (b[8] == 0x0A && b[9] == 0x0A)
			s->fixed_sense = !(b[10] & 0x04);
		return 0;
	}
	return 0x02;
}

static const struct fw_ops sim_ops = {
	.ata_passthru = sim_ata,
	.scsi_cdb = sim_scsi,
};

int fw_sim_ata_open(struct fw_sim_ata *sim, struct fw **out)
{
	return fw_open_ops(&sim_ops, sim, out);
}

uint8_t fw_sim_ata_cmd(const struct fw_sim_ata *sim, unsigned i)
{
	return i < FW_SIM_ATA_LOG ? sim->cdb[i][14] : 0;
}
