/* tests/match_ref.h - the matcher's brute-force reference, for its unit test and its fuzzer. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Plain dynamic programming over every suffix and every name: the matcher's rules written the
 * slowest, plainest way. tests/match_t.c and the matcher fuzzer check the matcher against it.
 */

#ifndef TG_MATCH_REF_H
#define TG_MATCH_REF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "match.h"
#include "name.h"

/** One name of a reference policy. */
struct ref_name {
	/** comparison text */
	uint8_t text[TG_TEXT_MAX];
	/** its length */
	size_t len;
	/** id */
	uint32_t id;
	/** 1 if allowed, 0 if protected */
	int allowed;
};

/** A policy, as the reference sees it: names in the order added. */
struct ref_policy {
	/** the names */
	struct ref_name* names;
	/** their number */
	size_t count;
};

/** the dynamic programming matrix of the reference distance */
static int dp[TG_TEXT_MAX + 1][TG_TEXT_MAX + 1];

/**
 * Optimal string alignment distance, by the textbook recurrence.
 * @return: the distance.
 */
static int
ref_osa(const uint8_t* a, size_t la, const uint8_t* b, size_t lb)
{
	size_t i, j;
	int c, v;

	for(i = 0; i <= la; i++)
		dp[i][0] = (int)i;
	for(j = 0; j <= lb; j++)
		dp[0][j] = (int)j;
	for(i = 1; i <= la; i++) {
		int low = (int)i;
		for(j = 1; j <= lb; j++) {
			c = a[i - 1] != b[j - 1];
			v = dp[i - 1][j - 1] + c;
			if(dp[i - 1][j] + 1 < v)
				v = dp[i - 1][j] + 1;
			if(dp[i][j - 1] + 1 < v)
				v = dp[i][j - 1] + 1;
			if(i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
				dp[i - 2][j - 2] + 1 < v)
				v = dp[i - 2][j - 2] + 1;
			dp[i][j] = v;
			if(v < low)
				low = v;
		}
		if(dp[i][0] < low)
			low = dp[i][0];
		/* every later cell is at least the row's minimum: stop once past 1 */
		if(low > 1)
			return low;
	}
	return dp[la][lb];
}

/**
 * The edit from P to S (distance 1), by trying every position from the lowest.
 * @param p: P.  @param lp: its length.
 * @param s: S.  @param ls: its length.
 * @param orig: S's original bytes.
 * @param e: receives the edit.
 */
static void
ref_edit(const uint8_t* p, size_t lp, const uint8_t* s, size_t ls, const uint8_t* orig,
	struct tg_edit* e)
{
	size_t i, diff = 0, first = 0;

	memset(e, 0, sizeof(*e));
	if(ls + 1 == lp) {
		for(i = 0; i < lp; i++)
			if(memcmp(p, s, i) == 0 && memcmp(p + i + 1, s + i, lp - i - 1) == 0)
				break;
		e->op = TG_EDIT_DELETION;
		e->position = i;
		e->expected[0] = p[i];
		e->expected_len = 1;
		return;
	}
	if(ls == lp + 1) {
		for(i = 0; i < ls; i++)
			if(memcmp(s, p, i) == 0 && memcmp(s + i + 1, p + i, lp - i) == 0)
				break;
		e->op = TG_EDIT_INSERTION;
		e->position = i;
		e->found[0] = orig[i];
		e->found_len = 1;
		return;
	}
	for(i = 0; i < lp; i++)
		if(p[i] != s[i] && diff++ == 0)
			first = i;
	e->op = diff == 1 ? TG_EDIT_SUBSTITUTION : TG_EDIT_TRANSPOSITION;
	e->position = first;
	e->expected_len = e->found_len = diff;
	memcpy(e->expected, p + first, diff);
	memcpy(e->found, orig + first, diff);
}

/**
 * The exact rule: the longest protected or allowed suffix; protected wins a tie; the first
 * added of equal names.
 * @return: the verdict, PROTECTED, ALLOWED or NONE.
 */
