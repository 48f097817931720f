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
#define ATA_ID_LEN 512	      /* IDENTIFY DEVICE data */
#define ATA_SEC_BLOCK_LEN 512 /* data of the SECURITY commands that take a password */
#define ATA_PASSWORD_LEN 32

/* SANITIZE DEVICE features (ACS-4 7.36) */
#define ATA_SANITIZE_STATUS 0x0000
#define ATA_SANITIZE_CRYPTO 0x0011
#define ATA_SANITIZE_BLOCK 0x0012
#define ATA_SANITIZE_OVERWRITE 0x0014

/* ata_cdb_sanitize() @flags: COUNT bits */
#define ATA_SANITIZE_FAILURE_MODE 0x0010
#define ATA_SANITIZE_ZONED_NO_RESET 0x8000
#define ATA_SANITIZE_INVERT 0x0080 /* OVERWRITE EXT only: invert the pattern between passes */

/* ata_sec_block() @flags: word 0 of the password block */
#define ATA_SEC_MASTER 0x0001	     /* the master password, else the user password */
#define ATA_SEC_ENHANCED 0x0002	     /* SECURITY ERASE UNIT: enhanced erase mode */
#define ATA_SEC_LEVEL_MAXIMUM 0x0100 /* SECURITY SET PASSWORD: security level Maximum */

/* ATA commands the ATA part sends */
#define ATA_CMD_READ_NATIVE_MAX_EXT 0x27
#define ATA_CMD_SET_MAX_EXT 0x37
#define ATA_CMD_SANITIZE 0xB4
#define ATA_CMD_IDENTIFY 0xEC
#define ATA_CMD_SEC_SET_PASSWORD 0xF1
#define ATA_CMD_SEC_UNLOCK 0xF2
#define ATA_CMD_SEC_ERASE_PREPARE 0xF3
#define ATA_CMD_SEC_ERASE_UNIT 0xF4
#define ATA_CMD_SEC_DISABLE_PASSWORD 0xF6

/**
 * struct sanitize_ata_id - what IDENTIFY DEVICE (ACS-4 7.13.6) says about erasure
 * @valid: the data was parsed
 * @model: words 27-46, printable ASCII, trailing spaces removed ('?' for other bytes)
 * @serial: words 10-19, likewise
 * @firmware: words 23-26, likewise
 * @rotation_rate: word 217: 0 not reported, 1 non-rotating media, else revolutions per minute
 * @sec_supported: word 128 bit 0, Security feature set supported
 * @sec_enabled: bit 1, a user password is set
 * @sec_locked: bit 2
 * @sec_frozen: bit 3, SECURITY FREEZE LOCK in effect (until power cycle or reset)
 * @sec_count_expired: bit 4, too many wrong passwords (until power cycle)
 * @sec_enhanced: bit 5, enhanced erase mode supported
 * @sec_level_max: bit 8, security level Maximum (else High)
 * @erase_minutes: word 89, estimated normal SECURITY ERASE UNIT time; 0 not reported
 * @enhanced_erase_minutes: word 90, the same for enhanced erase
 * @erase_time_more: word 89/90 in the short format said "more than 508 minutes"
 * @sanitize: word 59 bit 12, SANITIZE feature set supported
 * @sanitize_crypto: bit 13, CRYPTO SCRAMBLE EXT
 * @sanitize_overwrite: bit 14, OVERWRITE EXT
 * @sanitize_block: bit 15, BLOCK ERASE EXT
 * @sanitize_antifreeze: bit 10, SANITIZE ANTIFREEZE LOCK EXT
 * @lba48: word 83 bit 10, 48-bit address feature set
 * @max_lba: the last user-addressable LBA (words 100-103 minus one; words 60-61 without lba48)
 * @hpa_supported: word 82 bit 10, Host Protected Area feature set
 * @hpa_enabled: word 85 bit 10
 * @dco: word 83 bit 11, Device Configuration Overlay feature set
 * @native_valid: @native_max_lba was read with READ NATIVE MAX ADDRESS EXT
 * @native_max_lba: the native max address; above @max_lba there is a host protected area
 * @sanitize_status_valid: @sanitize_frozen was read with SANITIZE STATUS EXT
 * @sanitize_frozen: SANITIZE FREEZE LOCK in effect
 */
