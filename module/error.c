/* module/error.c - error codes and located error messages of the typoguard library. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "error.h"

const char*
tg_strerror(enum tg_err code)
{
	switch(code) {
	case TG_OK: return "success";
	case TG_ERR_NOMEM: return "out of memory";
	case TG_ERR_IO: return "input/output error";
	case TG_ERR_SYNTAX: return "syntax error";
	case TG_ERR_INVALID: return "invalid value";
	case TG_ERR_NAME: return "malformed domain name";
	case TG_ERR_LIMIT: return "limit exceeded";
	}
	return "unknown error";
}

const char*
tg_errno_str(int e, char* buf, size_t size)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(e, buf, size);
#else
	if(strerror_r(e, buf, size) != 0)
		snprintf(buf, size, "error %d", e);
	return buf;
#endif
}

enum tg_err
tg_error_set(struct tg_error* err, enum tg_err code, const char* file,
	int line, const char* fmt, ...)
{
	va_list ap;
	int n = 0;
	if(!err)
		return code;
	err->code = code;
	if(file && line > 0)
		n = snprintf(err->msg, sizeof(err->msg), "%s:%d: ", file, line);
	else if(file)
		n = snprintf(err->msg, sizeof(err->msg), "%s: ", file);
	if(n < 0 || (size_t)n >= sizeof(err->msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

void
tg_logf(tg_log_func* log, int level, const char* fmt, ...)
{
	char msg[TG_ERRMSG_MAX];
	va_list ap;
	if(!log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(level, msg);
}
