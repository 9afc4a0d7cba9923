/* tests/match_t.c - unit tests of the matcher against fixed cases and a brute-force reference. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "match.h"
#include "name.h"
#include "match_ref.h"
#include "rnd.h"
#include "tap.h"

/** most names in a reference policy */
#define REF_MAX 70000
/** random queries against each random policy */
#define QUERIES 1500
/** random policies */
#define POLICIES 28

/**
 * Build a finished matcher of names given in presentation form; "+name" is allowed.
 * @param names: the names, NULL-terminated; ids are their indexes.
 * @return: the matcher, or NULL.
 */
static struct tg_matcher*
build(const char* const* names)
{
	struct tg_matcher* m = tg_matcher_new(0);
	struct tg_name n;
	size_t i;

	for(i = 0; m && names[i]; i++) {
		const char* s = names[i] + (names[i][0] == '+');
		if(tg_name_from_str(&n, s, NULL, NULL) != TG_OK ||
			(names[i][0] == '+' ? tg_matcher_add_allowed(m, &n, (uint32_t)i) :
			tg_matcher_add_protected(m, &n, (uint32_t)i)) != TG_OK) {
			diag("cannot add %s", names[i]);
			tg_matcher_free(m);
			return NULL;
		}
	}
	if(m && tg_matcher_finish(m) != TG_OK) {
		tg_matcher_free(m);
		return NULL;
	}
	return m;
}

/** A fixed case: a query and the answer expected. */
struct fixed {
	/** the query, presentation format */
	const char* query;
	/** the verdict */
	enum tg_verdict verdict;
	/** the id, the index of the name in the policy */
	uint32_t id;
	/** label index of the typo */
	size_t label;
	/** the edit */
	enum tg_edit_op op;
	/** its position */
	size_t pos;
	/** expected bytes */
	const char* expected;
	/** found bytes */
	const char* found;
	/** what the case shows */
	const char* why;
};

/**
 * Check fixed cases against a policy.
 * @param names: the policy, as for build().
 * @param c: the cases, ended by a NULL query.
 */
static void
check_fixed(const char* const* names, const struct fixed* c)
{
	struct tg_matcher* m = build(names);
	struct tg_match want, got;
	struct tg_name n;
	enum tg_verdict v;
	char b1[256], b2[256];

	if(!ok(m != NULL, "policy starting with %s builds", names[0]))
		return;
	for(; c->query; c++) {
		memset(&want, 0, sizeof(want));
		memset(&got, 0, sizeof(got));
		want.id = c->id;
		want.typo_label = c->label;
		want.edit.op = c->op;
		want.edit.position = c->pos;
		want.edit.expected_len = strlen(c->expected);
		memcpy(want.edit.expected, c->expected, want.edit.expected_len);
		want.edit.found_len = strlen(c->found);
		memcpy(want.edit.found, c->found, want.edit.found_len);
		if(tg_name_from_str(&n, c->query, NULL, NULL) != TG_OK) {
			ok(0, "%s: query parses", c->query);
			continue;
		}
		v = tg_matcher_match(m, &n, &got);
		if(!ok(same_answer(v, &got, c->verdict, &want), "%s: %s", c->query, c->why))
			diag("expected %s, got %s", describe(b1, c->verdict, &want),
				describe(b2, v, &got));
	}
	tg_matcher_free(m);
}

/* ---------------------------------------------------------------------------------------- */
/* Fixed cases.                                                                              */

