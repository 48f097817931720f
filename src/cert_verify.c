// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu cert verify: check certificates offline, one line (or one JSON
 * object) each, and with --device whether a device is still the certified
 * one and still reads as erased.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cert/certfile.h"
#include "cert/machine_summary.h"
#include "cert/pdf.h"
#include "cert_verify.h"
#include "certsign.h"
#include "dev.h"
#include "devinfo.h"
#include "file.h"
#include "jsonutil.h"
#include "kesu.h"
#include "pattern.h"
#include "secmem.h"
#include "verify/verify.h"

static const int verify_exits[] = {
	KESU_EXIT_SUCCESS,	  KESU_EXIT_FAILURE,	   KESU_EXIT_USAGE,
	KESU_EXIT_MALFORMED,	  KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED,
	KESU_EXIT_NOT_APPROVED,	  KESU_EXIT_NOT_ERASED,	   KESU_EXIT_DEVICE_MISMATCH,
	KESU_EXIT_NOT_IDENTIFIED,
};

int cert_cli_verdict_exit(enum cert_verdict v)
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

struct verify_opts_cli {
	const char *trust, *trust_ca;
	unsigned flags;
	const char *device;
	const char *dir; /* --dir: a machine summary's certificates are here */
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
			 "the last pass was %s, which cannot be read back without its key",
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
		snprintf(why, len, "%llu sampled bytes read back as %s",
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
	const char *last = cert_last_pattern(doc);
	char id[192], back[256];
	struct dev_info info;
	int code, r = devinfo_get(device, &info);

	if (r) {
		snprintf(why, len, "%s: %s", device, strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	r = cert_device_check(doc, &info, id, sizeof(id));
	devinfo_free(&info);
	if (r == -ENODEV) {
		snprintf(why, len, "%s", id);
		return KESU_EXIT_DEVICE_MISMATCH;
	}
	code = device_reads_erased(device, last ? last : "random", back, sizeof(back));
	if (code) {
		snprintf(why, len, "%s", back);
		return code;
	}
	/* reading as erased proves no identity: any blank device of that size would */
	snprintf(why, len, "%s; %s", r ? id : "identity matches", back);
	return r ? KESU_EXIT_NOT_IDENTIFIED : 0;
}

static json_t *signer_json(const struct cert_verification *v, enum cert_role role, bool ok)
{
	const struct cert_sig_check *s = &v->sig[role];

	if (!ok)
		return json_null();
	return json_pack("{s:o,s:s,s:s,s:s,s:b}", "name", json_text(s->name), "key_id", s->key_id,
			 "fingerprint", s->fpr, "time", s->time, "contractor", s->contractor);
}

/* a signer's key as people compare it: the fingerprint, else (X.509) the key id */
static const char *key_label(const struct cert_sig_check *s)
{
	return s->fpr[0] ? s->fpr : s->key_id;
}

static void print_result(const char *path, const struct cert_verification *v, int code,
			 const char *why, bool json)
{
	const char *name = code == KESU_EXIT_DEVICE_MISMATCH ? "device-mismatch" :
			   code == KESU_EXIT_NOT_IDENTIFIED  ? "not-identified" :
							       cert_verdict_name(v->verdict);
	bool op_ok = v->verdict == CERT_VALID || v->verdict >= CERT_NOT_APPROVED;
	json_t *o;

	if (!json) {
		if (!code)
			printf("%s: valid: certificate %s, %s %s, %s%s%s%s%s; operator key "
			       "%s%s%s\n",
			       ui_safe(path), v->id,
			       v->sig[CERT_ROLE_OPERATOR].contractor ? "contractor" : "operator",
			       ui_safe(v->sig[CERT_ROLE_OPERATOR].name),
			       v->approved ? "approver " : "not approved",
			       v->approved ? ui_safe(v->sig[CERT_ROLE_APPROVER].name) : "",
			       v->self_approved ? " (self-approval: " : "",
			       v->self_approved ? ui_safe(v->sig[CERT_ROLE_APPROVER].self_reason) :
						  "",
			       v->self_approved ? ")" : "", key_label(&v->sig[CERT_ROLE_OPERATOR]),
			       v->approved ? ", approver key " : "",
			       v->approved ? key_label(&v->sig[CERT_ROLE_APPROVER]) : "");
		else
			printf("%s: %s: %s\n", ui_safe(path), name, ui_safe(why));
		if (!code && why[0])
			printf("%s: device: %s\n", ui_safe(path), ui_safe(why));
		/* e.g. a key retired since, judged by the time its signature claims */
		if (!code && v->note[0])
			printf("%s: %s\n", ui_safe(path), ui_safe(v->note));
		/* the approved disposal request the erasure fulfils (kesu-certificate(5)) */
		if (!code && cert_get_string(v->doc, "request.id"))
			printf("%s: fulfils request %s (sha256 %s)\n", ui_safe(path),
			       cert_get_string(v->doc, "request.id"),
			       cert_get_string(v->doc, "request.sha256"));
		return;
	}
	o = json_pack("{s:o,s:s,s:s,s:i,s:o,s:o,s:o,s:o}", "file", json_text(path), "id", v->id,
		      "verdict", code ? name : "valid", "exit", code, "why", json_text(why),
		      "operator", signer_json(v, CERT_ROLE_OPERATOR, op_ok), "approver",
		      signer_json(v, CERT_ROLE_APPROVER, v->approved), "self_approval",
		      v->self_approved ? json_text(v->sig[CERT_ROLE_APPROVER].self_reason) :
					 json_null());
	if (o && cert_get(v->doc, "request") &&
	    json_object_set_new(o, "request", json_deep_copy(cert_get(v->doc, "request"))))
		json_decref(o), o = NULL;
	if (!o || ui_print_json(stdout, o))
		ui_err("%s: cannot print the result", ui_safe(path));
	json_decref(o);
}

static void print_summary(const char *path, const struct cert_verification *v, int code, bool json);

/*
 * a machine's document (kesu cert pdf --machine): its own line (structure,
 * signature, the summary's list), then one per attached certificate,
 * labelled PATH: NAME; the exit status is the worst. 1 when @path is no
 * machine's document, else 0 with *@code set.
 */
static int verify_machine(const char *path, const struct cert_trust *t,
			  const struct verify_opts_cli *o, int *code)
{
	struct cert_pdf_machine_verification *mv = calloc(1, sizeof(*mv));
	char *buf = NULL, label[600];
	size_t len = 0;
	int r = mv ? file_read(path, CERT_PDF_MAX, &buf, &len) : -ENOMEM;

	if (!r)
		r = cert_pdf_verify_machine_mem(buf, len, o->trust_ca, t, o->flags, mv);
	free(buf);
	if (!r && !mv->machine) {
		free(mv);
		return 1;
	}
	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		*code = ui_exit(r, UI_CTX_CERT);
		free(mv);
		return 0;
	}
	*code = cert_cli_verdict_exit(mv->pdf.verdict);
	if (*code || o->json)
		print_result(path, &mv->pdf, *code, mv->pdf.why, o->json);
	else
		printf("%s: valid: a machine's document, %zu certificates, signed over the whole "
		       "file\n",
		       ui_safe(path), mv->n);
	/* the attached summary, as kesu cert verify of the summary's file says it */
	if (mv->summary && !mv->pdf.verdict) {
		int c = cert_cli_verdict_exit(mv->sum.verdict);

		snprintf(label, sizeof(label), "%s: %s", path, mv->sum_name);
		print_summary(label, &mv->sum, c, o->json);
		*code = ui_exit_worst(*code, c);
	}
	for (size_t i = 0; i < mv->n; i++) {
		int c = cert_cli_verdict_exit(mv->cert[i].verdict);

		snprintf(label, sizeof(label), "%s: %s", path, mv->name[i]);
		print_result(label, &mv->cert[i], c, mv->cert[i].why, o->json);
		*code = ui_exit_worst(*code, c);
	}
	cert_pdf_machine_verification_free(mv);
	free(mv);
	return 0;
}

int cert_cli_find_cert(const char *dir, const char *id, char path[PATH_MAX])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = -ENOENT;

	if (!d)
		return -errno;
	while (r == -ENOENT && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *buf = NULL;
		size_t len;
		json_t *doc;

		if (n < 6 || strcmp(e->d_name + n - 5, ".json") ||
		    snprintf(path, PATH_MAX, "%s/%s", dir, e->d_name) >= PATH_MAX ||
		    file_read(path, CERT_FILE_MAX, &buf, &len))
			continue;
		doc = json_loadb(buf, len, 0, NULL);
		free(buf);
		if (!strcmp(cert_get_string(doc, "format") ? cert_get_string(doc, "format") : "",
			    "kesu-certificate/1") &&
		    !strcmp(cert_get_string(doc, "id") ? cert_get_string(doc, "id") : "", id))
			r = 0;
		json_decref(doc);
	}
	closedir(d);
	return r;
}

/* One listed drive's certificate, found in --dir: present, valid, and the drive's. */
static int summary_cert(const char *sum_path, const json_t *sum, const json_t *drive,
			const struct cert_trust *t, const struct verify_opts_cli *o)
{
	const char *id = json_string_value(json_object_get(drive, "certificate"));
	struct cert_verification v = { 0 };
	char label[PATH_MAX + 64], path[PATH_MAX], why[256];
	int code, r;

	if (!id)
		return 0; /* no certificate was made: the summary's result says so */
	snprintf(label, sizeof(label), "%s: certificate %s", sum_path, id);
	r = cert_cli_find_cert(o->dir, id, path);
	if (!r)
		r = cert_verify_file(path, t, o->flags, &v);
	if (r) {
		ui_err("%s: %s: %s", ui_safe(label), ui_safe(o->dir),
		       r == -ENOENT ? "not found" : strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	code = cert_cli_verdict_exit(v.verdict);
	/* a failed drive's certificate is valid proof of that failure: its own line says so */
	if (v.verdict == CERT_NOT_ERASED)
		code = 0;
	if (!code && cert_machine_drive_match(sum, drive, v.doc, why, sizeof(why))) {
		code = KESU_EXIT_DEVICE_MISMATCH;
		snprintf(v.why, sizeof(v.why), "not the summary's drive: %s", why);
	}
	snprintf(label, sizeof(label), "%s: %s", sum_path, path);
	print_result(label, &v, code ? code : cert_cli_verdict_exit(v.verdict), v.why, o->json);
	cert_verification_free(&v);
	return code;
}

static void print_summary(const char *path, const struct cert_verification *v, int code, bool json)
{
	const json_t *m = json_object_get(v->doc, "machine");
	size_t n = json_array_size(json_object_get(v->doc, "drives"));
	json_t *o;

	if (!json) {
		if (code)
			printf("%s: %s: %s\n", ui_safe(path), cert_verdict_name(v->verdict),
			       ui_safe(v->why));
		else
			printf("%s: valid: machine summary %s, serial %s, uuid %s, %zu drives, all "
			       "erased; operator %s, key %s\n",
			       ui_safe(path), v->id, ui_safe(cert_get_string(m, "serial")),
			       ui_safe(cert_get_string(m, "uuid")), n,
			       ui_safe(v->sig[CERT_ROLE_OPERATOR].name),
			       v->sig[CERT_ROLE_OPERATOR].fpr[0] ?
				       v->sig[CERT_ROLE_OPERATOR].fpr :
				       v->sig[CERT_ROLE_OPERATOR].key_id);
		return;
	}
	o = json_pack("{s:o,s:s,s:s,s:s,s:i,s:o,s:I,s:o}", "file", json_text(path), "kind",
		      "machine", "id", v->id, "verdict", cert_verdict_name(v->verdict), "exit",
		      code, "why", json_text(v->why), "drives", (json_int_t)n, "operator",
		      v->verdict == CERT_VALID || v->verdict == CERT_NOT_ERASED ?
			      json_pack("{s:o,s:s,s:s,s:s}", "name",
					json_text(v->sig[CERT_ROLE_OPERATOR].name), "key_id",
					v->sig[CERT_ROLE_OPERATOR].key_id, "fingerprint",
					v->sig[CERT_ROLE_OPERATOR].fpr, "time",
					v->sig[CERT_ROLE_OPERATOR].time) :
			      json_null());
	if (!o || ui_print_json(stdout, o))
		ui_err("%s: cannot print the result", ui_safe(path));
	json_decref(o);
}

/*
 * A kesu-machine/1 summary: its own line, then with --dir one per listed
 * certificate. 1 when @path is no summary, else 0 with *@code set.
 */
static int verify_summary(const char *path, const struct cert_trust *t,
			  const struct verify_opts_cli *o, int *code)
{
	struct cert_verification v;
	int r = cert_machine_verify_file(path, t, &v);
	size_t i;
	json_t *d;

	if (r == -EMEDIUMTYPE)
		return 1;
	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		*code = ui_exit(r, UI_CTX_CERT);
		return 0;
	}
	*code = cert_cli_verdict_exit(v.verdict);
	print_summary(path, &v, *code, o->json);
	if (o->dir && (v.verdict == CERT_VALID || v.verdict == CERT_NOT_ERASED))
		json_array_foreach(json_object_get(v.doc, "drives"), i, d) *code =
			ui_exit_worst(*code, summary_cert(path, v.doc, d, t, o));
	cert_verification_free(&v);
	return 0;
}

static int verify_one(const char *path, const struct cert_trust *t, const struct verify_opts_cli *o)
{
	struct cert_verification v = { 0 };
	char dwhy[512] = "";
	size_t n = strlen(path);
	/* a printable certificate: its signature, then the certificate attached to it */
	bool pdf = n > 4 && !strcasecmp(path + n - 4, ".pdf");
	int code, r;

	if (pdf && !o->device && !verify_machine(path, t, o, &code))
		return code;
	if (!pdf && !o->device && !verify_summary(path, t, o, &code))
		return code;
	r = pdf ? cert_pdf_verify_file(path, o->trust_ca, t, o->flags, &v) :
		  cert_verify_file(path, t, o->flags, &v);

	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return ui_exit(r, UI_CTX_CERT);
	}
	code = cert_cli_verdict_exit(v.verdict);
	if (!code && o->device)
		code = check_device(v.doc, o->device, dwhy, sizeof(dwhy));
	print_result(path, &v, code, o->device && !v.verdict ? dwhy : v.why, o->json);
	cert_verification_free(&v);
	return code;
}

static int verify_help(void)
{
	printf("usage: kesu cert verify FILE... [--trust DIR] [--require-approval] [--device DEV]"
	       " [--dir DIR] [--json]\n\n"
	       "Check certificates offline: canonical form, the operator's and the approver's\n"
	       "signatures by keys trusted for those roles, Art. 6, and the result; one line each.\n"
	       "A machine summary (kesu-machine/1) is checked the same way.\n\n"
	       "      --trust DIR          trusted public keys (default " TRUST_DIR ")\n"
	       "      --trust-ca FILE      CA certificates that CMS (.p7s) signers chain to\n"
	       "      --require-approval   a certificate without an approval is not valid\n"
	       "      --device DEV         DEV must be the certified device and still read as\n"
	       "                           erased (serial or WWN, size, a sampled read-back)\n"
	       "      --dir DIR            a machine summary's certificates are in DIR: each\n"
	       "                           listed one must be there, valid, and its drive's\n"
	       "      --json               one JSON object per line\n"
	       "  -h, --help\n\n");
	ui_print_exit_status(stdout, verify_exits, sizeof(verify_exits) / sizeof(verify_exits[0]));
	return KESU_EXIT_SUCCESS;
}

int cert_cmd_verify(int argc, char **argv)
{
	enum { OPT_TRUST = 0x400, OPT_REQUIRE, OPT_DEVICE, OPT_JSON, OPT_CA, OPT_DIR };
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, OPT_TRUST },
		{ "trust-ca", required_argument, NULL, OPT_CA },
		{ "require-approval", no_argument, NULL, OPT_REQUIRE },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "dir", required_argument, NULL, OPT_DIR },
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
		case OPT_DIR: o.dir = optarg; break;
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
