/* tests/rnd.h - the tests' own random generator, seeded, so that every run is the same. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_RND_H
#define TG_RND_H

#include <stdint.h>

/** state of the generator; a test may set it to its own seed before the first call */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/**
 * The next random number (xorshift64*).
 * @return: 32 random bits.
 */
static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

#endif /* TG_RND_H */
