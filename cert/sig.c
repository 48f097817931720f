// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "file.h"
#include "sig.h"
#include "text.h"

#define TRUSTED_PREFIX "kesu-certificate/1 "
#define CERT_X509_ROLES_MAX (64 * 1024)
#define NO_APPROVER_BINDING                                                                        \
	"no X.509 certificate is bound to the approver role: set [trust] approver_oid in "         \
	"kesu.conf or list approvers in " CERT_X509_ROLES " of the trust store (kesu-cert(8))"
#define NO_INSPECTOR_BINDING                                                                       \
	"no X.509 certificate is bound to the inspector role: list inspectors in " CERT_X509_ROLES \
	" of the trust store (kesu-cert(8))"

static const char *const role_names[CERT_NSIGNERS] = { "operator", "approver", "inspector" };

const char *cert_role_name(enum cert_role r)
{
	return r < CERT_NSIGNERS ? role_names[r] : "unknown";
}

bool cert_key_role_valid(const char *key_role)
{
	return key_role &&
	       (!strcmp(key_role, "operator") || !strcmp(key_role, "approver") ||
		!strcmp(key_role, CERT_KEY_ROLE_CONTRACTOR) || !strcmp(key_role, "inspector"));
}

bool cert_key_signs_as(const char *key_role, enum cert_role role)
{
	return !strcmp(key_role, cert_role_name(role)) ||
	       (role == CERT_ROLE_OPERATOR && !strcmp(key_role, CERT_KEY_ROLE_CONTRACTOR));
}

int cert_role_parse(const char *s, enum cert_role *r)
{
	for (int i = 0; i < CERT_NSIGNERS; i++)
		if (!strcmp(s, role_names[i])) {
			*r = (enum cert_role)i;
			return 0;
		}
	return -EINVAL;
}

struct trusted_key {
	struct minisign_pubkey pub;
	struct minisign_identity who;
	char fpr[MINISIGN_FPR_LEN];
	char *path; /* the file it came from, to name it */
};

struct cert_trust {
	struct trusted_key *keys;
	size_t n;
	struct cms_trust *cms; /* NULL: no CA given */
	/* which X.509 certificates sign for each role; NULL: none configured */
	struct cms_binding *bind[CERT_NSIGNERS];
	/* X.509 certificates of contractors' technicians: they sign as operator, as contractors */
	struct cms_binding *contractor;
};

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* a public key of the store: one that anyone may replace binds no one */
static int trust_read(const char *path, struct trusted_key *k, char *why, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	mode_t mode = 0;
	int r = file_read_flags(path, 4096, 0, &buf, &n, &mode);

	if (!r && (mode & S_IWOTH))
		r = -EPERM;
	else if (!r)
		r = minisign_pubkey_parse(buf, n, &k->pub);
	free(buf);
	if (r == -EINVAL || r == -EFBIG)
		r = -EBADMSG;
	if (!r && minisign_identity_parse(k->pub.comment, &k->who) == -EBADMSG) {
		snprintf(why, len,
			 "%s: its comment is not \"kesu role=ROLE name=NAME\", with "
			 "\" retired=YYYY-MM-DD\" at the end for a retired key",
			 path);
		return -EBADMSG;
	}
	if (!r && !k->who.role[0])
		r = -ENOENT;
	if (r == -EPERM)
		snprintf(why, len, "%s: anyone may write to it (chmod o-w)", path);
	else if (r == -ENOENT)
		snprintf(why, len, "%s: no \"kesu role=ROLE name=NAME\" comment", path);
	else if (r == -EBADMSG)
		snprintf(why, len, "%s: not a kesu public key", path);
	else if (r)
		snprintf(why, len, "%s: %s", path, strerror(-r));
	return r == -ENOENT ? -EBADMSG : r;
}

/*
 * Signatures find their key by key number, which whoever made the key chose:
 * two keys with one number (a colleague's number spliced onto another key)
 * would let either pass for the other. One public key under two names is
 * one person holding two identities. Both are refused.
 */
static int trust_unique(const struct cert_trust *t, const struct trusted_key *k, char *why,
			size_t len)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct trusted_key *o = &t->keys[i];
		bool num = !memcmp(o->pub.keynum, k->pub.keynum, MINISIGN_KEYNUM_BYTES);

		if (!num && memcmp(o->pub.pk, k->pub.pk, MINISIGN_PK_BYTES))
			continue;
		snprintf(why, len,
			 "%s and %s have the same %s (fingerprints %s and %s): remove the one "
			 "whose fingerprint its owner does not confirm",
			 o->path, k->path, num ? "key id" : "public key", o->fpr, k->fpr);
		return -EEXIST;
	}
	return 0;
}

