// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ATA PASS-THROUGH(16) command blocks byte by byte (SAT-4 12.2.2.3, ACS-4
 * 7.36), and the ATA Return descriptor (SAT-4 12.2.2.6) on crafted sense.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "erase/sanitize_ata.h"

static void test_identify(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	/*
	 * byte 1: PROTOCOL 4 (PIO data-in) in bits 4:1 = 0x08, EXTEND 0;
	 * byte 2: T_DIR 1 (from device, 0x08) | BYT_BLOK 1 (blocks, 0x04) |
	 *         T_LENGTH 2 (length in COUNT, 0x02) = 0x0E;
	 * byte 6: COUNT 7:0 = 1 block; byte 14: command 0xEC.
	 */
	static const uint8_t want[ATA_CDB_LEN] = { 0x85, 0x08, 0x0E, 0, 0, 0, 0x01, 0,
						   0,	 0,    0,    0, 0, 0, 0xEC, 0 };

	(void)state;
	memset(cdb, 0xAA, sizeof(cdb));
	ata_cdb_identify(cdb);
	assert_memory_equal(cdb, want, sizeof(want));
}

static void test_sanitize_block(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	/*
	 * byte 1: PROTOCOL 3 (non-data) << 1 | EXTEND = 0x07; byte 2: CK_COND
	 * (0x20) only, no data so T_LENGTH 0; bytes 3-4 FEATURE 0x0012;
	 * bytes 5-6 COUNT: FAILURE MODE is bit 4 = 0x0010; key 0x426B4572 in
	 * LBA 31:0: byte 7 = 31:24 (0x42), byte 8 = 7:0 (0x72), byte 9 = 39:32,
	 * byte 10 = 15:8 (0x45), byte 11 = 47:40, byte 12 = 23:16 (0x6B);
	 * byte 13 DEVICE 0x40; byte 14 command 0xB4.
	 */
	static const uint8_t want[ATA_CDB_LEN] = { 0x85, 0x07, 0x20, 0x00, 0x12, 0x00, 0x10, 0x42,
						   0x72, 0x00, 0x45, 0x00, 0x6B, 0x40, 0xB4, 0x00 };

	(void)state;
	assert_int_equal(ata_cdb_sanitize(cdb, ATA_SANITIZE_BLOCK, ATA_SANITIZE_FAILURE_MODE), 0);
	assert_memory_equal(cdb, want, sizeof(want));
}

static void test_sanitize_crypto(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	/* key "Cryp" 0x43727970 spread as above; ZONED NO RESET is COUNT bit 15 (byte 5 = 0x80) */
	static const uint8_t want[ATA_CDB_LEN] = { 0x85, 0x07, 0x20, 0x00, 0x11, 0x80, 0x00, 0x43,
						   0x70, 0x00, 0x79, 0x00, 0x72, 0x40, 0xB4, 0x00 };

	(void)state;
	assert_int_equal(ata_cdb_sanitize(cdb, ATA_SANITIZE_CRYPTO, ATA_SANITIZE_ZONED_NO_RESET),
			 0);
	assert_memory_equal(cdb, want, sizeof(want));
}

static void test_sanitize_status_cdb(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	static const uint8_t want[ATA_CDB_LEN] = { 0x85, 0x07, 0x20, 0, 0, 0,	 0,    0,
						   0,	 0,    0,    0, 0, 0x40, 0xB4, 0 };

	(void)state;
	assert_int_equal(ata_cdb_sanitize(cdb, ATA_SANITIZE_STATUS, 0), 0);
	assert_memory_equal(cdb, want, sizeof(want));
	assert_int_equal(ata_cdb_sanitize(cdb, ATA_SANITIZE_STATUS, ATA_SANITIZE_FAILURE_MODE),
			 -EINVAL);
	assert_int_equal(ata_cdb_sanitize(cdb, 0x0014, 0), -EINVAL);
	assert_int_equal(ata_cdb_sanitize(cdb, ATA_SANITIZE_BLOCK, 0x0001), -EINVAL);
}

