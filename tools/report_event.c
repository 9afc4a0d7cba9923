/* tools/report_event.c - pick the fields of one event line that the report needs, and count them. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "report.h"

/** longest field value the report interns (names, addresses, mnemonics, place names) */
#define RP_FIELD_MAX 1024
/** microseconds in an hour */
#define RP_HOUR_USEC (3600LL * RP_USEC)
/** the kinds in a seen-set key for a typo: clients, days */
enum { RP_SEEN_CLIENT = 1, RP_SEEN_DAY = 3 };
/** in the value of a (typo, client) pair: an MX lookup of the client was answered (log) */
#define RP_PAIR_LEAK 1

/** a string value of the line: its bytes between the quotes */
struct rp_field {
	/** the bytes, NULL when the field is absent */
	const char* s;
	/** their number */
	size_t n;
	/** whether they hold escapes */
	int esc;
};

/** one address an answer pointed to */
struct rp_place {
	/** country code, AS number (text) and AS organisation */
	struct rp_field country, asn, asorg;
};

/** the fields of an event the report uses */
struct rp_event {
	struct rp_field ts, kind, action, module, client_ip, site, country, qname, qtype, rcode,
		protected_, typo, op, expected, found, position;
	/** typoguard.policy.serial, -1 if absent */
	int64_t serial;
	/** MX records in dns.answers */
	int mx_records;
	/** entries of typoguard.resolved seen (at most RP_RESOLVED_MAX) */
	int nres;
	/** typoguard.resolved, in order; last, so that most of the event is cleared at once */
	struct rp_place res[RP_RESOLVED_MAX];
};

/** the members of an event the report reads: their numbers in struct rp_want */
enum rp_field_no {
	RP_F_TS = 1, RP_F_KIND, RP_F_ACTION, RP_F_MODULE, RP_F_CLIENT_IP, RP_F_SITE, RP_F_COUNTRY,
	RP_F_QNAME, RP_F_QTYPE, RP_F_RCODE, RP_F_ANSWER_TYPE, RP_F_PROTECTED, RP_F_TYPO, RP_F_OP,
	RP_F_EXPECTED, RP_F_FOUND, RP_F_POSITION, RP_F_SERIAL, RP_F_RES_COUNTRY, RP_F_RES_ASN,
	RP_F_RES_ASORG
};

/** event.* */
static const struct rp_want rp_want_event[] = {
	RP_WANT("kind", RP_F_KIND, 0, NULL), RP_WANT("action", RP_F_ACTION, 0, NULL),
	RP_WANT("module", RP_F_MODULE, 0, NULL), RP_WANT_END
};
/** client.geo.* */
static const struct rp_want rp_want_client_geo[] = {
	RP_WANT("name", RP_F_SITE, 0, NULL), RP_WANT("country_iso_code", RP_F_COUNTRY, 0, NULL),
	RP_WANT_END
};
/** client.* */
static const struct rp_want rp_want_client[] = {
	RP_WANT("ip", RP_F_CLIENT_IP, 0, NULL), RP_WANT("geo", 0, 0, rp_want_client_geo),
	RP_WANT_END
};
/** dns.question.* */
static const struct rp_want rp_want_question[] = {
	RP_WANT("name", RP_F_QNAME, 0, NULL), RP_WANT("type", RP_F_QTYPE, 0, NULL), RP_WANT_END
};
/** dns.answers[].* */
static const struct rp_want rp_want_answer[] = {
	RP_WANT("type", RP_F_ANSWER_TYPE, 0, NULL), RP_WANT_END
};
/** dns.* */
static const struct rp_want rp_want_dns[] = {
	RP_WANT("question", 0, 0, rp_want_question),
	RP_WANT("response_code", RP_F_RCODE, 0, NULL),
	RP_WANT("answers", 0, 1, rp_want_answer), RP_WANT_END
};
/** typoguard.edit.* */
static const struct rp_want rp_want_edit[] = {
	RP_WANT("op", RP_F_OP, 0, NULL), RP_WANT("expected", RP_F_EXPECTED, 0, NULL),
	RP_WANT("found", RP_F_FOUND, 0, NULL), RP_WANT("position", RP_F_POSITION, 0, NULL),
	RP_WANT_END
};
/** typoguard.policy.* */
static const struct rp_want rp_want_policy[] = {
	RP_WANT("serial", RP_F_SERIAL, 0, NULL), RP_WANT_END
};
/** typoguard.resolved[].geo.* */
static const struct rp_want rp_want_res_geo[] = {
	RP_WANT("country_iso_code", RP_F_RES_COUNTRY, 0, NULL), RP_WANT_END
};
/** typoguard.resolved[].as.organization.* */
static const struct rp_want rp_want_res_org[] = {
	RP_WANT("name", RP_F_RES_ASORG, 0, NULL), RP_WANT_END
};
/** typoguard.resolved[].as.* */
static const struct rp_want rp_want_res_as[] = {
	RP_WANT("number", RP_F_RES_ASN, 0, NULL), RP_WANT("organization", 0, 0, rp_want_res_org),
	RP_WANT_END
};
/** typoguard.resolved[].* */
static const struct rp_want rp_want_resolved[] = {
	RP_WANT("geo", 0, 0, rp_want_res_geo), RP_WANT("as", 0, 0, rp_want_res_as), RP_WANT_END
};
/** typoguard.* */
static const struct rp_want rp_want_typoguard[] = {
	RP_WANT("protected", RP_F_PROTECTED, 0, NULL), RP_WANT("typo", RP_F_TYPO, 0, NULL),
	RP_WANT("edit", 0, 0, rp_want_edit), RP_WANT("policy", 0, 0, rp_want_policy),
	RP_WANT("resolved", 0, 1, rp_want_resolved), RP_WANT_END
};
/** the members of an event the report reads; the rest is checked and passed over */
static const struct rp_want rp_want_top[] = {
	RP_WANT("@timestamp", RP_F_TS, 0, NULL), RP_WANT("event", 0, 0, rp_want_event),
	RP_WANT("client", 0, 0, rp_want_client), RP_WANT("dns", 0, 0, rp_want_dns),
	RP_WANT("typoguard", 0, 0, rp_want_typoguard), RP_WANT_END
};

