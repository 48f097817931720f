// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SCSI command blocks byte by byte (SPC-5 6.7 INQUIRY, 6.37 REPORT SUPPORTED
 * OPERATION CODES, 6.39 REQUEST SENSE; SBC-4 5.21 READ CAPACITY(16), 5.30
 * SANITIZE), their answers and sense data parsed from hand-built bytes, and
 * the SCSI capability probe and purge line against the simulated device.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "erase/caps.h"
#include "erase/sanitize_scsi.h"
#include "fw_sim_scsi.h"

static void test_cdbs(void **state)
{
	/* INQUIRY: ALLOCATION LENGTH is bytes 3-4, big-endian; EVPD is byte 1 bit 0 */
	static const uint8_t inq[6] = { 0x12, 0x00, 0x00, 0x00, 0x60, 0x00 };
	static const uint8_t vpd[6] = { 0x12, 0x01, 0x80, 0x00, 0xFC, 0x00 };
	static const uint8_t tur[6] = { 0 };
	static const uint8_t rs[6] = { 0x03, 0x00, 0x00, 0x00, 0x20, 0x00 };
	static const uint8_t rsd[6] = { 0x03, 0x01, 0x00, 0x00, 0xFC, 0x00 };
	/* SERVICE ACTION IN(16) 0x9E, service action 0x10; ALLOCATION LENGTH bytes 10-13 */
	static const uint8_t rc[16] = { 0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0 };
	/*
	 * MAINTENANCE IN 0xA3, service action 0x0C; byte 2 REPORTING OPTIONS
	 * 010b; byte 3 opcode 0x48; bytes 4-5 service action 0x0002; bytes 6-9
	 * ALLOCATION LENGTH 64
	 */
	static const uint8_t rsoc[12] = { 0xA3, 0x0C, 0x02, 0x48, 0x00, 0x02,
					  0x00, 0x00, 0x00, 0x40, 0x00, 0x00 };
	uint8_t c[16];

	(void)state;
	memset(c, 0xAA, sizeof(c));
	scsi_cdb_inquiry(c, false, 0x80, SCSI_INQUIRY_LEN); /* page ignored without EVPD */
	assert_memory_equal(c, inq, 6);
	scsi_cdb_inquiry(c, true, 0x80, 252);
	assert_memory_equal(c, vpd, 6);
	memset(c, 0xAA, sizeof(c));
	scsi_cdb_test_unit_ready(c);
	assert_memory_equal(c, tur, 6);
	scsi_cdb_request_sense(c, false, 32);
	assert_memory_equal(c, rs, 6);
	scsi_cdb_request_sense(c, true, 252);
	assert_memory_equal(c, rsd, 6);
	memset(c, 0xAA, sizeof(c));
	scsi_cdb_read_capacity16(c, 32);
	assert_memory_equal(c, rc, 16);
	memset(c, 0xAA, sizeof(c));
	scsi_cdb_rsoc_one(c, 0x48, 0x02, 64);
	assert_memory_equal(c, rsoc, 12);
}

static void test_cdb_sanitize(void **state)
{
	/* byte 1: IMMED bit 7, AUSE bit 5, SERVICE ACTION 4:0; bytes 7-8 PARAMETER LIST LENGTH */
	static const uint8_t blk[10] = { 0x48, 0x82, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t cry[10] = { 0x48, 0xA3, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t ovw[10] = { 0x48, 0x81, 0, 0, 0, 0, 0, 0x00, 0x08, 0 };
	static const uint8_t ext[10] = { 0x48, 0x1F, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t c[10];

	(void)state;
	memset(c, 0xAA, sizeof(c));
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_BLOCK, SCSI_SANITIZE_IMMED, 0), 0);
	assert_memory_equal(c, blk, 10);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_CRYPTO,
					   SCSI_SANITIZE_IMMED | SCSI_SANITIZE_AUSE, 0),
			 0);
	assert_memory_equal(c, cry, 10);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_OVERWRITE, SCSI_SANITIZE_IMMED, 8), 0);
	assert_memory_equal(c, ovw, 10);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_EXIT_FAILURE, 0, 0), 0);
	assert_memory_equal(c, ext, 10);

	assert_int_equal(scsi_cdb_sanitize(c, 0x04, 0, 0), -EINVAL);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_EXIT_FAILURE, SCSI_SANITIZE_AUSE, 0),
			 -EINVAL);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_BLOCK, 0, 8), -EINVAL);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_OVERWRITE, 0, 0), -EINVAL);
	assert_int_equal(scsi_cdb_sanitize(c, SCSI_SANITIZE_BLOCK, 0x40, 0), -EINVAL);
}

