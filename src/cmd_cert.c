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
#include <unistd.h>

#include "cert_show.h"
#include "cert/verdict.h"
#include "dev.h"
#include "pattern.h"
#include "secmem.h"
#include "verify/verify.h"
#include "certsign.h"
#include "devinfo.h"
#include "file.h"
#include "jsonutil.h"
#include "kesu.h"
#include "text.h"

static const int issue_exits[] = {
	KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE,	KESU_EXIT_USAGE,
	KESU_EXIT_REFUSED, KESU_EXIT_MALFORMED,
};

static const int approve_exits[] = {
	KESU_EXIT_SUCCESS,   KESU_EXIT_FAILURE,	     KESU_EXIT_USAGE,
	KESU_EXIT_REFUSED,   KESU_EXIT_MALFORMED,    KESU_EXIT_BAD_SIGNATURE,
	KESU_EXIT_UNTRUSTED, KESU_EXIT_NOT_APPROVED, KESU_EXIT_NOT_ERASED,
};

static const int verify_exits[] = {
	KESU_EXIT_SUCCESS,	KESU_EXIT_FAILURE,	 KESU_EXIT_USAGE,
	KESU_EXIT_MALFORMED,	KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED,
	KESU_EXIT_NOT_APPROVED, KESU_EXIT_NOT_ERASED,	 KESU_EXIT_DEVICE_MISMATCH,
};

static int verdict_exit(enum cert_verdict v)
{
	static const int codes[] = {
		[CERT_VALID] = KESU_EXIT_SUCCESS,
		[CERT_MALFORMED] = KESU_EXIT_MALFORMED,
		[CERT_BAD_SIGNATURE] = KESU_EXIT_BAD_SIGNATURE,
		[CERT_UNTRUSTED] = KESU_EXIT_UNTRUSTED,
		[CERT_NOT_APPROVED] = KESU_EXIT_NOT_APPROVED,
		[CERT_NOT_ERASED] = KESU_EXIT_NOT_ERASED,
	};

	return codes[v];
}

/* ---- issue ---- */

static int issue_help(void)
{
	printf("usage: kesu cert issue REPORT --sign-key KEY [-o FILE] [OPTIONS]\n\n"
	       "Make the signed certificate of an erasure report (kesu-report/1): FILE holds\n"
	       "its canonical JSON, FILE.operator.minisig the operator's signature.\n\n"
	       "  -o, --output FILE       the certificate (default REPORT's name with .cert.json)\n" CERTSIGN_HELP
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, issue_exits, sizeof(issue_exits) / sizeof(issue_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static char *default_output(const char *report)
{
	size_t n = strlen(report);
	char *out;

	if (n > 5 && !strcmp(report + n - 5, ".json"))
		n -= 5;
	if (asprintf(&out, "%.*s.cert.json", (int)n, report) < 0)
		return NULL;
	return out;
}

static int read_report(const char *path, json_t **report)
{
	json_error_t jerr;
	char *buf = NULL;
	size_t len;
	int r = file_read(path, 16 << 20, &buf, &len);

	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	*report = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!*report) {
		ui_err("%s: not a JSON report: %s", ui_safe(path), ui_safe(jerr.text));
		return KESU_EXIT_MALFORMED;
	}
	return 0;
}

static int issue_run(const char *report_path, const char *output, const struct certsign_opts *cs)
{
	struct cert_signer *signer = NULL;
	struct certsign_out out = { 0 };
	json_t *report = NULL;
	char id[37];
	int r, code = certsign_load(cs, CERT_ROLE_OPERATOR, &signer);

	if (!code)
		code = read_report(report_path, &report);
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
		       id, ui_safe(cert_signer_name(signer)), cert_signer_key_id(signer));
	certsign_out_release(&out);
	json_decref(report);
	cert_signer_free(signer);
	return code;
}

static int cert_cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		CERTSIGN_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct certsign_opts cs = { .pass.fd = -1 };
	const char *output = NULL;
	char *def = NULL;
	bool help = false;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		if (c == 'o')
			output = optarg;
		else if (c == 'h')
			help = true;
		else if ((r = certsign_opt(c, optarg, "cert issue", &cs)) >= 0) {
			if (r)
				return r;
		} else
			return ui_option_error("cert issue", c, argv, opts);
	}
	if (help)
		return issue_help();
	if (optind != argc - 1)
		return ui_usage_error("cert issue", "give one report");
	if (!cs.sign_key)
		return ui_usage_error("cert issue", "--sign-key is required");
	if (!output && !(output = def = default_output(argv[optind]))) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	r = issue_run(argv[optind], output, &cs);
	free(def);
	return r;
}

/* ---- approve ---- */

