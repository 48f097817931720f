// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "cert/verdict.h"
#include "devinfo.h"
#include <jansson.h>

#include "kesu.h"
#include "log.h"
#include "passphrase.h"
#include "text.h"

bool ui_debug;
volatile sig_atomic_t ui_interrupted;

const struct kesu_exit_code kesu_exit_codes[] = {
	{ KESU_EXIT_SUCCESS, "success", "success" },
	{ KESU_EXIT_FAILURE, "failure",
	  "failure: an input, target or output cannot be opened or created, or an internal "
	  "error" },
	{ KESU_EXIT_USAGE, "usage", "usage error: bad arguments, or not a block device or image" },
	{ KESU_EXIT_REFUSED, "refused", "refused: the target is in use, read-only or unsafe" },
	{ KESU_EXIT_NOT_CONFIRMED, "not-confirmed", "not confirmed: nothing was written" },
	{ KESU_EXIT_VERIFY, "mismatch", "verification failed: data differs from what was written" },
	{ KESU_EXIT_IO, "io-error",
	  "I/O error: the target or an output could not be written or read (bad blocks, full "
	  "file system, broken pipe)" },
	{ KESU_EXIT_ABORTED, "aborted", "aborted by SIGINT, SIGTERM or SIGHUP" },
	{ KESU_EXIT_UNVERIFIED, "unverified", "written but not verified" },
	{ KESU_EXIT_MALFORMED, "malformed",
	  "malformed certificate: not canonical JSON or not kesu-certificate/1" },
	{ KESU_EXIT_BAD_SIGNATURE, "bad-signature", "a signature is missing or does not verify" },
	{ KESU_EXIT_UNTRUSTED, "untrusted", "a signer is not trusted for its role" },
	{ KESU_EXIT_NOT_APPROVED, "not-approved",
	  "not approved, or approved by the operator without a recorded exception" },
	{ KESU_EXIT_NOT_ERASED, "not-erased",
	  "the certificate records an erasure that did not succeed" },
	{ KESU_EXIT_DEVICE_MISMATCH, "device-mismatch",
	  "the device is not the one certified, or no longer reads as erased" },
	{ KESU_EXIT_LEDGER, "ledger",
	  "the ledger's chain is broken, or assets have no certificate" },
	{ KESU_EXIT_NO_KEY, "no-key",
	  "no identity matched, or the key or passphrase is wrong: nothing was written" },
	{ KESU_EXIT_CORRUPT, "corrupt",
	  "the encrypted input is corrupt or truncated: nothing was written" },
	{ KESU_EXIT_PARTIAL, "partial",
	  "decryption failed after part of the plaintext went to standard output: discard it" },
	{ KESU_EXIT_WEAK, "weak-passphrase", "the passphrase is too weak: refused" },
	{ KESU_EXIT_POLICY, "policy", "the medium does not meet the encryption policy" },
	{ KESU_EXIT_NOT_IDENTIFIED, "not-identified",
	  "identity not established: neither the device nor the certificate has a serial or "
	  "WWN" },
	{ KESU_EXIT_DISTRUSTED, "no-longer-trusted",
	  "the ledger's chain is intact, but rows were signed by keys the trust store no longer "
	  "trusts" },
	{ KESU_EXIT_FINDINGS, "findings",
	  "the inspection found something: a medium or an asset to look into" },
	{ KESU_EXIT_QUEUED, "queued",
	  "queued, not yet in the register: its server cannot be reached; kesu ledger sync "
	  "forwards it" },
	{ 0, NULL, NULL },
};

void ui_print_exit_status(FILE *f, const int *codes, size_t n)
{
	size_t count = 0;

	while (kesu_exit_codes[count].name)
		count++;
	fputs("\nexit status:\n", f);
	for (size_t i = 0; i < (codes ? n : count); i++) {
		int code = codes ? codes[i] : kesu_exit_codes[i].code;

		for (size_t j = 0; j < count; j++)
			if (kesu_exit_codes[j].code == code)
				fprintf(f, "  %2d  %s\n", code, kesu_exit_codes[j].text);
	}
}

