// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulated NVMe controller of fw_sim.h. */
#include "config.h"

#include <string.h>

#include "fw_sim.h"

#define SC_INVALID_OPCODE 0x001
#define SC_INVALID_FIELD 0x002
#define SC_SANITIZE_IN_PROGRESS 0x01d

static void put_le(uint8_t *p, uint32_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_ascii(uint8_t *p, const char *s, size_t n)
{
	size_t l = s ? strlen(s) : 0;

	memset(p, ' ', n);
	memcpy(p, s ? s : "", l < n ? l : n);
}

static int sim_identify(struct fw_sim *sim, struct nvme_passthru_cmd *cmd)
{
	uint8_t *p = (uint8_t *)(uintptr_t)cmd->addr;

	if ((cmd->cdw10 & 0xff) != 0x01 || cmd->data_len != 4096 || !p)
		return SC_INVALID_FIELD;
	memset(p, 0, 4096);
	put_ascii(p + 4, sim->sn, 20);
	put_ascii(p + 24, sim->mn, 40);
	put_ascii(p + 64, sim->fr, 8);
	put_le(p + 256, sim->oacs, 2);
	put_le(p + 328, sim->sanicap, 4);
	p[524] = sim->fna;
	return 0;
}

static int sim_format(struct fw_sim *sim, struct nvme_passthru_cmd *cmd)
{
	unsigned ses = (cmd->cdw10 >> 9) & 7;

	if (!(sim->oacs & 0x2))
		return SC_INVALID_OPCODE;
	if ((sim->sstat & 7) == 2)
		return SC_SANITIZE_IN_PROGRESS;
	if (ses > 2 || (sim->ses_refused & (1u << ses)) || (ses == 2 && !(sim->fna & 0x4)))
		return SC_INVALID_FIELD;
	return 0;
}

static int sim_sanitize(struct fw_sim *sim, struct nvme_passthru_cmd *cmd)
{
	/* the sanicap bit of each action: block 1, overwrite 2, crypto 0 */
	static const int capbit[8] = { -1, -1, 1, 2, 0, -1, -1, -1 };
	unsigned sanact = cmd->cdw10 & 7;

	if (!(sim->sanicap & 7))
		return SC_INVALID_OPCODE;
	if ((sim->sstat & 7) == 2)
		return SC_SANITIZE_IN_PROGRESS;
	if (sanact == 1) {
		/* exit failure mode: only after a failed sanitize */
		if ((sim->sstat & 7) != 3)
			return SC_INVALID_FIELD;
		sim->sstat = 1;
		return 0;
	}
	if (capbit[sanact] < 0 || !(sim->sanicap & (1u << capbit[sanact])))
		return SC_INVALID_FIELD;
	sim->sstat = 2;
	sim->scdw10 = cmd->cdw10;
	sim->log_reads = 0;
	return 0;
}

/* A log read while in progress reports the next scripted SPROG, then the end. */
static void sim_advance(struct fw_sim *sim, uint16_t *sprog)
{
	*sprog = 0xffff;
	if ((sim->sstat & 7) != 2)
		return;
	if (sim->log_reads < sim->nsprog) {
		*sprog = sim->sprog[sim->log_reads++];
		return;
	}
	if (sim->sanitize_fails)
		sim->sstat = 3;
	else
		sim->sstat = ((sim->scdw10 & 0x200) ? 4 : 1) | 0x100; /* global data erased */
}

static int sim_get_log(struct fw_sim *sim, struct nvme_passthru_cmd *cmd)
{
	uint8_t *p = (uint8_t *)(uintptr_t)cmd->addr;
	uint32_t numd = (cmd->cdw10 >> 16) + 1;
	uint16_t sprog;

	if ((cmd->cdw10 & 0xff) != 0x81 || !p || numd * 4 != cmd->data_len || numd > 128)
		return SC_INVALID_FIELD;
	sim_advance(sim, &sprog);
	memset(p, 0, cmd->data_len);
	put_le(p, sprog, 2);
	put_le(p + 2, sim->sstat, 2);
	put_le(p + 4, sim->scdw10, 4);
	put_le(p + 8, sim->eto, 4);
	put_le(p + 12, sim->etbe, 4);
	put_le(p + 16, sim->etce, 4);
	return 0;
}

static int sim_admin(struct fw *f, struct nvme_passthru_cmd *cmd)
{
	struct fw_sim *sim = fw_priv(f);

	sim->last = *cmd;
	sim->ncmds++;
	cmd->result = 0;
	switch (cmd->opcode) {
	case 0x06: return sim_identify(sim, cmd);
	case 0x80: return sim_format(sim, cmd);
	case 0x84: return sim_sanitize(sim, cmd);
	case 0x02: return sim_get_log(sim, cmd);
	}
	return SC_INVALID_OPCODE;
}

static const struct fw_ops sim_ops = {
	.nvme_admin = sim_admin,
};

int fw_sim_open(struct fw_sim *sim, struct fw **out)
{
	return fw_open_ops(&sim_ops, sim, out);
}
