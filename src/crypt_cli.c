// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The options of kesu encrypt and kesu decrypt: everything a person typed
 * is checked here, before a passphrase is asked or a byte of input read.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypt_cli.h"
#include "kesu.h"

static const int encrypt_exits[] = { KESU_EXIT_SUCCESS,	      KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				     KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_IO,	 KESU_EXIT_ABORTED,
				     KESU_EXIT_WEAK };
static const int decrypt_exits[] = { KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				     KESU_EXIT_REFUSED, KESU_EXIT_IO,	   KESU_EXIT_ABORTED,
				     KESU_EXIT_NO_KEY,	KESU_EXIT_CORRUPT, KESU_EXIT_PARTIAL };

enum {
	OPT_PASS_FILE = 256,
	OPT_PASS_FD,
	OPT_ALLOW_WEAK,
	OPT_GENERATE,
	OPT_FORCE,
	OPT_DEBUG,
	OPT_PROGRESS
};

/* the bar waits this long, so that a short job does not flash one */
#define PROGRESS_DELAY_MS 1000
#define PROGRESS_BAR_MS 250
#define PROGRESS_JSON_MS 1000

static int encrypt_help(void)
{
	fputs("usage: kesu encrypt [-r RECIPIENT]... [-R RECIPIENTS_FILE]... [-a] [-o OUT] [IN]\n"
	      "       kesu encrypt -p [--passphrase-file F | --passphrase-fd N |\n"
	      "                        --generate-passphrase] [--allow-weak] [-a] [-o OUT] [IN]\n"
	      "\n"
	      "Encrypt IN (default: standard input) to OUT (default: standard output) in the\n"
	      "age v1 format, for stock age or rage to decrypt.\n"
	      "\n"
	      "  -r, --recipient R        an X25519 recipient (age1...) or an SSH public key\n"
	      "                           line (ssh-ed25519, ssh-rsa); may be repeated\n"
	      "  -R, --recipients-file F  recipients one per line; # comments and blank lines\n"
	      "  -p, --passphrase         encrypt with a passphrase asked twice on the terminal\n"
	      "      --passphrase-file F  the passphrase is the first line of F\n"
	      "      --passphrase-fd N    the passphrase is one line read from descriptor N\n"
	      "      --generate-passphrase  make a strong passphrase and show it once on the\n"
	      "                           terminal; give it to the recipient by another channel\n"
	      "                           (phone, in person), never in the next mail\n"
	      "      --allow-weak         accept a passphrase the strength check refuses\n"
	      "  -a, --armor              PEM text for pasting into mail\n"
	      "  -o, --output OUT         write OUT (an existing file only with --force)\n"
	      "      --force              replace an existing OUT\n"
	      "  -q, --quiet              no progress (whatever --progress says)\n"
	      "      --progress=MODE      auto (a bar when standard error is a terminal), bar,\n"
	      "                           json (lines on standard error), none\n"
	      "      --debug              debug messages\n"
	      "  -h, --help               this help\n",
	      stdout);
	ui_print_exit_status(stdout, encrypt_exits, sizeof(encrypt_exits) / sizeof(int));
	return KESU_EXIT_SUCCESS;
}

static int decrypt_help(void)
{
	fputs("usage: kesu decrypt [-i IDENTITY_FILE]... [--passphrase-file F | --passphrase-fd N]\n"
	      "                    [-o OUT] [IN]\n"
	      "\n"
	      "Decrypt an age v1 file, binary or armored, from IN (default: standard input) to\n"
	      "OUT (default: standard output). OUT appears only when all of the file has\n"
	      "authenticated; a passphrase is asked only when the file was made with one.\n"
	      "\n"
	      "  -i, --identity F         an identity file (AGE-SECRET-KEY-1..., as written by\n"
	      "                           age-keygen or kesu key generate --age, also one\n"
	      "                           encrypted by age -p), or an OpenSSH private key\n"
	      "                           (ssh-ed25519, ssh-rsa); may be repeated\n"
	      "      --passphrase-file F  the passphrase is the first line of F\n"
	      "      --passphrase-fd N    the passphrase is one line read from descriptor N\n"
	      "                           (default: asked on the terminal)\n"
	      "  -o, --output OUT         write OUT, mode 0600 (an existing file only with --force)\n"
	      "      --force              replace an existing OUT\n"
	      "  -q, --quiet              no progress (whatever --progress says)\n"
	      "      --progress=MODE      auto (a bar when standard error is a terminal), bar,\n"
	      "                           json (lines on standard error), none\n"
	      "      --debug              debug messages\n"
	      "  -h, --help               this help\n",
	      stdout);
	ui_print_exit_status(stdout, decrypt_exits, sizeof(decrypt_exits) / sizeof(int));
	return KESU_EXIT_SUCCESS;
}

