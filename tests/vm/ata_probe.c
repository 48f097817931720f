// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ata_probe DEVICE: what the ATA part of kesu reads from a real (emulated)
 * drive, as key=value lines for tests/vm/ata.vm: the capabilities probed
 * through fw_open() and SG_IO, the summary line, each ATA method's
 * supported() answer, what each method's command does when run anyway, and
 * erase_restore_hpa(). Run in the QEMU guest on AHCI disks.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "erase/caps.h"
#include "erase/purge.h"

static void print_caps(const struct erase_caps *c)
{
	const struct sanitize_ata_id *id = &c->ata_id;

	printf("ata=%d\nwhy=%s\nmodel=%s\nserial=%s\nfirmware=%s\n", c->ata, c->why, id->model,
	       id->serial, id->firmware);
	printf("rotation_rate=%u\nrotational=%d\nlba48=%d\nmax_lba=%" PRIu64 "\n",
	       id->rotation_rate, c->rotational, id->lba48, id->max_lba);
	printf("native_valid=%d\nnative_max_lba=%" PRIu64 "\n", id->native_valid,
	       id->native_max_lba);
	printf("hpa_supported=%d\nhpa_enabled=%d\ndco=%d\n", id->hpa_supported, id->hpa_enabled,
	       id->dco);
	printf("sec_supported=%d\nsec_frozen=%d\nsec_enabled=%d\nsec_locked=%d\n",
	       id->sec_supported, id->sec_frozen, id->sec_enabled, id->sec_locked);
	printf("sanitize=%d\nsanitize_crypto=%d\nsanitize_block=%d\nsanitize_overwrite=%d\n",
	       id->sanitize, id->sanitize_crypto, id->sanitize_block, id->sanitize_overwrite);
}

int main(int argc, char **argv)
{
	const struct erase_method *m;
	const struct purge_cmd *cmd;
	struct erase_opts o;
	struct erase_caps c;
	uint64_t before = 0, after = 0;
	char line[256], why[256];
	struct fw *f;
	json_t *detail;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: ata_probe DEVICE\n");
		return 2;
	}
	ret = fw_open(argv[1], &f);
	if (ret) {
		printf("fw_open=%d\n", ret);
		return 1;
	}
	ret = erase_caps_probe(f, &c);
	printf("probe=%d\n", ret);
	print_caps(&c);
	ret = erase_caps_ata_line(&c, line, sizeof(line));
	printf("line_rc=%d\nline=%s\n", ret, ret ? "" : line);
	memset(&o, 0, sizeof(o));
	o.fw = f;
	o.caps = &c;
	o.path = argv[1];
	for (m = erase_methods_ata; m->name; m++) {
		why[0] = '\0';
		printf("supported.%s=%d %s\n", m->name, m->supported(&c, why, sizeof(why)), why);
		/* the command itself re-reads IDENTIFY and must refuse before any erase command */
		cmd = erase_ata_purge_cmd(m->name);
		detail = json_object();
		why[0] = '\0';
		ret = cmd->exec(NULL, NULL, &o, detail, why, sizeof(why));
		printf("exec.%s=%d %s\n", m->name, ret, why);
		json_decref(detail);
	}
	ret = erase_restore_hpa(f, &c, &before, &after);
	printf("restore_hpa=%d\nnative_before=%" PRIu64 "\nafter_max=%" PRIu64 "\n", ret, before,
	       after);
	fw_close(f);
	return 0;
}
