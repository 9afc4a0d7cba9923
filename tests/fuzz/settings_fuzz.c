/* tests/fuzz/settings_fuzz.c - fuzz the settings parser with any text. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

/*
 * The input is a settings file. It parses, or fails with a message that names the file and
 * leaves the settings cleared; settings that parse have an event file and absolute paths
 * (the file's own path is absolute), at most TG_POLICY_FILES_MAX policy files and
 * TG_QTYPES_MAX query types.
 */

#include "tgconfig.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"

#define FZ_NAME "settings_fuzz"
#include "fuzz.h"

/** what the settings file is called: an absolute path, so every path must come out absolute */
#define FZ_LABEL "/etc/typoguard/fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/**
 * Whether settings are all zero, as a failed parse must leave them.
 * @param s: the settings.
 * @return: 1 if cleared.
 */
static int
fz_cleared(const struct tg_settings* s)
{
	static const struct tg_settings zero;
	return memcmp(s, &zero, sizeof(zero)) == 0;
}

/**
 * Check settings that parsed.
 * @param s: the settings.
 */
static void
fz_settings(const struct tg_settings* s)
{
	size_t i;
	if(!s->source || strcmp(s->source, FZ_LABEL) != 0)
		fz_fail("the source is not the file", s->source);
	if(!s->log_file || s->log_file[0] != '/')
		fz_fail("no absolute event file", s->log_file);
	if(s->policy_files > TG_POLICY_FILES_MAX || s->qtypes.count > TG_QTYPES_MAX ||
		s->qtypes.count == 0)
		fz_fail("a count out of range", s->source);
	for(i = 0; i < s->policy_files; i++)
		if(!s->policy_file[i] || s->policy_file[i][0] != '/')
			fz_fail("a policy file that is not absolute", s->policy_file[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	struct tg_settings s;
	struct tg_error err;
	char* text = fz_input_text(data, size);
	if(!text)
		return 0;
	memset(&err, 0, sizeof(err));
	if(tg_settings_parse(text, FZ_LABEL, &s, &err) == TG_OK)
		fz_settings(&s);
	else if(!fz_cleared(&s) || strncmp(err.msg, FZ_LABEL, strlen(FZ_LABEL)) != 0 ||
		!memchr(err.msg, 0, sizeof(err.msg)))
		fz_fail("a failed parse that leaves settings or names no file", err.msg);
	tg_settings_clear(&s);
	free(text);
	return 0;
}
