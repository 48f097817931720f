// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu request: a signed request (kesu-request/1) for a disposal, a lease
 * return, taking out, bringing in, a loan, a hold or its release; its
 * approval by another person's key (policy Art. 6); its verification
 * offline. `kesu asset apply` records it in the register.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset_cmd.h"
#include "cert/jcs.h"
#include "cert/request.h"
#include "cert_verify.h"
#include "certsign.h"
#include "file.h"
#include "kesu.h"
#include "log.h"
#include "outfile.h"

static const int create_exits[] = {
	KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
	KESU_EXIT_REFUSED, KESU_EXIT_ABORTED, KESU_EXIT_NO_KEY,
};

static const int check_exits[] = {
	KESU_EXIT_SUCCESS,	KESU_EXIT_FAILURE, KESU_EXIT_USAGE,	    KESU_EXIT_REFUSED,
	KESU_EXIT_MALFORMED,	KESU_EXIT_ABORTED, KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED,
	KESU_EXIT_NOT_APPROVED, KESU_EXIT_NO_KEY,
};

#define EXITS(a) a, sizeof(a) / sizeof(a[0])

struct request_opts {
	struct certsign_opts cs;
	const char *output, *asset, *reason, *until, *contractor, *trust, *trust_ca;
	bool allow_self, require_approval, help;
};

enum {
	OPT_ASSET = 0x400,
	OPT_REASON,
	OPT_UNTIL,
	OPT_CONTRACTOR,
	OPT_TRUST,
	OPT_CA,
	OPT_SELF,
	OPT_REQUIRE,
};

static const struct option long_opts[] = {
	{ "asset", required_argument, NULL, OPT_ASSET },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "contractor", required_argument, NULL, OPT_CONTRACTOR },
	{ "trust", required_argument, NULL, OPT_TRUST },
	{ "trust-ca", required_argument, NULL, OPT_CA },
	{ "allow-self-approval", no_argument, NULL, OPT_SELF },
	{ "require-approval", no_argument, NULL, OPT_REQUIRE },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "sign-key", required_argument, NULL, CS_SIGN_KEY },
	{ "sign-cert", required_argument, NULL, CS_SIGN_CERT },
	{ "passphrase-file", required_argument, NULL, CS_PASS_FILE },
	{ "passphrase-fd", required_argument, NULL, CS_PASS_FD },
	{ NULL, 0, NULL, 0 },
};

/* "YYYY-MM-DD", a real day */
static int date_opt(const char *cmd, const char *arg, const char **out)
{
	char stamp[32];
	int64_t t;

	snprintf(stamp, sizeof(stamp), "%.10sT00:00:00Z", arg);
	if (strlen(arg) != 10 || cert_time_parse(stamp, &t))
		return ui_usage_error(cmd, "--until: not a date YYYY-MM-DD: '%s'", ui_safe(arg));
	*out = arg;
	return 0;
}

