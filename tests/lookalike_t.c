/* tests/lookalike_t.c - unit tests of lookalikes: skeletons, the policy's skeleton pass, hostile labels. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lookalike.h"
#include "policy.h"
#include "tap.h"

/** the characters of host names, for the exhaustive comparison */
static const char host_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_|";

/** the protected names of the policy the tests match against */
static const char zone[] =
	"$ORIGIN p.test.\n"
	"@ SOA ns hostmaster 1 3600 600 86400 300\n"
	"army.mil.protect TXT \"action=nxdomain\"\n"
	"navy.mil.protect TXT \"lookalikes=no\"\n"
	"cloud.com.protect TXT \"action=log\"\n"
	"google.com.protect TXT \"action=log\"\n"
	"ok.arrny.mil.allow TXT \"reason=ours\"\n";

/**
 * The skeleton of a name in presentation form.
 * @param lk: the ICU objects.
 * @param str: the name.
 * @param out: receives the skeleton's text, TG_PRESENT_MAX of room.
 * @param c: counters, or NULL.
 * @return: 1 if the name parsed.
 */
static int
skel(const struct tg_look* lk, const char* str, char* out, struct tg_look_counts* c)
{
	struct tg_name n, s;
	out[0] = 0;
	if(tg_name_from_str(&n, str, NULL, NULL) != TG_OK ||
		tg_look_skeleton(lk, &n, &s, NULL, NULL, c) != TG_OK)
		return 0;
	tg_name_present(out, &s, 0);
	return 1;
}

/** skeletons of names the rules name */
static void
test_skeletons(const struct tg_look* lk)
{
	static const char* const cases[][2] = {
		{ "army.mil", "army.mil" },
		{ "arrny.mil", "army.mil" },
		{ "army.rnil", "army.mil" },
		{ "vvikipedia.org", "wikipedia.org" },
		{ "c1oud.com", "doud.com" },
		{ "cloud.com", "doud.com" },
		{ "g00gle.com", "google.com" },
		{ "paypa1.com", "paypal.com" },
		{ "vvv.example", "wv.example" },
		{ "rnn.example", "mn.example" },
		{ "xn--rmy-5cd.mil", "army.mil" },		/* Cyrillic a */
		{ "xn--av-0eb157z.mil", "navy.mil" },		/* n with dot below, y with stroke */
		{ "xn--ggle-0nda.com", "google.com" },		/* Greek omicrons */
		{ "xn--l-7sba6dbr.com", "paypal.com" },	/* Cyrillic, but the l */
		{ "XN--RMY-5CD.MIL", "army.mil" },		/* case does not matter */
		{ "\\208\\176rmy.mil", "army.mil" },		/* raw UTF-8 Cyrillic a */
	};
	char out[TG_PRESENT_MAX];
	size_t i;
	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ok(skel(lk, cases[i][0], out, NULL), "%s parses", cases[i][0]);
		is_str(out, cases[i][1], "skeleton of %s", cases[i][0]);
	}
}

/**
 * The skeleton of one ASCII label made through ICU: behind a Unicode letter whose skeleton is
 * "e", which pairs with nothing, so the label goes the whole way through ICU.
 * @param lk: the ICU objects.
 * @param label: the label.
 * @param out: receives the skeleton of the label alone, TG_PRESENT_MAX of room.
 * @return: 0 if UTS #46 refuses the label (a hyphen at either end).
 */
static int
icu_ascii(const struct tg_look* lk, const char* label, char* out)
{
	char name[64];
	struct tg_look_counts c;
	memset(&c, 0, sizeof(c));
	snprintf(name, sizeof(name), "\\195\\169%s", label);	/* e with acute, UTF-8 */
	(void)skel(lk, name, out, &c);
	memmove(out, out + 1, strlen(out));
	return atomic_load(&c.refused) == 0;
}

/** the fast ASCII path gives what ICU gives, for every host label up to three characters;
 * and a name tg_look_maybe() calls plain is its own skeleton */
