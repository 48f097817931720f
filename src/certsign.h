/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `kesu cert issue` and `kesu erase --cert` share: the options that
 * describe the certificate and the signing key, the passphrase asked before
 * any work, and writing a signed certificate through reserved files.
 */
#ifndef KESU_SRC_CERTSIGN_H
#define KESU_SRC_CERTSIGN_H

#include <getopt.h>
#include <stdbool.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cert/sig.h"
#include "outfile.h"
#include "passphrase.h"

struct certsign_opts {
	struct cert_meta meta;
	const char *sign_key;
	const char *sign_cert;	 /* with --sign-key KEY.pem: CMS (.p7s) instead of minisign */
	struct pass_source pass; /* initialise .fd = -1 */
};

/* long options 0x300.. shared by the commands; add CERTSIGN_LONG_OPTS to a table */
/* clang-format off */
enum {
	CS_ORG = 0x300, CS_DEPT, CS_TITLE, CS_CONTACT, CS_CLASS, CS_DEST, CS_SOURCE, CS_MEDIA,
	CS_MAKER, CS_NOTES, CS_BACKUP, CS_SIGN_KEY, CS_SIGN_CERT, CS_PASS_FILE, CS_PASS_FD,
};

#define CERTSIGN_LONG_OPTS                                                      \
	{ "organisation", required_argument, NULL, CS_ORG },                    \
	{ "department", required_argument, NULL, CS_DEPT },                     \
	{ "title", required_argument, NULL, CS_TITLE },                         \
	{ "contact", required_argument, NULL, CS_CONTACT },                     \
	{ "classification", required_argument, NULL, CS_CLASS },                \
	{ "destination", required_argument, NULL, CS_DEST },                    \
	{ "source-machine", required_argument, NULL, CS_SOURCE },               \
	{ "media-type", required_argument, NULL, CS_MEDIA },                    \
	{ "manufacturer", required_argument, NULL, CS_MAKER },                  \
	{ "notes", required_argument, NULL, CS_NOTES },                         \
	{ "data-backed-up", required_argument, NULL, CS_BACKUP },               \
	{ "sign-key", required_argument, NULL, CS_SIGN_KEY },                   \
	{ "sign-cert", required_argument, NULL, CS_SIGN_CERT },                 \
	{ "passphrase-file", required_argument, NULL, CS_PASS_FILE },           \
	{ "passphrase-fd", required_argument, NULL, CS_PASS_FD }

#define CERTSIGN_HELP                                                                           \
	"      --sign-key KEY       minisign secret key (KEY.pub names its role and owner)\n"  \
	"      --sign-cert CERT.pem with --sign-key KEY.pem: a CMS signature (.p7s)\n"     \
	"      --passphrase-file F  --passphrase-fd N   the key's passphrase, for batch use\n" \
	"      --organisation ORG  --department D  --title T  --contact C\n"                 \
	"      --classification LEVEL  --destination internal-reuse|external-reuse|\n"        \
	"        return-to-lessor|recycling|destruction  --source-machine M\n"                \
	"      --media-type T  --manufacturer M  --data-backed-up yes|no|unknown  --notes N\n"
/* clang-format on */

/**
 * certsign_opt() - take option @c of CERTSIGN_LONG_OPTS
 * Return: 0, KESU_EXIT_USAGE (message printed), or -1 when @c is not one of them
 */
int certsign_opt(int c, const char *arg, const char *cmd, struct certsign_opts *o);

/**
 * certsign_load() - ask for the passphrase and load the signing key, before
 * any work starts
 * Return: 0 or an exit code (message printed)
 */
int certsign_load(const struct certsign_opts *o, enum cert_role role, struct cert_signer **out);

/**
 * certsign_operator_check() - a certificate names as operator the person
 * whose key signs it: @named (--operator, or the report's; NULL: none named)
 * must be the signer's name, compared with text_name_same()
 * @cmd: the command, for the message
 * Return: 0, or KESU_EXIT_USAGE (message printed)
 */
int certsign_operator_check(const char *cmd, const char *named, const struct cert_signer *s);

