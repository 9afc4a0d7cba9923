/* module/geo.c - where an address is: country, city, site and network, from MaxMind databases. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <maxminddb.h>
#include "geo.h"

/** room for a description of a database: its type and build date */
#define TG_GEO_DESC_MAX 160
/** room for a double in the shortest text that reads back the same */
#define TG_DOUBLE_MAX 32
/** the address looked up when a database is opened, to read a record as a probe (the one
 * libmaxminddb's own tests of bad databases use) */
#define TG_GEO_PROBE_ADDR "1.1.1.1"

/** what identifies a file on disk: a replacement (rename over it, or a rewrite) changes it */
struct tg_file_id {
	/** errno of the stat() that failed, or 0 */
	int err;
	/** device and inode */
	dev_t dev;
	/** inode */
	ino_t ino;
	/** size in bytes */
	off_t size;
	/** modification time */
	struct timespec mtime;
};

/** one database */
struct tg_geo_file {
	/** its path, owned; NULL when the database is not used */
	char* path;
	/** the open database, or NULL */
	MMDB_s* db;
	/** the file db was opened from */
	struct tg_file_id loaded;
	/** the file last refused as a replacement, if has_refused: not tried or reported again */
	struct tg_file_id refused;
	/** whether refused is set */
	int has_refused;
	/** whether a lookup error was reported for the file loaded */
	int lookup_failed;
};

struct tg_geo {
	/** the databases, indexed by enum tg_geo_db */
	struct tg_geo_file file[TG_GEO_DBS];
	/** seconds between two checks for replaced files */
	int interval;
	/** when the next check is due (CLOCK_MONOTONIC) */
	struct timespec next;
	/** where diagnostics go, or NULL */
	tg_log_func* log;
	/** addresses looked up */
	uint64_t lookups;
	/** bytes of the open databases' maps; read by other threads (tg_geo_memory) */
	_Atomic size_t mapped;
};

/**
 * Count the bytes the open databases map, for tg_geo_memory(); after each open or replacement,
 * by the thread that owns the databases.
 * @param g: the databases.
 */
static void
tg_geo_account(struct tg_geo* g)
{
	size_t i, n = 0;
	for(i = 0; i < TG_GEO_DBS; i++)
		if(g->file[i].db)
			n += sizeof(MMDB_s) + (size_t)g->file[i].db->file_size;
	atomic_store_explicit(&g->mapped, n, memory_order_relaxed);
}

const char*
tg_geo_key(enum tg_geo_db db)
{
	switch(db) {
	case TG_GEO_CITY: return "geoip-city-db";
	case TG_GEO_ASN: return "geoip-asn-db";
	case TG_GEO_SITE: return "site-db";
	default: break;
	}
	return "database";
}

/**
 * Identify the file at a path.
 * @param path: the path.
 * @param id: receives its identity, or the errno of the failure.
 * @param st: receives the stat() result.
 * @return: 1 if the file exists, 0 if stat() failed.
 */
static int
tg_file_id_of(const char* path, struct tg_file_id* id, struct stat* st)
{
	memset(id, 0, sizeof(*id));
	if(stat(path, st) != 0) {
		id->err = errno ? errno : EIO;
		return 0;
	}
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	return 1;
}

