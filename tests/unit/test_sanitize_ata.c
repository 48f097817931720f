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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify),	cmocka_unit_test(test_sanitize_block),
		cmocka_unit_test(test_sanitize_crypto), cmocka_unit_test(test_sanitize_status_cdb),
		cmocka_unit_test(test_return_parse),	cmocka_unit_test(test_return_lba_bytes),
		cmocka_unit_test(test_return_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
