/* tests/policy_t.c - unit tests of the policy loader: zone files to rules and matcher. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "policy.h"
#include "tap.h"

/** the name the in-memory zones go by in errors */
#define LABEL "t.zone"
/** names in the zone that checks the duplicate table as it grows */
#define MANY_NAMES 50000
/** room for a temporary file's path */
#define PATH_MAX_T 256

/** the default qtypes the tests load with: "TXT" so that defaults are told from givens */
static struct tg_qtypes dq;

/**
 * Load a zone from memory; fail the test with the error if it does not load.
 * @param text: the zone.
 * @param desc: what the test is.
 * @return: the policy, or NULL.
 */
static struct tg_policy*
load(const char* text, const char* desc)
{
	struct tg_policy* p = NULL;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	if(!ok(tg_policy_load_string(text, LABEL, &dq, &p, &err) == TG_OK && p,
		"%s: loads", desc))
		diag("error: %s", err.msg);
	return p;
}

/**
 * Check that a zone is refused, with the code and a message that starts with where and
 * has what after it.
 * @param text: the zone.
 * @param code: the error code expected.
 * @param where: the start of the message, "t.zone:3: ".
 * @param what: a part of the rest of the message.
 * @param desc: what the test is.
 */
static void
fails(const char* text, enum tg_err code, const char* where, const char* what,
	const char* desc)
{
	struct tg_policy* p = NULL;
	struct tg_error err;
	enum tg_err r;
	memset(&err, 0, sizeof(err));
	r = tg_policy_load_string(text, LABEL, &dq, &p, &err);
	is_int(r, code, "%s: refused with %s", desc, tg_strerror(code));
	ok(p == NULL, "%s: no policy", desc);
	if(!ok(strncmp(err.msg, where, strlen(where)) == 0 &&
		strstr(err.msg + strlen(where), what) != NULL,
		"%s: message \"%s...%s...\"", desc, where, what))
		diag("got \"%s\"", err.msg);
	tg_policy_free(p);
}

/**
 * Find a rule by name.
 * @param p: the policy.
 * @param name: the name.
 * @return: the rule or NULL.
 */
