/* tests/writer_t.c - the event writer: every line once, drops counted, rotation, full disk. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "event.h"
#include "writer.h"
#include "tap.h"
#include "logcap.h"

/** most submitting threads */
#define THREADS_MAX 16
/** seconds to wait for the writer before a test gives up */
#define SETTLE_SECONDS 30
/** length of every line in the full-disk test */
#define FIXED_LEN 100

/** the directory the test's files go in */
static char dir[64];

/** the sum of N over "N events dropped: ..." diagnostics */
static unsigned long long
log_dropped(void)
{
	unsigned long long n, sum = 0;
	int i;
	pthread_mutex_lock(&log_lock);
	for(i = 0; i < log_count; i++)
		if(sscanf(log_msg[i], "%llu events dropped:", &n) == 1)
			sum += n;
	pthread_mutex_unlock(&log_lock);
	return sum;
}

/** a path in the test directory */
static const char*
path_of(char* buf, size_t size, const char* name)
{
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

/** the text of line seq of thread t, '\n' included; its length varies */
static size_t
line_text(char* buf, size_t size, int t, int seq)
{
	int pad = (t * 31 + seq * 7) % 60;
	return (size_t)snprintf(buf, size, "{\"t\":%d,\"s\":%d,\"pad\":\"%.*s\"}\n", t, seq,
		pad, "------------------------------------------------------------");
}

/** submit line seq of thread t; returns what tg_writer_submit() returned */
static int
submit(struct tg_writer* w, int t, int seq)
{
	char buf[128];
	size_t len = line_text(buf, sizeof(buf), t, seq);
	char* line = malloc(len + 1);
	if(!line)
		return 0;
	memcpy(line, buf, len + 1);
	return tg_writer_submit(w, line, len);
}

/** wait until every submitted line is written or dropped; 0 on timeout */
static int
settle(struct tg_writer* w, struct tg_writer_stats* st)
{
	time_t end = time(NULL) + SETTLE_SECONDS;
	do {
		tg_writer_stats(w, st);
		if(st->written + st->dropped == st->submitted)
			return 1;
		usleep(1000);
	} while(time(NULL) < end);
	return 0;
}

/** a whole file in memory, NUL-terminated; empty if it does not exist */
static char*
slurp_fd(int fd, size_t* len)
{
	char* buf = NULL;
	size_t size = 0, n = 0;
	ssize_t r;
	do {
		if(n + 65536 + 1 > size) {
			char* b = realloc(buf, size = (n + 65536 + 1) * 2);
			if(!b)
				break;
			buf = b;
		}
		r = read(fd, buf + n, size - n - 1);
		if(r > 0)
			n += (size_t)r;
	} while(r > 0 || (r < 0 && errno == EINTR));
	if(buf)
		buf[n] = 0;
	*len = n;
	return buf;
}

/** a whole file by name (see slurp_fd) */
static char*
slurp(const char* path, size_t* len)
{
	int fd = open(path, O_RDONLY);
	char* buf;
	*len = 0;
	if(fd < 0)
		return calloc(1, 1);
	buf = slurp_fd(fd, len);
	close(fd);
	return buf;
}

/** which lines were seen, for threads x per lines */
struct tally {
	/** threads and lines per thread expected */
	int threads, per;
	/** times each line was seen */
	unsigned char* seen;
	/** lines read, lines seen twice, lines not as written (cut, glued, unknown) */
	size_t lines, dups, bad;
};

/** count the lines of a file's text into a tally */
static void
tally_text(struct tally* y, const char* text, size_t len)
{
	char want[128], got[128];
	const char* p = text, *nl;
	int t, s;
	while(p < text + len) {
		if(!(nl = memchr(p, '\n', (size_t)(text + len - p)))) {
			y->bad++;
			break;
		}
		y->lines++;
		/* sscanf() on the whole text would take strlen() of it for every line */
		snprintf(got, sizeof(got), "%.*s", (int)(nl - p < 100 ? nl - p : 100), p);
		if(sscanf(got, "{\"t\":%d,\"s\":%d,", &t, &s) != 2 || t < 0 || t >= y->threads ||
			s < 0 || s >= y->per || line_text(want, sizeof(want), t, s) !=
			(size_t)(nl + 1 - p) || memcmp(want, p, (size_t)(nl + 1 - p)) != 0)
			y->bad++;
		else if(y->seen[t * y->per + s]++)
			y->dups++;
		p = nl + 1;
	}
}

/** count the lines of a file into a tally */
static void
tally_file(struct tally* y, const char* path)
{
	size_t len;
	char* text = slurp(path, &len);
	if(text)
		tally_text(y, text, len);
	free(text);
}

/** lines of the tally seen exactly once */
static size_t
tally_once(const struct tally* y)
{
	size_t i, n = 0;
	for(i = 0; i < (size_t)y->threads * (size_t)y->per; i++)
		n += y->seen[i] == 1;
	return n;
}

/** a submitting thread's work */
struct job {
	/** the writer */
	struct tg_writer* w;
	/** the thread's number, the lines it submits */
	int t, per;
	/** at this line, wait for go (after counting itself in arrived); -1 never */
	int pause_at;
	/** threads that reached pause_at */
	atomic_int* arrived;
	/** set when the threads may go on */
	atomic_int* go;
	/** sleep a little every this many lines, 0 never */
	int nap_every;
	/** lines the writer took */
	int queued;
};

/** submit lines seq 0..per-1 of thread t */
static void*
job_run(void* arg)
{
	struct job* j = (struct job*)arg;
	int s;
	for(s = 0; s < j->per; s++) {
		if(s == j->pause_at) {
			atomic_fetch_add(j->arrived, 1);
			while(!atomic_load(j->go))
				usleep(200);
		}
		if(j->nap_every && s % j->nap_every == 0)
			usleep(500);
		j->queued += submit(j->w, j->t, s);
	}
	return NULL;
}

/** the threads of one test */
struct crowd {
	/** the jobs */
	struct job job[THREADS_MAX];
	/** the threads */
	pthread_t tid[THREADS_MAX];
	/** their number */
	int n;
	/** see struct job */
	atomic_int arrived, go;
};

/** start n threads submitting per lines each */
static void
crowd_start(struct crowd* c, struct tg_writer* w, int n, int per, int pause_at, int nap)
{
	int i;
	memset(c, 0, sizeof(*c));
	c->n = n;
	for(i = 0; i < n; i++) {
		c->job[i] = (struct job){ w, i, per, pause_at, &c->arrived, &c->go, nap, 0 };
		pthread_create(&c->tid[i], NULL, job_run, &c->job[i]);
	}
}

/** wait for the threads; returns the lines the writer took */
static int
crowd_join(struct crowd* c)
{
	int i, q = 0;
	for(i = 0; i < c->n; i++) {
		pthread_join(c->tid[i], NULL);
		q += c->job[i].queued;
	}
	return q;
}

/** open a writer on a file of the test directory, failing the test if it does not open */
static struct tg_writer*
writer_on(const char* path, size_t queue_max)
{
	struct tg_writer* w = NULL;
	struct tg_error err;
	if(tg_writer_open(path, queue_max, NULL, test_log, &w, &err) != TG_OK)
		ok(0, "open %s: %s", path, err.msg);
	return w;
}

/** the file cannot be opened: TG_ERR_IO and "path: reason", nothing else */
static void
test_open_fail(void)
{
	char path[128], file[128];
	struct tg_writer* w = (struct tg_writer*)&w;
	struct tg_error err;
	char want[256];
	int fd;
	path_of(path, sizeof(path), "no-such-dir/events.json");
	is_int(tg_writer_open(path, 0, NULL, test_log, &w, &err), TG_ERR_IO,
		"open under a missing directory fails with TG_ERR_IO");
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	is_str(err.msg, want, "the message names the path and the reason");
	ok(w == NULL, "no writer is returned");
	path_of(file, sizeof(file), "plain-file");
	if((fd = open(file, O_WRONLY | O_CREAT, 0600)) >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%.100s/events.json", file);
	is_int(tg_writer_open(path, 0, NULL, test_log, &w, &err), TG_ERR_IO,
		"open under a plain file fails");
	snprintf(want, sizeof(want), "%s: Not a directory", path);
	is_str(err.msg, want, "the message says not a directory");
	is_int(tg_writer_open(dir, 0, NULL, test_log, &w, &err), TG_ERR_IO,
		"open of a directory fails");
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	is_str(err.msg, want, "the message says is a directory");
	unlink(file);
}

/** many threads at once: each line once, whole, in a 0640 file */
static void
test_concurrent(void)
{
	enum { N = 16, PER = 5000 };
	char path[128];
	struct crowd c;
	struct tg_writer_stats st;
	struct tally y = { N, PER, calloc(N * PER, 1), 0, 0, 0 };
	struct stat sb;
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "concurrent.json"),
		N * PER);
	if(!w || !y.seen)
		return;
	crowd_start(&c, w, N, PER, -1, 0);
	is_int(crowd_join(&c), N * PER, "every submit was queued");
	ok(settle(w, &st), "the writer caught up");
	is_int(st.submitted, N * PER, "submitted counts every line");
	is_int(st.written, N * PER, "written counts every line");
	is_int(st.dropped, 0, "nothing dropped");
	tg_writer_close(w);
	tally_file(&y, path);
	is_int(y.lines, N * PER, "the file has every line");
	is_int(tally_once(&y), N * PER, "each line exactly once");
	ok(y.bad == 0 && y.dups == 0, "no line cut, glued or repeated (%zu bad, %zu dups)",
		y.bad, y.dups);
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0640, "the file is mode 0640");
	ok(log_has(2, "events written") == 1, "close reports the lines written");
	unlink(path);
	free(y.seen);
}

