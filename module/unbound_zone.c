/* module/unbound_zone.c - read a policy zone out of Unbound's auth-zone, under Unbound's locks. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * Glue, like unbound.c: it includes Unbound's headers. Unbound transfers the zone (AXFR, IXFR,
 * NOTIFY) and applies each transfer on a worker thread holding the zone's lock for writing;
 * it tells no module. typoguard's policy thread follows the SOA serial instead. Locks are
 * taken in Unbound's own order (auth_zones, then the zone; the first released once the zone
 * is locked, as auth_zones_lookup() does) and only for reading; the records are copied out
 * as bytes and the locks released at once, so a transfer waits at most for a memcpy of the
 * zone. Writing the copy as text, and building the policy from it, happen after.
 */

#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "services/authzone.h"
#include "sldns/rrdef.h"
#include "sldns/sbuffer.h"
#include "sldns/str2wire.h"
#include "sldns/wire2str.h"
#include "util/data/msgreply.h"
#include "util/data/packed_rrset.h"
#include "util/locks.h"
#include "util/log.h"
#include "util/module.h"
#include "util/rbtree.h"
#include "util/storage/slabhash.h"

#include "live.h"
#include "name.h"
#include "policy.h"
#include "unbound_zone.h"

/** room for one record in text: owner, ttl, class, type and the largest rdata */
#define TG_ZONE_LINE_MAX (TG_PRESENT_MAX + 64 + 65536 * 4)

/** One record as copied out: these fields, then the owner's and the rdata's bytes. */
struct tg_zrec {
	/** bytes of the owner name, wire format */
	uint16_t owner_len;
	/** the type */
	uint16_t type;
	/** bytes of the rdata, without its length prefix */
	uint16_t rdata_len;
	/** the ttl */
	uint32_t ttl;
};

/**
 * Find a zone and lock it for reading, in Unbound's order.
 * @param env: the module environment.
 * @param zone: the zone's name, presentation format.
 * @return: the zone, read-locked; NULL if Unbound has no such zone.
 */
static struct auth_zone*
tg_zone_lock(struct module_env* env, const char* zone)
{
	uint8_t nm[LDNS_MAX_DOMAINLEN + 1];
	size_t nmlen = sizeof(nm);
	struct auth_zones* az = env->auth_zones;
	struct auth_zone* z;
	if(!az || sldns_str2wire_dname_buf(zone, nm, &nmlen) != 0)
		return NULL;
	lock_rw_rdlock(&az->lock);
	z = auth_zone_find(az, nm, nmlen, LDNS_RR_CLASS_IN);
	if(z)
		lock_rw_rdlock(&z->lock);
	lock_rw_unlock(&az->lock);
	return z;
}

int
tg_ub_zone_serial(void* arg, const char* zone, uint32_t* serial, int* expired)
{
	struct auth_zone* z = tg_zone_lock((struct module_env*)arg, zone);
	int have;
	*expired = 0;
	if(!z)
		return 0;
	have = auth_zone_get_serial(z, serial);
	*expired = z->zone_expired;
	lock_rw_unlock(&z->lock);
	return have;
}

/**
 * Bytes a copy of the zone's records takes.
 * @param z: the zone, locked.
 * @return: the bytes.
 */
static size_t
tg_zone_size(struct auth_zone* z)
{
	struct auth_data* n;
	struct auth_rrset* rs;
	size_t i, total = 0;
	RBTREE_FOR(n, struct auth_data*, &z->data) {
		for(rs = n->rrsets; rs; rs = rs->next) {
			size_t c = rs->data->count + rs->data->rrsig_count;
			for(i = 0; i < c; i++)
				total += sizeof(struct tg_zrec) + n->namelen + rs->data->rr_len[i];
		}
	}
	return total;
}

/**
 * Copy the zone's records out.
 * @param z: the zone, locked.
 * @param buf: room for tg_zone_size() bytes.
 * @return: the bytes written.
 */
static size_t
tg_zone_copy(struct auth_zone* z, uint8_t* buf)
{
	struct auth_data* n;
	struct auth_rrset* rs;
	size_t i, off = 0;
	RBTREE_FOR(n, struct auth_data*, &z->data) {
		for(rs = n->rrsets; rs; rs = rs->next) {
			struct packed_rrset_data* d = rs->data;
			for(i = 0; i < d->count + d->rrsig_count; i++) {
				struct tg_zrec rec;
				if(d->rr_len[i] < 2)
					continue;
				rec.owner_len = (uint16_t)n->namelen;
				rec.type = i < d->count ? rs->type : LDNS_RR_TYPE_RRSIG;
				rec.rdata_len = (uint16_t)(d->rr_len[i] - 2);
				rec.ttl = (uint32_t)d->rr_ttl[i];
				memcpy(buf + off, &rec, sizeof(rec));
				off += sizeof(rec);
				memcpy(buf + off, n->name, n->namelen);
				off += n->namelen;
				memcpy(buf + off, d->rr_data[i] + 2, rec.rdata_len);
				off += rec.rdata_len;
			}
		}
	}
	return off;
}

