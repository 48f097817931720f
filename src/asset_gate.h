/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The register's word before kesu erase and kesu media format touch a
 * device: a hold (policy Art. 97.2) refuses it always, and [policy] of
 * kesu.conf may ask for an approved disposal request or a registered tag.
 */
#ifndef KESU_SRC_ASSET_GATE_H
#define KESU_SRC_ASSET_GATE_H

#include <stdbool.h>

#include "ledger/asset.h"

/**
 * asset_gate_check() - ask the register (--ledger @ledger, else [ledger]
 * path of kesu.conf, else the default) about the device at @path with the
 * asset tag @tag (NULL: none given), before it is opened
 * @cmd, @what: for the message ("erase", "erase"; "media", "format")
 * @policy: also apply [policy] require_disposal_approval and require_registered
 * @ok: the approved request the erasure fulfils, when there is one
 *
 * No ledger there: nothing is held, and the policy, if on, refuses.
 * Return: 0, or an exit code (message printed): KESU_EXIT_REFUSED (held,
 * or refused by the policy), KESU_EXIT_LEDGER, KESU_EXIT_FAILURE
 */
int asset_gate_check(const char *cmd, const char *what, const char *path, const char *tag,
		     const char *ledger, bool policy, struct asset_gate_ok *ok);

/**
 * asset_gate_erased() - after `kesu ledger add` recorded the certificate
 * @cert (@len bytes): the asset of the request it fulfils moves to erased
 * Return: 0, or an exit code (message printed)
 */
int asset_gate_erased(struct ledger *l, const void *cert, size_t len);

#endif