/**
 * certsign_key_label() - how a signing key is named to people: its
 * fingerprint (minisign), else its key id (X.509)
 */
const char *certsign_key_label(const struct cert_signer *s);

/* A certificate and its operator signature, reserved before the work. */
struct certsign_out {
	struct outfile cert, sig;
	char ext[8];	   /* the sidecar's: "minisig" or "p7s" */
	char dir_base[65]; /* --cert-dir: the name's first part (erase_target_name()) */
	char *path;	   /* the certificate's final path once written */
};

/**
 * certsign_reserve() - reserve @file, or a new file in @dir, and its
 * sidecar FILE.operator.EXT (cert_signer_ext() of the key that will sign)
 * Return: 0 or a negative errno
 */
int certsign_reserve(struct certsign_out *out, const char *file, const char *dir, const char *ext);

/**
 * certsign_issue() - build the certificate of @report, sign it as operator
 * and write both files; a report that names no operator gets the signer's
 * name
 * @id: set to the certificate's id
 * Return: 0 or a negative errno (-EINVAL: the report makes no certificate;
 * -EXDEV: it names an operator other than the signer, see
 * certsign_operator_check())
 */
int certsign_issue(struct certsign_out *out, const json_t *report, const struct cert_meta *m,
		   const struct cert_signer *s, char id[37]);

/**
 * certsign_issue_destruction() - the certificate of a destruction (no
 * report), signed by @s as its operator, written as certsign_issue() does
 * @d: @d->operator, when given, must name @s; the signer's name is recorded
 *
 * Return: 0, -EXDEV (@d names another operator), -EINVAL (cert_from_destruction()
 * refused @d or @m), -ENOMEM, or an errno from signing or writing
 */
int certsign_issue_destruction(struct certsign_out *out, const struct cert_destruction *d,
			       const struct cert_meta *m, const struct cert_signer *s, char id[37]);

/**
 * certsign_check() - build and sign the certificate of @report as
 * certsign_issue() would, and write nothing: before an erasure, with the
 * report it would get if it succeeded (erase_report_planned())
 * Return: 0 or a negative errno (-EINVAL: the report makes no certificate;
 * the errnos of cert_sign(): the key cannot sign)
 */
int certsign_check(const json_t *report, const struct cert_meta *m, const struct cert_signer *s);

struct erase_target;
struct erase_operator;

/**
 * certsign_prepare() - before @t is written: build and sign the certificate
 * its report would get if it succeeded (a method whose report the format
 * cannot hold, or a key that cannot sign, is found while the target is still
 * whole), then reserve the certificate's files: @file, or a new file in @dir
 * named after @t
 * @op: what the report records of the people and the reason
 * @reserving: set when the files could not be reserved (else the check failed)
 * Return: 0, -EOPNOTSUPP (the method would make no valid certificate), the
 * errnos of cert_sign() (the key cannot sign), or of certsign_reserve()
 */
int certsign_prepare(struct certsign_out *out, const struct erase_target *t,
		     const struct erase_operator *op, const struct cert_meta *m,
		     const struct cert_signer *s, const char *file, const char *dir,
		     bool *reserving);

void certsign_out_release(struct certsign_out *out);

#define TRUST_DIR "/etc/kesu/trust.d"

/**
 * certsign_trust() - load --trust DIR (NULL: TRUST_DIR) and --trust-ca FILE
 * Return: 0 or an exit code (message printed)
 */
int certsign_trust(const char *dir, const char *ca, struct cert_trust **t);

/** certsign_tool_sha256() - SHA-256 of the running kesu binary, hex; "" when unreadable */
const char *certsign_tool_sha256(void);

/**
 * certsign_approval_result() - tell the person how an approval of @path (a
 * @what: "certificate", "request") by @s ended, and its exit code
 * @r: what cert_approve_mem() or request_approve_mem() returned
 * @check: their verification of the new approval; freed here
 * @sig_path: the approval's file, or NULL; freed here
 */
struct cert_verification;
int certsign_approval_result(const char *path, const char *what, const struct cert_signer *s, int r,
			     struct cert_verification *check, char *sig_path);

#endif
