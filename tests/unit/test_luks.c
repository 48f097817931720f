// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/luks on image files (libcryptsetup without device-mapper): format and
 * inspect, passphrase check/add/change/remove with the last keyslot kept, a
 * passphrase another keyslot has refused, every keyslot a passphrase opens
 * removed, crypto-erase leaving zeros and no header; the luks-crypto-erase method's
 * run and its refusal of a device without a header; crypt/media's policy
 * verdicts and format defaults.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <libcryptsetup.h>

#include "crypt/media.h"
#include "erase/erase.h"
#include "luks.h"
#include "secmem.h"

#define MiB (1024 * 1024)
#define P1 "first passphrase"
#define P2 "second passphrase"

struct fx {
	char path[PATH_MAX];
	char uuid[40];
};

/* a 20 MiB image of random bytes */
static int make_image(struct fx *f)
{
	const char *tmp = getenv("TMPDIR");
	uint8_t buf[65536];
	int fd;

	snprintf(f->path, sizeof(f->path), "%s/test_luks.XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	for (int i = 0; i < 20 * MiB / (int)sizeof(buf); i++) {
		secmem_random(buf, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct luks_format_params p;

	if (!f || make_image(f))
		return -1;
	media_format_defaults(20 * MiB, 512, "unit", &p);
	media_pbkdf_test(&p.pbkdf);
	if (luks_format(f->path, &p, P1, strlen(P1), f->uuid))
		return -1;
	*state = f;
	return 0;
}

static int setup_plain(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || make_image(f))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unlink(f->path);
	free(f);
	return 0;
}

static void test_format_inspect(void **state)
{
	struct fx *f = *state;
	struct luks_info li;

	assert_int_equal(luks_inspect(f->path, &li), 0);
	assert_int_equal(li.version, 2);
	assert_string_equal(li.cipher, "aes-xts-plain64");
	assert_int_equal(li.key_bits, 512);
	assert_int_equal(li.sector_size, 4096);
	assert_string_equal(li.label, "unit");
	assert_string_equal(li.uuid, f->uuid);
	assert_int_equal(li.data_offset, 16 * MiB);
	assert_int_equal(li.nslots, 1);
	assert_int_equal(li.slots[0].slot, 0);
	assert_string_equal(li.slots[0].pbkdf, "argon2id");
	assert_int_equal(li.slots[0].iterations, 4);
	assert_int_equal(li.slots[0].memory_kb, 32);
	assert_int_equal(li.slots[0].parallel, 1);
	assert_true(luks_is_luks(f->path));
}

static void test_passphrases(void **state)
{
	struct fx *f = *state;
	struct luks_pbkdf pb;
	uint32_t slots = 0;
	int slot = -1;

	media_pbkdf_test(&pb);
	assert_int_equal(luks_passphrase_check(f->path, P1, strlen(P1), &slot), 0);
	assert_int_equal(slot, 0);
	assert_int_equal(luks_passphrase_check(f->path, P2, strlen(P2), NULL), -EKEYREJECTED);
	assert_int_equal(luks_passphrase_add(f->path, P2, strlen(P2), "x", 1, &pb, NULL),
			 -EKEYREJECTED);
	assert_int_equal(luks_passphrase_add(f->path, P1, strlen(P1), P2, strlen(P2), &pb, &slot),
			 0);
	assert_int_equal(slot, 1);
	assert_int_equal(luks_passphrase_check(f->path, P2, strlen(P2), &slot), 0);
	assert_int_equal(slot, 1);
	assert_int_equal(luks_passphrase_change(f->path, P2, strlen(P2), "third", 5, &pb, &slot),
			 0);
	assert_int_equal(luks_passphrase_check(f->path, P2, strlen(P2), NULL), -EKEYREJECTED);
	assert_int_equal(luks_passphrase_check(f->path, "third", 5, NULL), 0);
	assert_int_equal(luks_passphrase_remove(f->path, P1, strlen(P1), &slots), 0);
	assert_int_equal(slots, 1u << 0);
	assert_int_equal(luks_passphrase_check(f->path, P1, strlen(P1), NULL), -EKEYREJECTED);
	/* the last keyslot stays: only a crypto-erase removes it */
	assert_int_equal(luks_passphrase_remove(f->path, "third", 5, NULL), -EPERM);
	assert_int_equal(luks_passphrase_check(f->path, "third", 5, NULL), 0);
}

/* a keyslot for @newpass however many @pass already has: libcryptsetup allows what kesu refuses */
static int add_raw(const char *path, const char *pass, const char *newpass)
{
	struct crypt_pbkdf_type pb = { .type = CRYPT_KDF_PBKDF2,
				       .hash = "sha256",
				       .iterations = 1000,
				       .flags = CRYPT_PBKDF_NO_BENCHMARK };
	struct crypt_device *cd;
	int r = crypt_init(&cd, path);

	if (r < 0)
		return r;
	r = crypt_load(cd, CRYPT_LUKS2, NULL);
	if (r >= 0)
		r = crypt_set_pbkdf_type(cd, &pb);
	if (r >= 0)
		r = crypt_keyslot_add_by_passphrase(cd, CRYPT_ANY_SLOT, pass, strlen(pass), newpass,
						    strlen(newpass));
	crypt_free(cd);
	return r;
}

/* the keyslots of @path, as libcryptsetup reports them (bit N: keyslot N) */
static uint32_t active_slots(const char *path)
{
	struct luks_info li;
	uint32_t m = 0;

	assert_int_equal(luks_inspect(path, &li), 0);
	for (unsigned i = 0; i < li.nslots; i++)
		m |= 1u << li.slots[i].slot;
	return m;
}

static void test_duplicate_refused(void **state)
{
	struct fx *f = *state;
	struct luks_pbkdf pb;
	int slot = -1;

	media_pbkdf_test(&pb);
	assert_int_equal(luks_passphrase_add(f->path, P1, strlen(P1), P2, strlen(P2), &pb, &slot),
			 0);
	assert_int_equal(slot, 1);
	/* the new passphrase already opens keyslot 1, then keyslot 0: refused, nothing added */
	slot = -1;
	assert_int_equal(luks_passphrase_add(f->path, P1, strlen(P1), P2, strlen(P2), &pb, &slot),
			 -EEXIST);
	assert_int_equal(slot, 1);
	assert_int_equal(luks_passphrase_add(f->path, P2, strlen(P2), P1, strlen(P1), &pb, &slot),
			 -EEXIST);
	assert_int_equal(slot, 0);
	assert_int_equal(active_slots(f->path), 0x3);
	/* change to a passphrase another keyslot has, or to the same one: refused too */
	assert_int_equal(luks_passphrase_change(f->path, P2, strlen(P2), P1, strlen(P1), &pb,
						&slot),
			 -EEXIST);
	assert_int_equal(slot, 0);
	assert_int_equal(luks_passphrase_change(f->path, P2, strlen(P2), P2, strlen(P2), &pb,
						&slot),
			 -EEXIST);
	assert_int_equal(luks_passphrase_check(f->path, P2, strlen(P2), &slot), 0);
	assert_int_equal(slot, 1);
	assert_int_equal(active_slots(f->path), 0x3);
}

static void test_remove_every_slot(void **state)
{
	struct fx *f = *state;
	uint32_t slots = 0;

	/* P1 in keyslots 0 and 1 (set twice, as stock cryptsetup allows), P2 in keyslot 2 */
	assert_int_equal(add_raw(f->path, P1, P1), 1);
	assert_int_equal(add_raw(f->path, P1, P2), 2);
	assert_int_equal(luks_passphrase_remove(f->path, P1, strlen(P1), &slots), 0);
	assert_int_equal(slots, 0x3);
	assert_int_equal(luks_passphrase_check(f->path, P1, strlen(P1), NULL), -EKEYREJECTED);
	assert_int_equal(active_slots(f->path), 1u << 2);
	/* P2 in keyslots 2 and 0: every keyslot; neither is removed */
	assert_int_equal(add_raw(f->path, P2, P2), 0);
	assert_int_equal(luks_passphrase_remove(f->path, P2, strlen(P2), &slots), -EPERM);
	assert_int_equal(slots, 0x5);
	assert_int_equal(active_slots(f->path), 0x5);
	assert_int_equal(luks_passphrase_remove(f->path, "nothing", 7, &slots), -EKEYREJECTED);
	assert_int_equal(slots, 0);
}

static void test_slots_text(void **state)
{
	char buf[96];

	assert_string_equal(luks_slots_text(1u << 1, buf, sizeof(buf)), "keyslot 1");
	assert_string_equal(luks_slots_text(0x5, buf, sizeof(buf)), "keyslots 0 and 2");
	assert_string_equal(luks_slots_text(0x8000000b, buf, sizeof(buf)),
			    "keyslots 0, 1, 3 and 31");
	assert_string_equal(luks_slots_text(0xffffffff, buf, 20), "keyslots 0, 1, 2, 3");
}

/* the first @len bytes of @path are zero */
static bool zero_prefix(const char *path, size_t len)
{
	uint8_t buf[4096];
	int fd = open(path, O_RDONLY);
	bool zero = fd >= 0;

	for (size_t off = 0; zero && off < len; off += sizeof(buf)) {
		zero = pread(fd, buf, sizeof(buf), (off_t)off) == (ssize_t)sizeof(buf);
		for (size_t i = 0; zero && i < sizeof(buf); i++)
			zero = !buf[i];
	}
	if (fd >= 0)
		close(fd);
	return zero;
}

static void test_crypto_erase(void **state)
{
	struct fx *f = *state;
	struct luks_erase_stats st;
	struct luks_info li;
	char why[256];

	assert_int_equal(luks_passphrase_add(
				 f->path, P1, strlen(P1), P2, strlen(P2),
				 &(struct luks_pbkdf){ "pbkdf2", "sha256", 1, 0, 0, 1000 }, NULL),
			 0);
	assert_int_equal(luks_crypto_erase(f->path, &st, why, sizeof(why)), 0);
	assert_int_equal(st.version, 2);
	assert_int_equal(st.slots_destroyed, 2);
	assert_int_equal(st.bytes_wiped, 16 * MiB);
	assert_false(luks_is_luks(f->path));
	assert_true(zero_prefix(f->path, 16 * MiB));
	assert_false(zero_prefix(f->path, 16 * MiB + 4096)); /* the data area is left alone */
	assert_int_equal(luks_inspect(f->path, &li), -EMEDIUMTYPE);
	assert_int_equal(luks_crypto_erase(f->path, &st, why, sizeof(why)), -EMEDIUMTYPE);
	assert_non_null(strstr(why, "no LUKS header"));
	assert_int_equal(luks_passphrase_check(f->path, P1, strlen(P1), NULL), -EMEDIUMTYPE);
}

static void run_method(const char *path, struct erase_plan *plan, struct erase_result *r)
{
	struct erase_opts o = { .path = path };
	struct dev *d;

	assert_int_equal(erase_plan_make("luks-crypto-erase", 1, false, ERASE_VERIFY_LAST, 0, plan),
			 0);
	assert_string_equal(plan->category, "purge");
	assert_string_equal(plan->technique, "keyslot-destroy");
	assert_int_equal(plan->npasses, 0);
	assert_int_equal(dev_open(path, DEV_OPEN_WRITE | DEV_OPEN_EXCL, &d), 0);
	memset(r, 0, sizeof(*r));
	assert_int_equal(plan->m->run(d, plan, &o, r), 0);
	dev_close(d);
}

static void test_method(void **state)
{
	struct fx *f = *state;
	struct erase_plan plan;
	struct erase_result r;
	json_t *v;

	run_method(f->path, &plan, &r);
	assert_int_equal(r.code, ERASE_SUCCESS);
	assert_true(r.verified);
	assert_non_null(r.purge);
	assert_int_equal(json_integer_value(json_object_get(r.purge, "keyslots_destroyed")), 1);
	assert_int_equal(json_integer_value(json_object_get(r.purge, "bytes_wiped")), 16 * MiB);
	v = json_object_get(r.purge, "verification");
	assert_int_equal(json_integer_value(json_object_get(v, "blocks")), 4096);
	assert_int_equal(json_integer_value(json_object_get(v, "unchanged")), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "not_zero_after")), 0);
	assert_true(json_integer_value(json_object_get(v, "changed")) > 0);
	assert_non_null(strstr(json_string_value(json_object_get(r.purge, "note")),
			       "flash translation layer"));
	assert_false(luks_is_luks(f->path));
	assert_true(zero_prefix(f->path, 16 * MiB));
	erase_result_free(&r);
	erase_plan_free(&plan);
}

