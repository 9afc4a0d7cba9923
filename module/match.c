/* module/match.c - find the protected suffix a name is one edit away from. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The index is a symmetric-deletion table. For every protected name P it holds a key for P
 * itself and one for each string made by deleting one character of P; allowed names are
 * held by their own key. A suffix S of a query is one edit from P exactly when
 *   S == del_i(P)            (P lost a character: deletion),
 *   del_j(S) == P            (S has an extra character: insertion),
 *   del_j(S) == del_j(P)     (substitution), or del_j(S) == del_j+-1(P) (transposition),
 * so the query looks up the key of S and of some del_j(S): at most |S| + 1 keys a suffix,
 * whatever the number of names. Every candidate is verified exactly, so a hash collision
 * costs time, never a wrong answer.
 *
 * Keys are simple tabulation hashes of the string aligned on its last character: the XOR of
 * a random word per (distance from the end, byte). Aligned on the end, the words of a name's
 * characters are the same for all its suffixes, so one pass over the query's text gives
 * prefix XORs from which the key of any suffix, and of any suffix less one character, is a
 * few XORs: no multiplication, no second pass. The words are drawn when the matcher is
 * made, from the system's entropy, so that nobody can prepare names that collide.
 *
 * The table is open-addressed, 8 bytes an entry, eight entries to a 64-byte line: a key's
 * search starts at the first entry of its line, and at a load of one half it almost never
 * leaves it. An entry holds a 24-bit fingerprint, the offset j of the deleted character and
 * the offset of the name's record with its kind in the low two bits. With j at hand, a
 * deletion that does not line up (|i - j| > 1) is dropped without reading the record, and so
 * is a candidate that cannot beat the best one found. All keys of a name are computed first
 * and their lines fetched together. The keys of whole suffixes go straight to the table: a
 * name equal to a suffix settles the query, and its deletion keys are then never looked up.
 * The deletion keys go first to a Bloom filter (12 bits a key, one 64-bit word each, under
 * 1% false positives), which is an eighth of the table's size and so, for a big policy,
 * more often found in the processor's last-level cache; only the keys it passes are looked
 * up in the table. An ordinary name so costs one round of reads, a name below a protected
 * one two, a typo three.
 *
 * Most keys of a suffix cannot match, and two small filters, which stay in the caches even
 * for a million names, tell which. Write the suffix S = x.R, x its first label:
 * - the rest filter holds every proper suffix, cut at a label boundary, of the protected and
 *   allowed names. A name P one edit from S whose edit is in x (the dot untouched) ends with
 *   ".R", and so does a name equal to S; when R is not in the filter, the key of S and the
 *   deletions inside x are not looked up: "www.examle.com" needs no key of "www." unless a
 *   protected name ends with ".examle.com".
 * - the head filter holds the first label, with its dot, of each protected name. A name one
 *   edit from S whose edit is in R starts with "x."; when x is not in the filter, the
 *   deletions inside R are not looked up.
 * An edit at the dot itself (deleted, replaced, swapped with a neighbour) is found by one
 * key, S without its dot, which is always looked up. A single-label suffix is near a name
 * only if a single-label name has a length within one of it, or a name's last label is one
 * of its proper suffixes (the edit put or took a dot): the rest filter tells that too. An
 * ordinary name so costs the deletions of the first label of its registered domain, one key
 * for every other label, and the two small filters.
 */

#include "tgconfig.h"
#include <stddef.h>
#include <string.h>
#include "match_int.h"

/** keys computed and fetched together; a typical name needs fewer */
#define TG_BATCH 64
/** candidates gathered before their records are read */
#define TG_CANDS 32

/** A table entry that may answer a key of the query. */
struct tg_cand {
	/** the entry's reference */
	uint32_t ref;
	/** index of the key in the query's batch */
	uint8_t key;
	/** length of the protected name, if the entry is what it seems */
	uint8_t len;
};

