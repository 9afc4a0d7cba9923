/* module/unbound_zone.h - read a policy zone out of Unbound's auth-zone (glue only). */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_UNBOUND_ZONE_H
#define TG_UNBOUND_ZONE_H

#include <stdint.h>
#include "error.h"

/**
 * The SOA serial of an auth zone, as struct tg_live_zone_ops wants it. Takes and releases
 * Unbound's locks (auth_zones, then the zone, both for reading).
 * @param arg: the module environment (struct module_env*) whose auth_zones are read.
 * @param zone: the zone's name, presentation format.
 * @param serial: receives the serial.
 * @param expired: receives 1 if the zone is expired.
 * @return: 1 if Unbound has data for the zone, else 0.
 */
int tg_ub_zone_serial(void* arg, const char* zone, uint32_t* serial, int* expired);

/**
 * The records of an auth zone as master-file text, one record a line. The records are copied
 * out under the zone's read lock, which is released before the text is written.
 * @param arg: the module environment.
 * @param zone: the zone's name.
 * @param text: receives the text, malloc'ed; the caller frees it.
 * @param serial: receives the SOA serial of the copy.
 * @param err: receives the reason on failure.
 * @return: TG_OK, TG_ERR_IO (no such zone, no data, expired) or TG_ERR_NOMEM.
 */
enum tg_err tg_ub_zone_text(void* arg, const char* zone, char** text, uint32_t* serial,
	struct tg_error* err);

struct tg_policy;

/**
 * Expire the answers in Unbound's message cache whose question the policy flags, so that
 * their next lookup reaches the module (as unbound-control flush_zone expires a zone's).
 * Other answers stay. Takes the cache's locks a slab and an entry at a time.
 * @param arg: the module environment.
 * @param p: the policy now in force.
 */
void tg_ub_expire_flagged(void* arg, const struct tg_policy* p);

#endif /* TG_UNBOUND_ZONE_H */