/** a tiny queue under many threads: written + dropped == submitted, and the file agrees */
static void
test_overflow(void)
{
	enum { N = 8, PER = 5000 };
	char path[128];
	struct crowd c;
	struct tg_writer_stats st;
	struct tally y = { N, PER, calloc(N * PER, 1), 0, 0, 0 };
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "overflow.json"), 4);
	int queued;
	if(!w || !y.seen)
		return;
	log_reset();
	crowd_start(&c, w, N, PER, -1, 0);
	queued = crowd_join(&c);
	ok(settle(w, &st), "the writer caught up");
	is_int(st.submitted, N * PER, "submitted counts every line");
	is_int(st.written + st.dropped, st.submitted, "written + dropped == submitted");
	is_int(st.written, queued, "written == lines the queue took");
	diag("queue of 4: %llu written, %llu dropped", (unsigned long long)st.written,
		(unsigned long long)st.dropped);
	tg_writer_close(w);
	tally_file(&y, path);
	is_int(y.lines, st.written, "the file has the lines written");
	ok(y.bad == 0 && y.dups == 0, "whole and once (%zu bad, %zu dups)", y.bad, y.dups);
	is_int(log_dropped(), st.dropped, "the drop reports add up to the drops");
	unlink(path);
	free(y.seen);
}

