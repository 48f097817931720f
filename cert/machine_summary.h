/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu-machine/1: one computer's drives and their certificates, the summary
 * a wiping station writes per machine; "erased" only if every drive is.
 * Built here, in canonical JSON (cert/jcs.h) and signed like certificates.
 */
#ifndef KESU_CERT_MACHINE_SUMMARY_H
#define KESU_CERT_MACHINE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/**
 * struct cert_machine_drive - one drive of the machine
 * @path: where it was attached
 * @serial: its serial (NULL or "": none)
 * @model: its model (NULL or "": unknown)
 * @cert_id: its certificate's id (NULL: none was made)
 * @result: "success", "failed", "aborted", "refused"
 * @erased: erased and verified, with a certificate
 */
struct cert_machine_drive {
	const char *path, *serial, *model, *cert_id, *result;
	bool erased;
};

/**
 * struct cert_machine_host - the machine from DMI; NULL members are unknown
 */
struct cert_machine_host {
	const char *manufacturer, *product, *serial, *uuid, *asset_tag;
	const char *tag; /* --machine-tag, or the asset tag */
};

/**
 * cert_machine_summary() - the summary document
 * @id: its UUID
 * @created: RFC 3339 UTC time
 * Return: a new document, or NULL (out of memory)
 */
json_t *cert_machine_summary(const struct cert_machine_host *h, const struct cert_machine_drive *d,
			     size_t n, const char *id, const char *created);

#endif