static int trust_add(struct cert_trust *t, const char *path, char *why, size_t len)
{
	struct trusted_key k = { 0 }, *grown;
	int r = trust_read(path, &k, why, len);

	if (r)
		return r;
	minisign_fingerprint(k.pub.pk, k.fpr);
	k.path = strdup(path);
	if (!k.path)
		return -ENOMEM;
	r = trust_unique(t, &k, why, len);
	grown = r ? NULL : realloc(t->keys, (t->n + 1) * sizeof(*grown));
	if (!grown) {
		free(k.path);
		return r ? r : -ENOMEM;
	}
	t->keys = grown;
	t->keys[t->n++] = k;
	return 0;
}

/* the directory: anyone who may write to it may add a key */
static int trust_dir_check(const char *dir, char *why, size_t len)
{
	struct stat st;

	if (stat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(why, len, "%s: anyone may write to it (chmod o-w)", dir);
		return -EPERM;
	}
	return 0;
}

int cert_trust_load(const char *dir, struct cert_trust **out, char *why, size_t len)
{
	struct cert_trust *t = calloc(1, sizeof(*t));
	struct dirent **ents = NULL;
	int n, r = 0;

	snprintf(why, len, "%s", dir);
	if (!t)
		return -ENOMEM;
	if (!dir) {
		*out = t;
		return 0;
	}
	r = trust_dir_check(dir, why, len);
	/* sorted, so that the same directory always gives the same store */
	n = r ? -1 : scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		r = r ? r : -errno;
		free(t);
		return r;
	}
	for (int i = 0; i < n; i++) {
		char *path = NULL;

		if (!r && ents[i]->d_name[0] != '.' && has_suffix(ents[i]->d_name, ".pub")) {
			if (asprintf(&path, "%s/%s", dir, ents[i]->d_name) < 0)
				r = -ENOMEM;
			else
				r = trust_add(t, path, why, len);
			free(path);
		}
		free(ents[i]);
	}
	free(ents);
	if (r) {
		cert_trust_free(t);
		return r;
	}
	*out = t;
	return 0;
}

int cert_trust_load_ca(struct cert_trust *t, const char *ca_file, char *why, size_t len)
{
	return cms_trust_load(ca_file, &t->cms, why, len);
}

static int bind_for(struct cert_trust *t, enum cert_role role)
{
	return t->bind[role] ? 0 : cms_binding_new(&t->bind[role]);
}

/* "ROLE SUBJECT" lines of DIR/x509-roles; '#' comments and blank lines */
static int bind_subjects(struct cert_trust *t, const char *path, char *buf, char *why, size_t len)
{
	enum cert_role role;
	char *line, *next, *subject;
	int n = 0, r = 0;

	for (line = buf; !r && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n++;
		line[strcspn(line, "\r")] = '\0';
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		subject = line + strcspn(line, " \t");
		if (*subject)
			*subject++ = '\0';
		subject += strspn(subject, " \t");
		/* as `openssl x509 -subject` prints it, the label copied with it */
		if (!strncmp(subject, "subject=", 8))
			subject += 8;
		if (*subject && !strcmp(line, CERT_KEY_ROLE_CONTRACTOR)) {
			r = t->contractor ? 0 : cms_binding_new(&t->contractor);
			if (!r)
				r = cms_binding_add_subject(t->contractor, subject);
			continue;
		}
		if (cert_role_parse(line, &role) || !*subject) {
			snprintf(why, len,
				 "%s:%d: not \"ROLE SUBJECT\" (ROLE operator, approver, inspector "
				 "or contractor)",
				 path, n);
			return -EBADMSG;
		}
		r = bind_for(t, role);
		if (!r)
			r = cms_binding_add_subject(t->bind[role], subject);
	}
	return r;
}

int cert_trust_bind_contractor(struct cert_trust *t, const char *oids, char *why, size_t len)
{
	char ewhy[200];
	int r;

	if (!oids || !*oids)
		return 0;
	r = t->contractor ? 0 : cms_binding_new(&t->contractor);
	if (!r && (r = cms_binding_add_oids(t->contractor, oids, ewhy, sizeof(ewhy))))
		snprintf(why, len, "%s OIDs: %s", CERT_KEY_ROLE_CONTRACTOR, ewhy);
	return r;
}

