// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NVMe Format NVM and Sanitize: every command dword checked against values
 * worked out by hand from NVMe 2.0 (written as literals), the Identify and
 * Sanitize Status parsers on recorded buffers, capability probing and the
 * sanitize state machine on the simulated controller, and the folding of
 * NVMe statuses into errnos.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libnvme.h>

#include "erase/caps.h"
#include "erase/sanitize_nvme.h"
#include "fw.h"
#include "fw_sim.h"

/* the byte offsets the parser uses, against libnvme's own layout */
_Static_assert(offsetof(struct nvme_id_ctrl, sn) == 4, "sn");
_Static_assert(offsetof(struct nvme_id_ctrl, mn) == 24, "mn");
_Static_assert(offsetof(struct nvme_id_ctrl, fr) == 64, "fr");
_Static_assert(offsetof(struct nvme_id_ctrl, oacs) == 256, "oacs");
_Static_assert(offsetof(struct nvme_id_ctrl, sanicap) == 328, "sanicap");
_Static_assert(offsetof(struct nvme_id_ctrl, fna) == 524, "fna");
_Static_assert(sizeof(struct nvme_id_ctrl) == 4096, "id_ctrl");

static void assert_cmd(const struct nvme_passthru_cmd *c, uint8_t opcode, uint32_t nsid,
		       uint32_t cdw10, uint32_t cdw11, uint32_t data_len)
{
	assert_int_equal(c->opcode, opcode);
	assert_int_equal(c->flags, 0);
	assert_int_equal(c->nsid, nsid);
	assert_int_equal(c->cdw2, 0);
	assert_int_equal(c->cdw3, 0);
	assert_int_equal(c->cdw10, cdw10);
	assert_int_equal(c->cdw11, cdw11);
	assert_int_equal(c->cdw12, 0);
	assert_int_equal(c->cdw13, 0);
	assert_int_equal(c->cdw14, 0);
	assert_int_equal(c->cdw15, 0);
	assert_int_equal(c->data_len, data_len);
	assert_int_equal(c->metadata_len, 0);
}

static void test_identify_cmd(void **state)
{
	struct nvme_passthru_cmd c;
	static uint8_t buf[4096];

	(void)state;
	sanitize_nvme_identify_ctrl(&c, buf);
	assert_cmd(&c, 0x06, 0, 0x00000001, 0, 4096);
	assert_ptr_equal((void *)(uintptr_t)c.addr, buf);
}

static void test_format_cmd(void **state)
{
	struct nvme_passthru_cmd c;

	(void)state;
	assert_int_equal(sanitize_nvme_format(&c, 1, 0, SANITIZE_NVME_SES_NONE), 0);
	assert_cmd(&c, 0x80, 1, 0x00000000, 0, 0);
	assert_int_equal(sanitize_nvme_format(&c, 1, 0, SANITIZE_NVME_SES_USER), 0);
	assert_cmd(&c, 0x80, 1, 0x00000200, 0, 0);
	assert_int_equal(sanitize_nvme_format(&c, 0xffffffff, 0, SANITIZE_NVME_SES_CRYPTO), 0);
	assert_cmd(&c, 0x80, 0xffffffff, 0x00000400, 0, 0);
	/* LBAF 5: LBAFL 3:0 */
	assert_int_equal(sanitize_nvme_format(&c, 2, 5, SANITIZE_NVME_SES_USER), 0);
	assert_cmd(&c, 0x80, 2, 0x00000205, 0, 0);
	/* LBAF 0x11: LBAFL 1, LBAFU (13:12) 1 */
	assert_int_equal(sanitize_nvme_format(&c, 1, 0x11, SANITIZE_NVME_SES_CRYPTO), 0);
	assert_cmd(&c, 0x80, 1, 0x00001401, 0, 0);
	assert_int_equal(sanitize_nvme_format(&c, 1, 63, SANITIZE_NVME_SES_USER), 0);
	assert_cmd(&c, 0x80, 1, 0x0000320f, 0, 0);
	assert_int_equal(sanitize_nvme_format(&c, 1, 64, SANITIZE_NVME_SES_USER), -EINVAL);
	assert_int_equal(sanitize_nvme_format(&c, 1, 0, (enum sanitize_nvme_ses)3), -EINVAL);
}

