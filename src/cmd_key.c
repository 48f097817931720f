// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu key: signing keys in minisign's own formats, so that stock minisign
 * signs with a kesu key and kesu with a minisign key. The public key's
 * comment carries the role and the name the key is made for. With --age,
 * an X25519 identity for kesu decrypt and stock age, in age-keygen's format.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cert/sig.h" /* and minisign.h */
#include "crypt/age.h"
#include "file.h"
#include "kesu.h"
#include "log.h"
#include "outfile.h"
#include "passphrase.h"
#include "secmem.h"
#include "key_cmd.h"

static const int key_exits[] = { KESU_EXIT_SUCCESS,	  KESU_EXIT_FAILURE, KESU_EXIT_USAGE,
				 KESU_EXIT_NOT_CONFIRMED, KESU_EXIT_IO,	     KESU_EXIT_ABORTED,
				 KESU_EXIT_WEAK };

struct keygen_opts {
	const char *role, *name, *out;
	struct pass_source pass;
	bool age, force, allow_weak, help;
};

int key_help_print(void)
{
	fputs("usage: kesu key generate --role operator|approver|contractor|inspector --name NAME\n"
	      "                         -o FILE [--passphrase-fd N | --passphrase-file F]\n"
	      "                         [--allow-weak]\n"
	      "       kesu key generate --age -o FILE [--force]\n"
	      "       kesu key show FILE\n"
	      "\n"
	      "Make and inspect signing keys in minisign's formats: FILE holds the secret key\n"
	      "(scrypt-protected, mode 0600), FILE.pub the public key with the role and name.\n"
	      "\n"
	      "  -r, --role ROLE          operator, approver, contractor or inspector\n"
	      "  -n, --name NAME          who the key belongs to (UTF-8, no control characters,\n"
	      "                           at most 256 bytes)\n"
	      "  -o, --output FILE        the secret key; the public key goes to FILE.pub;\n"
	      "                           neither may exist\n"
	      "      --passphrase-fd N    read the passphrase from descriptor N (one line)\n"
	      "      --passphrase-file F  read the passphrase from the first line of F\n"
	      "                           (default: ask twice on the terminal)\n"
	      "      --allow-weak         accept a passphrase the strength check refuses\n"
	      "      --age                an age X25519 identity for kesu decrypt and age -d,\n"
	      "                           in age-keygen's format (mode 0600); its public key\n"
	      "                           (age1...) is printed and kept in a comment line\n"
	      "      --force              --age: replace an existing FILE\n"
	      "      --debug              debug messages\n"
	      "  -h, --help               this help\n",
	      stdout);
	ui_print_exit_status(stdout, key_exits, sizeof(key_exits) / sizeof(key_exits[0]));
	return KESU_EXIT_SUCCESS;
}

/* an option given twice is a mistake, not a choice */
static int set_once(const char **dst, const char *opt)
{
	if (*dst)
		return ui_usage_error("key", "%s given twice", opt);
	*dst = optarg;
	return 0;
}

static int keygen_opt(int c, char **argv, struct keygen_opts *o, const struct option *longopts)
{
	switch (c) {
	case 'r': return set_once(&o->role, "--role");
	case 'n': return set_once(&o->name, "--name");
	case 'o': return set_once(&o->out, "--output");
	case 'F':
	case 'f': return ui_pass_opt("key", &o->pass, c == 'f', optarg);
	case 'D': ui_debug = true; return 0;
	case 'A': o->age = true; return 0;
	case 'X': o->force = true; return 0;
	case 'W': o->allow_weak = true; return 0;
	case 'h': o->help = true; return 0;
	default: return ui_option_error("key", c, argv, longopts);
	}
}

/* an age identity has no role, name or passphrase: age-keygen writes it in clear */
static int keygen_parse_age(const struct keygen_opts *o)
{
	if (o->role || o->name)
		return ui_usage_error("key", "--age keys have no --role or --name");
	if (pass_source_given(&o->pass) || o->allow_weak)
		return ui_usage_error("key", "--age keys are not passphrase-protected "
					     "(age-keygen's format): keep the file 0600");
	if (!o->out)
		return ui_usage_error("key", "--output is required");
	return 0;
}

static int keygen_parse(int argc, char **argv, struct keygen_opts *o)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "passphrase-fd", required_argument, NULL, 'f' },
		{ "passphrase-file", required_argument, NULL, 'F' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "age", no_argument, NULL, 'A' },
		{ "force", no_argument, NULL, 'X' },
		{ "allow-weak", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:n:o:h", longopts, NULL)) != -1)
		if ((r = keygen_opt(c, argv, o, longopts)))
			return r;
	if (o->help)
		return 0;
	if (optind != argc)
		return ui_usage_error("key", "unexpected argument '%s'", ui_safe(argv[optind]));
	if (o->age)
		return keygen_parse_age(o);
	if (o->force)
		return ui_usage_error("key", "--force is for --age keys only");
	if (!cert_key_role_valid(o->role))
		return ui_usage_error("key",
				      "--role operator, approver, contractor or inspector is "
				      "required");
	if (!o->name)
		return ui_usage_error("key", "--name is required");
	if (!o->out)
		return ui_usage_error("key", "--output is required");
	return 0;
}

