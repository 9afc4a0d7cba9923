/* module/match.h - find the protected suffix a name is one edit away from. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_MATCH_H
#define TG_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "name.h"

/**
 * The four single edits, as seen from the protected name P to the typo S.
 */
enum tg_edit_op {
	/** a character of P is missing in S ("army.mil" -> "army.ml") */
	TG_EDIT_DELETION = 0,
	/** S has a character P does not ("army.mil" -> "armyy.mil") */
	TG_EDIT_INSERTION,
	/** one character of P is another in S ("army.mil" -> "arny.mil") */
	TG_EDIT_SUBSTITUTION,
	/** two neighbouring characters of P are swapped in S ("army.mil" -> "arym.mil") */
	TG_EDIT_TRANSPOSITION,
	/** no edit: a lookalike whose skeleton is P's ("arrny.mil" -> "army.mil") */
	TG_EDIT_NONE
};

/**
 * One edit, described so that a reader can see the typo. When several positions describe the
 * same edit (a character deleted from a run, "google" -> "gogle"), the lowest position is given.
 */
struct tg_edit {
	/** which edit */
	enum tg_edit_op op;
	/** offset in P's text, 0 for its first character: of the deleted, substituted or first
	 * swapped character, or where the inserted character stands (0 = before P) */
	size_t position;
	/** characters of P at position: 1 (deletion, substitution), 2 (transposition) or 0 */
	uint8_t expected[2];
	/** number of bytes in expected */
	size_t expected_len;
	/** characters found in S instead, original case: 0 (deletion), 1 or 2 (transposition) */
	uint8_t found[2];
	/** number of bytes in found */
	size_t found_len;
};

/** room for the Unicode form of a name in a match, UTF-8 and a NUL */
#define TG_UNICODE_MAX 1024

/**
 * The result of a match: which protected name, which suffix of the query, which edit.
 */
struct tg_match {
	/** the id given with the protected name to tg_matcher_add_protected() */
	uint32_t id;
	/** index of the first label of the matching suffix S in the query name */
	size_t typo_label;
	/** the edit from P to S; for a lookalike, from P's skeleton to S's, offsets in P's
	 * skeleton, found in S's skeleton, TG_EDIT_NONE if the skeletons are equal */
	struct tg_edit edit;
	/** 1 for a lookalike: S's skeleton is P's, or one edit from it (see lookalike.h) */
	int lookalike;
	/** 1 for a lookalike found through the loose fold: the loose form of S's skeleton is
	 * that of P's skeleton (tg_look_loose()); skeleton is then S's loose form */
	int loose;
	/** set by every match: 1 if, matching names, the text of the name was found equal to,
	 * or one edit from, the skeleton of a protected name that is not its own skeleton
	 * ("doud.com", the skeleton of "cloud.com"): its skeleton pass may find a lookalike */
	int skeleton_near;
	/** for a lookalike: S's skeleton as compared, presentation form (\DDD escapes, so
	 * ASCII), NUL-terminated, "loose:" before it when loose is set; set by
	 * tg_policy_match() */
	char skeleton[TG_PRESENT_MAX];
	/** for a lookalike of a name with a label in Unicode ("xn--"): the name's Unicode form,
	 * UTF-8 (see tg_look_unicode()), NUL-terminated; else "" */
	char unicode[TG_UNICODE_MAX];
};

/**
 * What tg_matcher_match() found.
 */
enum tg_verdict {
	/** not near any protected name */
	TG_VERDICT_NONE = 0,
	/** a typo: the struct tg_match is filled */
	TG_VERDICT_TYPO,
	/** equal to or below a protected name: never flagged; id tells which */
	TG_VERDICT_PROTECTED,
	/** equal to or below an allowed name: never flagged; id tells which */
	TG_VERDICT_ALLOWED
};

/** The matcher: an index of protected and allowed names. Immutable once finished. */
struct tg_matcher;

/**
 * Start an empty matcher. Its hash words are random, drawn at the first call in a process and
 * shared by every matcher; its salts are its own.
 * @param hint: expected number of protected names, for sizing; 0 if unknown.
 * @return: a new matcher, to be freed with tg_matcher_free(); NULL if out of memory.
 */
struct tg_matcher* tg_matcher_new(size_t hint);

/**
 * Add a protected name. Its labels must not contain the bytes '.' or NUL. The name is hashed
 * and its keys filed now, so that tg_matcher_finish() has only to put them in the table: a
 * caller can add names from one thread while it reads the next ones in another.
 * @param m: a matcher not yet finished.
 * @param name: the protected name (comparison form, see name.h); copied.
 * @param id: the caller's number for it, returned in matches.
 * @return: TG_OK; TG_ERR_NAME for the root or a forbidden byte; TG_ERR_NOMEM (the matcher
 *	will then not finish).
 */
enum tg_err tg_matcher_add_protected(struct tg_matcher* m, const struct tg_name* name,
	uint32_t id);

/** tg_matcher_add_protected_as(): the name counts when matching names */
#define TG_AS_NAME 1u
/** tg_matcher_add_protected_as(): the name counts when matching skeletons */
#define TG_AS_SKELETON 2u
/** tg_matcher_add_protected_as(): the name counts when matching loose forms of skeletons */
#define TG_AS_LOOSE 4u

