// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu-certificate/1: built from a kesu-report/1 document, checked against
 * one schema table. The table is the single statement of the format in code;
 * kesu-certificate(5) documents the same fields in the same order.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert.h"
#include "jsonutil.h"
#include "secmem.h"

static const char *const v_format[] = { CERT_FORMAT, NULL };
static const char *const v_reason[] = { "disposal", "lease-return", "reuse", NULL };
static const char *const v_kind[] = { "block", "file", NULL };
static const char *const v_backup[] = { "yes", "no", "unknown", NULL };
static const char *const v_category[] = { "clear", "purge", "destroy", NULL };
static const char *const v_technique[] = {
	"overwrite", "block-erase", "crypto-erase", "degauss", "shred", "disintegrate",
	"pulverize", "melt",	    "incinerate",   "other",   NULL,
};
/* HPA/DCO: kesu cannot read them yet; "unknown" until it can */
static const char *const v_hidden[] = { "unknown", "none", "removed", "present", NULL };
static const char *const v_mode[] = { "last", "all", "sample", "none", NULL };
static const char *const v_result[] = { "success", "failed", "aborted", "refused", NULL };
static const char *const v_destination[] = {
	"internal-reuse", "external-reuse", "return-to-lessor", "recycling", "destruction", NULL,
};

enum kind {
	K_STR,	     /* string */
	K_STR_NULL,  /* string or null */
	K_INT,	     /* integer >= 0 */
	K_PERCENT,   /* integer 0..100 */
	K_BOOL,	     /* boolean */
	K_ENUM,	     /* one of values */
	K_ENUM_NULL, /* one of values, or null */
	K_UUID,	     /* version 4 UUID, lowercase */
	K_TIME,	     /* YYYY-MM-DDThh:mm:ssZ */
	K_HEX,	     /* lowercase hexadecimal, an even number of digits */
	K_SHA256,    /* 64 lowercase hexadecimal digits, or null */
	K_OBJ,	     /* object with fields */
	K_ARRAY,     /* array of objects with fields */
};

struct field {
	const char *name;
	enum kind kind;
	bool optional; /* may be absent */
	const char *const *values;
	const struct field *fields;
};

#define F(n, k)                                                                                    \
	{                                                                                          \
		n, k, false, NULL, NULL                                                            \
	}
#define OPT(n, k)                                                                                  \
	{                                                                                          \
		n, k, true, NULL, NULL                                                             \
	}
#define ENUM(n, k, v)                                                                              \
	{                                                                                          \
		n, k, false, v, NULL                                                               \
	}
#define SUB(n, k, f)                                                                               \
	{                                                                                          \
		n, k, false, NULL, f                                                               \
	}
#define END                                                                                        \
	{                                                                                          \
		NULL, K_STR, false, NULL, NULL                                                     \
	}