/* descriptor sense, key RECOVERED ERROR, ASC/ASCQ 00/1D (ATA pass through information available) */
static const uint8_t sense_ok[] = {
	0x72, 0x01, 0x00, 0x1D, 0, 0, 0, 14,
	/* ATA Return: EXTEND, ERROR 0, COUNT 0x8000, LBA 0x00..1234 → byte 7 (7:0) 0x34, byte 9 (15:8) 0x12 */
	0x09, 0x0C, 0x01, 0x00, 0x80, 0x00, 0x00, 0x34, 0x00, 0x12, 0x00, 0x00, 0x40, 0x50
};

static void test_return_parse(void **state)
{
	struct ata_return r;
	uint16_t progress;

	(void)state;
	assert_int_equal(ata_return_parse(sense_ok, sizeof(sense_ok), &r), 0);
	assert_int_equal(r.extend, 1);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.count, 0x8000);
	assert_int_equal(r.lba, 0x1234);
	assert_int_equal(r.device, 0x40);
	assert_int_equal(r.status, 0x50);
	assert_int_equal(ata_sanitize_status(&r, &progress), 1);
	assert_int_equal(progress, 0x1234);
	r.count = 0x4000;
	assert_int_equal(ata_sanitize_status(&r, &progress), 2);
	r.count = 0;
	assert_int_equal(ata_sanitize_status(&r, &progress), 0);
}

static void test_return_lba_bytes(void **state)
{
	uint8_t s[sizeof(sense_ok)];
	struct ata_return r;

	(void)state;
	memcpy(s, sense_ok, sizeof(s));
	/* bytes 14..19 of the descriptor = LBA 31:24, 7:0, 39:32, 15:8, 47:40, 23:16 */
	s[8 + 6] = 0x44;
	s[8 + 7] = 0x11;
	s[8 + 8] = 0x55;
	s[8 + 9] = 0x22;
	s[8 + 10] = 0x66;
	s[8 + 11] = 0x33;
	assert_int_equal(ata_return_parse(s, sizeof(s), &r), 0);
	assert_int_equal(r.lba, 0x665544332211ULL);
}

static void test_return_errors(void **state)
{
	uint8_t s[sizeof(sense_ok) + 4];
	struct ata_return r;
	/* fixed-format sense (0x70), NOT READY: no descriptors */
	static const uint8_t fixed[18] = { 0x70, 0, 0x02, 0, 0, 0, 0, 10 };
	/* descriptor sense with only an information descriptor (type 0x00) */
	static const uint8_t other[20] = {
		0x72, 0x05, 0x24, 0x00, 0, 0, 0, 12, 0x00, 0x0A, 0x80, 0
	};

	(void)state;
	assert_int_equal(ata_return_parse(fixed, sizeof(fixed), &r), -ENOMSG);
	assert_int_equal(ata_return_parse(other, sizeof(other), &r), -ENOMSG);
	assert_int_equal(ata_return_parse(sense_ok, 7, &r), -EBADMSG);
	assert_int_equal(ata_return_parse(sense_ok, sizeof(sense_ok) - 1, &r), -EBADMSG);
	/* additional length claims a short ATA Return descriptor */
	memcpy(s, sense_ok, sizeof(sense_ok));
	s[9] = 0x0A;
	s[7] = 12;
	assert_int_equal(ata_return_parse(s, sizeof(sense_ok), &r), -EBADMSG);
	/* a descriptor header cut by the additional length */
	memcpy(s, sense_ok, sizeof(sense_ok));
	s[7] = 1;
	assert_int_equal(ata_return_parse(s, sizeof(sense_ok), &r), -EBADMSG);
	/* ATA Return after another descriptor is still found */
	memset(s, 0, sizeof(s));
	memcpy(s, sense_ok, 8);
	s[7] = 18;
	s[8] = 0x80; /* vendor descriptor, 2 bytes of data */
	s[9] = 0x02;
	memcpy(s + 12, sense_ok + 8, 14);
	assert_int_equal(ata_return_parse(s, 26, &r), 0);
	assert_int_equal(r.status, 0x50);
}

