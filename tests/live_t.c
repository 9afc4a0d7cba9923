/* tests/live_t.c - unit tests of the live policy: swaps, watched files, zones, rejections. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "live.h"
#include "name.h"
#include "writer.h"
#include "tap.h"

/** swaps made while reader threads work */
#define SWAPS 100
/** reader threads */
#define READERS 2
/** how long a swap or the freeing of the versions it replaced may take */
#define LIVE_WAIT_SECONDS 60
/** room for a path */
#define PATH_T 512

/** the test's directory */
static char dir[PATH_T / 2];
/** the policy file */
static char pfile[PATH_T];
/** the event file */
static char efile[PATH_T];

/** a zone as the fake zone ops serve it */
static struct {
	/** whether Unbound "has" it */
	int loaded;
	/** whether it is expired */
	int expired;
	/** its serial */
	uint32_t serial;
	/** its text */
	const char* text;
} fz;

/** fake tg_live_zone_ops.serial */
static int
fz_serial(void* arg, const char* zone, uint32_t* serial, int* expired)
{
	(void)arg; (void)zone;
	*serial = fz.serial;
	*expired = fz.expired;
	return fz.loaded;
}

/** fake tg_live_zone_ops.text */
static enum tg_err
fz_text(void* arg, const char* zone, char** text, uint32_t* serial, struct tg_error* err)
{
	(void)arg;
	if(!fz.loaded || fz.expired)
		return tg_error_set(err, TG_ERR_IO, NULL, 0, "zone %s: no data", zone);
	*serial = fz.serial;
	*text = strdup(fz.text);
	return *text ? TG_OK : TG_ERR_NOMEM;
}

/** the fake ops */
static const struct tg_live_zone_ops fz_ops = { &fz_serial, &fz_text, NULL, NULL };

/**
 * Write a policy zone with a serial and the names given, "name action" pairs.
 * @param path: the file.
 * @param serial: the SOA serial.
 * @param body: the records after SOA and NS.
 */
static void
write_policy(const char* path, unsigned serial, const char* body)
{
	FILE* f = fopen(path, "w");
	if(!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "$ORIGIN policy.test.\n$TTL 300\n@ SOA ns. h. %u 60 60 600 60\n@ NS ns.\n%s",
		serial, body);
	fclose(f);
}

/**
 * The verdict on a name under the policy in force.
 * @param l: the holder.
 * @param text: the name.
 * @return: the verdict.
 */
static enum tg_verdict
verdict(struct tg_live* l, const char* text)
{
	struct tg_live_reader* rd;
	const struct tg_live_version* v = tg_live_enter(l, &rd);
	struct tg_name n;
	struct tg_match m;
	enum tg_verdict r = TG_VERDICT_NONE;
	if(v && tg_name_from_str(&n, text, NULL, NULL) == TG_OK)
		r = tg_matcher_match(v->policy->matcher, &n, &m);
	tg_live_leave(rd);
	return r;
}

/**
 * Count the lines of the event file that have a text.
 * @param what: the text.
 * @return: the number of lines.
 */
static int
count_events(const char* what)
{
	char line[4096];
	int n = 0;
	FILE* f = fopen(efile, "r");
	if(!f)
		return -1;
	while(fgets(line, sizeof(line), f))
		if(strstr(line, what))
			n++;
	fclose(f);
	return n;
}

/**
 * Whether the event file has a line with both texts.
 * @return: 1 if it does.
 */
static int
find_event(const char* a, const char* b)
{
	char line[4096];
	int n = 0;
	FILE* f = fopen(efile, "r");
	if(!f)
		return 0;
	while(fgets(line, sizeof(line), f))
		if(strstr(line, a) && strstr(line, b))
			n = 1;
	fclose(f);
	return n;
}

/**
 * Wait up to 10 s for the writer's thread to write a line with both texts.
 * @return: 1 if it came.
 */
