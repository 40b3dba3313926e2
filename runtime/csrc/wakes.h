/* Who woke whom in CPython's parking lot (wakes.c). */
#ifndef GILSCOPE_WAKES_H
#define GILSCOPE_WAKES_H

#include "gotpatch.h"

/* Whether the interpreter's blocking waits sleep in the parking lot, each
 * waiter on a semaphore of its own (3.13+: cpython.h says). Before any hook
 * is installed; without it the sleep and wake calls are not hooked at all. */
void gs_wakes_configure(int parking_lot);

/* The GOT hooks of sem_wait, sem_timedwait, sem_clockwait and sem_post
 * (hooks.c installs them). Fills `out` (room for 4); returns how many. */
int gs_wakes_patches(gs_got_patch *out);

#endif
