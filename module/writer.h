/* module/writer.h - write event lines to a file from a thread of its own, never blocking callers. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_WRITER_H
#define TG_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "geo.h"

struct tg_event;

/** default number of lines the queue holds before it drops */
#define TG_WRITER_QUEUE_DEFAULT 65536

/**
 * Counters, read with tg_writer_stats(). Monotonic since open.
 */
struct tg_writer_stats {
	/** lines and events handed to tg_writer_submit() and tg_writer_submit_event() */
	uint64_t submitted;
	/** lines written to the file */
	uint64_t written;
	/** lines dropped: queue full, not encoded (out of memory), or the file could not take
	 * them */
	uint64_t dropped;
	/** times the file was reopened because it was renamed or deleted */
	uint64_t reopened;
	/** of dropped: because the queue was full */
	uint64_t dropped_queue;
	/** of dropped: because no line could be made (out of memory) */
	uint64_t dropped_nomem;
	/** of dropped: because the file could not take them */
	uint64_t dropped_io;
	/** lines and events waiting in the queue now */
	uint64_t queued;
	/** metric lines written (tg_writer_metrics()); not in written */
	uint64_t metrics;
};

/**
 * Makes the line of a metric event from the writer's counters; runs in the writer thread.
 * @param arg: as given to tg_writer_metrics().
 * @param st: the writer's counters now.
 * @param log: the writer's log function, or NULL.
 * @param len: receives the line's length.
 * @return: the line, '\n' at the end, malloc'ed (the writer frees it); NULL for none.
 */
typedef char* tg_writer_metric_func(void* arg, const struct tg_writer_stats* st,
	tg_log_func* log, size_t* len);

/** The writer. Shared by all threads; its functions are thread-safe. */
struct tg_writer;

/**
 * Open the event file (appending, created 0640 if missing) and start the writer thread.
 * The file is reopened at the same path when it is renamed or deleted (log rotation); lines
 * written to a file deleted meanwhile are written again to the new one. When the file takes
 * no more (a full disk), the lines that do not fit are dropped whole, never half-written, and
 * reported at most every 10 seconds; writing resumes by itself. The writer must be the only
 * one appending to the file.
 * Events submitted as copies are encoded, enriched from the databases (tg_event_enrich()) and
 * serialised in the writer thread, which alone uses the databases: it checks them for
 * replaced files (tg_geo_refresh()) before each batch and, when idle, whenever a check is due.
 * @param path: the event file.
 * @param queue_max: lines the queue holds; 0 for TG_WRITER_QUEUE_DEFAULT.
 * @param geo: the databases, or NULL; ownership passes to the writer, also when open fails.
 * @param log: where diagnostics go; NULL for none.
 * @param out: receives the writer.
 * @param err: receives "path: reason" when the file cannot be opened.
 * @return: TG_OK, TG_ERR_IO or TG_ERR_NOMEM.
 */
enum tg_err tg_writer_open(const char* path, size_t queue_max, struct tg_geo* geo,
	tg_log_func* log, struct tg_writer** out, struct tg_error* err);

/**
 * Queue one line. Never blocks on I/O: takes a lock only to append to the queue. When the
 * queue is full the line is dropped and counted.
 * @param w: the writer.
 * @param line: the line, '\n' included; ownership passes to the writer (it frees it). NULL
 *	(the caller could not encode the event) is counted as submitted and dropped.
 * @param len: its length.
 * @return: 1 if queued, 0 if dropped.
 */
int tg_writer_submit(struct tg_writer* w, char* line, size_t len);

/**
 * Queue one event, to be encoded (tg_event_object()), enriched and serialised in the writer
 * thread. As tg_writer_submit(): never blocks on I/O, drops and counts when the queue is
 * full. An event the writer thread cannot encode (out of memory) is dropped and counted as
 * such.
 * @param w: the writer.
 * @param ev: the event, from tg_event_copy(); ownership passes to the writer (it frees it).
 *	Its rule must stay until the writer is closed. NULL is counted as submitted and dropped.
 * @return: 1 if queued, 0 if dropped.
 */
int tg_writer_submit_event(struct tg_writer* w, struct tg_event* ev);

/**
 * Write a metric event every interval seconds, and a last one when the writer closes. The
 * writer thread wakes for it, calls fn and writes its line to the event file; metric lines are
 * counted apart from events (metrics, not written), and one the file cannot take is only
 * reported. Call it once, after tg_writer_open().
 * @param w: the writer.
 * @param interval: seconds, 1 or more; 0 turns metric events off.
 * @param fn: makes the line.
 * @param arg: given to fn; must stay until the writer is closed.
 */
void tg_writer_metrics(struct tg_writer* w, int interval, tg_writer_metric_func* fn,
	void* arg);

/**
 * Read the counters.
 * @param w: the writer.
 * @param st: filled.
 */
void tg_writer_stats(struct tg_writer* w, struct tg_writer_stats* st);

/**
 * Memory of the writer: its queue and the batch it writes, the events waiting in the queue
 * (their fixed part), and its databases' maps. Safe from any thread.
 * @param w: the writer, or NULL.
 * @return: bytes.
 */
size_t tg_writer_memory(struct tg_writer* w);

/**
 * Write what is queued, stop the thread, close the file and the databases, report the counters
 * through the log function, and free the writer.
 * @param w: the writer, or NULL.
 */
void tg_writer_close(struct tg_writer* w);

#endif /* TG_WRITER_H */
