/* tests/fuzz/policy_fuzz.c - fuzz the policy zone loader with any text. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The input is a policy zone. It loads, or fails with a message that names the zone; a
 * policy that loads is consistent: every rule's name reads back, a protected name is
 * PROTECTED to its own matcher, an allowed one ALLOWED or PROTECTED, and every rule's
 * file and line are set.
 */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "match.h"
#include "name.h"
#include "policy.h"

#define FZ_NAME "policy_fuzz"
#include "fuzz.h"

/** what the zone is called in errors and rules */
#define FZ_LABEL "fuzz.zone"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/**
 * Check one rule of a loaded policy.
 * @param p: the policy.
 * @param i: the rule's index, its id in the matcher.
 */
static void
fz_rule(const struct tg_policy* p, size_t i)
{
	const struct tg_rule* r = &p->rules[i];
	struct tg_match m;
	struct tg_name n;
	enum tg_verdict v;
	if(!r->name || tg_name_from_str(&n, r->name, NULL, NULL) != TG_OK)
		fz_fail("a rule's name does not read back", r->name ? r->name : "(null)");
	if(!r->file || strcmp(r->file, FZ_LABEL) != 0 || r->line <= 0)
		fz_fail("a rule without its place", r->name);
	if(r->protect && (r->qtypes.count == 0 || r->qtypes.count > TG_QTYPES_MAX))
		fz_fail("a protected name without query types", r->name);
	v = tg_matcher_match(p->matcher, &n, &m);
	if(r->protect && v != TG_VERDICT_PROTECTED)
		fz_fail("a protected name is not PROTECTED", r->name);
	if(!r->protect && v != TG_VERDICT_ALLOWED && v != TG_VERDICT_PROTECTED)
		fz_fail("an allowed name is neither ALLOWED nor PROTECTED", r->name);
	if(m.id >= p->count)
		fz_fail("a match names no rule", r->name);
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	struct tg_policy* p = NULL;
	struct tg_error err;
	size_t i, protect = 0;
	char* text = fz_input_text(data, size);
	if(!text)
		return 0;
	memset(&err, 0, sizeof(err));
	if(tg_policy_load_string(text, FZ_LABEL, NULL, &p, &err) != TG_OK) {
		if(p || strncmp(err.msg, FZ_LABEL, strlen(FZ_LABEL)) != 0 ||
			!memchr(err.msg, 0, sizeof(err.msg)))
			fz_fail("a failed load without a message naming the zone", err.msg);
		free(text);
		return 0;
	}
	for(i = 0; i < p->count; i++) {
		fz_rule(p, i);
		protect += p->rules[i].protect != 0;
	}
	if(protect != p->protected_count)
		fz_fail("protected_count is wrong", "");
	if(tg_policy_memory(p) == 0)
		fz_fail("no memory counted", "");
	tg_policy_free(p);
	free(text);
	return 0;
}
