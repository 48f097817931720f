// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert issue --destruction: options, the evidence files hashed, the
 * certificate signed. The evidence stays where it is; the certificate holds
 * each file's name, size and SHA-256 so that whoever keeps the photos or the
 * contractor's own certificate can show they are the ones meant.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cert/cert.h"
#include "cert_destroy.h"
#include "kesu.h"
#include "log.h"

#define CMD "cert issue"

int cert_destroy_opt(int c, const char *arg, struct cert_destroy_opts *o)
{
	switch (c) {
	case CD_DESTRUCTION:
		o->given = true;
		if (!cert_destruction_valid(arg))
			return ui_usage_error(CMD,
					      "invalid --destruction '%s': shred, disintegrate, "
					      "degauss, incinerate or pulverize",
					      ui_safe(arg));
		o->technique = arg;
		return 0;
	case CD_ASSET_TAG:
		o->given = true;
		return ui_text_field(CMD, "asset-tag", arg, 128, &o->asset_tag);
	case CD_SERIAL: o->given = true; return ui_text_field(CMD, "serial", arg, 128, &o->serial);
	case CD_MODEL: o->given = true; return ui_text_field(CMD, "model", arg, 256, &o->model);
	case CD_WITNESS: return ui_text_field(CMD, "witness", arg, 256, &o->witness);
	case CD_OPERATOR: return ui_text_field(CMD, "operator", arg, 256, &o->operator);
	case CD_EVIDENCE:
		o->given = true;
		if (o->nevidence == CERT_DESTROY_EVIDENCE_MAX)
			return ui_usage_error(CMD, "more than %d --evidence files",
					      CERT_DESTROY_EVIDENCE_MAX);
		o->evidence[o->nevidence++] = arg;
		return 0;
	default: return -1;
	}
}

/* the SHA-256 and size of a regular file, read once through the one descriptor */
static int hash_file(const char *path, struct cert_evidence *e)
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	struct stat sb;
	ssize_t n;
	int r = 0, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		r = fstat(fd, &sb) ? -errno : -EINVAL;
		goto out;
	}
	e->size = 0;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		e->size += (unsigned long long)n;
	}
	if (n < 0) {
		r = -errno;
		goto out;
	}
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(e->sha256, sizeof(e->sha256), h, sizeof(h));
out:
	close(fd);
	return r;
}

/* each evidence file by name (without its directory), size and hash */
static int hash_evidence(const struct cert_destroy_opts *o, struct cert_evidence *ev, char **names)
{
	for (size_t i = 0; i < o->nevidence; i++) {
		char *copy = strdup(o->evidence[i]);
		int r;

		if (!copy) {
			ui_err("out of memory");
			return KESU_EXIT_FAILURE;
		}
		names[i] = copy;
		ev[i].name = basename(copy);
		r = hash_file(o->evidence[i], &ev[i]);
		if (r) {
			ui_err("%s: %s", ui_safe(o->evidence[i]),
			       r == -EINVAL ? "not a regular file" : strerror(-r));
			return r == -EINVAL ? KESU_EXIT_USAGE : ui_exit(r, UI_CTX_NONE);
		}
	}
	return 0;
}

static int check_usage(const struct cert_destroy_opts *o, const struct certsign_opts *cs,
		       const char *output, int nargs)
{
	if (!o->technique)
		return ui_usage_error(CMD, "--asset-tag, --serial and --evidence go with "
					   "--destruction");
	if (nargs)
		return ui_usage_error(CMD, "--destruction takes no report");
	if (!o->asset_tag || !o->serial)
		return ui_usage_error(CMD, "--destruction needs --asset-tag and --serial");
	if (!cs->sign_key)
		return ui_usage_error(CMD, "--sign-key is required");
	if (!output)
		return ui_usage_error(CMD, "--destruction needs -o FILE");
	return 0;
}

static int sign_and_write(const struct cert_destruction *d, const struct certsign_opts *cs,
			  const struct cert_signer *signer, const char *output, char id[37])
{
	struct certsign_out out = { 0 };
	int code = 0, r = certsign_reserve(&out, output, NULL, cert_signer_ext(signer));

	if (r) {
		ui_err("%s: %s", ui_safe(output),
		       r == -EEXIST ? "exists, not replaced" : strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	} else if ((r = certsign_issue_destruction(&out, d, &cs->meta, signer, id))) {
		ui_err("%s: %s", ui_safe(output), strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	} else {
		printf("%s: destruction certificate %s (%s) signed by %s (operator, key %s)\n",
		       ui_safe(out.path), id, d->technique, ui_safe(cert_signer_name(signer)),
		       certsign_key_label(signer));
	}
	certsign_out_release(&out);
	return code;
}

int cert_destroy_issue(const struct cert_destroy_opts *o, const struct certsign_opts *cs,
		       const char *output, int nargs)
{
	struct cert_evidence ev[CERT_DESTROY_EVIDENCE_MAX] = { 0 };
	char *names[CERT_DESTROY_EVIDENCE_MAX] = { 0 };
	struct cert_destruction d = { .technique = o->technique,
				      .asset_tag = o->asset_tag,
				      .serial = o->serial,
				      .model = o->model,
				      .operator= o->operator,
				      .witness = o->witness,
				      .evidence = ev,
				      .nevidence = o->nevidence };
	struct cert_signer *signer = NULL;
	char id[37] = "", rc[12];
	int code = check_usage(o, cs, output, nargs);

	if (code)
		return code;
	code = hash_evidence(o, ev, names);
	if (!code)
		code = certsign_load(cs, CERT_ROLE_OPERATOR, &signer);
	if (!code)
		code = certsign_operator_check(CMD, o->operator, signer);
	if (!code)
		code = sign_and_write(&d, cs, signer, output, id);
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("cert issue", "destruction", o->technique, "asset_tag", o->asset_tag, "serial",
		   o->serial, "certificate", code ? NULL : output, "id", code ? NULL : id,
		   "operator", signer ? cert_signer_name(signer) : NULL, "result",
		   code ? "refused" : "issued", "exit", rc, "user", ui_who(), NULL);
	for (size_t i = 0; i < o->nevidence; i++)
		free(names[i]);
	cert_signer_free(signer);
	return code;
}