static void
test_ascii_path(const struct tg_look* lk)
{
	size_t n = sizeof(host_chars) - 1, i, j, k, len, bad = 0, badmaybe = 0, count = 0;
	size_t refused = 0;
	char label[4], via_icu[TG_PRESENT_MAX], fast[8], show[16];
	uint8_t out[4];
	struct tg_name nm;
	for(i = 0; i < n * n * n + n * n + n; i++) {
		/* all labels of one, two and three characters */
		k = i;
		len = k < n ? 1 : k < n + n * n ? 2 : 3;
		k -= len == 1 ? 0 : len == 2 ? n : n + n * n;
		for(j = 0; j < len; j++, k /= n)
			label[j] = host_chars[k % n];
		label[len] = 0;
		len = tg_look_ascii(out, (const uint8_t*)label, len);
		tg_present_bytes(fast, out, len);
		if(!icu_ascii(lk, label, via_icu))
			refused++;
		else if(count++, strcmp(fast, via_icu) != 0 && bad++ < 5)
			diag("%s: fast %s, ICU %s", label, fast, via_icu);
		snprintf(show, sizeof(show), "%s.x", label);
		if(tg_name_from_str(&nm, show, NULL, NULL) == TG_OK && !tg_look_maybe(&nm) &&
			(len != strlen(label) || memcmp(out, label, len) != 0) && badmaybe++ < 5)
			diag("%s: called plain, skeleton %s", label, fast);
	}
	is_int(bad, 0, "ASCII path = ICU's on all %zu labels of 1-3 host characters UTS #46 "
		"takes (%zu it refuses)", count, refused);
	is_int(badmaybe, 0, "every label tg_look_maybe() calls plain is its own skeleton");
}

/**
 * What tg_look_maybe() says, byte by byte: a byte "0", "1", "|" or >= 0x80, a pair "rn", "vv",
 * "cl", or a label starting "xn--", in the comparison text.
 */
static int
maybe_ref(const struct tg_name* n)
{
	size_t i;
	const uint8_t* t = n->text;
	for(i = 0; i < n->len; i++) {
		if(t[i] == '0' || t[i] == '1' || t[i] == '|' || t[i] >= 0x80)
			return 1;
		if(i + 1 < n->len && ((t[i] == 'r' && t[i + 1] == 'n') ||
			(t[i] == 'v' && t[i + 1] == 'v') || (t[i] == 'c' && t[i + 1] == 'l')))
			return 1;
	}
	for(i = 0; i < n->labels; i++)
		if(n->len - n->label_off[i] >= 4 && memcmp(t + n->label_off[i], "xn--", 4) == 0)
			return 1;
	return 0;
}

/**
 * Make a wire name of len text bytes: labels of 'a' (a dot every 41st byte), with bytes put at
 * a position of the text. The bytes past the name's end in the struct are set to what would
 * trigger: "n" (after an "r" last) and "1"s, so a scan that does not stop at the end shows.
 * @return: 1 if the name was made (the position is inside one label).
 */
static int
maybe_name(struct tg_name* n, size_t len, size_t pos, const char* put, size_t putlen)
{
	uint8_t wire[TG_WIRE_MAX];
	size_t i, w = 0, start = 0;
	char text[TG_TEXT_MAX];
	for(i = 0; i < len; i++)
		text[i] = (i % 41 == 40) ? '.' : 'a';
	for(i = 0; i < putlen; i++) {
		if(pos + i >= len || text[pos + i] == '.')
			return 0;
		text[pos + i] = put[i];
	}
	if(len == 0 || text[len - 1] == '.')
		return 0;
	for(i = 0; i <= len; i++)
		if(i == len || text[i] == '.') {
			wire[w++] = (uint8_t)(i - start);
			memcpy(wire + w, text + start, i - start);
			w += i - start;
			start = i + 1;
		}
	wire[w++] = 0;
	memset(n, '1', sizeof(*n));
	if(tg_name_from_wire(n, wire, w) != TG_OK)
		return 0;
	memset(n->text + n->len, '1', TG_TEXT_MAX - n->len);
	n->text[n->len] = 'n';
	return 1;
}