/** The state of one tg_matcher_match() call; on its stack. */
struct tg_query {
	/** the matcher */
	const struct tg_matcher* m;
	/** the query name */
	const struct tg_name* name;
	/** prefix XORs of the words of the text, aligned on its end */
	uint64_t pu[TG_TEXT_MAX];
	/** the same, each character one place further from the end */
	uint64_t pv[TG_TEXT_MAX];
	/** per label: 1 if a name ends with the labels after it (the rest filter) */
	uint8_t rest[TG_LABELS_MAX];
	/** per label: 1 if a protected name starts with it (the head filter) */
	uint8_t head[TG_LABELS_MAX];
	/** keys not yet looked up */
	uint64_t key[TG_BATCH];
	/** label index of each key's suffix */
	uint8_t label[TG_BATCH];
	/** offset in the suffix of each key's deleted character, or TG_WHOLE */
	uint8_t del[TG_BATCH];
	/** number of keys */
	size_t nkeys;
	/** candidates not yet verified */
	struct tg_cand cands[TG_CANDS];
	/** number of candidates */
	size_t ncands;
	/** the longest protected or allowed suffix so far, or NULL */
	const struct tg_rec* exact;
	/** its label index */
	size_t exact_label;
	/** the best typo so far: its protected name, or NULL */
	const struct tg_rec* typo;
	/** label index of its suffix */
	size_t typo_label;
	/** its edit, found not yet filled in */
	struct tg_edit edit;
	/** the pass: which records count */
	enum tg_pass pass;
	/** matching names: 1 if the text is equal to, or one edit from, a skeleton that is
	 * not also a name */
	int skeleton_near;
};

/**
 * Whether a record counts in the query's pass: names count when matching names, skeletons
 * and the protected names that are their own skeleton when matching skeletons, loose forms
 * when matching loose forms.
 * @param q: the query.
 * @param r: the record.
 * @return: 1 if it counts.
 */
static inline int
tg_counts(const struct tg_query* q, const struct tg_rec* r)
{
	if(q->pass == TG_PASS_NAMES)
		return !(r->flags & (TG_REC_SKELETON | TG_REC_LOOSE_ONLY));
	if(q->pass == TG_PASS_SKELETONS)
		return (r->flags & TG_REC_PASSES) != 0;
	return (r->flags & TG_REC_LOOSE) != 0;
}

/**
 * Whether S is at optimal string alignment distance exactly 1 from P, and the edit from P to
 * S, at its lowest position. found is not filled in: it comes from the original bytes.
 * @param p: P's text.
 * @param lp: its length.
 * @param s: S's text.
 * @param ls: its length.
 * @param e: receives the edit.
 * @return: 1 if the distance is 1, else 0.
 */
static int
tg_osa1(const uint8_t* p, size_t lp, const uint8_t* s, size_t ls, struct tg_edit* e)
{
	size_t i = 0;

	while(i < lp && i < ls && p[i] == s[i])
		i++;
	e->expected_len = e->found_len = 0;
	if(ls + 1 == lp) {
		if(memcmp(p + i + 1, s + i, ls - i) != 0)
			return 0;
		while(i > 0 && p[i - 1] == p[i])
			i--;
		e->op = TG_EDIT_DELETION;
		e->expected_len = 1;
	} else if(ls == lp + 1) {
		if(memcmp(p + i, s + i + 1, lp - i) != 0)
			return 0;
		while(i > 0 && p[i - 1] == s[i])
			i--;
		e->op = TG_EDIT_INSERTION;
		e->found_len = 1;
	} else if(ls == lp && i < lp) {
		if(memcmp(p + i + 1, s + i + 1, lp - i - 1) == 0) {
			e->op = TG_EDIT_SUBSTITUTION;
			e->expected_len = e->found_len = 1;
		} else if(i + 1 < lp && p[i] == s[i + 1] && p[i + 1] == s[i] &&
			memcmp(p + i + 2, s + i + 2, lp - i - 2) == 0) {
			e->op = TG_EDIT_TRANSPOSITION;
			e->expected_len = e->found_len = 2;
		} else
			return 0;
	} else
		return 0;
	e->position = i;
	memcpy(e->expected, p + i, e->expected_len);
	return 1;
}