/** read a FIFO to its end */
static void*
drain(void* arg)
{
	int fd = *(int*)arg;
	size_t len;
	return slurp_fd(fd, &len);
}

/** wait until the FIFO has data; 0 on timeout */
static int
fifo_has_data(int fd)
{
	time_t end = time(NULL) + SETTLE_SECONDS;
	int avail = 0;
	while(time(NULL) < end) {
		if(ioctl(fd, FIONREAD, &avail) == 0 && avail > 0)
			return 1;
		usleep(1000);
	}
	return 0;
}

/** a writer stuck on a big line (a FIFO nobody reads yet): the queue fills, drops are exact */
static void
test_queue_full(void)
{
	enum { Q = 8, EXTRA = 5, BIG = 1 << 20 };
	char path[128], want[256];
	struct tg_writer_stats st;
	struct tg_writer* w;
	struct tally y = { 1, Q + EXTRA, calloc(Q + EXTRA, 1), 0, 0, 0 };
	char* big = malloc(BIG + 1), *text = NULL;
	pthread_t tid;
	int rfd, i, took = 0;
	path_of(path, sizeof(path), "fifo");
	if(!big || !y.seen || mkfifo(path, 0600) != 0 ||
		(rfd = open(path, O_RDONLY | O_NONBLOCK)) < 0)
		return (void)ok(0, "make a FIFO");
	log_reset();
	if(!(w = writer_on(path, Q)))
		return;
	memset(big, 'x', BIG);
	big[BIG - 1] = '\n';
	big[BIG] = 0;
	tg_writer_submit(w, big, BIG);
	ok(fifo_has_data(rfd), "the writer thread is writing the big line");
	for(i = 0; i < Q + EXTRA; i++)
		took += submit(w, 0, i);
	is_int(took, Q, "the queue took %d lines", Q);
	tg_writer_stats(w, &st);
	is_int(st.dropped, EXTRA, "exactly the %d lines past it were dropped", EXTRA);
	fcntl(rfd, F_SETFL, 0);
	pthread_create(&tid, NULL, drain, &rfd);
	ok(settle(w, &st), "the writer caught up once the FIFO is read");
	is_int(st.written, Q + 1, "written: the big line and the queue");
	is_int(st.written + st.dropped, st.submitted, "written + dropped == submitted");
	tg_writer_close(w);
	pthread_join(tid, (void**)&text);
	ok(text && strlen(text) > BIG && strspn(text, "x") == BIG - 1 &&
		text[BIG - 1] == '\n', "the big line came through whole");
	if(text && strlen(text) >= BIG)
		tally_text(&y, text + BIG, strlen(text) - BIG);
	is_int(y.lines, Q, "then the %d queued lines", Q);
	ok(y.bad == 0 && y.dups == 0 && tally_once(&y) == Q, "each once, whole");
	snprintf(want, sizeof(want), "%d events dropped: queue full", EXTRA);
	ok(log_has(0, want) == 1, "reported: %s", want);
	ok(log_has(0, "of 14 dropped") == 1, "close reports the drops as an error");
	close(rfd);
	unlink(path);
	free(text);
	free(y.seen);
}

