/* tests/recent_t.c - unit tests of the per-thread set of names found clean. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "name.h"
#include "recent.h"
#include "tap.h"

/** names put in the set at once in the crowd test: more than it has slots */
#define CROWD 20000

/**
 * Wire form of a name.
 * @param str: the name, presentation format.
 * @param wire: receives it; TG_WIRE_MAX bytes.
 * @return: its length.
 */
static size_t
wire_of(const char* str, uint8_t* wire)
{
	struct tg_name n;
	size_t len = 0;
	if(tg_name_from_str(&n, str, wire, &len) != TG_OK)
		return 0;
	return len;
}

/** A name put in is found; others, and the same name in another case, are not. */
static void
test_basic(void)
{
	struct tg_recent* r = tg_recent_new();
	uint8_t a[TG_WIRE_MAX], b[TG_WIRE_MAX], c[TG_WIRE_MAX];
	size_t la = wire_of("www.example.com", a), lb = wire_of("www.example.org", b);
	size_t lc = wire_of("WWW.example.com", c);

	if(!ok(r != NULL, "a set is made"))
		return;
	ok(!tg_recent_has(r, a, la), "an empty set has no name");
	tg_recent_add(r, a, la);
	ok(tg_recent_has(r, a, la), "a name put in is found");
	ok(!tg_recent_has(r, b, lb), "another name is not");
	ok(!tg_recent_has(r, c, lc), "nor the same name in another case: bytes are compared");
	ok(!tg_recent_has(r, a, la - 1), "nor a shorter length of the same bytes");
	ok(tg_recent_memory() >= 16384 * 64, "the set says how big it is");
	tg_recent_free(r);
	tg_recent_free(NULL);
}

/** A name too long for a slot is never kept; one that just fits is. */
static void
test_limits(void)
{
	struct tg_recent* r = tg_recent_new();
	uint8_t w[TG_WIRE_MAX];
	char s[TG_PRESENT_MAX];
	size_t len;

	if(!r)
		return;
	memset(s, 'a', 40);
	s[40] = '.';
	memset(s + 41, 'b', 30);
	strcpy(s + 71, ".example.com");
	len = wire_of(s, w);
	ok(len > TG_RECENT_NAME_MAX, "a name of %d bytes", (int)len);
	tg_recent_add(r, w, len);
	ok(!tg_recent_has(r, w, len), "is not kept");
	s[TG_RECENT_NAME_MAX - 14] = 0;
	strcat(s, ".example.com");
	len = wire_of(s, w);
	is_int(len, TG_RECENT_NAME_MAX, "a name of exactly the longest size");
	tg_recent_add(r, w, len);
	ok(tg_recent_has(r, w, len), "is kept");
	len = wire_of(".", w);
	tg_recent_add(r, w, len);
	ok(tg_recent_has(r, w, len), "the root is a name like any other");
	tg_recent_free(r);
}

/** More names than slots: names are pushed out, never confused with each other. */
static void
test_crowd(void)
{
	struct tg_recent* r = tg_recent_new();
	uint8_t w[TG_WIRE_MAX];
	char s[64];
	size_t i, len, kept = 0, wrong = 0;

	if(!r)
		return;
	for(i = 0; i < CROWD; i++) {
		snprintf(s, sizeof(s), "n%zu.example", i);
		len = wire_of(s, w);
		tg_recent_add(r, w, len);
	}
	for(i = 0; i < CROWD; i++) {
		snprintf(s, sizeof(s), "n%zu.example", i);
		len = wire_of(s, w);
		kept += (size_t)tg_recent_has(r, w, len);
		snprintf(s, sizeof(s), "m%zu.example", i);
		len = wire_of(s, w);
		wrong += (size_t)tg_recent_has(r, w, len);
	}
	ok(kept > 12000 && kept <= 16384, "of %d names, as many as fit are kept (%d)", CROWD,
		(int)kept);
	is_int(wrong, 0, "no name never put in is ever found");
	tg_recent_free(r);
}

int
main(void)
{
	test_basic();
	test_limits();
	test_crowd();
	return done_testing();
}