/** The cases of the specification: typos of army.mil and contoso.com, exact and allowed names. */
static void
test_fixed_basic(void)
{
	static const char* names[] = { "army.mil", "contoso.com", "google.mil", "+google.ml",
		NULL };
	static const struct fixed c[] = {
		{ "army.ml", TG_VERDICT_TYPO, 0, 0, TG_EDIT_DELETION, 6, "i", "",
			"typo of army.mil, 'i' deleted" },
		{ "arny.mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_SUBSTITUTION, 2, "m", "n",
			"typo of army.mil, m -> n" },
		{ "armymil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_DELETION, 4, ".", "",
			"typo of army.mil, the dot deleted" },
		{ "ar.my.mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_INSERTION, 2, "", ".",
			"typo of army.mil, a dot inserted" },
		{ "contso.com", TG_VERDICT_TYPO, 1, 0, TG_EDIT_DELETION, 4, "o", "",
			"typo of contoso.com, 'o' deleted" },
		{ "cnotoso.com", TG_VERDICT_TYPO, 1, 0, TG_EDIT_TRANSPOSITION, 1, "on", "no",
			"typo of contoso.com, 'on' swapped" },
		{ "mail.cnotoso.com", TG_VERDICT_TYPO, 1, 1, TG_EDIT_TRANSPOSITION, 1, "on", "no",
			"typo below the typo suffix: label 1" },
		{ "www.army.ml", TG_VERDICT_TYPO, 0, 1, TG_EDIT_DELETION, 6, "i", "",
			"typo via the suffix army.ml, label 1" },
		{ "army.mil", TG_VERDICT_PROTECTED, 0, 0, 0, 0, "", "",
			"the protected name itself" },
		{ "www.army.mil", TG_VERDICT_PROTECTED, 0, 0, 0, 0, "", "",
			"below a protected name" },
		{ "google.ml", TG_VERDICT_ALLOWED, 3, 0, 0, 0, "", "", "an allowed name" },
		{ "mail.google.ml", TG_VERDICT_ALLOWED, 3, 0, 0, 0, "", "",
			"below an allowed name" },
		{ "ARMY.ML", TG_VERDICT_TYPO, 0, 0, TG_EDIT_DELETION, 6, "i", "",
			"case does not matter" },
		{ "ARNY.Mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_SUBSTITUTION, 2, "m", "N",
			"found keeps the query's case" },
		{ "arm.ml", TG_VERDICT_NONE, 0, 0, 0, 0, "", "", "two edits away is not a typo" },
		{ "example.com", TG_VERDICT_NONE, 0, 0, 0, 0, "", "", "an unrelated name" },
		{ "army\\.ml", TG_VERDICT_NONE, 0, 0, 0, 0, "", "",
			"a '.' byte inside a label is not a separator" },
		{ "army\\.mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_SUBSTITUTION, 4, ".", ".",
			"a '.' byte inside a label is one substitution from the separator" },
		{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL }
	};
	check_fixed(names, c);
}

/** Each edit at the start, the end, in a run and across a dot, with its position and bytes. */
static void
test_fixed_edits(void)
{
	static const char* names[] = { "army.mil", "google.mil", NULL };
	static const struct fixed c[] = {
		{ "rmy.mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_DELETION, 0, "a", "",
			"deletion of the first character" },
		{ "army.mi", TG_VERDICT_TYPO, 0, 0, TG_EDIT_DELETION, 7, "l", "",
			"deletion of the last character" },
		{ "gogle.mil", TG_VERDICT_TYPO, 1, 0, TG_EDIT_DELETION, 1, "o", "",
			"deletion from a run is reported at the run's start" },
		{ "xarmy.mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_INSERTION, 0, "", "x",
			"insertion before the first character" },
		{ "army.mils", TG_VERDICT_TYPO, 0, 0, TG_EDIT_INSERTION, 8, "", "s",
			"insertion after the last character" },
		{ "gOoogle.mil", TG_VERDICT_TYPO, 1, 0, TG_EDIT_INSERTION, 1, "", "O",
			"insertion into a run: run's start, found from the original bytes there" },
		{ "army-mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_SUBSTITUTION, 4, ".", "-",
			"substitution of the dot" },
		{ "army.mli", TG_VERDICT_TYPO, 0, 0, TG_EDIT_TRANSPOSITION, 6, "il", "li",
			"transposition at the end" },
		{ "arm.ymil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_TRANSPOSITION, 3, "y.", ".y",
			"transposition across the dot" },
		{ "googel.mil", TG_VERDICT_TYPO, 1, 0, TG_EDIT_TRANSPOSITION, 4, "le", "el",
			"transposition" },
		{ "ramy.mil", TG_VERDICT_TYPO, 0, 0, TG_EDIT_TRANSPOSITION, 0, "ar", "ra",
			"transposition at the start" },
		{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL }
	};
	check_fixed(names, c);
}

/** The tie rules: longest protected name, then longest suffix, then smallest text; exact rules. */
static void
test_fixed_ties(void)
{
	static const char* names[] = { "mil", "army.mil", "qab.cd", "ab.cdx", "abd.com",
		"abb.com", "army.mil", "+x.army.mil", "+abd.com", "+q.abe.com", "abe.com", NULL };
	static const struct fixed c[] = {
		{ "army.ml", TG_VERDICT_TYPO, 1, 0, TG_EDIT_DELETION, 6, "i", "",
			"longest protected name wins (army.mil over mil)" },
		{ "arny.mil", TG_VERDICT_PROTECTED, 0, 0, 0, 0, "", "",
			"below protected mil: never a typo" },
		{ "q.ab.cd", TG_VERDICT_TYPO, 2, 0, TG_EDIT_INSERTION, 1, "", ".",
			"same length of P: longest suffix wins over smaller text" },
		{ "abc.com", TG_VERDICT_TYPO, 5, 0, TG_EDIT_SUBSTITUTION, 2, "b", "c",
			"same P length and suffix: bytewise smallest P wins" },
		{ "www.army.mil", TG_VERDICT_PROTECTED, 1, 0, 0, 0, "", "",
			"a name added twice keeps its first id" },
		{ "abd.com", TG_VERDICT_PROTECTED, 4, 0, 0, 0, "", "",
			"protected and allowed: protected wins" },
		{ "a.x.army.mil", TG_VERDICT_ALLOWED, 7, 0, 0, 0, "", "",
			"longest exact suffix wins: allowed below protected" },
		{ "q.abe.com", TG_VERDICT_ALLOWED, 9, 0, 0, 0, "", "",
			"allowed over a shorter protected suffix" },
		{ "z.q.abe.com", TG_VERDICT_ALLOWED, 9, 0, 0, 0, "", "",
			"below an allowed name under a protected one" },
		{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL }
	};
	check_fixed(names, c);
}

