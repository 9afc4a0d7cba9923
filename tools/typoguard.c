/* tools/typoguard.c - the typoguard command: check names against a policy, list typo variants. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "event.h"
#include "geo.h"
#include "match.h"
#include "name.h"
#include "lookalike.h"
#include "policy.h"
#include "precheck.h"
#include "settings.h"
#include "report.h"

/** exit status: a name could not be read */
#define TG_EXIT_BADNAME 1
/** exit status: wrong usage, settings or policy that do not load, or output that cannot be
 * written; the same for every command */
#define TG_EXIT_USAGE 2

/** longest input line taken as a name; longer lines are reported as malformed */
#define TG_LINE_MAX 4096

/** Print the usage to a stream. */
static void
usage(FILE* out)
{
	fprintf(out,
	"usage: typoguard check [--policy FILE]... [--config FILE [--user USER]] [--client IP]\n"
	"                       [--geoip-city-db FILE] [--geoip-asn-db FILE]\n"
	"                       [--site-db FILE] [NAME...]\n"
	"       typoguard variants [--format text|rpz] SUFFIX...\n"
	"       typoguard report [--format FORMAT] [OPTIONS] [FILE...]\n"
	"       typoguard [COMMAND] --version | --help\n"
	"\n"
	"check     tell, for each NAME (or each line of standard input: blanks\n"
	"          around a name and comments from # are ignored), whether it is\n"
	"          one edit away from a protected name, as the Unbound module\n"
	"          would: one JSON object per name, in order.\n"
	"          --policy FILE  a policy zone; may repeat; replaces the\n"
	"                         settings' policy-file: lines\n"
	"          --config FILE  a settings file (default: $TYPOGUARD_CONF, else\n"
	"                         %s if it exists, else the embedded default).\n"
	"                         With no NAME arguments, first do all the module's\n"
	"                         init does: load the policy, open and probe the\n"
	"                         databases, check the event file can be written;\n"
	"                         exit 2 if Unbound would not start\n"
	"          --user USER    do it as USER, Unbound's username: (needs root)\n"
	"          --client IP    add \"client\": the address, and where the\n"
	"                         settings' databases say it is\n"
	"          --geoip-city-db, --geoip-asn-db, --site-db FILE\n"
	"                         use this database instead of the settings' one\n"
	"variants  print every valid host name exactly one edit from SUFFIX\n"
	"          (--format rpz: as a Response Policy Zone, NXDOMAIN for each)\n"
	"report    aggregate event files and suggest what to block, allow and\n"
	"          protect with nxdomain (typoguard report --help)\n",
	tg_settings_default_path());
}

/**
 * Flush standard output and say whether all of it was written.
 * @return: 0, or TG_EXIT_USAGE after saying why not.
 */