/** whether two identities are the same file, unchanged */
static int
tg_file_id_same(const struct tg_file_id* a, const struct tg_file_id* b)
{
	return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
		a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
		a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/**
 * Say why libmaxminddb refused a file.
 * @param why: receives the reason.
 * @param size: room in why.
 * @param status: libmaxminddb's status.
 * @param e: errno after the call, for I/O errors; 0 if none.
 */
static void
tg_mmdb_why(char* why, size_t size, int status, int e)
{
	char buf[TG_ERRSTR_MAX];
	if((status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) && e)
		snprintf(why, size, "%s (%s)", MMDB_strerror(status),
			tg_errno_str(e, buf, sizeof(buf)));
	else
		snprintf(why, size, "%s", MMDB_strerror(status));
}

/**
 * Read a database as far as a lookup would: decode all of its metadata, look one address up
 * and decode the whole record found. libmaxminddb checks the search tree and the data section
 * only as it walks them, so a corrupt file may open and fail only here.
 * @param db: the database.
 * @return: MMDB_SUCCESS or libmaxminddb's error.
 */
static int
tg_geo_probe(MMDB_s* db)
{
	MMDB_entry_data_list_s* list = NULL;
	MMDB_lookup_result_s res;
	struct sockaddr_in probe;
	int r, mmerr;
	r = MMDB_get_metadata_as_entry_data_list(db, &list);
	MMDB_free_entry_data_list(list);
	if(r != MMDB_SUCCESS)
		return r;
	memset(&probe, 0, sizeof(probe));
	probe.sin_family = AF_INET;
	if(inet_pton(AF_INET, TG_GEO_PROBE_ADDR, &probe.sin_addr) != 1)
		return MMDB_SUCCESS;
	res = MMDB_lookup_sockaddr(db, (struct sockaddr*)&probe, &mmerr);
	if(mmerr != MMDB_SUCCESS || !res.found_entry)
		return mmerr;
	list = NULL;
	r = MMDB_get_entry_data_list(&res.entry, &list);
	MMDB_free_entry_data_list(list);
	return r;
}

/**
 * Open a database file and probe it.
 * @param path: the file.
 * @param out: receives the database, malloc'ed; NULL on failure.
 * @param id: receives the identity of the file, taken before it is opened: if it is replaced
 *	meanwhile, the next check sees a change and opens it again.
 * @param why: receives the reason on failure.
 * @param size: room in why.
 * @return: 1 on success, 0 on failure.
 */
static int
tg_geo_load(const char* path, MMDB_s** out, struct tg_file_id* id, char* why, size_t size)
{
	char buf[TG_ERRSTR_MAX];
	struct stat st;
	MMDB_s* db;
	int r;
	*out = NULL;
	if(!tg_file_id_of(path, id, &st)) {
		snprintf(why, size, "%s (%s)", MMDB_strerror(MMDB_FILE_OPEN_ERROR),
			tg_errno_str(id->err, buf, sizeof(buf)));
		return 0;
	}
	if(!S_ISREG(st.st_mode)) {
		snprintf(why, size, "%s (not a regular file)",
			MMDB_strerror(MMDB_FILE_OPEN_ERROR));
		return 0;
	}
	if(!(db = calloc(1, sizeof(*db)))) {
		snprintf(why, size, "%s", MMDB_strerror(MMDB_OUT_OF_MEMORY_ERROR));
		return 0;
	}
	errno = 0;
	if((r = MMDB_open(path, MMDB_MODE_MMAP, db)) != MMDB_SUCCESS) {
		tg_mmdb_why(why, size, r, errno);
		free(db);
		return 0;
	}
	if((r = tg_geo_probe(db)) != MMDB_SUCCESS) {
		tg_mmdb_why(why, size, r, 0);
		MMDB_close(db);
		free(db);
		return 0;
	}
	*out = db;
	return 1;
}

/**
 * Describe a database for the log: its type and the day it was built.
 * @param db: the database.
 * @param buf: receives the text.
 * @param size: room in buf.
 * @return: buf.
 */
static const char*
tg_geo_describe(const MMDB_s* db, char* buf, size_t size)
{
	time_t built = (time_t)db->metadata.build_epoch;
	char day[16] = "?";
	struct tm tm;
	if(gmtime_r(&built, &tm))
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(buf, size, "%s, built %s",
		db->metadata.database_type ? db->metadata.database_type : "(no type)", day);
	return buf;
}

/** close one database and forget its path */
static void
tg_geo_file_clear(struct tg_geo_file* f)
{
	if(f->db) {
		MMDB_close(f->db);
		free(f->db);
	}
	free(f->path);
	memset(f, 0, sizeof(*f));
}

/** set the next check due interval seconds from now */
static void
tg_geo_schedule(struct tg_geo* g)
{
	clock_gettime(CLOCK_MONOTONIC, &g->next);
	g->next.tv_sec += g->interval;
}

/**
 * Open one of the databases.
 * @param g: the databases.
 * @param which: which one.
 * @param path: its file.
 * @param err: receives "key path: reason" on failure.
 * @return: TG_OK, TG_ERR_IO or TG_ERR_NOMEM.
 */
static enum tg_err
tg_geo_open_one(struct tg_geo* g, enum tg_geo_db which, const char* path,
	struct tg_error* err)
{
	struct tg_geo_file* f = &g->file[which];
	char why[TG_ERRMSG_MAX], desc[TG_GEO_DESC_MAX];
	if(!(f->path = strdup(path)))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "%s %s: out of memory",
			tg_geo_key(which), path);
	if(!tg_geo_load(path, &f->db, &f->loaded, why, sizeof(why)))
		return tg_error_set(err, TG_ERR_IO, NULL, 0, "%s %s: %s", tg_geo_key(which),
			path, why);
	tg_logf(g->log, 2, "%s %s: %s", tg_geo_key(which), path,
		tg_geo_describe(f->db, desc, sizeof(desc)));
	return TG_OK;
}

