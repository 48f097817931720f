/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated ATA drive behind fw_open_ops(), reached through ATA
 * PASS-THROUGH(16) as SAT translates it: IDENTIFY DEVICE built from scripted
 * fields, the Security feature set state machine (ACS-4: frozen, locked,
 * password set, attempt counter, ERASE PREPARE immediately before ERASE UNIT),
 * SANITIZE DEVICE with a status that runs through scripted progress values
 * (then grows steadily, or freezes),
 * READ NATIVE MAX / SET MAX ADDRESS EXT over a host protected area, and a
 * USB bridge that rejects every pass-through CDB. Every CDB and data-out
 * block is logged so that tests assert them byte by byte.
 */
#ifndef KESU_TEST_FW_SIM_ATA_H
#define KESU_TEST_FW_SIM_ATA_H

#include <stdbool.h>
#include <stdint.h>

#include "fw.h"

#define FW_SIM_ATA_LOG 32
#define FW_SIM_ATA_SPROG 8

struct fw_sim_ata {
	/* scripted by the test */
	const char *model, *serial, *firmware;
	uint16_t rotation_rate; /* word 217 */
	uint16_t w89, w90;	/* erase time estimates */
	bool sec_supported, sec_enhanced, frozen, count_expired;
	bool san_crypto, san_block, san_overwrite, san_antifreeze, san_frozen;
	uint64_t sectors;	 /* current user-addressable sectors (words 100-103) */
	uint64_t native_sectors; /* above @sectors: a host protected area */
	bool dco;
	bool bridge_rejects;		  /* every CDB: ILLEGAL REQUEST, invalid field in CDB */
	uint8_t fail_cmd;		  /* this ATA command fails with ABRT (0: none) */
	bool fail_disable;		  /* SECURITY DISABLE PASSWORD fails too */
	bool fail_locks;		  /* a failing ERASE UNIT leaves the drive locked */
	uint16_t sprog[FW_SIM_ATA_SPROG]; /* progress of successive status polls */
	unsigned nsprog;
	bool sanitize_fails; /* the sanitize operation ends failed */
	bool sprog_stuck;    /* after the scripted values: in progress, unchanged, for ever */
	uint16_t sprog_step; /* else: grows this much a poll, done when it would pass 0xffff */
	bool in_progress;    /* a sanitize runs already (after a power loss) */
	bool identify_zero;  /* IDENTIFY answers 512 zero bytes */
	bool fixed_sense;    /* registers in fixed-format sense until D_SENSE is set */
	bool no_mode_pages;  /* MODE SENSE / MODE SELECT rejected */

	/* state */
	bool enabled, locked, prepared;
	uint8_t password[32];
	unsigned polls;
	uint32_t sprog_now; /* the progress reported last */
	bool san_done_ok;
	bool erased;	    /* ERASE UNIT or a sanitize completed */
	uint8_t erase_mode; /* word 0 of the ERASE UNIT block */

	/* log */
	uint8_t cdb[FW_SIM_ATA_LOG][16];
	uint8_t out[FW_SIM_ATA_LOG][512]; /* data-out block of each command */
	unsigned timeout_ms[FW_SIM_ATA_LOG];
	unsigned ncmds;
	uint8_t mode_select[20]; /* the last MODE SELECT(10) parameter list */
	unsigned nscsi;		 /* SCSI CDBs (MODE SENSE/SELECT), not in the log above */
};

/** fw_sim_ata_open() - a transport over @sim; 0 or -errno */
int fw_sim_ata_open(struct fw_sim_ata *sim, struct fw **out);

/** fw_sim_ata_cmd() - the ATA command byte of the @i-th logged CDB */
uint8_t fw_sim_ata_cmd(const struct fw_sim_ata *sim, unsigned i);

#endif
