/* tests/settings_t.c - unit tests of the settings file: keys, quoting, paths, errors. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "settings.h"
#include "tap.h"

/** the name the in-memory settings go by in errors */
#define LABEL "s.conf"
/** room for a temporary path */
#define PATH_MAX_T 512

/**
 * Check that settings text is refused, with the code and a message that starts with where and
 * has what after it; and that the settings are left cleared.
 * @param text: the settings.
 * @param code: the error code expected.
 * @param where: the start of the message, "s.conf:3: ".
 * @param what: a part of the rest of the message.
 * @param desc: what the test is.
 */
static void
fails(const char* text, enum tg_err code, const char* where, const char* what,
	const char* desc)
{
	struct tg_settings s;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	is_int(tg_settings_parse(text, LABEL, &s, &err), code, "%s: refused with %s", desc,
		tg_strerror(code));
	ok(s.source == NULL && s.policy_files == 0 && s.log_file == NULL,
		"%s: settings left cleared", desc);
	if(!ok(strncmp(err.msg, where, strlen(where)) == 0 &&
		strstr(err.msg + strlen(where), what) != NULL,
		"%s: message \"%s...%s...\"", desc, where, what))
		diag("got \"%s\"", err.msg);
}

/**
 * Whether a set of query types is exactly MX A AAAA.
 * @param q: the set.
 * @return: 1 if so.
 */
static int
is_mx_a_aaaa(const struct tg_qtypes* q)
{
	return q->count == 3 && q->type[0] == 15 && q->type[1] == 1 && q->type[2] == 28;
}

/** Keys, repeats, quotes, comments, relative and absolute paths. */
static void
test_good(void)
{
	struct tg_settings s;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	if(!ok(tg_settings_parse(
		"# typoguard settings\n"
		"\n"
		"typoguard:   # the clause\n"
		"\tpolicy-file: \"mil.zone\"\n"
		"  policy-file: /abs/other.zone   # a comment\n"
		"  policy-file:\"sub dir/with # hash.zone\"\r\n"
		"  log-file: ../log/events.json\n"
		"  qtypes: \"MX A\" \n"
		"typoguard:\n", "/etc/tg/typoguard.conf", &s, &err) == TG_OK, "good settings parse"))
		diag("error: %s", err.msg);
	is_str(s.source, "/etc/tg/typoguard.conf", "source");
	is_int(s.policy_files, 3, "three policy files");
	is_str(s.policy_file[0], "/etc/tg/mil.zone", "a relative path joins the directory");
	is_str(s.policy_file[1], "/abs/other.zone", "an absolute path is kept");
	is_str(s.policy_file[2], "/etc/tg/sub dir/with # hash.zone",
		"quotes keep spaces and '#'; CR is dropped");
	is_str(s.log_file, "/etc/tg/../log/events.json", "a relative log file");
	ok(s.qtypes.count == 2 && s.qtypes.type[0] == 15 && s.qtypes.type[1] == 1,
		"qtypes MX A");
	tg_settings_clear(&s);
	ok(s.source == NULL && s.policy_files == 0 && s.log_file == NULL, "clear zeroes");

	if(ok(tg_settings_parse("typoguard:\n policy-file: a.zone\n qtypes: MX A AAAA TXT\n",
		"s.conf", &s, &err) == TG_OK, "a label without a directory")) {
		is_str(s.policy_file[0], "a.zone", "keeps a relative path as it is");
		is_str(s.log_file, tg_settings_default_log(), "no log-file: the default");
		is_int(s.qtypes.count, 4, "an unquoted list of qtypes");
	}
	tg_settings_clear(&s);

	if(ok(tg_settings_parse("", "/x.conf", &s, &err) == TG_OK, "an empty file")) {
		is_int(s.policy_files, 0, "names no policy file");
		ok(is_mx_a_aaaa(&s.qtypes), "qtypes default to MX A AAAA");
		is_str(s.source, "/x.conf", "has its source");
	}
	tg_settings_clear(&s);
	if(ok(tg_settings_parse("typoguard:\n log-file: x\n", "/x.conf", &s, &err) == TG_OK,
		"a file at the root"))
		is_str(s.log_file, "/x", "joins the root directory");
	tg_settings_clear(&s);
}

