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
	cdb[13] = 0x40; /* DEVICE: bit 6 set, as for every 48-bit command */
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

int ata_sanitize_status(const struct ata_return *r, uint16_t *progress)
{
	*progress = (uint16_t)r->lba;
	if (r->count & 0x4000)
		return 2;
	return (r->count & 0x8000) ? 1 : 0;
}
