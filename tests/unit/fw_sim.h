/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated NVMe controller behind fw_open_ops(): Identify Controller and
 * Identify Namespace from scripted fields, Format NVM accepted or refused per
 * SES, Sanitize with its state machine after NVMe 2.0 (in progress, failed
 * in restricted or unrestricted failure mode, Exit Failure Mode; progress
 * that is scripted, grows steadily or freezes), and the Sanitize Status log
 * answering from that state. A format, and a sanitize
 * when it completes, change a backing file as the scripted effect says, so
 * that what a test reads back is what the drive left. The last admin
 * command is kept so that tests assert its exact dwords.
 */
#ifndef KESU_TEST_FW_SIM_H
#define KESU_TEST_FW_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <libnvme.h>

#include "fw.h"

#define FW_SIM_MAX_SPROG 8

/* what a successful Format NVM (SES 1 or 2) or sanitize does to the media */
enum fw_sim_effect {
	FW_SIM_ZERO,	 /* every byte reads 0x00 (QEMU's format) */
	FW_SIM_ONES,	 /* every byte reads 0xff */
	FW_SIM_SCRAMBLE, /* new random bytes: a crypto erase */
	FW_SIM_NOTHING,	 /* reports success and changes nothing */
};

struct fw_sim {
	/* scripted by the test */
	uint16_t oacs;
	uint8_t fna;
	uint32_t sanicap;
	const char *sn, *mn, *fr;
	unsigned ses_refused; /* bit N: Format NVM with SES N fails with invalid field */
	uint16_t sprog[FW_SIM_MAX_SPROG]; /* SPROG of successive log reads while in progress */
	unsigned nsprog;
	bool sanitize_fails; /* the sanitize ends failed instead of completed */
	/*
	 * After the scripted SPROG values: the sanitize stays in progress with
	 * SPROG frozen at the last one (or 0), for ever, as drives reported
	 * "frozen for days" do
	 */
	bool sprog_stuck;
	/*
	 * After the scripted values (when not stuck): SPROG grows by this much
	 * at each log read, and the sanitize completes when it would pass 0xffff
	 */
	uint16_t sprog_step;
	uint32_t eto, etbe, etce;
	/* the namespace (Identify Namespace of NSID 1) */
	uint8_t dlfeat; /* bits 2:0: 1 deallocated blocks read 0x00, 2 read 0xff */
	uint8_t flbas;	/* format in use; LBA formats 0 (512 B) and 1 (4 KiB) exist */
	/* the media behind the namespace: a file the test's dev reads (NULL: none) */
	const char *media;
	enum fw_sim_effect effect;

	/* state */
	uint16_t sstat;
	uint32_t scdw10;
	unsigned log_reads; /* log reads since the sanitize started */
	uint32_t sprog_now; /* the SPROG reported last */
	struct nvme_passthru_cmd last;
	unsigned ncmds;
	struct nvme_passthru_cmd sanitize[4]; /* the first sanitize commands, as sent */
	unsigned nsanitize;		      /* sanitize commands accepted (every action) */
	unsigned nformat;		      /* format commands accepted */
};

/** fw_sim_open() - a transport over @sim; 0 or -errno */
int fw_sim_open(struct fw_sim *sim, struct fw **out);

#endif