/** keep a string or number value */
static void
rp_keep(struct rp_field* f, enum rp_jtype t, const char* s, size_t n, int esc)
{
	if(t != RP_J_STR && t != RP_J_NUM)
		return;
	f->s = s;
	f->n = n;
	f->esc = esc;
}

/** the place of typoguard.resolved[idx], NULL past RP_RESOLVED_MAX */
static struct rp_place*
rp_place_at(struct rp_event* e, int idx)
{
	if(idx < 0 || idx >= RP_RESOLVED_MAX)
		return NULL;
	if(idx >= e->nres) {
		/* rp_take_line clears the event only up to res */
		memset(&e->res[e->nres], 0, (size_t)(idx + 1 - e->nres) * sizeof(e->res[0]));
		e->nres = idx + 1;
	}
	return &e->res[idx];
}

/** where a field of the event is kept; NULL for one kept otherwise, or past RP_RESOLVED_MAX */
static struct rp_field*
rp_field_of(struct rp_event* e, int field, int idx)
{
	struct rp_place* pl;
	switch(field) {
	case RP_F_TS: return &e->ts;
	case RP_F_KIND: return &e->kind;
	case RP_F_ACTION: return &e->action;
	case RP_F_MODULE: return &e->module;
	case RP_F_CLIENT_IP: return &e->client_ip;
	case RP_F_SITE: return &e->site;
	case RP_F_COUNTRY: return &e->country;
	case RP_F_QNAME: return &e->qname;
	case RP_F_QTYPE: return &e->qtype;
	case RP_F_RCODE: return &e->rcode;
	case RP_F_PROTECTED: return &e->protected_;
	case RP_F_TYPO: return &e->typo;
	case RP_F_OP: return &e->op;
	case RP_F_EXPECTED: return &e->expected;
	case RP_F_FOUND: return &e->found;
	case RP_F_POSITION: return &e->position;
	case RP_F_RES_COUNTRY: return (pl = rp_place_at(e, idx)) ? &pl->country : NULL;
	case RP_F_RES_ASN: return (pl = rp_place_at(e, idx)) ? &pl->asn : NULL;
	case RP_F_RES_ASORG: return (pl = rp_place_at(e, idx)) ? &pl->asorg : NULL;
	default: return NULL;
	}
}

/** the scanner's callback: keep the fields the report uses */
static void
rp_pick(void* arg, int field, int idx, enum rp_jtype t, const char* s, size_t n, int esc)
{
	struct rp_event* e = arg;
	struct rp_field* f;
	if(field == RP_F_ANSWER_TYPE) {
		if(n == 2 && memcmp(s, "MX", 2) == 0)
			e->mx_records++;
	} else if(field == RP_F_SERIAL) {
		if(t == RP_J_NUM)
			e->serial = strtoll(s, NULL, 10);
	} else if((field != RP_F_POSITION || t == RP_J_NUM) && (f = rp_field_of(e, field, idx)))
		rp_keep(f, t, s, n, esc);
}

/** whether a field is the literal k */
#define RP_IS(f, k) ((f).s && !(f).esc && (f).n == sizeof(k) - 1 && \
	memcmp((f).s, k, sizeof(k) - 1) == 0)

