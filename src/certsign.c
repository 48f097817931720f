// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cert/jcs.h"
#include "cert_verify.h"
#include "certsign.h"
#include "conffile.h"
#include "erase/job.h"
#include "erase/report.h"
#include "kesu.h"
#include "passphrase.h"
#include "text.h"

#define CERT_RESERVE (64 * 1024)

/* a recorded text field: the same check as every command's (ui_text_field) */
static int meta_text(const char **field, const char *arg, const char *opt, const char *cmd)
{
	return ui_text_field(cmd, opt, arg, 256, field);
}

int certsign_opt(int c, const char *arg, const char *cmd, struct certsign_opts *o)
{
	struct cert_meta *m = &o->meta;

	switch (c) {
	case CS_ORG: return meta_text(&m->organisation, arg, "organisation", cmd);
	case CS_DEPT: return meta_text(&m->department, arg, "department", cmd);
	case CS_TITLE: return meta_text(&m->operator_title, arg, "title", cmd);
	case CS_CONTACT: return meta_text(&m->operator_contact, arg, "contact", cmd);
	case CS_CLASS: return meta_text(&m->classification, arg, "classification", cmd);
	case CS_SOURCE: return meta_text(&m->source_machine, arg, "source-machine", cmd);
	case CS_MEDIA: return meta_text(&m->media_type, arg, "media-type", cmd);
	case CS_MAKER: return meta_text(&m->manufacturer, arg, "manufacturer", cmd);
	case CS_NOTES: return meta_text(&m->notes, arg, "notes", cmd);
	case CS_DEST:
		if (!cert_destination_valid(arg))
			return ui_usage_error(cmd,
					      "invalid --destination '%s': internal-reuse, "
					      "external-reuse, return-to-lessor, recycling or "
					      "destruction",
					      ui_safe(arg));
		m->destination = arg;
		return 0;
	case CS_BACKUP:
		if (!cert_backup_valid(arg))
			return ui_usage_error(cmd,
					      "invalid --data-backed-up '%s': yes, no or "
					      "unknown",
					      ui_safe(arg));
		m->data_backed_up = arg;
		return 0;
	case CS_SIGN_KEY: o->sign_key = arg; return 0;
	case CS_SIGN_CERT: o->sign_cert = arg; return 0;
	case CS_PASS_FILE:
	case CS_PASS_FD: return ui_pass_opt(cmd, &o->pass, c == CS_PASS_FD, arg);
	default: return -1;
	}
}

/* The signing key's passphrase; asked before the work, interruptible. */
static int key_passphrase(const struct certsign_opts *o, char **pass)
{
	char prompt[300];
	struct pass_request req = { .src = (struct pass_source *)&o->pass, .prompt = prompt };
	int r;

	ui_catch_interrupts();
	req.src->abort = &ui_interrupted;
	snprintf(prompt, sizeof(prompt), "passphrase for %s", ui_safe(o->sign_key));
	r = pass_resolve(&req, pass);
	pass_source_close(req.src);
	return r;
}

/* CMS: a PEM key may have no passphrase; ask only when it has one */
static int load_cms(const struct certsign_opts *o, enum cert_role role, struct cert_signer **out)
{
	bool given = pass_source_given(&o->pass);
	char why[256] = "", *pass = NULL;
	int r = given ? key_passphrase(o, &pass) : 0;

	if (r)
		return ui_exit(r, UI_CTX_PASS);
	r = cert_signer_load_cms(o->sign_cert, o->sign_key, pass, role, out, why, sizeof(why));
	if (r == -ENOKEY && !given && !ui_interrupted) {
		r = key_passphrase(o, &pass);
		if (r)
			return ui_exit(r, UI_CTX_PASS);
		r = cert_signer_load_cms(o->sign_cert, o->sign_key, pass, role, out, why,
					 sizeof(why));
	}
	passphrase_free(pass);
	if (r)
		ui_err("%s: %s", ui_safe(o->sign_cert), ui_safe(why[0] ? why : strerror(-r)));
	/* cms_signer_load(): -EXDEV is another certificate's key: refused, as a key type is */
	if (r == -EXDEV)
		r = -EOPNOTSUPP;
	return ui_exit(r, UI_CTX_KEY);
}

