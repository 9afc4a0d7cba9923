/* module/policy.h - the policy: protected and allowed names read from DNS zone files. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_POLICY_H
#define TG_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "match.h"

/** what typoguard does with a lookup that matches a protected name */
enum tg_action {
	/** write the event and resolve as usual */
	TG_ACTION_LOG = 0,
	/** write the event and answer NXDOMAIN without resolving */
	TG_ACTION_NXDOMAIN,
	/** write the event; answer MX lookups with a null MX (RFC 7505), the other types
	 * NXDOMAIN, without resolving */
	TG_ACTION_NULLMX
};

/**
 * The SOA record of a policy zone file, in wire format, for the authority section of the
 * negative answers its rules make. Owned by the policy.
 */
struct tg_soa {
	/** the next one, or NULL */
	struct tg_soa* next;
	/** the file it is the SOA of, interned in the policy (a rule's file) */
	const char* file;
	/** the owner, the zone's apex, wire format, uncompressed */
	uint8_t* owner;
	/** length of owner */
	size_t owner_len;
	/** the rdata, wire format, uncompressed, without its length */
	uint8_t* rdata;
	/** length of rdata */
	size_t rdata_len;
	/** the SOA's minimum field: the TTL of negative answers */
	uint32_t minimum;
};

/** most query types one rule may name */
#define TG_QTYPES_MAX 16

/**
 * A set of query types, such as "MX A AAAA".
 */
struct tg_qtypes {
	/** the types, in the order given, no duplicates */
	uint16_t type[TG_QTYPES_MAX];
	/** number of types */
	size_t count;
};

/**
 * One rule of the policy: a protected or an allowed name, and where it was declared.
 * Owned by the policy; valid as long as the policy is.
 */
struct tg_rule {
	/** the name, presentation format, no trailing dot ("army.mil") */
	char* name;
	/** 1 for a protected name, 0 for an allowed name */
	int protect;
	/** the action (protected names) */
	enum tg_action action;
	/** the query types intercepted (protected names) */
	struct tg_qtypes qtypes;
	/** the reason= text, or NULL */
	char* reason;
	/** the file it was declared in; shared between rules, owned by the policy */
	const char* file;
	/** the line it was declared on */
	int line;
	/** 1 if lookalikes of the name are flagged too (lookalikes=yes, the default) */
	int lookalikes;
};

/** A block of strings of the policy; private to policy.c. */
struct tg_strblock;

/**
 * The policy: every rule and the matcher built over them. Immutable once loaded; shared by all
 * threads without locks. A reload builds a new policy.
 */
struct tg_policy {
	/** the rules, indexed by the ids given to the matcher */
	struct tg_rule* rules;
	/** number of rules */
	size_t count;
	/** number of protected names among the rules */
	size_t protected_count;
	/** the matcher over the rules' names */
	struct tg_matcher* matcher;
	/** the source file names, owned here */
	char** files;
	/** the SOA serial of each source, -1 for one without an SOA record; like files */
	int64_t* serials;
	/** number of files */
	size_t file_count;
	/** the blocks the rules' name and reason strings are kept in, owned here */
	struct tg_strblock* strings;
	/** the SOA records of the files that have one, owned here */
	struct tg_soa* soas;
	/** number of protected names whose lookalikes are flagged */
	size_t lookalike_count;
	/** number of rules whose action is not log: with none, nothing is ever blocked */
	size_t blocking_count;
	/** the ICU objects that make skeletons (lookalike.h); owned here */
	struct tg_look* look;
};

struct tg_look_counts;

/**
 * Load a policy from zone files in master-file format. Under the zone's apex (the owner of its
 * SOA record, else the $ORIGIN in force, else the root) a TXT record at "<name>.protect" declares
 * a protected name and at "<name>.allow" an allowed one; the TXT strings are key=value:
 * action=log|nxdomain|nullmx, qtypes="MX A AAAA" and lookalikes=yes|no for protected names,
 * reason=... for either. A protected name with lookalikes=yes (the default) is also added to
 * the matcher by its skeleton (lookalike.h), for tg_policy_match().
 * SOA and NS records are ignored; any other record, key or value is an error naming file and
 * line. A name declared twice, in one file or in two, is an error naming both places.
 * @param files: the zone files.
 * @param nfiles: their number; 0 gives an empty policy.
 * @param default_qtypes: the qtypes of protected names whose record gives none.
 * @param out: receives the new policy, freed with tg_policy_free().
 * @param err: receives the reason on failure, "file:line: problem".
 * @return: TG_OK or the error code.
 */
