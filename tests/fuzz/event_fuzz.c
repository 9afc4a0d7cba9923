/* tests/fuzz/event_fuzz.c - fuzz event encoding: hostile names give JSON that reads back. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The input: a byte of flags, the query name in wire format, then free text (the rule's
 * reason and file, an answer's data, the client address) that may be any bytes.
 * The name is matched against a small policy, so that typos give real matches; with flag
 * 0x01 the match is made up from the input instead, within the limits match.h documents.
 * Every line tg_event_json() and tg_check_json() give must be one line of ASCII without
 * control bytes (DEL, which JSON allows as it is, may come from free text),
 * parse as one JSON object with json-c (strict, UTF-8 checked), and its names must read back
 * with tg_name_from_str() to the exact wire bytes.
 */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "event.h"
#include "match.h"
#include "name.h"
#include "policy.h"

#define FZ_NAME "event_fuzz"
#include "fuzz.h"

/** the policy names are matched against */
static const char fz_policy_zone[] =
	"$ORIGIN p.\n"
	"@ SOA ns hm 1 1 1 1 1\n"
	"army.mil.protect TXT \"action=nxdomain\" \"reason=US \\\"Army\\\" \\\\ \\200\\255\"\n"
	"contoso.com.protect TXT \"action=log\" \"qtypes=MX A\"\n"
	"mil.protect TXT \"action=log\"\n"
	"cloud.example.protect TXT \"action=log\"\n"
	"xn--80ak6aa92e.com.protect TXT \"action=log\"\n"
	"navy.ml.allow TXT \"reason=Mali\"\n"
	"a\\.b\\000c.allow TXT \"reason=odd bytes\"\n";
/** the policy, loaded once */
static struct tg_policy* fz_policy;
/** room for a piece of free text from the input */
#define FZ_TEXT_MAX 512

int LLVMFuzzerInitialize(int* argc, char*** argv);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerInitialize(int* argc, char*** argv)
{
	struct tg_error err;
	(void)argc;
	(void)argv;
	if(tg_policy_load_string(fz_policy_zone, "fuzz.zone", NULL, &fz_policy, &err)
		!= TG_OK)
		fz_fail("the policy does not load", err.msg);
	tg_event_prepare();
	return 0;
}

/**
 * Take the next piece of free text: bytes up to a NUL or the end, NUL-terminated.
 * @param d: the input; advanced past the text and its NUL.
 * @param end: the end of the input.
 * @param out: receives the text, FZ_TEXT_MAX bytes.
 * @return: out.
 */
static char*
fz_text(const uint8_t** d, const uint8_t* end, char* out)
{
	size_t n = 0;
	while(*d < end && **d && n < FZ_TEXT_MAX - 1)
		out[n++] = (char)*(*d)++;
	if(*d < end)
		(*d)++;
	out[n] = 0;
	return out;
}

/**
 * Take the query name: a wire name from the input, or as much of one as there is.
 * @param d: the input; advanced past the name.
 * @param end: the end of the input.
 * @param wire: receives the wire form.
 * @param len: receives its length.
 * @return: 1 if it is a valid name.
 */
static int
fz_wire(const uint8_t** d, const uint8_t* end, uint8_t* wire, size_t* len)
{
	size_t n = 0;
	while(*d < end && n < TG_WIRE_MAX) {
		uint8_t lab = *(*d)++ & 0x3f;
		wire[n++] = lab;
		if(lab == 0)
			break;
		while(lab-- && *d < end && n < TG_WIRE_MAX)
			wire[n++] = *(*d)++;
	}
	*len = n;
	return n > 0 && wire[n - 1] == 0;
}

/**
 * Parse a line strictly: one ASCII line without control bytes, one JSON object, nothing after it.
 * @param line: the line.
 * @param len: its length as returned.
 * @return: the object; aborts when the line is not that.
 */
static struct json_object*
fz_parse(const char* line, size_t len)
{
	struct json_tokener* tok;
	struct json_object* o;
	size_t i;
	if(len < 2 || strlen(line) != len || line[len - 1] != '\n')
		fz_fail("not one line", line);
	for(i = 0; i + 1 < len; i++)
		if((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7f)
			fz_fail("a control byte or a byte that is not ASCII", line);
	if(!(tok = json_tokener_new()))
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, line, (int)len - 1);
	if(!o || json_tokener_get_error(tok) != json_tokener_success ||
		json_tokener_get_parse_end(tok) != len - 1 ||
		!json_object_is_type(o, json_type_object))
		fz_fail("not one JSON object", line);
	json_tokener_free(tok);
	return o;
}

/**
 * Check that a member, a dotted path, holds a name that reads back to the wire bytes.
 * @param o: the object.
 * @param path: "dns.question.name".
 * @param wire: the name expected, wire format.
 * @param len: its length.
 * @param line: the line, for the message.
 */
static void
fz_reads_back(struct json_object* o, const char* path, const uint8_t* wire, size_t len,
	const char* line)
{
	char key[64], *k, *dot;
	uint8_t back[TG_WIRE_MAX];
	size_t blen = 0;
	struct tg_name n;
	snprintf(key, sizeof(key), "%s", path);
	for(k = key; (dot = strchr(k, '.')); k = dot + 1) {
		*dot = 0;
		if(!json_object_object_get_ex(o, k, &o))
			fz_fail("a member is missing", line);
	}
	if(!json_object_object_get_ex(o, k, &o) || !json_object_is_type(o, json_type_string))
		fz_fail("a name is missing", line);
	if(tg_name_from_str(&n, json_object_get_string(o), back, &blen) != TG_OK ||
		blen != len || memcmp(back, wire, len) != 0)
		fz_fail("a name does not read back to its wire bytes", line);
}

