// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert: issue a signed certificate for an erasure report, approve it
 * with a second person's key, verify certificates offline, show them.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/certfile.h"
#include "cert/verdict.h"
#include "cert_destroy.h"
#include "cert_pdf.h"
#include "cert_show.h"
#include "cert_verify.h"
#include "certsign.h"
#include "file.h"
#include "kesu.h"
#include "log.h"
#include "text.h"

static const int issue_exits[] = {
	KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE,	KESU_EXIT_USAGE,  KESU_EXIT_REFUSED,
	KESU_EXIT_ABORTED, KESU_EXIT_MALFORMED, KESU_EXIT_NO_KEY,
};

static const int approve_exits[] = {
	KESU_EXIT_SUCCESS,    KESU_EXIT_FAILURE,       KESU_EXIT_USAGE,	    KESU_EXIT_REFUSED,
	KESU_EXIT_MALFORMED,  KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED, KESU_EXIT_NOT_APPROVED,
	KESU_EXIT_NOT_ERASED, KESU_EXIT_ABORTED,       KESU_EXIT_NO_KEY,
};

/* ---- issue ---- */

static int issue_help(void)
{
	printf("usage: kesu cert issue REPORT --sign-key KEY [-o FILE] [OPTIONS]\n\n"
	       "Make the signed certificate of an erasure report (kesu-report/1): FILE holds\n"
	       "its canonical JSON, FILE.operator.minisig the operator's signature.\n\n"
	       "  -o, --output FILE       the certificate (default REPORT's name with .cert.json)\n" CERTSIGN_HELP
	       "  -h, --help\n\n" CERT_DESTROY_HELP "\n");
	ui_print_exit_status(stdout, issue_exits, sizeof(issue_exits) / sizeof(issue_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int read_report(const char *path, json_t **report)
{
	char why[256];
	int r = cert_report_read(path, report, why, sizeof(why));

	if (r == -EBADMSG) {
		ui_err("%s: not a JSON report: %s", ui_safe(path), ui_safe(why));
		return KESU_EXIT_MALFORMED;
	}
	if (r)
		ui_err("%s: %s", ui_safe(path), strerror(-r));
	return ui_exit(r, UI_CTX_NONE);
}

static int issue_run(const char *report_path, const char *output, const struct certsign_opts *cs)
{
	struct cert_signer *signer = NULL;
	struct certsign_out out = { 0 };
	json_t *report = NULL;
	char id[37] = "", rc[12];
	int r, code = certsign_load(cs, CERT_ROLE_OPERATOR, &signer);

	if (!code)
		code = read_report(report_path, &report);
	if (!code)
		code = certsign_operator_check("cert issue",
					       cert_get_string(report, "operator.name"), signer);
	if (!code && (r = certsign_reserve(&out, output, NULL, cert_signer_ext(signer)))) {
		ui_err("%s: %s", ui_safe(output),
		       r == -EEXIST ? "exists, not replaced" : strerror(-r));
		code = ui_exit(r, UI_CTX_NONE);
	}
	if (!code && (r = certsign_issue(&out, report, &cs->meta, signer, id))) {
		ui_err("%s: %s", ui_safe(report_path),
		       r == -EINVAL ? "not a kesu-report/1 document that makes a certificate" :
				      strerror(-r));
		code = r == -EINVAL ? KESU_EXIT_MALFORMED : KESU_EXIT_FAILURE;
	}
	if (!code)
		printf("%s: certificate %s signed by %s (operator, key %s)\n", ui_safe(out.path),
		       id, ui_safe(cert_signer_name(signer)), certsign_key_label(signer));
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("cert issue", "report", report_path, "certificate", code ? NULL : out.path, "id",
		   code ? NULL : id, "operator", signer ? cert_signer_name(signer) : NULL, "key",
		   signer ? certsign_key_label(signer) : NULL, "result",
		   code ? "refused" : "issued", "exit", rc, "user", ui_who(), NULL);
	certsign_out_release(&out);
	json_decref(report);
	cert_signer_free(signer);
	return code;
}

/*
 * getopt_long() over @opts: @own takes the command's own options (0, an
 * exit code, or -1 for not its own), then certsign_opt() those of
 * CERTSIGN_LONG_OPTS; any other ends with its message.
 */
static int certsign_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
			   const struct option *opts, struct certsign_opts *cs,
			   int (*own)(int c, void *usr), void *usr)
{
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		r = own(c, usr);
		if (r < 0)
			r = certsign_opt(c, optarg, cmd, cs);
		if (r < 0)
			return ui_option_error(cmd, c, argv, opts);
		if (r)
			return r;
	}
	return 0;
}

struct issue_opts {
	struct certsign_opts cs;
	struct cert_destroy_opts destroy;
	const char *output;
	bool help;
};

static int issue_opt(int c, void *usr)
{
	struct issue_opts *o = usr;

	if (c == 'o')
		o->output = optarg;
	else if (c == 'h')
		o->help = true;
	else
		return cert_destroy_opt(c, optarg, &o->destroy);
	return 0;
}

static int cert_cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		CERTSIGN_LONG_OPTS,
		CERT_DESTROY_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct issue_opts o = { .cs.pass.fd = -1 };
	char *def = NULL;
	int r = certsign_getopt("cert issue", argc, argv, ":o:h", opts, &o.cs, issue_opt, &o);

	if (r)
		return r;
	if (o.help)
		return issue_help();
	if (o.destroy.given || o.destroy.technique)
		return cert_destroy_issue(&o.destroy, &o.cs, o.output, argc - optind);
	if (o.destroy.witness || o.destroy.operator)
		return ui_usage_error("cert issue",
				      "--witness and --operator go with "
				      "--destruction; an erasure's come from its report");
	if (optind != argc - 1)
		return ui_usage_error("cert issue", "give one report");
	if (!o.cs.sign_key)
		return ui_usage_error("cert issue", "--sign-key is required");
	if (!o.output && !(o.output = def = cert_default_path(argv[optind]))) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	r = issue_run(argv[optind], o.output, &o.cs);
	free(def);
	return r;
}

