/* tests/event_t.c - the JSON lines of events and of `typoguard check`: fields, omissions. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <ldns/ldns.h>
#include "event.h"
#include "tap.h"
#include "jget.h"

/** names the hostile-name test makes */
#define HOSTILE_ROUNDS 5000
/** threads encoding at once */
#define ENCODE_THREADS 8
/** events each of them encodes */
#define ENCODE_ROUNDS 2000
/** 2026-11-28T21:30:07Z */
#define T_2026 1795901407

/** state of the test's own random numbers, fixed seed, the same on every platform */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

/** the next random number (xorshift64) */
static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 11);
}

/**
 * Parse a line strictly: exactly one JSON value, then the '\n' and nothing else.
 * @param line: the line.
 * @param len: its length as tg_event_json() gave it.
 * @return: the value, or NULL (with a diagnostic) if the line is not that.
 */
static struct json_object*
parse_line(const char* line, size_t len)
{
	struct json_tokener* tok = json_tokener_new();
	struct json_object* o;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, line, (int)len - 1);
	if(!o || json_tokener_get_error(tok) != json_tokener_success ||
		json_tokener_get_parse_end(tok) != len - 1) {
		diag("not one JSON value (%s): %s",
			json_tokener_error_desc(json_tokener_get_error(tok)), line);
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/**
 * Whether a line is one ASCII line: printable bytes only, one '\n' at the end, len right.
 * @param line: the line.
 * @param len: its length as returned.
 * @return: 1 if so.
 */
static int
is_ascii_line(const char* line, size_t len)
{
	size_t i;
	if(len < 2 || strlen(line) != len || line[len - 1] != '\n')
		return 0;
	for(i = 0; i + 1 < len; i++)
		if((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			return 0;
	return 1;
}

/** the array at a path joined with ',' into buf, or "(absent)" */
static const char*
jarr(struct json_object* o, const char* path, char* buf, size_t size)
{
	struct json_object* v = jget(o, path);
	size_t i, n = 0;
	if(!v || !json_object_is_type(v, json_type_array))
		return "(absent)";
	buf[0] = 0;
	for(i = 0; i < json_object_array_length(v) && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "",
			json_object_get_string(json_object_array_get_idx(v, i)));
	return buf;
}

/** the name army.mil as a rule of mil.zone */
static struct tg_rule rule_army = {
	"army.mil", 1, TG_ACTION_LOG, { { 15, 1, 28 }, 3 }, NULL, "zones/mil.zone", 7, 1
};

/** the typo army.ml of army.mil: 'i' at offset 6 deleted */
static const struct tg_match match_army = {
	0, 0, { TG_EDIT_DELETION, 6, { 'i', 0 }, 1, { 0, 0 }, 0 }, 0, 0, 0, "", ""
};

/** make a name from presentation format, failing the test if it does not parse */
static void
name_of(struct tg_name* n, const char* s)
{
	if(tg_name_from_str(n, s, NULL, NULL) != TG_OK) {
		ok(0, "name %s parses", s);
		memset(n, 0, sizeof(*n));
	}
}

/** an event for qname with the army.mil rule, no client, no answers */
static void
event_base(struct tg_event* ev, const struct tg_name* qname)
{
	memset(ev, 0, sizeof(*ev));
	ev->time.tv_sec = T_2026;
	ev->time.tv_usec = 123456;
	ev->qname = qname;
	ev->qtype = 15;
	ev->qclass = 1;
	ev->rcode = 0;
	ev->client_port = -1;
	ev->rule = &rule_army;
	ev->match = &match_army;
}

/** encode and parse an event; NULL (test failed) if the line is not one ASCII JSON line */
static struct json_object*
encode(const struct tg_event* ev)
{
	size_t len = 0;
	char* line = tg_event_json(ev, &len);
	struct json_object* o = NULL;
	if(!line) {
		ok(0, "tg_event_json returns a line");
		return NULL;
	}
	if(!is_ascii_line(line, len))
		ok(0, "line is ASCII, one '\\n' at the end: %s", line);
	else
		o = parse_line(line, len);
	free(line);
	return o;
}

/** the ECS event, client and network fields of the full event */
static void
check_full_head(struct json_object* o)
{
	char buf[256];
	is_str(jstr(o, "/@timestamp"), "2026-11-28T21:30:07.123456Z", "@timestamp");
	is_str(jstr(o, "/event/kind"), "alert", "event.kind");
	is_str(jarr(o, "/event/category", buf, sizeof(buf)), "network,intrusion_detection",
		"event.category");
	is_str(jarr(o, "/event/type", buf, sizeof(buf)), "info", "event.type for log");
	is_str(jstr(o, "/event/action"), "log", "event.action");
	is_str(jstr(o, "/event/module"), "typoguard", "event.module");
	is_str(jstr(o, "/event/dataset"), "typoguard.events", "event.dataset");
	is_str(jstr(o, "/client/ip"), "198.51.100.7", "client.ip");
	is_int(jint(o, "/client/port"), 53001, "client.port");
	is_str(jstr(o, "/network/transport"), "udp", "network.transport");
	is_str(jstr(o, "/network/protocol"), "dns", "network.protocol");
}

/** the dns fields of the full event */
static void
check_full_dns(struct json_object* o)
{
	struct json_object* a = json_object_array_get_idx(jget(o, "/dns/answers"), 0);
	char buf[256];
	is_str(jstr(o, "/dns/question/name"), "army.ml", "dns.question.name");
	is_str(jstr(o, "/dns/question/type"), "MX", "dns.question.type");
	is_str(jstr(o, "/dns/question/class"), "IN", "dns.question.class");
	is_str(jstr(o, "/dns/question/registered_domain"), "army.ml", "registered_domain");
	is_str(jstr(o, "/dns/question/top_level_domain"), "ml", "top_level_domain");
	ok(!jget(o, "/dns/question/subdomain"), "no subdomain for a registered domain");
	is_str(jstr(o, "/dns/response_code"), "NOERROR", "dns.response_code");
	is_int(json_object_array_length(jget(o, "/dns/answers")), 2, "two answers");
	is_str(jstr(a, "/name"), "army.ml", "answers[0].name");
	is_str(jstr(a, "/type"), "MX", "answers[0].type");
	is_str(jstr(a, "/class"), "IN", "answers[0].class");
	is_int(jint(a, "/ttl"), 300, "answers[0].ttl");
	is_str(jstr(a, "/data"), "10 mx.army.ml.", "answers[0].data");
	is_str(jarr(o, "/dns/resolved_ip", buf, sizeof(buf)), "192.0.2.25,2001:db8::25",
		"dns.resolved_ip");
}

/** the typoguard fields of the full event */
static void
check_full_typoguard(struct json_object* o)
{
	is_str(jstr(o, "/typoguard/protected"), "army.mil", "typoguard.protected");
	is_str(jstr(o, "/typoguard/typo"), "army.ml", "typoguard.typo");
	is_str(jstr(o, "/typoguard/edit/op"), "deletion", "typoguard.edit.op");
	is_int(jint(o, "/typoguard/edit/position"), 6, "typoguard.edit.position");
	is_str(jstr(o, "/typoguard/edit/expected"), "i", "typoguard.edit.expected");
	is_str(jstr(o, "/typoguard/edit/found"), "", "typoguard.edit.found");
	is_str(jstr(o, "/typoguard/rule/file"), "zones/mil.zone", "typoguard.rule.file");
	is_int(jint(o, "/typoguard/rule/line"), 7, "typoguard.rule.line");
	ok(!jget(o, "/typoguard/rule/reason"), "no reason when the rule has none");
}

/** an event with every field set: each is where ECS puts it */
static void
test_full_event(void)
{
	struct tg_name q;
	struct tg_event ev;
	struct tg_answer an[2] = {
		{ "army.ml", "MX", "IN", 300, "10 mx.army.ml." },
		{ "mx.army.ml", "A", "IN", 60, "192.0.2.25" } };
	const char* ips[] = { "192.0.2.25", "2001:db8::25" };
	struct json_object* o;
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	ev.client_ip = "198.51.100.7";
	ev.client_port = 53001;
	ev.transport = "udp";
	ev.answers = an;
	ev.answer_count = 2;
	ev.resolved_ip = ips;
	ev.resolved_count = 2;
	if(!(o = encode(&ev)))
		return;
	check_full_head(o);
	check_full_dns(o);
	check_full_typoguard(o);
	json_object_put(o);
}

/** a copy for another thread encodes as the event does, and owns what it points to */
static void
test_copy(void)
{
	struct tg_name q;
	struct tg_match m = match_army;
	struct tg_event ev, *c;
	char id[] = "5f0c1d2e3a4b5c6d-1", follows[] = "5f0c1d2e3a4b5c6d-0";
	char ip[] = "198.51.100.7", transport[] = "tcp";
	char n0[] = "army.ml", n1[] = "mx.army.ml", d0[] = "10 mx.army.ml.", d1[] = "192.0.2.25";
	char ip0[] = "192.0.2.25", ip1[] = "2001:db8::25";
	struct tg_answer an[2] = { { n0, "MX", "IN", 300, d0 }, { n1, "A", "IN", 60, d1 } };
	const char* ips[] = { ip0, ip1 };
	char *want, *got;
	size_t wlen = 0, glen = 0;
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	ev.match = &m;
	ev.id = id;
	ev.follows = follows;
	ev.client_ip = ip;
	ev.client_port = 53001;
	ev.transport = transport;
	ev.answers = an;
	ev.answer_count = 2;
	ev.resolved_ip = ips;
	ev.resolved_count = 2;
	want = tg_event_json(&ev, &wlen);
	if(!ok((c = tg_event_copy(&ev)) != NULL, "copy: made"))
		return;
	/* what the worker thread had is gone or reused by the time the writer encodes */
	memset(&q, 'x', sizeof(q));
	memset(&m, 0xff, sizeof(m));
	memset(id, 'x', sizeof(id) - 1);
	memset(follows, 'x', sizeof(follows) - 1);
	memset(ip, 'x', sizeof(ip) - 1);
	memset(transport, 'x', sizeof(transport) - 1);
	memset(n0, 'x', sizeof(n0) - 1);
	memset(n1, 'x', sizeof(n1) - 1);
	memset(d0, 'x', sizeof(d0) - 1);
	memset(d1, 'x', sizeof(d1) - 1);
	memset(ip0, 'x', sizeof(ip0) - 1);
	memset(ip1, 'x', sizeof(ip1) - 1);
	memset(an, 0, sizeof(an));
	ips[0] = ips[1] = NULL;
	got = tg_event_json(c, &glen);
	ok(want && got && strcmp(want, got) == 0, "copy: encodes as the event did");
	if(want && got && strcmp(want, got) != 0)
		diag("event: %s# copy: %s", want, got);
	free(want);
	free(got);
	free(c);
	/* nothing optional: no client, answers, addresses, id or match */
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	ev.match = NULL;
	want = tg_event_json(&ev, &wlen);
	c = tg_event_copy(&ev);
	got = c ? tg_event_json(c, &glen) : NULL;
	ok(c && !c->client_ip && !c->answers && !c->resolved_ip && !c->id && !c->match,
		"copy: what is absent stays absent");
	ok(want && got && strcmp(want, got) == 0, "copy: an event with nothing optional");
	free(want);
	free(got);
	free(c);
}

/** one encoding thread: the same event, many times; counts lines that differ from want */
static void*
encode_many(void* arg)
{
	const char* want = (const char*)arg;
	struct tg_name q;
	struct tg_event ev;
	size_t i, len, bad = 0;
	char* line;
	name_of(&q, "www.army.ml");
	event_base(&ev, &q);
	for(i = 0; i < ENCODE_ROUNDS; i++) {
		line = tg_event_json(&ev, &len);
		bad += !line || strcmp(line, want) != 0;
		free(line);
	}
	return (void*)bad;
}

/** threads encoding at once, from the first event on (the suffix list loads once): the same
 * line every time. Run this test first. */
static void
test_threads(void)
{
	pthread_t tid[ENCODE_THREADS];
	size_t i, bad = 0;
	void* r;
	const char* want = "{\"@timestamp\":\"2026-11-28T21:30:07.123456Z\","
		"\"ecs\":{\"version\":\"" TG_ECS_VERSION "\"},"
		"\"agent\":{\"type\":\"typoguard\",\"version\":\"" PACKAGE_VERSION "\"},"
		"\"event\":{\"kind\":\"alert\",\"category\":[\"network\","
		"\"intrusion_detection\"],\"type\":[\"info\"],\"action\":\"log\","
		"\"module\":\"typoguard\",\"dataset\":\"typoguard.events\"},"
		"\"network\":{\"protocol\":\"dns\"},\"dns\":{\"question\":{"
		"\"name\":\"www.army.ml\",\"type\":\"MX\",\"class\":\"IN\","
		"\"registered_domain\":\"army.ml\",\"top_level_domain\":\"ml\","
		"\"subdomain\":\"www\"},\"response_code\":\"NOERROR\"},"
		"\"typoguard\":{\"protected\":\"army.mil\",\"typo\":\"www.army.ml\","
		"\"edit\":{\"op\":\"deletion\",\"position\":6,\"expected\":\"i\","
		"\"found\":\"\"},\"rule\":{\"file\":\"zones/mil.zone\",\"line\":7}}}\n";
	for(i = 0; i < ENCODE_THREADS; i++)
		pthread_create(&tid[i], NULL, encode_many, (void*)want);
	for(i = 0; i < ENCODE_THREADS; i++) {
		pthread_join(tid[i], &r);
		bad += (size_t)r;
	}
	is_int(bad, 0, "%d threads encoding at once: every line as expected", ENCODE_THREADS);
}

/** ECS's own fields: ecs.version, agent, observer naming the resolver */
static void
test_ecs_fields(void)
{
	struct tg_observer obs = { "resolver1.example", "ns-a", "NLnet Labs", "Unbound",
		"1.17.1" };
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/ecs/version"), TG_ECS_VERSION, "ecs.version on an event");
	is_str(jstr(o, "/agent/type"), "typoguard", "agent.type");
	is_str(jstr(o, "/agent/version"), PACKAGE_VERSION, "agent.version");
	ok(!jget(o, "/observer"), "no observer when none is given");
	json_object_put(o);
	ev.observer = &obs;
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/observer/hostname"), "resolver1.example", "observer.hostname");
	is_str(jstr(o, "/observer/name"), "ns-a", "observer.name");
	is_str(jstr(o, "/observer/vendor"), "NLnet Labs", "observer.vendor");
	is_str(jstr(o, "/observer/product"), "Unbound", "observer.product");
	is_str(jstr(o, "/observer/version"), "1.17.1", "observer.version");
	is_str(jstr(o, "/observer/type"), "dns", "observer.type");
	json_object_put(o);
	obs.name = NULL;
	if(!(o = encode(&ev)))
		return;
	ok(!jget(o, "/observer/name") && jstr(o, "/observer/hostname"),
		"no observer.name without an identity");
	json_object_put(o);
}

/** network.transport is the transport layer only; DNS over TLS and HTTPS are said elsewhere */
static void
test_transports(void)
{
	static const char* const cases[][4] = {
		/* given, network.transport, tls.established, typoguard.dns_transport */
		{ "udp", "udp", NULL, NULL },
		{ "tcp", "tcp", NULL, NULL },
		{ "tls", "tcp", "true", "dot" },
		{ "https", "tcp", "true", "doh" },
		{ "http", "tcp", NULL, "doh" },
		{ "carrier-pigeon", NULL, NULL, NULL }
	};
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	struct json_object* tls;
	size_t i;
	name_of(&q, "army.ml");
	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		event_base(&ev, &q);
		ev.transport = cases[i][0];
		if(!(o = encode(&ev)))
			continue;
		tls = jget(o, "/tls/established");
		is_str(jstr(o, "/network/transport"), cases[i][1], "%s: network.transport %s",
			cases[i][0], cases[i][1] ? cases[i][1] : "absent");
		is_str(tls ? json_object_to_json_string(tls) : NULL, cases[i][2],
			"%s: tls.established %s", cases[i][0], cases[i][2] ? cases[i][2] : "absent");
		is_str(jstr(o, "/typoguard/dns_transport"), cases[i][3],
			"%s: typoguard.dns_transport %s", cases[i][0],
			cases[i][3] ? cases[i][3] : "absent");
		is_str(jstr(o, "/network/protocol"), "dns", "%s: network.protocol dns", cases[i][0]);
		json_object_put(o);
	}
}

/** what is not known is not written: no client, answers, addresses, rcode, transport */
static void
test_omitted(void)
{
	struct tg_match m = match_army;
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	name_of(&q, "www.army.ml");
	event_base(&ev, &q);
	m.typo_label = 1;
	ev.match = &m;
	ev.rcode = -1;
	ev.action = TG_ACTION_NXDOMAIN;
	if(!(o = encode(&ev)))
		return;
	ok(!jget(o, "/client"), "no client object without a client");
	ok(!jget(o, "/network/transport"), "no network.transport when unknown");
	is_str(jstr(o, "/network/protocol"), "dns", "network.protocol still dns");
	ok(!jget(o, "/dns/answers"), "no dns.answers without answers");
	ok(!jget(o, "/dns/resolved_ip"), "no dns.resolved_ip without addresses");
	ok(!jget(o, "/dns/response_code"), "no dns.response_code when unknown");
	is_str(jstr(o, "/event/action"), "nxdomain", "event.action nxdomain");
	{
		char buf[64];
		is_str(jarr(o, "/event/type", buf, sizeof(buf)), "denied",
			"event.type denied for nxdomain");
	}
	is_str(jstr(o, "/dns/question/subdomain"), "www", "dns.question.subdomain");
	is_str(jstr(o, "/typoguard/typo"), "army.ml", "typo is the suffix, not the query");
	json_object_put(o);
	ev.client_ip = "192.0.2.1";
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/client/ip"), "192.0.2.1", "client.ip without a port");
	ok(!jget(o, "/client/port"), "no client.port when it is -1");
	json_object_put(o);
	ev.rule = NULL;
	ev.match = NULL;
	if(!(o = encode(&ev)))
		return;
	ok(!jget(o, "/typoguard"), "no typoguard object without rule and match");
	json_object_put(o);
}

/** one time, encoded */
static void
check_time(time_t sec, long usec, const char* want)
{
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	ev.time.tv_sec = sec;
	ev.time.tv_usec = usec;
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/@timestamp"), want, "@timestamp of %lld.%06ld", (long long)sec, usec);
	json_object_put(o);
}

/** @timestamp is RFC 3339, UTC, six digits of microseconds */
static void
test_timestamp(void)
{
	check_time(0, 0, "1970-01-01T00:00:00.000000Z");
	check_time(T_2026, 999999, "2026-11-28T21:30:07.999999Z");
	check_time(T_2026, 1, "2026-11-28T21:30:07.000001Z");
	check_time(T_2026, 1500000, "2026-11-28T21:30:08.500000Z");
	check_time(951782400, 0, "2000-02-29T00:00:00.000000Z");
}

/** one question type, class and rcode, encoded */
static void
check_mnemonics(uint16_t type, uint16_t cls, int rcode, const char* wtype, const char* wcls,
	const char* wrcode)
{
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	ev.qtype = type;
	ev.qclass = cls;
	ev.rcode = rcode;
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/dns/question/type"), wtype, "type %u is %s", type, wtype);
	is_str(jstr(o, "/dns/question/class"), wcls, "class %u is %s", cls, wcls);
	is_str(jstr(o, "/dns/response_code"), wrcode, "rcode %d is %s", rcode, wrcode);
	json_object_put(o);
}

/** mnemonics come from ldns; unknown numbers use the RFC 3597 forms */
static void
test_mnemonics(void)
{
	check_mnemonics(1, 1, 3, "A", "IN", "NXDOMAIN");
	check_mnemonics(28, 3, 2, "AAAA", "CH", "SERVFAIL");
	check_mnemonics(255, 255, 5, "ANY", "ANY", "REFUSED");
	check_mnemonics(65, 4, 0, "HTTPS", "HS", "NOERROR");
	check_mnemonics(65280, 5, 12, "TYPE65280", "CLASS5", "RCODE12");
	check_mnemonics(0, 0, 4095, "TYPE0", "CLASS0", "RCODE4095");
	check_mnemonics(54, 1, 16, "TYPE54", "IN", "RCODE16");
}

/** one query name's public-suffix fields; NULL wants the field absent */
static void
check_psl(const char* name, const char* reg, const char* tld, const char* sub)
{
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	name_of(&q, name);
	event_base(&ev, &q);
	ev.match = NULL;
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/dns/question/registered_domain"), reg, "%s: registered_domain", name);
	is_str(jstr(o, "/dns/question/top_level_domain"), tld, "%s: top_level_domain", name);
	is_str(jstr(o, "/dns/question/subdomain"), sub, "%s: subdomain", name);
	json_object_put(o);
}

/** registered domain, suffix and subdomain from the public suffix list, for host names only */
static void
test_psl(void)
{
	check_psl("a.b.army.ml", "army.ml", "ml", "a.b");
	check_psl("Mail.Bar.CO.UK", "bar.co.uk", "co.uk", "mail");
	check_psl("co.uk", NULL, "co.uk", NULL);
	check_psl("_dmarc.army.ml", "army.ml", "ml", "_dmarc");
	check_psl("a\\.b.army.ml", NULL, NULL, NULL);
	check_psl("a\\000b.army.ml", NULL, NULL, NULL);
	check_psl("x y.army.ml", NULL, NULL, NULL);
	check_psl(".", NULL, NULL, NULL);
}

/** the presentation of a label '.' and of a separator in edit.found and edit.expected */
static void
test_edit_dots(void)
{
	/* army.mil -> ar.my.mil: a separator inserted at offset 2 of "army.mil" */
	struct tg_match ins = { 0, 0, { TG_EDIT_INSERTION, 2, { 0, 0 }, 0, { '.', 0 }, 1 },
		0, 0, 0, "", "" };
	/* army.mil -> ar\.my.mil: a label byte '.' inserted at offset 2 */
	struct tg_match lab = ins;
	/* army.mil -> armymil: the separator deleted */
	struct tg_match del = { 0, 0, { TG_EDIT_DELETION, 4, { '.', 0 }, 1, { 0, 0 }, 0 },
		0, 0, 0, "", "" };
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	name_of(&q, "ar.my.mil");
	event_base(&ev, &q);
	ev.match = &ins;
	if((o = encode(&ev))) {
		is_str(jstr(o, "/typoguard/edit/found"), ".", "inserted separator is \".\"");
		json_object_put(o);
	}
	name_of(&q, "ar\\.my.mil");
	ev.match = &lab;
	if((o = encode(&ev))) {
		is_str(jstr(o, "/typoguard/edit/found"), "\\.", "inserted label dot is \"\\.\"");
		is_str(jstr(o, "/typoguard/typo"), "ar\\.my.mil", "typo keeps the escape");
		json_object_put(o);
	}
	name_of(&q, "armymil");
	ev.match = &del;
	if((o = encode(&ev))) {
		is_str(jstr(o, "/typoguard/edit/expected"), ".", "deleted separator is \".\"");
		json_object_put(o);
	}
}

/** free text: quotes, backslashes, controls, UTF-8 and broken UTF-8 stay one ASCII line */
static void
test_free_text(void)
{
	struct tg_rule r = rule_army;
	struct tg_answer an = { "army.ml", "TXT", "IN", 5, "\"a\\\"b\" \"\\010\"\n/\t" };
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	r.file = "/etc/typo\"guard\\/zones\n.zone";
	r.reason = "Arm\xc3\xa9" "e \xf0\x9f\xaa\x96 \xff\xc3";
	name_of(&q, "army.ml");
	event_base(&ev, &q);
	ev.rule = &r;
	ev.answers = &an;
	ev.answer_count = 1;
	if(!(o = encode(&ev)))
		return;
	is_str(jstr(o, "/typoguard/rule/file"), r.file, "file name with quote, backslash, newline");
	is_str(jstr(o, "/typoguard/rule/reason"),
		"Arm\xc3\xa9" "e \xf0\x9f\xaa\x96 \xef\xbf\xbd\xef\xbf\xbd",
		"UTF-8 reason reads back; invalid bytes become U+FFFD");
	is_str(jstr(o, "/dns/answers/0/data"), an.data,
		"answer data with quotes and controls reads back");
	json_object_put(o);
}

/**
 * A random wire name: random label lengths, bytes drawn mostly from the troublesome ones.
 * @param wire: receives the name, TG_WIRE_MAX bytes.
 * @param full: make it exactly 255 bytes long.
 * @return: its length.
 */
static size_t
random_wire(uint8_t* wire, int full)
{
	static const uint8_t nasty[] = { '"', '\\', '.', 0, '\n', '\r', 0x7f, 0x80, 0xff,
		0xc3, 0xa9, '/', ' ', '\t', 'A', 'z', '0', '-', '@', '$', ';', '(', 0x1b, 0xe2 };
	size_t p = 0, room, len, i;
	size_t labels = full ? TG_LABELS_MAX : 1 + rnd() % 8;
	while(labels-- > 0 && (room = TG_WIRE_MAX - 1 - p) >= 2) {
		len = 1 + rnd() % 63;
		if(len > room - 1)
			len = room - 1;
		/* a full name must not end with one byte of room: no label fits in it */
		if(full && room - len - 1 == 1)
			len = len < 63 ? len + 1 : len - 1;
		wire[p++] = (uint8_t)len;
		for(i = 0; i < len; i++)
			wire[p++] = (rnd() & 1) ? nasty[rnd() % sizeof(nasty)] : (uint8_t)rnd();
	}
	wire[p++] = 0;
	return p;
}

/** a random edit at a random place of the name */
static void
random_match(struct tg_match* m, const struct tg_name* q)
{
	memset(m, 0, sizeof(*m));
	m->typo_label = q->labels ? rnd() % q->labels : 0;
	m->edit.op = (enum tg_edit_op)(rnd() % 4);
	m->edit.position = rnd() % 300;
	m->edit.expected[0] = (uint8_t)rnd();
	m->edit.expected[1] = (uint8_t)rnd();
	m->edit.expected_len = rnd() % 3;
	m->edit.found[0] = (uint8_t)rnd();
	m->edit.found[1] = (uint8_t)rnd();
	m->edit.found_len = rnd() % 3;
}

/**
 * Whether a presentation-form name reads back to the given wire bytes through ldns's parser,
 * and ldns prints both the same: an independent reading of tg_name_present()'s escapes.
 */
static int
reads_back(const char* s, const uint8_t* wire, size_t wlen)
{
	ldns_rdf* got = s ? ldns_dname_new_frm_str(s) : NULL;
	ldns_rdf* want = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wlen, wire);
	char *a = NULL, *b = NULL;
	int same = got && want && ldns_rdf_size(got) == wlen &&
		memcmp(ldns_rdf_data(got), wire, wlen) == 0 &&
		(a = ldns_rdf2str(got)) && (b = ldns_rdf2str(want)) && strcmp(a, b) == 0;
	free(a);
	free(b);
	ldns_rdf_deep_free(got);
	ldns_rdf_deep_free(want);
	return same;
}

/** one hostile event: valid ASCII JSON whose names read back; 0 on a failure, diagnosed */
static int
hostile_one(int full)
{
	uint8_t wire[TG_WIRE_MAX], pwire[TG_WIRE_MAX];
	char pname[TG_PRESENT_MAX];
	size_t wlen = random_wire(wire, full), plen = random_wire(pwire, 0), len = 0;
	struct tg_name q, p;
	struct tg_match m;
	struct tg_rule r = rule_army;
	struct tg_event ev;
	struct json_object* o = NULL;
	char* line;
	int good = 0;
	if(full && wlen != TG_WIRE_MAX)
		return ok(0, "full random name is 255 bytes, not %zu", wlen);
	if(tg_name_from_wire(&q, wire, wlen) != TG_OK ||
		tg_name_from_wire(&p, pwire, plen) != TG_OK)
		return ok(0, "random wire names convert");
	tg_name_present(pname, &p, 0);
	r.name = pname;
	random_match(&m, &q);
	event_base(&ev, &q);
	ev.rule = &r;
	ev.match = &m;
	if(!(line = tg_event_json(&ev, &len)))
		return ok(0, "tg_event_json returns a line");
	if(!is_ascii_line(line, len))
		diag("not one ASCII line: %s", line);
	else if(!(o = parse_line(line, len)))
		;
	else if(!reads_back(jstr(o, "/dns/question/name"), wire, wlen))
		diag("dns.question.name does not read back: %s", line);
	else if(!reads_back(jstr(o, "/typoguard/protected"), pwire, plen))
		diag("typoguard.protected does not read back: %s", line);
	else if(!reads_back(jstr(o, "/typoguard/typo"), wire + q.label_off[m.typo_label],
		wlen - q.label_off[m.typo_label]))
		diag("typoguard.typo does not read back: %s", line);
	else
		good = 1;
	json_object_put(o);
	free(line);
	return good;
}

/** thousands of random hostile names, and 255-byte ones: every line is clean */
static void
test_hostile(void)
{
	int i, bad = 0, full_bad = 0;
	for(i = 0; i < HOSTILE_ROUNDS && bad < 5; i++)
		if(!hostile_one(0))
			bad++;
	is_int(bad, 0, "%d hostile names: ASCII, one line, valid JSON, names read back",
		HOSTILE_ROUNDS);
	for(i = 0; i < 200 && full_bad < 5; i++)
		if(!hostile_one(1))
			full_bad++;
	is_int(full_bad, 0, "255-byte hostile names likewise");
}

/** the longest name, every byte escaped: \DDD for all 250 label bytes */
static void
test_longest(void)
{
	uint8_t wire[TG_WIRE_MAX];
	size_t p = 0, i, l;
	struct tg_name q;
	struct tg_event ev;
	struct json_object* o;
	for(l = 0; l < 4; l++) {
		size_t n = l < 3 ? 63 : 61;
		wire[p++] = (uint8_t)n;
		for(i = 0; i < n; i++)
			wire[p++] = (uint8_t)(0x80 + i);
	}
	wire[p++] = 0;
	is_int(p, TG_WIRE_MAX, "test name is 255 bytes");
	if(tg_name_from_wire(&q, wire, p) != TG_OK)
		return (void)ok(0, "255-byte name converts");
	event_base(&ev, &q);
	ev.match = NULL;
	if(!(o = encode(&ev)))
		return;
	ok(reads_back(jstr(o, "/dns/question/name"), wire, p), "255-byte name reads back");
	is_int(strlen(jstr(o, "/dns/question/name")), 250 * 4 + 3, "every byte as \\DDD");
	json_object_put(o);
}

/** a hand-made policy: army.mil protected, ok.army.ml allowed */
static struct tg_rule check_rules[2] = {
	{ "army.mil", 1, TG_ACTION_NXDOMAIN, { { 15, 1, 28 }, 3 }, "typo watch",
		"zones/mil.zone", 7, 1 },
	{ "ok.army.ml", 0, TG_ACTION_LOG, { { 0 }, 0 }, "our own mirror", "zones/mil.zone",
		9, 0 }
};

/** check one verdict; returns the parsed line for more checks, or NULL */
static struct json_object*
check_verdict(const char* name, enum tg_verdict v, const struct tg_match* m)
{
	struct tg_policy pol;
	struct tg_name n;
	size_t len = 0;
	char* line;
	struct json_object* o = NULL;
	memset(&pol, 0, sizeof(pol));
	pol.rules = check_rules;
	pol.count = 2;
	name_of(&n, name);
	if(!(line = tg_check_json(&pol, &n, v, m, &len))) {
		ok(0, "tg_check_json returns a line");
		return NULL;
	}
	if(ok(is_ascii_line(line, len), "check line for %s is one ASCII line", name))
		o = parse_line(line, len);
	free(line);
	is_str(jstr(o, "/name"), name, "check: name");
	return o;
}

/** the `typoguard check` line for each verdict */
static void
test_check(void)
{
	struct tg_match m = match_army, a = { 1, 0, { 0, 0, { 0 }, 0, { 0 }, 0 }, 0, 0, 0, "", "" };
	char buf[64];
	struct json_object* o;
	m.typo_label = 1;
	if((o = check_verdict("www.army.ml", TG_VERDICT_TYPO, &m))) {
		ok(json_object_get_boolean(jget(o, "/match")), "typo: match true");
		is_str(jstr(o, "/verdict"), "typo", "typo: verdict");
		is_str(jstr(o, "/protected"), "army.mil", "typo: protected");
		is_str(jstr(o, "/typo"), "army.ml", "typo: typo");
		is_str(jstr(o, "/edit/op"), "deletion", "typo: edit.op");
		is_str(jstr(o, "/edit/expected"), "i", "typo: edit.expected");
		is_str(jstr(o, "/action"), "nxdomain", "typo: action");
		is_str(jarr(o, "/qtypes", buf, sizeof(buf)), "MX,A,AAAA", "typo: qtypes");
		is_str(jstr(o, "/rule/file"), "zones/mil.zone", "typo: rule.file");
		is_int(jint(o, "/rule/line"), 7, "typo: rule.line");
		is_str(jstr(o, "/reason"), "typo watch", "typo: reason");
		json_object_put(o);
	}
	if((o = check_verdict("www.army.mil", TG_VERDICT_PROTECTED, &match_army))) {
		ok(!json_object_get_boolean(jget(o, "/match")), "protected: match false");
		is_str(jstr(o, "/verdict"), "protected", "protected: verdict");
		is_str(jstr(o, "/protected"), "army.mil", "protected: protected");
		ok(!jget(o, "/typo") && !jget(o, "/edit") && !jget(o, "/action"),
			"protected: no typo, edit or action");
		json_object_put(o);
	}
	if((o = check_verdict("x.ok.army.ml", TG_VERDICT_ALLOWED, &a))) {
		is_str(jstr(o, "/verdict"), "allowed", "allowed: verdict");
		is_str(jstr(o, "/allowed"), "ok.army.ml", "allowed: allowed");
		is_str(jstr(o, "/reason"), "our own mirror", "allowed: reason");
		is_int(jint(o, "/rule/line"), 9, "allowed: rule.line");
		ok(!jget(o, "/protected"), "allowed: no protected");
		json_object_put(o);
	}
	if((o = check_verdict("example.com", TG_VERDICT_NONE, &a))) {
		is_str(jstr(o, "/verdict"), "none", "none: verdict");
		is_int(json_object_object_length(o), 3, "none: only name, match, verdict");
		json_object_put(o);
	}
}

int
main(void)
{
	test_threads();
	test_full_event();
	test_copy();
	test_omitted();
	test_ecs_fields();
	test_transports();
	test_timestamp();
	test_mnemonics();
	test_psl();
	test_edit_dots();
	test_free_text();
	test_hostile();
	test_longest();
	test_check();
	return done_testing();
}
