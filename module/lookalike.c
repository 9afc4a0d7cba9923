/* module/lookalike.c - the skeleton of a name: what it looks like, for lookalikes (UTS #39). */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/uidna.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "lookalike.h"

/** UTF-16 units of room for one label at each step; a label is at most 63 bytes, and its
 * skeleton rarely more than a few times that */
#define TG_LOOK_U16 512

/** The ICU objects. */
struct tg_look {
	/** the UTS #39 spoof checker, for skeletons */
	USpoofChecker* sc;
	/** the UTS #46 converter, for "xn--" labels */
	UIDNA* idna;
	/** ICU's NFD, not owned */
	const UNormalizer2* nfd;
};

/*
 * The ASCII part of the rules, by byte. tg_look_one[c] is what c reads as on its own: "0" is
 * "o", "1" and "|" are "l" (UTS #39), other bytes themselves. tg_look_pair[c] is the byte
 * that, before c, makes a pair read as one letter ("r" before "n"); 0xff for none. A byte
 * >= 0x80 may start a Unicode character: tg_look_maybe() flags it.
 */

/** the letter a pair reads as, by its second byte: "rn" -> "m", "vv" -> "w", "cl" -> "d" */
static uint8_t
tg_look_pair_of(uint8_t second)
{
	return second == 'n' ? 'm' : second == 'v' ? 'w' : 'd';
}

/** the first byte of a pair, by its second; 0xff for a byte that ends no pair */
static const uint8_t tg_look_pair[256] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x63, 0xff, 0x72, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x76, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};


#ifdef __SSE2__
/**
 * Whether a text has "0", "1", "|", a byte >= 0x80 or a pair of tg_look_pair, sixteen bytes at
 * a time: each step compares the bytes at i and at i + 1, so a pair is whole in one step. The
 * text is a struct tg_name's, which has room after it for the last step's reads; bytes past
 * the end are masked off.
 * @param t: the text.
 * @param n: its length.
 * @param dashes: set to 1 if the text has "--" (a label may start "xn--"), else left.
 * @return: 1 if it has.
 */
static int
tg_look_scan(const uint8_t* t, size_t n, int* dashes)
{
	const __m128i zero = _mm_setzero_si128(), c0 = _mm_set1_epi8('0'),
		c1 = _mm_set1_epi8('1'), bar = _mm_set1_epi8('|'), r = _mm_set1_epi8('r'),
		nn = _mm_set1_epi8('n'), v = _mm_set1_epi8('v'), c = _mm_set1_epi8('c'),
		l = _mm_set1_epi8('l'), dash = _mm_set1_epi8('-');
	__m128i x, y, hit, pair, dd;
	unsigned mask, pmask;
	size_t i;

	for(i = 0; i < n; i += 16) {
		x = _mm_loadu_si128((const __m128i*)(const void*)(t + i));
		y = _mm_loadu_si128((const __m128i*)(const void*)(t + i + 1));
		/* bytes >= 0x80 are below zero as signed bytes */
		hit = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, zero), _mm_cmpeq_epi8(x, c0)),
			_mm_or_si128(_mm_cmpeq_epi8(x, c1), _mm_cmpeq_epi8(x, bar)));
		pair = _mm_or_si128(_mm_or_si128(
			_mm_and_si128(_mm_cmpeq_epi8(x, r), _mm_cmpeq_epi8(y, nn)),
			_mm_and_si128(_mm_cmpeq_epi8(x, v), _mm_cmpeq_epi8(y, v))),
			_mm_and_si128(_mm_cmpeq_epi8(x, c), _mm_cmpeq_epi8(y, l)));
		dd = _mm_and_si128(_mm_cmpeq_epi8(x, dash), _mm_cmpeq_epi8(y, dash));
		/* the bytes of the text in this step, and those with a byte of the text after */
		mask = n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1;
		pmask = n - i > 16 ? 0xffffu : mask >> 1;
		if(((unsigned)_mm_movemask_epi8(hit) & mask) |
			((unsigned)_mm_movemask_epi8(pair) & pmask))
			return 1;
		if((unsigned)_mm_movemask_epi8(dd) & pmask)
			*dashes = 1;
	}
	return 0;
}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/** a byte repeated in the eight bytes of a word */
#define TG_REP(c) (0x0101010101010101ULL * (uint8_t)(c))
/** the high bit of each byte */
#define TG_HIGHS 0x8080808080808080ULL