enum tg_err
tg_geo_open(const char* const* paths, int check_interval, tg_log_func* log,
	struct tg_geo** out, struct tg_error* err)
{
	struct tg_geo* g;
	enum tg_err r = TG_OK;
	int i, any = 0;
	*out = NULL;
	for(i = 0; i < TG_GEO_DBS; i++)
		any |= paths[i] != NULL;
	if(!any)
		return TG_OK;
	if(check_interval < 0 || check_interval > TG_GEO_CHECK_MAX)
		return tg_error_set(err, TG_ERR_INVALID, NULL, 0, "check interval %d is not "
			"1 to %d seconds", check_interval, TG_GEO_CHECK_MAX);
	if(!(g = calloc(1, sizeof(*g))))
		return tg_error_set(err, TG_ERR_NOMEM, NULL, 0, "out of memory");
	g->log = log;
	g->interval = check_interval ? check_interval : TG_GEO_CHECK_DEFAULT;
	for(i = 0; i < TG_GEO_DBS && r == TG_OK; i++)
		if(paths[i])
			r = tg_geo_open_one(g, (enum tg_geo_db)i, paths[i], err);
	if(r != TG_OK) {
		g->log = NULL;
		tg_geo_close(g);
		return r;
	}
	tg_geo_schedule(g);
	tg_geo_account(g);
	*out = g;
	return TG_OK;
}

/**
 * Check one database file and load it again if it was replaced.
 * @param g: the databases.
 * @param which: which one.
 */
static void
tg_geo_check(struct tg_geo* g, enum tg_geo_db which)
{
	struct tg_geo_file* f = &g->file[which];
	char why[TG_ERRMSG_MAX], desc[TG_GEO_DESC_MAX];
	struct tg_file_id now;
	struct stat st;
	MMDB_s* db;
	tg_file_id_of(f->path, &now, &st);
	if(tg_file_id_same(&now, &f->loaded) ||
		(f->has_refused && tg_file_id_same(&now, &f->refused)))
		return;
	if(!tg_geo_load(f->path, &db, &now, why, sizeof(why))) {
		f->refused = now;
		f->has_refused = 1;
		tg_logf(g->log, 0, "%s %s: the new file is refused: %s; still using the "
			"database loaded before", tg_geo_key(which), f->path, why);
		return;
	}
	/* nothing else reads the old map: this thread alone looks up */
	MMDB_close(f->db);
	free(f->db);
	f->db = db;
	tg_geo_account(g);
	f->loaded = now;
	f->has_refused = 0;
	f->lookup_failed = 0;
	tg_logf(g->log, 2, "%s %s: replaced, now %s", tg_geo_key(which), f->path,
		tg_geo_describe(db, desc, sizeof(desc)));
}

