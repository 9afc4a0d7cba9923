/* module/live.c - the policy in force: rebuilt off the query path, swapped with one pointer. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Readers (Unbound's worker threads) and the one thread that builds versions share a single
 * atomic pointer to the version in force. A reader never waits: it marks its own slot with
 * the global epoch, loads the pointer, uses it, and clears its slot. The builder publishes a
 * new version with one store, advances the epoch, and keeps the old version on a retired list
 * until (a) every reader slot is idle or marked with the new epoch or a later one, so no read
 * that could have loaded the old pointer is still running, and (b) no flagged query still
 * holds it (a count of holds, taken inside a read). Only then is it freed. It builds no new
 * version while an old one waits, so at most two versions are ever in memory.
 */

#include "tgconfig.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif
#include "event.h"
#include "live.h"
#include "writer.h"
#include "thread.h"

/** milliseconds between looks at the zones' serials */
#define TG_LIVE_ZONE_POLL_MS 250
/** milliseconds between looks at whether a retired version can be freed */
#define TG_LIVE_RECLAIM_POLL_MS 5
/** what the embedded default policy is called in events */
#define TG_LIVE_DEFAULT_LABEL "(embedded default policy)"
/** room for a zone's label, "zone " and the name */
#define TG_LIVE_LABEL_MAX (TG_PRESENT_MAX + 8)
/** the nice value of the holder's thread where SCHED_IDLE is refused */
#define TG_LIVE_NICE 10
/** room for the inotify events read at once */
#define TG_LIVE_INOTIFY_BUF 4096

/** A version with what the holder keeps about it. */
struct tg_live_ver {
	/** what readers see; first, so that a reader's pointer converts back */
	struct tg_live_version pub;
	/** holds beyond a read (flagged queries in flight) */
	atomic_uint_fast64_t holds;
	/** the epoch readers that can still see it were marked with less than */
	uint64_t retire_epoch;
	/** the next retired version */
	struct tg_live_ver* next;
};

struct tg_live_reader {
	/** 0 outside a read; else the epoch the read began in */
	atomic_uint_fast64_t active;
	/** the next reader of the holder */
	struct tg_live_reader* next;
};

/** What was last seen of one policy file. */
struct tg_live_file {
	/** whether it existed */
	int exists;
	/** errno of stat when it did not */
	int err;
	/** device, inode, size, modification and change times */
	dev_t dev;
	/** inode */
	ino_t ino;
	/** size */
	off_t size;
	/** modification time */
	struct timespec mtime;
	/** status change time */
	struct timespec ctime;
};

/** What was last seen of one policy zone. */
struct tg_live_zone {
	/** whether Unbound had data for it */
	int loaded;
	/** whether it was expired */
	int expired;
	/** its serial */
	uint32_t serial;
};

/** What was seen of every source at one look. */
struct tg_live_seen {
	/** the files */
	struct tg_live_file file[TG_POLICY_FILES_MAX];
	/** the zones */
	struct tg_live_zone zone[TG_POLICY_ZONES_MAX];
};

struct tg_live {
	/** the settings: sources, qtypes, interval, max shrink */
	const struct tg_settings* s;
	/** how zones are read, or NULL when the settings name none */
	const struct tg_live_zone_ops* zones;
	/** the same ops, for their swapped function, or NULL */
	const struct tg_live_zone_ops* host;
	/** diagnostics */
	tg_log_func* log;
	/** audit events, or NULL */
	struct tg_writer* writer;
	/** the version in force */
	_Atomic(struct tg_live_ver*) current;
	/** the epoch; readers mark their slot with it */
	atomic_uint_fast64_t epoch;
	/** every reader ever registered; pushed under readers_lock, walked without it */
	_Atomic(struct tg_live_reader*) readers;
	/** guards registration */
	pthread_mutex_t readers_lock;
	/** each thread's reader */
	pthread_key_t key;
	/** replaced versions not yet freed; only the checking thread touches it */
	struct tg_live_ver* retired;
	/** what the sources looked like at the last version tried, put in force or not */
	struct tg_live_seen seen;
	/** serialises tg_live_check() */
	pthread_mutex_t check_lock;
	/** the thread, when running */
	pthread_t thread;
	/** whether the thread runs */
	int running;
	/** the pipe that stops the thread: read end, write end */
	int stop[2];
	/** inotify on the files' directories, or -1 */
	int inotify;
	/** counters */
	atomic_uint_fast64_t loaded, rejected, freed;
};

