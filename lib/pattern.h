/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a pass writes. Every pattern is addressable by device offset, so any
 * chunk can be generated, and regenerated for verification, independently
 * and from any thread. The random pattern is an AES-128-CTR keystream whose
 * counter is the offset in 16-byte blocks; its key lives in secure memory
 * for the run and is never written anywhere.
 */
#ifndef KESU_PATTERN_H
#define KESU_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATTERN_MAX_BYTES 64
#define PATTERN_KEY_LEN 16

enum pattern_kind {
	PATTERN_ZERO,
	PATTERN_ONE,	/* 0xff */
	PATTERN_BYTES,	/* a repeating byte string */
	PATTERN_RANDOM, /* AES-128-CTR keystream */
};

struct pattern {
	enum pattern_kind kind;
	uint8_t bytes[PATTERN_MAX_BYTES];
	size_t nbytes;
	uint8_t *key;	/* PATTERN_RANDOM: PATTERN_KEY_LEN bytes, secure memory */
	uint8_t iv[16]; /* PATTERN_RANDOM: counter block for offset 0 */
};

/**
 * pattern_parse() - "zero", "one", "random" or "pattern:HEX" (1..64 bytes)
 *
 * A random pattern gets a fresh key from the kernel CSPRNG.
 *
 * Return: 0, -EINVAL for anything else, -ENOMEM
 */
int pattern_parse(const char *spec, struct pattern *p);

/**
 * pattern_set_key() - make @p a keystream with a chosen key and counter
 * block (known-answer tests, and regenerating a stream)
 * Return: 0 or -ENOMEM
 */
int pattern_set_key(struct pattern *p, const uint8_t key[PATTERN_KEY_LEN], const uint8_t iv[16]);

/** pattern_free() - wipe and free the key; @p may be reused after pattern_parse() */
void pattern_free(struct pattern *p);

/**
 * pattern_fill() - the bytes the pattern puts at device offsets [off, off+len)
 * Return: 0, or -EIO if the cipher fails
 */
int pattern_fill(const struct pattern *p, void *buf, size_t len, uint64_t off);

/**
 * pattern_check() - compare @buf (read from offset @off) with the pattern
 * @scratch: @len bytes of working space (keystream and byte patterns need it)
 * @bad: on mismatch, the offset within @buf of the first differing byte
 * Return: 0 when equal, -EILSEQ on mismatch, -EIO if the cipher fails
 */
int pattern_check(const struct pattern *p, const void *buf, size_t len, uint64_t off, void *scratch,
		  size_t *bad);

/**
 * pattern_xor() - XOR the pattern for offsets [off, off+len) into @buf, so
 * that every byte that matches the pattern becomes 0
 * @scratch: @len bytes of working space (byte-string patterns need it;
 *           NULL is fine for the others)
 *
 * Verification uses this in place of generate-and-compare: one pass over
 * the data, and the blocks that differ are exactly the non-zero ones.
 *
 * Return: 0, -EINVAL (byte string without @scratch), -EIO if the cipher fails
 */
int pattern_xor(const struct pattern *p, void *buf, size_t len, uint64_t off, void *scratch);

/** pattern_is_zero() - true when all @len bytes of @buf are 0 */
bool pattern_is_zero(const void *buf, size_t len);

/**
 * pattern_repeats_every() - true when the bytes at every offset that is a
 * multiple of @period are the same, so one filled buffer serves every request
 */
bool pattern_repeats_every(const struct pattern *p, size_t period);

/**
 * pattern_name() - the name used in reports: "zero", "one", "random",
 * "pattern:a55a"
 */
const char *pattern_name(const struct pattern *p, char *buf, size_t len);

/** pattern_generator() - "aes-128-ctr" for random, NULL otherwise */
const char *pattern_generator(const struct pattern *p);

#endif
