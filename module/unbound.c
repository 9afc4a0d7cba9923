/* module/unbound.c - the Unbound glue: typoguard as a module loaded by dynlib-file:. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The only file that includes Unbound's headers. It checks client queries at
 * module_event_new, answers NXDOMAIN for blocked ones, keeps flagged answers out of the cache,
 * and writes one event per client reply from Unbound's reply callbacks. With resolve-blocked,
 * a blocked lookup is also resolved in a detached mesh state of its own, kept out of the cache
 * too, whose answer makes a follow-up event. All detection is in the library (match.c,
 * policy.c); all event encoding in event.c; all I/O and database lookups in writer.c's thread.
 */

#include "config.h"
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "dynlibmod/dynlibmod.h"
#include "services/cache/dns.h"
#include "services/mesh.h"
#include "sldns/rrdef.h"
#include "sldns/wire2str.h"
#include "util/config_file.h"
#include "util/data/dname.h"
#include "util/data/msgreply.h"
#include "util/data/packed_rrset.h"
#include "util/log.h"
#include "util/module.h"
#include "util/net_help.h"
#include "util/netevent.h"
#include "util/regional.h"

#include "event.h"
#include "geo.h"
#include "live.h"
#include "match.h"
#include "name.h"
#include "policy.h"
#include "recent.h"
#include "settings.h"
#include "unbound_zone.h"
#include "writer.h"

/* The six functions dynlib looks up by name; the only symbols the module exports. */
int init(struct module_env* env, int id);
void deinit(struct module_env* env, int id);
void operate(struct module_qstate* qstate, enum module_ev event, int id,
	struct outbound_entry* outbound);
void inform_super(struct module_qstate* qstate, int id, struct module_qstate* super);
void clear(struct module_qstate* qstate, int id);
size_t get_mem(struct module_env* env, int id);

/** most answer records an event lists */
#define TG_ANSWERS_MAX 64
/** most addresses an event lists */
#define TG_RESOLVED_MAX 64
/** room for one record's data in presentation format */
#define TG_RDATA_MAX 1024
/** room for an address with its brackets, in text */
#define TG_ADDR_MAX INET6_ADDRSTRLEN
/** room for an event.id: 16 hex digits that differ at every start, '-', a counter */
#define TG_EVENT_ID_MAX 40
/** most mail exchangers whose addresses a background lookup looks up */
#define TG_EXCHANGERS_MAX 4
/** is_valrec of typoguard's own lookups: a mesh key no client lookup has */
#define TG_VALREC 1

/**
 * typoguard's module-wide state, built in init and read-only afterwards but for the counters.
 * Hangs on the dynlib module's dyn_env.
 */
struct tg_env {
	/** the settings in force */
	struct tg_settings settings;
	/** the policy in force, replaced as its files and zones change (live.c) */
	struct tg_live* live;
	/** how live.c reads policy zones from Unbound's auth zones (unbound_zone.c) */
	struct tg_live_zone_ops zone_ops;
	/** the event writer; thread-safe */
	struct tg_writer* writer;
	/** client lookups flagged: one per reply sent, several clients may share one query */
	atomic_uint_fast64_t flagged;
	/** of those, answered NXDOMAIN */
	atomic_uint_fast64_t blocked;
	/** events that could not be encoded (out of memory) */
	atomic_uint_fast64_t encode_failed;
	/** blocked lookups resolved in the background (resolve-blocked) */
	atomic_uint_fast64_t background;
	/** random at every start: the first part of every event.id */
	uint64_t id_base;
	/** the number of the last event.id given */
	atomic_uint_fast64_t id_last;
	/** each worker thread's set of names its cached answers were found clean for */
	pthread_key_t recent_key;
	/** 1 if recent_key was made */
	int recent_ready;
	/** guards recent and nrecent */
	pthread_mutex_t recent_lock;
	/** every thread's set, freed with the state */
	struct tg_recent** recent;
	/** number of sets */
	size_t nrecent;
};

/** the query states typoguard hangs its state on */
enum tg_qkind {
	/** a client's lookup, flagged */
	TG_Q_CLIENT = 0,
	/** a blocked lookup resolved again in the background, for a follow-up event */
	TG_Q_BACKGROUND,
	/** an address lookup of a mail exchanger, for a background lookup */
	TG_Q_EXCHANGER
};

/** addresses in text, in a region */
struct tg_addrs {
	/** the addresses */
	const char* ip[TG_RESOLVED_MAX];
	/** their number */
	size_t count;
};

/**
 * What typoguard knows about a query, in qstate->region on qstate->minfo[id]: a flagged
 * client lookup, or one typoguard started itself. Other queries have no such state.
 */
struct tg_qstate {
	/** which kind of query */
	enum tg_qkind kind;
	/** the rule that matched */
	const struct tg_rule* rule;
	/** the policy version the rule is in, held until clear(); NULL for exchangers */
	const struct tg_live_version* version;
	/** the match */
	struct tg_match match;
	/** the action taken */
	enum tg_action action;
	/** client: the event.id for the event of its first reply, which the follow-up names;
	 * "" when it is not resolved in the background. Background: the event it follows */
	char first_event[TG_EVENT_ID_MAX];
	/** client: whether first_event was given to an event */
	int first_used;
	/** background: the addresses of exchangers its answer did not carry, once they are
	 * looked up (in its region); else NULL */
	struct tg_addrs* exchangers;
};

/** marks, on qstate->minfo, a client query that typoguard checked and did not flag */
static const struct tg_qstate tg_unflagged;

/** the reply callbacks typoguard registers, and deletes at deinit */
static const enum inplace_cb_list_type tg_cb_types[] = {
	inplace_cb_reply, inplace_cb_reply_servfail, inplace_cb_reply_cache
};

