/* module/thread.h - start the library's threads so that they take no signals. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#ifndef TG_THREAD_H
#define TG_THREAD_H

#include <pthread.h>

/**
 * Start a thread with every signal blocked: the host's threads (Unbound's) take the signals,
 * as they expect. Every thread the library starts is started here.
 * @param thread: receives the thread.
 * @param run: its function.
 * @param arg: passed to run.
 * @return: 0, or pthread_create()'s error.
 */
int tg_thread_start(pthread_t* thread, void* (*run)(void*), void* arg);

#endif /* TG_THREAD_H */
