// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * minisign keys and signatures against stock minisign 0.11: the committed
 * signatures in tests/data/minisign/ were made by minisign -S with the keys
 * in tests/data/keys/; Ed25519 is deterministic, so kesu signing the same
 * bytes with the same key and comments must write the very same file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdata.h"

#include <sodium.h>

#include "cert/minisign.h"
#include "secmem.h"

#define TC_OPERATOR                                                                                \
	"kesu-certificate/1 id=0b7c5e3e-4c2f-4d0a-9a51-6f1d2b3c4d5e role=operator "                \
	"name=\"Test Operator\" time=2026-01-01T00:00:00Z"
#define TC_APPROVER                                                                                \
	"kesu-certificate/1 id=0b7c5e3e-4c2f-4d0a-9a51-6f1d2b3c4d5e role=approver "                \
	"name=\"Test Approver\" time=2026-01-01T00:05:00Z"

struct blob {
	char *p;
	size_t len;
};

/* a file of tests/data, whole */
static struct blob data(const char *rel)
{
	struct blob b;

	b.p = test_data_read(rel, &b.len);
	return b;
}

static void pub_of(const char *rel, struct minisign_pubkey *pub)
{
	struct blob b = data(rel);

	assert_int_equal(minisign_pubkey_parse(b.p, b.len, pub), 0);
	free(b.p);
}

static struct minisign_seckey *sec_of(const char *rel, const char *pass)
{
	struct minisign_seckey_file f;
	struct minisign_seckey *sec = NULL;
	struct blob b = data(rel);

	assert_int_equal(minisign_seckey_parse(b.p, b.len, &f), 0);
	assert_int_equal(minisign_seckey_decrypt(&f, pass, &sec), 0);
	free(b.p);
	return sec;
}

/* verify a committed signature; return its trusted comment */
static int check(const char *pub_rel, const char *msg_rel, const char *sig_rel, char **tc)
{
	struct minisign_pubkey pub;
	struct blob m = data(msg_rel), s = data(sig_rel);
	int r;

	pub_of(pub_rel, &pub);
	r = minisign_verify(&pub, m.p, m.len, s.p, s.len, tc);
	free(m.p);
	free(s.p);
	return r;
}

