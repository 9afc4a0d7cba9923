/* tools/report_text.c - the report as text for a terminal, and as CSV, one row per typo name. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <string.h>
#include "report.h"

/** room for a reason or a policy line */
#define RP_LINE_TEXT 1400

/** a count as unsigned long long, for printf */
#define ULL(n) ((unsigned long long)(n))

/** "YYYY-MM-DD HH:MM" of a time, or "-" */
static const char*
rp_short_time(char* buf, int64_t t)
{
	if(t == RP_NO_TIME || t == INT64_MAX || t == INT64_MIN)
		return "-";
	rp_time_str(buf, t);
	buf[10] = ' ';
	buf[16] = 0;
	return buf;
}

/** the most frequent value of a typo's table, or "-" */
static const char*
rp_top_value(const struct rp_report* r, const struct rp_typo* t, enum rp_kind kind)
{
	uint32_t i, best = UINT32_MAX;
	for(i = 0; i < t->ncounts; i++)
		if(t->counts[i].kind == (uint32_t)kind &&
			(best == UINT32_MAX || t->counts[i].n > t->counts[best].n))
			best = i;
	return best == UINT32_MAX ? "-" : rp_str(r, t->counts[best].sid);
}

/** the suggestions, each with its reason and the line to use */
static void
rp_text_suggestions(const struct rp_report* r, FILE* f)
{
	char reason[RP_LINE_TEXT], line[RP_LINE_TEXT];
	uint32_t i, j, n = 0;
	fprintf(f, "\nsuggestions (never applied by typoguard; review them):\n");
	for(i = 0; i < r->nprots; i++) {
		const struct rp_prot* p = &r->prots[i];
		if(p->suggestion) {
			rp_reason(r, NULL, p, reason, sizeof(reason));
			rp_policy_line(r, NULL, p, line, sizeof(line));
			fprintf(f, "  protect %s with nxdomain: %s\n      %s\n", rp_str(r, p->name),
				reason, line);
			n++;
		}
		for(j = 0; j < p->ntypos; j++) {
			const struct rp_typo* t = &r->typos[p->typos[j]];
			if(!t->suggestion)
				continue;
			rp_reason(r, t, p, reason, sizeof(reason));
			rp_policy_line(r, t, p, line, sizeof(line));
			fprintf(f, "  %s %s: %s\n      %s\n", rp_suggest_str(t->suggestion),
				rp_str(r, t->name), reason, line);
			n++;
		}
	}
	if(n == 0)
		fprintf(f, "  none\n");
}

int
rp_write_text(const struct rp_report* r, const struct rp_output* o, FILE* f)
{
	char a[RP_TIME_MAX], b[RP_TIME_MAX];
	uint32_t i, j;
	size_t k;
	fprintf(f, "typoguard report: %llu lookups, %llu clients, %s to %s (UTC)\n",
		ULL(r->events), ULL(r->nclients), rp_short_time(a, r->from), rp_short_time(b, r->to));
	fprintf(f, "invalid lines %llu, follow-ups %llu, other events %llu, left out by the "
		"filter %llu; policy serials:", ULL(r->invalid_lines), ULL(r->follow_ups),
		ULL(r->other_events), ULL(r->filtered));
	for(k = 0; k < r->nserials; k++)
		fprintf(f, " %lld", (long long)r->serials[k]);
	fprintf(f, "%s\n", r->nserials ? "" : " none");
	for(i = 0; i < r->nprots; i++) {
		const struct rp_prot* p = &r->prots[i];
		fprintf(f, "\n%s: %llu lookups, %llu clients, %u typo names\n", rp_str(r, p->name),
			ULL(p->lookups), ULL(p->clients), p->ntypos);
		fprintf(f, "  %-28s %8s %7s %5s %5s %4s %6s %-8s %-8s %-16s %s\n", "typo", "lookups",
			"clients", "nets", "sites", "days", "mx", "action", "rcode", "last seen",
			"suggestion");
		for(j = 0; j < p->ntypos && (o->top == 0 || j < o->top); j++) {
			const struct rp_typo* t = &r->typos[p->typos[j]];
			fprintf(f, "  %-28s %8llu %7llu %5llu %5llu %4llu %6llu %-8s %-8s %-16s %s\n",
				rp_str(r, t->name), ULL(t->lookups), ULL(t->clients), ULL(t->networks),
				ULL(t->sites), ULL(t->days), ULL(t->mx), rp_top_value(r, t, RP_ACTION),
				rp_top_value(r, t, RP_RCODE), rp_short_time(a, t->last),
				t->suggestion ? rp_suggest_str(t->suggestion) : "");
		}
		if(o->top && p->ntypos > o->top)
			fprintf(f, "  ... %llu more (--top 0 lists all)\n", ULL(p->ntypos - o->top));
	}
	rp_text_suggestions(r, f);
	return ferror(f) ? -1 : 0;
}

