/* tools/report_table.c - the report's hash tables: interned strings, and 64-bit keys to counts. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "report.h"

/** bytes in a chunk of interned text (a longer string gets a chunk of its own) */
#define RP_CHUNK 65536
/** slots in a new table */
#define RP_SLOTS_MIN 1024
/** the size of a huge page, and the size from which a map's slots get pages of their own */
#define RP_HUGE ((size_t)2 << 20)

/** hash a string, 32 bits: eight bytes at a time, each word mixed in by a multiplication
 * (the names and addresses it sees are short: a byte at a time was the cost) */
static uint32_t
rp_hash_str(const char* s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i;
	for(; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 29;
	}
	for(w = 0, i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ w) * 0x94d049bb133111ebULL;
	return (uint32_t)(h ^ (h >> 32));
}

/** mix a 64-bit key (splitmix64's finaliser) */
static uint64_t
rp_hash64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/** copy a string into the table's chunks; NULL if out of memory */
static char*
rp_strtab_store(struct rp_strtab* t, const char* s, size_t n)
{
	char** chunks;
	char* c;
	if(t->nchunks == 0 || t->used + n + 1 > RP_CHUNK) {
		size_t size = n + 1 > RP_CHUNK ? n + 1 : RP_CHUNK;
		if(!(chunks = realloc(t->chunks, (t->nchunks + 1) * sizeof(*chunks))))
			return NULL;
		t->chunks = chunks;
		if(!(chunks[t->nchunks] = malloc(size)))
			return NULL;
		t->nchunks++;
		t->used = 0;
	}
	c = t->chunks[t->nchunks - 1] + t->used;
	memcpy(c, s, n);
	c[n] = 0;
	t->used += n + 1;
	return c;
}

/** double the slots of a string table; -1 if out of memory */
static int
rp_strtab_grow(struct rp_strtab* t)
{
	size_t size = t->slots ? (t->mask + 1) * 2 : RP_SLOTS_MIN, i, j;
	uint32_t *slots = calloc(size, sizeof(*slots)), *hashes = calloc(size, sizeof(*hashes));
	if(!slots || !hashes) {
		free(slots);
		free(hashes);
		return -1;
	}
	for(i = 0; t->slots && i <= t->mask; i++) {
		if(!t->slots[i])
			continue;
		for(j = t->hashes[i] & (size - 1); slots[j]; j = (j + 1) & (size - 1))
			;
		slots[j] = t->slots[i];
		hashes[j] = t->hashes[i];
	}
	free(t->slots);
	free(t->hashes);
	t->slots = slots;
	t->hashes = hashes;
	t->mask = size - 1;
	return 0;
}

/** make room for one more string number; -1 if out of memory */
static int
rp_strtab_room(struct rp_strtab* t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 1024;
	const char** str;
	uint32_t* len;
	if(t->n < t->cap)
		return 0;
	if(!(str = realloc(t->str, cap * sizeof(*str))))
		return -1;
	t->str = str;
	if(!(len = realloc(t->len, cap * sizeof(*len))))
		return -1;
	t->len = len;
	t->cap = cap;
	if(t->n == 0) {
		t->str[0] = "";
		t->len[0] = 0;
		t->n = 1;
	}
	return 0;
}

uint32_t
rp_intern(struct rp_strtab* t, const char* s, size_t n)
{
	uint32_t h = rp_hash_str(s, n), id;
	size_t i;
	char* c;
	if((!t->slots || (size_t)t->n * 2 > t->mask) && rp_strtab_grow(t) != 0)
		return 0;
	for(i = h & t->mask; (id = t->slots[i]) != 0; i = (i + 1) & t->mask)
		if(t->hashes[i] == h && t->len[id] == n && rp_same(t->str[id], s, n))
			return id;
	if(rp_strtab_room(t) != 0 || !(c = rp_strtab_store(t, s, n)))
		return 0;
	id = t->n++;
	t->str[id] = c;
	t->len[id] = (uint32_t)n;
	t->slots[i] = id;
	t->hashes[i] = h;
	return id;
}

uint32_t
rp_strtab_find(const struct rp_strtab* t, const char* s)
{
	return rp_strtab_find_n(t, s, strlen(s));
}

uint32_t
rp_strtab_find_n(const struct rp_strtab* t, const char* s, size_t n)
{
	size_t i;
	uint32_t h = rp_hash_str(s, n), id;
	if(!t->slots)
		return 0;
	for(i = h & t->mask; (id = t->slots[i]) != 0; i = (i + 1) & t->mask)
		if(t->hashes[i] == h && t->len[id] == n && rp_same(t->str[id], s, n))
			return id;
	return 0;
}