void
tg_geo_refresh(struct tg_geo* g, int force)
{
	struct timespec now;
	int i;
	if(!g)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if(!force && (now.tv_sec < g->next.tv_sec || (now.tv_sec == g->next.tv_sec &&
		now.tv_nsec < g->next.tv_nsec)))
		return;
	for(i = 0; i < TG_GEO_DBS; i++)
		if(g->file[i].path)
			tg_geo_check(g, (enum tg_geo_db)i);
	tg_geo_schedule(g);
}

void
tg_geo_next_check(const struct tg_geo* g, struct timespec* when)
{
	*when = g->next;
}

size_t
tg_geo_memory(struct tg_geo* g)
{
	return g ? sizeof(*g) + atomic_load_explicit(&g->mapped, memory_order_relaxed) : 0;
}

uint64_t
tg_geo_lookups(const struct tg_geo* g)
{
	return g ? g->lookups : 0;
}

/**
 * Report a lookup error, once per loaded file.
 * @param g: the databases.
 * @param which: the database that failed.
 * @param ip: the address looked up.
 * @param status: libmaxminddb's error.
 */
static void
tg_geo_failed(struct tg_geo* g, enum tg_geo_db which, const char* ip, int status)
{
	struct tg_geo_file* f = &g->file[which];
	if(f->lookup_failed)
		return;
	f->lookup_failed = 1;
	tg_logf(g->log, 0, "%s %s: lookup of %s failed: %s; the file may be corrupt (not "
		"reported again until it is replaced)", tg_geo_key(which), f->path, ip,
		MMDB_strerror(status));
}

/** a record and where it came from, for the value readers */
struct tg_geo_rec {
	/** the databases */
	struct tg_geo* g;
	/** which database the record is in */
	enum tg_geo_db which;
	/** the address, for messages */
	const char* ip;
	/** the record */
	MMDB_entry_s entry;
};

/**
 * Find an address's record in one database.
 * @param g: the databases.
 * @param which: the database.
 * @param sa: the address.
 * @param ip: the address in text, for messages.
 * @param rec: receives the record.
 * @return: 1 if the database has one, 0 if not (or the lookup failed: reported).
 */