static int
has_event(const char* a, const char* b)
{
	int i;
	for(i = 0; i < 10000; i++) {
		if(find_event(a, b))
			return 1;
		usleep(1000);
	}
	return 0;
}

/**
 * Make settings from text in the test directory.
 * @param s: filled.
 * @param text: the settings.
 */
static void
settings(struct tg_settings* s, const char* text)
{
	struct tg_error err;
	char label[PATH_T + 16];
	snprintf(label, sizeof(label), "%s/typoguard.conf", dir);
	if(tg_settings_parse(text, label, s, &err) != TG_OK) {
		printf("Bail out! settings: %s\n", err.msg);
		exit(1);
	}
}

/** the ordinary names */
#define TWO "army.mil.protect TXT \"action=nxdomain\"\n" \
	"contoso.com.protect TXT \"action=log\"\n"

/** Files: edits in place, renames, deletes, bad versions, shrink. */
static void
test_files(void)
{
	struct tg_settings s;
	struct tg_writer* w = NULL;
	struct tg_live* l = NULL;
	struct tg_live_stats st;
	struct tg_error err;
	char tmp[PATH_T + 8];
	write_policy(pfile, 1, "army.mil.protect TXT \"action=nxdomain\"\n");
	settings(&s, "typoguard:\n policy-file: policy.zone\n policy-max-shrink: 50\n");
	if(tg_writer_open(efile, 0, NULL, NULL, &w, &err) != TG_OK ||
		!ok(tg_live_open(&s, NULL, NULL, w, &l, &err) == TG_OK, "a policy file loads")) {
		diag("%s", err.msg);
		exit(1);
	}
	is_int(verdict(l, "army.ml"), TG_VERDICT_TYPO, "its name is protected");
	is_int(verdict(l, "contso.com"), TG_VERDICT_NONE, "another is not");
	is_int(tg_live_check(l), 0, "nothing changed: nothing done");

	/* edited in place, the same inode */
	write_policy(pfile, 2, TWO);
	is_int(tg_live_check(l), 1, "a file edited in place is put in force");
	is_int(verdict(l, "contso.com"), TG_VERDICT_TYPO, "the new name is protected");
	tg_live_stats(l, &st);
	is_int(st.generation, 2, "generation 2");
	is_int(st.freed, 1, "the old version is freed when nobody reads it");

	/* a syntax error, an unknown action: rejected, the last good stays */
	write_policy(pfile, 3, TWO "bad.example.protect TXT \"action=typo\"\n");
	is_int(tg_live_check(l), -1, "an unknown action is rejected");
	is_int(verdict(l, "contso.com"), TG_VERDICT_TYPO, "the last good one stays");
	is_int(tg_live_check(l), 0, "a rejected version is not tried again");
	ok(has_event("policy-rejected", "policy.zone:7:"), "the event names file and line");
	write_policy(pfile, 4, TWO "oops..protect TXT \"action=log\"\n");
	is_int(tg_live_check(l), -1, "a syntax error is rejected");

	/* more than policy-max-shrink dropped */
	write_policy(pfile, 5, "army.mil.protect TXT \"action=nxdomain\"\n"
		"a.example.protect TXT \"action=log\"\nb.example.protect TXT \"action=log\"\n"
		"c.example.protect TXT \"action=log\"\n");
	is_int(tg_live_check(l), 1, "four names");
	is_int(verdict(l, "c.exampl"), TG_VERDICT_TYPO, "the four are protected");
	write_policy(pfile, 6, "army.mil.protect TXT \"action=nxdomain\"\n");
	is_int(tg_live_check(l), -1, "dropping three of four (75%) is rejected");
	ok(has_event("policy-rejected", "policy-max-shrink"), "the event says why");
	is_int(verdict(l, "c.exampl"), TG_VERDICT_TYPO, "the four stay (c)");
	is_int(verdict(l, "a.exampl"), TG_VERDICT_TYPO, "the four stay (a)");
	is_int(verdict(l, "b.exampl"), TG_VERDICT_TYPO, "the four stay");
	write_policy(pfile, 7, "army.mil.protect TXT \"action=nxdomain\"\n"
		"a.example.protect TXT \"action=log\"\n");
	is_int(tg_live_check(l), 1, "dropping two of four (50%) is allowed");

	/* replaced by rename */
	snprintf(tmp, sizeof(tmp), "%s.new", pfile);
	write_policy(tmp, 8, TWO);
	if(rename(tmp, pfile) != 0)
		perror("rename");
	is_int(tg_live_check(l), 1, "a file replaced by rename is put in force");
	ok(has_event("policy-loaded", "\"serial\":8"), "its event has its serial");

	/* deleted: the last good stays; back: put in force */
	unlink(pfile);
	is_int(tg_live_check(l), -1, "a deleted file is rejected");
	is_int(verdict(l, "contso.com"), TG_VERDICT_TYPO, "its names stay");
	write_policy(pfile, 9, TWO);
	is_int(tg_live_check(l), 1, "a file that comes back is put in force");
	tg_live_stats(l, &st);
	is_int(st.rejected, 4, "four rejections counted");
	tg_live_close(l);
	tg_writer_close(w);
	tg_settings_clear(&s);
	is_int(count_events("policy-rejected"), 4, "one policy-rejected event each");
	is_int(count_events("policy-loaded"), 5, "one policy-loaded event each, none at start");
	ok(has_event("\"category\":[\"configuration\"]", "\"type\":[\"change\"]"),
		"the events are ECS configuration changes");
	unlink(efile);
}

