/* tests/fuzz/match_fuzz.c - fuzz the matcher, checked against the brute-force reference. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The input is a list of names, each a kind byte and the name's bytes up to 0xff:
 *	kind & 3:  0 a protected name, 1 an allowed name, 2 or 3 a query;
 *	0xfe:      a label boundary;
 *	0xfd X:    the byte X as it is (NUL, '.', controls, bytes >= 0x80);
 *	any other: one of a few letters, so that names collide and come one edit apart.
 * Every query's verdict, id, typo label and edit must be the reference's.
 */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "match.h"
#include "name.h"
#include "../match_ref.h"

/** most names of the policy one input builds */
#define FZ_POLICY_MAX 24
/** most queries one input asks */
#define FZ_QUERY_MAX 32
/** the letters names are mostly made of: few, so that the fuzzer finds near names */
static const char fz_alpha[] = "abcdaAb-";

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/** A name read from the input. */
struct fz_name {
	/** the wire form */
	uint8_t wire[TG_WIRE_MAX];
	/** its length */
	size_t len;
	/** the kind byte */
	uint8_t kind;
};

/**
 * Read one name from the input.
 * @param d: the input; advanced past the name.
 * @param end: the end of the input.
 * @param out: receives the name.
 * @return: 1 if a valid wire name was read, 0 if not (the input is skipped past it).
 */
static int
fz_read_name(const uint8_t** d, const uint8_t* end, struct fz_name* out)
{
	const uint8_t* p = *d;
	size_t wl = 1, start = 0;
	int valid = 1;
	uint8_t c;
	out->kind = *p++;
	while(p < end && *p != 0xff) {
		c = *p++;
		if(c == 0xfe) {
			if(wl - start - 1 == 0)
				valid = 0;
			else if(valid)
				out->wire[start] = (uint8_t)(wl - start - 1);
			start = wl++;
			continue;
		}
		if(c == 0xfd && p < end)
			c = *p++;
		else
			c = (uint8_t)fz_alpha[c % (sizeof(fz_alpha) - 1)];
		if(wl - start - 1 == 63 || wl + 1 >= TG_WIRE_MAX)
			valid = 0;
		else if(valid)
			out->wire[wl++] = c;
	}
	*d = p < end ? p + 1 : p;
	if(!valid || wl - start - 1 == 0)
		return 0;
	out->wire[start] = (uint8_t)(wl - start - 1);
	out->wire[wl++] = 0;
	out->len = wl;
	return 1;
}

/**
 * Add a name to the matcher and, if the matcher takes it, to the reference.
 * @param m: the matcher.
 * @param pol: the reference policy.
 * @param n: the name.
 * @param allowed: 1 for an allowed name.
 */
static void
fz_add(struct tg_matcher* m, struct ref_policy* pol, const struct tg_name* n, int allowed)
{
	struct ref_name* r = &pol->names[pol->count];
	uint32_t id = (uint32_t)pol->count;
	if((allowed ? tg_matcher_add_allowed(m, n, id) : tg_matcher_add_protected(m, n, id))
		!= TG_OK)
		return;
	memcpy(r->text, n->text, n->len);
	r->text[n->len] = 0;
	r->len = n->len;
	r->id = id;
	r->allowed = allowed;
	pol->count++;
}

/**
 * Check one query against the reference; abort on a difference.
 * @param m: the finished matcher.
 * @param pol: the reference policy.
 * @param n: the query.
 */
static void
fz_check(const struct tg_matcher* m, const struct ref_policy* pol, const struct tg_name* n)
{
	char name[TG_PRESENT_MAX], b1[256], b2[256];
	struct tg_match got, want;
	enum tg_verdict vg, vw;
	memset(&got, 0, sizeof(got));
	memset(&want, 0, sizeof(want));
	vg = tg_matcher_match(m, n, &got);
	vw = ref_match(pol, n, &want);
	if(vg == TG_VERDICT_TYPO && (got.typo_label >= n->labels ||
		got.edit.expected_len > 2 || got.edit.found_len > 2))
		vg = (enum tg_verdict)-1;
	if(same_answer(vg, &got, vw, &want))
		return;
	tg_name_present(name, n, 0);
	fprintf(stderr, "matcher and reference differ on %s:\n  matcher:   %s\n"
		"  reference: %s\n", name, describe(b1, vg, &got), describe(b2, vw, &want));
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static struct ref_name names[FZ_POLICY_MAX];
	struct fz_name q[FZ_QUERY_MAX], f;
	struct ref_policy pol = { names, 0 };
	const uint8_t *d = data, *end = data + size;
	struct tg_matcher* m;
	struct tg_name n;
	size_t nq = 0, i;
	if(size == 0 || !(m = tg_matcher_new(data[0])))
		return 0;
	d++;
	while(d < end) {
		if(!fz_read_name(&d, end, &f) || tg_name_from_wire(&n, f.wire, f.len) != TG_OK)
			continue;
		if((f.kind & 3) < 2 && pol.count < FZ_POLICY_MAX)
			fz_add(m, &pol, &n, f.kind & 1);
		else if((f.kind & 3) >= 2 && nq < FZ_QUERY_MAX)
			q[nq++] = f;
	}
	if(tg_matcher_finish(m) != TG_OK)
		abort();
	for(i = 0; i < nq; i++) {
		if(tg_name_from_wire(&n, q[i].wire, q[i].len) == TG_OK)
			fz_check(m, &pol, &n);
	}
	tg_matcher_free(m);
	return 0;
}