/**
 * A NUL byte inside a label stands one substitution from the separator, and found holds it.
 */
static void
test_nul_found(void)
{
	static const char* names[] = { "army.mil", NULL };
	struct tg_matcher* m = build(names);
	struct tg_name n;
	struct tg_match out;

	memset(&out, 0, sizeof(out));
	tg_name_from_str(&n, "army\\000mil", NULL, NULL);
	is_int(tg_matcher_match(m, &n, &out), TG_VERDICT_TYPO,
		"army\\000mil: a NUL byte in a label is one substitution from army.mil");
	is_int(out.edit.op, TG_EDIT_SUBSTITUTION, "army\\000mil: substitution");
	is_int(out.edit.position, 4, "army\\000mil: at position 4");
	ok(out.edit.expected_len == 1 && out.edit.expected[0] == '.',
		"army\\000mil: expected the separator");
	ok(out.edit.found_len == 1 && out.edit.found[0] == 0, "army\\000mil: found the NUL byte");
	tg_matcher_free(m);
}

/** Names the matcher refuses or takes, and the small functions. */
static void
test_add_errors(void)
{
	struct tg_matcher* m = tg_matcher_new(10);
	struct tg_name n;
	struct tg_match out;
	uint8_t w1[] = "\007army.ml", w2[] = "\003a\000b\003mil";

	if(!ok(m != NULL, "tg_matcher_new"))
		return;
	tg_name_from_str(&n, ".", NULL, NULL);
	is_int(tg_matcher_add_protected(m, &n, 1), TG_ERR_NAME, "the root cannot be protected");
	is_int(tg_matcher_add_allowed(m, &n, 1), TG_ERR_NAME, "the root cannot be allowed");
	tg_name_from_wire(&n, w1, sizeof(w1));
	is_int(tg_matcher_add_protected(m, &n, 1), TG_ERR_NAME,
		"a protected name with a '.' byte in a label is refused");
	is_int(tg_matcher_add_allowed(m, &n, 1), TG_OK,
		"an allowed name with a '.' byte in a label is accepted");
	tg_name_from_wire(&n, w2, sizeof(w2));
	is_int(tg_matcher_add_protected(m, &n, 1), TG_ERR_NAME,
		"a protected name with a NUL byte in a label is refused");
	is_int(tg_matcher_finish(m), TG_OK, "a matcher with only an allowed name finishes");
	tg_name_from_wire(&n, w1, sizeof(w1));
	is_int(tg_matcher_match(m, &n, &out), TG_VERDICT_ALLOWED,
		"the allowed name with a '.' byte matches itself exactly");
	tg_name_from_str(&n, "army.ml", NULL, NULL);
	is_int(tg_matcher_match(m, &n, &out), TG_VERDICT_NONE,
		"army.ml is not the allowed label army\\.ml");
	ok(tg_matcher_memory(m) > 0, "memory is counted");
	is_int(tg_matcher_memory(NULL), 0, "memory of NULL is 0");
	tg_matcher_free(m);
	tg_matcher_free(NULL);
	is_str(tg_edit_op_str(TG_EDIT_DELETION), "deletion", "op name deletion");
	is_str(tg_edit_op_str(TG_EDIT_INSERTION), "insertion", "op name insertion");
	is_str(tg_edit_op_str(TG_EDIT_SUBSTITUTION), "substitution", "op name substitution");
	is_str(tg_edit_op_str(TG_EDIT_TRANSPOSITION), "transposition", "op name transposition");
}

/** A matcher without names. */
static void
test_empty(void)
{
	struct tg_matcher* m = tg_matcher_new(0);
	struct tg_name n;
	struct tg_match out;

	is_int(tg_matcher_finish(m), TG_OK, "an empty matcher finishes");
	tg_name_from_str(&n, "army.mil", NULL, NULL);
	is_int(tg_matcher_match(m, &n, &out), TG_VERDICT_NONE, "an empty matcher finds nothing");
	tg_name_from_str(&n, ".", NULL, NULL);
	is_int(tg_matcher_match(m, &n, &out), TG_VERDICT_NONE, "the root matches nothing");
	tg_matcher_free(m);
}

/* ---------------------------------------------------------------------------------------- */
/* Random names against random policies.                                                     */

