/* module/stats.c - the module's counters, as metric events and a Prometheus text file. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "event.h"
#include "live.h"
#include "policy.h"
#include "stats.h"

/** room for "@timestamp": 2026-11-28T22:05:24.127727Z */
#define TG_STATS_TIME_MAX 40
/** room for the host name */
#define TG_STATS_HOST_MAX 256
/** what is added to the stats file's name for the file it is written to first */
#define TG_STATS_TMP_SUFFIX ".tmp"

/** a number read from a counter */
#define TG_LOAD(x) ((uint64_t)atomic_load_explicit(&(x), memory_order_relaxed))

/**
 * A snapshot of every number, read once so that the event and the file say the same.
 */
struct tg_stats_now {
	/** the module's counters and gauges */
	uint64_t checked, flagged, blocked, logged, background, unanswered, kept_out, copy_failed;
	/** the policy */
	uint64_t serial, protected_names, allowed_names, memory, loaded, rejected;
	/** the writer's */
	struct tg_writer_stats w;
};

int
tg_stats_init(struct tg_stats* st)
{
	memset(st, 0, sizeof(*st));
	if(pthread_mutex_init(&st->lock, NULL) != 0)
		return -1;
	st->lock_ready = 1;
	return 0;
}

void
tg_stats_set_policy(struct tg_stats* st, const struct tg_policy* p)
{
	uint32_t serial = 0;
	size_t i;
	for(i = 0; i < p->file_count; i++)
		if(p->serials && p->serials[i] >= 0) {
			serial = (uint32_t)p->serials[i];
			break;
		}
	tg_stats_policy(st, serial, p->protected_count, p->count - p->protected_count,
		tg_policy_memory(p));
}

/** read the gauges from the holder followed, if any */
static void
tg_stats_refresh(struct tg_stats* st)
{
	const struct tg_live_version* v;
	struct tg_live_reader* rd;
	struct tg_live_stats ls;
	if(!st->lock_ready)
		return;
	pthread_mutex_lock(&st->lock);
	if(st->live) {
		if((v = tg_live_enter(st->live, &rd)) != NULL)
			tg_stats_set_policy(st, v->policy);
		tg_live_leave(rd);
		tg_live_stats(st->live, &ls);
		atomic_store_explicit(&st->policy_loaded, ls.loaded, memory_order_relaxed);
		atomic_store_explicit(&st->policy_rejected, ls.rejected, memory_order_relaxed);
		atomic_store_explicit(&st->index_memory, tg_live_memory(st->live),
			memory_order_relaxed);
	}
	pthread_mutex_unlock(&st->lock);
}

void
tg_stats_follow(struct tg_stats* st, struct tg_live* live)
{
	if(!st->lock_ready)
		return;
	pthread_mutex_lock(&st->lock);
	st->live = live;
	pthread_mutex_unlock(&st->lock);
	tg_stats_refresh(st);
}

void
tg_stats_free(struct tg_stats* st)
{
	if(st->lock_ready)
		pthread_mutex_destroy(&st->lock);
	st->lock_ready = 0;
}

void
tg_stats_policy(struct tg_stats* st, uint32_t serial, size_t protected_names,
	size_t allowed_names, size_t memory)
{
	atomic_store_explicit(&st->policy_serial, serial, memory_order_relaxed);
	atomic_store_explicit(&st->policy_protected, protected_names, memory_order_relaxed);
	atomic_store_explicit(&st->policy_allowed, allowed_names, memory_order_relaxed);
	atomic_store_explicit(&st->index_memory, memory, memory_order_relaxed);
}

