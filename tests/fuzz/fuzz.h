/* tests/fuzz/fuzz.h - what the fuzzers share: stopping with a message, the input as text. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef FZ_FUZZ_H
#define FZ_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FZ_NAME
#error "define FZ_NAME, the fuzzer's name for its messages, before including fuzz.h"
#endif

/**
 * Stop with a message; the fuzzer then reports the input.
 * @param what: what went wrong.
 * @param detail: the text it went wrong on, or NULL.
 */
static void __attribute__((unused))
fz_fail(const char* what, const char* detail)
{
	fprintf(stderr, FZ_NAME ": %s:\n%s\n", what, detail ? detail : "(none)");
	abort();
}

/**
 * The input as a NUL-terminated string (a NUL inside it ends the text there).
 * @param data: the input.
 * @param size: its length.
 * @return: the text, malloc'ed; NULL if out of memory.
 */
static __attribute__((unused)) char*
fz_input_text(const uint8_t* data, size_t size)
{
	char* text = malloc(size + 1);
	if(text) {
		memcpy(text, data, size);
		text[size] = 0;
	}
	return text;
}

#endif /* FZ_FUZZ_H */