static const struct field f_org[] = {
	F("name", K_STR_NULL),
	F("department", K_STR_NULL),
	F("location", K_STR_NULL),
	END,
};
static const struct field f_operator[] = {
	F("name", K_STR_NULL),
	F("title", K_STR_NULL),
	F("contact", K_STR_NULL),
	END,
};
static const struct field f_witness[] = { F("name", K_STR_NULL), END };
static const struct field f_media[] = {
	F("manufacturer", K_STR_NULL),
	F("model", K_STR_NULL),
	OPT("model_hex", K_HEX),
	F("serial", K_STR_NULL),
	OPT("serial_hex", K_HEX),
	F("wwn", K_STR_NULL),
	OPT("wwn_hex", K_HEX),
	F("firmware", K_STR_NULL),
	OPT("firmware_hex", K_HEX),
	F("capacity_bytes", K_INT),
	F("logical_block_size", K_INT),
	F("transport", K_STR_NULL),
	F("type", K_STR_NULL),
	ENUM("kind", K_ENUM, v_kind),
	F("path", K_STR),
	OPT("path_hex", K_HEX),
	F("asset_tag", K_STR_NULL),
	F("source_machine", K_STR_NULL),
	F("classification", K_STR_NULL),
	ENUM("data_backed_up", K_ENUM, v_backup),
	END,
};
static const struct field f_pass[] = {
	F("index", K_INT),	    F("pattern", K_STR),
	OPT("generator", K_STR),    F("bytes_written", K_INT),
	F("completed", K_BOOL),	    F("verified", K_BOOL),
	F("bytes_verified", K_INT), END,
};
static const struct field f_sanitization[] = {
	ENUM("category", K_ENUM, v_category),
	ENUM("technique", K_ENUM, v_technique),
	F("method", K_STR),
	SUB("passes", K_ARRAY, f_pass),
	F("blank", K_BOOL),
	ENUM("hidden_areas", K_ENUM, v_hidden),
	F("post_classification", K_STR_NULL),
	END,
};
static const struct field f_read_path[] = { F("path", K_STR), F("bytes", K_INT), END };
static const struct field f_verification[] = {
	ENUM("mode", K_ENUM, v_mode),
	F("coverage_percent", K_PERCENT),
	F("samples", K_INT),
	OPT("sample_seed", K_HEX),
	F("bytes_read", K_INT),
	F("cache_bypass", K_STR_NULL),
	SUB("read_paths", K_ARRAY, f_read_path),
	F("verified", K_BOOL),
	END,
};
static const struct field f_range[] = { F("first_lba", K_INT), F("count", K_INT), END };
static const struct field f_errors[] = {
	SUB("write", K_ARRAY, f_range),
	SUB("read", K_ARRAY, f_range),
	SUB("mismatch", K_ARRAY, f_range),
	END,
};
static const struct field f_tool[] = {
	F("name", K_STR),
	F("version", K_STR),
	F("sha256", K_SHA256),
	END,
};
/* the computer the media was erased in (DMI); absent from certificates made before it */
static const struct field f_machine[] = {
	F("manufacturer", K_STR_NULL), OPT("manufacturer_hex", K_HEX), F("product", K_STR_NULL),
	OPT("product_hex", K_HEX),     F("serial", K_STR_NULL),	       OPT("serial_hex", K_HEX),
	F("uuid", K_STR_NULL),	       OPT("uuid_hex", K_HEX),	       END,
};
/* the approved request (kesu-request/1) the erasure fulfils, when the register held one */
static const struct field f_request[] = { F("id", K_UUID), F("sha256", K_SHA256), END };
static const struct field f_cert[] = {
	ENUM("format", K_ENUM, v_format),
	F("id", K_UUID),
	F("report_id", K_UUID),
	{ "request", K_OBJ, true, NULL, f_request },
	F("issued", K_TIME),
	SUB("organisation", K_OBJ, f_org),
	SUB("operator", K_OBJ, f_operator),
	SUB("witness", K_OBJ, f_witness),
	ENUM("reason", K_ENUM_NULL, v_reason),
	F("lease_contract", K_STR_NULL),
	SUB("media", K_OBJ, f_media),
	SUB("sanitization", K_OBJ, f_sanitization),
	SUB("verification", K_OBJ, f_verification),
	SUB("errors", K_OBJ, f_errors),
	ENUM("result", K_ENUM, v_result),
	F("result_reason", K_STR_NULL),
	F("started", K_TIME),
	F("finished", K_TIME),
	ENUM("destination", K_ENUM_NULL, v_destination),
	F("notes", K_STR_NULL),
	SUB("tool", K_OBJ, f_tool),
	F("host", K_STR),
	{ "machine", K_OBJ, true, NULL, f_machine },
	END,
};

/*
 * The destruction form (kesu cert issue --destruction): no report behind it,
 * so no passes, no read-back and no device geometry; the proof is the
 * signed statement and the evidence files it names by SHA-256. Which
 * sanitization category each technique earns is fixed, not chosen: NIST
 * SP 800-88 Rev. 1 Appendix A lists degaussing as Purge for magnetic media
 * (it also leaves a modern hard disk unusable: its servo tracks are gone);
 * shredding, disintegration, incineration and pulverizing are Destroy (IEEE
 * 2883-2022: Destruct).
 */
static const struct {
	const char *technique;
	const char *category;
	const char *method;
} destruct_methods[] = {
	{ "shred", "destroy", "physical destruction: shredding (IEEE 2883 Destruct)" },
	{ "disintegrate", "destroy", "physical destruction: disintegration (IEEE 2883 Destruct)" },
	{ "incinerate", "destroy", "physical destruction: incineration (IEEE 2883 Destruct)" },
	{ "pulverize", "destroy", "physical destruction: pulverizing (IEEE 2883 Destruct)" },
	{ "degauss", "purge",
	  "degaussing (NIST SP 800-88 Purge for magnetic media; leaves the drive unusable)" },
};