/**
 * The label of a zone in errors, events and rules: "zone <name>".
 * @param zone: the zone's name.
 * @param buf: receives the label, TG_LIVE_LABEL_MAX bytes.
 * @return: buf.
 */
static const char*
zone_label(const char* zone, char* buf)
{
	size_t n = strlen(zone);
	snprintf(buf, TG_LIVE_LABEL_MAX, "zone %s%s", zone,
		n && zone[n - 1] == '.' ? "" : ".");
	return buf;
}

/**
 * Add the audit event of one source's version to the event file.
 * @param l: the holder.
 * @param loaded: 1 for policy-loaded, 0 for policy-rejected.
 * @param source: the file or "zone <name>".
 * @param has_serial: whether serial is known.
 * @param serial: the version's SOA serial.
 * @param p: the policy in force after the change (its counts are written).
 * @param error: the reason of a rejection, or NULL.
 */
static void
audit(struct tg_live* l, int loaded, const char* source, int has_serial, uint32_t serial,
	const struct tg_policy* p, const char* error)
{
	struct json_object *root, *ev, *tg, *pol, *e;
	struct timeval tv;
	struct tm tm;
	char ts[64], frac[16];
	const char* line;
	size_t len;
	char* copy;
	if(!l->writer)
		return;
	gettimeofday(&tv, NULL);
	time_t sec = tv.tv_sec;
	gmtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%06ldZ", (long)tv.tv_usec);
	strncat(ts, frac, sizeof(ts) - strlen(ts) - 1);
	root = json_object_new_object();
	ev = json_object_new_object();
	tg = json_object_new_object();
	pol = json_object_new_object();
	if(!root || !ev || !tg || !pol)
		goto cleanup;
	json_object_object_add(root, "@timestamp", json_object_new_string(ts));
	/* ecs.version and agent, as every typoguard event has them */
	if(!tg_event_add_ecs(root, NULL))
		goto cleanup;
	json_object_object_add(ev, "kind", json_object_new_string("event"));
	json_object_object_add(ev, "category", e = json_object_new_array());
	json_object_array_add(e, json_object_new_string("configuration"));
	json_object_object_add(ev, "type", e = json_object_new_array());
	json_object_array_add(e, json_object_new_string("change"));
	json_object_object_add(ev, "action",
		json_object_new_string(loaded ? "policy-loaded" : "policy-rejected"));
	json_object_object_add(ev, "outcome",
		json_object_new_string(loaded ? "success" : "failure"));
	json_object_object_add(ev, "module", json_object_new_string("typoguard"));
	json_object_object_add(ev, "dataset", json_object_new_string("typoguard.events"));
	json_object_object_add(root, "event", ev);
	ev = NULL;
	if(error) {
		json_object_object_add(root, "error", e = json_object_new_object());
		json_object_object_add(e, "message", json_object_new_string(error));
	}
	json_object_object_add(pol, "source", json_object_new_string(source));
	if(has_serial)
		json_object_object_add(pol, "serial", json_object_new_int64(serial));
	if(p) {
		json_object_object_add(pol, "protected",
			json_object_new_int64((int64_t)p->protected_count));
		json_object_object_add(pol, "allowed",
			json_object_new_int64((int64_t)(p->count - p->protected_count)));
	}
	json_object_object_add(tg, "policy", pol);
	pol = NULL;
	json_object_object_add(root, "typoguard", tg);
	tg = NULL;
	line = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	len = line ? strlen(line) : 0;
	if(line && (copy = malloc(len + 2))) {
		memcpy(copy, line, len);
		copy[len] = '\n';
		copy[len + 1] = 0;
		tg_writer_submit(l->writer, copy, len + 1);
	}
cleanup:
	json_object_put(root);
	json_object_put(ev);
	json_object_put(tg);
	json_object_put(pol);
}