/** how the log file is rotated in a test */
enum rotation {
	/** renamed to path.1, as logrotate does */
	ROTATE_RENAME,
	/** deleted, while the test holds it open to read it afterwards */
	ROTATE_DELETE
};

/** rotate the file; for a delete, returns a descriptor of the deleted file */
static int
rotate(const char* path, const char* old, enum rotation how)
{
	int fd = -1;
	if(how == ROTATE_RENAME)
		ok(rename(path, old) == 0, "rename %s", path);
	else {
		fd = open(path, O_RDONLY);
		ok(fd >= 0 && unlink(path) == 0, "delete %s", path);
	}
	return fd;
}

/** the lines of the rotated file (renamed, or deleted and held) and of the new one */
static void
tally_rotated(struct tally* y, const char* path, const char* old, int held)
{
	size_t len;
	char* text;
	if(held < 0)
		tally_file(y, old);
	else if((text = slurp_fd(held, &len))) {
		tally_text(y, text, len);
		free(text);
	}
	tally_file(y, path);
}

/**
 * Rotate the file while threads submit: every line is in the old or the new file, once.
 * @param how: rename or delete.
 * @param racing: rotate while the threads run freely; else when all have stopped half-way
 *	and their lines are written, so that the new file surely gets the second half.
 */
static void
test_rotation(enum rotation how, int racing)
{
	enum { N = 8, PER = 4000 };
	const char* what = how == ROTATE_RENAME ? "renamed" : "deleted";
	char path[128], old[160];
	struct crowd c;
	struct tg_writer_stats st;
	struct tally y = { N, PER, calloc(N * PER, 1), 0, 0, 0 };
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "rotate.json"), N * PER);
	int held = -1;
	time_t end = time(NULL) + SETTLE_SECONDS;
	snprintf(old, sizeof(old), "%s.1", path);
	if(!w || !y.seen)
		return;
	crowd_start(&c, w, N, PER, racing ? -1 : PER / 2, racing ? 200 : 0);
	do {
		usleep(200);
		tg_writer_stats(w, &st);
	} while(time(NULL) < end && (racing ? st.written < N * PER / 4 :
		atomic_load(&c.arrived) < N || st.written < N * PER / 2));
	held = rotate(path, old, how);
	atomic_store(&c.go, 1);
	crowd_join(&c);
	ok(settle(w, &st), "%s%s: the writer caught up", what, racing ? ", racing" : "");
	is_int(st.written, N * PER, "%s: written counts every line", what);
	is_int(st.dropped, 0, "%s: nothing dropped", what);
	if(!racing)
		is_int(st.reopened, 1, "%s: the file was reopened once", what);
	tg_writer_close(w);
	tally_rotated(&y, path, old, held);
	is_int(tally_once(&y), N * PER, "%s: each line once across old and new file", what);
	ok(y.bad == 0 && y.dups == 0, "%s: whole and once (%zu bad, %zu dups)", what,
		y.bad, y.dups);
	if(held >= 0)
		close(held);
	unlink(path);
	unlink(old);
	free(y.seen);
}