static void test_sanitize_cmd(void **state)
{
	struct nvme_passthru_cmd c;
	struct sanitize_nvme_args a;

	(void)state;
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_BLOCK };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x00000002, 0, 0);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_CRYPTO, .ause = true };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x0000000c, 0, 0);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_BLOCK, .no_dealloc = true };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x00000202, 0, 0);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_EXIT_FAILURE };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x00000001, 0, 0);
	/* overwrite, 3 passes, inverted between passes, pattern in cdw11 */
	a = (struct sanitize_nvme_args){
		.sanact = SANITIZE_NVME_OVERWRITE, .owpass = 3, .oipbp = true, .ovrpat = 0xdeadbeef
	};
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x00000133, 0xdeadbeef, 0);
	/* 16 passes are coded as 0; AUSE and NDAS as well */
	a = (struct sanitize_nvme_args){
		.sanact = SANITIZE_NVME_OVERWRITE, .owpass = 16, .ause = true, .no_dealloc = true
	};
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x0000020b, 0, 0);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_OVERWRITE, .owpass = 15 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_cmd(&c, 0x84, 0, 0x000000f3, 0, 0);

	a = (struct sanitize_nvme_args){ .sanact = (enum sanitize_nvme_sanact)0 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), -EINVAL);
	a = (struct sanitize_nvme_args){ .sanact = (enum sanitize_nvme_sanact)5 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), -EINVAL);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_OVERWRITE, .owpass = 0 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), -EINVAL);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_OVERWRITE, .owpass = 17 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), -EINVAL);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_BLOCK, .owpass = 1 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), -EINVAL);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_CRYPTO, .ovrpat = 1 };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), -EINVAL);
}

static void test_get_log_cmd(void **state)
{
	struct nvme_passthru_cmd c;
	uint8_t buf[20];

	(void)state;
	sanitize_nvme_get_log(&c, buf);
	/* LID 81h, NUMDL 4 (5 dwords - 1) */
	assert_cmd(&c, 0x02, 0xffffffff, 0x00040081, 0, 20);
	assert_ptr_equal((void *)(uintptr_t)c.addr, buf);
}

