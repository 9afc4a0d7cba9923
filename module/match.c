/* module/match.c - find the protected suffix a name is one edit away from. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The index is a symmetric-deletion table. For every protected name P it holds a key for P
 * itself and one for each string made by deleting one character of P; allowed names are
 * held by their own key. A suffix S of a query is one edit from P exactly when
 *   S == del_i(P)            (P lost a character: deletion),
 *   del_j(S) == P            (S has an extra character: insertion),
 *   del_j(S) == del_j(P)     (substitution), or del_j(S) == del_j+-1(P) (transposition),
 * so the query looks up the key of S and of each del_j(S): at most |S| + 1 keys a suffix,
 * whatever the number of names. Every candidate is verified exactly, so a hash collision
 * costs time, never a wrong answer.
 *
 * Keys are simple tabulation hashes of the string aligned on its last character: the XOR of
 * a random word per (distance from the end, byte). Aligned on the end, the words of a name's
 * characters are the same for all its suffixes, so one pass over the query's text gives
 * prefix XORs from which the key of any suffix, and of any suffix less one character, is a
 * few XORs: no multiplication, no second pass. The words are drawn at finish time, so that
 * nobody can prepare names that collide.
 *
 * Each key is tested first in a Bloom filter of one 64-bit word a key (12 bits a key,
 * under 1% false positives); only keys that pass go to the open-addressed table, 8 bytes an
 * entry: a 24-bit fingerprint, the offset j of the deleted character, and the offset of the
 * name's record with its kind in the low two bits. With j at hand, a deletion that does not
 * line up (|i - j| > 1) is dropped without reading the record, and so is a candidate that
 * cannot beat the best one found. All keys of a name are computed first and their cache
 * lines prefetched together, so that the misses overlap; the big arrays ask for huge pages.
 *
 * A second, small filter holds the first label of each protected name (with the length of
 * the suffix it would stand in). A deletion past the first label of a suffix ("www.examle.com"
 * from "www.example.com") can only be matched by a protected name that begins with that same
 * label ("www."), so those keys are looked up only when the small filter has the label: an
 * ordinary name costs about one key per character of its suffixes' first labels.
 */

#include "tgconfig.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#if defined(__APPLE__)
#include <sys/random.h>
#endif
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

/** byte values a key's character can take */
#define TG_BYTES 256
/** keys computed and prefetched together; a typical name needs fewer */
#define TG_BATCH 64
/** candidates gathered before their records are read */
#define TG_CANDS 32
/** table slots per key: a load factor of 0.5 keeps searches to a cache line or two */
#define TG_SLOTS_PER_KEY 2
/** filter bits per key */
#define TG_FILTER_BITS 12
/** size of a huge page, the alignment of the big arrays */
#define TG_HUGE (2u * 1024u * 1024u)
/** key marker: the key is of the whole suffix, nothing deleted */
#define TG_WHOLE 255
/** largest arena: record offsets must fit 32 bits */
#define TG_ARENA_MAX ((size_t)0xfffffff0u)

#ifdef __GNUC__
/** start loading a cache line that will be read soon */
#define TG_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define TG_PREFETCH(p) ((void)(p))
#endif

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
	/** 1 once tg_matcher_finish() has built the index */
	int finished;
	/** plen[L] is 1 if a protected name has a text of length L */
	uint8_t plen[TG_TEXT_MAX + 2];
	/** elen[L] is 1 if a protected or an allowed name has a text of length L */
	uint8_t elen[TG_TEXT_MAX + 2];
	/** longest suffix worth a lookup; the hash has a row per distance from the end */
	size_t rows;
	/** the hash words, rows * TG_BYTES */
	uint64_t* tab;
	/** mixed into the key of a first label, to tell it from the key of a text */
	uint64_t label_salt;
	/** the first labels of protected names: a small filter, one word a label */
	uint64_t* labels;
	/** number of words in it */
	size_t nlabels;
	/** the table */
	struct tg_entry* slots;
	/** number of slots */
	size_t nslots;
	/** bytes allocated for the slots */
	size_t slots_bytes;
	/** the filter: one word a key, a few bits set in it */
	uint64_t* filter;
	/** number of filter words */
	size_t nwords;
	/** bytes allocated for the filter */
	size_t filter_bytes;
};

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
	/** per label: 1 if no protected name starts with it, so deletions after it are moot */
	uint8_t head_only[TG_LABELS_MAX];
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
};

