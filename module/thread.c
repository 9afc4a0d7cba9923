/* module/thread.c - start the library's threads so that they take no signals. */
/* Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING. */

#include "tgconfig.h"
#include <signal.h>
#include "thread.h"

int
tg_thread_start(pthread_t* thread, void* (*run)(void*), void* arg)
{
	sigset_t all, old;
	int r;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(thread, NULL, run, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}
