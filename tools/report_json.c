/* tools/report_json.c - the report as one JSON object, written a typo name at a time with json-c. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <string.h>
#include <json-c/json.h>
#include "report.h"

/** room for a reason or a policy line */
#define RP_LINE_TEXT 1400
/** how the objects are written: one line, '/' not escaped */
#define RP_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/** add a member; returns 0 if out of memory (the value is released) */
static int
rp_jadd(struct json_object* o, const char* key, struct json_object* v)
{
	if(!v)
		return 0;
	if(json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return 0;
	}
	return 1;
}

/** a count */
static struct json_object*
rp_jnum(uint64_t n)
{
	return json_object_new_int64((int64_t)n);
}

/** a time, or null */
static struct json_object*
rp_jtime(int64_t t)
{
	char buf[RP_TIME_MAX];
	if(t == RP_NO_TIME || t == INT64_MAX || t == INT64_MIN)
		return json_object_new_null();
	rp_time_str(buf, t);
	return json_object_new_string(buf);
}

/** {"value": count, ...} of one of a typo's small tables, larger counts first */
static struct json_object*
rp_jcounts(const struct rp_report* r, const struct rp_typo* t, enum rp_kind kind)
{
	struct json_object* o = json_object_new_object();
	uint32_t i, j, best;
	unsigned char done[256];
	/* the tables are small (a few types, codes, places): pick the largest left each time */
	memset(done, 0, sizeof(done));
	for(i = 0; o && i < t->ncounts && i < sizeof(done); i++) {
		best = UINT32_MAX;
		for(j = 0; j < t->ncounts && j < sizeof(done); j++)
			if(!done[j] && t->counts[j].kind == (uint32_t)kind && (best == UINT32_MAX ||
				t->counts[j].n > t->counts[best].n))
				best = j;
		if(best == UINT32_MAX)
			break;
		done[best] = 1;
		if(!rp_jadd(o, rp_str(r, t->counts[best].sid), rp_jnum(t->counts[best].n)))
			break;
	}
	return o;
}

/** the edit of a typo, or NULL when no event had one */
static struct json_object*
rp_jedit(const struct rp_report* r, const struct rp_typo* t)
{
	struct json_object* o;
	if(!t->op)
		return json_object_new_null();
	if(!(o = json_object_new_object()))
		return NULL;
	rp_jadd(o, "op", json_object_new_string(rp_str(r, t->op)));
	if(t->position >= 0)
		rp_jadd(o, "position", json_object_new_int(t->position));
	rp_jadd(o, "expected", json_object_new_string(rp_str(r, t->expected)));
	rp_jadd(o, "found", json_object_new_string(rp_str(r, t->found)));
	return o;
}

/** one typo name */
static struct json_object*
rp_jtypo(const struct rp_report* r, const struct rp_typo* t)
{
	struct json_object *o = json_object_new_object(), *res;
	if(!o)
		return NULL;
	rp_jadd(o, "name", json_object_new_string(rp_str(r, t->name)));
	rp_jadd(o, "lookups", rp_jnum(t->lookups));
	rp_jadd(o, "clients", rp_jnum(t->clients));
	rp_jadd(o, "networks", rp_jnum(t->networks));
	rp_jadd(o, "sites", rp_jnum(t->sites));
	rp_jadd(o, "days", rp_jnum(t->days));
	rp_jadd(o, "qtypes", rp_jcounts(r, t, RP_QTYPE));
	rp_jadd(o, "mx", rp_jnum(t->mx));
	rp_jadd(o, "mx_records", rp_jnum(t->mx_records));
	rp_jadd(o, "actions", rp_jcounts(r, t, RP_ACTION));
	rp_jadd(o, "response_codes", rp_jcounts(r, t, RP_RCODE));
	rp_jadd(o, "upstream_response_codes", rp_jcounts(r, t, RP_UPSTREAM));
	if((res = json_object_new_object())) {
		rp_jadd(res, "countries", rp_jcounts(r, t, RP_RCOUNTRY));
		rp_jadd(res, "as", rp_jcounts(r, t, RP_RAS));
		rp_jadd(o, "resolved", res);
	}
	rp_jadd(o, "edit", rp_jedit(r, t));
	rp_jadd(o, "first_seen", rp_jtime(t->first));
	rp_jadd(o, "last_seen", rp_jtime(t->last));
	if(t->suggestion)
		rp_jadd(o, "suggestion", json_object_new_string(rp_suggest_str(t->suggestion)));
	return o;
}

/**
 * Write a value's JSON text and release it.
 * @param o: the value (released).
 * @param comma: 1 to write a comma before it.
 * @param cut: bytes left off its end (1: an object's closing brace).
 * @param f: the stream.
 * @return: 0, or -1 if out of memory or on a write error.
 */
static int
rp_jwrite(struct json_object* o, int comma, size_t cut, FILE* f)
{
	size_t len = 0;
	const char* s;
	int status = -1;
	if(!o)
		return -1;
	s = json_object_to_json_string_length(o, RP_JSON_FLAGS, &len);
	if(s && len > cut && (!comma || fputc(',', f) != EOF) &&
		fwrite(s, 1, len - cut, f) == len - cut)
		status = 0;
	json_object_put(o);
	return status;
}