static int
tg_geo_find(struct tg_geo* g, enum tg_geo_db which, const struct sockaddr* sa,
	const char* ip, struct tg_geo_rec* rec)
{
	MMDB_lookup_result_s res;
	int mmerr;
	if(!g->file[which].db)
		return 0;
	res = MMDB_lookup_sockaddr(g->file[which].db, sa, &mmerr);
	if(mmerr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if(mmerr != MMDB_SUCCESS) {
		tg_geo_failed(g, which, ip, mmerr);
		return 0;
	}
	if(!res.found_entry)
		return 0;
	rec->g = g;
	rec->which = which;
	rec->ip = ip;
	rec->entry = res.entry;
	return 1;
}

/**
 * Read the value at a path of a record.
 * @param rec: the record.
 * @param path: member names, NULL-terminated.
 * @param d: receives the value.
 * @return: 1 if the record has a value there, 0 if not (or it is corrupt: reported).
 */
static int
tg_geo_value(struct tg_geo_rec* rec, const char* const* path, MMDB_entry_data_s* d)
{
	int r = MMDB_aget_value(&rec->entry, d, path);
	if(r == MMDB_SUCCESS)
		return d->has_data;
	if(r != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR &&
		r != MMDB_INVALID_LOOKUP_PATH_ERROR)
		tg_geo_failed(rec->g, rec->which, rec->ip, r);
	return 0;
}

/**
 * Add a member to an object, replacing one of the same name. The key must be a constant.
 * @param o: the object.
 * @param key: the member's name, a literal.
 * @param v: the value, or NULL (out of memory); released if it cannot be added.
 * @return: 1 on success, 0 if out of memory.
 */
static int
tg_gadd(struct json_object* o, const char* key, struct json_object* v)
{
	if(!v)
		return 0;
	if(json_object_object_add_ex(o, key, v, JSON_C_OBJECT_KEY_IS_CONSTANT) != 0) {
		json_object_put(v);
		return 0;
	}
	return 1;
}

/**
 * Add a string value of a record, unless it is missing, empty or not a string.
 * @param rec: the record.
 * @param path: where the value is in the record.
 * @param o: the object to add it to.
 * @param key: the member's name, a literal.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_geo_str(struct tg_geo_rec* rec, const char* const* path, struct json_object* o,
	const char* key)
{
	MMDB_entry_data_s d;
	if(!tg_geo_value(rec, path, &d) || d.type != MMDB_DATA_TYPE_UTF8_STRING ||
		d.data_size == 0)
		return 1;
	return tg_gadd(o, key, json_object_new_string_len(d.utf8_string, (int)d.data_size));
}

/**
 * Read a number of a record, stored as double or float.
 * @param rec: the record.
 * @param path: where the value is in the record.
 * @param v: receives the number.
 * @return: 1 if the record has a finite number there.
 */
static int
tg_geo_double(struct tg_geo_rec* rec, const char* const* path, double* v)
{
	MMDB_entry_data_s d;
	if(!tg_geo_value(rec, path, &d))
		return 0;
	if(d.type == MMDB_DATA_TYPE_DOUBLE)
		*v = d.double_value;
	else if(d.type == MMDB_DATA_TYPE_FLOAT)
		*v = (double)d.float_value;
	else
		return 0;
	return isfinite(*v);
}

/**
 * A JSON number written in the shortest text that reads back as the same double: 52.3824,
 * not 52.382399999999997.
 * @param v: the number, finite.
 * @return: the JSON value, or NULL if out of memory.
 */
static struct json_object*
tg_json_double(double v)
{
	char buf[TG_DOUBLE_MAX];
	int p;
	for(p = 15; p < 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, v);
		if(strtod(buf, NULL) == v)
			break;
	}
	if(p == 17)
		snprintf(buf, sizeof(buf), "%.17g", v);
	return json_object_new_double_s(v, buf);
}

