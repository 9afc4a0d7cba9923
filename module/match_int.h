/* module/match_int.h - the matcher's index, shared by building it and the query path. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_MATCH_INT_H
#define TG_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>
#include "match.h"

/** entry kind: the text of a protected name */
#define TG_KIND_PROTECTED 0u
/** entry kind: a protected name with one character deleted */
#define TG_KIND_DELETION 1u
/** entry kind: the text of an allowed name */
#define TG_KIND_ALLOWED 2u
/** the bits of an entry's reference that hold its kind */
#define TG_KIND_MASK 3u
/** record flag: an allowed name (else protected) */
#define TG_REC_ALLOWED 1u
/** record flag: the same text was added before, this record is not in the table */
#define TG_REC_DUPLICATE 2u
/** record flag: the skeleton of a protected name, counted only when matching skeletons */
#define TG_REC_SKELETON 4u
/** record flag: a protected name that is its own skeleton, counted when matching skeletons too */
#define TG_REC_LOOKALIKE 8u
/** the record flags that say in which pass a record counts */
#define TG_REC_PASSES (TG_REC_SKELETON | TG_REC_LOOKALIKE)
/** record flag: the loose form of a protected name's skeleton (tg_look_loose()), counted when
 * matching loose forms; with TG_REC_LOOSE_ONLY, or on a record that counts in other passes
 * when its text is its own loose form */
#define TG_REC_LOOSE 16u
/** record flag: a loose form that is no name and no skeleton, counted only when matching
 * loose forms */
#define TG_REC_LOOSE_ONLY 32u
/** the record flags that say in which passes a record counts, all of them */
#define TG_REC_ALL_PASSES (TG_REC_PASSES | TG_REC_LOOSE | TG_REC_LOOSE_ONLY)
/** byte values a key's character can take */
#define TG_BYTES 256
/** table entries a key's search starts in: one cache line */
#define TG_LINE 8
/** rows of hash words: one per distance from the end, for the longest text and one more */
#define TG_ROWS_MAX (TG_TEXT_MAX - 1)
/** key marker: the key is of the whole suffix, nothing deleted */
#define TG_WHOLE 255

#ifdef __GNUC__
/** start loading a cache line that will be read soon */
#define TG_PREFETCH(p) __builtin_prefetch((p), 0, 3)
/** start loading a cache line that will be written soon */
#define TG_PREFETCH_W(p) __builtin_prefetch((p), 1, 3)
#else
#define TG_PREFETCH(p) ((void)(p))
#define TG_PREFETCH_W(p) ((void)(p))
#endif

/** The keys waiting in one part of the key space, while names are added (match_build.c). */
struct tg_klist;

/** A name as stored in the arena; 4-byte aligned, so offsets have two bits free. */
struct tg_rec {
	/** the caller's id */
	uint32_t id;
	/** length of the text */
	uint8_t len;
	/** TG_REC_ flags */
	uint8_t flags;
	/** the comparison text */
	uint8_t text[];
};

/** bytes a record of a text of len bytes takes in the arena */
#define TG_REC_SIZE(len) ((offsetof(struct tg_rec, text) + (size_t)(len) + 3) & ~(size_t)3)

/** A table slot; empty when tag is 0. */
struct tg_entry {
	/** the key's fingerprint in the high 24 bits, never all 0; in the low 8, the offset of
	 * the deleted character for a deletion, else TG_WHOLE */
	uint32_t tag;
	/** offset of the record in the arena, with the kind in the low two bits */
	uint32_t ref;
};

/** The matcher. */
struct tg_matcher {
	/** the records, one after another */
	uint8_t* arena;
	/** bytes used in the arena */
	size_t arena_len;
	/** bytes allocated for the arena */
	size_t arena_cap;
	/** 1 if the arena was moved to memory of tg_big_alloc() */
	int arena_big;
	/** 1 once tg_matcher_finish() has built the index */
	int finished;
	/** plen[L] is 1 if a protected name has a text of length L */
	uint8_t plen[TG_TEXT_MAX + 2];
	/** elen[L] is 1 if a protected or an allowed name has a text of length L */
	uint8_t elen[TG_TEXT_MAX + 2];
	/** p1len[L] is 1 if a protected name of one label has a text of length L */
	uint8_t p1len[TG_TEXT_MAX + 2];
	/** e1len[L] is 1 if a protected or an allowed name of one label has length L */
	uint8_t e1len[TG_TEXT_MAX + 2];
	/** longest suffix worth a lookup */
	size_t rows;
	/** the hash words, a row of TG_BYTES per distance from the end, TG_ROWS_MAX rows:
	 * tg_tab, shared by every matcher */
	const uint64_t* tab;
	/** mixed into the key of a name's first label, for the small filter */
	uint64_t head_salt;
	/** mixed into the key of a name's proper suffix, for the small filter */
	uint64_t rest_salt;
	/** the first labels and the proper suffixes of the names: one word a key */
	uint64_t* small;
	/** number of words in it */
	size_t nsmall;
	/** bytes allocated for it */
	size_t small_bytes;
	/** the table, 64-byte aligned */
	struct tg_entry* slots;
	/** number of lines of TG_LINE slots */
	size_t nlines;
	/** bytes allocated for the slots */
	size_t slots_bytes;
	/** the Bloom filter in front of the table for deletion keys, one word a key */
	uint64_t* filter;
	/** number of filter words */
	size_t nwords;
	/** bytes allocated for it */
	size_t filter_bytes;
	/** while names are added: the keys of their texts, by part of the key space */
	struct tg_klist* wait_names;
	/** while names are added: the keys of the protected names' deletions, by part */
	struct tg_klist* wait_dels;
	/** while names are added: the keys of the small filter, with repeats */
	uint64_t* wait_small;
	/** number of keys in wait_small */
	size_t nwait_small;
	/** room in wait_small */
	size_t wait_small_cap;
	/** number of keys in wait_names */
	size_t nwait_names;
	/** number of keys in wait_dels */
	size_t nwait_dels;
	/** 1 if gathering a name's keys ran out of memory: finishing fails */
	int broken;
};

