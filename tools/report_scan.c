/* tools/report_scan.c - check one line of JSON strictly and hand its scalars over, building nothing. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <stdarg.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "report.h"

/** bytes that end the fast run through a string: '"', '\\' and control characters */
static unsigned char rp_str_stop[256];
/** whether rp_str_stop is filled */
static int rp_str_stop_ready;

/** the state of a scan */
struct rp_scanner {
	/** next byte, end of the line */
	const char *p, *end;
	/** where the value is */
	struct rp_path path;
	/** the callback and its argument */
	rp_scalar_cb cb;
	void* arg;
	/** why it failed */
	const char* err;
};

static int rp_value(struct rp_scanner* s);

/** fill the table of bytes that stop a string's fast run */
static void
rp_stop_init(void)
{
	int c;
	for(c = 0; c < 0x20; c++)
		rp_str_stop[c] = 1;
	rp_str_stop['"'] = 1;
	rp_str_stop['\\'] = 1;
	rp_str_stop_ready = 1;
}

/** skip JSON white space */
static void
rp_ws(struct rp_scanner* s)
{
	while(s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/** fail with a reason; returns -1 */
static int
rp_fail(struct rp_scanner* s, const char* why)
{
	if(!s->err)
		s->err = why;
	return -1;
}

/** whether a byte is a hex digit */
static int
rp_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/**
 * Scan a string; s->p is at its opening quote.
 * @param s: the scanner.
 * @param str: receives the bytes between the quotes.
 * @param n: their number.
 * @param escaped: set when the string holds escapes.
 * @return: 0, or -1 if it is not a valid string.
 */
static int
rp_string(struct rp_scanner* s, const char** str, size_t* n, int* escaped)
{
	const unsigned char* p = (const unsigned char*)s->p + 1;
	const unsigned char* end = (const unsigned char*)s->end;
	*escaped = 0;
	*str = (const char*)p;
	for(;;) {
#ifdef __SSE2__
		/* sixteen bytes at a time while they hold no quote, backslash or control byte */
		while(end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i*)p);
			__m128i stop = _mm_or_si128(_mm_or_si128(
				_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				/* bytes below 0x20: signed compare, with 0x80.. (negative) excluded */
				_mm_and_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
				_mm_cmpgt_epi8(v, _mm_set1_epi8(-1))));
			int mask = _mm_movemask_epi8(stop);
			if(mask) {
				p += __builtin_ctz((unsigned)mask);
				break;
			}
			p += 16;
		}
#endif
		while(p < end && !rp_str_stop[*p])
			p++;
		if(p >= end)
			return rp_fail(s, "unterminated string");
		if(*p == '"')
			break;
		if(*p < 0x20)
			return rp_fail(s, "control character in a string");
		*escaped = 1;
		if(p + 1 >= end)
			return rp_fail(s, "unterminated string");
		switch(p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			p += 2;
			break;
		case 'u':
			if(end - p < 6 || !rp_hex((char)p[2]) || !rp_hex((char)p[3]) ||
				!rp_hex((char)p[4]) || !rp_hex((char)p[5]))
				return rp_fail(s, "bad \\u escape");
			p += 6;
			break;
		default:
			return rp_fail(s, "bad escape in a string");
		}
	}
	*n = (size_t)((const char*)p - *str);
	s->p = (const char*)p + 1;
	return 0;
}

