/* tests/bench_match.c - time the matcher: load time, memory, and cost per query name. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Not a test: timings never decide pass or fail. Usage:
 *   bench_match [protected-names [distinct-queries]]
 * e.g. "bench_match 1000" and "bench_match 1000000", each in its own process so that the
 * resident set is the matcher's (defaults: 1000000 names, 200000 queries).
 *
 * Protected names look like real ones: "word.com", "word.co.uk", "sub.word.org",
 * "word-word.net", "word.mil", "word.de", with pronounceable made-up words. Queries come in
 * three kinds: ordinary names (www.example.com, mail.google.com, api.github.com, ...,
 * www.<word>.com), typo hits (a protected name with one random edit, letters, digits, '-'
 * or '.', half of them below "www." or "mail.") and names below a protected name.
 * The mix is 45% ordinary, 45% typo hits, 10% below. Each query is converted from wire form
 * and matched, as the module does; the conversion alone is timed too.
 *
 * "cold" looks up every distinct query in turn, so a big matcher is read from memory;
 * "hot" cycles over 256 names, as a resolver sees popular names again and again. Each
 * figure is the best of 5 runs, as the machine's own noise only ever adds time.
 *
 * Build: gcc -O2 -I. -Imodule tests/bench_match.c module/match.c module/name.c \
 *   module/error.c -o bench_match
 */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "match.h"
#include "rnd.h"
#include "name.h"

/** distinct names of the hot run */
#define HOT 256
/** runs of each timing, of which the best is kept */
#define RUNS 5
/** lookups a timing run makes at least */
#define MIN_LOOKUPS 1000000

/** query kinds */
enum kind { K_ORDINARY, K_TYPO, K_BELOW, K_MIXED };
/** names of the kinds */
static const char* kind_name[] = { "ordinary", "typo hits", "below protected", "mix" };

/** One query, kept in wire form as the module gets it. */
struct query {
	/** the wire name, in a shared buffer, so that queries sit close together */
	const uint8_t* wire;
	/** its length */
	size_t len;
};


/** @return: monotonic time in nanoseconds. */
static double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
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
 * @param out: receives it; 128 bytes.
 */
