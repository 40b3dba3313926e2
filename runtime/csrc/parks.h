/* What a thread waits on when it blocks in the parking lot of a
 * free-threaded build (parks.c). */
#ifndef GILSCOPE_PARKS_H
#define GILSCOPE_PARKS_H

#include "recorder.h"

/* Free-threaded builds only: without it the calls below do nothing. */
void gs_parks_configure(int free_threaded);

/* The calling thread `t` is about to sleep, parked on `addr`. */
void gs_park_begin(gs_thread *t, const void *addr);

/* ...and is awake again (`timed_out`: the sleep ran out). */
void gs_park_end(gs_thread *t, int timed_out);

/* `poster` wakes `waiter` (wakes.c): who, and from which line. */
void gs_park_woken(gs_thread *poster, gs_thread *waiter);

/* A sched_yield of a thread spinning before it parks (counted, SPINS). */
void gs_park_spin(gs_thread *t);

#endif
