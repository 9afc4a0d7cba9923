/* tests/bench_match.c - time the matcher side by side: a small policy against a big one. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Not a test: timings never decide pass or fail. Usage:
 *   bench_match sizes [SMALL [BIG]]   ns a name with SMALL (1000) and BIG (1000000) protected
 *                                     names, and their ratio; build time and memory of BIG
 *   bench_match zone N                a policy zone of N protected names, on standard output
 *   bench_match names N [KIND]        N query names, one a line (KIND: typical, ordinary,
 *                                     typo, below; default typical)
 *
 * Every comparison is a ratio measured in one process: the two sides run in turn (A B B A
 * A B ...), each run a full pass over the same lookups, and the table gives the median of
 * each side and the median of the ratios of the pairs, so that the noise of a shared machine
 * falls on both sides alike. A run is timed in CPU time of the thread, so that the time the
 * thread waits for a core while other programs run is not counted.
 *
 * Protected names look like real ones: "word.com", "word.co.uk", "sub.word.org",
 * "word-word.net", "word.mil", "word.de", with pronounceable made-up words. Query names:
 * - ordinary: typical host names, none of them protected by construction but often near
 *   one (the words are the same kind): "www.word.com", "mail.word.org", "cdn.word.net",
 *   popular names ("mail.google.com", "fonts.gstatic.com"), long CDN names
 *   ("e1234.dscb.akamaiedge.net", "r3---sn-4g5e6nsz.googlevideo.com",
 *   "d1a2b3c4d5e6f7.cloudfront.net");
 * - typo: a protected name with one random edit (letters, digits, '-', '.'), a quarter below
 *   "www.", a quarter below "mail.";
 * - below: a name below a protected name ("www.word.com" when "word.com" is protected);
 * - typical: 80% ordinary, 15% below, 5% typo.
 * Two ways to ask: "cold" looks up 100,000 distinct names in turn, so that a big index is
 * read from memory; "zipf" draws 300,000 lookups from 100,000 names with Zipf's law
 * (s = 1), as a resolver sees popular names again and again. Each lookup converts the wire
 * name and matches it, as the module does. TG_BENCH_ONLY=text in the environment keeps the
 * rows whose label has that text ("cold", "zipf typo").
 */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include "match.h"
#include "rnd.h"
#include "name.h"

/** pairs of runs of every comparison */
#define PAIRS 11
/** distinct names of a cold run */
#define COLD_NAMES 100000
/** distinct names a zipf run draws from */
#define ZIPF_NAMES 100000
/** lookups of a zipf run */
#define ZIPF_LOOKUPS 300000
/** room for a generated name in presentation form */
#define NAME_ROOM 300
/** room for a protected name */
#define PROT_ROOM 128

/** query kinds */
enum kind { K_ORDINARY, K_TYPO, K_BELOW, K_TYPICAL, K_KINDS };
/** names of the kinds */
static const char* kind_name[] = { "ordinary", "typo", "below", "typical" };

/** A matcher design, behind functions so that two can be linked together. */
struct design {
	/** its name in the table */
	const char* name;
	/** tg_matcher_new */
	void* (*create)(size_t hint);
	/** tg_matcher_add_protected */
	enum tg_err (*add)(void* m, const struct tg_name* n, uint32_t id);
	/** tg_matcher_finish */
	enum tg_err (*finish)(void* m);
	/** tg_matcher_match */
	enum tg_verdict (*match)(const void* m, const struct tg_name* n, struct tg_match* out);
	/** tg_matcher_memory */
	size_t (*memory)(const void* m);
	/** tg_matcher_free */
	void (*destroy)(void* m);
};

/** A set of lookups: wire names and the order they are asked in. */
struct lookups {
	/** the wire names, one after another */
	uint8_t* wire;
	/** offset of each name in wire */
	uint32_t* off;
	/** number of distinct names */
	size_t count;
	/** the lookups: indexes of names */
	uint32_t* order;
	/** number of lookups */
	size_t n;
	/** the wire names of the lookups, in order, one after another, as a resolver has each
	 * in the packet it just received rather than somewhere in a big table */
	uint8_t* seq;
};