static void test_stock_signatures_verify(void **state)
{
	static const struct {
		const char *pub, *msg, *sig, *tc;
	} v[] = {
		{ "keys/operator.key.pub", "minisign/message.json",
		  "minisign/message.json.operator.minisig", TC_OPERATOR },
		{ "keys/approver.key.pub", "minisign/message.json",
		  "minisign/message.json.approver.minisig", TC_APPROVER },
		{ "keys/operator.key.pub", "minisign/message.json",
		  "minisign/message.json.legacy.minisig", "legacy signature" },
		{ "keys/minisign-nopass.pub", "minisign/message.json",
		  "minisign/message.json.nopass.minisig", "made by minisign -G -W" },
		{ "keys/operator.key.pub", "minisign/empty", "minisign/empty.minisig",
		  "an empty message" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *tc = NULL;

		assert_int_equal(check(v[i].pub, v[i].msg, v[i].sig, &tc), 0);
		assert_string_equal(tc, v[i].tc);
		free(tc);
	}
	/* another key's signature: the key number tells */
	assert_int_equal(check("keys/approver.key.pub", "minisign/message.json",
			       "minisign/message.json.operator.minisig", NULL),
			 -ENOKEY);
	/* the right signature over other bytes */
	assert_int_equal(check("keys/operator.key.pub", "minisign/empty",
			       "minisign/message.json.operator.minisig", NULL),
			 -EKEYREJECTED);
}

/* kesu signs what stock minisign signed: the same bytes come out */
static void sign_like_stock(const char *key, const char *pass, const char *msg, const char *sig,
			    const char *tc)
{
	struct minisign_seckey *sec = sec_of(key, pass);
	struct blob m = data(msg), s = data(sig);
	char *text = NULL;

	assert_int_equal(minisign_sign(sec, m.p, m.len, tc, NULL, &text), 0);
	assert_string_equal(text, s.p);
	minisign_seckey_free(sec);
	free(text);
	free(m.p);
	free(s.p);
}

static void test_sign_matches_stock(void **state)
{
	sign_like_stock("keys/operator.key", "kesu-test-operator", "minisign/message.json",
			"minisign/message.json.operator.minisig", TC_OPERATOR);
	sign_like_stock("keys/approver.key", "kesu-test-approver", "minisign/message.json",
			"minisign/message.json.approver.minisig", TC_APPROVER);
	sign_like_stock("keys/operator.key", "kesu-test-operator", "minisign/empty",
			"minisign/empty.minisig", "an empty message");
	/* a key minisign -G -W stored without a passphrase */
	sign_like_stock("keys/minisign-nopass.key", NULL, "minisign/message.json",
			"minisign/message.json.nopass.minisig", "made by minisign -G -W");
}

static void test_wrong_passphrase(void **state)
{
	struct minisign_seckey_file f;
	struct minisign_seckey *sec = NULL;
	struct blob b = data("keys/operator.key");

	assert_int_equal(minisign_seckey_parse(b.p, b.len, &f), 0);
	assert_true(f.encrypted);
	assert_int_equal(minisign_seckey_decrypt(&f, "kesu-test-approver", &sec), -EKEYREJECTED);
	assert_int_equal(minisign_seckey_decrypt(&f, "", &sec), -EKEYREJECTED);
	assert_null(sec);
	free(b.p);
}

static void test_keyid(void **state)
{
	struct minisign_pubkey pub;
	char id[17];

	/* minisign -G wrote its key id into the comment: same digits, same order */
	pub_of("keys/minisign-nopass.pub", &pub);
	minisign_keyid(pub.keynum, id);
	assert_string_equal(pub.comment + strlen("minisign public key "), id);
}

/*
 * The fingerprint is SHA-256 of the public key, not the key number: the
 * values were computed with base64 -d | tail -c 32 | sha256sum. A key number
 * spliced onto another key leaves each key its own fingerprint.
 */
static void test_fingerprint(void **state)
{
	struct minisign_pubkey op, ap;
	char f[MINISIGN_FPR_LEN];

	pub_of("keys/operator.key.pub", &op);
	pub_of("keys/approver.key.pub", &ap);
	minisign_fingerprint(op.pk, f);
	assert_string_equal(f, "6809 5273 3797 d3ad e206 baed 0762 c530");
	minisign_fingerprint(ap.pk, f);
	assert_string_equal(f, "ed19 1458 7387 3de4 f6a2 8aef 38ab bd61");
	memcpy(ap.keynum, op.keynum, sizeof(op.keynum));
	minisign_fingerprint(ap.pk, f);
	assert_string_equal(f, "ed19 1458 7387 3de4 f6a2 8aef 38ab bd61");
}

/* every single-byte change of message, signature or trusted comment is refused */
static void test_tampering(void **state)
{
	struct minisign_pubkey pub;
	struct blob m = data("minisign/message.json");
	struct blob s = data("minisign/message.json.operator.minisig");
	const char *tc = strstr(s.p, "trusted comment: ") + strlen("trusted comment: ");

	pub_of("keys/operator.key.pub", &pub);
	for (size_t i = 0; i < m.len; i++) {
		m.p[i] ^= 0x01;
		assert_int_equal(minisign_verify(&pub, m.p, m.len, s.p, s.len, NULL),
				 -EKEYREJECTED);
		m.p[i] ^= 0x01;
	}
	for (size_t i = 0; i < s.len; i++) {
		int r;

		s.p[i] ^= 0x01;
		r = minisign_verify(&pub, m.p, m.len, s.p, s.len, NULL);
		s.p[i] ^= 0x01;
		/* the untrusted comment is not signed: the only bytes free to change */
		if (r == 0 && i >= strlen("untrusted comment: ") && s.p + i < strchr(s.p, '\n'))
			continue;
		if (r != -EBADMSG && r != -ENOKEY && r != -EKEYREJECTED)
			fail_msg("byte %zu: %d", i, r);
		/* a changed trusted comment is well-formed but not what was signed */
		if (s.p + i >= tc && s.p[i] != '\n')
			if (s.p + i < strchr(tc, '\n'))
				assert_int_equal(r, -EKEYREJECTED);
	}
	assert_int_equal(minisign_verify(&pub, m.p, m.len, s.p, s.len, NULL), 0);
	free(m.p);
	free(s.p);
}

/* @s with @from replaced by @to (once), as a new string */
static char *edit(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	assert_non_null(at);
	out = malloc(strlen(s) + strlen(to) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static int sig_parse_str(const char *s)
{
	struct minisign_sig sig;

	return minisign_sig_parse(s, strlen(s), &sig);
}

static void test_strict_parsers(void **state)
{
	struct blob s = data("minisign/message.json.operator.minisig");
	struct blob p = data("keys/operator.key.pub");
	struct minisign_pubkey pub;
	struct minisign_seckey_file f;
	char *e;
	char big[2048];

	assert_int_equal(sig_parse_str(s.p), 0);
	/* the last newline may be missing, "\r\n" is taken */
	s.p[s.len - 1] = '\0';
	assert_int_equal(sig_parse_str(s.p), 0);
	s.p[s.len - 1] = '\n';
	e = edit(s.p, "\ntrusted", "\r\ntrusted");
	assert_int_equal(sig_parse_str(e), 0);
	free(e);
	/* a fifth line, an empty line, a NUL, a wrong prefix or algorithm, short base64 */
	e = edit(s.p, "Ff7B", "\nFf7B");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	assert_int_equal(minisign_sig_parse(s.p, s.len + 1, &(struct minisign_sig){ 0 }), -EBADMSG);
	e = edit(s.p, "untrusted comment:", "untrusted-comment:");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	e = edit(s.p, "trusted comment: kesu", "Trusted comment: kesu");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	e = edit(s.p, "RUTk", "RkTk"); /* "ED" -> "FD" */
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	e = edit(s.p, "Vww=\n", "Vw==\n");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	/* the last base64 digit carries bits past the data: not canonical */
	e = edit(s.p, "Vww=\n", "Vwx=\n");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	/* a byte outside the alphabet (libsodium would read 0xff as "/") */
	e = edit(s.p, "\nFf7B",
		 "\n\xff"
		 "f7B");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	e = edit(s.p, "\nFf7B", "\n Ff7B");
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);
	assert_int_equal(sig_parse_str(""), -EBADMSG);
	assert_int_equal(minisign_sig_parse(NULL, 0, &(struct minisign_sig){ 0 }), -EBADMSG);
	/* an untrusted comment longer than minisign's line buffer */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e = edit(s.p, "signature from minisign secret key", big);
	assert_int_equal(sig_parse_str(e), -EBADMSG);
	free(e);

	assert_int_equal(minisign_pubkey_parse(p.p, p.len, &pub), 0);
	assert_string_equal(pub.comment, "kesu role=operator name=Test Operator");
	assert_int_equal(minisign_pubkey_parse(p.p, p.len - 2, &pub), -EBADMSG);
	e = edit(p.p, "\n", "\n\n");
	assert_int_equal(minisign_pubkey_parse(e, strlen(e), &pub), -EBADMSG);
	free(e);
	/* a secret key is not a public key, and the other way round */
	free(s.p);
	s = data("keys/operator.key");
	assert_int_equal(minisign_pubkey_parse(s.p, s.len, &pub), -EBADMSG);
	assert_int_equal(minisign_seckey_parse(p.p, p.len, &f), -EBADMSG);
	e = edit(s.p, "RWRTY0Iy", "RWRTZ0Iy"); /* kdf "Sc" -> "Sd" */
	assert_int_equal(minisign_seckey_parse(e, strlen(e), &f), -EBADMSG);
	free(e);
	free(s.p);
	free(p.p);
}

static void test_roundtrip(void **state)
{
	struct minisign_kdf weak = { crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE };
	struct minisign_seckey *sec = NULL, *back = NULL;
	struct minisign_seckey_file f;
	struct minisign_pubkey pub, pub2;
	char *text = NULL, *sig = NULL, *tc = NULL;

	assert_int_equal(minisign_keygen(&sec, &pub), 0);
	assert_int_equal(minisign_seckey_format(sec, "pw", &weak, NULL, &text), 0);
	assert_int_equal(minisign_seckey_parse(text, strlen(text), &f), 0);
	assert_int_equal(f.opslimit, weak.opslimit);
	assert_int_equal(f.memlimit, weak.memlimit);
	assert_string_equal(f.comment, "minisign encrypted secret key");
	assert_int_equal(minisign_seckey_decrypt(&f, "pw", &back), 0);
	assert_memory_equal(back, sec, sizeof(*sec));
	free(text);
	assert_int_equal(minisign_seckey_format(sec, "", &weak, NULL, &text), -EINVAL);

	assert_int_equal(minisign_pubkey_format(&pub, "a\nb", &text), -EINVAL);
	assert_int_equal(minisign_pubkey_format(&pub, "kesu role=approver name=X", &text), 0);
	assert_int_equal(minisign_pubkey_parse(text, strlen(text), &pub2), 0);
	assert_memory_equal(pub.keynum, pub2.keynum, sizeof(pub.keynum));
	assert_memory_equal(pub.pk, pub2.pk, sizeof(pub.pk));
	minisign_pubkey_from_seckey(sec, &pub);
	assert_memory_equal(pub.pk, pub2.pk, sizeof(pub.pk));
	free(text);

	assert_int_equal(minisign_sign(sec, "abc", 3, "one\nline", NULL, &sig), -EINVAL);
	assert_int_equal(minisign_sign(sec, "abc", 3, "tab\there", "u", &sig), 0);
	assert_int_equal(minisign_verify(&pub2, "abc", 3, sig, strlen(sig), &tc), 0);
	assert_string_equal(tc, "tab\there");
	free(sig);
	free(tc);
	minisign_seckey_free(sec);
	minisign_seckey_free(back);
}

/* secret key files: 0600 regular files only, checked on the descriptor */
static void test_seckey_load(void **state)
{
	char dir[] = "/tmp/test_minisign.XXXXXX", path[64];
	struct blob b = data("keys/operator.key");
	struct minisign_seckey *sec = NULL;
	char big[4096];
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
	close(fd);
	assert_int_equal(minisign_seckey_load(path, "kesu-test-operator", &sec), 0);
	minisign_seckey_free(sec);
	assert_int_equal(minisign_seckey_load(path, "wrong", &sec), -EKEYREJECTED);
	chmod(path, 0640);
	assert_int_equal(minisign_seckey_load(path, "kesu-test-operator", &sec), -EPERM);
	chmod(path, 0604);
	assert_int_equal(minisign_seckey_load(path, "kesu-test-operator", &sec), -EPERM);
	chmod(path, 0620);
	assert_int_equal(minisign_seckey_load(path, "kesu-test-operator", &sec), -EPERM);
	/* larger than any key */
	chmod(path, 0600);
	memset(big, 'A', sizeof(big));
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	assert_int_equal(minisign_seckey_load(path, "kesu-test-operator", &sec), -EBADMSG);
	unlink(path);
	assert_int_equal(minisign_seckey_load(path, "x", &sec), -ENOENT);
	assert_int_equal(minisign_seckey_load(dir, "x", &sec), -EISDIR);
	rmdir(dir);
	free(b.p);
}

static void test_identity(void **state)
{
	struct minisign_identity id;
	char *c = NULL;

	assert_int_equal(minisign_identity_comment("approver", "山田 花子 \"Hana\"", &c), 0);
	assert_string_equal(c, "kesu role=approver name=山田 花子 \"Hana\"");
	assert_int_equal(minisign_identity_parse(c, &id), 0);
	assert_string_equal(id.role, "approver");
	assert_string_equal(id.name, "山田 花子 \"Hana\"");
	free(c);
	assert_int_equal(minisign_identity_comment("witness", "x", &c), -EINVAL);
	assert_int_equal(minisign_identity_comment("operator", "", &c), -EINVAL);
	assert_int_equal(minisign_identity_comment("operator", "a\tb", &c), -EINVAL);
	assert_int_equal(minisign_identity_comment("operator", "\xff", &c), -EINVAL);
	assert_int_equal(minisign_identity_parse("minisign public key 616EC1F377DAEAE1", &id),
			 -ENOENT);
	assert_int_equal(minisign_identity_parse("kesu role=root name=x", &id), -EBADMSG);
	assert_int_equal(minisign_identity_parse("kesu role=operator name=", &id), -EBADMSG);
	assert_int_equal(minisign_identity_parse("kesu role=operator", &id), -EBADMSG);
	assert_int_equal(minisign_identity_parse("kesu name=x role=operator", &id), -EBADMSG);
	assert_string_equal(id.retired_on, "");
}

/* " retired=YYYY-MM-DD" ends a trust store entry's comment; the name stops before it */
static void test_identity_retired(void **state)
{
	struct minisign_identity id;

	(void)state;
	assert_int_equal(minisign_identity_parse("kesu role=operator name=Tanaka Taro", &id), 0);
	assert_string_equal(id.retired_on, "");
	assert_int_equal(id.retired, 0);
	assert_int_equal(minisign_identity_parse(
				 "kesu role=operator name=田中 太郎 retired=2025-03-31", &id),
			 0);
	assert_string_equal(id.role, "operator");
	assert_string_equal(id.name, "田中 太郎");
	assert_string_equal(id.retired_on, "2025-03-31");
	/* 2025-03-31T00:00:00Z */
	assert_int_equal(id.retired, 1743379200);
	assert_int_equal(
		minisign_identity_parse("kesu role=approver name=A retired=2024-02-29", &id), 0);
	assert_int_equal(id.retired, 1709164800);
	/* not a date, or more after it: refused, not taken as part of the name */
	static const char *const bad[] = {
		"kesu role=operator name=A retired=2025-02-29",
		"kesu role=operator name=A retired=2025-13-01",
		"kesu role=operator name=A retired=2025-3-31",
		"kesu role=operator name=A retired=2025-03-31 ",
		"kesu role=operator name=A retired=2025-03-31x",
		"kesu role=operator name=A retired=2025-03-+1",
		"kesu role=operator name=A retired= 2025-3-31",
		"kesu role=operator name=A retired=yesterday",
		"kesu role=operator name=A retired=",
		"kesu role=operator name=A retired=1969-12-31",
		"kesu role=operator name= retired=2025-03-31",
		"kesu role=operator name=A retired=2025-03-31 retired=x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(minisign_identity_parse(bad[i], &id), -EBADMSG);
		assert_string_equal(id.name, "");
		assert_string_equal(id.retired_on, "");
	}
	/* two dates: refused, not one of them taken */
	assert_int_equal(minisign_identity_parse(
				 "kesu role=operator name=A retired=2020-01-01 retired=2025-03-31",
				 &id),
			 -EBADMSG);
	assert_string_equal(id.retired_on, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stock_signatures_verify),
		cmocka_unit_test(test_sign_matches_stock),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_keyid),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_strict_parsers),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_seckey_load),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_identity_retired),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