static void test_parse_log(void **state)
{
	/* block erase half done: SPROG 8000h, SSTAT 2, SCDW10 2, ETO 60 s, ETBE 3600 s */
	static const uint8_t running[20] = { 0x00, 0x80, 0x02, 0x00, 0x02, 0x00, 0x00,
					     0x00, 0x3c, 0x00, 0x00, 0x00, 0x10, 0x0e,
					     0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
	/* overwrite done after 3 passes, global data erased: SSTAT 0119h */
	static const uint8_t done[20] = { 0xff, 0xff, 0x19, 0x01, 0x33, 0x01, 0x00,
					  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	uint8_t bad[20] = { 0 };
	struct sanitize_nvme_log l;

	(void)state;
	assert_int_equal(sanitize_nvme_parse_log(running, sizeof(running), &l), 0);
	assert_int_equal(l.state, SANITIZE_NVME_IN_PROGRESS);
	assert_int_equal(l.sprog, 32768); /* 1/2 of 65536 */
	assert_false(l.global_data_erased);
	assert_int_equal(l.scdw10, 2);
	assert_int_equal(l.eto, 60);
	assert_int_equal(l.etbe, 3600);
	assert_int_equal(l.etce, 0xffffffff);
	assert_string_equal(sanitize_nvme_state_name(l.state), "in-progress");

	assert_int_equal(sanitize_nvme_parse_log(done, sizeof(done), &l), 0);
	assert_int_equal(l.state, SANITIZE_NVME_COMPLETED);
	assert_int_equal(l.passes, 3);
	assert_true(l.global_data_erased);
	assert_int_equal(l.scdw10, 0x133);

	bad[2] = 0x04;
	assert_int_equal(sanitize_nvme_parse_log(bad, sizeof(bad), &l), 0);
	assert_int_equal(l.state, SANITIZE_NVME_COMPLETED_NO_DEALLOC);
	bad[2] = 0x03;
	assert_int_equal(sanitize_nvme_parse_log(bad, sizeof(bad), &l), 0);
	assert_int_equal(l.state, SANITIZE_NVME_FAILED);
	assert_string_equal(sanitize_nvme_state_name(l.state), "failed");
	bad[2] = 0x00;
	assert_int_equal(sanitize_nvme_parse_log(bad, sizeof(bad), &l), 0);
	assert_int_equal(l.state, SANITIZE_NVME_NEVER);
	bad[2] = 0x05; /* reserved */
	assert_int_equal(sanitize_nvme_parse_log(bad, sizeof(bad), &l), -EPROTO);
	assert_int_equal(sanitize_nvme_parse_log(bad, 19, &l), -EINVAL);
}

static void test_parse_id(void **state)
{
	static uint8_t buf[4096];
	struct sanitize_nvme_id id;

	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 4, "S4EVNF0M123456      ", 20);
	memcpy(buf + 24, "Samsung SSD 970 EVO Plus 1TB            ", 40);
	memcpy(buf + 64, "2B2QEXM7", 8);
	buf[256] = 0x17; /* oacs: security, format, firmware, ns management, self-test */
	buf[257] = 0x00;
	buf[328] = 0x02; /* sanicap: block erase */
	buf[331] = 0x20; /* bit 29: NDI */
	buf[524] = 0x05; /* fna: all namespaces, crypto erase */
	assert_int_equal(sanitize_nvme_parse_id(buf, sizeof(buf), &id), 0);
	assert_string_equal(id.sn, "S4EVNF0M123456");
	assert_string_equal(id.mn, "Samsung SSD 970 EVO Plus 1TB");
	assert_string_equal(id.fr, "2B2QEXM7");
	assert_int_equal(id.oacs, 0x17);
	assert_int_equal(id.sanicap, 0x20000002);
	assert_int_equal(id.fna, 0x05);
	assert_true(id.format);
	assert_true(id.format_all_ns);
	assert_false(id.erase_all_ns);
	assert_true(id.format_crypto);
	assert_true(id.sanitize);
	assert_false(id.sanitize_crypto);
	assert_true(id.sanitize_block);
	assert_false(id.sanitize_overwrite);
	assert_true(id.ndi);
	assert_int_equal(sanitize_nvme_parse_id(buf, 4095, &id), -EINVAL);
}

static void probe(struct fw_sim *sim, struct erase_caps *c, char *line, size_t len)
{
	struct fw *f;

	memset(c, 0, sizeof(*c));
	assert_int_equal(fw_sim_open(sim, &f), 0);
	assert_int_equal(erase_caps_probe_nvme(f, c), 0);
	assert_true(c->nvme);
	assert_cmd(&sim->last, 0x06, 0, 0x00000001, 0, 4096);
	assert_int_equal(erase_caps_purge_line(c, line, len), 0);
	fw_close(f);
}

static void test_caps_qemu(void **state)
{
	struct fw_sim sim = {
		.oacs = 0x10a, .sn = "deadbeef", .mn = "QEMU NVMe Ctrl", .fr = "8.0.2"
	};
	struct erase_caps c = { 0 };
	char line[160];

	(void)state;
	probe(&sim, &c, line, sizeof(line));
	assert_string_equal(c.nvme_id.sn, "deadbeef");
	assert_string_equal(c.nvme_id.mn, "QEMU NVMe Ctrl");
	assert_string_equal(c.nvme_id.fr, "8.0.2");
	assert_true(c.nvme_id.format);
	assert_false(c.nvme_id.format_crypto);
	assert_false(c.nvme_id.sanitize);
	assert_string_equal(line, "nvme: format user-data erase; crypto erase not supported (fna); "
				  "sanitize not supported (sanicap 0)");
	assert_int_equal(erase_caps_purge_line(&c, line, 20), -ENOSPC);
}

static void test_caps_full(void **state)
{
	struct fw_sim sim = { .oacs = 0x2, .fna = 0x4, .sanicap = 0x20000007 };
	struct erase_caps c = { 0 };
	char line[160];

	(void)state;
	probe(&sim, &c, line, sizeof(line));
	assert_true(c.nvme_id.ndi);
	assert_string_equal(line, "nvme: format user-data erase; format crypto erase; "
				  "sanitize crypto/block/overwrite");
	sim = (struct fw_sim){ .sanicap = 0x4 };
	probe(&sim, &c, line, sizeof(line));
	assert_string_equal(line, "nvme: format not supported (oacs); crypto erase not supported "
				  "(oacs); sanitize overwrite");
	sim = (struct fw_sim){ .oacs = 0x2, .sanicap = 0x40000000 };
	probe(&sim, &c, line, sizeof(line));
	assert_string_equal(line, "nvme: format user-data erase; crypto erase not supported (fna); "
				  "sanitize not supported (sanicap 0x40000000)");
}

static void test_caps_errors(void **state)
{
	static const struct fw_ops none = { 0 };
	struct erase_caps c = { 0 };
	char line[80];
	struct fw *f;

	(void)state;
	assert_int_equal(erase_caps_purge_line(&c, line, sizeof(line)), -ENODATA);
	assert_int_equal(fw_open_ops(&none, NULL, &f), 0);
	assert_int_equal(erase_caps_probe_nvme(f, &c), -EOPNOTSUPP);
	assert_false(c.nvme);
	fw_close(f);
}

static int admin(struct fw *f, struct nvme_passthru_cmd *c)
{
	return fw_nvme_admin(f, c);
}

static struct sanitize_nvme_log read_log(struct fw *f, struct fw_sim *sim)
{
	struct nvme_passthru_cmd c;
	struct sanitize_nvme_log l;
	uint8_t buf[20];

	sanitize_nvme_get_log(&c, buf);
	assert_int_equal(admin(f, &c), 0);
	assert_cmd(&sim->last, 0x02, 0xffffffff, 0x00040081, 0, 20);
	assert_int_equal(sanitize_nvme_parse_log(buf, sizeof(buf), &l), 0);
	return l;
}

static void test_sim_sanitize(void **state)
{
	struct fw_sim sim = {
		.sanicap = 0x3, .sprog = { 0x1000, 0x8000 }, .nsprog = 2, .etbe = 90
	};
	struct sanitize_nvme_args a = { .sanact = SANITIZE_NVME_BLOCK };
	struct nvme_passthru_cmd c;
	struct sanitize_nvme_log l;
	struct fw *f;

	(void)state;
	assert_int_equal(fw_sim_open(&sim, &f), 0);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_NEVER);

	/* overwrite is not in sanicap: invalid field */
	a.sanact = SANITIZE_NVME_OVERWRITE;
	a.owpass = 1;
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(fw_nvme_errno(admin(f, &c)), -EINVAL);
	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_EXIT_FAILURE };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	/* nothing failed to exit from: success, and nothing happens (NVMe 2.0, 5.24) */
	assert_int_equal(admin(f, &c), 0);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_NEVER);

	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_BLOCK };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(admin(f, &c), 0);
	assert_cmd(&sim.last, 0x84, 0, 0x00000002, 0, 0);
	/* a second sanitize while one runs */
	assert_int_equal(admin(f, &c), 0x01d);
	assert_int_equal(fw_nvme_errno(0x01d), -EBUSY);

	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_IN_PROGRESS);
	assert_int_equal(l.sprog, 0x1000);
	assert_int_equal(l.etbe, 90);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_IN_PROGRESS);
	assert_int_equal(l.sprog, 0x8000);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_COMPLETED);
	assert_int_equal(l.sprog, 0xffff);
	assert_true(l.global_data_erased);
	assert_int_equal(l.scdw10, 0x2);
	fw_close(f);
}

