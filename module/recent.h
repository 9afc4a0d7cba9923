/* module/recent.h - a small memory of names already found clean, for one thread. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_RECENT_H
#define TG_RECENT_H

#include <stddef.h>
#include <stdint.h>

/**
 * A set of query names that the matcher found not to be typos, so that asking again costs a
 * hash and a compare instead of a match. Answers from Unbound's message cache are for popular
 * names, asked again and again: the reply-from-cache callback checks them here first. Names
 * are kept by their exact wire bytes (so a hit is never wrong), 16384 of them, four to a
 * bucket of the hash: a new name pushes out the oldest of its bucket. Not thread-safe: one set per thread. It knows nothing
 * of the policy; whoever keeps one drops it with the policy it was filled from.
 */
struct tg_recent;

/** longest wire name a set keeps; longer names are always matched */
#define TG_RECENT_NAME_MAX 62

/**
 * Make an empty set.
 * @return: the set, freed with tg_recent_free(); NULL if out of memory.
 */
struct tg_recent* tg_recent_new(void);

/**
 * Whether a name is in the set.
 * @param r: the set.
 * @param wire: the name, uncompressed wire format.
 * @param len: its length.
 * @return: 1 if it is.
 */
int tg_recent_has(const struct tg_recent* r, const uint8_t* wire, size_t len);

/**
 * Put a name in the set, in place of the oldest name of its bucket; a name too long is not
 * kept.
 * @param r: the set.
 * @param wire: the name, uncompressed wire format.
 * @param len: its length.
 */
void tg_recent_add(struct tg_recent* r, const uint8_t* wire, size_t len);

/**
 * Forget every name when the policy they were found clean by is no longer the one in force.
 * @param r: the set.
 * @param generation: the generation of the policy in force; a set starts at 0.
 */
void tg_recent_sync(struct tg_recent* r, uint64_t generation);

/**
 * Bytes a set holds, for memory statistics.
 * @return: the size of one set.
 */
size_t tg_recent_memory(void);

/**
 * Free a set.
 * @param r: the set, or NULL.
 */
void tg_recent_free(struct tg_recent* r);

#endif /* TG_RECENT_H */
