/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SCSI SANITIZE (SBC-4) and the commands that find out whether a device has
 * it (SPC-5: INQUIRY, REPORT SUPPORTED OPERATION CODES, REQUEST SENSE; SBC-4:
 * READ CAPACITY(16)). Builders and parsers are pure functions: no I/O.
 */
#ifndef KESU_SANITIZE_SCSI_H
#define KESU_SANITIZE_SCSI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCSI_SANITIZE_OP 0x48

/* SANITIZE service actions (SBC-4 5.30) */
enum scsi_sanitize_sa {
	SCSI_SANITIZE_OVERWRITE = 0x01,
	SCSI_SANITIZE_BLOCK = 0x02,
	SCSI_SANITIZE_CRYPTO = 0x03,
	SCSI_SANITIZE_EXIT_FAILURE = 0x1F,
};

/* scsi_cdb_sanitize() @flags: byte 1 bits */
#define SCSI_SANITIZE_IMMED 0x80
#define SCSI_SANITIZE_AUSE 0x20

/* sense keys (SPC-5 4.4.8) */
enum {
	SCSI_SK_NO_SENSE = 0x0,
	SCSI_SK_RECOVERED = 0x1,
	SCSI_SK_NOT_READY = 0x2,
	SCSI_SK_MEDIUM_ERROR = 0x3,
	SCSI_SK_HARDWARE_ERROR = 0x4,
	SCSI_SK_ILLEGAL_REQUEST = 0x5,
	SCSI_SK_UNIT_ATTENTION = 0x6,
	SCSI_SK_DATA_PROTECT = 0x7,
	SCSI_SK_ABORTED_COMMAND = 0xB,
};

#define SCSI_STATUS_CHECK_CONDITION 0x02

#define SCSI_INQUIRY_LEN 96
#define SCSI_VPD_LEN 252
#define SCSI_READCAP16_LEN 32
#define SCSI_RSOC_LEN 64
#define SCSI_SENSE_LEN 32

/** struct scsi_sense - the fields kesu reads from fixed or descriptor sense data */
struct scsi_sense {
	uint8_t response; /* 0x70-0x73 */
	uint8_t key;
	uint8_t asc;
	uint8_t ascq;
	bool progress_valid; /* SKSV set in a NOT READY / NO SENSE sense-key-specific field */
	uint16_t progress;   /* 0..65535 of 65536 */
};

/* what REPORT SUPPORTED OPERATION CODES says about one service action */
enum scsi_rsoc_support {
	SCSI_RSOC_UNKNOWN,     /* not asked, or the device could not say */
	SCSI_RSOC_UNSUPPORTED, /* SUPPORT 001b, or the command was refused */
	SCSI_RSOC_SUPPORTED,   /* SUPPORT 011b or 101b */
};

/** struct sanitize_scsi_caps - INQUIRY, VPD 0x80, READ CAPACITY(16), SANITIZE service actions */
struct sanitize_scsi_caps {
	bool valid;
	uint8_t peripheral_type; /* 0x00 direct access block device */
	bool removable;		 /* RMB */
	char vendor[9], product[17], revision[5];
	bool serial_valid;
	char serial[SCSI_VPD_LEN + 1];
	bool capacity_valid;
	uint64_t last_lba;
	uint32_t block_len;
	bool lbpme;
	bool rsoc;		/* REPORT SUPPORTED OPERATION CODES answered */
	char rsoc_why[96];	/* why not, e.g. "invalid command operation code (05/20/00)" */
	uint8_t support[4];	/* enum scsi_rsoc_support: overwrite, block, crypto, exit failure */
	uint8_t support_raw[4]; /* the SUPPORT field as answered (0 when not answered) */
};

/** scsi_sa_index() - index of @sa in sanitize_scsi_caps.support[]; -1 for another value */
int scsi_sa_index(uint8_t sa);

/** scsi_sa_name() - "overwrite", "block erase", "crypto erase", "exit failure mode" or "?" */
const char *scsi_sa_name(uint8_t sa);