/** The database keys, the check interval and resolve-blocked. */
static void
test_geo(void)
{
	struct tg_settings s;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	if(ok(tg_settings_parse("typoguard:\n"
		"  geoip-city-db: GeoLite2-City.mmdb\n"
		"  geoip-asn-db: \"/var/lib/GeoIP/GeoLite2-ASN.mmdb\"\n"
		"  site-db: sites/our sites.mmdb\n"
		"  geoip-check-interval: 5\n"
		"  resolve-blocked: yes\n"
		"  resolve-blocked-max: 20\n", "/etc/tg/typoguard.conf", &s, &err) == TG_OK,
		"database settings parse")) {
		is_str(s.geo_db[TG_GEO_CITY], "/etc/tg/GeoLite2-City.mmdb",
			"geoip-city-db: a relative path joins the directory");
		is_str(s.geo_db[TG_GEO_ASN], "/var/lib/GeoIP/GeoLite2-ASN.mmdb",
			"geoip-asn-db: an absolute path is kept");
		is_str(s.geo_db[TG_GEO_SITE], "/etc/tg/sites/our sites.mmdb", "site-db");
		is_int(s.geo_check_interval, 5, "geoip-check-interval");
		is_int(s.resolve_blocked, 1, "resolve-blocked: yes");
		is_int(s.resolve_blocked_max, 20, "resolve-blocked-max: 20");
	} else
		diag("%s", err.msg);
	tg_settings_clear(&s);
	ok(s.geo_db[TG_GEO_CITY] == NULL && s.resolve_blocked == 0, "clear zeroes them");
	if(ok(tg_settings_parse("typoguard:\n  resolve-blocked: no\n", LABEL, &s, &err) ==
		TG_OK, "resolve-blocked: no")) {
		is_int(s.resolve_blocked, 0, "is off");
		ok(!s.geo_db[TG_GEO_CITY] && !s.geo_db[TG_GEO_ASN] && !s.geo_db[TG_GEO_SITE],
			"no database unless named");
		is_int(s.geo_check_interval, 0, "the check interval is the default");
		is_int(s.resolve_blocked_max, 0, "resolve-blocked-max is the default");
	}
	tg_settings_clear(&s);
}

