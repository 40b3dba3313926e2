/* Where another thread of this process is blocked, from /proc (blockedon.c). */
#ifndef GILSCOPE_BLOCKEDON_H
#define GILSCOPE_BLOCKEDON_H

#include <stddef.h>
#include <stdint.h>

/* 1: thread `tid` sleeps in a futex inside [base, base + size) (a GIL's
 * mutex or condition); 0: it sleeps in another system call; -1: it runs, or
 * it cannot be told. */
int gs_thread_blocked_on(uint32_t tid, const void *base, size_t size);

#endif