static void test_overwrite_param(void **state)
{
	static const uint8_t pat[2] = { 0xA5, 0x5A };
	/* byte 0: INVERT bit 7, TEST 6:5 = 0, OVERWRITE COUNT 4:0; bytes 2-3 pattern length */
	static const uint8_t want[6] = { 0x83, 0x00, 0x00, 0x02, 0xA5, 0x5A };
	uint8_t b[8];

	(void)state;
	assert_int_equal(scsi_sanitize_overwrite_param(b, sizeof(b), 3, true, pat, 2, 512), 6);
	assert_memory_equal(b, want, 6);
	assert_int_equal(scsi_sanitize_overwrite_param(b, sizeof(b), 0, false, pat, 2, 512),
			 -EINVAL);
	assert_int_equal(scsi_sanitize_overwrite_param(b, sizeof(b), 32, false, pat, 2, 512),
			 -EINVAL);
	assert_int_equal(scsi_sanitize_overwrite_param(b, sizeof(b), 1, false, pat, 0, 512),
			 -EINVAL);
	assert_int_equal(scsi_sanitize_overwrite_param(b, sizeof(b), 1, false, pat, 2, 1), -EINVAL);
	assert_int_equal(scsi_sanitize_overwrite_param(b, 5, 1, false, pat, 2, 512), -ENOSPC);
}

static void test_parse_inquiry_vpd(void **state)
{
	uint8_t inq[36] = { 0x20, 0x80, 0x05, 0x02, 31 };
	static const uint8_t vpd[12] = { 0x00, 0x80, 0x00, 0x08, ' ', ' ',
					 'A',  'B',  '1',  '2',	 ' ', ' ' };
	static const uint8_t bad[6] = { 0x00, 0x83, 0x00, 0x02, 'A', 'B' };
	static const uint8_t longer[6] = { 0x00, 0x80, 0x00, 0x03, 'A', 'B' };
	struct sanitize_scsi_caps c = { 0 };

	(void)state;
	memcpy(inq + 8, "QEMU    QEMU HARDDISK   2.5+", 28);
	inq[20] = 0x07; /* a control byte from the device comes out as '?' */
	assert_int_equal(scsi_parse_inquiry(inq, 36, &c), 0);
	assert_int_equal(c.peripheral_type, 0); /* qualifier bits 7:5 masked off */
	assert_true(c.removable);
	assert_string_equal(c.vendor, "QEMU");
	assert_string_equal(c.product, "QEMU?HARDDISK");
	assert_string_equal(c.revision, "2.5+");
	assert_int_equal(scsi_parse_inquiry(inq, 35, &c), -EBADMSG);

	assert_int_equal(scsi_parse_vpd_serial(vpd, sizeof(vpd), &c), 0);
	assert_true(c.serial_valid);
	assert_string_equal(c.serial, "AB12");
	assert_int_equal(scsi_parse_vpd_serial(bad, sizeof(bad), &c), -EBADMSG);
	assert_int_equal(scsi_parse_vpd_serial(longer, sizeof(longer), &c), -EBADMSG);
}