/**
 * Look at one file.
 * @param path: the file.
 * @param f: filled.
 */
static void
look_file(const char* path, struct tg_live_file* f)
{
	struct stat st;
	memset(f, 0, sizeof(*f));
	if(stat(path, &st) != 0) {
		f->err = errno;
		return;
	}
	f->exists = 1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	f->ctime = st.st_ctim;
}

/**
 * Whether two looks at a file differ.
 * @param a: one.
 * @param b: the other.
 * @return: 1 if they differ.
 */
static int
file_differs(const struct tg_live_file* a, const struct tg_live_file* b)
{
	if(a->exists != b->exists)
		return 1;
	if(!a->exists)
		return a->err != b->err;
	return a->dev != b->dev || a->ino != b->ino || a->size != b->size ||
		a->mtime.tv_sec != b->mtime.tv_sec || a->mtime.tv_nsec != b->mtime.tv_nsec ||
		a->ctime.tv_sec != b->ctime.tv_sec || a->ctime.tv_nsec != b->ctime.tv_nsec;
}

/**
 * Look at every source.
 * @param l: the holder.
 * @param now: filled.
 */
static void
look(struct tg_live* l, struct tg_live_seen* now)
{
	size_t i;
	memset(now, 0, sizeof(*now));
	for(i = 0; i < l->s->policy_files; i++)
		look_file(l->s->policy_file[i], &now->file[i]);
	for(i = 0; l->zones && i < l->s->policy_zones; i++) {
		struct tg_live_zone* z = &now->zone[i];
		z->loaded = (*l->zones->serial)(l->zones->arg, l->s->policy_zone[i],
			&z->serial, &z->expired);
		if(!z->loaded)
			z->serial = 0, z->expired = 0;
	}
}

/**
 * Free what the sources' texts hold.
 * @param src: the sources.
 * @param n: their number.
 */
static void
sources_free(struct tg_policy_source* src, size_t n)
{
	size_t i;
	/* the texts are the zones' copies, and their names made for them */
	for(i = 0; i < n; i++) {
		if(!src[i].text || src[i].text == tg_default_policy)
			continue;
		free((char*)src[i].text);
		free((char*)src[i].name);
	}
	free(src);
}

/**
 * Read the zones and list every source of a new version.
 * @param l: the holder.
 * @param now: what was seen; the zones' serials are set to those of the copies read.
 * @param out: receives the sources, freed with sources_free().
 * @param n: receives their number.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
sources_make(struct tg_live* l, struct tg_live_seen* now, struct tg_policy_source** out,
	size_t* n, struct tg_error* err)
{
	const struct tg_settings* s = l->s;
	struct tg_policy_source* src;
	char label[TG_LIVE_LABEL_MAX];
	size_t i;
	*n = 0;
	if(!(src = calloc(s->policy_files + s->policy_zones + 1, sizeof(*src))))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	*out = src;
	if(s->policy_files == 0 && s->policy_zones == 0) {
		src[0].name = TG_LIVE_DEFAULT_LABEL;
		src[0].text = tg_default_policy;
		*n = 1;
		return TG_OK;
	}
	for(i = 0; i < s->policy_files; i++)
		src[(*n)++].name = s->policy_file[i];
	for(i = 0; l->zones && i < s->policy_zones; i++) {
		char* text = NULL;
		uint32_t serial = 0;
		enum tg_err r;
		if(!now->zone[i].loaded)
			continue;
		if((r = (*l->zones->text)(l->zones->arg, s->policy_zone[i], &text, &serial,
			err)) != TG_OK)
			return r;
		src[*n].text = text;
		src[*n].name = strdup(zone_label(s->policy_zone[i], label));
		if(!src[(*n)++].name)
			return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
		now->zone[i].serial = serial;
	}
	return TG_OK;
}

/**
 * Build a version from the sources as they are now.
 * @param l: the holder.
 * @param now: what was seen; zones' serials updated to the copies read.
 * @param out: receives the policy.
 * @param err: the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
build(struct tg_live* l, struct tg_live_seen* now, struct tg_policy** out,
	struct tg_error* err)
{
	struct tg_policy_source* src = NULL;
	size_t n = 0;
	enum tg_err r;
	*out = NULL;
	if((r = sources_make(l, now, &src, &n, err)) == TG_OK)
		r = tg_policy_load_sources(src, n, &l->s->qtypes, out, err);
	sources_free(src, n);
	return r;
}

/**
 * Make a version of a policy.
 * @param p: the policy; owned by the version on success.
 * @param generation: its generation.
 * @return: the version, or NULL if out of memory.
 */