/** scsi_cdb_inquiry() - INQUIRY (0x12), 6 bytes; @evpd with @page, else standard data */
void scsi_cdb_inquiry(uint8_t cdb[6], bool evpd, uint8_t page, uint16_t alloc);

/** scsi_cdb_test_unit_ready() - TEST UNIT READY (0x00), 6 bytes */
void scsi_cdb_test_unit_ready(uint8_t cdb[6]);

/** scsi_cdb_request_sense() - REQUEST SENSE (0x03), 6 bytes; @desc asks for descriptor format */
void scsi_cdb_request_sense(uint8_t cdb[6], bool desc, uint8_t alloc);

/** scsi_cdb_read_capacity16() - SERVICE ACTION IN(16) (0x9E) READ CAPACITY(16) (0x10) */
void scsi_cdb_read_capacity16(uint8_t cdb[16], uint32_t alloc);

/**
 * scsi_cdb_rsoc_one() - MAINTENANCE IN (0xA3) REPORT SUPPORTED OPERATION CODES
 * (0x0C), 12 bytes, reporting options 2: one command, by opcode and service action
 */
void scsi_cdb_rsoc_one(uint8_t cdb[12], uint8_t opcode, uint16_t sa, uint32_t alloc);

/**
 * scsi_cdb_sanitize() - SANITIZE (0x48), 10 bytes
 * @cdb: filled
 * @sa: enum scsi_sanitize_sa
 * @flags: SCSI_SANITIZE_IMMED and/or SCSI_SANITIZE_AUSE (not for EXIT FAILURE MODE)
 * @param_len: the parameter list length (overwrite only; 0 for the others)
 * Return: 0, or -EINVAL (another service action, AUSE with EXIT FAILURE MODE,
 * a parameter list with another service action, none with OVERWRITE)
 */
int scsi_cdb_sanitize(uint8_t cdb[10], uint8_t sa, uint8_t flags, uint16_t param_len);

/**
 * scsi_sanitize_overwrite_param() - the OVERWRITE parameter list
 * @buf: filled with 4 + @plen bytes
 * @len: size of @buf
 * @count: OVERWRITE COUNT, 1..31
 * @invert: INVERT between passes
 * @pattern: the initialization pattern, @plen bytes (1..@block_len)
 * @block_len: the logical block length (the pattern may not be longer)
 * Return: the parameter list length, or -EINVAL (count, pattern length),
 * -ENOSPC (@buf too small)
 */
int scsi_sanitize_overwrite_param(uint8_t *buf, size_t len, unsigned count, bool invert,
				  const uint8_t *pattern, size_t plen, uint32_t block_len);

/**
 * scsi_parse_inquiry() - standard INQUIRY data: peripheral type, RMB, vendor,
 * product and revision (trailing spaces cut, non-printable bytes as '?')
 * Return: 0, or -EBADMSG (@len below 36 bytes)
 */
int scsi_parse_inquiry(const uint8_t *buf, size_t len, struct sanitize_scsi_caps *c);

/**
 * scsi_parse_vpd_serial() - Unit Serial Number VPD page (0x80) into @c->serial
 * (leading and trailing spaces cut, non-printable bytes as '?')
 * Return: 0, or -EBADMSG (another page, or a length past @len)
 */
int scsi_parse_vpd_serial(const uint8_t *buf, size_t len, struct sanitize_scsi_caps *c);

/**
 * scsi_parse_read_capacity16() - last LBA, logical block length and LBPME
 * Return: 0, or -EBADMSG (@len below 32 bytes, block length 0)
 */
int scsi_parse_read_capacity16(const uint8_t *buf, size_t len, struct sanitize_scsi_caps *c);

/**
 * scsi_parse_rsoc_one() - the one_command parameter data of REPORT SUPPORTED
 * OPERATION CODES (reporting options 1-3)
 * @support_raw: the SUPPORT field (bits 2:0 of byte 1)
 * Return: enum scsi_rsoc_support, or -EBADMSG (@len below 4, or CDB SIZE 0
 * with SUPPORT saying supported)
 */
