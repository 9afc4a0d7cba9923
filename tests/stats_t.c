/* tests/stats_t.c - the counters: the metric event, the Prometheus file, the writer's ticks. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "settings.h"
#include "stats.h"
#include "writer.h"
#include "jget.h"
#include "tap.h"

/** seconds to wait for the writer before a test gives up */
#define SETTLE_SECONDS 30
/** longest file the test reads */
#define FILE_MAX (64 * 1024)

/** the directory the test's files go in */
static char dir[64];

/** a path in the test directory; static buffer, one at a time per slot */
static const char*
path_in(int slot, const char* name)
{
	static char buf[4][256];
	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, name);
	return buf[slot];
}

/** read a whole file into a static buffer; "" if missing */
static const char*
slurp(const char* path)
{
	static char buf[FILE_MAX];
	FILE* f = fopen(path, "r");
	size_t n = 0;
	buf[0] = 0;
	if(!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/** counters with a distinct number in each */
static void
fill(struct tg_stats* st, struct tg_writer_stats* ws)
{
	tg_stats_init(st);
	memset(ws, 0, sizeof(*ws));
	atomic_store(&st->checked, 1000);
	atomic_store(&st->flagged, 21);
	atomic_store(&st->blocked, 13);
	atomic_store(&st->logged, 8);
	atomic_store(&st->background, 5);
	atomic_store(&st->copy_failed, 2);
	tg_stats_policy(st, 2026120201, 7, 3, 123456);
	st->interval = 60;
	ws->written = 17;
	ws->dropped = 4;
	ws->dropped_queue = 3;
	ws->dropped_nomem = 1;
	ws->dropped_io = 0;
	ws->queued = 9;
	ws->reopened = 6;
}

/** the metric event has the ECS fields and every number where the documentation says */
static void
test_line(void)
{
	struct tg_stats st;
	struct tg_writer_stats ws;
	struct json_object *o, *s;
	const char* ts;
	size_t len = 0;
	char* line;
	fill(&st, &ws);
	line = tg_stats_line(&st, &ws, &len);
	ok(line != NULL, "tg_stats_line makes a line");
	if(!line)
		return;
	ok(len > 0 && line[len - 1] == '\n' && strchr(line, '\n') == line + len - 1,
		"one line, ending in a newline");
	o = json_tokener_parse(line);
	ok(o != NULL, "it is JSON");
	is_str(jstr(o, "/event/kind"), "metric", "event.kind is metric");
	is_str(jstr(o, "/event/module"), "typoguard", "event.module");
	is_str(jstr(o, "/event/dataset"), "typoguard.stats", "event.dataset");
	is_int(jint(o, "/event/duration"), 60LL * 1000000000LL,
		"event.duration is the interval in nanoseconds");
	is_int(jint(o, "/process/pid"), getpid(), "process.pid");
	ts = jstr(o, "/@timestamp");
	ok(ts && strlen(ts) == 27, "@timestamp with microseconds (%s)", ts ? ts : "absent");
	ok((s = jget(o, "/typoguard/stats")) != NULL, "typoguard.stats is there");
	is_int(jint(s, "/interval"), 60, "stats.interval");
	is_int(jint(s, "/lookups/checked"), 1000, "lookups.checked");
	is_int(jint(s, "/lookups/flagged"), 21, "lookups.flagged");
	is_int(jint(s, "/lookups/blocked"), 13, "lookups.blocked");
	is_int(jint(s, "/lookups/logged"), 8, "lookups.logged");
	is_int(jint(s, "/lookups/background"), 5, "lookups.background");
	is_int(jint(s, "/events/written"), 17, "events.written");
	is_int(jint(s, "/events/queued"), 9, "events.queued");
	is_int(jint(s, "/events/reopened"), 6, "events.reopened");
	is_int(jint(s, "/events/dropped/total"), 6,
		"events.dropped.total: the writer's and the module's");
	is_int(jint(s, "/events/dropped/queue_full"), 3, "dropped.queue_full");
	is_int(jint(s, "/events/dropped/out_of_memory"), 3,
		"dropped.out_of_memory: the writer's and the module's");
	is_int(jint(s, "/events/dropped/write_failed"), 0, "dropped.write_failed");
	is_int(jint(s, "/policy/serial"), 2026120201, "policy.serial");
	is_int(jint(s, "/policy/protected"), 7, "policy.protected");
	is_int(jint(s, "/policy/allowed"), 3, "policy.allowed");
	is_int(jint(s, "/policy/memory_bytes"), 123456, "policy.memory_bytes");
	json_object_put(o);
	free(line);
	tg_stats_free(&st);
}

/** the Prometheus file: every metric, replaced by rename, no temporary left */
static void
test_file(void)
{
	struct tg_stats st;
	struct tg_writer_stats ws;
	struct tg_error err;
	struct stat before, after;
	const char* prom = path_in(0, "typoguard.prom");
	const char* text;
	memset(&err, 0, sizeof(err));
	fill(&st, &ws);
	is_int(tg_stats_write_file(prom, &st, &ws, &err), TG_OK, "the stats file is written");
	text = slurp(prom);
	ok(strstr(text, "\ntypoguard_lookups_checked_total 1000\n") != NULL,
		"typoguard_lookups_checked_total 1000");
	ok(strstr(text, "# TYPE typoguard_lookups_checked_total counter\n") != NULL,
		"with its TYPE line");
	ok(strstr(text, "\ntypoguard_lookups_flagged_total 21\n") &&
		strstr(text, "\ntypoguard_lookups_blocked_total 13\n") &&
		strstr(text, "\ntypoguard_lookups_logged_total 8\n") &&
		strstr(text, "\ntypoguard_lookups_background_total 5\n"),
		"flagged, blocked, logged, background");
	ok(strstr(text, "\ntypoguard_events_written_total 17\n") &&
		strstr(text, "\ntypoguard_events_queued 9\n"), "events written and queued");
	ok(strstr(text, "typoguard_events_dropped_total{reason=\"queue_full\"} 3\n") &&
		strstr(text, "typoguard_events_dropped_total{reason=\"out_of_memory\"} 3\n") &&
		strstr(text, "typoguard_events_dropped_total{reason=\"write_failed\"} 0\n"),
		"drops by reason");
	ok(strstr(text, "\ntypoguard_policy_serial 2026120201\n") &&
		strstr(text, "typoguard_policy_names{kind=\"protected\"} 7\n") &&
		strstr(text, "typoguard_policy_names{kind=\"allowed\"} 3\n") &&
		strstr(text, "\ntypoguard_index_memory_bytes 123456\n"), "the policy gauges");
	ok(access(path_in(1, "typoguard.prom.tmp"), F_OK) != 0, "no temporary file left");
	stat(prom, &before);
	atomic_store(&st.checked, 1001);
	tg_stats_write_file(prom, &st, &ws, &err);
	stat(prom, &after);
	ok(strstr(slurp(prom), "\ntypoguard_lookups_checked_total 1001\n") != NULL,
		"written again with the new numbers");
	ok(before.st_ino != after.st_ino, "by a rename over the old file, not in place");
	is_int(tg_stats_write_file(path_in(1, "no/such/dir.prom"), &st, &ws, &err), TG_ERR_IO,
		"a file in a missing directory fails");
	ok(strstr(err.msg, "no/such/dir.prom") != NULL, "naming the file (%s)", err.msg);
	unlink(prom);
	tg_stats_free(&st);
}

/** wait until a file holds a line with a text, up to SETTLE_SECONDS */
static int
wait_for(const char* path, const char* text)
{
	struct timespec ms = { 0, 20 * 1000 * 1000 };
	time_t end = time(NULL) + SETTLE_SECONDS;
	while(time(NULL) < end) {
		if(strstr(slurp(path), text))
			return 1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/** the number of lines of a file that contain a text */
static int
lines_with(const char* path, const char* text)
{
	const char* p = slurp(path);
	const char* nl;
	int n = 0;
	for(; *p; p = nl + 1) {
		if(!(nl = strchr(p, '\n')))
			break;
		if(memmem(p, (size_t)(nl - p), text, strlen(text)))
			n++;
	}
	return n;
}

/** the last line of a file, without its newline; static buffer */
static const char*
last_line(const char* path)
{
	static char line[FILE_MAX];
	const char* p = slurp(path);
	size_t n = strlen(p);
	const char* start;
	if(n && p[n - 1] == '\n')
		n--;
	for(start = p + n; start > p && start[-1] != '\n'; start--)
		;
	snprintf(line, sizeof(line), "%.*s", (int)(p + n - start), start);
	return line;
}

/** the writer writes metric events every interval and at close, counted apart */
static void
test_writer(void)
{
	struct tg_stats st;
	struct tg_writer* w = NULL;
	struct tg_writer_stats ws;
	struct tg_error err;
	const char* events = path_in(2, "events.json");
	const char* prom = path_in(3, "ticks.prom");
	const char* text;
	int i, metrics;
	memset(&err, 0, sizeof(err));
	tg_stats_init(&st);
	st.interval = 1;
	st.file = prom;
	tg_stats_policy(&st, 7, 2, 1, 100);
	is_int(tg_writer_open(events, 0, NULL, NULL, &w, &err), TG_OK, "writer opened");
	if(!w)
		return;
	tg_writer_metrics(w, st.interval, &tg_stats_emit, &st);
	for(i = 0; i < 3; i++) {
		char* l = strdup("{\"event\":{\"kind\":\"alert\"}}\n");
		tg_writer_submit(w, l, strlen(l));
	}
	atomic_store(&st.flagged, 3);
	ok(wait_for(events, "\"written\":3"), "a metric event comes within the interval, "
		"counting the three events written");
	ok(wait_for(prom, "\ntypoguard_events_written_total 3\n"),
		"and the stats file says the same");
	text = slurp(prom);
	ok(strstr(text, "\ntypoguard_lookups_flagged_total 3\n") != NULL,
		"the module's counters are in it");
	tg_writer_stats(w, &ws);
	is_int(ws.written, 3, "metric lines are not counted as events written");
	ok(ws.metrics >= 1, "they are counted as metrics (%llu)", (unsigned long long)ws.metrics);
	tg_writer_close(w);
	metrics = lines_with(events, "\"kind\":\"metric\"");
	ok(metrics >= 2, "one more metric event at close (%d in all)", metrics);
	is_int(lines_with(events, "\"kind\":\"alert\""), 3, "the three events are in the file");
	text = last_line(events);
	ok(strstr(text, "\"kind\":\"metric\"") && strstr(text, "\"written\":3"),
		"the last line is the metric event made at close, with the final count");
	unlink(events);
	unlink(prom);

	/* interval 0: no metric events at all */
	tg_stats_free(&st);
	tg_stats_init(&st);
	is_int(tg_writer_open(events, 0, NULL, NULL, &w, &err), TG_OK, "writer opened again");
	if(!w)
		return;
	tg_writer_metrics(w, 0, &tg_stats_emit, &st);
	tg_writer_submit(w, strdup("{}\n"), 3);
	tg_writer_close(w);
	is_int(lines_with(events, "metric"), 0, "stats-interval 0 writes no metric event");
	tg_stats_free(&st);
	unlink(events);
}

/** the settings: stats-interval and stats-file */
static void
test_settings(void)
{
	struct tg_settings s;
	struct tg_error err;
	memset(&err, 0, sizeof(err));
	is_int(tg_settings_parse("typoguard:\n", "/etc/tg/typoguard.conf", &s, &err), TG_OK,
		"settings without stats keys");
	is_int(s.stats_interval, 60, "stats-interval is 60 by default");
	ok(s.stats_file == NULL, "no stats-file by default");
	tg_settings_clear(&s);
	is_int(tg_settings_parse("typoguard:\n stats-interval: 0\n stats-file: m/tg.prom\n",
		"/etc/tg/typoguard.conf", &s, &err), TG_OK, "stats-interval: 0 and stats-file:");
	is_int(s.stats_interval, 0, "0 turns metric events off");
	is_str(s.stats_file, "/etc/tg/m/tg.prom", "a relative stats-file is under the settings' "
		"directory");
	tg_settings_clear(&s);
	is_int(tg_settings_parse("typoguard:\n stats-interval: 86401\n", "t.conf", &s, &err),
		TG_ERR_INVALID, "stats-interval above a day is refused");
	ok(strstr(err.msg, "t.conf:2") && strstr(err.msg, "stats-interval"),
		"naming file, line and key (%s)", err.msg);
	is_int(tg_settings_parse("typoguard:\n stats-interval: -1\n", "t.conf", &s, &err),
		TG_ERR_INVALID, "a negative stats-interval is refused");
	is_int(tg_settings_parse("typoguard:\n stats-interval: 1m\n", "t.conf", &s, &err),
		TG_ERR_INVALID, "stats-interval is a plain number of seconds");
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "%s/stats_t.XXXXXX", "/tmp");
	if(!mkdtemp(dir)) {
		printf("Bail out! cannot make a temporary directory\n");
		return 1;
	}
	test_line();
	test_file();
	test_writer();
	test_settings();
	rmdir(dir);
	return done_testing();
}