/** number of entries in tg_cb_types */
#define TG_CB_TYPES (sizeof(tg_cb_types) / sizeof(tg_cb_types[0]))

/**
 * Get typoguard's state from the dynlib module's.
 * @param env: the module environment.
 * @param id: the module id.
 * @return: the state, or NULL before init.
 */
static struct tg_env*
tg_env_get(struct module_env* env, int id)
{
	struct dynlibmod_env* de = (struct dynlibmod_env*)env->modinfo[id];
	return de ? (struct tg_env*)de->dyn_env : NULL;
}

/**
 * Route the library's diagnostics to Unbound's log.
 * @param level: 0 error, 1 warning, 2 information.
 * @param msg: the message.
 */
static void
tg_log(int level, const char* msg)
{
	if(level == 0)
		log_err("typoguard: %s", msg);
	else if(level == 1)
		log_warn("typoguard: %s", msg);
	else
		verbose(VERB_OPS, "typoguard: %s", msg);
}

/**
 * Read the settings: the file named by TYPOGUARD_CONF, else the default path if it exists, else
 * the embedded default.
 * @param s: filled.
 * @param err: the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
tg_read_settings(struct tg_settings* s, struct tg_error* err)
{
	const char* path = getenv("TYPOGUARD_CONF");
	if(path && *path)
		return tg_settings_load(path, s, err);
	path = tg_settings_default_path();
	if(access(path, F_OK) == 0)
		return tg_settings_load(path, s, err);
	verbose(VERB_OPS, "typoguard: no %s and no TYPOGUARD_CONF: using the "
		"embedded default (protect mil and gov, action log)", path);
	return tg_settings_default(s, tg_settings_default_log());
}

/**
 * Register the reply callbacks through dynlib's wrapper.
 * @param de: the dynlib module's state.
 * @param env: the module environment.
 * @param id: the module id.
 * @param cb: the callback.
 * @param te: typoguard's state, given to the callback.
 * @return: 1 on success, 0 on failure (some may be registered; deinit deletes them).
 */
static int
tg_register(struct dynlibmod_env* de, struct module_env* env, int id, void* cb,
	struct tg_env* te)
{
	size_t i;
	for(i = 0; i < TG_CB_TYPES; i++) {
		if(!(*de->inplace_cb_register_wrapped)(cb, tg_cb_types[i], te,
			env, id))
			return 0;
	}
	return 1;
}

/**
 * Free the module-wide state: flush and close the writer, free the policy and settings.
 * @param te: the state, or NULL.
 */
static void
tg_env_free(struct tg_env* te)
{
	size_t i;
	if(!te)
		return;
	if(te->recent_ready) {
		pthread_key_delete(te->recent_key);
		pthread_mutex_destroy(&te->recent_lock);
	}
	for(i = 0; i < te->nrecent; i++)
		tg_recent_free(te->recent[i]);
	free(te->recent);
	/* events copy their rules: the policies can go before the writer's queue */
	tg_live_close(te->live);
	tg_writer_close(te->writer);
	tg_settings_clear(&te->settings);
	free(te);
}

/**
 * Open the databases the settings name, then the event writer, which takes them over: its
 * thread alone looks up and replaces them.
 * @param te: typoguard's state, with its settings.
 * @param err: the reason on failure: the database and libmaxminddb's reason, or the file.
 * @return: TG_OK or the error.
 */
static enum tg_err
tg_open_writer(struct tg_env* te, struct tg_error* err)
{
	struct tg_geo* geo = NULL;
	enum tg_err r;
	r = tg_geo_open((const char* const*)te->settings.geo_db,
		te->settings.geo_check_interval, &tg_log, &geo, err);
	if(r != TG_OK)
		return r;
	return tg_writer_open(te->settings.log_file, 0, geo, &tg_log, &te->writer, err);
}

/**
 * A new event.id: unique to this run of Unbound (a counter), and from run to run (a random
 * part drawn at init).
 * @param te: typoguard's state.
 * @param buf: receives the id, TG_EVENT_ID_MAX bytes.
 * @return: buf.
 */
static const char*
tg_event_id(struct tg_env* te, char* buf)
{
	snprintf(buf, TG_EVENT_ID_MAX, "%016" PRIx64 "-%" PRIu64, te->id_base,
		(uint64_t)atomic_fetch_add(&te->id_last, 1) + 1);
	return buf;
}

static int tg_reply_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg);

/**
 * Say in Unbound's log what policy is in force and where events go.
 * @param te: typoguard's state.
 */
static void
tg_log_loaded(struct tg_env* te)
{
	struct tg_live_reader* rd;
	const struct tg_live_version* v = tg_live_enter(te->live, &rd);
	if(v)
		log_info("typoguard: %zu protected and %zu allowed names from %s; "
			"events to %s", v->policy->protected_count,
			v->policy->count - v->policy->protected_count,
			te->settings.source ? te->settings.source : "the embedded default",
			te->settings.log_file);
	tg_live_leave(rd);
}