/** the characters random names are made of, by policy flavour */
static const char* alphabets[] = { "ab", "abc-", "abcdefg",
	"abcdefghijklmnopqrstuvwxyz0123456789-" };

/**
 * A random label.
 * @param out: receives it; NUL-terminated.
 * @param alpha: the characters.
 * @param maxlen: longest label.
 * @return: its length.
 */
static size_t
random_label(char* out, const char* alpha, size_t maxlen)
{
	size_t i, len = 1 + rnd() % maxlen, na = strlen(alpha);
	for(i = 0; i < len; i++)
		out[i] = alpha[rnd() % na];
	out[len] = 0;
	return len;
}

/**
 * A random name of 1 to 3 labels.
 * @param out: receives it, presentation format; 200 bytes.
 * @param alpha: the characters.
 * @param maxlen: longest label.
 */
static void
random_name(char* out, const char* alpha, size_t maxlen)
{
	size_t labels = 1 + rnd() % 3, i, o = 0;
	for(i = 0; i < labels; i++) {
		if(i)
			out[o++] = '.';
		o += random_label(out + o, alpha, maxlen);
	}
}

/**
 * Apply one random edit to a text, with the characters of alpha and the dot.
 * @param s: the text; room for one more character.
 * @param len: its length; updated.
 * @param alpha: the characters.
 */
static void
random_edit(char* s, size_t* len, const char* alpha)
{
	size_t i, na = strlen(alpha);
	char c = (rnd() % 5 == 0) ? '.' : alpha[rnd() % na];
	char t;

	if(*len == 0)
		return;
	i = rnd() % *len;
	switch(rnd() % 4) {
	case 0:
		memmove(s + i, s + i + 1, *len - i);
		(*len)--;
		break;
	case 1:
		i = rnd() % (*len + 1);
		memmove(s + i + 1, s + i, *len - i + 1);
		s[i] = c;
		(*len)++;
		break;
	case 2:
		s[i] = c;
		break;
	default:
		if(i + 1 < *len) {
			t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
		}
	}
}

/**
 * Turn a dotted text into a wire name, with now and then an odd byte in a label.
 * @param w: receives the wire name; TG_WIRE_MAX bytes.
 * @param s: the text.
 * @return: the wire length, or 0 if the text has an empty label or is too long.
 */
static size_t
text_to_wire(uint8_t* w, const char* s)
{
	static const uint8_t odd[] = { '.', 0, 0xc1, 'A', 'Z', ' ', '\\' };
	size_t wl = 0, start = 0, len = strlen(s), i;

	if(len == 0 || len > 200)
		return 0;
	for(i = 0; i <= len; i++) {
		if(i == 0 || s[i - 1] == '.')
			start = wl++;
		if(i == len || s[i] == '.') {
			if(wl - start - 1 == 0 || wl - start - 1 > 63)
				return 0;
			w[start] = (uint8_t)(wl - start - 1);
			continue;
		}
		w[wl++] = (rnd() % 40 == 0) ? odd[rnd() % sizeof(odd)] :
			(rnd() % 15 == 0 && s[i] >= 'a' && s[i] <= 'z') ? (uint8_t)(s[i] - 32) :
			(uint8_t)s[i];
	}
	w[wl++] = 0;
	return wl;
}

/**
 * Add a name to both the matcher and the reference policy.
 * @return: 1 if added.
 */
static int
policy_add(struct tg_matcher* m, struct ref_policy* pol, const char* s, int allowed)
{
	struct tg_name n;
	struct ref_name* r = &pol->names[pol->count];

	if(pol->count >= REF_MAX || tg_name_from_str(&n, s, NULL, NULL) != TG_OK)
		return 0;
	if((allowed ? tg_matcher_add_allowed(m, &n, (uint32_t)pol->count) :
		tg_matcher_add_protected(m, &n, (uint32_t)pol->count)) != TG_OK)
		return 0;
	memcpy(r->text, n.text, n.len);
	r->text[n.len] = 0;
	r->len = n.len;
	r->id = (uint32_t)pol->count;
	r->allowed = allowed;
	pol->count++;
	return 1;
}

/**
 * Fill a random policy: protected names, some twice, and allowed names, some of which are
 * typos of protected names or names below them.
 * @param size: number of names wanted.
 * @param alpha: their characters.
 * @param maxlen: longest label.
 */
static void
random_policy(struct tg_matcher* m, struct ref_policy* pol, size_t size, const char* alpha,
	size_t maxlen)
{
	char s[256];
	size_t len;

	while(pol->count < size) {
		uint32_t kind = rnd() % 10;
		if(kind < 7 || pol->count == 0) {
			random_name(s, alpha, maxlen);
			policy_add(m, pol, s, 0);
			continue;
		}
		/* base it on a name already there: a duplicate, a typo or a child */
		memcpy(s, pol->names[rnd() % pol->count].text, TG_TEXT_MAX);
		len = strlen(s);
		if(kind == 8)
			random_edit(s, &len, alpha);
		if(kind == 9 && len < 200) {
			memmove(s + 2, s, len + 1);
			s[0] = alpha[0];
			s[1] = '.';
		}
		s[len + (kind == 9 ? 2 : 0)] = 0;
		policy_add(m, pol, s, (int)(rnd() % 2));
	}
}

