/* module/event.h - encode a typo lookup as one JSON line, in Elastic Common Schema field names. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_EVENT_H
#define TG_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include "error.h"
#include "geo.h"
#include "match.h"
#include "name.h"
#include "policy.h"

struct json_object;

/** tg_event.rcode of a lookup whose client got no reply (dropped by Unbound) */
#define TG_RCODE_DROPPED (-2)

/** the version of the Elastic Common Schema events are written in (ecs.version): the schema
 * tests/ecs-check.js checks every event of the tests against (tests/ecs/package.json) */
#define TG_ECS_VERSION "9.4.0"

/**
 * The resolver that saw the lookups, as events name it (observer.*). Filled once, when the
 * module starts; it lives as long as the module's state, which outlives the event writer, so
 * events point to it and copies share it.
 */
struct tg_observer {
	/** observer.hostname: the host's name, or NULL */
	const char* hostname;
	/** observer.name: the resolver's configured identity (Unbound's identity:), or NULL */
	const char* name;
	/** observer.vendor, "NLnet Labs", or NULL */
	const char* vendor;
	/** observer.product, "Unbound", or NULL */
	const char* product;
	/** observer.version: the resolver's version, or NULL */
	const char* version;
};

/** room for a type, class or rcode mnemonic, also "CLASS65535" */
#define TG_MNEMONIC_MAX 16

/**
 * Mnemonic of a query or record type, from ldns's table: "MX", or RFC 3597's "TYPE65280" for
 * a type it does not know. Every type name in an event comes from here.
 * @param buf: receives the mnemonic, TG_MNEMONIC_MAX bytes.
 * @param type: the type.
 * @return: buf.
 */
const char* tg_type_str(char* buf, uint16_t type);

/**
 * Mnemonic of a class, from ldns's table: "IN", or "CLASS" and its number.
 * @param buf: receives the mnemonic, TG_MNEMONIC_MAX bytes.
 * @param rrclass: the class.
 * @return: buf.
 */
const char* tg_class_str(char* buf, uint16_t rrclass);

/**
 * One record of the answer, already in presentation form (the glue converts from wire).
 */
struct tg_answer {
	/** owner name, presentation format, no trailing dot */
	const char* name;
	/** type mnemonic, "MX" */
	const char* type;
	/** class mnemonic, "IN" */
	const char* class_;
	/** time to live */
	uint32_t ttl;
	/** rdata in presentation format ("10 mx.example.com.") */
	const char* data;
};

/**
 * Everything an event says. Pointers are borrowed for the call to tg_event_json() only.
 */
struct tg_event {
	/** when the answer was sent (UTC) */
	struct timeval time;
	/** event.id: unique to this event, or NULL */
	const char* id;
	/** for the follow-up of a blocked lookup that was resolved in the background: the
	 * event.id of the blocked lookup's event; NULL for the event of a client lookup */
	const char* follows;
	/** the action taken */
	enum tg_action action;
	/** the action the policy gives the name; written in a dry run, and when it is not log
	 * and differs from action (an answer that went out before typoguard could act) */
	enum tg_action policy_action;
	/** 1 in a dry run: nothing is blocked */
	int dry_run;
	/** the names of the answer's CNAME/DNAME chain, from the name asked to the name that
	 * matched, presentation format; NULL when the name asked matched */
	const char* const* chain;
	/** number of names in chain */
	size_t chain_count;
	/** the name match refers to when it is a chain's, else NULL (the query name) */
	const struct tg_name* matched;
	/** client address in text, or NULL when the lookup had no client */
	const char* client_ip;
	/** client port, or -1 */
	int client_port;
	/** how the client asked: "udp", "tcp", "tls" (DNS over TLS), "https" (DNS over HTTPS),
	 * "http" (DNS over HTTP without TLS), or NULL. Written as ECS has it: network.transport
	 * "udp" or "tcp", tls.established for TLS, typoguard.dns_transport "dot" or "doh" */
	const char* transport;
	/** the query name */
	const struct tg_name* qname;
	/** query type and class */
	uint16_t qtype, qclass;
	/** response code sent to the client (0 NOERROR, 3 NXDOMAIN, ...), -1 if unknown, or
	 * TG_RCODE_DROPPED when the client got no reply */
	int rcode;
	/** the answer section, or NULL */
	const struct tg_answer* answers;
	/** number of answers */
	size_t answer_count;
	/** addresses the answer gave (A, AAAA, and additional addresses of MX hosts), text */
	const char* const* resolved_ip;
	/** number of addresses */
	size_t resolved_count;
	/** the rule that matched */
	const struct tg_rule* rule;
	/** the match */
	const struct tg_match* match;
	/** whether policy_serial is known */
	int has_policy_serial;
	/** the SOA serial of the policy source the rule came from: typoguard.policy.serial */
	uint32_t policy_serial;
	/** the resolver (observer.*), or NULL; not copied by tg_event_copy(), see tg_observer */
	const struct tg_observer* observer;
};

/**
 * Load what encoding needs once (the public suffix list), so that the first event on a worker
 * thread does not pay for it. Optional: tg_event_json() loads it otherwise. Thread-safe.
 */
void tg_event_prepare(void);

/**
 * Add the members every typoguard event starts with, after @timestamp: ecs.version
 * (TG_ECS_VERSION), agent.{type,version} (typoguard, which wrote the event) and, with an
 * observer, observer.{hostname,name,vendor,product,version,type "dns"}. For other kinds of
 * events (metrics, audit) to be ECS events as the lookup events are.
 * @param o: the event object.
 * @param observer: the resolver, or NULL.
 * @return: 1, or 0 if out of memory.
 */