int
init(struct module_env* env, int id)
{
	struct dynlibmod_env* de = (struct dynlibmod_env*)env->modinfo[id];
	struct tg_env* te;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	if(!(te = calloc(1, sizeof(*te)))) {
		log_err("typoguard: out of memory");
		return 0;
	}
	te->zone_ops.serial = &tg_ub_zone_serial;
	te->zone_ops.text = &tg_ub_zone_text;
	te->zone_ops.swapped = &tg_ub_expire_flagged;
	te->zone_ops.arg = env;
	if(tg_read_settings(&te->settings, &err) != TG_OK ||
		tg_open_writer(te, &err) != TG_OK ||
		tg_live_open(&te->settings, &te->zone_ops, &tg_log, te->writer, &te->live,
			&err) != TG_OK) {
		log_err("typoguard: %s", err.msg);
		tg_env_free(te);
		return 0;
	}
	if(tg_live_start(te->live) != TG_OK)
		log_err("typoguard: cannot start the policy thread: the policy stays as loaded");
	te->id_base = ((uint64_t)arc4random() << 32) | arc4random();
	tg_event_prepare();
	if(pthread_mutex_init(&te->recent_lock, NULL) == 0) {
		if(pthread_key_create(&te->recent_key, NULL) == 0)
			te->recent_ready = 1;
		else
			pthread_mutex_destroy(&te->recent_lock);
	}
	de->dyn_env = te;
	if(!tg_register(de, env, id, (void*)&tg_reply_cb, te)) {
		log_err("typoguard: cannot register the reply callbacks");
		return 0; /* deinit deletes what was registered and frees te */
	}
	tg_log_loaded(te);
	return 1;
}

void
deinit(struct module_env* env, int id)
{
	struct dynlibmod_env* de = (struct dynlibmod_env*)env->modinfo[id];
	struct tg_env* te;
	size_t i;
	if(!de || !(te = (struct tg_env*)de->dyn_env))
		return;
	for(i = 0; i < TG_CB_TYPES; i++)
		(*de->inplace_cb_delete_wrapped)(env, tg_cb_types[i], id);
	log_info("typoguard: %llu client lookups flagged, %llu answered NXDOMAIN",
		(unsigned long long)atomic_load(&te->flagged),
		(unsigned long long)atomic_load(&te->blocked));
	if(te->settings.resolve_blocked)
		log_info("typoguard: %llu blocked lookups resolved in the background",
			(unsigned long long)atomic_load(&te->background));
	if(atomic_load(&te->encode_failed))
		log_err("typoguard: %llu events lost: could not be encoded",
			(unsigned long long)atomic_load(&te->encode_failed));
	tg_env_free(te);
	de->dyn_env = NULL;
}

/**
 * Whether a query comes from a client: not one Unbound makes for itself (prefetch, DNSSEC keys,
 * priming), which have no reply to send.
 * @param qstate: the query state.
 * @return: 1 for a client query.
 */
static int
tg_from_client(struct module_qstate* qstate)
{
	return qstate->mesh_info && qstate->mesh_info->reply_list &&
		!qstate->is_priming && !qstate->is_valrec;
}

/**
 * Match a query name against the policy.
 * @param p: the policy in force, inside a read (tg_live_enter()).
 * @param qinfo: the question.
 * @param m: receives the match.
 * @param clean: if not NULL, set to 1 when the name is no typo, whatever the type.
 * @return: the rule that matched and intercepts this type, or NULL.
 */
static const struct tg_rule*
tg_check(const struct tg_policy* p, struct query_info* qinfo, struct tg_match* m, int* clean)
{
	struct tg_name name;
	const struct tg_rule* rule;
	if(qinfo->qclass != LDNS_RR_CLASS_IN)
		return NULL;
	if(tg_name_from_wire(&name, qinfo->qname, qinfo->qname_len) != TG_OK)
		return NULL;
	if(tg_matcher_match(p->matcher, &name, m) != TG_VERDICT_TYPO) {
		if(clean)
			*clean = 1;
		return NULL;
	}
	rule = &p->rules[m->id];
	if(!tg_qtypes_has(&rule->qtypes, qinfo->qtype))
		return NULL;
	return rule;
}

/**
 * Answer NXDOMAIN without resolving, with an Extended DNS Error saying why when ede: is on.
 * @param qstate: the query state.
 * @param rule: the protected name's rule.
 * @param id: the module id.
 */
static void
tg_block(struct module_qstate* qstate, const struct tg_rule* rule, int id)
{
	char text[TG_PRESENT_MAX + 32];
	if(qstate->env->cfg->ede) {
		snprintf(text, sizeof(text), "typo of %s", rule->name);
		if(!edns_opt_list_append_ede(&qstate->edns_opts_front_out,
			qstate->region, LDNS_EDE_BLOCKED, text))
			log_err("typoguard: out of memory for the EDE option");
	}
	qstate->return_rcode = LDNS_RCODE_NXDOMAIN;
	qstate->return_msg = NULL;
	qstate->ext_state[id] = module_finished;
}

/**
 * Say in Unbound's log which lookup was flagged.
 * @param qinfo: the question.
 * @param rule: the rule that matched.
 */
static void
tg_log_flagged(struct query_info* qinfo, const struct tg_rule* rule)
{
	struct tg_name name;
	char text[TG_PRESENT_MAX];
	if(tg_name_from_wire(&name, qinfo->qname, qinfo->qname_len) != TG_OK)
		return;
	tg_name_present(text, &name, 0);
	verbose(VERB_QUERY, "typoguard: %s is a typo of %s (%s)", text,
		rule->name, tg_action_str(rule->action));
}

static void tg_background_start(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq, int id);
static void tg_background_answer(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq, int id);
static void tg_background_resume(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq, int id);
static void tg_exchanger_result(struct module_qstate* sub, struct module_qstate* super,
	int id);

/**
 * A new query: flag it if it is a typo lookup from a client, then block it or pass it on.
 * @param qstate: the query state.
 * @param id: the module id.
 */