static void on_interrupt(int sig)
{
	ui_interrupted = sig;
}

void ui_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed terminal or ssh session: stop like SIGTERM, with a report */
	sigaction(SIGHUP, &sa, NULL);
	/* progress into `| head -1` must not kill an erasure before its report */
	sigaction(SIGPIPE, &ign, NULL);
}

const char *ui_signal_name(int sig)
{
	static char buf[32];

	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGPIPE: return "SIGPIPE";
	default: snprintf(buf, sizeof(buf), "signal %d", sig); return buf;
	}
}

/*
 * The option's name as typed, without "=value", for a message; returns the
 * long option it names, if any. getopt leaves optopt 0 for an unknown long
 * option and the option's value for one with a missing or unwanted
 * argument; otherwise optopt is a short option's letter, and
 * argv[optind - 1] may be another word (inside "-xj").
 */
static const struct option *option_name(char **argv, const struct option *longopts, char *buf,
					size_t len)
{
	const char *arg = argv[optind - 1];
	size_t n = strcspn(arg, "=");

	if (!strncmp(arg, "--", 2) && n > 2) {
		snprintf(buf, len, "%.*s", (int)n, arg);
		if (!optopt)
			return NULL;
		/* getopt_long takes unambiguous abbreviations: so does the message */
		for (const struct option *o = longopts; o && o->name; o++)
			if (o->val == optopt && !strncmp(o->name, arg + 2, n - 2))
				return o;
	}
	snprintf(buf, len, "-%c", optopt);
	return NULL;
}

int ui_option_error(const char *cmd, int c, char **argv, const struct option *longopts)
{
	char name[128];
	const struct option *o = option_name(argv, longopts, name, sizeof(name));

	if (c == ':')
		return ui_usage_error(cmd, "%s: option '%s' requires an argument", cmd,
				      ui_safe(name));
	if (o && o->has_arg == no_argument)
		return ui_usage_error(cmd, "%s: option '%s' takes no argument", cmd, ui_safe(name));
	return ui_usage_error(cmd, "%s: unrecognized option '%s'", cmd, ui_safe(name));
}

int ui_open_error(const char *path, int err)
{
	if (err == -ENOTBLK)
		ui_err("%s: not a block device or image file", ui_safe(path));
	else
		ui_err("cannot open %s: %s", ui_safe(path), strerror(-err));
	return ui_exit(err, UI_CTX_NONE);
}

const char *ui_safe(const char *s)
{
	static char *ring[4];
	static unsigned next;
	char *e;

	if (text_escape(s, &e))
		return "(out of memory)";
	next = (next + 1) % 4;
	free(ring[next]);
	ring[next] = e;
	return e;
}

static void ui_log(int level, const char *msg, void *usrptr)
{
	if (level == KESU_LOG_DEBUG && !ui_debug)
		return;
	if (level == KESU_LOG_VERBOSE && !ui_debug)
		return;
	if (level == KESU_LOG_WARN)
		fprintf(stderr, "kesu: warning: %s\n", msg);
	else if (level == KESU_LOG_DEBUG)
		fprintf(stderr, "kesu: debug: %s\n", msg);
	else
		fprintf(stderr, "kesu: %s\n", msg);
}

void ui_init(void)
{
	kesu_set_log(ui_log, NULL);
}