/** A matcher built over a policy, with its lookups. */
struct side {
	/** the design */
	const struct design* d;
	/** the matcher */
	void* m;
	/** the protected names, PROT_ROOM bytes each */
	char* prot;
	/** their number */
	size_t np;
	/** seconds to build it */
	double build_s;
	/** resident memory it added, in bytes */
	double rss;
};

/* ---------------------------------------------------------------------------------------- */
/* The matcher measured.                                                                         */

static void* cur_create(size_t h) { return tg_matcher_new(h); }
static enum tg_err cur_add(void* m, const struct tg_name* n, uint32_t id)
{ return tg_matcher_add_protected(m, n, id); }
static enum tg_err cur_finish(void* m) { return tg_matcher_finish(m); }
static enum tg_verdict cur_match(const void* m, const struct tg_name* n, struct tg_match* o)
{ return tg_matcher_match(m, n, o); }
static size_t cur_memory(const void* m) { return tg_matcher_memory(m); }
static void cur_destroy(void* m) { tg_matcher_free(m); }

/** this matcher, module/match.c */
static const struct design design_cur = { "current", cur_create, cur_add, cur_finish,
	cur_match, cur_memory, cur_destroy };


/* ---------------------------------------------------------------------------------------- */
/* Names.                                                                                    */

/** @return: monotonic time in nanoseconds. */
static double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/** @return: CPU time of this thread in nanoseconds: what a run costs, whatever else the
 * machine runs meanwhile */
static double
cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/**
 * A pronounceable word of 1 to 4 syllables.
 * @param out: receives it; 32 bytes.
 */
static void
word(char* out)
{
	static const char* on[] = { "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r",
		"s", "t", "v", "w", "z", "st", "tr", "br", "ch", "sh", "gr", "pl", "" };
	static const char* nu[] = { "a", "e", "i", "o", "u", "ai", "ea", "oo", "y", "ou" };
	static const char* co[] = { "", "", "n", "r", "s", "t", "x", "ck", "ll", "m" };
	size_t n = 2 + rnd() % 3 - (rnd() % 4 == 0), i;

	out[0] = 0;
	for(i = 0; i < n; i++) {
		strcat(out, on[rnd() % (sizeof(on) / sizeof(on[0]))]);
		strcat(out, nu[rnd() % (sizeof(nu) / sizeof(nu[0]))]);
		if(i + 1 == n || rnd() % 3 == 0)
			strcat(out, co[rnd() % (sizeof(co) / sizeof(co[0]))]);
	}
}

/**
 * A realistic protected name.
 * @param out: receives it; PROT_ROOM bytes.
 */
static void
protected_name(char* out)
{
	char a[32], b[32];
	uint32_t r = rnd() % 20;

	word(a);
	word(b);
	if(r < 10)
		snprintf(out, PROT_ROOM, "%s.com", a);
	else if(r < 13)
		snprintf(out, PROT_ROOM, "%s.co.uk", a);
	else if(r < 16)
		snprintf(out, PROT_ROOM, "%s.%s.org", b, a);
	else if(r < 18)
		snprintf(out, PROT_ROOM, "%s-%s.net", a, b);
	else
		snprintf(out, PROT_ROOM, "%s.%s", a, r == 18 ? "mil" : "de");
}

/**
 * One random edit of a name, with letters, digits, '-' and '.'.
 * @param s: the name; room for one more character.
 */
static void
edit(char* s)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789-.";
	size_t len = strlen(s), i = rnd() % len;
	char t;

	switch(rnd() % 4) {
	case 0:
		memmove(s + i, s + i + 1, len - i);
		break;
	case 1:
		memmove(s + i + 1, s + i, len - i + 1);
		s[i] = al[rnd() % 38];
		break;
	case 2:
		s[i] = al[rnd() % 38];
		break;
	default:
		if(i + 1 < len) {
			t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
		}
	}
}

/**
 * Random characters.
 * @param out: receives them, NUL-terminated.
 * @param n: how many.
 * @param set: the characters to draw from.
 */
static void
random_chars(char* out, size_t n, const char* set)
{
	size_t i, ns = strlen(set);
	for(i = 0; i < n; i++)
		out[i] = set[rnd() % ns];
	out[n] = 0;
}

/**
 * A long name of a content delivery network.
 * @param out: receives it; NAME_ROOM bytes.
 */
