/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NVMe Format NVM and Sanitize: pure builders of the admin commands and
 * parsers of what the controller returns (NVMe 2.0). No I/O: the commands go
 * through fw_nvme_admin().
 */
#ifndef KESU_SANITIZE_NVME_H
#define KESU_SANITIZE_NVME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nvme_passthru_cmd;

#define SANITIZE_NVME_ID_LEN 4096 /* Identify Controller data */
#define SANITIZE_NVME_LOG_LEN 20  /* Sanitize Status log: the fields through ETCE */

enum sanitize_nvme_sanact {
	SANITIZE_NVME_EXIT_FAILURE = 1,
	SANITIZE_NVME_BLOCK = 2,
	SANITIZE_NVME_OVERWRITE = 3,
	SANITIZE_NVME_CRYPTO = 4,
};

/* Format NVM Secure Erase Settings */
enum sanitize_nvme_ses {
	SANITIZE_NVME_SES_NONE = 0,
	SANITIZE_NVME_SES_USER = 1,
	SANITIZE_NVME_SES_CRYPTO = 2,
};

/* what kesu needs from Identify Controller */
struct sanitize_nvme_id {
	char sn[21], mn[41], fr[9]; /* trailing spaces removed */
	uint16_t oacs;
	uint8_t fna;
	uint32_t sanicap;
	bool format;		 /* oacs bit 1: Format NVM supported */
	bool format_all_ns;	 /* fna bit 0: a format applies to every namespace */
	bool erase_all_ns;	 /* fna bit 1: a secure erase applies to every namespace */
	bool format_crypto;	 /* fna bit 2: crypto erase (SES 2) supported */
	bool sanitize;		 /* sanicap bits 2:0 not all zero */
	bool sanitize_crypto;	 /* sanicap bit 0 */
	bool sanitize_block;	 /* sanicap bit 1 */
	bool sanitize_overwrite; /* sanicap bit 2 */
	bool ndi;		 /* sanicap bit 29: No-Deallocate Inhibited */
};

struct sanitize_nvme_args {
	enum sanitize_nvme_sanact sanact;
	bool ause;	 /* allow unrestricted sanitize exit */
	unsigned owpass; /* overwrite passes, 1..16 (16 is coded as 0) */
	bool oipbp;	 /* invert the pattern between passes */
	bool no_dealloc; /* NDAS: no deallocate after sanitize */
	uint32_t ovrpat; /* overwrite pattern (cdw11) */
};

enum sanitize_nvme_state {
	SANITIZE_NVME_NEVER = 0,
	SANITIZE_NVME_COMPLETED = 1,
	SANITIZE_NVME_IN_PROGRESS = 2,
	SANITIZE_NVME_FAILED = 3,
	SANITIZE_NVME_COMPLETED_NO_DEALLOC = 4,
};

struct sanitize_nvme_log {
	uint16_t sprog; /* progress of the sanitize in progress, in 1/65536 */
	uint16_t sstat;
	enum sanitize_nvme_state state;
	unsigned passes;	  /* overwrite passes completed (SSTAT bits 7:3) */
	bool global_data_erased;  /* SSTAT bit 8 */
	uint32_t scdw10;	  /* cdw10 of the last sanitize */
	uint32_t eto, etbe, etce; /* estimated seconds; 0xffffffff: no estimate */
};

/** sanitize_nvme_identify_ctrl() - Identify (06h), CNS 01h into @buf (4096 bytes) */
void sanitize_nvme_identify_ctrl(struct nvme_passthru_cmd *cmd, void *buf);

/**
 * sanitize_nvme_parse_id() - the fields kesu needs from Identify Controller data
 * Return: 0, -EINVAL (@len shorter than SANITIZE_NVME_ID_LEN)
 */
int sanitize_nvme_parse_id(const void *buf, size_t len, struct sanitize_nvme_id *id);

/**
 * sanitize_nvme_format() - Format NVM (80h) of @nsid to LBA format @lbaf with @ses
 * @nsid: namespace, or 0xffffffff for every namespace
 * Return: 0, -EINVAL (@lbaf above 63, @ses above 2)
 */
int sanitize_nvme_format(struct nvme_passthru_cmd *cmd, uint32_t nsid, unsigned lbaf,
			 enum sanitize_nvme_ses ses);

/**
 * sanitize_nvme_sanitize() - Sanitize (84h)
 * Return: 0, -EINVAL (an action outside 1..4, @owpass outside 1..16 for an
 * overwrite, or overwrite options on another action)
 */
int sanitize_nvme_sanitize(struct nvme_passthru_cmd *cmd, const struct sanitize_nvme_args *a);

#define SANITIZE_NVME_NS_LEN 4096 /* Identify Namespace data */

/* what kesu needs from Identify Namespace */
struct sanitize_nvme_ns {
	uint64_t nsze;	 /* size in logical blocks */
	unsigned nlbaf;	 /* number of LBA formats (NLBAF + 1) */
	unsigned lbaf;	 /* the format in use (FLBAS) */
	unsigned lbads;	 /* log2 of its logical block size */
	unsigned dlfeat; /* DLFEAT bits 2:0: what deallocated blocks read as */
};

enum {
	SANITIZE_NVME_DLFEAT_UNKNOWN = 0,
	SANITIZE_NVME_DLFEAT_ZERO = 1,
	SANITIZE_NVME_DLFEAT_ONE = 2,
};

/** sanitize_nvme_identify_ns() - Identify (06h), CNS 00h of @nsid into @buf (4096 bytes) */
void sanitize_nvme_identify_ns(struct nvme_passthru_cmd *cmd, uint32_t nsid, void *buf);

/**
 * sanitize_nvme_parse_ns() - the fields kesu needs from Identify Namespace data
 * Return: 0, -EINVAL (@len shorter than SANITIZE_NVME_NS_LEN), -EPROTO (the
 * format in use is beyond the formats the namespace lists, or its size is 0)
 */
int sanitize_nvme_parse_ns(const void *buf, size_t len, struct sanitize_nvme_ns *ns);

/** sanitize_nvme_get_log() - Get Log Page (02h) of the Sanitize Status log (81h), 20 bytes */
void sanitize_nvme_get_log(struct nvme_passthru_cmd *cmd, void *buf);

/**
 * sanitize_nvme_parse_log() - decode the Sanitize Status log
 * Return: 0, -EINVAL (@len below SANITIZE_NVME_LOG_LEN), -EPROTO (a reserved
 * sanitize state 5..7)
 */
int sanitize_nvme_parse_log(const void *buf, size_t len, struct sanitize_nvme_log *log);

/** sanitize_nvme_state_name() - "never", "completed", "in-progress", ... */
const char *sanitize_nvme_state_name(enum sanitize_nvme_state s);

#endif
