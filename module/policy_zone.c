/* module/policy_zone.c - read a zone file's records, one rule for each TXT declaration. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The zone syntax is ldns's business: every record is read with ldns_rr_new_frm_fp_l(), which
 * also follows $ORIGIN and $TTL. This file only skips blank and comment lines between records
 * itself, so that it knows the line each record starts on.
 */

#include "tgconfig.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "policy_int.h"

/** longest label, in bytes */
#define TG_LABEL_BYTES_MAX 63
/** bytes of a refused name or string quoted in a message */
#define TG_QUOTE_MAX 20
/** bytes of a record's first line read again to say what ldns refused in it */
#define TG_RECORD_TEXT_MAX 4096
/** TTL ldns gives records before any $TTL line; typoguard does not use TTLs */
#define TG_DEFAULT_TTL 3600
/** rules room allocated first, doubled when full */
#define TG_RULES_START 64

/** bytes of a block of rule strings; a longer string gets a block of its own. Blocks this
 * big are mapped by malloc apart from its heap, where ldns takes and gives back some 100 KiB
 * for every record: blocks among those would make the heap's top grow and shrink, a system
 * call each time */
#define TG_STRBLOCK_SIZE (1024 * 1024)

#ifdef __GNUC__
/** start loading a cache line that will be read soon */
#define TG_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define TG_PREFETCH(p) ((void)(p))
#endif

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
	r->lookalikes = d->protect && d->lookalikes;
	r->file = file;
	r->line = line;
	if(!(r->name = policy_strdup(p, d->text)))
		return TG_ERR_NOMEM;
	if((d->seen & TG_KEY_REASON) && !(r->reason = policy_strdup(p, d->reason)))
		return TG_ERR_NOMEM;
	return TG_OK;
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
		return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	slot->rule = id + 1;
	slot->hash = d->hash;
	if((r = tg_rule_match(z, line, d, id)) != TG_OK)
		return r;
	if(d->protect)
		p->protected_count++;
	if(d->protect && d->lookalikes)
		p->lookalike_count++;
	if(d->action != TG_ACTION_LOG)
		p->blocking_count++;
	if(p->count * 2 > ld->slots)
		return tg_dup_grow(ld);
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
	int line = z->pending_line, host = 0;
	if(!line)
		return TG_OK;
	z->pending_line = 0;
	slot = tg_dup_find(z->ld, d->text, d->hash);
	if(slot->rule) {
		const struct tg_rule* first = &z->ld->p->rules[slot->rule - 1];
		return tg_zone_error(z, line, TG_ERR_INVALID, "%s already declared at %s:%d", d->text,
			first->file, first->line);
	}
	if(d->protect && tg_wire_has_odd_byte(d->wire))
		return tg_zone_error(z, line, TG_ERR_NAME, "protected name %s has a '.' or NUL byte inside "
			"a label", d->text);
	if(d->protect && (host = tg_wire_host_name(d->wire)) == 2)
		return tg_zone_error(z, line, TG_ERR_NAME, "protected name %s is an IDN written in "
			"UTF-8: refused, write its A-label (xn--...), the form resolvers are asked",
			d->text);
	if(d->protect && host)
		return tg_zone_error(z, line, TG_ERR_NAME, "protected name %s is not a host name: "
			"a label may hold only letters, digits and hyphens", d->text);
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
	if((r = tg_decl_owner(z, rr, line, d)) != TG_OK)
		return r;
	d->hash = tg_dup_hash(d->text);
	TG_PREFETCH(&z->ld->slot[d->hash & (z->ld->slots - 1)]);
	/* an error in the strings comes after the duplicate check's */
	z->pending_rs = tg_decl_strings(z, rr, line, d);
	z->pending_line = line;
	return TG_OK;
}

/**
 * Keep the SOA serial of the file being read, for the events.
 * @param z: the zone.
 * @param rr: the SOA record.
 */
static void
zone_serial(struct tg_zone* z, const ldns_rr* rr)
{
	struct tg_policy* p = z->ld->p;
	ldns_rdf* serial = ldns_rr_rdf(rr, 2);
	size_t i;
	if(!serial || ldns_rdf_get_type(serial) != LDNS_RDF_TYPE_INT32)
		return;
	for(i = 0; i < p->file_count; i++)
		if(p->files[i] == z->file)
			p->serials[i] = ldns_rdf2native_int32(serial);
}