/** add "location": {lat, lon} when the record has both, in range; 0 if out of memory */
static int
tg_geo_location(struct tg_geo_rec* rec, struct json_object* geo)
{
	static const char* const lat_path[] = { "location", "latitude", NULL };
	static const char* const lon_path[] = { "location", "longitude", NULL };
	struct json_object* loc;
	double lat, lon;
	if(!tg_geo_double(rec, lat_path, &lat) || !tg_geo_double(rec, lon_path, &lon) ||
		lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return 1;
	if(!tg_gadd(geo, "location", (loc = json_object_new_object())))
		return 0;
	return tg_gadd(loc, "lat", tg_json_double(lat)) &&
		tg_gadd(loc, "lon", tg_json_double(lon));
}

/** add country_iso_code, country_name, city_name and location from the city database */
static int
tg_geo_city(struct tg_geo* g, const struct sockaddr* sa, const char* ip,
	struct json_object* geo)
{
	static const char* const iso[] = { "country", "iso_code", NULL };
	static const char* const country[] = { "country", "names", "en", NULL };
	static const char* const city[] = { "city", "names", "en", NULL };
	struct tg_geo_rec rec;
	if(!tg_geo_find(g, TG_GEO_CITY, sa, ip, &rec))
		return 1;
	return tg_geo_str(&rec, iso, geo, "country_iso_code") &&
		tg_geo_str(&rec, country, geo, "country_name") &&
		tg_geo_str(&rec, city, geo, "city_name") &&
		tg_geo_location(&rec, geo);
}

/** add name (the site) from the site database */
static int
tg_geo_site(struct tg_geo* g, const struct sockaddr* sa, const char* ip,
	struct json_object* geo)
{
	static const char* const name[] = { "site", "name", NULL };
	struct tg_geo_rec rec;
	if(!tg_geo_find(g, TG_GEO_SITE, sa, ip, &rec))
		return 1;
	return tg_geo_str(&rec, name, geo, "name");
}

/** add number and organization.name from the ASN database */
static int
tg_geo_asn(struct tg_geo* g, const struct sockaddr* sa, const char* ip,
	struct json_object* as)
{
	static const char* const number[] = { "autonomous_system_number", NULL };
	static const char* const org[] = { "autonomous_system_organization", NULL };
	struct json_object* o;
	struct tg_geo_rec rec;
	MMDB_entry_data_s d;
	if(!tg_geo_find(g, TG_GEO_ASN, sa, ip, &rec))
		return 1;
	if(tg_geo_value(&rec, number, &d)) {
		int64_t n = d.type == MMDB_DATA_TYPE_UINT32 ? (int64_t)d.uint32 :
			d.type == MMDB_DATA_TYPE_UINT16 ? (int64_t)d.uint16 :
			d.type == MMDB_DATA_TYPE_UINT64 && d.uint64 <= UINT32_MAX ?
			(int64_t)d.uint64 : d.type == MMDB_DATA_TYPE_INT32 ? d.int32 : 0;
		if(n > 0 && !tg_gadd(as, "number", json_object_new_int64(n)))
			return 0;
	}
	if(!(o = json_object_new_object()) || !tg_geo_str(&rec, org, o, "name")) {
		json_object_put(o);
		return 0;
	}
	if(json_object_object_length(o) == 0) {
		json_object_put(o);
		return 1;
	}
	return tg_gadd(as, "organization", o);
}

/**
 * Parse an address; an IPv4-mapped IPv6 address becomes IPv4.
 * @param ip: the text.
 * @param ss: receives the address.
 * @return: 1 if it is an address.
 */
static int
tg_geo_sockaddr(const char* ip, struct sockaddr_storage* ss)
{
	struct sockaddr_in* s4 = (struct sockaddr_in*)ss;
	struct sockaddr_in6* s6 = (struct sockaddr_in6*)ss;
	struct in6_addr a6;
	memset(ss, 0, sizeof(*ss));
	if(inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return 1;
	}
	if(inet_pton(AF_INET6, ip, &a6) != 1)
		return 0;
	if(IN6_IS_ADDR_V4MAPPED(&a6)) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, &a6.s6_addr[12], 4);
		return 1;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = a6;
	return 1;
}

/**
 * Add an object to a parent if it has members, and pass it on; an empty one stays with the
 * caller to release.
 * @param parent: the parent object.
 * @param key: the member's name, a literal.
 * @param o: the object; set to NULL when the parent took it.
 * @return: 1, or 0 if out of memory.
 */
static int
tg_geo_attach(struct json_object* parent, const char* key, struct json_object** o)
{
	struct json_object* v = *o;
	if(json_object_object_length(v) == 0)
		return 1;
	*o = NULL;
	return tg_gadd(parent, key, v);
}

enum tg_err
tg_geo_add(struct tg_geo* g, const char* ip, struct json_object* parent)
{
	struct sockaddr_storage ss;
	const struct sockaddr* sa = (const struct sockaddr*)&ss;
	struct json_object* geo = NULL, *as = NULL;
	enum tg_err r = TG_ERR_NOMEM;
	if(!g)
		return TG_OK;
	if(!ip || !tg_geo_sockaddr(ip, &ss))
		return TG_ERR_INVALID;
	g->lookups++;
	if(!(geo = json_object_new_object()) || !(as = json_object_new_object()))
		goto cleanup;
	if(!tg_geo_city(g, sa, ip, geo) || !tg_geo_site(g, sa, ip, geo) ||
		!tg_geo_asn(g, sa, ip, as))
		goto cleanup;
	if(!tg_geo_attach(parent, "geo", &geo) || !tg_geo_attach(parent, "as", &as))
		goto cleanup;
	r = TG_OK;
cleanup:
	json_object_put(geo);
	json_object_put(as);
	return r;
}

void
tg_geo_close(struct tg_geo* g)
{
	int i;
	if(!g)
		return;
	for(i = 0; i < TG_GEO_DBS; i++)
		tg_geo_file_clear(&g->file[i]);
	free(g);
}
