/* module/settings.c - read typoguard's settings file, in Unbound's "key: value" style. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "name.h"
#include "settings.h"

#ifndef TG_DEFAULT_CONF
/** the settings file used when TYPOGUARD_CONF is not set; the Makefile gives the real one */
#define TG_DEFAULT_CONF "/usr/local/etc/typoguard/typoguard.conf"
#endif
#ifndef TG_DEFAULT_LOG
/** the event file used when the settings name none; the Makefile gives the real one */
#define TG_DEFAULT_LOG "/usr/local/var/log/typoguard/events.json"
#endif
/** the one clause; every key is under it */
#define TG_CLAUSE "typoguard"
/** query types checked when the settings name none */
#define TG_DEFAULT_QTYPES "MX A AAAA"
/** largest settings file read; anything bigger is not a settings file */
#define TG_SETTINGS_SIZE_MAX (1024 * 1024)
/** what the embedded default policy is called in errors and in rules' file field */
#define TG_DEFAULT_POLICY_LABEL "(embedded default policy)"

const char tg_default_policy[] =
	"; typoguard's embedded default policy: used when no settings file names one.\n"
	"$ORIGIN default.typoguard.invalid.\n"
	"$TTL 3600\n"
	"@ SOA localhost. nobody.invalid. 1 3600 900 604800 3600\n"
	"@ NS localhost.\n"
	"mil.protect TXT \"action=log\" \"reason=United States military\"\n"
	"gov.protect TXT \"action=log\" \"reason=United States government\"\n"
	"; delegated top-level domains one edit from mil or gov: not typos\n"
	"il.allow TXT \"reason=Israel's country-code TLD\"\n"
	"mit.allow TXT \"reason=delegated TLD\"\n"
	"ril.allow TXT \"reason=delegated TLD\"\n"
	"goo.allow TXT \"reason=delegated TLD\"\n"
	"gop.allow TXT \"reason=delegated TLD\"\n"
	"got.allow TXT \"reason=delegated TLD\"\n"
	"mov.allow TXT \"reason=delegated TLD\"\n";

/** The state of parsing one settings text. */
struct tg_sparse;

/**
 * A key of the typoguard: clause. To add a key, write its set function and add a line to
 * tg_setting_keys; parsing, quoting, duplicates and errors are handled for it.
 */
struct tg_setting_key {
	/** the key, without its colon */
	const char* name;
	/** whether the key may be given more than once */
	int repeat;
	/** store the value, which is not empty; return TG_OK or fill the error */
	enum tg_err (*set)(struct tg_sparse* ps, const char* value);
};

static enum tg_err set_policy_file(struct tg_sparse* ps, const char* value);
static enum tg_err set_policy_zone(struct tg_sparse* ps, const char* value);
static enum tg_err set_policy_check_interval(struct tg_sparse* ps, const char* value);
static enum tg_err set_policy_max_shrink(struct tg_sparse* ps, const char* value);
static enum tg_err set_log_file(struct tg_sparse* ps, const char* value);
static enum tg_err set_qtypes(struct tg_sparse* ps, const char* value);
static enum tg_err set_city_db(struct tg_sparse* ps, const char* value);
static enum tg_err set_asn_db(struct tg_sparse* ps, const char* value);
static enum tg_err set_site_db(struct tg_sparse* ps, const char* value);
static enum tg_err set_geo_check_interval(struct tg_sparse* ps, const char* value);
static enum tg_err set_resolve_blocked(struct tg_sparse* ps, const char* value);
static enum tg_err set_resolve_blocked_max(struct tg_sparse* ps, const char* value);
static enum tg_err set_dry_run(struct tg_sparse* ps, const char* value);
static enum tg_err set_stats_interval(struct tg_sparse* ps, const char* value);
static enum tg_err set_stats_file(struct tg_sparse* ps, const char* value);
static enum tg_err set_lookalikes(struct tg_sparse* ps, const char* value);

/** the keys of the typoguard: clause */
static const struct tg_setting_key tg_setting_keys[] = {
	{ "policy-file", 1, set_policy_file },
	{ "policy-zone", 1, set_policy_zone },
	{ "policy-check-interval", 0, set_policy_check_interval },
	{ "policy-max-shrink", 0, set_policy_max_shrink },
	{ "log-file", 0, set_log_file },
	{ "qtypes", 0, set_qtypes },
	{ "geoip-city-db", 0, set_city_db },
	{ "geoip-asn-db", 0, set_asn_db },
	{ "site-db", 0, set_site_db },
	{ "geoip-check-interval", 0, set_geo_check_interval },
	{ "resolve-blocked", 0, set_resolve_blocked },
	{ "resolve-blocked-max", 0, set_resolve_blocked_max },
	{ "dry-run", 0, set_dry_run },
	{ "stats-interval", 0, set_stats_interval },
	{ "stats-file", 0, set_stats_file },
	{ "lookalikes", 0, set_lookalikes }
};

