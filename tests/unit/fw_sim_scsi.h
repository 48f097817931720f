/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated SCSI direct-access device behind fw_open_ops(): INQUIRY (standard
 * and VPD 0x80), READ CAPACITY(16), REPORT SUPPORTED OPERATION CODES for the
 * SANITIZE service actions, and SANITIZE with its state machine (in progress
 * with scripted progress values that may then grow steadily or freeze,
 * completed, failed and the failure mode that EXIT FAILURE MODE leaves).
 * REQUEST SENSE and TEST UNIT READY answer from that state; every CDB and
 * the SANITIZE parameter list are kept for tests.
 */
#ifndef KESU_TEST_FW_SIM_SCSI_H
#define KESU_TEST_FW_SIM_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw.h"

#define FW_SIM_SCSI_MAX_PROGRESS 8
#define FW_SIM_SCSI_MAX_CDBS 64

struct fw_sim_scsi {
	/* scripted by the test */
	uint8_t inquiry[36]; /* standard INQUIRY data (fw_sim_scsi_init() fills it) */
	const char *serial;  /* NULL: VPD 0x80 refused as invalid field */
	uint64_t last_lba;
	uint32_t block_len;
	bool lbpme;
	bool no_rsoc;	    /* REPORT SUPPORTED OPERATION CODES: invalid command operation code */
	uint8_t support[4]; /* SUPPORT per service action: overwrite, block, crypto, exit failure */
	uint16_t progress[FW_SIM_SCSI_MAX_PROGRESS]; /* reported by successive polls */
	unsigned nprogress;			     /* polls that see "in progress" */
	bool stuck;	   /* after them: in progress, the last value unchanged, for ever */
	uint16_t step;	   /* else: grows this much a poll, done when it would pass 0xffff */
	bool fails;	   /* the sanitize ends failed (31/03) */
	bool desc_sense;   /* sense in descriptor format */
	bool tur_lags;	   /* TEST UNIT READY does not advance the sanitize */
	bool failure_mode; /* an earlier sanitize failed */
	int transport_err; /* every CDB fails with this negative errno (0: none) */
	bool ua_after;	   /* the first REQUEST SENSE after the end reports a unit attention */

	/* state */
	bool in_progress;
	unsigned polls;
	uint32_t grown;			       /* the progress past the scripted values (@step) */
	uint8_t cdb[FW_SIM_SCSI_MAX_CDBS][16]; /* every CDB in order */
	unsigned ncdbs;
	uint8_t sanitize_cdb[10];
	uint8_t param[64];
	size_t nparam;
	unsigned nsanitize;
};

/**
 * fw_sim_scsi_init() - a healthy disk: vendor "KESU", product "SIMDISK", rev
 * "1.0", serial "SIM0001", 2048 blocks of 512 bytes, every sanitize service
 * action supported (SUPPORT 011b) and finishing after two polls
 */
void fw_sim_scsi_init(struct fw_sim_scsi *sim);

/** fw_sim_scsi_open() - a transport over @sim; 0 or -errno */
int fw_sim_scsi_open(struct fw_sim_scsi *sim, struct fw **out);

/** fw_sim_scsi_count() - how many CDBs with @opcode the device received */
unsigned fw_sim_scsi_count(const struct fw_sim_scsi *sim, uint8_t opcode);

#endif
