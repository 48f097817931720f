// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu inspect: removable media attached here against the register and the
 * media policy, or the register alone (policy Art. 44-46); findings as a
 * table or JSON, and, when signed, a kesu-inspection/1 record in the chain.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypt/media.h"
#include "conffile.h"
#include "devinfo.h"
#include "inspect_cmd.h"
#include "jsonutil.h"
#include "kesu.h"

static const int inspect_exits[] = { KESU_EXIT_SUCCESS, KESU_EXIT_FINDINGS, KESU_EXIT_FAILURE,
				     KESU_EXIT_USAGE,	KESU_EXIT_LEDGER,   KESU_EXIT_NO_KEY };

static int inspect_help(void)
{
	fputs("usage: kesu inspect [DEVICE...] [--register] [--json] [--sign-key KEY]\n"
	      "                    [--ledger PATH] [--days N] [--cert-days N]\n"
	      "       kesu inspect --export ID [--json] [-o FILE] [--ledger PATH]\n"
	      "\n"
	      "Inspect removable media (every one attached, or the DEVICEs named) against the\n"
	      "register and the media policy, or with --register the register alone; with\n"
	      "--sign-key, record the signed inspection in the register.\n"
	      "\n"
	      "Options:\n"
	      "  --register           the register alone: loans past their date, missing\n"
	      "                       certificates, media not inspected\n"
	      "  --days N             inspected within N days (default [policy] inspect_days,\n"
	      "                       else " CONFIG_INSPECT_DAYS_TEXT ")\n"
	      "  --cert-days N        a certificate within N days of disposal approval (30)\n"
	      "  --json               print JSON instead of a table\n"
	      "  --sign-key KEY       sign the record as inspector and keep it in the register;\n"
	      "                       without it nothing is recorded\n"
	      "  --passphrase-file F  --passphrase-fd N   the key's passphrase, for batch use\n"
	      "  --export ID          the recorded inspection ID, for the report upward\n"
	      "  -o FILE              with --export: write it to FILE, its signature to\n"
	      "                       FILE.inspector.minisig\n"
	      "  --ledger PATH        the register (default [ledger] url or path, " LEDGER_DEFAULT_PATH
	      ")\n"
	      "  -h, --help           show this help\n\n",
	      stdout);
	ui_print_exit_status(stdout, inspect_exits,
			     sizeof(inspect_exits) / sizeof(inspect_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int count_arg(const char *opt, const char *arg, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v > 36500 || *arg == '-' || *arg == '+')
		return ui_usage_error("inspect", "%s '%s': a number of days, 0 to 36500", opt,
				      ui_safe(arg));
	*out = (unsigned)v;
	return 0;
}

static int inspect_check(struct inspect_opts *o, int argc, char **argv)
{
	if (o->help)
		return 0;
	o->devices = argv + optind;
	o->ndevices = argc - optind;
	if (o->export_id && (o->ndevices || o->register_only || o->cs.sign_key))
		return ui_usage_error("inspect",
				      "--export takes no device, --register or --sign-key");
	if (o->output && !o->export_id)
		return ui_usage_error("inspect", "-o goes with --export");
	if (o->register_only && o->ndevices)
		return ui_usage_error("inspect",
				      "--register inspects the register alone: no DEVICE");
	if (!*o->ledger)
		return ui_usage_error("inspect", "--ledger: empty path");
	return 0;
}

static int inspect_parse(int argc, char **argv, struct inspect_opts *o)
{
	enum { O_REGISTER = 256, O_JSON, O_DAYS, O_CERT_DAYS, O_EXPORT, O_LEDGER, O_DEBUG };
	static const struct option longopts[] = {
		{ "register", no_argument, NULL, O_REGISTER },
		{ "json", no_argument, NULL, O_JSON },
		{ "days", required_argument, NULL, O_DAYS },
		{ "cert-days", required_argument, NULL, O_CERT_DAYS },
		{ "export", required_argument, NULL, O_EXPORT },
		{ "ledger", required_argument, NULL, O_LEDGER },
		{ "sign-key", required_argument, NULL, CS_SIGN_KEY },
		{ "passphrase-file", required_argument, NULL, CS_PASS_FILE },
		{ "passphrase-fd", required_argument, NULL, CS_PASS_FD },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r = 0;

	optind = 0;
	opterr = 0;
	while (r == 0 && (c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case O_REGISTER: o->register_only = true; break;
		case O_JSON: o->json = true; break;
		case O_DAYS: r = count_arg("--days", optarg, &o->days); break;
		case O_CERT_DAYS: r = count_arg("--cert-days", optarg, &o->cert_days); break;
		case O_EXPORT: o->export_id = optarg; break;
		case O_LEDGER: o->ledger = optarg; break;
		case O_DEBUG: ui_debug = true; break;
		case 'o': o->output = optarg; break;
		case 'h': o->help = true; break;
		case CS_SIGN_KEY:
		case CS_PASS_FILE:
		case CS_PASS_FD: r = certsign_opt(c, optarg, "inspect", &o->cs); break;
		default: return ui_option_error("inspect", c, argv, longopts);
		}
	}
	return r ? r : inspect_check(o, argc, argv);
}

/* The time the inspection is made at; in test builds KESU_TEST_NOW sets it. */
static int inspect_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

#ifdef KESU_TEST_HOOKS
	const char *v = getenv("KESU_TEST_NOW");

	if (v && *v) {
		long d;

		if (strlen(v) != 20 || inspect_days_between(v, v, &d))
			return ui_usage_error("inspect", "KESU_TEST_NOW: not YYYY-MM-DDTHH:MM:SSZ");
		snprintf(out, 32, "%s", v);
		return 0;
	}
#endif
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

/* The serial a device reports; in test builds KESU_TEST_SERIAL="PATH=SERIAL,..." gives one. */
static const char *device_serial(const struct dev_info *d, char *buf, size_t len)
{
#ifdef KESU_TEST_HOOKS
	const char *v = getenv("KESU_TEST_SERIAL");
	size_t pl = strlen(d->path);

	for (const char *p = v; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, d->path, pl) && p[pl] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + pl + 1, ","), p + pl + 1);
			return buf;
		}
#else
	(void)buf, (void)len;
#endif
	return d->serial;
}

