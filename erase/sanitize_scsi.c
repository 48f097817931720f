// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SCSI command blocks and parameter data for SANITIZE (SBC-4 5.30) and the
 * commands around it (SPC-5 6.7 INQUIRY, 6.37 REPORT SUPPORTED OPERATION
 * CODES, 6.39 REQUEST SENSE, 4.4 sense data; SBC-4 5.21 READ CAPACITY(16)).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sanitize_scsi.h"

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int scsi_sa_index(uint8_t sa)
{
	switch (sa) {
	case SCSI_SANITIZE_OVERWRITE: return 0;
	case SCSI_SANITIZE_BLOCK: return 1;
	case SCSI_SANITIZE_CRYPTO: return 2;
	case SCSI_SANITIZE_EXIT_FAILURE: return 3;
	default: return -1;
	}
}

const char *scsi_sa_name(uint8_t sa)
{
	static const char *const name[] = { "overwrite", "block erase", "crypto erase",
					    "exit failure mode" };
	int i = scsi_sa_index(sa);

	return i < 0 ? "?" : name[i];
}

void scsi_cdb_inquiry(uint8_t cdb[6], bool evpd, uint8_t page, uint16_t alloc)
{
	memset(cdb, 0, 6);
	cdb[0] = 0x12;
	cdb[1] = evpd ? 0x01 : 0x00;
	cdb[2] = evpd ? page : 0; /* PAGE CODE must be zero without EVPD */
	put_be16(cdb + 3, alloc);
}

void scsi_cdb_test_unit_ready(uint8_t cdb[6])
{
	memset(cdb, 0, 6);
}

void scsi_cdb_request_sense(uint8_t cdb[6], bool desc, uint8_t alloc)
{
	memset(cdb, 0, 6);
	cdb[0] = 0x03;
	cdb[1] = desc ? 0x01 : 0x00;
	cdb[4] = alloc;
}

void scsi_cdb_read_capacity16(uint8_t cdb[16], uint32_t alloc)
{
	memset(cdb, 0, 16);
	cdb[0] = 0x9E;
	cdb[1] = 0x10;
	put_be32(cdb + 10, alloc);
}

void scsi_cdb_rsoc_one(uint8_t cdb[12], uint8_t opcode, uint16_t sa, uint32_t alloc)
{
	memset(cdb, 0, 12);
	cdb[0] = 0xA3;
	cdb[1] = 0x0C;
	cdb[2] = 0x02; /* REPORTING OPTIONS 010b: by opcode and service action */
	cdb[3] = opcode;
	put_be16(cdb + 4, sa);
	put_be32(cdb + 6, alloc);
}

int scsi_cdb_sanitize(uint8_t cdb[10], uint8_t sa, uint8_t flags, uint16_t param_len)
{
	if (scsi_sa_index(sa) < 0 || (flags & ~(SCSI_SANITIZE_IMMED | SCSI_SANITIZE_AUSE)))
		return -EINVAL;
	if (sa == SCSI_SANITIZE_EXIT_FAILURE && (flags & SCSI_SANITIZE_AUSE))
		return -EINVAL;
	if ((sa == SCSI_SANITIZE_OVERWRITE) != (param_len > 0))
		return -EINVAL;
	memset(cdb, 0, 10);
	cdb[0] = SCSI_SANITIZE_OP;
	cdb[1] = (uint8_t)(flags | sa);
	put_be16(cdb + 7, param_len);
	return 0;
}

int scsi_sanitize_overwrite_param(uint8_t *buf, size_t len, unsigned count, bool invert,
				  const uint8_t *pattern, size_t plen, uint32_t block_len)
{
	if (count < 1 || count > 31 || plen < 1 || plen > block_len || plen > 0xFFFF - 4)
		return -EINVAL;
	if (len < plen + 4)
		return -ENOSPC;
	buf[0] = (uint8_t)((invert ? 0x80 : 0) | count); /* TEST 00b */
	buf[1] = 0;
	put_be16(buf + 2, (uint16_t)plen);
	memcpy(buf + 4, pattern, plen);
	return (int)(plen + 4);
}

/* @n bytes of a fixed-width ASCII field, trailing (and with @lead leading) spaces cut */
static void ascii_field(char *out, const uint8_t *in, size_t n, bool lead)
{
	size_t i = 0, j = 0;

	while (lead && i < n && in[i] == ' ')
		i++;
	while (n > i && (in[n - 1] == ' ' || in[n - 1] == '\0'))
		n--;
	for (; i < n; i++)
		out[j++] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	out[j] = '\0';
}

int scsi_parse_inquiry(const uint8_t *buf, size_t len, struct sanitize_scsi_caps *c)
{
	if (len < 36)
		return -EBADMSG;
	c->peripheral_type = buf[0] & 0x1F;
	c->removable = buf[1] & 0x80;
	ascii_field(c->vendor, buf + 8, 8, false);
	ascii_field(c->product, buf + 16, 16, false);
	ascii_field(c->revision, buf + 32, 4, false);
	return 0;
}

int scsi_parse_vpd_serial(const uint8_t *buf, size_t len, struct sanitize_scsi_caps *c)
{
	size_t n;

	if (len < 4 || buf[1] != 0x80)
		return -EBADMSG;
	n = (size_t)buf[2] << 8 | buf[3];
	if (n > len - 4 || n > SCSI_VPD_LEN)
		return -EBADMSG;
	ascii_field(c->serial, buf + 4, n, true);
	c->serial_valid = true;
	return 0;
}