/** number of keys */
#define TG_SETTING_KEYS (sizeof(tg_setting_keys) / sizeof(tg_setting_keys[0]))

struct tg_sparse {
	/** the settings being filled */
	struct tg_settings* s;
	/** the file name, for errors and relative paths */
	const char* label;
	/** the line being read */
	int line;
	/** whether the typoguard: clause has begun */
	int in_clause;
	/** the line each key was first given on, 0 if not yet */
	int first[TG_SETTING_KEYS];
	/** receives the reason of a failure */
	struct tg_error* err;
};

const char*
tg_settings_default_path(void)
{
	return TG_DEFAULT_CONF;
}

const char*
tg_settings_path(void)
{
	const char* env = getenv("TYPOGUARD_CONF");
	if(env && *env)
		return env;
	if(access(TG_DEFAULT_CONF, F_OK) == 0)
		return TG_DEFAULT_CONF;
	return NULL;
}

enum tg_err
tg_settings_read(struct tg_settings* s, struct tg_error* err)
{
	const char* path = tg_settings_path();
	if(path)
		return tg_settings_load(path, s, err);
	return tg_settings_default(s, TG_DEFAULT_LOG);
}

const char*
tg_settings_default_log(void)
{
	return TG_DEFAULT_LOG;
}

/**
 * Fill the error with the file and the current line.
 * @param ps: the parse.
 * @param code: the error code.
 * @param fmt: printf format of the problem.
 * @return: code.
 */
