/* module/event.c - encode a typo lookup, or the verdict on a name, as one line of JSON. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <ldns/ldns.h>
#include <libpsl.h>
#include "event.h"

/** how every line is serialised: one line, '/' not escaped */
#define TG_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/** room for an RFC 3339 UTC time with microseconds, "2026-11-28T21:30:07.123456Z" */
#define TG_TIMESTAMP_MAX 32
/** room for the presentation form of the (at most 2) bytes of an edit */
#define TG_EDIT_PRESENT_MAX 16
/** bytes a JSON escape "\uXXXX" takes */
#define TG_UESC_LEN 6

/** the public suffix list: loaded at the first event, read-only afterwards. libpsl
 * documents its lookups as thread-safe, so workers share it without a lock. */
static const psl_ctx_t* tg_psl_ctx;
/** guards the one load of tg_psl_ctx */
static pthread_once_t tg_psl_once = PTHREAD_ONCE_INIT;

/** load the newest list on the system: Debian's publicsuffix file when it is newer than
 * the list built into libpsl, else the built-in one (which needs no I/O) */
static void
tg_psl_load(void)
{
	const psl_ctx_t* p = psl_latest(NULL);
	tg_psl_ctx = p ? p : psl_builtin();
}

/** the public suffix list, or NULL if libpsl has none */
static const psl_ctx_t*
tg_psl(void);

void
tg_event_prepare(void)
{
	(void)tg_psl();
}

static const psl_ctx_t*
tg_psl(void)
{
	if(pthread_once(&tg_psl_once, tg_psl_load) != 0)
		return NULL;
	return tg_psl_ctx;
}

#ifdef __GNUC__
/** free a list loaded from file when the library is unloaded (dlclose on reload) or the
 * process ends; psl_free() ignores the built-in list */
static void tg_psl_unload(void) __attribute__((destructor));
static void
tg_psl_unload(void)
{
	psl_free((psl_ctx_t*)tg_psl_ctx);
	tg_psl_ctx = NULL;
}
#endif

const char*
tg_type_str(char* buf, uint16_t type)
{
	const ldns_rr_descriptor* d = ldns_rr_descript(type);
	static const char* const meta[] = { "IXFR", "AXFR", "MAILB", "MAILA", "ANY" };
	if(d && d->_type == type && d->_name)
		snprintf(buf, TG_MNEMONIC_MAX, "%s", d->_name);
	else if(type >= LDNS_RR_TYPE_IXFR && type <= LDNS_RR_TYPE_ANY)
		snprintf(buf, TG_MNEMONIC_MAX, "%s", meta[type - LDNS_RR_TYPE_IXFR]);
	else
		snprintf(buf, TG_MNEMONIC_MAX, "TYPE%u", (unsigned)type);
	return buf;
}

/**
 * Mnemonic from one of ldns's lookup tables, or prefix and number when it has none.
 * @param buf: receives the mnemonic, TG_MNEMONIC_MAX bytes.
 * @param table: ldns_rr_classes or ldns_rcodes.
 * @param prefix: "CLASS" or "RCODE".
 * @param id: the number.
 * @return: buf.
 */
static const char*
tg_lookup_str(char* buf, ldns_lookup_table* table, const char* prefix, int id)
{
	ldns_lookup_table* l = ldns_lookup_by_id(table, id);
	if(l && l->name)
		snprintf(buf, TG_MNEMONIC_MAX, "%s", l->name);
	else
		snprintf(buf, TG_MNEMONIC_MAX, "%s%d", prefix, id);
	return buf;
}

const char*
tg_class_str(char* buf, uint16_t rrclass)
{
	return tg_lookup_str(buf, ldns_rr_classes, "CLASS", rrclass);
}

/**
 * Add a member to an object. The key must be a string constant.
 * @param o: the object.
 * @param key: the member's name, a literal.
 * @param v: the value, or NULL (out of memory); released if it cannot be added.
 * @return: 1 on success, 0 if out of memory.
 */
static int
tg_jadd(struct json_object* o, const char* key, struct json_object* v)
{
	if(!v)
		return 0;
	if(json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
		JSON_C_OBJECT_KEY_IS_CONSTANT) != 0) {
		json_object_put(v);
		return 0;
	}
	return 1;
}

/** add a string member, or nothing when s is NULL; 0 if out of memory */
static int
tg_jadd_str(struct json_object* o, const char* key, const char* s)
{
	if(!s)
		return 1;
	return tg_jadd(o, key, json_object_new_string(s));
}

/** add an integer member; 0 if out of memory */
static int
tg_jadd_int(struct json_object* o, const char* key, int64_t i)
{
	return tg_jadd(o, key, json_object_new_int64(i));
}