/**
 * Intern a field's text, escapes decoded.
 * @param r: the report.
 * @param f: the field; absent or empty gives 0.
 * @param id: receives the number.
 * @return: 0, or -1 if out of memory or too long.
 */
static int
rp_field_id(struct rp_report* r, const struct rp_field* f, uint32_t* id)
{
	char buf[RP_FIELD_MAX + 1];
	size_t n;
	*id = 0;
	if(!f->s || f->n == 0)
		return 0;
	if(f->n > RP_FIELD_MAX)
		return -1;
	if(!f->esc)
		return (*id = rp_intern(&r->strs, f->s, f->n)) ? 0 : -1;
	n = rp_unescape(buf, f->s, f->n);
	return (*id = rp_intern(&r->strs, buf, n)) ? 0 : -1;
}

/**
 * Intern a name lowercased (ASCII only, as DNS compares names), for the keys that gather
 * the spellings of one name.
 * @param r: the report.
 * @param f: the name.
 * @param id: receives the number of the lowercased text, 0 for an absent field.
 * @return: 0, or -1 if out of memory or too long.
 */
static int
rp_field_key(struct rp_report* r, const struct rp_field* f, uint32_t* id)
{
	char buf[RP_FIELD_MAX + 1];
	size_t n, i;
	*id = 0;
	if(!f->s || f->n == 0)
		return 0;
	if(f->n > RP_FIELD_MAX)
		return -1;
	if(f->esc)
		n = rp_unescape(buf, f->s, f->n);
	else
		memcpy(buf, f->s, n = f->n);
	for(i = 0; i < n; i++)
		if(buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	return (*id = rp_intern(&r->strs, buf, n)) ? 0 : -1;
}

/**
 * Intern a field that takes few values, remembering the last one.
 * @param r: the report.
 * @param f: the field.
 * @param m: which memo.
 * @param lower: 1 to intern it lowercased (rp_field_key()), else as it is.
 * @param id: receives the number, 0 for an absent field.
 * @return: 0, or -1 if out of memory or too long.
 */
static int
rp_field_memo(struct rp_report* r, const struct rp_field* f, enum rp_memo_field m, int lower,
	uint32_t* id)
{
	struct rp_memo* mo = &r->memo[m];
	if(f->s && f->n && f->n == mo->n && rp_same(f->s, mo->text, f->n)) {
		*id = mo->sid;
		return 0;
	}
	if((lower ? rp_field_key(r, f, id) : rp_field_id(r, f, id)) != 0)
		return -1;
	if(f->s && f->n && f->n <= RP_MEMO_MAX) {
		memcpy(mo->text, f->s, f->n);
		mo->n = f->n;
		mo->sid = *id;
	}
	return 0;
}

/** add one to a count in a typo's small tables; -1 if out of memory */
static int
rp_count_add(struct rp_typo* t, enum rp_kind kind, uint32_t sid)
{
	uint32_t i = t->hint[kind];
	struct rp_count* c;
	if(i < t->ncounts && t->counts[i].sid == sid && t->counts[i].kind == (uint32_t)kind) {
		t->counts[i].n++;
		return 0;
	}
	for(i = 0; i < t->ncounts; i++)
		if(t->counts[i].sid == sid && t->counts[i].kind == (uint32_t)kind) {
			t->counts[i].n++;
			t->hint[kind] = i;
			return 0;
		}
	if(t->ncounts == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 8;
		if(!(c = realloc(t->counts, cap * sizeof(*c))))
			return -1;
		t->counts = c;
		t->cap = cap;
	}
	t->hint[kind] = t->ncounts;
	c = &t->counts[t->ncounts++];
	c->kind = (uint32_t)kind;
	c->sid = sid;
	c->n = 1;
	return 0;
}

/** the key in the seen-set of a value of a typo or protected name */
static uint64_t
rp_seen_key(uint64_t owner, unsigned kind, uint32_t value)
{
	return (owner << 35) | ((uint64_t)kind << 32) | value;
}

/** mark a value seen for a typo; returns 1 the first time, 0 after, -1 if out of memory */
static int
rp_seen(struct rp_report* r, uint64_t owner, unsigned kind, uint32_t value)
{
	int added;
	if(!rp_map_put(&r->seen, rp_seen_key(owner, kind, value), &added))
		return -1;
	return added;
}

/**
 * Make room in the arrays indexed by string number for every string interned so far.
 * @param r: the report.
 * @return: 0, or -1 if out of memory.
 */
static int
rp_of_room(struct rp_report* r)
{
	uint32_t cap = r->of_cap ? r->of_cap : 1024, *a[3];
	int i;
	if(r->strs.n <= r->of_cap)
		return 0;
	while(cap < r->strs.n)
		cap *= 2;
	a[0] = r->prot_of;
	a[1] = r->client_of;
	a[2] = r->typo_of;
	for(i = 0; i < 3; i++) {
		uint32_t* n = realloc(a[i], cap * sizeof(*n));
		if(!n)
			return -1;
		memset(n + r->of_cap, 0, (cap - r->of_cap) * sizeof(*n));
		a[i] = n;
		if(i == 0)
			r->prot_of = n;
		else if(i == 1)
			r->client_of = n;
		else
			r->typo_of = n;
	}
	r->of_cap = cap;
	return 0;
}

/** the protected name's index by its lowercased name, added if new as spelled; -1 if out of
 * memory */
static int64_t
rp_prot_get(struct rp_report* r, uint32_t key, const struct rp_field* f)
{
	struct rp_prot* p;
	uint32_t name;
	if(key < r->of_cap && r->prot_of[key])
		return (int64_t)r->prot_of[key] - 1;
	if(rp_field_id(r, f, &name) != 0 || rp_of_room(r) != 0)
		return -1;
	if(r->nprots == r->prots_cap) {
		uint32_t cap = r->prots_cap ? r->prots_cap * 2 : 16;
		if(!(p = realloc(r->prots, cap * sizeof(*p))))
			return -1;
		r->prots = p;
		r->prots_cap = cap;
	}
	p = &r->prots[r->nprots];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->hour = UINT32_MAX;
	r->prot_of[key] = ++r->nprots;
	return (int64_t)r->nprots - 1;
}

/** the typo's index by its lowercased name, added if new as spelled (create 0: -2 when
 * absent); -1 if out of memory */
static int64_t
rp_typo_get(struct rp_report* r, uint32_t prot, uint32_t lower, const struct rp_field* f,
	int create)
{
	int added;
	uint64_t key = ((uint64_t)prot << 32) | lower, *v;
	struct rp_typo* t;
	struct rp_prot* p = &r->prots[prot];
	uint32_t name, i;
	if(lower < r->of_cap && (i = r->typo_of[lower]) != 0 && r->typos[i - 1].prot == prot)
		return (int64_t)i - 1;
	if(!create)
		return (v = rp_map_get(&r->typo_idx, key)) ? (int64_t)*v : -2;
	if(!(v = rp_map_put(&r->typo_idx, key, &added)))
		return -1;
	if(!added)
		return (int64_t)*v;
	if(rp_field_id(r, f, &name) != 0 || rp_of_room(r) != 0)
		return -1;
	if(!r->typo_of[lower])
		r->typo_of[lower] = r->ntypos + 1;
	if(r->ntypos == r->typos_cap) {
		uint32_t cap = r->typos_cap ? r->typos_cap * 2 : 256;
		if(!(t = realloc(r->typos, cap * sizeof(*t))))
			return -1;
		r->typos = t;
		r->typos_cap = cap;
	}
	if(p->ntypos == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 16, *a;
		if(!(a = realloc(p->typos, cap * sizeof(*a))))
			return -1;
		p->typos = a;
		p->cap = cap;
	}
	t = &r->typos[r->ntypos];
	memset(t, 0, sizeof(*t));
	t->prot = prot;
	t->name = name;
	t->position = -1;
	t->first = INT64_MAX;
	t->last = INT64_MIN;
	t->last_day = UINT32_MAX;
	p->typos[p->ntypos++] = r->ntypos;
	*v = r->ntypos++;
	return (int64_t)*v;
}

/** the network of an address: its /24 (IPv4) or /64 (IPv6), interned; 0 if not an address */
static uint32_t
rp_network(struct rp_report* r, const char* ip)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN + 8];
	size_t n;
	if(inet_pton(AF_INET, ip, a) == 1) {
		a[3] = 0;
		inet_ntop(AF_INET, a, buf, sizeof(buf));
		n = strlen(buf);
		memcpy(buf + n, "/24", 4);
	} else if(inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		n = strlen(buf);
		memcpy(buf + n, "/64", 4);
	} else
		return 0;
	return rp_intern(&r->strs, buf, strlen(buf));
}