/**
 * Keep the SOA record of a file in the policy, in wire format, for negative answers.
 * @param z: the zone.
 * @param rr: the SOA record.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
zone_keep_soa(struct tg_zone* z, const ldns_rr* rr)
{
	struct tg_policy* p = z->ld->p;
	ldns_buffer* b = ldns_buffer_new(256);
	ldns_rdf* owner = ldns_rr_owner(rr);
	ldns_rdf* min = ldns_rr_rdf(rr, 6);
	struct tg_soa* s = NULL;
	enum tg_err r = TG_ERR_NOMEM;
	if(!b || ldns_rr_rdata2buffer_wire(b, rr) != LDNS_STATUS_OK || !min ||
		!(s = calloc(1, sizeof(*s))) ||
		!(s->owner = malloc(ldns_rdf_size(owner))) ||
		!(s->rdata = malloc(ldns_buffer_position(b))))
		goto cleanup;
	s->file = z->file;
	s->owner_len = ldns_rdf_size(owner);
	memcpy(s->owner, ldns_rdf_data(owner), s->owner_len);
	s->rdata_len = ldns_buffer_position(b);
	memcpy(s->rdata, ldns_buffer_begin(b), s->rdata_len);
	s->minimum = ldns_rdf2native_int32(min);
	s->next = p->soas;
	p->soas = s;
	s = NULL;
	r = TG_OK;
cleanup:
	if(s) {
		free(s->owner);
		free(s);
	}
	ldns_buffer_free(b);
	return r;
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
		return tg_zone_error(z, line, TG_ERR_INVALID, "second SOA record (the first is at line %d)",
			z->soa_line);
	if(z->rule_seen)
		return tg_zone_error(z, line, TG_ERR_INVALID, "SOA record after the first TXT record; "
			"the SOA must come first, it sets the apex");
	if(!(z->apex = ldns_rdf_clone(ldns_rr_owner(rr))))
		return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	z->soa_line = line;
	zone_serial(z, rr);
	if(zone_keep_soa(z, rr) != TG_OK)
		return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	if(!z->origin_set) {
		/* like ldns_zone_new_frm_fp(): relative names are under the SOA */
		ldns_rdf* o = ldns_rdf_clone(z->apex);
		if(!o)
			return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
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
	tg_dname_text(ldns_rr_owner(rr), o);
	type = ldns_rr_type2str(ldns_rr_get_type(rr));
	tg_zone_error(z, line, TG_ERR_INVALID, "%s record at %s: only SOA, NS and TXT records are "
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
 * Count the bytes of a name's labels in presentation form, as far as a blank: say the first
 * label that is empty or longer than a label may be, or a name longer than a name may be.
 * @param s: the name; "\\X" and "\\DDD" are one byte.
 * @param why: receives what is wrong.
 * @param size: room at why.
 * @return: 1 if something is wrong.
 */
static int
owner_problem(const char* s, char* why, size_t size)
{
	size_t label = 0, wire = 1;
	const char* start = s;
	for(; *s && !strchr(" \t\r\n", *s); s++) {
		if(*s == '.') {
			if(label == 0 && !(s == start && strchr(" \t\r\n", s[1])))
				return snprintf(why, size, "an empty label in the owner \"%.*s\"",
					(int)strcspn(start, " \t\r\n"), start) > 0;
			wire += label + 1;
			label = 0;
			continue;
		}
		if(*s == '\\' && s[1]) {
			s += (isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
				isdigit((unsigned char)s[3])) ? 3 : 1;
		}
		if(++label == TG_LABEL_BYTES_MAX + 1)
			return snprintf(why, size, "a label of more than %d bytes at \"%.*s...\"",
				TG_LABEL_BYTES_MAX, TG_QUOTE_MAX, start) > 0;
	}
	if(label)
		wire += label + 1;
	if(wire > TG_WIRE_MAX)
		return snprintf(why, size, "a name of more than %d bytes", TG_WIRE_MAX) > 0;
	return 0;
}

/**
 * Find a quoted string longer than a TXT character-string may be.
 * @param s: the record's text.
 * @param why: receives what is wrong.
 * @param size: room at why.
 * @return: 1 if there is one.
 */
static int
string_problem(const char* s, char* why, size_t size)
{
	const char* open;
	size_t n;
	while((open = strchr(s, '"'))) {
		for(s = open + 1, n = 0; *s && *s != '"'; s++, n++)
			if(*s == '\\' && s[1])
				s += (isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
					isdigit((unsigned char)s[3])) ? 3 : 1;
		if(n > TG_STR_MAX - 1)
			return snprintf(why, size, "a string of %zu bytes, longer than the %d a TXT "
				"string may have: \"%.*s...\"", n, TG_STR_MAX - 1, TG_QUOTE_MAX,
				open + 1) > 0;
		if(!*s)
			break;
		s++;
	}
	return 0;
}

/**
 * Fill the error for a record ldns refused, saying what in it is wrong when it is a name
 * or a string too long or an empty label; ldns's message says only where it gave up.
 * @param z: the zone; rr_start is where the record starts.
 * @param line: the line it starts on.
 * @param s: ldns's status.
 * @return: TG_ERR_SYNTAX.
 */
static enum tg_err
zone_syntax(struct tg_zone* z, int line, ldns_status s)
{
	char text[TG_RECORD_TEXT_MAX], why[TG_ERRMSG_MAX / 2];
	const char* ldns = ldns_get_errorstr_by_id(s);
	int found = 0;
	if(z->rr_start >= 0 && fseek(z->fp, z->rr_start, SEEK_SET) == 0 &&
		fgets(text, sizeof(text), z->fp)) {
		if(!strchr(" \t", text[0]) && owner_problem(text, why, sizeof(why)))
			found = 1;
		else if(string_problem(text, why, sizeof(why)))
			found = 1;
	}
	if(!found)
		return tg_zone_error(z, line, TG_ERR_SYNTAX, "%s", ldns);
	return tg_zone_error(z, line, TG_ERR_SYNTAX, "%s: %s", ldns, why);
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
		return tg_zone_error(z, line, TG_ERR_SYNTAX, "$INCLUDE is not supported; list each zone "
			"file as a policy-file: instead");
	case LDNS_STATUS_MEM_ERR:
		return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	default:
		return zone_syntax(z, line, s);
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
		ldns_status s;
		z->rr_start = ftell(z->fp);
		s = ldns_rr_new_frm_fp_l(&rr, z->fp, &z->ttl, &z->origin, &z->prev, &z->line);
		r = zone_status(z, s, rr, line);
		ldns_rr_free(rr);
	}
	if(r == TG_OK)
		r = zone_settle(z);
	if(r == TG_OK && ferror(z->fp))
		r = tg_zone_error(z, 0, TG_ERR_IO, "read error: %s", strerror(errno));
	return r;
}

