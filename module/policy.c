/* module/policy.c - load the policy: protected and allowed names from DNS zone files. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The zone syntax is ldns's business: every record is read with ldns_rr_new_frm_fp_l(), which
 * also follows $ORIGIN and $TTL. This file only skips blank and comment lines between records
 * itself, so that it knows the line each record starts on.
 *
 * One TXT record declares one name. Its strings each hold one key=value pair; the value is all
 * of the string after the first '=', spaces included ("reason=legitimate site",
 * "qtypes=MX A AAAA"). An empty string says nothing ("x.allow TXT \"\"" allows x with no
 * reason). A second record for the same name, in any file, is an error: write one record with
 * several strings, in parentheses across lines if need be.
 */

#include "tgconfig.h"
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include <ldns/ldns.h>
#include "policy.h"
#include "name.h"

/** label under the apex that makes the name to its left protected */
#define TG_LABEL_PROTECT "protect"
/** label under the apex that makes the name to its left allowed */
#define TG_LABEL_ALLOW "allow"
/** TTL ldns gives records before any $TTL line; typoguard does not use TTLs */
#define TG_DEFAULT_TTL 3600
/** rules room allocated first, doubled when full */
#define TG_RULES_START 64
/** slots of the first duplicate table, a power of two; doubled when half full */
#define TG_SLOTS_START 1024
/** zone bytes a record takes at least, to size the duplicate table from the files' size */
#define TG_RECORD_BYTES_MIN 24
/** most slots the duplicate table is first made with */
#define TG_SLOTS_GUESS_MAX (64u * 1024u * 1024u)
/** a huge page: a duplicate table this big or bigger is aligned on one and asks for them */
#define TG_HUGE_PAGE (2u * 1024u * 1024u)
/** room for one TXT character-string and a NUL */
#define TG_STR_MAX 256
/** room for a domain name as ldns prints it in a message */
#define TG_DNAME_TEXT_MAX (TG_PRESENT_MAX + 2)
/** room for the text of one query type: "TYPE65535" and a NUL */
#define TG_QTYPE_TEXT_MAX 16
/** seen-mask bit of action= */
#define TG_KEY_ACTION 0x1
/** seen-mask bit of qtypes= */
#define TG_KEY_QTYPES 0x2
/** seen-mask bit of reason= */
#define TG_KEY_REASON 0x4
/** bytes of a block of rule strings; a longer string gets a block of its own. Blocks this
 * big are mapped by malloc apart from its heap, where ldns takes and gives back some 100 KiB
 * for every record: blocks among those would make the heap's top grow and shrink, a system
 * call each time */
#define TG_STRBLOCK_SIZE (1024 * 1024)
/** zone files from this size up are loaded with a helper thread that builds the matcher */
#define TG_HELPER_BYTES (1024 * 1024)
/** bytes of names handed to the helper thread at a time */
#define TG_HANDOFF_BYTES (64 * 1024)
/** batches that may wait for the helper thread: the loader only waits when it is so far
 * ahead, as when other programs keep the helper from a core */
#define TG_HANDOFF_BATCHES 32
/** stdio buffer of a zone file: ldns reads it a character at a time */
#define TG_ZONE_BUFFER (64 * 1024)

#ifdef __GNUC__
/** start loading a cache line that will be read soon */
#define TG_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define TG_PREFETCH(p) ((void)(p))
#endif

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

/** A name for the matcher, handed to the helper thread; its wire form follows it. */
struct tg_handed {
	/** the file it was declared in, interned */
	const char* file;
	/** its rule's index */
	uint32_t id;
	/** the line */
	int line;
	/** 1 for a protected name, 0 for an allowed one */
	uint8_t protect;
	/** length of the wire form that follows */
	uint8_t wire_len;
};

/** A batch of names for the helper thread. */
struct tg_batch {
	/** bytes used in data */
	size_t used;
	/** the names, each a struct tg_handed and its wire form, 8-byte aligned */
	uint8_t data[TG_HANDOFF_BYTES];
};

/**
 * The helper thread of a big load. Adding a name to the matcher hashes it and files its
 * keys, about a third of the work of ldns reading its record: on a second core it is done
 * while the next records are read. The loader fills batches in a ring; the helper takes
 * them in turn.
 */
struct tg_helper {
	/** the thread */
	pthread_t thread;
	/** guards given, taken and done */
	pthread_mutex_t lock;
	/** signalled when a batch is given or taken, and at the end */
	pthread_cond_t cond;
	/** the matcher, the helper's alone until it is joined */
	struct tg_matcher* m;
	/** the batches, used in turn */
	struct tg_batch batch[TG_HANDOFF_BATCHES];
	/** batches given so far; the loader fills batch[given % TG_HANDOFF_BATCHES] */
	size_t given;
	/** batches the helper has done */
	size_t taken;
	/** 1 once the loader has no more names */
	int done;
	/** the first name the matcher refused, if any: the helper then adds no more */
	struct tg_error err;
};

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
	/** TG_KEY_* bits of the keys given */
	unsigned seen;
};

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
};


/**
 * A key of the TXT strings and the function that takes its value.
 */
struct tg_txt_key {
	/** the key, as written before '=' (compared without regard to case) */
	const char* name;
	/** its TG_KEY_* bit */
	unsigned bit;
	/** store the value in d; return TG_OK or fill the error */
	enum tg_err (*set)(struct tg_zone* z, int line, struct tg_decl* d, const char* value);
};

/**
 * Fill the loader's error with the zone file and a line.
 * @param z: the zone.
 * @param line: the line, 0 for the whole file.
 * @param code: the error code.
 * @param fmt: printf format of the problem.
 * @return: code.
 */
static enum tg_err
zerr(struct tg_zone* z, int line, enum tg_err code, const char* fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 4, 5)))
#endif
	;

