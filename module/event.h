/* module/event.h - encode a typo lookup as one JSON line, in Elastic Common Schema field names. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_EVENT_H
#define TG_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include "match.h"
#include "name.h"
#include "policy.h"

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
	/** the action taken */
	enum tg_action action;
	/** client address in text, or NULL when the lookup had no client */
	const char* client_ip;
	/** client port, or -1 */
	int client_port;
	/** client transport: "udp", "tcp", "tls", "https", or NULL */
	const char* transport;
	/** the query name */
	const struct tg_name* qname;
	/** query type and class */
	uint16_t qtype, qclass;
	/** response code sent to the client (0 NOERROR, 3 NXDOMAIN, ...), or -1 if unknown */
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
};

/**
 * Load what encoding needs once (the public suffix list), so that the first event on a worker
 * thread does not pay for it. Optional: tg_event_json() loads it otherwise. Thread-safe.
 */
void tg_event_prepare(void);

/**
 * Encode an event as one line of JSON, ending in '\n'. Field names follow ECS: @timestamp,
 * event.{kind,category,type,action,module,dataset}, client.{ip,port}, network.{transport,
 * protocol}, dns.question.{name,type,class,registered_domain,top_level_domain,subdomain},
 * dns.response_code, dns.answers, dns.resolved_ip; and typoguard.{protected,typo,edit.{op,
 * position,expected,found},rule.{file,line,reason}}. A field whose value is unknown is left
 * out, never written empty. Names are written in presentation format with \DDD escapes, so
 * every line is ASCII, valid JSON, and reads back to the exact bytes; in edit.expected and
 * edit.found a label separator is "." and a '.' inside a label "\.". Other text (file, reason,
 * answers) that is not ASCII is written with \u escapes. The public suffix list behind
 * registered_domain is loaded at the first call (a file read) and shared read-only.
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

#endif /* TG_EVENT_H */