/**
 * Write an object's JSON text, less its closing brace, so that members can follow; release it.
 * @param o: the object (released).
 * @param f: the stream.
 * @return: 0, or -1 if out of memory or on a write error.
 */
static int
rp_jopen(struct json_object* o, FILE* f)
{
	return rp_jwrite(o, 0, 1, f);
}

/**
 * Write one value's JSON text and release it, after a comma unless it is the first.
 * @param o: the value (released).
 * @param first: whether it is the first of its array.
 * @param f: the stream.
 * @return: 0, or -1 if out of memory or on a write error.
 */
static int
rp_jput(struct json_object* o, int first, FILE* f)
{
	return rp_jwrite(o, !first, 0, f);
}

/** one protected name and its typos (the first top of them; 0: all), one typo at a time */
static int
rp_jprot(const struct rp_report* r, const struct rp_prot* p, size_t top, FILE* f)
{
	struct json_object* o = json_object_new_object();
	uint32_t j;
	if(!o)
		return -1;
	rp_jadd(o, "name", json_object_new_string(rp_str(r, p->name)));
	rp_jadd(o, "lookups", rp_jnum(p->lookups));
	rp_jadd(o, "clients", rp_jnum(p->clients));
	rp_jadd(o, "typo_names", rp_jnum(p->ntypos));
	if(rp_jopen(o, f) != 0 || fputs(",\"typos\":[", f) == EOF)
		return -1;
	for(j = 0; j < p->ntypos && (top == 0 || j < top); j++)
		if(rp_jput(rp_jtypo(r, &r->typos[p->typos[j]]), j == 0, f) != 0)
			return -1;
	return fputs("]}", f) == EOF ? -1 : 0;
}

/** one suggestion: action, name, protected, reason, and the line to use */
static struct json_object*
rp_jsuggestion(const struct rp_report* r, const struct rp_typo* t, const struct rp_prot* p)
{
	char buf[RP_LINE_TEXT];
	struct json_object *o = json_object_new_object(), *a;
	int s = t ? t->suggestion : p->suggestion;
	if(!o)
		return NULL;
	rp_jadd(o, "action", json_object_new_string(rp_suggest_str(s)));
	rp_jadd(o, "name", json_object_new_string(rp_str(r, t ? t->name : p->name)));
	if(t)
		rp_jadd(o, "protected", json_object_new_string(rp_str(r, p->name)));
	rp_reason(r, t, p, buf, sizeof(buf));
	rp_jadd(o, "reason", json_object_new_string(buf));
	rp_policy_line(r, t, p, buf, sizeof(buf));
	if(s != RP_SUGGEST_BLOCK) {
		rp_jadd(o, "policy", json_object_new_string(buf));
		return o;
	}
	if(rp_jadd(o, "rpz", (a = json_object_new_array()))) {
		json_object_array_add(a, json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "*.%s CNAME .", rp_str(r, t->name));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return o;
}

/** every suggestion: protected names first, then their typos in order, one at a time */
static int
rp_jsuggestions(const struct rp_report* r, FILE* f)
{
	uint32_t i, j;
	int first = 1;
	for(i = 0; i < r->nprots; i++) {
		const struct rp_prot* p = &r->prots[i];
		if(p->suggestion) {
			if(rp_jput(rp_jsuggestion(r, NULL, p), first, f) != 0)
				return -1;
			first = 0;
		}
		for(j = 0; j < p->ntypos; j++) {
			if(!r->typos[p->typos[j]].suggestion)
				continue;
			if(rp_jput(rp_jsuggestion(r, &r->typos[p->typos[j]], p), first, f) != 0)
				return -1;
			first = 0;
		}
	}
	return 0;
}

int
rp_write_json(const struct rp_report* r, const struct rp_output* out, FILE* f)
{
	struct json_object *o = json_object_new_object(), *a;
	uint32_t i;
	if(!o)
		return -1;
	rp_jadd(o, "events", rp_jnum(r->events));
	rp_jadd(o, "invalid_lines", rp_jnum(r->invalid_lines));
	rp_jadd(o, "follow_ups", rp_jnum(r->follow_ups));
	rp_jadd(o, "other_events", rp_jnum(r->other_events));
	rp_jadd(o, "filtered", rp_jnum(r->filtered));
	/* json-c's null is NULL: added as it is */
	json_object_object_add(o, "from", rp_jtime(r->from));
	json_object_object_add(o, "to", rp_jtime(r->to));
	rp_jadd(o, "clients", rp_jnum(r->nclients));
	if(rp_jadd(o, "policy_serials", (a = json_object_new_array())))
		for(i = 0; i < r->nserials; i++)
			json_object_array_add(a, json_object_new_int64(r->serials[i]));
	/* written a protected name, a typo, a suggestion at a time: the memory of the
	 * objects is that of one of them, whatever the number of typo names */
	if(rp_jopen(o, f) != 0 || fputs(",\"protected\":[", f) == EOF)
		return -1;
	for(i = 0; i < r->nprots; i++)
		if((i && fputc(',', f) == EOF) || rp_jprot(r, &r->prots[i], out->top, f) != 0)
			return -1;
	if(fputs("],\"suggestions\":[", f) == EOF || rp_jsuggestions(r, f) != 0 ||
		fputs("]}\n", f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}