int certsign_load(const struct certsign_opts *o, enum cert_role role, struct cert_signer **out)
{
	char *pass = NULL;
	int r;

	if (o->sign_cert)
		return load_cms(o, role, out);
	r = key_passphrase(o, &pass);
	if (r)
		return ui_exit(r, UI_CTX_PASS);
	r = cert_signer_load(o->sign_key, pass, out);
	passphrase_free(pass);
	if (r == -EKEYREJECTED)
		ui_err("%s: wrong passphrase", ui_safe(o->sign_key));
	else if (r == -EPERM)
		ui_err("%s: group or others may read this secret key: chmod 600 it",
		       ui_safe(o->sign_key));
	else if (r == -EBADMSG)
		ui_err("%s: not a kesu key, or %s.pub is missing its \"kesu role=... name=...\" "
		       "comment or is another key's",
		       ui_safe(o->sign_key), ui_safe(o->sign_key));
	else if (r)
		ui_err("%s: %s", ui_safe(o->sign_key), strerror(-r));
	if (r)
		return ui_exit(r, UI_CTX_KEY);
	if (!cert_key_signs_as(cert_signer_role(*out), role)) {
		ui_err("%s: the key of %s is an %s key, not an %s key", ui_safe(o->sign_key),
		       ui_safe(cert_signer_name(*out)), cert_signer_role(*out),
		       cert_role_name(role));
		cert_signer_free(*out);
		*out = NULL;
		return KESU_EXIT_REFUSED;
	}
	return 0;
}

int certsign_operator_check(const char *cmd, const char *named, const struct cert_signer *s)
{
	if (!named || text_name_same(named, cert_signer_name(s)))
		return 0;
	return ui_usage_error(cmd,
			      "the operator named is %s, but the key signs for %s: a certificate "
			      "is signed by its operator's own key",
			      ui_safe(named), ui_safe(cert_signer_name(s)));
}

const char *certsign_key_label(const struct cert_signer *s)
{
	return cert_signer_fingerprint(s)[0] ? cert_signer_fingerprint(s) : cert_signer_key_id(s);
}

int certsign_reserve(struct certsign_out *out, const char *file, const char *dir, const char *ext)
{
	char base[sizeof(out->dir_base)], *sig = NULL;
	int r;

	memcpy(base, out->dir_base, sizeof(base));
	memset(out, 0, sizeof(*out));
	memcpy(out->dir_base, base, sizeof(base));
	snprintf(out->ext, sizeof(out->ext), "%s", ext);
	out->cert.fd = out->cert.dirfd = out->sig.fd = out->sig.dirfd = -1;
	if (file) {
		r = outfile_reserve(&out->cert, file, CERT_RESERVE, 0);
		if (!r && asprintf(&sig, "%s.operator.%s", file, ext) < 0)
			r = -ENOMEM;
		if (!r)
			r = outfile_reserve(&out->sig, sig, 4096, 0);
		free(sig);
		return r;
	}
	r = outfile_reserve_in_dir(&out->cert, dir, CERT_RESERVE);
	return r ? r : outfile_reserve_in_dir(&out->sig, dir, 4096);
}

struct names {
	const char *base, *id, *ext;
	char *cert_name;
};

/* --cert-dir: BASE-ID.json; the id makes it unique */
static int cert_name(char *buf, size_t len, void *usr)
{
	struct names *n = usr;
	int w = snprintf(buf, len, "%s-%s.json", n->base, n->id);

	if (w < 0 || (size_t)w >= len)
		return -ENAMETOOLONG;
	free(n->cert_name);
	n->cert_name = strdup(buf);
	return n->cert_name ? 0 : -ENOMEM;
}

