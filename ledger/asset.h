/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The asset register (policy Art. 22, 41-46): every asset's tag, kind,
 * identity, holder, location and state, kept as events in the ledger's one
 * hash chain, beside the certificates. An event is a kesu-asset-event/1
 * document in RFC 8785 canonical form; nothing is updated in place: the
 * current state of an asset is what its events, replayed in seq order, leave,
 * and `kesu ledger verify` replays them with the same rules that recorded them.
 */
#ifndef KESU_LEDGER_ASSET_H
#define KESU_LEDGER_ASSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

enum asset_state {
	ASSET_STATE_KEEP = -1, /* in an asset_change: leave the state as it is */
	ASSET_IN_SERVICE = 0,
	ASSET_LENT,
	ASSET_TAKEN_OUT,
	ASSET_BROUGHT_IN,
	ASSET_RETURNED,
	ASSET_ON_HOLD,
	ASSET_DISPOSAL_REQUESTED,
	ASSET_DISPOSAL_APPROVED,
	ASSET_ERASED,
	ASSET_DESTROYED,
	ASSET_RETURNED_TO_LESSOR,
	ASSET_RETIRED,
	ASSET_NSTATES
};

/* What an asset record holds besides its tag and state; empty values are not kept. */
enum asset_field {
	ASSET_KIND, /* pc, disk, usb, mobile, other */
	ASSET_SERIAL,
	ASSET_MODEL,
	ASSET_DEPARTMENT,
	ASSET_LOCATION,
	ASSET_HOLDER,
	ASSET_CLASSIFICATION,
	ASSET_LEASE_CONTRACT,
	ASSET_CATEGORY,	    /* the category another register gave it (Snipe-IT, GLPI type) */
	ASSET_STATUS_LABEL, /* the status label another register gave it */
	ASSET_NFIELDS
};

enum asset_event {
	ASSET_ADDED,	 /* kesu asset add */
	ASSET_EDITED,	 /* fields changed, the state kept */
	ASSET_STATE,	 /* the state changed (and perhaps fields) */
	ASSET_IMPORTED,	 /* added or changed by an import */
	ASSET_INSPECTED, /* seen at an inspection (Art. 44-46); the state kept */
	ASSET_NEVENTS
};

/* "kind", "serial", ... "lease_contract", "category", "status_label" */
extern const char *const asset_field_names[ASSET_NFIELDS];
/* "added", "edited", "state", "imported", "inspected" */
extern const char *const asset_event_names[ASSET_NEVENTS];

#define ASSET_TAG_MAX 64
#define ASSET_VALUE_MAX 256
#define ASSET_WHY_MAX 1024

/** asset_state_name() - "in-service", "disposal-approved", ...; NULL when out of range */
const char *asset_state_name(enum asset_state s);

/** asset_state_label() - "in service", "disposal approved", ...: for people and other registers */
const char *asset_state_label(enum asset_state s);

/**
 * asset_state_parse() - a state by its name or label, in any case
 * Return: 0, -EINVAL (no such state)
 */
int asset_state_parse(const char *s, enum asset_state *out);

/**
 * asset_transition_ok() - whether the register allows @from -> @to (@from
 * ASSET_STATE_KEEP: a new asset); erased -> lent, for one, it does not
 */
bool asset_transition_ok(enum asset_state from, enum asset_state to);

/**
 * asset_needs_authority() - whether entering @to needs a signed document
 * (a request and its approval, a hold, a certificate) named in the event:
 * disposal, holds, erasure, destruction and a lease return do
 */
bool asset_needs_authority(enum asset_state to);

/**
 * asset_tag_check() - a tag is 1 to ASSET_TAG_MAX characters of ASCII
 * letters, digits and "-_./:#", starting with a letter or a digit (never an
 * option, never a spreadsheet formula)
 * Return: 0, -EINVAL (@why says why)
 */
int asset_tag_check(const char *tag, char *why, size_t wl);

/**
 * asset_value_check() - a field's value: UTF-8 without control characters,
 * at most ASSET_VALUE_MAX bytes; a kind is one of the five
 * Return: 0, -EINVAL (@why says why)
 */
int asset_value_check(enum asset_field f, const char *v, char *why, size_t wl);

/**
 * asset_kind_guess() - the kind a category names ("Laptop" pc, "USBメモリ" usb):
 * Return: "pc", "disk", "usb", "mobile" or "other"
 */
const char *asset_kind_guess(const char *category);

/*
 * The signed document that allowed an event (a request and its approval, a
 * hold, a certificate): named by its id and the SHA-256 of its canonical
 * bytes; a request also by its kind.
 */
