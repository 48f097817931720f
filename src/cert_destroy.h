/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu cert issue --destruction: the certificate of a physical destruction
 * or a degaussing (policy Art. 27.2), made without a kesu report.
 */
#ifndef KESU_SRC_CERT_DESTROY_H
#define KESU_SRC_CERT_DESTROY_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "certsign.h"

#define CERT_DESTROY_EVIDENCE_MAX 64

struct cert_destroy_opts {
	const char *technique, *asset_tag, *serial, *model, *witness, *operator;
	const char *evidence[CERT_DESTROY_EVIDENCE_MAX];
	size_t nevidence;
	bool given; /* any of these options: the destruction form was asked for */
};

/* clang-format off */
enum {
	CD_DESTRUCTION = 0x500, CD_ASSET_TAG, CD_SERIAL, CD_MODEL, CD_WITNESS, CD_EVIDENCE,
	CD_OPERATOR,
};

#define CERT_DESTROY_LONG_OPTS                                                  \
	{ "destruction", required_argument, NULL, CD_DESTRUCTION },             \
	{ "asset-tag", required_argument, NULL, CD_ASSET_TAG },                 \
	{ "serial", required_argument, NULL, CD_SERIAL },                       \
	{ "model", required_argument, NULL, CD_MODEL },                         \
	{ "witness", required_argument, NULL, CD_WITNESS },                     \
	{ "evidence", required_argument, NULL, CD_EVIDENCE },                   \
	{ "operator", required_argument, NULL, CD_OPERATOR }

#define CERT_DESTROY_HELP                                                                        \
	"  or:  kesu cert issue --destruction shred|disintegrate|degauss|incinerate|pulverize\n" \
	"         --asset-tag T --serial S --sign-key KEY -o FILE [OPTIONS]\n"                  \
	"      --destruction T      a destruction done outside kesu, no report (Art. 27.2)\n"  \
	"      --asset-tag T  --serial S  --model M  --witness W  --operator NAME\n"             \
	"      --evidence FILE      a photo or the contractor's certificate, by SHA-256\n"      \
	"                           (repeatable; the file is not embedded)\n"
/* clang-format on */

/**
 * cert_destroy_opt() - one option of CERT_DESTROY_LONG_OPTS
 * Return: 0, -1 (not one of them), or KESU_EXIT_USAGE (message printed)
 */
int cert_destroy_opt(int c, const char *arg, struct cert_destroy_opts *o);

/**
 * cert_destroy_issue() - issue the destruction certificate to @output
 * @nargs: positional arguments left (none is allowed)
 * Return: a kesu exit code
 */
int cert_destroy_issue(const struct cert_destroy_opts *o, const struct certsign_opts *cs,
		       const char *output, int nargs);

#endif