/* room for every repeated option: argc entries for each list, in one allocation */
static int crypt_opts_init(struct crypt_opts *o, int argc)
{
	o->rcpt = calloc(3 * (size_t)argc, sizeof(*o->rcpt));
	if (!o->rcpt) {
		ui_err("out of memory");
		return -ENOMEM;
	}
	o->rfiles = o->rcpt + argc;
	o->idfiles = o->rcpt + 2 * argc;
	return 0;
}

static int set_once(struct crypt_opts *o, const char **dst, const char *opt)
{
	if (*dst)
		return ui_usage_error(o->cmd, "%s given twice", opt);
	*dst = optarg;
	return 0;
}

static int crypt_opt(int c, char **argv, struct crypt_opts *o, const struct option *longopts)
{
	switch (c) {
	case 'r': o->rcpt[o->nrcpt++] = optarg; return 0;
	case 'R': o->rfiles[o->nrfiles++] = optarg; return 0;
	case 'i': o->idfiles[o->nidfiles++] = optarg; return 0;
	case 'p': o->pass = true; return 0;
	case 'a': o->armor = true; return 0;
	case 'o': return set_once(o, &o->out, "--output");
	case OPT_PASS_FILE:
	case OPT_PASS_FD: return ui_pass_opt(o->cmd, &o->src, c == OPT_PASS_FD, optarg);
	case OPT_ALLOW_WEAK: o->allow_weak = true; return 0;
	case OPT_GENERATE: o->generate = true; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case OPT_DEBUG: ui_debug = true; return 0;
	case 'q': o->quiet = true; return 0;
	case OPT_PROGRESS:
		if (display_parse(optarg, &o->progress))
			return ui_usage_error(o->cmd,
					      "invalid --progress '%s': auto, bar, json or none",
					      ui_safe(optarg));
		return 0;
	case 'h': o->help = true; return 0;
	default: return ui_option_error(o->cmd, c, argv, longopts);
	}
}

/* "-" or nothing: standard input or output */
static bool is_std(const char *path)
{
	return !path || !strcmp(path, "-");
}

static int crypt_getopt(int argc, char **argv, struct crypt_opts *o, const char *shortopts,
			const struct option *longopts)
{
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if ((r = crypt_opt(c, argv, o, longopts)))
			return r;
	if (o->help)
		return 0;
	if (argc - optind > 1)
		return ui_usage_error(o->cmd, "unexpected argument '%s'",
				      ui_safe(argv[optind + 1]));
	o->in = optind < argc ? argv[optind] : NULL;
	if (o->in && !*o->in)
		return ui_usage_error(o->cmd, "empty input file name");
	if (o->src.fd == STDIN_FILENO && is_std(o->in))
		return ui_usage_error(o->cmd, "--passphrase-fd 0: standard input is the input; "
					      "name IN or use another descriptor");
	return 0;
}

static int encrypt_parse(int argc, char **argv, struct crypt_opts *o)
{
	static const struct option longopts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "armor", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, OPT_PASS_FILE },
		{ "passphrase-fd", required_argument, NULL, OPT_PASS_FD },
		{ "allow-weak", no_argument, NULL, OPT_ALLOW_WEAK },
		{ "generate-passphrase", no_argument, NULL, OPT_GENERATE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", required_argument, NULL, OPT_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int r = crypt_getopt(argc, argv, o, ":r:R:pao:qh", longopts);

	if (r || o->help)
		return r;
	if (o->generate && pass_source_given(&o->src))
		return ui_usage_error(o->cmd, "--generate-passphrase and --passphrase-file or "
					      "--passphrase-fd exclude each other");
	/* the passphrase options say where it comes from: -p is then understood */
	o->pass = o->pass || o->generate || pass_source_given(&o->src);
	if (o->pass && (o->nrcpt || o->nrfiles))
		return ui_usage_error(o->cmd, "a passphrase-encrypted file has no other "
					      "recipients: -p excludes -r and -R");
	if (!o->pass && !o->nrcpt && !o->nrfiles)
		return ui_usage_error(o->cmd, "no recipient: give -r, -R or -p");
	if (o->allow_weak && (!o->pass || o->generate))
		return ui_usage_error(o->cmd, "--allow-weak is for a passphrase of your own (-p)");
	if (o->generate && !isatty(STDERR_FILENO))
		return ui_usage_error(o->cmd, "--generate-passphrase shows the passphrase on the "
					      "terminal, and standard error is not one");
	if (is_std(o->out) && !o->armor && isatty(STDOUT_FILENO))
		return ui_usage_error(o->cmd, "refusing to write binary ciphertext to a terminal: "
					      "use -a (armor) or -o FILE");
	return 0;
}

