/* module/recent.c - a small memory of names already found clean, for one thread. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "recent.h"

/** buckets of a set, a power of two */
#define TG_RECENT_BUCKETS 4096
/** slots of a bucket: a name that hashes to a full bucket pushes out its older name */
#define TG_RECENT_WAYS 2
/** alignment of the set: a cache line */
#define TG_RECENT_ALIGN 64

/** One slot: a name's length (0 when empty) and its wire bytes; a cache line. */
struct tg_recent_slot {
	/** length of the name, 0 for an empty slot */
	uint8_t len;
	/** the name */
	uint8_t wire[TG_RECENT_NAME_MAX + 1];
};

/** The set: 8192 names, 512 KiB. */
struct tg_recent {
	/** the buckets, the newer name first in each; two adjacent cache lines */
	struct tg_recent_slot slot[TG_RECENT_BUCKETS][TG_RECENT_WAYS];
	/** mixed into the hash, so that nobody can aim names at one bucket */
	uint64_t seed;
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
 * The bucket of a name.
 * @param r: the set.
 * @param wire: the name.
 * @param len: its length.
 * @return: the bucket's first slot.
 */
static const struct tg_recent_slot*
tg_recent_bucket(const struct tg_recent* r, const uint8_t* wire, size_t len)
{
	return r->slot[tg_recent_hash(r->seed, wire, len) & (TG_RECENT_BUCKETS - 1)];
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
	const struct tg_recent_slot* b;
	size_t i;

	if(len == 0 || len > TG_RECENT_NAME_MAX)
		return 0;
	b = tg_recent_bucket(r, wire, len);
	for(i = 0; i < TG_RECENT_WAYS; i++)
		if(tg_recent_is(&b[i], wire, len))
			return 1;
	return 0;
}

void
tg_recent_add(struct tg_recent* r, const uint8_t* wire, size_t len)
{
	struct tg_recent_slot* b;

	if(len == 0 || len > TG_RECENT_NAME_MAX)
		return;
	b = (struct tg_recent_slot*)tg_recent_bucket(r, wire, len);
	if(tg_recent_is(&b[0], wire, len))
		return;
	/* the older name goes, the newer one moves back, the new one comes first */
	memmove(&b[1], &b[0], (TG_RECENT_WAYS - 1) * sizeof(*b));
	b[0].len = (uint8_t)len;
	memcpy(b[0].wire, wire, len);
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
