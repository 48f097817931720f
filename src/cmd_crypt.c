// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu encrypt, kesu decrypt: files for sending, in the age v1 format so
 * that stock age and rage read what kesu writes and the other way round.
 * Everything a person typed is checked, and the passphrase asked, before
 * the first byte of input is read; output goes to a temporary file beside
 * OUT that is renamed only when the whole file has been written (encrypt)
 * or has authenticated (decrypt).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypt/age.h"
#include "file.h"
#include "kesu.h"
#include "outfile.h"
#include "passphrase.h"
#include "secmem.h"
#include "strength.h"

#define RECIPIENTS_FILE_MAX (1 << 20)
#define IDENTITY_FILE_MAX (64 << 10)

static const int encrypt_exits[] = { KESU_EXIT_SUCCESS,	      KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				     KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_IO,	 KESU_EXIT_ABORTED,
				     KESU_EXIT_WEAK };
static const int decrypt_exits[] = { KESU_EXIT_SUCCESS, KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				     KESU_EXIT_IO,	KESU_EXIT_ABORTED, KESU_EXIT_NO_KEY,
				     KESU_EXIT_CORRUPT, KESU_EXIT_PARTIAL };

struct crypt_opts {
	const char *cmd;
	const char **rcpt, **rfiles, **idfiles; /* argv strings, argc entries each */
	size_t nrcpt, nrfiles, nidfiles;
	const char *in, *out;
	struct pass_source src;
	bool pass, armor, allow_weak, generate, force, help;
};

/* Where the input comes from and the output goes. */
struct crypt_io {
	const char *in_name; /* for messages */
	int in;
	struct outfile of; /* of.fd >= 0: writing to a file */
	int out;
	int werr; /* why a write failed: told as the output's, not the input's */
};

enum { OPT_PASS_FILE = 256, OPT_PASS_FD, OPT_ALLOW_WEAK, OPT_GENERATE, OPT_FORCE, OPT_DEBUG };