/** tg_look_maybe() sees each trigger at every position of names of every length, never one
 * cut by the end or past it, and agrees with maybe_ref() on random names */
static void
test_maybe(void)
{
	static const char* const put[] = { "0", "1", "|", "\xc3", "rn", "vv", "cl", "xn--" };
	static const char alpha[] = "abcrnvl01|-x.";
	struct tg_name n;
	size_t len, pos, k, made = 0, miss = 0, false_hits = 0, differ = 0, i, j, wl;
	uint8_t wire[TG_WIRE_MAX];
	unsigned seed = 12345;
	for(len = 1; len < 254; len++) {
		if(maybe_name(&n, len, 0, "", 0) && tg_look_maybe(&n) && false_hits++ < 3)
			diag("plain name of %zu bytes called maybe", len);
		/* a pair cut by the end: its first byte last */
		if(maybe_name(&n, len, len - 1, "r", 1) && tg_look_maybe(&n) && false_hits++ < 3)
			diag("\"r\" last in %zu bytes called maybe", len);
		for(pos = 0; pos < len; pos++)
			for(k = 0; k < sizeof(put) / sizeof(put[0]); k++) {
				if(k == 7 && pos % 41 != 0)
					continue;	/* "xn--" counts at a label's start only */
				if(!maybe_name(&n, len, pos, put[k], strlen(put[k])))
					continue;
				made++;
				if(!tg_look_maybe(&n) && miss++ < 5)
					diag("%s at %zu of %zu bytes not seen", put[k], pos, len);
			}
	}
	is_int(miss, 0, "every trigger at every position of %zu names is seen", made);
	is_int(false_hits, 0, "a plain name, or \"r\" last, is not called maybe at any length");
	for(i = 0; i < 200000; i++) {
		/* random wire names of the alphabet above, dots inside labels included */
		size_t w = 0, total = 0, labels = 1 + (seed = seed * 1103515245 + 12345) % 6;
		for(j = 0; j < labels; j++) {
			wl = 1 + (seed = seed * 1103515245 + 12345) % 40;
			if(total + wl + 1 > 250)
				break;
			wire[w++] = (uint8_t)wl;
			for(k = 0; k < wl; k++) {
				seed = seed * 1103515245 + 12345;
				/* mostly plain letters, so both answers come up */
				wire[w++] = (seed >> 16) % 8 ? (uint8_t)('a' + (seed >> 8) % 3) :
					(uint8_t)alpha[(seed >> 20) % (sizeof(alpha) - 1)];
			}
			total += wl + 1;
		}
		wire[w++] = 0;
		if(w == 1 || tg_name_from_wire(&n, wire, w) != TG_OK)
			continue;
		if(tg_look_maybe(&n) != maybe_ref(&n) && differ++ < 5)
			diag("random name %zu: maybe %d, byte by byte %d", i,
				tg_look_maybe(&n), maybe_ref(&n));
	}
	is_int(differ, 0, "tg_look_maybe() = the byte by byte answer on 200,000 random names");
}