static enum tg_err
zerr(struct tg_zone* z, int line, enum tg_err code, const char* fmt, ...)
{
	char msg[TG_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tg_error_set(z->ld->err, code, z->file, line, "%s", msg);
}

/**
 * Print a domain name for a message, with its trailing dot as ldns writes it.
 * @param d: the name.
 * @param out: receives the text; TG_DNAME_TEXT_MAX bytes.
 */
static void
dname_text(const ldns_rdf* d, char* out)
{
	char* s = ldns_rdf2str(d);
	snprintf(out, TG_DNAME_TEXT_MAX, "%s", s ? s : "?");
	free(s);
}

/**
 * Copy a string for a message: bytes that are not printable ASCII become '?'.
 * @param out: receives the text, NUL-terminated.
 * @param size: room at out.
 * @param s: the string.
 */
static void
printable(char* out, size_t size, const char* s)
{
	size_t i;
	for(i = 0; s[i] && i + 1 < size; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = 0;
}

/**
 * Parse one query type: a mnemonic known to ldns, or TYPEnnn.
 * @param tok: the text.
 * @return: the type, or 0 if tok is none.
 */
static uint16_t
qtype_from_str(const char* tok)
{
	const char* d = tok + 4;
	unsigned long v;
	char* end;
	if(strncasecmp(tok, "TYPE", 4) == 0) {
		/* strictly 1 to 5 digits, no leading zero: ldns would take "TYPE-1" */
		if(*d < '1' || *d > '9' || strspn(d, "0123456789") != strlen(d) ||
			strlen(d) > 5)
			return 0;
		v = strtoul(d, &end, 10);
		return (uint16_t)(v <= 65535 ? v : 0);
	}
	return (uint16_t)ldns_get_rr_type_by_name(tok);
}

/**
 * Take the next white-space separated word of a list.
 * @param s: where to look; moved past the word.
 * @param tok: receives the word, NUL-terminated (cut to size, then it is no type).
 * @param size: room at tok.
 * @return: 1 if there was a word, 0 at the end of the list.
 */
static int
next_word(const char** s, char* tok, size_t size)
{
	size_t len;
	*s += strspn(*s, " \t\r\n");
	len = strcspn(*s, " \t\r\n");
	if(len == 0)
		return 0;
	snprintf(tok, size, "%.*s", (int)len, *s);
	*s += len;
	return 1;
}

enum tg_err
tg_qtypes_parse(const char* str, struct tg_qtypes* out)
{
	struct tg_qtypes q;
	char tok[TG_QTYPE_TEXT_MAX];
	uint16_t type;
	memset(&q, 0, sizeof(q));
	while(next_word(&str, tok, sizeof(tok))) {
		if(!(type = qtype_from_str(tok)))
			return TG_ERR_INVALID;
		if(tg_qtypes_has(&q, type))
			continue;
		if(q.count == TG_QTYPES_MAX)
			return TG_ERR_LIMIT;
		q.type[q.count++] = type;
	}
	if(q.count == 0)
		return TG_ERR_INVALID;
	*out = q;
	return TG_OK;
}

int
tg_qtypes_has(const struct tg_qtypes* q, uint16_t type)
{
	size_t i;
	for(i = 0; i < q->count; i++)
		if(q->type[i] == type)
			return 1;
	return 0;
}

const char*
tg_action_str(enum tg_action action)
{
	switch(action) {
	case TG_ACTION_LOG: return "log";
	case TG_ACTION_NXDOMAIN: return "nxdomain";
	}
	return "unknown";
}

/**
 * Hash a rule's name for the duplicate table (FNV-1a).
 * @param s: the name.
 * @return: the hash.
 */
static uint32_t
name_hash(const char* s)
{
	uint32_t h = 0x811c9dc5U;
	for(; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x01000193U;
	return h;
}

/**
 * Find the slot of a name in the duplicate table.
 * @param ld: the loader.
 * @param name: the name.
 * @param hash: its hash.
 * @return: the slot holding the rule with that name, or the empty slot where it would go.
 */
static struct tg_slot*
slot_find(struct tg_loader* ld, const char* name, uint32_t hash)
{
	size_t i = hash & (ld->slots - 1);
	while(ld->slot[i].rule && (ld->slot[i].hash != hash ||
		strcmp(ld->p->rules[ld->slot[i].rule - 1].name, name) != 0))
		i = (i + 1) & (ld->slots - 1);
	return &ld->slot[i];
}

/**
 * Allocate an empty duplicate table. A big one asks for huge pages: its slots are read at
 * random, a miss in the address translation for every name with small pages.
 * @param n: number of slots.
 * @return: the table, freed with free(); NULL if out of memory.
 */
static struct tg_slot*
slots_alloc(size_t n)
{
	size_t size = n * sizeof(struct tg_slot);
	void* p;
	if(size < TG_HUGE_PAGE)
		return calloc(n, sizeof(struct tg_slot));
	if(posix_memalign(&p, TG_HUGE_PAGE, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	memset(p, 0, size);
	return (struct tg_slot*)p;
}

/**
 * Double the duplicate table and enter every rule again.
 * @param ld: the loader.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
slots_grow(struct tg_loader* ld)
{
	struct tg_slot* old = ld->slot;
	size_t i, j, n = ld->slots;
	if(!(ld->slot = slots_alloc(n * 2))) {
		ld->slot = old;
		return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	}
	ld->slots = n * 2;
	for(i = 0; i < n; i++) {
		if(!old[i].rule)
			continue;
		for(j = old[i].hash & (ld->slots - 1); ld->slot[j].rule;
			j = (j + 1) & (ld->slots - 1))
			;
		ld->slot[j] = old[i];
	}
	free(old);
	return TG_OK;
}

/**
 * Make room for one more rule.
 * @param ld: the loader.
 * @return: TG_OK, TG_ERR_NOMEM or TG_ERR_LIMIT.
 */
static enum tg_err
rules_grow(struct tg_loader* ld)
{
	struct tg_rule* r;
	size_t room = ld->rules_room ? ld->rules_room * 2 : TG_RULES_START;
	if(ld->p->count < ld->rules_room)
		return TG_OK;
	if(ld->p->count >= UINT32_MAX - 1)
		return tg_error_set(ld->err, TG_ERR_LIMIT, NULL, 0, "more than %u names",
			(unsigned)(UINT32_MAX - 1));
	if(!(r = realloc(ld->p->rules, room * sizeof(*r))))
		return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	ld->p->rules = r;
	ld->rules_room = room;
	return TG_OK;
}

/**
 * Keep a file name in the policy, for the rules to point at.
 * @param ld: the loader.
 * @param name: the file name.
 * @param out: receives the policy's copy.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
intern_file(struct tg_loader* ld, const char* name, const char** out)
{
	struct tg_policy* p = ld->p;
	char** f;
	if(p->file_count == ld->files_room) {
		size_t room = ld->files_room ? ld->files_room * 2 : 4;
		if(!(f = realloc(p->files, room * sizeof(*f))))
			return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
		p->files = f;
		ld->files_room = room;
	}
	if(!(p->files[p->file_count] = strdup(name)))
		return tg_error_set(ld->err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	*out = p->files[p->file_count++];
	return TG_OK;
}

/**
 * Split a wire-format name into labels.
 * @param w: the name, uncompressed, ending with the root label.
 * @param len: its length.
 * @param off: receives the offset of each label's length byte, then of the root label;
 *	TG_LABELS_MAX + 1 entries.
 * @return: the number of labels, not counting the root.
 */
static size_t
wire_labels(const uint8_t* w, size_t len, size_t* off)
{
	size_t n = 0, i = 0;
	while(i < len && w[i] && n < TG_LABELS_MAX) {
		off[n++] = i;
		i += (size_t)w[i] + 1;
	}
	off[n] = i;
	return n;
}

/**
 * Compare two byte strings without regard to ASCII case.
 * @param a: the first.
 * @param b: the second.
 * @param len: their length.
 * @return: 1 if they are equal.
 */
static int
same_nocase(const uint8_t* a, const uint8_t* b, size_t len)
{
	size_t i;
	for(i = 0; i < len; i++) {
		uint8_t x = a[i], y = b[i];
		if(x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if(y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if(x != y)
			return 0;
	}
	return 1;
}

/**
 * Whether a label is the given word.
 * @param label: the label, at its length byte.
 * @param word: the word, lowercase.
 * @return: 1 if it is, without regard to case.
 */
static int
label_is(const uint8_t* label, const char* word)
{
	size_t len = strlen(word);
	return label[0] == len && same_nocase(label + 1, (const uint8_t*)word, len);
}

/**
 * Copy the name part of an owner, lowercased, and make its forms.
 * @param z: the zone.
 * @param line: the record's line.
 * @param owner: the owner in wire format.
 * @param len: the number of bytes of the name part, the labels left of .protect/.allow.
 * @param d: receives wire, name and text.
 * @return: TG_OK or the error.
 */
static enum tg_err
decl_name(struct tg_zone* z, int line, const uint8_t* owner, size_t len, struct tg_decl* d)
{
	size_t i;
	/* the length bytes are at most 63, below 'A', so they are left alone */
	for(i = 0; i < len; i++)
		d->wire[i] = (owner[i] >= 'A' && owner[i] <= 'Z') ? owner[i] + ('a' - 'A')
			: owner[i];
	d->wire[len] = 0;
	if(tg_name_from_wire(&d->name, d->wire, len + 1) != TG_OK)
		return zerr(z, line, TG_ERR_NAME, "malformed name in the owner");
	tg_name_present(d->text, &d->name, 0);
	return TG_OK;
}

/**
 * Fill the error for an owner that declares no name.
 * @param z: the zone.
 * @param line: the record's line.
 * @param owner: the owner.
 * @param apex: the apex in force.
 * @param why: what is wrong, followed in the message by the apex.
 * @return: TG_ERR_INVALID.
 */
static enum tg_err
owner_error(struct tg_zone* z, int line, const ldns_rdf* owner, const ldns_rdf* apex,
	const char* why)
{
	char o[TG_DNAME_TEXT_MAX], a[TG_DNAME_TEXT_MAX];
	dname_text(owner, o);
	dname_text(apex, a);
	return zerr(z, line, TG_ERR_INVALID, "owner %s %s %s", o, why, a);
}

/**
 * Find what a TXT record's owner declares: <name>.protect.<apex> or <name>.allow.<apex>.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @param d: receives protect and the name.
 * @return: TG_OK or the error.
 */
static enum tg_err
decl_owner(struct tg_zone* z, const ldns_rr* rr, int line, struct tg_decl* d)
{
	const ldns_rdf* owner = ldns_rr_owner(rr);
	const ldns_rdf* apex = z->apex ? z->apex : z->origin;
	const uint8_t* w = ldns_rdf_data(owner);
	size_t off[TG_LABELS_MAX + 1], aoff[TG_LABELS_MAX + 1], n, na, mark;
	n = wire_labels(w, ldns_rdf_size(owner), off);
	na = wire_labels(ldns_rdf_data(apex), ldns_rdf_size(apex), aoff);
	if(n <= na || ldns_rdf_size(owner) - off[n - na] != ldns_rdf_size(apex) ||
		!same_nocase(w + off[n - na], ldns_rdf_data(apex), ldns_rdf_size(apex)))
		return owner_error(z, line, owner, apex, "is not below the apex");
	mark = n - na - 1;
	if(label_is(w + off[mark], TG_LABEL_PROTECT))
		d->protect = 1;
	else if(label_is(w + off[mark], TG_LABEL_ALLOW))
		d->protect = 0;
	else
		return owner_error(z, line, owner, apex, "is not <name>." TG_LABEL_PROTECT
			" or <name>." TG_LABEL_ALLOW " under the apex");
	if(mark == 0)
		return owner_error(z, line, owner, apex, "has no name before its ."
			TG_LABEL_PROTECT " or ." TG_LABEL_ALLOW " label under the apex");
	return decl_name(z, line, w, off[mark], d);
}

/**
 * Take action=log|nxdomain.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param v: the value.
 * @return: TG_OK or the error.
 */
static enum tg_err
key_action(struct tg_zone* z, int line, struct tg_decl* d, const char* v)
{
	char t[TG_STR_MAX];
	if(!d->protect)
		return zerr(z, line, TG_ERR_INVALID, "%s: action= is only for protected names",
			d->text);
	if(strcasecmp(v, "log") == 0)
		d->action = TG_ACTION_LOG;
	else if(strcasecmp(v, "nxdomain") == 0)
		d->action = TG_ACTION_NXDOMAIN;
	else {
		printable(t, sizeof(t), v);
		return zerr(z, line, TG_ERR_INVALID, "%s: action=%s: expected log or nxdomain%s",
			d->text, t, strchr(v, '=') ? " (one key=value per string)" : "");
	}
	return TG_OK;
}

/**
 * Take qtypes=TYPE..., the query types a protected name is checked for.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param v: the value.
 * @return: TG_OK or the error.
 */
static enum tg_err
key_qtypes(struct tg_zone* z, int line, struct tg_decl* d, const char* v)
{
	char tok[TG_QTYPE_TEXT_MAX], t[TG_STR_MAX];
	const char* s = v;
	enum tg_err r;
	if(!d->protect)
		return zerr(z, line, TG_ERR_INVALID, "%s: qtypes= is only for protected names",
			d->text);
	if((r = tg_qtypes_parse(v, &d->qtypes)) == TG_OK)
		return TG_OK;
	printable(t, sizeof(t), v);
	if(r == TG_ERR_LIMIT)
		return zerr(z, line, r, "%s: qtypes=%s: more than %d query types", d->text, t,
			TG_QTYPES_MAX);
	while(next_word(&s, tok, sizeof(tok)))
		if(!qtype_from_str(tok)) {
			printable(tok, sizeof(tok), tok);
			return zerr(z, line, r, "%s: qtypes=%s: unknown query type %s%s", d->text,
				t, tok, strchr(tok, '=') ? " (one key=value per string)" : "");
		}
	return zerr(z, line, r, "%s: qtypes= names no query type", d->text);
}

/**
 * Take reason=..., free text for the events.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param v: the value.
 * @return: TG_OK.
 */
static enum tg_err
key_reason(struct tg_zone* z, int line, struct tg_decl* d, const char* v)
{
	(void)z;
	(void)line;
	snprintf(d->reason, sizeof(d->reason), "%s", v);
	return TG_OK;
}

/** the keys a TXT string may give */
static const struct tg_txt_key tg_txt_keys[] = {
	{ "action", TG_KEY_ACTION, key_action },
	{ "qtypes", TG_KEY_QTYPES, key_qtypes },
	{ "reason", TG_KEY_REASON, key_reason }
};

/**
 * Take one TXT character-string: key=value.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param s: the string's bytes.
 * @param len: their number.
 * @return: TG_OK or the error.
 */
static enum tg_err
decl_string(struct tg_zone* z, int line, struct tg_decl* d, const uint8_t* s, size_t len)
{
	char buf[TG_STR_MAX], t[TG_STR_MAX];
	char* eq;
	size_t i;
	if(len == 0)
		return TG_OK;
	if(memchr(s, 0, len))
		return zerr(z, line, TG_ERR_SYNTAX, "%s: TXT string has a NUL byte", d->text);
	memcpy(buf, s, len);
	buf[len] = 0;
	if(!(eq = strchr(buf, '='))) {
		printable(t, sizeof(t), buf);
		return zerr(z, line, TG_ERR_SYNTAX, "%s: TXT string \"%s\" is not key=value",
			d->text, t);
	}
	*eq = 0;
	for(i = 0; i < sizeof(tg_txt_keys) / sizeof(tg_txt_keys[0]); i++) {
		const struct tg_txt_key* k = &tg_txt_keys[i];
		if(strcasecmp(buf, k->name) != 0)
			continue;
		if(d->seen & k->bit)
			return zerr(z, line, TG_ERR_INVALID, "%s: %s= given twice", d->text,
				k->name);
		if(!eq[1])
			return zerr(z, line, TG_ERR_SYNTAX, "%s: %s= has no value", d->text,
				k->name);
		d->seen |= k->bit;
		return k->set(z, line, d, eq + 1);
	}
	printable(t, sizeof(t), buf);
	return zerr(z, line, TG_ERR_INVALID, "%s: unknown key \"%s\" (known: action, qtypes, "
		"reason)", d->text, t);
}

/**
 * Read the strings of a TXT record.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @param d: the declaration, owner already read.
 * @return: TG_OK or the error.
 */
static enum tg_err
decl_strings(struct tg_zone* z, const ldns_rr* rr, int line, struct tg_decl* d)
{
	enum tg_err r = TG_OK;
	size_t i;
	d->action = TG_ACTION_LOG;
	if(d->protect)
		d->qtypes = *z->ld->default_qtypes;
	for(i = 0; i < ldns_rr_rd_count(rr) && r == TG_OK; i++) {
		const ldns_rdf* f = ldns_rr_rdf(rr, i);
		const uint8_t* b = ldns_rdf_data(f);
		if(ldns_rdf_get_type(f) != LDNS_RDF_TYPE_STR || ldns_rdf_size(f) < 1 ||
			ldns_rdf_size(f) != (size_t)b[0] + 1)
			return zerr(z, line, TG_ERR_SYNTAX, "%s: malformed TXT rdata", d->text);
		r = decl_string(z, line, d, b + 1, b[0]);
	}
	return r;
}

/**
 * Whether a wire name has a label holding '.' or NUL, which a protected name must not.
 * @param w: the name, wire format.
 * @return: 1 if it has.
 */
static int
wire_has_odd_byte(const uint8_t* w)
{
	for(; *w; w += *w + 1)
		if(memchr(w + 1, '.', *w) || memchr(w + 1, 0, *w))
			return 1;
	return 0;
}

/**
 * Keep a copy of a string in the policy's blocks.
 * @param p: the policy.
 * @param str: the string.
 * @return: the copy, valid as long as the policy; NULL if out of memory.
 */
static char*
policy_strdup(struct tg_policy* p, const char* str)
{
	size_t len = strlen(str) + 1, size;
	struct tg_strblock* b = p->strings;
	char* out;
	if(!b || b->size - b->used < len) {
		size = len > TG_STRBLOCK_SIZE ? len : TG_STRBLOCK_SIZE;
		if(!(b = malloc(sizeof(*b) + size)))
			return NULL;
		b->next = p->strings;
		b->used = 0;
		b->size = size;
		p->strings = b;
	}
	out = b->text + b->used;
	memcpy(out, str, len);
	b->used += len;
	return out;
}

/**
 * Copy a declaration into a new rule.
 * @param p: the policy, which keeps the rule's strings.
 * @param r: the rule, uninitialised.
 * @param d: the declaration.
 * @param file: the interned file name.
 * @param line: the line.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
rule_fill(struct tg_policy* p, struct tg_rule* r, const struct tg_decl* d, const char* file,
	int line)
{
	memset(r, 0, sizeof(*r));
	r->protect = d->protect;
	r->action = d->action;
	r->qtypes = d->qtypes;
	r->file = file;
	r->line = line;
	if(!(r->name = policy_strdup(p, d->text)))
		return TG_ERR_NOMEM;
	if((d->seen & TG_KEY_REASON) && !(r->reason = policy_strdup(p, d->reason)))
		return TG_ERR_NOMEM;
	return TG_OK;
}

/** bytes a handed name takes in a batch */
#define TG_HANDED_SIZE(wire_len) \
	((sizeof(struct tg_handed) + (size_t)(wire_len) + 7) & ~(size_t)7)

/**
 * Add a name to the matcher, saying in the error which name and where it was declared.
 * @param m: the matcher.
 * @param h: the name, its wire form after it.
 * @param name: the name in comparison form.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
matcher_add(struct tg_matcher* m, const struct tg_handed* h, const struct tg_name* name,
	struct tg_error* err)
{
	char text[TG_PRESENT_MAX];
	enum tg_err r = h->protect ? tg_matcher_add_protected(m, name, h->id) :
		tg_matcher_add_allowed(m, name, h->id);
	if(r == TG_OK)
		return TG_OK;
	tg_name_present(text, name, 0);
	if(r == TG_ERR_NAME)
		return tg_error_set(err, r, h->file, h->line, "%s: the matcher refuses this name",
			text);
	return tg_error_set(err, r, h->file, h->line, "%s: %s", text, tg_strerror(r));
}

/**
 * Add the names of a batch to the matcher, until one fails.
 * @param h: the helper.
 * @param b: the batch.
 */
static void
helper_batch(struct tg_helper* h, const struct tg_batch* b)
{
	const struct tg_handed* e;
	struct tg_name name;
	size_t at;
	for(at = 0; at < b->used && h->err.code == TG_OK; at += TG_HANDED_SIZE(e->wire_len)) {
		e = (const struct tg_handed*)(const void*)(b->data + at);
		/* the loader made it from this wire form: it converts again */
		(void)tg_name_from_wire(&name, (const uint8_t*)(e + 1), e->wire_len);
		(void)matcher_add(h->m, e, &name, &h->err);
	}
}

/**
 * The helper thread: add the batches given to the matcher, until the loader is done.
 * @param arg: the helper.
 * @return: NULL.
 */
static void*
helper_run(void* arg)
{
	struct tg_helper* h = (struct tg_helper*)arg;
	pthread_mutex_lock(&h->lock);
	for(;;) {
		while(h->taken == h->given && !h->done)
			pthread_cond_wait(&h->cond, &h->lock);
		if(h->taken == h->given)
			break;
		pthread_mutex_unlock(&h->lock);
		helper_batch(h, &h->batch[h->taken % TG_HANDOFF_BATCHES]);
		pthread_mutex_lock(&h->lock);
		h->taken++;
		pthread_cond_signal(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/**
 * Give the batch being filled to the helper, and wait for room for the next one.
 * @param h: the helper.
 * @return: TG_OK, or the code of the helper's error: reading on is then of no use.
 */
static enum tg_err
helper_give(struct tg_helper* h)
{
	enum tg_err r;
	pthread_mutex_lock(&h->lock);
	h->given++;
	pthread_cond_signal(&h->cond);
	while(h->given - h->taken == TG_HANDOFF_BATCHES)
		pthread_cond_wait(&h->cond, &h->lock);
	r = h->err.code;
	pthread_mutex_unlock(&h->lock);
	h->batch[h->given % TG_HANDOFF_BATCHES].used = 0;
	return r;
}

/**
 * Start the helper thread.
 * @param ld: the loader.
 * @return: TG_OK, or TG_ERR_NOMEM if there is no thread (the loader adds the names itself).
 */
static enum tg_err
helper_start(struct tg_loader* ld)
{
	struct tg_helper* h = calloc(1, sizeof(*h));
	if(!h)
		return TG_ERR_NOMEM;
	h->m = ld->p->matcher;
	if(pthread_mutex_init(&h->lock, NULL) != 0) {
		free(h);
		return TG_ERR_NOMEM;
	}
	if(pthread_cond_init(&h->cond, NULL) != 0 ||
		pthread_create(&h->thread, NULL, &helper_run, h) != 0) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return TG_ERR_NOMEM;
	}
	ld->helper = h;
	return TG_OK;
}

/**
 * Give the helper the last names, wait for it to end and free it. Its error, if it had one,
 * is about a name read before anything the loader could have failed on, so it comes first.
 * @param ld: the loader.
 * @param r: the loader's result so far.
 * @return: r, or the helper's error.
 */
static enum tg_err
helper_stop(struct tg_loader* ld, enum tg_err r)
{
	struct tg_helper* h = ld->helper;
	if(!h)
		return r;
	pthread_mutex_lock(&h->lock);
	if(h->batch[h->given % TG_HANDOFF_BATCHES].used)
		h->given++;
	h->done = 1;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	if(h->err.code != TG_OK) {
		*ld->err = h->err;
		r = h->err.code;
	}
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
	ld->helper = NULL;
	return r;
}

/**
 * Add a declared name to the matcher: here, or by the helper thread.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param id: its rule's index.
 * @return: TG_OK or the error; the helper's error is only signalled by its code here,
 *	helper_stop() puts it in the loader's error.
 */
static enum tg_err
rule_match(struct tg_zone* z, int line, const struct tg_decl* d, uint32_t id)
{
	struct tg_helper* h = z->ld->helper;
	struct tg_batch* b;
	struct tg_handed local, *e = &local;
	size_t wl = d->name.len + 2 - (d->name.labels == 0);
	enum tg_err r = TG_OK;
	if(h) {
		b = &h->batch[h->given % TG_HANDOFF_BATCHES];
		if(b->used + TG_HANDED_SIZE(wl) > TG_HANDOFF_BYTES &&
			(r = helper_give(h)) != TG_OK)
			return r;
		b = &h->batch[h->given % TG_HANDOFF_BATCHES];
		e = (struct tg_handed*)(void*)(b->data + b->used);
		b->used += TG_HANDED_SIZE(wl);
		memcpy(e + 1, d->wire, wl);
	}
	e->file = z->file;
	e->id = id;
	e->line = line;
	e->protect = (uint8_t)d->protect;
	e->wire_len = (uint8_t)wl;
	return h ? TG_OK : matcher_add(z->ld->p->matcher, e, &d->name, z->ld->err);
}

/**
 * Add a declaration to the policy: a new rule, in the duplicate table and the matcher.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param slot: the empty slot of the duplicate table where its name goes.
 * @return: TG_OK or the error.
 */
static enum tg_err
rule_add(struct tg_zone* z, int line, const struct tg_decl* d, struct tg_slot* slot)
{
	struct tg_loader* ld = z->ld;
	struct tg_policy* p = ld->p;
	uint32_t id = (uint32_t)p->count;
	enum tg_err r;
	if((r = rules_grow(ld)) != TG_OK)
		return r;
	p->count++;
	if(rule_fill(p, &p->rules[id], d, z->file, line) != TG_OK)
		return zerr(z, line, TG_ERR_NOMEM, "out of memory");
	slot->rule = id + 1;
	slot->hash = d->hash;
	if((r = rule_match(z, line, d, id)) != TG_OK)
		return r;
	if(d->protect)
		p->protected_count++;
	if(p->count * 2 > ld->slots)
		return slots_grow(ld);
	return TG_OK;
}

/**
 * Finish the pending declaration, if any: check that its name is new, and add its rule.
 * Called before anything else of the next record, and at the end of the file, so that its
 * error comes first.
 * @param z: the zone.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_settle(struct tg_zone* z)
{
	struct tg_decl* d = &z->pending;
	struct tg_slot* slot;
	int line = z->pending_line;
	if(!line)
		return TG_OK;
	z->pending_line = 0;
	slot = slot_find(z->ld, d->text, d->hash);
	if(slot->rule) {
		const struct tg_rule* first = &z->ld->p->rules[slot->rule - 1];
		return zerr(z, line, TG_ERR_INVALID, "%s already declared at %s:%d", d->text,
			first->file, first->line);
	}
	if(d->protect && wire_has_odd_byte(d->wire))
		return zerr(z, line, TG_ERR_NAME, "protected name %s has a '.' or NUL byte inside "
			"a label", d->text);
	if(z->pending_rs != TG_OK)
		return z->pending_rs;
	return rule_add(z, line, d, slot);
}

/**
 * Read a TXT record: one protected or allowed name. Its duplicate check and its rule wait
 * for zone_settle(): the slot of the duplicate table, far from the caches, is fetched now
 * and read after ldns has read the next record.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_txt(struct tg_zone* z, const ldns_rr* rr, int line)
{
	struct tg_decl* d = &z->pending;
	enum tg_err r;
	/* d is big: its parts are filled as they are read, not cleared first */
	d->protect = 0;
	d->seen = 0;
	memset(&d->qtypes, 0, sizeof(d->qtypes));
	z->rule_seen = 1;
	if((r = decl_owner(z, rr, line, d)) != TG_OK)
		return r;
	d->hash = name_hash(d->text);
	TG_PREFETCH(&z->ld->slot[d->hash & (z->ld->slots - 1)]);
	/* an error in the strings comes after the duplicate check's */
	z->pending_rs = decl_strings(z, rr, line, d);
	z->pending_line = line;
	return TG_OK;
}

/**
 * Read the SOA record: its owner is the apex of the file.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_soa(struct tg_zone* z, const ldns_rr* rr, int line)
{
	if(z->apex)
		return zerr(z, line, TG_ERR_INVALID, "second SOA record (the first is at line %d)",
			z->soa_line);
	if(z->rule_seen)
		return zerr(z, line, TG_ERR_INVALID, "SOA record after the first TXT record; "
			"the SOA must come first, it sets the apex");
	if(!(z->apex = ldns_rdf_clone(ldns_rr_owner(rr))))
		return zerr(z, line, TG_ERR_NOMEM, "out of memory");
	z->soa_line = line;
	if(!z->origin_set) {
		/* like ldns_zone_new_frm_fp(): relative names are under the SOA */
		ldns_rdf* o = ldns_rdf_clone(z->apex);
		if(!o)
			return zerr(z, line, TG_ERR_NOMEM, "out of memory");
		ldns_rdf_deep_free(z->origin);
		z->origin = o;
	}
	return TG_OK;
}

/**
 * Act on one record.
 * @param z: the zone.
 * @param rr: the record.
 * @param line: its line.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_record(struct tg_zone* z, const ldns_rr* rr, int line)
{
	char o[TG_DNAME_TEXT_MAX];
	char* type;
	switch(ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_SOA:
		return zone_soa(z, rr, line);
	case LDNS_RR_TYPE_NS:
		return TG_OK;
	case LDNS_RR_TYPE_TXT:
		return zone_txt(z, rr, line);
	default:
		break;
	}
	dname_text(ldns_rr_owner(rr), o);
	type = ldns_rr_type2str(ldns_rr_get_type(rr));
	zerr(z, line, TG_ERR_INVALID, "%s record at %s: only SOA, NS and TXT records are "
		"allowed", type ? type : "unknown", o);
	free(type);
	return TG_ERR_INVALID;
}

/**
 * Skip to the end of the line.
 * @param z: the zone.
 * @return: 0 at the end of the file.
 */
static int
zone_skip_line(struct tg_zone* z)
{
	int c;
	while((c = getc(z->fp)) != EOF)
		if(c == '\n') {
			z->line++;
			return 1;
		}
	return 0;
}

/**
 * Skip blank and comment lines, so that z->line is the line the next record starts on. A line
 * that starts with white space and has more may be a record that leaves out its owner: the file
 * is put back to its start.
 * @param z: the zone.
 * @return: 1 if a record follows, 0 at the end of the file.
 */
static int
zone_skip_blank(struct tg_zone* z)
{
	long start;
	int c;
	while((c = getc(z->fp)) != EOF) {
		if(c == '\n') {
			z->line++;
			continue;
		}
		if(c == ';') {
			if(!zone_skip_line(z))
				return 0;
			continue;
		}
		if(c != ' ' && c != '\t' && c != '\r')
			return ungetc(c, z->fp) != EOF;
		if((start = ftell(z->fp) - 1) < 0)
			return ungetc(c, z->fp) != EOF;
		while((c = getc(z->fp)) == ' ' || c == '\t' || c == '\r')
			;
		if(c == EOF)
			return 0;
		if(c == '\n')
			z->line++;
		else if(c == ';') {
			if(!zone_skip_line(z))
				return 0;
		} else
			return fseek(z->fp, start, SEEK_SET) == 0;
	}
	return 0;
}

/**
 * Act on what ldns read: a record, a directive or an error.
 * @param z: the zone.
 * @param s: ldns's status.
 * @param rr: the record if s is LDNS_STATUS_OK.
 * @param line: the line it started on.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_status(struct tg_zone* z, ldns_status s, const ldns_rr* rr, int line)
{
	enum tg_err r;
	if((r = zone_settle(z)) != TG_OK)
		return r;
	switch(s) {
	case LDNS_STATUS_OK:
		return zone_record(z, rr, line);
	case LDNS_STATUS_SYNTAX_EMPTY:
	case LDNS_STATUS_SYNTAX_TTL:
		return TG_OK;
	case LDNS_STATUS_SYNTAX_ORIGIN:
		z->origin_set = 1;
		return TG_OK;
	case LDNS_STATUS_SYNTAX_INCLUDE:
		return zerr(z, line, TG_ERR_SYNTAX, "$INCLUDE is not supported; list each zone "
			"file as a policy-file: instead");
	case LDNS_STATUS_MEM_ERR:
		return zerr(z, line, TG_ERR_NOMEM, "out of memory");
	default:
		return zerr(z, line, TG_ERR_SYNTAX, "%s", ldns_get_errorstr_by_id(s));
	}
}

/**
 * Read every record of an open zone file.
 * @param z: the zone, set up.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_read(struct tg_zone* z)
{
	enum tg_err r = TG_OK;
	while(r == TG_OK && zone_skip_blank(z)) {
		ldns_rr* rr = NULL;
		int line = z->line;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, z->fp, &z->ttl, &z->origin, &z->prev,
			&z->line);
		r = zone_status(z, s, rr, line);
		ldns_rr_free(rr);
	}
	if(r == TG_OK)
		r = zone_settle(z);
	if(r == TG_OK && ferror(z->fp))
		r = zerr(z, 0, TG_ERR_IO, "read error: %s", strerror(errno));
	return r;
}

/**
 * Read an open zone file into the policy.
 * @param ld: the loader.
 * @param fp: the file.
 * @param file: its name, interned.
 * @return: TG_OK or the error.
 */
static enum tg_err
zone_load(struct tg_loader* ld, FILE* fp, const char* file)
{
	struct tg_zone z;
	enum tg_err r;
	memset(&z, 0, sizeof(z));
	z.ld = ld;
	z.fp = fp;
	z.file = file;
	z.line = 1;
	z.ttl = TG_DEFAULT_TTL;
	if(!(z.origin = ldns_dname_new_frm_str("."))) {
		r = zerr(&z, 0, TG_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	r = zone_read(&z);
cleanup:
	ldns_rdf_deep_free(z.origin);
	ldns_rdf_deep_free(z.prev);
	ldns_rdf_deep_free(z.apex);
	return r;
}

/**
 * Start a load.
 * @param ld: the loader to set up.
 * @param default_qtypes: the qtypes of protected names that give none.
 * @param bytes: the size of the zone text, to size the tables; 0 if not known.
 * @param err: receives the reason on failure.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
loader_init(struct tg_loader* ld, const struct tg_qtypes* default_qtypes, size_t bytes,
	struct tg_error* err)
{
	size_t guess = bytes / TG_RECORD_BYTES_MIN;
	memset(ld, 0, sizeof(*ld));
	ld->err = err;
	ld->default_qtypes = default_qtypes;
	/* big enough for every record the files can hold: it need not grow */
	for(ld->slots = TG_SLOTS_START; ld->slots < 2 * guess &&
		ld->slots < TG_SLOTS_GUESS_MAX; ld->slots *= 2)
		;
	if(!(ld->p = calloc(1, sizeof(*ld->p))) ||
		!(ld->p->matcher = tg_matcher_new(guess)) ||
		!(ld->slot = slots_alloc(ld->slots)))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	return TG_OK;
}

/**
 * End a load: on success build the matcher and hand out the policy, else free it.
 * @param ld: the loader.
 * @param r: the result so far.
 * @param out: receives the policy on success, else NULL.
 * @return: r, or the error of building the matcher.
 */
static enum tg_err
loader_end(struct tg_loader* ld, enum tg_err r, struct tg_policy** out)
{
	struct tg_rule* shrunk;
	free(ld->slot);
	*out = NULL;
	r = helper_stop(ld, r);
	if(r == TG_OK && (r = tg_matcher_finish(ld->p->matcher)) != TG_OK)
		tg_error_set(ld->err, r, NULL, 0, "building the matcher: %s", tg_strerror(r));
	if(r != TG_OK) {
		tg_policy_free(ld->p);
		return r;
	}
	if(ld->p->count && ld->p->count < ld->rules_room &&
		(shrunk = realloc(ld->p->rules, ld->p->count * sizeof(*shrunk))))
		ld->p->rules = shrunk;
	*out = ld->p;
	return TG_OK;
}

/**
 * Read one zone file into the policy.
 * @param ld: the loader.
 * @param path: the file.
 * @return: TG_OK or the error.
 */
static enum tg_err
load_file(struct tg_loader* ld, const char* path)
{
	const char* file;
	enum tg_err r;
	FILE* fp;
	size_t i;
	for(i = 0; i < ld->p->file_count; i++)
		if(strcmp(ld->p->files[i], path) == 0)
			return tg_error_set(ld->err, TG_ERR_INVALID, path, 0, "listed twice");
	if(!(fp = fopen(path, "r")))
		return tg_error_set(ld->err, TG_ERR_IO, path, 0, "%s", strerror(errno));
	(void)setvbuf(fp, NULL, _IOFBF, TG_ZONE_BUFFER);
#ifdef __GLIBC__
	/* only this thread reads the file: spare ldns's getc calls the stream's lock */
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);
#endif
	if((r = intern_file(ld, path, &file)) == TG_OK)
		r = zone_load(ld, fp, file);
	fclose(fp);
	return r;
}

/** what a NULL default_qtypes stands for */
static const struct tg_qtypes tg_qtypes_fallback = { { LDNS_RR_TYPE_MX, LDNS_RR_TYPE_A,
	LDNS_RR_TYPE_AAAA }, 3 };

enum tg_err
tg_policy_load(const char* const* files, size_t nfiles,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err)
{
	struct tg_loader ld;
	enum tg_err r;
	size_t i;
	struct stat st;
	off_t bytes = 0;
	for(i = 0; i < nfiles; i++)
		if(stat(files[i], &st) == 0)
			bytes += st.st_size;
	r = loader_init(&ld, default_qtypes ? default_qtypes : &tg_qtypes_fallback,
		(size_t)bytes, err);
	/* without a thread the names are simply added here */
	if(r == TG_OK && bytes >= TG_HELPER_BYTES)
		(void)helper_start(&ld);
	for(i = 0; i < nfiles && r == TG_OK; i++)
		r = load_file(&ld, files[i]);
	return loader_end(&ld, r, out);
}

enum tg_err
tg_policy_load_string(const char* text, const char* label,
	const struct tg_qtypes* default_qtypes, struct tg_policy** out, struct tg_error* err)
{
	struct tg_loader ld;
	const char* file;
	FILE* fp = NULL;
	size_t len = strlen(text);
	enum tg_err r;
	r = loader_init(&ld, default_qtypes ? default_qtypes : &tg_qtypes_fallback, len, err);
	if(r != TG_OK || (r = intern_file(&ld, label, &file)) != TG_OK || len == 0)
		goto cleanup;
	if(!(fp = fmemopen((void*)text, len, "r"))) {
		r = tg_error_set(err, TG_ERR_IO, label, 0, "%s", strerror(errno));
		goto cleanup;
	}
	r = zone_load(&ld, fp, file);
cleanup:
	if(fp)
		fclose(fp);
	return loader_end(&ld, r, out);
}

size_t
tg_policy_memory(const struct tg_policy* p)
{
	const struct tg_strblock* b;
	size_t i, n;
	if(!p)
		return 0;
	n = sizeof(*p) + p->count * sizeof(*p->rules) + p->file_count * sizeof(*p->files);
	for(b = p->strings; b; b = b->next)
		n += sizeof(*b) + b->size;
	for(i = 0; i < p->file_count; i++)
		n += strlen(p->files[i]) + 1;
	return n + tg_matcher_memory(p->matcher);
}

void
tg_policy_free(struct tg_policy* p)
{
	size_t i;
	if(!p)
		return;
	while(p->strings) {
		struct tg_strblock* next = p->strings->next;
		free(p->strings);
		p->strings = next;
	}
	free(p->rules);
	for(i = 0; i < p->file_count; i++)
		free(p->files[i]);
	free(p->files);
	tg_matcher_free(p->matcher);
	free(p);
}