static const char *const v_destruct[] = { "shred",     "disintegrate", "incinerate",
					  "pulverize", "degauss",      NULL };
static const char *const v_destruct_result[] = { "success", NULL };

static const struct field f_dmedia[] = {
	F("manufacturer", K_STR_NULL),
	F("model", K_STR_NULL),
	F("serial", K_STR),
	F("type", K_STR_NULL),
	F("asset_tag", K_STR),
	F("source_machine", K_STR_NULL),
	F("classification", K_STR_NULL),
	ENUM("data_backed_up", K_ENUM, v_backup),
	END,
};
static const struct field f_dsanitization[] = {
	ENUM("category", K_ENUM, v_category),
	ENUM("technique", K_ENUM, v_destruct),
	F("method", K_STR),
	F("post_classification", K_STR_NULL),
	END,
};
static const struct field f_evidence[] = {
	F("name", K_STR),
	F("size", K_INT),
	F("sha256", K_SHA256),
	END,
};
static const struct field f_cert_destroy[] = {
	ENUM("format", K_ENUM, v_format),
	F("id", K_UUID),
	F("issued", K_TIME),
	SUB("organisation", K_OBJ, f_org),
	SUB("operator", K_OBJ, f_operator),
	SUB("witness", K_OBJ, f_witness),
	ENUM("reason", K_ENUM_NULL, v_reason),
	F("lease_contract", K_STR_NULL),
	SUB("media", K_OBJ, f_dmedia),
	SUB("sanitization", K_OBJ, f_dsanitization),
	SUB("evidence", K_ARRAY, f_evidence),
	ENUM("result", K_ENUM, v_destruct_result),
	ENUM("destination", K_ENUM_NULL, v_destination),
	F("notes", K_STR_NULL),
	SUB("tool", K_OBJ, f_tool),
	END,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

bool cert_destination_valid(const char *s)
{
	return in_list(v_destination, s);
}

bool cert_backup_valid(const char *s)
{
	return in_list(v_backup, s);
}

static int fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static bool is_hex(const char *s, size_t len, bool even)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return !even || len % 2 == 0;
}

static bool is_uuid4(const char *s, size_t len)
{
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	if (s[14] != '4' || !strchr("89ab", s[19]) || !s[19])
		return false;
	return is_hex(s, 8, false) && is_hex(s + 9, 4, false) && is_hex(s + 14, 4, false) &&
	       is_hex(s + 19, 4, false) && is_hex(s + 24, 12, false);
}

/* two digits at @s within [lo, hi] */
static bool two(const char *s, int lo, int hi)
{
	int v;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v >= lo && v <= hi;
}

/* RFC 3339 in the one form kesu writes: UTC, seconds, "Z" */
static bool is_time(const char *s, size_t len)
{
	return len == 20 && two(s, 0, 99) && two(s + 2, 0, 99) && s[4] == '-' &&
	       two(s + 5, 1, 12) && s[7] == '-' && two(s + 8, 1, 31) && s[10] == 'T' &&
	       two(s + 11, 0, 23) && s[13] == ':' && two(s + 14, 0, 59) && s[16] == ':' &&
	       two(s + 17, 0, 60) && s[19] == 'Z';
}

static int check_obj(const json_t *o, const struct field *fields, const char *at, char *why,
		     size_t len);