int cert_trust_bind_x509(struct cert_trust *t, const char *dir, const char *const oids[CERT_NROLES],
			 char *why, size_t len)
{
	char *path = NULL, *buf = NULL, ewhy[200];
	size_t n;
	int r = 0;

	for (int i = 0; !r && i < CERT_NROLES; i++) {
		if (!oids[i] || !*oids[i])
			continue;
		r = bind_for(t, (enum cert_role)i);
		if (!r && (r = cms_binding_add_oids(t->bind[i], oids[i], ewhy, sizeof(ewhy))))
			snprintf(why, len, "%s OIDs: %s", role_names[i], ewhy);
	}
	if (r || !dir)
		return r;
	if (asprintf(&path, "%s/" CERT_X509_ROLES, dir) < 0)
		return -ENOMEM;
	r = file_read(path, CERT_X509_ROLES_MAX, &buf, &n);
	if (r == -ENOENT) {
		r = 0;
	} else if (r) {
		snprintf(why, len, "%s: %s", path, strerror(-r));
	} else if (memchr(buf, '\0', n)) {
		snprintf(why, len, "%s: a NUL byte", path);
		r = -EBADMSG;
	} else {
		r = bind_subjects(t, path, buf, why, len);
	}
	free(buf);
	free(path);
	return r;
}

void cert_trust_free(struct cert_trust *t)
{
	if (!t)
		return;
	cms_trust_free(t->cms);
	for (int i = 0; i < CERT_NSIGNERS; i++)
		cms_binding_free(t->bind[i]);
	cms_binding_free(t->contractor);
	for (size_t i = 0; i < t->n; i++)
		free(t->keys[i].path);
	free(t->keys);
	free(t);
}

size_t cert_trust_count(const struct cert_trust *t)
{
	return t ? t->n : 0;
}

struct cert_signer {
	struct minisign_seckey *sec; /* or */
	struct cms_signer *cms;
	struct minisign_identity who;
	char key_id[17];
	struct minisign_pubkey pub; /* minisign: the public half, with KEY.pub's comment */
	char fpr[MINISIGN_FPR_LEN]; /* minisign: the fingerprint; X.509: "" */
};

/* an X.509 signer's key id: a short hash of its common name, so one person is one id */
static void cn_key_id(const char *cn, char out[17])
{
	unsigned char h[8];

	crypto_generichash(h, sizeof(h), (const unsigned char *)cn, strlen(cn), NULL, 0);
	sodium_bin2hex(out, 17, h, sizeof(h));
}

int cert_signer_load_cms(const char *cert_pem, const char *key_pem, const char *pass,
			 enum cert_role role, struct cert_signer **out, char *why, size_t len)
{
	struct cert_signer *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	r = cms_signer_load(cert_pem, key_pem, pass, &s->cms, why, len);
	if (!r)
		r = cms_signer_cn(s->cms, s->who.name, sizeof(s->who.name), why, len);
	if (r) {
		cert_signer_free(s);
		return r;
	}
	snprintf(s->who.role, sizeof(s->who.role), "%s", cert_role_name(role));
	cn_key_id(s->who.name, s->key_id);
	*out = s;
	return 0;
}

int cert_signer_bound(const struct cert_trust *t, const struct cert_signer *s, enum cert_role role,
		      char *why, size_t len)
{
	if (!s->cms)
		return 0;
	if (role != CERT_ROLE_OPERATOR && (!t || cms_binding_empty(t->bind[role]))) {
		snprintf(why, len, "%s",
			 role == CERT_ROLE_APPROVER ? NO_APPROVER_BINDING : NO_INSPECTOR_BINDING);
		return -EACCES;
	}
	return cms_signer_bound(s->cms, t ? t->bind[role] : NULL, why, len);
}

const char *cert_signer_ext(const struct cert_signer *s)
{
	return s->cms ? "p7s" : "minisig";
}