/** the client's index, added if new with its site and country (a client known without
 * them gets them from a later event); -1 if out of memory */
static int64_t
rp_client_get(struct rp_report* r, uint32_t ip, const struct rp_event* e)
{
	struct rp_client* c;
	uint32_t site, country;
	if(ip < r->of_cap && r->client_of[ip]) {
		c = &r->clients[r->client_of[ip] - 1];
		if((!c->site && e->site.s && rp_field_memo(r, &e->site, RP_M_SITE, 0, &c->site)) ||
			(!c->country && e->country.s &&
			rp_field_memo(r, &e->country, RP_M_COUNTRY, 0, &c->country)))
			return -1;
		return (int64_t)r->client_of[ip] - 1;
	}
	if(rp_field_memo(r, &e->site, RP_M_SITE, 0, &site) != 0 ||
		rp_field_memo(r, &e->country, RP_M_COUNTRY, 0, &country) != 0)
		return -1;
	if(r->nclients == r->clients_cap) {
		uint32_t cap = r->clients_cap ? r->clients_cap * 2 : 256;
		if(!(c = realloc(r->clients, cap * sizeof(*c))))
			return -1;
		r->clients = c;
		r->clients_cap = cap;
	}
	c = &r->clients[r->nclients];
	c->ip = ip;
	c->site = site;
	c->country = country;
	c->lookups = 0;
	c->net = rp_network(r, rp_str(r, ip));
	if(rp_of_room(r) != 0)
		return -1;
	r->client_of[ip] = ++r->nclients;
	return (int64_t)r->nclients - 1;
}