/**
 * Weigh a protected name as the typo answer, against the best so far; none in the loose
 * pass, where only equal forms count.
 * @param q: the query.
 * @param label: label index of the suffix.
 * @param r: the protected name.
 */
static void
tg_consider_typo(struct tg_query* q, size_t label, const struct tg_rec* r)
{
	const struct tg_rec* b = q->typo;
	size_t a = q->name->label_off[label], ls = q->name->len - a;
	struct tg_edit e;

	if(q->pass == TG_PASS_LOOSE ||
		(b && (r->len < b->len || (r->len == b->len && label > q->typo_label))))
		return;
	if(!tg_osa1(r->text, r->len, q->name->text + a, ls, &e))
		return;
	if(!tg_counts(q, r)) {
		q->skeleton_near |= (r->flags & TG_REC_SKELETON) != 0;
		return;
	}
	if(b && r->len == b->len && label == q->typo_label &&
		memcmp(r->text, b->text, r->len) >= 0)
		return;
	q->typo = r;
	q->typo_label = label;
	q->edit = e;
}

/**
 * Weigh a protected or allowed name equal to a suffix, against the best so far.
 * @param q: the query.
 * @param label: label index of the suffix.
 * @param r: the name.
 */
static void
tg_consider_exact(struct tg_query* q, size_t label, const struct tg_rec* r)
{
	size_t a = q->name->label_off[label], ls = q->name->len - a;

	if(r->len != ls || memcmp(r->text, q->name->text + a, ls) != 0)
		return;
	if(!tg_counts(q, r)) {
		q->skeleton_near |= (r->flags & TG_REC_SKELETON) != 0;
		return;
	}
	/* longer suffixes have lower label indexes; protected wins a tie */
	if(!q->exact || label < q->exact_label || (label == q->exact_label &&
		!(r->flags & TG_REC_ALLOWED))) {
		q->exact = r;
		q->exact_label = label;
	}
}

/**
 * Whether a typo candidate could still beat the best typo so far, judged by the length of
 * protected name its entry stands for, before its record is read.
 * @param q: the query.
 * @param c: the candidate.
 * @return: 0 if it certainly cannot.
 */
static int
tg_may_win(const struct tg_query* q, const struct tg_cand* c)
{
	const struct tg_rec* b = q->typo;
	return !b || c->len > b->len || (c->len == b->len && q->label[c->key] <= q->typo_label);
}

/**
 * Verify the gathered candidates, their records fetched together first; typo candidates
 * that cannot win are not read.
 * @param q: the query; its candidates are emptied.
 */
static void
tg_check_cands(struct tg_query* q)
{
	const struct tg_cand* c;
	size_t i;

	for(i = 0; i < q->ncands; i++)
		if(q->del[q->cands[i].key] == TG_WHOLE || tg_may_win(q, &q->cands[i]))
			TG_PREFETCH(tg_rec_at(q->m, q->cands[i].ref));
	for(i = 0; i < q->ncands; i++) {
		c = &q->cands[i];
		if(q->del[c->key] == TG_WHOLE && (c->ref & TG_KIND_MASK) != TG_KIND_DELETION)
			tg_consider_exact(q, q->label[c->key], tg_rec_at(q->m, c->ref));
		else if(tg_may_win(q, c))
			tg_consider_typo(q, q->label[c->key], tg_rec_at(q->m, c->ref));
	}
	q->ncands = 0;
}

/**
 * Whether a table entry can answer a key: in the exact round, the text of a name for the
 * key of a whole suffix; in the typo round, a deletion for the key of a whole suffix (P lost
 * a character), a protected text for a deletion key (S has an extra one), or a deletion at
 * the same offset or a neighbour for a deletion key (substitution, transposition).
 * @param kind: the entry's kind.
 * @param edel: the entry's deleted offset, or TG_WHOLE.
 * @param qdel: the key's deleted offset, or TG_WHOLE.
 * @param round: 0 for the exact round, 1 for the typo round.
 * @return: 1 if it can.
 */
