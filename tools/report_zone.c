/* tools/report_zone.c - zone text out of the report: an RPZ of the typo names, and the suggestions as policy lines. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <string.h>
#include "report.h"

/** room for a reason or a policy line */
#define RP_LINE_TEXT 1400
/** TTL of the RPZ records: resolvers pick changes up within it */
#define RP_RPZ_TTL 300

void
rp_rpz_head(FILE* out, const char* what, uint32_t serial)
{
	fprintf(out, "; Response Policy Zone written by typoguard %s: %s.\n"
		"; Each name and everything below it answers NXDOMAIN (CNAME .). Load it as an\n"
		"; RPZ in BIND, Knot Resolver, PowerDNS Recursor or Unbound (rpz: with\n"
		"; module-config: \"respip validator iterator\"); names are relative to the zone.\n"
		"$TTL %d\n"
		"@ SOA localhost. hostmaster.localhost. %u 3600 600 86400 %d\n"
		"@ NS localhost.\n", PACKAGE_VERSION, what, RP_RPZ_TTL, serial, RP_RPZ_TTL);
}

void
rp_rpz_name(FILE* out, const char* name)
{
	fprintf(out, "%s CNAME .\n*.%s CNAME .\n", name, name);
}

/** a serial for a zone made of the events: the time of the last one, in seconds */
static uint32_t
rp_serial(const struct rp_report* r)
{
	if(r->to == RP_NO_TIME || r->to / RP_USEC <= 0)
		return 1;
	return (uint32_t)(r->to / RP_USEC);
}

int
rp_write_rpz(const struct rp_report* r, const struct rp_output* o, FILE* f)
{
	struct rp_map done;
	uint32_t i, j;
	int added;
	memset(&done, 0, sizeof(done));
	rp_rpz_head(f, o->suggested ? "the typo names typoguard report suggests blocking" :
		"the typo names of the events read, those suggested for allow left out",
		rp_serial(r));
	for(i = 0; i < r->nprots; i++)
	for(j = 0; j < r->prots[i].ntypos; j++) {
		const struct rp_typo* t = &r->typos[r->prots[i].typos[j]];
		if(t->suggestion == RP_SUGGEST_ALLOW ||
			(o->suggested && t->suggestion != RP_SUGGEST_BLOCK))
			continue;
		/* a typo of two protected names is written once */
		if(!rp_map_put(&done, t->name, &added)) {
			rp_map_free(&done);
			return -1;
		}
		if(added)
			rp_rpz_name(f, rp_str(r, t->name));
	}
	rp_map_free(&done);
	return ferror(f) ? -1 : 0;
}

int
rp_write_policy(const struct rp_report* r, const struct rp_output* o, FILE* f)
{
	char reason[RP_LINE_TEXT], line[RP_LINE_TEXT], a[RP_TIME_MAX], b[RP_TIME_MAX];
	uint32_t i, j, blocks = 0;
	(void)o;
	rp_time_str(a, r->from == RP_NO_TIME ? 0 : r->from);
	rp_time_str(b, r->to == RP_NO_TIME ? 0 : r->to);
	fprintf(f, "; typoguard report: suggestions for the policy zone, from %llu lookups, %s to %s.\n"
		"; Review each line and its reason before adding it to the policy zone (names are\n"
		"; relative to the zone's origin).\n", (unsigned long long)r->events, a, b);
	for(i = 0; i < r->nprots; i++) {
		const struct rp_prot* p = &r->prots[i];
		if(p->suggestion) {
			rp_reason(r, NULL, p, reason, sizeof(reason));
			rp_policy_line(r, NULL, p, line, sizeof(line));
			fprintf(f, "; protect with nxdomain: %s\n%s\n", reason, line);
		}
		for(j = 0; j < p->ntypos; j++) {
			const struct rp_typo* t = &r->typos[p->typos[j]];
			if(t->suggestion == RP_SUGGEST_BLOCK)
				blocks++;
			if(t->suggestion != RP_SUGGEST_ALLOW)
				continue;
			rp_reason(r, t, p, reason, sizeof(reason));
			rp_policy_line(r, t, p, line, sizeof(line));
			fprintf(f, "; allow: %s\n%s\n", reason, line);
		}
	}
	if(blocks)
		fprintf(f, "; %u typo names are suggested for blocking: a policy blocks by protected\n"
			"; name, so they are in typoguard report --format rpz --suggested instead.\n",
			blocks);
	return ferror(f) ? -1 : 0;
}