void
rp_strtab_free(struct rp_strtab* t)
{
	size_t i;
	for(i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->str);
	free(t->len);
	free(t->slots);
	free(t->hashes);
	memset(t, 0, sizeof(*t));
}

uint64_t*
rp_map_get(const struct rp_map* m, uint64_t key)
{
	size_t i;
	if(!m->slots)
		return NULL;
	for(i = rp_hash64(key) & m->mask; m->slots[i].key != RP_MAP_EMPTY; i = (i + 1) & m->mask)
		if(m->slots[i].key == key)
			return &m->slots[i].val;
	return NULL;
}

/**
 * Memory for the slots of a map. A large map is read at random, one slot an event: from
 * RP_HUGE bytes up it gets whole huge pages where the kernel gives them (transparent huge
 * pages, madvise mode), which take one page fault where small pages take 512 (each a few
 * microseconds on a virtual machine), and one TLB entry.
 * @param bytes: the size.
 * @return: the memory, freed with rp_slots_free() of the same size; NULL if out of memory.
 */
static void*
rp_slots_alloc(size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t at, aligned;
	char* p;
	if(bytes < RP_HUGE)
		return malloc(bytes);
	/* bytes is a power of two times a slot, so a multiple of RP_HUGE here; mapped with
	 * RP_HUGE more, to cut an aligned run out of */
	p = mmap(NULL, bytes + RP_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		0);
	if(p == MAP_FAILED)
		return NULL;
	at = (uintptr_t)p;
	aligned = (at + RP_HUGE - 1) & ~(uintptr_t)(RP_HUGE - 1);
	if(aligned > at)
		munmap(p, aligned - at);
	munmap((char*)aligned + bytes, RP_HUGE - (aligned - at));
	/* advice: without huge pages the memory is as good */
	(void)madvise((void*)aligned, bytes, MADV_HUGEPAGE);
	return (void*)aligned;
#else
	return malloc(bytes);
#endif
}

/**
 * Free what rp_slots_alloc() gave.
 * @param p: the memory, or NULL.
 * @param bytes: its size, as given to rp_slots_alloc().
 */
static void
rp_slots_free(void* p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	if(p && bytes >= RP_HUGE) {
		munmap(p, bytes);
		return;
	}
#endif
	(void)bytes;
	free(p);
}

/** double the slots of a map; -1 if out of memory */
static int
rp_map_grow(struct rp_map* m)
{
	size_t size = m->slots ? (m->mask + 1) * 2 : RP_SLOTS_MIN, i, j;
	struct rp_slot* slots = rp_slots_alloc(size * sizeof(*slots));
	if(!slots)
		return -1;
	for(i = 0; i < size; i++)
		slots[i].key = RP_MAP_EMPTY;
	for(i = 0; m->slots && i <= m->mask; i++) {
		if(m->slots[i].key == RP_MAP_EMPTY)
			continue;
		for(j = rp_hash64(m->slots[i].key) & (size - 1); slots[j].key != RP_MAP_EMPTY;
			j = (j + 1) & (size - 1))
			;
		slots[j] = m->slots[i];
	}
	rp_slots_free(m->slots, (m->mask + 1) * sizeof(*slots));
	m->slots = slots;
	m->mask = size - 1;
	return 0;
}

uint64_t*
rp_map_put(struct rp_map* m, uint64_t key, int* added)
{
	size_t i;
	if((!m->slots || m->n * 2 > m->mask) && rp_map_grow(m) != 0)
		return NULL;
	for(i = rp_hash64(key) & m->mask; m->slots[i].key != RP_MAP_EMPTY; i = (i + 1) & m->mask)
		if(m->slots[i].key == key) {
			if(added)
				*added = 0;
			return &m->slots[i].val;
		}
	m->slots[i].key = key;
	m->slots[i].val = 0;
	m->n++;
	if(added)
		*added = 1;
	return &m->slots[i].val;
}

void
rp_map_prefetch(const struct rp_map* m, uint64_t key)
{
	if(m->slots)
		__builtin_prefetch(&m->slots[rp_hash64(key) & m->mask]);
}

void
rp_map_free(struct rp_map* m)
{
	rp_slots_free(m->slots, (m->mask + 1) * sizeof(*m->slots));
	memset(m, 0, sizeof(*m));
}