static struct tg_live_ver*
ver_new(struct tg_policy* p, uint64_t generation)
{
	struct tg_live_ver* v = calloc(1, sizeof(*v));
	if(!v)
		return NULL;
	v->pub.policy = p;
	v->pub.generation = generation;
	atomic_init(&v->holds, 0);
	return v;
}

/**
 * Free a version and its policy.
 * @param v: the version, or NULL.
 */
static void
ver_free(struct tg_live_ver* v)
{
	if(!v)
		return;
	tg_policy_free(v->pub.policy);
	free(v);
}

/**
 * Whether any read that began before an epoch is still running.
 * @param l: the holder.
 * @param epoch: the epoch.
 * @return: 1 if one is.
 */
static int
reads_before(struct tg_live* l, uint64_t epoch)
{
	struct tg_live_reader* r;
	for(r = atomic_load(&l->readers); r; r = r->next) {
		uint64_t a = atomic_load(&r->active);
		if(a != 0 && a < epoch)
			return 1;
	}
	return 0;
}

/**
 * Free the retired versions no read and no flagged query can still use.
 * @param l: the holder.
 * @return: 1 if some are left.
 */
static int
reclaim(struct tg_live* l)
{
	struct tg_live_ver **pv = &l->retired, *v;
	while((v = *pv) != NULL) {
		/* once no read that began before the swap runs, nobody can take a new hold: the
		 * count can only fall, and 0 is final */
		if(!reads_before(l, v->retire_epoch) && atomic_load(&v->holds) == 0) {
			*pv = v->next;
			ver_free(v);
			atomic_fetch_add(&l->freed, 1);
		} else
			pv = &v->next;
	}
	return l->retired != NULL;
}

/**
 * Put a version in force and retire the one it replaces.
 * @param l: the holder.
 * @param v: the new version.
 */
static void
publish(struct tg_live* l, struct tg_live_ver* v)
{
	struct tg_live_ver* old = atomic_exchange(&l->current, v);
	if(!old)
		return;
	/* reads that loaded old began with a smaller epoch than the one this returns */
	old->retire_epoch = atomic_fetch_add(&l->epoch, 1) + 1;
	old->next = l->retired;
	l->retired = old;
	atomic_fetch_add(&l->loaded, 1);
}

/**
 * The SOA serial of a source in a policy.
 * @param p: the policy.
 * @param source: the source's name.
 * @param serial: receives it.
 * @return: 1 if it has one.
 */
static int
source_serial(const struct tg_policy* p, const char* source, uint32_t* serial)
{
	return p && tg_policy_source_serial(p, source, serial);
}

/**
 * Say in the log and the events that a change of one source was rejected.
 * @param l: the holder.
 * @param source: the file or zone label.
 * @param has_serial: whether the rejected version's serial is known.
 * @param serial: its serial.
 * @param why: the reason.
 */
static void
reject(struct tg_live* l, const char* source, int has_serial, uint32_t serial, const char* why)
{
	struct tg_live_ver* cur = atomic_load(&l->current);
	atomic_fetch_add(&l->rejected, 1);
	tg_logf(l->log, 0, "policy from %s rejected: %s; the last good policy (generation %llu) "
		"stays in force", source, why,
		(unsigned long long)(cur ? cur->pub.generation : 0));
	audit(l, 0, source, has_serial, serial, cur ? cur->pub.policy : NULL, why);
}

/**
 * Reject a change for every source that changed.
 * @param l: the holder.
 * @param now: what was seen.
 * @param why: the reason.
 */