/**
 * A random query: a name of the policy with 0, 1 or 2 edits, maybe below new labels; or a
 * random name.
 * @param w: receives the wire form.
 * @return: its length, 0 if the attempt made no valid name.
 */
static size_t
random_query(uint8_t* w, const struct ref_policy* pol, const char* alpha, size_t maxlen)
{
	char s[260], pre[80];
	size_t len, edits = rnd() % 3, i;

	if(rnd() % 10 == 0)
		random_name(s, alpha, maxlen);
	else
		memcpy(s, pol->names[rnd() % pol->count].text, TG_TEXT_MAX);
	s[200] = 0;
	len = strlen(s);
	for(i = 0; i < edits; i++)
		random_edit(s, &len, alpha);
	s[len] = 0;
	if(rnd() % 2 && len < 150) {
		random_name(pre, alpha, maxlen);
		memmove(s + strlen(pre) + 1, s, len + 1);
		memcpy(s, pre, strlen(pre));
		s[strlen(pre)] = '.';
	}
	return text_to_wire(w, s);
}

/**
 * Compare the matcher with the reference on random queries.
 * @return: the number of disagreements.
 */
static int
compare_random(const struct tg_matcher* m, const struct ref_policy* pol, const char* alpha,
	size_t maxlen, size_t queries, size_t* hits)
{
	uint8_t w[TG_WIRE_MAX];
	struct tg_name n;
	struct tg_match a, b;
	enum tg_verdict va, vb;
	char pres[TG_PRESENT_MAX], b1[256], b2[256];
	size_t q, wl;
	int bad = 0;

	for(q = 0; q < queries; q++) {
		if((wl = random_query(w, pol, alpha, maxlen)) == 0 ||
			tg_name_from_wire(&n, w, wl) != TG_OK)
			continue;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		va = tg_matcher_match(m, &n, &a);
		vb = ref_match(pol, &n, &b);
		hits[vb]++;
		if(same_answer(va, &a, vb, &b))
			continue;
		if(bad++ < 5) {
			tg_name_present(pres, &n, 0);
			diag("%s: reference %s, matcher %s", pres, describe(b1, vb, &b),
				describe(b2, va, &a));
		}
	}
	return bad;
}

/** Random names against random policies of every size, compared with the reference. */
static void
test_random(void)
{
	static const size_t sizes[] = { 1, 2, 5, 10, 30, 100, 300, 1000 };
	struct ref_policy pol;
	size_t p, hits[4];
	int bad;

	pol.names = malloc(REF_MAX * sizeof(*pol.names));
	if(!ok(pol.names != NULL, "reference policy allocated"))
		return;
	for(p = 0; p < POLICIES; p++) {
		const char* alpha = alphabets[p % 4];
		size_t size = sizes[p % 8], maxlen = 2 + (p / 4) % 4 * 2;
		struct tg_matcher* m = tg_matcher_new(size);
		pol.count = 0;
		memset(hits, 0, sizeof(hits));
		random_policy(m, &pol, size, alpha, maxlen);
		if(!ok(tg_matcher_finish(m) == TG_OK, "random policy %d finishes", (int)p)) {
			tg_matcher_free(m);
			continue;
		}
		bad = compare_random(m, &pol, alpha, maxlen, QUERIES, hits);
		ok(bad == 0, "policy %d (%d names over \"%s\"): matcher agrees with the reference "
			"on random names (none %d, typo %d, protected %d, allowed %d)", (int)p,
			(int)pol.count, alpha, (int)hits[0], (int)hits[1], (int)hits[2],
			(int)hits[3]);
		tg_matcher_free(m);
	}
	free(pol.names);
}

/** A policy big enough for the full-size table and filter, compared with the reference. */
static void
test_random_large(void)
{
	struct ref_policy pol;
	size_t hits[4] = { 0, 0, 0, 0 };
	struct tg_matcher* m = tg_matcher_new(0);
	const char* alpha = alphabets[3];
	int bad;

	pol.names = malloc(REF_MAX * sizeof(*pol.names));
	pol.count = 0;
	if(!ok(pol.names != NULL && m != NULL, "large policy allocated"))
		return;
	random_policy(m, &pol, REF_MAX, alpha, 12);
	is_int(tg_matcher_finish(m), TG_OK, "a policy of %d names finishes", REF_MAX);
	ok(tg_matcher_memory(m) > 8 * 1024 * 1024,
		"the large policy's table is big enough to get a filter");
	bad = compare_random(m, &pol, alpha, 12, 1000, hits);
	ok(bad == 0, "large policy: matcher agrees with the reference on random names "
		"(none %d, typo %d, protected %d, allowed %d)", (int)hits[0], (int)hits[1],
		(int)hits[2], (int)hits[3]);
	tg_matcher_free(m);
	free(pol.names);
}