/** the path cannot be opened again after a rotation: keep writing to the renamed file and
 * warn once; when the path can be opened again, write there */
static void
test_stale(void)
{
	char sub[128], path[160], moved[160], old[192];
	struct tg_writer_stats st;
	struct tally y = { 1, 30, calloc(30, 1), 0, 0, 0 };
	struct tg_writer* w;
	int i, fd = -1;
	path_of(sub, sizeof(sub), "sub");
	snprintf(path, sizeof(path), "%s/events.json", sub);
	snprintf(moved, sizeof(moved), "%s.old", sub);
	snprintf(old, sizeof(old), "%s/events.json", moved);
	if(mkdir(sub, 0700) != 0 || !(w = writer_on(path, 0)) || !y.seen)
		return (void)ok(0, "set up the stale test");
	log_reset();
	for(i = 0; i < 10; i++)
		submit(w, 0, i);
	settle(w, &st);
	/* the directory is moved away, and a plain file stands where it was */
	ok(rename(sub, moved) == 0 && (fd = open(sub, O_WRONLY | O_CREAT, 0600)) >= 0,
		"stale: replace the directory with a file");
	if(fd >= 0)
		close(fd);
	for(i = 10; i < 20; i++)
		submit(w, 0, i);
	ok(settle(w, &st) && st.written == 20 && st.dropped == 0,
		"stale: lines still written, to the renamed file");
	is_int(log_has(1, "cannot reopen"), 1, "stale: one warning");
	ok(unlink(sub) == 0 && mkdir(sub, 0700) == 0, "stale: the directory is back");
	for(i = 20; i < 30; i++)
		submit(w, 0, i);
	ok(settle(w, &st) && st.written == 30 && st.reopened == 1,
		"stale: the path is opened again");
	tg_writer_close(w);
	tally_file(&y, old);
	is_int(y.lines, 20, "stale: the renamed file has the first 20 lines");
	tally_file(&y, path);
	is_int(tally_once(&y), 30, "stale: the new file the other 10, each line once");
	unlink(old);
	unlink(path);
	rmdir(moved);
	rmdir(sub);
	free(y.seen);
}

