/* tests/geo_t.c - GeoIP, ASN and site databases: fields, bad files, replacement, enrichment. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "event.h"
#include "geo.h"
#include "writer.h"
#include "tap.h"
#include "jget.h"
#include "logcap.h"

/** room for a path in the test directory or tests/geo */
#define PATH_LEN 512
/** room for the name of a directory */
#define DIR_LEN 192
/** room for a shell command */
#define CMD_LEN 1024
/** seconds to wait for the writer thread before a test gives up */
#define SETTLE_SECONDS 20

/** the directory the test's files go in */
static char dir[DIR_LEN];
/** the source tree's tests/geo directory */
static char geodir[DIR_LEN];

/** a path in the test directory */
static const char*
path_of(char* buf, const char* name)
{
	snprintf(buf, PATH_LEN, "%s/%s", dir, name);
	return buf;
}

/**
 * Build a database with MaxMind's writer (tests/geo/mkmmdb.pl).
 * @param type: the database type in its metadata.
 * @param spec: the JSON file in tests/geo.
 * @param name: the file to write, in the test directory.
 * @param ipv4: 1 for an IPv4-only database.
 * @return: 1 on success.
 */
static int
build(const char* type, const char* spec, const char* name, int ipv4)
{
	char cmd[CMD_LEN], out[PATH_LEN];
	const char* perl = getenv("PERL");
	snprintf(cmd, sizeof(cmd), "'%s' '%s/mkmmdb.pl' %s '%s' '%s/%s' '%s'",
		perl && *perl ? perl : "perl", geodir, ipv4 ? "--ipv4" : "", type, geodir,
		spec, path_of(out, name));
	return system(cmd) == 0;
}

/**
 * Put a copy of a file at a path the way geoipupdate does: write a new file beside it, then
 * rename it over the old one.
 * @param from: the file to copy.
 * @param to: the path to replace.
 * @return: 1 on success.
 */
static int
replace(const char* from, const char* to)
{
	char tmp[PATH_LEN + 8], buf[4096];
	ssize_t n;
	int in, out, good = 1;
	snprintf(tmp, sizeof(tmp), "%s.new", to);
	if((in = open(from, O_RDONLY)) < 0)
		return 0;
	if((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		close(in);
		return 0;
	}
	while((n = read(in, buf, sizeof(buf))) > 0)
		if(write(out, buf, (size_t)n) != n)
			good = 0;
	close(in);
	if(close(out) != 0 || n < 0)
		good = 0;
	return good && rename(tmp, to) == 0;
}

/** write a file with the given text; 1 on success */
static int
write_file(const char* path, const char* text, size_t len)
{
	FILE* f = fopen(path, "w");
	int good;
	if(!f)
		return 0;
	good = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && good;
}

/** the JSON text at a JSON pointer, "(absent)" if missing; valid until o is released */
static const char*
jtext(struct json_object* o, const char* path)
{
	struct json_object* v = jget(o, path);
	if(!v)
		return "(absent)";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE);
}

/** the databases of the tests: city, ASN and site */
static struct tg_geo*
open_three(int interval)
{
	char city[PATH_LEN], asn[PATH_LEN], site[PATH_LEN];
	const char* paths[TG_GEO_DBS];
	struct tg_geo* g = NULL;
	struct tg_error err;
	paths[TG_GEO_CITY] = path_of(city, "city.mmdb");
	paths[TG_GEO_ASN] = path_of(asn, "asn.mmdb");
	paths[TG_GEO_SITE] = path_of(site, "site.mmdb");
	if(tg_geo_open(paths, interval, test_log, &g, &err) != TG_OK)
		ok(0, "open the test databases: %s", err.msg);
	return g;
}

