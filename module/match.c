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
 *
 * Building: each name is hashed as it is added, and its keys filed by the 1/1024 part of the
 * key space they fall in; finishing puts them in the table a part at a time, each part a
 * stretch of table small enough to stay in the caches, instead of a miss for each key.
 */

#include "tgconfig.h"
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
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
/** keys computed and fetched together; a typical name needs fewer */
#define TG_BATCH 64
/** candidates gathered before their records are read */
#define TG_CANDS 32
/** table entries a key's search starts in: one cache line */
#define TG_LINE 8
/** table slots per key: a load factor of 0.5 keeps searches to their first line */
#define TG_SLOTS_PER_KEY 2
/** filter bits per key */
#define TG_FILTER_BITS 12
/** size of a huge page, the alignment of the big arrays */
#define TG_HUGE (2u * 1024u * 1024u)
/** parts of the key space the keys wait in, by the part of the table they will go to */
#define TG_PARTS 1024
/** keys in the first block of a part; each next block doubles, up to TG_BLOCK_MAX */
#define TG_BLOCK_MIN 16
/** keys in the biggest block of a part: 256 KiB, which malloc takes from the system and
 * gives back when freed */
#define TG_BLOCK_MAX 16384
/** rows of hash words: one per distance from the end, for the longest text and one more */
#define TG_ROWS_MAX (TG_TEXT_MAX - 1)
/** table slots from which finishing fills the two halves of the table at once */
#define TG_THREAD_SLOTS (1024u * 1024u)
/** alignment of the table: its lines are the cache's */
#define TG_CACHE_LINE 64u
/** key marker: the key is of the whole suffix, nothing deleted */
#define TG_WHOLE 255
/** largest arena: record offsets must fit 32 bits */
#define TG_ARENA_MAX ((size_t)0xfffffff0u)

#ifdef __GNUC__
/** start loading a cache line that will be read soon */
#define TG_PREFETCH(p) __builtin_prefetch((p), 0, 3)
/** start loading a cache line that will be written soon */
#define TG_PREFETCH_W(p) __builtin_prefetch((p), 1, 3)
#else
#define TG_PREFETCH(p) ((void)(p))
#define TG_PREFETCH_W(p) ((void)(p))
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

/** A key waiting to be put in the table. */
struct tg_pkey {
	/** the key */
	uint64_t key;
	/** the reference to store */
	uint32_t ref;
	/** the deleted offset, or TG_WHOLE */
	uint32_t del;
};

/** A block of waiting keys. */
struct tg_kblock {
	/** the next block of the part, or NULL */
	struct tg_kblock* next;
	/** keys in it */
	size_t n;
	/** room for keys */
	size_t cap;
	/** the keys */
	struct tg_pkey k[];
};

/**
 * The keys waiting in one part of the key space, in the order they came. Where the next key
 * goes is kept here, not in the block, so that adding a key touches only this, which stays
 * in the caches, and the place the key is written to.
 */
struct tg_klist {
	/** the first block, or NULL */
	struct tg_kblock* head;
	/** the last block, or NULL */
	struct tg_kblock* tail;
	/** where the next key goes in the last block */
	struct tg_pkey* at;
	/** the end of the last block */
	struct tg_pkey* end;
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
};

/**
 * Allocate zeroed memory for a big array: from the system, aligned on a huge page and on huge
 * pages where the system has them, so that it is zeroed once, page by page as it is first
 * touched; a small array from malloc, aligned on a cache line.
 * @param size: bytes wanted.
 * @param got: receives the bytes allocated, to give to tg_big_free().
 * @return: the memory; NULL if out of memory.
 */
