/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ATA PASS-THROUGH(16) command blocks (SAT-4) for the ATA sanitize commands
 * (ACS-4), and the parser of the ATA Return descriptor. Pure functions: no I/O.
 */
#ifndef KESU_SANITIZE_ATA_H
#define KESU_SANITIZE_ATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ATA_CDB_LEN 16

/* SANITIZE DEVICE features (ACS-4 7.36) */
#define ATA_SANITIZE_STATUS 0x0000
#define ATA_SANITIZE_CRYPTO 0x0011
#define ATA_SANITIZE_BLOCK 0x0012

/* ata_cdb_sanitize() @flags: COUNT bits */
#define ATA_SANITIZE_FAILURE_MODE 0x0010
#define ATA_SANITIZE_ZONED_NO_RESET 0x8000

/** struct sanitize_ata_id - what IDENTIFY DEVICE says about erasure (filled by the ATA part) */
struct sanitize_ata_id {
	bool valid;
};

/** struct ata_return - the ATA registers of an ATA Return descriptor */
struct ata_return {
	uint8_t status;
	uint8_t error;
	uint16_t count;
	uint64_t lba;
	uint8_t device;
	int extend;
};

/**
 * ata_cdb_identify() - IDENTIFY DEVICE (0xEC), PIO data-in, one 512-byte block
 * @cdb: filled with the 16-byte command
 */
void ata_cdb_identify(uint8_t cdb[ATA_CDB_LEN]);

/**
 * ata_cdb_sanitize() - SANITIZE DEVICE (0xB4), 48-bit non-data, CK_COND set
 * @cdb: filled with the 16-byte command
 * @feature: ATA_SANITIZE_STATUS, ATA_SANITIZE_CRYPTO or ATA_SANITIZE_BLOCK
 * @flags: ATA_SANITIZE_FAILURE_MODE and/or ATA_SANITIZE_ZONED_NO_RESET (not for STATUS)
 *
 * The feature's key (CRYPTO "Cryp" 0x43727970, BLOCK "BkEr" 0x426B4572) goes in LBA 31:0.
 *
 * Return: 0, or -EINVAL for another feature or a flag the feature does not take.
 */
int ata_cdb_sanitize(uint8_t cdb[ATA_CDB_LEN], uint16_t feature, uint16_t flags);

/**
 * ata_return_parse() - find and decode the ATA Return descriptor (0x09) in sense data
 * @sense: descriptor-format sense data (response code 0x72 or 0x73)
 * @len: its length in bytes
 * @out: the registers
 *
 * Return: 0; -ENOMSG if the sense is well formed but holds no ATA Return
 * descriptor (e.g. fixed-format or non-ATA sense); -EBADMSG if it is truncated.
 */
int ata_return_parse(const uint8_t *sense, size_t len, struct ata_return *out);

/**
 * ata_sanitize_status() - decode the SANITIZE STATUS EXT normal output
 * @r: the registers returned for ATA_SANITIZE_STATUS
 * @progress: set to the progress indication, 0..65535 of 65536 (LBA 15:0)
 *
 * Return: 1 if the last sanitize completed without error (COUNT bit 15),
 * 2 if one is in progress (COUNT bit 14), 0 otherwise.
 */
int ata_sanitize_status(const struct ata_return *r, uint16_t *progress);

#endif