static void
reject_changed(struct tg_live* l, const struct tg_live_seen* now, const char* why)
{
	char label[TG_LIVE_LABEL_MAX];
	size_t i;
	for(i = 0; i < l->s->policy_files; i++)
		if(file_differs(&now->file[i], &l->seen.file[i]))
			reject(l, l->s->policy_file[i], 0, 0, why);
	for(i = 0; i < l->s->policy_zones; i++)
		if(memcmp(&now->zone[i], &l->seen.zone[i], sizeof(now->zone[i])) != 0)
			reject(l, zone_label(l->s->policy_zone[i], label),
				now->zone[i].loaded, now->zone[i].serial, why);
}

/**
 * Write the policy-loaded events of the sources that changed.
 * @param l: the holder.
 * @param now: what was seen.
 * @param p: the policy put in force.
 */
static void
announce(struct tg_live* l, const struct tg_live_seen* now, const struct tg_policy* p)
{
	char label[TG_LIVE_LABEL_MAX];
	uint32_t serial = 0;
	size_t i;
	int has;
	if(l->s->policy_files == 0 && l->s->policy_zones == 0) {
		has = source_serial(p, TG_LIVE_DEFAULT_LABEL, &serial);
		audit(l, 1, TG_LIVE_DEFAULT_LABEL, has, serial, p, NULL);
	}
	for(i = 0; i < l->s->policy_files; i++) {
		const char* f = l->s->policy_file[i];
		if(!file_differs(&now->file[i], &l->seen.file[i]))
			continue;
		has = source_serial(p, f, &serial);
		audit(l, 1, f, has, serial, p, NULL);
	}
	for(i = 0; i < l->s->policy_zones; i++) {
		if(!now->zone[i].loaded || memcmp(&now->zone[i], &l->seen.zone[i],
			sizeof(now->zone[i])) == 0)
			continue;
		audit(l, 1, zone_label(l->s->policy_zone[i], label), 1, now->zone[i].serial,
			p, NULL);
	}
}

/**
 * Why the sources as seen cannot make a version, before reading them: a policy file gone, a
 * zone expired or dropped by Unbound.
 * @param l: the holder.
 * @param now: what was seen.
 * @param why: receives the reason.
 * @param size: bytes in why.
 * @return: 1 if they cannot.
 */
static int
sources_broken(struct tg_live* l, const struct tg_live_seen* now, char* why, size_t size)
{
	char label[TG_LIVE_LABEL_MAX], e[TG_ERRSTR_MAX];
	size_t i;
	for(i = 0; i < l->s->policy_files; i++) {
		if(now->file[i].exists)
			continue;
		snprintf(why, size, "%s: %s", l->s->policy_file[i],
			tg_errno_str(now->file[i].err, e, sizeof(e)));
		return 1;
	}
	for(i = 0; i < l->s->policy_zones; i++) {
		if(now->zone[i].loaded && now->zone[i].expired)
			snprintf(why, size, "%s: expired (no transfer from its primary within "
				"the SOA expire time)", zone_label(l->s->policy_zone[i], label));
		else if(!now->zone[i].loaded && l->seen.zone[i].loaded)
			snprintf(why, size, "%s: Unbound holds no data for it any more",
				zone_label(l->s->policy_zone[i], label));
		else
			continue;
		return 1;
	}
	return 0;
}

/**
 * Whether a new version drops more of the protected names than policy-max-shrink allows.
 * @param l: the holder.
 * @param cur: the policy in force.
 * @param p: the new one.
 * @param why: receives the reason.
 * @param size: bytes in why.
 * @return: 1 if it does.
 */
static int
shrinks(struct tg_live* l, const struct tg_policy* cur, const struct tg_policy* p, char* why,
	size_t size)
{
	size_t before = cur ? cur->protected_count : 0, after = p->protected_count;
	if(after >= before)
		return 0;
	/* dropped/before > max/100, in integers */
	if((before - after) * 100 <= (size_t)l->s->policy_max_shrink * before)
		return 0;
	snprintf(why, size, "it would drop %zu of the %zu protected names (%zu%%), more than "
		"policy-max-shrink: %d%%", before - after, before,
		(before - after) * 100 / before, l->s->policy_max_shrink);
	return 1;
}