static void*
tg_big_alloc(size_t size, size_t* got)
{
	uint8_t* p;
	void* q = NULL;
	size_t lead;

	if(size < TG_HUGE) {
		size = (size + TG_CACHE_LINE - 1) / TG_CACHE_LINE * TG_CACHE_LINE;
		if(size == 0 || posix_memalign(&q, TG_CACHE_LINE, size) != 0)
			return NULL;
		memset(q, 0, size);
		*got = size;
		return q;
	}
	size = (size + TG_HUGE - 1) / TG_HUGE * TG_HUGE;
	p = mmap(NULL, size + TG_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if(p == MAP_FAILED)
		return NULL;
	lead = (TG_HUGE - (size_t)((uintptr_t)p % TG_HUGE)) % TG_HUGE;
	if(lead)
		(void)munmap(p, lead);
	(void)munmap(p + lead + size, TG_HUGE - lead);
#ifdef MADV_HUGEPAGE
	(void)madvise(p + lead, size, MADV_HUGEPAGE);
#endif
	*got = size;
	return p + lead;
}

/**
 * Free what tg_big_alloc() gave.
 * @param p: the memory, or NULL.
 * @param size: the bytes it said it allocated.
 */
static void
tg_big_free(void* p, size_t size)
{
	if(!p)
		return;
	if(size < TG_HUGE)
		free(p);
	else
		(void)munmap(p, size);
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
 * The key of a first label and its dot, p[0..d], aligned on the dot: the same whatever
 * follows it.
 * @param m: the matcher.
 * @param p: the text.
 * @param d: offset of the dot; below m->rows.
 * @return: the key, salted for the small filter.
 */
static uint64_t
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

/** The hash words: drawn once in a process, from its own random seed, and shared by every
 * matcher, so that making one (a policy load, a reload) does not draw 512 KiB again. */
static uint64_t tg_tab[(size_t)TG_ROWS_MAX * TG_BYTES];
/** draws tg_tab once */
static pthread_once_t tg_tab_once = PTHREAD_ONCE_INIT;

/** Draw the hash words (pthread_once). */
static void
tg_tab_draw(void)
{
	uint64_t x = tg_seed();
	size_t i;

	for(i = 0; i < (size_t)TG_ROWS_MAX * TG_BYTES; i++)
		tg_tab[i] = tg_splitmix(&x);
}

/**
 * Give a matcher the hash words, and draw its salts.
 * @param m: the matcher.
 */
static void
tg_draw(struct tg_matcher* m)
{
	uint64_t x = tg_seed();

	(void)pthread_once(&tg_tab_once, tg_tab_draw);
	m->tab = tg_tab;
	m->head_salt = tg_splitmix(&x);
	m->rest_salt = tg_splitmix(&x);
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
	m->wait_names = calloc(TG_PARTS, sizeof(struct tg_klist));
	m->wait_dels = calloc(TG_PARTS, sizeof(struct tg_klist));
	if(!m->arena || !m->wait_names || !m->wait_dels) {
		tg_matcher_free(m);
		return NULL;
	}
	tg_draw(m);
	return m;
}

/**
 * The part of the key space a key is in; parts are in the order of the table's lines.
 * @param key: the key.
 * @return: the part.
 */
static inline size_t
tg_part(uint64_t key)
{
	return (size_t)(((key >> 32) * (uint64_t)TG_PARTS) >> 32);
}

/**
 * Give a part a new block: twice the size of its last, up to TG_BLOCK_MAX.
 * @param l: the part's list, its last block full.
 * @return: 0 if out of memory.
 */
static int
tg_wait_block(struct tg_klist* l)
{
	size_t cap = TG_BLOCK_MIN;
	struct tg_kblock* b;

	if(l->tail) {
		l->tail->n = l->tail->cap;
		cap = l->tail->cap * 2 < TG_BLOCK_MAX ? l->tail->cap * 2 : TG_BLOCK_MAX;
	}
	if(!(b = malloc(sizeof(*b) + cap * sizeof(struct tg_pkey))))
		return 0;
	b->next = NULL;
	b->n = 0;
	b->cap = cap;
	if(l->tail)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
	l->at = b->k;
	l->end = b->k + cap;
	return 1;
}

/**
 * Append a key to a list of waiting keys.
 * @param l: the list.
 * @param key: the key.
 * @param ref: its reference.
 * @param del: its deleted offset, or TG_WHOLE.
 * @return: 0 if out of memory.
 */
static int
tg_keep(struct tg_klist* l, uint64_t key, uint32_t ref, size_t del)
{
	struct tg_pkey* k;

	if(l->at == l->end && !tg_wait_block(l))
		return 0;
	k = l->at++;
	/* the line after next will be written soon: fetch it for writing now */
	TG_PREFETCH_W(k + 8);
	k->key = key;
	k->ref = ref;
	k->del = (uint32_t)del;
	return 1;
}

/**
 * Keep a key until the table is built, in the list of its part of the key space.
 * @param list: the lists of the kind of key, by part.
 * @param key: the key.
 * @param ref: its reference.
 * @param del: its deleted offset, or TG_WHOLE.
 * @return: 0 if out of memory.
 */
static int
tg_wait(struct tg_klist* list, uint64_t key, uint32_t ref, size_t del)
{
	return tg_keep(&list[tg_part(key)], key, ref, del);
}

/**
 * Keep a key of the small filter until it is built.
 * @param m: the matcher.
 * @param key: the key.
 * @return: 0 if out of memory.
 */
static int
tg_wait_small(struct tg_matcher* m, uint64_t key)
{
	if(m->nwait_small == m->wait_small_cap) {
		size_t cap = m->wait_small_cap ? m->wait_small_cap * 2 : 64;
		uint64_t* w = realloc(m->wait_small, cap * sizeof(uint64_t));
		if(!w)
			return 0;
		m->wait_small = w;
		m->wait_small_cap = cap;
	}
	m->wait_small[m->nwait_small++] = key;
	return 1;
}

/**
 * Hash a name just added and keep its keys: the key of its text, of its deletions if it is
 * protected, and its keys of the small filter (its first label if it is protected, its
 * proper suffixes). Done as names come, so that a caller can overlap it with reading them.
 * @param m: the matcher.
 * @param r: the name's record.
 * @param off: its offset in the arena.
 * @return: 0 if out of memory.
 */
static int
tg_gather(struct tg_matcher* m, const struct tg_rec* r, uint32_t off)
{
	uint64_t pu[TG_TEXT_MAX], pv[TG_TEXT_MAX];
	const uint8_t* dot = memchr(r->text, '.', r->len);
	int prot = !(r->flags & TG_REC_ALLOWED), ok = 1;
	size_t i;

	tg_prefix(m->tab, r->text, 0, r->len, pu, pv);
	ok &= tg_wait(m->wait_names, TG_KEY_WHOLE(pu, 0, r->len), off |
		(prot ? TG_KIND_PROTECTED : TG_KIND_ALLOWED), TG_WHOLE);
	m->nwait_names++;
	for(i = 0; prot && ok && i < r->len; i++)
		ok &= tg_wait(m->wait_dels, TG_KEY_DEL(pu, pv, 0, i, r->len),
			off | TG_KIND_DELETION, i);
	m->nwait_dels += prot ? r->len : 0;
	if(!dot)
		return ok;
	if(prot)
		ok &= tg_wait_small(m, tg_head_key(m, r->text, (size_t)(dot - r->text)));
	for(i = (size_t)(dot - r->text); ok && i < r->len; i++)
		if(r->text[i] == '.')
			ok &= tg_wait_small(m, m->rest_salt ^ TG_KEY_WHOLE(pu, i + 1, r->len));
	return ok;
}

/**
 * Append a name's record to the arena and gather its keys.
 * @param m: the matcher, not finished.
 * @param name: the name, not the root.
 * @param id: its id.
 * @param flags: TG_REC_ flags.
 * @return: TG_OK, TG_ERR_NOMEM, or TG_ERR_LIMIT when the arena is full.
 */
static enum tg_err
tg_rec_add(struct tg_matcher* m, const struct tg_name* name, uint32_t id, uint8_t flags)
{
	size_t need = TG_REC_SIZE(name->len), off = m->arena_len;
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
	r = (struct tg_rec*)(void*)(m->arena + off);
	r->id = id;
	r->len = (uint8_t)name->len;
	r->flags = flags;
	memcpy(r->text, name->text, name->len);
	m->arena_len += need;
	m->elen[name->len] = 1;
	if(name->labels == 1)
		m->e1len[name->len] = 1;
	if(!(flags & TG_REC_ALLOWED)) {
		m->plen[name->len] = 1;
		if(name->labels == 1)
			m->p1len[name->len] = 1;
	}
	if(m->rows < name->len + !(flags & TG_REC_ALLOWED))
		m->rows = name->len + !(flags & TG_REC_ALLOWED);
	if(!tg_gather(m, r, (uint32_t)off)) {
		m->broken = 1;
		return TG_ERR_NOMEM;
	}
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
 * Allocate the table and the Bloom filter.
 * @param m: the matcher.
 * @param keys: number of keys to hold.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_alloc_index(struct tg_matcher* m, size_t keys)
{
	/* even sizes: the two halves filled at once share no line and no word */
	m->nlines = ((keys * TG_SLOTS_PER_KEY + TG_LINE - 1) / TG_LINE + 2 + 1) & ~(size_t)1;
	if(m->nlines > 0xffffffffu / TG_LINE)
		return TG_ERR_NOMEM;
	m->slots = tg_big_alloc(m->nlines * TG_LINE * sizeof(struct tg_entry),
		&m->slots_bytes);
	if(!m->slots)
		return TG_ERR_NOMEM;
	m->nwords = (keys * TG_FILTER_BITS / 64 + 2) & ~(size_t)1;
	if(!(m->filter = tg_big_alloc(m->nwords * sizeof(uint64_t), &m->filter_bytes)))
		return TG_ERR_NOMEM;
	return TG_OK;
}

/**
 * Add a key to a filter, telling whether it is new to it.
 * @param filter: the filter.
 * @param nwords: its size in words.
 * @param key: the key.
 * @return: 1 if some of its bits were not set yet.
 */
static size_t
tg_filter_put(uint64_t* filter, size_t nwords, uint64_t key)
{
	uint64_t* w = tg_word(filter, nwords, key), mask = tg_mask(key);
	size_t fresh = (*w & mask) != mask;
	*w |= mask;
	return fresh;
}

/**
 * Build the small filter from its keys. Most of them are the same few suffixes ("com",
 * "co.uk"): they are first counted in a filter sized for all, and the filter kept is sized
 * for the keys that were new there.
 * @param m: the matcher.
 * @param keys: the keys, with repeats.
 * @param n: their number.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_build_small(struct tg_matcher* m, const uint64_t* keys, size_t n)
{
	size_t i, nw = n * TG_FILTER_BITS / 64 + 1, fresh = 0, got;
	uint64_t* tmp = tg_big_alloc(nw * sizeof(uint64_t), &got);

	if(!tmp)
		return TG_ERR_NOMEM;
	for(i = 0; i < n; i++)
		fresh += tg_filter_put(tmp, nw, keys[i]);
	tg_big_free(tmp, got);
	m->nsmall = fresh * TG_FILTER_BITS / 64 + 1;
	if(!(m->small = tg_big_alloc(m->nsmall * sizeof(uint64_t), &m->small_bytes)))
		return TG_ERR_NOMEM;
	for(i = 0; i < n; i++)
		tg_filter_add(m->small, m->nsmall, keys[i]);
	return TG_OK;
}

/** tg_insert(): the key was put in the table */
#define TG_PUT 0
/** tg_insert(): the record is a duplicate, not put */
#define TG_PUT_DUPLICATE 1
/** tg_insert(): the search reached the limit, the key is not put */
#define TG_PUT_LATER 2

/**
 * Put a key in the table and the filter. For the text of a name, a record of the same kind
 * and text already there makes this one a duplicate, and it is not put.
 * @param m: the matcher.
 * @param key: the key.
 * @param ref: the reference to store.
 * @param del: the offset of the deleted character, or TG_WHOLE.
 * @param limit: the slot the search must not reach (another thread fills the table from
 *	there); the table's size to stop at its end rather than go round, SIZE_MAX for neither.
 * @return: TG_PUT, TG_PUT_DUPLICATE or TG_PUT_LATER.
 */
static int
tg_insert(struct tg_matcher* m, uint64_t key, uint32_t ref, uint8_t del, size_t limit)
{
	size_t i = tg_slot(m, key), nslots = m->nlines * TG_LINE;
	uint32_t fp = tg_fp(key);
	struct tg_rec* r = (struct tg_rec*)(void*)(m->arena + (ref & ~TG_KIND_MASK));
	const struct tg_rec* o;

	for(; m->slots[i].tag != 0; ) {
		if(del == TG_WHOLE && m->slots[i].tag == (fp | TG_WHOLE) &&
			(m->slots[i].ref & TG_KIND_MASK) == (ref & TG_KIND_MASK)) {
			o = tg_rec_at(m, m->slots[i].ref);
			if(o->len == r->len && memcmp(o->text, r->text, r->len) == 0) {
				r->flags |= TG_REC_DUPLICATE;
				return TG_PUT_DUPLICATE;
			}
		}
		if(++i == limit)
			return TG_PUT_LATER;
		if(i == nslots)
			i = 0;
	}
	m->slots[i].tag = fp | del;
	m->slots[i].ref = ref;
	tg_filter_add(m->filter, m->nwords, key);
	return TG_PUT;
}

/**
 * One of the two halves of the table, filled at once by two threads: the parts of the key
 * space whose keys go there. A key whose search would run into the other half is set aside,
 * and put after both are done.
 */
struct tg_half {
	/** the matcher */
	struct tg_matcher* m;
	/** the waiting keys of the phase, by part */
	struct tg_klist* list;
	/** 1 to leave out the keys of records marked duplicates */
	int skip_dups;
	/** the first part of the half */
	size_t lo;
	/** the end of its parts */
	size_t hi;
	/** the slot its searches must not reach */
	size_t limit;
	/** the keys set aside */
	struct tg_klist later;
	/** records found to be duplicates */
	size_t dups;
	/** 1 if setting a key aside ran out of memory */
	int nomem;
};

/**
 * Put the waiting keys of a half's parts in the table, part by part, and free them. In the
 * order of the names they would land all over a table far bigger than the caches, a miss
 * each; the keys of one part go to one stretch of the table and of the filter, a 1/TG_PARTS
 * share small enough to stay in the caches while it is filled. Within a part the keys keep
 * the order of the names, so that of two records with one text and kind the first is kept.
 * @param h: the half.
 */
static void
tg_put_half(struct tg_half* h)
{
	struct tg_matcher* m = h->m;
	struct tg_kblock *b, *next;
	const struct tg_pkey* k;
	size_t p, i;
	int got;

	for(p = h->lo; p < h->hi; p++) {
		if(h->list[p].tail)
			h->list[p].tail->n = (size_t)(h->list[p].at - h->list[p].tail->k);
		for(b = h->list[p].head; b; b = next) {
			for(i = 0; i < b->n; i++) {
				k = &b->k[i];
				if(i + 8 < b->n)
					TG_PREFETCH(&m->slots[tg_slot(m, k[8].key)]);
				if(h->skip_dups && (tg_rec_at(m, k->ref)->flags & TG_REC_DUPLICATE))
					continue;
				got = tg_insert(m, k->key, k->ref, (uint8_t)k->del, h->limit);
				h->dups += got == TG_PUT_DUPLICATE;
				if(got == TG_PUT_LATER && !tg_keep(&h->later, k->key, k->ref, k->del))
					h->nomem = 1;
			}
			next = b->next;
			free(b);
		}
		memset(&h->list[p], 0, sizeof(h->list[p]));
	}
}

/**
 * Run tg_put_half() in a thread.
 * @param arg: the half.
 * @return: NULL.
 */
static void*
tg_put_half_run(void* arg)
{
	tg_put_half((struct tg_half*)arg);
	return NULL;
}

/**
 * Put the waiting keys of one kind in the table and free them: a big table's two halves at
 * once, the second by a thread of its own, then the keys set aside, in order.
 * @param m: the matcher, its table allocated.
 * @param list: the waiting keys, by part; emptied.
 * @param skip_dups: 1 to leave out the keys of records marked duplicates.
 * @param dups: receives the number of records found to be duplicates.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_put_waiting(struct tg_matcher* m, struct tg_klist* list, int skip_dups, size_t* dups)
{
	struct tg_half h[2];
	struct tg_kblock *b, *next;
	pthread_t thread;
	size_t i, j, nslots = m->nlines * TG_LINE;
	int two = nslots >= TG_THREAD_SLOTS;

	memset(h, 0, sizeof(h));
	for(i = 0; i < 2; i++) {
		h[i].m = m;
		h[i].list = list;
		h[i].skip_dups = skip_dups;
		h[i].lo = i * TG_PARTS / 2;
		h[i].hi = (i + 1) * TG_PARTS / 2;
		h[i].limit = i ? nslots : nslots / 2;
	}
	if(!two || pthread_create(&thread, NULL, &tg_put_half_run, &h[1]) != 0) {
		/* one thread does both, its searches free to go round the table */
		h[0].hi = TG_PARTS;
		h[0].limit = SIZE_MAX;
		two = 0;
	}
	tg_put_half(&h[0]);
	if(two)
		pthread_join(thread, NULL);
	for(i = 0; i < 2; i++) {
		if(h[i].later.tail)
			h[i].later.tail->n = (size_t)(h[i].later.at - h[i].later.tail->k);
		for(b = h[i].later.head; b; b = next) {
			for(j = 0; j < b->n; j++)
				h[i].dups += tg_insert(m, b->k[j].key, b->k[j].ref,
					(uint8_t)b->k[j].del, SIZE_MAX) == TG_PUT_DUPLICATE;
			next = b->next;
			free(b);
		}
	}
	*dups = h[0].dups + h[1].dups;
	return h[0].nomem || h[1].nomem ? TG_ERR_NOMEM : TG_OK;
}

/**
 * Free the keys still waiting.
 * @param m: the matcher.
 */
static void
tg_free_waiting(struct tg_matcher* m)
{
	struct tg_kblock *b, *next;
	size_t p;

	for(p = 0; p < TG_PARTS; p++) {
		for(b = m->wait_names ? m->wait_names[p].head : NULL; b; b = next) {
			next = b->next;
			free(b);
		}
		for(b = m->wait_dels ? m->wait_dels[p].head : NULL; b; b = next) {
			next = b->next;
			free(b);
		}
	}
	free(m->wait_names);
	free(m->wait_dels);
	free(m->wait_small);
	m->wait_names = m->wait_dels = NULL;
	m->wait_small = NULL;
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
	m->arena_big = 1;
}

/**
 * Free what tg_matcher_finish() allocated.
 * @param m: the matcher.
 */
static void
tg_free_index(struct tg_matcher* m)
{
	tg_big_free(m->slots, m->slots_bytes);
	tg_big_free(m->filter, m->filter_bytes);
	tg_big_free(m->small, m->small_bytes);
	m->slots = NULL;
	m->filter = NULL;
	m->small = NULL;
	m->nlines = m->nwords = m->nsmall = 0;
	m->slots_bytes = m->filter_bytes = m->small_bytes = 0;
}

enum tg_err
tg_matcher_finish(struct tg_matcher* m)
{
	enum tg_err r = TG_ERR_NOMEM;
	size_t dups = 0;

	if(m->finished)
		return TG_OK;
	if(m->broken || (r = tg_alloc_index(m, m->nwait_names + m->nwait_dels)) != TG_OK)
		goto cleanup;
	tg_arena_settle(m);
	/* from here the waiting keys are used up: a failure is final */
	if((r = tg_put_waiting(m, m->wait_names, 0, &dups)) != TG_OK ||
		(r = tg_build_small(m, m->wait_small, m->nwait_small)) != TG_OK ||
		(r = tg_put_waiting(m, m->wait_dels, dups > 0, &dups)) != TG_OK) {
		m->broken = 1;
		goto cleanup;
	}
	tg_free_waiting(m);
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
	return sizeof(*m) + m->arena_cap + m->slots_bytes + m->filter_bytes + m->small_bytes +
		sizeof(tg_tab);
}

void
tg_matcher_free(struct tg_matcher* m)
{
	if(!m)
		return;
	tg_free_index(m);
	tg_free_waiting(m);
	if(m->arena_big)
		tg_big_free(m->arena, m->arena_cap);
	else
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