static void
tg_handle_new(struct module_qstate* qstate, int id)
{
	struct tg_env* te = tg_env_get(qstate->env, id);
	const struct tg_live_version* v;
	struct tg_live_reader* rd;
	struct tg_qstate* tq;
	struct tg_match m;
	const struct tg_rule* rule;
	qstate->ext_state[id] = module_wait_module;
	if(!te || !tg_from_client(qstate) || !(v = tg_live_enter(te->live, &rd)))
		return;
	if(!(rule = tg_check(v->policy, &qstate->qinfo, &m, NULL))) {
		tg_live_leave(rd);
		qstate->minfo[id] = (void*)&tg_unflagged;
		return;
	}
	if(!(tq = regional_alloc_zero(qstate->region, sizeof(*tq)))) {
		tg_live_leave(rd);
		log_err("typoguard: out of memory for a flagged query");
		qstate->ext_state[id] = module_error;
		return;
	}
	/* the rule stays valid until clear() lets go of its version */
	tg_live_hold(te->live, v);
	tg_live_leave(rd);
	tq->version = v;
	tq->kind = TG_Q_CLIENT;
	tq->rule = rule;
	tq->match = m;
	tq->action = rule->action;
	qstate->minfo[id] = tq;
	/* the next identical lookup must reach the module again, not the cache */
	qstate->no_cache_store = 1;
	if(verbosity >= VERB_QUERY)
		tg_log_flagged(&qstate->qinfo, rule);
	if(rule->action != TG_ACTION_NXDOMAIN)
		return;
	/* a query without recursion desired would not have been resolved: nothing to find out */
	if(te->settings.resolve_blocked && (qstate->query_flags & BIT_RD))
		tg_background_start(te, qstate, tq, id);
	tg_block(qstate, rule, id);
}

/**
 * The modules after typoguard are done: for a background lookup, report its answer (or first
 * look up the exchangers' addresses); for any other query, finish.
 * @param qstate: the query state.
 * @param id: the module id.
 */
static void
tg_handle_moddone(struct module_qstate* qstate, int id)
{
	struct tg_env* te = tg_env_get(qstate->env, id);
	struct tg_qstate* tq = (struct tg_qstate*)qstate->minfo[id];
	qstate->ext_state[id] = module_finished;
	if(te && tq && tq->kind == TG_Q_BACKGROUND)
		tg_background_answer(te, qstate, tq, id);
}

/**
 * Passed to typoguard: a new query (from the mesh's run list), to pass on; or a background
 * lookup whose exchanger lookups ended, to resume.
 * @param qstate: the query state.
 * @param id: the module id.
 */
static void
tg_handle_pass(struct module_qstate* qstate, int id)
{
	struct tg_env* te = tg_env_get(qstate->env, id);
	struct tg_qstate* tq = (struct tg_qstate*)qstate->minfo[id];
	qstate->ext_state[id] = module_wait_module;
	if(te && tq && tq->kind == TG_Q_BACKGROUND && tq->exchangers)
		tg_background_resume(te, qstate, tq, id);
}

void
operate(struct module_qstate* qstate, enum module_ev event, int id,
	struct outbound_entry* outbound)
{
	(void)outbound;
	switch(event) {
	case module_event_new:
		tg_handle_new(qstate, id);
		return;
	case module_event_pass:
		tg_handle_pass(qstate, id);
		return;
	case module_event_moddone:
		tg_handle_moddone(qstate, id);
		return;
	case module_event_error:
		qstate->ext_state[id] = module_error;
		return;
	default:
		break;
	}
	log_err("typoguard: bad event %s", strmodulevent(event));
	qstate->ext_state[id] = module_error;
}

void
inform_super(struct module_qstate* qstate, int id, struct module_qstate* super)
{
	/* the only subqueries typoguard waits for are a background lookup's exchangers */
	tg_exchanger_result(qstate, super, id);
}

void
clear(struct module_qstate* qstate, int id)
{
	struct tg_qstate* tq;
	struct tg_env* te;
	if(!qstate)
		return;
	tq = (struct tg_qstate*)qstate->minfo[id];
	if(tq && tq != &tg_unflagged && tq->version &&
		(te = tg_env_get(qstate->env, id)) != NULL) {
		tg_live_release(te->live, tq->version);
		tq->version = NULL;
	}
	qstate->minfo[id] = NULL;
}

size_t
get_mem(struct module_env* env, int id)
{
	struct tg_env* te = tg_env_get(env, id);
	size_t n = 0;
	if(!te)
		return 0;
	if(te->recent_ready) {
		pthread_mutex_lock(&te->recent_lock);
		n = te->nrecent;
		pthread_mutex_unlock(&te->recent_lock);
	}
	return sizeof(*te) + tg_live_memory(te->live) + n * tg_recent_memory();
}

/**
 * The client's address and port in text.
 * @param repinfo: the reply, with the client's address.
 * @param ip: receives the address; TG_ADDR_MAX bytes.
 * @return: the port, or -1 if the address family is unknown.
 */
static int
tg_client(struct comm_reply* repinfo, char* ip)
{
	struct sockaddr_storage* a = &repinfo->client_addr;
	if(a->ss_family == AF_INET) {
		struct sockaddr_in* s4 = (struct sockaddr_in*)a;
		if(inet_ntop(AF_INET, &s4->sin_addr, ip, TG_ADDR_MAX))
			return ntohs(s4->sin_port);
	} else if(a->ss_family == AF_INET6) {
		struct sockaddr_in6* s6 = (struct sockaddr_in6*)a;
		if(inet_ntop(AF_INET6, &s6->sin6_addr, ip, TG_ADDR_MAX))
			return ntohs(s6->sin6_port);
	}
	return -1;
}

/**
 * The transport the client used.
 * @param repinfo: the reply.
 * @return: "udp", "tcp", "tls" or "https".
 */
static const char*
tg_transport(struct comm_reply* repinfo)
{
	struct comm_point* c = repinfo->c;
	if(!c)
		return NULL;
	if(c->type == comm_udp)
		return "udp";
	if(c->type == comm_http)
		return "https";
	return c->ssl ? "tls" : "tcp";
}

/**
 * Where an event's answer records and addresses are collected, in the reply's region.
 */
