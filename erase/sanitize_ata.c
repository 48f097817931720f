// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ATA PASS-THROUGH(16) (SAT-4 12.2.2.3) command blocks and ATA Return
 * descriptor (SAT-4 12.2.2.6) parsing.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sanitize_ata.h"

#define SAT_OPCODE_16 0x85
#define SAT_PROTO_NONDATA 3
#define SAT_PROTO_PIO_IN 4
#define SAT_EXTEND 0x01
#define SAT_CK_COND 0x20
#define SAT_T_DIR_IN 0x08
#define SAT_BYT_BLOK 0x04
#define SAT_TLEN_COUNT 0x02

/* LBA bytes in the CDB (and, shifted by one, in the descriptor): 31:24, 7:0, 39:32, 15:8, 47:40, 23:16 */
static void put_regs(uint8_t *p, uint16_t count, uint64_t lba)
{
	p[0] = (uint8_t)(count >> 8);
	p[1] = (uint8_t)count;
	p[2] = (uint8_t)(lba >> 24);
	p[3] = (uint8_t)lba;
	p[4] = (uint8_t)(lba >> 32);
	p[5] = (uint8_t)(lba >> 8);
	p[6] = (uint8_t)(lba >> 40);
	p[7] = (uint8_t)(lba >> 16);
}

void ata_cdb_identify(uint8_t cdb[ATA_CDB_LEN])
{
	memset(cdb, 0, ATA_CDB_LEN);
	cdb[0] = SAT_OPCODE_16;
	cdb[1] = SAT_PROTO_PIO_IN << 1;
	cdb[2] = SAT_T_DIR_IN | SAT_BYT_BLOK | SAT_TLEN_COUNT;
	put_regs(cdb + 5, 1, 0);
	cdb[14] = 0xEC;
}

int ata_cdb_sanitize(uint8_t cdb[ATA_CDB_LEN], uint16_t feature, uint16_t flags)
{
	uint64_t key;

	switch (feature) {
	case ATA_SANITIZE_STATUS:
		key = 0;
		if (flags)
			return -EINVAL;
		break;
	case ATA_SANITIZE_CRYPTO: key = 0x43727970; break;
	case ATA_SANITIZE_BLOCK: key = 0x426B4572; break;
	default: return -EINVAL;
	}
	if (flags & ~(ATA_SANITIZE_FAILURE_MODE | ATA_SANITIZE_ZONED_NO_RESET))
		return -EINVAL;
	memset(cdb, 0, ATA_CDB_LEN);
	cdb[0] = SAT_OPCODE_16;
	cdb[1] = (SAT_PROTO_NONDATA << 1) | SAT_EXTEND;
	cdb[2] = SAT_CK_COND;
	cdb[3] = (uint8_t)(feature >> 8);
	cdb[4] = (uint8_t)feature;
	put_regs(cdb + 5, flags, key);
	cdb[13] = 0x40; /* DEVICE: bit 6 is N/A for SANITIZE (ACS-4), bits 3:0 reserved */
	cdb[14] = 0xB4;
	return 0;
}

int ata_return_parse(const uint8_t *sense, size_t len, struct ata_return *out)
{
	size_t end, i;
	const uint8_t *d;

	if (len < 8)
		return -EBADMSG;
	if ((sense[0] & 0x7F) != 0x72 && (sense[0] & 0x7F) != 0x73)
		return -ENOMSG;
	end = 8 + (size_t)sense[7];
	if (end > len)
		return -EBADMSG;
	for (i = 8; i < end; i += 2 + (size_t)sense[i + 1]) {
		if (i + 2 > end)
			return -EBADMSG;
		if (sense[i] != 0x09)
			continue;
		if (sense[i + 1] < 12 || i + 14 > end)
			return -EBADMSG;
		d = sense + i;
		out->extend = d[2] & 1;
		out->partial = false;
		out->error = d[3];
		out->count = (uint16_t)(d[4] << 8 | d[5]);
		out->lba = (uint64_t)d[6] << 24 | d[7] | (uint64_t)d[8] << 32 |
			   (uint64_t)d[9] << 8 | (uint64_t)d[10] << 40 | (uint64_t)d[11] << 16;
		out->device = d[12];
		out->status = d[13];
		return 0;
	}
	return -ENOMSG;
}

int ata_return_parse_fixed(const uint8_t *sense, size_t len, struct ata_return *out)
{
	if (len < 1 || ((sense[0] & 0x7F) != 0x70 && (sense[0] & 0x7F) != 0x71))
		return -ENOMSG;
	if (len < 14)
		return -EBADMSG;
	if (sense[12] != 0x00 || sense[13] != 0x1D)
		return -ENOMSG;
	memset(out, 0, sizeof(*out));
	out->error = sense[3];
	out->status = sense[4];
	out->device = sense[5];
	out->count = sense[6];
	out->extend = sense[8] >> 7;
	out->partial = sense[8] & 0x60; /* COUNT UPPER NONZERO, LBA UPPER NONZERO */
	out->lba = (uint64_t)sense[11] << 16 | (uint64_t)sense[10] << 8 | sense[9];
	return 0;
}