/** close writes what is still queued */
static void
test_close_flushes(void)
{
	enum { PER = 20000 };
	char path[128];
	struct tally y = { 1, PER, calloc(PER, 1), 0, 0, 0 };
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "flush.json"), 0);
	int i, took = 0;
	if(!w || !y.seen)
		return;
	for(i = 0; i < PER; i++)
		took += submit(w, 0, i);
	tg_writer_close(w);
	tally_file(&y, path);
	is_int(took, PER, "the default queue took all %d lines", PER);
	is_int(tally_once(&y), PER, "close wrote every queued line, once");
	unlink(path);
	free(y.seen);
}

/** a line with no text (encoding ran out of memory) is counted as dropped and reported */
static void
test_null_line(void)
{
	char path[128];
	struct tg_writer_stats st;
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "null.json"), 0);
	if(!w)
		return;
	log_reset();
	is_int(tg_writer_submit(w, NULL, 0), 0, "a NULL line is not queued");
	tg_writer_stats(w, &st);
	ok(st.submitted == 1 && st.dropped == 1, "it counts as submitted and dropped");
	tg_writer_close(w);
	ok(log_has(0, "1 events dropped: out of memory") == 1, "and is reported");
	unlink(path);
}

/** the event of a lookup of n<seq>.example, copied as the glue hands it to the writer */
static struct tg_event*
event_of(int seq)
{
	char text[64];
	struct tg_name name;
	struct tg_event ev;
	memset(&ev, 0, sizeof(ev));
	snprintf(text, sizeof(text), "n%d.example", seq);
	if(tg_name_from_str(&name, text, NULL, NULL) != TG_OK)
		return NULL;
	ev.qname = &name;
	ev.client_ip = "192.0.2.7";
	ev.client_port = 5300;
	ev.transport = "udp";
	ev.rcode = 3;
	return tg_event_copy(&ev);
}

/** count the event lines of a file, each of a name n<k>.example with k below max at most
 * once; -1 if a line is not such an event, whole */
static int
event_lines(const char* path, int max)
{
	static const char key[] = "\"question\":{\"name\":\"n";
	size_t len;
	char* text = slurp(path, &len), *p, *nl, *q;
	unsigned char* seen = calloc((size_t)max, 1);
	int n = 0, k;
	char tail;
	for(p = text; text && seen && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = 0;
		q = strstr(p, key);
		if(*p != '{' || nl[-1] != '}' || !q ||
			sscanf(q + strlen(key), "%d.exampl%c", &k, &tail) != 2 || tail != 'e' ||
			k < 0 || k >= max || seen[k]++)
			n = -1000000;
		n++;
	}
	if(!text || !seen || *p)
		n = -1;
	free(text);
	free(seen);
	return n < 0 ? -1 : n;
}

/** events given as copies are encoded in the writer thread; with a tiny queue the drops are
 * exact and the dropped copies freed */
static void
test_events(void)
{
	enum { PER = 20000 };
	char path[128];
	struct tg_writer_stats st;
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "events.json"), 4);
	int i, took = 0;
	if(!w)
		return;
	log_reset();
	for(i = 0; i < PER; i++)
		took += tg_writer_submit_event(w, event_of(i));
	is_int(tg_writer_submit_event(w, NULL), 0, "events: a NULL event is not queued");
	ok(settle(w, &st), "events: the writer caught up");
	is_int(st.submitted, PER + 1, "events: submitted counts every event");
	is_int(st.written, took, "events: written == events the queue took");
	is_int(st.written + st.dropped, st.submitted, "events: written + dropped == submitted");
	diag("queue of 4: %llu events written, %llu dropped", (unsigned long long)st.written,
		(unsigned long long)st.dropped);
	tg_writer_close(w);
	is_int(event_lines(path, PER), took, "events: each written event is one whole line, "
		"once");
	is_int(log_dropped(), st.dropped, "events: the drop reports add up to the drops");
	ok(log_has(0, "1 events dropped: out of memory") == 1,
		"events: the NULL event is reported as out of memory");
	unlink(path);
}