/**
 * Write one record as a line of master-file text.
 * @param rec: the record.
 * @param owner: its owner, wire format.
 * @param rdata: its rdata.
 * @param out: where the line goes.
 * @param line: room for a line, TG_ZONE_LINE_MAX bytes.
 * @return: 1, or 0 if out of memory or the record cannot be written.
 */
static int
tg_zone_line(const struct tg_zrec* rec, uint8_t* owner, uint8_t* rdata, FILE* out, char* line)
{
	char tbuf[32];
	int n;
	n = sldns_wire2str_dname_buf(owner, rec->owner_len, line, TG_ZONE_LINE_MAX);
	if(n <= 0 || n >= TG_ZONE_LINE_MAX)
		return 0;
	sldns_wire2str_type_buf(rec->type, tbuf, sizeof(tbuf));
	if(fprintf(out, "%s\t%u\tIN\t%s\t", line, (unsigned)rec->ttl, tbuf) < 0)
		return 0;
	n = sldns_wire2str_rdata_buf(rdata, rec->rdata_len, line, TG_ZONE_LINE_MAX, rec->type);
	if(n < 0 || n >= TG_ZONE_LINE_MAX)
		return 0;
	return fprintf(out, "%s\n", line) >= 0;
}

/**
 * Write the copied records as master-file text, one record a line.
 * @param buf: the copy.
 * @param len: its bytes.
 * @param text: receives the text, malloc'ed.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_zone_write(uint8_t* buf, size_t len, char** text)
{
	size_t off = 0, size = 0;
	char* line;
	FILE* out;
	int ok = 1;
	*text = NULL;
	if(!(line = malloc(TG_ZONE_LINE_MAX)))
		return 0;
	if(!(out = open_memstream(text, &size))) {
		free(line);
		return 0;
	}
	while(ok && off + sizeof(struct tg_zrec) <= len) {
		struct tg_zrec rec;
		memcpy(&rec, buf + off, sizeof(rec));
		off += sizeof(rec);
		ok = tg_zone_line(&rec, buf + off, buf + off + rec.owner_len, out, line);
		off += rec.owner_len + rec.rdata_len;
	}
	if(fclose(out) != 0)
		ok = 0;
	free(line);
	if(!ok) {
		free(*text);
		*text = NULL;
	}
	return ok;
}

enum tg_err
tg_ub_zone_text(void* arg, const char* zone, char** text, uint32_t* serial,
	struct tg_error* err)
{
	struct auth_zone* z = tg_zone_lock((struct module_env*)arg, zone);
	uint8_t* buf = NULL;
	size_t len = 0;
	int have, expired;
	*text = NULL;
	if(!z)
		return tg_error_set(err, TG_ERR_IO, NULL, 0, "zone %s: no auth-zone: of that "
			"name in unbound.conf", zone);
	have = auth_zone_get_serial(z, serial);
	expired = z->zone_expired;
	if(have && !expired && (buf = malloc(tg_zone_size(z) + 1)) != NULL)
		len = tg_zone_copy(z, buf);
	lock_rw_unlock(&z->lock);
	/* from here on, Unbound may apply transfers again */
	if(!have || expired)
		return tg_error_set(err, TG_ERR_IO, NULL, 0, "zone %s: %s", zone,
			!have ? "Unbound holds no data for it" : "expired");
	if(!buf || !tg_zone_write(buf, len, text)) {
		free(buf);
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "zone %s: out of memory", zone);
	}
	free(buf);
	return TG_OK;
}

/** What expiring the flagged answers of the message cache needs. */
struct tg_expire {
	/** the policy now in force */
	const struct tg_policy* p;
	/** the time to set their expiry to: in the past */
	time_t expired;
	/** answers expired */
	size_t count;
};

/**
 * Expire one message-cache entry if the policy flags its question. Called by
 * slabhash_traverse() with the entry locked for writing.
 * @param e: the entry.
 * @param arg: the struct tg_expire.
 */
static void
tg_expire_msg(struct lruhash_entry* e, void* arg)
{
	struct tg_expire* x = (struct tg_expire*)arg;
	struct msgreply_entry* k = (struct msgreply_entry*)e->key;
	struct reply_info* d = (struct reply_info*)e->data;
	struct tg_name name;
	struct tg_match m;
	if(k->key.qclass != LDNS_RR_CLASS_IN || d->ttl <= x->expired ||
		tg_name_from_wire(&name, k->key.qname, k->key.qname_len) != TG_OK ||
		tg_matcher_match(x->p->matcher, &name, &m) != TG_VERDICT_TYPO ||
		!tg_qtypes_has(&x->p->rules[m.id].qtypes, k->key.qtype))
		return;
	/* as unbound-control flush_zone does */
	d->ttl = x->expired;
	d->prefetch_ttl = x->expired;
	d->serve_expired_ttl = x->expired;
	x->count++;
}

void
tg_ub_expire_flagged(void* arg, const struct tg_policy* p)
{
	struct module_env* env = (struct module_env*)arg;
	struct tg_expire x;
	if(!env->msg_cache)
		return;
	x.p = p;
	x.expired = time(NULL) - 3;
	x.count = 0;
	slabhash_traverse(env->msg_cache, 1, &tg_expire_msg, &x);
	if(x.count)
		verbose(VERB_OPS, "typoguard: %zu cached answers expired: the new policy flags "
			"their questions", x.count);
}