/* fixed-format sense as Linux libata sends it without D_SENSE (SAT-4 fixed ATA sense) */
static void test_return_fixed(void **state)
{
	struct ata_return r;
	/*
	 * key RECOVERED ERROR; INFORMATION: ERROR 00, STATUS 50, DEVICE 40,
	 * COUNT 7:0 = 0x34; byte 8: EXTEND (80h); bytes 9-11 LBA 7:0, 15:8, 23:16;
	 * ASC/ASCQ 00/1D
	 */
	uint8_t s[18] = { 0x70, 0,    0x01, 0x00, 0x50, 0x40, 0x34, 10, 0x80,
			  0xCC, 0xBB, 0xAA, 0x00, 0x1D, 0,    0,    0,	0 };

	(void)state;
	assert_int_equal(ata_return_parse_fixed(s, sizeof(s), &r), 0);
	assert_int_equal(r.status, 0x50);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.device, 0x40);
	assert_int_equal(r.count, 0x34);
	assert_int_equal(r.lba, 0xAABBCC);
	assert_int_equal(r.extend, 1);
	assert_false(r.partial);
	s[8] = 0xC0; /* COUNT UPPER NONZERO */
	assert_int_equal(ata_return_parse_fixed(s, sizeof(s), &r), 0);
	assert_true(r.partial);
	s[8] = 0xA0; /* LBA UPPER NONZERO */
	assert_int_equal(ata_return_parse_fixed(s, sizeof(s), &r), 0);
	assert_true(r.partial);
	assert_int_equal(ata_return_parse_fixed(s, 13, &r), -EBADMSG);
	s[13] = 0x00; /* another ASCQ: not ATA registers */
	assert_int_equal(ata_return_parse_fixed(s, sizeof(s), &r), -ENOMSG);
	assert_int_equal(ata_return_parse_fixed(sense_ok, sizeof(sense_ok), &r), -ENOMSG);
}

/* SECURITY SET PASSWORD, ERASE UNIT, DISABLE PASSWORD, UNLOCK: PIO data-out, one block */
static void test_security_cdbs(void **state)
{
	static const uint8_t cmds[] = { 0xF1, 0xF2, 0xF4, 0xF6 };
	uint8_t cdb[ATA_CDB_LEN];
	/*
	 * byte 1: PROTOCOL 5 (PIO data-out) << 1 = 0x0A, EXTEND 0 (28-bit);
	 * byte 2: T_DIR 0 (to the device) | BYT_BLOK (0x04) | T_LENGTH 2 (COUNT) = 0x06;
	 * byte 6: COUNT 7:0 = 1 block; byte 13 DEVICE 0x40; byte 14 the command.
	 */
	uint8_t want[ATA_CDB_LEN] = {
		0x85, 0x0A, 0x06, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 0, 0
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmds); i++) {
		want[14] = cmds[i];
		memset(cdb, 0xAA, sizeof(cdb));
		assert_int_equal(ata_cdb_security(cdb, cmds[i]), 0);
		assert_memory_equal(cdb, want, sizeof(want));
	}
	assert_int_equal(ata_cdb_security(cdb, 0xF5), -EINVAL); /* FREEZE LOCK: never sent */
	assert_int_equal(ata_cdb_security(cdb, 0xEC), -EINVAL);
}

static void test_erase_prepare_cdb(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	/* PROTOCOL 3 (non-data) << 1 = 0x06, no transfer, no CK_COND; command F3h */
	static const uint8_t want[ATA_CDB_LEN] = { 0x85, 0x06, 0x00, 0, 0, 0,	 0,    0,
						   0,	 0,    0,    0, 0, 0x40, 0xF3, 0 };

	(void)state;
	memset(cdb, 0xAA, sizeof(cdb));
	assert_int_equal(ata_cdb_security(cdb, ATA_CMD_SEC_ERASE_PREPARE), 0);
	assert_memory_equal(cdb, want, sizeof(want));
}