/** Every way a settings text is refused. */
static void
test_errors(void)
{
	fails("typoguard:\n  colour: blue\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"unknown key \"colour:\"", "an unknown key");
	fails("server:\n", TG_ERR_SYNTAX, LABEL ":1: ", "unknown key \"server:\"",
		"an unknown clause");
	fails("# c\nlog-file: x\ntypoguard:\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"log-file: is outside the typoguard: clause", "a key before the clause");
	fails("typoguard:\n\n  log-file:\n", TG_ERR_SYNTAX, LABEL ":3: ",
		"log-file: missing value", "a missing value");
	fails("typoguard:\n  policy-file: \"\"  # empty\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"policy-file: missing value", "an empty quoted value");
	fails("typoguard:\n  log-file: \"x # y\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"unterminated quote", "an unterminated quote");
	fails("typoguard:\n  log-file: \"x\" y\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"log-file: text after the closing quote", "text after a quote");
	fails("typoguard:\n  log-file: a\n  log-file: b\n", TG_ERR_INVALID, LABEL ":3: ",
		"log-file: given twice (first at line 2)", "log-file twice");
	fails("typoguard:\n  qtypes: A\n  qtypes: MX\n", TG_ERR_INVALID, LABEL ":3: ",
		"qtypes: given twice (first at line 2)", "qtypes twice");
	fails("typoguard:\n  qtypes: MX FOO\n", TG_ERR_INVALID, LABEL ":2: ",
		"qtypes: \"MX FOO\" is not a list of query types", "an unknown query type");
	fails("typoguard:\n  qtypes: A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX "
		"TXT AAAA\n", TG_ERR_LIMIT, LABEL ":2: ", "qtypes: more than 16 query types",
		"too many query types");
	fails("typoguard: policy-file: x\n", TG_ERR_SYNTAX, LABEL ":1: ",
		"typoguard: takes no value", "a value on the clause line");
	fails("typoguard:\n  log-file x\n", TG_ERR_SYNTAX, LABEL ":2: ",
		"expected \"key: value\"", "no colon");
	fails("typoguard:\n  : x\n", TG_ERR_SYNTAX, LABEL ":2: ", "expected \"key: value\"",
		"no key");
	fails("typoguard\n", TG_ERR_SYNTAX, LABEL ":1: ", "expected \"key: value\"",
		"a clause without its colon");
	fails("typoguard:\n  geoip-city-db: a\n  geoip-city-db: b\n", TG_ERR_INVALID,
		LABEL ":3: ", "geoip-city-db: given twice (first at line 2)", "a database twice");
	fails("typoguard:\n  geoip-check-interval: 0\n", TG_ERR_INVALID, LABEL ":2: ",
		"geoip-check-interval: \"0\" is not a number of seconds from 1 to 60",
		"a check interval of 0");
	fails("typoguard:\n  geoip-check-interval: 61\n", TG_ERR_INVALID, LABEL ":2: ",
		"from 1 to 60", "a check interval over a minute");
	fails("typoguard:\n  geoip-check-interval: 10s\n", TG_ERR_INVALID, LABEL ":2: ",
		"\"10s\" is not a number", "a check interval with a unit");
	fails("typoguard:\n  resolve-blocked-max: 0\n", TG_ERR_INVALID, LABEL ":2: ",
		"resolve-blocked-max: \"0\" is not a number from 1 to 100000",
		"resolve-blocked-max: 0");
	fails("typoguard:\n  resolve-blocked-max: 100001\n", TG_ERR_INVALID, LABEL ":2: ",
		"resolve-blocked-max: \"100001\" is not a number from 1 to 100000",
		"resolve-blocked-max: 100001");
	fails("typoguard:\n  resolve-blocked-max: 5x\n", TG_ERR_INVALID, LABEL ":2: ",
		"resolve-blocked-max: \"5x\" is not a number from 1 to 100000",
		"resolve-blocked-max: 5x");
	fails("typoguard:\n  resolve-blocked: maybe\n", TG_ERR_INVALID, LABEL ":2: ",
		"resolve-blocked: \"maybe\" is not yes or no", "resolve-blocked: maybe");
}

/** More policy-file: lines than the settings hold. */
static void
test_too_many_files(void)
{
	char text[TG_POLICY_FILES_MAX * 24 + 64], want[32];
	size_t i, len = 0;
	len += (size_t)snprintf(text, sizeof(text), "typoguard:\n");
	for(i = 0; i <= TG_POLICY_FILES_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "policy-file: %zu\n", i);
	snprintf(want, sizeof(want), LABEL ":%d: ", TG_POLICY_FILES_MAX + 2);
	fails(text, TG_ERR_LIMIT, want, "more than 64 policy-file: lines",
		"too many policy files");
}

/** The embedded defaults. */
static void
test_defaults(void)
{
	struct tg_settings s;
	struct tg_policy* p = NULL;
	struct tg_error err;
	size_t i, allowed = 0;
	memset(&err, 0, sizeof(err));
	ok(strstr(tg_default_policy, " SOA ") != NULL, "the default policy has an SOA");
	is_int(tg_settings_default(&s, "/x/events.json"), TG_OK, "default settings");
	ok(s.source == NULL && s.policy_files == 0, "no source, no policy files");
	is_str(s.log_file, "/x/events.json", "the given log file");
	ok(is_mx_a_aaaa(&s.qtypes), "qtypes MX A AAAA");
	if(ok(tg_settings_policy(&s, &p, &err) == TG_OK && p, "the default policy loads"))
		for(i = 0; i < p->count; i++) {
			const struct tg_rule* r = &p->rules[i];
			if(!r->protect) {
				allowed++;
				continue;
			}
			ok((strcmp(r->name, "mil") == 0 || strcmp(r->name, "gov") == 0) &&
				r->action == TG_ACTION_LOG && is_mx_a_aaaa(&r->qtypes),
				"default protects %s, action log, MX A AAAA", r->name);
		}
	if(p) {
		is_int(p->protected_count, 2, "two protected names");
		is_int(allowed, p->count - 2, "the rest allowed");
	}
	tg_policy_free(p);
	tg_settings_clear(&s);
	is_int(tg_settings_default(&s, NULL), TG_OK, "default settings, no log file");
	is_str(s.log_file, tg_settings_default_log(), "the default log file");
	tg_settings_clear(&s);
#ifdef TG_DEFAULT_CONF
	is_str(tg_settings_default_path(), TG_DEFAULT_CONF, "default path from the Makefile");
#else
	is_str(tg_settings_default_path(), "/usr/local/etc/typoguard/typoguard.conf",
		"default path");
#endif
#ifdef TG_DEFAULT_LOG
	is_str(tg_settings_default_log(), TG_DEFAULT_LOG, "default log from the Makefile");
#else
	is_str(tg_settings_default_log(), "/usr/local/var/log/typoguard/events.json",
		"default log");
#endif
}

/**
 * Write a file.
 * @param dir: its directory.
 * @param name: its name.
 * @param text: its contents.
 * @param len: their length.
 * @return: 1 on success.
 */
static int
write_file(const char* dir, const char* name, const char* text, size_t len)
{
	char path[PATH_MAX_T];
	FILE* fp;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if(!(fp = fopen(path, "w")))
		return 0;
	fwrite(text, 1, len, fp);
	return fclose(fp) == 0;
}

/** the files test_files() writes, the directory last */
static const char* const test_file_names[] = { "zones/a.zone", "zones/bad.zone", "t.conf",
	"nul.conf", "bad.conf", "zones" };

/**
 * Remove what test_files() wrote.
 * @param dir: the temporary directory.
 */
static void
remove_files(const char* dir)
{
	char path[PATH_MAX_T];
	size_t i;
	for(i = 0; i < sizeof(test_file_names) / sizeof(test_file_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, test_file_names[i]);
		remove(path);
	}
	rmdir(dir);
}

/** Files: relative policy files found beside the settings, load errors. */
static void
test_files(void)
{
	char dir[] = "/tmp/settings_t.XXXXXX", conf[PATH_MAX_T], want[PATH_MAX_T + 64];
	const char* zone = "$ORIGIN p.\n@ SOA ns hm 1 2 3 4 5\narmy.mil.protect TXT "
		"\"action=nxdomain\"\nnavy.mil.protect TXT \"qtypes=TXT\" \"reason=x\"\n";
	const char* bad = "$ORIGIN p.\n\nx.protect TXT \"colour=blue\"\n";
	const char* settings = "typoguard:\n policy-file: zones/a.zone\n qtypes: A\n";
	struct tg_settings s;
	struct tg_policy* p = NULL;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	if(!ok(mkdtemp(dir) != NULL, "a temporary directory"))
		return;
	snprintf(conf, sizeof(conf), "%s/zones", dir);
	ok(mkdir(conf, 0700) == 0, "a zones directory");
	ok(write_file(dir, "zones/a.zone", zone, strlen(zone)) &&
		write_file(dir, "zones/bad.zone", bad, strlen(bad)) &&
		write_file(dir, "t.conf", settings, strlen(settings)) &&
		write_file(dir, "nul.conf", "typoguard:\n\0x\n", 14) &&
		write_file(dir, "bad.conf", "typoguard:\n policy-file: zones/bad.zone\n", 40),
		"files written");
	snprintf(conf, sizeof(conf), "%s/t.conf", dir);
	if(ok(tg_settings_load(conf, &s, &err) == TG_OK, "settings load from a file")) {
		snprintf(want, sizeof(want), "%s/zones/a.zone", dir);
		is_str(s.policy_file[0], want, "the policy file beside the settings");
		is_int(tg_settings_policy(&s, &p, &err), TG_OK, "its policy loads");
		if(p) {
			is_int(p->count, 2, "two rules");
			ok(p->rules[0].qtypes.count == 1 && p->rules[0].qtypes.type[0] == 1,
				"the settings' qtypes are the default");
			ok(p->rules[1].qtypes.count == 1 && p->rules[1].qtypes.type[0] == 16,
				"the record's qtypes win");
		}
		tg_policy_free(p);
	}
	tg_settings_clear(&s);
	snprintf(conf, sizeof(conf), "%s/bad.conf", dir);
	ok(tg_settings_load(conf, &s, &err) == TG_OK, "settings naming a bad zone load");
	is_int(tg_settings_policy(&s, &p, &err), TG_ERR_INVALID, "the bad zone does not");
	snprintf(want, sizeof(want), "%s/zones/bad.zone:3: ", dir);
	ok(strncmp(err.msg, want, strlen(want)) == 0, "the error names the zone's file:line");
	tg_settings_clear(&s);
	snprintf(conf, sizeof(conf), "%s/nul.conf", dir);
	is_int(tg_settings_load(conf, &s, &err), TG_ERR_SYNTAX, "a NUL byte");
	snprintf(want, sizeof(want), "%s:2: NUL byte", conf);
	is_str(err.msg, want, "file:line of the NUL byte");
	snprintf(conf, sizeof(conf), "%s/missing.conf", dir);
	is_int(tg_settings_load(conf, &s, &err), TG_ERR_IO, "a missing file");
	snprintf(want, sizeof(want), "%s: No such file or directory", conf);
	is_str(err.msg, want, "file: strerror");
	ok(s.source == NULL, "settings left cleared");
	is_int(tg_settings_load(dir, &s, &err), TG_ERR_IO, "a directory");
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	is_str(err.msg, want, "file: strerror");
	remove_files(dir);
}

int
main(void)
{
	test_good();
	test_geo();
	test_errors();
	test_too_many_files();
	test_defaults();
	test_files();
	return done_testing();
}