/**
 * The bytes of a word that are zero, as their high bits (a byte above a zero one may show
 * too, which only matters where the zero one does).
 * @param v: the word.
 * @return: non-zero if some byte is zero.
 */
static inline uint64_t
tg_zero_bytes(uint64_t v)
{
	return (v - TG_REP(1)) & ~v & TG_HIGHS;
}

/**
 * The high bits of the first k bytes of a word.
 * @param k: 0 to 8.
 * @return: the mask.
 */
static inline uint64_t
tg_first_bytes(size_t k)
{
	return k >= 8 ? TG_HIGHS : TG_HIGHS & ((1ULL << (8 * k)) - 1);
}

/**
 * Whether a text has "0", "1", "|", a byte >= 0x80 or a pair of tg_look_pair, eight bytes at a
 * time: words read seven bytes apart, so that each pair is whole in one of them. The text is
 * a struct tg_name's, which has room after it for the last word.
 * @param t: the text.
 * @param n: its length.
 * @param dashes: set to 1: the caller looks for "xn--" labels.
 * @return: 1 if it has.
 */
static int
tg_look_scan(const uint8_t* t, size_t n, int* dashes)
{
	uint64_t x, y, hit, pair;
	size_t i;

	*dashes = 1;
	for(i = 0; i < n; i += 7) {
		memcpy(&x, t + i, sizeof(x));
		y = x >> 8;
		hit = (x & TG_HIGHS) | tg_zero_bytes(x ^ TG_REP('0')) |
			tg_zero_bytes(x ^ TG_REP('1')) | tg_zero_bytes(x ^ TG_REP('|'));
		pair = tg_zero_bytes((x ^ TG_REP('r')) | (y ^ TG_REP('n'))) |
			tg_zero_bytes((x ^ TG_REP('v')) | (y ^ TG_REP('v'))) |
			tg_zero_bytes((x ^ TG_REP('c')) | (y ^ TG_REP('l')));
		if((hit & tg_first_bytes(n - i < 7 ? n - i : 7)) ||
			(pair & tg_first_bytes(n - i - 1 < 7 ? n - i - 1 : 7)))
			return 1;
	}
	return 0;
}
#else
/** 1 for a byte whose skeleton is another on its own, or that may start a Unicode character */
static const uint8_t tg_look_single[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
};

/**
 * Whether a text has a byte of tg_look_single or a pair of tg_look_pair.
 * @param t: the text.
 * @param n: its length.
 * @param dashes: set to 1: the caller looks for "xn--" labels.
 * @return: 1 if it has.
 */
static int
tg_look_scan(const uint8_t* t, size_t n, int* dashes)
{
	size_t i;
	unsigned acc = 0;
	uint8_t prev = 0;

	*dashes = 1;
	for(i = 0; i < n; i++) {
		acc |= tg_look_single[t[i]] | (tg_look_pair[t[i]] == prev);
		prev = t[i];
	}
	return acc != 0;
}
#endif

int
tg_look_maybe(const struct tg_name* name)
{
	const uint8_t* t = name->text;
	size_t i, n = name->len;
	int dashes = 0;

	/* the text is followed by orig in the struct: a word read past its end stays inside */
	if(tg_look_scan(t, n, &dashes))
		return 1;
	if(!dashes)
		return 0;
	for(i = 0; i < name->labels; i++)
		if(n - name->label_off[i] >= 4 && memcmp(t + name->label_off[i], "xn--", 4) == 0)
			return 1;
	return 0;
}

/**
 * Append one byte of skeleton, reading pairs: the second byte of "rn", "vv", "cl" turns the
 * first, just written, into the pair's letter.
 * @param out: the skeleton so far.
 * @param k: its length.
 * @param c: the byte, already mapped on its own.
 * @return: the new length.
 */