struct tg_collect {
	/** the answer records */
	struct tg_answer answer[TG_ANSWERS_MAX];
	/** number of answer records */
	size_t answers;
	/** the addresses */
	struct tg_addrs resolved;
	/** the region strings are allocated in */
	struct regional* region;
	/** subtracted from TTLs: 0 for fresh answers, now for cached ones (absolute TTLs) */
	time_t ttl_base;
};

/**
 * Add one address record's address to a list.
 * @param a: the list.
 * @param region: where the text is allocated.
 * @param type: A or AAAA.
 * @param rdata: the rdata with its two-byte length.
 * @param len: length of rdata.
 */
static void
tg_addrs_add(struct tg_addrs* a, struct regional* region, uint16_t type, uint8_t* rdata,
	size_t len)
{
	char ip[TG_ADDR_MAX];
	int af = (type == LDNS_RR_TYPE_A) ? AF_INET : AF_INET6;
	size_t want = (type == LDNS_RR_TYPE_A) ? 4 : 16;
	if(a->count >= TG_RESOLVED_MAX || len != 2 + want ||
		!inet_ntop(af, rdata + 2, ip, sizeof(ip)))
		return;
	if((a->ip[a->count] = regional_strdup(region, ip)))
		a->count++;
}

/**
 * Add the records of an answer-section RRset to the collection.
 * @param c: the collection.
 * @param rrset: the RRset.
 */
static void
tg_collect_rrset(struct tg_collect* c, struct ub_packed_rrset_key* rrset)
{
	struct packed_rrset_data* d = (struct packed_rrset_data*)rrset->entry.data;
	uint16_t type = ntohs(rrset->rk.type);
	char owner[TG_PRESENT_MAX], tbuf[32], cbuf[32], data[TG_RDATA_MAX];
	size_t i, n;
	sldns_wire2str_dname_buf(rrset->rk.dname, rrset->rk.dname_len, owner,
		sizeof(owner));
	n = strlen(owner);
	if(n > 1 && owner[n - 1] == '.')
		owner[n - 1] = 0;
	sldns_wire2str_type_buf(type, tbuf, sizeof(tbuf));
	sldns_wire2str_class_buf(ntohs(rrset->rk.rrset_class), cbuf, sizeof(cbuf));
	for(i = 0; i < d->count && c->answers < TG_ANSWERS_MAX; i++) {
		struct tg_answer* a = &c->answer[c->answers];
		if(d->rr_len[i] < 2 || sldns_wire2str_rdata_buf(d->rr_data[i] + 2,
			d->rr_len[i] - 2, data, sizeof(data), type) < 0)
			continue;
		a->name = regional_strdup(c->region, owner);
		a->type = regional_strdup(c->region, tbuf);
		a->class_ = regional_strdup(c->region, cbuf);
		a->data = regional_strdup(c->region, data);
		a->ttl = (uint32_t)(d->rr_ttl[i] > c->ttl_base ?
			d->rr_ttl[i] - c->ttl_base : 0);
		if(!a->name || !a->type || !a->class_ || !a->data)
			return;
		c->answers++;
		if(type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA)
			tg_addrs_add(&c->resolved, c->region, type, d->rr_data[i],
				d->rr_len[i]);
	}
}

/**
 * Whether an additional-section owner is an exchange named by an MX record in the answer.
 * @param rep: the reply.
 * @param dname: the owner, wire format.
 * @return: 1 if it is.
 */
static int
tg_is_mx_target(struct reply_info* rep, uint8_t* dname)
{
	size_t i, j;
	for(i = 0; i < rep->an_numrrsets; i++) {
		struct ub_packed_rrset_key* k = rep->rrsets[i];
		struct packed_rrset_data* d = (struct packed_rrset_data*)k->entry.data;
		if(ntohs(k->rk.type) != LDNS_RR_TYPE_MX)
			continue;
		for(j = 0; j < d->count; j++) {
			/* rdata: length(2) preference(2) exchange */
			if(d->rr_len[j] > 4 && query_dname_compare(
				d->rr_data[j] + 4, dname) == 0)
				return 1;
		}
	}
	return 0;
}

/**
 * Collect the answer records, and the addresses of the answer and of its mail exchangers.
 * @param c: the collection, zeroed but for region and ttl_base.
 * @param rep: the reply, or NULL.
 */
static void
tg_collect_reply(struct tg_collect* c, struct reply_info* rep)
{
	size_t i;
	if(!rep)
		return;
	for(i = 0; i < rep->an_numrrsets; i++)
		tg_collect_rrset(c, rep->rrsets[i]);
	for(i = rep->an_numrrsets + rep->ns_numrrsets; i < rep->rrset_count; i++) {
		struct ub_packed_rrset_key* k = rep->rrsets[i];
		struct packed_rrset_data* d = (struct packed_rrset_data*)k->entry.data;
		uint16_t type = ntohs(k->rk.type);
		size_t j;
		if((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) ||
			!tg_is_mx_target(rep, k->rk.dname))
			continue;
		for(j = 0; j < d->count; j++)
			tg_addrs_add(&c->resolved, c->region, type, d->rr_data[j],
				d->rr_len[j]);
	}
}

/**
 * Fill the parts of an event that come from the query and its answer.
 * @param ev: the event, zeroed.
 * @param name: receives the query name; the event points to it.
 * @param qinfo: the question.
 * @param tq: typoguard's state of the query.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code, or 0 to take the answer's.
 * @param c: the answer's records and addresses, collected.
 * @return: 1, or 0 if the query name cannot be read.
 */