void ui_err(const char *fmt, ...)
{
	va_list ap;

	fputs("kesu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ui_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("kesu: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void dispatch_help(FILE *f, const char *cmd, const struct ui_command *subs)
{
	fprintf(f, "usage: kesu %s <action> [OPTIONS] ...\n\nactions:\n", cmd);
	for (const struct ui_command *s = subs; s->name; s++)
		fprintf(f, "  %-14s %s\n", s->name, s->help);
	fprintf(f, "\n'kesu %s <action> --help' for each; see kesu-%s(8)\n", cmd, cmd);
}

int ui_dispatch(const char *cmd, const struct ui_command *subs, int argc, char **argv)
{
	if (argc < 2 || !*argv[1])
		return ui_usage_error(cmd, "%s: no action given", cmd);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		dispatch_help(stdout, cmd, subs);
		return KESU_EXIT_SUCCESS;
	}
	for (const struct ui_command *s = subs; s->name; s++)
		if (!strcmp(s->name, argv[1]))
			return s->handler(argc - 1, argv + 1);
	return ui_usage_error(cmd, "%s: '%s' is not a %s action", cmd, ui_safe(argv[1]), cmd);
}

int ui_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("kesu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nkesu: try 'kesu %s --help'\n", cmd);
	else
		fputs("\nkesu: try 'kesu --help'\n", stderr);
	return KESU_EXIT_USAGE;
}

/* What an errno means in every command; ui_exit() adds what a context changes. */
static int exit_common(int err)
{
	switch (err) {
	case 0: return KESU_EXIT_SUCCESS;
	/* the wrong kind of thing, or a bad value: "not a block device or image" */
	case -ENOTBLK:
	case -EISDIR:
	case -ENOTTY:
	case -EINVAL: return KESU_EXIT_USAGE;
	case -EBUSY:
	case -EROFS: return KESU_EXIT_REFUSED;
	case -ECANCELED: return KESU_EXIT_NOT_CONFIRMED;
	case -EINTR: return KESU_EXIT_ABORTED;
	/* a write or read that failed while or after the work ran */
	case -EIO:
	case -ENOSPC:
	case -EDQUOT:
	case -EPIPE:
	case -ENODATA: return KESU_EXIT_IO;
	case -ENOKEY:
	case -EKEYREJECTED: return KESU_EXIT_NO_KEY;
	/* missing, not permitted, exists already, name too long, out of memory, ... */
	default: return KESU_EXIT_FAILURE;
	}
}

/* A certificate's verdict (cert/verdict.h), worst first as the codes are. */
static int verdict_exit(int v)
{
	switch (v) {
	case CERT_VALID: return KESU_EXIT_SUCCESS;
	case CERT_MALFORMED: return KESU_EXIT_MALFORMED;
	case CERT_BAD_SIGNATURE: return KESU_EXIT_BAD_SIGNATURE;
	case CERT_UNTRUSTED: return KESU_EXIT_UNTRUSTED;
	case CERT_NOT_APPROVED: return KESU_EXIT_NOT_APPROVED;
	case CERT_NOT_ERASED: return KESU_EXIT_NOT_ERASED;
	default: return KESU_EXIT_FAILURE;
	}
}

int ui_exit(int err, enum ui_ctx ctx)
{
	switch (ctx) {
	case UI_CTX_CERT:
		if (err == -EBADMSG || err == -EFBIG)
			return KESU_EXIT_MALFORMED;
		break;
	case UI_CTX_AGE:
		if (err == -EBADMSG || err == -EPROTO || err == -EPROTONOSUPPORT || err == -E2BIG ||
		    err == -ENODATA)
			return KESU_EXIT_CORRUPT;
		break;
	case UI_CTX_PASS:
		if (err == -EKEYREJECTED)
			return KESU_EXIT_WEAK;
		if (err == -ENODATA)
			return KESU_EXIT_FAILURE;
		break;
	case UI_CTX_KEY:
		if (err == -EPERM || err == -EBADMSG || err == -EOPNOTSUPP)
			return KESU_EXIT_REFUSED;
		break;
	case UI_CTX_VERDICT: return verdict_exit(-err);
	case UI_CTX_LEDGER:
		if (err == -EBADMSG)
			return KESU_EXIT_LEDGER;
		break;
	case UI_CTX_LIST:
		if (err == -EBADMSG)
			return KESU_EXIT_USAGE;
		break;
	case UI_CTX_LUKS:
		if (err == -ENOSPC)
			return KESU_EXIT_FAILURE;
		if (err == -EPERM)
			return KESU_EXIT_REFUSED;
		break;
	case UI_CTX_ASSET:
		if (err == -EPERM || err == -EEXIST)
			return KESU_EXIT_REFUSED;
		if (err == -EBADMSG)
			return KESU_EXIT_LEDGER;
		break;
	case UI_CTX_NONE: break;
	}
	return exit_common(err);
}