static int check_value(const json_t *v, const struct field *f, const char *at, char *why,
		       size_t len)
{
	const char *s = json_string_value(v);
	size_t n = json_is_string(v) ? json_string_length(v) : 0;
	char elem[192];
	size_t i;

	/* a NUL would end the string early wherever it is shown */
	if (s && strlen(s) != n)
		return fail(why, len, "%s: holds a NUL character", at);
	switch (f->kind) {
	case K_STR: return s ? 0 : fail(why, len, "%s: not a string", at);
	case K_STR_NULL:
		return s || json_is_null(v) ? 0 : fail(why, len, "%s: not a string or null", at);
	case K_INT:
		return json_is_integer(v) && json_integer_value(v) >= 0 ?
			       0 :
			       fail(why, len, "%s: not a non-negative integer", at);
	case K_PERCENT:
		return json_is_integer(v) && json_integer_value(v) >= 0 &&
				       json_integer_value(v) <= 100 ?
			       0 :
			       fail(why, len, "%s: not an integer from 0 to 100", at);
	case K_BOOL: return json_is_boolean(v) ? 0 : fail(why, len, "%s: not true or false", at);
	case K_ENUM_NULL:
		if (json_is_null(v))
			return 0;
		/* fall through */
	case K_ENUM:
		if (in_list(f->values, s))
			return 0;
		return fail(why, len, "%s: not one of the values kesu-certificate(5) lists", at);
	case K_UUID:
		return s && is_uuid4(s, n) ? 0 : fail(why, len, "%s: not a version 4 UUID", at);
	case K_TIME:
		return s && is_time(s, n) ?
			       0 :
			       fail(why, len, "%s: not a time YYYY-MM-DDThh:mm:ssZ", at);
	case K_HEX: return s && is_hex(s, n, true) ? 0 : fail(why, len, "%s: not hexadecimal", at);
	case K_SHA256:
		return json_is_null(v) || (s && n == 64 && is_hex(s, n, true)) ?
			       0 :
			       fail(why, len, "%s: not a SHA-256 in hexadecimal or null", at);
	case K_OBJ: return check_obj(v, f->fields, at, why, len);
	case K_ARRAY:
		if (!json_is_array(v))
			return fail(why, len, "%s: not an array", at);
		for (i = 0; i < json_array_size(v); i++) {
			snprintf(elem, sizeof(elem), "%.150s[%zu]", at, i);
			if (check_obj(json_array_get(v, i), f->fields, elem, why, len))
				return -EBADMSG;
		}
		return 0;
	}
	return fail(why, len, "%s: unknown kind", at);
}

static const struct field *find_field(const struct field *fields, const char *key, size_t klen)
{
	for (; fields->name; fields++)
		if (strlen(fields->name) == klen && !memcmp(fields->name, key, klen))
			return fields;
	return NULL;
}

static int check_obj(const json_t *o, const struct field *fields, const char *at, char *why,
		     size_t len)
{
	const struct field *f;
	const char *key;
	char path[160];
	size_t klen;
	json_t *v;

	if (!json_is_object(o))
		return fail(why, len, "%s: not an object", *at ? at : "the document");
	for (f = fields; f->name; f++) {
		snprintf(path, sizeof(path), "%s%s%s", at, *at ? "." : "", f->name);
		v = json_object_get(o, f->name);
		if (!v) {
			if (f->optional)
				continue;
			return fail(why, len, "%s: missing", path);
		}
		if (check_value(v, f, path, why, len))
			return -EBADMSG;
	}
	json_object_keylen_foreach((json_t *)o, key, klen, v)
	{
		if (!find_field(fields, key, klen))
			return fail(why, len, "%s%s%.*s: unknown field", at, *at ? "." : "",
				    (int)(klen > 64 ? 64 : klen), key);
	}
	return 0;
}

json_t *cert_get(const json_t *cert, const char *path)
{
	const char *dot;
	json_t *v = (json_t *)cert;

	while (v && path) {
		dot = strchr(path, '.');
		v = json_object_getn(v, path, dot ? (size_t)(dot - path) : strlen(path));
		path = dot ? dot + 1 : NULL;
	}
	return v;
}

const char *cert_get_string(const json_t *cert, const char *path)
{
	return json_string_value(cert_get(cert, path));
}

/* a success must be backed by what the report shows, as kesu-report(5) promises */
static int check_success(const json_t *c, char *why, size_t len)
{
	static const char *const lists[] = { "errors.write", "errors.read", "errors.mismatch" };
	const json_t *passes = cert_get(c, "sanitization.passes");

	if (strcmp(cert_get_string(c, "result"), "success"))
		return 0;
	if (!json_is_true(cert_get(c, "verification.verified")))
		return fail(why, len, "result: success, but verification.verified is false");
	for (size_t i = 0; i < 3; i++)
		if (json_array_size(cert_get(c, lists[i])))
			return fail(why, len, "result: success, but %s is not empty", lists[i]);
	/*
	 * A drive's own command or a keyslot destruction writes no passes: its
	 * proof is the sample read back before and after
	 */
	if (!json_array_size(passes) &&
	    json_integer_value(cert_get(c, "verification.bytes_read")) <= 0)
		return fail(why, len,
			    "result: success, but sanitization.passes is empty and nothing "
			    "was read back");
	for (size_t i = 0; i < json_array_size(passes); i++)
		if (!json_is_true(json_object_get(json_array_get(passes, i), "completed")))
			return fail(why, len, "result: success, but pass %zu is not completed",
				    i + 1);
	return 0;
}