struct approve_opts {
	struct certsign_opts cs;
	const char *trust, *trust_ca;
	bool allow_self;
	const char *reason;
};

static bool is_self(const struct cert_verification *v, const struct cert_signer *s)
{
	const char *witness = cert_get_string(v->doc, "witness.name");

	return !strcmp(v->sig[CERT_ROLE_OPERATOR].key_id, cert_signer_key_id(s)) ||
	       !strcmp(v->sig[CERT_ROLE_OPERATOR].name, cert_signer_name(s)) ||
	       (witness && !strcmp(witness, cert_signer_name(s)));
}

/* The certificate must stand on its own (operator signature, success) before it is approved. */
static int approvable(const char *path, const struct cert_trust *t, struct cert_verification *v)
{
	int r = cert_verify_file(path, t, 0, v);

	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	if (v->verdict == CERT_VALID && v->approved) {
		ui_err("%s: already approved by %s", ui_safe(path),
		       ui_safe(v->sig[CERT_ROLE_APPROVER].name));
		return KESU_EXIT_USAGE;
	}
	if (v->verdict == CERT_NOT_ERASED) {
		ui_err("%s: %s: an erasure that did not succeed is not approved", ui_safe(path),
		       ui_safe(v->why));
		return KESU_EXIT_NOT_ERASED;
	}
	if (v->verdict != CERT_VALID) {
		ui_err("%s: %s: %s", ui_safe(path), cert_verdict_name(v->verdict), ui_safe(v->why));
		return verdict_exit(v->verdict);
	}
	return 0;
}

static int approve_sign(const char *path, const struct cert_verification *v,
			const struct cert_signer *s, const char *reason)
{
	char *buf = NULL, *sig_path = cert_sig_path(path, CERT_ROLE_APPROVER, cert_signer_ext(s));
	struct outfile of = { .fd = -1, .dirfd = -1 };
	size_t len, siglen = 0;
	void *sig = NULL;
	int r = sig_path ? file_read(path, CERT_FILE_MAX, &buf, &len) : -ENOMEM;

	if (!r)
		r = outfile_reserve(&of, sig_path, 4096, 0);
	if (!r)
		r = cert_sign(s, buf, len, v->id, CERT_ROLE_APPROVER, reason, &sig, &siglen);
	if (!r)
		r = outfile_commit(&of, sig, siglen);
	if (r == -EOPNOTSUPP)
		ui_err("%s: a self-approval is recorded in a minisign signature only; an X.509 "
		       "key cannot record its reason",
		       ui_safe(path));
	else if (r)
		ui_err("%s: %s", ui_safe(sig_path ? sig_path : path),
		       r == -EEXIST ? "exists: the certificate is already approved" : strerror(-r));
	outfile_release(&of);
	free(sig_path);
	free(sig);
	free(buf);
	if (r == -EOPNOTSUPP)
		return KESU_EXIT_NOT_APPROVED;
	return ui_exit(r, UI_CTX_NONE);
}

static int approve_run(const char *path, const struct approve_opts *o)
{
	struct cert_verification v = { 0 };
	struct cert_signer *s = NULL;
	struct cert_trust *t = NULL;
	bool self = false;
	int code = certsign_trust(o->trust, o->trust_ca, &t);

	if (!code)
		code = approvable(path, t, &v);
	if (!code)
		code = certsign_load(&o->cs, CERT_ROLE_APPROVER, &s);
	if (!code && (self = is_self(&v, s)) && !o->allow_self) {
		ui_err("%s: refusing self-approval: %s signed or witnessed this erasure (policy "
		       "Art. 6); --allow-self-approval --reason TEXT records an exception",
		       ui_safe(path), ui_safe(cert_signer_name(s)));
		code = KESU_EXIT_NOT_APPROVED;
	}
	if (!code)
		code = approve_sign(path, &v, s, self ? o->reason : NULL);
	if (!code)
		printf("%s: approved by %s (key %s)%s%s\n", ui_safe(path),
		       ui_safe(cert_signer_name(s)), cert_signer_key_id(s),
		       self ? ", self-approval recorded: " : "", self ? ui_safe(o->reason) : "");
	cert_signer_free(s);
	cert_verification_free(&v);
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
	       "      --passphrase-file F  --passphrase-fd N\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, approve_exits,
			     sizeof(approve_exits) / sizeof(approve_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int cert_cmd_approve(int argc, char **argv)
{
	enum { OPT_TRUST = 0x400, OPT_SELF, OPT_REASON, OPT_CA };
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "allow-self-approval", no_argument, NULL, OPT_SELF },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "key", required_argument, NULL, CS_SIGN_KEY },
		{ "help", no_argument, NULL, 'h' },
		CERTSIGN_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct approve_opts o = { .cs.pass.fd = -1 };
	bool help = false;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			help = true;
		else if (c == OPT_TRUST)
			o.trust = optarg;
		else if (c == OPT_CA)
			o.trust_ca = optarg;
		else if (c == OPT_SELF)
			o.allow_self = true;
		else if (c == OPT_REASON) {
			if (!*optarg || !text_is_clean(optarg) || strlen(optarg) > 400)
				return ui_usage_error("cert approve",
						      "invalid --reason: give 1 to "
						      "400 bytes of UTF-8 text without control "
						      "characters");
			o.reason = optarg;
		} else if ((r = certsign_opt(c, optarg, "cert approve", &o.cs)) >= 0) {
			if (r)
				return r;
		} else
			return ui_option_error("cert approve", c, argv, opts);
	}
	if (help)
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

