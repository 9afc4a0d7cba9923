/* tools/report.h - typoguard report: what the event files say, aggregated, and what to do about it. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_REPORT_H
#define TG_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/** deepest nesting of JSON the line scanner accepts */
#define RP_DEPTH_MAX 32
/** entries of typoguard.resolved looked at in one event; more are ignored */
#define RP_RESOLVED_MAX 16
/** invalid lines reported one by one on standard error; the rest are only counted */
#define RP_INVALID_SHOWN 5
/** longest field value remembered from one event to the next */
#define RP_MEMO_MAX 64
/** microseconds in a second */
#define RP_USEC 1000000LL
/** microseconds in a day */
#define RP_DAY_USEC (86400LL * RP_USEC)
/** "no time" (a time limit not given) */
#define RP_NO_TIME INT64_MIN

/**
 * Whether two byte strings of the same length are equal: memcmp() == 0 for the short names,
 * member names and addresses of events, eight bytes at a time and without a call.
 * @param a: one.
 * @param b: the other.
 * @param n: their length.
 * @return: 1 if equal, else 0.
 */
static inline int
rp_same(const char* a, const char* b, size_t n)
{
	uint64_t x, y;
	for(; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if(x != y)
			return 0;
	}
	for(; n > 0; n--)
		if(*a++ != *b++)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ scanning a line */

/** the kind of a JSON scalar the scanner reports */
enum rp_jtype { RP_J_STR, RP_J_NUM, RP_J_TRUE, RP_J_FALSE, RP_J_NULL };

/** a member a caller wants from the lines: a node of the tree of member names it reads */
struct rp_want {
	/** the member's name as lines write it (escapes are not decoded); NULL ends a list */
	const char* key;
	/** its length */
	size_t klen;
	/** the number reported with its value when that is a scalar; 0 for none */
	int field;
	/** 1 if the value is an array whose objects are read with sub; 0 if it is an object
	 * read with sub */
	int array;
	/** the members wanted inside, ended by a NULL key; NULL for none */
	const struct rp_want* sub;
};
/** a struct rp_want for a member name given as a string literal */
#define RP_WANT(key, field, array, sub) { key, sizeof(key) - 1, field, array, sub }
/** the end of a list of struct rp_want */
#define RP_WANT_END { NULL, 0, 0, 0, NULL }

/**
 * Called for each scalar the caller wants, in order.
 * @param arg: the caller's argument.
 * @param field: the field number of its member (struct rp_want).
 * @param idx: its object's position in the nearest array above it, -1 if none.
 * @param t: its kind.
 * @param s: its text: a string's bytes between the quotes (escapes not decoded), a number's
 *	text, or the literal.
 * @param n: the length of s.
 * @param escaped: whether a string holds backslash escapes (decode with rp_unescape()).
 */
typedef void (*rp_scalar_cb)(void* arg, int field, int idx, enum rp_jtype t, const char* s,
	size_t n, int escaped);

/**
 * Check that a line is exactly one JSON object (RFC 8259, strictly) and report the scalars
 * the caller wants. Builds nothing; what is not wanted is checked and passed over.
 * @param line: the text, without its newline.
 * @param len: its length.
 * @param want: the members wanted at the top of the object, ended by a NULL key.
 * @param cb: called for each scalar wanted.
 * @param arg: passed to cb.
 * @param err: receives the reason when the line is not valid (static text).
 * @return: 0 if the line is one valid object, -1 if not (the callbacks made so far stand).
 */
int rp_scan(const char* line, size_t len, const struct rp_want* want, rp_scalar_cb cb,
	void* arg, const char** err);

/**
 * Decode the escapes of a JSON string (validated by rp_scan) into UTF-8.
 * @param out: receives the text, NUL-terminated; n + 1 bytes are enough.
 * @param s: the string's bytes between the quotes.
 * @param n: their number.
 * @return: the length written.
 */
size_t rp_unescape(char* out, const char* s, size_t n);

/* ------------------------------------------------------------------ time */

/**
 * Read an RFC 3339 time, as events write them ("2026-11-28T22:05:24.127727Z"), or a date
 * ("2026-11-28", midnight UTC), or with an offset ("+02:00").
 * @param s: the text.
 * @param n: its length.
 * @param usec: receives microseconds since 1970 (UTC).
 * @return: 0, or -1 if the text is not such a time.
 */
int rp_time_parse(const char* s, size_t n, int64_t* usec);

/**
 * Write a time as events do, "2026-11-28T22:05:24.127727Z".
 * @param buf: receives the text; RP_TIME_MAX bytes.
 * @param usec: microseconds since 1970.
 */
void rp_time_str(char* buf, int64_t usec);
/** room for rp_time_str() */
#define RP_TIME_MAX 40

/* ------------------------------------------------------------------ the aggregates */

/** what a count in a typo's small tables counts */
enum rp_kind {
	/** dns.question.type of a lookup */
	RP_QTYPE,
	/** event.action of a lookup */
	RP_ACTION,
	/** dns.response_code of a lookup */
	RP_RCODE,
	/** dns.response_code of a follow-up (resolve-blocked): what upstream said */
	RP_UPSTREAM,
	/** country of an address an answer pointed to */
	RP_RCOUNTRY,
	/** AS of an address an answer pointed to */
	RP_RAS,
	/** site of the client (client.geo.name) */
	RP_SITE,
	/** number of kinds */
	RP_KINDS
};

/** one count of a typo's small tables */
struct rp_count {
	/** what it counts (enum rp_kind) */
	uint32_t kind;
	/** the value, an interned string */
	uint32_t sid;
	/** how many */
	uint64_t n;
};

/** a typo name under one protected name, and what its lookups did */
struct rp_typo {
	/** the protected name (index into the report's protected names) */
	uint32_t prot;
	/** the typo name, interned */
	uint32_t name;
	/** lookups (client events) */
	uint64_t lookups;
	/** distinct clients, networks, sites, days (UTC) */
	uint64_t clients, networks, sites, days;
	/** lookups of type MX */
	uint64_t mx;
	/** MX records in answers (the typo domain has mail exchangers) */
	uint64_t mx_records;
	/** lookups of type MX the client got an answer to (NOERROR, action log) */
	uint64_t mx_answered;
	/** lookups answered NOERROR under action log: the name exists upstream */
	uint64_t noerror_log;
	/** follow-ups that found it exists upstream (NOERROR) */
	uint64_t upstream_noerror;
	/** lookups under action log */
	uint64_t logged;
	/** first and last lookup, microseconds */
	int64_t first, last;
	/** the edit, from the first lookup: op, expected, found interned; position */
	uint32_t op, expected, found;
	/** the edit's position, -1 if unknown */
	int position;
	/** the small tables */
	struct rp_count* counts;
	/** entries used and allocated */
	uint32_t ncounts, cap;
	/** for each kind, the entry counted last: the next lookup most often counts it again */
	uint32_t hint[RP_KINDS];
	/** the suggestion made for it (enum rp_suggest) */
	int suggestion;
	/** the day (since 1970) of the last lookup counted in days */
	uint32_t last_day;
};

/** a protected name */
struct rp_prot {
	/** the name, interned */
	uint32_t name;
	/** lookups of its typos */
	uint64_t lookups;
	/** distinct clients that looked up any of its typos */
	uint64_t clients;
	/** lookups by action: log and anything else */
	uint64_t logged, blocked;
	/** its typos (indexes into the report's typos), sorted by rp_finish() */
	uint32_t* typos;
	/** their number and room */
	uint32_t ntypos, cap;
	/** the suggestion made for it (enum rp_suggest) */
	int suggestion;
	/** MX lookups of its typos that were answered (log), its typos suggested for allow left
	 * out (set by rp_suggest()) */
	uint64_t mx_leaks;
	/** distinct clients whose MX lookups of its typos were answered (log) */
	uint64_t mx_leak_clients;
	/** the hour (since 1970) being counted, and its lookups so far, not yet in hours */
	uint32_t hour;
	/** the lookups of that hour */
	uint64_t hour_lookups;
};

/** the last value of a field and its number: events repeat the same few values */
struct rp_memo {
	/** the field's text as the line has it */
	char text[RP_MEMO_MAX];
	/** its length; 0 when nothing is remembered */
	size_t n;
	/** its number */
	uint32_t sid;
};

/** the fields remembered with a struct rp_memo */
enum rp_memo_field { RP_M_QTYPE, RP_M_ACTION, RP_M_RCODE, RP_M_SITE, RP_M_COUNTRY,
	RP_M_RCOUNTRY, RP_M_AS, RP_M_PROT, RP_MEMOS };

/** a client address */
struct rp_client {
	/** the address, its network (/24, /64), site and country, interned (0: none) */
	uint32_t ip, net, site, country;
	/** its lookups */
	uint64_t lookups;
};

/** a table of interned strings: each distinct string once, numbered from 1 */
struct rp_strtab {
	/** the strings, NUL-terminated, one after another, in chunks */
	char** chunks;
	/** number of chunks; bytes used in the last */
	size_t nchunks, used;
	/** string number to its text */
	const char** str;
	/** string number to its length */
	uint32_t* len;
	/** strings held, plus 1 (0 is "none"); room in str and len */
	uint32_t n, cap;
	/** open addressing: string numbers, 0 empty */
	uint32_t* slots;
	/** their hashes, to skip comparisons */
	uint32_t* hashes;
	/** slots - 1 (a power of two minus one) */
	size_t mask;
};

/** a slot of a struct rp_map: a key and its value side by side, one memory access for both */
struct rp_slot {
	/** the key; RP_MAP_EMPTY for an empty slot */
	uint64_t key;
	/** its value */
	uint64_t val;
};

/** a hash map from 64-bit keys to 64-bit values (a set, when the values are not used) */
struct rp_map {
	/** the slots */
	struct rp_slot* slots;
	/** entries held */
	size_t n;
	/** slots - 1 */
	size_t mask;
};
/** the key that marks an empty slot; never a real key */
#define RP_MAP_EMPTY UINT64_MAX

/** what the report is limited to */
struct rp_filter {
	/** lookups before, or from, are left out (RP_NO_TIME: no limit) */
	int64_t since, until;
	/** only these protected names (none: all), case-insensitive */
	const char** protected_;
	/** their number */
	size_t nprotected;
};

/** the whole report: totals and aggregates */
struct rp_report {
	/** what is kept */
	struct rp_filter filter;
	/** lookups counted (client events within the filter) */
	uint64_t events;
	/** lines that are not an event: not JSON, torn, or of another shape */
	uint64_t invalid_lines;
	/** follow-ups (resolve-blocked enrichment) used */
	uint64_t follow_ups;
	/** typoguard's other events (policy audit, metrics) read */
	uint64_t other_events;
	/** events left out by --since, --until or --protected */
	uint64_t filtered;
	/** first and last lookup counted, microseconds (RP_NO_TIME when none) */
	int64_t from, to;
	/** policy serials seen (sorted, distinct) */
	int64_t* serials;
	/** their number and room */
	size_t nserials, serials_cap;
	/** interned strings */
	struct rp_strtab strs;
	/** protected names */
	struct rp_prot* prots;
	/** their number and room */
	uint32_t nprots, prots_cap;
	/** typo names */
	struct rp_typo* typos;
	/** their number and room */
	uint32_t ntypos, typos_cap;
	/** clients */
	struct rp_client* clients;
	/** their number and room */
	uint32_t nclients, clients_cap;
	/** string number -> protected name index + 1, client index + 1, typo index + 1 (of the
	 * first protected name it was seen under; the others are in typo_idx); 0 for none */
	uint32_t *prot_of, *client_of, *typo_of;
	/** room in those three */
	uint32_t of_cap;
	/** (protected index, typo string) -> typo index */
	struct rp_map typo_idx;
	/** (typo, kind, value) seen: distinct clients, networks, sites, days of a typo; and
	 * (protected, client) for the clients of a protected name */
	struct rp_map seen;
	/** the last values of the fields that have few */
	struct rp_memo memo[RP_MEMOS];
	/** (protected name's string, hour since 1970) -> lookups, for the chart over time;
	 * complete after rp_finish() */
	struct rp_map hours;
	/** first invalid lines reported so far */
	int invalid_shown;
};

/**
 * Make an empty report.
 * @param r: the report; filled.
 * @param f: what to keep (copied).
 * @return: 0, or -1 if out of memory.
 */
int rp_report_init(struct rp_report* r, const struct rp_filter* f);

/** Free what a report holds. @param r: the report. */
void rp_report_free(struct rp_report* r);

/**
 * Read an event file into the report: JSON lines, plain or gzip. Invalid lines are
 * counted, the first few reported on standard error with the file name and line number.
 * @param r: the report.
 * @param path: the file; "-" for standard input.
 * @return: 0, or -1 if the file cannot be read (the message is on standard error).
 */
int rp_read_file(struct rp_report* r, const char* path);

/**
 * Take one line of an event file into the report.
 * @param r: the report.
 * @param line: the line, without its newline.
 * @param len: its length.
 * @param err: receives why it is not an event (static text).
 * @return: 0 if it is one of typoguard's events (taken, or left out by the filter), -1 if
 *	it is not (counted as invalid by the caller).
 */
int rp_take_line(struct rp_report* r, const char* line, size_t len, const char** err);

/**
 * Add the lookups of the hour a protected name is counting to the report's hours.
 * @param r: the report.
 * @param p: the protected name.
 * @return: 0, or -1 if out of memory.
 */
int rp_flush_hour(struct rp_report* r, struct rp_prot* p);

/**
 * After the last file: count the networks of each typo, and the clients of each protected
 * name, from the (typo, client) pairs seen.
 * @param r: the report, its protected names not yet sorted.
 * @return: 0, or -1 if out of memory.
 */
int rp_count_pairs(struct rp_report* r);

/**
 * After the last file: sort protected names and typos by lookups and make the suggestions.
 * @param r: the report.
 * @return: 0, or -1 if out of memory.
 */
int rp_finish(struct rp_report* r);

/** The text of an interned string. @param r: the report. @param sid: its number.
 * @return: the text, "" for 0. */
const char* rp_str(const struct rp_report* r, uint32_t sid);

/**
 * The count of a value in a typo's small tables.
 * @param t: the typo.
 * @param kind: the table.
 * @param sid: the value.
 * @return: the count, 0 if absent.
 */
uint64_t rp_typo_count(const struct rp_typo* t, enum rp_kind kind, uint32_t sid);

/**
 * Intern a string.
 * @param t: the table.
 * @param s: the text.
 * @param n: its length.
 * @return: its number (>= 1), or 0 if out of memory.
 */
uint32_t rp_intern(struct rp_strtab* t, const char* s, size_t n);

/** Free a string table. @param t: the table. */
void rp_strtab_free(struct rp_strtab* t);

/**
 * Find a string without adding it.
 * @param t: the table.
 * @param s: the text, NUL-terminated.
 * @return: its number, or 0 if it is not there.
 */
uint32_t rp_strtab_find(const struct rp_strtab* t, const char* s);

/**
 * Find a string without adding it.
 * @param t: the table.
 * @param s: the text.
 * @param n: its length.
 * @return: its number, or 0 if it is not there.
 */
uint32_t rp_strtab_find_n(const struct rp_strtab* t, const char* s, size_t n);

/**
 * Find a key in a map.
 * @param m: the map.
 * @param key: the key (not RP_MAP_EMPTY).
 * @return: the value's address, or NULL if absent.
 */
uint64_t* rp_map_get(const struct rp_map* m, uint64_t key);

/**
 * Find a key, adding it with value 0 if it is absent.
 * @param m: the map.
 * @param key: the key (not RP_MAP_EMPTY).
 * @param added: set to 1 if it was added, else 0; may be NULL.
 * @return: the value's address (valid until the next addition), or NULL if out of memory.
 */
uint64_t* rp_map_put(struct rp_map* m, uint64_t key, int* added);

/**
 * Start loading a key's slot into the cache, for a rp_map_put() or rp_map_get() a little
 * later (a large map's slots are far from the processor: the lookup would wait for memory).
 * @param m: the map.
 * @param key: the key.
 */
void rp_map_prefetch(const struct rp_map* m, uint64_t key);

/** Free a map's memory. @param m: the map. */
void rp_map_free(struct rp_map* m);

/* ------------------------------------------------------------------ suggestions */

/** what the report suggests for a name */
enum rp_suggest {
	/** nothing */
	RP_SUGGEST_NONE = 0,
	/** block the typo name (answer NXDOMAIN for it) */
	RP_SUGGEST_BLOCK,
	/** allow the typo name: very likely a legitimate site */
	RP_SUGGEST_ALLOW,
	/** protect the protected name with action=nxdomain */
	RP_SUGGEST_NXDOMAIN
};

/** a block suggestion needs at least this many distinct clients */
#define RP_BLOCK_MIN_CLIENTS 2
/** an allow suggestion needs at least this many distinct clients */
#define RP_ALLOW_MIN_CLIENTS 10
/** ... from at least this many distinct networks (/24, /64) */
#define RP_ALLOW_MIN_NETWORKS 5
/** ... on at least this many distinct days (UTC) */
#define RP_ALLOW_MIN_DAYS 7
/** ... at most this percentage of its lookups of type MX (a site is browsed, not mailed) */
#define RP_ALLOW_MAX_MX_PERCENT 20
/** an nxdomain suggestion needs at least this many answered MX lookups of its typos */
#define RP_NXDOMAIN_MIN_MX_LEAKS 3
/** ... from at least this many distinct clients */
#define RP_NXDOMAIN_MIN_CLIENTS 2

/**
 * Make the suggestions: set each typo's and each protected name's suggestion.
 * @param r: the report, its typos sorted.
 * @return: 0, or -1 if out of memory.
 */
int rp_suggest(struct rp_report* r);

/**
 * Why a typo or protected name got its suggestion, as one sentence.
 * @param r: the report.
 * @param t: the typo, or NULL for a protected name.
 * @param p: the protected name (for a typo: its protected name).
 * @param buf: receives the text.
 * @param size: room in buf.
 */
void rp_reason(const struct rp_report* r, const struct rp_typo* t, const struct rp_prot* p,
	char* buf, size_t size);

/**
 * The policy zone line of a suggestion ("army.ml.allow TXT \"reason=...\""), or for a block
 * the RPZ lines, without newline.
 * @param r: the report.
 * @param t: the typo, or NULL for a protected name.
 * @param p: the protected name.
 * @param buf: receives the text.
 * @param size: room in buf.
 */
void rp_policy_line(const struct rp_report* r, const struct rp_typo* t, const struct rp_prot* p,
	char* buf, size_t size);

/** the name of a suggestion: "block", "allow", "nxdomain"; NULL for none */
const char* rp_suggest_str(int s);

/* ------------------------------------------------------------------ the formats */

/** what the writers are asked */
struct rp_output {
	/** typos listed per protected name; 0 for all */
	size_t top;
	/** rpz: only the names suggested for blocking */
	int suggested;
};

/** Write the report as one JSON object. @return: 0, or -1 on a write error. */
int rp_write_json(const struct rp_report* r, const struct rp_output* o, FILE* out);
/** Write the report as text for a terminal. @return: 0, or -1 on a write error. */
int rp_write_text(const struct rp_report* r, const struct rp_output* o, FILE* out);
/** Write one CSV row per typo name. @return: 0, or -1 on a write error. */
int rp_write_csv(const struct rp_report* r, const struct rp_output* o, FILE* out);
/** Write the suggestions as a policy zone fragment. @return: 0, or -1 on a write error. */
int rp_write_policy(const struct rp_report* r, const struct rp_output* o, FILE* out);
/** Write an RPZ zone of the typo names seen. @return: 0, or -1 on a write error. */
int rp_write_rpz(const struct rp_report* r, const struct rp_output* o, FILE* out);
/** Write one self-contained HTML page. @return: 0, or -1 on a write error. */
int rp_write_html(const struct rp_report* r, const struct rp_output* o, FILE* out);

/**
 * Write the head of an RPZ zone (comment, $TTL, SOA, NS).
 * @param out: the stream.
 * @param what: what the zone holds, for the comment.
 * @param serial: the SOA serial.
 */
void rp_rpz_head(FILE* out, const char* what, uint32_t serial);

/**
 * Write a name and its wildcard as RPZ NXDOMAIN records ("NAME CNAME ." and "*.NAME CNAME .").
 * @param out: the stream.
 * @param name: the name, presentation format, no trailing dot.
 */
void rp_rpz_name(FILE* out, const char* name);

/**
 * The report command.
 * @param argc: arguments after "report".
 * @param argv: the arguments.
 * @return: the exit status.
 */
int tg_cmd_report(int argc, char** argv);

#endif /* TG_REPORT_H */
