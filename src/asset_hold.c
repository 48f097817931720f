// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu asset hold and kesu asset release: `kesu request create hold|release`
 * and `kesu asset apply` in one step, with the same request, the same
 * signature and the same event. A hold takes effect on its applicant's
 * signature (policy Art. 97.2: the device is frozen at once, and a hold
 * changes nothing); a release gives the evidence back to erasure, so it is
 * written as a request that another person approves (Art. 6) before
 * `kesu asset apply` records it.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "asset_cmd.h"
#include "conffile.h"
#include "kesu.h"

static const int hold_exits[] = {
	KESU_EXIT_SUCCESS,	KESU_EXIT_FAILURE,   KESU_EXIT_USAGE,	      KESU_EXIT_REFUSED,
	KESU_EXIT_ABORTED,	KESU_EXIT_MALFORMED, KESU_EXIT_BAD_SIGNATURE, KESU_EXIT_UNTRUSTED,
	KESU_EXIT_NOT_APPROVED, KESU_EXIT_LEDGER,    KESU_EXIT_NO_KEY,
};

struct hold_opts {
	struct certsign_opts cs;
	const char *tag, *reason, *output, *ledger, *trust, *trust_ca;
	bool help;
};

static int hold_help(enum request_kind kind)
{
	bool hold = kind == REQUEST_HOLD;

	printf("usage: kesu asset %s TAG --reason TEXT --sign-key KEY -o FILE\n"
	       "       [--passphrase-file F | --passphrase-fd N]%s\n\n",
	       hold ? "hold" : "release", hold ? " [--trust DIR] [--ledger PATH]" : "");
	if (hold)
		fputs("Put an asset on hold (policy Art. 97.2): write a signed hold request to FILE,\n"
		      "as `kesu request create hold` does, and record it in the register at once,\n"
		      "as `kesu asset apply` does. A hold takes effect on its applicant's\n"
		      "signature; erase, media format and luks-crypto-erase then refuse the asset.\n\n",
		      stdout);
	else
		fputs("Ask for a hold to be released: write a signed release request to FILE, as\n"
		      "`kesu request create release` does. Nothing is recorded yet: a release\n"
		      "needs the approval of another person (kesu request approve FILE), then\n"
		      "`kesu asset apply FILE` records it.\n\n",
		      stdout);
	fputs("Options:\n"
	      "  --reason TEXT        why (signed, recorded with the event)\n"
	      "  --sign-key KEY       the applicant's key (an operator key)\n"
	      "  --sign-cert CERT.pem with --sign-key KEY.pem: a CMS signature (.p7s)\n"
	      "  --passphrase-file F  --passphrase-fd N   the key's passphrase, for batch use\n"
	      "  -o, --output FILE    the request (never replaced); its signature beside it\n",
	      stdout);
	if (hold)
		fputs("  --trust DIR          --trust-ca FILE   whom to trust (kesu-cert(8))\n"
		      "  --ledger PATH        the register (default [ledger] url or path, " LEDGER_DEFAULT_PATH
		      ")\n",
		      stdout);
	fputs("  -h, --help           show this help\n", stdout);
	ui_print_exit_status(stdout, hold_exits, sizeof(hold_exits) / sizeof(hold_exits[0]));
	return KESU_EXIT_SUCCESS;
}

static int hold_check(const char *cmd, enum request_kind kind, struct hold_opts *o, int argc,
		      char **argv)
{
	if (o->help)
		return 0;
	if (optind != argc - 1)
		return ui_usage_error("asset", "%s: give one asset tag", cmd);
	o->tag = argv[optind];
	if (!o->reason || !o->cs.sign_key || !o->output)
		return ui_usage_error("asset", "%s: --reason, --sign-key and -o are required", cmd);
	if (kind == REQUEST_RELEASE && (o->trust || o->trust_ca || o->ledger))
		return ui_usage_error("asset",
				      "%s: records nothing until approved: --trust, --trust-ca and "
				      "--ledger go with kesu asset apply",
				      cmd);
	if (o->ledger && !*o->ledger)
		return ui_usage_error("asset", "%s: --ledger: empty path", cmd);
	return 0;
}

static int hold_parse(const char *cmd, enum request_kind kind, int argc, char **argv,
		      struct hold_opts *o)
{
	enum { O_REASON = 0x400, O_LEDGER, O_TRUST, O_CA, O_DEBUG };
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, O_REASON },
		{ "ledger", required_argument, NULL, O_LEDGER },
		{ "trust", required_argument, NULL, O_TRUST },
		{ "trust-ca", required_argument, NULL, O_CA },
		{ "output", required_argument, NULL, 'o' },
		{ "sign-key", required_argument, NULL, CS_SIGN_KEY },
		{ "sign-cert", required_argument, NULL, CS_SIGN_CERT },
		{ "passphrase-file", required_argument, NULL, CS_PASS_FILE },
		{ "passphrase-fd", required_argument, NULL, CS_PASS_FD },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r = 0;

	*o = (struct hold_opts){ .cs.pass.fd = -1 };
	optind = 0;
	opterr = 0;
	while (!r && (c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case O_REASON: r = ui_text_field(cmd, "reason", optarg, 400, &o->reason); break;
		case O_LEDGER: o->ledger = optarg; break;
		case O_TRUST: o->trust = optarg; break;
		case O_CA: o->trust_ca = optarg; break;
		case O_DEBUG: ui_debug = true; break;
		case 'o': o->output = optarg; break;
		case 'h': o->help = true; break;
		default:
			r = certsign_opt(c, optarg, cmd, &o->cs);
			if (r < 0)
				r = ui_option_error("asset", c, argv, opts);
		}
	}
	return r ? r : hold_check(cmd, kind, o, argc, argv);
}

static int hold_run(enum request_kind kind, int argc, char **argv)
{
	const char *cmd = kind == REQUEST_HOLD ? "asset hold" : "asset release";
	struct hold_opts o;
	int code = hold_parse(cmd, kind, argc, argv, &o);

	if (code || o.help)
		return code ? code : hold_help(kind);
	if (!o.ledger)
		o.ledger = ui_ledger_location();
	code = request_create_file(kind, o.tag, o.reason, &o.cs, o.output);
	if (code || kind == REQUEST_HOLD)
		return code ? code : asset_apply_file(o.output, o.ledger, o.trust, o.trust_ca);
	fprintf(stderr,
		"kesu: %s: not recorded: a release needs another person's approval: kesu request "
		"approve %s, then kesu asset apply %s\n",
		ui_safe(o.tag), ui_safe(o.output), ui_safe(o.output));
	return KESU_EXIT_SUCCESS;
}

int asset_cmd_hold(int argc, char **argv)
{
	return hold_run(REQUEST_HOLD, argc, argv);
}

int asset_cmd_release(int argc, char **argv)
{
	return hold_run(REQUEST_RELEASE, argc, argv);
}
