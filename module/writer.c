/* module/writer.c - write event lines to a file from a thread of its own, never blocking. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "event.h"
#include "writer.h"
#include "thread.h"

/** how the event file is opened: appended to, created if missing, not inherited by children */
#define TG_OPEN_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY)
/** mode of a new event file: the resolver writes, its group (the log shipper) reads */
#define TG_OPEN_MODE 0640
/** seconds between two reports of dropped events */
#define TG_REPORT_INTERVAL 10
/** times a batch is written again because the file was deleted while it was written */
#define TG_REWRITE_MAX 3
/** longest diagnostic message */
#define TG_LOGMSG_MAX 512
#ifdef IOV_MAX
/** most lines one writev() takes */
#define TG_IOV_MAX IOV_MAX
#else
/** most lines one writev() takes */
#define TG_IOV_MAX 1024
#endif

/** one queued line, or an event to make it from */
struct tg_wline {
	/** the line, malloc'ed, '\n' at the end; owned by the writer. NULL until ev is encoded */
	char* line;
	/** its length */
	size_t len;
	/** the event the writer thread encodes into line (a tg_event_copy()), or NULL; owned
	 * by the writer */
	struct tg_event* ev;
};

/** why lines are dropped before they are written */
enum tg_drop_why {
	/** the queue was full */
	TG_DROP_QUEUE = 0,
	/** no line could be made: the caller's or the writer thread's encoding ran out of
	 * memory */
	TG_DROP_NOMEM,
	/** number of reasons */
	TG_DROP_WHY_MAX
};

/** the writer */
struct tg_writer {
	/** the event file's path, owned */
	char* path;
	/** the open event file; used by the writer thread only once it runs */
	int fd;
	/** where diagnostics go, or NULL */
	tg_log_func* log;
	/** the databases events are enriched from, or NULL; used by the writer thread only
	 * once it runs */
	struct tg_geo* geo;

	/** protects queue, count and stop */
	pthread_mutex_t lock;
	/** signalled when the queue stops being empty, and at stop */
	pthread_cond_t wake;
	/** whether lock and wake are initialised */
	int sync_ready;
	/** the lines waiting to be written, room for max */
	struct tg_wline* queue;
	/** number of lines in queue */
	size_t count;
	/** room in queue, and in batch */
	size_t max;
	/** set by tg_writer_close(): write what is queued and end */
	int stop;
	/** the lines being written; swapped with queue under the lock. Writer thread only */
	struct tg_wline* batch;
	/** the writer thread */
	pthread_t thread;
	/** whether the thread was started */
	int started;
	/** seconds between metric events, 0 for none; under lock */
	int metric_interval;
	/** makes a metric event's line, or NULL; under lock */
	tg_writer_metric_func* metric_fn;
	/** its argument; under lock */
	void* metric_arg;
	/** when the next metric event is due (monotonic clock); under lock */
	struct timespec metric_next;

	/** lines given to tg_writer_submit() */
	atomic_uint_least64_t submitted;
	/** lines written to the file */
	atomic_uint_least64_t written;
	/** lines dropped, for every reason */
	atomic_uint_least64_t dropped;
	/** reopens after rotation */
	atomic_uint_least64_t reopened;
	/** lines dropped because the file could not take them */
	atomic_uint_least64_t io_dropped;
	/** metric lines written */
	atomic_uint_least64_t metrics;
	/** lines dropped before they were written, by reason: by the submit functions, and
	 * by the writer thread's encoding */
	atomic_uint_least64_t early[TG_DROP_WHY_MAX];

	/* The rest is the writer thread's alone. */
	/** of early[], the part already reported */
	uint64_t early_reported[TG_DROP_WHY_MAX];
	/** lines the file could not take, not yet reported */
	uint64_t io_lost;
	/** what went wrong with them, "path: reason" */
	char io_why[TG_LOGMSG_MAX];
	/** when drops were last reported (monotonic clock), if reported_once */
	struct timespec last_report;
	/** whether drops were ever reported */
	int reported_once;
	/** whether lines were lost and no batch has been written whole since */
	int failing;
	/** whether a batch was written whole after a loss: to say so once the drops are reported */
	int recovered;
	/** where an incomplete line starts that could not be cut off, or -1 */
	off_t tail;
	/** whether fd is a renamed file because the path could not be opened again */
	int stale;
	/** whether the batch being written is a metric line, counted apart */
	int in_metric;
};