static int parse(const char *cmd, int argc, char **argv, struct request_opts *o)
{
	int c, r = 0;

	*o = (struct request_opts){ .cs.pass.fd = -1 };
	optind = 0;
	opterr = 0;
	while (!r && (c = getopt_long(argc, argv, ":o:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'h': o->help = true; break;
		case OPT_ASSET: o->asset = optarg; break;
		case OPT_REASON: r = ui_text_field(cmd, "reason", optarg, 400, &o->reason); break;
		case OPT_UNTIL: r = date_opt(cmd, optarg, &o->until); break;
		case OPT_CONTRACTOR:
			r = ui_text_field(cmd, "contractor", optarg, 256, &o->contractor);
			break;
		case OPT_TRUST: o->trust = optarg; break;
		case OPT_CA: o->trust_ca = optarg; break;
		case OPT_SELF: o->allow_self = true; break;
		case OPT_REQUIRE: o->require_approval = true; break;
		default:
			r = certsign_opt(c, optarg, cmd, &o->cs);
			if (r < 0)
				r = ui_option_error(cmd, c, argv, long_opts);
		}
	}
	return r;
}

/* ---- create ---- */

static int write_request(const char *path, const char *doc, size_t len, const void *sig,
			 size_t siglen, const char *ext)
{
	struct outfile f = { .fd = -1, .dirfd = -1 }, s = { .fd = -1, .dirfd = -1 };
	char *sig_path = request_sig_path(path, CERT_ROLE_OPERATOR, ext);
	int r = sig_path ? outfile_reserve(&f, path, len, 0) : -ENOMEM;

	if (!r)
		r = outfile_reserve(&s, sig_path, siglen, 0);
	if (!r)
		r = outfile_commit(&f, doc, len);
	if (!r)
		r = outfile_commit(&s, sig, siglen);
	if (r)
		ui_err("%s: %s", ui_safe(r == -EEXIST && f.final_path ? sig_path : path),
		       r == -EEXIST ? "exists, not replaced" : strerror(-r));
	outfile_release(&f);
	outfile_release(&s);
	free(sig_path);
	return r ? ui_exit(r, UI_CTX_NONE) : 0;
}

static int create_run(enum request_kind kind, const struct request_opts *o)
{
	struct request_fields f = { .kind = kind,
				    .asset_tag = o->asset,
				    .reason = o->reason,
				    .until = o->until,
				    .contractor = o->contractor };
	struct cert_signer *s = NULL;
	json_t *doc = NULL;
	char id[37] = "", *text = NULL, rc[12];
	void *sig = NULL;
	size_t len = 0, siglen = 0;
	int r, code = certsign_load(&o->cs, CERT_ROLE_OPERATOR, &s);

	if (!code) {
		f.applicant = cert_signer_name(s);
		doc = request_new(&f, id);
		if (!doc)
			code = errno == EINVAL ? ui_usage_error("request create",
								"--asset: not an asset tag") :
						 KESU_EXIT_FAILURE;
	}
	if (!code && ((r = jcs_dump(doc, &text, &len)) ||
		      (r = cert_sign(s, text, len, id, CERT_ROLE_OPERATOR, NULL, &sig, &siglen)))) {
		ui_err("cannot sign the request: %s", strerror(-r));
		code = KESU_EXIT_FAILURE;
	}
	if (!code)
		code = write_request(o->output, text, len, sig, siglen, cert_signer_ext(s));
	if (!code)
		printf("%s: request %s (%s of %s) signed by %s (applicant, key %s)\n",
		       ui_safe(o->output), id, request_kind_name(kind), o->asset,
		       ui_safe(cert_signer_name(s)), certsign_key_label(s));
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("request create", "request", o->output, "id", code ? NULL : id, "kind",
		   request_kind_name(kind), "asset_tag", o->asset, "applicant",
		   s ? cert_signer_name(s) : NULL, "result", code ? "refused" : "created", "exit",
		   rc, "user", ui_who(), NULL);
	free(text);
	free(sig);
	json_decref(doc);
	cert_signer_free(s);
	return code;
}

static int create_help(void)
{
	printf("usage: kesu request create KIND --asset TAG --reason TEXT [--until DATE]\n"
	       "       [--contractor NAME] --sign-key KEY -o FILE\n\n"
	       "Write a signed request (kesu-request/1): FILE, and FILE.applicant.minisig.\n"
	       "KIND: disposal, lease-return, take-out, bring-in, loan, hold, release.\n\n"
	       "      --asset TAG          the asset of the register it is about\n"
	       "      --reason TEXT        why (recorded, signed)\n"
	       "      --until DATE         YYYY-MM-DD: when a loan or take-out ends\n"
	       "      --contractor NAME    who will do the disposal work\n"
	       "      --sign-key KEY       the applicant's key (an operator key)\n"
	       "      --sign-cert CERT.pem with --sign-key KEY.pem: a CMS signature (.p7s)\n"
	       "      --passphrase-file F  --passphrase-fd N\n"
	       "  -o, --output FILE        the request (never replaced)\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, EXITS(create_exits));
	return KESU_EXIT_SUCCESS;
}

static int request_cmd_create(int argc, char **argv)
{
	struct request_opts o;
	enum request_kind kind;
	int r = parse("request create", argc, argv, &o);

	if (r)
		return r;
	if (o.help)
		return create_help();
	if (optind != argc - 1 || request_kind_parse(argv[optind], &kind))
		return ui_usage_error("request create",
				      "give one kind: disposal, lease-return, "
				      "take-out, bring-in, loan, hold or release");
	if (!o.asset || !o.reason || !o.cs.sign_key || !o.output)
		return ui_usage_error("request create",
				      "--asset, --reason, --sign-key and -o are required");
	if (o.allow_self || o.trust || o.trust_ca || o.require_approval)
		return ui_usage_error("request create", "an option of approve or verify given");
	return create_run(kind, &o);
}

int request_create_file(enum request_kind kind, const char *tag, const char *reason,
			const struct certsign_opts *cs, const char *output)
{
	struct request_opts o = { .cs = *cs, .output = output, .asset = tag, .reason = reason };

	return create_run(kind, &o);
}

/* ---- verify and approve ---- */

/* A request as read once: these bytes are verified, and these are signed. */
struct request_file {
	char *buf;
	size_t len;
	struct cert_sigs sigs;
	struct cert_verification v;
};

static void request_file_free(struct request_file *f)
{
	free(f->buf);
	cert_sigs_free(&f->sigs);
	cert_verification_free(&f->v);
}

/* read @path and its sidecars; without @approver the approval is left out of the check */
static int request_load(const char *path, const struct cert_trust *t, unsigned flags, bool approver,
			struct request_file *f)
{
	struct cert_sigs own;
	int r = file_read(path, REQUEST_FILE_MAX, &f->buf, &f->len);

	if (!r)
		r = request_read_sigs(path, &f->sigs);
	own = f->sigs;
	if (!approver)
		own.text[CERT_ROLE_APPROVER] = NULL;
	if (!r)
		r = request_verify_mem(f->buf, f->len, &own, t, flags, &f->v);
	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	return 0;
}

static int verify_one(const char *path, const struct cert_trust *t, unsigned flags)
{
	struct request_file f = { 0 };
	const struct cert_verification *v = &f.v;
	int code = request_load(path, t, flags, true, &f);

	if (code)
		goto out;
	if (v->verdict != CERT_VALID) {
		printf("%s: %s: %s\n", ui_safe(path), cert_verdict_name(v->verdict),
		       ui_safe(v->why));
		code = cert_cli_verdict_exit(v->verdict);
		goto out;
	}
	printf("%s: valid: %s of %s, request %s, applicant %s", ui_safe(path),
	       json_string_value(json_object_get(v->doc, "kind")),
	       json_string_value(json_object_get(v->doc, "asset_tag")), v->id,
	       ui_safe(v->sig[CERT_ROLE_OPERATOR].name));
	if (v->approved)
		printf(", approved by %s%s%s\n", ui_safe(v->sig[CERT_ROLE_APPROVER].name),
		       v->self_approved ? ", self-approval recorded: " : "",
		       v->self_approved ? ui_safe(v->sig[CERT_ROLE_APPROVER].self_reason) : "");
	else
		printf(", not approved\n");
out:
	request_file_free(&f);
	return code;
}

static int verify_help(void)
{
	printf("usage: kesu request verify FILE... [--trust DIR] [--require-approval]\n\n"
	       "Check requests offline: canonical form, the applicant's signature, the\n"
	       "approval by another person's key; one line each.\n\n"
	       "      --trust DIR          trusted public keys (default " TRUST_DIR ")\n"
	       "      --trust-ca FILE      CA certificates for CMS (.p7s) signatures\n"
	       "      --require-approval   an unapproved request is not valid (12)\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, EXITS(check_exits));
	return KESU_EXIT_SUCCESS;
}

static int request_cmd_verify(int argc, char **argv)
{
	struct request_opts o;
	struct cert_trust *t = NULL;
	int code, r = parse("request verify", argc, argv, &o);

	if (r)
		return r;
	if (o.help)
		return verify_help();
	if (optind >= argc)
		return ui_usage_error("request verify", "give a request");
	code = certsign_trust(o.trust, o.trust_ca, &t);
	for (int i = optind; !code && i < argc; i++)
		code = ui_exit_worst(code,
				     verify_one(argv[i], t,
						o.require_approval ? CERT_REQUIRE_APPROVAL : 0));
	cert_trust_free(t);
	return code;
}

/* The request must stand on its own, with no approval yet, before it is approved. */
static int approvable(const char *path, const struct cert_trust *t, struct request_file *f)
{
	int code = request_load(path, t, 0, false, f);

	if (code)
		return code;
	if (f->v.verdict != CERT_VALID) {
		ui_err("%s: %s: %s", ui_safe(path), cert_verdict_name(f->v.verdict),
		       ui_safe(f->v.why));
		return cert_cli_verdict_exit(f->v.verdict);
	}
	if (f->sigs.text[CERT_ROLE_APPROVER]) {
		ui_err("%s: an approval exists; a request is approved once", ui_safe(path));
		return KESU_EXIT_USAGE;
	}
	return 0;
}

static int approve_sign(const char *path, struct request_file *f, const struct cert_signer *s,
			const struct cert_trust *t, const struct request_opts *o, bool self)
{
	struct cert_approval a = { .path = path,
				   .doc = f->buf,
				   .len = f->len,
				   .sigs = &f->sigs,
				   .id = f->v.id,
				   .reason = self ? o->reason : NULL };
	struct cert_verification check;
	char *sig_path = NULL;
	int r = request_approve_mem(&a, s, t, &check, &sig_path);

	return certsign_approval_result(path, "request", s, r, &check, sig_path);
}

static int approve_run(const char *path, const struct request_opts *o)
{
	struct request_file f = { 0 };
	struct cert_signer *s = NULL;
	struct cert_trust *t = NULL;
	bool self = false;
	char why[256], rc[12];
	int code = certsign_trust(o->trust, o->trust_ca, &t);

	if (!code)
		code = approvable(path, t, &f);
	if (!code)
		code = certsign_load(&o->cs, CERT_ROLE_APPROVER, &s);
	if (!code && cert_signer_bound(t, s, CERT_ROLE_APPROVER, why, sizeof(why))) {
		ui_err("%s: %s", ui_safe(o->cs.sign_cert), ui_safe(why));
		code = KESU_EXIT_UNTRUSTED;
	}
	if (!code && (self = request_is_self_approval(&f.v, s)) && !o->allow_self) {
		ui_err("%s: refusing self-approval: %s applied for this request (policy Art. 6); "
		       "--allow-self-approval --reason TEXT records an exception",
		       ui_safe(path), ui_safe(cert_signer_name(s)));
		code = KESU_EXIT_NOT_APPROVED;
	}
	if (!code)
		code = approve_sign(path, &f, s, t, o, self);
	if (!code)
		printf("%s: request %s approved by %s (key %s)%s%s\n", ui_safe(path), f.v.id,
		       ui_safe(cert_signer_name(s)), certsign_key_label(s),
		       self ? ", self-approval recorded: " : "", self ? ui_safe(o->reason) : "");
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("request approve", "request", path, "id", f.v.id[0] ? f.v.id : NULL, "approver",
		   s ? cert_signer_name(s) : NULL, "key", s ? certsign_key_label(s) : NULL,
		   "self_approval", self ? o->reason : NULL, "result",
		   code ? "refused" : "approved", "exit", rc, "user", ui_who(), NULL);
	cert_signer_free(s);
	request_file_free(&f);
	cert_trust_free(t);
	return code;
}

static int approve_help(void)
{
	printf("usage: kesu request approve FILE --sign-key KEY [--trust DIR] [OPTIONS]\n\n"
	       "Approve a request as a person other than its applicant (policy Art. 6):\n"
	       "check it, then write FILE.approver.minisig.\n\n"
	       "      --sign-key KEY           the approver's key\n"
	       "      --sign-cert CERT.pem     with --sign-key KEY.pem: a CMS signature\n"
	       "      --trust DIR              trusted public keys (default " TRUST_DIR ")\n"
	       "      --trust-ca FILE          CA certificates for CMS (.p7s) signatures\n"
	       "      --allow-self-approval    approve one's own request, only with --reason\n"
	       "      --reason TEXT            why no one else can approve (recorded, signed)\n"
	       "      --passphrase-file F  --passphrase-fd N\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, EXITS(check_exits));
	return KESU_EXIT_SUCCESS;
}

static int request_cmd_approve(int argc, char **argv)
{
	struct request_opts o;
	int r = parse("request approve", argc, argv, &o);

	if (r)
		return r;
	if (o.help)
		return approve_help();
	if (optind != argc - 1)
		return ui_usage_error("request approve", "give one request");
	if (!o.cs.sign_key)
		return ui_usage_error("request approve", "--sign-key is required");
	if (o.allow_self != !!o.reason)
		return ui_usage_error("request approve",
				      "--allow-self-approval needs --reason, "
				      "and --reason needs --allow-self-approval");
	return approve_run(argv[optind], &o);
}

static const struct ui_command subs[] = {
	{ "create", request_cmd_create, "", "write a signed request (applicant)" },
	{ "approve", request_cmd_approve, "", "approve a request with another person's key" },
	{ "verify", request_cmd_verify, "", "check requests offline, one line each" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_request(int argc, char **argv)
{
	return ui_dispatch("request", subs, argc, argv);
}
