/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging for lib/ and the modules. Nothing below src/ prints: messages go
 * through a callback that the front end installs (libcryptsetup's
 * crypt_set_log_callback does the same).
 */
#ifndef KESU_LOG_H
#define KESU_LOG_H

#include <stdarg.h>

enum kesu_log_level {
	KESU_LOG_ERR = 0,
	KESU_LOG_WARN,
	KESU_LOG_INFO,
	KESU_LOG_VERBOSE,
	KESU_LOG_DEBUG,
};

typedef void (*kesu_log_fn)(int level, const char *msg, void *usrptr);

/**
 * kesu_set_log() - install the message sink
 * @fn: called once per message (no trailing newline); NULL drops messages
 * @usrptr: handed back to @fn
 */
void kesu_set_log(kesu_log_fn fn, void *usrptr);

/**
 * kesu_log() - format and hand a message to the sink
 * @level: one of enum kesu_log_level
 */
void kesu_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) kesu_log(KESU_LOG_ERR, __VA_ARGS__)
#define log_warn(...) kesu_log(KESU_LOG_WARN, __VA_ARGS__)
#define log_info(...) kesu_log(KESU_LOG_INFO, __VA_ARGS__)
#define log_verbose(...) kesu_log(KESU_LOG_VERBOSE, __VA_ARGS__)
#define log_dbg(...) kesu_log(KESU_LOG_DEBUG, __VA_ARGS__)

/**
 * kesu_audit() - one record for the security log (policy art. 69)
 * @event: what happened, e.g. "erase start"
 * @...: key, value pairs (const char *), ended by a NULL key
 *
 * Sent to syslog (LOG_AUTHPRIV, LOG_NOTICE) with the ident "kesu" as
 * `EVENT: k1="v1" k2="v2"`. A NULL value is written "-". Values go through
 * text_escape(): `"` and `\` are escaped, control characters and bytes that
 * are not UTF-8 become `\xNN`, so no value can end its field or the record,
 * or forge another one. Used for the start and end of every destructive or
 * cryptographic operation.
 *
 * syslog(3) drops a record silently when no daemon listens; the socket at
 * /dev/log is therefore tried first, so that a caller whose record is
 * evidence (a ledger anchor) can say that it was lost.
 *
 * Return: 0 (a log daemon listens on /dev/log), or the negative errno of
 * connecting to it (-ENOENT, -ECONNREFUSED, -EACCES, ...); the record is
 * handed to syslog(3) either way
 */
int kesu_audit(const char *event, ...) __attribute__((sentinel));

/**
 * kesu_audit_format() - the text kesu_audit() sends, for tests
 * @event, @ap: as for kesu_audit()
 * @out: set to a new string (free() it)
 * Return: 0 or -ENOMEM
 */
int kesu_audit_format(char **out, const char *event, va_list ap);

#endif