static const struct tg_rule*
rule(const struct tg_policy* p, const char* name)
{
	size_t i;
	for(i = 0; p && i < p->count; i++)
		if(strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	return NULL;
}

/**
 * Check one rule's fields.
 * @param p: the policy.
 * @param name: the rule's name.
 * @param protect: 1 for protected.
 * @param action: the action expected.
 * @param qtypes: the qtypes expected, as a list ("" for none).
 * @param reason: the reason expected, or NULL.
 * @param line: the line expected.
 */
static void
check_rule(const struct tg_policy* p, const char* name, int protect, enum tg_action action,
	const char* qtypes, const char* reason, int line)
{
	const struct tg_rule* r = rule(p, name);
	struct tg_qtypes q;
	memset(&q, 0, sizeof(q));
	if(!ok(r != NULL, "rule %s exists", name))
		return;
	if(*qtypes)
		tg_qtypes_parse(qtypes, &q);
	is_int(r->protect, protect, "%s: protect", name);
	is_str(tg_action_str(r->action), tg_action_str(action), "%s: action", name);
	ok(r->qtypes.count == q.count && memcmp(r->qtypes.type, q.type,
		q.count * sizeof(q.type[0])) == 0, "%s: qtypes are \"%s\"", name, qtypes);
	is_str(r->reason, reason, "%s: reason", name);
	is_int(r->line, line, "%s: line", name);
	is_str(r->file, LABEL, "%s: file", name);
}

/**
 * The verdict of the policy's matcher for a name.
 * @param p: the policy.
 * @param name: the name, presentation format.
 * @param id: receives the id matched.
 * @return: the verdict.
 */
static enum tg_verdict
verdict(const struct tg_policy* p, const char* name, uint32_t* id)
{
	struct tg_name n;
	struct tg_match m;
	enum tg_verdict v;
	memset(&m, 0, sizeof(m));
	*id = UINT32_MAX;
	if(tg_name_from_str(&n, name, NULL, NULL) != TG_OK)
		return (enum tg_verdict)-1;
	v = tg_matcher_match(p->matcher, &n, &m);
	*id = m.id;
	return v;
}

/** A zone with an SOA, relative and absolute owners, case, comments, every key. */
static void
test_soa_apex(void)
{
	struct tg_policy* p = load(
		"; a comment line\n"						/* 1 */
		"\n"								/* 2 */
		"$ORIGIN Policy.Example.\n"					/* 3 */
		"$TTL 300\n"							/* 4 */
		"@ IN SOA ns hostmaster 1 2 3 4 5\n"				/* 5 */
		"  NS ns\n"							/* 6 */
		"Army.MIL.protect TXT ( \"action=nxdomain\"\n"			/* 7 */
		"    \"qtypes=MX TYPE65 aaaa\" )\n"				/* 8 */
		"  \t ; an indented comment\n"					/* 9 */
		"navy.mil.PROTECT.policy.example. TXT \"reason=the navy\"\n"	/* 10 */
		"google.ml.allow TXT \"reason=legitimate site\"\n"		/* 11 */
		"gov.protect 60 IN TXT \"ACTION=Log\" \"reason=a=b c\"\n"	/* 12 */
		"x\\.y.allow TXT \"\"\n"					/* 13 */
		"\n", "SOA apex");
	uint32_t id;
	if(!p)
		return;
	is_int(p->count, 5, "five rules");
	is_int(p->protected_count, 3, "three protected");
	is_int(p->blocking_count, 1, "one rule blocks: army.mil's nxdomain");
	check_rule(p, "army.mil", 1, TG_ACTION_NXDOMAIN, "MX TYPE65 AAAA", NULL, 7);
	check_rule(p, "navy.mil", 1, TG_ACTION_LOG, "TXT", "the navy", 10);
	check_rule(p, "google.ml", 0, TG_ACTION_LOG, "", "legitimate site", 11);
	check_rule(p, "gov", 1, TG_ACTION_LOG, "TXT", "a=b c", 12);
	check_rule(p, "x\\.y", 0, TG_ACTION_LOG, "", NULL, 13);
	is_int(p->file_count, 1, "one file");
	is_str(p->files[0], LABEL, "the file is the label");
	is_int(verdict(p, "army.ml", &id), TG_VERDICT_TYPO, "army.ml is a typo");
	is_str(p->rules[id].name, "army.mil", "of army.mil: the rule index is the matcher id");
	is_int(verdict(p, "www.google.ml", &id), TG_VERDICT_ALLOWED, "www.google.ml is allowed");
	is_str(p->rules[id].name, "google.ml", "by google.ml");
	is_int(verdict(p, "www.army.mil", &id), TG_VERDICT_PROTECTED, "www.army.mil is protected");
	is_int(verdict(p, "example.com", &id), TG_VERDICT_NONE, "example.com is nothing");
	ok(tg_policy_memory(p) >= sizeof(*p) + tg_matcher_memory(p->matcher) + 5 *
		sizeof(struct tg_rule), "memory counts the rules and the matcher");
	tg_policy_free(p);
}

/** Without $ORIGIN, relative owners are under the SOA's owner, as ldns-read-zone has it. */
static void
test_soa_no_origin(void)
{
	struct tg_policy* p = load(
		"p.example. SOA ns.p.example. hm.p.example. 1 2 3 4 5\n"
		"army.mil.protect TXT \"action=log\"\n"
		"$ORIGIN protect.p.example.\n"
		"navy.mil TXT \"action=nxdomain\"\n", "SOA, no $ORIGIN");
	if(!p)
		return;
	check_rule(p, "army.mil", 1, TG_ACTION_LOG, "TXT", NULL, 2);
	check_rule(p, "navy.mil", 1, TG_ACTION_NXDOMAIN, "TXT", NULL, 4);
	tg_policy_free(p);
}

/** Without SOA the apex is the $ORIGIN in force, else the root. */
static void
test_origin_apex(void)
{
	struct tg_policy* p = load(
		"army.mil.protect TXT \"action=log\"\n"
		"navy.mil.protect. TXT \"action=log\"\n"
		"$ORIGIN a.\n"
		"af.mil.protect TXT \"action=log\"\n"
		"$ORIGIN b.a.\n"
		"mail.mil.allow TXT \"reason=r\"\n", "$ORIGIN apex");
	if(!p)
		return;
	is_int(p->count, 4, "four rules");
	is_int(p->blocking_count, 0, "no rule blocks: all log");
	check_rule(p, "army.mil", 1, TG_ACTION_LOG, "TXT", NULL, 1);
	check_rule(p, "navy.mil", 1, TG_ACTION_LOG, "TXT", NULL, 2);
	check_rule(p, "af.mil", 1, TG_ACTION_LOG, "TXT", NULL, 4);
	check_rule(p, "mail.mil", 0, TG_ACTION_LOG, "", "r", 6);
	tg_policy_free(p);
	fails("$ORIGIN b.a.\nmail.mil.protect.a. TXT \"action=log\"\n", TG_ERR_INVALID,
		LABEL ":2: ", "owner mail.mil.protect.a. is not below the apex b.a.",
		"an owner outside the $ORIGIN in force");
}

/** Line numbers: records after blank lines, comments, multi-line records, owner left out. */
static void
test_lines(void)
{
	struct tg_policy* p = load(
		"$ORIGIN p.\n"
		"a.protect TXT (\n"
		"  \"action=log\"\n"
		"  ; a comment inside\n"
		"  \"reason=r\" )\n"
		"\n"
		"   \n"
		"\t; comment\n"
		"b.protect TXT \"action=log\" ; comment after\n"
		"c.protect TXT \"action=log\"\r\n"
		"d.protect TXT \"action=log\"", "line numbers");
	if(!p)
		return;
	is_int(rule(p, "a") ? rule(p, "a")->line : 0, 2, "a multi-line record: its first line");
	is_int(rule(p, "b") ? rule(p, "b")->line : 0, 9, "after blank and comment lines");
	is_int(rule(p, "c") ? rule(p, "c")->line : 0, 10, "a CRLF line");
	is_int(rule(p, "d") ? rule(p, "d")->line : 0, 11, "the last line, no newline");
	tg_policy_free(p);
	fails("$ORIGIN p.\na.protect TXT \"action=log\"\n\n  ; x\n  TXT \"action=log\"\n",
		TG_ERR_INVALID, LABEL ":5: ", "a already declared at " LABEL ":2",
		"an indented record continues the owner");
}

/** Names with escapes, empty policies, a NULL default. */
static void
test_odd_inputs(void)
{
	struct tg_policy* p = load("", "an empty text");
	if(p)
		is_int(p->count, 0, "has no rules");
	tg_policy_free(p);
	p = load("$ORIGIN p.\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\n", "only SOA and NS");
	if(p)
		is_int(p->count, 0, "has no rules");
	tg_policy_free(p);
	p = load("a\\000b.allow TXT \"reason=\\\"quoted\\\"\"\n\\065\\.B.allow TXT \"\"\n",
		"escapes in allowed names");
	if(p) {
		ok(rule(p, "a\\000b") != NULL, "a NUL byte is \\000");
		ok(rule(p, "a\\.b") != NULL, "\\065 is lowercased, the dot kept escaped");
		is_str(rule(p, "a\\000b") ? rule(p, "a\\000b")->reason : NULL, "\"quoted\"",
			"a reason with quotes");
	}
	tg_policy_free(p);
	{
		struct tg_error err;
		if(ok(tg_policy_load_string("a.protect TXT \"action=log\"\n", LABEL, NULL, &p,
			&err) == TG_OK, "a NULL default_qtypes") && p)
			ok(p->rules[0].qtypes.count == 3 && p->rules[0].qtypes.type[0] == 15,
				"stands for MX A AAAA");
		tg_policy_free(p);
	}
	tg_policy_free(NULL);
	is_int(tg_policy_memory(NULL), 0, "memory of NULL");
}

/** Query type lists. */
static void
test_qtypes(void)
{
	struct tg_qtypes q;
	memset(&q, 0, sizeof(q));
	is_int(tg_qtypes_parse(" mx\tA  AAAA MX TYPE65 TYPE65535 ", &q), TG_OK, "a list parses");
	is_int(q.count, 5, "duplicates are dropped");
	ok(q.type[0] == 15 && q.type[1] == 1 && q.type[2] == 28 && q.type[3] == 65 &&
		q.type[4] == 65535, "in the order given");
	ok(tg_qtypes_has(&q, 28) && !tg_qtypes_has(&q, 16), "has AAAA, not TXT");
	is_int(tg_qtypes_parse("ANY HTTPS SVCB CAA", &q), TG_OK, "newer and meta types");
	is_int(tg_qtypes_parse("", &q), TG_ERR_INVALID, "an empty list");
	is_int(tg_qtypes_parse("  ", &q), TG_ERR_INVALID, "a blank list");
	is_int(tg_qtypes_parse("MX FOO", &q), TG_ERR_INVALID, "an unknown type");
	is_int(tg_qtypes_parse("TYPE0", &q), TG_ERR_INVALID, "TYPE0");
	is_int(tg_qtypes_parse("TYPE65536", &q), TG_ERR_INVALID, "TYPE65536");
	is_int(tg_qtypes_parse("TYPE-1", &q), TG_ERR_INVALID, "TYPE-1");
	is_int(tg_qtypes_parse("TYPE01", &q), TG_ERR_INVALID, "TYPE01");
	is_int(tg_qtypes_parse("TYPE1x", &q), TG_ERR_INVALID, "TYPE1x");
	is_int(tg_qtypes_parse("TYPE00000000000000000001", &q), TG_ERR_INVALID,
		"a long TYPE number is not cut to a valid one");
	is_int(tg_qtypes_parse("A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX TXT",
		&q), TG_OK, "sixteen types");
	is_int(tg_qtypes_parse("A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX TXT "
		"AAAA", &q), TG_ERR_LIMIT, "seventeen types");
	is_str(tg_action_str(TG_ACTION_LOG), "log", "action log");
	is_str(tg_action_str(TG_ACTION_NXDOMAIN), "nxdomain", "action nxdomain");
}

/** Records that are not rules, and ldns's own errors. */
static void
test_record_errors(void)
{
	fails("$ORIGIN p.\n\na.protect IN A 1.2.3\n", TG_ERR_SYNTAX, LABEL ":3: ",
		"could not parse the RR's rdata", "a record ldns cannot parse");
	fails("a.protect IN BOGUS x\n", TG_ERR_SYNTAX, LABEL ":1: ", "",
		"an unknown record type");
	/* ldns takes the rest of the file into an unclosed parenthesis */
	fails("a.protect TXT (\"action=log\"\nb.protect TXT \"action=log\"\n", TG_ERR_SYNTAX,
		LABEL ":1: ", "a: TXT string \"b.protect\" is not key=value",
		"an unclosed parenthesis");
	fails("$ORIGIN p.\n$INCLUDE other.zone\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"$INCLUDE is not supported", "$INCLUDE");
	fails("$ORIGIN p.\na.protect A 192.0.2.1\n", TG_ERR_INVALID, LABEL ":2: ",
		"A record at a.protect.p.: only SOA, NS and TXT", "an A record");
	fails("$ORIGIN p.\n\na.allow MX 10 mx\n", TG_ERR_INVALID, LABEL ":3: ",
		"MX record at a.allow.p.: only SOA, NS and TXT", "an MX record");
	fails("@ SOA ns hm 1 2 3 4 5\n@ SOA ns hm 2 2 3 4 5\n", TG_ERR_INVALID, LABEL ":2: ",
		"second SOA record (the first is at line 1)", "two SOA records");
	fails("$ORIGIN p.\na.protect TXT \"action=log\"\n@ SOA ns hm 1 2 3 4 5\n",
		TG_ERR_INVALID, LABEL ":3: ", "SOA record after the first TXT record",
		"an SOA after a rule");
}

/** Owners that declare no name. */
static void
test_owner_errors(void)
{
	fails("p. SOA ns.p. hm.p. 1 2 3 4 5\nx.protect.q. TXT \"action=log\"\n", TG_ERR_INVALID,
		LABEL ":2: ", "owner x.protect.q. is not below the apex p.", "outside the apex");
	fails("$ORIGIN p.\n@ SOA ns hm 1 2 3 4 5\n@ TXT \"action=log\"\n", TG_ERR_INVALID,
		LABEL ":3: ", "owner p. is not below the apex p.", "a TXT at the apex");
	fails("$ORIGIN p.\nx.protect.y TXT \"action=log\"\n", TG_ERR_INVALID, LABEL ":2: ",
		"owner x.protect.y.p. is not <name>.protect or <name>.allow under the apex p.",
		".protect not directly under the apex");
	fails("$ORIGIN p.\nx.allowed TXT \"action=log\"\n", TG_ERR_INVALID, LABEL ":2: ",
		"is not <name>.protect or <name>.allow", "a label that is not protect or allow");
	fails("$ORIGIN p.\nprotect TXT \"action=log\"\n", TG_ERR_INVALID, LABEL ":2: ",
		"owner protect.p. has no name before its .protect", "no name before .protect");
	fails("$ORIGIN p.\nallow TXT \"reason=x\"\n", TG_ERR_INVALID, LABEL ":2: ",
		"has no name before its .protect or .allow label", "no name before .allow");
	fails("$ORIGIN p.\na\\.b.protect TXT \"action=log\"\n", TG_ERR_NAME, LABEL ":2: ",
		"protected name a\\.b has a '.' or NUL byte inside a label", "a dot in a label");
	fails("$ORIGIN p.\na\\000.protect TXT \"action=log\"\n", TG_ERR_NAME, LABEL ":2: ",
		"protected name a\\000 has a '.' or NUL byte", "a NUL byte in a label");
	fails("$ORIGIN p.\n*.com.protect TXT \"action=log\"\n", TG_ERR_NAME, LABEL ":2: ",
		"protected name *.com is not a host name", "a wildcard is not a host name");
	fails("$ORIGIN p.\nmy\\ bank.com.protect TXT \"action=log\"\n", TG_ERR_NAME, LABEL ":2: ",
		"is not a host name: a label may hold only letters, digits and hyphens",
		"a label with a space");
	fails("$ORIGIN p.\nb\xc3\xbc" "cher.de.protect TXT \"action=log\"\n", TG_ERR_NAME,
		LABEL ":2: ", "is an IDN written in UTF-8: refused, write its A-label (xn--",
		"an IDN in UTF-8 is refused, saying so");
	{
		struct tg_policy* p = load("$ORIGIN p.\nxn--bcher-kva.de.protect TXT \"action=log\"\n"
			"b\xc3\xbc" "cher.de.allow TXT \"reason=allowed names are any name\"\n",
			"an A-label protected, a UTF-8 name allowed");
		tg_policy_free(p);
	}
}

/** action=nullmx, and the SOA a rule's negative answers carry. */
static void
test_nullmx_soa(void)
{
	static const uint8_t apex[] = { 1, 'p', 0 };
	const struct tg_soa* soa;
	struct tg_policy* p = load("$ORIGIN p.\n@ SOA ns hm 1 2 3 4 77\n"
		"x.protect TXT \"action=nullmx\"\n", "nullmx");
	if(!p)
		return;
	ok(p->rules[0].action == TG_ACTION_NULLMX, "action=nullmx is read");
	ok(strcmp(tg_action_str(TG_ACTION_NULLMX), "nullmx") == 0, "and named nullmx");
	soa = tg_policy_soa(p, &p->rules[0]);
	ok(soa && soa->minimum == 77, "the rule's SOA has the zone's minimum, 77");
	ok(soa && soa->owner_len == sizeof(apex) && memcmp(soa->owner, apex, sizeof(apex)) == 0,
		"owned by the apex p.");
	ok(soa && soa->rdata_len == 6 + 6 + 5 * 4,
		"with the whole rdata (ns.p. hm.p. 5 numbers)");
	tg_policy_free(p);
	p = load("x.protect TXT \"action=nxdomain\"\n", "no SOA");
	if(p)
		ok(tg_policy_soa(p, &p->rules[0]) == NULL, "a zone without SOA gives none");
	tg_policy_free(p);
}

/** TXT strings that do not say what they should. */
static void
test_string_errors(void)
{
	fails("x.protect TXT \"colour=blue\"\n", TG_ERR_INVALID, LABEL ":1: ",
		"x: unknown key \"colour\"", "an unknown key");
	fails("x.protect TXT \"action\"\n", TG_ERR_SYNTAX, LABEL ":1: ",
		"x: TXT string \"action\" is not key=value", "no '='");
	fails("x.protect TXT \"action=\"\n", TG_ERR_SYNTAX, LABEL ":1: ",
		"x: action= has no value", "an empty value");
	fails("x.protect TXT \"action=explode\"\n", TG_ERR_INVALID, LABEL ":1: ",
		"x: action=explode: expected log, nxdomain or nullmx", "a bad action");
	fails("x.protect TXT \"action=nxdomain qtypes=MX\"\n", TG_ERR_INVALID, LABEL ":1: ",
		"expected log, nxdomain or nullmx (one key=value per string)", "two pairs in one string");
	fails("x.protect TXT \"action=log\" \"action=nxdomain\"\n", TG_ERR_INVALID,
		LABEL ":1: ", "x: action= given twice", "a key given twice");
	fails("x.protect TXT \"qtypes=MX FOO A\"\n", TG_ERR_INVALID, LABEL ":1: ",
		"x: qtypes=MX FOO A: unknown query type FOO", "an unknown query type");
	fails("x.protect TXT \"qtypes=  \"\n", TG_ERR_INVALID, LABEL ":1: ",
		"x: qtypes= names no query type", "blank qtypes");
	fails("x.protect TXT \"qtypes=A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO "
		"MX TXT AAAA\"\n", TG_ERR_LIMIT, LABEL ":1: ", "more than 16 query types",
		"too many query types");
	fails("x.allow TXT \"qtypes=MX\"\n", TG_ERR_INVALID, LABEL ":1: ",
		"x: qtypes= is only for protected names", "qtypes on an allow");
	fails("x.allow TXT \"action=log\"\n", TG_ERR_INVALID, LABEL ":1: ",
		"x: action= is only for protected names", "action on an allow");
	fails("x.allow TXT \"reason=a\\000b\"\n", TG_ERR_SYNTAX, LABEL ":1: ",
		"x: TXT string has a NUL byte", "a NUL byte in a string");
}

/** A name declared twice, in one text. */
static void
test_duplicates(void)
{
	fails("$ORIGIN p.\narmy.mil.protect TXT \"action=log\"\n\n"
		"Army.Mil.protect TXT \"action=log\"\n", TG_ERR_INVALID, LABEL ":4: ",
		"army.mil already declared at " LABEL ":2", "the same name, another case");
	fails("$ORIGIN p.\narmy.mil.protect TXT \"action=log\"\n"
		"army.mil.allow TXT \"reason=x\"\n", TG_ERR_INVALID, LABEL ":3: ",
		"army.mil already declared at " LABEL ":2", "protected and allowed");
	fails("$ORIGIN p.\na.protect TXT \"action=log\"\n$ORIGIN q.\n"
		"a.protect TXT \"action=log\"\n", TG_ERR_INVALID, LABEL ":4: ",
		"a already declared at " LABEL ":2", "under two origins");
}

/**
 * Write a temporary file.
 * @param path: receives its name; PATH_MAX_T bytes.
 * @param text: what to write.
 * @return: 1 on success.
 */
static int
tmp_file(char* path, const char* text)
{
	FILE* fp;
	int fd;
	snprintf(path, PATH_MAX_T, "/tmp/policy_t.XXXXXX");
	if((fd = mkstemp(path)) < 0 || !(fp = fdopen(fd, "w")))
		return 0;
	fputs(text, fp);
	return fclose(fp) == 0;
}

/** Several files: rules from each, a name declared in two, a missing file. */
static void
test_files(void)
{
	char a[PATH_MAX_T], b[PATH_MAX_T], want[2 * PATH_MAX_T + 64];
	const char* files[3];
	struct tg_policy* p = NULL;
	struct tg_error err;
	if(!ok(tmp_file(a, "$ORIGIN p.\n@ SOA ns hm 1 2 3 4 5\n\narmy.mil.protect TXT "
		"\"action=nxdomain\"\n") && tmp_file(b, "$ORIGIN q.\nnavy.mil.protect TXT "
		"\"action=log\"\nx.allow TXT \"reason=r\"\n"), "temporary files"))
		return;
	files[0] = a;
	files[1] = b;
	memset(&err, 0, sizeof(err));
	is_int(tg_policy_load(files, 2, &dq, &p, &err), TG_OK, "two files load");
	if(p) {
		is_int(p->count, 3, "three rules");
		is_int(p->file_count, 2, "two files kept");
		is_str(rule(p, "army.mil") ? rule(p, "army.mil")->file : NULL, a, "first file");
		is_str(rule(p, "navy.mil") ? rule(p, "navy.mil")->file : NULL, b, "second file");
		ok(rule(p, "army.mil") && rule(p, "army.mil")->file == p->files[0],
			"rules point at the policy's copy");
		is_int(rule(p, "x") ? rule(p, "x")->line : 0, 3, "line in the second file");
	}
	tg_policy_free(p);
	files[1] = a;
	is_int(tg_policy_load(files, 2, &dq, &p, &err), TG_ERR_INVALID, "a file listed twice");
	snprintf(want, sizeof(want), "%s: listed twice", a);
	is_str(err.msg, want, "says so");
	files[1] = b;
	files[2] = a;
	tg_policy_free(p);
	unlink(b);
	if(tmp_file(b, "$ORIGIN r.\n\nArmy.mil.protect TXT \"action=log\"\n")) {
		is_int(tg_policy_load(files + 1, 2, &dq, &p, &err), TG_ERR_INVALID,
			"a name declared in two files");
		snprintf(want, sizeof(want), "%s:4: army.mil already declared at %s:3", a, b);
		is_str(err.msg, want, "names both places");
		unlink(b);
	}
	is_int(tg_policy_load(files, 0, &dq, &p, &err), TG_OK, "no files: an empty policy");
	if(p)
		is_int(p->count, 0, "with no rules");
	tg_policy_free(p);
	unlink(a);
	is_int(tg_policy_load(files, 1, &dq, &p, &err), TG_ERR_IO, "a missing file");
	snprintf(want, sizeof(want), "%s: No such file or directory", a);
	is_str(err.msg, want, "file: strerror");
	ok(p == NULL, "no policy");
}

/** Many names: the duplicate table grows and still finds the last duplicate. */
static void
test_many(void)
{
	size_t i, len = 0, room = (size_t)MANY_NAMES * 48 + 256;
	char* text = malloc(room);
	char want[128];
	struct tg_policy* p;
	if(!ok(text != NULL, "memory for a big zone"))
		return;
	len += (size_t)snprintf(text + len, room - len, "$ORIGIN p.\n");
	for(i = 0; i < MANY_NAMES; i++)
		len += (size_t)snprintf(text + len, room - len,
			"n%zu.example.protect TXT \"action=log\"\n", i);
	p = load(text, "many names");
	if(p) {
		is_int(p->count, MANY_NAMES, "all of them");
		is_str(p->rules[MANY_NAMES - 1].name, "n49999.example", "the last one");
	}
	tg_policy_free(p);
	snprintf(text + len, room - len, "N12345.example.protect TXT \"action=log\"\n");
	snprintf(want, sizeof(want), "n12345.example already declared at " LABEL ":%d",
		12345 + 2);
	fails(text, TG_ERR_INVALID, LABEL ":50002: ", want, "a duplicate after many names");
	free(text);
}

/**
 * Write a zone of many names to a temporary file: big enough that the loader adds the names
 * to the matcher from a helper thread.
 * @param path: receives its name; PATH_MAX_T bytes.
 * @param last: a line to end it with, or "".
 * @return: 1 on success.
 */
static int
big_file(char* path, const char* last)
{
	FILE* fp;
	size_t i;
	int fd;
	snprintf(path, PATH_MAX_T, "/tmp/policy_t.XXXXXX");
	if((fd = mkstemp(path)) < 0 || !(fp = fdopen(fd, "w")))
		return 0;
	fputs("$ORIGIN p.\n@ SOA ns hm 1 2 3 4 5\n", fp);
	for(i = 0; i < MANY_NAMES; i++)
		fprintf(fp, "n%zu.example.%s TXT \"reason=r%zu\"\n", i,
			i % 1000 == 999 ? "allow" : "protect", i);
	fputs(last, fp);
	return fclose(fp) == 0;
}

/** A big file, its names added to the matcher by the helper thread: same rules, same errors. */
static void
test_big_file(void)
{
	char path[PATH_MAX_T], want[2 * PATH_MAX_T + 64];
	const char* files[1] = { path };
	struct tg_policy* p = NULL;
	struct tg_error err;
	uint32_t id;
	memset(&err, 0, sizeof(err));
	if(!ok(big_file(path, ""), "a big temporary file"))
		return;
	if(!ok(tg_policy_load(files, 1, &dq, &p, &err) == TG_OK && p, "a big file loads"))
		diag("error: %s", err.msg);
	unlink(path);
	if(p) {
		is_int(p->count, MANY_NAMES, "all its names");
		is_int(p->protected_count, MANY_NAMES - MANY_NAMES / 1000, "protected and allowed");
		is_int(verdict(p, "www.n12345.example", &id), TG_VERDICT_PROTECTED,
			"below a protected name");
		is_int(id, 12345, "which one");
		is_int(verdict(p, "n12345.exampl", &id), TG_VERDICT_TYPO, "a typo");
		is_int(id, 12345, "of which");
		is_int(verdict(p, "n999.example", &id), TG_VERDICT_ALLOWED, "an allowed name");
		is_str(p->rules[MANY_NAMES - 1].reason, "r49999", "the last rule");
	}
	tg_policy_free(p);
	p = NULL;
	if(big_file(path, "n777.example.protect TXT \"action=log\"\n")) {
		is_int(tg_policy_load(files, 1, &dq, &p, &err), TG_ERR_INVALID,
			"a big file with a duplicate at its end");
		snprintf(want, sizeof(want), "%s:%d: n777.example already declared at %s:%d",
			path, MANY_NAMES + 3, path, 777 + 3);
		is_str(err.msg, want, "names both places");
		ok(p == NULL, "no policy");
		unlink(path);
	}
	if(big_file(path, "x.protect TXT \"action=drop\"\n")) {
		is_int(tg_policy_load(files, 1, &dq, &p, &err), TG_ERR_INVALID,
			"a big file with a bad record at its end");
		snprintf(want, sizeof(want), "%s:%d: ", path, MANY_NAMES + 3);
		ok(strncmp(err.msg, want, strlen(want)) == 0, "says where: %s", err.msg);
		unlink(path);
	}
}

/** The zones typoguard ships. */
static void
test_shipped(void)
{
	const char* srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
	char mil[PATH_MAX_T], ex[PATH_MAX_T];
	const char* files[2] = { mil, ex };
	struct tg_policy* p = NULL;
	struct tg_error err;
	const struct tg_rule* r;
	uint32_t id;
	snprintf(mil, sizeof(mil), "%s/zones/mil.zone", srcdir);
	snprintf(ex, sizeof(ex), "%s/zones/example.zone", srcdir);
	memset(&err, 0, sizeof(err));
	if(!ok(tg_policy_load(files, 2, NULL, &p, &err) == TG_OK, "the shipped zones load"))
		diag("error: %s", err.msg);
	if(!p)
		return;
	r = rule(p, "mil");
	ok(r && r->protect && r->action == TG_ACTION_NXDOMAIN && r->qtypes.count == 3,
		"mil.zone protects mil, nxdomain, three qtypes");
	ok(rule(p, "il") && !rule(p, "il")->protect, "and allows il");
	is_int(verdict(p, "army.ml", &id), TG_VERDICT_TYPO, "army.ml is a typo");
	is_str(p->rules[id].name, "army.mil", "of army.mil");
	is_int(verdict(p, "www.idf.il", &id), TG_VERDICT_ALLOWED, "www.idf.il is allowed");
	r = rule(p, "mail.example.org");
	ok(r && r->action == TG_ACTION_NXDOMAIN && r->reason, "example.zone: mail.example.org");
	ok(rule(p, "shop.example") != NULL, "example.zone: the absolute, mixed-case owner");
	tg_policy_free(p);
}

int
main(void)
{
	tg_qtypes_parse("TXT", &dq);
	test_soa_apex();
	test_soa_no_origin();
	test_origin_apex();
	test_lines();
	test_odd_inputs();
	test_qtypes();
	test_record_errors();
	test_owner_errors();
	test_string_errors();
	test_nullmx_soa();
	test_duplicates();
	test_files();
	test_many();
	test_big_file();
	test_shipped();
	return done_testing();
}
