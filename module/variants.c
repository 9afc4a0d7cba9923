/* module/variants.c - every host name one edit away from a name (typoguard variants). */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdlib.h>
#include <string.h>
#include "match.h"

/** the characters of a host name, in byte order: what insertions and substitutions use */
static const char tg_host_chars[] = "-.0123456789abcdefghijklmnopqrstuvwxyz";
/** longest host name, presentation form without the trailing dot */
#define TG_HOST_MAX 253
/** longest label of a host name */
#define TG_HOST_LABEL_MAX 63

/** The variants of a name, gathered to be sorted. */
struct tg_varlist {
	/** the variants' text, NUL-terminated one after another */
	char* buf;
	/** bytes used in buf */
	size_t used;
	/** the variants */
	char** list;
	/** number of variants */
	size_t count;
};

/**
 * Whether a text is a valid host name: letters, digits, hyphens, dots between labels; no
 * empty label, no hyphen at either end of a label; limits on label and name length.
 * @param s: the text.
 * @param len: its length.
 * @return: 1 if valid.
 */
static int
tg_host_valid(const uint8_t* s, size_t len)
{
	size_t i, lab = 0;
	uint8_t c;

	if(len == 0 || len > TG_HOST_MAX)
		return 0;
	for(i = 0; i < len; i++) {
		c = s[i];
		if(c == '.') {
			if(lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if((c == '-' && lab == 0) || ++lab > TG_HOST_LABEL_MAX)
			return 0;
	}
	return s[len - 1] != '-' && s[len - 1] != '.';
}

/**
 * Keep a candidate variant if it is a valid host name.
 * @param v: the list; has room.
 * @param s: the candidate.
 * @param len: its length.
 */
static void
tg_var_add(struct tg_varlist* v, const uint8_t* s, size_t len)
{
	if(!tg_host_valid(s, len))
		return;
	memcpy(v->buf + v->used, s, len);
	v->buf[v->used + len] = 0;
	v->list[v->count++] = v->buf + v->used;
	v->used += len + 1;
}

/**
 * Gather every valid host name one deletion, insertion, substitution or swap from a text.
 * @param v: the list, with room for all of them.
 * @param t: the text.
 * @param n: its length.
 */
static void
tg_var_generate(struct tg_varlist* v, const uint8_t* t, size_t n)
{
	uint8_t s[TG_TEXT_MAX + 1];
	size_t i, c, chars = sizeof(tg_host_chars) - 1;

	for(i = 0; i < n; i++) {
		memcpy(s, t, i);
		memcpy(s + i, t + i + 1, n - i - 1);
		tg_var_add(v, s, n - 1);
	}
	for(i = 0; i <= n; i++) {
		memcpy(s, t, i);
		memcpy(s + i + 1, t + i, n - i);
		for(c = 0; c < chars; c++) {
			s[i] = (uint8_t)tg_host_chars[c];
			tg_var_add(v, s, n + 1);
		}
	}
	memcpy(s, t, n);
	for(i = 0; i < n; i++) {
		for(c = 0; c < chars; c++) {
			if((uint8_t)tg_host_chars[c] == t[i])
				continue;
			s[i] = (uint8_t)tg_host_chars[c];
			tg_var_add(v, s, n);
		}
		s[i] = t[i];
	}
	for(i = 0; i + 1 < n; i++) {
		if(t[i] == t[i + 1])
			continue;
		s[i] = t[i + 1];
		s[i + 1] = t[i];
		tg_var_add(v, s, n);
		s[i] = t[i];
		s[i + 1] = t[i + 1];
	}
}

/**
 * Order two variants bytewise, for qsort.
 * @param a: pointer to the first variant.
 * @param b: pointer to the second.
 * @return: as strcmp.
 */
static int
tg_var_cmp(const void* a, const void* b)
{
	return strcmp(*(char* const*)a, *(char* const*)b);
}

enum tg_err
tg_variants(const struct tg_name* name, int (*emit)(const char* variant, void* arg),
	void* arg)
{
	struct tg_varlist v;
	size_t i, n = name->len, most = n + (n + 1) * 38 + n * 37 + n;
	enum tg_err r = TG_OK;

	memset(&v, 0, sizeof(v));
	v.buf = malloc(most * (n + 2));
	v.list = malloc(most * sizeof(char*));
	if(!v.buf || !v.list) {
		r = TG_ERR_NOMEM;
		goto cleanup;
	}
	tg_var_generate(&v, name->text, n);
	qsort(v.list, v.count, sizeof(char*), tg_var_cmp);
	for(i = 0; i < v.count; i++) {
		if(i > 0 && strcmp(v.list[i], v.list[i - 1]) == 0)
			continue;
		if(emit(v.list[i], arg) != 0) {
			r = TG_ERR_INVALID;
			goto cleanup;
		}
	}
cleanup:
	free(v.buf);
	free(v.list);
	return r;
}