/**
 * Try to make a version of the sources as seen now and put it in force.
 * @param l: the holder.
 * @param now: what was seen.
 * @return: 1 if put in force, -1 if rejected.
 */
static int
renew(struct tg_live* l, struct tg_live_seen* now)
{
	struct tg_live_ver *cur = atomic_load(&l->current), *v;
	struct tg_policy* p = NULL;
	struct tg_error err;
	char why[TG_ERRMSG_MAX + TG_LIVE_LABEL_MAX + 128];
	memset(&err, 0, sizeof(err));
	if(sources_broken(l, now, why, sizeof(why))) {
		reject_changed(l, now, why);
		return -1;
	}
	if(build(l, now, &p, &err) != TG_OK) {
		reject_changed(l, now, err.msg);
		return -1;
	}
	if(shrinks(l, cur ? cur->pub.policy : NULL, p, why, sizeof(why))) {
		tg_policy_free(p);
		reject_changed(l, now, why);
		return -1;
	}
	if(!(v = ver_new(p, (cur ? cur->pub.generation : 0) + 1))) {
		tg_policy_free(p);
		reject_changed(l, now, "out of memory");
		return -1;
	}
	publish(l, v);
	if(l->host && l->host->swapped)
		(*l->host->swapped)(l->host->arg, p);
	tg_logf(l->log, 2, "policy generation %llu in force: %zu protected and %zu allowed names",
		(unsigned long long)v->pub.generation, p->protected_count,
		p->count - p->protected_count);
	announce(l, now, p);
	return 1;
}

int
tg_live_check(struct tg_live* l)
{
	struct tg_live_seen* now;
	int result = 0;
	if(!(now = malloc(sizeof(*now))))
		return 0;
	pthread_mutex_lock(&l->check_lock);
	/* never a third version in memory: the next waits until the old one is freed */
	if(reclaim(l))
		goto cleanup;
	look(l, now);
	if(memcmp(now, &l->seen, sizeof(*now)) == 0)
		goto cleanup;
	result = renew(l, now);
	/* tried, put in force or not: not tried again until something changes */
	l->seen = *now;
	(void)reclaim(l);
cleanup:
	pthread_mutex_unlock(&l->check_lock);
	free(now);
	return result;
}

/**
 * Say at start what the zones not yet loaded mean, and warn about a policy that protects
 * nothing.
 * @param l: the holder.
 * @param now: what was seen.
 * @param p: the policy.
 */
static void
open_warnings(struct tg_live* l, const struct tg_live_seen* now, const struct tg_policy* p)
{
	char label[TG_LIVE_LABEL_MAX];
	size_t i, waiting = 0;
	for(i = 0; i < l->s->policy_zones; i++) {
		if(now->zone[i].loaded)
			continue;
		waiting++;
		tg_logf(l->log, 2, "%s: not loaded yet: it adds no names until Unbound has "
			"read or transferred it", zone_label(l->s->policy_zone[i], label));
	}
	if(l->s->source && l->s->policy_files == 0 && l->s->policy_zones == 0)
		tg_logf(l->log, 1, "%s names no policy-file: and no policy-zone: the embedded "
			"default policy is used (protect mil and gov, action log)", l->s->source);
	if(p->protected_count == 0 && !waiting)
		tg_logf(l->log, 1, "the policy protects no name: nothing will be flagged");
	else if(p->protected_count == 0)
		tg_logf(l->log, 1, "no protected name yet: nothing is flagged until a "
			"policy zone arrives");
}