/* ---- verify ---- */

struct verify_opts_cli {
	const char *trust, *trust_ca;
	unsigned flags;
	const char *device;
	bool json;
};

/* The last pass's pattern read back from a sample of the device: still erased as certified? */
static int device_reads_erased(const char *device, const char *pattern, char *why, size_t len)
{
	struct verify_opts vo = { .sample_pct = 10, .pass = 1, .npasses = 1 };
	struct verify_result vr = { 0 };
	struct pattern p = { 0 };
	struct dev *d = NULL;
	int r;

	if (!strcmp(pattern, "random") || pattern_parse(pattern, &p)) {
		snprintf(why, len,
			 "identity matches; the last pass was %s, which cannot be read "
			 "back without its key",
			 pattern);
		return 0;
	}
	secmem_random(&vo.seed, sizeof(vo.seed));
	r = dev_open(device, 0, &d);
	if (!r)
		r = verify_run(d, &p, &vo, &vr);
	if (r)
		snprintf(why, len, "cannot read it back: %s", strerror(-r));
	else if (vr.mismatch.n || vr.read_errors.n)
		snprintf(why, len, "no longer reads as %s: %llu blocks differ, %llu unreadable",
			 pattern, (unsigned long long)ranges_blocks(&vr.mismatch),
			 (unsigned long long)ranges_blocks(&vr.read_errors));
	else
		snprintf(why, len, "identity matches and %llu sampled bytes read back as %s",
			 (unsigned long long)vr.bytes_read, pattern);
	r = r					? KESU_EXIT_FAILURE :
	    (vr.mismatch.n || vr.read_errors.n) ? KESU_EXIT_DEVICE_MISMATCH :
						  0;
	verify_result_free(&vr);
	pattern_free(&p);
	dev_close(d);
	return r;
}