static void test_method_refuses_plain(void **state)
{
	struct fx *f = *state;
	struct erase_plan plan;
	struct erase_result r;

	run_method(f->path, &plan, &r);
	assert_int_equal(r.code, ERASE_REFUSED);
	assert_int_equal(r.err, -EMEDIUMTYPE);
	assert_non_null(strstr(r.reason, "not a LUKS device"));
	assert_false(zero_prefix(f->path, 4096));
	erase_result_free(&r);
	erase_plan_free(&plan);
}

static struct luks_info good_info(void)
{
	struct luks_info li = { .version = 2,
				.cipher = "aes-xts-plain64",
				.key_bits = 512,
				.sector_size = 4096,
				.nslots = 1 };

	li.slots[0] = (struct luks_keyslot){ .slot = 0,
					     .pbkdf = "argon2id",
					     .iterations = 4,
					     .memory_kb = 1048576,
					     .parallel = 4,
					     .key_bits = 512 };
	return li;
}

static bool has_reason(const struct media_verdict *v, const char *text)
{
	for (unsigned i = 0; i < v->nreasons; i++)
		if (strstr(v->reasons[i], text))
			return true;
	return false;
}

static void test_policy(void **state)
{
	struct luks_info li = good_info();
	struct media_verdict v;

	media_policy_check(&li, &v);
	assert_true(v.compliant);
	assert_int_equal(v.nreasons, 0);

	li.key_bits = 256; /* AES-128-XTS */
	media_policy_check(&li, &v);
	assert_false(v.compliant);
	assert_true(has_reason(&v, "weaker than AES-256-XTS"));

	li = good_info();
	snprintf(li.cipher, sizeof(li.cipher), "aes-cbc-essiv:sha256");
	media_policy_check(&li, &v);
	assert_false(v.compliant);

	li = good_info();
	li.slots[0].memory_kb = MEDIA_ARGON2_MIN_MEMORY_KB - 1;
	li.slots[0].iterations = MEDIA_ARGON2_MIN_TIME - 1;
	media_policy_check(&li, &v);
	assert_int_equal(v.nreasons, 2);
	assert_true(has_reason(&v, "memory cost"));
	assert_true(has_reason(&v, "time cost 3"));

	li = good_info();
	li.version = 1;
	li.slots[0] = (struct luks_keyslot){
		.slot = 3, .pbkdf = "pbkdf2", .hash = "sha256", .iterations = 1454
	};
	media_policy_check(&li, &v);
	assert_false(v.compliant);
	assert_true(has_reason(&v, "keyslot 3: LUKS1 with PBKDF2 of 1454 iterations"));
	li.slots[0].iterations = MEDIA_PBKDF2_MIN_ITERATIONS;
	media_policy_check(&li, &v);
	assert_true(v.compliant);

	li.nslots = 0;
	media_policy_check(&li, &v);
	assert_true(has_reason(&v, "no active keyslot"));
}

static void test_defaults(void **state)
{
	struct luks_format_params p;

	media_format_defaults(64 * MiB, 512, NULL, &p);
	assert_string_equal(p.cipher, "aes");
	assert_string_equal(p.mode, "xts-plain64");
	assert_int_equal(p.key_bits, 512);
	assert_int_equal(p.sector_size, 4096);
	assert_string_equal(p.pbkdf.type, "argon2id");
	assert_int_equal(p.pbkdf.time_ms, 2000);
	assert_int_equal(p.pbkdf.max_memory_kb, 1024 * 1024);
	assert_int_equal(p.pbkdf.parallel, 4);
	assert_int_equal(p.pbkdf.iterations, 0); /* benchmarked by libcryptsetup */
	media_format_defaults(64 * MiB + 512, 512, NULL, &p);
	assert_int_equal(p.sector_size, 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_inspect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passphrases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_every_slot, setup, teardown),
		cmocka_unit_test(test_slots_text),
		cmocka_unit_test_setup_teardown(test_crypto_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_refuses_plain, setup_plain, teardown),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_defaults),
	};

	if (secmem_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
