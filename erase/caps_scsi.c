// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Capability probing of the SCSI part: INQUIRY, the unit serial number,
 * READ CAPACITY(16) and, for each SANITIZE service action, REPORT SUPPORTED
 * OPERATION CODES. Read-only commands: listing must not disturb a drive.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "log.h"

#define PROBE_TIMEOUT_MS 10000u

/* one data-in command; a check condition is described in @why (may be NULL) */
static int probe_cmd(struct fw *f, const char *what, const uint8_t *cdb, size_t clen, void *buf,
		     size_t len, char *why, size_t wlen)
{
	uint8_t sense[SCSI_SENSE_LEN];
	size_t slen = 0;
	struct scsi_sense s;
	int r;

	memset(buf, 0, len);
	r = fw_scsi_cdb(f, cdb, clen, buf, len, FW_DIR_IN, PROBE_TIMEOUT_MS, sense, &slen);
	if (r == SCSI_STATUS_CHECK_CONDITION && scsi_sense_parse(sense, slen, &s) == 0) {
		log_dbg("%s: %s (sense key %#x, %02x/%02x)", what, scsi_sense_text(&s), s.key,
			s.asc, s.ascq);
		if (why)
			snprintf(why, wlen, "%s (%02x/%02x/%02x)", scsi_sense_text(&s), s.key,
				 s.asc, s.ascq);
		r = scsi_sense_errno(&s);
		return r ? r : -EIO;
	}
	if (r > 0) {
		log_dbg("%s: scsi status %#x", what, (unsigned)r);
		if (why)
			snprintf(why, wlen, "scsi status %#x", (unsigned)r);
		return -EIO;
	}
	if (r < 0) {
		log_dbg("%s: %s", what, strerror(-r));
		if (why)
			snprintf(why, wlen, "%s", strerror(-r));
	}
	return r;
}

static void probe_rsoc(struct fw *f, struct sanitize_scsi_caps *s)
{
	static const uint8_t sa[4] = { SCSI_SANITIZE_OVERWRITE, SCSI_SANITIZE_BLOCK,
				       SCSI_SANITIZE_CRYPTO, SCSI_SANITIZE_EXIT_FAILURE };
	uint8_t cdb[12], buf[SCSI_RSOC_LEN];
	int i, r;

	for (i = 0; i < 4; i++) {
		scsi_cdb_rsoc_one(cdb, SCSI_SANITIZE_OP, sa[i], sizeof(buf));
		r = probe_cmd(f, "report supported operation codes", cdb, sizeof(cdb), buf,
			      sizeof(buf), s->rsoc_why, sizeof(s->rsoc_why));
		if (r < 0) {
			/* refused as a whole: nothing can be said about any service action */
			s->rsoc = false;
			memset(s->support, SCSI_RSOC_UNKNOWN, sizeof(s->support));
			return;
		}
		r = scsi_parse_rsoc_one(buf, sizeof(buf), &s->support_raw[i]);
		s->support[i] = r < 0 ? SCSI_RSOC_UNKNOWN : (uint8_t)r;
		s->rsoc = true;
	}
	s->rsoc_why[0] = '\0';
}

int erase_caps_probe_scsi(struct fw *f, struct erase_caps *c)
{
	struct sanitize_scsi_caps *s = &c->scsi_caps;
	uint8_t cdb[16], buf[SCSI_VPD_LEN + 4];
	char why[96];
	int r;

	c->scsi = false;
	memset(s, 0, sizeof(*s));
	scsi_cdb_inquiry(cdb, false, 0, SCSI_INQUIRY_LEN);
	r = probe_cmd(f, "inquiry", cdb, 6, buf, SCSI_INQUIRY_LEN, why, sizeof(why));
	if (r == 0)
		r = scsi_parse_inquiry(buf, SCSI_INQUIRY_LEN, s);
	if (r < 0) {
		if (!c->why[0])
			snprintf(c->why, sizeof(c->why), "scsi inquiry: %s",
				 r == -EBADMSG ? "short answer" : why);
		return r;
	}
	s->valid = true;
	c->scsi = true;
	scsi_cdb_inquiry(cdb, true, 0x80, sizeof(buf));
	if (probe_cmd(f, "inquiry vpd 0x80", cdb, 6, buf, sizeof(buf), NULL, 0) == 0)
		scsi_parse_vpd_serial(buf, sizeof(buf), s);
	scsi_cdb_read_capacity16(cdb, SCSI_READCAP16_LEN);
	if (probe_cmd(f, "read capacity(16)", cdb, 16, buf, SCSI_READCAP16_LEN, NULL, 0) == 0)
		scsi_parse_read_capacity16(buf, SCSI_READCAP16_LEN, s);
	probe_rsoc(f, s);
	return 0;
}

int erase_caps_scsi_line(const struct erase_caps *c, char *buf, size_t len)
{
	static const uint8_t order[3] = { SCSI_SANITIZE_CRYPTO, SCSI_SANITIZE_BLOCK,
					  SCSI_SANITIZE_OVERWRITE };
	const struct sanitize_scsi_caps *s = &c->scsi_caps;
	size_t n;
	int i;

	if (!c->scsi)
		return -ENODATA;
	n = (size_t)snprintf(buf, len, "scsi: ");
	if (!s->rsoc) {
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
				      "sanitize unknown: report supported operation codes "
				      "refused (%s)",
				      s->rsoc_why);
	} else {
		for (i = 0; i < 3; i++) {
			int k = scsi_sa_index(order[i]);
			char st[32];

			if (s->support[k] == SCSI_RSOC_SUPPORTED)
				st[0] = '\0';
			else if (s->support[k] == SCSI_RSOC_UNSUPPORTED)
				snprintf(st, sizeof(st), " not supported");
			else
				snprintf(st, sizeof(st), " not reported (support %u)",
					 s->support_raw[k]);
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%ssanitize %s%s",
					      i ? "; " : "", scsi_sa_name(order[i]), st);
		}
	}
	if (c->usb && s->support[0] != SCSI_RSOC_SUPPORTED &&
	    s->support[1] != SCSI_RSOC_SUPPORTED && s->support[2] != SCSI_RSOC_SUPPORTED)
		n += (size_t)snprintf(
			buf + n, n < len ? len - n : 0, "; %s",
			c->rotational ? "the USB bridge or its drive offers no sanitize" :
					"USB flash media whose controller offers no sanitize");
	return n >= len ? -ENOSPC : 0;
}