/**
 * Add a protected name for one pass or more: as a name (what tg_matcher_add_protected()
 * does), as a skeleton (the skeleton of a protected name that is not its own, with that
 * name's id), or both (a name that is its own skeleton); and as a loose form
 * (tg_look_loose()), alone or with the others when the text is its own loose form (a loose
 * form alone is filed by its text only, as it is matched only when equal). Records of the
 * same text in different passes are all kept.
 * @param m: a matcher not yet finished.
 * @param name: the name, skeleton or loose form; copied.
 * @param id: the caller's number for it.
 * @param as: TG_AS_NAME, TG_AS_SKELETON, both; or TG_AS_LOOSE, alone or with them.
 * @return: as tg_matcher_add_protected().
 */
enum tg_err tg_matcher_add_protected_as(struct tg_matcher* m, const struct tg_name* name,
	uint32_t id, unsigned as);

/**
 * Add an allowed name: it and the names below it are never flagged.
 * @param m: a matcher not yet finished.
 * @param name: the allowed name; copied.
 * @param id: the caller's number for it, returned with TG_VERDICT_ALLOWED.
 * @return: TG_OK; TG_ERR_NAME for the root; TG_ERR_NOMEM.
 */
enum tg_err tg_matcher_add_allowed(struct tg_matcher* m, const struct tg_name* name,
	uint32_t id);

/**
 * Build the index. After this the matcher is read-only and may be shared by threads.
 * @param m: the matcher.
 * @return: TG_OK or TG_ERR_NOMEM (also when an add ran out of memory).
 */
enum tg_err tg_matcher_finish(struct tg_matcher* m);

/**
 * Check a name. The rules, exactly:
 * - a name equal to or below a protected or an allowed name is never a typo (PROTECTED or
 *   ALLOWED, the longest such name's id; PROTECTED when both are the same length);
 * - else the name is a typo of P when a suffix S of it, cut at a label boundary, is at
 *   optimal string alignment distance exactly 1 from P, comparing comparison texts;
 * - of several such pairs the one with the longest P wins; then the longest S; then the P
 *   whose text is smallest bytewise.
 * The cost does not depend on the number of names in the matcher. Thread-safe, no allocation.
 * @param m: a finished matcher.
 * @param name: the query name.
 * @param out: filled for TG_VERDICT_TYPO; for PROTECTED and ALLOWED only out->id is set.
 * @return: the verdict.
 */
enum tg_verdict tg_matcher_match(const struct tg_matcher* m, const struct tg_name* name,
	struct tg_match* out);

/** what a match counts */
enum tg_pass {
	/** the names added as names: tg_matcher_match() */
	TG_PASS_NAMES = 0,
	/** the names added as skeletons, to match the skeleton of a query; allowed names do
	 * not count */
	TG_PASS_SKELETONS,
	/** the names added as loose forms, to match the loose form of a query's skeleton:
	 * only a suffix equal to one counts (PROTECTED; never a TYPO); allowed names do not
	 * count */
	TG_PASS_LOOSE
};

/**
 * Check a name, or the skeleton of a name, by the rules of tg_matcher_match(), counting
 * only the records of one pass. For TG_VERDICT_PROTECTED and ALLOWED, out->typo_label is
 * set too: the label of the longest suffix equal to the name found.
 * @param m: a finished matcher.
 * @param name: the query name, or its skeleton.
 * @param pass: which records count.
 * @param out: as for tg_matcher_match(); out->lookalike and out->loose are set to 0, and
 *	out->skeleton_near.
 * @return: the verdict.
 */
enum tg_verdict tg_matcher_match_pass(const struct tg_matcher* m, const struct tg_name* name,
	enum tg_pass pass, struct tg_match* out);

/**
 * Bytes the matcher holds, for Unbound's memory statistics.
 * @param m: the matcher, or NULL.
 * @return: bytes allocated.
 */
size_t tg_matcher_memory(const struct tg_matcher* m);

/**
 * Free a matcher and all it holds.
 * @param m: the matcher, or NULL.
 */
void tg_matcher_free(struct tg_matcher* m);

/**
 * Name of an edit operation as written in events: "deletion", "insertion", "substitution",
 * "transposition".
 * @param op: the operation.
 * @return: a static string.
 */
const char* tg_edit_op_str(enum tg_edit_op op);

/**
 * The edit of a match as written in events: the edit's name for a typo; for a lookalike
 * "lookalike", or "lookalike+" and the edit's name when one edit was needed as well.
 * @param m: the match.
 * @return: a static string.
 */
const char* tg_match_op_str(const struct tg_match* m);

/**
 * Every valid host name exactly one edit from a name: letters, digits, hyphens and dots, no empty
 * label, no label that starts or ends with a hyphen, at most 63 bytes a label and 253 in all.
 * Each is produced once, in lowercase, in bytewise sorted order.
 * @param name: the name to vary; lowercase comparison text.
 * @param emit: called with each variant (NUL-terminated presentation text); returning
 *	non-zero stops the walk.
 * @param arg: passed to emit.
 * @return: TG_OK, TG_ERR_NOMEM, or TG_ERR_INVALID if emit stopped the walk.
 */
enum tg_err tg_variants(const struct tg_name* name, int (*emit)(const char* variant, void* arg),
	void* arg);

#endif /* TG_MATCH_H */