static int
tg_event_fill(struct tg_event* ev, struct tg_name* name, struct query_info* qinfo,
	const struct tg_qstate* tq, struct reply_info* rep, int rcode, struct tg_collect* c)
{
	if(tg_name_from_wire(name, qinfo->qname, qinfo->qname_len) != TG_OK)
		return 0;
	gettimeofday(&ev->time, NULL);
	ev->action = tq->action;
	ev->client_port = -1;
	ev->qname = name;
	ev->qtype = qinfo->qtype;
	ev->qclass = qinfo->qclass;
	ev->rcode = rcode ? rcode : (rep ? (int)FLAGS_GET_RCODE(rep->flags) : 0);
	ev->answers = c->answers ? c->answer : NULL;
	ev->answer_count = c->answers;
	ev->resolved_ip = c->resolved.count ? c->resolved.ip : NULL;
	ev->resolved_count = c->resolved.count;
	ev->rule = tq->rule;
	ev->match = &tq->match;
	if(tq->version && tq->rule)
		ev->has_policy_serial = tg_policy_source_serial(tq->version->policy,
			tq->rule->file, &ev->policy_serial);
	return 1;
}

/**
 * Queue an event for the writer, whose thread encodes it, looks up where its addresses are,
 * serialises and writes it: the worker only copies it.
 * @param te: typoguard's state.
 * @param ev: the event.
 */
static void
tg_submit(struct tg_env* te, const struct tg_event* ev)
{
	struct tg_event* copy;
	if(!(copy = tg_event_copy(ev))) {
		atomic_fetch_add(&te->encode_failed, 1);
		log_err("typoguard: out of memory: event not written");
		return;
	}
	tg_writer_submit_event(te->writer, copy);
}

/**
 * Encode and queue the event for one client reply.
 * @param te: typoguard's state.
 * @param qinfo: the question as the client asked it.
 * @param tq: the flagged query; the first reply of one resolved in the background takes the
 *	event.id the follow-up names.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code sent.
 * @param repinfo: the client's reply information.
 * @param c: the collection, with region and ttl_base set.
 */
static void
tg_emit(struct tg_env* te, struct query_info* qinfo, struct tg_qstate* tq,
	struct reply_info* rep, int rcode, struct comm_reply* repinfo,
	struct tg_collect* c)
{
	struct tg_event ev;
	struct tg_name name;
	char ip[TG_ADDR_MAX], id[TG_EVENT_ID_MAX];
	memset(&ev, 0, sizeof(ev));
	atomic_fetch_add(&te->flagged, 1);
	if(tq->action == TG_ACTION_NXDOMAIN)
		atomic_fetch_add(&te->blocked, 1);
	tg_collect_reply(c, rep);
	if(!tg_event_fill(&ev, &name, qinfo, tq, rep, rcode, c))
		return;
	if(tq->first_event[0] && !tq->first_used) {
		ev.id = tq->first_event;
		tq->first_used = 1;
	} else
		ev.id = tg_event_id(te, id);
	ev.client_port = tg_client(repinfo, ip);
	ev.client_ip = ev.client_port >= 0 ? ip : NULL;
	ev.transport = tg_transport(repinfo);
	tg_submit(te, &ev);
}

/**
 * This worker thread's set of names found clean in cached answers, made on first use.
 * @param te: typoguard's state.
 * @return: the set, or NULL if there is none (out of memory): then every name is matched.
 */
static struct tg_recent*
tg_thread_recent(struct tg_env* te)
{
	struct tg_recent* r;
	struct tg_recent** all;
	if(!te->recent_ready)
		return NULL;
	if((r = (struct tg_recent*)pthread_getspecific(te->recent_key)) != NULL)
		return r;
	if(!(r = tg_recent_new()))
		return NULL;
	pthread_mutex_lock(&te->recent_lock);
	if((all = realloc(te->recent, (te->nrecent + 1) * sizeof(*all))) != NULL) {
		all[te->nrecent++] = r;
		te->recent = all;
	}
	pthread_mutex_unlock(&te->recent_lock);
	if(!all) {
		tg_recent_free(r);
		return NULL;
	}
	/* kept in te->recent: freed with te even if this fails */
	return pthread_setspecific(te->recent_key, r) == 0 ? r : NULL;
}

/**
 * Check a question answered from Unbound's cache. Those are popular names, asked again and
 * again: a name this thread already found clean by this version of the policy is not matched
 * again.
 * @param te: typoguard's state.
 * @param v: the policy in force, inside a read.
 * @param qinfo: the question.
 * @param m: receives the match.
 * @return: the rule that matched and intercepts this type, or NULL.
 */
static const struct tg_rule*
tg_check_cached(struct tg_env* te, const struct tg_live_version* v, struct query_info* qinfo,
	struct tg_match* m)
{
	struct tg_recent* r = tg_thread_recent(te);
	const struct tg_rule* rule;
	int clean = 0;
	if(r)
		tg_recent_sync(r, v->generation);
	if(r && qinfo->qclass == LDNS_RR_CLASS_IN &&
		tg_recent_has(r, qinfo->qname, qinfo->qname_len))
		return NULL;
	rule = tg_check(v->policy, qinfo, m, &clean);
	if(r && clean)
		tg_recent_add(r, qinfo->qname, qinfo->qname_len);
	return rule;
}

/**
 * Unbound calls this before each reply it sends: from the mesh with the query state (once per
 * client, NXDOMAIN and SERVFAIL included), and from the cache without one.
 * Client queries carry what typoguard decided at module_event_new. The others are checked here:
 * answers from the cache (typoguard keeps flagged answers out of the message cache, so this
 * finds only what came there another way, such as a non-recursive query answered from records
 * Unbound looked up for itself) and a lookup Unbound started for itself that a client joined.
 * Those answers have gone out unblocked, so their event says "log".
 */
