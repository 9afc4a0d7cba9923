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
 */

#include "tgconfig.h"
#include <string.h>
#include "lookalike.h"
#include "policy_int.h"

enum tg_err
tg_look_add(struct tg_matcher* m, const struct tg_look* lk, const struct tg_name* name,
	uint32_t id)
{
	struct tg_name sk;
	size_t skipped = 0;
	enum tg_err r;

	if(!tg_look_maybe(name) || tg_look_skeleton(lk, name, &sk, &skipped, NULL) != TG_OK ||
		(sk.len == name->len && memcmp(sk.text, name->text, sk.len) == 0))
		return tg_matcher_add_protected_as(m, name, id, TG_AS_NAME | TG_AS_SKELETON);
	if((r = tg_matcher_add_protected(m, name, id)) != TG_OK)
		return r;
	if(skipped || memchr(sk.text, TG_TEXT_ODD, sk.len))
		return TG_OK;
	r = tg_matcher_add_protected_as(m, &sk, id, TG_AS_SKELETON);
	return r == TG_ERR_NAME ? TG_OK : r;
}

enum tg_verdict
tg_policy_match(const struct tg_policy* p, const struct tg_name* name, int lookalikes,
	struct tg_match* out, struct tg_look_counts* counts)
{
	enum tg_verdict v = tg_matcher_match(p->matcher, name, out), lv;
	struct tg_name sk;
	struct tg_match lm;
	size_t skipped = 0;
	int maybe;

	if(!lookalikes || !p->lookalike_count || v == TG_VERDICT_PROTECTED ||
		v == TG_VERDICT_ALLOWED)
		return v;
	/* a name whose skeleton is its text has had its skeleton pass, unless it came near
	 * a skeleton that is no name; a typo is checked again only to be called a lookalike */
	maybe = tg_look_maybe(name);
	if(!maybe && (v == TG_VERDICT_TYPO || !out->skeleton_near))
		return v;
	if(tg_look_skeleton(p->look, name, &sk, &skipped, counts) != TG_OK)
		return v;
	lv = tg_matcher_match_pass(p->matcher, &sk, TG_PASS_SKELETONS, &lm);
	if(lv == TG_VERDICT_PROTECTED) {
		memset(&lm.edit, 0, sizeof(lm.edit));
		lm.edit.op = TG_EDIT_NONE;
	} else if(lv != TG_VERDICT_TYPO || v == TG_VERDICT_TYPO)
		return v;
	lm.lookalike = 1;
	tg_name_present(lm.skeleton, &sk, lm.typo_label);
	lm.typo_label += skipped;
	if(!tg_look_unicode(p->look, name, 0, lm.unicode, sizeof(lm.unicode)))
		lm.unicode[0] = 0;
	*out = lm;
	return TG_VERDICT_TYPO;
}