/** labels that are not IDNA: kept as they are, counted, never a crash */
static void
test_hostile(const struct tg_look* lk, const struct tg_policy* p)
{
	static const char* const names[] = {
		"xn--.mil", "xn--a.mil", "xn---.mil", "xn--999999999.mil", "xn--abc.mil",
		"xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.mil",
		"xn--ab-m1t.mil",	/* a ZWJ b: CONTEXTJ */
		"xn--a1-ulde.mil",	/* Hebrew and a digit and Latin: bidi */
		"xn--A-xbb.mil",	/* punycode of an uppercase letter */
		"xn--\\128\\255.mil", "xn--a\\000b.mil", "xn--a\\.b.army.mil.com",
		"\\255\\254rmy.mil", "\\192\\128army.mil", "\\237\\160\\128.mil",
		"xn--rmy-5cd\\000.mil",
	};
	struct tg_look_counts c;
	struct tg_name n, s;
	struct tg_match m;
	size_t i, bad = 0, flagged = 0;
	memset(&c, 0, sizeof(c));
	for(i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if(tg_name_from_str(&n, names[i], NULL, NULL) != TG_OK) {
			ok(0, "%s parses", names[i]);
			continue;
		}
		if(tg_look_skeleton(lk, &n, &s, NULL, NULL, &c) != TG_OK || s.labels != n.labels ||
			s.len == 0 || s.len > TG_TEXT_MAX - 2)
			bad++;
		memset(&m, 0, sizeof(m));
		if(tg_policy_match(p, &n, 1, &m, &c) == TG_VERDICT_TYPO && m.lookalike) {
			flagged++;
			diag("%s flagged as a lookalike of rule %u", names[i], (unsigned)m.id);
		}
	}
	is_int(bad, 0, "hostile labels: a skeleton of as many labels, never empty or too long");
	is_int(flagged, 0, "hostile labels: never a lookalike");
	ok(atomic_load(&c.refused) >= 2 * 13, "hostile labels: refusals counted (%llu)",
		(unsigned long long)atomic_load(&c.refused));
	is_int(atomic_load(&c.decoded), 0, "hostile labels: none given a Unicode skeleton");
}

/** skeletons that grow: a label too long is kept, a name too long loses its left labels */
static void
test_long(const struct tg_look* lk)
{
	char name[TG_PRESENT_MAX];
	struct tg_look_counts c;
	struct tg_name n, s;
	size_t skipped = 99, i;
	memset(&c, 0, sizeof(c));
	/* the skeleton of the Hangul syllable U+CB94 is seven letters, 19 bytes of UTF-8:
	 * sixteen of them do not fit a label */
	ok(tg_name_from_str(&n, "xn--np6baaaaaaaaaaaaaaa.com", NULL, NULL) == TG_OK,
		"long label parses");
	ok(tg_look_skeleton(lk, &n, &s, &skipped, NULL, &c) == TG_OK, "long label: a skeleton");
	is_str((const char*)s.text, "xn--np6baaaaaaaaaaaaaaa.com", "long label: kept as it is");
	is_int(atomic_load(&c.toolong), 1, "long label: counted");
	/* ten of them fit a label, but not two such labels in a name */
	name[0] = 0;
	for(i = 0; i < 3; i++)
		strcat(name, "xn--np6baaaaaaaaa.");
	strcat(name, "army.mil");
	ok(tg_name_from_str(&n, name, NULL, NULL) == TG_OK, "long name parses");
	ok(tg_look_skeleton(lk, &n, &s, &skipped, NULL, &c) == TG_OK, "long name: a skeleton");
	is_int(skipped, 2, "long name: two left labels dropped");
	is_int(s.labels, 3, "long name: three labels kept");
	ok(s.len <= TG_TEXT_MAX - 2, "long name: fits (%zu bytes)", s.len);
	is_int(atomic_load(&c.toolong), 2, "long name: counted");
	is_int(atomic_load(&c.decoded), 3, "long name: three labels decoded");
}

/**
 * Match a name against the policy.
 * @param p: the policy.
 * @param str: the name.
 * @param lookalikes: 0 as with "lookalikes: no".
 * @param m: receives the match.
 * @return: the verdict.
 */
static enum tg_verdict
match(const struct tg_policy* p, const char* str, int lookalikes, struct tg_match* m)
{
	struct tg_name n;
	memset(m, 0, sizeof(*m));
	if(tg_name_from_str(&n, str, NULL, NULL) != TG_OK)
		return (enum tg_verdict)-1;
	return tg_policy_match(p, &n, lookalikes, m, NULL);
}