static void
cdn_name(char* out)
{
	static const char* al = "abcdefghijklmnopqrstuvwxyz0123456789";
	char a[32], b[32];

	switch(rnd() % 4) {
	case 0:
		snprintf(out, NAME_ROOM, "e%u.dscb.akamaiedge.net", (unsigned)(rnd() % 100000));
		break;
	case 1:
		random_chars(a, 8, al);
		snprintf(out, NAME_ROOM, "r%u---sn-%s.googlevideo.com", (unsigned)(rnd() % 10), a);
		break;
	case 2:
		random_chars(a, 13, al);
		snprintf(out, NAME_ROOM, "d%s.cloudfront.net", a);
		break;
	default:
		word(a);
		word(b);
		snprintf(out, NAME_ROOM, "%s-%s.s3.eu-west-1.amazonaws.com", a, b);
	}
}

/**
 * An ordinary host name.
 * @param out: receives it; NAME_ROOM bytes.
 */
static void
ordinary_name(char* out)
{
	static const char* known[] = { "www.example.com", "mail.google.com", "www.google.com",
		"api.github.com", "fonts.gstatic.com", "outlook.office365.com",
		"www.wikipedia.org", "time.apple.com", "clients4.google.com",
		"ocsp.digicert.com", "login.microsoftonline.com", "www.bbc.co.uk",
		"cdn.jsdelivr.net", "graph.facebook.com", "static.xx.fbcdn.net" };
	static const char* pre[] = { "www", "mail", "api", "cdn", "static", "login", "m" };
	static const char* tld[] = { "com", "net", "org", "io", "co.uk", "de" };
	char w[32];
	uint32_t r = rnd() % 10;

	if(r < 2)
		snprintf(out, NAME_ROOM, "%s", known[rnd() % (sizeof(known) / sizeof(known[0]))]);
	else if(r < 4)
		cdn_name(out);
	else {
		word(w);
		snprintf(out, NAME_ROOM, "%s.%s.%s", pre[rnd() % 7], w, tld[rnd() % 6]);
	}
}

/**
 * A query name of a kind.
 * @param out: receives it; NAME_ROOM bytes.
 * @param kind: the kind; K_TYPICAL picks one.
 * @param prot: the protected names, PROT_ROOM bytes each.
 * @param np: their number.
 */
static void
query_name(char* out, enum kind kind, const char* prot, size_t np)
{
	char t[NAME_ROOM];
	uint32_t r = rnd() % 20;

	if(kind == K_TYPICAL)
		kind = r < 16 ? K_ORDINARY : r < 19 ? K_BELOW : K_TYPO;
	if(kind == K_ORDINARY) {
		ordinary_name(out);
	} else if(kind == K_TYPO) {
		snprintf(t, sizeof(t), "%s", prot + (rnd() % np) * PROT_ROOM);
		edit(t);
		r = rnd() % 4;
		snprintf(out, NAME_ROOM, "%s%s", r == 0 ? "www." : r == 1 ? "mail." : "", t);
	} else {
		r = rnd() % 3;
		snprintf(out, NAME_ROOM, "%s.%s", r == 0 ? "www" : r == 1 ? "mail" : "api",
			prot + (rnd() % np) * PROT_ROOM);
	}
}

/**
 * Make the protected names of a policy.
 * @param np: how many.
 * @return: their text, PROT_ROOM bytes each; exits if out of memory.
 */
static char*
make_protected(size_t np)
{
	char* prot = malloc(np * PROT_ROOM);
	size_t i;

	if(!prot) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for(i = 0; i < np; i++)
		protected_name(prot + i * PROT_ROOM);
	return prot;
}

/* ---------------------------------------------------------------------------------------- */
/* Lookups.                                                                                  */

/**
 * Make distinct query names of a kind, in wire form.
 * @param l: receives them; order and n are not set.
 * @param count: how many.
 * @param kind: their kind.
 * @param prot: the protected names.
 * @param np: their number.
 */
static void
make_names(struct lookups* l, size_t count, enum kind kind, const char* prot, size_t np)
{
	char s[NAME_ROOM];
	struct tg_name n;
	size_t i, len = 0, used = 0;

	l->wire = malloc(count * TG_WIRE_MAX);
	l->off = malloc(count * sizeof(*l->off));
	if(!l->wire || !l->off) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for(i = 0; i < count; i++) {
		do
			query_name(s, kind, prot, np);
		while(tg_name_from_str(&n, s, l->wire + used, &len) != TG_OK);
		l->off[i] = (uint32_t)used;
		used += len;
	}
	l->count = count;
}