struct asset_authority {
	const char *type; /* "kesu-request/1", "kesu-certificate/1", ... */
	const char *id;
	const char *sha256;
	const char *kind; /* a request's kind ("disposal", "hold", ...); NULL for others */
};

/* One change to record. */
struct asset_change {
	const char *tag;
	enum asset_event event;
	/* new values; NULL: not given; "": cleared. Values equal to the current ones are dropped */
	const char *field[ASSET_NFIELDS];
	/* the kind of a new asset when field[ASSET_KIND] is not given (from its category) */
	const char *kind_default;
	enum asset_state state; /* ASSET_STATE_KEEP: unchanged (in service for a new asset) */
	/* import: change the state of an asset already registered only if this is set */
	bool state_is_kesu;
	const char *who, *when, *why; /* when: "YYYY-MM-DDTHH:MM:SSZ"; why may be NULL */
	const struct asset_authority *authority;
	/* a loan's or take-out's end, "YYYY-MM-DD"; NULL: none given */
	const char *until;
	/* who will do the disposal work, as the approved request names them (Art. 5, 120-122) */
	const char *contractor;
};

/* What recording a change did. */
struct asset_outcome {
	enum { ASSET_NEW, ASSET_CHANGED, ASSET_UNCHANGED } what;
	unsigned changed;	/* bit (1 << enum asset_field) per field changed */
	enum asset_state from;	/* the state before (ASSET_STATE_KEEP for a new asset) */
	enum asset_state state; /* the state after */
	int64_t seq;		/* the event's row; 0 when unchanged */
};

/* One asset as its events leave it. */
struct asset {
	char *tag;
	char *field[ASSET_NFIELDS]; /* NULL when not set */
	enum asset_state state;
	int64_t first_seq, last_seq;
	char last_when[32]; /* the time of its last event */
	size_t events;
	/* the last certificate recorded for its tag, when asset_load() was asked for them */
	char *cert_id, *cert_sha256;
	char until[11];	     /* the end of the loan or take-out it is on; "" for none */
	char state_when[32]; /* when it entered its state */
	char inspected[32];  /* its last inspection; "" when never inspected */
	char added[32];	     /* when it was registered */
	/* while on hold: where it stood, since when, why, and the hold request's id */
	enum asset_state held_from;
	char hold_since[32];
	char *hold_why, *hold_id;
	/* while disposal approved: the request that approved it, its hash and its kind */
	char *approval_id, *approval_sha256, *approval_kind;
	/* the contractor that approval hands it to (NULL: none), its row and its time */
	char *contractor;
	int64_t contractor_seq;
	char contractor_when[32];
};

/* The register: assets in the order they were added, found by tag through a hash index. */
struct asset_set {
	struct asset *a;
	size_t n, cap;
	size_t *slot; /* index + 1 into a[]; 0: empty */
	size_t nslots;
};

/**
 * asset_set_new() - an empty register
 * Return: the set, or NULL when out of memory
 */
struct asset_set *asset_set_new(void);

void asset_set_free(struct asset_set *s);

/**
 * asset_replay() - apply the event @doc (row @seq) to @s, after checking
 * it: its form, and that its transition is one the register allows from
 * the asset's state as the events before it left it
 * @why: set when the event is refused; @s is then unchanged
 * Return: 0, -EBADMSG (malformed), -EPERM (a transition the register
 * refuses, or one without the signed document it needs), -EEXIST (an asset
 * added twice), -ENOENT (an event for an asset never added), -ENOMEM
 */
int asset_replay(struct asset_set *s, const json_t *doc, int64_t seq, char *why, size_t wl);

/** asset_find() - the asset with @tag in @s, or NULL */
struct asset *asset_find(const struct asset_set *s, const char *tag);

/**
 * asset_apply() - record @n changes in one transaction, each checked
 * against the register as the events before it leave it
 * @out: n outcomes (may be NULL)
 * @failed: set to the index of the change refused
 * @why: set to the reason when a change is refused; nothing is recorded then
 *
 * Return: 0, -EINVAL (a value or tag the register does not take), -EPERM
 * (a transition it refuses, or one that needs a signed document), -EEXIST
 * (added twice), -ENOENT (an edit of an asset never added), -EBADMSG (the
 * register's events do not replay: `kesu ledger verify` says where), or a
 * backend errno (-EBUSY, -EIO, -ENOSPC, -ENOMEM)
 */
