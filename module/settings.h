/* module/settings.h - typoguard's settings file, in Unbound's "key: value" style. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_SETTINGS_H
#define TG_SETTINGS_H

#include <stddef.h>
#include "error.h"
#include "geo.h"
#include "policy.h"

/** most policy-file: lines */
#define TG_POLICY_FILES_MAX 64
/** most policy-zone: lines */
#define TG_POLICY_ZONES_MAX 64
/** policy-check-interval: when the settings give none, seconds */
#define TG_POLICY_CHECK_DEFAULT 5
/** largest policy-check-interval:, seconds */
#define TG_POLICY_CHECK_MAX 3600
/** policy-max-shrink: when the settings give none, percent of the protected names */
#define TG_POLICY_SHRINK_DEFAULT 50

/**
 * The settings. Strings are owned by the struct and freed by tg_settings_clear().
 */
struct tg_settings {
	/** the file the settings came from, or NULL for the embedded default */
	char* source;
	/** policy zone files; a relative path in the file is joined to the file's directory */
	char* policy_file[TG_POLICY_FILES_MAX];
	/** number of policy files; with no policy zone either, 0 means the embedded default */
	size_t policy_files;
	/** the line of each policy-file: in the settings file, for messages about the file */
	int policy_line[TG_POLICY_FILES_MAX];
	/** policy zones: names of Unbound auth-zone: clauses the policy is read from, as
	 * written (presentation format) */
	char* policy_zone[TG_POLICY_ZONES_MAX];
	/** number of policy zones */
	size_t policy_zones;
	/** seconds between checks of the policy files for changes, 1 to TG_POLICY_CHECK_MAX */
	int policy_check_interval;
	/** a new version of the policy that drops more than this percent of the protected
	 * names is rejected, 0 to 100 */
	int policy_max_shrink;
	/** path of the JSON-lines event file */
	char* log_file;
	/** the query types of protected names whose policy record names none */
	struct tg_qtypes qtypes;
	/** the GeoIP city, ASN and site databases, indexed by enum tg_geo_db; NULL when not
	 * used. A relative path in the file is joined to the file's directory */
	char* geo_db[TG_GEO_DBS];
	/** seconds between checks for replaced databases, 1 to TG_GEO_CHECK_MAX; 0 for the
	 * default */
	int geo_check_interval;
	/** whether lookups answered NXDOMAIN are resolved in the background, for a follow-up
	 * event that says where the answer would have led */
	int resolve_blocked;
	/** most background lookups of resolve_blocked in flight on one worker thread, 1 to
	 * TG_RESOLVE_MAX_LIMIT; 0 for the default, TG_RESOLVE_MAX_DEFAULT */
	int resolve_blocked_max;
	/** whether nothing is blocked: lookups are logged with the action they would have had */
	int dry_run;
	/** seconds between metric events, 0 for none (TG_SETTINGS_STATS_INTERVAL unless set) */
	int stats_interval;
	/** the Prometheus text file written with each metric event, or NULL */
	char* stats_file;
	/** 1 for "lookalikes: no": lookalikes of protected names are not flagged, whatever
	 * the policy says */
	int no_lookalikes;
};

/** seconds between metric events when the settings say nothing */
#define TG_SETTINGS_STATS_INTERVAL 60
/** longest stats-interval: a day */
#define TG_SETTINGS_STATS_INTERVAL_MAX 86400

/**
 * The embedded default policy zone: protect mil and gov, action log; allow the delegated
 * top-level domains one edit from them (il, mit, ril; goo, gop, got, mov).
 */
extern const char tg_default_policy[];

/**
 * Read a settings file. It has one clause, "typoguard:", and under it the keys policy-file:
 * and policy-zone: (may repeat), policy-check-interval:, policy-max-shrink:, log-file:, qtypes:, geoip-city-db:, geoip-asn-db:, site-db:,
 * geoip-check-interval:, resolve-blocked:, resolve-blocked-max:, dry-run:, stats-interval: and stats-file:. Values may be quoted. '#' starts a comment.
 * Relative paths are taken relative to the directory of the settings file.
 * @param path: the file.
 * @param s: filled on success; on failure left cleared.
 * @param err: receives "file:line: problem" on failure.
 * @return: TG_OK or the error code.
 */
enum tg_err tg_settings_load(const char* path, struct tg_settings* s, struct tg_error* err);

/**
 * Parse settings from memory (tests and fuzzers).
 * @param text: the settings, NUL-terminated.
 * @param label: the file name used in errors and to resolve relative paths.
 * @param s: filled on success; on failure left cleared.
 * @param err: receives "label:line: problem" on failure.
 * @return: TG_OK or the error code.
 */
enum tg_err tg_settings_parse(const char* text, const char* label, struct tg_settings* s,
	struct tg_error* err);

/**
 * The embedded default settings: the default policy, qtypes "MX A AAAA", and log_file as given.
 * @param s: filled on success.
 * @param log_file: the event file path to use.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
enum tg_err tg_settings_default(struct tg_settings* s, const char* log_file);

/**
 * Load the policy files the settings name (the embedded default when they name no file and
 * no zone; an empty policy when they name only zones, which only the module can read).
 * @param s: the settings.
 * @param out: receives the policy.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error code.
 */
enum tg_err tg_settings_policy(const struct tg_settings* s, struct tg_policy** out,
	struct tg_error* err);

/**
 * Make an error about a whole policy file (missing, listed twice) name the line of the
 * settings file that lists it: "settings:line: policy-file: file: problem".
 * @param s: the settings.
 * @param r: the error code.
 * @param err: the error, changed in place.
 */
void tg_settings_policy_error(const struct tg_settings* s, enum tg_err r, struct tg_error* err);

/**
 * The settings file the module reads, in its search order: the file named by the environment
 * variable TYPOGUARD_CONF if it is set and not empty (it must then exist), else
 * tg_settings_default_path() if it exists, else none.
 * @return: the path (getenv's string or a static one), or NULL for the embedded default.
 */
const char* tg_settings_path(void);

/**
 * Read the settings the module reads: the file tg_settings_path() names, else the embedded
 * default (tg_settings_default() with tg_settings_default_log()).
 * @param s: filled on success; on failure left cleared.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error code.
 */
enum tg_err tg_settings_read(struct tg_settings* s, struct tg_error* err);

/**
 * The settings file read when TYPOGUARD_CONF is not set.
 * @return: the path configure chose (TG_DEFAULT_CONF), a static string.
 */
const char* tg_settings_default_path(void);

/**
 * The event file used when the settings name none.
 * @return: the path configure chose (TG_DEFAULT_LOG), a static string.
 */
const char* tg_settings_default_log(void);

/**
 * Free what the settings hold and zero them.
 * @param s: the settings.
 */
void tg_settings_clear(struct tg_settings* s);

/** background lookups in flight per thread when resolve-blocked-max: is not given */
#define TG_RESOLVE_MAX_DEFAULT 100
/** the largest resolve-blocked-max: */
#define TG_RESOLVE_MAX_LIMIT 100000

#endif /* TG_SETTINGS_H */