static void test_parse_capacity(void **state)
{
	/* RETURNED LOGICAL BLOCK ADDRESS 0x123456789, LOGICAL BLOCK LENGTH 4096, LBPME|LBPRZ */
	uint8_t b[32] = { 0, 0, 0, 0x01, 0x23, 0x45, 0x67, 0x89, 0, 0, 0x10, 0 };
	struct sanitize_scsi_caps c = { 0 };

	(void)state;
	b[14] = 0xC0;
	assert_int_equal(scsi_parse_read_capacity16(b, 32, &c), 0);
	assert_true(c.capacity_valid);
	assert_true(c.last_lba == 0x123456789ULL);
	assert_int_equal(c.block_len, 4096);
	assert_true(c.lbpme);
	b[14] = 0x40;
	assert_int_equal(scsi_parse_read_capacity16(b, 32, &c), 0);
	assert_false(c.lbpme);
	assert_int_equal(scsi_parse_read_capacity16(b, 31, &c), -EBADMSG);
	b[10] = 0;
	assert_int_equal(scsi_parse_read_capacity16(b, 32, &c), -EBADMSG);
}

static void test_parse_rsoc(void **state)
{
	/* one_command data: byte 1 CTDP bit 7, SUPPORT 2:0; bytes 2-3 CDB SIZE */
	static const uint8_t sup[14] = { 0, 0x83, 0, 10, 0x48, 0xE2 };
	static const uint8_t vendor[14] = { 0, 0x05, 0, 10, 0x48, 0xE2 };
	static const uint8_t no[4] = { 0, 0x01, 0, 0 };
	static const uint8_t unknown[4] = { 0, 0x00, 0, 0 };
	static const uint8_t liar[4] = { 0, 0x03, 0, 0 };
	uint8_t raw = 0xFF;

	(void)state;
	assert_int_equal(scsi_parse_rsoc_one(sup, sizeof(sup), &raw), SCSI_RSOC_SUPPORTED);
	assert_int_equal(raw, 3);
	assert_int_equal(scsi_parse_rsoc_one(vendor, sizeof(vendor), &raw), SCSI_RSOC_SUPPORTED);
	assert_int_equal(raw, 5);
	assert_int_equal(scsi_parse_rsoc_one(no, sizeof(no), &raw), SCSI_RSOC_UNSUPPORTED);
	assert_int_equal(raw, 1);
	assert_int_equal(scsi_parse_rsoc_one(unknown, sizeof(unknown), &raw), SCSI_RSOC_UNKNOWN);
	assert_int_equal(scsi_parse_rsoc_one(liar, sizeof(liar), &raw), -EBADMSG);
	assert_int_equal(scsi_parse_rsoc_one(no, 3, &raw), -EBADMSG);
}

static void test_sense_fixed(void **state)
{
	/* NOT READY 04/1B with SKSV and progress 0x4000 in bytes 15-17 */
	static const uint8_t prog[18] = { 0xF0, 0, 0x02, 0,    0,    0, 0,    0x0A, 0,
					  0,	0, 0,	 0x04, 0x1B, 0, 0x80, 0x40, 0x00 };
	static const uint8_t failed[18] = {
		0x70, 0, 0x03, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x31, 0x03
	};
	/* ILLEGAL REQUEST with SKSV: a field pointer, not a progress indicator */
	static const uint8_t field[18] = { 0x70, 0, 0x05, 0,	0,    0, 0,    0x0A, 0,
					   0,	 0, 0,	  0x24, 0x00, 0, 0xC0, 0x00, 0x01 };
	static const uint8_t odd[18] = { 0x7F };
	struct scsi_sense s;

	(void)state;
	assert_int_equal(scsi_sense_parse(prog, sizeof(prog), &s), 0);
	assert_int_equal(s.response, 0x70);
	assert_int_equal(s.key, SCSI_SK_NOT_READY);
	assert_true(scsi_sense_in_progress(&s));
	assert_true(s.progress_valid);
	assert_int_equal(s.progress, 0x4000);
	assert_int_equal(scsi_sense_errno(&s), -EBUSY);
	assert_string_equal(scsi_sense_text(&s), "sanitize in progress");

	assert_int_equal(scsi_sense_parse(failed, sizeof(failed), &s), 0);
	assert_true(scsi_sense_sanitize_failed(&s));
	assert_false(scsi_sense_in_progress(&s));
	assert_false(s.progress_valid);
	assert_int_equal(scsi_sense_errno(&s), -EIO);
	assert_string_equal(scsi_sense_text(&s), "sanitize command failed");

	assert_int_equal(scsi_sense_parse(field, sizeof(field), &s), 0);
	assert_false(s.progress_valid);
	assert_int_equal(scsi_sense_errno(&s), -EINVAL);

	assert_int_equal(scsi_sense_parse(prog, 13, &s), -EBADMSG);
	assert_int_equal(scsi_sense_parse(prog, 0, &s), -ENODATA);
	assert_int_equal(scsi_sense_parse(odd, sizeof(odd), &s), -EBADMSG);
}

