/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only PDF syntax kesu reads and writes itself: incremental updates
 * (ISO 32000-1 7.5.6) appended to a PDF whose page cairo drew, and the
 * few objects read back from one. Classic cross-reference tables only
 * (cairo 1.16 and kesu write nothing else); every offset, length and
 * nesting depth is checked against the buffer, and anything unexpected is
 * refused with -EBADMSG rather than guessed at.
 */
#ifndef KESU_CERT_PDF_UPDATE_H
#define KESU_CERT_PDF_UPDATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* the most objects and cross-reference sections read */
#define PDF_MAX_OBJECTS 100000
#define PDF_MAX_SECTIONS 16

/* a parsed PDF: the newest trailer and where each object starts */
struct pdf_doc {
	const char *buf;
	size_t len;
	size_t startxref; /* offset of the newest cross-reference section */
	unsigned size;	  /* the newest trailer's /Size */
	unsigned root;	  /* the catalog's object number */
	unsigned info;	  /* the document information's, 0 when none */
	size_t *off;	  /* per object number below @size; 0: not in use */
};

/**
 * pdf_doc_parse() - read the trailers and cross-reference tables of @buf,
 * newest first along /Prev; @buf must outlive @d
 * Return: 0, -EBADMSG (not such a PDF, or an offset outside it), -ENOMEM
 */
int pdf_doc_parse(const void *buf, size_t len, struct pdf_doc *d);

/** pdf_doc_free() - release what pdf_doc_parse() allocated; idempotent */
void pdf_doc_free(struct pdf_doc *d);

/* a span of the buffer: a value's text */
struct pdf_span {
	const char *p;
	size_t n;
};

/**
 * pdf_doc_object() - the value of object @num ("<< ... >>" for a
 * dictionary), and when @stream is not NULL the bytes of its stream: no
 * /Filter, a direct /Length, "endstream" right after the data
 * Return: 0; -EBADMSG (not in use, not at its offset, malformed, a filtered
 * stream, or @stream given for an object that has none)
 */
int pdf_doc_object(const struct pdf_doc *d, unsigned num, struct pdf_span *value,
		   struct pdf_span *stream);

/**
 * pdf_dict_get() - the value of /@key (without the slash) in the dictionary
 * @dict, not looking into nested dictionaries
 * Return: 0, -ENOENT (no such key), -EBADMSG (@dict is not a dictionary)
 */
int pdf_dict_get(struct pdf_span dict, const char *key, struct pdf_span *value);

/** pdf_span_ref() - "N G R": the object number N; Return: 0, -EBADMSG */
int pdf_span_ref(struct pdf_span v, unsigned *num);

/** pdf_span_int() - a non-negative integer; Return: 0, -EBADMSG (or above 2^53) */
int pdf_span_int(struct pdf_span v, unsigned long long *out);

/**
 * pdf_array_next() - the next element of the array @arr after @pos (start
 * with @pos->p NULL); an "N G R" reference is one element
 * Return: 0, -ENOENT at the end, -EBADMSG
 */
int pdf_array_next(struct pdf_span arr, struct pdf_span *pos);

/**
 * pdf_span_string() - a literal string "(...)" without escapes, as kesu
 * writes them, copied into @out (NUL-terminated)
 * Return: 0, -EBADMSG (not such a string, or a NUL byte), -ENAMETOOLONG
 */
int pdf_span_string(struct pdf_span v, char *out, size_t len);

/* an incremental update being written: new objects, then the xref and trailer */
struct pdf_update {
	const struct pdf_doc *d;
	char *buf; /* what is appended to d->buf */
	size_t len, cap;
	unsigned next; /* the next free object number */
	struct pdf_xref_entry {
		unsigned num;
		size_t off;
	} * objs;
	size_t nobjs;
	int err; /* the first failure: every call after it does nothing */
};

/** pdf_update_init() - start an update of @d, which must outlive @u */
void pdf_update_init(struct pdf_update *u, const struct pdf_doc *d);

/** pdf_update_new() - a new object number */
unsigned pdf_update_new(struct pdf_update *u);

/** pdf_update_begin() - start object @num (new, or a replacement of one of @d's) */
void pdf_update_begin(struct pdf_update *u, unsigned num);

/** pdf_update_end() - end the object begun last */
void pdf_update_end(struct pdf_update *u);

/** pdf_update_printf() - append text (names, numbers, references: nothing from outside) */
void pdf_update_printf(struct pdf_update *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** pdf_update_bytes() - append @n raw bytes (a stream's data) */
void pdf_update_bytes(struct pdf_update *u, const void *p, size_t n);

/**
 * pdf_update_string() - append @s as a literal string; only the bytes
 * [A-Za-z0-9._ -] are taken, anything else becomes '_', so that what
 * pdf_span_string() reads back is exactly what was written
 */
void pdf_update_string(struct pdf_update *u, const char *s);

/**
 * pdf_update_dict_with() - append the dictionary @dict with @extra (keys
 * and values, written as given) added before its closing ">>"
 * Return: 0 (also once @u->err is set); -EEXIST when @dict already has
 * one of the keys named in @keys (NULL-terminated, without slashes)
 */
int pdf_update_dict_with(struct pdf_update *u, struct pdf_span dict, const char *const keys[],
			 const char *extra);

/** pdf_update_pos() - the offset in the whole file the next byte will have */
size_t pdf_update_pos(const struct pdf_update *u);

/**
 * pdf_update_finish() - write the cross-reference section and trailer
 * (/Size, /Root, /Info, /Prev) and take the appended bytes
 * @out: the update alone (free() it); the file is d->buf followed by it
 * Return: 0, or the first error (-ENOMEM)
 */
int pdf_update_finish(struct pdf_update *u, char **out, size_t *len);

/** pdf_update_free() - release an update that was not finished; idempotent */
void pdf_update_free(struct pdf_update *u);

#endif
