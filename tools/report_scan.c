/* tools/report_scan.c - check one line of JSON strictly and hand its scalars over, building nothing. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "report.h"

/** bytes that end the fast run through a string: '"', '\\' and control characters */
static unsigned char rp_str_stop[256];
/** whether rp_str_stop is filled */
static int rp_str_stop_ready;

/** what a scan keeps while it goes; the position is passed from function to function
 * instead, in a register */
struct rp_scanner {
	/** the line, and its end */
	const char *line, *end;
	/** whether the line has no backslash and no control byte: its strings end at the
	 * next quote (else they are scanned byte by byte) */
	int plain;
	/** whether rp_skip() may pass over values not wanted (it gave up once: not again) */
	int skip;
	/** the callback and its argument */
	rp_scalar_cb cb;
	void* arg;
	/** why it failed */
	const char* err;
};

static const char* rp_value(struct rp_scanner* s, const char* p, int depth,
	const struct rp_want* m, int idx);

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

/** skip JSON white space from p; returns where it ends */
static const char*
rp_ws(const struct rp_scanner* s, const char* p)
{
	/* events have none: a byte above ' ' ends it at the first test */
	while(p < s->end && (unsigned char)*p <= ' ' &&
		(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/** fail with a reason; returns NULL */
static const char*
rp_fail(struct rp_scanner* s, const char* why)
{
	if(!s->err)
		s->err = why;
	return NULL;
}

/** whether a byte is a hex digit */
static int
rp_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/**
 * Whether the quotes of a line alone delimit its strings: in a line without a backslash or
 * a control byte (as the module writes them), no quote is inside a string.
 * @param line: the line.
 * @param len: its length.
 * @return: 1 if the line holds no backslash and no byte below 0x20, else 0.
 */
static int
rp_plain(const char* line, size_t len)
{
	const unsigned char* u = (const unsigned char*)line;
	size_t i = 0;
#ifdef __SSE2__
	__m128i spec = _mm_setzero_si128();
	for(; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i*)(u + i));
		/* a backslash, or a byte below 0x20: min(v, 0x1f) == v, unsigned */
		spec = _mm_or_si128(spec, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
			_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v)));
	}
	if(_mm_movemask_epi8(spec) != 0)
		return 0;
#endif
	for(; i < len; i++)
		if(u[i] == '\\' || u[i] < 0x20)
			return 0;
	return 1;
}

/**
 * The next quote in a line.
 * @param p: where to look from.
 * @param end: the end of the line.
 * @return: the first quote at or after p, or NULL if there is none.
 */
static const char*
rp_next_quote(const char* p, const char* end)
{
#ifdef __SSE2__
	/* the strings of events are short: sixteen bytes hold most, without a call */
	for(; end - p >= 16; p += 16) {
		int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i*)p),
			_mm_set1_epi8('"')));
		if(mask)
			return p + __builtin_ctz((unsigned)mask);
	}
#endif
	return memchr(p, '"', (size_t)(end - p));
}

/**
 * Scan a string with its escapes, byte by byte (sixteen at a time where SSE2 is there).
 * @param s: the scanner.
 * @param from: the byte after the opening quote.
 * @param escaped: set when the string holds escapes.
 * @return: the closing quote, or NULL if it is not a valid string.
 */
static const char*
rp_string_bytes(struct rp_scanner* s, const char* from, int* escaped)
{
	const unsigned char* p = (const unsigned char*)from;
	const unsigned char* end = (const unsigned char*)s->end;
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
			return (const char*)p;
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
}

/**
 * Scan a string.
 * @param s: the scanner.
 * @param p: its opening quote.
 * @param str: receives the bytes between the quotes.
 * @param n: their number.
 * @param escaped: set when the string holds escapes.
 * @return: the byte after the closing quote, or NULL if it is not a valid string.
 */
static const char*
rp_string(struct rp_scanner* s, const char* p, const char** str, size_t* n, int* escaped)
{
	const char* q;
	*escaped = 0;
	*str = ++p;
	if(!(q = s->plain ? rp_next_quote(p, s->end) : rp_string_bytes(s, p, escaped)))
		return rp_fail(s, "unterminated string");
	*n = (size_t)(q - p);
	return q + 1;
}

