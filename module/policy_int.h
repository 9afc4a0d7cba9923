/* module/policy_int.h - what the parts of the policy loader share: a load, a zone, a record. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_POLICY_INT_H
#define TG_POLICY_INT_H

#include <stdio.h>
#include <ldns/ldns.h>
#include "policy.h"
#include "name.h"

/** room for one TXT character-string and a NUL */
#define TG_STR_MAX 256
/** room for a domain name as ldns prints it in a message */
#define TG_DNAME_TEXT_MAX (TG_PRESENT_MAX + 2)
/** seen-mask bit of action= */
#define TG_KEY_ACTION 0x1
/** seen-mask bit of qtypes= */
#define TG_KEY_QTYPES 0x2
/** seen-mask bit of reason= */
#define TG_KEY_REASON 0x4
/** seen-mask bit of lookalikes= */
#define TG_KEY_LOOKALIKES 0x8

/**
 * A slot of the duplicate table. The hash is kept so that other names are passed over, and the
 * table grown, without reading the names.
 */
struct tg_slot {
	/** the rule's index + 1; 0 marks an empty slot */
	uint32_t rule;
	/** the hash of the rule's name */
	uint32_t hash;
};

/**
 * A block of the rules' strings. A million small allocations of their own would be slow to
 * make and to free, and, interleaved with the ones ldns makes and frees for every record,
 * would make those slower too.
 */
struct tg_strblock {
	/** the block allocated before, or NULL */
	struct tg_strblock* next;
	/** bytes used in text */
	size_t used;
	/** bytes of text */
	size_t size;
	/** the strings, NUL-terminated one after another */
	char text[];
};

/** The helper thread of a big load (policy_helper.c). */
struct tg_helper;

/**
 * The state of one load: the policy being built and an index of its names, to find a name
 * declared twice in time proportional to the number of names.
 */
struct tg_loader {
	/** the policy being built */
	struct tg_policy* p;
	/** room in p->rules */
	size_t rules_room;
	/** room in p->files */
	size_t files_room;
	/** open-addressing table of the names declared so far */
	struct tg_slot* slot;
	/** number of slots, a power of two */
	size_t slots;
	/** the qtypes of protected names whose record gives none */
	const struct tg_qtypes* default_qtypes;
	/** receives the reason of a failure */
	struct tg_error* err;
	/** the helper thread that adds names to the matcher, or NULL: they are added here */
	struct tg_helper* helper;
};

/**
 * What one TXT record declares, before it becomes a rule.
 */
struct tg_decl {
	/** 1 for <name>.protect, 0 for <name>.allow */
	int protect;
	/** the name, lowercased, in wire format */
	uint8_t wire[TG_WIRE_MAX];
	/** the name in comparison form */
	struct tg_name name;
	/** the name in presentation form, lowercase, no trailing dot */
	char text[TG_PRESENT_MAX];
	/** the hash of text */
	uint32_t hash;
	/** the action= given, else TG_ACTION_LOG */
	enum tg_action action;
	/** the qtypes= given, else the default */
	struct tg_qtypes qtypes;
	/** the reason= given, valid if TG_KEY_REASON is in seen */
	char reason[TG_STR_MAX];
	/** the lookalikes= given, else 1 */
	int lookalikes;
	/** TG_KEY_* bits of the keys given */
	unsigned seen;
};

/** label under the apex that makes the name to its left protected */
#define TG_LABEL_PROTECT "protect"
/** label under the apex that makes the name to its left allowed */
#define TG_LABEL_ALLOW "allow"

/**
 * The state of reading one zone file.
 */
struct tg_zone {
	/** the load this file is part of */
	struct tg_loader* ld;
	/** the open file */
	FILE* fp;
	/** its name, interned in the policy */
	const char* file;
	/** the line the next record starts on */
	int line;
	/** the $TTL in force */
	uint32_t ttl;
	/** the $ORIGIN in force; the root until the file sets one or has an SOA */
	ldns_rdf* origin;
	/** the owner of the previous record, for records that leave it out */
	ldns_rdf* prev;
	/** whether a $ORIGIN line was seen */
	int origin_set;
	/** the owner of the SOA record, or NULL if none was seen yet */
	ldns_rdf* apex;
	/** the line of the SOA record */
	int soa_line;
	/** whether a rule was read yet */
	int rule_seen;
	/** the declaration read last: its duplicate check and its rule wait for the next
	 * record, so that the duplicate table's slot is in the caches by then */
	struct tg_decl pending;
	/** the line of the pending declaration; 0 when there is none */
	int pending_line;
	/** the result of reading its TXT strings */
	enum tg_err pending_rs;
	/** where in the file the record being read starts, to say what ldns refused in it */
	long rr_start;
	/** TG_LABEL_PROTECT as a name, to compare an owner's lowercased label with */
	ldns_rdf* label_protect;
	/** TG_LABEL_ALLOW as a name, likewise */
	ldns_rdf* label_allow;
};

