/* tools/report_read.c - read event files, plain or gzip, standard input too, line by line into the report. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "report.h"

/** bytes read at a time */
#define RP_READ_CHUNK (1 << 20)
/** longest line taken; a longer one is invalid (events are a few kilobytes) */
#define RP_LINE_MAX (1 << 20)

/** a line that is not an event: count it, and say so for the first few */
static void
rp_invalid(struct rp_report* r, const char* path, uint64_t lineno, const char* why)
{
	r->invalid_lines++;
	if(r->invalid_shown < RP_INVALID_SHOWN) {
		fprintf(stderr, "typoguard: %s:%llu: %s\n", path, (unsigned long long)lineno, why);
		r->invalid_shown++;
	} else if(r->invalid_shown == RP_INVALID_SHOWN) {
		fprintf(stderr, "typoguard: more invalid lines; only counted (invalid_lines)\n");
		r->invalid_shown++;
	}
}

/** take one line; empty lines (a blank line at the end) are skipped, not counted */
static void
rp_line(struct rp_report* r, const char* path, uint64_t lineno, const char* s, size_t n)
{
	const char* why = NULL;
	if(n > 0 && s[n - 1] == '\r')
		n--;
	if(n == 0)
		return;
	if(rp_take_line(r, s, n, &why) != 0)
		rp_invalid(r, path, lineno, why ? why : "not an event");
}

/** a file being read: plain, or gzip inflated on the way */
struct rp_source {
	/** the descriptor */
	int fd;
	/** whether it is gzip */
	int gz;
	/** whether the last gzip member ended (the file may end here) */
	int member_end;
	/** zlib's state */
	z_stream z;
	/** compressed bytes read and not yet inflated */
	unsigned char* in;
	/** the name, for messages */
	const char* name;
};

/**
 * Read plain bytes.
 * @param s: the source.
 * @param buf: receives them.
 * @param n: room in buf.
 * @return: bytes read, 0 at the end, -1 on an error (reported).
 */
static ssize_t
rp_source_read(struct rp_source* s, char* buf, size_t n)
{
	ssize_t got;
	int zr;
	if(!s->gz) {
		while((got = read(s->fd, buf, n)) < 0 && errno == EINTR)
			;
		if(got < 0)
			fprintf(stderr, "typoguard: %s: cannot read: %s\n", s->name, strerror(errno));
		return got;
	}
	s->z.next_out = (unsigned char*)buf;
	s->z.avail_out = (unsigned)n;
	while(s->z.avail_out == n) {
		if(s->z.avail_in == 0) {
			while((got = read(s->fd, s->in, RP_READ_CHUNK)) < 0 && errno == EINTR)
				;
			if(got < 0) {
				fprintf(stderr, "typoguard: %s: cannot read: %s\n", s->name,
					strerror(errno));
				return -1;
			}
			if(got == 0) {
				if(!s->member_end)
					/* cut short (still being written): what it held is taken */
					fprintf(stderr, "typoguard: %s: compressed data cut short\n",
						s->name);
				return 0;
			}
			s->z.next_in = s->in;
			s->z.avail_in = (unsigned)got;
		}
		if(s->member_end) {
			/* another gzip member follows (files concatenated) */
			if(inflateReset(&s->z) != Z_OK)
				return -1;
			s->member_end = 0;
		}
		zr = inflate(&s->z, Z_NO_FLUSH);
		if(zr == Z_STREAM_END)
			s->member_end = 1;
		else if(zr != Z_OK && zr != Z_BUF_ERROR) {
			fprintf(stderr, "typoguard: %s: cannot read: gzip data: %s\n", s->name,
				s->z.msg ? s->z.msg : "corrupt");
			return -1;
		}
	}
	return (ssize_t)(n - s->z.avail_out);
}

/**
 * Start inflating when the first bytes read are gzip's magic: they become zlib's input.
 * @param s: the source.
 * @param buf: the first bytes read.
 * @param n: their number.
 * @return: 1 if the source is gzip (buf is used up), 0 if plain, -1 if out of memory.
 */
static int
rp_source_sniff(struct rp_source* s, const char* buf, size_t n)
{
	if(n < 2 || (unsigned char)buf[0] != 0x1f || (unsigned char)buf[1] != 0x8b)
		return 0;
	if(!(s->in = malloc(n > RP_READ_CHUNK ? n : RP_READ_CHUNK)))
		return -1;
	memset(&s->z, 0, sizeof(s->z));
	/* 16 + window bits: a gzip header and trailer */
	if(inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	memcpy(s->in, buf, n);
	s->z.next_in = s->in;
	s->z.avail_in = (unsigned)n;
	s->gz = 1;
	return 1;
}

/**
 * Read lines from a source.
 * @param r: the report.
 * @param s: the source.
 * @return: 0, or -1 on a read error (reported).
 */
static int
rp_read_stream(struct rp_report* r, struct rp_source* s)
{
	size_t cap = RP_READ_CHUNK * 2, have = 0, start, skip = 0;
	uint64_t lineno = 0;
	char *buf = malloc(cap), *nl;
	ssize_t n;
	int first = 1;
	if(!buf) {
		fprintf(stderr, "typoguard: %s: out of memory\n", s->name);
		return -1;
	}
	while((n = rp_source_read(s, buf + have, cap - have)) > 0) {
		if(first) {
			int gz = rp_source_sniff(s, buf, (size_t)n);
			first = 0;
			if(gz < 0) {
				fprintf(stderr, "typoguard: %s: out of memory\n", s->name);
				n = -1;
				break;
			}
			if(gz > 0)
				continue;
		}
		have += (size_t)n;
		start = 0;
		while((nl = memchr(buf + start, '\n', have - start)) != NULL) {
			lineno++;
			if(skip)
				skip = 0;
			else
				rp_line(r, s->name, lineno, buf + start, (size_t)(nl - buf - start));
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if(have == cap) {
			/* a line too long: drop what we have of it, and the rest up to its end */
			if(!skip)
				rp_invalid(r, s->name, lineno + 1, "line too long");
			skip = 1;
			have = 0;
		}
	}
	if(n == 0 && have > 0 && !skip)
		/* the last line has no newline: torn unless it is a whole event */
		rp_line(r, s->name, lineno + 1, buf, have);
	free(buf);
	return n < 0 ? -1 : 0;
}

int
rp_read_file(struct rp_report* r, const char* path)
{
	struct rp_source s;
	int status;
	memset(&s, 0, sizeof(s));
	s.name = strcmp(path, "-") == 0 ? "standard input" : path;
	if(strcmp(path, "-") == 0)
		s.fd = dup(STDIN_FILENO);
	else
		s.fd = open(path, O_RDONLY);
	if(s.fd < 0) {
		fprintf(stderr, "typoguard: %s: cannot open: %s\n", s.name, strerror(errno));
		return -1;
	}
#ifdef F_SETPIPE_SZ
	/* a pipe of 1 MiB, not 64 kB: the read gets 1 MiB at a time as with a file, in a
	 * sixteenth of the calls (fails harmlessly for a file, or past the system's limit) */
	(void)fcntl(s.fd, F_SETPIPE_SZ, RP_READ_CHUNK);
#endif
	status = rp_read_stream(r, &s);
	if(s.gz)
		inflateEnd(&s.z);
	free(s.in);
	close(s.fd);
	return status;
}
