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
#include "lookalike.h"
#include "match.h"
#include "name.h"
#include "policy.h"
#include "recent.h"
#include "settings.h"
#include "stats.h"
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
/** room for most records' data in presentation format; longer data takes room of its size */
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
	/** the counters, written to metric events by the writer's thread (stats.c) */
	struct tg_stats stats;
	/** random at every start: the first part of every event.id */
	uint64_t id_base;
	/** the number of the last event.id given */
	atomic_uint_fast64_t id_last;
	/** labels given a skeleton, refused by ICU, mixing scripts, too long */
	struct tg_look_counts look;
	/** blocked lookups not resolved in the background: resolve-blocked-max were in flight */
	atomic_uint_fast64_t background_skipped;
	/** when a skipped background lookup was last reported in the log, seconds */
	atomic_int_fast64_t skip_logged;
	/** most background lookups in flight on one worker thread (resolve-blocked-max) */
	unsigned background_max;
	/** the resolver as events name it (observer.*) */
	struct tg_observer observer;
	/** the host's name observer.hostname points to */
	char hostname[TG_PRESENT_MAX];
	/** Unbound's identity: when set, observer.name; malloc'ed */
	char* identity;
	/** each worker thread's own state (struct tg_thread) */
	pthread_key_t thread_key;
	/** 1 if thread_key and threads_lock were made */
	int threads_ready;
	/** guards threads and nthreads */
	pthread_mutex_t threads_lock;
	/** every thread's state, freed with this one */
	struct tg_thread** threads;
	/** number of them */
	size_t nthreads;
};

/** the query states typoguard hangs its state on */
enum tg_qkind {
	/** a client's lookup, flagged */
	TG_Q_CLIENT = 0,
	/** a blocked lookup resolved again in the background, for a follow-up event */
	TG_Q_BACKGROUND,
	/** an address lookup of a mail exchanger, for a background lookup */
	TG_Q_EXCHANGER,
	/** a lookup a module ahead of typoguard makes for a client's (dns64's A for an AAAA),
	 * blocked: the client's lookup has the event */
	TG_Q_INTERNAL
};

/**
 * The event of one client's reply, held until the query state ends (clear()), so that a
 * reply that fails after its callback (encoding) changes the event instead of adding one.
 */
struct tg_pending {
	/** the next one, or NULL */
	struct tg_pending* next;
	/** the client's reply information, as the mesh passed it: identifies the client */
	struct comm_reply* who;
	/** the event, malloc'ed (tg_event_copy); NULL if it was suppressed or not made */
	struct tg_event* ev;
	/** 1 when the client's event was written from the cache before the query came to the
	 * mesh: no other is made */
	int written;
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
	/** the action the policy gives: differs from action in a dry run */
	enum tg_action policy_action;
	/** 1 in a dry run */
	int dry_run;
	/** a CNAME/DNAME chain led into the match: the names, from the name asked to the one
	 * that matched (in the region); NULL when the name asked matched */
	const char** chain;
	/** number of names in chain */
	size_t chain_count;
	/** the name that matched when it is a chain's (in the region), else NULL */
	struct tg_name* matched;
	/** background: counted in tg_background_inflight until clear() */
	int in_flight;
	/** client: the clients waiting, as the mesh listed them when typoguard last ran */
	struct mesh_reply* clients;
	/** client: the events of the replies sent, submitted when the state ends */
	struct tg_pending* pending;
};

/** marks, on qstate->minfo, a client query that typoguard checked and did not flag */
static const struct tg_qstate tg_unflagged;

/** seconds between two log lines about background lookups not started */
#define TG_SKIP_LOG_INTERVAL 60

/** background lookups in flight on this worker thread: a worker's mesh starts them, and
 * clears them, on its own thread (resolve-blocked-max caps it) */
static _Thread_local unsigned tg_background_inflight;

/** the reply callbacks typoguard registers, and deletes at deinit */
static const enum inplace_cb_list_type tg_cb_types[] = {
	inplace_cb_reply, inplace_cb_reply_servfail, inplace_cb_reply_cache
};

/**
 * The last event this thread wrote for an answer from the cache, so that a callback for the
 * same client lookup that follows it at once (the encoding failed and SERVFAIL is sent
 * instead; the answer went on to the mesh after all) does not write a second one.
 */
struct tg_mark {
	/** whether it is set */
	int set;
	/** the reply information and question Unbound passed (addresses that repeat) */
	const struct comm_reply* repinfo;
	/** the question Unbound passed */
	const struct query_info* qinfo;
	/** the client's address */
	struct sockaddr_storage addr;
	/** the length of addr */
	socklen_t addrlen;
	/** the query's ID, in host order (a mesh_reply keeps it as on the wire) */
	uint16_t qid;
	/** the query name, wire format, and its length */
	uint8_t qname[LDNS_MAX_DOMAINLEN + 1];
	/** length of qname */
	size_t qname_len;
	/** the query type */
	uint16_t qtype;
	/** Unbound's time when it was set: the request's handling has the same */
	struct timeval when;
};

/** the mark of a thread that has none (out of memory): never set */
static const struct tg_mark tg_no_mark;

/** what typoguard keeps for each worker thread, made on its first use; a request is handled
 * by one thread from start to end */
