/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated NVMe controller behind fw_open_ops(): Identify Controller from
 * scripted fields, Format NVM accepted or refused per SES, Sanitize with its
 * state machine, and the Sanitize Status log answering from that state. The
 * last admin command is kept so that tests assert its exact dwords.
 */
#ifndef KESU_TEST_FW_SIM_H
#define KESU_TEST_FW_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <libnvme.h>

#include "fw.h"

#define FW_SIM_MAX_SPROG 8

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
	uint32_t eto, etbe, etce;

	/* state */
	uint16_t sstat;
	uint32_t scdw10;
	unsigned log_reads; /* log reads since the sanitize started */
	struct nvme_passthru_cmd last;
	unsigned ncmds;
};

/** fw_sim_open() - a transport over @sim; 0 or -errno */
int fw_sim_open(struct fw_sim *sim, struct fw **out);

#endif