/** the skeleton pass of the policy */
static void
test_policy(const struct tg_policy* p)
{
	static const struct {
		/** the query */
		const char* name;
		/** TG_VERDICT_TYPO, or other */
		enum tg_verdict v;
		/** lookalike */
		int look;
		/** rule id */
		uint32_t id;
		/** the op in events */
		const char* op;
		/** the skeleton written */
		const char* skeleton;
	} cases[] = {
		{ "arrny.mil", TG_VERDICT_TYPO, 1, 0, "lookalike", "army.mil" },
		{ "www.arrny.mil", TG_VERDICT_TYPO, 1, 0, "lookalike", "army.mil" },
		{ "arrnyy.mil", TG_VERDICT_TYPO, 1, 0, "lookalike+insertion", "armyy.mil" },
		{ "xn--rmy-5cd.mil", TG_VERDICT_TYPO, 1, 0, "lookalike", "army.mil" },
		{ "doud.com", TG_VERDICT_TYPO, 1, 2, "lookalike", "doud.com" },
		{ "c1oud.com", TG_VERDICT_TYPO, 1, 2, "lookalike", "doud.com" },
		{ "g00gle.com", TG_VERDICT_TYPO, 1, 3, "lookalike", "google.com" },
		{ "g0ogle.com", TG_VERDICT_TYPO, 1, 3, "lookalike", "google.com" },
		{ "arny.mil", TG_VERDICT_TYPO, 0, 0, "substitution", "" },
		{ "army.mil", TG_VERDICT_PROTECTED, 0, 0, NULL, NULL },
		{ "ok.arrny.mil", TG_VERDICT_ALLOWED, 0, 4, NULL, NULL },
		{ "www.ok.arrny.mil", TG_VERDICT_ALLOWED, 0, 4, NULL, NULL },
		/* lookalikes=no: the typo is flagged, the lookalike is not */
		{ "xn--nvy-5cd.mil", TG_VERDICT_NONE, 0, 0, NULL, NULL },
		{ "n4vy.mil", TG_VERDICT_TYPO, 0, 1, "substitution", "" },
		{ "example.com", TG_VERDICT_NONE, 0, 0, NULL, NULL },
		{ "rnicrosoft.com", TG_VERDICT_NONE, 0, 0, NULL, NULL },
	};
	struct tg_match m;
	enum tg_verdict v;
	size_t i;
	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = match(p, cases[i].name, 1, &m);
		if(!is_int(v, cases[i].v, "%s: verdict", cases[i].name) ||
			v != TG_VERDICT_TYPO)
			continue;
		is_int(m.lookalike, cases[i].look, "%s: lookalike", cases[i].name);
		is_int(m.id, cases[i].id, "%s: rule", cases[i].name);
		is_str(tg_match_op_str(&m), cases[i].op, "%s: op", cases[i].name);
		is_str(m.skeleton, cases[i].skeleton, "%s: skeleton", cases[i].name);
	}
	is_int(match(p, "arrny.mil", 0, &m), TG_VERDICT_NONE, "lookalikes: no: arrny.mil passes");
	is_int(match(p, "arny.mil", 0, &m), TG_VERDICT_TYPO, "lookalikes: no: arny.mil a typo");
	match(p, "xn--rmy-5cd.mil", 1, &m);
	is_str(m.unicode, "\xd0\xb0rmy.mil", "xn--rmy-5cd.mil: Unicode form");
	is_int(m.typo_label, 0, "xn--rmy-5cd.mil: typo from label 0");
	match(p, "arrny.mil", 1, &m);
	is_str(m.unicode, "", "arrny.mil: no Unicode form");
	is_int(p->lookalike_count, 3, "three protected names with lookalikes");
}

/** the Unicode form, for people */
static void
test_unicode(const struct tg_look* lk)
{
	char out[TG_UNICODE_MAX];
	struct tg_name n;
	tg_name_from_str(&n, "www.xn--ggle-0nda.xn--.com", NULL, NULL);
	ok(tg_look_unicode(lk, &n, 0, out, sizeof(out)), "Unicode form: has Unicode");
	is_str(out, "www.g\xce\xbf\xce\xbfgle.xn--.com", "Unicode form: refused label as it is");
	tg_name_from_str(&n, "a\\.b.com", NULL, NULL);
	ok(!tg_look_unicode(lk, &n, 0, out, sizeof(out)), "Unicode form: none");
	is_str(out, "a\\.b.com", "Unicode form: presentation escapes kept");
}