static int encrypt_help(void)
{
	fputs("usage: kesu encrypt [-r RECIPIENT]... [-R RECIPIENTS_FILE]... [-a] [-o OUT] [IN]\n"
	      "       kesu encrypt -p [--passphrase-file F | --passphrase-fd N |\n"
	      "                        --generate-passphrase] [--allow-weak] [-a] [-o OUT] [IN]\n"
	      "\n"
	      "Encrypt IN (default: standard input) to OUT (default: standard output) in the\n"
	      "age v1 format, for stock age or rage to decrypt.\n"
	      "\n"
	      "  -r, --recipient R        an X25519 recipient (age1...); may be repeated\n"
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
	      "                           age-keygen or kesu key generate --age); may be repeated\n"
	      "      --passphrase-file F  the passphrase is the first line of F\n"
	      "      --passphrase-fd N    the passphrase is one line read from descriptor N\n"
	      "                           (default: asked on the terminal)\n"
	      "  -o, --output OUT         write OUT, mode 0600 (an existing file only with --force)\n"
	      "      --force              replace an existing OUT\n"
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int r = crypt_getopt(argc, argv, o, ":r:R:pao:h", longopts);

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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	return crypt_getopt(argc, argv, o, ":i:o:h", longopts);
}

/*
 * The lines of a recipients or identity file as age reads them: "#"
 * comments and blank lines are skipped, every other line is a recipient
 * (@ids NULL) or an identity. Return: 0 or an exit code, the reason told.
 */
static int add_lines(const char *cmd, const char *path, char *buf, struct age_recipients **rs,
		     struct age_identities **ids)
{
	char *line, *next, why[256];
	size_t n = 0, found = 0;
	int r = 0;

	for (line = buf; line && !r; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n++;
		if (!*line || *line == '#')
			continue;
		/* the reason never quotes the line: it may be a mistyped secret key */
		r = ids ? age_identity_add(ids, line, why, sizeof(why)) :
			  age_recipient_add(rs, line, why, sizeof(why));
		if (r == -EINVAL)
			ui_usage_error(cmd, "%s: line %zu: %s", ui_safe(path), n, ui_safe(why));
		found++;
	}
	if (!r && !found)
		ui_usage_error(cmd, "%s: no %s in the file", ui_safe(path),
			       ids ? "identities" : "recipients");
	if (r == -ENOMEM)
		ui_err("out of memory");
	return r == -ENOMEM ? KESU_EXIT_FAILURE : (r || !found) ? KESU_EXIT_USAGE : 0;
}

static int load_recipients_file(const char *cmd, const char *path, struct age_recipients **rs)
{
	char *buf = NULL;
	size_t len;
	int r = file_read(path, RECIPIENTS_FILE_MAX, &buf, &len);

	if (r) {
		ui_err("%s: cannot read the recipients file: %s", ui_safe(path),
		       r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
		return r == -ENOENT || r == -EACCES ? KESU_EXIT_FAILURE : KESU_EXIT_USAGE;
	}
	r = add_lines(cmd, path, buf, rs, NULL);
	free(buf);
	return r;
}

static int load_recipients(const struct crypt_opts *o, struct age_recipients **rs)
{
	char why[256];
	int r;

	for (size_t i = 0; i < o->nrcpt; i++) {
		r = age_recipient_add(rs, o->rcpt[i], why, sizeof(why));
		if (r == -EINVAL)
			return ui_usage_error(o->cmd, "invalid recipient '%s': %s",
					      ui_safe(o->rcpt[i]), ui_safe(why));
		if (r) {
			ui_err("out of memory");
			return KESU_EXIT_FAILURE;
		}
	}
	for (size_t i = 0; i < o->nrfiles; i++)
		if ((r = load_recipients_file(o->cmd, o->rfiles[i], rs)))
			return r;
	return 0;
}

/* Lines "AGE-SECRET-KEY-1...", "#" comments and blank lines, as age-keygen writes them. */
static int load_identity_file(const char *cmd, const char *path, struct age_identities **ids)
{
	char *buf = NULL;
	size_t len;
	int r = file_read_secret(path, IDENTITY_FILE_MAX, &buf, &len);

	if (r == -EPERM) {
		ui_err("%s: group or others may access this identity file: chmod 600 it",
		       ui_safe(path));
		return KESU_EXIT_REFUSED;
	}
	if (r) {
		ui_err("%s: cannot read the identity file: %s", ui_safe(path),
		       r == -EFBIG ? "larger than 64 KiB" : strerror(-r));
		return r == -ENOENT || r == -EACCES ? KESU_EXIT_FAILURE : KESU_EXIT_USAGE;
	}
	r = add_lines(cmd, path, buf, NULL, ids);
	secmem_free(buf);
	return r;
}

/* Can OUT be written? Found out before a passphrase is asked or input read. */
static int check_output(const struct crypt_opts *o)
{
	int r;

	if (is_std(o->out))
		return 0;
	r = outfile_check_path(o->out, o->force ? OUTFILE_REPLACE : 0);
	if (r == -EEXIST)
		ui_err("%s: exists (--force replaces it)", ui_safe(o->out));
	else if (r == -ENOTTY)
		ui_err("%s: exists and is not a regular file", ui_safe(o->out));
	else if (r)
		ui_err("%s: %s", ui_safe(o->out), r == -EINVAL ? "empty file name" : strerror(-r));
	return ui_exit(r, UI_CTX_NONE);
}

/*
 * Open IN and create the temporary file for OUT; OUT must not be IN. The
 * temporary file reserves the input's size: a full destination shows
 * before any work.
 */
static int io_open(const struct crypt_opts *o, struct crypt_io *io, unsigned flags)
{
	struct stat in_st, out_st;
	int r;

	io->in = STDIN_FILENO;
	io->in_name = "standard input";
	if (!is_std(o->in)) {
		io->in_name = o->in;
		io->in = open(o->in, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (io->in < 0)
			return ui_open_error(o->in, -errno);
	}
	if (fstat(io->in, &in_st) < 0)
		return ui_open_error(io->in_name, -errno);
	if (S_ISDIR(in_st.st_mode))
		return ui_open_error(io->in_name, -EISDIR);
	io->out = STDOUT_FILENO;
	if (is_std(o->out))
		return 0;
	if (!stat(o->out, &out_st) && out_st.st_dev == in_st.st_dev &&
	    out_st.st_ino == in_st.st_ino)
		return ui_usage_error(o->cmd, "%s: is also the input", ui_safe(o->out));
	r = outfile_reserve(&io->of, o->out, S_ISREG(in_st.st_mode) ? (size_t)in_st.st_size : 0,
			    flags | (o->force ? OUTFILE_REPLACE : 0));
	if (r) {
		ui_err("%s: cannot create: %s", ui_safe(o->out), strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	io->out = io->of.fd;
	return 0;
}

static void io_close(struct crypt_io *io)
{
	if (io->in > STDIN_FILENO)
		close(io->in);
	outfile_release(&io->of);
}

/* An interrupt ends the work through the error path: no output is published. */
static ssize_t io_read(void *usr, void *buf, size_t len)
{
	struct crypt_io *io = usr;

	for (;;) {
		ssize_t n;

		if (ui_interrupted)
			return -EINTR;
		n = read(io->in, buf, len);
		/* the signal may have gone to another thread while this one waited */
		if (ui_interrupted)
			return -EINTR;
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

static int io_write(void *usr, const void *buf, size_t len)
{
	struct crypt_io *io = usr;
	const char *p = buf;

	while (len) {
		ssize_t n;

		if (ui_interrupted)
			return -EINTR;
		n = write(io->out, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io->werr = -errno;
		p += n;
		len -= (size_t)n;
	}
	/* a file: write back as it grows, so the commit's fsync does not wait for all of it */
	if (io->of.fd >= 0)
		outfile_flush_behind(&io->of, 8 << 20);
	return 0;
}

/* The output is complete: publish it. */
static int io_commit(const struct crypt_opts *o, struct crypt_io *io)
{
	int r;

	if (io->of.fd < 0)
		return 0;
	r = outfile_commit_written(&io->of);
	if (r) {
		ui_err("%s: cannot write: %s", ui_safe(o->out), strerror(-r));
		/* -EEXIST: OUT appeared meanwhile; anything else failed writing it */
		return r == -EEXIST ? KESU_EXIT_FAILURE : ui_exit(r == -ENOMEM ? r : -EIO, 0);
	}
	return 0;
}

static void show_generated(const char *pass)
{
	fprintf(stderr,
		"kesu: the passphrase of this file, shown this once:\n"
		"\n"
		"    %s\n"
		"\n"
		"kesu: give it to the recipient by another channel (telephone, in person),\n"
		"kesu: never in the mail that carries the file, nor in the next mail\n",
		pass);
	fflush(stderr);
}

/* The passphrase of a new file: generated, or given and strong enough. */
static int encrypt_passphrase(struct crypt_opts *o, char **pass)
{
	struct pass_request req = { .src = &o->src,
				    .prompt = "passphrase for the new file",
				    .create = true,
				    .allow_weak = o->allow_weak };

	if (o->generate) {
		if (strength_generate(pass)) {
			ui_err("out of memory");
			return KESU_EXIT_FAILURE;
		}
		show_generated(*pass);
		return 0;
	}
	return ui_exit(pass_resolve(&req, pass), UI_CTX_PASS);
}

static int encrypt_run(const struct crypt_opts *o, struct crypt_io *io,
		       const struct age_recipients *rs, const char *pass)
{
	struct age_enc_opts eo = { .rcpt = rs, .passphrase = pass, .armor = o->armor };
	int r = age_encrypt(io_read, io, io_write, io, &eo);

	if (!r)
		return io_commit(o, io);
	if (r == -EINTR)
		ui_err("interrupted by %s", ui_signal_name(ui_interrupted));
	else if (r == io->werr)
		ui_err("%s: cannot write: %s", is_std(o->out) ? "standard output" : ui_safe(o->out),
		       r == -EPIPE ? "the reader went away" : strerror(-r));
	else
		ui_err("cannot encrypt %s: %s", ui_safe(io->in_name), strerror(-r));
	if (io->of.fd >= 0)
		ui_err("%s: not written", ui_safe(o->out));
	return ui_exit(r, UI_CTX_NONE);
}

int cmd_encrypt(int argc, char **argv)
{
	struct crypt_opts o = { .cmd = "encrypt", .src = PASS_SOURCE_INIT };
	struct crypt_io io = { .in = -1, .of = { .fd = -1, .dirfd = -1 } };
	struct age_recipients *rs = NULL;
	char *pass = NULL;
	int r;

	if (crypt_opts_init(&o, argc))
		return KESU_EXIT_FAILURE;
	r = encrypt_parse(argc, argv, &o);
	if (r || o.help) {
		free(o.rcpt);
		return o.help ? encrypt_help() : r;
	}
	r = load_recipients(&o, &rs);
	if (!r)
		r = check_output(&o);
	/* the destination is made before the passphrase is asked: no question in vain */
	if (!r) {
		ui_catch_interrupts();
		o.src.abort = &ui_interrupted;
		r = io_open(&o, &io, 0);
	}
	if (!r && o.pass)
		r = encrypt_passphrase(&o, &pass);
	if (!r)
		r = encrypt_run(&o, &io, rs, pass);
	io_close(&io);
	pass_source_close(&o.src);
	passphrase_free(pass);
	age_recipients_free(rs);
	free(o.rcpt);
	return r;
}

/* What the passphrase callback of age_decrypt() found, for the exit code. */
struct dec_pass {
	struct pass_source *src;
	int err;
};

/* age_dec_opts.passphrase: asked only when the file has an scrypt stanza */
static int decrypt_passphrase(void *usr, char **pass)
{
	struct dec_pass *p = usr;
	struct pass_request req = { .src = p->src, .prompt = "passphrase" };

	p->err = pass_resolve(&req, pass);
	return p->err;
}

/* Why decryption failed, told once; the exit code for it. */
static int decrypt_error(const struct crypt_opts *o, const struct crypt_io *io, int r, bool had_ids)
{
	const char *in = ui_safe(io->in_name);

	if (io->werr == r)
		ui_err("%s: cannot write: %s", is_std(o->out) ? "standard output" : ui_safe(o->out),
		       r == -EPIPE ? "the reader went away" : strerror(-r));
	else if (r == -ENOKEY)
		ui_err("%s: no identity matched%s", in, had_ids ? "" : " (no -i given)");
	else if (r == -EKEYREJECTED)
		ui_err("%s: wrong passphrase", in);
	else if (r == -EBADMSG)
		ui_err("%s: corrupt header: malformed, or its MAC does not match", in);
	else if (r == -EPROTONOSUPPORT)
		ui_err("%s: not an age v1 file (unknown version line)", in);
	else if (r == -E2BIG)
		ui_err("%s: scrypt work factor above 2^%d: refused", in, AGE_SCRYPT_MAX_LOG_N);
	else if (r == -EPROTO)
		ui_err("%s: corrupt or truncated payload: a chunk failed authentication, or "
		       "data follows the end",
		       in);
	else if (r == -ENODATA)
		ui_err("%s: truncated", in);
	else if (r == -EINTR)
		ui_err("interrupted by %s", ui_signal_name(ui_interrupted));
	else
		ui_err("cannot decrypt %s: %s", in, strerror(-r));
	/* a failed write is the output's, not the file's: an I/O error */
	return ui_exit(r, io->werr == r ? UI_CTX_NONE : UI_CTX_AGE);
}

static int decrypt_run(struct crypt_opts *o, const struct age_identities *ids)
{
	struct crypt_io io = { .in = -1, .of = { .fd = -1, .dirfd = -1 } };
	struct dec_pass p = { .src = &o->src };
	struct age_dec_opts d = { .ids = ids, .passphrase = decrypt_passphrase, .pass_usr = &p };
	struct age_dec_info info = { 0 };
	/* plaintext is personal data: the decrypted file is the owner's alone */
	int r = io_open(o, &io, OUTFILE_PRIVATE);

	if (r) {
		io_close(&io);
		return r;
	}
	r = age_decrypt(io_read, &io, io_write, &io, &d, &info);
	pass_source_close(&o->src);
	if (r && p.err)
		r = ui_exit(p.err, UI_CTX_PASS);
	else if (r)
		r = decrypt_error(o, &io, r, ids != NULL);
	else
		r = io_commit(o, &io);
	if (r == KESU_EXIT_CORRUPT && io.of.fd < 0 && info.released) {
		ui_err("standard output: %" PRIu64 " bytes were already written before the "
		       "failure: discard them",
		       info.released);
		r = KESU_EXIT_PARTIAL;
	} else if (r && io.of.fd >= 0) {
		ui_err("%s: not written", ui_safe(o->out));
	}
	io_close(&io);
	return r;
}

int cmd_decrypt(int argc, char **argv)
{
	struct crypt_opts o = { .cmd = "decrypt", .src = PASS_SOURCE_INIT };
	struct age_identities *ids = NULL;
	int r;

	if (crypt_opts_init(&o, argc))
		return KESU_EXIT_FAILURE;
	r = decrypt_parse(argc, argv, &o);
	if (r || o.help) {
		free(o.rcpt);
		return o.help ? decrypt_help() : r;
	}
	for (size_t i = 0; i < o.nidfiles && !r; i++)
		r = load_identity_file(o.cmd, o.idfiles[i], &ids);
	if (!r)
		r = check_output(&o);
	if (!r) {
		ui_catch_interrupts();
		o.src.abort = &ui_interrupted;
		r = decrypt_run(&o, ids);
	}
	age_identities_free(ids);
	free(o.rcpt);
	return r;
}