static inline size_t
tg_look_put(uint8_t* out, size_t k, uint8_t c)
{
	if(k > 0 && out[k - 1] == tg_look_pair[c]) {
		out[k - 1] = tg_look_pair_of(c);
		return k;
	}
	out[k] = c;
	return k + 1;
}

/**
 * A byte as it reads on its own.
 * @param c: the byte.
 * @return: its skeleton byte.
 */
static inline uint8_t
tg_look_map(uint8_t c)
{
	return c == '0' ? 'o' : (c == '1' || c == '|') ? 'l' : c;
}

size_t
tg_look_ascii(uint8_t* out, const uint8_t* in, size_t len)
{
	size_t i, k = 0;

	for(i = 0; i < len; i++)
		k = tg_look_put(out, k, tg_look_map(in[i]));
	return k;
}

struct tg_look*
tg_look_new(struct tg_error* err)
{
	struct tg_look* lk = calloc(1, sizeof(*lk));
	UErrorCode st = U_ZERO_ERROR;

	if(!lk) {
		err->code = TG_ERR_NOMEM;
		snprintf(err->msg, sizeof(err->msg), "lookalikes: out of memory");
		return NULL;
	}
	lk->sc = uspoof_open(&st);
	if(U_SUCCESS(st))
		lk->idna = uidna_openUTS46(UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ |
			UIDNA_NONTRANSITIONAL_TO_UNICODE, &st);
	if(U_SUCCESS(st))
		lk->nfd = unorm2_getNFDInstance(&st);
	if(U_FAILURE(st)) {
		err->code = TG_ERR_INVALID;
		snprintf(err->msg, sizeof(err->msg), "lookalikes: ICU: %s", u_errorName(st));
		tg_look_free(lk);
		return NULL;
	}
	return lk;
}

void
tg_look_free(struct tg_look* lk)
{
	if(!lk)
		return;
	if(lk->sc)
		uspoof_close(lk->sc);
	if(lk->idna)
		uidna_close(lk->idna);
	free(lk);
}

void
tg_look_cleanup(void)
{
	u_cleanup();
}

/**
 * Whether a label starts with "xn--" (comparison text: lowercase).
 * @param in: the label.
 * @param len: its length.
 * @return: 1 if it does.
 */
static int
tg_look_alabel(const uint8_t* in, size_t len)
{
	return len >= 4 && memcmp(in, "xn--", 4) == 0;
}

/**
 * Whether a label has a byte >= 0x80.
 * @param in: the label.
 * @param len: its length.
 * @return: 1 if it has.
 */
static int
tg_look_high(const uint8_t* in, size_t len)
{
	size_t i;
	for(i = 0; i < len; i++)
		if(in[i] >= 0x80)
			return 1;
	return 0;
}

/**
 * Turn a label into Unicode by UTS #46: an "xn--" label from punycode, another read as UTF-8.
 * @param lk: the ICU objects.
 * @param in: the label's comparison text.
 * @param len: its length.
 * @param out: receives UTF-16, TG_LOOK_U16 units of room.
 * @return: its length, or -1 if ICU refuses the label.
 */
static int32_t
tg_look_to_unicode(const struct tg_look* lk, const uint8_t* in, size_t len, UChar* out)
{
	UChar u[TG_LOOK_U16];
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	UErrorCode st = U_ZERO_ERROR;
	int32_t n, i;

	if(tg_look_alabel(in, len)) {
		for(i = 0; i < (int32_t)len; i++)
			u[i] = in[i];
		n = (int32_t)len;
	} else {
		/* refuses bytes that are not UTF-8 */
		u_strFromUTF8(u, TG_LOOK_U16, &n, (const char*)in, (int32_t)len, &st);
		if(U_FAILURE(st))
			return -1;
	}
	n = uidna_labelToUnicode(lk->idna, u, n, out, TG_LOOK_U16, &info, &st);
	if(U_FAILURE(st) || info.errors != 0 || n <= 0 || n >= TG_LOOK_U16)
		return -1;
	return n;
}

