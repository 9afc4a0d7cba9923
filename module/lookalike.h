/* module/lookalike.h - the skeleton of a name: what it looks like, for lookalikes (UTS #39). */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_LOOKALIKE_H
#define TG_LOOKALIKE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "name.h"

/*
 * Two names look alike when their skeletons are equal. The skeleton of a name is made label
 * by label:
 * - an "xn--" label is turned into Unicode by UTS #46 (ICU's uidna, nontransitional, bidi and
 *   CONTEXTJ checked); a label with bytes >= 0x80 is read as UTF-8 the same way; other labels
 *   are ASCII;
 * - Unicode labels: decomposed (NFD), nonspacing marks removed (as browsers' spoof checkers
 *   do: "ṇavɏ" keeps no dot), the UTS #39 skeleton taken (ICU's uspoof_getSkeleton),
 *   lowercased, and marks the skeleton brought in removed again ("ł" is "l" and a stroke);
 * - every label then: "0" is "o", "1" and "|" are "l" (from UTS #39), and the letter pairs
 *   "rn", "vv", "cl" read as "m", "w", "d" (UTS #39 has the first, as m -> rn; the other two
 *   are added, as dnstwist and browsers' extra tables have them), leftmost first.
 * A label ICU refuses (invalid punycode, disallowed characters, bidi errors) keeps its own
 * text, which looks like nothing but itself: it can never make a name a lookalike by accident.
 * Characters left outside ASCII are kept in UTF-8.
 *
 * The loose form of a skeleton (tg_look_loose()) puts in one form the ASCII letters dnstwist
 * also writes for others, where UTS #39 sees no confusable ("m" and "nn", "i" and "l", "k" and
 * "lc", "q" and "g"). It is compared for names with a label in Unicode only, and only for
 * equality (policy_look.c).
 */

/** longest skeleton of one label, bytes; a longer one is refused */
#define TG_LOOK_LABEL_MAX 252

/**
 * What was met while making skeletons: shared by threads, atomic.
 */
struct tg_look_counts {
	/** labels turned into Unicode and given a skeleton */
	atomic_uint_fast64_t decoded;
	/** labels ICU refused: invalid punycode, disallowed or unassigned characters, bidi or
	 * CONTEXTJ errors, not UTF-8; they kept their own text */
	atomic_uint_fast64_t refused;
	/** of the decoded labels, those mixing letters of two scripts (Cyrillic and Latin) */
	atomic_uint_fast64_t mixed;
	/** labels whose skeleton is too long, kept as they are, or names whose skeleton had to
	 * lose leftmost labels to fit */
	atomic_uint_fast64_t toolong;
};

/** The ICU objects: a spoof checker and a UTS #46 converter. Immutable once made. */
struct tg_look;

/**
 * Open the ICU objects.
 * @param err: receives the reason on failure.
 * @return: the object, freed with tg_look_free(); NULL on failure.
 */
struct tg_look* tg_look_new(struct tg_error* err);

/**
 * Free the ICU objects.
 * @param lk: the object, or NULL.
 */
void tg_look_free(struct tg_look* lk);

/**
 * Free what ICU keeps for the whole process (its data caches, made at the first use): after
 * every struct tg_look is freed, when no thread can use ICU any more, as the module's deinit.
 * ICU builds them again if it is used after.
 */
void tg_look_cleanup(void);

/**
 * Whether the skeleton of a name can differ from its text: it has "0", "1", "|", a pair of
 * "rn", "vv", "cl", a byte >= 0x80, or a label starting "xn--". One pass over the text,
 * sixteen bytes at a time where SSE2 is there, and a look at the labels' starts only if the
 * text has "--"; no ICU: names without any of these pay for nothing else.
 * @param name: the name.
 * @return: 1 if it can, 0 if the skeleton is the text itself.
 */
int tg_look_maybe(const struct tg_name* name);

/**
 * Make the skeleton of a name, as a name the matcher can take: its text and orig are the
 * skeleton, '.' and NUL inside a label are TG_TEXT_ODD, an empty skeleton label is one
 * TG_TEXT_ODD byte. The labels correspond to the name's; if the whole would be too long, the
 * leftmost labels are dropped (counted as toolong) and *skipped says how many.
 * Thread-safe; no allocation but ICU's own.
 * @param lk: the ICU objects; NULL if the name is known to need none (then an "xn--" or
 *	non-ASCII label keeps its text).
 * @param name: the name.
 * @param out: receives the skeleton.
 * @param skipped: receives the number of leftmost labels dropped; may be NULL.
 * @param unicode: receives 1 if a label was turned into Unicode and given its skeleton (an
 *	"xn--" label that decodes, or a UTF-8 one), else 0; may be NULL.
 * @param counts: counters to add to, or NULL.
 * @return: TG_OK, or TG_ERR_NAME for the root.
 */
enum tg_err tg_look_skeleton(const struct tg_look* lk, const struct tg_name* name,
	struct tg_name* out, size_t* skipped, int* unicode, struct tg_look_counts* counts);

/**
 * The loose fold of a skeleton: letters dnstwist writes with other ASCII letters that UTS #39
 * does not take as confusables put in one form, byte by byte (bytes >= 0x80 and TG_TEXT_ODD
 * stay): "m" is "nn", "r" is "n" (so "rr", "rn", "nn" and "m" agree), "i" is "l", "k" is "lc",
 * "q" is "g", and a run of "l" in a label is one "l". "army.mil" is "annny.nnl",
 * "wikipedia.org" "wlclpedla.ong". Much looser than the skeleton: ordinary ASCII words fold
 * onto each other, so it is for names with a label in Unicode only (tg_policy_match()).
 * @param sk: a skeleton, from tg_look_skeleton().
 * @param out: receives the loose form, its labels the skeleton's.
 * @return: TG_OK, or TG_ERR_LIMIT if it would be too long for a name.
 */
enum tg_err tg_look_loose(const struct tg_name* sk, struct tg_name* out);

/**
 * The skeleton of one ASCII label by the rules above, without ICU: what tg_look_skeleton()
 * does to a label with no byte >= 0x80 that does not start with "xn--".
 * @param out: receives the skeleton; room for len bytes.
 * @param in: the label's comparison text.
 * @param len: its length.
 * @return: the skeleton's length.
 */
size_t tg_look_ascii(uint8_t* out, const uint8_t* in, size_t len);

/**
 * The Unicode form of a name, for people: each "xn--" label that UTS #46 accepts in Unicode,
 * every other label (and a refused one) in presentation form with \DDD escapes. UTF-8.
 * @param lk: the ICU objects.
 * @param name: the name.
 * @param first: index of the first label to write; 0 for the whole name.
 * @param out: receives the NUL-terminated text.
 * @param size: room in out; TG_PRESENT_MAX * 2 is always enough.
 * @return: 1 if some label was written in Unicode, 0 if the form is the presentation form.
 */
int tg_look_unicode(const struct tg_look* lk, const struct tg_name* name, size_t first,
	char* out, size_t size);

#endif /* TG_LOOKALIKE_H */
