/* What a frame of the standard library's synchronisation code is doing. */
#ifndef GILSCOPE_SYNCROLES_H
#define GILSCOPE_SYNCROLES_H

enum {
    GS_ROLE_USER = 0,        /* not synchronisation code: the user's line */
    GS_ROLE_SYNC_WEAK,       /* concurrent.futures' pools: a line only when no user frame is found */
    GS_ROLE_SYNC_OTHER,      /* inside threading, queue, ... with no role of its own */
    GS_ROLE_CONDITION_WAIT,
    GS_ROLE_EVENT_WAIT,
    GS_ROLE_QUEUE_GET,
    GS_ROLE_QUEUE_PUT,
    GS_ROLE_FUTURE_WAIT,
    GS_ROLE_SEMAPHORE_ACQUIRE,
    GS_ROLE_JOIN,
    GS_ROLE_JOIN_INNER,      /* Thread._wait_for_tstate_lock: the join's own acquire */
    GS_ROLE_CONDITION_INIT,
    GS_ROLE_EVENT_INIT,
    GS_ROLE_QUEUE_INIT,
    GS_ROLE_FUTURE_INIT,
    GS_ROLE_SEMAPHORE_INIT,
    GS_ROLE_BOUNDED_SEMAPHORE_INIT,
    GS_ROLE_THREAD_INIT,
};

/* The role of a frame running `code` with first local `first_local`. */
int gs_sync_role(PyCodeObject *code, PyObject *first_local);

/* In a forked child: the cache's lock is free again (a thread of the
 * parent's may have held it at the fork). */
void gs_sync_roles_after_fork_child(void);

#endif