static enum tg_err
serr(struct tg_sparse* ps, enum tg_err code, const char* fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
	;

static enum tg_err
serr(struct tg_sparse* ps, enum tg_err code, const char* fmt, ...)
{
	char msg[TG_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tg_error_set(ps->err, code, ps->label, ps->line, "%s", msg);
}

/**
 * Make a path from a value: absolute as it is, relative under the settings file's directory.
 * @param ps: the parse.
 * @param value: the path as written.
 * @param out: receives the path, allocated.
 * @return: TG_OK or TG_ERR_NOMEM.
 */
static enum tg_err
resolve_path(struct tg_sparse* ps, const char* value, char** out)
{
	const char* slash = strrchr(ps->label, '/');
	size_t dir = slash ? (size_t)(slash - ps->label) + 1 : 0;
	if(value[0] == '/')
		dir = 0;
	if(!(*out = malloc(dir + strlen(value) + 1)))
		return serr(ps, TG_ERR_NOMEM, "out of memory");
	memcpy(*out, ps->label, dir);
	strcpy(*out + dir, value);
	return TG_OK;
}

/**
 * policy-file: a policy zone; may repeat.
 * @param ps: the parse.
 * @param value: the path.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_policy_file(struct tg_sparse* ps, const char* value)
{
	struct tg_settings* s = ps->s;
	enum tg_err r;
	if(s->policy_files == TG_POLICY_FILES_MAX)
		return serr(ps, TG_ERR_LIMIT, "more than %d policy-file: lines",
			TG_POLICY_FILES_MAX);
	if((r = resolve_path(ps, value, &s->policy_file[s->policy_files])) == TG_OK)
		s->policy_line[s->policy_files++] = ps->line;
	return r;
}

/**
 * Whether two zone names are the same, whatever their case and final dot.
 * @param a: one.
 * @param b: the other.
 * @return: 1 if they are.
 */
static int
same_zone(const char* a, const char* b)
{
	size_t la = strlen(a), lb = strlen(b);
	if(la > 1 && a[la - 1] == '.')
		la--;
	if(lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/**
 * policy-zone: the name of an Unbound auth-zone: the policy is read from; may repeat.
 * @param ps: the parse.
 * @param value: the zone name.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_policy_zone(struct tg_sparse* ps, const char* value)
{
	struct tg_settings* s = ps->s;
	struct tg_name name;
	size_t i;
	if(s->policy_zones == TG_POLICY_ZONES_MAX)
		return serr(ps, TG_ERR_LIMIT, "more than %d policy-zone: lines",
			TG_POLICY_ZONES_MAX);
	if(tg_name_from_str(&name, value, NULL, NULL) != TG_OK)
		return serr(ps, TG_ERR_NAME, "policy-zone: \"%s\" is not a domain name", value);
	for(i = 0; i < s->policy_zones; i++)
		if(same_zone(s->policy_zone[i], value))
			return serr(ps, TG_ERR_INVALID, "policy-zone: \"%s\" given twice", value);
	if(!(s->policy_zone[s->policy_zones] = strdup(value)))
		return serr(ps, TG_ERR_NOMEM, "out of memory");
	s->policy_zones++;
	return TG_OK;
}

/**
 * Read a whole number in a range.
 * @param value: the text.
 * @param lo: the smallest allowed.
 * @param hi: the largest allowed.
 * @param out: receives the number.
 * @return: 1 if value is a number from lo to hi, else 0.
 */
static int
number_in(const char* value, long lo, long hi, int* out)
{
	char* end;
	long n;
	errno = 0;
	n = strtol(value, &end, 10);
	if(errno || *end || end == value || n < lo || n > hi)
		return 0;
	*out = (int)n;
	return 1;
}

/**
 * Read yes or no.
 * @param value: the text.
 * @param out: receives 1 for yes, 0 for no.
 * @return: 1 if value is yes or no, else 0.
 */
static int
yes_no(const char* value, int* out)
{
	if(strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
		return 0;
	*out = strcmp(value, "yes") == 0;
	return 1;
}

/**
 * policy-check-interval: seconds between checks of the policy files for changes.
 * @param ps: the parse.
 * @param value: the number.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_policy_check_interval(struct tg_sparse* ps, const char* value)
{
	if(!number_in(value, 1, TG_POLICY_CHECK_MAX, &ps->s->policy_check_interval))
		return serr(ps, TG_ERR_INVALID, "policy-check-interval: \"%s\" is not a number "
			"of seconds from 1 to %d", value, TG_POLICY_CHECK_MAX);
	return TG_OK;
}

/**
 * policy-max-shrink: the largest share of protected names a new version may drop, percent.
 * @param ps: the parse.
 * @param value: the number.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_policy_max_shrink(struct tg_sparse* ps, const char* value)
{
	if(!number_in(value, 0, 100, &ps->s->policy_max_shrink))
		return serr(ps, TG_ERR_INVALID, "policy-max-shrink: \"%s\" is not a percentage "
			"from 0 to 100", value);
	return TG_OK;
}

/**
 * log-file: where the events go.
 * @param ps: the parse.
 * @param value: the path.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_log_file(struct tg_sparse* ps, const char* value)
{
	return resolve_path(ps, value, &ps->s->log_file);
}

/**
 * qtypes: the query types of protected names whose policy record names none.
 * @param ps: the parse.
 * @param value: the list.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_qtypes(struct tg_sparse* ps, const char* value)
{
	switch(tg_qtypes_parse(value, &ps->s->qtypes)) {
	case TG_OK:
		return TG_OK;
	case TG_ERR_LIMIT:
		return serr(ps, TG_ERR_LIMIT, "qtypes: more than %d query types in \"%s\"",
			TG_QTYPES_MAX, value);
	default:
		return serr(ps, TG_ERR_INVALID, "qtypes: \"%s\" is not a list of query types "
			"such as \"MX A AAAA\" or \"TYPE65\"", value);
	}
}

/**
 * geoip-city-db: a GeoIP2/GeoLite2 City or Country database.
 * @param ps: the parse.
 * @param value: the path.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_city_db(struct tg_sparse* ps, const char* value)
{
	return resolve_path(ps, value, &ps->s->geo_db[TG_GEO_CITY]);
}

/**
 * geoip-asn-db: a GeoLite2 ASN database.
 * @param ps: the parse.
 * @param value: the path.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_asn_db(struct tg_sparse* ps, const char* value)
{
	return resolve_path(ps, value, &ps->s->geo_db[TG_GEO_ASN]);
}

/**
 * site-db: a private database of sites.
 * @param ps: the parse.
 * @param value: the path.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_site_db(struct tg_sparse* ps, const char* value)
{
	return resolve_path(ps, value, &ps->s->geo_db[TG_GEO_SITE]);
}

/**
 * geoip-check-interval: seconds between checks for replaced databases.
 * @param ps: the parse.
 * @param value: the number.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_geo_check_interval(struct tg_sparse* ps, const char* value)
{
	if(!number_in(value, 1, TG_GEO_CHECK_MAX, &ps->s->geo_check_interval))
		return serr(ps, TG_ERR_INVALID, "geoip-check-interval: \"%s\" is not a number "
			"of seconds from 1 to %d", value, TG_GEO_CHECK_MAX);
	return TG_OK;
}

/**
 * resolve-blocked: yes or no.
 * @param ps: the parse.
 * @param value: the value.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_resolve_blocked(struct tg_sparse* ps, const char* value)
{
	if(!yes_no(value, &ps->s->resolve_blocked))
		return serr(ps, TG_ERR_INVALID, "resolve-blocked: \"%s\" is not yes or no",
			value);
	return TG_OK;
}

/**
 * resolve-blocked-max: background lookups in flight per worker thread.
 * @param ps: the parse.
 * @param value: the number.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_resolve_blocked_max(struct tg_sparse* ps, const char* value)
{
	if(!number_in(value, 1, TG_RESOLVE_MAX_LIMIT, &ps->s->resolve_blocked_max))
		return serr(ps, TG_ERR_INVALID, "resolve-blocked-max: \"%s\" is not a number "
			"from 1 to %d", value, TG_RESOLVE_MAX_LIMIT);
	return TG_OK;
}

/**
 * dry-run: yes or no.
 * @param ps: the parse.
 * @param value: the value.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_dry_run(struct tg_sparse* ps, const char* value)
{
	if(!yes_no(value, &ps->s->dry_run))
		return serr(ps, TG_ERR_INVALID, "dry-run: \"%s\" is not yes or no", value);
	return TG_OK;
}

/**
 * stats-interval: seconds between metric events; 0 for none.
 * @param ps: the parse.
 * @param value: the number.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_stats_interval(struct tg_sparse* ps, const char* value)
{
	if(!number_in(value, 0, TG_SETTINGS_STATS_INTERVAL_MAX, &ps->s->stats_interval))
		return serr(ps, TG_ERR_INVALID, "stats-interval: \"%s\" is not a number "
			"of seconds from 0 (off) to %d", value, TG_SETTINGS_STATS_INTERVAL_MAX);
	return TG_OK;
}

/**
 * stats-file: the Prometheus text file written with each metric event.
 * @param ps: the parse.
 * @param value: the path.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_stats_file(struct tg_sparse* ps, const char* value)
{
	return resolve_path(ps, value, &ps->s->stats_file);
}

/**
 * lookalikes: yes or no.
 * @param ps: the parse.
 * @param value: the value.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_lookalikes(struct tg_sparse* ps, const char* value)
{
	int yes;
	if(!yes_no(value, &yes))
		return serr(ps, TG_ERR_INVALID, "lookalikes: \"%s\" is not yes or no", value);
	ps->s->no_lookalikes = !yes;
	return TG_OK;
}

/**
 * Cut a line at its comment, and check its quotes.
 * @param ps: the parse.
 * @param line: the line; a '#' outside quotes is replaced by a NUL.
 * @return: TG_OK or TG_ERR_SYNTAX for an unterminated quote.
 */
static enum tg_err
cut_comment(struct tg_sparse* ps, char* line)
{
	int quoted = 0;
	for(; *line; line++) {
		if(*line == '"')
			quoted = !quoted;
		else if(*line == '#' && !quoted) {
			*line = 0;
			break;
		}
	}
	if(quoted)
		return serr(ps, TG_ERR_SYNTAX, "unterminated quote");
	return TG_OK;
}

/**
 * Take the quotes off a value.
 * @param ps: the parse.
 * @param key: the key, for messages.
 * @param value: the value, without surrounding white space; changed in place.
 * @return: TG_OK or TG_ERR_SYNTAX.
 */
static enum tg_err
unquote(struct tg_sparse* ps, const char* key, char* value)
{
	char* end;
	if(value[0] != '"')
		return TG_OK;
	end = strchr(value + 1, '"');
	if(!end)
		return serr(ps, TG_ERR_SYNTAX, "unterminated quote");
	if(end[1])
		return serr(ps, TG_ERR_SYNTAX, "%s: text after the closing quote", key);
	memmove(value, value + 1, (size_t)(end - value - 1));
	value[end - value - 1] = 0;
	return TG_OK;
}

/**
 * Act on one key and its value.
 * @param ps: the parse.
 * @param key: the key.
 * @param value: the value, unquoted.
 * @return: TG_OK or the error.
 */
static enum tg_err
set_key(struct tg_sparse* ps, const char* key, const char* value)
{
	size_t i;
	for(i = 0; i < TG_SETTING_KEYS; i++) {
		const struct tg_setting_key* k = &tg_setting_keys[i];
		if(strcmp(key, k->name) != 0)
			continue;
		if(!ps->in_clause)
			return serr(ps, TG_ERR_SYNTAX, "%s: is outside the %s: clause", key,
				TG_CLAUSE);
		if(!value[0])
			return serr(ps, TG_ERR_SYNTAX, "%s: missing value", key);
		if(ps->first[i] && !k->repeat)
			return serr(ps, TG_ERR_INVALID, "%s: given twice (first at line %d)",
				key, ps->first[i]);
		if(!ps->first[i])
			ps->first[i] = ps->line;
		return k->set(ps, value);
	}
	return serr(ps, TG_ERR_SYNTAX, "unknown key \"%s:\"", key);
}

/**
 * Read one line.
 * @param ps: the parse.
 * @param line: the line, without its newline; changed in place.
 * @return: TG_OK or the error.
 */
static enum tg_err
parse_line(struct tg_sparse* ps, char* line)
{
	char *key, *value, *end;
	size_t len;
	enum tg_err r;
	if((r = cut_comment(ps, line)) != TG_OK)
		return r;
	key = line + strspn(line, " \t\r");
	for(end = key + strlen(key); end > key && strchr(" \t\r", end[-1]); end--)
		end[-1] = 0;
	if(!*key)
		return TG_OK;
	len = strcspn(key, ": \t\"");
	if(len == 0 || key[len] != ':')
		return serr(ps, TG_ERR_SYNTAX, "expected \"key: value\"");
	key[len] = 0;
	value = key + len + 1;
	value += strspn(value, " \t");
	if(strcmp(key, TG_CLAUSE) == 0) {
		if(*value)
			return serr(ps, TG_ERR_SYNTAX, "%s: takes no value; put each key on a "
				"line of its own", TG_CLAUSE);
		ps->in_clause = 1;
		return TG_OK;
	}
	if((r = unquote(ps, key, value)) != TG_OK)
		return r;
	return set_key(ps, key, value);
}

enum tg_err
tg_settings_parse(const char* text, const char* label, struct tg_settings* s,
	struct tg_error* err)
{
	struct tg_sparse ps;
	char *copy, *line, *next;
	enum tg_err r = TG_OK;
	memset(s, 0, sizeof(*s));
	memset(&ps, 0, sizeof(ps));
	ps.s = s;
	ps.label = label;
	ps.err = err;
	(void)tg_qtypes_parse(TG_DEFAULT_QTYPES, &s->qtypes);
	s->policy_check_interval = TG_POLICY_CHECK_DEFAULT;
	s->policy_max_shrink = TG_POLICY_SHRINK_DEFAULT;
	s->stats_interval = TG_SETTINGS_STATS_INTERVAL;
	if(!(copy = strdup(text)) || !(s->source = strdup(label))) {
		r = serr(&ps, TG_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if(strncmp(text, "\xef\xbb\xbf", 3) == 0) {
		ps.line = 1;
		r = serr(&ps, TG_ERR_SYNTAX, "the file starts with a UTF-8 byte-order mark; "
			"save it without one");
		goto cleanup;
	}
	for(line = copy; line && r == TG_OK; line = next) {
		if((next = strchr(line, '\n')))
			*next++ = 0;
		ps.line++;
		r = parse_line(&ps, line);
	}
	ps.line = 0;
	if(r == TG_OK && !s->log_file && !(s->log_file = strdup(tg_settings_default_log())))
		r = serr(&ps, TG_ERR_NOMEM, "out of memory");
cleanup:
	free(copy);
	if(r != TG_OK)
		tg_settings_clear(s);
	return r;
}

/**
 * Read a whole file into memory.
 * @param path: the file.
 * @param out: receives the text, NUL-terminated, allocated.
 * @param out_len: receives its length, without the NUL added.
 * @param err: receives the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
read_file(const char* path, char** out, size_t* out_len, struct tg_error* err)
{
	enum tg_err r = TG_OK;
	size_t len = 0, n;
	char* buf = NULL;
	FILE* fp;
	*out = NULL;
	*out_len = 0;
	if(!(fp = fopen(path, "r")))
		return tg_error_set(err, TG_ERR_IO, path, 0, "%s", strerror(errno));
	if(!(buf = malloc(TG_SETTINGS_SIZE_MAX + 1))) {
		r = tg_error_set(err, TG_ERR_NOMEM, path, 0, "out of memory");
		goto cleanup;
	}
	while((n = fread(buf + len, 1, TG_SETTINGS_SIZE_MAX + 1 - len, fp)) > 0)
		len += n;
	if(ferror(fp))
		r = tg_error_set(err, TG_ERR_IO, path, 0, "%s", strerror(errno));
	else if(len > TG_SETTINGS_SIZE_MAX)
		r = tg_error_set(err, TG_ERR_LIMIT, path, 0, "larger than %d bytes",
			TG_SETTINGS_SIZE_MAX);
	else {
		buf[len] = 0;
		*out = buf;
		*out_len = len;
		buf = NULL;
	}
cleanup:
	free(buf);
	fclose(fp);
	return r;
}

/**
 * Find the line of the first NUL byte in a text, which would otherwise end it unseen.
 * @param text: the text.
 * @param len: its length.
 * @return: the 1-based line of the first NUL, or 0 if it has none.
 */
static int
nul_line(const char* text, size_t len)
{
	const char* nul = memchr(text, 0, len);
	const char* p;
	int line = 1;
	if(!nul)
		return 0;
	for(p = text; p < nul; p++)
		if(*p == '\n')
			line++;
	return line;
}

enum tg_err
tg_settings_load(const char* path, struct tg_settings* s, struct tg_error* err)
{
	char* text;
	enum tg_err r;
	size_t len = 0;
	int line;
	memset(s, 0, sizeof(*s));
	if((r = read_file(path, &text, &len, err)) != TG_OK)
		return r;
	if((line = nul_line(text, len)))
		r = tg_error_set(err, TG_ERR_SYNTAX, path, line, "NUL byte");
	if(r == TG_OK)
		r = tg_settings_parse(text, path, s, err);
	free(text);
	return r;
}

enum tg_err
tg_settings_default(struct tg_settings* s, const char* log_file)
{
	memset(s, 0, sizeof(*s));
	(void)tg_qtypes_parse(TG_DEFAULT_QTYPES, &s->qtypes);
	s->policy_check_interval = TG_POLICY_CHECK_DEFAULT;
	s->policy_max_shrink = TG_POLICY_SHRINK_DEFAULT;
	s->stats_interval = TG_SETTINGS_STATS_INTERVAL;
	if(!(s->log_file = strdup(log_file ? log_file : tg_settings_default_log())))
		return TG_ERR_NOMEM;
	return TG_OK;
}

enum tg_err
tg_settings_policy(const struct tg_settings* s, struct tg_policy** out,
	struct tg_error* err)
{
	enum tg_err r;
	if(s->policy_files == 0 && s->policy_zones == 0)
		return tg_policy_load_string(tg_default_policy, TG_DEFAULT_POLICY_LABEL,
			&s->qtypes, out, err);
	r = tg_policy_load((const char* const*)s->policy_file, s->policy_files, &s->qtypes,
		out, err);
	if(r != TG_OK)
		tg_settings_policy_error(s, r, err);
	return r;
}

void
tg_settings_policy_error(const struct tg_settings* s, enum tg_err r, struct tg_error* err)
{
	size_t i;
	/* a message about a whole file (missing, listed twice) names the line listing it */
	for(i = 0; s->source && i < s->policy_files; i++) {
		size_t n = strlen(s->policy_file[i]);
		if(strncmp(err->msg, s->policy_file[i], n) == 0 && strncmp(err->msg + n, ": ", 2)
			== 0) {
			char msg[TG_ERRMSG_MAX];
			snprintf(msg, sizeof(msg), "%s", err->msg);
			tg_error_set(err, r, s->source, s->policy_line[i], "policy-file: %s", msg);
			break;
		}
	}
}

void
tg_settings_clear(struct tg_settings* s)
{
	size_t i;
	free(s->source);
	for(i = 0; i < s->policy_files; i++)
		free(s->policy_file[i]);
	for(i = 0; i < s->policy_zones; i++)
		free(s->policy_zone[i]);
	for(i = 0; i < TG_GEO_DBS; i++)
		free(s->geo_db[i]);
	free(s->log_file);
	free(s->stats_file);
	memset(s, 0, sizeof(*s));
}