static inline int
tg_entry_fits(uint32_t kind, uint32_t edel, uint32_t qdel, int round)
{
	if(round == 0)
		return kind != TG_KIND_DELETION;
	if(qdel == TG_WHOLE)
		return kind == TG_KIND_DELETION;
	if(kind == TG_KIND_DELETION)
		return edel + 1 >= qdel && edel <= qdel + 1;
	return kind == TG_KIND_PROTECTED;
}

/**
 * The length of the protected name an entry stands for, if it answers a key of a suffix.
 * @param kind: the entry's kind.
 * @param qdel: the key's deleted offset, or TG_WHOLE.
 * @param ls: length of the suffix.
 * @return: the length.
 */
static inline size_t
tg_implied_len(uint32_t kind, uint32_t qdel, size_t ls)
{
	if(qdel == TG_WHOLE)
		return kind == TG_KIND_DELETION ? ls + 1 : ls;
	return kind == TG_KIND_DELETION ? ls : ls - 1;
}

/**
 * Gather the table entries that can answer a key.
 * @param q: the query.
 * @param k: index of the key.
 * @param round: 0 for the exact round, 1 for the typo round.
 */
static void
tg_walk(struct tg_query* q, size_t k, int round)
{
	const struct tg_matcher* m = q->m;
	size_t i = tg_slot(m, q->key[k]), nslots = m->nlines * TG_LINE;
	size_t ls = q->name->len - q->name->label_off[q->label[k]];
	uint32_t fp = tg_fp(q->key[k]), kind, tag;

	for(; (tag = m->slots[i].tag) != 0; i = (i + 1 == nslots) ? 0 : i + 1) {
		if((tag & 0xffffff00u) != fp)
			continue;
		kind = m->slots[i].ref & TG_KIND_MASK;
		if(!tg_entry_fits(kind, tag & 0xffu, q->del[k], round))
			continue;
		q->cands[q->ncands].ref = m->slots[i].ref;
		q->cands[q->ncands].key = (uint8_t)k;
		q->cands[q->ncands].len = (uint8_t)tg_implied_len(kind, q->del[k], ls);
		if(++q->ncands == TG_CANDS)
			tg_check_cands(q);
	}
}

/**
 * Look up the pending keys. Every key is tested in the Bloom filter, the words of all of
 * them fetched together, and with them the table lines of the keys of whole suffixes. Those
 * come first: a name equal to a suffix makes every typo moot, and when one is found the
 * deletion keys are not even tested. Then the deletion keys the filter passes, their lines
 * fetched together.
 * @param q: the query; its keys are emptied.
 */
static void
tg_run_keys(struct tg_query* q)
{
	const struct tg_matcher* m = q->m;
	uint8_t pass[TG_BATCH];
	size_t i, np = 0, nw = 0;

	for(i = 0; i < q->nkeys; i++) {
		TG_PREFETCH(tg_word(m->filter, m->nwords, q->key[i]));
		if(q->del[i] == TG_WHOLE)
			TG_PREFETCH(&m->slots[tg_slot(m, q->key[i])]);
	}
	for(i = 0; i < q->nkeys; i++) {
		if(q->del[i] != TG_WHOLE || !tg_filter_has(m->filter, m->nwords, q->key[i]))
			continue;
		tg_walk(q, i, 0);
		pass[TG_BATCH - ++nw] = (uint8_t)i;
	}
	if(q->ncands)
		tg_check_cands(q);
	if(!q->exact) {
		for(i = 0; i < q->nkeys; i++)
			if(q->del[i] != TG_WHOLE &&
				tg_filter_has(m->filter, m->nwords, q->key[i]))
				pass[np++] = (uint8_t)i;
		for(i = 0; i < np; i++)
			TG_PREFETCH(&m->slots[tg_slot(m, q->key[pass[i]])]);
		for(i = 0; i < nw; i++)
			tg_walk(q, pass[TG_BATCH - 1 - i], 1);
		for(i = 0; i < np; i++)
			tg_walk(q, pass[i], 1);
		tg_check_cands(q);
	}
	q->nkeys = 0;
}

/**
 * Queue a key; look the queue up when it is full.
 * @param q: the query.
 * @param key: the key.
 * @param label: label index of the suffix.
 * @param del: offset in the suffix of the deleted character, or TG_WHOLE.
 */