static void
protected_name(char* out)
{
	char a[32], b[32];
	uint32_t r = rnd() % 20;

	word(a);
	word(b);
	if(r < 10)
		snprintf(out, 128, "%s.com", a);
	else if(r < 13)
		snprintf(out, 128, "%s.co.uk", a);
	else if(r < 16)
		snprintf(out, 128, "%s.%s.org", b, a);
	else if(r < 18)
		snprintf(out, 128, "%s-%s.net", a, b);
	else
		snprintf(out, 128, "%s.%s", a, r == 18 ? "mil" : "de");
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
 * A query name of a kind.
 * @param out: receives it; 300 bytes.
 * @param kind: the kind; K_MIXED picks one.
 * @param prot: the protected names' text, 128 bytes each.
 * @param np: their number.
 */
static void
query_name(char* out, enum kind kind, const char* prot, size_t np)
{
	static const char* known[] = { "www.example.com", "mail.google.com", "www.google.com",
		"api.github.com", "fonts.gstatic.com", "outlook.office365.com",
		"a1234.dscb.akamai.net", "www.wikipedia.org", "time.apple.com",
		"clients4.google.com", "ocsp.digicert.com", "s3.eu-west-1.amazonaws.com",
		"login.microsoftonline.com", "www.bbc.co.uk", "cdn.jsdelivr.net" };
	static const char* pre[] = { "www", "mail", "api", "cdn", "static", "login" };
	static const char* tld[] = { "com", "net", "org", "io", "co.uk", "de" };
	char w[32], t[300];
	uint32_t r = rnd() % 20;

	if(kind == K_MIXED)
		kind = r < 9 ? K_ORDINARY : r < 18 ? K_TYPO : K_BELOW;
	if(kind == K_ORDINARY && rnd() % 3 == 0) {
		snprintf(out, 300, "%s", known[rnd() % (sizeof(known) / sizeof(known[0]))]);
	} else if(kind == K_ORDINARY) {
		word(w);
		snprintf(out, 300, "%s.%s.%s", pre[rnd() % 6], w, tld[rnd() % 6]);
	} else if(kind == K_TYPO) {
		snprintf(t, sizeof(t), "%s", prot + (rnd() % np) * 128);
		edit(t);
		r = rnd() % 4;
		snprintf(out, 300, "%s%s", r == 0 ? "www." : r == 1 ? "mail." : "", t);
	} else {
		snprintf(out, 300, "www.%s", prot + (rnd() % np) * 128);
	}
}

/**
 * Make queries of a kind.
 * @param q: receives them.
 * @param nq: how many.
 * @param kind: their kind.
 * @param prot: the protected names' text, 128 bytes each.
 * @param np: their number.
 * @param buf: receives their wire forms, one after another; nq * TG_WIRE_MAX bytes.
 */
static void
make_queries(struct query* q, size_t nq, enum kind kind, const char* prot, size_t np,
	uint8_t* buf)
{
	char s[300];
	struct tg_name n;
	size_t i, len = 0;

	for(i = 0; i < nq; i++) {
		do
			query_name(s, kind, prot, np);
		while(tg_name_from_str(&n, s, buf, &len) != TG_OK);
		q[i].wire = buf;
		q[i].len = len;
		buf += len;
	}
}

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
 * Build the matcher, timing it.
 * @param prot: the protected names' text, 128 bytes each.
 * @param np: their number.
 * @return: the matcher.
 */
static struct tg_matcher*
load(const char* prot, size_t np)
{
	struct tg_matcher* m;
	struct tg_name n;
	double t0, t1, t2;
	size_t i;
	long rss0 = status_kb("VmRSS:");

	t0 = now_ns();
	m = tg_matcher_new(np);
	for(i = 0; m && i < np; i++)
		if(tg_name_from_str(&n, prot + i * 128, NULL, NULL) != TG_OK ||
			tg_matcher_add_protected(m, &n, (uint32_t)i) != TG_OK)
			fprintf(stderr, "cannot add %s\n", prot + i * 128);
	t1 = now_ns();
	if(!m || tg_matcher_finish(m) != TG_OK) {
		fprintf(stderr, "cannot build the matcher\n");
		exit(1);
	}
	t2 = now_ns();
	printf("load: %.3f s (parse and add %.3f s, finish %.3f s); matcher %.1f MiB; "
		"RSS +%.1f MiB, peak RSS of the process %.1f MiB\n", (t2 - t0) / 1e9,
		(t1 - t0) / 1e9, (t2 - t1) / 1e9, (double)tg_matcher_memory(m) / 1048576.0,
		(double)(status_kb("VmRSS:") - rss0) / 1024.0,
		(double)status_kb("VmHWM:") / 1024.0);
	return m;
}

/**
 * Time lookups: every query converted from wire form and, unless m is NULL, matched.
 * @param m: the matcher, or NULL to time the conversion alone.
 * @param q: the queries.
 * @param nq: their number.
 * @param typos: receives the number of typo verdicts in one pass.
 * @return: the best of RUNS runs, in ns a name.
 */
static double
timed(const struct tg_matcher* m, const struct query* q, size_t nq, size_t* typos)
{
	size_t passes = MIN_LOOKUPS / nq + 1, i, p, r, hits = 0;
	struct tg_name n;
	struct tg_match out;
	double best = 0, t0, t;

	for(r = 0; r < RUNS; r++) {
		hits = 0;
		t0 = now_ns();
		for(p = 0; p < passes; p++)
			for(i = 0; i < nq; i++) {
				tg_name_from_wire(&n, q[i].wire, q[i].len);
				if(m)
					hits += tg_matcher_match(m, &n, &out) == TG_VERDICT_TYPO;
				else
					hits += n.len;
			}
		t = (now_ns() - t0) / (double)(passes * nq);
		if(r == 0 || t < best)
			best = t;
	}
	*typos = hits / passes;
	return best;
}

int
main(int argc, char** argv)
{
	size_t np = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	size_t nq = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000, i, typos;
	char* prot = malloc(np * 128);
	struct query* q = malloc(nq * sizeof(*q));
	uint8_t* buf = malloc(nq * TG_WIRE_MAX);
	struct tg_matcher* m;
	int k;

	rng = 0x853c49e6748fea9bULL;

	if(!prot || !q || !buf || np == 0 || nq < HOT)
		return 1;
	for(i = 0; i < np; i++)
		protected_name(prot + i * 128);
	printf("%zu protected names\n", np);
	m = load(prot, np);
	for(k = K_ORDINARY; k <= K_MIXED; k++) {
		make_queries(q, nq, (enum kind)k, prot, np, buf);
		printf("cold %-15s %7.1f ns/name", kind_name[k], timed(m, q, nq, &typos));
		printf(" (%zu names, %zu typos)\n", nq, typos);
	}
	printf("hot  %-15s %7.1f ns/name", kind_name[K_MIXED], timed(m, q, HOT, &typos));
	printf(" (%d names, %zu typos)\n", HOT, typos);
	printf("from_wire alone      %7.1f ns/name\n", timed(NULL, q, nq, &typos));
	tg_matcher_free(m);
	free(q);
	free(buf);
	free(prot);
	return 0;
}