static size_t destruct_index(const char *technique)
{
	size_t i;

	for (i = 0; technique && i < sizeof(destruct_methods) / sizeof(destruct_methods[0]); i++)
		if (!strcmp(destruct_methods[i].technique, technique))
			return i;
	return (size_t)-1;
}

bool cert_destruction_valid(const char *technique)
{
	return destruct_index(technique) != (size_t)-1;
}

bool cert_is_destruction(const json_t *cert)
{
	return cert_destruction_valid(cert_get_string(cert, "sanitization.technique"));
}

/* what the schema table cannot say: the category the technique earns, and real hashes */
static int check_destruction(const json_t *c, char *why, size_t len)
{
	size_t i = destruct_index(cert_get_string(c, "sanitization.technique"));
	const json_t *ev = cert_get(c, "evidence");

	if (strcmp(cert_get_string(c, "sanitization.category"), destruct_methods[i].category))
		return fail(why, len, "sanitization.category: %s is %s, not %s",
			    destruct_methods[i].technique, destruct_methods[i].category,
			    cert_get_string(c, "sanitization.category"));
	if (!*cert_get_string(c, "media.serial") || !*cert_get_string(c, "media.asset_tag"))
		return fail(why, len, "media: a destruction names the asset tag and the serial");
	for (i = 0; i < json_array_size(ev); i++)
		if (!json_is_string(json_object_get(json_array_get(ev, i), "sha256")))
			return fail(why, len, "evidence[%zu].sha256: not a SHA-256", i);
	return 0;
}

int cert_check(const json_t *cert, char *why, size_t len)
{
	if (why && len)
		why[0] = '\0';
	/* the technique picks the form: a physical one has no report, passes or read-back */
	if (json_is_object(cert) && cert_is_destruction(cert)) {
		if (check_obj(cert, f_cert_destroy, "", why, len))
			return -EBADMSG;
		return check_destruction(cert, why, len);
	}
	if (check_obj(cert, f_cert, "", why, len))
		return -EBADMSG;
	return check_success(cert, why, len);
}

/* a deep copy of the report's value at @path; null when it has none */
static json_t *copy(const json_t *rep, const char *path)
{
	json_t *v = cert_get(rep, path);

	return v ? json_deep_copy(v) : json_null();
}