/** what the databases add for an address: the object, or NULL on failure */
static struct json_object*
look(struct tg_geo* g, const char* ip)
{
	struct json_object* o = json_object_new_object();
	if(o && tg_geo_add(g, ip, o) != TG_OK) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/** the city the databases give for an address, as JSON text, in buf */
static const char*
city_of(struct tg_geo* g, const char* ip, char* buf, size_t size)
{
	struct json_object* o = look(g, ip);
	snprintf(buf, size, "%s", o ? jtext(o, "/geo/city_name") : "(failed)");
	json_object_put(o);
	return buf;
}

/** check the whole text of what the databases add for an address */
static void
is_place(struct tg_geo* g, const char* ip, const char* want, const char* desc)
{
	struct json_object* o = look(g, ip);
	is_str(o ? jtext(o, "") : "(failed)", want, "%s: %s", ip, desc);
	json_object_put(o);
}

/** no database: nothing to open, nothing added */
static void
test_none(void)
{
	const char* paths[TG_GEO_DBS] = { NULL, NULL, NULL };
	struct tg_geo* g = (struct tg_geo*)&g;
	struct tg_error err;
	struct json_object* o;
	is_int(tg_geo_open(paths, 0, test_log, &g, &err), TG_OK, "no databases: open is fine");
	ok(g == NULL, "no databases: nothing is returned");
	o = look(NULL, "127.0.0.1");
	is_str(o ? jtext(o, "") : "(failed)", "{}", "no databases: nothing is added");
	json_object_put(o);
	is_int(tg_geo_lookups(NULL), 0, "no databases: no lookups");
}

/**
 * A database that does not open: TG_ERR_IO and a message naming the setting, the file and
 * libmaxminddb's reason.
 * @param which: the database.
 * @param path: the file.
 * @param reason: a part of the message after "key path: ".
 * @param desc: what the file is.
 */
static void
refused(enum tg_geo_db which, const char* path, const char* reason, const char* desc)
{
	const char* paths[TG_GEO_DBS] = { NULL, NULL, NULL };
	char asn[PATH_LEN], want[PATH_LEN + 64];
	struct tg_geo* g = (struct tg_geo*)&g;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	/* a good database before it is closed again */
	if(which != TG_GEO_ASN)
		paths[TG_GEO_ASN] = path_of(asn, "asn.mmdb");
	paths[which] = path;
	is_int(tg_geo_open(paths, 0, test_log, &g, &err), TG_ERR_IO, "%s: refused", desc);
	ok(g == NULL, "%s: nothing is returned", desc);
	snprintf(want, sizeof(want), "%s %s: ", tg_geo_key(which), path);
	if(!ok(strncmp(err.msg, want, strlen(want)) == 0 && strstr(err.msg, reason),
		"%s: the message names the setting, the file and \"%s\"", desc, reason))
		diag("got \"%s\"", err.msg);
}

/** missing, unreadable, not a database, truncated, and each of libmaxminddb's bad files */
static void
test_bad_files(void)
{
	static const char* const bad[] = { "cyclic-data-structure.mmdb",
		"invalid-bytes-length.mmdb", "invalid-data-record-offset.mmdb",
		"invalid-map-key-length.mmdb", "invalid-string-length.mmdb",
		"libmaxminddb-offset-integer-overflow.mmdb", "metadata-is-an-uint128.mmdb",
		"unexpected-bytes.mmdb" };
	char p[PATH_LEN], city[PATH_LEN];
	const char* paths[TG_GEO_DBS] = { NULL, NULL, NULL };
	struct tg_geo* g;
	struct tg_error err;
	struct stat st;
	size_t i;
	refused(TG_GEO_CITY, path_of(p, "missing.mmdb"), "Error opening the specified MaxMind "
		"DB file (No such file or directory)", "a missing file");
	refused(TG_GEO_SITE, dir, "(not a regular file)", "a directory");
	write_file(path_of(p, "text.mmdb"), "country: DE\n", 12);
	refused(TG_GEO_ASN, p, "invalid metadata", "a text file");
	write_file(path_of(p, "empty.mmdb"), "", 0);
	refused(TG_GEO_CITY, p, "MaxMind DB", "an empty file");
	if(stat(path_of(city, "city.mmdb"), &st) == 0) {
		char* half = malloc((size_t)st.st_size);
		FILE* f = fopen(city, "r");
		if(half && f && fread(half, 1, (size_t)st.st_size, f) == (size_t)st.st_size)
			write_file(path_of(p, "half.mmdb"), half, (size_t)st.st_size / 2);
		if(f)
			fclose(f);
		free(half);
		refused(TG_GEO_CITY, p, "invalid metadata", "the first half of a database");
	}
	if(geteuid() != 0 && replace(city, path_of(p, "secret.mmdb")) &&
		chmod(p, 0) == 0)
		refused(TG_GEO_CITY, p, "(Permission denied)", "an unreadable file");
	for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(p, sizeof(p), "%s/bad/%s", geodir, bad[i]);
		refused(TG_GEO_CITY, p, "The MaxMind DB file's data section contains bad data",
			bad[i]);
	}
	paths[TG_GEO_CITY] = city;
	is_int(tg_geo_open(paths, TG_GEO_CHECK_MAX + 1, test_log, &g, &err), TG_ERR_INVALID,
		"a check interval over %d s is refused", TG_GEO_CHECK_MAX);
}