/**
 * Whether a Unicode label has letters of two scripts (common and inherited characters, such
 * as digits and marks, belong to none).
 * @param u: the label.
 * @param n: its length in units.
 * @return: 1 if it mixes scripts.
 */
static int
tg_look_mixed(const UChar* u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode first = USCRIPT_INVALID_CODE, s;
	int32_t i = 0;
	UChar32 c;

	while(i < n) {
		U16_NEXT(u, i, n, c);
		s = uscript_getScript(c, &st);
		if(U_FAILURE(st) || s == USCRIPT_COMMON || s == USCRIPT_INHERITED)
			continue;
		if(first == USCRIPT_INVALID_CODE)
			first = s;
		else if(s != first)
			return 1;
	}
	return 0;
}

/** A letter UTS #39 leaves alone that reads as an ASCII letter: small capitals, hooks,
 * descenders, turned letters (as in browsers' extra tables and dnstwist's homoglyphs). */
struct tg_look_extra {
	/** the code point, lowercase */
	UChar32 c;
	/** the letter it reads as */
	uint8_t ascii;
};

/** the letters UTS #39 leaves alone, sorted by code point */
static const struct tg_look_extra tg_look_extras[] = {
	{ 0x00fe, 'p' },	/* þ thorn */
	{ 0x0138, 'k' },	/* ĸ kra: what ᴋ becomes */
	{ 0x0185, 'b' },	/* ƅ tone six */
	{ 0x0188, 'c' },	/* ƈ c with hook */
	{ 0x01ab, 't' },	/* ƫ t with palatal hook */
	{ 0x01dd, 'a' },	/* ǝ turned e: what ə (schwa) becomes */
	{ 0x0262, 'g' },	/* ɢ small capital g */
	{ 0x027e, 'r' },	/* ɾ r with fishhook */
	{ 0x0280, 'r' },	/* ʀ small capital r */
	{ 0x028d, 'm' },	/* ʍ turned w: what ɱ (m with hook) becomes */
	{ 0x0299, 'b' },	/* ʙ small capital b */
	{ 0x043a, 'k' },	/* к cyrillic ka */
	{ 0x043c, 'm' },	/* м cyrillic em */
	{ 0x0442, 't' },	/* т cyrillic te */
	{ 0x044c, 'b' },	/* ь cyrillic soft sign */
	{ 0x1d8c, 'v' },	/* ᶌ v with palatal hook (UTS #39 makes it y) */
	{ 0x2c6a, 'k' },	/* ⱪ k with descender */
	{ 0x2c71, 'v' },	/* ⱱ v with right hook */
	{ 0x2c73, 'w' },	/* ⱳ w with hook */
	{ 0x2c74, 'v' },	/* ⱴ v with curl */
	{ 0xa791, 'n' },	/* ꞑ n with descender */
};

/**
 * The ASCII letter a code point UTS #39 leaves alone reads as.
 * @param c: the code point.
 * @return: the letter, or 0 for none.
 */
