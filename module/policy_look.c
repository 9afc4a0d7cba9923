/* module/policy_look.c - lookalikes in the policy: skeletons in the matcher, and the check. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * One index holds both: a protected name with lookalikes=yes is in the matcher as a name and
 * as a skeleton (one record for both when it is its own skeleton, as most are), with the
 * rule's id. A query is matched as a name first. Its skeleton is made and matched against
 * the skeletons (TG_PASS_SKELETONS) only when its text has something its skeleton can change
 * (tg_look_maybe()), or when the first pass came across a skeleton that is no name: for any
 * other name the first pass was its skeleton pass too. A typo whose skeleton is a protected
 * name's ("c1oud.com", "cloud.com") is reported as the lookalike; one whose skeleton is only
 * one edit away stays a typo.
 *
 * The same index holds the loose form (tg_look_loose()) of each of these skeletons, in the
 * record of the skeleton when it is its own loose form, else in a record of its own that
 * counts in the loose pass (TG_PASS_LOOSE) only, by its whole text: the loose pass finds
 * equal forms only, no edit on top of the fold. A query's loose form is matched only when
 * its skeleton pass flagged nothing and a label of it was turned into Unicode: an ASCII name
 * never meets a loose form, so "connect" and "click" stay as clean as before; a name with a
 * Unicode label written partly with dnstwist's looser ASCII letters ("a\u1e5bnny.mil") is a
 * lookalike through its loose form.
 */

#include "tgconfig.h"
#include <string.h>
#include "lookalike.h"
#include "policy_int.h"

/** what the skeleton of a lookalike found through the loose fold starts with, in events */
#define TG_LOOSE_TAG "loose:"

/**
 * Add a protected name's skeleton, or the name that is its own skeleton, and its loose form:
 * one record when the loose form is the same text, else a second for the loose pass.
 * @param m: the matcher.
 * @param sk: the skeleton, or the name.
 * @param id: the name's rule id.
 * @param as: the passes sk counts in: TG_AS_SKELETON, and TG_AS_NAME for the name.
 * @return: as tg_matcher_add_protected_as().
 */
static enum tg_err
tg_look_add_loose(struct tg_matcher* m, const struct tg_name* sk, uint32_t id, unsigned as)
{
	struct tg_name lo;
	enum tg_err r;

	if(tg_look_loose(sk, &lo) != TG_OK)
		return tg_matcher_add_protected_as(m, sk, id, as);
	if(lo.len == sk->len && memcmp(lo.text, sk->text, lo.len) == 0)
		return tg_matcher_add_protected_as(m, sk, id, as | TG_AS_LOOSE);
	if((r = tg_matcher_add_protected_as(m, sk, id, as)) != TG_OK)
		return r;
	return tg_matcher_add_protected_as(m, &lo, id, TG_AS_LOOSE);
}

enum tg_err
tg_look_add(struct tg_matcher* m, const struct tg_look* lk, const struct tg_name* name,
	uint32_t id)
{
	struct tg_name sk;
	size_t skipped = 0;
	enum tg_err r;

	if(!tg_look_maybe(name) || tg_look_skeleton(lk, name, &sk, &skipped, NULL, NULL) !=
		TG_OK || (sk.len == name->len && memcmp(sk.text, name->text, sk.len) == 0))
		return tg_look_add_loose(m, name, id, TG_AS_NAME | TG_AS_SKELETON);
	if((r = tg_matcher_add_protected(m, name, id)) != TG_OK)
		return r;
	if(skipped || memchr(sk.text, TG_TEXT_ODD, sk.len))
		return TG_OK;
	r = tg_look_add_loose(m, &sk, id, TG_AS_SKELETON);
	return r == TG_ERR_NAME ? TG_OK : r;
}

/**
 * Match the loose form of a query's skeleton against the protected names' loose forms.
 * @param p: the policy.
 * @param sk: the query's skeleton.
 * @param lo: receives the loose form.
 * @param lm: receives the match.
 * @return: the verdict of the loose pass; TG_VERDICT_NONE if the form is too long.
 */
static enum tg_verdict
tg_look_match_loose(const struct tg_policy* p, const struct tg_name* sk, struct tg_name* lo,
	struct tg_match* lm)
{
	if(tg_look_loose(sk, lo) != TG_OK)
		return TG_VERDICT_NONE;
	return tg_matcher_match_pass(p->matcher, lo, TG_PASS_LOOSE, lm);
}

