/* module/recent.c - a small memory of names already found clean, for one thread. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "recent.h"

/** buckets of a set, a power of two */
#define TG_RECENT_BUCKETS 4096
/** slots of a bucket: a name that hashes to a full bucket pushes out its oldest name. Four
 * keep nearly all of 5,000 names asked in turn; two lost a third of them to crowded buckets */
#define TG_RECENT_WAYS 4
/** alignment of the set: a cache line */
#define TG_RECENT_ALIGN 64

/** One slot: a name's length (0 when empty) and its wire bytes; a cache line. */
struct tg_recent_slot {
	/** length of the name, 0 for an empty slot */
	uint8_t len;
	/** the name */
	uint8_t wire[TG_RECENT_NAME_MAX + 1];
};

/** The set: 16384 names, 1 MiB of names and 32 KiB of tags. */
struct tg_recent {
	/** the buckets, the newest name first in each */
	struct tg_recent_slot slot[TG_RECENT_BUCKETS][TG_RECENT_WAYS];
	/** a few bits of the hash of each slot's name, 0 for an empty slot: small enough to
	 * stay in the caches, so that a lookup reads only the slot that may hold its name */
	uint16_t tag[TG_RECENT_BUCKETS][TG_RECENT_WAYS];
	/** mixed into the hash, so that nobody can aim names at one bucket */
	uint64_t seed;
	/** the generation of the policy the names were found clean by */
	uint64_t generation;
};

/**
 * Hash a name, eight bytes at a time.
 * @param seed: the set's seed.
 * @param wire: the name.
 * @param len: its length.
 * @return: the hash.
 */
static uint64_t
tg_recent_hash(uint64_t seed, const uint8_t* wire, size_t len)
{
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL), w;
	size_t i;

	for(i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, wire + i, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	if(i < len) {
		w = 0;
		memcpy(&w, wire + i, len - i);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	}
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 32);
}

/**
 * The bucket of a hash.
 * @param h: the hash.
 * @return: the bucket's index.
 */
static size_t
tg_recent_bucket(uint64_t h)
{
	return (size_t)(h & (TG_RECENT_BUCKETS - 1));
}

/**
 * The tag of a hash: its top bits, never 0.
 * @param h: the hash.
 * @return: the tag.
 */
static uint16_t
tg_recent_tag(uint64_t h)
{
	return (uint16_t)((h >> 48) | 1);
}

/**
 * Whether a slot holds a name.
 * @param s: the slot.
 * @param wire: the name.
 * @param len: its length.
 * @return: 1 if it does.
 */
static int
tg_recent_is(const struct tg_recent_slot* s, const uint8_t* wire, size_t len)
{
	return s->len == len && memcmp(s->wire, wire, len) == 0;
}

struct tg_recent*
tg_recent_new(void)
{
	struct tg_recent* r;
	struct timespec ts;
	void* p;

	/* a slot is a cache line: a lookup reads one or two of them */
	if(posix_memalign(&p, TG_RECENT_ALIGN, sizeof(*r)) != 0)
		return NULL;
	r = (struct tg_recent*)p;
	memset(r, 0, sizeof(*r));
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	r->seed = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)r;
	return r;
}

int
tg_recent_has(const struct tg_recent* r, const uint8_t* wire, size_t len)
{
	uint64_t h;
	size_t b, i;
	uint16_t t;

	if(len == 0 || len > TG_RECENT_NAME_MAX)
		return 0;
	h = tg_recent_hash(r->seed, wire, len);
	b = tg_recent_bucket(h);
	t = tg_recent_tag(h);
	for(i = 0; i < TG_RECENT_WAYS; i++)
		if(r->tag[b][i] == t && tg_recent_is(&r->slot[b][i], wire, len))
			return 1;
	return 0;
}

void
tg_recent_add(struct tg_recent* r, const uint8_t* wire, size_t len)
{
	uint64_t h;
	size_t b;

	if(len == 0 || len > TG_RECENT_NAME_MAX)
		return;
	h = tg_recent_hash(r->seed, wire, len);
	b = tg_recent_bucket(h);
	if(r->tag[b][0] == tg_recent_tag(h) && tg_recent_is(&r->slot[b][0], wire, len))
		return;
	/* the oldest name goes, the others move back, the new one comes first */
	memmove(&r->slot[b][1], &r->slot[b][0], (TG_RECENT_WAYS - 1) * sizeof(r->slot[b][0]));
	memmove(&r->tag[b][1], &r->tag[b][0], (TG_RECENT_WAYS - 1) * sizeof(r->tag[b][0]));
	r->slot[b][0].len = (uint8_t)len;
	memcpy(r->slot[b][0].wire, wire, len);
	r->tag[b][0] = tg_recent_tag(h);
}

void
tg_recent_sync(struct tg_recent* r, uint64_t generation)
{
	if(r->generation == generation)
		return;
	/* a tag of 0 is an empty slot: a lookup never reads the names */
	memset(r->tag, 0, sizeof(r->tag));
	r->generation = generation;
}

size_t
tg_recent_memory(void)
{
	return sizeof(struct tg_recent);
}

void
tg_recent_free(struct tg_recent* r)
{
	free(r);
}