/**
 * Prefix XORs of the hash words of text[lo..n), aligned on n: pu[t] covers text[lo..t) at
 * their own distance from the end, pv[t] at one place further.
 * @param tab: the hash words; rows for distances up to n - 1 - lo.
 * @param text: the text.
 * @param lo: first offset hashed.
 * @param n: end of the text.
 * @param pu: receives n + 1 values (from index lo).
 * @param pv: receives n + 1 values (from index lo).
 */
static inline void
tg_prefix(const uint64_t* tab, const uint8_t* text, size_t lo, size_t n, uint64_t* pu,
	uint64_t* pv)
{
	uint64_t u = 0, v = 0;
	size_t t, e;

	pu[lo] = 0;
	pv[lo] = 0;
	for(t = lo; t < n; t++) {
		e = n - 1 - t;
		u ^= tab[e * TG_BYTES + text[t]];
		if(e > 0)
			v ^= tab[(e - 1) * TG_BYTES + text[t]];
		pu[t + 1] = u;
		pv[t + 1] = v;
	}
}

/** key of text[a..n), from the prefix XORs */
#define TG_KEY_WHOLE(pu, a, n) ((pu)[n] ^ (pu)[a])
/** key of text[a..n) without the character at a + j */
#define TG_KEY_DEL(pu, pv, a, j, n) \
	((pv)[(a) + (j)] ^ (pv)[a] ^ (pu)[n] ^ (pu)[(a) + (j) + 1])

/**
 * The key of a first label and its dot, p[0..d], aligned on the dot: the same whatever
 * follows it.
 * @param m: the matcher.
 * @param p: the text.
 * @param d: offset of the dot; below m->rows.
 * @return: the key, salted for the small filter.
 */
static inline uint64_t
tg_head_key(const struct tg_matcher* m, const uint8_t* p, size_t d)
{
	uint64_t k = m->head_salt;
	size_t t;
	for(t = 0; t <= d; t++)
		k ^= m->tab[(d - t) * TG_BYTES + p[t]];
	return k;
}

/**
 * The table line where a key's search starts.
 * @param m: the matcher.
 * @param key: the key.
 * @return: the index of the line's first slot.
 */
static inline size_t
tg_slot(const struct tg_matcher* m, uint64_t key)
{
	return (size_t)(((key >> 32) * (uint64_t)m->nlines) >> 32) * TG_LINE;
}

/**
 * The fingerprint of a key, as kept in the high 24 bits of a table entry's tag.
 * @param key: the key.
 * @return: the tag's high bits, never 0; its low 8 bits are 0.
 */
static inline uint32_t
tg_fp(uint64_t key)
{
	uint32_t fp = (uint32_t)key & 0xffffff00u;
	return fp ? fp : 0x100u;
}

/**
 * The word of a key in a filter.
 * @param filter: the filter.
 * @param nwords: its size in words.
 * @param key: the key.
 * @return: the word.
 */
static inline uint64_t*
tg_word(uint64_t* filter, size_t nwords, uint64_t key)
{
	return filter + (size_t)(((key >> 32) * (uint64_t)nwords) >> 32);
}

/**
 * The bits a key sets in its filter word: five, picked by its low 30 bits.
 * @param key: the key.
 * @return: the mask.
 */
static inline uint64_t
tg_mask(uint64_t key)
{
	return (1ULL << (key & 63)) | (1ULL << ((key >> 6) & 63)) |
		(1ULL << ((key >> 12) & 63)) | (1ULL << ((key >> 18) & 63)) |
		(1ULL << ((key >> 24) & 63));
}

/**
 * Whether a filter may hold a key.
 * @param filter: the filter.
 * @param nwords: its size in words.
 * @param key: the key.
 * @return: 0 if the key is certainly not there.
 */
static inline int
tg_filter_has(uint64_t* filter, size_t nwords, uint64_t key)
{
	uint64_t mask = tg_mask(key);
	return (*tg_word(filter, nwords, key) & mask) == mask;
}

/**
 * The record an entry refers to.
 * @param m: the matcher.
 * @param ref: the entry's reference.
 * @return: the record.
 */
static inline const struct tg_rec*
tg_rec_at(const struct tg_matcher* m, uint32_t ref)
{
	return (const struct tg_rec*)(void*)(m->arena + (ref & ~TG_KIND_MASK));
}

#endif /* TG_MATCH_INT_H */