static int decrypt_parse(int argc, char **argv, struct crypt_opts *o)
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, OPT_PASS_FILE },
		{ "passphrase-fd", required_argument, NULL, OPT_PASS_FD },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", required_argument, NULL, OPT_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	return crypt_getopt(argc, argv, o, ":i:o:qh", longopts);
}

int crypt_cli_parse(int argc, char **argv, struct crypt_opts *o)
{
	bool enc = !strcmp(o->cmd, "encrypt");
	int r = crypt_opts_init(o, argc);

	if (r)
		return KESU_EXIT_FAILURE;
	display_parse("auto", &o->progress);
	r = enc ? encrypt_parse(argc, argv, o) : decrypt_parse(argc, argv, o);
	/* as before any other check: -h and then a bad option still shows the help */
	if (o->help)
		return enc ? encrypt_help() : decrypt_help();
	if (is_std(o->in))
		o->in = NULL;
	if (is_std(o->out))
		o->out = NULL;
	return r;
}

void crypt_cli_free(struct crypt_opts *o)
{
	free(o->rcpt);
	o->rcpt = NULL;
}

static uint64_t since_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000 +
	       (uint64_t)((t.tv_nsec - t0->tv_nsec) / 1000000);
}

void crypt_progress_start(struct crypt_progress *cp, const struct crypt_opts *o,
			  const struct age_file_io *io)
{
	memset(cp, 0, sizeof(*cp));
	cp->mode = o->quiet ? DISPLAY_NONE : o->progress;
	cp->io = io;
	/* npasses 0: a file's progress; total 0: its size is unknown (a pipe) */
	cp->p.target = o->in ? o->in : "standard input";
	cp->p.phase = o->cmd;
	if (S_ISREG(io->in_st.st_mode))
		cp->p.total = (uint64_t)io->in_st.st_size;
	if (cp->mode != DISPLAY_NONE)
		cp->disp = display_new(cp->mode, 1);
}

static void draw(struct crypt_progress *cp, uint64_t now)
{
	cp->p.done = cp->io->nread;
	cp->p.elapsed_ms = now;
	/* a file that grew while it was read */
	if (cp->p.total && cp->p.done > cp->p.total)
		cp->p.total = cp->p.done;
	display_progress(&cp->p, display_slot(cp->disp, 0));
	cp->shown_ms = now ? now : 1;
}

void crypt_progress(void *usr, uint64_t payload)
{
	struct crypt_progress *cp = usr;
	uint64_t now;

	/* the input's own count is shown instead: with the header and armor, as its size */
	(void)payload;
	if (!cp->disp)
		return;
	/* the clock starts with the payload: a passphrase typed or scrypt is no throughput */
	if (!cp->started) {
		clock_gettime(CLOCK_MONOTONIC, &cp->start);
		cp->started = true;
	}
	now = since_ms(&cp->start);
	if (cp->mode == DISPLAY_BAR &&
	    (now < PROGRESS_DELAY_MS || now - cp->shown_ms < PROGRESS_BAR_MS))
		return;
	if (cp->mode == DISPLAY_JSON && cp->shown_ms && now - cp->shown_ms < PROGRESS_JSON_MS)
		return;
	draw(cp, now);
}

void crypt_progress_end(struct crypt_progress *cp, bool ok)
{
	/* a bar that never showed stays away; a JSON reader always learns the end */
	if (cp->disp && ok && (cp->shown_ms || cp->mode == DISPLAY_JSON)) {
		cp->p.final = 1;
		draw(cp, cp->started ? since_ms(&cp->start) : 0);
	}
	display_free(cp->disp);
	cp->disp = NULL;
}