/** skip the digits from p; returns where they end */
static const char*
rp_digits(const struct rp_scanner* s, const char* p)
{
	while(p < s->end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/** scan a number as RFC 8259 writes it, from p; returns where it ends, NULL if it is not
 * one */
static const char*
rp_number(struct rp_scanner* s, const char* p)
{
	if(p < s->end && *p == '-')
		p++;
	if(p < s->end && *p == '0')
		p++;
	else if(p < s->end && *p >= '1' && *p <= '9')
		p = rp_digits(s, p);
	else
		return rp_fail(s, "bad number");
	if(p < s->end && *p == '.') {
		if(++p >= s->end || *p < '0' || *p > '9')
			return rp_fail(s, "bad number");
		p = rp_digits(s, p);
	}
	if(p < s->end && (*p == 'e' || *p == 'E')) {
		p++;
		if(p < s->end && (*p == '+' || *p == '-'))
			p++;
		if(p >= s->end || *p < '0' || *p > '9')
			return rp_fail(s, "bad number");
		p = rp_digits(s, p);
	}
	return p;
}

/** scan a literal (true, false, null) at p; report it if its member m has a field */
static const char*
rp_literal(struct rp_scanner* s, const char* p, const char* lit, enum rp_jtype t,
	const struct rp_want* m, int idx)
{
	size_t n = strlen(lit);
	if((size_t)(s->end - p) < n || memcmp(p, lit, n) != 0)
		return rp_fail(s, "not JSON");
	if(m && m->field)
		s->cb(s->arg, m->field, idx, t, lit, n, 0);
	return p + n;
}

/** the wanted member of a name in a list (NULL: none wanted), or NULL */
static const struct rp_want*
rp_want_find(const struct rp_want* w, const char* key, size_t klen)
{
	for(; w && w->key; w++)
		if(w->klen == klen && rp_same(w->key, key, klen))
			return w;
	return NULL;
}

/**
 * Scan an object.
 * @param s: the scanner.
 * @param p: its '{'.
 * @param depth: the containers above it.
 * @param want: the members wanted (NULL: none).
 * @param idx: its position in the nearest array above, for the callback.
 * @return: the byte after its '}', or NULL if it is not valid.
 */
static const char*
rp_object(struct rp_scanner* s, const char* p, int depth, const struct rp_want* want, int idx)
{
	const char* key;
	size_t klen;
	int esc;
	p = rp_ws(s, p + 1);
	if(p < s->end && *p == '}')
		return p + 1;
	for(;;) {
		if(p >= s->end || *p != '"')
			return rp_fail(s, "expected a member name");
		if(!(p = rp_string(s, p, &key, &klen, &esc)))
			return NULL;
		p = rp_ws(s, p);
		if(p >= s->end || *p != ':')
			return rp_fail(s, "expected ':'");
		if(depth >= RP_DEPTH_MAX)
			return rp_fail(s, "nested too deep");
		if(!(p = rp_value(s, p + 1, depth + 1, rp_want_find(want, key, klen), idx)))
			return NULL;
		p = rp_ws(s, p);
		if(p < s->end && *p == ',') {
			p = rp_ws(s, p + 1);
			continue;
		}
		if(p < s->end && *p == '}')
			return p + 1;
		return rp_fail(s, "expected ',' or '}'");
	}
}

/**
 * Scan an array.
 * @param s: the scanner.
 * @param p: its '['.
 * @param depth: the containers above it.
 * @param want: the members wanted in the objects it holds (NULL: none).
 * @return: the byte after its ']', or NULL if it is not valid.
 */
static const char*
rp_array(struct rp_scanner* s, const char* p, int depth, const struct rp_want* want)
{
	int i = 0;
	p = rp_ws(s, p + 1);
	if(p < s->end && *p == ']')
		return p + 1;
	for(;; i++) {
		if(depth >= RP_DEPTH_MAX)
			return rp_fail(s, "nested too deep");
		p = rp_ws(s, p);
		if(!(p = p < s->end && *p == '{' ? rp_object(s, p, depth + 1, want, i) :
			rp_value(s, p, depth + 1, NULL, i)))
			return NULL;
		p = rp_ws(s, p);
		if(p < s->end && *p == ',') {
			p++;
			continue;
		}
		if(p < s->end && *p == ']')
			return p + 1;
		return rp_fail(s, "expected ',' or ']'");
	}
}

/** pass over a scalar that is not a string at p; returns the byte after it, or NULL if it
 * is not one (s->err is left as it was) */
static const char*
rp_skip_scalar(struct rp_scanner* s, const char* p)
{
	size_t room = (size_t)(s->end - p);
	const char* q;
	if(*p == 't' || *p == 'n')
		return room >= 4 && (memcmp(p, "true", 4) == 0 || memcmp(p, "null", 4) == 0) ?
			p + 4 : NULL;
	if(*p == 'f')
		return room >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
	if(!(q = rp_number(s, p)))
		s->err = NULL;
	return q;
}

/**
 * Pass over a value nobody wants, quickly: for a line whose strings end at their next quote
 * (s->plain), written without white space. Anything else, valid or not (white space,
 * deep nesting, an error), makes it give up, and the caller scans the value the careful way,
 * which says what is wrong; it is not tried again in the line.
 * @param s: the scanner, of a plain line.
 * @param p: where the value starts.
 * @param depth: the containers above it.
 * @return: the byte after the value, or NULL if it gave up (the scanner is as it was).
 */
static const char*
rp_skip(struct rp_scanner* s, const char* p, int depth)
{
	/* bit d: the container d levels down is an array (else an object) */
	uint64_t arrays = 0;
	int d = 0, key = 0;
	while(p && p < s->end) {
		if(key) {
			/* a member name and its ':' */
			if(*p != '"' || !(p = rp_next_quote(p + 1, s->end)) || ++p >= s->end ||
				*p != ':')
				break;
			p++;
			key = 0;
			continue;
		}
		if(*p == '{' || *p == '[') {
			if(depth + d + 1 >= RP_DEPTH_MAX)
				break;
			arrays = (arrays << 1) | (*p == '[');
			d++;
			if(++p >= s->end)
				break;
			if(*p != (arrays & 1 ? ']' : '}')) {
				key = !(arrays & 1);
				continue;
			}
			/* empty: ended below */
		} else if(*p == '"') {
			if((p = rp_next_quote(p + 1, s->end)))
				p++;
		} else
			p = rp_skip_scalar(s, p);
		if(!p)
			break;
		/* after a value: the containers it ends, then a ',' or the end of the value */
		while(d > 0 && p < s->end && *p == (arrays & 1 ? ']' : '}')) {
			p++;
			arrays >>= 1;
			d--;
		}
		if(d == 0)
			return p;
		if(p >= s->end || *p != ',')
			break;
		p++;
		key = !(arrays & 1);
	}
	s->skip = 0;
	return NULL;
}

/**
 * Scan any value, white space before it included.
 * @param s: the scanner.
 * @param p: where it starts.
 * @param depth: the containers above it.
 * @param m: the member it is the value of, if wanted; NULL if not (it is only checked).
 * @param idx: the position in the nearest array above, for the callback.
 * @return: the byte after it, or NULL if it is not valid.
 */
static const char*
rp_value(struct rp_scanner* s, const char* p, int depth, const struct rp_want* m, int idx)
{
	const char *str, *next;
	size_t n;
	int esc;
	if(!m && s->skip && (next = rp_skip(s, p, depth)))
		return next;
	p = rp_ws(s, p);
	if(p >= s->end)
		return rp_fail(s, "truncated");
	switch(*p) {
	case '{':
		return rp_object(s, p, depth, m && !m->array ? m->sub : NULL, idx);
	case '[':
		return rp_array(s, p, depth, m && m->array ? m->sub : NULL);
	case '"':
		if((next = rp_string(s, p, &str, &n, &esc)) && m && m->field)
			s->cb(s->arg, m->field, idx, RP_J_STR, str, n, esc);
		return next;
	case 't':
		return rp_literal(s, p, "true", RP_J_TRUE, m, idx);
	case 'f':
		return rp_literal(s, p, "false", RP_J_FALSE, m, idx);
	case 'n':
		return rp_literal(s, p, "null", RP_J_NULL, m, idx);
	default:
		if((next = rp_number(s, p)) && m && m->field)
			s->cb(s->arg, m->field, idx, RP_J_NUM, p, (size_t)(next - p), 0);
		return next;
	}
}

int
rp_scan(const char* line, size_t len, const struct rp_want* want, rp_scalar_cb cb, void* arg,
	const char** err)
{
	struct rp_scanner s;
	const char* p;
	if(!rp_str_stop_ready)
		rp_stop_init();
	s.line = line;
	s.end = line + len;
	s.plain = rp_plain(line, len);
	s.skip = s.plain;
	s.cb = cb;
	s.arg = arg;
	s.err = NULL;
	p = rp_ws(&s, line);
	if(p >= s.end) {
		*err = "empty line";
		return -1;
	}
	if(*p != '{') {
		*err = "not a JSON object";
		return -1;
	}
	if(!(p = rp_object(&s, p, 0, want, -1))) {
		*err = s.err;
		return -1;
	}
	if(rp_ws(&s, p) != s.end) {
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