static enum tg_verdict
ref_exact(const struct ref_policy* pol, const struct tg_name* n, struct tg_match* out)
{
	size_t k, i, ls;
	const struct ref_name* best;
	const uint8_t* s;

	for(k = 0; k < n->labels; k++) {
		s = n->text + n->label_off[k];
		ls = n->len - n->label_off[k];
		best = NULL;
		for(i = 0; i < pol->count; i++) {
			const struct ref_name* r = &pol->names[i];
			if(r->len != ls || memcmp(r->text, s, ls) != 0)
				continue;
			if(!best || (best->allowed && !r->allowed))
				best = r;
		}
		if(best) {
			out->id = best->id;
			return best->allowed ? TG_VERDICT_ALLOWED : TG_VERDICT_PROTECTED;
		}
	}
	return TG_VERDICT_NONE;
}

/**
 * The whole rule, by brute force.
 * @return: the verdict; out filled as tg_matcher_match() fills it.
 */
static enum tg_verdict
ref_match(const struct ref_policy* pol, const struct tg_name* n, struct tg_match* out)
{
	const struct ref_name* best = NULL;
	size_t k, i, ls, best_k = 0;
	const uint8_t* s;
	enum tg_verdict v;

	if((v = ref_exact(pol, n, out)) != TG_VERDICT_NONE)
		return v;
	for(k = 0; k < n->labels; k++) {
		s = n->text + n->label_off[k];
		ls = n->len - n->label_off[k];
		for(i = 0; i < pol->count; i++) {
			const struct ref_name* r = &pol->names[i];
			if(r->allowed || r->len + 1 < ls || ls + 1 < r->len ||
				ref_osa(r->text, r->len, s, ls) != 1)
				continue;
			if(best && (r->len < best->len || (r->len == best->len && (k > best_k ||
				(k == best_k && memcmp(r->text, best->text, r->len) >= 0)))))
				continue;
			best = r;
			best_k = k;
		}
	}
	if(!best)
		return TG_VERDICT_NONE;
	out->id = best->id;
	out->typo_label = best_k;
	ls = n->len - n->label_off[best_k];
	ref_edit(best->text, best->len, n->text + n->label_off[best_k], ls,
		n->orig + n->label_off[best_k], &out->edit);
	return TG_VERDICT_TYPO;
}

/**
 * Say a verdict and match in words, for diagnostics.
 * @param buf: receives the text; 256 bytes.
 * @return: buf.
 */
static char*
describe(char* buf, enum tg_verdict v, const struct tg_match* m)
{
	char e[16], f[16];
	static const char* vn[] = { "NONE", "TYPO", "PROTECTED", "ALLOWED" };

	if(v == TG_VERDICT_NONE) {
		snprintf(buf, 256, "NONE");
		return buf;
	}
	if(v != TG_VERDICT_TYPO) {
		snprintf(buf, 256, "%s id %u", vn[v], (unsigned)m->id);
		return buf;
	}
	tg_present_bytes(e, m->edit.expected, m->edit.expected_len);
	tg_present_bytes(f, m->edit.found, m->edit.found_len);
	snprintf(buf, 256, "TYPO id %u label %u %s at %u expected \"%s\" found \"%s\"",
		(unsigned)m->id, (unsigned)m->typo_label, tg_edit_op_str(m->edit.op),
		(unsigned)m->edit.position, e, f);
	return buf;
}

/**
 * Whether two answers are the same in every field that the verdict makes meaningful.
 * @return: 1 if so.
 */
static int
same_answer(enum tg_verdict va, const struct tg_match* a, enum tg_verdict vb,
	const struct tg_match* b)
{
	if(va != vb)
		return 0;
	if(va == TG_VERDICT_NONE)
		return 1;
	if(a->id != b->id)
		return 0;
	if(va != TG_VERDICT_TYPO)
		return 1;
	return a->typo_label == b->typo_label && a->edit.op == b->edit.op &&
		a->edit.position == b->edit.position &&
		a->edit.expected_len == b->edit.expected_len &&
		a->edit.found_len == b->edit.found_len &&
		memcmp(a->edit.expected, b->edit.expected, a->edit.expected_len) == 0 &&
		memcmp(a->edit.found, b->edit.found, a->edit.found_len) == 0;
}

#endif /* TG_MATCH_REF_H */
