/* module/live.h - the policy in force: rebuilt off the query path, swapped with one pointer. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_LIVE_H
#define TG_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "policy.h"
#include "settings.h"

struct tg_writer;

/**
 * One version of the policy, as published to the worker threads. Immutable; freed by the
 * holder once no thread can still use it (see tg_live_enter() and tg_live_hold()).
 */
struct tg_live_version {
	/** the policy */
	struct tg_policy* policy;
	/** 1 for the first version, then one more for each version put in force */
	uint64_t generation;
};

/**
 * How the holder reads a policy zone: supplied by the glue, which alone may look into
 * Unbound's auth zones. Both functions are called from the holder's thread (and from
 * tg_live_open()'s caller); they must take and release Unbound's locks themselves.
 */
struct tg_live_zone_ops {
	/**
	 * The zone's current SOA serial.
	 * @param arg: the ops' arg.
	 * @param zone: the zone's name, as the settings give it.
	 * @param serial: receives the serial.
	 * @param expired: receives 1 if Unbound holds the zone expired, else 0.
	 * @return: 1 if Unbound has data for the zone, 0 if it has none (yet).
	 */
	int (*serial)(void* arg, const char* zone, uint32_t* serial, int* expired);
	/**
	 * The zone's records, copied out under Unbound's locks and written afterwards as
	 * master-file text (one record a line; a record's line is its number in the zone).
	 * @param arg: the ops' arg.
	 * @param zone: the zone's name.
	 * @param text: receives the text, malloc'ed, NUL-terminated; the caller frees it.
	 * @param serial: receives the SOA serial of that copy.
	 * @param err: receives the reason when there is no copy to read.
	 * @return: TG_OK; TG_ERR_IO when Unbound has no data for the zone or it is expired;
	 *	TG_ERR_NOMEM.
	 */
	enum tg_err (*text)(void* arg, const char* zone, char** text, uint32_t* serial,
		struct tg_error* err);
	/**
	 * Called after a new version is put in force, from the holder's thread: the glue
	 * expires the answers in Unbound's message cache that the new version flags, so that
	 * their next lookup reaches the module instead of being answered from the cache. NULL
	 * for nothing.
	 * @param arg: the ops' arg.
	 * @param p: the policy now in force.
	 */
	void (*swapped)(void* arg, const struct tg_policy* p);
	/** passed to the functions */
	void* arg;
};

/** The holder of the policy in force, and the thread that follows its sources. */
struct tg_live;

/** One thread's mark of whether it is inside a read (private to live.c). */
struct tg_live_reader;

/**
 * Load the policy the settings name (files, zones, or the embedded default) and make it the
 * version in force. A policy file that does not load is an error (Unbound does not start); a
 * zone Unbound has no data for yet gives no names until it has, which is logged. A policy that
 * protects nothing is warned about.
 * @param s: the settings; must outlive the holder.
 * @param zones: how to read the policy zones, and what to do after a swap; NULL for
 *	neither. Must outlive the holder.
 * @param log: where diagnostics go; NULL for none.
 * @param writer: where the audit events (policy-loaded, policy-rejected) go; NULL for none.
 *	Must outlive the holder.
 * @param out: receives the holder, freed with tg_live_close().
 * @param err: receives "file:line: problem" on failure.
 * @return: TG_OK or the error.
 */
enum tg_err tg_live_open(const struct tg_settings* s, const struct tg_live_zone_ops* zones,
	tg_log_func* log, struct tg_writer* writer, struct tg_live** out, struct tg_error* err);

/**
 * Start the thread that follows the sources: the policy files (inotify on their directories,
 * and a stat every policy-check-interval seconds), and the zones' serials every second. On a
 * change it builds the new version in that thread, checks it (it must load, and drop no more
 * than policy-max-shrink percent of the protected names), publishes it, and frees the old one
 * once no thread can still use it. Every version put in force or rejected writes an event.
 * @param l: the holder.
 * @return: TG_OK, or TG_ERR_NOMEM if the thread cannot start (the policy then stays fixed).
 */
enum tg_err tg_live_start(struct tg_live* l);

/**
 * Look at the sources once, in the calling thread, and put a changed policy in force as the
 * thread does (tests; the thread calls it). Frees retired versions that nobody uses any more.
 * @param l: the holder.
 * @return: 1 if a new version was put in force, 0 if nothing changed, -1 if a change was
 *	rejected.
 */
int tg_live_check(struct tg_live* l);

/**
 * Begin a read of the policy in force on this thread: the version returned, and every rule
 * in it, stays valid until tg_live_leave(), without locks. Reads must not nest. Never waits.
 * @param l: the holder.
 * @param reader: receives this thread's reader, to give to tg_live_leave(); NULL when the
 *	thread could not be registered (out of memory): then the caller must not read.
 * @return: the version in force, or NULL with reader NULL.
 */
const struct tg_live_version* tg_live_enter(struct tg_live* l, struct tg_live_reader** reader);

/**
 * End a read begun with tg_live_enter().
 * @param reader: the reader it gave, or NULL.
 */
void tg_live_leave(struct tg_live_reader* reader);

/**
 * Keep a version beyond the read it was got in (a flagged query keeps its rule until its
 * replies are sent). Call between tg_live_enter() and tg_live_leave().
 * @param l: the holder.
 * @param v: the version.
 */
void tg_live_hold(struct tg_live* l, const struct tg_live_version* v);

/**
 * Let go of a version kept with tg_live_hold(). Any thread, any time.
 * @param l: the holder.
 * @param v: the version.
 */
void tg_live_release(struct tg_live* l, const struct tg_live_version* v);

/**
 * Counters of the holder.
 */
struct tg_live_stats {
	/** versions put in force, the first included */
	uint64_t loaded;
	/** versions rejected */
	uint64_t rejected;
	/** versions freed after they were replaced */
	uint64_t freed;
	/** the generation in force */
	uint64_t generation;
};

/**
 * Read the counters. Thread-safe.
 * @param l: the holder.
 * @param st: filled.
 */
void tg_live_stats(struct tg_live* l, struct tg_live_stats* st);

/**
 * Bytes the policies held hold, for Unbound's memory statistics. Thread-safe.
 * @param l: the holder, or NULL.
 * @return: bytes.
 */
size_t tg_live_memory(struct tg_live* l);

/**
 * Stop the thread and free every version. No thread may be reading or holding a version.
 * @param l: the holder, or NULL.
 */
void tg_live_close(struct tg_live* l);

#endif /* TG_LIVE_H */
