/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether two certificates were made on the same computer: by the DMI
 * serial number and UUID the report recorded ("machine"), by the host name
 * when neither certificate has a DMI identity to compare.
 */
#ifndef KESU_CERT_MACHINE_H
#define KESU_CERT_MACHINE_H

#include <stddef.h>

#include <jansson.h>

/**
 * cert_machine_match() - are @a and @b (checked by cert_check()) of one machine?
 * @why: the difference, for a person, when they are not
 *
 * The UUIDs are compared when both certificates have one, then the serial
 * numbers; a placeholder firmware writes for every machine ("To Be Filled
 * By O.E.M.", all zeros) counts as none. With nothing of DMI to compare,
 * the host names decide.
 *
 * Return: 0 (one machine), -EXDEV (two machines)
 */
int cert_machine_match(const json_t *a, const json_t *b, char *why, size_t len);

#endif