int ata_sanitize_status(const struct ata_return *r, uint16_t *progress)
{
	*progress = (uint16_t)r->lba;
	if (r->count & 0x4000)
		return 2;
	return (r->count & 0x8000) ? 1 : 0;
}

#define SAT_PROTO_PIO_OUT 5

static uint16_t id_word(const uint8_t *buf, unsigned w)
{
	return (uint16_t)(buf[2 * w] | buf[2 * w + 1] << 8);
}

/* ATA strings put the first character of each word in its high byte */
static void id_string(const uint8_t *buf, unsigned first, unsigned words, char *out)
{
	unsigned i, n = 0;
	uint8_t c;

	for (i = 0; i < 2 * words; i++) {
		c = buf[2 * first + (i ^ 1)];
		out[n++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* words 89/90: bit 15 set: bits 14:0 in units of 2 minutes; else bits 7:0, 255 "more than 508" */
static unsigned erase_minutes(uint16_t w, bool *more)
{
	*more = false;
	if (w & 0x8000)
		return 2u * (w & 0x7FFF);
	if ((w & 0xFF) == 0xFF)
		*more = true;
	return 2u * (w & 0xFF);
}

int ata_id_parse(const uint8_t *buf, size_t len, struct sanitize_ata_id *id)
{
	uint16_t w59, w128;
	uint64_t n = 0;
	uint8_t sum = 0;
	size_t i;
	int w;

	if (len != ATA_ID_LEN)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		sum = (uint8_t)(sum + buf[i]);
		n |= buf[i];
	}
	if (!n)
		return -ENODATA;
	if (buf[510] == 0xA5 && sum != 0)
		return -EBADMSG;
	id_string(buf, 10, 10, id->serial);
	id_string(buf, 23, 4, id->firmware);
	id_string(buf, 27, 20, id->model);
	id->rotation_rate = id_word(buf, 217);
	w128 = id_word(buf, 128);
	id->sec_supported = w128 & 0x0001;
	id->sec_enabled = w128 & 0x0002;
	id->sec_locked = w128 & 0x0004;
	id->sec_frozen = w128 & 0x0008;
	id->sec_count_expired = w128 & 0x0010;
	id->sec_enhanced = w128 & 0x0020;
	id->sec_level_max = w128 & 0x0100;
	id->erase_minutes = erase_minutes(id_word(buf, 89), &id->erase_time_more);
	id->enhanced_erase_minutes = erase_minutes(id_word(buf, 90), &id->enhanced_erase_time_more);
	w59 = id_word(buf, 59);
	id->sanitize = w59 & 0x1000;
	id->sanitize_crypto = id->sanitize && (w59 & 0x2000);
	id->sanitize_overwrite = id->sanitize && (w59 & 0x4000);
	id->sanitize_block = id->sanitize && (w59 & 0x8000);
	id->sanitize_antifreeze = id->sanitize && (w59 & 0x0400);
	/* words 82-83 and 85 hold features only when bit 14 is one and bit 15 zero */
	w = id_word(buf, 83);
	id->lba48 = (w & 0xC000) == 0x4000 && (w & 0x0400);
	id->dco = (w & 0xC000) == 0x4000 && (w & 0x0800);
	id->hpa_supported = (id_word(buf, 82) & 0x0400) && (w & 0xC000) == 0x4000;
	id->hpa_enabled = id->hpa_supported && (id_word(buf, 85) & 0x0400);
	n = 0;
	if (id->lba48)
		for (w = 103; w >= 100; w--)
			n = n << 16 | id_word(buf, (unsigned)w);
	if (!n)
		n = (uint64_t)id_word(buf, 61) << 16 | id_word(buf, 60);
	id->max_lba = n ? n - 1 : 0;
	id->valid = true;
	return 0;
}

int ata_sec_block(uint8_t buf[ATA_SEC_BLOCK_LEN], unsigned flags, const uint8_t *pw, size_t pwlen)
{
	if (flags & ~(unsigned)(ATA_SEC_MASTER | ATA_SEC_ENHANCED | ATA_SEC_LEVEL_MAXIMUM))
		return -EINVAL;
	if (!pwlen || pwlen > ATA_PASSWORD_LEN)
		return -EINVAL;
	memset(buf, 0, ATA_SEC_BLOCK_LEN);
	buf[0] = (uint8_t)flags;
	buf[1] = (uint8_t)(flags >> 8);
	memcpy(buf + 2, pw, pwlen);
	return 0;
}

int ata_cdb_security(uint8_t cdb[ATA_CDB_LEN], uint8_t command)
{
	switch (command) {
	case ATA_CMD_SEC_SET_PASSWORD:
	case ATA_CMD_SEC_UNLOCK:
	case ATA_CMD_SEC_ERASE_UNIT:
	case ATA_CMD_SEC_DISABLE_PASSWORD:
	case ATA_CMD_SEC_ERASE_PREPARE: break;
	default: return -EINVAL;
	}
	memset(cdb, 0, ATA_CDB_LEN);
	cdb[0] = SAT_OPCODE_16;
	if (command == ATA_CMD_SEC_ERASE_PREPARE) {
		cdb[1] = SAT_PROTO_NONDATA << 1;
	} else {
		cdb[1] = SAT_PROTO_PIO_OUT << 1;
		cdb[2] = SAT_BYT_BLOK | SAT_TLEN_COUNT; /* T_DIR 0: to the device */
		cdb[6] = 1;				/* one 512-byte block */
	}
	cdb[13] = 0x40; /* DEVICE bit 6 is N/A for these; set as for the other commands */
	cdb[14] = command;
	return 0;
}

int ata_cdb_overwrite(uint8_t cdb[ATA_CDB_LEN], uint32_t pattern, unsigned passes, uint16_t flags)
{
	if (passes < 1 || passes > 16)
		return -EINVAL;
	if (flags &
	    ~(ATA_SANITIZE_INVERT | ATA_SANITIZE_FAILURE_MODE | ATA_SANITIZE_ZONED_NO_RESET))
		return -EINVAL;
	memset(cdb, 0, ATA_CDB_LEN);
	cdb[0] = SAT_OPCODE_16;
	cdb[1] = (SAT_PROTO_NONDATA << 1) | SAT_EXTEND;
	cdb[2] = SAT_CK_COND;
	cdb[4] = (uint8_t)ATA_SANITIZE_OVERWRITE;
	put_regs(cdb + 5, (uint16_t)(flags | (passes & 0x0F)), (uint64_t)0x4F57 << 32 | pattern);
	cdb[13] = 0x40;
	cdb[14] = ATA_CMD_SANITIZE;
	return 0;
}

void ata_cdb_read_native_max(uint8_t cdb[ATA_CDB_LEN])
{
	memset(cdb, 0, ATA_CDB_LEN);
	cdb[0] = SAT_OPCODE_16;
	cdb[1] = (SAT_PROTO_NONDATA << 1) | SAT_EXTEND;
	cdb[2] = SAT_CK_COND;
	cdb[13] = 0x40; /* LBA addressing */
	cdb[14] = ATA_CMD_READ_NATIVE_MAX_EXT;
}

int ata_cdb_set_max(uint8_t cdb[ATA_CDB_LEN], uint64_t max_lba, bool keep)
{
	if (max_lba >> 48)
		return -EINVAL;
	memset(cdb, 0, ATA_CDB_LEN);
	cdb[0] = SAT_OPCODE_16;
	cdb[1] = (SAT_PROTO_NONDATA << 1) | SAT_EXTEND;
	put_regs(cdb + 5, keep ? 1 : 0, max_lba);
	cdb[13] = 0x40; /* LBA addressing */
	cdb[14] = ATA_CMD_SET_MAX_EXT;
	return 0;
}

unsigned ata_erase_timeout_ms(const struct sanitize_ata_id *id, bool enhanced)
{
	unsigned min = enhanced ? id->enhanced_erase_minutes : id->erase_minutes;
	bool more = enhanced ? id->enhanced_erase_time_more : id->erase_time_more;

	if (!min || more || min > 24 * 60)
		return 48u * 3600 * 1000;
	return (2 * min + 10) * 60u * 1000;
}

const char *ata_sanitize_reason_text(uint8_t reason)
{
	switch (reason) {
	case 1: return "sanitize command unsuccessful";
	case 2: return "unsupported sanitize device command";
	case 3: return "device in frozen state";
	case 4: return "antifreeze lock enabled";
	default: return "reason unknown";
	}
}

/*
 * NIST SP 800-88r1 Table A-5 (ATA hard disk drives): SECURITY ERASE UNIT and
 * SANITIZE overwrite / crypto scramble are Purge. Table A-8 (ATA SSDs):
 * SANITIZE block erase and crypto scramble are Purge; SECURITY ERASE UNIT
 * leaves it to the firmware which cells it reaches, and IEEE 2883 does not
 * count it as Purge on flash, so it is Clear there.
 */
const char *erase_ata_category(const char *method, bool rotational)
{
	if (!strncmp(method, "ata-secure-erase", 16))
		return rotational ? "purge" : "clear";
	return "purge";
}