/**
 * Allocate zeroed memory for a big array, on huge pages where the system has them.
 * @param size: bytes wanted; rounded up to a huge page when that large.
 * @param got: receives the bytes allocated.
 * @return: the memory, freed with free(); NULL if out of memory.
 */
static void*
tg_big_alloc(size_t size, size_t* got)
{
	void* p = NULL;

	if(size < TG_HUGE) {
		*got = size;
		return calloc(1, size);
	}
	size = (size + TG_HUGE - 1) / TG_HUGE * TG_HUGE;
	if(posix_memalign(&p, TG_HUGE, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	memset(p, 0, size);
	*got = size;
	return p;
}

/**
 * A random 64-bit seed, from the system's entropy where it has a call that works in a chroot.
 * @return: the seed.
 */
static uint64_t
tg_seed(void)
{
	uint64_t s = 0;
	int got = 0;
	struct timespec ts;
#if defined(__OpenBSD__) || defined(__FreeBSD__) || defined(__APPLE__) || \
	(defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25)))
	got = (getentropy(&s, sizeof(s)) == 0);
#endif
	if(!got) {
		FILE* f = fopen("/dev/urandom", "rb");
		if(f) {
			got = (fread(&s, sizeof(s), 1, f) == 1);
			fclose(f);
		}
	}
	/* without an entropy source, be at least different from run to run */
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	s ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
		((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&s;
	return s;
}

/**
 * The next output of splitmix64.
 * @param x: the generator's state.
 * @return: 64 random bits.
 */
static uint64_t
tg_splitmix(uint64_t* x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

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
static void
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
 * The key of a protected name's first label and dot, p[0..d], aligned as the start of a
 * text of length len, so that the query gets it from its prefix XORs.
 * @param m: the matcher; rows for len - 1.
 * @param p: the name's text.
 * @param d: offset of its first dot.
 * @param len: length of the text it is aligned in.
 * @return: the key.
 */
static uint64_t
tg_label_key(const struct tg_matcher* m, const uint8_t* p, size_t d, size_t len)
{
	uint64_t k = m->label_salt;
	size_t t;
	for(t = 0; t <= d; t++)
		k ^= m->tab[(len - 1 - t) * TG_BYTES + p[t]];
	return k;
}

/**
 * The table slot where a key's search starts.
 * @param m: the matcher.
 * @param key: the key.
 * @return: the slot index.
 */
static inline size_t
tg_slot(const struct tg_matcher* m, uint64_t key)
{
	return (size_t)(((key >> 32) * (uint64_t)m->nslots) >> 32);
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
 * Add a key to a filter.
 * @param filter: the filter.
 * @param nwords: its size in words.
 * @param key: the key.
 */
static void
tg_filter_add(uint64_t* filter, size_t nwords, uint64_t key)
{
	*tg_word(filter, nwords, key) |= tg_mask(key);
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

struct tg_matcher*
tg_matcher_new(size_t hint)
{
	struct tg_matcher* m = calloc(1, sizeof(*m));

	if(!m)
		return NULL;
	m->arena_cap = 4096;
	if(hint > 0 && hint < TG_ARENA_MAX / 24)
		m->arena_cap = hint * 24;
	m->arena = malloc(m->arena_cap);
	if(!m->arena) {
		free(m);
		return NULL;
	}
	return m;
}

/**
 * Append a name's record to the arena.
 * @param m: the matcher, not finished.
 * @param name: the name, not the root.
 * @param id: its id.
 * @param flags: TG_REC_ flags.
 * @return: TG_OK, TG_ERR_NOMEM, or TG_ERR_LIMIT when the arena is full.
 */
static enum tg_err
tg_rec_add(struct tg_matcher* m, const struct tg_name* name, uint32_t id, uint8_t flags)
{
	size_t need = TG_REC_SIZE(name->len);
	struct tg_rec* r;

	if(m->finished)
		return TG_ERR_INVALID;
	if(m->arena_len + need > TG_ARENA_MAX)
		return TG_ERR_LIMIT;
	if(m->arena_len + need > m->arena_cap) {
		size_t cap = m->arena_cap * 2;
		uint8_t* a;
		while(cap < m->arena_len + need)
			cap *= 2;
		if(cap > TG_ARENA_MAX)
			cap = TG_ARENA_MAX;
		if(!(a = realloc(m->arena, cap)))
			return TG_ERR_NOMEM;
		m->arena = a;
		m->arena_cap = cap;
	}
	r = (struct tg_rec*)(void*)(m->arena + m->arena_len);
	r->id = id;
	r->len = (uint8_t)name->len;
	r->flags = flags;
	memcpy(r->text, name->text, name->len);
	m->arena_len += need;
	m->elen[name->len] = 1;
	if(!(flags & TG_REC_ALLOWED))
		m->plen[name->len] = 1;
	return TG_OK;
}

enum tg_err
tg_matcher_add_protected(struct tg_matcher* m, const struct tg_name* name, uint32_t id)
{
	if(name->labels == 0 || name->len == 0 || name->len >= TG_TEXT_MAX - 1)
		return TG_ERR_NAME;
	if(memchr(name->text, TG_TEXT_ODD, name->len))
		return TG_ERR_NAME;
	return tg_rec_add(m, name, id, 0);
}

enum tg_err
tg_matcher_add_allowed(struct tg_matcher* m, const struct tg_name* name, uint32_t id)
{
	if(name->labels == 0 || name->len == 0 || name->len >= TG_TEXT_MAX - 1)
		return TG_ERR_NAME;
	return tg_rec_add(m, name, id, TG_REC_ALLOWED);
}

/**
 * Count the keys the table will hold, the first labels and the hash rows needed.
 * @param m: the matcher.
 * @param rows: receives the number of hash rows.
 * @param labels: receives the number of protected names with two labels or more.
 * @return: the number of keys.
 */
static size_t
tg_count_keys(const struct tg_matcher* m, size_t* rows, size_t* labels)
{
	size_t off, keys = 0, need;
	const struct tg_rec* r;

	*rows = 1;
	*labels = 0;
	for(off = 0; off < m->arena_len; off += TG_REC_SIZE(r->len)) {
		r = (const struct tg_rec*)(void*)(m->arena + off);
		keys++;
		need = r->len;
		if(!(r->flags & TG_REC_ALLOWED)) {
			keys += r->len;
			need = (size_t)r->len + 1;
		}
		if(need > *rows)
			*rows = need;
		if(!(r->flags & TG_REC_ALLOWED) && memchr(r->text, '.', r->len))
			*labels += 2;
	}
	return keys;
}

/**
 * Allocate the hash words, the table and the filters, and draw the words.
 * @param m: the matcher.
 * @param keys: number of keys to hold.
 * @param labels: number of first labels to hold.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_alloc_index(struct tg_matcher* m, size_t keys, size_t labels)
{
	uint64_t x = tg_seed();
	size_t i, got;

	if(!(m->tab = malloc(m->rows * TG_BYTES * sizeof(uint64_t))))
		return TG_ERR_NOMEM;
	for(i = 0; i < m->rows * TG_BYTES; i++)
		m->tab[i] = tg_splitmix(&x);
	m->label_salt = tg_splitmix(&x);
	m->nslots = keys * TG_SLOTS_PER_KEY + 16;
	if(m->nslots > 0xffffffffu)
		return TG_ERR_NOMEM;
	m->slots = tg_big_alloc(m->nslots * sizeof(struct tg_entry), &got);
	if(!m->slots)
		return TG_ERR_NOMEM;
	m->slots_bytes = got;
	m->nwords = keys * TG_FILTER_BITS / 64 + 1;
	m->filter = tg_big_alloc(m->nwords * sizeof(uint64_t), &got);
	if(!m->filter)
		return TG_ERR_NOMEM;
	m->filter_bytes = got;
	m->nlabels = labels * TG_FILTER_BITS / 64 + 1;
	m->labels = tg_big_alloc(m->nlabels * sizeof(uint64_t), &got);
	if(!m->labels)
		return TG_ERR_NOMEM;
	m->filter_bytes += got;
	return TG_OK;
}

/**
 * Put a key in the table and the filter. For the text of a name, a record of the same kind
 * and text already there makes this one a duplicate, and it is not put.
 * @param m: the matcher.
 * @param key: the key.
 * @param ref: the reference to store.
 * @param del: the offset of the deleted character, or TG_WHOLE.
 */
static void
tg_insert(struct tg_matcher* m, uint64_t key, uint32_t ref, uint8_t del)
{
	size_t i = tg_slot(m, key);
	uint32_t fp = tg_fp(key);
	struct tg_rec* r = (struct tg_rec*)(void*)(m->arena + (ref & ~TG_KIND_MASK));
	const struct tg_rec* o;

	for(; m->slots[i].tag != 0; i = (i + 1 == m->nslots) ? 0 : i + 1) {
		if(del != TG_WHOLE || m->slots[i].tag != (fp | TG_WHOLE) ||
			(m->slots[i].ref & TG_KIND_MASK) != (ref & TG_KIND_MASK))
			continue;
		o = tg_rec_at(m, m->slots[i].ref);
		if(o->len == r->len && memcmp(o->text, r->text, r->len) == 0) {
			r->flags |= TG_REC_DUPLICATE;
			return;
		}
	}
	m->slots[i].tag = fp | del;
	m->slots[i].ref = ref;
	tg_filter_add(m->filter, m->nwords, key);
}

/** Keys waiting to be put in the table, so that their slots can be prefetched. */
struct tg_pending {
	/** the keys */
	uint64_t key[TG_BATCH];
	/** their references */
	uint32_t ref[TG_BATCH];
	/** their deleted offsets, or TG_WHOLE */
	uint8_t del[TG_BATCH];
	/** number waiting */
	size_t n;
};

/**
 * Put the waiting keys in the table, their cache lines fetched together first.
 * @param m: the matcher.
 * @param p: the waiting keys; emptied.
 */
static void
tg_flush(struct tg_matcher* m, struct tg_pending* p)
{
	size_t i;
	for(i = 0; i < p->n; i++) {
		TG_PREFETCH(&m->slots[tg_slot(m, p->key[i])]);
		TG_PREFETCH(tg_word(m->filter, m->nwords, p->key[i]));
	}
	for(i = 0; i < p->n; i++)
		tg_insert(m, p->key[i], p->ref[i], p->del[i]);
	p->n = 0;
}

/**
 * Queue a key for the table.
 * @param m: the matcher.
 * @param p: the queue.
 * @param key: the key.
 * @param ref: its reference.
 * @param del: the deleted offset, or TG_WHOLE.
 */
static void
tg_queue(struct tg_matcher* m, struct tg_pending* p, uint64_t key, uint32_t ref,
	size_t del)
{
	p->key[p->n] = key;
	p->ref[p->n] = ref;
	p->del[p->n] = (uint8_t)del;
	if(++p->n == TG_BATCH)
		tg_flush(m, p);
}

/**
 * Put the texts of all names in the table, finding duplicates.
 * @param m: the matcher.
 */
static void
tg_insert_names(struct tg_matcher* m)
{
	struct tg_pending p;
	uint64_t pu[TG_TEXT_MAX], pv[TG_TEXT_MAX];
	const struct tg_rec* r;
	size_t off;

	p.n = 0;
	for(off = 0; off < m->arena_len; off += TG_REC_SIZE(r->len)) {
		r = (const struct tg_rec*)(void*)(m->arena + off);
		tg_prefix(m->tab, r->text, 0, r->len, pu, pv);
		tg_queue(m, &p, TG_KEY_WHOLE(pu, 0, r->len), (uint32_t)off |
			((r->flags & TG_REC_ALLOWED) ? TG_KIND_ALLOWED : TG_KIND_PROTECTED),
			TG_WHOLE);
	}
	tg_flush(m, &p);
}

/**
 * Put the deletions of the protected names in the table, and their first labels in the
 * filter; not for duplicates.
 * @param m: the matcher.
 */
static void
tg_insert_deletions(struct tg_matcher* m)
{
	struct tg_pending p;
	uint64_t pu[TG_TEXT_MAX], pv[TG_TEXT_MAX];
	const struct tg_rec* r;
	const uint8_t* dot;
	size_t off, j;

	p.n = 0;
	for(off = 0; off < m->arena_len; off += TG_REC_SIZE(r->len)) {
		r = (const struct tg_rec*)(void*)(m->arena + off);
		if(r->flags & (TG_REC_ALLOWED | TG_REC_DUPLICATE))
			continue;
		if((dot = memchr(r->text, '.', r->len)) != NULL) {
			/* as it stands in a suffix of its length, and one longer */
			tg_filter_add(m->labels, m->nlabels, tg_label_key(m, r->text,
				(size_t)(dot - r->text), r->len));
			tg_filter_add(m->labels, m->nlabels, tg_label_key(m, r->text,
				(size_t)(dot - r->text), (size_t)r->len + 1));
		}
		tg_prefix(m->tab, r->text, 0, r->len, pu, pv);
		for(j = 0; j < r->len; j++)
			tg_queue(m, &p, TG_KEY_DEL(pu, pv, 0, j, r->len),
				(uint32_t)off | TG_KIND_DELETION, j);
	}
	tg_flush(m, &p);
}

/**
 * Move a big arena to huge pages, where lookups read it; if that fails, it stays.
 * @param m: the matcher.
 */
static void
tg_arena_settle(struct tg_matcher* m)
{
	uint8_t* a;
	size_t got;

	if(m->arena_len < TG_HUGE || !(a = tg_big_alloc(m->arena_len, &got)))
		return;
	memcpy(a, m->arena, m->arena_len);
	free(m->arena);
	m->arena = a;
	m->arena_cap = got;
}

/**
 * Free what tg_matcher_finish() allocated.
 * @param m: the matcher.
 */
static void
tg_free_index(struct tg_matcher* m)
{
	free(m->tab);
	free(m->slots);
	free(m->filter);
	free(m->labels);
	m->tab = NULL;
	m->slots = NULL;
	m->filter = NULL;
	m->labels = NULL;
	m->nslots = m->nwords = m->nlabels = m->slots_bytes = m->filter_bytes = 0;
}

enum tg_err
tg_matcher_finish(struct tg_matcher* m)
{
	enum tg_err r;
	size_t keys, labels;

	if(m->finished)
		return TG_OK;
	keys = tg_count_keys(m, &m->rows, &labels);
	if((r = tg_alloc_index(m, keys, labels)) != TG_OK)
		goto cleanup;
	tg_arena_settle(m);
	tg_insert_names(m);
	tg_insert_deletions(m);
	m->finished = 1;
	return TG_OK;
cleanup:
	tg_free_index(m);
	return r;
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
 * Weigh a protected name as the typo answer, against the best so far.
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

	if(b && (r->len < b->len || (r->len == b->len && label > q->typo_label)))
		return;
	if(!tg_osa1(r->text, r->len, q->name->text + a, ls, &e))
		return;
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
	size_t i = tg_slot(m, q->key[k]);
	size_t ls = q->name->len - q->name->label_off[q->label[k]];
	uint32_t fp = tg_fp(q->key[k]), kind, tag;

	for(; (tag = m->slots[i].tag) != 0; i = (i + 1 == m->nslots) ? 0 : i + 1) {
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
 * Look up the pending keys: in the filter, then the ones it passes in the table, with the
 * cache lines of each step fetched together. Names equal to a suffix are settled first, as
 * they make every typo moot.
 * @param q: the query; its keys are emptied.
 */
static void
tg_run_keys(struct tg_query* q)
{
	const struct tg_matcher* m = q->m;
	uint8_t pass[TG_BATCH];
	size_t i, n = q->nkeys, np = 0;

	for(i = 0; i < n; i++)
		TG_PREFETCH(tg_word(m->filter, m->nwords, q->key[i]));
	for(i = 0; i < n; i++) {
		pass[np] = (uint8_t)i;
		np += (size_t)tg_filter_has(m->filter, m->nwords, q->key[i]);
	}
	for(i = 0; i < np; i++)
		TG_PREFETCH(&m->slots[tg_slot(m, q->key[pass[i]])]);
	for(i = 0; i < np; i++)
		if(q->del[pass[i]] == TG_WHOLE)
			tg_walk(q, pass[i], 0);
	tg_check_cands(q);
	for(i = 0; i < np && !q->exact; i++)
		tg_walk(q, pass[i], 1);
	tg_check_cands(q);
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
 * Queue the keys of one suffix: its own key when a name of its length could equal it or a
 * protected name one longer could have lost a character; its deletions when a protected
 * name of its length or one shorter could be one edit away, but only up to its first dot
 * when no protected name starts with its first label.
 * @param q: the query.
 * @param label: label index of the suffix.
 */
static void
tg_keys_suffix(struct tg_query* q, size_t label)
{
	const struct tg_matcher* m = q->m;
	size_t n = q->name->len, a = q->name->label_off[label], ls = n - a, j, end = ls;
	uint64_t c;

	if(ls > m->rows)
		return;
	if(m->elen[ls] || m->plen[ls + 1])
		tg_key_add(q, TG_KEY_WHOLE(q->pu, a, n), label, TG_WHOLE);
	if(!m->plen[ls] && !m->plen[ls - 1])
		return;
	if(q->head_only[label])
		end = (size_t)q->name->label_off[label + 1] - a;
	c = q->pv[a] ^ q->pu[n];
	for(j = 0; j < end; j++)
		tg_key_add(q, q->pv[a + j] ^ q->pu[a + j + 1] ^ c, label, j);
}

/**
 * Hash the query's text, and find for each label but the last whether a protected name of
 * the length of its suffix, or one shorter, starts with it.
 * @param q: the query.
 */
static void
tg_query_hash(struct tg_query* q)
{
	const struct tg_matcher* m = q->m;
	const struct tg_name* nm = q->name;
	uint64_t lk[TG_LABELS_MAX];
	size_t k, n = nm->len, lo = n > m->rows ? n - m->rows : 0, a, e;

	tg_prefix(m->tab, nm->text, lo, n, q->pu, q->pv);
	for(k = 0; k + 1 < nm->labels; k++) {
		a = nm->label_off[k];
		e = (size_t)nm->label_off[k + 1];
		lk[k] = m->label_salt ^ (a >= lo ? q->pu[e] ^ q->pu[a] : 0);
		TG_PREFETCH(tg_word(m->labels, m->nlabels, lk[k]));
	}
	for(k = 0; k + 1 < nm->labels; k++)
		q->head_only[k] = (uint8_t)!tg_filter_has(m->labels, m->nlabels, lk[k]);
	q->head_only[nm->labels - 1] = 0;
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
	struct tg_query q;
	size_t k;

	if(!m->finished || name->labels == 0 || name->len == 0)
		return TG_VERDICT_NONE;
	q.m = m;
	q.name = name;
	q.nkeys = q.ncands = 0;
	q.exact = q.typo = NULL;
	q.exact_label = q.typo_label = 0;
	tg_query_hash(&q);
	for(k = 0; k < name->labels; k++)
		tg_keys_suffix(&q, k);
	tg_run_keys(&q);
	if(q.exact) {
		out->id = q.exact->id;
		return (q.exact->flags & TG_REC_ALLOWED) ? TG_VERDICT_ALLOWED :
			TG_VERDICT_PROTECTED;
	}
	if(!q.typo)
		return TG_VERDICT_NONE;
	tg_fill_typo(&q, out);
	return TG_VERDICT_TYPO;
}

size_t
tg_matcher_memory(const struct tg_matcher* m)
{
	if(!m)
		return 0;
	return sizeof(*m) + m->arena_cap + m->slots_bytes + m->filter_bytes +
		(m->tab ? m->rows * TG_BYTES * sizeof(uint64_t) : 0);
}

void
tg_matcher_free(struct tg_matcher* m)
{
	if(!m)
		return;
	tg_free_index(m);
	free(m->arena);
	free(m);
}

const char*
tg_edit_op_str(enum tg_edit_op op)
{
	switch(op) {
	case TG_EDIT_DELETION: return "deletion";
	case TG_EDIT_INSERTION: return "insertion";
	case TG_EDIT_SUBSTITUTION: return "substitution";
	case TG_EDIT_TRANSPOSITION: return "transposition";
	}
	return "unknown";
}

/** the characters of a host name, in byte order: what insertions and substitutions use */
static const char tg_host_chars[] = "-.0123456789abcdefghijklmnopqrstuvwxyz";
/** longest host name, presentation form without the trailing dot */
#define TG_HOST_MAX 253
/** longest label of a host name */
#define TG_HOST_LABEL_MAX 63

/** The variants of a name, gathered to be sorted. */
struct tg_varlist {
	/** the variants' text, NUL-terminated one after another */
	char* buf;
	/** bytes used in buf */
	size_t used;
	/** the variants */
	char** list;
	/** number of variants */
	size_t count;
};

/**
 * Whether a text is a valid host name: letters, digits, hyphens, dots between labels; no
 * empty label, no hyphen at either end of a label; limits on label and name length.
 * @param s: the text.
 * @param len: its length.
 * @return: 1 if valid.
 */
static int
tg_host_valid(const uint8_t* s, size_t len)
{
	size_t i, lab = 0;
	uint8_t c;

	if(len == 0 || len > TG_HOST_MAX)
		return 0;
	for(i = 0; i < len; i++) {
		c = s[i];
		if(c == '.') {
			if(lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if((c == '-' && lab == 0) || ++lab > TG_HOST_LABEL_MAX)
			return 0;
	}
	return s[len - 1] != '-' && s[len - 1] != '.';
}

/**
 * Keep a candidate variant if it is a valid host name.
 * @param v: the list; has room.
 * @param s: the candidate.
 * @param len: its length.
 */
static void
tg_var_add(struct tg_varlist* v, const uint8_t* s, size_t len)
{
	if(!tg_host_valid(s, len))
		return;
	memcpy(v->buf + v->used, s, len);
	v->buf[v->used + len] = 0;
	v->list[v->count++] = v->buf + v->used;
	v->used += len + 1;
}

/**
 * Gather every valid host name one deletion, insertion, substitution or swap from a text.
 * @param v: the list, with room for all of them.
 * @param t: the text.
 * @param n: its length.
 */
static void
tg_var_generate(struct tg_varlist* v, const uint8_t* t, size_t n)
{
	uint8_t s[TG_TEXT_MAX + 1];
	size_t i, c, chars = sizeof(tg_host_chars) - 1;

	for(i = 0; i < n; i++) {
		memcpy(s, t, i);
		memcpy(s + i, t + i + 1, n - i - 1);
		tg_var_add(v, s, n - 1);
	}
	for(i = 0; i <= n; i++) {
		memcpy(s, t, i);
		memcpy(s + i + 1, t + i, n - i);
		for(c = 0; c < chars; c++) {
			s[i] = (uint8_t)tg_host_chars[c];
			tg_var_add(v, s, n + 1);
		}
	}
	memcpy(s, t, n);
	for(i = 0; i < n; i++) {
		for(c = 0; c < chars; c++) {
			if((uint8_t)tg_host_chars[c] == t[i])
				continue;
			s[i] = (uint8_t)tg_host_chars[c];
			tg_var_add(v, s, n);
		}
		s[i] = t[i];
	}
	for(i = 0; i + 1 < n; i++) {
		if(t[i] == t[i + 1])
			continue;
		s[i] = t[i + 1];
		s[i + 1] = t[i];
		tg_var_add(v, s, n);
		s[i] = t[i];
		s[i + 1] = t[i + 1];
	}
}

/**
 * Order two variants bytewise, for qsort.
 * @param a: pointer to the first variant.
 * @param b: pointer to the second.
 * @return: as strcmp.
 */
static int
tg_var_cmp(const void* a, const void* b)
{
	return strcmp(*(char* const*)a, *(char* const*)b);
}

enum tg_err
tg_variants(const struct tg_name* name, int (*emit)(const char* variant, void* arg),
	void* arg)
{
	struct tg_varlist v;
	size_t i, n = name->len, most = n + (n + 1) * 38 + n * 37 + n;
	enum tg_err r = TG_OK;

	memset(&v, 0, sizeof(v));
	v.buf = malloc(most * (n + 2));
	v.list = malloc(most * sizeof(char*));
	if(!v.buf || !v.list) {
		r = TG_ERR_NOMEM;
		goto cleanup;
	}
	tg_var_generate(&v, name->text, n);
	qsort(v.list, v.count, sizeof(char*), tg_var_cmp);
	for(i = 0; i < v.count; i++) {
		if(i > 0 && strcmp(v.list[i], v.list[i - 1]) == 0)
			continue;
		if(emit(v.list[i], arg) != 0) {
			r = TG_ERR_INVALID;
			goto cleanup;
		}
	}
cleanup:
	free(v.buf);
	free(v.list);
	return r;
}
