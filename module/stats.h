/* module/stats.h - the module's counters, as metric events and a Prometheus text file. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_STATS_H
#define TG_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "writer.h"

struct tg_live;
struct tg_policy;

/**
 * What the module counts, shared by every worker thread (C11 atomics, relaxed: each counter
 * is a number of its own, never read together with another as a whole). Counters only grow,
 * from the module's start (a reload starts them again at 0). The policy gauges are read from
 * the policy in force at each metric event (tg_stats_follow()). Embedded in the module's
 * state: tg_stats_init() it, tg_stats_free() it.
 */
struct tg_stats {
	/** client lookups checked against the policy: one per query state of a client, and
	 * one per answer from Unbound's cache */
	atomic_uint_least64_t checked;
	/** client replies flagged: one per client, several clients may share one lookup */
	atomic_uint_least64_t flagged;
	/** of those, answered NXDOMAIN */
	atomic_uint_least64_t blocked;
	/** of those, resolved as usual (action log) */
	atomic_uint_least64_t logged;
	/** blocked lookups resolved in the background (resolve-blocked) */
	atomic_uint_least64_t background;
	/** flagged client lookups whose client got no reply from Unbound */
	atomic_uint_least64_t unanswered;
	/** upstream answers of blocked names (or chains into them) kept out of the cache */
	atomic_uint_least64_t kept_out;
	/** events the module could not hand to the writer (out of memory) */
	atomic_uint_least64_t copy_failed;
	/** the policy's serial: the SOA serial of its first zone file that has one */
	atomic_uint_least64_t policy_serial;
	/** protected names in the policy */
	atomic_uint_least64_t policy_protected;
	/** allowed names in the policy */
	atomic_uint_least64_t policy_allowed;
	/** bytes the policy and its index hold */
	atomic_uint_least64_t index_memory;
	/** policy versions put in force, the first included */
	atomic_uint_least64_t policy_loaded;
	/** policy versions rejected */
	atomic_uint_least64_t policy_rejected;
	/** guards live */
	pthread_mutex_t lock;
	/** whether lock is initialised */
	int lock_ready;
	/** the policy holder the gauges are read from, or NULL; under lock */
	struct tg_live* live;
	/** seconds between metric events, 0 for none; set before the writer is told */
	int interval;
	/** the Prometheus text file to write with each metric event, or NULL; not owned, it
	 * must stay until the writer is closed */
	const char* file;
	/** whether writing the file failed last time; the writer thread's alone */
	int file_failing;
};

/**
 * Initialise the counters: all 0, following no policy holder.
 * @param st: the counters.
 * @return: 0 on success, -1 if the lock cannot be made.
 */
int tg_stats_init(struct tg_stats* st);

/**
 * Read the policy gauges from a holder at each metric event, until tg_stats_follow(st, NULL);
 * also read them now.
 * @param st: the counters.
 * @param live: the holder, or NULL to stop (before it is closed; the gauges keep their last
 *	values).
 */
void tg_stats_follow(struct tg_stats* st, struct tg_live* live);

/**
 * Set the policy gauges from a policy (tg_stats_follow() does it from the one in force).
 * @param st: the counters.
 * @param p: the policy.
 */
void tg_stats_set_policy(struct tg_stats* st, const struct tg_policy* p);

/**
 * Free what tg_stats_init() made.
 * @param st: the counters.
 */
void tg_stats_free(struct tg_stats* st);

/**
 * Set the policy gauges.
 * @param st: the counters.
 * @param serial: the policy's serial.
 * @param protected_names: its protected names.
 * @param allowed_names: its allowed names.
 * @param memory: bytes it holds.
 */
void tg_stats_policy(struct tg_stats* st, uint32_t serial, size_t protected_names,
	size_t allowed_names, size_t memory);

/**
 * The metric event: ECS "@timestamp", event.kind "metric", host.hostname, process.pid, and
 * the counters under typoguard.stats, as one JSON line.
 * @param st: the module's counters.
 * @param ws: the writer's counters (tg_writer_stats()).
 * @param len: receives the line's length.
 * @return: the line, '\n' at the end, malloc'ed (the caller frees it); NULL if out of memory.
 */
char* tg_stats_line(const struct tg_stats* st, const struct tg_writer_stats* ws, size_t* len);

/**
 * Write the counters to a file in Prometheus' text format (node_exporter's textfile
 * collector): to "FILE.tmp" beside it, then renamed over it, so a scrape never reads half.
 * @param path: the file.
 * @param st: the module's counters.
 * @param ws: the writer's counters.
 * @param err: receives "path: reason" on failure.
 * @return: TG_OK, TG_ERR_IO or TG_ERR_NOMEM.
 */
enum tg_err tg_stats_write_file(const char* path, const struct tg_stats* st,
	const struct tg_writer_stats* ws, struct tg_error* err);

/**
 * The writer's metric function (tg_writer_metrics()): the policy gauges read from the holder
 * followed, then the metric event's line, and the
 * Prometheus file if st->file is set (a failure is logged, at most once until it works again).
 * Runs in the writer thread.
 * @param arg: the struct tg_stats.
 * @param ws: the writer's counters.
 * @param log: where a failure to write the file is said, or NULL.
 * @param len: receives the line's length.
 * @return: the line, or NULL.
 */
char* tg_stats_emit(void* arg, const struct tg_writer_stats* ws, tg_log_func* log,
	size_t* len);

#endif /* TG_STATS_H */