/**
 * The number of an address's AS, "AS64500 Example Typo Registry B.V.", remembering the last.
 * @param r: the report.
 * @param pl: the address.
 * @param id: receives the number.
 * @return: 0, or -1 if out of memory.
 */
static int
rp_as_id(struct rp_report* r, const struct rp_place* pl, uint32_t* id)
{
	char as[RP_FIELD_MAX + 32], org[RP_FIELD_MAX + 1];
	struct rp_memo* mo = &r->memo[RP_M_AS];
	size_t an = pl->asn.s ? pl->asn.n : 0, on = pl->asorg.s ? pl->asorg.n : 0;
	const char* num = pl->asn.s ? pl->asn.s : "";
	const char* name = pl->asorg.s ? pl->asorg.s : "";
	/* the memo holds the number's text, a NUL, the organisation's text */
	if(an + on + 1 <= RP_MEMO_MAX && mo->n == an + on + 1 && memcmp(mo->text, num, an) == 0 &&
		mo->text[an] == 0 && memcmp(mo->text + an + 1, name, on) == 0) {
		*id = mo->sid;
		return 0;
	}
	org[0] = 0;
	if(on && on <= RP_FIELD_MAX)
		rp_unescape(org, name, on);
	snprintf(as, sizeof(as), "%s%.*s%s%s", an ? "AS" : "", (int)an, num,
		an && org[0] ? " " : "", org);
	if(!(*id = rp_intern(&r->strs, as, strlen(as))))
		return -1;
	if(an + on + 1 <= RP_MEMO_MAX) {
		memcpy(mo->text, num, an);
		mo->text[an] = 0;
		memcpy(mo->text + an + 1, name, on);
		mo->n = an + on + 1;
		mo->sid = *id;
	}
	return 0;
}

/** count where the answers pointed: countries and AS, in the typo and in the totals */
static int
rp_take_places(struct rp_report* r, struct rp_typo* t, const struct rp_event* e)
{
	uint32_t country, asid;
	int i;
	for(i = 0; i < e->nres; i++) {
		const struct rp_place* pl = &e->res[i];
		if(rp_field_memo(r, &pl->country, RP_M_RCOUNTRY, 0, &country) != 0)
			return -1;
		if(country && rp_count_add(t, RP_RCOUNTRY, country) != 0)
			return -1;
		if(!pl->asn.s && !pl->asorg.s)
			continue;
		if(rp_as_id(r, pl, &asid) != 0 || rp_count_add(t, RP_RAS, asid) != 0)
			return -1;
	}
	return 0;
}

/** the edit of a typo's first lookup */
static int
rp_take_edit(struct rp_report* r, struct rp_typo* t, const struct rp_event* e)
{
	if(t->op || !e->op.s)
		return 0;
	if(rp_field_id(r, &e->op, &t->op) != 0 || rp_field_id(r, &e->expected, &t->expected) != 0 ||
		rp_field_id(r, &e->found, &t->found) != 0)
		return -1;
	/* "" is a value here (a deletion finds nothing); 0 stands for it */
	if(e->position.s)
		t->position = (int)strtol(e->position.s, NULL, 10);
	return 0;
}

/**
 * Start loading the slot of a lookup's (typo, client) pair in the seen-set, far in memory,
 * when the client is known: it is then ready when rp_take_client() gets to it.
 * @param r: the report.
 * @param ti: the typo.
 * @param e: the event.
 * @return: the client's address, interned, if it is known; 0 if not (not yet interned).
 */