/** scan a number as RFC 8259 writes it; s->p is at its first byte */
static int
rp_number(struct rp_scanner* s, const char** str, size_t* n)
{
	const char* p = s->p;
	*str = p;
	if(p < s->end && *p == '-')
		p++;
	if(p < s->end && *p == '0')
		p++;
	else if(p < s->end && *p >= '1' && *p <= '9') {
		while(p < s->end && *p >= '0' && *p <= '9')
			p++;
	} else
		return rp_fail(s, "bad number");
	if(p < s->end && *p == '.') {
		if(++p >= s->end || *p < '0' || *p > '9')
			return rp_fail(s, "bad number");
		while(p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	if(p < s->end && (*p == 'e' || *p == 'E')) {
		p++;
		if(p < s->end && (*p == '+' || *p == '-'))
			p++;
		if(p >= s->end || *p < '0' || *p > '9')
			return rp_fail(s, "bad number");
		while(p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	*n = (size_t)(p - *str);
	s->p = p;
	return 0;
}

/** scan a literal (true, false, null) */
static int
rp_literal(struct rp_scanner* s, const char* lit, enum rp_jtype t)
{
	size_t n = strlen(lit);
	if((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return rp_fail(s, "not JSON");
	s->p += n;
	s->cb(s->arg, &s->path, t, lit, n, 0);
	return 0;
}

/** enter a level of the path; -1 if too deep */
static int
rp_push(struct rp_scanner* s, const char* key, size_t klen, int idx)
{
	int d = s->path.depth;
	if(d >= RP_DEPTH_MAX)
		return rp_fail(s, "nested too deep");
	s->path.key[d] = key;
	s->path.klen[d] = klen;
	s->path.idx[d] = idx;
	s->path.depth++;
	return 0;
}

/** scan an object; s->p is at its '{' */
static int
rp_object(struct rp_scanner* s)
{
	const char* key;
	size_t klen;
	int esc;
	s->p++;
	rp_ws(s);
	if(s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for(;;) {
		if(s->p >= s->end || *s->p != '"')
			return rp_fail(s, "expected a member name");
		if(rp_string(s, &key, &klen, &esc) != 0)
			return -1;
		rp_ws(s);
		if(s->p >= s->end || *s->p != ':')
			return rp_fail(s, "expected ':'");
		s->p++;
		if(rp_push(s, key, klen, -1) != 0 || rp_value(s) != 0)
			return -1;
		s->path.depth--;
		rp_ws(s);
		if(s->p < s->end && *s->p == ',') {
			s->p++;
			rp_ws(s);
			continue;
		}
		if(s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return rp_fail(s, "expected ',' or '}'");
	}
}

/** scan an array; s->p is at its '[' */
static int
rp_array(struct rp_scanner* s)
{
	int i = 0;
	s->p++;
	rp_ws(s);
	if(s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for(;; i++) {
		if(rp_push(s, NULL, 0, i) != 0 || rp_value(s) != 0)
			return -1;
		s->path.depth--;
		rp_ws(s);
		if(s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if(s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return rp_fail(s, "expected ',' or ']'");
	}
}

/** scan any value, white space before it included */
static int
rp_value(struct rp_scanner* s)
{
	const char* str;
	size_t n;
	int esc;
	rp_ws(s);
	if(s->p >= s->end)
		return rp_fail(s, "truncated");
	switch(*s->p) {
	case '{':
		return rp_object(s);
	case '[':
		return rp_array(s);
	case '"':
		if(rp_string(s, &str, &n, &esc) != 0)
			return -1;
		s->cb(s->arg, &s->path, RP_J_STR, str, n, esc);
		return 0;
	case 't':
		return rp_literal(s, "true", RP_J_TRUE);
	case 'f':
		return rp_literal(s, "false", RP_J_FALSE);
	case 'n':
		return rp_literal(s, "null", RP_J_NULL);
	default:
		if(rp_number(s, &str, &n) != 0)
			return -1;
		s->cb(s->arg, &s->path, RP_J_NUM, str, n, 0);
		return 0;
	}
}

int
rp_scan(const char* line, size_t len, rp_scalar_cb cb, void* arg, const char** err)
{
	struct rp_scanner s;
	if(!rp_str_stop_ready)
		rp_stop_init();
	s.p = line;
	s.end = line + len;
	s.path.depth = 0;
	s.cb = cb;
	s.arg = arg;
	s.err = NULL;
	rp_ws(&s);
	if(s.p >= s.end) {
		*err = "empty line";
		return -1;
	}
	if(*s.p != '{') {
		*err = "not a JSON object";
		return -1;
	}
	if(rp_object(&s) != 0) {
		*err = s.err;
		return -1;
	}
	rp_ws(&s);
	if(s.p != s.end) {
		*err = "text after the object";
		return -1;
	}
	return 0;
}

/** value of a hex digit */
static unsigned
rp_hexval(char c)
{
	if(c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if(c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

/** the code unit of a \uXXXX escape at s (s[0] is the backslash) */
static unsigned
rp_unit(const char* s)
{
	return (rp_hexval(s[2]) << 12) | (rp_hexval(s[3]) << 8) | (rp_hexval(s[4]) << 4) |
		rp_hexval(s[5]);
}

/** write a code point as UTF-8; returns the bytes written */
static size_t
rp_utf8(char* out, unsigned cp)
{
	if(cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if(cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if(cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
rp_unescape(char* out, const char* s, size_t n)
{
	size_t i = 0, o = 0;
	unsigned cp, lo;
	while(i < n) {
		if(s[i] != '\\') {
			out[o++] = s[i++];
			continue;
		}
		switch(s[i + 1]) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			cp = rp_unit(s + i);
			i += 6;
			if(cp >= 0xd800 && cp <= 0xdbff && i + 6 <= n && s[i] == '\\' &&
				s[i + 1] == 'u' && (lo = rp_unit(s + i)) >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			} else if(cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			/* a \u escape is 6 bytes; its UTF-8 at most 4 (a pair: 12 and 4) */
			o += rp_utf8(out + o, cp);
			continue;
		default: out[o++] = s[i + 1]; break;
		}
		i += 2;
	}
	out[o] = 0;
	return o;
}

int
rp_path_is(const struct rp_path* p, int depth, ...)
{
	va_list ap;
	int d, r = 1;
	if(p->depth != depth)
		return 0;
	va_start(ap, depth);
	for(d = 0; d < depth; d++) {
		const char* k = va_arg(ap, const char*);
		size_t n = strlen(k);
		if(!p->key[d] || p->klen[d] != n || memcmp(p->key[d], k, n) != 0) {
			r = 0;
			break;
		}
	}
	va_end(ap);
	return r;
}