/* ---- approve ---- */

struct approve_opts {
	struct certsign_opts cs;
	const char *trust, *trust_ca;
	bool allow_self, replace, help;
	const char *reason;
};

/* The certificate as read, once: these bytes are verified and these are signed. */
struct approve_doc {
	char *buf;
	size_t len;
	struct cert_sigs sigs;
	struct cert_verification v; /* without the approval already there, if any */
};

static void approve_doc_free(struct approve_doc *d)
{
	free(d->buf);
	cert_sigs_free(&d->sigs);
	cert_verification_free(&d->v);
}

/* An approval already there: valid, or replaced only on request. */
static int existing_approval(const char *path, const struct approve_opts *o,
			     const struct cert_trust *t, struct approve_doc *d)
{
	struct cert_verification full;
	char *sig = cert_sig_path(path, CERT_ROLE_APPROVER,
				  d->sigs.cms[CERT_ROLE_APPROVER] ? "p7s" : "minisig");
	int code = 0,
	    r = cert_verify_mem(d->buf, d->len, &d->sigs, t, CERT_REQUIRE_APPROVAL, &full);

	if (r || !sig) {
		ui_err("out of memory");
		code = KESU_EXIT_FAILURE;
	} else if (full.verdict == CERT_VALID) {
		ui_err("%s: already approved by %s", ui_safe(path),
		       ui_safe(full.sig[CERT_ROLE_APPROVER].name));
		code = KESU_EXIT_USAGE;
	} else if (!o->replace) {
		ui_err("%s: an approval exists and does not verify: %s: %s; --replace-approval "
		       "replaces it",
		       ui_safe(sig), cert_verdict_name(full.verdict), ui_safe(full.why));
		code = cert_cli_verdict_exit(full.verdict);
	}
	free(sig);
	cert_verification_free(&full);
	return code;
}

/* The certificate must stand on its own (operator signature, success) before it is approved. */
static int approvable(const char *path, const struct approve_opts *o, const struct cert_trust *t,
		      struct approve_doc *d)
{
	struct cert_sigs own;
	struct cert_verification *v = &d->v;
	int r = file_read(path, CERT_FILE_MAX, &d->buf, &d->len);

	if (!r)
		r = cert_read_sigs(path, &d->sigs);
	own = d->sigs;
	own.text[CERT_ROLE_APPROVER] = NULL;
	if (!r)
		r = cert_verify_mem(d->buf, d->len, &own, t, 0, v);
	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	if (v->verdict == CERT_NOT_ERASED) {
		ui_err("%s: %s: an erasure that did not succeed is not approved", ui_safe(path),
		       ui_safe(v->why));
		return KESU_EXIT_NOT_ERASED;
	}
	if (v->verdict != CERT_VALID) {
		ui_err("%s: %s: %s", ui_safe(path), cert_verdict_name(v->verdict), ui_safe(v->why));
		return cert_cli_verdict_exit(v->verdict);
	}
	if (d->sigs.text[CERT_ROLE_APPROVER])
		return existing_approval(path, o, t, d);
	if (o->replace)
		return ui_usage_error("cert approve", "%s: no approval to replace", ui_safe(path));
	return 0;
}

static int approve_sign(const char *path, struct approve_doc *d, const struct cert_signer *s,
			const struct cert_trust *t, const struct approve_opts *o, bool self)
{
	struct cert_approval a = { .path = path,
				   .doc = d->buf,
				   .len = d->len,
				   .sigs = &d->sigs,
				   .id = d->v.id,
				   .reason = self ? o->reason : NULL,
				   .replace = o->replace };
	struct cert_verification check;
	char *sig_path = NULL;
	int r = cert_approve_mem(&a, s, t, &check, &sig_path);

	return certsign_approval_result(path, "certificate", s, r, &check, sig_path);
}

