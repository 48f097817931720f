// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "text.h"

size_t text_utf8_seq(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	/* the smallest code point each length may encode: below it is overlong */
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2;
		c = u[0] & 0x1f;
	} else if ((u[0] & 0xf0) == 0xe0) {
		len = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	/* a NUL is not a continuation byte, so a truncated sequence stops here */
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool text_is_utf8(const char *s)
{
	uint32_t cp;
	size_t n;

	for (; *s; s += n)
		if (!(n = text_utf8_seq(s, &cp)))
			return false;
	return true;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

bool text_is_clean(const char *s)
{
	uint32_t cp;
	size_t n;

	for (; *s; s += n)
		if (!(n = text_utf8_seq(s, &cp)) || is_control(cp))
			return false;
	return true;
}

int text_escape(const char *s, char **out)
{
	static const char hex[] = "0123456789abcdef";
	char *buf, *p;
	uint32_t cp;
	size_t n;

	if (!s)
		s = "-";
	/* at worst every byte becomes \xNN */
	buf = malloc(strlen(s) * 4 + 1);
	if (!buf)
		return -ENOMEM;
	for (p = buf; *s; s += n) {
		n = text_utf8_seq(s, &cp);
		if (n && !is_control(cp)) {
			if (cp == '"' || cp == '\\')
				*p++ = '\\';
			memcpy(p, s, n);
			p += n;
			continue;
		}
		/* an invalid byte, or every byte of a control character */
		for (size_t i = 0; i < (n ? n : 1); i++) {
			unsigned char b = (unsigned char)s[i];

			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[b >> 4];
			*p++ = hex[b & 15];
		}
		n = n ? n : 1;
	}
	*p = '\0';
	*out = buf;
	return 0;
}

int text_hex(const char *s, char **out)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s);
	char *buf = malloc(len * 2 + 1);

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		buf[2 * i] = hex[(unsigned char)s[i] >> 4];
		buf[2 * i + 1] = hex[(unsigned char)s[i] & 15];
	}
	buf[2 * len] = '\0';
	*out = buf;
	return 0;
}

bool text_is_base64(const char *s, size_t n)
{
	size_t pad = 0;

	while (pad < n && pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return false;
	}
	return true;
}

/*
 * Collapse each run of white space to one U+0020 and drop it at both ends.
 * NFKC has already made U+3000 (the ideographic space) and U+00A0 plain
 * spaces; the property test catches the rest.
 */
static int fold_space(const uint8_t *s, size_t n, char **out)
{
	char *o = malloc(n + 1);
	size_t w = 0;
	bool pending = false;

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int k = u8_mbtouc(&c, s + i, n - i);

		if (uc_is_property_white_space(c)) {
			pending = w > 0;
		} else {
			if (pending)
				o[w++] = ' ';
			pending = false;
			memcpy(o + w, s + i, (size_t)k);
			w += (size_t)k;
		}
		i += (size_t)k;
	}
	o[w] = '\0';
	*out = o;
	return 0;
}

int text_name_fold(const char *name, char **out)
{
	size_t len = strlen(name), n = 0;
	uint8_t *folded;
	int r;

	*out = NULL;
	if (u8_check((const uint8_t *)name, len))
		return -EILSEQ;
	/* full case folding with NFKC: "ＳＵＺＵＫＩ" and "suzuki" fold alike */
	folded = u8_casefold((const uint8_t *)name, len, NULL, UNINORM_NFKC, NULL, &n);
	if (!folded)
		return errno == ENOMEM ? -ENOMEM : -EILSEQ;
	r = fold_space(folded, n, out);
	free(folded);
	return r;
}

bool text_name_same(const char *a, const char *b)
{
	char *fa = NULL, *fb = NULL;
	bool same;

	if (!strcmp(a, b))
		return true;
	if (text_name_fold(a, &fa) || text_name_fold(b, &fb))
		same = false;
	else
		same = !strcmp(fa, fb);
	free(fa);
	free(fb);
	return same;
}