/** read every number into a snapshot */
static void
tg_stats_read(struct tg_stats_now* n, const struct tg_stats* st,
	const struct tg_writer_stats* ws)
{
	struct tg_stats* s = (struct tg_stats*)st; /* atomic_load wants it not const */
	n->checked = TG_LOAD(s->checked);
	n->flagged = TG_LOAD(s->flagged);
	n->blocked = TG_LOAD(s->blocked);
	n->logged = TG_LOAD(s->logged);
	n->background = TG_LOAD(s->background);
	n->unanswered = TG_LOAD(s->unanswered);
	n->kept_out = TG_LOAD(s->kept_out);
	n->copy_failed = TG_LOAD(s->copy_failed);
	n->serial = TG_LOAD(s->policy_serial);
	n->protected_names = TG_LOAD(s->policy_protected);
	n->allowed_names = TG_LOAD(s->policy_allowed);
	n->memory = TG_LOAD(s->index_memory);
	n->loaded = TG_LOAD(s->policy_loaded);
	n->rejected = TG_LOAD(s->policy_rejected);
	n->w = *ws;
}

/** add an integer member; 0 if out of memory */
static int
tg_sadd(struct json_object* o, const char* key, uint64_t v)
{
	struct json_object* j = json_object_new_int64((int64_t)v);
	if(!j)
		return 0;
	if(json_object_object_add(o, key, j) != 0) {
		json_object_put(j);
		return 0;
	}
	return 1;
}

/** add a string member; 0 if out of memory */
static int
tg_sadd_str(struct json_object* o, const char* key, const char* v)
{
	struct json_object* j = json_object_new_string(v);
	if(!j)
		return 0;
	if(json_object_object_add(o, key, j) != 0) {
		json_object_put(j);
		return 0;
	}
	return 1;
}

/** add an object member and return it; NULL if out of memory */
static struct json_object*
tg_sadd_obj(struct json_object* o, const char* key)
{
	struct json_object* j = json_object_new_object();
	if(!j)
		return NULL;
	if(json_object_object_add(o, key, j) != 0) {
		json_object_put(j);
		return NULL;
	}
	return j;
}