static int approve_run(const char *path, const struct approve_opts *o)
{
	struct approve_doc d = { 0 };
	struct cert_signer *s = NULL;
	struct cert_trust *t = NULL;
	bool self = false;
	char why[256];
	char rc[12];
	int code = certsign_trust(o->trust, o->trust_ca, &t);

	if (!code)
		code = approvable(path, o, t, &d);
	if (!code)
		code = certsign_load(&o->cs, CERT_ROLE_APPROVER, &s);
	/* an X.509 approver the binding does not name: refused before anything is written */
	if (!code && cert_signer_bound(t, s, CERT_ROLE_APPROVER, why, sizeof(why))) {
		ui_err("%s: %s", ui_safe(o->cs.sign_cert), ui_safe(why));
		code = KESU_EXIT_UNTRUSTED;
	}
	if (!code && (self = cert_is_self_approval(&d.v, s)) && !o->allow_self) {
		ui_err("%s: refusing self-approval: %s signed or witnessed this erasure (policy "
		       "Art. 6); --allow-self-approval --reason TEXT records an exception",
		       ui_safe(path), ui_safe(cert_signer_name(s)));
		code = KESU_EXIT_NOT_APPROVED;
	}
	if (!code)
		code = approve_sign(path, &d, s, t, o, self);
	if (!code)
		printf("%s: approved by %s (key %s)%s%s\n", ui_safe(path),
		       ui_safe(cert_signer_name(s)), certsign_key_label(s),
		       self ? ", self-approval recorded: " : "", self ? ui_safe(o->reason) : "");
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("cert approve", "certificate", path, "id", d.v.id[0] ? d.v.id : NULL, "approver",
		   s ? cert_signer_name(s) : NULL, "key", s ? certsign_key_label(s) : NULL,
		   "self_approval", self ? o->reason : NULL, "result",
		   code ? "refused" : "approved", "exit", rc, "user", ui_who(), NULL);
	cert_signer_free(s);
	approve_doc_free(&d);
	cert_trust_free(t);
	return code;
}

static int approve_help(void)
{
	printf("usage: kesu cert approve FILE --sign-key KEY [--trust DIR] [OPTIONS]\n\n"
	       "Approve a certificate (policy Art. 27.1) as a second person (Art. 6): check it,\n"
	       "then write FILE.approver.minisig.\n\n"
	       "      --sign-key KEY           the approver's minisign secret key\n"
	       "      --trust DIR              trusted public keys (default " TRUST_DIR ")\n"
	       "      --trust-ca FILE          CA certificates for CMS (.p7s) signatures\n"
	       "      --allow-self-approval    approve one's own erasure, only with --reason\n"
	       "      --reason TEXT            why no one else can approve (recorded, signed)\n"
	       "      --replace-approval       replace an approval that does not verify\n"
	       "      --passphrase-file F  --passphrase-fd N\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, approve_exits,
			     sizeof(approve_exits) / sizeof(approve_exits[0]));
	return KESU_EXIT_SUCCESS;
}

enum { OPT_TRUST = 0x400, OPT_SELF, OPT_REASON, OPT_CA, OPT_REPLACE };

static int approve_opt(int c, void *usr)
{
	struct approve_opts *o = usr;

	switch (c) {
	case 'h': o->help = true; return 0;
	case OPT_TRUST: o->trust = optarg; return 0;
	case OPT_CA: o->trust_ca = optarg; return 0;
	case OPT_SELF: o->allow_self = true; return 0;
	case OPT_REPLACE: o->replace = true; return 0;
	case OPT_REASON: return ui_text_field("cert approve", "reason", optarg, 400, &o->reason);
	default: return -1;
	}
}

static int cert_cmd_approve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "allow-self-approval", no_argument, NULL, OPT_SELF },
		{ "replace-approval", no_argument, NULL, OPT_REPLACE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "key", required_argument, NULL, CS_SIGN_KEY },
		{ "help", no_argument, NULL, 'h' },
		CERTSIGN_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct approve_opts o = { .cs.pass.fd = -1 };
	int r = certsign_getopt("cert approve", argc, argv, ":h", opts, &o.cs, approve_opt, &o);

	if (r)
		return r;
	if (o.help)
		return approve_help();
	if (optind != argc - 1)
		return ui_usage_error("cert approve", "give one certificate");
	if (!o.cs.sign_key)
		return ui_usage_error("cert approve", "--sign-key (or --key) is required");
	if (o.allow_self != !!o.reason)
		return ui_usage_error("cert approve", "--allow-self-approval needs --reason, and "
						      "--reason needs --allow-self-approval");
	return approve_run(argv[optind], &o);
}

/* ---- the dispatcher ---- */

static const struct ui_command subs[] = {
	{ "issue", cert_cmd_issue, "", "sign the certificate of an erasure report (operator)" },
	{ "approve", cert_cmd_approve, "", "approve a certificate with a second person's key" },
	{ "verify", cert_cmd_verify, "", "check certificates offline, one line each" },
	{ "show", cert_cmd_show, "", "print a certificate for people (text, HTML, JSON)" },
	{ "pdf", cert_cmd_pdf, "",
	  "the printable certificate: a signed PDF with the certificate inside" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_cert(int argc, char **argv)
{
	return ui_dispatch("cert", subs, argc, argv);
}