int asset_apply(struct ledger *l, const struct asset_change *c, size_t n, struct asset_outcome *out,
		size_t *failed, char *why, size_t wl);

/**
 * asset_load() - the register as its events leave it: all assets, or the one with @tag
 * @certs: also the last certificate recorded for each asset's tag
 * Return: 0 (@s filled in: asset_set_free() it), -EBADMSG (events that do not replay),
 * -ENOMEM, backend errno
 */
int asset_load(struct ledger *l, const char *tag, bool certs, struct asset_set **s);

/**
 * asset_history() - hand the event rows of @tag to @fn in seq order (with their documents)
 * Return: 0, -ENOENT (no such asset), @fn's value, backend errno
 */
int asset_history(struct ledger *l, const char *tag, ledger_row_fn fn, void *usr);

/**
 * asset_event_json() - an event row of asset_history() as JSON: its
 * document, with the row's seq and row_hash added
 * Return: a new object, or NULL when out of memory or not JSON
 */
json_t *asset_event_json(const struct ledger_row *row);

/**
 * asset_json() - @a as JSON: asset_tag, state, every field (null when not
 * set), events, first_seq, last_seq, last_event, certificate_id and
 * certificate_sha256
 * Return: a new object, or NULL when out of memory
 */
json_t *asset_json(const struct asset *a);

/* The CSV an import reads: kesu's own columns, or another register's export. */
enum asset_format {
	ASSET_FORMAT_AUTO, /* GLPI with "Inventory number", Snipe-IT with "Status" or
			    * "Checked Out To", else kesu */
	ASSET_FORMAT_KESU,
	ASSET_FORMAT_SNIPEIT,
	ASSET_FORMAT_GLPI,
};

/* An import file read: one change per record, and where each came from. */
struct asset_import {
	struct asset_change *c;
	size_t *line; /* the line each record starts on */
	size_t n;
	enum asset_format format; /* the one read (after ASSET_FORMAT_AUTO) */
	size_t err_line;	  /* the line of the error; 0 for none */
	char why[256];		  /* why the file was refused */
	/* private to the reader */
	size_t cap;
	char **text;
	size_t ntext, textcap;
	int col[ASSET_NFIELDS + 2];
	size_t ncols;
};

/**
 * asset_import_parse() - read an import file: UTF-8 CSV (a byte-order mark
 * and CRLF accepted) with a header naming an asset tag column
 * @fmt: the header names to read (kesu-asset(8), IMPORT)
 * @out: filled in; asset_import_free() it, also after an error. The
 *       changes are ASSET_IMPORTED; who, when and why are left to the caller
 *
 * Refused with the line (@out->err_line) and the reason (@out->why): bytes
 * that are not UTF-8 (a spreadsheet's Shift_JIS), malformed CSV, ";" as the
 * separator, no tag column, a record with another number of cells than the
 * header, a missing or invalid tag, a tag given twice, a cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab or CR first), a value
 * the register does not take.
 *
 * Return: 0, -EBADMSG (refused), -ENOMEM
 */
int asset_import_parse(const char *buf, size_t len, enum asset_format fmt,
		       struct asset_import *out);

void asset_import_free(struct asset_import *im);

enum asset_export_format {
	ASSET_EXPORT_SNIPEIT, /* Snipe-IT's importer, keyed on Asset Tag, kesu's as custom fields */
	ASSET_EXPORT_GLPI,    /* GLPI computer fields */
	ASSET_EXPORT_CSV,     /* every field of asset_json(), every cell quoted */
	ASSET_EXPORT_JSONL,   /* asset_json(), one per line */
};

/**
 * asset_export_header() - the export's header line, with its CRLF ("" for JSONL),
 * in a new string (free() it)
 * Return: 0, -ENOMEM
 */
int asset_export_header(enum asset_export_format fmt, char **line);

/**
 * asset_export_line() - @a as one export record with its line end, in a new
 * string (free() it); CSV cells quoted and formulas defused as
 * ledger_export_line() does
 * Return: 0, -ENOMEM
 */
int asset_export_line(enum asset_export_format fmt, const struct asset *a, char **line);

/**
 * asset_status_label() - the status label to give another register: the
 * one it gave, while the asset is in the state that label means; else the
 * state's label
 */
const char *asset_status_label(const struct asset *a);

/**
 * asset_label_state() - the state a status label of another register
 * means: kesu's own names, Snipe-IT's defaults ("Ready to Deploy",
 * "Deployed", "Pending" in service, "Archived" retired)
 * Return: 0 (@st set; @kesu true when it is one of kesu's names), -ENOENT
 */