/** every field, fields left out, IPv6, IPv4-mapped, and addresses the databases lack */
static void
test_lookups(void)
{
	struct tg_geo* g = open_three(0);
	struct json_object* o;
	char line[PATH_LEN];
	if(!g)
		return;
	is_place(g, "127.0.0.1", "{\"geo\":{\"country_iso_code\":\"DE\",\"country_name\":"
		"\"Germany\",\"city_name\":\"Berlin\",\"location\":{\"lat\":52.5244,\"lon\":"
		"13.4105},\"name\":\"Building 4, Fort X\"},\"as\":{\"number\":64496,"
		"\"organization\":{\"name\":\"Example Enterprise Network\"}}}", "every field");
	is_place(g, "127.0.0.2", "{\"geo\":{\"country_iso_code\":\"US\",\"country_name\":"
		"\"United States\"},\"as\":{\"number\":64496,\"organization\":{\"name\":"
		"\"Example Enterprise Network\"}}}",
		"no city, no location, an empty site name: left out");
	is_place(g, "127.0.0.3", "{\"as\":{\"number\":64496,\"organization\":{\"name\":"
		"\"Example Enterprise Network\"}}}", "not in the city database: no geo");
	is_place(g, "127.0.0.4", "{}", "empty strings, no English name, latitude 95.5: "
		"nothing; the ASN database covers 127.0.0.0/30 only");
	is_place(g, "127.0.0.5", "{}", "in no database: nothing");
	is_place(g, "203.0.113.98", "{\"geo\":{\"country_iso_code\":\"US\",\"country_name\":"
		"\"United States\",\"city_name\":\"Seattle\"},\"as\":{\"number\":64511}}",
		"an AS without organization");
	is_place(g, "198.51.100.10", "{\"geo\":{\"country_iso_code\":\"US\",\"country_name\":"
		"\"United States\",\"location\":{\"lat\":38.8951,\"lon\":-77.0364},\"name\":"
		"\"Pentagon annex\"},\"as\":{\"organization\":{\"name\":"
		"\"Example Government Network\"}}}", "an organization without number; a site");
	is_place(g, "192.0.2.25", "{\"geo\":{\"country_iso_code\":\"NL\",\"country_name\":"
		"\"Netherlands\",\"city_name\":\"Amsterdam\",\"location\":{\"lat\":52.3824,"
		"\"lon\":4.8995}},\"as\":{\"number\":64500,\"organization\":{\"name\":"
		"\"Example Typo Registry B.V.\"}}}", "a destination");
	is_place(g, "::ffff:192.0.2.25", "{\"geo\":{\"country_iso_code\":\"NL\","
		"\"country_name\":\"Netherlands\",\"city_name\":\"Amsterdam\",\"location\":"
		"{\"lat\":52.3824,\"lon\":4.8995}},\"as\":{\"number\":64500,\"organization\":"
		"{\"name\":\"Example Typo Registry B.V.\"}}}", "IPv4-mapped: looked up as IPv4");
	if((o = look(g, "2001:db8::25"))) {
		char* l = tg_event_line(o, NULL);
		snprintf(line, sizeof(line), "%s", l ? l : "(null)");
		free(l);
		is_str(line, "{\"geo\":{\"country_iso_code\":\"ML\",\"country_name\":\"Mali\","
			"\"city_name\":\"S\\u00e9gou\",\"location\":{\"lat\":13.4317,\"lon\":"
			"-6.2157}},\"as\":{\"number\":64500,\"organization\":{\"name\":"
			"\"Example Typo Registry B.V.\"}}}\n",
			"2001:db8::25: IPv6, a city name in UTF-8 written as \\u00e9");
		json_object_put(o);
	}
	o = json_object_new_object();
	is_int(tg_geo_add(g, "not-an-address", o), TG_ERR_INVALID, "a bad address is refused");
	is_int(tg_geo_add(g, "fe80::1%lo", o), TG_ERR_INVALID, "so is a scoped address");
	is_str(jtext(o, ""), "{}", "and nothing is added");
	json_object_put(o);
	is_int(tg_geo_lookups(g), 10, "ten addresses were looked up");
	is_int(log_has(0, ""), 0, "no errors were reported");
	tg_geo_close(g);
}

