// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drive-command transport: fw_open() refuses nodes that take no drive
 * commands, and the fw_*() calls reach the backend's ops (or -EOPNOTSUPP).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libnvme.h>

#include "fw.h"

static void test_open_regular_file(void **state)
{
	char path[] = "/tmp/kesu-fw-XXXXXX";
	struct fw *f = (struct fw *)1;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fw_open(path, &f), -ENOTTY);
	assert_null(f);
	unlink(path);
}

static void test_open_dev_null(void **state)
{
	struct fw *f = (struct fw *)1;

	(void)state;
	assert_int_equal(fw_open("/dev/null", &f), -ENOTTY);
	assert_null(f);
}

static void test_open_missing(void **state)
{
	struct fw *f;

	(void)state;
	assert_int_equal(fw_open("/nonexistent/nvme0", &f), -ENOENT);
	assert_null(f);
}

struct calls {
	int admin, ata, scsi, close;
	size_t cdb_len;
	uint8_t cdb0;
};

static int t_admin(struct fw *f, struct nvme_passthru_cmd *cmd)
{
	struct calls *c = fw_priv(f);

	c->admin++;
	cmd->result = 0x1234;
	return 0x1d; /* a positive status goes back as it is */
}

static int t_ata(struct fw *f, const uint8_t cdb[16], void *buf, size_t len, int dir,
		 unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	struct calls *c = fw_priv(f);

	(void)buf, (void)len, (void)dir, (void)timeout_ms, (void)sense;
	c->ata++;
	c->cdb0 = cdb[0];
	*sense_len = 22;
	return 2; /* CHECK CONDITION */
}

static int t_scsi(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len, int dir,
		  unsigned timeout_ms, uint8_t sense[32], size_t *sense_len)
{
	struct calls *c = fw_priv(f);

	(void)buf, (void)len, (void)dir, (void)timeout_ms, (void)sense, (void)sense_len;
	c->scsi++;
	c->cdb_len = cdb_len;
	c->cdb0 = cdb[0];
	return -EIO;
}

static void t_close(struct fw *f)
{
	struct calls *c = fw_priv(f);

	c->close++;
}

static void test_ops_dispatch(void **state)
{
	static const struct fw_ops ops = { t_admin, t_ata, t_scsi, t_close };
	struct nvme_passthru_cmd cmd = { 0 };
	uint8_t cdb[16] = { 0x85 }, sense[32];
	size_t sense_len = 0;
	struct calls c = { 0 };
	struct fw *f;

	(void)state;
	assert_int_equal(fw_open_ops(&ops, &c, &f), 0);
	assert_ptr_equal(fw_priv(f), &c);
	assert_int_equal(fw_nvme_admin(f, &cmd), 0x1d);
	assert_int_equal(cmd.result, 0x1234);
	assert_int_equal(fw_ata_passthru(f, cdb, NULL, 0, FW_DIR_NONE, 1000, sense, &sense_len), 2);
	assert_int_equal(sense_len, 22);
	assert_int_equal(c.cdb0, 0x85);
	cdb[0] = 0x48;
	assert_int_equal(fw_scsi_cdb(f, cdb, 10, NULL, 0, FW_DIR_NONE, 1000, sense, &sense_len),
			 -EIO);
	assert_int_equal(c.cdb_len, 10);
	assert_int_equal(c.cdb0, 0x48);
	/* CDB lengths SCSI does not have never reach the backend */
	assert_int_equal(fw_scsi_cdb(f, cdb, 5, NULL, 0, FW_DIR_NONE, 0, sense, &sense_len),
			 -EINVAL);
	assert_int_equal(fw_scsi_cdb(f, cdb, 17, NULL, 0, FW_DIR_NONE, 0, sense, &sense_len),
			 -EINVAL);
	assert_int_equal(c.admin, 1);
	assert_int_equal(c.ata, 1);
	assert_int_equal(c.scsi, 1);
	fw_close(f);
	assert_int_equal(c.close, 1);
}

static void test_ops_missing(void **state)
{
	static const struct fw_ops none = { 0 };
	struct nvme_passthru_cmd cmd = { 0 };
	uint8_t cdb[16] = { 0 }, sense[32];
	size_t sense_len;
	struct fw *f;

	(void)state;
	assert_int_equal(fw_open_ops(NULL, NULL, &f), -EINVAL);
	assert_null(f);
	assert_int_equal(fw_open_ops(&none, NULL, &f), 0);
	assert_null(fw_priv(f));
	assert_int_equal(fw_nvme_admin(f, &cmd), -EOPNOTSUPP);
	assert_int_equal(fw_ata_passthru(f, cdb, NULL, 0, FW_DIR_NONE, 0, sense, &sense_len),
			 -EOPNOTSUPP);
	assert_int_equal(fw_scsi_cdb(f, cdb, 6, NULL, 0, FW_DIR_NONE, 0, sense, &sense_len),
			 -EOPNOTSUPP);
	fw_close(f); /* no close hook */
	fw_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_regular_file), cmocka_unit_test(test_open_dev_null),
		cmocka_unit_test(test_open_missing),	  cmocka_unit_test(test_ops_dispatch),
		cmocka_unit_test(test_ops_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