static inline void
tg_key_add(struct tg_query* q, uint64_t key, size_t label, size_t del)
{
	q->key[q->nkeys] = key;
	q->label[q->nkeys] = (uint8_t)label;
	q->del[q->nkeys] = (uint8_t)del;
	if(++q->nkeys == TG_BATCH)
		tg_run_keys(q);
}

/**
 * Queue the deletion keys of a suffix for the offsets from..to-1.
 * @param q: the query.
 * @param label: label index of the suffix.
 * @param from: first offset in the suffix.
 * @param to: end of the offsets.
 */
static inline void
tg_keys_dels(struct tg_query* q, size_t label, size_t from, size_t to)
{
	size_t n = q->name->len, a = q->name->label_off[label], j;
	const uint64_t* pv = q->pv + a;
	const uint64_t* pu = q->pu + a + 1;
	uint64_t c = q->pv[a] ^ q->pu[n];

	for(j = from; j < to; j++)
		tg_key_add(q, pv[j] ^ pu[j] ^ c, label, j);
}

/**
 * Whether a single-label suffix can be one edit from, or equal to, a name: a single-label
 * name has a length within one of it, or a name's last label is one of its proper suffixes.
 * @param q: the query.
 * @param a: offset of the suffix.
 * @return: 0 if it certainly cannot.
 */
static int
tg_single_near(const struct tg_query* q, size_t a)
{
	const struct tg_matcher* m = q->m;
	size_t n = q->name->len, ls = n - a, t;

	if(m->e1len[ls] || m->p1len[ls - 1] || m->p1len[ls] || m->p1len[ls + 1])
		return 1;
	for(t = a + 1; t < n; t++)
		if(tg_filter_has(m->small, m->nsmall, m->rest_salt ^ TG_KEY_WHOLE(q->pu, t, n)))
			return 1;
	return 0;
}

/**
 * Queue the keys of one suffix S = x.R that can meet a name: its own key for a name equal
 * to it or one longer; for a name of its length or one shorter, the deletions in x when a
 * name ends with ".R", the deletion of its dot always, the deletions in R when a protected
 * name starts with "x.". A suffix of one label has all its keys, if it is near a name.
 * @param q: the query.
 * @param label: label index of the suffix.
 */
static void
tg_keys_suffix(struct tg_query* q, size_t label)
{
	const struct tg_matcher* m = q->m;
	const struct tg_name* nm = q->name;
	size_t a = nm->label_off[label], ls = nm->len - a, d;
	int rest, head, dels;

	if(ls > m->rows)
		return;
	dels = m->plen[ls] || m->plen[ls - 1];
	if(!dels && !m->elen[ls] && !m->plen[ls + 1])
		return;
	if(label + 1 == nm->labels) {
		if(!tg_single_near(q, a))
			return;
		if(m->elen[ls] || m->plen[ls + 1])
			tg_key_add(q, TG_KEY_WHOLE(q->pu, a, nm->len), label, TG_WHOLE);
		if(dels)
			tg_keys_dels(q, label, 0, ls);
		return;
	}
	d = (size_t)nm->label_off[label + 1] - 1 - a;
	rest = q->rest[label];
	head = q->head[label];
	if((m->elen[ls] && rest) || (m->plen[ls + 1] && (rest || head)))
		tg_key_add(q, TG_KEY_WHOLE(q->pu, a, nm->len), label, TG_WHOLE);
	if(!dels)
		return;
	if(rest)
		tg_keys_dels(q, label, 0, d);
	tg_keys_dels(q, label, d, d + 1);
	if(head)
		tg_keys_dels(q, label, d + 1, ls);
}

/**
 * Hash the query's text, and ask the small filter, for each label but the last whose suffix
 * is short enough to meet a name, whether a name ends with the labels after it and whether a
 * protected name starts with it.
 * @param q: the query.
 */