/** write a CSV field, quoted when it holds a comma, quote or line break */
static void
rp_csv_field(FILE* f, const char* s)
{
	const char* c;
	if(!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for(c = s; *c; c++) {
		if(*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fputc('"', f);
}

/** "VALUE=N;VALUE=N" of one of a typo's tables */
static void
rp_csv_counts(FILE* f, const struct rp_report* r, const struct rp_typo* t, enum rp_kind kind)
{
	char buf[4096];
	size_t n = 0;
	uint32_t i;
	buf[0] = 0;
	for(i = 0; i < t->ncounts && n < sizeof(buf); i++)
		if(t->counts[i].kind == (uint32_t)kind)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s=%llu", n ? ";" : "",
				rp_str(r, t->counts[i].sid), ULL(t->counts[i].n));
	rp_csv_field(f, buf);
}

/** the tables of a typo in the CSV's columns, in their order */
static const enum rp_kind rp_csv_tables[] = {
	RP_QTYPE, RP_ACTION, RP_RCODE, RP_UPSTREAM, RP_RCOUNTRY, RP_RAS
};

int
rp_write_csv(const struct rp_report* r, const struct rp_output* o, FILE* f)
{
	char a[RP_TIME_MAX], reason[RP_LINE_TEXT];
	uint32_t i, j;
	size_t k;
	fprintf(f, "protected,typo,lookups,clients,networks,sites,days,mx,mx_records,qtypes,"
		"actions,response_codes,upstream_response_codes,resolved_countries,resolved_as,"
		"edit_op,edit_position,edit_expected,edit_found,first_seen,last_seen,suggestion,"
		"reason\n");
	for(i = 0; i < r->nprots; i++) {
		const struct rp_prot* p = &r->prots[i];
		for(j = 0; j < p->ntypos && (o->top == 0 || j < o->top); j++) {
			const struct rp_typo* t = &r->typos[p->typos[j]];
			rp_csv_field(f, rp_str(r, p->name));
			fputc(',', f);
			rp_csv_field(f, rp_str(r, t->name));
			fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,", ULL(t->lookups),
				ULL(t->clients), ULL(t->networks), ULL(t->sites), ULL(t->days),
				ULL(t->mx), ULL(t->mx_records));
			for(k = 0; k < sizeof(rp_csv_tables) / sizeof(rp_csv_tables[0]); k++) {
				rp_csv_counts(f, r, t, rp_csv_tables[k]);
				fputc(',', f);
			}
			rp_csv_field(f, rp_str(r, t->op));
			if(t->position >= 0)
				fprintf(f, ",%d,", t->position);
			else
				fputs(",,", f);
			rp_csv_field(f, rp_str(r, t->expected));
			fputc(',', f);
			rp_csv_field(f, rp_str(r, t->found));
			fprintf(f, ",%s,", t->lookups ? (rp_time_str(a, t->first), a) : "");
			fprintf(f, "%s,", t->lookups ? (rp_time_str(a, t->last), a) : "");
			fputs(t->suggestion ? rp_suggest_str(t->suggestion) : "", f);
			fputc(',', f);
			if(t->suggestion) {
				rp_reason(r, t, p, reason, sizeof(reason));
				rp_csv_field(f, reason);
			}
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}