static uint32_t
rp_prefetch_client(struct rp_report* r, uint32_t ti, const struct rp_event* e)
{
	const struct rp_field* f = &e->client_ip;
	uint32_t ip;
	if(!f->s || f->esc || f->n == 0 || !(ip = rp_strtab_find_n(&r->strs, f->s, f->n)) ||
		ip >= r->of_cap || !r->client_of[ip])
		return 0;
	rp_map_prefetch(&r->seen, rp_seen_key(ti, RP_SEEN_CLIENT, r->client_of[ip] - 1));
	return ip;
}

/** count the client of a lookup (ip: its address interned, 0 if not yet): its distinct
 * sightings for the typo and protected name */
static int
rp_take_client(struct rp_report* r, struct rp_typo* t, uint32_t ti, const struct rp_event* e,
	uint32_t ip)
{
	struct rp_client* c;
	int64_t ci;
	int added;
	uint64_t* pair;
	if(!ip && (rp_field_id(r, &e->client_ip, &ip) != 0 || !ip))
		return ip ? -1 : 0;
	if((ci = rp_client_get(r, ip, e)) < 0)
		return -1;
	/* sites as the events name them: a client's site may change (a move, a new database) */
	if(e->site.s) {
		uint32_t site, before;
		if(rp_field_memo(r, &e->site, RP_M_SITE, 0, &site) != 0)
			return -1;
		before = t->ncounts;
		if(site && rp_count_add(t, RP_SITE, site) != 0)
			return -1;
		t->sites += t->ncounts - before;
	}
	c = &r->clients[ci];
	c->lookups++;
	/* the networks and the clients of the protected name are counted from the pairs at
	 * the end (rp_count_pairs()): here, one lookup in a large table, not three */
	if(!(pair = rp_map_put(&r->seen, rp_seen_key(ti, RP_SEEN_CLIENT, (uint32_t)ci), &added)))
		return -1;
	if(RP_IS(e->action, "log") && RP_IS(e->qtype, "MX") && RP_IS(e->rcode, "NOERROR"))
		*pair |= RP_PAIR_LEAK;
	t->clients += (uint64_t)added;
	return 0;
}

/**
 * The clients of each typo, from the seen-set's (typo, client) pairs: a list per typo.
 * @param r: the report.
 * @param start: receives the start of each typo's list in *list, ntypos + 1 entries.
 * @param list: receives the lists: client index << 1 | 1 if the pair has RP_PAIR_LEAK.
 * @return: 0, or -1 if out of memory (nothing to free then).
 */
static int
rp_pair_lists(const struct rp_report* r, uint32_t** start, uint32_t** list)
{
	size_t i, n = 0;
	uint32_t* at;
	if(!(*start = calloc((size_t)r->ntypos + 1, sizeof(**start))))
		return -1;
	for(i = 0; r->seen.slots && i <= r->seen.mask; i++)
		if(r->seen.slots[i].key != RP_MAP_EMPTY &&
			((r->seen.slots[i].key >> 32) & 7) == RP_SEEN_CLIENT) {
			(*start)[(r->seen.slots[i].key >> 35) + 1]++;
			n++;
		}
	for(i = 0; i < r->ntypos; i++)
		(*start)[i + 1] += (*start)[i];
	*list = malloc((n ? n : 1) * sizeof(**list));
	at = malloc(((size_t)r->ntypos + 1) * sizeof(*at));
	if(!*list || !at) {
		free(*start);
		free(*list);
		free(at);
		return -1;
	}
	memcpy(at, *start, ((size_t)r->ntypos + 1) * sizeof(*at));
	for(i = 0; r->seen.slots && i <= r->seen.mask; i++) {
		const struct rp_slot* sl = &r->seen.slots[i];
		if(sl->key != RP_MAP_EMPTY && ((sl->key >> 32) & 7) == RP_SEEN_CLIENT)
			(*list)[at[sl->key >> 35]++] = (uint32_t)(sl->key << 1) |
				(uint32_t)(sl->val & RP_PAIR_LEAK);
	}
	free(at);
	return 0;
}