/** add an empty object member, which the parent owns; NULL if out of memory */
static struct json_object*
tg_jadd_obj(struct json_object* o, const char* key)
{
	struct json_object* c = json_object_new_object();
	if(!tg_jadd(o, key, c))
		return NULL;
	return c;
}

/** append a string to an array; 0 if out of memory */
static int
tg_jpush_str(struct json_object* a, const char* s)
{
	struct json_object* v = json_object_new_string(s);
	if(!v)
		return 0;
	if(json_object_array_add(a, v) != 0) {
		json_object_put(v);
		return 0;
	}
	return 1;
}

/** add an array of n strings, skipping NULL ones; 0 if out of memory */
static int
tg_jadd_strs(struct json_object* o, const char* key, const char* const* s, size_t n)
{
	struct json_object* a = json_object_new_array();
	size_t i;
	if(!tg_jadd(o, key, a))
		return 0;
	for(i = 0; i < n; i++)
		if(s[i] && !tg_jpush_str(a, s[i]))
			return 0;
	return 1;
}

/**
 * Decode one UTF-8 sequence, strictly (no overlong forms, surrogates or values past U+10FFFF).
 * @param s: the bytes; s[0] >= 0x80.
 * @param n: bytes available.
 * @param cp: receives the code point.
 * @return: the length of the sequence, or 0 if it is not valid UTF-8.
 */
