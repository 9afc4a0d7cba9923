/* tests/tap.h - a small Test Anything Protocol emitter for the unit tests. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_TAP_H
#define TG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/** number of the last test run */
static int tap_n;
/** number of failed tests */
static int tap_failed;

/**
 * Report one test. On failure the diagnostic, if any, follows as '#' lines.
 * @param pass: non-zero if the test passed.
 * @param fmt: printf format of the test's description.
 * @return: pass.
 */
static int
ok(int pass, const char* fmt, ...)
{
	va_list ap;
	printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if(!pass)
		tap_failed++;
	fflush(stdout);
	return pass;
}

/**
 * Print a diagnostic line.
 * @param fmt: printf format.
 */
static void __attribute__((unused))
diag(const char* fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/**
 * Compare two integers; on failure say what was expected and what came.
 * @return: non-zero if they are equal.
 */
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __VA_ARGS__)

static int __attribute__((unused))
tap_is_int(long long got, long long want, const char* fmt, ...)
{
	va_list ap;
	char desc[512];
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	if(!ok(got == want, "%s", desc))
		diag("expected %lld, got %lld", want, got);
	return got == want;
}

/**
 * Compare two strings (NULL is allowed); on failure say what was expected and what came.
 * @return: non-zero if they are equal.
 */
static int __attribute__((unused))
is_str(const char* got, const char* want, const char* fmt, ...)
{
	va_list ap;
	char desc[512];
	int same = (got == NULL && want == NULL) ||
		(got && want && strcmp(got, want) == 0);
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	if(!ok(same, "%s", desc))
		diag("expected \"%s\", got \"%s\"", want ? want : "(null)",
			got ? got : "(null)");
	return same;
}

/**
 * Print the plan after the tests and give the exit status.
 * @return: 0 if every test passed, else 1.
 */
static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* TG_TAP_H */
