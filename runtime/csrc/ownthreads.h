/* The probe's own threads (holdsplit.c, cpusample.c) are named "gilscope-…"
 * (/proc/self/task/TID/comm): runtime/python/gilscope/fork_warning.py tells
 * them from the program's threads by it. */
#ifndef GILSCOPE_OWNTHREADS_H
#define GILSCOPE_OWNTHREADS_H

#include <pthread.h>
#include <string.h>

#define GS_OWN_THREAD_PREFIX "gilscope-"

/* pthread_create, the new thread named `name` from its first instruction: a
 * thread takes its creator's name, so the creator wears it for the call. */
static inline int gs_create_own_thread(pthread_t *thread, const pthread_attr_t *attr,
                                       void *(*start)(void *), void *arg, const char *name) {
    char own[16] = "";
    int named = pthread_getname_np(pthread_self(), own, sizeof own) == 0 &&
                pthread_setname_np(pthread_self(), name) == 0;
    int rc = pthread_create(thread, attr, start, arg);
    if (named) pthread_setname_np(pthread_self(), own);
    return rc;
}

#endif
