/* tests/name_t.c - unit tests of name conversion: wire, presentation and comparison forms. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "name.h"
#include "rnd.h"
#include "tap.h"

/** random names checked by the round-trip test */
#define RANDOM_NAMES 5000


/**
 * Write bytes as a C-like escaped string, for diagnostics.
 * @param out: receives it; needs 4 * len + 1 bytes.
 * @param b: the bytes.
 * @param len: their number.
 * @return: out.
 */
static char*
hex(char* out, const uint8_t* b, size_t len)
{
	size_t i, o = 0;
	for(i = 0; i < len; i++) {
		if(b[i] >= 0x21 && b[i] < 0x7f && b[i] != '\\')
			out[o++] = (char)b[i];
		else
			o += (size_t)sprintf(out + o, "\\x%02x", b[i]);
	}
	out[o] = 0;
	return out;
}

/**
 * Whether a string is printable ASCII only (so valid UTF-8 and safe in JSON once quotes and
 * backslashes are escaped by the JSON writer).
 * @param s: the string.
 * @return: 1 if so.
 */
static int
printable_ascii(const char* s)
{
	for(; *s; s++)
		if((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/**
 * Check that a wire name goes to presentation form and back to the very same wire bytes.
 * @param wire: the name, wire format.
 * @param len: its length.
 * @param what: description of the name for the test's message.
 * @return: 1 if it round-trips.
 */
static int
round_trip(const uint8_t* wire, size_t len, const char* what)
{
	struct tg_name a, b;
	uint8_t back[TG_WIRE_MAX];
	char pres[TG_PRESENT_MAX], h1[TG_WIRE_MAX * 4 + 1], h2[TG_WIRE_MAX * 4 + 1];
	size_t blen = 0;
	enum tg_err r;

	if(tg_name_from_wire(&a, wire, len) != TG_OK) {
		diag("%s: wire form rejected: %s", what, hex(h1, wire, len));
		return 0;
	}
	tg_name_present(pres, &a, 0);
	if(!printable_ascii(pres)) {
		diag("%s: presentation form not printable ASCII: %s", what, pres);
		return 0;
	}
	if((r = tg_name_from_str(&b, pres, back, &blen)) != TG_OK) {
		diag("%s: presentation form \"%s\" does not parse: %s", what, pres,
			tg_strerror(r));
		return 0;
	}
	if(blen != len || memcmp(back, wire, len) != 0) {
		diag("%s: expected wire %s, got %s (via \"%s\")", what, hex(h1, wire, len),
			hex(h2, back, blen), pres);
		return 0;
	}
	if(a.len != b.len || memcmp(a.text, b.text, a.len) != 0 || a.labels != b.labels) {
		diag("%s: comparison text differs after the round trip", what);
		return 0;
	}
	return 1;
}

/**
 * Build a wire name from labels given as (length, bytes) pairs.
 * @param out: receives the wire name.
 * @param labels: the labels, each a length byte then the bytes, ended by a 0 length.
 * @return: the length of the wire name.
 */
static size_t
wire_of(uint8_t* out, const uint8_t* labels)
{
	size_t n = 0;
	while(labels[n] != 0)
		n += 1 + (size_t)labels[n];
	memcpy(out, labels, n + 1);
	return n + 1;
}

/** Presentation format: comparison text, labels, offsets, case, root, escapes. */
static void
test_from_str(void)
{
	struct tg_name n;
	uint8_t wire[TG_WIRE_MAX];
	size_t wl = 0;

	is_int(tg_name_from_str(&n, "army.mil", wire, &wl), TG_OK, "army.mil parses");
	is_str((char*)n.text, "army.mil", "army.mil: comparison text");
	is_int(n.labels, 2, "army.mil: two labels");
	is_int(n.label_off[0], 0, "army.mil: first label at 0");
	is_int(n.label_off[1], 5, "army.mil: second label at 5");
	is_int(n.len, 8, "army.mil: text length 8");
	is_int(wl, 10, "army.mil: wire length 10");
	ok(memcmp(wire, "\004army\003mil", 10) == 0, "army.mil: wire bytes");
	is_int(tg_name_from_str(&n, "ArMy.MIL.", NULL, NULL), TG_OK, "ArMy.MIL. parses");
	is_str((char*)n.text, "army.mil", "ArMy.MIL.: text lowercased, trailing dot dropped");
	is_str((char*)n.orig, "ArMy.MIL", "ArMy.MIL.: original bytes keep their case");
	is_int(tg_name_from_str(&n, ".", wire, &wl), TG_OK, "\".\" parses");
	is_int(n.labels, 0, "\".\" is the root: no labels");
	is_int(n.len, 0, "\".\" is the root: empty text");
	is_int(wl, 1, "\".\" is the root: one wire byte");
	is_int(tg_name_from_str(&n, "\\065\\.b.\\\\x", wire, &wl), TG_OK, "escapes parse");
	ok(n.len == 6 && memcmp(n.text, "a\0b.\\x", 6) == 0,
		"escapes: \\065 is 'a' folded, \\. is an odd byte in the text");
	ok(memcmp(n.orig, "A.b.\\x", 6) == 0, "escapes: original bytes kept");
	is_int(n.labels, 2, "escapes: an escaped dot does not split the label");
	is_int(tg_name_from_str(&n, "x\\255y.com", wire, &wl), TG_OK, "\\255 parses");
	is_int(n.orig[1], 255, "\\255 is byte 255");
	is_int(tg_name_from_str(&n, "x\\000y", wire, &wl), TG_OK, "\\000 parses");
	is_int(n.text[1], TG_TEXT_ODD, "\\000 is an odd byte in the text");
}

/**
 * Write a name of labels of 'a's of the given lengths, dot-separated.
 * @param out: receives the name; room for the sum of lengths and dots.
 * @param len: the label lengths, ended by 0.
 * @return: out.
 */
static char*
name_of(char* out, const size_t* len)
{
	size_t o = 0;
	for(; *len; len++) {
		if(o)
			out[o++] = '.';
		memset(out + o, 'a', *len);
		o += *len;
	}
	out[o] = 0;
	return out;
}

/** Presentation format that must be refused, and the length limits. */
static void
test_from_str_errors(void)
{
	static const char* bad[] = { "", "..", "a..b", ".a", "a.b..", "\\256.com",
		"\\25.com", "\\2x5.com", "abc\\", "a\\1", NULL };
	static const size_t l64[] = { 64, 0 }, l63[] = { 63, 0 },
		w259[] = { 63, 63, 63, 63, 1, 0 }, w255[] = { 63, 63, 63, 61, 0 },
		w256[] = { 63, 63, 63, 62, 0 };
	char buf[400];
	struct tg_name n;
	int i;

	for(i = 0; bad[i]; i++)
		is_int(tg_name_from_str(&n, bad[i], NULL, NULL), TG_ERR_NAME,
			"\"%s\" is rejected", bad[i]);
	is_int(tg_name_from_str(&n, name_of(buf, l64), NULL, NULL), TG_ERR_NAME,
		"a 64-byte label is rejected");
	is_int(tg_name_from_str(&n, name_of(buf, l63), NULL, NULL), TG_OK,
		"a 63-byte label is accepted");
	is_int(tg_name_from_str(&n, name_of(buf, w259), NULL, NULL), TG_ERR_NAME,
		"a name of 259 wire bytes is rejected");
	is_int(tg_name_from_str(&n, name_of(buf, w255), NULL, NULL), TG_OK,
		"a name of 255 wire bytes is accepted");
	is_int(n.len, 253, "a name of 255 wire bytes has 253 bytes of text");
	is_int(tg_name_from_str(&n, name_of(buf, w256), NULL, NULL), TG_ERR_NAME,
		"a name of 256 wire bytes is rejected");
	strcat(name_of(buf, w255), ".");
	is_int(tg_name_from_str(&n, buf, NULL, NULL), TG_OK,
		"a name of 255 wire bytes with its trailing dot is accepted");
}

/** Wire format that must be refused, and the label count limit. */
static void
test_from_wire_errors(void)
{
	struct tg_name n;
	uint8_t big[300];
	size_t i;

	is_int(tg_name_from_wire(&n, (const uint8_t*)"\004army\003mil", 9), TG_ERR_NAME,
		"a wire name cut before its root label is rejected");
	is_int(tg_name_from_wire(&n, (const uint8_t*)"\004army\005mil", 10), TG_ERR_NAME,
		"a label running past the buffer is rejected");
	is_int(tg_name_from_wire(&n, (const uint8_t*)"\004army\300\014", 7), TG_ERR_NAME,
		"a compression pointer is rejected");
	is_int(tg_name_from_wire(&n, (const uint8_t*)"\100abc", 5), TG_ERR_NAME,
		"a label length of 64 is rejected");
	is_int(tg_name_from_wire(&n, (const uint8_t*)"", 0), TG_ERR_NAME,
		"an empty buffer is rejected");
	is_int(tg_name_from_wire(&n, (const uint8_t*)"\000", 1), TG_OK, "the root is accepted");
	is_int(n.labels, 0, "the root has no labels");
	/* 128 labels of one byte: 257 bytes */
	for(i = 0; i < 128; i++) {
		big[2 * i] = 1;
		big[2 * i + 1] = 'a';
	}
	big[256] = 0;
	is_int(tg_name_from_wire(&n, big, 257), TG_ERR_NAME,
		"128 labels (257 wire bytes) are rejected");
	big[254] = 0;
	is_int(tg_name_from_wire(&n, big, 255), TG_OK, "127 labels (255 wire bytes) are accepted");
	is_int(n.labels, 127, "127 labels counted");
	is_int(n.label_off[126], 252, "the last of 127 labels starts at 252");
	is_int(tg_name_from_wire(&n, (const uint8_t*)"\003aBc\000trailing", 14), TG_OK,
		"bytes after the root label are ignored");
	is_str((char*)n.text, "abc", "the name ends at its root label");
}

/** Label bytes '.' and NUL in the comparison text, and what is not folded. */
static void
test_odd_bytes(void)
{
	struct tg_name n;
	uint8_t w[16];
	size_t wl = wire_of(w, (const uint8_t*)"\007army.ml\001\000");

	is_int(wl, 11, "wire with a dotted label built");
	is_int(tg_name_from_wire(&n, w, wl), TG_OK, "a label with a '.' byte is accepted");
	ok(n.len == 9 && memcmp(n.text, "army\0ml.\0", 9) == 0,
		"a '.' and a NUL inside labels become the odd byte in the text");
	is_int(n.labels, 2, "a '.' inside a label does not split it");
	ok(memcmp(n.orig, "army.ml.\0", 9) == 0, "orig keeps the '.' and the NUL");
	wl = wire_of(w, (const uint8_t*)"\003MIL");
	is_int(tg_name_from_wire(&n, w, wl), TG_OK, "MIL parses");
	is_str((char*)n.text, "mil", "only ASCII letters are folded: MIL -> mil");
	wl = wire_of(w, (const uint8_t*)"\002\301Z");
	is_int(tg_name_from_wire(&n, w, wl), TG_OK, "a byte >= 0x80 is accepted");
	ok(n.text[0] == 0xc1 && n.text[1] == 'z', "bytes >= 0x80 are not folded");
}

/** Presentation of each class of byte, and of names from a label on. */
static void
test_present(void)
{
	char out[64];
	struct tg_name n;
	struct { const char* in; size_t len; const char* want; } c[] = {
		{ "aZ9-_", 5, "aZ9-_" }, { ".", 1, "\\." }, { "\"", 1, "\\\"" },
		{ ";()", 3, "\\;\\(\\)" }, { "\\", 1, "\\\\" }, { "@$", 2, "\\@\\$" },
		{ " ", 1, "\\ " }, { "\001", 1, "\\001" }, { "\0", 1, "\\000" },
		{ "\177", 1, "\\127" }, { "\200\377", 2, "\\128\\255" },
		{ "\t\n", 2, "\\009\\010" }, { "~*", 2, "~*" }
	};
	size_t i;

	for(i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		tg_present_bytes(out, (const uint8_t*)c[i].in, c[i].len);
		is_str(out, c[i].want, "present_bytes escapes case %d as %s", (int)i, c[i].want);
	}
	is_int(tg_present_bytes(out, (const uint8_t*)"a.b", 3), 4, "length of \"a\\.b\" is 4");
	tg_name_from_str(&n, "www.Army.mil", NULL, NULL);
	tg_name_present(out, &n, 0);
	is_str(out, "www.Army.mil", "present keeps the original case");
	tg_name_present(out, &n, 1);
	is_str(out, "Army.mil", "present from label 1");
	tg_name_present(out, &n, 2);
	is_str(out, "mil", "present from label 2");
	tg_name_present(out, &n, 3);
	is_str(out, ".", "present from past the last label is the root");
	tg_name_from_str(&n, ".", NULL, NULL);
	tg_name_present(out, &n, 0);
	is_str(out, ".", "the root is presented as \".\"");
}

/** Names of awkward bytes go to presentation form and back unchanged. */
static void
test_hostile_round_trips(void)
{
	static const char* labels[] = {
		"\005a\"b\"c\003com", "\004a\\b\\\003com", "\003\001\002\003\000",
		"\003a\000b\003com", "\002\200\377\003xn-", "\007army.ml\000",
		"\001.\001.\000", "\003 ;@\004($)\\\000", "\004ArMy\003MiL",
		"\003\177\011\012\000", NULL
	};
	uint8_t w[TG_WIRE_MAX + 1], l63[64];
	size_t i, wl;
	int all = 1;

	for(i = 0; labels[i]; i++) {
		wl = wire_of(w, (const uint8_t*)labels[i]);
		ok(round_trip(w, wl, "hostile"), "hostile name %d round-trips", (int)i);
	}
	/* a 63-byte label of every odd kind of byte, 3 times, then a 61: 255 bytes */
	for(i = 0; i < 63; i++)
		l63[i] = (uint8_t)(i * 37 + 1);
	wl = 0;
	for(i = 0; i < 4; i++) {
		w[wl++] = (uint8_t)(i < 3 ? 63 : 61);
		memcpy(w + wl, l63, w[wl - 1]);
		wl += w[wl - 1];
	}
	w[wl++] = 0;
	is_int(wl, 255, "a 255-byte wire name built");
	ok(round_trip(w, wl, "255 bytes"), "a 255-byte name of odd bytes round-trips");
	for(i = 0; i < 256 && all; i++) {
		w[0] = 1;
		w[1] = (uint8_t)i;
		w[2] = 0;
		all = round_trip(w, 3, "single byte");
	}
	ok(all, "every single-byte label round-trips");
}

/**
 * Make a random wire name: random labels of random bytes, biased to the awkward ones.
 * @param w: receives the name, TG_WIRE_MAX bytes.
 * @return: its length.
 */
static size_t
random_wire(uint8_t* w)
{
	static const uint8_t odd[] = { '.', '\\', '"', 0, 0x80, 0xff, ' ', ';', 'A', 'z', '-' };
	size_t wl = 0, lab, i, room;

	while(rnd() % 8 != 0) {
		room = TG_WIRE_MAX - 1 - wl;
		if(room < 2)
			break;
		lab = 1 + rnd() % (rnd() % 4 == 0 ? 63 : 10);
		if(lab > room - 1)
			lab = room - 1;
		w[wl++] = (uint8_t)lab;
		for(i = 0; i < lab; i++)
			w[wl++] = (rnd() % 3 == 0) ? odd[rnd() % sizeof(odd)] : (uint8_t)rnd();
	}
	w[wl++] = 0;
	return wl;
}

/** Random wire names go to presentation form and back unchanged. */
static void
test_random_round_trips(void)
{
	uint8_t w[TG_WIRE_MAX];
	size_t wl;
	int i, bad = 0;

	for(i = 0; i < RANDOM_NAMES; i++) {
		wl = random_wire(w);
		if(!round_trip(w, wl, "random") && ++bad > 5)
			break;
	}
	ok(bad == 0, "%d random wire names round-trip through presentation form", RANDOM_NAMES);
}

int
main(void)
{
	rng = 0x2545f4914f6cdd1dULL;
	test_from_str();
	test_from_str_errors();
	test_from_wire_errors();
	test_odd_bytes();
	test_present();
	test_hostile_round_trips();
	test_random_round_trips();
	return done_testing();
}
