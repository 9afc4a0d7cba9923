/* module/name.c - domain names in the forms typoguard compares and prints. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <string.h>
#include <ldns/ldns.h>
#include "name.h"

/** longest label, RFC 1035 */
#define TG_LABEL_MAX 63

/*
 * The query path (tg_name_from_wire() for every query name, tg_name_present() and
 * tg_present_bytes() for every event) is written here rather than with ldns: ldns works on
 * ldns_rdf objects it allocates (ldns_dname_new_frm_data, ldns_dname2canonical on a copy,
 * ldns_rdf2str), where these fill the caller's stack in one pass. ldns_rdf2str would also
 * print other escapes (a space as \032, no escape for '"', '@' or '$') and a trailing dot,
 * which the events and the report read as they are.
 */

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

enum tg_err
tg_name_from_str(struct tg_name* name, const char* str, uint8_t* wire, size_t* wire_len)
{
	ldns_rdf* d = NULL;
	ldns_status s;
	enum tg_err r;

	/* ldns reads the escapes and checks the lengths; the names come from settings, the
	 * command line and events' rules, never from the matcher's path */
	if((s = ldns_str2rdf_dname(&d, str)) != LDNS_STATUS_OK)
		return s == LDNS_STATUS_MEM_ERR ? TG_ERR_NOMEM : TG_ERR_NAME;
	if((r = tg_name_from_wire(name, ldns_rdf_data(d), ldns_rdf_size(d))) == TG_OK) {
		if(wire)
			memcpy(wire, ldns_rdf_data(d), ldns_rdf_size(d));
		if(wire_len)
			*wire_len = ldns_rdf_size(d);
	}
	ldns_rdf_deep_free(d);
	return r;
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