/**
 * Ask every name once, in a random order.
 * @param l: the lookups; order and n set.
 */
static void
order_cold(struct lookups* l)
{
	size_t i, j;
	uint32_t t;

	l->n = l->count;
	l->order = malloc(l->n * sizeof(*l->order));
	for(i = 0; i < l->n; i++)
		l->order[i] = (uint32_t)i;
	for(i = l->n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		t = l->order[i];
		l->order[i] = l->order[j];
		l->order[j] = t;
	}
}

/**
 * Draw lookups with Zipf's law, s = 1: the name of rank r is asked in proportion to 1/r.
 * @param l: the lookups; order and n set.
 * @param n: number of lookups.
 */
static void
order_zipf(struct lookups* l, size_t n)
{
	double* cdf = malloc(l->count * sizeof(double)), sum = 0, u;
	size_t i, lo, hi, mid;

	l->n = n;
	l->order = malloc(n * sizeof(*l->order));
	for(i = 0; i < l->count; i++)
		cdf[i] = (sum += 1.0 / (double)(i + 1));
	for(i = 0; i < n; i++) {
		u = ((double)rnd() / 4294967296.0) * sum;
		for(lo = 0, hi = l->count - 1; lo < hi;) {
			mid = (lo + hi) / 2;
			if(cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		l->order[i] = (uint32_t)lo;
	}
	free(cdf);
}

/**
 * Lay the lookups out one after another, in the order they are asked.
 * @param l: the lookups, ordered; seq set.
 */
static void
lay_out(struct lookups* l)
{
	size_t i, used = 0, len;
	const uint8_t* w;

	for(i = 0; i < l->n; i++)
		for(w = l->wire + l->off[l->order[i]]; ; w += *w + 1) {
			used += (size_t)*w + 1;
			if(!*w)
				break;
		}
	if(!(l->seq = malloc(used))) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for(used = 0, i = 0; i < l->n; i++) {
		w = l->wire + l->off[l->order[i]];
		for(len = 0; w[len]; len += (size_t)w[len] + 1)
			;
		memcpy(l->seq + used, w, len + 1);
		used += len + 1;
	}
}

/**
 * Free lookups.
 * @param l: the lookups.
 */
static void
lookups_free(struct lookups* l)
{
	free(l->wire);
	free(l->off);
	free(l->order);
	free(l->seq);
}

/**
 * One pass over the lookups: every name converted from wire form and matched.
 * @param s: the matcher.
 * @param l: the lookups.
 * @param typos: receives the number of typo verdicts.
 * @return: ns a lookup.
 */
static double
run(const struct side* s, const struct lookups* l, size_t* typos)
{
	struct tg_name n;
	struct tg_match out;
	size_t i, hits = 0;
	double t0 = cpu_ns();
	const uint8_t* w = l->seq;

	for(i = 0; i < l->n; i++) {
		tg_name_from_wire(&n, w, TG_WIRE_MAX);
		w += n.len + 2 - (n.labels == 0);
		hits += s->d->match(s->m, &n, &out) == TG_VERDICT_TYPO;
	}
	*typos = hits;
	return (cpu_ns() - t0) / (double)l->n;
}

/**
 * Sort doubles, for medians.
 * @param a: first.
 * @param b: second.
 * @return: as strcmp.
 */
static int
cmp_double(const void* a, const void* b)
{
	double x = *(const double*)a, y = *(const double*)b;
	return x < y ? -1 : x > y;
}

/**
 * The median of values.
 * @param v: the values; sorted in place.
 * @param n: their number.
 * @return: the median.
 */
static double
median(double* v, size_t n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/**
 * Time side A against side B in interleaved pairs and print one line of the table.
 * @param label: what is measured, first column.
 * @param a: side A.
 * @param la: its lookups.
 * @param b: side B.
 * @param lb: its lookups.
 */
static void
compare(const char* label, const struct side* a, const struct lookups* la,
	const struct side* b, const struct lookups* lb)
{
	double ta[PAIRS], tb[PAIRS], ratio[PAIRS], x, y;
	size_t p, ha = 0, hb = 0;

	run(a, la, &ha);
	run(b, lb, &hb);
	for(p = 0; p < PAIRS; p++) {
		if(p % 2 == 0) {
			x = run(a, la, &ha);
			y = run(b, lb, &hb);
		} else {
			y = run(b, lb, &hb);
			x = run(a, la, &ha);
		}
		ta[p] = x;
		tb[p] = y;
		ratio[p] = y / x;
	}
	printf("%-18s %9.1f %9.1f %7.2f   %5.1f%% %5.1f%%\n", label, median(ta, PAIRS),
		median(tb, PAIRS), median(ratio, PAIRS), 100.0 * (double)ha / (double)la->n,
		100.0 * (double)hb / (double)lb->n);
	fflush(stdout);
}

/* ---------------------------------------------------------------------------------------- */
/* Building.                                                                                 */

/**
 * A field of /proc/self/status in kB.
 * @param key: "VmRSS:" or "VmHWM:".
 * @return: the value, 0 if not known.
 */
static long
status_kb(const char* key)
{
	char line[256];
	long v = 0;
	FILE* f = fopen("/proc/self/status", "r");

	if(!f)
		return 0;
	while(fgets(line, sizeof(line), f))
		if(strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

/**
 * Build a matcher over protected names, timing it and its resident memory.
 * @param s: the side; d, prot and np set, the rest filled.
 */
static void
build(struct side* s)
{
	struct tg_name n;
	double t0;
	size_t i;
	long rss0 = status_kb("VmRSS:");

	t0 = now_ns();
	s->m = s->d->create(s->np);
	for(i = 0; s->m && i < s->np; i++)
		if(tg_name_from_str(&n, s->prot + i * PROT_ROOM, NULL, NULL) != TG_OK ||
			s->d->add(s->m, &n, (uint32_t)i) != TG_OK)
			fprintf(stderr, "cannot add %s\n", s->prot + i * PROT_ROOM);
	if(!s->m || s->d->finish(s->m) != TG_OK) {
		fprintf(stderr, "cannot build the matcher\n");
		exit(1);
	}
	s->build_s = (now_ns() - t0) / 1e9;
	s->rss = (double)(status_kb("VmRSS:") - rss0) * 1024.0;
}

/**
 * Print how a side was built.
 * @param s: the side.
 */
static void
print_build(const struct side* s)
{
	printf("%s, %zu names: built in %.2f s; matcher_memory %.1f MiB, resident +%.1f MiB\n",
		s->d->name, s->np, s->build_s, (double)s->d->memory(s->m) / 1048576.0,
		s->rss / 1048576.0);
}

/**
 * Compare two sides on every kind of lookup, cold and zipf.
 * @param a: side A.
 * @param b: side B.
 * @param same: 1 if both have the same protected names (and so the same lookups).
 */
static void
compare_all(const struct side* a, const struct side* b, int same)
{
	struct lookups la, lb;
	char label[64];
	const char* only = getenv("TG_BENCH_ONLY");
	uint64_t seed;
	int k, zipf;

	printf("%-18s %9s %9s %7s   %6s %6s\n", "lookups", "A ns", "B ns", "B/A",
		"A typo", "B typo");
	for(zipf = 0; zipf <= 1; zipf++)
		for(k = 0; k < K_KINDS; k++) {
			snprintf(label, sizeof(label), "%s %s", zipf ? "zipf" : "cold",
				kind_name[k]);
			if(only && !strstr(label, only))
				continue;
			seed = 0x2545f4914f6cdd1dULL * (uint64_t)(k + 1 + 8 * zipf);
			rng = seed;
			make_names(&la, zipf ? ZIPF_NAMES : COLD_NAMES, (enum kind)k, a->prot,
				a->np);
			rng = seed;
			make_names(&lb, zipf ? ZIPF_NAMES : COLD_NAMES, (enum kind)k, b->prot,
				b->np);
			if(zipf) {
				rng = seed;
				order_zipf(&la, ZIPF_LOOKUPS);
				rng = seed;
				order_zipf(&lb, ZIPF_LOOKUPS);
			} else {
				rng = seed;
				order_cold(&la);
				rng = seed;
				order_cold(&lb);
			}
			lay_out(&la);
			lay_out(&lb);
			compare(label, a, &la, b, same ? &la : &lb);
			lookups_free(&la);
			lookups_free(&lb);
		}
}

/**
 * The sizes command: a small policy against a big one, same design.
 * @param small: names of the small policy.
 * @param big: names of the big one.
 * @return: exit status.
 */
static int
cmd_sizes(size_t small, size_t big)
{
	struct side a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.d = b.d = &design_cur;
	rng = 0x853c49e6748fea9bULL;
	a.np = small;
	a.prot = make_protected(small);
	rng = 0x853c49e6748fea9bULL;
	b.np = big;
	b.prot = make_protected(big);
	build(&a);
	build(&b);
	print_build(&a);
	print_build(&b);
	printf("A = %zu protected names, B = %zu; median of %d interleaved pairs; "
		"ns a lookup, wire conversion included\n", small, big, PAIRS);
	compare_all(&a, &b, 0);
	a.d->destroy(a.m);
	b.d->destroy(b.m);
	free(a.prot);
	free(b.prot);
	return 0;
}

/**
 * Whether a name was seen before; remembers it.
 * @param seen: a table of names, 2 * np slots, zeroed.
 * @param slots: its size, a power of two.
 * @param s: the name.
 * @return: 1 if it was.
 */
static int
seen_before(const char** seen, size_t slots, const char* s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char* c;
	size_t i;

	for(c = s; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	for(i = (size_t)h & (slots - 1); seen[i]; i = (i + 1) & (slots - 1))
		if(strcmp(seen[i], s) == 0)
			return 1;
	seen[i] = s;
	return 0;
}

/**
 * The zone command: a policy zone of protected names, each once.
 * @param np: how many.
 * @return: exit status.
 */
static int
cmd_zone(size_t np)
{
	const char** seen;
	char* prot;
	size_t i, slots = 1, written = 0;

	rng = 0x853c49e6748fea9bULL;
	/* drawn with some to spare: the generator repeats a name now and then */
	prot = make_protected(np + np / 4 + 16);
	while(slots < 4 * np)
		slots *= 2;
	if(!(seen = calloc(slots, sizeof(*seen))))
		return 1;
	printf("$ORIGIN policy.typoguard.\n$TTL 3600\n"
		"@ SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 3600\n"
		"@ NS ns.invalid.\n");
	for(i = 0; written < np && i < np + np / 4 + 16; i++)
		if(!seen_before(seen, slots, prot + i * PROT_ROOM)) {
			printf("%s.protect TXT \"action=log\"\n", prot + i * PROT_ROOM);
			written++;
		}
	free(seen);
	free(prot);
	return written == np ? 0 : 1;
}

/**
 * The names command: query names, one a line.
 * @param n: how many.
 * @param kind: their kind.
 * @return: exit status.
 */
static int
cmd_names(size_t n, enum kind kind)
{
	char s[NAME_ROOM];
	struct tg_name name;
	char* prot;
	size_t i;

	rng = 0x853c49e6748fea9bULL;
	prot = make_protected(1000000);
	rng = 0x9e3779b97f4a7c15ULL;
	for(i = 0; i < n; i++) {
		/* an edit can leave an empty label: such a name is drawn again */
		do
			query_name(s, kind, prot, 1000000);
		while(tg_name_from_str(&name, s, NULL, NULL) != TG_OK);
		puts(s);
	}
	free(prot);
	return 0;
}

int
main(int argc, char** argv)
{
	const char* cmd = argc > 1 ? argv[1] : "sizes";
	size_t a = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	size_t b = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
	int k;

	if(strcmp(cmd, "sizes") == 0)
		return cmd_sizes(a ? a : 1000, b ? b : 1000000);
	if(strcmp(cmd, "zone") == 0 && a)
		return cmd_zone(a);
	if(strcmp(cmd, "names") == 0 && a) {
		for(k = 0; k < K_KINDS; k++)
			if(strcmp(argc > 3 ? argv[3] : "typical", kind_name[k]) == 0)
				return cmd_names(a, (enum kind)k);
	}
	fprintf(stderr, "usage: bench_match sizes [SMALL [BIG]] | zone N | "
		"names N [typical|ordinary|typo|below]\n");
	return 2;
}