struct tg_thread {
	/** names its cached answers were found clean for; NULL (out of memory): every name is
	 * matched */
	struct tg_recent* recent;
	/** the client lookup of the last event written for an answer from the cache */
	struct tg_mark mark;
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
	if(!tg_settings_path())
		verbose(VERB_OPS, "typoguard: no %s and no TYPOGUARD_CONF: using the "
			"embedded default (protect mil and gov, action log)",
			tg_settings_default_path());
	return tg_settings_read(s, err);
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
tg_register(struct dynlibmod_env* de, struct module_env* env, int id, void* const* cb,
	struct tg_env* te)
{
	size_t i;
	for(i = 0; i < TG_CB_TYPES; i++) {
		if(!(*de->inplace_cb_register_wrapped)(cb[i], tg_cb_types[i], te,
			env, id))
			return 0;
	}
	return 1;
}

/** a word of module-config, as long as a module's name may be */
#define TG_MODNAME_MAX 64

/**
 * Check where typoguard stands in module-config: it sees client queries only before the
 * iterator (module 0 gets them as new queries, the modules ahead pass them on).
 * @param cfg: Unbound's configuration.
 * @param id: typoguard's module id, its place in module-config.
 * @return: 1 if it can work there; 0 after saying why in the log.
 */
static int
tg_check_stack(struct config_file* cfg, int id)
{
	const char* p = cfg->module_conf;
	char word[TG_MODNAME_MAX];
	int i = 0, n;
	while(p && sscanf(p, " %63s%n", word, &n) == 1) {
		p += n;
		if(i < id && strcmp(word, "iterator") == 0) {
			log_err("typoguard: module-config \"%s\": dynlib (module %d) comes "
				"after the iterator, where no client query reaches it; put it "
				"before the iterator (and the validator)", cfg->module_conf, id);
			return 0;
		}
		if(i < id && (strcmp(word, "validator") == 0 ||
			strcmp(word, "cachedb") == 0))
			log_warn("typoguard: module-config \"%s\": %s comes before "
				"dynlib: %s", cfg->module_conf, word,
				strcmp(word, "cachedb") == 0 ? "its answers are never checked" :
				"blocked answers are validated (bogus under a trust anchor)");
		i++;
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
	if(te->threads_ready) {
		pthread_key_delete(te->thread_key);
		pthread_mutex_destroy(&te->threads_lock);
	}
	for(i = 0; i < te->nthreads; i++) {
		tg_recent_free(te->threads[i]->recent);
		free(te->threads[i]);
	}
	free(te->threads);
	/* events copy their rules: the policies can go before the writer's queue */
	tg_stats_follow(&te->stats, NULL);
	tg_live_close(te->live);
	tg_writer_close(te->writer);
	free(te->identity);
	tg_stats_free(&te->stats);
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
 * Start the metric events, and the stats file with them, from the writer's thread; the
 * policy gauges are read from the policy in force at each.
 * @param te: typoguard's state, with its writer and policy holder.
 */
static void
tg_stats_start(struct tg_env* te)
{
	te->stats.interval = te->settings.stats_interval;
	te->stats.file = te->settings.stats_file;
	tg_stats_follow(&te->stats, te->live);
	tg_writer_metrics(te->writer, te->stats.interval, &tg_stats_emit, &te->stats);
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

/**
 * Name the resolver for the events: this host, Unbound's identity: if set, Unbound's version.
 * @param te: typoguard's state.
 * @param env: the module environment.
 */
static void
tg_observer_init(struct tg_env* te, struct module_env* env)
{
	if(gethostname(te->hostname, sizeof(te->hostname) - 1) == 0 && te->hostname[0])
		te->observer.hostname = te->hostname;
	if(env->cfg->identity && env->cfg->identity[0])
		te->observer.name = te->identity = strdup(env->cfg->identity);
	te->observer.vendor = "NLnet Labs";
	te->observer.product = "Unbound";
	te->observer.version = PACKAGE_VERSION;
}

static int tg_reply_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg);
static int tg_servfail_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg);
static int tg_cache_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg);
static int tg_response_cb(struct module_qstate* qstate, struct dns_msg* response, int id,
	void* cb_arg);

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
	void* const cbs[TG_CB_TYPES] = { (void*)&tg_reply_cb, (void*)&tg_servfail_cb,
		(void*)&tg_cache_cb };
	memset(&err, 0, sizeof(err));
	if(!tg_check_stack(env->cfg, id))
		return 0;
	if(!(te = calloc(1, sizeof(*te))) || tg_stats_init(&te->stats) != 0) {
		log_err("typoguard: out of memory");
		free(te);
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
		/* Unbound exits without deinit: ICU's caches of a loaded policy go here */
		tg_look_cleanup();
		return 0;
	}
	if(tg_live_start(te->live) != TG_OK)
		log_err("typoguard: cannot start the policy thread: the policy stays as loaded");
	tg_stats_start(te);
	te->background_max = te->settings.resolve_blocked_max > 0 ?
		(unsigned)te->settings.resolve_blocked_max : TG_RESOLVE_MAX_DEFAULT;
	te->id_base = ((uint64_t)arc4random() << 32) | arc4random();
	tg_observer_init(te, env);
	tg_event_prepare();
	if(pthread_mutex_init(&te->threads_lock, NULL) == 0) {
		if(pthread_key_create(&te->thread_key, NULL) == 0)
			te->threads_ready = 1;
		else
			pthread_mutex_destroy(&te->threads_lock);
	}
	de->dyn_env = te;
	if(!tg_register(de, env, id, cbs, te) ||
		!(*de->inplace_cb_register_wrapped)((void*)&tg_response_cb,
		inplace_cb_query_response, te, env, id)) {
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
	(*de->inplace_cb_delete_wrapped)(env, inplace_cb_query_response, id);
	log_info("typoguard: %llu client lookups flagged, %llu answered NXDOMAIN",
		(unsigned long long)atomic_load(&te->stats.flagged),
		(unsigned long long)atomic_load(&te->stats.blocked));
	log_info("typoguard: %llu flagged client lookups had no reply from Unbound, "
		"%llu upstream answers of blocked names kept out of the cache",
		(unsigned long long)atomic_load(&te->stats.unanswered),
		(unsigned long long)atomic_load(&te->stats.kept_out));
	if(te->settings.resolve_blocked)
		log_info("typoguard: %llu blocked lookups resolved in the background",
			(unsigned long long)atomic_load(&te->stats.background));
	if(atomic_load(&te->background_skipped))
		log_warn("typoguard: %llu blocked lookups not resolved in the background: "
			"resolve-blocked-max (%u) were in flight on their thread",
			(unsigned long long)atomic_load(&te->background_skipped),
			te->background_max);
	if(atomic_load(&te->look.decoded) || atomic_load(&te->look.refused))
		log_info("typoguard: lookalikes: %llu labels in Unicode given a skeleton (%llu "
			"mixing scripts), %llu refused by ICU, %llu too long",
			(unsigned long long)atomic_load(&te->look.decoded),
			(unsigned long long)atomic_load(&te->look.mixed),
			(unsigned long long)atomic_load(&te->look.refused),
			(unsigned long long)atomic_load(&te->look.toolong));
	if(atomic_load(&te->stats.copy_failed))
		log_err("typoguard: %llu events lost: could not be encoded",
			(unsigned long long)atomic_load(&te->stats.copy_failed));
	tg_env_free(te);
	de->dyn_env = NULL;
	/* every policy is freed and no thread is left: ICU's caches can go, or they would
	 * outlive the module when dynlib unloads it */
	tg_look_cleanup();
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
 * Whether a rule intercepts a query type: its own types; ANY, which a blocked name answers
 * as the block is; HTTPS and SVCB with A or AAAA, since they carry addresses too.
 * @param rule: the rule.
 * @param qtype: the query type.
 * @return: 1 if it does.
 */
static int
tg_intercepts(const struct tg_rule* rule, uint16_t qtype)
{
	if(tg_qtypes_has(&rule->qtypes, qtype))
		return 1;
	if(qtype == LDNS_RR_TYPE_ANY)
		return rule->qtypes.count > 0;
	if(qtype == LDNS_RR_TYPE_HTTPS || qtype == LDNS_RR_TYPE_SVCB)
		return tg_qtypes_has(&rule->qtypes, LDNS_RR_TYPE_A) ||
			tg_qtypes_has(&rule->qtypes, LDNS_RR_TYPE_AAAA);
	return 0;
}

/**
 * Match a name against the policy, lookalikes too unless the settings say lookalikes: no.
 * @param te: typoguard's state: the settings and the lookalike counters.
 * @param p: the policy in force, inside a read (tg_live_enter()).
 * @param dname: the name, wire format.
 * @param len: its length.
 * @param qtype: the query type.
 * @param name: receives the name in comparison form, or NULL.
 * @param m: receives the match.
 * @param clean: if not NULL, set to 1 when the name is no typo, whatever the type.
 * @return: the rule that matched and intercepts this type, or NULL.
 */
static const struct tg_rule*
tg_check_name(struct tg_env* te, const struct tg_policy* p, uint8_t* dname, size_t len,
	uint16_t qtype, struct tg_name* name, struct tg_match* m, int* clean)
{
	struct tg_name local;
	const struct tg_rule* rule;
	if(!name)
		name = &local;
	if(tg_name_from_wire(name, dname, len) != TG_OK)
		return NULL;
	if(tg_policy_match(p, name, !te->settings.no_lookalikes, m, &te->look) !=
		TG_VERDICT_TYPO) {
		if(clean)
			*clean = 1;
		return NULL;
	}
	rule = &p->rules[m->id];
	return tg_intercepts(rule, qtype) ? rule : NULL;
}

/**
 * Match a query name against the policy.
 * @param te: typoguard's state: the settings and the lookalike counters.
 * @param p: the policy in force, inside a read (tg_live_enter()).
 * @param qinfo: the question.
 * @param m: receives the match.
 * @param clean: if not NULL, set to 1 when the name is no typo, whatever the type.
 * @return: the rule that matched and intercepts this type, or NULL.
 */
static const struct tg_rule*
tg_check(struct tg_env* te, const struct tg_policy* p, struct query_info* qinfo,
	struct tg_match* m, int* clean)
{
	if(qinfo->qclass != LDNS_RR_CLASS_IN)
		return NULL;
	return tg_check_name(te, p, qinfo->qname, qinfo->qname_len, qinfo->qtype, NULL, m,
		clean);
}

/**
 * Whether the action of a rule is carried out, or only logged (dry-run: yes).
 * @param te: typoguard's state.
 * @param rule: the rule.
 * @return: the action taken.
 */
static enum tg_action
tg_action_taken(struct tg_env* te, const struct tg_rule* rule)
{
	return te->settings.dry_run ? TG_ACTION_LOG : rule->action;
}

/**
 * Make one RRset of one record in a region.
 * @param region: where.
 * @param owner: the owner, wire format.
 * @param owner_len: its length.
 * @param type: the type.
 * @param ttl: the TTL.
 * @param rdata: the rdata, without its length.
 * @param rdata_len: its length.
 * @return: the RRset, or NULL if out of memory.
 */
static struct ub_packed_rrset_key*
tg_rrset(struct regional* region, uint8_t* owner, size_t owner_len, uint16_t type,
	uint32_t ttl, const uint8_t* rdata, size_t rdata_len)
{
	struct ub_packed_rrset_key* k = regional_alloc_zero(region, sizeof(*k));
	struct packed_rrset_data* d;
	if(!k || !(k->rk.dname = regional_alloc_init(region, owner, owner_len)) ||
		!(d = regional_alloc_zero(region, sizeof(*d) + sizeof(size_t) +
		sizeof(uint8_t*) + sizeof(time_t) + 2 + rdata_len)))
		return NULL;
	k->entry.key = k;
	k->entry.data = d;
	k->rk.dname_len = owner_len;
	k->rk.type = htons(type);
	k->rk.rrset_class = htons(LDNS_RR_CLASS_IN);
	d->ttl = ttl;
	d->count = 1;
	d->trust = rrset_trust_prim_noglue;
	d->security = sec_status_insecure;
	d->rr_len = (size_t*)(d + 1);
	d->rr_data = (uint8_t**)(d->rr_len + 1);
	d->rr_ttl = (time_t*)(d->rr_data + 1);
	d->rr_data[0] = (uint8_t*)(d->rr_ttl + 1);
	d->rr_len[0] = 2 + rdata_len;
	d->rr_ttl[0] = ttl;
	sldns_write_uint16(d->rr_data[0], (uint16_t)rdata_len);
	memcpy(d->rr_data[0] + 2, rdata, rdata_len);
	k->entry.hash = rrset_key_hash(&k->rk);
	return k;
}

/**
 * The answer to a blocked lookup: NXDOMAIN with the policy zone's SOA in the authority
 * section (its minimum as TTL, as RPZ answers have); for action nullmx and an MX or ANY
 * question, the null MX (MX 0 ., RFC 7505).
 * @param p: the policy the rule is in.
 * @param qstate: the query state.
 * @param rule: the rule.
 * @return: the message, or NULL when the zone has no SOA or out of memory (then a bare
 *	NXDOMAIN goes out).
 */
static struct dns_msg*
tg_block_msg(const struct tg_policy* p, struct module_qstate* qstate,
	const struct tg_rule* rule)
{
	static const uint8_t nullmx[] = { 0, 0, 0 }; /* preference 0, exchange "." */
	const struct tg_soa* soa = tg_policy_soa(p, rule);
	struct query_info* q = &qstate->qinfo;
	int null = rule->action == TG_ACTION_NULLMX && (q->qtype == LDNS_RR_TYPE_MX ||
		q->qtype == LDNS_RR_TYPE_ANY);
	uint32_t ttl = soa ? soa->minimum : 3600;
	struct ub_packed_rrset_key* k;
	struct dns_msg* msg;
	if((!soa && !null) || !(msg = dns_msg_create(q->qname, q->qname_len, q->qtype,
		q->qclass, qstate->region, 1)))
		return NULL;
	if(null)
		k = tg_rrset(qstate->region, q->qname, q->qname_len, LDNS_RR_TYPE_MX, ttl,
			nullmx, sizeof(nullmx));
	else
		k = tg_rrset(qstate->region, soa->owner, soa->owner_len, LDNS_RR_TYPE_SOA,
			ttl, soa->rdata, soa->rdata_len);
	if(!k)
		return NULL;
	msg->rep->flags = BIT_QR | BIT_RA | (null ? 0 : LDNS_RCODE_NXDOMAIN);
	msg->rep->rrsets[0] = k;
	msg->rep->an_numrrsets = null ? 1 : 0;
	msg->rep->ns_numrrsets = null ? 0 : 1;
	msg->rep->rrset_count = 1;
	msg->rep->ttl = ttl;
	msg->rep->prefetch_ttl = PREFETCH_TTL_CALC(ttl);
	msg->rep->serve_expired_ttl = ttl;
	msg->rep->security = sec_status_insecure;
	return msg;
}

/**
 * Answer a blocked lookup without resolving (tg_block_msg()), with an Extended DNS Error
 * when ede: is on: 15 Blocked naming the protected name, or 4 Forged Answer for a null MX.
 * @param qstate: the query state.
 * @param tq: typoguard's state of it: the rule, and the policy version it is in.
 * @param id: the module id.
 */
static void
tg_block(struct module_qstate* qstate, const struct tg_qstate* tq, int id)
{
	const struct tg_rule* rule = tq->rule;
	char text[TG_PRESENT_MAX + 48];
	struct dns_msg* msg = tg_block_msg(tq->version->policy, qstate, rule);
	int null = msg && msg->rep->an_numrrsets > 0;
	if(qstate->env->cfg->ede) {
		snprintf(text, sizeof(text), null ? "null MX for a typo of %s" :
			"typo of %s", rule->name);
		if(!edns_opt_list_append_ede(&qstate->edns_opts_front_out,
			qstate->region, null ? LDNS_EDE_FORGED_ANSWER : LDNS_EDE_BLOCKED,
			text))
			log_err("typoguard: out of memory for the EDE option");
	}
	qstate->return_rcode = msg ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN;
	qstate->return_msg = msg;
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
static void tg_client_end(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq);
static void tg_mark_mesh(struct tg_env* te, struct module_qstate* qstate,
	struct tg_qstate* tq);

/**
 * Whether a query no client waits for was made, by a module ahead of typoguard, for a query
 * that waits for it (dns64 looks up A for a client's AAAA): such a lookup of a blocked name
 * is blocked too, or the module would make an answer from it.
 * @param qstate: the query state.
 * @return: 1 if it was.
 */
static int
tg_for_super(struct module_qstate* qstate)
{
	return qstate->mesh_info && !qstate->mesh_info->reply_list &&
		qstate->mesh_info->super_set.count > 0 && !qstate->is_priming &&
		!qstate->is_valrec;
}

/**
 * Remember the clients a flagged query serves now: the mesh prepends clients that join, so
 * the list read last is the whole list.
 * @param qstate: the query state.
 * @param tq: typoguard's state of it.
 */
static void
tg_note_clients(struct module_qstate* qstate, struct tg_qstate* tq)
{
	if(tq->kind == TG_Q_CLIENT && qstate->mesh_info && qstate->mesh_info->reply_list)
		tq->clients = qstate->mesh_info->reply_list;
}

/**
 * Make typoguard's state of a flagged query.
 * @param qstate: the query state.
 * @param te: typoguard's state.
 * @param v: the policy version the rule is in, inside a read: held until clear().
 * @param kind: the kind of query.
 * @param rule: the rule that matched.
 * @param m: the match.
 * @param id: the module id.
 * @return: the state, on qstate->minfo[id]; NULL if out of memory.
 */
static struct tg_qstate*
tg_qstate_new(struct module_qstate* qstate, struct tg_env* te,
	const struct tg_live_version* v, enum tg_qkind kind, const struct tg_rule* rule,
	const struct tg_match* m, int id)
{
	struct tg_qstate* tq = regional_alloc_zero(qstate->region, sizeof(*tq));
	if(!tq) {
		log_err("typoguard: out of memory for a flagged query");
		return NULL;
	}
	/* the rule stays valid until clear() lets go of its version */
	tg_live_hold(te->live, v);
	tq->version = v;
	tq->kind = kind;
	tq->rule = rule;
	tq->match = *m;
	tq->policy_action = rule->action;
	tq->action = tg_action_taken(te, rule);
	tq->dry_run = te->settings.dry_run;
	qstate->minfo[id] = tq;
	tg_note_clients(qstate, tq);
	return tq;
}

/**
 * A new query, or one a module ahead of typoguard passes on without typoguard having seen
 * it: flag it if it is a typo lookup from a client, then block it or pass it on.
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
	if(!te)
		return;
	if(!tg_from_client(qstate)) {
		if(!tg_for_super(qstate) || !(v = tg_live_enter(te->live, &rd)))
			return;
		if((rule = tg_check(te, v->policy, &qstate->qinfo, &m, NULL)) &&
			tg_action_taken(te, rule) != TG_ACTION_LOG &&
			(tq = tg_qstate_new(qstate, te, v, TG_Q_INTERNAL, rule, &m, id)))
			tg_block(qstate, tq, id);
		tg_live_leave(rd);
		return;
	}
	if(!(v = tg_live_enter(te->live, &rd)))
		return;
	atomic_fetch_add_explicit(&te->stats.checked, 1, memory_order_relaxed);
	if(!(rule = tg_check(te, v->policy, &qstate->qinfo, &m, NULL))) {
		tg_live_leave(rd);
		qstate->minfo[id] = (void*)&tg_unflagged;
		return;
	}
	tq = tg_qstate_new(qstate, te, v, TG_Q_CLIENT, rule, &m, id);
	tg_live_leave(rd);
	if(!tq) {
		qstate->ext_state[id] = module_error;
		return;
	}
	tg_mark_mesh(te, qstate, tq);
	if(verbosity >= VERB_QUERY)
		tg_log_flagged(&qstate->qinfo, rule);
	if(tq->action == TG_ACTION_LOG)
		return; /* resolved and cached as any lookup; repeats logged from the cache */
	/* nothing of it may be stored by a module ahead that stores answers (dns64) */
	qstate->no_cache_store = 1;
	/* a query without recursion desired would not have been resolved: nothing to find out */
	if(te->settings.resolve_blocked && (qstate->query_flags & BIT_RD))
		tg_background_start(te, qstate, tq, id);
	tg_block(qstate, tq, id);
}

/**
 * Find where an answer's CNAME/DNAME chain leads into a flagged name.
 * @param te: typoguard's state.
 * @param p: the policy in force, inside a read.
 * @param qinfo: the question.
 * @param rep: the answer.
 * @param name: receives the flagged name, comparison form.
 * @param m: receives its match.
 * @param at: receives the index of the RRset whose target it is.
 * @return: the rule, or NULL when the chain is clean (or there is none).
 */
static const struct tg_rule*
tg_chain_check(struct tg_env* te, const struct tg_policy* p, struct query_info* qinfo,
	struct reply_info* rep, struct tg_name* name, struct tg_match* m, size_t* at)
{
	size_t i;
	if(!rep || qinfo->qclass != LDNS_RR_CLASS_IN)
		return NULL;
	for(i = 0; i < rep->an_numrrsets; i++) {
		struct ub_packed_rrset_key* k = rep->rrsets[i];
		struct packed_rrset_data* d = (struct packed_rrset_data*)k->entry.data;
		uint16_t t = ntohs(k->rk.type);
		const struct tg_rule* rule;
		size_t len;
		if((t != LDNS_RR_TYPE_CNAME && t != LDNS_RR_TYPE_DNAME) || d->count < 1 ||
			d->rr_len[0] < 3)
			continue;
		if(!(len = dname_valid(d->rr_data[0] + 2, d->rr_len[0] - 2)))
			continue;
		if((rule = tg_check_name(te, p, d->rr_data[0] + 2, len, qinfo->qtype, name,
			m, NULL))) {
			*at = i;
			return rule;
		}
	}
	return NULL;
}

/**
 * Keep the names of a chain that led into a flagged name, in a region: the name asked, then
 * the target of each CNAME/DNAME up to the one that matched.
 * @param tq: typoguard's state of the query; chain and matched are set.
 * @param region: where.
 * @param qinfo: the question.
 * @param rep: the answer.
 * @param at: the index of the RRset whose target matched.
 * @param name: the flagged name.
 */
static void
tg_chain_keep(struct tg_qstate* tq, struct regional* region, struct query_info* qinfo,
	struct reply_info* rep, size_t at, const struct tg_name* name)
{
	char text[TG_PRESENT_MAX];
	struct tg_name n;
	size_t i;
	if(!(tq->chain = regional_alloc_zero(region, (at + 2) * sizeof(*tq->chain))) ||
		!(tq->matched = regional_alloc_init(region, name, sizeof(*name))))
		return;
	if(tg_name_from_wire(&n, qinfo->qname, qinfo->qname_len) == TG_OK) {
		tg_name_present(text, &n, 0);
		tq->chain[tq->chain_count++] = regional_strdup(region, text);
	}
	for(i = 0; i <= at; i++) {
		struct packed_rrset_data* d =
			(struct packed_rrset_data*)rep->rrsets[i]->entry.data;
		uint16_t t = ntohs(rep->rrsets[i]->rk.type);
		size_t len;
		if((t != LDNS_RR_TYPE_CNAME && t != LDNS_RR_TYPE_DNAME) || d->count < 1 ||
			d->rr_len[0] < 3 ||
			!(len = dname_valid(d->rr_data[0] + 2, d->rr_len[0] - 2)) ||
			tg_name_from_wire(&n, d->rr_data[0] + 2, len) != TG_OK)
			continue;
		tg_name_present(text, &n, 0);
		if((tq->chain[tq->chain_count] = regional_strdup(region, text)))
			tq->chain_count++;
	}
}

/**
 * The answer of a client's lookup of a clean name: if its CNAME/DNAME chain leads into a
 * flagged name, flag the lookup, and block it as its rule says (the chain's message, which
 * the iterator stored, is removed from the cache).
 * @param te: typoguard's state.
 * @param qstate: the query state, with its answer.
 * @param id: the module id.
 */
static void
tg_chain_answer(struct tg_env* te, struct module_qstate* qstate, int id)
{
	struct reply_info* rep = qstate->return_msg ? qstate->return_msg->rep : NULL;
	struct tg_name name;
	struct tg_match m;
	const struct tg_rule* rule;
	const struct tg_live_version* v;
	struct tg_live_reader* rd;
	struct tg_qstate* tq = NULL;
	size_t at;
	if(!rep || !(v = tg_live_enter(te->live, &rd)))
		return;
	if((rule = tg_chain_check(te, v->policy, &qstate->qinfo, rep, &name, &m, &at)))
		tq = tg_qstate_new(qstate, te, v, TG_Q_CLIENT, rule, &m, id);
	tg_live_leave(rd);
	if(!tq)
		return;
	tg_chain_keep(tq, qstate->region, &qstate->qinfo, rep, at, &name);
	if(verbosity >= VERB_QUERY)
		tg_log_flagged(&qstate->qinfo, rule);
	if(tq->action == TG_ACTION_LOG)
		return;
	msg_cache_remove(qstate->env, qstate->qinfo.qname, qstate->qinfo.qname_len,
		qstate->qinfo.qtype, qstate->qinfo.qclass, qstate->query_flags);
	qstate->no_cache_store = 1;
	tg_block(qstate, tq, id);
}

/**
 * The modules after typoguard are done: check a client's answer's CNAME chain; for a
 * background lookup, report its answer (or first look up the exchangers' addresses).
 * @param qstate: the query state.
 * @param id: the module id.
 */
static void
tg_handle_moddone(struct module_qstate* qstate, int id)
{
	struct tg_env* te = tg_env_get(qstate->env, id);
	struct tg_qstate* tq = (struct tg_qstate*)qstate->minfo[id];
	qstate->ext_state[id] = module_finished;
	if(!te || !tq)
		return;
	if(tq == &tg_unflagged) {
		if(tg_from_client(qstate))
			tg_chain_answer(te, qstate, id);
		return;
	}
	tg_note_clients(qstate, tq);
	if(tq->kind == TG_Q_BACKGROUND)
		tg_background_answer(te, qstate, tq, id);
}

/**
 * Passed to typoguard: a query a module ahead of it passes on, new to typoguard (module 0
 * alone gets module_event_new); or a background lookup whose exchanger lookups ended, to
 * resume.
 * @param qstate: the query state.
 * @param id: the module id.
 */
static void
tg_handle_pass(struct module_qstate* qstate, int id)
{
	struct tg_env* te = tg_env_get(qstate->env, id);
	struct tg_qstate* tq = (struct tg_qstate*)qstate->minfo[id];
	if(!tq) {
		tg_handle_new(qstate, id);
		return;
	}
	qstate->ext_state[id] = module_wait_module;
	if(tq != &tg_unflagged)
		tg_note_clients(qstate, tq);
	if(te && tq != &tg_unflagged && tq->kind == TG_Q_BACKGROUND && tq->exchangers)
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
	if(tq && tq != &tg_unflagged && tq->kind == TG_Q_BACKGROUND && tq->in_flight) {
		/* a background lookup ends here, whatever ended it. When Unbound stops or
		 * reloads, the main thread clears every worker's states: the count stays at 0 */
		tq->in_flight = 0;
		if(tg_background_inflight > 0)
			tg_background_inflight--;
	}
	if(tq && tq != &tg_unflagged && (te = tg_env_get(qstate->env, id)) != NULL) {
		if(tq->kind == TG_Q_CLIENT)
			tg_client_end(te, qstate, tq);
		if(tq->version) {
			tg_live_release(te->live, tq->version);
			tq->version = NULL;
		}
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
	if(te->threads_ready) {
		pthread_mutex_lock(&te->threads_lock);
		n = te->nthreads;
		pthread_mutex_unlock(&te->threads_lock);
	}
	return sizeof(*te) + tg_live_memory(te->live) + n * tg_recent_memory() +
		tg_writer_memory(te->writer);
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
 * @return: "udp", "tcp", "tls", "https" or "http" (DNS over HTTP without TLS).
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
		return c->ssl ? "https" : "http";
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
 * One record's data in presentation format, whole however long it is (a TXT record can
 * take 64 kB): what does not fit the stack buffer is converted again into room of its size.
 * @param region: where the text is allocated.
 * @param rdata: the rdata with its two-byte length.
 * @param len: length of rdata.
 * @param type: the record's type.
 * @return: the text, or NULL if out of memory or the data cannot be read.
 */
static const char*
tg_rdata_str(struct regional* region, uint8_t* rdata, size_t len, uint16_t type)
{
	char buf[TG_RDATA_MAX];
	char* text;
	int n;
	if(len < 2 || (n = sldns_wire2str_rdata_buf(rdata + 2, len - 2, buf, sizeof(buf),
		type)) < 0)
		return NULL;
	if((size_t)n < sizeof(buf))
		return regional_strdup(region, buf);
	if(!(text = regional_alloc(region, (size_t)n + 1)) ||
		sldns_wire2str_rdata_buf(rdata + 2, len - 2, text, (size_t)n + 1, type) != n)
		return NULL;
	return text;
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
	char owner[TG_PRESENT_MAX], tbuf[TG_MNEMONIC_MAX], cbuf[TG_MNEMONIC_MAX];
	size_t i, n;
	sldns_wire2str_dname_buf(rrset->rk.dname, rrset->rk.dname_len, owner,
		sizeof(owner));
	n = strlen(owner);
	if(n > 1 && owner[n - 1] == '.')
		owner[n - 1] = 0;
	/* the names the event's question has: one table for both */
	tg_type_str(tbuf, type);
	tg_class_str(cbuf, ntohs(rrset->rk.rrset_class));
	for(i = 0; i < d->count && c->answers < TG_ANSWERS_MAX; i++) {
		struct tg_answer* a = &c->answer[c->answers];
		if(!(a->data = tg_rdata_str(c->region, d->rr_data[i], d->rr_len[i], type)))
			continue;
		a->name = regional_strdup(c->region, owner);
		a->type = regional_strdup(c->region, tbuf);
		a->class_ = regional_strdup(c->region, cbuf);
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
	ev->policy_action = tq->policy_action;
	ev->dry_run = tq->dry_run;
	ev->chain = tq->chain;
	ev->chain_count = tq->chain_count;
	ev->matched = tq->matched;
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
 * @param ev: the event; its observer is set to the resolver.
 */
static void
tg_submit(struct tg_env* te, struct tg_event* ev)
{
	struct tg_event* copy;
	ev->observer = &te->observer;
	if(!(copy = tg_event_copy(ev))) {
		atomic_fetch_add(&te->stats.copy_failed, 1);
		log_err("typoguard: out of memory: event not written");
		return;
	}
	tg_writer_submit_event(te->writer, copy);
}

/**
 * Make the event for one client reply.
 * @param te: typoguard's state.
 * @param qinfo: the question as the client asked it.
 * @param tq: the flagged query; the first reply of one resolved in the background takes the
 *	event.id the follow-up names.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code sent, 0 to take the answer's, or TG_RCODE_DROPPED.
 * @param repinfo: the client's reply information.
 * @param c: the collection, with region and ttl_base set.
 * @return: the event, malloc'ed (tg_event_copy), or NULL.
 */
static struct tg_event*
tg_event_make(struct tg_env* te, struct query_info* qinfo, struct tg_qstate* tq,
	struct reply_info* rep, int rcode, struct comm_reply* repinfo,
	struct tg_collect* c)
{
	struct tg_event ev;
	struct tg_event* copy;
	struct tg_name name;
	char ip[TG_ADDR_MAX], id[TG_EVENT_ID_MAX];
	memset(&ev, 0, sizeof(ev));
	tg_collect_reply(c, rep);
	if(!tg_event_fill(&ev, &name, qinfo, tq, rep, rcode, c))
		return NULL;
	if(tq->first_event[0] && !tq->first_used) {
		ev.id = tq->first_event;
		tq->first_used = 1;
	} else
		ev.id = tg_event_id(te, id);
	ev.client_port = tg_client(repinfo, ip);
	ev.client_ip = ev.client_port >= 0 ? ip : NULL;
	ev.transport = tg_transport(repinfo);
	ev.observer = &te->observer;
	if(!(copy = tg_event_copy(&ev))) {
		atomic_fetch_add(&te->stats.copy_failed, 1);
		log_err("typoguard: out of memory: event not written");
	}
	return copy;
}

/**
 * Count a client lookup's event and queue it for the writer, whose thread encodes it, looks
 * up where its addresses are, serialises and writes it.
 * @param te: typoguard's state.
 * @param ev: the event, malloc'ed; the writer takes it. NULL does nothing.
 */
static void
tg_submit_client(struct tg_env* te, struct tg_event* ev)
{
	if(!ev)
		return;
	atomic_fetch_add(&te->stats.flagged, 1);
	if(ev->action != TG_ACTION_LOG)
		atomic_fetch_add(&te->stats.blocked, 1);
	else
		atomic_fetch_add(&te->stats.logged, 1);
	if(ev->rcode == TG_RCODE_DROPPED)
		atomic_fetch_add(&te->stats.unanswered, 1);
	tg_writer_submit_event(te->writer, ev);
}

/**
 * Make and queue at once the event of a reply typoguard holds no query state for.
 * @param te: typoguard's state.
 * @param qinfo: the question as the client asked it.
 * @param tq: the flagged query.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code sent, or 0 to take the answer's.
 * @param repinfo: the client's reply information.
 * @param c: the collection, with region and ttl_base set.
 */
static void
tg_emit(struct tg_env* te, struct query_info* qinfo, struct tg_qstate* tq,
	struct reply_info* rep, int rcode, struct comm_reply* repinfo,
	struct tg_collect* c)
{
	tg_submit_client(te, tg_event_make(te, qinfo, tq, rep, rcode, repinfo, c));
}

/**
 * This worker thread's own state, made on first use.
 * @param te: typoguard's state.
 * @return: the state, or NULL if there is none (out of memory).
 */
static struct tg_thread*
tg_thread_get(struct tg_env* te)
{
	struct tg_thread* t;
	struct tg_thread** all;
	if(!te->threads_ready)
		return NULL;
	if((t = (struct tg_thread*)pthread_getspecific(te->thread_key)) != NULL)
		return t;
	if(!(t = calloc(1, sizeof(*t))))
		return NULL;
	pthread_mutex_lock(&te->threads_lock);
	if((all = realloc(te->threads, (te->nthreads + 1) * sizeof(*all))) != NULL) {
		all[te->nthreads++] = t;
		te->threads = all;
	}
	pthread_mutex_unlock(&te->threads_lock);
	if(!all) {
		free(t);
		return NULL;
	}
	/* kept in te->threads: freed with te even if this fails */
	return pthread_setspecific(te->thread_key, t) == 0 ? t : NULL;
}

/**
 * This worker thread's set of names found clean in cached answers, made on first use.
 * @param te: typoguard's state.
 * @return: the set, or NULL if there is none (out of memory): then every name is matched.
 */
static struct tg_recent*
tg_thread_recent(struct tg_env* te)
{
	struct tg_thread* t = tg_thread_get(te);
	if(!t)
		return NULL;
	if(!t->recent)
		t->recent = tg_recent_new();
	return t->recent;
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
	rule = tg_check(te, v->policy, qinfo, m, &clean);
	if(r && clean)
		tg_recent_add(r, qinfo->qname, qinfo->qname_len);
	return rule;
}

/**
 * This worker thread's mark.
 * @param te: typoguard's state.
 * @return: the mark; one never set (read-only) if there is none (out of memory).
 */
static struct tg_mark*
tg_thread_mark(struct tg_env* te)
{
	struct tg_thread* t = tg_thread_get(te);
	return t ? &t->mark : (struct tg_mark*)&tg_no_mark;
}

/**
 * Whether a callback is for the client lookup of the last event this thread wrote for an
 * answer from the cache, and forget that event either way: a callback for another request
 * comes between the two otherwise.
 * @param qinfo: the question Unbound passed.
 * @param repinfo: the client's reply information.
 * @return: 1 if it is the same lookup: its event is written.
 */
static int
tg_mark_take(struct tg_env* te, struct query_info* qinfo, struct comm_reply* repinfo)
{
	struct tg_mark* mk = tg_thread_mark(te);
	int same = mk->set && mk->repinfo == repinfo && mk->qinfo == qinfo &&
		mk->addrlen == repinfo->client_addrlen &&
		memcmp(&mk->addr, &repinfo->client_addr, mk->addrlen) == 0 &&
		repinfo->c && repinfo->c->buffer &&
		sldns_buffer_limit(repinfo->c->buffer) >= 2 &&
		mk->qid == sldns_buffer_read_u16_at(repinfo->c->buffer, 0);
	if(mk != &tg_no_mark)
		mk->set = 0;
	return same;
}

/**
 * Remember the client lookup whose event was written for an answer from the cache.
 * @param qinfo: the question Unbound passed.
 * @param repinfo: the client's reply information.
 * @param now: Unbound's time of the request's handling.
 */
static void
tg_mark_set(struct tg_env* te, struct query_info* qinfo, struct comm_reply* repinfo,
	const struct timeval* now)
{
	struct tg_mark* mk = tg_thread_mark(te);
	if(mk == &tg_no_mark || !repinfo->c || !repinfo->c->buffer || sldns_buffer_limit(repinfo->c->buffer) < 2)
		return;
	mk->repinfo = repinfo;
	mk->qinfo = qinfo;
	/* only the address's own length: the rest of the storage was never written */
	mk->addrlen = repinfo->client_addrlen <= (socklen_t)sizeof(mk->addr) ?
		repinfo->client_addrlen : (socklen_t)sizeof(mk->addr);
	memcpy(&mk->addr, &repinfo->client_addr, mk->addrlen);
	mk->qid = sldns_buffer_read_u16_at(repinfo->c->buffer, 0);
	mk->qname_len = qinfo->qname_len <= sizeof(mk->qname) ? qinfo->qname_len : 0;
	memcpy(mk->qname, qinfo->qname, mk->qname_len);
	mk->qtype = qinfo->qtype;
	mk->when = now ? *now : (struct timeval){ 0, 0 };
	mk->set = 1;
}

/**
 * A flagged query comes to the mesh: if it is the client lookup whose event this thread just
 * wrote for an answer from the cache (the answer fell back to the mesh after its callback),
 * that client gets no second event.
 * @param qstate: the query state, with its first client.
 * @param tq: typoguard's state of it.
 */
static void
tg_mark_mesh(struct tg_env* te, struct module_qstate* qstate, struct tg_qstate* tq)
{
	struct tg_mark* mk = tg_thread_mark(te);
	struct mesh_reply* r = qstate->mesh_info->reply_list;
	struct tg_pending* p;
	int same = mk->set && r && ntohs(r->qid) == mk->qid &&
		r->query_reply.client_addrlen == mk->addrlen &&
		memcmp(&r->query_reply.client_addr, &mk->addr, mk->addrlen) == 0 &&
		qstate->qinfo.qtype == mk->qtype && mk->qname_len &&
		qstate->env->now_tv && mk->when.tv_sec == qstate->env->now_tv->tv_sec &&
		mk->when.tv_usec == qstate->env->now_tv->tv_usec &&
		query_dname_compare(qstate->qinfo.qname, mk->qname) == 0;
	if(mk != &tg_no_mark)
		mk->set = 0;
	if(!same || !(p = regional_alloc_zero(qstate->region, sizeof(*p))))
		return;
	p->who = &r->query_reply;
	p->written = 1;
	p->next = tq->pending;
	tq->pending = p;
}

/**
 * Check a reply typoguard holds no query state for: an answer from the cache, or a lookup
 * Unbound started for itself that a client joined. The name asked, then the answer's chain.
 * @param te: typoguard's state.
 * @param v: the policy in force, inside a read.
 * @param qinfo: the question.
 * @param rep: the answer, or NULL.
 * @param tq: filled when flagged (chain in region); its version is not held.
 * @param region: where the chain's names go.
 * @return: 1 if flagged.
 */
static int
tg_check_unseen(struct tg_env* te, const struct tg_live_version* v, struct query_info* qinfo,
	struct reply_info* rep, struct tg_qstate* tq, struct regional* region)
{
	struct tg_name name;
	size_t at;
	memset(tq, 0, sizeof(*tq));
	tq->version = v;
	if(!(tq->rule = tg_check_cached(te, v, qinfo, &tq->match))) {
		if(!(tq->rule = tg_chain_check(te, v->policy, qinfo, rep, &name, &tq->match, &at)))
			return 0;
		tg_chain_keep(tq, region, qinfo, rep, at, &name);
	}
	tq->policy_action = tq->rule->action;
	tq->action = TG_ACTION_LOG;
	tq->dry_run = te->settings.dry_run;
	return 1;
}

/**
 * Hold the event of one client's reply of a flagged query until the query state ends; a
 * SERVFAIL for the same client (its answer could not be encoded) replaces it.
 * @param te: typoguard's state.
 * @param qstate: the query state.
 * @param tq: typoguard's state of it.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code sent, or 0 to take the answer's.
 * @param repinfo: the client's reply information.
 * @param region: the region for the collection.
 */
static void
tg_hold(struct tg_env* te, struct module_qstate* qstate, struct tg_qstate* tq,
	struct reply_info* rep, int rcode, struct comm_reply* repinfo, struct regional* region)
{
	struct tg_pending* p;
	struct tg_collect* c;
	for(p = tq->pending; p; p = p->next)
		if(p->who == repinfo)
			break;
	if(p && p->written)
		return;
	if(!p) {
		if(!(p = regional_alloc_zero(qstate->region, sizeof(*p)))) {
			atomic_fetch_add(&te->stats.copy_failed, 1);
			log_err("typoguard: out of memory: event not written");
			return;
		}
		p->who = repinfo;
		p->next = tq->pending;
		tq->pending = p;
	}
	free(p->ev);
	p->ev = NULL;
	if(!(c = regional_alloc_zero(region, sizeof(*c)))) {
		atomic_fetch_add(&te->stats.copy_failed, 1);
		log_err("typoguard: out of memory: event not written");
		return;
	}
	c->region = region;
	p->ev = tg_event_make(te, &qstate->qinfo, tq, rep, rcode, repinfo, c);
}

/**
 * The event of a reply typoguard holds no query state for, made and queued at once.
 * @param te: typoguard's state.
 * @param qinfo: the question.
 * @param qstate: the query state, or NULL for an answer from the cache.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code sent, or 0 to take the answer's.
 * @param repinfo: the client's reply information.
 * @param region: the region for the collection.
 * @param emit: 0 to check only (the lookup has its event).
 * @return: 1 if it is flagged.
 */
static int
tg_emit_unseen(struct tg_env* te, struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct comm_reply* repinfo, struct regional* region,
	int emit)
{
	const struct tg_live_version* v;
	struct tg_live_reader* rd;
	struct tg_qstate unseen;
	struct tg_collect* c;
	int flagged;
	/* the rule is used until the event is copied: all inside one read */
	if(!(v = tg_live_enter(te->live, &rd)))
		return 0;
	if(emit)
		atomic_fetch_add_explicit(&te->stats.checked, 1, memory_order_relaxed);
	flagged = tg_check_unseen(te, v, qinfo, rep, &unseen, region);
	if(flagged && emit) {
		if(!(c = regional_alloc_zero(region, sizeof(*c)))) {
			atomic_fetch_add(&te->stats.copy_failed, 1);
			log_err("typoguard: out of memory: event not written");
		} else {
			c->region = region;
			c->ttl_base = qstate ? 0 : time(NULL);
			tg_emit(te, qinfo, &unseen, rep, rcode, repinfo, c);
		}
	}
	tg_live_leave(rd);
	return flagged;
}

/**
 * A reply from the mesh, or a SERVFAIL: the event of a flagged query is held until its state
 * ends; other replies are checked (a lookup Unbound started for itself that a client joined;
 * a SERVFAIL of the worker's own) and their event written at once.
 * @param te: typoguard's state.
 * @param qinfo: the question as the client asked it.
 * @param qstate: the query state, or NULL.
 * @param rep: the answer, or NULL.
 * @param rcode: the response code sent.
 * @param repinfo: the client's reply information, NULL for an internal lookup.
 * @param region: a region for the call.
 * @param id: the module id.
 */
static void
tg_mesh_reply(struct tg_env* te, struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct comm_reply* repinfo, struct regional* region,
	int id)
{
	struct tg_qstate* tq;
	if(!repinfo)
		return; /* an internal lookup: no client */
	if(tg_mark_take(te, qinfo, repinfo))
		return; /* the same client lookup as an answer from the cache: it has its event */
	if(qstate && (tq = (struct tg_qstate*)qstate->minfo[id]) != NULL) {
		if(tq != &tg_unflagged && tq->kind == TG_Q_CLIENT)
			tg_hold(te, qstate, tq, rep, rcode, repinfo, region);
		return;
	}
	(void)tg_emit_unseen(te, qinfo, qstate, rep, rcode, repinfo, region, 1);
}

/**
 * Unbound calls this before each reply from the mesh it sends, once per client, NXDOMAIN
 * included (SERVFAIL has its own callback).
 */
static int
tg_reply_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg)
{
	(void)edns; (void)opt_list_out; (void)start_time;
	tg_mesh_reply((struct tg_env*)cb_arg, qinfo, qstate, rep, rcode, repinfo, region, id);
	return 1;
}

/**
 * Unbound calls this before each SERVFAIL it sends: from the mesh, and from the worker
 * (a bogus answer in the cache; an answer that could not be encoded, right after its reply
 * callback: then the client gets SERVFAIL, and for the mesh's replies the event says so).
 */
static int
tg_servfail_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg)
{
	(void)edns; (void)opt_list_out; (void)start_time; (void)rcode;
	tg_mesh_reply((struct tg_env*)cb_arg, qinfo, qstate, rep, LDNS_RCODE_SERVFAIL,
		repinfo, region, id);
	return 1;
}

/**
 * Unbound calls this before it answers from its message cache, where no module sees the
 * query, and before it answers a non-recursive query with a delegation from its cache. It
 * cannot change the answer (Unbound ignores what it returns): answers of blocked names are
 * kept out of the cache instead (tg_response_cb()), so those found here are logged, with the
 * action the policy would have taken; the rcode is the cached answer's (the one Unbound
 * passes is the client's header bits).
 */
static int
tg_cache_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id, void* cb_arg)
{
	struct tg_env* te = (struct tg_env*)cb_arg;
	int same;
	(void)edns; (void)opt_list_out; (void)rcode; (void)id;
	if(!repinfo)
		return 1;
	/* the same lookup again: the second part of one answer (a CNAME) has its event */
	same = tg_mark_take(te, qinfo, repinfo);
	if(tg_emit_unseen(te, qinfo, qstate, rep, 0, repinfo, region, !same))
		tg_mark_set(te, qinfo, repinfo, start_time);
	return 1;
}

/**
 * A flagged client lookup's state ends: queue the events held for its replies, and one for
 * each client that got no reply (dropped by discard-timeout, jostled out, cut by a reload).
 * @param te: typoguard's state.
 * @param qstate: the query state.
 * @param tq: typoguard's state of it.
 */
static void
tg_client_end(struct tg_env* te, struct module_qstate* qstate, struct tg_qstate* tq)
{
	struct tg_pending* p;
	struct mesh_reply* r;
	for(r = tq->clients; r; r = r->next) {
		struct query_info qinfo = qstate->qinfo;
		struct tg_collect* c;
		for(p = tq->pending; p; p = p->next)
			if(p->who == &r->query_reply)
				break;
		if(p || !(c = regional_alloc_zero(qstate->region, sizeof(*c))))
			continue;
		c->region = qstate->region;
		qinfo.qname = r->qname;
		tg_submit_client(te, tg_event_make(te, &qinfo, tq, NULL, TG_RCODE_DROPPED,
			&r->query_reply, c));
	}
	for(p = tq->pending; p; p = p->next) {
		tg_submit_client(te, p->ev);
		p->ev = NULL;
	}
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
 * Count a background lookup not started because resolve-blocked-max are in flight, and say
 * so in the log, at most once a minute.
 * @param te: typoguard's state.
 */
static void
tg_background_skip(struct tg_env* te)
{
	uint64_t n = (uint64_t)atomic_fetch_add(&te->background_skipped, 1) + 1;
	int_fast64_t now = (int_fast64_t)time(NULL);
	int_fast64_t last = atomic_load(&te->skip_logged);
	if((last && now - last < TG_SKIP_LOG_INTERVAL) ||
		!atomic_compare_exchange_strong(&te->skip_logged, &last, now))
		return;
	log_warn("typoguard: resolve-blocked-max (%u) background lookups in flight on a "
		"thread: %llu blocked lookups not resolved in the background so far",
		te->background_max, (unsigned long long)n);
}

/**
 * Start a detached lookup of a blocked question, and reserve the event.id of the client's
 * event for the follow-up to name. Not when this thread has resolve-blocked-max in flight.
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
	if(tg_background_inflight >= te->background_max) {
		tg_background_skip(te);
		return;
	}
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
	bq->in_flight = 1;
	tg_background_inflight++;
	atomic_fetch_add(&te->stats.background, 1);
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
		atomic_fetch_add(&te->stats.copy_failed, 1);
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

/**
 * Whether a message holds a record set that the policy blocks, in any section: the glue of a
 * referral (ns.army.ml A), records a server added beside its answer.
 * @param te: typoguard's state.
 * @param p: the policy in force, inside a read.
 * @param rep: the message.
 * @param clean: a name found no typo already (the question's), whose record sets are not
 *	matched again; NULL for none.
 * @return: 1 if one record set's owner and type are blocked.
 */
static int
tg_holds_blocked(struct tg_env* te, const struct tg_policy* p, struct reply_info* rep,
	uint8_t* clean)
{
	const struct tg_rule* rule;
	struct tg_match m;
	size_t i;
	for(i = 0; i < rep->rrset_count; i++) {
		struct packed_rrset_key* k = &rep->rrsets[i]->rk;
		if(ntohs(k->rrset_class) != LDNS_RR_CLASS_IN)
			continue;
		/* the answer's own record sets: a name that is no typo is none for any type */
		if(clean && query_dname_compare(k->dname, clean) == 0)
			continue;
		rule = tg_check_name(te, p, k->dname, k->dname_len, ntohs(k->type), NULL, &m,
			NULL);
		if(rule && tg_action_taken(te, rule) != TG_ACTION_LOG)
			return 1;
	}
	return 0;
}

/**
 * The iterator calls this with every answer it gets from upstream, before it stores it: for
 * its own lookups too (a nameserver's address, a CNAME's target), which no module before it
 * sees. An answer for a name, or a chain into a name, that the policy blocks, or a message
 * that carries records of such a name (a referral's glue), is kept out of the cache
 * (no_cache_store on that lookup): no client can then be answered with it from the cache,
 * where typoguard could not block it, nor be handed it in a referral (a query without
 * recursion desired). The lookup itself goes on with it.
 * @param qstate: the lookup.
 * @param response: the answer; response->qinfo is the question sent.
 * @param id: the module id.
 * @param cb_arg: typoguard's state.
 * @return: 1.
 */
static int
tg_response_cb(struct module_qstate* qstate, struct dns_msg* response, int id, void* cb_arg)
{
	struct tg_env* te = (struct tg_env*)cb_arg;
	const struct tg_live_version* v;
	struct tg_live_reader* rd;
	const struct tg_rule* rule;
	struct tg_name name;
	struct tg_match m;
	size_t at;
	int clean = 0;
	(void)id;
	if(!response || qstate->no_cache_store || te->settings.dry_run ||
		!(v = tg_live_enter(te->live, &rd)))
		return 1;
	/* a policy that only logs keeps nothing out: its lookups are cached as any */
	if(!v->policy->blocking_count) {
		tg_live_leave(rd);
		return 1;
	}
	if(!(rule = tg_check(te, v->policy, &response->qinfo, &m, &clean)))
		rule = tg_chain_check(te, v->policy, &response->qinfo, response->rep, &name, &m,
			&at);
	if((rule && tg_action_taken(te, rule) != TG_ACTION_LOG) ||
		tg_holds_blocked(te, v->policy, response->rep, clean ? response->qinfo.qname : NULL)) {
		qstate->no_cache_store = 1;
		atomic_fetch_add(&te->stats.kept_out, 1);
	}
	tg_live_leave(rd);
	return 1;
}