int ui_pass_opt(const char *cmd, struct pass_source *s, bool is_fd, const char *arg)
{
	const char *why;

	if (pass_source_opt(s, is_fd, arg, &why))
		return ui_usage_error(cmd, "%s", why);
	return 0;
}

int ui_exit_worst(int a, int b)
{
	/* worst first; see EXIT STATUS in kesu(8) */
	static const int order[] = {
		KESU_EXIT_ABORTED,	  KESU_EXIT_IO,
		KESU_EXIT_VERIFY,	  KESU_EXIT_REFUSED,
		KESU_EXIT_NOT_CONFIRMED,  KESU_EXIT_USAGE,
		KESU_EXIT_MALFORMED,	  KESU_EXIT_BAD_SIGNATURE,
		KESU_EXIT_UNTRUSTED,	  KESU_EXIT_DEVICE_MISMATCH,
		KESU_EXIT_NOT_IDENTIFIED, KESU_EXIT_NOT_APPROVED,
		KESU_EXIT_NOT_ERASED,	  KESU_EXIT_LEDGER,
		KESU_EXIT_DISTRUSTED,	  KESU_EXIT_PARTIAL,
		KESU_EXIT_CORRUPT,	  KESU_EXIT_NO_KEY,
		KESU_EXIT_WEAK,		  KESU_EXIT_POLICY,
		KESU_EXIT_FINDINGS,	  KESU_EXIT_FAILURE,
		KESU_EXIT_QUEUED,	  KESU_EXIT_UNVERIFIED,
		KESU_EXIT_SUCCESS,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		/* a code missing from the list must not turn into a success */
		if (order[i] == KESU_EXIT_SUCCESS)
			return a ? a : b;
		if (a == order[i] || b == order[i])
			return order[i];
	}
	return a;
}

int ui_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int ui_text_field(const char *cmd, const char *opt, const char *arg, size_t max, const char **field)
{
	if (!*arg || !text_is_clean(arg) || strlen(arg) > max)
		return ui_usage_error(cmd,
				      "invalid --%s: give 1 to %zu bytes of UTF-8 text without "
				      "control characters",
				      opt, max);
	*field = arg;
	return 0;
}

int ui_parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v, mul = 1;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 'k':
		case 'K': mul = 1ULL << 10; break;
		case 'm':
		case 'M': mul = 1ULL << 20; break;
		case 'g':
		case 'G': mul = 1ULL << 30; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (v > ~0ULL / mul)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

int ui_parse_queue_depth(const char *cmd, const char *s, unsigned long *out)
{
	if (ui_parse_uint(s, 1, 64, out)) {
		ui_usage_error(cmd, "invalid --queue-depth '%s': 1 to 64", s);
		return -EINVAL;
	}
	return 0;
}

int ui_parse_block_size(const char *cmd, const char *s, unsigned long long *out)
{
	if (ui_parse_size(s, out) || *out < 4096 || *out > (64ULL << 20) || *out % 4096) {
		ui_usage_error(cmd, "invalid --block-size '%s': a multiple of 4K from 4K to 64M",
			       s);
		return -EINVAL;
	}
	return 0;
}

const char *ui_who(void)
{
	static char who[160];
	struct passwd *pw = getpwuid(getuid());
	const char *sudo = getenv("SUDO_USER");
	char uid[16];

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	if (sudo && *sudo)
		snprintf(who, sizeof(who), "%s(sudo:%s)", pw ? pw->pw_name : uid, sudo);
	else
		snprintf(who, sizeof(who), "%s", pw ? pw->pw_name : uid);
	return who;
}

int ui_print_json(FILE *f, const json_t *doc)
{
	errno = 0;
	if (json_dumpf(doc, f, JSON_COMPACT | JSON_SORT_KEYS) < 0 || fputc('\n', f) == EOF ||
	    fflush(f) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}