/** A version held by a query, and one read open, are not freed; then they are. */
static void
test_grace(void)
{
	struct tg_settings s;
	struct tg_live* l = NULL;
	struct tg_live_stats st;
	struct tg_live_reader* rd;
	const struct tg_live_version* v;
	struct tg_error err;
	write_policy(pfile, 1, TWO);
	settings(&s, "typoguard:\n policy-file: policy.zone\n");
	if(!ok(tg_live_open(&s, NULL, NULL, NULL, &l, &err) == TG_OK, "loads"))
		exit(1);
	v = tg_live_enter(l, &rd);
	tg_live_hold(l, v);
	tg_live_leave(rd);
	write_policy(pfile, 2, TWO "x.example.protect TXT \"action=log\"\n");
	is_int(tg_live_check(l), 1, "swapped while a query holds the old version");
	tg_live_stats(l, &st);
	is_int(st.freed, 0, "the held version is not freed");
	ok(v->policy->protected_count == 2, "and is still whole");
	tg_live_release(l, v);
	(void)tg_live_check(l);
	tg_live_stats(l, &st);
	is_int(st.freed, 1, "freed once released");

	v = tg_live_enter(l, &rd);
	write_policy(pfile, 3, TWO);
	is_int(tg_live_check(l), 1, "swapped during a read");
	tg_live_stats(l, &st);
	is_int(st.freed, 1, "the version being read is not freed");
	write_policy(pfile, 4, TWO "y.example.protect TXT \"action=log\"\n");
	is_int(tg_live_check(l), 0, "no third version while the old one waits");
	ok(v->policy->protected_count == 3, "the read still sees its version");
	tg_live_leave(rd);
	is_int(tg_live_check(l), 1, "after the read, the waiting change is put in force");
	tg_live_stats(l, &st);
	is_int(st.freed, 3, "and the versions nobody reads are freed");
	tg_live_close(l);
	tg_settings_clear(&s);
}

/** what the reader threads share */
struct readers {
	/** the holder */
	struct tg_live* l;
	/** set to stop */
	atomic_int stop;
	/** lookups that found the typo */
	atomic_long typos;
	/** lookups made */
	atomic_long lookups;
};