int scsi_parse_read_capacity16(const uint8_t *buf, size_t len, struct sanitize_scsi_caps *c)
{
	uint32_t bl;

	if (len < SCSI_READCAP16_LEN)
		return -EBADMSG;
	bl = get_be32(buf + 8);
	if (!bl)
		return -EBADMSG;
	c->last_lba = (uint64_t)get_be32(buf) << 32 | get_be32(buf + 4);
	c->block_len = bl;
	c->lbpme = buf[14] & 0x80;
	c->capacity_valid = true;
	return 0;
}

int scsi_parse_rsoc_one(const uint8_t *buf, size_t len, uint8_t *support_raw)
{
	uint8_t s;

	if (len < 4)
		return -EBADMSG;
	s = buf[1] & 0x07;
	*support_raw = s;
	switch (s) {
	case 0x3:
	case 0x5:
		/* a supported command has a usage bitmap at least as long as its CDB */
		if ((buf[2] << 8 | buf[3]) == 0)
			return -EBADMSG;
		return SCSI_RSOC_SUPPORTED;
	case 0x1: return SCSI_RSOC_UNSUPPORTED;
	default: return SCSI_RSOC_UNKNOWN;
	}
}

/* the progress indicator of a sense-key-specific field (3 bytes) */
static void sks_progress(const uint8_t *sks, struct scsi_sense *s)
{
	if (!(sks[0] & 0x80))
		return;
	if (s->key != SCSI_SK_NO_SENSE && s->key != SCSI_SK_NOT_READY)
		return;
	s->progress_valid = true;
	s->progress = (uint16_t)(sks[1] << 8 | sks[2]);
}

static int sense_descriptors(const uint8_t *sense, size_t len, struct scsi_sense *s)
{
	size_t end = 8 + (size_t)sense[7], i = 8;

	if (end > len)
		end = len; /* the device had more than we asked for */
	while (i + 2 <= end) {
		size_t dlen = (size_t)sense[i + 1] + 2;

		if (i + dlen > end)
			return -EBADMSG;
		if (sense[i] == 0x02 && dlen >= 7)
			sks_progress(sense + i + 4, s);
		i += dlen;
	}
	return 0;
}

int scsi_sense_parse(const uint8_t *sense, size_t len, struct scsi_sense *s)
{
	memset(s, 0, sizeof(*s));
	if (!len)
		return -ENODATA;
	s->response = sense[0] & 0x7F;
	switch (s->response) {
	case 0x70:
	case 0x71:
		if (len < 14)
			return -EBADMSG;
		s->key = sense[2] & 0x0F;
		s->asc = sense[12];
		s->ascq = sense[13];
		/* bytes 15-17 are there when the additional length reaches them */
		if (len >= 18 && sense[7] >= 10)
			sks_progress(sense + 15, s);
		return 0;
	case 0x72:
	case 0x73:
		if (len < 8)
			return -EBADMSG;
		s->key = sense[1] & 0x0F;
		s->asc = sense[2];
		s->ascq = sense[3];
		return sense_descriptors(sense, len, s);
	default: return -EBADMSG;
	}
}

bool scsi_sense_in_progress(const struct scsi_sense *s)
{
	return s->key == SCSI_SK_NOT_READY && s->asc == 0x04 && s->ascq == 0x1B;
}

bool scsi_sense_sanitize_failed(const struct scsi_sense *s)
{
	return s->asc == 0x31 && s->ascq == 0x03;
}

static const struct {
	uint8_t asc, ascq;
	const char *text;
} asc_text[] = {
	{ 0x04, 0x01, "becoming ready" },
	{ 0x04, 0x1B, "sanitize in progress" },
	{ 0x20, 0x00, "invalid command operation code" },
	{ 0x24, 0x00, "invalid field in cdb" },
	{ 0x26, 0x00, "invalid field in parameter list" },
	{ 0x27, 0x00, "write protected" },
	{ 0x29, 0x00, "power on, reset or bus device reset occurred" },
	{ 0x2A, 0x09, "capacity data has changed" },
	{ 0x31, 0x03, "sanitize command failed" },
	{ 0x3A, 0x00, "medium not present" },
};

const char *scsi_sense_text(const struct scsi_sense *s)
{
	static const char *const key[16] = {
		"no sense",	  "recovered error", "not ready",      "medium error",
		"hardware error", "illegal request", "unit attention", "data protect",
		"blank check",	  "vendor specific", "copy aborted",   "aborted command",
		"reserved",	  "volume overflow", "miscompare",     "completed",
	};
	size_t i;

	for (i = 0; i < sizeof(asc_text) / sizeof(asc_text[0]); i++)
		if (asc_text[i].asc == s->asc && asc_text[i].ascq == s->ascq)
			return asc_text[i].text;
	return key[s->key & 0x0F];
}

int scsi_sense_errno(const struct scsi_sense *s)
{
	if (scsi_sense_sanitize_failed(s))
		return -EIO;
	switch (s->key) {
	case SCSI_SK_NO_SENSE:
	case SCSI_SK_RECOVERED: return 0;
	case SCSI_SK_NOT_READY: return -EBUSY;
	case SCSI_SK_ILLEGAL_REQUEST:
		if (s->asc == 0x20)
			return -EOPNOTSUPP;
		return -EINVAL;
	case SCSI_SK_DATA_PROTECT: return -EROFS;
	case SCSI_SK_UNIT_ATTENTION: return -EAGAIN;
	default: return -EIO;
	}
}