/** mixed scripts are counted */
static void
test_mixed(const struct tg_look* lk)
{
	struct tg_look_counts c;
	char out[TG_PRESENT_MAX];
	memset(&c, 0, sizeof(c));
	skel(lk, "xn--rmy-5cd.xn--l-7sba6dbr.xn--80ak6aa92e.com", out, &c);
	is_int(atomic_load(&c.decoded), 3, "mixed: three labels decoded");
	is_int(atomic_load(&c.mixed), 2, "mixed: two of them mix scripts");
}

/** the protected names of the policy the loose fold is tested on: the last two have one
 * loose form, "wlclpedla.ong" */
static const char loose_zone[] =
	"$ORIGIN p.test.\n"
	"@ SOA ns hostmaster 1 3600 600 86400 300\n"
	"army.mil.protect TXT \"action=log\"\n"
	"google.com.protect TXT \"action=log\"\n"
	"wikipedia.org.protect TXT \"action=log\"\n"
	"wlkipedia.org.protect TXT \"action=log\"\n";

/** the loose fold of skeletons */
static void
test_loose(const struct tg_look* lk)
{
	static const char* const cases[][2] = {
		{ "army.mil", "annny.nnl" },
		{ "arnny.mil", "annny.nnl" },		/* skeleton amny.mil */
		{ "arrry.mil", "annny.nnl" },
		{ "qooqle.com", "google.conn" },
		{ "w1k1ped1a.org", "wlclpedla.ong" },
		{ "wilcipedia.org", "wlclpedla.ong" },
		{ "wilkipedia.org", "wlclpedla.ong" },
		{ "wikipedia.org", "wlclpedla.ong" },
		{ "xn--anny-5g5a.mil", "annny.nnl" },	/* a, r with dot below, nny */
		{ "l.ll.x", "l.l.x" },			/* a run of l is one, in its label */
		{ "\\195\\169.x", "e.x" },		/* e with acute */
	};
	char out[TG_PRESENT_MAX];
	struct tg_name n, s, lo;
	size_t i;
	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out[0] = 0;
		if(tg_name_from_str(&n, cases[i][0], NULL, NULL) == TG_OK &&
			tg_look_skeleton(lk, &n, &s, NULL, NULL, NULL) == TG_OK &&
			tg_look_loose(&s, &lo) == TG_OK && lo.labels == s.labels)
			tg_name_present(out, &lo, 0);
		is_str(out, cases[i][1], "loose form of %s", cases[i][0]);
	}
	/* 126 labels "m": every one doubles, beyond what a name holds */
	out[0] = 0;
	for(i = 0; i < 126; i++)
		strcat(out, i ? ".m" : "m");
	ok(tg_name_from_str(&n, out, NULL, NULL) == TG_OK &&
		tg_look_skeleton(lk, &n, &s, NULL, NULL, NULL) == TG_OK &&
		tg_look_loose(&s, &lo) == TG_ERR_LIMIT, "loose form too long: refused");
}