/*
 * The new key's passphrase: asked twice on a terminal; nothing of it is
 * printed. It is checked as every new passphrase is: the key signs
 * certificates, and its file may be copied wherever it goes.
 */
static int keygen_passphrase(struct keygen_opts *o, char **pass)
{
	struct pass_request req = { .src = &o->pass,
				    .prompt = "passphrase for the new key",
				    .create = true,
				    .allow_weak = o->allow_weak };
	int r;

	ui_catch_interrupts();
	o->pass.abort = &ui_interrupted;
	r = pass_resolve(&req, pass);
	pass_source_close(&o->pass);
	return ui_exit(r, UI_CTX_PASS);
}

/* the scrypt cost of a new key: minisign's, or a cheap one for the test suite */
static struct minisign_kdf keygen_kdf(void)
{
	struct minisign_kdf kdf = minisign_kdf_default();

#ifdef KESU_TEST_HOOKS
	/* test builds only: seconds and a gigabyte per key would make the suite crawl */
	if (getenv("KESU_TEST_WEAK_KDF")) {
		kdf.opslimit = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE;
		kdf.memlimit = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE;
	}
#endif
	return kdf;
}

static int check_dest(const char *path, unsigned flags)
{
	int r = outfile_check_path(path, flags);

	if (r == -EEXIST) {
		ui_err("%s: a file of that name exists%s", ui_safe(path),
		       (flags & OUTFILE_PRIVATE) ? " (--force replaces it)" : "");
		return KESU_EXIT_FAILURE;
	}
	if (r == -EISDIR)
		return ui_usage_error("key", "%s: is a directory", ui_safe(path));
	if (r == -ENOTTY)
		return ui_usage_error("key", "%s: exists and is not a regular file", ui_safe(path));
	if (r == -EINVAL)
		return ui_usage_error("key", "--output: empty file name");
	if (r) {
		ui_err("%s: %s", ui_safe(path), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

struct keygen_files {
	struct outfile sec, pub;
	char *sec_text, *pub_text;
};

/*
 * The secret key first, then the public key; a secret key without its
 * public key is of no use to anyone, so it is removed again.
 */
static int keygen_commit(struct keygen_files *k, const char *out, const char *pub_path)
{
	int r = outfile_commit(&k->sec, k->sec_text, strlen(k->sec_text));

	if (r) {
		ui_err("%s: cannot write: %s", ui_safe(out), strerror(-r));
		if (k->sec.final_path)
			unlink(k->sec.final_path);
		return KESU_EXIT_FAILURE;
	}
	r = outfile_commit(&k->pub, k->pub_text, strlen(k->pub_text));
	if (r) {
		ui_err("%s: cannot write: %s", ui_safe(pub_path), strerror(-r));
		unlink(k->sec.final_path);
		return KESU_EXIT_FAILURE;
	}
	return 0;
}

void key_print(const struct minisign_pubkey *pub, const struct minisign_identity *id)
{
	char keyid[17], fpr[MINISIGN_FPR_LEN];

	/* the key id is minisign's, chosen by whoever made the key: only the fingerprint is checked */
	minisign_keyid(pub->keynum, keyid);
	minisign_fingerprint(pub->pk, fpr);
	printf("fingerprint: %s\n", fpr);
	printf("key id: %s\n", keyid);
	printf("role: %s\n", id ? id->role : "-");
	printf("name: %s\n", id ? id->name : "-");
}

static int keygen_make(struct keygen_opts *o, const char *pub_path, const char *comment,
		       struct keygen_files *k)
{
	struct minisign_kdf kdf = keygen_kdf();
	struct minisign_seckey *sec = NULL;
	struct minisign_pubkey pub;
	struct minisign_identity id;
	char *pass = NULL;
	int r;

	r = keygen_passphrase(o, &pass);
	if (r)
		return r;
	r = minisign_keygen(&sec, &pub);
	if (!r)
		r = minisign_seckey_format(sec, pass, &kdf, NULL, &k->sec_text);
	if (!r)
		r = minisign_pubkey_format(&pub, comment, &k->pub_text);
	minisign_seckey_free(sec);
	passphrase_free(pass);
	if (r) {
		ui_err("%s: cannot make the key: %s", ui_safe(o->out), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	r = keygen_commit(k, o->out, pub_path);
	if (r)
		return r;
	minisign_identity_parse(comment, &id);
	key_print(&pub, &id);
	printf("secret key: %s\npublic key: %s\n", ui_safe(o->out), ui_safe(pub_path));
	return KESU_EXIT_SUCCESS;
}

/* RFC 3339 local time with its offset, as age-keygen writes "# created:" */
static void rfc3339_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	long off;
	size_t n;

	localtime_r(&now, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	if (!off)
		snprintf(buf + n, len - n, "Z");
	else
		snprintf(buf + n, len - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 60,
			 labs(off) % 60);
}

/* age-keygen's file: two comment lines, then the key; in secure memory */
static int age_key_text(const char *secret, const char *pub, char **text)
{
	char created[40];
	size_t len;

	rfc3339_now(created, sizeof(created));
	len = strlen(created) + strlen(pub) + strlen(secret) + 32;
	*text = secmem_alloc(len);
	if (!*text)
		return -ENOMEM;
	snprintf(*text, len, "# created: %s\n# public key: %s\n%s\n", created, pub, secret);
	return 0;
}

/* an age identity into o->out; @pub: its public key, "" until there is one */
static int key_generate_age(const struct keygen_opts *o, char pub[128])
{
	unsigned flags = OUTFILE_PRIVATE | (o->force ? OUTFILE_REPLACE : 0);
	struct outfile of = { .fd = -1, .dirfd = -1 };
	char *secret = NULL, *text = NULL;
	int r = check_dest(o->out, flags);

	if (r)
		return r;
	r = outfile_reserve(&of, o->out, 1024, flags);
	if (r) {
		ui_err("%s: %s", ui_safe(o->out), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	r = age_keygen(&secret, pub);
	if (!r)
		r = age_key_text(secret, pub, &text);
	if (!r)
		r = outfile_commit(&of, text, strlen(text));
	secmem_free(text);
	secmem_free(secret);
	outfile_release(&of);
	if (r) {
		ui_err("%s: cannot write the identity: %s", ui_safe(o->out), strerror(-r));
		return KESU_EXIT_FAILURE;
	}
	printf("public key: %s\nidentity: %s\n", pub, ui_safe(o->out));
	return KESU_EXIT_SUCCESS;
}

/*
 * The security log's record (policy Art. 69): the key id and the public key
 * line of the .pub file (or the age recipient); never the passphrase or the
 * secret key.
 */
static void keygen_audit(const struct keygen_opts *o, const char *pub_text, const char *age_pub,
			 int code)
{
	const char *line = pub_text ? strchr(pub_text, '\n') : NULL;
	struct minisign_pubkey pub;
	char id[17] = "", pk[128] = "", rc[12];

	if (line && !minisign_pubkey_parse(pub_text, strlen(pub_text), &pub)) {
		minisign_keyid(pub.keynum, id);
		snprintf(pk, sizeof(pk), "%.*s", (int)strcspn(line + 1, "\n"), line + 1);
	} else if (age_pub) {
		snprintf(pk, sizeof(pk), "%s", age_pub);
	}
	snprintf(rc, sizeof(rc), "%d", code);
	kesu_audit("key generate", "role", o->age ? "age" : o->role, "name", o->name, "key_id",
		   *id ? id : NULL, "public_key", *pk ? pk : NULL, "output", o->out, "result",
		   code ? "failed" : "success", "exit", rc, "user", ui_who(), NULL);
}

static int key_generate(int argc, char **argv)
{
	struct keygen_opts o = { .pass = PASS_SOURCE_INIT };
	struct keygen_files k = { .sec = { .fd = -1, .dirfd = -1 },
				  .pub = { .fd = -1, .dirfd = -1 } };
	char *comment = NULL, *pub_path = NULL, age_pub[128] = "";
	int r;

	r = keygen_parse(argc, argv, &o);
	if (r || o.help)
		return o.help ? key_help_print() : r;
	if (o.age) {
		r = key_generate_age(&o, age_pub);
		keygen_audit(&o, NULL, age_pub, r);
		return r;
	}
	if (minisign_identity_comment(o.role, o.name, &comment))
		return ui_usage_error("key",
				      "invalid --name: 1 to %d bytes of UTF-8 without "
				      "control characters",
				      MINISIGN_NAME_MAX);
	if (asprintf(&pub_path, "%s.pub", o.out) < 0) {
		free(comment);
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	/* both destinations are found usable before a passphrase is asked */
	r = check_dest(o.out, 0);
	if (!r)
		r = check_dest(pub_path, 0);
	if (!r && (r = outfile_reserve(&k.sec, o.out, 1024, OUTFILE_PRIVATE)))
		ui_err("%s: %s", ui_safe(o.out), strerror(-r));
	else if (!r && (r = outfile_reserve(&k.pub, pub_path, 1024, 0)))
		ui_err("%s: %s", ui_safe(pub_path), strerror(-r));
	if (r < 0)
		r = KESU_EXIT_FAILURE;
	if (!r)
		r = keygen_make(&o, pub_path, comment, &k);
	keygen_audit(&o, r ? NULL : k.pub_text, NULL, r);
	outfile_release(&k.sec);
	outfile_release(&k.pub);
	free(k.sec_text);
	free(k.pub_text);
	free(comment);
	free(pub_path);
	return r;
}

static const struct ui_command subs[] = {
	{ "generate", key_generate, "", "make a signing key (minisign) or an age identity" },
	{ "show", key_show, "", "show a key's id, role and name" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_key(int argc, char **argv)
{
	return ui_dispatch("key", subs, argc, argv);
}