static void test_sec_block(void **state)
{
	uint8_t b[ATA_SEC_BLOCK_LEN], want[ATA_SEC_BLOCK_LEN];
	static const uint8_t pw[] = "kesu";

	(void)state;
	/* word 0 = 0x0000 (user, normal, High); words 1-16 the password bytes; rest zero */
	memset(want, 0, sizeof(want));
	memcpy(want + 2, "kesu", 4);
	memset(b, 0xAA, sizeof(b));
	assert_int_equal(ata_sec_block(b, 0, pw, 4), 0);
	assert_memory_equal(b, want, sizeof(want));
	/* enhanced erase: word 0 bit 1 -> byte 0 = 0x02 */
	want[0] = 0x02;
	assert_int_equal(ata_sec_block(b, ATA_SEC_ENHANCED, pw, 4), 0);
	assert_memory_equal(b, want, sizeof(want));
	/* master identifier (bit 0) and level Maximum (bit 8 -> byte 1 bit 0) */
	want[0] = 0x01;
	want[1] = 0x01;
	assert_int_equal(ata_sec_block(b, ATA_SEC_MASTER | ATA_SEC_LEVEL_MAXIMUM, pw, 4), 0);
	assert_memory_equal(b, want, sizeof(want));
	/* a full 32-byte password fills words 1-16 and nothing after them */
	memset(want, 0, sizeof(want));
	memset(want + 2, 'x', 32);
	memset(b, 0xAA, sizeof(b));
	assert_int_equal(ata_sec_block(b, 0, want + 2, 32), 0);
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(ata_sec_block(b, 0, pw, 33), -EINVAL);
	assert_int_equal(ata_sec_block(b, 0, pw, 0), -EINVAL);
	assert_int_equal(ata_sec_block(b, 0x0004, pw, 4), -EINVAL);
}

static void test_overwrite_cdb(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	/*
	 * FEATURE 0014h; COUNT: INVERT bit 7 | 3 passes = 0x0083; LBA 47:32 the
	 * key 4F57h ("OW"), LBA 31:0 the pattern A1B2C3D4h: byte 7 = 31:24 (A1),
	 * byte 8 = 7:0 (D4), byte 9 = 39:32 (57), byte 10 = 15:8 (C3),
	 * byte 11 = 47:40 (4F), byte 12 = 23:16 (B2).
	 */
	static const uint8_t want[ATA_CDB_LEN] = { 0x85, 0x07, 0x20, 0x00, 0x14, 0x00, 0x83, 0xA1,
						   0xD4, 0x57, 0xC3, 0x4F, 0xB2, 0x40, 0xB4, 0x00 };
	/* one pass of zeros, as the ata-sanitize-overwrite method sends it */
	static const uint8_t zero[ATA_CDB_LEN] = { 0x85, 0x07, 0x20, 0x00, 0x14, 0x00, 0x01, 0x00,
						   0x00, 0x57, 0x00, 0x4F, 0x00, 0x40, 0xB4, 0x00 };

	(void)state;
	assert_int_equal(ata_cdb_overwrite(cdb, 0xA1B2C3D4, 3, ATA_SANITIZE_INVERT), 0);
	assert_memory_equal(cdb, want, sizeof(want));
	assert_int_equal(ata_cdb_overwrite(cdb, 0, 1, 0), 0);
	assert_memory_equal(cdb, zero, sizeof(zero));
	/* 16 passes are sent as 0 in COUNT 3:0 */
	assert_int_equal(ata_cdb_overwrite(cdb, 0, 16, 0), 0);
	assert_int_equal(cdb[6], 0x00);
	assert_int_equal(ata_cdb_overwrite(cdb, 0, 0, 0), -EINVAL);
	assert_int_equal(ata_cdb_overwrite(cdb, 0, 17, 0), -EINVAL);
	assert_int_equal(ata_cdb_overwrite(cdb, 0, 1, 0x0001), -EINVAL);
}