/**
 * A random name of many labels, up to the limits: wire form.
 * @param w: receives it; TG_WIRE_MAX bytes.
 * @param alpha: the characters.
 * @param maxlab: longest label.
 * @return: its length.
 */
static size_t
long_wire(uint8_t* w, const char* alpha, size_t maxlab)
{
	size_t wl = 0, lab, i, na = strlen(alpha);

	while(wl + 3 < TG_WIRE_MAX && rnd() % 40 != 0) {
		lab = 1 + rnd() % maxlab;
		if(wl + 1 + lab + 1 > TG_WIRE_MAX)
			lab = TG_WIRE_MAX - wl - 2;
		w[wl++] = (uint8_t)lab;
		for(i = 0; i < lab; i++)
			w[wl++] = (uint8_t)alpha[rnd() % na];
	}
	w[wl++] = 0;
	return wl;
}

/** Names of up to 127 labels and 253 bytes, that need several batches of keys. */
static void
test_long_names(void)
{
	struct ref_policy pol;
	struct tg_matcher* m = tg_matcher_new(0);
	uint8_t w[TG_WIRE_MAX];
	char pres[TG_PRESENT_MAX], b1[256], b2[256];
	struct tg_name n;
	struct tg_match a, b;
	enum tg_verdict va, vb;
	size_t i, wl, hits[4] = { 0, 0, 0, 0 };
	int bad = 0;

	pol.names = malloc(200 * sizeof(*pol.names));
	pol.count = 0;
	if(!ok(pol.names != NULL && m != NULL, "long names: policy allocated"))
		return;
	/* short names of two letters, that every suffix of a long name is near, and long ones */
	for(i = 0; i < 100; i++) {
		random_name(pres, "ab", 2);
		policy_add(m, &pol, pres, rnd() % 5 == 0);
	}
	for(i = 0; i < 60; i++) {
		wl = long_wire(w, i % 2 ? "ab" : "ab-c", 1 + i % 63);
		if(tg_name_from_wire(&n, w, wl) == TG_OK && n.labels > 0) {
			tg_name_present(pres, &n, 0);
			policy_add(m, &pol, pres, rnd() % 5 == 0);
		}
	}
	is_int(tg_matcher_finish(m), TG_OK, "long names: the policy finishes");
	for(i = 0; i < 600; i++) {
		if(i % 3 == 0) {
			memcpy(pres, pol.names[100 + rnd() % (pol.count - 100)].text, TG_TEXT_MAX);
			wl = strlen(pres);
			random_edit(pres, &wl, "ab");
			pres[wl] = 0;
			wl = text_to_wire(w, pres);
		} else
			wl = long_wire(w, "ab", i % 2 ? 1 : 63);
		if(wl == 0 || tg_name_from_wire(&n, w, wl) != TG_OK)
			continue;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		va = tg_matcher_match(m, &n, &a);
		vb = ref_match(&pol, &n, &b);
		hits[vb]++;
		if(!same_answer(va, &a, vb, &b) && bad++ < 5) {
			tg_name_present(pres, &n, 0);
			diag("%s: reference %s, matcher %s", pres, describe(b1, vb, &b),
				describe(b2, va, &a));
		}
	}
	ok(bad == 0, "long names (up to 127 labels, 253 bytes): matcher agrees with the "
		"reference (none %d, typo %d, protected %d, allowed %d)", (int)hits[0],
		(int)hits[1], (int)hits[2], (int)hits[3]);
	tg_matcher_free(m);
	free(pol.names);
}

/* ---------------------------------------------------------------------------------------- */
/* Variants.                                                                                 */

/** Variants as emitted. */
struct varset {
	/** the variants */
	char** v;
	/** their number */
	size_t n;
	/** room */
	size_t cap;
	/** stop after this many; 0 for never */
	size_t stop;
};

/**
 * Keep an emitted variant.
 * @return: non-zero to stop.
 */
static int
collect(const char* variant, void* arg)
{
	struct varset* s = arg;
	if(s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = realloc(s->v, s->cap * sizeof(char*));
	}
	s->v[s->n++] = strdup(variant);
	return s->stop && s->n >= s->stop;
}

/**
 * Whether a string is a valid host name, checked independently of the library.
 * @return: 1 if so.
 */
