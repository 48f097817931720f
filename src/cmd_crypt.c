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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypt/age.h"
#include "crypt/age_file.h"
#include "crypt_cli.h"
#include "kesu.h"
#include "log.h"
#include "outfile.h"
#include "passphrase.h"
#include "strength.h"

/* A recipients (@ids false) or identity file that was refused: told, and the exit code. */
static int file_error(const char *cmd, const char *path, int r, const struct age_file_error *e,
		      bool ids)
{
	const char *what = ids ? "identity" : "recipients";

	if (r == -EPERM && ids && e->reading) {
		ui_err("%s: group or others may access this identity file: chmod 600 it",
		       ui_safe(path));
		return KESU_EXIT_REFUSED;
	}
	if (e->reading) {
		ui_err("%s: cannot read the %s file: %s", ui_safe(path), what,
		       r != -EFBIG ? strerror(-r) :
		       ids	   ? "larger than 64 KiB" :
				     "larger than 1 MiB");
		return r == -ENOENT || r == -EACCES ? KESU_EXIT_FAILURE : KESU_EXIT_USAGE;
	}
	if (r == -ENOMEM) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	if (r == -ENODATA)
		return ui_usage_error(cmd, "%s: no %s in the file", ui_safe(path),
				      ids ? "identities" : "recipients");
	return ui_usage_error(cmd, "%s: line %zu: %s", ui_safe(path), e->line, ui_safe(e->why));
}

/* The recipients of -r and -R; *@n: how many, for the security log. */
static int load_recipients(const struct crypt_opts *o, struct age_recipients **rs, size_t *n)
{
	struct age_file_error e;
	int r;

	*n = o->nrcpt;
	for (size_t i = 0; i < o->nrcpt; i++) {
		r = age_recipient_add(rs, o->rcpt[i], e.why, sizeof(e.why));
		if (r == -EINVAL)
			return ui_usage_error(o->cmd, "invalid recipient '%s': %s",
					      ui_safe(o->rcpt[i]), ui_safe(e.why));
		if (r) {
			ui_err("out of memory");
			return KESU_EXIT_FAILURE;
		}
	}
	for (size_t i = 0; i < o->nrfiles; i++) {
		if ((r = age_recipients_load(rs, o->rfiles[i], &e)))
			return file_error(o->cmd, o->rfiles[i], r, &e, false);
		*n += e.found;
	}
	return 0;
}

/* What the passphrase callback of a protected key found, for the exit code. */
struct key_pass {
	struct pass_source *src;
	int err;
};

/* age_key_pass.get: a protected OpenSSH key, asked as "passphrase for PATH" */
static int key_passphrase(void *usr, const char *path, char **pass)
{
	struct key_pass *p = usr;
	char prompt[256];
	struct pass_request req = { .src = p->src, .prompt = prompt, .unchecked = true };

	snprintf(prompt, sizeof(prompt), "passphrase for %s", ui_safe(path));
	p->err = pass_resolve(&req, pass);
	return p->err;
}

/* An SSH key that was refused or did not open: told, and the exit code. */
static int key_error(const char *cmd, const char *path, int r, const struct age_file_error *e,
		     const struct key_pass *p)
{
	if (p->err)
		return ui_exit(p->err, UI_CTX_PASS);
	if (r == -EKEYREJECTED) {
		ui_err("%s: wrong passphrase", ui_safe(path));
		return ui_exit(r, UI_CTX_NONE);
	}
	if (r == -ENOMEM) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	return ui_usage_error(cmd, "%s: %s", ui_safe(path), ui_safe(e->why));
}

static int load_identities(struct crypt_opts *o, struct age_identities **ids, size_t *n)
{
	struct key_pass p = { .src = &o->src };
	struct age_key_pass kp = { .get = key_passphrase, .usr = &p };
	struct age_file_error e;
	int r;

	*n = 0;
	for (size_t i = 0; i < o->nidfiles; i++) {
		r = age_identities_load_pass(ids, o->idfiles[i], &kp, &e);
		if (r && !e.reading && !e.line && r != -ENODATA)
			return key_error(o->cmd, o->idfiles[i], r, &e, &p);
		if (r)
			return file_error(o->cmd, o->idfiles[i], r, &e, true);
		*n += e.found;
	}
	return 0;
}

/*
 * Can OUT be written? Found out before a passphrase is asked or input read.
 * A character device (-o /dev/null) is written in place: nothing to replace.
 */
