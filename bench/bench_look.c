/* bench/bench_look.c - what lookalikes cost a lookup: tg_matcher_match() and tg_policy_match() side by side. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Not a test. Usage: bench_look ZONE PLAIN-ZONE NAMES
 * Loads the policy ZONE, and PLAIN-ZONE, the same with lookalikes=no on every protected name
 * (so its index holds no skeleton), reads the query names of NAMES (one a line), and splits
 * them into those with no confusable (tg_look_maybe() says their skeleton is their text) and
 * the others. For each group it times, in turn (A B B A ...), PAIRS full passes of: A, the
 * wire name converted and tg_matcher_match() on PLAIN-ZONE's policy (the module without
 * lookalikes); B, the same with tg_policy_match() on ZONE's, lookalikes on. A pass is timed in
 * the thread's CPU time. Prints one line a group: names, median ns a name of A and of B, the
 * median over the pairs of B - A, and the names flagged by A and by B.
 */

#include "tgconfig.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lookalike.h"
#include "policy.h"

/** pairs of passes */
#define PAIRS 11
/** passes over the names in one timed run */
#define REPEAT 5

/** A group of names in wire form, one after another. */
struct group {
	/** the wire names */
	uint8_t* wire;
	/** offset of each */
	size_t* off;
	/** number of names */
	size_t n;
	/** bytes used */
	size_t used;
};

/** the thread's CPU time, ns */
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/** one timed run: ns a name; look 0 for A (p the policy without lookalikes), 1 for B */
static double
run(const struct tg_policy* p, const struct group* g, int look, size_t* flagged)
{
	struct tg_name n;
	struct tg_match m;
	size_t i, r, f = 0;
	double t0 = now();
	for(r = 0; r < REPEAT; r++)
		for(i = 0; i < g->n; i++) {
			if(tg_name_from_wire(&n, g->wire + g->off[i], TG_WIRE_MAX) != TG_OK)
				continue;
			f += (look ? tg_policy_match(p, &n, 1, &m, NULL) :
				tg_matcher_match(p->matcher, &n, &m)) == TG_VERDICT_TYPO;
		}
	*flagged = f / REPEAT;
	return (now() - t0) / (double)(g->n * REPEAT);
}

/** compare doubles for qsort */
static int
cmp(const void* a, const void* b)
{
	double x = *(const double*)a, y = *(const double*)b;
	return x < y ? -1 : x > y;
}

/** time a group and print its line */
static void
bench(const struct tg_policy* p, const struct tg_policy* p0, const struct group* g,
	const char* label)
{
	double a[PAIRS], b[PAIRS], d[PAIRS];
	size_t i, fa = 0, fb = 0;
	if(g->n == 0)
		return;
	for(i = 0; i < PAIRS; i++) {
		if(i % 2 == 0) {
			a[i] = run(p0, g, 0, &fa);
			b[i] = run(p, g, 1, &fb);
		} else {
			b[i] = run(p, g, 1, &fb);
			a[i] = run(p0, g, 0, &fa);
		}
		d[i] = b[i] - a[i];
	}
	qsort(a, PAIRS, sizeof(double), cmp);
	qsort(b, PAIRS, sizeof(double), cmp);
	qsort(d, PAIRS, sizeof(double), cmp);
	printf("%s %zu %.1f %.1f %.1f %zu %zu\n", label, g->n, a[PAIRS / 2], b[PAIRS / 2],
		d[PAIRS / 2], fa, fb);
}

/** add a name to a group */
static void
add(struct group* g, const uint8_t* wire, size_t len, size_t cap)
{
	g->off[g->n++] = g->used;
	memcpy(g->wire + g->used, wire, len);
	g->used += TG_WIRE_MAX;
	(void)cap;
}

int
main(int argc, char** argv)
{
	const char* files[1];
	struct tg_policy *p = NULL, *p0 = NULL;
	struct tg_qtypes q;
	struct tg_error err;
	struct group plain, conf;
	char line[1024];
	uint8_t wire[TG_WIRE_MAX];
	size_t len, cap = 0;
	struct tg_name n;
	FILE* f;
	if(argc != 4) {
		fprintf(stderr, "usage: bench_look ZONE PLAIN-ZONE NAMES\n");
		return 2;
	}
	tg_qtypes_parse("MX A AAAA", &q);
	files[0] = argv[1];
	if(tg_policy_load(files, 1, &q, &p, &err) != TG_OK) {
		fprintf(stderr, "bench_look: %s\n", err.msg);
		return 1;
	}
	files[0] = argv[2];
	if(tg_policy_load(files, 1, &q, &p0, &err) != TG_OK) {
		fprintf(stderr, "bench_look: %s\n", err.msg);
		return 1;
	}
	if(p0->lookalike_count) {
		fprintf(stderr, "bench_look: %s has lookalikes on\n", argv[2]);
		return 1;
	}
	if(!(f = fopen(argv[3], "r")))
		return 1;
	while(fgets(line, sizeof(line), f))
		cap++;
	rewind(f);
	memset(&plain, 0, sizeof(plain));
	memset(&conf, 0, sizeof(conf));
	plain.wire = calloc(cap + 1, TG_WIRE_MAX);
	conf.wire = calloc(cap + 1, TG_WIRE_MAX);
	plain.off = calloc(cap + 1, sizeof(size_t));
	conf.off = calloc(cap + 1, sizeof(size_t));
	if(!plain.wire || !conf.wire || !plain.off || !conf.off)
		return 1;
	while(fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if(tg_name_from_str(&n, line, wire, &len) != TG_OK)
			continue;
		add(tg_look_maybe(&n) ? &conf : &plain, wire, len, cap);
	}
	fclose(f);
	bench(p, p0, &plain, "no-confusable");
	bench(p, p0, &conf, "confusable");
	tg_policy_free(p);
	tg_policy_free(p0);
	free(plain.wire);
	free(conf.wire);
	free(plain.off);
	free(conf.off);
	return 0;
}