static int
valid_host(const char* s)
{
	const char* lab = s;
	size_t len = strlen(s);

	if(len == 0 || len > 253)
		return 0;
	for(;;) {
		size_t l = strcspn(lab, ".");
		if(l == 0 || l > 63 || lab[0] == '-' || lab[l - 1] == '-')
			return 0;
		if(strspn(lab, "abcdefghijklmnopqrstuvwxyz0123456789-") != l)
			return 0;
		if(lab[l] == 0)
			return 1;
		lab += l + 1;
	}
}

/**
 * Count, by trying every string of length n-1 to n+1 over the host alphabet, the valid host
 * names at distance 1 from a short text.
 * @return: the count.
 */
static size_t
exhaustive_count(const char* t)
{
	static const char al[] = "-.0123456789abcdefghijklmnopqrstuvwxyz";
	size_t n = strlen(t), len, count = 0, i, total, x;
	char s[8];

	for(len = (n ? n - 1 : 0); len <= n + 1; len++) {
		for(total = 1, i = 0; i < len; i++)
			total *= 38;
		for(x = 0; x < total; x++) {
			size_t y = x;
			for(i = 0; i < len; i++, y /= 38)
				s[i] = al[y % 38];
			s[len] = 0;
			if(valid_host(s) &&
				ref_osa((const uint8_t*)s, len, (const uint8_t*)t, n) == 1)
				count++;
		}
	}
	return count;
}

/**
 * Check the variants of one name.
 * @param name: the name.
 * @param want: the count expected, or 0 to count exhaustively.
 */