static int
tg_reply_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg)
{
	struct tg_env* te = (struct tg_env*)cb_arg;
	struct tg_live_reader* rd = NULL;
	struct tg_collect* c;
	struct tg_qstate unseen;
	struct tg_qstate* tq;
	(void)edns; (void)opt_list_out; (void)start_time;
	if(!repinfo)
		return 1; /* an internal lookup: no client */
	if(qstate && qstate->minfo[id]) {
		tq = (struct tg_qstate*)qstate->minfo[id];
		if(tq == &tg_unflagged || tq->kind != TG_Q_CLIENT)
			return 1;
	} else {
		memset(&unseen, 0, sizeof(unseen));
		/* the rule is used until the event is copied: all inside one read */
		if(!(unseen.version = tg_live_enter(te->live, &rd)))
			return 1;
		if(!(unseen.rule = tg_check_cached(te, unseen.version, qinfo,
			&unseen.match))) {
			tg_live_leave(rd);
			return 1;
		}
		unseen.action = TG_ACTION_LOG;
		tq = &unseen;
	}
	if(!(c = regional_alloc_zero(region, sizeof(*c)))) {
		tg_live_leave(rd);
		atomic_fetch_add(&te->encode_failed, 1);
		log_err("typoguard: out of memory: event not written");
		return 1;
	}
	c->region = region;
	c->ttl_base = qstate ? 0 : time(NULL);
	tg_emit(te, qinfo, tq, rep, rcode, repinfo, c);
	tg_live_leave(rd);
	return 1;
}

/*
 * Background resolution of blocked lookups (resolve-blocked: yes).
 *
 * The client's lookup is answered NXDOMAIN at once. Beside it, env->add_sub starts a detached
 * mesh state for the same question, which no client waits for: the client's state finishes
 * and is deleted, the detached one runs on through the modules (typoguard passes it on, as a
 * lookup without a client) and comes back to typoguard with its answer at
 * module_event_moddone.
 *
 * It is made with is_valrec set (as the validator's own lookups are: the validator does not
 * validate it). is_valrec is part of the key under which the mesh shares states, and a client
 * lookup never has it (mesh_new_client looks states up with valrec 0): so no client asking
 * the blocked question, CD bit or not, can ever be added to the background lookup's state and
 * get its answer past typoguard. The same holds for the exchanger lookups.
 *
 * It, and the exchanger lookups it makes, have no_cache_store set before they first run: the
 * iterator and validator then store nothing of their answers, so the next client asking the
 * blocked question still reaches typoguard and is blocked, not answered from the cache.
 */

/**
 * Start a detached lookup of a blocked question, and reserve the event.id of the client's
 * event for the follow-up to name.
 * @param te: typoguard's state.
 * @param qstate: the client's query state, being blocked.
 * @param tq: its typoguard state.
 * @param id: the module id.
 */
static void
tg_background_start(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq, int id)
{
	struct module_qstate* bg = NULL;
	struct mesh_state* sub = NULL;
	struct tg_qstate* bq;
	if(!(*qstate->env->add_sub)(qstate, &qstate->qinfo, BIT_RD, 0, TG_VALREC, &bg,
		&sub) || !bg) {
		/* out of memory, or a background lookup of it is running: that one reports */
		verbose(VERB_ALGO, "typoguard: no new background lookup");
		return;
	}
	/* before it first runs: nothing of its answer may reach the cache */
	bg->no_cache_store = 1;
	if(!(bq = regional_alloc_zero(bg->region, sizeof(*bq)))) {
		log_err("typoguard: out of memory for a background lookup");
		return; /* it runs without typoguard state: nothing reported, nothing cached */
	}
	tg_event_id(te, tq->first_event);
	/* the client's hold keeps the version until this one holds it too */
	tg_live_hold(te->live, tq->version);
	bq->version = tq->version;
	bq->kind = TG_Q_BACKGROUND;
	bq->rule = tq->rule;
	bq->match = tq->match;
	bq->action = tq->action;
	memcpy(bq->first_event, tq->first_event, sizeof(bq->first_event));
	bg->minfo[id] = bq;
	atomic_fetch_add(&te->background, 1);
}

/**
 * Whether the answer carries an address record for a name in its additional section.
 * @param rep: the answer.
 * @param dname: the name, wire format.
 * @return: 1 if it does.
 */
static int
tg_has_address(struct reply_info* rep, uint8_t* dname)
{
	size_t i;
	for(i = rep->an_numrrsets + rep->ns_numrrsets; i < rep->rrset_count; i++) {
		uint16_t t = ntohs(rep->rrsets[i]->rk.type);
		if((t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA) &&
			query_dname_compare(rep->rrsets[i]->rk.dname, dname) == 0)
			return 1;
	}
	return 0;
}

/**
 * Start the A and AAAA lookups of one mail exchanger, as subqueries the background lookup
 * waits for, kept out of the cache like it.
 * @param qstate: the background lookup.
 * @param dname: the exchanger, wire format, in an MX record's rdata.
 * @param len: bytes of rdata from dname on.
 * @param id: the module id.
 * @return: the number of lookups it now waits for.
 */
static int
tg_exchanger_lookup(struct module_qstate* qstate, uint8_t* dname, size_t len, int id)
{
	static const uint16_t types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	struct module_qstate* sub;
	struct tg_qstate* sq;
	struct query_info qinf;
	size_t i;
	int n = 0;
	memset(&qinf, 0, sizeof(qinf));
	qinf.qname = dname;
	qinf.qname_len = dname_valid(dname, len);
	qinf.qclass = LDNS_RR_CLASS_IN;
	if(qinf.qname_len == 0)
		return 0;
	for(i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		qinf.qtype = types[i];
		sub = NULL;
		if(!(*qstate->env->attach_sub)(qstate, &qinf, BIT_RD, 0, TG_VALREC, &sub))
			continue;
		n++;
		if(!sub)
			continue; /* a lookup already running: it informs this one too */
		sub->no_cache_store = 1;
		if((sq = regional_alloc_zero(sub->region, sizeof(*sq)))) {
			sq->kind = TG_Q_EXCHANGER;
			sub->minfo[id] = sq;
		}
	}
	return n;
}

