/* The size cap of a recording, shared by all its processes (budget.c). */
#ifndef GILSCOPE_BUDGET_H
#define GILSCOPE_BUDGET_H

#include <stdint.h>

/* Maps <directory>/budget when the launcher made one (a cap was asked for). */
void gs_budget_open(const char *directory);

/* The cap in bytes, or 0 when there is none. */
uint64_t gs_budget_cap(void);

/* Counts `bytes` more of the recording; 0 when they do not fit under the cap
 * (or it was reached before): the caller records nothing more. */
int gs_budget_take(uint64_t bytes);

/* The cap is reached: say so to every process of the recording, once, with when. */
void gs_budget_mark_reached(void);

#endif