/** an IPv4 database asked for an IPv6 address: nothing, and no error */
static void
test_ipv4_database(void)
{
	char site[PATH_LEN];
	const char* paths[TG_GEO_DBS] = { NULL, NULL, NULL };
	struct tg_geo* g = NULL;
	struct tg_error err;
	paths[TG_GEO_SITE] = path_of(site, "site4.mmdb");
	if(!ok(tg_geo_open(paths, 0, test_log, &g, &err) == TG_OK, "open an IPv4 database"))
		return (void)diag("%s", err.msg);
	log_reset();
	is_place(g, "127.0.0.1", "{\"geo\":{\"name\":\"Building 4, Fort X\"}}",
		"the site from an IPv4 database");
	is_place(g, "2001:db8::1", "{}", "an IPv6 address in an IPv4 database: nothing");
	is_int(log_has(-1, ""), 0, "and nothing reported");
	tg_geo_close(g);
}

/**
 * The city database is replaced, as geoipupdate does; bad replacements keep the old one and
 * are reported once per change; a file gone too; a good one is taken again.
 */
static void
test_replace(void)
{
	char city[PATH_LEN], city2[PATH_LEN], bad[PATH_LEN], bad2[PATH_LEN], keep[PATH_LEN];
	char buf[64];
	struct tg_geo* g;
	path_of(city, "city.mmdb");
	path_of(city2, "city2.mmdb");
	path_of(keep, "city-copy.mmdb");
	snprintf(bad, sizeof(bad), "%s/bad/invalid-string-length.mmdb", geodir);
	snprintf(bad2, sizeof(bad2), "%s/bad/unexpected-bytes.mmdb", geodir);
	replace(city, keep);
	if(!(g = open_three(0)))
		return;
	log_reset();
	tg_geo_refresh(g, 1);
	is_int(log_has(-1, ""), 0, "nothing replaced: nothing reported");
	ok(replace(city2, city), "city.mmdb replaced by a new file");
	tg_geo_refresh(g, 1);
	is_place(g, "127.0.0.1", "{\"geo\":{\"country_iso_code\":\"FR\",\"country_name\":"
		"\"France\",\"city_name\":\"Paris\",\"location\":{\"lat\":48.8534,\"lon\":2.3488},"
		"\"name\":\"Building 4, Fort X\"},\"as\":{\"number\":64496,\"organization\":"
		"{\"name\":\"Example Enterprise Network\"}}}", "the new city database is used");
	if(!ok(log_has(2, "geoip-city-db") == 1 && log_has(2, "replaced, now GeoLite2-City") == 1,
		"the replacement is reported"))
		log_show();
	log_reset();
	ok(replace(bad, city), "city.mmdb replaced by a corrupt file");
	tg_geo_refresh(g, 1);
	tg_geo_refresh(g, 1);
	is_place(g, "127.0.0.1", "{\"geo\":{\"country_iso_code\":\"FR\",\"country_name\":"
		"\"France\",\"city_name\":\"Paris\",\"location\":{\"lat\":48.8534,\"lon\":2.3488},"
		"\"name\":\"Building 4, Fort X\"},\"as\":{\"number\":64496,\"organization\":"
		"{\"name\":\"Example Enterprise Network\"}}}", "the old database is kept");
	if(!ok(log_has(0, "the new file is refused: The MaxMind DB file's data section "
		"contains bad data") == 1 && log_has(0, city) == 1,
		"reported once, with the file and the reason, over two checks"))
		log_show();
	ok(replace(bad2, city), "city.mmdb replaced by another corrupt file");
	tg_geo_refresh(g, 1);
	is_int(log_has(0, "refused"), 2, "a new bad file is reported again");
	ok(unlink(city) == 0, "city.mmdb deleted");
	tg_geo_refresh(g, 1);
	tg_geo_refresh(g, 1);
	is_int(log_has(0, "No such file or directory"), 1, "a file gone is reported once");
	is_str(city_of(g, "127.0.0.1", buf, sizeof(buf)), "\"Paris\"", "the old one is kept");
	ok(replace(keep, city), "the first city database is back");
	tg_geo_refresh(g, 1);
	is_str(city_of(g, "127.0.0.1", buf, sizeof(buf)), "\"Berlin\"", "and used again");
	tg_geo_close(g);
}

