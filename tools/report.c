/* tools/report.c - the report command: read the event files, aggregate, suggest, write one format. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/** exit status: wrong usage */
#define RP_EXIT_USAGE 2
/** exit status: a file could not be read, or the report not written */
#define RP_EXIT_IO 1

/** a writer of one format */
struct rp_format {
	/** its name for --format */
	const char* name;
	/** the writer */
	int (*write)(const struct rp_report* r, const struct rp_output* o, FILE* out);
	/** typos listed per protected name when --top is not given (0: all) */
	size_t top;
};

/** the formats; the first is the default */
static const struct rp_format rp_formats[] = {
	{ "text", &rp_write_text, 10 },
	{ "json", &rp_write_json, 0 },
	{ "csv", &rp_write_csv, 0 },
	{ "html", &rp_write_html, 15 },
	{ "rpz", &rp_write_rpz, 0 },
	{ "policy", &rp_write_policy, 0 },
	{ NULL, NULL, 0 }
};

int
rp_report_init(struct rp_report* r, const struct rp_filter* f)
{
	memset(r, 0, sizeof(*r));
	r->filter = *f;
	r->from = RP_NO_TIME;
	r->to = RP_NO_TIME;
	return 0;
}

void
rp_report_free(struct rp_report* r)
{
	uint32_t i;
	for(i = 0; i < r->ntypos; i++)
		free(r->typos[i].counts);
	for(i = 0; i < r->nprots; i++)
		free(r->prots[i].typos);
	free(r->typos);
	free(r->prots);
	free(r->clients);
	free(r->serials);
	free(r->prot_of);
	free(r->client_of);
	free(r->typo_of);
	rp_strtab_free(&r->strs);
	rp_map_free(&r->typo_idx);
	rp_map_free(&r->seen);
	rp_map_free(&r->hours);
}

const char*
rp_str(const struct rp_report* r, uint32_t sid)
{
	return sid && sid < r->strs.n ? r->strs.str[sid] : "";
}

uint64_t
rp_typo_count(const struct rp_typo* t, enum rp_kind kind, uint32_t sid)
{
	uint32_t i;
	for(i = 0; i < t->ncounts; i++)
		if(t->counts[i].kind == (uint32_t)kind && t->counts[i].sid == sid)
			return t->counts[i].n;
	return 0;
}

/** order typos: more lookups first, then by name */
static int
rp_typo_cmp(const void* a, const void* b, void* arg)
{
	const struct rp_report* r = arg;
	const struct rp_typo *x = &r->typos[*(const uint32_t*)a], *y = &r->typos[*(const uint32_t*)b];
	if(x->lookups != y->lookups)
		return x->lookups > y->lookups ? -1 : 1;
	return strcmp(rp_str(r, x->name), rp_str(r, y->name));
}

/** order protected names: more lookups first, then by name */
static int
rp_prot_cmp(const void* a, const void* b, void* arg)
{
	const struct rp_report* r = arg;
	const struct rp_prot *x = a, *y = b;
	if(x->lookups != y->lookups)
		return x->lookups > y->lookups ? -1 : 1;
	return strcmp(rp_str(r, x->name), rp_str(r, y->name));
}

int
rp_finish(struct rp_report* r)
{
	uint32_t i, j;
	if(rp_count_pairs(r) != 0)
		return -1;
	for(i = 0; i < r->nprots; i++)
		if(rp_flush_hour(r, &r->prots[i]) != 0)
			return -1;
	/* the typos keep the index of their protected name: renumber after sorting */
	if(r->nprots)
		qsort_r(r->prots, r->nprots, sizeof(*r->prots), &rp_prot_cmp, r);
	for(i = 0; i < r->nprots; i++) {
		if(r->prots[i].ntypos)
			qsort_r(r->prots[i].typos, r->prots[i].ntypos, sizeof(uint32_t),
				&rp_typo_cmp, r);
		for(j = 0; j < r->prots[i].ntypos; j++)
			r->typos[r->prots[i].typos[j]].prot = i;
	}
	return rp_suggest(r);
}

/** print the usage of the command */
static void
rp_usage(FILE* out)
{
	fprintf(out,
	"usage: typoguard report [--format text|json|csv|html|rpz|policy] [--since T]\n"
	"                        [--until T] [--protected NAME]... [--top N]\n"
	"                        [--suggested] [FILE...]\n"
	"\n"
	"Read event files (JSON lines as the module writes them; .gz read as is;\n"
	"- or none for standard input) and write one report: per protected name\n"
	"and typo name, lookups, clients, networks, sites, query types, actions,\n"
	"response codes, where the answers pointed; and suggestions (block, allow,\n"
	"protect with nxdomain), each with its reason. See typoguard(1).\n"
	"  --format F      text (default), json, csv, html (one self-contained page),\n"
	"                  rpz (a Response Policy Zone of the typo names seen),\n"
	"                  policy (the suggestions as policy zone lines)\n"
	"  --since T       only lookups at or after T (RFC 3339, or YYYY-MM-DD)\n"
	"  --until T       only lookups before T\n"
	"  --protected N   only typos of this protected name; may repeat\n"
	"  --top N         typo names listed per protected name (0: all)\n"
	"  --suggested     rpz: only the names suggested for blocking\n");
}