struct sanitize_ata_id {
	bool valid;
	char model[41], serial[21], firmware[9];
	uint16_t rotation_rate;
	bool sec_supported, sec_enabled, sec_locked, sec_frozen, sec_count_expired;
	bool sec_enhanced, sec_level_max;
	unsigned erase_minutes, enhanced_erase_minutes;
	bool erase_time_more, enhanced_erase_time_more;
	bool sanitize, sanitize_crypto, sanitize_overwrite, sanitize_block, sanitize_antifreeze;
	bool lba48;
	uint64_t max_lba;
	bool hpa_supported, hpa_enabled, dco;
	bool native_valid;
	uint64_t native_max_lba;
	bool sanitize_status_valid, sanitize_frozen;
};

/** struct ata_return - the ATA registers of an ATA Return descriptor */
struct ata_return {
	uint8_t status;
	uint8_t error;
	uint16_t count;
	uint64_t lba;
	uint8_t device;
	int extend;
	/* fixed-format sense: COUNT 15:8 and LBA 47:24 were not returned but are nonzero */
	bool partial;
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
 * ata_return_parse_fixed() - decode the ATA registers of fixed-format sense
 * (70h/71h) with ASC/ASCQ 00h/1Dh, ATA PASS THROUGH INFORMATION AVAILABLE
 * (SAT-4 12.2.2.7): ERROR, STATUS, DEVICE, COUNT 7:0 and LBA 23:0 only
 * @sense: the sense data
 * @len: its length
 * @out: the registers; @out->partial says COUNT 15:8 or LBA 47:24 are
 *       nonzero and so unknown
 * Return: 0; -ENOMSG (another format, or other ASC/ASCQ); -EBADMSG (truncated)
 */
int ata_return_parse_fixed(const uint8_t *sense, size_t len, struct ata_return *out);

/**
 * ata_sanitize_status() - decode the SANITIZE STATUS EXT normal output
 * @r: the registers returned for ATA_SANITIZE_STATUS
 * @progress: set to the progress indication, 0..65535 of 65536 (LBA 15:0)
 *
 * Return: 1 if the last sanitize completed without error (COUNT bit 15),
 * 2 if one is in progress (COUNT bit 14), 0 otherwise.
 */
int ata_sanitize_status(const struct ata_return *r, uint16_t *progress);

/**
 * ata_id_parse() - decode IDENTIFY DEVICE data (ACS-4 7.13.6)
 * @buf: the 512 bytes as the device sent them (16-bit words, little endian)
 * @len: ATA_ID_LEN
 * @id: filled; the @native_* and @sanitize_status_* members are left as they are
 *
 * Strings come from the device: bytes outside printable ASCII become '?'.
 *
 * Return: 0; -EINVAL (@len is not ATA_ID_LEN); -ENODATA (all zero, as some
 * USB bridges answer); -EBADMSG (word 255 carries the A5h signature and the
 * checksum does not add up)
 */
int ata_id_parse(const uint8_t *buf, size_t len, struct sanitize_ata_id *id);

/**
 * ata_sec_block() - the 512-byte data block of SECURITY SET PASSWORD, UNLOCK,
 * ERASE UNIT and DISABLE PASSWORD (ACS-4 7.41-7.46)
 * @buf: filled
 * @flags: ATA_SEC_MASTER, ATA_SEC_ENHANCED, ATA_SEC_LEVEL_MAXIMUM (word 0)
 * @pw: the password, copied as it is into words 1-16 and padded with zeros
 * @pwlen: 1..ATA_PASSWORD_LEN
 * Return: 0, -EINVAL (a flag the block does not have, or @pwlen out of range)
 */
int ata_sec_block(uint8_t buf[ATA_SEC_BLOCK_LEN], unsigned flags, const uint8_t *pw, size_t pwlen);

/**
 * ata_cdb_security() - a SECURITY command: SET PASSWORD (F1h), UNLOCK (F2h),
 * ERASE UNIT (F4h), DISABLE PASSWORD (F6h) as PIO data-out of one block;
 * ERASE PREPARE (F3h) as non-data. 28-bit, no CK_COND.
 * @cdb: filled with the 16-byte command
 * @command: one of the ATA_CMD_SEC_* values
 * Return: 0, -EINVAL for another command
 */
int ata_cdb_security(uint8_t cdb[ATA_CDB_LEN], uint8_t command);

/**
 * ata_cdb_overwrite() - SANITIZE DEVICE OVERWRITE EXT (B4h/0014h), CK_COND set
 * @cdb: filled with the 16-byte command
 * @pattern: the 32-bit OVERWRITE PATTERN (LBA 31:0); the key "OW" 4F57h goes in LBA 47:32
 * @passes: 1..16 (COUNT 3:0; 16 is sent as 0)
 * @flags: ATA_SANITIZE_INVERT, ATA_SANITIZE_FAILURE_MODE, ATA_SANITIZE_ZONED_NO_RESET
 * Return: 0, -EINVAL (@passes out of range, another flag)
 */
int ata_cdb_overwrite(uint8_t cdb[ATA_CDB_LEN], uint32_t pattern, unsigned passes, uint16_t flags);

/**
 * ata_cdb_read_native_max() - READ NATIVE MAX ADDRESS EXT (27h), 48-bit
 * non-data, CK_COND set: the native max address comes back in LBA 47:0
 * @cdb: filled with the 16-byte command
 */
void ata_cdb_read_native_max(uint8_t cdb[ATA_CDB_LEN]);

/**
 * ata_cdb_set_max() - SET MAX ADDRESS EXT (37h), 48-bit non-data
 * @cdb: filled with the 16-byte command
 * @max_lba: the new last user-addressable LBA (below 2^48)
 * @keep: COUNT bit 0 (VV): the value survives a power cycle; else volatile
 *
 * The device takes it only right after READ NATIVE MAX ADDRESS EXT.
 *
 * Return: 0, -EINVAL (@max_lba does not fit 48 bits)
 */
int ata_cdb_set_max(uint8_t cdb[ATA_CDB_LEN], uint64_t max_lba, bool keep);

/**
 * ata_erase_timeout_ms() - how long to wait for SECURITY ERASE UNIT
 * @id: IDENTIFY data (words 89/90)
 * @enhanced: the enhanced mode
 * Return: twice the estimate plus 10 minutes, or 48 hours when the drive
 * gives no estimate or says "more than 508 minutes"
 */
unsigned ata_erase_timeout_ms(const struct sanitize_ata_id *id, bool enhanced);

/** ata_sanitize_reason_text() - SANITIZE DEVICE ERROR REASON (LBA 7:0) as text */
const char *ata_sanitize_reason_text(uint8_t reason);

/*
 * Execution (erase/caps_ata.c): the only place the ATA part talks to the
 * drive, shared by capability probing and the methods.
 */
struct fw;

/**
 * erase_ata_cmd() - send an ATA PASS-THROUGH(16) command and decode the outcome
 * @f: transport
 * @cdb: the command
 * @buf: data in or out (NULL for non-data)
 * @len: its length
 * @dir: FW_DIR_NONE, FW_DIR_IN, FW_DIR_OUT
 * @timeout_ms: for the transport
 * @r: the returned registers when the device sent an ATA Return descriptor
 *     (else zeroed); may be NULL
 * @why: on failure, what happened (status and error registers, sense data)
 * @len_why: size of @why
 *
 * Every failure is logged with its text.
 *
 * Return: 0; -EIO (the device failed the command: ERR set; @r has the
 * registers); -EOPNOTSUPP (no ATA pass-through path, or the transport
 * rejects the CDB: ILLEGAL REQUEST, as USB bridges do); -ERANGE (READ
 * NATIVE MAX or SANITIZE STATUS answered in fixed-format sense, which hides
 * the upper register bytes, and the SATL would not switch to descriptor
 * format); -ETIMEDOUT; or the transport's errno
 */
int erase_ata_cmd(struct fw *f, const uint8_t cdb[ATA_CDB_LEN], void *buf, size_t len, int dir,
		  unsigned timeout_ms, struct ata_return *r, char *why, size_t len_why);

/**
 * erase_ata_identify() - IDENTIFY DEVICE through @f, parsed into @id
 * Return: 0, or the errno of erase_ata_cmd() / ata_id_parse()
 */
int erase_ata_identify(struct fw *f, struct sanitize_ata_id *id, char *why, size_t len);

/**
 * erase_ata_category() - the NIST SP 800-88 / IEEE 2883 category an ATA
 * method reaches on this media type
 * @method: "ata-secure-erase", "ata-secure-erase-enhanced", "ata-sanitize-crypto", ...
 * @rotational: rotating (magnetic) media
 * Return: "purge" or "clear"
 */
const char *erase_ata_category(const char *method, bool rotational);

struct purge_cmd;

/**
 * erase_ata_purge_cmd() - the command behind an ATA method's run hook
 * (erase/method_ata.c), for tests that drive it against a simulated drive
 * Return: the command of @method ("ata-sanitize-block", ...), or NULL
 */
const struct purge_cmd *erase_ata_purge_cmd(const char *method);

#endif