/** a check happens only once the interval has passed */
static void
test_interval(void)
{
	char city[PATH_LEN], city2[PATH_LEN], keep[PATH_LEN];
	struct timespec now, next;
	struct tg_geo* g;
	char buf[64];
	time_t end;
	path_of(city, "city.mmdb");
	path_of(city2, "city2.mmdb");
	path_of(keep, "city-copy.mmdb");
	if(!(g = open_three(1)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	tg_geo_next_check(g, &next);
	ok(next.tv_sec >= now.tv_sec && next.tv_sec <= now.tv_sec + 1,
		"the next check is due within the interval");
	replace(city2, city);
	tg_geo_refresh(g, 0);
	is_str(city_of(g, "127.0.0.1", buf, sizeof(buf)), "\"Berlin\"",
		"before the interval the file is not checked");
	/* wait until the check is due, on the clock the interval is kept on */
	end = time(NULL) + SETTLE_SECONDS;
	do {
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while((now.tv_sec < next.tv_sec || (now.tv_sec == next.tv_sec &&
		now.tv_nsec < next.tv_nsec)) && time(NULL) < end);
	tg_geo_refresh(g, 0);
	is_str(city_of(g, "127.0.0.1", buf, sizeof(buf)), "\"Paris\"",
		"after it, the replacement is used");
	tg_geo_close(g);
	replace(keep, city);
}

/** an event is enriched: client, each resolved address, destination; nothing without a
 * database */
static void
test_enrich(void)
{
	static const char* const ips[] = { "192.0.2.25", "2001:db8::25", "127.0.0.5" };
	struct tg_name name;
	struct tg_event ev;
	struct json_object* o;
	struct tg_geo* g = open_three(0);
	char path[PATH_LEN];
	const char* const files[] = { "city.mmdb", "asn.mmdb", "site.mmdb" };
	struct stat st;
	size_t i, mapped = 0;
	if(!g || tg_name_from_str(&name, "army.ml", NULL, NULL) != TG_OK)
		return;
	for(i = 0; i < 3; i++)
		if(stat(path_of(path, files[i]), &st) == 0)
			mapped += (size_t)st.st_size;
	ok(mapped > 0 && tg_geo_memory(g) > mapped,
		"the databases' memory counts the files they map (%zu > %zu)", tg_geo_memory(g), mapped);
	memset(&ev, 0, sizeof(ev));
	ev.qname = &name;
	ev.client_ip = "127.0.0.1";
	ev.client_port = 5300;
	ev.rcode = 0;
	ev.resolved_ip = ips;
	ev.resolved_count = 3;
	if(!(o = tg_event_object(&ev)))
		return (void)ok(0, "make an event");
	is_int(tg_event_enrich(o, NULL), TG_OK, "no databases: enrich does nothing");
	ok(!jget(o, "/client/geo") && !jget(o, "/typoguard/resolved") && !jget(o, "/destination"),
		"no databases: no client.geo, typoguard.resolved, destination");
	is_int(tg_event_enrich(o, g), TG_OK, "enrich");
	is_str(jtext(o, "/client/geo/name"), "\"Building 4, Fort X\"", "client.geo.name");
	is_str(jtext(o, "/client/geo/city_name"), "\"Berlin\"", "client.geo.city_name");
	is_str(jtext(o, "/client/as/number"), "64496", "client.as.number");
	is_str(jtext(o, "/client/port"), "5300", "client.port kept");
	is_int(json_object_array_length(jget(o, "/typoguard/resolved")), 3,
		"typoguard.resolved: one object per address");
	is_str(jtext(o, "/typoguard/resolved"), "[{\"ip\":\"192.0.2.25\",\"geo\":{"
		"\"country_iso_code\":\"NL\",\"country_name\":\"Netherlands\",\"city_name\":"
		"\"Amsterdam\",\"location\":{\"lat\":52.3824,\"lon\":4.8995}},\"as\":{\"number\":"
		"64500,\"organization\":{\"name\":\"Example Typo Registry B.V.\"}}},{\"ip\":"
		"\"2001:db8::25\",\"geo\":{\"country_iso_code\":\"ML\",\"country_name\":\"Mali\","
		"\"city_name\":\"S\xc3\xa9" "gou\",\"location\":{\"lat\":13.4317,\"lon\":-6.2157}},"
		"\"as\":{\"number\":64500,\"organization\":{\"name\":"
		"\"Example Typo Registry B.V.\"}}},{\"ip\":\"127.0.0.5\"}]",
		"typoguard.resolved: ip, geo, as; an unknown address has its ip only");
	is_str(jtext(o, "/destination/ip"), "\"192.0.2.25\"", "destination.ip is the first");
	is_str(jtext(o, "/destination/geo/country_iso_code"), "\"NL\"", "destination.geo");
	is_str(jtext(o, "/destination/as/organization/name"), "\"Example Typo Registry B.V.\"",
		"destination.as");
	is_str(jtext(o, "/dns/resolved_ip"), "[\"192.0.2.25\",\"2001:db8::25\",\"127.0.0.5\"]",
		"dns.resolved_ip kept");
	json_object_put(o);
	tg_geo_close(g);
}

/** wait until the writer has written n lines; 0 on timeout */
static int
settle(struct tg_writer* w, uint64_t n)
{
	struct tg_writer_stats st;
	time_t end = time(NULL) + SETTLE_SECONDS;
	do {
		tg_writer_stats(w, &st);
		if(st.written + st.dropped >= n)
			return 1;
		usleep(2000);
	} while(time(NULL) < end);
	return 0;
}

/** submit an event from a client address to the writer */
static void
submit_from(struct tg_writer* w, const char* ip)
{
	struct tg_name name;
	struct tg_event ev;
	memset(&ev, 0, sizeof(ev));
	if(tg_name_from_str(&name, "army.ml", NULL, NULL) != TG_OK)
		return;
	ev.qname = &name;
	ev.client_ip = ip;
	ev.client_port = -1;
	ev.rcode = 3;
	tg_writer_submit_event(w, tg_event_copy(&ev));
}

/** the client.geo.city_name of line n (from 0) of the event file, "(absent)" if none */
static const char*
city_of_line(const char* path, int n, char* buf, size_t size)
{
	char line[4096];
	FILE* f = fopen(path, "r");
	struct json_object* o;
	int i = 0;
	snprintf(buf, size, "(no line %d)", n);
	while(f && fgets(line, sizeof(line), f))
		if(i++ == n && (o = json_tokener_parse(line))) {
			snprintf(buf, size, "%s", jtext(o, "/client/geo/city_name"));
			json_object_put(o);
		}
	if(f)
		fclose(f);
	return buf;
}

/** the writer's thread enriches the events it writes, and checks the databases by itself,
 * also when no event comes */
static void
test_writer(void)
{
	char events[PATH_LEN], city[PATH_LEN], city2[PATH_LEN], buf[128];
	struct tg_writer* w = NULL;
	struct tg_error err;
	struct tg_geo* g;
	time_t end;
	path_of(events, "events.json");
	path_of(city, "city.mmdb");
	path_of(city2, "city2.mmdb");
	if(!(g = open_three(1)))
		return;
	if(!ok(tg_writer_open(events, 0, g, test_log, &w, &err) == TG_OK,
		"a writer with databases opens"))
		return (void)diag("%s", err.msg);
	log_reset();
	submit_from(w, "127.0.0.1");
	ok(settle(w, 1), "the event is written");
	is_str(city_of_line(events, 0, buf, sizeof(buf)), "\"Berlin\"",
		"the writer thread added client.geo");
	replace(city2, city);
	end = time(NULL) + SETTLE_SECONDS;
	while(!log_has(2, "replaced") && time(NULL) < end)
		usleep(10000);
	ok(log_has(2, "replaced, now") == 1,
		"the idle writer thread noticed the replacement by itself");
	submit_from(w, "127.0.0.1");
	ok(settle(w, 2), "the next event is written");
	is_str(city_of_line(events, 1, buf, sizeof(buf)), "\"Paris\"",
		"and it has the new database's city");
	tg_writer_submit_event(w, NULL);
	tg_writer_close(w);
	ok(log_has(2, "2 addresses looked up") == 1, "close reports the lookups");
	ok(log_has(0, "1 events dropped: out of memory") == 1,
		"a NULL event counts as dropped");
	unlink(events);
}

/** remove the test directory and what is in it */
static void
cleanup(void)
{
	char cmd[CMD_LEN];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if(system(cmd) != 0)
		diag("could not remove %s", dir);
}

int
main(void)
{
	const char* tmp = getenv("TMPDIR");
	const char* src = getenv("srcdir");
	char cmd[CMD_LEN];
	const char* perl = getenv("PERL");
	snprintf(geodir, sizeof(geodir), "%s/tests/geo", src && *src ? src : ".");
	snprintf(cmd, sizeof(cmd), "'%s' -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null",
		perl && *perl ? perl : "perl");
	if(system(cmd) != 0) {
		printf("1..0 # SKIP no perl with MaxMind::DB::Writer::Tree "
			"(Debian: libmaxmind-db-writer-perl)\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/geo_t.XXXXXX", tmp && *tmp &&
		strlen(tmp) < 64 ? tmp : "/tmp");
	if(!mkdtemp(dir)) {
		printf("Bail out! cannot make a directory in %s\n", dir);
		return 1;
	}
	if(!build("GeoLite2-City", "city.json", "city.mmdb", 0) ||
		!build("GeoLite2-City", "city2.json", "city2.mmdb", 0) ||
		!build("GeoLite2-ASN", "asn.json", "asn.mmdb", 0) ||
		!build("Typoguard-Site", "site.json", "site.mmdb", 0) ||
		!build("Typoguard-Site", "site.json", "site4.mmdb", 1)) {
		printf("Bail out! cannot build the test databases with %s/mkmmdb.pl\n", geodir);
		cleanup();
		return 1;
	}
	test_none();
	test_bad_files();
	test_lookups();
	test_ipv4_database();
	test_replace();
	test_interval();
	test_enrich();
	test_writer();
	cleanup();
	return done_testing();
}