static int
finish_output(void)
{
	if(fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fprintf(stderr, "typoguard: standard output: %s\n", strerror(errno));
	return TG_EXIT_USAGE;
}

/**
 * Print the version.
 * @return: the exit status.
 */
static int
version(void)
{
	printf("typoguard %s\n", PACKAGE_VERSION);
	return finish_output();
}

/**
 * Read the settings as the module does, or from --config.
 * @param config: the --config file, or NULL.
 * @param s: filled.
 * @param err: the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
read_settings(const char* config, struct tg_settings* s, struct tg_error* err)
{
	if(config)
		return tg_settings_load(config, s, err);
	return tg_settings_read(s, err);
}

/** What `typoguard check` was asked to do. */
struct check_args {
	/** --policy files */
	const char* files[TG_POLICY_FILES_MAX];
	/** their number */
	size_t nfiles;
	/** --config, or NULL */
	const char* config;
	/** --user, or NULL */
	const char* user;
	/** --client, or NULL */
	const char* client;
	/** --geoip-city-db, --geoip-asn-db, --site-db, each NULL when not given */
	const char* geo_db[TG_GEO_DBS];
	/** the policy */
	struct tg_policy* policy;
	/** the databases, when there is a client and databases to look it up in */
	struct tg_geo* geo;
	/** 0 when the settings say "lookalikes: no" */
	int lookalikes;
};

/**
 * Check one name and print the verdict.
 * @param a: the policy, the client and the databases.
 * @param str: the name, presentation format.
 * @return: 0 if the name was read, 1 if it is malformed.
 */
static int
check_one(struct check_args* a, const char* str)
{
	struct tg_name name;
	struct tg_match m;
	enum tg_verdict v;
	enum tg_err e;
	char* line;
	size_t len;
	if((e = tg_name_from_str(&name, str, NULL, NULL)) != TG_OK) {
		fprintf(stderr, "typoguard: %s: %s\n", str, tg_strerror(e));
		return 1;
	}
	memset(&m, 0, sizeof(m));
	v = tg_policy_match(a->policy, &name, a->lookalikes, &m, NULL);
	if(!(line = tg_check_json_client(a->policy, &name, v, &m, a->client, a->geo, &len))) {
		fprintf(stderr, "typoguard: out of memory\n");
		exit(TG_EXIT_USAGE);
	}
	fwrite(line, 1, len, stdout);
	free(line);
	return 0;
}

/**
 * Check the name on a line of standard input, if it has one: blanks around it and a comment
 * (from a # at the start or after a blank) are not part of it.
 * @param a: the policy, the client and the databases.
 * @param line: the line; changed.
 * @return: 0 if the line was read, 1 if its name is malformed.
 */
static int
check_line(struct check_args* a, char* line)
{
	char* s = line + strspn(line, " \t");
	char* c = s;
	size_t n;
	while((c = strchr(c, '#')) && c != s && c[-1] != ' ' && c[-1] != '\t')
		c++;
	if(c)
		*c = 0;
	n = strlen(s);
	while(n > 0 && strchr(" \t\r\n", s[n - 1]))
		s[--n] = 0;
	return n ? check_one(a, s) : 0;
}

/**
 * Check names given one per line on standard input, streaming.
 * @param a: the policy, the client and the databases.
 * @return: the number of malformed names.
 */
static size_t
check_stdin(struct check_args* a)
{
	char buf[TG_LINE_MAX];
	size_t bad = 0;
	while(fgets(buf, sizeof(buf), stdin)) {
		size_t n = strlen(buf);
		if(n == sizeof(buf) - 1 && buf[n - 1] != '\n') {
			int c;
			while((c = getchar()) != EOF && c != '\n')
				;
			fprintf(stderr, "typoguard: line too long, skipped\n");
			bad++;
			continue;
		}
		bad += (size_t)check_line(a, buf);
	}
	return bad;
}

/**
 * Report the databases' errors and warnings on standard error; say nothing of the rest.
 * @param level: 0 error, 1 warning, 2 information.
 * @param msg: the message.
 */
static void
tool_log(int level, const char* msg)
{
	if(level < 2)
		fprintf(stderr, "typoguard: %s\n", msg);
}

/**
 * Read the options of the check command.
 * @param argc: arguments after "check".
 * @param argv: the arguments.
 * @param a: filled.
 * @return: -1 to go on, else the exit status.
 */
static int
check_options(int argc, char** argv, struct check_args* a)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"config", required_argument, NULL, 'c'},
		{"user", required_argument, NULL, 'u'},
		{"client", required_argument, NULL, 'C'},
		{"geoip-city-db", required_argument, NULL, 1000 + TG_GEO_CITY},
		{"geoip-asn-db", required_argument, NULL, 1000 + TG_GEO_ASN},
		{"site-db", required_argument, NULL, 1000 + TG_GEO_SITE},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	int c;
	while((c = getopt_long(argc, argv, "p:c:h", opts, NULL)) != -1) {
		if(c >= 1000 && c < 1000 + TG_GEO_DBS) {
			a->geo_db[c - 1000] = optarg;
			continue;
		}
		switch(c) {
		case 'p':
			if(a->nfiles == TG_POLICY_FILES_MAX) {
				fprintf(stderr, "typoguard: too many --policy\n");
				return TG_EXIT_USAGE;
			}
			a->files[a->nfiles++] = optarg;
			break;
		case 'c':
			a->config = optarg;
			break;
		case 'u':
			a->user = optarg;
			break;
		case 'C':
			a->client = optarg;
			break;
		case 'h':
			usage(stdout);
			return finish_output();
		case 'V':
			return version();
		default:
			usage(stderr);
			return TG_EXIT_USAGE;
		}
	}
	return -1;
}

/**
 * Whether a text is an IPv4 or IPv6 address.
 * @param ip: the text.
 * @return: 1 if it is.
 */
static int
is_address(const char* ip)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1;
}

/**
 * Load the policy and, for a client, the databases: those given as options, else the
 * settings' ones.
 * @param a: the arguments; policy and geo are filled.
 * @param s: the settings.
 * @param err: the reason on failure.
 * @return: TG_OK or the error.
 */
static enum tg_err
check_load(struct check_args* a, const struct tg_settings* s, struct tg_error* err)
{
	const char* paths[TG_GEO_DBS];
	enum tg_err e;
	int i;
	if(a->nfiles)
		e = tg_policy_load(a->files, a->nfiles, &s->qtypes, &a->policy, err);
	else	e = tg_settings_policy(s, &a->policy, err);
	if(e != TG_OK || !a->client)
		return e;
	for(i = 0; i < TG_GEO_DBS; i++)
		paths[i] = a->geo_db[i] ? a->geo_db[i] : s->geo_db[i];
	return tg_geo_open(paths, s->geo_check_interval, &tool_log, &a->geo, err);
}

