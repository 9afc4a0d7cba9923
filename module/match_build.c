/* module/match_build.c - build the matcher's index: records, keys, the table and its filters. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
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
#include "match_int.h"
#include "thread.h"

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
/** table slots from which finishing fills the two halves of the table at once */
#define TG_THREAD_SLOTS (1024u * 1024u)
/** alignment of the table: its lines are the cache's */
#define TG_CACHE_LINE 64u
/** largest arena: record offsets must fit 32 bits */
#define TG_ARENA_MAX ((size_t)0xfffffff0u)

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
 * proper suffixes). A loose form that is nothing else is matched only when equal: it has
 * neither deletions nor a first label. Done as names come, so that a caller can overlap it
 * with reading them.
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
	int edits = prot && !(r->flags & TG_REC_LOOSE_ONLY);
	size_t i;

	tg_prefix(m->tab, r->text, 0, r->len, pu, pv);
	ok &= tg_wait(m->wait_names, TG_KEY_WHOLE(pu, 0, r->len), off |
		(prot ? TG_KIND_PROTECTED : TG_KIND_ALLOWED), TG_WHOLE);
	m->nwait_names++;
	for(i = 0; edits && ok && i < r->len; i++)
		ok &= tg_wait(m->wait_dels, TG_KEY_DEL(pu, pv, 0, i, r->len),
			off | TG_KIND_DELETION, i);
	m->nwait_dels += edits ? r->len : 0;
	if(!dot)
		return ok;
	if(edits)
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
tg_matcher_add_protected_as(struct tg_matcher* m, const struct tg_name* name, uint32_t id,
	unsigned as)
{
	if(name->labels == 0 || name->len == 0 || name->len >= TG_TEXT_MAX - 1)
		return TG_ERR_NAME;
	if(memchr(name->text, TG_TEXT_ODD, name->len) ||
		!(as & (TG_AS_NAME | TG_AS_SKELETON | TG_AS_LOOSE)))
		return TG_ERR_NAME;
	if(!(as & (TG_AS_NAME | TG_AS_SKELETON)))
		return tg_rec_add(m, name, id, TG_REC_LOOSE | TG_REC_LOOSE_ONLY);
	return tg_rec_add(m, name, id, (!(as & TG_AS_SKELETON) ? 0u :
		(as & TG_AS_NAME) ? TG_REC_LOOKALIKE : TG_REC_SKELETON) |
		((as & TG_AS_LOOSE) ? TG_REC_LOOSE : 0u));
}

enum tg_err
tg_matcher_add_protected(struct tg_matcher* m, const struct tg_name* name, uint32_t id)
{
	return tg_matcher_add_protected_as(m, name, id, TG_AS_NAME);
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
			/* a name and a skeleton of one text are both kept: they count in
			 * different passes */
			o = tg_rec_at(m, m->slots[i].ref);
			if((o->flags & TG_REC_ALL_PASSES) == (r->flags & TG_REC_ALL_PASSES) &&
				o->len == r->len && memcmp(o->text, r->text, r->len) == 0) {
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
	if(!two || tg_thread_start(&thread, &tg_put_half_run, &h[1]) != 0) {
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