/** a reader thread: look up, hold now and then, as workers do */
static void*
reader_run(void* arg)
{
	struct readers* r = (struct readers*)arg;
	struct tg_name n;
	struct tg_match m;
	long i = 0;
	(void)tg_name_from_str(&n, "army.ml", NULL, NULL);
	while(!atomic_load(&r->stop)) {
		struct tg_live_reader* rd;
		const struct tg_live_version* v = tg_live_enter(r->l, &rd);
		if(!v)
			continue;
		if(tg_matcher_match(v->policy->matcher, &n, &m) == TG_VERDICT_TYPO &&
			strcmp(v->policy->rules[m.id].name, "army.mil") == 0)
			atomic_fetch_add(&r->typos, 1);
		if(++i % 64 == 0) {
			tg_live_hold(r->l, v);
			tg_live_leave(rd);
			tg_live_release(r->l, v);
		} else
			tg_live_leave(rd);
		atomic_fetch_add(&r->lookups, 1);
	}
	return NULL;
}

/** SWAPS swaps while READERS threads read: every lookup sees a whole policy. */
static void
test_threads(void)
{
	struct tg_settings s;
	struct readers r;
	struct tg_live_stats st;
	struct tg_error err;
	pthread_t t[READERS];
	int i, swaps = 0;
	time_t deadline;
	memset(&r, 0, sizeof(r));
	write_policy(pfile, 1, TWO);
	settings(&s, "typoguard:\n policy-file: policy.zone\n");
	if(tg_live_open(&s, NULL, NULL, NULL, &r.l, &err) != TG_OK)
		exit(1);
	for(i = 0; i < READERS; i++)
		pthread_create(&t[i], NULL, &reader_run, &r);
	for(i = 0; i < SWAPS; i++) {
		/* a new size each time, so the change is seen whatever the clock */
		char body[4096];
		snprintf(body, sizeof(body), TWO "n%d.example.protect TXT \"action=log\"\n", i);
		write_policy(pfile, (unsigned)i + 2, body);
		deadline = time(NULL) + LIVE_WAIT_SECONDS;
		while(tg_live_check(r.l) != 1 && time(NULL) < deadline)
			usleep(100);
		if(time(NULL) >= deadline)
			break;
		swaps++;
	}
	deadline = time(NULL) + LIVE_WAIT_SECONDS;
	while(tg_live_stats(r.l, &st), st.freed < (uint64_t)swaps && time(NULL) < deadline)
		(void)tg_live_check(r.l), usleep(100);
	atomic_store(&r.stop, 1);
	for(i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	is_int(swaps, SWAPS, "%d swaps under %d reading threads", SWAPS, READERS);
	is_int(st.freed, SWAPS, "every replaced version freed");
	is_int(atomic_load(&r.typos), atomic_load(&r.lookups),
		"every one of %ld lookups found the protected name", atomic_load(&r.lookups));
	tg_live_close(r.l);
	tg_settings_clear(&s);
}

/** the zone's texts: serial 1, 2, a broken 3, 4 */
#define ZHEAD "policy.test. 300 IN SOA ns. h. %u 60 60 600 60\npolicy.test. 300 IN NS ns.\n"

/** Zones: follow the serial, reject broken and expired versions. */
static void
test_zones(void)
{
	struct tg_settings s;
	struct tg_writer* w = NULL;
	struct tg_live* l = NULL;
	struct tg_error err;
	char t1[512], t2[512], t3[512], t4[512];
	snprintf(t1, sizeof(t1), ZHEAD "army.mil.protect.policy.test. 300 IN TXT \"action=nxdomain\"\n",
		1u);
	snprintf(t2, sizeof(t2), ZHEAD "army.mil.protect.policy.test. 300 IN TXT \"action=nxdomain\"\n"
		"contoso.com.protect.policy.test. 300 IN TXT \"action=log\"\n", 2u);
	snprintf(t3, sizeof(t3), ZHEAD "army.mil.protect.policy.test. 300 IN TXT \"action=nxdomain\"\n"
		"contoso.com.protect.policy.test. 300 IN TXT \"action=typo\"\n", 3u);
	snprintf(t4, sizeof(t4), ZHEAD "contoso.com.protect.policy.test. 300 IN TXT \"action=log\"\n",
		4u);
	memset(&fz, 0, sizeof(fz));
	settings(&s, "typoguard:\n policy-zone: policy.test\n");
	if(tg_writer_open(efile, 0, NULL, NULL, &w, &err) != TG_OK ||
		!ok(tg_live_open(&s, &fz_ops, NULL, w, &l, &err) == TG_OK,
		"a zone not loaded yet starts empty")) {
		diag("%s", err.msg);
		exit(1);
	}
	is_int(verdict(l, "army.ml"), TG_VERDICT_NONE, "nothing flagged yet");
	fz.loaded = 1, fz.serial = 1, fz.text = t1;
	is_int(tg_live_check(l), 1, "serial 1 arrives");
	is_int(verdict(l, "army.ml"), TG_VERDICT_TYPO, "its name is protected");
	is_int(tg_live_check(l), 0, "the same serial: nothing done");
	fz.serial = 2, fz.text = t2;
	is_int(tg_live_check(l), 1, "serial 2");
	fz.serial = 3, fz.text = t3;
	is_int(tg_live_check(l), -1, "serial 3, broken, is rejected");
	is_int(verdict(l, "contso.com"), TG_VERDICT_TYPO, "serial 2's names stay");
	ok(has_event("policy-rejected", "zone policy.test.:4: "), "the event names zone and record");
	ok(has_event("policy-rejected", "\"serial\":3"), "and the rejected serial");
	fz.serial = 4, fz.text = t4;
	is_int(tg_live_check(l), 1, "serial 4 removes a name (50%)");
	is_int(verdict(l, "army.ml"), TG_VERDICT_NONE, "the removed name is not flagged");
	fz.expired = 1;
	is_int(tg_live_check(l), -1, "an expired zone is rejected");
	is_int(verdict(l, "contso.com"), TG_VERDICT_TYPO, "the last good stays");
	tg_live_close(l);
	tg_writer_close(w);
	tg_settings_clear(&s);
	ok(has_event("policy-loaded", "\"serial\":4"), "serial 4's event");
	ok(has_event("policy-loaded", "\"source\":\"zone policy.test.\""), "names the zone");
	unlink(efile);
}

/** The settings' new keys. */
static void
test_settings(void)
{
	struct tg_settings s;
	struct tg_error err;
	settings(&s, "typoguard:\n");
	is_int(s.policy_check_interval, 5, "policy-check-interval: 5 by default");
	is_int(s.policy_max_shrink, 50, "policy-max-shrink: 50 by default");
	tg_settings_clear(&s);
	settings(&s, "typoguard:\n policy-zone: a.example\n policy-zone: \"b.example.\"\n"
		" policy-check-interval: 1\n policy-max-shrink: 0\n");
	is_int(s.policy_zones, 2, "policy-zone: repeats");
	is_int(s.policy_check_interval, 1, "policy-check-interval: read");
	is_int(s.policy_max_shrink, 0, "policy-max-shrink: read");
	tg_settings_clear(&s);
	is_int(tg_settings_parse("typoguard:\n policy-max-shrink: 101\n", "t.conf", &s, &err),
		TG_ERR_INVALID, "policy-max-shrink: 101 is refused");
	is_int(tg_settings_parse("typoguard:\n policy-check-interval: 0\n", "t.conf", &s, &err),
		TG_ERR_INVALID, "policy-check-interval: 0 is refused");
	is_int(tg_settings_parse("typoguard:\n policy-zone: a\n policy-zone: A.\n", "t.conf",
		&s, &err), TG_ERR_INVALID, "a zone given twice is refused");
}

int
main(void)
{
	const char* tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/live_t.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if(!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(pfile, sizeof(pfile), "%s/policy.zone", dir);
	snprintf(efile, sizeof(efile), "%s/events.json", dir);
	test_settings();
	test_files();
	test_grace();
	test_threads();
	test_zones();
	unlink(pfile);
	rmdir(dir);
	return done_testing();
}