static void test_hpa_cdbs(void **state)
{
	uint8_t cdb[ATA_CDB_LEN];
	/* READ NATIVE MAX ADDRESS EXT: non-data, EXTEND, CK_COND (the address comes back), LBA bit */
	static const uint8_t rnm[ATA_CDB_LEN] = { 0x85, 0x07, 0x20, 0, 0, 0,	0,    0,
						  0,	0,    0,    0, 0, 0x40, 0x27, 0 };
	/*
	 * SET MAX ADDRESS EXT to 0x123456789ABC, VV (COUNT bit 0) set: byte 7 =
	 * 31:24 (56), byte 8 = 7:0 (BC), byte 9 = 39:32 (34), byte 10 = 15:8 (9A),
	 * byte 11 = 47:40 (12), byte 12 = 23:16 (78); no CK_COND.
	 */
	static const uint8_t smx[ATA_CDB_LEN] = { 0x85, 0x07, 0x00, 0x00, 0x00, 0x00, 0x01, 0x56,
						  0xBC, 0x34, 0x9A, 0x12, 0x78, 0x40, 0x37, 0x00 };

	(void)state;
	ata_cdb_read_native_max(cdb);
	assert_memory_equal(cdb, rnm, sizeof(rnm));
	assert_int_equal(ata_cdb_set_max(cdb, 0x123456789ABCULL, true), 0);
	assert_memory_equal(cdb, smx, sizeof(smx));
	assert_int_equal(ata_cdb_set_max(cdb, 1000, false), 0);
	assert_int_equal(cdb[6], 0x00); /* volatile */
	assert_int_equal(ata_cdb_set_max(cdb, 1ULL << 48, false), -EINVAL);
}

static void put_w(uint8_t *b, unsigned w, uint16_t v)
{
	b[2 * w] = (uint8_t)v;
	b[2 * w + 1] = (uint8_t)(v >> 8);
}