int scsi_parse_rsoc_one(const uint8_t *buf, size_t len, uint8_t *support_raw);

/**
 * scsi_sense_parse() - fixed (0x70/0x71) or descriptor (0x72/0x73) sense data
 * @sense: the bytes
 * @len: how many came back
 * @s: filled; the progress indicator from the sense-key-specific field
 * (fixed bytes 15-17, or the descriptor of type 0x02) when SKSV is set and the
 * sense key is NO SENSE or NOT READY
 * Return: 0, -ENODATA (@len 0), -EBADMSG (another response code, truncated)
 */
int scsi_sense_parse(const uint8_t *sense, size_t len, struct scsi_sense *s);

/** scsi_sense_text() - "sanitize in progress", "invalid field in cdb", ... (static string) */
const char *scsi_sense_text(const struct scsi_sense *s);

/**
 * scsi_sense_errno() - fold sense into an errno
 * Return: 0 (NO SENSE, RECOVERED ERROR), -EBUSY (not ready: in progress,
 * becoming ready), -EOPNOTSUPP (invalid command operation code), -EINVAL
 * (invalid field in CDB or parameter list), -EROFS (DATA PROTECT), -EAGAIN
 * (UNIT ATTENTION), -EIO (sanitize failed, medium and hardware errors, others)
 */
int scsi_sense_errno(const struct scsi_sense *s);

/** scsi_sense_in_progress() - NOT READY, 04/1B: sanitize in progress */
bool scsi_sense_in_progress(const struct scsi_sense *s);

/** scsi_sense_sanitize_failed() - 31/03: the last sanitize failed (failure mode) */
bool scsi_sense_sanitize_failed(const struct scsi_sense *s);

/*
 * Execution (erase/method_scsi.c): SANITIZE with IMMED, then REQUEST SENSE
 * until the device is done.
 */
struct fw;
struct json_t;
struct erase_caps;
struct purge_timing;

/** struct scsi_sanitize_req - one SANITIZE and how to wait for it */
struct scsi_sanitize_req {
	uint8_t sa;
	bool ause;
	const uint8_t *param; /* overwrite parameter list, else NULL */
	size_t param_len;
	const struct purge_timing *timing; /* how to wait (erase/purge.h); NULL: the real clock */
	/* called with each progress value, 0..65536 */
	void (*progress)(uint32_t done, void *usr);
	void *usr;
	volatile sig_atomic_t *abort; /* set: stop polling, -EINTR (the drive goes on) */
};

/**
 * erase_scsi_sanitize() - issue SANITIZE with IMMED and poll REQUEST SENSE
 * until the device no longer reports 04/1B, then TEST UNIT READY
 * @f: transport
 * @req: the command and the polling
 * @detail: gets "cdb" (hex), "polls", "wait" (purge_await()), "last_progress"
 * and, on failure, "sense" (hex of the raw sense) and "sense_text"; may be NULL
 * @why: a reason on failure
 *
 * The wait is purge_await()'s: SBC-4 gives no time estimate, so it is bounded
 * by PURGE_BOUND_MS (PURGE_BOUND_OVERWRITE_MS for an overwrite).
 * Return: 0; -EOPNOTSUPP (service action refused as unsupported), -EINVAL
 * (invalid field), -EIO (sanitize failed: the device is in failure mode),
 * -ETIME (the progress indicator stalled), -ETIMEDOUT (still in progress at
 * the bound), -EINTR (aborted), another errno from the transport or the sense
 */
int erase_scsi_sanitize(struct fw *f, const struct scsi_sanitize_req *req, struct json_t *detail,
			char *why, size_t len);

/**
 * erase_scsi_supported() - can @c's device do SANITIZE @sa, from its REPORT
 * SUPPORTED OPERATION CODES answer (erase/method_scsi.c)
 * Return: true, or false with a reason in @why (not answered, not
 * supported, USB flash media whose controller offers no sanitize)
 */
bool erase_scsi_supported(const struct erase_caps *c, uint8_t sa, char *why, size_t len);

#endif