static void test_sense_descriptor(void **state)
{
	/* 72h, NOT READY 04/1B, one sense key specific descriptor (02h, length 06h) */
	static const uint8_t prog[16] = { 0x72, 0x02, 0x04, 0x1B, 0,	0,    0,    0x08,
					  0x02, 0x06, 0,    0,	  0x80, 0xC0, 0x00, 0 };
	static const uint8_t nosksv[16] = { 0x72, 0x02, 0x04, 0x1B, 0,	  0,	0,    0x08,
					    0x02, 0x06, 0,    0,    0x00, 0xC0, 0x00, 0 };
	/* the descriptor claims more bytes than the additional length holds */
	static const uint8_t cut[16] = { 0x72, 0x02, 0x04, 0x1B, 0,    0,    0,	   0x08,
					 0x02, 0x0A, 0,	   0,	 0x80, 0xC0, 0x00, 0 };
	static const uint8_t opcode[8] = { 0x72, 0x05, 0x20, 0x00, 0, 0, 0, 0 };
	static const uint8_t prot[8] = { 0x72, 0x07, 0x27, 0x00, 0, 0, 0, 0 };
	static const uint8_t ua[8] = { 0x73, 0x06, 0x29, 0x00, 0, 0, 0, 0 };
	static const uint8_t none[8] = { 0x72, 0x00, 0x00, 0x00, 0, 0, 0, 0 };
	struct scsi_sense s;

	(void)state;
	assert_int_equal(scsi_sense_parse(prog, sizeof(prog), &s), 0);
	assert_true(scsi_sense_in_progress(&s));
	assert_true(s.progress_valid);
	assert_int_equal(s.progress, 0xC000);
	assert_int_equal(scsi_sense_parse(nosksv, sizeof(nosksv), &s), 0);
	assert_false(s.progress_valid);
	assert_int_equal(scsi_sense_parse(cut, sizeof(cut), &s), -EBADMSG);
	assert_int_equal(scsi_sense_parse(prog, 7, &s), -EBADMSG);
	assert_int_equal(scsi_sense_parse(opcode, sizeof(opcode), &s), 0);
	assert_int_equal(scsi_sense_errno(&s), -EOPNOTSUPP);
	assert_int_equal(scsi_sense_parse(prot, sizeof(prot), &s), 0);
	assert_int_equal(scsi_sense_errno(&s), -EROFS);
	assert_int_equal(scsi_sense_parse(ua, sizeof(ua), &s), 0);
	assert_int_equal(scsi_sense_errno(&s), -EAGAIN);
	assert_int_equal(scsi_sense_parse(none, sizeof(none), &s), 0);
	assert_int_equal(scsi_sense_errno(&s), 0);
}

/* probe the simulated device through the dispatcher, as kesu devices does */
static int probe(struct fw_sim_scsi *sim, struct erase_caps *c, bool usb, bool rota, char *line,
		 size_t len)
{
	struct fw *f;
	int r;

	assert_int_equal(fw_sim_scsi_open(sim, &f), 0);
	r = erase_caps_probe(f, c);
	c->usb = usb;
	c->rotational = rota;
	fw_close(f);
	return r < 0 ? r : erase_caps_purge_line(c, line, len);
}