static void test_sim_sanitize_failed(void **state)
{
	struct fw_sim sim = {
		.sanicap = 0x1, .sprog = { 0x4000 }, .nsprog = 1, .sanitize_fails = true
	};
	struct sanitize_nvme_args a = { .sanact = SANITIZE_NVME_CRYPTO, .ause = true };
	struct nvme_passthru_cmd c;
	struct sanitize_nvme_log l;
	struct fw *f;

	(void)state;
	assert_int_equal(fw_sim_open(&sim, &f), 0);
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(admin(f, &c), 0);
	assert_cmd(&sim.last, 0x84, 0, 0x0000000c, 0, 0);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_IN_PROGRESS);
	assert_int_equal(l.sprog, 0x4000);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_FAILED);
	assert_false(l.global_data_erased);

	a = (struct sanitize_nvme_args){ .sanact = SANITIZE_NVME_EXIT_FAILURE };
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(admin(f, &c), 0);
	assert_cmd(&sim.last, 0x84, 0, 0x00000001, 0, 0);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_COMPLETED);
	fw_close(f);
}

static void test_sim_sanitize_no_dealloc(void **state)
{
	struct fw_sim sim = { .sanicap = 0x2 };
	struct sanitize_nvme_args a = { .sanact = SANITIZE_NVME_BLOCK, .no_dealloc = true };
	struct nvme_passthru_cmd c;
	struct sanitize_nvme_log l;
	struct fw *f;

	(void)state;
	assert_int_equal(fw_sim_open(&sim, &f), 0);
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(admin(f, &c), 0);
	l = read_log(f, &sim);
	assert_int_equal(l.state, SANITIZE_NVME_COMPLETED_NO_DEALLOC);
	assert_int_equal(l.scdw10, 0x202);
	fw_close(f);
}