/**
 * Make up a match from the input, within match.h's limits.
 * @param d: the input; advanced.
 * @param end: its end.
 * @param q: the query name.
 * @param m: receives the match.
 */
static void
fz_made_up_match(const uint8_t** d, const uint8_t* end, const struct tg_name* q,
	struct tg_match* m)
{
	uint8_t b[8] = { 0 };
	size_t i;
	for(i = 0; i < sizeof(b) && *d < end; i++)
		b[i] = *(*d)++;
	memset(m, 0, sizeof(*m));
	m->id = b[0] % fz_policy->count;
	m->typo_label = q->labels ? b[1] % q->labels : 0;
	m->edit.op = (enum tg_edit_op)(b[2] % 4);
	m->edit.position = b[3];
	m->edit.expected_len = b[2] >> 6 > 2 ? 2 : b[2] >> 6;
	m->edit.found_len = (b[2] >> 4 & 3) > 2 ? 2 : b[2] >> 4 & 3;
	memcpy(m->edit.expected, b + 4, 2);
	memcpy(m->edit.found, b + 6, 2);
}

/**
 * Encode the event and check the line.
 * @param ev: the event.
 * @param wire: the query name's wire form.
 * @param wlen: its length.
 */
static void
fz_event(const struct tg_event* ev, const uint8_t* wire, size_t wlen)
{
	size_t len = 0, off;
	char* line = tg_event_json(ev, &len);
	struct json_object* o;
	if(!line)
		fz_fail("no line (out of memory?)", NULL);
	o = fz_parse(line, len);
	fz_reads_back(o, "dns.question.name", wire, wlen, line);
	if(ev->match && ev->match->typo_label < ev->qname->labels) {
		off = ev->qname->label_off[ev->match->typo_label];
		/* the wire form of the suffix starts where its label's length byte is */
		fz_reads_back(o, "typoguard.typo", wire + off, wlen - off, line);
	}
	json_object_put(o);
	free(line);
}

/**
 * Encode the `typoguard check` line and check it.
 * @param q: the name.
 * @param v: the verdict.
 * @param m: the match.
 * @param wire: the name's wire form.
 * @param wlen: its length.
 */
static void
fz_check_line(const struct tg_name* q, enum tg_verdict v, const struct tg_match* m,
	const uint8_t* wire, size_t wlen)
{
	size_t len = 0;
	char* line = tg_check_json(fz_policy, q, v, m, &len);
	struct json_object* o;
	if(!line)
		fz_fail("no check line (out of memory?)", NULL);
	o = fz_parse(line, len);
	fz_reads_back(o, "name", wire, wlen, line);
	json_object_put(o);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	const uint8_t *d = data, *end = data + size;
	char reason[FZ_TEXT_MAX], file[FZ_TEXT_MAX], adata[FZ_TEXT_MAX], ip[FZ_TEXT_MAX];
	const char* resolved[2];
	uint8_t wire[TG_WIRE_MAX], flags;
	struct tg_answer an;
	struct tg_event ev;
	struct tg_match m;
	struct tg_rule rule;
	struct tg_name q;
	enum tg_verdict v;
	size_t wlen = 0;
	if(size < 2)
		return 0;
	flags = *d++;
	if(!fz_wire(&d, end, wire, &wlen) || tg_name_from_wire(&q, wire, wlen) != TG_OK)
		return 0;
	memset(&m, 0, sizeof(m));
	v = tg_policy_match(fz_policy, &q, 1, &m, NULL);
	fz_check_line(&q, v, &m, wire, wlen);
	if(flags & 1)
		fz_made_up_match(&d, end, &q, &m);
	rule = fz_policy->rules[m.id < fz_policy->count ? m.id : 0];
	rule.reason = fz_text(&d, end, reason);
	rule.file = fz_text(&d, end, file);
	an.name = "x";
	an.type = "TXT";
	an.class_ = "IN";
	an.ttl = flags;
	an.data = fz_text(&d, end, adata);
	resolved[0] = fz_text(&d, end, ip);
	resolved[1] = reason;
	memset(&ev, 0, sizeof(ev));
	ev.time.tv_sec = (time_t)flags * 100000000;
	ev.action = flags & 2 ? TG_ACTION_NXDOMAIN : TG_ACTION_LOG;
	ev.client_ip = flags & 4 ? ip : NULL;
	ev.client_port = flags & 8 ? flags : -1;
	ev.transport = flags & 16 ? file : "udp";
	ev.qname = &q;
	ev.qtype = (uint16_t)(flags * 257);
	ev.qclass = (uint16_t)(flags & 32 ? 1 : flags);
	ev.rcode = (int)(flags % 24) - 1;
	ev.answers = flags & 64 ? &an : NULL;
	ev.answer_count = flags & 64 ? 1 : 0;
	ev.resolved_ip = resolved;
	ev.resolved_count = flags & 128 ? 2 : 0;
	ev.rule = (flags & 1) || v == TG_VERDICT_TYPO ? &rule : NULL;
	ev.match = (flags & 1) || v == TG_VERDICT_TYPO ? &m : NULL;
	fz_event(&ev, wire, wlen);
	return 0;
}
