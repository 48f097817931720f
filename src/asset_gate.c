// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset_cmd.h"
#include "asset_gate.h"
#include "conffile.h"
#include "devinfo.h"
#include "kesu.h"

/* The serial kesu reads for the device; a test build may give one to devices that have none. */
static char *device_serial(const char *path)
{
	struct dev_info info;
	char *serial = NULL;

#ifdef KESU_TEST_HOOKS
	const char *hook = getenv("KESU_TEST_DEVICE_SERIAL");

	if (hook && *hook)
		return strdup(hook);
#endif
	if (devinfo_get(path, &info) == 0) {
		serial = info.serial && *info.serial ? strdup(info.serial) : NULL;
		devinfo_free(&info);
	}
	return serial;
}

static unsigned policy_flags(void)
{
	const struct kesu_config *cfg = ui_config();

	return (config_yes(&cfg->policy_disposal_approval) ? ASSET_GATE_APPROVAL : 0) |
	       (config_yes(&cfg->policy_registered) ? ASSET_GATE_REGISTERED : 0);
}

int asset_gate_check(const char *cmd, const char *what, const char *path, const char *tag,
		     const char *ledger, bool policy, struct asset_gate_ok *ok)
{
	unsigned flags = policy ? policy_flags() : 0;
	struct asset_gate_ok none;
	struct ledger *l = NULL;
	char why[512] = "", *serial;
	int r;

	if (!ok)
		ok = &none;
	memset(ok, 0, sizeof(*ok));
	if (!ledger)
		ledger = ui_ledger_location();
	r = ledger_open(&l, ledger, LEDGER_RDONLY);
	if (r == -ENOENT && !flags)
		return 0; /* no register: nothing is held */
	if (r == -ENOENT) {
		ui_err("refusing to %s %s: [policy] of kesu.conf asks the register, and there is "
		       "no ledger at %s",
		       what, ui_safe(path), ui_safe(ledger));
		return KESU_EXIT_REFUSED;
	}
	if (r) {
		ui_err("%s: cannot open the register %s: %s", cmd, ui_safe(ledger), strerror(-r));
		return r == -EBADMSG || r == -EPROTO ? KESU_EXIT_LEDGER : KESU_EXIT_FAILURE;
	}
	serial = device_serial(path);
	r = asset_gate(l, tag, serial, flags, ok, why, sizeof(why));
	free(serial);
	ledger_close(l);
	if (r == -EPERM) {
		ui_err("refusing to %s %s: %s", what, ui_safe(path), ui_safe(why));
		return KESU_EXIT_REFUSED;
	}
	if (r) {
		ui_err("%s: the register %s: %s", cmd, ui_safe(ledger),
		       r == -EBADMSG ? "its events do not replay (kesu ledger verify)" :
				       strerror(-r));
		return r == -EBADMSG ? KESU_EXIT_LEDGER : KESU_EXIT_FAILURE;
	}
	return 0;
}

int asset_gate_erased(struct ledger *l, const void *cert, size_t len)
{
	json_t *doc = json_loadb(cert, len, 0, NULL);
	struct asset_outcome out = { 0 };
	char sha256[LEDGER_HASH_HEX], when[32], why[256] = "";
	int r = doc ? ledger_sha256_hex(cert, len, sha256) : 0;

	asset_now(when);
	if (doc && !r)
		r = asset_record_erasure(l, doc, sha256, ui_who(), when, &out, why, sizeof(why));
	if (!r && out.seq)
		asset_print_outcome(json_string_value(json_object_get(json_object_get(doc, "media"),
								      "asset_tag")),
				    &out);
	json_decref(doc);
	return r ? asset_fail(NULL, r, why) : 0;
}