/* IDENTIFY data laid out by hand, word by word (ACS-4 Table 45) */
static void test_id_parse(void **state)
{
	uint8_t b[ATA_ID_LEN];
	struct sanitize_ata_id id;
	uint8_t sum = 0;
	unsigned i;

	(void)state;
	memset(b, 0, sizeof(b));
	/* serial "S1" in word 10: 'S' in the high byte; the rest spaces */
	for (i = 10; i < 20; i++)
		put_w(b, i, 0x2020);
	put_w(b, 10, 0x5331);
	/* firmware "FW\x01" -> the control byte shows as '?' */
	for (i = 23; i < 27; i++)
		put_w(b, i, 0x2020);
	put_w(b, 23, 0x4657);
	put_w(b, 24, 0x0120);
	/* model "AB CD" */
	for (i = 27; i < 47; i++)
		put_w(b, i, 0x2020);
	put_w(b, 27, 0x4142);
	put_w(b, 28, 0x2043);
	put_w(b, 29, 0x4420);
	put_w(b, 59,
	      0xB400); /* sanitize (12), crypto (13), block (15), antifreeze (10); no overwrite */
	put_w(b, 60, 0xFFFF); /* 28-bit count, ignored with 48-bit */
	put_w(b, 61, 0x0FFF);
	put_w(b, 82, 0x0400);	    /* HPA supported */
	put_w(b, 83, 0x4C00);	    /* valid (14), 48-bit (10), DCO (11) */
	put_w(b, 85, 0x0400);	    /* HPA enabled */
	put_w(b, 89, 0x001E);	    /* 30 * 2 = 60 minutes */
	put_w(b, 90, 0x8000 | 300); /* extended format: 600 minutes */
	put_w(b, 100, 0x0000);	    /* 0x0001_2345_0000 sectors */
	put_w(b, 101, 0x2345);
	put_w(b, 102, 0x0001);
	put_w(b, 128, 0x0139); /* supported, frozen, count expired, enhanced, level Maximum */
	put_w(b, 217, 7200);
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), 0);
	assert_true(id.valid);
	assert_string_equal(id.serial, "S1");
	assert_string_equal(id.firmware, "FW?");
	assert_string_equal(id.model, "AB CD");
	assert_true(id.sanitize && id.sanitize_crypto && id.sanitize_block &&
		    id.sanitize_antifreeze);
	assert_false(id.sanitize_overwrite);
	assert_true(id.lba48 && id.dco && id.hpa_supported && id.hpa_enabled);
	assert_int_equal(id.max_lba, 0x000123450000ULL - 1);
	assert_true(id.sec_supported && id.sec_frozen && id.sec_count_expired && id.sec_enhanced &&
		    id.sec_level_max);
	assert_false(id.sec_enabled || id.sec_locked);
	assert_int_equal(id.erase_minutes, 60);
	assert_int_equal(id.enhanced_erase_minutes, 600);
	assert_int_equal(id.rotation_rate, 7200);
	/* (2 * 60 + 10) minutes; more than a day: 48 hours */
	assert_int_equal(ata_erase_timeout_ms(&id, false), 130u * 60 * 1000);
	assert_int_equal(ata_erase_timeout_ms(&id, true), 1210u * 60 * 1000);
	put_w(b, 89, 0x00FF); /* "more than 508 minutes" */
	put_w(b, 90, 0);      /* not reported */
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), 0);
	assert_true(id.erase_time_more);
	assert_int_equal(ata_erase_timeout_ms(&id, false), 48u * 3600 * 1000);
	assert_int_equal(ata_erase_timeout_ms(&id, true), 48u * 3600 * 1000);

	/* word 83 not valid (bits 15:14 != 01): no 48-bit, HPA or DCO; 28-bit count */
	put_w(b, 83, 0x0C00);
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), 0);
	assert_false(id.lba48 || id.dco || id.hpa_supported);
	assert_int_equal(id.max_lba, 0x0FFFFFFFULL - 1);
	/* sanitize bits without the feature set bit mean nothing */
	put_w(b, 59, 0xE000);
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), 0);
	assert_false(id.sanitize || id.sanitize_crypto || id.sanitize_block);

	/* integrity word: A5h signature and a checksum that makes the bytes sum to zero */
	b[510] = 0xA5;
	for (i = 0; i < 511; i++)
		sum = (uint8_t)(sum + b[i]);
	b[511] = (uint8_t)-sum;
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), 0);
	b[511]++;
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), -EBADMSG);
	assert_int_equal(ata_id_parse(b, 256, &id), -EINVAL);
	memset(b, 0, sizeof(b));
	assert_int_equal(ata_id_parse(b, sizeof(b), &id), -ENODATA);
}

static void test_category(void **state)
{
	(void)state;
	/* SP 800-88r1 Table A-5 (HDD) and A-8 (SSD); IEEE 2883 */
	assert_string_equal(erase_ata_category("ata-secure-erase", true), "purge");
	assert_string_equal(erase_ata_category("ata-secure-erase-enhanced", true), "purge");
	assert_string_equal(erase_ata_category("ata-secure-erase", false), "clear");
	assert_string_equal(erase_ata_category("ata-secure-erase-enhanced", false), "clear");
	assert_string_equal(erase_ata_category("ata-sanitize-block", false), "purge");
	assert_string_equal(erase_ata_category("ata-sanitize-crypto", false), "purge");
	assert_string_equal(erase_ata_category("ata-sanitize-overwrite", true), "purge");
	assert_string_equal(ata_sanitize_reason_text(3), "device in frozen state");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_sanitize_block),
		cmocka_unit_test(test_sanitize_crypto),
		cmocka_unit_test(test_sanitize_status_cdb),
		cmocka_unit_test(test_return_parse),
		cmocka_unit_test(test_return_lba_bytes),
		cmocka_unit_test(test_return_errors),
		cmocka_unit_test(test_security_cdbs),
		cmocka_unit_test(test_erase_prepare_cdb),
		cmocka_unit_test(test_sec_block),
		cmocka_unit_test(test_overwrite_cdb),
		cmocka_unit_test(test_hpa_cdbs),
		cmocka_unit_test(test_id_parse),
		cmocka_unit_test(test_category),
		cmocka_unit_test(test_return_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