/**
 * Whether a file starts with a UTF-8 byte-order mark, which ldns would take as part of the
 * first owner; the file is put back to its start.
 * @param fp: the file, at its start.
 * @return: 1 if it does.
 */
static int
zone_has_bom(FILE* fp)
{
	unsigned char b[3];
	int bom = fread(b, 1, 3, fp) == 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf;
	rewind(fp);
	return bom;
}

enum tg_err
tg_zone_load(struct tg_loader* ld, FILE* fp, const char* file)
{
	struct tg_zone z;
	enum tg_err r;
	memset(&z, 0, sizeof(z));
	z.ld = ld;
	z.fp = fp;
	z.file = file;
	z.line = 1;
	z.ttl = TG_DEFAULT_TTL;
	if(!(z.origin = ldns_dname_new_frm_str(".")) ||
		!(z.label_protect = ldns_dname_new_frm_str(TG_LABEL_PROTECT)) ||
		!(z.label_allow = ldns_dname_new_frm_str(TG_LABEL_ALLOW))) {
		r = tg_zone_error(&z, 0, TG_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if(zone_has_bom(fp)) {
		r = tg_zone_error(&z, 1, TG_ERR_SYNTAX, "the file starts with a UTF-8 byte-order "
			"mark; save it without one");
		goto cleanup;
	}
	r = zone_read(&z);
cleanup:
	ldns_rdf_deep_free(z.origin);
	ldns_rdf_deep_free(z.prev);
	ldns_rdf_deep_free(z.apex);
	ldns_rdf_deep_free(z.label_protect);
	ldns_rdf_deep_free(z.label_allow);
	return r;
}