enum tg_err
tg_live_open(const struct tg_settings* s, const struct tg_live_zone_ops* zones,
	tg_log_func* log, struct tg_writer* writer, struct tg_live** out, struct tg_error* err)
{
	struct tg_live* l;
	struct tg_policy* p = NULL;
	struct tg_live_ver* v;
	enum tg_err r;
	*out = NULL;
	if(!(l = calloc(1, sizeof(*l))))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	l->s = s;
	l->zones = s->policy_zones ? zones : NULL;
	l->host = zones;
	l->log = log;
	l->writer = writer;
	l->stop[0] = l->stop[1] = l->inotify = -1;
	atomic_init(&l->epoch, 1);
	atomic_init(&l->current, NULL);
	atomic_init(&l->readers, NULL);
	if(pthread_mutex_init(&l->readers_lock, NULL) != 0) {
		free(l);
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "cannot make a mutex");
	}
	if(pthread_mutex_init(&l->check_lock, NULL) != 0) {
		pthread_mutex_destroy(&l->readers_lock);
		free(l);
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "cannot make a mutex");
	}
	if(pthread_key_create(&l->key, NULL) != 0) {
		pthread_mutex_destroy(&l->readers_lock);
		pthread_mutex_destroy(&l->check_lock);
		free(l);
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "cannot make a thread key");
	}
	look(l, &l->seen);
	if((r = build(l, &l->seen, &p, err)) != TG_OK) {
		tg_settings_policy_error(s, r, err);
		tg_live_close(l);
		return r;
	}
	if(!(v = ver_new(p, 1))) {
		tg_policy_free(p);
		tg_live_close(l);
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	}
	atomic_store(&l->current, v);
	atomic_fetch_add(&l->loaded, 1);
	/* no event at start: the event file records changes; the log says what is loaded */
	open_warnings(l, &l->seen, p);
	*out = l;
	return TG_OK;
}

/**
 * Watch the directories of the policy files, so that a change is seen at once.
 * @param l: the holder.
 */
static void
watch_dirs(struct tg_live* l)
{
#ifdef __linux__
	char dir[4096];
	size_t i;
	if(l->s->policy_files == 0)
		return;
	if((l->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		tg_logf(l->log, 2, "no inotify (%s): policy files are checked every %d s",
			strerror(errno), l->s->policy_check_interval);
		return;
	}
	for(i = 0; i < l->s->policy_files; i++) {
		const char* f = l->s->policy_file[i];
		const char* slash = strrchr(f, '/');
		if(!slash)
			snprintf(dir, sizeof(dir), ".");
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash == f ? 1 : slash - f), f);
		if(inotify_add_watch(l->inotify, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			IN_MOVED_FROM | IN_DELETE | IN_ATTRIB) < 0)
			tg_logf(l->log, 2, "cannot watch %s (%s): it is checked every %d s", dir,
				strerror(errno), l->s->policy_check_interval);
	}
#else
	(void)l;
#endif
}

/**
 * The thread: look at the sources when inotify says a directory changed, every
 * policy-check-interval seconds, every TG_LIVE_ZONE_POLL_MS for zones; free retired versions
 * as soon as nothing uses them.
 * @param arg: the holder.
 * @return: NULL.
 */
static void*
live_run(void* arg)
{
	struct tg_live* l = (struct tg_live*)arg;
	struct pollfd fds[2];
	char buf[TG_LIVE_INOTIFY_BUF];
	int timeout, nfds = 1;
#ifdef __linux__
	/* per thread on Linux, and the loader's helper thread inherits it: SCHED_IDLE runs the
	 * builds on what Unbound's workers leave of a core, and a worker woken by a query takes
	 * the core back at once (a nice value only shortens the build's slices, which still
	 * delay the worker by milliseconds); where it is refused, a nice value */
	struct sched_param idle = { 0 };
	int e = pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	if(e != 0 && setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), TG_LIVE_NICE) != 0)
		tg_logf(l->log, 2, "policy thread: cannot lower its priority: %s", strerror(e));
