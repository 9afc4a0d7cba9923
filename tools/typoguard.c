/* tools/typoguard.c - the typoguard command: check names against a policy, list typo variants. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "event.h"
#include "match.h"
#include "name.h"
#include "policy.h"
#include "settings.h"

/** exit status: a name could not be read */
#define TG_EXIT_BADNAME 1
/** exit status: wrong usage, or settings or policy that do not load */
#define TG_EXIT_USAGE 2

/** longest input line taken as a name; longer lines are reported as malformed */
#define TG_LINE_MAX 4096

/** Print the usage to a stream. */
static void
usage(FILE* out)
{
	fprintf(out,
	"usage: typoguard check [--policy FILE]... [--config FILE] [NAME...]\n"
	"       typoguard variants SUFFIX...\n"
	"       typoguard --version\n"
	"\n"
	"check     tell, for each NAME (or each line of standard input), whether\n"
	"          it is one edit away from a protected name, as the Unbound module\n"
	"          would: one JSON object per name, in order.\n"
	"          --policy FILE  a policy zone; may repeat; replaces the\n"
	"                         settings' policy-file: lines\n"
	"          --config FILE  a settings file (default: $TYPOGUARD_CONF, else\n"
	"                         %s if it exists, else the embedded default)\n"
	"variants  print every valid host name exactly one edit from SUFFIX\n",
	tg_settings_default_path());
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
	const char* env = getenv("TYPOGUARD_CONF");
	if(config)
		return tg_settings_load(config, s, err);
	if(env && *env)
		return tg_settings_load(env, s, err);
	if(access(tg_settings_default_path(), F_OK) == 0)
		return tg_settings_load(tg_settings_default_path(), s, err);
	return tg_settings_default(s, tg_settings_default_log());
}

/**
 * Check one name and print the verdict.
 * @param p: the policy.
 * @param str: the name, presentation format.
 * @return: 0 if the name was read, 1 if it is malformed.
 */
static int
check_one(const struct tg_policy* p, const char* str)
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
	v = tg_matcher_match(p->matcher, &name, &m);
	if(!(line = tg_check_json(p, &name, v, &m, &len))) {
		fprintf(stderr, "typoguard: out of memory\n");
		exit(TG_EXIT_USAGE);
	}
	fwrite(line, 1, len, stdout);
	free(line);
	return 0;
}

/**
 * Check names given one per line on standard input, streaming.
 * @param p: the policy.
 * @return: the number of malformed names.
 */
static size_t
check_stdin(const struct tg_policy* p)
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
		while(n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
			buf[n - 1] == ' ' || buf[n - 1] == '\t'))
			buf[--n] = 0;
		if(n == 0)
			continue;
		bad += (size_t)check_one(p, buf);
	}
	return bad;
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
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	const char* files[TG_POLICY_FILES_MAX];
	const char* config = NULL;
	size_t nfiles = 0, bad = 0;
	struct tg_settings s;
	struct tg_policy* p = NULL;
	struct tg_error err;
	enum tg_err e;
	int c, i;
	while((c = getopt_long(argc, argv, "p:c:h", opts, NULL)) != -1) {
		switch(c) {
		case 'p':
			if(nfiles == TG_POLICY_FILES_MAX) {
				fprintf(stderr, "typoguard: too many --policy\n");
				return TG_EXIT_USAGE;
			}
			files[nfiles++] = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return TG_EXIT_USAGE;
		}
	}
	memset(&s, 0, sizeof(s));
	memset(&err, 0, sizeof(err));
	if((e = read_settings(config, &s, &err)) == TG_OK) {
		if(nfiles)
			e = tg_policy_load(files, nfiles, &s.qtypes, &p, &err);
		else	e = tg_settings_policy(&s, &p, &err);
	}
	if(e != TG_OK) {
		fprintf(stderr, "typoguard: %s\n", err.msg);
		tg_settings_clear(&s);
		return TG_EXIT_USAGE;
	}
	if(optind == argc)
		bad = check_stdin(p);
	for(i = optind; i < argc; i++)
		bad += (size_t)check_one(p, argv[i]);
	tg_policy_free(p);
	tg_settings_clear(&s);
	if(fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "typoguard: standard output: %s\n", strerror(errno));
		return TG_EXIT_USAGE;
	}
	return bad ? TG_EXIT_BADNAME : 0;
}

/**
 * Print one variant.
 * @param variant: the name.
 * @param arg: unused.
 * @return: 0 to go on.
 */
static int
print_variant(const char* variant, void* arg)
{
	(void)arg;
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
	int i, status = 0;
	if(argc < 2) {
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	for(i = 1; i < argc; i++) {
		if((e = tg_name_from_str(&name, argv[i], NULL, NULL)) != TG_OK ||
			(e = tg_variants(&name, &print_variant, NULL)) != TG_OK) {
			fprintf(stderr, "typoguard: %s: %s\n", argv[i],
				e == TG_ERR_INVALID ? strerror(errno) : tg_strerror(e));
			status = TG_EXIT_BADNAME;
		}
	}
	if(fflush(stdout) != 0)
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
	if(strcmp(argv[1], "--version") == 0) {
		printf("typoguard %s\n", PACKAGE_VERSION);
		return 0;
	}
	if(strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return TG_EXIT_USAGE;
}