static void test_sim_sanitize_unsupported(void **state)
{
	struct fw_sim sim = { .oacs = 0x10a };
	struct sanitize_nvme_args a = { .sanact = SANITIZE_NVME_BLOCK };
	struct nvme_passthru_cmd c;
	struct fw *f;

	(void)state;
	assert_int_equal(fw_sim_open(&sim, &f), 0);
	assert_int_equal(sanitize_nvme_sanitize(&c, &a), 0);
	assert_int_equal(admin(f, &c), 0x001);
	assert_int_equal(fw_nvme_errno(0x001), -EOPNOTSUPP);
	fw_close(f);
}

static void test_sim_format(void **state)
{
	struct fw_sim sim = { .oacs = 0x10a, .ses_refused = 1u << 0 };
	struct nvme_passthru_cmd c;
	struct fw *f;

	(void)state;
	assert_int_equal(fw_sim_open(&sim, &f), 0);
	assert_int_equal(sanitize_nvme_format(&c, 1, 0, SANITIZE_NVME_SES_USER), 0);
	assert_int_equal(admin(f, &c), 0);
	assert_cmd(&sim.last, 0x80, 1, 0x00000200, 0, 0);
	/* SES 0 refused by script; SES 2 refused because fna bit 2 is clear */
	assert_int_equal(sanitize_nvme_format(&c, 1, 0, SANITIZE_NVME_SES_NONE), 0);
	assert_int_equal(fw_nvme_errno(admin(f, &c)), -EINVAL);
	assert_int_equal(sanitize_nvme_format(&c, 1, 0, SANITIZE_NVME_SES_CRYPTO), 0);
	assert_int_equal(admin(f, &c), 0x002);
	assert_cmd(&sim.last, 0x80, 1, 0x00000400, 0, 0);
	sim.fna = 0x4;
	assert_int_equal(admin(f, &c), 0);
	sim.oacs = 0;
	assert_int_equal(admin(f, &c), 0x001);
	assert_int_equal(sim.ncmds, 5);
	fw_close(f);
}

static void test_status(void **state)
{
	(void)state;
	assert_int_equal(fw_nvme_errno(0), 0);
	assert_int_equal(fw_nvme_errno(0x001), -EOPNOTSUPP);
	assert_int_equal(fw_nvme_errno(0x002), -EINVAL);
	assert_int_equal(fw_nvme_errno(0x4002), -EINVAL); /* DNR set */
	assert_int_equal(fw_nvme_errno(0x00b), -EINVAL);
	assert_int_equal(fw_nvme_errno(0x10a), -EINVAL);
	assert_int_equal(fw_nvme_errno(0x084), -EBUSY);
	assert_int_equal(fw_nvme_errno(0x01d), -EBUSY);
	assert_int_equal(fw_nvme_errno(0x01c), -EIO);
	assert_int_equal(fw_nvme_errno(0x020), -EROFS);
	assert_int_equal(fw_nvme_errno(0x023), -EPERM);
	assert_int_equal(fw_nvme_errno(0x006), -EIO);
	assert_int_equal(fw_nvme_errno(0x2ff), -EIO); /* unknown */
	assert_int_equal(fw_nvme_errno(-ENODEV), -ENODEV);
	assert_string_equal(fw_nvme_status_text(0x001), "invalid command opcode");
	assert_string_equal(fw_nvme_status_text(0x002), "invalid field in command");
	assert_string_equal(fw_nvme_status_text(0x084), "format in progress");
	assert_string_equal(fw_nvme_status_text(0x01d), "sanitize in progress");
	assert_string_equal(fw_nvme_status_text(0x01c), "sanitize failed");
	assert_string_equal(fw_nvme_status_text(0x10a), "invalid format");
	assert_string_equal(fw_nvme_status_text(0x2ff), "unknown NVMe status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_cmd),
		cmocka_unit_test(test_format_cmd),
		cmocka_unit_test(test_sanitize_cmd),
		cmocka_unit_test(test_get_log_cmd),
		cmocka_unit_test(test_parse_log),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_caps_qemu),
		cmocka_unit_test(test_caps_full),
		cmocka_unit_test(test_caps_errors),
		cmocka_unit_test(test_sim_sanitize),
		cmocka_unit_test(test_sim_sanitize_failed),
		cmocka_unit_test(test_sim_sanitize_no_dealloc),
		cmocka_unit_test(test_sim_sanitize_unsupported),
		cmocka_unit_test(test_sim_format),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