int
rp_count_pairs(struct rp_report* r)
{
	uint32_t *start, *list, *net_mark, *client_mark, *leak_mark, i, j, k;
	if(rp_pair_lists(r, &start, &list) != 0)
		return -1;
	/* a mark per network and client: the number + 1 of the last typo or protected name
	 * that counted it */
	net_mark = calloc((size_t)r->strs.n + 1, sizeof(*net_mark));
	client_mark = calloc((size_t)r->nclients + 1, sizeof(*client_mark));
	leak_mark = calloc((size_t)r->nclients + 1, sizeof(*leak_mark));
	if(!net_mark || !client_mark || !leak_mark) {
		free(start);
		free(list);
		free(net_mark);
		free(client_mark);
		free(leak_mark);
		return -1;
	}
	for(i = 0; i < r->ntypos; i++)
		for(j = start[i]; j < start[i + 1]; j++) {
			uint32_t net = r->clients[list[j] >> 1].net;
			if(net && net_mark[net] != i + 1) {
				net_mark[net] = i + 1;
				r->typos[i].networks++;
			}
		}
	for(i = 0; i < r->nprots; i++) {
		struct rp_prot* p = &r->prots[i];
		for(k = 0; k < p->ntypos; k++)
			for(j = start[p->typos[k]]; j < start[p->typos[k] + 1]; j++) {
				uint32_t ci = list[j] >> 1;
				if(client_mark[ci] != i + 1) {
					client_mark[ci] = i + 1;
					p->clients++;
				}
				if((list[j] & RP_PAIR_LEAK) && leak_mark[ci] != i + 1) {
					leak_mark[ci] = i + 1;
					p->mx_leak_clients++;
				}
			}
	}
	free(start);
	free(list);
	free(net_mark);
	free(client_mark);
	free(leak_mark);
	return 0;
}

/** the counts of a lookup's qtype, action and response code */
static int
rp_take_counts(struct rp_report* r, struct rp_typo* t, const struct rp_event* e)
{
	uint32_t qtype, action, rcode;
	int logged = RP_IS(e->action, "log"), mx = RP_IS(e->qtype, "MX");
	int noerror = RP_IS(e->rcode, "NOERROR");
	struct rp_prot* p = &r->prots[t->prot];
	if(rp_field_memo(r, &e->qtype, RP_M_QTYPE, 0, &qtype) != 0 ||
		rp_field_memo(r, &e->action, RP_M_ACTION, 0, &action) != 0 ||
		rp_field_memo(r, &e->rcode, RP_M_RCODE, 0, &rcode) != 0)
		return -1;
	if((qtype && rp_count_add(t, RP_QTYPE, qtype) != 0) ||
		rp_count_add(t, RP_ACTION, action) != 0 ||
		(rcode && rp_count_add(t, RP_RCODE, rcode) != 0))
		return -1;
	t->lookups++;
	p->lookups++;
	t->mx += (uint64_t)mx;
	t->mx_records += (uint64_t)e->mx_records;
	if(logged) {
		t->logged++;
		p->logged++;
		t->noerror_log += (uint64_t)noerror;
		t->mx_answered += (uint64_t)(mx && noerror);
	} else
		p->blocked++;
	return 0;
}

int
rp_flush_hour(struct rp_report* r, struct rp_prot* p)
{
	uint64_t* v;
	if(p->hour_lookups == 0)
		return 0;
	if(!(v = rp_map_put(&r->hours, ((uint64_t)p->name << 32) | p->hour, NULL)))
		return -1;
	*v += p->hour_lookups;
	p->hour_lookups = 0;
	return 0;
}

/** a client lookup: count it under its protected name and typo */
static int
rp_take_lookup(struct rp_report* r, const struct rp_event* e, int64_t when)
{
	const struct rp_field* tf = e->typo.s ? &e->typo : &e->qname;
	uint32_t pkey, tkey, ip, day, hour = (uint32_t)(when / RP_HOUR_USEC);
	int64_t pi, ti;
	struct rp_typo* t;
	struct rp_prot* p;
	int k;
	if(rp_field_memo(r, &e->protected_, RP_M_PROT, 1, &pkey) != 0 ||
		rp_field_key(r, tf, &tkey) != 0 || (pi = rp_prot_get(r, pkey, &e->protected_)) < 0 ||
		(ti = rp_typo_get(r, (uint32_t)pi, tkey, tf, 1)) < 0)
		return -1;
	t = &r->typos[ti];
	/* the typo's counts, and its pair with the client: loaded while the rest is done */
	if(t->counts) {
		__builtin_prefetch(t->counts);
		__builtin_prefetch((const char*)t->counts + 64);
	}
	ip = rp_prefetch_client(r, (uint32_t)ti, e);
	if(rp_take_counts(r, t, e) != 0 || rp_take_edit(r, t, e) != 0 ||
		rp_take_places(r, t, e) != 0 || rp_take_client(r, t, (uint32_t)ti, e, ip) != 0)
		return -1;
	if(when < t->first)
		t->first = when;
	if(when > t->last)
		t->last = when;
	/* events come mostly in order of time: the same day and hour as the last one */
	day = (uint32_t)(when / RP_DAY_USEC);
	if(day != t->last_day) {
		if((k = rp_seen(r, (uint64_t)ti, RP_SEEN_DAY, day)) < 0)
			return -1;
		t->days += (uint64_t)k;
		t->last_day = day;
	}
	p = &r->prots[pi];
	if(hour != p->hour && rp_flush_hour(r, p) != 0)
		return -1;
	p->hour = hour;
	p->hour_lookups++;
	r->events++;
	if(r->from == RP_NO_TIME || when < r->from)
		r->from = when;
	if(r->to == RP_NO_TIME || when > r->to)
		r->to = when;
	return 0;
}

