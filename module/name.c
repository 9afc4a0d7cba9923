/* module/name.c - domain names in the forms typoguard compares and prints. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <string.h>
#include "name.h"

/** longest label, RFC 1035 */
#define TG_LABEL_MAX 63

/**
 * Copy label bytes and write their comparison text: ASCII letters lowercased, '.' and NUL
 * replaced by TG_TEXT_ODD, everything else unchanged.
 * @param text: receives the comparison bytes.
 * @param orig: receives the bytes as they are.
 * @param label: the label bytes.
 * @param len: their number.
 */
static void
tg_label_copy(uint8_t* text, uint8_t* orig, const uint8_t* label, size_t len)
{
	size_t i;
	uint8_t c, t;

	for(i = 0; i < len; i++) {
		c = label[i];
		orig[i] = c;
		t = (uint8_t)(c + ((uint8_t)(c - 'A') < 26 ? 'a' - 'A' : 0));
		text[i] = (c == '.' || c == 0) ? TG_TEXT_ODD : t;
	}
}

enum tg_err
tg_name_from_wire(struct tg_name* name, const uint8_t* wire, size_t len)
{
	size_t pos = 0, tl = 0, labels = 0;
	uint8_t lab;

	for(;;) {
		if(pos >= len)
			return TG_ERR_NAME;
		lab = wire[pos];
		if(lab == 0)
			break;
		/* also refuses compression pointers and extended label types */
		if(lab > TG_LABEL_MAX)
			return TG_ERR_NAME;
		/* the label and, after it, at least the root label must fit */
		if(pos + 1 + lab >= len || pos + 1 + lab + 1 > TG_WIRE_MAX)
			return TG_ERR_NAME;
		if(labels > 0) {
			name->text[tl] = '.';
			name->orig[tl] = '.';
			tl++;
		}
		name->label_off[labels++] = (uint8_t)tl;
		tg_label_copy(name->text + tl, name->orig + tl, wire + pos + 1, lab);
		tl += lab;
		pos += 1 + (size_t)lab;
	}
	name->text[tl] = 0;
	name->orig[tl] = 0;
	name->len = tl;
	name->labels = labels;
	return TG_OK;
}

/**
 * Read one character of a label in presentation format, with its escape.
 * @param str: the position; advanced past the character.
 * @param out: receives the byte.
 * @return: 0 on success, -1 for a bad escape.
 */
static int
tg_parse_char(const char** str, uint8_t* out)
{
	const char* s = *str;
	unsigned v;

	if(*s != '\\') {
		*out = (uint8_t)*s;
		*str = s + 1;
		return 0;
	}
	s++;
	if(*s == 0)
		return -1;
	if(*s < '0' || *s > '9') {
		*out = (uint8_t)*s;
		*str = s + 1;
		return 0;
	}
	if(s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return -1;
	v = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 +
		(unsigned)(s[2] - '0');
	if(v > 255)
		return -1;
	*out = (uint8_t)v;
	*str = s + 3;
	return 0;
}

/**
 * Convert presentation format to wire format.
 * @param str: the name; "." is the root, the trailing dot is optional.
 * @param buf: receives the wire form, TG_WIRE_MAX bytes of room.
 * @param len: receives its length.
 * @return: TG_OK or TG_ERR_NAME.
 */
static enum tg_err
tg_str2wire(const char* str, uint8_t* buf, size_t* len)
{
	size_t wl = 0, start, lablen;

	if(strcmp(str, ".") == 0) {
		buf[0] = 0;
		*len = 1;
		return TG_OK;
	}
	if(*str == 0)
		return TG_ERR_NAME;
	while(*str) {
		start = wl++;
		lablen = 0;
		while(*str && *str != '.') {
			/* room for this byte and for the root label after it */
			if(lablen == TG_LABEL_MAX || wl + 1 >= TG_WIRE_MAX)
				return TG_ERR_NAME;
			if(tg_parse_char(&str, &buf[wl]) != 0)
				return TG_ERR_NAME;
			wl++;
			lablen++;
		}
		if(lablen == 0)
			return TG_ERR_NAME;
		buf[start] = (uint8_t)lablen;
		if(*str == '.')
			str++;
	}
	buf[wl++] = 0;
	*len = wl;
	return TG_OK;
}

enum tg_err
tg_name_from_str(struct tg_name* name, const char* str, uint8_t* wire, size_t* wire_len)
{
	uint8_t buf[TG_WIRE_MAX];
	size_t len = 0;
	enum tg_err r;

	if((r = tg_str2wire(str, buf, &len)) != TG_OK)
		return r;
	if((r = tg_name_from_wire(name, buf, len)) != TG_OK)
		return r;
	if(wire)
		memcpy(wire, buf, len);
	if(wire_len)
		*wire_len = len;
	return TG_OK;
}

size_t
tg_present_bytes(char* out, const uint8_t* bytes, size_t len)
{
	static const char special[] = ".\";()\\@$ ";
	size_t i, o = 0;
	uint8_t c;

	for(i = 0; i < len; i++) {
		c = bytes[i];
		if(c <= 0x20 || c >= 0x7f) {
			if(c == ' ') {
				out[o++] = '\\';
				out[o++] = ' ';
				continue;
			}
			out[o++] = '\\';
			out[o++] = (char)('0' + c / 100);
			out[o++] = (char)('0' + (c / 10) % 10);
			out[o++] = (char)('0' + c % 10);
		} else if(strchr(special, c)) {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
	return o;
}

size_t
tg_name_present(char* out, const struct tg_name* name, size_t first)
{
	size_t i, o = 0, off, end;

	if(first >= name->labels) {
		out[0] = '.';
		out[1] = 0;
		return 1;
	}
	for(i = first; i < name->labels; i++) {
		off = name->label_off[i];
		end = (i + 1 < name->labels) ? (size_t)name->label_off[i + 1] - 1 : name->len;
		if(i > first)
			out[o++] = '.';
		o += tg_present_bytes(out + o, name->orig + off, end - off);
	}
	out[o] = 0;
	return o;
}
