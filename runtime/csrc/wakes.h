/* Who woke whom in CPython's parking lot (wakes.c). */
#ifndef GILSCOPE_WAKES_H
#define GILSCOPE_WAKES_H

#include "gotpatch.h"

/* Whether the interpreter's blocking waits sleep in the parking lot, each
 * waiter on a semaphore of its own (3.13+: cpython.h says), and whether it is
 * a free-threaded build (its spins are counted). Before any hook is
 * installed; without a parking lot the sleep and wake calls are not hooked. */
void gs_wakes_configure(int parking_lot, int free_threaded);

/* The GOT hooks of sem_wait, sem_timedwait, sem_clockwait, sem_post and,
 * free-threaded, sched_yield (hooks.c installs them). Fills `out` (room for
 * 5); returns how many. */
int gs_wakes_patches(gs_got_patch *out);

/* In a forked child: no thread of the parent's sleeps here, and the lock of
 * the sleepers' list (held, perhaps, by one of them at the fork) is free. */
void gs_wakes_after_fork_child(void);

#endif