int cert_signer_load(const char *key_path, const char *pass, struct cert_signer **out)
{
	struct cert_signer *s = calloc(1, sizeof(*s));
	struct minisign_pubkey pub, mine;
	char *pub_path = NULL;
	int r;

	if (!s || asprintf(&pub_path, "%s.pub", key_path) < 0) {
		free(s);
		return -ENOMEM;
	}
	r = minisign_pubkey_load(pub_path, &pub);
	if (!r)
		r = minisign_identity_parse(pub.comment, &s->who) ? -EBADMSG : 0;
	if (!r)
		r = minisign_seckey_load(key_path, pass, &s->sec);
	if (!r) {
		/* KEY.pub must be the public half of KEY: the identity is read from it */
		minisign_pubkey_from_seckey(s->sec, &mine);
		if (memcmp(mine.pk, pub.pk, sizeof(mine.pk)) ||
		    memcmp(mine.keynum, pub.keynum, sizeof(mine.keynum)))
			r = -EBADMSG;
		minisign_keyid(mine.keynum, s->key_id);
		minisign_fingerprint(mine.pk, s->fpr);
		s->pub = pub;
	}
	free(pub_path);
	if (r) {
		cert_signer_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void cert_signer_free(struct cert_signer *s)
{
	if (!s)
		return;
	minisign_seckey_free(s->sec);
	cms_signer_free(s->cms);
	free(s);
}

const char *cert_signer_role(const struct cert_signer *s)
{
	return s->who.role;
}

const char *cert_signer_name(const struct cert_signer *s)
{
	return s->who.name;
}

const char *cert_signer_key_id(const struct cert_signer *s)
{
	return s->key_id;
}

const char *cert_signer_fingerprint(const struct cert_signer *s)
{
	return s->fpr;
}

int cert_sign(const struct cert_signer *s, const void *doc, size_t len, const char *id,
	      enum cert_role role, const char *self_reason, void **sig, size_t *siglen)
{
	char stamp[32], *name = NULL, *reason = NULL, *trusted = NULL, *text = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int r;

	if (!cert_key_signs_as(s->who.role, role))
		return -EPERM;
	if (s->cms) {
		char why[256];

		if (self_reason)
			return -EOPNOTSUPP;
		return cms_signer_sign(s->cms, doc, len, (unsigned char **)sig, siglen, why,
				       sizeof(why));
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	r = text_escape(s->who.name, &name);
	if (!r && self_reason)
		r = text_escape(self_reason, &reason);
	if (!r && asprintf(&trusted, TRUSTED_PREFIX "id=%s role=%s name=\"%s\" time=%s%s%s%s", id,
			   cert_role_name(role), name, stamp, reason ? " self_approval=\"" : "",
			   reason ? reason : "", reason ? "\"" : "") < 0) {
		trusted = NULL;
		r = -ENOMEM;
	}
	if (!r)
		r = minisign_sign(s->sec, doc, len, trusted, NULL, &text);
	if (!r) {
		*sig = text;
		*siglen = strlen(text);
	}
	free(name);
	free(reason);
	free(trusted);
	return r;
}

char *cert_sig_path(const char *cert_path, enum cert_role role, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s.%s.%s", cert_path, cert_role_name(role), ext) < 0)
		return NULL;
	return p;
}

/* The value of " KEY=" in a trusted comment: bare up to a space, or quoted with escapes. */
static int tc_get(const char *tc, const char *key, char *out, size_t len)
{
	char pat[32];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(tc, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	if (*p != '"') {
		n = strcspn(p, " ");
		if (n >= len)
			return -EBADMSG;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	for (p++; *p && *p != '"'; p++) {
		char c = *p;
		unsigned int x;

		if (c == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &x) == 1) {
			c = (char)x;
			p += 3;
		} else if (c == '\\' && p[1]) {
			c = *++p;
		}
		if (n + 1 >= len)
			return -EBADMSG;
		out[n++] = c;
	}
	if (*p != '"')
		return -EBADMSG;
	out[n] = '\0';
	return 0;
}

static const struct trusted_key *trust_find(const struct cert_trust *t, const uint8_t *keynum)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!memcmp(t->keys[i].pub.keynum, keynum, MINISIGN_KEYNUM_BYTES))
			return &t->keys[i];
	return NULL;
}

/* What the trusted comment says must be this certificate and this role. */
static int check_comment(const char *tc, const char *id, enum cert_role role,
			 struct cert_sig_check *out)
{
	char v[64], r[16];

	if (strncmp(tc, TRUSTED_PREFIX, strlen(TRUSTED_PREFIX)) || tc_get(tc, "id", v, sizeof(v)) ||
	    tc_get(tc, "role", r, sizeof(r))) {
		snprintf(out->why, sizeof(out->why),
			 "its trusted comment is not a kesu certificate's (no id or role)");
		return -EBADMSG;
	}
	if (strcmp(v, id) || strcmp(r, cert_role_name(role))) {
		snprintf(out->why, sizeof(out->why), "the signature is for the %s of %s", r, v);
		return -EKEYREJECTED;
	}
	if (tc_get(tc, "time", out->time, sizeof(out->time))) {
		snprintf(out->why, sizeof(out->why), "its trusted comment has no time");
		return -EBADMSG;
	}
	out->self_approval =
		tc_get(tc, "self_approval", out->self_reason, sizeof(out->self_reason)) == 0;
	return 0;
}

/*
 * CMS: the chain to the organisation's CA is the trust, the binding of the
 * role says which of its certificates may sign for it; the common name is
 * the name. Without a binding, any signing certificate of the PKI may sign
 * as operator (it says who did the work), but none may approve or inspect:
 * an organisation's PKI certifies every employee, and the approval is the
 * check of Art. 6 that someone entitled to approve has looked (an
 * inspection, that someone entitled to inspect has).
 */
static int check_cms(const char *der, size_t dlen, const void *doc, size_t len, enum cert_role role,
		     const struct cert_trust *t, struct cert_sig_check *out)
{
	bool unbound;
	int r;

	if (!t || !t->cms) {
		snprintf(out->why, sizeof(out->why),
			 "a CMS signature, and no --trust-ca was given");
		return -EACCES;
	}
	/*
	 * a contractor's certificate is one, whatever else binds it: taken for an
	 * operator's, it would count for assets never handed to the contractor
	 */
	if (role == CERT_ROLE_OPERATOR && !cms_binding_empty(t->contractor)) {
		r = cms_verify_trust(doc, len, (const unsigned char *)der, dlen, t->cms,
				     t->contractor, out->name, sizeof(out->name), out->why,
				     sizeof(out->why));
		out->contractor = r == 0;
		if (r != -EACCES)
			goto named;
	}
	/* checked all the same, so that a changed certificate is reported as such */
	unbound = role != CERT_ROLE_OPERATOR && cms_binding_empty(t->bind[role]);
	r = cms_verify_trust(doc, len, (const unsigned char *)der, dlen, t->cms,
			     unbound ? NULL : t->bind[role], out->name, sizeof(out->name), out->why,
			     sizeof(out->why));
	if (!r && unbound) {
		snprintf(out->why, sizeof(out->why), "%s",
			 role == CERT_ROLE_APPROVER ? NO_APPROVER_BINDING : NO_INSPECTOR_BINDING);
		r = -EACCES;
	}
named:
	if (!r)
		cn_key_id(out->name, out->key_id);
	if (r == -ENOMEM || r == -EKEYREJECTED || r == -EACCES || !r)
		return r;
	return r == -ENOKEY ? -EACCES : -EBADMSG;
}

/*
 * The name and role are the trust store's; the signed trusted comment, made
 * from the signer's own KEY.pub, must say the same, or what stock minisign
 * shows for the signature is not what kesu reports.
 */
static int check_signer(const char *tc, const struct trusted_key *k, enum cert_role role,
			struct cert_sig_check *out)
{
	char name[MINISIGN_NAME_MAX + 1];

	if (!cert_key_signs_as(k->who.role, role)) {
		snprintf(out->why, sizeof(out->why), "key %s (%.100s) is trusted as %s, not %s",
			 out->fpr, k->who.name, k->who.role, cert_role_name(role));
		return -EACCES;
	}
	out->contractor = !strcmp(k->who.role, CERT_KEY_ROLE_CONTRACTOR);
	if (tc_get(tc, "name", name, sizeof(name))) {
		snprintf(out->why, sizeof(out->why), "its trusted comment names no signer");
		return -EBADMSG;
	}
	if (!text_name_same(name, k->who.name)) {
		snprintf(out->why, sizeof(out->why),
			 "its trusted comment names %.72s, the trust store has %.72s for key %s",
			 name, k->who.name, out->fpr);
		return -EKEYREJECTED;
	}
	return 0;
}

int cert_time_parse(const char *s, int64_t *t)
{
	struct tm tm = { 0 }, back;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	time_t v;

	if (!end || *end || strlen(s) != 20)
		return -EINVAL;
	back = tm;
	v = timegm(&tm);
	/* strptime takes Feb 30; timegm moves it to March */
	if (v == (time_t)-1 || tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon)
		return -EINVAL;
	*t = (int64_t)v;
	return 0;
}

/*
 * A retired key speaks for its owner until the day it was retired. Which
 * time counts is the caller's: the ledger's record of when it received the
 * signature, or else the signer's own clock, which only the signer vouches for.
 */
static int check_retired(const struct trusted_key *k, int64_t at, struct cert_sig_check *out)
{
	int64_t signed_at = 0;
	bool claimed = !at;

	if (!k->who.retired_on[0])
		return 0;
	snprintf(out->retired, sizeof(out->retired), "%s", k->who.retired_on);
	if (claimed && cert_time_parse(out->time, &signed_at)) {
		snprintf(out->why, sizeof(out->why),
			 "key %s (%.100s) was retired on %s, and the signature's time \"%.32s\" "
			 "cannot be read",
			 out->fpr, k->who.name, k->who.retired_on, out->time);
		return -EACCES;
	}
	if ((claimed ? signed_at : at) < k->who.retired)
		return 0;
	if (claimed)
		snprintf(out->why, sizeof(out->why),
			 "key %s (%.100s) retired on %s; signed %s (the signer's own claim)",
			 out->fpr, k->who.name, k->who.retired_on, out->time);
	else
		snprintf(out->why, sizeof(out->why),
			 "key %s (%.100s) retired on %s, before it was "
			 "recorded",
			 out->fpr, k->who.name, k->who.retired_on);
	return -EACCES;
}

/* a key gone from the store: what its signature says of the signer, for naming it */
static void gone_signer(const struct minisign_sig *sig, struct cert_sig_check *out)
{
	out->gone = true;
	if (!strncmp(sig->trusted, TRUSTED_PREFIX, strlen(TRUSTED_PREFIX)) &&
	    tc_get(sig->trusted, "name", out->signed_name, sizeof(out->signed_name)))
		out->signed_name[0] = '\0';
}

static int check_minisig(const char *text, size_t tlen, const void *doc, size_t len, const char *id,
			 enum cert_role role, const struct cert_trust *t, int64_t at,
			 struct cert_sig_check *out)
{
	const struct trusted_key *k;
	struct minisign_sig sig;
	char *tc = NULL;
	int r = minisign_sig_parse(text, tlen, &sig);

	if (r) {
		snprintf(out->why, sizeof(out->why), "the %s signature is not a minisign signature",
			 cert_role_name(role));
		return r;
	}
	minisign_keyid(sig.keynum, out->key_id);
	k = trust_find(t, sig.keynum);
	if (!k) {
		snprintf(out->why, sizeof(out->why), "key %s is not in the trust store",
			 out->key_id);
		gone_signer(&sig, out);
		return -EACCES;
	}
	snprintf(out->fpr, sizeof(out->fpr), "%s", k->fpr);
	r = minisign_verify(&k->pub, doc, len, text, tlen, &tc);
	if (r == -EKEYREJECTED)
		snprintf(out->why, sizeof(out->why),
			 "the %s signature does not verify with key %s: the certificate or the "
			 "signature changed after signing",
			 cert_role_name(role), out->fpr);
	if (!r)
		r = check_comment(tc, id, role, out);
	if (!r)
		r = check_signer(tc, k, role, out);
	if (!r)
		r = check_retired(k, at, out);
	free(tc);
	if (r)
		return r;
	snprintf(out->name, sizeof(out->name), "%s", k->who.name);
	return 0;
}

int cert_check_sig_at(const char *text, size_t tlen, bool cms, const void *doc, size_t len,
		      const char *id, enum cert_role role, const struct cert_trust *t, int64_t at,
		      struct cert_sig_check *out)
{
	/* X.509 signers leave with a revocation, which the CRLs carry */
	if (cms)
		return check_cms(text, tlen, doc, len, role, t, out);
	return check_minisig(text, tlen, doc, len, id, role, t, at, out);
}

int cert_check_sig_text(const char *text, size_t tlen, bool cms, const void *doc, size_t len,
			const char *id, enum cert_role role, const struct cert_trust *t,
			struct cert_sig_check *out)
{
	return cert_check_sig_at(text, tlen, cms, doc, len, id, role, t, 0, out);
}