static void test_probe(void **state)
{
	struct fw_sim_scsi sim;
	struct erase_caps c = { 0 };
	char line[512];

	(void)state;
	fw_sim_scsi_init(&sim);
	assert_int_equal(probe(&sim, &c, false, false, line, sizeof(line)), 0);
	assert_true(c.scsi);
	assert_string_equal(c.scsi_caps.vendor, "KESU");
	assert_string_equal(c.scsi_caps.product, "SIMDISK");
	assert_string_equal(c.scsi_caps.revision, "1.0");
	assert_string_equal(c.scsi_caps.serial, "SIM0001");
	assert_true(c.scsi_caps.last_lba == 2047);
	assert_int_equal(c.scsi_caps.block_len, 512);
	assert_true(c.scsi_caps.rsoc);
	assert_string_equal(line, "scsi: sanitize crypto erase; sanitize block erase; "
				  "sanitize overwrite");
	/* read-only: INQUIRY twice, READ CAPACITY, one RSOC per service action, no SANITIZE */
	assert_int_equal(fw_sim_scsi_count(&sim, 0x12), 2);
	assert_int_equal(fw_sim_scsi_count(&sim, 0x9E), 1);
	assert_int_equal(fw_sim_scsi_count(&sim, 0xA3), 4);
	assert_int_equal(fw_sim_scsi_count(&sim, 0x48), 0);
	assert_int_equal(sim.nsanitize, 0);
	assert_int_equal(sim.cdb[sim.ncdbs - 1][5], 0x1F); /* the last asks for exit failure mode */
}

static void test_probe_partial(void **state)
{
	struct fw_sim_scsi sim;
	struct erase_caps c = { 0 };
	char line[512];

	(void)state;
	fw_sim_scsi_init(&sim);
	sim.support[1] = 1;
	sim.support[2] = 0;
	sim.serial = NULL;
	assert_int_equal(probe(&sim, &c, false, true, line, sizeof(line)), 0);
	assert_false(c.scsi_caps.serial_valid);
	assert_int_equal(c.scsi_caps.support_raw[1], 1);
	assert_int_equal(c.scsi_caps.support[2], SCSI_RSOC_UNKNOWN);
	assert_string_equal(line, "scsi: sanitize crypto erase not reported (support 0); "
				  "sanitize block erase not supported; sanitize overwrite");
	assert_int_equal(erase_caps_purge_line(&c, line, 20), -ENOSPC);
}

static void test_probe_no_rsoc_usb(void **state)
{
	struct fw_sim_scsi sim;
	struct erase_caps c = { 0 };
	char line[512];

	(void)state;
	fw_sim_scsi_init(&sim);
	sim.no_rsoc = true;
	assert_int_equal(probe(&sim, &c, true, false, line, sizeof(line)), 0);
	assert_false(c.scsi_caps.rsoc);
	assert_int_equal(fw_sim_scsi_count(&sim, 0xA3), 1); /* refused once: not asked again */
	assert_string_equal(line, "scsi: sanitize unknown: report supported operation codes "
				  "refused (invalid command operation code (05/20/00)); "
				  "USB flash media whose controller offers no sanitize");
}

static void test_probe_fails(void **state)
{
	struct fw_sim_scsi sim;
	struct erase_caps c = { 0 };
	char line[512];
	struct fw *f;

	(void)state;
	fw_sim_scsi_init(&sim);
	sim.transport_err = -EIO;
	assert_int_equal(fw_sim_scsi_open(&sim, &f), 0);
	assert_true(erase_caps_probe(f, &c) < 0);
	fw_close(f);
	assert_false(c.scsi);
	assert_int_equal(erase_caps_scsi_line(&c, line, sizeof(line)), -ENODATA);
	assert_int_equal(erase_caps_purge_line(&c, line, sizeof(line)), -ENODATA);
	assert_string_equal(line, "not probed: scsi inquiry: Input/output error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdbs),
		cmocka_unit_test(test_cdb_sanitize),
		cmocka_unit_test(test_overwrite_param),
		cmocka_unit_test(test_parse_inquiry_vpd),
		cmocka_unit_test(test_parse_capacity),
		cmocka_unit_test(test_parse_rsoc),
		cmocka_unit_test(test_sense_fixed),
		cmocka_unit_test(test_sense_descriptor),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_probe_partial),
		cmocka_unit_test(test_probe_no_rsoc_usb),
		cmocka_unit_test(test_probe_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
