/* tests/logcap.h - keep what the library logs through its log function, for the tests to read. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_TEST_LOGCAP_H
#define TG_TEST_LOGCAP_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "tap.h"

/** most diagnostics kept */
#define LOG_MAX 256
/** longest diagnostic kept */
#define LOG_LEN 512

/** guards the kept diagnostics: the writer's thread logs too */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
/** the diagnostics */
static char log_msg[LOG_MAX][LOG_LEN];
/** their levels */
static int log_level[LOG_MAX];
/** their number */
static int log_count;

/**
 * The log function given to the library (tg_log_func): keep the message.
 * @param level: 0 error, 1 warning, 2 information.
 * @param msg: the message.
 */
static void __attribute__((unused))
test_log(int level, const char* msg)
{
	pthread_mutex_lock(&log_lock);
	if(log_count < LOG_MAX) {
		snprintf(log_msg[log_count], LOG_LEN, "%s", msg);
		log_level[log_count++] = level;
	}
	pthread_mutex_unlock(&log_lock);
}

/** Forget the kept diagnostics. */
static void __attribute__((unused))
log_reset(void)
{
	pthread_mutex_lock(&log_lock);
	log_count = 0;
	pthread_mutex_unlock(&log_lock);
}

/**
 * Count the kept diagnostics at a level that contain a text.
 * @param level: the level, or -1 for any.
 * @param text: the text.
 * @return: their number.
 */
static int __attribute__((unused))
log_has(int level, const char* text)
{
	int i, n = 0;
	pthread_mutex_lock(&log_lock);
	for(i = 0; i < log_count; i++)
		if((level < 0 || log_level[i] == level) && strstr(log_msg[i], text))
			n++;
	pthread_mutex_unlock(&log_lock);
	return n;
}

/** Print the kept diagnostics, to explain a failure. */
static void __attribute__((unused))
log_show(void)
{
	int i;
	pthread_mutex_lock(&log_lock);
	for(i = 0; i < log_count; i++)
		diag("log %d: %s", log_level[i], log_msg[i]);
	pthread_mutex_unlock(&log_lock);
}

#endif /* TG_TEST_LOGCAP_H */
