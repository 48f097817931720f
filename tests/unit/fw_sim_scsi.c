// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulated SCSI device of fw_sim_scsi.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fw_sim_scsi.h"

#define GOOD 0
#define CHECK 2

void fw_sim_scsi_init(struct fw_sim_scsi *sim)
{
	memset(sim, 0, sizeof(*sim));
	sim->inquiry[0] = 0x00; /* direct access block device */
	sim->inquiry[2] = 0x07; /* SPC-5 */
	sim->inquiry[3] = 0x02;
	sim->inquiry[4] = 31;
	memcpy(sim->inquiry + 8, "KESU    SIMDISK         1.0 ", 28);
	sim->serial = "SIM0001";
	sim->last_lba = 2047;
	sim->block_len = 512;
	sim->support[0] = sim->support[1] = sim->support[2] = sim->support[3] = 0x3;
	sim->nprogress = 2;
	sim->progress[0] = 0x4000;
	sim->progress[1] = 0xC000;
}

/* sense data with @key/@asc/@ascq and, when @sks, the progress indicator @prog */
static size_t make_sense(const struct fw_sim_scsi *sim, uint8_t *s, size_t max, uint8_t key,
			 uint8_t asc, uint8_t ascq, bool sks, uint16_t prog)
{
	uint8_t b[32] = { 0 };
	size_t n;

	if (sim->desc_sense) {
		b[0] = 0x72;
		b[1] = key;
		b[2] = asc;
		b[3] = ascq;
		n = 8;
		if (sks) {
			/* sense key specific descriptor: type 02h, additional length 06h */
			b[8] = 0x02;
			b[9] = 0x06;
			b[12] = 0x80;
			b[13] = (uint8_t)(prog >> 8);
			b[14] = (uint8_t)prog;
			n = 16;
		}
		b[7] = (uint8_t)(n - 8);
	} else {
		b[0] = 0x70;
		b[2] = key;
		b[7] = 10;
		b[12] = asc;
		b[13] = ascq;
		if (sks) {
			b[15] = 0x80;
			b[16] = (uint8_t)(prog >> 8);
			b[17] = (uint8_t)prog;
		}
		n = 18;
	}
	if (n > max)
		n = max;
	memcpy(s, b, n);
	return n;
}

static int check(const struct fw_sim_scsi *sim, uint8_t *sense, size_t *slen, uint8_t key,
		 uint8_t asc, uint8_t ascq, bool sks, uint16_t prog)
{
	size_t n = make_sense(sim, sense, 32, key, asc, ascq, sks, prog);

	if (slen)
		*slen = n;
	return CHECK;
}

static uint16_t cur_progress(const struct fw_sim_scsi *sim)
{
	unsigned i = sim->polls < sim->nprogress ? sim->polls : sim->nprogress - 1;

	return (uint16_t)((sim->nprogress ? sim->progress[i] : 0) + sim->grown);
}

/* one poll of a sanitize in progress: the progress it reports, or the end */
static void advance(struct fw_sim_scsi *sim)
{
	if (!sim->in_progress)
		return;
	if (sim->polls++ < sim->nprogress)
		return;
	if (sim->stuck)
		return;
	if (sim->step && cur_progress(sim) + sim->step <= 0xffff) {
		sim->grown += sim->step;
		return;
	}
	sim->in_progress = false;
	sim->failure_mode = sim->fails;
}

static int request_sense(struct fw_sim_scsi *sim, const uint8_t *cdb, uint8_t *buf, size_t len)
{
	uint16_t prog = cur_progress(sim);
	bool was = sim->in_progress;

	advance(sim);
	memset(buf, 0, len);
	if (was && sim->in_progress)
		make_sense(sim, buf, len < cdb[4] ? len : cdb[4], 2, 0x04, 0x1B, true, prog);
	else if (was && sim->ua_after)
		make_sense(sim, buf, len < cdb[4] ? len : cdb[4], 6, 0x2A, 0x09, false, 0);
	else if (sim->failure_mode)
		make_sense(sim, buf, len < cdb[4] ? len : cdb[4], 3, 0x31, 0x03, false, 0);
	else
		make_sense(sim, buf, len < cdb[4] ? len : cdb[4], 0, 0, 0, false, 0);
	return GOOD;
}

static int rsoc(struct fw_sim_scsi *sim, const uint8_t *cdb, uint8_t *buf, size_t len,
		uint8_t *sense, size_t *slen)
{
	uint16_t sa = (uint16_t)(cdb[4] << 8 | cdb[5]);
	uint8_t out[14] = { 0 }, s;
	int i;

	if (sim->no_rsoc || cdb[1] != 0x0C)
		return check(sim, sense, slen, 5, 0x20, 0, false, 0);
	if ((cdb[2] & 7) != 2 || cdb[3] != 0x48)
		return check(sim, sense, slen, 5, 0x24, 0, false, 0);
	switch (sa) {
	case 0x01: i = 0; break;
	case 0x02: i = 1; break;
	case 0x03: i = 2; break;
	case 0x1F: i = 3; break;
	default: i = -1;
	}
	s = i < 0 ? 1 : sim->support[i];
	out[1] = s;
	if (s == 3 || s == 5) {
		out[3] = 10; /* CDB SIZE, then the usage bitmap */
		out[4] = 0x48;
		out[5] = 0xE0 | (uint8_t)sa;
		out[11] = 0xFF;
		out[12] = 0xFF;
		out[13] = 0x07;
	}
	memset(buf, 0, len);
	memcpy(buf, out, len < sizeof(out) ? len : sizeof(out));
	return GOOD;
}