int tg_event_add_ecs(struct json_object* o, const struct tg_observer* observer);

/**
 * Build an event as a JSON object. Field names follow ECS (version TG_ECS_VERSION):
 * @timestamp, ecs.version, agent and observer (tg_event_add_ecs()), event.{id,kind,
 * category,type,action,module,dataset}, client.{ip,port}, network.{transport,protocol},
 * tls.established (DNS over TLS or HTTPS),
 * dns.question.{name,type,class,registered_domain,top_level_domain,subdomain},
 * dns.response_code, dns.answers, dns.resolved_ip; and typoguard.{protected,typo,edit.{op,
 * position,expected,found},rule.{file,line,reason},policy.serial,chain,policy_action,
 * dry_run,dns_transport}, and for a follow-up typoguard.first_event (event.kind
 * "enrichment", event.action "resolve-blocked"). A field whose value is unknown is
 * left out, never written empty. Names are written in presentation format with \DDD escapes,
 * so they read back to the exact bytes; in edit.expected and edit.found a label separator is
 * "." and a '.' inside a label "\.". The public suffix list behind registered_domain is loaded
 * at the first call (a file read) and shared read-only. Thread-safe.
 * @param ev: the event.
 * @return: the object; the caller owns it (json_object_put). NULL if out of memory.
 */
struct json_object* tg_event_object(const struct tg_event* ev);

/**
 * Copy an event into one block of memory that holds everything it points to, the rule and its
 * strings included (a policy may be replaced and freed before the copy is encoded), so that
 * another thread can encode it later. A worker
 * thread hands the copy to the event writer, whose thread makes the object: the query path
 * pays for one allocation and a copy, not for building JSON.
 * @param ev: the event.
 * @return: the copy, released with free(); NULL if out of memory.
 */
struct tg_event* tg_event_copy(const struct tg_event* ev);

/**
 * Add where the addresses of an event are, from the databases: client.geo and client.as for
 * client.ip; typoguard.resolved, one object {ip, geo, as} per address of dns.resolved_ip, in
 * order; and destination.{ip,geo,as} for the first of them. Nothing is added without
 * databases: then typoguard.resolved and destination are left out too. Values the databases
 * do not have are left out (see tg_geo_add()). The event writer calls this in its own thread.
 * @param ev: the event, as tg_event_object() made it.
 * @param geo: the databases, or NULL.
 * @return: TG_OK or TG_ERR_NOMEM (the event may then lack some of the values).
 */
enum tg_err tg_event_enrich(struct json_object* ev, struct tg_geo* geo);

/**
 * Serialise an object as one line of JSON, ending in '\n'. Text that is not ASCII is written
 * with \u escapes (bytes that are not UTF-8 as \ufffd), so every line is ASCII.
 * @param o: the object.
 * @param len: receives the length of the line, '\n' included.
 * @return: the line, malloc'ed, NUL-terminated; the caller frees it. NULL if out of memory.
 */
char* tg_event_line(struct json_object* o, size_t* len);

/**
 * Encode an event as one line of JSON: tg_event_object(), then tg_event_line().
 * @param ev: the event.
 * @param len: receives the length of the line, '\n' included.
 * @return: the line, malloc'ed, NUL-terminated; the caller frees it. NULL if out of memory.
 */
char* tg_event_json(const struct tg_event* ev, size_t* len);

/**
 * Encode the verdict on one name as `typoguard check` prints it. Always "name" (presentation
 * format), "match" (true only for a typo) and "verdict" ("typo", "protected", "allowed" or
 * "none"). Then, for a typo: "protected" (the name it is a typo of), "typo" (the suffix of
 * name that is one edit away), "edit":{"op","position","expected","found"} as in events,
 * "action" and "qtypes":[...]; for a name at or below a protected name: "protected"; at or
 * below an allowed name: "allowed". For these three, "rule":{"file","line"} and "reason"
 * (when the rule has one) follow. Nothing else for "none".
 * @param policy: the policy the name was checked against.
 * @param name: the name.
 * @param verdict: what tg_matcher_match() returned.
 * @param m: the match it filled.
 * @param len: receives the length, '\n' included.
 * @return: the line, malloc'ed; the caller frees it. NULL if out of memory.
 */
char* tg_check_json(const struct tg_policy* policy, const struct tg_name* name,
	enum tg_verdict verdict, const struct tg_match* m, size_t* len);

/**
 * The verdict on one name as tg_check_json() encodes it, followed by "client":{"ip", "geo",
 * "as"} for the client address given, with what the databases know of it (as client.* in
 * events).
 * @param policy: the policy the name was checked against.
 * @param name: the name.
 * @param verdict: what tg_matcher_match() returned.
 * @param m: the match it filled.
 * @param client_ip: the client's address, text; NULL for no client.
 * @param geo: the databases, or NULL.
 * @param len: receives the length, '\n' included.
 * @return: the line, malloc'ed; the caller frees it. NULL if out of memory.
 */
char* tg_check_json_client(const struct tg_policy* policy, const struct tg_name* name,
	enum tg_verdict verdict, const struct tg_match* m, const char* client_ip,
	struct tg_geo* geo, size_t* len);

#endif /* TG_EVENT_H */
