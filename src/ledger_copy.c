// SPDX-License-Identifier: GPL-2.0-or-later
/* kesu ledger copy: an SQLite ledger moved to the PostgreSQL server, row for row. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "certsign.h"
#include "kesu.h"
#include "ledger_cmd.h"

/* ledger_open_ui() on @path instead of --ledger. Return: 0 or the exit code */
static int open_side(const struct ledger_opts *o, const char *path, unsigned flags,
		     struct ledger **l)
{
	struct ledger_opts side = *o;
	int r;

	side.path = path;
	r = ledger_open_ui(&side, flags, l);
	return r < 0 ? ui_exit(r, UI_CTX_NONE) : 0;
}

int ledger_cmd_copy(int argc, char **argv)
{
	static const struct action a = {
		.copy = true,
		.options =
			"  --from FILE.db the ledger to copy (SQLite)\n"
			"  --to URL       the empty ledger it goes to (created if missing)\n" TRUST_HELP,
	};
	struct ledger *from = NULL, *to = NULL;
	struct cert_trust *ct = NULL;
	struct ledger_trust t = { 0 };
	struct ledger_copied done;
	struct ledger_opts o;
	char why[600];
	int r = ledger_args(argc, argv, &a, &o);

	if (r >= 0 || (r = certsign_trust(o.trust, o.trust_ca, &ct)))
		return r;
	if (!strcmp(o.from, o.to)) {
		cert_trust_free(ct);
		return ui_usage_error("ledger", "ledger copy: --from and --to are the same ledger");
	}
	if ((r = open_side(&o, o.from, LEDGER_RDONLY, &from)) ||
	    (r = open_side(&o, o.to, LEDGER_CREATE, &to)))
		goto out;
	t.trust = ct;
	r = ledger_copy(from, to, ledger_cert_verdict, &t, &done, why, sizeof(why));
	if (r < 0) {
		ui_err("%s: not copied to %s: %s", ui_safe(o.from), ui_safe(o.to), ui_safe(why));
		/* a chain that does not verify is 15, as in verify */
		r = ui_exit(r, UI_CTX_LEDGER);
		goto out;
	}
	printf("%s: %" PRId64 " rows copied to %s, head %" PRId64 ":%s, the chain verified on "
	       "both sides\n",
	       ui_safe(o.from), done.rows, ui_safe(o.to), done.rows, done.head);
	r = fflush(stdout) == EOF ? ui_exit(errno ? -errno : -EIO, UI_CTX_NONE) : KESU_EXIT_SUCCESS;
out:
	ledger_close(to);
	ledger_close(from);
	cert_trust_free(ct);
	return r;
}
