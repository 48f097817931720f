// SPDX-License-Identifier: GPL-2.0-or-later
/* NVMe Format NVM and Sanitize commands and their data, after NVMe 2.0. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <libnvme.h>

#include "sanitize_nvme.h"

#define OP_GET_LOG 0x02
#define OP_IDENTIFY 0x06
#define OP_FORMAT 0x80
#define OP_SANITIZE 0x84
#define LID_SANITIZE 0x81
#define NSID_ALL 0xffffffffu

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void sanitize_nvme_identify_ctrl(struct nvme_passthru_cmd *cmd, void *buf)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = OP_IDENTIFY;
	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->data_len = SANITIZE_NVME_ID_LEN;
	cmd->cdw10 = 0x01; /* CNS 01h: Identify Controller; CNTID 0 */
}

/* an ASCII field padded with spaces, as a C string */
static void id_string(char *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	while (n && (dst[n - 1] == ' ' || dst[n - 1] == '\0'))
		n--;
	dst[n] = '\0';
}

int sanitize_nvme_parse_id(const void *buf, size_t len, struct sanitize_nvme_id *id)
{
	const uint8_t *p = buf;

	memset(id, 0, sizeof(*id));
	if (len < SANITIZE_NVME_ID_LEN)
		return -EINVAL;
	id_string(id->sn, p + 4, 20);
	id_string(id->mn, p + 24, 40);
	id_string(id->fr, p + 64, 8);
	id->oacs = le16(p + 256);
	id->sanicap = le32(p + 328);
	id->fna = p[524];
	id->format = id->oacs & 0x2;
	id->format_all_ns = id->fna & 0x1;
	id->erase_all_ns = id->fna & 0x2;
	id->format_crypto = id->fna & 0x4;
	id->sanitize_crypto = id->sanicap & 0x1;
	id->sanitize_block = id->sanicap & 0x2;
	id->sanitize_overwrite = id->sanicap & 0x4;
	id->sanitize = id->sanicap & 0x7;
	id->ndi = id->sanicap & (1u << 29);
	return 0;
}

void sanitize_nvme_identify_ns(struct nvme_passthru_cmd *cmd, uint32_t nsid, void *buf)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = OP_IDENTIFY;
	cmd->nsid = nsid;
	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->data_len = SANITIZE_NVME_NS_LEN;
	cmd->cdw10 = 0x00; /* CNS 00h: Identify Namespace */
}

int sanitize_nvme_parse_ns(const void *buf, size_t len, struct sanitize_nvme_ns *ns)
{
	const uint8_t *p = buf;

	memset(ns, 0, sizeof(*ns));
	if (len < SANITIZE_NVME_NS_LEN)
		return -EINVAL;
	ns->nsze = (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
	ns->nlbaf = p[25] + 1u;
	/* FLBAS: format index bits 3:0, and bits 6:5 as its upper bits */
	ns->lbaf = (p[26] & 0xfu) | ((p[26] >> 5) & 0x3u) << 4;
	ns->dlfeat = p[33] & 0x7u;
	if (ns->lbaf >= ns->nlbaf || ns->lbaf > 63 || ns->nsze == 0)
		return -EPROTO;
	/* LBA Format n at byte 128 + 4n: MS 15:0, LBADS 23:16, RP 25:24 */
	ns->lbads = p[128 + 4 * ns->lbaf + 2];
	return 0;
}

int sanitize_nvme_format(struct nvme_passthru_cmd *cmd, uint32_t nsid, unsigned lbaf,
			 enum sanitize_nvme_ses ses)
{
	memset(cmd, 0, sizeof(*cmd));
	if (lbaf > 63 || (unsigned)ses > 2)
		return -EINVAL;
	cmd->opcode = OP_FORMAT;
	cmd->nsid = nsid;
	/* LBAFL 3:0, MSET 4, PI 7:5, PIL 8 all zero; SES 11:9; LBAFU 13:12 */
	cmd->cdw10 = (lbaf & 0xf) | (unsigned)ses << 9 | (lbaf >> 4) << 12;
	return 0;
}

int sanitize_nvme_sanitize(struct nvme_passthru_cmd *cmd, const struct sanitize_nvme_args *a)
{
	bool ow = a->sanact == SANITIZE_NVME_OVERWRITE;

	memset(cmd, 0, sizeof(*cmd));
	if (a->sanact < SANITIZE_NVME_EXIT_FAILURE || a->sanact > SANITIZE_NVME_CRYPTO)
		return -EINVAL;
	if (ow && (a->owpass < 1 || a->owpass > 16))
		return -EINVAL;
	if (!ow && (a->owpass || a->oipbp || a->ovrpat))
		return -EINVAL;
	cmd->opcode = OP_SANITIZE;
	/* SANACT 2:0, AUSE 3, OWPASS 7:4, OIPBP 8, NDAS 9 */
	cmd->cdw10 = (uint32_t)a->sanact | (uint32_t)a->ause << 3 | (a->owpass & 0xf) << 4 |
		     (uint32_t)a->oipbp << 8 | (uint32_t)a->no_dealloc << 9;
	cmd->cdw11 = a->ovrpat;
	return 0;
}

void sanitize_nvme_get_log(struct nvme_passthru_cmd *cmd, void *buf)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = OP_GET_LOG;
	cmd->nsid = NSID_ALL;
	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->data_len = SANITIZE_NVME_LOG_LEN;
	/* LID 7:0, LSP 14:8, RAE 15, NUMDL 31:16 (dwords - 1); NUMDU (cdw11) 0 */
	cmd->cdw10 = LID_SANITIZE | (uint32_t)(SANITIZE_NVME_LOG_LEN / 4 - 1) << 16;
}

int sanitize_nvme_parse_log(const void *buf, size_t len, struct sanitize_nvme_log *log)
{
	const uint8_t *p = buf;

	memset(log, 0, sizeof(*log));
	if (len < SANITIZE_NVME_LOG_LEN)
		return -EINVAL;
	log->sprog = le16(p);
	log->sstat = le16(p + 2);
	log->scdw10 = le32(p + 4);
	log->eto = le32(p + 8);
	log->etbe = le32(p + 12);
	log->etce = le32(p + 16);
	log->passes = (log->sstat >> 3) & 0x1f;
	log->global_data_erased = log->sstat & 0x100;
	if ((log->sstat & 0x7) > SANITIZE_NVME_COMPLETED_NO_DEALLOC)
		return -EPROTO;
	log->state = (enum sanitize_nvme_state)(log->sstat & 0x7);
	return 0;
}

const char *sanitize_nvme_state_name(enum sanitize_nvme_state s)
{
	switch (s) {
	case SANITIZE_NVME_NEVER: return "never";
	case SANITIZE_NVME_COMPLETED: return "completed";
	case SANITIZE_NVME_IN_PROGRESS: return "in-progress";
	case SANITIZE_NVME_FAILED: return "failed";
	case SANITIZE_NVME_COMPLETED_NO_DEALLOC: return "completed-without-deallocation";
	}
	return "unknown";
}
