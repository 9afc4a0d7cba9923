/* module/policy_decl.c - what one TXT record declares: its name and its key=value strings. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * One TXT record declares one name. Its strings each hold one key=value pair; the value is all
 * of the string after the first '=', spaces included ("reason=legitimate site",
 * "qtypes=MX A AAAA"). An empty string says nothing ("x.allow TXT \"\"" allows x with no
 * reason). A second record for the same name, in any file, is an error: write one record with
 * several strings, in parentheses across lines if need be.
 */

#include "tgconfig.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ldns/ldns.h>
#include "policy_int.h"

/** room for the text of one query type: "TYPE65535" and a NUL */
#define TG_QTYPE_TEXT_MAX 16

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

enum tg_err
tg_zone_error(struct tg_zone* z, int line, enum tg_err code, const char* fmt, ...)
{
	char msg[TG_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tg_error_set(z->ld->err, code, z->file, line, "%s", msg);
}

void
tg_dname_text(const ldns_rdf* d, char* out)
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
	case TG_ACTION_NULLMX: return "nullmx";
	}
	return "unknown";
}

/**
 * Make the forms of a declared name from the lowercased owner.
 * @param z: the zone.
 * @param line: the record's line.
 * @param low: the owner, lowercased by ldns_dname2canonical().
 * @param len: the number of bytes of the name part, the labels left of .protect/.allow.
 * @param d: receives wire, name and text.
 * @return: TG_OK or the error.
 */
static enum tg_err
decl_name(struct tg_zone* z, int line, const ldns_rdf* low, size_t len, struct tg_decl* d)
{
	memcpy(d->wire, ldns_rdf_data(low), len);
	d->wire[len] = 0;
	if(tg_name_from_wire(&d->name, d->wire, len + 1) != TG_OK)
		return tg_zone_error(z, line, TG_ERR_NAME, "malformed name in the owner");
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
	tg_dname_text(owner, o);
	tg_dname_text(apex, a);
	return tg_zone_error(z, line, TG_ERR_INVALID, "owner %s %s %s", o, why, a);
}

/**
 * Read what an owner below the apex declares: its .protect/.allow label and its name part.
 * @param z: the zone.
 * @param line: the record's line.
 * @param owner: the owner.
 * @param apex: the apex in force.
 * @param low: the owner, lowercased by ldns_dname2canonical().
 * @param d: receives protect, wire, name and text.
 * @return: TG_OK or the error.
 */
static enum tg_err
decl_below(struct tg_zone* z, int line, const ldns_rdf* owner, const ldns_rdf* apex,
	const ldns_rdf* low, struct tg_decl* d)
{
	size_t mark = (size_t)ldns_dname_label_count(low) - ldns_dname_label_count(apex) - 1;
	/* the label left of the apex, as a name of its own: "protect." */
	ldns_rdf* label = ldns_dname_label(low, (uint8_t)mark);
	enum tg_err r = TG_OK;
	if(!label)
		return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	if(ldns_rdf_compare(label, z->label_protect) == 0)
		d->protect = 1;
	else if(ldns_rdf_compare(label, z->label_allow) == 0)
		d->protect = 0;
	else
		r = owner_error(z, line, owner, apex, "is not <name>." TG_LABEL_PROTECT
			" or <name>." TG_LABEL_ALLOW " under the apex");
	if(r == TG_OK && mark == 0)
		r = owner_error(z, line, owner, apex, "has no name before its ."
			TG_LABEL_PROTECT " or ." TG_LABEL_ALLOW " label under the apex");
	/* the name part is what the label and the apex leave of the owner (the label's rdf
	 * has the root after it) */
	if(r == TG_OK)
		r = decl_name(z, line, low, ldns_rdf_size(low) - ldns_rdf_size(apex) -
			(ldns_rdf_size(label) - 1), d);
	ldns_rdf_deep_free(label);
	return r;
}

enum tg_err
tg_decl_owner(struct tg_zone* z, const ldns_rr* rr, int line, struct tg_decl* d)
{
	const ldns_rdf* owner = ldns_rr_owner(rr);
	const ldns_rdf* apex = z->apex ? z->apex : z->origin;
	ldns_rdf *low, *top = NULL;
	size_t n = ldns_dname_label_count(owner), na = ldns_dname_label_count(apex);
	enum tg_err r;
	if(n <= na)
		return owner_error(z, line, owner, apex, "is not below the apex");
	/* one lowercase copy (ldns_dname2canonical: ASCII only, the library never sets a
	 * locale) serves the apex's comparison, the label's and the name part. The owner's
	 * tail is compared with ldns_dname_compare() rather than by ldns_dname_is_subdomain(),
	 * which clones both names and every label of the apex for each record of what can be
	 * a million, and reports running out of memory as "not below" */
	if(!(low = ldns_rdf_clone(owner)))
		return tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	ldns_dname2canonical(low);
	if(!(top = ldns_dname_clone_from(low, (uint16_t)(n - na))))
		r = tg_zone_error(z, line, TG_ERR_NOMEM, "out of memory");
	else if(ldns_dname_compare(top, apex) != 0)
		r = owner_error(z, line, owner, apex, "is not below the apex");
	else
		r = decl_below(z, line, owner, apex, low, d);
	ldns_rdf_deep_free(top);
	ldns_rdf_deep_free(low);
	return r;
}