static void
tg_query_hash(struct tg_query* q)
{
	const struct tg_matcher* m = q->m;
	const struct tg_name* nm = q->name;
	uint64_t rk[TG_LABELS_MAX], hk[TG_LABELS_MAX];
	size_t k, k0 = 0, n = nm->len, lo = n > m->rows ? n - m->rows : 0, a, e;

	tg_prefix(m->tab, nm->text, lo, n, q->pu, q->pv);
	while(k0 < nm->labels && nm->label_off[k0] < lo)
		q->rest[k0] = q->head[k0] = 0, k0++;
	/* each such label and its dot is shorter than m->rows: it has rows for its words */
	for(k = k0; k + 1 < nm->labels; k++) {
		a = nm->label_off[k];
		e = (size_t)nm->label_off[k + 1];
		rk[k] = m->rest_salt ^ TG_KEY_WHOLE(q->pu, e, n);
		hk[k] = tg_head_key(m, nm->text + a, e - 1 - a);
		TG_PREFETCH(tg_word(m->small, m->nsmall, rk[k]));
		TG_PREFETCH(tg_word(m->small, m->nsmall, hk[k]));
	}
	for(k = k0; k + 1 < nm->labels; k++) {
		q->rest[k] = (uint8_t)tg_filter_has(m->small, m->nsmall, rk[k]);
		q->head[k] = (uint8_t)tg_filter_has(m->small, m->nsmall, hk[k]);
	}
}

/**
 * Fill in a typo match from the query's best candidate.
 * @param q: the query, with a typo found.
 * @param out: receives the match.
 */
static void
tg_fill_typo(const struct tg_query* q, struct tg_match* out)
{
	const uint8_t* orig = q->name->orig + q->name->label_off[q->typo_label];

	out->id = q->typo->id;
	out->typo_label = q->typo_label;
	out->edit = q->edit;
	memcpy(out->edit.found, orig + q->edit.position, q->edit.found_len);
}

enum tg_verdict
tg_matcher_match(const struct tg_matcher* m, const struct tg_name* name,
	struct tg_match* out)
{
	return tg_matcher_match_pass(m, name, TG_PASS_NAMES, out);
}

enum tg_verdict
tg_matcher_match_pass(const struct tg_matcher* m, const struct tg_name* name,
	enum tg_pass pass, struct tg_match* out)
{
	struct tg_query q;
	size_t k;

	if(!m->finished || name->labels == 0 || name->len == 0)
		return TG_VERDICT_NONE;
	q.pass = pass;
	q.skeleton_near = 0;
	q.m = m;
	q.name = name;
	q.nkeys = q.ncands = 0;
	q.exact = q.typo = NULL;
	q.exact_label = q.typo_label = 0;
	tg_query_hash(&q);
	for(k = 0; k < name->labels; k++)
		tg_keys_suffix(&q, k);
	tg_run_keys(&q);
	out->lookalike = 0;
	out->loose = 0;
	out->skeleton_near = q.skeleton_near;
	if(q.exact) {
		out->id = q.exact->id;
		out->typo_label = q.exact_label;
		return (q.exact->flags & TG_REC_ALLOWED) ? TG_VERDICT_ALLOWED :
			TG_VERDICT_PROTECTED;
	}
	if(!q.typo)
		return TG_VERDICT_NONE;
	tg_fill_typo(&q, out);
	return TG_VERDICT_TYPO;
}

const char*
tg_edit_op_str(enum tg_edit_op op)
{
	switch(op) {
	case TG_EDIT_DELETION: return "deletion";
	case TG_EDIT_INSERTION: return "insertion";
	case TG_EDIT_SUBSTITUTION: return "substitution";
	case TG_EDIT_TRANSPOSITION: return "transposition";
	case TG_EDIT_NONE: return "none";
	}
	return "unknown";
}

const char*
tg_match_op_str(const struct tg_match* m)
{
	if(!m->lookalike)
		return tg_edit_op_str(m->edit.op);
	switch(m->edit.op) {
	case TG_EDIT_DELETION: return "lookalike+deletion";
	case TG_EDIT_INSERTION: return "lookalike+insertion";
	case TG_EDIT_SUBSTITUTION: return "lookalike+substitution";
	case TG_EDIT_TRANSPOSITION: return "lookalike+transposition";
	case TG_EDIT_NONE: return "lookalike";
	}
	return "unknown";
}