static size_t
tg_utf8_decode(const unsigned char* s, size_t n, uint32_t* cp)
{
	size_t len, i;
	uint32_t c = s[0], min;
	if(c >= 0xc2 && c <= 0xdf) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if(c >= 0xe0 && c <= 0xef) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if(c >= 0xf0 && c <= 0xf4) {
		len = 4; c &= 0x07; min = 0x10000;
	} else
		return 0;
	if(n < len)
		return 0;
	for(i = 1; i < len; i++) {
		if((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if(c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/** write the JSON escape "\uXXXX" of a UTF-16 unit, no NUL; returns TG_UESC_LEN */
static size_t
tg_put_uesc(char* out, uint32_t unit)
{
	const char* hex = "0123456789abcdef";
	out[0] = '\\';
	out[1] = 'u';
	out[2] = hex[(unit >> 12) & 0xf];
	out[3] = hex[(unit >> 8) & 0xf];
	out[4] = hex[(unit >> 4) & 0xf];
	out[5] = hex[unit & 0xf];
	return TG_UESC_LEN;
}

/**
 * Copy serialised JSON, writing every non-ASCII character as a \u escape (a surrogate pair
 * above U+FFFF) and every byte that is not valid UTF-8 as \ufffd. Such bytes occur only inside
 * strings (free text: file names, reasons, answer data; names are already ASCII), where the
 * escapes mean the same text.
 * @param out: receives the copy; needs 6 bytes for each byte >= 0x80.
 * @param s: the JSON text.
 * @param n: its length.
 * @return: the length written.
 */
static size_t
tg_json_ascii(char* out, const char* s, size_t n)
{
	const unsigned char* u = (const unsigned char*)s;
	size_t i = 0, o = 0, k;
	uint32_t cp;
	while(i < n) {
		if(u[i] < 0x80) {
			out[o++] = s[i++];
			continue;
		}
		if((k = tg_utf8_decode(u + i, n - i, &cp)) == 0) {
			k = 1;
			cp = 0xfffd;
		}
		i += k;
		if(cp >= 0x10000) {
			cp -= 0x10000;
			o += tg_put_uesc(out + o, 0xd800 + (cp >> 10));
			cp = 0xdc00 + (cp & 0x3ff);
		}
		o += tg_put_uesc(out + o, cp);
	}
	return o;
}

char*
tg_event_line(struct json_object* o, size_t* len)
{
	size_t slen = 0, high = 0, i, n;
	const char* s = json_object_to_json_string_length(o, TG_JSON_FLAGS, &slen);
	char* line;
	if(!s)
		return NULL;
	for(i = 0; i < slen; i++)
		if((unsigned char)s[i] >= 0x80)
			high++;
	/* an escape is at most 6 bytes for each byte >= 0x80; then '\n' and NUL */
	if(!(line = malloc(slen + (TG_UESC_LEN - 1) * high + 2)))
		return NULL;
	if(high)
		n = tg_json_ascii(line, s, slen);
	else {
		memcpy(line, s, slen);
		n = slen;
	}
	line[n++] = '\n';
	line[n] = 0;
	if(len)
		*len = n;
	return line;
}

/**
 * Present edit bytes. A '.' that is the label separator in its name is written as ".", any
 * other byte as in a label (so a '.' inside a label is "\.").
 * @param out: receives the text, TG_EDIT_PRESENT_MAX bytes.
 * @param bytes: the bytes, at most 2.
 * @param len: their number.
 * @param text: the comparison text at the bytes' place, where a separator is '.' and a label
 *	byte '.' is not; NULL when every '.' is a separator (the protected name's side).
 */
static void
tg_present_edit(char* out, const uint8_t* bytes, size_t len, const uint8_t* text)
{
	size_t i, o = 0;
	if(len > 2)
		len = 2;
	for(i = 0; i < len; i++) {
		if(bytes[i] == '.' && (!text || text[i] == '.'))
			out[o++] = '.';
		else
			o += tg_present_bytes(out + o, &bytes[i], 1);
	}
	out[o] = 0;
}

/**
 * Add "edit":{"op","position","expected","found"}.
 * @param o: the parent object.
 * @param qname: the query name the match is in.
 * @param m: the match.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_add_edit(struct json_object* o, const struct tg_name* qname, const struct tg_match* m)
{
	char expected[TG_EDIT_PRESENT_MAX], found[TG_EDIT_PRESENT_MAX];
	const struct tg_edit* e = &m->edit;
	const uint8_t* text = NULL;
	size_t at = qname->len;
	struct json_object* j = tg_jadd_obj(o, "edit");
	if(!j)
		return 0;
	if(m->typo_label < qname->labels)
		at = (size_t)qname->label_off[m->typo_label] + e->position;
	if(at + e->found_len <= qname->len)
		text = &qname->text[at];
	if(m->lookalike)
		text = NULL;
	tg_present_edit(expected, e->expected, e->expected_len, NULL);
	tg_present_edit(found, e->found, e->found_len, text);
	return tg_jadd_str(j, "op", tg_match_op_str(m)) &&
		tg_jadd_int(j, "position", (int64_t)e->position) &&
		tg_jadd_str(j, "expected", expected) &&
		tg_jadd_str(j, "found", found);
}

/**
 * Add a rule's name, in presentation form with \DDD escapes whatever form the policy kept.
 * @param o: the parent object.
 * @param key: the member's name, a literal.
 * @param rule: the rule.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_add_rule_name(struct json_object* o, const char* key, const struct tg_rule* rule)
{
	char buf[TG_PRESENT_MAX];
	struct tg_name n;
	if(!rule->name)
		return 1;
	if(tg_name_from_str(&n, rule->name, NULL, NULL) != TG_OK)
		return tg_jadd_str(o, key, rule->name);
	tg_name_present(buf, &n, 0);
	return tg_jadd_str(o, key, buf);
}

/**
 * Add "rule":{"file","line"} and, with_reason, "reason" inside it.
 * @param o: the parent object.
 * @param rule: the rule.
 * @param with_reason: whether the reason goes in the rule object.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_add_rule(struct json_object* o, const struct tg_rule* rule, int with_reason)
{
	struct json_object* j;
	if(!rule->file && rule->line <= 0 && (!with_reason || !rule->reason))
		return 1;
	if(!(j = tg_jadd_obj(o, "rule")))
		return 0;
	return tg_jadd_str(j, "file", rule->file) &&
		(rule->line <= 0 || tg_jadd_int(j, "line", rule->line)) &&
		(!with_reason || tg_jadd_str(j, "reason", rule->reason));
}

/** add "@timestamp" in RFC 3339 UTC with microseconds; nothing for a time out of range */
static int
tg_add_timestamp(struct json_object* o, const struct timeval* tv)
{
	char buf[TG_TIMESTAMP_MAX];
	time_t sec = tv->tv_sec + (time_t)(tv->tv_usec / 1000000);
	long usec = (long)(tv->tv_usec % 1000000);
	struct tm tm;
	size_t n;
	if(usec < 0) {
		usec += 1000000;
		sec--;
	}
	if(!gmtime_r(&sec, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return 1;
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if(n == 0)
		return 1;
	snprintf(buf + n, sizeof(buf) - n, ".%06ldZ", usec);
	return tg_jadd_str(o, "@timestamp", buf);
}

/** add "event":{id, kind, category, type, action, module, dataset}; a follow-up is an
 * "enrichment" of the event it follows, with action "resolve-blocked" */
static int
tg_add_event(struct json_object* o, const struct tg_event* ev)
{
	const char* category[] = { "network", "intrusion_detection" };
	const char* type = ev->action != TG_ACTION_LOG && !ev->follows ? "denied" : "info";
	struct json_object* j = tg_jadd_obj(o, "event");
	if(!j)
		return 0;
	return tg_jadd_str(j, "id", ev->id) &&
		tg_jadd_str(j, "kind", ev->follows ? "enrichment" : "alert") &&
		tg_jadd_strs(j, "category", category, 2) &&
		tg_jadd_strs(j, "type", &type, 1) &&
		tg_jadd_str(j, "action", ev->follows ? "resolve-blocked" :
			tg_action_str(ev->action)) &&
		tg_jadd_str(j, "module", "typoguard") &&
		tg_jadd_str(j, "dataset", "typoguard.events");
}

/** how a client's transport is written: network.transport, whether TLS carried the DNS
 * (tls.established), and the DNS transport when it is not plain DNS (typoguard.dns_transport) */
struct tg_transport {
	/** the name struct tg_event has */
	const char* name;
	/** network.transport: ECS has only the transport layer there */
	const char* transport;
	/** tls.established */
	int tls;
	/** typoguard.dns_transport, or NULL for DNS over plain UDP or TCP */
	const char* dns;
};

/** the transports a client can use; the first is the default for a name not listed */
static const struct tg_transport tg_transports[] = {
	{ "udp", "udp", 0, NULL },
	{ "tcp", "tcp", 0, NULL },
	{ "tls", "tcp", 1, "dot" },
	{ "https", "tcp", 1, "doh" },
	{ "http", "tcp", 0, "doh" }
};

/** the transport of an event, or NULL when it is unknown */
static const struct tg_transport*
tg_transport_of(const struct tg_event* ev)
{
	size_t i;
	if(!ev->transport)
		return NULL;
	for(i = 0; i < sizeof(tg_transports) / sizeof(tg_transports[0]); i++)
		if(strcmp(ev->transport, tg_transports[i].name) == 0)
			return &tg_transports[i];
	return NULL;
}

/** add "client":{ip, port}, "network":{transport, protocol} and "tls":{established};
 * no client, no object */
static int
tg_add_client(struct json_object* o, const struct tg_event* ev)
{
	const struct tg_transport* t = tg_transport_of(ev);
	struct json_object* j;
	if(ev->client_ip) {
		if(!(j = tg_jadd_obj(o, "client")) ||
			!tg_jadd_str(j, "ip", ev->client_ip) ||
			(ev->client_port >= 0 && !tg_jadd_int(j, "port", ev->client_port)))
			return 0;
	}
	if(!(j = tg_jadd_obj(o, "network")))
		return 0;
	if(!tg_jadd_str(j, "transport", t ? t->transport : NULL) ||
		!tg_jadd_str(j, "protocol", "dns"))
		return 0;
	if(!t || !t->tls)
		return 1;
	return (j = tg_jadd_obj(o, "tls")) != NULL &&
		tg_jadd(j, "established", json_object_new_boolean(1));
}

int
tg_event_add_ecs(struct json_object* o, const struct tg_observer* observer)
{
	struct json_object* j;
	if(!(j = tg_jadd_obj(o, "ecs")) || !tg_jadd_str(j, "version", TG_ECS_VERSION))
		return 0;
	if(!(j = tg_jadd_obj(o, "agent")) || !tg_jadd_str(j, "type", PACKAGE_NAME) ||
		!tg_jadd_str(j, "version", PACKAGE_VERSION))
		return 0;
	if(!observer)
		return 1;
	return (j = tg_jadd_obj(o, "observer")) != NULL &&
		tg_jadd_str(j, "hostname", observer->hostname) &&
		tg_jadd_str(j, "name", observer->name) &&
		tg_jadd_str(j, "vendor", observer->vendor) &&
		tg_jadd_str(j, "product", observer->product) &&
		tg_jadd_str(j, "version", observer->version) &&
		tg_jadd_str(j, "type", "dns");
}

/**
 * Lowercase a presentation-form name if it is a plain host name: labels of letters, digits,
 * '-' and '_' only (no escapes), not the root.
 * @param out: receives the lowercase name, TG_PRESENT_MAX bytes.
 * @param present: the name, presentation form, no trailing dot.
 * @return: 1 if it is a plain host name, else 0.
 */
static int
tg_hostname_lower(char* out, const char* present)
{
	size_t i;
	for(i = 0; present[i] && i < TG_PRESENT_MAX - 1; i++) {
		char c = present[i];
		if(c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if(c == '.') {
			if(i == 0 || present[i + 1] == 0 || present[i + 1] == '.')
				return 0;
		} else if(!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
			c != '-' && c != '_')
			return 0;
		out[i] = c;
	}
	out[i] = 0;
	return i > 0 && present[i] == 0;
}

/** add registered_domain, top_level_domain and subdomain from the public suffix list;
 * nothing when the name is not a plain host name or the list does not know */
static int
tg_add_psl(struct json_object* q, const char* present)
{
	char lower[TG_PRESENT_MAX];
	const psl_ctx_t* psl;
	const char *reg, *tld;
	if(!tg_hostname_lower(lower, present) || !(psl = tg_psl()))
		return 1;
	reg = psl_registrable_domain(psl, lower);
	tld = psl_unregistrable_domain(psl, lower);
	if(!tg_jadd_str(q, "registered_domain", reg) ||
		!tg_jadd_str(q, "top_level_domain", tld))
		return 0;
	if(!reg || reg < lower + 2 || reg[-1] != '.')
		return 1;
	/* reg points into lower: what stands before it, less the dot, is the subdomain */
	lower[reg - 1 - lower] = 0;
	return tg_jadd_str(q, "subdomain", lower);
}

/** add "question":{name, type, class, registered_domain, top_level_domain, subdomain} */
static int
tg_add_question(struct json_object* o, const struct tg_event* ev)
{
	char name[TG_PRESENT_MAX], type[TG_MNEMONIC_MAX], cls[TG_MNEMONIC_MAX];
	struct json_object* j = tg_jadd_obj(o, "question");
	if(!j)
		return 0;
	tg_name_present(name, ev->qname, 0);
	return tg_jadd_str(j, "name", name) &&
		tg_jadd_str(j, "type", tg_type_str(type, ev->qtype)) &&
		tg_jadd_str(j, "class", tg_class_str(cls, (uint16_t)ev->qclass)) &&
		tg_add_psl(j, name);
}

/** add "answers":[{name, type, class, ttl, data}...]; nothing when there are none */
static int
tg_add_answers(struct json_object* o, const struct tg_event* ev)
{
	struct json_object *a, *j;
	const struct tg_answer* an;
	size_t i;
	if(!ev->answers || ev->answer_count == 0)
		return 1;
	if(!tg_jadd(o, "answers", (a = json_object_new_array())))
		return 0;
	for(i = 0; i < ev->answer_count; i++) {
		an = &ev->answers[i];
		if(!(j = json_object_new_object()))
			return 0;
		if(json_object_array_add(a, j) != 0) {
			json_object_put(j);
			return 0;
		}
		if(!tg_jadd_str(j, "name", an->name) || !tg_jadd_str(j, "type", an->type) ||
			!tg_jadd_str(j, "class", an->class_) ||
			!tg_jadd_int(j, "ttl", (int64_t)an->ttl) ||
			!tg_jadd_str(j, "data", an->data))
			return 0;
	}
	return 1;
}

/** add "dns":{question, response_code, answers, resolved_ip} */
static int
tg_add_dns(struct json_object* o, const struct tg_event* ev)
{
	char rcode[TG_MNEMONIC_MAX];
	struct json_object* j = tg_jadd_obj(o, "dns");
	if(!j || !tg_add_question(j, ev))
		return 0;
	if(ev->rcode == TG_RCODE_DROPPED && !tg_jadd_str(j, "response_code", "DROPPED"))
		return 0;
	if(ev->rcode >= 0 && !tg_jadd_str(j, "response_code",
		tg_lookup_str(rcode, ldns_rcodes, "RCODE", ev->rcode)))
		return 0;
	if(!tg_add_answers(j, ev))
		return 0;
	if(!ev->resolved_ip || ev->resolved_count == 0)
		return 1;
	return tg_jadd_strs(j, "resolved_ip", ev->resolved_ip, ev->resolved_count);
}

/**
 * Add the typo suffix of the query name.
 * @param o: the parent object.
 * @param qname: the query name.
 * @param m: the match; its typo_label says where the typo starts.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_add_typo(struct json_object* o, const struct tg_name* qname, const struct tg_match* m)
{
	char buf[TG_PRESENT_MAX];
	if(m->typo_label >= qname->labels)
		return 1;
	tg_name_present(buf, qname, m->typo_label);
	return tg_jadd_str(o, "typo", buf);
}

/**
 * Add what a lookalike was found by: "skeleton", the skeleton of the typo compared with the
 * protected name's, and "unicode", the Unicode form of an "xn--" name. Nothing for a typo.
 * @param o: the typoguard object.
 * @param m: the match.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_add_lookalike(struct json_object* o, const struct tg_match* m)
{
	if(!m->lookalike)
		return 1;
	if(memchr(m->skeleton, 0, sizeof(m->skeleton)) && m->skeleton[0] &&
		!tg_jadd_str(o, "skeleton", m->skeleton))
		return 0;
	if(memchr(m->unicode, 0, sizeof(m->unicode)) && m->unicode[0] &&
		!tg_jadd_str(o, "unicode", m->unicode))
		return 0;
	return 1;
}

/** add "typoguard":{protected, typo, edit, skeleton, unicode, rule, first_event,
 * dns_transport} */
static int
tg_add_typoguard(struct json_object* o, const struct tg_event* ev)
{
	const struct tg_name* matched = ev->matched ? ev->matched : ev->qname;
	const struct tg_transport* t = tg_transport_of(ev);
	struct json_object* j;
	if(!ev->rule && !ev->match && !ev->follows && !(t && t->dns))
		return 1;
	if(!(j = tg_jadd_obj(o, "typoguard")))
		return 0;
	if(ev->rule && !tg_add_rule_name(j, "protected", ev->rule))
		return 0;
	if(ev->match && (!tg_add_typo(j, matched, ev->match) ||
		!tg_add_edit(j, matched, ev->match) || !tg_add_lookalike(j, ev->match)))
		return 0;
	if(ev->rule && !tg_add_rule(j, ev->rule, 1))
		return 0;
	if(ev->has_policy_serial) {
		struct json_object* p = tg_jadd_obj(j, "policy");
		if(!p || !tg_jadd_int(p, "serial", (int64_t)ev->policy_serial))
			return 0;
	}
	if(ev->chain_count && !tg_jadd_strs(j, "chain", ev->chain, ev->chain_count))
		return 0;
	if((ev->dry_run || (ev->policy_action != TG_ACTION_LOG &&
		ev->policy_action != ev->action)) && !ev->follows &&
		!tg_jadd_str(j, "policy_action", tg_action_str(ev->policy_action)))
		return 0;
	if(ev->dry_run && !tg_jadd(j, "dry_run", json_object_new_boolean(1)))
		return 0;
	return tg_jadd_str(j, "first_event", ev->follows) &&
		tg_jadd_str(j, "dns_transport", t ? t->dns : NULL);
}

struct json_object*
tg_event_object(const struct tg_event* ev)
{
	struct json_object* root;
	if(!ev->qname || !(root = json_object_new_object()))
		return NULL;
	if(!tg_add_timestamp(root, &ev->time) || !tg_event_add_ecs(root, ev->observer) ||
		!tg_add_event(root, ev) ||
		!tg_add_client(root, ev) || !tg_add_dns(root, ev) ||
		!tg_add_typoguard(root, ev)) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

/** n rounded up to the strictest alignment */
#define TG_ALIGN(n) (((n) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

/** the bytes a string takes in a copy, its NUL included; 0 for NULL */
static size_t
tg_copy_len(const char* s)
{
	return s ? strlen(s) + 1 : 0;
}

/**
 * Copy a string into a copy's string area.
 * @param s: the string, or NULL.
 * @param next: the area; moves past the copy.
 * @return: the copy, or NULL for NULL.
 */
static const char*
tg_copy_str(const char* s, char** next)
{
	char* d = *next;
	size_t n;
	if(!s)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*next += n;
	return d;
}

struct tg_event*
tg_event_copy(const struct tg_event* ev)
{
	size_t i, fixed, strings = 0;
	struct tg_event* c;
	struct tg_name* name;
	struct tg_name* matched;
	struct tg_match* match;
	struct tg_rule* rule;
	struct tg_answer* ans = NULL;
	const char** ips = NULL;
	const char** chain = NULL;
	char* next;
	fixed = TG_ALIGN(sizeof(*c)) + 2 * TG_ALIGN(sizeof(*name)) + TG_ALIGN(sizeof(*match)) +
		TG_ALIGN(sizeof(*rule)) + TG_ALIGN(ev->answer_count * sizeof(*ans)) +
		TG_ALIGN(ev->resolved_count * sizeof(*ips)) +
		TG_ALIGN(ev->chain_count * sizeof(*chain));
	for(i = 0; ev->chain && i < ev->chain_count; i++)
		strings += tg_copy_len(ev->chain[i]);
	strings += tg_copy_len(ev->id) + tg_copy_len(ev->follows) +
		tg_copy_len(ev->client_ip) + tg_copy_len(ev->transport);
	if(ev->rule)
		strings += tg_copy_len(ev->rule->name) + tg_copy_len(ev->rule->reason) +
			tg_copy_len(ev->rule->file);
	for(i = 0; ev->answers && i < ev->answer_count; i++)
		strings += tg_copy_len(ev->answers[i].name) + tg_copy_len(ev->answers[i].type) +
			tg_copy_len(ev->answers[i].class_) + tg_copy_len(ev->answers[i].data);
	for(i = 0; ev->resolved_ip && i < ev->resolved_count; i++)
		strings += tg_copy_len(ev->resolved_ip[i]);
	if(!(c = malloc(fixed + strings)))
		return NULL;
	*c = *ev;
	next = (char*)c + TG_ALIGN(sizeof(*c));
	name = (struct tg_name*)next;
	next += TG_ALIGN(sizeof(*name));
	matched = (struct tg_name*)next;
	next += TG_ALIGN(sizeof(*matched));
	match = (struct tg_match*)next;
	next += TG_ALIGN(sizeof(*match));
	rule = (struct tg_rule*)next;
	next += TG_ALIGN(sizeof(*rule));
	if(ev->answers && ev->answer_count) {
		ans = (struct tg_answer*)next;
		next += TG_ALIGN(ev->answer_count * sizeof(*ans));
	}
	if(ev->resolved_ip && ev->resolved_count) {
		ips = (const char**)next;
		next += TG_ALIGN(ev->resolved_count * sizeof(*ips));
	}
	if(ev->chain && ev->chain_count)
		chain = (const char**)next;
	next = (char*)c + fixed;
	c->qname = ev->qname ? memcpy(name, ev->qname, sizeof(*name)) : NULL;
	c->match = ev->match ? memcpy(match, ev->match, sizeof(*match)) : NULL;
	c->rule = NULL;
	if(ev->rule) {
		*rule = *ev->rule;
		rule->name = (char*)tg_copy_str(ev->rule->name, &next);
		rule->reason = (char*)tg_copy_str(ev->rule->reason, &next);
		rule->file = tg_copy_str(ev->rule->file, &next);
		c->rule = rule;
	}
	c->matched = ev->matched ? memcpy(matched, ev->matched, sizeof(*matched)) : NULL;
	c->id = tg_copy_str(ev->id, &next);
	c->follows = tg_copy_str(ev->follows, &next);
	c->client_ip = tg_copy_str(ev->client_ip, &next);
	c->transport = tg_copy_str(ev->transport, &next);
	c->answers = ans;
	for(i = 0; ans && i < ev->answer_count; i++) {
		ans[i] = ev->answers[i];
		ans[i].name = tg_copy_str(ev->answers[i].name, &next);
		ans[i].type = tg_copy_str(ev->answers[i].type, &next);
		ans[i].class_ = tg_copy_str(ev->answers[i].class_, &next);
		ans[i].data = tg_copy_str(ev->answers[i].data, &next);
	}
	if(!ans)
		c->answer_count = 0;
	c->resolved_ip = ips;
	for(i = 0; ips && i < ev->resolved_count; i++)
		ips[i] = tg_copy_str(ev->resolved_ip[i], &next);
	if(!ips)
		c->resolved_count = 0;
	c->chain = chain;
	for(i = 0; chain && i < ev->chain_count; i++)
		chain[i] = tg_copy_str(ev->chain[i], &next);
	if(!chain)
		c->chain_count = 0;
	return c;
}

char*
tg_event_json(const struct tg_event* ev, size_t* len)
{
	struct json_object* root = tg_event_object(ev);
	char* line;
	if(!root)
		return NULL;
	line = tg_event_line(root, len);
	json_object_put(root);
	return line;
}

/**
 * Add "ip" and what the databases know of it to an object.
 * @param o: the object.
 * @param ip: the address.
 * @param geo: the databases.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_add_place(struct json_object* o, const char* ip, struct tg_geo* geo)
{
	enum tg_err r;
	if(!tg_jadd_str(o, "ip", ip))
		return TG_ERR_NOMEM;
	r = tg_geo_add(geo, ip, o);
	return r == TG_ERR_NOMEM ? r : TG_OK;
}

/**
 * Add destination: the first resolved address, with the geo and as objects already made for
 * it (shared, not looked up again).
 * @param root: the event.
 * @param first: the first object of typoguard.resolved.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_add_destination(struct json_object* root, struct json_object* first)
{
	static const char* const keys[] = { "ip", "geo", "as" };
	struct json_object *dest, *v;
	size_t i;
	if(!(dest = tg_jadd_obj(root, "destination")))
		return TG_ERR_NOMEM;
	for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if(json_object_object_get_ex(first, keys[i], &v) &&
			!tg_jadd(dest, keys[i], json_object_get(v)))
			return TG_ERR_NOMEM;
	return TG_OK;
}

/**
 * Add typoguard.resolved, one {ip, geo, as} per address, and destination for the first.
 * @param root: the event.
 * @param ips: the addresses, dns.resolved_ip.
 * @param geo: the databases.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
tg_enrich_resolved(struct json_object* root, struct json_object* ips, struct tg_geo* geo)
{
	struct json_object *tg, *list, *o;
	const char* ip;
	size_t i, n = json_object_array_length(ips);
	int first = 1;
	if(!json_object_object_get_ex(root, "typoguard", &tg) &&
		!(tg = tg_jadd_obj(root, "typoguard")))
		return TG_ERR_NOMEM;
	if(!tg_jadd(tg, "resolved", (list = json_object_new_array())))
		return TG_ERR_NOMEM;
	for(i = 0; i < n; i++) {
		if(!(ip = json_object_get_string(json_object_array_get_idx(ips, i))))
			continue;
		if(!(o = json_object_new_object()))
			return TG_ERR_NOMEM;
		if(json_object_array_add(list, o) != 0) {
			json_object_put(o);
			return TG_ERR_NOMEM;
		}
		if(tg_add_place(o, ip, geo) != TG_OK ||
			(first && tg_add_destination(root, o) != TG_OK))
			return TG_ERR_NOMEM;
		first = 0;
	}
	return TG_OK;
}

enum tg_err
tg_event_enrich(struct json_object* ev, struct tg_geo* geo)
{
	struct json_object *client, *ip, *dns, *ips;
	if(!geo)
		return TG_OK;
	if(json_object_object_get_ex(ev, "client", &client) &&
		json_object_object_get_ex(client, "ip", &ip) &&
		tg_geo_add(geo, json_object_get_string(ip), client) == TG_ERR_NOMEM)
		return TG_ERR_NOMEM;
	if(!json_object_object_get_ex(ev, "dns", &dns) ||
		!json_object_object_get_ex(dns, "resolved_ip", &ips) ||
		!json_object_is_type(ips, json_type_array) ||
		json_object_array_length(ips) == 0)
		return TG_OK;
	return tg_enrich_resolved(ev, ips, geo);
}

/** name of a verdict in `typoguard check` output */
static const char*
tg_verdict_str(enum tg_verdict v)
{
	switch(v) {
	case TG_VERDICT_NONE: return "none";
	case TG_VERDICT_TYPO: return "typo";
	case TG_VERDICT_PROTECTED: return "protected";
	case TG_VERDICT_ALLOWED: return "allowed";
	}
	return "none";
}

/** add "action" and "qtypes" of a protected name's rule */
static int
tg_add_action(struct json_object* o, const struct tg_rule* rule)
{
	char type[TG_QTYPES_MAX][TG_MNEMONIC_MAX];
	const char* types[TG_QTYPES_MAX];
	size_t i, n = rule->qtypes.count;
	if(n > TG_QTYPES_MAX)
		n = TG_QTYPES_MAX;
	for(i = 0; i < n; i++)
		types[i] = tg_type_str(type[i], rule->qtypes.type[i]);
	return tg_jadd_str(o, "action", tg_action_str(rule->action)) &&
		(n == 0 || tg_jadd_strs(o, "qtypes", types, n));
}

/**
 * Add what the verdict is about: for a typo the protected name, the typo and the edit, the
 * action and qtypes; for a protected or allowed name which one; then the rule and reason.
 * @param o: the object.
 * @param name: the checked name.
 * @param verdict: the verdict.
 * @param m: the match.
 * @param rule: the rule m->id names, or NULL.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_add_verdict(struct json_object* o, const struct tg_name* name, enum tg_verdict verdict,
	const struct tg_match* m, const struct tg_rule* rule)
{
	if(verdict == TG_VERDICT_TYPO && (!tg_add_rule_name(o, "protected", rule) ||
		!tg_add_typo(o, name, m) || !tg_add_edit(o, name, m) ||
		!tg_add_lookalike(o, m) || !tg_add_action(o, rule)))
		return 0;
	if(verdict == TG_VERDICT_PROTECTED && !tg_add_rule_name(o, "protected", rule))
		return 0;
	if(verdict == TG_VERDICT_ALLOWED && !tg_add_rule_name(o, "allowed", rule))
		return 0;
	return tg_add_rule(o, rule, 0) && tg_jadd_str(o, "reason", rule->reason);
}

char*
tg_check_json(const struct tg_policy* policy, const struct tg_name* name,
	enum tg_verdict verdict, const struct tg_match* m, size_t* len)
{
	return tg_check_json_client(policy, name, verdict, m, NULL, NULL, len);
}

char*
tg_check_json_client(const struct tg_policy* policy, const struct tg_name* name,
	enum tg_verdict verdict, const struct tg_match* m, const char* client_ip,
	struct tg_geo* geo, size_t* len)
{
	char buf[TG_PRESENT_MAX];
	struct json_object* root = json_object_new_object(), *client;
	const struct tg_rule* rule = NULL;
	char* line = NULL;
	if(!root)
		goto cleanup;
	if(verdict != TG_VERDICT_NONE && policy && m && m->id < policy->count)
		rule = &policy->rules[m->id];
	tg_name_present(buf, name, 0);
	if(!tg_jadd_str(root, "name", buf) ||
		!tg_jadd(root, "match", json_object_new_boolean(
			verdict == TG_VERDICT_TYPO)) ||
		!tg_jadd_str(root, "verdict", verdict == TG_VERDICT_TYPO && m && m->lookalike ?
			"lookalike" : tg_verdict_str(verdict)))
		goto cleanup;
	if(rule && !tg_add_verdict(root, name, verdict, m, rule))
		goto cleanup;
	if(client_ip && (!(client = tg_jadd_obj(root, "client")) ||
		tg_add_place(client, client_ip, geo) != TG_OK))
		goto cleanup;
	line = tg_event_line(root, len);
cleanup:
	json_object_put(root);
	return line;
}
