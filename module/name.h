/* module/name.h - domain names in the forms typoguard compares and prints. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_NAME_H
#define TG_NAME_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/** longest name in wire format, RFC 1035 */
#define TG_WIRE_MAX 255
/** room for the comparison text of the longest name: 254 bytes and a NUL */
#define TG_TEXT_MAX 256
/** most labels a wire name can have (not counting the root) */
#define TG_LABELS_MAX 127
/** room for the presentation form of the longest name, every byte \DDD escaped */
#define TG_PRESENT_MAX (TG_WIRE_MAX * 4 + 2)
/** the byte that stands, in comparison text, for a label byte '.' or NUL: it never occurs in
 * a protected name, so it can only ever be matched by an edit */
#define TG_TEXT_ODD 0x00

/**
 * A name in comparison form: its labels lowercased (ASCII only) and joined by '.', without the
 * root's trailing dot. A label byte that is '.' or NUL is written as TG_TEXT_ODD so that it is
 * never mistaken for a separator or for a protected name's byte. Label boundaries are kept, so
 * that suffixes can be cut at them. Lives on the caller's stack; owns no memory.
 */
struct tg_name {
	/** comparison text, len bytes, NUL-terminated for convenience */
	uint8_t text[TG_TEXT_MAX];
	/** the original label bytes, at the same offsets as text (case kept, '.' between labels) */
	uint8_t orig[TG_TEXT_MAX];
	/** length of text (and orig) */
	size_t len;
	/** offset in text of the first byte of each label, from the leftmost label */
	uint8_t label_off[TG_LABELS_MAX];
	/** number of labels; 0 for the root */
	size_t labels;
};

/**
 * Convert an uncompressed wire-format name.
 * @param name: filled on success.
 * @param wire: the name in wire format, ending with the root label.
 * @param len: number of bytes available at wire.
 * @return: TG_OK, or TG_ERR_NAME if the name is malformed or longer than len.
 */
enum tg_err tg_name_from_wire(struct tg_name* name, const uint8_t* wire, size_t len);

/**
 * Convert a name in presentation format ("army.mil", "a\.b.example.", "x\255y.com"); the trailing
 * dot is optional. Escapes \X and \DDD are honoured.
 * @param name: filled on success.
 * @param str: NUL-terminated presentation-format name.
 * @param wire: if not NULL, receives the wire form (TG_WIRE_MAX bytes of room).
 * @param wire_len: if not NULL, receives the length of the wire form.
 * @return: TG_OK, or TG_ERR_NAME for an empty label, a bad escape or a name too long.
 */
enum tg_err tg_name_from_str(struct tg_name* name, const char* str, uint8_t* wire,
	size_t* wire_len);

/**
 * Write bytes as they appear inside a label in presentation format: letters, digits and
 * printable ASCII as themselves, '.', '"', ';', '(', ')', '\\', '@', '$' and space as \X,
 * every other byte (controls, NUL, >= 0x80) as \DDD. The output is plain ASCII, so it is
 * always valid UTF-8 and reads back to the same bytes.
 * @param out: receives a NUL-terminated string; needs 4 * len + 1 bytes.
 * @param bytes: the label bytes.
 * @param len: number of bytes.
 * @return: the length written, without the NUL.
 */
size_t tg_present_bytes(char* out, const uint8_t* bytes, size_t len);

/**
 * Presentation form of the labels from label index first to the end, without a trailing dot
 * (the root alone is ".").
 * @param out: receives a NUL-terminated string; needs TG_PRESENT_MAX bytes.
 * @param name: the name.
 * @param first: index of the first label to print; 0 for the whole name.
 * @return: the length written, without the NUL.
 */
size_t tg_name_present(char* out, const struct tg_name* name, size_t first);

#endif /* TG_NAME_H */