static json_t *media_json(const json_t *rep, const struct cert_meta *m)
{
	static const char *const hex[] = { "model_hex", "serial_hex", "wwn_hex", "firmware_hex",
					   "path_hex" };
	char path[32];
	json_t *o;

	o = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}",
		      "manufacturer", json_text(m->manufacturer), "model",
		      copy(rep, "device.model"), "serial", copy(rep, "device.serial"), "wwn",
		      copy(rep, "device.wwn"), "firmware", copy(rep, "device.firmware"),
		      "capacity_bytes", copy(rep, "device.size_bytes"), "logical_block_size",
		      copy(rep, "device.logical_block_size"), "transport",
		      copy(rep, "device.transport"), "type", json_text(m->media_type), "kind",
		      copy(rep, "device.kind"), "path", copy(rep, "device.path"), "asset_tag",
		      copy(rep, "operator.asset_tag"), "source_machine",
		      json_text(m->source_machine), "classification", json_text(m->classification),
		      "data_backed_up", m->data_backed_up ? m->data_backed_up : "unknown");
	/* the raw bytes of a device string that was not UTF-8 stay recoverable */
	for (size_t i = 0; o && i < sizeof(hex) / sizeof(hex[0]); i++) {
		snprintf(path, sizeof(path), "device.%s", hex[i]);
		if (cert_get(rep, path) && json_object_set_new(o, hex[i], copy(rep, path))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* what each pass did, with the generator the plan named for it */
static json_t *passes_json(const json_t *rep)
{
	json_t *done = copy(rep, "passes"), *plan = cert_get(rep, "method.passes"), *gen;
	size_t i;

	for (i = 0; json_is_array(done) && i < json_array_size(done); i++) {
		gen = json_object_get(json_array_get(plan, i), "generator");
		if (gen && json_object_set_new(json_array_get(done, i), "generator",
					       json_deep_copy(gen))) {
			json_decref(done);
			return NULL;
		}
	}
	return done;
}

/*
 * The report names a technique by what kesu did; the certificate by the
 * technique of NIST SP 800-88 Appendix G ("Method Used") and IEEE 2883.
 * Destroying every LUKS keyslot sanitizes the media encryption key: that is
 * a cryptographic erase, and sanitization.method says which one.
 */
static json_t *technique_json(const json_t *rep)
{
	const char *t = cert_get_string(rep, "method.technique");

	if (t && !strcmp(t, "keyslot-destroy"))
		return json_string("crypto-erase");
	return copy(rep, "method.technique");
}

static json_t *sanitization_json(const json_t *rep, const struct cert_meta *m)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:o}", "category", copy(rep, "method.category"),
			 "technique", technique_json(rep), "method", copy(rep, "method.name"),
			 "passes", passes_json(rep), "blank", copy(rep, "method.blank"),
			 "hidden_areas", "unknown", "post_classification",
			 json_text(m->post_classification));
}

static json_t *verification_json(const json_t *rep)
{
	json_t *o =
		json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "mode", copy(rep, "verification.mode"),
			  "coverage_percent", copy(rep, "verification.sample_percent"), "samples",
			  copy(rep, "verification.samples"), "bytes_read",
			  copy(rep, "verification.bytes_read"), "cache_bypass",
			  copy(rep, "verification.cache_bypass"), "read_paths",
			  copy(rep, "verification.read_paths"), "verified",
			  copy(rep, "verification.verified"));

	if (o && cert_get(rep, "verification.sample_seed") &&
	    json_object_set_new(o, "sample_seed", copy(rep, "verification.sample_seed"))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *issued_json(const struct cert_meta *m)
{
	struct timespec now;

	if (m->issued)
		return json_time(m->issued);
	clock_gettime(CLOCK_REALTIME, &now);
	return json_time(&now);
}

static bool meta_valid(const struct cert_meta *m)
{
	size_t n = m->tool_sha256 ? strlen(m->tool_sha256) : 0;

	return (!m->destination || cert_destination_valid(m->destination)) &&
	       (!m->data_backed_up || cert_backup_valid(m->data_backed_up)) &&
	       (!m->tool_sha256 || (n == 64 && is_hex(m->tool_sha256, n, true)));
}

static json_t *people_json(const json_t *rep, const struct cert_meta *m, json_t **op,
			   json_t **witness)
{
	*op = json_pack("{s:o,s:o,s:o}", "name", copy(rep, "operator.name"), "title",
			json_text(m->operator_title), "contact", json_text(m->operator_contact));
	*witness = json_pack("{s:o}", "name",
			     m->witness ? json_text(m->witness) : copy(rep, "operator.witness"));
	return json_pack("{s:o,s:o,s:o}", "name", json_text(m->organisation), "department",
			 json_text(m->department), "location",
			 m->location ? json_text(m->location) : copy(rep, "operator.location"));
}

/* the report's machine, when it has one (reports before kesu recorded DMI do not) */
static int machine_json(const json_t *rep, json_t *c)
{
	const json_t *m = cert_get(rep, "machine");

	if (!json_is_object(m))
		return 0;
	return json_object_set_new(c, "machine", json_deep_copy(m)) ? -ENOMEM : 0;
}

json_t *cert_from_report(const json_t *rep, const struct cert_meta *m, char id[37])
{
	static const struct cert_meta none;
	const char *format = cert_get_string(rep, "format");
	json_t *c, *org, *op, *witness;
	char why[160];

	if (!m)
		m = &none;
	if (!format || strcmp(format, "kesu-report/1") || !meta_valid(m)) {
		errno = EINVAL;
		return NULL;
	}
	secmem_uuid(id);
	org = people_json(rep, m, &op, &witness);
	c = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		      "s:o,s:{s:o,s:o,s:o},s:o}",
		      "format", CERT_FORMAT, "id", id, "report_id", copy(rep, "id"), "issued",
		      issued_json(m), "organisation", org, "operator", op, "witness", witness,
		      "reason", copy(rep, "operator.reason"), "lease_contract",
		      copy(rep, "operator.lease_contract"), "media", media_json(rep, m),
		      "sanitization", sanitization_json(rep, m), "verification",
		      verification_json(rep), "errors", copy(rep, "errors"), "result",
		      copy(rep, "result"), "result_reason", copy(rep, "result_reason"), "started",
		      copy(rep, "started"), "finished", copy(rep, "finished"), "destination",
		      json_text(m->destination), "notes", json_text(m->notes), "tool", "name",
		      copy(rep, "tool.name"), "version", copy(rep, "tool.version"), "sha256",
		      json_text(m->tool_sha256), "host", copy(rep, "host"));
	if (c && machine_json(rep, c)) {
		json_decref(c);
		c = NULL;
	}
	if (c && m->request_id &&
	    json_object_set_new(c, "request",
				json_pack("{s:s,s:s}", "id", m->request_id, "sha256",
					  m->request_sha256 ? m->request_sha256 : "")))
		json_decref(c), c = NULL;
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	if (cert_check(c, why, sizeof(why))) {
		json_decref(c);
		errno = EINVAL;
		return NULL;
	}
	return c;
}