static int check_output(const struct crypt_opts *o)
{
	int r;

	if (!o->out || age_file_is_device(o->out))
		return 0;
	r = outfile_check_path(o->out, o->force ? OUTFILE_REPLACE : 0);
	if (r == -EEXIST)
		ui_err("%s: exists (--force replaces it)", ui_safe(o->out));
	else if (r == -ENOTTY)
		ui_err("%s: exists and is neither a regular file nor a device", ui_safe(o->out));
	else if (r)
		ui_err("%s: %s", ui_safe(o->out), r == -EINVAL ? "empty file name" : strerror(-r));
	return ui_exit(r, UI_CTX_NONE);
}

static const char *in_name(const struct crypt_opts *o)
{
	return o->in ? o->in : "standard input";
}

static const char *out_name(const struct crypt_opts *o)
{
	return o->out ? o->out : "standard output";
}

/*
 * The security log's record of one encrypt or decrypt (policy Art. 2(12), 69):
 * the files, what the file is for or was opened with (@keys: "recipients" or
 * "identities" and how many, or "passphrase"), the exit code. Never a key or
 * the passphrase itself.
 */
static void audit(const struct crypt_opts *o, const char *keys, size_t n, bool pass, int code)
{
	char count[24], exit_code[12];

	snprintf(count, sizeof(count), "%zu", n);
	snprintf(exit_code, sizeof(exit_code), "%d", code);
	kesu_audit(o->cmd, "input", in_name(o), "output", out_name(o), keys,
		   pass ? "passphrase" : count, "result", code ? "failed" : "success", "exit",
		   exit_code, "user", ui_who(), NULL);
}

/* Open IN and create the temporary file for OUT; OUT must not be IN. */
static int io_open(const struct crypt_opts *o, struct age_file_io *io, unsigned flags)
{
	int r = age_file_open_input(io, o->in);

	io->abort = &ui_interrupted;
	if (r)
		return ui_open_error(in_name(o), r);
	if (o->out && age_file_is_input(io, o->out))
		return ui_usage_error(o->cmd, "%s: is also the input", ui_safe(o->out));
	r = age_file_open_output(io, o->out, flags | (o->force ? OUTFILE_REPLACE : 0));
	if (io->of.stale)
		ui_warn("%s: removed %u temporary file(s) an interrupted run left beside it",
			ui_safe(o->out), io->of.stale);
	if (r) {
		ui_err("%s: cannot create: %s", ui_safe(o->out), strerror(-r));
		return ui_exit(r, UI_CTX_NONE);
	}
	/* -o /dev/tty is a terminal as much as standard output is */
	if (io->out_dev && !o->armor && !strcmp(o->cmd, "encrypt") && isatty(io->out))
		return ui_usage_error(o->cmd, "refusing to write binary ciphertext to a terminal: "
					      "use -a (armor) or -o FILE");
	return 0;
}

/* The output is complete: publish it. */
static int io_commit(const struct crypt_opts *o, struct age_file_io *io)
{
	int r = age_file_commit(io);

	if (r) {
		ui_err("%s: cannot write: %s", ui_safe(o->out), strerror(-r));
		/* -EEXIST: OUT appeared meanwhile; anything else failed writing it */
		return r == -EEXIST ? KESU_EXIT_FAILURE : ui_exit(r == -ENOMEM ? r : -EIO, 0);
	}
	return 0;
}