static uint8_t
tg_look_extra(UChar32 c)
{
	size_t lo = 0, hi = sizeof(tg_look_extras) / sizeof(tg_look_extras[0]), mid;

	while(lo < hi) {
		mid = (lo + hi) / 2;
		if(tg_look_extras[mid].c == c)
			return tg_look_extras[mid].ascii;
		if(tg_look_extras[mid].c < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/**
 * Decompose a text, remove its nonspacing marks and write the extra letters as ASCII.
 * @param lk: the ICU objects.
 * @param in: the text.
 * @param n: its length.
 * @param out: receives the result, TG_LOOK_U16 units of room.
 * @return: its length, or -1 if it does not fit.
 */
static int32_t
tg_look_unmark(const struct tg_look* lk, const UChar* in, int32_t n, UChar* out)
{
	UChar d[TG_LOOK_U16];
	UErrorCode st = U_ZERO_ERROR;
	int32_t nd, i = 0, k = 0;
	UChar32 c;

	nd = unorm2_normalize(lk->nfd, in, n, d, TG_LOOK_U16, &st);
	if(U_FAILURE(st) || nd >= TG_LOOK_U16)
		return -1;
	while(i < nd) {
		U16_NEXT(d, i, nd, c);
		if(u_charType(c) == U_NON_SPACING_MARK)
			continue;
		if(c >= 0x80 && tg_look_extra(c))
			c = tg_look_extra(c);
		U16_APPEND_UNSAFE(out, k, c);
	}
	return k;
}

/**
 * Write a Unicode skeleton as bytes: UTF-8, ASCII read by the rules of tg_look_ascii(), '.'
 * and NUL as TG_TEXT_ODD.
 * @param u: the skeleton.
 * @param n: its length.
 * @param out: receives the bytes, TG_LOOK_LABEL_MAX of room.
 * @return: the length, or -1 if it does not fit.
 */
static int
tg_look_bytes(const UChar* u, int32_t n, uint8_t* out)
{
	uint8_t b[U8_MAX_LENGTH];
	int32_t i = 0, nb, j;
	size_t k = 0;
	UChar32 c;

	while(i < n) {
		U16_NEXT(u, i, n, c);
		if(c < 0x80) {
			if(k + 1 > TG_LOOK_LABEL_MAX)
				return -1;
			k = tg_look_put(out, k, (c == '.' || c == 0) ? TG_TEXT_ODD :
				tg_look_map((uint8_t)c));
			continue;
		}
		nb = 0;
		U8_APPEND_UNSAFE(b, nb, c);
		if(k + (size_t)nb > TG_LOOK_LABEL_MAX)
			return -1;
		for(j = 0; j < nb; j++)
			out[k++] = b[j];
	}
	return (int)k;
}

/**
 * The skeleton of a Unicode label: nonspacing marks removed, the UTS #39 skeleton,
 * lowercased, the marks it brought removed, written as bytes.
 * @param lk: the ICU objects.
 * @param u: the label in Unicode.
 * @param n: its length.
 * @param out: receives the bytes, TG_LOOK_LABEL_MAX of room.
 * @return: the length, or -1 if ICU fails or it does not fit.
 */
static int
tg_look_unicode_skeleton(const struct tg_look* lk, const UChar* u, int32_t n, uint8_t* out)
{
	UChar a[TG_LOOK_U16], b[TG_LOOK_U16];
	UErrorCode st = U_ZERO_ERROR;
	int32_t na, nb;

	if((na = tg_look_unmark(lk, u, n, a)) < 0)
		return -1;
	nb = uspoof_getSkeleton(lk->sc, 0, a, na, b, TG_LOOK_U16, &st);
	if(U_FAILURE(st) || nb >= TG_LOOK_U16)
		return -1;
	na = u_strToLower(a, TG_LOOK_U16, b, nb, "", &st);
	if(U_FAILURE(st) || na >= TG_LOOK_U16)
		return -1;
	if((nb = tg_look_unmark(lk, a, na, b)) < 0)
		return -1;
	return tg_look_bytes(b, nb, out);
}

/**
 * The skeleton of one label.
 * @param lk: the ICU objects, or NULL.
 * @param in: the label's comparison text.
 * @param len: its length.
 * @param out: receives it, TG_LOOK_LABEL_MAX of room.
 * @param unicode: set to 1 if the label was turned into Unicode and given its skeleton.
 * @param counts: counters, or NULL.
 * @return: its length (0 for an empty one).
 */
static size_t
tg_look_label(const struct tg_look* lk, const uint8_t* in, size_t len, uint8_t* out,
	int* unicode, struct tg_look_counts* counts)
{
	UChar u[TG_LOOK_U16];
	int32_t n;
	int k;

	if(!tg_look_alabel(in, len) && !tg_look_high(in, len))
		return tg_look_ascii(out, in, len);
	if(!lk) {
		memcpy(out, in, len);
		return len;
	}
	if((n = tg_look_to_unicode(lk, in, len, u)) < 0) {
		if(counts)
			atomic_fetch_add_explicit(&counts->refused, 1, memory_order_relaxed);
		memcpy(out, in, len);
		return len;
	}
	if((k = tg_look_unicode_skeleton(lk, u, n, out)) < 0) {
		if(counts)
			atomic_fetch_add_explicit(&counts->toolong, 1, memory_order_relaxed);
		memcpy(out, in, len);
		return len;
	}
	*unicode = 1;
	if(counts) {
		atomic_fetch_add_explicit(&counts->decoded, 1, memory_order_relaxed);
		if(tg_look_mixed(u, n))
			atomic_fetch_add_explicit(&counts->mixed, 1, memory_order_relaxed);
	}
	return (size_t)k;
}

/*
 * The loose fold: letters that dnstwist writes with other ASCII letters, where UTS #39 sees no
 * confusable, each put in one form, so that "arnny" (m as nn, after "rn" read as m), "qoogle"
 * and "w1k1pedia" fold as "army", "google" and "wikipedia" do. Strokes and humps are counted:
 * "m" is two humps, "nn"; "r" half of one, "n", so that "rr", "rn" and "nn" are "nn" too; "i"
 * is "l" (as "1" and "|" already are); "k" is "l" and "c", and a run of "l" is one "l", so
 * that "lc", "lk", "ik" and "k" agree; "q" is "g". Ordinary words fold onto others' skeletons
 * ("connect", "mirror", "click"): it is used for names with a label in Unicode only.
 */

/** A byte of a skeleton and what it is in the loose fold. */
struct tg_look_loosen {
	/** the skeleton byte */
	uint8_t c;
	/** what it is written as, one or two bytes, NUL-terminated */
	char as[3];
};

/** the loose fold's table; bytes not in it stay as they are */
static const struct tg_look_loosen tg_look_loose_table[] = {
	{ 'i', "l" },	/* i, l, 1, |: one stroke */
	{ 'k', "lc" },	/* k, lc, lk, ik */
	{ 'm', "nn" },	/* m, rn, nn, rr: two humps */
	{ 'q', "g" },	/* q, g */
	{ 'r', "n" },	/* r: a hump, so that rr and rn are nn */
};

/**
 * What a byte of a skeleton is in the loose fold.
 * @param c: the byte.
 * @return: its loose form, static; NULL for the byte itself.
 */
static const char*
tg_look_loose_of(uint8_t c)
{
	size_t i;

	for(i = 0; i < sizeof(tg_look_loose_table) / sizeof(tg_look_loose_table[0]); i++)
		if(tg_look_loose_table[i].c == c)
			return tg_look_loose_table[i].as;
	return NULL;
}

/**
 * Append one byte of a loose label: an "l" after an "l" is left out.
 * @param out: the name so far.
 * @param c: the byte.
 * @param start: offset of the label's first byte in out.
 * @return: 0, or -1 if the name is full.
 */
static int
tg_look_loose_put(struct tg_name* out, uint8_t c, size_t start)
{
	if(c == 'l' && out->len > start && out->text[out->len - 1] == 'l')
		return 0;
	if(out->len + 1 > TG_TEXT_MAX - 2)
		return -1;
	out->text[out->len++] = c;
	return 0;
}

enum tg_err
tg_look_loose(const struct tg_name* sk, struct tg_name* out)
{
	size_t i, j, e;
	const char* as;
	uint8_t c;

	out->len = 0;
	out->labels = 0;
	for(i = 0; i < sk->labels; i++) {
		e = i + 1 < sk->labels ? (size_t)sk->label_off[i + 1] - 1 : sk->len;
		if(i > 0 && tg_look_loose_put(out, '.', out->len) < 0)
			return TG_ERR_LIMIT;
		out->label_off[out->labels++] = (uint8_t)out->len;
		for(j = sk->label_off[i]; j < e; j++) {
			c = sk->text[j];
			as = tg_look_loose_of(c);
			if(tg_look_loose_put(out, as ? (uint8_t)as[0] : c, out->label_off[i]) < 0 ||
				(as && as[1] && tg_look_loose_put(out, (uint8_t)as[1],
				out->label_off[i]) < 0))
				return TG_ERR_LIMIT;
		}
	}
	out->text[out->len] = 0;
	memcpy(out->orig, out->text, out->len + 1);
	return TG_OK;
}

enum tg_err
tg_look_skeleton(const struct tg_look* lk, const struct tg_name* name, struct tg_name* out,
	size_t* skipped, int* unicode, struct tg_look_counts* counts)
{
	uint8_t lab[TG_LABELS_MAX][TG_LOOK_LABEL_MAX];
	size_t len[TG_LABELS_MAX], i, a, e, first = 0, total = 0;
	int uni = 0;

	if(name->labels == 0)
		return TG_ERR_NAME;
	for(i = 0; i < name->labels; i++) {
		a = name->label_off[i];
		e = i + 1 < name->labels ? (size_t)name->label_off[i + 1] - 1 : name->len;
		len[i] = tg_look_label(lk, name->text + a, e - a, lab[i], &uni, counts);
		if(len[i] == 0) {
			lab[i][0] = TG_TEXT_ODD;
			len[i] = 1;
		}
	}
	/* keep the rightmost labels that fit, dots included */
	for(i = name->labels; i > 0; i--) {
		if(total + len[i - 1] + (i < name->labels) > TG_TEXT_MAX - 2) {
			first = i;
			if(counts)
				atomic_fetch_add_explicit(&counts->toolong, 1,
					memory_order_relaxed);
			break;
		}
		total += len[i - 1] + (i < name->labels);
	}
	out->len = 0;
	out->labels = 0;
	for(i = first; i < name->labels; i++) {
		if(i > first)
			out->text[out->len++] = '.';
		out->label_off[out->labels++] = (uint8_t)out->len;
		memcpy(out->text + out->len, lab[i], len[i]);
		out->len += len[i];
	}
	out->text[out->len] = 0;
	memcpy(out->orig, out->text, out->len + 1);
	if(skipped)
		*skipped = first;
	if(unicode)
		*unicode = uni;
	return TG_OK;
}

/**
 * Write one label in Unicode, if UTS #46 accepts it and it has nothing that would need an
 * escape in presentation form.
 * @param lk: the ICU objects.
 * @param in: the label's comparison text.
 * @param len: its length.
 * @param out: receives UTF-8, NUL-terminated.
 * @param size: room in out.
 * @return: the length written, or -1 to write the label in presentation form instead.
 */
static int32_t
tg_look_unicode_label(const struct tg_look* lk, const uint8_t* in, size_t len, char* out,
	size_t size)
{
	UChar u[TG_LOOK_U16];
	UErrorCode st = U_ZERO_ERROR;
	int32_t n, i, k;

	if(!lk || (!tg_look_alabel(in, len) && !tg_look_high(in, len)) ||
		(n = tg_look_to_unicode(lk, in, len, u)) < 0)
		return -1;
	for(i = 0; i < n; i++)
		if(u[i] <= 0x20 || u[i] == 0x7f ||
			(u[i] < 0x80 && strchr(".\"\\;()@$", (int)u[i]) != NULL))
			return -1;
	u_strToUTF8(out, (int32_t)size, &k, u, n, &st);
	if(U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	return k;
}

int
tg_look_unicode(const struct tg_look* lk, const struct tg_name* name, size_t first, char* out,
	size_t size)
{
	char tmp[TG_LOOK_LABEL_MAX * 4 + 1];
	size_t i, a, e, k = 0, need;
	int32_t n;
	int uni = 0;

	out[0] = 0;
	for(i = first; i < name->labels; i++) {
		a = name->label_off[i];
		e = i + 1 < name->labels ? (size_t)name->label_off[i + 1] - 1 : name->len;
		n = tg_look_unicode_label(lk, name->text + a, e - a, tmp, sizeof(tmp));
		if(n >= 0)
			uni = 1;
		else
			n = (int32_t)tg_present_bytes(tmp, name->orig + a, e - a);
		need = (size_t)n + (i > first);
		if(k + need + 1 > size)
			break;
		if(i > first)
			out[k++] = '.';
		memcpy(out + k, tmp, (size_t)n);
		k += (size_t)n;
	}
	out[k] = 0;
	return uni;
}