/** "@timestamp" of now, RFC 3339 UTC with microseconds, as in the other events */
static int
tg_stats_time(struct json_object* o)
{
	char buf[TG_STATS_TIME_MAX];
	struct timeval tv;
	struct tm tm;
	size_t n;
	time_t sec;
	gettimeofday(&tv, NULL);
	sec = tv.tv_sec;
	if(!gmtime_r(&sec, &tm) ||
		(n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return 1;
	snprintf(buf + n, sizeof(buf) - n, ".%06ldZ", (long)tv.tv_usec);
	return tg_sadd_str(o, "@timestamp", buf);
}

/** "event", "host" and "process": the ECS part */
static int
tg_stats_ecs(struct json_object* root, int interval)
{
	char host[TG_STATS_HOST_MAX];
	struct json_object *ev, *o, *t;
	if(!(ev = tg_sadd_obj(root, "event")) || !tg_sadd_str(ev, "kind", "metric") ||
		!tg_sadd_str(ev, "module", "typoguard") ||
		!tg_sadd_str(ev, "dataset", "typoguard.stats"))
		return 0;
	if(!(t = json_object_new_array()) || json_object_object_add(ev, "type", t) != 0 ||
		json_object_array_add(t, json_object_new_string("info")) != 0)
		return 0;
	/* ECS event.duration is in nanoseconds: the period the metrics are sampled at */
	if(interval > 0 && !tg_sadd(ev, "duration", (uint64_t)interval * 1000000000ULL))
		return 0;
	if(gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = 0;
		if(!(o = tg_sadd_obj(root, "host")) || !tg_sadd_str(o, "hostname", host))
			return 0;
	}
	return (o = tg_sadd_obj(root, "process")) && tg_sadd(o, "pid", (uint64_t)getpid());
}

/** "typoguard.stats": the counters */
static int
tg_stats_fields(struct json_object* root, const struct tg_stats_now* n, int interval)
{
	struct json_object *s, *o, *d;
	if(!(o = tg_sadd_obj(root, "typoguard")) || !(s = tg_sadd_obj(o, "stats")) ||
		!tg_sadd(s, "interval", (uint64_t)(interval > 0 ? interval : 0)))
		return 0;
	if(!(o = tg_sadd_obj(s, "lookups")) || !tg_sadd(o, "checked", n->checked) ||
		!tg_sadd(o, "flagged", n->flagged) || !tg_sadd(o, "blocked", n->blocked) ||
		!tg_sadd(o, "logged", n->logged) || !tg_sadd(o, "background", n->background) ||
		!tg_sadd(o, "unanswered", n->unanswered) || !tg_sadd(o, "kept_out", n->kept_out))
		return 0;
	if(!(o = tg_sadd_obj(s, "events")) || !tg_sadd(o, "written", n->w.written) ||
		!tg_sadd(o, "queued", n->w.queued) || !tg_sadd(o, "reopened", n->w.reopened) ||
		!(d = tg_sadd_obj(o, "dropped")) ||
		!tg_sadd(d, "total", n->w.dropped + n->copy_failed) ||
		!tg_sadd(d, "queue_full", n->w.dropped_queue) ||
		!tg_sadd(d, "out_of_memory", n->w.dropped_nomem + n->copy_failed) ||
		!tg_sadd(d, "write_failed", n->w.dropped_io))
		return 0;
	if(!(o = tg_sadd_obj(s, "policy")) || !tg_sadd(o, "serial", n->serial) ||
		!tg_sadd(o, "protected", n->protected_names) ||
		!tg_sadd(o, "allowed", n->allowed_names) ||
		!tg_sadd(o, "memory_bytes", n->memory) || !tg_sadd(o, "loaded", n->loaded) ||
		!tg_sadd(o, "rejected", n->rejected))
		return 0;
	return 1;
}

/** the metric event of a snapshot, as a line; NULL if out of memory */
static char*
tg_stats_line_of(const struct tg_stats_now* n, int interval, size_t* len)
{
	struct json_object* root = json_object_new_object();
	char* line = NULL;
	if(root && tg_stats_time(root) && tg_event_add_ecs(root, NULL) &&
		tg_stats_ecs(root, interval) &&
		tg_stats_fields(root, n, interval))
		line = tg_event_line(root, len);
	json_object_put(root);
	return line;
}

char*
tg_stats_line(const struct tg_stats* st, const struct tg_writer_stats* ws, size_t* len)
{
	struct tg_stats_now n;
	tg_stats_read(&n, st, ws);
	return tg_stats_line_of(&n, st->interval, len);
}

/** one metric of the text file: its HELP and TYPE lines and one sample */
static void
tg_prom(FILE* f, const char* name, const char* type, const char* help, uint64_t v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", name, help, name, type,
		name, v);
}

/** the text file's body, Prometheus text exposition format 0.0.4 */
static void
tg_prom_body(FILE* f, const struct tg_stats_now* n)
{
	tg_prom(f, "typoguard_lookups_checked_total", "counter",
		"Client lookups checked against the policy.", n->checked);
	tg_prom(f, "typoguard_lookups_flagged_total", "counter",
		"Client replies to lookups of typo names.", n->flagged);
	tg_prom(f, "typoguard_lookups_blocked_total", "counter",
		"Flagged lookups answered NXDOMAIN.", n->blocked);
	tg_prom(f, "typoguard_lookups_logged_total", "counter",
		"Flagged lookups resolved as usual (action log).", n->logged);
	tg_prom(f, "typoguard_lookups_background_total", "counter",
		"Blocked lookups resolved in the background.", n->background);
	tg_prom(f, "typoguard_lookups_unanswered_total", "counter",
		"Flagged client lookups whose client got no reply from Unbound.", n->unanswered);
	tg_prom(f, "typoguard_lookups_kept_out_total", "counter",
		"Upstream answers of blocked names kept out of Unbound's cache.", n->kept_out);
	tg_prom(f, "typoguard_events_written_total", "counter",
		"Events written to the event file (metric events not included).", n->w.written);
	fprintf(f, "# HELP typoguard_events_dropped_total Events dropped, by reason.\n"
		"# TYPE typoguard_events_dropped_total counter\n"
		"typoguard_events_dropped_total{reason=\"queue_full\"} %" PRIu64 "\n"
		"typoguard_events_dropped_total{reason=\"out_of_memory\"} %" PRIu64 "\n"
		"typoguard_events_dropped_total{reason=\"write_failed\"} %" PRIu64 "\n",
		n->w.dropped_queue, n->w.dropped_nomem + n->copy_failed, n->w.dropped_io);
	tg_prom(f, "typoguard_events_queued", "gauge",
		"Events waiting in the writer's queue.", n->w.queued);
	tg_prom(f, "typoguard_event_file_reopened_total", "counter",
		"Times the event file was opened again after a rename or delete.", n->w.reopened);
	tg_prom(f, "typoguard_policy_serial", "gauge",
		"SOA serial of the policy in force.", n->serial);
	fprintf(f, "# HELP typoguard_policy_names Names in the policy in force.\n"
		"# TYPE typoguard_policy_names gauge\n"
		"typoguard_policy_names{kind=\"protected\"} %" PRIu64 "\n"
		"typoguard_policy_names{kind=\"allowed\"} %" PRIu64 "\n",
		n->protected_names, n->allowed_names);
	tg_prom(f, "typoguard_index_memory_bytes", "gauge",
		"Bytes the policies and their indexes hold.", n->memory);
	tg_prom(f, "typoguard_policy_loaded_total", "counter",
		"Policy versions put in force, the first included.", n->loaded);
	tg_prom(f, "typoguard_policy_rejected_total", "counter",
		"Policy versions rejected (kept the one in force).", n->rejected);
}

/** write a snapshot to the text file, through a temporary name */
static enum tg_err
tg_stats_file_of(const char* path, const struct tg_stats_now* n, struct tg_error* err)
{
	char buf[TG_ERRSTR_MAX];
	size_t len = strlen(path) + sizeof(TG_STATS_TMP_SUFFIX);
	char* tmp = malloc(len);
	enum tg_err r = TG_OK;
	FILE* f;
	int e;
	if(!tmp)
		return tg_error_set(err, TG_ERR_NOMEM, path, 0, "%s",
			tg_strerror(TG_ERR_NOMEM));
	snprintf(tmp, len, "%s%s", path, TG_STATS_TMP_SUFFIX);
	if(!(f = fopen(tmp, "we"))) {
		r = tg_error_set(err, TG_ERR_IO, tmp, 0, "%s",
			tg_errno_str(errno, buf, sizeof(buf)));
		goto cleanup;
	}
	tg_prom_body(f, n);
	e = ferror(f) ? EIO : 0;
	if(fclose(f) != 0 && !e)
		e = errno;
	if(e || rename(tmp, path) != 0) {
		r = tg_error_set(err, TG_ERR_IO, path, 0, "%s",
			tg_errno_str(e ? e : errno, buf, sizeof(buf)));
		unlink(tmp);
	}
cleanup:
	free(tmp);
	return r;
}

enum tg_err
tg_stats_write_file(const char* path, const struct tg_stats* st,
	const struct tg_writer_stats* ws, struct tg_error* err)
{
	struct tg_stats_now n;
	tg_stats_read(&n, st, ws);
	return tg_stats_file_of(path, &n, err);
}

char*
tg_stats_emit(void* arg, const struct tg_writer_stats* ws, tg_log_func* log, size_t* len)
{
	struct tg_stats* st = (struct tg_stats*)arg;
	struct tg_stats_now n;
	struct tg_error err;
	tg_stats_refresh(st);
	tg_stats_read(&n, st, ws);
	if(st->file) {
		memset(&err, 0, sizeof(err));
		if(tg_stats_file_of(st->file, &n, &err) != TG_OK) {
			if(!st->file_failing)
				tg_logf(log, 0, "stats-file: %s", err.msg);
			st->file_failing = 1;
		} else if(st->file_failing) {
			tg_logf(log, 2, "stats-file: %s written again", st->file);
			st->file_failing = 0;
		}
	}
	return tg_stats_line_of(&n, st->interval, len);
}