/** the options of the command, read */
struct rp_args {
	/** the writer */
	const struct rp_format* format;
	/** what is kept */
	struct rp_filter filter;
	/** what the writer is asked */
	struct rp_output out;
	/** whether --top was given */
	int top_given;
};

/** read a time option; -1 with a message if it is not a time */
static int
rp_time_opt(const char* opt, const char* s, int64_t* t)
{
	if(rp_time_parse(s, strlen(s), t) == 0)
		return 0;
	fprintf(stderr, "typoguard: %s %s: not a time (RFC 3339, as 2026-11-28T22:05:24Z, "
		"or a date, as 2026-11-28)\n", opt, s);
	return -1;
}

/** read one option; -1 to stop with RP_EXIT_USAGE */
static int
rp_option(struct rp_args* a, int c, char** argv)
{
	const struct rp_format* f;
	const char** p;
	char* end;
	(void)argv;
	switch(c) {
	case 'f':
		for(f = rp_formats; f->name && strcmp(f->name, optarg) != 0; f++)
			;
		if(!f->name) {
			fprintf(stderr, "typoguard: --format %s: not one of text, json, csv, html, "
				"rpz, policy\n", optarg);
			return -1;
		}
		a->format = f;
		return 0;
	case 's':
		return rp_time_opt("--since", optarg, &a->filter.since);
	case 'u':
		return rp_time_opt("--until", optarg, &a->filter.until);
	case 'p':
		if(!(p = realloc(a->filter.protected_, (a->filter.nprotected + 1) * sizeof(*p))))
			return -1;
		a->filter.protected_ = p;
		p[a->filter.nprotected++] = optarg;
		return 0;
	case 't':
		errno = 0;
		a->out.top = (size_t)strtoul(optarg, &end, 10);
		if(errno || *end || !*optarg || *optarg == '-') {
			fprintf(stderr, "typoguard: --top %s: not a number\n", optarg);
			return -1;
		}
		a->top_given = 1;
		return 0;
	case 'S':
		a->out.suggested = 1;
		return 0;
	default:
		rp_usage(stderr);
		return -1;
	}
}

/** read the options; returns -1 to go on, else the exit status */
static int
rp_options(int argc, char** argv, struct rp_args* a)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"protected", required_argument, NULL, 'p'},
		{"top", required_argument, NULL, 't'},
		{"suggested", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int c;
	a->format = &rp_formats[0];
	a->filter.since = RP_NO_TIME;
	a->filter.until = RP_NO_TIME;
	while((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if(c == 'h') {
			rp_usage(stdout);
			return 0;
		}
		if(rp_option(a, c, argv) != 0)
			return RP_EXIT_USAGE;
	}
	if(a->out.suggested && strcmp(a->format->name, "rpz") != 0) {
		fprintf(stderr, "typoguard: --suggested goes with --format rpz\n");
		return RP_EXIT_USAGE;
	}
	if(!a->top_given)
		a->out.top = a->format->top;
	return -1;
}

/** read every file, finish the report and write it; returns the exit status */
static int
rp_run(struct rp_report* r, const struct rp_args* a, int nfiles, char** files)
{
	int i;
	if(nfiles == 0 && rp_read_file(r, "-") != 0)
		return RP_EXIT_IO;
	for(i = 0; i < nfiles; i++)
		if(rp_read_file(r, files[i]) != 0)
			return RP_EXIT_IO;
	if(rp_finish(r) != 0) {
		fprintf(stderr, "typoguard: out of memory\n");
		return RP_EXIT_IO;
	}
	if(a->format->write(r, &a->out, stdout) != 0 || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "typoguard: standard output: %s\n", strerror(errno));
		return RP_EXIT_IO;
	}
	return 0;
}

int
tg_cmd_report(int argc, char** argv)
{
	struct rp_args a;
	struct rp_report r;
	int status;
	memset(&a, 0, sizeof(a));
	if((status = rp_options(argc, argv, &a)) >= 0) {
		free(a.filter.protected_);
		return status;
	}
	if(rp_report_init(&r, &a.filter) != 0) {
		fprintf(stderr, "typoguard: out of memory\n");
		free(a.filter.protected_);
		return RP_EXIT_IO;
	}
	status = rp_run(&r, &a, argc - optind, argv + optind);
	rp_report_free(&r);
	free(a.filter.protected_);
	return status;
}
