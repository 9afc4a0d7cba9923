/* tools/report_suggest.c - the rules that turn the aggregates into suggestions: block, allow, protect with nxdomain. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdio.h>
#include <string.h>
#include "report.h"

const char*
rp_suggest_str(int s)
{
	switch(s) {
	case RP_SUGGEST_BLOCK: return "block";
	case RP_SUGGEST_ALLOW: return "allow";
	case RP_SUGGEST_NXDOMAIN: return "nxdomain";
	default: return NULL;
	}
}

/** whether the name resolves: answered NOERROR under log, or found upstream by a follow-up */
static int
rp_exists(const struct rp_typo* t)
{
	return t->noerror_log > 0 || t->upstream_noerror > 0;
}

/** the allow rule: many unrelated clients, steadily, a name that resolves, little mail */
static int
rp_allow(const struct rp_typo* t)
{
	return t->clients >= RP_ALLOW_MIN_CLIENTS && t->networks >= RP_ALLOW_MIN_NETWORKS &&
		t->days >= RP_ALLOW_MIN_DAYS && rp_exists(t) &&
		t->mx * 100 <= t->lookups * RP_ALLOW_MAX_MX_PERCENT;
}

/** the block rule: logged, exists upstream, mail, several clients */
static int
rp_block(const struct rp_typo* t)
{
	return t->logged > 0 && rp_exists(t) && (t->mx_records > 0 || t->mx > 0) &&
		t->clients >= RP_BLOCK_MIN_CLIENTS;
}

int
rp_suggest(struct rp_report* r)
{
	uint32_t i, j;
	for(i = 0; i < r->nprots; i++) {
		struct rp_prot* p = &r->prots[i];
		p->mx_leaks = 0;
		for(j = 0; j < p->ntypos; j++) {
			struct rp_typo* t = &r->typos[p->typos[j]];
			t->suggestion = rp_allow(t) ? RP_SUGGEST_ALLOW :
				rp_block(t) ? RP_SUGGEST_BLOCK : RP_SUGGEST_NONE;
			if(t->suggestion != RP_SUGGEST_ALLOW)
				p->mx_leaks += t->mx_answered;
		}
		p->suggestion = p->logged > 0 && p->mx_leaks >= RP_NXDOMAIN_MIN_MX_LEAKS &&
			p->mx_leak_clients >= RP_NXDOMAIN_MIN_CLIENTS ? RP_SUGGEST_NXDOMAIN :
			RP_SUGGEST_NONE;
	}
	return 0;
}

/** "N of M lookups" with a percentage, into buf */
static void
rp_share(char* buf, size_t size, uint64_t n, uint64_t of)
{
	snprintf(buf, size, "%llu of %llu (%llu%%)", (unsigned long long)n,
		(unsigned long long)of, (unsigned long long)(of ? (n * 100 + of / 2) / of : 0));
}

/** the reason of a block suggestion */
static void
rp_reason_block(const struct rp_report* r, const struct rp_typo* t, char* buf, size_t size)
{
	char share[64];
	rp_share(share, sizeof(share), t->noerror_log, t->logged);
	snprintf(buf, size, "%s exists upstream (%s logged lookups answered NOERROR%s); mail: "
		"%llu MX lookups, %llu MX records in answers; asked by %llu clients",
		rp_str(r, t->name), share, t->upstream_noerror ? ", and found by follow-ups" : "",
		(unsigned long long)t->mx, (unsigned long long)t->mx_records,
		(unsigned long long)t->clients);
}

/** the reason of an allow suggestion */
static void
rp_reason_allow(const struct rp_report* r, const struct rp_typo* t, char* buf, size_t size)
{
	char share[64];
	rp_share(share, sizeof(share), t->mx, t->lookups);
	snprintf(buf, size, "%s: %llu clients from %llu networks on %llu days, resolves, MX %s of "
		"lookups: very likely a legitimate site one edit from %s",
		rp_str(r, t->name), (unsigned long long)t->clients,
		(unsigned long long)t->networks, (unsigned long long)t->days, share,
		rp_str(r, r->prots[t->prot].name));
}

void
rp_reason(const struct rp_report* r, const struct rp_typo* t, const struct rp_prot* p,
	char* buf, size_t size)
{
	if(t && t->suggestion == RP_SUGGEST_BLOCK)
		rp_reason_block(r, t, buf, size);
	else if(t && t->suggestion == RP_SUGGEST_ALLOW)
		rp_reason_allow(r, t, buf, size);
	else if(!t && p->suggestion == RP_SUGGEST_NXDOMAIN)
		snprintf(buf, size, "typos of %s leak mail: %llu MX lookups answered under "
			"action=log, by %llu clients", rp_str(r, p->name),
			(unsigned long long)p->mx_leaks, (unsigned long long)p->mx_leak_clients);
	else
		snprintf(buf, size, "no suggestion");
}

/** copy text into a TXT string, '"' and '\\' escaped; returns the length written */
static size_t
rp_txt_escape(char* out, size_t size, const char* s)
{
	size_t o = 0;
	for(; *s && o + 3 < size; s++) {
		if(*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = 0;
	return o;
}

void
rp_policy_line(const struct rp_report* r, const struct rp_typo* t, const struct rp_prot* p,
	char* buf, size_t size)
{
	char reason[512], esc[1100];
	if(t && t->suggestion == RP_SUGGEST_ALLOW) {
		snprintf(reason, sizeof(reason), "reason=typoguard report: %llu clients, %llu "
			"networks, %llu days, resolves", (unsigned long long)t->clients,
			(unsigned long long)t->networks, (unsigned long long)t->days);
		rp_txt_escape(esc, sizeof(esc), reason);
		snprintf(buf, size, "%s.allow TXT \"%s\"", rp_str(r, t->name), esc);
	} else if(t && t->suggestion == RP_SUGGEST_BLOCK)
		snprintf(buf, size, "%s CNAME .", rp_str(r, t->name));
	else if(!t && p->suggestion == RP_SUGGEST_NXDOMAIN)
		snprintf(buf, size, "%s.protect TXT \"action=nxdomain\"", rp_str(r, p->name));
	else
		buf[0] = 0;
}