static json_t *evidence_json(const struct cert_evidence *ev, size_t n)
{
	json_t *a = json_array(), *e;

	for (size_t i = 0; a && i < n; i++) {
		e = json_pack("{s:o,s:I,s:s}", "name", json_text(ev[i].name), "size",
			      (json_int_t)ev[i].size, "sha256", ev[i].sha256);
		if (!e || json_array_append_new(a, e)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *destruction_media(const struct cert_destruction *d, const struct cert_meta *m)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}", "manufacturer",
			 json_text(m->manufacturer), "model", json_text(d->model), "serial",
			 json_text(d->serial), "type", json_text(m->media_type), "asset_tag",
			 json_text(d->asset_tag), "source_machine", json_text(m->source_machine),
			 "classification", json_text(m->classification), "data_backed_up",
			 m->data_backed_up ? m->data_backed_up : "unknown");
}

json_t *cert_from_destruction(const struct cert_destruction *d, const struct cert_meta *m,
			      char id[37])
{
	static const struct cert_meta none;
	struct cert_meta mm;
	size_t t = destruct_index(d->technique);
	json_t *c, *org, *op, *witness, *empty;
	char why[160];

	if (!m)
		m = &none;
	if (t == (size_t)-1 || !d->serial || !d->asset_tag || !d->operator|| !meta_valid(m) ||
	    (d->reason && !in_list(v_reason, d->reason))) {
		errno = EINVAL;
		return NULL;
	}
	secmem_uuid(id);
	mm = *m;
	if (d->witness)
		mm.witness = d->witness;
	if (!(empty = json_pack("{s:{s:s}}", "operator", "name", d->operator))) {
		errno = ENOMEM;
		return NULL;
	}
	org = people_json(empty, &mm, &op, &witness);
	json_decref(empty);
	c = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:s,s:s,s:s,s:o},s:o,s:s,s:o,s:o,"
		      "s:{s:s,s:s,s:o}}",
		      "format", CERT_FORMAT, "id", id, "issued", issued_json(m), "organisation",
		      org, "operator", op, "witness", witness, "reason", json_text(d->reason),
		      "lease_contract", json_text(d->lease_contract), "media",
		      destruction_media(d, m), "sanitization", "category",
		      destruct_methods[t].category, "technique", destruct_methods[t].technique,
		      "method", destruct_methods[t].method, "post_classification",
		      json_text(m->post_classification), "evidence",
		      evidence_json(d->evidence, d->nevidence), "result", "success", "destination",
		      json_text(m->destination), "notes", json_text(m->notes), "tool", "name",
		      "kesu", "version", PACKAGE_VERSION, "sha256", json_text(m->tool_sha256));
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	if (cert_check(c, why, sizeof(why))) {
		json_decref(c);
		errno = EINVAL;
		return NULL;
	}
	return c;
}