int asset_label_state(const char *label, enum asset_state *st, bool *kesu);

/**
 * asset_date_ok() - @s is a date "YYYY-MM-DD" (a loan's end, "until")
 */
bool asset_date_ok(const char *s);

/**
 * asset_apply_locked() - asset_apply() inside a write transaction the caller
 * holds (another row written with the changes, as an inspection record is)
 * Return: as asset_apply(); the caller ends the transaction
 */
int asset_apply_locked(struct ledger *l, const struct asset_change *c, size_t n,
		       struct asset_outcome *out, size_t *failed, char *why, size_t wl);

/**
 * asset_request_state() - the state a request of @kind ("disposal", "hold",
 * ... as request_kind_name()) moves @a to: disposal and lease-return
 * disposal approved, hold on hold, release back to where the hold found it,
 * loan lent, take-out taken out, bring-in brought in
 * Return: 0, -EINVAL (no such kind), -EPERM (a release of an asset not on hold)
 */
int asset_request_state(const struct asset *a, const char *kind, enum asset_state *to);

/**
 * asset_apply_request() - record in the register the request @req (a
 * kesu-request/1 document the caller verified, approved) whose canonical
 * bytes hash to @sha256: an event of its asset, with the request as its
 * authority and its reason as the event's
 * @out: what was recorded
 * Return: 0, -ENOENT (its asset is not registered), -EALREADY (this request
 * was recorded before), the errnos of asset_request_state() and asset_apply()
 */
int asset_apply_request(struct ledger *l, const json_t *req, const char *sha256, const char *who,
			const char *when, struct asset_outcome *out, char *why, size_t wl);

/* What asset_gate() is asked to enforce besides holds, which it always does. */
enum {
	ASSET_GATE_APPROVAL = 1 << 0,	/* an approved disposal or lease-return request */
	ASSET_GATE_REGISTERED = 1 << 1, /* the tag is registered */
};

/* The request an erasure may go ahead under. */
struct asset_gate_ok {
	char request_id[ASSET_VALUE_MAX + 1]; /* "" when none */
	char request_sha256[65];
	char request_kind[32];
};

/**
 * asset_gate() - may the device with @tag and @serial (either NULL) be
 * erased or formatted? Refused for an asset on hold (Art. 97.2), found by
 * its tag or by its serial, whatever @flags say; with ASSET_GATE_REGISTERED
 * for a tag not registered; with ASSET_GATE_APPROVAL unless the tag's asset
 * is disposal approved by a request, and its registered serial, where it
 * and @serial are both known, is @serial
 * @why: the reason when refused ("PC-1: on hold since DATE: REASON (request ID)")
 * Return: 0 (@ok names the request, if any), -EPERM (refused), -EBADMSG,
 * -ENOMEM or a backend errno (asset_load())
 */
int asset_gate(struct ledger *l, const char *tag, const char *serial, unsigned flags,
	       struct asset_gate_ok *ok, char *why, size_t wl);

/**
 * asset_record_erasure() - a certificate of a successful erasure recorded in
 * the ledger that names the request it fulfils (@cert's "request" member)
 * moves its asset (media.asset_tag) from
 * disposal approved to erased, with the certificate as the authority
 * Return: 0 (also when the certificate names no request or no registered
 * asset: nothing to move), -EPERM (the asset is not disposal approved by
 * that request), the errnos of asset_apply()
 */
int asset_record_erasure(struct ledger *l, const json_t *cert, const char *sha256, const char *who,
			 const char *when, struct asset_outcome *out, char *why, size_t wl);

/**
 * asset_contractor_check() - may a certificate of the asset @tag signed by
 * the contractor @name as operator be recorded? Only when the register
 * holds an approved disposal or lease return of that asset whose request
 * named the contractor (text_name_same()), and the asset is disposal
 * approved or past it (erased, destroyed, returned to the lessor)
 * @why: "no disposal request names contractor NAME" when refused
 * Return: 0, -EACCES (refused), the errnos of asset_load()
 */
int asset_contractor_check(struct ledger *l, const char *tag, const char *name, char *why,
			   size_t wl);

/**
 * asset_contractor_allows() - asset_contractor_check() against the register
 * @s as it stands (NULL: empty), without reading the ledger: ledger_verify()
 * asks it of each contractor's certificate with the register as the events
 * before that row left it
 * Return: 0, -EACCES (refused; @why says so)
 */
int asset_contractor_allows(const struct asset_set *s, const char *tag, const char *name, char *why,
			    size_t wl);

#endif