#endif
	fds[0].fd = l->stop[0];
	fds[0].events = POLLIN;
	if(l->inotify >= 0) {
		fds[1].fd = l->inotify;
		fds[1].events = POLLIN;
		nfds = 2;
	}
	for(;;) {
		timeout = l->zones ? TG_LIVE_ZONE_POLL_MS : l->s->policy_check_interval * 1000;
		if(l->retired)
			timeout = TG_LIVE_RECLAIM_POLL_MS;
		if(poll(fds, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;
		if(fds[0].revents)
			break;
		if(nfds == 2 && (fds[1].revents & POLLIN))
			while(read(l->inotify, buf, sizeof(buf)) > 0)
				;
		(void)tg_live_check(l);
	}
	return NULL;
}

enum tg_err
tg_live_start(struct tg_live* l)
{
	if(l->running)
		return TG_OK;
	if(pipe(l->stop) != 0)
		return TG_ERR_NOMEM;
	(void)fcntl(l->stop[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(l->stop[1], F_SETFD, FD_CLOEXEC);
	watch_dirs(l);
	if(tg_thread_start(&l->thread, &live_run, l) != 0)
		return TG_ERR_NOMEM;
	l->running = 1;
	return TG_OK;
}

/**
 * This thread's reader, registered at its first read.
 * @param l: the holder.
 * @return: the reader, or NULL if out of memory.
 */
static struct tg_live_reader*
reader_get(struct tg_live* l)
{
	struct tg_live_reader* r = (struct tg_live_reader*)pthread_getspecific(l->key);
	if(r)
		return r;
	if(!(r = calloc(1, sizeof(*r))))
		return NULL;
	atomic_init(&r->active, 0);
	pthread_mutex_lock(&l->readers_lock);
	r->next = atomic_load(&l->readers);
	atomic_store(&l->readers, r);
	pthread_mutex_unlock(&l->readers_lock);
	/* kept on the list: freed with the holder even if this fails */
	return pthread_setspecific(l->key, r) == 0 ? r : NULL;
}

const struct tg_live_version*
tg_live_enter(struct tg_live* l, struct tg_live_reader** reader)
{
	struct tg_live_reader* r = reader_get(l);
	*reader = r;
	if(!r)
		return NULL;
	/* the mark is seen by the reclaimer before the pointer is loaded (both seq_cst) */
	atomic_store(&r->active, atomic_load(&l->epoch));
	return &atomic_load(&l->current)->pub;
}

void
tg_live_leave(struct tg_live_reader* reader)
{
	if(reader)
		atomic_store_explicit(&reader->active, 0, memory_order_release);
}

void
tg_live_hold(struct tg_live* l, const struct tg_live_version* v)
{
	(void)l;
	atomic_fetch_add(&((struct tg_live_ver*)v)->holds, 1);
}

void
tg_live_release(struct tg_live* l, const struct tg_live_version* v)
{
	(void)l;
	atomic_fetch_sub(&((struct tg_live_ver*)v)->holds, 1);
}

void
tg_live_stats(struct tg_live* l, struct tg_live_stats* st)
{
	struct tg_live_ver* v = atomic_load(&l->current);
	st->loaded = atomic_load(&l->loaded);
	st->rejected = atomic_load(&l->rejected);
	st->freed = atomic_load(&l->freed);
	st->generation = v ? v->pub.generation : 0;
}

size_t
tg_live_memory(struct tg_live* l)
{
	struct tg_live_reader* rd;
	const struct tg_live_version* v;
	size_t n;
	if(!l || !(v = tg_live_enter(l, &rd)))
		return 0;
	/* inside a read: the version cannot be freed meanwhile. Retired versions belong to
	 * the builder's thread; the one in force is what stays */
	n = sizeof(*l) + sizeof(struct tg_live_ver) + tg_policy_memory(v->policy);
	tg_live_leave(rd);
	return n;
}

void
tg_live_close(struct tg_live* l)
{
	struct tg_live_reader* r;
	char c = 0;
	if(!l)
		return;
	if(l->running) {
		if(write(l->stop[1], &c, 1) != 1)
			tg_logf(l->log, 0, "cannot stop the policy thread: %s", strerror(errno));
		pthread_join(l->thread, NULL);
	}
	if(l->stop[0] >= 0)
		close(l->stop[0]);
	if(l->stop[1] >= 0)
		close(l->stop[1]);
	if(l->inotify >= 0)
		close(l->inotify);
	while(l->retired) {
		struct tg_live_ver* next = l->retired->next;
		ver_free(l->retired);
		l->retired = next;
	}
	ver_free(atomic_load(&l->current));
	while((r = atomic_load(&l->readers)) != NULL) {
		atomic_store(&l->readers, r->next);
		free(r);
	}
	pthread_key_delete(l->key);
	pthread_mutex_destroy(&l->readers_lock);
	pthread_mutex_destroy(&l->check_lock);
	free(l);
}