/**
 * The check command.
 * @param argc: arguments after "check".
 * @param argv: the arguments.
 * @return: the exit status.
 */
static int
cmd_check(int argc, char** argv)
{
	struct check_args a;
	struct tg_settings s;
	struct tg_error err;
	size_t bad = 0;
	int i, status = 0;
	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	memset(&err, 0, sizeof(err));
	if((status = check_options(argc, argv, &a)) >= 0)
		return status;
	if(a.client && !is_address(a.client)) {
		fprintf(stderr, "typoguard: --client %s: not an IP address\n", a.client);
		return TG_EXIT_USAGE;
	}
	if(a.user && !a.config) {
		fprintf(stderr, "typoguard: --user goes with --config\n");
		return TG_EXIT_USAGE;
	}
	/* the pre-check: everything after this runs as Unbound's user would */
	if((a.user && !tg_precheck_user(a.user, &err)) ||
		read_settings(a.config, &s, &err) != TG_OK || check_load(&a, &s, &err) != TG_OK ||
		(a.config && optind == argc && tg_precheck(&s, a.policy, &tool_log, &err) != TG_OK)) {
		fprintf(stderr, "typoguard: %s\n", err.msg);
		status = TG_EXIT_USAGE;
		goto cleanup;
	}
	a.lookalikes = !s.no_lookalikes;
	if(optind == argc)
		bad = check_stdin(&a);
	for(i = optind; i < argc; i++)
		bad += (size_t)check_one(&a, argv[i]);
	if((status = finish_output()) == 0)
		status = bad ? TG_EXIT_BADNAME : 0;
cleanup:
	tg_geo_close(a.geo);
	tg_policy_free(a.policy);
	tg_look_cleanup();
	tg_settings_clear(&s);
	return status;
}

/**
 * Print one variant.
 * @param variant: the name.
 * @param arg: non-NULL to print it as RPZ records.
 * @return: 0 to go on.
 */
static int
print_variant(const char* variant, void* arg)
{
	if(arg) {
		rp_rpz_name(stdout, variant);
		return ferror(stdout) != 0;
	}
	return puts(variant) < 0;
}

/**
 * The variants command.
 * @param argc: arguments after "variants".
 * @param argv: the suffixes.
 * @return: the exit status.
 */
static int
cmd_variants(int argc, char** argv)
{
	struct tg_name name;
	enum tg_err e;
	int i, status = 0, rpz = 0;
	if(argc >= 3 && strcmp(argv[1], "--format") == 0) {
		/* --format rpz: a Response Policy Zone of the variants, for other resolvers */
		if(strcmp(argv[2], "rpz") != 0 && strcmp(argv[2], "text") != 0) {
			fprintf(stderr, "typoguard: --format %s: not text or rpz\n", argv[2]);
			return TG_EXIT_USAGE;
		}
		rpz = strcmp(argv[2], "rpz") == 0;
		argc -= 2;
		argv += 2;
	}
	if(argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return finish_output();
	}
	if(argc == 2 && strcmp(argv[1], "--version") == 0)
		return version();
	if(argc < 2 || (argv[1][0] == '-' && argv[1][1] == '-')) {
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if(rpz)
		rp_rpz_head(stdout, "every host name one edit from the names given", (uint32_t)time(NULL));
	for(i = 1; i < argc; i++) {
		if((e = tg_name_from_str(&name, argv[i], NULL, NULL)) != TG_OK) {
			fprintf(stderr, "typoguard: %s: %s\n", argv[i], tg_strerror(e));
			status = TG_EXIT_BADNAME;
			continue;
		}
		/* TG_ERR_INVALID: print_variant could not write */
		if((e = tg_variants(&name, &print_variant, rpz ? &rpz : NULL)) == TG_ERR_INVALID)
			break;
		if(e != TG_OK) {
			fprintf(stderr, "typoguard: %s: %s\n", argv[i], tg_strerror(e));
			return TG_EXIT_USAGE;
		}
	}
	if(finish_output() != 0)
		return TG_EXIT_USAGE;
	return status;
}

int
main(int argc, char** argv)
{
	if(argc < 2) {
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if(strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if(strcmp(argv[1], "variants") == 0)
		return cmd_variants(argc - 1, argv + 1);
	if(strcmp(argv[1], "report") == 0)
		return tg_cmd_report(argc - 1, argv + 1);
	if(strcmp(argv[1], "--version") == 0)
		return version();
	if(strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return finish_output();
	}
	usage(stderr);
	return TG_EXIT_USAGE;
}