static int one_device(const struct asset_set *s, const struct dev_info *d,
		      struct inspect_result *res)
{
	struct luks_info li;
	struct media_verdict v;
	struct inspect_device dev = { .path = d->path };
	const struct asset *a;
	char serial[256];
	int r = media_status(d->path, &li, &v);

	dev.serial = device_serial(d, serial, sizeof(serial));
	dev.encrypted = r == 0 ? 1 : r == -EMEDIUMTYPE ? 0 : -1;
	dev.compliant = r == 0 && v.compliant;
	dev.why = r == 0 ? (v.nreasons ? v.reasons[0] : NULL) : r < 0 ? strerror(-r) : NULL;
	dev.label = r == 0 ? li.label : NULL;
	r = inspect_device(s, &dev, res->findings, res->inspected, &a);
	if (r == 0 && a)
		res->tags[res->ntags++] = a->tag;
	if (r == 0 && json_array_append_new(res->devices, json_text(d->path)))
		r = -ENOMEM;
	return r;
}

/* The media named, or every removable one attached (removable, USB or MMC). */
static int inspect_devices(const struct inspect_opts *o, const struct asset_set *s,
			   struct inspect_result *res)
{
	struct dev_info *list = NULL;
	size_t n = 0;
	int r = 0;

	if (o->ndevices) {
		list = calloc((size_t)o->ndevices, sizeof(*list));
		if (!list)
			return ui_exit(-ENOMEM, UI_CTX_NONE);
		for (; r == 0 && n < (size_t)o->ndevices; n++)
			if ((r = devinfo_get(o->devices[n], &list[n])) < 0)
				r = ui_open_error(o->devices[n], r);
	} else if ((r = devinfo_list(&list, &n)) < 0) {
		ui_err("cannot list the block devices: %s", strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	res->tags = r ? NULL : calloc(n ? n : 1, sizeof(*res->tags));
	if (!r && !res->tags)
		r = ui_exit(-ENOMEM, UI_CTX_NONE);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (o->ndevices || devinfo_removable(&list[i]))
			if ((r = one_device(s, &list[i], res)) < 0)
				r = ui_exit(r, UI_CTX_NONE);
	devinfo_list_free(list, n);
	return r;
}

static int run(const struct inspect_opts *o, struct ledger *l, const struct cert_signer *signer,
	       struct inspect_result *res)
{
	struct inspect_periods p = { .now = res->now, .days = o->days, .cert_days = o->cert_days };
	struct asset_set *s = NULL;
	json_t *record = NULL;
	int r = asset_load(l, NULL, true, &s), code;

	if (r < 0) {
		ui_err("%s: %s", ui_safe(o->ledger),
		       r == -EBADMSG ? "the register's events do not replay (kesu ledger verify "
				       "says where)" :
				       strerror(-r));
		return r == -EBADMSG ? KESU_EXIT_LEDGER : ui_exit(r, UI_CTX_NONE);
	}
	if (o->register_only)
		code = inspect_register(s, &p, res->findings) < 0 ? ui_exit(-ENOMEM, UI_CTX_NONE) :
								    0;
	else
		code = inspect_devices(o, s, res);
	if (!code && signer)
		code = inspect_sign_record(o, l, signer, res, &record);
	if (!code)
		code = inspect_print(o, res, record);
	if (!code && !signer)
		fprintf(stderr, "kesu: inspect: not recorded: no --sign-key\n");
	json_decref(record);
	asset_set_free(s);
	if (!code && json_array_size(res->findings))
		code = KESU_EXIT_FINDINGS;
	return code;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_opts o = { .ledger = ui_ledger_location(), .cert_days = 30 };
	struct inspect_result res = { 0 };
	struct cert_signer *signer = NULL;
	struct ledger *l = NULL;
	int code, r;

	o.cs.pass.fd = -1;
	/* [policy] inspect_days, which --days overrides */
	o.days = config_days(&ui_config()->policy_inspect_days, CONFIG_INSPECT_DAYS);
	code = inspect_parse(argc, argv, &o);
	if (code || o.help)
		return code ? code : inspect_help();
	if (!o.export_id && o.cs.sign_key)
		code = certsign_load(&o.cs, CERT_ROLE_INSPECTOR, &signer);
	if (!code)
		code = inspect_now(res.now);
	if (!code && (r = ledger_open(&l, o.ledger, o.cs.sign_key ? 0 : LEDGER_RDONLY)) < 0) {
		ui_err("%s: %s", ui_safe(o.ledger),
		       r == -ENOENT  ? "no ledger there" :
		       r == -EBADMSG ? "not a kesu ledger" :
				       strerror(-r));
		code = r == -EBADMSG || r == -EPROTO ? KESU_EXIT_LEDGER : ui_exit(r, UI_CTX_NONE);
	}
	res.findings = json_array();
	res.inspected = json_array();
	res.devices = json_array();
	if (!code && (!res.findings || !res.inspected || !res.devices))
		code = ui_exit(-ENOMEM, UI_CTX_NONE);
	if (!code)
		code = o.export_id ? inspect_export(&o, l) : run(&o, l, signer, &res);
	ledger_close(l);
	cert_signer_free(signer);
	json_decref(res.findings);
	json_decref(res.inspected);
	json_decref(res.devices);
	free(res.tags);
	return code;
}
