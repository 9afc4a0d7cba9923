/* bench/bench_load.c - time loading a policy zone, and the floor ldns alone sets for it. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Not a test. Usage:
 *   bench_load policy ZONE...   load the zones with tg_policy_load(), as the module's init
 *                               does: wall and CPU seconds, names, memory
 *   bench_load ldns ZONE...     only read every record with ldns_rr_new_frm_fp_l() and free
 *                               it: the least a loader built on ldns can take
 * Run each in its own process, so that the peak resident set is the load's own.
 * Output, one line: "<what> <seconds> s (cpu <seconds> s), <names> names, peak RSS <MiB> MiB,
 * policy memory <MiB> MiB".
 */

#include "tgconfig.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <ldns/ldns.h>
#include "policy.h"

/**
 * A clock, in seconds.
 * @param id: CLOCK_MONOTONIC or CLOCK_PROCESS_CPUTIME_ID.
 * @return: the time.
 */
static double
seconds(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * The peak resident set of this process.
 * @return: MiB.
 */
static double
peak_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/**
 * Read every record of a zone file with ldns and free it.
 * @param path: the file.
 * @return: records read, or -1 on error.
 */
static long
ldns_only(const char* path)
{
	FILE* fp = fopen(path, "r");
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 1;
	long n = 0;
	ldns_status s;

	if(!fp)
		return -1;
	while(!feof(fp)) {
		ldns_rr* rr = NULL;
		s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		if(s == LDNS_STATUS_OK)
			n++;
		else if(s != LDNS_STATUS_SYNTAX_EMPTY && s != LDNS_STATUS_SYNTAX_TTL &&
			s != LDNS_STATUS_SYNTAX_ORIGIN && !feof(fp)) {
			fprintf(stderr, "%s:%d: %s\n", path, line, ldns_get_errorstr_by_id(s));
			n = -1;
			break;
		}
		ldns_rr_free(rr);
	}
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	fclose(fp);
	return n;
}

int
main(int argc, char** argv)
{
	double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), mem = 0;
	struct tg_policy* p = NULL;
	struct tg_error err;
	long n = 0, r;
	int i;

	if(argc < 3 || (strcmp(argv[1], "policy") != 0 && strcmp(argv[1], "ldns") != 0)) {
		fprintf(stderr, "usage: bench_load policy|ldns ZONE...\n");
		return 2;
	}
	memset(&err, 0, sizeof(err));
	if(strcmp(argv[1], "policy") == 0) {
		if(tg_policy_load((const char* const*)argv + 2, (size_t)argc - 2, NULL, &p,
			&err) != TG_OK) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		n = (long)p->count;
		mem = (double)tg_policy_memory(p) / 1048576.0;
	} else {
		for(i = 2; i < argc; i++) {
			if((r = ldns_only(argv[i])) < 0)
				return 1;
			n += r;
		}
	}
	printf("%s %.2f s (cpu %.2f s), %ld names, peak RSS %.0f MiB, policy memory %.0f MiB\n",
		argv[1], seconds(CLOCK_MONOTONIC) - t0, seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, n,
		peak_mib(), mem);
	tg_policy_free(p);
	return 0;
}