/* A failure that is not the file's: a write to the output, or an interrupt. */
static bool io_error(const struct crypt_opts *o, const struct age_file_io *io, int r)
{
	if (r == io->werr)
		ui_err("%s: cannot write: %s", ui_safe(out_name(o)),
		       r == -EPIPE ? "the reader went away" : strerror(-r));
	else if (r == -EINTR)
		ui_err("interrupted by %s", ui_signal_name(ui_interrupted));
	else
		return false;
	return true;
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

static int encrypt_run(const struct crypt_opts *o, struct age_file_io *io,
		       const struct age_recipients *rs, const char *pass)
{
	struct age_enc_opts eo = { .rcpt = rs, .passphrase = pass, .armor = o->armor };
	struct crypt_progress cp;
	int r;

	crypt_progress_start(&cp, o, io);
	eo.progress = crypt_progress;
	eo.progress_usr = &cp;
	r = age_encrypt(age_file_read, io, age_file_write, io, &eo);
	crypt_progress_end(&cp, !r);
	if (!r)
		return io_commit(o, io);
	if (!io_error(o, io, r))
		ui_err("cannot encrypt %s: %s", ui_safe(in_name(o)), strerror(-r));
	if (io->of.fd >= 0)
		ui_err("%s: not written", ui_safe(o->out));
	return ui_exit(r, UI_CTX_NONE);
}

int cmd_encrypt(int argc, char **argv)
{
	struct crypt_opts o = { .cmd = "encrypt", .src = PASS_SOURCE_INIT };
	struct age_file_io io = AGE_FILE_IO_INIT;
	struct age_recipients *rs = NULL;
	char *pass = NULL;
	size_t n = 0;
	int parsed = crypt_cli_parse(argc, argv, &o), r = parsed;

	if (!r && !o.help)
		r = load_recipients(&o, &rs, &n);
	if (!r && !o.help)
		r = check_output(&o);
	/* the destination is made before the passphrase is asked: no question in vain */
	if (!r && !o.help) {
		ui_catch_interrupts();
		o.src.abort = &ui_interrupted;
		r = io_open(&o, &io, 0);
		if (!r && o.pass)
			r = encrypt_passphrase(&o, &pass);
		if (!r)
			r = encrypt_run(&o, &io, rs, pass);
	}
	/* what a person asked for is logged, whatever became of it; a typing error is not */
	if (!parsed && !o.help)
		audit(&o, "recipients", n, o.pass, r);
	age_file_close(&io);
	pass_source_close(&o.src);
	passphrase_free(pass);
	age_recipients_free(rs);
	crypt_cli_free(&o);
	return r;
}

/* What the passphrase callback of age_decrypt() found, for the exit code. */
struct dec_pass {
	struct pass_source *src;
	int err;
	bool asked; /* the file has an scrypt stanza */
};

/* age_dec_opts.passphrase: asked only when the file has an scrypt stanza */
static int decrypt_passphrase(void *usr, char **pass)
{
	struct dec_pass *p = usr;
	struct pass_request req = { .src = p->src, .prompt = "passphrase" };

	p->asked = true;
	p->err = pass_resolve(&req, pass);
	return p->err;
}

/* What is wrong with the file @in, by age_decrypt()'s errno. */
static void file_bad(const char *in, int r, bool had_ids)
{
	if (r == -ENOKEY)
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
	else
		ui_err("cannot decrypt %s: %s", in, strerror(-r));
}

/* Why decryption failed, told once; the exit code for it. */
static int decrypt_error(const struct crypt_opts *o, const struct age_file_io *io, int r,
			 bool had_ids)
{
	if (!io_error(o, io, r))
		file_bad(ui_safe(in_name(o)), r, had_ids);
	/* a failed write is the output's, not the file's: an I/O error */
	return ui_exit(r, io->werr == r ? UI_CTX_NONE : UI_CTX_AGE);
}

/* Decrypt IN to OUT; *@asked: a passphrase was asked for */
static int decrypt_run(struct crypt_opts *o, const struct age_identities *ids, bool *asked)
{
	struct age_file_io io = AGE_FILE_IO_INIT;
	struct dec_pass p = { .src = &o->src };
	struct age_dec_opts d = { .ids = ids, .passphrase = decrypt_passphrase, .pass_usr = &p };
	struct age_dec_info info = { 0 };
	struct crypt_progress cp;
	/* plaintext is personal data: the decrypted file is the owner's alone */
	int r = io_open(o, &io, OUTFILE_PRIVATE);

	if (r) {
		age_file_close(&io);
		return r;
	}
	crypt_progress_start(&cp, o, &io);
	d.progress = crypt_progress;
	d.progress_usr = &cp;
	r = age_decrypt(age_file_read, &io, age_file_write, &io, &d, &info);
	crypt_progress_end(&cp, !r);
	*asked = p.asked;
	pass_source_close(&o->src);
	if (r && p.err)
		r = ui_exit(p.err, UI_CTX_PASS);
	else if (r)
		r = decrypt_error(o, &io, r, ids != NULL);
	else
		r = io_commit(o, &io);
	if (r == KESU_EXIT_CORRUPT && io.of.fd < 0 && info.released) {
		ui_err("%s: %" PRIu64
		       " bytes were already written before the failure: discard them",
		       ui_safe(out_name(o)), info.released);
		r = KESU_EXIT_PARTIAL;
	} else if (r && io.of.fd >= 0) {
		ui_err("%s: not written", ui_safe(o->out));
	}
	age_file_close(&io);
	return r;
}

int cmd_decrypt(int argc, char **argv)
{
	struct crypt_opts o = { .cmd = "decrypt", .src = PASS_SOURCE_INIT };
	struct age_identities *ids = NULL;
	bool asked = false;
	size_t n = 0;
	int parsed = crypt_cli_parse(argc, argv, &o), r = parsed;

	if (!r && !o.help) {
		/* a protected SSH key asks its passphrase while the identities are read */
		ui_catch_interrupts();
		o.src.abort = &ui_interrupted;
		r = load_identities(&o, &ids, &n);
	}
	if (!r && !o.help)
		r = check_output(&o);
	if (!r && !o.help)
		r = decrypt_run(&o, ids, &asked);
	if (!parsed && !o.help)
		audit(&o, "identities", n, asked, r);
	age_identities_free(ids);
	crypt_cli_free(&o);
	return r;
}
