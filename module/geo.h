/* module/geo.h - where an address is: country, city, site and network, from MaxMind databases. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_GEO_H
#define TG_GEO_H

#include <stdint.h>
#include <time.h>
#include "error.h"

struct json_object;

/** the databases typoguard reads; each is optional */
enum tg_geo_db {
	/** GeoIP2/GeoLite2 City or Country layout: country, city, location */
	TG_GEO_CITY = 0,
	/** GeoLite2 ASN layout: autonomous_system_number, autonomous_system_organization */
	TG_GEO_ASN,
	/** a site database: a map with "site": {"name": "Building 4, Fort X"} */
	TG_GEO_SITE,
	/** number of databases */
	TG_GEO_DBS
};

/** seconds between two checks whether a database file was replaced, unless configured */
#define TG_GEO_CHECK_DEFAULT 10
/** longest check interval: a replaced database is in use within a minute */
#define TG_GEO_CHECK_MAX 60

/**
 * The open databases. Not thread-safe: one thread at a time uses them (in the module, the
 * event writer's thread, which alone looks up, checks and replaces them), so a map is never
 * unmapped while a lookup reads it.
 */
struct tg_geo;

/**
 * Open the databases (libmaxminddb, MMDB_MODE_MMAP). Each is opened, its metadata decoded and
 * one record read as a probe; a database that fails any of this is refused.
 * @param paths: TG_GEO_DBS paths, indexed by enum tg_geo_db; NULL for a database not used.
 * @param check_interval: seconds between checks for replaced files, 1 to TG_GEO_CHECK_MAX;
 *	0 for TG_GEO_CHECK_DEFAULT.
 * @param log: where replacements, refused replacements and lookup errors are reported; may
 *	be NULL. Used by tg_geo_refresh() and the lookups, not here.
 * @param out: receives the databases; NULL (and TG_OK) when every path is NULL.
 * @param err: receives "geoip-city-db /path: reason", the reason being libmaxminddb's
 *	(MMDB_strerror, with the system's reason for I/O errors).
 * @return: TG_OK; TG_ERR_IO for a missing, unreadable, malformed or corrupt database;
 *	TG_ERR_INVALID for a bad interval; TG_ERR_NOMEM.
 */
enum tg_err tg_geo_open(const char* const* paths, int check_interval, tg_log_func* log,
	struct tg_geo** out, struct tg_error* err);

/**
 * Look an address up and add what the databases know to an object, in Elastic Common Schema
 * names: "geo": {country_iso_code, country_name (English), city_name (English), location:
 * {lat, lon}, name (the site)} and "as": {number, organization: {name}}. A value the databases
 * do not have is left out, never written empty; so is an object left empty. A lookup error
 * (a corrupt search tree or record) leaves that database's values out and is reported once per
 * loaded file.
 * @param g: the databases, or NULL (nothing is added).
 * @param ip: the address, IPv4 or IPv6 text; an IPv4-mapped IPv6 address is looked up as IPv4.
 * @param parent: the object that receives "geo" and "as".
 * @return: TG_OK; TG_ERR_INVALID if ip is not an address; TG_ERR_NOMEM.
 */
enum tg_err tg_geo_add(struct tg_geo* g, const char* ip, struct json_object* parent);

/**
 * Check, once the interval has passed since the last check (or now, with force), whether a
 * database file was replaced: its device, inode, size or modification time changed. A
 * replacement is opened and probed first; only when it is good is the old one closed. A bad
 * replacement, or a file gone, keeps the old one and is reported once per change of the file.
 * @param g: the databases, or NULL.
 * @param force: check now, whatever the interval.
 */
void tg_geo_refresh(struct tg_geo* g, int force);

/**
 * When the next check is due.
 * @param g: the databases.
 * @param when: receives the time, on the CLOCK_MONOTONIC clock.
 */
void tg_geo_next_check(const struct tg_geo* g, struct timespec* when);

/**
 * Addresses looked up since open (each once, in all the databases).
 * @param g: the databases, or NULL (0).
 * @return: the count.
 */
uint64_t tg_geo_lookups(const struct tg_geo* g);

/**
 * Memory of the databases: their state and the files they map. Safe from any thread.
 * @param g: the databases, or NULL.
 * @return: bytes.
 */
size_t tg_geo_memory(struct tg_geo* g);

/**
 * The setting that names a database, for messages: "geoip-city-db", "geoip-asn-db", "site-db".
 * @param db: the database.
 * @return: a static string.
 */
const char* tg_geo_key(enum tg_geo_db db);

/**
 * Close the databases and free them.
 * @param g: the databases, or NULL.
 */
void tg_geo_close(struct tg_geo* g);

#endif /* TG_GEO_H */