/** a follow-up (resolve-blocked): what upstream said of a typo looked up before */
static int
rp_take_follow_up(struct rp_report* r, const struct rp_event* e)
{
	uint32_t pkey, tkey, rcode;
	int64_t ti;
	struct rp_typo* t;
	r->follow_ups++;
	if(rp_field_key(r, &e->protected_, &pkey) != 0 ||
		rp_field_key(r, e->typo.s ? &e->typo : &e->qname, &tkey) != 0 ||
		rp_field_id(r, &e->rcode, &rcode) != 0)
		return -1;
	if(pkey >= r->of_cap || !r->prot_of[pkey] ||
		(ti = rp_typo_get(r, r->prot_of[pkey] - 1, tkey, NULL, 0)) < 0)
		return 0;
	t = &r->typos[ti];
	if(rcode && rp_count_add(t, RP_UPSTREAM, rcode) != 0)
		return -1;
	t->upstream_noerror += (uint64_t)RP_IS(e->rcode, "NOERROR");
	t->mx_records += (uint64_t)e->mx_records;
	return rp_take_places(r, t, e);
}

/** remember a policy serial */
static int
rp_take_serial(struct rp_report* r, int64_t serial)
{
	size_t i;
	int64_t* s;
	for(i = 0; i < r->nserials; i++)
		if(r->serials[i] == serial)
			return 0;
	if(r->nserials == r->serials_cap) {
		size_t cap = r->serials_cap ? r->serials_cap * 2 : 8;
		if(!(s = realloc(r->serials, cap * sizeof(*s))))
			return -1;
		r->serials = s;
		r->serials_cap = cap;
	}
	for(i = r->nserials; i > 0 && r->serials[i - 1] > serial; i--)
		r->serials[i] = r->serials[i - 1];
	r->serials[i] = serial;
	r->nserials++;
	return 0;
}

/** whether the filter keeps a protected name */
static int
rp_keeps_protected(const struct rp_filter* f, const struct rp_field* prot)
{
	char buf[RP_FIELD_MAX + 1];
	size_t i, n;
	if(f->nprotected == 0)
		return 1;
	if(prot->n > RP_FIELD_MAX)
		return 0;
	n = prot->esc ? rp_unescape(buf, prot->s, prot->n) : prot->n;
	if(!prot->esc)
		memcpy(buf, prot->s, n);
	buf[n] = 0;
	if(n > 1 && buf[n - 1] == '.')
		buf[n - 1] = 0;
	for(i = 0; i < f->nprotected; i++)
		if(strcasecmp(f->protected_[i], buf) == 0)
			return 1;
	return 0;
}

int
rp_take_line(struct rp_report* r, const char* line, size_t len, const char** err)
{
	struct rp_event e;
	int64_t when;
	int lookup, follow_up;
	memset(&e, 0, offsetof(struct rp_event, res));
	e.serial = -1;
	if(rp_scan(line, len, rp_want_top, &rp_pick, &e, err) != 0)
		return -1;
	if(!RP_IS(e.module, "typoguard")) {
		*err = "not an event of typoguard (no event.module \"typoguard\")";
		return -1;
	}
	if(e.serial >= 0 && rp_take_serial(r, e.serial) != 0)
		goto nomem;
	lookup = RP_IS(e.kind, "alert");
	follow_up = RP_IS(e.kind, "enrichment");
	if(!lookup && !follow_up) {
		r->other_events++;
		return 0;
	}
	if(!e.ts.s || rp_time_parse(e.ts.s, e.ts.n, &when) != 0 || !e.qname.s || !e.protected_.s ||
		!e.action.s || e.protected_.n == 0 || e.qname.n == 0) {
		*err = "a lookup event without a valid @timestamp, dns.question.name, "
			"typoguard.protected or event.action";
		return -1;
	}
	if((r->filter.since != RP_NO_TIME && when < r->filter.since) ||
		(r->filter.until != RP_NO_TIME && when >= r->filter.until) ||
		!rp_keeps_protected(&r->filter, &e.protected_)) {
		r->filtered++;
		return 0;
	}
	if((lookup ? rp_take_lookup(r, &e, when) : rp_take_follow_up(r, &e)) == 0)
		return 0;
nomem:
	*err = "out of memory, or a field longer than the report takes";
	return -1;
}