/**
 * For an MX answer that does not carry its exchangers' addresses, look them up.
 * @param qstate: the background lookup, with its answer.
 * @param tq: its typoguard state.
 * @param id: the module id.
 * @return: the number of lookups it now waits for; 0 when there is nothing to look up.
 */
static int
tg_exchanger_lookups(struct module_qstate* qstate, struct tg_qstate* tq, int id)
{
	struct reply_info* rep = qstate->return_msg ? qstate->return_msg->rep : NULL;
	size_t i, j, exchangers = 0;
	int n = 0;
	if(!rep || qstate->qinfo.qtype != LDNS_RR_TYPE_MX)
		return 0;
	if(!(tq->exchangers = regional_alloc_zero(qstate->region,
		sizeof(*tq->exchangers)))) {
		log_err("typoguard: out of memory for a background lookup");
		return 0;
	}
	for(i = 0; i < rep->an_numrrsets && exchangers < TG_EXCHANGERS_MAX; i++) {
		struct ub_packed_rrset_key* k = rep->rrsets[i];
		struct packed_rrset_data* d = (struct packed_rrset_data*)k->entry.data;
		if(ntohs(k->rk.type) != LDNS_RR_TYPE_MX)
			continue;
		/* rdata: length(2) preference(2) exchange */
		for(j = 0; j < d->count && exchangers < TG_EXCHANGERS_MAX; j++) {
			if(d->rr_len[j] <= 5 || tg_has_address(rep, d->rr_data[j] + 4))
				continue;
			exchangers++;
			n += tg_exchanger_lookup(qstate, d->rr_data[j] + 4,
				d->rr_len[j] - 4, id);
		}
	}
	return n;
}

/**
 * Queue the follow-up event of a background lookup: its answer, the addresses the answer
 * carries and those of its exchangers, naming the event of the client's lookup.
 * @param te: typoguard's state.
 * @param qstate: the background lookup, with its answer.
 * @param tq: its typoguard state.
 */
static void
tg_emit_followup(struct tg_env* te, struct module_qstate* qstate, struct tg_qstate* tq)
{
	struct reply_info* rep = qstate->return_msg ? qstate->return_msg->rep : NULL;
	struct tg_event ev;
	struct tg_name name;
	struct tg_collect* c;
	char id[TG_EVENT_ID_MAX];
	size_t i;
	if(!(c = regional_alloc_zero(qstate->region, sizeof(*c)))) {
		atomic_fetch_add(&te->encode_failed, 1);
		log_err("typoguard: out of memory: event not written");
		return;
	}
	c->region = qstate->region;
	tg_collect_reply(c, rep);
	for(i = 0; tq->exchangers && i < tq->exchangers->count &&
		c->resolved.count < TG_RESOLVED_MAX; i++)
		c->resolved.ip[c->resolved.count++] = tq->exchangers->ip[i];
	memset(&ev, 0, sizeof(ev));
	if(!tg_event_fill(&ev, &name, &qstate->qinfo, tq, rep,
		rep ? 0 : qstate->return_rcode, c))
		return;
	ev.id = tg_event_id(te, id);
	ev.follows = tq->first_event;
	tg_submit(te, &ev);
}

/**
 * A background lookup has its answer: look up its exchangers' addresses first if it needs
 * them, else report it.
 * @param te: typoguard's state.
 * @param qstate: the background lookup.
 * @param tq: its typoguard state.
 * @param id: the module id.
 */
static void
tg_background_answer(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq, int id)
{
	if(tg_exchanger_lookups(qstate, tq, id) > 0) {
		qstate->ext_state[id] = module_wait_subquery;
		return;
	}
	tg_emit_followup(te, qstate, tq);
	qstate->ext_state[id] = module_finished;
}

/**
 * A background lookup is run again after exchanger lookups ended: wait for the rest, or
 * report.
 * @param te: typoguard's state.
 * @param qstate: the background lookup.
 * @param tq: its typoguard state.
 * @param id: the module id.
 */
static void
tg_background_resume(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq, int id)
{
	if(qstate->mesh_info && qstate->mesh_info->sub_set.count > 0) {
		qstate->ext_state[id] = module_wait_subquery;
		return;
	}
	tg_emit_followup(te, qstate, tq);
	qstate->ext_state[id] = module_finished;
}

/**
 * An exchanger lookup ended: keep the addresses it found for the background lookup.
 * @param sub: the exchanger lookup.
 * @param super: the background lookup waiting for it.
 * @param id: the module id.
 */
static void
tg_exchanger_result(struct module_qstate* sub, struct module_qstate* super, int id)
{
	struct tg_qstate* tq = (struct tg_qstate*)super->minfo[id];
	struct reply_info* rep = sub->return_msg ? sub->return_msg->rep : NULL;
	size_t i, j;
	if(!tq || tq->kind != TG_Q_BACKGROUND || !tq->exchangers || !rep ||
		sub->return_rcode != LDNS_RCODE_NOERROR)
		return;
	/* the answer section: the address records, also at the end of a CNAME chain */
	for(i = 0; i < rep->an_numrrsets; i++) {
		struct ub_packed_rrset_key* k = rep->rrsets[i];
		struct packed_rrset_data* d = (struct packed_rrset_data*)k->entry.data;
		uint16_t type = ntohs(k->rk.type);
		if(type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA)
			continue;
		for(j = 0; j < d->count; j++)
			tg_addrs_add(tq->exchangers, super->region, type, d->rr_data[j],
				d->rr_len[j]);
	}
}