/** submit line seq padded to FIXED_LEN bytes */
static void
submit_fixed(struct tg_writer* w, int seq)
{
	char* line = malloc(FIXED_LEN + 1);
	int n;
	if(!line)
		return;
	n = snprintf(line, FIXED_LEN + 1, "{\"t\":0,\"s\":%d,\"pad\":\"", seq);
	memset(line + n, '-', (size_t)(FIXED_LEN - n - 3));
	memcpy(line + FIXED_LEN - 3, "\"}\n", 4);
	tg_writer_submit(w, line, FIXED_LEN);
}

/** the lines of the full-disk test are all FIXED_LEN long and whole; counts them, -1 if not */
static int
fixed_lines(const char* path)
{
	size_t len, i;
	char* text = slurp(path, &len);
	int n = -1;
	if(text && len % FIXED_LEN == 0) {
		for(n = 0, i = 0; i < len; i += FIXED_LEN, n++)
			if(text[i] != '{' || text[i + FIXED_LEN - 1] != '\n' ||
				memchr(text + i, '\n', FIXED_LEN - 1))
				n = -1000000;
	}
	free(text);
	return n < 0 ? -1 : n;
}

/**
 * The file takes no more (RLIMIT_FSIZE stands in for a full disk: write() is cut short, then
 * fails with EFBIG): the line cut short is removed, the rest dropped, counted and reported;
 * writing resumes when there is room again.
 */
static void
test_full(void)
{
	char path[128];
	struct tg_writer_stats st;
	struct rlimit old, lim;
	struct tg_writer* w = writer_on(path_of(path, sizeof(path), "full.json"), 64);
	int i;
	if(!w)
		return;
	log_reset();
	for(i = 0; i < 10; i++)
		submit_fixed(w, i);
	ok(settle(w, &st) && st.written == 10, "10 lines written");
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	/* room for one more line and a half */
	lim.rlim_cur = 11 * FIXED_LEN + FIXED_LEN / 2;
	setrlimit(RLIMIT_FSIZE, &lim);
	/* one at a time, so that each drop is a batch of its own */
	for(i = 10; i < 15; i++) {
		submit_fixed(w, i);
		settle(w, &st);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	is_int(st.written, 11, "full: the line that fits is written");
	is_int(st.dropped, 4, "full: the line cut short and the 3 after it are dropped");
	is_int(fixed_lines(path), 11, "full: the file has 11 whole lines, no half line");
	if(!ok(log_has(0, "1 events dropped: ") == 1 &&
		log_has(0, "full.json: File too large") == 1,
		"full: the first drop is reported at once, with the file and the reason"))
		log_show();
	is_int(log_has(-1, "events dropped"), 1, "full: the next ones wait (10 s rate limit)");
	for(i = 15; i < 20; i++)
		submit_fixed(w, i);
	ok(settle(w, &st), "room again: the writer caught up");
	is_int(st.written, 16, "room again: writing resumed");
	is_int(st.dropped, 4, "room again: nothing more dropped");
	tg_writer_close(w);
	is_int(fixed_lines(path), 16, "room again: the file has 16 whole lines");
	is_int(log_dropped(), 4, "the drop reports add up to 4");
	ok(log_has(0, "4 of 20 dropped") == 1, "close reports 4 of 20 dropped");
	unlink(path);
}

int
main(void)
{
	const char* tmp = getenv("TMPDIR");
	umask(022);
	snprintf(dir, sizeof(dir), "%s/writer_t.XXXXXX", tmp && *tmp &&
		strlen(tmp) < 32 ? tmp : "/tmp");
	if(!mkdtemp(dir)) {
		printf("Bail out! cannot make a directory in %s\n", dir);
		return 1;
	}
	test_open_fail();
	test_concurrent();
	test_overflow();
	test_queue_full();
	test_rotation(ROTATE_RENAME, 0);
	test_rotation(ROTATE_DELETE, 0);
	test_rotation(ROTATE_RENAME, 1);
	test_rotation(ROTATE_DELETE, 1);
	test_stale();
	test_close_flushes();
	test_null_line();
	test_events();
	test_full();
	rmdir(dir);
	return done_testing();
}