enum tg_err tg_policy_load(const char* const* files, size_t nfiles,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err);

/**
 * Build a policy from zone text in memory (the embedded default; tests and fuzzers).
 * @param text: the zone, master-file format, NUL-terminated.
 * @param label: the name used for it in errors and rules' file field.
 * @param default_qtypes: as for tg_policy_load().
 * @param out: receives the new policy.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error code.
 */
enum tg_err tg_policy_load_string(const char* text, const char* label,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err);

/**
 * One source of a policy: a zone file, or zone text in memory (a zone Unbound transferred).
 */
struct tg_policy_source {
	/** the file; for text, the name it goes by in errors and in rules' file field */
	const char* name;
	/** the zone text, master-file format, NUL-terminated; NULL to read the file */
	const char* text;
};

/**
 * Load a policy from several sources, files and texts, as tg_policy_load() does from files.
 * @param src: the sources.
 * @param n: their number; 0 gives an empty policy.
 * @param default_qtypes: as for tg_policy_load().
 * @param out: receives the new policy, freed with tg_policy_free().
 * @param err: receives the reason on failure, "name:line: problem".
 * @return: TG_OK or the error code.
 */
enum tg_err tg_policy_load_sources(const struct tg_policy_source* src, size_t n,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err);

/**
 * The SOA serial of one of a policy's sources (the serial events carry).
 * @param p: the policy.
 * @param source: the source's name, as in its rules' file field.
 * @param serial: receives the serial.
 * @return: 1 if the source is in the policy and has an SOA record, else 0.
 */
int tg_policy_source_serial(const struct tg_policy* p, const char* source, uint32_t* serial);

/**
 * Check a name against the policy: tg_matcher_match(), and, when that finds nothing, the
 * name's skeleton against the skeletons of the protected names with lookalikes=yes
 * (TG_PASS_SKELETONS). A name at or below a protected or an allowed name is never flagged.
 * A lookalike is a TG_VERDICT_TYPO with out->lookalike set: its edit is between the two
 * skeletons (TG_EDIT_NONE when they are equal), typo_label a label of the name. The skeleton
 * is made only for a name tg_look_maybe() says it can differ for. Thread-safe.
 * @param p: the policy.
 * @param name: the query name.
 * @param lookalikes: 0 to check typos only (settings: lookalikes: no).
 * @param out: as for tg_matcher_match().
 * @param counts: counters of the skeletons made, or NULL.
 * @return: the verdict.
 */
enum tg_verdict tg_policy_match(const struct tg_policy* p, const struct tg_name* name,
	int lookalikes, struct tg_match* out, struct tg_look_counts* counts);

/**
 * Parse a list of query type mnemonics separated by white space ("MX A AAAA", "TYPE65").
 * @param str: the list.
 * @param out: filled on success.
 * @return: TG_OK, TG_ERR_INVALID for an unknown type, TG_ERR_LIMIT for too many.
 */
enum tg_err tg_qtypes_parse(const char* str, struct tg_qtypes* out);

/**
 * Whether a set has a query type.
 * @param q: the set.
 * @param type: the query type.
 * @return: 1 if it has it, else 0.
 */
int tg_qtypes_has(const struct tg_qtypes* q, uint16_t type);

/**
 * The SOA record of the policy zone a rule was declared in.
 * @param p: the policy.
 * @param rule: one of its rules.
 * @return: the SOA, or NULL if the file has none.
 */
const struct tg_soa* tg_policy_soa(const struct tg_policy* p, const struct tg_rule* rule);

/**
 * Name of an action as written in events: "log", "nxdomain", "nullmx".
 * @param action: the action.
 * @return: a static string.
 */
const char* tg_action_str(enum tg_action action);

/**
 * Bytes the policy holds, for Unbound's memory statistics.
 * @param p: the policy, or NULL.
 * @return: bytes allocated.
 */
size_t tg_policy_memory(const struct tg_policy* p);

/**
 * Free a policy.
 * @param p: the policy, or NULL.
 */
void tg_policy_free(struct tg_policy* p);

#endif /* TG_POLICY_H */