/**
 * Fill the loader's error with the zone file and a line.
 * @param z: the zone.
 * @param line: the line, 0 for the whole file.
 * @param code: the error code.
 * @param fmt: printf format of the problem.
 * @return: code.
 */
enum tg_err
tg_zone_error(struct tg_zone* z, int line, enum tg_err code, const char* fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* policy_look.c: lookalikes */

/**
 * Add a protected name to the matcher with its skeleton: once for both passes when it is its
 * own skeleton, else the name for names and the skeleton, with the same id, for skeletons. A
 * skeleton the matcher cannot hold (a label dropped, a dot in a label) is left out.
 * @param m: the matcher.
 * @param lk: the ICU objects.
 * @param name: the protected name.
 * @param id: its rule's index.
 * @return: as tg_matcher_add_protected().
 */
enum tg_err tg_look_add(struct tg_matcher* m, const struct tg_look* lk,
	const struct tg_name* name, uint32_t id);

/* policy_decl.c: what one TXT record declares */

/**
 * Print a domain name for a message, with its trailing dot as ldns writes it.
 * @param d: the name.
 * @param out: receives the text; TG_DNAME_TEXT_MAX bytes.
 */
void tg_dname_text(const ldns_rdf* d, char* out);

/**
 * Find what a TXT record's owner declares: <name>.protect.<apex> or <name>.allow.<apex>.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @param d: receives protect and the name.
 * @return: TG_OK or the error.
 */
enum tg_err tg_decl_owner(struct tg_zone* z, const ldns_rr* rr, int line, struct tg_decl* d);

/**
 * Read the strings of a TXT record.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @param d: the declaration, owner already read.
 * @return: TG_OK or the error.
 */
enum tg_err tg_decl_strings(struct tg_zone* z, const ldns_rr* rr, int line, struct tg_decl* d);

/**
 * Whether a wire name has a label holding '.' or NUL, which a protected name must not.
 * @param w: the name, wire format.
 * @return: 1 if it has.
 */
int tg_wire_has_odd_byte(const uint8_t* w);

/**
 * Whether a wire name is a host name: labels of letters, digits and hyphens only.
 * @param w: the name, wire format.
 * @return: 0 if it is; 2 if it is not only because it has bytes from 0x80 up (an IDN written
 *	in UTF-8 rather than as its xn-- A-label); 1 otherwise ('*', a space, '_', ...).
 */
int tg_wire_host_name(const uint8_t* w);

/* policy_dup.c: the duplicate table, the names declared so far */

/**
 * Hash a rule's name for the duplicate table (FNV-1a).
 * @param s: the name.
 * @return: the hash.
 */
uint32_t tg_dup_hash(const char* s);

/**
 * Find the slot of a name in the duplicate table.
 * @param ld: the loader.
 * @param name: the name.
 * @param hash: its hash.
 * @return: the slot holding the rule with that name, or the empty slot where it would go.
 */
struct tg_slot* tg_dup_find(struct tg_loader* ld, const char* name, uint32_t hash);

/**
 * Allocate an empty duplicate table. A big one asks for huge pages: its slots are read at
 * random, a miss in the address translation for every name with small pages.
 * @param n: number of slots.
 * @return: the table, freed with free(); NULL if out of memory.
 */
struct tg_slot* tg_dup_alloc(size_t n);

/**
 * Double the duplicate table and enter every rule again.
 * @param ld: the loader.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
enum tg_err tg_dup_grow(struct tg_loader* ld);

/* policy_helper.c: the helper thread that adds names to the matcher */

/**
 * Start the helper thread.
 * @param ld: the loader.
 * @return: TG_OK, or TG_ERR_NOMEM if there is no thread (the loader adds the names itself).
 */
enum tg_err tg_helper_start(struct tg_loader* ld);

/**
 * Give the helper the last names, wait for it to end and free it. Its error, if it had one,
 * is about a name read before anything the loader could have failed on, so it comes first.
 * @param ld: the loader.
 * @param r: the loader's result so far.
 * @return: r, or the helper's error.
 */
enum tg_err tg_helper_stop(struct tg_loader* ld, enum tg_err r);

/**
 * Add a declared name to the matcher: here, or by the helper thread.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param id: its rule's index.
 * @return: TG_OK or the error; the helper's error is only signalled by its code here,
 *	tg_helper_stop() puts it in the loader's error.
 */
enum tg_err tg_rule_match(struct tg_zone* z, int line, const struct tg_decl* d, uint32_t id);

/* policy_zone.c: the records of a zone file */

/**
 * Read an open zone file into the policy.
 * @param ld: the loader.
 * @param fp: the file.
 * @param file: its name, interned.
 * @return: TG_OK or the error.
 */
enum tg_err tg_zone_load(struct tg_loader* ld, FILE* fp, const char* file);

#endif /* TG_POLICY_INT_H */