static void
check_variants(const char* name, size_t want)
{
	struct varset s = { NULL, 0, 0, 0 };
	struct tg_name n;
	size_t i, bad = 0, unsorted = 0, far = 0;

	tg_name_from_str(&n, name, NULL, NULL);
	is_int(tg_variants(&n, collect, &s), TG_OK, "variants of %s: walk completes", name);
	for(i = 0; i < s.n; i++) {
		if(!valid_host(s.v[i]) && bad++ < 3)
			diag("invalid variant \"%s\"", s.v[i]);
		if(i > 0 && strcmp(s.v[i - 1], s.v[i]) >= 0 && unsorted++ < 3)
			diag("not sorted or repeated: \"%s\" then \"%s\"", s.v[i - 1], s.v[i]);
		if(ref_osa((uint8_t*)s.v[i], strlen(s.v[i]), n.text, n.len) != 1 && far++ < 3)
			diag("\"%s\" is not at distance 1", s.v[i]);
	}
	ok(bad == 0, "variants of %s are valid host names", name);
	ok(unsorted == 0, "variants of %s are sorted and unique", name);
	ok(far == 0, "variants of %s are at distance exactly 1", name);
	is_int(s.n, want ? want : exhaustive_count(name), "variants of %s: the count", name);
	for(i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
}

/**
 * Count the valid host names one edit from a text by applying every edit and removing
 * repeats; used where exhaustive search is too slow.
 * @return: the count.
 */
static size_t
edit_count(const char* t)
{
	static const char al[] = "-.0123456789abcdefghijklmnopqrstuvwxyz";
	struct varset s = { NULL, 0, 0, 0 };
	size_t n = strlen(t), i, c, count = 0;
	char b[300];

	for(i = 0; i <= n; i++) {
		for(c = 0; c < 38; c++) {
			snprintf(b, sizeof(b), "%.*s%c%s", (int)i, t, al[c], t + i);
			collect(b, &s);
			if(i < n) {
				snprintf(b, sizeof(b), "%.*s%c%s", (int)i, t, al[c], t + i + 1);
				collect(b, &s);
			}
		}
		if(i < n) {
			snprintf(b, sizeof(b), "%.*s%s", (int)i, t, t + i + 1);
			collect(b, &s);
		}
		if(i + 1 < n) {
			snprintf(b, sizeof(b), "%s", t);
			b[i] = t[i + 1];
			b[i + 1] = t[i];
			collect(b, &s);
		}
	}
	for(i = 0; i < s.n; i++) {
		size_t j;
		for(j = 0; j < i && strcmp(s.v[j], s.v[i]) != 0; j++)
			;
		if(j == i && valid_host(s.v[i]) &&
			ref_osa((uint8_t*)s.v[i], strlen(s.v[i]), (const uint8_t*)t, n) == 1)
			count++;
	}
	for(i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	return count;
}

/** tg_variants() on a few names, against exhaustive and edit-by-edit counts. */
static void
test_variants(void)
{
	struct varset s = { NULL, 0, 0, 0 };
	struct tg_name n;
	size_t i;
	int found[4] = { 0, 0, 0, 0 }, self = 0;
	static const char* want[] = { "army.ml", "arny.mil", "armymil", "ar.my.mil" };

	check_variants("mil", 0);
	check_variants("a.b", 0);
	check_variants("a-", 0);
	check_variants("army.mil", edit_count("army.mil"));
	check_variants("google.com", edit_count("google.com"));
	tg_name_from_str(&n, "army.mil", NULL, NULL);
	tg_variants(&n, collect, &s);
	for(i = 0; i < s.n; i++) {
		size_t k;
		for(k = 0; k < 4; k++)
			found[k] |= strcmp(s.v[i], want[k]) == 0;
		self |= strcmp(s.v[i], "army.mil") == 0;
	}
	for(i = 0; i < 4; i++)
		ok(found[i], "army.mil has the variant %s", want[i]);
	ok(!self, "army.mil is not its own variant");
	for(i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	memset(&s, 0, sizeof(s));
	s.stop = 3;
	is_int(tg_variants(&n, collect, &s), TG_ERR_INVALID, "emit stopping the walk is reported");
	is_int(s.n, 3, "no variant is emitted after emit asked to stop");
	for(i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
}

/**
 * Match a name in one pass.
 * @param m: the matcher.
 * @param str: the name.
 * @param pass: the pass.
 * @param out: receives the match.
 * @return: the verdict; -1 if the name does not parse.
 */
static int
pass_match(const struct tg_matcher* m, const char* str, enum tg_pass pass, struct tg_match* out)
{
	struct tg_name n;
	memset(out, 0, sizeof(*out));
	if(tg_name_from_str(&n, str, NULL, NULL) != TG_OK)
		return -1;
	return (int)tg_matcher_match_pass(m, &n, pass, out);
}

/** records of one pass or more: a loose form counts in the loose pass only, and only equal */
static void
test_passes(void)
{
	static const struct {
		/** the name */
		const char* name;
		/** the passes it is added for */
		unsigned as;
	} adds[] = {
		{ "army.mil", TG_AS_NAME },
		{ "annny.nnl", TG_AS_LOOSE },
		{ "navy.mil", TG_AS_NAME | TG_AS_SKELETON | TG_AS_LOOSE },
		{ "doud.com", TG_AS_SKELETON },
	};
	static const struct {
		/** the query */
		const char* query;
		/** the pass */
		enum tg_pass pass;
		/** the verdict */
		enum tg_verdict v;
		/** the id, for PROTECTED and TYPO */
		uint32_t id;
	} cases[] = {
		{ "annny.nnl", TG_PASS_NAMES, TG_VERDICT_NONE, 0 },
		{ "annny.nnl", TG_PASS_SKELETONS, TG_VERDICT_NONE, 0 },
		{ "annny.nnl", TG_PASS_LOOSE, TG_VERDICT_PROTECTED, 1 },
		{ "www.annny.nnl", TG_PASS_LOOSE, TG_VERDICT_PROTECTED, 1 },
		{ "annnyy.nnl", TG_PASS_LOOSE, TG_VERDICT_NONE, 0 },
		{ "annnyy.nnl", TG_PASS_NAMES, TG_VERDICT_NONE, 0 },
		{ "army.mil", TG_PASS_LOOSE, TG_VERDICT_NONE, 0 },
		{ "army.mil", TG_PASS_NAMES, TG_VERDICT_PROTECTED, 0 },
		{ "navy.mil", TG_PASS_LOOSE, TG_VERDICT_PROTECTED, 2 },
		{ "navyy.mil", TG_PASS_LOOSE, TG_VERDICT_NONE, 0 },
		{ "navyy.mil", TG_PASS_NAMES, TG_VERDICT_TYPO, 2 },
		{ "navyy.mil", TG_PASS_SKELETONS, TG_VERDICT_TYPO, 2 },
		{ "doud.com", TG_PASS_LOOSE, TG_VERDICT_NONE, 0 },
		{ "doud.com", TG_PASS_SKELETONS, TG_VERDICT_PROTECTED, 3 },
	};
	struct tg_matcher* m = tg_matcher_new(8);
	struct tg_match out;
	struct tg_name n;
	size_t i;
	int v;

	if(!ok(m != NULL, "passes: matcher made"))
		return;
	for(i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		if(tg_name_from_str(&n, adds[i].name, NULL, NULL) != TG_OK ||
			tg_matcher_add_protected_as(m, &n, (uint32_t)i, adds[i].as) != TG_OK)
			ok(0, "passes: %s added", adds[i].name);
	ok(tg_matcher_finish(m) == TG_OK, "passes: matcher built");
	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = pass_match(m, cases[i].query, cases[i].pass, &out);
		if(is_int(v, (int)cases[i].v, "passes: %s in pass %d", cases[i].query,
			(int)cases[i].pass) && v != TG_VERDICT_NONE)
			is_int(out.id, cases[i].id, "passes: %s in pass %d: id", cases[i].query,
				(int)cases[i].pass);
	}
	tg_matcher_free(m);
}

int
main(void)
{
	test_fixed_basic();
	test_fixed_edits();
	test_fixed_ties();
	test_add_errors();
	test_nul_found();
	test_empty();
	test_passes();
	test_variants();
	test_random();
	test_long_names();
	test_random_large();
	return done_testing();
}
