// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulated NVMe controller of fw_sim.h. */
#include "config.h"

#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "fw_sim.h"

#define SC_INVALID_OPCODE 0x001
#define SC_INVALID_FIELD 0x002
#define SC_SANITIZE_FAILED 0x01c
#define SC_SANITIZE_IN_PROGRESS 0x01d
#define SAN_AUSE 0x8u

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

/* The effect on the whole backing file; nothing without one. */
static void sim_apply(const struct fw_sim *sim)
{
	uint8_t buf[65536];
	off_t size, off;
	int fd;

	if (!sim->media || sim->effect == FW_SIM_NOTHING)
		return;
	fd = open(sim->media, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	memset(buf, sim->effect == FW_SIM_ONES ? 0xff : 0, sizeof(buf));
	for (off = 0; off < size; off += (off_t)sizeof(buf)) {
		size_t n = size - off < (off_t)sizeof(buf) ? (size_t)(size - off) : sizeof(buf);

		if (sim->effect == FW_SIM_SCRAMBLE)
			randombytes_buf(buf, n);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			break;
	}
	fsync(fd);
	close(fd);
}

static int sim_identify_ns(struct fw_sim *sim, struct nvme_passthru_cmd *cmd, uint8_t *p)
{
	off_t size = 0;
	int fd;

	if (cmd->nsid != 1)
		return 0x00b; /* Invalid Namespace or Format */
	memset(p, 0, 4096);
	if (sim->media && (fd = open(sim->media, O_RDONLY | O_CLOEXEC)) >= 0) {
		size = lseek(fd, 0, SEEK_END);
		close(fd);
	}
	put_le(p, (uint32_t)(size / 512), 4); /* NSZE */
	p[25] = 1;			      /* NLBAF: two formats */
	p[26] = sim->flbas;
	p[33] = sim->dlfeat;
	p[128 + 2] = 9;	 /* format 0: 512 bytes */
	p[132 + 2] = 12; /* format 1: 4096 bytes */
	return 0;
}

static int sim_identify(struct fw_sim *sim, struct nvme_passthru_cmd *cmd)
{
	uint8_t *p = (uint8_t *)(uintptr_t)cmd->addr;

	if (cmd->data_len != 4096 || !p)
		return SC_INVALID_FIELD;
	if ((cmd->cdw10 & 0xff) == 0x00)
		return sim_identify_ns(sim, cmd, p);
	if ((cmd->cdw10 & 0xff) != 0x01)
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
	sim->nformat++;
	if (ses)
		sim_apply(sim);
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
	/*
	 * NVMe 2.0, 8.1.24: after a sanitize that failed in restricted mode
	 * (AUSE 0) only a new restricted sanitize recovers; Exit Failure Mode and
	 * an unrestricted sanitize are aborted with Sanitize Failed. After one
	 * in unrestricted mode, either may follow.
	 */
	if ((sim->sstat & 7) == 3 && !(sim->scdw10 & SAN_AUSE) &&
	    (sanact == 1 || (cmd->cdw10 & SAN_AUSE)))
		return SC_SANITIZE_FAILED;
	if (sim->nsanitize < sizeof(sim->sanitize) / sizeof(sim->sanitize[0]))
		sim->sanitize[sim->nsanitize] = *cmd;
	if (sanact == 1) {
		/* without a failed sanitize: success, and nothing else happens */
		if ((sim->sstat & 7) == 3)
			sim->sstat = 1;
		sim->nsanitize++;
		return 0;
	}
	if (capbit[sanact] < 0 || !(sim->sanicap & (1u << capbit[sanact])))
		return SC_INVALID_FIELD;
	sim->nsanitize++;
	sim->sstat = 2;
	sim->scdw10 = cmd->cdw10;
	sim->log_reads = 0;
	sim->sprog_now = 0;
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
		sim->sprog_now = *sprog;
		return;
	}
	if (sim->sprog_stuck) {
		*sprog = (uint16_t)sim->sprog_now;
		return;
	}
	if (sim->sprog_step && sim->sprog_now + sim->sprog_step <= 0xffff) {
		sim->sprog_now += sim->sprog_step;
		*sprog = (uint16_t)sim->sprog_now;
		return;
	}
	if (sim->sanitize_fails) {
		sim->sstat = 3;
		return;
	}
	sim->sstat = ((sim->scdw10 & 0x200) ? 4 : 1) | 0x100; /* global data erased */
	sim_apply(sim);
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
