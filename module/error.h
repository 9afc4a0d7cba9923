/* module/error.h - error codes and located error messages of the typoguard library. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_ERROR_H
#define TG_ERROR_H

#include <stddef.h>

/** error codes returned by the library's functions */
enum tg_err {
	/** success */
	TG_OK = 0,
	/** out of memory */
	TG_ERR_NOMEM,
	/** a file could not be opened, read or written; errno-based detail in the message */
	TG_ERR_IO,
	/** a settings or policy file does not parse; the message has file and line */
	TG_ERR_SYNTAX,
	/** a value is out of range or contradicts another; the message has file and line */
	TG_ERR_INVALID,
	/** a domain name is malformed (too long, empty label, bad escape) */
	TG_ERR_NAME,
	/** a limit of the implementation was reached (too many labels, entries) */
	TG_ERR_LIMIT
};

/** longest error message, including file and line */
#define TG_ERRMSG_MAX 512

/**
 * A failure with its place: filled by parsers and loaders so that the caller
 * can show "file:line: problem" without knowing where the problem came from.
 */
struct tg_error {
	/** the error code */
	enum tg_err code;
	/** the whole message, "file:line: text" when a place is known */
	char msg[TG_ERRMSG_MAX];
};

/**
 * Describe an error code.
 * @param code: the error code.
 * @return: a static, constant string; never NULL.
 */
const char* tg_strerror(enum tg_err code);

/** room for the system's text of an errno value */
#define TG_ERRSTR_MAX 128

/**
 * The system's text for an errno value, thread-safe (GNU and XSI strerror_r differ).
 * @param e: the errno value.
 * @param buf: room for the text, if the system needs it.
 * @param size: bytes in buf; TG_ERRSTR_MAX is enough.
 * @return: the text, in buf or static; never NULL.
 */
const char* tg_errno_str(int e, char* buf, size_t size);

/**
 * Fill an error, printf style, prefixed with "file:line: " when file is not NULL
 * (and line > 0; line 0 prints "file: ").
 * @param err: the error to fill; may be NULL, then nothing is written.
 * @param code: the error code to store.
 * @param file: the file the problem is in, or NULL.
 * @param line: the line number in file, 1-based, or 0.
 * @param fmt: printf format of the message.
 * @return: code, so that callers can write "return tg_error_set(...)".
 */
enum tg_err tg_error_set(struct tg_error* err, enum tg_err code,
	const char* file, int line, const char* fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 5, 6)))
#endif
	;

/**
 * A function that reports the library's diagnostics (drops, write errors, databases replaced
 * or refused) to the host's log: Unbound's log_err/log_warn in the module, stderr in the tool.
 * Called from the writer thread; must be thread-safe.
 * @param level: 0 error, 1 warning, 2 information.
 * @param msg: the message, without a trailing newline and without the "typoguard: " prefix
 *	that the host's log function puts in front.
 */
typedef void tg_log_func(int level, const char* msg);

/**
 * Send a diagnostic, printf style, to a log function.
 * @param log: the log function, or NULL: then nothing is done.
 * @param level: 0 error, 1 warning, 2 information.
 * @param fmt: printf format of the message.
 */
void tg_logf(tg_log_func* log, int level, const char* fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
	;

#endif /* TG_ERROR_H */