static int check_device(const json_t *doc, const char *device, char *why, size_t len)
{
	const char *serial = cert_get_string(doc, "media.serial");
	json_t *size = cert_get(doc, "media.capacity_bytes");
	json_t *passes = cert_get(doc, "sanitization.passes");
	const char *last = json_string_value(
		json_object_get(json_array_get(passes, json_array_size(passes) - 1), "pattern"));
	struct dev_info info;
	int r = devinfo_get(device, &info);

	if (r) {
		snprintf(why, len, "%s: %s", device, strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	if ((serial || info.serial) && (!serial || !info.serial || strcmp(serial, info.serial)))
		snprintf(why, len, "serial %s, the certificate's is %s",
			 info.serial ? info.serial : "none", serial ? serial : "none");
	else if (!json_is_integer(size) || (uint64_t)json_integer_value(size) != info.size)
		snprintf(why, len, "size %llu bytes, the certificate's is %lld",
			 (unsigned long long)info.size, (long long)json_integer_value(size));
	else
		why[0] = '\0';
	devinfo_free(&info);
	if (why[0])
		return KESU_EXIT_DEVICE_MISMATCH;
	return device_reads_erased(device, last ? last : "random", why, len);
}

static json_t *signer_json(const struct cert_verification *v, enum cert_role role, bool ok)
{
	const struct cert_sig_check *s = &v->sig[role];

	if (!ok)
		return json_null();
	return json_pack("{s:o,s:s,s:s}", "name", json_text(s->name), "key_id", s->key_id, "time",
			 s->time);
}

static void print_result(const char *path, const struct cert_verification *v, int code,
			 const char *why, bool json)
{
	const char *name = code == KESU_EXIT_DEVICE_MISMATCH ? "device-mismatch" :
							       cert_verdict_name(v->verdict);
	bool op_ok = v->verdict == CERT_VALID || v->verdict >= CERT_NOT_APPROVED;
	json_t *o;

	if (!json) {
		if (!code)
			printf("%s: valid: certificate %s, operator %s, %s%s%s%s%s\n",
			       ui_safe(path), v->id, ui_safe(v->sig[CERT_ROLE_OPERATOR].name),
			       v->approved ? "approver " : "not approved",
			       v->approved ? ui_safe(v->sig[CERT_ROLE_APPROVER].name) : "",
			       v->self_approved ? " (self-approval: " : "",
			       v->self_approved ? ui_safe(v->sig[CERT_ROLE_APPROVER].self_reason) :
						  "",
			       v->self_approved ? ")" : "");
		else
			printf("%s: %s: %s\n", ui_safe(path), name, ui_safe(why));
		if (!code && why[0])
			printf("%s: device: %s\n", ui_safe(path), ui_safe(why));
		return;
	}
	o = json_pack("{s:o,s:s,s:s,s:i,s:o,s:o,s:o,s:o}", "file", json_text(path), "id", v->id,
		      "verdict", code ? name : "valid", "exit", code, "why", json_text(why),
		      "operator", signer_json(v, CERT_ROLE_OPERATOR, op_ok), "approver",
		      signer_json(v, CERT_ROLE_APPROVER, v->approved), "self_approval",
		      v->self_approved ? json_text(v->sig[CERT_ROLE_APPROVER].self_reason) :
					 json_null());
	if (!o || ui_print_json(stdout, o))
		ui_err("%s: cannot print the result", ui_safe(path));
	json_decref(o);
}

static int verify_one(const char *path, const struct cert_trust *t, const struct verify_opts_cli *o)
{
	struct cert_verification v = { 0 };
	char dwhy[512] = "";
	int code, r = cert_verify_file(path, t, o->flags, &v);

	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	code = verdict_exit(v.verdict);
	if (!code && o->device)
		code = check_device(v.doc, o->device, dwhy, sizeof(dwhy));
	print_result(path, &v, code, o->device && !v.verdict ? dwhy : v.why, o->json);
	cert_verification_free(&v);
	return code;
}

static int verify_help(void)
{
	printf("usage: kesu cert verify FILE... [--trust DIR] [--require-approval] [--device DEV]"
	       " [--json]\n\n"
	       "Check certificates offline: canonical form, the operator's and the approver's\n"
	       "signatures by keys trusted for those roles, Art. 6, and the result; one line each.\n\n"
	       "      --trust DIR          trusted public keys (default " TRUST_DIR ")\n"
	       "      --trust-ca FILE      CA certificates that CMS (.p7s) signers chain to\n"
	       "      --require-approval   a certificate without an approval is not valid\n"
	       "      --device DEV         DEV must be the certified device and still read as\n"
	       "                           erased (serial, size, a sampled read-back)\n"
	       "      --json               one JSON object per line\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, verify_exits, sizeof(verify_exits) / sizeof(verify_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int cert_cmd_verify(int argc, char **argv)
{
	enum { OPT_TRUST = 0x400, OPT_REQUIRE, OPT_DEVICE, OPT_JSON, OPT_CA };
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "require-approval", no_argument, NULL, OPT_REQUIRE },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_opts_cli o = { 0 };
	struct cert_trust *t = NULL;
	bool help = false;
	int c, code = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TRUST: o.trust = optarg; break;
		case OPT_CA: o.trust_ca = optarg; break;
		case OPT_REQUIRE: o.flags |= CERT_REQUIRE_APPROVAL; break;
		case OPT_DEVICE: o.device = optarg; break;
		case OPT_JSON: o.json = true; break;
		case 'h': help = true; break;
		default: return ui_option_error("cert verify", c, argv, opts);
		}
	}
	if (help)
		return verify_help();
	if (optind >= argc)
		return ui_usage_error("cert verify", "no certificate given");
	if (o.device && argc - optind > 1)
		return ui_usage_error("cert verify", "--device checks one certificate");
	code = certsign_trust(o.trust, o.trust_ca, &t);
	if (code)
		return code;
	/* every file gets its line; the exit status is the worst verdict */
	for (int i = optind; i < argc; i++)
		code = ui_exit_worst(code, verify_one(argv[i], t, &o));
	cert_trust_free(t);
	return code;
}

/* ---- the dispatcher ---- */

static const struct ui_command subs[] = {
	{ "issue", cert_cmd_issue, "", "sign the certificate of an erasure report (operator)" },
	{ "approve", cert_cmd_approve, "", "approve a certificate with a second person's key" },
	{ "verify", cert_cmd_verify, "", "check certificates offline, one line each" },
	{ "show", cert_cmd_show, "", "print a certificate for people (text, HTML, JSON)" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_cert(int argc, char **argv)
{
	return ui_dispatch("cert", subs, argc, argv);
}