static int sig_name(char *buf, size_t len, void *usr)
{
	struct names *n = usr;
	int w = snprintf(buf, len, "%s.operator.%s", n->cert_name, n->ext);

	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

static int write_both(struct certsign_out *out, const char *doc, size_t len, const void *sig,
		      size_t siglen, const char *id)
{
	struct names n = { .base = out->dir_base[0] ? out->dir_base : "cert",
			   .id = id,
			   .ext = out->ext };
	int r;

	if (out->cert.name) {
		r = outfile_commit(&out->cert, doc, len);
		if (!r)
			r = outfile_commit(&out->sig, sig, siglen);
	} else {
		r = outfile_commit_unique(&out->cert, doc, len, cert_name, &n);
		if (!r)
			r = outfile_commit_unique(&out->sig, sig, siglen, sig_name, &n);
	}
	free(n.cert_name);
	if (out->cert.final_path && !(out->path = strdup(out->cert.final_path)))
		r = r ? r : -ENOMEM;
	return r;
}

/* @report with the signer as its operator: named so already, or by no one yet */
static int operator_named(const json_t *report, const struct cert_signer *s, json_t **out)
{
	const char *named = cert_get_string(report, "operator.name");
	json_t *op;

	if (named && !text_name_same(named, cert_signer_name(s)))
		return -EXDEV;
	*out = json_deep_copy(report);
	if (!*out)
		return -ENOMEM;
	if (named)
		return 0;
	op = json_object_get(*out, "operator");
	if (!json_is_object(op)) {
		op = json_object();
		if (json_object_set_new(*out, "operator", op))
			op = NULL;
	}
	if (!op || json_object_set_new(op, "name", json_string(cert_signer_name(s)))) {
		json_decref(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* @m with the tool's hash, and [organisation] of kesu.conf where the options give none */
static struct cert_meta meta_defaults(const struct cert_meta *m, const json_t *report)
{
	const struct kesu_config *cfg = ui_config();
	struct cert_meta meta = *m;

	meta.tool_sha256 = certsign_tool_sha256()[0] ? certsign_tool_sha256() : NULL;
	if (!meta.organisation && cfg->org_name.line)
		meta.organisation = cfg->org_name.text;
	if (!meta.department && cfg->org_department.line)
		meta.department = cfg->org_department.text;
	/* its location where the report has none */
	if (!meta.location && cfg->org_location.line &&
	    !cert_get_string(report, "operator.location"))
		meta.location = cfg->org_location.text;
	return meta;
}

/* @cert (consumed) in canonical form, and its operator signature */
static int sign_cert(json_t *cert, const struct cert_signer *s, const char *id, char **doc,
		     size_t *len, void **sig, size_t *siglen)
{
	int r;

	if (!cert)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	r = jcs_dump(cert, doc, len);
	json_decref(cert);
	if (!r)
		r = cert_sign(s, *doc, *len, id, CERT_ROLE_OPERATOR, NULL, sig, siglen);
	return r;
}

/* The certificate of @report in canonical form, and its operator signature. */
static int sign_report(const json_t *report, const struct cert_meta *m, const struct cert_signer *s,
		       char id[37], char **doc, size_t *len, void **sig, size_t *siglen)
{
	struct cert_meta meta = meta_defaults(m, report);
	json_t *cert, *signed_report = NULL;
	int r;

	r = operator_named(report, s, &signed_report);
	if (r)
		return r;
	cert = cert_from_report(signed_report, &meta, id);
	json_decref(signed_report);
	return sign_cert(cert, s, id, doc, len, sig, siglen);
}

int certsign_issue(struct certsign_out *out, const json_t *report, const struct cert_meta *m,
		   const struct cert_signer *s, char id[37])
{
	char *doc = NULL;
	void *sig = NULL;
	size_t len, siglen = 0;
	int r = sign_report(report, m, s, id, &doc, &len, &sig, &siglen);

	if (!r)
		r = write_both(out, doc, len, sig, siglen, id);
	free(doc);
	free(sig);
	return r;
}

int certsign_issue_destruction(struct certsign_out *out, const struct cert_destruction *d,
			       const struct cert_meta *m, const struct cert_signer *s, char id[37])
{
	struct cert_meta meta = meta_defaults(m, NULL);
	struct cert_destruction own = *d;
	char *doc = NULL;
	void *sig = NULL;
	size_t len, siglen = 0;
	int r;

	if (d->operator&& !text_name_same(d->operator, cert_signer_name(s)))
		return -EXDEV;
	own.operator= cert_signer_name(s);
	r = sign_cert(cert_from_destruction(&own, &meta, id), s, id, &doc, &len, &sig, &siglen);
	if (!r)
		r = write_both(out, doc, len, sig, siglen, id);
	free(doc);
	free(sig);
	return r;
}

int certsign_check(const json_t *report, const struct cert_meta *m, const struct cert_signer *s)
{
	char *doc = NULL, id[37];
	void *sig = NULL;
	size_t len, siglen = 0;
	int r = sign_report(report, m, s, id, &doc, &len, &sig, &siglen);

	free(doc);
	free(sig);
	return r;
}

int certsign_prepare(struct certsign_out *out, const struct erase_target *t,
		     const struct erase_operator *op, const struct cert_meta *m,
		     const struct cert_signer *s, const char *file, const char *dir,
		     bool *reserving)
{
	json_t *rep = erase_report_planned(t->id, &t->info, &t->plan, op);
	int r = rep ? certsign_check(rep, m, s) : -ENOMEM;

	json_decref(rep);
	*reserving = false;
	if (r)
		return r == -EINVAL ? -EOPNOTSUPP : r;
	erase_target_name(t, out->dir_base);
	r = certsign_reserve(out, file, dir, cert_signer_ext(s));
	*reserving = r != 0;
	return r;
}

void certsign_out_release(struct certsign_out *out)
{
	outfile_release(&out->cert);
	outfile_release(&out->sig);
	free(out->path);
	out->path = NULL;
}

const char *certsign_tool_sha256(void)
{
	static char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256_state st;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	ssize_t n;
	int fd;

	if (hex[0])
		return hex;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "";
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	close(fd);
	if (n < 0)
		return "";
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return hex;
}

/* [trust] operator_oid, approver_oid and contractor_oid, and DIR/x509-roles (kesu-cert(8)) */
static int certsign_bind_x509(struct cert_trust *t, const char *dir, char *why, size_t len)
{
	const struct kesu_config *cfg = ui_config();
	const char *oids[CERT_NROLES] = {
		[CERT_ROLE_OPERATOR] = cfg->trust_operator_oid.text,
		[CERT_ROLE_APPROVER] = cfg->trust_approver_oid.text,
	};
	int r;

	if (!dir && access(TRUST_DIR, F_OK) == 0)
		dir = TRUST_DIR;
	r = cert_trust_bind_contractor(t, cfg->trust_contractor_oid.text, why, len);
	return r ? r : cert_trust_bind_x509(t, dir, oids, why, len);
}

/*
 * The trust store: --trust DIR (default TRUST_DIR) of minisign keys, and
 * --trust-ca FILE for CMS; with only --trust-ca, a missing default
 * directory is no error.
 */
static bool trust_refused(int r)
{
	return r == -EPERM || r == -EEXIST || r == -EBADMSG || r == -ENOTDIR;
}

int certsign_trust(const char *dir, const char *ca, struct cert_trust **t)
{
	char why[512];
	int r;

	/* --trust, else [trust] dir of kesu.conf, else TRUST_DIR */
	if (!dir && ui_config()->trust_dir.line)
		dir = ui_config()->trust_dir.text;
	if (!dir && ca && access(TRUST_DIR, F_OK))
		r = cert_trust_load(NULL, t, why, sizeof(why));
	else
		r = cert_trust_load(dir ? dir : TRUST_DIR, t, why, sizeof(why));
	if (r == -ENOENT)
		ui_err("%s: no trust store there: give --trust DIR (see kesu-cert(8))",
		       ui_safe(dir ? dir : TRUST_DIR));
	else if (trust_refused(r))
		ui_err("the trust store is refused: %s", ui_safe(why));
	else if (r)
		ui_err("cannot load the trust store: %s: %s", ui_safe(why), strerror(-r));
	/* a store that cannot be trusted is a configuration error, as a refused kesu.conf is */
	if (trust_refused(r))
		return KESU_EXIT_USAGE;
	if (r || !ca)
		return r ? KESU_EXIT_FAILURE : 0;
	r = cert_trust_load_ca(*t, ca, why, sizeof(why));
	if (r)
		ui_err("%s: %s", ui_safe(ca), ui_safe(why));
	else if ((r = certsign_bind_x509(*t, dir, why, sizeof(why))))
		ui_err("cannot load the X.509 role binding: %s", ui_safe(why));
	if (r) {
		cert_trust_free(*t);
		*t = NULL;
	}
	return r ? KESU_EXIT_FAILURE : 0;
}

int certsign_approval_result(const char *path, const char *what, const struct cert_signer *s, int r,
			     struct cert_verification *check, char *sig_path)
{
	int code;

	if (r == -EACCES)
		ui_err("%s: refused: an approval by %s (key %s) would not verify: %s: %s",
		       ui_safe(path), ui_safe(cert_signer_name(s)), certsign_key_label(s),
		       cert_verdict_name(check->verdict), ui_safe(check->why));
	else if (r == -EOPNOTSUPP)
		ui_err("%s: a self-approval is recorded in a minisign signature only; an X.509 "
		       "key cannot record its reason",
		       ui_safe(path));
	else if (r == -EEXIST)
		ui_err("%s: exists: the %s is already approved",
		       ui_safe(sig_path ? sig_path : path), what);
	else if (r)
		ui_err("%s: %s", ui_safe(sig_path ? sig_path : path), strerror(-r));
	code = r == -EACCES	? cert_cli_verdict_exit(check->verdict) :
	       r == -EOPNOTSUPP ? KESU_EXIT_NOT_APPROVED :
				  ui_exit(r, UI_CTX_NONE);
	cert_verification_free(check);
	free(sig_path);
	return code;
}