/**
 * Take action=log|nxdomain|nullmx.
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
		return tg_zone_error(z, line, TG_ERR_INVALID, "%s: action= is only for protected names",
			d->text);
	if(strcasecmp(v, "log") == 0)
		d->action = TG_ACTION_LOG;
	else if(strcasecmp(v, "nxdomain") == 0)
		d->action = TG_ACTION_NXDOMAIN;
	else if(strcasecmp(v, "nullmx") == 0)
		d->action = TG_ACTION_NULLMX;
	else {
		printable(t, sizeof(t), v);
		return tg_zone_error(z, line, TG_ERR_INVALID,
			"%s: action=%s: expected log, nxdomain or nullmx%s",
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
		return tg_zone_error(z, line, TG_ERR_INVALID, "%s: qtypes= is only for protected names",
			d->text);
	if((r = tg_qtypes_parse(v, &d->qtypes)) == TG_OK)
		return TG_OK;
	printable(t, sizeof(t), v);
	if(r == TG_ERR_LIMIT)
		return tg_zone_error(z, line, r, "%s: qtypes=%s: more than %d query types", d->text, t,
			TG_QTYPES_MAX);
	while(next_word(&s, tok, sizeof(tok)))
		if(!qtype_from_str(tok)) {
			printable(tok, sizeof(tok), tok);
			return tg_zone_error(z, line, r, "%s: qtypes=%s: unknown query type %s%s", d->text,
				t, tok, strchr(tok, '=') ? " (one key=value per string)" : "");
		}
	return tg_zone_error(z, line, r, "%s: qtypes= names no query type", d->text);
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

/**
 * Take lookalikes=yes|no: whether lookalikes of a protected name are flagged too.
 * @param z: the zone.
 * @param line: the record's line.
 * @param d: the declaration.
 * @param v: the value.
 * @return: TG_OK or the error.
 */
static enum tg_err
key_lookalikes(struct tg_zone* z, int line, struct tg_decl* d, const char* v)
{
	char t[TG_STR_MAX];
	if(!d->protect)
		return tg_zone_error(z, line, TG_ERR_INVALID,
			"%s: lookalikes= is only for protected names", d->text);
	if(strcasecmp(v, "yes") == 0 || strcasecmp(v, "no") == 0) {
		d->lookalikes = strcasecmp(v, "yes") == 0;
		return TG_OK;
	}
	printable(t, sizeof(t), v);
	return tg_zone_error(z, line, TG_ERR_INVALID, "%s: lookalikes=%s: expected yes or no",
		d->text, t);
}

/** the keys a TXT string may give */
static const struct tg_txt_key tg_txt_keys[] = {
	{ "action", TG_KEY_ACTION, key_action },
	{ "qtypes", TG_KEY_QTYPES, key_qtypes },
	{ "reason", TG_KEY_REASON, key_reason },
	{ "lookalikes", TG_KEY_LOOKALIKES, key_lookalikes }
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
		return tg_zone_error(z, line, TG_ERR_SYNTAX, "%s: TXT string has a NUL byte", d->text);
	memcpy(buf, s, len);
	buf[len] = 0;
	if(!(eq = strchr(buf, '='))) {
		printable(t, sizeof(t), buf);
		return tg_zone_error(z, line, TG_ERR_SYNTAX, "%s: TXT string \"%s\" is not key=value",
			d->text, t);
	}
	*eq = 0;
	for(i = 0; i < sizeof(tg_txt_keys) / sizeof(tg_txt_keys[0]); i++) {
		const struct tg_txt_key* k = &tg_txt_keys[i];
		if(strcasecmp(buf, k->name) != 0)
			continue;
		if(d->seen & k->bit)
			return tg_zone_error(z, line, TG_ERR_INVALID, "%s: %s= given twice", d->text,
				k->name);
		if(!eq[1])
			return tg_zone_error(z, line, TG_ERR_SYNTAX, "%s: %s= has no value", d->text,
				k->name);
		d->seen |= k->bit;
		return k->set(z, line, d, eq + 1);
	}
	printable(t, sizeof(t), buf);
	return tg_zone_error(z, line, TG_ERR_INVALID, "%s: unknown key \"%s\" (known: action, qtypes, "
		"reason, lookalikes)", d->text, t);
}

enum tg_err
tg_decl_strings(struct tg_zone* z, const ldns_rr* rr, int line, struct tg_decl* d)
{
	enum tg_err r = TG_OK;
	size_t i;
	d->action = TG_ACTION_LOG;
	d->lookalikes = d->protect;
	if(d->protect)
		d->qtypes = *z->ld->default_qtypes;
	for(i = 0; i < ldns_rr_rd_count(rr) && r == TG_OK; i++) {
		const ldns_rdf* f = ldns_rr_rdf(rr, i);
		const uint8_t* b = ldns_rdf_data(f);
		if(ldns_rdf_get_type(f) != LDNS_RDF_TYPE_STR || ldns_rdf_size(f) < 1 ||
			ldns_rdf_size(f) != (size_t)b[0] + 1)
			return tg_zone_error(z, line, TG_ERR_SYNTAX, "%s: malformed TXT rdata", d->text);
		r = decl_string(z, line, d, b + 1, b[0]);
	}
	return r;
}

int
tg_wire_has_odd_byte(const uint8_t* w)
{
	for(; *w; w += *w + 1)
		if(memchr(w + 1, '.', *w) || memchr(w + 1, 0, *w))
			return 1;
	return 0;
}

int
tg_wire_host_name(const uint8_t* w)
{
	int utf8 = 0;
	size_t i;
	for(; *w; w += *w + 1) {
		for(i = 1; i <= *w; i++) {
			uint8_t c = w[i];
			if(c >= 0x80)
				utf8 = 1;
			else if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				(c >= '0' && c <= '9') || c == '-'))
				return 1;
		}
	}
	return utf8 ? 2 : 0;
}