static int sanitize(struct fw_sim_scsi *sim, const uint8_t *cdb, const uint8_t *buf, size_t len,
		    uint8_t *sense, size_t *slen)
{
	uint8_t sa = cdb[1] & 0x1F, s = 1;
	size_t plen = (size_t)cdb[7] << 8 | cdb[8];

	switch (sa) {
	case 0x01: s = sim->support[0]; break;
	case 0x02: s = sim->support[1]; break;
	case 0x03: s = sim->support[2]; break;
	case 0x1F: s = sim->support[3]; break;
	}
	if (s != 3 && s != 5)
		return check(sim, sense, slen, 5, 0x24, 0, false, 0);
	if (sim->in_progress)
		return check(sim, sense, slen, 2, 0x04, 0x1B, true, cur_progress(sim));
	if (sa == 0x01 && (plen < 5 || plen > sizeof(sim->param) || plen > len))
		return check(sim, sense, slen, 5, 0x26, 0, false, 0);
	memcpy(sim->sanitize_cdb, cdb, 10);
	sim->nparam = sa == 0x01 ? plen : 0;
	if (sim->nparam)
		memcpy(sim->param, buf, sim->nparam);
	sim->nsanitize++;
	if (sa == 0x1F) {
		if (!sim->failure_mode)
			return check(sim, sense, slen, 5, 0x2C, 0, false, 0);
		sim->failure_mode = false;
		return GOOD;
	}
	sim->failure_mode = false;
	sim->polls = 0;
	sim->grown = 0;
	sim->in_progress = true;
	if (!(cdb[1] & 0x80)) /* without IMMED the command returns when it is done */
		while (sim->in_progress)
			advance(sim);
	return sim->failure_mode ? check(sim, sense, slen, 3, 0x31, 0x03, false, 0) : GOOD;
}

static int media_cmd(struct fw_sim_scsi *sim, const uint8_t *cdb, uint8_t *buf, size_t len,
		     uint8_t *sense, size_t *slen)
{
	uint8_t rc[32] = { 0 };
	int i;

	if (sim->in_progress) {
		uint16_t prog = cur_progress(sim);

		if (!sim->tur_lags)
			advance(sim);
		return check(sim, sense, slen, 2, 0x04, 0x1B, true, prog);
	}
	if (sim->failure_mode)
		return check(sim, sense, slen, 3, 0x31, 0x03, false, 0);
	if (cdb[0] == 0x00)
		return GOOD;
	for (i = 0; i < 8; i++)
		rc[i] = (uint8_t)(sim->last_lba >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		rc[8 + i] = (uint8_t)(sim->block_len >> (24 - 8 * i));
	rc[14] = sim->lbpme ? 0x80 : 0;
	memcpy(buf, rc, len < sizeof(rc) ? len : sizeof(rc));
	return GOOD;
}

static int inquiry(struct fw_sim_scsi *sim, const uint8_t *cdb, uint8_t *buf, size_t len,
		   uint8_t *sense, size_t *slen)
{
	size_t n;

	memset(buf, 0, len);
	if (!(cdb[1] & 1)) {
		memcpy(buf, sim->inquiry, len < 36 ? len : 36);
		return GOOD;
	}
	if (cdb[2] != 0x80 || !sim->serial)
		return check(sim, sense, slen, 5, 0x24, 0, false, 0);
	n = strlen(sim->serial);
	if (len < 4 + n)
		return check(sim, sense, slen, 5, 0x24, 0, false, 0);
	buf[1] = 0x80;
	buf[3] = (uint8_t)n;
	memcpy(buf + 4, sim->serial, n);
	return GOOD;
}

static int sim_cdb(struct fw *f, const uint8_t *cdb, size_t cdb_len, void *vbuf, size_t len,
		   int dir, unsigned timeout_ms, uint8_t sense[32], size_t *slen)
{
	struct fw_sim_scsi *sim = fw_priv(f);
	uint8_t *buf = vbuf;

	(void)dir;
	(void)timeout_ms;
	if (slen)
		*slen = 0;
	if (sim->ncdbs < FW_SIM_SCSI_MAX_CDBS) {
		memset(sim->cdb[sim->ncdbs], 0, 16);
		memcpy(sim->cdb[sim->ncdbs++], cdb, cdb_len < 16 ? cdb_len : 16);
	}
	if (sim->transport_err)
		return sim->transport_err;
	switch (cdb[0]) {
	case 0x12: return inquiry(sim, cdb, buf, len, sense, slen);
	case 0x03: return request_sense(sim, cdb, buf, len);
	case 0x00:
	case 0x9E: return media_cmd(sim, cdb, buf, len, sense, slen);
	case 0xA3: return rsoc(sim, cdb, buf, len, sense, slen);
	case 0x48: return sanitize(sim, cdb, buf, len, sense, slen);
	default: return check(sim, sense, slen, 5, 0x20, 0, false, 0);
	}
}

static const struct fw_ops sim_ops = {
	.scsi_cdb = sim_cdb,
};

int fw_sim_scsi_open(struct fw_sim_scsi *sim, struct fw **out)
{
	return fw_open_ops(&sim_ops, sim, out);
}

unsigned fw_sim_scsi_count(const struct fw_sim_scsi *sim, uint8_t opcode)
{
	unsigned i, n = 0;

	for (i = 0; i < sim->ncdbs; i++)
		n += sim->cdb[i][0] == opcode;
	return n;
}