/** send a diagnostic, printf style, to the log function if there is one */
static void
tg_wlog(struct tg_writer* w, int level, const char* fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void
tg_wlog(struct tg_writer* w, int level, const char* fmt, ...)
{
	char msg[TG_LOGMSG_MAX];
	va_list ap;
	if(!w->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->log(level, msg);
}

/** count lines dropped, with the reason kept for the next report */
static void
tg_writer_lost(struct tg_writer* w, size_t n, int e)
{
	char buf[TG_ERRSTR_MAX];
	if(n == 0)
		return;
	if(w->in_metric) {
		/* not an event: said, not counted among the drops */
		tg_wlog(w, 1, "metric event not written: %s: %s", w->path,
			tg_errno_str(e, buf, sizeof(buf)));
		return;
	}
	atomic_fetch_add_explicit(&w->dropped, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->io_dropped, n, memory_order_relaxed);
	w->io_lost += n;
	w->failing = 1;
	w->recovered = 0;
	snprintf(w->io_why, sizeof(w->io_why), "%s: %s", w->path,
		tg_errno_str(e, buf, sizeof(buf)));
}

/** whether there are drops not yet reported */
static int
tg_writer_unreported(struct tg_writer* w)
{
	int i;
	if(w->io_lost)
		return 1;
	for(i = 0; i < TG_DROP_WHY_MAX; i++)
		if(atomic_load_explicit(&w->early[i], memory_order_relaxed) !=
			w->early_reported[i])
			return 1;
	return 0;
}

/**
 * Report drops through the log function, at most once per TG_REPORT_INTERVAL.
 * @param w: the writer.
 * @param force: report now whatever the interval (at close).
 */
static void
tg_writer_report(struct tg_writer* w, int force)
{
	static const char* const why[TG_DROP_WHY_MAX] = { "queue full", "out of memory" };
	struct timespec now;
	uint64_t n;
	int i;
	if(!tg_writer_unreported(w))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if(!force && w->reported_once &&
		now.tv_sec - w->last_report.tv_sec < TG_REPORT_INTERVAL)
		return;
	for(i = 0; i < TG_DROP_WHY_MAX; i++) {
		n = atomic_load_explicit(&w->early[i], memory_order_relaxed) -
			w->early_reported[i];
		w->early_reported[i] += n;
		if(n)
			tg_wlog(w, 0, "%" PRIu64 " events dropped: %s", n, why[i]);
	}
	if(w->io_lost)
		tg_wlog(w, 0, "%" PRIu64 " events dropped: %s", w->io_lost,
			w->io_why);
	w->io_lost = 0;
	w->last_report = now;
	w->reported_once = 1;
}

/**
 * Make sure fd is the file now at path: after a rename or a delete (log rotation) open the
 * path again. When that fails and the old file still has a name, keep writing to it.
 * @param w: the writer.
 * @param err: receives errno when there is no file to write to.
 * @return: 1 if fd can be written, 0 if not.
 */
static int
tg_writer_ensure(struct tg_writer* w, int* err)
{
	char buf[TG_ERRSTR_MAX];
	struct stat ps, fs;
	int fd;
	if(fstat(w->fd, &fs) == 0 && stat(w->path, &ps) == 0 &&
		ps.st_dev == fs.st_dev && ps.st_ino == fs.st_ino)
		return 1;
	if((fd = open(w->path, TG_OPEN_FLAGS, TG_OPEN_MODE)) < 0) {
		*err = errno;
		if(fstat(w->fd, &fs) != 0 || fs.st_nlink == 0)
			return 0;
		if(!w->stale)
			tg_wlog(w, 1, "cannot reopen %s after rotation: %s; still writing to "
				"the renamed file", w->path, tg_errno_str(*err, buf, sizeof(buf)));
		w->stale = 1;
		return 1;
	}
	close(w->fd);
	w->fd = fd;
	w->tail = -1;
	w->stale = 0;
	atomic_fetch_add_explicit(&w->reopened, 1, memory_order_relaxed);
	tg_wlog(w, 2, "%s was renamed or deleted, writing to a new file", w->path);
	return 1;
}

/**
 * Cut the file back to where an incomplete line starts. When the file system refuses, end
 * the fragment with a '\n' so that the lines after it stay whole.
 * @param w: the writer.
 * @param pos: where the incomplete line starts.
 * @return: 1 if the next line starts a line, 0 if not (the fragment is kept in w->tail).
 */
static int
tg_writer_cut(struct tg_writer* w, off_t pos)
{
	ssize_t r;
	if(ftruncate(w->fd, pos) == 0) {
		w->tail = -1;
		return 1;
	}
	do {
		r = write(w->fd, "\n", 1);
	} while(r < 0 && errno == EINTR);
	w->tail = r == 1 ? -1 : pos;
	return r == 1;
}

/**
 * Write the rest of a line that a write() took only part of. If the file takes no more, cut
 * the part written off again, so that the file never holds half a line.
 * @param w: the writer.
 * @param l: the line.
 * @param off: bytes of it already written.
 * @param pos: the file offset the line starts at; moved past it when it is complete.
 * @param err: receives errno on failure.
 * @return: 1 if the line is complete, 0 if it was cut off.
 */
static int
tg_writer_finish(struct tg_writer* w, const struct tg_wline* l, size_t off, off_t* pos,
	int* err)
{
	ssize_t r;
	while(off < l->len) {
		r = write(w->fd, l->line + off, l->len - off);
		if(r < 0 && errno == EINTR)
			continue;
		if(r <= 0) {
			*err = r < 0 ? errno : EIO;
			tg_writer_cut(w, *pos);
			return 0;
		}
		off += (size_t)r;
	}
	*pos += (off_t)l->len;
	return 1;
}

/**
 * Write lines with writev(), as many at a time as it takes. Never leaves part of a line.
 * @param w: the writer.
 * @param b: the lines.
 * @param n: their number.
 * @param start: receives the file size before the first line.
 * @param err: receives errno when a line could not be written, else 0.
 * @return: the number of lines written whole, from the first; the rest were not written.
 */
static size_t
tg_writer_lines(struct tg_writer* w, const struct tg_wline* b, size_t n, off_t* start,
	int* err)
{
	struct iovec iov[TG_IOV_MAX];
	struct stat st;
	size_t done = 0, cnt, i, r;
	ssize_t got;
	*err = 0;
	if(w->tail >= 0 && !tg_writer_cut(w, w->tail)) {
		*err = errno;
		return 0;
	}
	if(fstat(w->fd, &st) != 0) {
		*err = errno;
		return 0;
	}
	*start = st.st_size;
	while(done < n) {
		cnt = n - done < TG_IOV_MAX ? n - done : TG_IOV_MAX;
		for(i = 0; i < cnt; i++) {
			iov[i].iov_base = b[done + i].line;
			iov[i].iov_len = b[done + i].len;
		}
		if((got = writev(w->fd, iov, (int)cnt)) < 0 && errno == EINTR)
			continue;
		if(got < 0) {
			*err = errno;
			return done;
		}
		/* count the lines written whole; a line cut short is finished or removed */
		for(r = (size_t)got; done < n && r >= b[done].len; done++) {
			r -= b[done].len;
			st.st_size += (off_t)b[done].len;
		}
		if(done < n && (r > 0 || got == 0)) {
			if(!tg_writer_finish(w, &b[done], r, &st.st_size, err))
				return done;
			done++;
		}
	}
	return done;
}

/**
 * Whether the file was deleted while lines were written to it. If so, take them out of it
 * again (so that a reader still holding it does not see them twice) to write them anew.
 * @param w: the writer.
 * @param start: the file size before the lines.
 * @return: 1 if the lines must be written again.
 */
static int
tg_writer_unlinked(struct tg_writer* w, off_t start)
{
	struct stat st;
	int r;
	if(fstat(w->fd, &st) != 0 || st.st_nlink > 0)
		return 0;
	/* if this fails, the lines stay in a file that has no name any more: harmless */
	r = ftruncate(w->fd, start);
	(void)r;
	return 1;
}

/**
 * Write a batch: to the file at path (reopened after rotation), all lines or, when the file
 * takes no more, as many as it takes; the rest are dropped and counted.
 * @param w: the writer.
 * @param b: the lines; freed here.
 * @param n: their number.
 */
static void
tg_writer_batch(struct tg_writer* w, struct tg_wline* b, size_t n)
{
	size_t done = 0, k, i;
	int err = 0, tries = 0;
	off_t start = 0;
	while(done < n) {
		if(!tg_writer_ensure(w, &err)) {
			tg_writer_lost(w, n - done, err);
			break;
		}
		k = tg_writer_lines(w, b + done, n - done, &start, &err);
		if(k && tg_writer_unlinked(w, start) && ++tries <= TG_REWRITE_MAX)
			continue;
		if(tries > TG_REWRITE_MAX) {
			tg_writer_lost(w, n - done, ENOENT);
			break;
		}
		atomic_fetch_add_explicit(w->in_metric ? &w->metrics : &w->written, k,
			memory_order_relaxed);
		done += k;
		if(err) {
			tg_writer_lost(w, n - done, err);
			break;
		}
	}
	if(done == n && w->failing)
		w->recovered = 1;
	for(i = 0; i < n; i++)
		free(b[i].line);
}

/** nanoseconds the writer lets lines gather after it wakes for one: a burst of events then
 * costs one wake-up and one write for many lines, not for each */
#define TG_LINGER_NSEC (1000 * 1000)

/**
 * Let more lines come before they are taken, for TG_LINGER_NSEC or until the writer closes.
 * Lines queued meanwhile do not wake the thread (only the first of an empty queue does).
 * @param w: the writer, its lock held.
 */
static void
tg_writer_linger(struct tg_writer* w)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += TG_LINGER_NSEC;
	if(until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while(!w->stop && w->count < w->max)
		if(pthread_cond_timedwait(&w->wake, &w->lock, &until) == ETIMEDOUT)
			break;
}

/** whether a is before b */
static int
tg_ts_before(const struct timespec* a, const struct timespec* b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/**
 * When the thread must wake up with nothing queued: to report drops, to check whether a
 * database was replaced, to write a metric event.
 * @param w: the writer.
 * @param until: receives the time (CLOCK_MONOTONIC).
 * @return: 1 if there is such a time, 0 if the thread may sleep until woken.
 */
static int
tg_writer_deadline(struct tg_writer* w, struct timespec* until)
{
	struct timespec check;
	int have = 0;
	if(tg_writer_unreported(w)) {
		*until = w->last_report;
		until->tv_sec += TG_REPORT_INTERVAL;
		have = 1;
	}
	if(w->geo) {
		tg_geo_next_check(w->geo, &check);
		if(!have || tg_ts_before(&check, until))
			*until = check;
		have = 1;
	}
	if(w->metric_fn && w->metric_interval > 0) {
		if(!have || tg_ts_before(&w->metric_next, until))
			*until = w->metric_next;
		have = 1;
	}
	return have;
}

/**
 * Report drops, at most once per TG_REPORT_INTERVAL, and then, when a batch was written whole
 * after them, that writing works again: the messages stay in order, and the second is not
 * lost when no more lines come after the first.
 * @param w: the writer.
 */
static void
tg_writer_tell(struct tg_writer* w)
{
	tg_writer_report(w, 0);
	if(w->recovered && !tg_writer_unreported(w)) {
		tg_wlog(w, 2, "%s: writing events again", w->path);
		w->failing = 0;
		w->recovered = 0;
	}
}

/**
 * Whether a metric event is due: its time came, or the writer is closing and has written
 * everything (the last one, with the final counts). Moves the next time on.
 * @param w: the writer, its lock held.
 * @param last: whether this is the thread's last round.
 * @return: 1 if one is due.
 */
static int
tg_writer_metric_due(struct tg_writer* w, int last)
{
	struct timespec now;
	if(!w->metric_fn || w->metric_interval <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if(!last && tg_ts_before(&now, &w->metric_next))
		return 0;
	/* from now, not from the time missed: a late round does not bring a burst */
	w->metric_next = now;
	w->metric_next.tv_sec += w->metric_interval;
	return 1;
}

/**
 * Write a metric event: its line from the metric function, with the counters after the
 * batch just written.
 * @param w: the writer.
 */
static void
tg_writer_metric(struct tg_writer* w)
{
	struct tg_writer_stats st;
	struct tg_wline l;
	tg_writer_metric_func* fn;
	void* arg;
	pthread_mutex_lock(&w->lock);
	fn = w->metric_fn;
	arg = w->metric_arg;
	pthread_mutex_unlock(&w->lock);
	tg_writer_stats(w, &st);
	memset(&l, 0, sizeof(l));
	if(!(l.line = (*fn)(arg, &st, w->log, &l.len)))
		return;
	w->in_metric = 1;
	tg_writer_batch(w, &l, 1);
	w->in_metric = 0;
}

/**
 * Wait for lines and take them all: swap the queue with the (empty) batch array.
 * While drops wait to be reported, databases to be checked, or a metric event to be written,
 * wake up in time for that.
 * Once a line is there, let others gather for a moment (tg_writer_linger()).
 * @param w: the writer.
 * @param stop: receives whether the writer is closing.
 * @param metric: receives whether a metric event is due after this batch.
 * @return: the number of lines now in w->batch.
 */
static size_t
tg_writer_take(struct tg_writer* w, int* stop, int* metric)
{
	struct tg_wline* t;
	struct timespec until;
	size_t n;
	pthread_mutex_lock(&w->lock);
	while(w->count == 0 && !w->stop) {
		if(!tg_writer_deadline(w, &until)) {
			pthread_cond_wait(&w->wake, &w->lock);
			continue;
		}
		if(pthread_cond_timedwait(&w->wake, &w->lock, &until) == ETIMEDOUT)
			break;
	}
	if(w->count > 0)
		tg_writer_linger(w);
	t = w->batch;
	w->batch = w->queue;
	w->queue = t;
	n = w->count;
	w->count = 0;
	*stop = w->stop;
	*metric = tg_writer_metric_due(w, *stop && n == 0);
	pthread_mutex_unlock(&w->lock);
	return n;
}

/**
 * Make the lines of the events in a batch: enrich each from the databases, serialise it, and
 * release it. An event that cannot be serialised is dropped and counted.
 * @param w: the writer.
 * @param b: the batch; events are replaced by their lines, and the batch closed up.
 * @param n: the number of entries.
 * @return: the number of lines now in the batch.
 */
static size_t
tg_writer_encode(struct tg_writer* w, struct tg_wline* b, size_t n)
{
	size_t i, k = 0;
	for(i = 0; i < n; i++) {
		if(b[i].ev) {
			struct json_object* o = tg_event_object(b[i].ev);
			free(b[i].ev);
			b[i].ev = NULL;
			b[i].line = NULL;
			if(o) {
				/* when enriching runs out of memory, the event goes out without it */
				(void)tg_event_enrich(o, w->geo);
				b[i].line = tg_event_line(o, &b[i].len);
				json_object_put(o);
			}
			if(!b[i].line) {
				atomic_fetch_add_explicit(&w->early[TG_DROP_NOMEM], 1,
					memory_order_relaxed);
				atomic_fetch_add_explicit(&w->dropped, 1, memory_order_relaxed);
				continue;
			}
		}
		b[k++] = b[i];
	}
	return k;
}

/** the writer thread: take batches and write them until closed and drained; check the
 * databases before each batch and when a check is due */
static void*
tg_writer_main(void* arg)
{
	struct tg_writer* w = (struct tg_writer*)arg;
	size_t n, k;
	int stop = 0, metric = 0;
	do {
		n = tg_writer_take(w, &stop, &metric);
		tg_geo_refresh(w->geo, 0);
		if(n && (k = tg_writer_encode(w, w->batch, n)))
			tg_writer_batch(w, w->batch, k);
		tg_writer_tell(w);
		if(metric)
			tg_writer_metric(w);
	} while(!stop || n);
	return NULL;
}

/** free the writer's memory, the lines and events still queued, and the databases; the
 * thread must not run */
static void
tg_writer_free(struct tg_writer* w)
{
	size_t i;
	if(w->queue)
		for(i = 0; i < w->count; i++) {
			free(w->queue[i].line);
			free(w->queue[i].ev);
		}
	if(w->sync_ready) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
	}
	if(w->fd >= 0)
		close(w->fd);
	tg_geo_close(w->geo);
	free(w->queue);
	free(w->batch);
	free(w->path);
	free(w);
}

/** initialise the lock and the condition, on the monotonic clock; 0 on failure */
static int
tg_writer_sync(struct tg_writer* w)
{
	pthread_condattr_t ca;
	int ok;
	if(pthread_condattr_init(&ca) != 0)
		return 0;
	ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
		pthread_cond_init(&w->wake, &ca) == 0;
	pthread_condattr_destroy(&ca);
	if(!ok)
		return 0;
	if(pthread_mutex_init(&w->lock, NULL) != 0) {
		pthread_cond_destroy(&w->wake);
		return 0;
	}
	w->sync_ready = 1;
	return 1;
}

/** a writer with its memory and lock, no file, no thread; NULL if out of memory */
static struct tg_writer*
tg_writer_new(const char* path, size_t queue_max, tg_log_func* log)
{
	struct tg_writer* w = calloc(1, sizeof(*w));
	if(!w)
		return NULL;
	w->fd = -1;
	w->tail = -1;
	w->log = log;
	w->max = queue_max ? queue_max : TG_WRITER_QUEUE_DEFAULT;
	if(!(w->path = strdup(path)) || w->max > SIZE_MAX / 2 / sizeof(struct tg_wline) ||
		!(w->queue = malloc(w->max * sizeof(struct tg_wline))) ||
		!(w->batch = malloc(w->max * sizeof(struct tg_wline))) ||
		!tg_writer_sync(w)) {
		tg_writer_free(w);
		return NULL;
	}
	return w;
}

/** start the thread with every signal blocked: the host's threads take the signals */
static int
tg_writer_start(struct tg_writer* w)
{
	int r = tg_thread_start(&w->thread, tg_writer_main, w);
	if(r != 0)
		return r;
	w->started = 1;
	return 0;
}

enum tg_err
tg_writer_open(const char* path, size_t queue_max, struct tg_geo* geo, tg_log_func* log,
	struct tg_writer** out, struct tg_error* err)
{
	char buf[TG_ERRSTR_MAX];
	struct tg_writer* w;
	enum tg_err code;
	int r;
	*out = NULL;
	if(!(w = tg_writer_new(path, queue_max, log))) {
		tg_geo_close(geo);
		return tg_error_set(err, TG_ERR_NOMEM, path, 0, "%s",
			tg_strerror(TG_ERR_NOMEM));
	}
	w->geo = geo;
	if((w->fd = open(path, TG_OPEN_FLAGS, TG_OPEN_MODE)) < 0) {
		code = tg_error_set(err, TG_ERR_IO, path, 0, "%s",
			tg_errno_str(errno, buf, sizeof(buf)));
		goto cleanup;
	}
	if((r = tg_writer_start(w)) != 0) {
		code = tg_error_set(err, TG_ERR_NOMEM, path, 0,
			"cannot start the writer thread: %s", tg_errno_str(r, buf, sizeof(buf)));
		goto cleanup;
	}
	*out = w;
	return TG_OK;
cleanup:
	tg_writer_free(w);
	return code;
}

/**
 * Queue a line or an event, or drop it when the queue is full.
 * @param w: the writer.
 * @param line: the line, or NULL.
 * @param len: its length.
 * @param ev: the event, or NULL; one of line and ev is given, else the caller ran out of
 *	memory and it is dropped as such.
 * @return: 1 if queued, 0 if dropped.
 */
static int
tg_writer_queue(struct tg_writer* w, char* line, size_t len, struct tg_event* ev)
{
	int queued = 0, wake = 0, some = line || ev;
	atomic_fetch_add_explicit(&w->submitted, 1, memory_order_relaxed);
	if(some) {
		pthread_mutex_lock(&w->lock);
		if(!w->stop && w->count < w->max) {
			w->queue[w->count].line = line;
			w->queue[w->count].len = len;
			w->queue[w->count].ev = ev;
			wake = w->count++ == 0;
			queued = 1;
		}
		pthread_mutex_unlock(&w->lock);
	}
	if(!queued) {
		atomic_fetch_add_explicit(&w->early[some ? TG_DROP_QUEUE : TG_DROP_NOMEM],
			1, memory_order_relaxed);
		atomic_fetch_add_explicit(&w->dropped, 1, memory_order_relaxed);
		free(line);
		free(ev);
	}
	/* a drop wakes the thread too, to report it */
	if(wake || !queued)
		pthread_cond_signal(&w->wake);
	return queued;
}

int
tg_writer_submit(struct tg_writer* w, char* line, size_t len)
{
	return tg_writer_queue(w, line, len, NULL);
}

int
tg_writer_submit_event(struct tg_writer* w, struct tg_event* ev)
{
	return tg_writer_queue(w, NULL, 0, ev);
}

void
tg_writer_metrics(struct tg_writer* w, int interval, tg_writer_metric_func* fn, void* arg)
{
	pthread_mutex_lock(&w->lock);
	w->metric_interval = interval;
	w->metric_fn = interval > 0 ? fn : NULL;
	w->metric_arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &w->metric_next);
	w->metric_next.tv_sec += interval;
	pthread_mutex_unlock(&w->lock);
	/* the thread may sleep with no deadline: make it take this one */
	pthread_cond_signal(&w->wake);
}

size_t
tg_writer_memory(struct tg_writer* w)
{
	size_t queued;
	if(!w)
		return 0;
	pthread_mutex_lock(&w->lock);
	queued = w->count;
	pthread_mutex_unlock(&w->lock);
	return sizeof(*w) + 2 * w->max * sizeof(struct tg_wline) +
		queued * sizeof(struct tg_event) + tg_geo_memory(w->geo);
}

void
tg_writer_stats(struct tg_writer* w, struct tg_writer_stats* st)
{
	st->submitted = atomic_load_explicit(&w->submitted, memory_order_relaxed);
	st->written = atomic_load_explicit(&w->written, memory_order_relaxed);
	st->dropped = atomic_load_explicit(&w->dropped, memory_order_relaxed);
	st->reopened = atomic_load_explicit(&w->reopened, memory_order_relaxed);
	st->dropped_queue = atomic_load_explicit(&w->early[TG_DROP_QUEUE],
		memory_order_relaxed);
	st->dropped_nomem = atomic_load_explicit(&w->early[TG_DROP_NOMEM],
		memory_order_relaxed);
	st->dropped_io = atomic_load_explicit(&w->io_dropped, memory_order_relaxed);
	st->metrics = atomic_load_explicit(&w->metrics, memory_order_relaxed);
	pthread_mutex_lock(&w->lock);
	st->queued = w->count;
	pthread_mutex_unlock(&w->lock);
}

void
tg_writer_close(struct tg_writer* w)
{
	struct tg_writer_stats st;
	if(!w)
		return;
	if(w->started) {
		pthread_mutex_lock(&w->lock);
		w->stop = 1;
		pthread_mutex_unlock(&w->lock);
		pthread_cond_signal(&w->wake);
		pthread_join(w->thread, NULL);
	}
	tg_writer_report(w, 1);
	tg_writer_stats(w, &st);
	if(st.dropped)
		tg_wlog(w, 0, "%s: %" PRIu64 " events written, %" PRIu64
			" of %" PRIu64 " dropped", w->path, st.written, st.dropped,
			st.submitted);
	else
		tg_wlog(w, 2, "%s: %" PRIu64 " events written", w->path,
			st.written);
	if(w->geo)
		tg_wlog(w, 2, "%" PRIu64 " addresses looked up in the GeoIP, ASN and site "
			"databases", tg_geo_lookups(w->geo));
	tg_writer_free(w);
}