/**
 * Whether a match of a skeleton pass makes the name a lookalike: an equal skeleton always,
 * one edit only for a name that is not a typo already (the loose pass finds equal forms
 * only).
 * @param v: the verdict on the name.
 * @param lv: the verdict of the pass.
 * @return: 1 if it does.
 */
static int
tg_look_flags(enum tg_verdict v, enum tg_verdict lv)
{
	return lv == TG_VERDICT_PROTECTED || (lv == TG_VERDICT_TYPO && v != TG_VERDICT_TYPO);
}

/**
 * Fill in a lookalike's match from a skeleton pass.
 * @param p: the policy.
 * @param name: the query name.
 * @param sk: the skeleton, or loose form, that matched.
 * @param skipped: leftmost labels the skeleton dropped.
 * @param lv: the verdict of the pass.
 * @param lm: the pass's match; completed.
 */
static void
tg_look_fill(const struct tg_policy* p, const struct tg_name* name, const struct tg_name* sk,
	size_t skipped, enum tg_verdict lv, struct tg_match* lm)
{
	char buf[TG_PRESENT_MAX];
	size_t n;

	if(lv == TG_VERDICT_PROTECTED) {
		memset(&lm->edit, 0, sizeof(lm->edit));
		lm->edit.op = TG_EDIT_NONE;
	}
	lm->lookalike = 1;
	if(lm->loose) {
		/* cut only for a form of nothing but escapes, which no protected name has */
		n = tg_name_present(buf, sk, lm->typo_label);
		if(n > sizeof(lm->skeleton) - sizeof(TG_LOOSE_TAG))
			n = sizeof(lm->skeleton) - sizeof(TG_LOOSE_TAG);
		memcpy(lm->skeleton, TG_LOOSE_TAG, sizeof(TG_LOOSE_TAG) - 1);
		memcpy(lm->skeleton + sizeof(TG_LOOSE_TAG) - 1, buf, n);
		lm->skeleton[sizeof(TG_LOOSE_TAG) - 1 + n] = 0;
	} else
		tg_name_present(lm->skeleton, sk, lm->typo_label);
	lm->typo_label += skipped;
	if(!tg_look_unicode(p->look, name, 0, lm->unicode, sizeof(lm->unicode)))
		lm->unicode[0] = 0;
}

enum tg_verdict
tg_policy_match(const struct tg_policy* p, const struct tg_name* name, int lookalikes,
	struct tg_match* out, struct tg_look_counts* counts)
{
	enum tg_verdict v = tg_matcher_match(p->matcher, name, out), lv;
	struct tg_name sk, lo;
	struct tg_match lm;
	size_t skipped = 0;
	int maybe, unicode = 0;

	if(!lookalikes || !p->lookalike_count || v == TG_VERDICT_PROTECTED ||
		v == TG_VERDICT_ALLOWED)
		return v;
	/* a name whose skeleton is its text has had its skeleton pass, unless it came near
	 * a skeleton that is no name; a typo is checked again only to be called a lookalike */
	maybe = tg_look_maybe(name);
	if(!maybe && (v == TG_VERDICT_TYPO || !out->skeleton_near))
		return v;
	if(tg_look_skeleton(p->look, name, &sk, &skipped, &unicode, counts) != TG_OK)
		return v;
	lv = tg_matcher_match_pass(p->matcher, &sk, TG_PASS_SKELETONS, &lm);
	lm.loose = 0;
	if(!tg_look_flags(v, lv)) {
		/* the loose fold, for a name with a label in Unicode only, and not flagged
		 * already: a typo stays a typo ("\u00e9t\u00e9.army.ml" is below army.ml, whose
		 * loose form is army.mil's) */
		if(!unicode || v == TG_VERDICT_TYPO)
			return v;
		lv = tg_look_match_loose(p, &sk, &lo, &lm);
		if(!tg_look_flags(v, lv))
			return v;
		lm.loose = 1;
	}
	tg_look_fill(p, name, lm.loose ? &lo : &sk, skipped, lv, &lm);
	*out = lm;
	return TG_VERDICT_TYPO;
}