/** the loose pass of the policy: Unicode names only */
static void
test_loose_policy(const struct tg_policy* p)
{
	static const struct {
		/** the query */
		const char* name;
		/** the verdict */
		enum tg_verdict v;
		/** found through the loose fold */
		int loose;
		/** rule id */
		uint32_t id;
		/** the skeleton written */
		const char* skeleton;
	} cases[] = {
		/* a, r with dot below, nny: skeleton amny.mil, two edits from army.mil */
		{ "xn--anny-5g5a.mil", TG_VERDICT_TYPO, 1, 0, "loose:annny.nnl" },
		/* q, small capital o, oqle */
		{ "xn--qoqle-m29a.com", TG_VERDICT_TYPO, 1, 1, "loose:google.conn" },
		/* wilc, i with hook above, pedia: both names have its loose form, the first
		 * declared is named */
		{ "xn--wilcpedia-jk7d.org", TG_VERDICT_TYPO, 1, 2, "loose:wlclpedla.ong" },
		/* wlk, i with dot below, pedia: the skeleton of the second */
		{ "xn--wlkpedia-i80d.org", TG_VERDICT_TYPO, 0, 3, "wlkipedia.org" },
		/* w with circumflex, 1k1ped1a: the loose form */
		{ "xn--1k1ped1a-91b.org", TG_VERDICT_TYPO, 1, 2, "loose:wlclpedla.ong" },
		/* and a letter more: only an equal loose form counts */
		{ "xn--1k1ped1aa-98b.org", TG_VERDICT_NONE, 0, 0, NULL },
		/* ASCII names: never through the loose fold */
		{ "arnny.mil", TG_VERDICT_NONE, 0, 0, NULL },
		{ "qooqle.com", TG_VERDICT_NONE, 0, 0, NULL },
		{ "w1k1ped1a.org", TG_VERDICT_NONE, 0, 0, NULL },
		{ "wilcipedia.org", TG_VERDICT_NONE, 0, 0, NULL },
		{ "wikipedia.org", TG_VERDICT_PROTECTED, 0, 2, NULL },
		{ "wlkipedia.org", TG_VERDICT_PROTECTED, 0, 3, NULL },
		{ "www.wlkipedia.org", TG_VERDICT_PROTECTED, 0, 3, NULL },
		/* a label ICU refuses is no Unicode label */
		{ "xn--anny-5g5aaaa.mil", TG_VERDICT_NONE, 0, 0, NULL },
	};
	struct tg_match m;
	enum tg_verdict v;
	size_t i;
	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = match(p, cases[i].name, 1, &m);
		if(!is_int(v, cases[i].v, "loose: %s: verdict", cases[i].name) ||
			v == TG_VERDICT_NONE)
			continue;
		is_int(m.id, cases[i].id, "loose: %s: rule", cases[i].name);
		if(v != TG_VERDICT_TYPO)
			continue;
		is_int(m.lookalike, 1, "loose: %s: a lookalike", cases[i].name);
		is_int(m.loose, cases[i].loose, "loose: %s: through the loose fold", cases[i].name);
		is_str(m.skeleton, cases[i].skeleton, "loose: %s: skeleton", cases[i].name);
	}
	/* a typo with a Unicode label stays a typo: below army.ml, whose loose form ("nnl"
	 * for ml and for mil) is army.mil's */
	v = match(p, "xn--t-9fab.army.ml", 1, &m);
	is_int(v, TG_VERDICT_TYPO, "loose: a typo with a Unicode label (xn--t-9fab.army.ml): a typo");
	is_int(m.lookalike, 0, "loose: and not a lookalike through the loose fold");
	match(p, "xn--anny-5g5a.mil", 1, &m);
	is_str(tg_match_op_str(&m), "lookalike", "loose: op of an equal loose form");
	is_str(m.unicode, "a\xe1\xb9\x9bnny.mil", "loose: Unicode form");
	is_int(match(p, "xn--anny-5g5a.mil", 0, &m), TG_VERDICT_NONE,
		"loose: lookalikes: no: not flagged");
}

int
main(void)
{
	struct tg_error err;
	struct tg_look* lk = tg_look_new(&err);
	struct tg_policy* p = NULL, * lp = NULL;
	struct tg_qtypes q;
	if(!ok(lk != NULL, "ICU objects open"))
		return done_testing();
	tg_qtypes_parse("MX A AAAA", &q);
	memset(&err, 0, sizeof(err));
	if(!ok(tg_policy_load_string(zone, "look.zone", &q, &p, &err) == TG_OK, "policy loads"))
		diag("%s", err.msg);
	test_skeletons(lk);
	test_ascii_path(lk);
	test_maybe();
	test_long(lk);
	test_unicode(lk);
	test_mixed(lk);
	test_loose(lk);
	if(p) {
		test_hostile(lk, p);
		test_policy(p);
	}
	if(ok(tg_policy_load_string(loose_zone, "loose.zone", &q, &lp, &err) == TG_OK,
		"policy of the loose fold loads"))
		test_loose_policy(lp);
	else
		diag("%s", err.msg);
	tg_policy_free(lp);
	tg_policy_free(p);
	tg_look_free(lk);
	return done_testing();
}
